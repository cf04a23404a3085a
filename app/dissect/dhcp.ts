// Bootstrap Protocol (RFC 951) and DHCP (RFC 2131/2132) on UDP 67/68: the fixed header, the
// magic cookie and the options, with tshark 4.0's names, Info text and Protocol column.
import { ARP_HRD_NAMES } from './arp.ts';
import {
  bool,
  bytes,
  ether,
  fields,
  hex,
  ipv4,
  names,
  proto,
  str,
  uint,
  FieldType,
  type FieldDef,
} from './field.ts';
import { secondsText } from './icmp.ts';
import { expert, expertItem } from './ip-proto.ts';
import { decodeOption, optionDecoders, stringz, OF, type OptionState } from './dhcp-options.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { NodeFlag, NULL_TREE, type Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { formatHex, formatIPv4, formatMac } from '../format/address.ts';
import { macName } from '../format/mac-names.ts';

/** Option names as tshark 4.0 shows them (`Option: (12) Host Name`). */
const OPTION_NAMES = names({
  0: 'Padding',
  53: 'DHCP Message Type',
  255: 'End',
  1: 'Subnet Mask',
  2: 'Time Offset',
  3: 'Router',
  4: 'Time Server',
  5: 'Name Server',
  6: 'Domain Name Server',
  7: 'Log Server',
  8: 'Quotes Server',
  9: 'LPR Server',
  10: 'Impress Server',
  11: 'Resource Location Server',
  12: 'Host Name',
  13: 'Boot File Size',
  14: 'Merit Dump File',
  15: 'Domain Name',
  16: 'Swap Server',
  17: 'Root Path',
  18: 'Extensions Path',
  19: 'IP Forwarding',
  20: 'Non-Local Source Routing',
  21: 'Policy Filter',
  22: 'Maximum Datagram Reassembly Size',
  23: 'Default IP Time-to-Live',
  24: 'Path MTU Aging Timeout',
  25: 'Path MTU Plateau Table',
  26: 'Interface MTU',
  27: 'All Subnets are Local',
  28: 'Broadcast Address',
  29: 'Perform Mask Discovery',
  30: 'Mask Supplier',
  31: 'Perform Router Discover',
  32: 'Router Solicitation Address',
  33: 'Static Route',
  34: 'Trailer Encapsulation',
  35: 'ARP Cache Timeout',
  36: 'Ethernet Encapsulation',
  37: 'TCP Default TTL',
  38: 'TCP Keepalive Interval',
  39: 'TCP Keepalive Garbage',
  40: 'Network Information Service Domain',
  41: 'Network Information Service Servers',
  42: 'Network Time Protocol Servers',
  43: 'Vendor-Specific Information',
  44: 'NetBIOS over TCP/IP Name Server',
  45: 'NetBIOS over TCP/IP Datagram Distribution Name Server',
  46: 'NetBIOS over TCP/IP Node Type',
  47: 'NetBIOS over TCP/IP Scope',
  48: 'X Window System Font Server',
  49: 'X Window System Display Manager',
  50: 'Requested IP Address',
  51: 'IP Address Lease Time',
  52: 'Option Overload',
  54: 'DHCP Server Identifier',
  55: 'Parameter Request List',
  56: 'Message',
  57: 'Maximum DHCP Message Size',
  58: 'Renewal Time Value',
  59: 'Rebinding Time Value',
  60: 'Vendor class identifier',
  61: 'Client identifier',
  62: 'Novell/Netware IP domain',
  63: 'Novell Options',
  64: 'Network Information Service+ Domain',
  65: 'Network Information Service+ Servers',
  66: 'TFTP Server Name',
  67: 'Bootfile name',
  68: 'Mobile IP Home Agent',
  69: 'SMTP Server',
  70: 'POP3 Server',
  71: 'NNTP Server',
  72: 'Default WWW Server',
  73: 'Default Finger Server',
  74: 'Default IRC Server',
  75: 'StreetTalk Server',
  76: 'StreetTalk Directory Assistance Server',
  77: 'User Class Information',
  78: 'Directory Agent Information',
  79: 'Service Location Agent Scope',
  80: 'Rapid commit',
  81: 'Client Fully Qualified Domain Name',
  82: 'Agent Information Option',
  83: 'iSNS',
  84: 'Removed/Unassigned',
  85: 'Novell Directory Services Servers',
  86: 'Novell Directory Services Tree Name',
  87: 'Novell Directory Services Context',
  88: 'BCMCS Controller Domain Name [TODO:RFC4280]',
  89: 'BCMCS Controller IPv4 address [TODO:RFC4280]',
  90: 'Authentication',
  91: 'Client last transaction time',
  92: 'Associated IP option',
  93: 'Client System Architecture',
  94: 'Client Network Device Interface',
  95: 'LDAP [TODO:RFC3679]',
  96: 'Removed/Unassigned',
  97: 'UUID/GUID-based Client Identifier',
  98: "Open Group's User Authentication [TODO:RFC2485]",
  99: 'Civic Addresses Configuration',
  100: 'PCode',
  101: 'TCode',
  102: 'Removed/unassigned',
  103: 'Removed/unassigned',
  104: 'Removed/unassigned',
  105: 'Removed/unassigned',
  106: 'Removed/unassigned',
  107: 'Removed/unassigned',
  108: 'IPv6-Only Preferred',
  109: 'Unassigned',
  110: 'Removed/Unassigned',
  111: 'Unassigned',
  112: 'NetInfo Parent Server Address',
  113: 'NetInfo Parent Server Tag',
  114: 'DHCP Captive-Portal',
  115: 'Removed/Unassigned',
  116: 'DHCP Auto-Configuration',
  117: 'Name Service Search',
  118: 'Subnet Selection Option',
  119: 'Domain Search',
  120: 'SIP Servers',
  121: 'Classless Static Route',
  122: 'CableLabs Client Configuration [TODO:RFC3495]',
  123: 'Coordinate-based Location Configuration',
  124: 'V-I Vendor Class',
  125: 'V-I Vendor-specific Information',
  126: 'Removed/Unassigned',
  127: 'Removed/Unassigned',
  128: 'DOCSIS full security server IP [TODO]',
  129: 'PXE - undefined (vendor specific)',
  130: 'PXE - undefined (vendor specific)',
  131: 'PXE - undefined (vendor specific)',
  132: 'PXE - undefined (vendor specific)',
  133: 'PXE - undefined (vendor specific)',
  134: 'PXE - undefined (vendor specific)',
  135: 'PXE - undefined (vendor specific)',
  136: 'PANA Authentication Agent',
  137: 'LoST Server Domain Name',
  138: 'CAPWAP Access Controllers',
  139: 'IPv4 Address-MoS',
  140: 'IPv4 FQDN-MoS',
  141: 'SIP UA Configuration Domains',
  142: 'IPv4 Address ANDSF',
  143: 'Zerotouch Redirect [TODO: draft-ietf-netconf-zerotouch]',
  144: 'Geospatial Location [TODO:RFC6225]',
  145: 'Forcerenew Nonce Capable',
  146: 'RDNSS Selection',
  147: 'Unassigned',
  148: 'Unassigned',
  149: 'Unassigned',
  150: 'TFTP Server Address',
  151: 'Leasequery Status code',
  152: 'Leasequery Base Time',
  153: 'Leasequery Start Time of State',
  154: 'Leasequery Query Start Time',
  155: 'Leasequery Query End Time',
  156: 'Leasequery Dhcp State',
  157: 'Leasequery Data Source',
  158: 'PCP Server',
  159: 'Portparams',
  160: 'Unassigned (ex DHCP Captive-Portal)',
  161: 'Manufacturer Usage Description',
  162: 'Unassigned',
  163: 'Unassigned',
  164: 'Unassigned',
  165: 'Unassigned',
  166: 'Unassigned',
  167: 'Unassigned',
  168: 'Unassigned',
  169: 'Unassigned',
  170: 'Unassigned',
  171: 'Unassigned',
  172: 'Unassigned',
  173: 'Unassigned',
  174: 'Unassigned',
  175: 'Etherboot',
  176: 'IP Telephone',
  177: 'Etherboot',
  178: 'Unassigned',
  179: 'Unassigned',
  180: 'Unassigned',
  181: 'Unassigned',
  182: 'Unassigned',
  183: 'Unassigned',
  184: 'Unassigned',
  185: 'Unassigned',
  186: 'Unassigned',
  187: 'Unassigned',
  188: 'Unassigned',
  189: 'Unassigned',
  190: 'Unassigned',
  191: 'Unassigned',
  192: 'Unassigned',
  193: 'Unassigned',
  194: 'Unassigned',
  195: 'Unassigned',
  196: 'Unassigned',
  197: 'Unassigned',
  198: 'Unassigned',
  199: 'Unassigned',
  200: 'Unassigned',
  201: 'Unassigned',
  202: 'Unassigned',
  203: 'Unassigned',
  204: 'Unassigned',
  205: 'Unassigned',
  206: 'Unassigned',
  207: 'Unassigned',
  208: 'PXELINUX Magic',
  209: 'PXE Configuration file',
  210: 'PXE Path Prefix',
  211: 'Reboot Time',
  212: '6RD',
  213: 'V4 Access Domain',
  214: 'Unassigned',
  215: 'Unassigned',
  216: 'Unassigned',
  217: 'Unassigned',
  218: 'Unassigned',
  219: 'Unassigned',
  220: 'Subnet Allocation',
  221: 'Virtual Subnet Selection',
  222: 'Unassigned',
  223: 'Unassigned',
  224: 'Private',
  225: 'Private',
  226: 'Private',
  227: 'Private',
  228: 'Private',
  229: 'Private',
  230: 'Private',
  231: 'Private',
  232: 'Private',
  233: 'Private',
  234: 'Private',
  235: 'Private',
  236: 'Private',
  237: 'Private',
  238: 'Private',
  239: 'Private',
  240: 'Private',
  241: 'Private',
  242: 'Private/Avaya IP Telephone',
  243: 'Private',
  244: 'Private',
  245: 'Private',
  246: 'Private',
  247: 'Private',
  248: 'Private',
  249: 'Private/Classless Static Route (Microsoft)',
  250: 'Private',
  251: 'Private',
  252: 'Private/Proxy autodiscovery',
  253: 'Private',
  254: 'Private',
});

