// The ethertype hand-off shared by Ethernet, VLAN, SLL...: Wireshark shows it as the `ethertype`
// layer in frame.protocols, then whatever protocol the type names (or data, labelled by number).
import { dissectData } from './data.ts';
import { noteFault } from './dissect.ts';
import { names } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import { TruncatedError, type Tvb } from './tvb.ts';

/** Wireshark's etype_vals (tshark 4.0 `-G values` for eth.type). */
export const ETHERTYPE_NAMES = names({
  0x0600: 'XNS Internet Datagram Protocol',
  0x0800: 'IPv4',
  0x0805: 'X.25 Layer 3',
  0x0806: 'ARP',
  0x0842: 'Wake on LAN',
  0x08f0: 'WiMax Mac-to-Mac',
  0x08ff: 'AX.25',
  0x0bad: 'Vines IP',
  0x0baf: 'Vines Echo',
  0x1984: 'Netmon Train',
  0x2001: 'Cisco Group Management Protocol',
  0x22e5: 'Gigamon Header',
  0x22ea: '802.1Qat Multiple Stream Reservation Protocol',
  0x22f0: 'IEEE 1722 Audio Video Transport Protocol',
  0x22f1: 'Robust Header Compression(RoHC)',
  0x22f3: 'Transparent Interconnection of Lots of Links',
  0x22f4: 'Intermediate System to Intermediate System',
  0x2452: 'IEEE 802.11 (Centrino promiscuous)',
  0x3c07: '3Com NBP Datagram',
  0x3e3f: 'EPL_V1',
  0x6000: 'DEC proto',
  0x6001: 'DEC DNA Dump/Load',
  0x6002: 'DEC DNA Remote Console',
  0x6003: 'DEC DNA Routing',
  0x6004: 'DEC LAT',
  0x6005: 'DEC Diagnostics',
  0x6006: 'DEC Customer use',
  0x6007: 'DEC LAVC/SCA',
  0x6558: 'Transparent Ethernet bridging',
  0x8021: 'PPP IP Control Protocol',
  0x8035: 'RARP',
  0x8038: 'DEC LanBridge',
  0x8041: 'DEC LAST',
  0x809b: 'AppleTalk LLAP bridging',
  0x80d5: 'SNA-over-Ethernet',
  0x80e1: 'EtherNet/IP Device Level Ring',
  0x80f3: 'AARP',
  0x80fd: 'PPP Compression Control Protocol',
  0x80ff: 'Wellfleet Compression Protocol',
  0x8100: '802.1Q Virtual LAN',
  0x8102: 'Simple Loop Protection Protocol',
  0x8103: 'Virtual LACP',
  0x8104: 'Simple Loop Protection Protocol (old)',
  0x8133: 'Juniper Netscreen Redundant Protocol',
  0x8137: 'Netware IPX/SPX',
  0x8181: 'Spanning Tree Protocol',
  0x81fd: 'Cabletron Interswitch Message Protocol',
  0x81ff: 'Cabletron SFVLAN 1.8 Tag-Based Flood',
  0x8204: 'QNX 6 QNET protocol',
  0x86dd: 'IPv6',
  0x872d: 'Cisco Wireless Lan Context Control Protocol',
  0x8783: 'Motorola Media Independent Network Transport',
  0x8808: 'MAC Control',
  0x8809: 'Slow Protocols',
  0x8819: 'Cirrus Cobranet Packet',
  0x8847: 'MPLS label switched packet',
  0x8848: 'MPLS multicast label switched packet',
  0x885a: 'Foundry proprietary',
  0x8863: 'PPPoE Discovery',
  0x8864: 'PPPoE Session',
  0x886c: 'HomePNA, wlan link local tunnel',
  0x886d: 'Intel ANS probe',
  0x886f: 'MS NLB heartbeat',
  0x8870: 'Jumbo LLC',
  0x8874: 'Broadcom tag',
  0x887b: 'Homeplug',
  0x8881: 'CDMA2000 A10 Unstructured byte stream',
  0x8884: 'ATM over Ethernet',
  0x888e: '802.1X Authentication',
  0x8892: 'PROFINET',
  0x8899: 'Realtek Layer 2 Protocols',
  0x889b: 'CSM_ENCAPS Protocol',
  0x88a1: 'Telkonet powerline',
  0x88a2: 'ATA over Ethernet',
  0x88a4: 'EtherCAT frame',
  0x88a8: '802.1ad Provider Bridge (Q-in-Q)',
  0x88ab: 'ETHERNET Powerlink v2',
  0x88ad: 'XiMeta Technology',
  0x88b4: 'WAI Authentication Protocol',
  0x88b5: 'Local Experimental Ethertype 1',
  0x88b6: 'Local Experimental Ethertype 2',
  0x88b7: 'IEEE 802a OUI Extended Ethertype',
  0x88b8: 'IEC 61850/GOOSE',
  0x88b9: 'IEC 61850/GSE management services',
  0x88ba: 'IEC 61850/SV (Sampled Value Transmission',
  0x88c7: '802.11i Pre-Authentication',
  0x88ca: 'Transparent Inter Process Communication',
  0x88cc: '802.1 Link Layer Discovery Protocol (LLDP)',
  0x88d2: 'CDMA2000 A10 3GPP2 Packet',
  0x88d8: 'Circuit Emulation Services over Ethernet (MEF8)',
  0x88d9: 'Link Layer Topology Discovery (LLTD)',
  0x88dc: '(WAVE) Short Message Protocol (WSM)',
  0x88de: 'VMware Lab Manager',
  0x88e1: 'Homeplug AV',
  0x88e3: 'MRP',
  0x88e5: '802.1AE (MACsec)',
  0x88e7: '802.1ah Provider Backbone Bridge (mac-in-mac)',
  0x88ee: 'Ethernet Local Management Interface (MEF16)',
  0x88f6: '802.1ak Multiple Mac Registration Protocol',
  0x88f7: 'PTPv2 over Ethernet (IEEE1588)',
  0x88f8: 'Network Controller Sideband Interface',
  0x88fb: 'Parallel Redundancy Protocol (PRP) and HSR Supervision (IEC62439 Part 3)',
  0x8901: 'Flow Layer Internal Protocol',
  0x8902: 'IEEE 802.1ag Connectivity Fault Management (CFM) protocol',
  0x8903: 'Data Center Ethernet (DCE) protocol(Cisco)',
  0x8906: 'Fibre Channel over Ethernet',
  0x8909: 'CiscoMetaData',
  0x890d: 'IEEE 802.11 data encapsulation',
  0x8911: 'LINX IPC Protocol',
  0x8914: 'FCoE Initialization Protocol',
  0x8915: 'RDMA over Converged Ethernet',
  0x8917: 'Media Independent Handover Protocol',
  0x891d: 'TTEthernet Protocol Control Frame',
  0x8926: 'VN-Tag',
  0x892b: 'Schweitzer Engineering Labs Layer 2 Protocol',
  0x892d: 'bluecom Protocol',
  0x892f: 'High-availability Seamless Redundancy (IEC62439 Part 3)',
  0x893a: '1905.1a Convergent Digital Home Network for Heterogenous Technologies',
  0x893f: '802.1br Bridge Port Extension E-Tag',
  0x8947: 'GeoNetworking',
  0x894f: 'Network Service Header',
  0x8988: 'PA HB Backup',
  0x9000: 'Loopback',
  0x9021: 'Real-Time Media Access Control',
  0x9022: 'Real-Time Configuration Protocol',
  0x9100: 'QinQ: old non-standard 802.1ad',
  0x9104: 'EERO Broadcast Packet',
  0x99fe: 'Technically Enhanced Capture Module Protocol (TECMP)',
  0xa0ed: '6LoWPAN',
  0xaefe: 'eCPRI',
  0xb4e3: 'CableLabs Layer-3 Protocol',
  0xc021: 'PPP Link Control Protocol',
  0xc023: 'PPP Password Authentication Protocol',
  0xc0de: 'eXpressive Internet Protocol',
  0xc0df: 'Neighborhood Watch Protocol',
  0xcafe: 'Veritas Low Latency Transport (not officially registered)',
  0xd00d: 'Digium TDM over Ethernet Protocol',
  0xd28b: 'Arista Timestamp',
  0xe555: 'EXos internal Extra Header',
  0xf1c1: '802.1CB Frame Replication and Elimination for Reliability',
  0xfff2: 'Cisco ACI ARP gleaning',
});

