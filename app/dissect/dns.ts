// Domain Name System (RFC 1035 and successors), with mDNS (RFC 6762) and LLMNR (RFC 4795) on their
// own ports and DNS over TCP (length prefix, RFC 7766): header, questions, resource records,
// EDNS0, and request/response tracking as tshark 4.0 shows them.
import { bitPicture } from './field-text.ts';
import {
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
import { secondsText } from './icmp.ts';
import { expert } from './ip-proto.ts';
import { DESEGMENT_ONE_MORE_SEGMENT, Hint, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { addPduSize } from './tcp-pdus.ts';
import { NULL_TREE, type FieldNode, type Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { formatIPv4, formatIPv6, readIPv4 } from '../format/address.ts';
import { formatDelta } from '../format/time.ts';
import { bytesText, tvbFormatStringzpad } from './text-format.ts';
import { FrameMap } from './frame-map.ts';
import {
  appendLabel,
  asciiItem,
  asciiText,
  cString,
  decodeRdata,
  nameText,
  rdName,
  readName,
  typeBitmap,
  type RdataCtx,
  missingBytes,
  DIGEST_TYPES,
  DNSSEC_ALGORITHMS,
  NSEC3_HASHES,
  paddedAddress,
  R,
  RCODES,
  rangeName,
  TYPE_LONG,
  TYPE_SHORT,
} from './dns-rdata.ts';

const CLASSES = names({ 1: 'IN', 2: 'CS', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' });
const OPCODES = names({
  0: 'Standard query',
  1: 'Inverse query',
  2: 'Server status request',
  4: 'Zone change notification',
  5: 'Dynamic update',
  6: 'DNS Stateful operations (DSO)',
});
const OPT_CODES = names({
  0: 'Reserved', 1: 'LLQ - Long-lived query', 2: 'UL - Update lease', 3: 'NSID - Name Server Identifier',
  4: 'Owner (reserved)', 5: 'DAU - DNSSEC Algorithm Understood (RFC6975)',
  6: 'DHU - DS Hash Understood (RFC6975)', 7: 'N3U - NSEC3 Hash Understood (RFC6975)',
  8: 'CSUBNET - Client subnet', 9: 'EDNS EXPIRE (RFC7314)', 10: 'COOKIE', 11: 'EDNS TCP Keepalive',
  12: 'PADDING', 13: 'CHAIN', 15: 'Extended DNS Error', 0x50fa: 'Experimental - CSUBNET - Client subnet',
}); // prettier-ignore

const T = {
  A: 1, NS: 2, MD: 3, MF: 4, CNAME: 5, SOA: 6, MB: 7, MG: 8, MR: 9, NULL: 10, PTR: 12, HINFO: 13,
  MINFO: 14, MX: 15, TXT: 16, AAAA: 28, SRV: 33, DNAME: 39, OPT: 41, NSEC: 47, SPF: 99, IXFR: 251, AXFR: 252,
} as const; // prettier-ignore

const TF = (yes: string, no: string): { tf: readonly [string, string] } => ({ tf: [yes, no] });

export const F = fields('dns', {
  '': proto('Domain Name System'),
  length: uint('Length', 16),
  id: hex('Transaction ID', 16),
  flags: hex('Flags', 16),
  'flags.response': bool('Response', 16, 0x8000, TF('Message is a response', 'Message is a query')),
  'flags.opcode': uint('Opcode', 16, { mask: 0x7800, strings: OPCODES }),
  'flags.authoritative': bool(
    'Authoritative',
    16,
    0x0400,
    TF('Server is an authority for domain', 'Server is not an authority for domain'),
  ),
  'flags.conflict': bool('Conflict', 16, 0x0400),
  'flags.truncated': bool('Truncated', 16, 0x0200, TF('Message is truncated', 'Message is not truncated')),
  'flags.recdesired': bool(
    'Recursion desired',
    16,
    0x0100,
    TF('Do query recursively', "Don't do query recursively"),
  ),
  'flags.tentative': bool('Tentative', 16, 0x0100, TF('Tentative', 'Not tentative')),
  'flags.recavail': bool(
    'Recursion available',
    16,
    0x0080,
    TF('Server can do recursive queries', "Server can't do recursive queries"),
  ),
  'flags.z': bool('Z', 16, 0x0040, TF('reserved - incorrect!', 'reserved (0)')),
  'flags.authenticated': bool(
    'Answer authenticated',
    16,
    0x0020,
    TF(
      'Answer/authority portion was authenticated by the server',
      'Answer/authority portion was not authenticated by the server',
    ),
  ),
  'flags.checkdisable': bool('Non-authenticated data', 16, 0x0010, TF('Acceptable', 'Unacceptable')),
  'flags.rcode': uint('Reply code', 16, { mask: 0x000f, strings: RCODES }),
  'count.queries': uint('Questions', 16),
  'count.zones': uint('Zones', 16),
  'count.answers': uint('Answer RRs', 16),
  'count.prerequisites': uint('Prerequisites', 16),
  'count.auth_rr': uint('Authority RRs', 16),
  'count.updates': uint('Updates', 16),
  'count.add_rr': uint('Additional RRs', 16),
  _queries: text('Queries'),
  _query: text('Query'),
  'qry.name': str('Name'),
  'qry.name.len': uint('Name Length', 16, { generated: true }),
  'count.labels': uint('Label Count', 16, { generated: true }),
  'qry.type': uint('Type', 16, { strings: TYPE_LONG }),
  'qry.class': hex('Class', 16, { strings: CLASSES }),
  'qry.qu': bool('"QU" question', 16, 0x8000, TF('True', 'False')),
  _answers: text('Answers'),
  _rr: text('Resource record'),
  'resp.name': str('Name'),
  'resp.class': hex('Class', 16, { strings: CLASSES }),
  'resp.cache_flush': bool('Cache flush', 16, 0x8000, TF('True', 'False')),
  'resp.ttl': uint('Time to live', 32),
  'resp.len': uint('Data length', 16),
  'rr.udp_payload_size': uint('UDP payload size', 16),
  'resp.ext_rcode': hex('Higher bits in extended RCODE', 8),
  'resp.edns0_version': uint('EDNS0 version', 8),
  'resp.z': hex('Z', 16),
  'resp.z.do': bool(
    'DO bit',
    16,
    0x8000,
    TF('Accepts DNSSEC security RRs', 'Cannot handle DNSSEC security RRs'),
  ),
  'resp.z.reserved': hex('Reserved', 16, { mask: 0x7fff }),
  'srv.service': str('Service'),
  'srv.proto': str('Protocol'),
  'srv.name': str('Name'),
  'srv.priority': uint('Priority', 16),
  'srv.weight': uint('Weight', 16),
  'srv.port': uint('Port', 16),
  'srv.target': str('Target'),
  a: ipv4('Address'),
  aaaa: ipv6('AAAA Address'),
  md: str('Mail Destination'),
  mf: str('Mail Forwarder'),
  mb: str('MailBox Domaine'),
  mg: str('Mail Group member'),
  mr: str('Mail Rename domaine'),
  null: bytes('Null (data)'),
  cname: str('CNAME'),
  ns: str('Name Server'),
  dname: str('Dname'),
  'soa.mname': str('Primary name server'),
  'soa.rname': str("Responsible authority's mailbox"),
  'soa.serial_number': uint('Serial Number', 32),
  'soa.refresh_interval': uint('Refresh Interval', 32),
  'soa.retry_interval': uint('Retry Interval', 32),
  'soa.expire_limit': uint('Expire limit', 32),
  'soa.minimum_ttl': uint('Minimum TTL', 32),
  'ptr.domain_name': str('Domain Name'),
  'hinfo.cpu_length': uint('CPU Length', 8),
  'hinfo.cpu': str('CPU'),
  'hinfo.os_length': uint('OS Length', 8),
  'hinfo.os': str('OS'),
  'minfo.r': str('Responsible Mailbox'),
  'minfo.e': str('Error Mailbox'),
  'mx.preference': uint('Preference', 16),
  'mx.mail_exchange': str('Mail Exchange'),
  'txt.length': uint('TXT Length', 8),
  txt: str('TXT'),
  'spf.length': uint('SPF Length', 8),
  spf: str('SPF'),
  'nsec.next_domain_name': str('Next Domain Name'),
  opt: text('Option'),
  'opt.code': uint('Option Code', 16, { strings: OPT_CODES }),
  'opt.len': uint('Option Length', 16),
  'opt.data': bytes('Option Data'),
  'opt.dau': uint('DAU', 8, { strings: DNSSEC_ALGORITHMS }),
  'opt.dhu': uint('DHU', 8, { strings: DIGEST_TYPES }),
  'opt.n3u': uint('N3U', 8, { strings: NSEC3_HASHES }),
  'opt.client.family': uint('Family', 16, { strings: names({ 1: 'IPv4', 2: 'IPv6' }) }),
  'opt.client.netmask': uint('Source Netmask', 8),
  'opt.client.scope': uint('Scope Netmask', 8),
  'opt.client.addr': bytes('Client Subnet'),
  'opt.client.addr4': ipv4('Client Subnet'),
  'opt.client.addr6': ipv6('Client Subnet'),
  'opt.cookie.client': bytes('Client Cookie'),
  'opt.cookie.server': bytes('Server Cookie'),
  'opt.edns_tcp_keepalive.timeout': uint('Timeout', 16),
  'opt.padding': bytes('Padding'),
  'opt.chain.fqdn': str('Closest Trust Point'),
  'opt.ext_error.info_code': uint('Info Code', 16),
  'opt.ext_error.extra_text': str('Extra Text'),
  data: bytes('Data'),
  response_in: { name: 'Response In', type: FieldType.FrameNum, generated: true },
  response_to: { name: 'Request In', type: FieldType.FrameNum, generated: true },
  retransmission: { ...bool('Retransmission', 0, 0, TF('True', 'False')), generated: true },
  retransmit_request_in: {
    name: 'Retransmitted request. Original request in',
    type: FieldType.FrameNum,
    generated: true,
  },
  retransmit_response_in: {
    name: 'Retransmitted response. Original response in',
    type: FieldType.FrameNum,
    generated: true,
  },
  time: { name: 'Time', type: FieldType.RelTime, generated: true },
  unsolicited: { ...bool('Unsolicited', 0, 0, TF('True', 'False')), generated: true },
  dso: text('DNS Stateful Operation'),
  'dso.tlv': text('DSO TLV'),
  'dso.tlv.type': uint('Type', 16),
  'dso.tlv.length': uint('Length', 16),
  'dso.tlv.data': bytes('Data'),
  'dso.tlv.keepalive.inactivity': uint('Inactivity Timeout', 32),
  'dso.tlv.keepalive.interval': uint('Keepalive Interval', 32),
  'dso.tlv.retrydelay.retrydelay': uint('Retry Delay', 32),
  'dso.tlv.encpad.padding': bytes('Padding'),
  _extraneous: text('Extraneous Data'),
  'extraneous.data': bytes('Extraneous Data Bytes'),
  'extraneous.length': {
    name: 'Extraneous Data Length',
    type: FieldType.Int,
    base: 'dec',
    bits: 32,
    generated: true,
  },
});

/** Other dissectors read names as DNS does (DHCP's domain search option). */
export { readName };

const MDNS = fields('mdns', { '': proto('Multicast Domain Name System') });
const LLMNR = fields('llmnr', { '': proto('Link-local Multicast Name Resolution') });

const enum Flavor {
  Dns,
  Mdns,
  Llmnr,
}

/**
 * Wireshark's format_text: printable ASCII as is, valid UTF-8 kept, C escapes for the usual
 * control characters and octal escapes for other bytes.
 */
export function formatText(raw: string): string {
  let simple = true;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f) {
      simple = false;
      break;
    }
  }
  if (simple) return raw;
  let s = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      s += raw[i];
      continue;
    }
    const seq = c >= 0xc2 ? utf8Sequence(raw, i) : 0;
    if (seq > 0) {
      let cp = c & (0xff >> (seq + 1));
      for (let k = 1; k < seq; k++) cp = (cp << 6) | (raw.charCodeAt(i + k) & 0x3f);
      s += String.fromCodePoint(cp);
      i += seq - 1;
      continue;
    }
    const esc = C_ESCAPES[c];
    s += esc !== undefined ? `\\${esc}` : `\\${c.toString(8).padStart(3, '0')}`;
  }
  return s;
}

const C_ESCAPES: Record<number, string> = { 7: 'a', 8: 'b', 12: 'f', 10: 'n', 13: 'r', 9: 't', 11: 'v' };

/** Length of the valid UTF-8 sequence starting at `i` (Latin-1 coded string), or 0. */
function utf8Sequence(raw: string, i: number): number {
  const c = raw.charCodeAt(i);
  const n = c >= 0xf0 ? (c <= 0xf4 ? 4 : 0) : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
  if (n === 0 || i + n > raw.length) return 0;
  for (let k = 1; k < n; k++) {
    const d = raw.charCodeAt(i + k);
    if (d < 0x80 || d > 0xbf) return 0;
  }
  return n;
}

/** Wireshark's qname_labels_count. */
function labelCount(raw: string): number {
  if (raw.length <= 1) return 0;
  let n = 1;
  for (let i = 0; i < raw.length; i++) if (raw.charCodeAt(i) === 0x2e) n++;
  return n;
}

const typeShort = (t: number): string => TYPE_SHORT.get(t) ?? `Unknown (${t})`;

/** One request/response pair (Wireshark's dns_transaction_t). */
interface Transaction {
  id: number;
  request: number;
  reply: number;
  sec: number;
  nsec: number;
  multiple: boolean;
}

/** What a frame learned about its transaction on the first pass, for revisits. */
interface Seen {
  t: Transaction | null;
  retransmission: boolean;
}

class DnsState {
  /** The latest transaction of each conversation and id (what a new message pairs with). */
  readonly open = new Map<number, Transaction>();
  /** Each DNS frame's (first message's) transaction, for revisits (null: a response without a request). */
  readonly byFrame = new FrameMap<Transaction | null>();
  /** The transactions of a frame's further messages (DNS over TCP), in the order they come. */
  readonly more = new Map<number, (Transaction | null)[]>();
  /** The messages that were retransmissions, by `messageKey`. */
  readonly retransmissions = new Set<number>();
  /** The dissection under way and how many of its messages have been tracked. */
  private current: PacketInfo | null = null;
  private count = 0;

  /** Which message of its frame this one is: 0 for the first, as every pass meets them in order. */
  messageIndex(pinfo: PacketInfo): number {
    if (this.current !== pinfo) {
      this.current = pinfo;
      this.count = 0;
    }
    return this.count++;
  }

  known(frame: number, index: number): Transaction | null | undefined {
    return index === 0 ? this.byFrame.get(frame) : this.more.get(frame)?.[index - 1];
  }

  remember(frame: number, index: number, t: Transaction | null): void {
    if (index === 0) this.byFrame.set(frame, t);
    else {
      const list = this.more.get(frame) ?? [];
      list[index - 1] = t;
      this.more.set(frame, list);
    }
  }
}

/** A message's key among all: its frame, and which of the frame's messages it is. */
const messageKey = (frame: number, index: number): number => frame + index * 2 ** 32;

const newState = (): DnsState => new DnsState();

/** Seconds within which a repeated query counts as a retransmission (Wireshark's default). */
const RETRANSMISSION_TIMER = 5;

/** Finds (and on the first pass updates) the transaction this message belongs to. */
function track(pinfo: PacketInfo, id: number, response: boolean): Seen {
  const st = pinfo.state.of('dns', newState);
  const frame = pinfo.meta.number;
  const index = st.messageIndex(pinfo);
  const key = messageKey(frame, index);
  const known = st.known(frame, index);
  if (known !== undefined) return { t: known, retransmission: st.retransmissions.has(key) };
  const seen = first(pinfo, st, id, response);
  if (pinfo.conversation >= 0) st.remember(frame, index, seen.t);
  if (seen.retransmission) st.retransmissions.add(key);
  return seen;
}

/** The first pass over a message: opens, answers or repeats a transaction of its conversation. */
function first(pinfo: PacketInfo, st: DnsState, id: number, response: boolean): Seen {
  if (pinfo.conversation < 0) return { t: null, retransmission: false };
  const frame = pinfo.meta.number;
  const key = pinfo.conversation * 65536 + id;
  const last = st.open.get(key);
  if (response) {
    if (!last) return { t: null, retransmission: false };
    let retransmission = false;
    if (last.reply === 0) last.reply = frame;
    else if (!last.multiple) retransmission = true;
    return { t: last, retransmission };
  }
  if (last && last.reply === 0) {
    const dt = pinfo.meta.tsSec - last.sec + (pinfo.meta.tsNsec - last.nsec) / 1e9;
    if (dt < RETRANSMISSION_TIMER) return { t: last, retransmission: true };
  }
  const t: Transaction = {
    id,
    request: frame,
    reply: 0,
    sec: pinfo.meta.tsSec,
    nsec: pinfo.meta.tsNsec,
    multiple: false,
  };
  st.open.set(key, t);
  return { t, retransmission: false };
}

/** Builds the message's Info text only when the Info column is wanted. */
class Info {
  text = '';
  constructor(readonly on: boolean) {}
  add(s: string): void {
    if (this.on) this.text += s;
  }
}

export interface Ctx extends RdataCtx {
  flavor: Flavor;
  info: Info;
  /** Whether any name or RR text is needed (tree, collector or Info). */
  detail: boolean;
}

export function dissectDNS(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  return dissectMessage(tvb, pinfo, tree, Flavor.Dns, false);
}

export function dissectMDNS(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  return dissectMessage(tvb, pinfo, tree, Flavor.Mdns, false);
}

export function dissectLLMNR(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  return dissectMessage(tvb, pinfo, tree, Flavor.Llmnr, false);
}

/**
 * DNS on any UDP port, as Wireshark 4.0's enabled "dns_udp" heuristic takes it: more than a
 * header, a standard query or its response; a query with one question and no answer or authority
 * records, a response with at most one question (checked against tshark on crafted datagrams).
 */
function heuristicDNS(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  const o = tvb.start;
  if (tvb.reportedRemaining(o) <= 12 || tvb.remaining(o) < 12) return false;
  const flags = tvb.u16(o + 2);
  const questions = tvb.u16(o + 4);
  if ((flags & 0x7800) !== 0) return false;
  const plausible =
    (flags & 0x8000) !== 0 ? questions <= 1 : questions === 1 && tvb.u16(o + 6) === 0 && tvb.u16(o + 8) === 0;
  if (!plausible) return false;
  dissectDNS(tvb, pinfo, tree);
  return true;
}

/**
 * DNS over TCP: each message behind a 2-byte length (Wireshark's tcp_dissect_pdus). A message
 * cut at the segment's end asks TCP for the rest when it may, else is dissected as far as it goes.
 */
export function dissectDNSTcp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  let off = tvb.start;
  const end = tvb.reportedEnd;
  while (off < end) {
    const avail = tvb.remaining(off);
    if (avail < 2) {
      if (pinfo.canDesegment) {
        pinfo.desegmentOffset = off - tvb.start;
        pinfo.desegmentLen = DESEGMENT_ONE_MORE_SEGMENT;
        return tvb.remaining(tvb.start);
      }
    }
    const plen = tvb.u16(off) + 2;
    if (avail < plen && pinfo.canDesegment && tvb.reportedRemaining(off) < plen) {
      pinfo.desegmentOffset = off - tvb.start;
      pinfo.desegmentLen = plen - avail;
      return tvb.remaining(tvb.start);
    }
    const sub = tvb.sub(off, Math.min(plen, tvb.reportedRemaining(off)));
    addPduSize(tree, tvb, off, Math.min(plen, tvb.remaining(off)), plen);
    // The messages of one segment are one layer (frame.protocols names dns once).
    dissectMessage(sub, pinfo, tree, Flavor.Dns, true, off === tvb.start);
    off += plen;
  }
  return tvb.remaining(tvb.start);
}

