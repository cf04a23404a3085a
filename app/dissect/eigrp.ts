// Cisco's Enhanced Interior Gateway Routing Protocol (RFC 7868) on IP protocol 88: the header and
// its TLVs (parameters, software version, sequence, multicast sequence, stub, IPv4 and IPv6
// internal and external routes with their legacy metric), as tshark 4.0 shows them.
import { bool, bytes, fields, hex, ipv4, ipv6, names, proto, text, uint } from './field.ts';
import { addChecksum, expectedChecksum } from './checksum.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';
import { formatIPv4, formatIPv6 } from '../format/address.ts';

const OPCODES = names({
  1: 'Update',
  3: 'Query',
  4: 'Reply',
  5: 'Hello',
  6: 'IPX SAP',
  10: 'SIA Query',
  11: 'SIA Reply',
});
const TLV_TYPES = names({
  0x0001: 'Parameters',
  0x0002: 'Authentication',
  0x0003: 'Sequence',
  0x0004: 'Software Version',
  0x0005: 'Next multicast sequence',
  0x0006: 'Stub Options',
  0x0007: 'Peer Termination',
  0x0008: 'Peer TID List',
  0x0102: 'Internal Route(IPv4)',
  0x0103: 'External Route(IPv4)',
  0x0104: 'Community(IPv4)',
  0x0402: 'Internal Route(IPv6)',
  0x0403: 'External Route(IPv6)',
  0x0404: 'Community(IPv6)',
});
const VRIDS = names({ 0: 'Address-Family', 1: 'Multicast-Address-Family', 0x8000: 'Service-Family' });
const CHECKSUM_STATUS = names({ 0: 'Bad', 1: 'Good', 2: 'Unverified' });

export const F = fields('eigrp', {
  '': proto('Cisco EIGRP'),
  version: uint('Version', 8),
  opcode: uint('Opcode', 8, { strings: OPCODES }),
  checksum: hex('Checksum', 16),
  'checksum.status': uint('Checksum Status', 8, { strings: CHECKSUM_STATUS, generated: true }),
  flags: hex('Flags', 32),
  'flags.init': bool('Init', 32, 0x1),
  'flags.condrecv': bool('Conditional Receive', 32, 0x2),
  'flags.restart': bool('Restart', 32, 0x4),
  'flags.eot': bool('End Of Table', 32, 0x8),
  seq: uint('Sequence', 32),
  ack: uint('Acknowledge', 32),
  vrid: uint('Virtual Router ID', 16, { strings: VRIDS }),
  as: uint('Autonomous System', 16),
  _tlv: text('TLV'),
  tlv_type: hex('Type', 16, { strings: TLV_TYPES }),
  'tlv.len': uint('Length', 16),
  'par.k1': uint('K1', 8),
  'par.k2': uint('K2', 8),
  'par.k3': uint('K3', 8),
  'par.k4': uint('K4', 8),
  'par.k5': uint('K5', 8),
  'par.k6': uint('K6', 8),
  'par.holdtime': uint('Hold Time', 16),
  _release: text('EIGRP Release'),
  _tlv_version: text('EIGRP TLV version'),
  'seq.addrlen': uint('Address length', 8),
  'seq.ipv4addr': ipv4('IP Address'),
  'seq.ipv6addr': ipv6('IPv6 Address'),
  next_mcast_seq: uint('Multicast Sequence', 32),
  stub_options: hex('Stub Options', 16),
  'ipv4.nexthop': ipv4('NextHop'),
  'ipv6.nexthop': ipv6('NextHop'),
  _metric: text('Legacy Metric'),
  'old_metric.delay': uint('Scaled Delay', 32),
  'old_metric.bw': uint('Scaled BW', 32),
  'old_metric.mtu': uint('MTU', 24),
  'old_metric.hopcount': uint('Hop Count', 8),
  'old_metric.rel': uint('Reliability', 8),
  'old_metric.load': uint('Load', 8),
  'old_metric.intag': uint('Route Tag', 8),
  _flags: text('Flags'),
  'metric.flags.srcwd': bool('Source Withdraw', 8, 0x1, { tf: ['True', 'False'] }),
  'metric.flags.cd': bool('Candidate Default', 8, 0x2, { tf: ['True', 'False'] }),
  'metric.flags.active': bool('Route is Active', 8, 0x4, { tf: ['True', 'False'] }),
  'metric.flags.repl': bool('Route is Replicated', 8, 0x8, { tf: ['True', 'False'] }),
  'extdata.origrid': ipv4('Originating RouterID'),
  'extdata.as': uint('Originating A.S.', 32),
  'extdata.tag': uint('Administrative Tag', 32),
  'extdata.metric': uint('External Metric', 32),
  'extdata.reserved': uint('Reserved', 16),
  'extdata.proto': uint('External Protocol ID', 8),
  _ext_flags: hex('External Flags', 8),
  'ipv4.prefixlen': uint('Prefix Length', 8),
  'ipv4.destination': ipv4('Destination'),
  'ipv6.prefixlen': uint('Prefix Length', 8),
  'ipv6.destination': ipv6('Destination'),
  _value: bytes('Value'),
});

