// DNP 3.0 on TCP and UDP 20000 (`dnp3.*`) as tshark 4.0 decodes it: the data link header and its
// CRC, the transport octet, the user data chunks with their CRCs (checked, then stripped into a
// new data source), application fragments reassembled across frames by the transport FIR/FIN bits,
// and the application header, internal indications, and the objects of the common groups with
// their qualifiers and points. The object list stops at the first object Trawl does not decode.
import { addChecksum, dnp3Crc, type ChecksumFields } from './checksum.ts';
import { formatAbsoluteUtc } from '../format/time.ts';
import {
  absTime,
  bool,
  bytes,
  fields,
  FieldType,
  hex,
  names,
  proto,
  text,
  uint,
  type FieldSpec,
} from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import { FragmentTable } from './reassembly.ts';
import type { Registry } from './registry.ts';
import { tcpDissectPdus, type PduSpec } from './tcp-pdus.ts';
import type { Tree } from './tree.ts';
import { MalformedError, Tvb } from './tvb.ts';

const PORT = 20000;

const PRI_FUNC = names({
  0: 'Reset of Remote Link',
  1: 'Reset of User Process',
  2: 'Test Function For Link',
  3: 'User Data',
  4: 'Unconfirmed User Data',
  9: 'Request Link Status',
});
const SEC_FUNC = names({
  0: 'ACK',
  1: 'NACK',
  11: 'Status of Link',
  14: 'Link Service Not Functioning',
  15: 'Link Service Not Used or Implemented',
});
const AL_FUNC = names({
  0: 'Confirm',
  1: 'Read',
  2: 'Write',
  3: 'Select',
  4: 'Operate',
  5: 'Direct Operate',
  6: 'Direct Operate No Ack',
  7: 'Immediate Freeze',
  8: 'Immediate Freeze No Ack',
  9: 'Freeze and Clear',
  10: 'Freeze and Clear No ACK',
  11: 'Freeze With Time',
  12: 'Freeze With Time No ACK',
  13: 'Cold Restart',
  14: 'Warm Restart',
  15: 'Initialize Data',
  16: 'Initialize Application',
  17: 'Start Application',
  18: 'Stop Application',
  19: 'Save Configuration',
  20: 'Enable Spontaneous Messages',
  21: 'Disable Spontaneous Messages',
  22: 'Assign Classes',
  23: 'Delay Measurement',
  24: 'Record Current Time',
  25: 'Open File',
  26: 'Close File',
  27: 'Delete File',
  28: 'Get File Info',
  29: 'Authenticate File',
  30: 'Abort File',
  31: 'Activate Config',
  32: 'Authentication Request',
  33: 'Authentication Error',
  129: 'Response',
  130: 'Unsolicited Response',
  131: 'Authentication Response',
});

const IIN = [
  ['rst', 'Device Restart'],
  ['dt', 'Device Trouble'],
  ['dol', 'Digital Outputs in Local'],
  ['tsr', 'Time Sync Required'],
  ['cls3d', 'Class 3 Data Available'],
  ['cls2d', 'Class 2 Data Available'],
  ['cls1d', 'Class 1 Data Available'],
  ['bmsg', 'Broadcast Msg Rx'],
  ['cc', 'Configuration Corrupt'],
  ['oae', 'Operation Already Executing'],
  ['ebo', 'Event Buffer Overflow'],
  ['pioor', 'Parameters Invalid or Out of Range'],
  ['obju', 'Requested Objects Unknown'],
  ['fcni', 'Function Code not implemented'],
] as const;
/** The IIN bits in tree order (bits 14 and 15 of the second octet are reserved and not shown). */
const IIN_MASKS = [
  0x8000, 0x4000, 0x2000, 0x1000, 0x0800, 0x0400, 0x0200, 0x0100, 0x20, 0x10, 0x08, 0x04, 0x02, 0x01,
];

const PREFIX = names({
  0: 'None',
  1: '1-Octet Index Prefix',
  2: '2-Octet Index Prefix',
  3: '4-Octet Index Prefix',
  4: '1-Octet Object Size Prefix',
  5: '2-Octet Object Size Prefix',
  6: '4-Octet Object Size Prefix',
});
const RANGE = names({
  0: '8-bit Start and Stop Indices',
  1: '16-bit Start and Stop Indices',
  2: '32-bit Start and Stop Indices',
  3: '8-bit Absolute Address in Range Field',
  4: '16-bit Absolute Address in Range Field',
  5: '32-bit Absolute Address in Range Field',
  6: 'No Range Field',
  7: '8-bit Single Field Quantity',
  8: '16-bit Single Field Quantity',
  9: '32-bit Single Field Quantity',
  11: 'Free-format Qualifier, range field has 1 octet count of objects',
});

