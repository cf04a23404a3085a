// rtnetlink (NETLINK_ROUTE) messages as Wireshark 4.0 decodes them: link (ifinfomsg + IFLA_*),
// address (ifaddrmsg + IFA_*), route (rtmsg + RTA_*) and neighbour (ndmsg) messages; other
// message types show only their header, and attributes without a decoder their data.
import { ARP_HRD_NAMES } from './arp.ts';
import { bool, fields, hex, ipv4, ipv6, names, proto, str, text, uint, FieldType } from './field.ts';
import {
  AttrLabel,
  dissectNetlinkAttributes,
  dissectNetlinkHeader,
  nlU32,
  nlU64,
  nlUint,
  type NetlinkData,
} from './netlink.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import { itemLength } from './tvb-items.ts';
import { formatHexColon, formatIPv4, formatIPv6, readIPv4 } from '../format/address.ts';
import { stringValue } from './text-format.ts';
import type { Tvb } from './tvb.ts';

const MESSAGE_TYPES = names({
  16: 'Create network interface',
  17: 'Remove network interface',
  18: 'Get network interface info',
  19: 'Set network interface info',
  20: 'Add IP address',
  21: 'Delete IP address',
  22: 'Get IP address',
  24: 'Add network route',
  25: 'Delete network route',
  26: 'Get network route',
  28: 'Add neighbor table entry',
  29: 'Delete neighbor table entry',
  30: 'Get neighbor table entry',
  32: 'Add routing rule',
  33: 'Delete routing rule',
  34: 'Get routing rule',
  36: 'Add queueing discipline',
  37: 'Delete queueing discipline',
  38: 'Get queueing discipline',
  40: 'Add traffic class',
  41: 'Delete traffic class',
  42: 'Get traffic class',
  44: 'Add traffic class',
  45: 'Delete traffic class',
  46: 'Get traffic class',
  48: 'New Action',
  49: 'Delete Action',
  50: 'Get Action',
  52: 'New IPv6 prefix',
  58: 'Get multicast address',
  62: 'Get anycast address',
  64: 'New Neighbour tables',
  66: 'Get Neighbour tables',
  67: 'Set Neighbour tables',
  68: 'New ND Userland options',
  72: 'New IPv6 Address Label',
  73: 'Delete IPv6 Address Label',
  74: 'Get IPv6 Address Label',
  78: 'Get Data Center Bridging',
  79: 'Set Data Center Bridging',
  80: 'RTM_NEWNETCONF',
  81: 'RTM_DELNETCONF',
  82: 'RTM_GETNETCONF',
  84: 'Add multicast database entry',
  85: 'Delete multicast database entry',
  86: 'Get multicast database',
  88: 'New network namespace ID',
  89: 'Delete network namespace ID',
  90: 'Get network namespace ID',
  92: 'New link statistics',
  94: 'Get link statistics',
  96: 'New cache report',
  100: 'New chain',
  101: 'Delete chain',
  102: 'Get chain',
  104: 'New next hop',
  105: 'Delete next hop',
  106: 'Get next hop',
  108: 'New link property',
  109: 'Delete link property',
  110: 'Get link property',
  112: 'New VLAN',
  113: 'Delete VLAN',
  114: 'Get VLAN',
  116: 'New next hop bucket',
  117: 'Delete next hop bucket',
  118: 'Get next hop bucket',
  120: 'New tunnel',
  121: 'Delete tunnel',
  122: 'Get tunnel',
});

