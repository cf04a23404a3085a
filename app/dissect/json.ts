// JavaScript Object Notation (RFC 8259) as tshark 4.0's JSON dissector shows it: objects, arrays,
// members and values with their paths. It parses as Wireshark's tvbparse grammar does (whitespace
// may follow any token, even inside a number), stops at the first text it cannot parse and leaves
// the rest to the caller (Wireshark hands it to data-text-lines); JSON it cannot parse is not
// malformed.
import { fields, proto, str, text, type FieldDef } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import { isPrintable, stringValue, type StringValue } from './text-format.ts';
import { NULL_TREE, type Tree } from './tree.ts';
import { addString } from './tvb-items.ts';
import type { Tvb } from './tvb.ts';

export const F = fields('json', {
  '': proto('JavaScript Object Notation'),
  object: text('Object'),
  array: text('Array'),
  member: str('Member'),
  key: str('Key'),
  path: str('Path', { generated: true }),
  path_with_value: str('Path with value', { generated: true }),
  member_with_value: str('Member with value', { generated: true }),
  'value.string': str('String value'),
  'value.number': str('Number value'),
  'value.true': text('True value'),
  'value.false': text('False value'),
  'value.null': text('Null value'),
  'value.nan': text('NaN value'),
});

/** Every field below the protocol: a collector that wants none of them skips the tree walk. */
const VALUE_FIELDS: readonly FieldDef[] = Object.values(F).filter((d) => d !== F['']);

// http.ts takes tvb_format_text from here under its old name.
export { tvbFormatText as formatText } from './text-format.ts';

// ---- the tvbparse grammar ----

interface Span {
  start: number;
  end: number;
}

type JsonNode = JsonObject | JsonArray | JsonLeaf;

interface JsonObject extends Span {
  kind: 'object';
  members: JsonMember[];
}

interface JsonArray extends Span {
  kind: 'array';
  items: JsonNode[];
}

interface JsonLeaf extends Span {
  kind: 'string' | 'number' | 'true' | 'false' | 'null' | 'nan';
}

interface JsonMember extends Span {
  key: Span;
  value: JsonNode;
}

const LITERALS = [
  { text: 'false', kind: 'false' },
  { text: 'null', kind: 'null' },
  { text: 'true', kind: 'true' },
  { text: 'NaN', kind: 'nan' },
] as const;

/** Nesting deeper than this is left unparsed (Wireshark recurses on the C stack; we keep ours). */
const MAX_DEPTH = 500;

const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
const isHex = (c: number | undefined): boolean =>
  c !== undefined && (isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));

/**
 * A match: where its token ends (trailing whitespace excluded) and where the next token starts
 * (whitespace included: tvbparse skips it after every element of a sequence).
 */
interface Match {
  end: number;
  next: number;
}

/**
 * Wireshark's JSON grammar over tvbparse, one method per rule: each returns its match or null,
 * and builds nothing for an alternative that fails.
 */
class Parser {
  constructor(
    private readonly b: Uint8Array,
    private readonly limit: number,
  ) {}

  private skip(o: number): number {
    while (o < this.limit && isSpace(this.b[o])) o++;
    return o;
  }

  private char(o: number, c: number): boolean {
    return o < this.limit && this.b[o] === c;
  }

  /** The next JSON text at `o` (after whitespace): an object or an array. */
  text(o: number): { node: JsonNode; next: number } | null {
    const at = this.skip(o);
    const node = this.object(at, 0) ?? this.array(at, 0);
    return node ? { node: node.node, next: node.next } : null;
  }

  private value(o: number, depth: number): { node: JsonNode; next: number } | null {
    for (const lit of LITERALS) {
      if (o + lit.text.length > this.limit) continue;
      if (this.literalAt(o, lit.text)) {
        const end = o + lit.text.length;
        return { node: { kind: lit.kind, start: o, end }, next: end };
      }
    }
    if (depth >= MAX_DEPTH) return null;
    const container = this.object(o, depth + 1) ?? this.array(o, depth + 1);
    if (container) return container;
    const num = this.number(o);
    if (num) return { node: { kind: 'number', start: o, end: num.end }, next: num.next };
    const s = this.string(o);
    if (s) return { node: { kind: 'string', start: o, end: s.end }, next: s.next };
    return null;
  }

