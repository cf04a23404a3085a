// D-Bus messages (LINKTYPE_DBUS, 231) as Wireshark 4.0 decodes them: the fixed header in either
// byte order, the header field array (a{yv}) and the body typed by its signature. Values are read
// by a reader per open container, as Wireshark's does, so that odd signatures and bad lengths end
// where and as tshark's do; the message's sender and destination become Source and Destination.
import { expert } from './ip-proto.ts';
import {
  bool,
  bytes,
  fields,
  FieldType,
  hex,
  names,
  proto,
  str,
  text,
  uint,
  type FieldDef,
  type FieldSpec,
} from './field.ts';
import { LinkType } from './link-types.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { NULL_TREE, type FieldNode, type FieldValue, type Tree } from './tree.ts';
import { stringValue } from './text-format.ts';
import { MalformedError, TruncatedError, type Tvb } from './tvb.ts';

const MESSAGE_TYPES = names({
  0: 'Invalid',
  1: 'Method call',
  2: 'Method reply',
  3: 'Error reply',
  4: 'Signal emission',
});
const FIELD_CODES = names({
  0: 'Invalid',
  1: 'Path',
  2: 'Interface',
  3: 'Member',
  4: 'Error name',
  5: 'Reply serial',
  6: 'Destination',
  7: 'Sender',
  8: 'Signature',
  9: 'Unix FDs',
});
const ENDIANNESS = names({ 0x6c: 'little-endian', 0x42: 'big-endian' });

const MAX_ARRAY_LEN = 64 * 1024 * 1024;
const MAX_NAME_LENGTH = 255;
const MAX_SIGNATURE_LENGTH = 255;
const MAX_TYPE_NESTING = 32;
const MAX_TOTAL_NESTING = 2 * MAX_TYPE_NESTING;

const int = (name: string, bits: number): ReturnType<typeof uint> => ({
  name,
  type: FieldType.Int,
  base: 'dec',
  bits,
});
const decHex = (name: string, bits: number): ReturnType<typeof uint> => uint(name, bits, { base: 'dec_hex' });

export const F = fields('dbus', {
  '': proto('D-Bus'),
  endianness: uint('Endianness', 8, { strings: ENDIANNESS }),
  message_type: uint('Message Type', 8, { strings: MESSAGE_TYPES }),
  flags: hex('Message Flags', 8),
  'flags.no_reply_expected': bool('No Reply Expected', 8, 0x01, { tf: ['Not expected', 'Expected'] }),
  'flags.no_auto_start': bool('No Auto Start', 8, 0x02, { tf: ["Don't start", 'Start'] }),
  'flags.allow_interactive_authorization': bool('Allow Interactive Authorization', 8, 0x04, {
    tf: ['Allow', "Don't allow"],
  }),
  version: uint('Protocol Version', 8),
  body_length: uint('Message Body Length', 32),
  serial: uint('Message Serial', 32),
  field_code: uint('Field Code', 8, { strings: FIELD_CODES }),
  padding: bytes('Padding', { hidden: true }),
  path: str('Path'),
  interface: str('Interface'),
  member: str('Member'),
  error_name: str('Error name'),
  reply_serial: uint('Reply serial', 32),
  destination: str('Destination'),
  sender: str('Sender'),
  signature: str('Signature'),
  unix_fds: uint('Unix FDs', 32),
  body: bytes('Body'),
  'type.byte': decHex('Byte', 8),
  'type.boolean': { name: 'Boolean', type: FieldType.Bool, tf: ['True', 'False'] },
  'type.int16': int('Int16', 16),
  'type.uint16': decHex('Uint16', 16),
  'type.int32': int('Int32', 32),
  'type.uint32': decHex('Uint32', 32),
  'type.int64': int('Int64', 64),
  'type.uint64': decHex('Uint64', 64),
  'type.double': { name: 'Double', type: FieldType.Float },
  'type.string': str('String'),
  'type.object_path': str('Object Path'),
  'type.signature': str('Signature'),
  'type.array': bytes('Array'),
  'type.array.length': uint('Array Length', 32),
  'type.struct': bytes('Struct'),
  'type.variant': bytes('Variant'),
  'type.variant.signature': str('Variant Signature'),
  'type.dict_entry': bytes('Dict Entry'),
  // Registered by Wireshark 4.0 but never added.
  'type.dict_entry.key': bytes('Key'),
  'type.unix_fd': uint('Unix FD', 32),
});
const expertField = (name: string): FieldSpec => ({ ...text(name), hidden: true });

