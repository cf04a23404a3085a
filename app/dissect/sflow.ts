// InMon sFlow version 5 on UDP 6343, as tshark 4.0 shows it: the datagram header (IPv4 or IPv6
// agent), flow samples and expanded flow samples with their raw packet header, extended switch
// and extended router records, counters samples and expanded counters samples with generic and
// Ethernet interface counters. The sampled header goes to the Ethernet (or IP) dissector as a
// quote: the columns and addresses stay the datagram's, and a header cut short ends quietly.
// Other record formats show their enterprise, format and length, as Wireshark's defaults do.
import { dissectData } from './data.ts';
import { bitPicture } from './field-text.ts';
import { bool, bytes, fields, hex, ipv4, ipv6, names, proto, text, uint } from './field.ts';
import type { FieldDef } from './field.ts';
import { secondsText } from './icmp.ts';
import { dissectQuoted } from './ip-proto.ts';
import { LinkType } from './link-types.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';

import type { Tree } from './tree.ts';
import { Tvb } from './tvb.ts';
import { formatIPv4, formatIPv6 } from '../format/address.ts';

export const UDP_PORT_SFLOW = 6343;

const SAMPLE_TYPES = names({
  1: 'Flow sample',
  2: 'Counters sample',
  3: 'Expanded flow sample',
  4: 'Expanded counters sample',
  7: 'Lag Port stats',
});
const FLOW_FORMATS = names({
  1: 'Raw packet header',
  2: 'Ethernet frame data',
  3: 'IPv4 data',
  4: 'IPv6 data',
  1001: 'Extended switch data',
  1002: 'Extended router data',
  1003: 'Extended gateway data',
  1004: 'Extended user data',
  1005: 'Extended URL data',
  1006: 'Extended MPLS data',
  1007: 'Extended NAT data',
  1008: 'Extended MPLS tunnel data',
  1009: 'Extended MPLS VC data',
  1010: 'Extended MPLS FEC data',
  1011: 'Extended MPLS LVP FEC data',
  1012: 'Extended VLAN tunnel',
  1013: 'Extended 802.11 payload',
  1014: 'Extended 802.11 RX',
  1015: 'Extended 802.11 TX',
  1016: 'Extended 802.11 aggregation',
});
const COUNTER_FORMATS = names({
  1: 'Generic interface counters',
  2: 'Ethernet interface counters',
  3: 'Token ring counters',
  4: '100 Base VG interface counters',
  5: 'VLAN counters',
  6: 'IEEE 802.11 counters',
  7: 'LAG counters',
  1001: 'Processor information',
  1002: 'Radio utilization',
});
const HEADER_PROTOCOLS = names({
  1: 'Ethernet',
  2: 'Token Bus',
  3: 'Token Ring',
  4: 'FDDI',
  5: 'Frame Relay',
  6: 'X.25',
  7: 'PPP',
  8: 'SMDS',
  9: 'ATM AAL5',
  10: 'ATM AAL5-IP (e.g., Cisco AAL5 mux)',
  11: 'IPv4',
  12: 'IPv6',
  13: 'MPLS',
  14: 'PPP over SONET/SDH (RFC 1662, 2615)',
  15: '802.11 MAC',
  16: '802.11n Aggregated MPDU',
  17: 'A-MSDU Subframe',
});
const UP_DOWN = ['Up', 'Down'] as const;

