// The addon's Reader on pcapng files (Trawl's own block reader), built byte by byte.
import { afterAll, describe, expect, test } from 'vitest';
import { RecordFlag } from '../../app/dissect/packet-info.ts';
import { addon } from '../../native/index.ts';
import {
  BLOCK,
  block,
  concat,
  epb,
  idb,
  opb,
  packetBytes,
  shb,
  spb,
  tempDir,
} from '../support/pcap-bytes.ts';
import { readAll, thrown } from './read-all.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const p = (n: number, seed: number): Uint8Array => packetBytes(n, seed);

// Three sections: little-endian, big-endian, little-endian again; five interfaces of four link
// types, with µs, ns, 2^-20 s and ms (offset by 1000 s) clocks.
const sec1 = concat(
  shb('little'),
  idb('little', { linkType: 1, name: 'eth0', description: 'first' }),
  idb('little', { linkType: 0, name: 'lo', tsresol: 9 }),
  epb('little', { iface: 0, ts: 1_700_000_000_123_456n, data: p(60, 1) }),
  epb('little', { iface: 1, ts: 1_700_000_001_987_654_321n, data: p(44, 2), comments: ['hello', 'again'] }),
  block('little', BLOCK.NRB, new Uint8Array(16)),
  block('little', BLOCK.ISB, new Uint8Array(20)),
  block('little', BLOCK.CUSTOM, Uint8Array.of(0xd9, 0x7e, 0, 0, 1, 2, 3, 4)),
  block('little', 0x12345, new Uint8Array(4)),
  epb('little', { iface: 1, ts: 5n, data: p(10, 3), origLen: 1500 }),
);
const sec2 = concat(
  shb('big'),
  idb('big', { linkType: 101, snaplen: 64, tsresol: 0x80 | 20 }),
  idb('big', { linkType: 113, tsresol: 3, tsoffset: 1000n }),
  epb('big', { iface: 1, ts: 2_500n, data: p(30, 4) }),
  spb('big', { data: p(100, 5) }),
  opb('big', { iface: 0, ts: (3n << 20n) + (1n << 19n), data: p(20, 6), comments: ['old'] }),
);
const sec3 = concat(
  shb('little', { minor: 2 }),
  idb('little', { linkType: 276 }),
  epb('little', { iface: 0, ts: 1n, data: p(8, 7) }),
);
const multi = concat(sec1, sec2, sec3);

