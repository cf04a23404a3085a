// Unified Diagnostic Services (ISO 14229) as carried by DoIP diagnostic messages, as tshark 4.0
// shows it: the service identifier and reply flag, the source and target addresses DoIP gives it,
// and the parameters of the common services (session control, ECU reset, DTC information, data by
// identifier, security access, I/O control, routine control, download, transfer, tester present,
// negative responses, DTC setting), with Info in Wireshark's padded columns.
import { bool, bytes, fields, FieldType, hex, names, uint, proto, type FieldDef } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const SERVICES = names({
  16: 'Diagnostic Session Control',
  17: 'ECU Reset',
  20: 'Clear Diagnostic Information',
  25: 'Read DTC Information',
  34: 'Read Data By Identifier',
  35: 'Read Memory By Address',
  36: 'Read Scaling Data By Identifier',
  39: 'Security Access',
  40: 'Communication Control',
  41: 'Authentication',
  42: 'Read Data By Periodic Identifier',
  44: 'Dynamically Define Data Identifier',
  46: 'Write Data By Identifier',
  47: 'Input Output Control By Identifier',
  49: 'Routine Control',
  52: 'Request Download',
  53: 'Request Upload',
  54: 'Transfer Data',
  55: 'Request Transfer Exit',
  56: 'Request File Transfer',
  61: 'Write Memory By Address',
  62: 'Tester Present',
  63: 'Error',
  132: 'Sercure Data Transmission',
  133: 'Control DTC Setting',
  134: 'Response On Event',
  135: 'Link Control',
});
const DSC_TYPES = names({
  0: 'Reserved',
  1: 'Default Session',
  2: 'Programming Session',
  3: 'Extended Diagnostic Session',
  4: 'Safety System Diagnostic Session',
});
const ER_TYPES = names({
  0: 'Reserved',
  1: 'Hard Reset',
  2: 'Key On Off Reset',
  3: 'Soft Reset',
  4: 'Enable Rapid Power Shutdown',
  5: 'Disable Rapid Power Shutdown',
});
const RDTCI_TYPES = names({
  1: 'Report Number of DTC by Status Mask',
  2: 'Report DTC by Status Mask',
  3: 'Report DTC Snapshot Identification',
  4: 'Report DTC Snapshot Record by DTC Number',
  5: 'Report DTC Snapshot Record by Record Number',
  6: 'Report DTC Extended Data Record by DTC Number',
  7: 'Report Number of DTC By Severity Mask',
  8: 'Report DTC by Severity Mask',
  9: 'Report Severity Information of DTC',
  10: 'Report Supported DTC',
  11: 'Report First Test Failed DTC',
  12: 'Report First Confirmed DTC',
  13: 'Report Most Recent Test Failed DTC',
  14: 'Report Most Recent Confirmed DTC',
  20: 'Report DTC Fault Detection Counter',
  21: 'Report DTC with Permanent Status',
  22: 'Report DTC Extended Data Record by Record Number',
  23: 'Report User Defined Memory DTC By Status Mask',
  24: 'Report User Defined Memory DTC Snapshot Record By DTC Number',
  25: 'Report User Defined Memory DTC Extended Data Record by DTC Number',
  26: 'Report List of DTCs Supporting Specific Extended Data Record',
  66: 'Report WWH-OBD DTC By Mask Record',
  85: 'Report WWH-OBD DTC With Permanent Status',
  86: 'Report WWH-OBD DTC By Readiness Group Identifier',
});
const SA_TYPES = names({
  1: 'Request Seed',
  2: 'Send Key',
  3: 'Request Seed',
  4: 'Send Key',
});
const IOCBI_PARAMETERS = names({
  0: 'Return Control To ECU',
  1: 'Reset To Default',
  2: 'Freeze Current State',
  3: 'Short Term Adjustment',
});
const RC_TYPES = names({
  0: 'Reserved',
  1: 'Start routine',
  2: 'Stop routine',
  3: 'Request routine result',
});
const RESPONSE_CODES = names({
  16: 'General reject',
  17: 'Service not supported',
  18: 'Sub-Function Not Supported',
  19: 'Incorrect Message Length or Invalid Format',
  20: 'Response too long',
  33: 'Busy repeat request',
  34: 'Conditions Not Correct',
  36: 'Request Sequence Error',
  37: 'No response from sub-net component',
  38: 'Failure prevents execution of requested action',
  49: 'Request Out of Range',
  51: 'Security Access Denied',
  52: 'Authentication Required',
  53: 'Invalid Key',
  54: 'Exceeded Number Of Attempts',
  55: 'Required Time Delay Not Expired',
  56: 'Secure Data Transmission Required',
  57: 'Secure Data Transmission Not Allowed',
  58: 'Secure Data Verification Failed',
  80: 'Certificate Verification Failed: Invalid Time Period',
  81: 'Certificate Verification Failed: Invalid Signature',
  82: 'Certificate Verification Failed: Invalid Chain of Trust',
  83: 'Certificate Verification Failed: Invalid Type',
  84: 'Certificate Verification Failed: Invalid Format',
  85: 'Certificate Verification Failed: Invalid Content',
  86: 'Certificate Verification Failed: Invalid Scope',
  87: 'Certificate Verification Failed: Invalid Certificate (revoked)',
  88: 'Ownership Verification Failed',
  89: 'Challenge Calculation Failed',
  90: 'Setting Access Rights Failed',
  91: 'Session Key Creation/Derivation Failed',
  92: 'Configuration Data Usage Failed',
  93: 'DeAuthentication Failed',
  112: 'Upload/Download not accepted',
  113: 'Transfer data suspended',
  114: 'General Programming Failure',
  115: 'Wrong Block Sequence Counter',
  120: 'Request correctly received, but response is pending',
  126: 'Sub-Function not supported in active session',
  127: 'Service not supported in active session',
  129: 'RPM Too High',
  130: 'RPM Too Low',
  131: 'Engine Is Running',
  132: 'Engine Is Not Running',
  133: 'Run Time Too Low',
  134: 'Temperature Too High',
  135: 'Temperature Too Low',
  136: 'Vehicle Speed Too High',
  137: 'Vehicle Speed Too Low',
  138: 'Throttle/Pedal Too High',
  139: 'Throttle/Pedal Too Low',
  140: 'Transmission Range Not In Neutral',
  141: 'Transmission Range Not In Gear',
  143: 'Brake Switch(es) Not Closed',
  144: 'Shifter/Lever Not in Park',
  145: 'Torque Converter Clutch Locked',
  146: 'Voltage Too High',
  147: 'Voltage Too Low',
  148: 'Resource Temporarily Not Available',
});
const CDTCS_TYPES = names({
  0: 'Reserved',
  1: 'On',
  2: 'Off',
});

