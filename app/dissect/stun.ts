// Session Traversal Utilities for NAT (RFC 5389/8489) and TURN (RFC 8656): messages with their
// attributes, TURN ChannelData, on UDP/TCP 3478 and by tshark's default heuristic (any UDP port,
// 5349 included); requests and responses matched by transaction id per conversation.
import { formatIPv4, formatIPv6, formatHex } from '../format/address.ts';
import { formatDelta } from '../format/time.ts';
import { dissectData } from './data.ts';
import { noteFault } from './dissect.ts';
import { FieldType, bytes, fields, hex, ipv4, ipv6, names, proto, str, text, uint } from './field.ts';
import { bitPicture } from './field-text.ts';
import { expert } from './ip-proto.ts';
import { crc32 } from './nfs.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { asciiString } from './text-format.ts';

const COOKIE = 0x2112a442;

const METHODS: Record<number, string> = {
  0x001: 'Binding',
  0x002: 'SharedSecret',
  0x003: 'Allocate',
  0x004: 'Refresh',
  0x006: 'Send',
  0x007: 'Data',
  0x008: 'CreatePermission',
  0x009: 'Channel-Bind',
  0x00a: 'Connect',
  0x00b: 'ConnectionBind',
  0x00c: 'ConnectionAttempt',
};
const CLASSES = ['Request', 'Indication', 'Success Response', 'Error Response'];

const ATTRS: Record<number, string> = {
  0x0001: 'MAPPED-ADDRESS',
  0x0006: 'USERNAME',
  0x0008: 'MESSAGE-INTEGRITY',
  0x0009: 'ERROR-CODE',
  0x000a: 'UNKNOWN-ATTRIBUTES',
  0x000c: 'CHANNEL-NUMBER',
  0x000d: 'LIFETIME',
  0x0012: 'XOR-PEER-ADDRESS',
  0x0013: 'DATA',
  0x0014: 'REALM',
  0x0015: 'NONCE',
  0x0016: 'XOR-RELAYED-ADDRESS',
  0x0019: 'REQUESTED-TRANSPORT',
  0x0020: 'XOR-MAPPED-ADDRESS',
  0x0024: 'PRIORITY',
  0x0025: 'USE-CANDIDATE',
  0x8022: 'SOFTWARE',
  0x8028: 'FINGERPRINT',
  0x8029: 'ICE-CONTROLLED',
  0x802a: 'ICE-CONTROLLING',
};

const ERRORS: Record<number, string> = {
  300: 'Try Alternate',
  400: 'Bad Request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  420: 'Unknown Attribute',
  437: 'Allocation Mismatch',
  438: 'Stale Nonce',
  441: 'Wrong Credentials',
  442: 'Unsupported Transport Protocol',
  486: 'Allocation Quota Reached',
  487: 'Role Conflict',
  500: 'Server Error',
  508: 'Insufficient Capacity',
};