/** Wireshark's expert items, which are filter fields too. */
const EXPERT = fields('dbus', {
  'endianness.invalid': expertField('Invalid endianness flag'),
  'message_type.invalid': expertField('Invalid message type'),
  'message_type.unknown': expertField('Unknown message type'),
  'version.invalid': expertField('Invalid version'),
  'serial.invalid': expertField('Invalid serial'),
  'field_code.invalid': expertField('Invalid field code'),
  required_header_field_missing: expertField('Required header field is missing'),
  'padding.invalid': expertField('Padding bytes must be zero'),
  field_signature_wrong: expertField('Wrong header field variant signature'),
  'interface.invalid': expertField('Invalid interface name'),
  'member.invalid': expertField('Invalid member name'),
  'error_name.invalid': expertField('Invalid error name'),
  'bus_name.invalid': expertField('Invalid bus name'),
  'type.boolean.invalid': expertField('Invalid boolean value'),
  'type.string.invalid': expertField('Invalid string value'),
  'type.signature.invalid': expertField('Invalid signature'),
  'type.array.too_long': expertField('Array too long'),
  'type.array.content_out_of_bounds': expertField('Array content is out of bounds'),
  'type.object_path.invalid': expertField('Invalid object path'),
  'type.variant.signature.invalid': expertField('Invalid variant signature'),
  nested_too_deeply: expertField('Containers nested too deeply'),
});
type ExpertKey = keyof typeof EXPERT;

/** Padding that is not all zeros: shown, with its expert note. */
const BAD_PADDING = fields('dbus', { padding: bytes('Padding') }).padding;

/** The item a value's text comes from and experts attach to (null in sinks without a tree). */
interface Item {
  node: FieldNode | null;
  /** Its value as Wireshark's proto_item_get_display_repr gives it. */
  repr: string;
}

/** A container whose label grows as its contents are read (Variant: …, Dict Entry, k: v). */
interface Container {
  node: FieldNode | null;
  text: string;
}

interface Reader {
  sig: string;
  pos: number;
  level: number;
  arrayLevel: number;
  structLevel: number;
  dictLevel: number;
  /** Where the array's element type starts in `sig` (-1 outside an array) and where its bytes end. */
  arrayStart: number;
  arrayEnd: number;
  inVariant: boolean;
  basicVariant: boolean;
  inDict: boolean;
  basicDict: boolean;
  container: Container | null;
  parent: Reader | null;
}

function reader(sig: string, parent: Reader | null, extra: Partial<Reader> = {}): Reader {
  return {
    sig,
    pos: 0,
    level: 0,
    arrayLevel: 0,
    structLevel: 0,
    dictLevel: 0,
    arrayStart: -1,
    arrayEnd: 0,
    inVariant: false,
    basicVariant: false,
    inDict: false,
    basicDict: false,
    container: null,
    parent,
    ...extra,
  };
}

const isBasic = (c: string | undefined): boolean => c !== undefined && 'ybnqiuxtdsogh'.includes(c);
const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isWord = (c: string): boolean => isAlpha(c) || isDigit(c) || c === '_';

function validObjectPath(p: string): boolean {
  if (p === '/') return true;
  if (!p.startsWith('/') || p.endsWith('/')) return false;
  return p
    .slice(1)
    .split('/')
    .every((e) => e.length > 0 && [...e].every(isWord));
}

/** Interface and error names: two or more dot-separated elements of [A-Za-z0-9_], none starting with a digit. */
function validInterface(s: string): boolean {
  const parts = s.split('.');
  return (
    parts.length >= 2 &&
    s.length <= MAX_NAME_LENGTH &&
    parts.every((e) => e.length > 0 && !isDigit(e[0] as string) && [...e].every(isWord))
  );
}

function validMember(s: string): boolean {
  return s.length > 0 && s.length <= MAX_NAME_LENGTH && !isDigit(s[0] as string) && [...s].every(isWord);
}

