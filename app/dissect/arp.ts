// ARP and RARP (RFC 826, RFC 903) and their relatives (DRARP, InARP, MARS) on ethertypes 0x0806
// and 0x8035, with Wireshark's Info texts, including gratuitous ARPs, probes and announcements.
import { ETHERTYPE_NAMES } from './ethertype.ts';
import {
  bytes,
  ether,
  fields,
  FieldType,
  hex,
  ipv4,
  names,
  proto,
  text,
  uint,
  type FieldSpec,
} from './field.ts';
import { expert, firstPass } from './ip-proto.ts';
import { Hint, type CaptureState, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';
import { formatHex, formatIPv4, formatMac, readIPv4 } from '../format/address.ts';

/** ARPHRD_* hardware types (Wireshark's arp_hrd_vals; SLL's link-layer address types too). */
export const ARP_HRD_NAMES = names({
  0: 'NET/ROM pseudo',
  1: 'Ethernet',
  2: 'Experimental Ethernet',
  3: 'AX.25',
  4: 'ProNET',
  5: 'Chaos',
  6: 'IEEE 802',
  7: 'ARCNET',
  8: 'Hyperchannel',
  9: 'Lanstar',
  10: 'Autonet Short Address',
  11: 'Localtalk',
  12: 'LocalNet',
  13: 'Ultra link',
  14: 'SMDS',
  15: 'Frame Relay DLCI',
  16: 'ATM',
  17: 'HDLC',
  18: 'Fibre Channel',
  19: 'ATM (RFC 2225)',
  20: 'Serial Line',
  21: 'ATM',
  22: 'MIL-STD-188-220',
  23: 'Metricom STRIP',
  24: 'IEEE 1394.1995',
  25: 'MAPOS',
  26: 'Twinaxial',
  27: 'EUI-64',
  28: 'HIPARP',
  29: 'IP and ARP over ISO 7816-3',
  30: 'ARPSec',
  31: 'IPsec tunnel',
  32: 'InfiniBand',
  33: 'TIA-102 Project 25 CAI',
  34: 'Wiegand Interface',
  35: 'Pure IP',
  36: 'Experimental 1',
  37: 'HFI',
  256: 'Experimental 2',
  257: 'AEthernet',
  260: 'Notional KISS type',
  264: 'ADAPT',
  270: 'ROSE',
  271: 'CCITT X.25',
  272: 'Boards with X.25 in firmware',
  280: 'Controller Area Network',
  512: 'PPP',
  513: 'Cisco HDLC',
  516: 'LAPB',
  517: "Digital's DDCMP protocol",
  518: 'Raw HDLC',
  519: 'Raw IP',
  768: 'IPIP tunnel',
  769: 'IP6IP6 tunnel',
  770: 'Frame Relay Access Device',
  771: 'SKIP vif',
  772: 'Loopback',
  774: 'Fiber Distributed Data Interface',
  775: 'AP1000 BIF',
  776: 'sit0 device - IPv6-in-IPv4',
  777: 'IP over DDP tunneller',
  778: 'GRE over IP',
  779: 'PIMSM register interface',
  780: 'High Performance Parallel Interface',
  781: 'Nexus 64Mbps Ash',
  782: 'Acorn Econet',
  783: 'Linux-IrDA',
  784: 'Point to point fibrechannel',
  785: 'Fibrechannel arbitrated loop',
  786: 'Fibrechannel public loop',
  787: 'Fibrechannel fabric',
  800: 'Magic type ident for TR',
  801: 'IEEE 802.11',
  802: 'IEEE 802.11 + Prism2 header',
  803: 'IEEE 802.11 + radiotap header',
  804: 'IEEE 802.15.4',
  805: 'IEEE 802.15.4 network monitor',
  820: 'PhoNet media type',
  821: 'PhoNet pipe header',
  822: 'CAIF media type',
  823: 'GRE over IPv6',
  824: 'Netlink',
  825: 'IPv6 over LoWPAN',
  826: 'Vsock monitor header',
  65535: 'Void type, nothing is known',
  65534: 'zero header length',
});

const OP = {
  REQUEST: 1,
  REPLY: 2,
  RREQUEST: 3,
  RREPLY: 4,
  DRARP_REQUEST: 5,
  DRARP_REPLY: 6,
  DRARP_ERROR: 7,
  IREQUEST: 8,
  IREPLY: 9,
  ATMARP_NAK: 10,
  MARS_REQUEST: 11,
  MARS_REDIRECT_MAP: 22,
  MAPOS_UNARP: 23,
  EXP1: 24,
  EXP2: 25,
} as const;

const OPCODES = names({
  0: 'reserved',
  1: 'request',
  2: 'reply',
  3: 'reverse request',
  4: 'reverse reply',
  5: 'drarp request',
  6: 'drarp reply',
  7: 'drarp error',
  8: 'inverse request',
  9: 'inverse reply',
  10: 'arp nak',
  11: 'mars request',
  12: 'mars multi',
  13: 'mars mserv',
  14: 'mars join',
  15: 'mars leave',
  16: 'mars nak',
  17: 'mars unserv',
  18: 'mars sjoin',
  19: 'mars sleave',
  20: 'mars grouplist request',
  21: 'mars grouplist reply',
  22: 'mars redirect map',
  23: 'mapos unarp',
  24: 'experimental 1',
  25: 'experimental 2',
  65535: 'reserved',
});

/** Info texts of the MARS opcodes: `<text> from <hw> at <proto>`. */
const MARS_TEXTS = names({
  11: 'MARS request',
  12: 'MARS MULTI request',
  13: 'MARS MSERV request',
  14: 'MARS JOIN request',
  15: 'MARS LEAVE',
  16: 'MARS NAK',
  17: 'MARS UNSERV request',
  18: 'MARS SJOIN request',
  19: 'MARS SLEAVE',
  20: 'MARS grouplist request',
  21: 'MARS grouplist reply',
  22: 'MARS redirect map',
  23: 'MAPOS UNARP request',
});

const DRARP_STATUS = names({ 1: 'restricted', 2: 'no address', 3: 'serverdown', 4: 'moved', 5: 'failure' });

const flag = (name: string): FieldSpec => ({
  name,
  type: FieldType.Bool,
  tf: ['True', 'False'],
  generated: true,
});

export const F = fields('arp', {
  '': proto('Address Resolution Protocol'),
  'hw.type': uint('Hardware type', 16, { strings: ARP_HRD_NAMES }),
  'proto.type': hex('Protocol type', 16, { strings: ETHERTYPE_NAMES }),
  'hw.size': uint('Hardware size', 8),
  'proto.size': uint('Protocol size', 8),
  opcode: uint('Opcode', 16, { strings: OPCODES }),
  isgratuitous: flag('Is gratuitous'),
  isprobe: flag('Is probe'),
  isannouncement: flag('Is announcement'),
  'src.hw': bytes('Sender hardware address'),
  'src.hw_mac': ether('Sender MAC address'),
  'src.proto': bytes('Sender protocol address'),
  'src.proto_ipv4': ipv4('Sender IP address'),
  'dst.hw': bytes('Target hardware address'),
  'dst.hw_mac': ether('Target MAC address'),
  'dst.proto': bytes('Target protocol address'),
  'dst.proto_ipv4': ipv4('Target IP address'),
  'dst.drarp_error_status': uint('DRARP error status', 16, { strings: DRARP_STATUS }),
  'duplicate-address': text('Duplicate IP address detected'),
  'duplicate-address-frame': {
    name: 'Frame showing earlier use of IP address',
    type: FieldType.FrameNum,
    generated: true,
  },
  'seconds-since-duplicate-address-frame': uint('Seconds since earlier frame seen', 32, { generated: true }),
  // The expert item's own field: filterable, not a line of its own in the tree.
  'duplicate-address-detected': {
    name: 'Duplicate IP address configured',
    type: FieldType.None,
    hidden: true,
  },
  'packet-storm-detected': text('ARP packet storm detected'),
});

/** Where an IPv4 address was last seen with the MAC it was first seen with. */
interface Holder {
  mac: string;
  frame: number;
  sec: number;
}

/** An address pair of a frame whose IPv4 address another MAC holds. */
interface Duplicate {
  ip: number;
  mac: string;
  holder: Holder;
}

/** What a frame's check found: each duplicate pair, and the address Info names (if any). */
interface Checked {
  duplicates: Duplicate[];
  infoIp: number | null;
}

const NOTHING: Checked = { duplicates: [], infoIp: null };

/**
 * Wireshark's duplicate address detection: the first MAC seen with an IPv4 address holds it (its
 * frame and time move on with each frame it sends); another MAC with that address is a duplicate.
 * Decided on the first pass and remembered by frame, so a revisit shows the same.
 */
class ArpState {
  readonly holders = new Map<number, Holder>();
  readonly checked = new Map<number, Checked>();
}

const arpState = (state: CaptureState): ArpState => state.of('arp', () => new ArpState());

const HEADER = 8;

/** Ethernet (or IEEE 802) hardware with 6-byte addresses. */
const hwIsEther = (hrd: number, hln: number): boolean => (hrd === 1 || hrd === 6) && hln === 6;
/** IPv4 (or AX.25's IP protocol id) with 4-byte addresses. */
const proIsIPv4 = (pro: number, pln: number): boolean => (pro === 0x0800 || pro === 0xcc) && pln === 4;

function protoColumn(op: number): string {
  if (op === OP.RREQUEST || op === OP.RREPLY) return 'RARP';
  if (op >= OP.DRARP_REQUEST && op <= OP.DRARP_ERROR) return 'DRARP';
  if (op === OP.IREQUEST || op === OP.IREPLY) return 'Inverse ARP';
  if (op >= OP.MARS_REQUEST && op <= OP.MARS_REDIRECT_MAP) return 'MARS';
  if (op === OP.MAPOS_UNARP) return 'MAPOS';
  return 'ARP';
}

/** True when `length` (> 0) bytes at `a` and at `b` are captured and equal (tvb_memeql's test). */
function sameBytes(tvb: Tvb, a: number, b: number, length: number): boolean {
  if (length === 0 || !tvb.has(a, length) || !tvb.has(b, length)) return false;
  for (let i = 0; i < length; i++) if (tvb.bytes[a + i] !== tvb.bytes[b + i]) return false;
  return true;
}

function allZero(tvb: Tvb, at: number, length: number): boolean {
  if (!tvb.has(at, length)) return false;
  for (let i = at; i < at + length; i++) if (tvb.bytes[i] !== 0) return false;
  return true;
}

export function dissectArp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('arp');
  pinfo.hints |= Hint.Arp;
  // Named ARP and with an empty Info until the opcode is known, so that a short frame shows as
  // a short ARP frame.
  pinfo.setProto('ARP');
  pinfo.currentProto = 'ARP/RARP';
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  const hrd = tvb.u16(o);
  tree.add(F['hw.type'], tvb, o, 2, hrd);
  const pro = tvb.u16(o + 2);
  tree.add(F['proto.type'], tvb, o + 2, 2, pro);
  const hln = tvb.u8(o + 4);
  tree.add(F['hw.size'], tvb, o + 4, 1, hln);
  const pln = tvb.u8(o + 5);
  tree.add(F['proto.size'], tvb, o + 5, 1, pln);
  const op = tvb.u16(o + 6);
  tree.add(F.opcode, tvb, o + 6, 2, op);

  const totLen = HEADER + 2 * hln + 2 * pln;
  // Wireshark shortens the layer to the ARP datagram (the rest is the link layer's padding), and
  // finds it malformed when the datagram is longer than the frame says the layer is.
  if (totLen > tvb.reportedRemaining(o))
    throw new MalformedError('Malformed Packet', o + tvb.reportedRemaining(o));
  tvb.claim(totLen);
  const arp = tvb.sub(o, totLen);
  pinfo.setProto(protoColumn(op));

  const sha = o + HEADER;
  const spa = sha + hln;
  const tha = spa + pln;
  const tpa = tha + hln;
  const isEther = hwIsEther(hrd, hln);
  const isIPv4 = proIsIPv4(pro, pln);
  if ((op === OP.REQUEST || op === OP.REPLY) && isEther && isIPv4) {
    // Wireshark reads both address pairs here (for its address book): they must be captured.
    arp.need(sha, 6 + 4);
    arp.need(tha, 6 + 4);
  }

  let gratuitous = false;
  let probe = false;
  let announcement = false;
  if (op === OP.REQUEST || op === OP.REPLY) {
    arp.need(tpa, pln);
    gratuitous = sameBytes(arp, spa, tpa, pln);
    if (gratuitous) announcement = op === OP.REQUEST && allZero(arp, tha, 6);
    else probe = op === OP.REQUEST && allZero(arp, tha, 6) && arp.u32(spa) === 0;
  }

  const checked =
    (op === OP.REQUEST || op === OP.REPLY) && isEther && isIPv4
      ? checkAddresses(arp, pinfo, sha, spa, op === OP.REPLY ? tha : -1)
      : NOTHING;
  if (pinfo.wantInfo) {
    const info = infoText(
      arp,
      op,
      { hrd, pro, hln, pln, sha, spa, tha, tpa },
      gratuitous,
      probe,
      announcement,
    );
    const dup = checked.infoIp === null ? '' : ` (duplicate use of ${formatIPv4(checked.infoIp)} detected!)`;
    pinfo.setInfo(info + dup);
  }

  if (tree.full) {
    const opName = OPCODES.get(op);
    let what = opName ?? `opcode 0x${op.toString(16).padStart(4, '0')}`;
    if (opName !== undefined) {
      if (gratuitous && op === OP.REQUEST) what = 'request/gratuitous ARP';
      if (gratuitous && op === OP.REPLY) what = 'reply/gratuitous ARP';
      if (probe) what = 'ARP Probe';
      if (announcement) what = 'ARP Announcement';
    }
    tree.label(`Address Resolution Protocol (${what})`);
  }
  if (gratuitous) tree.add(F.isgratuitous, arp, o, 0, true);
  if (probe) tree.add(F.isprobe, arp, o, 0, true);
  if (announcement) tree.add(F.isannouncement, arp, o, 0, true);
  if (hln !== 0) addBytes(arp, sha, hln, tree, isEther ? F['src.hw_mac'] : F['src.hw']);
  if (pln !== 0) addProto(arp, spa, pln, tree, isIPv4 ? F['src.proto_ipv4'] : F['src.proto']);
  if (hln !== 0) addBytes(arp, tha, hln, tree, isEther ? F['dst.hw_mac'] : F['dst.hw']);
  if (pln !== 0) {
    if (op === OP.DRARP_ERROR) tree.add(F['dst.drarp_error_status'], arp, tpa, 1, arp.u8(tpa));
    else addProto(arp, tpa, pln, tree, isIPv4 ? F['dst.proto_ipv4'] : F['dst.proto']);
  }
  tree.pop(totLen);
  for (const d of checked.duplicates) addDuplicate(arp, pinfo, tree, d, o);
  return totLen;
}