const PROTO_NAMES = ['DNS', 'MDNS', 'LLMNR'] as const;
const LAYER_NAMES = ['dns', 'mdns', 'llmnr'] as const;

function dissectMessage(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  flavor: Flavor,
  tcp: boolean,
  newLayer = true,
): number {
  const base = tvb.start;
  const o = tcp ? base + 2 : base;
  if (newLayer) pinfo.layers.push(LAYER_NAMES[flavor]);
  pinfo.setProto(PROTO_NAMES[flavor]);
  pinfo.hints |= Hint.Dns;
  const id = tvb.u16(o);
  const flags = tvb.u16(o + 2);
  const response = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 0xf;
  const rcode = flags & 0xf;
  const info = new Info(pinfo.wantInfo);
  if (info.on) {
    info.add(
      `${OPCODES.get(opcode) ?? `Unknown operation (${opcode})`}${response ? ' response' : ''} 0x${hex4(id)}`,
    );
    if (response && rcode !== 0) info.add(` ${RCODES.get(rcode) ?? `Unknown error (${rcode})`}`);
    pinfo.setInfo(info.text);
  }
  const protoDef = flavor === Flavor.Mdns ? MDNS[''] : flavor === Flavor.Llmnr ? LLMNR[''] : F[''];
  const reported = tvb.reportedRemaining(base);
  tree.push(protoDef, tvb, base, Math.min(reported, tvb.remaining(base)));
  if (tree.full) tree.label(`${protoDef.name} (${response ? 'response' : 'query'})`);
  const ctx: Ctx = {
    tvb,
    pinfo,
    tree,
    msg: o,
    flavor,
    info,
    detail: tree !== NULL_TREE || info.on,
  };
  try {
    const seen = pinfo.inError ? null : track(pinfo, id, response);
    if (tcp) tree.add(F.length, tvb, base, 2, tvb.u16(base));
    // A retransmission's note goes under the ID once the message has been read in full: a
    // message that fails has none. (Collected values get it after the body's own notes.)
    let idNode: FieldNode | null = null;
    if (seen?.retransmission && tree.full) {
      tree.push(F.id, tvb, o, 2, id);
      idNode = tree.current();
      tree.pop();
    } else tree.add(F.id, tvb, o, 2, id);
    if (tree !== NULL_TREE) addFlags(ctx, flags);
    const update = opcode === OPCODE.UPDATE;
    const countDefs = update
      ? [F['count.zones'], F['count.prerequisites'], F['count.updates'], F['count.add_rr']]
      : [F['count.queries'], F['count.answers'], F['count.auth_rr'], F['count.add_rr']];
    // Each count shows as it is read: a header cut short shows the counts it has.
    const counts = countDefs.map((def, i) => {
      const n = tvb.u16(o + 4 + 2 * i);
      tree.add(def, tvb, o + 4 + 2 * i, 2, n);
      return n;
    }) as [number, number, number, number];
    let off = o + 12;
    if (!ctx.detail) {
      // Summary mode: nothing below the header feeds a column.
      tree.pop();
      return tvb.remaining(base);
    }
    try {
      if (opcode === OPCODE.DSO && counts.every((n) => n === 0)) off = dsoTlvs(ctx, off);
      if (counts[0] > 0) {
        const r = section(ctx, off, counts[0], update ? 'Zone' : 'Queries', true);
        off = r.off;
        if (seen?.t && r.multiple && seen.t.request === pinfo.meta.number) seen.t.multiple = true;
      }
      if (counts[1] > 0) off = section(ctx, off, counts[1], update ? 'Prerequisites' : 'Answers', false).off;
      if (counts[2] > 0)
        off = section(ctx, off, counts[2], update ? 'Updates' : 'Authoritative nameservers', false).off;
      if (counts[3] > 0) off = section(ctx, off, counts[3], 'Additional records', false).off;
    } finally {
      if (info.on) pinfo.setInfo(info.text);
    }
    if (seen) {
      addTracking(ctx, seen, response);
      if (seen.retransmission) retransmissionNote(ctx, seen, response, idNode);
    }
    const extra = tvb.reportedEnd - off;
    if (extra > 0 && tree !== NULL_TREE) addExtraneous(ctx, off, extra);
  } finally {
    tree.pop();
  }
  return tvb.remaining(base);
}

