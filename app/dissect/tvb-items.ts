// Items as Wireshark 4.0's proto_tree_add_item adds them: string items (the value ends at the
// first NUL; bytes after it earn a note), byte strings (`<MISSING>` when empty) and lengths of -1
// (to the end). The text itself is text-format.ts's.
import type { FieldDef } from './field.ts';
import { expert } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import { asciiField, formatText, type StringValue } from './text-format.ts';
import type { Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';

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
    if (tree.full) tree.labelLast(`${def.name}: ${formatText(value)}`);
    return value;
  }
  tree.push(def, tvb, at, len, value);
  if (tree.full) tree.label(`${def.name}: ${formatText(value)}`);
  strayNote(pinfo, tree, tvb, at, len);
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

/** Adds a string field whose label text differs from its -T fields text only in its escapes. */
export function addString(
  tree: Tree,
  def: FieldDef,
  tvb: Tvb,
  offset: number,
  length: number,
  value: StringValue,
): void {
  tree.add(def, tvb, offset, length, value.field);
  if (tree.full && value.label !== value.field) {
    const text = `${def.name}: ${value.label}`;
    tree.labelLast(def.generated ? `[${text}]` : text);
  }
}

/**
 * Adds a string read from the packet as proto_tree_add_item does: text after the string's NUL
 * earns the note Wireshark gives it.
 */
export function addStringItem(
  pinfo: PacketInfo,
  tree: Tree,
  def: FieldDef,
  tvb: Tvb,
  offset: number,
  length: number,
  value: StringValue,
): void {
  if (!value.stray) {
    addString(tree, def, tvb, offset, length, value);
    return;
  }
  tree.push(def, tvb, offset, length, value.field);
  if (tree.full) tree.label(`${def.name}: ${value.label}`);
  strayNote(pinfo, tree, tvb, offset, length);
  tree.pop();
}

/** The expert note for text after a string's NUL, under the open item. */
export function strayNote(pinfo: PacketInfo, tree: Tree, tvb: Tvb, offset: number, length: number): void {
  expert(pinfo, tree, tvb, offset, length, 'Warning', 'Undecoded', 'Trailing stray characters');
}