const FLAG_BITS = [F['flags.init'], F['flags.condrecv'], F['flags.restart'], F['flags.eot']];
const METRIC_FLAGS = [
  F['metric.flags.srcwd'],
  F['metric.flags.cd'],
  F['metric.flags.active'],
  F['metric.flags.repl'],
];

export function dissectEIGRP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('eigrp');
  pinfo.setProto('EIGRP');
  const opcode = tvb.u8(o + 1);
  const ack = tvb.u32(o + 12);
  if (pinfo.wantInfo) {
    const name = OPCODES.get(opcode) ?? `Unknown (0x${opcode.toString(16).padStart(2, '0')})`;
    pinfo.setInfo(opcode === 5 && ack !== 0 ? `${name} (Ack)` : name);
  }
  const len = tvb.reportedRemaining(o);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    tree.add(F.version, tvb, o, 1, tvb.u8(o));
    tree.add(F.opcode, tvb, o + 1, 1, opcode);
    checksum(tvb, pinfo, tree, o, len);
    const flags = tvb.u32(o + 4);
    tree.push(F.flags, tvb, o + 4, 4, flags);
    for (const b of FLAG_BITS) tree.add(b, tvb, o + 4, 4, (flags & (b.mask as number)) !== 0);
    tree.pop();
    tree.add(F.seq, tvb, o + 8, 4, tvb.u32(o + 8));
    tree.add(F.ack, tvb, o + 12, 4, ack);
    const vrid = tvb.u16(o + 16);
    tree.add(F.vrid, tvb, o + 16, 2, vrid);
    if (tree.full) tree.labelLast(`Virtual Router ID: ${vrid} (${VRIDS.get(vrid) ?? 'Unknown'})`);
    tree.add(F.as, tvb, o + 18, 2, tvb.u16(o + 18));
    for (let p = o + 20; tvb.reportedRemaining(p) > 0;) p = tlv(tvb, tree, p);
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

function checksum(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, len: number): void {
  const should = expectedChecksum(tvb, o, len, o + 2);
  addChecksum(pinfo, tree, tvb, o + 2, tvb.u16(o + 2), should, CKSUM, (s) => ({
    severity: 'Warning',
    message: `Bad Checksum [should be ${s}]`,
  }));
}

const CKSUM = { checksum: F.checksum, status: F['checksum.status'] };

/** One TLV; returns the offset after it. */
function tlv(whole: Tvb, tree: Tree, p: number): number {
  const type = whole.u16(p);
  const len = whole.u16(p + 2);
  // Wireshark: a TLV shorter than its header ends the packet as malformed.
  if (len < 4) throw new MalformedError('Malformed Packet', p);
  // The value is read within the TLV's own length (a short one is malformed).
  const tvb = whole.sub(p, len);
  const name = TLV_TYPES.get(type) ?? 'Unknown TLV';
  tree.push(F._tlv, tvb, p, Math.max(len, 4));
  const node = tree.current();
  if (node) node.label = name;
  tree.add(F.tlv_type, tvb, p, 2, type);
  tree.add(F['tlv.len'], tvb, p + 2, 2, len);
  const v = p + 4;
  const end = p + len;
  let summary = '';
  switch (type) {
    case 0x0001:
      tree.add(F['par.k1'], tvb, v, 1, tvb.u8(v));
      tree.add(F['par.k2'], tvb, v + 1, 1, tvb.u8(v + 1));
      tree.add(F['par.k3'], tvb, v + 2, 1, tvb.u8(v + 2));
      tree.add(F['par.k4'], tvb, v + 3, 1, tvb.u8(v + 3));
      tree.add(F['par.k5'], tvb, v + 4, 1, tvb.u8(v + 4));
      tree.add(F['par.k6'], tvb, v + 5, 1, tvb.u8(v + 5));
      tree.add(F['par.holdtime'], tvb, v + 6, 2, tvb.u16(v + 6));
      break;
    case 0x0004: {
      const rmaj = tvb.u8(v);
      const rmin = tvb.u8(v + 1);
      const tmaj = tvb.u8(v + 2);
      const tmin = tvb.u8(v + 3);
      tree.add(F._release, tvb, v, 2);
      if (tree.full) tree.labelLast(`EIGRP Release: ${rmaj}.${String(rmin).padStart(2, '0')}`);
      tree.add(F._tlv_version, tvb, v + 2, 2);
      if (tree.full) tree.labelLast(`EIGRP TLV version: ${tmaj}.${String(tmin).padStart(2, '0')}`);
      summary = `: EIGRP=${rmaj}.${rmin}, TLV=${tmaj}.${tmin}`;
      break;
    }
    case 0x0003:
      for (let q = v; q < end;) {
        const al = tvb.u8(q);
        tree.add(F['seq.addrlen'], tvb, q, 1, al);
        if (al === 4) tree.add(F['seq.ipv4addr'], tvb, q + 1, 4, tvb.u32(q + 1));
        else if (al === 16) {
          tvb.need(q + 1, 16);
          tree.add(F['seq.ipv6addr'], tvb, q + 1, 16);
        }
        q += 1 + al;
      }
      break;
    case 0x0005:
      tree.add(F.next_mcast_seq, tvb, v, 4, tvb.u32(v));
      break;
    case 0x0006:
      tree.add(F.stub_options, tvb, v, 2, tvb.u16(v));
      break;
    case 0x0102:
    case 0x0103:
      summary = route(tvb, tree, v, end, false, type === 0x0103);
      break;
    case 0x0402:
    case 0x0403:
      summary = route(tvb, tree, v, end, true, type === 0x0403);
      break;
    default:
      tvb.need(v, Math.max(0, len - 4));
      if (len > 4) tree.add(F._value, tvb, v, len - 4);
  }
  if (node) node.label = name + summary;
  tree.pop();
  return p + len;
}