/**
 * Checks the sender pair and, in a reply (`tha` >= 0) that is not gratuitous, the target pair. As
 * tshark 4.0, Info names the duplicate only when the last pair checked is one (so a reply whose
 * sender alone is a duplicate shows it in the tree, not in Info); checked on crafted sequences.
 */
function checkAddresses(tvb: Tvb, pinfo: PacketInfo, sha: number, spa: number, tha: number): Checked {
  const st = arpState(pinfo.state);
  const frame = pinfo.meta.number;
  if (!firstPass(pinfo.state, pinfo)) return st.checked.get(frame) ?? NOTHING;
  const senderIp = readIPv4(tvb.bytes, spa);
  const targetIp = tha >= 0 ? readIPv4(tvb.bytes, tha + 6) : senderIp;
  const sender = claim(st, pinfo, tvb, sha, senderIp);
  // A gratuitous reply (target address = sender address) has its sender pair checked only.
  const checksTarget = targetIp !== senderIp;
  const target = checksTarget ? claim(st, pinfo, tvb, tha, targetIp) : null;
  const last = checksTarget ? target : sender;
  const duplicates = [sender, target].filter((d): d is Duplicate => d !== null);
  if (duplicates.length === 0) return NOTHING;
  const checked = { duplicates, infoIp: last ? last.ip : null };
  st.checked.set(frame, checked);
  return checked;
}

