// pcap LINKTYPE_ values the dissectors hang off, and Wireshark's encapsulation numbers for them
// (frame.encap_type shows WTAP_ENCAP_*, not the file's link type).

export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  PPP: 9,
  PPP_HDLC: 50,
  CHDLC: 104,
  FRELAY: 107,
  ARCNET_LINUX: 129,
  JUNIPER_ATM1: 137,
  JUNIPER_ETHER: 178,
  IPNET: 226,
  RAW_DLT12: 12,
  /** DLT_RAW as OpenBSD numbers it; pcap files from there carry 14. */
  RAW_DLT14: 14,
  RAW: 101,
  IEEE802_11: 105,
  LINUX_SLL: 113,
  PRISM_HEADER: 119,
  IEEE802_11_RADIOTAP: 127,
  IEEE802_11_AVS: 163,
  PPI: 192,
  IPV4: 228,
  IPV6: 229,
  DBUS: 231,
  NFLOG: 239,
  NETLINK: 253,
  LINUX_SLL2: 276,
} as const;

const WTAP_ENCAP = new Map<number, number>([
  [LinkType.NULL, 15],
  [LinkType.ETHERNET, 1],
  [LinkType.PPP, 4],
  [LinkType.PPP_HDLC, 4],
  [LinkType.CHDLC, 28],
  [LinkType.FRELAY, 26],
  [LinkType.ARCNET_LINUX, 9],
  [LinkType.JUNIPER_ATM1, 67],
  [LinkType.JUNIPER_ETHER, 83],
  [LinkType.IPNET, 124],
  [LinkType.RAW_DLT12, 7],
  [LinkType.RAW_DLT14, 7],
  [LinkType.RAW, 7],
  [LinkType.LINUX_SLL, 25],
  [LinkType.IEEE802_11, 20],
  [LinkType.IEEE802_11_RADIOTAP, 23],
  [LinkType.PRISM_HEADER, 21],
  [LinkType.IEEE802_11_AVS, 24],
  [LinkType.PPI, 97],
  [LinkType.IPV4, 129],
  [LinkType.IPV6, 130],
  [LinkType.DBUS, 146],
  [LinkType.NFLOG, 141],
  [LinkType.NETLINK, 158],
  [LinkType.LINUX_SLL2, 210],
]);

/** The link type proper: pcap keeps FCS information in the upper bits of the field. */
export function baseLinkType(raw: number): number {
  return raw & 0x03ffffff;
}

export function encapType(linkType: number): number {
  const base = baseLinkType(linkType);
  return WTAP_ENCAP.get(base) ?? UNDISSECTED.get(base)?.[0] ?? -1;
}

const LINK_NAMES = new Map<number, string>([
  [LinkType.NULL, 'NULL/Loopback'],
  [LinkType.ETHERNET, 'Ethernet'],
  [LinkType.PPP, 'PPP'],
  [LinkType.PPP_HDLC, 'PPP'],
  [LinkType.CHDLC, 'Cisco HDLC'],
  [LinkType.FRELAY, 'Frame Relay'],
  [LinkType.ARCNET_LINUX, 'Linux ARCNET'],
  [LinkType.JUNIPER_ATM1, 'Juniper ATM1'],
  [LinkType.JUNIPER_ETHER, 'Juniper Ethernet'],
  [LinkType.IPNET, 'Solaris IPNET'],
  [LinkType.RAW_DLT12, 'Raw IP'],
  [LinkType.RAW_DLT14, 'Raw IP'],
  [LinkType.RAW, 'Raw IP'],
  [LinkType.LINUX_SLL, 'Linux cooked-mode capture v1'],
  [LinkType.IEEE802_11, 'IEEE 802.11 Wireless LAN'],
  [LinkType.IEEE802_11_RADIOTAP, 'IEEE 802.11 plus radiotap radio header'],
  [LinkType.PRISM_HEADER, 'IEEE 802.11 plus Prism II monitor mode radio header'],
  [LinkType.IEEE802_11_AVS, 'IEEE 802.11 plus AVS radio header'],
  [LinkType.PPI, 'Per-Packet Information header'],
  [LinkType.IPV4, 'Raw IPv4'],
  [LinkType.IPV6, 'Raw IPv6'],
  [LinkType.DBUS, 'D-Bus'],
  [LinkType.NFLOG, 'NFLOG'],
  [LinkType.NETLINK, 'Linux Netlink'],
  [LinkType.LINUX_SLL2, 'Linux cooked-mode capture v2'],
]);

export function linkTypeName(linkType: number): string {
  const base = baseLinkType(linkType);
  return LINK_NAMES.get(base) ?? UNDISSECTED.get(base)?.[1] ?? `Unknown (${linkType})`;
}

/**
 * Link types no dissector takes (their frames show as data), with the encapsulation number and
 * name Wireshark gives them, so frame.encap_type still agrees: DLT_USER0-15 are 147-162.
 */
const UNDISSECTED = new Map<number, readonly [number, string]>([
  [8, [3, 'SLIP']],
  [11, [10, 'RFC 1483 ATM']],
  [19, [11, 'Linux ATM CLIP']],
  [123, [13, 'ATM PDUs']],
  [195, [104, 'IEEE 802.15.4 Wireless PAN']],
  [242, [180, 'IP over IB']],
  ...Array.from({ length: 16 }, (_, n) => [147 + n, [45 + n, `USER ${n}`]] as const),
]);
