// Transmission Control Protocol (RFC 9293): header, options, stream index and relative sequence
// numbers as Wireshark computes them, payload by port, reassembled across segments when the
// payload's dissector asks for it (tcp-reassembly.ts).
import { wantsExpert } from './dissect.ts';
import { bitPicture } from './field-text.ts';
import {
  bool,
  bytes,
  fields,
  hex,
  names,
  proto,
  str,
  text,
  uint,
  FieldType,
  type FieldDef,
} from './field.ts';
import { be16, be32, Conversations, expert, expertItem, firstPass, ipLayer, EXPERT } from './ip-proto.ts';
import { dissectData } from './data.ts';
import { Hint, type CaptureState, type PacketInfo } from './packet-info.ts';
import type { Dissector, Registry } from './registry.ts';
import { F as MPTCP, dissectMptcpOption, mptcpAnalysisTree, type MptcpSegment } from './mptcp.ts';
import {
  AF,
  analysisInfo,
  analysisTree,
  OUT_OF_ORDER,
  PLAIN_RETRANSMISSION,
  RETRANSMITTED,
  SeqAnalysis,
} from './tcp-analysis.ts';
import { addStreamTimes, StreamTimes } from './stream-times.ts';
import { desegmentPdus, RF, StreamReassembly } from './tcp-reassembly.ts';
import { NULL_TREE, type FieldNode, type Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const KIND_NAMES = names({
  0: 'End of Option List',
  1: 'No-Operation',
  2: 'Maximum Segment Size',
  3: 'Window Scale',
  4: 'SACK Permitted',
  5: 'SACK',
  6: 'Echo',
  7: 'Echo Reply',
  8: 'Time Stamp Option',
  9: 'Partial Order Connection Permitted',
  10: 'Partial Order Service Profile',
  11: 'CC',
  12: 'CC.NEW',
  13: 'CC.ECHO',
  14: 'TCP Alternate Checksum Request',
  15: 'TCP Alternate Checksum Data',
  16: 'Skeeter',
  17: 'Bubba',
  18: 'Trailer Checksum Option',
  19: 'MD5 Signature Option',
  20: 'SCPS Capabilities',
  21: 'Selective Negative Acknowledgements',
  22: 'Record Boundaries',
  23: 'Corruption experienced',
  24: 'SNAP',
  25: 'Unassigned',
  26: 'TCP Compression Filter',
  27: 'Quick-Start Response',
  28: 'User Timeout Option',
  29: 'The TCP Authentication Option',
  30: 'Multipath TCP',
  34: 'TCP Fast Open Cookie',
  76: 'Riverbed Probe',
  78: 'Riverbed Transparency',
  172: 'Accurate ECN Order 0',
  174: 'Accurate ECN Order 1',
  253: 'RFC3692-style Experiment 1',
  254: 'RFC3692-style Experiment 2',
});

const EXID_NAMES = names({
  0xac: 'TCP ACK Rate Request',
  0x348: 'Host ID',
  0xa0d: 'Autonomous System Compensation',
  0xca0: 'Capability Option',
  0xed0: 'Extended Data Offset',
  0x454e: 'Encryption Negotiation',
  0x5323: 'Service Number',
  0x75ec: 'Timestamp Interval',
  0xacc0: 'Accurate ECN - Order 0',
  0xacc1: 'Accurate ECN - Order 1',
  0xacce: 'Accurate ECN',
  0xe2d4: 'Shared Memory communications over RMDA protocol',
  0xf989: 'Fast Open',
  0xf990: 'Low Latency',
});

const CHECKSUM_STATUS = names({ 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' });

export const F = fields('tcp', {
  '': proto('Transmission Control Protocol'),
  srcport: uint('Source Port', 16),
  dstport: uint('Destination Port', 16),
  port: uint('Source or Destination Port', 16, { hidden: true }),
  stream: uint('Stream index', 32, { generated: true }),
  completeness: uint('Conversation completeness', 8, { generated: true }),
  len: uint('TCP Segment Len', 32, { generated: true }),
  seq: uint('Sequence Number', 32),
  seq_raw: uint('Sequence Number (raw)', 32),
  nxtseq: uint('Next Sequence Number', 32, { generated: true }),
  ack: uint('Acknowledgment Number', 32),
  ack_raw: uint('Acknowledgment number (raw)', 32),
  hdr_len: uint('Header Length', 8),
  flags: hex('Flags', 16, { mask: 0x0fff }),
  'flags.res': bool('Reserved', 12, 0xe00),
  'flags.ae': bool('Accurate ECN', 12, 0x100),
  'flags.cwr': bool('Congestion Window Reduced', 12, 0x80),
  'flags.ece': bool('ECN-Echo', 12, 0x40),
  'flags.urg': bool('Urgent', 12, 0x20),
  'flags.ack': bool('Acknowledgment', 12, 0x10),
  'flags.push': bool('Push', 12, 0x8),
  'flags.reset': bool('Reset', 12, 0x4),
  'flags.syn': bool('Syn', 12, 0x2),
  'flags.fin': bool('Fin', 12, 0x1),
  'flags.str': str('TCP Flags', { generated: true }),
  window_size_value: uint('Window', 16),
  window_size: uint('Calculated window size', 32, { generated: true }),
  window_size_scalefactor: {
    name: 'Window size scaling factor',
    type: FieldType.Int,
    base: 'dec',
    bits: 32,
    generated: true,
  },
  checksum: hex('Checksum', 16),
  'checksum.status': uint('Checksum Status', 8, { strings: CHECKSUM_STATUS, generated: true }),
  urgent_pointer: uint('Urgent Pointer', 16),
  options: bytes('TCP Options'),
  option_kind: uint('Kind', 8, { strings: KIND_NAMES }),
  option_len: uint('Length', 8),
  'options.nop': bytes('TCP Option - No-Operation (NOP)'),
  'options.eol': bytes('TCP Option - End of Option List (EOL)'),
  'options.mss': bytes('TCP Option - Maximum segment size'),
  'options.mss_val': uint('MSS Value', 16),
  'options.wscale': bytes('TCP Option - Window scale'),
  'options.wscale.shift': uint('Shift count', 8),
  'options.wscale.multiplier': uint('Multiplier', 16, { generated: true }),
  'options.sack_perm': bytes('TCP Option - SACK permitted'),
  'options.sack': bytes('TCP Option - SACK'),
  'options.sack_le': uint('TCP SACK Left Edge', 32),
  'options.sack_re': uint('TCP SACK Right Edge', 32),
  'options.sack.count': uint('TCP SACK Count', 8, { generated: true }),
  'options.timestamp': bytes('TCP Option - Timestamps'),
  'options.timestamp.tsval': uint('Timestamp value', 32),
  'options.timestamp.tsecr': uint('Timestamp echo reply', 32),
  'options.echo': bytes('TCP Option - Echo'),
  'options.echo_value': uint('TCP Echo Option', 32),
  'options.user_to': bytes('TCP Option - User Timeout'),
  'options.user_to_granularity': bool('Granularity', 16, 0x8000, { tf: ['Minutes', 'Seconds'] }),
  'options.user_to_val': uint('User Timeout', 16, { mask: 0x7fff }),
  'options.tfo': bytes('TCP Option - TCP Fast Open'),
  'options.tfo.request': text('Fast Open Cookie Request'),
  'options.tfo.cookie': bytes('Fast Open Cookie'),
  'options.experimental': bytes('TCP Option - Experimental'),
  'options.experimental.exid': hex('Experiment Identifier', 16, { strings: EXID_NAMES }),
  'options.experimental.data': bytes('Data'),
  'options.tarr.rate': uint('TARR Rate', 8, { mask: 0xfe }),
  'options.tar.reserved': uint('TARR Reserved', 8, { mask: 0x01 }),
  'options.acc_ecn.ee0b': uint('Accurate ECN Echo ECT(0) Byte Counter', 24),
  'options.acc_ecn.eceb': uint('Accurate ECN Echo CE Byte Counter', 24),
  'options.acc_ecn.ee1b': uint('Accurate ECN Echo ECT(1) Byte Counter', 24),
  'options.unknown': bytes('TCP Option - Unknown'),
  'options.unknown.payload': bytes('Payload'),
  payload: bytes('TCP payload'),
  reset_cause: str('Reset cause'),
  _timestamps: text('Timestamps'),
  time_relative: {
    name: 'Time since first frame in this TCP stream',
    type: FieldType.RelTime,
    unit: 'seconds',
    generated: true,
  },
  time_delta: {
    name: 'Time since previous frame in this TCP stream',
    type: FieldType.RelTime,
    unit: 'seconds',
    generated: true,
  },
});

const TH = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
  AE: 0x100,
};
const FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'AE'];
const FLAG_LETTERS = 'RRRACEUAPRSF';
const FLAG_DEFS = [
  F['flags.cwr'],
  F['flags.ece'],
  F['flags.urg'],
  F['flags.ack'],
  F['flags.push'],
  F['flags.reset'],
  F['flags.syn'],
  F['flags.fin'],
];

/** `PSH, ACK` (Info and the Flags line), `<None>` when no flag is set. */
export function tcpFlagsText(flags: number): string {
  let s = '';
  for (let i = 0; i < 9; i++) {
    if (flags & (1 << i)) s += (s ? ', ' : '') + (FLAG_NAMES[i] as string);
  }
  if (flags & 0xe00) s += (s ? ', ' : '') + 'Reserved';
  return s || '<None>';
}

function flagLetters(flags: number): string {
  let s = '';
  for (let i = 0; i < 12; i++) s += (flags >> (11 - i)) & 1 ? FLAG_LETTERS[i] : '·';
  return s;
}

/**
 * Capture-wide TCP state: conversations (stream index = conversation number) and, per direction
 * ("flow" 2c for the side that started conversation c, 2c+1 for the other), the sequence base
 * and window scale Wireshark keeps in tcp_flow_t.
 */
class TcpState {
  readonly convs = new Conversations();
  /** Sequence number base of each flow; NaN until known. */
  readonly base: number[] = [];
  /** Window scale shift of each flow: -1 unknown, -2 not used. */
  readonly winScale: number[] = [];
  /** Server port from the handshake (tried first for the payload), 0 when unknown. */
  readonly serverPort: number[] = [];
  /** Dissectors that claimed a stream (by stream index). */
  readonly convDissector: (Dissector | undefined)[] = [];
  /** The frame of each stream's first FIN (0: none yet): it initiates the closing. */
  readonly finFrame: number[] = [];
  /** Messages spread over segments, per flow. */
  readonly reassembly = new StreamReassembly();
  readonly analysis = new SeqAnalysis();
  readonly times = new StreamTimes();
  /** Wireshark's conversation completeness bits per stream, and each frame's as it was shown. */
  readonly completeness: number[] = [];
  private shownCompleteness = new Uint8Array(1024);
  /** The stream created by the frame being dissected (-1: none). */
  created = -1;

  create(sport: number, dport: number, frame: number): number {
    const c = this.convs.create(ipLayer, sport, dport, frame);
    this.base.push(NaN, NaN);
    this.winScale.push(-1, -1);
    this.serverPort.push(0);
    this.completeness.push(0);
    this.created = c;
    return c;
  }

  /** The completeness shown on `frame` (the stream's before the frame, noted on the first pass). */
  completenessShown(c: number, frame: number, first: boolean): number {
    if (!first) return this.shownCompleteness[frame] ?? 0;
    if (frame >= this.shownCompleteness.length) {
      const grown = new Uint8Array(Math.max(frame + 1, this.shownCompleteness.length * 2));
      grown.set(this.shownCompleteness);
      this.shownCompleteness = grown;
    }
    const v = this.completeness[c] ?? 0;
    this.shownCompleteness[frame] = v;
    return v;
  }

  /** Wireshark's update: a new stream counts only a pure SYN; later frames add what they show. */
  noteCompleteness(c: number, flags: number, seglen: number): void {
    const SYN = 0x02;
    const ACK = 0x10;
    let v = this.completeness[c] ?? 0;
    if (this.created === c) {
      v = (flags & (SYN | ACK)) === SYN ? 1 | (seglen > 0 ? 8 : 0) : 0;
    } else {
      if ((flags & (SYN | ACK)) === (SYN | ACK)) v |= 2;
      if ((flags & (SYN | ACK)) === ACK) v |= seglen > 0 ? 8 : 4;
      if ((flags & 0x11) === 0x11) v |= 16;
      if (flags & 0x04) v |= 32;
    }
    this.completeness[c] = v;
  }
}

const COMPLETENESS_NAMES = new Map<number, string>([
  [1, 'Incomplete, SYN_SENT'],
  [3, 'Incomplete, CLIENT_ESTABLISHED'],
  [7, 'Incomplete, ESTABLISHED'],
  [15, 'Incomplete, DATA'],
  [31, 'Complete, WITH_DATA'],
  [47, 'Complete, WITH_DATA'],
  [63, 'Complete, WITH_DATA'],
  [23, 'Complete, NO_DATA'],
  [39, 'Complete, NO_DATA'],
  [55, 'Complete, NO_DATA'],
]);

/** `Incomplete, DATA (15)`: conversation_completeness_fill. */
function completenessText(v: number): string {
  return `${COMPLETENESS_NAMES.get(v) ?? 'Incomplete'} (${v})`;
}

const newState = (): TcpState => new TcpState();
let stateOwner: CaptureState | null = null;
let cached: TcpState | null = null;

/** This capture's TCP state (the last one asked for is kept at hand: one comparison per packet). */
function state(pinfo: PacketInfo): TcpState {
  if (pinfo.state !== stateOwner || cached === null) {
    cached = pinfo.state.of('tcp', newState);
    stateOwner = pinfo.state;
  }
  return cached;
}

/**
 * The TCP segment whose payload is being dissected, as its payload dissectors see it (set right
 * before the hand-off; dissection is synchronous): the stream and the direction within it, for
 * dissectors that pair requests with responses.
 */
export interface TcpLayer {
  /** Stream index (tcp.stream), -1 when unknown. */
  stream: number;
  /** 0 when the segment goes the way the connection started, 1 the other way. */
  dir: number;
  /** The server port as TCP knows it (handshake), 0 when unknown. */
  serverPort: number;
  /** The segment's TCP subtree (full trees only), for items a payload dissector adds to it. */
  node: FieldNode | null;
}

export const tcpLayer: TcpLayer = { stream: -1, dir: 0, serverPort: 0, node: null };

/**
 * Hands every later payload of a stream to `dissector` first (Wireshark's
 * conversation_set_dissector): a heuristic that recognised the stream keeps it.
 */
export function setConversationDissector(pinfo: PacketInfo, stream: number, dissector: Dissector): void {
  state(pinfo).convDissector[stream] = dissector;
}

/** What the options tell the rest of the header (only what dissection needs). */
interface OptionContext {
  syn: boolean;
  first: boolean;
  st: TcpState | null;
  fwd: number;
  rev: number;
  sawMss: boolean;
  /** The segment as MPTCP options see it (stream, flows, whether one was read). */
  mptcp: MptcpSegment;
}

export function dissectTCP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  // Whole fixed headers (nearly every segment) are read straight from the bytes.
  const b = tvb.bytes;
  const fast = tvb.has(o, 20);
  const detail = tree !== NULL_TREE;
  // The layer before the first read (a header cut short still shows it, as in tshark); the
  // Protocol column only once the header was read.
  pinfo.layers.push('tcp');
  const sport = fast ? be16(b, o) : tvb.u16(o);
  const dport = fast ? be16(b, o + 2) : tvb.u16(o + 2);
  pinfo.noteTransportHeader(tvb);
  pinfo.setProto('TCP');
  pinfo.hints |= Hint.Tcp;
  const wantInfo = pinfo.wantInfo;
  let info = '';
  if (wantInfo) {
    info = `${sport} → ${dport}`;
    pinfo.setInfo(info);
  }
  const layers = pinfo.layers;
  let tcpNode: FieldNode | null = null;

  if (detail) {
    // Wireshark sizes the item to the header once it knows the length, clipped to the frame.
    const peekHlen = tvb.has(o + 12, 1) ? ((b[o + 12] as number) >> 4) * 4 : 0;
    const itemLength =
      peekHlen >= 20 ? Math.min(peekHlen, tvb.bytes.length - o) : Math.max(tvb.remaining(o), 0);
    tree.push(F[''], tvb, o, itemLength);
    tcpNode = tree.current();
    if (tree.full) tree.label(`Transmission Control Protocol, Src Port: ${sport}, Dst Port: ${dport}`);
    tree.add(F.srcport, tvb, o, 2, sport);
    tree.add(F.dstport, tvb, o + 2, 2, dport);
    tree.add(F.port, tvb, o, 2, sport);
    tree.add(F.port, tvb, o + 2, 2, dport);
  }
  // Inside an ICMP error only 8 bytes of TCP are quoted: show the sequence number at once.
  const icmpQuote =
    pinfo.inError && layers[layers.length - 2] === 'ip' && layers[layers.length - 3] === 'icmp';
  if (icmpQuote) tree.add(F.seq, tvb, o + 4, 4, tvb.u32(o + 4));
  if (!pinfo.inError) {
    pinfo.srcPort = sport;
    pinfo.dstPort = dport;
  }

  const rawSeq = fast ? be32(b, o + 4) : tvb.u32(o + 4);
  const rawAck = fast ? be32(b, o + 8) : tvb.u32(o + 8);
  const hlen = ((fast ? (b[o + 12] as number) : tvb.u8(o + 12)) >> 4) * 4;
  const flags = (fast ? be16(b, o + 12) : tvb.u16(o + 12)) & 0x0fff;
  const rawWin = fast ? be16(b, o + 14) : tvb.u16(o + 14);
  if (flags & TH.SYN) pinfo.hints |= Hint.TcpSyn;
  if (flags & TH.FIN) pinfo.hints |= Hint.TcpFin;
  if (flags & TH.RST) pinfo.hints |= Hint.TcpRst;
  const isAck = (flags & TH.ACK) !== 0;

  // Conversation: the newest one for the 4-tuple as of this frame; a SYN with a new ISN starts
  // another (port reuse), as Wireshark does.
  const st = state(pinfo);
  const frame = pinfo.meta.number;
  const first = firstPass(pinfo.state, pinfo);
  const convs = st.convs;
  st.created = -1;
  let c = convs.find(ipLayer, sport, dport, frame);
  if (c < 0) c = first ? st.create(sport, dport, frame) : -1;
  let dir = convs.dir;
  let reused = false;
  if (c >= 0 && (flags & (TH.SYN | TH.ACK)) === TH.SYN && first) {
    const b = st.base[2 * c + dir] as number;
    if (!Number.isNaN(b) && b !== rawSeq) {
      c = st.create(sport, dport, frame);
      dir = 0;
      reused = true;
      // Wireshark shows the new conversation's completeness with this SYN already counted.
      st.completeness[c] = 1;
    }
  }
  const fwd = 2 * c + dir;
  const rev = 2 * c + (1 - dir);
  if (flags & TH.FIN && c >= 0 && !st.finFrame[c]) st.finFrame[c] = frame;
  // Each segment states its own SACK blocks (none without the option).
  if (first && c >= 0) st.analysis.clearSack(fwd);
  if (detail) tree.add(F.stream, tvb, o, 0, c >= 0 ? c : convs.count);
  if (c >= 0 && !pinfo.inError) {
    const v = st.completenessShown(c, frame, first);
    tree.add(F.completeness, tvb, o, 0, v);
    if (tree.full) tree.labelLast(`[Conversation completeness: ${completenessText(v)}]`);
  }
  // Noted now, shown after the options (as Wireshark orders them).
  const streamTimes =
    c < 0 || pinfo.inError
      ? null
      : first
        ? st.times.record(c, pinfo.meta)
        : st.times.recorded(c, pinfo.meta, pinfo.state);

  let seq = rawSeq;
  let ack = rawAck;
  let win = rawWin;
  let haveSeglen = false;
  let seglen = 0;
  let nxtseq = 0;
  if (!ipLayer.fragmented && !pinfo.inError) {
    const reported = tvb.reportedRemaining(o);
    if (reported < hlen) {
      expertItem(
        pinfo,
        tree,
        tvb,
        o,
        0,
        'Warning',
        'Malformed',
        'Short segment. Segment/fragment does not contain a full TCP header (might be NMAP or someone else deliberately sending unusual packets)',
      );
    } else {
      haveSeglen = true;
      seglen = reported - hlen;
      if (first && c >= 0) st.noteCompleteness(c, flags, seglen);
      if (detail) tree.add(F.len, tvb, o, 0, seglen);
      if (c >= 0) {
        if (first) {
          if (Number.isNaN(st.base[fwd] as number))
            st.base[fwd] = flags & TH.SYN ? rawSeq : (rawSeq - 1) >>> 0;
          if (isAck && Number.isNaN(st.base[rev] as number)) st.base[rev] = (rawAck - 1) >>> 0;
        }
        const bf = st.base[fwd] as number;
        const br = st.base[rev] as number;
        if (!Number.isNaN(bf)) seq = (rawSeq - bf) >>> 0;
        if (isAck && !Number.isNaN(br)) ack = (rawAck - br) >>> 0;
        const scale = st.winScale[fwd] as number;
        if (!(flags & TH.SYN) && scale >= 0) win = rawWin * 2 ** scale;
      }
      nxtseq = (seq + seglen + (flags & (TH.SYN | TH.FIN) ? 1 : 0)) >>> 0;
    }
  }

  const flagsText = wantInfo || tree.full ? tcpFlagsText(flags) : '';
  if (wantInfo) {
    info += ` [${flagsText}] Seq=${seq}`;
    if (isAck) info += ` Ack=${ack}`;
    info += ` Win=${win}`;
    pinfo.setInfo(info);
  }
  if (!icmpQuote && detail) {
    tree.add(F.seq, tvb, o + 4, 4, seq);
    if (tree.full) tree.labelLast(`Sequence Number: ${seq}    (relative sequence number)`);
    tree.add(F.seq_raw, tvb, o + 4, 4, rawSeq);
  }

  if (hlen < 20) {
    if (wantInfo) pinfo.setInfo(`${info}, bogus TCP header length (${hlen}, must be at least 20)`);
    tree.push(F.hdr_len, tvb, o + 12, 1, hlen);
    if (tree.full) tree.label(`${nibbleBits(hlen >> 2)} .... = Header Length: ${hlen} bytes (${hlen >> 2})`);
    expert(
      pinfo,
      tree,
      tvb,
      o + 12,
      1,
      'Error',
      'Protocol',
      `Bogus TCP header length (${hlen}, must be at least 20)`,
    );
    tree.pop();
    const label = `Transmission Control Protocol, Src Port: ${sport}, Dst Port: ${dport}, Seq: ${seq}`;
    tree.pop(tvb.remaining(o), tree.full ? label : undefined);
    return 12;
  }

  if (tree.full) {
    let t = `Transmission Control Protocol, Src Port: ${sport}, Dst Port: ${dport}, Seq: ${seq}`;
    if (isAck) t += `, Ack: ${ack}`;
    if (haveSeglen) t += `, Len: ${seglen}`;
    tree.label(t);
  }
  if (detail) {
    if (haveSeglen) {
      tree.add(F.nxtseq, tvb, o, 0, nxtseq);
      if (tree.full) tree.labelLast(`[Next Sequence Number: ${nxtseq}    (relative sequence number)]`);
    }
    const ackExpert = !isAck && rawAck !== 0 && tree.full;
    if (ackExpert) tree.push(F.ack, tvb, o + 8, 4, ack);
    else tree.add(F.ack, tvb, o + 8, 4, ack);
    if (tree.full && isAck) tree.labelLast(`Acknowledgment Number: ${ack}    (relative ack number)`);
    if (ackExpert) {
      // tshark nests this note under the Acknowledgment number item.
      expert(
        pinfo,
        tree,
        tvb,
        o + 8,
        4,
        'Note',
        'Protocol',
        'The acknowledgment number field is nonzero while the ACK flag is not set',
      );
      tree.pop();
    }
    tree.add(F.ack_raw, tvb, o + 8, 4, rawAck);
    tree.add(F.hdr_len, tvb, o + 12, 1, hlen);
    if (tree.full)
      tree.labelLast(`${nibbleBits(hlen >> 2)} .... = Header Length: ${hlen} bytes (${hlen >> 2})`);
    const closing = flags & TH.FIN && c >= 0 ? (st.finFrame[c] === frame ? 'initiates' : 'undergoes') : null;
    addFlags(tvb, o, flags, flagsText, sport, dport, closing, pinfo, tree);
    tree.add(F.window_size_value, tvb, o + 14, 2, rawWin);
    tree.add(F.window_size, tvb, o + 14, 2, win);
    if (!(flags & TH.SYN) && c >= 0) {
      const scale = st.winScale[fwd] as number;
      const factor = scale >= 0 ? 2 ** scale : scale;
      tree.add(F.window_size_scalefactor, tvb, o + 14, 2, factor);
      if (tree.full) {
        const why = scale === -1 ? ' (unknown)' : scale === -2 ? ' (no window scaling used)' : '';
        tree.labelLast(`[Window size scaling factor: ${factor}${why}]`);
      }
    }
    const sum = tvb.u16(o + 16);
    tree.add(F.checksum, tvb, o + 16, 2, sum);
    if (tree.full) tree.labelLast(`Checksum: 0x${sum.toString(16).padStart(4, '0')} [unverified]`);
    tree.add(F['checksum.status'], tvb, o + 16, 0, 2);
    if (tree.full) tree.labelLast('[Checksum Status: Unverified]');
  }
  const urp = fast ? be16(b, o + 18) : tvb.u16(o + 18);
  if (detail) {
    const urgentNote = !(flags & TH.URG) && urp !== 0;
    // The note about a stray urgent pointer goes under the Urgent Pointer item.
    if (urgentNote) tree.push(F.urgent_pointer, tvb, o + 18, 2, urp);
    else tree.add(F.urgent_pointer, tvb, o + 18, 2, urp);
    if (urgentNote) {
      expert(
        pinfo,
        tree,
        tvb,
        o + 18,
        2,
        'Note',
        'Protocol',
        'The urgent pointer field is nonzero while the URG flag is not set',
      );
      tree.pop();
    }
  }
  if (wantInfo) {
    if (flags & TH.URG) info += ` Urg=${urp}`;
    if (haveSeglen) info += ` Len=${seglen}`;
    pinfo.setInfo(info);
  }

  const optLen = hlen - 20;
  // Made only for a segment with options (most have none, and this runs for every packet).
  let mptcp: MptcpSegment | null = null;
  if (optLen > 0) {
    mptcp = { stream: c, fwd, rev, seen: false };
    const ctx: OptionContext = {
      syn: (flags & TH.SYN) !== 0,
      first,
      st: c >= 0 ? st : null,
      fwd,
      rev,
      sawMss: false,
      mptcp,
    };
    try {
      dissectOptions(tvb, o + 20, optLen, ctx, pinfo, tree);
    } catch (err) {
      // An option cut short ends the segment (Wireshark's option dissectors throw), but the
      // stream's times were in the tree before the options were read.
      if (streamTimes) {
        tree.reopen(tcpNode);
        addStreamTimes(streamTimes, tvb, o, pinfo, tree, F);
        tree.pop();
      }
      throw err;
    }
  }
  // Wireshark settles the window scale once the SYN's options are known.
  if (first && c >= 0 && flags & TH.SYN) {
    if (st.winScale[fwd] === -1) {
      st.winScale[fwd] = -2;
      st.winScale[rev] = -2;
    } else if (isAck && st.winScale[rev] === -2) {
      st.winScale[fwd] = -2;
    }
  }
  if (first && c >= 0 && flags & TH.SYN) st.serverPort[c] = isAck ? sport : dport;

  if (streamTimes) addStreamTimes(streamTimes, tvb, o, pinfo, tree, F);

  // Sequence analysis: its Info prefix stays in front of what the payload's dissector writes.
  let analysed: ReturnType<SeqAnalysis['of']>;
  if (c >= 0 && haveSeglen) {
    analysed = first
      ? st.analysis.analyse(
          frame,
          pinfo.meta.tsSec + pinfo.meta.tsNsec / 1e9,
          c,
          fwd,
          rev,
          seq,
          ack,
          seglen,
          flags,
          rawWin,
          st.winScale[rev] as number,
          { sec: pinfo.meta.tsSec, nsec: pinfo.meta.tsNsec },
          reused,
        )
      : st.analysis.of(frame, c);
  }
  const prefix = analysed && wantInfo ? analysisInfo(analysed) : '';
  if (prefix) pinfo.setInfo(prefix + pinfo.info);
  if (analysed && detail) analysisTree(analysed, tvb, o, pinfo, tree);
  if (mptcp?.seen && detail) mptcpAnalysisTree(mptcp, tvb, o, pinfo, tree);

  const payloadStart = o + hlen;
  const captured = tvb.remaining(payloadStart);
  if (captured > 0 && detail && !(flags & TH.RST)) {
    tree.add(F.payload, tvb, payloadStart, captured);
    const n = Math.min(captured, tvb.reportedRemaining(payloadStart));
    if (tree.full) tree.labelLast(`TCP payload (${n} byte${n === 1 ? '' : 's'})`);
  }
  if (captured > 0 && flags & TH.RST) {
    if (tree.wants(F.reset_cause))
      tree.add(F.reset_cause, tvb, payloadStart, captured, tvb.ascii(payloadStart, captured));
    tree.pop();
    return tvb.remaining(o);
  }
  if (captured > 0 && analysed && analysed.flags & RETRANSMITTED) {
    // Seen already: Wireshark does not hand a retransmission to the payload's dissector.
    if (analysed.flags & PLAIN_RETRANSMISSION) {
      tree.add(RF.segment_data, tvb, payloadStart, captured);
      if (tree.full)
        tree.labelLast(`Retransmitted TCP segment data (${captured} byte${captured === 1 ? '' : 's'})`);
    }
    tree.pop();
    return tvb.remaining(o);
  }
  tree.pop();
  if (captured > 0) {
    const server = c >= 0 ? (st.serverPort[c] as number) : 0;
    tcpLayer.stream = c;
    pinfo.conversation = c >= 0 ? c * 2 + 1 : -1;
    tcpLayer.dir = dir;
    tcpLayer.serverPort = server;
    tcpLayer.node = tcpNode;
    const claimed = c >= 0 ? st.convDissector[c] : undefined;
    const refused = analysed !== undefined && (analysed.flags & OUT_OF_ORDER) !== 0;
    const dispatch = refused
      ? (): void => {}
      : (payload: Tvb): void => dispatchTcp(pinfo, sport, dport, server, claimed, payload, tree);
    const reported = tvb.reportedRemaining(payloadStart);
    if (
      pinfo.options.reassemble !== false &&
      c >= 0 &&
      haveSeglen &&
      !pinfo.inError &&
      !ipLayer.fragmented &&
      captured >= reported
    ) {
      desegmentPdus({
        pinfo,
        tree,
        tcpNode,
        tvb,
        start: payloadStart,
        seq,
        flows: st.reassembly,
        flow: fwd,
        first,
        dispatch,
      });
    } else {
      pinfo.canDesegment = false;
      dispatch(tvb.sub(payloadStart));
    }
    if (prefix && !pinfo.info.startsWith(prefix)) pinfo.setInfo(prefix + pinfo.info);
  }
  return tvb.remaining(o);
}

