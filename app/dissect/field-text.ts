// A field's value as text: `fieldText` as tshark -T fields prints it, `nodeLabel` as the
// protocol tree shows it (`Time to Live: 64`, `.1.. .... = Don't fragment: Set`).
import { FieldType, type FieldDef } from './field.ts';
import type { FieldNode, FieldValue } from './tree.ts';
import { formatHex, formatIPv4, formatIPv6, formatMac } from '../format/address.ts';
import { macWithName } from '../format/mac-names.ts';
import { fieldEscaped, formatText } from './text-format.ts';

/** tshark's -T fields text for one value. Byte-backed values come as their bytes. */
export function fieldText(def: FieldDef, value: FieldValue | Uint8Array): string {
  if (value instanceof Uint8Array) {
    switch (def.type) {
      case FieldType.None:
        // tshark prints a value-less item (FT_NONE) as its presence.
        return '1';
      case FieldType.Ether:
        return value.length >= 6 ? formatMac(value, 0) : formatHex(value);
      case FieldType.IPv6:
        return value.length >= 16 ? formatIPv6(value, 0) : formatHex(value);
      default:
        return formatHex(value);
    }
  }
  switch (def.type) {
    case FieldType.Bool:
      return value ? '1' : '0';
    case FieldType.IPv4:
      return formatIPv4(Number(value));
    case FieldType.UInt:
    case FieldType.Int:
      return integerText(def, value);
    case FieldType.Protocol:
      // A protocol item prints its text where it has one of its own (`[Malformed Packet: TCP]`).
      return typeof value === 'string' ? value : def.name;
    case FieldType.String:
      return fieldEscaped(String(value ?? ''));
    default:
      return value === undefined ? '' : String(value);
  }
}

function integerText(def: FieldDef, value: FieldValue): string {
  if (typeof value !== 'number' && typeof value !== 'bigint') return String(value ?? '');
  if (def.base === 'hex' || def.base === 'hex_dec') return hexText(def, value);
  return value.toString();
}

function hexText(
  def: FieldDef,
  value: number | bigint,
  digits = Math.max(1, Math.ceil((def.bits ?? 8) / 4)),
): string {
  const v = typeof value === 'bigint' ? value : value >>> 0;
  return '0x' + v.toString(16).padStart(digits, '0');
}

/** The bit picture of a masked field: `.1.. ....`, grouped in fours as Wireshark draws it. */
export function bitPicture(def: FieldDef, value: number): string {
  const bits = def.bits ?? 8;
  const mask = def.mask ?? 0;
  let shift = 0;
  while (shift < 32 && ((mask >>> shift) & 1) === 0) shift++;
  const raw = (value << shift) >>> 0;
  // Flags repeat (a radiotap header draws thirty 32-bit pictures a frame): draw each once.
  const key = `${bits}/${mask}/${raw}`;
  const known = PICTURES.get(key);
  if (known !== undefined) return known;
  if (PICTURES.size >= 4096) PICTURES.clear();
  const s = drawPicture(bits, mask, raw);
  PICTURES.set(key, s);
  return s;
}

const PICTURES = new Map<string, string>();

function drawPicture(bits: number, mask: number, raw: number): string {
  let s = '';
  for (let i = bits - 1; i >= 0; i--) {
    const bit = 2 ** i;
    s += Math.floor(mask / bit) % 2 === 1 ? (Math.floor(raw / bit) % 2 === 1 ? '1' : '0') : '.';
    if (i % 4 === 0 && i !== 0) s += ' ';
  }
  return s;
}

/** A node's value as the tree shows it after `Name: `. */
export function displayValue(node: FieldNode): string {
  const def = node.def;
  if (!def) return '';
  const v = node.value;
  switch (def.type) {
    case FieldType.Ether:
      return macWithName(node.bytes, node.offset);
    case FieldType.IPv6:
      return formatIPv6(node.bytes, node.offset);
    case FieldType.Bytes:
      return (
        formatHex(node.bytes, node.offset, Math.min(node.length, LABEL_BYTES)) +
        (node.length > LABEL_BYTES ? '…' : '')
      );
    case FieldType.IPv4:
      return formatIPv4(Number(v));
    case FieldType.Bool: {
      const [yes, no] = def.tf ?? ['Set', 'Not set'];
      return v ? yes : no;
    }
    case FieldType.UInt:
    case FieldType.Int:
      return integerLabel(def, v);
    case FieldType.String:
      return formatText(String(v ?? ''));
    case FieldType.AbsTime:
    case FieldType.RelTime:
      return def.unit ? `${String(v ?? '')} ${def.unit}` : String(v ?? '');
    default:
      return v === undefined ? '' : String(v);
  }
}

