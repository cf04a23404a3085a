// Reassembly of fragmented datagrams (IPv4 and IPv6 fragments), as Wireshark does by default:
// fragments are shown as such, and the frame whose fragment completes the datagram dissects it
// whole from a new data source. Re-dissecting any frame gives the same answer (the engine does
// that for every row it shows), so a fragment is recorded once per frame.

interface Part {
  offset: number;
  bytes: Uint8Array;
}

interface FragmentSet {
  parts: Map<number, Part>;
  /** Datagram length once the last fragment (no "more fragments") is seen, else -1. */
  total: number;
  /** Frame whose fragment completed the datagram (0 while incomplete). */
  completedIn: number;
  data: Uint8Array | null;
}

export interface Reassembled {
  data: Uint8Array;
  /** Frames that carried the fragments, in offset order, with their payload lengths. */
  fragments: { frame: number; length: number }[];
}

export class FragmentTable {
  private readonly sets = new Map<string, FragmentSet>();
  /**
   * The completed datagram each frame's fragment belongs to: a later datagram with the same key
   * (a retransmitted fragment, an IP id used again) replaces the set in `sets`, and a revisit of
   * the earlier frames must still find theirs.
   */
  private readonly completed = new Map<number, { key: string; set: FragmentSet }>();

  /**
   * Records the fragment `frame` carries and returns the datagram when this frame completes it;
   * null while fragments are missing, and for the frames that did not complete it.
   */
  add(key: string, frame: number, offset: number, bytes: Uint8Array, more: boolean): Reassembled | null {
    const done = this.completed.get(frame);
    let set = done?.key === key ? done.set : this.sets.get(key);
    if (!set || (set.completedIn !== 0 && frame > set.completedIn && !set.parts.has(frame))) {
      set = { parts: new Map(), total: -1, completedIn: 0, data: null };
      this.sets.set(key, set);
    }
    if (!set.parts.has(frame)) {
      set.parts.set(frame, { offset, bytes: bytes.slice() });
      if (!more) set.total = offset + bytes.length;
    }
    if (set.completedIn === 0 && set.total >= 0) {
      const data = assemble(set);
      if (data) {
        set.data = data;
        set.completedIn = frame;
        for (const f of set.parts.keys()) this.completed.set(f, { key, set });
      }
    }
    if (set.completedIn !== frame || !set.data) return null;
    const fragments = [...set.parts.entries()]
      .sort((a, b) => a[1].offset - b[1].offset)
      .map(([f, p]) => ({ frame: f, length: p.bytes.length }));
    return { data: set.data, fragments };
  }
}

/** The datagram when the parts cover [0, total) without a gap, else null. */
function assemble(set: FragmentSet): Uint8Array | null {
  const parts = [...set.parts.values()].sort((a, b) => a.offset - b.offset);
  let covered = 0;
  for (const p of parts) {
    if (p.offset > covered) return null;
    covered = Math.max(covered, p.offset + p.bytes.length);
  }
  if (covered < set.total) return null;
  const out = new Uint8Array(set.total);
  for (const p of parts) out.set(p.bytes.subarray(0, Math.max(0, set.total - p.offset)), p.offset);
  return out;
}
