// Cisco Auto-RP on UDP 496: announcements and mappings of rendezvous points to group prefixes, as
// tshark 4.0 shows them (`RP announcement (v1 or 1+) for 2 RPs`).
import { bytes, fields, hex, ipv4, names, proto, text, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { formatIPv4 } from '../format/address.ts';

const TYPES = names({ 1: 'RP announcement', 2: 'RP mapping' });
const VERSIONS = names({ 1: '1 or 1+' });
const PIM_VERSIONS = names({ 0: 'Version unknown', 1: 'Version 1', 2: 'Version 2', 3: 'Version 1 and 2' });

export const F = fields('auto_rp', {
  '': proto('Cisco Auto-RP'),
  version: uint('Protocol version', 8, { mask: 0xf0, strings: VERSIONS }),
  type: uint('Packet type', 8, { mask: 0x0f, strings: TYPES }),
  rp_count: uint('RP count', 8),
  holdtime: uint('Holdtime', 16),
  reserved: hex('Reserved', 32),
  _rp: text('RP'),
  rp_addr: ipv4('RP address'),
  pim_ver: uint('Version', 8, { mask: 0x03, strings: PIM_VERSIONS }),
  group_num: uint('Number of groups this RP maps to', 8),
  _group: text('Group'),
  prefix_sign: uint('Sign', 8, { mask: 0x01 }),
  mask_len: uint('Mask length', 8),
  group_prefix: ipv4('Prefix'),
  trailing_junk: bytes('Trailing junk'),
});

export function dissectAutoRP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const vt = tvb.u8(o);
  const version = vt >> 4;
  const type = vt & 0x0f;
  pinfo.layers.push('auto_rp');
  pinfo.setProto('Auto-RP');
  const count = tvb.u8(o + 1);
  if (pinfo.wantInfo) {
    pinfo.setInfo(
      `${TYPES.get(type) ?? 'Unknown packet type'} (v${VERSIONS.get(version) ?? 'Unknown version'}) for ${count} RP${count === 1 ? '' : 's'}`,
    );
  }
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    tree.add(F.version, tvb, o, 1, version);
    tree.add(F.type, tvb, o, 1, type);
    tree.add(F.rp_count, tvb, o + 1, 1, count);
    tree.add(F.holdtime, tvb, o + 2, 2, tvb.u16(o + 2));
    tree.add(F.reserved, tvb, o + 4, 4, tvb.u32(o + 4));
    let p = o + 8;
    for (let i = 0; i < count; i++) {
      const rp = tvb.u32(p);
      const groups = tvb.u8(p + 5);
      tree.push(F._rp, tvb, p, 6 + 6 * groups);
      if (tree.full) tree.label(`RP ${formatIPv4(rp)}: ${groups} group${groups === 1 ? '' : 's'}`);
      tree.add(F.rp_addr, tvb, p, 4, rp);
      tree.add(F.pim_ver, tvb, p + 4, 1, tvb.u8(p + 4) & 0x03);
      tree.add(F.group_num, tvb, p + 5, 1, groups);
      p += 6;
      for (let g = 0; g < groups; g++, p += 6) {
        tree.push(F._group, tvb, p, 6);
        const mlen = tvb.u8(p + 1);
        const prefix = tvb.u32(p + 2);
        if (tree.full) tree.label(`Group ${formatIPv4(prefix)}/${mlen}`);
        tree.add(F.prefix_sign, tvb, p, 1, tvb.u8(p) & 1);
        tree.add(F.mask_len, tvb, p + 1, 1, mlen);
        tree.add(F.group_prefix, tvb, p + 2, 4, prefix);
        tree.pop();
      }
      tree.pop();
    }
    if (tvb.remaining(p) > 0) tree.add(F.trailing_junk, tvb, p, tvb.remaining(p));
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

export const autoRpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', 496, dissectAutoRP);
  },
};
