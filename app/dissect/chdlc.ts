// Cisco HDLC (LINKTYPE_C_HDLC, 104): address, control and a 16-bit protocol (mostly ethertypes,
// 0xFEFE for OSI after a padding byte), and Cisco's Serial Line ARP (SLARP) keepalives.
import { dissectData } from './data.ts';
import { expertInfo } from './dissect.ts';
import { fields, hex, ipv4, names, proto, uint } from './field.ts';
import { LinkType } from './link-types.ts';
import { snapKey } from './llc.ts';
import { dissectOsi } from './osi.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import { TruncatedError, type Tvb } from './tvb.ts';

const PROTO = {
  IP: 0x0800,
  IPV6: 0x86dd,
  CDP: 0x2000,
  SLARP: 0x8035,
  OSI: 0xfefe,
  MPLS: 0x8847,
  MPLS_MULTI: 0x8848,
  BRIDGED: 0x6558,
};

/** Wireshark's chdlc_vals. */
export const CHDLC_PROTOCOLS = names({
  0x2000: 'Cisco Discovery Protocol',
  0x0800: 'IP',
  0x86dd: 'IPv6',
  0x8035: 'SLARP',
  0x8038: 'DEC LanBridge',
  0x4242: 'Spanning Tree BPDU',
  0x809b: 'Appletalk',
  0x80f3: 'AARP',
  0x8137: 'Netware IPX/SPX',
  0x6558: 'Transparent Ethernet bridging',
  0xfefe: 'OSI',
  0x8847: 'MPLS unicast',
  0x8848: 'MPLS multicast',
});

export const F = fields('chdlc', {
  '': proto('Cisco HDLC'),
  address: hex('Address', 8, { strings: names({ 0x0f: 'Unicast', 0x8f: 'Multicast' }) }),
  control: hex('Control', 8),
  protocol: hex('Protocol', 16, { strings: CHDLC_PROTOCOLS }),
  clns_padding: hex('CLNS Padding', 8),
});

const SLARP_TYPES = names({ 0: 'Request', 1: 'Reply', 2: 'Line keepalive' });
const SLARP = { REQUEST: 0, REPLY: 1, KEEPALIVE: 2 };

const FS = fields('slarp', {
  '': proto('Cisco SLARP'),
  ptype: uint('Packet type', 32, { strings: SLARP_TYPES }),
  address: ipv4('Address'),
  netmask: ipv4('Netmask'),
  mysequence: uint('Outgoing sequence number', 32),
  yoursequence: uint('Returned sequence number', 32),
  reliability: hex('Reliability', 16),
});

/** The protocols Wireshark's chdlc.protocol table holds that go on through the ethertype table. */
const VIA_ETHERTYPE = new Set([PROTO.IP, PROTO.IPV6, PROTO.MPLS, PROTO.MPLS_MULTI, PROTO.BRIDGED]);

export function dissectChdlc(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('chdlc');
  pinfo.setProto('CHDLC');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, 4);
  const address = tvb.u8(o);
  tree.add(F.address, tvb, o, 1, address);
  tree.add(F.control, tvb, o + 1, 1, tvb.u8(o + 1));
  const protocol = tvb.u16(o + 2);
  tree.add(F.protocol, tvb, o + 2, 2, protocol);
  let at = o + 4;
  if (protocol === PROTO.OSI) {
    // Cisco puts a padding byte before the NLPID.
    tree.add(F.clns_padding, tvb, at, 1, tvb.u8(at));
    at += 1;
  }
  tree.pop(at - o);
  dispatchChdlcProtocol(protocol, tvb.sub(at), pinfo, tree);
  return tvb.remaining(o);
}

/** Hands the payload to the protocol the Cisco HDLC (or Frame Relay Cisco) header names. */
export function dispatchChdlcProtocol(protocol: number, payload: Tvb, pinfo: PacketInfo, tree: Tree): void {
  let used = -1;
  if (VIA_ETHERTYPE.has(protocol)) used = pinfo.registry.call('etherType', protocol, payload, pinfo, tree);
  else if (protocol === PROTO.OSI) used = dissectOsi(payload, pinfo, tree);
  else if (protocol === PROTO.SLARP) used = dissectSlarp(payload, pinfo, tree);
  else if (protocol === PROTO.CDP)
    used = pinfo.registry.call('llcSap', snapKey(0x00000c, 0x2000), payload, pinfo, tree);
  if (used >= 0) return;
  const s = payload.start;
  // Bytes the frame reports but the capture lacks: cut short here (Wireshark's data dissector).
  if (payload.remaining(s) === 0 && payload.reportedRemaining(s) > 0) throw new TruncatedError(s);
  pinfo.setProto(`0x${protocol.toString(16).padStart(4, '0')}`);
  dissectData(payload, pinfo, tree);
}

export function dissectSlarp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('slarp');
  pinfo.setProto('SLARP');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(FS[''], tvb, o, 18);
  const type = tvb.u32(o);
  tree.add(FS.ptype, tvb, o, 4, type);
  if (type === SLARP.REQUEST || type === SLARP.REPLY) {
    const address = tvb.u32(o + 4);
    tree.add(FS.address, tvb, o + 4, 4, address);
    const mask = tvb.u32(o + 8);
    tree.add(FS.netmask, tvb, o + 8, 4, mask);
    if (pinfo.wantInfo) {
      const what = type === SLARP.REQUEST ? 'Request' : 'Reply';
      pinfo.setInfo(`${what}, from ${dotted(address)}, mask ${dotted(mask)}`);
    }
  } else if (type === SLARP.KEEPALIVE) {
    const mine = tvb.u32(o + 4);
    const yours = tvb.u32(o + 8);
    tree.add(FS.mysequence, tvb, o + 4, 4, mine);
    tree.add(FS.yoursequence, tvb, o + 8, 4, yours);
    const reliability = tvb.u16(o + 12);
    tree.add(FS.reliability, tvb, o + 12, 2, reliability);
    if (reliability !== 0xffff) {
      expertInfo(tree, tvb, o + 12, 2, 'Error', 'Malformed', 'Reliability must be 0xFFFF');
    }
    if (pinfo.wantInfo)
      pinfo.setInfo(`Line keepalive, outgoing sequence ${mine}, returned sequence ${yours}`);
  } else if (pinfo.wantInfo) {
    pinfo.setInfo(`Unknown packet type 0x${type.toString(16).padStart(8, '0')}`);
  }
  tree.pop();
  return tvb.remaining(o);
}

const dotted = (a: number): string => `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;

export const chdlcModule = {
  fields: Object.fromEntries([F, FS].flatMap((g) => Object.values(g)).map((d) => [d.abbrev, d])),
  handoff(reg: Registry): void {
    reg.register('linkType', LinkType.CHDLC, dissectChdlc);
  },
};
