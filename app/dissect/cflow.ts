// Cisco NetFlow v1, v5, v9 and IPFIX (v10) on UDP 2055, 9996 and 4739, as tshark 4.0 shows them:
// the fixed records of v1 and v5; the template, options template and data sets of v9 and IPFIX,
// data decoded with the templates seen earlier in the capture (kept per exporter, observation
// domain and template id); the sequence analysis per domain; the Info column.
// Information elements beyond the common ones (addresses, ports, protocol, ToS, TCP flags,
// counters, times, interfaces, next hops, AS numbers, masks, VLAN, MAC, names) are shown in
// Wireshark's generic form.
import { IE_NAMES } from './cflow-names.ts';
import {
  absTime,
  bool,
  bytes,
  ether,
  fields,
  FieldType,
  hex,
  ipv4,
  ipv6,
  names,
  proto,
  str,
  text,
  uint,
} from './field.ts';
import { expert, expertItem, IP_PROTO_NAMES, ipLayer } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { stringValue } from './text-format.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { formatHex, formatIPv4, formatIPv6 } from '../format/address.ts';
import { formatAbsoluteUtc } from '../format/time.ts';

const YES_NO = ['Yes', 'No'] as const;
const USED = ['Used', 'Not used'] as const;
const relTime = (
  name: string,
  generated = false,
): { name: string; type: FieldType; unit: string; generated: boolean } => ({
  name,
  type: FieldType.RelTime,
  unit: 'seconds',
  generated,
});

const FLOWSET_IDS = names({
  0: 'Data Template (V9)',
  1: 'Options Template(V9)',
  2: 'Data Template (V10 [IPFIX])',
  3: 'Options Template (V10 [IPFIX])',
});
const SCOPE_TYPES = names({ 1: 'System', 2: 'Interface', 3: 'Line Card', 4: 'NetFlow Cache', 5: 'Template' });

export const F = fields('cflow', {
  '': proto('Cisco NetFlow/IPFIX'),
  version: uint('Version', 16),
  len: uint('Length', 16),
  count: uint('Count', 16),
  sysuptime: relTime('SysUptime'),
  exporttime: uint('ExportTime', 32),
  timestamp: absTime('Timestamp'),
  unix_secs: uint('CurrentSecs', 32),
  unix_nsecs: uint('CurrentNSecs', 32),
  sequence: uint('FlowSequence', 32),
  engine_type: uint('EngineType', 8, { strings: names({ 0: 'RP', 1: 'VIP/Linecard', 2: 'PFC/DFC' }) }),
  engine_id: uint('EngineId', 8),
  samplingmode: uint('SamplingMode', 16, {
    mask: 0xc000,
    strings: names({
      0: 'No sampling mode configured',
      1: 'Packet Interval sampling mode configured',
      2: 'Random sampling mode configured',
    }),
  }),
  samplerate: uint('SampleRate', 16, { mask: 0x3fff }),
  source_id: uint('SourceId', 32),
  od_id: uint('Observation Domain Id', 32),
  _flowset: text('FlowSet'),
  flowset_id: uint('FlowSet Id', 16),
  flowset_length: uint('FlowSet Length', 16),
  _template: text('Template'),
  template_id: uint('Template Id', 16),
  template_field_count: uint('Field Count', 16),
  template_ipfix_total_field_count: uint('Total Field Count', 16),
  template_ipfix_scope_field_count: uint('Scope Field Count', 16),
  option_scope_length: uint('Option Scope Length', 16),
  option_length: uint('Option Length', 16),
  _field: text('Field'),
  template_field_type: uint('Type', 16, { strings: IE_NAMES }),
  scope_field_type: uint('Scope Type', 16, { strings: SCOPE_TYPES }),
  template_ipfix_pen_provided: bool('Pen provided', 16, 0x8000, { tf: YES_NO }),
  template_ipfix_field_type: uint('Type', 16, { mask: 0x7fff, strings: IE_NAMES }),
  template_ipfix_field_type_enterprise: uint('Type', 16, { mask: 0x7fff }),
  template_field_length: uint('Length', 16),
  template_ipfix_field_pen: uint('PEN', 32),
  template_frame: { name: 'Template Frame', type: FieldType.FrameNum, generated: true },
  _flow: text('Flow'),
  padding: bytes('Padding'),
  reserved: bytes('Reserved'),
  srcaddr: ipv4('SrcAddr'),
  dstaddr: ipv4('DstAddr'),
  srcaddrv6: ipv6('SrcAddr'),
  dstaddrv6: ipv6('DstAddr'),
  nexthop: ipv4('NextHop'),
  nexthopv6: ipv6('NextHop'),
  bgpnexthop: ipv4('BGPNextHop'),
  bgpnexthopv6: ipv6('BGPNextHop'),
  inputint: uint('InputInt', 32),
  outputint: uint('OutputInt', 32),
  flows: uint('Flows', 64),
  packets: uint('Packets', 64),
  octets: uint('Octets', 64),
  mulpackets: uint('MulticastPackets', 64),
  muloctets: uint('MulticastOctets', 64),
  post_octets: uint('Post Octets', 64),
  post_packets: uint('Post Packets', 64),
  length_min: uint('MinLength', 64),
  length_max: uint('MaxLength', 64),
  timedelta: relTime('Duration', true),
  timestart: relTime('StartTime'),
  timeend: relTime('EndTime'),
  abstimestart: absTime('StartTime'),
  abstimeend: absTime('EndTime'),
  srcport: uint('SrcPort', 16),
  dstport: uint('DstPort', 16),
  protocol: uint('Protocol', 8, { strings: IP_PROTO_NAMES }),
  tos: hex('IP ToS', 8),
  tcpflags: hex('TCP Flags', 8),
  'tcpflags.zero': hex('Zero (Header Length)', 16, { mask: 0xf000 }),
  'tcpflags.reserved': hex('Reserved', 8, { mask: 0xc0 }),
  'tcpflags.reserved16': hex('Reserved', 16, { mask: 0x0e00 }),
  'tcpflags.ns': bool('ECN Nonce Sum', 16, 0x0100, { tf: USED }),
  'tcpflags.cwr': bool('CWR', 16, 0x0080, { tf: USED }),
  'tcpflags.ece': bool('ECN Echo', 16, 0x0040, { tf: USED }),
  'tcpflags.urg': bool('URG', 8, 0x20, { tf: USED }),
  'tcpflags.ack': bool('ACK', 8, 0x10, { tf: USED }),
  'tcpflags.psh': bool('PSH', 8, 0x08, { tf: USED }),
  'tcpflags.rst': bool('RST', 8, 0x04, { tf: USED }),
  'tcpflags.syn': bool('SYN', 8, 0x02, { tf: USED }),
  'tcpflags.fin': bool('FIN', 8, 0x01, { tf: USED }),
  srcas: uint('SrcAS', 32),
  dstas: uint('DstAS', 32),
  srcmask: uint('SrcMask', 8),
  dstmask: uint('DstMask', 8),
  srcmaskv6: uint('SrcMask', 8),
  dstmaskv6: uint('DstMask', 8),
  ipv6flowlabel: uint('ipv6FlowLabel', 32),
  icmp_type_code_ipv4: hex('ICMP Type', 16),
  sampling_interval: uint('Sampling interval', 32),
  sampling_algorithm: uint('Sampling algorithm', 8, {
    strings: names({ 0: 'No sampling mode configured', 1: 'Deterministic sampling', 2: 'Random sampling' }),
  }),
  flow_active_timeout: uint('Flow active timeout', 16),
  flow_inactive_timeout: uint('Flow inactive timeout', 16),
  srcmac: ether('Source Mac Address'),
  vlanid: uint('Vlan Id', 16),
  ip_version: uint('IPVersion', 8),
  direction: uint('Direction', 8, { strings: names({ 0: 'Ingress', 1: 'Egress' }) }),
  if_name: str('IfName'),
  if_descr: str('IfDescr'),
  flow_end_reason: uint('Flow End Reason', 8, {
    strings: names({
      0: 'Unknown',
      1: 'Idle timeout',
      2: 'Active timeout',
      3: 'End of Flow detected',
      4: 'Forced end',
      5: 'Lack of resources',
    }),
  }),
  observation_domain_name: str('Observation Domain Name'),
  octetsexp: uint('OctetsExp', 64),
  packetsexp: uint('PacketsExp', 64),
  flowsexp: uint('FlowsExp', 64),
  string_len_short: uint('String_len_short', 8),
  string_len_long: uint('String_len_short', 8),
  scope_system: bytes('ScopeSystem'),
  scope_interface: uint('ScopeInterface', 32),
  scope_linecard: uint('ScopeLinecard', 32),
  scope_cache: bytes('ScopeCache'),
  scope_template: bytes('ScopeTemplate'),
  unknown_field_type: bytes('Unknown Field Type'),
  enterprise_private_entry: bytes('Enterprise Private entry'),
  'sequence_analysis.expected_sn': uint('Expected Sequence Number', 32, { generated: true }),
  'sequence_analysis.previous_frame': {
    name: 'Previous Frame in Sequence',
    type: FieldType.FrameNum,
    generated: true,
  },
});

