// Stream Control Transmission Protocol (RFC 9260), IP protocol 132: the common header and the
// chunks, DATA chunks with TSNs relative to the first of their direction and their user data
// shown as data, SACK, INIT and INIT ACK fixed parts, as tshark 4.0 shows them. Info lists the
// chunks (`SACK (Ack=0, Arwnd=57320) DATA (TSN=1) `).
import { dissectData } from './data.ts';
import { bool, bytes, fields, hex, names, proto, text, uint } from './field.ts';
import { Conversations, expert, firstPass, ipLayer } from './ip-proto.ts';
import type { CaptureState, PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { NodeFlag, type Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';

const CHUNK_TYPES = names({
  0: 'DATA',
  1: 'INIT',
  2: 'INIT_ACK',
  3: 'SACK',
  4: 'HEARTBEAT',
  5: 'HEARTBEAT_ACK',
  6: 'ABORT',
  7: 'SHUTDOWN',
  8: 'SHUTDOWN_ACK',
  9: 'ERROR',
  10: 'COOKIE_ECHO',
  11: 'COOKIE_ACK',
  12: 'ECNE',
  13: 'CWR',
  14: 'SHUTDOWN_COMPLETE',
  15: 'AUTH',
  16: 'NR_SACK',
  64: 'I_DATA',
  128: 'ASCONF_ACK',
  129: 'PKTDROP',
  130: 'RE_CONFIG',
  132: 'PAD',
  192: 'FORWARD_TSN',
  193: 'ASCONF',
  194: 'I_FORWARD_TSN',
  255: 'IETF_EXTENSION',
});

const PPIDS = names({
  0: 'not specified',
  1: 'IUA',
  2: 'M2UA',
  3: 'M3UA',
  4: 'SUA',
  5: 'M2PA',
  6: 'V5UA',
  7: 'H.248',
  46: 'Diameter',
  47: 'DiameterDTLS',
  51: 'WebRTC String',
  53: 'WebRTC Binary',
  60: 'NGAP',
  62: 'XwAP',
});

const TF_STOP = [
  'Skip chunk and continue processing of the packet',
  'Stop processing of the packet',
] as const;
const TF_REPORT = ['Do report', 'Do not report'] as const;

export const F = fields('sctp', {
  '': proto('Stream Control Transmission Protocol'),
  srcport: uint('Source port', 16),
  dstport: uint('Destination port', 16),
  port: uint('Port', 16, { hidden: true }),
  verification_tag: hex('Verification tag', 32),
  checksum: hex('Checksum', 32),
  'checksum.status': uint('Checksum Status', 8, {
    strings: names({ 0: 'Bad', 1: 'Good', 2: 'Unverified' }),
    generated: true,
  }),
  chunk: text('Chunk'),
  chunk_type: uint('Chunk type', 8, { strings: CHUNK_TYPES }),
  chunk_bit_1: bool('Bit', 8, 0x80, { tf: TF_STOP }),
  chunk_bit_2: bool('Bit', 8, 0x40, { tf: TF_REPORT }),
  chunk_flags: hex('Chunk flags', 8),
  chunk_length: uint('Chunk length', 16),
  chunk_value: bytes('Chunk value'),
  chunk_padding: bytes('Chunk padding'),
  data_i_bit: bool('I-Bit', 8, 0x08, { tf: ['Send SACK immediately', 'Possibly delay SACK'] }),
  data_u_bit: bool('U-Bit', 8, 0x04, { tf: ['Unordered delivery', 'Ordered delivery'] }),
  data_b_bit: bool('B-Bit', 8, 0x02, { tf: ['First segment', 'Subsequent segment'] }),
  data_e_bit: bool('E-Bit', 8, 0x01, { tf: ['Last segment', 'Not the last segment'] }),
  data_tsn: uint('Transmission sequence number (relative)', 32),
  data_tsn_raw: uint('Transmission sequence number (absolute)', 32),
  data_sid: hex('Stream identifier', 16),
  data_ssn: uint('Stream sequence number', 16),
  data_payload_proto_id: uint('Payload protocol identifier', 32, { strings: PPIDS }),
  sack_cumulative_tsn_ack: uint('Cumulative TSN ACK (relative)', 32),
  sack_cumulative_tsn_ack_raw: uint('Cumulative TSN ACK (absolute)', 32),
  sack_a_rwnd: uint('Advertised receiver window credit (a_rwnd)', 32),
  init_initiate_tag: hex('Initiate tag', 32),
  init_credit: uint('Advertised receiver window credit (a_rwnd)', 32),
  init_nr_out_streams: uint('Number of outbound streams', 16),
  init_nr_in_streams: uint('Number of inbound streams', 16),
  init_initial_tsn: uint('Initial TSN', 32),
});

/** Per direction (2 × association + direction) the TSN the relative ones count from, -1 unknown. */
class SctpState {
  readonly convs = new Conversations();
  readonly base: number[] = [];
}

const newState = (): SctpState => new SctpState();
let owner: CaptureState | null = null;
let cached: SctpState | null = null;

function stateOf(pinfo: PacketInfo): SctpState {
  if (pinfo.state !== owner || cached === null) {
    cached = pinfo.state.of('sctp', newState);
    owner = pinfo.state;
  }
  return cached;
}

interface Flows {
  fwd: number;
  rev: number;
  first: boolean;
  st: SctpState;
}

export function dissectSCTP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('sctp');
  const sport = tvb.u16(o);
  const dport = tvb.u16(o + 2);
  pinfo.setProto('SCTP');
  if (!pinfo.inError) {
    pinfo.srcPort = sport;
    pinfo.dstPort = dport;
  }
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  if (tree.full) tree.label(`${F[''].name}, Src Port: ${sport} (${sport}), Dst Port: ${dport} (${dport})`);
  tree.add(F.srcport, tvb, o, 2, sport);
  tree.add(F.dstport, tvb, o + 2, 2, dport);
  tree.add(F.port, tvb, o, 2, sport);
  tree.add(F.port, tvb, o + 2, 2, dport);
  tree.add(F.verification_tag, tvb, o + 4, 4, tvb.u32(o + 4));
  if (tree.full)
    tree.note('[Association index: disabled (enable in preferences)]', tvb, o, 0, NodeFlag.Generated);
  const sum = tvb.u32(o + 8);
  tree.add(F.checksum, tvb, o + 8, 4, sum);
  if (tree.full) tree.labelLast(`Checksum: 0x${sum.toString(16).padStart(8, '0')} [unverified]`);
  tree.add(F['checksum.status'], tvb, o + 8, 0, 2);
  if (tree.full) tree.labelLast('[Checksum Status: Unverified]');
  const flows = flowsOf(pinfo, sport, dport);
  let p = o + 12;
  const end = o + tvb.reportedRemaining(o);
  try {
    while (p < end) p = dissectChunk(tvb, p, end, flows, pinfo, tree);
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

function flowsOf(pinfo: PacketInfo, sport: number, dport: number): Flows {
  const st = stateOf(pinfo);
  const first = firstPass(pinfo.state, pinfo);
  const frame = pinfo.meta.number;
  let c = st.convs.find(ipLayer, sport, dport, frame);
  if (c < 0) c = first ? st.convs.create(ipLayer, sport, dport, frame) : st.convs.count;
  const dir = st.convs.dir;
  return { fwd: 2 * c + dir, rev: 2 * c + 1 - dir, first, st };
}

/** One chunk; returns where the next one starts. */
function dissectChunk(tvb: Tvb, p: number, end: number, flows: Flows, pinfo: PacketInfo, tree: Tree): number {
  const type = tvb.u8(p);
  const flags = tvb.u8(p + 1);
  const len = tvb.u16(p + 2);
  const name = CHUNK_TYPES.get(type) ?? 'UNKNOWN';
  const padded = (len + 3) & ~3;
  tree.push(F.chunk, tvb, p, Math.max(4, Math.min(padded, end - p)));
  if (tree.full) tree.label(`${name} chunk`);
  tree.push(F.chunk_type, tvb, p, 1, type);
  tree.add(F.chunk_bit_1, tvb, p, 1, (type & 0x80) !== 0);
  tree.add(F.chunk_bit_2, tvb, p, 1, (type & 0x40) !== 0);
  tree.pop();
  if (type === 0) dataFlags(tvb, p, flags, tree);
  else tree.add(F.chunk_flags, tvb, p + 1, 1, flags);
  if (len < 4) {
    // A bogus length ends the chunk's decode; the next one starts four bytes on.
    tree.add(F.chunk_length, tvb, p + 2, 2, len);
    if (tree.full) {
      tree.labelLast(`Chunk length: ${len} (invalid, should be >= 4)`);
      tree.label(`${name} chunk, bogus chunk length ${len} < 4)`);
    }
    tree.pop();
    if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info}${name} `);
    return p + 4;
  }
  if (p + len > end) {
    tree.push(F.chunk_length, tvb, p + 2, 2, len);
    const left = end - p;
    expert(
      pinfo,
      tree,
      tvb,
      p + 2,
      2,
      'Error',
      'Malformed',
      `Chunk length (${len}) is longer than remaining data (${left}) in the packet.`,
    );
    tree.pop();
    if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info}${name} `);
    throw new MalformedError('Malformed Packet', end);
  }
  tree.add(F.chunk_length, tvb, p + 2, 2, len);
  let info = name;
  switch (type) {
    case 0:
      info = dataChunk(tvb, p, len, flags, flows, pinfo, tree);
      break;
    case 1:
    case 2:
      initChunk(tvb, p, len, flows, tree);
      break;
    case 3:
      info = sackChunk(tvb, p, flows, tree);
      break;
    default:
      if (len > 4) {
        tvb.need(p + 4, len - 4);
        tree.add(F.chunk_value, tvb, p + 4, len - 4);
      }
  }
  if (padded > len && p + padded <= end) tree.add(F.chunk_padding, tvb, p + len, padded - len);
  tree.pop();
  if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info}${info} `);
  return p + padded;
}

function relative(flows: Flows, flow: number, tsn: number): number {
  const base = flows.st.base[flow];
  return base === undefined ? tsn : (tsn - base) >>> 0;
}

function dataChunk(
  tvb: Tvb,
  p: number,
  len: number,
  flags: number,
  flows: Flows,
  pinfo: PacketInfo,
  tree: Tree,
): string {
  const tsn = tvb.u32(p + 4);
  if (flows.first && flows.st.base[flows.fwd] === undefined) flows.st.base[flows.fwd] = tsn;
  const rel = relative(flows, flows.fwd, tsn);
  tree.add(F.data_tsn, tvb, p + 4, 4, rel);
  tree.add(F.data_tsn_raw, tvb, p + 4, 4, tsn);
  const sid = tvb.u16(p + 8);
  const ssn = tvb.u16(p + 10);
  const ppid = tvb.u32(p + 12);
  tree.add(F.data_sid, tvb, p + 8, 2, sid);
  tree.add(F.data_ssn, tvb, p + 10, 2, ssn);
  tree.add(F.data_payload_proto_id, tvb, p + 12, 4, ppid);
  const size = len - 16;
  if (tree.full) {
    const order = flags & 0x04 ? 'unordered' : 'ordered';
    const seg =
      (flags & 3) === 3
        ? 'complete segment'
        : flags & 2
          ? 'first segment'
          : flags & 1
            ? 'last segment'
            : 'middle segment';
    tree.label(
      `DATA chunk (${order}, ${seg}, TSN: ${rel}, SID: ${sid}, SSN: ${ssn}, PPID: ${ppid}, payload length: ${size} bytes)`,
    );
  }
  if (size > 0) {
    tree.reopen(null);
    dissectData(tvb.sub(p + 16, size), pinfo, tree);
    tree.pop();
  }
  return `DATA (TSN=${rel})`;
}

function dataFlags(tvb: Tvb, p: number, flags: number, tree: Tree): void {
  tree.push(F.chunk_flags, tvb, p + 1, 1, flags);
  tree.add(F.data_i_bit, tvb, p + 1, 1, (flags & 0x08) !== 0);
  tree.add(F.data_u_bit, tvb, p + 1, 1, (flags & 0x04) !== 0);
  tree.add(F.data_b_bit, tvb, p + 1, 1, (flags & 0x02) !== 0);
  tree.add(F.data_e_bit, tvb, p + 1, 1, (flags & 0x01) !== 0);
  tree.pop();
}

function initChunk(tvb: Tvb, p: number, len: number, flows: Flows, tree: Tree): void {
  tree.add(F.init_initiate_tag, tvb, p + 4, 4, tvb.u32(p + 4));
  tree.add(F.init_credit, tvb, p + 8, 4, tvb.u32(p + 8));
  tree.add(F.init_nr_out_streams, tvb, p + 12, 2, tvb.u16(p + 12));
  tree.add(F.init_nr_in_streams, tvb, p + 14, 2, tvb.u16(p + 14));
  const tsn = tvb.u32(p + 16);
  tree.add(F.init_initial_tsn, tvb, p + 16, 4, tsn);
  if (flows.first && flows.st.base[flows.fwd] === undefined) flows.st.base[flows.fwd] = tsn;
  if (len > 20) {
    tvb.need(p + 20, len - 20);
    tree.add(F.chunk_value, tvb, p + 20, len - 20);
  }
}

function sackChunk(tvb: Tvb, p: number, flows: Flows, tree: Tree): string {
  const ack = tvb.u32(p + 4);
  const rel = relative(flows, flows.rev, ack);
  const rwnd = tvb.u32(p + 8);
  tree.add(F.sack_cumulative_tsn_ack, tvb, p + 4, 4, rel);
  tree.add(F.sack_cumulative_tsn_ack_raw, tvb, p + 4, 4, ack);
  tree.add(F.sack_a_rwnd, tvb, p + 8, 4, rwnd);
  return `SACK (Ack=${rel}, Arwnd=${rwnd})`;
}

export const sctpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('ipProto', 132, dissectSCTP);
  },
};