const OPCODE = { UPDATE: 5, DSO: 6 } as const;

/** DSO TLV types (RFC 8490), as value ranges. */
const DSO_TYPES: readonly (readonly [number, number, string])[] = [
  [0, 0, 'Reserved'],
  [1, 1, 'Keep Alive'],
  [2, 2, 'Retry Delay'],
  [3, 3, 'Encryption Padding'],
  [4, 63, 'Unassigned, reserved for DSO session-management TLVs'],
  [64, 64, 'Subscribe'],
  [65, 65, 'Push'],
  [66, 66, 'Unsubscribe'],
  [67, 67, 'Reconfirm'],
  [68, 63487, 'Unassigned'],
  [63488, 64511, 'Reserved for Experimental/Local Use'],
  [64512, 65535, 'Reserved for future expansion'],
];

/** A DNS Stateful Operations message's TLVs (RFC 8490), to the end of the message. */
function dsoTlvs(ctx: Ctx, start: number): number {
  const { tvb, tree } = ctx;
  const end = tvb.reportedEnd;
  tvb.u16(start);
  tree.push(F.dso, tvb, start, Math.min(end, tvb.end) - start);
  let p = start;
  try {
    while (p < end) p += dsoTlv(ctx, p);
  } finally {
    tree.pop();
  }
  return p;
}

