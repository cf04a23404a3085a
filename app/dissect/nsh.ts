// Network Service Header (RFC 8300, ethertype 0x894F): the base header (version, O and C bits,
// TTL, length in 4-byte words, MD type, next protocol), the service path (SPI, SI), the context
// headers or metadata TLVs the length covers, then the next protocol.
import { dissectData } from './data.ts';
import { bytes, fields, names, proto, uint } from './field.ts';
import { LinkType } from './link-types.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const NEXT = { IPV4: 1, IPV6: 2, ETHERNET: 3, NSH: 4, MPLS: 5 };
const NEXT_PROTOCOLS = names({ 1: 'IPv4', 2: 'IPv6', 3: 'Ethernet', 4: 'NSH', 5: 'MPLS' });

export const F = fields('nsh', {
  '': proto('Network Service Header'),
  version: uint('Version', 16, { mask: 0xc000 }),
  Obit: uint('O Bit', 16, { mask: 0x2000 }),
  CBit: uint('C Bit', 16, { mask: 0x1000 }),
  ttl: uint('Time to live', 16, { mask: 0x0fc0, base: 'hex' }),
  length: uint('Length', 16, { mask: 0x003f }),
  mdtype: uint('MD Type', 8),
  nextproto: uint('Next Protocol', 8, { strings: NEXT_PROTOCOLS }),
  spi: uint('SPI', 24),
  si: uint('SI', 8),
  contextheader: bytes('Context Header'),
});

const BASE = 8;

export function dissectNsh(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('nsh');
  pinfo.setProto('NSH');
  if (pinfo.wantInfo) pinfo.setInfo('');
  const base = tvb.u16(o);
  const length = (base & 0x3f) * 4;
  tree.push(F[''], tvb, o, Math.max(length, BASE));
  tree.add(F.version, tvb, o, 2, base >> 14);
  tree.add(F.Obit, tvb, o, 2, (base >> 13) & 1);
  tree.add(F.CBit, tvb, o, 2, (base >> 12) & 1);
  tree.add(F.ttl, tvb, o, 2, (base >> 6) & 0x3f);
  tree.add(F.length, tvb, o, 2, base & 0x3f);
  tree.add(F.mdtype, tvb, o + 2, 1, tvb.u8(o + 2) & 0x0f);
  const next = tvb.u8(o + 3);
  tree.add(F.nextproto, tvb, o + 3, 1, next);
  tree.add(F.spi, tvb, o + 4, 3, tvb.u24(o + 4));
  tree.add(F.si, tvb, o + 7, 1, tvb.u8(o + 7));
  for (let p = o + BASE; p + 4 <= o + length; p += 4) tree.add(F.contextheader, tvb, p, 4);
  tree.pop();
  const payload = tvb.sub(o + Math.max(length, BASE));
  let used = -1;
  if (next === NEXT.IPV4) used = pinfo.registry.call('etherType', 0x0800, payload, pinfo, tree);
  else if (next === NEXT.IPV6) used = pinfo.registry.call('etherType', 0x86dd, payload, pinfo, tree);
  else if (next === NEXT.ETHERNET)
    used = pinfo.registry.call('linkType', LinkType.ETHERNET, payload, pinfo, tree);
  else if (next === NEXT.NSH) used = dissectNsh(payload, pinfo, tree);
  else if (next === NEXT.MPLS) used = pinfo.registry.call('etherType', 0x8847, payload, pinfo, tree);
  if (used < 0) dissectData(payload, pinfo, tree);
  return tvb.remaining(o);
}

export const nshModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('etherType', 0x894f, dissectNsh);
  },
};