/** The 16-bit TCP flags of IPFIX: another header field under the same name in Wireshark. */
const F16 = fields('cflow', { tcpflags: hex('TCP Flags', 16) });

/** Byte sizes of the fixed records of v1 and v5. */
const V1_PDU = 48;
const V5_PDU = 48;
/** A template field of this length is variable: each record says how long it is. */
const VARIABLE = 0xffff;

interface Entry {
  type: number;
  length: number;
  pen: number;
}

interface Template {
  frame: number;
  /** Bytes a record takes at least (variable fields count their length octet). */
  length: number;
  scopes: Entry[];
  entries: Entry[];
}

interface DomainSeq {
  next: number;
  frame: number;
  /** A sequence number was seen since the domain's last template (Wireshark's sequence_number_set). */
  set?: boolean;
}

interface CflowState {
  /** By exporter addresses and ports, domain and template id; each version since its frame. */
  templates: Map<string, { since: number; t: Template }[]>;
  domains: Map<string, DomainSeq>;
  /** Frames whose sequence number was not the expected one: what was expected, and since which frame. */
  unexpected: Map<number, DomainSeq>;
  /** Highest frame whose templates and sequence were recorded. */
  done: number;
}

const newState = (): CflowState => ({
  templates: new Map(),
  domains: new Map(),
  unexpected: new Map(),
  done: 0,
});

interface Hdr {
  version: number;
  srcId: number;
  exportSecs: number;
  exporter: string;
  /** First pass over this frame: templates and sequence numbers are recorded. */
  record: boolean;
  frame: number;
  flowsSeen: number;
  st: CflowState;
}

