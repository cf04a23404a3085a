// A live capture in the engine, driven by a stand-in LiveCapture that writes a real pcap file and
// emits the reader's batches with their file offsets (test/support/stand-in-capture.ts).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaptureStatus, EngineEvent } from '../../../app/protocol/messages.ts';
import { Engine } from '../../../main/engine/engine.ts';
import { toEngineError } from '../../../main/engine/errors.ts';
import { LiveBatches, readGap } from '../../../main/engine/live.ts';
import { openCapture } from '../../../main/pcap/read.ts';
import { createCaptureWriter } from '../../../main/pcap/write.ts';
import { CORPUS_FILES } from '../../support/corpus.ts';
import { framesOf, standInProvider, type StandInOptions } from '../../support/stand-in-capture.ts';
import { udpFrame } from '../../support/tcp-frames.ts';
import { scratchDir } from '../../support/scratch.ts';

const SOURCE = join(CORPUS_FILES, 'pcpp__DnsPackets.pcap');

async function setup(source: Partial<StandInOptions> = {}) {
  const frames = await framesOf(SOURCE);
  const dir = scratchDir('trawl-live-');
  const provider = standInProvider(dir, { frames, perBatch: 7, intervalMs: 15, ...source });
  const events: EngineEvent[] = [];
  const engine = new Engine((e) => events.push(e), provider);
  return { engine, events, provider, dir, frames };
}

/** A nanosecond capture of `frames`, one a second from 1700000000.123456789, and each record's offset. */
function captureOf(frames: readonly { origLen: number; bytes: Uint8Array }[], name: string) {
  const path = join(scratchDir('trawl-gap-'), name);
  const writer = createCaptureWriter(path, { linkType: 1, nanosecond: true });
  const offsets = frames.map((f, i) => {
    const at = writer.position();
    writer.writePacket(1700000000 + i, 123456789, f.origLen, f.bytes);
    return at;
  });
  writer.close();
  return { path, offsets };
}

function until<T>(check: () => T | undefined | false, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      const v = check();
      if (v) return resolve(v);
      if (Date.now() > deadline) return reject(new Error('timed out'));
      setTimeout(poll, 10);
    };
    poll();
  });
}

async function fileCount(path: string): Promise<number> {
  let n = 0;
  for await (const b of openCapture(path)) n += b.count;
  return n;
}