  private literalAt(o: number, lit: string): boolean {
    for (let i = 0; i < lit.length; i++) if (this.b[o + i] !== lit.charCodeAt(i)) return false;
    return true;
  }

  private object(o: number, depth: number): { node: JsonObject; next: number } | null {
    if (!this.char(o, 0x7b)) return null;
    const members: JsonMember[] = [];
    let p = this.skip(o + 1);
    const first = this.member(p, depth);
    if (first) {
      members.push(first.node);
      p = first.next;
      for (;;) {
        if (!this.char(p, 0x2c)) break;
        const more = this.member(this.skip(p + 1), depth);
        if (!more) break;
        members.push(more.node);
        p = more.next;
      }
    }
    if (!this.char(p, 0x7d)) return null;
    return { node: { kind: 'object', start: o, end: p + 1, members }, next: this.skip(p + 1) };
  }

  private array(o: number, depth: number): { node: JsonArray; next: number } | null {
    if (!this.char(o, 0x5b)) return null;
    const items: JsonNode[] = [];
    let p = this.skip(o + 1);
    const first = this.value(p, depth);
    if (first) {
      items.push(first.node);
      p = this.skip(first.next);
      for (;;) {
        if (!this.char(p, 0x2c)) break;
        const more = this.value(this.skip(p + 1), depth);
        if (!more) break;
        items.push(more.node);
        p = this.skip(more.next);
      }
    }
    if (!this.char(p, 0x5d)) return null;
    return { node: { kind: 'array', start: o, end: p + 1, items }, next: this.skip(p + 1) };
  }

  private member(o: number, depth: number): { node: JsonMember; next: number } | null {
    const key = this.string(o);
    if (!key || !this.char(key.next, 0x3a)) return null;
    const value = this.value(this.skip(key.next + 1), depth);
    if (!value) return null;
    const node = { start: o, end: value.node.end, key: { start: o, end: key.end }, value: value.node };
    return { node, next: this.skip(value.next) };
  }

  /** `"` then characters or escapes then `"`; whitespace may follow the quote and each escape part. */
  private string(o: number): Match | null {
    if (!this.char(o, 0x22)) return null;
    let p = this.skip(o + 1);
    for (;;) {
      const c = this.b[p];
      if (p >= this.limit || c === 0x22) break;
      if (c !== 0x5c) {
        while (p < this.limit && this.b[p] !== 0x22 && this.b[p] !== 0x5c) p++;
        continue;
      }
      const esc = this.escape(p);
      if (esc < 0) break;
      p = esc;
    }
    p = this.skip(p);
    if (!this.char(p, 0x22)) return null;
    return { end: p + 1, next: this.skip(p + 1) };
  }

  /** A backslash escape at `o`: where what follows it starts, or -1. */
  private escape(o: number): number {
    let p = this.skip(o + 1);
    if (p >= this.limit) return -1;
    const c = this.b[p] as number;
    if ('"\\/bfnrt'.includes(String.fromCharCode(c))) return this.skip(p + 1);
    if (c !== 0x75) return -1;
    p = this.skip(p + 1);
    if (p + 4 > this.limit) return -1;
    for (let i = 0; i < 4; i++) if (!isHex(this.b[p + i])) return -1;
    return this.skip(p + 4);
  }

