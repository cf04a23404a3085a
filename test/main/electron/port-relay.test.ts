// The relay between the engine worker's port and its clients: ids renumbered per client, events to
// all, junk dropped, a dead engine failing requests as data; then a real request round trip through
// a real engine worker and a MessagePortMain stand-in.
import { EventEmitter } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineMessage, FileSummary, RequestMessage } from '../../../app/protocol/messages.ts';
import { startEngineWorker, unpackedScript, type EngineHost } from '../../../main/electron/engine-host.ts';
import { connectClientPort, EngineRelay } from '../../../main/electron/port-relay.ts';
import { bundleEngineWorker, FakePortMain, HAVE_ADDON, PageClient, SAMPLE, until } from './engine-fixture.ts';

/** An engine port whose requests the test answers by hand. */
class ScriptedEngine extends EventEmitter {
  readonly received: RequestMessage[] = [];
  postMessage(message: unknown): void {
    this.received.push(message as RequestMessage);
  }
  reply(message: EngineMessage): void {
    this.emit('message', message);
  }
}

function collect(relay: EngineRelay) {
  const got: EngineMessage[] = [];
  const lane = relay.connect((m) => got.push(m));
  return { got, lane };
}

describe('port relay', () => {
  it('renumbers requests so two clients never collide, and answers each its own', () => {
    const relay = new EngineRelay();
    const engine = new ScriptedEngine();
    relay.attach(engine);
    const a = collect(relay);
    const b = collect(relay);
    a.lane.post({ kind: 'request', id: 1, method: 'view.state', params: {} });
    b.lane.post({ kind: 'request', id: 1, method: 'view.rows', params: { start: 0, end: 5 } });
    const [ra, rb] = engine.received;
    expect(ra?.id).not.toBe(rb?.id);
    expect(rb).toMatchObject({ method: 'view.rows', params: { start: 0, end: 5 } });
    engine.reply({ kind: 'response', id: rb?.id ?? -1, ok: true, result: [] });
    engine.reply({ kind: 'response', id: ra?.id ?? -1, ok: true, result: 'state' });
    expect(a.got).toEqual([{ kind: 'response', id: 1, ok: true, result: 'state' }]);
    expect(b.got).toEqual([{ kind: 'response', id: 1, ok: true, result: [] }]);
  });

  it('sends events to every client and replays the open file to a late one', () => {
    const relay = new EngineRelay();
    const engine = new ScriptedEngine();
    relay.attach(engine);
    const a = collect(relay);
    const file: FileSummary = {
      path: '/x.pcap',
      name: 'x.pcap',
      format: 'pcap',
      sizeBytes: 1,
      nanosecond: false,
      linkTypes: [1],
    };
    const opened = { kind: 'event', event: { type: 'file.opened', file } } as const;
    const progress = {
      kind: 'event',
      event: { type: 'load.progress', progress: { packets: 3, bytesRead: 1, sizeBytes: 1, done: true } },
    } as const;
    engine.reply(opened);
    engine.reply(progress);
    expect(a.got).toEqual([opened, progress]);
    const late = collect(relay);
    expect(late.got).toEqual([opened, progress]);
    engine.reply({ kind: 'event', event: { type: 'file.closed' } });
    expect(collect(relay).got).toEqual([]);
  });

  it('drops junk, refuses unknown methods, and forwards nothing after a client closed', () => {
    const relay = new EngineRelay();
    const engine = new ScriptedEngine();
    relay.attach(engine);
    const a = collect(relay);
    for (const junk of [null, 'file.open', { kind: 'request', method: 'view.state' }, { kind: 'event' }]) {
      a.lane.post(junk);
    }
    a.lane.post({ kind: 'request', id: 7, method: 'shell.exec', params: { cmd: 'id' } });
    expect(engine.received).toEqual([]);
    expect(a.got).toEqual([
      {
        kind: 'response',
        id: 7,
        ok: false,
        error: { code: 'BAD_REQUEST', message: 'Unknown request shell.exec' },
      },
    ]);
    a.lane.post({ kind: 'request', id: 8, method: 'view.state', params: {} });
    const asked = engine.received[0];
    a.lane.close();
    a.lane.post({ kind: 'request', id: 9, method: 'view.state', params: {} });
    engine.reply({ kind: 'response', id: asked?.id ?? -1, ok: true, result: null });
    expect(engine.received).toHaveLength(1);
    expect(a.got).toHaveLength(1);
  });

  it('fails requests in flight as data when the engine goes, and says the file closed', () => {
    const relay = new EngineRelay();
    const engine = new ScriptedEngine();
    relay.attach(engine);
    const a = collect(relay);
    engine.reply({
      kind: 'event',
      event: {
        type: 'file.opened',
        file: { path: '/x', name: 'x', format: 'pcap', sizeBytes: 0, nanosecond: false, linkTypes: [] },
      },
    });
    a.lane.post({ kind: 'request', id: 4, method: 'view.state', params: {} });
    relay.detach({ code: 'INTERNAL', message: 'The engine stopped' });
    a.lane.post({ kind: 'request', id: 5, method: 'view.state', params: {} });
    expect(a.got.slice(1)).toEqual([
      { kind: 'response', id: 4, ok: false, error: { code: 'INTERNAL', message: 'The engine stopped' } },
      { kind: 'event', event: { type: 'file.closed' } },
      {
        kind: 'response',
        id: 5,
        ok: false,
        error: { code: 'INTERNAL', message: 'The engine is not running' },
      },
    ]);
    expect(engine.listenerCount('message')).toBe(0);
  });

  it('maps a worker script inside app.asar to its unpacked copy', () => {
    const url = new URL('file:///opt/Trawl/resources/app.asar/build/engine-worker.mjs');
    expect(unpackedScript(url).href).toBe(
      'file:///opt/Trawl/resources/app.asar.unpacked/build/engine-worker.mjs',
    );
    const dev = new URL('file:///work/main/build/engine-worker.mjs');
    expect(unpackedScript(dev).href).toBe(dev.href);
  });
});

