// TCP sequence analysis (Wireshark's tcp_analyze_sequence_number): retransmissions, lost and
// out-of-order segments, duplicate ACKs, keep-alives and window conditions, decided on the first
// pass in frame order and remembered per frame, so a frame dissected again gets the same flags.
import { formatDelta } from '../format/time.ts';
import { fields, text, uint, FieldType } from './field.ts';
import { expert, type ExpertSeverity } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const AF = fields('tcp', {
  analysis: text('SEQ/ACK analysis'),
  'analysis.flags': text('TCP Analysis Flags'),
  'analysis.retransmission': text('Retransmission'),
  'analysis.fast_retransmission': text('Fast Retransmission'),
  'analysis.spurious_retransmission': text('Spurious Retransmission'),
  'analysis.out_of_order': text('Out-Of-Order'),
  'analysis.lost_segment': text('Previous segment(s) not captured'),
  'analysis.ack_lost_segment': text("ACKed segment that wasn't captured"),
  'analysis.keep_alive': text('TCP Keep-Alive'),
  'analysis.keep_alive_ack': text('TCP Keep-Alive ACK'),
  'analysis.duplicate_ack': text('Duplicate ACK'),
  'analysis.duplicate_ack_num': uint('Duplicate ACK #', 32, { generated: true }),
  'analysis.duplicate_ack_frame': {
    name: 'Duplicate to the ACK in frame',
    type: FieldType.FrameNum,
    generated: true,
  },
  'analysis.zero_window': text('Zero Window'),
  'analysis.zero_window_probe': text('Zero Window Probe'),
  'analysis.window_update': text('Window update'),
  'analysis.window_full': text('Window full'),
  'analysis.acks_frame': {
    name: 'This is an ACK to the segment in frame',
    type: FieldType.FrameNum,
    generated: true,
  },
  'analysis.ack_rtt': {
    name: 'The RTT to ACK the segment was',
    type: FieldType.RelTime,
    unit: 'seconds',
    generated: true,
  },
  'analysis.initial_rtt': { name: 'iRTT', type: FieldType.RelTime, unit: 'seconds', generated: true },
  'analysis.bytes_in_flight': uint('Bytes in flight', 32, { generated: true }),
  'analysis.push_bytes_sent': uint('Bytes sent since last PSH flag', 32, { generated: true }),
});

export const enum A {
  Retransmission = 1,
  LostPacket = 2,
  AckLostPacket = 4,
  KeepAlive = 8,
  DupAck = 16,
  ZeroWindow = 32,
  ZeroWindowProbe = 64,
  KeepAliveAck = 128,
  OutOfOrder = 256,
  FastRetransmission = 512,
  WindowUpdate = 1024,
  WindowFull = 2048,
  SpuriousRetransmission = 4096,
}

/** Flags after which TCP does not hand the payload to a dissector (it was seen already). */
export const RETRANSMITTED = A.Retransmission | A.FastRetransmission | A.SpuriousRetransmission;

/**
 * A segment Wireshark's decode_tcp_ports keeps from the payload's dissector (its default
 * tcp.no_subdissector_on_error, with out-of-order reassembly off): it may still complete a message.
 */
export const OUT_OF_ORDER = A.OutOfOrder;

interface FrameAnalysis {
  flags: number;
  dupNum: number;
  dupFrame: number;
  /** The frame whose data this segment acknowledges (0: none) and how long that took. */
  acksFrame: number;
  ackRtt: string;
  /** The conversation's handshake round trip when this frame was analysed ('' while unknown). */
  initialRtt: string;
  /** Wireshark's bytes in flight (0: not shown) and bytes since the last PSH. */
  bytesInFlight: number;
  pushBytesSent: number;
}

/** A segment not yet acknowledged (Wireshark's tcp_unacked_t). */
interface Unacked {
  frame: number;
  seq: number;
  nextseq: number;
  sec: number;
  nsec: number;
}

/** Wireshark's TCP_MAX_UNACKED_SEGMENTS and the SACK blocks it keeps per direction. */
const MAX_UNACKED = 10000;
const MAX_SACK_BLOCKS = 3;

