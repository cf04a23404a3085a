// CIP EPATHs (`cip.path_segment` and below), as tshark 4.0's dissect_epath draws them: logical
// segments (class, instance, member, connection point, attribute; 8, 16 and 32 bits), port
// segments, ANSI extended symbol and simple data segments. A request path can be drawn again, as
// generated items, under the response that answers it (GeneratedTree).
import { CIP_CLASSES } from './cip-names.ts';
import { bool, bytes, FieldType, fields, hex, names, str, uint, type FieldDef } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { FieldNode, FieldValue, NodeFlag, Tree } from './tree.ts';
import { Tvb } from './tvb.ts';

const SEGMENT_TYPES = names({
  0: 'Port Segment',
  1: 'Logical Segment',
  2: 'Network Segment',
  3: 'Symbolic Segment',
  4: 'Data Segment',
  5: 'Constructed Data Type',
  6: 'Elementary Data Type',
  7: 'Reserved',
});
const LOGICAL_TYPES = ['Class ID', 'Instance ID', 'Member ID', 'Connection Point', 'Attribute ID', 'Special'];
const LOGICAL_FORMATS = [
  '8-bit Logical Segment',
  '16-bit Logical Segment',
  '32-bit Logical Segment',
  'Reserved',
];

export const P = fields('cip', {
  request_path_size: uint('Request Path Size', 8),
  epath: bytes('EPath', { hidden: true }),
  path_segment: hex('Path Segment', 8),
  'path_segment.type': uint('Path Segment Type', 8, { mask: 0xe0, strings: SEGMENT_TYPES }),
  'logical_segment.type': uint('Logical Segment Type', 8, {
    mask: 0x1c,
    strings: names({ ...LOGICAL_TYPES, 6: 'Service ID', 7: 'Extended Logical' }),
  }),
  'logical_segment.format': uint('Logical Segment Format', 8, {
    mask: 0x03,
    strings: names({ ...LOGICAL_FORMATS }),
  }),
  class: hex('Class', 8, { strings: CIP_CLASSES }),
  instance: hex('Instance', 8),
  member: hex('Member', 8),
  conpoint: hex('Connection Point', 8),
  attribute: uint('Attribute', 8),
  port: uint('Port', 8, { mask: 0x0f, strings: names({ 0: 'Reserved', 1: 'Backplane' }) }),
  ex_linkaddress: bool('Extended Link Address', 8, 0x10, { tf: ['True', 'False'] }),
  'linkaddress.byte': uint('Link Address', 8),
  linkaddress_size: uint('Link Address Size', 8),
  'linkaddress.string': str('Link Address'),
  'data_segment.type': uint('Data Segment Type', 8, {
    mask: 0x1f,
    strings: names({ 0: 'Simple Data Segment', 17: 'ANSI Extended Symbol Segment' }),
  }),
  'data_segment.size': uint('Data Size', 8),
  'data_segment.data': bytes('Data'),
  symbol: str('ANSI Symbol'),
});
/** The wider forms of the logical values (same filter names, wider hex). */
export const P16 = fields('cip', {
  class: hex('Class', 16, { strings: CIP_CLASSES }),
  instance: hex('Instance', 16),
  member: hex('Member', 16),
  conpoint: hex('Connection Point', 16),
  attribute: uint('Attribute', 16),
  port: uint('Port', 16),
});
const P32 = fields('cip', {
  class: hex('Class', 32, { strings: CIP_CLASSES }),
  instance: hex('Instance', 32),
  member: hex('Member', 32),
  conpoint: hex('Connection Point', 32),
  attribute: uint('Attribute', 32),
});

/** A request as a response needs it: its service, its path (bytes and meaning) and what it carried. */
export interface CipRequest {
  service: number;
  path: Uint8Array;
  words: number;
  info: PathInfo;
  /** Unconnected Send: the embedded request and the route path. */
  inner?: CipRequest | null;
  route?: { path: Uint8Array; words: number };
  /** Multiple Service Packet: the embedded requests in order. */
  services?: (CipRequest | null)[];
  /** Forward Open / Close: the connection they set up or tear down. */
  connection?: ConnectionRequest;
}

/** What a Forward Open or Forward Close request said about its connection. */
export interface ConnectionRequest {
  triad: string;
  frame: number;
  otRpi: number;
  toRpi: number;
  multiplier: number;
  path: Uint8Array;
  words: number;
  info: PathInfo;
}