const F = fields('stun', {
  '': proto('Session Traversal Utilities for NAT'),
  channel: hex('Channel Number', 16),
  type: hex('Message Type', 16),
  'type.class': hex('Message Class', 16, { mask: 0x0110 }),
  'type.method': hex('Message Method', 16, { mask: 0x3eef }),
  'type.method-assignment': hex('Message Method Assignment', 16, { mask: 0x2000 }),
  length: uint('Message Length', 16),
  cookie: bytes('Message Cookie'),
  id: bytes('Message Transaction ID'),
  'response-in': { name: 'Response In', type: FieldType.FrameNum, generated: true },
  'response-to': { name: 'Request In', type: FieldType.FrameNum, generated: true },
  time: { name: 'Time', type: FieldType.RelTime, unit: 'seconds', generated: true },
  reqduplicate: { name: 'Duplicated original message in', type: FieldType.FrameNum, generated: true },
  network_version: uint('STUN Network Version', 8, { generated: true }),
  attributes: text('Attributes'),
  attribute: hex('Attribute Type', 16),
  'att.type': hex('Attribute Type', 16),
  'att.type.comprehension': hex('Attribute Type Comprehension', 16, { mask: 0x8000 }),
  'att.type.assignment': hex('Attribute Type Assignment', 16, { mask: 0x4000 }),
  'att.length': uint('Attribute Length', 16),
  'att.reserved': bytes('Reserved'),
  'att.family': hex('Protocol Family', 8, { strings: names({ 1: 'IPv4', 2: 'IPv6' }) }),
  'att.port': uint('Port', 16),
  'att.ipv4': ipv4('IP'),
  'att.ipv6': ipv6('IP'),
  'att.port-xord': bytes('Port (XOR-d)'),
  'att.ipv4-xord': bytes('IP (XOR-d)'),
  'att.ipv6-xord': bytes('IP (XOR-d)'),
  'att.username': str('Username'),
  'att.padding': uint('Padding', 16),
  'att.hmac': bytes('HMAC-SHA1'),
  'att.crc32': hex('CRC-32', 32),
  'att.crc32.status': uint('CRC-32 Status', 8, {
    strings: names({ 0: 'Bad', 1: 'Good', 2: 'Unverified' }),
    generated: true,
  }),
  'att.error.class': uint('Error Class', 8, { mask: 0x07 }),
  'att.error': uint('Error Code', 8),
  'att.error.reason': str('Error Reason Phrase'),
  'att.realm': str('Realm'),
  'att.nonce': str('Nonce'),
  'att.unknown': hex('Unknown Attribute', 16),
  'att.software': str('Software'),
  'att.priority': uint('Priority', 32),
  'att.tie-breaker': bytes('Tie breaker'),
  'att.lifetime': uint('Lifetime', 32),
  'att.transp': hex('Transport', 8, { strings: names({ 6: 'TCP', 17: 'UDP' }) }),
  'att.channelnum': hex('Channel-Number', 16),
  value: bytes('Value'),
});

interface Transaction {
  req: number;
  reqSec: number;
  reqNsec: number;
  rep: number;
}

const newTransactions = (): Map<string, Transaction> => new Map();

function appendInfo(pinfo: PacketInfo, s: string): void {
  if (pinfo.wantInfo) pinfo.setInfo(pinfo.info + s);
}

/** A STUN message or a ChannelData message at `tvb.start`; 0 when it is neither (heuristic use). */
/** A TURN ChannelData message: channel number, length and the application data. */
function channelData(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  type: number,
  len: number,
  udp: boolean,
): number {
  const o = tvb.start;
  const reported = tvb.reportedRemaining(o);
  if (type === 0xffff) return 0;
  if (udp && reported !== len + 4 && reported !== len + 4 + 3 - ((len + 4 + 3) % 4)) return 0;
  pinfo.layers.push('stun');
  pinfo.setProto('STUN');
  if (pinfo.wantInfo) pinfo.setInfo('ChannelData TURN Message');
  tree.push(F[''], tvb, o, 4);
  if (tree.full) tree.label('Session Traversal Utilities for NAT, TURN ChannelData Message');
  tree.add(F.channel, tvb, o, 2, type);
  tree.add(F.length, tvb, o + 2, 2, len);
  tree.pop();
  dissectData(tvb.sub(o + 4, Math.min(len, reported - 4)), pinfo, tree);
  return reported;
}

/** The Message Type field with its class, method and method-assignment bits. */
function messageType(
  tvb: Tvb,
  tree: Tree,
  type: number,
  cls: number,
  method: number,
  typeName: string,
): void {
  const o = tvb.start;
  tree.push(F.type, tvb, o, 2, type);
  if (tree.full) tree.label(`Message Type: 0x${type.toString(16).padStart(4, '0')} (${typeName})`);
  tree.add(F['type.class'], tvb, o, 2, (type & 0x0110) >> 4);
  if (tree.full) {
    const c = `0x${cls >> 1}${cls & 1}`;
    tree.labelLast(
      `${bitPicture(F['type.class'], (type & 0x0110) >> 4)} = Message Class: ${c} ${CLASSES[cls]} (${cls})`,
    );
  }
  tree.add(F['type.method'], tvb, o, 2, method);
  if (tree.full) {
    const methodName = METHODS[method] ?? 'Unknown';
    const m = `0x${method.toString(16).padStart(4, '0')} ${methodName} (0x${method.toString(16).padStart(3, '0')})`;
    tree.labelLast(`${bitPicture(F['type.method'], type & 0x3eef)} = Message Method: ${m}`);
  }
  tree.add(F['type.method-assignment'], tvb, o, 2, (type & 0x2000) >> 13);
  if (tree.full) {
    const a = type & 0x2000 ? 'Designated Expert (0x1)' : 'IETF Review (0x0)';
    tree.labelLast(
      `${bitPicture(F['type.method-assignment'], (type & 0x2000) >> 13)} = Message Method Assignment: ${a}`,
    );
  }
  tree.pop();
}