/** Object names by group and variation (`Object(s): …`), for the groups Trawl decodes. */
const OBJECTS = names({
  0x0100: 'Binary Input Default Variation',
  0x0101: 'Single-Bit Binary Input',
  0x0102: 'Binary Input With Status',
  0x0200: 'Binary Input Change Default Variation',
  0x0201: 'Binary Input Change Without Time',
  0x0202: 'Binary Input Change With Time',
  0x0a02: 'Binary Output Status',
  0x0c01: 'Control Relay Output Block',
  0x1400: 'Binary Counter Default Variation',
  0x1401: '32-Bit Binary Counter',
  0x1402: '16-Bit Binary Counter',
  0x1405: '32-Bit Binary Counter Without Flag',
  0x1406: '16-Bit Binary Counter Without Flag',
  0x1e00: 'Analog Input Default Variation',
  0x1e01: '32-Bit Analog Input',
  0x1e02: '16-Bit Analog Input',
  0x1e03: '32-Bit Analog Input Without Flag',
  0x1e04: '16-Bit Analog Input Without Flag',
  0x2000: 'Analog Input Change Default Variation',
  0x2001: '32-Bit Analog Change Event w/o Time',
  0x2002: '16-Bit Analog Change Event w/o Time',
  0x3201: 'Time and Date',
  0x3c01: 'Class 0 Data',
  0x3c02: 'Class 1 Data',
  0x3c03: 'Class 2 Data',
  0x3c04: 'Class 3 Data',
  0x5001: 'Internal Indications',
});
/** Group 80's points by index: the IIN bits as tshark names them. */
const IIN_POINTS = [
  "Broadcast message Rx'd",
  'Class 1 Data Available',
  'Class 2 Data Available',
  'Class 3 Data Available',
  'Time Sync Required from Master',
  'Outputs in Local Mode',
  'Device Trouble',
  'Device Restart',
  'Function Code not implemented',
  'Requested Objects Unknown',
  'Parameters Invalid or Out of Range',
  'Event Buffer Overflow',
  'Operation Already Executing',
  'Device Configuration Corrupt',
];

const CROB_OP = names({ 0: 'NUL Operation', 1: 'Pulse On', 2: 'Pulse Off', 3: 'Latch On', 4: 'Latch Off' });
const CROB_CLR = names({ 0: 'Not Set', 1: 'Queue', 2: 'Clear', 3: 'Queue and Clear' });
const CROB_TRIP = names({ 0: 'NUL', 1: 'Close', 2: 'Trip', 3: 'Reserved' });
const CTRL_STATUS = names({
  0: 'Req. Accepted/Init/Queued',
  1: 'Req. Not Accepted; Arm-Timer Expired',
  2: "Req. Not Accepted; No 'SELECT' Received",
  3: 'Req. Not Accepted; Format Err. in Ctl Req.',
  4: 'Ctl Oper. Not Supported For This Point',
  5: 'Req. Not Accepted; Ctrl Queue Full/Point Active',
  6: 'Req. Not Accepted; Ctrl Hardware Problems',
  7: 'Req. Not Accepted; Local/Remote switch in Local',
  8: 'Req. Not Accepted; Too many operations',
  9: 'Req. Not Accepted; Insufficient authorization',
  10: 'Req. Not Accepted; Local automation proc active',
  11: 'Req. Not Accepted; Processing limited',
  12: 'Req. Not Accepted; Out of range value',
  126: 'Req. Not Accepted; Non-participating (NOP request)',
  127: 'Req. Not Accepted; Undefined error',
});

/** The object list's heading by function (responses have their own). */
const SECTIONS = names({
  1: 'READ Request Data Objects',
  2: 'WRITE Request Data Objects',
  3: 'SELECT Request Data Objects',
  4: 'OPERATE Request Data Objects',
  5: 'DIRECT OPERATE Request Data Objects',
  6: 'DIRECT OPERATE Request Data Objects',
  7: 'Freeze Request Data Objects',
  20: "Enable Spontaneous Msg's Data Objects",
});

/** The group names a read or write lists in Info (others, group 12 among them, are "Unknown Object Type"). */
const READ_INFO = names({
  0: 'Device Attribute',
  1: 'Binary Input',
  2: 'Binary Input Change',
  3: 'Double-bit Input',
  4: 'Double-bit Input Change',
  10: 'Binary Output',
  11: 'Binary Output Change',
  20: 'Counter',
  21: 'Frozen Counter',
  22: 'Counter Change',
  23: 'Frozen Counter Change',
  30: 'Analog Input',
  32: 'Analog Input Change',
  40: 'Analog Output',
  42: 'Analog Output Change',
  50: 'Time and Date',
  70: 'File Control',
  80: 'Internal Indications',
  110: 'Octet String',
  111: 'Octet String Event',
  113: 'Virtual Terminal Event Data',
});

type QualityField = `al.${'bi' | 'bo' | 'ai' | 'ctr'}q.b${0 | 1 | 2 | 3 | 4 | 5 | 6 | 7}`;

/** The eight bits of one kind of quality octet (`dnp3.al.biq.b0` … `b7`). */
function qualityFields(q: string, bitNames: readonly string[]): Record<QualityField, FieldSpec> {
  return Object.fromEntries(bitNames.map((n, b) => [`al.${q}q.b${b}`, bool(n, 8, 1 << b)])) as Record<
    QualityField,
    FieldSpec
  >;
}