describe('pcapng: sections, interfaces, block types', () => {
  const path = tmp.file('multi.pcapng', multi);

  test('the header and the interfaces before the first packet are known at open', () => {
    const r = new (addon().Reader)(path);
    expect(r.info).toEqual({
      format: 'pcapng',
      engine: 'pcapng',
      byteOrder: 'little',
      versionMajor: 1,
      versionMinor: 0,
      nanosecond: false,
      snaplen: 0,
      linkType: 1,
      interfaces: [
        { linkType: 1, snaplen: 0, name: 'eth0', description: 'first', tsResolution: 1e6, section: 0 },
        { linkType: 0, snaplen: 0, name: 'lo', tsResolution: 1e9, section: 0 },
      ],
      sizeBytes: multi.length,
    });
    r.close();
  });

  test('records: global interface ids, link types, times at every resolution, SPB, OPB, comments', async () => {
    const reader = new (addon().Reader)(path);
    const { records: got, error } = await readAll(path);
    expect(error).toBeNull();
    expect(got.map((r) => [r.ifaceId, r.linkType, r.tsSec, r.tsNsec, r.capLen, r.origLen])).toEqual([
      [0, 1, 1_700_000_000, 123_456_000, 60, 60],
      [1, 0, 1_700_000_001, 987_654_321, 44, 44],
      // The Custom Block (PEN 32473): no interface, no link type, no time, its data as the bytes.
      [-1, 0, 0, 0, 4, 4],
      [1, 0, 0, 5, 10, 1500],
      [3, 113, 1002, 500_000_000, 30, 30],
      // SPB: interface 0 of its section, no time, captured length cut to the snaplen (64).
      [2, 101, 0, 0, 64, 100],
      [2, 101, 3, 500_000_000, 20, 20],
      [4, 276, 0, 1000, 8, 8],
    ]);
    expect(got.map((r) => r.comments)).toEqual([[], ['hello', 'again'], [], [], [], [], ['old'], []]);
    expect(got.map((r) => [r.flags, r.pen, r.section])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [RecordFlag.NoTimestamp | RecordFlag.CustomBlock | RecordFlag.CustomCopyAllowed, 32473, 0],
      [0, 0, 0],
      [0, 0, 1],
      [RecordFlag.NoTimestamp, 0, 1],
      [0, 0, 1],
      [0, 0, 2],
    ]);
    expect(got[2]?.bytes).toEqual(Uint8Array.of(1, 2, 3, 4));
    expect(got[5]?.bytes).toEqual(p(100, 5).subarray(0, 64));
    expect(got[6]?.bytes).toEqual(p(20, 6));
    // Offsets point at the block and at the packet bytes in the file.
    for (const r of got) {
      expect(multi.subarray(r.dataOffset, r.dataOffset + r.capLen)).toEqual(r.bytes);
      expect(r.dataOffset - r.recordOffset).toBe(r.flags & RecordFlag.NoTimestamp ? 12 : 28);
    }
    // The interfaces of later sections appear in info as they are read.
    while ((await reader.next()) !== null);
    expect(reader.info.interfaces.map((i) => i.linkType)).toEqual([1, 0, 101, 113, 276]);
    expect(reader.info.interfaces[2]?.tsResolution).toBe(2 ** 20);
    // Sections are counted from 0 in the order the file has them.
    expect(reader.info.interfaces.map((i) => i.section)).toEqual([0, 0, 1, 1, 2]);
    reader.close();
  });

  test('small batches split the same records the same way', async () => {
    const whole = await readAll(path);
    for (const batchRecords of [1, 2, 3]) {
      const split = await readAll(path, { batchRecords });
      expect(split.records).toEqual(whole.records);
    }
    const byBytes = await readAll(path, { batchBytes: 50 });
    expect(byBytes.records).toEqual(whole.records);
  });

  test('Custom Blocks of both kinds and byte orders are records, also before the first interface', async () => {
    const pen = (endian: 'little' | 'big', n: number, data: number[]): Uint8Array => {
      const b = new Uint8Array(4 + data.length);
      new DataView(b.buffer).setUint32(0, n, endian === 'little');
      b.set(data, 4);
      return b;
    };
    const file = concat(
      shb('little'),
      block('little', BLOCK.CUSTOM, pen('little', 9, [1, 2, 3, 4])),
      block('little', BLOCK.CUSTOM_NO_COPY, pen('little', 0xffffffff, [])),
      idb('little', { linkType: 1, tsresol: 9 }),
      epb('little', { iface: 0, ts: 5n, data: p(8, 1) }),
      shb('big'),
      block('big', BLOCK.CUSTOM_NO_COPY, pen('big', 36724, [5, 6, 7, 8, 9, 10, 11, 12])),
      idb('big', { linkType: 101 }),
      spb('big', { data: p(12, 2) }),
      block('big', BLOCK.CUSTOM, pen('big', 311, [13, 14, 15, 16])),
    );
    const path2 = tmp.file('custom.pcapng', file);
    // Priming reads past the leading Custom Blocks: the first interface is known at open.
    const r = new (addon().Reader)(path2);
    expect(r.info).toMatchObject({ linkType: 1, nanosecond: true });
    r.close();
    const { records: got, error } = await readAll(path2);
    expect(error).toBeNull();
    const copy = RecordFlag.NoTimestamp | RecordFlag.CustomBlock | RecordFlag.CustomCopyAllowed;
    const noCopy = RecordFlag.NoTimestamp | RecordFlag.CustomBlock;
    expect(got.map((x) => [x.flags, x.pen, x.section, x.ifaceId, x.linkType, x.capLen, x.tsSec])).toEqual([
      [copy, 9, 0, -1, 0, 4, 0],
      [noCopy, 0xffffffff, 0, -1, 0, 0, 0],
      [0, 0, 0, 0, 1, 8, 0],
      [noCopy, 36724, 1, -1, 0, 8, 0],
      [RecordFlag.NoTimestamp, 0, 1, 1, 101, 12, 0],
      [copy, 311, 1, -1, 0, 4, 0],
    ]);
    expect(got.map((x) => [...x.bytes.subarray(0, 4)])).toEqual([
      [1, 2, 3, 4],
      [],
      [...p(8, 1).subarray(0, 4)],
      [5, 6, 7, 8],
      [...p(12, 2).subarray(0, 4)],
      [13, 14, 15, 16],
    ]);
    // The blocks read ahead at open come out in file order, whatever the batch size.
    for (const batchRecords of [1, 2]) {
      expect((await readAll(path2, { batchRecords })).records).toEqual(got);
    }
  });

  test('extreme resolutions: 2^-70 s, picoseconds, whole seconds', async () => {
    const file = concat(
      shb('little'),
      idb('little', { linkType: 1, tsresol: 0x80 | 70 }),
      idb('little', { linkType: 1, tsresol: 12 }),
      idb('little', { linkType: 1, tsresol: 0 }),
      epb('little', { iface: 0, ts: 1n << 62n, data: p(4, 1) }),
      epb('little', { iface: 1, ts: 1_234_567_890_123_456_789n, data: p(4, 1) }),
      epb('little', { iface: 2, ts: 4_323_283_200n, data: p(4, 1) }),
    );
    const { records: got } = await readAll(tmp.file('resol.pcapng', file));
    expect(got.map((r) => [r.tsSec, r.tsNsec])).toEqual([
      [0, 3_906_250],
      [1_234_567, 890_123_456],
      [4_323_283_200, 0],
    ]);
  });

  test('a file with a section header only has no records and no link type', async () => {
    const path2 = tmp.file('shb-only.pcapng', shb('big'));
    const r = new (addon().Reader)(path2);
    expect(r.info).toMatchObject({ byteOrder: 'big', linkType: -1, interfaces: [] });
    expect(await r.next()).toBeNull();
    r.close();
  });
});

