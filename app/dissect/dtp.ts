// Cisco Dynamic Trunking Protocol (SNAP, Cisco PID 0x2004): a version byte, then TLVs whose
// length counts their own 4-byte header (domain, trunk status and type, sender ID).
import { dissectData } from './data.ts';
import { fields, hex, names, proto, uint } from './field.ts';
import { snapKey } from './llc.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TLV_TYPES = names({ 1: 'Domain', 2: 'Trunk Status', 3: 'Trunk Type', 4: 'Sender ID' });

export const F = fields('dtp', {
  '': proto('Dynamic Trunk Protocol'),
  version: uint('Version', 8),
  tlv_type: hex('Type', 16, { strings: TLV_TYPES }),
  tlv_len: uint('Length', 16),
});

const TLV_HEADER = 4;

export function dissectDtp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('dtp');
  pinfo.setProto('DTP');
  if (pinfo.wantInfo) pinfo.setInfo('Dynamic Trunk Protocol');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  tree.add(F.version, tvb, o, 1, tvb.u8(o));
  let p = o + 1;
  while (tvb.remaining(p) >= TLV_HEADER) {
    const type = tvb.u16(p);
    const length = tvb.u16(p + 2);
    tree.add(F.tlv_type, tvb, p, 2, type);
    tree.add(F.tlv_len, tvb, p + 2, 2, length);
    // A length shorter than the header would not advance: the rest is not TLVs.
    if (length < TLV_HEADER) break;
    tvb.need(p, length);
    p += length;
  }
  tree.pop(p - o);
  if (tvb.remaining(p) > 0 && p === o + 1) dissectData(tvb.sub(p), pinfo, tree);
  return tvb.remaining(o);
}

export const dtpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('llcSap', snapKey(0x00000c, 0x2004), dissectDtp);
  },
};
