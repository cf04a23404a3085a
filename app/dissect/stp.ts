// Spanning Tree BPDUs: IEEE 802.1D configuration and topology-change BPDUs, RSTP (802.1w) and
// MSTP (802.1s) with their MSTI records, and Cisco's PVST+ originating-VLAN TLVs; on LLC SAP 0x42,
// ethertype 0x8181 and Cisco's SNAP PIDs 0x010b (PVST+) and 0x010c (VLAN bridge), as tshark 4.0
// shows them.
import { bool, bytes, ether, fields, FieldType, hex, names, proto, str, text, uint } from './field.ts';
import { expert } from './ip-proto.ts';
import { snapKey } from './llc.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import { addBytes } from './tvb-items.ts';
import type { Tvb } from './tvb.ts';
import { formatMac } from '../format/address.ts';

/** Offsets in a BPDU. */
const AT = {
  VERSION: 2,
  TYPE: 3,
  FLAGS: 4,
  ROOT: 5,
  ROOT_COST: 13,
  BRIDGE: 17,
  PORT: 25,
  MSG_AGE: 27,
  MAX_AGE: 29,
  HELLO: 31,
  FORWARD: 33,
  V1_LENGTH: 35,
  V3_LENGTH: 36,
  MST_FORMAT: 38,
  MST_NAME: 39,
  MST_REVISION: 71,
  MST_DIGEST: 73,
  CIST_COST: 89,
  CIST_BRIDGE: 93,
  CIST_HOPS: 101,
  MSTI: 102,
  /** Where PVST+ TLVs start (after the RST BPDU's Version 1 Length, also for configuration BPDUs). */
  PVST_TLV: 36,
  /** The alternative (pre-standard Cisco) MST layout swaps the CIST bridge and cost. */
  ALT_CIST_BRIDGE: 89,
  ALT_CIST_COST: 97,
} as const;

const TYPE_CONF = 0x00;
const TYPE_RST = 0x02;
const TYPE_TCN = 0x80;
const CONF_SIZE = 35;
const TCN_SIZE = 4;
const MST_MIN = 102;
const V3_STATIC_LENGTH = 64;
const MSTI_SIZE = 16;
const ALT_MSTI_SIZE = 26;

const TYPES = names({
  0x00: 'Configuration',
  0x02: 'Rapid/Multiple Spanning Tree',
  0x80: 'Topology Change Notification',
});
const VERSIONS = names({
  0: 'Spanning Tree',
  2: 'Rapid Spanning Tree',
  3: 'Multiple Spanning Tree',
  4: 'Shortest Path Tree',
});
const ROLES = names({ 1: 'Alternate or Backup', 2: 'Root', 3: 'Designated' });
const PVST_TLVS = names({ 0: 'Originating VLAN' });
const YES_NO = ['Yes', 'No'] as const;
const flag = (name: string, mask: number) => bool(name, 8, mask, { tf: YES_NO });
const double = (name: string) => ({ name, type: FieldType.Float });

export const F = fields('stp', {
  '': proto('Spanning Tree Protocol'),
  protocol: hex('Protocol Identifier', 16, { strings: names({ 0: 'Spanning Tree Protocol' }) }),
  version: uint('Protocol Version Identifier', 8, { strings: VERSIONS }),
  type: hex('BPDU Type', 8, { strings: TYPES }),
  flags: hex('BPDU flags', 8),
  'flags.tcack': flag('Topology Change Acknowledgment', 0x80),
  'flags.agreement': flag('Agreement', 0x40),
  'flags.forwarding': flag('Forwarding', 0x20),
  'flags.learning': flag('Learning', 0x10),
  'flags.port_role': uint('Port Role', 8, { mask: 0x0c, strings: ROLES }),
  'flags.proposal': flag('Proposal', 0x02),
  'flags.tc': flag('Topology Change', 0x01),
  _root: text('Root Identifier'),
  'root.prio': uint('Root Bridge Priority', 16),
  'root.ext': uint('Root Bridge System ID Extension', 16),
  'root.hw': ether('Root Bridge System ID'),
  'root.cost': uint('Root Path Cost', 32),
  _bridge: text('Bridge Identifier'),
  'bridge.prio': uint('Bridge Priority', 16),
  'bridge.ext': uint('Bridge System ID Extension', 16),
  'bridge.hw': ether('Bridge System ID'),
  port: hex('Port identifier', 16),
  msg_age: double('Message Age'),
  max_age: double('Max Age'),
  hello: double('Hello Time'),
  forward: double('Forward Delay'),
  version_1_length: uint('Version 1 Length', 8),
  _pvst_tlv: text('PVST+ TLV'),
  'pvst.tlvtype': hex('Type', 16, { strings: PVST_TLVS }),
  'pvst.tlvlen': uint('Length', 16),
  'pvst.origvlan': uint('Originating VLAN', 16),
  'pvst.tlvval': bytes('Value'),
});