const F245 = fields('sflow_245', {
  version: uint('Datagram version', 32),
  agenttype: uint('Agent address type', 32, { strings: names({ 1: 'IPv4', 2: 'IPv6' }) }),
  agent: ipv4('Agent address'),
  'agent.v6': ipv6('Agent address'),
  sub_agent_id: uint('Sub-agent ID', 32),
  sequence_number: uint('Sequence number', 32),
  sysuptime: uint('SysUptime', 32),
  numsamples: uint('NumSamples', 32),
  sampletype: uint('sFlow sample type', 32, { mask: 0xfff, strings: SAMPLE_TYPES }),
  flow_record_format: uint('Format', 32, { strings: FLOW_FORMATS }),
  counters_record_format: uint('Format', 32, { mask: 0xfff, strings: COUNTER_FORMATS }),
  header_protocol: uint('Header protocol', 32, { strings: HEADER_PROTOCOLS }),
  header: bytes('Header of sampled packet'),
  'header.frame_length': uint('Frame Length', 32),
  'header.payload_stripped': uint('Payload stripped', 32),
  'header.sampled_header_length': uint('Sampled header length', 32),
  'vlan.in': uint('Incoming 802.1Q VLAN', 32),
  'pri.in': uint('Incoming 802.1p priority', 32),
  'vlan.out': uint('Outgoing 802.1Q VLAN', 32),
  'pri.out': uint('Outgoing 802.1p priority', 32),
  nexthop: ipv4('Next hop'),
  'nexthop.v6': ipv6('Next hop'),
  'nexthop.src_mask': uint('Next hop source mask', 32),
  'nexthop.dst_mask': uint('Next hop destination mask', 32),
  ifindex: uint('Interface index', 32),
  iftype: uint('Interface Type', 32),
  ifspeed: uint('Interface Speed', 64),
  ifdirection: uint('Interface Direction', 32, {
    strings: names({ 1: 'Full-Duplex', 2: 'Half-Duplex', 3: 'In', 4: 'Out' }),
  }),
  ifadmin_status: bool('IfAdminStatus', 32, 0x1, { tf: UP_DOWN }),
  ifoper_status: bool('IfOperStatus', 32, 0x2, { tf: UP_DOWN }),
  ifinoct: uint('Input Octets', 64),
  ifinpkt: uint('Input Packets', 32),
  ifinmcast: uint('Input Multicast Packets', 32),
  ifinbcast: uint('Input Broadcast Packets', 32),
  ifindisc: uint('Input Discarded Packets', 32),
  ifinerr: uint('Input Errors', 32),
  ifinunk: uint('Input Unknown Protocol Packets', 32),
  ifoutoct: uint('Output Octets', 64),
  ifoutpkt: uint('Output Packets', 32),
  ifoutmcast: uint('Output Multicast Packets', 32),
  ifoutbcast: uint('Output Broadcast Packets', 32),
  ifoutdisc: uint('Output Discarded Packets', 32),
  ifouterr: uint('Output Errors', 32),
  ifpromisc: uint('Promiscuous Mode', 32),
  dot3StatsAlignmentErrors: uint('Alignment Errors', 32),
  dot3StatsFCSErrors: uint('FCS Errors', 32),
  dot3StatsSingleCollisionFrames: uint('Single Collision Frames', 32),
  dot3StatsMultipleCollisionFrames: uint('Multiple Collision Frames', 32),
  dot3StatsSQETestErrors: uint('SQE Test Errors', 32),
  dot3StatsDeferredTransmissions: uint('Deferred Transmissions', 32),
  dot3StatsLateCollisions: uint('Late Collisions', 32),
  dot3StatsExcessiveCollisions: uint('Excessive Collisions', 32),
  dot3StatsInternalMacTransmitErrors: uint('Internal Mac Transmit Errors', 32),
  dot3StatsCarrierSenseErrors: uint('Carrier Sense Errors', 32),
  dot3StatsFrameTooLongs: uint('Frame Too Longs', 32),
  dot3StatsInternalMacReceiveErrors: uint('Internal Mac Receive Errors', 32),
  dot3StatsSymbolErrors: uint('Symbol Errors', 32),
  vlan_id: uint('VLAN ID', 32),
  octets: uint('Octets', 64),
  ucastPkts: uint('Unicast Packets', 32),
  multicastPkts: uint('Multicast Packets', 32),
  broadcastPkts: uint('Broadcast Packets', 32),
  discards: uint('Discards', 32),
});