function dsoTlv(ctx: Ctx, at: number): number {
  const { tvb, tree } = ctx;
  const type = tvb.u16(at);
  const len = tvb.u16(at + 2);
  const name = rangeName(DSO_TYPES, type);
  tree.push(F['dso.tlv'], tvb, at, 4 + len);
  if (tree.full) tree.label(`DSO TLV: ${name}`);
  try {
    tree.add(F['dso.tlv.type'], tvb, at, 2, type);
    if (tree.full) tree.labelLast(`Type: ${name} (${type})`);
    tree.add(F['dso.tlv.length'], tvb, at + 2, 2, len);
    const d = at + 4;
    if (type === 1) {
      tree.add(F['dso.tlv.keepalive.inactivity'], tvb, d, 4, tvb.u32(d));
      tree.add(F['dso.tlv.keepalive.interval'], tvb, d + 4, 4, tvb.u32(d + 4));
    } else if (type === 2) {
      tree.add(F['dso.tlv.retrydelay.retrydelay'], tvb, d, 4, tvb.u32(d));
    } else if (len > 0) {
      tvb.need(d, len);
      tree.add(type === 3 ? F['dso.tlv.encpad.padding'] : F['dso.tlv.data'], tvb, d, len);
    }
  } finally {
    tree.pop();
  }
  return 4 + len;
}