/** Per-flow sequence state (index 2c + direction), NaN where unknown. */
export class SeqAnalysis {
  private readonly nextseq: number[] = [];
  private readonly nextseqTime: number[] = [];
  private readonly maxToBeAcked: number[] = [];
  private readonly lastack: number[] = [];
  private readonly lastackTime: number[] = [];
  private readonly window: number[] = [];
  private readonly dupNum: number[] = [];
  private readonly dupFrame: number[] = [];
  private readonly lastFlags: number[] = [];
  /** Handshake round trip per conversation (seconds), NaN until known. */
  private readonly synTime: number[] = [];
  private readonly firstRtt: number[] = [];
  private readonly frames = new Map<number, FrameAnalysis>();
  /** Per flow: unacknowledged segments (oldest first), whether bytes in flight can be told, PSH state. */
  private readonly unacked: Unacked[][] = [];
  private readonly validBif: boolean[] = [];
  private readonly pushBytes: number[] = [];
  private readonly pushSetLast: boolean[] = [];
  /** Per flow: the SACK blocks of its latest segment, as [left, right) pairs. */
  private readonly sack: number[][] = [];
  private readonly synStamp: { sec: number; nsec: number }[] = [];
  private readonly firstRttText: string[] = [];

  /** Forgets the SACK blocks of `flow` (each of its segments says its own, if any). */
  clearSack(flow: number): void {
    const s = this.sack[flow];
    if (s) s.length = 0;
  }

  /** Notes a SACK block a segment of `flow` carries (relative edges). */
  addSack(flow: number, left: number, right: number): void {
    const s = (this.sack[flow] ??= []);
    if (s.length < MAX_SACK_BLOCKS * 2) s.push(left, right);
  }

  /** Flags remembered for a frame (on a later pass). */
  /**
   * The last SYN's time, and the first RTT (SYN to the first pure ACK), after the frame's own
   * analysis as in Wireshark's dissect_tcp. A time of 0 counts as unset there (a capture stamped
   * at the epoch has none), and so it does here.
   */
  private noteHandshakeTimes(
    conv: number,
    flags: number,
    time: number,
    ts: { sec: number; nsec: number },
  ): void {
    const SYN = 2;
    const ACK = 16;
    if ((flags & (SYN | ACK)) === SYN) {
      this.synTime[conv] = time;
      this.synStamp[conv] = ts;
    }
    if ((flags & (SYN | ACK)) !== ACK) return;
    const t0 = this.get(this.synTime, conv);
    const rtt = this.get(this.firstRtt, conv);
    if (!Number.isNaN(t0) && t0 !== 0 && (Number.isNaN(rtt) || rtt === 0)) {
      this.firstRtt[conv] = time - t0;
      const s0 = this.synStamp[conv];
      if (s0) this.firstRttText[conv] = formatDelta(ts.sec, ts.nsec, s0.sec, s0.nsec);
    }
  }

  of(frame: number): FrameAnalysis | undefined {
    return this.frames.get(frame);
  }

  private get(a: number[], i: number): number {
    const v = a[i];
    return v === undefined ? NaN : v;
  }