function exporterKey(pinfo: PacketInfo): string {
  const l = ipLayer;
  if (l.kind === 0) return `${pinfo.srcPort}>${pinfo.dstPort}`;
  const addr = (at: number): string =>
    l.kind === 4
      ? formatIPv4(
          ((l.bytes[at] as number) * 0x1000000 +
            (((l.bytes[at + 1] as number) << 16) |
              ((l.bytes[at + 2] as number) << 8) |
              (l.bytes[at + 3] as number))) >>>
            0,
        )
      : formatIPv6(l.bytes, at);
  return `${addr(l.src)}:${pinfo.srcPort}>${addr(l.dst)}:${pinfo.dstPort}`;
}

export function dissectCflow(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  if (!tvb.has(o, 2)) return 0;
  const version = tvb.u16(o);
  if (version !== 1 && version !== 5 && version !== 9 && version !== 10) return 0;
  pinfo.layers.push('cflow');
  pinfo.setProto('CFLOW');
  const count = tvb.u16(o + 2);
  if (pinfo.wantInfo) {
    if (version === 9) pinfo.setInfo(`total: ${count} (v9) record${count === 1 ? '' : 's'}`);
    else if (version === 10) {
      const remaining = tvb.reportedRemaining(o + 4) + 4;
      pinfo.setInfo(
        remaining === count
          ? `IPFIX flow (${String(count).padStart(4)} bytes)`
          : `IPFIX partial flow (${remaining}/${count} bytes)`,
      );
    } else pinfo.setInfo(`total: ${count} (v${version}) flow${count === 1 ? '' : 's'}`);
  }
  const st = pinfo.state.of('cflow', newState);
  const frame = pinfo.meta.number;
  const hdr: Hdr = {
    version,
    srcId: 0,
    exportSecs: 0,
    exporter: '',
    record: frame > st.done,
    frame,
    flowsSeen: 0,
    st,
  };
  if (hdr.record) st.done = frame;
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    body(tvb, pinfo, tree, o, hdr, count);
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

function body(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, hdr: Hdr, count: number): void {
  const version = hdr.version;
  tree.add(F.version, tvb, o, 2, version);
  tree.add(version === 10 ? F.len : F.count, tvb, o + 2, 2, count);
  let p = o + 4;
  if (version !== 10) {
    const up = tvb.u32(p);
    tree.add(F.sysuptime, tvb, p, 4, msText(up));
    p += 4;
  }
  const secs = tvb.u32(p);
  hdr.exportSecs = secs;
  const v9 = version === 9 || version === 10;
  const nsecs = v9 ? 0 : tvb.u32(p + 4);
  tree.push(F.timestamp, tvb, p, v9 ? 4 : 8, formatAbsoluteUtc(secs, nsecs));
  tree.add(version === 10 ? F.exporttime : F.unix_secs, tvb, p, 4, secs);
  p += 4;
  if (!v9) {
    tree.add(F.unix_nsecs, tvb, p, 4, nsecs);
    p += 4;
  }
  tree.pop();
  let seq = 0;
  let seqAt = -1;
  if (version !== 1) {
    seq = tvb.u32(p);
    seqAt = p;
    p += 4;
  }
  // The sequence number's note needs the source id, which follows it.
  let srcAt = -1;
  if (v9) {
    srcAt = p;
    hdr.srcId = tvb.u32(p);
    if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info} Obs-Domain-ID=${String(hdr.srcId).padStart(5)}`);
  }
  // Templates and sequence numbers belong to one exporter's conversation and domain.
  hdr.exporter = exporterKey(pinfo);
  const seqResult = version !== 1 && !hdr.record ? hdr.st.unexpected.get(hdr.frame) : undefined;
  const addSequence = (result: DomainSeq | undefined): void => {
    if (seqAt < 0) return;
    if (result === undefined) {
      tree.add(F.sequence, tvb, seqAt, 4, seq);
      return;
    }
    tree.push(F.sequence, tvb, seqAt, 4, seq);
    if (tree.full) tree.label(`FlowSequence: ${seq} (expected ${result.next})`);
    expert(
      pinfo,
      tree,
      tvb,
      seqAt,
      0,
      'Warning',
      'Sequence',
      `Unexpected flow sequence for domain ID ${hdr.srcId} (expected ${result.next}, got ${seq})`,
    );
    tree.pop();
  };
  // On the first pass the result is only known after the records are counted (IPFIX counts its
  // data records): the sequence item is added then, in its place, by reopening the tree.
  if (!hdr.record) addSequence(seqResult);
  const seqSlot = hdr.record ? tree.current() : null;
  const pending = hdr.record && seqAt >= 0 && tree.full;
  if (hdr.record && !pending) addSequence(undefined);
  const seqIndex = pending ? (seqSlot?.children?.length ?? 0) : -1;
  if (srcAt >= 0) {
    tree.add(version === 9 ? F.source_id : F.od_id, tvb, srcAt, 4, hdr.srcId);
    p += 4;
  }
  if (version === 5) {
    tree.add(F.engine_type, tvb, p, 1, tvb.u8(p));
    tree.add(F.engine_id, tvb, p + 1, 1, tvb.u8(p + 1));
    const s = tvb.u16(p + 2);
    tree.add(F.samplingmode, tvb, p + 2, 2, s >> 14);
    tree.add(F.samplerate, tvb, p + 2, 2, s & 0x3fff);
    p += 4;
  }
  let stopped: unknown = null;
  if (count === 0) {
    expertItem(
      pinfo,
      tree,
      tvb,
      p,
      tvb.reportedRemaining(p),
      'Warning',
      'Malformed',
      `FlowSets impossible - PDU Count is ${count}`,
    );
    if (pending) insertSequence(tree, seqSlot, seqIndex, addSequence, undefined);
    return;
  }
  try {
    if (v9) flowsets(tvb, pinfo, tree, p, hdr, count);
    else fixedRecords(tvb, tree, p, version, count);
  } catch (e) {
    stopped = e;
  }
  if (version !== 1) {
    let result = seqResult;
    if (hdr.record) {
      // A record that ended in an exception records no sequence number, as in Wireshark.
      result =
        stopped === null ? sequenceAnalysis(hdr, seq, version === 10 ? hdr.flowsSeen : count) : undefined;
      if (pending) insertSequence(tree, seqSlot, seqIndex, addSequence, result);
    }
    if (stopped === null && result !== undefined) {
      tree.add(F['sequence_analysis.expected_sn'], tvb, o, 0, result.next);
      tree.add(F['sequence_analysis.previous_frame'], tvb, o, 0, result.frame);
    }
  }
  if (stopped !== null) throw stopped;
}

/** Adds the sequence item in its place among the header's items (see `pending`). */
function insertSequence(
  tree: Tree,
  parent: ReturnType<Tree['current']>,
  index: number,
  add: (r: DomainSeq | undefined) => void,
  result: DomainSeq | undefined,
): void {
  if (!parent?.children) return;
  const before = parent.children.length;
  tree.reopen(parent);
  add(result);
  tree.pop();
  const added = parent.children.splice(before);
  parent.children.splice(index, 0, ...added);
}

function sequenceAnalysis(hdr: Hdr, seq: number, flows: number): DomainSeq | undefined {
  const st = hdr.st;
  // Wireshark tracks a domain only once a template came from it, and starts over at each template.
  const d = st.domains.get(`${hdr.exporter}/${hdr.srcId}`);
  if (d === undefined) return undefined;
  let result: DomainSeq | undefined;
  if (d.set && seq !== d.next) {
    result = { next: d.next, frame: d.frame };
    st.unexpected.set(hdr.frame, result);
  }
  d.next = (seq + (hdr.version === 9 ? 1 : flows)) >>> 0;
  d.frame = hdr.frame;
  d.set = true;
  return result;
}

function msText(ms: number): string {
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000000).padStart(9, '0')}`;
}

function fixedRecords(tvb: Tvb, tree: Tree, p: number, version: number, count: number): void {
  const size = version === 1 ? V1_PDU : V5_PDU;
  for (let x = 1; x <= count; x++) {
    if (tvb.reportedRemaining(p) < size) break;
    tree.push(F._flow, tvb, p, size);
    if (tree.full) tree.label(`pdu ${x}/${count}`);
    tree.add(F.srcaddr, tvb, p, 4, tvb.u32(p));
    tree.add(F.dstaddr, tvb, p + 4, 4, tvb.u32(p + 4));
    tree.add(F.nexthop, tvb, p + 8, 4, tvb.u32(p + 8));
    tree.add(F.inputint, tvb, p + 12, 2, tvb.u16(p + 12));
    tree.add(F.outputint, tvb, p + 14, 2, tvb.u16(p + 14));
    tree.add(F.packets, tvb, p + 16, 4, tvb.u32(p + 16));
    tree.add(F.octets, tvb, p + 20, 4, tvb.u32(p + 20));
    const start = tvb.u32(p + 24);
    const end = tvb.u32(p + 28);
    tree.push(F.timedelta, tvb, p + 24, 8, msText((end - start) >>> 0));
    tree.add(F.timestart, tvb, p + 24, 4, msText(start));
    tree.add(F.timeend, tvb, p + 28, 4, msText(end));
    tree.pop();
    tree.add(F.srcport, tvb, p + 32, 2, tvb.u16(p + 32));
    tree.add(F.dstport, tvb, p + 34, 2, tvb.u16(p + 34));
    if (version === 1) {
      tree.add(F.padding, tvb, p + 36, 2);
      tree.add(F.protocol, tvb, p + 38, 1, tvb.u8(p + 38));
      tree.add(F.tos, tvb, p + 39, 1, tvb.u8(p + 39));
      tree.add(F.tcpflags, tvb, p + 40, 1, tvb.u8(p + 40));
      tree.add(F.padding, tvb, p + 41, 3);
      tree.add(F.reserved, tvb, p + 44, 4);
    } else {
      tree.add(F.padding, tvb, p + 36, 1);
      tree.add(F.tcpflags, tvb, p + 37, 1, tvb.u8(p + 37));
      tree.add(F.protocol, tvb, p + 38, 1, tvb.u8(p + 38));
      tree.add(F.tos, tvb, p + 39, 1, tvb.u8(p + 39));
      tree.add(F.srcas, tvb, p + 40, 2, tvb.u16(p + 40));
      tree.add(F.dstas, tvb, p + 42, 2, tvb.u16(p + 42));
      maskWithPrefix(tvb, tree, F.srcmask, p + 44, p);
      maskWithPrefix(tvb, tree, F.dstmask, p + 45, p + 4);
      tree.add(F.padding, tvb, p + 46, 2);
    }
    tree.pop();
    p += size;
  }
}

function maskWithPrefix(tvb: Tvb, tree: Tree, def: (typeof F)['srcmask'], at: number, addrAt: number): void {
  const mask = tvb.u8(at);
  tree.add(def, tvb, at, 1, mask);
  if (!tree.full) return;
  const addr = tvb.u32(addrAt);
  // A zero mask shows the whole address as a /32, as tshark 4.0 prints it.
  const bits = mask > 32 || mask === 0 ? 32 : mask;
  const net = (addr & (0xffffffff << (32 - bits))) >>> 0;
  tree.labelLast(`${def.name}: ${mask} (prefix: ${formatIPv4(net)}/${bits})`);
}

function flowsets(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number, hdr: Hdr, count: number): void {
  const v10 = hdr.version === 10;
  // Wireshark's loop: the set length read last stays when fewer than 4 bytes are left, and
  // IPFIX stops after the set that ends exactly where the message does.
  let size = Infinity;
  let available = tvb.reportedRemaining(p);
  for (let x = 1; v10 ? available !== size : x <= count; x++) {
    available = tvb.reportedRemaining(p);
    if (available >= 4) size = tvb.u16(p + 2);
    if (available < size) break;
    const id = tvb.u16(p);
    tree.push(F._flowset, tvb, p, size);
    const head = `${v10 ? 'Set' : 'FlowSet'} ${x} [id=${id}]`;
    if (tree.full) tree.label(head);
    let used: number;
    try {
      used = flowset(tvb, pinfo, tree, p, hdr, id, size, head);
    } finally {
      tree.pop();
    }
    if (used < size) used = size;
    if (used === size && used !== 0) p += used;
    else break;
  }
}

function flowset(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  p: number,
  hdr: Hdr,
  id: number,
  length: number,
  head: string,
): number {
  tree.add(F.flowset_id, tvb, p, 2, id);
  if (tree.full) {
    const name = FLOWSET_IDS.get(id) ?? (id >= 256 ? '(Data)' : 'Unknown');
    tree.labelLast(`FlowSet Id: ${name} (${id})`);
  }
  if (length < 4) {
    tree.push(F.flowset_length, tvb, p + 2, 2, length);
    expert(pinfo, tree, tvb, p + 2, 2, 'Warning', 'Malformed', `Flowset Length (${length}) too short`);
    tree.pop();
    return tvb.reportedRemaining(p);
  }
  tree.add(F.flowset_length, tvb, p + 2, 2, length);
  const end = p + length;
  if (id === 0 || id === 2) dataTemplates(tvb, pinfo, tree, p + 4, end, hdr, id, head);
  else if (id === 1 || id === 3) optionsTemplates(tvb, pinfo, tree, p + 4, end, hdr, id, head);
  else if (id >= 256) {
    if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info} [Data:${id}]`);
    data(tvb, pinfo, tree, p + 4, end, hdr, id, head);
  }
  return length;
}

function templateKey(hdr: Hdr, id: number): string {
  return `${hdr.exporter}/${hdr.srcId}/${id}`;
}

function storeTemplate(hdr: Hdr, id: number, t: Template): void {
  if (!hdr.record) return;
  hdr.st.domains.set(`${hdr.exporter}/${hdr.srcId}`, { next: 0, frame: 0 });
  const key = templateKey(hdr, id);
  const versions = hdr.st.templates.get(key);
  if (versions) versions.push({ since: hdr.frame, t });
  else hdr.st.templates.set(key, [{ since: hdr.frame, t }]);
}

function findTemplate(hdr: Hdr, id: number): Template | undefined {
  const versions = hdr.st.templates.get(templateKey(hdr, id));
  if (!versions) return undefined;
  for (let i = versions.length - 1; i >= 0; i--) {
    const v = versions[i] as { since: number; t: Template };
    if (v.since <= hdr.frame) return v.t;
  }
  return undefined;
}

function recordLength(entries: readonly Entry[]): number {
  let n = 0;
  for (const e of entries) n += e.length === VARIABLE ? 1 : e.length;
  return n;
}

function fieldName(e: Entry, v10: boolean): string {
  if (v10 && e.pen !== 0) return `${String(e.type).padStart(3)} [pen: ${e.pen}]`;
  return IE_NAMES.get(e.type) ?? `Unknown(${e.type})`;
}

/** One template field: type (and PEN in IPFIX) and length. Returns the offset after it. */
function templateField(
  tvb: Tvb,
  tree: Tree,
  p: number,
  v10: boolean,
  label: string,
  out: Entry[],
  scopeV9 = false,
): number {
  const raw = tvb.u16(p);
  const pen = v10 && raw & 0x8000 ? tvb.u32(p + 4) : 0;
  const e: Entry = { type: v10 ? raw & 0x7fff : raw, length: tvb.u16(p + 2), pen };
  const size = v10 && raw & 0x8000 ? 8 : 4;
  tree.push(F._field, tvb, p, size);
  if (tree.full) {
    const name = scopeV9 ? (SCOPE_TYPES.get(e.type) ?? 'Unknown') : fieldName(e, v10);
    tree.label(`${label}: ${name}`);
  }
  if (v10) {
    tree.add(F.template_ipfix_pen_provided, tvb, p, 2, (raw & 0x8000) !== 0);
    if (pen !== 0) {
      tree.add(F.template_ipfix_field_type_enterprise, tvb, p, 2, e.type);
      if (tree.full) tree.labelLast(`${bitText(raw & 0x7fff)} = Type: ${e.type} [pen: ${pen}]`);
    } else tree.add(F.template_ipfix_field_type, tvb, p, 2, e.type);
  } else tree.add(scopeV9 ? F.scope_field_type : F.template_field_type, tvb, p, 2, e.type);
  tree.add(F.template_field_length, tvb, p + 2, 2, e.length);
  if (tree.full && e.length === VARIABLE) tree.labelLast('Length: 65535 [i.e.: "Variable Length"]');
  if (pen !== 0) tree.add(F.template_ipfix_field_pen, tvb, p + 4, 4, pen);
  tree.pop();
  out.push(e);
  return p + size;
}

function bitText(v: number): string {
  let s = '.';
  for (let i = 14; i >= 0; i--) {
    s += (v >> i) & 1 ? '1' : '0';
    if (i % 4 === 0 && i !== 0) s += ' ';
  }
  return s;
}

function dataTemplates(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  p: number,
  end: number,
  hdr: Hdr,
  id: number,
  head: string,
): void {
  const v10 = id === 2;
  const ids: number[] = [];
  while (end - p >= 4) {
    const tid = tvb.u16(p);
    const n = tvb.u16(p + 2);
    ids.push(tid);
    tree.push(F._template, tvb, p, 4);
    if (tree.full) tree.label(`Template (Id = ${tid}, Count = ${n})`);
    tree.add(F.template_id, tvb, p, 2, tid);
    tree.add(F.template_field_count, tvb, p + 2, 2, n);
    const start = p;
    p += 4;
    const entries: Entry[] = [];
    for (let i = 1; i <= n; i++) p = templateField(tvb, tree, p, v10, `Field (${i}/${n})`, entries);
    tree.pop(p - start);
    storeTemplate(hdr, tid, { frame: hdr.frame, length: recordLength(entries), scopes: [], entries });
  }
  templateSetEnd(tvb, pinfo, tree, p, end, head, 'Data', ids);
}

/** A template set's label (`… (Data Template): 256,257`), its Info note and its padding. */
function templateSetEnd(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  p: number,
  end: number,
  head: string,
  kind: 'Data' | 'Options',
  ids: readonly number[],
): void {
  const list = ids.join(',');
  if (tree.full) tree.label(`${head} (${kind} Template): ${list}`);
  if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info} [${kind}-Template:${list}]`);
  if (p < end) tree.add(F.padding, tvb, p, end - p);
}