function claim(st: ArpState, pinfo: PacketInfo, tvb: Tvb, macAt: number, ip: number): Duplicate | null {
  // A group (multicast) or all-zero MAC, or the address 0.0.0.0 (a probe), neither holds an
  // address nor makes a duplicate (as tshark).
  if (ip === 0 || ((tvb.bytes[macAt] as number) & 1) !== 0 || allZero(tvb, macAt, 6)) return null;
  const mac = formatMac(tvb.bytes, macAt);
  const holder = st.holders.get(ip);
  const { number: frame, tsSec: sec } = pinfo.meta;
  if (!holder) st.holders.set(ip, { mac, frame, sec });
  else if (holder.mac === mac) {
    holder.frame = frame;
    holder.sec = sec;
  } else return { ip, mac, holder: { ...holder } };
  return null;
}

/** The top-level note Wireshark adds after the ARP tree, with the expert item under it. */
function addDuplicate(tvb: Tvb, pinfo: PacketInfo, tree: Tree, d: Duplicate, o: number): void {
  const ip = formatIPv4(d.ip);
  tree.push(F['duplicate-address'], tvb, o, 0);
  if (tree.full)
    tree.label(
      `[Duplicate IP address detected for ${ip} (${d.mac}) - also in use by ${d.holder.mac} (frame ${d.holder.frame})]`,
    );
  tree.push(F['duplicate-address-frame'], tvb, o, 0, d.holder.frame);
  if (tree.full) tree.label(`[Frame showing earlier use of IP address: ${d.holder.frame}]`);
  tree.add(F['duplicate-address-detected'], tvb, o, 0, 1);
  expert(pinfo, tree, tvb, o, 0, 'Warning', 'Sequence', `Duplicate IP address configured (${ip})`);
  tree.pop();
  const seconds = Math.floor(pinfo.meta.tsSec) - Math.floor(d.holder.sec);
  tree.add(F['seconds-since-duplicate-address-frame'], tvb, o, 0, seconds);
  if (tree.full) tree.labelLast(`[Seconds since earlier frame seen: ${seconds}]`);
  tree.pop();
}