/** What a dissected message gives its caller: the Info text and, for a request, what to keep. */
export interface Result {
  info: string;
  request: CipRequest | null;
}

/**
 * Info text written as the message is read, so that a fault keeps what came before it (tshark
 * appends to the column as it goes). An embedded message's text can flow into its parent's.
 */
export class InfoText {
  text = '';

  constructor(private readonly parent: InfoText | null = null) {}

  add(s: string): void {
    this.text += s;
    this.parent?.add(s);
  }
}

/** How a message is being dissected, and the message-level dissectors embedded messages need. */
export interface Ctx {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  depth: number;
  /** This message's Info text. */
  out: InfoText;
  /** Keeps a top-level request for its reply as soon as its path is read. */
  keep?: (req: CipRequest) => void;
  /** One CIP message (embedded in an Unconnected Send). */
  message(c: Ctx, at: number, len: number, matched: CipRequest | null): Result;
  /** A common service's response data, under its "<Service> (Response)" subtree. */
  responseData(c: Ctx, body: number, end: number, sc: number, gs: number, req: CipRequest | null): void;
  attrName: AttributeNames;
  /** Names as Info shows them: a service of a class, the class a path addresses, a status. */
  serviceName(cls: number | undefined, sc: number): string;
  classText(info: PathInfo): string;
  statusName(gs: number): string;
}

export function wordsText(n: number): string {
  return `${n} word${n === 1 ? '' : 's'}`;
}

/**
 * A kept path drawn again, as generated items under `at`: its size (`sizeDef`, `sizeTitle`) unless
 * `sizeDef` is null, then its segments under `title`.
 */
export function replayPath(
  c: { tree: Tree; tvb: Tvb },
  at: number,
  path: Uint8Array,
  words: number,
  sizeDef: FieldDef | null,
  sizeTitle: string,
  title: string,
  attrName: AttributeNames,
): PathInfo {
  const g = new GeneratedTree(c.tree, c.tvb, at);
  if (sizeDef) {
    g.add(sizeDef, c.tvb, at, 0, words);
    if (g.full) g.labelLast(`${sizeTitle}: ${wordsText(words)}`);
  }
  return dissectPath(new Tvb(path, 0, path.length), g, 0, words, title, attrName, false);
}

/** A label-only subtree (proto_tree_add_subtree): no field, never collected. */
export const SUBTREE: FieldDef = { name: '', type: FieldType.None, abbrev: '', id: -1 };

/** What a path addressed, for Info and for the attribute tables. */
export interface PathInfo {
  cls?: number;
  instance?: number;
  attribute?: number;
  symbol?: string;
  /** The summary after "Request Path: ". */
  text: string;
}

/** Names of attributes, by class, that tshark's attribute tables know (and this file decodes). */
export type AttributeNames = (cls: number, instance: number | undefined, attr: number) => string | undefined;

type Logical = 'cls' | 'instance' | 'member' | 'conpoint' | 'attribute';
const LOGICAL_KEYS: readonly (Logical | null)[] = [
  'cls',
  'instance',
  'member',
  'conpoint',
  'attribute',
  null,
];
const LOGICAL_WORDS = ['Class', 'Instance', 'Member', 'Connection Point', 'Attribute'];
const WIDTHS = [1, 2, 4];

/** The summary text of one value: `Identity`, `Class: 0x64`, `Instance: 0x01`, `Attribute: 7 (Name)`. */
function logicalText(
  key: Logical,
  v: number,
  size: number,
  info: PathInfo,
  attrName: AttributeNames,
): string {
  const hexv = `0x${v.toString(16).padStart(size * 2, '0')}`;
  switch (key) {
    case 'cls':
      return CIP_CLASSES.get(v) ?? `Class: ${hexv}`;
    case 'attribute': {
      const name = info.cls === undefined ? undefined : attrName(info.cls, info.instance, v);
      return name ? `Attribute: ${v} (${name})` : `Attribute: ${v}`;
    }
    case 'instance':
      return `Instance: ${hexv}`;
    case 'member':
      return `Member: ${hexv}`;
    case 'conpoint':
      return `Connection Point: ${hexv}`;
  }
}

function readLe(tvb: Tvb, at: number, size: number): number {
  return size === 1 ? tvb.u8(at) : size === 2 ? tvb.u16le(at) : tvb.u32le(at);
}

function logicalDef(key: Logical, size: number): FieldDef {
  const name = key === 'cls' ? 'class' : key;
  return (size === 1 ? P : size === 2 ? P16 : P32)[name as keyof typeof P32];
}

