// UDP encapsulation of IPsec (RFC 3948) on UDP 4500, where NAT traversal puts it: a lone 0xff
// byte is a NAT keep-alive, four zero bytes (the non-ESP marker) start an IKE message, and
// anything else is ESP.
import { dissectESP } from './esp.ts';
import { fields, proto, text } from './field.ts';
import { dissectISAKMP } from './isakmp.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const UDP_PORT_IPSEC_NAT_T = 4500;

export const F = fields('udpencap', {
  '': proto('UDP Encapsulation of IPsec Packets'),
  nat_keepalive: text('NAT-keepalive packet'),
  non_esp_marker: text('Non-ESP Marker'),
});

export function dissectUdpEncap(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('udpencap');
  pinfo.setProto('UDPENCAP');
  if (pinfo.wantInfo) pinfo.setInfo('');
  const length = tvb.reportedRemaining(o);
  if (length === 1 && tvb.u8(o) === 0xff) {
    tree.push(F[''], tvb, o, 1);
    tree.add(F.nat_keepalive, tvb, o, 1, 1);
    tree.pop();
    if (pinfo.wantInfo) pinfo.setInfo('NAT-keepalive');
    return 1;
  }
  if (length >= 4 && tvb.u32(o) === 0) {
    tree.push(F[''], tvb, o, 4);
    tree.add(F.non_esp_marker, tvb, o, 4, 1);
    tree.pop();
    dissectISAKMP(tvb.sub(o + 4), pinfo, tree);
    return tvb.remaining(o);
  }
  tree.push(F[''], tvb, o, 0);
  tree.pop();
  return dissectESP(tvb, pinfo, tree);
}

export const udpEncapModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', UDP_PORT_IPSEC_NAT_T, dissectUdpEncap);
  },
};