/** Hex digits in a label: a masked field has as many as its mask is wide (Wireshark's hfinfo_hex_digits). */
function labelDigits(def: FieldDef): number {
  const mask = def.mask;
  if (mask === undefined || mask === 0) return Math.max(1, Math.ceil((def.bits ?? 8) / 4));
  const width = 32 - Math.clz32(mask) - (31 - Math.clz32(mask & -mask));
  return Math.ceil(width / 4);
}

function integerLabel(def: FieldDef, v: FieldValue): string {
  if (typeof v !== 'number' && typeof v !== 'bigint') return String(v ?? '');
  const named = typeof v === 'number' ? def.strings?.get(v) : undefined;
  let text: string;
  switch (def.base) {
    case 'hex':
      text = hexText(def, v, labelDigits(def));
      break;
    case 'hex_dec':
      text = `${hexText(def, v, labelDigits(def))} (${v})`;
      break;
    case 'dec_hex':
      text = `${v} (${hexText(def, v, labelDigits(def))})`;
      break;
    default:
      text = v.toString();
  }
  if (named !== undefined) return `${named} (${text})`;
  if (def.strings) return `Unknown (${text})`;
  return def.unit ? `${text} ${def.unit}` : text;
}

/** Bytes a byte-string value shows in a label before `…` (Wireshark's hfinfo_format_bytes). */
const LABEL_BYTES = 36;
/** Wireshark's label buffer (ITEM_LABEL_LENGTH): a longer label is cut and marked. */
const LABEL_LENGTH = 240;
/** What is left of a cut label: `Name [truncated]: value…` (as tshark 4.0 prints it). */
const TRUNCATED_LENGTH = 238;

/** The whole label of a node: its explicit label, or `Name: value` with bits and brackets. */
export function nodeLabel(node: FieldNode): string {
  const def = node.def;
  if (node.label !== undefined) return markedLabel(node.label);
  if (!def) return '';
  if (def.type === FieldType.Protocol || def.type === FieldType.None) return def.name;
  const value = displayValue(node);
  let text = markedLabel(`${def.name}: ${value}`, def.name.length);
  if (def.mask && (def.type === FieldType.UInt || def.type === FieldType.Bool)) {
    text = `${bitPicture(def, Number(node.value ?? 0))} = ${text}`;
  }
  return def.generated ? `[${text}]` : text;
}

/**
 * A label too long for Wireshark's buffer, marked as its items mark it, and cut: an explicit label
 * (a *_format item) at its start, inside the brackets of a generated item; a `Name: value`
 * label made from the field (label_fill) after the name.
 */
function markedLabel(label: string, namePos = 0): string {
  if (fitsLabel(label)) return label;
  if (namePos === 0 && label.startsWith('[') && label.endsWith(']')) {
    const inner = label.slice(1, -1);
    return fitsLabel(inner) ? label : `[${markedLabel(inner)}]`;
  }
  return cutToBytes(`${label.slice(0, namePos)} [truncated]${label.slice(namePos)}`, TRUNCATED_LENGTH);
}

/** Cuts a label to the 239 UTF-8 bytes a Wireshark item label holds (ITEM_LABEL_LENGTH). */
export function labelBytes(label: string): string {
  return cutToBytes(label, LABEL_LENGTH - 1);
}

/** UTF-8 bytes of a UTF-16 unit: a surrogate pair's two count 4. */
const unitBytes = (c: number): number => (c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 2 : 3);

/** Whether `text` fits Wireshark's label buffer (fewer than ITEM_LABEL_LENGTH UTF-8 bytes). */
function fitsLabel(text: string): boolean {
  // No unit takes more than 3 bytes: a short text fits without counting.
  if (text.length * 3 < LABEL_LENGTH) return true;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) bytes += unitBytes(text.charCodeAt(i));
  return bytes < LABEL_LENGTH;
}

/** The longest start of `text` within `max` UTF-8 bytes, not splitting a character. */
function cutToBytes(text: string, max: number): string {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    bytes += unitBytes(c);
    if (bytes > max) return text.slice(0, c >= 0xdc00 && c < 0xe000 ? i - 1 : i);
  }
  return text;
}
