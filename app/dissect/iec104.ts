// IEC 60870-5-104 on TCP 2404 as tshark 4.0 shows it: the APCI (`iec60870_104.*`, alias
// `104apci`: I, S and U formats with their sequence numbers and U functions) and the ASDU it
// carries in I format (`iec60870_asdu.*`, alias `104asdu`: type, cause, common address and the
// information objects of the common types, with CP24Time2a and CP56Time2a times). Several APDUs
// may share a segment; Info joins them with ` | `, as Wireshark does.
import { formatAbsoluteUtc } from '../format/time.ts';
import { noteFault } from './dissect.ts';
import { DepthTree, expert } from './ip-proto.ts';
import { bool, bytes, fields, FieldType, hex, names, proto, uint, type FieldDef } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import { floatG } from './radiotap.ts';
import type { Registry } from './registry.ts';
import { tcpDissectPdus, type PduSpec } from './tcp-pdus.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const PORT = 2404;
const START = 0x68;
const APCI_LEN = 6;

const APCI_TYPES = names({ 0: 'I', 1: 'S', 3: 'U' });
const U_TYPES = names({
  0x01: 'STARTDT act',
  0x02: 'STARTDT con',
  0x04: 'STOPDT act',
  0x08: 'STOPDT con',
  0x10: 'TESTFR act',
  0x20: 'TESTFR con',
});

/** Type id → [name, long name, length of one object's elements]. */
const TYPES = new Map<number, readonly [string, string, number]>([
  [1, ['M_SP_NA_1', 'single-point information', 1]],
  [2, ['M_SP_TA_1', 'single-point information with time tag', 4]],
  [3, ['M_DP_NA_1', 'double-point information', 1]],
  [4, ['M_DP_TA_1', 'double-point information with time tag', 4]],
  [5, ['M_ST_NA_1', 'step position information', 2]],
  [6, ['M_ST_TA_1', 'step position information with time tag', 5]],
  [7, ['M_BO_NA_1', 'bitstring of 32 bits', 5]],
  [8, ['M_BO_TA_1', 'bitstring of 32 bits with time tag', 8]],
  [9, ['M_ME_NA_1', 'measured value, normalized value', 3]],
  [10, ['M_ME_TA_1', 'measured value, normalized value with time tag', 6]],
  [11, ['M_ME_NB_1', 'measured value, scaled value', 3]],
  [12, ['M_ME_TB_1', 'measured value, scaled value with time tag', 6]],
  [13, ['M_ME_NC_1', 'measured value, short floating point number', 5]],
  [14, ['M_ME_TC_1', 'measured value, short floating point number with time tag', 8]],
  [15, ['M_IT_NA_1', 'integrated totals', 5]],
  [16, ['M_IT_TA_1', 'integrated totals with time tag', 8]],
  [20, ['M_PS_NA_1', 'packed single-point information with status change detection', 5]],
  [21, ['M_ME_ND_1', 'measured value, normalized value without quality descriptor', 2]],
  [30, ['M_SP_TB_1', 'single-point information with time tag CP56Time2a', 8]],
  [31, ['M_DP_TB_1', 'double-point information with time tag CP56Time2a', 8]],
  [32, ['M_ST_TB_1', 'step position information with time tag CP56Time2a', 9]],
  [33, ['M_BO_TB_1', 'bitstring of 32 bit with time tag CP56Time2a', 12]],
  [34, ['M_ME_TD_1', 'measured value, normalized value with time tag CP56Time2a', 10]],
  [35, ['M_ME_TE_1', 'measured value, scaled value with time tag CP56Time2a', 10]],
  [36, ['M_ME_TF_1', 'measured value, short floating point number with time tag CP56Time2a', 12]],
  [37, ['M_IT_TB_1', 'integrated totals with time tag CP56Time2a', 12]],
  [38, ['M_EP_TD_1', 'event of protection equipment with time tag CP56Time2a', 10]],
  [39, ['M_EP_TE_1', 'packed start events of protection equipment with time tag CP56Time2a', 11]],
  [
    40,
    ['M_EP_TF_1', 'packed output circuit information of protection equipment with time tag CP56Time2a', 11],
  ],
  [45, ['C_SC_NA_1', 'single command', 1]],
  [46, ['C_DC_NA_1', 'double command', 1]],
  [47, ['C_RC_NA_1', 'regulating step command', 1]],
  [48, ['C_SE_NA_1', 'set point command, normalized value', 3]],
  [49, ['C_SE_NB_1', 'set point command, scaled value', 3]],
  [50, ['C_SE_NC_1', 'set point command, short floating point number', 5]],
  [51, ['C_BO_NA_1', 'bitstring of 32 bits', 4]],
  [58, ['C_SC_TA_1', 'single command with time tag CP56Time2a', 8]],
  [59, ['C_DC_TA_1', 'double command with time tag CP56Time2a', 8]],
  [60, ['C_RC_TA_1', 'regulating step command with time tag CP56Time2a', 8]],
  [61, ['C_SE_TA_1', 'set point command, normalized value with time tag CP56Time2a', 10]],
  [62, ['C_SE_TB_1', 'set point command, scaled value with time tag CP56Time2a', 10]],
  [63, ['C_SE_TC_1', 'set point command, short floating-point number with time tag CP56Time2a', 12]],
  [64, ['C_BO_TA_1', 'bitstring of 32 bits with time tag CP56Time2a', 11]],
  [70, ['M_EI_NA_1', 'end of initialization', 1]],
  [100, ['C_IC_NA_1', 'interrogation command', 1]],
  [101, ['C_CI_NA_1', 'counter interrogation command', 1]],
  [102, ['C_RD_NA_1', 'read command', 0]],
  [103, ['C_CS_NA_1', 'clock synchronization command', 7]],
  [105, ['C_RP_NA_1', 'reset process command', 1]],
  [107, ['C_TS_TA_1', 'test command with time tag CP56Time2a', 9]],
  [110, ['P_ME_NA_1', 'parameter of measured value, normalized value', 3]],
  [111, ['P_ME_NB_1', 'parameter of measured value, scaled value', 3]],
  [112, ['P_ME_NC_1', 'parameter of measured value, short floating-point number', 5]],
  [113, ['P_AC_NA_1', 'parameter activation', 1]],
  [120, ['F_FR_NA_1', 'file ready', 6]],
  [121, ['F_SR_NA_1', 'section ready', 7]],
  [122, ['F_SC_NA_1', 'call directory, select file, call file, call section', 4]],
  [123, ['F_LS_NA_1', 'last section, last segment', 5]],
  [124, ['F_AF_NA_1', 'ack file, ack section', 4]],
  [125, ['F_SG_NA_1', 'segment', 0]],
  [126, ['F_DR_TA_1', 'directory', 13]],
  [127, ['F_SC_NB_1', 'Query Log - Request archive file', 16]],
]);
const TYPE_NAMES = new Map([...TYPES].map(([k, v]) => [k, v[0]]));

