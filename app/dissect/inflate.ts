// DEFLATE decompression (RFC 1951) with its zlib (RFC 1950) and gzip (RFC 1952) wrappers, for
// bodies Wireshark shows decompressed (HTTP Content-Encoding, WebSocket permessage-deflate).
// app/ cannot use node:zlib, so this is a small canonical-Huffman decoder of its own.

/** Why a stream could not be decompressed (thrown inside, returned as null outside). */
class InflateError extends Error {}

/** The input ran out inside the stream: what was decoded so far is still there. */
class InputEnds extends InflateError {}

/** The largest output made from one body: a bomb stops here rather than filling memory. */
const MAX_OUTPUT = 64 << 20;

/** A canonical Huffman code: how many codes each length has, and the symbols in code order. */
interface Huffman {
  counts: Uint16Array;
  symbols: Uint16Array;
}

const MAX_BITS = 15;

/** Builds the code of the given code lengths (0: symbol unused); throws if over-subscribed. */
function huffman(lengths: ArrayLike<number>, n: number): Huffman {
  const counts = new Uint16Array(MAX_BITS + 1);
  for (let s = 0; s < n; s++) (counts[lengths[s] as number] as number)++;
  counts[0] = 0;
  let left = 1;
  for (let len = 1; len <= MAX_BITS; len++) {
    left = left * 2 - (counts[len] as number);
    if (left < 0) throw new InflateError('over-subscribed code');
  }
  const offsets = new Uint16Array(MAX_BITS + 2);
  for (let len = 1; len <= MAX_BITS; len++)
    offsets[len + 1] = (offsets[len] as number) + (counts[len] as number);
  const symbols = new Uint16Array(n);
  for (let s = 0; s < n; s++) {
    const len = lengths[s] as number;
    if (len !== 0) symbols[(offsets[len] as number)++] = s;
  }
  return { counts, symbols };
}

/** Base lengths and extra bits of length codes 257..285, and of distance codes 0..29. */
const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
  227, 258,
];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
  6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
/** The order in which a dynamic block sends the code lengths of its code-length code. */
const CLEN_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

let fixedCodes: { lit: Huffman; dist: Huffman } | null = null;

function fixed(): { lit: Huffman; dist: Huffman } {
  if (fixedCodes) return fixedCodes;
  const lengths = new Uint8Array(288);
  lengths.fill(8, 0, 144);
  lengths.fill(9, 144, 256);
  lengths.fill(7, 256, 280);
  lengths.fill(8, 280, 288);
  fixedCodes = { lit: huffman(lengths, 288), dist: huffman(new Uint8Array(30).fill(5), 30) };
  return fixedCodes;
}

/** Reads a DEFLATE stream bit by bit (least significant bit first) and writes the output. */
class Inflater {
  private bitBuf = 0;
  private bitCnt = 0;
  out: Uint8Array;
  outLen = 0;

  constructor(
    private readonly src: Uint8Array,
    public pos: number,
    private readonly end: number,
    sizeHint: number,
  ) {
    this.out = new Uint8Array(Math.max(1024, Math.min(sizeHint, MAX_OUTPUT)));
  }

  private bits(n: number): number {
    let buf = this.bitBuf;
    while (this.bitCnt < n) {
      if (this.pos >= this.end) throw new InputEnds('input ends early');
      buf |= (this.src[this.pos++] as number) << this.bitCnt;
      this.bitCnt += 8;
    }
    this.bitBuf = buf >>> n;
    this.bitCnt -= n;
    return buf & ((1 << n) - 1);
  }

  private decode(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len <= MAX_BITS; len++) {
      code |= this.bits(1);
      const count = h.counts[len] as number;
      if (code - count < first) return h.symbols[index + (code - first)] as number;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new InflateError('invalid code');
  }

  private room(n: number): void {
    const need = this.outLen + n;
    if (need <= this.out.length) return;
    if (need > MAX_OUTPUT) throw new InflateError('output too large');
    const grown = new Uint8Array(Math.min(MAX_OUTPUT, Math.max(need, this.out.length * 2)));
    grown.set(this.out.subarray(0, this.outLen));
    this.out = grown;
  }