export const F = fields('dnp3', {
  '': proto('Distributed Network Protocol 3.0'),
  _dl: text('Data Link Layer'),
  start: hex('Start Bytes', 16),
  len: uint('Length', 8),
  ctl: hex('Control', 8),
  'ctl.prifunc': uint('Control Function Code', 8, { mask: 0x0f, strings: PRI_FUNC }),
  'ctl.secfunc': uint('Control Function Code', 8, { mask: 0x0f, strings: SEC_FUNC }),
  'ctl.dir': bool('Direction', 8, 0x80),
  'ctl.prm': bool('Primary', 8, 0x40),
  'ctl.fcb': bool('Frame Count Bit', 8, 0x20),
  'ctl.fcv': bool('Frame Count Valid', 8, 0x10),
  'ctl.dfc': bool('Data Flow Control', 8, 0x10),
  dst: uint('Destination', 16),
  addr: uint('Address', 16, { hidden: true }),
  src: uint('Source', 16),
  'hdr.CRC': hex('Data Link Header checksum', 16),
  'tr.ctl': hex('Transport Control', 8),
  'tr.fin': bool('Final', 8, 0x80),
  'tr.fir': bool('First', 8, 0x40),
  'tr.seq': uint('Sequence', 8, { mask: 0x3f }),
  _chunks: text('Data Chunks'),
  _chunk: text('Data Chunk'),
  'al.frag_data': bytes('DNP3.0 AL Fragment Data'),
  'al.fragments': text('DNP 3.0 AL Fragments'),
  'al.fragment': { name: 'DNP 3.0 AL Fragment', type: FieldType.FrameNum },
  'al.fragment.count': uint('Fragment count', 32),
  'al.fragment.reassembled.length': uint('Reassembled DNP length', 32, { generated: true }),
  _al: text('Application Layer'),
  'al.ctl': hex('Application Control', 8),
  'al.fir': bool('First', 8, 0x80),
  'al.fin': bool('Final', 8, 0x40),
  'al.con': bool('Confirm', 8, 0x20),
  'al.uns': bool('Unsolicited', 8, 0x10),
  'al.seq': uint('Sequence', 8, { mask: 0x0f }),
  'al.func': uint('Function Code', 8, { strings: AL_FUNC }),
  'al.iin': hex('Internal Indications', 16),
  ...(Object.fromEntries(
    IIN.map(([k, name], i) => [`al.iin.${k}`, bool(name, 16, IIN_MASKS[i] as number)]),
  ) as Record<`al.iin.${(typeof IIN)[number][0]}`, ReturnType<typeof bool>>),
  _objects: text('Data Objects'),
  'al.obj': hex('Object', 16),
  _qualifier: text('Qualifier Field'),
  'al.objq.prefix': uint('Prefix Code', 8, { mask: 0x70, strings: PREFIX }),
  'al.objq.range': uint('Range Code', 8, { mask: 0x0f, strings: RANGE }),
  _items: text('Number of Items'),
  _control: text('Control Code'),
  'al.count': uint('Count', 8),
  'al.on_time': uint('On Time', 32),
  'al.off_time': uint('Off Time', 32),
  'al.ctrlstatus': uint('Control Status', 8, { mask: 0x7f, strings: CTRL_STATUS }),
  _point: text('Point Number'),
  _quality: text('Quality'),
  'al.point_index': uint('Point Index', 32, { generated: true }),
  'al.index': uint('Index (8 bit)', 8),
  'al.bit': bool('Value (bit)', 8, 0x01, { tf: ['On', 'Off'] }),
  'al.ana.int': { name: 'Value (16 bit)', type: FieldType.Int, base: 'dec', bits: 16 },
  'al.cnt': uint('Counter (16 bit)', 16),
  'al.timestamp': absTime('Timestamp'),
  ...qualityFields('bi', [
    'Online',
    'Restart',
    'Comm Fail',
    'Remote Force',
    'Local Force',
    'Chatter Filter',
    'Reserved',
    'Point Value',
  ]),
  ...qualityFields('bo', [
    'Online',
    'Restart',
    'Comm Fail',
    'Remote Force',
    'Local Force',
    'Reserved',
    'Reserved',
    'Point Value',
  ]),
  ...qualityFields('ai', [
    'Online',
    'Restart',
    'Comm Fail',
    'Remote Force',
    'Local Force',
    'Over-Range',
    'Reference Check',
    'Reserved',
  ]),
  ...qualityFields('ctr', [
    'Online',
    'Restart',
    'Comm Fail',
    'Remote Force',
    'Local Force',
    'Roll-Over',
    'Discontinuity',
    'Reserved',
  ]),
  'al.range.start': uint('Start (8 bit)', 8),
  'al.range.stop': uint('Stop (8 bit)', 8),
  'al.range.quantity': uint('Quantity (8 bit)', 8),
  'al.range.abs': uint('Address (8 bit)', 8),
});

/** The checksum fields Wireshark registers under `dnp.` rather than `dnp3.`. */
const G = {
  ...fields('dnp3', {
    'ctl.op': uint('Operation Type', 8, { mask: 0x0f, strings: CROB_OP }),
    'ctl.clr': uint('Queue / Clear Field', 8, { mask: 0x30, strings: CROB_CLR }),
    'ctl.trip': uint('Trip Control Code', 8, { mask: 0xc0, strings: CROB_TRIP }),
  }),
  ...fields('dnp', {
    'hdr.CRC.status': uint('Data Link Header Checksum Status', 8, { generated: true }),
    data_chunk: bytes('Data Chunk'),
    data_chunk_len: uint('Data Chunk length', 16, { generated: true }),
    'data_chunk.CRC': hex('Data Chunk checksum', 16),
    'data_chunk.CRC.status': uint('Data Chunk Checksum Status', 8, { generated: true }),
  }),
};

