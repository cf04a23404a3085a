// The Echo protocol (RFC 862) on UDP and TCP port 7, as tshark 4.0 shows it: the bytes, and a
// Request towards port 7 or a Response from it. (Magic Wake-on-LAN packets sent to port 7 are
// Echo to tshark too, as its port table comes before the heuristics.)
import { bool, bytes, fields, proto } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const PORT = 7;

export const F = fields('echo', {
  '': proto('Echo'),
  data: bytes('Echo data'),
  request: { ...bool('Echo request', 8, 0), hidden: true },
  response: { ...bool('Echo response', 8, 0), hidden: true },
});

export function dissectEcho(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const request = pinfo.dstPort === PORT;
  pinfo.layers.push('echo');
  pinfo.setProto('ECHO');
  if (pinfo.wantInfo) pinfo.setInfo(request ? 'Request' : 'Response');
  const n = tvb.remaining(o);
  tree.push(F[''], tvb, o, n);
  tree.add(request ? F.request : F.response, tvb, o, 0, true);
  tree.add(F.data, tvb, o, n);
  tree.pop();
  return n;
}

export const echoModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', PORT, dissectEcho);
    reg.register('tcpPort', PORT, dissectEcho);
  },
};
