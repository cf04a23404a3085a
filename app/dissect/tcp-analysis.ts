// TCP sequence analysis (Wireshark's tcp_analyze_sequence_number): retransmissions, lost and
// out-of-order segments, duplicate ACKs, keep-alives and window conditions, decided on the first
// pass in frame order and remembered per frame, so a frame dissected again gets the same flags.
import { formatDelta } from '../format/time.ts';
import { fields, text, uint, FieldType } from './field.ts';
import { expert, type ExpertSeverity } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import { NodeFlag, type Tree } from './tree.ts';
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
  'analysis.zero_window_probe_ack': text('Zero Window Probe Ack'),
  'analysis.reused_ports': text('TCP Port numbers reused'),
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
  'analysis.rto': {
    name: 'The RTO for this segment was',
    type: FieldType.RelTime,
    unit: 'seconds',
    generated: true,
  },
  'analysis.rto_frame': { name: 'RTO based on delta from frame', type: FieldType.FrameNum, generated: true },
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
  ReusedPorts = 8192,
  ZeroWindowProbeAck = 16384,
}

/**
 * Flags after which TCP does not hand the payload to a dissector (it was seen already). A fast
 * retransmission's payload is dissected, as tshark 4.0 does.
 */
export const RETRANSMITTED = A.Retransmission | A.SpuriousRetransmission;

/** The flag whose payload Wireshark shows as "Retransmitted TCP segment data" (a spurious one's it does not). */
export const PLAIN_RETRANSMISSION = A.Retransmission;

/**
 * A segment Wireshark's decode_tcp_ports keeps from the payload's dissector (its default
 * tcp.no_subdissector_on_error, with out-of-order reassembly off): it may still complete a message.
 */
export const OUT_OF_ORDER = A.OutOfOrder;

/**
 * One frame's analysis. The object is the analyser's scratch, filled for the frame asked about and
 * valid until the next call: read it at once, keep nothing of it.
 */
export interface FrameAnalysis {
  flags: number;
  dupNum: number;
  dupFrame: number;
  /** The frame whose data this segment acknowledges (0: none), and how long that took. */
  acksFrame: number;
  rttSec: number;
  rttNsec: number;
  /** The conversation, and whether its handshake round trip was known. */
  conv: number;
  irtt: boolean;
  /** Wireshark's bytes in flight (0: not shown) and bytes since the last PSH. */
  bytesInFlight: number;
  pushBytesSent: number;
  /** A retransmission's time since its flow's sequence number last advanced, and in which frame (0: none). */
  rtoSec: number;
  rtoNsec: number;
  rtoFrame: number;
  /** The text of `[The RTT to ACK…]`, of `[iRTT…]` and of `[The RTO…]` ('' when none). */
  ackRtt(): string;
  initialRtt(): string;
  rto(): string;
}

/** Growable per-frame columns (indexed by frame number) of what the analysis found. */
class FrameColumns {
  has = new Uint8Array(1024);
  flags = new Uint16Array(1024);
  acks = new Uint32Array(1024);
  rttSec = new Int32Array(1024);
  rttNsec = new Int32Array(1024);
  bif = new Uint32Array(1024);
  push = new Uint32Array(1024);
  readonly dups = new Map<number, [number, number]>();
  /** Retransmissions' RTO: [sec, nsec, frame the delta is from]. */
  readonly rtos = new Map<number, [number, number, number]>();

  ensure(frame: number): void {
    if (frame < this.has.length) return;
    const n = Math.max(frame + 1, this.has.length * 2);
    const grow = <T extends Uint8Array | Uint16Array | Uint32Array | Int32Array>(
      a: T,
      make: new (n: number) => T,
    ): T => {
      const b = new make(n);
      b.set(a);
      return b;
    };
    this.has = grow(this.has, Uint8Array);
    this.flags = grow(this.flags, Uint16Array);
    this.acks = grow(this.acks, Uint32Array);
    this.rttSec = grow(this.rttSec, Int32Array);
    this.rttNsec = grow(this.rttNsec, Int32Array);
    this.bif = grow(this.bif, Uint32Array);
    this.push = grow(this.push, Uint32Array);
  }
}

