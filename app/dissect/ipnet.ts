// Solaris IPNET (LINKTYPE_IPNET, 226): a 24-byte header with the address family, hook, length,
// interface indexes and zones, then IPv4 or IPv6.
import { dissectData } from './data.ts';
import { fields, names, proto, uint } from './field.ts';
import { LinkType } from './link-types.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const FAMILY = { INET: 2, INET6: 26 };

export const F = fields('ipnet', {
  '': proto('Solaris IPNET'),
  version: uint('Header version', 8),
  family: uint('Address family', 8, {
    strings: names({ [FAMILY.INET]: 'Solaris AF_INET', [FAMILY.INET6]: 'Solaris AF_INET6' }),
  }),
  htype: uint('Hook type', 16, { strings: names({ 0: 'Inbound', 1: 'Outbound', 2: 'Local' }) }),
  pktlen: uint('Data length', 32),
  ifindex: uint('Interface index', 32),
  grifindex: uint('Group interface index', 32),
  zsrc: uint('Source Zone ID', 32),
  zdst: uint('Destination Zone ID', 32),
});

const HEADER = 24;

export function dissectIpnet(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('ipnet');
  pinfo.setProto('IPNET');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, HEADER);
  tree.add(F.version, tvb, o, 1, tvb.u8(o));
  const family = tvb.u8(o + 1);
  tree.add(F.family, tvb, o + 1, 1, family);
  tree.add(F.htype, tvb, o + 2, 2, tvb.u16(o + 2));
  tree.add(F.pktlen, tvb, o + 4, 4, tvb.u32(o + 4));
  tree.add(F.ifindex, tvb, o + 8, 4, tvb.u32(o + 8));
  tree.add(F.grifindex, tvb, o + 12, 4, tvb.u32(o + 12));
  tree.add(F.zsrc, tvb, o + 16, 4, tvb.u32(o + 16));
  tree.add(F.zdst, tvb, o + 20, 4, tvb.u32(o + 20));
  tree.pop();
  // Another family's payload is left undecoded, with no data layer (as Wireshark).
  const payload = tvb.sub(o + HEADER);
  if (family !== FAMILY.INET && family !== FAMILY.INET6) return tvb.remaining(o);
  const type = family === FAMILY.INET ? 0x0800 : 0x86dd;
  if (pinfo.registry.call('etherType', type, payload, pinfo, tree) < 0) dissectData(payload, pinfo, tree);
  return tvb.remaining(o);
}

export const ipnetModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('linkType', LinkType.IPNET, dissectIpnet);
  },
};
