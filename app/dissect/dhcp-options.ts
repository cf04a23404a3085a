// DHCP option values (RFC 2132 and the options registered since) as tshark 4.0 decodes them:
// each decoder reads one option's value in its own bounded view, so a read past the option's
// length is malformed as in Wireshark's option tvb. Options no decoder knows show their raw value.
import { ARP_HRD_NAMES } from './arp.ts';
import { readName } from './dns.ts';
import { ENTERPRISES } from './enterprises.ts';
import {
  absTime,
  bool,
  bytes,
  fields,
  hex,
  ipv4,
  ipv6,
  names,
  str,
  uint,
  FieldType,
  type FieldDef,
} from './field.ts';
import { secondsText } from './icmp.ts';
import { expert } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import { asciiField, formatText } from './text-format.ts';
import { NodeFlag, type Tree } from './tree.ts';
import { addAsciiString, strayNote } from './tvb-items.ts';
import { MalformedError, Tvb } from './tvb.ts';
import { formatHexColon, formatIPv4 } from '../format/address.ts';
import { formatAbsoluteUtc } from '../format/time.ts';

const ARCHITECTURES = names({
  0: 'IA x86 PC', 1: 'NEC/PC98', 2: 'IA64 PC', 3: 'DEC Alpha', 4: 'ArcX86', 5: 'Intel Lean Client',
  6: 'EFI IA32', 7: 'EFI x64', 8: 'EFI Xscale', 9: 'EFI BC', 10: 'ARM 32-bit UEFI', 11: 'ARM 64-bit UEFI',
  12: 'PowerPC Open Firmware', 13: 'PowerPC ePAPR', 14: 'POWER OPAL v3', 15: 'x86 UEFI HTTP',
  16: 'x64 UEFI HTTP', 17: 'EBC UEFI HTTP', 18: 'ARM 32-bit UEFI HTTP', 19: 'ARM 64-bit UEFI HTTP',
  20: 'PC/AT HTTP', 21: 'ARM 32-bit uboot', 22: 'ARM 64-bit uboot', 23: 'ARM 32-bit uboot HTTP',
  24: 'ARM 64-bit uboot HTTP', 25: 'RISC-V 32-bit UEFI', 26: 'RISC-V 32-bit UEFI HTTP',
  27: 'RISC-V 64-bit UEFI', 28: 'RISC-V 64-bit UEFI HTTP', 29: 'RISC-V 128-bit UEFI',
  30: 'RISC-V 128-bit UEFI HTTP', 31: 's390 Basic', 32: 's390 Extended',
}); // prettier-ignore
const CA_TYPES = names({
  0: 'Language', 1: 'A1', 2: 'A2', 3: 'A3', 4: 'A4', 5: 'A5', 6: 'A6', 16: 'PRD (Leading street direction)',
  17: 'POD (Trailing street suffix)', 18: 'STS (Street suffix)', 19: 'HNO (House number)',
  20: 'HNS (House number suffix)', 21: 'LMK (Landmark or vanity address)',
  22: 'LOC (Additional location information)', 23: 'NAM', 24: 'PC (Postal/ZIP code)', 25: 'BLD (Building)',
  26: 'UNIT', 27: 'FLR (Floor)', 28: 'ROOM', 29: 'PLC (Place-type)', 30: 'PCN (Postal community name)',
  31: 'POBOX', 32: 'ADDCODE (Additional Code)', 33: 'SEAT', 34: 'RD (Primary road or street)',
  35: 'RDSEC (Road section)', 36: 'RDBR (Road branch)', 37: 'RDSUBBR (Road sub-branch)',
  38: 'PRM (Road pre-modifier)', 39: 'POM (Road post-modifier', 128: 'Script',
}); // prettier-ignore
const CIVIC_WHAT = names({
  0: 'Location of the DHCP server',
  1: 'Location of the network element believed to be closest to the client',
  2: 'Location of the client',
});
const NAME_SERVICES = names({
  0: 'Local naming information (e.g., an /etc/hosts file on a UNIX machine)',
  6: 'Domain Name Server Option',
  41: 'Network Information Servers Option',
  44: 'NetBIOS over TCP/IP Name Server Option',
  65: 'Network Information Service+ Servers Option',
});
const O82_NAMES = names({
  0: 'Padding', 1: 'Agent Circuit ID', 2: 'Agent Remote ID', 3: 'Reserved', 4: 'DOCSIS Device Class',
  5: 'Link selection', 6: 'Subscriber ID', 7: 'RADIUS Attributes', 8: 'Authentication',
  9: 'Vendor-Specific Information', 10: 'Flags', 11: 'Server ID Override', 12: 'Relay Agent Identifier',
  13: 'Access Technology Type', 14: 'Access Network Name', 15: 'Access Point Name', 16: 'Access Point BSSID',
  17: 'Access Network Operator ID', 18: 'Access Network Operator Realm', 19: 'Source Port',
  150: 'Link selection (Cisco proprietary)', 151: 'VRF name/VPN ID', 152: 'Server ID Override (Cisco proprietary)',
}); // prettier-ignore
const PXE_NAMES = names({
  0: 'Padding', 1: 'PXE mtftp IP', 2: 'PXE mtftp client port', 3: 'PXE mtftp server port',
  4: 'PXE mtftp timeout', 5: 'PXE mtftp delay', 6: 'PXE discovery control', 7: 'PXE multicast address',
  8: 'PXE boot servers', 9: 'PXE boot menu', 10: 'PXE menu prompt', 11: 'PXE multicast address alloc',
  12: 'PXE credential types', 71: 'PXE boot item', 179: 'PXE LCM Server', 180: 'PXE LCM Domain',
  181: 'PXE LCM NIC option 0', 190: 'PXE LCM Workgroup', 191: 'PXE Discovery', 192: 'PXE Configured',
  193: 'PXE LCM version', 194: 'PXE LCM Serial Number', 255: 'PXE End',
}); // prettier-ignore
const TR111_NAMES = names({
  1: 'DeviceManufacturerOUI',
  2: 'DeviceSerialNumber',
  3: 'DeviceProductClass',
  4: 'GatewayManufacturerOUI',
  5: 'GatewaySerialNumber',
  6: 'GatewayProductClass',
});
const YES_NO = { tf: ['Yes', 'No'] as const };
const SET = { tf: ['Set', 'Not set'] as const };

