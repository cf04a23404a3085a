// BSD loopback (LINKTYPE_NULL, 0): a 4-byte address family in the byte order of the machine that
// captured, or (old Linux, IRIX) other layouts that Wireshark tells apart as below.
import { dissectData } from './data.ts';
import { ETHERTYPE_NAMES } from './ethertype.ts';
import { fields, hex, names, proto, uint } from './field.ts';
import { LinkType } from './link-types.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const AF = { INET: 2, ISO: 7, APPLETALK: 16, IPX: 23, INET6_BSD: 24, INET6_FREEBSD: 28, INET6_DARWIN: 30 };

const FAMILIES = names({
  [AF.INET]: 'IP',
  [AF.ISO]: 'OSI',
  [AF.APPLETALK]: 'Appletalk',
  [AF.IPX]: 'Netware IPX/SPX',
  [AF.INET6_BSD]: 'IPv6',
  [AF.INET6_FREEBSD]: 'IPv6',
  [AF.INET6_DARWIN]: 'IPv6',
});

export const F = fields('null', {
  '': proto('Null/Loopback'),
  type: hex('Type', 16, { strings: ETHERTYPE_NAMES }),
  family: uint('Family', 32, { strings: FAMILIES }),
});

const bswap32 = (v: number): number =>
  (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;

/**
 * The header as Wireshark reads it on a little-endian host: a family in either byte order, an
 * IRIX 16-bit family in either half, or a byte-swapped ethertype (old Linux loopback).
 */
export function nullHeaderValue(raw: number): number {
  if ((raw & 0xffff0000) !== 0) {
    // IRIX/UNICOS snoop header in host order (family in the upper half), else the other byte order.
    if ((raw & 0xff000000) === 0 && (raw & 0x00ff0000) < 0x00060000) return raw >>> 16;
    return bswap32(raw);
  }
  // IRIX/UNICOS snoop header in the other byte order: the family is the swapped lower half.
  if ((raw & 0xff) === 0 && (raw & 0xff00) < 0x0600) return ((raw & 0xff) << 8) | ((raw >>> 8) & 0xff);
  return raw;
}

export function dissectNull(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('null');
  if (tvb.u16(o) === 0xff03) {
    // PPP in HDLC-like framing (FreeBSD ISDN): no PPP dissector here, so the bytes are data.
    dissectData(tvb, pinfo, tree);
    return tvb.remaining(o);
  }
  pinfo.setProto('N/A');
  if (pinfo.wantInfo) pinfo.setInfo('Null/Loopback');
  const header = nullHeaderValue(tvb.u32le(o));
  const payload = tvb.sub(o + 4);
  tree.push(F[''], tvb, o, 4);
  if (header > 1500) {
    // An ethertype, handed to the ethertype table directly (no `ethertype` layer).
    tree.add(F.type, tvb, o, 4, header & 0xffff);
    tree.pop();
    if (pinfo.registry.call('etherType', header & 0xffff, payload, pinfo, tree) < 0)
      dissectData(payload, pinfo, tree);
    return tvb.remaining(o);
  }
  tree.add(F.family, tvb, o, 4, header);
  tree.pop();
  let used = -1;
  if (header === AF.INET) used = pinfo.registry.call('etherType', 0x0800, payload, pinfo, tree);
  else if (header === AF.INET6_BSD || header === AF.INET6_FREEBSD || header === AF.INET6_DARWIN) {
    used = pinfo.registry.call('etherType', 0x86dd, payload, pinfo, tree);
  }
  if (used < 0) dissectData(payload, pinfo, tree);
  return tvb.remaining(o);
}

export const nullModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('linkType', LinkType.NULL, dissectNull);
  },
};
