// Arista Vendor Specific Protocol (ethertype 0xD28B): a subtype and version, a timestamp (64-bit
// for versions 1 and 11, 48-bit for 2 and 12), then the ethertype of the frame it tags.
import { dispatchEthertype, ETHERTYPE_NAMES } from './ethertype.ts';
import { fields, hex, names, proto, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const SUBTYPE_TIMESTAMP = 1;

export const F = fields('avsp', {
  '': proto('Arista Vendor Specific Protocol'),
  subtype: uint('Sub Type', 16, { strings: names({ [SUBTYPE_TIMESTAMP]: 'timestamp' }) }),
  version: hex('Version', 16),
  'ts.sec': uint('Seconds', 32),
  'ts.nsec': uint('Nanoseconds', 32),
  etype: hex('Type', 16, { strings: ETHERTYPE_NAMES }),
});

export function dissectAvsp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('avsp');
  pinfo.setProto('AVSP');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  const subtype = tvb.u16(o);
  tree.add(F.subtype, tvb, o, 2, subtype);
  let p = o + 2;
  if (subtype === SUBTYPE_TIMESTAMP) {
    const version = tvb.u16(p);
    tree.add(F.version, tvb, p, 2, version);
    p += 2;
    // Versions 1 and 11 carry 32-bit seconds, 2 and 12 16-bit seconds.
    const secondsLength = (version & 0x00f0) === 0x0010 ? 4 : 2;
    tree.add(F['ts.sec'], tvb, p, secondsLength, secondsLength === 4 ? tvb.u32(p) : tvb.u16(p));
    p += secondsLength;
    tree.add(F['ts.nsec'], tvb, p, 4, tvb.u32(p));
    p += 4;
  }
  const type = tvb.u16(p);
  tree.add(F.etype, tvb, p, 2, type);
  tree.pop(p + 2 - o);
  const used = dispatchEthertype(type, tvb.sub(p + 2), pinfo, tree);
  return p + 2 - o + used;
}

export const avspModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('etherType', 0xd28b, dissectAvsp);
  },
};
