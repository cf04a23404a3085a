// IEEE 802.1ad provider bridging (Q-in-Q outer tag, ethertype 0x88a8). Wireshark names the tag's
// fields `ieee8021ad.*` and the type and trailer after it `ieee8021ah.etype` / `ieee8021ah.trailer`
// (one dissector serves 802.1ad and 802.1ah). Two 802.1ad tags in a row are one S-VID/C-VID pair.
import { addEthernetTrailer } from './eth.ts';
import { dispatchEthertype, ETHERTYPE_NAMES } from './ethertype.ts';
import { bytes, fields, hex, proto, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const F = fields('ieee8021ad', {
  '': proto('IEEE 802.1ad'),
  priority: uint('Priority', 16, { mask: 0xe000 }),
  dei: uint('DEI', 16, { mask: 0x1000 }),
  id: uint('ID', 16, { mask: 0x0fff }),
  svid: uint('ID', 16, { mask: 0x0fff }),
  cvid: uint('ID', 16, { mask: 0x0fff }),
});

export const AH = fields('ieee8021ah', {
  etype: hex('Type', 16, { strings: ETHERTYPE_NAMES }),
  trailer: bytes('Trailer'),
});

const ETHERTYPE_8021AD = 0x88a8;

/** Priority, DEI and an ID from the tag control word at `at`. */
function addTci(tvb: Tvb, at: number, tree: Tree, tci: number, idField: typeof F.id): void {
  tree.add(F.priority, tvb, at, 1, tci >>> 13);
  tree.add(F.dei, tvb, at, 1, (tci >>> 12) & 1);
  tree.add(idField, tvb, at, 2, tci & 0x0fff);
}

export function dissectIeee8021ad(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('ieee8021ad');
  pinfo.setProto('802.1ad');
  if (pinfo.wantInfo) pinfo.setInfo('');
  const tci = tvb.u16(o);
  if (pinfo.wantInfo) pinfo.setInfo(`PRI: ${tci >>> 13}  DROP: ${(tci >>> 12) & 1} ID: ${tci & 0x0fff}`);
  tree.push(F[''], tvb, o, 4);
  const node = tree.current();
  const encap = tvb.u16(o + 2);
  let payloadOffset: number;
  let type: number;
  if (encap === ETHERTYPE_8021AD) {
    // Two tags: the service VLAN, then the customer VLAN.
    const ctci = tvb.u16(o + 4);
    addTci(tvb, o, tree, tci, F.svid);
    addTci(tvb, o + 4, tree, ctci, F.cvid);
    if (tree.full) tree.label(`IEEE 802.1ad, S-VID: ${tci & 0x0fff}, C-VID: ${ctci & 0x0fff}`);
    type = tvb.u16(o + 6);
    tree.add(AH.etype, tvb, o + 6, 2, type);
    payloadOffset = o + 8;
  } else {
    addTci(tvb, o, tree, tci, F.id);
    if (tree.full) tree.label(`IEEE 802.1ad, ID: ${tci & 0x0fff}`);
    type = encap;
    tree.add(AH.etype, tvb, o + 2, 2, type);
    payloadOffset = o + 4;
  }
  tree.pop();
  const used = dispatchEthertype(type, tvb.sub(payloadOffset), pinfo, tree);
  addEthernetTrailer(tvb, payloadOffset + used, pinfo, tree, node, AH.trailer, 0);
  return tvb.remaining(o);
}

export const ieee8021adModule = {
  fields: { ...F, ahEtype: AH.etype, ahTrailer: AH.trailer },
  handoff(reg: Registry): void {
    reg.register('etherType', ETHERTYPE_8021AD, dissectIeee8021ad);
  },
};
