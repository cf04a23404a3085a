// TCP stream reassembly, as Wireshark's desegment_pdus does it. A payload dissector that finds its
// message cut short says where it starts and how much more it needs (pinfo.desegmentOffset/Len);
// TCP keeps the bytes as a multi-segment PDU ("msp") of that direction, adds later segments to
// it, and dissects the whole message, from a new data source, on the frame that completes it.
//
// Re-dissection of a frame (detail view, random access) must give the same answer, so what is
// decided on the first pass lives in the msps, and a later pass only reads them: a frame whose
// segment starts inside a known msp it did not complete is a "segment of a reassembled PDU",
// exactly as Wireshark's second pass shows it.
import { bytes, fields, text, uint, FieldType, type FieldSpec } from './field.ts';
import { DESEGMENT_ONE_MORE_SEGMENT, type PacketInfo } from './packet-info.ts';
import type { Tree, FieldNode } from './tree.ts';
import { Tvb } from './tvb.ts';

const framenum = (name: string): FieldSpec => ({ name, type: FieldType.FrameNum, generated: true });

export const RF = fields('tcp', {
  reassembled_in: framenum('Reassembled PDU in frame'),
  segment_data: bytes('TCP segment data'),
  segments: text('Reassembled TCP Segments'),
  segment: framenum('TCP Segment'),
  'segment.count': uint('Segment count', 32, { generated: true }),
  'reassembled.length': uint('Reassembled TCP length', 32, { generated: true }),
  'reassembled.data': bytes('Reassembled TCP Data', { generated: true }),
  'pdu.size': uint('PDU Size', 32, { generated: true }),
});

/** The largest message buffer made from an announced length alone (1 MiB). */
const MAX_PRESIZE = 1 << 20;

interface Part {
  frame: number;
  /** Relative sequence number of the first byte. */
  seq: number;
  length: number;
  /** Where the bytes are in the frame's own bytes, to read them again; -1: in another data source. */
  at: number;
}

/** One message spread over segments (Wireshark's tcp_multisegment_pdu). */
export class Msp {
  /** Frame that completed it (0 while bytes are missing). */
  lastFrame = 0;
  /**
   * Reassembled bytes while the frame that completes the message is dissected the first time;
   * afterwards only when they cannot be read back from the frames (see `reassembledData`).
   */
  data: Uint8Array | null = null;
  readonly parts: Part[] = [];
  /**
   * The message's bytes as the parts brought them, from `seq` on, until the message is final: each
   * segment is copied in once, where it belongs, instead of kept apart and joined at the end.
   */
  private buffer: Uint8Array | null = null;

  constructor(
    /** Sequence number of the first byte of the message. */
    readonly seq: number,
    /** Sequence number just past the message as far as it is known. */
    public nxtpdu: number,
    /** The dissector could not tell the length: the whole next segment joins (ONE_MORE_SEGMENT). */
    public wholeSegment: boolean,
    readonly firstFrame: number,
  ) {
    this.contiguous = seq;
    this.end = seq;
  }

  /** Sequence number up to which the parts cover the message without a gap. */
  private contiguous: number;

  /** The highest frame and the highest sequence end among the parts (fast paths of `add`). */
  private lastAdded = 0;
  private end: number;

  has(frame: number): boolean {
    if (frame > this.lastAdded) return false;
    for (let i = this.parts.length - 1; i >= 0; i--) if ((this.parts[i] as Part).frame === frame) return true;
    return false;
  }

  /**
   * Adds a segment's bytes (copied) unless it brings nothing new (a retransmission); `at` is
   * where they are in the frame's own bytes (-1 if elsewhere).
   */
  add(frame: number, seq: number, bytes: Uint8Array, at: number): boolean {
    const to = seq + bytes.length;
    if (seq < this.seq || this.has(frame) || this.covers(seq, to)) return false;
    const part = { frame, seq, length: bytes.length, at };
    const parts = this.parts;
    this.lastAdded = Math.max(this.lastAdded, frame);
    if (seq >= this.end) {
      // In order, the common case: a push, and the gap-free run grows only if it reached here.
      this.store(bytes, seq - this.seq, bytes.length);
      parts.push(part);
      this.end = to;
      if (seq <= this.contiguous) this.contiguous = to;
      return true;
    }
    this.storeUnder(bytes, seq);
    let i = parts.length;
    while (i > 0 && (parts[i - 1] as Part).seq > seq) i--;
    parts.splice(i, 0, part);
    this.end = Math.max(this.end, to);
    this.extend();
    return true;
  }