const IFLA_NAMES = names({
  0: 'Unspecified',
  1: 'HW Address',
  2: 'Broadcast',
  3: 'Device name',
  4: 'MTU',
  5: 'Link type',
  6: 'Queueing discipline',
  7: 'Interface Statistics',
  8: 'Cost',
  9: 'Priority',
  10: 'Master',
  11: 'Wireless',
  12: 'Prot info',
  13: 'TxQueue length',
  14: 'Map',
  15: 'Weight',
  16: 'Operstate',
  17: 'Link mode',
  18: 'Link info',
  19: 'NetNs id',
  20: 'Ifalias',
  21: 'Num VF',
  22: 'VF Info',
  23: 'Stats',
  24: 'VF ports',
  25: 'Port self',
  26: 'AF spec',
  27: 'Group',
  28: 'NetNs fd',
  29: 'Ext mask',
  30: 'Promiscuity',
  31: 'Number of Tx queues',
  32: 'Number of Rx queues',
  33: 'Carrier',
  34: 'Physical port ID',
  35: 'Carrier changes',
  36: 'Physical switch ID',
  37: 'Link network namespace ID',
  38: 'Physical port name',
  39: 'IFLA_PROTO_DOWN',
  40: 'Maximum GSO segment count',
  41: 'Maximum GSO size',
  42: 'IFLA_PAD',
  43: 'IFLA_XDP',
  44: 'IFLA_EVENT',
  45: 'IFLA_NEW_NETNSID',
  46: 'IFLA_IF_NETNSID',
  47: 'Carrier up count',
  48: 'Carrier down count',
  49: 'IFLA_NEW_IFINDEX',
  50: 'Minimum MTU',
  51: 'Maximum MTU',
  52: 'Property list',
  53: 'Alternative ifname',
  54: 'Permanent address',
  55: 'Protocol down reason',
  56: 'Parent device name',
  57: 'Parent device bus name',
  58: 'GRO maximum size',
  59: 'TSO maximum size',
  60: 'TSO maximum number of segments',
  61: 'Allmulti count',
});

const OPERSTATES = names({
  0: 'Unknown',
  1: 'Not present',
  2: 'Down',
  3: 'Lower layer down',
  4: 'Testing',
  5: 'Dormant',
  6: 'Up',
});

const IFA_NAMES = names({
  0: 'Unspecified',
  1: 'Interface address',
  2: 'Local address',
  3: 'Name of interface',
  4: 'Broadcast address',
  5: 'Anycast address',
  6: 'Address information',
  7: 'Multicast address',
  8: 'Address flags',
  9: 'IFA_RT_PRIORITY',
  10: 'IFA_TARGET_NETNSID',
  11: 'IFA_PROTO',
});

const RTA_NAMES = names({
  0: 'Unspecified',
  1: 'Route destination address',
  2: 'Route source address',
  3: 'Input interface index',
  4: 'Output interface index',
  5: 'Gateway of the route',
  6: 'RTA_PRIORITY',
  7: 'RTA_PREFSRC',
  8: 'RTA_METRICS',
  9: 'RTA_MULTIPATH',
  10: 'RTA_PROTOINFO',
  11: 'RTA_FLOW',
  12: 'RTA_CACHEINFO',
  13: 'RTA_SESSION',
  14: 'RTA_MP_ALGO',
  15: 'RTA_TABLE',
  16: 'RTA_MARK',
  17: 'RTA_MFC_STATS',
  18: 'RTA_VIA',
  19: 'RTA_NEWDST',
  20: 'RTA_PREF',
  21: 'RTA_ENCAP_TYPE',
  22: 'RTA_ENCAP',
  23: 'RTA_EXPIRES',
  24: 'RTA_PAD',
  25: 'RTA_UID',
  26: 'RTA_TTL_PROPAGATE',
  27: 'RTA_IP_PROTO',
  28: 'RTA_SPORT',
  29: 'RTA_DPORT',
  30: 'RTA_NH_ID',
});

const RT_PROTOCOLS = names({
  0: 'unknown',
  1: 'ICMP redirects',
  2: 'kernel',
  3: 'boot',
  4: 'static',
  8: 'GateD',
  9: 'RDISC/ND router advertisements',
  10: 'Merit MRT',
  11: 'Zebra',
  12: 'BIRD',
  13: 'DECnet routing daemon',
  14: 'XORP',
  15: 'Netsukuku',
  16: 'DHCP client',
  17: 'Multicast daemon',
  18: 'Keepalived daemon',
  42: 'Babel daemon',
  99: 'Open Routing Routes',
  186: 'BGP',
  187: 'ISIS',
  188: 'OSPF',
  189: 'RIP',
  192: 'EIGRP',
});

