// Link Layer Discovery Protocol (IEEE 802.1AB) on ethertype 0x88cc: the mandatory chassis ID,
// port ID and time-to-live TLVs, the optional basic TLVs (descriptions, system name,
// capabilities, management addresses) and the IEEE 802.1 and 802.3 organizationally specific
// TLVs, with tshark 4.0's labels, Info and quirks. Other organizations' TLVs show their OUI,
// subtype and content.
import {
  bool,
  bytes,
  ether,
  fields,
  hex,
  ipv4,
  ipv6,
  names,
  proto,
  str,
  text,
  uint,
  type FieldDef,
} from './field.ts';
import { expert, expertItem } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';
import { addAsciiString, addBytes } from './tvb-items.ts';
import { tvbFormatStringzpad } from './text-format.ts';
import { formatHex, formatIPv4, formatIPv6, formatMac } from '../format/address.ts';

const TLV_END = 0;
const TLV_CHASSIS = 1;
const TLV_PORT = 2;
const TLV_TTL = 3;
const TLV_ORG = 127;

const TLV_TYPES = names({
  0: 'End of LLDPDU',
  1: 'Chassis Id',
  2: 'Port Id',
  3: 'Time to Live',
  4: 'Port Description',
  5: 'System Name',
  6: 'System Description',
  7: 'System Capabilities',
  8: 'Management Address',
  127: 'Organization Specific',
});
const CHASSIS_SUBTYPES = names({
  0: 'Reserved',
  1: 'Chassis component',
  2: 'Interface alias',
  3: 'Port component',
  4: 'MAC address',
  5: 'Network address',
  6: 'Interface name',
  7: 'Locally assigned',
});
const PORT_SUBTYPES = names({
  0: 'Reserved',
  1: 'Interface alias',
  2: 'Port component',
  3: 'MAC address',
  4: 'Network address',
  5: 'Interface name',
  6: 'Agent circuit Id',
  7: 'Locally assigned',
});
/** The two-letter forms of the ID subtypes in Info. */
const CHASSIS_ABBREVS = ['Rs', 'CC', 'IA', 'PC', 'MA', 'NA', 'IN', 'LA'];
const PORT_ABBREVS = ['Rs', 'IA', 'PC', 'MA', 'NA', 'IN', 'AC', 'LA'];
/** IANA address family numbers (Wireshark's afn_vals). */
const ADDRESS_FAMILIES = names({
  0: 'Reserved',
  1: 'IPv4',
  2: 'IPv6',
  3: 'NSAP',
  4: 'HDLC (8-bit multidrop)',
  5: 'BBN 1822',
  6: '802 (includes all 802 media plus Ethernet)',
  7: 'E.163',
  8: 'E.164 (SMDS, Frame Relay, ATM)',
  9: 'F.69 (Telex)',
  10: 'X.121 (X.25, Frame Relay)',
  11: 'IPX',
  12: 'Appletalk',
  13: 'Decnet IV',
  14: 'Banyan Vines',
  15: 'E.164 with NSAP subaddress',
  16: 'DNS (Domain Name System)',
  17: 'Distinguished Name',
  18: 'AS Number',
  19: 'XTP over IP version 4',
  20: 'XTP over IP version 6',
  21: 'XTP native mode XTP',
  22: 'Fibre Channel World-Wide Port Name',
  23: 'Fibre Channel World-Wide Node Name',
  24: 'GWID',
  25: 'Layer-2 VPN',
  26: 'MPLS-TP Section Endpoint Identifier',
  27: 'MPLS-TP LSP Endpoint Identifier',
  28: 'MPLS-TP Pseudowire Endpoint Identifier',
  29: 'MT IP: Multi-Topology IP version 4',
  30: 'MT IPv6: Multi-Topology IP version 6',
  196: 'Layer-2 VPN (old)',
});
const AFN_IPV4 = 1;
const AFN_IPV6 = 2;
const INTERFACE_SUBTYPES = names({ 1: 'Unknown', 2: 'ifIndex', 3: 'System port number' });