/** A segment not yet acknowledged (Wireshark's tcp_unacked_t). */
interface Unacked {
  frame: number;
  seq: number;
  nextseq: number;
  sec: number;
  nsec: number;
}

const TH_FIN = 0x01;
const TH_SYN = 0x02;
const TH_RST = 0x04;
const TH_ACK = 0x10;

/** The segment being analysed. */
interface Segment {
  frame: number;
  time: number;
  conv: number;
  fwd: number;
  rev: number;
  seq: number;
  ack: number;
  seglen: number;
  flags: number;
  win: number;
  revScale: number;
  ts: { sec: number; nsec: number };
}

/** Wireshark's TCP_MAX_UNACKED_SEGMENTS and the SACK blocks it keeps per direction. */
const MAX_UNACKED = 10000;
const MAX_SACK_BLOCKS = 3;

/** Per-flow sequence state (index 2c + direction), NaN where unknown. */
export class SeqAnalysis {
  private readonly nextseq: number[] = [];
  private readonly nextseqTime: number[] = [];
  /** Per flow: the frame that first set the next sequence number, and its time (for the RTO). */
  private readonly nextseqStamp: { frame: number; sec: number; nsec: number }[] = [];
  private readonly maxToBeAcked: number[] = [];
  private readonly lastack: number[] = [];
  private readonly lastackTime: number[] = [];
  private readonly window: number[] = [];
  private readonly dupNum: number[] = [];
  /** Per flow: the last frame whose ACK was not a duplicate (the one duplicates repeat). */
  private readonly lastNonDup: number[] = [];
  private readonly lastFlags: number[] = [];
  /** Handshake round trip per conversation (seconds), NaN until known. */
  private readonly synTime: number[] = [];
  private readonly firstRtt: number[] = [];
  private readonly frames = new FrameColumns();
  private readonly scratch: FrameAnalysis;
  /** The segment being analysed (one object, refilled for each). */
  private readonly segment: Segment = {
    frame: 0,
    time: 0,
    conv: 0,
    fwd: 0,
    rev: 0,
    seq: 0,
    ack: 0,
    seglen: 0,
    flags: 0,
    win: 0,
    revScale: 0,
    ts: { sec: 0, nsec: 0 },
  };
  /** Per flow: unacknowledged segments (oldest first), whether bytes in flight can be told, PSH state. */
  private readonly unacked: Unacked[][] = [];
  private readonly validBif: boolean[] = [];
  private readonly pushBytes: number[] = [];
  private readonly pushSetLast: boolean[] = [];
  /** Per flow: the SACK blocks of its latest segment, as [left, right) pairs. */
  private readonly sack: number[][] = [];
  private readonly synStamp: { sec: number; nsec: number }[] = [];
  /** Per conversation: the first RTT as [sec, nsec] parts, and its text once asked for. */
  private readonly firstRttParts: [number, number][] = [];
  private readonly firstRttText: string[] = [];

  constructor() {
    const initialRttText = (conv: number): string => this.initialRttText(conv);
    this.scratch = {
      flags: 0,
      dupNum: 0,
      dupFrame: 0,
      acksFrame: 0,
      rttSec: 0,
      rttNsec: 0,
      conv: -1,
      irtt: false,
      bytesInFlight: 0,
      pushBytesSent: 0,
      rtoSec: 0,
      rtoNsec: 0,
      rtoFrame: 0,
      ackRtt(): string {
        const some = this.rttSec !== 0 || this.rttNsec !== 0;
        return this.acksFrame !== 0 && some ? formatDelta(this.rttSec, this.rttNsec, 0, 0) : '';
      },
      initialRtt(): string {
        return this.irtt ? initialRttText(this.conv) : '';
      },
      rto(): string {
        return this.rtoFrame !== 0 ? formatDelta(this.rtoSec, this.rtoNsec, 0, 0) : '';
      },
    };
  }

