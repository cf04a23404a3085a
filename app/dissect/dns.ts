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
import { NULL_TREE, type Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';
import { formatIPv4, formatIPv6, readIPv4 } from '../format/address.ts';
import { formatDelta } from '../format/time.ts';
import { FrameMap } from './frame-map.ts';

/** Short type names (Info column, subtree labels). */
const TYPE_SHORT = names({
  0: 'Unused', 1: 'A', 2: 'NS', 3: 'MD', 4: 'MF', 5: 'CNAME', 6: 'SOA', 7: 'MB', 8: 'MG', 9: 'MR',
  10: 'NULL', 11: 'WKS', 12: 'PTR', 13: 'HINFO', 14: 'MINFO', 15: 'MX', 16: 'TXT', 17: 'RP',
  18: 'AFSDB', 19: 'X25', 20: 'ISDN', 21: 'RT', 22: 'NSAP', 23: 'NSAP-PTR', 24: 'SIG', 25: 'KEY',
  26: 'PX', 27: 'GPOS', 28: 'AAAA', 29: 'LOC', 30: 'NXT', 31: 'EID', 32: 'NIMLOC', 33: 'SRV',
  34: 'ATMA', 35: 'NAPTR', 36: 'KX', 37: 'CERT', 38: 'A6', 39: 'DNAME', 40: 'SINK', 41: 'OPT',
  42: 'APL', 43: 'DS', 44: 'SSHFP', 45: 'IPSECKEY', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY',
  49: 'DHCID', 50: 'NSEC3', 51: 'NSEC3PARAM', 52: 'TLSA', 55: 'HIP', 57: 'RKEY', 58: 'TALINK',
  59: 'CDS', 60: 'CDNSKEY', 61: 'OPENPGPKEY', 62: 'CSYNC', 63: 'ZONEMD', 64: 'SVCB', 65: 'HTTPS',
  99: 'SPF', 100: 'UINFO', 101: 'UID', 102: 'GID', 103: 'UNSPEC', 104: 'NID', 105: 'L32',
  106: 'L64', 107: 'LP', 108: 'EUI48', 109: 'EUI64', 249: 'TKEY', 250: 'TSIG', 251: 'IXFR',
  252: 'AXFR', 253: 'MAILA', 254: 'MAILB', 255: 'ANY', 256: 'URI', 257: 'CAA', 32768: 'TA',
  32769: 'DLV', 65281: 'WINS', 65282: 'WINS-R', 65422: 'XPF',
}); // prettier-ignore

/** Long type names (the Type field). MAILA/MAILB are swapped in tshark 4.0's short table only. */
const TYPE_LONG = names({
  0: 'Unused', 1: 'A (Host Address)', 2: 'NS (authoritative Name Server)', 3: 'MD (Mail Destination)',
  4: 'MF (Mail Forwarder)', 5: 'CNAME (Canonical NAME for an alias)',
  6: 'SOA (Start Of a zone of Authority)', 7: 'MB (MailBox domain name)', 8: 'MG (Mail Group member)',
  9: 'MR (Mail Rename domain)', 10: 'NULL RR', 11: 'WKS (Well Known Service)',
  12: 'PTR (domain name PoinTeR)', 13: 'HINFO (host information)',
  14: 'MINFO (Mailbox or mail list information)', 15: 'MX (Mail eXchange)', 16: 'TXT (Text strings)',
  17: 'RP (Responsible Person)', 18: 'AFSDB (AFS Data Base location)', 19: 'X25 (XX.25 PSDN address)',
  20: 'ISDN (ISDN address)', 21: 'RT (Route Through)', 22: 'NSAP (NSAP address)',
  23: 'NSAP-PTR (NSAP domain name pointer)', 24: 'SIG (security signature)', 25: 'KEY (security key)',
  26: 'PX (X.400 mail mapping information)', 27: 'GPOS (Geographical Position)',
  28: 'AAAA (IPv6 Address)', 29: 'LOC (Location Information)', 30: 'NXT (Next Domain)',
  31: 'EID (Endpoint Identifier)', 32: 'NIMLOC (Nimrod Locator)', 33: 'SRV (Server Selection)',
  34: 'ATMA (ATM Address)', 35: 'NAPTR (Naming Authority Pointer)', 36: 'KX (Key Exchanger)',
  37: 'CERT', 38: 'A6 (OBSOLETE - use AAAA)', 39: 'DNAME', 40: 'SINK', 41: 'OPT', 42: 'APL',
  43: 'DS (Delegation Signer)', 44: 'SSHFP (SSH Key Fingerprint)', 45: 'IPSECKEY',
  46: 'RRSIG (Resource Record Signature)', 47: 'NSEC (Next Secure)', 48: 'DNSKEY (DNS Public Key)',
  49: 'DHCID', 50: 'NSEC3', 51: 'NSEC3PARAM', 52: 'TLSA', 55: 'HIP (Host Identity Protocol)',
  57: 'RKEY', 58: 'TALINK (Trust Anchor LINK)', 59: 'CDS (Child DS)',
  60: 'CDNSKEY (DNSKEY(s) the Child wants reflected in DS)', 61: 'OPENPGPKEY (OpenPGP Key)',
  62: 'CSYNC (Child-to-Parent Synchronization)', 63: 'ZONEMD',
  64: 'SVCB (General Purpose Service Endpoints)', 65: 'HTTPS (HTTPS Specific Service Endpoints)',
  99: 'SPF', 100: 'UINFO', 101: 'UID', 102: 'GID', 103: 'UNSPEC', 104: 'NID (NodeID)',
  105: 'L32 (Locator32)', 106: 'L64 (Locator64)', 107: 'LP (Locator FQDN)', 108: 'EUI48',
  109: 'EUI64', 249: 'TKEY (Transaction Key)', 250: 'TSIG (Transaction Signature)',
  251: 'IXFR (incremental transfer)', 252: 'AXFR (transfer of an entire zone)',
  253: 'MAILB (mailbox-related RRs)', 254: 'MAILA (mail agent RRs)',
  255: '* (A request for all records the server/cache has available)', 256: 'URI',
  257: 'CAA (Certification Authority Restriction)', 32768: 'TA (DNSSEC Trust Authorities)',
  32769: 'DLV (DNSSEC Lookaside Validation)', 65281: 'WINS', 65282: 'WINS-R', 65422: 'XPF',
}); // prettier-ignore

const CLASSES = names({ 1: 'IN', 2: 'CS', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' });
const OPCODES = names({
  0: 'Standard query',
  1: 'Inverse query',
  2: 'Server status request',
  4: 'Zone change notification',
  5: 'Dynamic update',
  6: 'DNS Stateful operations (DSO)',
});
const RCODES = names({
  0: 'No error', 1: 'Format error', 2: 'Server failure', 3: 'No such name', 4: 'Not implemented',
  5: 'Refused', 6: 'Name exists', 7: 'RRset exists', 8: 'RRset does not exist', 9: 'Not authoritative',
  10: 'Name out of zone', 11: 'DSO-Type not implemented',
  16: 'Bad OPT Version or TSIG Signature Failure', 17: 'Key not recognized',
  18: 'Signature out of time window', 19: 'Bad TKEY Mode', 20: 'Duplicate key name',
  21: 'Algorithm not supported', 22: 'Bad Truncation', 23: 'Bad/missing Server Cookie',
}); // prettier-ignore
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
  'resp.type': uint('Type', 16, { strings: TYPE_LONG }),
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
  'opt.client.family': uint('Family', 16),
  'opt.client.netmask': uint('Source Netmask', 8),
  'opt.client.scope': uint('Scope Netmask', 8),
  'opt.client.addr': bytes('Client Subnet'),
  'opt.client.addr4': ipv4('Client Subnet'),
  'opt.client.addr6': ipv6('Client Subnet'),
  'opt.cookie.client': bytes('Client Cookie'),
  'opt.cookie.server': bytes('Server Cookie'),
  'opt.padding': bytes('Padding'),
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
  _extraneous: text('Extraneous Data'),
  'extraneous.data': bytes('Extraneous Data Bytes'),
  'extraneous.length': { name: 'Extraneous Data Length', type: FieldType.Int, base: 'dec', bits: 32 },
});

const MDNS = fields('mdns', { '': proto('Multicast Domain Name System') });
const LLMNR = fields('llmnr', { '': proto('Link-local Multicast Name Resolution') });

const enum Flavor {
  Dns,
  Mdns,
  Llmnr,
}

/** Wireshark's MAX_DNAME_LEN: longer names show as `<Name too long>`. */
const MAX_NAME = 255;

/** A domain name as read from the message: its raw octets, length, and the bytes it took in place. */
interface Name {
  /** The expanded name as raw octets (Latin-1 string), or a `<…>` marker. */
  raw: string;
  /** Bytes the name occupies where it was read (up to and including a first pointer). */
  used: number;
}

/**
 * Expands a (possibly compressed) name at `off` (Wireshark's expand_dns_name/get_dns_name):
 * bad label types and names shorter than their encoding allows are malformed; pointer loops
 * and over-long names become markers instead of errors.
 */
export function readName(tvb: Tvb, off: number, msgStart: number): Name {
  const start = off;
  let out = '';
  let room = MAX_NAME;
  let first = true;
  let used = -1;
  let pointers = 0;
  let marker: string | null = null;
  for (;;) {
    const len = tvb.u8(off);
    off++;
    if (len === 0) break;
    const kind = len & 0xc0;
    if (kind === 0x00) {
      if (!first) {
        if (room > 0) {
          out += '.';
          room--;
        }
      } else {
        room--;
      }
      first = false;
      tvb.need(off, len);
      for (let i = 0; i < len; i++) {
        if (room > 0) {
          out += String.fromCharCode(tvb.bytes[off + i] as number);
          room--;
        }
      }
      off += len;
    } else if (kind === 0x40) {
      if ((len & 0x3f) === 0x01) {
        // RFC 2673 bit-string label: \[x<hex>/<bits>]
        const bits = tvb.u8(off);
        off++;
        const n = Math.floor((bits - 1) / 8) + 1;
        let s = '\\[x';
        for (let i = 0; i < n; i++) s += (tvb.u8(off + i) as number).toString(16).padStart(2, '0');
        s += `/${bits}]`;
        off += n;
        if (room > 0) {
          if (s.length <= room) {
            out += s;
            room -= s.length;
          } else room = 0;
        }
        first = false;
      } else {
        marker = '<Unknown extended label>';
        used = off - start;
        break;
      }
    } else if (kind === 0x80) {
      throw new MalformedError('Malformed Packet', off - 1);
    } else {
      const target = msgStart + (((len & 0x3f) << 8) | tvb.u8(off));
      off++;
      pointers++;
      if (used < 0) used = off - start;
      if (target === off + 2 || pointers > MAX_NAME) {
        marker = '<Name contains a pointer that loops>';
        break;
      }
      off = target;
    }
  }
  if (used < 0) used = off - start;
  if (marker === null && room <= 0) marker = '<Name too long>';
  const raw = marker ?? out;
  if (raw === '' && used <= 2) return { raw: '<Root>', used };
  if (used < 2 || (used > 2 && raw === '')) throw new MalformedError('Malformed Packet', start);
  return { raw, used };
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
  /** Each DNS frame's transaction, for revisits (null: a response without a request). */
  readonly byFrame = new FrameMap<Transaction | null>();
  /** The frames that were retransmissions. */
  readonly retransmissions = new Set<number>();
}

const newState = (): DnsState => new DnsState();

/** Seconds within which a repeated query counts as a retransmission (Wireshark's default). */
const RETRANSMISSION_TIMER = 5;

/** Finds (and on the first pass updates) the transaction this message belongs to. */
function track(pinfo: PacketInfo, id: number, response: boolean): Seen {
  const st = pinfo.state.of('dns', newState);
  const frame = pinfo.meta.number;
  const known = st.byFrame.get(frame);
  if (known !== undefined) return { t: known, retransmission: st.retransmissions.has(frame) };
  const seen = first(pinfo, st, id, response);
  if (pinfo.conversation >= 0) st.byFrame.set(frame, seen.t);
  if (seen.retransmission) st.retransmissions.add(frame);
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

interface Ctx {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  /** Offset of the message's first header byte (name pointers are relative to it). */
  msg: number;
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
    dissectMessage(sub, pinfo, tree, Flavor.Dns, true);
    off += plen;
  }
  return tvb.remaining(tvb.start);
}

const PROTO_NAMES = ['DNS', 'MDNS', 'LLMNR'] as const;
const LAYER_NAMES = ['dns', 'mdns', 'llmnr'] as const;

function dissectMessage(tvb: Tvb, pinfo: PacketInfo, tree: Tree, flavor: Flavor, tcp: boolean): number {
  const base = tvb.start;
  const o = tcp ? base + 2 : base;
  pinfo.layers.push(LAYER_NAMES[flavor]);
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
    if (seen?.retransmission && seen.t && tree.full) {
      const req = !response && seen.t.request !== pinfo.meta.number;
      tree.push(F.id, tvb, o, 2, id);
      const what = req
        ? `DNS query retransmission. Original request in frame ${seen.t.request}`
        : `DNS response retransmission. Original response in frame ${seen.t.reply}`;
      if (req || response) expert(pinfo, tree, tvb, o, 2, 'Warning', 'Protocol', what);
      tree.pop();
    } else tree.add(F.id, tvb, o, 2, id);
    if (tree !== NULL_TREE) addFlags(ctx, flags);
    const counts = [tvb.u16(o + 4), tvb.u16(o + 6), tvb.u16(o + 8), tvb.u16(o + 10)] as const;
    const update = opcode === 5;
    tree.add(update ? F['count.zones'] : F['count.queries'], tvb, o + 4, 2, counts[0]);
    tree.add(update ? F['count.prerequisites'] : F['count.answers'], tvb, o + 6, 2, counts[1]);
    tree.add(update ? F['count.updates'] : F['count.auth_rr'], tvb, o + 8, 2, counts[2]);
    tree.add(F['count.add_rr'], tvb, o + 10, 2, counts[3]);
    let off = o + 12;
    if (!ctx.detail) {
      // Summary mode: nothing below the header feeds a column.
      tree.pop();
      return tvb.remaining(base);
    }
    try {
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
    if (seen) addTracking(ctx, seen, response);
    const extra = tvb.reportedEnd - off;
    if (extra > 0 && tree !== NULL_TREE) {
      tree.push(F._extraneous, tvb, off, Math.min(extra, tvb.remaining(off)));
      tree.add(F['extraneous.data'], tvb, off, Math.min(extra, tvb.remaining(off)));
      tree.add(F['extraneous.length'], tvb, off, 0, extra);
      tree.pop(undefined, `Extraneous Data (${extra} bytes)`);
    }
  } finally {
    tree.pop();
  }
  return tvb.remaining(base);
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
  const shown = formatText(name.raw);
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
  const owner = formatText(name.raw);
  const full = tree.full;
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
    tree.add(F['resp.type'], tvb, at, 2, type);
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
    if (dataLen > 0) rdata(ctx, type, data, dataLen, name.raw, mdns);
  } finally {
    if (tree !== NULL_TREE) tree.pop();
  }
  return data - start + dataLen;
}

