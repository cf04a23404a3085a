// What the media-type body dissectors (image-jfif, png, image-gif, xml) share: whether a sink wants
// anything below the protocol item, and a run that turns a bounds error into the Malformed note
// tshark shows after the body's tree, named by the dissector's short name.
import { noteFault } from './dissect.ts';
import type { FieldDef } from './field.ts';
import { DepthTree } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

/** Whether `tree` shows or keeps any of `defs`: without that a body needs no parsing for its tree. */
export function wantsAny(tree: Tree, defs: readonly FieldDef[]): boolean {
  if (tree.full) return true;
  for (const d of defs) if (tree.wants(d)) return true;
  return false;
}

/**
 * Runs `parse` over `body`; a bounds error closes what it left open and becomes the Malformed note
 * (`[Malformed Packet: <name>]`) and the Info suffix, as an exception in Wireshark's dissector does.
 */
export function runGuarded(
  name: string,
  body: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  parse: (tree: Tree) => void,
): void {
  const sink = new DepthTree(tree);
  try {
    parse(sink);
  } catch (err) {
    sink.unwind();
    const saved = pinfo.currentProto;
    pinfo.currentProto = name;
    noteFault(err, body, pinfo, tree);
    pinfo.currentProto = saved;
  }
}

/**
 * The part of `tvb` from `offset` that a length field says is `length` bytes long, never reaching
 * past `tvb`'s own reported end: reading beyond it is malformed, not truncated.
 */
export function innerTvb(tvb: Tvb, offset: number, length: number): Tvb {
  return tvb.sub(offset, Math.max(0, Math.min(length, tvb.reportedEnd - offset)));
}

/** A length clipped to the captured bytes from `offset`, for an item whose end may lie past them. */
export function shownLength(tvb: Tvb, offset: number, length: number): number {
  return Math.max(0, Math.min(length, tvb.end - offset));
}