function optionsTemplates(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  p: number,
  end: number,
  hdr: Hdr,
  id: number,
  head: string,
): void {
  const v10 = id === 3;
  const ids: number[] = [];
  while (end - p >= 6) {
    const tid = tvb.u16(p);
    ids.push(tid);
    const start = p;
    tree.push(F._template, tvb, p, 6);
    const scopes: Entry[] = [];
    const entries: Entry[] = [];
    tree.add(F.template_id, tvb, p, 2, tid);
    let nScope: number;
    let nData: number;
    if (v10) {
      const total = tvb.u16(p + 2);
      nScope = tvb.u16(p + 4);
      nData = total - nScope;
      tree.add(F.template_ipfix_total_field_count, tvb, p + 2, 2, total);
      tree.add(F.template_ipfix_scope_field_count, tvb, p + 4, 2, nScope);
    } else {
      const scopeLen = tvb.u16(p + 2);
      const optLen = tvb.u16(p + 4);
      nScope = Math.floor(scopeLen / 4);
      nData = Math.floor(optLen / 4);
      tree.add(F.option_scope_length, tvb, p + 2, 2, scopeLen);
      tree.add(F.option_length, tvb, p + 4, 2, optLen);
    }
    if (tree.full)
      tree.label(`Options Template (Id = ${tid}) (Scope Count = ${nScope}; Data Count = ${nData})`);
    p += 6;
    for (let i = 1; i <= nScope; i++)
      p = templateField(tvb, tree, p, v10, `Field (${i}/${nScope}) [Scope]`, scopes, !v10);
    for (let i = 1; i <= nData; i++) p = templateField(tvb, tree, p, v10, `Field (${i}/${nData})`, entries);
    tree.pop(p - start);
    storeTemplate(hdr, tid, {
      frame: hdr.frame,
      length: recordLength(scopes) + recordLength(entries),
      scopes,
      entries,
    });
  }
  templateSetEnd(tvb, pinfo, tree, p, end, head, 'Options', ids);
}