/** Appends to the RR subtree's label, as Wireshark's proto_item_append_text. */
function appendLabel(ctx: Ctx, s: string): void {
  if (!ctx.tree.full) return;
  const node = ctx.tree.current();
  if (node) node.label = `${node.label ?? ''}${s}`;
}

function splitSrv(name: string): (string | undefined)[] {
  const a = name.indexOf('.');
  if (a < 0) return [name];
  const b = name.indexOf('.', a + 1);
  if (b < 0) return [name.slice(0, a), name.slice(a + 1)];
  return [name.slice(0, a), name.slice(a + 1, b), name.slice(b + 1)];
}

/** A name inside RDATA: adds it as `def` and returns its text and the bytes it took. */
function rdName(ctx: Ctx, def: FieldDef, at: number): { text: string; used: number } {
  const n = readName(ctx.tvb, at, ctx.msg);
  const text = formatText(n.raw);
  ctx.tree.add(def, ctx.tvb, at, n.used, text);
  return { text, used: n.used };
}

/** Owner name as Wireshark's `%s` prints its raw octets (cut at a NUL). */
function cString(raw: string): string {
  const z = raw.indexOf('\0');
  return z < 0 ? raw : raw.slice(0, z);
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
  ctx.info.add(` ${cString(cpu)} ${cString(os)}`);
  appendLabel(ctx, `, CPU ${cString(cpu)}, OS ${cString(os)}`);
  tree.add(F['hinfo.cpu_length'], tvb, at, 1, cpuLen);
  tree.add(F['hinfo.cpu'], tvb, at + 1, cpuLen, formatText(cpu));
  tree.add(F['hinfo.os_length'], tvb, osAt, 1, osLen);
  tree.add(F['hinfo.os'], tvb, osAt + 1, osLen, formatText(os));
}

