// SMB (version 1) placeholder until the SMB1 dissector lands.
import { fields, proto } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const F = fields('smb', { '': proto('SMB (Server Message Block Protocol)') });

export function dissectSMB(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  pinfo.layers.push('smb');
  pinfo.setProto('SMB');
  tree.push(F[''], tvb, tvb.start, tvb.remaining(tvb.start));
  tree.pop();
  return tvb.remaining(tvb.start);
}

export const smbModule = { fields: F };
