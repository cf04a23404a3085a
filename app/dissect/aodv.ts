// Ad hoc On-demand Distance Vector routing (RFC 3561, and the IPv6 draft's types) on UDP 654:
// route request, reply, error and reply acknowledgement, with tshark 4.0's Info texts.
import { bool, fields, ipv4, ipv6, names, proto, text, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { formatIPv4, formatIPv6 } from '../format/address.ts';

const TYPES = names({
  1: 'Route Request',
  2: 'Route Reply',
  3: 'Route Error',
  4: 'Route Reply Acknowledgment',
  16: 'draft-perkins-manet-aodv6-01 IPv6 Route Request',
  17: 'draft-perkins-manet-aodv6-01 IPv6 Route Reply',
  18: 'draft-perkins-manet-aodv6-01 IPv6 Route Error',
  19: 'draft-perkins-manet-aodv6-01 IPv6 Route Reply Acknowledgment',
});

export const F = fields('aodv', {
  '': proto('Ad hoc On-demand Distance Vector Routing Protocol'),
  type: uint('Type', 8, { strings: TYPES }),
  flags: uint('Flags', 16),
  'flags.rreq_join': bool('RREQ Join', 16, 0x8000),
  'flags.rreq_repair': bool('RREQ Repair', 16, 0x4000),
  'flags.rreq_gratuitous': bool('RREQ Gratuitous RREP', 16, 0x2000),
  'flags.rreq_destinationonly': bool('RREQ Destination only', 16, 0x1000),
  'flags.rreq_unknown': bool('RREQ Unknown Sequence Number', 16, 0x0800),
  'flags.rrep_repair': bool('RREP Repair', 16, 0x8000),
  'flags.rrep_ack': bool('RREP Acknowledgement', 16, 0x4000),
  'flags.rerr_nodelete': bool('RERR No Delete', 16, 0x8000),
  prefix_sz: uint('Prefix Size', 8),
  hopcount: uint('Hop Count', 8),
  rreq_id: uint('RREQ Id', 32),
  dest_ip: ipv4('Destination IP'),
  dest_ipv6: ipv6('Destination IPv6'),
  dest_seqno: uint('Destination Sequence Number', 32),
  orig_ip: ipv4('Originator IP'),
  orig_ipv6: ipv6('Originator IPv6'),
  orig_seqno: uint('Originator Sequence Number', 32),
  lifetime: uint('Lifetime', 32),
  destcount: uint('Destination Count', 8),
  _unreach: text('Unreachable Destinations'),
  unreach_dest_ip: ipv4('Unreachable Destination IP'),
  unreach_dest_ipv6: ipv6('Unreachable Destination IPv6'),
});

export function dissectAODV(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const type = tvb.u8(o);
  const name = TYPES.get(type);
  // Wireshark's AODV declines what is not one of its message types.
  if (name === undefined) return 0;
  pinfo.layers.push('aodv');
  pinfo.setProto('AODV');
  if (pinfo.wantInfo) pinfo.setInfo(name);
  const v6 = type >= 16;
  const size = v6 ? 16 : 4;
  const addr = (at: number): string =>
    v6 ? (tvb.need(at, 16), formatIPv6(tvb.bytes, at)) : formatIPv4(tvb.u32(at));
  const addAddr = (d4: typeof F.dest_ip, d6: typeof F.dest_ipv6, at: number): void => {
    if (v6) {
      tvb.need(at, 16);
      tree.add(d6, tvb, at, 16);
    } else tree.add(d4, tvb, at, 4, tvb.u32(at));
  };
  tree.push(F[''], tvb, o, tvb.remaining(o));
  if (tree.full) tree.label(`${F[''].name}, ${name}`);
  try {
    tree.add(F.type, tvb, o, 1, type);
    const flags = tvb.u16(o + 1);
    switch (v6 ? type - 15 : type) {
      case 1: {
        tree.push(F.flags, tvb, o + 1, 2, flags);
        for (const d of [
          F['flags.rreq_join'],
          F['flags.rreq_repair'],
          F['flags.rreq_gratuitous'],
          F['flags.rreq_destinationonly'],
          F['flags.rreq_unknown'],
        ]) {
          tree.add(d, tvb, o + 1, 2, (flags & (d.mask as number)) !== 0);
        }
        tree.pop();
        const hops = tvb.u8(o + 3);
        tree.add(F.hopcount, tvb, o + 3, 1, hops);
        const id = tvb.u32(o + 4);
        tree.add(F.rreq_id, tvb, o + 4, 4, id);
        let p = o + 8;
        const dest = addr(p);
        addAddr(F.dest_ip, F.dest_ipv6, p);
        const dsn = tvb.u32(p + size);
        tree.add(F.dest_seqno, tvb, p + size, 4, dsn);
        p += size + 4;
        const orig = addr(p);
        addAddr(F.orig_ip, F.orig_ipv6, p);
        const osn = tvb.u32(p + size);
        tree.add(F.orig_seqno, tvb, p + size, 4, osn);
        if (pinfo.wantInfo) {
          pinfo.setInfo(`${name}, D: ${dest} O: ${orig} Id=${id} Hcnt=${hops} DSN=${dsn} OSN=${osn}`);
        }
        break;
      }
      case 2: {
        tree.push(F.flags, tvb, o + 1, 2, flags);
        tree.add(F['flags.rrep_repair'], tvb, o + 1, 2, (flags & 0x8000) !== 0);
        tree.add(F['flags.rrep_ack'], tvb, o + 1, 2, (flags & 0x4000) !== 0);
        tree.pop();
        tree.add(F.prefix_sz, tvb, o + 2, 1, tvb.u8(o + 2) & 0x1f);
        const hops = tvb.u8(o + 3);
        tree.add(F.hopcount, tvb, o + 3, 1, hops);
        let p = o + 4;
        const dest = addr(p);
        addAddr(F.dest_ip, F.dest_ipv6, p);
        const dsn = tvb.u32(p + size);
        tree.add(F.dest_seqno, tvb, p + size, 4, dsn);
        p += size + 4;
        const orig = addr(p);
        addAddr(F.orig_ip, F.orig_ipv6, p);
        p += size;
        const life = tvb.u32(p);
        tree.add(F.lifetime, tvb, p, 4, life);
        if (pinfo.wantInfo)
          pinfo.setInfo(`${name}, D: ${dest}, O: ${orig} Hcnt=${hops} DSN=${dsn} Lifetime=${life}`);
        break;
      }
      case 3: {
        tree.push(F.flags, tvb, o + 1, 2, flags);
        tree.add(F['flags.rerr_nodelete'], tvb, o + 1, 2, (flags & 0x8000) !== 0);
        tree.pop();
        const count = tvb.u8(o + 3);
        tree.add(F.destcount, tvb, o + 3, 1, count);
        if (pinfo.wantInfo) pinfo.setInfo(`${name}, Dest Count=${count}`);
        tree.push(F._unreach, tvb, o + 4, count * (size + 4));
        for (let i = 0, p = o + 4; i < count; i++, p += size + 4) {
          addAddr(F.unreach_dest_ip, F.unreach_dest_ipv6, p);
          tree.add(F.dest_seqno, tvb, p + size, 4, tvb.u32(p + size));
        }
        tree.pop();
        break;
      }
      default:
        break;
    }
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

export const aodvModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', 654, dissectAODV);
  },
};