export function dissectSTUN(tvb: Tvb, pinfo: PacketInfo, tree: Tree, udp = true): number {
  const o = tvb.start;
  const captured = tvb.remaining(o);
  if (captured < 4) return 0;
  const type = tvb.u16(o);
  const len = tvb.u16(o + 2);
  const reported = tvb.reportedRemaining(o);
  if (type & 0xc000) return channelData(tvb, pinfo, tree, type, len, udp);
  if (captured < 20) return 0;
  if (tvb.u32(o + 4) !== COOKIE) return 0;
  if (udp && reported !== len + 20) return 0;
  pinfo.layers.push('stun');
  pinfo.setProto('STUN');
  const cls = ((type & 0x0100) >> 7) | ((type & 0x0010) >> 4);
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const methodName = METHODS[method] ?? 'Unknown';
  const typeName = `${methodName} ${CLASSES[cls] ?? ''}`;
  if (pinfo.wantInfo) pinfo.setInfo(typeName);
  tree.push(F[''], tvb, o, len + 20);
  try {
    transaction(tvb, pinfo, tree, cls);
    messageType(tvb, tree, type, cls, method, typeName);
    tree.add(F.length, tvb, o + 2, 2, len);
    tree.add(F.cookie, tvb, o + 4, 4);
    tree.add(F.id, tvb, o + 8, 12);
    if (len > 0) {
      tree.add(F.network_version, tvb, o, 0, 3);
      if (tree.full) tree.labelLast('[STUN Network Version: RFC-5389/8489 (3)]');
      attributes(tvb, pinfo, tree, o, o + 20, o + 20 + len);
    }
  } catch (err) {
    tree.unwind();
    noteFault(err, tvb, pinfo, tree);
    return reported;
  }
  tree.pop();
  return len + 20;
}

function transaction(tvb: Tvb, pinfo: PacketInfo, tree: Tree, cls: number): void {
  const o = tvb.start;
  const all = pinfo.state.of('stun.transactions', newTransactions);
  const key = `${pinfo.conversation}:${formatHex(tvb.bytes, o + 8, 12)}`;
  let t = all.get(key);
  const n = pinfo.meta.number;
  if (!t) {
    t = { req: 0, reqSec: 0, reqNsec: 0, rep: 0 };
    all.set(key, t);
  }
  if (cls === 0) {
    if (t.req === 0) {
      t.req = n;
      t.reqSec = pinfo.meta.tsSec;
      t.reqNsec = pinfo.meta.tsNsec;
    }
    if (t.req !== n) frameItem(tvb, tree, F.reqduplicate, t.req, 'Duplicated original message in');
    if (t.rep) frameItem(tvb, tree, F['response-in'], t.rep, 'Response In');
    return;
  }
  if (cls !== 1 && t.rep === 0) t.rep = n;
  if (t.rep && t.rep !== n) frameItem(tvb, tree, F.reqduplicate, t.rep, 'Duplicated original message in');
  if (cls !== 1 && t.req) {
    frameItem(tvb, tree, F['response-to'], t.req, 'Request In');
    const d = formatDelta(pinfo.meta.tsSec, pinfo.meta.tsNsec, t.reqSec, t.reqNsec);
    tree.add(F.time, tvb, o, 0, d);
  }
}

