// IEEE 802.1Q VLAN tags (ethertype 0x8100, and 0x9100, the old non-standard Q-in-Q tag that
// Wireshark also reads as 802.1Q). A stacked tag is one more `vlan` layer, so every value of a
// field shows once per tag (`vlan.id` = `118,10`).
import { dissectData } from './data.ts';
import { expertInfo } from './dissect.ts';
import { add8023Length, addEthernetTrailer } from './eth.ts';
import { dispatchEthertype, ETHERTYPE_NAMES } from './ethertype.ts';
import { bool, bytes, fields, hex, names, proto, uint } from './field.ts';
import { dissectLlc } from './llc.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

/** Priorities as IEEE 802.1Q-2005 and later recommend them (Wireshark's default pri_vals). */
const PRIORITIES = names({
  0: 'Best Effort (default)',
  1: 'Background',
  2: 'Excellent Effort',
  3: 'Critical Applications',
  4: 'Video, < 100ms latency and jitter',
  5: 'Voice, < 10ms latency and jitter',
  6: 'Internetwork Control',
  7: 'Network Control',
});

export const F = fields('vlan', {
  '': proto('802.1Q Virtual LAN'),
  priority: uint('Priority', 16, { mask: 0xe000, strings: PRIORITIES }),
  dei: bool('DEI', 16, 0x1000, { tf: ['Eligible', 'Ineligible'] }),
  id: uint('ID', 16, { mask: 0x0fff }),
  etype: hex('Type', 16, { strings: ETHERTYPE_NAMES }),
  len: uint('Length', 16),
  trailer: bytes('Trailer'),
});

const MAX_NESTED_TAGS = 20;
const MAX_802_3_LEN = 1500;

function nestedTags(pinfo: PacketInfo): number {
  let n = 0;
  for (const layer of pinfo.layers) if (layer === 'vlan') n++;
  return n;
}

export function dissectVlan(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('vlan');
  pinfo.setProto('VLAN');
  if (pinfo.wantInfo) pinfo.setInfo('');
  const tci = tvb.u16(o);
  const pri = tci >>> 13;
  const dei = (tci >>> 12) & 1;
  const id = tci & 0x0fff;
  if (pinfo.wantInfo) pinfo.setInfo(`PRI: ${pri}  DEI: ${dei}  ID: ${id}`);
  tree.push(F[''], tvb, o, 4);
  if (tree.full) tree.label(`802.1Q Virtual LAN, PRI: ${pri}, DEI: ${dei}, ID: ${id}`);
  if (nestedTags(pinfo) > MAX_NESTED_TAGS) {
    expertInfo(tree, tvb, o, 4, 'Warning', 'Undecoded', 'Too many nested VLAN tags');
    tree.pop();
    return tvb.remaining(o);
  }
  tree.add(F.priority, tvb, o, 2, pri);
  tree.add(F.dei, tvb, o, 2, dei === 1);
  tree.add(F.id, tvb, o, 2, id);
  const node = tree.current();
  const encap = tvb.u16(o + 2);

  if (encap <= MAX_802_3_LEN) {
    // A length: 802.2 LLC follows (or raw IPX, marked by 0xffff), the rest is a trailer.
    const is8022 = !(tvb.has(o + 4, 2) && tvb.u16(o + 4) === 0xffff);
    const length = add8023Length(tvb, o + 4, pinfo, tree, F.len, 0, encap);
    tree.pop();
    addEthernetTrailer(tvb, o + 4 + length, pinfo, tree, node, F.trailer, 0);
    const payload = tvb.sub(o + 4, length);
    if (is8022) dissectLlc(payload, pinfo, tree);
    else dissectData(payload, pinfo, tree);
    return tvb.remaining(o);
  }

  tree.add(F.etype, tvb, o + 2, 2, encap);
  tree.pop();
  const used = dispatchEthertype(encap, tvb.sub(o + 4), pinfo, tree);
  addEthernetTrailer(tvb, o + 4 + used, pinfo, tree, node, F.trailer, 0);
  return tvb.remaining(o);
}

export const vlanModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('etherType', 0x8100, dissectVlan);
    reg.register('etherType', 0x9100, dissectVlan);
  },
};
