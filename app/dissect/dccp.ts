// Datagram Congestion Control Protocol (RFC 4340), IP protocol 33: the generic header (short and
// extended sequence numbers), the acknowledgement subheader, service and reset codes, options,
// the checksum over the coverage CsCov gives, stream index and sequence numbers relative to the
// Request/Response ones, as tshark 4.0 shows them. The payload is shown as data.
import { dissectData } from './data.ts';
import { bytes, fields, hex, names, proto, text, uint, FieldType } from './field.ts';
import { Conversations, expert, firstPass, ipLayer, onesSum } from './ip-proto.ts';
import { AddrKind, type CaptureState, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TYPES = names({
  0: 'Request',
  1: 'Response',
  2: 'Data',
  3: 'Ack',
  4: 'DataAck',
  5: 'CloseReq',
  6: 'Close',
  7: 'Reset',
  8: 'Sync',
  9: 'SyncAck',
  10: 'Listen',
  11: 'Reserved',
  12: 'Reserved',
  13: 'Reserved',
  14: 'Reserved',
  15: 'Reserved',
});

const RESET_CODES = names({
  0: 'Unspecified',
  1: 'Closed',
  2: 'Aborted',
  3: 'No Connection',
  4: 'Packet Error',
  5: 'Option Error',
  6: 'Mandatory Error',
  7: 'Connection Refused',
  8: 'Bad Service Code',
  9: 'Too Busy',
  10: 'Bad Init Cookie',
  11: 'Aggression Penalty',
});

const OPTION_NAMES = names({
  0: 'Padding',
  1: 'Mandatory',
  2: 'Slow Receiver',
  32: 'Change L',
  33: 'Confirm L',
  34: 'Change R',
  35: 'Confirm R',
  36: 'Init Cookie',
  37: 'NDP Count',
  38: 'Ack Vector [Nonce 0]',
  39: 'Ack Vector [Nonce 1]',
  40: 'Data Dropped',
  41: 'Timestamp',
  42: 'Timestamp Echo',
  43: 'Elapsed Time',
  44: 'Data Checksum',
});

const CHECKSUM_STATUS = names({ 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' });

export const F = fields('dccp', {
  '': proto('Datagram Congestion Control Protocol'),
  srcport: uint('Source Port', 16),
  dstport: uint('Destination Port', 16),
  port: uint('Source or Destination Port', 16, { hidden: true }),
  stream: uint('Stream index', 32, { generated: true }),
  data_offset: uint('Data Offset', 8),
  ccval: uint('CCVal', 8),
  cscov: uint('Checksum Coverage', 8),
  checksum: hex('Checksum', 16),
  'checksum.status': uint('Checksum Status', 8, { strings: CHECKSUM_STATUS, generated: true }),
  res1: hex('Reserved', 8),
  type: uint('Type', 8, { strings: TYPES }),
  x: { name: 'Extended Sequence Numbers', type: FieldType.Bool, tf: ['True', 'False'] },
  res2: hex('Reserved', 8),
  seq: uint('Sequence Number', 64),
  seq_raw: uint('Sequence Number (raw)', 64),
  ack_res: hex('Reserved', 16),
  ack: uint('Acknowledgement Number', 64),
  ack_raw: uint('Acknowledgement Number (raw)', 64),
  service_code: uint('Service Code', 32),
  reset_code: uint('Reset Code', 8, { strings: RESET_CODES }),
  data1: uint('Data 1', 8),
  data2: uint('Data 2', 8),
  data3: uint('Data 3', 8),
  options: text('Options'),
  option_type: uint('Option Type', 8, { strings: OPTION_NAMES }),
  option_data: bytes('Option Data'),
  padding: bytes('Padding'),
});

/** Sequence number bases per flow (2 × stream + direction), -1n until a Request/Response set one. */
class DccpState {
  readonly convs = new Conversations();
  readonly base: bigint[] = [];
}

const newState = (): DccpState => new DccpState();
let owner: CaptureState | null = null;
let cached: DccpState | null = null;

function stateOf(pinfo: PacketInfo): DccpState {
  if (pinfo.state !== owner || cached === null) {
    cached = pinfo.state.of('dccp', newState);
    owner = pinfo.state;
  }
  return cached;
}

export function dissectDCCP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('dccp');
  const sport = tvb.u16(o);
  const dport = tvb.u16(o + 2);
  pinfo.setProto('DCCP');
  if (!pinfo.inError) {
    pinfo.srcPort = sport;
    pinfo.dstPort = dport;
  }
  const offset = tvb.u8(o + 4);
  const hlen = offset * 4;
  tree.push(F[''], tvb, o, Math.min(Math.max(hlen, 12), tvb.remaining(o)));
  tree.add(F.srcport, tvb, o, 2, sport);
  tree.add(F.dstport, tvb, o + 2, 2, dport);
  tree.add(F.port, tvb, o, 2, sport);
  tree.add(F.port, tvb, o + 2, 2, dport);
  const { stream, fwd, rev } = streamOf(pinfo, sport, dport);
  tree.add(F.stream, tvb, o, 0, stream);
  tree.add(F.data_offset, tvb, o + 4, 1, offset);
  const b5 = tvb.u8(o + 5);
  tree.add(F.ccval, tvb, o + 5, 1, b5 >> 4);
  tree.add(F.cscov, tvb, o + 5, 1, b5 & 0x0f);
  addChecksum(tvb, o, b5 & 0x0f, hlen, pinfo, tree);
  const b8 = tvb.u8(o + 8);
  const type = (b8 >> 1) & 0x0f;
  const extended = (b8 & 1) === 1;
  tree.add(F.type, tvb, o + 8, 1, type);
  tree.add(F.x, tvb, o + 8, 1, extended);

  const st = stateOf(pinfo);
  const first = firstPass(pinfo.state, pinfo);
  let p: number;
  let seq: bigint;
  if (extended) {
    tree.add(F.res2, tvb, o + 9, 1, tvb.u8(o + 9));
    seq = (BigInt(tvb.u16(o + 10)) << 32n) | BigInt(tvb.u32(o + 12));
    p = o + 16;
  } else {
    seq = BigInt(tvb.u24(o + 9));
    p = o + 12;
  }
  if (first && (type === 0 || type === 1) && (st.base[fwd] ?? -1n) < 0n) st.base[fwd] = seq;
  const fbase = st.base[fwd] ?? -1n;
  const relSeq = type <= 1 || fbase < 0n ? seq : seq - fbase;
  tree.add(extended ? F.seq_raw : F.seq, tvb, extended ? o + 10 : o + 9, extended ? 6 : 3, relSeq);
  let info = `${sport} → ${dport} [${TYPES.get(type) ?? ''}] Seq=${relSeq}`;
  if (tree.full)
    tree.label(`${F[''].name}, Src Port: ${sport}, Dst Port: ${dport}${info.slice(info.indexOf(' ['))}`);

  if (type !== 0 && type !== 2) {
    let ack: bigint;
    if (extended) {
      tree.add(F.ack_res, tvb, p, 2, tvb.u16(p));
      ack = (BigInt(tvb.u16(p + 2)) << 32n) | BigInt(tvb.u32(p + 4));
      p += 8;
    } else {
      tree.add(F.ack_res, tvb, p, 1, tvb.u8(p));
      ack = BigInt(tvb.u24(p + 1));
      p += 4;
    }
    const rbase = st.base[rev] ?? -1n;
    const relAck = rbase < 0n ? ack : ack - rbase;
    tree.add(extended ? F.ack_raw : F.ack, tvb, p - (extended ? 6 : 3), extended ? 6 : 3, relAck);
    info += ` (Ack=${relAck})`;
  }
  if (type === 0 || type === 1) {
    const code = tvb.u32(p);
    const service = code === 0 ? 'not specified' : `Unknown (${code})`;
    tree.add(F.service_code, tvb, p, 4, code);
    if (tree.full) tree.labelLast(`Service Code: ${code === 0 ? 'not specified (0)' : service}`);
    info += ` (service=${service})`;
    p += 4;
  } else if (type === 7) {
    const code = tvb.u8(p);
    tree.add(F.reset_code, tvb, p, 1, code);
    tree.add(F.data1, tvb, p + 1, 1, tvb.u8(p + 1));
    tree.add(F.data2, tvb, p + 2, 1, tvb.u8(p + 2));
    tree.add(F.data3, tvb, p + 3, 1, tvb.u8(p + 3));
    info += ` (code=${RESET_CODES.get(code) ?? 'Unknown'})`;
    p += 4;
  }
  if (pinfo.wantInfo) pinfo.setInfo(info);
  if (hlen > p - o) dissectOptions(tvb, p, o + hlen, tree);
  tree.pop();
  const payload = tvb.sub(o + Math.max(hlen, p - o));
  if (payload.remaining(payload.start) > 0) dissectData(payload, pinfo, tree);
  return tvb.remaining(o);
}

function streamOf(
  pinfo: PacketInfo,
  sport: number,
  dport: number,
): { stream: number; fwd: number; rev: number } {
  const convs = stateOf(pinfo).convs;
  const frame = pinfo.meta.number;
  let c = convs.find(ipLayer, sport, dport, frame);
  if (c < 0) c = firstPass(pinfo.state, pinfo) ? convs.create(ipLayer, sport, dport, frame) : convs.count;
  const dir = convs.dir;
  return { stream: c, fwd: 2 * c + dir, rev: 2 * c + 1 - dir };
}

/** The checksum over the pseudo-header and the bytes CsCov covers (0: the whole packet). */
function addChecksum(tvb: Tvb, o: number, cscov: number, hlen: number, pinfo: PacketInfo, tree: Tree): void {
  const sum = tvb.u16(o + 6);
  const reported = tvb.reportedRemaining(o);
  const covered = cscov === 0 ? reported : Math.min(reported, hlen + (cscov - 1) * 4);
  const text = `0x${sum.toString(16).padStart(4, '0')}`;
  if (ipLayer.kind === AddrKind.None || !tvb.has(o, covered) || ipLayer.fragmented) {
    tree.add(F.checksum, tvb, o + 6, 2, sum);
    tree.add(F['checksum.status'], tvb, o + 6, 0, 2);
    if (tree.full) tree.labelLast('[Checksum Status: Unverified]');
    return;
  }
  const l = ipLayer;
  const alen = l.kind === AddrKind.IPv6 ? 16 : 4;
  let acc = onesSum(l.bytes, l.src, alen);
  acc = onesSum(l.bytes, l.dst, alen, acc);
  acc += 33 + (reported >>> 16) + (reported & 0xffff);
  const total = onesSum(tvb.bytes, o, covered, acc);
  const good = total === 0xffff;
  tree.push(F.checksum, tvb, o + 6, 2, sum);
  if (good) {
    if (tree.full) tree.label(`Checksum: ${text} [correct]`);
  } else {
    const want = (~onesSum(tvb.bytes, o + 8, covered - 8, onesSum(tvb.bytes, o, 6, acc)) & 0xffff) >>> 0;
    const should = `0x${want.toString(16).padStart(4, '0')}`;
    if (tree.full) tree.label(`Checksum: ${text} incorrect, should be ${should}`);
    expert(pinfo, tree, tvb, o + 6, 2, 'Error', 'Checksum', `Bad checksum [should be ${should}]`);
  }
  tree.pop();
  tree.add(F['checksum.status'], tvb, o + 6, 0, good ? 1 : 0);
  if (tree.full) tree.labelLast(`[Checksum Status: ${good ? 'Good' : 'Bad'}]`);
}

/** Options: 0-31 are single bytes, the others type, length (≥ 2), data. */
function dissectOptions(tvb: Tvb, p: number, end: number, tree: Tree): void {
  tree.push(F.options, tvb, p, end - p);
  if (tree.full) tree.label(`Options: (${end - p} bytes)`);
  while (p < end) {
    const type = tvb.u8(p);
    if (type < 32) {
      tree.add(F.option_type, tvb, p, 1, type);
      p++;
      continue;
    }
    const len = tvb.u8(p + 1);
    tree.add(F.option_type, tvb, p, 1, type);
    if (len < 2 || p + len > end) break;
    if (len > 2) tree.add(F.option_data, tvb, p + 2, len - 2);
    p += len;
  }
  tree.pop();
}

export const dccpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('ipProto', 33, dissectDCCP);
  },
};
