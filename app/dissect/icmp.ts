// Internet Control Message Protocol (RFC 792, 1256, 2002, 4884): messages, checksum, the packet
// quoted by an error, echo request/reply matching, Mobile IP and MPLS extensions.
import { dissectData } from './data.ts';
import { bitPicture } from './field-text.ts';
import {
  absTime,
  bool,
  bytes,
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
  type FieldDef,
} from './field.ts';
import { dissectQuoted, expert, firstPass, ipLayer, onesSum } from './ip-proto.ts';
import { Hint, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { NULL_TREE, type Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { formatAbsoluteUtc, formatDelta } from '../format/time.ts';
import { FrameMap } from './frame-map.ts';

const TYPE_NAMES = names({
  0: 'Echo (ping) reply',
  1: 'Reserved',
  2: 'Reserved',
  3: 'Destination unreachable',
  4: 'Source quench (flow control)',
  5: 'Redirect',
  6: 'Alternate host address',
  8: 'Echo (ping) request',
  9: 'Router advertisement',
  10: 'Router solicitation',
  11: 'Time-to-live exceeded',
  12: 'Parameter problem',
  13: 'Timestamp request',
  14: 'Timestamp reply',
  15: 'Information request',
  16: 'Information reply',
  17: 'Address mask request',
  18: 'Address mask reply',
  19: 'Reserved (for security)',
  30: 'Traceroute',
  31: 'Datagram Conversion Error',
  32: 'Mobile Host Redirect',
  33: 'IPv6 Where-Are-You',
  34: 'IPv6 I-Am-Here',
  35: 'Mobile Registration Request',
  36: 'Mobile Registration Reply',
  37: 'Domain Name Request',
  38: 'Domain Name Reply',
  39: 'SKIP',
  40: 'Photuris',
  41: 'Experimental mobility protocols',
  42: 'Extended Echo request',
  43: 'Extended Echo reply',
});

const CODE_NAMES = new Map<number, ReadonlyMap<number, string>>([
  [
    3,
    names({
      0: 'Network unreachable',
      1: 'Host unreachable',
      2: 'Protocol unreachable',
      3: 'Port unreachable',
      4: 'Fragmentation needed',
      5: 'Source route failed',
      6: 'Destination network unknown',
      7: 'Destination host unknown',
      8: 'Source host isolated',
      9: 'Network administratively prohibited',
      10: 'Host administratively prohibited',
      11: 'Network unreachable for TOS',
      12: 'Host unreachable for TOS',
      13: 'Communication administratively filtered',
      14: 'Host precedence violation',
      15: 'Precedence cutoff in effect',
    }),
  ],
  [
    5,
    names({
      0: 'Redirect for network',
      1: 'Redirect for host',
      2: 'Redirect for TOS and network',
      3: 'Redirect for TOS and host',
    }),
  ],
  [6, names({ 0: 'Alternate address for host' })],
  [9, names({ 0: 'Normal router advertisement', 16: 'Does not route common traffic' })],
  [11, names({ 0: 'Time to live exceeded in transit', 1: 'Fragment reassembly time exceeded' })],
  [12, names({ 0: 'Pointer indicates the error', 1: 'Required option missing', 2: 'Bad length' })],
  [
    40,
    names({
      0: 'Bad SPI',
      1: 'Authentication Failed',
      2: 'Decompression Failed',
      3: 'Decryption Failed',
      4: 'Need Authentication',
      5: 'Need Authorization',
    }),
  ],
  [42, names({ 0: 'No error' })],
  [
    43,
    names({
      0: 'No error',
      1: 'Malformed Query',
      2: 'No Such Interface',
      3: 'No Such Table Entry',
      4: 'Multiple Interfaces Satisfy Query',
    }),
  ],
]);

const CHECKSUM_STATUS = names({ 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' });
const MIP_TYPES = names({
  0: 'One byte padding extension',
  16: 'Mobility Agent Advertisement Extension',
  19: 'Prefix Lengths Extension',
  24: 'Challenge Extension',
});
const EXT_CLASSES = names({
  1: 'MPLS Label Stack Class',
  2: 'Interface Information Object',
  3: 'Interface Identification Object',
});
const TF_TRUE = ['True', 'False'] as const;
const TF_PRESENT = ['Present', 'Not Present'] as const;
const INT_ROLES = names({
  0: 'IP interface upon which datagram arrived',
  1: 'sub-IP component of an IP interface upon which datagram arrived',
  2: 'IP interface through which datagram would be forwarded',
  3: 'IP next-hop to which datagram would be forwarded',
});
const INT_IDENT_CTYPES = names({
  1: 'Identifies Interface By Name',
  2: 'Identifies Interface By Index',
  3: 'Identifies Interface By Address',
});

export const F = fields('icmp', {
  '': proto('Internet Control Message Protocol'),
  type: uint('Type', 8),
  code: uint('Code', 8),
  checksum: hex('Checksum', 16),
  'checksum.status': uint('Checksum Status', 8, { strings: CHECKSUM_STATUS, generated: true }),
  unused: bytes('Unused'),
  ident: uint('Identifier (BE)', 16, { base: 'dec_hex' }),
  ident_le: uint('Identifier (LE)', 16, { base: 'dec_hex' }),
  seq: uint('Sequence Number (BE)', 16, { base: 'dec_hex' }),
  seq_le: uint('Sequence Number (LE)', 16, { base: 'dec_hex' }),
  mtu: uint('MTU of next hop', 16),
  length: uint('Length', 8),
  'length.original_datagram': uint('Length of original datagram', 8, { generated: true }),
  num_addrs: uint('Number of addresses', 8),
  addr_entry_size: uint('Address entry size', 8),
  lifetime: uint('Lifetime', 16),
  pointer: uint('Pointer', 32),
  router_address: ipv4('Router address'),
  pref_level: { name: 'Preference level', type: FieldType.Int, base: 'dec', bits: 32 },
  originate_timestamp: uint('Originate Timestamp', 32),
  receive_timestamp: uint('Receive Timestamp', 32),
  transmit_timestamp: uint('Transmit Timestamp', 32),
  address_mask: ipv4('Address Mask'),
  redir_gw: ipv4('Gateway Address'),
  resp_in: { name: 'Response frame', type: FieldType.FrameNum, generated: true },
  no_resp: { ...text('No response seen'), generated: true },
  resp_to: { name: 'Request frame', type: FieldType.FrameNum, generated: true },
  resptime: { name: 'Response time', type: FieldType.Float, generated: true },
  data_time: absTime('Timestamp from icmp data'),
  data_time_relative: {
    name: 'Timestamp from icmp data (relative)',
    type: FieldType.RelTime,
    generated: true,
  },
  _mip: text('Ext'),
  'mip.type': uint('Extension Type', 8, { strings: MIP_TYPES }),
  'mip.length': uint('Length', 8),
  'mip.prefixlength': uint('Prefix Length', 8),
  'mip.seq': uint('Sequence Number', 16),
  'mip.life': uint('Registration Lifetime', 16),
  'mip.flags': hex('Flags', 16),
  'mip.r': bool('Registration Required', 16, 0x8000, { tf: TF_TRUE }),
  'mip.b': bool('Busy', 16, 0x4000, { tf: TF_TRUE }),
  'mip.h': bool('Home Agent', 16, 0x2000, { tf: TF_TRUE }),
  'mip.f': bool('Foreign Agent', 16, 0x1000, { tf: TF_TRUE }),
  'mip.m': bool('Minimal Encapsulation', 16, 0x0800, { tf: TF_TRUE }),
  'mip.g': bool('GRE', 16, 0x0400, { tf: TF_TRUE }),
  'mip.v': bool('VJ Comp', 16, 0x0200, { tf: TF_TRUE }),
  'mip.rt': bool('Reverse tunneling', 16, 0x0100, { tf: TF_TRUE }),
  'mip.u': bool('UDP tunneling', 16, 0x0080, { tf: TF_TRUE }),
  'mip.x': bool('Revocation support', 16, 0x0040, { tf: TF_TRUE }),
  'mip.reserved': hex('Reserved', 16, { mask: 0x003f }),
  'mip.coa': ipv4('Care-Of-Address'),
  'mip.challenge': bytes('Challenge'),
  'mip.content': bytes('Content'),
  ext: text('ICMP Multi-Part Extensions'),
  'ext.version': uint('Version', 8),
  'ext.res': hex('Reserved', 16, { mask: 0x0fff }),
  'ext.checksum': hex('Checksum', 16),
  'ext.checksum.status': uint('Checksum Status', 8, { strings: CHECKSUM_STATUS, generated: true }),
  _ext_object: text('Object'),
  'ext.length': uint('Length', 16),
  'ext.class': uint('Class', 8, { strings: EXT_CLASSES }),
  'ext.ctype': uint('C-Type', 8),
  'ext.data': bytes('Data'),
  _mpls_entry: text('Label'),
  'mpls.label': uint('Label', 24, { mask: 0xfffff0 }),
  'mpls.exp': uint('Experimental', 24, { mask: 0x0e }),
  'mpls.s': bool('Stack bit', 24, 0x01),
  'mpls.ttl': uint('Time to live', 8),
  'mpls.data': bytes('Data'),
  'int_info.role': uint('Interface Role', 8, { mask: 0xc0, strings: INT_ROLES }),
  'int_info.reserved': uint('Reserved', 8, { mask: 0x30 }),
  'int_info.ifindex': bool('ifIndex', 8, 0x08, { tf: TF_TRUE }),
  'int_info.ipaddr': bool('IP Address', 8, 0x04, { tf: TF_PRESENT }),
  'int_info.name_present': bool('Interface Name', 8, 0x02, { tf: TF_PRESENT }),
  'int_info.mtu_present': bool('MTU', 8, 0x01, { tf: TF_PRESENT }),
  'int_info.index': uint('Interface Index', 32),
  _int_info_addr: text('IP Address Sub-Object'),
  'int_info.afi': uint('Address Family Identifier', 16),
  _int_info_addr_reserved: bytes('Reserved'),
  'int_info.ipv4': ipv4('Source'),
  'int_info.ipv6': ipv6('Source'),
  _int_info_name: text('Interface Name Sub-Object'),
  'int_info.name_length': uint('Name Length', 8),
  'int_info.name': str('Name'),
  'int_info.mtu': uint('Maximum Transmission Unit', 32),
  'int_ident.name': str('Name'),
  'int_ident.index': uint('Interface Index', 32),
  'int_ident.afi': uint('Address Family Identifier', 16),
  'int_ident.addr_length': uint('Address Length', 8),
  'int_ident.reserved': bytes('Reserved'),
  'int_ident.ipv4': ipv4('Address'),
  'int_ident.ipv6': ipv6('Address'),
  'int_ident.address': bytes('Address'),
});

const T = {
  ECHOREPLY: 0,
  UNREACH: 3,
  SOURCEQUENCH: 4,
  REDIRECT: 5,
  ALTHOST: 6,
  ECHO: 8,
  RTRADVERT: 9,
  TIMXCEED: 11,
  PARAMPROB: 12,
  TSTAMP: 13,
  TSTAMPREPLY: 14,
  IREQ: 15,
  IREQREPLY: 16,
  MASKREQ: 17,
  MASKREPLY: 18,
} as const;

/** Echo request/reply pairs, keyed by address pair, expected reply checksum, id and sequence. */
interface Transaction {
  request: number;
  reply: number;
  sec: number;
  nsec: number;
}

class EchoState {
  readonly open = new Map<string, Transaction>();
  readonly byFrame = new FrameMap<Transaction>();
}

/** The IP layer's address pair, either way round, as a short string (two bytes a character). */
function addressKey(): string {
  const l = ipLayer;
  const b = l.bytes;
  const n = l.kind === 6 ? 16 : 4;
  let x = '';
  let y = '';
  for (let i = 0; i < n; i += 2) {
    x += String.fromCharCode(((b[l.src + i] as number) << 8) | (b[l.src + i + 1] as number));
    y += String.fromCharCode(((b[l.dst + i] as number) << 8) | (b[l.dst + i + 1] as number));
  }
  return x < y ? x + y : y + x;
}

/** One's-complement addition of two 16-bit values. */
export function onesAdd(a: number, b: number): number {
  const s = a + b;
  return (s & 0xffff) + (s >>> 16);
}

/** "3 minutes, 20 seconds", as Wireshark's (signed_)time_secs_to_str. */
export function secondsText(total: number): string {
  if (total === 0) return '0 seconds';
  const parts: string[] = [];
  const unit = (n: number, w: string): void => {
    if (n) parts.push(`${n} ${w}${n === 1 ? '' : 's'}`);
  };
  unit(Math.floor(total / 86400), 'day');
  unit(Math.floor((total % 86400) / 3600), 'hour');
  unit(Math.floor((total % 3600) / 60), 'minute');
  unit(total % 60, 'second');
  return parts.join(', ');
}

/** "4 hours, 28 minutes, 51.171 seconds", as Wireshark's time_msecs_to_str. */
function msecsText(ms: number): string {
  if (ms === 0) return '0 seconds';
  const msec = ms % 1000;
  const total = Math.floor(ms / 1000);
  const parts: string[] = [];
  const unit = (n: number, w: string): void => {
    if (n) parts.push(`${n} ${w}${n === 1 ? '' : 's'}`);
  };
  unit(Math.floor(total / 86400), 'day');
  unit(Math.floor((total % 86400) / 3600), 'hour');
  unit(Math.floor((total % 3600) / 60), 'minute');
  const s = total % 60;
  if (msec) parts.push(`${s}.${String(msec).padStart(3, '0')} seconds`);
  else if (s) parts.push(`${s} second${s === 1 ? '' : 's'}`);
  return parts.join(', ');
}

const MSPERDAY = 86400000;

/** Wireshark's get_best_guess_mstimeofday: the stored byte order that looks like a time of day. */
function guessMsOfDay(tvb: Tvb, o: number, comp: number): number {
  const be = tvb.u32(o) & 0x7fffffff;
  const le = tvb.u32le(o) & 0x7fffffff;
  if (be < MSPERDAY && le >= MSPERDAY) return be;
  if (le < MSPERDAY && be >= MSPERDAY) return le;
  if (be < MSPERDAY && le < MSPERDAY) {
    let b = be;
    let l = le;
    if (b < comp && b <= MSPERDAY / 4 && comp >= MSPERDAY - MSPERDAY / 4) b += MSPERDAY;
    if (l < comp && l <= MSPERDAY / 4 && comp >= MSPERDAY - MSPERDAY / 4) l += MSPERDAY;
    return (b - comp) >>> 0 < (l - comp) >>> 0 ? be : le;
  }
  return (be - comp) >>> 0 < (le - comp) >>> 0 ? be : le;
}

const isErrorType = (type: number): boolean =>
  type === T.UNREACH ||
  type === T.TIMXCEED ||
  type === T.PARAMPROB ||
  type === T.SOURCEQUENCH ||
  type === T.REDIRECT;

/** Echo, timestamp, information and mask messages: identifier and sequence number, both byte orders. */
function idAndSeq(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, info: string, ttl: number): void {
  const id = tvb.u16(o + 4);
  tree.add(F.ident, tvb, o + 4, 2, id);
  tree.add(F.ident_le, tvb, o + 4, 2, tvb.u16le(o + 4));
  const seq = tvb.u16(o + 6);
  tree.add(F.seq, tvb, o + 6, 2, seq);
  tree.add(F.seq_le, tvb, o + 6, 2, tvb.u16le(o + 6));
  if (pinfo.wantInfo) {
    info += ` id=0x${id.toString(16).padStart(4, '0')}, seq=${seq}/${tvb.u16le(o + 6)}`;
    if (ttl >= 0) info += `, ttl=${ttl}`;
    pinfo.setInfo(info);
  }
}

/** Destination Unreachable's second word: RFC 4884 length, next-hop MTU, or unused. */
function unreachWord(tvb: Tvb, tree: Tree, o: number, code: number, origLen4884: number): void {
  if (origLen4884 > 0) {
    add4884Length(tvb, o, origLen4884, tree);
    if (code === 4) tree.add(F.mtu, tvb, o + 6, 2, tvb.u16(o + 6));
    else tree.add(F.unused, tvb, o + 6, 2);
  } else if (code === 4) {
    tree.add(F.unused, tvb, o + 4, 2);
    tree.add(F.mtu, tvb, o + 6, 2, tvb.u16(o + 6));
  } else {
    tvb.need(o + 4, 4);
    tree.add(F.unused, tvb, o + 4, 4);
  }
}

function paramProbWord(tvb: Tvb, tree: Tree, o: number, origLen4884: number): void {
  tree.add(F.pointer, tvb, o + 4, 1, tvb.u8(o + 4));
  if (origLen4884 > 0) {
    tree.add(F.length, tvb, o + 5, 1, origLen4884);
    tree.add(F['length.original_datagram'], tvb, o + 5, 1, origLen4884 * 4);
    tree.add(F.unused, tvb, o + 6, 2);
  } else {
    tree.add(F.unused, tvb, o + 5, 3);
  }
}

/** The second word of the header (bytes 4 to 7), as the type has it. */
function secondWord(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  type: number,
  code: number,
  origLen4884: number,
  info: string,
  ttl: number,
): void {
  switch (type) {
    case T.ECHOREPLY:
    case T.ECHO:
    case T.TSTAMP:
    case T.TSTAMPREPLY:
    case T.IREQ:
    case T.IREQREPLY:
    case T.MASKREQ:
    case T.MASKREPLY:
      return idAndSeq(tvb, pinfo, tree, o, info, ttl);
    case T.UNREACH:
      return unreachWord(tvb, tree, o, code, origLen4884);
    case T.RTRADVERT:
      tree.add(F.num_addrs, tvb, o + 4, 1, tvb.u8(o + 4));
      tree.add(F.addr_entry_size, tvb, o + 5, 1, tvb.u8(o + 5));
      tree.add(F.lifetime, tvb, o + 6, 2, tvb.u16(o + 6));
      if (tree.full) tree.labelLast(`Lifetime: ${tvb.u16(o + 6)} (${secondsText(tvb.u16(o + 6))})`);
      return;
    case T.PARAMPROB:
      return paramProbWord(tvb, tree, o, origLen4884);
    case T.REDIRECT:
      tree.add(F.redir_gw, tvb, o + 4, 4, tvb.u32(o + 4));
      return;
    case T.TIMXCEED:
      if (origLen4884 > 0) {
        add4884Length(tvb, o, origLen4884, tree);
        tree.add(F.unused, tvb, o + 6, 2);
      } else {
        tvb.need(o + 4, 4);
        tree.add(F.unused, tvb, o + 4, 4);
      }
      return;
    default:
      return;
  }
}

/** An error message's quoted datagram (its RFC 4884 length when given), then any extensions. */
function quotedDatagram(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  type: number,
  origLen4884: number,
  reported: number,
): void {
  let quote: Tvb;
  if (type === T.REDIRECT) {
    quote = tvb.sub(o + 8, (tvb.u8(o + 8) & 0x0f) * 4 + 8);
  } else if (origLen4884 && reported > 8 + origLen4884 * 4 && tvb.u16(o + 10) > origLen4884 * 4) {
    quote = tvb.sub(o + 8, ((tvb.u8(o + 8) & 0x0f) + origLen4884) * 4);
  } else {
    quote = tvb.sub(o + 8);
  }
  const ip = pinfo.registry.tables.etherType.get(0x0800);
  if (ip) dissectQuoted(ip, quote, pinfo, tree);
  if (reported > 8 + 128 && tvb.u16(o + 10) <= 128) {
    dissectExtension(tvb, pinfo, tree, o + Math.max(origLen4884 * 4, 128) + 8, o + reported);
  }
}

/** An echo request or reply: its transaction, then the data (and a timestamp at its start). */
function echoBody(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  type: number,
  sum: number,
  inError: boolean,
): void {
  if (!inError) {
    // A reply's checksum is the request's plus 0x0800 (the type byte changes from 8 to 0).
    let check = type === T.ECHO ? onesAdd(sum, 0x0800) : sum;
    if (check === 0xffff) check = 0;
    echoTransaction(tvb, pinfo, tree, o, type === T.ECHO, check, ECHO);
  }
  if (tvb.remaining(o + 8) < 8) {
    if (tvb.remaining(o + 8) > 0) dissectData(tvb.sub(o + 8), pinfo, tree);
    return;
  }
  const used = dataTimestamp(tvb, pinfo, tree, o + 8);
  dissectData(tvb.sub(o + 8 + used), pinfo, tree);
}

/** A router advertisement's addresses and preferences, then Mobile IP extensions. */
function routerAddresses(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  code: number,
  reported: number,
): void {
  const count = tvb.u8(o + 4);
  if (tvb.u8(o + 5) !== 2) {
    dissectData(tvb.sub(o + 8), pinfo, tree);
    return;
  }
  let i = 0;
  for (; i < count; i++) {
    tree.add(F.router_address, tvb, o + 8 + i * 8, 4, tvb.u32(o + 8 + i * 8));
    tree.add(F.pref_level, tvb, o + 12 + i * 8, 4, tvb.u32(o + 12 + i * 8) | 0);
  }
  if ((code === 0 || code === 16) && tree.full) mobileIpExtensions(tvb, tree, o + 8 + i * 8, o + reported);
}

/** One timestamp of a timestamp message, labelled with the time of day it most likely is. */
function timestamp(
  tvb: Tvb,
  tree: Tree,
  def: typeof F.originate_timestamp,
  at: number,
  label: string,
  frameMs: number,
): void {
  const v = tvb.u32(at);
  tree.add(def, tvb, at, 4, v);
  if (tree.full)
    tree.labelLast(`${label}: ${v} (${msecsText(guessMsOfDay(tvb, at, frameMs))} after midnight UTC)`);
}

function timestamps(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number): void {
  const m = pinfo.meta;
  const frameMs = ((m.tsSec % 86400) * 1000 + Math.floor(m.tsNsec / 1000000)) % MSPERDAY;
  timestamp(tvb, tree, F.originate_timestamp, o + 8, 'Originate Timestamp', frameMs);
  timestamp(tvb, tree, F.receive_timestamp, o + 12, 'Receive Timestamp', frameMs);
  timestamp(tvb, tree, F.transmit_timestamp, o + 16, 'Transmit Timestamp', frameMs);
}

/** What follows the 8-byte header, as the type has it. */
function messageBody(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  type: number,
  code: number,
  origLen4884: number,
  sum: number,
  inError: boolean,
): void {
  const reported = tvb.reportedRemaining(o);
  if (isErrorType(type)) return quotedDatagram(tvb, pinfo, tree, o, type, origLen4884, reported);
  switch (type) {
    case T.ECHOREPLY:
    case T.ECHO:
      return echoBody(tvb, pinfo, tree, o, type, sum, inError);
    case T.RTRADVERT:
      return routerAddresses(tvb, pinfo, tree, o, code, reported);
    case T.TSTAMP:
    case T.TSTAMPREPLY:
      return timestamps(tvb, pinfo, tree, o);
    case T.MASKREQ:
    case T.MASKREPLY:
      tree.add(F.address_mask, tvb, o + 8, 4, tvb.u32(o + 8));
      return;
    default:
      return;
  }
}

/** Info's type and code (the type padded to 20 characters), set; the text for more to follow. */
function typeInfo(pinfo: PacketInfo, typeText: string, codeText: string | null): string {
  if (!pinfo.wantInfo) return '';
  let info = typeText.padEnd(20, ' ');
  if (codeText !== null) info += ` (${codeText})`;
  pinfo.setInfo(info);
  return info;
}

export function dissectICMP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  // As tshark: the layer and its column before the first read, so a header cut short shows them.
  pinfo.layers.push('icmp');
  pinfo.setProto('ICMP');
  const type = tvb.u8(o);
  const code = tvb.u8(o + 1);
  pinfo.hints |= Hint.Icmp;
  // As tshark, byte 5 (RFC 4884's length) is read first: a shorter message shows no tree.
  const byte5 = tvb.u8(o + 5);
  const origLen4884 = type !== T.ALTHOST ? byte5 : 0;
  const ttl = ipLayer.ttl;
  const inError = pinfo.inError;
  const fragmented = ipLayer.fragmented;

  let typeText = TYPE_NAMES.get(type) ?? 'Unknown ICMP (obsolete or malformed?)';
  if (type === T.RTRADVERT && (code === 0 || code === 16)) typeText = 'Mobile IP Advertisement';
  const codes = CODE_NAMES.get(type);
  const codeText = codes ? (codes.get(code) ?? `Unknown code: ${code}`) : null;
  if (isErrorType(type)) pinfo.hints |= Hint.IcmpError;
  const info = typeInfo(pinfo, typeText, codeText);

  const captured = tvb.remaining(o);
  const reported = tvb.reportedRemaining(o);
  tree.push(F[''], tvb, o, captured);
  tree.add(F.type, tvb, o, 1, type);
  if (tree.full) tree.labelLast(`Type: ${type} (${typeText})`);
  tree.add(F.code, tvb, o + 1, 1, code);
  if (tree.full && codeText !== null) tree.labelLast(`Code: ${code} (${codeText})`);

  const sum = tvb.u16(o + 2);
  if (tree !== NULL_TREE) addIcmpChecksum(F, tvb, pinfo, tree, o, sum, captured, reported, fragmented);
  secondWord(tvb, pinfo, tree, o, type, code, origLen4884, info, ttl);
  messageBody(tvb, pinfo, tree, o, type, code, origLen4884, sum, inError);
  tree.pop();
  return reported;
}

function add4884Length(tvb: Tvb, o: number, words: number, tree: Tree): void {
  tree.add(F.unused, tvb, o + 4, 1);
  tree.add(F.length, tvb, o + 5, 1, words);
  tree.add(F['length.original_datagram'], tvb, o + 5, 1, words * 4);
}

/** The checksum fields of ICMP and ICMPv6 (the same shape under each one's names). */
export interface ChecksumFields {
  checksum: FieldDef;
  'checksum.status': FieldDef;
}

/**
 * Adds the checksum at `o + 2` verified over `reported` bytes from `o`, starting from `pseudo`
 * (ICMPv6's pseudo-header sum; 0 for ICMP), as Wireshark shows it: correct, incorrect with what it
 * should be, or unverified inside an error quote or a fragment.
 */
export function addIcmpChecksum(
  fields: ChecksumFields,
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  sum: number,
  captured: number,
  reported: number,
  fragmented: boolean,
  pseudo: () => number = () => 0,
): void {
  const hexSum = `0x${sum.toString(16).padStart(4, '0')}`;
  if (!fragmented && captured >= reported && !pinfo.inError) {
    const initial = pseudo();
    if (onesSum(tvb.bytes, o, reported, initial) === 0xffff) {
      tree.add(fields.checksum, tvb, o + 2, 2, sum);
      if (tree.full) tree.labelLast(`Checksum: ${hexSum} [correct]`);
      tree.add(fields['checksum.status'], tvb, o + 2, 0, 1);
      if (tree.full) tree.labelLast('[Checksum Status: Good]');
      return;
    }
    // What the field should hold: the complement of the sum of everything else.
    const rest = onesSum(tvb.bytes, o, 2, onesSum(tvb.bytes, o + 4, reported - 4, initial));
    const shouldText = `0x${(~rest & 0xffff).toString(16).padStart(4, '0')}`;
    tree.push(fields.checksum, tvb, o + 2, 2, sum);
    if (tree.full) tree.label(`Checksum: ${hexSum} incorrect, should be ${shouldText}`);
    expert(pinfo, tree, tvb, o + 2, 2, 'Warning', 'Checksum', `Bad checksum [should be ${shouldText}]`);
    tree.pop();
    tree.add(fields['checksum.status'], tvb, o + 2, 0, 0);
    if (tree.full) tree.labelLast('[Checksum Status: Bad]');
    pinfo.hints |= Hint.BadChecksum;
    return;
  }
  tree.add(fields.checksum, tvb, o + 2, 2, sum);
  if (tree.full) {
    const why = pinfo.inError ? 'in ICMP error packet' : 'fragmented datagram';
    tree.labelLast(`Checksum: ${hexSum} [unverified] [${why}]`);
  }
  tree.add(fields['checksum.status'], tvb, o + 2, 0, 2);
  if (tree.full) tree.labelLast('[Checksum Status: Unverified]');
}

/** The fields an echo transaction adds (ICMP and ICMPv6 name them differently). */
export interface EchoFields {
  resp_in: FieldDef;
  resp_to: FieldDef;
  resptime: FieldDef;
  no_resp: FieldDef;
  /** Protocol name in the "No response seen to … request" expert note. */
  proto: string;
  /** Capture-state slot of this protocol's transactions. */
  slot: string;
}

/**
 * Pairs echo requests and replies (Wireshark's transaction_start/end) on the address pair, a
 * checksum-derived key (`check`: what the reply's checksum should be) and id/sequence, and adds
 * the links. On a revisit a request also learns its reply, as in Wireshark's second pass.
 */
export function echoTransaction(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  request: boolean,
  check: number,
  defs: EchoFields,
): void {
  const st = pinfo.state.of(defs.slot, () => new EchoState());
  const frame = pinfo.meta.number;
  const first = firstPass(pinfo.state, pinfo);
  const key = addressKey() + String.fromCharCode(check, tvb.u16(o + 4), tvb.u16(o + 6));
  let t: Transaction | undefined;
  if (first) {
    t = st.open.get(key);
    if (request) {
      // Every request opens a transaction; a repeated one replaces the unanswered one before it
      // (Wireshark's unmatched tree), so the reply names the latest request.
      t = { request: frame, reply: 0, sec: pinfo.meta.tsSec, nsec: pinfo.meta.tsNsec };
      st.open.set(key, t);
      st.byFrame.set(frame, t);
    } else {
      if (!t || t.reply !== 0) return;
      t.reply = frame;
      st.byFrame.set(frame, t);
    }
  } else {
    t = st.byFrame.get(frame);
    if (!t) return;
  }
  if (request) {
    if (t.reply !== 0) {
      tree.add(defs.resp_in, tvb, o, 0, t.reply);
      if (tree.full) tree.labelLast(`[${defs.resp_in.name}: ${t.reply}]`);
      if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info} (reply in ${t.reply})`);
    } else if (!first) {
      tree.push(defs.no_resp, tvb, o, 0);
      expert(pinfo, tree, tvb, o, 0, 'Warning', 'Sequence', `No response seen to ${defs.proto} request`);
      tree.pop(undefined, '[No response seen]');
      if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info} (no response found!)`);
    }
    return;
  }
  if (t.reply !== frame) return;
  tree.add(defs.resp_to, tvb, o, 0, t.request);
  if (tree.full) tree.labelLast(`[${defs.resp_to.name}: ${t.request}]`);
  const m = pinfo.meta;
  const ms = (m.tsSec - t.sec) * 1000 + (m.tsNsec - t.nsec) / 1e6;
  tree.add(defs.resptime, tvb, o, 0, ms);
  if (tree.full) tree.labelLast(`[${defs.resptime.name}: ${ms.toFixed(3)} ms]`);
  if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info} (request in ${t.request})`);
}

const ECHO: EchoFields = {
  resp_in: F.resp_in,
  resp_to: F.resp_to,
  resptime: F.resptime,
  no_resp: F.no_resp,
  proto: 'ICMP',
  slot: 'icmp.echo',
};

/**
 * The timeval that ping programs put at the start of the echo data, when the first 8 bytes (big
 * or else little endian) read as a time within a day of the frame's (tshark 4.0's heuristic).
 * Returns how many bytes it took.
 */
function dataTimestamp(tvb: Tvb, pinfo: PacketInfo, tree: Tree, at: number): number {
  const m = pinfo.meta;
  let sec = tvb.u32(at);
  let usec = tvb.u32(at + 4);
  const near = (s: number, us: number): boolean => Math.abs((s - m.tsSec) | 0) < 86400 && us < 1000000;
  if (!near(sec, usec)) {
    sec = tvb.u32le(at);
    usec = tvb.u32le(at + 4);
  }
  if (!near(sec, usec)) return 0;
  if (tree.wants(F.data_time) || tree.wants(F.data_time_relative)) {
    const nsec = usec * 1000;
    tree.add(F.data_time, tvb, at, 8, formatAbsoluteUtc(sec, nsec));
    if (tree.full) tree.labelLast(`Timestamp from icmp data: ${formatAbsoluteUtc(sec, nsec)}`);
    const rel = formatDelta(m.tsSec, m.tsNsec, sec, nsec);
    tree.add(F.data_time_relative, tvb, at, 8, rel);
    if (tree.full) tree.labelLast(`[Timestamp from icmp data (relative): ${rel} seconds]`);
  }
  return 8;
}

/** Mobile IP agent advertisement extensions (RFC 2002, 3012). */
function mobileIpExtensions(tvb: Tvb, tree: Tree, from: number, end: number): void {
  let p = from;
  while (p < end) {
    const type = tvb.u8(p);
    const len = type ? tvb.u8(p + 1) : 0;
    tree.push(F._mip, tvb, p, type ? len + 2 : 1);
    tree.label(`Ext: ${MIP_TYPES.get(type) ?? `Unknown ext ${type}`}`);
    tree.add(F['mip.type'], tvb, p, 1, type);
    p++;
    if (type !== 0) {
      tree.add(F['mip.length'], tvb, p, 1, len);
      p++;
    }
    switch (type) {
      case 0:
        break;
      case 16: {
        tree.add(F['mip.seq'], tvb, p, 2, tvb.u16(p));
        tree.add(F['mip.life'], tvb, p + 2, 2, tvb.u16(p + 2));
        const flags = tvb.u16(p + 4);
        tree.push(F['mip.flags'], tvb, p + 4, 2, flags);
        const set: string[] = [];
        for (const k of ['r', 'b', 'h', 'f', 'm', 'g', 'v', 'rt', 'u', 'x'] as const) {
          const def = F[`mip.${k}`];
          const on = (flags & (def.mask as number)) !== 0;
          tree.add(def, tvb, p + 4, 2, on);
          if (on) set.push(def.name);
        }
        tree.add(F['mip.reserved'], tvb, p + 4, 2, flags & 0x3f);
        tree.labelLast(
          `${bitPicture(F['mip.reserved'], flags & 0x3f)} = Reserved: 0x${(flags & 0x3f).toString(16).padStart(2, '0')}`,
        );
        tree.pop(
          undefined,
          `Flags: 0x${flags.toString(16).padStart(4, '0')}${set.map((s) => `, ${s}`).join('')}`,
        );
        p += 6;
        for (let i = 0; i < Math.floor((len - 6) / 4); i++, p += 4)
          tree.add(F['mip.coa'], tvb, p, 4, tvb.u32(p));
        break;
      }
      case 19:
        for (let i = 0; i < len; i++, p++) tree.add(F['mip.prefixlength'], tvb, p, 1, tvb.u8(p));
        break;
      case 24:
        tree.add(F['mip.challenge'], tvb, p, len);
        p += len;
        break;
      default:
        if (len !== 0) {
          tree.add(F['mip.content'], tvb, p, len - 4);
          p += len;
        }
        break;
    }
    tree.pop();
  }
}

/** RFC 4884 multi-part extensions after the quoted datagram: header, checksum, then objects. */
function dissectExtension(tvb: Tvb, pinfo: PacketInfo, tree: Tree, from: number, end: number): void {
  if (end - from < 4 || !tvb.has(from, 4)) return;
  const version = tvb.u8(from) >> 4;
  const supported = version === 1 || version === 2;
  tree.push(F.ext, tvb, from, end - from);
  tree.add(F['ext.version'], tvb, from, 1, version);
  const res = tvb.u16(from) & 0x0fff;
  tree.add(F['ext.res'], tvb, from, 2, res);
  if (tree.full)
    tree.labelLast(`${bitPicture(F['ext.res'], res)} = Reserved: 0x${res.toString(16).padStart(3, '0')}`);
  extensionChecksum(tvb, pinfo, tree, from, end);
  if (supported) {
    let p = from + 4;
    while (p + 4 <= end) {
      const next = extensionObject(tvb, tree, p, end);
      if (next <= p) break;
      p = next;
    }
  }
  tree.pop(undefined, `ICMP Multi-Part Extensions${supported ? '' : ' (unsupported version)'}`);
}

/** The extension header's checksum: missing when zero, else verified over the whole extension. */
function extensionChecksum(tvb: Tvb, pinfo: PacketInfo, tree: Tree, from: number, end: number): void {
  const sum = tvb.u16(from + 2);
  const hexSum = `0x${sum.toString(16).padStart(4, '0')}`;
  if (sum === 0) {
    tree.add(F['ext.checksum'], tvb, from + 2, 2, sum);
    if (tree.full) tree.labelLast('[Checksum: [missing]]');
    tree.add(F['ext.checksum.status'], tvb, from + 2, 0, 3);
    if (tree.full) tree.labelLast('[Checksum Status: Not present]');
    return;
  }
  const whole = tvb.has(from, end - from);
  if (whole && onesSum(tvb.bytes, from, end - from) === 0xffff) {
    tree.add(F['ext.checksum'], tvb, from + 2, 2, sum);
    if (tree.full) tree.labelLast(`Checksum: ${hexSum} [correct]`);
    tree.add(F['ext.checksum.status'], tvb, from + 2, 0, 1);
    if (tree.full) tree.labelLast('[Checksum Status: Good]');
    return;
  }
  const length = whole ? end - from : tvb.remaining(from);
  const rest = onesSum(tvb.bytes, from, 2, onesSum(tvb.bytes, from + 4, length - 4));
  const should = `0x${(~rest & 0xffff).toString(16).padStart(4, '0')}`;
  tree.push(F['ext.checksum'], tvb, from + 2, 2, sum);
  if (tree.full) tree.label(`Checksum: ${hexSum} incorrect, should be ${should}`);
  expert(pinfo, tree, tvb, from + 2, 2, 'Warning', 'Checksum', `Bad checksum [should be ${should}]`);
  tree.pop();
  tree.add(F['ext.checksum.status'], tvb, from + 2, 0, 0);
  if (tree.full) tree.labelLast('[Checksum Status: Bad]');
}

/** One extension object at `p`; where the next one starts (`end` after a bad length). */
function extensionObject(tvb: Tvb, tree: Tree, p: number, end: number): number {
  const len = tvb.u16(p);
  const cls = tvb.u8(p + 2);
  const ctype = tvb.u8(p + 3);
  if (len < 4) {
    tree.push(F._ext_object, tvb, p, 4);
    tree.add(F['ext.length'], tvb, p, 2, len);
    tree.add(F['ext.class'], tvb, p + 2, 1, cls);
    tree.pop(undefined, 'Object with bad length');
    return end;
  }
  const truncated = p + len > end;
  const objEnd = Math.min(p + len, end);
  tree.push(F._ext_object, tvb, p, objEnd - p);
  tree.add(F['ext.length'], tvb, p, 2, len);
  tree.add(F['ext.class'], tvb, p + 2, 1, cls);
  let label = `Unknown object (${cls}/${ctype})`;
  if (truncated) {
    tree.add(F['ext.ctype'], tvb, p + 3, 1, ctype);
    label += ' (truncated)';
  } else if (cls === 1 && ctype === 1) {
    tree.add(F['ext.ctype'], tvb, p + 3, 1, ctype);
    mplsStack(tvb, tree, p + 4, objEnd);
    label = 'MPLS Stack Entry';
  } else if (cls === 2) {
    interfaceInformation(tvb, tree, p + 3, ctype);
    label = 'Interface Information Object';
  } else if (cls === 3) {
    interfaceIdentification(tvb, tree, p + 3, ctype, objEnd);
    label = 'Interface Identification Object';
  } else {
    tree.add(F['ext.ctype'], tvb, p + 3, 1, ctype);
    if (objEnd > p + 4) tree.add(F['ext.data'], tvb, p + 4, objEnd - p - 4);
  }
  tree.pop(undefined, label);
  return p + len;
}

/** An MPLS label stack (RFC 4950): one 4-byte entry each. */
function mplsStack(tvb: Tvb, tree: Tree, q: number, objEnd: number): void {
  for (; q + 4 <= objEnd; q += 4) {
    const word = tvb.u32(q);
    const labelValue = word >>> 12;
    const exp = (word >> 9) & 7;
    const s = (word >> 8) & 1;
    const ttl = word & 0xff;
    tree.push(F._mpls_entry, tvb, q, 4);
    tree.add(F['mpls.label'], tvb, q, 3, labelValue);
    tree.add(F['mpls.exp'], tvb, q + 2, 1, exp);
    tree.add(F['mpls.s'], tvb, q + 2, 1, s === 1);
    tree.add(F['mpls.ttl'], tvb, q + 3, 1, ttl);
    tree.pop(undefined, `Label: ${labelValue}, Exp: ${exp}, S: ${s}, TTL: ${ttl}`);
  }
  if (q < objEnd) tree.add(F['mpls.data'], tvb, q, objEnd - q);
}

/** RFC 5837's Interface Information Object: the C-Type says which parts follow. */
function interfaceInformation(tvb: Tvb, tree: Tree, at: number, ctype: number): void {
  const role = ctype >> 6;
  tree.push(F['ext.ctype'], tvb, at, 1, ctype);
  let label = `C-Type: ${ctype}, Interface Role: ${INT_ROLES.get(role) ?? 'Unknown'}`;
  tree.add(F['int_info.role'], tvb, at, 1, role);
  tree.add(F['int_info.reserved'], tvb, at, 1, (ctype >> 4) & 3);
  for (const k of ['ifindex', 'ipaddr', 'name_present', 'mtu_present'] as const) {
    const def = F[`int_info.${k}`];
    const on = (ctype & (def.mask as number)) !== 0;
    tree.add(def, tvb, at, 1, on);
    if (on) label += `, ${def.name}`;
  }
  tree.pop(undefined, label);
  let q = at + 1;
  if (ctype & 0x08) {
    tree.add(F['int_info.index'], tvb, q, 4, tvb.u32(q));
    q += 4;
  }
  if (ctype & 0x04) q = interfaceAddress(tvb, tree, q);
  if (ctype & 0x02) {
    const n = tvb.u8(q);
    tree.push(F._int_info_name, tvb, q, n);
    tree.add(F['int_info.name_length'], tvb, q, 1, n);
    if (n > 1) tree.add(F['int_info.name'], tvb, q + 1, n - 1, cString(tvb, q + 1, n - 1));
    tree.pop(undefined, 'Interface Name Sub-Object');
    q += n;
  }
  if (ctype & 0x01) tree.add(F['int_info.mtu'], tvb, q, 4, tvb.u32(q));
}

/** The IP Address Sub-Object of an Interface Information Object; where it ends. */
function interfaceAddress(tvb: Tvb, tree: Tree, q: number): number {
  const afi = tvb.u16(q);
  const size = afi === 1 ? 4 : afi === 2 ? 16 : 0;
  tree.push(F._int_info_addr, tvb, q, 4 + size);
  tree.add(F['int_info.afi'], tvb, q, 2, afi);
  tree.add(F._int_info_addr_reserved, tvb, q + 2, 2);
  if (afi === 1) tree.add(F['int_info.ipv4'], tvb, q + 4, 4, tvb.u32(q + 4));
  else if (afi === 2) tree.add(F['int_info.ipv6'], tvb, q + 4, 16);
  tree.pop(undefined, 'IP Address Sub-Object');
  return q + 4 + size;
}

/** RFC 8335's Interface Identification Object: by name, index or address. */
function interfaceIdentification(tvb: Tvb, tree: Tree, at: number, ctype: number, objEnd: number): void {
  tree.add(F['ext.ctype'], tvb, at, 1, ctype);
  if (tree.full) tree.labelLast(`C-Type: ${ctype} (${INT_IDENT_CTYPES.get(ctype) ?? 'Unknown'})`);
  const q = at + 1;
  if (ctype === 1) tree.add(F['int_ident.name'], tvb, q, objEnd - q, cString(tvb, q, objEnd - q));
  else if (ctype === 2) tree.add(F['int_ident.index'], tvb, q, 4, tvb.u32(q));
  else if (ctype === 3) {
    const afi = tvb.u16(q);
    const n = tvb.u8(q + 2);
    tree.add(F['int_ident.afi'], tvb, q, 2, afi);
    tree.add(F['int_ident.addr_length'], tvb, q + 2, 1, n);
    tree.add(F['int_ident.reserved'], tvb, q + 3, 1);
    if (afi === 1 && n === 4) tree.add(F['int_ident.ipv4'], tvb, q + 4, 4, tvb.u32(q + 4));
    else if (afi === 2 && n === 16) tree.add(F['int_ident.ipv6'], tvb, q + 4, 16);
    else tree.add(F['int_ident.address'], tvb, q + 4, n);
  }
}

/** Text of `n` bytes at `at`, up to the first NUL. */
function cString(tvb: Tvb, at: number, n: number): string {
  const s = tvb.ascii(at, Math.min(n, tvb.remaining(at)));
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

export const icmpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('ipProto', 1, dissectICMP);
  },
};