const HDR_CRC: ChecksumFields = { checksum: F['hdr.CRC'], status: G['hdr.CRC.status'] };
const CHUNK_CRC: ChecksumFields = { checksum: G['data_chunk.CRC'], status: G['data_chunk.CRC.status'] };

/** A data link frame's whole length: the header, the user data and a CRC per 16 bytes of it. */
function frameLength(tvb: Tvb, at: number): number {
  const user = tvb.u8(at + 2) - 5;
  return 10 + Math.max(0, user) + 2 * Math.ceil(Math.max(0, user) / 16);
}

const PDUS: PduSpec = { fixed: 10, length: frameLength, dissect: frame, name: 'DNP 3.0' };

/** Wireshark's check before it claims the bytes: the start bytes, a length of at least 5, a good header CRC. */
function isDnp3(tvb: Tvb, o: number): boolean {
  return (
    tvb.has(o, 10) &&
    tvb.u16(o) === 0x0564 &&
    tvb.u8(o + 2) >= 5 &&
    tvb.u16le(o + 8) === dnp3Crc(tvb.bytes, o, 8)
  );
}

export function dissectDnp3(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  if (!isDnp3(tvb, o)) return 0;
  pinfo.layers.push('dnp3');
  return tcpDissectPdus(tvb, pinfo, tree, PDUS);
}

function dissectDnp3Udp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  if (!isDnp3(tvb, o)) return 0;
  pinfo.layers.push('dnp3');
  frame(tvb, pinfo, tree);
  return tvb.remaining(o);
}

const CONTAINED = 'length of contained item exceeds length of containing item';

function hex2(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}

function badCrc(what: string) {
  return (should: string) => ({
    severity: 'Warning' as const,
    message: `${what} Checksum incorrect [should be ${should}]`,
  });
}

function frame(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  pinfo.setProto('DNP 3.0');
  const len = tvb.u8(o + 2);
  const ctl = tvb.u8(o + 3);
  const prm = (ctl & 0x40) !== 0;
  const func = ctl & 0x0f;
  const funcName = (prm ? PRI_FUNC : SEC_FUNC).get(func) ?? `Unknown function (${hex2(func)})`;
  let flags = '';
  if (ctl & 0x80) flags += 'DIR, ';
  if (prm) flags += 'PRM, ';
  if (prm && ctl & 0x20) flags += 'FCB, ';
  if (prm && ctl & 0x10) flags += 'FCV, ';
  if (!prm && ctl & 0x20) flags += 'RES, ';
  if (!prm && ctl & 0x10) flags += 'DFC, ';
  tree.push(F[''], tvb, o, tvb.reportedRemaining(o));
  const dst = tvb.u16le(o + 4);
  const src = tvb.u16le(o + 6);
  if (pinfo.wantInfo) pinfo.setInfo(`from ${src} to ${dst}, len=${len}, ${funcName}`);
  tree.push(F._dl, tvb, o, 10);
  if (tree.full) tree.label(`Data Link Layer, Len: ${len}, From: ${src}, To: ${dst}, ${flags}${funcName}`);
  tree.add(F.start, tvb, o, 2, 0x0564);
  tree.add(F.len, tvb, o + 2, 1, len);
  tree.push(F.ctl, tvb, o + 3, 1, ctl);
  if (tree.full) tree.label(`Control: ${hex2(ctl)} (${flags}${funcName})`);
  tree.add(F['ctl.dir'], tvb, o + 3, 1, (ctl & 0x80) !== 0);
  tree.add(F['ctl.prm'], tvb, o + 3, 1, prm);
  if (prm) {
    tree.add(F['ctl.fcb'], tvb, o + 3, 1, (ctl & 0x20) !== 0);
    tree.add(F['ctl.fcv'], tvb, o + 3, 1, (ctl & 0x10) !== 0);
    tree.add(F['ctl.prifunc'], tvb, o + 3, 1, func);
  } else {
    tree.add(F['ctl.dfc'], tvb, o + 3, 1, (ctl & 0x10) !== 0);
    tree.add(F['ctl.secfunc'], tvb, o + 3, 1, func);
  }
  tree.pop();
  tree.add(F.dst, tvb, o + 4, 2, dst);
  tree.add(F.addr, tvb, o + 4, 2, dst);
  tree.add(F.src, tvb, o + 6, 2, src);
  tree.add(F.addr, tvb, o + 6, 2, src);
  const stored = tvb.u16le(o + 8);
  addChecksum(pinfo, tree, tvb, o + 8, stored, dnp3Crc(tvb.bytes, o, 8), HDR_CRC, badCrc('Data Link Header'));
  tree.pop();
  // As tshark: every function but reset link / ACK, link status request and status of link carries
  // a transport octet, whatever the direction (a frame too short for it is malformed).
  if (func !== 0 && func !== 9 && func !== 11) userData(tvb, pinfo, tree, o + 10, len - 5, src, dst);
  tree.pop();
}