  /**
   * Analyses one segment on the first pass. `seq`/`ack` are relative, `win` the raw window,
   * `scale` the shift of the other direction (-1 unknown, -2 none).
   */
  analyse(
    frame: number,
    time: number,
    conv: number,
    fwd: number,
    rev: number,
    seq: number,
    ack: number,
    seglen: number,
    flags: number,
    win: number,
    revScale: number,
    ts: { sec: number; nsec: number } = { sec: 0, nsec: 0 },
  ): FrameAnalysis | undefined {
    const SYN = 2;
    const FIN = 1;
    const RST = 4;
    const ACK = 16;
    let f = 0;
    let dupNum = 0;
    let dupFrame = 0;
    const nextseq = this.get(this.nextseq, fwd);
    const known = !Number.isNaN(nextseq);
    const revWindow = this.get(this.window, rev);
    const fwdWindow = this.get(this.window, fwd);
    const fwdLastack = this.get(this.lastack, fwd);
    const revLastack = this.get(this.lastack, rev);
    const plain = (flags & (SYN | FIN | RST)) === 0;
    // An ACK lets the other side's bytes in flight be told again (after a lost segment).
    if (flags & ACK) this.validBif[rev] = true;

    if (seglen === 1 && known && seq === nextseq && revWindow === 0) {
      f |= A.ZeroWindowProbe;
    } else {
      if (win === 0 && plain) f |= A.ZeroWindow;
      if (known && seq > nextseq && !(flags & RST)) {
        f |= A.LostPacket;
        this.validBif[fwd] = false;
      }
      if (seglen <= 1 && plain && known && seq === nextseq - 1) f |= A.KeepAlive;
      if (
        seglen === 0 &&
        win !== 0 &&
        win !== fwdWindow &&
        !Number.isNaN(fwdWindow) &&
        seq === nextseq &&
        ack === fwdLastack &&
        plain
      )
        f |= A.WindowUpdate;
      if (
        seglen > 0 &&
        revScale !== -1 &&
        !Number.isNaN(revWindow) &&
        !Number.isNaN(revLastack) &&
        seq + seglen === revLastack + revWindow * 2 ** (revScale === -2 ? 0 : revScale) &&
        plain
      )
        f |= A.WindowFull;
      const sameAck = seglen === 0 && win === fwdWindow && seq === nextseq && ack === fwdLastack && plain;
      if (sameAck && (this.get(this.lastFlags, rev) & A.KeepAlive) !== 0) f |= A.KeepAliveAck;
      else if (sameAck && win !== 0 && !(f & A.WindowUpdate)) {
        f |= A.DupAck;
        dupNum = (this.dupNum[fwd] ?? 0) + 1;
        this.dupNum[fwd] = dupNum;
        dupFrame = this.dupFrame[fwd] ?? 0;
      }
    }
    if (!(f & A.DupAck)) {
      this.dupNum[fwd] = 0;
      this.dupFrame[fwd] = frame;
    }
    const revMax = this.get(this.maxToBeAcked, rev);
    if (!Number.isNaN(revMax) && ack > revMax && flags & ACK) {
      f |= A.AckLostPacket;
      this.maxToBeAcked[rev] = this.get(this.nextseq, rev);
    }

    if ((seglen > 0 || flags & (SYN | FIN)) && !(f & (A.KeepAlive | A.ZeroWindowProbe))) {
      // Wireshark 4.0's order: spurious first (the other side acked it all already), then fast
      // retransmission, out-of-order and plain retransmission for data that does not advance.
      // Data starting one byte before the next sequence number advances it (a keep-alive's byte).
      const notAdvanced = known && seq < nextseq && !(seglen > 1 && seq === nextseq - 1);
      const sinceAck = time - this.get(this.lastackTime, rev);
      const sinceNext = time - this.get(this.nextseqTime, fwd);
      const rtt = this.get(this.firstRtt, conv);
      const oooThreshold = Number.isNaN(rtt) || rtt === 0 ? 0.003 : rtt;
      if (seglen > 0 && !Number.isNaN(revLastack) && revLastack !== 0 && seq + seglen <= revLastack)
        f |= A.SpuriousRetransmission;
      else if (notAdvanced && (this.dupNum[rev] ?? 0) >= 2 && revLastack === seq && sinceAck < 0.02)
        f |= A.FastRetransmission;
      else if (
        notAdvanced &&
        sinceNext < oooThreshold &&
        nextseq !== seq + seglen + (flags & (SYN | FIN) ? 1 : 0)
      )
        f |= A.OutOfOrder;
      else if (notAdvanced) f |= A.Retransmission;
    }

    const next = seq + seglen + (flags & (SYN | FIN) ? 1 : 0);
    const fwdList = (this.unacked[fwd] ??= []);
    if ((seglen > 0 || flags & (SYN | FIN)) && fwdList.length < MAX_UNACKED)
      fwdList.push({ frame, seq, nextseq: next, sec: ts.sec, nsec: ts.nsec });

    if ((!known || next > nextseq) && !(flags & RST)) {
      this.nextseq[fwd] = next;
      this.nextseqTime[fwd] = time;
      const max = this.get(this.maxToBeAcked, fwd);
      if (Number.isNaN(max) || next > max) this.maxToBeAcked[fwd] = next;
    }
    if (flags & ACK) {
      if (ack !== fwdLastack) this.lastackTime[fwd] = time;
      this.lastack[fwd] = ack;
    }
    this.window[fwd] = win;
    this.lastFlags[fwd] = f;
    const acked = flags & ACK ? this.ackSegments(rev, ack, ts) : null;
    const bif = seglen > 0 ? this.bytesInFlight(fwd, rev, seglen, flags) : null;
    this.noteHandshakeTimes(conv, flags, time, ts);
    if (f === 0 && !acked && !bif) return undefined;
    const r: FrameAnalysis = {
      flags: f,
      dupNum,
      dupFrame,
      acksFrame: acked?.frame ?? 0,
      ackRtt: acked?.rtt ?? '',
      initialRtt: this.firstRttText[conv] ?? '',
      bytesInFlight: bif?.inFlight ?? 0,
      pushBytesSent: bif?.push ?? 0,
    };
    this.frames.set(frame, r);
    return r;
  }