function addBytes(tvb: Tvb, at: number, length: number, tree: Tree, def: (typeof F)['src.hw']): void {
  tvb.need(at, length);
  tree.add(def, tvb, at, length);
}

function addProto(tvb: Tvb, at: number, length: number, tree: Tree, def: (typeof F)['src.proto']): void {
  if (def.type === FieldType.IPv4) tree.add(def, tvb, at, 4, tvb.u32(at));
  else addBytes(tvb, at, length, tree, def);
}

interface Layout {
  hrd: number;
  pro: number;
  hln: number;
  pln: number;
  sha: number;
  spa: number;
  tha: number;
  tpa: number;
}

/** A protocol address as Wireshark's Info shows it: dotted IPv4, else plain hex. */
function protoAddr(tvb: Tvb, at: number, l: Layout): string {
  if (l.pln === 0) return '<No address>';
  tvb.need(at, l.pln);
  return proIsIPv4(l.pro, l.pln) ? formatIPv4(readIPv4(tvb.bytes, at)) : formatHex(tvb.bytes, at, l.pln);
}

/** A hardware address as Wireshark's Info shows it: a MAC with colons, else plain hex. */
function hwAddr(tvb: Tvb, at: number, l: Layout): string {
  if (l.hln === 0) return '<No address>';
  tvb.need(at, l.hln);
  return hwIsEther(l.hrd, l.hln) ? formatMac(tvb.bytes, at) : formatHex(tvb.bytes, at, l.hln);
}