/** The transport octet, the data chunks and, when a fragment completes a message, the application layer. */
function userData(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  at: number,
  n: number,
  src: number,
  dst: number,
): void {
  const tr = tvb.u8(at);
  const fin = (tr & 0x80) !== 0;
  const fir = (tr & 0x40) !== 0;
  const seq = tr & 0x3f;
  tree.push(F['tr.ctl'], tvb, at, 1, tr);
  if (tree.full) {
    const words = `${fin ? ', Final' : ''}${fir ? ', First' : ''}`;
    tree.label(
      `Transport Control: ${hex2(tr)}${words}(${fir ? 'FIR, ' : ''}${fin ? 'FIN, ' : ''}Sequence ${seq})`,
    );
  }
  tree.add(F['tr.fin'], tvb, at, 1, fin);
  tree.add(F['tr.fir'], tvb, at, 1, fir);
  tree.add(F['tr.seq'], tvb, at, 1, seq);
  tree.pop();
  const chunks = Math.ceil(n / 16);
  const out = new Uint8Array(n);
  tree.push(F._chunks, tvb, at, n + 2 * chunks);
  let o = at;
  let good = true;
  for (let i = 0; i < chunks; i++) {
    const k = Math.min(16, n - i * 16);
    // Wireshark adds the chunk as one item: one that runs past the frame is malformed as such.
    if (o + k + 2 > tvb.reportedEnd) throw new MalformedError('Malformed Packet', o, CONTAINED);
    tree.push(F._chunk, tvb, o, k + 2);
    if (tree.full) tree.label(`Data Chunk: ${i}`);
    const data = tvb.slice(o, k);
    out.set(data, i * 16);
    tree.add(G.data_chunk, tvb, o, k);
    tree.add(G.data_chunk_len, tvb, o, 0, k);
    const stored = tvb.u16le(o + k);
    const should = dnp3Crc(tvb.bytes, o, k);
    addChecksum(pinfo, tree, tvb, o + k, stored, should, CHUNK_CRC, badCrc('Data Chunk'));
    tree.pop();
    o += k + 2;
    if (stored !== should) {
      good = false;
      break;
    }
  }
  tree.pop();
  // Wireshark drops the message when any chunk's CRC is wrong.
  if (!good) return;
  const fragment = out.subarray(1);
  const dir = `${pinfo.srcPort}>${pinfo.dstPort}/${src}>${dst}`;
  const whole = reassemble(pinfo, at, dir, fir, fin, fragment);
  if (!whole) {
    const source = pinfo.addSource('DNP 3.0 Application Layer message', fragment.slice());
    const data = new Tvb(fragment, 0, fragment.length, fragment.length, source);
    tree.add(F['al.frag_data'], data, 0, fragment.length);
    if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info} (Application Layer Unreassembled fragment ${seq})`);
    return;
  }
  const source = pinfo.addSource('Reassembled DNP 3.0 Application Layer message', whole.data);
  const data = new Tvb(whole.data, 0, whole.data.length, whole.data.length, source);
  const total = whole.data.length;
  const count = whole.fragments.length;
  tree.push(F['al.fragments'], data, 0, total);
  if (tree.full) {
    const list = whole.fragments.map((f) => `#${f.frame}(${f.length})`).join(', ');
    tree.label(`[${count} DNP 3.0 AL Fragment${count === 1 ? '' : 's'} (${total} bytes): ${list}]`);
  }
  let off = 0;
  for (const f of whole.fragments) {
    tree.add(F['al.fragment'], data, off, f.length, f.frame);
    if (tree.full)
      tree.labelLast(`[Frame: ${f.frame}, payload: ${off}-${off + f.length - 1} (${f.length} bytes)]`);
    off += f.length;
  }
  tree.add(F['al.fragment.count'], data, 0, 0, count);
  if (tree.full) tree.labelLast(`[Fragment count: ${count}]`);
  tree.add(F['al.fragment.reassembled.length'], data, 0, 0, total);
  tree.pop();
  application(data, pinfo, tree);
}

interface Pending {
  next: number;
  message: number;
}

interface DnpState {
  table: FragmentTable;
  /** Per direction, the message in progress: its id, the next fragment's offset. */
  open: Map<string, Pending>;
  /** Per frame and link frame in it, the message and offset its fragment got on the first pass (null: no message open). */
  frames: Map<string, { key: string; offset: number } | null>;
  messages: number;
}

/** Adds this transport segment's fragment; returns the message when this frame completes it. */
function reassemble(
  pinfo: PacketInfo,
  at: number,
  dir: string,
  fir: boolean,
  fin: boolean,
  bytes: Uint8Array,
) {
  const st = pinfo.state.of<DnpState>('dnp3.fragments', () => ({
    table: new FragmentTable(),
    open: new Map(),
    frames: new Map(),
    messages: 0,
  }));
  const frame = pinfo.meta.number;
  const id = `${frame}@${at}`;
  let placed = st.frames.get(id);
  if (placed === undefined) {
    let cur = st.open.get(dir);
    if (fir) {
      cur = { next: 0, message: ++st.messages };
      st.open.set(dir, cur);
    }
    // A segment without FIR and no message open belongs to none (tshark leaves it unreassembled).
    placed = cur ? { key: `${dir}#${cur.message}`, offset: cur.next } : null;
    if (cur) cur.next += bytes.length;
    if (fin) st.open.delete(dir);
    st.frames.set(id, placed);
  }
  return placed && st.table.add(placed.key, frame, placed.offset, bytes, !fin);
}