  private initialRttText(conv: number): string {
    const known = this.firstRttText[conv];
    if (known !== undefined) return known;
    const p = this.firstRttParts[conv];
    if (!p) return '';
    const text = formatDelta(p[0], p[1], 0, 0);
    this.firstRttText[conv] = text;
    return text;
  }

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
      if (s0) this.firstRttParts[conv] = [ts.sec - s0.sec, ts.nsec - s0.nsec];
    }
  }

  /** The analysis of `frame` (in conversation `conv`) on a later pass; undefined when it had none. */
  of(frame: number, conv: number): FrameAnalysis | undefined {
    const x = this.frames;
    if (frame >= x.has.length || x.has[frame] === 0) return undefined;
    const dup = x.dups.get(frame);
    const r = this.scratch;
    r.flags = x.flags[frame] ?? 0;
    r.dupNum = dup?.[0] ?? 0;
    r.dupFrame = dup?.[1] ?? 0;
    r.acksFrame = x.acks[frame] ?? 0;
    r.rttSec = x.rttSec[frame] ?? 0;
    r.rttNsec = x.rttNsec[frame] ?? 0;
    r.bytesInFlight = x.bif[frame] ?? 0;
    r.pushBytesSent = x.push[frame] ?? 0;
    const rto = x.rtos.get(frame);
    r.rtoSec = rto?.[0] ?? 0;
    r.rtoNsec = rto?.[1] ?? 0;
    r.rtoFrame = rto?.[2] ?? 0;
    r.conv = conv;
    r.irtt = this.firstRttParts[conv] !== undefined;
    return r;
  }

  private get(a: number[], i: number): number {
    const v = a[i];
    return v === undefined ? NaN : v;
  }

  /**
   * Analyses one segment on the first pass, in the order of Wireshark's
   * tcp_analyze_sequence_number (tshark 4.0.17). `seq`/`ack` are relative, `win` the raw window,
   * `scale` the shift of the other direction (-1 unknown, -2 none); `reused` marks the SYN that
   * opened this conversation on ports an earlier one used.
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
    reused = false,
  ): FrameAnalysis | undefined {
    const s = this.segment;
    s.frame = frame;
    s.time = time;
    s.conv = conv;
    s.fwd = fwd;
    s.rev = rev;
    s.seq = seq;
    s.ack = ack;
    s.seglen = seglen;
    s.flags = flags;
    s.win = win;
    s.revScale = revScale;
    s.ts = ts;
    let f = reused ? A.ReusedPorts : 0;
    // An ACK lets the other side's bytes in flight be told again (after a lost segment).
    if (flags & TH_ACK) this.validBif[rev] = true;
    f |= this.senderConditions(s);
    const dup = f & A.DupAck ? [this.dupNum[fwd] ?? 0, this.lastNonDup[fwd] ?? 0] : null;
    // The count of duplicate ACKs starts again when the acknowledged number moves.
    if (ack !== this.get(this.lastack, fwd)) {
      this.lastNonDup[fwd] = frame;
      this.dupNum[fwd] = 0;
    }
    f |= this.ackedUnseen(s);
    f |= this.retransmissionKind(s, f);
    const rto = f & A.Retransmission ? this.rtoOf(fwd, ts) : null;
    this.advance(s, f);
    const acked = flags & TH_ACK ? this.ackSegments(rev, ack) : null;
    const bif = seglen > 0 ? this.bytesInFlight(fwd, rev, seglen, flags) : -1;
    this.noteHandshakeTimes(conv, flags, time, ts);
    if (f === 0 && !acked && bif < 0) return undefined;
    const x = this.frames;
    x.ensure(frame);
    x.has[frame] = 1;
    x.flags[frame] = f;
    if (dup) x.dups.set(frame, [dup[0] as number, dup[1] as number]);
    if (rto) x.rtos.set(frame, rto);
    // An ACK in the same instant as its segment shows no RTT (Wireshark's zero time).
    x.acks[frame] = acked?.frame ?? 0;
    x.rttSec[frame] = acked ? ts.sec - acked.sec : 0;
    x.rttNsec[frame] = acked ? ts.nsec - acked.nsec : 0;
    x.bif[frame] = bif > 0 ? bif : 0;
    x.push[frame] = bif >= 0 ? (this.pushBytes[fwd] ?? 0) : 0;
    // The first pass reads its own frame back: the conversation's iRTT as it stands now.
    return this.of(frame, conv);
  }

  /**
   * What the segment says of its sender's side: zero window (probe), a hole before it, keep-alive,
   * window update or full, the ACK of a keep-alive or probe, a duplicate ACK.
   */
  private senderConditions(s: Segment): number {
    const { fwd, rev, seq, ack, seglen, flags, win } = s;
    const nextseq = this.get(this.nextseq, fwd);
    const known = !Number.isNaN(nextseq);
    const revWindow = this.get(this.window, rev);
    const fwdWindow = this.get(this.window, fwd);
    const fwdLastack = this.get(this.lastack, fwd);
    const plain = (flags & (TH_SYN | TH_FIN | TH_RST)) === 0;
    if (seglen === 1 && known && seq === nextseq && revWindow === 0) return A.ZeroWindowProbe;
    let f = 0;
    if (win === 0 && plain) f |= A.ZeroWindow;
    if (known && seq > nextseq && !(flags & TH_RST)) {
      f |= A.LostPacket;
      this.validBif[fwd] = false;
    }
    if (seglen <= 1 && plain && known && seq === nextseq - 1) f |= A.KeepAlive;
    const repeats = seglen === 0 && seq === nextseq && ack === fwdLastack && plain;
    if (repeats && win !== 0 && win !== fwdWindow && !Number.isNaN(fwdWindow)) f |= A.WindowUpdate;
    if (this.fillsWindow(s, revWindow)) f |= A.WindowFull;
    if (!repeats || win !== fwdWindow) return f;
    const revLast = this.get(this.lastFlags, rev);
    if (win !== 0 && revLast & A.KeepAlive) return f | A.KeepAliveAck;
    if (win === 0 && revLast & A.ZeroWindowProbe) return f | A.ZeroWindowProbeAck;
    if (win === 0) return f;
    // After an ACK of unseen data (-1) the count starts at 1.
    const n = this.dupNum[fwd] ?? 0;
    this.dupNum[fwd] = n === -1 ? 1 : n + 1;
    return f | A.DupAck;
  }

  /** Data that reaches exactly the edge of the window the other side advertised. */
  private fillsWindow(s: Segment, revWindow: number): boolean {
    const revLastack = this.get(this.lastack, s.rev);
    if (s.seglen === 0 || s.revScale === -1 || Number.isNaN(revWindow) || Number.isNaN(revLastack))
      return false;
    if (s.flags & (TH_SYN | TH_FIN | TH_RST)) return false;
    const shift = s.revScale === -2 ? 0 : s.revScale;
    return s.seq + s.seglen === revLastack + revWindow * 2 ** shift;
  }

  /**
   * An ACK beyond what the other side is known to have sent. Flagged once per loss: Wireshark
   * marks the other side's duplicate-ACK count -1 and flags again only after that side's ACK moved.
   */
  private ackedUnseen(s: Segment): number {
    const revMax = this.get(this.maxToBeAcked, s.rev);
    if (Number.isNaN(revMax) || !(s.ack > revMax) || !(s.flags & TH_ACK)) return 0;
    const revNext = this.get(this.nextseq, s.rev);
    if (revMax > revNext) {
      this.maxToBeAcked[s.rev] = revNext;
      return A.AckLostPacket;
    }
    const first = (this.dupNum[s.rev] ?? 0) === 0;
    this.dupNum[s.rev] = -1;
    return first ? A.AckLostPacket : 0;
  }

  /**
   * Data (or SYN/FIN) that does not advance the sequence: spurious (all acknowledged already),
   * fast retransmission (after duplicate ACKs of it), out-of-order (soon after newer data), or a
   * plain retransmission, tried in that order.
   */
  private retransmissionKind(s: Segment, f: number): number {
    const { fwd, rev, seq, seglen, flags, time } = s;
    if ((seglen === 0 && !(flags & (TH_SYN | TH_FIN))) || f & A.KeepAlive) return 0;
    const nextseq = this.get(this.nextseq, fwd);
    // Data starting one byte before the next sequence number advances it (a probe's byte).
    const notAdvanced = !Number.isNaN(nextseq) && seq < nextseq && !(seglen > 1 && seq === nextseq - 1);
    const revLastack = this.get(this.lastack, rev);
    if (seglen > 0 && !Number.isNaN(revLastack) && revLastack !== 0 && seq + seglen <= revLastack)
      return A.SpuriousRetransmission;
    if (!notAdvanced) return 0;
    // A count of -1 (after an ACK of unseen data) is a large unsigned number to Wireshark.
    const dups = this.dupNum[rev] ?? 0;
    const sinceAck = time - this.get(this.lastackTime, rev);
    if ((dups === -1 || dups >= 2) && revLastack === seq && sinceAck < 0.02) return A.FastRetransmission;
    const rtt = this.get(this.firstRtt, s.conv);
    const threshold = Number.isNaN(rtt) || rtt === 0 ? 0.003 : rtt;
    const sinceNext = time - this.get(this.nextseqTime, fwd);
    const end = seq + seglen + (flags & (TH_SYN | TH_FIN) ? 1 : 0);
    if (sinceNext < threshold && nextseq !== end) return A.OutOfOrder;
    return A.Retransmission;
  }

  /**
   * A retransmission's RTO: since the oldest segment still unacknowledged (the one most likely
   * sent again), else since the frame that last advanced the flow; none when zero.
   */
  private rtoOf(fwd: number, ts: { sec: number; nsec: number }): [number, number, number] | null {
    const from = this.unacked[fwd]?.[0] ?? this.nextseqStamp[fwd];
    if (!from) return null;
    const sec = ts.sec - from.sec;
    const nsec = ts.nsec - from.nsec;
    return sec !== 0 || nsec !== 0 ? [sec, nsec, from.frame] : null;
  }

  /** The flow's state after the segment: unacknowledged list, next sequence, window, last ACK. */
  private advance(s: Segment, f: number): void {
    const { frame, time, fwd, seq, ack, seglen, flags, win, ts } = s;
    const next = seq + seglen + (flags & (TH_SYN | TH_FIN) ? 1 : 0);
    const fwdList = (this.unacked[fwd] ??= []);
    if ((seglen > 0 || flags & (TH_SYN | TH_FIN)) && fwdList.length < MAX_UNACKED)
      fwdList.push({ frame, seq, nextseq: next, sec: ts.sec, nsec: ts.nsec });
    const probe = (f & A.ZeroWindowProbe) !== 0;
    const nextseq = this.get(this.nextseq, fwd);
    if ((Number.isNaN(nextseq) || next > nextseq) && !probe) {
      this.nextseq[fwd] = next;
      this.nextseqTime[fwd] = time;
      this.nextseqStamp[fwd] = { frame, sec: ts.sec, nsec: ts.nsec };
    }
    // The highest sequence number the other side may acknowledge moves only with a segment that
    // starts where it stood (Wireshark's maxseqtobeacked): data after a hole does not move it.
    const max = this.get(this.maxToBeAcked, fwd);
    if ((Number.isNaN(max) || max === 0 || seq === max) && !probe)
      this.maxToBeAcked[fwd] = this.get(this.nextseq, fwd);
    this.window[fwd] = win;
    this.lastack[fwd] = ack;
    this.lastackTime[fwd] = time;
    this.lastFlags[fwd] = f;
  }

  /**
   * Wireshark's walk of the other direction's unacknowledged segments for an ACK: the one it
   * acknowledges exactly (and the round trip), segments it covers dropped, a partly covered one cut.
   */
  private ackSegments(rev: number, ack: number): Unacked | null {
    const list = this.unacked[rev];
    if (!list || list.length === 0) return null;
    let hit: Unacked | null = null;
    // Newest first, as Wireshark's list runs; the last exact match (the oldest) wins. Dropped
    // segments are compacted out in one sweep (acknowledged ones are mostly the oldest).
    let hitFrame = 0;
    let kept = list.length;
    for (let i = list.length - 1; i >= 0; i--) {
      const u = list[i] as Unacked;
      if (ack === u.nextseq) {
        hit = u;
        hitFrame = u.frame;
      } else if (ack > u.seq && ack <= u.nextseq) {
        u.seq = ack;
        continue;
      } else if (u.nextseq > ack) continue;
      u.frame = -1;
      kept--;
    }
    if (kept < list.length) {
      let w = 0;
      for (const u of list) if (u.frame >= 0) list[w++] = u;
      list.length = w;
    }
    // The acknowledged segment left the list; its frame number comes back for the caller.
    if (hit) hit.frame = hitFrame;
    return hit;
  }

  /**
   * Wireshark's bytes in flight (from the unacknowledged segments; 0 when it shows none), with the
   * bytes since the last PSH brought up to date; -1 when it cannot be told.
   */
  private bytesInFlight(fwd: number, rev: number, seglen: number, flags: number): number {
    const list = this.unacked[fwd];
    if (!list || list.length === 0 || this.validBif[fwd] === false) return -1;
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
    this.pushBytes[fwd] = setLast ? seglen : before + seglen;
    this.pushSetLast[fwd] = (flags & PSH) !== 0;
    return shown;
  }
}