const MESSAGE_TYPES = names({
  1: 'Discover', 2: 'Offer', 3: 'Request', 4: 'Decline', 5: 'ACK', 6: 'NAK', 7: 'Release', 8: 'Inform',
  9: 'Force Renew', 10: 'Lease query', 11: 'Lease Unassigned', 12: 'Lease Unknown', 13: 'Lease Active',
  14: 'Bulk Lease Query', 15: 'Lease Query Done', 16: 'Active LeaseQuery', 17: 'Lease Query Status',
  18: 'TLS',
}); // prettier-ignore
const OVERLOAD = names({
  1: 'Boot file name holds options',
  2: 'Server host name holds options',
  3: 'Boot file and server host names hold options',
});
const NODE_TYPES = names({ 1: 'B-node', 2: 'P-node', 4: 'M-node', 8: 'H-node' });
const TF_ENABLED = { tf: ['Enabled', 'Disabled'] as const };

export const F = fields('dhcp', {
  '': proto('Dynamic Host Configuration Protocol'),
  bootp: { ...bool('Frame is BOOTP', 0, 0), hidden: true },
  type: uint('Message type', 8, { strings: names({ 1: 'Boot Request', 2: 'Boot Reply' }) }),
  'hw.type': hex('Hardware type', 8, { strings: ARP_HRD_NAMES }),
  'hw.len': uint('Hardware address length', 8),
  hops: uint('Hops', 8),
  id: hex('Transaction ID', 32),
  secs: uint('Seconds elapsed', 16),
  flags: hex('Bootp flags', 16),
  'flags.bc': bool('Broadcast flag', 16, 0x8000, { tf: ['Broadcast', 'Unicast'] }),
  'flags.reserved': hex('Reserved flags', 16, { mask: 0x7fff }),
  'ip.client': ipv4('Client IP address'),
  'ip.your': ipv4('Your (client) IP address'),
  'ip.server': ipv4('Next server IP address'),
  'ip.relay': ipv4('Relay agent IP address'),
  'hw.addr': bytes('Client hardware address'),
  'hw.addr_padding': bytes('Client hardware address padding'),
  'hw.mac_addr': ether('Client MAC address'),
  server: str('Server host name'),
  file: str('Boot file name'),
  cookie: ipv4('Magic cookie'),
  vendor_specific_options: bytes('Bootp vendor specific options'),
  'option.type': uint('Option', 8),
  'option.length': uint('Length', 8),
  'option.value': bytes('Value'),
  'option.padding': bytes('Padding'),
  'option.end': uint('Option End', 8),
  'option.dhcp': uint('DHCP', 8, { strings: MESSAGE_TYPES }),
  'option.request_list_item': uint('Parameter Request List Item', 8),
  'option.subnet_mask': ipv4('Subnet Mask'),
  'option.time_offset': { name: 'Time Offset', type: FieldType.Int, base: 'dec', bits: 32 },
  'option.router': ipv4('Router'),
  'option.time_server': ipv4('Time Server'),
  'option.name_server': ipv4('Name Server'),
  'option.domain_name_server': ipv4('Domain Name Server'),
  'option.log_server': ipv4('Log Server'),
  'option.quotes_server': ipv4('Quotes Server'),
  'option.lpr_server': ipv4('LPR Server'),
  'option.impress_server': ipv4('Impress Server'),
  'option.resource_location_server': ipv4('Resource Location Server'),
  'option.hostname': str('Host Name'),
  'option.boot_file_size': uint('Boot File Size', 16),
  'option.merit_dump_file': str('Merit Dump File'),
  'option.domain_name': str('Domain Name'),
  'option.swap_server': ipv4('Swap Server'),
  'option.root_path': str('Root Path'),
  'option.extension_path': str('Extensions Path'),
  'option.ip_forwarding': bool('IP Forwarding', 0, 0, TF_ENABLED),
  'option.non_local_source_routing': bool('Non-Local Source Routing', 0, 0, TF_ENABLED),
  'option.max_datagram_reassembly_size': uint('Maximum Datagram Reassembly Size', 16),
  'option.default_ip_ttl': uint('Default IP Time-to-Live', 8),
  'option.path_mtu_aging_timeout': uint('Path MTU Aging Timeout', 32),
  'option.path_mtu_plateau_table_item': uint('Path MTU Plateau Table Item', 16),
  'option.interface_mtu': uint('Interface MTU', 16),
  'option.all_subnets_are_local': bool('All Subnets are Local', 0, 0, { tf: ['Yes', 'No'] }),
  'option.broadcast_address': ipv4('Broadcast Address'),
  'option.perform_mask_discovery': bool('Perform Mask Discovery', 0, 0, TF_ENABLED),
  'option.mask_supplier': bool('Mask Supplier', 0, 0, { tf: ['Yes', 'No'] }),
  'option.perform_router_discover': bool('Perform Router Discover', 0, 0, TF_ENABLED),
  'option.router_solicitation_address': ipv4('Router Solicitation Address'),
  'option.trailer_encapsulation': bool('Trailer Encapsulation', 0, 0, TF_ENABLED),
  'option.arp_cache_timeout': uint('ARP Cache Timeout', 32),
  'option.ethernet_encapsulation': bool('Ethernet Encapsulation', 0, 0, TF_ENABLED),
  'option.tcp_default_ttl': uint('TCP Default TTL', 8),
  'option.tcp_keepalive_interval': uint('TCP Keepalive Interval', 32),
  'option.tcp_keepalive_garbage': bool('TCP Keepalive Garbage', 0, 0, TF_ENABLED),
  'option.nis_domain': str('Network Information Service Domain'),
  'option.nis_server': ipv4('Network Information Service Server'),
  'option.ntp_server': ipv4('Network Time Protocol Server'),
  'option.netbios_over_tcpip_name_server': ipv4('NetBIOS over TCP/IP Name Server'),
  'option.netbios_over_tcpip_dd_name_server': ipv4('NetBIOS over TCP/IP Datagram Distribution Name Server'),
  'option.netbios_over_tcpip_node_type': uint('NetBIOS over TCP/IP Node Type', 8, { strings: NODE_TYPES }),
  'option.netbios_over_tcpip_scope': str('NetBIOS over TCP/IP Scope'),
  'option.xwindows_system_font_server': ipv4('X Window System Font Server'),
  'option.xwindows_system_display_manager': ipv4('X Window System Display Manager'),
  'option.requested_ip_address': ipv4('Requested IP Address'),
  'option.ip_address_lease_time': uint('IP Address Lease Time', 32),
  'option.option_overload': uint('Option Overload', 8, { strings: OVERLOAD }),
  'option.dhcp_server_id': ipv4('DHCP Server Identifier'),
  'option.message': str('Message'),
  'option.dhcp_max_message_size': uint('Maximum DHCP Message Size', 16),
  'option.renewal_time_value': uint('Renewal Time Value', 32),
  'option.rebinding_time_value': uint('Rebinding Time Value', 32),
  'option.vendor_class_id': str('Vendor class identifier'),
  'option.nis_plus_domain': str('Network Information Service+ Domain'),
  'option.nis_plus_server': ipv4('Network Information Service+ Server'),
  'option.tftp_server_name': str('TFTP Server Name'),
  'option.bootfile_name': str('Bootfile name'),
  'option.mobile_ip_home_agent': ipv4('Mobile IP Home Agent'),
  'option.smtp_server': ipv4('SMTP Server'),
  'option.pop3_server': ipv4('POP3 Server'),
  'option.nntp_server': ipv4('NNTP Server'),
  'option.default_www_server': ipv4('Default WWW Server'),
  'option.default_finger_server': ipv4('Default Finger Server'),
  'option.default_irc_server': ipv4('Default IRC Server'),
  'option.streettalk_server': ipv4('StreetTalk Server'),
  'option.streettalk_da_server': ipv4('StreetTalk Directory Assistance Server'),
  'option.client_last_transaction_time': uint('Client last transaction time', 32),
  'option.associated_ip_option': ipv4('Associated IP option'),
  'option.tftp_server_address': ipv4('TFTP Server Address'),
});