/** MSTP's fields carry their own prefix in Wireshark (no protocol of that name). */
export const M = fields('mstp', {
  version_3_length: uint('Version 3 Length', 16),
  _ext: text('MST Extension'),
  config_format_selector: uint('MST Config ID format selector', 8),
  config_name: str('MST Config name'),
  config_revision_level: uint('MST Config revision', 16),
  config_digest: bytes('MST Config digest'),
  cist_internal_root_path_cost: uint('CIST Internal Root Path Cost', 32),
  _cist_bridge: text('CIST Bridge Identifier'),
  'cist_bridge.prio': uint('CIST Bridge Priority', 16),
  'cist_bridge.ext': uint('CIST Bridge Identifier System ID Extension', 16),
  'cist_bridge.hw': ether('CIST Bridge Identifier System ID'),
  cist_remaining_hops: uint('CIST Remaining hops', 8),
  _msti: text('MSTI'),
  'msti.flags': hex('MSTI flags', 8),
  'msti.priority': hex('Priority', 8, { mask: 0xf0 }),
  'msti.msti_id': uint('MSTID', 16, { mask: 0x0fff }),
  'msti.regional_root_id': uint('MSTI Regional Root Identifier', 16),
  'msti.root.hw': ether('Regional Root'),
  'msti.root_cost': uint('Internal root path cost', 32),
  'msti.bridge_id': uint('MSTI Bridge Identifier', 16, { mask: 0x0fff }),
  'msti.bridge_id_priority': uint('MSTI Bridge Priority', 16, { mask: 0xf000 }),
  'msti.bridge_id_mac': ether('MSTI Bridge MAC'),
  'msti.bridge_priority': uint('Bridge Identifier Priority', 8),
  'msti.port_priority': uint('Port identifier priority', 8),
  'msti.port': hex('Port identifier', 16),
  'msti.remaining_hops': uint('Remaining hops', 8),
});

/** The MSTID field of the alternative layout: the whole 16 bits (the same filter name). */
const MX = fields('mstp', { 'msti.msti_id': uint('MSTID', 16) });

/** A bridge identifier (priority, 802.1t system ID extension, MAC) and its three fields. */
interface BridgeIdFields {
  node: (typeof F)['_root'];
  prio: (typeof F)['root.prio'];
  ext: (typeof F)['root.ext'];
  hw: (typeof F)['root.hw'];
}
const ROOT_ID: BridgeIdFields = { node: F._root, prio: F['root.prio'], ext: F['root.ext'], hw: F['root.hw'] };
const BRIDGE_ID: BridgeIdFields = {
  node: F._bridge,
  prio: F['bridge.prio'],
  ext: F['bridge.ext'],
  hw: F['bridge.hw'],
};
const CIST_BRIDGE_ID: BridgeIdFields = {
  node: M._cist_bridge,
  prio: M['cist_bridge.prio'],
  ext: M['cist_bridge.ext'],
  hw: M['cist_bridge.hw'],
};

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** GARP applications share the BPDU SAP: they are told apart by their group address. */
function garpApplication(pinfo: PacketInfo): number {
  const d = pinfo.dlDst;
  const b = pinfo.bytes;
  if (d < 0 || d + 6 > b.length) return -1;
  if (b[d] !== 0x01 || b[d + 1] !== 0x80 || b[d + 2] !== 0xc2 || b[d + 3] !== 0 || b[d + 4] !== 0) return -1;
  const last = b[d + 5] as number;
  return last === 0x0d || (last & 0xf0) === 0x20 ? last : -1;
}

/** A bridge identifier (priority, 802.1t system ID extension, MAC) as a subtree of its three fields. */
function addBridgeId(tvb: Tvb, at: number, tree: Tree, def: BridgeIdFields): void {
  const raw = tvb.u16(at);
  tvb.need(at + 2, 6);
  tree.push(def.node, tvb, at, 8);
  if (tree.full) {
    const mac = formatMac(tvb.bytes, at + 2);
    tree.label(`${def.node.name}: ${raw & 0xf000} / ${raw & 0x0fff} / ${mac}`);
  }
  tree.add(def.prio, tvb, at, 1, raw & 0xf000);
  tree.add(def.ext, tvb, at, 2, raw & 0x0fff);
  tree.add(def.hw, tvb, at + 2, 6);
  tree.pop();
}

