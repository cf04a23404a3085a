// Linux "cooked" capture, version 1 (LINKTYPE_LINUX_SLL, 113): the pseudo-header Linux builds
// for captures on "any" and on devices without a usable link header. Version 2 (sll2.ts) shares
// the field names and the pieces below.
import { ARP_HRD_NAMES } from './arp.ts';
import { dissectData } from './data.ts';
import { addEthernetTrailer } from './eth.ts';
import { dispatchEthertype, ETHERTYPE_NAMES } from './ethertype.ts';
import { bytes, ether, fields, hex, ipv4, names, proto, uint } from './field.ts';
import { LinkType } from './link-types.ts';
import { dissectLlc } from './llc.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const PACKET_TYPES = names({
  0: 'Unicast to us',
  1: 'Broadcast',
  2: 'Multicast',
  3: 'Unicast to another host',
  4: 'Sent by us',
});

/** Linux protocol numbers (ETH_P_*) below 1536 that are not ethertypes. */
const LINUX_PROTOCOLS = names({
  0x0001: 'Raw 802.3',
  0x0003: 'Ethernet',
  0x0004: '802.2 LLC',
  0x0007: 'PPP (HDLC)',
  0x000c: 'CAN',
  0x000d: 'CAN FD',
  0x0017: 'IrDA LAP',
  0x00f5: 'ISI',
  0x00f6: 'IEEE 802.15.4',
});

export const F = fields('sll', {
  '': proto('Linux cooked-mode capture'),
  pkttype: uint('Packet type', 16, { strings: PACKET_TYPES }),
  hatype: uint('Link-layer address type', 16, { strings: ARP_HRD_NAMES }),
  halen: uint('Link-layer address length', 16),
  'src.eth': ether('Source'),
  'src.ipv4': ipv4('Source'),
  'src.other': bytes('Source'),
  unused: bytes('Unused'),
  ltype: hex('Protocol', 16, { strings: LINUX_PROTOCOLS }),
  gretype: hex('Protocol', 16, { strings: ETHERTYPE_NAMES }),
  etype: hex('Protocol', 16, { strings: ETHERTYPE_NAMES }),
  trailer: bytes('Trailer'),
  ifindex: uint('Interface index', 32),
});

const ADDR_LEN = 8;
const ARPHRD_IPGRE = 778;
const LINUX_SLL_P_ETHERNET = 0x0003;
const LINUX_SLL_P_802_2 = 0x0004;

/** Sets the SLL columns: the Protocol column and the packet type as Info until a layer above. */
export function sllColumns(pinfo: PacketInfo, pkttype: number): void {
  pinfo.setProto('SLL');
  if (pinfo.wantInfo) pinfo.setInfo(PACKET_TYPES.get(pkttype) ?? `Unknown (${pkttype})`);
}

/**
 * Adds the address length (`halenLen` bytes at `at`) and the 8-byte address field after it: a
 * MAC (the packet's source, for the Source column), an IPv4 address, or bytes, then what is unused.
 */
export function addLinkAddress(tvb: Tvb, at: number, halenLen: number, pinfo: PacketInfo, tree: Tree): void {
  const halen = halenLen === 1 ? tvb.u8(at) : tvb.u16(at);
  tree.add(F.halen, tvb, at, halenLen, halen);
  const addr = at + halenLen;
  switch (halen) {
    case 4:
      tree.add(F['src.ipv4'], tvb, addr, 4, tvb.u32(addr));
      break;
    case 6:
      tvb.need(addr, 6);
      if (!pinfo.inError) pinfo.dlSrc = addr;
      tree.add(F['src.eth'], tvb, addr, 6);
      break;
    case 0:
      break;
    default:
      tvb.need(addr, Math.min(halen, ADDR_LEN));
      tree.add(F['src.other'], tvb, addr, Math.min(halen, ADDR_LEN));
  }
  if (halen < ADDR_LEN) {
    tvb.need(addr + halen, ADDR_LEN - halen);
    tree.add(F.unused, tvb, addr + halen, ADDR_LEN - halen);
  }
}

/** Adds the protocol field as Wireshark names it: a Linux protocol, a GRE type or an ethertype. */
export function addProtocol(tvb: Tvb, at: number, hatype: number, tree: Tree): number {
  const protocol = tvb.u16(at);
  const def = protocol <= 1536 ? F.ltype : hatype === ARPHRD_IPGRE ? F.gretype : F.etype;
  tree.add(def, tvb, at, 2, protocol);
  return protocol;
}

/** The payload after an SLL header of `headerLen` bytes; `node` is the SLL subtree (for a trailer). */
export function dissectSllPayload(
  tvb: Tvb,
  headerLen: number,
  hatype: number,
  protocol: number,
  pinfo: PacketInfo,
  tree: Tree,
  node: ReturnType<Tree['current']>,
): void {
  const o = tvb.start;
  const payload = tvb.sub(o + headerLen);
  if (protocol <= 1536) {
    // A Linux protocol number, not a length: no trailer can be told apart.
    if (protocol === LINUX_SLL_P_802_2) dissectLlc(payload, pinfo, tree);
    else if (
      protocol !== LINUX_SLL_P_ETHERNET ||
      pinfo.registry.call('etherType', 0x6558, payload, pinfo, tree) < 0
    ) {
      dissectData(payload, pinfo, tree);
    }
    return;
  }
  if (hatype === ARPHRD_IPGRE) {
    // GRE protocol types are ethertypes, looked up directly (no ethertype layer).
    if (pinfo.registry.call('etherType', protocol, payload, pinfo, tree) < 0)
      dissectData(payload, pinfo, tree);
    return;
  }
  const used = dispatchEthertype(protocol, payload, pinfo, tree);
  addEthernetTrailer(tvb, o + headerLen + used, pinfo, tree, node, F.trailer, 0);
}

/** Version 1: packet type, address type, address length and address, then the protocol (16 bytes). */
export function dissectSll(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('sll');
  const pkttype = tvb.u16(o);
  const hatype = tvb.u16(o + 2);
  sllColumns(pinfo, pkttype);
  tree.push(F[''], tvb, o, 16);
  if (tree.full) tree.label('Linux cooked capture v1');
  const node = tree.current();
  tree.add(F.pkttype, tvb, o, 2, pkttype);
  tree.add(F.hatype, tvb, o + 2, 2, hatype);
  addLinkAddress(tvb, o + 4, 2, pinfo, tree);
  const protocol = addProtocol(tvb, o + 14, hatype, tree);
  tree.pop();
  dissectSllPayload(tvb, 16, hatype, protocol, pinfo, tree, node);
  return tvb.remaining(o);
}

export const sllModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('linkType', LinkType.LINUX_SLL, dissectSll);
  },
};
