// Mutated copies of real and built captures through the Reader: random byte flips, cuts, and
// length fields set to extremes. Every read must settle (no crash, no hang) with a well-formed
// batch, the end, or an error with a code.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { addon, type RecordBatch } from '../../native/index.ts';
import { concat, epb, idb, opb, packetBytes, pcapFile, shb, spb, tempDir } from '../support/pcap-bytes.ts';

const ITERATIONS = Number(process.env['TRAWL_FUZZ_ITERATIONS'] ?? 3000);
const READ_TIMEOUT_MS = 5000;
const CODES = new Set(['BAD_FORMAT', 'TRUNCATED', 'BAD_RECORD', 'EIO']);

const tmp = tempDir('trawl-fuzz-');
afterAll(() => tmp.cleanup());

/** xorshift32: the same mutations on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

interface Seed {
  name: string;
  bytes: Uint8Array;
  /** Offsets of 32-bit length fields (record lengths, block lengths, caplens). */
  lengths: number[];
  littleEndian: boolean[];
}

/** Finds the length fields of a well-formed pcap or pcapng file. */
function lengthFields(bytes: Uint8Array): { at: number[]; le: boolean[] } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at: number[] = [];
  const le: boolean[] = [];
  const add = (off: number, little: boolean): void => {
    if (off + 4 <= bytes.length) {
      at.push(off);
      le.push(little);
    }
  };
  if (v.getUint32(0) === 0x0a0d0d0a) {
    let off = 0;
    let little = true;
    while (off + 12 <= bytes.length) {
      if (v.getUint32(off) === 0x0a0d0d0a) little = v.getUint32(off + 8, true) === 0x1a2b3c4d;
      const type = v.getUint32(off, little);
      const len = v.getUint32(off + 4, little);
      if (len < 12 || off + len > bytes.length) break;
      add(off + 4, little);
      add(off + len - 4, little);
      if (type === 6 || type === 2) add(off + 20, little);
      if (type === 3 || type === 1) add(off + 8, little);
      off += len;
    }
  } else {
    const little = v.getUint32(0, true) === 0xa1b2c3d4 || v.getUint32(0, true) === 0xa1b23c4d;
    add(16, little);
    let off = 24;
    while (off + 16 <= bytes.length) {
      add(off + 8, little);
      add(off + 12, little);
      off += 16 + v.getUint32(off + 8, little);
    }
  }
  return { at, le };
}

function seeds(): Seed[] {
  const out: { name: string; bytes: Uint8Array }[] = [];
  const corpus = '/work/shared/corpus/files';
  if (existsSync(corpus)) {
    for (const f of readdirSync(corpus).sort()) {
      const bytes = new Uint8Array(readFileSync(join(corpus, f)));
      if (bytes.length <= 100_000) out.push({ name: f, bytes });
    }
  }
  const data = (i: number): Uint8Array => packetBytes(20 + i * 9, i);
  out.push({
    name: 'built.pcap',
    bytes: pcapFile(
      { nanosecond: true, endian: 'big' },
      Array.from({ length: 20 }, (_, i) => ({ tsSec: i, tsFrac: i, data: data(i) })),
    ),
  });
  out.push({
    name: 'built.pcapng',
    bytes: concat(
      shb('big'),
      idb('big', { linkType: 1, snaplen: 60, tsresol: 0x80 | 30, name: 'a' }),
      idb('big', { linkType: 101, tsoffset: 5n }),
      ...Array.from({ length: 10 }, (_, i) =>
        epb('big', { iface: i % 2, ts: BigInt(i) << 28n, data: data(i), comments: ['c'] }),
      ),
      spb('big', { data: data(3) }),
      opb('big', { iface: 1, ts: 77n, data: data(4) }),
      shb('little'),
      idb('little', { linkType: 0 }),
      ...Array.from({ length: 5 }, (_, i) => epb('little', { iface: 0, ts: BigInt(i), data: data(i) })),
    ),
  });
  return out.map((s) => {
    const { at, le } = lengthFields(s.bytes);
    return { ...s, lengths: at, littleEndian: le };
  });
}

const EXTREMES = [0, 1, 3, 11, 12, 13, 0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff, 65535, 65536, 262145];