export const F = fields('uds', {
  '': proto('Unified Diagnostic Services'),
  diag_addr: { ...hex('Diagnostic Address', 16), hidden: true, generated: true },
  diag_addr_source: hex('Diagnostic Source Address', 16),
  diag_addr_target: hex('Diagnostic Target Address', 16),
  sid: hex('Service Identifier', 8, { mask: 0xbf, strings: SERVICES }),
  reply: hex('Reply Flag', 8, { mask: 0x40 }),
  'dsc.type': hex('Type', 8, { strings: DSC_TYPES }),
  'dsc.parameter_record': bytes('Parameter Record'),
  'er.type': hex('Type', 8, { strings: ER_TYPES }),
  'rdtci.type': hex('Type', 8, { strings: RDTCI_TYPES }),
  'rdtci.record': bytes('Record'),
  'rdbi.data_identifier': hex('Data Identifier', 16),
  'rdbi.data_record': bytes('Data Record'),
  'sa.type': hex('Type', 8),
  'sa.key': bytes('Key'),
  'sa.seed': bytes('Seed'),
  'wdbi.data_identifier': hex('Data Identifier', 16),
  'wdbi.data_record': bytes('Data Record'),
  'iocbi.data_identifier': hex('Data Identifier', 16),
  'iocbi.parameter': hex('Parameter', 8, { strings: IOCBI_PARAMETERS }),
  'iocbi.state': bytes('State'),
  'rc.type': hex('Type', 8, { strings: RC_TYPES }),
  'rc.identifier': hex('Identifier', 16),
  'rc.option_record': bytes('Option record'),
  'rc.info': hex('Info', 8),
  'rc.status_record': bytes('Status Record'),
  'rd.compression_method': hex('Compression Method', 8, { mask: 0xf0 }),
  'rd.encrypting_method': hex('Encrypting Method', 8, { mask: 0x0f }),
  'rd.memory_size_length': hex('Memory size length', 8, { mask: 0xf0 }),
  'rd.memory_address_length': hex('Memory address length', 8, { mask: 0x0f }),
  'rd.memory_address': hex('Memory Address', 64),
  'rd.memory_size': hex('Memory Size', 64),
  'rd.max_number_of_block_length_length': hex('Memory address length', 8, { mask: 0xf0 }),
  'rd.max_number_of_block_length': hex('Memory Size', 64),
  'td.block_sequence_counter': uint('Block Sequence Counter', 8),
  'tp.suppress_reply': hex('Suppress reply', 8, { mask: 0x7f }),
  'tp.suppress_reply.indification': bool('Suppress reply', 8, 0x80, { tf: ['True', 'False'] }),
  'err.sid': hex('Service Identifier', 8, { strings: SERVICES }),
  'err.code': hex('Code', 8, { strings: RESPONSE_CODES }),
  'cdtcs.type': hex('Type', 8, { strings: CDTCS_TYPES }),
});

