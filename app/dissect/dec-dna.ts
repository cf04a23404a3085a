// DECnet Phase IV routing (ethertype 0x6003): a little-endian length, optional padding, the
// routing flags, then a routing control message or a data packet's routing header and the NSP
// message type. Only the headers are decoded; the Info column names the message as Wireshark
// does for the common cases.
import { bool, fields, hex, names, proto, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const RT_MSG_TYPES = names({
  0: 'Initialization message',
  1: 'Verification message',
  2: 'Hello and test message',
  3: 'Level 1 routing message',
  4: 'Level 2 routing message',
  5: 'Ethernet router hello message',
  6: 'Ethernet endnode hello message',
});

/** The Info text of routing control messages (Wireshark's own wording, not the field's names). */
const RT_INFO = names({
  0: 'Routing control, Initialization message',
  1: 'Routing control, Verification message',
  2: 'Routing control, Hello and test message',
  3: 'Routing control, Level 1 routing message',
  4: 'Routing control, Level 2 routing message',
  5: 'Routing control, Router Hello message',
  6: 'Routing control, Endnode Hello message',
});

const NSP_MSG_TYPES = names({
  0x00: 'Data segment continuation',
  0x04: 'Data acknowledgement message',
  0x08: 'NOP',
  0x10: 'Link service message',
  0x14: 'Other data acknowledgement message',
  0x18: 'Connect initiate',
  0x20: 'Beginning of segment message',
  0x24: 'Connect acknowledgement message',
  0x28: 'Connect confirm',
  0x30: 'Interrupt message',
  0x38: 'Disconnect initiate',
  0x40: 'End of segment message',
  0x48: 'Disconnect confirm',
  0x60: 'Begin of segment / End of segment',
  0x68: 'Retransmitted connect initiate',
});

/** Info of the NSP messages whose text does not depend on their contents. */
const NSP_INFO = names({
  0x14: 'NSP other data ACK message',
  0x18: 'NSP connect confirm/initiate message',
  0x28: 'NSP connect confirm/initiate message',
  0x38: 'NSP disconnect initiate/confirm message',
  0x48: 'NSP disconnect initiate/confirm message',
  0x68: 'NSP connect confirm/initiate message',
});

export const F = fields('dec_dna', {
  '': proto('DEC DNA Routing Protocol'),
  flags: hex('Routing flags', 8),
  'flags.control': bool('Control packet', 8, 0x01, { tf: ['Yes', 'No'] }),
  'rt.msg_type': hex('Routing control message', 8, { mask: 0x0e, strings: RT_MSG_TYPES }),
  'flags.msglen': hex('Long data packet format', 8, { mask: 0x06 }),
  'nsp.msg_type': hex('DNA NSP message', 8, { strings: NSP_MSG_TYPES }),
  dst_node: uint('Destination node', 16),
  src_node: uint('Source node', 16),
});

const LONG_FORMAT = 0x06;
const SHORT_FORMAT = 0x02;
/** Routing header lengths after the flags byte: long (Ethernet) and short format. */
const LONG_HEADER = 20;
const SHORT_HEADER = 5;

export function dissectDecDna(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('dec_dna');
  pinfo.setProto('DEC DNA');
  pinfo.currentProto = 'DEC_DNA';
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  let p = o + 2;
  let flags = tvb.u8(p);
  if (flags & 0x80) {
    // Padding: the low bits count the bytes before the real flags, this one included.
    p += flags & 0x7f;
    flags = tvb.u8(p);
  }
  tree.add(F.flags, tvb, p, 1, flags);
  if (flags & 0x01) {
    tree.add(F['flags.control'], tvb, p, 1, true);
    const type = (flags >> 1) & 0x07;
    tree.add(F['rt.msg_type'], tvb, p, 1, type);
    if (pinfo.wantInfo) pinfo.setInfo(RT_INFO.get(type) ?? 'Routing control, unknown message');
    tree.pop();
    return tvb.remaining(o);
  }
  const format = flags & 0x07;
  tree.add(F['flags.msglen'], tvb, p, 1, format >> 1);
  if (format === LONG_FORMAT) p += 1 + LONG_HEADER;
  else if (format === SHORT_FORMAT) p += 1 + SHORT_HEADER;
  else {
    tree.pop();
    return tvb.remaining(o);
  }
  addNsp(tvb, p, pinfo, tree);
  tree.pop();
  return tvb.remaining(o);
}

const NSP = {
  DATA_ACK: 0x04,
  LINK_SERVICE: 0x10,
  CONNECT_ACK: 0x24,
  CONNECT_CONFIRM: 0x28,
  SINGLE_SEGMENT: 0x60,
};
const FLOW_CONTROL = ['no change', 'do not send data', 'send data', 'reserved'] as const;

function addNsp(tvb: Tvb, at: number, pinfo: PacketInfo, tree: Tree): void {
  const type = tvb.u8(at);
  tree.add(F['nsp.msg_type'], tvb, at, 1, type);
  tree.add(F.dst_node, tvb, at + 1, 2, tvb.u16le(at + 1));
  // A connect acknowledgement carries only the destination.
  if (type === NSP.CONNECT_ACK) {
    if (pinfo.wantInfo) pinfo.setInfo('NSP connect acknowledgement');
    return;
  }
  tree.add(F.src_node, tvb, at + 3, 2, tvb.u16le(at + 3));
  const fixed = NSP_INFO.get(type);
  if (fixed !== undefined && pinfo.wantInfo) pinfo.setInfo(fixed);
  const body = at + 5;
  if (type === NSP.CONNECT_CONFIRM) {
    // Services, info, segment size, then the session connect data: Wireshark reads at least two
    // bytes of it, so a confirm that ends at the segment size plus one is malformed.
    tvb.need(body + 4, 2);
  } else if (type === NSP.DATA_ACK) {
    if (pinfo.wantInfo) pinfo.setInfo(`NSP data ACK message(${tvb.u16le(body) & 0x0fff})`);
  } else if (type === NSP.LINK_SERVICE) {
    // Wireshark names the flow control only after acknowledgement numbers.
    const p = skipAcks(tvb, body);
    const fc = FLOW_CONTROL[tvb.u8(p + 2) & 0x03] ?? '';
    if (pinfo.wantInfo)
      pinfo.setInfo(p > body ? `NSP link control message(${fc})` : 'NSP link control message');
  } else if (type === NSP.SINGLE_SEGMENT) {
    const p = skipAcks(tvb, body);
    const seg = tvb.u16le(p) & 0x0fff;
    const bytes = tvb.reportedRemaining(p + 2);
    if (pinfo.wantInfo) {
      pinfo.setInfo(`msg nr. ${seg} single segment, bytes this segment: ${bytes}, total so far:${bytes}`);
    }
  }
}

/** Skips the optional acknowledgement numbers (bit 15 set) before a segment number: at most two. */
function skipAcks(tvb: Tvb, at: number): number {
  let p = at;
  for (let i = 0; i < 2 && (tvb.u16le(p) & 0x8000) !== 0; i++) p += 2;
  return p;
}

export const decDnaModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('etherType', 0x6003, dissectDecDna);
  },
};
