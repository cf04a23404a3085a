// MySQL client/server protocol on TCP 3306, as tshark 4.0 shows it: the server greeting, the
// login request (and its SSL switch: TLS follows), commands, and the responses a conversation's
// state says come next (OK, ERR, EOF, result set header, field and text row packets, a prepared
// statement's answer, authentication switches). The state is the conversation's, and each packet
// keeps the state it was first dissected in, so a revisit reads it as the first pass did.
import {
  FieldType,
  applyMask,
  bool,
  bytes,
  fields,
  hex,
  names,
  proto,
  str,
  text,
  uint,
  type FieldDef,
} from './field.ts';
import { expert, firstPass } from './ip-proto.ts';
import { matchedPort } from './line-text.ts';
import { COLLATIONS, COMMANDS, EXEC_FLAGS, FIELD_TYPES, RESPONSE_CODES } from './mysql-names.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { tcpDissectPdus, type PduSpec } from './tcp-pdus.ts';
import { asciiString, tvbFormatText } from './text-format.ts';
import { dissectTLS } from './tls.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const PORT = 3306;

const CAPS_LP = 0x0001;
const CAPS_CD = 0x0008;
const CAPS_CU = 0x0200;
const CAPS_SL = 0x0800;
const CAPS_SC = 0x8000;
const EXT_PA = 0x0008;
const EXT_CA = 0x0010;
const EXT_ST = 0x0080;
const EXT_DE = 0x0100;

const u64 = (name: string) => uint(name, 64);
const flag16 = (name: string, mask: number) => bool(name, 16, mask);

export const F = fields('mysql', {
  '': proto('MySQL Protocol'),
  packet_length: uint('Packet Length', 24),
  packet_number: uint('Packet Number', 8),
  request: text('Request Command'),
  command: uint('Command', 8, { strings: names(COMMANDS) }),
  response_code: hex('Response Code', 8, { strings: names(RESPONSE_CODES) }),
  error_code: uint('Error Code', 16),
  'error.message': str('Error message'),
  sqlstate: str('SQL state'),
  message: str('Message'),
  server_greeting: text('Server Greeting'),
  protocol: uint('Protocol', 8),
  version: str('Version'),
  'caps.server': hex('Server Capabilities', 16),
  'caps.client': hex('Client Capabilities', 16),
  'caps.lp': flag16('Long Password', 0x1),
  'caps.fr': flag16('Found Rows', 0x2),
  'caps.lf': flag16('Long Column Flags', 0x4),
  'caps.cd': flag16('Connect With Database', 0x8),
  'caps.ns': flag16("Don't Allow database.table.column", 0x10),
  'caps.cp': flag16('Can use compression protocol', 0x20),
  'caps.ob': flag16('ODBC Client', 0x40),
  'caps.li': flag16('Can Use LOAD DATA LOCAL', 0x80),
  'caps.is': flag16("Ignore Spaces before '('", 0x100),
  'caps.cu': flag16('Speaks 4.1 protocol (new flag)', 0x200),
  'caps.ia': flag16('Interactive Client', 0x400),
  'caps.sl': flag16('Switch to SSL after handshake', 0x800),
  'caps.ii': flag16('Ignore sigpipes', 0x1000),
  'caps.ta': flag16('Knows about transactions', 0x2000),
  'caps.rs': flag16('Speaks 4.1 protocol (old flag)', 0x4000),
  'caps.sc': flag16('Can do 4.1 authentication', 0x8000),
  'extcaps.server': hex('Extended Server Capabilities', 16),
  'extcaps.client': hex('Extended Client Capabilities', 16),
  'caps.ms': flag16('Multiple statements', 0x1),
  'caps.mr': flag16('Multiple results', 0x2),
  'caps.pm': flag16('PS Multiple results', 0x4),
  'caps.pa': flag16('Plugin Auth', 0x8),
  'caps.ca': flag16('Connect attrs', 0x10),
  'caps.ep': flag16('Client can handle expired passwords', 0x40),
  'caps.session_track': flag16('Session variable tracking', 0x80),
  'caps.deprecate_eof': flag16('Deprecate EOF', 0x100),
  'caps.optional_metadata': flag16('Client can hanle optional resultset metadata', 0x200),
  'caps.compress_zsd': flag16('ZSTD Compression Algorithm', 0x400),
  'caps.query_attrs': flag16('Query Attributes', 0x800),
  'caps.mf_auth': flag16('Multifactor Authentication', 0x1000),
  'caps.cap_ext': flag16('Capability Extension', 0x2000),
  'caps.unused': hex('Unused', 16, { mask: 0xc000 }),
  login_request: text('Login Request'),
  max_packet: uint('MAX Packet', 32),
  charset: uint('Charset', 8, { strings: names(COLLATIONS) }),
  user: str('Username'),
  schema: str('Schema'),
  client_auth_plugin: str('Client Auth Plugin'),
  connattrs: text('Connection Attributes'),
  'connattrs.length': u64('Connection Attributes length'),
  'connattrs.attr': text('Connection Attribute'),
  'connattrs.name.length': u64('Connection Attribute Name Length'),
  'connattrs.name': str('Connection Attribute Name'),
  'connattrs.value.length': u64('Connection Attribute Value Length'),
  'connattrs.value': str('Connection Attribute Value'),
  salt: str('Salt'),
  salt2: str('Salt'),
  'auth_plugin.length': uint('Authentication Plugin Length', 8),
  auth_plugin: str('Authentication Plugin'),
  thread_id: uint('Thread ID', 32),
  server_language: uint('Server Language', 8, { strings: names(COLLATIONS) }),
  server_status: hex('Server Status', 16),
  'stat.it': flag16('In transaction', 0x1),
  'stat.ac': flag16('AUTO_COMMIT', 0x2),
  'stat.mu': flag16('Multi query / Unused', 0x4),
  'stat.mr': flag16('More results', 0x8),
  'stat.bi': flag16('Bad index used', 0x10),
  'stat.ni': flag16('No index used', 0x20),
  'stat.cr': flag16('Cursor exists', 0x40),
  'stat.lr': flag16('Last row sent', 0x80),
  'stat.dr': flag16('Database dropped', 0x100),
  'stat.bs': flag16('No backslash escapes', 0x200),
  'stat.mc': flag16('Metadata changed', 0x400),
  'stat.query_was_slow': flag16('Query was slow', 0x800),
  'stat.ps_out_params': flag16('PS Out Params', 0x1000),
  'stat.trans_readonly': flag16('In Trans Readonly', 0x2000),
  'stat.session_state_changed': flag16('Session state changed', 0x4000),
  unused: bytes('Unused'),
  passwd: bytes('Password'),
  payload: bytes('Payload'),
  affected_rows: u64('Affected Rows'),
  insert_id: u64('Last INSERT ID'),
  warnings: uint('Warnings', 16),
  stmt_id: uint('Statement ID', 32),
  query: str('Statement'),
  num_params: uint('Number of parameter', 16),
  exec_flags: uint('Flags', 8, { strings: names(EXEC_FLAGS) }),
  new_parameter_bound_flag: uint('New parameter bound flag', 8, {
    strings: names({ 0: 'Subsequent call', 1: 'First call or rebound' }),
  }),
  exec_iter: uint('Iterations (unused)', 32),
  exec_param: text('Parameter'),
  'exec.unsigned': uint('Unsigned', 8),
  'exec.field.string': str('Value (String)'),
  'exec.field.long': { name: 'Value (INT32)', type: FieldType.Int, base: 'dec', bits: 32 },
  'exec.field.unsigned_long': uint('Value (UINT32)', 32),
  eof: uint('EOF marker', 8),
  num_fields: u64('Number of fields'),
  extra: u64('Extra data'),
  'field.catalog': str('Catalog'),
  'field.db': str('Database'),
  'field.table': str('Table'),
  'field.org_table': str('Original table'),
  'field.name': str('Name'),
  'field.org_name': str('Original name'),
  'field.charsetnr': uint('Charset number', 16, { strings: names(COLLATIONS) }),
  'field.length': uint('Length', 32),
  'field.type': uint('Type', 8, { strings: names(FIELD_TYPES) }),
  'field.flags': hex('Flags', 16),
  'field.flags.not_null': flag16('Not null', 0x1),
  'field.flags.primary_key': flag16('Primary key', 0x2),
  'field.flags.unique_key': flag16('Unique key', 0x4),
  'field.flags.multiple_key': flag16('Multiple key', 0x8),
  'field.flags.blob': flag16('Blob', 0x10),
  'field.flags.unsigned': flag16('Unsigned', 0x20),
  'field.flags.zero_fill': flag16('Zero fill', 0x40),
  'field.flags.enum': flag16('Enum', 0x100),
  'field.flags.auto_increment': flag16('Auto increment', 0x200),
  'field.flags.timestamp': flag16('Timestamp', 0x400),
  'field.flags.set': flag16('Set', 0x800),
  'field.decimals': uint('Decimals', 8),
  'field.default': str('Default'),
  'row.text': str('text'),
  'auth_switch_request.status': hex('Status', 8),
  'auth_switch_request.name': str('Auth Method Name'),
  'auth_switch_request.data': bytes('Auth Method Data'),
  'auth_switch_response.data': bytes('Auth Method Data'),
});