const RT_SCOPES = names({
  0: 'global route',
  200: 'interior route in the local autonomous system',
  253: 'route on this link',
  254: 'route on the local host',
  255: "destination doesn't exist",
});

const RT_TYPES = names({
  0: 'Unknown route',
  1: 'Gateway or direct route',
  2: 'Local interface route',
  3: 'Local broadcast route (send as broadcast)',
  4: 'Local broadcast route (send as unicast)',
  5: 'Multicast route',
  6: 'Drop',
  7: 'Unreachable destination',
  8: 'Administratively prohibited',
  9: 'Routing lookup in another table',
  10: 'Network address translation rule',
  11: 'Use external resolver',
});

/** Linux AF_* address families (Wireshark's linux_af_vals). */
const LINUX_AF = names(
  Object.fromEntries(
    [
      'UNSPEC',
      'LOCAL',
      'INET',
      'AX25',
      'IPX',
      'APPLETALK',
      'NETROM',
      'BRIDGE',
      'ATMPVC',
      'X25',
      'INET6',
      'ROSE',
      'DECnet',
      'NETBEUI',
      'SECURITY',
      'KEY',
      'NETLINK',
      'PACKET',
      'ASH',
      'ECONET',
      'ATMSVC',
      'RDS',
      'SNA',
      'IRDA',
      'PPPOX',
      'WANPIPE',
      'LLC',
      'IB',
      'MPLS',
      'CAN',
      'TIPC',
      'BLUETOOTH',
      'IUCV',
      'RXRPC',
      'ISDN',
      'PHONET',
      'IEEE802154',
      'CAIF',
      'ALG',
      'NFC',
      'VSOCK',
      'KCM',
      'QIPCRTR',
      'SMC',
      'XDP',
      'MCTP',
    ].map((n, i) => [i, `AF_${n}`]),
  ),
);

const IFF_NAMES: readonly (readonly [number, string])[] = [
  [0x1, 'UP'],
  [0x2, 'BROADCAST'],
  [0x4, 'DEBUG'],
  [0x8, 'LOOPBACK'],
  [0x10, 'POINTOPOINT'],
  [0x20, 'NOTRAILERS'],
  [0x40, 'RUNNING'],
  [0x80, 'NOARP'],
  [0x100, 'PROMISC'],
  [0x200, 'ALLMULTI'],
  [0x400, 'MASTER'],
  [0x800, 'SLAVE'],
  [0x1000, 'MULTICAST'],
  [0x2000, 'PORTSEL'],
  [0x4000, 'AUTOMEDIA'],
  [0x8000, 'DYNAMIC'],
  [0x10000, 'LOWER_UP'],
  [0x20000, 'DORMANT'],
  [0x40000, 'ECHO'],
];

const IFA_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [0x01, 'secondary/temporary'],
  [0x02, 'nodad'],
  [0x04, 'optimistic'],
  [0x08, 'dadfailed'],
  [0x10, 'homeaddress'],
  [0x20, 'deprecated'],
  [0x40, 'tentative'],
  [0x80, 'permanent'],
  [0x100, 'mngtmpaddr'],
  [0x200, 'noprefixroute'],
  [0x400, 'autojoin'],
  [0x800, 'stable_privacy'],
];

const NUD_NAMES: readonly (readonly [number, string])[] = [
  [0x01, 'INCOMPLETE'],
  [0x02, 'REACHABLE'],
  [0x04, 'STALE'],
  [0x08, 'DELAY'],
  [0x10, 'PROBE'],
  [0x20, 'FAILED'],
  [0x40, 'NOARP'],
  [0x80, 'PERMANENT'],
];

const int32 = (name: string): ReturnType<typeof uint> => ({
  name,
  type: FieldType.Int,
  base: 'dec',
  bits: 32,
});
const u64 = (name: string): ReturnType<typeof uint> => uint(name, 64);