describe('port relay with a real engine worker', () => {
  let host: EngineHost | null = null;
  afterEach(async () => {
    await host?.stop();
    host = null;
  });

  it.skipIf(!HAVE_ADDON)(
    'round-trips file.open and frame.detail between a page port and the worker',
    async () => {
      const relay = new EngineRelay();
      host = startEngineWorker(relay, await bundleEngineWorker());
      // The window's MessagePortMain (port1) and the page's end (port2), as the hand-off makes them.
      const { port1, port2 } = new MessageChannel();
      const main = new FakePortMain(port1);
      const lane = connectClientPort(relay, main);
      expect(main.started).toBe(true);
      const page = new PageClient(port2);

      const opened = await page.request(41, 'file.open', { path: SAMPLE });
      expect(opened).toMatchObject({
        kind: 'response',
        id: 41,
        ok: true,
        result: { name: 'pcpp__TcpPacketWithOptions.pcap', format: 'pcap' },
      });
      await until(
        () => page.events.some((e) => (e as { event: { type: string } }).event.type === 'file.opened'),
        'file.opened event',
      );
      const detail = (await page.request(42, 'frame.detail', { number: 1 })) as {
        id: number;
        result: { sources: { bytes: unknown }[] };
      };
      expect(detail.id).toBe(42);
      // Bytes survive both structured clones (worker → main → page) as bytes.
      expect(detail.result.sources[0]?.bytes).toBeInstanceOf(Uint8Array);
      expect((detail.result.sources[0]?.bytes as Uint8Array).length).toBe(869);
      const missing = await page.request(43, 'file.open', { path: '/nonexistent/x.pcap' });
      expect(missing).toMatchObject({ id: 43, ok: false, error: { code: 'ENOENT' } });
      lane.close();
      page.close();
    },
  );

  it('fails as data and restarts when the worker dies, then gives up after its budget', async () => {
    const relay = new EngineRelay();
    const crashes: { message: string; restarting: boolean }[] = [];
    const got: EngineMessage[] = [];
    relay.connect((m) => got.push(m));
    host = startEngineWorker(relay, new URL('data:text/javascript,process.exit(3)'), {
      maxRestartsPerMinute: 2,
      onCrash: (message, restarting) => crashes.push({ message, restarting }),
    });
    await until(() => crashes.length === 3, 'three crashes');
    expect(crashes.map((c) => c.restarting)).toEqual([true, true, false]);
    expect(crashes[0]?.message).toBe('The engine stopped (exit code 3)');
    const asked: EngineMessage[] = [];
    relay.connect((m) => asked.push(m)).post({ kind: 'request', id: 1, method: 'view.state', params: {} });
    expect(asked).toMatchObject([{ id: 1, ok: false, error: { code: 'INTERNAL' } }]);
  });
});