const CAUSES = names({
  1: 'Per/Cyc',
  2: 'Back',
  3: 'Spont',
  4: 'Init',
  5: 'Req',
  6: 'Act',
  7: 'ActCon',
  8: 'Deact',
  9: 'DeactCon',
  10: 'ActTerm',
  11: 'Retrem',
  12: 'Retloc',
  13: 'File',
  20: 'Inrogen',
  ...Object.fromEntries(Array.from({ length: 16 }, (_, i) => [21 + i, `Inro${i + 1}`])),
  37: 'Reqcogen',
  38: 'Reqco1',
  39: 'Reqco2',
  40: 'Reqco3',
  41: 'Reqco4',
  44: 'UkTypeId',
  45: 'UkCauseTx',
  46: 'UkComAdrASDU',
  47: 'UkIOA',
});
const DIQ = names({ 0: 'Indeterminate or Intermediate', 1: 'OFF', 2: 'ON', 3: 'Indeterminate' });
const QU = names({ 0: 'No pulse defined', 1: 'Short Pulse', 2: 'Long Pulse', 3: 'Persistent Output' });
const DCO_ON = names({ 0: '(None)', 1: 'OFF', 2: 'ON', 3: 'Error: On/Off not defined' });
const RCO_UP = names({ 0: '(None)', 1: 'DOWN', 2: 'UP', 3: 'Error: Up/Down not defined' });
const KPA = names({ 0: 'Not used', 1: 'Threshold value', 2: 'Smoothing factor (filter time constant)' });
const LPC = names({ 0: 'No change', 1: 'Change' });
const POP = names({ 0: 'Operation', 1: 'Not in operation' });
const COI_R = names({ 0: 'Local power switch on', 1: 'Local manual reset', 2: 'Remote reset' });
const QOI = names({
  0: 'Not specified',
  20: 'Station interrogation (global)',
  ...Object.fromEntries(Array.from({ length: 16 }, (_, i) => [21 + i, `Group ${i + 1} interrogation`])),
});
const RQT = names({
  0: 'Not specified',
  1: 'Group 1 counter interrogation',
  2: 'Group 2 counter interrogation',
  3: 'Group 3 counter interrogation',
  4: 'Group 4 counter interrogation',
  5: 'General counter interrogation',
});
const FRZ = names({
  0: 'Read only (no freeze or reset)',
  1: 'Counter freeze without reset (value frozen represents integrated total)',
  2: 'Counter freeze with reset (value frozen represents incremental information)',
  3: 'Counter reset',
});
const QRP = names({
  0: 'Not used',
  1: 'General reset of process',
  2: 'Reset of pending information with time tag of the event buffer',
});