export const F = fields('netlink-route', {
  '': proto('Linux rtnetlink (route netlink) protocol'),
  nltype: uint('Message type', 16, { strings: MESSAGE_TYPES }),
  ifi_family: uint('Interface family', 8),
  ifi_type: uint('Device type', 16, { strings: ARP_HRD_NAMES }),
  ifi_index: int32('Interface index'),
  ifi_flags: uint('Device flags', 32),
  'ifi_flags.iff_up': bool('Interface', 32, 0x1, { tf: ['Up', 'Down'] }),
  'ifi_flags.iff_broadcast': bool('Broadcast', 32, 0x2, { tf: ['Valid', 'Invalid'] }),
  ifi_change: uint('Device change flags', 32),
  ifla_attr_type: uint('Attribute type', 16, { strings: IFLA_NAMES }),
  ifla_ifname: str('Device name'),
  ifla_mtu: uint('MTU of device', 32),
  ifla_txqlen: uint('TxQueue length', 32),
  ifla_operstate: uint('Operstate', 8, { strings: OPERSTATES }),
  ifla_promiscuity: uint('Promiscuity', 32),
  ifla_txqnum: uint('Number of Tx queues', 32),
  ifla_rxqnum: uint('Number of Rx queues', 32),
  ifla_group: uint('Group', 32),
  ifla_gso_maxsize: uint('Maximum GSO size', 32),
  ifla_gso_maxsegs: uint('Maximum GSO segment count', 32),
  ifla_carrier: bool('Carrier', 32, 0x1, { tf: ['Restricted', 'Not restricted'] }),
  ifla_qdisc: str('Queueing discipline'),
  ifla_carrier_changes: uint('Carrier changes', 32),
  ifla_hwaddr: str('HW Address'),
  ifla_broadcast: str('Broadcast'),
  ifla_carrier_up_count: uint('Carrier changes to up', 32),
  ifla_carrier_down_count: uint('Carrier changes to down', 32),
  ifla_min_mtu: uint('Minimum MTU of device', 32),
  ifla_max_mtu: uint('Maximum MTU of device', 32),
  'ifla_map.mem_start': hex('Memory start', 64),
  'ifla_map.mem_end': hex('Memory end', 64),
  'ifla_map.base_addr': hex('Base address', 64),
  'ifla_map.irq': uint('IRQ', 16),
  'ifla_map.dma': uint('DMA', 8),
  'ifla_map.port': uint('Port', 8),
  'ifla_linkstats.rxpackets': u64('Rx packets'),
  'ifla_linkstats.txpackets': u64('Tx packets'),
  'ifla_linkstats.rxbytes': u64('Rx bytes'),
  'ifla_linkstats.txbytes': u64('Tx packets'),
  'ifla_linkstats.rxerrors': u64('Rx errors'),
  'ifla_linkstats.txerrors': u64('Tx errors'),
  'ifla_linkstats.rxdropped': u64('Rx dropped'),
  'ifla_linkstats.txdropped': u64('Tx dropped'),
  'ifla_linkstats.multicast': u64('Multicast Rx'),
  'ifla_linkstats.collisions': u64('Collisions'),
  'ifla_linkstats.rx_errors.length_errs': u64('Length errors'),
  'ifla_linkstats.rx_errors.over_errs': u64('Ring buffer overflow errors'),
  'ifla_linkstats.rx_errors.crc_errs': u64('CRC errors'),
  'ifla_linkstats.rx_errors.frame_errs': u64('Frame alignment errors'),
  'ifla_linkstats.rx_errors.fifo_errs': u64('FIFO overrun errors'),
  'ifla_linkstats.rx_errors.miss_errs': u64('Missed packet errors'),
  'ifla_linkstats.rx_errors.abort_errs': u64('Abort errors'),
  'ifla_linkstats.rx_errors.carrier_errs': u64('Carrier errors'),
  'ifla_linkstats.rx_errors.heartbeat_errs': u64('Heartbeat errors'),
  'ifla_linkstats.rx_errors.window_errs': u64('Window errors'),
  ifa_family: uint('Address type', 8, { strings: LINUX_AF }),
  ifa_prefixlen: uint('Address prefixlength', 8),
  ifa_flags: uint('Address flags', 8),
  ifa_scope: uint('Address scope', 8),
  ifa_index: int32('Interface index'),
  ifa_attr_type: uint('Attribute type', 16, { strings: IFA_NAMES }),
  ifa_label: str('Interface name'),
  ifa_flags32: uint('Address flags', 32),
  'ifa_address.ipv6': ipv6('Address'),
  'ifa_address.ipv4': ipv4('Address'),
  rt_family: uint('Address family', 8, { strings: LINUX_AF }),
  rt_dst_len: uint('Length of destination', 8),
  rt_src_len: uint('Length of source', 8),
  rt_tos: hex('TOS filter', 8),
  rt_table: uint('Routing table ID', 8),
  rt_protocol: hex('Routing protocol', 8, { strings: RT_PROTOCOLS }),
  rt_scope: hex('Route origin', 8, { strings: RT_SCOPES }),
  rt_type: hex('Route type', 8, { strings: RT_TYPES }),
  rt_flags: hex('Route flags', 32),
  rta_attr_type: uint('Attribute type', 16, { strings: RTA_NAMES }),
  rta_iif: uint('Input interface index', 32),
  rta_oif: uint('Output interface index', 32),
  nd_family: uint('Family', 8, { strings: LINUX_AF }),
  nd_index: int32('Interface index'),
  nd_state: uint('State', 16),
  nd_flags: hex('Flags', 8),
  nd_type: hex('Type', 8),
  _stats: text('Statistics'),
  _rxerrs: text('Rx errors'),
  _txerrs: text('Tx errors'),
});