export const OF = fields('dhcp', {
  'option.suboption_length': uint('Length', 8),
  'option.user_class': uint('Instance of User Class', 8),
  'option.user_class.length': uint('User Class Length', 8),
  'option.user_class.data': bytes('User Class Data'),
  'client_id.type': uint('Type', 8),
  'client_id.undef': str('Client Identifier'),
  client_id: bytes('Identifier'),
  'fqdn.flags': hex('Flags', 8),
  'fqdn.mbz': hex('Reserved flags', 8, { mask: 0xf0 }),
  'fqdn.n': bool('Server DDNS', 8, 0x8, { tf: ['No server updates', 'Some server updates'] }),
  'fqdn.e': bool('Encoding', 8, 0x4, { tf: ['Binary encoding', 'ASCII encoding'] }),
  'fqdn.o': bool('Server overrides', 8, 0x2, { tf: ['Override', 'No override'] }),
  'fqdn.s': bool('Server', 8, 0x1, { tf: ['Server', 'Client'] }),
  'fqdn.rcode1': uint('A-RR result', 8),
  'fqdn.rcode2': uint('PTR-RR result', 8),
  'fqdn.name': str('Client name'),
  'client_id.uuid': str('Client Identifier (UUID)'),
  client_hardware_address: str('Client hardware address'),
  'client_id.iaid': str('IAID'),
  'client_id.duid_type': uint('DUID Type', 16, {
    strings: names({
      1: 'link-layer address plus time',
      2: 'assigned by vendor based on Enterprise number',
      3: 'link-layer address',
    }),
  }),
  'client_id.duid_llt_hw_type': uint('Hardware type', 16, { strings: ARP_HRD_NAMES }),
  'client_id.duid_ll_hw_type': uint('Hardware type', 16, { strings: ARP_HRD_NAMES }),
  'client_id.time': uint('Time', 32),
  'client_id.link_layer_address': str('Link layer address'),
  'client_id.enterprise_num': uint('Enterprise-number', 32),
  'option.policy_filter.ip': ipv4('IP Address'),
  'option.policy_filter.subnet_mask': ipv4('Subnet Mask'),
  'option.static_route.ip': ipv4('Destination IP Address'),
  'option.static_route.router': ipv4('Destination Router'),
  'option.vendor.value': bytes('Value'),
  'option.vendor.value.address': ipv4('Value'),
  'option.vendor.value.uint': uint('Value', 8),
  'option.vendor.pxeclient.suboption': uint('Option 43 Suboption', 8),
  'option.vendor.pxeclient.padding': uint('Padding', 8),
  'option.vendor.pxeclient.mtftp_ip': ipv4('mtftp IP'),
  'option.vendor.pxeclient.mtftp_client_port': uint('mtftp client port', 16),
  'option.vendor.pxeclient.mtftp_server_port': uint('mtftp server port', 16),
  'option.vendor.pxeclient.mtftp_timeout': uint('mtftp timeout', 8),
  'option.vendor.pxeclient.mtftp_delay': uint('mtftp delay', 8),
  'option.vendor.pxeclient.discovery_control': hex('discovery control', 8),
  'option.vendor.pxeclient.discovery_control.broadcast': bool('Disable Broadcast', 8, 0x1, SET),
  'option.vendor.pxeclient.discovery_control.multicast': bool('Disable Multicast', 8, 0x2, SET),
  'option.vendor.pxeclient.discovery_control.serverlist': bool('Serverlist only', 8, 0x4, SET),
  'option.vendor.pxeclient.discovery_control.bstrap': bool('Bootstrap override', 8, 0x8, SET),
  'option.vendor.pxeclient.multicast_address': ipv4('multicast address'),
  'option.vendor.pxeclient.boot_servers': bytes('boot servers'),
  'option.vendor.pxeclient.boot_servers.type': uint('Type', 16, { strings: names({}) }),
  'option.vendor.pxeclient.boot_servers.count': uint('IP count', 8),
  'option.vendor.pxeclient.boot_servers.ip': ipv4('IP'),
  'option.vendor.pxeclient.boot_menu': bytes('boot menu'),
  'option.vendor.pxeclient.boot_menu.type': uint('Type', 16, { strings: names({}) }),
  'option.vendor.pxeclient.boot_menu.length': uint('Length', 8),
  'option.vendor.pxeclient.boot_menu.desc': str('Description'),
  'option.vendor.pxeclient.menu_prompt': bytes('menu prompt'),
  'option.vendor.pxeclient.menu_prompt.timeout': uint('Timeout', 8),
  'option.vendor.pxeclient.menu_prompt.prompt': str('Prompt'),
  'option.vendor.pxeclient.multicast_address_alloc': bytes('multicast address alloc'),
  'option.vendor.pxeclient.credential_types': bytes('credential types'),
  'option.vendor.pxeclient.boot_item': bytes('boot item'),
  'option.vendor.pxeclient.boot_item.type': uint('Type', 16, { strings: names({}) }),
  'option.vendor.pxeclient.boot_item.layer': bytes('Layer'),
  'option.vendor.pxeclient.lcm_server': str('LCM Server Name'),
  'option.vendor.pxeclient.lcm_domain': str('LCM Domain'),
  'option.vendor.pxeclient.lcm_nic_option': bytes('LCM NIC option'),
  'option.vendor.pxeclient.lcm_workgroup': str('LCM Workgroup'),
  'option.vendor.pxeclient.discovery': bool('Discovery', 0, 0, YES_NO),
  'option.vendor.pxeclient.configured': bool('Configured', 0, 0, YES_NO),
  'option.vendor.pxeclient.lcm_version': uint('LCM Version', 32),
  'option.vendor.pxeclient.lcm_serial': str('LCM Serial Number'),
  'option.vendor.pxeclient.end': uint('PXE Client End', 8),
  'option.user_class.text': str('User Class Data (Text)'),
  'option.slp_directory_agent.value': uint('Value', 8, {
    strings: names({ 0: 'Dynamic Discovery', 1: 'Static Discovery', 128: 'Backwards compatibility' }),
  }),
  'option.slp_directory_agent.slpda_address': ipv4('IP Address'),
  'option.slp_service_scope.value': uint('Value', 8, {
    strings: names({ 0: 'Preferred Scope', 1: 'Mandatory Scope' }),
  }),
  'option.slp_service_scope.string': str('SLP Service Scope'),
  'option.agent_information_option.suboption': uint('Option 82 Suboption', 8),
  'option.agent_information_option.value': bytes('Value'),
  'option.agent_information_option.value.address': ipv4('Value'),
  'option.agent_information_option.agent_circuit_id': bytes('Agent Circuit ID'),
  'option.agent_information_option.agent_remote_id': bytes('Agent Remote ID'),
  'option.agent_information_option.reserved': bytes('Reserved'),
  'option.agent_information_option.docsis_device_class': hex('DOCSIS Device Class', 32),
  'option.agent_information_option.link_selection': ipv4('Link selection'),
  'option.agent_information_option.subscriber_id': str('Subscriber ID'),
  'option.agent_information_option.radius_attributes': bytes('RADIUS Attributes'),
  'option.agent_information_option.authentication': bytes('Authentication'),
  'option.agent_information_option.vi.enterprise': uint('Enterprise', 32, { strings: ENTERPRISES }),
  'option.agent_information_option.vi.data_length': uint('Data Length', 8),
  'option.agent_information_option.flags': hex('Flags', 8),
  'option.agent_information_option.server_id_override': ipv4('Server ID Override'),
  'option.agent_information_option.relay_agent_id': bytes('Relay Agent Identifier'),
  'option.agent_information_option.link_selection_cisco': ipv4('Link selection (Cisco proprietary)'),
  'option.agent_information_option.vrf_name.global': uint('Global, default VPN', 8),
  'option.agent_information_option.vrf_name': str('VRF name'),
  'option.agent_information_option.vrf_name.vpn_id.oui': hex('VRF name/VPN ID OUI', 24),
  'option.agent_information_option.vrf_name.vpn_id.index': hex('VRF name/VPN ID Index', 32),
  'option.agent_information_option.server_id_override_cisco': ipv4('Server ID Override (Cisco proprietary)'),
  'option.novell_dss.ip': ipv4('IP Address'),
  'option.novell_ds_tree_name': str('Novell Directory Services Tree Name'),
  'option.novell_ds_context': str('Novell Directory Services Context'),
  'option.dhcp_authentication.protocol': uint('Protocol', 8, {
    strings: names({ 0: 'configuration token', 1: 'delayed authentication' }),
  }),
  'option.dhcp_authentication.alg_delay': uint('Delay Algorithm', 8, { strings: names({ 1: 'HMAC_MD5' }) }),
  'option.dhcp_authentication.algorithm': uint('Algorithm', 8),
  'option.dhcp_authentication.rdm': uint('Replay Detection Method', 8, {
    strings: names({ 0: 'Monotonically-increasing counter' }),
  }),
  'option.dhcp_authentication.rdm_replay_detection': hex('RDM Replay Detection Value', 64),
  'option.dhcp_authentication.rdm_rdv': str('Replay Detection Value'),
  'option.dhcp_authentication.secret_id': hex('Secret ID', 32),
  'option.dhcp_authentication.hmac_md5_hash': bytes('HMAC MD5 Hash'),
  'option.dhcp_authentication.information': str('Authentication Information'),
  'option.client_system_architecture': uint('Client System Architecture', 16, { strings: ARCHITECTURES }),
  client_network_id_major: uint('Major Version', 8),
  client_network_id_minor: uint('Minor Version', 8),
  'option.civic_location.what': uint('What', 8, { strings: CIVIC_WHAT }),
  'option.civic_location.country': str('Country'),
  'option.civic_location.ca_type': uint('CA Type', 8, { strings: CA_TYPES }),
  'option.civic_location.ca_length': uint('CA Length', 8),
  'option.civic_location.ca_value': str('CA Value'),
  'option.tz_pcode': str('TZ PCode'),
  'option.tz_tcode': str('TZ TCode'),
  'option.netinfo_parent_server_address': ipv4('NetInfo Parent Server Address'),
  'option.netinfo_parent_server_tag': str('NetInfo Parent Server Tag'),
  'option.captive_portal': str('Captive Portal'),
  'option.dhcp_auto_configuration': uint('DHCP Auto-Configuration', 8, {
    strings: names({ 0: 'DoNotAutoConfigure', 1: 'AutoConfigure' }),
  }),
  'option.dhcp_name_service_search_option': str('Name Service'),
  'option.subnet_selection_option': ipv4('Subnet Selection Option'),
  'option.dhcp_dns_domain_search_list_rfc_3396_detected': str('Encoding Long Options detected (RFC 3396)'),
  'option.dhcp_dns_domain_search_list_refer_last_option': str(
    'For the data, please refer to last option 119',
  ),
  'option.dhcp_dns_domain_search_list_fqdn': str('FQDN'),
  'option.sip_server.rfc_3396_detected': str('Encoding Long Options detected (RFC 3396)'),
  'option.sip_server.refer_last_option': str('For the data, please refer to last option 120'),
  'option.sip_server.encoding': uint('SIP Server Encoding', 8, {
    strings: names({ 0: 'Fully Qualified Domain Name', 1: 'IPv4 Address' }),
  }),
  'option.sip_server.name': str('SIP Server Name'),
  'option.sip_server.address': ipv4('SIP Server Address'),
  'option.classless_static_route': bytes('Subnet/MaskWidth-Router'),
  'option.vi_class.cl_address_mode': uint('CableLab Address Mode', 8),
  'option.vi_class.enterprise': uint('Enterprise', 32, { strings: ENTERPRISES }),
  // tshark 4.0 labels these two with other fields' names.
  'option.vi_class.length': uint('CableLab Address Mode', 8),
  'option.vi_class.data': str('NetInfo Parent Server Tag'),
  'option.vi.enterprise': uint('Enterprise', 32, { strings: ENTERPRISES }),
  'option.vi.length': uint('Length', 8),
  'option.vi.value': bytes('Value'),
  'option.vi.tr111.suboption': uint('Option 125 Suboption', 8),
  'option.vi.tr111.device_manufacturer_oui': str('DeviceManufacturerOUI'),
  'option.vi.tr111.device_serial_number': str('DeviceSerialNumber'),
  'option.vi.tr111.device_product_class': str('DeviceProductClass'),
  'option.vi.tr111.gateway_manufacturer_oui': str('GatewayManufacturerOUI'),
  'option.vi.tr111.gateway_serial_number': str('GatewaySerialNumber'),
  'option.vi.tr111.gateway_product_class': str('GatewayProductClass'),
  'option.pana_agent': ipv4('PAA IPv4 Address'),
  'option.lost_server_domain_name': str('LoST Server Domain Name'),
  'option.capwap_access_controller': ipv4('CAPWAP Access Controllers'),
  'option.andsf_server': ipv4('ANDSF Server'),
  'option.forcerenew_nonce.algorithm': uint('Algorithm', 8, { strings: names({ 1: 'HMAC-MD5' }) }),
  'option.rdnss.reserved': hex('Reserved', 8, { mask: 0xfc }),
  'option.rdnss.preference': uint('Preference', 8, {
    mask: 0x3,
    strings: names({ 0: 'Medium', 1: 'High', 2: 'Reserved', 3: 'Low' }),
  }),
  'option.rdnss.primary_dns': ipv4('Primary DNS'),
  'option.rdnss.secondary_dns': ipv4('Secondary DNS'),
  'option.rdnss.domain': str('Domains and networks'),
  'option.bulk_lease.status_code': uint('Status Code', 8, {
    strings: names({
      0: 'Success',
      1: 'UpsecFail',
      2: 'QueryTerminated',
      3: 'MalformedQuery',
      4: 'NotAllowed',
    }),
  }),
  'option.bulk_lease.status_code_message': str('Status Code Message'),
  'option.bulk_lease.base_time': absTime('Base Time'),
  'option.bulk_lease.start_time_of_state': uint('Start Time Of State', 32),
  'option.bulk_lease.query_start_time': absTime('Query Start Time'),
  'option.bulk_lease.query_end_time': absTime('Query End Time'),
  'option.bulk_lease.dhcp_state': uint('Dhcp State', 8, {
    strings: names({
      1: 'Available', 2: 'Active', 3: 'Expired', 4: 'Released', 5: 'Abandoned', 6: 'Reset', 7: 'Remote',
      8: 'Transitioning',
    }), // prettier-ignore
  }),
  'option.bulk_lease.data_source': bool('Data Source', 0, 0, { tf: ['Remote', 'Local'] }),
  'option.pcp.list_length': uint('List-Length', 8),
  'option.pcp.server': ipv4('PCP Server'),
  'option.portparams.offset': uint('Offset', 8),
  'option.portparams.psid_length': uint('PSID-Length', 8),
  'option.portparams.psid': bytes('PSID'),
  'option.mudurl': str('MUDURL'),
  'option.pxe_config_file': str('PXELINUX configuration file'),
  'option.pxe_path_prefix': str('PXELINUX path prefix'),
  'option.6RD.ipv4_mask_len': uint('6RD IPv4 Mask Length', 8),
  'option.6RD.prefix_len': uint('6RD Prefix Length', 8),
  'option.6RD.prefix': ipv6('6RD Prefix'),
  'option.6RD.border_relay_ip': ipv4('Border Relay IP'),
  'option.private_proxy_autodiscovery': str('Private/Proxy autodiscovery'),
  _text: { name: 'Text', type: FieldType.None },
});

