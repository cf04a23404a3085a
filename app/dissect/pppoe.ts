// PPP over Ethernet (RFC 2516): discovery (ethertype 0x8863: the PADI/PADO/PADR/PADS/PADT
// exchange and its tags) and session (0x8864: a PPP frame, its length given by the header).
import { fields, hex, names, proto, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import { dissectPpp } from './ppp.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const CODES = names({
  0x0: 'Session Data',
  0x7: 'Active Discovery Offer (PADO)',
  0x9: 'Active Discovery Initiation (PADI)',
  0xa: 'Active Discovery Session-Grant (PADG)',
  0xb: 'Active Discovery Session-Credit Resp.(PADC)',
  0xc: 'Active Discovery Quality (PADQ)',
  0x19: 'Active Discovery Request (PADR)',
  0x65: 'Active Discovery Session-confirmation (PADS)',
  0xa7: 'Active Discovery Terminate (PADT)',
  0xd3: 'Active Discovery Message (PADM)',
  0xd4: 'Active Discovery Network (PADN)',
});

export const F = fields('pppoe', {
  '': proto('PPP-over-Ethernet'),
  version: uint('Version', 8, { mask: 0xf0 }),
  type: uint('Type', 8, { mask: 0x0f }),
  code: hex('Code', 8, { strings: CODES }),
  session_id: hex('Session ID', 16),
  payload_length: uint('Payload Length', 16),
});

const FD = fields('pppoed', {
  '': proto('PPP-over-Ethernet Discovery'),
  tag: hex('Tag', 16),
  tag_length: uint('Tag Length', 16),
});

const FS = fields('pppoes', { '': proto('PPP-over-Ethernet Session') });

const HEADER = 6;

function addHeader(tvb: Tvb, o: number, tree: Tree): number {
  const first = tvb.u8(o);
  tree.add(F.version, tvb, o, 1, first >> 4);
  tree.add(F.type, tvb, o, 1, first & 0x0f);
  tree.add(F.code, tvb, o + 1, 1, tvb.u8(o + 1));
  tree.add(F.session_id, tvb, o + 2, 2, tvb.u16(o + 2));
  const length = tvb.u16(o + 4);
  tree.add(F.payload_length, tvb, o + 4, 2, length);
  return length;
}

export function dissectPppoed(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('pppoed');
  pinfo.setProto('PPPoED');
  const code = tvb.u8(o + 1);
  if (pinfo.wantInfo) pinfo.setInfo(CODES.get(code) ?? `Unknown (0x${code.toString(16).padStart(2, '0')})`);
  tree.push(FD[''], tvb, o, tvb.remaining(o));
  const length = addHeader(tvb, o, tree);
  // Tags: type and length, to the payload length's end.
  let p = o + HEADER;
  const end = Math.min(o + HEADER + length, tvb.end);
  while (p + 4 <= end) {
    tree.add(FD.tag, tvb, p, 2, tvb.u16(p));
    const tagLength = tvb.u16(p + 2);
    tree.add(FD.tag_length, tvb, p + 2, 2, tagLength);
    p += 4 + tagLength;
  }
  tree.pop();
  return Math.min(HEADER + length, tvb.remaining(o));
}

export function dissectPppoes(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('pppoes');
  pinfo.setProto('PPPoES');
  if (pinfo.wantInfo) pinfo.setInfo(CODES.get(tvb.u8(o + 1)) ?? '');
  tree.push(FS[''], tvb, o, HEADER);
  const length = addHeader(tvb, o, tree);
  tree.pop();
  tvb.claim(HEADER + length);
  dissectPpp(tvb.sub(o + HEADER, length), pinfo, tree);
  return HEADER + length;
}

export const pppoeModule = {
  fields: Object.fromEntries([F, FD, FS].flatMap((g) => Object.values(g)).map((d) => [d.abbrev, d])),
  handoff(reg: Registry): void {
    reg.register('etherType', 0x8863, dissectPppoed);
    reg.register('etherType', 0x8864, dissectPppoes);
  },
};