const BLOCKED = ['Blocked', 'Not blocked'] as const;
const SUBST = ['Substituted', 'Not Substituted'] as const;
const TOPICAL = ['Not Topical', 'Topical'] as const;
const INVALID = ['Invalid', 'Valid'] as const;
const ON_OFF = ['On', 'Off'] as const;
const SELECT = ['Select', 'Execute'] as const;

export const F = fields('iec60870_104', {
  '': proto('IEC 60870-5-104'),
  apdulen: uint('ApduLen', 8),
  'type.i': { ...hex('Type', 32, { mask: 0x1, strings: APCI_TYPES }) },
  'type.su': { ...hex('Type', 32, { mask: 0x3, strings: APCI_TYPES }) },
  utype: hex('UType', 32, { mask: 0xfc, strings: U_TYPES }),
  tx: uint('Tx', 32, { mask: 0xfffe }),
  rx: uint('Rx', 32, { mask: 0xfffe0000 }),
  data: bytes('Data'),
});
// The I and the S/U type share one filter name, as in Wireshark.
(F['type.i'] as { abbrev: string }).abbrev = 'iec60870_104.type';
(F['type.su'] as { abbrev: string }).abbrev = 'iec60870_104.type';

export const A = fields('iec60870_asdu', {
  '': proto('IEC 60870-5-101/104 ASDU'),
  start: hex('START', 8),
  addr: uint('Addr', 16),
  oa: uint('OA', 8),
  typeid: uint('TypeId', 8, { strings: TYPE_NAMES }),
  causetx: uint('CauseTx', 8, { mask: 0x3f, strings: CAUSES }),
  nega: bool('Negative', 8, 0x40, { tf: ['True', 'False'] }),
  test: bool('Test', 8, 0x80, { tf: ['True', 'False'] }),
  ioa: uint('IOA', 24),
  ioa_gen: { ...uint('IOA', 24), generated: true },
  numix: uint('NumIx', 8, { mask: 0x7f }),
  sq: bool('SQ', 8, 0x80, { tf: ['True', 'False'] }),
  cp24time: { name: 'CP24Time', type: FieldType.RelTime, unit: 'seconds' },
  'cp24time.ms': uint('MS', 16),
  'cp24time.min': uint('Min', 8, { mask: 0x3f }),
  'cp24time.iv': bool('IV', 8, 0x80, { tf: INVALID }),
  cp56time: { name: 'CP56Time', type: FieldType.AbsTime },
  'cp56time.ms': uint('MS', 16),
  'cp56time.min': uint('Min', 8, { mask: 0x3f }),
  'cp56time.gen': bool('GEN', 8, 0x40, { tf: SUBST }),
  'cp56time.iv': bool('IV', 8, 0x80, { tf: INVALID }),
  'cp56time.hour': uint('Hour', 8, { mask: 0x1f }),
  'cp56time.su': bool('SU', 8, 0x80, { tf: ['DST', 'Local'] }),
  'cp56time.day': uint('Day', 8, { mask: 0x1f }),
  'cp56time.dow': uint('DOW', 8, { mask: 0xe0 }),
  'cp56time.month': uint('Month', 8, { mask: 0x0f }),
  'cp56time.year': uint('Year', 8, { mask: 0x7f }),
  siq: hex('SIQ', 8),
  'siq.spi': bool('SPI', 8, 0x01, { tf: ON_OFF }),
  'siq.bl': bool('BL', 8, 0x10, { tf: BLOCKED }),
  'siq.sb': bool('SB', 8, 0x20, { tf: SUBST }),
  'siq.nt': bool('NT', 8, 0x40, { tf: TOPICAL }),
  'siq.iv': bool('IV', 8, 0x80, { tf: INVALID }),
  diq: hex('DIQ', 8),
  'diq.dpi': uint('DPI', 8, { mask: 0x03, strings: DIQ }),
  'diq.bl': bool('BL', 8, 0x10, { tf: BLOCKED }),
  'diq.sb': bool('SB', 8, 0x20, { tf: SUBST }),
  'diq.nt': bool('NT', 8, 0x40, { tf: TOPICAL }),
  'diq.iv': bool('IV', 8, 0x80, { tf: INVALID }),
  qds: hex('QDS', 8),
  'qds.ov': bool('OV', 8, 0x01, { tf: ['Overflow', 'No overflow'] }),
  'qds.bl': bool('BL', 8, 0x10, { tf: BLOCKED }),
  'qds.sb': bool('SB', 8, 0x20, { tf: SUBST }),
  'qds.nt': bool('NT', 8, 0x40, { tf: TOPICAL }),
  'qds.iv': bool('IV', 8, 0x80, { tf: INVALID }),
  vti: hex('VTI', 8),
  'vti.v': { name: 'Value', type: FieldType.Int, base: 'dec', bits: 8, mask: 0x7f },
  'vti.t': bool('T', 8, 0x80, { tf: ['Transient', 'Not Transient'] }),
  qos: hex('QOS', 8),
  'qos.ql': uint('QL', 8, { mask: 0x7f }),
  'qos.se': bool('S/E', 8, 0x80, { tf: SELECT }),
  sco: hex('SCO', 8),
  'sco.on': bool('ON/OFF', 8, 0x01, { tf: ON_OFF }),
  'sco.qu': uint('QU', 8, { mask: 0x7c, strings: QU }),
  'sco.se': bool('S/E', 8, 0x80, { tf: SELECT }),
  dco: hex('DCO', 8),
  'dco.on': uint('ON/OFF', 8, { mask: 0x03, strings: DCO_ON }),
  'dco.qu': uint('QU', 8, { mask: 0x7c, strings: QU }),
  'dco.se': bool('S/E', 8, 0x80, { tf: SELECT }),
  rco: hex('RCO', 8),
  'rco.up': uint('UP/DOWN', 8, { mask: 0x03, strings: RCO_UP }),
  'rco.qu': uint('QU', 8, { mask: 0x7c, strings: QU }),
  'rco.se': bool('S/E', 8, 0x80, { tf: SELECT }),
  qpm: hex('QPM', 8),
  'qpm.kpa': uint('KPA', 8, { mask: 0x3f, strings: KPA }),
  'qpm.lpc': uint('LPC', 8, { mask: 0x40, strings: LPC }),
  'qpm.pop': uint('POP', 8, { mask: 0x80, strings: POP }),
  coi: hex('COI', 8),
  coi_r: uint('R', 8, { mask: 0x7f, strings: COI_R }),
  coi_i: bool('I', 8, 0x80, {
    tf: ['Initialisation after change of local parameters', 'Initialisation with unchanged local parameters'],
  }),
  qoi: uint('QOI', 8, { strings: QOI }),
  qcc: hex('QCC', 8),
  rqt: uint('RQT', 8, { mask: 0x3f, strings: RQT }),
  frz: uint('FRZ', 8, { mask: 0xc0, strings: FRZ }),
  qrp: uint('QRP', 8, { strings: QRP }),
  'bcr.count': { name: 'Binary Counter', type: FieldType.Int, base: 'dec', bits: 32 },
  'bcr.sq': uint('SQ', 8, { mask: 0x1f }),
  'bcr.cy': bool('CY', 8, 0x20, { tf: ['Overflow', 'No Overflow'] }),
  'bcr.ca': bool('CA', 8, 0x40, { tf: ['Adjusted', 'Not Adjusted'] }),
  'bcr.iv': bool('IV', 8, 0x80, { tf: INVALID }),
  bitstring: hex('Value', 32, { mask: 0xffffffff }),
  float: { name: 'Value', type: FieldType.Float },
  normval: { name: 'Value', type: FieldType.Float },
  scalval: { name: 'Value', type: FieldType.Int, base: 'dec', bits: 16 },
  rawdata: bytes('Raw Data'),
});
(A.ioa_gen as { abbrev: string }).abbrev = 'iec60870_asdu.ioa';

