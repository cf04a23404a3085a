// Linux "cooked" capture, version 2 (LINKTYPE_LINUX_SLL2, 276): the protocol first, then the
// interface index, address type, packet type and address (20 bytes). Same `sll.*` fields as v1.
import { LinkType } from './link-types.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { addLinkAddress, addProtocol, dissectSllPayload, F, sllColumns } from './sll.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export function dissectSll2(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('sll');
  const hatype = tvb.u16(o + 8);
  // Wireshark 4.0 reads the one-byte packet type as 16 bits (with the address length) for the
  // Info column, and as the byte it is for the field: keep both, as tshark shows them.
  sllColumns(pinfo, tvb.u16(o + 10));
  tree.push(F[''], tvb, o, 20);
  if (tree.full) tree.label('Linux cooked capture v2');
  const node = tree.current();
  const protocol = addProtocol(tvb, o, hatype, tree);
  tree.add(F.ifindex, tvb, o + 4, 4, tvb.u32(o + 4));
  tree.add(F.hatype, tvb, o + 8, 2, hatype);
  tree.add(F.pkttype, tvb, o + 10, 1, tvb.u8(o + 10));
  addLinkAddress(tvb, o + 11, 1, pinfo, tree);
  tree.pop();
  dissectSllPayload(tvb, 20, hatype, protocol, pinfo, tree, node);
  return tvb.remaining(o);
}

export const sll2Module = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('linkType', LinkType.LINUX_SLL2, dissectSll2);
  },
};