  /** `-`? int frac? exp?, whitespace allowed after each part (so `1 2` is one number). */
  private number(o: number): Match | null {
    let p = this.skip(this.char(o, 0x2d) ? o + 1 : o);
    const c = this.b[p];
    if (p >= this.limit || !isDigit(c)) return null;
    let end = p + 1;
    p = this.skip(p + 1);
    if (c !== 0x30 && isDigit(this.b[p])) {
      while (p < this.limit && isDigit(this.b[p])) p++;
      end = p;
      p = this.skip(p);
    }
    const frac = this.fraction(p);
    if (frac) ({ end, next: p } = frac);
    const exp = this.exponent(p);
    if (exp) ({ end, next: p } = exp);
    return { end, next: p };
  }

  private fraction(o: number): Match | null {
    if (!this.char(o, 0x2e)) return null;
    let p = this.skip(o + 1);
    if (!isDigit(this.b[p]) || p >= this.limit) return null;
    while (p < this.limit && isDigit(this.b[p])) p++;
    return { end: p, next: this.skip(p) };
  }

  private exponent(o: number): Match | null {
    if (!this.char(o, 0x65) && !this.char(o, 0x45)) return null;
    let p = this.skip(o + 1);
    if (this.char(p, 0x2d) || this.char(p, 0x2b)) p = this.skip(p + 1);
    if (p >= this.limit || !isDigit(this.b[p])) return null;
    while (p < this.limit && isDigit(this.b[p])) p++;
    return { end: p, next: this.skip(p) };
  }
}

// ---- string values (json_string_unescape) ----

/** ws_utf8_char_len: how many bytes a UTF-8 lead byte announces; -1 ends the string. */
function utf8Length(c: number): number {
  if (c >= 0xfe) return -1;
  if (c >= 0xfc) return 6;
  if (c >= 0xf8) return 5;
  if (c >= 0xf0) return 4;
  if (c >= 0xe0) return 3;
  if (c >= 0xc0) return 2;
  return 1;
}

const SIMPLE_ESCAPES: Record<number, number> = {
  0x22: 0x22,
  0x5c: 0x5c,
  0x2f: 0x2f,
  0x62: 0x08,
  0x66: 0x0c,
  0x6e: 0x0a,
  0x72: 0x0d,
  0x74: 0x09,
};

const hexValue = (c: number | undefined): number =>
  c === undefined || !isHex(c) ? -1 : c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;

/**
 * Wireshark's json_string_unescape, quirks included: a `\u` escape at the very end of the string
 * adds nothing, an unprintable character is dropped, a bad surrogate becomes U+FFFD, and a byte
 * 0xfe/0xff ends the string.
 */
function unescape(b: Uint8Array, from: number, to: number): number[] {
  const out: number[] = [];
  const len = to - from;
  let i = 0;
  while (i < len) {
    const c = b[from + i] as number;
    if (c !== 0x5c) {
      const n = utf8Length(c);
      if (n <= 0) break;
      for (let k = 0; k < n && i < len; k++) out.push(b[from + i++] as number);
      continue;
    }
    i++;
    if (i >= len) break;
    const e = b[from + i] as number;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out.push(simple);
      i++;
    } else if (e === 0x75) {
      const r = unicodeEscape(b, from, len, i + 1);
      if (r.stop) break;
      i = r.next;
      if (r.codePoint === null) out.push(0xef, 0xbf, 0xbd);
      else if (i < len) out.push(...utf8Bytes(r.codePoint));
    } else {
      break;
    }
  }
  return out;
}

/** Four hex digits at `i`: their value, or -1 when the string ends or a digit is bad; and where reading stopped. */
function hex4(b: Uint8Array, from: number, len: number, i: number): { value: number; next: number } {
  let value = 0;
  for (let k = 0; k < 4; k++) {
    if (i >= len) return { value: -1, next: i };
    const nibble = hexValue(b[from + i++]);
    if (nibble < 0) return { value: -1, next: i };
    value = (value << 4) | nibble;
  }
  return { value, next: i };
}

/**
 * The `\uXXXX` escape whose digits start at `i` (with a following low surrogate): the code point to
 * add (null for U+FFFD, -1 for nothing), where to go on, and `stop` where Wireshark stops reading.
 */