function data(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  p: number,
  end: number,
  hdr: Hdr,
  id: number,
  head: string,
): void {
  const t = findTemplate(hdr, id);
  let length = end - p;
  if (t === undefined || t.length === 0) {
    expertItem(
      pinfo,
      tree,
      tvb,
      p,
      length,
      'Warning',
      'Malformed',
      `Data (${length} byte${length === 1 ? '' : 's'}), no template found`,
    );
    return;
  }
  tree.add(F.template_frame, tvb, 0, 0, t.frame);
  if (tree.full && t.frame > hdr.frame)
    tree.labelLast(`[Template Frame: ${t.frame} (received after this frame)]`);
  let n = 0;
  while (length >= t.length) {
    n++;
    tree.push(F._flow, tvb, p, t.length);
    if (tree.full) tree.label(`Flow ${n}`);
    const start = p;
    try {
      if (t.scopes.length > 0)
        p = hdr.version === 9 ? v9Scopes(tvb, tree, p, t.scopes) : record(tvb, tree, p, t.scopes, hdr);
      p = record(tvb, tree, p, t.entries, hdr);
    } finally {
      tree.pop();
    }
    hdr.flowsSeen++;
    const used = p - start;
    length -= used < length ? used : length;
  }
  if (tree.full) tree.label(`${head} (${n} flows)`);
  if (length !== 0) tree.add(F.padding, tvb, p, length);
}

