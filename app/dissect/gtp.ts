// GTP (GPRS Tunnelling Protocol) version 1 on UDP 2152 (GTP-U) and 2123 (GTP-C), as tshark 4.0
// shows it: the header with its optional sequence number, N-PDU number and extension headers
// (UDP port, PDCP PDU number; others by type and length), the message type in Info, and the
// T-PDU of a G-PDU dissected as the IPv4/IPv6 (or Ethernet) packet it carries, the Protocol
// column then reading "GTP <inner>". A version 2 header is handed to GTPv2 (gtpv2.ts). The
// information elements of GTPv1 control messages are not decoded here.
import { bool, bytes, fields, FieldType, hex, names, proto, uint } from './field.ts';
import { dissectGtpv2 } from './gtpv2.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const MESSAGES = names({
  0: 'For future use',
  1: 'Echo request',
  2: 'Echo response',
  3: 'Version not supported',
  4: 'Node alive request',
  5: 'Node alive response',
  6: 'Redirection request',
  7: 'Redirection response',
  16: 'Create PDP context request',
  17: 'Create PDP context response',
  18: 'Update PDP context request',
  19: 'Update PDP context response',
  20: 'Delete PDP context request',
  21: 'Delete PDP context response',
  22: 'Initiate PDP Context Activation Request',
  23: 'Initiate PDP Context Activation Response',
  24: 'Delete AA PDP Context Request',
  25: 'Delete AA PDP Context Response',
  26: 'Error indication',
  27: 'PDU notification request',
  28: 'PDU notification response',
  29: 'PDU notification reject request',
  30: 'PDU notification reject response',
  31: 'Supported extension header notification',
  32: 'Send routing information for GPRS request',
  33: 'Send routing information for GPRS response',
  34: 'Failure report request',
  35: 'Failure report response',
  36: 'Note MS GPRS present request',
  37: 'Note MS GPRS present response',
  48: 'Identification request',
  49: 'Identification response',
  50: 'SGSN context request',
  51: 'SGSN context response',
  52: 'SGSN context acknowledgement',
  53: 'Forward relocation request',
  54: 'Forward relocation response',
  55: 'Forward relocation complete',
  56: 'Relocation cancel request',
  57: 'Relocation cancel response',
  58: 'Forward SRNS context',
  59: 'Forward relocation complete acknowledge',
  60: 'Forward SRNS context acknowledge',
  61: 'UE Registration Query Request',
  62: 'UE Registration Query Response',
  70: 'RAN Information Relay',
  96: 'MBMS Notification Request',
  97: 'MBMS Notification Response',
  98: 'MBMS Notification Reject Request',
  99: 'MBMS Notification Reject Response',
  100: 'Create MBMS Context Request',
  101: 'Create MBMS Context Response',
  102: 'Update MBMS Context Request',
  103: 'Update MBMS Context Response',
  104: 'Delete MBMS Context Request',
  105: 'Delete MBMS Context Response',
  112: 'MBMS Registration Request',
  113: 'MBMS Registration Response',
  114: 'MBMS De-Registration Request',
  115: 'MBMS De-Registration Response',
  116: 'MBMS Session Start Request',
  117: 'MBMS Session Start Response',
  118: 'MBMS Session Stop Request',
  119: 'MBMS Session Stop Response',
  120: 'MBMS Session Update Request',
  121: 'MBMS Session Update Response',
  128: 'MS Info Change Notification Request',
  129: 'MS Info Change Notification Response',
  240: 'Data record transfer request',
  241: 'Data record transfer response',
  254: 'End Marker',
  255: 'T-PDU',
});
/** Codes Wireshark lists as "Unknown message(For future use)" (it still takes them). */
const FUTURE: readonly (readonly [number, number])[] = [
  [8, 15],
  [38, 47],
  [63, 69],
  [71, 95],
  [106, 111],
  [122, 127],
  [130, 159],
  [242, 253],
];