/**
 * Hands a TCP payload to the port table, as UDP's dispatchPorts does (server port, lower port,
 * higher port, heuristics, data), except that a dissector asking for more bytes has taken them.
 */
function dispatchTcp(
  pinfo: PacketInfo,
  sport: number,
  dport: number,
  server: number,
  claimed: Dissector | undefined,
  payload: Tvb,
  tree: Tree,
): void {
  const reg = pinfo.registry;
  if (claimed) {
    const used = claimed(payload, pinfo, tree);
    if (used === undefined || used > 0 || pinfo.desegmentLen > 0) return;
  }
  const low = sport > dport ? dport : sport;
  const high = sport > dport ? sport : dport;
  const took = (port: number): boolean =>
    reg.call('tcpPort', port, payload, pinfo, tree) > 0 || pinfo.desegmentLen > 0;
  if (server !== 0 && took(server)) return;
  if (low !== 0 && low !== server && took(low)) return;
  if (high !== 0 && high !== server && high !== low && took(high)) return;
  if (reg.tryHeuristics('tcp', payload, pinfo, tree) || pinfo.desegmentLen > 0) return;
  dissectData(payload, pinfo, tree);
}

function nibbleBits(n: number): string {
  return (n & 0xf).toString(2).padStart(4, '0');
}

