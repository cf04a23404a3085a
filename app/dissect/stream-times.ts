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
  private readonly firstTime: Time[] = [];
  private readonly lastTime: Time[] = [];
  /** Frame number → the previous frame of its stream (0: none), 4 bytes a frame. */
  private previous = new Uint32Array(1024);
  private readonly lastFrame: number[] = [];

  /** On the first pass: notes the frame in stream `c`; returns the stream's first and previous times. */
  record(c: number, m: { number: number; tsSec: number; tsNsec: number }): { start: Time; previous: Time } {
    const now = { sec: m.tsSec, nsec: m.tsNsec };
    const start = (this.firstTime[c] ??= now);
    const previous = this.lastTime[c] ?? now;
    this.lastTime[c] = now;
    if (m.number >= this.previous.length) {
      const grown = new Uint32Array(Math.max(m.number + 1, this.previous.length * 2));
      grown.set(this.previous);
      this.previous = grown;
    }
    this.previous[m.number] = this.lastFrame[c] ?? 0;
    this.lastFrame[c] = m.number;
    return { start, previous };
  }

  /** On a later pass: the same times, or null when the frames' times cannot be read back. */
  recorded(c: number, m: { number: number; tsSec: number; tsNsec: number }, state: CaptureState) {
    const now = { sec: m.tsSec, nsec: m.tsNsec };
    const start = this.firstTime[c];
    const before = this.previous[m.number] ?? 0;
    const previous = before === 0 ? now : (state.frameTime?.(before) ?? null);
    return start === undefined || previous === null ? null : { start, previous };
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