/** Two of tshark's fields share an abbreviation with another (its registration does so). */
const EXTRA = {
  lenencClientData: fields('mysql', { 'caps.pm': flag16('Plugin Auth LENENC Client Data', 0x20) })['caps.pm'],
  execFlags4: fields('mysql', { exec_flags: uint('Flags (unused)', 8) }).exec_flags,
};

const M = fields('mariadb', {
  prefix: uint('Prefix', 8),
  length: u64('Length'),
  server_language: uint('Server Language', 8, { strings: names(COLLATIONS) }),
  charset: uint('Charset', 8, { strings: names(COLLATIONS) }),
  'extcaps.server': hex('MariaDB Extended Server Capabilities', 32),
  'extcaps.client': hex('MariaDB Extended Client Capabilities', 32),
  'caps.pr': bool('Progress indication', 32, 0x1),
  'caps.cm': bool('Multi commands', 32, 0x2),
  'caps.bo': bool('Bulk Operations', 32, 0x4),
  'caps.em': bool('Extended metadata', 32, 0x8),
  'caps.me': bool('Cache metadata', 32, 0x10),
});

const INCOMPLETE = 'FIXME - dissector is incomplete';

const CAPS_FLAGS = [
  F['caps.lp'],
  F['caps.fr'],
  F['caps.lf'],
  F['caps.cd'],
  F['caps.ns'],
  F['caps.cp'],
  F['caps.ob'],
  F['caps.li'],
  F['caps.is'],
  F['caps.cu'],
  F['caps.ia'],
  F['caps.sl'],
  F['caps.ii'],
  F['caps.ta'],
  F['caps.rs'],
  F['caps.sc'],
];
const EXTCAPS_FLAGS = [
  F['caps.ms'],
  F['caps.mr'],
  F['caps.pm'],
  F['caps.pa'],
  F['caps.ca'],
  EXTRA.lenencClientData,
  F['caps.ep'],
  F['caps.session_track'],
  F['caps.deprecate_eof'],
  F['caps.optional_metadata'],
  F['caps.compress_zsd'],
  F['caps.query_attrs'],
  F['caps.mf_auth'],
  F['caps.cap_ext'],
  F['caps.unused'],
];
const STAT_FLAGS = [
  F['stat.it'],
  F['stat.ac'],
  F['stat.mu'],
  F['stat.mr'],
  F['stat.bi'],
  F['stat.ni'],
  F['stat.cr'],
  F['stat.lr'],
  F['stat.dr'],
  F['stat.bs'],
  F['stat.mc'],
  F['stat.query_was_slow'],
  F['stat.ps_out_params'],
  F['stat.trans_readonly'],
  F['stat.session_state_changed'],
];
const FIELD_FLAGS = [
  F['field.flags.not_null'],
  F['field.flags.primary_key'],
  F['field.flags.unique_key'],
  F['field.flags.multiple_key'],
  F['field.flags.blob'],
  F['field.flags.unsigned'],
  F['field.flags.zero_fill'],
  F['field.flags.enum'],
  F['field.flags.auto_increment'],
  F['field.flags.timestamp'],
  F['field.flags.set'],
];
const MARIADB_FLAGS = [M['caps.pr'], M['caps.cm'], M['caps.bo'], M['caps.em'], M['caps.me']];