function frameItem(tvb: Tvb, tree: Tree, def: (typeof F)['response-in'], frame: number, name: string): void {
  tree.add(def, tvb, tvb.start, 0, frame);
  if (tree.full) tree.labelLast(`[${name}: ${frame}]`);
}

function string(tvb: Tvb, tree: Tree, def: (typeof F)['att.realm'], at: number, len: number): string {
  tvb.need(at, len);
  let end = at;
  while (end < at + len && tvb.bytes[end] !== 0) end++;
  const v = asciiString(tvb.bytes, at, end);
  tree.add(def, tvb, at, len, v);
  return v;
}

function attributes(tvb: Tvb, pinfo: PacketInfo, tree: Tree, msg: number, start: number, end: number): void {
  tree.push(F.attributes, tvb, start, end - start);
  let p = start;
  while (p < end) {
    const at = tvb.u16(p);
    const alen = tvb.u16(p + 2);
    const name = ATTRS[at] ?? `Unknown`;
    const pad = (4 - (alen % 4)) % 4;
    const past = p + 4 + alen > end;
    tree.push(F.attribute, tvb, p, past ? end - p : 4 + alen + pad, at);
    tree.label(name);
    tree.push(F['att.type'], tvb, p, 2, at);
    tree.label(`Attribute Type: ${name}`);
    tree.add(F['att.type.comprehension'], tvb, p, 2, at >> 15);
    if (tree.full) {
      const c = at & 0x8000 ? 'Optional (0x1)' : 'Required (0x0)';
      tree.labelLast(
        `${bitPicture(F['att.type.comprehension'], at >> 15)} = Attribute Type Comprehension: ${c}`,
      );
    }
    tree.add(F['att.type.assignment'], tvb, p, 2, (at >> 14) & 1);
    if (tree.full) {
      const a = at & 0x4000 ? 'Designated Expert (0x1)' : 'IETF Review (0x0)';
      tree.labelLast(
        `${bitPicture(F['att.type.assignment'], (at >> 14) & 1)} = Attribute Type Assignment: ${a}`,
      );
    }
    tree.pop();
    tree.add(F['att.length'], tvb, p + 2, 2, alen);
    if (past) {
      if (tree.full) tree.labelLast(`Attribute Length: ${alen} (bogus, goes past the end of the message)`);
      tree.pop();
      break;
    }
    attribute(tvb, pinfo, tree, msg, at, p + 4, alen);
    if (pad > 0) {
      tree.add(F['att.padding'], tvb, p + 4 + alen, pad, pad);
    }
    tree.pop();
    p += 4 + alen + pad;
  }
  tree.pop();
}

/** The IPv4 address of a (XOR-)MAPPED-ADDRESS at `v`; returns it as text. */
function mappedIPv4(tvb: Tvb, tree: Tree, v: number, xor: boolean): string {
  const raw = tvb.u32(v);
  const ip = (xor ? raw ^ COOKIE : raw) >>> 0;
  const addr = formatIPv4(ip);
  if (xor) {
    tree.add(F['att.ipv4-xord'], tvb, v, 4);
    tree.add(F['att.ipv4'], tvb, v, 4, ip);
    if (tree.full) tree.labelLast(`[IP: ${addr}]`);
  } else {
    tree.add(F['att.ipv4'], tvb, v, 4, ip);
  }
  return addr;
}

/** The IPv6 address of a (XOR-)MAPPED-ADDRESS at `v` in the message at `msg`; returns it as text. */
function mappedIPv6(tvb: Tvb, tree: Tree, msg: number, v: number, xor: boolean): string {
  tvb.need(v, 16);
  if (!xor) {
    tree.add(F['att.ipv6'], tvb, v, 16);
    return formatIPv6(tvb.bytes, v);
  }
  // The value is the XOR of the address with the cookie and transaction id (bytes 4–19).
  const plain = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    plain[i] = (tvb.bytes[v + i] as number) ^ (tvb.bytes[msg + 4 + i] as number);
  }
  const addr = formatIPv6(plain, 0);
  tree.add(F['att.ipv6-xord'], tvb, v, 16);
  tree.add(F['att.ipv6'], tvb, v, 16, addr);
  if (tree.full) tree.labelLast(`[IP: ${addr}]`);
  return addr;
}