  /**
   * Stores an out-of-order segment's bytes where no part with a higher sequence number has put
   * its own: where segments overlap, the one that starts later wins, whatever the arrival order.
   */
  private storeUnder(bytes: Uint8Array, seq: number): void {
    let from = seq;
    const to = seq + bytes.length;
    for (const p of this.parts) {
      if (p.seq <= seq || p.seq + p.length <= from) continue;
      if (p.seq >= to) break;
      if (p.seq > from) this.store(bytes.subarray(from - seq, p.seq - seq), from - this.seq, p.seq - from);
      from = Math.max(from, p.seq + p.length);
    }
    if (from < to) this.store(bytes.subarray(from - seq), from - this.seq, to - from);
  }

  /** Copies `length` bytes to `at` in the message buffer, growing it as needed. */
  private store(bytes: Uint8Array, at: number, length: number): void {
    const need = at + length;
    let buffer = this.buffer;
    if (!buffer || buffer.length < need) {
      const known = this.wholeSegment ? 0 : this.nxtpdu - this.seq;
      // The announced length sizes the buffer up to a bound (a bogus length must not allocate
      // gigabytes before its bytes arrive); past it the buffer doubles.
      const size = Math.max(need, Math.min(known, MAX_PRESIZE), 2 * (buffer?.length ?? 0));
      const grown = new Uint8Array(size);
      if (buffer) grown.set(buffer);
      this.buffer = buffer = grown;
    }
    buffer.set(length === bytes.length ? bytes : bytes.subarray(0, length), at);
  }

  private extend(): void {
    let at = this.contiguous;
    for (const p of this.parts) {
      if (p.seq > at) break;
      at = Math.max(at, p.seq + p.length);
    }
    this.contiguous = at;
  }

  private covers(from: number, to: number): boolean {
    if (from >= this.seq && to <= this.contiguous) return true;
    if (from >= this.end) return to <= from;
    let at = from;
    for (const p of this.parts) {
      if (p.seq + p.length <= at) continue;
      if (p.seq > at) break;
      at = p.seq + p.length;
    }
    return at >= to;
  }

  /** The message when parts cover [seq, nxtpdu) without a gap, else null. */
  assemble(): Uint8Array | null {
    if (this.wholeSegment || this.contiguous < this.nxtpdu || !this.buffer) return null;
    return this.buffer.subarray(0, this.nxtpdu - this.seq);
  }

  /**
   * Drops the copies once the message is final. A revisit reads the pieces back from their frames
   * (`reassembledData`); only a message with a piece from another data source keeps its bytes.
   */
  release(): void {
    this.buffer = null;
    if (this.parts.every((p) => p.at >= 0)) this.data = null;
  }

  /** The message from its frames' bytes, as `read` gives them; null when one cannot be read. */
  readBack(read: (frame: number) => Uint8Array | null): Uint8Array | null {
    const out = new Uint8Array(this.nxtpdu - this.seq);
    for (const p of this.parts) {
      const bytes = p.at >= 0 ? read(p.frame) : null;
      if (!bytes || bytes.length < p.at + p.length) return null;
      const from = p.seq - this.seq;
      const take = Math.min(p.length, out.length - from);
      if (take > 0) out.set(bytes.subarray(p.at, p.at + take), from);
    }
    return out;
  }

  /** The frames in sequence order with the span of the message each carried. */
  spans(): { frame: number; from: number; length: number }[] {
    const out: { frame: number; from: number; length: number }[] = [];
    let at = this.seq;
    for (const p of this.parts) {
      const end = Math.min(p.seq + p.length, this.nxtpdu);
      if (end <= at) continue;
      out.push({ frame: p.frame, from: at - this.seq, length: end - at });
      at = end;
    }
    return out;
  }
}

/** The msps of one direction of one connection, in sequence order. */
class FlowPdus {
  readonly list: Msp[] = [];

  /** The msp whose bytes include sequence number `seq` (Wireshark's lookup32_le + range check). */
  containing(seq: number): Msp | undefined {
    const l = this.list;
    for (let i = l.length - 1; i >= 0; i--) {
      const m = l[i] as Msp;
      if (m.seq <= seq) return seq < m.nxtpdu ? m : undefined;
    }
    return undefined;
  }

  at(seq: number): Msp | undefined {
    for (let i = this.list.length - 1; i >= 0; i--)
      if ((this.list[i] as Msp).seq === seq) return this.list[i];
    return undefined;
  }

