// Generic Routing Encapsulation (RFC 2784, 2890; version 1 as PPTP's enhanced GRE, RFC 2637).
// The payload type is an ethertype, dissected through the ethertype table (0x6558 carries a whole
// Ethernet frame); like Wireshark's gre.proto table it adds no `ethertype` layer of its own.
import { dissectData } from './data.ts';
import { bitPicture } from './field-text.ts';
import { bool, fields, hex, names, proto, uint } from './field.ts';
import { expert, onesSum, IpProto } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TYPE_NAMES = names({
  0x0: 'Possible GRE keepalive packet',
  0x880b: 'PPP',
  0x800: 'IP',
  0x806: 'ARP',
  0xfe: 'OSI',
  0x883e: 'WCCP',
  0x2000: 'CDP (Cisco)',
  0x2001: 'NHRP',
  0x88be: 'ERSPAN',
  0x22eb: 'ERSPAN III',
  0x6400: 'MIKROTIK EoIP',
  0xfeae: 'AIROHIVE AP AP',
  0x8137: 'IPX',
  0x6558: 'Transparent Ethernet bridging',
  0x6559: 'Frame Relay',
  0x86dd: 'IPv6',
  0x8847: 'MPLS label switched packet',
  0x894f: 'Network Service Header',
  0x8881: 'CDMA2000 A10 Unstructured byte stream',
  0x88d2: 'CDMA2000 A10 3GPP2 Packet',
  0x8909: 'CiscoMetaData',
  0xb7ea: 'Huawei GRE bonding',
});