/** MAPPED-ADDRESS and its XOR- forms: family, port and address. */
function mappedAddress(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  msg: number,
  at: number,
  v: number,
  len: number,
): void {
  if (len < 1) return;
  tree.add(F['att.reserved'], tvb, v, 1);
  if (len < 2) return;
  const family = tvb.u8(v + 1);
  tree.add(F['att.family'], tvb, v + 1, 1, family);
  if (len < 4) return;
  const xor = at !== 0x0001;
  const port = tvb.u16(v + 2) ^ (xor ? 0x2112 : 0);
  if (xor) {
    tree.add(F['att.port-xord'], tvb, v + 2, 2);
    tree.add(F['att.port'], tvb, v + 2, 2, port);
    if (tree.full) tree.labelLast(`[Port: ${port}]`);
  } else {
    tree.add(F['att.port'], tvb, v + 2, 2, port);
  }
  let addr = '';
  if (family === 1 && len >= 8) addr = mappedIPv4(tvb, tree, v + 4, xor);
  else if (family === 2 && len >= 20) addr = mappedIPv6(tvb, tree, msg, v + 4, xor);
  if (addr) {
    const name = ATTRS[at] ?? 'Unknown';
    const text = `${addr}:${port}`;
    tree.label(`${name}: ${text}`);
    appendInfo(pinfo, ` ${name}: ${text}`);
  }
}

function username(tvb: Tvb, pinfo: PacketInfo, tree: Tree, name: string, v: number, len: number): void {
  const user = string(tvb, tree, F['att.username'], v, len);
  tree.label(`${name}: ${user}`);
  appendInfo(pinfo, ` user: ${user}`);
}

function realmOrNonce(tvb: Tvb, pinfo: PacketInfo, tree: Tree, at: number, v: number, len: number): void {
  const s = string(tvb, tree, at === 0x0014 ? F['att.realm'] : F['att.nonce'], v, len);
  tree.label(`${ATTRS[at] ?? 'Unknown'}: ${s}`);
  appendInfo(pinfo, at === 0x0014 ? ` realm: ${s}` : ' with nonce');
}

function errorCode(tvb: Tvb, pinfo: PacketInfo, tree: Tree, name: string, v: number, len: number): void {
  if (len < 4) return;
  tree.add(F['att.reserved'], tvb, v, 2);
  const cls = tvb.u8(v + 2) & 0x07;
  const num = tvb.u8(v + 3);
  tree.add(F['att.error.class'], tvb, v + 2, 1, cls);
  tree.add(F['att.error'], tvb, v + 3, 1, num);
  const code = cls * 100 + num;
  const meaning = ERRORS[code] ?? 'Unknown';
  let reason = '';
  if (len > 4) reason = string(tvb, tree, F['att.error.reason'], v + 4, len - 4);
  tree.label(`${name} ${code} (${meaning}): ${reason}`);
  appendInfo(pinfo, ` error-code: ${code} (${meaning}) ${reason}`);
}

function lifetime(tvb: Tvb, pinfo: PacketInfo, tree: Tree, name: string, v: number, len: number): void {
  if (len < 4) return;
  const life = tvb.u32(v);
  tree.add(F['att.lifetime'], tvb, v, 4, life);
  tree.label(`${name} ${life}`);
  appendInfo(pinfo, ` lifetime: ${life}`);
}

function requestedTransport(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  name: string,
  v: number,
  len: number,
): void {
  if (len < 1) return;
  const tr = tvb.u8(v);
  tree.add(F['att.transp'], tvb, v, 1, tr);
  const trName = tr === 17 ? 'UDP' : tr === 6 ? 'TCP' : 'Unknown';
  if (len >= 4) tree.add(F['att.reserved'], tvb, v + 1, 3);
  tree.label(`${name}: ${trName}`);
  appendInfo(pinfo, ` ${trName}`);
}

