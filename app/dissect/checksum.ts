// Checksum items as Wireshark's proto_tree_add_checksum adds them (`Checksum: 0x1234 [correct]`,
// or `incorrect, should be 0x…` with an expert note, and the generated status), and the IP
// pseudo-header sum the routing protocols over IPv6 (and VRRPv3 over IPv4) include.
import type { ExpertSeverity } from './dissect.ts';
import type { FieldDef } from './field.ts';
import { expert, ipLayer, onesSum } from './ip-proto.ts';
import { AddrKind, type PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const STATUS = ['Bad', 'Good', 'Unverified'] as const;

export interface ChecksumFields {
  checksum: FieldDef;
  status: FieldDef;
}

/** The expert note of a bad checksum, given the value it should have (`0x…`). */
export type BadChecksum = (should: string) => { severity: ExpertSeverity; message: string };

/**
 * The checksum at `at` (2 bytes) and its status: `should` is what the packet ought to carry, null
 * when it cannot be verified (bytes missing, no IP header to take a pseudo-header from).
 */
export function addChecksum(
  pinfo: PacketInfo,
  tree: Tree,
  tvb: Tvb,
  at: number,
  stored: number,
  should: number | null,
  f: ChecksumFields,
  bad: BadChecksum,
): void {
  const h = hex4(stored);
  // 0x0000 and 0xffff are the same one's-complement zero.
  const good =
    should !== null &&
    (should === stored || ((should ^ stored) === 0xffff && (should === 0 || stored === 0)));
  const state = should === null ? 2 : good ? 1 : 0;
  if (state === 0) {
    const s = hex4(should as number);
    tree.push(f.checksum, tvb, at, 2, stored);
    if (tree.full) tree.label(`${f.checksum.name}: ${h} incorrect, should be ${s}`);
    const note = bad(s);
    expert(pinfo, tree, tvb, at, 2, note.severity, 'Checksum', note.message);
    tree.pop();
  } else {
    tree.add(f.checksum, tvb, at, 2, stored);
    if (tree.full) tree.labelLast(`${f.checksum.name}: ${h} [${state === 1 ? 'correct' : 'unverified'}]`);
  }
  tree.add(f.status, tvb, at, 0, state);
  if (tree.full) tree.labelLast(`[${f.status.name}: ${STATUS[state]}]`);
}

/**
 * What a checksum over `len` bytes at `o` should be, its own 2 bytes at `at` left out and
 * `initial` (a pseudo-header sum) added; null when the bytes are not all captured.
 */
export function expectedChecksum(tvb: Tvb, o: number, len: number, at: number, initial = 0): number | null {
  if (len < at - o + 2 || !tvb.has(o, len)) return null;
  const rest = onesSum(tvb.bytes, o, at - o, onesSum(tvb.bytes, at + 2, o + len - at - 2, initial));
  return ~rest & 0xffff;
}

/** The pseudo-header sum of the innermost IP header (addresses, upper-layer length, protocol), or -1 without one. */
export function pseudoHeaderSum(len: number, proto: number): number {
  const l = ipLayer;
  if (l.kind !== AddrKind.IPv4 && l.kind !== AddrKind.IPv6) return -1;
  const n = l.kind === AddrKind.IPv6 ? 16 : 4;
  const sum = onesSum(l.bytes, l.dst, n, onesSum(l.bytes, l.src, n));
  return sum + (len >>> 16) + (len & 0xffff) + proto;
}

function hex4(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}

let dnpTable: Uint16Array | undefined;

/** DNP3's CRC-16 (polynomial 0x3D65 reflected as 0xA6BC, initial 0, complemented) of `len` bytes at `o`. */
export function dnp3Crc(bytes: Uint8Array, o: number, len: number): number {
  const table = (dnpTable ??= Uint16Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let i = 0; i < 8; i++) c = c & 1 ? (c >>> 1) ^ 0xa6bc : c >>> 1;
    return c;
  }));
  let c = 0;
  for (let i = o; i < o + len; i++) c = (c >>> 8) ^ (table[(c ^ (bytes[i] as number)) & 0xff] as number);
  return ~c & 0xffff;
}