  /** Decodes blocks until the last one; the input position is then at a byte boundary. */
  run(): void {
    let last = 0;
    while (!last) {
      last = this.bits(1);
      const type = this.bits(2);
      if (type === 0) this.stored();
      else if (type === 1) this.codes(fixed().lit, fixed().dist);
      else if (type === 2) this.dynamic();
      else throw new InflateError('invalid block type');
    }
    this.bitBuf = 0;
    this.bitCnt = 0;
  }

  private stored(): void {
    this.bitBuf = 0;
    this.bitCnt = 0;
    if (this.pos + 4 > this.end) throw new InputEnds('input ends early');
    const s = this.src;
    const len = (s[this.pos] as number) | ((s[this.pos + 1] as number) << 8);
    const nlen = (s[this.pos + 2] as number) | ((s[this.pos + 3] as number) << 8);
    if (len !== (~nlen & 0xffff)) throw new InflateError('stored length mismatch');
    this.pos += 4;
    const have = Math.min(len, this.end - this.pos);
    this.room(have);
    this.out.set(s.subarray(this.pos, this.pos + have), this.outLen);
    this.outLen += have;
    this.pos += have;
    if (have < len) throw new InputEnds('input ends early');
  }

  private dynamic(): void {
    const nlen = this.bits(5) + 257;
    const ndist = this.bits(5) + 1;
    const ncode = this.bits(4) + 4;
    if (nlen > 286 || ndist > 30) throw new InflateError('bad counts');
    const lengths = new Uint8Array(320);
    for (let i = 0; i < ncode; i++) lengths[CLEN_ORDER[i] as number] = this.bits(3);
    const clen = huffman(lengths, 19);
    lengths.fill(0);
    let i = 0;
    while (i < nlen + ndist) {
      const sym = this.decode(clen);
      if (sym < 16) {
        lengths[i++] = sym;
        continue;
      }
      let len = 0;
      let repeat: number;
      if (sym === 16) {
        if (i === 0) throw new InflateError('repeat with no first length');
        len = lengths[i - 1] as number;
        repeat = 3 + this.bits(2);
      } else if (sym === 17) repeat = 3 + this.bits(3);
      else repeat = 11 + this.bits(7);
      if (i + repeat > nlen + ndist) throw new InflateError('too many lengths');
      lengths.fill(len, i, i + repeat);
      i += repeat;
    }
    if (lengths[256] === 0) throw new InflateError('no end-of-block code');
    const lit = huffman(lengths.subarray(0, nlen), nlen);
    const dist = huffman(lengths.subarray(nlen, nlen + ndist), ndist);
    this.codes(lit, dist);
  }

  private codes(lit: Huffman, dist: Huffman): void {
    for (;;) {
      const sym = this.decode(lit);
      if (sym < 256) {
        this.room(1);
        this.out[this.outLen++] = sym;
        continue;
      }
      if (sym === 256) return;
      const li = sym - 257;
      if (li >= 29) throw new InflateError('invalid length code');
      const len = (LENGTH_BASE[li] as number) + this.bits(LENGTH_EXTRA[li] as number);
      const di = this.decode(dist);
      if (di >= 30) throw new InflateError('invalid distance code');
      const d = (DIST_BASE[di] as number) + this.bits(DIST_EXTRA[di] as number);
      if (d > this.outLen) throw new InflateError('distance too far back');
      this.room(len);
      const out = this.out;
      let at = this.outLen;
      for (let k = 0; k < len; k++, at++) out[at] = out[at - d] as number;
      this.outLen = at;
    }
  }

  result(): Uint8Array {
    return this.out.slice(0, this.outLen);
  }
}

/** A raw DEFLATE stream from `start`; returns the output and where the stream ended. */
function inflateAt(src: Uint8Array, start: number, end: number): { data: Uint8Array; next: number } {
  const inf = new Inflater(src, start, end, (end - start) * 4);
  inf.run();
  return { data: inf.result(), next: inf.pos };
}

/** Raw DEFLATE data (RFC 1951); null when it is not a complete, valid stream. */
export function inflateRaw(src: Uint8Array): Uint8Array | null {
  try {
    return inflateAt(src, 0, src.length).data;
  } catch (err) {
    if (err instanceof InflateError) return null;
    throw err;
  }
}

/** Whether the bytes start with a zlib header (RFC 1950: deflate method, header checksum). */
export function isZlibHeader(src: Uint8Array): boolean {
  const cmf = src[0];
  const flg = src[1];
  if (cmf === undefined || flg === undefined) return false;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0;
}

