// The packet list's Source and Destination columns from what the dissectors recorded:
// names a dissector set (D-Bus), else the network addresses when there are any, else the
// link-layer ones (Wireshark's default).
import { formatIPv4, formatIPv6, readIPv4 } from '../format/address.ts';
import { macNameOrAddress, macWithName } from '../format/mac-names.ts';
import { AddrKind, type PacketInfo } from './packet-info.ts';

export interface Columns {
  source: string;
  destination: string;
  protocol: string;
  info: string;
}

function address(pinfo: PacketInfo, net: number, dl: number, role = ''): string {
  const b = pinfo.bytes;
  switch (pinfo.netKind) {
    case AddrKind.IPv4:
      return net >= 0 ? formatIPv4(readIPv4(b, net)) : '';
    case AddrKind.IPv6:
      return net >= 0 ? formatIPv6(b, net) : '';
    default:
      if (dl < 0 || dl + 6 > b.length) return '';
      return role ? `${macWithName(b, dl)} (${role})` : macNameOrAddress(b, dl);
  }
}

export function sourceColumn(pinfo: PacketInfo): string {
  if (pinfo.srcName) return pinfo.srcName;
  return address(pinfo, pinfo.netSrc, pinfo.dlSrc, pinfo.dlSrcRole);
}

export function destinationColumn(pinfo: PacketInfo): string {
  if (pinfo.dstName) return pinfo.dstName;
  return address(pinfo, pinfo.netDst, pinfo.dlDst, pinfo.dlDstRole);
}

export function columnsOf(pinfo: PacketInfo): Columns {
  return {
    source: sourceColumn(pinfo),
    destination: destinationColumn(pinfo),
    protocol: pinfo.proto,
    info: pinfo.info,
  };
}
