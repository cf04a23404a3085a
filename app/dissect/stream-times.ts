// `[Timestamps]` of a transport stream (tcp.time_relative/time_delta, udp.time_relative/
// time_delta): the time since the stream's first frame and since its previous frame.
import { formatDelta } from '../format/time.ts';
import type { FieldDef } from './field.ts';
import type { CaptureState, PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

interface Time {
  sec: number;
  nsec: number;
}

/** The fields a protocol shows its stream times under. */
export interface StreamTimeFields {
  _timestamps: FieldDef;
  time_relative: FieldDef;
  time_delta: FieldDef;
}

/**
 * Each stream's first frame and each frame's previous one in its stream. The first pass keeps
 * the times at hand; a revisit finds them again through `CaptureState.frameTime` (a single pass,
 * the CLI, never revisits).
 */
export class StreamTimes {
  /** Per stream: its first frame's time and its last frame's, as seconds and nanoseconds. */
  private readonly firstSec: number[] = [];
  private readonly firstNsec: number[] = [];
  private readonly lastSec: number[] = [];
  private readonly lastNsec: number[] = [];
  /** Frame number → the previous frame of its stream (0: none), 4 bytes a frame. */
  private previous = new Uint32Array(1024);
  private readonly lastFrame: number[] = [];
  /** What record() and recorded() return: read it at once (it is refilled by the next call). */
  private readonly out = { start: { sec: 0, nsec: 0 }, previous: { sec: 0, nsec: 0 } };

  /** On the first pass: notes the frame in stream `c`; returns the stream's first and previous times. */
  record(c: number, m: { number: number; tsSec: number; tsNsec: number }): { start: Time; previous: Time } {
    if (this.firstSec[c] === undefined) {
      this.firstSec[c] = m.tsSec;
      this.firstNsec[c] = m.tsNsec;
    }
    const out = this.out;
    out.start.sec = this.firstSec[c] as number;
    out.start.nsec = this.firstNsec[c] as number;
    out.previous.sec = this.lastSec[c] ?? m.tsSec;
    out.previous.nsec = this.lastNsec[c] ?? m.tsNsec;
    this.lastSec[c] = m.tsSec;
    this.lastNsec[c] = m.tsNsec;
    if (m.number >= this.previous.length) {
      const grown = new Uint32Array(Math.max(m.number + 1, this.previous.length * 2));
      grown.set(this.previous);
      this.previous = grown;
    }
    this.previous[m.number] = this.lastFrame[c] ?? 0;
    this.lastFrame[c] = m.number;
    return out;
  }

  /** On a later pass: the same times, or null when the frames' times cannot be read back. */
  recorded(
    c: number,
    m: { number: number; tsSec: number; tsNsec: number },
    state: CaptureState,
  ): { start: Time; previous: Time } | null {
    const first = this.firstSec[c];
    if (first === undefined) return null;
    const before = this.previous[m.number] ?? 0;
    const previous = before === 0 ? { sec: m.tsSec, nsec: m.tsNsec } : (state.frameTime?.(before) ?? null);
    if (previous === null) return null;
    const out = this.out;
    out.start.sec = first;
    out.start.nsec = this.firstNsec[c] as number;
    out.previous.sec = previous.sec;
    out.previous.nsec = previous.nsec;
    return out;
  }
}

/** `[Timestamps]`: time since the stream's first frame and since its previous one. */
export function addStreamTimes(
  t: { start: Time; previous: Time },
  tvb: Tvb,
  o: number,
  pinfo: PacketInfo,
  tree: Tree,
  f: StreamTimeFields,
): void {
  const m = pinfo.meta;
  if (!tree.full && !tree.wants(f.time_relative) && !tree.wants(f.time_delta)) return;
  tree.push(f._timestamps, tvb, o, 0);
  if (tree.full) tree.label('[Timestamps]');
  tree.add(f.time_relative, tvb, o, 0, formatDelta(m.tsSec, m.tsNsec, t.start.sec, t.start.nsec));
  tree.add(f.time_delta, tvb, o, 0, formatDelta(m.tsSec, m.tsNsec, t.previous.sec, t.previous.nsec));
  tree.pop();
}