/** Bytes after the last record. */
function addExtraneous(ctx: Ctx, off: number, extra: number): void {
  const { tvb, tree } = ctx;
  const shown = Math.min(extra, tvb.remaining(off));
  tree.push(F._extraneous, tvb, off, shown);
  tree.add(F['extraneous.data'], tvb, off, shown);
  tree.add(F['extraneous.length'], tvb, off, 0, extra);
  // tshark -V prints no line for this note, but its fields and filters see it.
  if (!tree.full) expert(ctx.pinfo, tree, tvb, off, shown, 'Note', 'Undecoded', 'Extraneous data');
  tree.pop(undefined, `Extraneous Data (${extra} bytes)`);
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

function addFlags(ctx: Ctx, flags: number): void {
  const { tvb, tree, msg } = ctx;
  const o = msg + 2;
  const response = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 0xf;
  const rcode = flags & 0xf;
  tree.push(F.flags, tvb, o, 2, flags);
  if (tree.full) {
    let label = `Flags: 0x${hex4(flags)} ${OPCODES.get(opcode) ?? 'Unknown operation'}`;
    if (response) label += ` response, ${RCODES.get(rcode) ?? 'Unknown error'}`;
    tree.label(label);
  }
  const bit = (def: FieldDef): void => tree.add(def, tvb, o, 2, (flags & (def.mask as number)) !== 0);
  bit(F['flags.response']);
  tree.add(F['flags.opcode'], tvb, o, 2, opcode);
  if (ctx.flavor === Flavor.Llmnr) {
    bit(F['flags.conflict']);
    if (tree.full) {
      const on = (flags & 0x0400) !== 0;
      const words = response
        ? ['The name is not considered unique', 'The name is considered unique']
        : ['The sender received multiple responses', 'None'];
      tree.labelLast(
        `${bitPicture(F['flags.conflict'], on ? 1 : 0)} = Conflict: ${on ? words[0] : words[1]}`,
      );
    }
    bit(F['flags.truncated']);
    bit(F['flags.tentative']);
  } else {
    if (response) bit(F['flags.authoritative']);
    bit(F['flags.truncated']);
    bit(F['flags.recdesired']);
    if (response) bit(F['flags.recavail']);
    bit(F['flags.z']);
    if (response) bit(F['flags.authenticated']);
    else if (flags & 0x0020) {
      // A query's AD bit (RFC 6840) has its own label in Wireshark.
      bit(F['flags.authenticated']);
      if (tree.full) tree.labelLast(`${bitPicture(F['flags.authenticated'], 1)} = AD bit: Set`);
    }
    bit(F['flags.checkdisable']);
  }
  if (response) tree.add(F['flags.rcode'], tvb, o, 2, rcode);
  tree.pop();
}

function section(
  ctx: Ctx,
  start: number,
  count: number,
  title: string,
  queries: boolean,
): { off: number; multiple: boolean } {
  const { tvb, tree } = ctx;
  tree.push(queries ? F._queries : F._answers, tvb, start, 0);
  if (tree.full) tree.label(title);
  let off = start;
  let multiple = false;
  try {
    for (let i = 0; i < count; i++) {
      if (queries) {
        const q = query(ctx, off);
        off += q.used;
        if (q.type === T.AXFR || q.type === T.IXFR) multiple = true;
      } else {
        off += resourceRecord(ctx, off);
      }
    }
  } finally {
    tree.pop(off - start);
  }
  return { off, multiple };
}

function query(ctx: Ctx, start: number): { used: number; type: number } {
  const { tvb, tree, info } = ctx;
  const name = readName(tvb, start, ctx.msg);
  const at = start + name.used;
  const type = tvb.u16(at);
  let cls = tvb.u16(at + 2);
  const mdns = ctx.flavor === Flavor.Mdns;
  const qu = mdns && (cls & 0x8000) !== 0;
  if (mdns) cls &= 0x7fff;
  const shown = nameText(name.raw);
  info.add(` ${typeShort(type)} ${shown}`);
  if (mdns) info.add(`, "${qu ? 'QU' : 'QM'}" question`);
  if (tree === NULL_TREE) return { used: name.used + 4, type };
  tree.push(F._query, tvb, start, name.used + 4);
  if (tree.full) {
    let label = `${shown}: type ${typeShort(type)}, class ${CLASSES.get(cls) ?? 'Unknown'}`;
    if (mdns) label += `, "${qu ? 'QU' : 'QM'}" question`;
    tree.label(label);
  }
  tree.add(F['qry.name'], tvb, start, name.used, shown);
  const rawLen = name.raw.length;
  tree.add(F['qry.name.len'], tvb, start, name.used, rawLen > 1 ? rawLen : 0);
  tree.add(F['count.labels'], tvb, start, name.used, labelCount(name.raw));
  tree.add(F['qry.type'], tvb, at, 2, type);
  tree.add(F['qry.class'], tvb, at + 2, 2, cls);
  if (mdns) {
    if (tree.full)
      tree.labelLast(`${bitPicture({ ...F['qry.class'], mask: 0x7fff }, cls)} = ${classLabel(cls)}`);
    tree.add(F['qry.qu'], tvb, at + 2, 2, qu);
  }
  tree.pop();
  return { used: name.used + 4, type };
}

const classLabel = (cls: number): string => `Class: ${CLASSES.get(cls) ?? 'Unknown'} (0x${hex4(cls)})`;

/** One resource record; returns the bytes it took. */
function resourceRecord(ctx: Ctx, start: number): number {
  const { tvb, tree, info } = ctx;
  const name = readName(tvb, start, ctx.msg);
  let at = start + name.used;
  const type = tvb.u16(at);
  let cls = tvb.u16(at + 2);
  const mdns = ctx.flavor === Flavor.Mdns;
  const flush = mdns && (cls & 0x8000) !== 0;
  if (mdns) cls &= 0x7fff;
  const dataLen = tvb.u16(at + 8);
  const data = at + 10;
  info.add(` ${typeShort(type)}`);
  if (flush) info.add(', cache flush');
  const owner = nameText(name.raw);
  const full = tree.full;
  // The record's subtree spans its data: data cut short ends the message before the subtree.
  tvb.need(start, data - start + dataLen);
  if (tree !== NULL_TREE) {
    tree.push(F._rr, tvb, start, data - start + dataLen);
    if (full) {
      tree.label(
        type === T.OPT
          ? `${owner}: type ${typeShort(type)}`
          : `${owner}: type ${typeShort(type)}, class ${CLASSES.get(cls) ?? 'Unknown'}${flush ? ', cache flush' : ''}`,
      );
    }
    if (type === T.SRV && name.raw !== '<Root>' && name.raw !== '') {
      const parts = splitSrv(owner);
      tree.add(F['srv.service'], tvb, start, name.used, parts[0]);
      if (parts[1] !== undefined) tree.add(F['srv.proto'], tvb, start, name.used, parts[1]);
      if (parts[2] !== undefined) tree.add(F['srv.name'], tvb, start, name.used, parts[2]);
    } else {
      tree.add(F['resp.name'], tvb, start, name.used, owner);
    }
    tree.add(R['resp.type'], tvb, at, 2, type);
    at += 2;
    if (type === T.OPT) {
      const size = tvb.u16(at);
      if (mdns) {
        // mDNS's variant of the field is hex and masked: tshark prints it so.
        const v = `0x${hex4(size & 0x7fff)}`;
        tree.add(F['rr.udp_payload_size'], tvb, at, 2, v);
        if (full)
          tree.labelLast(
            `${bitPicture({ ...F['resp.class'], mask: 0x7fff }, size & 0x7fff)} = UDP payload size: ${v}`,
          );
      } else tree.add(F['rr.udp_payload_size'], tvb, at, 2, size);
      if (mdns) tree.add(F['resp.cache_flush'], tvb, at, 2, flush);
      tree.add(F['resp.ext_rcode'], tvb, at + 2, 1, tvb.u8(at + 2));
      tree.add(F['resp.edns0_version'], tvb, at + 3, 1, tvb.u8(at + 3));
      const z = tvb.u16(at + 4);
      tree.push(F['resp.z'], tvb, at + 4, 2, z);
      tree.add(F['resp.z.do'], tvb, at + 4, 2, (z & 0x8000) !== 0);
      tree.add(F['resp.z.reserved'], tvb, at + 4, 2, z & 0x7fff);
      tree.pop();
    } else {
      tree.add(F['resp.class'], tvb, at, 2, cls);
      if (mdns) {
        if (full)
          tree.labelLast(`${bitPicture({ ...F['resp.class'], mask: 0x7fff }, cls)} = ${classLabel(cls)}`);
        tree.add(F['resp.cache_flush'], tvb, at, 2, flush);
      }
      const ttl = tvb.u32(at + 2);
      tree.add(F['resp.ttl'], tvb, at + 2, 4, ttl);
      if (full) tree.labelLast(`Time to live: ${ttl} (${secondsText(ttl)})`);
      if (ttl & 0x80000000) {
        expert(
          ctx.pinfo,
          tree,
          tvb,
          at + 2,
          4,
          'Warning',
          'Protocol',
          'The uppermost bit of the TTL is set (RFC 2181, section 8)',
        );
      }
    }
    tree.add(F['resp.len'], tvb, at + 6, 2, dataLen);
  }
  try {
    if (dataLen > 0) rdata(ctx, type, data, dataLen, owner, mdns);
  } finally {
    if (tree !== NULL_TREE) tree.pop();
  }
  return data - start + dataLen;
}

function splitSrv(name: string): (string | undefined)[] {
  const a = name.indexOf('.');
  if (a < 0) return [name];
  const b = name.indexOf('.', a + 1);
  if (b < 0) return [name.slice(0, a), name.slice(a + 1)];
  return [name.slice(0, a), name.slice(a + 1, b), name.slice(b + 1)];
}

function aRecord(ctx: Ctx, at: number): void {
  const { tvb, tree } = ctx;
  const addr = tvb.u32(at);
  const s = formatIPv4(addr);
  ctx.info.add(` ${s}`);
  appendLabel(ctx, `, addr ${s}`);
  tree.add(F.a, tvb, at, 4, addr);
}

function aaaaRecord(ctx: Ctx, at: number): void {
  const { tvb, tree } = ctx;
  tvb.need(at, 16);
  const s = formatIPv6(tvb.bytes, at);
  ctx.info.add(` ${s}`);
  appendLabel(ctx, `, addr ${s}`);
  tree.add(F.aaaa, tvb, at, 16);
}

/** NS, CNAME, PTR and DNAME: one domain name. */
function nameRecord(ctx: Ctx, type: number, at: number): void {
  const def =
    type === T.NS ? F.ns : type === T.CNAME ? F.cname : type === T.PTR ? F['ptr.domain_name'] : F.dname;
  const n = rdName(ctx, def, at);
  ctx.info.add(` ${n.text}`);
  const word = type === T.NS ? ', ns ' : type === T.CNAME ? ', cname ' : type === T.PTR ? ', ' : ', dname ';
  appendLabel(ctx, `${word}${n.text}`);
}

function soaRecord(ctx: Ctx, at: number): void {
  const { tvb, tree } = ctx;
  const m = rdName(ctx, F['soa.mname'], at);
  ctx.info.add(` ${m.text}`);
  appendLabel(ctx, `, mname ${m.text}`);
  let p = at + m.used;
  p += rdName(ctx, F['soa.rname'], p).used;
  tree.add(F['soa.serial_number'], tvb, p, 4, tvb.u32(p));
  p += 4;
  for (const def of [
    F['soa.refresh_interval'],
    F['soa.retry_interval'],
    F['soa.expire_limit'],
    F['soa.minimum_ttl'],
  ]) {
    const v = tvb.u32(p);
    tree.add(def, tvb, p, 4, v);
    if (tree.full) tree.labelLast(`${def.name}: ${v} (${secondsText(v)})`);
    p += 4;
  }
}

function hinfoRecord(ctx: Ctx, at: number): void {
  const { tvb, tree } = ctx;
  const cpuLen = tvb.u8(at);
  const cpu = tvb.ascii(at + 1, cpuLen);
  const osAt = at + 1 + cpuLen;
  const osLen = tvb.u8(osAt);
  const os = tvb.ascii(osAt + 1, osLen);
  ctx.info.add(` ${wireCutText(cpu)} ${wireCutText(os)}`);
  appendLabel(ctx, `, CPU ${wireCutText(cpu)}, OS ${wireCutText(os)}`);
  tree.add(F['hinfo.cpu_length'], tvb, at, 1, cpuLen);
  asciiItem(ctx, F['hinfo.cpu'], at + 1, cpuLen);
  tree.add(F['hinfo.os_length'], tvb, osAt, 1, osLen);
  asciiItem(ctx, F['hinfo.os'], osAt + 1, osLen);
}

function mxRecord(ctx: Ctx, at: number): void {
  const { tvb, tree } = ctx;
  const pref = tvb.u16(at);
  const n = readName(tvb, at + 2, ctx.msg);
  const text = nameText(n.raw);
  ctx.info.add(` ${pref} ${text}`);
  appendLabel(ctx, `, preference ${pref}, mx ${text}`);
  tree.add(F['mx.preference'], tvb, at, 2, pref);
  tree.add(F['mx.mail_exchange'], tvb, at + 2, n.used, text);
}

/** TXT and SPF: length-prefixed strings to the end of the data. */
function txtRecord(ctx: Ctx, type: number, at: number, len: number, mdns: boolean): void {
  const { tvb, tree } = ctx;
  const lenDef = type === T.TXT ? F['txt.length'] : F['spf.length'];
  const def = type === T.TXT ? F.txt : F.spf;
  let p = at;
  let left = len;
  while (left > 0) {
    const n = tvb.u8(p);
    tree.add(lenDef, tvb, p, 1, n);
    p++;
    left--;
    if (mdns && type === T.TXT) {
      tvb.need(p, n);
      tree.add(def, tvb, p, n, bytesText(tvb.bytes, p, p + n, false, false));
    } else asciiItem(ctx, def, p, n);
    p += n;
    left -= n;
  }
}

function srvRecord(ctx: Ctx, at: number): void {
  const { tvb, tree } = ctx;
  const prio = tvb.u16(at);
  const weight = tvb.u16(at + 2);
  const port = tvb.u16(at + 4);
  tree.add(F['srv.priority'], tvb, at, 2, prio);
  tree.add(F['srv.weight'], tvb, at + 2, 2, weight);
  tree.add(F['srv.port'], tvb, at + 4, 2, port);
  const t = rdName(ctx, F['srv.target'], at + 6);
  ctx.info.add(` ${prio} ${weight} ${port} ${t.text}`);
  appendLabel(ctx, `, priority ${prio}, weight ${weight}, port ${port}, target ${t.text}`);
}

function nsecRecord(ctx: Ctx, at: number, len: number): void {
  const n = rdName(ctx, F['nsec.next_domain_name'], at);
  ctx.info.add(` ${n.text}`);
  appendLabel(ctx, `, next domain name ${n.text}`);
  typeBitmap(ctx, at + n.used, len - n.used);
}

/** MD, MF, MB, MG, MR: the owner in Info, one domain name. */
function mailboxRecord(ctx: Ctx, type: number, at: number, owner: string): void {
  ctx.info.add(` ${cString(owner)}`);
  const def = [F.md, F.mf, F.mb, F.mg, F.mr][type - T.MD] as FieldDef;
  rdName(ctx, def, at);
}

function rdata(ctx: Ctx, type: number, at: number, len: number, owner: string, mdns: boolean): void {
  const { tvb, tree, info } = ctx;
  switch (type) {
    case T.A:
      return aRecord(ctx, at);
    case T.AAAA:
      return aaaaRecord(ctx, at);
    case T.NS:
    case T.CNAME:
    case T.PTR:
    case T.DNAME:
      return nameRecord(ctx, type, at);
    case T.MD:
    case T.MF:
    case T.MB:
    case T.MG:
    case T.MR:
      return mailboxRecord(ctx, type, at, owner);
    case T.NULL:
      info.add(` ${cString(owner)}`);
      tree.add(F.null, tvb, at, len);
      return;
    case T.SOA:
      return soaRecord(ctx, at);
    case T.HINFO:
      return hinfoRecord(ctx, at);
    case T.MINFO: {
      info.add(` ${cString(owner)}`);
      const r = rdName(ctx, F['minfo.r'], at);
      rdName(ctx, F['minfo.e'], at + r.used);
      return;
    }
    case T.MX:
      return mxRecord(ctx, at);
    case T.TXT:
    case T.SPF:
      return txtRecord(ctx, type, at, len, mdns);
    case T.SRV:
      return srvRecord(ctx, at);
    case T.NSEC:
      return nsecRecord(ctx, at, len);
    case T.OPT:
      return ednsOptions(ctx, at, len);
    default:
      if (decodeRdata(ctx, type, at, len, owner)) return;
      // The types tshark 4.0 has no decoder for: a note, then the raw bytes.
      expert(
        ctx.pinfo,
        tree,
        tvb,
        at,
        len,
        'Note',
        'Undecoded',
        `Dissector for DNS Type (${type}) code not implemented, Contact Wireshark developers if you want this supported`,
      );
      tree.add(F.data, tvb, at, len);
      return;
  }
}

/**
 * An ENC_ASCII string as a record label and the Info column show it: its UTF-8 form cut to the
 * bytes it had on the wire (each U+FFFD takes three), up to a NUL, with format_text's escapes.
 */
function wireCutText(raw: string): string {
  const utf8 = new Uint8Array(raw.length);
  for (let i = 0, j = 0; i < raw.length && j < utf8.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x80) utf8[j++] = c;
    else for (const b of [0xef, 0xbf, 0xbd]) if (j < utf8.length) utf8[j++] = b;
  }
  return tvbFormatStringzpad(utf8, 0, utf8.length);
}

