// RADIUS (RFC 2865, 2866, 5176) on UDP 1812/1813, 1645/1646, 1700 and 3799: the header, the
// attribute-value pairs with their RFC names, and the EAP messages the EAP-Message attributes
// carry (joined, then shown as one `eap` layer), as tshark 4.0 shows them. A datagram whose code
// is unknown or whose length is out of range is not RADIUS (tshark shows it as data).
import { bytes, fields, names, proto, str, text, uint, FieldType } from './field.ts';
import { formatIPv4, formatIPv6 } from '../format/address.ts';
import { expertItem, firstPass } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { FieldNode, Tree } from './tree.ts';
import { Tvb } from './tvb.ts';

const CODES = names({
  1: 'Access-Request',
  2: 'Access-Accept',
  3: 'Access-Reject',
  4: 'Accounting-Request',
  5: 'Accounting-Response',
  6: 'Accounting-Status',
  7: 'Password-Request',
  8: 'Password-Ack',
  9: 'Password-Reject',
  10: 'Accounting-Message',
  11: 'Access-Challenge',
  12: 'Status-Server',
  13: 'Status-Client',
  21: 'Resource-Free-Request',
  22: 'Resource-Free-Response',
  23: 'Resource-Query-Request',
  24: 'Query_Response',
  25: 'Alternate-Resource-Reclaim-Request',
  26: 'NAS-Reboot-Request',
  27: 'NAS-Reboot-Response',
  29: 'Next-Passcode',
  30: 'New-Pin',
  31: 'Terminate-Session',
  32: 'Password-Expired',
  33: 'Event-Request',
  34: 'Event-Response',
  40: 'Disconnect-Request',
  41: 'Disconnect-ACK',
  42: 'Disconnect-NAK',
  43: 'CoA-Request',
  44: 'CoA-ACK',
  45: 'CoA-NAK',
  50: 'IP-Address-Allocate',
  51: 'IP-Address-Release',
  129: 'ALU-State-Request',
  130: 'ALU-State-Accept',
  131: 'ALU-State-Reject',
  132: 'ALU-State-Error',
});

