// Locator/ID Separation Protocol control messages (RFC 6830/6833) on UDP 4342: the header, and
// the mapping and locator records of Map-Reply, Map-Register and Map-Notify, as tshark 4.0 shows
// them; bytes after the records go to data, as in Wireshark.
import { dissectData } from './data.ts';
import { bool, bytes, fields, hex, ipv4, ipv6, names, proto, str, text, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { formatIPv4, formatIPv6 } from '../format/address.ts';

const TYPES = names({
  0: 'Reserved',
  1: 'Map-Request',
  2: 'Map-Reply',
  3: 'Map-Register',
  4: 'Map-Notify',
  5: 'Map-Referral',
  6: 'Info',
  8: 'Encapsulated Control Message',
});
const AFIS = names({
  1: 'IPv4',
  2: 'IPv6',
  16387: 'LISP Canonical Address Format (LCAF)',
  16389: '48-bit MAC',
});
const ACTIONS = names({ 0: 'No-Action', 1: 'Natively-Forward', 2: 'Send-Map-Request', 3: 'Drop' });

export const F = fields('lisp', {
  '': proto('Locator/ID Separation Protocol'),
  type: uint('Type', 24, { mask: 0xf00000, strings: TYPES }),
  records: uint('Record Count', 8),
  nonce: hex('Nonce', 64),
  keyid: hex('Key ID', 16),
  authlen: uint('Authentication Data Length', 16),
  auth: bytes('Authentication Data'),
  'mreg.flags.wmn': bool('M bit (Want-Map-Notify)', 24, 0x1),
  xtrid: bytes('xTR-ID'),
  siteid: bytes('Site-ID'),
  mapping: text('Mapping Record'),
  'mapping.ttl': uint('Record TTL', 32),
  'mapping.loccnt': uint('Locator Count', 8),
  'mapping.eid.masklen': uint('EID Mask Length', 8),
  'mapping.act': uint('Action', 16, { mask: 0xe000, strings: ACTIONS }),
  'mapping.auth': bool('Authoritative bit', 16, 0x1000),
  'mapping.ver': uint('Mapping Version', 16, { mask: 0x0fff }),
  'mapping.eid.afi': uint('EID Prefix AFI', 16, { strings: AFIS }),
  'mapping.eid.ipv4': ipv4('EID Prefix'),
  'mapping.eid.ipv6': ipv6('EID Prefix'),
  loc: text('Locator Record'),
  'loc.priority': uint('Priority', 8),
  'loc.weight': uint('Weight', 8),
  'loc.multicast_priority': uint('Multicast Priority', 8),
  'loc.multicast_weight': uint('Multicast Weight', 8),
  'loc.flags': hex('Flags', 16),
  'loc.flags.local': bool('Local', 16, 0x4),
  'loc.flags.probe': bool('Probe', 16, 0x2),
  'loc.flags.reach': bool('Reachable', 16, 0x1),
  'loc.afi': uint('AFI', 16, { strings: AFIS }),
  'loc.locator': str('Locator'),
});

export function dissectLISP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('lisp');
  pinfo.setProto('LISP');
  const w = tvb.u32(o);
  const type = w >>> 28;
  if (pinfo.wantInfo) pinfo.setInfo(TYPES.get(type) ?? `Unknown LISP Control Packet (${type})`);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  let p = o;
  try {
    tree.add(F.type, tvb, o, 3, type);
    const count = w & 0xff;
    if (type >= 1 && type <= 4) {
      tree.add(F.records, tvb, o + 3, 1, count);
      tree.add(F.nonce, tvb, o + 4, 8, tvb.u64(o + 4));
      p = o + 12;
    }
    if (type === 3 || type === 4) {
      tree.add(F.keyid, tvb, p, 2, tvb.u16(p));
      const alen = tvb.u16(p + 2);
      tree.add(F.authlen, tvb, p + 2, 2, alen);
      tvb.need(p + 4, alen);
      if (alen > 0) tree.add(F.auth, tvb, p + 4, alen);
      p += 4 + alen;
    }
    if (type >= 2 && type <= 4) {
      for (let i = 1; i <= count; i++) p = mapping(tvb, tree, p, i, type === 4);
    } else p = tvb.reportedEnd;
    // The I bit of a register or notify: an xTR-ID and a site ID follow the records.
    const xtr = (type === 3 && (w & 0x02000000) !== 0) || (type === 4 && (w & 0x08000000) !== 0);
    if (xtr) {
      tvb.need(p, 24);
      tree.add(F.xtrid, tvb, p, 16);
      tree.add(F.siteid, tvb, p + 16, 8);
      p += 24;
    }
  } catch (err) {
    pinfo.currentProto ||= 'LISP Control';
    throw err;
  } finally {
    tree.pop();
  }
  if (tvb.reportedRemaining(p) > 0) dissectData(tvb.sub(p), pinfo, tree);
  return tvb.remaining(o);
}