function ednsOptions(ctx: Ctx, at: number, len: number): void {
  const { tvb, tree } = ctx;
  let p = at;
  let left = len;
  while (left > 0) {
    const code = tvb.u16(p);
    const optLen = tvb.u16(p + 2);
    const d = p + 4;
    tree.push(F.opt, tvb, p, 4 + optLen);
    if (tree.full) tree.label(`Option: ${OPT_CODES.get(code) ?? `Unknown (${code})`}`);
    if (code === OPT.CSUBNET_OLD) {
      tree.push(F['opt.code'], tvb, p, 2, code);
      expert(
        ctx.pinfo,
        tree,
        tvb,
        p,
        2,
        'Warning',
        'Protocol',
        'Deprecated opcode. Client subnet OPT assigned as 8.',
      );
      tree.pop();
    } else tree.add(F['opt.code'], tvb, p, 2, code);
    tree.add(F['opt.len'], tvb, p + 2, 2, optLen);
    tvb.need(d, optLen);
    if (optLen > 0) tree.add(F['opt.data'], tvb, d, optLen);
    else missingBytes(tree, tvb, F['opt.data'], d);
    ednsOption(ctx, code, d, optLen);
    tree.pop();
    p += 4 + optLen;
    left -= 4 + optLen;
  }
}

