// Items as Wireshark 4.0's proto_tree_add_item adds them, for the TLV protocols (CDP, LLDP, STP):
// ASCII strings (bytes past 0x7f become U+FFFD, the value ends at the first NUL), byte strings
// (`<MISSING>` when empty), lengths of -1 (to the end), and format_text for labels and Info
// (valid UTF-8 kept, U+FFFD for invalid bytes, C or octal escapes for control characters).
import type { FieldDef } from './field.ts';
import { expert } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';

/** An ASCII string field's value (ENC_ASCII) and whether non-NUL bytes follow its first NUL. */
export interface AsciiField {
  value: string;
  /** Wireshark adds a "Trailing stray characters" note to the item then. */
  stray: boolean;
}

export function asciiField(b: Uint8Array, from: number, to: number): AsciiField {
  let value = '';
  let i = from;
  for (; i < to; i++) {
    const c = b[i] as number;
    if (c === 0) break;
    value += c < 0x80 ? String.fromCharCode(c) : '\ufffd';
  }
  let stray = false;
  for (; i < to && !stray; i++) stray = b[i] !== 0;
  return { value, stray };
}

const C_ESCAPES: Record<number, string> = { 7: 'a', 8: 'b', 12: 'f', 10: 'n', 13: 'r', 9: 't', 11: 'v' };

/** Wireshark's format_text of one character (a code point). */
function formatChar(cp: number): string {
  if (cp >= 0x20 && cp < 0x7f) return String.fromCharCode(cp);
  if (cp < 0x80) {
    const esc = C_ESCAPES[cp];
    return esc !== undefined ? `\\${esc}` : `\\${cp.toString(8).padStart(3, '0')}`;
  }
  if (cp < 0xa0) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return String.fromCodePoint(cp);
}

/** format_text of a decoded string (a string field's value in its item's label). */
export function formatString(s: string): string {
  let simple = true;
  for (let i = 0; i < s.length && simple; i++) {
    const c = s.charCodeAt(i);
    simple = c >= 0x20 && c < 0x7f;
  }
  if (simple) return s;
  let out = '';
  for (const ch of s) out += formatChar(ch.codePointAt(0) as number);
  return out;
}

/** Length of the valid UTF-8 sequence at `i` (before `to`), or 0. */
function utf8Length(b: Uint8Array, i: number, to: number): number {
  const c = b[i] as number;
  const n = c >= 0xf0 ? (c <= 0xf4 ? 4 : 0) : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
  if (n === 0 || i + n > to) return 0;
  for (let k = 1; k < n; k++) if (((b[i + k] as number) & 0xc0) !== 0x80) return 0;
  return n;
}

/** Wireshark's tvb_format_text: format_text of the raw bytes `from`..`to`. */
export function formatBytes(b: Uint8Array, from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) {
    const c = b[i] as number;
    if (c < 0x80) {
      out += formatChar(c);
      continue;
    }
    const n = utf8Length(b, i, to);
    if (n === 0) {
      out += '\ufffd';
      continue;
    }
    let cp = c & (0xff >> (n + 1));
    for (let k = 1; k < n; k++) cp = (cp << 6) | ((b[i + k] as number) & 0x3f);
    out += formatChar(cp);
    i += n - 1;
  }
  return out;
}

/** Wireshark's tvb_format_stringzpad: as `formatBytes`, up to the first NUL. */
export function formatBytesZ(b: Uint8Array, from: number, to: number): string {
  const nul = b.subarray(from, to).indexOf(0);
  return formatBytes(b, from, nul < 0 ? to : from + nul);
}

/**
 * Adds an ASCII string field of `length` bytes at `at` (-1: to the end of the layer) as Wireshark
 * does: the value up to the first NUL, a note when other bytes follow it. Returns the value.
 */
export function addAsciiString(
  tvb: Tvb,
  at: number,
  length: number,
  pinfo: PacketInfo,
  tree: Tree,
  def: FieldDef,
): string {
  const len = itemLength(tvb, at, length);
  const { value, stray } = asciiField(tvb.bytes, at, at + len);
  if (!stray) {
    tree.add(def, tvb, at, len, value);
    if (tree.full) tree.labelLast(`${def.name}: ${formatString(value)}`);
    return value;
  }
  tree.push(def, tvb, at, len, value);
  if (tree.full) tree.label(`${def.name}: ${formatString(value)}`);
  expert(pinfo, tree, tvb, at, len, 'Warning', 'Undecoded', 'Trailing stray characters');
  tree.pop();
  return value;
}

/**
 * An item's length as proto_tree_add_item takes it: -1 for the rest of the captured bytes; any
 * other negative length is malformed, a length past the bytes is truncated or malformed.
 */
export function itemLength(tvb: Tvb, at: number, length: number): number {
  if (length < -1) throw new MalformedError('Malformed Packet', at);
  const len = length === -1 ? tvb.remaining(at) : length;
  tvb.need(at, len);
  return len;
}

/** A byte-string item (FT_BYTES): `<MISSING>` when it is empty. */
export function addBytes(tvb: Tvb, at: number, length: number, tree: Tree, def: FieldDef): void {
  const len = itemLength(tvb, at, length);
  if (len > 0) {
    tree.add(def, tvb, at, len);
    return;
  }
  tree.add(def, tvb, at, 0, '<MISSING>');
  if (tree.full) tree.labelLast(`${def.name}: <MISSING>`);
}
