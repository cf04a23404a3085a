// The addon's Writer (libpcap's dumper): round trips through the Reader, headers, append, errors.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { addon, type RecordBatch } from '../../native/index.ts';
import { packetBytes, pcapFile, tempDir, type Endian } from '../support/pcap-bytes.ts';
import { readAll, recordsOf, thrown, type Rec } from './read-all.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const CORPUS = '/work/shared/corpus/files';
const hasTshark = spawnSync('tshark', ['--version']).status === 0;

/** Reads `path` and writes every batch to `out` with writeBatch; returns the records read. */
async function copy(path: string, out: string, nanosecond: boolean, batchRecords?: number): Promise<Rec[]> {
  const reader = new (addon().Reader)(path, batchRecords ? { batchRecords } : {});
  const writer = new (addon().Writer)(out, { linkType: reader.info.linkType, nanosecond });
  const records: Rec[] = [];
  let batch: RecordBatch | null;
  while ((batch = await reader.next())) {
    records.push(...recordsOf(batch));
    writer.writeBatch(batch);
  }
  writer.close();
  reader.close();
  return records;
}

const strip = (r: Rec) => [r.tsSec, r.tsNsec, r.capLen, r.origLen, r.linkType, r.bytes];

describe('round trip: read → write → read gives the same records', () => {
  const cases: [string, boolean][] = [
    ['pcpp__tls.pcap', false],
    ['pcpp__DnsPackets.pcap', false],
    ['pcpp__microsecs_big_endian.pcap', false],
    ['tcpdump__tcp-handshake-nano.pcap', true],
    ['pcpp__raw_ip.pcap', false],
  ];
  test.skipIf(!existsSync(CORPUS)).each(cases)('%s', async (file, nanosecond) => {
    const out = join(tmp.dir, `copy-${file}`);
    const original = await copy(join(CORPUS, file), out, nanosecond, 50);
    const again = await readAll(out);
    expect(again.error).toBeNull();
    expect(again.records.map(strip)).toEqual(original.map(strip));
    const header = readFileSync(out).subarray(0, 4);
    expect([...header]).toEqual(nanosecond ? [0x4d, 0x3c, 0xb2, 0xa1] : [0xd4, 0xc3, 0xb2, 0xa1]);
  });

  test.each<[Endian, boolean]>([
    ['little', false],
    ['big', false],
    ['little', true],
    ['big', true],
  ])('built %s-endian file, nanosecond %s', async (endian, nanosecond) => {
    const recs = Array.from({ length: 300 }, (_, i) => ({
      tsSec: 1_600_000_000 + i * 7,
      tsFrac: nanosecond ? (i * 3_333_333) % 1_000_000_000 : (i * 3331) % 1_000_000,
      data: packetBytes(1 + ((i * 53) % 1500), i),
      origLen: 1 + ((i * 53) % 1500) + (i % 2) * 100,
    }));
    const path = tmp.file(
      `rt-${endian}-${nanosecond}.pcap`,
      pcapFile({ endian, nanosecond, linkType: 113 }, recs),
    );
    const out = join(tmp.dir, `rt-${endian}-${nanosecond}-out.pcap`);
    const original = await copy(path, out, nanosecond);
    expect(original).toHaveLength(300);
    const again = await readAll(out);
    expect(again.records.map(strip)).toEqual(original.map(strip));
    expect(again.records[5]?.tsNsec).toBe(nanosecond ? recs[5]!.tsFrac : recs[5]!.tsFrac * 1000);
  });

  test.skipIf(!hasTshark)('tshark reads what the Writer wrote', async () => {
    const out = join(tmp.dir, 'for-tshark.pcap');
    const w = new (addon().Writer)(out, { linkType: 1, nanosecond: true });
    w.writePacket(1_700_000_000, 123_456_789, 80, packetBytes(60, 3));
    w.writePacket(1_700_000_001, 5, 60, packetBytes(60, 4));
    w.close();
    const r = spawnSync(
      'tshark',
      ['-r', out, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len'],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stdout.trim().split('\n')).toEqual([
      '1700000000.123456789\t80\t60',
      '1700000001.000000005\t60\t60',
    ]);
  });
});

