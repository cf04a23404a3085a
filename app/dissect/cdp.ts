// Cisco Discovery Protocol (versions 1 and 2) over SNAP (Cisco OUI, PID 0x2000): the header with
// its checksum and every TLV Wireshark 4.0 decodes (addresses, capabilities, software version,
// ODR prefixes, cluster hello, VLANs, power, EnergyWise, HP access-point TLVs), with tshark's
// labels and Info. Like Wireshark, fixed-size values are read where the TLV says they start, also
// when the TLV is too short for them.
import { dissectData } from './data.ts';
import { ETHERTYPE_NAMES } from './ethertype.ts';
import {
  bool,
  bytes,
  ether,
  fields,
  FieldType,
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
import { expert, expertItem, onesSum } from './ip-proto.ts';
import { snapKey, OUI_NAMES } from './llc.ts';
import { Hint, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { NULL_TREE, type Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';
import { addAsciiString, addBytes } from './tvb-items.ts';
import { tvbFormatStringzpad, tvbFormatText } from './text-format.ts';
import { formatHex, formatIPv4, formatIPv6 } from '../format/address.ts';

const TYPES = names({
  0x0001: 'Device ID',
  0x0002: 'Addresses',
  0x0003: 'Port ID',
  0x0004: 'Capabilities',
  0x0005: 'Software version',
  0x0006: 'Platform',
  0x0007: 'IP Prefix/Gateway (used for ODR)',
  0x0008: 'Protocol Hello',
  0x0009: 'VTP Management Domain',
  0x000a: 'Native VLAN',
  0x000b: 'Duplex',
  0x000e: 'VoIP VLAN Reply',
  0x000f: 'VoIP VLAN Query',
  0x0010: 'Power consumption',
  0x0011: 'MTU',
  0x0012: 'Trust Bitmap',
  0x0013: 'Untrusted Port CoS',
  0x0014: 'System Name',
  0x0015: 'System Object ID',
  0x0016: 'Management Address',
  0x0017: 'Location',
  0x0018: 'External Port-ID',
  0x0019: 'Power Requested',
  0x001a: 'Power Available',
  0x001b: 'Port Unidirectional',
  0x001d: 'EnergyWise',
  0x001f: 'Spare PoE',
  0x1000: 'BSSID',
  0x1001: 'Serial number',
  0x1002: 'SSID',
  0x1003: 'Radio1 channel',
  0x1006: 'SNMP UDP port',
  0x1007: 'Web TCP port',
  0x1008: 'Source MAC address',
  0x1009: 'Radio2 channel',
  0x100a: 'Radio1 Operating mode',
  0x100b: 'Radio2 Operating mode',
  0x100c: 'Radio1 Radio mode',
  0x100d: 'Radio2 Radio mode',
});
const HELLO_CLUSTER_MGMT = 0x0112;
const HELLO_PROTOCOLS = names({ 0x0112: 'Cluster Management' });
const NRGYZ_TYPES = names({ 7: 'Role', 8: 'Domain', 9: 'Name', 0x17: 'Reply To' });
const PROTOCOL_TYPES = names({ 1: 'NLPID', 2: '802.2' });
/** Wireshark's nlpid_vals. */
const NLPIDS = names({
  0x00: 'NULL',
  0x01: 'X.29',
  0x03: 'X.633',
  0x08: 'Q.931',
  0x09: 'Q.2931',
  0x0c: 'Q.2119',
  0x80: 'SNAP',
  0x81: 'CLNP',
  0x82: 'ESIS',
  0x83: 'ISIS',
  0x85: 'IDRP',
  0x8a: 'ESIS (X.25)',
  0x8c: 'ISO 10030',
  0x8d: 'ISO 11577',
  0x8e: 'IPv6',
  0x8f: 'Avaya SPBM Fabric IPVPN',
  0xb0: 'Data compression protocol',
  0xc0: 'TRILL',
  0xc1: 'SubNetwork Dependent Convergence Function',
  0xcc: 'IP',
  0xcf: 'PPP',
});
const CHECKSUM_STATUS = names({ 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' });
const YES_NO = ['Yes', 'No'] as const;
const capability = (name: string, mask: number) => bool(name, 32, mask, { tf: YES_NO });

export const F = fields('cdp', {
  '': proto('Cisco Discovery Protocol'),
  version: uint('Version', 8),
  ttl: uint('TTL', 8, { unit: 'seconds' }),
  checksum: hex('Checksum', 16),
  'checksum.status': uint('Checksum Status', 8, { strings: CHECKSUM_STATUS, generated: true }),
  _tlv: text('TLV'),
  'tlv.type': hex('Type', 16, { strings: TYPES }),
  'tlv.len': uint('Length', 16),
  deviceid: str('Device ID'),
  platform: str('Platform'),
  portid: str('Sent through Interface'),
  capabilities: hex('Capabilities', 32),
  'capabilities.router': capability('Router', 0x1),
  'capabilities.trans_bridge': capability('Transparent Bridge', 0x2),
  'capabilities.src_bridge': capability('Source Route Bridge', 0x4),
  'capabilities.switch': capability('Switch', 0x8),
  'capabilities.host': capability('Host', 0x10),
  'capabilities.igmp_capable': capability('IGMP capable', 0x20),
  'capabilities.repeater': capability('Repeater', 0x40),
  'capabilities.voip_phone': capability('VoIP Phone', 0x80),
  'capabilities.remote': capability('Remotely Managed Device', 0x100),
  'capabilities.cvta': capability('CVTA/STP Dispute Resolution/Cisco VT Camera', 0x200),
  'capabilities.mac_relay': capability('Two Port Mac Relay', 0x400),
  software_version: str('Software version'),
  number_of_addresses: uint('Number of addresses', 32),
  _address: text('Address'),
  protocol_type: hex('Protocol type', 8, { strings: PROTOCOL_TYPES }),
  protocol_length: uint('Protocol length', 8),
  protocol: bytes('Protocol'),
  address_length: uint('Address length', 16),
  address: bytes('Address'),
  'nrgyz.ip_address': ipv4('IP Address'),
  'nrgyz.ipv6_address': ipv6('IPv6 Address'),
  odr_default_gateway: ipv4('ODR Default gateway'),
  ip_prefix: ipv4('IP Prefix'),
  oui: uint('OUI', 24),
  protocol_id: hex('Protocol ID', 16, { strings: HELLO_PROTOCOLS }),
  'cluster.master_ip': ipv4('Cluster Master IP'),
  'cluster.ip': ipv4('IP?'),
  'cluster.version': hex('Version?', 8),
  'cluster.sub_version': hex('Sub Version?', 8),
  'cluster.status': hex('Status?', 8),
  'cluster.unknown': hex('UNKNOWN', 8),
  'cluster.commander_mac': ether('Cluster Commander MAC'),
  'cluster.switch_mac': ether("Switch's MAC"),
  'cluster.management_vlan': uint('Management VLAN', 16),
  'hello.unknown': bytes('Unknown'),
  vtp_management_domain: str('VTP Management Domain'),
  native_vlan: uint('Native VLAN', 16),
  duplex: { name: 'Duplex', type: FieldType.Bool, tf: ['Full', 'Half'] },
  data: bytes('Data'),
  voice_vlan: uint('Voice VLAN', 16),
  power_consumption: uint('Power Consumption', 16),
  mtu: uint('MTU', 32),
  trust_bitmap: hex('Trust Bitmap', 8),
  untrusted_port_cos: hex('Untrusted port CoS', 8),
  system_name: str('System Name'),
  system_object_identifier: bytes('System Object Identifier'),
  'location.unknown': hex('UNKNOWN', 8),
  location: str('Location'),
  request_id: uint('Request-ID', 16),
  management_id: uint('Management-ID', 16),
  power_requested: uint('Power Requested', 32),
  power_available: uint('Power Available', 32),
  spare_poe_tlv: hex('Spare Pair PoE', 8),
  'spare_poe_tlv.poe': bool('PSE Four-Wire PoE', 8, 0x1, { tf: ['Supported', 'Not supported'] }),
  'spare_poe_tlv.spare_pair_arch': bool('PD Spare Pair Architecture', 8, 0x2, {
    tf: ['Shared', 'Independent'],
  }),
  'spare_poe_tlv.req_spare_pair_poe': bool('PD Request Spare Pair PoE', 8, 0x4, { tf: ['On', 'Off'] }),
  'spare_poe_tlv.pse_spare_pair_poe': bool('PSE Spare Pair PoE', 8, 0x8, { tf: ['On', 'Off'] }),
  encrypted_data: bytes('Encrypted Data'),
  seen_sequence: uint('Seen Sequence?', 32),
  sequence_number: uint('Sequence Number', 32),
  model_number: str('Model Number'),
  unknown_pad: hex('Unknown Pad', 16),
  hardware_version_id: str('Hardware Version ID'),
  system_serial_number: str('System Serial Number'),
  nrgyz_unknown_values: bytes('Unknown Values'),
  len_tlv_table: uint('Length of TLV table', 16),
  num_tlvs_table: uint('Number of TLVs in table', 16),
  _nrgyz_tlv: text('EnergyWise TLV'),
  'nrgyz.tlv.type': hex('TLV Type', 32, { strings: NRGYZ_TYPES }),
  'nrgyz.tlv.len': uint('TLV Length', 16),
  'nrgyz_reply_to.role': str('Role'),
  'nrgyz_reply_to.domain': str('Domain'),
  'nrgyz_reply_to.name': str('Name'),
  'nrgyz_reply_to.unknown_field': hex('Unknown Field', 16),
  'nrgyz_reply_to.port': uint('Port', 16),
  'nrgyz_reply_to.ip_address': ipv4('IP Address'),
  'nrgyz_reply_to.backup_server_port': uint('Backup server Port?', 16),
  'nrgyz_reply_to.backup_server_ip': ipv4('Backup Server IP?'),
});

const CAPABILITY_BITS = [
  F['capabilities.router'],
  F['capabilities.trans_bridge'],
  F['capabilities.src_bridge'],
  F['capabilities.switch'],
  F['capabilities.host'],
  F['capabilities.igmp_capable'],
  F['capabilities.repeater'],
  F['capabilities.voip_phone'],
  F['capabilities.remote'],
  F['capabilities.cvta'],
  F['capabilities.mac_relay'],
] as const;
const SPARE_POE_BITS = [
  F['spare_poe_tlv.poe'],
  F['spare_poe_tlv.spare_pair_arch'],
  F['spare_poe_tlv.req_spare_pair_poe'],
  F['spare_poe_tlv.pse_spare_pair_poe'],
] as const;

/** One TLV being dissected: where it starts and the length its header gives. */
interface Tlv {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  at: number;
  type: number;
  length: number;
}

/** A TLV's decoder: adds its subtree and returns where the next TLV starts. */
type TlvDecoder = (t: Tlv) => number;

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

/** Opens the TLV's subtree (the whole TLV, as its header says) with its type and length. */
function openTlv(t: Tlv, label: () => string): void {
  const { tvb, tree, at } = t;
  if (tree !== NULL_TREE) tvb.need(at, t.length);
  tree.push(F._tlv, tvb, at, t.length);
  if (tree.full) tree.label(label());
  tree.add(F['tlv.type'], tvb, at, 2, t.type);
  tree.add(F['tlv.len'], tvb, at + 2, 2, t.length);
}

function appendInfo(pinfo: PacketInfo, text: string): void {
  if (pinfo.wantInfo) pinfo.setInfo(pinfo.info + text);
}

/** A TLV whose value is one string (its label shows the whole value, NULs escaped). */
function stringTlv(def: FieldDef, title: string): TlvDecoder {
  return (t) => {
    t.tvb.need(t.at + 4, t.length - 4);
    openTlv(t, () => `${title}: ${tvbFormatText(t.tvb.bytes, t.at + 4, t.at + t.length)}`);
    addAsciiString(t.tvb, t.at + 4, t.length - 4, t.pinfo, t.tree, def);
    t.tree.pop();
    return t.at + t.length;
  };
}

function deviceId(t: Tlv): number {
  const { tvb, at, length } = t;
  tvb.need(at + 4, length - 4);
  const name = t.pinfo.wantInfo || t.tree.full ? tvbFormatStringzpad(tvb.bytes, at + 4, at + length) : '';
  appendInfo(t.pinfo, `Device ID: ${name}  `);
  openTlv(t, () => `Device ID: ${name}`);
  addAsciiString(tvb, at + 4, length - 4, t.pinfo, t.tree, F.deviceid);
  t.tree.pop();
  return at + length;
}

function portId(t: Tlv): number {
  const { tvb, at, length } = t;
  tvb.need(at + 4, length - 4);
  if (t.pinfo.wantInfo)
    appendInfo(t.pinfo, `Port ID: ${tvbFormatStringzpad(tvb.bytes, at + 4, at + length)}  `);
  openTlv(t, () => `Port ID: ${tvbFormatText(tvb.bytes, at + 4, at + length)}`);
  addAsciiString(tvb, at + 4, length - 4, t.pinfo, t.tree, F.portid);
  t.tree.pop();
  return at + length;
}

/** Addresses and Management Addresses: a count, then protocol/address records. */
function addressList(title: string): TlvDecoder {
  return (t) => {
    const { tvb, tree, at } = t;
    openTlv(t, () => title);
    const count = tvb.u32(at + 4);
    tree.add(F.number_of_addresses, tvb, at + 4, 4, count);
    let left = t.length - 8;
    let p = at + 8;
    for (let n = count; n > 0; n--) {
      const used = addAddress(tvb, p, left, tree);
      if (used < 0) break;
      p += used;
      left -= used;
    }
    tree.pop();
    return p + left;
  };
}

const SNAP_PREFIX = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00];

/** The ethertype of an 802.2 protocol field that is a SNAP header with OUI 0, else -1. */
function snapEthertype(tvb: Tvb, at: number, length: number): number {
  if (length !== 8) return -1;
  for (let i = 0; i < 6; i++) if (tvb.bytes[at + i] !== SNAP_PREFIX[i]) return -1;
  return tvb.u16(at + 6);
}

/**
 * One address record in `left` bytes at `p`; returns its length, or -1 where it runs out (shown
 * as "Truncated address").
 */
function addAddress(tvb: Tvb, p: number, left: number, tree: Tree): number {
  // Wireshark adds the record with the length left, so a negative one is malformed.
  if (left < -1) throw new MalformedError('Malformed Packet', p);
  const length = left === -1 ? tvb.remaining(p) : left;
  tvb.need(p, length);
  tree.push(F._address, tvb, p, length);
  try {
    if (tree.full) tree.label('Truncated address');
    if (left < 1) return -1;
    const type = tvb.u8(p);
    tree.add(F.protocol_type, tvb, p, 1, type);
    if (left < 2) return -1;
    const protoLength = tvb.u8(p + 1);
    tree.add(F.protocol_length, tvb, p + 1, 1, protoLength);
    let q = p + 2;
    let rest = left - 2;
    if (rest < protoLength) {
      if (rest !== 0) addTruncated(tvb, q, rest, tree, F.protocol);
      return -1;
    }
    const nlpid = type === 1 && protoLength === 1 ? tvb.u8(q) : -1;
    const etype = type === 2 ? snapEthertype(tvb, q, protoLength) : -1;
    addProtocol(tvb, q, protoLength, tree, nlpid, etype);
    q += protoLength;
    rest -= protoLength;
    if (rest < 2) return -1;
    const addrLength = tvb.u16(q);
    tree.add(F.address_length, tvb, q, 2, addrLength);
    q += 2;
    rest -= 2;
    if (rest < addrLength) {
      if (rest !== 0) addTruncated(tvb, q, rest, tree, F.address);
      return -1;
    }
    // An empty address keeps the record's "Truncated address" label.
    if (addrLength > 0) addAddressValue(tvb, q, addrLength, tree, nlpid, etype);
    else addBytes(tvb, q, 0, tree, F.address);
    return 4 + protoLength + addrLength;
  } finally {
    tree.pop();
  }
}

/** The protocol of an address: an NLPID or an ethertype in a SNAP header is shown by name. */
function addProtocol(tvb: Tvb, at: number, length: number, tree: Tree, nlpid: number, etype: number): void {
  addBytes(tvb, at, length, tree, F.protocol);
  if (!tree.full) return;
  if (nlpid >= 0) tree.labelLast(`Protocol: ${NLPIDS.get(nlpid) ?? `Unknown (0x${hex2(nlpid)})`}`);
  else if (etype >= 0)
    tree.labelLast(`Protocol: ${ETHERTYPE_NAMES.get(etype) ?? `Unknown (0x${hex4(etype)})`}`);
}

/** An address of a known kind gets its own field and the record's label. */
function addAddressValue(
  tvb: Tvb,
  at: number,
  length: number,
  tree: Tree,
  nlpid: number,
  etype: number,
): void {
  tvb.need(at, length);
  if (nlpid === 0xcc && length === 4) {
    const ip = tvb.u32(at);
    if (tree.full) tree.label(`IP address: ${formatIPv4(ip)}`);
    tree.add(F['nrgyz.ip_address'], tvb, at, 4, ip);
  } else if (etype === 0x86dd && length === 16) {
    if (tree.full) tree.label(`IPv6 address: ${formatIPv6(tvb.bytes, at)}`);
    tree.add(F['nrgyz.ipv6_address'], tvb, at, 16);
  } else {
    if (tree.full) tree.label(`Address: ${formatHex(tvb.bytes, at, length)}`);
    tree.add(F.address, tvb, at, length);
  }
}

/** The part of a value that is there, labelled "(truncated)". */
function addTruncated(tvb: Tvb, at: number, length: number, tree: Tree, def: FieldDef): void {
  tvb.need(at, length);
  tree.add(def, tvb, at, length);
  if (tree.full) tree.labelLast(`${def.name}: ${formatHex(tvb.bytes, at, length)} (truncated)`);
}

function capabilities(t: Tlv): number {
  const { tvb, tree, at } = t;
  openTlv(t, () => 'Capabilities');
  if (t.length - 4 >= 4) {
    const caps = tvb.u32(at + 4);
    tree.push(F.capabilities, tvb, at + 4, 4, caps);
    for (const def of CAPABILITY_BITS) tree.add(def, tvb, at + 4, 4, (caps & (def.mask ?? 0)) !== 0);
    tree.pop();
  }
  tree.pop();
  return at + t.length;
}

/** The software version, one item per line. */
function softwareVersion(t: Tlv): number {
  const { tvb, tree, at, length } = t;
  tvb.need(at, length);
  openTlv(t, () => 'Software Version');
  const end = at + length;
  for (let p = at + 4; p < end;) {
    let eol = p;
    while (eol < end && tvb.bytes[eol] !== 0x0a && tvb.bytes[eol] !== 0x0d) eol++;
    let next = eol;
    if (next < end)
      next += tvb.bytes[next] === 0x0d && next + 1 < end && tvb.bytes[next + 1] === 0x0a ? 2 : 1;
    tree.add(F.software_version, tvb, p, next - p, tvbFormatStringzpad(tvb.bytes, p, eol));
    p = next;
  }
  tree.pop();
  return end;
}

/** ODR: a default gateway (length 8) or prefixes of 5 bytes (address and prefix length). */
function ipPrefix(t: Tlv): number {
  const { tvb, tree, at, length } = t;
  if (length === 8) {
    const gw = tvb.u32(at + 4);
    openTlv(t, () => `ODR Default gateway: ${formatIPv4(gw)}`);
    tree.add(F.odr_default_gateway, tvb, at + 4, 4, gw);
    tree.pop();
    return at + 8;
  }
  openTlv(t, () => `IP Prefixes: ${Math.floor(length / 5)}`);
  let p = at + 4;
  for (let left = length - 4; left > 0; left -= 5) {
    const prefix = tvb.u32(p);
    const bits = tvb.u8(p + 4);
    // Wireshark keeps the address in host order: -T fields prints its bytes reversed.
    tree.add(F.ip_prefix, tvb, p, 5, tvb.u32le(p));
    if (tree.full) tree.labelLast(`IP Prefix: ${formatIPv4(prefix)}/${bits}`);
    p += 5;
  }
  tree.pop();
  return p;
}

function protocolHello(t: Tlv): number {
  const { tvb, tree, at, length } = t;
  const id = tvb.u16(at + 7);
  openTlv(t, () => `Protocol Hello: ${HELLO_PROTOCOLS.get(id) ?? `Unknown (0x${hex4(id)})`}`);
  tvb.need(at + 4, 3);
  tree.add(F.oui, tvb, at + 4, 3, tvb.u24(at + 4));
  if (tree.full) tree.labelLast(ouiLabel(tvb, at + 4));
  tree.add(F.protocol_id, tvb, at + 7, 2, id);
  if (id === HELLO_CLUSTER_MGMT) addClusterHello(tvb, at, tree);
  else {
    addBytes(tvb, at + 9, length - 9, tree, F['hello.unknown']);
  }
  tree.pop();
  return at + length;
}

function ouiLabel(tvb: Tvb, at: number): string {
  const b = tvb.bytes;
  const name = OUI_NAMES.get(tvb.u24(at));
  const colons = `${hex2(b[at] ?? 0)}:${hex2(b[at + 1] ?? 0)}:${hex2(b[at + 2] ?? 0)}`;
  return `OUI: ${colons}${name === undefined ? '' : ` (${name})`}`;
}

function addClusterHello(tvb: Tvb, at: number, tree: Tree): void {
  tree.add(F['cluster.master_ip'], tvb, at + 9, 4, tvb.u32(at + 9));
  tree.add(F['cluster.ip'], tvb, at + 13, 4, tvb.u32(at + 13));
  tree.add(F['cluster.version'], tvb, at + 17, 1, tvb.u8(at + 17));
  tree.add(F['cluster.sub_version'], tvb, at + 18, 1, tvb.u8(at + 18));
  tree.add(F['cluster.status'], tvb, at + 19, 1, tvb.u8(at + 19));
  tree.add(F['cluster.unknown'], tvb, at + 20, 1, tvb.u8(at + 20));
  tvb.need(at + 21, 12);
  tree.add(F['cluster.commander_mac'], tvb, at + 21, 6);
  tree.add(F['cluster.switch_mac'], tvb, at + 27, 6);
  tree.add(F['cluster.unknown'], tvb, at + 33, 1, tvb.u8(at + 33));
  tree.add(F['cluster.management_vlan'], tvb, at + 34, 2, tvb.u16(at + 34));
}

/** A TLV holding one number at its start; `label` is the subtree's text for it. */
function numberTlv(
  def: FieldDef,
  size: 1 | 2 | 4,
  label: (v: number) => string,
  item?: (v: number) => string,
) {
  return (t: Tlv): number => {
    const { tvb, tree, at } = t;
    const at4 = at + 4;
    const v = size === 1 ? tvb.u8(at4) : size === 2 ? tvb.u16(at4) : tvb.u32(at4);
    openTlv(t, () => label(v));
    tree.add(def, tvb, at4, size, v);
    if (item && tree.full) tree.labelLast(item(v));
    tree.pop();
    return at + t.length;
  };
}

function duplex(t: Tlv): number {
  const { tvb, tree, at } = t;
  const full = tvb.u8(at + 4) !== 0;
  openTlv(t, () => `Duplex: ${full ? 'Full' : 'Half'}`);
  tree.add(F.duplex, tvb, at + 4, 1, full);
  tree.pop();
  return at + t.length;
}

/** VoIP VLAN reply and query: a data byte and the VLAN (Wireshark skips the VLAN at length 6). */
function voipVlan(title: string): TlvDecoder {
  return (t) => {
    const { tvb, tree, at, length } = t;
    const vlan = length === 6 ? -1 : tvb.u16(at + 5);
    openTlv(t, () => (vlan < 0 ? title : `${title}: VLAN ${vlan}`));
    addBytes(tvb, at + 4, vlan < 0 ? 2 : 1, tree, F.data);
    if (vlan >= 0) tree.add(F.voice_vlan, tvb, at + 5, 2, vlan);
    tree.pop();
    return at + length;
  };
}

function systemOid(t: Tlv): number {
  const { tvb, tree, at, length } = t;
  openTlv(t, () => 'System Object Identifier');
  addBytes(tvb, at + 4, length - 4, tree, F.system_object_identifier);
  tree.pop();
  return at + length;
}

function location(t: Tlv): number {
  const { tvb, tree, at, length } = t;
  tvb.need(at, length);
  openTlv(t, () => `Location: ${tvbFormatText(tvb.bytes, at + 5, at + length)}`);
  tree.add(F['location.unknown'], tvb, at + 4, 1, tvb.u8(at + 4));
  addAsciiString(tvb, at + 5, length - 5, t.pinfo, tree, F.location);
  tree.pop();
  return at + length;
}

/** Power requested and available: request and management IDs, then values in mW. */
function power(title: string, def: FieldDef): TlvDecoder {
  return (t) => {
    const { tvb, tree, at } = t;
    openTlv(t, () => title);
    tree.add(F.request_id, tvb, at + 4, 2, tvb.u16(at + 4));
    tree.add(F.management_id, tvb, at + 6, 2, tvb.u16(at + 6));
    const values: string[] = [];
    // Wireshark's count is unsigned: a TLV shorter than 8 bytes reads on to the end of the PDU.
    let left = (t.length - 8) >>> 0;
    let p = at + 8;
    for (; left >= 4; left -= 4, p += 4) {
      const v = tvb.u32(p);
      tree.add(def, tvb, p, 4, v);
      if (!tree.full) continue;
      tree.labelLast(`${def.name}: ${v}mW`);
      values.push(`${v} mW`);
      tree.label(`${title}: ${values.join(', ')}`);
    }
    tree.pop();
    return p + left;
  };
}

function sparePoe(t: Tlv): number {
  const { tvb, tree, at } = t;
  openTlv(t, () => 'Spare Pair PoE');
  if (t.length > 4) {
    const v = tvb.u8(at + 4);
    tree.push(F.spare_poe_tlv, tvb, at + 4, 1, v);
    for (const def of SPARE_POE_BITS) tree.add(def, tvb, at + 4, 1, (v & (def.mask ?? 0)) !== 0);
    tree.pop();
  }
  tree.pop();
  return at + t.length;
}

/** EnergyWise: fixed identity fields, then a table of its own TLVs. */
function energyWise(t: Tlv): number {
  const { tvb, tree, at, pinfo } = t;
  tvb.need(at, t.length);
  openTlv(t, () => 'EnergyWise');
  addBytes(tvb, at + 4, 20, tree, F.encrypted_data);
  tree.add(F.seen_sequence, tvb, at + 24, 4, tvb.u32(at + 24));
  tree.add(F.sequence_number, tvb, at + 28, 4, tvb.u32(at + 28));
  addAsciiString(tvb, at + 32, 16, pinfo, tree, F.model_number);
  tree.add(F.unknown_pad, tvb, at + 48, 2, tvb.u16(at + 48));
  addAsciiString(tvb, at + 50, 3, pinfo, tree, F.hardware_version_id);
  addAsciiString(tvb, at + 53, 11, pinfo, tree, F.system_serial_number);
  addBytes(tvb, at + 64, 8, tree, F.nrgyz_unknown_values);
  const tableLength = tvb.u16(at + 72);
  const count = tvb.u16(at + 74);
  tree.add(F.len_tlv_table, tvb, at + 72, 2, tableLength);
  tree.add(F.num_tlvs_table, tvb, at + 74, 2, count);
  addEnergyWiseTlvs(tvb, pinfo, tree, at + 76, tableLength, count);
  tree.pop();
  return at + t.length;
}

const NRGYZ_STRINGS = new Map<number, FieldDef>([
  [7, F['nrgyz_reply_to.role']],
  [8, F['nrgyz_reply_to.domain']],
  [9, F['nrgyz_reply_to.name']],
]);

function addEnergyWiseTlvs(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  p: number,
  length: number,
  count: number,
): void {
  let left = length;
  for (let n = count; n > 0 && left >= 8; n--) {
    const type = tvb.u32(p);
    const tlvLength = tvb.u32(p + 4);
    if (left < tlvLength) break;
    left -= tlvLength;
    if (tlvLength < 8) {
      expertItem(pinfo, tree, tvb, p, 8, 'Error', 'Malformed', `TLV with invalid length ${tlvLength} (< 8)`);
      p += 8;
      break;
    }
    addEnergyWiseTlv(tvb, pinfo, tree, p, type, tlvLength);
    p += tlvLength;
  }
  if (left > 0) expertItem(pinfo, tree, tvb, p, left, 'Error', 'Malformed', 'Invalid bytes at end');
}

function addEnergyWiseTlv(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  p: number,
  type: number,
  length: number,
): void {
  const name = NRGYZ_TYPES.get(type) ?? `Unknown (0x${hex4(type)})`;
  const stringDef = NRGYZ_STRINGS.get(type);
  tvb.need(p, length);
  let label = `EnergyWise ${name} TLV`;
  if (stringDef) label = `EnergyWise ${name}: ${tvbFormatStringzpad(tvb.bytes, p + 8, p + length)}`;
  else if (type === 0x17)
    label = `EnergyWise ${name}: ${formatIPv4(tvb.u32(p + 12))} port ${tvb.u16(p + 10)}`;
  tree.push(F._nrgyz_tlv, tvb, p, length);
  if (tree.full) tree.label(label);
  tree.add(F['nrgyz.tlv.type'], tvb, p, 4, type);
  tree.add(F['nrgyz.tlv.len'], tvb, p + 4, 4, length);
  if (stringDef) addAsciiString(tvb, p + 8, length - 8, pinfo, tree, stringDef);
  else if (type === 0x17) {
    tree.add(F['nrgyz_reply_to.unknown_field'], tvb, p + 8, 2, tvb.u16(p + 8));
    tree.add(F['nrgyz_reply_to.port'], tvb, p + 10, 2, tvb.u16(p + 10));
    tree.add(F['nrgyz_reply_to.ip_address'], tvb, p + 12, 4, tvb.u32(p + 12));
    tree.add(F['nrgyz_reply_to.backup_server_port'], tvb, p + 16, 2, tvb.u16(p + 16));
    tree.add(F['nrgyz_reply_to.backup_server_ip'], tvb, p + 18, 4, tvb.u32(p + 18));
  } else if (length > 8) addBytes(tvb, p + 8, length - 8, tree, F.data);
  tree.pop();
}

/** HP access points put their values in string TLVs shown as Platform. */
function hpTlv(title: string): TlvDecoder {
  return (t) => {
    const { tvb, at, length } = t;
    tvb.need(at + 4, length - 4);
    if (t.type === 0x1002 && length === 4) {
      openTlv(t, () => 'SSID: [Empty]');
      t.tree.pop();
      return at + length;
    }
    openTlv(t, () => `${title}: ${tvbFormatText(tvb.bytes, at + 4, at + length)}`);
    addAsciiString(tvb, at + 4, length - 4, t.pinfo, t.tree, F.platform);
    t.tree.pop();
    return at + length;
  };
}

/** A TLV Wireshark does not decode: its value as data. An empty one ends the PDU (returns -1). */
function unknownTlv(t: Tlv): number {
  const { tvb, tree, at, length } = t;
  tvb.need(at, length);
  const name = TYPES.get(t.type) ?? `Unknown (0x${hex4(t.type)})`;
  openTlv(t, () => `Type: ${name}, length: ${length}`);
  if (length > 4) addBytes(tvb, at + 4, length - 4, tree, F.data);
  tree.pop();
  return length > 4 ? at + length : -1;
}

const DECODERS = new Map<number, TlvDecoder>([
  [0x0001, deviceId],
  [0x0002, addressList('Addresses')],
  [0x0003, portId],
  [0x0004, capabilities],
  [0x0005, softwareVersion],
  [0x0006, stringTlv(F.platform, 'Platform')],
  [0x0007, ipPrefix],
  [0x0008, protocolHello],
  [0x0009, stringTlv(F.vtp_management_domain, 'VTP Management Domain')],
  [0x000a, numberTlv(F.native_vlan, 2, (v) => `Native VLAN: ${v}`)],
  [0x000b, duplex],
  [0x000e, voipVlan('VoIP VLAN Reply')],
  [0x000f, voipVlan('VoIP VLAN Query')],
  [
    0x0010,
    numberTlv(
      F.power_consumption,
      2,
      (v) => `Power Consumption: ${v} mW`,
      (v) => `Power Consumption: ${v}mW`,
    ),
  ],
  [0x0011, numberTlv(F.mtu, 4, (v) => `MTU: ${v}`)],
  [0x0012, numberTlv(F.trust_bitmap, 1, (v) => `Trust Bitmap: 0x${hex2(v).toUpperCase()}`)],
  [0x0013, numberTlv(F.untrusted_port_cos, 1, (v) => `Untrusted port CoS: 0x${hex2(v).toUpperCase()}`)],
  [0x0014, stringTlv(F.system_name, 'System Name')],
  [0x0015, systemOid],
  [0x0016, addressList('Management Addresses')],
  [0x0017, location],
  [0x0019, power('Power Request', F.power_requested)],
  [0x001a, power('Power Available', F.power_available)],
  [0x001d, energyWise],
  [0x001f, sparePoe],
  [0x1000, hpTlv('BSSID')],
  [0x1001, hpTlv('Serial')],
  [0x1002, hpTlv('SSID')],
  [0x1003, hpTlv('Radio 1 channel')],
  [0x1006, hpTlv('SNMP port')],
  [0x1007, hpTlv('Web mgmt port')],
  [0x1008, hpTlv('Source MAC')],
  [0x1009, hpTlv('Radio 2 channel')],
  [0x100a, hpTlv('Radio 1 operating mode')],
  [0x100b, hpTlv('Radio 2 operating mode')],
  [0x100c, hpTlv('Radio 1 radio mode')],
  [0x100d, hpTlv('Radio 2 radio mode')],
]);

/** TLVs Wireshark reads also when it builds no tree (for Info, or where a TLV ends). */
const SUMMARY_TLVS = new Set([0x0001, 0x0002, 0x0003, 0x0004, 0x0007, 0x0019, 0x001a, 0x001f]);

/** The TLVs from `p`; returns where undecoded bytes start, or -1 when Wireshark stops early. */
function addTlvs(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number): number {
  while (tvb.reportedRemaining(p) !== 0) {
    const type = tvb.u16(p);
    const length = tvb.u16(p + 2);
    if (length < 4) {
      tree.push(F._tlv, tvb, p, 4);
      if (tree.full) tree.label(`TLV with invalid length ${length} (< 4)`);
      tree.add(F['tlv.type'], tvb, p, 2, type);
      tree.add(F['tlv.len'], tvb, p + 2, 2, length);
      tree.pop();
      return p + 4;
    }
    // Wireshark decodes most TLVs only into a tree: without one it steps over them.
    if (tree === NULL_TREE && !SUMMARY_TLVS.has(type)) {
      p += length;
      continue;
    }
    const decode = DECODERS.get(type) ?? unknownTlv;
    p = decode({ tvb, pinfo, tree, at: p, type, length });
    if (p < 0) return -1;
  }
  return p;
}

/**
 * CDP's checksum is the Internet checksum, except for an odd length: the last byte is taken as
 * the low byte of a word, one less (and the high byte 0xff) when its top bit is set.
 */
function cdpSum(bytes: Uint8Array, o: number, length: number): number {
  if (length % 2 === 0) return onesSum(bytes, o, length);
  const last = bytes[o + length - 1] as number;
  let sum = onesSum(bytes, o, length - 1) + (last & 0x80 ? 0xff00 | ((last - 1) & 0xff) : last);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

function addChecksum(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number): void {
  const sum = tvb.u16(o + 2);
  const length = tvb.reportedRemaining(o);
  // Wireshark checksums the whole PDU: one cut short by the capture ends here.
  tvb.need(o, length);
  const h = `0x${hex4(sum)}`;
  if (cdpSum(tvb.bytes, o, length) === 0xffff) {
    tree.add(F.checksum, tvb, o + 2, 2, sum);
    if (tree.full) tree.labelLast(`Checksum: ${h} [correct]`);
    tree.add(F['checksum.status'], tvb, o + 2, 0, 1);
    if (tree.full) tree.labelLast('[Checksum Status: Good]');
    return;
  }
  pinfo.hints |= Hint.BadChecksum;
  if (tree === NULL_TREE) return;
  const copy = tvb.bytes.slice(o, o + length);
  copy[2] = 0;
  copy[3] = 0;
  const should = `0x${hex4(~cdpSum(copy, 0, length) & 0xffff)}`;
  tree.push(F.checksum, tvb, o + 2, 2, sum);
  if (tree.full) tree.label(`Checksum: ${h} incorrect, should be ${should}`);
  expert(pinfo, tree, tvb, o + 2, 2, 'Error', 'Checksum', `Bad checksum [should be ${should}]`);
  tree.pop();
  tree.add(F['checksum.status'], tvb, o + 2, 0, 0);
  if (tree.full) tree.labelLast('[Checksum Status: Bad]');
}

export function dissectCdp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('cdp');
  pinfo.setProto('CDP');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    tree.add(F.version, tvb, o, 1, tvb.u8(o));
    tree.add(F.ttl, tvb, o + 1, 1, tvb.u8(o + 1));
    addChecksum(tvb, pinfo, tree, o);
    const rest = addTlvs(tvb, pinfo, tree, o + 4);
    if (rest >= 0) {
      tvb.need(rest, 0);
      dissectData(tvb.sub(rest), pinfo, tree);
    }
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

const OUI_CISCO = 0x00000c;
const PID_CDP = 0x2000;

export const cdpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('llcSap', snapKey(OUI_CISCO, PID_CDP), dissectCdp);
  },
};
