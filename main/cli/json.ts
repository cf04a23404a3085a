// tshark -T json: each packet as an object whose `layers` hold the protocol tree keyed by field
// names (the whole tree, hidden fields too), or, with -e, the chosen fields as arrays of values.
// Values are tshark's display strings: byte strings colon-separated, strings unescaped.
import { fieldText, nodeLabel } from '../../app/dissect/field-text.ts';
import { FieldType, type FieldDef } from '../../app/dissect/field.ts';
import type { FrameMeta, PacketInfo } from '../../app/dissect/packet-info.ts';
import type { FieldCollector, FieldNode, FieldValue } from '../../app/dissect/tree.ts';
import { formatHexColon } from '../../app/format/address.ts';
import type { FieldColumn, TimeStyle } from './print.ts';

/** A JSON string as tshark's json_dumper writes it: control characters escaped, the rest as is. */
export function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) out += CONTROL_ESCAPES[c] ?? `\\u00${c.toString(16).padStart(2, '0')}`;
    else if (c === 0x22 || c === 0x5c) out += '\\' + s[i];
    else out += s[i];
  }
  return out + '"';
}

const CONTROL_ESCAPES: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };

/** A value's text in tshark's JSON, or null for items that have none (protocols, text-only items). */
function jsonValue(def: FieldDef, value: FieldValue | Uint8Array): string | null {
  switch (def.type) {
    case FieldType.Protocol:
    case FieldType.None:
      return null;
    case FieldType.String:
      return String(value ?? '');
    case FieldType.Bytes:
      return value instanceof Uint8Array ? formatHexColon(value) : String(value ?? '');
    default:
      return fieldText(def, value);
  }
}

/** A node's value: its own, or for byte-backed fields its bytes. */
function nodeValue(n: FieldNode): FieldValue | Uint8Array {
  return n.value !== undefined ? n.value : n.bytes.subarray(n.offset, n.offset + n.length);
}

/**
 * The key of a node: its field's name, or for a text-only item its label without brackets (Trawl
 * names the fields of its text-only items with a leading underscore: `tcp._timestamps`).
 */
function nodeKey(n: FieldNode): string {
  const abbrev = n.def?.abbrev;
  if (abbrev && !abbrev.includes('._')) return abbrev;
  const label = nodeLabel(n);
  return label.startsWith('[') && label.endsWith(']') ? label.slice(1, -1) : label;
}

/** The members of one tree level, indented by `depth` steps of two spaces. */
function treeMembers(nodes: readonly FieldNode[], depth: number): string {
  const pad = '  '.repeat(depth);
  const members: string[] = [];
  for (const n of nodes) {
    const key = nodeKey(n);
    const value = n.def ? jsonValue(n.def, nodeValue(n)) : null;
    const children = n.children && n.children.length > 0 ? n.children : null;
    if (!children) {
      // A protocol item with nothing under it shows its text (`"raw": "Raw packet data"`).
      const text = value ?? (n.def?.type === FieldType.Protocol ? nodeLabel(n) : '');
      members.push(`${pad}${jsonString(key)}: ${jsonString(text)}`);
      continue;
    }
    const object = `{\n${treeMembers(children, depth + 1)}\n${pad}}`;
    if (value === null) members.push(`${pad}${jsonString(key)}: ${object}`);
    else {
      members.push(`${pad}${jsonString(key)}: ${jsonString(value)}`);
      members.push(`${pad}${jsonString(key + '_tree')}: ${object}`);
    }
  }
  return members.join(',\n');
}

/** The `layers` of -e: each field present, with all its values in an array. */
function fieldMembers(
  names: readonly string[],
  columns: readonly FieldColumn[],
  packet: JsonPacket,
  depth: number,
): string {
  const pad = '  '.repeat(depth);
  const members: string[] = [];
  columns.forEach((col, i) => {
    let values: string[];
    if (col.kind === 'column') values = [col.get(packet.meta, packet.pinfo, packet.time)];
    else {
      const def = packet.defs[col.id];
      // As -T fields prints them (byte strings without colons), but strings unescaped.
      const text = (v: FieldValue | Uint8Array): string =>
        def?.type === FieldType.String ? String(v ?? '') : def ? fieldText(def, v) : '';
      values = def ? packet.collector.get(col.id).map(text) : [];
    }
    if (values.length === 0) return;
    const items = values.map((v) => `${pad}  ${jsonString(v)}`);
    members.push(`${pad}${jsonString(names[i] ?? '')}: [\n${items.join(',\n')}\n${pad}]`);
  });
  return members.join(',\n');
}

/** What -T json -e reads a packet's fields from. */
export interface JsonPacket {
  meta: FrameMeta;
  pinfo: PacketInfo;
  collector: FieldCollector;
  defs: readonly FieldDef[];
  time: TimeStyle;
}

/**
 * `packets-2014-10-19`: the index tshark names after the packet's (local) date; a record without
 * a time (pcapng Simple Packet Block, Custom Block) has the epoch's.
 */
function indexName(meta: FrameMeta): string {
  const d = new Date(meta.noTime ? 0 : meta.tsSec * 1000);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `packets-${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`;
}

/** One packet's object, without the separator that goes before every packet but the first. */
function packetObject(meta: FrameMeta, layers: string): string {
  const body = layers === '' ? '{}' : `{\n${layers}\n      }`;
  return [
    '  {',
    `    "_index": ${jsonString(indexName(meta))},`,
    '    "_type": "doc",',
    '    "_score": null,',
    '    "_source": {',
    `      "layers": ${body}`,
    '    }',
    '  }',
  ].join('\n');
}

/** The whole tree of a packet as tshark -T json prints it. */
export function packetTreeJson(meta: FrameMeta, roots: readonly FieldNode[]): string {
  return packetObject(meta, treeMembers(roots, 4));
}

/** The -e fields of a packet as tshark -T json -e prints them. */
export function packetFieldsJson(
  names: readonly string[],
  columns: readonly FieldColumn[],
  packet: JsonPacket,
): string {
  return packetObject(packet.meta, fieldMembers(names, columns, packet, 4));
}

/** Writes tshark's array around the packets: `[`, the packets joined by `,`, then `]`. */
export class JsonArray {
  private count = 0;

  constructor(private readonly write: (text: string) => void) {}

  packet(text: string): void {
    this.write(this.count++ === 0 ? `[\n${text}` : `,\n${text}`);
  }

  end(): void {
    this.write(this.count === 0 ? '[]\n' : '\n]\n');
  }
}