/** The flags summary Wireshark appends to a bitmask item (named true flags, the port role). */
function flagsText(flags: number, rst: boolean): string {
  const parts = [`0x${hex2(flags)}`];
  if (flags & 0x80) parts.push('Topology Change Acknowledgment');
  if (rst) {
    if (flags & 0x40) parts.push('Agreement');
    if (flags & 0x20) parts.push('Forwarding');
    if (flags & 0x10) parts.push('Learning');
    parts.push(`Port Role: ${ROLES.get((flags & 0x0c) >> 2) ?? 'Unknown'}`);
    if (flags & 0x02) parts.push('Proposal');
  }
  if (flags & 0x01) parts.push('Topology Change');
  return parts.join(', ');
}

function addFlags(tvb: Tvb, at: number, tree: Tree, def: (typeof F)['flags'], rst: boolean): void {
  const flags = tvb.u8(at);
  tree.push(def, tvb, at, 1, flags);
  if (tree.full) tree.label(`${def.name}: ${flagsText(flags, rst)}`);
  tree.add(F['flags.tcack'], tvb, at, 1, (flags & 0x80) !== 0);
  if (rst) {
    tree.add(F['flags.agreement'], tvb, at, 1, (flags & 0x40) !== 0);
    tree.add(F['flags.forwarding'], tvb, at, 1, (flags & 0x20) !== 0);
    tree.add(F['flags.learning'], tvb, at, 1, (flags & 0x10) !== 0);
    tree.add(F['flags.port_role'], tvb, at, 1, (flags & 0x0c) >> 2);
    tree.add(F['flags.proposal'], tvb, at, 1, (flags & 0x02) !== 0);
  }
  tree.add(F['flags.tc'], tvb, at, 1, (flags & 0x01) !== 0);
  tree.pop();
}

/** Timer values are in 1/256 s. */
function addTimer(tvb: Tvb, at: number, tree: Tree, def: (typeof F)['msg_age']): void {
  tree.add(def, tvb, at, 2, tvb.u16(at) / 256);
}

/**
 * Reads what Info shows of a configuration or RST BPDU, in Wireshark's order (so that a BPDU cut
 * short fails where Wireshark's does), and returns the Info text when `wantInfo`.
 */
function summary(tvb: Tvb, o: number, version: number, type: number, wantInfo: boolean): string {
  const tc = tvb.u8(o + AT.FLAGS) & 0x01 ? 'TC + ' : '';
  const root = tvb.u16(o + AT.ROOT);
  tvb.need(o + AT.ROOT + 2, 6);
  const cost = tvb.u32(o + AT.ROOT_COST);
  const port = tvb.u16(o + AT.PORT);
  if (!wantInfo) return '';
  const kind = type === TYPE_CONF ? 'Conf' : version === 3 ? 'MST' : version === 4 ? 'SPT' : 'RST';
  const rootId = `${root & 0xf000}/${root & 0x0fff}/${formatMac(tvb.bytes, o + AT.ROOT + 2)}`;
  return `${kind}. ${tc}Root = ${rootId}  Cost = ${cost}  Port = 0x${hex4(port)}`;
}

/** Tells a Cisco PVST+ BPDU, which carries TLVs after the BPDU, from a plain one. */
type Variant = 'plain' | 'pvst';

