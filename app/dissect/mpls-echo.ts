// MPLS LSP Ping (RFC 8029, UDP port 3503): version, global flags, message type, reply mode,
// return code and subcode, sender's handle, sequence number, the two timestamps of echo
// messages, then TLVs walked by type and length (their contents are not decoded).
import { fields, hex, names, proto, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const MSG_TYPES = names({
  1: 'MPLS Echo Request',
  2: 'MPLS Echo Reply',
  3: 'MPLS Data Plane Verification Request',
  4: 'MPLS Data Plane Verification Reply',
});

export const F = fields('mpls_echo', {
  '': proto('Multiprotocol Label Switching Echo'),
  version: uint('Version', 16),
  gflags: hex('Global Flags', 16),
  msg_type: uint('Message Type', 8, { strings: MSG_TYPES }),
  reply_mode: uint('Reply Mode', 8),
  return_code: uint('Return Code', 8),
  return_subcode: uint('Return Subcode', 8),
  sender_handle: hex("Sender's Handle", 32),
  sequence: uint('Sequence Number', 32),
  tlv_type: uint('Type', 16),
  tlv_len: uint('Length', 16),
});

export const UDP_PORT_LSP_PING = 3503;
const HEADER = 16;
const TIMESTAMPS = 16;
const TLV_HEADER = 4;

export function dissectMplsEcho(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  // Not LSP Ping unless version 1 (Wireshark declines, the payload stays UDP's data).
  if (tvb.remaining(o) < 5 || tvb.u16(o) !== 1) return -1;
  pinfo.layers.push('mpls-echo');
  pinfo.setProto('MPLS ECHO');
  const type = tvb.u8(o + 4);
  const known = MSG_TYPES.get(type);
  if (pinfo.wantInfo) {
    pinfo.setInfo(known ?? `Unknown Message Type (0x${type.toString(16).toUpperCase().padStart(2, '0')})`);
  }
  tree.push(F[''], tvb, o, tvb.remaining(o));
  tree.add(F.version, tvb, o, 2, tvb.u16(o));
  tree.add(F.gflags, tvb, o + 2, 2, tvb.u16(o + 2));
  tree.add(F.msg_type, tvb, o + 4, 1, type);
  tree.add(F.reply_mode, tvb, o + 5, 1, tvb.u8(o + 5));
  tree.add(F.return_code, tvb, o + 6, 1, tvb.u8(o + 6));
  tree.add(F.return_subcode, tvb, o + 7, 1, tvb.u8(o + 7));
  tree.add(F.sender_handle, tvb, o + 8, 4, tvb.u32(o + 8));
  tree.add(F.sequence, tvb, o + 12, 4, tvb.u32(o + 12));
  let p = o + HEADER;
  // Only the echo messages carry the sent and received timestamps.
  if (known !== undefined) {
    tvb.need(p, TIMESTAMPS);
    p += TIMESTAMPS;
  }
  const end = o + tvb.reportedRemaining(o);
  while (end - p >= TLV_HEADER) {
    const length = tvb.u16(p + 2);
    tree.add(F.tlv_type, tvb, p, 2, tvb.u16(p));
    tree.add(F.tlv_len, tvb, p + 2, 2, length);
    // A TLV longer than the rest ends the walk (Wireshark shows what there is of its value).
    if (length > end - p - TLV_HEADER) break;
    p += TLV_HEADER + length;
  }
  tree.pop();
  return tvb.remaining(o);
}

export const mplsEchoModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', UDP_PORT_LSP_PING, dissectMplsEcho);
  },
};