const OUI_IEEE_802_1 = 0x0080c2;
const OUI_IEEE_802_3 = 0x00120f;
/** Organization names as the TLV labels and OUI items show them. */
const ORG_NAMES = names({
  0x0080c2: 'IEEE',
  0x00120f: 'Ieee 802.3',
  0x00000c: 'Cisco Systems, Inc',
});
const IEEE_802_1_SUBTYPES = names({
  1: 'Port VLAN ID',
  2: 'Port and Protocol VLAN ID',
  3: 'VLAN Name',
  4: 'Protocol Identity',
  5: 'VID Usage Digest',
  6: 'Management VID',
  7: 'Link Aggregation',
  8: 'Congestion Notification',
  9: 'ETS Configuration',
  10: 'ETS Recommendation',
  11: 'Priority Flow Control Configuration',
  12: 'Application Protocol',
  13: 'EVB',
  14: 'CDCP',
  15: 'Port extension',
  16: 'Application VLAN',
  17: 'LRP ECP Discovery',
  18: 'LRP TCP Discovery',
  19: 'Congestion Isolation',
  20: 'Topology Recognition',
});
const IEEE_802_3_SUBTYPES = names({
  1: 'MAC/PHY Configuration/Status',
  2: 'Power Via MDI',
  3: 'Link Aggregation',
  4: 'Maximum Frame Size',
  5: 'EEE (Energy-Efficient Ethernet)',
  7: 'IEEE 802.3br Additional Ethernet capabilities',
});
/** Operational MAU types (RFC 4836's dot3MauType, Wireshark's operational_mau_type_values). */
const MAU_TYPES = names({
  0x00: 'other or unknown',
  0x01: 'AUI - no internal MAU, view from AUI',
  0x02: '10Base5 - thick coax MAU',
  0x03: 'Foirl - FOIRL MAU',
  0x04: '10Base2 - thin coax MAU',
  0x05: '10BaseT - UTP MAU',
  0x06: '10BaseFP - passive fiber MAU',
  0x07: '10BaseFB - sync fiber MAU',
  0x08: '10BaseFL - async fiber MAU',
  0x09: '10Broad36 - broadband DTE MAU',
  0x0a: '10BaseTHD - UTP MAU, half duplex mode',
  0x0b: '10BaseTFD - UTP MAU, full duplex mode',
  0x0c: '10BaseFLHD - async fiber MAU, half duplex mode',
  0x0d: '10BaseFLDF - async fiber MAU, full duplex mode',
  0x0e: '10BaseT4 - 4 pair category 3 UTP',
  0x0f: '100BaseTXHD - 2 pair category 5 UTP, half duplex mode',
  0x10: '100BaseTXFD - 2 pair category 5 UTP, full duplex mode',
  0x11: '100BaseFXHD - X fiber over PMT, half duplex mode',
  0x12: '100BaseFXFD - X fiber over PMT, full duplex mode',
  0x13: '100BaseT2HD - 2 pair category 3 UTP, half duplex mode',
  0x14: '100BaseT2DF - 2 pair category 3 UTP, full duplex mode',
  0x15: '1000BaseXHD - PCS/PMA, unknown PMD, half duplex mode',
  0x16: '1000BaseXFD - PCS/PMA, unknown PMD, full duplex mode',
  0x17: '1000BaseLXHD - Fiber over long-wavelength laser, half duplex mode',
  0x18: '1000BaseLXFD - Fiber over long-wavelength laser, full duplex mode',
  0x19: '1000BaseSXHD - Fiber over short-wavelength laser, half duplex mode',
  0x1a: '1000BaseSXFD - Fiber over short-wavelength laser, full duplex mode',
  0x1b: '1000BaseCXHD - Copper over 150-Ohm balanced cable, half duplex mode',
  0x1c: '1000BaseCXFD - Copper over 150-Ohm balanced cable, full duplex mode',
  0x1d: '1000BaseTHD - Four-pair Category 5 UTP, half duplex mode',
  0x1e: '1000BaseTFD - Four-pair Category 5 UTP, full duplex mode',
  0x1f: '10GigBaseX - X PCS/PMA, unknown PMD.',
  0x20: '10GigBaseLX4 - X fiber over WWDM optics',
  0x21: '10GigBaseR - R PCS/PMA, unknown PMD.',
  0x22: '10GigBaseER - R fiber over 1550 nm optics',
  0x23: '10GigBaseLR - R fiber over 1310 nm optics',
  0x24: '10GigBaseSR - R fiber over 850 nm optics',
  0x25: '10GigBaseW - W PCS/PMA, unknown PMD.',
  0x26: '10GigBaseEW - W fiber over 1550 nm optics',
  0x27: '10GigBaseLW - W fiber over 1310 nm optics',
  0x28: '10GigBaseSW - W fiber over 850 nm optics',
  0x29: '10GBASE-CX4 - X copper over 8 pair 100-Ohm balanced cable',
  0x2a: '2BASE-TL - Voice grade UTP copper, up to 2700m, optional PAF',
  0x2b: '10PASS-TS - Voice grade UTP copper, up to 750m, optional PAF',
  0x2c: '100BASE-BX10D - One single-mode fiber OLT, long wavelength, 10km',
  0x2d: '100BASE-BX10U - One single-mode fiber ONU, long wavelength, 10km',
  0x2e: '100BASE-LX10 - One single-mode fiber ONU, long wavelength, 10km',
  0x2f: '1000BASE-BX10D - One single-mode fiber OLT, long wavelength, 10km',
  0x30: '1000BASE-BX10U - One single-mode fiber ONU, long wavelength, 10km',
  0x31: '1000BASE-LX10 - Two sigle-mode fiber, long wavelength, 10km',
  0x32: '1000BASE-PX10D - One single-mode fiber EPON OLT, 10km',
  0x33: '1000BASE-PX10U - One single-mode fiber EPON ONU, 10km',
  0x34: '1000BASE-PX20D - One single-mode fiber EPON OLT, 20km',
  0x35: '1000BASE-PX20U - One single-mode fiber EPON ONU, 20km',
});
const AGGREGATION_PORT_TYPES = names({
  0: 'Not specified',
  1: 'From aggregation port',
  2: 'From aggregator',
  3: 'From single-port aggregator',
});
const POWER_TYPES = names({
  0: 'Type 2 PSE Device',
  1: 'Type 2 PD Device',
  2: 'Type 1 PSE Device',
  3: 'Type 1 PD Device',
});
const PSE_POWER_SOURCES = names({ 0: 'Unknown', 1: 'Primary Power Source', 2: 'Backup Power Source' });
const PD_POWER_SOURCES = names({ 0: 'Unknown', 1: 'PSE', 2: 'Local', 3: 'PSE and Local' });
const POWER_PRIORITIES = names({ 0: 'Unknown', 1: 'Critical', 2: 'High', 3: 'Low' });
/** The power class field holds the class plus one. */
const POWER_CLASSES = names({ 1: '0', 2: '1', 3: '2', 4: '3', 5: '4' });

const CAPABLE = ['Capable', 'Not capable'] as const;
const SUPPORTED = ['Supported', 'Not supported'] as const;
const ENABLED = ['Enabled', 'Disabled'] as const;
const YES_NO = ['Yes', 'No'] as const;
const CAPABILITY_NAMES = [
  ['other', 'Other'],
  ['repeater', 'Repeater'],
  ['bridge', 'Bridge'],
  ['wlan_access_pt', 'WLAN access point'],
  ['router', 'Router'],
  ['telephone', 'Telephone'],
  ['docsis_cable_device', 'DOCSIS cable device'],
  ['station_only', 'Station only'],
] as const;
const AUTONEG_NAMES = [
  ['1000base_tfd', '1000BASE-T (full duplex mode)'],
  ['1000base_t', '1000BASE-T (half duplex mode)'],
  ['1000base_xfd', '1000BASE-X (-LX, -SX, -CX full duplex mode)'],
  ['1000base_x', '1000BASE-X (-LX, -SX, -CX half duplex mode)'],
  ['fdx_bpause', 'Asymmetric and Symmetric PAUSE (for full-duplex links)'],
  ['fdx_spause', 'Symmetric PAUSE (for full-duplex links)'],
  ['fdx_apause', 'Asymmetric PAUSE (for full-duplex links)'],
  ['fdx_pause', 'PAUSE (for full-duplex links)'],
  ['100base_t2fd', '100BASE-T2 (full duplex mode)'],
  ['100base_t2', '100BASE-T2 (half duplex mode)'],
  ['100base_txfd', '100BASE-TX (full duplex mode)'],
  ['100base_tx', '100BASE-TX (half duplex mode)'],
  ['100base_t4', '100BASE-T4'],
  ['10base_tfd', '10BASE-T (full duplex mode)'],
  ['10base_t', '10BASE-T (half duplex mode)'],
  ['other', 'Other or unknown'],
] as const;