/** EDNS option codes decoded beyond their bytes. */
const OPT = {
  DAU: 5, DHU: 6, N3U: 7, CSUBNET: 8, COOKIE: 10, TCP_KEEPALIVE: 11, PADDING: 12, CHAIN: 13,
  EXT_ERROR: 15, CSUBNET_OLD: 0x50fa,
} as const; // prettier-ignore

/** Extended DNS Error info codes (RFC 8914), as value ranges. */
const EXT_ERRORS: readonly (readonly [number, number, string])[] = [
  ...[
    'Other Error', 'Unsupported DNSKEY Algorithm', 'Unsupported DS Digest Type', 'Stale Answer',
    'Forged Answer', 'DNSSEC Indeterminate', 'DNSSEC Bogus', 'Signature Expired',
    'Signature Not Yet Valid', 'DNSKEY Missing', 'RRSIGs Missing', 'No Zone Key Bit Set',
    'NSEC Missing', 'Cached Error', 'Not Ready', 'Blocked', 'Censored', 'Filtered', 'Prohibited',
    'Stale NXDomain Answer', 'Not Authoritative', 'Not Supported', 'No Reachable Authority',
    'Network Error', 'Invalid Data', 'Signature Expired before Valid', 'Too Early',
    'Unsupported NSEC3 Iterations Value', 'Unable to conform to policy', 'Synthesized',
  ].map((name, i) => [i, i, name] as const),
  [30, 49151, 'Unassigned'],
  [49152, 65535, 'Reserved for Private Use'],
]; // prettier-ignore