function dissectBpdu(tvb: Tvb, pinfo: PacketInfo, tree: Tree, variant: Variant): number {
  const o = tvb.start;
  const garp = garpApplication(pinfo);
  if (garp === 0x20 || garp === 0x21 || garp === 0x0d) return -1; // GMRP and GVRP: not decoded
  if (garp >= 0) {
    pinfo.setProto('GARP');
    if (pinfo.wantInfo) pinfo.setInfo(`Unknown GARP application (0x${hex2(garp).toUpperCase()})`);
    return tvb.remaining(o);
  }
  pinfo.layers.push('stp');
  pinfo.setProto('STP');
  if (pinfo.wantInfo) pinfo.setInfo('');
  const type = tvb.u8(o + AT.TYPE);
  const version = tvb.u8(o + AT.VERSION);
  // Wireshark reads what Info shows before it adds the tree: a BPDU cut before its port
  // identifier has no STP subtree.
  let info = type === TYPE_TCN ? 'Topology Change Notification' : `Unknown BPDU type (${type})`;
  if (type === TYPE_CONF || type === TYPE_RST) info = summary(tvb, o, version, type, pinfo.wantInfo);
  if (pinfo.wantInfo) pinfo.setInfo(info);

  tree.push(F[''], tvb, o, tvb.remaining(o));
  let length = tvb.remaining(o);
  try {
    length = addBpdu(tvb, pinfo, tree, type, version, variant);
  } finally {
    tree.pop(Math.min(length, tvb.remaining(o)));
  }
  return Math.min(length, tvb.remaining(o));
}

/** Adds the BPDU's fields; returns the BPDU's length (Wireshark's set_actual_length). */
function addBpdu(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  type: number,
  version: number,
  variant: Variant,
): number {
  const o = tvb.start;
  tree.add(F.protocol, tvb, o, 2, tvb.u16(o));
  tree.push(F.version, tvb, o + AT.VERSION, 1, version);
  if (version !== 0 && version !== 2 && version !== 3 && version !== 4) {
    const message = 'This version of Wireshark only knows about versions 0, 2, 3 & 4';
    expert(pinfo, tree, tvb, o + AT.VERSION, 1, 'Warning', 'Protocol', message);
  }
  tree.pop();
  tree.push(F.type, tvb, o + AT.TYPE, 1, type);
  const known = type === TYPE_CONF || type === TYPE_RST || type === TYPE_TCN;
  if (!known) expert(pinfo, tree, tvb, o + AT.TYPE, 1, 'Warning', 'Protocol', 'Unknown BPDU type data');
  tree.pop();
  if (type === TYPE_TCN) return TCN_SIZE;
  if (!known) return tvb.remaining(o);

  // Wireshark reads the bridge identifier before it adds the flags.
  tvb.u16(o + AT.BRIDGE);
  tvb.need(o + AT.BRIDGE + 2, 6);
  addFlags(tvb, o + AT.FLAGS, tree, F.flags, type === TYPE_RST);
  addBridgeId(tvb, o + AT.ROOT, tree, ROOT_ID);
  tree.add(F['root.cost'], tvb, o + AT.ROOT_COST, 4, tvb.u32(o + AT.ROOT_COST));
  addBridgeId(tvb, o + AT.BRIDGE, tree, BRIDGE_ID);
  tree.add(F.port, tvb, o + AT.PORT, 2, tvb.u16(o + AT.PORT));
  addTimer(tvb, o + AT.MSG_AGE, tree, F.msg_age);
  addTimer(tvb, o + AT.MAX_AGE, tree, F.max_age);
  addTimer(tvb, o + AT.HELLO, tree, F.hello);
  addTimer(tvb, o + AT.FORWARD, tree, F.forward);
  if (type === TYPE_CONF) {
    if (variant === 'pvst') addPvstTlvs(tvb, pinfo, tree);
    return CONF_SIZE;
  }

  const v1Length = tvb.u8(o + AT.V1_LENGTH);
  tree.add(F.version_1_length, tvb, o + AT.V1_LENGTH, 1, v1Length);
  if (version >= 3 && v1Length === 0 && tvb.reportedRemaining(o) >= MST_MIN) {
    return addMst(tvb, tree, version);
  }
  if (variant === 'pvst') addPvstTlvs(tvb, pinfo, tree);
  return tvb.remaining(o);
}

type MstiFormat = 'ieee' | 'alternative' | 'unknown';