/** zlib data (RFC 1950), its Adler-32 checked; null when invalid. */
export function inflateZlib(src: Uint8Array): Uint8Array | null {
  if (!isZlibHeader(src) || ((src[1] as number) & 0x20) !== 0) return null;
  try {
    const { data, next } = inflateAt(src, 2, src.length);
    if (next + 4 > src.length || readBE32(src, next) !== adler32(data)) return null;
    return data;
  } catch (err) {
    if (err instanceof InflateError) return null;
    throw err;
  }
}

/** gzip data (RFC 1952): every member, CRC-32 and size checked; null when invalid. */
export function gunzip(src: Uint8Array): Uint8Array | null {
  try {
    const parts: Uint8Array[] = [];
    let at = 0;
    do {
      const { data, next } = inflateAt(src, gzipHeaderEnd(src, at), src.length);
      if (next + 8 > src.length) return null;
      if (readLE32(src, next) !== crc32(data) || readLE32(src, next + 4) !== data.length >>> 0) return null;
      parts.push(data);
      at = next + 8;
    } while (at + 1 < src.length && src[at] === 0x1f && src[at + 1] === 0x8b);
    return concat(parts);
  } catch (err) {
    if (err instanceof InflateError) return null;
    throw err;
  }
}

const enum Gz {
  FHCRC = 2,
  FEXTRA = 4,
  FNAME = 8,
  FCOMMENT = 16,
}

/** Where a gzip member's compressed data starts, past its header's optional parts. */
function gzipHeaderEnd(src: Uint8Array, at: number): number {
  if (src[at] !== 0x1f || src[at + 1] !== 0x8b || src[at + 2] !== 8) throw new InflateError('not gzip');
  const flags = src[at + 3] ?? 0;
  let o = at + 10;
  if (flags & Gz.FEXTRA) o += 2 + ((src[o] ?? 0) | ((src[o + 1] ?? 0) << 8));
  const skipString = (): void => {
    while (o < src.length && src[o] !== 0) o++;
    o++;
  };
  if (flags & Gz.FNAME) skipString();
  if (flags & Gz.FCOMMENT) skipString();
  if (flags & Gz.FHCRC) o += 2;
  if (o > src.length) throw new InflateError('input ends early');
  return o;
}

/**
 * A compressed body as Wireshark 4.0's tvb_uncompress reads it: gzip (its first member, trailer
 * unchecked), zlib (Adler-32 checked when present) or else raw DEFLATE, told apart by the first
 * bytes. A stream cut short gives what was decoded before the cut; null when nothing decodes.
 */
export function uncompressBody(src: Uint8Array): Uint8Array | null {
  try {
    if (src[0] === 0x1f && src[1] === 0x8b) return lenient(src, gzipHeaderEnd(src, 0), false);
    if (isZlibHeader(src) && ((src[1] as number) & 0x20) === 0) return lenient(src, 2, true);
    return lenient(src, 0, false);
  } catch (err) {
    if (err instanceof InflateError) return null;
    throw err;
  }
}

function lenient(src: Uint8Array, start: number, adler: boolean): Uint8Array | null {
  const inf = new Inflater(src, start, src.length, (src.length - start) * 4);
  try {
    inf.run();
  } catch (err) {
    if (!(err instanceof InputEnds)) throw err;
    return inf.outLen > 0 ? inf.result() : null;
  }
  const data = inf.result();
  if (adler && inf.pos + 4 <= src.length && readBE32(src, inf.pos) !== adler32(data)) return null;
  return data;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function readLE32(b: Uint8Array, o: number): number {
  return (
    ((b[o] as number) |
      ((b[o + 1] as number) << 8) |
      ((b[o + 2] as number) << 16) |
      ((b[o + 3] as number) << 24)) >>>
    0
  );
}

function readBE32(b: Uint8Array, o: number): number {
  return (
    (((b[o] as number) << 24) |
      ((b[o + 1] as number) << 16) |
      ((b[o + 2] as number) << 8) |
      (b[o + 3] as number)) >>>
    0
  );
}

let crcTable: Uint32Array | null = null;

/** CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320), as gzip's trailer holds it. */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++)
    crc = (crcTable[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Adler-32, as zlib's trailer holds it. */
export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length;) {
    // 5552 bytes is the most that can be summed before the 32-bit sums must be reduced.
    const stop = Math.min(data.length, i + 5552);
    for (; i < stop; i++) {
      a += data[i] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
