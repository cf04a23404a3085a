// CIP attributes as tshark 4.0's attribute tables name and decode them: every class's class
// attributes (instance 0), and the instance attributes of the Identity, Message Router, Connection
// Manager, TCP/IP Interface, Ethernet Link, QoS and Time Sync objects. Names label request paths;
// values are decoded for the class attributes and the Identity object (others show their bytes).
import { CIP_GENERAL_STATUS } from './cip-names.ts';
import { CIP_DEVICE_TYPES, CIP_VENDORS } from './enip-names.ts';
import { fields, hex, names, str, uint, type FieldDef } from './field.ts';
import { expert } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const IDENTITY = 0x01;

export const A = fields('cip', {
  class_revision: uint('Revision', 16),
  max_instance: uint('Max Instance', 16),
  num_instance: uint('Number of Instances', 16),
  num_class_attr: uint('Maximum ID Number Class Attributes', 16),
  num_inst_attr: uint('Maximum ID Number Instance Attributes', 16),
  'id.vendor_id': hex('Vendor ID', 16, { strings: CIP_VENDORS }),
  'id.device_type': hex('Device Type', 16, { strings: CIP_DEVICE_TYPES }),
  'id.product_code': uint('Product Code', 16),
  'id.major_rev': uint('Major Revision', 8),
  'id.minor_rev': uint('Minor Revision', 8),
  'id.status': hex('Status', 16),
  'id.owned': uint('Owned', 16, { mask: 0x0001 }),
  'id.conf': uint('Configured', 16, { mask: 0x0004 }),
  'id.ext': hex('Extended Device Status', 16, { mask: 0x00f0 }),
  'id.minor_fault1': uint('Minor Recoverable Fault', 16, { mask: 0x0100 }),
  'id.minor_fault2': uint('Minor Unrecoverable Fault', 16, { mask: 0x0200 }),
  'id.major_fault1': uint('Major Recoverable Fault', 16, { mask: 0x0400 }),
  'id.major_fault2': uint('Major Unrecoverable Fault', 16, { mask: 0x0800 }),
  'id.ext2': hex('Extended Device Status 2', 16, { mask: 0xf000 }),
  'id.serial_number': hex('Serial Number', 32),
  'id.product_name': str('Product Name'),
  'id.state': hex('State', 8, {
    strings: names({
      0: 'Nonexistent',
      1: 'Device Self Testing',
      2: 'Standby',
      3: 'Operational',
      4: 'Major Recoverable Fault',
      5: 'Major Unrecoverable Fault',
    }),
  }),
  'id.config_value': hex('Configuration Consistency Value', 16),
  'id.heartbeat': hex('Heartbeat Interval', 8),
  'getlist.attr_count': uint('Attribute Count', 16),
  'getlist.attr_status': hex('Attribute Status', 8, { strings: CIP_GENERAL_STATUS }),
  'create.instance': uint('Instance', 16),
});

/**
 * Adds an attribute's fields at `at` (the reply ends at `end`); returns its length, or -1 when it
 * is cut short and tshark notes that rather than failing.
 */
type Reader = (tvb: Tvb, tree: Tree, at: number, end: number, pinfo: PacketInfo) => number;

/** tshark's check of an attribute's length: an expert note instead of a read past the end. */
function short(pinfo: PacketInfo, tree: Tree, tvb: Tvb, at: number, message: string): number {
  expert(pinfo, tree, tvb, at, 0, 'Error', 'Malformed', message);
  return -1;
}

interface Attribute {
  name: string;
  /** Part of a Get Attributes All reply. */
  all: boolean;
  read?: Reader;
}

const u8 =
  (def: FieldDef): Reader =>
  (tvb, tree, at) => {
    tree.add(def, tvb, at, 1, tvb.u8(at));
    return 1;
  };
const u16 =
  (def: FieldDef): Reader =>
  (tvb, tree, at) => {
    tree.add(def, tvb, at, 2, tvb.u16le(at));
    return 2;
  };

