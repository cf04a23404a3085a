// Helpers shared by the application protocols over TCP (SSH, FTP, SMTP, POP, IMAP): Wireshark's
// tvb_find_line_end, data-text-lines, reassembled fragment lists, and how an exception inside a
// TCP payload shows.
import { expertInfo, noteFault } from './dissect.ts';
import { fields, proto, text } from './field.ts';
import { TEXT_LINES } from './http.ts';
import type { PacketInfo } from './packet-info.ts';
import { tcpLayer } from './tcp.ts';
import { formatAsciiText } from './text-format.ts';
import { NULL_TREE, type Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';

/** Where a line ends (the CR or LF, or the end of the bytes) and where the next one starts. */
export interface LineEnd {
  eol: number;
  next: number;
}

/**
 * Wireshark's tvb_find_line_end over `b[from, end)`: a line ends at CR, LF or CRLF. With
 * `desegment`, a line that has no end yet (or ends in a lone CR as the last byte) gives null;
 * without it the line runs to the end of the bytes.
 */
export function findLineEnd(b: Uint8Array, from: number, end: number, desegment: boolean): LineEnd | null {
  for (let i = from; i < end; i++) {
    const c = b[i] as number;
    if (c === 0x0a) return { eol: i, next: i + 1 };
    if (c !== 0x0d) continue;
    if (i + 1 >= end) return desegment ? null : { eol: i, next: i + 1 };
    return { eol: i, next: b[i + 1] === 0x0a ? i + 2 : i + 1 };
  }
  return desegment ? null : { eol: end, next: end };
}

/**
 * The port that chose the dissector (Wireshark's pinfo->match_uint): the server port TCP knows if it
 * is one of `ports`, else the lower port if it is, else the higher. A request goes to it.
 */
export function matchedPort(pinfo: PacketInfo, ports: readonly number[]): number {
  const server = tcpLayer.serverPort;
  if (ports.includes(server)) return server;
  const low = Math.min(pinfo.srcPort, pinfo.dstPort);
  return ports.includes(low) ? low : Math.max(pinfo.srcPort, pinfo.dstPort);
}

/**
 * An exception out of a TCP payload dissector named `proto`, as show_exception shows it: TCP hands
 * a payload it cannot reassemble over as a fragment, so running past its end is a BoundError of an
 * unreassembled packet rather than a malformed one.
 */
export function payloadFault(err: unknown, tvb: Tvb, pinfo: PacketInfo, tree: Tree, proto: string): void {
  tree.unwind();
  if (err instanceof MalformedError && !pinfo.canDesegment && !pinfo.inError) {
    const label = `[BoundError Unreassembled Packet: ${proto}]`;
    tree.push(UNREASSEMBLED[''], tvb, tvb.start, 0, label);
    if (tree.full) tree.label(label);
    const message = 'Unreassembled fragment (change preferences to enable reassembly)';
    expertInfo(tree, tvb, tvb.start, 0, 'Note', 'Reassemble', message);
    tree.pop();
    if (pinfo.wantInfo) pinfo.info += '[BoundErrorUnreassembled Packet]';
    return;
  }
  pinfo.currentProto = proto;
  noteFault(err, tvb, pinfo, tree);
  pinfo.currentProto = '';
}

/** Wireshark's pseudo-protocol for a BoundError in a fragment (show_exception's proto_unreassembled). */
export const UNREASSEMBLED = fields('_ws.unreassembled', { '': proto('Unreassembled Fragmented Packet') });

/** One line of text data (a text item in Wireshark: no value of its own). */
export const TEXT_LINE = fields('data-text-lines', { _line: text('Line') });

/** Wireshark's data-text-lines: the bytes a line at a time under `Line-based text data (N lines)`. */
export function dataTextLines(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const b = tvb.bytes;
  pinfo.layers.push('data-text-lines');
  tree.push(TEXT_LINES[''], tvb, tvb.start, tvb.remaining(tvb.start));
  let lines = 0;
  for (let o = tvb.start; o < tvb.end; lines++) {
    const l = findLineEnd(b, o, tvb.end, false) as LineEnd;
    if (tree !== NULL_TREE) {
      tree.add(TEXT_LINE._line, tvb, o, l.next - o);
      if (tree.full) tree.labelLast(formatAsciiText(b, o, l.next));
    }
    o = l.next;
  }
  if (tree.full) tree.label(`Line-based text data (${lines} lines)`);
  tree.pop();
}
