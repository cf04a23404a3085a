// MPLS (RFC 3032): a stack of 4-byte label entries down to the one with the bottom-of-stack bit,
// then the payload, told apart by its first nibble as Wireshark does by default (4: IPv4,
// 6: IPv6, else data). Reached by ethertype 0x8847/0x8848, PPP 0x0281/0x0283 and UDP port 6635.
import { dissectData } from './data.ts';
import { fields, proto, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const F = fields('mpls', {
  '': proto('MultiProtocol Label Switching Header'),
  label: uint('MPLS Label', 32, { mask: 0xfffff000 }),
  exp: uint('MPLS Experimental Bits', 32, { mask: 0x00000e00 }),
  bottom: uint('MPLS Bottom Of Label Stack', 32, { mask: 0x00000100 }),
  ttl: uint('MPLS TTL', 32, { mask: 0x000000ff }),
});

const ENTRY = 4;

export function dissectMpls(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('mpls');
  pinfo.setProto('MPLS');
  if (pinfo.wantInfo) pinfo.setInfo('MPLS Label Switched Packet');
  let p = o;
  for (;;) {
    const entry = tvb.u32(p);
    const label = entry >>> 12;
    const exp = (entry >>> 9) & 7;
    const bottom = (entry >>> 8) & 1;
    const ttl = entry & 0xff;
    tree.push(F[''], tvb, p, ENTRY);
    if (tree.full) tree.label(`${F[''].name}, Label: ${label}, Exp: ${exp}, S: ${bottom}, TTL: ${ttl}`);
    tree.add(F.label, tvb, p, ENTRY, label);
    tree.add(F.exp, tvb, p, ENTRY, exp);
    tree.add(F.bottom, tvb, p, ENTRY, bottom);
    tree.add(F.ttl, tvb, p, ENTRY, ttl);
    tree.pop();
    p += ENTRY;
    if (bottom) break;
  }
  const payload = tvb.sub(p);
  const nibble = tvb.u8(p) >> 4;
  let used = -1;
  if (nibble === 4) used = pinfo.registry.call('etherType', 0x0800, payload, pinfo, tree);
  else if (nibble === 6) used = pinfo.registry.call('etherType', 0x86dd, payload, pinfo, tree);
  if (used < 0) dissectData(payload, pinfo, tree);
  return tvb.remaining(o);
}

export const mplsModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('etherType', 0x8847, dissectMpls);
    reg.register('etherType', 0x8848, dissectMpls);
    reg.register('pppProto', 0x0281, dissectMpls);
    reg.register('pppProto', 0x0283, dissectMpls);
    reg.register('udpPort', 6635, dissectMpls);
  },
};