const u24le = (tvb: Tvb, o: number): number => tvb.u16le(o) | (tvb.u8(o + 2) << 16);

/** A label-only subtree (proto_tree_add_subtree): no field, never collected. */
const SUBTREE: FieldDef = { name: '', type: FieldType.None, abbrev: '', id: -1 };

export function dissectIec104(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  pinfo.layers.push('iec60870_104');
  return tcpDissectPdus(tvb, pinfo, tree, PDUS);
}

/**
 * Wireshark's get_iec104apdu_len: from the first START byte on, its length and the bytes before
 * it. Its scan is bounded by the whole segment's length, not what is left of it, so past the first
 * message it may read beyond the end: that fault is returned as 0 (shorter than any APCI).
 */
function apduLength(tvb: Tvb, at: number): number {
  const end = tvb.reportedEnd;
  const whole = end - tvb.start;
  for (let o = at; o <= at + whole - 2; o++) {
    if (o >= tvb.end) return 0;
    if (tvb.u8(o) !== START) continue;
    return o + 1 >= tvb.end ? 0 : o - at + tvb.u8(o + 1) + 2;
  }
  return whole;
}

const PDUS: PduSpec = { fixed: APCI_LEN, length: apduLength, dissect: apdu, name: 'IEC 60870-5-104' };