const revision: Reader = (tvb, tree, at, end, pinfo) => {
  if (end - at < 2) return short(pinfo, tree, tvb, at, 'Malformed Identity revision');
  tree.add(A['id.major_rev'], tvb, at, 1, tvb.u8(at));
  tree.add(A['id.minor_rev'], tvb, at + 1, 1, tvb.u8(at + 1));
  return 2;
};

const STATUS_BITS = [
  ['id.owned', 0x0001, 0],
  ['id.conf', 0x0004, 2],
  ['id.ext', 0x00f0, 4],
  ['id.minor_fault1', 0x0100, 8],
  ['id.minor_fault2', 0x0200, 9],
  ['id.major_fault1', 0x0400, 10],
  ['id.major_fault2', 0x0800, 11],
  ['id.ext2', 0xf000, 12],
] as const;

const deviceStatus: Reader = (tvb, tree, at, end, pinfo) => {
  if (end - at < 2) return short(pinfo, tree, tvb, at, 'Malformed Identity status');
  const v = tvb.u16le(at);
  tree.push(A['id.status'], tvb, at, 2, v);
  for (const [key, mask, shift] of STATUS_BITS) tree.add(A[key], tvb, at, 2, (v & mask) >> shift);
  tree.pop();
  return 2;
};

const serial: Reader = (tvb, tree, at) => {
  tree.add(A['id.serial_number'], tvb, at, 4, tvb.u32le(at));
  return 4;
};

const productName: Reader = (tvb, tree, at, end, pinfo) => {
  const n = tvb.u8(at);
  if (end - at < 1 + n) return short(pinfo, tree, tvb, at, 'Missing string data');
  tree.add(A['id.product_name'], tvb, at + 1, n, tvb.ascii(at + 1, n));
  return 1 + n;
};

/** Attributes of every class's instance 0. */
const CLASS_ATTRIBUTES = new Map<number, Attribute>([
  [1, { name: 'Revision', all: true, read: u16(A.class_revision) }],
  [2, { name: 'Max Instance', all: true, read: u16(A.max_instance) }],
  [3, { name: 'Number of Instances', all: false, read: u16(A.num_instance) }],
  [4, { name: 'Optional Attribute List', all: false }],
  [5, { name: 'Optional Service List', all: false }],
  [6, { name: 'Maximum ID Number Class Attributes', all: true, read: u16(A.num_class_attr) }],
  [7, { name: 'Maximum ID Number Instance Attributes', all: true, read: u16(A.num_inst_attr) }],
]);

const IDENTITY_ATTRIBUTES = new Map<number, Attribute>([
  [1, { name: 'Vendor ID', all: true, read: u16(A['id.vendor_id']) }],
  [2, { name: 'Device Type', all: true, read: u16(A['id.device_type']) }],
  [3, { name: 'Product Code', all: true, read: u16(A['id.product_code']) }],
  [4, { name: 'Revision', all: true, read: revision }],
  [5, { name: 'Status', all: true, read: deviceStatus }],
  [6, { name: 'Serial Number', all: true, read: serial }],
  [7, { name: 'Product Name', all: true, read: productName }],
  [8, { name: 'State', all: true, read: u8(A['id.state']) }],
  [9, { name: 'Configuration Consistency Value', all: true, read: u16(A['id.config_value']) }],
  [10, { name: 'Heartbeat Interval', all: true, read: u8(A['id.heartbeat']) }],
]);

