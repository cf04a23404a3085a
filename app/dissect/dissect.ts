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
  const layer = pinfo.proto || 'Frame';
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
  tree.add(WS.malformed, tvb, Math.min(offset, tvb.end), 0, true, NodeFlag.Malformed);
  tree.labelLast(`[Malformed Packet: ${why}]`);
  if (pinfo.options.wantInfo) pinfo.info += '[Malformed Packet]';
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