  insert(m: Msp): void {
    let i = this.list.length;
    while (i > 0 && (this.list[i - 1] as Msp).seq > m.seq) i--;
    this.list.splice(i, 0, m);
  }
}

/** Reassembly state of every flow (index 2c + direction, as TCP numbers them). */
export class StreamReassembly {
  private readonly flows: (FlowPdus | undefined)[] = [];

  flow(index: number): FlowPdus | undefined {
    return this.flows[index];
  }

  ensure(index: number): FlowPdus {
    let f = this.flows[index];
    if (!f) {
      f = new FlowPdus();
      this.flows[index] = f;
    }
    return f;
  }
}

/** What TCP knows about the segment whose payload is being desegmented. */
export interface SegmentContext {
  pinfo: PacketInfo;
  tree: Tree;
  /** The TCP subtree (to add reassembled_in and segment data to after the header is done). */
  tcpNode: FieldNode | null;
  /** The frame's TCP layer. */
  tvb: Tvb;
  /** Where the payload starts in `tvb`, and its relative sequence number. */
  start: number;
  seq: number;
  flows: StreamReassembly;
  flow: number;
  first: boolean;
  /** Hands a payload to the port table (TCP's dispatch). */
  dispatch(payload: Tvb): void;
}

const SEGMENT_NOTE = '[TCP segment of a reassembled PDU]';

/** Wireshark's desegment_pdus over one segment's payload (reassembly on, payload fully captured). */
export function desegmentPdus(ctx: SegmentContext): void {
  try {
    desegmentSegment(ctx);
  } finally {
    ctx.pinfo.protoLocked = false;
  }
}

function desegmentSegment(ctx: SegmentContext): void {
  const { pinfo, tvb } = ctx;
  const frame = pinfo.meta.number;
  const end = tvb.end;
  let offset = ctx.start;
  let seq = ctx.seq;

  for (;;) {
    const nxtseq = seq + (end - offset);
    const msp = ctx.flows.flow(ctx.flow)?.containing(seq);
    if (msp) {
      if (ctx.first && msp.lastFrame === 0) {
        const take = msp.wholeSegment ? end - offset : Math.min(nxtseq, msp.nxtpdu) - seq;
        if (
          msp.add(frame, seq, tvb.bytes.subarray(offset, offset + take), at(tvb, offset)) &&
          msp.wholeSegment
        ) {
          msp.wholeSegment = false;
          msp.nxtpdu = nxtseq;
        }
        const data = msp.assemble();
        if (data) {
          msp.data = data;
          msp.lastFrame = frame;
        }
      }
      const data = msp.lastFrame === frame ? reassembledData(msp, pinfo) : null;
      if (!data) {
        // A segment of a message completed elsewhere (or not yet).
        segmentItems(ctx, offset, msp.has(frame) && msp.lastFrame !== 0 ? msp.lastFrame : 0);
        markSegment(pinfo);
        return;
      }
      const consumed = msp.nxtpdu - seq;
      // TCP's own items follow what the message's dissector added to TCP's tree (PDU Size).
      const asked = dissectReassembled(ctx, msp, data);
      segmentItems(ctx, offset, 0, Math.min(consumed, end - offset));
      if (asked) {
        if (ctx.first) {
          // The message is longer than the dissector thought: wait for more, as Wireshark's
          // partial reassembly does.
          const have = msp.seq + data.length;
          msp.lastFrame = 0;
          msp.data = null;
          if (pinfo.desegmentLen === DESEGMENT_ONE_MORE_SEGMENT) {
            msp.nxtpdu = have + 1;
            msp.wholeSegment = true;
          } else {
            msp.nxtpdu = have + pinfo.desegmentLen;
          }
        }
        if (pinfo.desegmentOffset === 0) markSegment(pinfo);
        return;
      }
      if (ctx.first) msp.release();
      if (consumed >= end - offset) {
        return;
      }
      // Another message follows: the completed one keeps the columns, as in Wireshark.
      pinfo.fenceColumns();
      offset += consumed;
      seq += consumed;
      continue;
    }

    pinfo.canDesegment = true;
    pinfo.desegmentOffset = 0;
    pinfo.desegmentLen = 0;
    const layers = pinfo.layers.length;
    ctx.dispatch(tvb.sub(offset));
    pinfo.canDesegment = false;
    if (pinfo.desegmentLen <= 0) {
      return;
    }
    const from = Math.min(pinfo.desegmentOffset, end - offset);
    const pduSeq = seq + from;
    let pdu = ctx.flows.flow(ctx.flow)?.at(pduSeq);
    if (ctx.first && !pdu) {
      const one = pinfo.desegmentLen === DESEGMENT_ONE_MORE_SEGMENT;
      pdu = new Msp(pduSeq, one ? nxtseq + 1 : nxtseq + pinfo.desegmentLen, one, frame);
      pdu.add(frame, pduSeq, tvb.bytes.subarray(offset + from, end), at(tvb, offset + from));
      ctx.flows.ensure(ctx.flow).insert(pdu);
    }
    segmentItems(ctx, offset + from, pdu && pdu.lastFrame !== frame ? pdu.lastFrame : 0);
    if (from === 0) {
      // Nothing of it could be dissected: the frame shows as a TCP segment.
      pinfo.layers.length = layers;
      markSegment(pinfo);
    }
    return;
  }
}