function validBusName(s: string): boolean {
  const unique = s.startsWith(':');
  const parts = (unique ? s.slice(1) : s).split('.');
  return (
    parts.length >= 2 &&
    s.length <= MAX_NAME_LENGTH &&
    parts.every(
      (e) =>
        e.length > 0 && (unique || !isDigit(e[0] as string)) && [...e].every((c) => isWord(c) || c === '-'),
    )
  );
}

/** The index after the single complete type at `i`, or -1 when there is none. */
function skipType(sig: string, i: number): number {
  for (;;) {
    const c = sig[i++];
    if (c === undefined) return -1;
    if (c === 'a') continue;
    if (c === '(' || c === '{') {
      const close = c === '(' ? ')' : '}';
      let nested = 0;
      for (; i < sig.length; i++) {
        const d = sig[i];
        if (d === close) {
          if (nested === 0) return i + 1;
          nested--;
        } else if (d === c) nested++;
      }
      return -1;
    }
    return isBasic(c) || c === 'v' ? i : -1;
  }
}

function validSignature(sig: string): boolean {
  const expected: string[] = [];
  let prev = '';
  for (let i = 0; i < sig.length; i++) {
    if (i + 1 >= MAX_SIGNATURE_LENGTH) return false;
    const c = sig[i] as string;
    const next = sig[i + 1];
    if (isBasic(c) || c === 'v') {
      // a basic type or a variant
    } else if (c === 'a') {
      if (next === undefined || next === ')' || next === '}') return false;
    } else if (c === '(') {
      if (next === ')') return false;
      expected.push(')');
    } else if (c === '{') {
      if (prev !== 'a' || !isBasic(next)) return false;
      const close = skipType(sig, i + 2);
      if (close < 0 || sig[close] !== '}') return false;
      expected.push('}');
    } else if (c === ')' || c === '}') {
      if (expected.pop() !== c) return false;
    } else {
      return false;
    }
    prev = c;
  }
  return expected.length === 0;
}

function alignment(c: string | undefined): number {
  switch (c) {
    case 'n':
    case 'q':
      return 2;
    case 'i':
    case 'u':
    case 'b':
    case 'o':
    case 'a':
    case 's':
    case 'h':
      return 4;
    case 'x':
    case 't':
    case 'd':
    case '(':
    case '{':
      return 8;
    default:
      return 1;
  }
}

