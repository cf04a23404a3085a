// Virtual eXtensible Local Area Network (RFC 7348, with the group-based policy extension): an
// Ethernet frame carried in UDP. The inner frame goes to the Ethernet dissector through the
// link-type table, so its layers repeat (`ip.src` = outer,inner) and its addresses take the columns.
import { dissectData } from './data.ts';
import { bitPicture } from './field-text.ts';
import { bool, fields, hex, proto, uint } from './field.ts';
import { LinkType } from './link-types.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const UDP_PORT_VXLAN = 4789;

const DEFINED = ['Defined', 'Not defined'] as const;
const TRUE_FALSE = ['True', 'False'] as const;

export const F = fields('vxlan', {
  '': proto('Virtual eXtensible Local Area Network'),
  flags: hex('Flags', 16),
  flag_g: bool('GBP Extension', 16, 0x8000, { tf: DEFINED }),
  flag_i: bool('VXLAN Network ID (VNI)', 16, 0x0800, { tf: TRUE_FALSE }),
  flag_d: bool("Don't Learn", 16, 0x0040, { tf: TRUE_FALSE }),
  flag_a: bool('Policy Applied', 16, 0x0008, { tf: TRUE_FALSE }),
  flags_reserved: hex('Reserved(R)', 16, { mask: 0x77b7 }),
  gbp: uint('Group Policy ID', 16),
  vni: uint('VXLAN Network Identifier (VNI)', 24),
  reserved8: uint('Reserved', 8),
});

const FLAG_DEFS = [F.flag_g, F.flag_i, F.flag_d, F.flag_a];

export function dissectVXLAN(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  tvb.need(o, 8);
  const flags = tvb.u16(o);
  pinfo.layers.push('vxlan');
  pinfo.setProto('VXLAN');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, 8);
  tree.push(F.flags, tvb, o, 2, flags);
  let label = `Flags: 0x${flags.toString(16).padStart(4, '0')}`;
  for (const def of FLAG_DEFS) {
    const on = (flags & (def.mask as number)) !== 0;
    tree.add(def, tvb, o, 2, on);
    if (on) label += `, ${def.name}`;
  }
  const reserved = flags & 0x77b7;
  tree.add(F.flags_reserved, tvb, o, 2, reserved);
  if (tree.full) {
    tree.labelLast(
      `${bitPicture(F.flags_reserved, reserved)} = Reserved(R): 0x${reserved.toString(16).padStart(4, '0')}`,
    );
  }
  tree.pop(undefined, tree.full ? label : undefined);
  tree.add(F.gbp, tvb, o + 2, 2, tvb.u16(o + 2));
  tree.add(F.vni, tvb, o + 4, 3, tvb.u24(o + 4));
  tree.add(F.reserved8, tvb, o + 7, 1, tvb.u8(o + 7));
  tree.pop();
  const inner = tvb.sub(o + 8);
  if (inner.remaining(o + 8) > 0) {
    if (pinfo.registry.call('linkType', LinkType.ETHERNET, inner, pinfo, tree) < 0)
      dissectData(inner, pinfo, tree);
  }
  return tvb.remaining(o);
}

export const vxlanModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', UDP_PORT_VXLAN, dissectVXLAN);
  },
};
