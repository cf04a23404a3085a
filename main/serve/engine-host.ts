// Where the browser mode's engines run: one engine per WebSocket connection, either in a
// worker thread (the bundled build/engine-worker.mjs, as the desktop app runs it) or in this
// process (tests from source, where there is no bundled worker).
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EngineMessage } from '../../app/protocol/messages.ts';
import { serveEngine } from '../engine/port.ts';
import { ENGINE_RESOURCE_LIMITS } from '../engine/worker-limits.ts';

export interface EngineConnection {
  /** A request (already parsed; the engine validates it). */
  send(message: unknown): void;
  onMessage(listener: (message: EngineMessage) => void): void;
  /** The engine ended on its own (a worker crashed); `reason` is for the user. */
  onExit(listener: (reason: string) => void): void;
  close(): void;
}

export type EngineHost = () => EngineConnection;

/** Hosts each engine in this process, over serveEngine() from main/engine/port.ts. */
export function inProcessEngineHost(): EngineHost {
  return () => {
    const toEngine = new EventEmitter();
    let listener: ((m: EngineMessage) => void) | null = null;
    let closed = false;
    const engine = serveEngine({
      postMessage: (m) => {
        if (!closed) listener?.(m);
      },
      on: (_event, l) => toEngine.on('message', l),
    });
    return {
      send: (m) => {
        if (!closed) toEngine.emit('message', m);
      },
      onMessage: (l) => (listener = l),
      onExit: () => {},
      close: () => {
        if (closed) return;
        closed = true;
        engine.close();
        toEngine.removeAllListeners();
      },
    };
  };
}

/** How long after a connection took the spare worker the next one is started (ms). */
const SPARE_DELAY_MS = 2000;

/**
 * Hosts each engine in its own worker thread running `script` (build/engine-worker.mjs). One
 * worker is started ahead and waits, unreferenced, for the next connection: a page that opens a
 * file at once does not wait for a worker to boot. The next spare starts a little later, not
 * while the page that took this one is loading.
 */
export function workerEngineHost(script: URL): EngineHost {
  let spare: { worker: Worker; alive: boolean } | null = null;
  let spareTimer: NodeJS.Timeout | null = null;
  const startSpare = (): void => {
    spareTimer = null;
    const worker = new Worker(script, { resourceLimits: ENGINE_RESOURCE_LIMITS });
    const entry = { worker, alive: true };
    worker.once('exit', () => (entry.alive = false));
    worker.once('error', () => (entry.alive = false));
    worker.unref();
    spare = entry;
  };
  startSpare();
  const takeWorker = (): Worker => {
    const taken = spare?.alive ? spare.worker : null;
    spare = null;
    spareTimer ??= setTimeout(startSpare, SPARE_DELAY_MS).unref();
    if (taken === null) return new Worker(script, { resourceLimits: ENGINE_RESOURCE_LIMITS });
    taken.removeAllListeners();
    taken.ref();
    return taken;
  };
  return () => {
    const worker = takeWorker();
    let closed = false;
    const exitListeners: ((reason: string) => void)[] = [];
    const exited = (reason: string): void => {
      if (closed) return;
      closed = true;
      for (const l of exitListeners) l(reason);
    };
    worker.on('error', (err: unknown) =>
      exited(`The engine failed: ${err instanceof Error ? err.message : String(err)}`),
    );
    worker.on('exit', (code) => exited(`The engine stopped (exit code ${code})`));
    return {
      send: (m) => {
        if (!closed) worker.postMessage(m);
      },
      onMessage: (l) => worker.on('message', (m: EngineMessage) => l(m)),
      onExit: (l) => exitListeners.push(l),
      close: () => {
        closed = true;
        void worker.terminate();
      },
    };
  };
}

/** The bundled worker next to this module when it runs from build/, else null. */
export function bundledWorkerScript(base: string = import.meta.url): URL | null {
  const url = new URL('./engine-worker.mjs', base);
  return existsSync(fileURLToPath(url)) ? url : null;
}

/** A worker host when the bundled worker exists (build/), else an in-process host (source). */
export function defaultEngineHost(): EngineHost {
  const script = bundledWorkerScript();
  return script ? workerEngineHost(script) : inProcessEngineHost();
}
