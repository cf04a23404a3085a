// Virtual Router Redundancy Protocol v2 (RFC 3768) and v3 (RFC 5798) on IP protocol 112: the
// advertisement with its addresses, authentication and checksum, as tshark 4.0 shows it.
import { bitPicture } from './field-text.ts';
import { bytes, fields, hex, ipv4, ipv6, names, proto, str, text, uint } from './field.ts';
import { addChecksum, expectedChecksum, pseudoHeaderSum } from './checksum.ts';
import { ipLayer } from './ip-proto.ts';
import { AddrKind, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TYPES = names({ 1: 'Advertisement' });
const AUTH_TYPES = names({
  0: 'No Authentication',
  1: 'Simple Text Authentication [RFC 2338] / Reserved [RFC 3768]',
  2: 'IP Authentication Header [RFC 2338] / Reserved [RFC 3768]',
  254: 'Cisco VRRP MD5 authentication',
});
const CHECKSUM_STATUS = names({ 0: 'Bad', 1: 'Good', 2: 'Unverified' });

export const F = fields('vrrp', {
  '': proto('Virtual Router Redundancy Protocol'),
  typever: uint('VRRP message version and type', 8),
  version: uint('VRRP protocol version', 8, { mask: 0xf0 }),
  type: uint('VRRP packet type', 8, { mask: 0x0f, strings: TYPES }),
  virt_rtr_id: uint('Virtual Rtr ID', 8),
  prio: uint('Priority', 8),
  addr_count: uint('Addr Count', 8),
  checksum: hex('Checksum', 16),
  'checksum.status': uint('Checksum Status', 8, { strings: CHECKSUM_STATUS, generated: true }),
  auth_type: uint('Auth Type', 8, { strings: AUTH_TYPES }),
  adver_int: uint('Adver Int', 8),
  reserved_mbz: uint('Reserved', 8, { mask: 0xf0 }),
  short_adver_int: uint('Adver Int', 16, { mask: 0x0fff }),
  ip_addr: ipv4('IP Address'),
  ipv6_addr: ipv6('IPv6 Address'),
  auth_string: str('Authentication String'),
  md5_auth_data: bytes('MD5 Authentication Data'),
  _typever: text('Version and type'),
});

function priorityName(p: number): string {
  if (p === 0) return 'Current Master has stopped participating in VRRP';
  if (p === 100) return 'Default priority for a backup VRRP router';
  if (p === 255) return "This VRRP router owns the virtual router's IP address(es)";
  return 'Non-default backup priority';
}

export function dissectVRRP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('vrrp');
  pinfo.setProto('VRRP');
  const tv = tvb.u8(o);
  const version = tv >> 4;
  const type = tv & 0x0f;
  if (pinfo.wantInfo) pinfo.setInfo(`Announcement (v${version})`);
  const v6 = ipLayer.kind === AddrKind.IPv6;
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    tree.push(F.typever, tvb, o, 1, tv);
    if (tree.full) tree.label(`Version ${version}, Packet type ${type} (${TYPES.get(type) ?? 'Unknown'})`);
    tree.add(F.version, tvb, o, 1, version);
    tree.add(F.type, tvb, o, 1, type);
    tree.pop();
    tree.add(F.virt_rtr_id, tvb, o + 1, 1, tvb.u8(o + 1));
    const prio = tvb.u8(o + 2);
    tree.add(F.prio, tvb, o + 2, 1, prio);
    if (tree.full) tree.labelLast(`Priority: ${prio} (${priorityName(prio)})`);
    const count = tvb.u8(o + 3);
    tree.add(F.addr_count, tvb, o + 3, 1, count);
    let authType = 0;
    if (version === 3) {
      const w = tvb.u16(o + 4);
      tree.add(F.reserved_mbz, tvb, o + 4, 1, w >> 12);
      tree.add(F.short_adver_int, tvb, o + 4, 2, w & 0x0fff);
      if (tree.full)
        tree.labelLast(`${bitPicture(F.short_adver_int, w & 0x0fff)} = Adver Int: ${w & 0x0fff}`);
    } else {
      authType = tvb.u8(o + 4);
      tree.add(F.auth_type, tvb, o + 4, 1, authType);
      tree.add(F.adver_int, tvb, o + 5, 1, tvb.u8(o + 5));
    }
    const addrLen = v6 ? 16 : 4;
    const len = 8 + count * addrLen + (version === 2 && authType === 1 ? 8 : 0);
    checksum(tvb, pinfo, tree, o, version === 3 ? tvb.reportedRemaining(o) : len, version);
    let p = o + 8;
    for (let i = 0; i < count; i++, p += addrLen) {
      if (v6) {
        tvb.need(p, 16);
        tree.add(F.ipv6_addr, tvb, p, 16);
      } else tree.add(F.ip_addr, tvb, p, 4, tvb.u32(p));
    }
    if (version === 2 && authType === 1) {
      const s = tvb.ascii(p, 8).replace(/\0.*$/s, '');
      tree.add(F.auth_string, tvb, p, 8, s);
    } else if (version === 2 && authType === 254) {
      tvb.need(p, 16);
      tree.add(F.md5_auth_data, tvb, p, 16);
    }
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

function checksum(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, len: number, version: number): void {
  // VRRPv3 (and anything over IPv6) sums the pseudo-header too.
  const pseudo = version === 3 || ipLayer.kind === AddrKind.IPv6 ? pseudoHeaderSum(len, 112) : 0;
  const should = pseudo < 0 ? null : expectedChecksum(tvb, o, len, o + 6, pseudo);
  addChecksum(pinfo, tree, tvb, o + 6, tvb.u16(o + 6), should, CKSUM, () => ({
    severity: 'Warning',
    message: 'Bad checksum',
  }));
}

const CKSUM = { checksum: F.checksum, status: F['checksum.status'] };

export const vrrpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('ipProto', 112, dissectVRRP);
  },
};