const SUBTREE: FieldDef = { name: '', type: FieldType.None, abbrev: '', id: -1 };

const name = (table: ReadonlyMap<number, string>, v: number): string =>
  table.get(v) ?? `Unknown (0x${v.toString(16).padStart(2, '0')})`;
const h4 = (v: number): string => `0x${v.toString(16).padStart(4, '0')}`;
/** Wireshark's tvb_bytes_to_str_punct(…, ' '). */
const spaced = (tvb: Tvb, at: number, len: number): string =>
  Array.from(tvb.slice(at, len), (b) => b.toString(16).padStart(2, '0')).join(' ');

/** A big-endian integer of 1..8 bytes (Wireshark's tvb_get_guintX). */
function uintN(tvb: Tvb, at: number, len: number): bigint {
  let v = 0n;
  for (let i = 0; i < len; i++) v = (v << 8n) | BigInt(tvb.u8(at + i));
  return v;
}

/** One UDS message from DoIP, with its source and target addresses. */
export function dissectUds(tvb: Tvb, pinfo: PacketInfo, tree: Tree, source: number, target: number): void {
  const o = tvb.start;
  const len = tvb.reportedRemaining(o);
  pinfo.layers.push('uds');
  pinfo.setProto('UDS');
  const sid = tvb.u8(o);
  const service = sid & 0xbf;
  const reply = (sid & 0x40) !== 0;
  const sname = name(SERVICES, service);
  let info = `${(reply ? 'Reply' : 'Request').padEnd(7)}   ${sname.padEnd(36)}`;
  const add = (s: string): void => {
    info += s;
  };
  tree.push(F[''], tvb, o, tvb.remaining(o));
  if (tree.full) tree.label(`Unified Diagnostic Services, Source: ${h4(source)}, Target: ${h4(target)}`);
  tree.add(F.diag_addr_source, tvb, o, 0, source);
  tree.add(F.diag_addr, tvb, o, 0, source);
  tree.add(F.diag_addr_target, tvb, o, 0, target);
  tree.add(F.diag_addr, tvb, o, 0, target);
  tree.add(F.sid, tvb, o, 1, service);
  tree.add(F.reply, tvb, o, 1, reply ? 1 : 0);
  try {
    service_(tvb, tree, o, len, service, reply, sname, add);
  } finally {
    if (pinfo.wantInfo) pinfo.setInfo(info);
    tree.pop();
  }
}

/** Adds to Info. */
type AddInfo = (s: string) => void;

/** `def` over the bytes from `at` to the message's end (`end`); their number, 0 or less when none. */
function bytesRest(tvb: Tvb, tree: Tree, def: FieldDef, at: number, end: number): number {
  const n = end - at;
  tree.add(def, tvb, at, Math.max(0, n));
  if (n > 0) tvb.need(at, n);
  return n;
}

/** A sub-function type byte at `o + 1` of `def`, named from `table` in Info. */
function typeByte(
  tvb: Tvb,
  tree: Tree,
  def: FieldDef,
  table: ReadonlyMap<number, string>,
  o: number,
  add: AddInfo,
): void {
  const t = tvb.u8(o + 1);
  tree.add(def, tvb, o + 1, 1, t);
  add(`   ${name(table, t)}`);
}

function diagnosticSessionControl(
  tvb: Tvb,
  tree: Tree,
  o: number,
  len: number,
  reply: boolean,
  add: AddInfo,
): void {
  typeByte(tvb, tree, F['dsc.type'], DSC_TYPES, o, add);
  if (reply) {
    const n = bytesRest(tvb, tree, F['dsc.parameter_record'], o + 2, o + len);
    if (n !== 0) add(`   ${spaced(tvb, o + 2, n)}`);
  }
}