function addFlags(
  tvb: Tvb,
  o: number,
  flags: number,
  flagsText: string,
  sport: number,
  dport: number,
  /** A FIN's part in closing the connection (the stream's first FIN initiates it). */
  closing: 'initiates' | 'undergoes' | null,
  pinfo: PacketInfo,
  tree: Tree,
): void {
  tree.push(F.flags, tvb, o + 12, 2, flags);
  if (tree.full) tree.label(`Flags: 0x${flags.toString(16).padStart(3, '0')} (${flagsText})`);
  tree.add(F['flags.res'], tvb, o + 12, 1, (flags & 0xe00) !== 0);
  if (tree.full && flags & 0xe00) {
    // Three bits behind one boolean: draw the bits that are set, as Wireshark does.
    tree.labelLast(`${bitPicture(F['flags.res'], (flags >> 9) & 7)} = Reserved: Set`);
  }
  tree.add(F['flags.ae'], tvb, o + 12, 1, (flags & TH.AE) !== 0);
  for (const def of FLAG_DEFS) {
    const set = (flags & (def.mask as number)) !== 0;
    if (!set || !(def.mask === TH.SYN || def.mask === TH.FIN || def.mask === TH.RST) || !wantsExpert(tree)) {
      tree.add(def, tvb, o + 13, 1, set);
      continue;
    }
    tree.push(def, tvb, o + 13, 1, set);
    if (def.mask === TH.SYN) {
      const msg =
        flags & TH.ACK
          ? `Connection establish acknowledge (SYN+ACK): server port ${sport}`
          : `Connection establish request (SYN): server port ${dport}`;
      expert(pinfo, tree, tvb, o + 13, 1, 'Chat', 'Sequence', msg);
    } else if (def.mask === TH.FIN) {
      expert(pinfo, tree, tvb, o + 13, 1, 'Chat', 'Sequence', 'Connection finish (FIN)');
    } else {
      expert(pinfo, tree, tvb, o + 13, 1, 'Warning', 'Sequence', 'Connection reset (RST)');
    }
    tree.pop();
  }
  const closingNote = closing !== null && wantsExpert(tree);
  if (tree.wants(F['flags.str']) || closingNote) {
    tree.push(F['flags.str'], tvb, o + 12, 2, flagLetters(flags));
    if (closingNote)
      expert(pinfo, tree, tvb, o + 12, 2, 'Note', 'Sequence', `This frame ${closing} the connection closing`);
    tree.pop();
  }
  tree.pop();
}

