// IP Authentication Header (RFC 4302): the next header, the header's length, SPI, sequence
// number and integrity check value, then the protected payload, dissected as the next header says.
import { bytes, fields, hex, proto, uint } from './field.ts';
import { dispatchIpProto, IP_PROTO_NAMES, ipLayer, IpProto } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const F = fields('ah', {
  '': proto('Authentication Header'),
  next_header: uint('Next header', 8, { strings: IP_PROTO_NAMES }),
  length: uint('Length', 8),
  reserved: bytes('Reserved'),
  spi: hex('AH SPI', 32),
  sequence: uint('AH Sequence', 32),
  icv: bytes('AH ICV'),
});

const FIXED = 12;

export function dissectAH(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('ah');
  pinfo.setProto('AH');
  const next = tvb.u8(o);
  const words = tvb.u8(o + 1);
  const length = (words + 2) * 4;
  const spi = tvb.u32(o + 4);
  if (pinfo.wantInfo) pinfo.setInfo(`AH (SPI=0x${spi.toString(16).padStart(8, '0')})`);
  tree.push(F[''], tvb, o, length);
  tree.add(F.next_header, tvb, o, 1, next);
  tree.add(F.length, tvb, o + 1, 1, words);
  if (tree.full) tree.labelLast(`Length: ${words} (${length} bytes)`);
  tree.add(F.reserved, tvb, o + 2, 2);
  tree.add(F.spi, tvb, o + 4, 4, spi);
  tree.add(F.sequence, tvb, o + 8, 4, tvb.u32(o + 8));
  if (length > FIXED) {
    tvb.need(o + FIXED, length - FIXED);
    tree.add(F.icv, tvb, o + FIXED, length - FIXED);
  }
  tree.pop();
  const payload = tvb.sub(o + length);
  if (payload.reportedRemaining(o + length) > 0) {
    // The payload's IP header is not the one right above it: tshark's ICMP shows no TTL then.
    ipLayer.ttl = -1;
    ipLayer.payloadLength -= length;
    dispatchIpProto(next, payload, pinfo, tree);
  }
  return tvb.remaining(o);
}

export const ahModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('ipProto', IpProto.AH, dissectAH);
  },
};