function unicodeEscape(
  b: Uint8Array,
  from: number,
  len: number,
  i: number,
): { codePoint: number | null; next: number; stop: boolean } {
  const lead = hex4(b, from, len, i);
  if (lead.value < 0) return { codePoint: null, next: lead.next, stop: false };
  let cp = lead.value;
  let next = lead.next;
  if (cp >= 0xdc00 && cp <= 0xdfff) return { codePoint: null, next, stop: false };
  if (cp >= 0xd800 && cp <= 0xdbff) {
    if (next >= len) return { codePoint: null, next, stop: true };
    if (b[from + next] !== 0x5c) return { codePoint: null, next: next + 1, stop: false };
    next++;
    if (next >= len) return { codePoint: null, next, stop: true };
    if (b[from + next] !== 0x75) return { codePoint: null, next: next + 1, stop: false };
    const trail = hex4(b, from, len, next + 1);
    if (trail.value < 0xdc00 || trail.value > 0xdfff)
      return { codePoint: null, next: trail.next, stop: false };
    cp = 0x10000 + ((cp - 0xd800) << 10) + (trail.value - 0xdc00);
    next = trail.next;
  }
  return { codePoint: isPrintable(cp) ? cp : -1, next, stop: false };
}

function utf8Bytes(cp: number): number[] {
  if (cp < 0) return [];
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
}

const bytesValue = (bytes: readonly number[]): StringValue => stringValue(bytes, 0, bytes.length);

const joined = (a: StringValue, sep: string, b: StringValue): StringValue => ({
  field: a.field + sep + b.field,
  label: a.label + sep + b.label,
});

// ---- the tree ----

/** Where a member or value sits: its path (`/a/[]`) and the key it belongs to (`[]` in arrays). */
interface Place {
  path: StringValue;
  key: StringValue;
}

const ROOT: Place = { path: { field: '', label: '' }, key: { field: '', label: '' } };
const ARRAY_KEY: StringValue = { field: '[]', label: '[]' };

const LEAF_FIELDS = {
  true: F['value.true'],
  false: F['value.false'],
  null: F['value.null'],
  nan: F['value.nan'],
} as const;

class TreeWriter {
  constructor(
    private readonly tvb: Tvb,
    private readonly tree: Tree,
  ) {}

  node(n: JsonNode, at: Place): void {
    if (n.kind === 'object') this.object(n, at);
    else if (n.kind === 'array') this.array(n, at);
    else this.leaf(n, at);
  }

  private object(n: JsonObject, at: Place): void {
    this.tree.push(F.object, this.tvb, n.start, n.end - n.start, 1);
    for (const m of n.members) this.member(m, at);
    this.tree.pop();
  }

  private array(n: JsonArray, at: Place): void {
    this.tree.push(F.array, this.tvb, n.start, n.end - n.start, 1);
    const inside: Place = { path: joined(at.path, '/', ARRAY_KEY), key: ARRAY_KEY };
    for (const item of n.items) this.node(item, inside);
    this.tree.pop();
  }

  private member(m: JsonMember, at: Place): void {
    const { tvb, tree } = this;
    const key = bytesValue(unescape(tvb.bytes, m.key.start + 1, m.key.end - 1));
    tree.push(F.member, tvb, m.start, m.end - m.start, key.field);
    if (tree.full) tree.label(`Member: ${key.label}`);
    const path = joined(at.path, '/', key);
    this.node(m.value, { path, key });
    addString(tree, F.key, tvb, m.key.start, m.key.end - m.key.start, key);
    addString(tree, F.path, tvb, m.start, m.end - m.start, path);
    tree.pop();
  }

