// A small DER/BER (X.690) element reader over raw bytes for the certificate code: it never
// throws, a header that does not fit gives null, so bad DER ends one element and not the packet.

export const enum BerClass {
  Universal = 0x00,
  Application = 0x40,
  Context = 0x80,
  Private = 0xc0,
}

/** Universal tag numbers the certificate syntax uses. */
export const enum U {
  Boolean = 1,
  Integer = 2,
  BitString = 3,
  OctetString = 4,
  Null = 5,
  Oid = 6,
  Utf8String = 12,
  Sequence = 16,
  Set = 17,
  NumericString = 18,
  PrintableString = 19,
  TeletexString = 20,
  Ia5String = 22,
  UtcTime = 23,
  GeneralizedTime = 24,
  VisibleString = 26,
  UniversalString = 28,
  BmpString = 30,
}

/** One element: its identifier, where its header starts, and where its contents lie. */
export interface Tlv {
  cls: BerClass;
  constructed: boolean;
  tag: number;
  /** Start of the identifier octet. */
  start: number;
  /** Start and end of the contents. */
  body: number;
  end: number;
}

/** The element at `off`, or null when its header or contents do not fit before `limit`. */
export function readTlv(b: Uint8Array, off: number, limit: number): Tlv | null {
  if (off + 2 > limit) return null;
  const id = b[off] as number;
  let p = off + 1;
  let tag = id & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let i = 0; ; i++) {
      if (p >= limit || i > 3) return null;
      const x = b[p++] as number;
      tag = tag * 128 + (x & 0x7f);
      if (!(x & 0x80)) break;
    }
  }
  if (p >= limit) return null;
  let len = b[p++] as number;
  if (len & 0x80) {
    const n = len & 0x7f;
    // Indefinite and over-long lengths are not DER.
    if (n === 0 || n > 4 || p + n > limit) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (b[p + i] as number);
    p += n;
  }
  if (p + len > limit) return null;
  return {
    cls: (id & 0xc0) as BerClass,
    constructed: (id & 0x20) !== 0,
    tag,
    start: off,
    body: p,
    end: p + len,
  };
}

/** The elements inside a constructed value, and where reading stopped (short of `end` when bad). */
export function readChildren(b: Uint8Array, t: Tlv): { items: Tlv[]; stop: number } {
  const items: Tlv[] = [];
  let p = t.body;
  while (p < t.end) {
    const c = readTlv(b, p, t.end);
    if (!c) break;
    items.push(c);
    p = c.end;
  }
  return { items, stop: p };
}

/** An OBJECT IDENTIFIER's contents as dotted decimal ('' when empty or cut short). */
export function oidText(b: Uint8Array, from: number, to: number): string {
  if (to <= from || ((b[to - 1] as number) & 0x80) !== 0) return '';
  const arcs: string[] = [];
  let v = 0;
  let big = 0n;
  let useBig = false;
  for (let p = from; p < to; p++) {
    const x = b[p] as number;
    if (!useBig && v > 2 ** 45) {
      useBig = true;
      big = BigInt(v);
    }
    if (useBig) big = (big << 7n) | BigInt(x & 0x7f);
    else v = v * 128 + (x & 0x7f);
    if (x & 0x80) continue;
    const arc = useBig ? big : BigInt(v);
    if (arcs.length === 0) {
      const first = arc < 40n ? 0n : arc < 80n ? 1n : 2n;
      arcs.push(first.toString(), (arc - first * 40n).toString());
    } else {
      arcs.push(arc.toString());
    }
    v = 0;
    big = 0n;
    useBig = false;
  }
  return arcs.join('.');
}

/** A two's-complement INTEGER of any length (a bigint beyond 53 bits). */
export function intValue(b: Uint8Array, from: number, to: number): number | bigint {
  if (to <= from) return 0;
  let v = 0n;
  for (let p = from; p < to; p++) v = (v << 8n) | BigInt(b[p] as number);
  if ((b[from] as number) & 0x80) v -= 1n << BigInt(8 * (to - from));
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** UCS-2 (BMPString) or UCS-4 (UniversalString) contents as a string. */
export function wideText(b: Uint8Array, from: number, to: number, width: 2 | 4): string {
  let s = '';
  for (let p = from; p + width <= to; p += width) {
    let cp = 0;
    for (let i = 0; i < width; i++) cp = cp * 256 + (b[p + i] as number);
    s += cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff || width === 2) ? String.fromCodePoint(cp) : '\ufffd';
  }
  return s;
}
