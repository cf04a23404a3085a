// A bounds-checked BER (X.690) reader for the few ASN.1 protocols Trawl decodes (SNMP): tag and
// length headers, integers, object identifiers. Offsets are absolute, as everywhere in Tvb.
import { MalformedError, type Tvb } from './tvb.ts';

export interface BerHeader {
  /** Class bits and constructed flag in the identifier octet (0x30 = universal SEQUENCE). */
  cls: number;
  constructed: boolean;
  tag: number;
  /** The identifier octet as sent (for tag numbers below 31, all one needs). */
  id: number;
  /** Where the contents start and how long they are. */
  start: number;
  length: number;
  /** Where the element ends (start + length). */
  end: number;
}

/** Reads one element header at `at`; contents must fit before `limit`. */
export function berHeader(tvb: Tvb, at: number, limit: number): BerHeader {
  const id = tvb.u8(at);
  let p = at + 1;
  let tag = id & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let i = 0; ; i++) {
      const b = tvb.u8(p++);
      tag = tag * 128 + (b & 0x7f);
      if (!(b & 0x80)) break;
      if (i > 4) throw new MalformedError('Malformed Packet', at);
    }
  }
  const first = tvb.u8(p++);
  let length = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    // Indefinite lengths and lengths beyond 4 octets are not used by SNMP.
    if (n === 0 || n > 4) throw new MalformedError('Malformed Packet', p - 1);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + tvb.u8(p++);
  }
  const end = p + length;
  if (end > limit) throw new MalformedError('Malformed Packet', at);
  return { cls: id & 0xc0, constructed: (id & 0x20) !== 0, tag, id, start: p, length, end };
}

/** A two's-complement integer of up to 8 content octets (a bigint beyond 53 bits). */
export function berInteger(tvb: Tvb, at: number, length: number): number | bigint {
  if (length === 0) return 0;
  tvb.need(at, length);
  let v = 0n;
  for (let i = 0; i < length; i++) v = (v << 8n) | BigInt(tvb.bytes[at + i] as number);
  if ((tvb.bytes[at] as number) & 0x80) v -= 1n << BigInt(8 * length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** An unsigned integer (Counter32, Gauge32, TimeTicks, Counter64): leading zero octets allowed. */
export function berUnsigned(tvb: Tvb, at: number, length: number): number | bigint {
  tvb.need(at, length);
  let v = 0n;
  for (let i = 0; i < length; i++) v = (v << 8n) | BigInt(tvb.bytes[at + i] as number);
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** An OBJECT IDENTIFIER as dotted decimal (`1.3.6.1.2.1.1.1.0`). */
export function berOid(tvb: Tvb, at: number, length: number): string {
  tvb.need(at, length);
  const arcs: string[] = [];
  let v = 0n;
  for (let i = 0; i < length; i++) {
    const b = tvb.bytes[at + i] as number;
    v = (v << 7n) | BigInt(b & 0x7f);
    if (b & 0x80) continue;
    if (arcs.length === 0) {
      const first = v < 40n ? 0n : v < 80n ? 1n : 2n;
      arcs.push(first.toString(), (v - first * 40n).toString());
    } else {
      arcs.push(v.toString());
    }
    v = 0n;
  }
  return arcs.join('.');
}