/** What the first pass over the options found, and what the options met so far have set. */
export interface OptionState {
  /** The DHCP message type's name, or null (BOOTP). */
  msgType: string | null;
  vendorClass: string | null;
  /** Option 52's value, cleared once the overloaded fields are shown. */
  overload: number;
  /** RFC 3396 long options: how many option 119 and 120 blocks there are and which is next. */
  blocks: Map<number, { total: number; seen: number; data: number[] }>;
  /** Walks the options in `start`..`end` (for option 52's overloaded fields); true if End was met. */
  walk: (tree: Tree, start: number, end: number) => boolean;
}

interface Ctx {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  /** Start and end of the value. */
  v: number;
  end: number;
  len: number;
  state: OptionState;
}

/** Decodes a value; `false` when it took none of it (tshark then shows the raw value). */
type Decoder = (c: Ctx) => boolean | void;

const err = (c: Ctx, message: string): void =>
  expert(c.pinfo, c.tree, c.tvb, c.v, c.len, 'Error', 'Protocol', message);

/** A NUL-terminated ASCII string (FT_STRINGZ read with ENC_ASCII). */
export function stringz(tvb: Tvb, at: number, len: number): string {
  let end = at;
  while (end < at + len && tvb.bytes[end] !== 0) end++;
  tvb.need(at, len);
  return tvb.ascii(at, end - at);
}

function addStringz(c: Ctx, def: FieldDef, at: number, len: number): void {
  c.tree.add(def, c.tvb, at, len, stringz(c.tvb, at, len));
}

function addIp(c: Ctx, def: FieldDef, at: number): void {
  c.tvb.need(at, 4);
  c.tree.add(def, c.tvb, at, 4, c.tvb.u32(at));
}

/** Addresses four bytes apart, with tshark's note on a length not a multiple of 4. */
function ipList(c: Ctx, def: FieldDef, from = c.v): void {
  let p = from;
  for (; c.end - p >= 4; p += 4) addIp(c, def, p);
  if (p < c.end) err(c, "Option length isn't a multiple of 4");
}

function pairs(c: Ctx, first: FieldDef, second: FieldDef): void {
  let p = c.v;
  for (; c.end - p >= 8; p += 8) {
    addIp(c, first, p);
    addIp(c, second, p + 4);
  }
  if (p < c.end) err(c, "Option length isn't a multiple of 8");
}

const ips =
  (def: FieldDef): Decoder =>
  (c) => {
    ipList(c, def);
    return c.len >= 4;
  };
const stringzOption =
  (def: FieldDef): Decoder =>
  (c) => {
    addStringz(c, def, c.v, c.len);
    return c.len > 0;
  };
/** An FT_STRING: text after a NUL earns a note. */
const textOption =
  (def: FieldDef): Decoder =>
  (c) => {
    addAsciiString(c.tvb, c.v, c.len, c.pinfo, c.tree, def);
    return c.len > 0;
  };
const byteOption =
  (def: FieldDef): Decoder =>
  (c) => {
    if (c.len !== 1) {
      err(c, "length isn't 1");
      return false;
    }
    c.tree.add(def, c.tvb, c.v, 1, def.type === FieldType.Bool ? c.tvb.u8(c.v) !== 0 : c.tvb.u8(c.v));
  };