/** What the conversation expects next (tshark's mysql_state_t), with the words a label shows. */
const enum State {
  Undefined,
  Login,
  Request,
  ResponseOk,
  ResponseError,
  ResponseEof,
  IntermediateEof,
  ResponseMessage,
  ResponseTabular,
  ResponseShowFields,
  FieldPacket,
  RowPacket,
  ColumnCount,
  ResponsePrepare,
  PreparedParameters,
  PreparedFields,
  AuthSwitchRequest,
  AuthSwitchResponse,
  BinlogDump,
}

const STATE_WORDS: Record<State, string> = {
  [State.Undefined]: 'undefined',
  [State.Login]: 'login',
  [State.Request]: 'request',
  [State.ResponseOk]: 'response OK',
  [State.ResponseError]: 'response ERROR',
  [State.ResponseEof]: 'response EOF',
  [State.IntermediateEof]: 'intermediate EOF',
  [State.ResponseMessage]: 'response message',
  [State.ResponseTabular]: 'tabular response',
  [State.ResponseShowFields]: 'response to SHOW FIELDS',
  [State.FieldPacket]: 'field packet',
  [State.RowPacket]: 'row packet',
  [State.ColumnCount]: 'column count',
  [State.ResponsePrepare]: 'response to PREPARE',
  [State.PreparedParameters]: 'parameters in response to PREPARE',
  [State.PreparedFields]: 'fields in response to PREPARE',
  [State.AuthSwitchRequest]: 'authentication switch request',
  [State.AuthSwitchResponse]: 'authentication switch response',
  [State.BinlogDump]: 'binlog event',
};

/** A conversation's state (tshark's mysql_conn_data_t, without compression and binlogs). */
interface Conn {
  srvCaps: number;
  srvCapsExt: number;
  clntCaps: number;
  clntCapsExt: number;
  state: State;
  stmtNumFields: number;
  stmtNumParams: number;
  remainingFields: number;
  majorVersion: number;
  frameStartSsl: number;
  mariadbServer: boolean;
  mariadbClient: boolean;
  /** Parameter counts of the prepared statements, by id. */
  stmts: Map<number, number>;
  lastStmt: number;
}

interface Conversation {
  conn: Conn;
  /** The conversation as each packet (frame, source, offset) first found it. */
  seen: Map<string, Conn>;
}

const newConversations = (): Map<number, Conversation> => new Map();

function newConn(): Conn {
  return {
    srvCaps: 0,
    srvCapsExt: 0,
    clntCaps: 0,
    clntCapsExt: 0,
    state: State.Undefined,
    stmtNumFields: 0,
    stmtNumParams: 0,
    remainingFields: 0,
    majorVersion: 0,
    frameStartSsl: 0,
    mariadbServer: false,
    mariadbClient: false,
    stmts: new Map(),
    lastStmt: 0,
  };
}

const copyConn = (c: Conn): Conn => ({ ...c, stmts: new Map(c.stmts) });

/** One packet being dissected. */
interface Pkt {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  conn: Conn;
  /** The state the packet was first seen in. */
  state: State;
  /** Words appended to the MySQL Protocol item's label (` - response OK`). */
  suffix: string;
  end: number;
}

// Info column writers (col_set_str, col_append_str, col_set_fence).

function infoSet(p: Pkt, s: string): void {
  if (p.pinfo.wantInfo) p.pinfo.setInfo(s);
}

function infoAppend(p: Pkt, s: string): void {
  if (p.pinfo.wantInfo) p.pinfo.setInfo(p.pinfo.info + s);
}

function infoFence(p: Pkt): void {
  p.pinfo.fenceColumns();
}

function setState(p: Pkt, s: State): void {
  p.conn.state = s;
}

/** tvb_strsize where a missing NUL means "to the end" (tshark's my_tvb_strsize). */
function strsize(p: Pkt, at: number): number {
  const b = p.tvb.bytes;
  const end = Math.min(p.tvb.end, p.end);
  for (let i = at; i < end; i++) if (b[i] === 0) return i - at + 1;
  return Math.max(0, p.end - at);
}

/** A string item of `n` bytes at `at` (its text ends at a NUL). */
function addString(p: Pkt, def: FieldDef, at: number, n: number): string {
  p.tvb.need(at, n);
  const b = p.tvb.bytes;
  let stop = at;
  while (stop < at + n && b[stop] !== 0) stop++;
  const s = asciiString(b, at, stop);
  p.tree.add(def, p.tvb, at, n, s);
  return s;
}

function addStringz(p: Pkt, def: FieldDef, at: number): number {
  const n = strsize(p, at);
  addString(p, def, at, n);
  return at + n;
}

function addBytes(p: Pkt, def: FieldDef, at: number, n: number): number {
  p.tree.add(def, p.tvb, at, n);
  p.tvb.need(at, n);
  return at + n;
}

function remaining(p: Pkt, at: number): number {
  return Math.max(0, p.end - at);
}

/** A 16- or 32-bit little-endian bitmask item and its flags (BMT_NO_APPEND). */
function bitmask(p: Pkt, def: FieldDef, flags: readonly FieldDef[], at: number, size = 2): number {
  const v = size === 2 ? p.tvb.u16le(at) : p.tvb.u32le(at);
  p.tree.push(def, p.tvb, at, size, v);
  for (const f of flags) {
    if (f.type === FieldType.Bool) p.tree.add(f, p.tvb, at, size, (v & (f.mask ?? 0)) !== 0);
    else p.tree.add(f, p.tvb, at, size, applyMask(f, v));
  }
  p.tree.pop();
  return v;
}