/** The application header and object headers of a whole message; sets Info. */
function application(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const end = tvb.end;
  const ac = tvb.u8(0);
  const func = tvb.u8(1);
  const funcName = AL_FUNC.get(func) ?? `Unknown function (${hex2(func)})`;
  const fir = (ac & 0x80) !== 0;
  const fin = (ac & 0x40) !== 0;
  const con = (ac & 0x20) !== 0;
  const uns = (ac & 0x10) !== 0;
  let bits = '';
  let words = '';
  if (fir) [bits, words] = [bits + 'FIR, ', words + ', First'];
  if (fin) [bits, words] = [bits + 'FIN, ', words + ', Final'];
  if (con) [bits, words] = [bits + 'CON, ', words + ', Confirm'];
  if (uns) [bits, words] = [bits + 'UNS, ', words + ', Unsolicited'];
  const seqText = `${bits}Sequence ${ac & 0x0f}`;
  tree.push(F._al, tvb, 0, end);
  if (tree.full) tree.label(`Application Layer: (${seqText}, ${funcName})`);
  tree.push(F['al.ctl'], tvb, 0, 1, ac);
  if (tree.full) tree.label(`Application Control: ${hex2(ac)}${words}(${seqText})`);
  tree.add(F['al.fir'], tvb, 0, 1, fir);
  tree.add(F['al.fin'], tvb, 0, 1, fin);
  tree.add(F['al.con'], tvb, 0, 1, con);
  tree.add(F['al.uns'], tvb, 0, 1, uns);
  tree.add(F['al.seq'], tvb, 0, 1, ac & 0x0f);
  tree.pop();
  tree.add(F['al.func'], tvb, 1, 1, func);
  if (tree.full) tree.labelLast(`Function Code: ${funcName} (${hex2(func)})`);
  let info = funcName;
  let p = 2;
  const response = func === 129 || func === 130;
  if (response) {
    const iin = tvb.u16(2);
    tree.push(F['al.iin'], tvb, 2, 2, iin);
    if (tree.full) {
      const set = IIN.filter((_, i) => iin & (IIN_MASKS[i] as number)).map(([, n]) => `, ${n}`);
      tree.label(`Internal Indications: 0x${iin.toString(16).padStart(4, '0')}${set.join('')}`);
    }
    IIN.forEach(([k], i) => tree.add(F[`al.iin.${k}`], tvb, 2, 2, (iin & (IIN_MASKS[i] as number)) !== 0));
    tree.pop();
    p = 4;
  }
  // A read's objects carry no values; only a read and a write name their objects in Info.
  const section = response ? 'RESPONSE Data Objects' : SECTIONS.get(func);
  if (section !== undefined && p + 2 <= end) {
    tree.push(F._objects, tvb, p, end - p);
    if (tree.full) tree.label(section);
    let classes = 0;
    const named: string[] = [];
    while (p + 2 <= end) {
      const group = tvb.u8(p);
      const next = object(tvb, tree, p, func === 1);
      if (func === 1 || func === 2) {
        if (group === 60) classes |= 1 << ((tvb.u8(p + 1) - 1) & 3);
        else named.push(READ_INFO.get(group) ?? 'Unknown Object Type');
      }
      if (next < 0) break;
      p = next;
    }
    tree.pop();
    if (named.length) info += `, ${named.join(', ')}`;
    if (classes) info += `, Class ${[0, 1, 2, 3].filter((c) => classes & (1 << c)).join('')}`;
  }
  if (pinfo.wantInfo) pinfo.setInfo(info);
  tree.pop();
}

/**
 * One object at `p`: its header, qualifier, range and (in a response) its points; returns the next
 * header's offset, or -1 when the list cannot go on (points of a kind Trawl does not decode).
 */