  private leaf(n: JsonLeaf, at: Place): void {
    const { tvb, tree } = this;
    const len = n.end - n.start;
    const raw =
      n.kind === 'string' ? unescape(tvb.bytes, n.start + 1, n.end - 1) : [...tvb.slice(n.start, len)];
    const value = bytesValue(raw);
    addString(tree, F.path_with_value, tvb, n.start, len, joined(at.path, ':', value));
    addString(tree, F.member_with_value, tvb, n.start, len, joined(at.key, ':', value));
    if (n.kind === 'string') addString(tree, F['value.string'], tvb, n.start, len, value);
    else if (n.kind === 'number') addString(tree, F['value.number'], tvb, n.start, len, value);
    else tree.add(LEAF_FIELDS[n.kind], tvb, n.start, len, 1);
  }
}

/**
 * Dissects the JSON texts at the start of `tvb` (media type `media` in the label, as HTTP passes
 * it) and returns how many bytes they took; the caller shows the rest as text lines. Adds `/JSON`
 * to the Protocol column and `JavaScript Object Notation` to Info, as Wireshark does.
 */
export function dissectJSON(tvb: Tvb, pinfo: PacketInfo, tree: Tree, media: string): number {
  const previous = pinfo.layers[pinfo.layers.length - 1];
  pinfo.layers.push('json');
  if (previous !== undefined && previous !== 'frame') {
    pinfo.setProto(pinfo.proto ? `${pinfo.proto}/JSON` : 'JSON');
    if (pinfo.wantInfo)
      pinfo.setInfo(pinfo.info ? `${pinfo.info}, JavaScript Object Notation` : 'JavaScript Object Notation');
  }
  const parser = new Parser(tvb.bytes, tvb.end);
  const texts: JsonNode[] = [];
  let o = tvb.start;
  for (;;) {
    const t = parser.text(o);
    if (!t) break;
    texts.push(t.node);
    o = t.next;
  }
  if (tree === NULL_TREE) return o - tvb.start;
  tree.push(F[''], tvb, tvb.start, o - tvb.start);
  if (tree.full && media) tree.label(`JavaScript Object Notation: ${media}`);
  if (tree.full || VALUE_FIELDS.some((d) => tree.wants(d))) {
    const writer = new TreeWriter(tvb, tree);
    for (const t of texts) writer.node(t, ROOT);
  }
  tree.pop();
  return o - tvb.start;
}

// ---- validation (wsutil's json_validate over jsmn, strict mode) ----

const enum Tok {
  Object = 1,
  Array = 2,
  String = 3,
  Primitive = 4,
}

/** json_validate's token budget: more tokens than this and the text is not JSON. */
const MAX_TOKENS = 1024;

interface JsmnToken {
  type: Tok;
  start: number;
  end: number;
  size: number;
}

/**
 * Whether Wireshark's JSON heuristic takes these bytes (json_validate: jsmn in strict mode, over
 * the bytes read as ENC_ASCII, where each byte above 0x7f became three bytes of U+FFFD but the
 * length stayed the byte count).
 */
export function isValidJSON(b: Uint8Array, from: number, to: number): boolean {
  const len = to - from;
  if (len <= 0 || b[from] === 0) return false;
  const js = new Uint8Array(len);
  let n = 0;
  for (let i = from; i < to && n < len; i++) {
    const c = b[i] as number;
    if (c < 0x80) js[n++] = c;
    else for (const r of [0xef, 0xbf, 0xbd]) if (n < len) js[n++] = r;
  }
  return new Jsmn(js).parse();
}

/** jsmn (as Wireshark carries it, JSMN_STRICT, no parent links): true when it returns no error. */
class Jsmn {
  private pos = 0;
  private readonly tokens: JsmnToken[] = [];
  private sup = -1;

  constructor(private readonly js: Uint8Array) {}

  private alloc(type: Tok, start: number, end: number): JsmnToken | null {
    if (this.tokens.length >= MAX_TOKENS) return null;
    const t = { type, start, end, size: 0 };
    this.tokens.push(t);
    return t;
  }

  private grow(): void {
    const s = this.tokens[this.sup];
    if (s) s.size++;
  }

  parse(): boolean {
    const js = this.js;
    for (; this.pos < js.length && js[this.pos] !== 0; this.pos++) {
      if (!this.step(js[this.pos] as number)) return false;
    }
    return !this.tokens.some((t) => t.start !== -1 && t.end === -1);
  }