/** A length-encoded integer (tshark's tvb_get_fle): its prefix and length items, value and size. */
function fle(p: Pkt, at: number): { value: number | bigint; size: number; isNull: boolean } {
  const { tvb, tree } = p;
  const prefix = tvb.u8(at);
  tree.add(M.prefix, tvb, at, 1, prefix);
  if (prefix === 251) {
    if (tree.full) tree.labelLast('Prefix: 251(NULL)');
    return { value: 0, size: 1, isNull: true };
  }
  const lenLen = prefix === 252 ? 2 : prefix === 253 ? 3 : prefix === 254 ? 8 : 0;
  if (tree.full && lenLen > 0) tree.labelLast(`Prefix: ${prefix} Length in following ${lenLen} bytes`);
  const from = lenLen > 0 ? at + 1 : at;
  const value = littleEndian(tvb, from, lenLen || 1);
  tree.add(M.length, tvb, from, lenLen || 1, value);
  return { value, size: lenLen > 0 ? lenLen + 1 : 1, isNull: false };
}

function littleEndian(tvb: Tvb, at: number, n: number): number | bigint {
  if (n === 8) {
    tvb.need(at, 8);
    const v = tvb.view.getBigUint64(at, true);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  if (n === 1) return tvb.u8(at);
  if (n === 2) return tvb.u16le(at);
  tvb.need(at, 3);
  return tvb.u8(at) | (tvb.u8(at + 1) << 8) | (tvb.u8(at + 2) << 16);
}

/** A byte count from a length-encoded integer, bounded so a huge one fails at the bounds check. */
const count = (v: number | bigint): number => (typeof v === 'bigint' ? Number.MAX_SAFE_INTEGER : v);

/** A length-encoded string in its own subtree named after the field (mysql_field_add_lestring). */
function lestring(p: Pkt, def: FieldDef, at: number): number {
  const { tvb, tree } = p;
  tree.push(SUBTREE, tvb, at, 0);
  if (tree.full) tree.label(def.name);
  const len = fle(p, at);
  let o = at + len.size;
  if (len.isNull) tree.add(def, tvb, o, 0, 'NULL');
  else o = at + len.size + addLen(p, def, o, count(len.value));
  tree.pop(o - at);
  return o;
}

function addLen(p: Pkt, def: FieldDef, at: number, n: number): number {
  if (n > remaining(p, at)) p.tvb.need(at, n);
  addString(p, def, at, n);
  return n;
}

const SUBTREE: FieldDef = { name: '', type: FieldType.None, abbrev: '', id: -1 };

// Server greeting and login request.

function greeting(p: Pkt, at: number): number {
  const { tvb, tree, conn } = p;
  const protocol = tvb.u8(at);
  if (protocol === 0xff) return errorPacket(p, at + 1);
  setState(p, State.Login);
  tree.push(F.server_greeting, tvb, at, remaining(p, at));
  infoAppend(p, ` proto=${protocol}`);
  tree.add(F.protocol, tvb, at, 1, protocol);
  let o = at + 1;
  const n = strsize(p, o);
  const mariadb = n > 6 && tvb.has(o, 6) && tvb.ascii(o, 6) === '5.5.5-';
  if (mariadb) conn.mariadbServer = true;
  const shown = mariadb ? tvbFormatText(tvb.bytes, o + 6, o + n - 1) : tvbFormatText(tvb.bytes, o, o + n - 1);
  infoAppend(p, ` version=${shown} `);
  infoFence(p);
  const version = addString(p, F.version, o, n);
  conn.majorVersion = majorVersion(version);
  o += n;
  tree.add(F.thread_id, tvb, o, 4, tvb.u32le(o));
  o = addStringz(p, F.salt, o + 4);
  if (remaining(p, o) > 0) o = greetingCaps(p, o);
  tree.pop();
  return o;
}

function majorVersion(v: string): number {
  let n = 0;
  for (const ch of v) {
    if (ch === '.') break;
    n = (n * 10 + ch.charCodeAt(0) - 48) & 0xff;
  }
  return n;
}

/** The greeting's optional rest: capabilities, language, status, the second salt, the plugin. */
function greetingCaps(p: Pkt, at: number): number {
  const { tvb, tree, conn } = p;
  conn.srvCaps = bitmask(p, F['caps.server'], CAPS_FLAGS, at);
  if (!(conn.srvCaps & CAPS_LP)) conn.mariadbServer = true;
  let o = at + 2;
  if (remaining(p, o) === 0) return o;
  tree.add(conn.mariadbServer ? M.server_language : F.server_language, tvb, o, 1, tvb.u8(o));
  bitmask(p, F.server_status, STAT_FLAGS, o + 1);
  conn.srvCapsExt = bitmask(p, F['extcaps.server'], EXTCAPS_FLAGS, o + 3);
  tree.add(F['auth_plugin.length'], tvb, o + 5, 1, tvb.u8(o + 5));
  o += 6;
  if (conn.mariadbServer) {
    o = addBytes(p, F.unused, o, 6);
    bitmask(p, M['extcaps.server'], MARIADB_FLAGS, o, 4);
    o += 4;
  } else {
    o = addBytes(p, F.unused, o, 10);
  }
  if (remaining(p, o) > 0) o = addStringz(p, F.salt2, o);
  if (remaining(p, o) > 0) o = addStringz(p, F.auth_plugin, o);
  return o;
}

function login(p: Pkt, at: number): number {
  const { tvb, tree, conn, pinfo } = p;
  // tshark looks at the capabilities of the previous login (none on the first).
  if (conn.clntCaps & CAPS_SL) setState(p, State.Login);
  else if (conn.clntCaps !== 0) setState(p, State.ResponseOk);
  tree.push(F.login_request, tvb, at, remaining(p, at));
  conn.clntCaps = bitmask(p, F['caps.client'], CAPS_FLAGS, at);
  let o = at + 2;
  if (!(conn.clntCaps & CAPS_LP)) conn.mariadbClient = true;
  if (conn.frameStartSsl === 0 && conn.clntCaps & CAPS_SL) {
    infoSet(p, 'Response: SSL Handshake');
    conn.frameStartSsl = pinfo.meta.number;
  }
  if (conn.clntCaps & CAPS_CU) o = loginCaps41(p, o);
  else {
    tree.add(F.max_packet, tvb, o, 3, littleEndian(tvb, o, 3));
    o += 3;
  }
  o = loginUser(p, o);
  tree.pop();
  return o;
}

function loginCaps41(p: Pkt, at: number): number {
  const { tvb, tree, conn } = p;
  conn.clntCapsExt = bitmask(p, F['extcaps.client'], EXTCAPS_FLAGS, at);
  tree.add(F.max_packet, tvb, at + 2, 4, tvb.u32le(at + 2));
  tree.add(conn.mariadbServer ? M.charset : F.charset, tvb, at + 6, 1, tvb.u8(at + 6));
  let o = at + 7;
  if (conn.mariadbClient) {
    o = addBytes(p, F.unused, o, 19);
    bitmask(p, M['extcaps.client'], MARIADB_FLAGS, o, 4);
    return o + 4;
  }
  return addBytes(p, F.unused, o, 23);
}

function loginUser(p: Pkt, at: number): number {
  const { tvb, conn } = p;
  let n = strsize(p, at);
  infoAppend(p, ` user=${tvbFormatText(tvb.bytes, at, at + Math.max(0, n - 1))} `);
  addString(p, F.user, at, n);
  let o = at + n;
  if (remaining(p, o) === 0) {
    infoFence(p);
    return o;
  }
  if (conn.clntCaps & CAPS_SC) {
    n = tvb.u8(o);
    o += 1;
  } else n = strsize(p, o);
  if (n > 1) addBytes(p, F.passwd, o, n);
  o += n;
  if (conn.clntCaps & CAPS_CD) {
    n = strsize(p, o);
    infoAppend(p, `db=${tvbFormatText(tvb.bytes, o, o + Math.max(0, n - 1))} `);
    infoFence(p);
    addString(p, F.schema, o, n);
    o += n;
  }
  if (conn.clntCapsExt & EXT_PA) {
    setState(p, State.AuthSwitchRequest);
    n = strsize(p, o);
    addString(p, F.client_auth_plugin, o, n);
    o += n;
  }
  if (conn.clntCapsExt & EXT_CA && remaining(p, o) > 0) o = connAttrs(p, o);
  return o;
}

function connAttrs(p: Pkt, at: number): number {
  const { tvb, tree } = p;
  const len = fle(p, at);
  let left = count(len.value);
  tree.push(F.connattrs, tvb, at, Math.min(left, tvb.remaining(at)));
  tree.add(F['connattrs.length'], tvb, at, len.size, len.value);
  let o = at + len.size;
  while (left > 0) {
    const n = connAttr(p, o);
    o += n;
    left -= n;
  }
  tree.pop();
  return o;
}

function connAttr(p: Pkt, at: number): number {
  const { tvb, tree } = p;
  tree.push(F['connattrs.attr'], tvb, at, 1);
  let len = fle(p, at);
  tree.add(F['connattrs.name.length'], tvb, at, len.size, len.value);
  let o = at + len.size;
  const name = addString(p, F['connattrs.name'], o, count(len.value));
  o += count(len.value);
  len = fle(p, o);
  tree.add(F['connattrs.value.length'], tvb, o, len.size, len.value);
  o += len.size;
  const value = addString(p, F['connattrs.value'], o, count(len.value));
  o += count(len.value);
  tree.pop(o - at, tree.full ? `Connection Attribute - ${name}: ${value}` : undefined);
  return o - at;
}

// Requests: one function a command, each returning where it stopped.

type Command = (p: Pkt, at: number) => number;

function schemaCommand(p: Pkt, at: number): number {
  const o = at + strsize(p, at);
  addString(p, F.schema, at, o - at);
  setState(p, State.ResponseOk);
  return o;
}

function queryCommand(next: State): Command {
  return (p, at) => {
    const o = at + strsize(p, at);
    addString(p, F.query, at, o - at);
    setState(p, next);
    return o;
  };
}

function stmtClose(p: Pkt, at: number): number {
  p.tree.add(F.stmt_id, p.tvb, at, 4, p.tvb.u32le(at));
  setState(p, State.Request);
  return at + 4;
}

function stmtExecute(p: Pkt, at: number): number {
  const { tvb, tree, conn } = p;
  let id = tvb.u32le(at);
  tree.add(F.stmt_id, tvb, at, 4, id);
  tree.add(conn.majorVersion >= 5 ? F.exec_flags : EXTRA.execFlags4, tvb, at + 4, 1, tvb.u8(at + 4));
  tree.add(F.exec_iter, tvb, at + 5, 4, tvb.u32le(at + 5));
  let o = at + 9;
  if (id === 0xffffffff) id = conn.lastStmt;
  const params = conn.stmts.get(id);
  if (params === undefined) {
    const n = remaining(p, o);
    if (n > 0) {
      tree.push(F.payload, tvb, o, n);
      expert(
        p.pinfo,
        tree,
        tvb,
        o,
        n,
        'Warning',
        'Sequence',
        'PREPARE Response packet is needed to dissect the payload',
      );
      tree.pop();
    }
    o += n;
  } else if (params > 0) o = execParams(p, o, params);
  if (conn.state !== State.ResponsePrepare) setState(p, State.ResponseTabular);
  return o;
}

/** Bound parameters: their types first, then their values (strings and integers). */
function execParams(p: Pkt, at: number, params: number): number {
  const { tvb, tree } = p;
  let o = at + Math.floor((params + 7) / 8);
  tree.add(F.new_parameter_bound_flag, tvb, o, 1, tvb.u8(o));
  const bound = tvb.u8(o);
  o += 1;
  if (bound !== 1) return o;
  const value = { at: o + params * 2 };
  for (let i = 0; i < params; i++, o += 2) if (!execParam(p, o, value)) break;
  return value.at;
}

function execParam(p: Pkt, at: number, value: { at: number }): boolean {
  const { tvb, tree } = p;
  tree.push(F.exec_param, tvb, at, 2);
  const type = tvb.u8(at);
  tree.add(F['field.type'], tvb, at, 1, type);
  const unsigned = (tvb.u8(at + 1) & 0x80) !== 0;
  tree.add(F['exec.unsigned'], tvb, at + 1, 1, tvb.u8(at + 1));
  const known = execValue(p, type, unsigned, value);
  tree.pop();
  return known;
}

function execValue(p: Pkt, type: number, unsigned: boolean, value: { at: number }): boolean {
  const { tvb, tree } = p;
  const o = value.at;
  if (type === 0x03) {
    tree.add(
      unsigned ? F['exec.field.unsigned_long'] : F['exec.field.long'],
      tvb,
      o,
      4,
      unsigned ? tvb.u32le(o) : tvb.u32le(o) | 0,
    );
    value.at += 4;
    return true;
  }
  if (type === 0x06) return true;
  if (![0xf6, 0xfc, 0xfd, 0xfe].includes(type) || unsigned) return false;
  // A string's length in one byte (or 0xfc/0xfd and two or three): the item covers the length only.
  const first = tvb.u8(o);
  const size = first === 0xfc ? 2 : first === 0xfd ? 3 : 1;
  const from = size === 1 ? o : o + 1;
  const n = size === 1 ? first : (littleEndian(tvb, from, size) as number);
  tree.add(
    F['exec.field.string'],
    tvb,
    from,
    size + n,
    tvb.has(from + size, n) ? asciiString(tvb.bytes, from + size, from + size + n) : '',
  );
  tvb.need(from + size, n);
  value.at = from + size + n;
  return true;
}

function otherCommand(p: Pkt, at: number): number {
  return unknownPayload(p, at, 'Unknown/invalid command code');
}

/** The rest as payload with tshark's warning; the conversation's state is lost. */
function unknownPayload(p: Pkt, at: number, warning: string): number {
  const n = remaining(p, at);
  p.tree.push(F.payload, p.tvb, at, n);
  expert(p.pinfo, p.tree, p.tvb, at, n, 'Warning', 'Protocol', warning);
  p.tree.pop();
  setState(p, State.Undefined);
  return at + n;
}

const COMMAND_DISSECTORS: Record<number, Command> = {
  1: (_p, at) => at,
  2: schemaCommand,
  3: queryCommand(State.ResponseTabular),
  5: schemaCommand,
  6: schemaCommand,
  9: (p, at) => (setState(p, State.ResponseMessage), at),
  10: (p, at) => (setState(p, State.ResponseTabular), at),
  13: (p, at) => (setState(p, State.ResponseOk), at),
  14: (p, at) => (setState(p, State.ResponseOk), at),
  22: queryCommand(State.ResponsePrepare),
  23: stmtExecute,
  25: stmtClose,
  31: (_p, at) => at,
};

function request(p: Pkt, at: number): number {
  const { tvb, tree } = p;
  if (p.state === State.AuthSwitchResponse) return authSwitchResponse(p, at);
  const opcode = tvb.u8(at);
  const name = COMMANDS[opcode];
  infoAppend(p, ` ${name ?? `Unknown (${opcode}) `}`);
  tree.push(F.request, tvb, at, remaining(p, at));
  if (tree.full) tree.label(`Request Command ${name ?? `Unknown (${opcode})`}`);
  tree.add(F.command, tvb, at, 1, opcode);
  const o = (COMMAND_DISSECTORS[opcode] ?? otherCommand)(p, at + 1);
  tree.pop(o - at);
  return o;
}

function authSwitchResponse(p: Pkt, at: number): number {
  infoSet(p, 'Auth Switch Response ');
  infoFence(p);
  addBytes(p, F['auth_switch_response.data'], at, strsize(p, at));
  return p.end;
}

// Responses.

function errorPacket(p: Pkt, at: number): number {
  const { tvb, tree } = p;
  const code = tvb.u16le(at);
  infoAppend(p, ` Error ${code} `);
  infoFence(p);
  tree.add(F.error_code, tvb, at, 2, code);
  let o = at + 2;
  if (tvb.u8(o) === 0x23) {
    addString(p, F.sqlstate, o + 1, 5);
    o += 6;
  }
  addString(p, F['error.message'], o, remaining(p, o));
  return p.end;
}

function serverStatus(p: Pkt, at: number): number {
  return bitmask(p, F.server_status, STAT_FLAGS, at);
}

function okPacket(p: Pkt, at: number): number {
  const { tvb, tree, conn } = p;
  infoAppend(p, ' OK ');
  infoFence(p);
  let len = fle(p, at);
  tree.add(F.affected_rows, tvb, at, len.size, len.value);
  let o = at + len.size;
  len = fle(p, o);
  if (len.value !== 0) tree.add(F.insert_id, tvb, o, len.size, len.value);
  o += len.size;
  let messageLength = 0;
  if (remaining(p, o) > 0) {
    serverStatus(p, o);
    o += 2;
    if (conn.clntCaps & conn.srvCaps & CAPS_CU) {
      tree.add(F.warnings, tvb, o, 2, tvb.u16le(o));
      // tshark takes the warnings, read big-endian, as the message's length.
      messageLength = tvb.u16(o);
      o += 2;
    }
  }
  if (conn.clntCapsExt & EXT_ST) o = okSessionMessage(p, o);
  else if (remaining(p, o) > 0) {
    const n = Math.min(messageLength, remaining(p, o));
    addString(p, F.message, o, n);
    o += n;
  }
  setState(p, State.Request);
  return o;
}

/** With session tracking the message is length-encoded (the tracked changes are left out). */
function okSessionMessage(p: Pkt, at: number): number {
  if (remaining(p, at) === 0) return at;
  const len = fle(p, at);
  let o = at + len.size;
  if (len.value !== 0) o += addLen(p, F.message, o, count(len.value));
  return o;
}

function eofPacket(p: Pkt, at: number): number {
  p.tree.add(F.warnings, p.tvb, at, 2, p.tvb.u16le(at));
  serverStatus(p, at + 2);
  return p.end;
}

function resultHeader(p: Pkt, at: number): number {
  const { tvb, tree, conn } = p;
  infoAppend(p, 'TABULAR ');
  infoFence(p);
  const len = fle(p, at);
  tree.add(F.num_fields, tvb, at, len.size, len.value);
  let o = at + len.size;
  if (typeof len.value === 'bigint' || len.value > 0x7fff) {
    expert(p.pinfo, tree, tvb, at, 0, 'Warning', 'Malformed', `Invalid length: ${len.value}`);
    return p.end;
  }
  if (remaining(p, o) > 0) {
    const extra = fle(p, o);
    tree.add(F.extra, tvb, o, extra.size, extra.value);
    o += extra.size;
  }
  conn.remainingFields = len.value;
  setState(p, len.value > 0 ? State.FieldPacket : State.RowPacket);
  return o;
}

function fieldPacket(p: Pkt, at: number): number {
  const { tvb, tree } = p;
  let o = lestring(p, F['field.catalog'], at);
  if (o >= p.end) return o;
  o = lestring(p, F['field.db'], o);
  o = lestring(p, F['field.table'], o);
  o = lestring(p, F['field.org_table'], o);
  o = lestring(p, F['field.name'], o);
  o = lestring(p, F['field.org_name'], o);
  o += 1;
  tree.add(F['field.charsetnr'], tvb, o, 2, tvb.u16le(o));
  tree.add(F['field.length'], tvb, o + 2, 4, tvb.u32le(o + 2));
  tree.add(F['field.type'], tvb, o + 6, 1, tvb.u8(o + 6));
  bitmask(p, F['field.flags'], FIELD_FLAGS, o + 7);
  tree.add(F['field.decimals'], tvb, o + 9, 1, tvb.u8(o + 9));
  o += 12;
  if (remaining(p, o) > 0) o = lestring(p, F['field.default'], o);
  return o;
}

function textRow(p: Pkt, at: number): number {
  let o = at;
  while (remaining(p, o) > 0) o = lestring(p, F['row.text'], o);
  return o;
}

function prepareResponse(p: Pkt, at: number): number {
  const { tvb, tree, conn } = p;
  const id = tvb.u32le(at);
  tree.add(F.stmt_id, tvb, at, 4, id);
  conn.lastStmt = id;
  conn.stmtNumFields = tvb.u16le(at + 4);
  tree.add(F.num_fields, tvb, at + 4, 2, conn.stmtNumFields);
  conn.stmtNumParams = tvb.u16le(at + 6);
  tree.add(F.num_params, tvb, at + 6, 2, conn.stmtNumParams);
  conn.stmts.set(id, conn.stmtNumParams);
  tree.add(F.warnings, tvb, at + 9, 2, tvb.u16le(at + 9));
  if (conn.stmtNumParams > 0) {
    conn.remainingFields = conn.stmtNumParams;
    setState(p, State.PreparedParameters);
  } else if (conn.stmtNumFields > 0) {
    conn.remainingFields = conn.stmtNumFields;
    setState(p, State.PreparedFields);
  } else {
    conn.remainingFields = 0;
    setState(p, State.Request);
  }
  return p.end;
}

function authSwitchRequest(p: Pkt, at: number): number {
  infoSet(p, 'Auth Switch Request ');
  infoFence(p);
  setState(p, State.AuthSwitchResponse);
  if (p.conn.clntCapsExt & EXT_PA) {
    const o = addStringz(p, F['auth_switch_request.name'], at);
    addBytes(p, F['auth_switch_request.data'], o, strsize(p, o));
  } else {
    p.tree.add(F['auth_switch_request.status'], p.tvb, at, 1, p.tvb.u8(at));
  }
  return p.end;
}

function label(p: Pkt, s: State): void {
  p.suffix += ` - ${STATE_WORDS[s]}`;
}

/** 0xfe: an EOF packet (five bytes or fewer), else an authentication switch or an OK. */
function eofOrSwitch(p: Pkt, at: number): number {
  const { tvb, tree, conn, state } = p;
  tree.add(F.response_code, tvb, at, 1, 0xfe);
  tree.add(F.eof, tvb, at, 1, 0xfe);
  const o = at + 1;
  if (remaining(p, o) <= 5) {
    const end = eofPacket(p, o);
    if (state === State.PreparedParameters && conn.stmtNumFields > 0) {
      label(p, State.IntermediateEof);
      conn.remainingFields = conn.stmtNumFields;
      setState(p, State.PreparedFields);
    } else if (state === State.FieldPacket) {
      label(p, State.IntermediateEof);
      setState(p, State.RowPacket);
    } else {
      label(p, State.ResponseEof);
      setState(p, State.Request);
    }
    return end;
  }
  if (state === State.AuthSwitchRequest) {
    label(p, State.AuthSwitchRequest);
    return authSwitchRequest(p, o);
  }
  label(p, State.ResponseOk);
  const end = okPacket(p, o);
  setState(p, State.Request);
  return end;
}

/** 0x00: an OK packet, or what the state says (a prepared statement's answer). */
function okOrPrepare(p: Pkt, at: number): number {
  p.tree.add(F.response_code, p.tvb, at, 1, 0);
  if (p.state === State.ResponsePrepare) {
    label(p, State.ResponsePrepare);
    return prepareResponse(p, at + 1);
  }
  label(p, State.ResponseOk);
  return okPacket(p, at + 1);
}

/** A field definition packet, counting down to the rows (or the end) when EOF is deprecated. */
function fieldInState(next: State): Command {
  return (p, at) => {
    label(p, p.state);
    const o = fieldPacket(p, at);
    p.conn.remainingFields--;
    if (p.conn.clntCapsExt & EXT_DE && p.conn.remainingFields === 0) setState(p, next);
    return o;
  };
}

function preparedParameter(p: Pkt, at: number): number {
  label(p, p.state);
  const o = fieldPacket(p, at);
  const conn = p.conn;
  conn.remainingFields--;
  if (conn.remainingFields === 0 && conn.clntCapsExt & EXT_DE) {
    conn.remainingFields = conn.stmtNumFields;
    setState(p, conn.stmtNumFields > 0 ? State.PreparedFields : State.Request);
  }
  return o;
}

function messageResponse(p: Pkt, at: number): number {
  const n = remaining(p, at);
  if (n > 0) addString(p, F.message, at, n);
  setState(p, State.Request);
  return at + n;
}

function columnCount(p: Pkt, at: number): number {
  label(p, State.ColumnCount);
  return resultHeader(p, at);
}

function unknownResponse(p: Pkt, at: number): number {
  return unknownPayload(p, at, 'unknown/invalid response');
}

/** What any other first byte is, by the state (tshark's default branch). */
const BY_STATE: Partial<Record<State, Command>> = {
  [State.ResponseMessage]: messageResponse,
  [State.ResponseTabular]: columnCount,
  [State.Request]: columnCount,
  [State.PreparedParameters]: preparedParameter,
  [State.FieldPacket]: fieldInState(State.RowPacket),
  [State.ResponseShowFields]: fieldInState(State.RowPacket),
  [State.RowPacket]: (p, at) => (label(p, State.RowPacket), textRow(p, at)),
  [State.PreparedFields]: fieldInState(State.Request),
  [State.AuthSwitchRequest]: (p, at) => (label(p, State.AuthSwitchRequest), authSwitchRequest(p, at)),
};

function response(p: Pkt, at: number): number {
  const code = p.tvb.u8(at);
  if (code === 0xff) {
    p.tree.add(F.response_code, p.tvb, at, 1, code);
    label(p, State.ResponseError);
    const o = errorPacket(p, at + 1);
    setState(p, State.Request);
    return o;
  }
  if (code === 0xfe) return eofOrSwitch(p, at);
  if (code === 0x00) return okOrPrepare(p, at);
  return (BY_STATE[p.state] ?? unknownResponse)(p, at);
}

// One packet.

function conversationOf(pinfo: PacketInfo): Conversation {
  const all = pinfo.state.of('mysql', newConversations);
  let c = all.get(pinfo.conversation);
  if (!c) {
    c = { conn: newConn(), seen: new Map() };
    all.set(pinfo.conversation, c);
  }
  return c;
}

/**
 * The conversation as this packet first found it, to dissect on (a copy: a revisit changes
 * nothing); `commit` makes the result the conversation's on the first pass.
 */
function connFor(conv: Conversation, tvb: Tvb, pinfo: PacketInfo): { conn: Conn; commit(): void } {
  const key = `${pinfo.meta.number}:${tvb.source}:${tvb.start}`;
  let before = conv.seen.get(key);
  if (!before) {
    before = copyConn(conv.conn);
    conv.seen.set(key, before);
  }
  const conn = copyConn(before);
  const first = firstPass(pinfo.state, pinfo);
  return {
    conn,
    commit(): void {
      if (first) conv.conn = conn;
    },
  };
}

function dissectPacket(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const conv = conversationOf(pinfo);
  const { conn, commit } = connFor(conv, tvb, pinfo);
  const o = tvb.start;
  const p: Pkt = { tvb, pinfo, tree, conn, state: conn.state, suffix: '', end: tvb.reportedEnd };
  if (!pinfo.layers.includes('mysql')) pinfo.layers.push('mysql');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    tree.add(F.packet_length, tvb, o, 3, littleEndian(tvb, o, 3));
    pinfo.setProto('MySQL');
    const isResponse = matchedPort(pinfo, [PORT]) !== pinfo.dstPort;
    const number = tvb.u8(o + 3);
    tree.add(F.packet_number, tvb, o + 3, 1, number);
    const end = isResponse ? serverPacket(p, o + 4, number) : clientPacket(p, o + 4, number);
    if (remaining(p, end) > 0) {
      tree.push(F.payload, tvb, end, remaining(p, end));
      expert(pinfo, tree, tvb, end, remaining(p, end), 'Warning', 'Undecoded', INCOMPLETE);
      tree.pop();
    }
  } finally {
    if (tree.full && p.suffix) tree.label(`MySQL Protocol${p.suffix}`);
    tree.pop();
    commit();
  }
}