function v9Scopes(tvb: Tvb, tree: Tree, p: number, scopes: readonly Entry[]): number {
  for (const e of scopes) {
    if (e.length === 0) continue;
    tvb.need(p, e.length);
    switch (e.type) {
      case 1:
        tree.add(F.scope_system, tvb, p, e.length);
        break;
      case 2:
        tree.add(F.scope_interface, tvb, p, e.length, uintOf(tvb, p, e.length));
        break;
      case 3:
        tree.add(F.scope_linecard, tvb, p, e.length, uintOf(tvb, p, e.length));
        break;
      case 4:
        tree.add(F.scope_cache, tvb, p, e.length);
        break;
      case 5:
        tree.add(F.scope_template, tvb, p, e.length);
        break;
      default:
        tree.add(F.unknown_field_type, tvb, p, e.length);
    }
    p += e.length;
  }
  return p;
}

/** An unsigned big-endian integer of 1 to 8 bytes (a number up to 6 bytes, else a bigint). */
function uintOf(tvb: Tvb, p: number, n: number): number | bigint {
  tvb.need(p, n);
  if (n <= 6) {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + (tvb.bytes[p + i] as number);
    return v;
  }
  let v = 0n;
  for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(tvb.bytes[p + i] as number);
  return v;
}

interface Times {
  startAt: number;
  endAt: number;
  start: [number, number];
  end: [number, number];
  /** The start and end were relative (switched, in milliseconds of uptime), not absolute. */
  startMs: number;
  endMs: number;
}

