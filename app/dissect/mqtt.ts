// MQ Telemetry Transport (MQTT 3.1, 3.1.1 and 5.0) on TCP 1883: the fixed header and every
// control packet's variable header and payload, several messages in a segment and one over
// several (tcp-pdus.ts). MQTT 5.0 adds properties, reason codes, subscription options and AUTH.
import { bool, bytes, fields, hex, names, proto, str, text, uint } from './field.ts';
import { dissectJsonMedia, dissectTextLines, isJsonMedia } from './http.ts';
import { expert, firstPass } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { appendInfo, tcpDissectPdus, type PduSpec } from './tcp-pdus.ts';
import { asciiString } from './text-format.ts';
import { NULL_TREE, type Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TYPES: Record<number, string> = {
  1: 'Connect Command',
  2: 'Connect Ack',
  3: 'Publish Message',
  4: 'Publish Ack',
  5: 'Publish Received',
  6: 'Publish Release',
  7: 'Publish Complete',
  8: 'Subscribe Request',
  9: 'Subscribe Ack',
  10: 'Unsubscribe Request',
  11: 'Unsubscribe Ack',
  12: 'Ping Request',
  13: 'Ping Response',
  14: 'Disconnect Req',
  15: 'Authentication Exchange',
};
const QOS: Record<number, string> = {
  0: 'At most once delivery (Fire and Forget)',
  1: 'At least once delivery (Acknowledged deliver)',
  2: 'Exactly once delivery (Assured Delivery)',
  3: 'Reserved',
};
const QOS_NAMES = names(QOS);

const PROPERTIES: Record<number, string> = {
  0x01: 'Payload Format Indicator',
  0x02: 'Publication Expiry Interval',
  0x03: 'Content Type',
  0x08: 'Response Topic',
  0x09: 'Correlation Data',
  0x0b: 'Subscription Identifier',
  0x11: 'Session Expiry Interval',
  0x12: 'Assigned Client Identifier',
  0x13: 'Server Keep Alive',
  0x15: 'Authentication Method',
  0x16: 'Authentication Data',
  0x17: 'Request Problem Information',
  0x18: 'Will Delay Interval',
  0x19: 'Request Response Information',
  0x1a: 'Response Information',
  0x1c: 'Server Reference',
  0x1f: 'Reason String',
  0x21: 'Receive Maximum',
  0x22: 'Topic Alias Maximum',
  0x23: 'Topic Alias',
  0x24: 'Maximum QoS',
  0x25: 'Retain Available',
  0x26: 'User Property',
  0x27: 'Maximum Packet Size',
  0x28: 'Wildcard Subscription Available',
  0x29: 'Subscription Identifier Available',
  0x2a: 'Shared Subscription Available',
};

/** How many bytes each fixed-size numeric property's value takes (tshark's mqtt.prop_number). */
const NUMBER_SIZE: Record<number, number> = {
  0x01: 1,
  0x17: 1,
  0x19: 1,
  0x25: 1,
  0x28: 1,
  0x29: 1,
  0x2a: 1,
  0x13: 2,
  0x21: 2,
  0x22: 2,
  0x02: 4,
  0x11: 4,
  0x18: 4,
  0x27: 4,
};
/** Properties holding a length-prefixed string or binary value (tshark's mqtt.prop_string). */
const STRING_PROPS = new Set([0x08, 0x09, 0x12, 0x15, 0x16, 0x1a, 0x1c, 0x1f]);

// MQTT 5.0 reason codes: each packet type names only the codes it may carry.
const RC: Record<number, string> = {
  0x00: 'Success',
  0x04: 'Disconnect with Will Message',
  0x10: 'No matching subscribers',
  0x11: 'No subscription existed',
  0x18: 'Continue authentication',
  0x19: 'Re-authenticate',
  0x80: 'Unspecified error',
  0x81: 'Malformed Packet',
  0x82: 'Protocol Error',
  0x83: 'Implementation specific error',
  0x84: 'Unsupported Protocol Version',
  0x85: 'Client Identifier not valid',
  0x86: 'Bad User Name or Password',
  0x87: 'Not authorized',
  0x88: 'Server unavailable',
  0x89: 'Server busy',
  0x8a: 'Banned',
  0x8b: 'Server shutting down',
  0x8c: 'Bad authentication method',
  0x8d: 'Keep Alive timeout',
  0x8e: 'Session taken over',
  0x8f: 'Topic Filter invalid',
  0x90: 'Topic Name invalid',
  0x91: 'Packet Identifier in use',
  0x92: 'Packet Identifier not found',
  0x93: 'Receive Maximum exceeded',
  0x94: 'Topic Alias invalid',
  0x95: 'Packet too large',
  0x96: 'Message rate too high',
  0x97: 'Quota exceeded',
  0x98: 'Administrative action',
  0x99: 'Payload format invalid',
  0x9a: 'Retain not supported',
  0x9b: 'QoS not supported',
  0x9c: 'Use another server',
  0x9d: 'Server moved',
  0x9e: 'Shared Subscription not supported',
  0x9f: 'Connection rate exceeded',
  0xa0: 'Maximum connect time',
  0xa1: 'Subscription Identifiers not supported',
  0xa2: 'Wildcard Subscription not supported',
};
function reasons(codes: number[], overrides: Record<number, string> = {}): ReadonlyMap<number, string> {
  return new Map(codes.map((c) => [c, overrides[c] ?? (RC[c] as string)]));
}
const RC_CONNACK = reasons([
  0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97, 0x9a, 0x9b,
  0x9c, 0x9d, 0x9f,
]);
const RC_PUBACK = reasons([0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99]);
const RC_PUBREL = reasons([0x00, 0x92]);
const RC_SUBACK = reasons([0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8f, 0x91, 0x97, 0x9e, 0xa1, 0xa2], {
  0: 'Granted QoS 0',
  1: 'Granted QoS 1',
  2: 'Granted QoS 2',
});
const RC_UNSUBACK = reasons([0x00, 0x11, 0x83, 0x87, 0x8f, 0x91]);
const RC_DISCONNECT = reasons(
  [
    0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95,
    0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2,
  ],
  { 0: 'Normal disconnection' },
);
const RC_AUTH = reasons([0x00, 0x18, 0x19]);

const F = fields('mqtt', {
  '': proto('MQ Telemetry Transport Protocol'),
  hdrflags: hex('Header Flags', 8),
  msgtype: uint('Message Type', 8, { mask: 0xf0, strings: names(TYPES) }),
  hdr_reserved: uint('Reserved', 8, { mask: 0x0f }),
  dupflag: bool('DUP Flag', 8, 0x08),
  qos: uint('QoS Level', 8, { mask: 0x06, strings: QOS_NAMES }),
  retain: bool('Retain', 8, 0x01),
  len: uint('Msg Len', 64),
  proto_len: uint('Protocol Name Length', 16),
  protoname: str('Protocol Name'),
  ver: uint('Version', 8, { strings: names({ 3: 'MQTT v3.1', 4: 'MQTT v3.1.1', 5: 'MQTT v5.0' }) }),
  conflags: hex('Connect Flags', 8),
  'conflag.uname': bool('User Name Flag', 8, 0x80),
  'conflag.passwd': bool('Password Flag', 8, 0x40),
  'conflag.retain': bool('Will Retain', 8, 0x20),
  'conflag.qos': uint('QoS Level', 8, { mask: 0x18, strings: QOS_NAMES }),
  'conflag.willflag': bool('Will Flag', 8, 0x04),
  'conflag.cleansess': bool('Clean Session Flag', 8, 0x02),
  'conflag.reserved': bool('(Reserved)', 8, 0x01),
  kalive: uint('Keep Alive', 16),
  clientid_len: uint('Client ID Length', 16),
  clientid: str('Client ID'),
  willtopic_len: uint('Will Topic Length', 16),
  willtopic: str('Will Topic'),
  willmsg_len: uint('Will Message Length', 16),
  willmsg: bytes('Will Message'),
  username_len: uint('User Name Length', 16),
  username: str('User Name'),
  passwd_len: uint('Password Length', 16),
  passwd: str('Password'),
  'conack.flags': hex('Acknowledge Flags', 8),
  'conack.flags.reserved': bool('Reserved', 8, 0xfe),
  'conack.flags.sp': bool('Session Present', 8, 0x01),
  'conack.val': uint('Return Code', 8, {
    strings: names({
      0: 'Connection Accepted',
      1: 'Connection Refused: unacceptable protocol version',
      2: 'Connection Refused: identifier rejected',
      3: 'Connection Refused: server unavailable',
      4: 'Connection Refused: bad user name or password',
      5: 'Connection Refused: not authorized',
    }),
  }),
  topic_len: uint('Topic Length', 16),
  topic: str('Topic'),
  msgid: uint('Message Identifier', 16),
  msg: bytes('Message'),
  'sub.qos': uint('Requested QoS', 8, { strings: QOS_NAMES }),
  'suback.qos': uint('Granted QoS', 8, { strings: names({ ...QOS, 128: 'Failure' }) }),
  subscription_options: hex('Subscription Options', 8),
  subscription_options_qos: uint('QoS', 8, { mask: 0x03, strings: QOS_NAMES }),
  subscription_options_nl: bool('No Local', 8, 0x04),
  subscription_options_rap: bool('Retain As Published', 8, 0x08),
  subscription_options_retain: uint('Retain Handling', 8, {
    mask: 0x30,
    strings: names({
      0: 'Send msgs at subscription time',
      1: 'Send msgs if subscription does not exist',
      2: 'Do not send msgs at subscription time',
      3: 'Reserved',
    }),
  }),
  subscription_options_reserved: hex('Reserved', 8, { mask: 0xc0 }),
  'connack.reason_code': uint('Reason Code', 8, { strings: RC_CONNACK }),
  'puback.reason_code': uint('Reason Code', 8, { strings: RC_PUBACK }),
  'pubrec.reason_code': uint('Reason Code', 8, { strings: RC_PUBACK }),
  'pubrel.reason_code': uint('Reason Code', 8, { strings: RC_PUBREL }),
  'pubcomp.reason_code': uint('Reason Code', 8, { strings: RC_PUBREL }),
  'suback.reason_code': uint('Reason Code', 8, { strings: RC_SUBACK }),
  'unsuback.reason_code': uint('Reason Code', 8, { strings: RC_UNSUBACK }),
  'disconnect.reason_code': uint('Reason Code', 8, { strings: RC_DISCONNECT }),
  'auth.reason_code': uint('Reason Code', 8, { strings: RC_AUTH }),
  properties: text('Properties'),
  will_properties: text('Will Properties'),
  property_len: uint('Total Length', 64),
  property_id: hex('ID', 8, { strings: names(PROPERTIES) }),
  prop_number: uint('Value', 32),
  'property.content_type': str('Content Type'),
  'property.max_qos': uint('QoS', 8, { strings: QOS_NAMES }),
  'property.topic_alias': uint('Topic Alias', 16),
  prop_unknown: str('Unknown Property'),
  prop_string_len: uint('Length', 32),
  prop_string: str('Value'),
  prop_key_len: uint('Key Length', 32),
  prop_key: str('Key'),
  prop_value_len: uint('Value Length', 32),
  prop_value: str('Value'),
});

type Def = (typeof F)['topic'];

/** The CONNACK's first byte in MQTT 3.1 (one field with mqtt.conack.flags.reserved). */
const RESERVED_31 = fields('mqtt', { 'conack.flags.reserved': bool('Reserved', 8, 0) })[
  'conack.flags.reserved'
];

/** The topic a PUBLISH's topic alias stands for: a generated mqtt.topic. */
const TOPIC_GENERATED = fields('mqtt', { topic: str('Topic', { generated: true }) }).topic;

/** The protocol version each conversation's CONNECT announced. */
const newVersions = (): Map<number, number> => new Map();

/** The remaining length (a variable byte integer) at `at`: value and size, or null when cut. */
function remaining(tvb: Tvb, at: number): { value: number; size: number } | null {
  let value = 0;
  let mult = 1;
  for (let i = 0; i < 4; i++) {
    if (!tvb.has(at + i, 1)) return null;
    const b = tvb.bytes[at + i] as number;
    value += (b & 0x7f) * mult;
    mult *= 128;
    if ((b & 0x80) === 0) return { value, size: i + 1 };
  }
  return { value, size: 4 };
}

function lenString(tvb: Tvb, tree: Tree, lenDef: Def, def: Def, at: number): { text: string; next: number } {
  const n = tvb.u16(at);
  tree.add(lenDef, tvb, at, 2, n);
  tvb.need(at + 2, n);
  const text = stringAt(tvb, at + 2, n);
  tree.add(def, tvb, at + 2, n, text);
  return { text, next: at + 2 + n };
}

function flagBit(tree: Tree, tvb: Tvb, def: Def, at: number, v: number): void {
  tree.add(def, tvb, at, 1, (v & (def.mask ?? 0)) !== 0);
}

/** The topic alias → topic name map of each conversation (MQTT 5.0). */
const newAliases = (): Map<number, Map<number, string>> => new Map();

/** What a properties block told the rest of the packet. */
interface Props {
  next: number;
  alias: number;
  contentType?: string;
}

/**
 * A variable byte integer at `at` read as tshark reads it in properties (a protobuf varint of up to
 * 10 bytes, its low 32 bits kept); size 0 when no byte ends it. Reading past the end throws.
 */
function varint(tvb: Tvb, at: number): { value: number; size: number } {
  let value = 0;
  for (let i = 0; i < 10; i++) {
    const b = tvb.u8(at + i);
    if (i < 5) value += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return { value: value % 2 ** 32, size: i + 1 };
  }
  return { value: value % 2 ** 32, size: 0 };
}

/** An MQTT 5.0 properties block (its length a variable byte integer) under `def`. */
function properties(tvb: Tvb, tree: Tree, def: Def, at: number): Props {
  const total = varint(tvb, at);
  const end = at + total.size + total.value;
  // tshark adds the block at its stated length and fails only on the first property past the end.
  tree.push(def, tvb, at, Math.min(total.size + total.value, tvb.remaining(at)));
  // tshark shows the length's bytes as one big-endian number, not the value they encode.
  let shown = 0n;
  for (let i = 0; i < total.size; i++) shown = (shown << 8n) | BigInt(tvb.bytes[at + i] as number);
  tree.add(F.property_len, tvb, at, total.size, total.size > 6 ? shown : Number(shown));
  let p = at + total.size;
  let alias = 0;
  let contentType: string | undefined;
  while (p < end) {
    const id = tvb.u8(p);
    tree.add(F.property_id, tvb, p, 1, id);
    p++;
    const size = NUMBER_SIZE[id];
    if (size !== undefined) {
      const v = size === 1 ? tvb.u8(p) : size === 2 ? tvb.u16(p) : tvb.u32(p);
      tree.add(F.prop_number, tvb, p, size, v);
      p += size;
    } else if (id === 0x24) {
      tree.add(F['property.max_qos'], tvb, p, 1, tvb.u8(p));
      p++;
    } else if (id === 0x23) {
      alias = tvb.u16(p);
      tree.add(F['property.topic_alias'], tvb, p, 2, alias);
      p += 2;
    } else if (id === 0x0b) {
      const v = varint(tvb, p);
      tree.add(F.prop_number, tvb, p, v.size, v.value);
      p += v.size;
    } else if (id === 0x03) {
      const n = tvb.u16(p);
      tvb.need(p + 2, n);
      contentType = stringAt(tvb, p + 2, n);
      tree.add(F['property.content_type'], tvb, p, 2 + n, contentType);
      p += 2 + n;
    } else if (STRING_PROPS.has(id)) {
      p = lenString(tvb, tree, F.prop_string_len, F.prop_string, p).next;
    } else if (id === 0x26) {
      p = lenString(tvb, tree, F.prop_key_len, F.prop_key, p).next;
      p = lenString(tvb, tree, F.prop_value_len, F.prop_value, p).next;
    } else {
      tree.add(F.prop_unknown, tvb, p, end - p, stringAt(tvb, p, end - p));
      p = end;
    }
  }
  tree.pop();
  return { next: end, alias, contentType };
}

/** A length-prefixed topic: the topic only when the length is not 0 (tshark warns then). */
function topicString(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  lenDef: Def,
  def: Def,
  at: number,
  warn = true,
) {
  const n = tvb.u16(at);
  if (n > 0) return lenString(tvb, tree, lenDef, def, at);
  tree.push(lenDef, tvb, at, 2, n);
  if (warn) expert(pinfo, tree, tvb, at, 2, 'Warning', 'Protocol', 'Length cannot be 0');
  tree.pop();
  return { text: '', next: at + 2 };
}

const REASON: Partial<Record<number, Def>> = {
  2: F['connack.reason_code'],
  4: F['puback.reason_code'],
  5: F['pubrec.reason_code'],
  6: F['pubrel.reason_code'],
  7: F['pubcomp.reason_code'],
  9: F['suback.reason_code'],
  11: F['unsuback.reason_code'],
  14: F['disconnect.reason_code'],
  15: F['auth.reason_code'],
};

function reasonCode(tvb: Tvb, tree: Tree, type: number, at: number): void {
  const def = REASON[type];
  if (def) tree.add(def, tvb, at, 1, tvb.u8(at));
}

/** The text of `n` bytes at `at` as tshark shows a string (up to a NUL). */
function stringAt(tvb: Tvb, at: number, n: number): string {
  let end = at;
  while (end < at + n && tvb.bytes[end] !== 0) end++;
  return asciiString(tvb.bytes, at, end);
}

function subscriptionOptions(tvb: Tvb, tree: Tree, at: number): void {
  const f = tvb.u8(at);
  const retain = F.subscription_options_retain.strings?.get((f >> 4) & 3) ?? '';
  let label = `Subscription Options: 0x${f.toString(16).padStart(2, '0')}, Retain Handling: ${retain}`;
  if (f & 0x08) label += ', Retain As Published';
  if (f & 0x04) label += ', No Local';
  label += `, QoS: ${QOS[f & 3]}`;
  tree.push(F.subscription_options, tvb, at, 1, f);
  if (tree.full) tree.label(label);
  tree.add(F.subscription_options_reserved, tvb, at, 1, (f >> 6) & 3);
  tree.add(F.subscription_options_retain, tvb, at, 1, (f >> 4) & 3);
  flagBit(tree, tvb, F.subscription_options_rap, at, f);
  flagBit(tree, tvb, F.subscription_options_nl, at, f);
  tree.add(F.subscription_options_qos, tvb, at, 1, f & 3);
  tree.pop();
}

function dissectMessage(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  const h = tvb.u8(o);
  const type = h >> 4;
  const rl = remaining(tvb, o + 1);
  const size = rl?.size ?? 1;
  const len = rl?.value ?? 0;
  const name = TYPES[type] ?? 'Unknown';
  // One mqtt layer a frame, however many messages (and payload layers between them) it holds.
  if (!pinfo.layers.includes('mqtt')) pinfo.layers.push('mqtt');
  pinfo.setProto('MQTT');
  const versions = pinfo.state.of('mqtt.versions', newVersions);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  if (tree.full) tree.label(`MQ Telemetry Transport Protocol, ${name}`);
  const qos = (h >> 1) & 3;
  let head = `Header Flags: 0x${h.toString(16).padStart(2, '0')}, Message Type: ${name}`;
  if (type === 3) {
    if (h & 0x08) head += ', DUP Flag';
    head += `, QoS Level: ${QOS[qos]}`;
    if (h & 0x01) head += ', Retain';
  }
  tree.push(F.hdrflags, tvb, o, 1, h);
  tree.label(head);
  tree.add(F.msgtype, tvb, o, 1, type);
  if (type === 3) {
    flagBit(tree, tvb, F.dupflag, o, h);
    tree.add(F.qos, tvb, o, 1, qos);
    flagBit(tree, tvb, F.retain, o, h);
  } else {
    tree.add(F.hdr_reserved, tvb, o, 1, h & 0x0f);
  }
  tree.pop();
  tree.add(F.len, tvb, o + 1, size, len);
  const v5 = versions.get(pinfo.conversation) === 5;
  const body: Body = { type, qos, len, p: o + 1 + size, end: tvb.reportedEnd, v5, info: name };
  // Info keeps what was read before a malformed field, as tshark's column does.
  try {
    dissectBody(tvb, pinfo, tree, body);
  } finally {
    if (!body.infoDone) appendInfo(pinfo, body.info);
  }
  tree.pop();
}

interface Body {
  type: number;
  qos: number;
  len: number;
  p: number;
  end: number;
  v5: boolean;
  info: string;
  /** Info already went to the column (before a payload dissector added its own). */
  infoDone?: boolean;
}

/**
 * A PUBLISH payload handed on by its Content Type as tshark's media_type table does, for the
 * media types Trawl dissects (JSON, plain text): next to MQTT, not under it.
 */
function mediaPayload(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  b: Body,
  contentType: string,
  at: number,
): void {
  // The table matches without regard to case; the text lines show the type as sent.
  const type = contentType.toLowerCase();
  if (type !== 'text/plain' && !isJsonMedia(type)) return;
  appendInfo(pinfo, b.info);
  b.infoDone = true;
  const node = tree.current();
  tree.pop();
  const body = tvb.sub(at, b.end - at);
  if (!dissectJsonMedia(body, type, pinfo, tree)) dissectTextLines(body, contentType, pinfo, tree);
  tree.reopen(node);
}

/** The CONNECT flags byte at `p`, as one node with a bit per flag. */
function connectFlags(tvb: Tvb, tree: Tree, p: number, f: number): void {
  let label = `Connect Flags: 0x${f.toString(16).padStart(2, '0')}`;
  if (f & 0x80) label += ', User Name Flag';
  if (f & 0x40) label += ', Password Flag';
  if (f & 0x20) label += ', Will Retain';
  label += `, QoS Level: ${QOS[(f >> 3) & 3]}`;
  if (f & 0x04) label += ', Will Flag';
  if (f & 0x02) label += ', Clean Session Flag';
  if (f & 0x01) label += ', (Reserved)';
  tree.push(F.conflags, tvb, p, 1, f);
  tree.label(label);
  flagBit(tree, tvb, F['conflag.uname'], p, f);
  flagBit(tree, tvb, F['conflag.passwd'], p, f);
  flagBit(tree, tvb, F['conflag.retain'], p, f);
  tree.add(F['conflag.qos'], tvb, p, 1, (f >> 3) & 3);
  flagBit(tree, tvb, F['conflag.willflag'], p, f);
  flagBit(tree, tvb, F['conflag.cleansess'], p, f);
  flagBit(tree, tvb, F['conflag.reserved'], p, f);
  tree.pop();
}

/** CONNECT's will properties, topic and message at `p`; returns the offset after them. */
function connectWill(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number, ver: number): number {
  if (ver === 5) p = properties(tvb, tree, F.will_properties, p).next;
  p = topicString(tvb, pinfo, tree, F.willtopic_len, F.willtopic, p).next;
  const n = tvb.u16(p);
  tree.add(F.willmsg_len, tvb, p, 2, n);
  tvb.need(p + 2, n);
  tree.add(F.willmsg, tvb, p + 2, n);
  return p + 2 + n;
}

function connect(tvb: Tvb, pinfo: PacketInfo, tree: Tree, b: Body): void {
  const { end } = b;
  let p = lenString(tvb, tree, F.proto_len, F.protoname, b.p).next;
  const ver = tvb.u8(p);
  tree.add(F.ver, tvb, p, 1, ver);
  pinfo.state.of('mqtt.versions', newVersions).set(pinfo.conversation, ver);
  p++;
  const f = tvb.u8(p);
  connectFlags(tvb, tree, p, f);
  p++;
  tree.add(F.kalive, tvb, p, 2, tvb.u16(p));
  p += 2;
  if (ver === 5) p = properties(tvb, tree, F.properties, p).next;
  p = lenString(tvb, tree, F.clientid_len, F.clientid, p).next;
  if (f & 0x04) p = connectWill(tvb, pinfo, tree, p, ver);
  if (f & 0x80 && p < end) p = lenString(tvb, tree, F.username_len, F.username, p).next;
  if (f & 0x40 && p < end) lenString(tvb, tree, F.passwd_len, F.passwd, p);
}

function connack(tvb: Tvb, pinfo: PacketInfo, tree: Tree, b: Body): void {
  const { p, type, v5 } = b;
  const f = tvb.u8(p);
  if (pinfo.state.of('mqtt.versions', newVersions).get(pinfo.conversation) === 3) {
    // MQTT 3.1 has no acknowledge flags: the byte is reserved.
    tree.add(RESERVED_31, tvb, p, 1, f !== 0);
    tree.add(F['conack.val'], tvb, p + 1, 1, tvb.u8(p + 1));
    return;
  }
  tree.push(F['conack.flags'], tvb, p, 1, f);
  let label = `Acknowledge Flags: 0x${f.toString(16).padStart(2, '0')}`;
  if (f & 0xfe) label += ', Reserved';
  if (f & 0x01) label += ', Session Present';
  if (tree.full) tree.label(label);
  flagBit(tree, tvb, F['conack.flags.reserved'], p, f);
  flagBit(tree, tvb, F['conack.flags.sp'], p, f);
  tree.pop();
  if (v5) {
    reasonCode(tvb, tree, type, p + 1);
    properties(tvb, tree, F.properties, p + 2);
  } else {
    tree.add(F['conack.val'], tvb, p + 1, 1, tvb.u8(p + 1));
  }
}

/**
 * The topic a PUBLISH's Topic Alias stands for: learnt on the first pass from a PUBLISH that
 * names both, looked up (and shown as generated) otherwise.
 */
function aliasedTopic(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  p: number,
  alias: number,
  topic: string,
): string {
  const aliases = pinfo.state.of('mqtt.aliases', newAliases);
  let map = aliases.get(pinfo.conversation);
  if (!map) aliases.set(pinfo.conversation, (map = new Map()));
  if (firstPass(pinfo.state, pinfo) && topic !== '') {
    map.set(alias, topic);
    return topic;
  }
  const known = map.get(alias);
  if (known !== undefined) topic = known;
  tree.push(TOPIC_GENERATED, tvb, p, 0, topic);
  if (known === undefined) expert(pinfo, tree, tvb, p, 0, 'Note', 'Protocol', 'Unknown topic alias');
  tree.pop();
  return topic;
}

/** A message id at `p`, also added to Info. */
function msgId(tvb: Tvb, tree: Tree, b: Body, p: number): void {
  const id = tvb.u16(p);
  tree.add(F.msgid, tvb, p, 2, id);
  b.info += ` (id=${id})`;
}

function publish(tvb: Tvb, pinfo: PacketInfo, tree: Tree, b: Body): void {
  const { qos, end, v5 } = b;
  let { p } = b;
  const n = tvb.u16(p);
  tree.push(F.topic_len, tvb, p, 2, n);
  const lenNode = tree.current();
  tree.pop();
  const t = n > 0 ? lenString(tvb, NULL_TREE, F.topic_len, F.topic, p) : { text: '', next: p + 2 };
  if (n > 0) tree.add(F.topic, tvb, p + 2, n, t.text);
  p = t.next;
  let topic = t.text;
  if (qos > 0) {
    msgId(tvb, tree, b, p);
    p += 2;
  }
  let alias = 0;
  let props: Props | undefined;
  if (v5) {
    props = properties(tvb, tree, F.properties, p);
    p = props.next;
    alias = props.alias;
    if (alias !== 0) topic = aliasedTopic(tvb, pinfo, tree, p, alias, topic);
  }
  if (n === 0 && alias === 0) {
    // tshark warns on the empty Topic Length when no alias stands for the topic.
    if (lenNode) tree.reopen(lenNode);
    expert(pinfo, tree, tvb, t.next - 2, 2, 'Warning', 'Protocol', 'Length cannot be 0');
    if (lenNode) tree.pop();
  }
  b.info += ` [${topic}]`;
  if (end > p) {
    tvb.need(p, end - p);
    tree.add(F.msg, tvb, p, end - p);
  }
  if (props?.contentType !== undefined) mediaPayload(tvb, pinfo, tree, b, props.contentType, p);
}

/** PUBACK, PUBREC, PUBREL, PUBCOMP. */
function publishAck(tvb: Tvb, tree: Tree, b: Body): void {
  const { p, v5, len, type } = b;
  msgId(tvb, tree, b, p);
  // MQTT 5.0 leaves out the reason code (Success) and the properties when there are none.
  if (v5 && len > 2) {
    reasonCode(tvb, tree, type, p + 2);
    if (len > 3) properties(tvb, tree, F.properties, p + 3);
  }
}

function unsuback(tvb: Tvb, tree: Tree, b: Body): void {
  const { end, v5, type } = b;
  msgId(tvb, tree, b, b.p);
  if (v5) {
    for (let p = properties(tvb, tree, F.properties, b.p + 2).next; p < end; p++)
      reasonCode(tvb, tree, type, p);
  }
}

/** SUBSCRIBE and UNSUBSCRIBE: a message id and a list of topics (with options when subscribing). */
function subscribe(tvb: Tvb, pinfo: PacketInfo, tree: Tree, b: Body): void {
  const { type, end, v5 } = b;
  let p = b.p;
  msgId(tvb, tree, b, p);
  p += 2;
  if (v5) p = properties(tvb, tree, F.properties, p).next;
  while (p < end) {
    const t = topicString(tvb, pinfo, tree, F.topic_len, F.topic, p);
    p = t.next;
    if (type === 8) {
      b.info += ` [${t.text}]`;
      if (v5) subscriptionOptions(tvb, tree, p);
      else tree.add(F['sub.qos'], tvb, p, 1, tvb.u8(p));
      p++;
    }
  }
}

function suback(tvb: Tvb, tree: Tree, b: Body): void {
  const { type, end, v5 } = b;
  let p = b.p;
  msgId(tvb, tree, b, p);
  p += 2;
  if (v5) {
    for (p = properties(tvb, tree, F.properties, p).next; p < end; p++) reasonCode(tvb, tree, type, p);
  } else {
    for (; p < end; p++) tree.add(F['suback.qos'], tvb, p, 1, tvb.u8(p));
  }
}

/** DISCONNECT and AUTH. */
function disconnectOrAuth(tvb: Tvb, tree: Tree, b: Body): void {
  const { p, type, len, v5 } = b;
  // MQTT 5.0: both may end after the reason code, or before it (Success, no properties).
  if (v5 && len > 0) {
    reasonCode(tvb, tree, type, p);
    if (len >= 2) properties(tvb, tree, F.properties, p + 1);
  }
}

/** The variable header and payload of one control packet; its Info text goes to `b.info`. */
function dissectBody(tvb: Tvb, pinfo: PacketInfo, tree: Tree, b: Body): void {
  switch (b.type) {
    case 1:
      return connect(tvb, pinfo, tree, b);
    case 2:
      return connack(tvb, pinfo, tree, b);
    case 3:
      return publish(tvb, pinfo, tree, b);
    case 4:
    case 5:
    case 6:
    case 7:
      return publishAck(tvb, tree, b);
    case 8:
    case 10:
      return subscribe(tvb, pinfo, tree, b);
    case 9:
      return suback(tvb, tree, b);
    case 11:
      return unsuback(tvb, tree, b);
    case 14:
    case 15:
      return disconnectOrAuth(tvb, tree, b);
    default:
      return;
  }
}

const PDUS: PduSpec = {
  fixed: 2,
  length(tvb: Tvb, at: number): number {
    const rl = remaining(tvb, at + 1);
    // A length still cut short asks for more bytes than there are.
    if (!rl) return tvb.remaining(at) + 1 + 2;
    return 1 + rl.size + rl.value;
  },
  dissect: dissectMessage,
  name: 'MQTT',
};

function dissectMqtt(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  if (pinfo.wantInfo) pinfo.setInfo('');
  return tcpDissectPdus(tvb, pinfo, tree, PDUS);
}

export const mqttModule = {
  fields: { ...F, reserved31: RESERVED_31, topicGenerated: TOPIC_GENERATED },
  handoff(reg: Registry): void {
    reg.register('tcpPort', 1883, dissectMqtt);
  },
};