/** One bit field per entry of `list`, the first at `firstMask`, each next one the next bit up (or down). */
function bitFields(
  prefix: string,
  list: readonly (readonly [string, string])[],
  bits: number,
  firstMask: number,
  up: boolean,
): Record<string, FieldDef> {
  const specs = Object.fromEntries(
    list.map(([key, name], i) => [
      key,
      bool(name, bits, up ? firstMask << i : firstMask >> i, { tf: CAPABLE }),
    ]),
  );
  return fields(prefix, specs);
}

export const F = fields('lldp', {
  '': proto('Link Layer Discovery Protocol'),
  _tlv: text('TLV'),
  'tlv.type': uint('TLV Type', 16, { mask: 0xfe00, strings: TLV_TYPES }),
  'tlv.len': uint('TLV Length', 16, { mask: 0x01ff }),
  'chassis.subtype': uint('Chassis Id Subtype', 8, { strings: CHASSIS_SUBTYPES }),
  'chassis.id': bytes('Chassis Id'),
  'chassis.id.mac': ether('Chassis Id'),
  'chassis.id.ip4': ipv4('Chassis Id'),
  'chassis.id.ip6': ipv6('Chassis Id'),
  'network_address.subtype': uint('Network Address family', 8, { strings: ADDRESS_FAMILIES }),
  'port.subtype': uint('Port Id Subtype', 8, { strings: PORT_SUBTYPES }),
  'port.id': str('Port Id'),
  'port.id.mac': ether('Port Id'),
  'port.id.ip4': ipv4('Port Id'),
  'port.id.ip6': ipv6('Port Id'),
  time_to_live: uint('Seconds', 16),
  'port.desc': str('Port Description'),
  'tlv.system.name': str('System Name'),
  'tlv.system.desc': str('System Description'),
  'tlv.system_cap': hex('Capabilities', 16),
  'tlv.enable_system_cap': hex('Enabled Capabilities', 16),
  'mgn.address.len': uint('Address String Length', 8),
  'mgn.address.subtype': uint('Address Subtype', 8, { strings: ADDRESS_FAMILIES }),
  'mgn.addr.ip4': ipv4('Management Address'),
  'mgn.addr.ip6': ipv6('Management Address'),
  'mgn.addr.hex': bytes('Management Address'),
  'mgn.interface.subtype': uint('Interface Subtype', 8, { strings: INTERFACE_SUBTYPES }),
  'mgn.interface.number': uint('Interface Number', 32),
  'mgn.obj.len': uint('OID String Length', 8),
  'mgn.obj.id': str('Object Identifier'),
  'orgtlv.oui': uint('Organization Unique Code', 24),
  unknown_subtype: uint('Unknown Subtype', 8),
  'unknown_subtype.content': bytes('Unknown Subtype Content'),
});

const SYSTEM_CAP = bitFields('lldp.tlv.system_cap', CAPABILITY_NAMES, 16, 0x1, true);
const ENABLED_CAP = bitFields('lldp.tlv.enable_system_cap', CAPABILITY_NAMES, 16, 0x1, true);

/** The IEEE 802.1 organizationally specific TLVs. */
export const D1 = fields('lldp.ieee.802_1', {
  subtype: hex('IEEE 802.1 Subtype', 8, { strings: IEEE_802_1_SUBTYPES }),
  'port_vlan.id': uint('Port VLAN Identifier', 16, { base: 'dec_hex' }),
  port_and_vlan_id_flag: hex('Flags', 8),
  'port_and_vlan_id_flag.supported': bool('Port and Protocol VLAN', 8, 0x02, { tf: SUPPORTED }),
  'port_and_vlan_id_flag.enabled': bool('Port and Protocol VLAN', 8, 0x04, { tf: ENABLED }),
  'port_proto_vlan.id': uint('Port and Protocol VLAN Identifier', 16, { base: 'dec_hex' }),
  'vlan.id': uint('VLAN Identifier', 16, { base: 'dec_hex' }),
  'vlan.name_len': uint('VLAN Name Length', 8),
  'vlan.name': str('VLAN Name'),
  'proto.id_length': uint('Protocol Identity Length', 8),
  'proto.id': bytes('Protocol Identity'),
  aggregation_status: hex('Aggregation Status', 8),
  'aggregation_status.cap': bool('Aggregation Capability', 8, 0x01, { tf: YES_NO }),
  'aggregation_status.enabled': bool('Aggregation Status', 8, 0x02, { tf: ENABLED }),
  'aggregation_status.porttype': uint('Aggregation Status', 8, {
    mask: 0x0c,
    strings: AGGREGATION_PORT_TYPES,
  }),
  aggregated_port_id: uint('Aggregated Port Id', 32),
});