function ecuReset(tvb: Tvb, tree: Tree, o: number, _len: number, _reply: boolean, add: AddInfo): void {
  typeByte(tvb, tree, F['er.type'], ER_TYPES, o, add);
}

function readDtcInformation(
  tvb: Tvb,
  tree: Tree,
  o: number,
  len: number,
  _reply: boolean,
  add: AddInfo,
): void {
  const t = tvb.u8(o + 1);
  tree.add(F['rdtci.type'], tvb, o + 1, 1, t);
  const n = bytesRest(tvb, tree, F['rdtci.record'], o + 2, o + len);
  if (n > 0) add(`   ${name(RDTCI_TYPES, t)}    ${spaced(tvb, o + 2, n)}`);
}

function readDataByIdentifier(
  tvb: Tvb,
  tree: Tree,
  o: number,
  len: number,
  reply: boolean,
  add: AddInfo,
): void {
  if (reply) {
    const id = tvb.u16(o + 1);
    tree.add(F['rdbi.data_identifier'], tvb, o + 1, 2, id);
    const n = bytesRest(tvb, tree, F['rdbi.data_record'], o + 3, o + len);
    add(`   ${h4(id)}`);
    if (n > 0) add(`   ${spaced(tvb, o + 3, n)}`);
    return;
  }
  for (let left = len - 1, at = o + 1; left > 0; at += 2, left -= 2) {
    const id = tvb.u16(at);
    tree.add(F['rdbi.data_identifier'], tvb, at, 2, id);
    add(`   ${h4(id)}`);
  }
}

function securityAccess(tvb: Tvb, tree: Tree, o: number, len: number, reply: boolean, add: AddInfo): void {
  typeByte(tvb, tree, F['sa.type'], SA_TYPES, o, add);
  const n = len - 2;
  if (n > 0) {
    tree.add(reply ? F['sa.seed'] : F['sa.key'], tvb, o + 2, n);
    add(`   ${spaced(tvb, o + 2, n)}`);
  }
}

function writeDataByIdentifier(
  tvb: Tvb,
  tree: Tree,
  o: number,
  len: number,
  reply: boolean,
  add: AddInfo,
): void {
  const id = tvb.u16(o + 1);
  tree.add(F['wdbi.data_identifier'], tvb, o + 1, 2, id);
  add(`   ${h4(id)}`);
  if (!reply) {
    const n = bytesRest(tvb, tree, F['wdbi.data_record'], o + 3, o + len);
    if (n > 0) add(`   ${spaced(tvb, o + 3, n)}`);
  }
}

function ioControlByIdentifier(
  tvb: Tvb,
  tree: Tree,
  o: number,
  len: number,
  _reply: boolean,
  add: AddInfo,
): void {
  const id = tvb.u16(o + 1);
  tree.add(F['iocbi.data_identifier'], tvb, o + 1, 2, id);
  const p = tvb.u8(o + 3);
  tree.add(F['iocbi.parameter'], tvb, o + 3, 1, p);
  const n = bytesRest(tvb, tree, F['iocbi.state'], o + 4, o + len);
  add(`   ${h4(id)}`);
  add(`  ${name(IOCBI_PARAMETERS, p)}`);
  if (n > 0) add(` ${spaced(tvb, o + 4, n)}`);
}

function routineControl(tvb: Tvb, tree: Tree, o: number, len: number, reply: boolean, add: AddInfo): void {
  const t = tvb.u8(o + 1);
  tree.add(F['rc.type'], tvb, o + 1, 1, t);
  const id = tvb.u16(o + 2);
  tree.add(F['rc.identifier'], tvb, o + 2, 2, id);
  add(`   ${name(RC_TYPES, t)} ${h4(id)}`);
  if (len - 4 <= 0) return;
  if (!reply) {
    const n = bytesRest(tvb, tree, F['rc.option_record'], o + 4, o + len);
    add(`   ${spaced(tvb, o + 4, n)}`);
    return;
  }
  const i = tvb.u8(o + 4);
  tree.add(F['rc.info'], tvb, o + 4, 1, i);
  add(`   0x${i.toString(16)}`);
  if (len - 4 > 1) {
    const n = bytesRest(tvb, tree, F['rc.status_record'], o + 5, o + len);
    add(`   ${spaced(tvb, o + 5, n)}`);
  }
}