const ntpTime =
  (def: FieldDef): Decoder =>
  (c) => {
    if (c.len !== 4) return err(c, 'length must be 4');
    const t = c.tvb.u32(c.v);
    // NTP era 1 (from 2036) when the top bit is clear.
    c.tree.add(def, c.tvb, c.v, 4, formatAbsoluteUtc(t - 2208988800 + (t < 0x80000000 ? 2 ** 32 : 0), 0));
  };

function secondsItem(c: Ctx, def: FieldDef): boolean {
  if (c.len !== 4) {
    err(c, "length isn't 4");
    return false;
  }
  const s = c.tvb.u32(c.v);
  c.tree.add(def, c.tvb, c.v, 4, s);
  if (c.tree.full) c.tree.labelLast(`${def.name}: (${s}s) ${s === 0xffffffff ? 'infinity' : secondsText(s)}`);
  return true;
}

/** RFC 4702 Client FQDN: flags, the two result codes, and the name in ASCII or wire form. */
function clientFqdn(c: Ctx): void {
  if (c.len < 3) return err(c, "length isn't >= 3");
  const { tvb, tree, v } = c;
  const flags = tvb.u8(v);
  tree.push(OF['fqdn.flags'], tvb, v, 1, flags);
  if (tree.full) tree.label(bitmaskLabel('Flags', flags, FQDN_FLAGS));
  tree.add(OF['fqdn.mbz'], tvb, v, 1, (flags & 0xf0) >> 4);
  for (const [def] of FQDN_FLAGS) tree.add(def, tvb, v, 1, (flags & (def.mask ?? 0)) !== 0);
  tree.pop();
  tree.add(OF['fqdn.rcode1'], tvb, v + 1, 1, tvb.u8(v + 1));
  tree.add(OF['fqdn.rcode2'], tvb, v + 2, 1, tvb.u8(v + 2));
  if (c.len === 3) return;
  const name =
    flags & 0x4
      ? formatText(nameAt(tvb, v + 3, c.end).raw)
      : tvb.ascii(v + 3, c.len - 3).replace(/\0.*$/s, '');
  tree.add(OF['fqdn.name'], tvb, v + 3, c.len - 3, name);
}

const FQDN_FLAGS: [FieldDef, string][] = [
  [OF['fqdn.n'], 'Server DDNS'],
  [OF['fqdn.e'], 'Encoding'],
  [OF['fqdn.o'], 'Server overrides'],
  [OF['fqdn.s'], 'Server'],
];

/** proto_tree_add_bitmask's label: the value, then the names of the flags set. */
export function bitmaskLabel(name: string, value: number, flags: readonly [FieldDef, string][]): string {
  const set = flags.filter(([def]) => (value & (def.mask ?? 0)) !== 0).map(([, n]) => n);
  const hexText = `0x${value.toString(16).padStart(2, '0')}`;
  return set.length > 0 ? `${name}: ${hexText}, ${set.join(', ')}` : `${name}: ${hexText}`;
}

/** A DNS name at `at` read within the option's bounds (compression pointers count from `at`). */
function nameAt(tvb: Tvb, at: number, end: number): { raw: string; used: number } {
  return readName(new Tvb(tvb.bytes, at, Math.min(end, tvb.end), end, tvb.source), at, at);
}

/** RFC 3004 User Class: length-prefixed instances; text when the first length does not fit. */
function userClass(c: Ctx): void {
  if (c.len < 2) return err(c, "length isn't >= 2");
  const { tvb, tree } = c;
  if (tvb.u8(c.v) >= c.len) {
    const { value, stray } = asciiField(tvb.bytes, c.v, c.end);
    tree.push(OF['option.user_class.text'], tvb, c.v, c.len, value);
    if (tree.full) tree.label(`User Class Data (Text): ${formatText(value)}`);
    if (stray) strayNote(c.pinfo, tree, tvb, c.v, c.len);
    expert(c.pinfo, tree, tvb, c.v, c.len, 'Note', 'Protocol', 'Non standard compliant option data');
    tree.pop();
    return;
  }
  let p = c.v;
  for (let i = 0; p < c.end; i++) {
    const n = tvb.u8(p);
    tree.push(OF['option.user_class'], tvb, p, n + 1, i);
    if (tree.full) tree.label(`Instance of User Class: [${i}]`);
    tree.add(OF['option.user_class.length'], tvb, p, 1, n);
    if (n === 0) {
      expert(c.pinfo, tree, tvb, p, 1, 'Error', 'Protocol', `UC_Len_${i} isn't >= 1 (UC_Len_${i} = 0)`);
      tree.pop();
      return;
    }
    tvb.need(p + 1, n);
    tree.add(OF['option.user_class.data'], tvb, p + 1, n);
    tree.pop();
    p += 1 + n;
  }
}

/** Options 61 and 97: a hardware address, a UUID, or (61 only) an RFC 4361 IAID and DUID. */
function clientIdentifier(c: Ctx, hw: { type: FieldDef; mac: FieldDef }, rfc4361: boolean): void {
  const { tvb, tree, v, len } = c;
  const type = len > 0 ? tvb.u8(v) : 0;
  if (len === 7 && type > 0 && type < 48) {
    tree.add(hw.type, tvb, v, 1, type);
    if (type === 1 || type === 6) tree.add(hw.mac, tvb, v + 1, 6);
    else tree.add(OF.client_hardware_address, tvb, v + 1, 6, formatHexColon(tvb.bytes, v + 1, 6));
  } else if (len === 17 && type === 0) {
    tree.add(OF['client_id.uuid'], tvb, v + 1, 16, guidLE(tvb, v + 1));
  } else if (rfc4361 && type === 255) {
    iaidDuid(c);
  } else if (rfc4361 && type === 0 && len > 1) {
    tree.add(OF['client_id.type'], tvb, v, 1, type);
    tree.add(OF['client_id.undef'], tvb, v + 1, len - 1, tvb.ascii(v + 1, len - 1));
  }
}

function iaidDuid(c: Ctx): void {
  const { tvb, tree, v, len } = c;
  tree.add(OF['client_id.iaid'], tvb, v + 1, 4, formatHexColon(tvb.bytes, v + 1, 4).replace(/:/g, ''));
  const d = v + 5;
  const duidType = tvb.u16(d);
  tree.add(OF['client_id.duid_type'], tvb, d, 2, duidType);
  const malformed = (): void =>
    expert(c.pinfo, tree, tvb, v, len, 'Error', 'Protocol', 'DUID: malformed option');
  if (duidType === 1) {
    if (len < 8) return malformed();
    tree.add(OF['client_id.duid_llt_hw_type'], tvb, d + 2, 2, tvb.u16(d + 2));
    tree.add(OF['client_id.time'], tvb, d + 4, 4, tvb.u32(d + 4));
    if (len > 13) linkLayer(c, d + 8, len - 13);
  } else if (duidType === 2) {
    if (len < 6) return malformed();
    tree.add(OF['client_id.enterprise_num'], tvb, d + 2, 4, tvb.u32(d + 2));
    if (len > 11) tree.add(OF.client_id, tvb, d + 6, len - 11);
  } else if (duidType === 3) {
    if (len < 4) return malformed();
    tree.add(OF['client_id.duid_ll_hw_type'], tvb, d + 2, 2, tvb.u16(d + 2));
    if (len > 9) linkLayer(c, d + 4, len - 9);
  }
}

function linkLayer(c: Ctx, at: number, len: number): void {
  c.tvb.need(at, len);
  c.tree.add(OF['client_id.link_layer_address'], c.tvb, at, len, formatHexColon(c.tvb.bytes, at, len));
}

/** A UUID whose first three groups are little-endian (tshark's default for DHCP). */
function guidLE(tvb: Tvb, at: number): string {
  tvb.need(at, 16);
  const h = (i: number): string => (tvb.bytes[at + i] as number).toString(16).padStart(2, '0');
  const run = (idx: number[]): string => idx.map(h).join('');
  return `${run([3, 2, 1, 0])}-${run([5, 4])}-${run([7, 6])}-${run([8, 9])}-${run([10, 11, 12, 13, 14, 15])}`;
}