function mxRecord(ctx: Ctx, at: number): void {
  const { tvb, tree } = ctx;
  const pref = tvb.u16(at);
  const n = readName(tvb, at + 2, ctx.msg);
  const text = formatText(n.raw);
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
    const s = tvb.ascii(p, n);
    tree.add(def, tvb, p, n, mdns && type === T.TXT ? formatText(s) : asciiText(s));
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
      // Other types (DNSSEC and the rarer ones) are shown as their raw bytes.
      tree.add(F.data, tvb, at, Math.min(len, tvb.remaining(at)));
      if (len > tvb.remaining(at)) tvb.need(at, len);
      return;
  }
}

/** An NSEC type bit map (RFC 4034 4.1.2): each type present shows as a Type field. */
function typeBitmap(ctx: Ctx, at: number, len: number): void {
  const { tvb, tree } = ctx;
  let p = at;
  let left = len;
  while (left > 0) {
    const block = tvb.u8(p);
    const size = tvb.u8(p + 1);
    p += 2;
    left -= 2;
    let type = block * 256;
    for (let k = 0; k < size; k++, p++, left--) {
      const bits = tvb.u8(p);
      for (let mask = 0x80; mask > 0; mask >>= 1, type++) {
        if ((bits & mask) === 0) continue;
        tree.add(F['resp.type'], tvb, p, 1, type);
        if (tree.full) tree.labelLast(`RR type in bit map: ${TYPE_LONG.get(type) ?? `Unknown (${type})`}`);
      }
    }
  }
}

