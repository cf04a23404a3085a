// Microsoft Network Load Balancing heartbeats (ethertype 0x886F): a little-endian signature,
// version, host ID and the cluster's and host's IPv4 addresses (the per-signature data after
// them is not decoded).
import { fields, hex, ipv4, names, proto, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const SIGNATURES = names({
  0xc0de01bf: 'NLB Cluster Membership HeartBeat',
  0xc0de01c0: 'NLB Extended HeartBeat',
  0xc0de01c1: 'NLB Identity HeartBeat',
});

export const F = fields('msnlb', {
  '': proto('MS Network Load Balancing'),
  signature: hex('Signature', 32, { strings: SIGNATURES }),
  version: uint('Version', 32),
  uniquehostid: uint('Unique Host ID', 32),
  clusterip: ipv4('Cluster IP'),
  hostip: ipv4('Host IP'),
});

export function dissectMsnlb(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('msnlb');
  pinfo.setProto('MS NLB');
  const signature = tvb.u32le(o);
  const name = SIGNATURES.get(signature);
  if (pinfo.wantInfo) pinfo.setInfo('MS NLB heartbeat');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  tree.add(F.signature, tvb, o, 4, signature);
  tree.add(F.version, tvb, o + 4, 4, tvb.u32le(o + 4));
  tree.add(F.uniquehostid, tvb, o + 8, 4, tvb.u32le(o + 8));
  tree.add(F.clusterip, tvb, o + 12, 4, tvb.u32(o + 12));
  tree.add(F.hostip, tvb, o + 16, 4, tvb.u32(o + 16));
  // The signature is named once the header is read, before its data.
  if (pinfo.wantInfo && name !== undefined) pinfo.setInfo(`MS NLB heartbeat - ${name}`);
  // The heartbeat data runs to the frame's end: a capture cut short shows here.
  if (name !== undefined) tvb.need(o + 20, tvb.reportedRemaining(o + 20));
  tree.pop();
  return tvb.remaining(o);
}

export const msnlbModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('etherType', 0x886f, dissectMsnlb);
  },
};