const EXT_TYPES = names({
  0x00: 'No more extension headers',
  0x01: 'MBMS support indication',
  0x02: 'MS Info Change Reporting support indication',
  0x03: 'Long PDCP PDU Number',
  0x20: 'Service Class Indicator',
  0x40: 'UDP Port number',
  0x81: 'RAN container',
  0x82: 'Long PDCP PDU number',
  0x83: 'Xw RAN container',
  0x84: 'NR RAN container',
  0x85: 'PDU Session container',
  0xc0: 'PDCP PDU number',
  0xc1: 'Suspend Request',
  0xc2: 'Suspend Response',
});
const VERSIONS = names({
  0: 'GTP release 97/98 version',
  1: 'GTP release 99 version',
  2: 'GTPv2-C',
  3: 'None',
  4: 'None',
  5: 'None',
  6: 'None',
  7: 'None',
});
const YES_NO = ['Yes', 'No'] as const;

export const F = fields('gtp', {
  '': proto('GPRS Tunneling Protocol'),
  flags: hex('Flags', 8),
  'flags.version': uint('Version', 8, { mask: 0xe0, strings: VERSIONS }),
  'flags.payload': uint('Protocol type', 8, { mask: 0x10, strings: names({ 0: "GTP'", 1: 'GTP' }) }),
  'flags.reserved': uint('Reserved', 8, { mask: 0x08 }),
  'flags.e': bool('Is Next Extension Header present?', 8, 0x04, { tf: YES_NO }),
  'flags.s': bool('Is Sequence Number present?', 8, 0x02, { tf: YES_NO }),
  'flags.pn': bool('Is N-PDU number present?', 8, 0x01, { tf: YES_NO }),
  message: hex('Message Type', 8, { strings: MESSAGES }),
  length: uint('Length', 16),
  teid: hex('TEID', 32, { base: 'hex_dec' }),
  seq_number: hex('Sequence number', 16, { base: 'hex_dec' }),
  npdu_number: hex('N-PDU Number', 8),
  'ext_hdr.next': hex('Next extension header type', 8, { strings: EXT_TYPES }),
  ext_hdr: { name: 'Extension header', type: FieldType.None },
  'ext_hdr.length': uint('Extension Header Length', 8),
  'ext_hdr.udp_port': uint('UDP Port', 16),
  'ext_hdr.pdcp_sn': uint('PDCP Sequence Number', 16),
  tpdu_data: bytes('T-PDU Data'),
});

const PORT_C = 2123;
const PORT_U = 2152;

function messageName(t: number): string | undefined {
  const n = MESSAGES.get(t);
  if (n !== undefined) return n;
  for (const [a, b] of FUTURE) if (t >= a && t <= b) return 'Unknown message(For future use)';
  return undefined;
}