function channelNumber(tvb: Tvb, pinfo: PacketInfo, tree: Tree, name: string, v: number, len: number): void {
  if (len < 2) return;
  const ch = tvb.u16(v);
  tree.add(F['att.channelnum'], tvb, v, 2, ch);
  if (len >= 4) tree.add(F['att.reserved'], tvb, v + 2, 2);
  const t = `0x${ch.toString(16)}`;
  tree.label(`${name}: ${t}`);
  appendInfo(pinfo, ` ChannelNumber=${t}`);
}

const hex8 = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

/** FINGERPRINT: the CRC-32 of the message before it, checked. */
function fingerprint(tvb: Tvb, pinfo: PacketInfo, tree: Tree, msg: number, v: number, len: number): void {
  if (len < 4) return;
  const got = tvb.u32(v);
  const want = (crc32(tvb.bytes, msg, v - 4) ^ 0x5354554e) >>> 0;
  tree.push(F['att.crc32'], tvb, v, 4, got);
  if (got === want) {
    tree.label(`CRC-32: ${hex8(got)} [correct]`);
  } else {
    tree.label(`CRC-32: ${hex8(got)} incorrect, should be ${hex8(want)}`);
    expert(pinfo, tree, tvb, v, 4, 'Warning', 'Checksum', `Bad Fingerprint [should be ${hex8(want)}]`);
  }
  tree.pop();
  tree.add(F['att.crc32.status'], tvb, v, 0, got === want ? 1 : 0);
  if (tree.full) tree.labelLast(`[CRC-32 Status: ${got === want ? 'Good' : 'Bad'}]`);
}

/** The value of attribute `at` at `v` (`len` bytes) in the message at `msg`. */
function attribute(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  msg: number,
  at: number,
  v: number,
  len: number,
): void {
  const name = ATTRS[at] ?? 'Unknown';
  switch (at) {
    case 0x0001:
    case 0x0020:
    case 0x0012:
    case 0x0016:
      return mappedAddress(tvb, pinfo, tree, msg, at, v, len);
    case 0x0006:
      return username(tvb, pinfo, tree, name, v, len);
    case 0x8022:
      string(tvb, tree, F['att.software'], v, len);
      return;
    case 0x0014:
    case 0x0015:
      return realmOrNonce(tvb, pinfo, tree, at, v, len);
    case 0x0008:
      tree.add(F['att.hmac'], tvb, v, len);
      tvb.need(v, len);
      return;
    case 0x0009:
      return errorCode(tvb, pinfo, tree, name, v, len);
    case 0x000d:
      return lifetime(tvb, pinfo, tree, name, v, len);
    case 0x0019:
      return requestedTransport(tvb, pinfo, tree, name, v, len);
    case 0x000c:
      return channelNumber(tvb, pinfo, tree, name, v, len);
    case 0x0024:
      if (len >= 4) tree.add(F['att.priority'], tvb, v, 4, tvb.u32(v));
      return;
    case 0x8029:
    case 0x802a:
      if (len >= 8) tree.add(F['att.tie-breaker'], tvb, v, 8);
      return;
    case 0x8028:
      return fingerprint(tvb, pinfo, tree, msg, v, len);
    case 0x0013:
      if (len > 0) {
        tree.add(F.value, tvb, v, len);
        tvb.need(v, len);
        dissectData(tvb.sub(v, len), pinfo, tree);
      }
      return;
    case 0x0025:
      return;
    default:
      if (len > 0) tree.add(F.value, tvb, v, len);
      tvb.need(v, len);
  }
}

function dissectUdp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  return dissectSTUN(tvb, pinfo, tree, true);
}

/** Wireshark's dissect_stun_heur_udp: a whole message with the magic cookie, or ChannelData. */
function heuristic(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  const o = tvb.start;
  if (tvb.remaining(o) < 20 || tvb.u32(o + 4) !== COOKIE) return false;
  return dissectSTUN(tvb, pinfo, tree, true) > 0;
}

export const stunModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', 3478, dissectUdp);
    reg.heuristics.udp.push(heuristic);
  },
};
