// Packet detail: the full tree of one frame as data the renderer can show and link to bytes.
import { fieldText, nodeLabel } from '../../app/dissect/field-text.ts';
import { FieldType } from '../../app/dissect/field.ts';
import { FullTree, isShown, NodeFlag, type FieldNode } from '../../app/dissect/tree.ts';
import type { FrameDetail, TreeNodeDto } from '../../app/protocol/messages.ts';
import type { CaptureSession } from './session.ts';

function filterValue(node: FieldNode): string | undefined {
  const def = node.def;
  if (!def || def.type === FieldType.Protocol || def.type === FieldType.None) return undefined;
  const v = node.value === undefined ? node.bytes.slice(node.offset, node.offset + node.length) : node.value;
  return fieldText(def, v);
}

export function toDto(node: FieldNode): TreeNodeDto {
  const dto: TreeNodeDto = {
    label: nodeLabel(node),
    offset: node.offset,
    length: node.length,
    source: node.source,
  };
  if (node.def && node.def.type !== FieldType.None) dto.field = node.def.abbrev;
  const value = filterValue(node);
  if (value !== undefined) dto.value = value;
  if (node.flags & NodeFlag.Malformed) dto.malformed = true;
  const children = node.children?.filter(isShown);
  if (children?.length) dto.children = children.map(toDto);
  return dto;
}

/** Full dissection of packet `i` (0-based) of the session; `shown`: the previous displayed packet. */
export function frameDetail(session: CaptureSession, i: number, shown?: number): FrameDetail {
  const bytes = session.bytesOf(i);
  const tree = new FullTree();
  const pinfo = session.dissectPacket(i, tree, bytes, shown);
  return {
    number: i + 1,
    tree: tree.roots.filter(isShown).map(toDto),
    sources: [{ name: 'Frame', bytes }, ...pinfo.sources],
  };
}