function address(tvb: Tvb, at: number, afi: number): { text: string; size: number } {
  if (afi === 1) return { text: formatIPv4(tvb.u32(at)), size: 4 };
  if (afi === 2) {
    tvb.need(at, 16);
    return { text: formatIPv6(tvb.bytes, at), size: 16 };
  }
  return { text: '', size: 0 };
}

function mapping(tvb: Tvb, tree: Tree, p: number, n: number, notify: boolean): number {
  const ttl = tvb.u32(p);
  const locs = tvb.u8(p + 4);
  const mask = tvb.u8(p + 5);
  const flags = tvb.u16(p + 6);
  const afi = tvb.u16(p + 10);
  const eid = address(tvb, p + 12, afi);
  const act = flags >> 13;
  tree.push(F.mapping, tvb, p, 12 + eid.size);
  const node = tree.current();
  if (node && tree.full) {
    node.label = `Mapping Record ${n}, EID Prefix: ${eid.text}/${mask}, TTL: ${ttl}, Action: ${ACTIONS.get(act) ?? 'Unknown'}${flags & 0x1000 ? ', Authoritative' : ''}`;
  }
  tree.add(F['mapping.ttl'], tvb, p, 4, ttl);
  tree.add(F['mapping.loccnt'], tvb, p + 4, 1, locs);
  tree.add(F['mapping.eid.masklen'], tvb, p + 5, 1, mask);
  tree.add(F['mapping.act'], tvb, p + 6, 2, act);
  if (!notify) tree.add(F['mapping.auth'], tvb, p + 6, 2, (flags & 0x1000) !== 0);
  tree.add(F['mapping.ver'], tvb, p + 8, 2, tvb.u16(p + 8) & 0x0fff);
  tree.add(F['mapping.eid.afi'], tvb, p + 10, 2, afi);
  if (afi === 1) tree.add(F['mapping.eid.ipv4'], tvb, p + 12, 4, tvb.u32(p + 12));
  else if (afi === 2) tree.add(F['mapping.eid.ipv6'], tvb, p + 12, 16);
  let q = p + 12 + eid.size;
  for (let i = 1; i <= locs; i++) {
    const lafi = tvb.u16(q + 6);
    const loc = address(tvb, q + 8, lafi);
    const lflags = tvb.u16(q + 4);
    tree.push(F.loc, tvb, q, 8 + loc.size);
    if (tree.full) {
      tree.label(
        `Locator Record ${i}, RLOC: ${loc.text}, ${lflags & 1 ? 'Reachable' : 'Unreachable'}, Priority/Weight: ${tvb.u8(q)}/${tvb.u8(q + 1)}, Multicast Priority/Weight: ${tvb.u8(q + 2)}/${tvb.u8(q + 3)}`,
      );
    }
    tree.add(F['loc.priority'], tvb, q, 1, tvb.u8(q));
    tree.add(F['loc.weight'], tvb, q + 1, 1, tvb.u8(q + 1));
    tree.add(F['loc.multicast_priority'], tvb, q + 2, 1, tvb.u8(q + 2));
    tree.add(F['loc.multicast_weight'], tvb, q + 3, 1, tvb.u8(q + 3));
    tree.push(F['loc.flags'], tvb, q + 4, 2, lflags);
    tree.add(F['loc.flags.local'], tvb, q + 4, 2, (lflags & 4) !== 0);
    tree.add(F['loc.flags.probe'], tvb, q + 4, 2, (lflags & 2) !== 0);
    tree.add(F['loc.flags.reach'], tvb, q + 4, 2, (lflags & 1) !== 0);
    tree.pop();
    tree.add(F['loc.afi'], tvb, q + 6, 2, lafi);
    tree.add(F['loc.locator'], tvb, q + 8, loc.size, loc.text);
    tree.pop();
    q += 8 + loc.size;
  }
  if (node) node.length = q - p;
  tree.pop();
  return q;
}

export const lispModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', 4342, dissectLISP);
  },
};