/** RFC 3118 Authentication. */
function authentication(c: Ctx): void {
  if (c.len < 11) return err(c, "length isn't >= 11");
  const { tvb, tree, v } = c;
  const protocol = tvb.u8(v);
  const algorithm = tvb.u8(v + 1);
  const rdm = tvb.u8(v + 2);
  tree.add(OF['option.dhcp_authentication.protocol'], tvb, v, 1, protocol);
  const alg =
    protocol === 1 ? OF['option.dhcp_authentication.alg_delay'] : OF['option.dhcp_authentication.algorithm'];
  tree.add(alg, tvb, v + 1, 1, algorithm);
  tree.add(OF['option.dhcp_authentication.rdm'], tvb, v + 2, 1, rdm);
  if (rdm === 0)
    tree.add(OF['option.dhcp_authentication.rdm_replay_detection'], tvb, v + 3, 8, tvb.u64(v + 3));
  else addStringz(c, OF['option.dhcp_authentication.rdm_rdv'], v + 3, 8);
  const p = v + 11;
  if (protocol === 1 && algorithm === 1) {
    if (c.state.msgType === 'Discover') return;
    if (c.end - p < 20) return err(c, "length isn't >= 20");
    tree.add(OF['option.dhcp_authentication.secret_id'], tvb, p, 4, tvb.u32(p));
    tree.add(OF['option.dhcp_authentication.hmac_md5_hash'], tvb, p + 4, 16);
    return;
  }
  if (p < c.end) addStringz(c, OF['option.dhcp_authentication.information'], p, c.end - p);
}

function clientArchitecture(c: Ctx): void {
  const { tvb, tree } = c;
  let p = c.v;
  for (; c.end - p > 1; p += 2) {
    const arch = tvb.u16(p);
    if (arch !== 9) {
      tree.add(OF['option.client_system_architecture'], tvb, p, 2, arch);
      continue;
    }
    tree.push(OF['option.client_system_architecture'], tvb, p, 2, arch);
    const note = 'Client Architecture ID 9 is often incorrectly used for EFI x64';
    expert(c.pinfo, tree, tvb, p, 2, 'Warning', 'Protocol', note);
    tree.pop();
  }
  if (p < c.end) err(c, "Option length isn't a multiple of 2");
}

function networkInterface(c: Ctx): void {
  const { tvb, tree, v } = c;
  if (tvb.u8(v) !== 1) return;
  tree.add(OF.client_network_id_major, tvb, v + 1, 1, tvb.u8(v + 1));
  tree.add(OF.client_network_id_minor, tvb, v + 2, 1, tvb.u8(v + 2));
}

function slpDirectoryAgent(c: Ctx): void {
  if (c.len < 1) return err(c, "length isn't >= 1");
  const value = c.tvb.u8(c.v);
  c.tree.add(OF['option.slp_directory_agent.value'], c.tvb, c.v, 1, value);
  let p = c.v + 1;
  if (value === 0x80) {
    if (p === c.end) return;
    p++;
  }
  ipList(c, OF['option.slp_directory_agent.slpda_address'], p);
}

function slpServiceScope(c: Ctx): void {
  c.tree.add(OF['option.slp_service_scope.value'], c.tvb, c.v, 1, c.tvb.u8(c.v));
  addStringz(c, OF['option.slp_service_scope.string'], c.v + 1, c.len - 1);
}

function civicLocation(c: Ctx): void {
  if (c.len < 3) return;
  const { tvb, tree, v } = c;
  tree.add(OF['option.civic_location.what'], tvb, v, 1, tvb.u8(v));
  addStringz(c, OF['option.civic_location.country'], v + 1, 2);
  let p = v + 3;
  while (c.end - p >= 2) {
    const n = tvb.u8(p + 1);
    tree.add(OF['option.civic_location.ca_type'], tvb, p, 1, tvb.u8(p));
    tree.add(OF['option.civic_location.ca_length'], tvb, p + 1, 1, n);
    p += 2;
    if (n === 0) continue;
    if (c.end - p < n) return err(c, 'Error with CAType');
    addStringz(c, OF['option.civic_location.ca_value'], p, n);
    p += n;
  }
}

function nameServiceSearch(c: Ctx): void {
  if (c.len < 2) return err(c, "length isn't >= 2");
  if (c.len & 1) return err(c, `length (${c.len}) isn't even number`);
  for (let p = c.v; p < c.end; p += 2) {
    const ns = c.tvb.u16(p);
    const name = NAME_SERVICES.get(ns);
    if (name === undefined) {
      const message = `Invalid Name Service (${ns}). RFC 2937 defines only 0, 6, 41, 44, and 65 as possible values.`;
      err(c, message);
    } else c.tree.add(OF['option.dhcp_name_service_search_option'], c.tvb, p, 2, `${name} (${ns})`);
  }
}

/**
 * RFC 3396: a long option split over several instances is read once, at its last instance; the
 * others say where the data is.
 */
function longOption(c: Ctx, code: number, detected: FieldDef, referLast: FieldDef): number[] | null {
  const block = c.state.blocks.get(code) ?? { total: 1, seen: 0, data: [] };
  c.state.blocks.set(code, block);
  block.seen++;
  if (block.total > 1) {
    c.tree.add(detected, c.tvb, c.v, c.len, `${block.seen}/${block.total}`);
    if (block.seen !== block.total) c.tree.add(referLast, c.tvb, c.v, c.len, `${block.total}/${block.total}`);
  }
  for (let i = c.v; i < c.end; i++) block.data.push(c.tvb.bytes[i] as number);
  if (block.seen !== block.total || block.data.length === 0) return null;
  const data = block.data;
  block.data = [];
  return data;
}

function domainSearch(c: Ctx): void {
  const data = longOption(
    c,
    119,
    OF['option.dhcp_dns_domain_search_list_rfc_3396_detected'],
    OF['option.dhcp_dns_domain_search_list_refer_last_option'],
  );
  if (!data) return;
  const whole = new Tvb(Uint8Array.from(data), 0, data.length);
  const single = (c.state.blocks.get(119)?.total ?? 1) === 1;
  for (let p = 0; p < data.length;) {
    const name = readName(whole, p, 0);
    const at = single ? c.v + p : c.v;
    c.tree.add(OF['option.dhcp_dns_domain_search_list_fqdn'], c.tvb, at, single ? name.used : 0, name.raw);
    p += name.used;
  }
}

function sipServers(c: Ctx): void {
  const data = longOption(
    c,
    120,
    OF['option.sip_server.rfc_3396_detected'],
    OF['option.sip_server.refer_last_option'],
  );
  if (!data) return;
  const single = (c.state.blocks.get(120)?.total ?? 1) === 1;
  const enc = data[0] as number;
  c.tree.add(OF['option.sip_server.encoding'], c.tvb, c.v, single ? 1 : 0, enc);
  const whole = new Tvb(Uint8Array.from(data), 0, data.length);
  if (enc === 0) {
    if (data.length < 3) return err(c, `length isn't >= 3 (len = ${data.length})`);
    for (let p = 1; p < data.length;) {
      const name = readName(whole, p, 1);
      const text = formatText(name.raw);
      c.tree.add(OF['option.sip_server.name'], c.tvb, single ? c.v + p : c.v, single ? name.used : 0, text);
      p += name.used;
    }
  } else if (enc === 1) {
    if (data.length < 5) return err(c, `length isn't >= 5 (len = ${data.length})`);
    if ((data.length - 1) & 3) {
      const more = single
        ? '.'
        : '. For your information with RFC 3396, the length is the length sum of all options 120 into this BOOTP packet.';
      return err(c, `length isn't a multiple of 4 plus 1 (len = ${data.length})${more}`);
    }
    for (let p = 1; p < data.length; p += 4) {
      const value = whole.u32(p);
      c.tree.add(OF['option.sip_server.address'], c.tvb, single ? c.v + p : c.v, single ? 4 : 0, value);
    }
  } else {
    err(c, `RFC 3361 defines only 0 and 1 for Encoding byte (Encoding = ${enc}).`);
  }
}

