// Protocol Independent Multicast: PIMv2 on IP protocol 103 (RFC 7761, 5015, 5059: hello options,
// register with the packet it carries, register-stop, join/prune, bootstrap, assert, graft,
// candidate-RP advertisement, DF election) and PIMv1 inside IGMP (type 0x14), as tshark 4.0 shows
// them. A register's inner packet is dissected behind columns that stay PIM's, as Wireshark does.
import { noteFault } from './dissect.ts';
import { bitPicture } from './field-text.ts';
import { bool, bytes, fields, hex, ipv4, ipv6, names, proto, text, uint, type FieldDef } from './field.ts';
import { addChecksum, expectedChecksum, pseudoHeaderSum } from './checksum.ts';
import { expert, ipLayer } from './ip-proto.ts';
import { AddrKind, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { FieldNode, Tree } from './tree.ts';
import { MalformedError, TruncatedError, type Tvb } from './tvb.ts';
import { formatIPv4, formatIPv6 } from '../format/address.ts';

const TYPES = names({
  0: 'Hello',
  1: 'Register',
  2: 'Register-stop',
  3: 'Join/Prune',
  4: 'Bootstrap',
  5: 'Assert',
  6: 'Graft',
  7: 'Graft-Ack',
  8: 'Candidate-RP-Advertisement',
  9: 'State-Refresh',
  10: 'DF election',
  11: 'ECMP Redirect',
  12: 'PIM Flooding Mechanism',
});
const V1_CODES = names({
  0: 'Query',
  1: 'Register',
  2: 'Register-stop',
  3: 'Join/Prune',
  4: 'RP-Reachable',
  5: 'Assert',
  6: 'Graft',
  7: 'Graft-Ack',
  8: 'Mode',
});
const DF_SUBTYPES = names({ 1: 'offer', 2: 'winner', 3: 'backoff', 4: 'pass' });
const FAMILIES = names({ 1: 'IPv4', 2: 'IPv6' });
const ENCODINGS = names({ 0: 'Native', 1: 'Join Attribute' });
const IP_VERSIONS = names({ 0: 'Dummy Header', 4: 'IPv4', 6: 'IPv6' });
const CHECKSUM_STATUS = names({ 0: 'Bad', 1: 'Good', 2: 'Unverified' });
const OPTIONS = names({
  1: 'Hold Time',
  2: 'LAN Prune Delay',
  18: 'Deprecated and should not be used',
  19: 'DR Priority',
  20: 'Generation ID',
  21: 'State-Refresh',
  22: 'Bidirectional Capable',
  24: 'Address List',
  26: 'Join Attribute',
  65001: 'Address List',
});

export const F = fields('pim', {
  '': proto('Protocol Independent Multicast'),
  version: uint('Version', 8, { mask: 0xf0 }),
  type: uint('Type', 8, { mask: 0x0f, strings: TYPES }),
  'df_elect.subtype': uint('DF Subtype', 8, { mask: 0xf0, strings: DF_SUBTYPES }),
  'df_elect.rsvd': uint('DF reserved', 8, { mask: 0x0f }),
  igmp_type: text('Type'),
  code: uint('Code', 8, { strings: V1_CODES }),
  cksum: hex('Checksum', 16),
  'cksum.status': uint('Checksum Status', 8, { strings: CHECKSUM_STATUS, generated: true }),
  res_bytes: bytes('Reserved byte(s)'),
  option: text('PIM Options'),
  _option: text('Option'),
  optiontype: uint('Type', 16),
  optionlength: uint('Length', 16),
  optionvalue: bytes('Unknown'),
  register_flag: hex('Flags', 32),
  'register_flag.border': bool('Border', 32, 0x80000000, { tf: ['Yes', 'No'] }),
  'register_flag.null_register': bool('Null-Register', 32, 0x40000000, { tf: ['Yes', 'No'] }),
  mode: uint('Mode', 8, { mask: 0xf0 }),
  holdtime: uint('Holdtime', 16),
  numgroups: uint('Num Groups', 8),
  numjoins: uint('Num Joins', 16),
  numprunes: uint('Num Prunes', 16),
  t: bool('T', 8, 0x80, { tf: ['True', 'False'] }),
  propagation_delay: uint('Propagation Delay', 16, { mask: 0x7fff }),
  override_interval: uint('Override Interval', 16),
  dr_priority: uint('DR Priority', 32),
  generation_id: uint('Generation ID', 32),
  state_refresh_version: uint('Version', 8),
  state_refresh_interval: uint('Interval', 8),
  state_refresh_reserved: uint('Reserved', 16),
  rpt: bool('RP Tree', 8, 0x80, { tf: ['True', 'False'] }),
  metric_pref: uint('Metric Preference', 32, { mask: 0x7fffffff }),
  metric: uint('Metric', 32),
  ip_version: uint('IP Version', 8, { mask: 0xf0, strings: IP_VERSIONS }),
  dummy_header: text('Dummy Header'),
  source: ipv4('Source'),
  source_ip6: ipv6('Source'),
  group: ipv4('Group'),
  group_mask: ipv4('Mask'),
  group_ip6: ipv6('Group'),
  upstream_neighbor: ipv4('Upstream-neighbor'),
  upstream_neighbor_ip6: ipv6('Upstream-neighbor'),
  join_ip: ipv4('IP address'),
  join_ip6: ipv6('IP address'),
  prune_ip: ipv4('IP address'),
  prune_ip6: ipv6('IP address'),
  address_list: ipv4('Address'),
  address_list_ip6: ipv6('Address'),
  bsr: ipv4('BSR'),
  bsr_ip6: ipv6('BSR'),
  rp: ipv4('RP'),
  rp_ip6: ipv6('RP'),
  group_address: ipv4('Group Address'),
  fragment_tag: hex('Fragment tag', 16),
  hash_mask_len: uint('Hash mask len', 8),
  bsr_priority: uint('BSR priority', 8),
  rp_count: uint('RP count', 8),
  frp_count: uint('FRP count', 8),
  priority: uint('Priority', 8),
  prefix_count: uint('Prefix-count', 8),
  mask_len: uint('Masklen', 8),
  addr_address_family: uint('Address Family', 8, { strings: FAMILIES }),
  addr_encoding_type: uint('Encoding Type', 8, { strings: ENCODINGS }),
  unicast: ipv4('Unicast'),
  unicast_ipv6: ipv6('Unicast'),
  'group_addr.flags': hex('Flags', 8),
  'group_addr.flags.b': bool('Bidirectional PIM', 8, 0x80),
  'group_addr.flags.reserved': hex('Reserved', 8, { mask: 0x7e }),
  'group_addr.flags.z': bool('Admin Scope Zone', 8, 0x01),
  'source_addr.flags': hex('Flags', 8),
  'source_addr.flags.reserved': hex('Reserved', 8, { mask: 0xf8 }),
  'source_addr.flags.s': bool('Sparse', 8, 0x04),
  'source_addr.flags.w': bool('WildCard', 8, 0x02),
  'source_addr.flags.r': bool('Rendezvous Point Tree', 8, 0x01),
  _group: text('Group'),
  srccount: uint('Source Count', 16),
});

/** PIMv2 on IP protocol 103. */
export function dissectPIM(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  pinfo.layers.push('pim');
  try {
    return pimV2(tvb, pinfo, tree);
  } catch (err) {
    // A fault below names PIM, whatever version the Protocol column shows.
    pinfo.currentProto ||= 'PIM';
    throw err;
  }
}

function hello(tvb: Tvb, tree: Tree, p: number, optNode: FieldNode | null): void {
  let n = 0;
  while (tvb.reportedRemaining(p) > 0) {
    p = helloOption(tvb, tree, p);
    n++;
  }
  if (optNode) optNode.label = `PIM Options: ${n}`;
}

/**
 * A Register cut short after its flags: the fault, with Info as it was (Wireshark locks the
 * columns before it reads on).
 */
function registerCutShort(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number): void {
  const info = pinfo.info;
  tree.unwind();
  pinfo.currentProto = 'PIM';
  noteFault(
    tvb.reportedRemaining(p) > 0 ? new TruncatedError(p) : new MalformedError('Malformed Packet', p),
    tvb,
    pinfo,
    tree,
  );
  pinfo.currentProto = '';
  pinfo.info = info;
}

/**
 * Register: flags, then the packet it carries. True when it closed the PIM tree itself (a fault,
 * or the inner packet, which goes at the top level).
 */
function register(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number): boolean {
  const flags = tvb.u32(p);
  tree.push(F.register_flag, tvb, p, 4, flags);
  tree.add(F['register_flag.border'], tvb, p, 4, (flags & 0x80000000) !== 0);
  tree.add(F['register_flag.null_register'], tvb, p, 4, (flags & 0x40000000) !== 0);
  tree.pop();
  p += 4;
  if (!tvb.has(p, 1)) {
    registerCutShort(tvb, pinfo, tree, p);
    return true;
  }
  const ipv = tvb.u8(p) >> 4;
  tree.add(F.ip_version, tvb, p, 1, ipv);
  if (ipv === 0) {
    tree.add(F.dummy_header, tvb, p, tvb.remaining(p));
    return false;
  }
  if (ipv !== 4 && ipv !== 6) {
    expert(pinfo, tree, tvb, p, 1, 'Error', 'Malformed', `Unknown IP version ${ipv}`);
    return false;
  }
  // The inner packet goes at the top level of the tree (Wireshark's pim.payload_tree).
  tree.pop();
  tree.pop();
  registerPayload(tvb.sub(p), pinfo, tree, ipv === 4 ? 0x0800 : 0x86dd);
  return true;
}

/**
 * Bootstrap: the BSR, then each group with its RPs. Where the RPs' reserved bytes are goes to
 * `trailing`, for the caller to add at the end of the PIM item.
 */
function bootstrap(tvb: Tvb, tree: Tree, p: number, trailing: number[]): void {
  tree.add(F.fragment_tag, tvb, p, 2, tvb.u16(p));
  tree.add(F.hash_mask_len, tvb, p + 2, 1, tvb.u8(p + 2));
  tree.add(F.bsr_priority, tvb, p + 3, 1, tvb.u8(p + 3));
  p = encodedUnicast(tvb, tree, p + 4, F.bsr, F.bsr_ip6, 'BSR');
  // tshark 4.0's layout: counts and priorities under the group, each RP and its hold
  // time beside it, the RPs' reserved bytes at the end of the PIM item.
  for (let g = 0; tvb.reportedRemaining(p) > 0; g++) {
    p = groupAddr(tvb, tree, p, F.group, F.group_ip6, `Group ${g}`);
    const groupNode = tree.full ? lastChild(tree) : null;
    const frps = tvb.u8(p + 1);
    tree.reopen(groupNode);
    tree.add(F.rp_count, tvb, p, 1, tvb.u8(p));
    tree.add(F.frp_count, tvb, p + 1, 1, frps);
    tree.pop();
    p += 4;
    for (let i = 0; i < frps; i++) {
      p = encodedUnicast(tvb, tree, p, F.rp, F.rp_ip6, `RP ${i}`);
      tree.add(F.holdtime, tvb, p, 2, tvb.u16(p));
      tree.reopen(groupNode);
      tree.add(F.priority, tvb, p + 2, 1, tvb.u8(p + 2));
      tree.pop();
      trailing.push(p + 3);
      p += 4;
    }
  }
}

function assertMessage(tvb: Tvb, tree: Tree, p: number): void {
  p = groupAddr(tvb, tree, p, F.group, F.group_ip6, 'Group');
  p = encodedUnicast(tvb, tree, p, F.source, F.source_ip6, 'Source');
  const pref = tvb.u32(p);
  tree.add(F.rpt, tvb, p, 1, (pref & 0x80000000) !== 0);
  tree.add(F.metric_pref, tvb, p, 4, pref & 0x7fffffff);
  tree.add(F.metric, tvb, p + 4, 4, tvb.u32(p + 4));
}

function candidateRpAdvertisement(tvb: Tvb, tree: Tree, p: number): void {
  const n = tvb.u8(p);
  tree.add(F.prefix_count, tvb, p, 1, n);
  tree.add(F.priority, tvb, p + 1, 1, tvb.u8(p + 1));
  tree.add(F.holdtime, tvb, p + 2, 2, tvb.u16(p + 2));
  p = encodedUnicast(tvb, tree, p + 4, F.rp, F.rp_ip6, 'RP');
  for (let i = 0; i < n; i++) p = groupAddr(tvb, tree, p, F.group, F.group_ip6, `Group ${i}`);
}

function dfElection(tvb: Tvb, tree: Tree, p: number): void {
  p = encodedUnicast(tvb, tree, p, F.rp, F.rp_ip6, 'RP');
  tree.add(F.metric_pref, tvb, p, 4, tvb.u32(p));
  if (tree.full) tree.labelLast(`DF Metric Preference: ${tvb.u32(p)}`);
  tree.add(F.metric, tvb, p + 4, 4, tvb.u32(p + 4));
}

/** The body of every message type but Register, from `p` under the options item. */
function messageBody(
  tvb: Tvb,
  tree: Tree,
  type: number,
  p: number,
  optNode: FieldNode | null,
  trailing: number[],
): void {
  switch (type) {
    case 0:
      return hello(tvb, tree, p, optNode);
    case 2:
      p = groupAddr(tvb, tree, p, F.group, F.group_ip6, 'Group');
      encodedUnicast(tvb, tree, p, F.source, F.source_ip6, 'Source');
      return;
    case 3:
    case 6:
    case 7:
      return joinPrune(tvb, tree, p);
    case 4:
      return bootstrap(tvb, tree, p, trailing);
    case 5:
      return assertMessage(tvb, tree, p);
    case 8:
      return candidateRpAdvertisement(tvb, tree, p);
    case 10:
      return dfElection(tvb, tree, p);
    default:
      return;
  }
}

/** Version, type and the byte after them (a DF Election's subtype, else reserved). */
function typeAndReserved(tvb: Tvb, tree: Tree, o: number, version: number, type: number): void {
  tree.add(F.version, tvb, o, 1, version);
  tree.add(F.type, tvb, o, 1, type);
  if (type === 10) {
    const b = tvb.u8(o + 1);
    tree.add(F['df_elect.subtype'], tvb, o + 1, 1, b >> 4);
    tree.add(F['df_elect.rsvd'], tvb, o + 1, 1, b & 0x0f);
  } else resBytes(tree, tvb, o + 1, 1);
}

function pimV2(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const tv = tvb.u8(o);
  const version = tv >> 4;
  const type = tv & 0x0f;
  pinfo.setProto(`PIMv${version}`);
  if (pinfo.wantInfo) pinfo.setInfo(version === 2 ? (TYPES.get(type) ?? `Unknown (${type})`) : 'Unknown');
  const len = tvb.reportedRemaining(o);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  let open = true;
  try {
    typeAndReserved(tvb, tree, o, version, type);
    const sum = tvb.u16(o + 2);
    if (version !== 2) {
      tree.add(F.cksum, tvb, o + 2, 2, sum);
      return tvb.remaining(o);
    }
    checksum(tvb, pinfo, tree, o, type === 1 ? Math.min(len, 8) : len, sum);
    const p = o + 4;
    if (tvb.reportedRemaining(p) <= 0) return tvb.remaining(o);
    tree.push(F.option, tvb, p, tvb.remaining(p));
    const optNode = tree.current();
    const trailing: number[] = [];
    if (type === 1) {
      if (register(tvb, pinfo, tree, p)) {
        open = false;
        return tvb.remaining(o);
      }
    } else {
      messageBody(tvb, tree, type, p, optNode, trailing);
    }
    tree.pop();
    for (const at of trailing) resBytes(tree, tvb, at, 1);
    tree.pop();
    open = false;
  } finally {
    if (open) {
      tree.pop();
      tree.pop();
    }
  }
  return tvb.remaining(o);
}

/**
 * The packet a register carries, through the ethertype table, with the columns kept (Wireshark
 * makes them unwritable). A fault in it shows at the top level and leaves Info alone.
 */
function registerPayload(inner: Tvb, pinfo: PacketInfo, tree: Tree, etherType: number): void {
  const saved = pinfo.inError;
  pinfo.inError = true;
  const layers = pinfo.layers.length;
  try {
    pinfo.registry.call('etherType', etherType, inner, pinfo, tree);
  } catch (err) {
    if (!(err instanceof TruncatedError || err instanceof MalformedError)) throw err;
    tree.unwind();
    const info = pinfo.info;
    pinfo.currentProto = SHORT_NAMES[pinfo.layers[pinfo.layers.length - 1] ?? ''] ?? 'PIM';
    if (pinfo.layers.length === layers) pinfo.currentProto = 'PIM';
    noteFault(err, inner, pinfo, tree);
    pinfo.currentProto = '';
    pinfo.info = info;
  } finally {
    pinfo.inError = saved;
  }
}

const SHORT_NAMES: Record<string, string> = {
  ip: 'IPv4',
  ipv6: 'IPv6',
  udp: 'UDP',
  tcp: 'TCP',
  icmp: 'ICMP',
  icmpv6: 'ICMPv6',
  pim: 'PIM',
  igmp: 'IGMP',
};

function checksum(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, len: number, sum: number): void {
  if (!tree.full && !tree.wants(F.cksum) && !tree.wants(F['cksum.status'])) return;
  // Over IPv6 the sum includes the pseudo-header; a register's covers only its 8-byte header.
  const pseudo = ipLayer.kind === AddrKind.IPv6 ? pseudoHeaderSum(len, 103) : 0;
  const should =
    pseudo < 0 || ipLayer.kind === AddrKind.None ? null : expectedChecksum(tvb, o, len, o + 2, pseudo);
  addChecksum(pinfo, tree, tvb, o + 2, sum, should, CKSUM, (s) => ({
    severity: 'Error',
    message: `Bad checksum [should be ${s}]`,
  }));
}

const CKSUM = { checksum: F.cksum, status: F['cksum.status'] };

function helloOption(tvb: Tvb, tree: Tree, p: number): number {
  const type = tvb.u16(p);
  const len = tvb.u16(p + 2);
  const v = p + 4;
  tree.push(F._option, tvb, p, 4 + len);
  const node = tree.current();
  tree.add(F.optiontype, tvb, p, 2, type);
  tree.add(F.optionlength, tvb, p + 2, 2, len);
  let label = `Option ${type}: ${OPTIONS.get(type) ?? 'Unknown'}`;
  switch (type) {
    case 1: {
      const h = tvb.u16(v);
      tree.add(F.holdtime, tvb, v, 2, h);
      label += `: ${h}${h === 0xffff ? ' (infinity)' : ''}`;
      break;
    }
    case 2: {
      const w = tvb.u16(v);
      tree.add(F.t, tvb, v, 1, (w & 0x8000) !== 0);
      tree.add(F.propagation_delay, tvb, v, 2, w & 0x7fff);
      tree.add(F.override_interval, tvb, v + 2, 2, tvb.u16(v + 2));
      label += `: T = ${w >> 15}, Propagation Delay = ${w & 0x7fff}ms, Override Interval = ${tvb.u16(v + 2)}ms`;
      break;
    }
    case 19: {
      const d = tvb.u32(v);
      tree.add(F.dr_priority, tvb, v, 4, d);
      label += `: ${d}`;
      break;
    }
    case 20: {
      const g = tvb.u32(v);
      tree.add(F.generation_id, tvb, v, 4, g);
      label += `: ${g}`;
      break;
    }
    case 21: {
      const ver = tvb.u8(v);
      const iv = tvb.u8(v + 1);
      tree.add(F.state_refresh_version, tvb, v, 1, ver);
      tree.add(F.state_refresh_interval, tvb, v + 1, 1, iv);
      tree.add(F.state_refresh_reserved, tvb, v + 2, 2, tvb.u16(v + 2));
      label += `: Version = ${ver}, Interval = ${iv}s`;
      break;
    }
    case 24:
    case 65001: {
      let q = v;
      while (q < v + len) q = encodedUnicast(tvb, tree, q, F.address_list, F.address_list_ip6, 'Address');
      break;
    }
    default:
      tvb.need(v, len);
      if (len > 0) tree.add(F.optionvalue, tvb, v, len);
  }
  if (node && tree.full) node.label = label;
  tree.pop();
  return v + len;
}

/** An encoded-unicast address (family, encoding, address); returns the offset after it. */
function encodedUnicast(tvb: Tvb, tree: Tree, p: number, d4: FieldDef, d6: FieldDef, name: string): number {
  const fam = tvb.u8(p);
  const size = fam === 2 ? 16 : 4;
  const enc = tvb.u8(p + 1);
  tree.push(fam === 2 ? d6 : d4, tvb, p, 2 + size, fam === 2 ? undefined : tvb.u32(p + 2));
  if (fam !== 1 && fam !== 2) {
    tree.pop();
    throw new MalformedError('Malformed Packet', p);
  }
  if (tree.full) tree.label(`${name}: ${addrText(tvb, p + 2, fam)}`);
  tree.add(F.addr_address_family, tvb, p, 1, fam);
  tree.add(F.addr_encoding_type, tvb, p + 1, 1, enc);
  if (fam === 2) tree.add(F.unicast_ipv6, tvb, p + 2, 16);
  else tree.add(F.unicast, tvb, p + 2, 4, tvb.u32(p + 2));
  tree.pop();
  return p + 2 + size;
}

function addrText(tvb: Tvb, at: number, fam: number): string {
  if (fam === 2) {
    tvb.need(at, 16);
    return formatIPv6(tvb.bytes, at);
  }
  return formatIPv4(tvb.u32(at));
}

const GROUP_FLAGS = [F['group_addr.flags.b'], F['group_addr.flags.z']];
const SOURCE_FLAGS = [F['source_addr.flags.s'], F['source_addr.flags.w'], F['source_addr.flags.r']];

/** An encoded-group address; returns the offset after it. */
function groupAddr(tvb: Tvb, tree: Tree, p: number, d4: FieldDef, d6: FieldDef, name: string): number {
  return encodedGroupOrSource(tvb, tree, p, [d4, d6], [F.group, F.group_ip6], name, true);
}

/**
 * An encoded-group or encoded-source address: a subtree (`outer`) holding family, encoding,
 * flags, mask length and the address (`inner`); returns the offset after it.
 */
function encodedGroupOrSource(
  tvb: Tvb,
  tree: Tree,
  p: number,
  outer: readonly [FieldDef, FieldDef],
  inner: readonly [FieldDef, FieldDef],
  name: string,
  group: boolean,
): number {
  const fam = tvb.u8(p);
  if (fam !== 1 && fam !== 2) throw new MalformedError('Malformed Packet', p);
  const v6 = fam === 2;
  const size = v6 ? 16 : 4;
  const enc = tvb.u8(p + 1);
  const flags = tvb.u8(p + 2);
  const mlen = tvb.u8(p + 3);
  const addr = addrText(tvb, p + 4, fam);
  tree.push(v6 ? outer[1] : outer[0], tvb, p, 4 + size, v6 ? undefined : tvb.u32(p + 4));
  if (tree.full) {
    let swr = '';
    if (!group && flags & 0x07) {
      swr = ` (${flags & 4 ? 'S' : ''}${flags & 2 ? 'W' : ''}${flags & 1 ? 'R' : ''})`;
    }
    tree.label(`${name}: ${addr}/${mlen}${swr}`);
  }
  tree.add(F.addr_address_family, tvb, p, 1, fam);
  tree.add(F.addr_encoding_type, tvb, p + 1, 1, enc);
  const defs = group ? GROUP_FLAGS : SOURCE_FLAGS;
  tree.push(group ? F['group_addr.flags'] : F['source_addr.flags'], tvb, p + 2, 1, flags);
  if (tree.full) {
    const set = defs.filter((d) => flags & (d.mask as number)).map((d) => d.name);
    tree.label(`Flags: 0x${hex2(flags)}${set.length ? `, ${set.join(', ')}` : ''}`);
  }
  const reserved = group ? F['group_addr.flags.reserved'] : F['source_addr.flags.reserved'];
  const rv = group ? (flags & 0x7e) >> 1 : flags >> 3;
  if (group) tree.add(F['group_addr.flags.b'], tvb, p + 2, 1, (flags & 0x80) !== 0);
  tree.add(reserved, tvb, p + 2, 1, rv);
  if (tree.full) tree.labelLast(`${bitPicture(reserved, rv)} = Reserved: 0x${hex2(rv)}`);
  if (group) tree.add(F['group_addr.flags.z'], tvb, p + 2, 1, (flags & 0x01) !== 0);
  else for (const d of SOURCE_FLAGS) tree.add(d, tvb, p + 2, 1, (flags & (d.mask as number)) !== 0);
  tree.pop();
  tree.add(F.mask_len, tvb, p + 3, 1, mlen);
  if (v6) tree.add(inner[1], tvb, p + 4, 16);
  else tree.add(inner[0], tvb, p + 4, 4, tvb.u32(p + 4));
  tree.pop();
  return p + 4 + size;
}

function resBytes(tree: Tree, tvb: Tvb, at: number, len: number): void {
  tvb.need(at, len);
  tree.add(F.res_bytes, tvb, at, len);
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

function joinPrune(tvb: Tvb, tree: Tree, p: number): void {
  p = encodedUnicast(tvb, tree, p, F.upstream_neighbor, F.upstream_neighbor_ip6, 'Upstream-neighbor');
  resBytes(tree, tvb, p, 1);
  const groups = tvb.u8(p + 1);
  tree.add(F.numgroups, tvb, p + 1, 1, groups);
  tree.add(F.holdtime, tvb, p + 2, 2, tvb.u16(p + 2));
  p += 4;
  for (let g = 0; g < groups; g++) {
    const start = p;
    tree.push(F._group, tvb, p, 0);
    const node = tree.current();
    if (node) node.label = `Group ${g}`;
    p = groupAddr(tvb, tree, p, F.group, F.group_ip6, `Group ${g}`);
    const joins = tvb.u16(p);
    const prunes = tvb.u16(p + 2);
    let q = p + 4;
    tree.add(F.numjoins, tvb, p, 2, joins);
    tree.reopen(tree.full ? lastChild(tree) : null);
    for (let i = 0; i < joins; i++) q = source(tvb, tree, q, F.join_ip, F.join_ip6);
    tree.pop();
    tree.add(F.numprunes, tvb, p + 2, 2, prunes);
    tree.reopen(tree.full ? lastChild(tree) : null);
    for (let i = 0; i < prunes; i++) q = source(tvb, tree, q, F.prune_ip, F.prune_ip6);
    tree.pop();
    if (node) node.length = q - start;
    tree.pop();
    p = q;
  }
}

/** The node added last under the open subtree (to hang a list under its count). */
function lastChild(tree: Tree): FieldNode | null {
  const kids = tree.current()?.children;
  return kids?.[kids.length - 1] ?? null;
}

function source(tvb: Tvb, tree: Tree, q: number, d4: FieldDef, d6: FieldDef): number {
  return encodedGroupOrSource(tvb, tree, q, [d4, d6], [F.source, F.source_ip6], 'IP address', false);
}

/** PIMv1, carried as IGMP type 0x14 (the `igmpType` table). */
export function dissectPIMv1(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('pim');
  pinfo.setProto('PIMv1');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    tree.add(F.igmp_type, tvb, o, 1);
    if (tree.full) tree.labelLast('Type: PIM (0x14)');
    const code = tvb.u8(o + 1);
    if (pinfo.wantInfo) pinfo.setInfo(V1_CODES.get(code) ?? `Unknown (${code})`);
    tree.add(F.code, tvb, o + 1, 1, code);
    const len = tvb.reportedRemaining(o);
    checksum(tvb, pinfo, tree, o, code === 1 ? Math.min(len, 8) : len, tvb.u16(o + 2));
    const ver = tvb.u8(o + 4) >> 4;
    tree.add(F.version, tvb, o + 4, 1, ver);
    resBytes(tree, tvb, o + 5, 3);
    if (ver !== 1) return tvb.remaining(o);
    let p = o + 8;
    if (tvb.reportedRemaining(p) <= 0) return tvb.remaining(o);
    tree.push(F.option, tvb, p, tvb.remaining(p));
    try {
      switch (code) {
        case 4:
          tree.add(F.group_address, tvb, p, 4, tvb.u32(p));
          tree.add(F.group_mask, tvb, p + 4, 4, tvb.u32(p + 4));
          tree.add(F.rp, tvb, p + 8, 4, tvb.u32(p + 8));
          // tshark shows the hold time, then (at the top) the reserved bytes before it.
          tree.add(F.holdtime, tvb, p + 14, 2, tvb.u16(p + 14));
          p += 12;
          break;
        default:
          break;
      }
    } finally {
      tree.pop();
    }
    if (code === 4) resBytes(tree, tvb, p, 2);
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

export const pimModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('ipProto', 103, dissectPIM);
    reg.register('igmpType', 0x14, dissectPIMv1);
  },
};
