// Reassembly of fragmented datagrams (IPv4 and IPv6 fragments), as Wireshark does by default:
// fragments are shown as such, and the frame whose fragment completes the datagram dissects it
// whole from a new data source. Re-dissecting any frame gives the same answer (the engine does
// that for every row it shows), so a fragment is recorded once per frame.

import { bytes, FieldType, uint, type FieldDef, type FieldSpec } from './field.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

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

/** One frame's share of a reassembled message. */
export interface FragmentPiece {
  frame: number;
  length: number;
  /** Where it starts in the message (default: right after the piece before it). */
  offset?: number;
  /** It covers bytes an earlier piece already brought. */
  overlap?: boolean;
}

export interface Reassembled {
  data: Uint8Array;
  /** Frames that carried the fragments, in offset order (then arrival), with their payload lengths. */
  fragments: Required<FragmentPiece>[];
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
    let covered = 0;
    const fragments = [...set.parts.entries()]
      .sort((a, b) => a[1].offset - b[1].offset)
      .map(([f, p]) => {
        const overlap = p.offset < covered;
        covered = Math.max(covered, p.offset + p.bytes.length);
        return { frame: f, length: p.bytes.length, offset: p.offset, overlap };
      });
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

/** The fields of a message put together from several frames (Wireshark's fragment_items). */
export interface FragmentFields {
  list: FieldDef;
  item: FieldDef;
  count: FieldDef;
  length: FieldDef;
  /** Where the protocol has them: a piece's overlap flag, and the whole message's bytes. */
  overlap?: FieldDef;
  data?: FieldDef;
}

/**
 * Wireshark's show_fragment_tree: `[6 IPv4 Fragments (8320 bytes): #1(1480), …]` with a line for
 * each piece, the count and the length (and the overlap flags and the message's bytes where the
 * protocol has those fields, `tvb` being the message then).
 */
export function fragmentList(
  tvb: Tvb,
  tree: Tree,
  defs: FragmentFields,
  pieces: readonly FragmentPiece[],
): void {
  let at = 0;
  const spans = pieces.map((p) => {
    const from = p.offset ?? at;
    at = from + p.length;
    return { ...p, from };
  });
  const total = spans.reduce((n, p) => Math.max(n, p.from + p.length), 0);
  const noun = pieces.length === 1 ? defs.list.name.replace(/s$/, '') : defs.list.name;
  // The list covers the message where `tvb` is the message (tshark prints its bytes for it).
  tree.push(defs.list, tvb, tvb.start, defs.data ? total : 0);
  if (tree.full) {
    const list = pieces.map((p) => `#${p.frame}(${p.length})`).join(', ');
    tree.label(`[${pieces.length} ${noun} (${total} bytes): ${list}]`);
  }
  for (const p of spans) {
    const label = `[Frame: ${p.frame}, payload: ${p.from}-${p.from + p.length - 1} (${p.length} bytes)]`;
    tree.push(defs.item, tvb, tvb.start, 0, p.frame);
    if (tree.full) tree.label(label);
    if (p.overlap && defs.overlap) tree.add(defs.overlap, tvb, tvb.start, 0, true);
    tree.pop();
  }
  tree.add(defs.count, tvb, tvb.start, 0, pieces.length);
  tree.add(defs.length, tvb, tvb.start, 0, total);
  if (defs.data) tree.add(defs.data, tvb, tvb.start, total);
  tree.pop();
}

/** The fields of an IP version's fragment list (`ip.fragments`, `ipv6.fragment.count`, …). */
export function ipFragmentSpecs(version: 'IPv4' | 'IPv6', list: FieldSpec) {
  const generated = true;
  return {
    fragments: { ...list, generated },
    fragment: { name: `${version} Fragment`, type: FieldType.FrameNum, generated },
    'fragment.overlap': {
      name: 'Fragment overlap',
      type: FieldType.Bool,
      generated,
      tf: ['True', 'False'] as const,
    },
    'fragment.count': uint('Fragment count', 32, { generated }),
    'reassembled.length': uint(`Reassembled ${version} length`, 32, { generated }),
    'reassembled.data': bytes(`Reassembled ${version} data`, { generated }),
  };
}

/** The list's fields in a protocol's table made with ipFragmentSpecs. */
export function ipFragmentFields(
  f: Record<keyof ReturnType<typeof ipFragmentSpecs>, FieldDef>,
): FragmentFields {
  return {
    list: f.fragments,
    item: f.fragment,
    overlap: f['fragment.overlap'],
    count: f['fragment.count'],
    length: f['reassembled.length'],
    data: f['reassembled.data'],
  };
}
