// Label Distribution Protocol (RFC 5036) on UDP 646 (discovery) and TCP 646 (sessions, one PDU
// after another by length): the PDU header, each message and its TLVs, hello parameters and
// transport addresses in detail, Info listing the messages as tshark 4.0 does.
import { bitPicture } from './field-text.ts';
import { bool, bytes, fields, hex, ipv4, ipv6, names, proto, text, uint } from './field.ts';
import { expert } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { tcpDissectPdus, type PduSpec } from './tcp-pdus.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const MESSAGES = names({
  0x0001: 'Notification Message',
  0x0100: 'Hello Message',
  0x0200: 'Initialization Message',
  0x0201: 'Keep Alive Message',
  0x0300: 'Address Message',
  0x0301: 'Address Withdrawal Message',
  0x0400: 'Label Mapping Message',
  0x0401: 'Label Request Message',
  0x0402: 'Label Withdrawal Message',
  0x0403: 'Label Release Message',
  0x0404: 'Label Abort Request Message',
});
const TLVS = names({
  0x0100: 'Forwarding Equivalence Classes TLV',
  0x0101: 'Address List TLV',
  0x0103: 'Hop Count TLV',
  0x0104: 'Path Vector TLV',
  0x0200: 'Generic Label TLV',
  0x0201: 'ATM Label TLV',
  0x0202: 'Frame Relay Label TLV',
  0x0300: 'Status TLV',
  0x0301: 'Extended Status TLV',
  0x0302: 'Returned PDU TLV',
  0x0303: 'Returned Message TLV',
  0x0400: 'Common Hello Parameters',
  0x0401: 'IPv4 Transport Address',
  0x0402: 'Configuration Sequence Number',
  0x0403: 'IPv6 Transport Address',
  0x0500: 'Common Session Parameters TLV',
  0x0501: 'ATM Session Parameters TLV',
  0x0502: 'Frame Relay Session Parameters TLV',
  0x0600: 'Label Request Message ID TLV',
});
const UNKNOWN_BITS = names({
  0: 'Known TLV, do not Forward',
  1: 'Known TLV, do Forward',
  2: 'Unknown TLV, do not Forward',
  3: 'Unknown TLV, do Forward',
});

export const F = fields('ldp', {
  '': proto('Label Distribution Protocol'),
  'hdr.version': uint('Version', 16),
  'hdr.pdu_len': uint('PDU Length', 16),
  'hdr.ldpid.lsr': ipv4('LSR ID'),
  'hdr.ldpid.lsid': uint('Label Space ID', 16),
  _msg: text('Message'),
  'msg.ubit': bool('U bit', 8, 0x80, { tf: ['Unknown bit set', 'Unknown bit not set'] }),
  'msg.type': hex('Message Type', 16, { mask: 0x7fff, strings: MESSAGES }),
  'msg.len': uint('Message Length', 16),
  'msg.id': hex('Message ID', 32),
  _tlv: text('TLV'),
  'msg.tlv.unknown': hex('TLV Unknown bits', 8, { mask: 0xc0, strings: UNKNOWN_BITS }),
  'msg.tlv.type': hex('TLV Type', 16, { mask: 0x3fff, strings: TLVS }),
  'msg.tlv.len': uint('TLV Length', 16),
  'msg.tlv.value': bytes('TLV Value'),
  'msg.tlv.hello.hold': uint('Hold Time', 16),
  'msg.tlv.hello.targeted': bool('Targeted Hello', 16, 0x8000, { tf: ['Targeted Hello', 'Link Hello'] }),
  'msg.tlv.hello.requested': bool('Hello Requested', 16, 0x4000, {
    tf: ['Source requests periodic hellos', 'Source does not request periodic hellos'],
  }),
  'msg.tlv.hello.gtsm': bool('GTSM Flag', 16, 0x2000),
  'msg.tlv.hello.res': hex('Reserved', 16, { mask: 0x1fff }),
  'msg.tlv.ipv4.taddr': ipv4('IPv4 Transport Address'),
  'msg.tlv.ipv6.taddr': ipv6('IPv6 Transport Address'),
  'msg.tlv.hello.cnf_seqno': uint('Configuration Sequence Number', 32),
});

function pdu(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  // Each PDU starts Info afresh (Wireshark's col_clear in dissect_ldp_pdu): the last one's shows.
  if (pinfo.wantInfo) pinfo.setInfo('');
  const plen = tvb.u16(o + 2);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    tree.add(F['hdr.version'], tvb, o, 2, tvb.u16(o));
    tree.add(F['hdr.pdu_len'], tvb, o + 2, 2, plen);
    tree.add(F['hdr.ldpid.lsr'], tvb, o + 4, 4, tvb.u32(o + 4));
    tree.add(F['hdr.ldpid.lsid'], tvb, o + 8, 2, tvb.u16(o + 8));
    const end = Math.min(o + 4 + plen, tvb.reportedEnd);
    for (let p = o + 10; p < end;) {
      const next = message(tvb, pinfo, tree, p);
      if (next < 0) break;
      p = next;
    }
  } finally {
    tree.pop();
  }
}