function requestDownload(tvb: Tvb, tree: Tree, o: number, _len: number, reply: boolean, add: AddInfo): void {
  const f = tvb.u8(o + 1);
  if (reply) {
    const n = f >> 4;
    tree.add(F['rd.max_number_of_block_length_length'], tvb, o + 1, 1, n);
    const v = uintN(tvb, o + 2, n);
    tree.add(F['rd.max_number_of_block_length'], tvb, o + 2, n, v);
    add(`   Max Number Of Block Length 0x${v.toString(16)}`);
    return;
  }
  tree.add(F['rd.compression_method'], tvb, o + 1, 1, f >> 4);
  tree.add(F['rd.encrypting_method'], tvb, o + 1, 1, f & 0x0f);
  const a = tvb.u8(o + 2);
  const sizeLen = a >> 4;
  const addrLen = a & 0x0f;
  tree.add(F['rd.memory_size_length'], tvb, o + 2, 1, sizeLen);
  tree.add(F['rd.memory_address_length'], tvb, o + 2, 1, addrLen);
  const addr = uintN(tvb, o + 3, addrLen);
  tree.add(F['rd.memory_address'], tvb, o + 3, addrLen, addr);
  const size = uintN(tvb, o + 3 + addrLen, sizeLen);
  tree.add(F['rd.memory_size'], tvb, o + 3 + addrLen, sizeLen, size);
  add(`   0x${size.toString(16)} bytes at 0x${addr.toString(16)}`);
  add(`   (Compression:0x${(f >> 4).toString(16)} Encrypting:0x${(f & 0x0f).toString(16)})`);
}

function transferData(tvb: Tvb, tree: Tree, o: number, _len: number, _reply: boolean, add: AddInfo): void {
  const n = tvb.u8(o + 1);
  tree.add(F['td.block_sequence_counter'], tvb, o + 1, 1, n);
  add(`   Block Sequence Counter ${n}`);
}

function testerPresent(tvb: Tvb, tree: Tree, o: number, _len: number, reply: boolean, add: AddInfo): void {
  const a = tvb.u8(o + 1);
  tree.add(F['tp.suppress_reply'], tvb, o + 1, 1, a & 0x7f);
  add(`   Sub-function ${(a & 0x7f).toString(16)}`);
  if (!reply) {
    tree.add(F['tp.suppress_reply.indification'], tvb, o + 1, 1, (a & 0x80) !== 0);
    if (a & 0x80) add('   (Reply suppressed)');
  }
}

function negativeResponse(
  tvb: Tvb,
  tree: Tree,
  o: number,
  _len: number,
  _reply: boolean,
  add: AddInfo,
): void {
  const s = tvb.u8(o + 1);
  tree.add(F['err.sid'], tvb, o + 1, 1, s);
  add(`   ${name(SERVICES, s)}`);
  const c = tvb.u8(o + 2);
  tree.add(F['err.code'], tvb, o + 2, 1, c);
  add(` (SID: ${name(RESPONSE_CODES, c)})`);
}

function controlDtcSetting(
  tvb: Tvb,
  tree: Tree,
  o: number,
  _len: number,
  _reply: boolean,
  add: AddInfo,
): void {
  typeByte(tvb, tree, F['cdtcs.type'], CDTCS_TYPES, o, add);
}

/** The services decoded past their id, by service id (the reply bit cleared). */
const SERVICE_BODIES: ReadonlyMap<
  number,
  (tvb: Tvb, tree: Tree, o: number, len: number, reply: boolean, add: AddInfo) => void
> = new Map([
  [0x10, diagnosticSessionControl],
  [0x11, ecuReset],
  [0x19, readDtcInformation],
  [0x22, readDataByIdentifier],
  [0x27, securityAccess],
  [0x2e, writeDataByIdentifier],
  [0x2f, ioControlByIdentifier],
  [0x31, routineControl],
  [0x34, requestDownload],
  [0x36, transferData],
  [0x3e, testerPresent],
  [0x3f, negativeResponse],
  [0x85, controlDtcSetting],
]);

/** The body of `service` (`len` bytes from its id at `o`) in a subtree named `sname`, if it is one Trawl decodes. */
function service_(
  tvb: Tvb,
  tree: Tree,
  o: number,
  len: number,
  service: number,
  reply: boolean,
  sname: string,
  add: AddInfo,
): void {
  const body = SERVICE_BODIES.get(service);
  if (!body) return;
  tree.push(SUBTREE, tvb, o, tvb.remaining(o));
  if (tree.full) tree.label(sname);
  body(tvb, tree, o, len, reply, add);
  tree.pop();
}

export const udsModule = { fields: F };