describe('Writer', () => {
  test('µs files keep microseconds; position() counts bytes; flush() makes them visible', async () => {
    const out = join(tmp.dir, 'us.pcap');
    const w = new (addon().Writer)(out, { linkType: 1 });
    expect(w.position()).toBe(24);
    w.writePacket(10, 123_456_789, 100, packetBytes(50));
    expect(w.position()).toBe(24 + 16 + 50);
    w.flush();
    expect(readFileSync(out).length).toBe(90);
    w.close();
    w.close();
    const { records } = await readAll(out);
    expect(records.map((r) => [r.tsSec, r.tsNsec, r.capLen, r.origLen])).toEqual([
      [10, 123_456_000, 50, 100],
    ]);
  });

  test('link types: LINKTYPE_ values are written as such; the snaplen cuts long packets', async () => {
    for (const [given, written] of [
      [101, 101],
      [12, 101],
      [276, 276],
      [0, 0],
      [1, 1],
    ] as const) {
      const out = join(tmp.dir, `lt-${given}.pcap`);
      const w = new (addon().Writer)(out, { linkType: given, snaplen: 32 });
      w.writePacket(1, 0, 0, packetBytes(100));
      w.close();
      const file = readFileSync(out);
      expect(file.readUInt32LE(20), `linkType ${given}`).toBe(written);
      expect(file.readUInt32LE(16)).toBe(32);
      const { records } = await readAll(out);
      expect(records.map((r) => [r.capLen, r.origLen, r.linkType])).toEqual([[32, 100, written]]);
    }
  });

  test('writeBatch(batch, from, to) writes a slice', async () => {
    const recs = Array.from({ length: 10 }, (_, i) => ({ tsSec: i, tsFrac: 0, data: packetBytes(20, i) }));
    const path = tmp.file('slice.pcap', pcapFile({}, recs));
    const reader = new (addon().Reader)(path);
    const batch = await reader.next();
    reader.close();
    const out = join(tmp.dir, 'slice-out.pcap');
    const w = new (addon().Writer)(out, { linkType: 1 });
    w.writeBatch(batch!, 3, 6);
    w.writeBatch(batch!, 9);
    w.close();
    expect((await readAll(out)).records.map((r) => r.tsSec)).toEqual([3, 4, 5, 9]);
  });

  test('append extends a file written with the same options', async () => {
    const out = join(tmp.dir, 'append.pcap');
    const first = new (addon().Writer)(out, { linkType: 1, nanosecond: true });
    first.writePacket(1, 1, 10, packetBytes(10, 1));
    first.close();
    const more = new (addon().Writer)(out, { linkType: 1, nanosecond: true, append: true });
    more.writePacket(2, 2, 10, packetBytes(10, 2));
    more.close();
    expect((await readAll(out)).records.map((r) => [r.tsSec, r.tsNsec])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    const wrong = thrown(() => new (addon().Writer)(out, { linkType: 1, nanosecond: false, append: true }));
    expect(wrong.code).toBe('BAD_FORMAT');
    expect(wrong.message).toContain('libpcap: ');
  });

  test('errors carry a code', async () => {
    const W = addon().Writer;
    expect(thrown(() => new W(join(tmp.dir, 'no/such/dir.pcap'), { linkType: 1 })).code).toBe('ENOENT');
    expect(thrown(() => new W(join(tmp.dir, 'x.pcap'), { linkType: 5000 })).code).toBe('EINVAL');
    expect(thrown(() => new W(join(tmp.dir, 'x.pcap'), { linkType: -1 })).code).toBe('EINVAL');
    expect(thrown(() => new W(join(tmp.dir, 'x.pcap'), {} as { linkType: number })).code).toBe('EINVAL');

    const path = tmp.file('nodata.pcap', pcapFile({}, [{ tsSec: 1, tsFrac: 0, data: packetBytes(30) }]));
    const reader = new (addon().Reader)(path, { includeData: false });
    const batch = await reader.next();
    reader.close();
    const w = new W(join(tmp.dir, 'y.pcap'), { linkType: 1 });
    expect(thrown(() => w.writeBatch(batch!)).code).toBe('EINVAL');
    expect(thrown(() => w.writeBatch(batch!, 0, 5)).code).toBe('EINVAL');
    expect(thrown(() => w.writePacket(1, 0, 0, 'abc' as unknown as Uint8Array)).code).toBe('EINVAL');
    expect(w.position()).toBe(24);
    w.close();
    expect(thrown(() => w.writePacket(1, 0, 0, packetBytes(1))).code).toBe('EINVAL');
    expect(thrown(() => w.position()).code).toBe('EINVAL');
  });

  test('libpcapVersion names libpcap', () => {
    expect(addon().libpcapVersion()).toMatch(/^libpcap version \d+\.\d+/);
  });
});