function apdu(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const base = tvb.start;
  const total = tvb.reportedRemaining(base);
  pinfo.setProto('IEC 60870-5-104');
  let off = 0;
  while (off <= total - 2 && tvb.u8(base + off) !== START) off++;
  if (off > total - 2) {
    // No START byte: the whole message is shown as data.
    tree.push(F[''], tvb, base, total);
    tree.add(F.data, tvb, base, off);
    tree.pop();
    return;
  }
  const o = base + off;
  tree.push(F[''], tvb, base, off + APCI_LEN);
  let res = '';
  if (off > 0) {
    tree.add(F.data, tvb, base, off);
    res += `<ERR prefix ${off} bytes> `;
  }
  tree.add(A.start, tvb, o, 1, START);
  if (tree.full) tree.labelLast('START');
  const len = tvb.u8(o + 1);
  tree.add(F.apdulen, tvb, o + 1, 1, len);
  if (len < 4) {
    expert(pinfo, tree, tvb, o + 1, 1, 'Error', 'Malformed', 'APDU less than 4 bytes');
    tree.pop(undefined, `IEC 60870-5-104: ${res}<ERR ApduLen=${len} bytes> `);
    return;
  }
  const ctrl = tvb.u32le(o + 2);
  const type = (ctrl & 1) === 0 ? 0 : ctrl & 3;
  tree.add(type === 0 ? F['type.i'] : F['type.su'], tvb, o + 2, 4, type);
  res +=
    len <= 253
      ? `${pinfo.srcPort === PORT ? '->' : '<-'} ${APCI_TYPES.get(type) ?? '<ERR>'} `
      : `<ERR ApduLen=${len} bytes> `;
  const tx = (ctrl & 0xfffe) >>> 1;
  const rx = ctrl >>> 17;
  if (type === 0) {
    tree.add(F.tx, tvb, o + 2, 4, tx);
    tree.add(F.rx, tvb, o + 2, 4, rx);
    res += `(${tx},${rx}) `;
  } else if (type === 1) {
    tree.add(F.rx, tvb, o + 2, 4, rx);
    res += `(${rx}) `;
  } else if (type === 3) {
    const u = (ctrl & 0xfc) >>> 2;
    tree.add(F.utype, tvb, o + 2, 4, u);
    res += `(${U_TYPES.get(u) ?? '<ERR>'}) `;
  }
  if (pinfo.wantInfo) {
    const fence = FENCE.get(pinfo) ?? '';
    pinfo.setInfo(fence ? `${fence} | ${res}` : res);
    FENCE.set(pinfo, pinfo.info);
  }
  tree.pop(undefined, `IEC 60870-5-104: ${res}`);
  if (type !== 0) return;
  const sink = tree.full ? new DepthTree(tree) : tree;
  try {
    asdu(tvb.sub(o + APCI_LEN, len - 4), pinfo, sink);
  } catch (err) {
    sink.unwind();
    fault(err, tvb, pinfo, tree, 'IEC 60870-5-101/104 ASDU');
    // Wireshark restores can_desegment only when the ASDU dissector returns: after a fault the
    // rest of the segment can no longer ask TCP for more bytes.
    pinfo.canDesegment = false;
  }
}

/**
 * The Info text up to the end of the last APDU or ASDU of a packet (Wireshark's column fence):
 * the next APDU of the segment follows it after ` | `.
 */
const FENCE = new WeakMap<PacketInfo, string>();

function fault(err: unknown, tvb: Tvb, pinfo: PacketInfo, tree: Tree, name: string): void {
  const saved = pinfo.currentProto;
  pinfo.currentProto = name;
  noteFault(err, tvb, pinfo, tree);
  pinfo.currentProto = saved;
}

const CP56_FIELDS = ['min', 'gen', 'iv', 'hour', 'su', 'day', 'dow', 'month', 'year'] as const;