export function dissectGtp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  if (!tvb.has(o, 1)) return 0;
  const version = (tvb.bytes[o] as number) >> 5;
  if (version > 2) return 0;
  if (version === 2) {
    pinfo.layers.push('gtp');
    return dissectGtpv2(tvb, pinfo, tree);
  }
  if (!tvb.has(o, 2)) return 0;
  const type = tvb.bytes[o + 1] as number;
  const name = type === 0 ? undefined : messageName(type);
  if (name === undefined) return 0;
  pinfo.layers.push('gtp');
  pinfo.setProto('GTP');
  if (pinfo.wantInfo) pinfo.setInfo(name);
  const flags = tvb.u8(o);
  // GTP' (PT bit clear) and version 0 headers are rare; they are shown by their first octets only.
  tree.push(F[''], tvb, o, tvb.remaining(o));
  tree.push(F.flags, tvb, o, 1, flags);
  tree.add(F['flags.version'], tvb, o, 1, flags >> 5);
  tree.add(F['flags.payload'], tvb, o, 1, (flags >> 4) & 1);
  tree.add(F['flags.reserved'], tvb, o, 1, (flags >> 3) & 1);
  tree.add(F['flags.e'], tvb, o, 1, (flags & 0x04) !== 0);
  tree.add(F['flags.s'], tvb, o, 1, (flags & 0x02) !== 0);
  tree.add(F['flags.pn'], tvb, o, 1, (flags & 0x01) !== 0);
  tree.pop();
  tree.add(F.message, tvb, o + 1, 1, type);
  const length = tvb.u16(o + 2);
  tree.add(F.length, tvb, o + 2, 2, length);
  let p = o + 4;
  if ((flags & 0x10) === 0 || version === 0) {
    tree.pop();
    return tvb.remaining(o);
  }
  tree.add(F.teid, tvb, p, 4, tvb.u32(p));
  p += 4;
  tvb.claim(8 + length);
  const end = Math.min(tvb.end, p + length);
  if (flags & 0x07) {
    if (flags & 0x02) tree.add(F.seq_number, tvb, p, 2, tvb.u16(p));
    p += 2;
    if (flags & 0x01) tree.add(F.npdu_number, tvb, p, 1, tvb.u8(p));
    p += 1;
    if (flags & 0x04) p = extensions(tvb, tree, p);
    else p += 1;
    if (p < 0) {
      tree.pop();
      return tvb.remaining(o);
    }
  }
  tree.pop();
  if (type === 0xff && end > p) tpdu(tvb.sub(p, end - p), pinfo, tree);
  return Math.min(tvb.remaining(o), 8 + length);
}

/** The chain of extension headers; -1 when a zero length stops it (Wireshark gives up there). */
function extensions(tvb: Tvb, tree: Tree, p: number): number {
  let next = tvb.u8(p);
  tree.add(F['ext_hdr.next'], tvb, p, 1, next);
  p += 1;
  while (next !== 0) {
    const len = tvb.u8(p);
    tree.push(F.ext_hdr, tvb, p, len * 4);
    if (tree.full) tree.label(`Extension header (${EXT_TYPES.get(next) ?? 'Unknown'})`);
    tree.add(F['ext_hdr.length'], tvb, p, 1, len);
    if (len === 0) {
      tree.pop();
      return -1;
    }
    p += 1;
    if (next === 0x40 && len === 1) tree.add(F['ext_hdr.udp_port'], tvb, p, 2, tvb.u16(p));
    else if (next === 0xc0 && len === 1) tree.add(F['ext_hdr.pdcp_sn'], tvb, p, 2, tvb.u16(p));
    p += len * 4 - 2;
    next = tvb.u8(p);
    tree.add(F['ext_hdr.next'], tvb, p, 1, next);
    p += 1;
    tree.pop();
  }
  return p;
}

/** A G-PDU's payload, by Wireshark's guess: IPv4, IPv6, or an Ethernet frame. */
function tpdu(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  const first = tvb.u8(o);
  const reg = pinfo.registry;
  const wrap = (): void => pinfo.setProto(`GTP <${pinfo.proto}>`);
  if (first >= 0x45 && first <= 0x4e) {
    reg.call('etherType', 0x0800, tvb, pinfo, tree);
    wrap();
  } else if ((first & 0xf0) === 0x60) {
    reg.call('etherType', 0x86dd, tvb, pinfo, tree);
    wrap();
  } else if (tvb.reportedRemaining(o) > 14) {
    const etherType = tvb.u16(o + 12);
    if (etherType === 0x0806 || etherType === 0x86dd || etherType === 0x0800) {
      reg.call('linkType', 1, tvb, pinfo, tree);
      wrap();
    }
  } else {
    tree.add(F.tpdu_data, tvb, o, tvb.remaining(o));
    wrap();
  }
}

export const gtpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', PORT_C, dissectGtp);
    reg.register('udpPort', PORT_U, dissectGtp);
  },
};