const DURATION = ['switched', 'seconds', 'milliseconds'] as const;

const SIMPLE: ReadonlyMap<number, (typeof F)[keyof typeof F]> = new Map([
  [1, F.octets],
  [2, F.packets],
  [3, F.flows],
  [163, F.flows],
  [5, F.tos],
  [8, F.srcaddr],
  [9, F.srcmask],
  [10, F.inputint],
  [12, F.dstaddr],
  [13, F.dstmask],
  [14, F.outputint],
  [15, F.nexthop],
  [16, F.srcas],
  [17, F.dstas],
  [18, F.bgpnexthop],
  [19, F.mulpackets],
  [20, F.muloctets],
  [23, F.post_octets],
  [24, F.post_packets],
  [25, F.length_min],
  [26, F.length_max],
  [27, F.srcaddrv6],
  [28, F.dstaddrv6],
  [29, F.srcmaskv6],
  [30, F.dstmaskv6],
  [31, F.ipv6flowlabel],
  [32, F.icmp_type_code_ipv4],
  [34, F.sampling_interval],
  [35, F.sampling_algorithm],
  [36, F.flow_active_timeout],
  [37, F.flow_inactive_timeout],
  [56, F.srcmac],
  [58, F.vlanid],
  [60, F.ip_version],
  [61, F.direction],
  [62, F.nexthopv6],
  [63, F.bgpnexthopv6],
  [82, F.if_name],
  [83, F.if_descr],
  [136, F.flow_end_reason],
  [300, F.observation_domain_name],
  [40, F.octetsexp],
  [41, F.packetsexp],
  [42, F.flowsexp],
  [149, F.od_id],
]);

function record(tvb: Tvb, tree: Tree, p: number, entries: readonly Entry[], hdr: Hdr): number {
  const v10 = hdr.version === 10;
  let ipProto = 0;
  const times: (Times | undefined)[] = [];
  for (const e of entries) {
    let length = e.length;
    if (length === 0) continue;
    let lengthAt = -1;
    if (length === VARIABLE) {
      lengthAt = p;
      length = tvb.u8(p);
      p += 1;
      if (length === 255) {
        length = tvb.u16(p);
        p += 2;
      }
    }
    tvb.need(p, length);
    const type = e.type;
    // Enterprise elements (and reverse ones) are shown generically.
    if (v10 && e.pen !== 0) {
      generic(tvb, tree, p, length, e, v10);
      p += length;
      continue;
    }
    const def = SIMPLE.get(type);
    if (type === 4) {
      ipProto = tvb.u8(p);
      tree.add(F.protocol, tvb, p, length, uintOf(tvb, p, length));
    } else if (type === 6) tcpFlags(tvb, tree, p, length);
    else if (type === 7 || type === 11) {
      const port = tvb.u16(p);
      tree.add(type === 7 ? F.srcport : F.dstport, tvb, p, length, uintOf(tvb, p, length));
      if (tree.full && (ipProto === 6 || ipProto === 17 || ipProto === 132))
        tree.labelLast(`${type === 7 ? 'SrcPort' : 'DstPort'}: ${port} (${port})`);
    } else if (type === 21 || type === 22 || (type >= 150 && type <= 153)) {
      timeField(tvb, tree, p, length, type, times);
    } else if (def !== undefined && fits(def.type, length)) {
      switch (def.type) {
        case FieldType.IPv4:
          tree.add(def, tvb, p, 4, tvb.u32(p));
          break;
        case FieldType.IPv6:
        case FieldType.Ether:
        case FieldType.Bytes:
          tree.add(def, tvb, p, length);
          break;
        case FieldType.String: {
          const s = stringValue(tvb.bytes, p, p + length, true);
          if (lengthAt < 0) {
            tree.add(def, tvb, p, length, s.field);
            break;
          }
          // A variable-length string shows its length octets under it.
          tree.push(def, tvb, p, length, s.field);
          if (p - lengthAt === 1) tree.add(F.string_len_short, tvb, lengthAt, 1, length);
          else tree.add(F.string_len_long, tvb, lengthAt + 1, 2, length);
          tree.pop();
          break;
        }
        default:
          tree.add(def, tvb, p, length, uintOf(tvb, p, length));
      }
    } else generic(tvb, tree, p, length, e, v10);
    p += length;
  }
  return p;
}

function fits(type: FieldType, length: number): boolean {
  if (type === FieldType.IPv4) return length === 4;
  if (type === FieldType.IPv6) return length === 16;
  if (type === FieldType.Ether) return length === 6;
  if (type === FieldType.UInt) return length >= 1 && length <= 8;
  return true;
}