  /**
   * Wireshark's walk of the other direction's unacknowledged segments for an ACK: the one it
   * acknowledges exactly (and the round trip), segments it covers dropped, a partly covered one cut.
   */
  private ackSegments(
    rev: number,
    ack: number,
    ts: { sec: number; nsec: number },
  ): { frame: number; rtt: string } | null {
    const list = this.unacked[rev];
    if (!list || list.length === 0) return null;
    let hit: Unacked | null = null;
    // Newest first, as Wireshark's list runs; the last exact match (the oldest) wins.
    for (let i = list.length - 1; i >= 0; i--) {
      const u = list[i] as Unacked;
      if (ack === u.nextseq) hit = u;
      else if (ack > u.seq && ack <= u.nextseq) {
        u.seq = ack;
        continue;
      } else if (u.nextseq > ack) continue;
      list.splice(i, 1);
    }
    if (!hit) return null;
    const same = hit.sec === ts.sec && hit.nsec === ts.nsec;
    return { frame: hit.frame, rtt: same ? '' : formatDelta(ts.sec, ts.nsec, hit.sec, hit.nsec) };
  }

  /** Wireshark's bytes in flight (from the unacknowledged segments) and bytes since the last PSH. */
  private bytesInFlight(
    fwd: number,
    rev: number,
    seglen: number,
    flags: number,
  ): { inFlight: number; push: number } | null {
    const list = this.unacked[fwd];
    if (!list || list.length === 0 || this.validBif[fwd] === false) return null;
    let first = (list[0] as Unacked).seq;
    let last = (list[0] as Unacked).nextseq;
    for (const u of list) {
      if (u.nextseq > last) last = u.nextseq;
      if (u.seq < first) first = u.seq;
    }
    let inFlight = (last - first) >>> 0;
    const sack = this.sack[rev];
    if (sack)
      for (let i = 0; i + 1 < sack.length; i += 2)
        inFlight = (inFlight - ((sack[i + 1] as number) - (sack[i] as number))) >>> 0;
    let shown = 0;
    if (inFlight > 0 && inFlight < 2000000000) shown = flags & 3 ? inFlight - 1 : inFlight;
    const PSH = 8;
    const setLast = this.pushSetLast[fwd] === true;
    const before = this.pushBytes[fwd] ?? 0;
    // After a segment with PSH the count starts again.
    const push = setLast ? seglen : before + seglen;
    this.pushBytes[fwd] = push;
    this.pushSetLast[fwd] = (flags & PSH) !== 0;
    return { inFlight: shown, push };
  }
}

/** The Info prefix Wireshark prepends (each later one in front, as col_prepend_fence_fstr does). */
export function analysisInfo(a: FrameAnalysis): string {
  const f = a.flags;
  let s = '';
  const pre = (t: string): void => {
    s = `[${t}] ${s}`;
  };
  if (f & A.Retransmission) pre('TCP Retransmission');
  if (f & A.LostPacket) pre('TCP Previous segment not captured');
  if (f & A.AckLostPacket) pre('TCP ACKed unseen segment');
  if (f & A.KeepAlive) pre('TCP Keep-Alive');
  if (f & A.WindowUpdate) pre('TCP Window Update');
  if (f & A.WindowFull) pre('TCP Window Full');
  if (f & A.KeepAliveAck) pre('TCP Keep-Alive ACK');
  if (f & A.DupAck) pre(`TCP Dup ACK ${a.dupFrame}#${a.dupNum}`);
  if (f & A.FastRetransmission) pre('TCP Fast Retransmission');
  if (f & A.SpuriousRetransmission) pre('TCP Spurious Retransmission');
  if (f & A.OutOfOrder) pre('TCP Out-Of-Order');
  if (f & A.ZeroWindowProbe) pre('TCP ZeroWindowProbe');
  if (f & A.ZeroWindow) pre('TCP ZeroWindow');
  return s;
}

