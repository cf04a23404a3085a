// The addon's CaptureSession (TPACKET_V3 ring) on a real veth pair with real frames: exact
// counts and bytes, capture filters, VLAN re-insertion, snaplen, `any`, autostop, drops, an
// interface deleted mid-capture, and the privileged helper for a process without CAP_NET_RAW.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  addon,
  type CaptureSessionEvent,
  type CaptureSessionOptions,
  type RecordBatch,
} from '../../native/index.ts';
import { tempDir } from '../support/pcap-bytes.ts';
import { expectedFrame, rawSender, sendRaw, sleep, vethPair, type VethPair } from '../support/netns.ts';
import { readAll, recordsOf, type Rec } from './read-all.ts';

const HELPER = new URL('../../native/build/Release/trawl-capture-helper', import.meta.url).pathname;
const ADDON = new URL('../../native/build/Release/trawl.node', import.meta.url).pathname;

let pair: VethPair;
const tmp = tempDir('tw4-ring-');
chmodSync(tmp.dir, 0o777);

beforeAll(() => {
  rawSender();
  pair = vethPair('ring', 41);
});
afterAll(() => {
  pair?.cleanup();
  tmp.cleanup();
});

type EndEvent = Extract<CaptureSessionEvent, { type: 'end' }>;

interface Running {
  session: InstanceType<ReturnType<typeof addon>['CaptureSession']>;
  batches: RecordBatch[];
  ended: Promise<EndEvent>;
  path: string;
}

let fileNo = 0;
function start(options: Partial<CaptureSessionOptions> = {}): Running {
  const path = join(tmp.dir, `cap${++fileNo}.pcap`);
  const batches: RecordBatch[] = [];
  let resolve!: (e: EndEvent) => void;
  const ended = new Promise<EndEvent>((r) => (resolve = r));
  const session = new (addon().CaptureSession)({ iface: pair.host, output: path, ...options }, (e) => {
    if (e.type === 'batch') batches.push(e.batch);
    else resolve(e);
  });
  return { session, batches, ended, path };
}

async function stopped(r: Running): Promise<EndEvent> {
  await sleep(150);
  r.session.stop();
  return r.ended;
}

function batchRecords(batches: RecordBatch[]): Rec[] {
  return batches.flatMap(recordsOf);
}

/** A capture session that keeps its batches and gaps, and the promise of its end event. */
function recordingSession(options: ConstructorParameters<ReturnType<typeof addon>['CaptureSession']>[0]) {
  const batches: RecordBatch[] = [];
  const skipped: { packets: number; fromOffset: number }[] = [];
  let resolve!: (e: EndEvent) => void;
  const ended = new Promise<EndEvent>((r) => (resolve = r));
  const session = new (addon().CaptureSession)(options, (e) => {
    if (e.skipped) skipped.push(e.skipped);
    if (e.type === 'batch') batches.push(e.batch);
    else resolve(e);
  });
  return { session, batches, skipped, ended };
}