/** The IEEE 802.3 organizationally specific TLVs. */
export const D3 = fields('lldp.ieee.802_3', {
  subtype: hex('IEEE 802.3 Subtype', 8, { strings: IEEE_802_3_SUBTYPES }),
  mac_phy_auto_neg_status: hex('Auto-Negotiation Support/Status', 8),
  'mac_phy_auto_neg_status.supported': bool('Auto-Negotiation', 8, 0x01, { tf: SUPPORTED }),
  'mac_phy_auto_neg_status.enabled': bool('Auto-Negotiation', 8, 0x02, { tf: ENABLED }),
  pmd_auto_neg_advertised_caps: hex('PMD Auto-Negotiation Advertised Capability', 16),
  _pmd_inverse: text('Same in inverse (wrong) bitorder'),
  pmd_mau_type: hex('Operational MAU Type', 16, { strings: MAU_TYPES }),
  mdi_power_support: hex('MDI Power Support', 8),
  'mdi_power_support.port_class': bool('Port Class', 8, 0x01, { tf: ['PSE', 'PD'] }),
  'mdi_power_support.supported': bool('PSE MDI Power', 8, 0x02, { tf: SUPPORTED }),
  'mdi_power_support.enabled': bool('PSE MDI Power', 8, 0x04, { tf: ENABLED }),
  'mdi_power_support.pse_pairs': bool('PSE Pairs Control Ability', 8, 0x08, { tf: YES_NO }),
  mdi_pse_pair: uint('PSE Power Pair', 8),
  mdi_power_class: uint('Power Class', 8, { strings: POWER_CLASSES }),
  mdi_power_type: uint('Power Type', 8, { mask: 0xc0, strings: POWER_TYPES }),
  mdi_power_source: uint('Power Source', 8, { mask: 0x30 }),
  mdi_power_priority: uint('Power Priority', 8, { mask: 0x0f, strings: POWER_PRIORITIES }),
  mdi_pde_requested: uint('PD Requested Power Value', 16),
  mdi_pse_allocated: uint('PSE Allocated Power Value', 16),
  aggregation_status: hex('Aggregation Status', 8),
  'aggregation_status.cap': bool('Aggregation Capability', 8, 0x01, { tf: YES_NO }),
  'aggregation_status.enabled': bool('Aggregation Status', 8, 0x02, { tf: ENABLED }),
  aggregated_port_id: uint('Aggregated Port Id', 32),
  max_frame_size: uint('Maximum Frame Size', 16),
  'eee.transmit': uint('Transmit', 16),
  'eee.receive': uint('Receive', 16),
  'eee.fallback_receive': uint('Fallback Receive', 16),
  'eee.echo_transmit': uint('Echo Transmit', 16),
  'eee.echo_receive': uint('Echo Receive', 16),
});
/** IEEE 802.3br (frame preemption) capabilities, an 802.3 TLV with a prefix of its own. */
const BR = fields('lldp.ieee.802_3br', {
  eac: hex('Additional Ethernet Capabilities', 16),
  'aec.support': bool('Preemption capabilities support', 16, 0x1, { tf: SUPPORTED }),
  'aec.enable': bool('Preemption capabilities enable', 16, 0x2, { tf: ENABLED }),
  'aec.active': bool('Preemption capabilities active', 16, 0x4, { tf: ['Active', 'Inactive'] }),
  'aec.addfragsize': uint('Additional Fragment Size', 16, { mask: 0x18 }),
  'aec.reserved': hex('Reserved', 16, { mask: 0xffe0 }),
});
const AUTONEG = bitFields('lldp.ieee.802_3.pmd_auto_neg_advertised_caps', AUTONEG_NAMES, 16, 0x0001, true);
const AUTONEG_INV = bitFields(
  'lldp.ieee.802_3.pmd_auto_neg_advertised_caps_inv',
  AUTONEG_NAMES,
  16,
  0x8000,
  false,
);

const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

/** One TLV: its start in the LLDPDU, its type and the length of its value. */
interface Tlv {
  /** The TLV's own bytes: Wireshark reads each TLV from a subset, so reading past it is malformed. */
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  at: number;
  type: number;
  length: number;
}

function readTlv(tvb: Tvb, pinfo: PacketInfo, tree: Tree, at: number): Tlv {
  const header = tvb.u16(at);
  const length = header & 0x01ff;
  if (at + 2 + length > tvb.reportedEnd) {
    // Wireshark's tvb_new_subset_length: "length of contained item exceeds length of containing item".
    throw new MalformedError('Malformed Packet', at);
  }
  return { tvb: tvb.sub(at, 2 + length), pinfo, tree, at, type: header >> 9, length };
}

function appendInfo(pinfo: PacketInfo, text: string): void {
  if (pinfo.wantInfo) pinfo.setInfo(pinfo.info + text);
}

/** The TLV's type and length items, in the subtree the caller opened. */
function addHeader(t: Tlv): void {
  const raw = t.tvb.u16(t.at);
  t.tree.add(F['tlv.type'], t.tvb, t.at, 2, raw >> 9);
  t.tree.add(F['tlv.len'], t.tvb, t.at, 2, raw & 0x01ff);
}

/** Opens a TLV's subtree with its header; the caller pops it. */
function openTlv(t: Tlv, label: string): void {
  // Wireshark adds the whole TLV first: one cut short by the capture shows nothing of itself.
  t.tvb.need(t.at, t.length + 2);
  t.tree.push(F._tlv, t.tvb, t.at, t.length + 2);
  if (t.tree.full) t.tree.label(label);
  addHeader(t);
}

/** A malformed-length note under the TLV Length item (the last item of the header). */
function badLength(t: Tlv, message: string): void {
  const { tree, tvb, at } = t;
  tree.push(F['tlv.len'], tvb, at, 2, t.length);
  expert(t.pinfo, tree, tvb, at, 2, 'Warning', 'Malformed', message);
  tree.pop();
}

/** Adds the header of a TLV whose length is bad, with the note under its length. */
function addBadHeader(t: Tlv, message: string): void {
  t.tree.add(F['tlv.type'], t.tvb, t.at, 2, t.type);
  badLength(t, message);
}

type IdKind = 'Chassis' | 'Port';

