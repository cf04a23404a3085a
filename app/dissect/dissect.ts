// The one entry point: dissect a frame into a tree sink and the packet's columns.
// Nothing escapes: a short capture becomes a "Packet size limited" note, anything else a
// "[Malformed Packet]" node and `_ws.malformed`, as in Wireshark.
import { fields, names, proto, str, uint } from './field.ts';
import { labelBytes } from './field-text.ts';
import { dissectFrame, frameProtocolsText, F as FRAME } from './frame.ts';
import { CaptureState, PacketInfo, type DissectOptions, type FrameMeta } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { NodeFlag, type Tree } from './tree.ts';
import { MalformedError, TruncatedError, Tvb } from './tvb.ts';

export type ExpertSeverity = 'Chat' | 'Note' | 'Warning' | 'Error';

const SEVERITY_VALUES: Record<ExpertSeverity, number> = {
  Chat: 0x200000,
  Note: 0x400000,
  Warning: 0x600000,
  Error: 0x800000,
};

const GROUP_VALUES: Record<string, number> = {
  Checksum: 0x1000000,
  Sequence: 0x2000000,
  'Response code': 0x3000000,
  'Request code': 0x4000000,
  Undecoded: 0x5000000,
  Reassemble: 0x6000000,
  Malformed: 0x7000000,
  Debug: 0x8000000,
  Protocol: 0x9000000,
  Security: 0xa000000,
  Comment: 0xb000000,
  Decryption: 0xc000000,
  Assumption: 0xd000000,
  Deprecated: 0xe000000,
};

const nameTable = (values: Record<string, number>): ReadonlyMap<number, string> =>
  names(Object.fromEntries(Object.entries(values).map(([name, v]) => [v, name])));

export const WS = fields('_ws', {
  malformed: proto('Malformed Packet'),
  expert: proto('Expert Info'),
  'expert.message': str('Message'),
  'expert.severity': uint('Severity level', 32, { strings: nameTable(SEVERITY_VALUES) }),
  'expert.group': uint('Group', 32, { strings: nameTable(GROUP_VALUES) }),
});

/** True when the sink shows or collects expert items: skip building their messages otherwise. */
export function wantsExpert(tree: Tree): boolean {
  return (
    tree.full ||
    tree.wants(WS.expert) ||
    tree.wants(WS['expert.message']) ||
    tree.wants(WS['expert.severity']) ||
    tree.wants(WS['expert.group'])
  );
}

/**
 * An expert item as Wireshark adds it under the item it is about: in the tree
 * `[Expert Info (Warning/Malformed): …]` with the message, severity and group under it; for
 * filters and `-e`, `_ws.expert` (its text) and `_ws.expert.message/severity/group`. One of the
 * Malformed group also brings the hidden `_ws.malformed`.
 */
export function expertInfo(
  tree: Tree,
  tvb: Tvb,
  offset: number,
  length: number,
  severity: ExpertSeverity,
  group: string,
  message: string,
  flags: NodeFlag = NodeFlag.Expert,
): void {
  const text = `Expert Info (${severity}/${group}): ${message}`;
  if (tree.full) {
    tree.push(WS.expert, tvb, offset, length, text);
    const node = tree.current();
    if (node) node.flags |= flags;
    // The message shows alone, cut to the label buffer without a mark (a value-only label).
    tree.add(WS['expert.message'], tvb, offset, length, message, NodeFlag.Generated);
    tree.labelLast(`[${labelBytes(message)}]`);
    tree.add(WS['expert.severity'], tvb, offset, length, SEVERITY_VALUES[severity], NodeFlag.Generated);
    tree.labelLast(`[Severity level: ${severity}]`);
    tree.add(WS['expert.group'], tvb, offset, length, GROUP_VALUES[group] ?? 0, NodeFlag.Generated);
    tree.labelLast(`[Group: ${group}]`);
    tree.pop(undefined, `[${text}]`);
  } else {
    if (tree.wants(WS.expert)) tree.add(WS.expert, tvb, offset, length, text);
    if (tree.wants(WS['expert.message'])) tree.add(WS['expert.message'], tvb, offset, length, message);
    if (tree.wants(WS['expert.severity']))
      tree.add(WS['expert.severity'], tvb, offset, length, SEVERITY_VALUES[severity]);
    if (tree.wants(WS['expert.group']))
      tree.add(WS['expert.group'], tvb, offset, length, GROUP_VALUES[group] ?? 0);
  }
  if (group === 'Malformed') markMalformedExpert(tree, tvb, offset);
}

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
    tree.note(
      `[Packet size limited during capture: ${layer} truncated]`,
      tvb,
      err.offset,
      0,
      NodeFlag.Truncated,
    );
    // Wireshark appends its notes to Info with no separator.
    if (pinfo.options.wantInfo) pinfo.info += '[Packet size limited during capture]';
    return;
  }
  pinfo.malformed = true;
  const offset = err instanceof MalformedError ? err.offset : 0;
  const detail = err instanceof MalformedError ? err.detail : '';
  const why =
    err instanceof MalformedError
      ? `${layer}${detail ? `: ${detail}` : ''}`
      : `${layer} (dissector bug: ${String(err)})`;
  const at = Math.min(offset, tvb.end);
  const label = `[Malformed Packet: ${why}]`;
  tree.push(WS.malformed, tvb, at, 0, label);
  const node = tree.current();
  if (node) node.flags |= NodeFlag.Malformed;
  expertInfo(tree, tvb, at, 0, 'Error', 'Malformed', 'Malformed Packet (Exception occurred)');
  tree.pop(undefined, label);
  if (pinfo.options.wantInfo) pinfo.info += `[Malformed Packet${detail ? `: ${detail}` : ''}]`;
}

/**
 * The hidden `_ws.malformed` item Wireshark adds beside every expert note of the Malformed group:
 * it has no text, so `-T fields` prints the field's name. Only sinks that collect values get it;
 * the visible tree shows the note itself.
 */
export function markMalformedExpert(tree: Tree, tvb: Tvb, offset: number): void {
  if (tree.wants(WS.malformed)) tree.addValue(WS.malformed, tvb, offset, 0, '_ws.malformed');
}

function addProtocols(pinfo: PacketInfo, tvb: Tvb, tree: Tree): void {
  tree.appendToFrame(FRAME.protocols, tvb, frameProtocolsText(pinfo), NodeFlag.Generated);
}

export const wsModule = { fields: WS };