describe('live capture in the engine', () => {
  it('indexes packets as they are captured, reads their bytes back from the file, and stops', async () => {
    const { engine, events, frames } = await setup({ loop: true });
    const started = await engine.handle('capture.start', { options: { iface: 'lo' } });
    expect(started.state).toBe('running');
    expect(started.path).toMatch(/trawl_lo_\d{14}_0\.pcap$/);
    expect(events.map((e) => e.type)).toEqual(['file.opened', 'capture.started']);

    // Rows appear while capturing, and the statistics tick every second with a rate.
    await until(() => events.some((e) => e.type === 'load.progress' && e.progress.packets > 20));
    const stats = await until(() => events.find((e) => e.type === 'capture.stats'), 3000);
    expect(stats.type === 'capture.stats' && stats.stats.rate).toBeGreaterThan(50);
    const live = await engine.handle('view.state', {});
    expect(live.total).toBeGreaterThan(20);
    const [row] = await engine.handle('view.rows', { start: 0, end: 1 });
    expect(row?.protocol).toBe('DNS');
    await expect(engine.handle('view.sort', { column: 'length', descending: false })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
    });

    const stopped = await engine.handle('capture.stop', {});
    expect(stopped.state).toBe('stopped');
    expect(stopped.endedBy).toBe('user');
    const final = await engine.handle('view.state', {});
    // Every packet in the file is in the index, none more.
    expect(final.total).toBe(stopped.stats.packets);
    expect(stopped.stats.indexed).toBe(stopped.stats.packets);
    expect(await fileCount(stopped.path)).toBe(stopped.stats.packets);
    expect(events.filter((e) => e.type === 'capture.stopped')).toHaveLength(1);
    expect(events.some((e) => e.type === 'load.progress' && e.progress.done)).toBe(true);

    // Bytes come back from the file by offset: packet n is source frame (n-1) mod count.
    for (const n of [1, 2, final.total]) {
      const detail = await engine.handle('frame.detail', { number: n });
      const want = frames[(n - 1) % frames.length]?.bytes;
      expect(detail.sources[0]?.bytes).toEqual(want);
    }
    // Stop is idempotent.
    expect((await engine.handle('capture.stop', {})).stats.packets).toBe(stopped.stats.packets);
    await engine.handle('file.close', { discard: true });
  });

  it('a capture faster than the index: batches past the queue wait in the file, memory stays bounded, all indexed', async () => {
    // 1514-byte frames, 10,000 a batch (15 MB) every ms: far faster than the index.
    const frames = Array.from({ length: 7 }, (_, i) => ({
      tsSec: 1700000000,
      tsNsec: i,
      origLen: 1514,
      bytes: udpFrame({ src: 1, dst: 2, sport: 40000 + i, dport: 9 }, 'x'.repeat(1472)),
      linkType: 1,
    }));
    const { engine, events } = await setup({ frames, perBatch: 10000, intervalMs: 1, loop: true });
    await engine.handle('capture.start', { options: { iface: 'lo', autostop: { packets: 300000 } } });
    let peak = 0;
    await until(() => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
      return events.find((e) => e.type === 'capture.stopped');
    }, 60000);
    const status = await engine.handle('capture.stop', {});
    expect(status.stats.packets).toBe(300000);
    expect((await engine.handle('view.state', {})).total).toBe(300000);
    // 450 MB went through; the engine held at most its 64 MiB queue and a few batches of it.
    expect(peak).toBeLessThan(200 << 20);
    for (const n of [1, 150001, 300000]) {
      const detail = await engine.handle('frame.detail', { number: n });
      expect(detail.sources[0]?.bytes).toEqual(frames[(n - 1) % 7]?.bytes);
    }
    const [row] = await engine.handle('view.rows', { start: 299999, end: 300000 });
    expect(row?.info).toBe(`${40000 + (299999 % 7)} → 9 Len=1472`);
    await engine.handle('file.close', { discard: true });
  }, 90000);

  it('stops by itself after N packets (autostop)', async () => {
    const { engine, events } = await setup({ loop: true });
    await engine.handle('capture.start', { options: { iface: 'lo', autostop: { packets: 25 } } });
    const ended = await until(() => events.find((e) => e.type === 'capture.stopped'));
    const status = (ended as { capture: CaptureStatus }).capture;
    expect(status.endedBy).toBe('autostop');
    expect(status.stats.packets).toBe(25);
    expect((await engine.handle('view.state', {})).total).toBe(25);
    await engine.handle('file.close', { discard: true });
  });

  it('asks before an unsaved capture is closed or replaced, and saves by moving the file', async () => {
    const { engine, events, dir } = await setup();
    const { path: temp } = await engine.handle('capture.start', { options: { iface: 'lo' } });
    await until(() => events.some((e) => e.type === 'load.progress' && e.progress.packets > 0));
    await expect(engine.handle('file.close', {})).rejects.toMatchObject({ code: 'UNSAVED' });
    await expect(engine.handle('file.open', { path: SOURCE })).rejects.toMatchObject({ code: 'UNSAVED' });
    await expect(engine.handle('capture.start', { options: { iface: 'lo' } })).rejects.toMatchObject({
      code: 'UNSAVED',
    });
    // Still capturing after the refusals.
    expect((await engine.handle('capture.status', {}))?.state).toBe('running');
    await expect(engine.handle('capture.save', { path: join(dir, 'x.pcap') })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });

    const stopped = await engine.handle('capture.stop', {});
    const out = join(dir, 'saved.pcap');
    const saved = await engine.handle('capture.save', { path: out });
    expect(saved.packets).toBe(stopped.stats.packets);
    expect(saved.file).toMatchObject({ path: out, name: 'saved.pcap' });
    expect(existsSync(temp)).toBe(false);
    expect(await fileCount(out)).toBe(stopped.stats.packets);
    expect(events.some((e) => e.type === 'capture.saved')).toBe(true);
    // Rows still read from the (moved) file; and now it closes without asking.
    expect((await engine.handle('frame.detail', { number: 1 })).sources[0]?.bytes.length).toBeGreaterThan(0);
    await engine.handle('file.close', {});
    expect(existsSync(out)).toBe(true);
  });

  it('discarding deletes the temporary file; restart starts a new one', async () => {
    const { engine, events, dir } = await setup({ loop: true });
    const first = await engine.handle('capture.start', { options: { iface: 'lo', filter: 'udp port 53' } });
    await until(() => events.some((e) => e.type === 'load.progress' && e.progress.packets > 10));
    const second = await engine.handle('capture.restart', {});
    expect(second.path).not.toBe(first.path);
    expect(second.options.filter).toBe('udp port 53');
    expect(existsSync(first.path)).toBe(false);
    const state = await engine.handle('view.state', {});
    expect(state.total).toBeLessThan(10);
    await until(() => events.some((e) => e.type === 'capture.started' && e.capture.path === second.path));
    await engine.handle('capture.stop', {});
    await engine.handle('file.close', { discard: true });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reports a capture that fails mid-way, keeping what it captured', async () => {
    const { engine, events, provider } = await setup({ loop: true });
    await engine.handle('capture.start', { options: { iface: 'lo' } });
    await until(() => events.some((e) => e.type === 'load.progress' && e.progress.packets > 10));
    provider.started[0]?.fail({
      code: 'ENODEV',
      message: 'lo: the interface went away',
      fix: 'ip link set lo up',
    });
    const failed = await until(() => events.find((e) => e.type === 'capture.failed'));
    const status = (failed as { capture: CaptureStatus }).capture;
    expect(status).toMatchObject({
      state: 'failed',
      endedBy: 'failure',
      failure: { code: 'ENODEV', message: 'lo: the interface went away', fix: 'ip link set lo up' },
    });
    const total = (await engine.handle('view.state', {})).total;
    expect(total).toBe(status.stats.packets);
    expect(await fileCount(status.path)).toBe(total);
    await engine.handle('file.close', { discard: true });
  });

  it('turns start failures into errors with their code, keeping the open file', async () => {
    const { engine } = await setup();
    await engine.handle('file.open', { path: SOURCE });
    await expect(engine.handle('capture.start', { options: { iface: 'nope0' } })).rejects.toMatchObject({
      code: 'ENODEV',
      message: 'nope0: No such device exists',
    });
    await expect(
      engine.handle('capture.start', { options: { iface: 'lo', filter: 'port (' } }),
    ).rejects.toMatchObject({ code: 'BAD_FILTER' });
    // Errors cross as data: the port turns them into {code, message, fix}.
    const eperm = await engine.handle('capture.start', { options: { iface: 'eperm0' } }).catch(toEngineError);
    expect(eperm).toEqual({
      code: 'EPERM',
      message: 'eperm0: socket(AF_PACKET) failed: Operation not permitted (no CAP_NET_RAW)',
      fix: 'npm run setcap',
    });
    expect((await engine.handle('view.state', {})).total).toBeGreaterThan(0);
    engine.close();
  });

  it('lists interfaces, reads counters and checks capture filters', async () => {
    const { engine } = await setup();
    const ifaces = await engine.handle('capture.interfaces', {});
    expect(ifaces.map((i) => i.name)).toContain('lo');
    const a = await engine.handle('capture.counters', {});
    const lo = a.counters.find((c) => c.name === 'lo');
    expect(lo?.rxPackets).toBeGreaterThanOrEqual(0);
    expect(await engine.handle('capture.validateFilter', { filter: '' })).toEqual({ ok: true });
    expect(await engine.handle('capture.validateFilter', { filter: 'udp port 53', iface: 'lo' })).toEqual({
      ok: true,
    });
    const bad = await engine.handle('capture.validateFilter', { filter: 'port (', iface: 'lo' });
    expect(bad.ok).toBe(false);
  });

  it('reads back from the file the records a capture skipped (JS fell behind)', async () => {
    const frames = (await framesOf(SOURCE)).slice(0, 5);
    const { path, offsets } = captureOf(frames, 'gap.pcap');
    const { batch, rest } = readGap(path, { packets: 3, fromOffset: offsets[1] ?? 0 }, 1);
    expect(rest).toBeNull();
    expect(batch.count).toBe(3);
    expect(Array.from(batch.recordOffset)).toEqual(offsets.slice(1, 4));
    expect(Array.from(batch.tsSec)).toEqual([1700000001, 1700000002, 1700000003]);
    expect(batch.tsNsec[0]).toBe(123456789);
    for (let i = 0; i < 3; i++) {
      const start = batch.dataStart[i] ?? 0;
      expect(batch.data.subarray(start, start + (batch.capLen[i] ?? 0))).toEqual(frames[i + 1]?.bytes);
      expect(batch.dataOffset[i]).toBe((offsets[i + 1] ?? 0) + 16);
    }
    // A gap claiming more than the file holds ends with the file.
    const past = readGap(path, { packets: 9, fromOffset: offsets[3] ?? 0 }, 1);
    expect([past.batch.count, past.rest]).toEqual([2, null]);
  });

  it('a full queue turns batches into gaps and pauses the capture until the index has caught up', async () => {
    const { path, offsets } = captureOf((await framesOf(SOURCE)).slice(0, 6), 'paused.pcap');
    const batchOf = (from: number, packets: number) =>
      readGap(path, { packets, fromOffset: offsets[from] ?? 0 }, 1).batch;
    const pauses: boolean[] = [];
    const first = batchOf(0, 2);
    const live = new LiveBatches(path, 1, 65535, (p) => pauses.push(p), first.data.length + 1);
    live.push(first);
    expect(pauses).toEqual([]);
    // The next batch would pass the limit: it stays in the file, and the capture is asked to pause.
    live.push(batchOf(2, 2));
    expect(pauses).toEqual([true]);
    live.pushGap({ packets: 2, fromOffset: offsets[4] ?? 0 });
    const got: number[] = [];
    for (let i = 0; i < 3; i++) {
      const b = await live.next();
      got.push(...Array.from(b?.recordOffset ?? []));
      // Resumed only once nothing is left to read back.
      expect(pauses).toEqual(i < 2 ? [true] : [true, false]);
    }
    expect(got).toEqual(offsets);
    live.end();
    expect(await live.next()).toBeNull();
  });

  it('reads a big gap back in bounded batches, each naming the rest', async () => {
    const path = join(scratchDir('trawl-gap-'), 'big.pcap');
    const writer = createCaptureWriter(path, { linkType: 1, nanosecond: true });
    const bytes = new Uint8Array(60);
    const offsets: number[] = [];
    for (let i = 0; i < 70000; i++) {
      offsets.push(writer.position());
      bytes[0] = i & 0xff;
      writer.writePacket(1700000000, i, 60, bytes);
    }
    writer.close();
    const first = readGap(path, { packets: 70000, fromOffset: offsets[0] ?? 0 }, 1);
    expect(first.batch.count).toBe(65536);
    expect(first.rest).toEqual({ packets: 70000 - 65536, fromOffset: offsets[65536] });
    const second = readGap(path, first.rest ?? { packets: 0, fromOffset: 0 }, 1);
    expect(second.rest).toBeNull();
    expect(second.batch.count).toBe(70000 - 65536);
    expect(second.batch.tsNsec[0]).toBe(65536);
    expect(second.batch.data[(second.batch.count - 1) * 60]).toBe(69999 & 0xff);
  });
});