// Wireshark 4.0 files the Tx FIFO errors under the Rx field's filter name, with a label of their own.
const TX_FIFO = fields('netlink-route', { 'ifla_linkstats.rx_errors.fifo_errs': u64('FIFO errors') });

const STATS_ROOT = [
  F['ifla_linkstats.rxpackets'],
  F['ifla_linkstats.txpackets'],
  F['ifla_linkstats.rxbytes'],
  F['ifla_linkstats.txbytes'],
  F['ifla_linkstats.rxerrors'],
  F['ifla_linkstats.txerrors'],
  F['ifla_linkstats.rxdropped'],
  F['ifla_linkstats.txdropped'],
  F['ifla_linkstats.multicast'],
  F['ifla_linkstats.collisions'],
];
const STATS_RX = [
  F['ifla_linkstats.rx_errors.length_errs'],
  F['ifla_linkstats.rx_errors.over_errs'],
  F['ifla_linkstats.rx_errors.crc_errs'],
  F['ifla_linkstats.rx_errors.frame_errs'],
  F['ifla_linkstats.rx_errors.fifo_errs'],
  F['ifla_linkstats.rx_errors.miss_errs'],
];
const STATS_TX = [
  F['ifla_linkstats.rx_errors.abort_errs'],
  F['ifla_linkstats.rx_errors.carrier_errs'],
  TX_FIFO['ifla_linkstats.rx_errors.fifo_errs'],
  F['ifla_linkstats.rx_errors.heartbeat_errs'],
  F['ifla_linkstats.rx_errors.window_errs'],
];

const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const RTM_SETLINK = 19;
const RTM_NEWADDR = 20;
const RTM_GETADDR = 22;
const RTM_NEWROUTE = 24;
const RTM_GETROUTE = 26;
const RTM_NEWNEIGH = 28;
const RTM_GETNEIGH = 30;

/** Names of the set bits, then any bits left as hex, then the value (`UP, BROADCAST (0x00000003)`). */
function bitNames(value: number, table: readonly (readonly [number, string])[], digits: number): string {
  const parts: string[] = [];
  let rest = value >>> 0;
  for (const [bit, name] of table) {
    if ((rest & bit) !== 0) {
      rest = (rest & ~bit) >>> 0;
      parts.push(name);
    }
  }
  if (rest !== 0) parts.push(`0x${rest.toString(16)}`);
  return `${parts.join(', ')} (0x${(value >>> 0).toString(16).padStart(digits, '0')})`;
}

function addUint(
  tvb: Tvb,
  tree: Tree,
  def: (typeof F)[keyof typeof F],
  at: number,
  len: number,
  le: boolean,
): number {
  const v = nlUint(tvb, at, len, le);
  tree.add(def, tvb, at, len, v);
  return v;
}