/** RFC 3442 (and Microsoft's option 249): each route as ` subnet/width-router`. */
function classlessRoutes(c: Ctx): void {
  if (c.len < 5) return err(c, "length isn't >= 5");
  const { tvb, tree } = c;
  let p = c.v;
  while (p < c.end) {
    const width = tvb.u8(p);
    if (width > 32) return err(c, `Mask width (${width}) > 32`);
    const octets = (width + 7) >> 3;
    const itemLen = Math.min(1 + octets + 4, c.end - p);
    if (c.end - (p + 1) < octets + 4) {
      tree.push(OF['option.classless_static_route'], tvb, p, itemLen);
      if (tree.full) tree.label(' ');
      const message = `Remaining length (${c.end - p - 1}) < ${octets + 4} bytes`;
      expert(c.pinfo, tree, tvb, p, itemLen, 'Error', 'Protocol', message);
      tree.pop();
      return;
    }
    const parts: number[] = [];
    for (let i = 0; i < 4; i++) parts.push(i < octets ? tvb.u8(p + 1 + i) : 0);
    const subnet = width === 0 ? 'default' : `${parts.join('.')}/${width}`;
    tree.add(OF['option.classless_static_route'], tvb, p, itemLen);
    if (tree.full) tree.labelLast(` ${subnet}-${formatIPv4(tvb.u32(p + 1 + octets))}`);
    p += itemLen;
  }
}

function viVendorClass(c: Ctx): void {
  const { tvb, tree } = c;
  if (c.len === 1) {
    tree.add(OF['option.vi_class.cl_address_mode'], tvb, c.v, 1, tvb.u8(c.v));
    return;
  }
  let p = c.v;
  while (c.end - p >= 5) {
    tree.add(OF['option.vi_class.enterprise'], tvb, p, 4, tvb.u32(p));
    const n = tvb.u8(p + 4);
    tree.add(OF['option.vi_class.length'], tvb, p + 4, 1, n);
    addStringz(c, OF['option.vi_class.data'], p + 5, n);
    p += 5 + n;
  }
  if (p < c.end) err(c, 'length < 5');
}

/** RFC 3925 V-I Vendor-specific Information: per enterprise, its suboptions (TR-111's decoded). */
function viVendorInfo(c: Ctx): void {
  const { tvb, tree } = c;
  let p = c.v;
  while (c.end - p >= 5) {
    const enterprise = tvb.u32(p);
    const n = tvb.u8(p + 4);
    tree.push(OF['option.vi.enterprise'], tvb, p, 4, enterprise);
    tree.add(OF['option.vi.length'], tvb, p + 4, 1, n);
    const end = p + 5 + n;
    if (end > c.end) {
      expert(c.pinfo, tree, tvb, p, 5, 'Error', 'Protocol', 'no room left in option for enterprise data');
      tree.pop();
      return;
    }
    if (enterprise === 3561) for (let q = p + 5; q < end;) q = tr111Suboption(c, q, end);
    else if (n > 0) tree.add(OF['option.vi.value'], tvb, p + 5, n);
    tree.pop();
    p = end;
  }
}

const TR111_FIELDS = [
  OF['option.vi.tr111.device_manufacturer_oui'],
  OF['option.vi.tr111.device_serial_number'],
  OF['option.vi.tr111.device_product_class'],
  OF['option.vi.tr111.gateway_manufacturer_oui'],
  OF['option.vi.tr111.gateway_serial_number'],
  OF['option.vi.tr111.gateway_product_class'],
];

function tr111Suboption(c: Ctx, p: number, end: number): number {
  const { tvb, tree } = c;
  const code = tvb.u8(p);
  const n = tvb.u8(p + 1);
  tree.push(OF['option.vi.tr111.suboption'], tvb, p, n + 2, code);
  if (tree.full) tree.label(`Option 125 Suboption: (${code}) ${TR111_NAMES.get(code) ?? 'Unknown'}`);
  tree.add(OF['option.suboption_length'], tvb, p + 1, 1, n);
  const def = TR111_FIELDS[code - 1];
  if (p + 2 + n > end) throw new MalformedError('Malformed Packet', p);
  if (def) addStringz(c, def, p + 2, n);
  else if (n > 0) tree.add(OF['option.vi.value'], tvb, p + 2, n);
  tree.pop();
  return p + 2 + n;
}

function rdnss(c: Ctx): void {
  if (c.len < 10) return err(c, 'length must be >= 10');
  const { tvb, tree, v } = c;
  const b = tvb.u8(v);
  tree.add(OF['option.rdnss.reserved'], tvb, v, 1, b >> 2);
  tree.add(OF['option.rdnss.preference'], tvb, v, 1, b & 3);
  addIp(c, OF['option.rdnss.primary_dns'], v + 1);
  addIp(c, OF['option.rdnss.secondary_dns'], v + 5);
  const at = v + 9;
  tree.add(OF['option.rdnss.domain'], tvb, at, c.end - at, formatText(nameAt(tvb, at, c.end).raw));
}

function leaseStatus(c: Ctx): void {
  if (c.len < 1) return err(c, 'length must >= 1');
  c.tree.add(OF['option.bulk_lease.status_code'], c.tvb, c.v, 1, c.tvb.u8(c.v));
  if (c.len > 1)
    addAsciiString(c.tvb, c.v + 1, c.len - 1, c.pinfo, c.tree, OF['option.bulk_lease.status_code_message']);
}

function pcpServers(c: Ctx): void {
  if (c.len < 5) return err(c, 'length must >= 5');
  const { tvb, tree } = c;
  let p = c.v;
  while (c.end - p >= 5) {
    const n = tvb.u8(p);
    tree.push(OF._text, tvb, p, n);
    if (tree.full) tree.label('PCP server list');
    tree.add(OF['option.pcp.list_length'], tvb, p, 1, n);
    p++;
    for (let used = 1; (n - 1) % 4 === 0 && used < n && c.end - p >= 4; used += 4, p += 4)
      addIp(c, OF['option.pcp.server'], p);
    tree.pop();
  }
}

function portParams(c: Ctx): void {
  if (c.len !== 4) return err(c, 'length must be 4');
  c.tree.add(OF['option.portparams.offset'], c.tvb, c.v, 1, c.tvb.u8(c.v));
  c.tree.add(OF['option.portparams.psid_length'], c.tvb, c.v + 1, 1, c.tvb.u8(c.v + 1));
  c.tree.add(OF['option.portparams.psid'], c.tvb, c.v + 2, 2);
}

function sixRd(c: Ctx): void {
  if (c.len < 22) return err(c, '6RD: malformed option');
  const { tvb, tree, v } = c;
  tree.add(OF['option.6RD.ipv4_mask_len'], tvb, v, 1, tvb.u8(v));
  tree.add(OF['option.6RD.prefix_len'], tvb, v + 1, 1, tvb.u8(v + 1));
  tree.add(OF['option.6RD.prefix'], tvb, v + 2, 16);
  addIp(c, OF['option.6RD.border_relay_ip'], v + 18);
  if (c.len > 22) ipList(c, OF['option.6RD.border_relay_ip'], v + 22);
}

function forcerenewNonce(c: Ctx): void {
  for (let p = c.v; p < c.end; p++)
    c.tree.add(OF['option.forcerenew_nonce.algorithm'], c.tvb, p, 1, c.tvb.u8(p));
}

/** Option 82 (RFC 3046): the relay agent's suboptions. */
function relayAgentInfo(c: Ctx): void {
  for (let p = c.v; p < c.end;) p = agentSuboption(c, p);
}

type SubKind = 'bytes' | 'ip' | 'str' | 'u32' | 'u8';
const O82: Record<number, [SubKind, FieldDef]> = {
  1: ['bytes', OF['option.agent_information_option.agent_circuit_id']],
  2: ['bytes', OF['option.agent_information_option.agent_remote_id']],
  3: ['bytes', OF['option.agent_information_option.reserved']],
  4: ['u32', OF['option.agent_information_option.docsis_device_class']],
  5: ['ip', OF['option.agent_information_option.link_selection']],
  6: ['str', OF['option.agent_information_option.subscriber_id']],
  7: ['bytes', OF['option.agent_information_option.radius_attributes']],
  8: ['bytes', OF['option.agent_information_option.authentication']],
  10: ['u8', OF['option.agent_information_option.flags']],
  11: ['ip', OF['option.agent_information_option.server_id_override']],
  12: ['bytes', OF['option.agent_information_option.relay_agent_id']],
  150: ['ip', OF['option.agent_information_option.link_selection_cisco']],
  152: ['ip', OF['option.agent_information_option.server_id_override_cisco']],
};

