// The ethertype hand-off shared by Ethernet, VLAN, SLL, GRE...: Wireshark shows it as the
// `ethertype` layer in frame.protocols, then whatever protocol the type names (or data).
import { dissectData } from './data.ts';
import { names } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const ETHERTYPE_NAMES = names({
  0x0800: 'IPv4',
  0x0806: 'ARP',
  0x0835: 'RARP',
  0x8035: 'RARP',
  0x8100: '802.1Q Virtual LAN',
  0x88a8: '802.1ad Provider Bridge (Q-in-Q)',
  0x9100: 'QinQ: old non-standard 802.1ad',
  0x86dd: 'IPv6',
  0x8847: 'MPLS label switched packet',
  0x8863: 'PPPoE Discovery',
  0x8864: 'PPPoE Session',
  0x888e: '802.1X Authentication',
  0x88cc: '802.1 Link Layer Discovery Protocol (LLDP)',
  0x6558: 'Transparent Ethernet bridging',
  0x88e5: '802.1AE (MACsec)',
  0x8909: 'SLOW protocols',
  0x88f7: 'PTPv2 over Ethernet (IEEE1588)',
  0x0842: 'Wake on LAN',
  0x22f3: 'TRILL',
  0x893a: 'IEEE 1905.1a',
});

/**
 * Dissects the payload of an ethertype-tagged layer. Returns how many bytes the payload
 * protocol used (the rest is the lower layer's padding or trailer).
 */
export function dispatchEthertype(type: number, tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  pinfo.layers.push('ethertype');
  const used = pinfo.registry.call('etherType', type, tvb, pinfo, tree);
  if (used >= 0) return used;
  dissectData(tvb, pinfo, tree);
  return tvb.remaining(tvb.start);
}
