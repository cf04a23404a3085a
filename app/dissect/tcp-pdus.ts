// Wireshark's tcp_dissect_pdus for protocols whose messages carry their own length (BGP, LDP,
// RPKI-RTR): one message after another from `start`, asking TCP for the rest of one that is cut
// when reassembly may, and catching a fault per message so the next one is still shown.
import { noteFault } from './dissect.ts';
import { DepthTree } from './ip-proto.ts';
import { DESEGMENT_ONE_MORE_SEGMENT, type PacketInfo } from './packet-info.ts';
import { tcpLayer } from './tcp.ts';
import { RF } from './tcp-reassembly.ts';
import type { Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';

/**
 * `[PDU Size: N]` in the segment's TCP subtree for one message, as tcp_dissect_pdus shows it for
 * the protocols that frame their messages through it with TCP's tree at hand (WebSocket).
 */
export function addPduSize(tree: Tree, tvb: Tvb, offset: number, length: number, size: number): void {
  if (!tree.wants(RF['pdu.size'])) return;
  if (tree.full) tree.reopen(tcpLayer.node);
  tree.add(RF['pdu.size'], tvb, offset, length, size);
  if (tree.full) tree.pop();
}

export interface PduSpec {
  /** Bytes needed before the length can be read (the fixed header). */
  fixed: number;
  /** The whole message's length, read from its first `fixed` bytes. */
  length(tvb: Tvb, at: number): number;
  /** Dissects one message; `tvb` ends where the message does. */
  dissect(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void;
  /** What a fault is named after (`[Malformed Packet: NAME]`). */
  name: string;
}

/** Dissects the messages from `start` to the end of `tvb`; returns the bytes taken (all of them). */
export function tcpDissectPdus(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  spec: PduSpec,
  start = tvb.start,
): number {
  const end = tvb.reportedEnd;
  let o = start;
  while (o < end) {
    const captured = tvb.remaining(o);
    if (captured === 0) tvb.need(o, 1);
    if (pinfo.canDesegment && captured < spec.fixed) {
      pinfo.desegmentOffset = o - tvb.start;
      pinfo.desegmentLen = DESEGMENT_ONE_MORE_SEGMENT;
      break;
    }
    const plen = spec.length(tvb, o);
    if (plen < spec.fixed) {
      // A length shorter than the fixed part: Wireshark reports a bounds error and stops.
      fault(new MalformedError('Malformed Packet', o), tvb, pinfo, tree, spec.name);
      break;
    }
    if (pinfo.canDesegment && captured < plen) {
      pinfo.desegmentOffset = o - tvb.start;
      pinfo.desegmentLen = plen - captured;
      break;
    }
    const pdu = tvb.sub(o, Math.min(plen, end - o));
    // Subtrees the message left open when it failed are closed before the fault is shown.
    const sink = tree.full ? new DepthTree(tree) : tree;
    try {
      spec.dissect(pdu, pinfo, sink);
    } catch (err) {
      sink.unwind();
      fault(err, pdu, pinfo, tree, spec.name);
    }
    o += plen;
  }
  return tvb.remaining(tvb.start);
}

function fault(err: unknown, tvb: Tvb, pinfo: PacketInfo, tree: Tree, name: string): void {
  const saved = pinfo.currentProto;
  pinfo.currentProto = name;
  noteFault(err, tvb, pinfo, tree);
  pinfo.currentProto = saved;
}

/** Wireshark's col_append_sep_str(COL_INFO, ", ", text). */
export function appendInfo(pinfo: PacketInfo, text: string): void {
  if (!pinfo.wantInfo) return;
  pinfo.setInfo(pinfo.info ? `${pinfo.info}, ${text}` : text);
}