function object(tvb: Tvb, tree: Tree, p: number, request: boolean): number {
  const group = tvb.u8(p);
  const variation = tvb.u8(p + 1);
  const q = tvb.u8(p + 2);
  const prefix = (q >> 4) & 7;
  const range = q & 0x0f;
  const code = (group << 8) | variation;
  const name = OBJECTS.get(code);
  if (name === undefined || prefix > 2 || range > 9) return -1;
  // The range field: start/stop indexes, one absolute address, or a count of points.
  const width = [1, 2, 4, 1, 2, 4, 0, 1, 2, 4][range] as number;
  const read = (at: number): number =>
    width === 1 ? tvb.u8(at) : width === 2 ? tvb.u16le(at) : tvb.u32le(at);
  const startStop = range <= 2;
  const rangeLen = startStop ? 2 * width : width;
  const first = range === 6 || range >= 7 ? 0 : read(p + 3);
  const items = startStop ? read(p + 3 + width) - first + 1 : range <= 5 ? 1 : range === 6 ? 0 : read(p + 3);
  // tshark counts in a C int: a count past it is bogus there.
  if (items < 0 || items > 0x7fffffff) return -1;
  const kind = POINTS.get(code);
  // A read's objects carry no values (unless indexed); a class or default variation none at all.
  const bare = items === 0 || (request && prefix === 0);
  const decodable = kind !== undefined && !request && !((kind === 'bit' || kind === 'iin') && prefix !== 0);
  if (!bare && !decodable) return -1;
  const varText = variation === 0 ? 'Default' : variation.toString().padStart(2, '0');
  const head = `Object(s): ${name} (Obj:${group.toString().padStart(2, '0')}, Var:${varText}) (0x${code.toString(16).padStart(4, '0')})`;
  const after = p + 3 + rangeLen;
  tree.push(F['al.obj'], tvb, p, after - p, code);
  if (tree.full) tree.label(items > 0 ? `${head}, ${items} point${items === 1 ? '' : 's'}` : head);
  tree.push(F._qualifier, tvb, p + 2, 1);
  if (tree.full)
    tree.label(`Qualifier Field, Prefix: ${PREFIX.get(prefix) ?? ''}, Range: ${RANGE.get(range) ?? ''}`);
  tree.add(F['al.objq.prefix'], tvb, p + 2, 1, prefix);
  tree.add(F['al.objq.range'], tvb, p + 2, 1, range);
  tree.pop();
  const bits = `(${width * 8} bit)`;
  if (range === 6) {
    tree.add(F._items, tvb, p + 3, 0);
    if (tree.full) tree.labelLast('Number of Items: 0');
  } else if (range <= 5) {
    // Start/stop and an address give a computed count; a quantity field is the count.
    tree.push(F._items, tvb, p + 3, 0);
    if (tree.full) tree.label(`[Number of Items: ${items}]`);
    if (startStop) {
      tree.add(F['al.range.start'], tvb, p + 3, width, first);
      if (tree.full) tree.labelLast(`Start ${bits}: ${first}`);
      tree.add(F['al.range.stop'], tvb, p + 3 + width, width, first + items - 1);
      if (tree.full) tree.labelLast(`Stop ${bits}: ${first + items - 1}`);
    } else {
      tree.add(F['al.range.abs'], tvb, p + 3, width, first);
      if (tree.full) tree.labelLast(`Address ${bits}: ${first}`);
    }
    tree.pop();
  } else {
    tree.push(F._items, tvb, p + 3, 0);
    if (tree.full) tree.label(`Number of Items: ${items}`);
    tree.add(F['al.range.quantity'], tvb, p + 3, width, items);
    if (tree.full) tree.labelLast(`Quantity ${bits}: ${items}`);
    tree.pop();
  }
  const next = bare ? after : points(tvb, tree, after, kind as Kind, prefix, first, items);
  tree.pop();
  return next;
}

/** How a point of an object is laid out and labelled. */
type Kind =
  | 'bit'
  | 'iin'
  | 'crob'
  | 'bi'
  | 'bo'
  | 'biTime'
  | 'ctr32'
  | 'ctr16'
  | 'ctr32nf'
  | 'ctr16nf'
  | 'ai32'
  | 'ai16'
  | 'ai32nf'
  | 'ai16nf'
  | 'time';

const POINTS = new Map<number, Kind>([
  [0x0101, 'bit'],
  [0x0102, 'bi'],
  [0x0201, 'bi'],
  [0x0202, 'biTime'],
  [0x0a02, 'bo'],
  [0x1401, 'ctr32'],
  [0x1402, 'ctr16'],
  [0x1405, 'ctr32nf'],
  [0x1406, 'ctr16nf'],
  [0x1e01, 'ai32'],
  [0x1e02, 'ai16'],
  [0x1e03, 'ai32nf'],
  [0x1e04, 'ai16nf'],
  [0x2001, 'ai32'],
  [0x2002, 'ai16'],
  [0x0c01, 'crob'],
  [0x3201, 'time'],
  [0x5001, 'iin'],
]);

/** The quality flags Wireshark names after Online/Offline and the four common ones. */
const QUALITY_EXTRA = {
  bi: [[0x20, 'Chatter Filter']],
  bo: [],
  ai: [
    [0x20, 'Over-Range'],
    [0x40, 'Reference Check'],
  ],
  ctr: [
    [0x20, 'Roll-over'],
    [0x40, 'Discontinuity'],
  ],
} as const;

type QualityKind = keyof typeof QUALITY_EXTRA;

/** The quality octet's subtree; returns its text (`Online, Restart`). */
function quality(tvb: Tvb, tree: Tree, at: number, q: QualityKind): string {
  const flags = tvb.u8(at);
  let text = flags & 1 ? 'Online' : 'Offline';
  if (flags & 0x02) text += ', Restart';
  if (flags & 0x04) text += ', Comm Fail';
  if (flags & 0x08) text += ', Remote Force';
  if (flags & 0x10) text += ', Local Force';
  for (const [mask, name] of QUALITY_EXTRA[q]) if (flags & mask) text += `, ${name}`;
  tree.push(F._quality, tvb, at, 1);
  if (tree.full) tree.label(`Quality: ${text}`);
  for (let b = 7; b >= 0; b--)
    tree.add(F[`al.${q}q.b${b}` as QualityField], tvb, at, 1, (flags & (1 << b)) !== 0);
  tree.pop();
  return text;
}

/** A 48-bit count of milliseconds since 1970 (DNP3's time), as tshark shows it. */
function dnpTime(tvb: Tvb, at: number): string {
  const ms = tvb.u16le(at + 4) * 0x100000000 + tvb.u32le(at);
  return formatAbsoluteUtc(Math.floor(ms / 1000), (ms % 1000) * 1e6);
}