/** Attribute names and how their values read: s text, i integer, 4/6 address, o octets. */
const ATTRIBUTES = new Map<number, readonly [string, string]>(
  Object.entries({
    1: ['User-Name', 's'],
    2: ['User-Password', 's'],
    3: ['CHAP-Password', 'o'],
    4: ['NAS-IP-Address', '4'],
    5: ['NAS-Port', 'i'],
    6: ['Service-Type', 'i'],
    7: ['Framed-Protocol', 'i'],
    8: ['Framed-IP-Address', '4'],
    9: ['Framed-IP-Netmask', '4'],
    10: ['Framed-Routing', 'i'],
    11: ['Filter-Id', 's'],
    12: ['Framed-MTU', 'i'],
    13: ['Framed-Compression', 'i'],
    14: ['Login-IP-Host', '4'],
    15: ['Login-Service', 'i'],
    16: ['Login-TCP-Port', 'i'],
    18: ['Reply-Message', 's'],
    19: ['Callback-Number', 's'],
    20: ['Callback-Id', 's'],
    22: ['Framed-Route', 's'],
    23: ['Framed-IPX-Network', '4'],
    24: ['State', 'o'],
    25: ['Class', 'o'],
    26: ['Vendor-Specific', 'o'],
    27: ['Session-Timeout', 'i'],
    28: ['Idle-Timeout', 'i'],
    29: ['Termination-Action', 'i'],
    30: ['Called-Station-Id', 's'],
    31: ['Calling-Station-Id', 's'],
    32: ['NAS-Identifier', 's'],
    33: ['Proxy-State', 'o'],
    34: ['Login-LAT-Service', 's'],
    35: ['Login-LAT-Node', 's'],
    36: ['Login-LAT-Group', 'o'],
    37: ['Framed-AppleTalk-Link', 'i'],
    38: ['Framed-AppleTalk-Network', 'i'],
    39: ['Framed-AppleTalk-Zone', 's'],
    40: ['Acct-Status-Type', 'i'],
    41: ['Acct-Delay-Time', 'i'],
    42: ['Acct-Input-Octets', 'i'],
    43: ['Acct-Output-Octets', 'i'],
    44: ['Acct-Session-Id', 's'],
    45: ['Acct-Authentic', 'i'],
    46: ['Acct-Session-Time', 'i'],
    47: ['Acct-Input-Packets', 'i'],
    48: ['Acct-Output-Packets', 'i'],
    49: ['Acct-Terminate-Cause', 'i'],
    50: ['Acct-Multi-Session-Id', 's'],
    51: ['Acct-Link-Count', 'i'],
    52: ['Acct-Input-Gigawords', 'i'],
    53: ['Acct-Output-Gigawords', 'i'],
    55: ['Event-Timestamp', 'i'],
    56: ['Egress-VLANID', 'i'],
    57: ['Ingress-Filters', 'i'],
    58: ['Egress-VLAN-Name', 's'],
    59: ['User-Priority-Table', 'o'],
    60: ['CHAP-Challenge', 'o'],
    61: ['NAS-Port-Type', 'i'],
    62: ['Port-Limit', 'i'],
    63: ['Login-LAT-Port', 's'],
    70: ['ARAP-Password', 'o'],
    71: ['ARAP-Features', 'o'],
    72: ['ARAP-Zone-Access', 'i'],
    73: ['ARAP-Security', 'i'],
    74: ['ARAP-Security-Data', 's'],
    75: ['Password-Retry', 'i'],
    76: ['Prompt', 'i'],
    77: ['Connect-Info', 's'],
    78: ['Configuration-Token', 's'],
    79: ['EAP-Message', 'o'],
    80: ['Message-Authenticator', 'o'],
    84: ['ARAP-Challenge-Response', 'o'],
    85: ['Acct-Interim-Interval', 'i'],
    87: ['NAS-Port-Id', 's'],
    88: ['Framed-Pool', 's'],
    95: ['NAS-IPv6-Address', '6'],
    96: ['Framed-Interface-Id', 'o'],
    97: ['Framed-IPv6-Prefix', 'o'],
    98: ['Login-IPv6-Host', '6'],
    99: ['Framed-IPv6-Route', 's'],
    100: ['Framed-IPv6-Pool', 's'],
    101: ['Error-Cause', 'i'],
    102: ['EAP-Key-Name', 's'],
    103: ['Digest-Response', 's'],
    104: ['Digest-Realm', 's'],
    105: ['Digest-Nonce', 's'],
    106: ['Digest-Response-Auth', 's'],
    107: ['Digest-Nextnonce', 's'],
    108: ['Digest-Method', 's'],
    109: ['Digest-URI', 's'],
    110: ['Digest-Qop', 's'],
    111: ['Digest-Algorithm', 's'],
    112: ['Digest-Entity-Body-Hash', 's'],
    113: ['Digest-CNonce', 's'],
    114: ['Digest-Nonce-Count', 's'],
    115: ['Digest-Username', 's'],
    116: ['Digest-Opaque', 's'],
    117: ['Digest-Auth-Param', 's'],
    118: ['Digest-AKA-Auts', 's'],
    119: ['Digest-Domain', 's'],
    120: ['Digest-Stale', 's'],
    121: ['Digest-HA1', 's'],
    122: ['SIP-AOR', 's'],
    124: ['MIP6-Feature-Vector', 'o'],
    125: ['MIP6-Home-Link-Prefix', 'o'],
    126: ['Operator-Name', 's'],
    127: ['Location-Information', 'o'],
    128: ['Location-Data', 'o'],
    129: ['Basic-Location-Policy-Rules', 'o'],
    130: ['Extended-Location-Policy-Rules', 's'],
    131: ['Location-Capable', 'i'],
    132: ['Requested-Location-Info', 'i'],
  }).map(([k, v]) => [Number(k), v as [string, string]]),
);

const EAP_CODES = names({
  1: 'Request',
  2: 'Response',
  3: 'Success',
  4: 'Failure',
  5: 'Initiate',
  6: 'Finish',
});
const EAP_TYPES = names({
  1: 'Identity',
  2: 'Notification',
  3: 'Legacy Nak (Response Only)',
  4: 'MD5-Challenge EAP (EAP-MD5-CHALLENGE)',
  5: 'One-Time Password EAP (EAP-OTP)',
  6: 'Generic Token Card EAP (EAP-GTC)',
  13: 'TLS EAP (EAP-TLS)',
  17: 'Cisco Wireless EAP / Lightweight EAP (EAP-LEAP)',
  18: 'GSM Subscriber Modules Authentication Protocol (EAP-SIM)',
  21: 'Tunneled TLS EAP (EAP-TTLS)',
  23: 'UMTS Authentication and Key Agreement EAP (EAP-AKA)',
  25: 'Protected EAP (EAP-PEAP)',
  26: 'MS-Authentication EAP (EAP-MS-AUTH)',
  43: 'Flexible Authentication via Secure Tunneling EAP (EAP-FAST)',
  254: 'Expanded Type',
  255: 'Experimental type',
});

