// Follow TCP/UDP stream in the engine: finds the stream of the selected frame, then goes through
// the packets whose protocol stack has that transport, read back in runs and dissected into a
// collector of the follower's fields only, yielding to the event loop between slices.
import { dissect } from '../../app/dissect/dissect.ts';
import { FieldCollector } from '../../app/dissect/tree.ts';
import { FollowTap } from '../../app/follow/follow-tap.ts';
import type { FollowProto, FollowResult } from '../../app/follow/follow.ts';
import { EngineFailure } from './errors.ts';
import { UNKNOWN_STACK } from './packet-index.ts';
import { RUN_BYTES, type CaptureSession } from './session.ts';

const SLICE_MS = 15;
const OPTIONS = { wantInfo: false };

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The stream index of frame `i` (0-based) for `proto`, or a failure saying it has none. */
function streamOf(session: CaptureSession, proto: FollowProto, i: number): number {
  const def = session.registry.field(`${proto}.stream`);
  if (!def) throw new EngineFailure('BAD_REQUEST', `No ${proto}.stream field`);
  const collector = FieldCollector.of([def.id], session.registry.fields.length);
  session.dissectPacket(i, collector);
  const stream = collector.get(def.id)[0];
  if (typeof stream !== 'number') {
    throw new EngineFailure('BAD_REQUEST', `Frame ${i + 1} is not part of a ${proto.toUpperCase()} stream`);
  }
  return stream;
}

/**
 * The payload of the `proto` stream frame `i` (0-based) belongs to, in order: of the whole file
 * once it is indexed, or (`whole` false, a running capture) of the packets captured so far.
 */
export async function followStream(
  session: CaptureSession,
  proto: FollowProto,
  i: number,
  whole: boolean,
  cancelled: () => boolean = () => false,
): Promise<FollowResult> {
  if (whole) await session.loaded;
  const x = session.index;
  if (!Number.isInteger(i) || i < 0 || i >= x.count) {
    throw new EngineFailure('BAD_REQUEST', `No frame ${i + 1} (the file has ${x.count})`);
  }
  const tap = new FollowTap(session.registry, proto, streamOf(session, proto, i));
  const collector = FieldCollector.of(tap.fieldIds, session.registry.fields.length);
  const carries = new Map<number, boolean>();
  const hasProto = (stack: number): boolean => {
    let v = carries.get(stack);
    if (v === undefined) carries.set(stack, (v = x.stacks.text(stack).split(':').includes(proto)));
    return v;
  };
  const scratch = new Uint8Array(RUN_BYTES);
  let sliceStart = performance.now();
  const count = x.count;
  for (let first = 0; first < count;) {
    const last = session.runEnd(first, count);
    const base = x.dataOffset[first] ?? 0;
    let run: Uint8Array | null = null;
    for (let p = first; p <= last; p++) {
      const stack = x.stack[p] ?? UNKNOWN_STACK;
      if (stack !== UNKNOWN_STACK && !hasProto(stack)) continue;
      run ??= session.readRun(first, last, scratch);
      const at = (x.dataOffset[p] ?? 0) - base;
      const bytes = run.subarray(at, at + (x.capLen[p] ?? 0));
      collector.reset();
      const meta = session.metaOf(p);
      const pinfo = dissect(session.registry, meta, bytes, collector, session.state, OPTIONS);
      tap.take(collector, meta, pinfo.malformed);
    }
    first = last + 1;
    if (performance.now() - sliceStart > SLICE_MS) {
      await nextTurn();
      if (cancelled()) throw new EngineFailure('CANCELLED', 'Follow stream was cancelled');
      sliceStart = performance.now();
    }
  }
  return tap.follower.result();
}