const NOTES: [A, keyof typeof AF, ExpertSeverity, string][] = [
  [A.Retransmission, 'analysis.retransmission', 'Note', 'This frame is a (suspected) retransmission'],
  [
    A.FastRetransmission,
    'analysis.fast_retransmission',
    'Note',
    'This frame is a (suspected) fast retransmission',
  ],
  [
    A.SpuriousRetransmission,
    'analysis.spurious_retransmission',
    'Note',
    'This frame is a (suspected) spurious retransmission',
  ],
  [A.OutOfOrder, 'analysis.out_of_order', 'Warning', 'This frame is a (suspected) out-of-order segment'],
  [
    A.LostPacket,
    'analysis.lost_segment',
    'Warning',
    'Previous segment(s) not captured (common at capture start)',
  ],
  [
    A.AckLostPacket,
    'analysis.ack_lost_segment',
    'Warning',
    "ACKed segment that wasn't captured (common at capture start)",
  ],
  [A.KeepAlive, 'analysis.keep_alive', 'Note', 'This is a TCP keep-alive segment'],
  [A.KeepAliveAck, 'analysis.keep_alive_ack', 'Note', 'ACK to a TCP keep-alive segment'],
  [A.WindowUpdate, 'analysis.window_update', 'Chat', 'TCP window update'],
  [
    A.WindowFull,
    'analysis.window_full',
    'Warning',
    'TCP window specified by the receiver is now completely full',
  ],
  [A.ZeroWindowProbe, 'analysis.zero_window_probe', 'Note', 'TCP Zero Window Probe'],
  [A.ZeroWindow, 'analysis.zero_window', 'Warning', 'TCP Zero Window segment'],
];

/** The "[SEQ/ACK analysis]" subtree with its flags and expert notes. */
export function analysisTree(a: FrameAnalysis, tvb: Tvb, o: number, pinfo: PacketInfo, tree: Tree): void {
  tree.push(AF.analysis, tvb, o, 0, 1);
  if (tree.full) tree.label('[SEQ/ACK analysis]');
  if (a.acksFrame !== 0) {
    tree.add(AF['analysis.acks_frame'], tvb, o, 0, a.acksFrame);
    if (tree.full) tree.labelLast(`[This is an ACK to the segment in frame: ${a.acksFrame}]`);
    if (a.ackRtt) {
      tree.add(AF['analysis.ack_rtt'], tvb, o, 0, a.ackRtt);
      if (tree.full) tree.labelLast(`[The RTT to ACK the segment was: ${a.ackRtt} seconds]`);
    }
  }
  if (a.initialRtt) {
    tree.add(AF['analysis.initial_rtt'], tvb, o, 0, a.initialRtt);
    if (tree.full) tree.labelLast(`[iRTT: ${a.initialRtt} seconds]`);
  }
  if (a.bytesInFlight !== 0) {
    tree.add(AF['analysis.bytes_in_flight'], tvb, o, 0, a.bytesInFlight);
    if (tree.full) tree.labelLast(`[Bytes in flight: ${a.bytesInFlight}]`);
    tree.add(AF['analysis.push_bytes_sent'], tvb, o, 0, a.pushBytesSent);
    if (tree.full) tree.labelLast(`[Bytes sent since last PSH flag: ${a.pushBytesSent}]`);
  }
  if (a.flags !== 0) {
    tree.push(AF['analysis.flags'], tvb, o, 0, 1);
    if (tree.full) tree.label('[TCP Analysis Flags]');
    for (const [bit, key, severity, message] of NOTES) {
      if (!(a.flags & bit)) continue;
      tree.push(AF[key], tvb, o, 0, 1);
      if (tree.full) tree.label(`[${AF[key].name}]`);
      expert(pinfo, tree, tvb, o, 0, severity, 'Sequence', message);
      tree.pop();
    }
    if (a.flags & A.DupAck) {
      tree.push(AF['analysis.duplicate_ack'], tvb, o, 0, 1);
      expert(pinfo, tree, tvb, o, 0, 'Note', 'Sequence', `Duplicate ACK (#${a.dupNum})`);
      tree.pop();
    }
    tree.pop();
  }
  if (a.flags & A.DupAck) {
    tree.add(AF['analysis.duplicate_ack_num'], tvb, o, 0, a.dupNum);
    if (tree.full) tree.labelLast(`[This is a TCP duplicate ack]`);
    tree.add(AF['analysis.duplicate_ack_frame'], tvb, o, 0, a.dupFrame);
    if (tree.full) tree.labelLast(`[Duplicate to the ACK in frame: ${a.dupFrame}]`);
  }
  tree.pop();
}
