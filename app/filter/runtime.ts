// What compiled filters run per packet: value comparisons by family, allocation-free for the
// common shapes (a field against a constant). A comparison returns -1, 0 or 1, or NaN when the
// two values cannot be compared (signed against unsigned, a protocol without bytes): every
// operator is false on NaN, and "all" tests skip such pairs, as Wireshark 4.0 does.
import type { FieldCollector, FieldValue } from '../dissect/tree.ts';
import { readIPv4 } from '../format/address.ts';
import { pushUtf8 } from './lexer.ts';
import { compareDecimal, type IPv4Net, type IPv6Net } from './literals.ts';

/** A run-time value: what the collector holds, or a literal (nets carry their prefix). */
export type RV = FieldValue | Uint8Array | IPv4Net | IPv6Net;
export type Getter = (fields: FieldCollector, frame: Uint8Array) => readonly RV[];
export type Pred = (fields: FieldCollector, frame: Uint8Array) => boolean;
export type Cmp = (a: RV, b: RV) => number;

export const NONE: readonly RV[] = [];

function num(v: RV): number | bigint {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return Number(v);
  return NaN;
}

export const cmpNumber: Cmp = (a, b) => {
  const x = num(a);
  const y = num(b);
  if (x < y) return -1;
  if (x > y) return 1;
  // Neither less nor greater: equal, unless a NaN is involved.
  return typeof x === 'number' && x !== x ? NaN : typeof y === 'number' && y !== y ? NaN : 0;
};

/** Signed against unsigned: Wireshark 4.0 cannot compare them. */
export const cmpNever: Cmp = () => NaN;

export const cmpString: Cmp = (a, b) => {
  if (typeof a !== 'string' || typeof b !== 'string') return NaN;
  return a < b ? -1 : a > b ? 1 : 0;
};

export const cmpTime: Cmp = (a, b) => {
  if (typeof a === 'string' && typeof b === 'string') return compareDecimal(a, b);
  return cmpNumber(a, b);
};

const isNet4 = (v: RV): v is IPv4Net => typeof v === 'object' && v !== null && 'mask' in v;
const isNet6 = (v: RV): v is IPv6Net => typeof v === 'object' && v !== null && 'prefix' in v;

/** IPv4 addresses compare under the shorter of the two netmasks (so `/8` literals match subnets). */
export const cmpIPv4: Cmp = (a, b) => {
  let x: number, y: number;
  let mask = 0xffffffff;
  if (typeof a === 'number') x = a;
  else if (isNet4(a)) {
    x = a.addr;
    mask &= a.mask;
  } else if (a instanceof Uint8Array && a.length === 4) x = readIPv4(a, 0);
  else return NaN;
  if (typeof b === 'number') y = b;
  else if (isNet4(b)) {
    y = b.addr;
    mask &= b.mask;
  } else if (b instanceof Uint8Array && b.length === 4) y = readIPv4(b, 0);
  else return NaN;
  x = (x & mask) >>> 0;
  y = (y & mask) >>> 0;
  return x < y ? -1 : x > y ? 1 : 0;
};

export const cmpIPv6: Cmp = (a, b) => {
  let x: Uint8Array, y: Uint8Array;
  let prefix = 128;
  if (a instanceof Uint8Array) x = a;
  else if (isNet6(a)) {
    x = a.bytes;
    prefix = Math.min(prefix, a.prefix);
  } else return NaN;
  if (b instanceof Uint8Array) y = b;
  else if (isNet6(b)) {
    y = b.bytes;
    prefix = Math.min(prefix, b.prefix);
  } else return NaN;
  if (x.length < 16 || y.length < 16) return cmpBytes(x, y);
  for (let i = 0; i < 16 && prefix > 0; i++, prefix -= 8) {
    const m = prefix >= 8 ? 0xff : (0xff << (8 - prefix)) & 0xff;
    const p = (x[i] as number) & m;
    const q = (y[i] as number) & m;
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
};

/** Byte strings: the shorter is smaller, equal lengths compare bytewise (Wireshark's FT_BYTES order). */
export const cmpBytes: Cmp = (a, b) => {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) return NaN;
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
};

export function utf8(s: string): Uint8Array {
  let ascii = true;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) ascii = false;
  if (ascii) {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  const out: number[] = [];
  for (const ch of s) pushUtf8(out, ch.codePointAt(0) as number);
  return Uint8Array.from(out);
}

/** Bytes as Latin-1 text, one character a byte: what `matches` runs over for byte-backed values. */
export function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) {
    s += String.fromCharCode(...b.subarray(i, Math.min(b.length, i + 4096)));
  }
  return s;
}

/** A value as bytes, for slices and byte comparisons; null when it has none (a protocol without bytes). */
export function toBytes(v: RV): Uint8Array | null {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return utf8(v);
  if (typeof v === 'number') return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  if (isNet4(v)) return toBytes(v.addr);
  if (isNet6(v)) return v.bytes;
  return null;
}

/** Whether `hay` holds `needle` as a contiguous run. */
export function bytesContain(hay: Uint8Array, needle: Uint8Array): boolean {
  const n = needle.length;
  if (n === 0) return true;
  const first = needle[0] as number;
  outer: for (let i = 0; i + n <= hay.length; i++) {
    if (hay[i] !== first) continue;
    for (let j = 1; j < n; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** A value that tests true on its own (an arithmetic or bitwise-and result). */
export function nonZero(v: RV): boolean {
  if (typeof v === 'number') return v !== 0 && v === v;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.length > 0 && Number(v) !== 0;
  if (v instanceof Uint8Array) {
    for (let i = 0; i < v.length; i++) if (v[i] !== 0) return true;
    return false;
  }
  if (isNet4(v)) return v.addr !== 0;
  return false;
}

/** Any pair satisfies `ok`. */
export function anyPair(l: Getter, r: Getter, cmp: Cmp, ok: (c: number) => boolean): Pred {
  return (fc, frame) => {
    const a = l(fc, frame);
    if (a.length === 0) return false;
    const b = r(fc, frame);
    for (let i = 0; i < a.length; i++) {
      const x = a[i] as RV;
      for (let j = 0; j < b.length; j++) if (ok(cmp(x, b[j] as RV))) return true;
    }
    return false;
  };
}

/** Every pair satisfies `ok` (pairs that cannot be compared are skipped); false when a side is empty. */
export function allPairs(l: Getter, r: Getter, cmp: Cmp, ok: (c: number) => boolean): Pred {
  return (fc, frame) => {
    const a = l(fc, frame);
    if (a.length === 0) return false;
    const b = r(fc, frame);
    if (b.length === 0) return false;
    for (let i = 0; i < a.length; i++) {
      const x = a[i] as RV;
      for (let j = 0; j < b.length; j++) {
        const c = cmp(x, b[j] as RV);
        if (!ok(c) && c === c) return false;
      }
    }
    return true;
  };
}

export const OK: Readonly<Record<'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le', (c: number) => boolean>> = {
  eq: (c) => c === 0,
  ne: (c) => c !== 0 && c === c,
  gt: (c) => c > 0,
  ge: (c) => c >= 0,
  lt: (c) => c < 0,
  le: (c) => c <= 0,
};
