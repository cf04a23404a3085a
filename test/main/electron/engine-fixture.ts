// Real engines for the shell's tests: the engine worker bundled as scripts/build.mjs bundles it
// (into a temporary folder, so the tests need no prior build), or served in-process over a real
// worker_threads MessageChannel; and a MessagePortMain stand-in over a real Node MessagePort.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { EngineHost } from '../../../main/electron/engine-host.ts';
import type { ClientPortLike, EngineRelay } from '../../../main/electron/port-relay.ts';
import { serveEngine } from '../../../main/engine/port.ts';
import { CORPUS_FILES, ROOT } from '../../support/corpus.ts';
import { scratchDir } from '../../support/scratch.ts';

export const ADDON = join(ROOT, 'native/build/Release/trawl.node');
export const HAVE_ADDON = existsSync(ADDON) || Boolean(process.env['TRAWL_ADDON']);
export const SAMPLE = join(CORPUS_FILES, 'pcpp__TcpPacketWithOptions.pcap');

/** Bundles main/engine/worker.ts and returns its URL; the worker finds the addon through TRAWL_ADDON. */
export async function bundleEngineWorker(): Promise<URL> {
  const outdir = scratchDir('trawl-engine-worker-');
  await build({
    entryPoints: { 'engine-worker': join(ROOT, 'main/engine/worker.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  process.env['TRAWL_ADDON'] ??= ADDON;
  return pathToFileURL(join(outdir, 'engine-worker.mjs'));
}

/** An engine served in this thread over a real MessageChannel, attached to the relay. */
export function inProcessEngine(relay: EngineRelay): EngineHost {
  const { port1, port2 } = new MessageChannel();
  serveEngine(port2);
  relay.attach(port1);
  return {
    stop: async () => {
      port1.close();
      port2.close();
    },
  };
}

/** Electron's MessagePortMain, played by a Node MessagePort (Electron wraps messages as `{ data }`). */
export class FakePortMain implements ClientPortLike {
  started = false;
  constructor(readonly node: MessagePort) {}
  postMessage(message: unknown): void {
    this.node.postMessage(message);
  }
  on(event: 'message', listener: (event: { data: unknown }) => void): this;
  on(event: 'close', listener: () => void): this;
  on(event: 'message' | 'close', listener: ((event: { data: unknown }) => void) | (() => void)): this {
    if (event === 'message') {
      const onMessage = listener as (event: { data: unknown }) => void;
      this.node.on('message', (data: unknown) => onMessage({ data }));
    } else {
      this.node.on('close', listener as () => void);
    }
    return this;
  }
  start(): void {
    this.started = true;
    this.node.start();
  }
  close(): void {
    this.node.close();
  }
}

export class FakeMessageChannelMain {
  readonly port1: FakePortMain;
  readonly port2: FakePortMain;
  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port1 = new FakePortMain(port1);
    this.port2 = new FakePortMain(port2);
  }
}

/** The page's side of the engine port: sends requests with its own ids, collects what comes back. */
export class PageClient {
  readonly events: unknown[] = [];
  private readonly waiting = new Map<number, (response: unknown) => void>();
  constructor(private readonly port: MessagePort) {
    port.on('message', (m: { kind: string; id?: number }) => {
      if (m.kind === 'event') this.events.push(m);
      else if (m.id !== undefined) this.waiting.get(m.id)?.(m);
    });
  }
  request(id: number, method: string, params: unknown): Promise<unknown> {
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.port.postMessage({ kind: 'request', id, method, params });
    });
  }
  close(): void {
    this.port.close();
  }
}

export async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