const F5 = fields('sflow_5', {
  sample_length: uint('Sample length (byte)', 32),
  flow_data_length: uint('Flow data length (byte)', 32),
  cpu_5s: uint('5s CPU Load (100 = 1%)', 32),
  cpu_1m: uint('1m CPU Load (100 = 1%)', 32),
  cpu_5m: uint('5m CPU Load (100 = 1%)', 32),
  total_memory: uint('Total Memory', 64),
  free_memory: uint('Free Memory', 64),
});

const F = fields('sflow', {
  '': proto('InMon sFlow'),
  _sample: text('Sample'),
  _record: text('Record'),
  enterprise: uint('Enterprise', 32, { mask: 0xfffff000 }),
  'enterprise.length': uint('Length', 32),
  'enterprise.data': bytes('Data'),
  'flow_sample.sequence_number': uint('Sequence number', 32),
  'flow_sample.source_id_class': uint('Source ID class', 32, { mask: 0xff000000 }),
  'flow_sample.index': uint('Index', 32, { mask: 0xffffff }),
  'flow_sample.source_id_type': uint('Source ID type', 32),
  'flow_sample.source_id_index': uint('Source ID index', 32),
  'flow_sample.sampling_rate': uint('Sampling rate', 32),
  'flow_sample.sample_pool': uint('Sample pool', 32),
  'flow_sample.dropped_packets': uint('Dropped packets', 32),
  'flow_sample.input_interface': uint('Input interface (ifIndex)', 32),
  'flow_sample.input_interface_format': uint('Input interface format', 32),
  'flow_sample.input_interface_value': uint('Input interface value', 32),
  'flow_sample.multiple_outputs': uint('Multiple outputs', 32),
  'flow_sample.output_interface': hex('Output interface', 32),
  'flow_sample.output_interface_format': uint('Output interface format', 32, {
    mask: 0xc0000000,
    strings: names({ 0: 'ifindex', 1: 'packet discarded', 2: 'multiple interfaces' }),
  }),
  'flow_sample.output_interface_value': uint('Output interface value', 32, { mask: 0x3fffffff }),
  'flow_sample.output_interface.format': uint('Output interface format', 32, { mask: 0x7fffffff }),
  'flow_sample.flow_record': uint('Flow record', 32),
  'counters_sample.sequence_number': uint('Sequence number', 32),
  'counters_sample.source_id_type': uint('Source ID type', 32, { mask: 0xff000000 }),
  'counters_sample.source_id_index': uint('Source ID index', 32, { mask: 0xffffff }),
  'counters_sample.counters_records': uint('Counters records', 32),
});

/** Second definitions under the same names: the expanded samples' unmasked words. */
const FX = fields('sflow', {
  'flow_sample.output_interface_value': uint('Output interface value', 32),
  'counters_sample.source_id_type': uint('Source ID type', 32),
  'counters_sample.source_id_index': uint('Source ID index', 32),
});

const GENERIC: readonly (readonly [keyof typeof F245, number])[] = [
  ['ifindex', 4], ['iftype', 4], ['ifspeed', 8], ['ifdirection', 4], ['ifadmin_status', 0],
  ['ifoper_status', 4], ['ifinoct', 8], ['ifinpkt', 4], ['ifinmcast', 4], ['ifinbcast', 4],
  ['ifindisc', 4], ['ifinerr', 4], ['ifinunk', 4], ['ifoutoct', 8], ['ifoutpkt', 4],
  ['ifoutmcast', 4], ['ifoutbcast', 4], ['ifoutdisc', 4], ['ifouterr', 4], ['ifpromisc', 4],
]; // prettier-ignore
const ETHERNET: readonly (keyof typeof F245)[] = [
  'dot3StatsAlignmentErrors', 'dot3StatsFCSErrors', 'dot3StatsSingleCollisionFrames',
  'dot3StatsMultipleCollisionFrames', 'dot3StatsSQETestErrors', 'dot3StatsDeferredTransmissions',
  'dot3StatsLateCollisions', 'dot3StatsExcessiveCollisions', 'dot3StatsInternalMacTransmitErrors',
  'dot3StatsCarrierSenseErrors', 'dot3StatsFrameTooLongs', 'dot3StatsInternalMacReceiveErrors',
  'dot3StatsSymbolErrors',
]; // prettier-ignore