/** Info prefixes in the order Wireshark prints the flags (each later one goes in front). */
const INFO: [A, string][] = [
  [A.ReusedPorts, 'TCP Port numbers reused'],
  [A.Retransmission, 'TCP Retransmission'],
  [A.FastRetransmission, 'TCP Fast Retransmission'],
  [A.SpuriousRetransmission, 'TCP Spurious Retransmission'],
  [A.OutOfOrder, 'TCP Out-Of-Order'],
  [A.LostPacket, 'TCP Previous segment not captured'],
  [A.AckLostPacket, 'TCP ACKed unseen segment'],
  [A.WindowUpdate, 'TCP Window Update'],
  [A.WindowFull, 'TCP Window Full'],
  [A.KeepAlive, 'TCP Keep-Alive'],
  [A.KeepAliveAck, 'TCP Keep-Alive ACK'],
  [A.DupAck, ''],
  [A.ZeroWindowProbe, 'TCP ZeroWindowProbe'],
  [A.ZeroWindow, 'TCP ZeroWindow'],
  [A.ZeroWindowProbeAck, 'TCP ZeroWindowProbeAck'],
];

/** The Info prefix Wireshark prepends (each later one in front, as col_prepend_fence_fstr does). */
export function analysisInfo(a: FrameAnalysis): string {
  let s = '';
  for (const [bit, text] of INFO) {
    if (!(a.flags & bit)) continue;
    s = `[${bit === A.DupAck ? `TCP Dup ACK ${a.dupFrame}#${a.dupNum}` : text}] ${s}`;
  }
  return s;
}

