// Text as Wireshark 4.0 shows it, in one place: format_text and tvb_format_text for labels and
// Info, ENC_ASCII string values, and a string value as tshark -T fields prints it.

/** The C escapes format_text gives ASCII control characters; others become octal (`\001`). */
const C_ESCAPES: Record<number, string> = { 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r' };
/** The control characters tshark -T fields escapes in a string value (print_escaped_bare). */
const FIELD_ESCAPES: Record<number, string> = { 8: 'b', 9: 't', 10: 'n', 12: 'f', 13: 'r' };
/** GLib's g_unichar_isprint is false for these categories: control, format, unassigned, private, surrogate. */
const NOT_PRINTABLE = /\p{C}/u;

/** GLib's g_unichar_isprint, which format_text asks of every character past ASCII. */
export function isPrintable(cp: number): boolean {
  return !NOT_PRINTABLE.test(String.fromCodePoint(cp));
}

function controlText(c: number, label: boolean): string {
  if (!label) return String.fromCharCode(c);
  const esc = C_ESCAPES[c];
  return esc !== undefined ? `\\${esc}` : `\\${c.toString(8).padStart(3, '0')}`;
}

/**
 * A string value as tshark -T fields prints it (print_escaped_bare): values keep their control
 * characters, so that filters compare what the packet holds, and are escaped only when printed.
 */
export function fieldEscaped(s: string): string {
  return s.replace(/[\b\t\n\f\r]/g, (c) => `\\${FIELD_ESCAPES[c.charCodeAt(0)] ?? ''}`);
}

function codePointText(cp: number, label: boolean): string {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f ? String.fromCharCode(cp) : controlText(cp, label);
  if (!label || isPrintable(cp)) return String.fromCodePoint(cp);
  const hex = cp.toString(16).toUpperCase();
  return cp > 0xffff ? `\\U${hex.padStart(8, '0')}` : `\\u${hex.padStart(4, '0')}`;
}

/**
 * Bytes as text: `label` as Wireshark's format_text shows them (C or octal escapes for ASCII
 * controls, `\uXXXX` for unprintable characters), else a string value (controls kept as they are).
 * A malformed UTF-8 sequence is one U+FFFD; with `ascii` every byte above 0x7f is (ENC_ASCII).
 */
export function bytesText(
  b: ArrayLike<number>,
  from: number,
  to: number,
  label: boolean,
  ascii: boolean,
): string {
  let out = '';
  let i = from;
  while (i < to) {
    const c = b[i++] as number;
    if (c < 0x80) {
      out += codePointText(c, label);
      continue;
    }
    if (ascii) {
      out += '\ufffd';
      continue;
    }
    let need = c >= 0xc0 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf8 ? 3 : -1;
    let cp = need === 1 ? c & 0x1f : need === 2 ? c & 0x0f : c & 0x07;
    if (need < 0) {
      out += '\ufffd';
      continue;
    }
    while (need > 0 && i < to && ((b[i] as number) & 0xc0) === 0x80) {
      cp = (cp << 6) | ((b[i++] as number) & 0x3f);
      need--;
    }
    out += need > 0 || cp >= 0x110000 || (cp >= 0xd800 && cp <= 0xdfff) ? '\ufffd' : codePointText(cp, label);
  }
  return out;
}

/** Wireshark's format_text of a decoded string (a string field's value in its item's label). */
export function formatText(s: string): string {
  let out = '';
  for (const ch of s) out += codePointText(ch.codePointAt(0) as number, true);
  return out;
}

/** Wireshark's tvb_format_text: format_text of the raw bytes `from`..`to` (labels and Info). */
export function tvbFormatText(b: ArrayLike<number>, from: number, to: number): string {
  return bytesText(b, from, to, true, false);
}

/** Wireshark's tvb_format_stringzpad: as `tvbFormatText`, up to the first NUL. */
export function tvbFormatStringzpad(b: ArrayLike<number>, from: number, to: number): string {
  let end = from;
  while (end < to && b[end] !== 0) end++;
  return tvbFormatText(b, from, end);
}

/** A string field's value as Wireshark reads ENC_ASCII: each byte above 0x7f is U+FFFD. */
export function asciiString(b: ArrayLike<number>, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) {
    const c = b[i] as number;
    s += c < 0x80 ? String.fromCharCode(c) : '\ufffd';
  }
  return s;
}

/** format_text of an ENC_ASCII string: what a label shows of a string item read with ENC_ASCII. */
export function formatAsciiText(b: ArrayLike<number>, from: number, to: number): string {
  return formatText(asciiString(b, from, to));
}

/** A string field's value: what -T fields prints and what the tree shows after `Name: `. */
export interface StringValue {
  field: string;
  label: string;
  /** Something other than NUL follows the NUL that ends the string. */
  stray?: boolean;
}

/** Whether bytes other than NUL follow the first NUL at or after `end` (before `to`). */
function strayAfter(b: ArrayLike<number>, end: number, to: number): boolean {
  for (let i = end; i < to; i++) if (b[i] !== 0) return true;
  return false;
}

/**
 * An FT_STRING value read from bytes: UTF-8 (or ENC_ASCII with `ascii`), ending at the first NUL
 * as Wireshark's C strings do.
 */
export function stringValue(b: ArrayLike<number>, from: number, to: number, ascii = false): StringValue {
  let end = from;
  while (end < to && b[end] !== 0) end++;
  const stray = strayAfter(b, end, to);
  return { field: bytesText(b, from, end, false, ascii), label: bytesText(b, from, end, true, ascii), stray };
}

/** An ASCII string field's value (ENC_ASCII, up to the first NUL) and whether non-NUL bytes follow it. */
export interface AsciiField {
  value: string;
  /** Wireshark adds a "Trailing stray characters" note to the item then. */
  stray: boolean;
}

export function asciiField(b: ArrayLike<number>, from: number, to: number): AsciiField {
  let end = from;
  while (end < to && b[end] !== 0) end++;
  return { value: asciiString(b, from, end), stray: strayAfter(b, end, to) };
}