/** How a chassis or port ID of each subtype is read. */
const ID_LAYOUT = {
  Chassis: {
    mac: 4,
    network: 5,
    strings: [1, 2, 6, 7],
    hexes: [3],
    subtype: F['chassis.subtype'],
    ip4: F['chassis.id.ip4'],
    ip6: F['chassis.id.ip6'],
  },
  Port: {
    mac: 3,
    network: 4,
    strings: [1, 5, 6, 7],
    hexes: [2],
    subtype: F['port.subtype'],
    ip4: F['port.id.ip4'],
    ip6: F['port.id.ip6'],
  },
} as const;

/** What is wrong with an ID's length for its subtype (Wireshark's note), or null. */
function idLengthProblem(t: Tlv, kind: IdKind, subtype: number, subtypeName: string): string | null {
  const layout = ID_LAYOUT[kind];
  const { length } = t;
  if (subtype === layout.mac) {
    return length === 7
      ? null
      : `Invalid ${kind} ID Length (${length}) for Type (${subtypeName}), expected (7)`;
  }
  if (subtype === layout.network) {
    const family = t.tvb.u8(t.at + 3);
    const size = family === AFN_IPV4 ? 4 : family === AFN_IPV6 ? 16 : -1;
    if (size < 0 || length === size + 2) return null;
    const familyName = ADDRESS_FAMILIES.get(family) ?? '';
    return `Invalid ${kind} ID Length (${length}) for Type (${subtypeName}, ${familyName}), expected (${size + 2})`;
  }
  return length > 256
    ? `Invalid ${kind} ID Length (${length}) for Type (${subtypeName}), expected < (256)`
    : null;
}

/**
 * The chassis ID or port ID TLV; returns false when it is not one or is malformed (with a note
 * where Wireshark puts one: an item for a wrong type, under the length for a bad length).
 */
function idTlv(t: Tlv, kind: IdKind): boolean {
  const { tvb, tree, at, length } = t;
  const expected = kind === 'Chassis' ? TLV_CHASSIS : TLV_PORT;
  if (t.type !== expected) {
    const message = `Invalid ${kind} ID (0x${hex2(t.type)}), expected (0x${hex2(expected)})`;
    expertItem(t.pinfo, tree, tvb, at, length, 'Warning', 'Malformed', message);
    return false;
  }
  const subtype = tvb.u8(at + 2);
  const names = kind === 'Chassis' ? CHASSIS_SUBTYPES : PORT_SUBTYPES;
  const subtypeName = names.get(subtype) ?? (kind === 'Chassis' ? 'Reserved' : 'Unknown');
  tvb.need(at, length + 2);
  tree.push(F._tlv, tvb, at, length + 2);
  try {
    if (tree.full) tree.label(`${kind} Subtype = ${subtypeName}`);
    if (length < 2) {
      addBadHeader(t, `Invalid ${kind} ID Length (${length}), expected > (2)`);
      return false;
    }
    const problem = idLengthProblem(t, kind, subtype, subtypeName);
    if (problem !== null) {
      addBadHeader(t, problem);
      tree.add(ID_LAYOUT[kind].subtype, tvb, at + 2, 1, subtype);
      if (subtype === ID_LAYOUT[kind].network) {
        tree.add(F['network_address.subtype'], tvb, at + 3, 1, tvb.u8(at + 3));
      }
      return false;
    }
    addHeader(t);
    tree.add(ID_LAYOUT[kind].subtype, tvb, at + 2, 1, subtype);
    const text = idValue(t, kind, subtype);
    if (tree.full) tree.label(`${kind} Subtype = ${subtypeName}, Id: ${text()}`);
    const abbrevs = kind === 'Chassis' ? CHASSIS_ABBREVS : PORT_ABBREVS;
    if (t.pinfo.wantInfo) appendInfo(t.pinfo, `${abbrevs[subtype] ?? 'Rs'}/${text()} `);
    return true;
  } finally {
    tree.pop();
  }
}

/**
 * Adds the ID's value after its subtype; returns how to show the ID in labels and Info (made only
 * for those who show it).
 */
function idValue(t: Tlv, kind: IdKind, subtype: number): () => string {
  const { tvb, tree, at, length } = t;
  const b = tvb.bytes;
  const layout = ID_LAYOUT[kind];
  if (subtype === layout.mac) {
    tvb.need(at + 3, 6);
    tree.add(kind === 'Chassis' ? F['chassis.id.mac'] : F['port.id.mac'], tvb, at + 3, 6);
    return () => formatMac(b, at + 3);
  }
  if (subtype === layout.network) {
    const family = tvb.u8(at + 3);
    tree.add(F['network_address.subtype'], tvb, at + 3, 1, family);
    if (family === AFN_IPV4) {
      const ip = tvb.u32(at + 4);
      tree.add(layout.ip4, tvb, at + 4, 4, ip);
      return () => formatIPv4(ip);
    }
    if (family === AFN_IPV6) {
      tvb.need(at + 4, 16);
      tree.add(layout.ip6, tvb, at + 4, 16);
      return () => formatIPv6(b, at + 4);
    }
    addIdBytes(t, kind, at + 4, length - 2);
    return () => formatHex(b, at + 4, length - 2);
  }
  addIdBytes(t, kind, at + 3, length - 1);
  if ((layout.strings as readonly number[]).includes(subtype))
    return () => tvbFormatStringzpad(b, at + 3, at + 2 + length);
  if ((layout.hexes as readonly number[]).includes(subtype)) return () => formatHex(b, at + 3, length - 1);
  return () => 'Reserved';
}

/** A chassis ID is a byte string, a port ID a string, whatever the subtype says they hold. */
function addIdBytes(t: Tlv, kind: IdKind, at: number, length: number): void {
  if (kind === 'Chassis') addBytes(t.tvb, at, length, t.tree, F['chassis.id']);
  else addAsciiString(t.tvb, at, length, t.pinfo, t.tree, F['port.id']);
}

const chassisId = (t: Tlv): boolean => idTlv(t, 'Chassis');
const portId = (t: Tlv): boolean => idTlv(t, 'Port');