interface OptionInfo {
  def: FieldDef;
  /** Name in the Options line and in length errors. */
  name: string;
  /** Exact length the option must have, 0 when variable. */
  len: number;
}

const OPTIONS = new Map<number, OptionInfo>([
  [2, { def: F['options.mss'], name: 'Maximum segment size', len: 4 }],
  [3, { def: F['options.wscale'], name: 'Window scale', len: 3 }],
  [4, { def: F['options.sack_perm'], name: 'SACK permitted', len: 2 }],
  [5, { def: F['options.sack'], name: 'SACK', len: 0 }],
  [6, { def: F['options.echo'], name: 'Echo', len: 6 }],
  // Wireshark shows an echo reply under the echo option's field too.
  [7, { def: F['options.echo'], name: 'Echo reply', len: 6 }],
  [8, { def: F['options.timestamp'], name: 'Timestamps', len: 10 }],
  [28, { def: F['options.user_to'], name: 'User Timeout', len: 4 }],
  [30, { def: MPTCP[''], name: 'MPTCP', len: 0 }],
  [34, { def: F['options.tfo'], name: 'TCP Fast Open', len: 0 }],
  [253, { def: F['options.experimental'], name: 'Experimental', len: 0 }],
  [254, { def: F['options.experimental'], name: 'Experimental', len: 0 }],
]);