function info(pinfo: PacketInfo, text: string): void {
  if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info}${text} `);
}

/** One message; returns the offset after it, or -1 when its length makes going on pointless. */
function message(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number): number {
  const tw = tvb.u16(p);
  const type = tw & 0x7fff;
  const len = tvb.u16(p + 2);
  if (len < 4) {
    info(pinfo, 'Bad Message Length');
    expertText(
      pinfo,
      tree,
      tvb,
      p + 2,
      2,
      `Error processing Message Length: length is ${len}, should be >= 4`,
    );
    return -1;
  }
  const name = MESSAGES.get(type) ?? `Unknown Message (0x${type.toString(16).padStart(4, '0')})`;
  info(pinfo, name);
  tree.push(F._msg, tvb, p, 4 + len);
  if (tree.full) tree.label(name);
  tree.add(F['msg.ubit'], tvb, p, 1, (tw & 0x8000) !== 0);
  tree.add(F['msg.type'], tvb, p, 2, type);
  tree.add(F['msg.len'], tvb, p + 2, 2, len);
  tree.add(F['msg.id'], tvb, p + 4, 4, tvb.u32(p + 4));
  const end = p + 4 + len;
  for (let q = p + 8; q < end;) q = tlv(tvb, tree, q);
  tree.pop();
  return end;
}

function expertText(pinfo: PacketInfo, tree: Tree, tvb: Tvb, at: number, len: number, msg: string): void {
  tree.push(F._tlv, tvb, at, len);
  if (tree.full) tree.label(msg);
  expert(pinfo, tree, tvb, at, len, 'Error', 'Malformed', msg);
  tree.pop();
}

function tlv(tvb: Tvb, tree: Tree, q: number): number {
  const tw = tvb.u16(q);
  const type = tw & 0x3fff;
  const len = tvb.u16(q + 2);
  tree.push(F._tlv, tvb, q, 4 + len);
  if (tree.full) tree.label(TLVS.get(type) ?? 'Unknown TLV');
  tree.add(F['msg.tlv.unknown'], tvb, q, 1, tw >> 14);
  if (tree.full) {
    tree.labelLast(
      `${bitPicture(F['msg.tlv.unknown'], tw >> 14)} = TLV Unknown bits: ${UNKNOWN_BITS.get(tw >> 14) ?? ''} (0x${(tw >> 14).toString(16)})`,
    );
  }
  tree.add(F['msg.tlv.type'], tvb, q, 2, type);
  tree.add(F['msg.tlv.len'], tvb, q + 2, 2, len);
  const v = q + 4;
  switch (type) {
    case 0x0400: {
      tree.add(F['msg.tlv.hello.hold'], tvb, v, 2, tvb.u16(v));
      const f = tvb.u16(v + 2);
      tree.add(F['msg.tlv.hello.targeted'], tvb, v + 2, 2, (f & 0x8000) !== 0);
      tree.add(F['msg.tlv.hello.requested'], tvb, v + 2, 2, (f & 0x4000) !== 0);
      tree.add(F['msg.tlv.hello.gtsm'], tvb, v + 2, 2, (f & 0x2000) !== 0);
      tree.add(F['msg.tlv.hello.res'], tvb, v + 2, 2, f & 0x1fff);
      break;
    }
    case 0x0401:
      tree.add(F['msg.tlv.ipv4.taddr'], tvb, v, 4, tvb.u32(v));
      break;
    case 0x0402:
      tree.add(F['msg.tlv.hello.cnf_seqno'], tvb, v, 4, tvb.u32(v));
      break;
    case 0x0403:
      tvb.need(v, 16);
      tree.add(F['msg.tlv.ipv6.taddr'], tvb, v, 16);
      break;
    default:
      tvb.need(v, len);
      if (len > 0) tree.add(F['msg.tlv.value'], tvb, v, len);
  }
  tree.pop();
  return v + len;
}

function begin(pinfo: PacketInfo): void {
  pinfo.layers.push('ldp');
  pinfo.setProto('LDP');
}

export function dissectLDPUdp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  begin(pinfo);
  pdu(tvb, pinfo, tree);
  return tvb.remaining(tvb.start);
}

const PDUS: PduSpec = {
  fixed: 4,
  length: (tvb, at) => tvb.u16(at + 2) + 4,
  dissect: pdu,
  name: 'LDP',
};

export function dissectLDPTcp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  begin(pinfo);
  return tcpDissectPdus(tvb, pinfo, tree, PDUS);
}

export const ldpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', 646, dissectLDPUdp);
    reg.register('tcpPort', 646, dissectLDPTcp);
  },
};