/** ENC_ASCII text: bytes above 0x7f become U+FFFD, then format_text's escapes. */
function asciiText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c < 0x80 ? s[i] : '\ufffd';
  }
  return formatText(out);
}

function ednsOptions(ctx: Ctx, at: number, len: number): void {
  const { tvb, tree } = ctx;
  let p = at;
  let left = len;
  while (left > 0) {
    const code = tvb.u16(p);
    const optLen = tvb.u16(p + 2);
    tree.push(F.opt, tvb, p, 4 + optLen);
    if (tree.full) tree.label(`Option: ${OPT_CODES.get(code) ?? 'Unknown'}`);
    tree.add(F['opt.code'], tvb, p, 2, code);
    tree.add(F['opt.len'], tvb, p + 2, 2, optLen);
    const d = p + 4;
    if (optLen > 0) {
      tvb.need(d, optLen);
      tree.add(F['opt.data'], tvb, d, optLen);
    }
    switch (code) {
      case 8: {
        const family = tvb.u16(d);
        tree.add(F['opt.client.family'], tvb, d, 2, family);
        tree.add(F['opt.client.netmask'], tvb, d + 2, 1, tvb.u8(d + 2));
        tree.add(F['opt.client.scope'], tvb, d + 3, 1, tvb.u8(d + 3));
        const n = optLen - 4;
        if (family === 1 && n <= 4 && n >= 0) {
          const b = new Uint8Array(4);
          b.set(tvb.slice(d + 4, n));
          tree.add(F['opt.client.addr4'], tvb, d + 4, n, readIPv4(b, 0));
        } else if (n > 0) {
          tree.add(F['opt.client.addr'], tvb, d + 4, n);
        }
        break;
      }
      case 10:
        if (optLen >= 8) {
          tree.add(F['opt.cookie.client'], tvb, d, 8);
          if (optLen > 8) tree.add(F['opt.cookie.server'], tvb, d + 8, optLen - 8);
          else if (tree.full) tree.note('Server Cookie: <MISSING>', tvb, d + 8, 0, 0);
        }
        break;
      case 12:
        if (optLen > 0) tree.add(F['opt.padding'], tvb, d, optLen);
        break;
      default:
        break;
    }
    tree.pop();
    p += 4 + optLen;
    left -= 4 + optLen;
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

export const dnsModule = {
  fields: { ...F, mdns: MDNS[''], llmnr: LLMNR[''] },
  handoff(reg: Registry): void {
    reg.register('udpPort', 53, dissectDNS);
    reg.register('tcpPort', 53, dissectDNSTcp);
    reg.register('udpPort', 5353, dissectMDNS);
    reg.register('udpPort', 5355, dissectLLMNR);
    reg.heuristics.udp.push(heuristicDNS);
  },
};