/** Instance attributes known by name only: (first id, names in order; '' for a gap). */
const NAMED: Record<number, readonly string[]> = {
  0x02: ['Object List', 'Number Available', 'Number Active', 'Active Connections'],
  0x06: [
    'Open Requests',
    'Open Format Rejects',
    'Open Resource Rejects',
    'Other Open Rejects',
    'Close Requests',
    'Close Format Requests',
    'Close Other Requests',
    'Connection Timeouts',
    'Connection Entry List',
    '',
    'CPU Utilization',
    'Max Buff Size',
    'Buff Size Remaining',
  ],
  0xf5: [
    'Status',
    'Configuration Capability',
    'Configuration Control',
    'Physical Link Object',
    'Interface Configuration',
    'Host Name',
    'Safety Network Number',
    'TTL Value',
    'Multicast Configuration',
    'Select ACD',
    'Last Conflict Detected',
    'EtherNet/IP Quick Connect',
    'Encapsulation Inactivity Timeout',
    'IANA Port Admin',
  ],
  0xf6: [
    'Interface Speed',
    'Interface Flags',
    'Physical Address',
    'Interface Counters',
    'Media Counters',
    'Interface Control',
    'Interface Type',
    'Interface State',
    'Admin State',
    'Interface Label',
    'Interface Capability',
    'HC Interface Counters',
    'HC Media Counters',
  ],
  0x48: [
    '802.1Q Tag Enable',
    'DSCP PTP Event',
    'DSCP PTP General',
    'DSCP Urgent',
    'DSCP Scheduled',
    'DSCP High',
    'DSCP Low',
    'DSCP Explicit',
  ],
  0x43: [
    'PTP Enable',
    'Is Synchronized',
    'System Time (Microseconds)',
    'System Time (Nanoseconds)',
    'Offset from Master',
    'Max Offset from Master',
    'Mean Path Delay To Master',
    'Grand Master Clock Info',
    'Parent Clock Info',
    'Local Clock Info',
    'Number of Ports',
    'Port State Info',
    'Port Enable Cfg',
    'Port Log Announcement Interval Cfg',
    'Port Log Sync Interval Cfg',
    'Priority1',
    'Priority2',
    'Domain number',
    'Clock Type',
    'Manufacture Identity',
    'Product Description',
    'Revision Data',
    'User Description',
    'Port Profile Identity Info',
  ],
};

/** The attribute table for a class's instance (instance 0: the class attributes), if tshark has one. */
function table(cls: number, instance: number | undefined): ReadonlyMap<number, Attribute> | undefined {
  if (instance === 0) return CLASS_ATTRIBUTES;
  return cls === IDENTITY ? IDENTITY_ATTRIBUTES : undefined;
}

export function attributeName(cls: number, instance: number | undefined, attr: number): string | undefined {
  const known = table(cls, instance)?.get(attr)?.name;
  if (known !== undefined || instance === 0) return known;
  return NAMED[cls]?.[attr - 1] || undefined;
}

/**
 * One attribute's value at `at` when the table has a reader for it: returns its length (-1 when
 * it was cut short), or null when it cannot be decoded here.
 */
export function readAttribute(
  pinfo: PacketInfo,
  tvb: Tvb,
  tree: Tree,
  at: number,
  end: number,
  cls: number,
  instance: number | undefined,
  attr: number,
): number | null {
  const read = table(cls, instance)?.get(attr)?.read;
  return read ? read(tvb, tree, at, end, pinfo) : null;
}

/**
 * A Get Attribute Single reply's value: decoded when the table has a reader (returns the title
 * suffix ` (Name)`), else null.
 */
export function singleAttribute(
  pinfo: PacketInfo,
  tvb: Tvb,
  tree: Tree,
  at: number,
  end: number,
  cls: number,
  instance: number | undefined,
  attr: number,
): string | null {
  const a = table(cls, instance)?.get(attr);
  if (!a?.read) return null;
  a.read(tvb, tree, at, end, pinfo);
  return ` (${a.name})`;
}

/**
 * A Get Attributes All reply: each attribute of the table that belongs to it, in order, under
 * "Attribute: n (Name)", while data lasts; returns where they end (or null without a table).
 */
export function allAttributes(
  pinfo: PacketInfo,
  tvb: Tvb,
  tree: Tree,
  at: number,
  end: number,
  cls: number,
  instance: number | undefined,
  attrDef: FieldDef,
): number | null {
  const t = table(cls, instance);
  if (!t) return null;
  let o = at;
  for (const [id, a] of t) {
    if (!a.all) continue;
    if (o >= end || !a.read) break;
    tree.push(attrDef, tvb, o, 0, id);
    if (tree.full) tree.label(`Attribute: ${id} (${a.name})`);
    const used = a.read(tvb, tree, o, end, pinfo);
    tree.pop(used < 0 ? end - o : used);
    if (used < 0) return end;
    o += used;
  }
  return o;
}
