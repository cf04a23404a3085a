// The addon's Reader on pcap files (read by libpcap), built byte by byte.
import { chmodSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { addon } from '../../native/index.ts';
import {
  concat,
  packetBytes,
  pcapFile,
  pcapHeader,
  pcapRecord,
  tempDir,
  type Endian,
  type PcapRecord,
} from '../support/pcap-bytes.ts';
import { readAll, thrown } from './read-all.ts';
import { formatDelta, formatEpoch } from '../../app/format/time.ts';
import { haveTshark, tsharkRows } from '../support/tshark-oracle.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function records(n: number, frac: (i: number) => number): PcapRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    tsSec: 1_700_000_000 + i,
    tsFrac: frac(i),
    data: packetBytes(40 + ((i * 37) % 200), i + 1),
    origLen: 40 + ((i * 37) % 200) + (i % 3),
  }));
}

describe.each<[Endian, boolean]>([
  ['little', false],
  ['big', false],
  ['little', true],
  ['big', true],
])('pcap %s-endian, nanosecond %s', (endian, nanosecond) => {
  const recs = records(50, (i) => (nanosecond ? 123_456_789 + i : 654_321 + i));
  const path = tmp.file(`${endian}-${nanosecond}.pcap`, pcapFile({ endian, nanosecond, linkType: 1 }, recs));

  test('header', () => {
    const r = new (addon().Reader)(path);
    expect(r.info).toEqual({
      format: 'pcap',
      engine: 'libpcap',
      byteOrder: endian,
      versionMajor: 2,
      versionMinor: 4,
      nanosecond,
      snaplen: 262144,
      linkType: 1,
      interfaces: [{ linkType: 1, snaplen: 262144, tsResolution: nanosecond ? 1e9 : 1e6, section: 0 }],
      sizeBytes: readFileSync(path).length,
    });
    r.close();
  });

  test('records: times in ns, lengths, offsets, bytes', async () => {
    const { records: got, error } = await readAll(path);
    expect(error).toBeNull();
    expect(got).toHaveLength(recs.length);
    const file = readFileSync(path);
    let offset = 24;
    got.forEach((g, i) => {
      const want = recs[i]!;
      expect(g.tsSec).toBe(want.tsSec);
      expect(g.tsNsec).toBe(nanosecond ? want.tsFrac : want.tsFrac * 1000);
      expect(g.capLen).toBe(want.data.length);
      expect(g.origLen).toBe(want.origLen);
      expect(g.linkType).toBe(1);
      expect(g.ifaceId).toBe(-1);
      expect(g.recordOffset).toBe(offset);
      expect(g.dataOffset).toBe(offset + 16);
      expect(g.bytes).toEqual(want.data);
      expect(new Uint8Array(file.subarray(g.dataOffset, g.dataOffset + g.capLen))).toEqual(want.data);
      offset += 16 + want.data.length;
    });
  });
});