function infoText(
  tvb: Tvb,
  op: number,
  l: Layout,
  gratuitous: boolean,
  probe: boolean,
  announcement: boolean,
): string {
  switch (op) {
    case OP.REQUEST:
      if (announcement) return `ARP Announcement for ${protoAddr(tvb, l.tpa, l)}`;
      if (gratuitous) return `Gratuitous ARP for ${protoAddr(tvb, l.tpa, l)} (Request)`;
      if (probe) return `Who has ${protoAddr(tvb, l.tpa, l)}? (ARP Probe)`;
      return `Who has ${protoAddr(tvb, l.tpa, l)}? Tell ${protoAddr(tvb, l.spa, l)}`;
    case OP.REPLY:
      if (gratuitous) return `Gratuitous ARP for ${protoAddr(tvb, l.spa, l)} (Reply)`;
      return `${protoAddr(tvb, l.spa, l)} is at ${hwAddr(tvb, l.sha, l)}`;
    case OP.RREQUEST:
    case OP.IREQUEST:
    case OP.DRARP_REQUEST:
      return `Who is ${hwAddr(tvb, l.tha, l)}? Tell ${hwAddr(tvb, l.sha, l)}`;
    case OP.RREPLY:
    case OP.DRARP_REPLY:
      return `${hwAddr(tvb, l.tha, l)} is at ${protoAddr(tvb, l.tpa, l)}`;
    case OP.DRARP_ERROR:
      return 'DRARP Error';
    case OP.IREPLY:
      return `${hwAddr(tvb, l.sha, l)} is at ${protoAddr(tvb, l.spa, l)}`;
    case OP.ATMARP_NAK:
      return 'ARP NAK';
    case OP.EXP1:
      return `Experimental 1 ( opcode ${op} )`;
    case OP.EXP2:
      return `Experimental 2 ( opcode ${op} )`;
    case 0:
    case 65535:
      return `Reserved opcode ${op}`;
    default: {
      const mars = MARS_TEXTS.get(op);
      if (mars !== undefined) return `${mars} from ${hwAddr(tvb, l.sha, l)} at ${protoAddr(tvb, l.spa, l)}`;
      return `Unknown ARP opcode 0x${op.toString(16).padStart(4, '0')}`;
    }
  }
}

export const arpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('etherType', 0x0806, dissectArp);
    reg.register('etherType', 0x8035, dissectArp);
  },
};
