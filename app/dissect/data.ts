// Bytes no dissector claims: Wireshark's "data" protocol.
import { bytes, fields, proto, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const F = fields('data', {
  '': proto('Data'),
  data: bytes('Data'),
  len: uint('Length', 32, { generated: true }),
});

export function dissectData(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const length = tvb.remaining(tvb.start);
  if (length <= 0) return;
  pinfo.layers.push('data');
  tree.push(F[''], tvb, tvb.start, length);
  if (tree.full) tree.label(`Data (${length} byte${length === 1 ? '' : 's'})`);
  tree.add(F.data, tvb, tvb.start, length);
  tree.add(F.len, tvb, tvb.start, 0, length);
  tree.pop();
}

export const dataModule = { fields: F };
