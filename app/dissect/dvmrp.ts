// Distance Vector Multicast Routing Protocol v3 (draft-ietf-idmr-dvmrp-v3), carried as IGMP type
// 0x13 (mrinfo and friends): the header with its code, checksum and versions, as tshark 4.0 shows
// it (`V3 Ask Neighbors 2`); the bodies are left undecoded.
import { bytes, fields, hex, names, proto, uint } from './field.ts';
import { onesSum } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const CODES = names({
  1: 'Probe',
  2: 'Report',
  3: 'Ask Neighbors',
  4: 'Neighbors',
  5: 'Ask Neighbors 2',
  6: 'Neighbors 2',
  7: 'Prune',
  8: 'Graft',
  9: 'Graft ACK',
});
const CHECKSUM_STATUS = names({ 0: 'Bad', 1: 'Good', 2: 'Unverified' });

export const F = fields('dvmrp', {
  '': proto('Distance Vector Multicast Routing Protocol'),
  version: uint('DVMRP Version', 8),
  type: hex('Type', 8, { strings: names({ 0x13: 'DVMRP' }) }),
  'v3.code': hex('Code', 8, { strings: CODES }),
  checksum: hex('Checksum', 16),
  'checksum.status': uint('Checksum Status', 8, { strings: CHECKSUM_STATUS, generated: true }),
  reserved: hex('Reserved', 16),
  min_ver: hex('Minor Version', 8),
  maj_ver: hex('Major Version', 8),
  _data: bytes('Data'),
});

export function dissectDVMRP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('dvmrp');
  pinfo.setProto('DVMRP');
  const code = tvb.u8(o + 1);
  if (pinfo.wantInfo)
    pinfo.setInfo(`V3 ${CODES.get(code) ?? `Unknown (0x${code.toString(16).padStart(2, '0')})`}`);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    tree.add(F.version, tvb, o, 0, 3);
    tree.add(F.type, tvb, o, 1, tvb.u8(o));
    tree.add(F['v3.code'], tvb, o + 1, 1, code);
    const sum = tvb.u16(o + 2);
    const len = tvb.reportedRemaining(o);
    const h = `0x${sum.toString(16).padStart(4, '0')}`;
    const good = tvb.has(o, len) ? onesSum(tvb.bytes, o, len) === 0xffff : null;
    tree.add(F.checksum, tvb, o + 2, 2, sum);
    if (tree.full)
      tree.labelLast(`Checksum: ${h} [${good === null ? 'unverified' : good ? 'correct' : 'incorrect'}]`);
    const status = good === null ? 2 : good ? 1 : 0;
    tree.add(F['checksum.status'], tvb, o + 2, 0, status);
    if (tree.full) tree.labelLast(`[Checksum Status: ${CHECKSUM_STATUS.get(status) ?? ''}]`);
    tree.add(F.reserved, tvb, o + 4, 2, tvb.u16(o + 4));
    tree.add(F.min_ver, tvb, o + 6, 1, tvb.u8(o + 6));
    tree.add(F.maj_ver, tvb, o + 7, 1, tvb.u8(o + 7));
    const rest = tvb.remaining(o + 8);
    if (rest > 0) tree.add(F._data, tvb, o + 8, rest);
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

export const dvmrpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('igmpType', 0x13, dissectDVMRP);
  },
};
