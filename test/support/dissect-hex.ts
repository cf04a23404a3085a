// Dissects one frame given as hex (copied from a real capture) and gives tests easy access to
// the tree: every node of a field, its values as tshark prints them, and the columns.
import { dissect } from '../../app/dissect/dissect.ts';
import { fieldText } from '../../app/dissect/field-text.ts';
import { defaultRegistry } from '../../app/dissect/modules.ts';
import { CaptureState, type FrameMeta, type PacketInfo } from '../../app/dissect/packet-info.ts';
import { FullTree, type FieldNode } from '../../app/dissect/tree.ts';

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export interface Dissected {
  pinfo: PacketInfo;
  tree: FullTree;
  /** Every node of field `abbrev`, in tree order. */
  nodes(abbrev: string): FieldNode[];
  /** The values of `abbrev` as tshark -T fields prints them, comma-joined. */
  value(abbrev: string): string;
}

export function walk(nodes: readonly FieldNode[], visit: (n: FieldNode) => void): void {
  for (const n of nodes) {
    visit(n);
    if (n.children) walk(n.children, visit);
  }
}

export function metaFor(bytes: Uint8Array, linkType: number, extra: Partial<FrameMeta> = {}): FrameMeta {
  return {
    number: 1,
    tsSec: 0,
    tsNsec: 0,
    capLen: bytes.length,
    origLen: bytes.length,
    linkType,
    ifaceId: -1,
    refSec: 0,
    refNsec: 0,
    prevSec: 0,
    prevNsec: 0,
    shownSec: 0,
    shownNsec: 0,
    ...extra,
  };
}

/** Dissects `hex` as a frame of `linkType` (1 = Ethernet) with a fresh capture state. */
/** Every frame of `frames` in order, as frames 1…n of one capture (one capture-wide state). */
export function dissectFrames(frames: readonly Uint8Array[], linkType = 1): Dissected[] {
  const state = new CaptureState();
  return frames.map((f, i) => dissectHex(f, linkType, { number: i + 1 }, state));
}

export function dissectHex(
  hex: string | Uint8Array,
  linkType = 1,
  extra: Partial<FrameMeta> = {},
  state = new CaptureState(),
): Dissected {
  const bytes = typeof hex === 'string' ? hexToBytes(hex) : hex;
  const tree = new FullTree();
  const pinfo = dissect(defaultRegistry(), metaFor(bytes, linkType, extra), bytes, tree, state, {
    wantInfo: true,
  });
  return dissected(pinfo, tree);
}

/** A dissected packet's tree, with lookups of a field's nodes and of its values as tshark prints them. */
export function dissected(pinfo: PacketInfo, tree: FullTree): Dissected {
  const nodes = (abbrev: string): FieldNode[] => {
    const out: FieldNode[] = [];
    walk(tree.roots, (n) => {
      if (n.def?.abbrev === abbrev) out.push(n);
    });
    return out;
  };
  const value = (abbrev: string): string =>
    nodes(abbrev)
      .map((n) =>
        n.def
          ? fieldText(n.def, n.value === undefined ? n.bytes.slice(n.offset, n.offset + n.length) : n.value)
          : '',
      )
      .join(',');
  return { pinfo, tree, nodes, value };
}