  private step(c: number): boolean {
    switch (c) {
      case 0x7b:
      case 0x5b: {
        const t = this.alloc(c === 0x7b ? Tok.Object : Tok.Array, this.pos, -1);
        if (!t) return false;
        this.grow();
        this.sup = this.tokens.length - 1;
        return true;
      }
      case 0x7d:
      case 0x5d:
        return this.close(c === 0x7d ? Tok.Object : Tok.Array);
      case 0x22:
        if (!this.string()) return false;
        this.grow();
        return true;
      case 0x09:
      case 0x0d:
      case 0x0a:
      case 0x20:
        return true;
      case 0x3a:
        this.sup = this.tokens.length - 1;
        return true;
      case 0x2c:
        this.comma();
        return true;
      default:
        return this.primitiveAt(c);
    }
  }

  private close(type: Tok): boolean {
    let i = this.tokens.length - 1;
    for (; i >= 0; i--) {
      const t = this.tokens[i] as JsmnToken;
      if (t.start !== -1 && t.end === -1) {
        if (t.type !== type) return false;
        this.sup = -1;
        t.end = this.pos + 1;
        break;
      }
    }
    if (i === -1) return false;
    for (; i >= 0; i--) {
      const t = this.tokens[i] as JsmnToken;
      if (t.start !== -1 && t.end === -1) {
        this.sup = i;
        break;
      }
    }
    return true;
  }

  private comma(): void {
    const s = this.tokens[this.sup];
    if (!s || s.type === Tok.Array || s.type === Tok.Object) return;
    for (let i = this.tokens.length - 1; i >= 0; i--) {
      const t = this.tokens[i] as JsmnToken;
      if ((t.type === Tok.Array || t.type === Tok.Object) && t.start !== -1 && t.end === -1) {
        this.sup = i;
        break;
      }
    }
  }

  /** Strict mode: a primitive starts with `-`, a digit, `t`, `f` or `n` and is no object key. */
  private primitiveAt(c: number): boolean {
    if (!(c === 0x2d || isDigit(c) || c === 0x74 || c === 0x66 || c === 0x6e)) return false;
    const s = this.tokens[this.sup];
    if (s && (s.type === Tok.Object || (s.type === Tok.String && s.size !== 0))) return false;
    if (!this.primitive()) return false;
    this.grow();
    return true;
  }

  private primitive(): boolean {
    const js = this.js;
    const start = this.pos;
    for (; this.pos < js.length && js[this.pos] !== 0; this.pos++) {
      const c = js[this.pos] as number;
      if (c === 0x09 || c === 0x0d || c === 0x0a || c === 0x20 || c === 0x2c || c === 0x5d || c === 0x7d) {
        if (!this.alloc(Tok.Primitive, start, this.pos)) return false;
        this.pos--;
        return true;
      }
      if (c < 32 || c >= 127) return false;
    }
    return false;
  }

  private string(): boolean {
    const js = this.js;
    const start = this.pos;
    for (this.pos++; this.pos < js.length && js[this.pos] !== 0; this.pos++) {
      const c = js[this.pos] as number;
      if (c === 0x22) return this.alloc(Tok.String, start + 1, this.pos) !== null;
      if (c === 0x5c && this.pos + 1 < js.length && !this.stringEscape()) return false;
    }
    return false;
  }

  private stringEscape(): boolean {
    const js = this.js;
    this.pos++;
    const e = js[this.pos] as number;
    if ('"/\\bfrnt'.includes(String.fromCharCode(e))) return true;
    if (e !== 0x75) return false;
    this.pos++;
    for (let i = 0; i < 4 && this.pos < js.length && js[this.pos] !== 0; i++) {
      if (!isHex(js[this.pos])) return false;
      this.pos++;
    }
    this.pos--;
    return true;
  }
}

export const jsonModule = { fields: F };
