// Raw IP link types. LINKTYPE_RAW (101, and DLT_RAW 12/14 as some systems wrote it) is Wireshark's
// "raw" protocol: it guesses IPv4 or IPv6 from the version nibble (after its checks for PPP
// framing that old Linux drivers left in). LINKTYPE_IPV4 (228) and LINKTYPE_IPV6 (229) are IP
// straight away, with no `raw` layer.
import { dissectData } from './data.ts';
import { fields, proto } from './field.ts';
import { LinkType } from './link-types.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const F = fields('raw', { '': proto('Raw packet data') });

/** IPv4 or IPv6 through the ethertype table (whoever registered them); data if nobody did. */
function ip(type: number, tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  if (pinfo.registry.call('etherType', type, tvb, pinfo, tree) < 0) dissectData(tvb, pinfo, tree);
}

function allZero(tvb: Tvb, at: number, length: number): boolean {
  if (!tvb.has(at, length)) return false;
  for (let i = at; i < at + length; i++) if (tvb.bytes[i] !== 0) return false;
  return true;
}

export function dissectRaw(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('raw');
  pinfo.setProto('N/A');
  if (pinfo.wantInfo) pinfo.setInfo('Raw packet data');
  tree.add(F[''], tvb, o, tvb.remaining(o));
  // A frame too short for the checks below is Raw's fault (tshark names it so), not N/A's.
  pinfo.currentProto = 'Raw';
  const firstWord = tvb.u16(o);
  const fakeMac = firstWord !== 0xff03 && (tvb.u16(o + 6) === 0xff03 || tvb.u16(o + 1) === 0xff03);
  pinfo.currentProto = '';
  // Wireshark's order of checks (and of the reads that may throw on a short frame).
  if (firstWord === 0xff03) {
    dissectData(tvb, pinfo, tree); // PPP in HDLC-like framing: no PPP dissector here
  } else if (fakeMac) {
    dissectData(tvb, pinfo, tree); // a Linux ISDN fake MAC (or one byte) before PPP
  } else if (allZero(tvb, o, 10)) {
    ip(0x0800, tvb.sub(o + 10), pinfo, tree); // ISDN link down: ten zero bytes, then IPv4
  } else {
    const version = tvb.u8(o) & 0xf0;
    if (version === 0x40) ip(0x0800, tvb, pinfo, tree);
    else if (version === 0x60) ip(0x86dd, tvb, pinfo, tree);
    else dissectData(tvb, pinfo, tree);
  }
  return tvb.remaining(o);
}

export function dissectRawIPv4(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  ip(0x0800, tvb, pinfo, tree);
  return tvb.remaining(tvb.start);
}

export function dissectRawIPv6(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  ip(0x86dd, tvb, pinfo, tree);
  return tvb.remaining(tvb.start);
}

export const rawModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('linkType', LinkType.RAW, dissectRaw);
    reg.register('linkType', LinkType.RAW_DLT12, dissectRaw);
    reg.register('linkType', LinkType.RAW_DLT14, dissectRaw);
    reg.register('linkType', LinkType.IPV4, dissectRawIPv4);
    reg.register('linkType', LinkType.IPV6, dissectRawIPv6);
  },
};
