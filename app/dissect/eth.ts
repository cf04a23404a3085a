// Ethernet II and IEEE 802.3 (a length instead of a type, LLC follows).
import { dispatchEthertype, ETHERTYPE_NAMES } from './ethertype.ts';
import { bool, ether, fields, hex, proto, uint, bytes } from './field.ts';
import { AddrKind, type PacketInfo } from './packet-info.ts';
import { LinkType } from './link-types.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { formatMac } from '../format/address.ts';

export const F = fields('eth', {
  '': proto('Ethernet II'),
  dst: ether('Destination'),
  src: ether('Source'),
  addr: ether('Address'),
  'dst.lg': bool('LG bit', 24, 0x020000, { tf: ['Locally administered address (this is NOT the factory default)', 'Globally unique address (factory default)'] }),
  'dst.ig': bool('IG bit', 24, 0x010000, { tf: ['Group address (multicast/broadcast)', 'Individual address (unicast)'] }),
  'src.lg': bool('LG bit', 24, 0x020000, { tf: ['Locally administered address (this is NOT the factory default)', 'Globally unique address (factory default)'] }),
  'src.ig': bool('IG bit', 24, 0x010000, { tf: ['Group address (multicast/broadcast)', 'Individual address (unicast)'] }),
  type: hex('Type', 16, { strings: ETHERTYPE_NAMES }),
  len: uint('Length', 16),
  padding: bytes('Padding'),
  trailer: bytes('Trailer'),
});

/** Adds one address subtree (Destination or Source) with its hidden eth.addr and LG/IG bits. */
function addAddress(tvb: Tvb, offset: number, tree: Tree, which: 'dst' | 'src'): void {
  tree.push(F[which], tvb, offset, 6);
  tree.add(F.addr, tvb, offset, 6);
  if (tree.full) {
    const first = tvb.u8(offset);
    tree.add(F[`${which}.lg`], tvb, offset, 3, (first & 2) !== 0);
    tree.add(F[`${which}.ig`], tvb, offset, 3, (first & 1) !== 0);
  }
  tree.pop();
}

export function dissectEth(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  tvb.need(o, 14);
  const typeOrLength = tvb.u16(o + 12);
  pinfo.layers.push('eth');
  pinfo.setProto('Ethernet');
  if (!pinfo.inError) {
    pinfo.dlDst = o;
    pinfo.dlSrc = o + 6;
    if (pinfo.netKind === AddrKind.None && pinfo.wantInfo) pinfo.setInfo('Ethernet II');
  }
  const is8023 = typeOrLength <= 1500;
  tree.push(F[''], tvb, o, 14);
  if (tree.full) {
    const b = tvb.bytes;
    const head = is8023 ? 'IEEE 802.3 Ethernet' : 'Ethernet II';
    tree.label(`${head}, Src: ${formatMac(b, o + 6)}, Dst: ${formatMac(b, o)}`);
  }
  addAddress(tvb, o, tree, 'dst');
  addAddress(tvb, o + 6, tree, 'src');
  if (is8023) {
    tree.add(F.len, tvb, o + 12, 2, typeOrLength);
    tree.pop();
    const payload = tvb.sub(o + 14, typeOrLength);
    const used = pinfo.registry.call('llcSap', -1, payload, pinfo, tree);
    addTrailer(tvb, o + 14 + Math.max(used, typeOrLength), tree);
    return tvb.remaining(o);
  }
  tree.add(F.type, tvb, o + 12, 2, typeOrLength);
  tree.pop();
  const used = dispatchEthertype(typeOrLength, tvb.sub(o + 14), pinfo, tree);
  addTrailer(tvb, o + 14 + used, tree);
  return tvb.remaining(o);
}

/** Bytes after the payload: all-zero ones are padding, others a trailer. */
function addTrailer(tvb: Tvb, from: number, tree: Tree): void {
  const left = tvb.remaining(from);
  if (left <= 0) return;
  let zero = true;
  for (let i = from; i < from + left; i++) if (tvb.bytes[i] !== 0) zero = false;
  tree.add(zero ? F.padding : F.trailer, tvb, from, left);
}

export const ethModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('linkType', LinkType.ETHERNET, dissectEth);
    reg.register('etherType', 0x6558, dissectEth);
  },
};