/** An ASCII string item (FT_STRINGZ) of `len` bytes: its value stops at the first NUL. */
function addStringz(tvb: Tvb, tree: Tree, def: (typeof F)[keyof typeof F], at: number, len: number): string {
  const n = itemLength(tvb, at, len);
  const v = stringValue(tvb.bytes, at, at + n, true);
  tree.add(def, tvb, at, n, v.field);
  if (tree.full && v.label !== v.field) tree.labelLast(`${def.name}: ${v.label}`);
  // Appended to the attribute's label as it is: Wireshark 4.0 escapes nothing there.
  return v.field;
}

function colonHex(tvb: Tvb, at: number, len: number): string {
  return formatHexColon(tvb.slice(at, itemLength(tvb, at, len)));
}

function ifinfomsg(tvb: Tvb, tree: Tree, at: number, nl: NetlinkData, legacy: boolean): number {
  const le = nl.le;
  tree.add(F.ifi_family, tvb, at, 1, tvb.u8(at));
  if (legacy) return at + 1;
  at += 2;
  tree.add(F.ifi_type, tvb, at, 2, le ? tvb.u16le(at) : tvb.u16(at));
  at += 2;
  tree.add(F.ifi_index, tvb, at, 4, nlU32(tvb, at, le) | 0);
  at += 4;
  const flags = nlU32(tvb, at, le);
  tree.push(F.ifi_flags, tvb, at, 4, flags);
  if (tree.full) tree.label(`Device flags: ${bitNames(flags, IFF_NAMES, 8)}`);
  tree.add(F['ifi_flags.iff_up'], tvb, at, 4, (flags & 1) !== 0);
  tree.add(F['ifi_flags.iff_broadcast'], tvb, at, 4, (flags & 2) !== 0);
  tree.pop();
  at += 4;
  tree.add(F.ifi_change, tvb, at, 4, nlU32(tvb, at, le));
  return at + 4;
}

function linkStats(tvb: Tvb, tree: Tree, at: number, len: number, size: 4 | 8, le: boolean): void {
  tree.push(F._stats, tvb, at, len);
  const one = (def: (typeof STATS_ROOT)[number]): void => {
    tree.add(def, tvb, at, size, size === 4 ? nlU32(tvb, at, le) : nlU64(tvb, at, le));
    at += size;
  };
  STATS_ROOT.forEach(one);
  tree.push(F._rxerrs, tvb, at, size * STATS_RX.length);
  STATS_RX.forEach(one);
  tree.pop();
  tree.push(F._txerrs, tvb, at, size * STATS_TX.length);
  STATS_TX.forEach(one);
  tree.pop();
  tree.pop();
}

/** Attributes whose value is a plain 32-bit count shown after the attribute's name. */
const IFLA_COUNTS = new Map([
  [4, F.ifla_mtu],
  [13, F.ifla_txqlen],
  [30, F.ifla_promiscuity],
  [31, F.ifla_txqnum],
  [32, F.ifla_rxqnum],
  [27, F.ifla_group],
  [40, F.ifla_gso_maxsegs],
  [41, F.ifla_gso_maxsize],
  [35, F.ifla_carrier_changes],
  [47, F.ifla_carrier_up_count],
  [48, F.ifla_carrier_down_count],
  [50, F.ifla_min_mtu],
  [51, F.ifla_max_mtu],
]);