/**
 * Dissects the payload of an ethertype-tagged layer (Wireshark's "ethertype" dissector; the caller
 * adds the trailer to its own subtree). Returns how many bytes the payload protocol used: the
 * rest is the lower layer's padding or trailer. As in Wireshark, a payload that turns out
 * malformed is shown as such here and dissection goes on, so that the trailer still shows; a
 * capture cut short ends the frame.
 */
export function dispatchEthertype(type: number, tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  pinfo.layers.push('ethertype');
  const open = tree.current();
  let used: number;
  try {
    used = pinfo.registry.call('etherType', type, tvb, pinfo, tree);
  } catch (err) {
    if (err instanceof TruncatedError) throw err;
    while (tree.current() !== open && tree.current() !== null) tree.pop();
    const inError = pinfo.inError;
    noteFault(err, tvb, pinfo, tree);
    pinfo.inError = inError;
    return tvb.claimed >= 0 ? tvb.claimed : tvb.remaining(tvb.start);
  }
  if (used >= 0) return used;
  dissectData(tvb, pinfo, tree);
  pinfo.setProto(`0x${type.toString(16).padStart(4, '0')}`);
  if (pinfo.wantInfo) {
    const name = ETHERTYPE_NAMES.get(type);
    if (name !== undefined) pinfo.setInfo(name);
  }
  return tvb.remaining(tvb.start);
}