const MPTCP_TCP_FIELDS = { kind: F.option_kind, len: F.option_len };

/** Appends ` NAME=value` to the Info column (TCP's tcp_info_append_uint). */
function infoAppend(pinfo: PacketInfo, text: string): void {
  if (pinfo.wantInfo) pinfo.setInfo(pinfo.info + text);
}

/** Wireshark's tcp_dissect_options: an item per option, errors stop the walk. */
function dissectOptions(
  tvb: Tvb,
  from: number,
  length: number,
  ctx: OptionContext,
  pinfo: PacketInfo,
  tree: Tree,
): void {
  const shown = Math.min(tvb.remaining(from), length);
  tree.push(F.options, tvb, from, shown);
  let label = `Options: (${length} bytes)`;
  if (tree.full) tree.label(label);
  let o = from;
  let left = length;
  let afterEol = false;
  while (left > 0) {
    const kind = tvb.u8(o);
    if (afterEol && kind !== 0) {
      expertItem(pinfo, tree, tvb, o, left, 'Error', 'Protocol', 'Non-zero header padding');
      break;
    }
    left--;
    if (kind === 0 || kind === 1) {
      const def = kind === 0 ? F['options.eol'] : F['options.nop'];
      tree.push(def, tvb, o, 1);
      tree.add(F.option_kind, tvb, o, 1, kind);
      tree.pop(undefined, def.name);
      if (tree.full) label += kind === 0 ? ', End of Option List (EOL)' : ', No-Operation (NOP)';
      if (kind === 0) afterEol = true;
      o++;
      continue;
    }
    const known = OPTIONS.get(kind);
    const name = known ? known.name : `Unknown (0x${kind.toString(16).padStart(2, '0')})`;
    if (left === 0) {
      expertItem(pinfo, tree, tvb, o, 1, 'Note', 'Sequence', `${name} (length byte past end of options)`);
      break;
    }
    const len = tvb.u8(o + 1);
    left--;
    if (len < 2) {
      const s = len === 1 ? '' : 's';
      expertItem(
        pinfo,
        tree,
        tvb,
        o,
        2,
        'Note',
        'Sequence',
        `${name} (with too-short option length = ${len} byte${s})`,
      );
      break;
    }
    if (len - 2 > left) {
      const s = len === 1 ? '' : 's';
      expertItem(
        pinfo,
        tree,
        tvb,
        o,
        left,
        'Note',
        'Sequence',
        `${name} (option length = ${len} byte${s} says option goes past end of options)`,
      );
      break;
    }
    if (kind === 30) {
      dissectMptcpOption(tvb, o, len, ctx.mptcp, MPTCP_TCP_FIELDS, pinfo, tree);
    } else {
      dissectOption(tvb, o, kind, len, known, ctx, pinfo, tree);
    }
    if (tree.full) label += `, ${known ? known.name : name}`;
    o += len;
    left -= len - 2;
  }
  if (ctx.syn && !ctx.sawMss) {
    expert(pinfo, tree, tvb, from, 0, 'Note', 'Protocol', 'The SYN packet does not contain a MSS option');
  }
  tree.pop(undefined, label);
}

