// Juniper's capture header (LINKTYPE_JUNIPER_ETHER 178, LINKTYPE_JUNIPER_ATM1 137): the "MGC"
// magic, direction and L2-presence flags, optional extension TLVs, then the payload: an Ethernet
// frame, or for ATM1 a cookie and the ATM cell header (the ATM payload is not decoded).
import { dissectData } from './data.ts';
import { fields, hex, names, proto, uint } from './field.ts';
import { LinkType } from './link-types.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const MAGIC = 0x4d4743;
const FLAG = { DIRECTION: 0x01, NO_L2: 0x02, EXTENSIONS: 0x80 };

export const F = fields('juniper', {
  '': proto('Juniper'),
  'magic-number': hex('Magic Number', 24),
  direction: hex('Direction', 8, { mask: 0x01, strings: names({ 0: 'Out', 1: 'In' }) }),
  l2hdr: hex('L2 header presence', 8, { mask: 0x02, strings: names({ 0: 'Present', 1: 'Not Present' }) }),
  ext_total_len: uint('Extension(s) Total length', 16),
  'atm1.cookie': hex('Cookie', 32),
});

/**
 * The common header; returns where the payload starts, or -1 without the magic (then the frame is
 * data). `title` names the tree and the Protocol column (`Juniper Ethernet`).
 */
function dissectHeader(tvb: Tvb, title: string, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('juniper');
  pinfo.setProto(title);
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, 4);
  if (tree.full) tree.label(`${title} PIC`);
  const magic = tvb.u24(o);
  tree.add(F['magic-number'], tvb, o, 3, magic);
  if (magic !== MAGIC) {
    tree.pop();
    return -1;
  }
  const flags = tvb.u8(o + 3);
  tree.add(F.direction, tvb, o + 3, 1, flags & FLAG.DIRECTION);
  tree.add(F.l2hdr, tvb, o + 3, 1, (flags & FLAG.NO_L2) >> 1);
  let p = o + 4;
  if (flags & FLAG.EXTENSIONS) {
    const extLength = tvb.u16(p);
    tree.add(F.ext_total_len, tvb, p, 2, extLength);
    p += 2 + extLength;
  }
  tree.pop(p - o);
  return p;
}

function dissectJuniperEther(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const at = dissectHeader(tvb, 'Juniper Ethernet', pinfo, tree);
  const payload = tvb.sub(at < 0 ? o + 3 : at);
  if (at < 0 || pinfo.registry.call('linkType', LinkType.ETHERNET, payload, pinfo, tree) < 0) {
    dissectData(payload, pinfo, tree);
  }
  return tvb.remaining(o);
}

function dissectJuniperAtm1(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const at = dissectHeader(tvb, 'Juniper ATM1', pinfo, tree);
  if (at < 0) {
    dissectData(tvb.sub(o + 3), pinfo, tree);
    return tvb.remaining(o);
  }
  // A 4-byte cookie, then the ATM cell header the payload is read by.
  tree.add(F['atm1.cookie'], tvb, at, 4, tvb.u32(at));
  tvb.u32(at + 4);
  dissectData(tvb.sub(at + 4), pinfo, tree);
  return tvb.remaining(o);
}

export const juniperModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('linkType', LinkType.JUNIPER_ETHER, dissectJuniperEther);
    reg.register('linkType', LinkType.JUNIPER_ATM1, dissectJuniperAtm1);
  },
};