describe('ring capture on a veth', () => {
  test('1000 frames of four sizes: exact count, bytes, order, timestamps, file = batches', async () => {
    const frames = { count: 1000, sizes: [60, 100, 1000, 1514], dport: 7000 };
    const before = Date.now() / 1000;
    const r = start();
    expect(r.session.linkType).toBe(1);
    expect(sendRaw(pair, frames)).toBe(1000);
    const end = await stopped(r);
    const after = Date.now() / 1000;
    expect(end.reason).toBe('stopped');
    expect(end.error).toBeUndefined();
    const stats = r.session.stats();
    expect(stats.packets).toBe(1000);
    expect(stats.bytes).toBe(250 * (60 + 100 + 1000 + 1514));
    expect(stats.kernelDrops).toBe(0);
    expect(stats.trawlDrops).toBe(0);
    expect(stats.kernelPackets).toBe(1000);

    const file = await readAll(r.path);
    expect(file.error).toBeNull();
    expect(file.records).toHaveLength(1000);
    const fromBatches = batchRecords(r.batches);
    expect(fromBatches).toHaveLength(1000);
    let prev = 0;
    const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;
    file.records.forEach((rec, i) => {
      if (!same(rec.bytes, expectedFrame(frames, i, pair.peerMac))) {
        expect(rec.bytes).toEqual(expectedFrame(frames, i, pair.peerMac));
      }
      expect(rec.origLen).toBe(rec.capLen);
      const t = rec.tsSec + rec.tsNsec / 1e9;
      expect(t).toBeGreaterThanOrEqual(before - 0.01);
      expect(t).toBeLessThanOrEqual(after + 0.01);
      expect(t).toBeGreaterThanOrEqual(prev);
      prev = t;
      const b = fromBatches[i] as Rec;
      expect(same(b.bytes, rec.bytes)).toBe(true);
      expect([b.recordOffset, b.dataOffset, b.tsSec, b.tsNsec]).toEqual([
        rec.recordOffset,
        rec.dataOffset,
        rec.tsSec,
        rec.tsNsec,
      ]);
    });
  });

  test('30 MB at full speed (past the 8 MiB direct-write buffer): every frame, byte for byte, file size exact', async () => {
    const frames = { count: 20000, sizes: [1514, 1513], dport: 7001 };
    const r = start({ filter: 'udp dst port 7001' });
    expect(sendRaw(pair, frames)).toBe(frames.count);
    const end = await stopped(r);
    expect(end.error).toBeUndefined();
    expect(r.session.stats().kernelDrops).toBe(0);
    const file = await readAll(r.path);
    expect(file.error).toBeNull();
    expect(file.records).toHaveLength(frames.count);
    let bad = 0;
    file.records.forEach((rec, i) => {
      if (Buffer.compare(rec.bytes, expectedFrame(frames, i, pair.peerMac)) !== 0) bad++;
    });
    expect(bad).toBe(0);
    // Direct writes pad the last block; the file is cut back to the end of the last record.
    const last = file.records.at(-1) as Rec;
    expect(statSync(r.path).size).toBe(last.dataOffset + last.capLen);
  });

  test('a capture filter keeps exactly the matching frames (kernel BPF from pcap_compile)', async () => {
    const r = start({ filter: 'udp dst port 7000' });
    sendRaw(pair, { count: 300, dport: 7000 });
    sendRaw(pair, { count: 200, dport: 9 });
    await stopped(r);
    const file = await readAll(r.path);
    expect(file.records).toHaveLength(300);
    expect(r.session.stats().kernelPackets).toBe(300);

    const h = start({ filter: 'host 10.99.7.7' });
    sendRaw(pair, { count: 120, dstIp: '10.99.7.7' });
    sendRaw(pair, { count: 80, dstIp: '10.99.7.8' });
    await stopped(h);
    expect((await readAll(h.path)).records).toHaveLength(120);
  });

  test('packetSocketStatistics refuses a descriptor that is no packet socket', () => {
    expect(() => addon().packetSocketStatistics(0)).toThrow(
      expect.objectContaining({
        code: 'EINVAL',
        message: expect.stringContaining('PACKET_STATISTICS'),
      }) as Error,
    );
  });

  test('a bad filter is refused before anything is created, in libpcap words', () => {
    const path = join(tmp.dir, 'never.pcap');
    let err: (Error & { code?: string }) | null = null;
    try {
      new (addon().CaptureSession)({ iface: pair.host, output: path, filter: 'udp port' }, () => {});
    } catch (e) {
      err = e as Error & { code?: string };
    }
    expect(err?.code).toBe('BAD_FILTER');
    expect(err?.message).toBe("can't parse filter expression: syntax error");
    expect(existsSync(path)).toBe(false);
    expect(() => addon().checkCaptureFilter(1, 'vlan 42 and udp')).not.toThrow();
    expect(() => addon().checkCaptureFilter(1, 'tcp port 99999')).toThrow(
      'illegal port number 99999 > 65535',
    );
  });

  test('VLAN tags the veth stripped are put back; `vlan 42` filters as on a file; tshark agrees', async () => {
    const r = start();
    sendRaw(pair, { count: 50, vlan: 42, sizes: [64, 200] });
    sendRaw(pair, { count: 30, vlan: 43 });
    sendRaw(pair, { count: 20 });
    await stopped(r);
    const recs = (await readAll(r.path)).records;
    expect(recs).toHaveLength(100);
    recs.slice(0, 50).forEach((rec, i) => {
      expect(rec.bytes).toEqual(expectedFrame({ count: 50, vlan: 42, sizes: [64, 200] }, i, pair.peerMac));
    });
    const tshark = spawnSync('tshark', ['-r', r.path, '-T', 'fields', '-e', 'vlan.id'], { encoding: 'utf8' });
    expect(tshark.status).toBe(0);
    const ids = tshark.stdout.replace(/\n$/, '').split('\n');
    expect(ids).toEqual([...Array(50).fill('42'), ...Array(30).fill('43'), ...Array(20).fill('')]);

    const f = start({ filter: 'vlan 42' });
    sendRaw(pair, { count: 20 });
    sendRaw(pair, { count: 50, vlan: 42 });
    sendRaw(pair, { count: 30, vlan: 43 });
    await stopped(f);
    const kept = (await readAll(f.path)).records;
    expect(kept).toHaveLength(50);
    for (const rec of kept) expect([rec.bytes[12], rec.bytes[13], rec.bytes[15]]).toEqual([0x81, 0x00, 42]);
  });

  test('snaplen: caplen is the snaplen, the original length kept', async () => {
    const r = start({ snaplen: 100 });
    sendRaw(pair, { count: 40, sizes: [60, 100, 101, 1514] });
    await stopped(r);
    const recs = (await readAll(r.path)).records;
    expect(recs.map((x) => [x.capLen, x.origLen])).toEqual(
      Array.from({ length: 40 }, (_, i) => {
        const size = [60, 100, 101, 1514][i % 4] as number;
        return [Math.min(size, 100), size];
      }),
    );
    expect(recs[3]?.bytes).toEqual(
      expectedFrame({ count: 4, sizes: [60, 100, 101, 1514] }, 3, pair.peerMac).subarray(0, 100),
    );
  });

  test('`any` is cooked SLL2: protocol, interface index, packet type and address from sockaddr_ll', async () => {
    const r = start({ iface: 'any', filter: 'udp dst port 7011' });
    expect(r.session.linkType).toBe(276);
    sendRaw(pair, { count: 25, dport: 7011, sizes: [60, 300] });
    await stopped(r);
    const recs = (await readAll(r.path)).records;
    expect(recs).toHaveLength(25);
    const ifindex = Number(
      execFileSync('cat', [`/sys/class/net/${pair.host}/ifindex`], { encoding: 'utf8' }),
    );
    recs.forEach((rec, i) => {
      const frame = expectedFrame({ count: 25, dport: 7011, sizes: [60, 300] }, i, pair.peerMac);
      const dv = new DataView(rec.bytes.buffer, rec.bytes.byteOffset);
      expect(dv.getUint16(0)).toBe(0x0800);
      expect(dv.getUint32(4)).toBe(ifindex);
      expect(dv.getUint16(8)).toBe(1); // ARPHRD_ETHER
      expect(rec.bytes[10]).toBe(3); // PACKET_OTHERHOST: the frames are for another MAC
      expect(rec.bytes[11]).toBe(6);
      expect(Buffer.from(rec.bytes.subarray(12, 18)).toString('hex')).toBe(pair.peerMac.replaceAll(':', ''));
      expect(rec.bytes.subarray(20)).toEqual(frame.subarray(14));
      expect(rec.origLen).toBe(frame.length - 14 + 20);
    });
    const tshark = spawnSync(
      'tshark',
      ['-r', r.path, '-T', 'fields', '-e', 'sll.ifindex', '-e', 'udp.dstport'],
      {
        encoding: 'utf8',
      },
    );
    expect(tshark.stdout.trim().split('\n')[0]).toBe(`${ifindex}\t7011`);
  });

  test('autostop after exactly N packets, and after a duration', async () => {
    const r = start({ maxPackets: 123 });
    sendRaw(pair, { count: 1000 });
    const end = await r.ended;
    expect(end.reason).toBe('autostop');
    expect(r.session.stats().packets).toBe(123);
    expect((await readAll(r.path)).records).toHaveLength(123);
    expect(batchRecords(r.batches)).toHaveLength(123);

    const t0 = Date.now();
    const d = start({ maxSeconds: 0.5 });
    const dEnd = await d.ended;
    const took = Date.now() - t0;
    expect(dEnd.reason).toBe('autostop');
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(3000);
  });

  test('a tiny ring with a flood: drops are counted, never hidden, and the file stays valid', async () => {
    const r = start({ blockSize: 4096, blockCount: 2, frameSize: 2048, filter: 'udp dst port 7020' });
    const sent = sendRaw(pair, { count: 200000, dport: 7020, sizes: [1514] });
    const end = await stopped(r);
    expect(end.error).toBeUndefined();
    const s = r.session.stats();
    const file = await readAll(r.path);
    expect(file.error).toBeNull();
    expect(file.records).toHaveLength(s.packets);
    expect(s.kernelDrops).toBeGreaterThan(0);
    // Every frame that passed the filter was either captured or counted as dropped.
    expect(s.packets + s.kernelDrops).toBe(sent);
    expect(s.kernelPackets).toBe(sent);
  });

  test('a stalled JS thread: batches that find the queue full are counted and located, the file has all', async () => {
    const path = join(tmp.dir, 'stalled.pcap');
    const { session, batches, skipped, ended } = recordingSession({
      iface: pair.host,
      output: path,
      filter: 'udp dst port 7040',
      queueBatches: 1,
      timeoutMs: 2,
    });
    // The JS thread is blocked (spawnSync, then a wait) from before the first batch until after
    // the second: the first takes the queue's one slot, the second finds it full.
    const stall = (ms: number): void => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    };
    let sent = sendRaw(pair, { count: 10000, dport: 7040, sizes: [200] });
    stall(100);
    sent += sendRaw(pair, { count: 10000, dport: 7040, sizes: [200] });
    stall(100);
    await sleep(150);
    session.stop();
    await ended;
    const s = session.stats();
    expect(s.kernelDrops).toBe(0);
    expect(s.packets).toBe(sent);
    expect(s.trawlDrops).toBeGreaterThan(0);
    const file = (await readAll(path)).records;
    expect(file).toHaveLength(sent);
    const delivered = batchRecords(batches);
    expect(delivered.length + s.trawlDrops).toBe(sent);
    expect(skipped.reduce((n, g) => n + g.packets, 0)).toBe(s.trawlDrops);
    // Each gap starts at the first record JS did not get.
    const got = new Set(delivered.map((r) => r.recordOffset));
    for (const g of skipped) {
      expect(got.has(g.fromOffset)).toBe(false);
      expect(file.some((r) => r.recordOffset === g.fromOffset)).toBe(true);
    }
  });

  test('paused batches: packets only go to the file, and JS hears of them as one gap once it resumes on a quiet link', async () => {
    const path = join(tmp.dir, 'paused.pcap');
    const { session, batches, skipped, ended } = recordingSession({
      iface: pair.host,
      output: path,
      filter: 'udp dst port 7041',
      timeoutMs: 2,
    });
    expect(() => session.pauseBatches('yes' as unknown as boolean)).toThrow(/paused must be a boolean/);
    const before = sendRaw(pair, { count: 50, dport: 7041, sizes: [100] });
    await sleep(100);
    session.pauseBatches(true);
    await sleep(50);
    const during = sendRaw(pair, { count: 3000, dport: 7041, sizes: [300] });
    await sleep(150);
    // Nothing was copied for JS while paused, and nobody has told it yet.
    expect(batchRecords(batches)).toHaveLength(before);
    expect(skipped).toEqual([]);
    session.pauseBatches(false);
    await sleep(150);
    // No new traffic: the gap arrives by itself, starting at the first packet JS did not get.
    const file = (await readAll(path)).records;
    expect(file).toHaveLength(before + during);
    expect(skipped).toEqual([{ packets: during, fromOffset: file[before]?.recordOffset }]);
    const after = sendRaw(pair, { count: 20, dport: 7041, sizes: [100] });
    await sleep(100);
    session.stop();
    await ended;
    expect(batchRecords(batches).map((r) => r.recordOffset)).toEqual(
      [...file.slice(0, before), ...(await readAll(path)).records.slice(before + during)].map(
        (r) => r.recordOffset,
      ),
    );
    expect(session.stats()).toMatchObject({
      packets: before + during + after,
      trawlDrops: during,
      kernelDrops: 0,
    });
  });

  test('the interface deleted mid-capture: ENODEV, and every packet before it is in the file', async () => {
    const gone = vethPair('ringdel', 42);
    try {
      const path = join(tmp.dir, 'deleted.pcap');
      let resolve!: (e: EndEvent) => void;
      const ended = new Promise<EndEvent>((r) => (resolve = r));
      const batches: RecordBatch[] = [];
      const session = new (addon().CaptureSession)({ iface: gone.host, output: path }, (e) => {
        if (e.type === 'batch') batches.push(e.batch);
        else resolve(e);
      });
      expect(sendRaw(gone, { count: 200, sizes: [60, 700] })).toBe(200);
      await sleep(20);
      gone.cleanup();
      const end = await ended;
      expect(end.reason).toBe('failed');
      expect(end.error?.code).toBe('ENODEV');
      expect(end.error?.message).toBe(`Interface ${gone.host} disappeared during the capture`);
      const recs = (await readAll(path)).records;
      expect(recs).toHaveLength(200);
      expect(session.stats().packets).toBe(200);
      expect(batchRecords(batches)).toHaveLength(200);
      recs.forEach((rec, i) =>
        expect(rec.bytes).toEqual(expectedFrame({ count: 200, sizes: [60, 700] }, i, gone.peerMac)),
      );
    } finally {
      gone.cleanup();
    }
  });
});