const RETRANSMISSION = 'This frame is a (suspected) retransmission';

/**
 * The expert notes of each flag, in Wireshark's order; a fast or spurious retransmission is also
 * noted as a retransmission. The duplicate ACK's note hangs under its frame item instead.
 */
const NOTES: [A, (keyof typeof AF)[], ExpertSeverity, string[]][] = [
  [
    A.ReusedPorts,
    ['analysis.reused_ports'],
    'Note',
    ['A new tcp session is started with the same ports as an earlier session in this trace'],
  ],
  [A.Retransmission, ['analysis.retransmission'], 'Note', [RETRANSMISSION]],
  [
    A.FastRetransmission,
    ['analysis.fast_retransmission', 'analysis.retransmission'],
    'Note',
    ['This frame is a (suspected) fast retransmission', RETRANSMISSION],
  ],
  [
    A.SpuriousRetransmission,
    ['analysis.spurious_retransmission', 'analysis.retransmission'],
    'Note',
    ['This frame is a (suspected) spurious retransmission', RETRANSMISSION],
  ],
  [A.OutOfOrder, ['analysis.out_of_order'], 'Warning', ['This frame is a (suspected) out-of-order segment']],
  [
    A.LostPacket,
    ['analysis.lost_segment'],
    'Warning',
    ['Previous segment(s) not captured (common at capture start)'],
  ],
  [
    A.AckLostPacket,
    ['analysis.ack_lost_segment'],
    'Warning',
    ["ACKed segment that wasn't captured (common at capture start)"],
  ],
  [A.WindowUpdate, ['analysis.window_update'], 'Chat', ['TCP window update']],
  [
    A.WindowFull,
    ['analysis.window_full'],
    'Warning',
    ['TCP window specified by the receiver is now completely full'],
  ],
  [A.KeepAlive, ['analysis.keep_alive'], 'Note', ['TCP keep-alive segment']],
  [A.KeepAliveAck, ['analysis.keep_alive_ack'], 'Note', ['ACK to a TCP keep-alive segment']],
  [A.DupAck, [], 'Note', []],
  [A.ZeroWindowProbe, ['analysis.zero_window_probe'], 'Note', ['TCP Zero Window Probe']],
  [A.ZeroWindow, ['analysis.zero_window'], 'Warning', ['TCP Zero Window segment']],
  [A.ZeroWindowProbeAck, ['analysis.zero_window_probe_ack'], 'Note', ['ACK to a TCP Zero Window Probe']],
];

