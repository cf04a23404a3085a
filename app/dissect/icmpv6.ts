// Internet Control Message Protocol for IPv6 (RFC 4443): errors quoting the packet, echo, neighbour
// discovery with its options (RFC 4861, 4191, 8106, 6275), MLDv1 and MLDv2 (RFC 2710, 3810).
import { dissectData } from './data.ts';
import { bitPicture } from './field-text.ts';
import {
  bool,
  bytes,
  ether,
  fields,
  hex,
  ipv4,
  ipv6,
  names,
  proto,
  str,
  text,
  uint,
  FieldType,
} from './field.ts';
import { addIcmpChecksum, echoTransaction, onesAdd, type EchoFields } from './icmp.ts';
import { dissectQuoted, expert, ipLayer, onesSum } from './ip-proto.ts';
import { Hint, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { NULL_TREE, type Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { formatIPv6, formatMac, hexByte } from '../format/address.ts';

const TYPE_NAMES = names({
  1: 'Destination Unreachable',
  2: 'Packet Too Big',
  3: 'Time Exceeded',
  4: 'Parameter Problem',
  100: 'Private experimentation',
  101: 'Private experimentation',
  127: 'Reserved for expansion of ICMPv6 error messages',
  128: 'Echo (ping) request',
  129: 'Echo (ping) reply',
  130: 'Multicast Listener Query',
  131: 'Multicast Listener Report',
  132: 'Multicast Listener Done',
  133: 'Router Solicitation',
  134: 'Router Advertisement',
  135: 'Neighbor Solicitation',
  136: 'Neighbor Advertisement',
  137: 'Redirect',
  138: 'Router Renumbering',
  139: 'Node Information Query',
  140: 'Node Information Reply',
  141: 'Inverse Neighbor Discovery Solicitation',
  142: 'Inverse Neighbor Discovery Advertisement',
  143: 'Multicast Listener Report Message v2',
  144: 'Home Agent Address Discovery Request',
  145: 'Home Agent Address Discovery Reply',
  146: 'Mobile Prefix Solicitation',
  147: 'Mobile Prefix Advertisement',
  148: 'Certification Path Solicitation',
  149: 'Certification Path Advertisement',
  150: 'Experimental Mobility',
  151: 'Multicast Router Advertisement',
  152: 'Multicast Router Solicitation',
  153: 'Multicast Router Termination',
  154: 'FMIPv6',
  155: 'RPL Control',
  156: 'Locator Update',
  157: 'Duplicate Address Request',
  158: 'Duplicate Address Confirmation',
  159: 'MPL Control Message',
  160: 'Extended Echo request',
  161: 'Extended Echo reply',
  200: 'Private experimentation',
  201: 'Private experimentation',
  255: 'Reserved for expansion of ICMPv6 informational messages',
});

const CODE_NAMES = new Map<number, ReadonlyMap<number, string>>([
  [
    1,
    names({
      0: 'no route to destination',
      1: 'Administratively prohibited',
      2: 'Beyond scope of source address',
      3: 'Address unreachable',
      4: 'Port unreachable',
      5: 'Source address failed ingress/egress policy',
      6: 'Reject route to destination',
      7: 'Error in Source Routing Header',
    }),
  ],
  [3, names({ 0: 'hop limit exceeded in transit', 1: 'fragment reassembly time exceeded' })],
  [
    4,
    names({
      0: 'erroneous header field encountered',
      1: 'unrecognized Next Header type encountered',
      2: 'unrecognized IPv6 option encountered',
      3: 'IPv6 First Fragment has incomplete IPv6 Header Chain',
    }),
  ],
  [138, names({ 0: 'Command', 1: 'Result', 255: 'Sequence number reset' })],
  [
    139,
    names({
      0: 'Query subject = IPv6 addresses',
      1: 'Query subject = DNS name or empty',
      2: 'Query subject = IPv4 addresses',
    }),
  ],
  [140, names({ 0: 'Successful', 1: 'Refused', 2: 'Unknown query type' })],
  [
    155,
    names({
      0: 'DODAG Information Solicitation',
      1: 'DODAG Information Object',
      2: 'Destination Advertisement Object',
      3: 'Destination Advertisement Object Acknowledgment',
      0x80: 'Secure DODAG Information Solicitation',
      0x81: 'Secure DODAG Information Object',
      0x82: 'Secure Destination Advertisement Object',
      0x83: 'Secure Destination Advertisement Object Acknowledgment',
      0x8a: 'Consistency Check',
    }),
  ],
]);

const OPT_NAMES = names({
  1: 'Source link-layer address',
  2: 'Target link-layer address',
  3: 'Prefix information',
  4: 'Redirected header',
  5: 'MTU',
  6: 'NBMA Shortcut Limit Option',
  7: 'Advertisement Interval',
  8: 'Home Agent Information',
  9: 'Source Address List',
  10: 'Target Address List',
  11: 'CGA',
  12: 'RSA Signature',
  13: 'Timestamp',
  14: 'Nonce',
  15: 'Trust Anchor',
  16: 'Certificate',
  17: 'IP Address/Prefix Option',
  18: 'New Router Prefix Information',
  19: 'Link-layer Address',
  20: 'Neighbor Advertisement Acknowledgment',
  23: 'MAP',
  24: 'Route Information',
  25: 'Recursive DNS Server',
  26: 'RA Flags Extension',
  27: 'Handover Key Request',
  28: 'Handover Key Reply',
  29: 'Handover Assist Information',
  30: 'Mobile Node Identifier Option',
  31: 'DNS Search List Option',
  32: 'Proxy Signature (PS)',
  33: 'Address Registration Option',
  34: '6LoWPAN Context Option',
  35: 'Authoritative Border Router',
  36: '6LoWPAN Capability Indication Option',
  37: 'DHCP Captive-Portal',
  38: 'PREF64 Option',
  138: 'CARD Request',
  139: 'CARD Reply',
  253: 'RFC3692-style Experiment 1',
  254: 'RFC3692-style Experiment 2',
});

const NI_QTYPES = names({
  0: 'NOOP',
  1: 'Unused',
  2: 'Node Name',
  3: 'Node addresses',
  4: 'IPv4 node addresses',
});
const PREF64_PLC = names({
  0: '96 bits prefix length',
  1: '64 bits prefix length',
  2: '56 bits prefix length',
  3: '48 bits prefix length',
  4: '40 bits prefix length',
  5: '32 bits prefix length',
});
const ROUTER_PREF = names({ 0: 'Medium', 1: 'High', 2: 'Reserved', 3: 'Low' });
const MLDR_TYPES = names({
  1: 'Include',
  2: 'Exclude',
  3: 'Changed to include',
  4: 'Changed to exclude',
  5: 'Allow new sources',
  6: 'Block old sources',
});
const CHECKSUM_STATUS = names({ 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' });
const TF_TRUE = ['True', 'False'] as const;

export const F = fields('icmpv6', {
  '': proto('Internet Control Message Protocol v6'),
  type: uint('Type', 8, { strings: TYPE_NAMES }),
  code: uint('Code', 8),
  checksum: hex('Checksum', 16),
  'checksum.status': uint('Checksum Status', 8, { strings: CHECKSUM_STATUS, generated: true }),
  reserved: bytes('Reserved'),
  data: bytes('Data'),
  mtu: uint('MTU', 32),
  pointer: uint('Pointer', 32),
  'echo.identifier': hex('Identifier', 16),
  'echo.sequence_number': uint('Sequence', 16),
  'nd.ra.cur_hop_limit': uint('Cur hop limit', 8),
  'nd.ra.flag': hex('Flags', 8),
  'nd.ra.flag.m': bool('Managed address configuration', 8, 0x80),
  'nd.ra.flag.o': bool('Other configuration', 8, 0x40),
  'nd.ra.flag.h': bool('Home Agent', 8, 0x20),
  'nd.ra.flag.prf': uint('Prf (Default Router Preference)', 8, { mask: 0x18, strings: ROUTER_PREF }),
  'nd.ra.flag.p': bool('Proxy', 8, 0x04),
  'nd.ra.flag.rsv': uint('Reserved', 8, { mask: 0x03 }),
  'nd.ra.router_lifetime': uint('Router lifetime (s)', 16),
  'nd.ra.reachable_time': uint('Reachable time (ms)', 32),
  'nd.ra.retrans_timer': uint('Retrans timer (ms)', 32),
  'nd.ns.target_address': ipv6('Target Address'),
  'nd.na.flag': hex('Flags', 32),
  'nd.na.flag.r': bool('Router', 32, 0x80000000),
  'nd.na.flag.s': bool('Solicited', 32, 0x40000000),
  'nd.na.flag.o': bool('Override', 32, 0x20000000),
  'nd.na.flag.rsv': uint('Reserved', 32, { mask: 0x1fffffff }),
  'nd.na.target_address': ipv6('Target Address'),
  'nd.rd.target_address': ipv6('Target Address'),
  'rd.na.destination_address': ipv6('Destination Address'),
  opt: text('ICMPv6 Option'),
  'opt.type': uint('Type', 8, { strings: OPT_NAMES }),
  'opt.length': uint('Length', 8),
  'opt.reserved': text('Reserved'),
  'opt.padding': text('Padding'),
  'opt.linkaddr': ether('Link-layer address'),
  'opt.src_linkaddr': { ...ether('Source Link-layer address'), hidden: true },
  'opt.target_linkaddr': { ...ether('Target Link-layer address'), hidden: true },
  'opt.linkaddr_bytes': bytes('Link-layer address'),
  'opt.prefix.length': uint('Prefix Length', 8),
  'opt.prefix.flag': hex('Flag', 8),
  'opt.prefix.flag.l': bool('On-link flag(L)', 8, 0x80),
  'opt.prefix.flag.a': bool('Autonomous address-configuration flag(A)', 8, 0x40),
  'opt.prefix.flag.r': bool('Router address flag(R)', 8, 0x20),
  'opt.prefix.flag.reserved': uint('Reserved', 8, { mask: 0x1f }),
  'opt.prefix.valid_lifetime': uint('Valid Lifetime', 32),
  'opt.prefix.preferred_lifetime': uint('Preferred Lifetime', 32),
  'opt.prefix': ipv6('Prefix'),
  'opt.redirected_packet': text('Redirected Packet'),
  'opt.mtu': uint('MTU', 32),
  'opt.nbma.shortcut_limit': uint('Shortcut Limit', 8),
  'opt.advertisement_interval': uint('Advertisement Interval', 32),
  'opt.home_agent_preference': uint('Home Agent Preference', 16),
  'opt.home_agent_lifetime': uint('Home Agent Preference', 16),
  'opt.ipv6_address': ipv6('IPv6 Address'),
  'opt.route_info.flag': hex('Flag', 8),
  'opt.route_info.flag.route_preference': uint('Route Preference', 8, { mask: 0x18, strings: ROUTER_PREF }),
  'opt.route_info.flag.reserved': uint('Reserved', 8, { mask: 0xe7 }),
  'opt.route_lifetime': uint('Route Lifetime', 32),
  'opt.rdnss.lifetime': uint('Lifetime', 32),
  'opt.rdnss': ipv6('Recursive DNS Servers'),
  'opt.dnssl.lifetime': uint('Lifetime', 32),
  'opt.dnssl': str('Domain Names'),
  'opt.unknown_data': bytes('Data'),
  'opt.nonce': bytes('Nonce'),
  'opt.efo': hex('Flags Expansion Option', 16),
  'opt.efo.m': bool('Managed address configuration', 16, 0x8000),
  'opt.efo.o': bool('Other configuration', 16, 0x4000),
  'opt.efo.h': bool('Home Agent', 16, 0x2000),
  'opt.efo.prf': uint('Prf (Default Router Preference)', 16, { mask: 0x1800, strings: ROUTER_PREF }),
  'opt.efo.p': bool('Proxy', 16, 0x0400),
  'opt.efo.rsv': uint('Reserved', 16, { mask: 0x02ff }),
  'opt.pref64.scaled_lifetime': uint('Scaled Lifetime', 16, { mask: 0xfff8 }),
  'opt.pref64.plc': uint('PLC (Prefix Length Code)', 16, { mask: 0x0007 }),
  'opt.pref64.prefix': bytes('Prefix'),
  'mld.maximum_response_delay': uint('Maximum Response Delay [ms]', 16),
  'mld.multicast_address': ipv6('Multicast Address'),
  'mld.maximum_response_code': uint('Maximum Response Code', 16),
  'mld.flag': hex('Flags', 8),
  'mld.flag.s': bool('Suppress Router-Side Processing', 8, 0x08, { tf: TF_TRUE }),
  'mld.flag.qrv': uint("QRV (Querier's Robustness Variable)", 8, { mask: 0x07 }),
  'mld.flag.reserved': uint('Reserved', 8, { mask: 0xf0 }),
  'mld.qqi': uint("QQIC (Querier's Query Interval Code)", 8),
  'mld.nb_sources': uint('Number of Sources', 16),
  'mld.source_address': ipv6('Source Address'),
  'mldr.nb_mcast_records': uint('Number of Multicast Address Records', 16),
  'mldr.mar': text('Multicast Address Record'),
  'mldr.mar.record_type': uint('Record Type', 8, { strings: MLDR_TYPES }),
  'mldr.mar.aux_data_len': uint('Aux Data Len', 8),
  'mldr.mar.nb_sources': uint('Number of Sources', 16),
  'mldr.mar.multicast_address': ipv6('Multicast Address'),
  'mldr.mar.source_address': ipv6('Source Address'),
  'mldr.mar.auxiliary_data': bytes('Auxiliary Data'),
  'ni.qtype': uint('Qtype', 16, { strings: NI_QTYPES }),
  'ni.flag': hex('Flags', 16),
  'ni.flag.g': bool('Global-scope addresses', 16, 0x0020),
  'ni.flag.s': bool('Site-local addresses', 16, 0x0010),
  'ni.flag.l': bool('Link-local addresses', 16, 0x0008),
  'ni.flag.c': bool('Compression', 16, 0x0004),
  'ni.flag.a': bool('Unicast Addresses', 16, 0x0002, {
    tf: ['All unicast address', 'Unicast addresses on the queried interface'],
  }),
  'ni.flag.t': bool('Truncated', 16, 0x0001),
  'ni.flag.rsv': hex('Reserved', 16, { mask: 0xffc0 }),
  'ni.nonce': hex('Nonce', 64),
  'ni.query.subject_ipv6': ipv6('IPv6 subject address'),
  'ni.query.subject_fqdn': str('FQDN subject'),
  'ni.query.subject_ipv4': ipv4('IPv4 subject address'),
  'ni.reply.node_ttl': uint('TTL', 32),
  'ni.reply.node_name': str('Name Node'),
  'ni.reply.node_address': ipv6('IPv6 Node address'),
  'ni.reply.ipv4_address': ipv4('IPv4 Node address'),
  resp_in: { name: 'Response In', type: FieldType.FrameNum, generated: true },
  no_resp: { ...text('No response seen'), generated: true },
  resp_to: { name: 'Response To', type: FieldType.FrameNum, generated: true },
  resptime: { name: 'Response Time', type: FieldType.Float, generated: true },
});

const ECHO: EchoFields = {
  resp_in: F.resp_in,
  resp_to: F.resp_to,
  resptime: F.resptime,
  no_resp: F.no_resp,
  proto: 'ICMPv6',
  slot: 'icmpv6.echo',
};

/** Sum of the IPv6 pseudo-header (addresses, upper-layer length, next header 58). */
function pseudoHeaderSum(length: number): number {
  const l = ipLayer;
  let sum = onesSum(l.bytes, l.src, 16);
  sum = onesSum(l.bytes, l.dst, 16, sum);
  sum += (length >>> 16) + (length & 0xffff) + 58;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

function appendInfo(pinfo: PacketInfo, text: string): void {
  if (pinfo.wantInfo) pinfo.setInfo(pinfo.info + text);
}

/** Echo request (128) or reply (129): identifier, sequence, the transaction, then the data. */
function echo(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  type: number,
  sum: number,
  hlim: number,
): void {
  const id = tvb.u16(o + 4);
  const seq = tvb.u16(o + 6);
  tree.add(F['echo.identifier'], tvb, o + 4, 2, id);
  tree.add(F['echo.sequence_number'], tvb, o + 6, 2, seq);
  appendInfo(pinfo, ` id=0x${id.toString(16).padStart(4, '0')}, seq=${seq}, hop limit=${hlim}`);
  if (!pinfo.inError) {
    // A request's checksum is the reply's plus 0x0100 (the type byte changes from 129 to 128).
    let check = sum;
    if (type === 129) {
      check = onesAdd(sum, 0x0100);
      if (check === 0) check = 0xffff;
    }
    echoTransaction(tvb, pinfo, tree, o, type === 128, check, ECHO);
  }
  dissectData(tvb.sub(o + 8), pinfo, tree);
}

/** MLD query (130), report (131) and done (132); a query of 28 bytes or more is MLDv2's. */
function mld(tvb: Tvb, tree: Tree, p: number, type: number, captured: number): void {
  if (type === 130 && captured >= 28) {
    mldv2Query(tvb, p, tree);
    return;
  }
  tree.add(F['mld.maximum_response_delay'], tvb, p, 2, tvb.u16(p));
  tree.add(F.reserved, tvb, p + 2, 2);
  tree.add(F['mld.multicast_address'], tvb, p + 4, 16);
}

function neighborSolicitation(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number, end: number): void {
  tree.add(F.reserved, tvb, p, 4);
  tvb.need(p + 4, 16);
  tree.add(F['nd.ns.target_address'], tvb, p + 4, 16);
  appendInfo(pinfo, ` for ${formatIPv6(tvb.bytes, p + 4)}`);
  ndOptions(tvb, p + 20, end, pinfo, tree);
}

function neighborAdvertisement(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number, end: number): void {
  const flags = tvb.u32(p);
  tree.push(F['nd.na.flag'], tvb, p, 4, flags);
  const set: string[] = [];
  const short: string[] = [];
  for (const [k, abbr] of [
    ['r', 'rtr'],
    ['s', 'sol'],
    ['o', 'ovr'],
  ] as const) {
    const def = F[`nd.na.flag.${k}`];
    const on = (flags & (def.mask as number)) !== 0;
    tree.add(def, tvb, p, 4, on);
    if (on) {
      set.push(def.name);
      short.push(abbr);
    }
  }
  tree.add(F['nd.na.flag.rsv'], tvb, p, 4, flags & 0x1fffffff);
  tree.pop(
    undefined,
    `Flags: 0x${(flags >>> 0).toString(16).padStart(8, '0')}${set.map((s) => `, ${s}`).join('')}`,
  );
  tvb.need(p + 4, 16);
  tree.add(F['nd.na.target_address'], tvb, p + 4, 16);
  appendInfo(pinfo, ` ${formatIPv6(tvb.bytes, p + 4)} (${short.length ? short.join(', ') : 'none'})`);
  ndOptions(tvb, p + 20, end, pinfo, tree);
}

function redirect(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number, end: number): void {
  tree.add(F.reserved, tvb, p, 4);
  tvb.need(p + 4, 32);
  tree.add(F['nd.rd.target_address'], tvb, p + 4, 16);
  tree.add(F['rd.na.destination_address'], tvb, p + 20, 16);
  ndOptions(tvb, p + 36, end, pinfo, tree);
}

/** A message of 4 reserved bytes, then neighbor discovery options. */
function reservedThenOptions(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number, end: number): void {
  tree.add(F.reserved, tvb, p, 4);
  ndOptions(tvb, p + 4, end, pinfo, tree);
}

/** The message after its type, code and checksum (from `p`), as the type has it; not echo. */
function messageBody(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  type: number,
  code: number,
  p: number,
  end: number,
  captured: number,
): void {
  switch (type) {
    case 1:
    case 3:
      tree.add(F.reserved, tvb, p, 4);
      return quote(tvb, p + 4, pinfo, tree);
    case 2:
      tree.add(F.mtu, tvb, p, 4, tvb.u32(p));
      return quote(tvb, p + 4, pinfo, tree);
    case 4:
      tree.add(F.pointer, tvb, p, 4, tvb.u32(p));
      return quote(tvb, p + 4, pinfo, tree);
    case 130:
    case 131:
    case 132:
      return mld(tvb, tree, p, type, captured);
    case 134:
      routerAdvertisement(tvb, p, tree);
      return ndOptions(tvb, p + 12, end, pinfo, tree);
    case 135:
      return neighborSolicitation(tvb, pinfo, tree, p, end);
    case 136:
      return neighborAdvertisement(tvb, pinfo, tree, p, end);
    case 137:
      return redirect(tvb, pinfo, tree, p, end);
    case 133:
    case 141:
    case 142:
      return reservedThenOptions(tvb, pinfo, tree, p, end);
    case 143:
      return mldv2Report(tvb, p, tree);
    case 139:
    case 140:
      return nodeInformation(tvb, tree, type, code, p, end);
    case 151:
    case 152:
    case 153:
      return;
    default:
      if (captured > 4) tree.add(F.data, tvb, p, captured - 4);
      return;
  }
}

export function dissectICMPv6(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  // As tshark: the layer and its column before the first read, so a header cut short shows them.
  pinfo.layers.push('icmpv6');
  pinfo.setProto('ICMPv6');
  const type = tvb.u8(o);
  const code = tvb.u8(o + 1);
  pinfo.hints |= Hint.Icmp;
  const isError = type < 128;
  if (isError) pinfo.hints |= Hint.IcmpError;
  const hlim = ipLayer.ttl;
  const fragmented = ipLayer.fragmented;
  const captured = tvb.remaining(o);
  const reported = tvb.reportedRemaining(o);
  const codes = CODE_NAMES.get(type);
  const codeText = codes ? (codes.get(code) ?? (type === 1 ? 'Unknown' : `Unknown (${code})`)) : null;
  if (pinfo.wantInfo) {
    const name = TYPE_NAMES.get(type) ?? `Unknown (${type})`;
    pinfo.setInfo(codeText !== null ? `${name} (${codeText})` : name);
  }

  tree.push(F[''], tvb, o, captured);
  tree.add(F.type, tvb, o, 1, type);
  tree.add(F.code, tvb, o + 1, 1, code);
  if (tree.full && codeText !== null) tree.labelLast(`Code: ${code} (${codeText})`);
  const sum = tvb.u16(o + 2);
  if (tree !== NULL_TREE) {
    const pseudo = (): number => pseudoHeaderSum(reported);
    addIcmpChecksum(F, tvb, pinfo, tree, o, sum, captured, reported, fragmented, pseudo);
  }
  if (type === 128 || type === 129) echo(tvb, pinfo, tree, o, type, sum, hlim);
  else messageBody(tvb, pinfo, tree, type, code, o + 4, o + reported, captured);
  tree.pop();
  return reported;
}

/** The packet an error quotes: IPv6 when it looks like it, else data. */
function quote(tvb: Tvb, at: number, pinfo: PacketInfo, tree: Tree): void {
  if (tvb.remaining(at) <= 0) return;
  const inner = tvb.sub(at);
  const ip6 = pinfo.registry.tables.etherType.get(0x86dd);
  if ((tvb.u8(at) & 0xf0) === 0x60 && ip6) dissectQuoted(ip6, inner, pinfo, tree);
  else dissectData(inner, pinfo, tree);
}

function routerAdvertisement(tvb: Tvb, p: number, tree: Tree): void {
  tree.add(F['nd.ra.cur_hop_limit'], tvb, p, 1, tvb.u8(p));
  const flags = tvb.u8(p + 1);
  tree.push(F['nd.ra.flag'], tvb, p + 1, 1, flags);
  let label = `Flags: 0x${hexByte(flags)}`;
  for (const k of ['m', 'o', 'h'] as const) {
    const def = F[`nd.ra.flag.${k}`];
    const on = (flags & (def.mask as number)) !== 0;
    tree.add(def, tvb, p + 1, 1, on);
    if (on) label += `, ${def.name}`;
  }
  const prf = (flags >> 3) & 3;
  tree.add(F['nd.ra.flag.prf'], tvb, p + 1, 1, prf);
  label += `, Prf (Default Router Preference): ${ROUTER_PREF.get(prf) ?? 'Unknown'}`;
  tree.add(F['nd.ra.flag.p'], tvb, p + 1, 1, (flags & 4) !== 0);
  if (flags & 4) label += ', Proxy';
  tree.add(F['nd.ra.flag.rsv'], tvb, p + 1, 1, flags & 3);
  tree.pop(undefined, label);
  tree.add(F['nd.ra.router_lifetime'], tvb, p + 2, 2, tvb.u16(p + 2));
  tree.add(F['nd.ra.reachable_time'], tvb, p + 4, 4, tvb.u32(p + 4));
  tree.add(F['nd.ra.retrans_timer'], tvb, p + 8, 4, tvb.u32(p + 8));
}

/**
 * A lifetime field, all ones shown as `Infinity (4294967295)`; `zeroText` names a zero lifetime
 * (RDNSS and DNSSL say what it means).
 */
function addLifetime(
  tvb: Tvb,
  p: number,
  def: (typeof F)['opt.prefix.valid_lifetime'],
  tree: Tree,
  zeroText?: string,
): void {
  const v = tvb.u32(p);
  tree.add(def, tvb, p, 4, v);
  if (!tree.full) return;
  if (v === 0xffffffff) tree.labelLast(`${def.name}: Infinity (${v})`);
  else if (v === 0 && zeroText) tree.labelLast(`${def.name}: ${zeroText} (0)`);
}

/** Neighbour discovery options: one subtree each, "ICMPv6 Option (Name : value)". */
/** Source (1) or Target (2) Link-layer Address; the text for the option's label. */
function linkAddressOpt(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  type: number,
  d: number,
  len: number,
): string {
  if (len !== 8) {
    tvb.need(d, len - 2);
    tree.add(F['opt.linkaddr_bytes'], tvb, d, len - 2);
    return '';
  }
  tree.add(F['opt.linkaddr'], tvb, d, 6);
  tree.add(type === 1 ? F['opt.src_linkaddr'] : F['opt.target_linkaddr'], tvb, d, 6);
  tvb.need(d, 6);
  const mac = formatMac(tvb.bytes, d);
  if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info}${type === 1 ? ' from' : ' is at'} ${mac}`);
  return ` : ${mac}`;
}

/** Prefix Information (3); the text for the option's label. */
function prefixInformationOpt(tvb: Tvb, tree: Tree, d: number): string {
  const prefixLen = tvb.u8(d);
  tree.add(F['opt.prefix.length'], tvb, d, 1, prefixLen);
  const flags = tvb.u8(d + 1);
  tree.push(F['opt.prefix.flag'], tvb, d + 1, 1, flags);
  let flagLabel = `Flag: 0x${hexByte(flags)}`;
  for (const k of ['l', 'a', 'r'] as const) {
    const def = F[`opt.prefix.flag.${k}`];
    const on = (flags & (def.mask as number)) !== 0;
    tree.add(def, tvb, d + 1, 1, on);
    if (on) flagLabel += `, ${def.name}`;
  }
  tree.add(F['opt.prefix.flag.reserved'], tvb, d + 1, 1, flags & 0x1f);
  tree.pop(undefined, flagLabel);
  addLifetime(tvb, d + 2, F['opt.prefix.valid_lifetime'], tree);
  addLifetime(tvb, d + 6, F['opt.prefix.preferred_lifetime'], tree);
  tree.add(F['opt.reserved'], tvb, d + 10, 4);
  tvb.need(d + 14, 16);
  tree.add(F['opt.prefix'], tvb, d + 14, 16);
  return ` : ${formatIPv6(tvb.bytes, d + 14)}/${prefixLen}`;
}

/** Redirected Header (4): the packet it quotes. */
function redirectedHeaderOpt(tvb: Tvb, pinfo: PacketInfo, tree: Tree, d: number, len: number): string {
  tree.add(F['opt.reserved'], tvb, d, 6);
  tree.add(F['opt.redirected_packet'], tvb, d + 6, len - 8);
  const ip6 = pinfo.registry.tables.etherType.get(0x86dd);
  if (ip6 && len > 8) dissectQuoted(ip6, tvb.sub(d + 6, len - 8), pinfo, tree);
  return '';
}

/** MTU (5) and Advertisement Interval (7): reserved bytes and a 32-bit value (`def`). */
function u32Opt(tvb: Tvb, tree: Tree, def: (typeof F)['opt.mtu'], d: number): string {
  tree.add(F['opt.reserved'], tvb, d, 2);
  const v = tvb.u32(d + 2);
  tree.add(def, tvb, d + 2, 4, v);
  return ` : ${v}`;
}

/** IPv6 addresses (`def`) from `a` to the option's end `optEnd`; the text for the option's label. */
function addressesOpt(tvb: Tvb, tree: Tree, def: (typeof F)['opt.rdnss'], a: number, optEnd: number): string {
  let label = '';
  for (; a + 16 <= optEnd; a += 16) {
    tvb.need(a, 16);
    tree.add(def, tvb, a, 16);
    label += ` ${formatIPv6(tvb.bytes, a)}`;
  }
  return label;
}

/** Route Information (24); the text for the option's label. */
function routeInformationOpt(tvb: Tvb, tree: Tree, d: number, len: number): string {
  const prefixLen = tvb.u8(d);
  tree.add(F['opt.prefix.length'], tvb, d, 1, prefixLen);
  const flags = tvb.u8(d + 1);
  tree.push(F['opt.route_info.flag'], tvb, d + 1, 1, flags);
  const pref = (flags >> 3) & 3;
  tree.add(F['opt.route_info.flag.route_preference'], tvb, d + 1, 1, pref);
  tree.add(F['opt.route_info.flag.reserved'], tvb, d + 1, 1, flags & 0xe7);
  const prefText = ROUTER_PREF.get(pref) ?? `Unknown ${pref}`;
  tree.pop(undefined, `Flag: 0x${hexByte(flags)}, Route Preference: ${prefText}`);
  const label = ` : ${prefText}`;
  addLifetime(tvb, d + 2, F['opt.route_lifetime'], tree);
  const bytesLen = len - 8;
  // The prefix is sent with only as many bytes as its length needs (none for ::/0).
  const prefix = new Uint8Array(16);
  if (bytesLen > 0) {
    prefix.set(tvb.slice(d + 6, Math.min(bytesLen, 16)));
    tree.add(F['opt.prefix'], tvb, d + 6, bytesLen);
  }
  return `${label} ${formatIPv6(prefix, 0)}/${prefixLen}`;
}

/** RA Flags Extension (26): the router advertisement's flags widened to 16 bits, then reserved. */
function raFlagsExtensionOpt(tvb: Tvb, tree: Tree, d: number): string {
  const flags = tvb.u16(d);
  tree.push(F['opt.efo'], tvb, d, 2, flags);
  let label = `Flags Expansion Option: 0x${flags.toString(16).padStart(4, '0')}`;
  for (const k of ['m', 'o', 'h'] as const) {
    const def = F[`opt.efo.${k}`];
    const on = (flags & (def.mask as number)) !== 0;
    tree.add(def, tvb, d, 2, on);
    if (on) label += `, ${def.name}`;
  }
  const prf = (flags >> 11) & 3;
  tree.add(F['opt.efo.prf'], tvb, d, 2, prf);
  label += `, ${F['opt.efo.prf'].name}: ${ROUTER_PREF.get(prf) ?? 'Unknown'}`;
  tree.add(F['opt.efo.p'], tvb, d, 2, (flags & 0x0400) !== 0);
  if (flags & 0x0400) label += `, ${F['opt.efo.p'].name}`;
  tree.add(F['opt.efo.rsv'], tvb, d, 2, flags & 0x02ff);
  tree.pop(undefined, label);
  tree.add(F['opt.reserved'], tvb, d + 2, 4);
  return '';
}

/** PREF64 (38, RFC 8781): a scaled lifetime, the prefix length code and up to 96 prefix bits. */
function pref64Opt(tvb: Tvb, tree: Tree, d: number): string {
  const word = tvb.u16(d);
  tree.add(F['opt.pref64.scaled_lifetime'], tvb, d, 2, word >> 3);
  tree.add(F['opt.pref64.plc'], tvb, d, 2, word & 7);
  if (tree.full) {
    const plc = PREF64_PLC.get(word & 7) ?? 'Unknown';
    tree.labelLast(
      `${bitPicture(F['opt.pref64.plc'], word & 7)} = PLC (Prefix Length Code): ${plc} (0x${word & 7})`,
    );
  }
  const prefix = new Uint8Array(16);
  prefix.set(tvb.slice(d + 2, 12));
  tree.add(F['opt.pref64.prefix'], tvb, d + 2, 12);
  if (tree.full) tree.labelLast(`Prefix: ${formatIPv6(prefix, 0)}`);
  return '';
}

/** DNS Search List (31): its domains, then padding; the text for the option's label. */
function dnsslOpt(tvb: Tvb, tree: Tree, d: number, optEnd: number): string {
  tree.add(F['opt.reserved'], tvb, d, 2);
  addLifetime(tvb, d + 2, F['opt.dnssl.lifetime'], tree, 'DNSSL domain name MUST no longer be used');
  let label = '';
  let a = d + 6;
  while (a < optEnd && tvb.u8(a) !== 0) {
    const start = a;
    const parts: string[] = [];
    while (a < optEnd) {
      const n = tvb.u8(a);
      a++;
      if (n === 0) break;
      parts.push(tvb.ascii(a, n));
      a += n;
    }
    const domain = parts.join('.');
    tree.add(F['opt.dnssl'], tvb, start, a - start, domain);
    label += ` ${domain}`;
  }
  if (a < optEnd) tree.add(F['opt.padding'], tvb, a, optEnd - a);
  return label;
}

/** The value of option `type` (`len` bytes from `p`, its value at `p + 2`); the text for its label. */
function ndOptionValue(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  type: number,
  p: number,
  len: number,
): string {
  const d = p + 2;
  switch (type) {
    case 1:
    case 2:
      return linkAddressOpt(tvb, pinfo, tree, type, d, len);
    case 3:
      return prefixInformationOpt(tvb, tree, d);
    case 4:
      return redirectedHeaderOpt(tvb, pinfo, tree, d, len);
    case 5:
      return u32Opt(tvb, tree, F['opt.mtu'], d);
    case 7:
      return u32Opt(tvb, tree, F['opt.advertisement_interval'], d);
    case 8:
      tree.add(F['opt.reserved'], tvb, d, 2);
      tree.add(F['opt.home_agent_preference'], tvb, d + 2, 2, tvb.u16(d + 2));
      tree.add(F['opt.home_agent_lifetime'], tvb, d + 4, 2, tvb.u16(d + 4));
      return '';
    case 9:
    case 10:
      tree.add(F['opt.reserved'], tvb, d, 6);
      return addressesOpt(tvb, tree, F['opt.ipv6_address'], d + 6, p + len);
    case 24:
      return routeInformationOpt(tvb, tree, d, len);
    case 25:
      tree.add(F['opt.reserved'], tvb, d, 2);
      addLifetime(tvb, d + 2, F['opt.rdnss.lifetime'], tree, 'RDNSS address MUST no longer be used');
      return addressesOpt(tvb, tree, F['opt.rdnss'], d + 6, p + len);
    case 31:
      return dnsslOpt(tvb, tree, d, p + len);
    case 14:
      tvb.need(d, len - 2);
      tree.add(F['opt.nonce'], tvb, d, len - 2);
      return '';
    case 26:
      return raFlagsExtensionOpt(tvb, tree, d);
    case 38:
      return pref64Opt(tvb, tree, d);
    default:
      tvb.need(d, len - 2);
      if (len > 2) tree.add(F['opt.unknown_data'], tvb, d, len - 2);
      return '';
  }
}

function ndOptions(tvb: Tvb, from: number, end: number, pinfo: PacketInfo, tree: Tree): void {
  let p = from;
  while (p < end) {
    const type = tvb.u8(p);
    const len = tvb.u8(p + 1) * 8;
    const name = OPT_NAMES.get(type) ?? `Unknown ${type}`;
    tree.push(F.opt, tvb, p, Math.min(len, tvb.remaining(p)));
    const label = `ICMPv6 Option (${name}`;
    if (tree.full) tree.label(label);
    tree.add(F['opt.type'], tvb, p, 1, type);
    tree.push(F['opt.length'], tvb, p + 1, 1, tvb.u8(p + 1));
    if (tree.full) tree.label(`Length: ${tvb.u8(p + 1)} (${len} bytes)`);
    if (len === 0) {
      expert(pinfo, tree, tvb, p + 1, 1, 'Error', 'Malformed', 'Invalid option length (Zero)');
      tree.pop();
      tree.pop();
      return;
    }
    tree.pop();
    tree.pop(undefined, `${label}${ndOptionValue(tvb, pinfo, tree, type, p, len)})`);
    p += len;
  }
}

/** Node Information query (139) or reply (140, RFC 4620): qtype, flags, nonce, then the data. */
function nodeInformation(tvb: Tvb, tree: Tree, type: number, code: number, p: number, end: number): void {
  const qtype = tvb.u16(p);
  tree.add(F['ni.qtype'], tvb, p, 2, qtype);
  niFlags(tvb, tree, p + 2);
  tree.add(F['ni.nonce'], tvb, p + 4, 8, tvb.u64(p + 4));
  const d = p + 12;
  if (d >= end) return;
  if (type === 139) niQuerySubject(tvb, tree, code, d, end);
  else if (code === 0) niReplyData(tvb, tree, qtype, d, end);
}

function niFlags(tvb: Tvb, tree: Tree, at: number): void {
  const flags = tvb.u16(at);
  tree.push(F['ni.flag'], tvb, at, 2, flags);
  let label = `Flags: 0x${flags.toString(16).padStart(4, '0')}`;
  for (const k of ['g', 's', 'l', 'c', 'a', 't'] as const) {
    const def = F[`ni.flag.${k}`];
    const on = (flags & (def.mask as number)) !== 0;
    tree.add(def, tvb, at, 2, on);
    if (on) label += `, ${def.name}`;
  }
  tree.add(F['ni.flag.rsv'], tvb, at, 2, flags >> 6);
  tree.pop(undefined, label);
}

function niQuerySubject(tvb: Tvb, tree: Tree, code: number, d: number, end: number): void {
  if (code === 0) tree.add(F['ni.query.subject_ipv6'], tvb, d, 16);
  else if (code === 2) tree.add(F['ni.query.subject_ipv4'], tvb, d, 4, tvb.u32(d));
  else if (code === 1) {
    const [name, next] = dnsName(tvb, d, end);
    tree.add(F['ni.query.subject_fqdn'], tvb, d, next - d, name);
  }
}

function niReplyData(tvb: Tvb, tree: Tree, qtype: number, d: number, end: number): void {
  if (qtype === 2) {
    tree.add(F['ni.reply.node_ttl'], tvb, d, 4, tvb.u32(d));
    for (let a = d + 4; a < end && tvb.u8(a) !== 0;) {
      const [name, next] = dnsName(tvb, a, end);
      tree.add(F['ni.reply.node_name'], tvb, a, next - a, name);
      a = next;
    }
    return;
  }
  const size = qtype === 3 ? 16 : qtype === 4 ? 4 : 0;
  for (let a = d; size && a + 4 + size <= end; a += 4 + size) {
    tree.add(F['ni.reply.node_ttl'], tvb, a, 4, tvb.u32(a));
    if (size === 16) tree.add(F['ni.reply.node_address'], tvb, a + 4, 16);
    else tree.add(F['ni.reply.ipv4_address'], tvb, a + 4, 4, tvb.u32(a + 4));
  }
}

/** An uncompressed DNS name from `a` (`<Root>` when empty), and where it ends. */
function dnsName(tvb: Tvb, a: number, end: number): [string, number] {
  const parts: string[] = [];
  while (a < end) {
    const n = tvb.u8(a);
    a++;
    if (n === 0) break;
    parts.push(tvb.ascii(a, n));
    a += n;
  }
  return [parts.length ? parts.join('.') : '<Root>', a];
}

function mldv2Query(tvb: Tvb, p: number, tree: Tree): void {
  let mrc = tvb.u16(p);
  if (mrc >= 32768) mrc = ((mrc & 0x0fff) | 0x1000) << (((mrc & 0x7000) >> 12) + 3);
  tree.add(F['mld.maximum_response_code'], tvb, p, 2, mrc);
  tree.add(F.reserved, tvb, p + 2, 2);
  tree.add(F['mld.multicast_address'], tvb, p + 4, 16);
  const flags = tvb.u8(p + 20);
  tree.push(F['mld.flag'], tvb, p + 20, 1, flags);
  tree.add(F['mld.flag.s'], tvb, p + 20, 1, (flags & 8) !== 0);
  tree.add(F['mld.flag.qrv'], tvb, p + 20, 1, flags & 7);
  tree.add(F['mld.flag.reserved'], tvb, p + 20, 1, flags >> 4);
  tree.pop(undefined, `Flags: 0x${hexByte(flags)}${flags & 8 ? `, ${F['mld.flag.s'].name}` : ''}`);
  let qqi = tvb.u8(p + 21);
  if (qqi >= 128) qqi = ((qqi & 0x0f) | 0x10) << (((qqi & 0x70) >> 4) + 3);
  tree.add(F['mld.qqi'], tvb, p + 21, 1, qqi);
  const n = tvb.u16(p + 22);
  tree.add(F['mld.nb_sources'], tvb, p + 22, 2, n);
  for (let i = 0, a = p + 24; i < n; i++, a += 16) {
    tvb.need(a, 16);
    tree.add(F['mld.source_address'], tvb, a, 16);
  }
}

function mldv2Report(tvb: Tvb, p: number, tree: Tree): void {
  tree.add(F.reserved, tvb, p, 2);
  const records = tvb.u16(p + 2);
  tree.add(F['mldr.nb_mcast_records'], tvb, p + 2, 2, records);
  let a = p + 4;
  for (let r = 0; r < records; r++) {
    const type = tvb.u8(a);
    const aux = tvb.u8(a + 1);
    const sources = tvb.u16(a + 2);
    const size = 20 + sources * 16 + aux * 4;
    tvb.need(a + 4, 16);
    tree.push(F['mldr.mar'], tvb, a, size);
    tree.add(F['mldr.mar.record_type'], tvb, a, 1, type);
    tree.add(F['mldr.mar.aux_data_len'], tvb, a + 1, 1, aux);
    tree.add(F['mldr.mar.nb_sources'], tvb, a + 2, 2, sources);
    tree.add(F['mldr.mar.multicast_address'], tvb, a + 4, 16);
    let q = a + 20;
    for (let i = 0; i < sources; i++, q += 16) {
      tvb.need(q, 16);
      tree.add(F['mldr.mar.source_address'], tvb, q, 16);
    }
    if (aux > 0) tree.add(F['mldr.mar.auxiliary_data'], tvb, q, aux * 4);
    tree.pop(
      undefined,
      `Multicast Address Record ${MLDR_TYPES.get(type) ?? `Unknown (${type})`}: ${formatIPv6(tvb.bytes, a + 4)}`,
    );
    a += size;
  }
}

export const icmpv6Module = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('ipProto', 58, dissectICMPv6);
  },
};