type Kind = 'ip' | 'ips' | 'str' | 'u8' | 'u16' | 'u16s' | 'u32' | 'secs' | 'ssecs' | 'bool';

/** Options with a typed value: their kind and field (others show only their raw value). */
const OPTIONS = new Map<number, [Kind, FieldDef]>([
  [1, ['ip', F['option.subnet_mask']]],
  [2, ['ssecs', F['option.time_offset']]],
  [3, ['ips', F['option.router']]],
  [4, ['ips', F['option.time_server']]],
  [5, ['ips', F['option.name_server']]],
  [6, ['ips', F['option.domain_name_server']]],
  [7, ['ips', F['option.log_server']]],
  [8, ['ips', F['option.quotes_server']]],
  [9, ['ips', F['option.lpr_server']]],
  [10, ['ips', F['option.impress_server']]],
  [11, ['ips', F['option.resource_location_server']]],
  [12, ['str', F['option.hostname']]],
  [13, ['u16', F['option.boot_file_size']]],
  [14, ['str', F['option.merit_dump_file']]],
  [15, ['str', F['option.domain_name']]],
  [16, ['ip', F['option.swap_server']]],
  [17, ['str', F['option.root_path']]],
  [18, ['str', F['option.extension_path']]],
  [19, ['bool', F['option.ip_forwarding']]],
  [20, ['bool', F['option.non_local_source_routing']]],
  [22, ['u16', F['option.max_datagram_reassembly_size']]],
  [23, ['u8', F['option.default_ip_ttl']]],
  [24, ['secs', F['option.path_mtu_aging_timeout']]],
  [25, ['u16s', F['option.path_mtu_plateau_table_item']]],
  [26, ['u16', F['option.interface_mtu']]],
  [27, ['bool', F['option.all_subnets_are_local']]],
  [28, ['ip', F['option.broadcast_address']]],
  [29, ['bool', F['option.perform_mask_discovery']]],
  [30, ['bool', F['option.mask_supplier']]],
  [31, ['bool', F['option.perform_router_discover']]],
  [32, ['ip', F['option.router_solicitation_address']]],
  [34, ['bool', F['option.trailer_encapsulation']]],
  [35, ['secs', F['option.arp_cache_timeout']]],
  [36, ['bool', F['option.ethernet_encapsulation']]],
  [37, ['u8', F['option.tcp_default_ttl']]],
  [38, ['secs', F['option.tcp_keepalive_interval']]],
  [39, ['bool', F['option.tcp_keepalive_garbage']]],
  [40, ['str', F['option.nis_domain']]],
  [41, ['ips', F['option.nis_server']]],
  [42, ['ips', F['option.ntp_server']]],
  [44, ['ips', F['option.netbios_over_tcpip_name_server']]],
  [45, ['ips', F['option.netbios_over_tcpip_dd_name_server']]],
  [46, ['u8', F['option.netbios_over_tcpip_node_type']]],
  [47, ['str', F['option.netbios_over_tcpip_scope']]],
  [48, ['ips', F['option.xwindows_system_font_server']]],
  [49, ['ips', F['option.xwindows_system_display_manager']]],
  [50, ['ip', F['option.requested_ip_address']]],
  [51, ['secs', F['option.ip_address_lease_time']]],
  [54, ['ip', F['option.dhcp_server_id']]],
  [56, ['str', F['option.message']]],
  [57, ['u16', F['option.dhcp_max_message_size']]],
  [58, ['secs', F['option.renewal_time_value']]],
  [59, ['secs', F['option.rebinding_time_value']]],
  [60, ['str', F['option.vendor_class_id']]],
  [64, ['str', F['option.nis_plus_domain']]],
  [65, ['ips', F['option.nis_plus_server']]],
  [66, ['str', F['option.tftp_server_name']]],
  [67, ['str', F['option.bootfile_name']]],
  [68, ['ips', F['option.mobile_ip_home_agent']]],
  [69, ['ips', F['option.smtp_server']]],
  [70, ['ips', F['option.pop3_server']]],
  [71, ['ips', F['option.nntp_server']]],
  [72, ['ips', F['option.default_www_server']]],
  [73, ['ips', F['option.default_finger_server']]],
  [74, ['ips', F['option.default_irc_server']]],
  [75, ['ips', F['option.streettalk_server']]],
  [76, ['ips', F['option.streettalk_da_server']]],
  [91, ['secs', F['option.client_last_transaction_time']]],
  [92, ['ips', F['option.associated_ip_option']]],
  [150, ['ips', F['option.tftp_server_address']]],
]);