export const F = fields('radius', {
  '': proto('RADIUS Protocol'),
  code: uint('Code', 8, { strings: CODES }),
  id: uint('Identifier', 8),
  length: uint('Length', 16),
  authenticator: bytes('Authenticator'),
  avps: text('Attribute Value Pairs'),
  avp: bytes('AVP'),
  'avp.type': uint('Type', 8),
  'avp.length': uint('Length', 8),
  'avp.value': bytes('Value'),
  dup: { name: 'Duplicate Request Frame Number', type: FieldType.FrameNum, generated: true },
});

export const EAP = fields('eap', {
  '': proto('Extensible Authentication Protocol'),
  code: uint('Code', 8, { strings: EAP_CODES }),
  id: uint('Id', 8),
  len: uint('Length', 16),
  type: uint('Type', 8, { strings: EAP_TYPES }),
  identity: str('Identity'),
  data: bytes('Data'),
});

/** Codes of requests: one sent again (same conversation, code, id, authenticator) is a duplicate. */
const REQUESTS = new Set([1, 4, 7, 12, 21, 23, 25, 26, 29, 30, 31, 33, 40, 43, 50, 51]);

const newRequests = (): Map<string, number> => new Map();

/** The frame that first sent this request, when it is not this one (0: none). */
function firstOf(tvb: Tvb, o: number, code: number, id: number, pinfo: PacketInfo): number {
  if (!tvb.has(o + 4, 16)) return 0;
  const seen = pinfo.state.of('radius.requests', newRequests);
  let auth = '';
  for (let i = o + 4; i < o + 20; i++) auth += String.fromCharCode(tvb.bytes[i] as number);
  const key = `${pinfo.conversation}/${code}/${id}/${auth}`;
  const frame = pinfo.meta.number;
  const first = seen.get(key);
  if (first === undefined) {
    if (firstPass(pinfo.state, pinfo)) seen.set(key, frame);
    return 0;
  }
  return first < frame ? first : 0;
}

const PORTS = [1645, 1646, 1700, 1812, 1813, 3799];
const EAP_MESSAGE = 79;

export function dissectRADIUS(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  if (tvb.remaining(o) < 4) return 0;
  const code = tvb.u8(o);
  const length = tvb.u16(o + 2);
  if (!CODES.has(code) || length < 20 || length > 4096) return 0;
  const id = tvb.u8(o + 1);
  pinfo.layers.push('radius');
  pinfo.setProto('RADIUS');
  const duplicateOf = REQUESTS.has(code) ? firstOf(tvb, o, code, id, pinfo) : 0;
  if (pinfo.wantInfo)
    pinfo.setInfo(`${CODES.get(code) ?? ''} id=${id}${duplicateOf ? ', Duplicate Request' : ''}`);
  tree.push(F[''], tvb, o, Math.min(length, tvb.remaining(o)));
  tree.add(F.code, tvb, o, 1, code);
  tree.add(F.id, tvb, o + 1, 1, id);
  if (tree.full) tree.labelLast(`Packet identifier: 0x${id.toString(16)} (${id})`);
  tree.add(F.length, tvb, o + 2, 2, length);
  if (duplicateOf) tree.add(F.dup, tvb, o, 0, duplicateOf);
  tvb.need(o + 4, 16);
  tree.add(F.authenticator, tvb, o + 4, 16);
  const eap: EapParts = { parts: [], node: null };
  if (length > 20) dissectAttributes(tvb, o + 20, o + length, eap, pinfo, tree);
  // The joined EAP packet shows under the last EAP-Message attribute.
  if (eap.parts.length > 0) {
    tree.reopen(eap.node);
    dissectEAP(joined(eap.parts), pinfo, tree);
    tree.pop();
  }
  tree.pop();
  return Math.min(length, tvb.remaining(o));
}

interface EapParts {
  parts: Uint8Array[];
  /** The last EAP-Message attribute's node (null in sinks that keep no tree). */
  node: FieldNode | null;
}