function generic(tvb: Tvb, tree: Tree, p: number, length: number, e: Entry, v10: boolean): void {
  const def = v10 ? F.enterprise_private_entry : F.unknown_field_type;
  tree.add(def, tvb, p, length);
  if (!tree.full) return;
  const value = formatHex(tvb.bytes, p, length).replace(/(..)(?!$)/g, '$1 ');
  const pen = v10 ? `(${e.pen === 0 ? '(null)' : e.pen}) ` : '';
  tree.labelLast(`${def.name}: ${pen}Type ${e.type}: Value (hex bytes): ${value}`);
}

function tcpFlags(tvb: Tvb, tree: Tree, p: number, length: number): void {
  if (length === 1) {
    const v = tvb.u8(p);
    tree.push(F.tcpflags, tvb, p, 1, v);
    const bits = [
      F['tcpflags.urg'],
      F['tcpflags.ack'],
      F['tcpflags.psh'],
      F['tcpflags.rst'],
      F['tcpflags.syn'],
      F['tcpflags.fin'],
    ];
    if (tree.full) {
      const set = bits.filter((d) => v & (d.mask as number)).map((d) => `, ${d.name}`);
      tree.label(`TCP Flags: 0x${v.toString(16).padStart(2, '0')}${set.join('')}`);
    }
    tree.add(F['tcpflags.reserved'], tvb, p, 1, v >> 6);
    for (const d of bits) tree.add(d, tvb, p, 1, (v & (d.mask as number)) !== 0);
    tree.pop();
    return;
  }
  const v = tvb.u16(p);
  tree.push(F16.tcpflags, tvb, p, 2, v);
  const bits = [
    F['tcpflags.ns'],
    F['tcpflags.cwr'],
    F['tcpflags.ece'],
    F['tcpflags.urg'],
    F['tcpflags.ack'],
    F['tcpflags.psh'],
    F['tcpflags.rst'],
    F['tcpflags.syn'],
    F['tcpflags.fin'],
  ];
  const bits16 = bits.map((d) => (d.bits === 16 ? d : { ...d, bits: 16 }));
  if (tree.full) {
    const set = bits.filter((d) => v & (d.mask as number)).map((d) => `, ${d.name}`);
    tree.label(`TCP Flags: 0x${v.toString(16).padStart(4, '0')}${set.join('')}`);
  }
  tree.add(F['tcpflags.zero'], tvb, p, 2, v >> 12);
  tree.add(F['tcpflags.reserved16'], tvb, p, 2, (v >> 9) & 7);
  for (const d of bits16) tree.add(d, tvb, p, 2, (v & (d.mask as number)) !== 0);
  tree.pop();
}

function timeField(
  tvb: Tvb,
  tree: Tree,
  p: number,
  length: number,
  type: number,
  times: (Times | undefined)[],
): void {
  const kind = type === 21 || type === 22 ? 0 : type <= 151 ? 1 : 2;
  const isStart = type === 22 || type === 150 || type === 152;
  let sec: number;
  let nsec: number;
  let ms = 0;
  if (kind === 0) {
    ms = tvb.u32(p);
    sec = Math.floor(ms / 1000);
    nsec = (ms % 1000) * 1000000;
  } else if (kind === 1) {
    sec = tvb.u32(p);
    nsec = 0;
  } else {
    const v = tvb.u64(p);
    sec = Number(v / 1000n);
    nsec = Number(v % 1000n) * 1000000;
  }
  const t = (times[kind] ??= { startAt: 0, endAt: 0, start: [0, 0], end: [0, 0], startMs: 0, endMs: 0 });
  if (isStart) {
    t.startAt = p;
    t.start = [sec, nsec];
    t.startMs = ms;
  } else {
    t.endAt = p;
    t.end = [sec, nsec];
    t.endMs = ms;
  }
  if (t.startAt === 0 || t.endAt === 0) return;
  tree.push(F.timedelta, tvb, t.startAt, 0, deltaText(t.end, t.start));
  if (tree.full) tree.label(`[Duration: ${deltaText(t.end, t.start)} seconds (${DURATION[kind]})]`);
  if (t.startMs) tree.add(F.timestart, tvb, t.startAt, length, relText(t.start));
  else tree.add(F.abstimestart, tvb, t.startAt, length, formatAbsoluteUtc(t.start[0], t.start[1]));
  if (t.endMs) tree.add(F.timeend, tvb, t.endAt, length, relText(t.end));
  else tree.add(F.abstimeend, tvb, t.endAt, length, formatAbsoluteUtc(t.end[0], t.end[1]));
  tree.pop();
}

function relText([sec, nsec]: [number, number]): string {
  return `${sec}.${String(nsec).padStart(9, '0')}`;
}

function deltaText(a: [number, number], b: [number, number]): string {
  let sec = a[0] - b[0];
  let nsec = a[1] - b[1];
  if (nsec < 0 && sec > 0) {
    sec -= 1;
    nsec += 1e9;
  } else if (nsec > 0 && sec < 0) {
    sec += 1;
    nsec -= 1e9;
  }
  const neg = sec < 0 || nsec < 0;
  return `${neg ? '-' : ''}${Math.abs(sec)}.${String(Math.abs(nsec)).padStart(9, '0')}`;
}

export const cflowModule = {
  fields: { ...F, tcpflags16: F16.tcpflags },
  handoff(reg: Registry): void {
    for (const port of [2055, 9996, 4739]) reg.register('udpPort', port, dissectCflow);
  },
};