function mutate(seed: Seed, r: () => number): Uint8Array {
  const b = new Uint8Array(seed.bytes);
  const v = new DataView(b.buffer);
  const pick = (n: number): number => Math.floor(r() * n);
  const kind = pick(5);
  if (kind === 0 || b.length < 8) {
    const flips = 1 + pick(8);
    for (let i = 0; i < flips; i++) b[pick(b.length)] = pick(256);
  } else if (kind === 1) {
    return b.subarray(0, pick(b.length));
  } else if (kind === 2 && seed.lengths.length > 0) {
    const k = pick(seed.lengths.length);
    const value = r() < 0.7 ? EXTREMES[pick(EXTREMES.length)]! : pick(0x1_0000_0000);
    v.setUint32(seed.lengths[k]!, value, seed.littleEndian[k]);
  } else if (kind === 3 && seed.lengths.length > 0) {
    // A small change to a length: off by a few bytes, in either direction.
    const k = pick(seed.lengths.length);
    const old = v.getUint32(seed.lengths[k]!, seed.littleEndian[k]);
    v.setUint32(seed.lengths[k]!, (old + pick(17) - 8) >>> 0, seed.littleEndian[k]);
  } else {
    // Cut a piece out of the middle, or duplicate one.
    const from = pick(b.length);
    const len = pick(Math.min(200, b.length - from));
    return r() < 0.5
      ? concat(b.subarray(0, from), b.subarray(from + len))
      : concat(b.subarray(0, from + len), b.subarray(from));
  }
  return b;
}

function checkBatch(batch: RecordBatch, includeData: boolean): void {
  const n = batch.count;
  for (const col of [
    batch.tsSec,
    batch.tsNsec,
    batch.capLen,
    batch.origLen,
    batch.linkType,
    batch.ifaceId,
    batch.recordOffset,
    batch.dataOffset,
    batch.dataStart,
  ]) {
    expect(col.length).toBe(n);
  }
  for (let i = 0; i < n; i++) {
    // Seconds are whole and not negative; the fraction may be anything in 32 bits (a broken pcap's
    // is kept as Wireshark keeps it).
    expect(Number.isInteger(batch.tsSec[i]) && batch.tsSec[i]! >= 0).toBe(true);
    if (includeData) expect(batch.dataStart[i]! + batch.capLen[i]!).toBeLessThanOrEqual(batch.data.length);
  }
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: read did not settle in ${READ_TIMEOUT_MS} ms`)),
      READ_TIMEOUT_MS,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

test(`fuzz: ${ITERATIONS} mutated captures never crash or hang the reader`, async () => {
  const all = seeds();
  const r = rng(Number(process.env['TRAWL_FUZZ_SEED'] ?? 0x7a5a1));
  const path = join(tmp.dir, 'mutant');
  const outcomes = new Map<string, number>();
  const count = (k: string): void => void outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
  for (let i = 0; i < ITERATIONS; i++) {
    const seed = all[i % all.length]!;
    const bytes = mutate(seed, r);
    writeFileSync(path, bytes);
    const what = `iteration ${i} (${seed.name})`;
    const includeData = r() < 0.8;
    const options = { includeData, batchRecords: r() < 0.5 ? 1 + Math.floor(r() * 5) : 8192 };
    let reader;
    try {
      reader = new (addon().Reader)(path, options);
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'none';
      expect(CODES.has(code), `${what}: open threw ${String(err)}`).toBe(true);
      count(`open ${code}`);
      continue;
    }
    try {
      for (let reads = 0; ; reads++) {
        expect(reads, `${what}: too many batches`).toBeLessThan(bytes.length + 2);
        const batch = await withTimeout(reader.next(), what).catch((err: unknown) => err as Error);
        if (batch === null) {
          count('end');
          break;
        }
        if (batch instanceof Error) {
          const code = (batch as { code?: string }).code ?? 'none';
          expect(CODES.has(code), `${what}: read rejected with ${String(batch)}`).toBe(true);
          count(`read ${code}`);
          break;
        }
        checkBatch(batch, includeData);
      }
    } finally {
      reader.close();
    }
  }
  if (process.env['TRAWL_FUZZ_VERBOSE']) console.log(JSON.stringify([...outcomes]));
  // Every kind of outcome happened, so the mutations reach the reader's checks.
  for (const k of ['end', 'open BAD_FORMAT', 'read TRUNCATED', 'read BAD_RECORD']) {
    expect(outcomes.get(k) ?? 0, `${k} in ${JSON.stringify([...outcomes])}`).toBeGreaterThan(0);
  }
}, 60_000);