function iflaAttr(
  tvb: Tvb,
  tree: Tree,
  rtaType: number,
  at: number,
  len: number,
  nl: NetlinkData,
  label: AttrLabel,
): boolean {
  const le = nl.le;
  // Wireshark switches on the type with its flag bits: a nested or net-order attribute has no decoder.
  const count = IFLA_COUNTS.get(rtaType);
  if (count) {
    label.append(`: ${addUint(tvb, tree, count, at, len, le)}`);
    return true;
  }
  switch (rtaType) {
    case 3:
      label.append(`: ${addStringz(tvb, tree, F.ifla_ifname, at, len)}`);
      return true;
    case 6:
      label.append(`: ${addStringz(tvb, tree, F.ifla_qdisc, at, len)}`);
      return true;
    case 16:
      addUint(tvb, tree, F.ifla_operstate, at, len, le);
      return true;
    case 33: {
      const v = nlUint(tvb, at, len, le);
      tree.add(F.ifla_carrier, tvb, at, len, (v & 1) !== 0);
      label.append(`: ${(v & 1) !== 0 ? 'Restricted' : 'Not restricted'}`);
      return true;
    }
    case 1:
    case 2: {
      const def = rtaType === 1 ? F.ifla_hwaddr : F.ifla_broadcast;
      const s = colonHex(tvb, at, len);
      label.append(`: ${s}`);
      tree.add(def, tvb, at, len, s);
      return true;
    }
    case 7:
      linkStats(tvb, tree, at, len, 4, le);
      return true;
    case 23:
      linkStats(tvb, tree, at, len, 8, le);
      return true;
    case 14:
      tree.add(F['ifla_map.mem_start'], tvb, at, 8, nlU64(tvb, at, le));
      tree.add(F['ifla_map.mem_end'], tvb, at + 8, 8, nlU64(tvb, at + 8, le));
      tree.add(F['ifla_map.base_addr'], tvb, at + 16, 8, nlU64(tvb, at + 16, le));
      tree.add(F['ifla_map.irq'], tvb, at + 24, 2, le ? tvb.u16le(at + 24) : tvb.u16(at + 24));
      tree.add(F['ifla_map.dma'], tvb, at + 26, 1, tvb.u8(at + 26));
      tree.add(F['ifla_map.port'], tvb, at + 27, 1, tvb.u8(at + 27));
      return true;
    default:
      return false;
  }
}

function ifaddrmsg(tvb: Tvb, tree: Tree, at: number, nl: NetlinkData, legacy: boolean): number {
  tree.add(F.ifa_family, tvb, at, 1, tvb.u8(at));
  if (legacy) return at + 1;
  tree.add(F.ifa_prefixlen, tvb, at + 1, 1, tvb.u8(at + 1));
  const flags = tvb.u8(at + 2);
  tree.add(F.ifa_flags, tvb, at + 2, 1, flags);
  if (tree.full) tree.labelLast(`Address flags: ${bitNames(flags, IFA_FLAG_NAMES, 8)}`);
  tree.add(F.ifa_scope, tvb, at + 3, 1, tvb.u8(at + 3));
  tree.add(F.ifa_index, tvb, at + 4, 4, nlU32(tvb, at + 4, nl.le) | 0);
  return at + 8;
}

function ifaAttr(
  tvb: Tvb,
  tree: Tree,
  rtaType: number,
  at: number,
  len: number,
  nl: NetlinkData,
  label: AttrLabel,
): boolean {
  switch (rtaType) {
    case 3:
      label.append(`: ${addStringz(tvb, tree, F.ifa_label, at, len)}`);
      return true;
    case 8: {
      const flags = nlU32(tvb, at, nl.le);
      tree.add(F.ifa_flags32, tvb, at, 4, flags);
      if (tree.full) tree.labelLast(`Address flags: ${bitNames(flags, IFA_FLAG_NAMES, 8)}`);
      return true;
    }
    case 1:
    case 2:
    case 4:
      if (len === 4) {
        const a = readIPv4(tvb.slice(at, 4), 0);
        label.append(`: ${formatIPv4(a)}`);
        tree.add(F['ifa_address.ipv4'], tvb, at, 4, a);
      } else {
        tvb.need(at, 16);
        label.append(`: ${formatIPv6(tvb.bytes, at)}`);
        tree.add(F['ifa_address.ipv6'], tvb, at, itemLength(tvb, at, len));
      }
      return true;
    default:
      return false;
  }
}

