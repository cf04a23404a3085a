// The pure-TypeScript DEFLATE decoder against node:zlib's encoder: random data of many shapes,
// every compression level and strategy, the three wrappers, and broken streams.
import { constants, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  adler32,
  crc32,
  gunzip,
  inflateRaw,
  inflateZlib,
  uncompressBody,
} from '../../../app/dissect/inflate.ts';
import { rng } from '../../support/fuzz.ts';

/** Random input of a kind chosen by `next`: noise, text-like, long runs, or repeated phrases. */
function sample(next: () => number): Uint8Array {
  const n = Math.floor(next() ** 3 * 100_000);
  const out = new Uint8Array(n);
  const kind = Math.floor(next() * 4);
  const alphabet = 1 + Math.floor(next() * 255);
  for (let i = 0; i < n; i++) {
    if (kind === 0) out[i] = Math.floor(next() * 256);
    else if (kind === 1) out[i] = 32 + Math.floor(next() * Math.min(alphabet, 95));
    else if (kind === 2) out[i] = next() < 0.01 ? Math.floor(next() * 256) : (out[i - 1] ?? 0);
    else
      out[i] =
        i > 40 && next() < 0.9
          ? (out[i - 1 - Math.floor(next() * 40)] as number)
          : Math.floor(next() * alphabet);
  }
  return out;
}

/** Whether two byte arrays hold the same bytes (toEqual walks big arrays too slowly). */
function same(a: Uint8Array | null, b: Uint8Array): boolean {
  return a !== null && Buffer.compare(a, b) === 0;
}

const STRATEGIES = [
  constants.Z_DEFAULT_STRATEGY,
  constants.Z_FILTERED,
  constants.Z_HUFFMAN_ONLY,
  constants.Z_RLE,
  constants.Z_FIXED,
];

describe('inflate', () => {
  it('decodes what node:zlib encodes, over many random inputs', () => {
    const next = rng(20240601);
    for (let round = 0; round < 150; round++) {
      const input = sample(next);
      const level = Math.floor(next() * 10);
      const strategy = STRATEGIES[round % STRATEGIES.length] as number;
      const opts = { level, strategy };
      expect(same(inflateRaw(deflateRawSync(input, opts)), input), `raw round ${round}`).toBe(true);
      expect(same(inflateZlib(deflateSync(input, opts)), input), `zlib round ${round}`).toBe(true);
      expect(same(gunzip(gzipSync(input, opts)), input), `gzip round ${round}`).toBe(true);
    }
  });

  it('decodes stored blocks, empty input and concatenated gzip members', () => {
    const text = new TextEncoder().encode('stored '.repeat(20_000));
    expect(same(inflateRaw(deflateRawSync(text, { level: 0 })), text)).toBe(true);
    expect(inflateRaw(deflateRawSync(new Uint8Array(0)))).toEqual(new Uint8Array(0));
    const a = gzipSync(Uint8Array.of(1, 2, 3));
    const b = gzipSync(Uint8Array.of(4, 5));
    const both = new Uint8Array([...a, ...b]);
    expect(gunzip(both)).toEqual(Uint8Array.of(1, 2, 3, 4, 5));
  });

  it('checks the checksums: CRC-32, Adler-32', () => {
    const data = new TextEncoder().encode('The quick brown fox jumps over the lazy dog');
    expect(crc32(data)).toBe(0x414fa339);
    expect(adler32(data)).toBe(0x5bdc0fda);
    const gz = gzipSync(data);
    gz[gz.length - 6] = (gz[gz.length - 6] as number) ^ 1;
    expect(gunzip(gz)).toBeNull();
    const z = deflateSync(data);
    z[z.length - 1] = (z[z.length - 1] as number) ^ 1;
    expect(inflateZlib(z)).toBeNull();
  });

  it('refuses broken streams without throwing', () => {
    const next = rng(7);
    for (let round = 0; round < 300; round++) {
      const good = deflateRawSync(sample(next).subarray(0, 3000));
      const bad = good.slice(0, Math.floor(next() * (good.length + 1)));
      for (let k = 0; k < 3 && bad.length > 0; k++)
        bad[Math.floor(next() * bad.length)] = Math.floor(next() * 256);
      expect(() => inflateRaw(bad)).not.toThrow();
      expect(() => uncompressBody(bad)).not.toThrow();
    }
    expect(inflateRaw(Uint8Array.of(0x07))).toBeNull(); // block type 3
  });

  it('reads a body as tshark does: a cut stream gives what came before the cut', () => {
    const text = new TextEncoder().encode('hello gzip world\n'.repeat(20));
    const gz = gzipSync(text);
    // No trailer, a bad CRC, trailing bytes: all still decode (the gzip trailer is not checked).
    expect(uncompressBody(gz.subarray(0, gz.length - 8))).toEqual(text);
    const badCrc = gz.slice();
    badCrc[badCrc.length - 6] = (badCrc[badCrc.length - 6] as number) ^ 1;
    expect(uncompressBody(badCrc)).toEqual(text);
    const cut = uncompressBody(gz.subarray(0, 21));
    expect(cut && text.subarray(0, cut.length)).toEqual(cut);
    // zlib data with a bad Adler-32 fails; raw data decodes when no header is there.
    const z = deflateSync(text);
    expect(uncompressBody(z)).toEqual(text);
    z[z.length - 1] = (z[z.length - 1] as number) ^ 1;
    expect(uncompressBody(z)).toBeNull();
    expect(uncompressBody(deflateRawSync(text))).toEqual(text);
    expect(uncompressBody(new TextEncoder().encode('plain text\n'))).toBeNull();
  });
});
