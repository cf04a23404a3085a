// The three text faces of a packet, as tshark prints them: the one-line summary, the fields
// of `-T fields`, and the protocol tree (`-V`) with its hex dump (`-x`).
import { columnsOf } from '../../app/dissect/columns.ts';
import { fieldText, nodeLabel } from '../../app/dissect/field-text.ts';
import type { FieldDef } from '../../app/dissect/field.ts';
import type { FrameMeta, PacketInfo } from '../../app/dissect/packet-info.ts';
import { isShown, type FieldCollector, type FieldNode } from '../../app/dissect/tree.ts';
import { hexByte } from '../../app/format/address.ts';
import { formatTimeColumn, type TimeColumnFormat } from '../../app/format/time.ts';

/** How the Time column is written: tshark's -t format, -u hms, and the file's precision. */
export interface TimeStyle {
  format: TimeColumnFormat;
  hms: boolean;
  /** Fraction digits: 9 for nanosecond files, else 6. */
  digits: number;
}

export const DEFAULT_TIME: TimeStyle = { format: 'r', hms: false, digits: 6 };

/** The Time column of a frame. */
export function timeColumn(meta: FrameMeta, time: TimeStyle): string {
  return formatTimeColumn(meta, time.format, time.digits, time.hms);
}

/** `    1   0.000000     10.0.0.6 → 212.199.202.9 HTTP 869 GET / HTTP/1.1` */
export function summaryLine(meta: FrameMeta, pinfo: PacketInfo, time: TimeStyle = DEFAULT_TIME): string {
  const c = columnsOf(pinfo);
  // tshark prints the arrow even between two empty addresses (an unknown link type).
  const addresses = `${c.source.padStart(12)} → ${c.destination.padEnd(12)}`;
  return `${String(meta.number).padStart(5)} ${timeColumn(meta, time).padStart(10)} ${addresses} ${c.protocol} ${meta.origLen} ${c.info}`;
}

/** A column pseudo-field of -T fields (`_ws.col.Protocol`). */
export type ColumnField = (meta: FrameMeta, pinfo: PacketInfo, time: TimeStyle) => string;

export const COLUMN_FIELDS: Record<string, ColumnField> = {
  '_ws.col.No.': (m) => String(m.number),
  '_ws.col.Time': (m, _p, time) => timeColumn(m, time),
  '_ws.col.Source': (_m, p) => columnsOf(p).source,
  '_ws.col.Destination': (_m, p) => columnsOf(p).destination,
  '_ws.col.Protocol': (_m, p) => p.proto,
  '_ws.col.Length': (m) => String(m.origLen),
  '_ws.col.Info': (_m, p) => p.info,
};

export type FieldColumn = { kind: 'field'; id: number } | { kind: 'column'; get: ColumnField };

export interface FieldsFormat {
  separator: string;
  aggregator: string;
  occurrence: 'a' | 'f' | 'l';
  /** -E quote: the character around each value that is not empty ('' for none). */
  quote: string;
  time: TimeStyle;
}

/** One -T fields line: every occurrence of each field joined by the aggregator. */
export function fieldsLine(
  columns: readonly FieldColumn[],
  collector: FieldCollector,
  defs: readonly FieldDef[],
  meta: FrameMeta,
  pinfo: PacketInfo,
  fmt: FieldsFormat,
): string {
  const out: string[] = [];
  const q = fmt.quote;
  for (const col of columns) {
    if (col.kind === 'column') {
      out.push(q + col.get(meta, pinfo, fmt.time) + q);
      continue;
    }
    const def = defs[col.id];
    let values = collector.get(col.id);
    if (!def || values.length === 0) {
      out.push('');
      continue;
    }
    if (fmt.occurrence === 'f') values = values.slice(0, 1);
    else if (fmt.occurrence === 'l') values = values.slice(-1);
    out.push(q + values.map((v) => fieldText(def, v)).join(fmt.aggregator) + q);
  }
  return out.join(fmt.separator);
}

/** What -V shows besides labels. */
export interface DetailStyle {
  /** Without -x, tshark dumps the bytes of each Data protocol item in hex after its label. */
  dataHex: boolean;
  /** -O: the protocols shown expanded (null: all); the others show their label alone. */
  protocols: ReadonlySet<string> | null;
}

/** tshark -V: each node's label, children indented by four spaces; hidden fields left out. */
export function treeLines(
  nodes: readonly FieldNode[],
  style: DetailStyle = { dataHex: false, protocols: null },
  depth = 0,
  out: string[] = [],
): string[] {
  for (const n of nodes) {
    if (!isShown(n)) continue;
    out.push(' '.repeat(depth * 4) + nodeLabel(n));
    const expanded = depth > 0 || !style.protocols || style.protocols.has(n.def?.abbrev ?? '');
    if (!expanded) continue;
    if (style.dataHex && n.def?.abbrev === 'data' && n.length > 0) {
      out.push('');
      out.push(...hexDumpLines(n.bytes.subarray(n.offset, n.offset + n.length)));
    }
    if (n.children) treeLines(n.children, style, depth + 1, out);
  }
  return out;
}

/** tshark -x: `0000  45 00 00 3c …   E..<` lines, 16 bytes each. */
export function hexDumpLines(bytes: Uint8Array): string[] {
  const out: string[] = [];
  // As Wireshark: as many offset digits as the buffer's length needs (4, 5, 6 or 8).
  const n = bytes.length;
  const digits = n <= 0xffff ? 4 : n <= 0xfffff ? 5 : n <= 0xffffff ? 6 : 8;
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, off + 16);
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      const b = row[i];
      hex += b === undefined ? '   ' : hexByte(b) + ' ';
      if (b !== undefined) ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    out.push(`${off.toString(16).padStart(digits, '0')}  ${hex}  ${ascii}`);
  }
  return out;
}