/** The decoded items of one EDNS option's data. */
function ednsOption(ctx: Ctx, code: number, d: number, optLen: number): void {
  const { tvb, tree } = ctx;
  switch (code) {
    case OPT.DAU:
    case OPT.DHU:
    case OPT.N3U: {
      const def = code === OPT.DAU ? F['opt.dau'] : code === OPT.DHU ? F['opt.dhu'] : F['opt.n3u'];
      for (let i = 0; i < optLen; i++) tree.add(def, tvb, d + i, 1, tvb.u8(d + i));
      return;
    }
    case OPT.CSUBNET:
    case OPT.CSUBNET_OLD:
      return clientSubnet(ctx, d, optLen);
    case OPT.COOKIE:
      if (optLen >= 8) {
        tree.add(F['opt.cookie.client'], tvb, d, 8);
        if (optLen > 8) tree.add(F['opt.cookie.server'], tvb, d + 8, optLen - 8);
        else missingBytes(tree, tvb, F['opt.cookie.server'], d + 8);
      }
      return;
    case OPT.TCP_KEEPALIVE:
      if (optLen === 2) tree.add(F['opt.edns_tcp_keepalive.timeout'], tvb, d, 2, tvb.u16(d));
      return;
    case OPT.PADDING:
      if (optLen > 0) tree.add(F['opt.padding'], tvb, d, optLen);
      return;
    case OPT.CHAIN:
      if (optLen > 0) tree.add(F['opt.chain.fqdn'], tvb, d, optLen, asciiText(cString(tvb.ascii(d, optLen))));
      return;
    case OPT.EXT_ERROR: {
      if (optLen < 2) return;
      const info = tvb.u16(d);
      tree.add(F['opt.ext_error.info_code'], tvb, d, 2, info);
      if (tree.full) tree.labelLast(`Info Code: ${rangeName(EXT_ERRORS, info)} (${info})`);
      if (optLen > 2)
        tree.add(
          F['opt.ext_error.extra_text'],
          tvb,
          d + 2,
          optLen - 2,
          asciiText(tvb.ascii(d + 2, optLen - 2)),
        );
      return;
    }
    default:
      return;
  }
}

/** EDNS Client Subnet (RFC 7871): the address bytes sent, zero-filled to a whole address. */
function clientSubnet(ctx: Ctx, d: number, optLen: number): void {
  const { tvb, tree } = ctx;
  const family = tvb.u16(d);
  tree.add(F['opt.client.family'], tvb, d, 2, family);
  tree.add(F['opt.client.netmask'], tvb, d + 2, 1, tvb.u8(d + 2));
  tree.add(F['opt.client.scope'], tvb, d + 3, 1, tvb.u8(d + 3));
  const n = optLen - 4;
  if (n < 0) return;
  if (family === 1) {
    tree.add(F['opt.client.addr4'], tvb, d + 4, n, readIPv4(paddedAddress(tvb.bytes, d + 4, n, 4), 0));
  } else if (family === 2) {
    const addr = formatIPv6(paddedAddress(tvb.bytes, d + 4, n, 16), 0);
    tree.add(F['opt.client.addr6'], tvb, d + 4, n, addr);
    if (tree.full) tree.labelLast(`Client Subnet: ${addr}`);
  } else if (n > 0) {
    tree.add(F['opt.client.addr'], tvb, d + 4, n);
  }
}

function addTracking(ctx: Ctx, seen: Seen, response: boolean): void {
  const { tvb, tree, pinfo } = ctx;
  const t = seen.t;
  const at = ctx.msg;
  const frame = pinfo.meta.number;
  if (!response) {
    if (seen.retransmission && t && t.request !== frame) {
      tree.add(F.retransmit_request_in, tvb, at, 0, t.request);
      if (tree.full) tree.labelLast(`[Retransmitted request. Original request in: ${t.request}]`);
      tree.add(F.retransmission, tvb, at, 0, true);
      if (tree.full) tree.labelLast('[Retransmission: True]');
    } else if (t && t.request === frame && t.reply > 0 && t.reply !== frame) {
      tree.add(F.response_in, tvb, at, 0, t.reply);
      if (tree.full) tree.labelLast(`[Response In: ${t.reply}]`);
    }
    return;
  }
  if (t) {
    if (seen.retransmission) {
      tree.add(F.retransmit_response_in, tvb, at, 0, t.reply);
      if (tree.full) tree.labelLast(`[Retransmitted response. Original response in: ${t.reply}]`);
      tree.add(F.retransmission, tvb, at, 0, true);
      if (tree.full) tree.labelLast('[Retransmission: True]');
    } else {
      tree.add(F.response_to, tvb, at, 0, t.request);
      if (tree.full) tree.labelLast(`[Request In: ${t.request}]`);
      if (tree.wants(F.time)) {
        const m = pinfo.meta;
        const delta = formatDelta(m.tsSec, m.tsNsec, t.sec, t.nsec);
        tree.add(F.time, tvb, at, 0, delta);
        if (tree.full) tree.labelLast(`[Time: ${delta} seconds]`);
      }
    }
  } else {
    tree.add(F.unsolicited, tvb, at, 0, true);
    if (tree.full) tree.labelLast('[Unsolicited: True]');
  }
}

/** The expert note of a retransmitted query or response, under its Transaction ID. */
function retransmissionNote(ctx: Ctx, seen: Seen, response: boolean, idNode: FieldNode | null): void {
  const { tvb, tree, pinfo } = ctx;
  const t = seen.t;
  if (!t) return;
  const req = !response && t.request !== pinfo.meta.number;
  if (!req && !response) return;
  const what = req
    ? `DNS query retransmission. Original request in frame ${t.request}`
    : `DNS response retransmission. Original response in frame ${t.reply}`;
  if (tree.full) tree.reopen(idNode);
  expert(pinfo, tree, tvb, ctx.msg, 2, 'Warning', 'Protocol', what);
  if (tree.full) tree.pop();
}

export const dnsModule = {
  fields: { ...F, ...R, mdns: MDNS[''], llmnr: LLMNR[''] },
  handoff(reg: Registry): void {
    reg.register('udpPort', 53, dissectDNS);
    reg.register('tcpPort', 53, dissectDNSTcp);
    reg.register('udpPort', 5353, dissectMDNS);
    reg.register('udpPort', 5355, dissectLLMNR);
    reg.heuristics.udp.push(heuristicDNS);
  },
};
