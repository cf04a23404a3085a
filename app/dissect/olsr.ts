// Optimized Link State Routing (RFC 3626) on UDP 698: the packet header and each message's
// header (type, validity time, originator, TTL, hop count, sequence), HNA networks in detail,
// with tshark 4.0's Info (`OLSR (IPv4) Packet,  Length: 72 Bytes`).
import { bytes, fields, ipv4, ipv6, names, proto, text, uint } from './field.ts';
import { ipLayer } from './ip-proto.ts';
import { AddrKind, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TYPES = names({
  1: 'HELLO',
  2: 'TC',
  3: 'MID',
  4: 'HNA',
  201: 'HELLO (LQ, olsr.org)',
  202: 'TC (LQ, olsr.org)',
  222: 'Nameservice (olsr.org)',
});

export const F = fields('olsr', {
  '': proto('Optimized Link State Routing Protocol'),
  packet_len: uint('Packet Length', 16),
  packet_seq_num: uint('Packet Sequence Number', 16),
  message: text('Message'),
  message_type: uint('Message Type', 8, { strings: TYPES }),
  vtime: text('Validity Time'),
  message_size: uint('Message', 16),
  origin_addr: ipv4('Originator Address'),
  origin6_addr: ipv6('Originator Address'),
  ttl: uint('TTL', 8),
  hop_count: uint('Hop Count', 8),
  message_seq_num: uint('Message Sequence Number', 16),
  network_addr: ipv4('Network Address'),
  netmask: ipv4('Netmask'),
  data: bytes('Data'),
});

/** RFC 3626 §18.3: mantissa/exponent time in seconds. */
function olsrTime(b: number): number {
  return ((16 + (b >> 4)) * 2 ** (b & 0x0f)) / 16 / 16;
}

export function dissectOLSR(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  // A packet length past the datagram is not OLSR's: tshark leaves the bytes to data.
  if (tvb.has(o, 2) && tvb.u16(o) > tvb.reportedRemaining(o)) return 0;
  pinfo.layers.push('olsr');
  pinfo.setProto('OLSR v1');
  const v6 = ipLayer.kind === AddrKind.IPv6;
  const len = tvb.u16(o);
  if (pinfo.wantInfo) pinfo.setInfo(`OLSR (${v6 ? 'IPv6' : 'IPv4'}) Packet,  Length: ${len} Bytes`);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    tree.add(F.packet_len, tvb, o, 2, len);
    tree.add(F.packet_seq_num, tvb, o + 2, 2, tvb.u16(o + 2));
    const size = v6 ? 16 : 4;
    const end = o + len;
    for (let p = o + 4; p < end;) {
      const type = tvb.u8(p);
      const msize = tvb.u16(p + 2);
      tree.push(F.message, tvb, p, msize);
      if (tree.full) tree.label(`Message: ${TYPES.get(type) ?? 'Unknown'} (${type})`);
      tree.add(F.message_type, tvb, p, 1, type);
      tree.add(F.vtime, tvb, p + 1, 1);
      if (tree.full) tree.labelLast(`Validity Time: ${olsrTime(tvb.u8(p + 1)).toFixed(3)} (in seconds)`);
      tree.add(F.message_size, tvb, p + 2, 2, msize);
      if (v6) {
        tvb.need(p + 4, 16);
        tree.add(F.origin6_addr, tvb, p + 4, 16);
      } else tree.add(F.origin_addr, tvb, p + 4, 4, tvb.u32(p + 4));
      const q = p + 4 + size;
      tree.add(F.ttl, tvb, q, 1, tvb.u8(q));
      tree.add(F.hop_count, tvb, q + 1, 1, tvb.u8(q + 1));
      tree.add(F.message_seq_num, tvb, q + 2, 2, tvb.u16(q + 2));
      const mend = p + msize;
      if (type === 4 && !v6) {
        for (let r = q + 4; r + 8 <= mend; r += 8) {
          tree.add(F.network_addr, tvb, r, 4, tvb.u32(r));
          tree.add(F.netmask, tvb, r + 4, 4, tvb.u32(r + 4));
        }
      } else if (mend > q + 4) {
        tvb.need(q + 4, mend - q - 4);
        tree.add(F.data, tvb, q + 4, mend - q - 4);
      }
      tree.pop();
      if (msize < 8 + size) break;
      p = mend;
    }
  } catch (err) {
    pinfo.currentProto ||= 'OLSR';
    throw err;
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

export const olsrModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', 698, dissectOLSR);
  },
};