function serverPacket(p: Pkt, at: number, number: number): number {
  if (number === 0 && p.state === State.Undefined) {
    infoSet(p, 'Server Greeting ');
    return greeting(p, at);
  }
  infoSet(p, 'Response ');
  return response(p, at);
}

function clientPacket(p: Pkt, at: number, number: number): number {
  if (p.state === State.Login && number === 1) {
    infoSet(p, 'Login Request');
    return login(p, at);
  }
  infoSet(p, 'Request');
  return request(p, at);
}

const PDUS: PduSpec = {
  fixed: 3,
  length: (tvb, at) => 4 + (littleEndian(tvb, at, 3) as number),
  dissect: dissectPacket,
  name: 'MySQL',
};

export function dissectMysql(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const conv = conversationOf(pinfo);
  const ssl = conv.conn.frameStartSsl;
  // After a login request asking for SSL, the stream is TLS (tshark's ssl_starttls_ack).
  if (ssl !== 0 && pinfo.meta.number > ssl) return dissectTLS(tvb, pinfo, tree);
  return tcpDissectPdus(tvb, pinfo, tree, PDUS);
}

export const mysqlModule = {
  fields: { ...F, ...EXTRA, ...Object.fromEntries(Object.entries(M).map(([k, v]) => [`mariadb.${k}`, v])) },
  handoff(reg: Registry): void {
    reg.register('tcpPort', PORT, dissectMysql);
  },
};
