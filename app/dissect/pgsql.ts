// PostgreSQL frontend/backend protocol v3 on TCP 5432, as tshark 4.0 shows it: one PostgreSQL
// subtree a message (several in a segment, one over several: tcp-pdus.ts), Info `>` towards the
// server and `<` from it followed by each message's type letter (`<R/S/K/Z`). The conversation
// remembers an SSLRequest (the server's one-byte answer follows, `S` starts TLS) and the SASL or
// GSSAPI exchange in progress (what a frontend `p` message holds).
import { FieldType, bytes, fields, names, proto, str, uint, type FieldDef } from './field.ts';
import { firstPass } from './ip-proto.ts';
import { matchedPort } from './line-text.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { tcpDissectPdus, type PduSpec } from './tcp-pdus.ts';
import { asciiString } from './text-format.ts';
import { dissectTLS } from './tls.ts';
import type { Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';

const PORT = 5432;

const AUTH_TYPES = names({
  0: 'Success',
  1: 'Kerberos V4',
  2: 'Kerberos V5',
  3: 'Plaintext password',
  4: 'crypt()ed password',
  5: 'MD5 password',
  6: 'SCM credentials',
  7: 'GSSAPI',
  8: 'GSSAPI/SSPI continue',
  9: 'SSPI',
  10: 'SASL',
  11: 'SASL continue',
  12: 'SASL complete',
});
const FORMATS = names({ 0: 'Text', 1: 'Binary' });

const int32 = (name: string) => ({ name, type: FieldType.Int, base: 'dec', bits: 32 }) as const;

export const F = fields('pgsql', {
  '': proto('PostgreSQL'),
  frontend: { name: 'Frontend', type: FieldType.Bool, hidden: true },
  type: str('Type'),
  length: uint('Length', 32),
  version_major: uint('Protocol major version', 16),
  version_minor: uint('Protocol minor version', 16),
  version_supported_minor: uint('Supported minor version', 32),
  number_nonsupported_options: int32('Number nonsupported options'),
  nonsupported_option: str('Nonsupported option'),
  parameter_name: str('Parameter name'),
  parameter_value: str('Parameter value'),
  query: str('Query'),
  password: str('Password'),
  authtype: uint('Authentication type', 32, { strings: AUTH_TYPES }),
  salt: bytes('Salt value'),
  'auth.gssapi_sspi.data': bytes('GSSAPI or SSPI data'),
  'auth.sasl.mech': str('SASL authentication mechanism'),
  'auth.sasl.data.length': int32('SASL authentication data length'),
  'auth.sasl.data': bytes('SASL authentication data'),
  statement: str('Statement'),
  portal: str('Portal'),
  returns: uint('Returns', 32),
  tag: str('Tag'),
  status: uint('Status', 8, {
    strings: names({ 73: 'Idle', 84: 'In a transaction', 69: 'In a failed transaction' }),
  }),
  copydata: bytes('Copy data'),
  error: str('Error'),
  pid: uint('PID', 32),
  key: uint('Key', 32),
  condition: str('Condition'),
  text: str('Text'),
  'oid.table': uint('Table OID', 32),
  'oid.type': uint('Type OID', 32),
  oid: uint('OID', 32),
  format: uint('Format', 16, { strings: FORMATS }),
  'field.count': uint('Field count', 16),
  'col.name': str('Column name'),
  'col.index': uint('Column index', 32),
  'val.length': int32('Column length'),
  'val.data': bytes('Data'),
  'col.typemod': int32('Type modifier'),
  severity: str('Severity'),
  code: str('Code'),
  message: str('Message'),
  detail: str('Detail'),
  hint: str('Hint'),
  position: str('Position'),
  internal_position: str('Position (Internal)'),
  internal_query: str('Query (Internal)'),
  where: str('Context'),
  schema_name: str('Schema'),
  table_name: str('Table'),
  column_name: str('Column'),
  type_name: str('Type'),
  constraint_name: str('Constraint'),
  file: str('File'),
  line: str('Line'),
  routine: str('Routine'),
});

/** A text line with no field (proto_tree_add_subtree_format). */
const SUBTREE: FieldDef = { name: '', type: FieldType.None, abbrev: '', id: -1 };

const FE_MESSAGES: Record<string, string> = {
  p: 'Authentication message',
  Q: 'Simple query',
  P: 'Parse',
  B: 'Bind',
  E: 'Execute',
  D: 'Describe',
  C: 'Close',
  H: 'Flush',
  S: 'Sync',
  F: 'Function call',
  d: 'Copy data',
  c: 'Copy completion',
  f: 'Copy failure',
  X: 'Termination',
};

const BE_MESSAGES: Record<string, string> = {
  R: 'Authentication request',
  K: 'Backend key data',
  S: 'Parameter status',
  '1': 'Parse completion',
  '2': 'Bind completion',
  '3': 'Close completion',
  C: 'Command completion',
  t: 'Parameter description',
  T: 'Row description',
  D: 'Data row',
  I: 'Empty query',
  n: 'No data',
  E: 'Error',
  N: 'Notice',
  s: 'Portal suspended',
  Z: 'Ready for query',
  A: 'Notification',
  V: 'Function call response',
  G: 'CopyIn response',
  H: 'CopyOut response',
  d: 'Copy data',
  c: 'Copy completion',
  v: 'Negotiate protocol version',
};

/** The error and notice field codes (a byte before each string). */
const NOTICE_FIELDS: Record<string, FieldDef> = {
  S: F.severity,
  C: F.code,
  M: F.message,
  D: F.detail,
  H: F.hint,
  P: F.position,
  p: F.internal_position,
  q: F.internal_query,
  W: F.where,
  s: F.schema_name,
  t: F.table_name,
  c: F.column_name,
  d: F.type_name,
  n: F.constraint_name,
  F: F.file,
  L: F.line,
  R: F.routine,
};

const enum Auth {
  None,
  SaslRequested,
  SaslContinue,
  GssapiData,
}

/** What a conversation knows between messages. */
interface Flow {
  sslRequested: boolean;
  auth: Auth;
}

interface Conversation extends Flow {
  /** The frame whose `S` answer started TLS (0: none). */
  tlsAfter: number;
  /** The flow as each frame found it, for dissecting it again later. */
  atFrame: Map<number, Flow>;
}

const newConversations = (): Map<number, Conversation> => new Map();

/** One message being dissected. */
interface Msg {
  tvb: Tvb;
  tree: Tree;
  flow: Flow;
  /** The message's length field (not counting the type byte). */
  length: number;
  /** Offset of the body (after type and length), absolute. */
  body: number;
  /** Offset of the message's first byte (tshark's offset 0). */
  o: number;
}

/** A NUL-terminated string at `at`: its text and size with the NUL (tvb_strsize). */
function stringz(tvb: Tvb, at: number): { text: string; size: number } {
  const b = tvb.bytes;
  for (let i = at; i < tvb.end; i++) if (b[i] === 0) return { text: asciiString(b, at, i), size: i - at + 1 };
  tvb.need(at, tvb.remaining(at) + 1);
  throw new MalformedError('Malformed Packet', at);
}

function addStringz(m: Msg, def: FieldDef, at: number): number {
  const s = stringz(m.tvb, at);
  m.tree.add(def, m.tvb, at, s.size, s.text);
  return s.size;
}

function i32(tvb: Tvb, at: number): number {
  return tvb.u32(at) | 0;
}

function i16(tvb: Tvb, at: number): number {
  return (tvb.u16(at) << 16) >> 16;
}

/** A count and the subtree of items it heads (`Parameters: 2`). */
function countedList(m: Msg, at: number, label: string, item: (p: number) => number, skip = 0): number {
  const count = m.tvb.u16(at);
  m.tree.push(SUBTREE, m.tvb, at, 2);
  if (m.tree.full) m.tree.label(`${label}: ${count}`);
  let p = at + 2;
  for (let i = count; i-- > skip;) p = item(p);
  m.tree.pop();
  return p;
}

function formatItem(m: Msg): (p: number) => number {
  return (p) => {
    m.tree.add(F.format, m.tvb, p, 2, m.tvb.u16(p));
    return p + 2;
  };
}

function typeOidItem(m: Msg): (p: number) => number {
  return (p) => {
    m.tree.add(F['oid.type'], m.tvb, p, 4, m.tvb.u32(p));
    return p + 4;
  };
}

/** A length (-1: NULL) and that many bytes of data. */
function valueItem(m: Msg): (p: number) => number {
  return (p) => {
    const n = i32(m.tvb, p);
    m.tree.add(F['val.length'], m.tvb, p, 4, n);
    if (n <= 0) return p + 4;
    m.tree.add(F['val.data'], m.tvb, p + 4, n);
    m.tvb.need(p + 4, n);
    return p + 4 + n;
  };
}

// Frontend messages.

function feAuthentication(m: Msg): void {
  const { tvb, tree, body } = m;
  if (m.flow.auth === Auth.SaslRequested) {
    const p = body + addStringz(m, F['auth.sasl.mech'], body);
    const n = i32(tvb, p);
    tree.add(F['auth.sasl.data.length'], tvb, p, 4, n);
    if (n !== 0) addBytes(m, F['auth.sasl.data'], p + 4, n);
  } else if (m.flow.auth === Auth.SaslContinue) {
    addBytes(m, F['auth.sasl.data'], body, m.length - 4);
  } else if (m.flow.auth === Auth.GssapiData) {
    addBytes(m, F['auth.gssapi_sspi.data'], body, m.length - 4);
  } else {
    addStringz(m, F.password, body);
  }
}

/** proto_tree_add_item of bytes: -1 runs to the end, any other negative length is malformed. */
function addBytes(m: Msg, def: FieldDef, at: number, n: number): void {
  const len = n === -1 ? m.tvb.remaining(at) : n;
  if (len < 0) throw new MalformedError('Malformed Packet', at);
  m.tree.add(def, m.tvb, at, len);
  m.tvb.need(at, len);
}

function feParse(m: Msg): void {
  let p = m.body + addStringz(m, F.statement, m.body);
  p += addStringz(m, F.query, p);
  countedList(m, p, 'Parameters', typeOidItem(m));
}

function feBind(m: Msg): void {
  let p = m.body + addStringz(m, F.portal, m.body);
  p += addStringz(m, F.statement, p);
  p = countedList(m, p, 'Parameter formats', formatItem(m));
  p = countedList(m, p, 'Parameter values', valueItem(m));
  countedList(m, p, 'Result formats', formatItem(m));
}

function feExecute(m: Msg): void {
  const p = m.body + addStringz(m, F.portal, m.body);
  const rows = m.tvb.u32(p);
  m.tree.add(F.returns, m.tvb, p, 4, rows);
  if (m.tree.full) m.tree.labelLast(`Returns: ${rows === 0 ? 'all' : rows | 0} rows`);
}

/** Describe and Close name a portal (`P`) or a statement. */
function feDescribe(m: Msg): void {
  const what = m.tvb.u8(m.body);
  addStringz(m, what === 0x50 ? F.portal : F.statement, m.body + 1);
}

/** The messages with no type byte: startup, SSL and GSS encryption requests, cancel. */
function feUntyped(m: Msg): void {
  const { tvb, tree, body } = m;
  const code = tvb.u32(body);
  const n = body + 4;
  const left = m.length - (n - m.o);
  if (code === 196608) startupParameters(m, n, left);
  else if (code === 80877103) m.flow.sslRequested = true;
  else if (code === 80877102) {
    tree.add(F.pid, tvb, n, 4, tvb.u32(n));
    tree.add(F.key, tvb, n + 4, 4, tvb.u32(n + 4));
  }
}

function startupParameters(m: Msg, at: number, length: number): void {
  const { tvb, tree } = m;
  tree.add(F.version_major, tvb, at - 4, 2, tvb.u16(at - 4));
  tree.add(F.version_minor, tvb, at - 2, 2, tvb.u16(at - 2));
  let n = at;
  let left = length;
  while (left > 0) {
    const name = stringz(tvb, n);
    left -= name.size;
    if (left <= 0) break;
    tree.add(F.parameter_name, tvb, n, name.size, name.text);
    const value = stringz(tvb, n + name.size);
    tree.add(F.parameter_value, tvb, n + name.size, value.size, value.text);
    left -= value.size;
    n += name.size + value.size;
    if (left === 1 && tvb.u8(n) === 0) break;
  }
}

function copyData(m: Msg): void {
  addBytes(m, F.copydata, m.body, m.length - 4);
}

function feCopyFailure(m: Msg): void {
  addStringz(m, F.error, m.body);
}

function feFunctionCall(m: Msg): void {
  const { tvb, tree, body } = m;
  tree.add(F.oid, tvb, body, 4, tvb.u32(body));
  let p = countedList(m, body + 4, 'Parameter formats', formatItem(m));
  p = countedList(m, p, 'Parameter values', valueItem(m));
  tree.add(F.format, tvb, p, 2, tvb.u16(p));
}

const FE: Record<string, (m: Msg) => void> = {
  p: feAuthentication,
  Q: (m) => void addStringz(m, F.query, m.body),
  P: feParse,
  B: feBind,
  E: feExecute,
  D: feDescribe,
  C: feDescribe,
  '\0': feUntyped,
  d: copyData,
  f: feCopyFailure,
  F: feFunctionCall,
};

// Backend messages.

function beAuthentication(m: Msg): void {
  const { tvb, tree, body } = m;
  const type = tvb.u32(body);
  tree.add(F.authtype, tvb, body, 4, type);
  // Offsets count from the message's type byte, as tshark's do (hence the quirky bounds).
  const n = body + 4 - m.o;
  if (type === 4 || type === 5) addBytes(m, F.salt, body + 4, type === 4 ? 2 : 4);
  else if (type === 8) {
    m.flow.auth = Auth.GssapiData;
    addBytes(m, F['auth.gssapi_sspi.data'], body, m.length - 8);
  } else if (type === 10) {
    m.flow.auth = Auth.SaslRequested;
    for (let p = n; p < m.length;) p += addStringz(m, F['auth.sasl.mech'], m.o + p);
  } else if (type === 11 || type === 12) {
    m.flow.auth = Auth.SaslContinue;
    if (n < m.length) addBytes(m, F['auth.sasl.data'], body + 4, m.length - 8);
  }
}

function beKeyData(m: Msg): void {
  const { tvb, tree, body } = m;
  tree.add(F.pid, tvb, body, 4, tvb.u32(body));
  tree.add(F.key, tvb, body + 4, 4, tvb.u32(body + 4));
}

function beParameterStatus(m: Msg): void {
  const p = m.body + addStringz(m, F.parameter_name, m.body);
  addStringz(m, F.parameter_value, p);
}

function beRowDescription(m: Msg): void {
  const { tvb, tree, body } = m;
  const count = tvb.u16(body);
  tree.push(F['field.count'], tvb, body, 2, count);
  let n = body + 2;
  for (let i = count; i-- > 0;) {
    const name = stringz(tvb, n);
    tree.push(F['col.name'], tvb, n, name.size, name.text);
    n += name.size;
    tree.add(F['oid.table'], tvb, n, 4, tvb.u32(n));
    tree.add(F['col.index'], tvb, n + 4, 2, tvb.u16(n + 4));
    tree.add(F['oid.type'], tvb, n + 6, 4, tvb.u32(n + 6));
    tree.add(F['val.length'], tvb, n + 10, 2, i16(tvb, n + 10));
    tree.add(F['col.typemod'], tvb, n + 12, 4, i32(tvb, n + 12));
    tree.add(F.format, tvb, n + 16, 2, tvb.u16(n + 16));
    n += 18;
    tree.pop();
  }
  tree.pop();
}

function beDataRow(m: Msg): void {
  const { tvb, tree, body } = m;
  const count = tvb.u16(body);
  tree.push(F['field.count'], tvb, body, 2, count);
  const item = valueItem(m);
  for (let i = count, p = body + 2; i-- > 0;) p = item(p);
  tree.pop();
}

/** Error and Notice: a code byte and a string per field, up to a NUL. */
function beNotice(m: Msg): void {
  const { tvb, tree } = m;
  let left = m.length - 4;
  let n = m.body;
  while (left > 0) {
    const c = tvb.u8(n);
    if (c === 0) break;
    const s = stringz(tvb, n + 1);
    tree.add(NOTICE_FIELDS[String.fromCharCode(c)] ?? F.text, tvb, n, s.size + 1, s.text);
    left -= s.size + 1;
    n += s.size + 1;
  }
}

function beNotification(m: Msg): void {
  const { tvb, tree, body } = m;
  tree.add(F.pid, tvb, body, 4, tvb.u32(body));
  const p = body + 4 + addStringz(m, F.condition, body + 4);
  const text = stringz(tvb, p);
  if (text.size > 1) tree.add(F.text, tvb, p, text.size, text.text);
}

/** CopyIn and CopyOut responses: tshark lists two column formats fewer than there are. */
function beCopyResponse(m: Msg): void {
  const { tvb, tree, body } = m;
  tree.add(F.format, tvb, body, 1, tvb.u8(body));
  countedList(m, body + 1, 'Columns', formatItem(m), 2);
}

function beFunctionResponse(m: Msg): void {
  const { tvb, tree, body } = m;
  const n = i32(tvb, body);
  tree.add(F['val.length'], tvb, body, 4, n);
  if (n > 0) addBytes(m, F['val.data'], body + 4, n);
}

function beNegotiateVersion(m: Msg): void {
  const { tvb, tree, body } = m;
  tree.add(F.version_supported_minor, tvb, body, 4, tvb.u32(body));
  let count = i32(tvb, body + 4);
  tree.add(F.number_nonsupported_options, tvb, body + 4, 4, count);
  for (let p = body + 8; count > 0; count--) p += addStringz(m, F.nonsupported_option, p);
}

const BE: Record<string, (m: Msg) => void> = {
  R: beAuthentication,
  K: beKeyData,
  S: beParameterStatus,
  t: (m) => void countedList(m, m.body, 'Parameters', typeOidItem(m)),
  T: beRowDescription,
  D: beDataRow,
  C: (m) => void addStringz(m, F.tag, m.body),
  Z: (m) => m.tree.add(F.status, m.tvb, m.body, 1, m.tvb.u8(m.body)),
  E: beNotice,
  N: beNotice,
  A: beNotification,
  G: beCopyResponse,
  H: beCopyResponse,
  d: copyData,
  V: beFunctionResponse,
  v: beNegotiateVersion,
};

/** What a frontend message without a type byte is, by its length and code. */
function untypedName(length: number, code: number): string {
  if (length === 16 && code === 80877102) return 'Cancel request';
  if (length === 8 && code === 80877103) return 'SSL request';
  if (length === 8 && code === 80877104) return 'GSS encrypt request';
  if (code === 196608) return 'Startup message';
  return 'Unknown';
}

const AUTH_MESSAGE: Record<Auth, string> = {
  [Auth.None]: 'Password message',
  [Auth.SaslRequested]: 'SASLInitialResponse message',
  [Auth.SaslContinue]: 'SASLResponse message',
  [Auth.GssapiData]: 'GSSResponse message',
};

function typeName(fe: boolean, type: string, m: Msg): string {
  if (!fe) return BE_MESSAGES[type] ?? 'Unknown';
  if (type === '\0') return untypedName(m.length, m.tvb.u32(m.o + 4));
  if (type === 'p') return AUTH_MESSAGE[m.flow.auth];
  return FE_MESSAGES[type] ?? 'Unknown';
}

/** The per-segment facts the messages of one call share. */
interface Call {
  fe: boolean;
  flow: Flow;
  first: boolean;
}

let call: Call = { fe: false, flow: { sslRequested: false, auth: Auth.None }, first: true };

function dissectMessage(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  const typeByte = tvb.u8(o);
  const type = String.fromCharCode(typeByte);
  const n = typeByte === 0 ? 0 : 1;
  const length = tvb.u32(o + n);
  const m: Msg = { tvb, tree, flow: call.flow, length, body: o + n + 4, o };
  const typestr = typeName(call.fe, type, m);
  // tshark prints the type with %c: a NUL ends the text there.
  if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info}${call.first ? '' : '/'}${typeByte === 0 ? '' : type}`);
  call.first = false;
  tree.push(F[''], tvb, o, tvb.remaining(o));
  tree.add(F.type, tvb, o, n, typestr);
  tree.add(F.length, tvb, o + n, 4, length);
  tree.add(F.frontend, tvb, o, 0, call.fe);
  (call.fe ? FE : BE)[type]?.(m);
  tree.pop();
}

const PDUS: PduSpec = {
  fixed: 5,
  length(tvb: Tvb, at: number): number {
    const n = tvb.u8(at) === 0 ? 0 : 1;
    return tvb.u32(at + n) + n;
  },
  dissect: dissectMessage,
  name: 'PGSQL',
};

function conversationOf(pinfo: PacketInfo): Conversation {
  const all = pinfo.state.of('pgsql', newConversations);
  let c = all.get(pinfo.conversation);
  if (!c) {
    c = { sslRequested: false, auth: Auth.None, tlsAfter: 0, atFrame: new Map() };
    all.set(pinfo.conversation, c);
  }
  return c;
}

/** The flow as this frame first found it (so a revisit sees what the first pass saw). */
function flowAt(conv: Conversation, frame: number): Flow {
  let at = conv.atFrame.get(frame);
  if (!at) {
    at = { sslRequested: conv.sslRequested, auth: conv.auth };
    conv.atFrame.set(frame, at);
  }
  return { ...at };
}

export function dissectPgsql(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const conv = conversationOf(pinfo);
  const frame = pinfo.meta.number;
  if (conv.tlsAfter !== 0 && frame > conv.tlsAfter) return dissectTLS(tvb, pinfo, tree);
  const fe = matchedPort(pinfo, [PORT]) === pinfo.dstPort;
  const first = firstPass(pinfo.state, pinfo);
  const flow = flowAt(conv, frame);
  pinfo.setProto('PGSQL');
  if (pinfo.wantInfo) pinfo.setInfo(fe ? '>' : '<');
  if (flow.sslRequested) {
    // The server's one-byte answer to an SSLRequest (`S`: TLS follows). tshark adds no PostgreSQL
    // item for it, and so no pgsql layer in frame.protocols either.
    if (first && tvb.remaining(tvb.start) > 0 && tvb.u8(tvb.start) === 0x53) conv.tlsAfter = frame;
    flow.sslRequested = false;
  } else {
    pinfo.layers.push('pgsql');
    call = { fe, flow, first: true };
    tcpDissectPdus(tvb, pinfo, tree, PDUS);
  }
  if (first) {
    conv.sslRequested = flow.sslRequested;
    conv.auth = flow.auth;
  }
  return tvb.remaining(tvb.start);
}

export const pgsqlModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('tcpPort', PORT, dissectPgsql);
  },
};
