// pcap LINKTYPE_ values the dissectors hang off, and Wireshark's encapsulation numbers for them
// (frame.encap_type shows WTAP_ENCAP_*, not the file's link type).

export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
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
  return WTAP_ENCAP.get(baseLinkType(linkType)) ?? -1;
}

const LINK_NAMES = new Map<number, string>([
  [LinkType.NULL, 'NULL/Loopback'],
  [LinkType.ETHERNET, 'Ethernet'],
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
  return LINK_NAMES.get(baseLinkType(linkType)) ?? `Unknown (${linkType})`;
}