/** Counters records that are a list of words: each field and its size. */
type Words = readonly (readonly [FieldDef, number])[];
const VLAN: Words = [
  [F245.vlan_id, 4], [F245.octets, 8], [F245.ucastPkts, 4], [F245.multicastPkts, 4],
  [F245.broadcastPkts, 4], [F245.discards, 4],
]; // prettier-ignore
const PROCESSOR: Words = [
  [F5.cpu_5s, 4], [F5.cpu_1m, 4], [F5.cpu_5m, 4], [F5.total_memory, 8], [F5.free_memory, 8],
]; // prettier-ignore

function words(tvb: Tvb, tree: Tree, p: number, list: Words): number {
  for (const [def, size] of list) {
    tree.add(def, tvb, p, size, size === 8 ? tvb.u64(p) : tvb.u32(p));
    p += size;
  }
  return p;
}

export function dissectSflow(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  if (!tvb.has(o, 8)) return 0;
  const version = tvb.u32(o);
  const addrType = tvb.u32(o + 4);
  // Versions 2 and 4 are not decoded here; an unknown version or address type is not sFlow.
  if (version !== 5 || addrType > 2) return 0;
  pinfo.layers.push('sflow');
  pinfo.setProto('sFlow');
  if (pinfo.wantInfo) pinfo.setInfo(`V${version}`);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    header(tvb, pinfo, tree, o, addrType);
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

function header(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, addrType: number): void {
  tree.add(F245.version, tvb, o, 4, 5);
  tree.add(F245.agenttype, tvb, o + 4, 4, addrType);
  let p = o + 8;
  if (addrType === 1) {
    const a = tvb.u32(p);
    tree.add(F245.agent, tvb, p, 4, a);
    if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info}, agent ${formatIPv4(a)}`);
    p += 4;
  } else if (addrType === 2) {
    tvb.need(p, 16);
    tree.add(F245['agent.v6'], tvb, p, 16);
    if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info}, agent ${formatIPv6(tvb.bytes, p)}`);
    p += 16;
  }
  const sub = tvb.u32(p);
  if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info}, sub-agent ID ${sub}`);
  tree.add(F245.sub_agent_id, tvb, p, 4, sub);
  const seq = tvb.u32(p + 4);
  if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info}, seq ${seq}`);
  tree.add(F245.sequence_number, tvb, p + 4, 4, seq);
  const up = tvb.u32(p + 8);
  tree.add(F245.sysuptime, tvb, p + 8, 4, up);
  if (tree.full) tree.labelLast(`SysUptime: ${secondsText(Math.floor(up / 1000))} (${up}ms)`);
  const count = tvb.u32(p + 12);
  if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info}, ${count} samples`);
  tree.add(F245.numsamples, tvb, p + 12, 4, count);
  p += 16;
  // Wireshark reads at most 255 samples (the low byte of the count) against corrupt counts.
  for (let i = 0; i < (count & 0xff); i++) p = sample(tvb, pinfo, tree, p);
}

/** The Enterprise word: Wireshark draws its bit picture from the unshifted value under the mask. */
function enterprise(tvb: Tvb, tree: Tree, p: number, ent: number): void {
  tree.add(F.enterprise, tvb, p, 4, ent);
  if (tree.full) {
    const what = ent === 0 ? 'standard sFlow' : 'Non-standard sFlow';
    tree.labelLast(`${bitPicture(F.enterprise, Math.floor(ent / 4096))} = Enterprise: ${what} (${ent})`);
  }
}

/** A record of another enterprise: its length and data, as tshark 4.0 shows it. */
function foreign(tvb: Tvb, tree: Tree, p: number, ent: number): number {
  tree.push(F._record, tvb, p, tvb.remaining(p));
  if (tree.full) tree.label('Unknown enterprise format');
  enterprise(tvb, tree, p, ent);
  const len = tvb.u32(p + 4);
  tree.add(F['enterprise.length'], tvb, p + 4, 4, len);
  tvb.need(p + 8, len);
  tree.add(F['enterprise.data'], tvb, p + 8, len);
  const end = p + 8 + len;
  tree.pop(end - p);
  return end;
}

function sample(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number): number {
  const word = tvb.u32(p);
  const ent = Math.floor(word / 4096);
  const format = word & 0xfff;
  if (ent !== 0) {
    // A sample of another enterprise ends the samples Wireshark reads.
    tree.push(F._sample, tvb, p, tvb.remaining(p));
    if (tree.full) tree.label('Unknown enterprise format');
    enterprise(tvb, tree, p, ent);
    tree.pop();
    return tvb.end;
  }
  const start = p;
  tree.push(F._sample, tvb, p, tvb.remaining(p));
  try {
    let label = SAMPLE_TYPES.get(format) ?? 'Unknown sample format';
    enterprise(tvb, tree, p, 0);
    tree.add(F245.sampletype, tvb, p, 4, format);
    if (tree.full && !SAMPLE_TYPES.has(format)) {
      tree.labelLast(`${bitPicture(F245.sampletype, format)} = sFlow sample type: Unknown (${format})`);
    }
    const length = tvb.u32(p + 4);
    tree.add(F5.sample_length, tvb, p + 4, 4, length);
    p += 8;
    if (format >= 1 && format <= 4) {
      const seq = tvb.u32(p);
      label += `, seq ${seq}`;
      if (tree.full) tree.label(label);
      if (format === 1) flowSample(tvb, pinfo, tree, p);
      else if (format === 3) expandedFlowSample(tvb, pinfo, tree, p);
      else countersSample(tvb, tree, p, format === 4);
    } else if (tree.full) tree.label(label);
    tvb.need(p, length);
    const end = p + length;
    tree.pop(end - start);
    return end;
  } catch (e) {
    tree.pop();
    throw e;
  }
}

function flowSample(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number): void {
  tree.add(F['flow_sample.sequence_number'], tvb, p, 4, tvb.u32(p));
  const src = tvb.u32(p + 4);
  tree.add(F['flow_sample.source_id_class'], tvb, p + 4, 4, Math.floor(src / 0x1000000));
  tree.add(F['flow_sample.index'], tvb, p + 4, 4, src & 0xffffff);
  rateAndPool(tvb, tree, p + 8);
  tree.add(F['flow_sample.input_interface'], tvb, p + 20, 4, tvb.u32(p + 20));
  const out = tvb.u32(p + 24);
  tree.push(F['flow_sample.output_interface'], tvb, p + 24, 4, out);
  tree.add(F['flow_sample.output_interface_format'], tvb, p + 24, 4, Math.floor(out / 0x40000000));
  tree.add(F['flow_sample.output_interface_value'], tvb, p + 24, 4, out & 0x3fffffff);
  tree.pop();
  flowRecords(tvb, pinfo, tree, p + 28);
}

function expandedFlowSample(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number): void {
  tree.add(F['flow_sample.sequence_number'], tvb, p, 4, tvb.u32(p));
  tree.add(F['flow_sample.source_id_type'], tvb, p + 4, 4, tvb.u32(p + 4));
  tree.add(F['flow_sample.source_id_index'], tvb, p + 8, 4, tvb.u32(p + 8));
  rateAndPool(tvb, tree, p + 12);
  tree.add(F['flow_sample.input_interface_format'], tvb, p + 24, 4, tvb.u32(p + 24));
  tree.add(F['flow_sample.input_interface_value'], tvb, p + 28, 4, tvb.u32(p + 28));
  tree.add(F['flow_sample.output_interface.format'], tvb, p + 32, 4, tvb.u32(p + 32) & 0x7fffffff);
  tree.add(FX['flow_sample.output_interface_value'], tvb, p + 36, 4, tvb.u32(p + 36));
  flowRecords(tvb, pinfo, tree, p + 40);
}

function rateAndPool(tvb: Tvb, tree: Tree, p: number): void {
  const rate = tvb.u32(p);
  tree.add(F['flow_sample.sampling_rate'], tvb, p, 4, rate);
  if (tree.full) tree.labelLast(`Sampling rate: 1 out of ${rate} packets`);
  const pool = tvb.u32(p + 4);
  tree.add(F['flow_sample.sample_pool'], tvb, p + 4, 4, pool);
  if (tree.full) tree.labelLast(`Sample pool: ${pool} total packets`);
  tree.add(F['flow_sample.dropped_packets'], tvb, p + 8, 4, tvb.u32(p + 8));
}

function flowRecords(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number): void {
  const count = tvb.u32(p);
  tree.add(F['flow_sample.flow_record'], tvb, p, 4, count);
  p += 4;
  for (let i = 0; i < (count & 0xff); i++) p = flowRecord(tvb, pinfo, tree, p);
}

/**
 * A flow or counters record: its enterprise/format word (a foreign enterprise's record is shown as
 * data), its length, and its data read by `body` from the offset after them. Wireshark does not
 * skip the data of a standard format it does not know: the next record is read from there.
 */
function record(
  tvb: Tvb,
  tree: Tree,
  p: number,
  formats: ReadonlyMap<number, string>,
  formatField: FieldDef,
  body: (format: number, p: number) => number,
): number {
  const word = tvb.u32(p);
  const ent = Math.floor(word / 4096);
  if (ent !== 0) return foreign(tvb, tree, p, ent);
  const format = word & 0xfff;
  const start = p;
  tree.push(F._record, tvb, p, tvb.remaining(p));
  try {
    if (tree.full) tree.label(formats.get(format) ?? 'Unknown sample format');
    enterprise(tvb, tree, p, 0);
    tree.add(formatField, tvb, p, 4, format);
    const length = tvb.u32(p + 4);
    tree.add(F5.flow_data_length, tvb, p + 4, 4, length);
    const end = body(format, p + 8);
    tree.pop(end - start);
    return end;
  } catch (e) {
    tree.pop();
    throw e;
  }
}

function flowRecord(tvb: Tvb, pinfo: PacketInfo, tree: Tree, at: number): number {
  return record(tvb, tree, at, FLOW_FORMATS, F245.flow_record_format, (format, p) => {
    if (format === 1) return sampledHeader(tvb, pinfo, tree, p);
    if (format === 1001) return extendedSwitch(tvb, tree, p);
    if (format === 1002) return extendedRouter(tvb, tree, p);
    return p;
  });
}

function sampledHeader(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number): number {
  const proto = tvb.u32(p);
  tree.add(F245.header_protocol, tvb, p, 4, proto);
  const frameLength = tvb.u32(p + 4);
  tree.add(F245['header.frame_length'], tvb, p + 4, 4, frameLength);
  const stripped = tvb.u32(p + 8);
  tree.add(F245['header.payload_stripped'], tvb, p + 8, 4, stripped);
  const len = tvb.u32(p + 12);
  tree.add(F245['header.sampled_header_length'], tvb, p + 12, 4, len);
  p += 16;
  // The header is shown and dissected with its padding to a 4-byte boundary.
  const padded = len + ((4 - (len % 4)) % 4);
  tvb.need(p, padded);
  tree.push(F245.header, tvb, p, padded);
  try {
    // The sampled packet was as long as the frame less what was stripped: a read past the
    // sampled bytes within that ends the quote quietly, as Wireshark catches bounds errors there.
    const reported = Math.max(padded, frameLength - stripped);
    const inner = new Tvb(tvb.bytes, p, p + padded, p + reported, tvb.source);
    const next =
      proto === 1
        ? (t: Tvb, pi: PacketInfo, tr: Tree): void => {
            if (pi.registry.call('linkType', LinkType.ETHERNET, t, pi, tr) < 0) dissectData(t, pi, tr);
          }
        : proto === 11 || proto === 12
          ? (t: Tvb, pi: PacketInfo, tr: Tree): void => {
              if (pi.registry.call('etherType', proto === 11 ? 0x0800 : 0x86dd, t, pi, tr) < 0) {
                dissectData(t, pi, tr);
              }
            }
          : dissectData;
    dissectQuoted(next, inner, pinfo, tree);
  } finally {
    tree.pop();
  }
  return p + padded;
}

function extendedSwitch(tvb: Tvb, tree: Tree, p: number): number {
  tree.add(F245['vlan.in'], tvb, p, 4, tvb.u32(p));
  tree.add(F245['pri.in'], tvb, p + 4, 4, tvb.u32(p + 4));
  tree.add(F245['vlan.out'], tvb, p + 8, 4, tvb.u32(p + 8));
  tree.add(F245['pri.out'], tvb, p + 12, 4, tvb.u32(p + 12));
  return p + 16;
}

function extendedRouter(tvb: Tvb, tree: Tree, p: number): number {
  const type = tvb.u32(p);
  p += 4;
  if (type === 1) {
    tree.add(F245.nexthop, tvb, p, 4, tvb.u32(p));
    p += 4;
  } else if (type === 2) {
    tvb.need(p, 16);
    tree.add(F245['nexthop.v6'], tvb, p, 16);
    p += 16;
  }
  tree.add(F245['nexthop.src_mask'], tvb, p, 4, tvb.u32(p));
  tree.add(F245['nexthop.dst_mask'], tvb, p + 4, 4, tvb.u32(p + 4));
  return p + 8;
}

function countersSample(tvb: Tvb, tree: Tree, p: number, expanded: boolean): void {
  tree.add(F['counters_sample.sequence_number'], tvb, p, 4, tvb.u32(p));
  if (expanded) {
    tree.add(FX['counters_sample.source_id_type'], tvb, p + 4, 4, tvb.u32(p + 4));
    tree.add(FX['counters_sample.source_id_index'], tvb, p + 8, 4, tvb.u32(p + 8));
    p += 12;
  } else {
    const src = tvb.u32(p + 4);
    tree.add(F['counters_sample.source_id_type'], tvb, p + 4, 4, Math.floor(src / 0x1000000));
    tree.add(F['counters_sample.source_id_index'], tvb, p + 4, 4, src & 0xffffff);
    p += 8;
  }
  const count = tvb.u32(p);
  tree.add(F['counters_sample.counters_records'], tvb, p, 4, count);
  p += 4;
  for (let i = 0; i < (count & 0xff); i++) p = countersRecord(tvb, tree, p);
}

function countersRecord(tvb: Tvb, tree: Tree, at: number): number {
  return record(tvb, tree, at, COUNTER_FORMATS, F245.counters_record_format, (format, p) => {
    if (format === 1) {
      for (const [key, size] of GENERIC) {
        const def = F245[key];
        if (size === 8) tree.add(def, tvb, p, 8, tvb.u64(p));
        else if (key === 'ifadmin_status' || key === 'ifoper_status') {
          tree.add(def, tvb, p, 4, (tvb.u32(p) & (def.mask as number)) !== 0);
        } else tree.add(def, tvb, p, 4, tvb.u32(p));
        p += size;
      }
    } else if (format === 2) {
      for (const key of ETHERNET) {
        tree.add(F245[key], tvb, p, 4, tvb.u32(p));
        p += 4;
      }
    } else if (format === 5) p = words(tvb, tree, p, VLAN);
    else if (format === 1001) p = words(tvb, tree, p, PROCESSOR);
    return p;
  });
}

export const sflowModule = {
  fields: {
    ...F245,
    ...F5,
    ...F,
    fxOutValue: FX['flow_sample.output_interface_value'],
    fxType: FX['counters_sample.source_id_type'],
    fxIndex: FX['counters_sample.source_id_index'],
  },
  handoff(reg: Registry): void {
    reg.register('udpPort', UDP_PORT_SFLOW, dissectSflow);
  },
};