/** The "[SEQ/ACK analysis]" subtree with its flags and expert notes. */
export function analysisTree(a: FrameAnalysis, tvb: Tvb, o: number, pinfo: PacketInfo, tree: Tree): void {
  tree.push(AF.analysis, tvb, o, 0, 1);
  if (tree.full) tree.label('[SEQ/ACK analysis]');
  if (a.acksFrame !== 0) {
    tree.add(AF['analysis.acks_frame'], tvb, o, 0, a.acksFrame);
    if (tree.full) tree.labelLast(`[This is an ACK to the segment in frame: ${a.acksFrame}]`);
    const rtt = a.ackRtt();
    if (rtt) {
      tree.add(AF['analysis.ack_rtt'], tvb, o, 0, rtt);
      if (tree.full) tree.labelLast(`[The RTT to ACK the segment was: ${rtt} seconds]`);
    }
  }
  const irtt = a.initialRtt();
  if (irtt) {
    tree.add(AF['analysis.initial_rtt'], tvb, o, 0, irtt);
    if (tree.full) tree.labelLast(`[iRTT: ${irtt} seconds]`);
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
    for (const [bit, keys, severity, messages] of NOTES) {
      if (a.flags & bit) flagNotes(a, bit, keys, severity, messages, tvb, o, pinfo, tree);
    }
    tree.pop();
  }
  if (a.flags & A.DupAck) {
    tree.add(AF['analysis.duplicate_ack_num'], tvb, o, 0, a.dupNum);
    tree.push(AF['analysis.duplicate_ack_frame'], tvb, o, 0, a.dupFrame);
    expert(pinfo, tree, tvb, o, 0, 'Note', 'Sequence', `Duplicate ACK (#${a.dupNum})`);
    tree.pop();
  }
  tree.pop();
}