function agentSuboption(c: Ctx, p: number): number {
  const { tvb, tree } = c;
  const code = tvb.u8(p);
  if (p + 1 >= c.end) {
    err(c, `Suboption ${code}: no room left in option for suboption length`);
    return c.end;
  }
  const n = tvb.u8(p + 1);
  const kind = O82[code];
  const v = p + 2;
  tree.push(OF['option.agent_information_option.suboption'], tvb, p, n + 2, code);
  let label = `Option 82 Suboption: (${code}) ${O82_NAMES.get(code) ?? 'Unknown'}`;
  if (kind?.[0] === 'ip' && n === 4 && v + 4 <= c.end) label += ` (${formatIPv4(tvb.u32(v))})`;
  if (tree.full) tree.label(label);
  tree.add(OF['option.suboption_length'], tvb, p + 1, 1, n);
  if (v + n > c.end) {
    const message = `Suboption ${code}: no room left in option for suboption value`;
    expert(c.pinfo, tree, tvb, p, n + 2, 'Error', 'Protocol', message);
    tree.pop();
    return c.end;
  }
  const known = kind !== undefined || code === 9 || code === 151;
  tree.add(OF['option.agent_information_option.value'], tvb, v, n, undefined, known ? NodeFlag.Hidden : 0);
  if (code === 9) vendorSuboption(c, v, v + n);
  else if (code === 151) vrfName(c, v, n);
  else if (kind) agentValue(c, p, kind, v, n);
  tree.pop();
  return v + n;
}

function agentValue(c: Ctx, p: number, [kind, def]: [SubKind, FieldDef], v: number, n: number): void {
  const { tvb, tree } = c;
  const bad = (want: number): void => {
    expert(c.pinfo, tree, tvb, p, n + 2, 'Error', 'Protocol', `length isn't ${want}`);
    const message = `ERROR, please report: Unknown subopt type handler ${tvb.u8(p)}`;
    expert(c.pinfo, tree, tvb, p, n + 2, 'Error', 'Protocol', message);
  };
  const size = kind === 'u8' ? 1 : 4;
  if (kind === 'bytes') tree.add(def, tvb, v, n);
  else if (kind === 'str') addStringz(c, def, v, n);
  else if (n !== size) bad(size);
  else tree.add(def, tvb, v, size, size === 1 ? tvb.u8(v) : tvb.u32(v));
}

function vendorSuboption(c: Ctx, from: number, end: number): void {
  const { tvb, tree } = c;
  for (let p = from; p < end;) {
    const enterprise = tvb.u32(p);
    const n = tvb.u8(p + 4);
    tree.push(OF['option.agent_information_option.vi.enterprise'], tvb, p, 4, enterprise);
    tree.add(OF['option.agent_information_option.vi.data_length'], tvb, p + 4, 1, n);
    tree.pop();
    tvb.need(p + 5, n);
    tree.add(OF['option.agent_information_option.value'], tvb, p + 5, n);
    p += 5 + n;
  }
}

function vrfName(c: Ctx, v: number, n: number): void {
  const { tvb, tree } = c;
  if (n === 1) tree.add(OF['option.agent_information_option.vrf_name.global'], tvb, v, 1, tvb.u8(v));
  else if (n !== 7) tree.add(OF['option.agent_information_option.vrf_name'], tvb, v, n, tvb.ascii(v, n));
  else {
    tree.add(OF['option.agent_information_option.vrf_name.vpn_id.oui'], tvb, v, 3, tvb.u24(v));
    tree.add(OF['option.agent_information_option.vrf_name.vpn_id.index'], tvb, v + 3, 4, tvb.u32(v + 3));
  }
}

/** Option 43: PXE's suboptions when the client is a PXEClient, else the raw value. */
function vendorSpecific(c: Ctx): void {
  if (c.state.vendorClass?.startsWith('PXEClient')) {
    const node = c.tree.current();
    if (node?.label) node.label += ' (PXEClient)';
    // A heuristic dissector that takes the option counts as the protocol once more.
    c.pinfo.layers.push('dhcp');
    for (let p = c.v; p < c.end;) p = pxeSuboption(c, p);
    return;
  }
  c.tree.add(OF['option.vendor.value'], c.tvb, c.v, c.len);
}

type PxeKind = 'ips' | 'le16' | 'u8' | 'bytes' | 'str' | 'bool' | 'u32';
const PXE: Record<number, [PxeKind, FieldDef]> = {
  1: ['ips', OF['option.vendor.pxeclient.mtftp_ip']],
  2: ['le16', OF['option.vendor.pxeclient.mtftp_client_port']],
  3: ['le16', OF['option.vendor.pxeclient.mtftp_server_port']],
  4: ['u8', OF['option.vendor.pxeclient.mtftp_timeout']],
  5: ['u8', OF['option.vendor.pxeclient.mtftp_delay']],
  7: ['ips', OF['option.vendor.pxeclient.multicast_address']],
  11: ['bytes', OF['option.vendor.pxeclient.multicast_address_alloc']],
  12: ['bytes', OF['option.vendor.pxeclient.credential_types']],
  179: ['str', OF['option.vendor.pxeclient.lcm_server']],
  180: ['str', OF['option.vendor.pxeclient.lcm_domain']],
  181: ['bytes', OF['option.vendor.pxeclient.lcm_nic_option']],
  190: ['str', OF['option.vendor.pxeclient.lcm_workgroup']],
  191: ['bool', OF['option.vendor.pxeclient.discovery']],
  192: ['bool', OF['option.vendor.pxeclient.configured']],
  193: ['u32', OF['option.vendor.pxeclient.lcm_version']],
  194: ['str', OF['option.vendor.pxeclient.lcm_serial']],
};

function pxeSuboption(c: Ctx, p: number): number {
  const { tvb, tree } = c;
  const code = tvb.u8(p);
  if (code === 0) {
    tree.add(OF['option.vendor.pxeclient.padding'], tvb, p, 1, 0);
    return p + 1;
  }
  if (code === 255) {
    tree.add(OF['option.vendor.pxeclient.end'], tvb, p, 1, 255);
    return c.end;
  }
  if (p + 1 >= c.end) {
    err(c, `Suboption ${code}: no room left in option for suboption length`);
    return c.end;
  }
  const n = tvb.u8(p + 1);
  const v = p + 2;
  tree.push(OF['option.vendor.pxeclient.suboption'], tvb, p, n + 2, code);
  if (tree.full) tree.label(`Option 43 Suboption: (${code}) ${PXE_NAMES.get(code) ?? 'Unknown'}`);
  tree.add(OF['option.suboption_length'], tvb, p + 1, 1, n);
  tvb.need(v, n);
  tree.add(OF['option.vendor.value'], tvb, v, n, undefined, NodeFlag.Hidden);
  pxeValue(c, p, code, v, n);
  tree.pop();
  return v + n;
}

function pxeValue(c: Ctx, p: number, code: number, v: number, n: number): void {
  const { tvb, tree } = c;
  const note = (severity: 'Error' | 'Warning', group: string, message: string): void =>
    expert(c.pinfo, tree, tvb, p, n + 2, severity, group, message);
  if (code > 194) return note('Error', 'Protocol', `Unknown suboption ${code} (${n} bytes)`);
  if (code === 6) return pxeDiscoveryControl(c, v);
  if (code === 8 || code === 9) return pxeList(c, code, v, n);
  if (code === 10) return pxeMenuPrompt(c, v, n);
  if (code === 71) return pxeBootItem(c, v, n);
  const entry = PXE[code];
  if (!entry) return note('Error', 'Protocol', `ERROR, please report: Unknown subopt type handler ${code}`);
  const [kind, def] = entry;
  const bad = (want: number): void => {
    note('Error', 'Protocol', `length isn't ${want}`);
    note('Error', 'Protocol', `ERROR, please report: Unknown subopt type handler ${code}`);
  };
  if (kind === 'ips') {
    let q = v;
    for (; v + n - q >= 4; q += 4) tree.add(def, tvb, q, 4, tvb.u32(q));
    if (q < v + n) note('Error', 'Protocol', "Option length isn't a multiple of 4");
  } else if (kind === 'str') addStringz(c, def, v, n);
  else if (kind === 'bytes') tree.add(def, tvb, v, n);
  else if (n !== PXE_SIZES[kind]) bad(PXE_SIZES[kind]);
  else tree.add(def, tvb, v, n, pxeNumber(tvb, kind, v));
}

const PXE_SIZES = { le16: 2, u8: 1, bool: 1, u32: 4 } as const;

function pxeNumber(tvb: Tvb, kind: keyof typeof PXE_SIZES, v: number): number | boolean {
  if (kind === 'le16') return tvb.u8(v) | (tvb.u8(v + 1) << 8);
  if (kind === 'u32') return tvb.u32(v);
  return kind === 'bool' ? tvb.u8(v) !== 0 : tvb.u8(v);
}

