// startCapture on both backends over a real veth: the same frames give the same counts and the
// same file; the default file lands in the cache directory; failures are CaptureErrors with codes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CaptureError } from '../../../main/capture/errors.ts';
import { captureDirectory, startCapture, type StartCaptureOptions } from '../../../main/capture/start.ts';
import { BATCH_THREAD_NICE } from '../../../main/capture/ring.ts';
import type { CaptureBackend, LiveCapture } from '../../../main/capture/types.ts';
import type { RecordBatch } from '../../../native/index.ts';
import { expectedFrame, rawSender, sendRaw, sleep, vethPair, type VethPair } from '../../support/netns.ts';
import { tempDir } from '../../support/pcap-bytes.ts';
import { readAll } from '../../native/read-all.ts';

let pair: VethPair;
const tmp = tempDir('tw4-start-');

beforeAll(() => {
  rawSender();
  pair = vethPair('start', 43);
});
afterAll(() => {
  pair?.cleanup();
  tmp.cleanup();
});

/** libpcap (through cap) hands over a block only when its 1 s timeout expires. */
const SETTLE_MS: Record<CaptureBackend, number> = { ring: 150, libpcap: 1300 };

function collect(capture: LiveCapture): RecordBatch[] {
  const batches: RecordBatch[] = [];
  capture.onBatch((b) => batches.push(b));
  return batches;
}