function asdu(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const base = tvb.start;
  const len = tvb.reportedRemaining(base);
  pinfo.layers.push('iec60870_asdu');
  pinfo.setProto('IEC 60870-5 ASDU');
  const typeId = tvb.u8(base);
  const vsq = tvb.u8(base + 1);
  const sq = (vsq & 0x80) !== 0;
  const num = vsq & 0x7f;
  const cause = tvb.u8(base + 2);
  const oa = tvb.u8(base + 3);
  const addr = tvb.u16le(base + 4);
  const known = TYPES.get(typeId);
  const ioa = len >= 9 ? u24le(tvb, base + 6) : tvb.has(base + 6, 3) ? u24le(tvb, base + 6) : 0;
  const causeName = CAUSES.get(cause & 0x3f) ?? ` <CauseTx=${cause & 0x3f}>`;
  let res = `ASDU=${addr} ${known?.[0] ?? `<TypeId=${typeId}>`} ${causeName}`;
  if (cause & 0x40) res += '_NEGA';
  if (cause & 0x80) res += '_TEST';
  if ((cause & 0xc0) === 0) res += ' '.repeat(Math.max(0, 7 - causeName.length));
  if (num > 1) res += ` IOA[${num}]=${ioa}${sq ? `-${ioa + num - 1}` : ',...'}`;
  else res += ` IOA=${ioa}`;
  if (pinfo.wantInfo) {
    pinfo.setInfo(pinfo.info + res);
    FENCE.set(pinfo, pinfo.info);
  }
  tree.push(A[''], tvb, base, len);
  if (tree.full) {
    const long = len >= 9 ? (known?.[1] ?? '<Unknown TypeId>') : '';
    tree.label(`IEC 60870-5-101/104 ASDU: ${res} '${long}'`);
  }
  tree.add(A.typeid, tvb, base, 1, typeId);
  tree.add(A.sq, tvb, base + 1, 1, sq);
  tree.add(A.numix, tvb, base + 1, 1, num);
  tree.add(A.causetx, tvb, base + 2, 1, cause & 0x3f);
  tree.add(A.nega, tvb, base + 2, 1, (cause & 0x40) !== 0);
  tree.add(A.test, tvb, base + 2, 1, (cause & 0x80) !== 0);
  tree.add(A.oa, tvb, base + 3, 1, oa);
  tree.add(A.addr, tvb, base + 4, 2, addr);
  let o = base + 6;
  const dataLen = known?.[2] ?? 0;
  if (known && OBJECTS.has(typeId)) {
    let obj = 0;
    for (let i = 0; i < num; i++) {
      const head = i === 0 || !sq;
      // Wireshark adds the object's item with its whole length first: a short ASDU fails here.
      tvb.need(o, dataLen + (head ? 3 : 0));
      tree.push(SUBTREE, tvb, o, dataLen + (head ? 3 : 0));
      if (head) {
        obj = u24le(tvb, o);
        tree.add(A.ioa, tvb, o, 3, obj);
        o += 3;
      } else {
        obj = (obj + 1) >>> 0;
        tree.add(A.ioa_gen, tvb, base, 0, obj);
      }
      if (tree.full) tree.label(`IOA: ${obj}`);
      o = elements(tvb, tree, typeId, o);
      tree.pop();
    }
  } else {
    tree.add(A.ioa, tvb, o, 3, u24le(tvb, o));
    o += 3;
    if (len - (o - base) > 0) {
      tree.add(A.rawdata, tvb, o, len - (o - base));
      tvb.need(o, len - (o - base));
    }
    o = base + len;
  }
  if (o - base !== len) {
    expert(pinfo, tree, tvb, base, len, 'Error', 'Malformed', `Invalid Apdulen (${len} != ${o - base})`);
  }
  tree.pop();
}

/** The types whose objects are decoded element by element (the rest show as raw data). */
const OBJECTS = new Set([
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 21, 30, 31, 32, 33, 34, 35, 36, 37, 45, 46, 47, 48,
  49, 50, 51, 58, 59, 60, 61, 62, 63, 64, 70, 100, 101, 103, 105, 110, 111, 112,
]);

/** One object's elements after its address (Wireshark's switch on the type id). */
function elements(tvb: Tvb, tree: Tree, typeId: number, o: number): number {
  switch (typeId) {
    case 1:
      return siq(tvb, tree, o);
    case 2:
      return cp24time(tvb, tree, siq(tvb, tree, o));
    case 3:
      return diq(tvb, tree, o);
    case 4:
      return cp24time(tvb, tree, diq(tvb, tree, o));
    case 5:
      return qds(tvb, tree, vti(tvb, tree, o));
    case 6:
      return cp24time(tvb, tree, qds(tvb, tree, vti(tvb, tree, o)));
    case 7:
      return qds(tvb, tree, bsi(tvb, tree, o));
    case 8:
      return cp24time(tvb, tree, qds(tvb, tree, bsi(tvb, tree, o)));
    case 9:
      return qds(tvb, tree, nva(tvb, tree, o));
    case 10:
      return cp24time(tvb, tree, qds(tvb, tree, nva(tvb, tree, o)));
    case 11:
      return qds(tvb, tree, sva(tvb, tree, o));
    case 12:
      return cp24time(tvb, tree, qds(tvb, tree, sva(tvb, tree, o)));
    case 13:
      return qds(tvb, tree, flt(tvb, tree, o));
    case 14:
      return cp24time(tvb, tree, qds(tvb, tree, flt(tvb, tree, o)));
    case 15:
      return bcr(tvb, tree, o);
    case 16:
      return cp24time(tvb, tree, bcr(tvb, tree, o));
    case 21:
      return nva(tvb, tree, o);
    case 30:
      return cp56time(tvb, tree, siq(tvb, tree, o));
    case 31:
      return cp56time(tvb, tree, diq(tvb, tree, o));
    case 32:
      return cp56time(tvb, tree, qds(tvb, tree, vti(tvb, tree, o)));
    case 33:
      return cp56time(tvb, tree, qds(tvb, tree, bsi(tvb, tree, o)));
    case 34:
      return cp56time(tvb, tree, qds(tvb, tree, nva(tvb, tree, o)));
    case 35:
      return cp56time(tvb, tree, qds(tvb, tree, sva(tvb, tree, o)));
    case 36:
      return cp56time(tvb, tree, qds(tvb, tree, flt(tvb, tree, o)));
    case 37:
      return cp56time(tvb, tree, bcr(tvb, tree, o));
    case 45:
      return sco(tvb, tree, o);
    case 46:
      return dco(tvb, tree, o);
    case 47:
      return rco(tvb, tree, o);
    case 48:
      return qos(tvb, tree, nva(tvb, tree, o));
    case 49:
      return qos(tvb, tree, sva(tvb, tree, o));
    case 50:
      return qos(tvb, tree, flt(tvb, tree, o));
    case 51:
      return bsi(tvb, tree, o);
    case 58:
      return cp56time(tvb, tree, sco(tvb, tree, o));
    case 59:
      return cp56time(tvb, tree, dco(tvb, tree, o));
    case 60:
      return cp56time(tvb, tree, rco(tvb, tree, o));
    case 61:
      return cp56time(tvb, tree, qos(tvb, tree, nva(tvb, tree, o)));
    case 62:
      return cp56time(tvb, tree, qos(tvb, tree, sva(tvb, tree, o)));
    case 63:
      return cp56time(tvb, tree, qos(tvb, tree, flt(tvb, tree, o)));
    case 64:
      return cp56time(tvb, tree, bsi(tvb, tree, o));
    case 70:
      return octet(tvb, tree, o, A.coi, [
        [A.coi_r, (v) => v & 0x7f],
        [A.coi_i, (v) => (v & 0x80) !== 0],
      ]);
    case 100:
      tree.add(A.qoi, tvb, o, 1, tvb.u8(o));
      return o + 1;
    case 101:
      return octet(tvb, tree, o, A.qcc, [
        [A.rqt, (v) => v & 0x3f],
        [A.frz, (v) => v >> 6],
      ]);
    case 103:
      return cp56time(tvb, tree, o);
    case 105:
      tree.add(A.qrp, tvb, o, 1, tvb.u8(o));
      return o + 1;
    case 110:
      return qpm(tvb, tree, nva(tvb, tree, o));
    case 111:
      return qpm(tvb, tree, sva(tvb, tree, o));
    case 112:
      return qpm(tvb, tree, flt(tvb, tree, o));
    default:
      return o;
  }
}