describe('without CAP_NET_RAW (as nobody)', () => {
  // A script the unprivileged process runs: one capture through the addon, its result as JSON.
  const script = join(tmp.dir, 'as-nobody.mjs');
  const helperDir = join(tmp.dir, 'helper');
  const withCaps = join(helperDir, 'trawl-capture-helper');
  const plain = join(helperDir, 'plain-helper');

  beforeAll(() => {
    execFileSync('mkdir', ['-p', helperDir]);
    chmodSync(helperDir, 0o755);
    copyFileSync(HELPER, withCaps);
    copyFileSync(HELPER, plain);
    chmodSync(withCaps, 0o755);
    chmodSync(plain, 0o755);
    execFileSync('setcap', ['cap_net_raw,cap_net_admin+ep', withCaps]);
    writeFileSync(
      script,
      `import { createRequire } from 'node:module';
const a = createRequire(import.meta.url)(${JSON.stringify(ADDON)});
const [iface, output, helperPath] = process.argv.slice(2);
try {
  const s = new a.CaptureSession({ iface, output, helperPath, filter: 'udp dst port 7030' }, (e) => {
    if (e.type === 'end') {
      console.log(JSON.stringify({ ok: true, stats: s.stats(), end: e }));
      process.exit(0);
    }
  });
  process.stdin.once('data', () => s.stop());
  console.log('started');
} catch (e) {
  console.log(JSON.stringify({ ok: false, code: e.code, message: e.message, fix: e.fix }));
}
`,
    );
  });

  function asNobody(helperPath: string, output: string): ChildProcess {
    return spawn(
      'setpriv',
      [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        process.execPath,
        script,
        pair.host,
        output,
        helperPath,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
  }

  async function runAsNobody(
    helperPath: string,
    output: string,
    frames: number,
  ): Promise<Record<string, unknown>> {
    const child = asNobody(helperPath, output);
    const exited = new Promise((r) => child.on('exit', r));
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const started = await new Promise<boolean>((resolve) => {
      const t = setInterval(() => {
        if (out.includes('started')) {
          clearInterval(t);
          resolve(true);
        } else if (out.includes('{')) {
          clearInterval(t);
          resolve(false);
        }
      }, 20);
    });
    if (started) {
      sendRaw(pair, { count: frames, dport: 7030 });
      await sleep(150);
      child.stdin?.end('x');
    }
    await exited;
    const line = out.split('\n').find((l) => l.startsWith('{'));
    return JSON.parse(line ?? '{}') as Record<string, unknown>;
  }

  test('the process really has no CAP_NET_RAW', () => {
    const r = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', 'grep', 'CapEff', '/proc/self/status'],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stdout.trim()).toBe('CapEff:\t0000000000000000');
  });

  test('capture works through the helper (SCM_RIGHTS), the ring set up in our process', async () => {
    const output = join(tmp.dir, 'nobody.pcap');
    const result = await runAsNobody(withCaps, output, 77);
    expect(result['ok']).toBe(true);
    expect((result['stats'] as { packets: number }).packets).toBe(77);
    expect((await readAll(output)).records).toHaveLength(77);
  });

  test('without a capable helper: EPERM, the reason, and the one command that fixes it', async () => {
    const result = await runAsNobody(plain, join(tmp.dir, 'nobody2.pcap'), 0);
    expect(result['ok']).toBe(false);
    expect(result['code']).toBe('EPERM');
    expect(result['message']).toContain('Capturing needs CAP_NET_RAW');
    expect(result['message']).toContain('the helper has no cap_net_raw file capability');
    expect(result['fix']).toBe(`sudo setcap cap_net_raw,cap_net_admin+ep ${plain}   (or: npm run setcap)`);
    const missing = await runAsNobody(join(helperDir, 'nope'), join(tmp.dir, 'nobody3.pcap'), 0);
    expect(missing['code']).toBe('EPERM');
    expect(missing['message']).toContain('is missing or not executable');
  });
});