describe.each<CaptureBackend>(['ring', 'libpcap'])('backend %s', (backend) => {
  const opts = (extra: Partial<StartCaptureOptions> = {}): StartCaptureOptions => ({
    iface: pair.host,
    backend,
    output: join(tmp.dir, `${backend}-${Math.random().toString(36).slice(2)}.pcap`),
    ...extra,
  });

  test('500 frames of three sizes: counts, bytes and file content, batches with file offsets', async () => {
    const frames = { count: 500, sizes: [60, 590, 1514], dport: 7100 };
    const capture = startCapture(opts({ filter: 'udp dst port 7100' }));
    const batches = collect(capture);
    expect(capture.linkType).toBe(1);
    expect(sendRaw(pair, frames)).toBe(500);
    await sleep(SETTLE_MS[backend]);
    const stats = await capture.stop();
    expect(stats).toEqual({
      packets: 500,
      bytes: 167 * 60 + 167 * 590 + 166 * 1514,
      kernelDrops: 0,
      trawlDrops: 0,
      freezeCount: 0,
    });
    await expect(capture.ended).resolves.toEqual(stats);
    const file = await readAll(capture.path);
    expect(file.records).toHaveLength(500);
    file.records.forEach((rec, i) => {
      expect(Buffer.compare(rec.bytes, expectedFrame(frames, i, pair.peerMac))).toBe(0);
    });
    expect(batches.reduce((n, b) => n + b.count, 0)).toBe(500);
    const offsets = batches.flatMap((b) => [...b.recordOffset]);
    expect(offsets).toEqual(file.records.map((r) => r.recordOffset));
  });

  test('autostop after N packets resolves `ended` with exactly N in the file', async () => {
    const capture = startCapture(opts({ filter: 'udp dst port 7101', autostop: { packets: 40 } }));
    sendRaw(pair, { count: 100, dport: 7101 });
    const stats = await capture.ended;
    expect(stats.packets).toBe(40);
    expect((await readAll(capture.path)).records).toHaveLength(40);
  });

  test('a bad filter: CaptureError BAD_FILTER with libpcap words, no file', () => {
    const output = join(tmp.dir, `${backend}-bad.pcap`);
    let err: unknown;
    try {
      startCapture(opts({ filter: 'udp and and', output }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as CaptureError).code).toBe('BAD_FILTER');
    expect((err as CaptureError).message).toBe("can't parse filter expression: syntax error");
    expect(existsSync(output)).toBe(false);
  });

  test('an unknown interface: ENODEV', () => {
    expect(() => startCapture(opts({ iface: 'tw4-nothere' }))).toThrow(
      expect.objectContaining({ code: 'ENODEV' }) as Error,
    );
  });

  // Ring only: cap 0.2.1 asserts (aborts the process) when its socket reports an error, which is
  // what a vanished interface does (binding.cc:190, `assert(status == 0)` in the uv_poll callback).
  test.skipIf(backend === 'libpcap')(
    'the interface deleted mid-capture: `ended` rejects with ENODEV, the file keeps what came',
    async () => {
      const gone = vethPair(`del${backend.slice(0, 3)}`, backend === 'ring' ? 44 : 45);
      try {
        const capture = startCapture({
          iface: gone.host,
          backend,
          output: join(tmp.dir, `${backend}-gone.pcap`),
          filter: 'udp',
        });
        sendRaw(gone, { count: 60 });
        await sleep(SETTLE_MS[backend]);
        gone.cleanup();
        await expect(capture.ended).rejects.toMatchObject({
          code: 'ENODEV',
          message: `Interface ${gone.host} disappeared during the capture`,
        });
        expect((await readAll(capture.path)).records).toHaveLength(60);
        expect((await capture.stop()).packets).toBe(60);
      } finally {
        gone.cleanup();
      }
    },
  );
});

test('without an output the file goes to $XDG_CACHE_HOME/trawl/captures', async () => {
  const saved = process.env['XDG_CACHE_HOME'];
  process.env['XDG_CACHE_HOME'] = join(tmp.dir, 'cache');
  try {
    const capture = startCapture({ iface: pair.host, filter: 'udp dst port 7102' });
    expect(capture.path.startsWith(join(tmp.dir, 'cache', 'trawl', 'captures', `trawl_${pair.host}_`))).toBe(
      true,
    );
    expect(captureDirectory()).toBe(join(tmp.dir, 'cache', 'trawl', 'captures'));
    sendRaw(pair, { count: 5, dport: 7102 });
    await sleep(150);
    expect((await capture.stop()).packets).toBe(5);
    expect((await readAll(capture.path)).records).toHaveLength(5);
  } finally {
    if (saved === undefined) delete process.env['XDG_CACHE_HOME'];
    else process.env['XDG_CACHE_HOME'] = saved;
  }
});

test('bad ring options are EINVAL before anything starts', () => {
  expect(() =>
    startCapture({ iface: pair.host, output: join(tmp.dir, 'x.pcap'), ring: { blockSize: 1000 } }),
  ).toThrow(expect.objectContaining({ code: 'EINVAL' }) as Error);
  expect(() =>
    startCapture({
      iface: pair.host,
      output: join(tmp.dir, 'y.pcap'),
      ring: { blockSize: 8192, frameSize: 3000 },
    }),
  ).toThrow(
    expect.objectContaining({ code: 'EINVAL', message: expect.stringContaining('frame size') }) as Error,
  );
});

test('libpcap: a small buffer and a flood: the kernel drops are read from the socket libpcap opened, not hidden', async () => {
  const capture = startCapture({
    iface: pair.host,
    backend: 'libpcap',
    output: join(tmp.dir, 'libpcap-drops.pcap'),
    filter: 'udp dst port 7106',
    ring: { blockSize: 1 << 16, blockCount: 2 },
  });
  // JS is blocked while the sender runs (spawnSync): libpcap's 128 KiB buffer overflows.
  const sent = sendRaw(pair, { count: 100000, dport: 7106, sizes: [1514] });
  expect(capture.stats().kernelDrops).toBeGreaterThan(0);
  await sleep(SETTLE_MS.libpcap);
  const stats = await capture.stop();
  expect(stats.packets + stats.kernelDrops).toBe(sent);
  expect((await readAll(capture.path)).records).toHaveLength(stats.packets);
  // Read once more after the end: the totals stand (the socket is closed, its number may be reused).
  expect(capture.stats()).toEqual(stats);
});

/** Nice values of this process's threads named `name` (Linux: /proc/self/task/TID/stat, field 19). */
function threadNices(name: string): number[] {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    const comm = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
    if (comm !== name) return [];
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [Number(fields[16])];
  });
}

test('ring: JS yields the CPU to the capture thread while it takes batches, and takes it back after', async () => {
  const before = getPriority(0);
  expect(before).toBeLessThan(BATCH_THREAD_NICE);
  const capture = startCapture({
    iface: pair.host,
    output: join(tmp.dir, 'nice.pcap'),
    filter: 'udp dst port 7103',
  });
  expect(getPriority(0)).toBe(BATCH_THREAD_NICE);
  expect(threadNices('trawl-capture')).toEqual([before]);
  sendRaw(pair, { count: 5, dport: 7103 });
  await sleep(150);
  expect((await capture.stop()).packets).toBe(5);
  // Root may raise a priority again (an unprivileged process may not: it stays at 10).
  expect(getPriority(0)).toBe(before);
  expect(threadNices('trawl-capture')).toEqual([]);
});

test('ring without batches (`-w` only): JS keeps its priority', async () => {
  const before = getPriority(0);
  const capture = startCapture({
    iface: pair.host,
    output: join(tmp.dir, 'nice-w.pcap'),
    filter: 'udp dst port 7104',
    batches: false,
  });
  expect(getPriority(0)).toBe(before);
  await capture.stop();
});