/** The points of one object from `o`; returns the offset after them. */
function points(
  tvb: Tvb,
  tree: Tree,
  o: number,
  kind: Kind,
  prefix: number,
  first: number,
  items: number,
): number {
  let bit = 0;
  for (let i = 0; i < items; i++) {
    const start = o;
    tree.push(F._point, tvb, o, 0);
    let index = first + i;
    if (prefix === 0) {
      tree.add(F['al.point_index'], tvb, o, 0, index);
    } else {
      index = prefix === 1 ? tvb.u8(o) : tvb.u16le(o);
      tree.add(F['al.index'], tvb, o, prefix, index);
      if (tree.full && prefix === 2) tree.labelLast(`Index (16 bit): ${index}`);
      o += prefix;
    }
    let label = `Point Number ${index}`;
    switch (kind) {
      case 'bit': {
        const v = (tvb.u8(o) >> bit) & 1;
        tree.add(F['al.bit'], tvb, o, 1, v === 1);
        label += `, Value: ${v}`;
        bit++;
        if (bit > 7 || i === items - 1) {
          bit = 0;
          o += 1;
        }
        break;
      }
      case 'bi':
      case 'bo':
      case 'biTime': {
        const flags = tvb.u8(o);
        label += ` (Quality: ${quality(tvb, tree, o, kind === 'bo' ? 'bo' : 'bi')}), Value: ${flags >> 7}`;
        o += 1;
        if (kind === 'biTime') {
          const time = dnpTime(tvb, o);
          tree.add(F['al.timestamp'], tvb, o, 6, time);
          label += `, Timestamp: ${time.slice(0, -4)}`;
          o += 6;
        }
        break;
      }
      case 'ctr32':
      case 'ctr16':
      case 'ctr32nf':
      case 'ctr16nf': {
        if (kind === 'ctr32' || kind === 'ctr16') label += ` (Quality: ${quality(tvb, tree, o++, 'ctr')})`;
        const wide = kind === 'ctr32' || kind === 'ctr32nf';
        const v = wide ? tvb.u32le(o) : tvb.u16le(o);
        tree.add(F['al.cnt'], tvb, o, wide ? 4 : 2, v);
        if (tree.full && wide) tree.labelLast(`Counter (32 bit): ${v}`);
        label += `, Count: ${v}`;
        o += wide ? 4 : 2;
        break;
      }
      case 'ai32':
      case 'ai16':
      case 'ai32nf':
      case 'ai16nf': {
        if (kind === 'ai32' || kind === 'ai16') label += ` (Quality: ${quality(tvb, tree, o++, 'ai')})`;
        const wide = kind === 'ai32' || kind === 'ai32nf';
        const v = wide ? tvb.u32le(o) | 0 : (tvb.u16le(o) << 16) >> 16;
        tree.add(F['al.ana.int'], tvb, o, wide ? 4 : 2, v);
        if (tree.full && wide) tree.labelLast(`Value (32 bit): ${v}`);
        label += `, Value: ${v}`;
        o += wide ? 4 : 2;
        break;
      }
      case 'iin': {
        // As tshark 4.0: every point of a byte shows that byte's lowest bit.
        const v = tvb.u8(o) & 1;
        tree.add(F['al.bit'], tvb, o, 1, v === 1);
        label += ` (${IIN_POINTS[index] ?? 'Invalid IIN bit'}), Value: ${v}`;
        bit++;
        if (bit > 7 || i === items - 1) {
          bit = 0;
          o += 1;
        }
        break;
      }
      case 'crob': {
        const cc = tvb.u8(o);
        label += ` [${CROB_OP.get(cc & 0x0f) ?? 'Invalid Operation'}] [${CROB_TRIP.get(cc >> 6) ?? ''}]`;
        tree.push(F._control, tvb, o, 1);
        if (tree.full) tree.label(`Control Code [${hex2(cc)}]`);
        tree.add(G['ctl.op'], tvb, o, 1, cc & 0x0f);
        tree.add(G['ctl.clr'], tvb, o, 1, (cc >> 4) & 3);
        tree.add(G['ctl.trip'], tvb, o, 1, cc >> 6);
        tree.pop();
        tree.add(F['al.count'], tvb, o + 1, 1, tvb.u8(o + 1));
        tree.add(F['al.on_time'], tvb, o + 2, 4, tvb.u32le(o + 2));
        tree.add(F['al.off_time'], tvb, o + 6, 4, tvb.u32le(o + 6));
        tree.add(F['al.ctrlstatus'], tvb, o + 10, 1, tvb.u8(o + 10) & 0x7f);
        o += 11;
        break;
      }
      case 'time':
        break;
    }
    tree.pop(o - start, label);
    if (kind === 'time') {
      // Wireshark adds the time to the object, after its point.
      tree.add(F['al.timestamp'], tvb, o, 6, dnpTime(tvb, o));
      o += 6;
    }
  }
  return o;
}

export const dnp3Module = {
  fields: { ...F, ...G },
  handoff(reg: Registry): void {
    reg.register('tcpPort', PORT, dissectDnp3);
    reg.register('udpPort', PORT, dissectDnp3Udp);
  },
};