const EXPECTED: Partial<Record<Kind, number>> = { ip: 4, u8: 1, u16: 2, u32: 4, secs: 4, ssecs: 4, bool: 1 };

const COOKIE = 0x63825363;

const DECODERS = optionDecoders(F['option.option_overload'], { type: F['hw.type'], mac: F['hw.mac_addr'] });

export function dissectDHCP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('dhcp');
  pinfo.setProto('BOOTP');
  pinfo.currentProto = 'DHCP/BOOTP';
  const op = tvb.u8(o);
  const wantInfo = pinfo.wantInfo;
  if (wantInfo)
    pinfo.setInfo(op === 1 ? 'Boot Request' : op === 2 ? 'Boot Reply' : `Unknown BOOTP message type (${op})`);
  const htype = tvb.u8(o + 1);
  const hlen = tvb.u8(o + 2);
  const xid = tvb.u32(o + 4);
  if (wantInfo && op === 1) {
    // Later replaced by the DHCP text when a message type option exists.
    const mac =
      hlen === 6 && (htype === 1 || htype === 6) && tvb.has(o + 28, 6) ? formatMac(tvb.bytes, o + 28) : null;
    if (mac) pinfo.setInfo(`Boot Request from ${mac} (${macName(tvb.bytes, o + 28) ?? mac})`);
    else if (tvb.has(o + 28, hlen) && hlen > 0)
      pinfo.setInfo(`Boot Request from ${formatHex(tvb.bytes, o + 28, hlen)}`);
  }
  // The options are parsed whenever Info is built too: a fault there shows in the column.
  const detail = tree !== NULL_TREE || wantInfo;
  tree.push(F[''], tvb, o, tvb.remaining(o));
  // Wireshark finds the message type before it builds the tree, so a capture cut short inside
  // the options shows no header at all.
  const hasCookie = tvb.has(o + 236, 4) && tvb.u32(o + 236) === COOKIE;
  const voff = o + 236 + (hasCookie ? 4 : 64);
  const { type: msgType, state } = firstPass(tvb, voff);
  const name = msgType >= 0 ? messageTypeName(msgType) : '';
  if (msgType >= 0) state.msgType = name;
  if (msgType >= 0) {
    pinfo.setProto('DHCP');
    if (wantInfo) pinfo.setInfo(`DHCP ${name.padEnd(8, ' ')} - Transaction ID 0x${xid.toString(16)}`);
  }
  if (tree.full && msgType >= 0) tree.label(`Dynamic Host Configuration Protocol (${name})`);
  try {
    if (!detail) return tvb.remaining(o);
    if (msgType < 0) tree.add(F.bootp, tvb, o, 0, true);
    header(tvb, pinfo, tree, o, htype, hlen, xid, state.overload);
    if (hasCookie) {
      tree.add(F.cookie, tvb, o + 236, 4, COOKIE);
      if (tree.full) tree.labelLast('Magic cookie: DHCP');
    } else {
      tvb.need(o + 236, 64);
      tree.add(F.vendor_specific_options, tvb, o + 236, 64);
    }
    state.walk = (t, from, to) => options(tvb, pinfo, t, from, to, state);
    options(tvb, pinfo, tree, voff, tvb.reportedEnd, state);
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

/** Wireshark's first pass over the options: what later options' decoding depends on. */
function firstPass(tvb: Tvb, start: number): { type: number; state: OptionState } {
  const end = tvb.reportedEnd;
  let type = -1;
  const state: OptionState = {
    msgType: null,
    vendorClass: null,
    overload: 0,
    blocks: new Map(),
    walk: () => false,
  };
  for (let p = start; p < end;) {
    const code = tvb.u8(p);
    if (code === 0) {
      p++;
      continue;
    }
    if (code === 255 || !tvb.has(p + 1, 1)) break;
    const len = tvb.u8(p + 1);
    if (tvb.has(p + 2, len)) firstPassOption(tvb, p + 2, code, len, state, (t) => (type = t));
    p += 2 + len;
  }
  return { type, state };
}

function firstPassOption(
  tvb: Tvb,
  v: number,
  code: number,
  len: number,
  state: OptionState,
  setType: (type: number) => void,
): void {
  if (code === 53 && len >= 1) setType(tvb.u8(v));
  else if (code === 52 && len >= 1) state.overload = tvb.u8(v);
  else if (code === 60) state.vendorClass = tvb.ascii(v, len);
  else if (code === 119 || code === 120) {
    const block = state.blocks.get(code);
    if (block) block.total++;
    else state.blocks.set(code, { total: 1, seen: 0, data: [] });
  }
}

/** A message type's name as tshark shows it. */
function messageTypeName(type: number): string {
  return MESSAGE_TYPES.get(type) ?? `Unknown Message Type (0x${type.toString(16).padStart(2, '0')})`;
}

function header(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  htype: number,
  hlen: number,
  xid: number,
  overload: number,
): void {
  tree.add(F.type, tvb, o, 1, tvb.u8(o));
  tree.add(F['hw.type'], tvb, o + 1, 1, htype);
  tree.add(F['hw.len'], tvb, o + 2, 1, hlen);
  tree.add(F.hops, tvb, o + 3, 1, tvb.u8(o + 3));
  tree.add(F.id, tvb, o + 4, 4, xid);
  const secs = tvb.u16(o + 8);
  if (secs > 0xff && (secs & 0xff) === 0) {
    // A client that wrote the field in host order (Wireshark's heuristic).
    tree.push(F.secs, tvb, o + 8, 2, secs >> 8);
    expert(
      pinfo,
      tree,
      tvb,
      o + 8,
      2,
      'Note',
      'Protocol',
      'Seconds elapsed appears to be encoded as little-endian',
    );
    tree.pop();
  } else tree.add(F.secs, tvb, o + 8, 2, secs);
  const flags = tvb.u16(o + 10);
  const bc = (flags & 0x8000) !== 0;
  tree.push(F.flags, tvb, o + 10, 2, flags);
  if (tree.full) {
    const h = flags.toString(16).padStart(4, '0');
    tree.label(bc ? `Bootp flags: 0x${h}, Broadcast flag (Broadcast)` : `Bootp flags: 0x${h} (Unicast)`);
  }
  tree.add(F['flags.bc'], tvb, o + 10, 2, bc);
  tree.add(F['flags.reserved'], tvb, o + 10, 2, flags & 0x7fff);
  tree.pop();
  tree.add(F['ip.client'], tvb, o + 12, 4, tvb.u32(o + 12));
  tree.add(F['ip.your'], tvb, o + 16, 4, tvb.u32(o + 16));
  tree.add(F['ip.server'], tvb, o + 20, 4, tvb.u32(o + 20));
  tree.add(F['ip.relay'], tvb, o + 24, 4, tvb.u32(o + 24));
  const ch = o + 28;
  if (hlen > 0 && hlen <= 16) {
    tvb.need(ch, 16);
    if ((htype === 1 || htype === 6) && hlen === 6) tree.add(F['hw.mac_addr'], tvb, ch, 6);
    else tree.add(F['hw.addr'], tvb, ch, hlen);
    if (hlen < 16) tree.add(F['hw.addr_padding'], tvb, ch + hlen, 16 - hlen);
  } else {
    tree.add(F['hw.addr'], tvb, ch, 16);
  }
  namesOrOverload(tvb, pinfo, tree, o, overload >= 1 && overload <= 3 ? overload : 0);
}

/** The server host and boot file names, or where option 52 says they hold options. */
function namesOrOverload(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, overload: number): void {
  tvb.need(o + 44, 192);
  if (overload & 2) {
    expertItem(pinfo, tree, tvb, o + 44, 64, 'Note', 'Protocol', 'Server name option overloaded by DHCP');
  } else stringOrNotGiven(tvb, tree, o + 44, 64, F.server, 'Server host name not given');
  if (overload & 1) {
    expertItem(
      pinfo,
      tree,
      tvb,
      o + 108,
      128,
      'Note',
      'Protocol',
      'Boot file name option overloaded by DHCP',
    );
  } else stringOrNotGiven(tvb, tree, o + 108, 128, F.file, 'Boot file name not given');
}

function stringOrNotGiven(tvb: Tvb, tree: Tree, at: number, len: number, def: FieldDef, none: string): void {
  tvb.need(at, len);
  if (tvb.bytes[at] === 0) {
    if (tree.full) tree.note(none, tvb, at, len, 0);
    return;
  }
  tree.add(def, tvb, at, len, stringz(tvb, at, len));
}

/** The options, each as a subtree (Wireshark's second pass); true if an End option ends them. */
function options(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  start: number,
  end: number,
  state: OptionState,
): boolean {
  const top = end === tvb.reportedEnd;
  let p = start;
  while (p < end) {
    const code = tvb.u8(p);
    if (code === 0) {
      let q = p;
      while (q < end && tvb.u8(q) === 0) q++;
      tree.push(F['option.type'], tvb, p, 1, 0);
      if (tree.full) tree.label('Option: (0) Padding');
      tree.add(F['option.padding'], tvb, p, q - p);
      tree.pop(q - p);
      p = q;
      continue;
    }
    if (code === 255) {
      // tshark 4.0 gives End's Option field the value 0.
      tree.push(F['option.type'], tvb, p, 1, 0);
      if (tree.full) tree.label('Option: (255) End');
      tree.add(F['option.end'], tvb, p, 1, 255);
      tree.pop();
      p++;
      if (top && p < end) tree.add(F['option.padding'], tvb, p, Math.min(end - p, tvb.remaining(p)));
      return true;
    }
    const len = tvb.u8(p + 1);
    option(tvb, pinfo, tree, p, code, len, state);
    p += 2 + len;
  }
  return false;
}

function option(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  p: number,
  code: number,
  len: number,
  state: OptionState,
): void {
  const v = p + 2;
  const name = OPTION_NAMES.get(code) ?? 'Unknown';
  const known = OPTIONS.get(code);
  tree.push(F['option.type'], tvb, p, 2 + len, code);
  let label = `Option: (${code}) ${name}`;
  if (code === 53 && len >= 1 && tvb.has(v, 1)) label += ` (${messageTypeName(tvb.u8(v))})`;
  else if (known?.[0] === 'ip' && len === 4 && tvb.has(v, 4)) label += ` (${formatIPv4(tvb.u32(v))})`;
  if (tree.full) tree.label(label);
  tree.add(F['option.length'], tvb, p + 1, 1, len);
  tvb.need(v, len);
  const decoder = DECODERS.get(code);
  if (len > 0) tree.add(F['option.value'], tvb, v, len, undefined, NodeFlag.Hidden);
  else tree.add(F['option.value'], tvb, v, 0, '<MISSING>', NodeFlag.Hidden);
  const value = tree.current()?.children?.at(-1);
  let decoded = code === 53 || code === 55;
  if (code === 53) {
    if (len >= 1) tree.add(F['option.dhcp'], tvb, v, 1, tvb.u8(v));
  } else if (code === 55) {
    for (let i = 0; i < len; i++) {
      const item = tvb.u8(v + i);
      tree.add(F['option.request_list_item'], tvb, v + i, 1, item);
      if (tree.full)
        tree.labelLast(`Parameter Request List Item: (${item}) ${OPTION_NAMES.get(item) ?? 'Unknown'}`);
    }
  } else if (decoder) {
    decoded = decodeOption(decoder, tvb, pinfo, tree, v, len, state);
  } else if (known) {
    decoded = typedValue(tvb, pinfo, tree, v, len, known[0], known[1]);
  }
  // Wireshark shows the raw value when no decoder took any of it.
  if (!decoded && value) value.flags &= ~NodeFlag.Hidden;
  tree.pop();
}

function typedValue(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  v: number,
  len: number,
  kind: Kind,
  def: FieldDef,
): boolean {
  const want = EXPECTED[kind];
  if (want !== undefined && len !== want) {
    expert(pinfo, tree, tvb, v, len, 'Error', 'Protocol', `length isn't ${want}`);
    return false;
  }
  addTyped(tvb, pinfo, tree, v, len, kind, def);
  return kind === 'ips' ? len >= 4 : kind === 'u16s' ? len >= 2 : len > 0;
}

function addTyped(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  v: number,
  len: number,
  kind: Kind,
  def: FieldDef,
): void {
  switch (kind) {
    case 'ip':
      tree.add(def, tvb, v, 4, tvb.u32(v));
      return;
    case 'ips':
      return repeated(tvb, pinfo, tree, v, len, 4, (at) => tree.add(def, tvb, at, 4, tvb.u32(at)));
    case 'str':
      tree.add(def, tvb, v, len, stringz(tvb, v, len));
      return;
    case 'u8':
      tree.add(def, tvb, v, 1, tvb.u8(v));
      return;
    case 'u16':
      tree.add(def, tvb, v, 2, tvb.u16(v));
      return;
    case 'u16s':
      return repeated(tvb, pinfo, tree, v, len, 2, (at) => tree.add(def, tvb, at, 2, tvb.u16(at)));
    case 'u32':
      tree.add(def, tvb, v, 4, tvb.u32(v));
      return;
    case 'secs': {
      const s = tvb.u32(v);
      tree.add(def, tvb, v, 4, s);
      if (tree.full) tree.labelLast(`${def.name}: (${s}s) ${s === 0xffffffff ? 'infinity' : secondsText(s)}`);
      return;
    }
    case 'ssecs': {
      const s = tvb.u32(v) | 0;
      tree.add(def, tvb, v, 4, s);
      if (tree.full) tree.labelLast(`${def.name}: (${s}s) ${signedSecondsText(s)}`);
      return;
    }
    case 'bool':
      tree.add(def, tvb, v, 1, tvb.u8(v) !== 0);
      return;
  }
}

/** Items `size` bytes apart, with tshark's note when the length is not a multiple of `size`. */
function repeated(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  v: number,
  len: number,
  size: number,
  add: (at: number) => void,
): void {
  let i = 0;
  for (; len - i >= size; i += size) add(v + i);
  if (i < len)
    expert(pinfo, tree, tvb, v, len, 'Error', 'Protocol', `Option length isn't a multiple of ${size}`);
}

/** Wireshark's signed_time_secs_to_str: a negative time has its sign on each part. */
function signedSecondsText(s: number): string {
  if (s >= 0) return secondsText(s);
  return secondsText(-s)
    .split(', ')
    .map((part) => `-${part}`)
    .join(', ');
}

export const dhcpModule = {
  fields: { ...F, ...OF },
  handoff(reg: Registry): void {
    reg.register('udpPort', 67, dissectDHCP);
    reg.register('udpPort', 68, dissectDHCP);
  },
};