function dissectOption(
  tvb: Tvb,
  o: number,
  kind: number,
  len: number,
  known: OptionInfo | undefined,
  ctx: OptionContext,
  pinfo: PacketInfo,
  tree: Tree,
): void {
  const def = known ? known.def : F['options.unknown'];
  tree.push(def, tvb, o, len);
  let label = def.name;
  tree.add(F.option_kind, tvb, o, 1, kind);
  if (known && known.len !== 0 && len !== known.len) {
    tree.push(F.option_len, tvb, o + 1, 1, len);
    expert(pinfo, tree, tvb, o + 1, 1, 'Note', 'Sequence', `option length should be ${known.len}`);
    tree.pop();
    if (kind === 2) ctx.sawMss = true;
    tree.pop(undefined, label);
    return;
  }
  tree.add(F.option_len, tvb, o + 1, 1, len);
  switch (kind) {
    case 2: {
      const mss = tvb.u16(o + 2);
      ctx.sawMss = true;
      tree.add(F['options.mss_val'], tvb, o + 2, 2, mss);
      if (tree.full) label += `: ${mss} bytes`;
      if (pinfo.wantInfo) infoAppend(pinfo, ` MSS=${mss}`);
      break;
    }
    case 3: {
      const raw = tvb.u8(o + 2);
      const shift = raw > 14 ? 14 : raw;
      tree.push(F['options.wscale.shift'], tvb, o + 2, 1, raw);
      if (raw > 14)
        expert(pinfo, tree, tvb, o + 2, 1, 'Warning', 'Protocol', 'Window scale shift exceeds 14');
      tree.pop();
      tree.add(F['options.wscale.multiplier'], tvb, o + 2, 1, 1 << shift);
      if (tree.full) label += `: ${raw} (multiply by ${1 << shift})`;
      if (pinfo.wantInfo) infoAppend(pinfo, ` WS=${1 << shift}`);
      if (ctx.first && ctx.st) ctx.st.winScale[ctx.fwd] = shift;
      break;
    }
    case 4:
      infoAppend(pinfo, ' SACK_PERM');
      break;
    case 5: {
      const baseRev = ctx.st ? (ctx.st.base[ctx.rev] as number) : NaN;
      const base = Number.isNaN(baseRev) ? 0 : baseRev;
      let count = 0;
      let p = o + 2;
      let left = len - 2;
      while (left > 0) {
        if (left < 8) {
          expertItem(
            pinfo,
            tree,
            tvb,
            p,
            left,
            'Warning',
            'Protocol',
            'suboption would go past end of option',
          );
          break;
        }
        const le = (tvb.u32(p) - base) >>> 0;
        const re = (tvb.u32(p + 4) - base) >>> 0;
        if (ctx.first && ctx.st) ctx.st.analysis.addSack(ctx.fwd, le, re);
        tree.add(F['options.sack_le'], tvb, p, 4, le);
        if (tree.full) tree.labelLast(`left edge = ${le} (relative)`);
        tree.add(F['options.sack_re'], tvb, p + 4, 4, re);
        if (tree.full) tree.labelLast(`right edge = ${re} (relative)`);
        if (pinfo.wantInfo) infoAppend(pinfo, ` SLE=${le} SRE=${re}`);
        if (tree.full) label += ` ${le}-${re}`;
        count++;
        p += 8;
        left -= 8;
      }
      tree.add(F['options.sack.count'], tvb, o, 0, count);
      break;
    }
    case 6:
    case 7: {
      const v = tvb.u32(o + 2);
      tree.add(F['options.echo_value'], tvb, o + 2, 4, v);
      if (tree.full) label = `TCP Option - Echo: ${v}`;
      if (pinfo.wantInfo) infoAppend(pinfo, ` ECHO=${v}`);
      break;
    }
    case 8: {
      const tsval = tvb.u32(o + 2);
      const tsecr = tvb.u32(o + 6);
      tree.add(F['options.timestamp.tsval'], tvb, o + 2, 4, tsval);
      tree.add(F['options.timestamp.tsecr'], tvb, o + 6, 4, tsecr);
      if (tree.full) label += `: TSval ${tsval}, TSecr ${tsecr}`;
      if (pinfo.wantInfo) infoAppend(pinfo, ` TSval=${tsval} TSecr=${tsecr}`);
      break;
    }
    case 28: {
      const v = tvb.u16(o + 2);
      tree.add(F['options.user_to_granularity'], tvb, o + 2, 2, (v & 0x8000) !== 0);
      tree.add(F['options.user_to_val'], tvb, o + 2, 2, v & 0x7fff);
      if (pinfo.wantInfo) infoAppend(pinfo, ` USER_TO=${v & 0x7fff}`);
      break;
    }
    case 34:
      fastOpen(tvb, o + 2, len - 2, pinfo, tree);
      break;
    case 253:
    case 254: {
      if (len < 4) break;
      const exid = tvb.u16(o + 2);
      tree.add(F['options.experimental.exid'], tvb, o + 2, 2, exid);
      if (exid === 0xf989) {
        if (tree.full) label += ': Fast Open';
        fastOpen(tvb, o + 4, len - 4, pinfo, tree);
      } else {
        if (tree.full) label += `: ${EXID_NAMES.get(exid) ?? 'Unknown'}`;
        if (exid === 0xac && (len === 4 || len === 5))
          label += ackRateRequest(tvb, o + 4, len - 4, pinfo, tree);
        else if ((exid === 0xacc0 || exid === 0xacc1) && (len - 4) % 3 === 0 && len <= 13)
          label += `: Accurate ECN${accurateEcn(tvb, o + 4, len - 4, exid === 0xacc0, pinfo, tree)}`;
        else {
          if (len > 4) tree.add(F['options.experimental.data'], tvb, o + 4, len - 4);
          // tcp_info_append_hex_uint prints %X.
          if (pinfo.wantInfo) infoAppend(pinfo, ` ExID=${exid.toString(16).toUpperCase()}`);
        }
      }
      break;
    }
    default:
      if (len > 2) tree.add(F['options.unknown.payload'], tvb, o + 2, len - 2);
      break;
  }
  tree.pop(undefined, label);
}