/** One flag's items: its hidden fields for filters, its notes, and a retransmission's RTO. */
function flagNotes(
  a: FrameAnalysis,
  bit: A,
  keys: (keyof typeof AF)[],
  severity: ExpertSeverity,
  messages: string[],
  tvb: Tvb,
  o: number,
  pinfo: PacketInfo,
  tree: Tree,
): void {
  if (bit === A.DupAck) {
    tree.add(AF['analysis.duplicate_ack'], tvb, o, 0, 1);
    if (tree.full) tree.labelLast('[This is a TCP duplicate ack]');
    return;
  }
  // tshark 4.0 shows only the expert notes; the flags' fields are there for filters.
  for (const key of keys) tree.add(AF[key], tvb, o, 0, 1, NodeFlag.Hidden);
  for (const message of messages) expert(pinfo, tree, tvb, o, 0, severity, 'Sequence', message);
  const rto = bit === A.Retransmission ? a.rto() : '';
  if (!rto) return;
  tree.add(AF['analysis.rto'], tvb, o, 0, rto);
  if (tree.full) tree.labelLast(`[The RTO for this segment was: ${rto} seconds]`);
  tree.add(AF['analysis.rto_frame'], tvb, o, 0, a.rtoFrame);
  if (tree.full) tree.labelLast(`[RTO based on delta from frame: ${a.rtoFrame}]`);
}