type Part = readonly [FieldDef, (v: number) => number | boolean];

/** A one-octet element shown as a hex item with its bit fields under it. */
function octet(tvb: Tvb, tree: Tree, o: number, head: FieldDef, parts: readonly Part[]): number {
  const v = tvb.u8(o);
  tree.push(head, tvb, o, 1, v);
  for (const [def, get] of parts) tree.add(def, tvb, o, 1, get(v));
  tree.pop();
  return o + 1;
}

const quality = (
  p: 'siq' | 'diq' | 'qds',
  first: FieldDef,
  get: (v: number) => number | boolean,
): readonly Part[] => [
  [first, get],
  [A[`${p}.bl`], (v) => (v & 0x10) !== 0],
  [A[`${p}.sb`], (v) => (v & 0x20) !== 0],
  [A[`${p}.nt`], (v) => (v & 0x40) !== 0],
  [A[`${p}.iv`], (v) => (v & 0x80) !== 0],
];
const SIQ_PARTS = quality('siq', A['siq.spi'], (v) => (v & 1) !== 0);
const DIQ_PARTS = quality('diq', A['diq.dpi'], (v) => v & 3);
const QDS_PARTS = quality('qds', A['qds.ov'], (v) => (v & 1) !== 0);
const siq = (tvb: Tvb, tree: Tree, o: number): number => octet(tvb, tree, o, A.siq, SIQ_PARTS);
const diq = (tvb: Tvb, tree: Tree, o: number): number => octet(tvb, tree, o, A.diq, DIQ_PARTS);
const qds = (tvb: Tvb, tree: Tree, o: number): number => octet(tvb, tree, o, A.qds, QDS_PARTS);
const vti = (tvb: Tvb, tree: Tree, o: number): number =>
  octet(tvb, tree, o, A.vti, [
    [A['vti.v'], (v) => ((v & 0x7f) ^ 0x40) - 0x40],
    [A['vti.t'], (v) => (v & 0x80) !== 0],
  ]);
const QOS_PARTS: readonly Part[] = [
  [A['qos.ql'], (v) => v & 0x7f],
  [A['qos.se'], (v) => (v & 0x80) !== 0],
];
const qos = (tvb: Tvb, tree: Tree, o: number): number => octet(tvb, tree, o, A.qos, QOS_PARTS);
const sco = (tvb: Tvb, tree: Tree, o: number): number =>
  octet(tvb, tree, o, A.sco, [
    [A['sco.on'], (v) => (v & 1) !== 0],
    [A['sco.qu'], (v) => (v & 0x7c) >> 2],
    [A['sco.se'], (v) => (v & 0x80) !== 0],
  ]);
const dco = (tvb: Tvb, tree: Tree, o: number): number =>
  octet(tvb, tree, o, A.dco, [
    [A['dco.on'], (v) => v & 3],
    [A['dco.qu'], (v) => (v & 0x7c) >> 2],
    [A['dco.se'], (v) => (v & 0x80) !== 0],
  ]);