/** printf's %.15g, as Wireshark shows a double. */
export function formatDouble(v: number): string {
  if (Number.isNaN(v)) return v < 0 ? '-nan' : 'nan';
  if (!Number.isFinite(v)) return v < 0 ? '-inf' : 'inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const exp = Number(v.toExponential(14).split('e')[1]);
  if (exp < -4 || exp >= 15) {
    const [m = '', e = '0'] = v.toExponential(14).split('e');
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const s = v.toFixed(Math.max(0, 14 - exp));
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** One message being read: the cursor, the byte order, and the header fields found so far. */
class Message {
  off: number;
  le = true;
  type = 0;
  current: Item = { node: null, repr: '' };
  path: string | null = null;
  iface: string | null = null;
  member: string | null = null;
  errorName: string | null = null;
  replySerial = 0;
  signature = '';
  /** Open subtrees: where each started and, with no tree, its index in `lengths`. */
  private readonly open: { start: number; index: number }[] = [];
  private pushes = 0;

  constructor(
    readonly tvb: Tvb,
    readonly pinfo: PacketInfo,
    readonly tree: Tree,
    /** Lengths of the containers in the order they open (from a first pass), for sinks without a tree. */
    readonly lengths: number[] | null,
    readonly record: number[] | null,
  ) {
    this.off = tvb.start;
  }

  get base(): number {
    return this.tvb.start;
  }

  u8(): number {
    return this.tvb.u8(this.off);
  }

  u16(at = this.off): number {
    return this.le ? this.tvb.u16le(at) : this.tvb.u16(at);
  }

  u32(at = this.off): number {
    return this.le ? this.tvb.u32le(at) : this.tvb.u32(at);
  }

  /** Adds a leaf and keeps it as the current item. */
  item(def: FieldDef, length: number, value: FieldValue, repr: string, label?: string): void {
    const tree = this.tree;
    if (tree.full) {
      tree.push(def, this.tvb, this.off, length, value);
      const node = tree.current();
      tree.pop(undefined, label);
      this.current = { node, repr };
    } else {
      tree.add(def, this.tvb, this.off, length, value);
      this.current = { node: null, repr };
    }
    this.off += length;
  }

  /** Opens a container item of a length known when it closes. */
  push(def: FieldDef, text: string): Container {
    const index = this.pushes++;
    const start = this.off;
    // An item of undefined length needs one byte at least (tvb_ensure_captured_length_remaining).
    this.tvb.need(start, 1);
    const known = this.lengths?.[index];
    const length = known ?? this.tvb.remaining(start);
    this.tree.push(def, this.tvb, start, length);
    const node = this.tree.current();
    if (node) node.label = text;
    this.open.push({ start, index });
    return { node, text };
  }

  pop(): void {
    const top = this.open.pop();
    if (!top) return;
    const length = this.off - top.start;
    if (this.record) this.record[top.index] = length;
    this.tree.pop(length);
  }

  /** Closes every container still open (after an error), as their lengths stand. */
  popAll(): void {
    while (this.open.length) this.pop();
  }

  append(c: Container | null, text: string): void {
    if (!c) return;
    c.text += text;
    if (c.node) c.node.label = c.text;
  }

  /** An expert item under `node` (the item it is about): all are errors but an unknown message type. */
  expert(node: FieldNode | null, key: ExpertKey): void {
    const tree = this.tree;
    const def = EXPERT[key];
    const severity = key === 'message_type.unknown' ? 'Warning' : 'Error';
    if (tree.full) tree.reopen(node);
    const at = node?.offset ?? this.off;
    const length = node?.length ?? 0;
    expert(this.pinfo, tree, this.tvb, at, length, severity, 'Protocol', def.name);
    tree.add(def, this.tvb, at, length, 1);
    if (tree.full) tree.pop();
  }

  /** Padding up to the alignment of type `c` (hidden when all zeros); true when it is not. */
  pad(c: string | undefined): boolean {
    const align = alignment(c);
    const rel = this.off - this.base;
    const n = (align - (rel % align)) % align;
    if (n === 0) return false;
    this.tvb.need(this.off, n);
    let bad = false;
    for (let i = 0; i < n; i++) if (this.tvb.bytes[this.off + i] !== 0) bad = true;
    // BASE_NO_DISPLAY_VALUE: the item shows its name only.
    this.item(bad ? BAD_PADDING : F.padding, n, undefined, '', 'Padding');
    if (bad) this.expert(this.current.node, 'padding.invalid');
    return bad;
  }

  /**
   * A string with a length prefix of `prefix` bytes and a NUL after it (the item covers all
   * three); null when it holds a NUL or lacks the final one.
   */
  string(def: FieldDef, prefix: 1 | 4): string | null {
    const at = this.off;
    const n = prefix === 1 ? this.tvb.u8(at) : this.u32(at);
    this.tvb.need(at + prefix, n);
    const v = stringValue(this.tvb.bytes, at + prefix, at + prefix + n);
    const label = this.tree.full ? `${def.name}: ${v.label}` : undefined;
    // The item is added before its final NUL is read, which may be past the end.
    this.item(def, prefix + n, v.field, v.field, label);
    const term = this.tvb.u8(this.off);
    if (this.current.node) this.current.node.length++;
    this.off++;
    // Wireshark compares the length of the string it decoded (up to a NUL, bad UTF-8 as U+FFFD)
    // with the length the message gave.
    return utf8Length(v.field) !== n || term !== 0 ? null : v.field;
  }
}

function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** What reading one signature code gave: the reader to go on with (null: stop) and the value. */
interface Step {
  reader: Reader | null;
  num: number;
  text: string | null;
}

/** Stops after an error: the open containers close where the cursor stands (reader_cleanup). */
function fail(m: Message): Step {
  m.popAll();
  return { reader: null, num: 0, text: null };
}

/** What reading one signature code did, as bits. */
const SINGLE = 1; // it read one whole value (not the start of a container)
const INVALID = 2; // the value was invalid: stop, once the containers it completes are closed
const ORPHAN = 4; // it closed a container that has no parent reader: stop now

/** y, n, q, i, u, h: an integer of one to four bytes into `s.num`. */
function integer(m: Message, c: string, hf: FieldDef | null, s: Step): number {
  if (c === 'y') {
    s.num = m.u8();
    m.item(hf ?? F['type.byte'], 1, s.num, String(s.num));
  } else if (c === 'n' || c === 'q') {
    s.num = m.u16();
    if (c === 'n') s.num = (s.num << 16) >> 16;
    m.item(hf ?? F[c === 'n' ? 'type.int16' : 'type.uint16'], 2, s.num, String(s.num));
  } else {
    s.num = m.u32();
    if (c === 'i') s.num |= 0;
    const def = hf ?? F[c === 'i' ? 'type.int32' : c === 'u' ? 'type.uint32' : 'type.unix_fd'];
    m.item(def, 4, s.num, String(s.num));
  }
  return SINGLE;
}

/** b: a 32-bit boolean, invalid past 1. */
function boolean(m: Message, hf: FieldDef | null, s: Step): number {
  const first = m.u8();
  s.num = m.u32();
  m.item(hf ?? F['type.boolean'], 4, s.num !== 0, s.num !== 0 ? '1' : '0');
  if (first < 2) return SINGLE;
  m.expert(m.current.node, 'type.boolean.invalid');
  return SINGLE | INVALID;
}

/** x, t, d: a 64-bit integer or a double. */
function eightBytes(m: Message, c: string, hf: FieldDef | null): number {
  const tvb = m.tvb;
  tvb.need(m.off, 8);
  if (c === 'd') {
    const s = formatDouble(tvb.view.getFloat64(m.off, m.le));
    m.item(hf ?? F['type.double'], 8, s, s);
  } else {
    const v = c === 'x' ? tvb.view.getBigInt64(m.off, m.le) : tvb.view.getBigUint64(m.off, m.le);
    m.item(hf ?? F[c === 'x' ? 'type.int64' : 'type.uint64'], 8, v, v.toString());
  }
  return SINGLE;
}

const INVALID_STRING: Record<string, ExpertKey> = {
  s: 'type.string.invalid',
  o: 'type.object_path.invalid',
  g: 'type.signature.invalid',
};

/** s, o, g: a string, object path or signature into `s.text`, checked. */
function stringLike(m: Message, c: string, hf: FieldDef | null, s: Step): number {
  const def = hf ?? F[c === 's' ? 'type.string' : c === 'o' ? 'type.object_path' : 'type.signature'];
  const text = m.string(def, c === 'g' ? 1 : 4);
  s.text = text;
  const ok = text !== null && (c === 's' || (c === 'o' ? validObjectPath(text) : validSignature(text)));
  if (ok) return SINGLE;
  m.expert(m.current.node, INVALID_STRING[c] as ExpertKey);
  return SINGLE | INVALID;
}

/** a: an array's length, then a reader for its elements (none for an empty array). */
function array(m: Message, r: Reader, hf: FieldDef | null, s: Step): number {
  const dict = r.sig[r.pos] === '{';
  const container = m.push(hf ?? F['type.array'], dict ? 'Array (Dict)' : 'Array');
  const len = m.u32();
  m.item(F['type.array.length'], 4, len, String(len));
  s.num = len;
  m.pad(r.sig[r.pos]);
  if (len === 0) {
    r.pos = skipType(r.sig, r.pos);
    m.pop();
    return SINGLE;
  }
  if (len > MAX_ARRAY_LEN) {
    m.expert(m.current.node, 'type.array.too_long');
    m.pop();
    return INVALID;
  }
  s.reader = reader(r.sig, r, {
    pos: r.pos,
    level: r.level + 1,
    arrayLevel: r.arrayLevel + 1,
    arrayStart: r.pos,
    arrayEnd: m.off + len,
    container,
  });
  return 0;
}

/** v: a variant's signature into `s.text`, then a reader for its value (none when empty). */
function variant(m: Message, r: Reader, hf: FieldDef | null, s: Step): number {
  const container = m.push(hf ?? F['type.variant'], 'Variant');
  const text = m.string(F['type.variant.signature'], 1);
  s.text = text;
  if (text === null || !validSignature(text)) {
    m.expert(m.current.node, 'type.variant.signature.invalid');
    m.pop();
    return INVALID;
  }
  if (text === '') {
    m.pop();
    return 0;
  }
  const child = reader(text, r, {
    level: r.level + 1,
    inVariant: true,
    basicVariant: isBasic(text[0]) && text.length === 1,
    container,
  });
  if (r.inDict && child.basicVariant) r.basicDict = true;
  s.reader = child;
  return 0;
}

/** {: a reader for a dict entry's key and value. */
function dictEntry(m: Message, r: Reader, hf: FieldDef | null, s: Step): number {
  const container = m.push(hf ?? F['type.dict_entry'], 'Dict Entry');
  s.reader = reader(r.sig, r, {
    pos: r.pos,
    level: r.level + 1,
    dictLevel: r.dictLevel + 1,
    inDict: true,
    basicDict: isBasic(r.sig[r.pos + 1]),
    container,
  });
  return 0;
}

/** ) and }: the struct or dict entry ends; its parent reader goes on after it. */
function close(m: Message, r: Reader, s: Step): number {
  m.pop();
  const parent = r.parent;
  if (!parent) return ORPHAN;
  parent.pos = r.pos;
  s.reader = parent;
  return SINGLE;
}

/** Reads the value of code `c`, the reader to go on with into `s`; what it did as bits. */
function readCode(m: Message, r: Reader, c: string | undefined, hf: FieldDef | null, s: Step): number {
  switch (c) {
    case 'y':
    case 'n':
    case 'q':
    case 'i':
    case 'u':
    case 'h':
      return integer(m, c, hf, s);
    case 'b':
      return boolean(m, hf, s);
    case 'x':
    case 't':
    case 'd':
      return eightBytes(m, c, hf);
    case 's':
    case 'o':
    case 'g':
      return stringLike(m, c, hf, s);
    case 'a':
      return array(m, r, hf, s);
    case '(':
      m.push(hf ?? F['type.struct'], 'Struct');
      s.reader = reader(r.sig, r, { pos: r.pos, level: r.level + 1, structLevel: r.structLevel + 1 });
      return 0;
    case 'v':
      return variant(m, r, hf, s);
    case '{':
      return dictEntry(m, r, hf, s);
    case ')':
    case '}':
      return close(m, r, s);
    default:
      // Wireshark asserts here (its signatures were all checked): a dissector bug, malformed.
      throw new MalformedError('Malformed Packet', m.off);
  }
}

const tooDeep = (r: Reader): boolean =>
  r.level > MAX_TOTAL_NESTING ||
  r.arrayLevel > MAX_TYPE_NESTING ||
  r.structLevel > MAX_TYPE_NESTING ||
  r.dictLevel > MAX_TYPE_NESTING;

/**
 * After one whole value: arrays and variants end after one complete type, so close them and the
 * ones around them, and add the value to the dict entry it is in. The reader to go on with goes
 * to `s.reader`; false when an array's content overran it.
 */
function closeCompleted(m: Message, s: Step): boolean {
  let r = s.reader as Reader;
  let ok = true;
  for (;;) {
    if (r.arrayStart >= 0) {
      if (m.off < r.arrayEnd) {
        r.pos = r.arrayStart;
        break;
      } else if (m.off === r.arrayEnd) {
        m.pop();
        const parent = r.parent as Reader;
        parent.pos = r.pos;
        r = parent;
      } else {
        m.expert(r.container?.node ?? null, 'type.array.content_out_of_bounds');
        ok = false;
        break;
      }
    } else if (r.inVariant) {
      if (r.basicVariant) m.append(r.container, `: ${m.current.repr}`);
      m.pop();
      r = r.parent as Reader;
    } else {
      break;
    }
  }
  if (r.inDict) {
    if (r.sig[r.pos - 2] === '{') m.append(r.container, `, ${m.current.repr}`);
    else if (r.basicDict) m.append(r.container, `: ${m.current.repr}`);
  }
  s.reader = r;
  return ok;
}

/** Reads the value of the next signature code of `r` (Wireshark's reader_next). */
function next(m: Message, r: Reader, hf: FieldDef | null): Step {
  const c = r.sig[r.pos++];
  const s: Step = { reader: r, num: 0, text: null };
  m.pad(c);
  const did = readCode(m, r, c, hf, s);
  if (did & ORPHAN) return fail(m);
  let err = (did & INVALID) !== 0;
  if (tooDeep(s.reader as Reader)) {
    m.expert(m.current.node, 'nested_too_deeply');
    err = true;
  } else if (did & SINGLE) {
    if (!closeCompleted(m, s)) err = true;
  }
  if (err) return fail(m);
  return s;
}

const HEADER_VALUES: Record<number, [string, FieldDef]> = {
  1: ['o', F.path],
  2: ['s', F.interface],
  3: ['s', F.member],
  4: ['s', F.error_name],
  5: ['u', F.reply_serial],
  6: ['s', F.destination],
  7: ['s', F.sender],
  8: ['g', F.signature],
  9: ['u', F.unix_fds],
};

/** The fixed header; false when it ends the message. */
function header(m: Message): boolean {
  const pinfo = m.pinfo;
  const e = m.u8();
  m.item(
    F.endianness,
    1,
    e,
    String(e),
    m.tree.full ? `Endianness: ${ENDIANNESS.get(e) ?? 'Unknown'}` : undefined,
  );
  if (e !== 0x6c && e !== 0x42) {
    m.expert(m.current.node, 'endianness.invalid');
    return false;
  }
  m.le = e === 0x6c;
  const type = m.u8();
  const name = MESSAGE_TYPES.get(type);
  m.type = type;
  m.item(
    F.message_type,
    1,
    type,
    String(type),
    m.tree.full ? `Message Type: ${name ?? 'Unknown'}` : undefined,
  );
  if (type === 0 || name === undefined) {
    if (pinfo.wantInfo) pinfo.setInfo(type === 0 ? 'Invalid' : 'Unknown message type');
    if (type === 0) m.expert(m.current.node, 'message_type.invalid');
    else m.expert(m.current.node, 'message_type.unknown');
    return false;
  }
  if (pinfo.wantInfo) pinfo.setInfo(name);
  const tree = m.tree;
  const flags = m.u8();
  tree.push(F.flags, m.tvb, m.off, 1, flags);
  tree.add(F['flags.no_reply_expected'], m.tvb, m.off, 1, (flags & 1) !== 0);
  tree.add(F['flags.no_auto_start'], m.tvb, m.off, 1, (flags & 2) !== 0);
  tree.add(F['flags.allow_interactive_authorization'], m.tvb, m.off, 1, (flags & 4) !== 0);
  tree.pop();
  m.off++;
  const version = m.u8();
  m.item(F.version, 1, version, String(version));
  if (version !== 1) {
    m.expert(m.current.node, 'version.invalid');
    return false;
  }
  const bodyLength = m.u32();
  m.item(F.body_length, 4, bodyLength, String(bodyLength));
  const serial = m.u32();
  m.item(F.serial, 4, serial, String(serial));
  if (serial === 0) {
    m.expert(m.current.node, 'serial.invalid');
    return false;
  }
  return true;
}

/** Keeps the value of header field `code` (`v` as text, `num` as a number); the expert key when invalid. */
function keepHeaderField(m: Message, code: number, v: string, num: number): ExpertKey | null {
  switch (code) {
    case 1:
      m.path = v;
      return null;
    case 2:
      m.iface = v;
      return validInterface(v) ? null : 'interface.invalid';
    case 3:
      m.member = v;
      return validMember(v) ? null : 'member.invalid';
    case 4:
      m.errorName = v;
      return validInterface(v) ? null : 'error_name.invalid';
    case 5:
      m.replySerial = num;
      return num === 0 ? 'serial.invalid' : null;
    case 6:
      if (!validBusName(v)) return 'bus_name.invalid';
      m.pinfo.dstName = v;
      return null;
    case 7:
      if (!validBusName(v)) return 'bus_name.invalid';
      m.pinfo.srcName = v;
      return null;
    case 8:
      m.signature = v;
      return null;
    default:
      return null;
  }
}

/** Whether a header field the message type requires is missing. */
function missingRequired(m: Message): boolean {
  switch (m.type) {
    case 1:
      return m.path === null || m.member === null;
    case 2:
      return m.replySerial === 0;
    case 3:
      return m.errorName === null || m.replySerial === 0;
    default:
      return m.path === null || m.iface === null || m.member === null;
  }
}

/** Info for a message whose header is whole. */
function headerInfo(m: Message): string {
  switch (m.type) {
    case 1:
      return `${m.member ?? ''}() @ ${m.path ?? ''}`;
    case 4:
      return `* ${m.member ?? ''}() @ ${m.path ?? ''}`;
    case 3:
      return `-> ${m.errorName ?? ''}`;
    default:
      return `-> '${m.signature}'`;
  }
}

/** Skips the value of an unknown header field, whatever its type; the reader after it, null to stop. */
function skipHeaderValue(m: Message, r: Reader | null): Reader | null {
  do {
    r = next(m, r as Reader, null).reader;
    if (!r) return null;
  } while (r.level >= 3);
  return r;
}

/** Rejects the header: an expert on the current item, and every container closed. */
function rejectHeader(m: Message, key: ExpertKey): null {
  m.expert(m.current.node, key);
  m.popAll();
  return null;
}

/** One dict entry of the header field array: code and variant; the reader after it, null to stop. */
function headerField(m: Message, r: Reader): Reader | null {
  let s = next(m, r, null);
  if (!s.reader) return null;
  s = next(m, s.reader, F.field_code);
  if (!s.reader) return null;
  const code = s.num;
  m.append(s.reader.container, `, ${FIELD_CODES.get(code) ?? 'Unknown field code'}`);
  if (code === 0) return rejectHeader(m, 'field_code.invalid');
  s = next(m, s.reader, null);
  if (!s.reader) return null;
  const known = HEADER_VALUES[code];
  let after: Reader | null;
  if (known) {
    if (s.text !== known[0]) return rejectHeader(m, 'field_signature_wrong');
    s = next(m, s.reader, known[1]);
    if (!s.reader) return null;
    const bad = keepHeaderField(m, code, s.text ?? '', s.num);
    if (bad) return rejectHeader(m, bad);
    after = s.reader;
  } else {
    after = skipHeaderValue(m, s.reader);
    if (!after) return null;
  }
  return next(m, after, null).reader;
}

/** The header field array (a{yv}); false when it ends the message. */
function headerFields(m: Message): boolean {
  let r: Reader | null = next(m, reader('a{yv}', null), null).reader;
  if (!r) return false;
  const array = r.container;
  if (array) {
    array.text = 'Header Field Array';
    if (array.node) array.node.label = array.text;
  }
  while (r.level > 0) {
    r = headerField(m, r);
    if (!r) return false;
  }
  if (missingRequired(m)) {
    // After an empty array Wireshark holds no array item to attach the expert to: none is shown.
    if (array) m.expert(array.node, 'required_header_field_missing');
    return false;
  }
  if (m.pinfo.wantInfo) m.pinfo.setInfo(headerInfo(m));
  // The header ends on an 8-byte boundary.
  return !m.pad('(');
}

function body(m: Message): void {
  if (m.signature === '') return;
  m.push(F.body, 'Body');
  let r: Reader | null = reader(m.signature, null);
  while (r && !(r.pos >= r.sig.length && r.parent === null)) r = next(m, r, null).reader;
  m.pop();
}

function run(m: Message): void {
  if (header(m) && headerFields(m)) body(m);
}

/** Whether the sink keeps values of container items (whose lengths are known only at their end). */
function wantsContainers(tree: Tree): boolean {
  return (
    tree.wants(F.body) ||
    tree.wants(F['type.array']) ||
    tree.wants(F['type.struct']) ||
    tree.wants(F['type.variant']) ||
    tree.wants(F['type.dict_entry'])
  );
}

export function dissectDbus(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('dbus');
  pinfo.currentProto = 'D-Bus';
  pinfo.setProto('D-Bus');
  if (pinfo.wantInfo) pinfo.setInfo('D-Bus');
  let lengths: number[] | null = null;
  if (!tree.full && wantsContainers(tree)) {
    // A first pass without a tree finds each container's length, so its value can be kept.
    lengths = [];
    // Its columns and addresses are the ones the second pass writes again.
    const probe = new Message(tvb, pinfo, NULL_TREE, null, lengths);
    try {
      run(probe);
    } catch (e) {
      if (!(e instanceof MalformedError || e instanceof TruncatedError)) throw e;
    }
  }
  tree.push(F[''], tvb, o, tvb.remaining(o));
  const m = new Message(tvb, pinfo, tree, lengths, null);
  // An exception leaves the item running to the end of the bytes, as Wireshark's does.
  run(m);
  tree.pop(m.off - o);
  return m.off - o;
}

export const dbusModule = {
  fields: { ...F, ...EXPERT, badPadding: BAD_PADDING },
  handoff(reg: Registry): void {
    reg.register('linkType', LinkType.DBUS, dissectDbus);
  },
};
