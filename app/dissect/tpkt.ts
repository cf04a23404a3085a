// TPKT (RFC 1006) on TCP 102: a 4-byte header (version 3, reserved, length) before each OSI
// transport PDU, handed to COTP; one PDU after another in a segment, cut ones reassembled by TCP.
// Bytes that do not start with version 3 are a "Continuation", as tshark 4.0 shows them.
import { dissectCotp } from './cotp.ts';
import { noteFault } from './dissect.ts';
import { bytes, fields, proto, uint } from './field.ts';
import { DepthTree } from './ip-proto.ts';
import { DESEGMENT_ONE_MORE_SEGMENT, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const F = fields('tpkt', {
  '': proto('TPKT - ISO on TCP - RFC1006'),
  version: uint('Version', 8),
  reserved: uint('Reserved', 8),
  length: uint('Length', 16),
  continuation_data: bytes('Continuation data'),
});

const PORT = 102;

export function dissectTpkt(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const start = tvb.start;
  const end = tvb.reportedEnd;
  pinfo.layers.push('tpkt');
  // Reassembly on: Info starts empty so COTP and S7comm can append to it.
  if (pinfo.wantInfo) pinfo.setInfo('');
  let o = start;
  while (o < end) {
    if (tvb.u8(o) !== 3) {
      pinfo.setProto('TPKT');
      if (pinfo.wantInfo) pinfo.setInfo('Continuation');
      tree.push(F[''], tvb, o, tvb.remaining(o));
      tree.add(F.continuation_data, tvb, o, tvb.remaining(o));
      tree.pop();
      break;
    }
    const captured = tvb.remaining(o);
    if (pinfo.canDesegment && captured < 4) {
      pinfo.desegmentOffset = o - start;
      pinfo.desegmentLen = DESEGMENT_ONE_MORE_SEGMENT;
      break;
    }
    const len = tvb.u16(o + 2);
    if (pinfo.canDesegment && captured < len) {
      pinfo.desegmentOffset = o - start;
      pinfo.desegmentLen = len - captured;
      break;
    }
    pinfo.setProto('TPKT');
    tree.push(F[''], tvb, o, 4);
    if (tree.full) tree.label(`TPKT, Version: 3, Length: ${len}`);
    tree.add(F.version, tvb, o, 1, 3);
    tree.add(F.reserved, tvb, o + 1, 1, tvb.u8(o + 1));
    tree.add(F.length, tvb, o + 2, 2, len);
    tree.pop();
    // A length under 4 still moves on by what is there, as Wireshark's (negative) data length does.
    const dataLen = len - 4;
    const length = Math.min(tvb.remaining(o + 4), dataLen);
    const pdu = tvb.sub(o + 4, Math.max(0, dataLen));
    const sink = tree.full ? new DepthTree(tree) : tree;
    try {
      dissectCotp(pdu, pinfo, sink);
    } catch (err) {
      // A fault ends this PDU only: the next one is still shown (Wireshark's CATCH_NONFATAL_ERRORS).
      sink.unwind();
      noteFault(err, pdu, pinfo, tree);
    }
    if (length <= 0 && dataLen <= 0) {
      // Nothing after the header moves the loop (a length of 4 or less): stop as Wireshark's
      // next read of the same header would fail the same way.
      o += 4;
      if (dataLen < 0) break;
      continue;
    }
    o += 4 + length;
  }
  return tvb.remaining(start);
}

export const tpktModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('tcpPort', PORT, dissectTpkt);
  },
};