/** The time-to-live TLV; returns false (Info says so) when the TLV is not one. */
function timeToLive(t: Tlv): boolean {
  const { tvb, tree, at } = t;
  if (t.type !== TLV_TTL) return false;
  const ttl = tvb.u16(at + 2);
  appendInfo(t.pinfo, `${ttl} `);
  openTlv(t, `Time To Live = ${ttl} sec`);
  tree.add(F.time_to_live, tvb, at + 2, 2, ttl);
  tree.pop();
  return true;
}

/** Port description, system name and system description: one string each. */
function stringTlv(t: Tlv): void {
  const { tvb, at, length } = t;
  tvb.need(at + 2, length);
  const value =
    t.pinfo.wantInfo || t.tree.full ? tvbFormatStringzpad(tvb.bytes, at + 2, at + 2 + length) : '';
  const [title, def, info] =
    t.type === 4
      ? ['Port Description', F['port.desc'], '']
      : t.type === 5
        ? ['System Name', F['tlv.system.name'], 'SysN']
        : ['System Description', F['tlv.system.desc'], 'SysD'];
  if (info) appendInfo(t.pinfo, `${info}=${value} `);
  openTlv(t, `${title} = ${value}`);
  addAsciiString(tvb, at + 2, length, t.pinfo, t.tree, def);
  t.tree.pop();
}

function addBits(
  tvb: Tvb,
  at: number,
  size: 1 | 2,
  tree: Tree,
  def: FieldDef,
  bits: readonly FieldDef[],
): void {
  const v = size === 1 ? tvb.u8(at) : tvb.u16(at);
  tree.push(def, tvb, at, size, v);
  for (const b of bits) tree.add(b, tvb, at, size, (v & (b.mask ?? 0)) !== 0);
  tree.pop();
}

function capabilities(t: Tlv): void {
  const { tvb, tree, at } = t;
  openTlv(t, 'Capabilities');
  addBits(tvb, at + 2, 2, tree, F['tlv.system_cap'], Object.values(SYSTEM_CAP));
  addBits(tvb, at + 4, 2, tree, F['tlv.enable_system_cap'], Object.values(ENABLED_CAP));
  tree.pop();
}

/** An OID's dotted text from its BER encoding. */
function oidText(b: Uint8Array, at: number, length: number): string {
  const arcs: number[] = [];
  let v = 0;
  for (let i = at; i < at + length; i++) {
    const c = b[i] as number;
    v = v * 128 + (c & 0x7f);
    if (c & 0x80) continue;
    if (arcs.length === 0) arcs.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
    else arcs.push(v);
    v = 0;
  }
  return arcs.join('.');
}

const OID_ROOTS = ['itu-t', 'iso', 'joint-iso-itu-t'];

function managementAddress(t: Tlv): void {
  const { tvb, tree, at } = t;
  openTlv(t, 'Management Address');
  const addrLength = tvb.u8(at + 2);
  tree.add(F['mgn.address.len'], tvb, at + 2, 1, addrLength);
  const subtype = tvb.u8(at + 3);
  tree.add(F['mgn.address.subtype'], tvb, at + 3, 1, subtype);
  let p = at + 4;
  if (subtype === AFN_IPV4) {
    tree.add(F['mgn.addr.ip4'], tvb, p, 4, tvb.u32(p));
    p += 4;
  } else if (subtype === AFN_IPV6) {
    tvb.need(p, 16);
    tree.add(F['mgn.addr.ip6'], tvb, p, 16);
    p += 16;
  } else {
    addBytes(tvb, p, addrLength - 1, tree, F['mgn.addr.hex']);
    p += addrLength - 1;
  }
  tree.add(F['mgn.interface.subtype'], tvb, p, 1, tvb.u8(p));
  tree.add(F['mgn.interface.number'], tvb, p + 1, 4, tvb.u32(p + 1));
  const oidLength = tvb.u8(p + 5);
  tree.add(F['mgn.obj.len'], tvb, p + 5, 1, oidLength);
  if (oidLength > 0) {
    tvb.need(p + 6, oidLength);
    const oid = oidText(tvb.bytes, p + 6, oidLength);
    tree.add(F['mgn.obj.id'], tvb, p + 6, oidLength, oid);
    if (tree.full) {
      const [root, ...rest] = oid.split('.');
      const named = OID_ROOTS[Number(root)];
      tree.labelLast(`Object Identifier: ${oid}${named ? ` (${[named, ...rest].join('.')})` : ''}`);
    }
  }
  tree.pop();
}

function unknownTlv(t: Tlv): void {
  openTlv(t, 'Unknown TLV');
  t.tree.pop();
}

/** The End of LLDPDU TLV. */
function endOfLldpdu(t: Tlv): void {
  openTlv(t, 'End of LLDPDU');
  t.tree.pop();
}

/** Organizationally specific TLVs: IEEE 802.1 and 802.3 decoded, others as content. */
function organizationTlv(t: Tlv): void {
  const { tvb, tree, at, length } = t;
  const oui = tvb.u24(at + 2);
  const subtype = tvb.u8(at + 5);
  const org = ORG_NAMES.get(oui) ?? 'Unknown';
  const table =
    oui === OUI_IEEE_802_1 ? IEEE_802_1_SUBTYPES : oui === OUI_IEEE_802_3 ? IEEE_802_3_SUBTYPES : null;
  const subtypeName = table
    ? (table.get(subtype) ?? `Unknown subtype 0x${subtype.toString(16)}`)
    : `Unknown (${subtype})`;
  openTlv(t, `${org} - ${subtypeName}`);
  tree.add(F['orgtlv.oui'], tvb, at + 2, 3, oui);
  if (tree.full)
    tree.labelLast(
      `Organization Unique Code: ${ouiText(tvb, at + 2)}${ORG_NAMES.has(oui) ? ` (${org})` : ''}`,
    );
  if (oui === OUI_IEEE_802_1) ieee8021(t, subtype);
  else if (oui === OUI_IEEE_802_3) ieee8023(t, subtype);
  else {
    tree.add(F.unknown_subtype, tvb, at + 5, 1, subtype);
    if (length > 4) addBytes(tvb, at + 6, length - 4, tree, F['unknown_subtype.content']);
  }
  tree.pop();
}