/** One logical segment; returns its length in bytes, or -1 when the path cannot go on. */
function logicalSegment(
  tvb: Tvb,
  tree: Tree,
  at: number,
  info: PathInfo,
  parts: string[],
  attrName: AttributeNames,
): number {
  const seg = tvb.u8(at);
  const type = (seg >> 2) & 7;
  const format = seg & 3;
  const key = LOGICAL_KEYS[type];
  const size = WIDTHS[format];
  if (!key || size === undefined) return -1;
  const valueAt = size === 1 ? at + 1 : at + 2;
  const v = readLe(tvb, valueAt, size);
  const len = valueAt + size - at;
  tree.push(P.path_segment, tvb, at, len, seg);
  if (tree.full) tree.label(`Path Segment: 0x${hex2(seg)} (${size * 8}-Bit ${LOGICAL_WORDS[type]} Segment)`);
  tree.add(P['path_segment.type'], tvb, at, 1, seg >> 5);
  tree.add(P['logical_segment.type'], tvb, at, 1, type);
  tree.add(P['logical_segment.format'], tvb, at, 1, format);
  const text = logicalText(key, v, size, info, attrName);
  tree.add(logicalDef(key, size), tvb, valueAt, size, v);
  if (tree.full && key === 'attribute') tree.labelLast(text);
  tree.pop();
  if (key === 'cls' || key === 'instance' || key === 'attribute') info[key] ??= v;
  parts.push(text);
  return len;
}

/** A port segment: port number (or an extended one) and a one-byte or string link address. */
function portSegment(tvb: Tvb, tree: Tree, at: number, parts: string[]): number {
  const seg = tvb.u8(at);
  const extended = (seg & 0x10) !== 0;
  let o = at + 1;
  let addrLen = 1;
  if (extended) addrLen = tvb.u8(o++);
  const port = seg & 0x0f;
  const portAt = o;
  if (port === 15) o += 2;
  const len = ((o + addrLen - at + 1) >> 1) << 1;
  tree.push(P.path_segment, tvb, at, len, seg);
  if (tree.full) tree.label(`Path Segment: 0x${hex2(seg)} (Port Segment)`);
  tree.add(P['path_segment.type'], tvb, at, 1, seg >> 5);
  tree.add(P.ex_linkaddress, tvb, at, 1, extended);
  tree.add(P.port, tvb, at, 1, port);
  if (port === 15) tree.add(P16.port, tvb, portAt, 2, tvb.u16le(portAt));
  const portNum = port === 15 ? tvb.u16le(portAt) : port;
  const portName = portNum === 1 ? 'Backplane' : String(portNum);
  if (extended) {
    tree.add(P.linkaddress_size, tvb, at + 1, 1, addrLen);
    const addr = tvb.ascii(o, addrLen);
    tree.add(P['linkaddress.string'], tvb, o, addrLen, addr);
    parts.push(`Port: ${portName}, Address: ${addr}`);
  } else {
    const addr = tvb.u8(o);
    tree.add(P['linkaddress.byte'], tvb, o, 1, addr);
    parts.push(`Port: ${portName}, Address: ${addr}`);
  }
  tree.pop();
  return len;
}

/** An ANSI extended symbol or a simple data segment. */
function dataSegment(tvb: Tvb, tree: Tree, at: number, info: PathInfo, parts: string[]): number {
  const seg = tvb.u8(at);
  const type = seg & 0x1f;
  const size = tvb.u8(at + 1);
  const symbolic = type === 0x11;
  const dataLen = symbolic ? size : size * 2;
  const len = 2 + dataLen + (dataLen & 1);
  tvb.need(at + 2, dataLen);
  tree.push(P.path_segment, tvb, at, len, seg);
  const kind = symbolic ? 'ANSI Extended Symbol Segment' : 'Simple Data Segment';
  if (tree.full) tree.label(`Path Segment: 0x${hex2(seg)} (${kind})`);
  tree.add(P['path_segment.type'], tvb, at, 1, seg >> 5);
  tree.add(P['data_segment.type'], tvb, at, 1, type);
  tree.add(P['data_segment.size'], tvb, at + 1, 1, size);
  if (tree.full) tree.labelLast(`Data Size: ${size} ${symbolic ? 'bytes' : 'words'}`);
  if (symbolic) {
    const symbol = tvb.ascii(at + 2, size);
    tree.add(P.symbol, tvb, at + 2, size, symbol);
    info.symbol ??= symbol;
    parts.push(symbol);
  } else tree.add(P['data_segment.data'], tvb, at + 2, dataLen);
  tree.pop();
  return len;
}