const PXE_DISCOVERY: [FieldDef, string][] = [
  [OF['option.vendor.pxeclient.discovery_control.broadcast'], 'Disable Broadcast'],
  [OF['option.vendor.pxeclient.discovery_control.multicast'], 'Disable Multicast'],
  [OF['option.vendor.pxeclient.discovery_control.serverlist'], 'Serverlist only'],
  [OF['option.vendor.pxeclient.discovery_control.bstrap'], 'Bootstrap override'],
];

function pxeDiscoveryControl(c: Ctx, v: number): void {
  const { tvb, tree } = c;
  const flags = tvb.u8(v);
  tree.push(OF['option.vendor.pxeclient.discovery_control'], tvb, v, 1, flags);
  if (tree.full) tree.label(bitmaskLabel('discovery control', flags, PXE_DISCOVERY));
  for (const [def] of PXE_DISCOVERY) tree.add(def, tvb, v, 1, (flags & (def.mask ?? 0)) !== 0);
  tree.pop();
}

/** Boot servers (type, count, addresses) or boot menu entries (type, length, description). */
function pxeList(c: Ctx, code: number, v: number, n: number): void {
  const { tvb, tree } = c;
  const servers = code === 8;
  tree.push(
    servers ? OF['option.vendor.pxeclient.boot_servers'] : OF['option.vendor.pxeclient.boot_menu'],
    tvb,
    v,
    n,
  );
  for (let p = v; p - v < n - 1;) {
    const typeDef = servers
      ? OF['option.vendor.pxeclient.boot_servers.type']
      : OF['option.vendor.pxeclient.boot_menu.type'];
    tree.add(typeDef, tvb, p, 2, tvb.u16(p));
    const count = tvb.u8(p + 2);
    p += 3;
    if (servers) {
      tree.add(OF['option.vendor.pxeclient.boot_servers.count'], tvb, p - 1, 1, count);
      for (let i = 0; i < count; i++, p += 4) addIp(c, OF['option.vendor.pxeclient.boot_servers.ip'], p);
    } else {
      tree.add(OF['option.vendor.pxeclient.boot_menu.length'], tvb, p - 1, 1, count);
      tvb.need(p, count);
      tree.add(OF['option.vendor.pxeclient.boot_menu.desc'], tvb, p, count, tvb.ascii(p, count));
      p += count;
    }
  }
  tree.pop();
}

function pxeMenuPrompt(c: Ctx, v: number, n: number): void {
  const { tvb, tree } = c;
  tree.push(OF['option.vendor.pxeclient.menu_prompt'], tvb, v, n);
  tree.add(OF['option.vendor.pxeclient.menu_prompt.timeout'], tvb, v, 1, tvb.u8(v));
  tree.add(OF['option.vendor.pxeclient.menu_prompt.prompt'], tvb, v + 1, n - 1, tvb.ascii(v + 1, n - 1));
  tree.pop();
}

function pxeBootItem(c: Ctx, v: number, n: number): void {
  const { tvb, tree } = c;
  tree.push(OF['option.vendor.pxeclient.boot_item'], tvb, v, n);
  tree.add(OF['option.vendor.pxeclient.boot_item.type'], tvb, v, 2, tvb.u16(v));
  tvb.need(v + 2, 2);
  tree.add(OF['option.vendor.pxeclient.boot_item.layer'], tvb, v + 2, 2);
  tree.pop();
}

/** Option 52: the options the server host name and boot file name fields hold. */
function optionOverload(c: Ctx, overloadDef: FieldDef): void {
  if (c.len < 1) return err(c, "length isn't >= 1");
  const { tvb, tree, state } = c;
  const value = tvb.u8(c.v);
  tree.add(overloadDef, tvb, c.v, 1, value);
  if (state.overload < 1 || state.overload > 3) return;
  const bootp = tvb.start;
  if (value & 2) overloadedField(c, bootp + 44, 64, 'Server host name option overload', 'sname');
  if (value & 1) overloadedField(c, bootp + 108, 128, 'Boot file name option overload', 'file');
  state.overload = 0;
}

function overloadedField(c: Ctx, at: number, len: number, title: string, which: string): void {
  const { tree, state } = c;
  const whole = c.tvb.start;
  const outer = new Tvb(c.tvb.bytes, whole, c.tvb.end, c.tvb.reportedEnd, c.tvb.source);
  tree.push(OF._text, outer, at, len);
  if (tree.full) tree.label(title);
  const saved = state.overload;
  state.overload = 0;
  const ended = state.walk(tree, at, at + len);
  state.overload = saved;
  if (!ended)
    expert(c.pinfo, tree, outer, at, len, 'Error', 'Protocol', `${which} overload end option missing`);
  tree.pop();
}

/** Option decoders for options whose value is more than one plain item. */
export function optionDecoders(
  overloadDef: FieldDef,
  hw: { type: FieldDef; mac: FieldDef },
): Map<number, Decoder> {
  return new Map<number, Decoder>([
    [21, (c) => pairs(c, OF['option.policy_filter.ip'], OF['option.policy_filter.subnet_mask'])],
    [33, (c) => pairs(c, OF['option.static_route.ip'], OF['option.static_route.router'])],
    [43, vendorSpecific],
    [52, (c) => optionOverload(c, overloadDef)],
    [61, (c) => clientIdentifier(c, hw, true)],
    [77, userClass],
    [78, slpDirectoryAgent],
    [79, slpServiceScope],
    [81, clientFqdn],
    [82, relayAgentInfo],
    [83, (c) => (c.len < 14 ? err(c, 'length must be >= 14') : false)],
    [85, ips(OF['option.novell_dss.ip'])],
    [86, stringzOption(OF['option.novell_ds_tree_name'])],
    [87, stringzOption(OF['option.novell_ds_context'])],
    [90, authentication],
    [93, clientArchitecture],
    [94, networkInterface],
    [97, (c) => clientIdentifier(c, hw, false)],
    [99, civicLocation],
    [100, textOption(OF['option.tz_pcode'])],
    [101, textOption(OF['option.tz_tcode'])],
    [112, ips(OF['option.netinfo_parent_server_address'])],
    [113, stringzOption(OF['option.netinfo_parent_server_tag'])],
    [114, textOption(OF['option.captive_portal'])],
    [116, byteOption(OF['option.dhcp_auto_configuration'])],
    [117, nameServiceSearch],
    [118, ips(OF['option.subnet_selection_option'])],
    [119, domainSearch],
    [120, sipServers],
    [121, classlessRoutes],
    [124, viVendorClass],
    [125, viVendorInfo],
    [136, ips(OF['option.pana_agent'])],
    [137, stringzOption(OF['option.lost_server_domain_name'])],
    [138, ips(OF['option.capwap_access_controller'])],
    [142, ips(OF['option.andsf_server'])],
    [145, forcerenewNonce],
    [146, rdnss],
    [151, leaseStatus],
    [152, ntpTime(OF['option.bulk_lease.base_time'])],
    [153, (c) => secondsItem(c, OF['option.bulk_lease.start_time_of_state'])],
    [154, ntpTime(OF['option.bulk_lease.query_start_time'])],
    [155, ntpTime(OF['option.bulk_lease.query_end_time'])],
    [156, byteOption(OF['option.bulk_lease.dhcp_state'])],
    [157, byteOption(OF['option.bulk_lease.data_source'])],
    [158, pcpServers],
    [159, portParams],
    [160, textOption(OF['option.captive_portal'])],
    [161, textOption(OF['option.mudurl'])],
    [209, textOption(OF['option.pxe_config_file'])],
    [210, textOption(OF['option.pxe_path_prefix'])],
    [212, sixRd],
    [242, (c) => (c.len < 5 ? err(c, "Avaya IP Telephone option length isn't >= 5") : false)],
    [249, classlessRoutes],
    [252, stringzOption(OF['option.private_proxy_autodiscovery'])],
  ]);
}

/** Runs `decode` on the option value at `v` in a view bounded by the option's length. */
export function decodeOption(
  decode: Decoder,
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  v: number,
  len: number,
  state: OptionState,
): boolean {
  const bounded = new Tvb(tvb.bytes, tvb.start, Math.min(v + len, tvb.end), v + len, tvb.source);
  return decode({ tvb: bounded, pinfo, tree, v, end: v + len, len, state }) !== false;
}