function ouiText(tvb: Tvb, at: number): string {
  const b = tvb.bytes;
  return [b[at], b[at + 1], b[at + 2]].map((x) => (x ?? 0).toString(16).padStart(2, '0')).join(':');
}

function ieee8021(t: Tlv, subtype: number): void {
  const { tvb, tree, at, pinfo } = t;
  tree.add(D1.subtype, tvb, at + 5, 1, subtype);
  const p = at + 6;
  switch (subtype) {
    case 1:
      tree.add(D1['port_vlan.id'], tvb, p, 2, tvb.u16(p));
      break;
    case 2:
      addBits(tvb, p, 1, tree, D1.port_and_vlan_id_flag, [
        D1['port_and_vlan_id_flag.supported'],
        D1['port_and_vlan_id_flag.enabled'],
      ]);
      tree.add(D1['port_proto_vlan.id'], tvb, p + 1, 2, tvb.u16(p + 1));
      break;
    case 3: {
      tree.add(D1['vlan.id'], tvb, p, 2, tvb.u16(p));
      const nameLength = tvb.u8(p + 2);
      tree.add(D1['vlan.name_len'], tvb, p + 2, 1, nameLength);
      addAsciiString(tvb, p + 3, nameLength, pinfo, tree, D1['vlan.name']);
      break;
    }
    case 4: {
      const idLength = tvb.u8(p);
      tree.add(D1['proto.id_length'], tvb, p, 1, idLength);
      addBytes(tvb, p + 1, idLength, tree, D1['proto.id']);
      break;
    }
    case 7: {
      const status = tvb.u8(p);
      tree.push(D1.aggregation_status, tvb, p, 1, status);
      tree.add(D1['aggregation_status.cap'], tvb, p, 1, (status & 0x01) !== 0);
      tree.add(D1['aggregation_status.enabled'], tvb, p, 1, (status & 0x02) !== 0);
      tree.add(D1['aggregation_status.porttype'], tvb, p, 1, (status & 0x0c) >> 2);
      tree.pop();
      tree.add(D1.aggregated_port_id, tvb, p + 1, 4, tvb.u32(p + 1));
      break;
    }
  }
}

/** Power in tenths of a watt, as Wireshark's mdi_power_base prints it. */
const watts = (v: number): string => `${Math.floor(v / 10)}.${v % 10}. Watt`;

function ieee8023(t: Tlv, subtype: number): void {
  const { tvb, tree, at, pinfo, length } = t;
  const subtypeAt = at + 5;
  if (subtype === 3) {
    tree.push(D3.subtype, tvb, subtypeAt, 1, subtype);
    expert(pinfo, tree, tvb, subtypeAt, 1, 'Warning', 'Protocol', 'TLV has been deprecated');
    tree.pop();
  } else tree.add(D3.subtype, tvb, subtypeAt, 1, subtype);
  const p = at + 6;
  let end = p;
  switch (subtype) {
    case 1:
      end = macPhy(tvb, p, tree);
      break;
    case 2:
      end = powerViaMdi(tvb, p, length, tree);
      break;
    case 3:
      addBits(tvb, p, 1, tree, D3.aggregation_status, [
        D3['aggregation_status.cap'],
        D3['aggregation_status.enabled'],
      ]);
      tree.add(D3.aggregated_port_id, tvb, p + 1, 4, tvb.u32(p + 1));
      end = p + 5;
      break;
    case 4:
      tree.add(D3.max_frame_size, tvb, p, 2, tvb.u16(p));
      end = p + 2;
      break;
    case 5:
      EEE.forEach((def, i) => tree.add(def, tvb, p + 2 * i, 2, tvb.u16(p + 2 * i)));
      end = p + 2 * EEE.length;
      break;
    case 7:
      preemption(tvb, p, tree);
      end = p + 2;
      break;
  }
  const extra = at + 2 + length - end;
  if (extra > 0) {
    expertItem(pinfo, tree, tvb, end, extra, 'Warning', 'Malformed', 'Invalid length, greater than expected');
  }
}

const EEE = [
  D3['eee.transmit'],
  D3['eee.receive'],
  D3['eee.fallback_receive'],
  D3['eee.echo_transmit'],
  D3['eee.echo_receive'],
] as const;
const PREEMPTION_FLAGS = [BR['aec.support'], BR['aec.enable'], BR['aec.active']] as const;

/** 802.3br: the preemption flags (the set ones named in the label), fragment size, reserved bits. */
function preemption(tvb: Tvb, p: number, tree: Tree): void {
  const v = tvb.u16(p);
  tree.push(BR.eac, tvb, p, 2, v);
  if (tree.full) {
    const set = PREEMPTION_FLAGS.filter((d) => v & (d.mask ?? 0)).map((d) => d.name);
    tree.label([`${BR.eac.name}: 0x${v.toString(16).padStart(4, '0')}`, ...set].join(', '));
  }
  for (const def of PREEMPTION_FLAGS) tree.add(def, tvb, p, 2, (v & (def.mask ?? 0)) !== 0);
  tree.add(BR['aec.addfragsize'], tvb, p, 2, (v & 0x18) >> 3);
  tree.add(BR['aec.reserved'], tvb, p, 2, v >> 5);
  tree.pop();
}

function macPhy(tvb: Tvb, p: number, tree: Tree): number {
  addBits(tvb, p, 1, tree, D3.mac_phy_auto_neg_status, [
    D3['mac_phy_auto_neg_status.supported'],
    D3['mac_phy_auto_neg_status.enabled'],
  ]);
  addBits(tvb, p + 1, 2, tree, D3.pmd_auto_neg_advertised_caps, Object.values(AUTONEG));
  const caps = tvb.u16(p + 1);
  tree.push(D3._pmd_inverse, tvb, p + 1, 2);
  for (const def of Object.values(AUTONEG_INV)) tree.add(def, tvb, p + 1, 2, (caps & (def.mask ?? 0)) !== 0);
  tree.pop();
  tree.add(D3.pmd_mau_type, tvb, p + 3, 2, tvb.u16(p + 3));
  return p + 5;
}