describe('pcapng faults', () => {
  const head = concat(
    shb('little'),
    idb('little', { linkType: 1 }),
    epb('little', { iface: 0, ts: 1n, data: p(20, 1) }),
  );

  async function faultOf(name: string, tail: Uint8Array) {
    const { records: got, error } = await readAll(tmp.file(name, concat(head, tail)));
    expect(got).toHaveLength(1);
    return error;
  }

  test('cut short mid-block: TRUNCATED at the block', async () => {
    const next = epb('little', { iface: 0, ts: 2n, data: p(100, 2) });
    const err = await faultOf('cut.pcapng', next.subarray(0, 50));
    expect(err).toMatchObject({ code: 'TRUNCATED', offset: head.length });
    expect(err?.message).toBe(
      `cut.pcapng: the file appears to have been cut short in the middle of a block at offset ${head.length} ` +
        '(pcapng: block of 132 bytes, only 50 left in the file)',
    );
    const short = await faultOf('cut-header.pcapng', next.subarray(0, 6));
    expect(short).toMatchObject({ code: 'TRUNCATED', offset: head.length });
  });

  test('a block claiming 4 GB: BAD_RECORD, nothing allocated', async () => {
    const next = epb('little', { iface: 0, ts: 2n, data: p(100, 2), totalLength: 0xfffffffc });
    const err = await faultOf('huge.pcapng', next);
    expect(err).toMatchObject({ code: 'BAD_RECORD', offset: head.length });
    expect(err?.message).toContain('block total length 4294967292 is too large');
  });

  test('nonsense lengths and ids: BAD_RECORD', async () => {
    const cases: [string, Uint8Array, string][] = [
      ['odd', epb('little', { iface: 0, ts: 2n, data: p(20, 2), totalLength: 50 }), 'not a multiple of 4'],
      ['tiny', epb('little', { iface: 0, ts: 2n, data: p(20, 2), totalLength: 8 }), 'not a multiple of 4'],
      ['trailer', epb('little', { iface: 0, ts: 2n, data: p(20, 2), trailer: 60 }), 'trailing copy'],
      ['iface', epb('little', { iface: 3, ts: 2n, data: p(20, 2) }), 'interface index 3'],
      ['caplen', epb('little', { iface: 0, ts: 2n, data: p(20, 2), capLen: 200 }), 'captured length 200'],
      ['short-epb', block('little', BLOCK.EPB, new Uint8Array(8)), 'enhanced packet block of 20 bytes'],
      ['short-custom', block('little', BLOCK.CUSTOM, new Uint8Array(0)), 'custom block of 12 bytes'],
      ['version', shb('little', { major: 2 }), 'unknown section header version 2.0'],
    ];
    for (const [name, tail, words] of cases) {
      const err = await faultOf(`${name}.pcapng`, tail);
      expect(err, name).toMatchObject({ code: 'BAD_RECORD', offset: head.length });
      expect(err?.message, name).toContain(words);
    }
  });

  test('an SPB in a section without interfaces: BAD_RECORD', async () => {
    const file = concat(shb('little'), spb('little', { data: p(10, 1) }));
    const { error } = await readAll(tmp.file('spb-noif.pcapng', file));
    expect(error).toMatchObject({ code: 'BAD_RECORD', offset: 28 });
  });

  test('a broken first section header: BAD_FORMAT at open', () => {
    const bad = [
      ['bom', concat(Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 1, 2, 3, 4), new Uint8Array(16))],
      ['version', shb('big', { major: 3 })],
      ['short', shb('little').subarray(0, 20)],
      ['magic-only', Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a)],
    ] as const;
    for (const [name, bytes] of bad) {
      const path = tmp.file(`bad-${name}.pcapng`, bytes);
      const err = thrown(() => new (addon().Reader)(path));
      expect(err.code, name).toBe('BAD_FORMAT');
      expect(err.message, name).toMatch(
        new RegExp(`^bad-${name}\\.pcapng: isn't a valid pcapng file \\(pcapng: `),
      );
    }
  });
});