const rco = (tvb: Tvb, tree: Tree, o: number): number =>
  octet(tvb, tree, o, A.rco, [
    [A['rco.up'], (v) => v & 3],
    [A['rco.qu'], (v) => (v & 0x7c) >> 2],
    [A['rco.se'], (v) => (v & 0x80) !== 0],
  ]);
const qpm = (tvb: Tvb, tree: Tree, o: number): number =>
  octet(tvb, tree, o, A.qpm, [
    [A['qpm.kpa'], (v) => v & 0x3f],
    [A['qpm.lpc'], (v) => (v >> 6) & 1],
    [A['qpm.pop'], (v) => v >> 7],
  ]);

function nva(tvb: Tvb, tree: Tree, o: number): number {
  const raw = (tvb.u16le(o) << 16) >> 16;
  const v = Math.fround(raw / 32768);
  tree.add(A.normval, tvb, o, 2, floatG(v));
  if (tree.full) tree.labelLast(`Value: ${floatG(v)} (${raw})`);
  return o + 2;
}

function sva(tvb: Tvb, tree: Tree, o: number): number {
  tree.add(A.scalval, tvb, o, 2, (tvb.u16le(o) << 16) >> 16);
  return o + 2;
}

function flt(tvb: Tvb, tree: Tree, o: number): number {
  tvb.need(o, 4);
  tree.add(A.float, tvb, o, 4, floatG(tvb.view.getFloat32(o, true)));
  return o + 4;
}

function bsi(tvb: Tvb, tree: Tree, o: number): number {
  tree.add(A.bitstring, tvb, o, 4, tvb.u32(o));
  return o + 4;
}

function bcr(tvb: Tvb, tree: Tree, o: number): number {
  tree.add(A['bcr.count'], tvb, o, 4, tvb.u32le(o) | 0);
  const v = tvb.u8(o + 4);
  tree.add(A['bcr.sq'], tvb, o + 4, 1, v & 0x1f);
  tree.add(A['bcr.cy'], tvb, o + 4, 1, (v & 0x20) !== 0);
  tree.add(A['bcr.ca'], tvb, o + 4, 1, (v & 0x40) !== 0);
  tree.add(A['bcr.iv'], tvb, o + 4, 1, (v & 0x80) !== 0);
  return o + 5;
}

function cp24time(tvb: Tvb, tree: Tree, o: number): number {
  const ms = tvb.u16le(o);
  const min = tvb.u8(o + 2);
  const secs = Math.floor(ms / 1000) + (min & 0x3f) * 60;
  const text = `${secs}.${String((ms % 1000) * 1000000).padStart(9, '0')}`;
  tree.push(A.cp24time, tvb, o, 3, text);
  tree.add(A['cp24time.ms'], tvb, o, 2, ms);
  tree.add(A['cp24time.min'], tvb, o + 2, 1, min & 0x3f);
  tree.add(A['cp24time.iv'], tvb, o + 2, 1, (min & 0x80) !== 0);
  tree.pop();
  return o + 3;
}

/**
 * CP56Time2a. Wireshark makes the time with mktime() in local time (UTC here); a summer-time
 * flag makes mktime take the hour as daylight time, an hour ahead of UTC.
 */
function cp56time(tvb: Tvb, tree: Tree, o: number): number {
  const ms = tvb.u16le(o);
  const b = [tvb.u8(o + 2), tvb.u8(o + 3), tvb.u8(o + 4), tvb.u8(o + 5), tvb.u8(o + 6)] as const;
  let year = b[4] & 0x7f;
  if (year < 70) year += 100;
  const secs =
    Date.UTC(1900 + year, (b[3] & 0x0f) - 1, b[2] & 0x1f, b[1] & 0x1f, b[0] & 0x3f, Math.floor(ms / 1000)) /
      1000 -
    (b[1] & 0x80 ? 3600 : 0);
  tree.push(A.cp56time, tvb, o, 7, formatAbsoluteUtc(secs, (ms % 1000) * 1000000));
  tree.add(A['cp56time.ms'], tvb, o, 2, ms);
  const values = [
    b[0] & 0x3f,
    (b[0] & 0x40) !== 0,
    (b[0] & 0x80) !== 0,
    b[1] & 0x1f,
    (b[1] & 0x80) !== 0,
    b[2] & 0x1f,
    b[2] >> 5,
    b[3] & 0x0f,
    b[4] & 0x7f,
  ];
  const at = [2, 2, 2, 3, 3, 4, 4, 5, 6];
  CP56_FIELDS.forEach((k, i) => tree.add(A[`cp56time.${k}`], tvb, o + (at[i] as number), 1, values[i]));
  tree.pop();
  return o + 7;
}

export const iec104Module = {
  fields: { ...F, ...A },
  handoff(reg: Registry): void {
    reg.register('tcpPort', PORT, dissectIec104);
  },
};