/** The MST extension: configuration ID, CIST values and the MSTI records. Returns its end. */
function addMst(tvb: Tvb, tree: Tree, version: number): number {
  const o = tvb.start;
  const v3Length = tvb.u16(o + AT.V3_LENGTH);
  tree.add(M.version_3_length, tvb, o + AT.V3_LENGTH, 2, v3Length);
  // Some bridges send a Version 3 Length of 0 and the length in the format selector; some
  // (Cisco's C3550) count MSTI messages rather than bytes.
  const selector = tvb.u8(o + AT.MST_FORMAT);
  let format: MstiFormat = 'unknown';
  let mstiLength = 0;
  if (v3Length !== 0) {
    format = 'ieee';
    mstiLength = v3Length >= V3_STATIC_LENGTH ? v3Length - V3_STATIC_LENGTH : v3Length * MSTI_SIZE;
  } else if (tvb.reportedRemaining(o) === selector + AT.MST_FORMAT + 1) {
    format = 'alternative';
    mstiLength = selector - V3_STATIC_LENGTH;
  }
  let end = tvb.reportedRemaining(o);
  if (version === 3) end = Math.min(end, AT.MSTI + mstiLength);
  const mst = tvb.sub(o, end);

  tree.push(M._ext, mst, o + AT.V3_LENGTH, Math.max(0, mst.remaining(o + AT.V3_LENGTH)));
  tree.add(M.config_format_selector, mst, o + AT.MST_FORMAT, 1, selector);
  const name = mst.ascii(o + AT.MST_NAME, 32);
  tree.add(M.config_name, mst, o + AT.MST_NAME, 32, stringz(name));
  tree.add(M.config_revision_level, mst, o + AT.MST_REVISION, 2, mst.u16(o + AT.MST_REVISION));
  mst.need(o + AT.MST_DIGEST, 16);
  tree.add(M.config_digest, mst, o + AT.MST_DIGEST, 16);
  if (format === 'ieee') {
    addCost(mst, o + AT.CIST_COST, tree);
    addBridgeId(mst, o + AT.CIST_BRIDGE, tree, CIST_BRIDGE_ID);
  } else if (format === 'alternative') {
    addBridgeId(mst, o + AT.ALT_CIST_BRIDGE, tree, CIST_BRIDGE_ID);
    addCost(mst, o + AT.ALT_CIST_COST, tree);
  }
  tree.add(M.cist_remaining_hops, mst, o + AT.CIST_HOPS, 1, mst.u8(o + AT.CIST_HOPS));
  let at = o + AT.MSTI;
  for (let left = mstiLength; left > 0;) {
    const size = format === 'ieee' ? addMsti(mst, at, tree) : addAltMsti(mst, at, tree);
    left -= size;
    at += size;
  }
  tree.pop();
  return end;
}

function addCost(tvb: Tvb, at: number, tree: Tree): void {
  tree.add(M.cist_internal_root_path_cost, tvb, at, 4, tvb.u32(at));
}

/** A string field that ends at its first NUL (FT_STRINGZPAD). */
function stringz(raw: string): string {
  const nul = raw.indexOf('\0');
  return nul < 0 ? raw : raw.slice(0, nul);
}

function mstiLabel(tvb: Tvb, at: number): string {
  const raw = tvb.u16(at);
  tvb.need(at + 2, 6);
  return `MSTID ${raw & 0x0fff}, Regional Root Identifier ${(raw & 0xf000) >>> 0} / ${formatMac(tvb.bytes, at + 2)}`;
}

/** One 802.1s MSTI configuration message (16 bytes). */
function addMsti(tvb: Tvb, at: number, tree: Tree): number {
  tvb.need(at, MSTI_SIZE);
  tree.push(M._msti, tvb, at, MSTI_SIZE);
  if (tree.full) tree.label(mstiLabel(tvb, at + 1));
  addFlags(tvb, at, tree, M['msti.flags'], true);
  const root = tvb.u16(at + 1);
  tree.add(M['msti.priority'], tvb, at + 1, 1, root >> 12);
  tree.add(M['msti.msti_id'], tvb, at + 1, 2, root & 0x0fff);
  tvb.need(at + 3, 6);
  tree.add(M['msti.root.hw'], tvb, at + 3, 6);
  tree.add(M['msti.root_cost'], tvb, at + 9, 4, tvb.u32(at + 9));
  tree.add(M['msti.bridge_priority'], tvb, at + 13, 1, tvb.u8(at + 13) >> 4);
  tree.add(M['msti.port_priority'], tvb, at + 14, 1, tvb.u8(at + 14) >> 4);
  tree.add(M['msti.remaining_hops'], tvb, at + 15, 1, tvb.u8(at + 15));
  tree.pop();
  return MSTI_SIZE;
}