function route(tvb: Tvb, tree: Tree, v: number, end: number, v6: boolean, external: boolean): string {
  let q = v;
  if (v6) {
    tvb.need(q, 16);
    tree.add(F['ipv6.nexthop'], tvb, q, 16);
    q += 16;
  } else {
    tree.add(F['ipv4.nexthop'], tvb, q, 4, tvb.u32(q));
    q += 4;
  }
  if (external) {
    tree.add(F['extdata.origrid'], tvb, q, 4, tvb.u32(q));
    tree.add(F['extdata.as'], tvb, q + 4, 4, tvb.u32(q + 4));
    tree.add(F['extdata.tag'], tvb, q + 8, 4, tvb.u32(q + 8));
    tree.add(F['extdata.metric'], tvb, q + 12, 4, tvb.u32(q + 12));
    tree.add(F['extdata.reserved'], tvb, q + 16, 2, tvb.u16(q + 16));
    tree.add(F['extdata.proto'], tvb, q + 18, 1, tvb.u8(q + 18));
    tree.add(F._ext_flags, tvb, q + 19, 1, tvb.u8(q + 19));
    q += 20;
  }
  tree.push(F._metric, tvb, q, 16);
  tree.add(F['old_metric.delay'], tvb, q, 4, tvb.u32(q));
  tree.add(F['old_metric.bw'], tvb, q + 4, 4, tvb.u32(q + 4));
  tree.add(F['old_metric.mtu'], tvb, q + 8, 3, tvb.u24(q + 8));
  tree.add(F['old_metric.hopcount'], tvb, q + 11, 1, tvb.u8(q + 11));
  tree.add(F['old_metric.rel'], tvb, q + 12, 1, tvb.u8(q + 12));
  tree.add(F['old_metric.load'], tvb, q + 13, 1, tvb.u8(q + 13));
  tree.add(F['old_metric.intag'], tvb, q + 14, 1, tvb.u8(q + 14));
  const flags = tvb.u8(q + 15);
  tree.push(F._flags, tvb, q + 15, 1);
  for (const b of METRIC_FLAGS) tree.add(b, tvb, q + 15, 1, (flags & (b.mask as number)) !== 0);
  tree.pop();
  tree.pop();
  q += 16;
  const out: string[] = [];
  while (q < end) {
    const plen = tvb.u8(q);
    const n = (plen + 7) >> 3;
    tvb.need(q + 1, n);
    if (v6) {
      const a = new Uint8Array(16);
      a.set(tvb.bytes.subarray(q + 1, q + 1 + Math.min(n, 16)));
      tree.add(F['ipv6.prefixlen'], tvb, q, 1, plen);
      tree.add(F['ipv6.destination'], tvb, q + 1, n, formatIPv6(a, 0));
      if (tree.full) tree.labelLast(`Destination: ${formatIPv6(a, 0)}`);
      out.push(`${formatIPv6(a, 0)}/${plen}`);
    } else {
      let a = 0;
      for (let i = 0; i < 4; i++) a = (a << 8) | (i < n ? (tvb.bytes[q + 1 + i] as number) : 0);
      a >>>= 0;
      tree.add(F['ipv4.prefixlen'], tvb, q, 1, plen);
      tree.add(F['ipv4.destination'], tvb, q + 1, n, a);
      out.push(`${formatIPv4(a)}/${plen}`);
    }
    q += 1 + n;
  }
  return out.length ? `  =   ${out.join(', ')}` : '';
}

export const eigrpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('ipProto', 88, dissectEIGRP);
  },
};