function rtmsg(tvb: Tvb, tree: Tree, at: number, nl: NetlinkData, legacy: boolean): number {
  tree.add(F.rt_family, tvb, at, 1, tvb.u8(at));
  if (legacy) return at + 1;
  tree.add(F.rt_dst_len, tvb, at + 1, 1, tvb.u8(at + 1));
  tree.add(F.rt_src_len, tvb, at + 2, 1, tvb.u8(at + 2));
  tree.add(F.rt_tos, tvb, at + 3, 1, tvb.u8(at + 3));
  tree.add(F.rt_table, tvb, at + 4, 1, tvb.u8(at + 4));
  tree.add(F.rt_protocol, tvb, at + 5, 1, tvb.u8(at + 5));
  tree.add(F.rt_scope, tvb, at + 6, 1, tvb.u8(at + 6));
  tree.add(F.rt_type, tvb, at + 7, 1, tvb.u8(at + 7));
  tree.add(F.rt_flags, tvb, at + 8, 4, nlU32(tvb, at + 8, nl.le));
  return at + 12;
}

function rtaAttr(
  tvb: Tvb,
  tree: Tree,
  rtaType: number,
  at: number,
  len: number,
  nl: NetlinkData,
  label: AttrLabel,
): boolean {
  if ((rtaType === 3 || rtaType === 4) && len === 4) {
    const v = nlU32(tvb, at, nl.le);
    tree.add(rtaType === 3 ? F.rta_iif : F.rta_oif, tvb, at, 4, v);
    label.append(`: ${v}`);
    return true;
  }
  return false;
}

function ndmsg(tvb: Tvb, tree: Tree, at: number, nl: NetlinkData): number {
  tree.add(F.nd_family, tvb, at, 1, tvb.u8(at));
  at += 4;
  tree.add(F.nd_index, tvb, at, 4, nlU32(tvb, at, nl.le) | 0);
  at += 4;
  const state = nl.le ? tvb.u16le(at) : tvb.u16(at);
  tree.add(F.nd_state, tvb, at, 2, state);
  if (tree.full) tree.labelLast(`State: ${bitNames(state, NUD_NAMES, 4)}`);
  tree.add(F.nd_flags, tvb, at + 2, 1, tvb.u8(at + 2));
  tree.add(F.nd_type, tvb, at + 3, 1, tvb.u8(at + 3));
  return at + 4;
}

/** One rtnetlink message (`tvb` is the message, header included). */
export function dissectNetlinkRoute(tvb: Tvb, pinfo: PacketInfo, tree: Tree, nl: NetlinkData): number {
  const o = tvb.start;
  pinfo.layers.push('netlink-route');
  pinfo.currentProto = 'rtnetlink';
  pinfo.setProto('Netlink route');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  let at = dissectNetlinkHeader(tvb, tree, o, nl.le, F.nltype);
  const end = tvb.reportedEnd;
  const left = tvb.reportedRemaining(at);
  const type = nl.type;
  switch (type) {
    case RTM_NEWLINK:
    case RTM_NEWLINK + 1:
    case RTM_GETLINK:
    case RTM_SETLINK:
      at = ifinfomsg(tvb, tree, at, nl, type === RTM_GETLINK && left < 16);
      at = dissectNetlinkAttributes(tvb, tree, o, at, end, nl, F.ifla_attr_type, iflaAttr);
      break;
    case RTM_NEWADDR:
    case RTM_NEWADDR + 1:
    case RTM_GETADDR: {
      const legacy = type === RTM_GETADDR && left < 8;
      at = ifaddrmsg(tvb, tree, at, nl, legacy);
      if (!legacy) at = dissectNetlinkAttributes(tvb, tree, o, at, end, nl, F.ifa_attr_type, ifaAttr);
      break;
    }
    case RTM_NEWROUTE:
    case RTM_NEWROUTE + 1:
    case RTM_GETROUTE: {
      const legacy = type === RTM_GETROUTE && left < 12;
      at = rtmsg(tvb, tree, at, nl, legacy);
      if (!legacy) at = dissectNetlinkAttributes(tvb, tree, o, at, end, nl, F.rta_attr_type, rtaAttr);
      break;
    }
    case RTM_NEWNEIGH:
    case RTM_NEWNEIGH + 1:
    case RTM_GETNEIGH:
      if (!(type === RTM_GETNEIGH && left < 12)) at = ndmsg(tvb, tree, at, nl);
      break;
  }
  tree.pop();
  return at - o;
}

export const netlinkRouteModule = { fields: { ...F, txFifo: TX_FIFO['ifla_linkstats.rx_errors.fifo_errs'] } };