/** One MSTI message of the alternative layout (26 bytes, with its own MSTID and bridge). */
function addAltMsti(tvb: Tvb, at: number, tree: Tree): number {
  // Wireshark gives this subtree the 16 bytes of the standard record.
  tvb.need(at, MSTI_SIZE);
  tree.push(M._msti, tvb, at, MSTI_SIZE);
  if (tree.full) tree.label(mstiLabel(tvb, at + 3));
  tree.add(MX['msti.msti_id'], tvb, at, 2, tvb.u16(at));
  addFlags(tvb, at + 2, tree, M['msti.flags'], true);
  const root = tvb.u16(at + 3);
  tree.add(M['msti.priority'], tvb, at + 3, 1, root >> 12);
  tree.add(M['msti.regional_root_id'], tvb, at + 3, 2, root);
  tvb.need(at + 5, 6);
  tree.add(M['msti.root.hw'], tvb, at + 5, 6);
  tree.add(M['msti.root_cost'], tvb, at + 11, 4, tvb.u32(at + 11));
  const bridge = tvb.u16(at + 15);
  tree.add(M['msti.bridge_id'], tvb, at + 15, 2, bridge & 0x0fff);
  tree.add(M['msti.bridge_id_priority'], tvb, at + 15, 2, bridge >> 12);
  tvb.need(at + 17, 6);
  tree.add(M['msti.bridge_id_mac'], tvb, at + 17, 6);
  tree.add(M['msti.port'], tvb, at + 23, 2, tvb.u16(at + 23));
  tree.add(M['msti.remaining_hops'], tvb, at + 25, 1, tvb.u8(at + 25));
  tree.pop();
  return ALT_MSTI_SIZE;
}

/** Wireshark's tvb_reported_length_remaining: none past the captured bytes. */
function reportedLeft(tvb: Tvb, at: number): number {
  return at > tvb.end ? 0 : tvb.reportedRemaining(at);
}

/** Cisco's PVST+ TLVs after the BPDU: the originating VLAN must be among them. */
function addPvstTlvs(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  let at = o + AT.PVST_TLV;
  let origVlan = false;
  if (reportedLeft(tvb, at) < 4) {
    expert(pinfo, tree, tvb, at, 0, 'Error', 'Malformed', 'TLV record is truncated prematurely');
  }
  while (reportedLeft(tvb, at) >= 4) {
    const type = tvb.u16(at);
    const length = tvb.u16(at + 2);
    tvb.need(at, 4 + length);
    tree.push(F._pvst_tlv, tvb, at, 4 + length);
    if (tree.full) tree.label(PVST_TLVS.get(type) ?? `Unknown TLV type: 0x${hex4(type)}`);
    tree.add(F['pvst.tlvtype'], tvb, at, 2, type);
    tree.push(F['pvst.tlvlen'], tvb, at + 2, 2, length);
    const valid = type !== 0 || length === 2;
    if (!valid) {
      const message = 'Indicated length is not valid for this record type';
      expert(pinfo, tree, tvb, at + 2, 2, 'Error', 'Malformed', message);
    }
    tree.pop();
    if (type === 0 && valid) {
      const vlan = tvb.u16(at + 4);
      if (tree.full) tree.label(`Originating VLAN (PVID): ${vlan}`);
      tree.add(F['pvst.origvlan'], tvb, at + 4, 2, vlan);
      origVlan = true;
    } else if (type !== 0) {
      // Wireshark adds a "TLV type is unknown" note here too, of a severity (Comment) Trawl's
      // expert info does not have.
      addBytes(tvb, at + 4, length, tree, F['pvst.tlvval']);
    }
    tree.pop();
    at += 4 + length;
  }
  if (!origVlan) {
    const message = 'Originating (PVID) VLAN TLV is missing or corrupt';
    expert(pinfo, tree, tvb, o, 0, 'Error', 'Malformed', message);
  }
}

export const dissectStp = (tvb: Tvb, pinfo: PacketInfo, tree: Tree): number =>
  dissectBpdu(tvb, pinfo, tree, 'plain');
const dissectPvst = (tvb: Tvb, pinfo: PacketInfo, tree: Tree): number =>
  dissectBpdu(tvb, pinfo, tree, 'pvst');

const SAP_BPDU = 0x42;
const ETHERTYPE_STP = 0x8181;
const OUI_CISCO = 0x00000c;

export const stpModule = {
  fields: { ...F, ...M, altMstiId: MX['msti.msti_id'] },
  handoff(reg: Registry): void {
    reg.register('llcSap', SAP_BPDU, dissectStp);
    reg.register('etherType', ETHERTYPE_STP, dissectStp);
    reg.register('llcSap', snapKey(OUI_CISCO, 0x010c), dissectStp);
    reg.register('llcSap', snapKey(OUI_CISCO, 0x010b), dissectPvst);
  },
};