/** Walks the attributes, keeping the EAP-Message fragments in order. */
function dissectAttributes(
  tvb: Tvb,
  p: number,
  end: number,
  eap: EapParts,
  pinfo: PacketInfo,
  tree: Tree,
): void {
  tree.push(F.avps, tvb, p, Math.min(end, tvb.end) - p);
  const eapCount = countEap(tvb, p, end);
  while (p < end) {
    const type = tvb.u8(p);
    const len = tvb.u8(p + 1);
    const [name, kind] = ATTRIBUTES.get(type) ?? [`Unknown-Attribute-${type}`, 'o'];
    if (len < 2) {
      expertItem(pinfo, tree, tvb, p, 2, 'Error', 'Malformed', `AVP too short: length ${len} < 2`);
      break;
    }
    if (p + len > end) {
      expertItem(pinfo, tree, tvb, p, end - p, 'Error', 'Malformed', 'Not enough room in packet for AVP');
      break;
    }
    tvb.need(p, len);
    let shown: string;
    if (type === EAP_MESSAGE) {
      eap.parts.push(tvb.slice(p + 2, len - 2));
      const n = eap.parts.length;
      shown = n === eapCount ? `Last Segment[${n}]` : `Segment[${n}]`;
    } else {
      shown = `val=${valueText(tvb, p + 2, len - 2, kind)}`;
    }
    tree.push(F.avp, tvb, p, len);
    if (tree.full) tree.label(`AVP: t=${name}(${type}) l=${len} ${shown}`);
    tree.add(F['avp.type'], tvb, p, 1, type);
    tree.add(F['avp.length'], tvb, p + 1, 1, len);
    if (len > 2) {
      tree.add(F['avp.value'], tvb, p + 2, len - 2);
      const label = type === EAP_MESSAGE ? 'EAP fragment' : name;
      if (tree.full) tree.labelLast(`${label}: ${valueText(tvb, p + 2, len - 2, kind)}`);
    }
    if (type === EAP_MESSAGE) eap.node = tree.current();
    tree.pop();
    p += len;
  }
  tree.pop();
}

/** How many EAP-Message attributes the packet holds (the last one is labelled so). */
function countEap(tvb: Tvb, p: number, end: number): number {
  let n = 0;
  while (p + 2 <= end && tvb.has(p, 2)) {
    const len = tvb.u8(p + 1);
    if (len < 2) break;
    if (tvb.u8(p) === EAP_MESSAGE) n++;
    p += len;
  }
  return n;
}

function valueText(tvb: Tvb, p: number, len: number, kind: string): string {
  const b = tvb.bytes;
  if (kind === 'i' && len === 4) return String(tvb.u32(p));
  if (kind === '4' && len === 4) return formatIPv4(tvb.u32(p));
  if (kind === '6' && len === 16) return formatIPv6(b, p);
  if (kind === 's') return tvb.ascii(p, len);
  let s = '';
  for (let i = p; i < p + len; i++) s += (b[i] as number).toString(16).padStart(2, '0');
  return s;
}

function joined(parts: Uint8Array[]): Tvb {
  const all = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of parts) {
    all.set(x, at);
    at += x.length;
  }
  return new Tvb(all, 0, all.length, all.length, -1);
}

/** The EAP packet the EAP-Message attributes carry: its header, type and identity. */
function dissectEAP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  if (tvb.remaining(0) === 0) return;
  pinfo.layers.push('eap');
  const source = pinfo.addSource('Reassembled EAP', tvb.bytes);
  const t = new Tvb(tvb.bytes, 0, tvb.end, tvb.reportedEnd, source);
  const len = t.remaining(0) >= 4 ? t.u16(2) : 0;
  tree.push(EAP[''], t, 0, t.remaining(0));
  try {
    const code = t.u8(0);
    tree.add(EAP.code, t, 0, 1, code);
    tree.add(EAP.id, t, 1, 1, t.u8(1));
    tree.add(EAP.len, t, 2, 2, len);
    if ((code === 1 || code === 2) && len > 4) {
      const type = t.u8(4);
      tree.add(EAP.type, t, 4, 1, type);
      const rest = Math.min(len, t.end) - 5;
      if (type === 1 && rest > 0) tree.add(EAP.identity, t, 5, rest, t.ascii(5, rest));
      else if (rest > 0) tree.add(EAP.data, t, 5, rest);
    }
  } finally {
    tree.pop();
  }
}

export const radiusModule = {
  // Both have `code`: keyed by filter name so neither hides the other.
  fields: Object.fromEntries([...Object.values(F), ...Object.values(EAP)].map((d) => [d.abbrev, d])),
  handoff(reg: Registry): void {
    for (const port of PORTS) reg.register('udpPort', port, dissectRADIUS);
  },
};