function powerViaMdi(tvb: Tvb, p: number, length: number, tree: Tree): number {
  addBits(tvb, p, 1, tree, D3.mdi_power_support, [
    D3['mdi_power_support.port_class'],
    D3['mdi_power_support.supported'],
    D3['mdi_power_support.enabled'],
    D3['mdi_power_support.pse_pairs'],
  ]);
  tree.add(D3.mdi_pse_pair, tvb, p + 1, 1, tvb.u8(p + 1));
  tree.add(D3.mdi_power_class, tvb, p + 2, 1, tvb.u8(p + 2));
  if (length <= 7) return p + 3;
  // 802.3at: type, source and priority, then the PD's request and the PSE's allocation.
  const b = tvb.u8(p + 3);
  const type = b >> 6;
  const source = (b >> 4) & 0x03;
  tree.add(D3.mdi_power_type, tvb, p + 3, 1, type);
  tree.add(D3.mdi_power_source, tvb, p + 3, 1, source);
  if (tree.full) {
    const sources = type & 1 ? PD_POWER_SOURCES : PSE_POWER_SOURCES;
    tree.labelLast(
      `..${((b >> 5) & 1).toString()}${((b >> 4) & 1).toString()} .... = Power Source: ${source} ${sources.get(source) ?? 'Reserved'}`,
    );
  }
  tree.add(D3.mdi_power_priority, tvb, p + 3, 1, b & 0x0f);
  const requested = tvb.u16(p + 4);
  tree.add(D3.mdi_pde_requested, tvb, p + 4, 2, requested);
  if (tree.full) tree.labelLast(`${D3.mdi_pde_requested.name}: ${watts(requested)}`);
  const allocated = tvb.u16(p + 6);
  tree.add(D3.mdi_pse_allocated, tvb, p + 6, 2, allocated);
  if (tree.full) tree.labelLast(`${D3.mdi_pse_allocated.name}: ${watts(allocated)}`);
  return p + 8;
}

/** Dissects the optional TLVs from `at`; returns the LLDPDU's length as Wireshark counts it. */
function optionalTlvs(tvb: Tvb, pinfo: PacketInfo, tree: Tree, at: number): number {
  let p = at;
  // Wireshark stops where the captured bytes do: a capture cut between TLVs is not "cut short".
  while (tvb.remaining(p) > 0) {
    const t = readTlv(tvb, pinfo, tree, p);
    const next = p + 2 + t.length;
    switch (t.type) {
      case TLV_END:
        endOfLldpdu(t);
        // Wireshark adds the End TLV's "-1" to the offset it returns.
        return p - 1 - tvb.start;
      case TLV_CHASSIS:
      case TLV_PORT:
      case TLV_TTL:
        duplicate(t);
        return p - 1 - tvb.start;
      case 4:
      case 5:
      case 6:
        stringTlv(t);
        break;
      case 7:
        capabilities(t);
        break;
      case 8:
        managementAddress(t);
        break;
      case TLV_ORG:
        organizationTlv(t);
        break;
      default:
        unknownTlv(t);
    }
    p = next;
  }
  return p - tvb.start;
}

const DUPLICATES = ['', 'Duplicate Chassis ID TLV', 'Duplicate Port ID TLV', 'Duplicate Time-To-Live TLV'];

/** A second chassis ID, port ID or TTL ends the LLDPDU; Info says which. */
function duplicate(t: Tlv): void {
  if (t.type === TLV_CHASSIS) chassisId(t);
  else if (t.type === TLV_PORT) portId(t);
  else timeToLive(t);
  if (t.pinfo.wantInfo) t.pinfo.setInfo(DUPLICATES[t.type] ?? '');
}

export function dissectLldp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('lldp');
  pinfo.setProto('LLDP');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  let length = tvb.remaining(o);
  try {
    length = lldpdu(tvb, pinfo, tree, o);
  } finally {
    tree.pop(Math.max(0, Math.min(length, tvb.remaining(o))));
  }
  return length;
}

/** The mandatory TLVs in their order; Wireshark takes a time-to-live TLV as 4 bytes, whatever its length. */
const MANDATORY = [
  { decode: chassisId, invalid: 'Invalid Chassis ID TLV', size: (t: Tlv) => 2 + t.length },
  { decode: portId, invalid: 'Invalid Port ID TLV', size: (t: Tlv) => 2 + t.length },
  { decode: timeToLive, invalid: 'Invalid Time-to-Live TLV', size: () => 4 },
] as const;

function lldpdu(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number): number {
  let p = o;
  for (const { decode, invalid, size } of MANDATORY) {
    const t = readTlv(tvb, pinfo, tree, p);
    if (!decode(t)) {
      if (pinfo.wantInfo) pinfo.setInfo(invalid);
      return tvb.remaining(o);
    }
    p += size(t);
  }
  return optionalTlvs(tvb, pinfo, tree, p);
}

const ETHERTYPE_LLDP = 0x88cc;

export const lldpModule = {
  fields: {
    ...F,
    ...prefixed(D1, '802_1'),
    ...prefixed(D3, '802_3'),
    ...prefixed(BR, '802_3br'),
    ...prefixed(SYSTEM_CAP, 'system_cap'),
    ...prefixed(ENABLED_CAP, 'enable_system_cap'),
    ...prefixed(AUTONEG, 'autoneg'),
    ...prefixed(AUTONEG_INV, 'autoneg_inv'),
  },
  handoff(reg: Registry): void {
    reg.register('etherType', ETHERTYPE_LLDP, dissectLldp);
  },
};

/** Distinct keys for the module's field list (the bit-field tables share their short keys). */
function prefixed(defs: Record<string, FieldDef>, prefix: string): Record<string, FieldDef> {
  return Object.fromEntries(Object.entries(defs).map(([k, v]) => [`${prefix}.${k}`, v]));
}