describe('pcap details', () => {
  test('an empty file (header only) has no records', async () => {
    const path = tmp.file('empty.pcap', pcapHeader());
    const { records: got, error, batches } = await readAll(path);
    expect(error).toBeNull();
    expect(got).toEqual([]);
    expect(batches).toBe(0);
  });

  test('link types are LINKTYPE_ values, FCS bits masked', async () => {
    const raw = tmp.file(
      'raw.pcap',
      pcapFile(
        { linkType: 101 },
        records(2, () => 0),
      ),
    );
    expect((await readAll(raw)).records.map((r) => r.linkType)).toEqual([101, 101]);
    const fcs = tmp.file(
      'fcs.pcap',
      pcapFile(
        { linkType: 0x04000001 },
        records(1, () => 0),
      ),
    );
    const r = new (addon().Reader)(fcs);
    expect(r.info.linkType).toBe(1);
    r.close();
  });

  test('seconds are unsigned 32-bit; a fraction of a second or more is kept as tshark keeps it', async () => {
    // µs fields scaled to ns in 32 bits, wrapping, never carried into the seconds: Wireshark's
    // reader does so, and every time tshark shows of such a (broken) file follows from it.
    const path = tmp.file(
      'times.pcap',
      pcapFile({}, [
        { tsSec: 0xf0000000, tsFrac: 1, data: packetBytes(4) },
        { tsSec: 10, tsFrac: 2_500_000, data: packetBytes(4) },
        { tsSec: 808464432, tsFrac: 808464432, data: packetBytes(4) },
      ]),
    );
    const { records: got } = await readAll(path);
    expect(got.map((g) => [g.tsSec, g.tsNsec, g.tsNsec | 0])).toEqual([
      [0xf0000000, 1000, 1000],
      [10, 2_500_000_000, -1_794_967_296],
      [808464432, 1_010_580_352, 1_010_580_352],
    ]);
    if (haveTshark) {
      const epochs = tsharkRows(path, ['frame.time_epoch'], true).map((r) => r[0]);
      expect(epochs).toEqual(got.map((g) => formatEpoch(g.tsSec, g.tsNsec | 0)));
      expect(epochs).toEqual(['4026531840.000001000', '-10.1794967296', '808464432.1010580352']);
      // Deltas wrap in 32 bits as tshark's do.
      const deltas = tsharkRows(path, ['frame.time_relative', 'frame.time_delta'], true).slice(1);
      const [a, b, c] = got.map((g) => [g.tsSec, g.tsNsec | 0] as const) as [
        readonly [number, number],
        readonly [number, number],
        readonly [number, number],
      ];
      expect(deltas).toEqual([
        [formatDelta(b[0], b[1], a[0], a[1]), formatDelta(b[0], b[1], a[0], a[1])],
        [formatDelta(c[0], c[1], a[0], a[1]), formatDelta(c[0], c[1], b[0], b[1])],
      ]);
    }
  });

  test('a record longer than the snaplen comes back whole (as tshark shows it), offsets stay right', async () => {
    const recs = [
      { tsSec: 1, tsFrac: 0, data: packetBytes(150, 1) },
      { tsSec: 2, tsFrac: 0, data: packetBytes(64, 2) },
      { tsSec: 3, tsFrac: 0, data: packetBytes(30, 3) },
    ];
    const path = tmp.file('over-snaplen.pcap', pcapFile({ snaplen: 64 }, recs));
    const { records: got, error } = await readAll(path);
    expect(error).toBeNull();
    expect(got.map((g) => g.bytes)).toEqual(recs.map((r) => r.data));
    expect(got.map((g) => g.recordOffset)).toEqual([24, 24 + 166, 24 + 166 + 80]);
  });

  test("Kuznetzov's patched format (magic a1b2cd34, 24-byte record headers)", async () => {
    const datas = [packetBytes(60, 1), packetBytes(42, 2)];
    const recordsBytes = datas.map((data, i) => {
      const h = new DataView(new ArrayBuffer(24));
      h.setUint32(0, 100 + i, true);
      h.setUint32(4, 7, true);
      h.setUint32(8, data.length, true);
      h.setUint32(12, data.length, true);
      h.setUint32(16, 2, true); // ifindex
      h.setUint16(20, 0x0800, true); // protocol
      return concat(new Uint8Array(h.buffer), data);
    });
    const path = tmp.file('kuznetzov.pcap', concat(pcapHeader({ magic: 0xa1b2cd34 }), ...recordsBytes));
    const { records: got, error } = await readAll(path);
    expect(error).toBeNull();
    expect(got.map((g) => [g.tsSec, g.tsNsec, g.recordOffset, g.dataOffset])).toEqual([
      [100, 7000, 24, 48],
      [101, 7000, 24 + 84, 24 + 84 + 24],
    ]);
    expect(got.map((g) => g.bytes)).toEqual(datas);
  });

  test('batches respect batchRecords and batchBytes; an oversized record gets a batch of its own', async () => {
    const recs = records(100, () => 0);
    const path = tmp.file('batches.pcap', pcapFile({}, recs));
    const byCount = await readAll(path, { batchRecords: 7 });
    expect(byCount.batches).toBe(Math.ceil(100 / 7));
    expect(byCount.records.map((r) => r.bytes)).toEqual(recs.map((r) => r.data));

    const byBytes = await readAll(path, { batchBytes: 500 });
    expect(byBytes.records.map((r) => r.bytes)).toEqual(recs.map((r) => r.data));
    expect(byBytes.batches).toBeGreaterThan(20);

    const big = [{ tsSec: 1, tsFrac: 0, data: packetBytes(3000, 9) }, ...recs.slice(0, 3)];
    const bigPath = tmp.file('big.pcap', pcapFile({}, big));
    const oversized = await readAll(bigPath, { batchBytes: 1000 });
    expect(oversized.records.map((r) => r.bytes)).toEqual(big.map((r) => r.data));
  });

  test('includeData: false gives offsets and lengths without bytes', async () => {
    const path = tmp.file(
      'nodata.pcap',
      pcapFile(
        {},
        records(10, () => 0),
      ),
    );
    const reader = new (addon().Reader)(path, { includeData: false });
    const batch = await reader.next();
    expect(batch?.count).toBe(10);
    expect(batch?.data.length).toBe(0);
    expect(batch?.capLen[3]).toBeGreaterThan(0);
    reader.close();
  });

  test('cut short mid-record: earlier records, then TRUNCATED at the cut record', async () => {
    const recs = records(5, () => 0);
    const whole = pcapFile({}, recs);
    const lastStart = whole.length - 16 - recs[4]!.data.length;
    const path = tmp.file('capture.pcap', whole.subarray(0, whole.length - 10));
    const reader = new (addon().Reader)(path);
    const first = await reader.next();
    expect(first?.count).toBe(4);
    const err = await reader.next().then(
      () => null,
      (e: unknown) => e as { code: string; offset: number; message: string; path: string },
    );
    expect(err?.code).toBe('TRUNCATED');
    expect(err?.offset).toBe(lastStart);
    expect(err?.path).toBe(path);
    expect(err?.message).toBe(
      `capture.pcap: the file appears to have been cut short in the middle of a packet at offset ${lastStart} ` +
        `(libpcap: truncated dump file; tried to read ${recs[4]!.data.length} captured bytes, only got ${recs[4]!.data.length - 10})`,
    );
    // The fault stays.
    await expect(reader.next()).rejects.toMatchObject({ code: 'TRUNCATED' });
    reader.close();
  });

  test('cut short mid-header: TRUNCATED', async () => {
    const whole = pcapFile(
      {},
      records(2, () => 0),
    );
    const path = tmp.file('cut-header.pcap', concat(whole, new Uint8Array(7)));
    const { records: got, error } = await readAll(path);
    expect(got).toHaveLength(2);
    expect(error).toMatchObject({ code: 'TRUNCATED', offset: whole.length });
    expect(error?.message).toContain('header bytes');
  });

  test('a record claiming 4 GB: BAD_RECORD, nothing allocated', async () => {
    const good = records(2, () => 0);
    const bad = pcapRecord('little', { tsSec: 1, tsFrac: 0, data: packetBytes(20), capLen: 0xffffffff });
    const head = pcapFile({}, good);
    const path = tmp.file('huge.pcap', concat(head, bad));
    const { records: got, error } = await readAll(path);
    expect(got).toHaveLength(2);
    expect(error).toMatchObject({ code: 'BAD_RECORD', offset: head.length });
    expect(error?.message).toContain('invalid packet capture length 4294967295');
  });

  test('not a capture: BAD_FORMAT with libpcap words', () => {
    const path = tmp.file('notes.txt', new TextEncoder().encode('hello, this is not a capture file at all'));
    const err = thrown(() => new (addon().Reader)(path));
    expect(err.code).toBe('BAD_FORMAT');
    expect(err.path).toBe(path);
    expect(err.message).toBe(
      "notes.txt: isn't a capture file in a format Trawl understands (libpcap: unknown file format)",
    );
    const empty = thrown(() => new (addon().Reader)(tmp.file('zero.pcap', new Uint8Array(0))));
    expect(empty.code).toBe('BAD_FORMAT');
    expect(thrown(() => new (addon().Reader)(tmp.dir)).code).toBe('BAD_FORMAT');
  });

  test('missing file: ENOENT; unreadable file: EACCES', () => {
    const missing = `${tmp.dir}/nope.pcap`;
    expect(thrown(() => new (addon().Reader)(missing))).toMatchObject({ code: 'ENOENT', path: missing });
    if (process.getuid?.() !== 0) {
      const locked = tmp.file('locked.pcap', pcapHeader());
      chmodSync(locked, 0);
      expect(thrown(() => new (addon().Reader)(locked))).toMatchObject({ code: 'EACCES', path: locked });
    }
  });

  test('bad arguments: EINVAL', () => {
    const path = tmp.file('args.pcap', pcapHeader());
    const Reader = addon().Reader;
    expect(thrown(() => new Reader(path, { batchRecords: 0 })).code).toBe('EINVAL');
    expect(thrown(() => new Reader(path, { batchBytes: 1.5 })).code).toBe('EINVAL');
    expect(thrown(() => new (Reader as unknown as new (p: unknown) => unknown)(42)).code).toBe('EINVAL');
  });

  test('close() releases the file (also after an open error, also mid-read)', async () => {
    const fds = (): number => readdirSync('/proc/self/fd').length;
    const path = tmp.file(
      'fds.pcap',
      pcapFile(
        {},
        records(3, () => 0),
      ),
    );
    const bad = tmp.file('fds.txt', new TextEncoder().encode('not a capture, not at all'));
    const badNg = tmp.file('fds.pcapng', Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0));
    const before = fds();
    for (let i = 0; i < 50; i++) {
      const r = new (addon().Reader)(path);
      const read = r.next();
      r.close();
      await read.catch(() => null);
      thrown(() => new (addon().Reader)(bad));
      thrown(() => new (addon().Reader)(badNg));
    }
    expect(fds()).toBe(before);
  });

  test('close() ends reading; next() after close rejects', async () => {
    const path = tmp.file(
      'closed.pcap',
      pcapFile(
        {},
        records(3, () => 0),
      ),
    );
    const reader = new (addon().Reader)(path);
    reader.close();
    reader.close();
    await expect(reader.next()).rejects.toMatchObject({ code: 'EINVAL' });
  });
});