/** Where `offset` of `tvb` is in the frame's own bytes, or -1 when `tvb` is another data source. */
function at(tvb: Tvb, offset: number): number {
  return tvb.source === 0 ? offset : -1;
}

/** The last message read back from its frames: a detail view asks for the same frame again. */
let lastReadBack: { msp: Msp; data: Uint8Array } | null = null;

/** A completed message's bytes: kept on the first pass, else read back from its frames. */
function reassembledData(msp: Msp, pinfo: PacketInfo): Uint8Array | null {
  if (msp.data) return msp.data;
  if (lastReadBack?.msp === msp) return lastReadBack.data;
  const read = pinfo.state.frameBytes;
  const data = read ? msp.readBack(read) : null;
  if (data) lastReadBack = { msp, data };
  return data;
}

function markSegment(pinfo: PacketInfo): void {
  pinfo.setProto('TCP');
  if (pinfo.wantInfo) pinfo.setInfo(pinfo.info ? `${pinfo.info} ${SEGMENT_NOTE}` : SEGMENT_NOTE);
}

/** In the TCP subtree: where the message was reassembled, and this segment's share of it. */
function segmentItems(ctx: SegmentContext, offset: number, reassembledIn: number, length?: number): void {
  const { tree, tvb } = ctx;
  const n = length ?? tvb.end - offset;
  if (tree.full) tree.reopen(ctx.tcpNode);
  if (reassembledIn !== 0) {
    tree.add(RF.reassembled_in, tvb, offset, 0, reassembledIn);
    if (tree.full) tree.labelLast(`[Reassembled PDU in frame: ${reassembledIn}]`);
  }
  if (n > 0) {
    tree.add(RF.segment_data, tvb, offset, n);
    if (tree.full) tree.labelLast(`TCP segment data (${n} byte${n === 1 ? '' : 's'})`);
  }
  if (tree.full) tree.pop();
}

/**
 * Dissects a completed message from its own data source, after the list of segments it came
 * from. True when the dissector still wants more bytes.
 */
function dissectReassembled(ctx: SegmentContext, msp: Msp, data: Uint8Array): boolean {
  const { pinfo, tree } = ctx;
  const source = pinfo.addSource(`Reassembled TCP (${data.length} bytes)`, data);
  const whole = new Tvb(data, 0, data.length, data.length, source);
  const spans = msp.spans();
  tree.push(RF.segments, whole, 0, data.length);
  if (tree.full) {
    const list = spans.map((s) => `#${s.frame}(${s.length})`).join(', ');
    tree.label(`[${spans.length} Reassembled TCP Segments (${data.length} bytes): ${list}]`);
  }
  for (const s of spans) {
    tree.add(RF.segment, whole, s.from, s.length, s.frame);
    if (tree.full) {
      const last = s.from + s.length - 1;
      tree.labelLast(
        `[Frame: ${s.frame}, payload: ${s.from}-${last} (${s.length} byte${s.length === 1 ? '' : 's'})]`,
      );
    }
  }
  tree.add(RF['segment.count'], whole, 0, 0, spans.length);
  tree.add(RF['reassembled.length'], whole, 0, 0, data.length);
  if (tree.wants(RF['reassembled.data'])) tree.add(RF['reassembled.data'], whole, 0, data.length);
  tree.pop();
  pinfo.canDesegment = true;
  pinfo.desegmentOffset = 0;
  pinfo.desegmentLen = 0;
  ctx.dispatch(whole);
  pinfo.canDesegment = false;
  return pinfo.desegmentLen > 0 && pinfo.desegmentOffset < data.length;
}