/** TCP ACK Rate Request (an experiment, ExID 0x00ac): a rate, or a bare request; the label's tail. */
function ackRateRequest(tvb: Tvb, o: number, len: number, pinfo: PacketInfo, tree: Tree): string {
  if (len === 0) {
    if (pinfo.wantInfo) infoAppend(pinfo, ' TARR');
    return '';
  }
  const rate = tvb.u8(o) >> 1;
  tree.add(F['options.tarr.rate'], tvb, o, 1, rate);
  tree.add(F['options.tar.reserved'], tvb, o, 1, tvb.u8(o) & 1);
  if (pinfo.wantInfo) infoAppend(pinfo, ` TARR=${rate}`);
  return ` ${rate}`;
}

/** Accurate ECN byte counters (0, 1, 2 or 3 of them, in the order's sequence); the label's tail. */
function accurateEcn(
  tvb: Tvb,
  o: number,
  len: number,
  order0: boolean,
  pinfo: PacketInfo,
  tree: Tree,
): string {
  if (len === 0) {
    if (pinfo.wantInfo) infoAppend(pinfo, ' AccECN');
    return '';
  }
  const order = order0 ? (['ee0b', 'eceb', 'ee1b'] as const) : (['ee1b', 'eceb', 'ee0b'] as const);
  const parts: string[] = [];
  for (let i = 0; i * 3 < len; i++) {
    const name = order[i] as 'ee0b' | 'eceb' | 'ee1b';
    const v = tvb.u24(o + i * 3);
    tree.add(F[`options.acc_ecn.${name}`], tvb, o + i * 3, 3, v);
    parts.push(`${name.toUpperCase()} ${v}`);
    if (pinfo.wantInfo) infoAppend(pinfo, ` ${name.toUpperCase()}=${v}`);
  }
  return ` (Order ${order0 ? 0 : 1}): ${parts.join(', ')}`;
}

function fastOpen(tvb: Tvb, o: number, len: number, pinfo: PacketInfo, tree: Tree): void {
  if (len === 0) {
    tree.add(F['options.tfo.request'], tvb, o - 2, 2);
    infoAppend(pinfo, ' TFO=R');
  } else {
    tree.add(F['options.tfo.cookie'], tvb, o, len);
    infoAppend(pinfo, ' TFO=C');
  }
}

export const tcpModule = {
  fields: { ...F, ...RF, ...AF, ...EXPERT },
  handoff(reg: Registry): void {
    reg.register('ipProto', 6, dissectTCP);
  },
};
