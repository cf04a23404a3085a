// Linux netfilter NFLOG (LINKTYPE_NFLOG, 239): a small header, then TLVs in host (little-endian)
// order; the NFULA_PAYLOAD TLV carries the packet, of the family the header names.
import { dissectData } from './data.ts';
import { bytes, fields, hex, names, proto, uint } from './field.ts';
import { LinkType } from './link-types.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TLV_TYPES = names({
  1: 'NFULA_PACKET_HDR',
  2: 'NFULA_MARK',
  3: 'NFULA_TIMESTAMP',
  4: 'NFULA_IFINDEX_INDEV',
  5: 'NFULA_IFINDEX_OUTDEV',
  6: 'NFULA_IFINDEX_PHYSINDEV',
  7: 'NFULA_IFINDEX_PHYSOUTDEV',
  8: 'NFULA_HWADDR',
  9: 'NFULA_PAYLOAD',
  10: 'NFULA_PREFIX',
  11: 'NFULA_UID',
  12: 'NFULA_SEQ',
  13: 'NFULA_SEQ_GLOBAL',
  14: 'NFULA_GID',
  15: 'NFULA_HWTYPE',
  16: 'NFULA_HWHEADER',
  17: 'NFULA_HWLEN',
});

const FAMILIES = names({ 2: 'IPv4', 10: 'IPv6' });
const TLV_PAYLOAD = 9;
const AF_INET6 = 10;

export const F = fields('nflog', {
  '': proto('Linux Netfilter NFLOG'),
  family: uint('Family', 8, { strings: FAMILIES }),
  version: uint('Version', 8),
  res_id: uint('Resource id', 16),
  tlv: bytes('TLV'),
  tlv_length: uint('Length', 16),
  tlv_type: uint('Type', 16, { strings: TLV_TYPES, mask: 0x7fff }),
  payload: bytes('Payload'),
  protocol: hex('HW protocol', 16),
});

export function dissectNflog(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('nflog');
  pinfo.setProto('NFLOG');
  const family = tvb.u8(o);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  tree.add(F.family, tvb, o, 1, family);
  tree.add(F.version, tvb, o + 1, 1, tvb.u8(o + 1));
  tree.add(F.res_id, tvb, o + 2, 2, tvb.u16(o + 2));
  let off = o + 4;
  let payload: Tvb | null = null;
  while (tvb.remaining(off) >= 4) {
    const length = tvb.u16le(off);
    const type = tvb.u16le(off + 2) & 0x7fff;
    if (length < 4) break;
    tree.push(F.tlv, tvb, off, length);
    if (tree.full) tree.label(`TLV Type: ${TLV_TYPES.get(type) ?? 'Unknown'} (${type}), Length: ${length}`);
    tree.add(F.tlv_length, tvb, off, 2, length);
    tree.add(F.tlv_type, tvb, off + 2, 2, type);
    if (type === 1 && length >= 8) tree.add(F.protocol, tvb, off + 4, 2, tvb.u16(off + 4));
    if (type === TLV_PAYLOAD) payload = tvb.sub(off + 4, length - 4);
    tree.pop();
    off += (length + 3) & ~3;
  }
  tree.pop();
  if (!payload) return tvb.remaining(o);
  const etherType = family === AF_INET6 ? 0x86dd : 0x0800;
  if (pinfo.registry.call('etherType', etherType, payload, pinfo, tree) < 0)
    dissectData(payload, pinfo, tree);
  return tvb.remaining(o);
}

export const nflogModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('linkType', LinkType.NFLOG, dissectNflog);
  },
};
