// The one entry point: dissect a frame into a tree sink and the packet's columns.
// Nothing escapes: a short capture becomes a "Packet size limited" note, anything else a
// "[Malformed Packet]" node and `_ws.malformed`, as in Wireshark.
import { fields, proto, text } from './field.ts';
import { dissectFrame, frameProtocolsText, F as FRAME } from './frame.ts';
import { CaptureState, PacketInfo, type DissectOptions, type FrameMeta } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { FullTree, NodeFlag, type Tree } from './tree.ts';
import { MalformedError, TruncatedError, Tvb } from './tvb.ts';

export const WS = fields('_ws', {
  malformed: proto('Malformed Packet'),
  'expert.message': text('Expert Info'),
});

const SUMMARY: DissectOptions = { wantInfo: true };

export function dissect(
  registry: Registry,
  meta: FrameMeta,
  bytes: Uint8Array,
  tree: Tree,
  state: CaptureState = new CaptureState(),
  options: DissectOptions = SUMMARY,
): PacketInfo {
  const data = bytes.length > meta.capLen ? bytes.subarray(0, meta.capLen) : bytes;
  const pinfo = new PacketInfo(meta, data, registry, state, options);
  const tvb = new Tvb(data, 0, data.length, Math.max(meta.origLen, data.length));
  try {
    dissectFrame(tvb, pinfo, tree);
  } catch (err) {
    tree.unwind();
    noteFault(err, tvb, pinfo, tree);
  }
  pinfo.inError = false;
  if (tree.wants(FRAME.protocols)) addProtocols(pinfo, tvb, tree);
  return pinfo;
}

/**
 * Shows an error a dissector threw: a truncation note, or a Malformed node (also for bugs), and
 * the matching Info text. Also used by layers that go on after their payload failed, as
 * Wireshark's ethertype dissector does to still show the Ethernet trailer.
 */
export function noteFault(err: unknown, tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const layer = pinfo.currentProto || pinfo.proto || 'Frame';
  pinfo.inError = false;
  if (err instanceof TruncatedError) {
    tree.note('[Packet size limited during capture]', tvb, err.offset, 0, NodeFlag.Truncated);
    // Wireshark appends its notes to Info with no separator.
    if (pinfo.options.wantInfo) pinfo.info += '[Packet size limited during capture]';
    return;
  }
  pinfo.malformed = true;
  const offset = err instanceof MalformedError ? err.offset : 0;
  const why = err instanceof MalformedError ? layer : `${layer} (dissector bug: ${String(err)})`;
  const at = Math.min(offset, tvb.end);
  const label = `[Malformed Packet: ${why}]`;
  tree.add(WS.malformed, tvb, at, 0, label, NodeFlag.Malformed);
  tree.labelLast(label);
  // The node's own expert note ("Malformed Packet (Exception occurred)") is in the Malformed group.
  markMalformedExpert(tree, tvb, at);
  if (pinfo.options.wantInfo) pinfo.info += '[Malformed Packet]';
}

/**
 * The hidden `_ws.malformed` item Wireshark adds beside every expert note of the Malformed group:
 * it has no text, so `-T fields` prints the field's name. Only sinks that collect values get it;
 * the visible tree shows the note itself.
 */
export function markMalformedExpert(tree: Tree, tvb: Tvb, offset: number): void {
  if (!tree.full && tree.wants(WS.malformed)) tree.add(WS.malformed, tvb, offset, 0, '_ws.malformed');
}

function addProtocols(pinfo: PacketInfo, tvb: Tvb, tree: Tree): void {
  const text = frameProtocolsText(pinfo);
  if (tree instanceof FullTree) {
    const frameNode = tree.roots[0];
    frameNode?.children?.push({
      def: FRAME.protocols,
      offset: 0,
      length: 0,
      source: 0,
      value: text,
      bytes: tvb.bytes,
      flags: NodeFlag.Generated,
    });
    return;
  }
  tree.add(FRAME.protocols, tvb, 0, 0, text);
}

export const wsModule = { fields: WS };