const hex2 = (v: number): string => v.toString(16).padStart(2, '0');

/**
 * The segments of a path of `words` 16-bit words at `at`, under a subtree labelled
 * `${title}: ${summary}`. Returns what the path addressed.
 */
export function dissectPath(
  tvb: Tvb,
  tree: Tree,
  at: number,
  words: number,
  title: string,
  attrName: AttributeNames,
  withEpath = true,
): PathInfo {
  const len = words * 2;
  tvb.need(at, len);
  const info: PathInfo = { text: '' };
  const parts: string[] = [];
  tree.push(SUBTREE, tvb, at, len);
  if (withEpath) tree.add(P.epath, tvb, at, len);
  let o = at;
  while (o < at + len) {
    const used = segment(tvb, tree, o, info, parts, attrName);
    if (used <= 0) break;
    o += used;
  }
  info.text = parts.join(', ');
  if (tree.full) tree.label(`${title}: ${info.text}`);
  tree.pop();
  return info;
}

function segment(
  tvb: Tvb,
  tree: Tree,
  at: number,
  info: PathInfo,
  parts: string[],
  attrName: AttributeNames,
): number {
  switch (tvb.u8(at) >> 5) {
    case 0:
      return portSegment(tvb, tree, at, parts);
    case 1:
      return logicalSegment(tvb, tree, at, info, parts, attrName);
    case 4:
      return dataSegment(tvb, tree, at, info, parts);
    default:
      return -1;
  }
}

/**
 * A tree that adds what it is given as generated items (in brackets, no bytes): a request path
 * replayed under its response, as tshark does from the request it kept.
 */
export class GeneratedTree implements Tree {
  constructor(
    private readonly inner: Tree,
    private readonly anchor: Tvb,
    private readonly at: number,
  ) {}

  get full(): boolean {
    return this.inner.full;
  }

  wants(def: FieldDef): boolean {
    return this.inner.wants(def);
  }

  add(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue, flags?: NodeFlag): void {
    this.inner.add(generated(def), this.anchor, this.at, 0, valueOf(def, tvb, offset, length, value), flags);
  }

  push(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue): void {
    this.inner.push(generated(def), this.anchor, this.at, 0, valueOf(def, tvb, offset, length, value));
  }

  pop(length?: number, label?: string): void {
    this.inner.pop(length === undefined ? undefined : 0, label === undefined ? undefined : `[${label}]`);
  }

  label(text: string): void {
    this.inner.label(`[${text}]`);
  }

  labelLast(text: string): void {
    this.inner.labelLast(`[${text}]`);
  }

  note(text: string, tvb: Tvb | null, offset: number, length: number, flags: NodeFlag): void {
    this.inner.note(text, tvb, offset, length, flags);
  }

  unwind(): void {
    this.inner.unwind();
  }

  current(): FieldNode | null {
    return this.inner.current();
  }

  reopen(node: FieldNode | null): void {
    this.inner.reopen(node);
  }
  addValue(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue): void {
    this.inner.addValue(def, tvb, offset, length, value);
  }
  appendToFrame(def: FieldDef, tvb: Tvb, value: FieldValue, flags: NodeFlag): void {
    this.inner.appendToFrame(def, tvb, value, flags);
  }
}

/** Byte-backed values are read here, as the replayed bytes are not the frame's. */
function valueOf(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue): FieldValue {
  if (value !== undefined || def.type !== FieldType.Bytes) return value;
  let s = '';
  for (const b of tvb.slice(offset, length)) s += b.toString(16).padStart(2, '0');
  return s;
}

const GENERATED = new Map<FieldDef, FieldDef>();

/** `def` drawn in brackets: the same filter name and id. */
function generated(def: FieldDef): FieldDef {
  if (def.abbrev === '' || def.generated) return def;
  let g = GENERATED.get(def);
  if (!g || g.id !== def.id) {
    g = { ...def, generated: true };
    GENERATED.set(def, g);
  }
  return g;
}

export const pathFields = { ...P, ...prefixed('16', P16), ...prefixed('32', P32) };

function prefixed<T extends Record<string, FieldDef>>(tag: string, defs: T): Record<string, FieldDef> {
  const out: Record<string, FieldDef> = {};
  for (const [k, v] of Object.entries(defs)) out[`${tag}:${k}`] = v;
  return out;
}