const CHECKSUM_STATUS = names({ 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' });
const YES_NO = ['Yes', 'No'] as const;

export const F = fields('gre', {
  '': proto('Generic Routing Encapsulation'),
  flags_and_version: hex('Flags and Version', 16),
  'flags.checksum': bool('Checksum Bit', 16, 0x8000, { tf: YES_NO }),
  'flags.routing': bool('Routing Bit', 16, 0x4000, { tf: YES_NO }),
  'flags.key': bool('Key Bit', 16, 0x2000, { tf: YES_NO }),
  'flags.sequence_number': bool('Sequence Number Bit', 16, 0x1000, { tf: YES_NO }),
  'flags.strict_source_route': bool('Strict Source Route Bit', 16, 0x0800, { tf: YES_NO }),
  'flags.recursion_control': uint('Recursion control', 16, { mask: 0x0700 }),
  'flags.ack': bool('Acknowledgment', 16, 0x0080, { tf: YES_NO }),
  'flags.reserved': uint('Flags (Reserved)', 16, { mask: 0x00f8 }),
  'flags.version': uint('Version', 16, { mask: 0x0007, strings: names({ 0: 'GRE', 1: 'Enhanced GRE' }) }),
  proto: hex('Protocol Type', 16, { strings: TYPE_NAMES }),
  checksum: hex('Checksum', 16),
  'checksum.status': uint('Checksum Status', 8, { strings: CHECKSUM_STATUS, generated: true }),
  offset: uint('Offset', 16),
  key: hex('Key', 32),
  'key.payload_length': uint('Payload Length', 16),
  'key.call_id': uint('Call ID', 16),
  sequence_number: uint('Sequence Number', 32),
  ack_number: uint('Acknowledgment Number', 32),
});

/** Reserved flag bits of version 1 (its acknowledgment bit is taken out of them). */
const RESERVED_V1 = { ...F['flags.reserved'], mask: 0x0078 };

export function dissectGRE(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const fv = tvb.u16(o);
  const type = tvb.u16(o + 2);
  const version = fv & 7;
  const typeName = TYPE_NAMES.get(type);
  pinfo.layers.push('gre');
  pinfo.setProto('GRE');
  if (pinfo.wantInfo) {
    pinfo.setInfo(`Encapsulated ${typeName ?? `0x${type.toString(16).padStart(4, '0')} (unknown)`}`);
  }
  let len = 4;
  if (fv & 0xc000) len += 4;
  if (fv & 0x2000) len += 4;
  if (fv & 0x1000) len += 4;
  if (version === 1 && fv & 0x0080) len += 4;
  tree.push(F[''], tvb, o, len);
  if (tree.full) {
    const what = typeName ?? `0x${type.toString(16).padStart(4, '0')} - unknown`;
    tree.label(`Generic Routing Encapsulation (${what})`);
  }
  tree.push(F.flags_and_version, tvb, o, 2, fv);
  tree.add(F['flags.checksum'], tvb, o, 2, (fv & 0x8000) !== 0);
  tree.add(F['flags.routing'], tvb, o, 2, (fv & 0x4000) !== 0);
  tree.add(F['flags.key'], tvb, o, 2, (fv & 0x2000) !== 0);
  tree.add(F['flags.sequence_number'], tvb, o, 2, (fv & 0x1000) !== 0);
  tree.add(F['flags.strict_source_route'], tvb, o, 2, (fv & 0x0800) !== 0);
  tree.add(F['flags.recursion_control'], tvb, o, 2, (fv >> 8) & 7);
  if (version === 1) {
    tree.add(F['flags.ack'], tvb, o, 2, (fv & 0x0080) !== 0);
    tree.add(F['flags.reserved'], tvb, o, 2, (fv >> 3) & 0xf);
    if (tree.full)
      tree.labelLast(`${bitPicture(RESERVED_V1, (fv >> 3) & 0xf)} = Flags (Reserved): ${(fv >> 3) & 0xf}`);
  } else {
    tree.add(F['flags.reserved'], tvb, o, 2, (fv >> 3) & 0x1f);
  }
  tree.add(F['flags.version'], tvb, o, 2, version);
  tree.pop();
  tree.add(F.proto, tvb, o + 2, 2, type);
  let p = o + 4;
  if (fv & 0xc000) {
    const sum = tvb.u16(p);
    if (fv & 0x8000) addChecksum(tvb, pinfo, tree, o, p, sum);
    tree.add(F.offset, tvb, p + 2, 2, tvb.u16(p + 2));
    p += 4;
  }
  if (fv & 0x2000) {
    if (version === 1) {
      tree.add(F['key.payload_length'], tvb, p, 2, tvb.u16(p));
      tree.add(F['key.call_id'], tvb, p + 2, 2, tvb.u16(p + 2));
    } else {
      tree.add(F.key, tvb, p, 4, tvb.u32(p));
    }
    p += 4;
  }
  if (fv & 0x1000) {
    tree.add(F.sequence_number, tvb, p, 4, tvb.u32(p));
    p += 4;
  }
  if (version === 1 && fv & 0x0080) {
    tree.add(F.ack_number, tvb, p, 4, tvb.u32(p));
    p += 4;
  }
  const payload = tvb.sub(p);
  if (!pinfo.registry.tables.etherType.has(type)) {
    // Wireshark shows an unknown payload as data inside the GRE subtree.
    dissectData(payload, pinfo, tree);
    tree.pop();
    return tvb.remaining(o);
  }
  tree.pop();
  if (payload.reportedRemaining(p) > 0) pinfo.registry.call('etherType', type, payload, pinfo, tree);
  return tvb.remaining(o);
}

/** The checksum covers the GRE header and payload; verified when all of it was captured. */
function addChecksum(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, at: number, sum: number): void {
  const hexSum = `0x${sum.toString(16).padStart(4, '0')}`;
  const reported = tvb.reportedRemaining(o);
  if (tvb.remaining(o) < reported) {
    tree.add(F.checksum, tvb, at, 2, sum);
    tree.add(F['checksum.status'], tvb, at, 0, 2);
    if (tree.full) tree.labelLast('[Checksum Status: Unverified]');
    return;
  }
  const total = onesSum(tvb.bytes, o, reported);
  if (total === 0xffff) {
    tree.add(F.checksum, tvb, at, 2, sum);
    if (tree.full) tree.labelLast(`Checksum: ${hexSum} [correct]`);
    tree.add(F['checksum.status'], tvb, at, 0, 1);
    if (tree.full) tree.labelLast('[Checksum Status: Good]');
    return;
  }
  const rest = onesSum(tvb.bytes, o, at - o, onesSum(tvb.bytes, at + 2, o + reported - at - 2));
  const should = `0x${(~rest & 0xffff).toString(16).padStart(4, '0')}`;
  tree.push(F.checksum, tvb, at, 2, sum);
  if (tree.full) tree.label(`Checksum: ${hexSum} incorrect, should be ${should}`);
  expert(pinfo, tree, tvb, at, 2, 'Warning', 'Protocol', `Incorrect GRE Checksum [should be ${should}]`);
  tree.pop();
  tree.add(F['checksum.status'], tvb, at, 0, 0);
  if (tree.full) tree.labelLast('[Checksum Status: Bad]');
}

export const greModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('ipProto', IpProto.GRE, dissectGRE);
  },
};
