// Internet Group Management Protocol v1, v2 and v3 (RFC 1112, 2236, 3376) on IP protocol 2:
// queries, reports (v3 with group records) and leaves, with tshark 4.0's Info texts.
import { bitPicture } from './field-text.ts';
import { bool, bytes, fields, hex, ipv4, names, proto, text, uint } from './field.ts';
import { expert, onesSum } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { NULL_TREE, type Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { formatIPv4 } from '../format/address.ts';

const TYPES = names({
  0x11: 'Membership Query',
  0x12: 'Membership Report',
  0x16: 'Membership Report',
  0x17: 'Leave Group',
  0x22: 'Membership Report',
});
const RECORD_TYPES = names({
  1: 'Mode Is Include',
  2: 'Mode Is Exclude',
  3: 'Change To Include Mode',
  4: 'Change To Exclude Mode',
  5: 'Allow New Sources',
  6: 'Block Old Sources',
});
const CHECKSUM_STATUS = names({ 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' });

export const F = fields('igmp', {
  '': proto('Internet Group Management Protocol'),
  version: uint('IGMP Version', 8, { generated: true }),
  type: hex('Type', 8, { strings: TYPES }),
  reserved: bytes('Reserved'),
  max_resp: uint('Max Resp Time', 8),
  'max_resp.exp': hex('Exponent', 8, { mask: 0x70 }),
  'max_resp.mant': hex('Mantissa', 8, { mask: 0x0f }),
  checksum: hex('Checksum', 16),
  'checksum.status': uint('Checksum Status', 8, { strings: CHECKSUM_STATUS, generated: true }),
  maddr: ipv4('Multicast Address'),
  s: bool('S', 8, 0x08, {
    tf: ['SUPPRESS router side processing', 'Do not suppress router side processing'],
  }),
  qrv: uint('QRV', 8, { mask: 0x07 }),
  qqic: uint('QQIC', 8),
  num_src: uint('Num Src', 16),
  saddr: ipv4('Source Address'),
  num_grp_recs: uint('Num Group Records', 16),
  _record: text('Group Record'),
  record_type: uint('Record Type', 8, { strings: RECORD_TYPES }),
  aux_data_len: uint('Aux Data Len', 8),
  aux_data: bytes('Aux Data'),
  data: bytes('Data'),
});

export function dissectIGMP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const type = tvb.u8(o);
  if (pinfo.registry.tables.igmpType.has(type)) {
    // Another protocol's message (PIMv1, DVMRP): IGMP shows nothing of its own.
    pinfo.layers.push('igmp');
    return pinfo.registry.call('igmpType', type, tvb, pinfo, tree);
  }
  const len = tvb.reportedRemaining(o);
  let version = 0;
  if (type === 0x11) version = len >= 12 ? 3 : tvb.u8(o + 1) === 0 ? 1 : 2;
  else if (type === 0x12) version = 1;
  else if (type === 0x16 || type === 0x17) version = 2;
  else if (type === 0x22) version = 3;
  pinfo.layers.push('igmp');
  // tshark 4.0 lists igmp twice for the versions it knows (a second handle per version).
  if (version) pinfo.layers.push('igmp');
  pinfo.setProto(version ? `IGMPv${version}` : 'IGMP');
  const wantInfo = pinfo.wantInfo;
  if (wantInfo) pinfo.setInfo(version ? (TYPES.get(type) ?? '') : `Unknown Type:0x${hex2(type)}`);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    if (version) tree.add(F.version, tvb, o, 0, version);
    tree.add(F.type, tvb, o, 1, type);
    if (tree.full && !version) tree.labelLast(`Type: Unknown (0x${hex2(type)})`);
    if (version === 0) {
      if (tvb.remaining(o + 1) > 0) tree.add(F.data, tvb, o + 1, tvb.remaining(o + 1));
      return tvb.remaining(o);
    }
    if (version === 1 || type === 0x22) tree.add(F.reserved, tvb, o + 1, 1);
    else maxResp(tvb, tree, o + 1, version);
    checksum(tvb, pinfo, tree, o, len);
    if (type === 0x22) report(tvb, pinfo, tree, o, wantInfo);
    else if (version === 3) query(tvb, pinfo, tree, o, wantInfo);
    else {
      const group = tvb.u32(o + 4);
      tree.add(F.maddr, tvb, o + 4, 4, group);
      if (wantInfo) {
        if (type === 0x11 && version === 2) {
          pinfo.setInfo(
            `Membership Query, ${group === 0 ? 'general' : `specific for group ${formatIPv4(group)}`}`,
          );
        } else if (version === 2) {
          pinfo.setInfo(`${type === 0x17 ? 'Leave Group' : 'Membership Report group'} ${formatIPv4(group)}`);
        }
      }
    }
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

function maxResp(tvb: Tvb, tree: Tree, at: number, version: number): void {
  const v = tvb.u8(at);
  if (version === 3 && v & 0x80) {
    const exp = (v >> 4) & 7;
    const mant = v & 0x0f;
    const tenths = (mant | 0x10) << (exp + 3);
    tree.push(F.max_resp, tvb, at, 1, tenths);
    if (tree.full) tree.label(`Max Resp Time: ${(tenths / 10).toFixed(1)} sec (0x${hex2(v)})`);
    tree.add(F['max_resp.exp'], tvb, at, 1, exp);
    if (tree.full) tree.labelLast(`${bitPicture(F['max_resp.exp'], exp)} = Exponent: 0x${exp.toString(16)}`);
    tree.add(F['max_resp.mant'], tvb, at, 1, mant);
    if (tree.full)
      tree.labelLast(`${bitPicture(F['max_resp.mant'], mant)} = Mantissa: 0x${mant.toString(16)}`);
    tree.pop();
    return;
  }
  tree.add(F.max_resp, tvb, at, 1, v);
  if (tree.full) tree.labelLast(`Max Resp Time: ${(v / 10).toFixed(1)} sec (0x${hex2(v)})`);
}

function checksum(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, len: number): void {
  const sum = tvb.u16(o + 2);
  const h = `0x${sum.toString(16).padStart(4, '0')}`;
  if (tree === NULL_TREE) return;
  if (len < 8 || !tvb.has(o, len)) {
    tree.add(F.checksum, tvb, o + 2, 2, sum);
    if (tree.full) tree.labelLast(`Checksum: ${h} [unverified]`);
    tree.add(F['checksum.status'], tvb, o + 2, 0, 2);
    if (tree.full) tree.labelLast('[Checksum Status: Unverified]');
    return;
  }
  if (onesSum(tvb.bytes, o, len) === 0xffff) {
    tree.add(F.checksum, tvb, o + 2, 2, sum);
    if (tree.full) tree.labelLast(`Checksum: ${h} [correct]`);
    tree.add(F['checksum.status'], tvb, o + 2, 0, 1);
    if (tree.full) tree.labelLast('[Checksum Status: Good]');
    return;
  }
  const rest = onesSum(tvb.bytes, o, 2, onesSum(tvb.bytes, o + 4, len - 4));
  const should = `0x${(~rest & 0xffff).toString(16).padStart(4, '0')}`;
  tree.push(F.checksum, tvb, o + 2, 2, sum);
  if (tree.full) tree.label(`Checksum: ${h} incorrect, should be ${should}`);
  expert(pinfo, tree, tvb, o + 2, 2, 'Error', 'Checksum', 'Bad checksum');
  tree.pop();
  tree.add(F['checksum.status'], tvb, o + 2, 0, 0);
  if (tree.full) tree.labelLast('[Checksum Status: Bad]');
}

function sourceList(tvb: Tvb, tree: Tree, at: number, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = tvb.u32(at + 4 * i);
    tree.add(F.saddr, tvb, at + 4 * i, 4, a);
    out.push(formatIPv4(a));
  }
  return out;
}

function query(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, wantInfo: boolean): void {
  const group = tvb.u32(o + 4);
  tree.add(F.maddr, tvb, o + 4, 4, group);
  const b = tvb.u8(o + 8);
  tree.add(F.s, tvb, o + 8, 1, (b & 0x08) !== 0);
  tree.add(F.qrv, tvb, o + 8, 1, b & 0x07);
  tree.add(F.qqic, tvb, o + 9, 1, tvb.u8(o + 9));
  const n = tvb.u16(o + 10);
  tree.add(F.num_src, tvb, o + 10, 2, n);
  const sources = sourceList(tvb, tree, o + 12, n);
  if (!wantInfo) return;
  let info = `Membership Query, ${group === 0 ? 'general' : `specific for group ${formatIPv4(group)}`}`;
  if (n > 0) info += `, source${n === 1 ? '' : 's'} {${sources.join(', ')}}`;
  pinfo.setInfo(info);
}

function report(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, wantInfo: boolean): void {
  tree.add(F.reserved, tvb, o + 4, 2);
  const count = tvb.u16(o + 6);
  tree.add(F.num_grp_recs, tvb, o + 6, 2, count);
  let info = 'Membership Report';
  let p = o + 8;
  for (let i = 0; i < count; i++) {
    const type = tvb.u8(p);
    const aux = tvb.u8(p + 1);
    const n = tvb.u16(p + 2);
    const group = tvb.u32(p + 4);
    const size = 8 + 4 * n + 4 * aux;
    tree.push(F._record, tvb, p, size);
    if (tree.full) tree.label(`Group Record : ${formatIPv4(group)}  ${RECORD_TYPES.get(type) ?? 'Unknown'}`);
    tree.add(F.record_type, tvb, p, 1, type);
    tree.add(F.aux_data_len, tvb, p + 1, 1, aux);
    tree.add(F.num_src, tvb, p + 2, 2, n);
    tree.add(F.maddr, tvb, p + 4, 4, group);
    const sources = sourceList(tvb, tree, p + 8, n);
    if (aux > 0) tree.add(F.aux_data, tvb, p + 8 + 4 * n, 4 * aux);
    tree.pop();
    if (wantInfo) info += ` / ${recordText(type, formatIPv4(group), sources)}`;
    p += size;
  }
  if (wantInfo) pinfo.setInfo(info);
}

/** How tshark 4.0 summarises one v3 group record. */
function recordText(type: number, group: string, sources: string[]): string {
  const n = sources.length;
  const list = `{${sources.join(', ')}}`;
  const s = n === 1 ? '' : 's';
  if (n === 0) {
    switch (type) {
      case 2:
      case 4:
        return `Join group ${group} for any sources`;
      case 1:
      case 3:
        return `Leave group ${group}`;
      case 5:
        return `Group ${group}, ALLOW_NEW_SOURCES but no source specified (?)`;
      case 6:
        return `Group ${group}, BLOCK_OLD_SOURCES but no source specified (?)`;
      default:
        return `Group ${group}, unknown record type (?)`;
    }
  }
  switch (type) {
    case 2:
    case 4:
      return `Join group ${group}, for sources not in ${list}`;
    case 1:
    case 3:
      return `Join group ${group} for source${s} ${list}`;
    case 5:
      return `Group ${group}, new source${s} ${list}`;
    case 6:
      return `Group ${group}, block source${s} ${list}`;
    default:
      return `Group ${group}, unknown record type (?)`;
  }
}

export const igmpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('ipProto', 2, dissectIGMP);
  },
};
