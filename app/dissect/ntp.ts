// Network Time Protocol (RFC 5905 and its predecessors) on UDP 123: the time packet with its four
// timestamps, extension fields and MAC, and the headers of control (mode 6) and private (mode 7)
// messages, as tshark 4.0 shows them.
import { bitPicture } from './field-text.ts';
import {
  absTime,
  applyMask,
  bool,
  bytes,
  fields,
  hex,
  names,
  proto,
  str,
  text,
  uint,
  FieldType,
  type FieldDef,
} from './field.ts';
import { parseControlVariables, type Span } from './ntp-control.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { NULL_TREE, type Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { formatIPv4 } from '../format/address.ts';
import { formatAbsoluteUtc } from '../format/time.ts';

const LEAP = names({
  0: 'no warning',
  1: 'last minute of the day has 61 seconds',
  2: 'last minute of the day has 59 seconds',
  3: 'unknown (clock unsynchronized)',
});
const VERSIONS = names({
  0: 'reserved',
  1: 'NTP Version 1',
  2: 'NTP Version 2',
  3: 'NTP Version 3',
  4: 'NTP Version 4',
  5: 'reserved',
  6: 'reserved',
  7: 'reserved',
});
const MODES = names({
  0: 'reserved',
  1: 'symmetric active',
  2: 'symmetric passive',
  3: 'client',
  4: 'server',
  5: 'broadcast',
  6: 'reserved for NTP control message',
  7: 'reserved for private use',
});
/** The short mode names of the Info column. */
const MODES_INFO = names({
  0: 'reserved',
  1: 'symmetric active',
  2: 'symmetric passive',
  3: 'client',
  4: 'server',
  5: 'broadcast',
  6: 'control',
  7: 'private',
});
const PRIMARY_SOURCES = new Map<string, string>([
  ['LOCL', 'uncalibrated local clock'],
  ['CESM', 'calibrated Cesium clock'],
  ['RBDM', 'calibrated Rubidium clock'],
  ['PPS', 'Generic pulse-per-second'],
  ['IRIG', 'Inter-Range Instrumentation Group'],
  ['ACTS', 'NIST telephone modem service'],
  ['USNO', 'USNO telephone modem service'],
  ['PTB', 'PTB (Germany) telephone modem service'],
  ['TDF', 'Allouis (France) Radio 164 kHz'],
  ['DCF', 'Mainflingen (Germany) Radio 77.5 kHz'],
  ['MSF', 'Rugby (UK) Radio 60 kHz'],
  ['WWV', 'Ft. Collins (US) Radio 2.5, 5, 10, 15, 20 MHz'],
  ['WWVB', 'Boulder (US) Radio 60 kHz'],
  ['WWVH', 'Kauai Hawaii (US) Radio 2.5, 5, 10, 15 MHz'],
  ['CHU', 'Ottawa (Canada) Radio 3330, 7335, 14670 kHz'],
  ['LORC', 'LORAN-C radionavigation system'],
  ['OMEG', 'OMEGA radionavigation system'],
  ['GPS', 'Global Position System'],
  ['GAL', 'Galileo Positioning System'],
  ['ATOM', 'Atomic clock'],
  ['NIST', 'NIST telephone modem service'],
  ['GOES', 'Geostationary Orbit Environment Satellite'],
  ['DCFa', 'DCF77 with amplitude modulation'],
  ['DCFp', 'DCF77 with phase modulation/pseudo random phase modulation'],
  ['HBG', 'HBG 75kHz (CH) time signal'],
  ['JJY', 'JJY 40/60kHz (JP) time signal'],
  ['TRUE', 'TrueTime GPS/TOD clock'],
  ['GOOG', 'Google NTP servers'],
  ['INIT', '(Initialization)'],
]);
const CTRL_OPCODES = names({
  0: 'reserved',
  1: 'read status',
  2: 'read variables',
  3: 'write variables',
  4: 'read clock variables',
  5: 'write clock variables',
  6: 'set trap address/port',
  7: 'asynchronous message',
  8: 'runtime configuration',
  9: 'save config to file',
  10: 'retrieve MRU (mrulist)',
  11: 'retrieve ordered list',
  12: 'request a client nonce',
  31: 'unset trap address/port',
});
const CLOCK_SOURCES = names({
  0: 'unspecified or unknown',
  1: 'Calibrated atomic clock',
  2: 'VLF (band 4) or LF (band 5) radio',
  3: 'HF (band 7) radio',
  4: 'UHF (band 9) satellite',
  5: 'local net',
  6: 'UDP/NTP',
  7: 'UDP/TIME',
  8: 'eyeball-and-wristwatch',
  9: 'telephone modem',
});
const SYS_EVENTS = names({
  0: 'unspecified',
  1: 'frequency correction (drift) file not available',
  2: 'frequency correction started (frequency stepped)',
  3: 'spike detected and ignored, starting stepout timer',
  4: 'frequency training started',
  5: 'clock synchronized',
  6: 'system restart',
  7: 'panic stop (required step greater than panic threshold)',
  8: 'no system peer',
  9: 'leap second insertion/deletion armed',
  10: 'leap second disarmed',
  11: 'leap second inserted or deleted',
  12: 'clock stepped (stepout timer expired)',
  13: 'kernel loop discipline status changed',
  14: 'leapsecond values update from file',
  15: 'leapsecond values update from file',
});
const PEER_SELECTION = names({
  0: 'rejected',
  1: 'passed sanity checks (tests 1 through 8 in Section 3.4.3)',
  2: 'passed correctness checks (intersection algorithm in Section 4.2.1)',
  3: 'passed candidate checks (if limit check implemented)',
  4: 'passed outlier checks (clustering algorithm in Section 4.2.2)',
  5: 'current synchronization source; max distance exceeded (if limit check implemented)',
  6: 'current synchronization source; max distance okay',
  7: 'reserved',
});
const PEER_EVENTS = names({
  0: 'unspecified',
  1: 'association mobilized',
  2: 'association demobilized',
  3: 'peer unreachable (peer.reach was nonzero now zero)',
  4: 'peer reachable (peer.reach was zero now nonzero)',
  5: 'association restarted or timed out',
  6: 'no server found (ntpdate mode)',
  7: 'rate exceeded (kiss code RATE)',
  8: 'access denied (kiss code DENY)',
  9: 'leap armed from server LI code',
  10: 'become system peer',
  11: 'reference clock event (see clock status word)',
  12: 'authentication failure',
  13: 'popcorn spike suppressor',
  14: 'entering interleave mode',
  15: 'interleave error (recovered)',
});
const CLOCK_STATUS = names({
  0: 'clock operating within nominals',
  1: 'reply timeout',
  2: 'bad reply format',
  3: 'hardware or software fault',
  4: 'propagation failure',
  5: 'bad date format or value',
  6: 'bad time format or value',
});
const ERROR_STATUS = names({
  0: 'unspecified',
  1: 'authentication failure',
  2: 'invalid message length or format',
  3: 'invalid opcode',
  4: 'unknown association identifier',
  5: 'unknown variable name',
  6: 'invalid variable value',
  7: 'administratively prohibited',
});
const IMPLEMENTATIONS = names({ 0: 'UNIV', 2: 'XNTPD_OLD (pre-IPv6)', 3: 'XNTPD' });
const REQ_CODES = names({
  0: 'PEER_LIST', 1: 'PEER_LIST_SUM', 2: 'PEER_INFO', 3: 'PEER_STATS', 4: 'SYS_INFO', 5: 'SYS_STATS',
  6: 'IO_STATS', 7: 'MEM_STATS', 8: 'LOOP_INFO', 9: 'TIMER_STATS', 10: 'CONFIG', 11: 'UNCONFIG',
  12: 'SET_SYS_FLAG', 13: 'CLR_SYS_FLAG', 14: 'MONITOR', 15: 'NOMONITOR', 16: 'GET_RESTRICT',
  17: 'RESADDFLAGS', 18: 'RESSUBFLAGS', 19: 'UNRESTRICT', 20: 'MON_GETLIST', 21: 'RESET_STATS',
  22: 'RESET_PEER', 23: 'REREAD_KEYS', 24: 'DO_DIRTY_HACK', 25: 'DONT_DIRTY_HACK', 26: 'TRUSTKEY',
  27: 'UNTRUSTKEY', 28: 'AUTHINFO', 29: 'TRAPS', 30: 'ADD_TRAP', 31: 'CLR_TRAP', 32: 'REQUEST_KEY',
  33: 'CONTROL_KEY', 34: 'GET_CTLSTATS', 35: 'GET_LEAPINFO', 36: 'GET_CLOCKINFO', 37: 'SET_CLKFUDGE',
  38: 'GET_KERNEL', 39: 'GET_CLKBUGINFO', 41: 'SET_PRECISION', 42: 'MON_GETLIST_1',
  43: 'HOSTNAME_ASSOCID', 44: 'IF_STATS', 45: 'IF_RELOAD',
}); // prettier-ignore
const PRIV_ERRORS = names({
  0: 'No error',
  1: 'incompatible implementation number',
  2: 'unimplemented request code',
  3: 'format error',
  4: 'no data available',
  7: 'authentication failure',
});
const EXT_TYPES = names({
  0x0002: 'No-Operation Request',
  0x0102: 'Association Message Request',
  0x0104: 'Unique Identifier',
  0x0204: 'NTS Cookie',
  0x0302: 'Cookie Message Request',
  0x0304: 'NTS Cookie Placeholder',
  0x0402: 'Autokey Message Request',
  0x0404: 'NTS Authenticator and Encrypted Extension Fields',
  0x0502: 'Leapseconds Value Message Request',
  0x0602: 'Sign Message Request',
  0x0702: 'IFF Identity Message Request',
  0x0802: 'GQ Identity Message Request',
  0x0902: 'MV Identity Message Request',
  0x8002: 'No-Operation Response',
  0x8102: 'Association Message Response',
  0x8202: 'Certificate Message Response',
  0x8302: 'Cookie Message Response',
  0x8402: 'Autokey Message Response',
  0x8502: 'Leapseconds Value Message Response',
  0x8602: 'Sign Message Response',
  0x8702: 'IFF Identity Message Response',
  0x8802: 'GQ Identity Message Response',
  0x8902: 'MV Identity Message Response',
  0xc002: 'No-Operation Error Response',
});

const TF_RESPONSE = names({ 0: 'Request', 1: 'Response' });

export const F = fields('ntp', {
  '': proto('Network Time Protocol'),
  flags: hex('Flags', 8),
  'flags.li': uint('Leap Indicator', 8, { mask: 0xc0, strings: LEAP }),
  'flags.vn': uint('Version number', 8, { mask: 0x38, strings: VERSIONS }),
  'flags.mode': uint('Mode', 8, { mask: 0x07, strings: MODES }),
  stratum: uint('Peer Clock Stratum', 8),
  ppoll: uint('Peer Polling Interval', 8),
  precision: uint('Peer Clock Precision', 8),
  rootdelay: uint('Root Delay', 32),
  rootdispersion: uint('Root Dispersion', 32),
  refid: bytes('Reference ID'),
  reftime: absTime('Reference Timestamp'),
  org: absTime('Origin Timestamp'),
  rec: absTime('Receive Timestamp'),
  xmt: absTime('Transmit Timestamp'),
  keyid: bytes('Key ID'),
  mac: bytes('Message Authentication Code'),
  ext: text('Extension'),
  'ext.type': hex('Field Type', 16, { strings: EXT_TYPES }),
  'ext.length': uint('Length', 16),
  'ext.value': bytes('Value'),
  'ctrl.flags2': hex('Flags 2', 8),
  'ctrl.flags2.r': uint('Response bit', 8, { mask: 0x80, strings: TF_RESPONSE }),
  'ctrl.flags2.error': uint('Error bit', 8, { mask: 0x40 }),
  'ctrl.flags2.more': uint('More bit', 8, { mask: 0x20 }),
  'ctrl.flags2.opcode': uint('Opcode', 8, { mask: 0x1f, strings: CTRL_OPCODES }),
  'ctrl.sequence': uint('Sequence', 16),
  'ctrl.status': hex('Status', 16),
  'ctrl.sys_status.li': uint('Leap Indicator', 16, { mask: 0xc000, strings: LEAP }),
  'ctrl.sys_status.clksrc': uint('Clock Source', 16, { mask: 0x3f00, strings: CLOCK_SOURCES }),
  'ctrl.sys_status.count': uint('System Event Counter', 16, { mask: 0x00f0 }),
  'ctrl.sys_status.code': uint('System Event Code', 16, { mask: 0x000f, strings: SYS_EVENTS }),
  'ctrl.associd': uint('AssociationID', 16),
  'ctrl.offset': uint('Offset', 16),
  'ctrl.count': uint('Count', 16),
  'ctrl.peer_status.config': bool('Peer Status', 16, 0x8000, {
    tf: ['configured (peer.config)', 'not configured (peer.config)'],
  }),
  'ctrl.peer_status.authenable': bool('Peer Status', 16, 0x4000, {
    tf: ['authentication enabled (peer.authenable)', 'authentication disabled (peer.authenable)'],
  }),
  'ctrl.peer_status.authentic': bool('Peer Status', 16, 0x2000, {
    tf: ['authentication okay (peer.authentic)', 'authentication not okay (peer.authentic)'],
  }),
  'ctrl.peer_status.reach': bool('Peer Status', 16, 0x1000, {
    tf: ['reachability okay (peer.reach != 0)', 'reachability not okay (peer.reach != 0)'],
  }),
  'ctrl.peer_status.bcast': bool('Peer Status broadcast association', 16, 0x0800),
  'ctrl.peer_status.selection': uint('Peer Selection', 16, { mask: 0x0700, strings: PEER_SELECTION }),
  'ctrl.peer_status.count': uint('Peer Event Counter', 16, { mask: 0x00f0 }),
  'ctrl.peer_status.code': uint('Peer Event Code', 16, { mask: 0x000f, strings: PEER_EVENTS }),
  'ctrl.clock_status.status': uint('Clock Status', 16, { mask: 0xff00, strings: CLOCK_STATUS }),
  'ctrl.clock_status.code': uint('Clock Event Code', 16, { mask: 0x00ff }),
  'ctrl.err_status': uint('Error Status Word', 16, { mask: 0xff00, strings: ERROR_STATUS }),
  'ctrl.data': text('Data'),
  'ctrl.item': text('Item'),
  _ctrl_part: text('Part'),
  'ctrl.trapmsg': str('Trap message'),
  'ctrl.configuration': str('Configuration'),
  'ctrl.mru': str('MRU'),
  'ctrl.ordlist': str('Ordered List'),
  'ctrl.nonce': str('Nonce'),
  'ctrl.authenticator': text('Authenticator'),
  padding: bytes('Padding'),
  'priv.flags.r': uint('Response bit', 8, { mask: 0x80, strings: TF_RESPONSE }),
  'priv.flags.more': uint('More bit', 8, { mask: 0x40 }),
  'priv.auth_seq': uint('Auth, sequence', 8),
  'priv.auth': uint('Auth bit', 8, { mask: 0x80 }),
  'priv.seq': uint('Sequence number', 8, { mask: 0x7f }),
  'priv.impl': uint('Implementation', 8, { strings: IMPLEMENTATIONS }),
  'priv.reqcode': uint('Request code', 8, { strings: REQ_CODES }),
  'priv.err': hex('Err', 8, { mask: 0xf0, strings: PRIV_ERRORS }),
  'priv.numitems': uint('Number of data items', 16, { mask: 0x0fff }),
  'priv.reserved': hex('Reserved', 8, { mask: 0xf0 }),
  'priv.itemsize': uint('Size of data item', 16, { mask: 0x0fff }),
  'priv.data': bytes('Data'),
});

/** Longest MAC tshark expects after the timestamps (key id + SHA-1 digest). */
const MAX_MAC_LEN = 24;

export function dissectNTP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('ntp');
  pinfo.setProto('NTP');
  const flags = tvb.u8(o);
  const vn = (flags >> 3) & 7;
  const mode = flags & 7;
  if (pinfo.wantInfo) {
    let info = `${VERSIONS.get(vn)}, ${MODES_INFO.get(mode)}`;
    if (mode === 7) {
      const r = tvb.u8(o) & 0x80;
      const code = tvb.u8(o + 3);
      info += `, ${r ? 'Response' : 'Request'}, ${REQ_CODES.get(code) ?? `Unknown (${code})`}`;
    }
    pinfo.setInfo(info);
  }
  tree.push(F[''], tvb, o, tvb.remaining(o));
  if (tree.full) tree.label(`Network Time Protocol (${VERSIONS.get(vn)}, ${MODES_INFO.get(mode)})`);
  try {
    if (mode === 6) control(tvb, tree, o, flags);
    else if (mode === 7) privateMessage(tvb, tree, o, flags);
    else timePacket(tvb, pinfo, tree, o, flags);
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

function addFlags(tvb: Tvb, tree: Tree, o: number, flags: number, defs: readonly FieldDef[]): void {
  tree.push(F.flags, tvb, o, 1, flags);
  if (tree.full) {
    const parts = defs.map((d) => {
      const v = (flags & (d.mask as number)) >>> Math.log2((d.mask as number) & -(d.mask as number));
      return `${d.name}: ${d.strings?.get(v) ?? v}`;
    });
    tree.label(`Flags: 0x${flags.toString(16).padStart(2, '0')}, ${parts.join(', ')}`);
  }
  for (const d of defs) {
    const v = (flags & (d.mask as number)) >>> Math.log2((d.mask as number) & -(d.mask as number));
    tree.add(d, tvb, o, 1, v);
  }
  tree.pop();
}

function stratumText(s: number): string {
  if (s === 0) return 'unspecified or invalid';
  if (s === 1) return 'primary reference';
  if (s <= 15) return 'secondary reference';
  if (s === 16) return 'unsynchronized';
  return 'reserved';
}

function timePacket(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, flags: number): void {
  if (tree === NULL_TREE) {
    tvb.need(o, 48);
    return;
  }
  addFlags(tvb, tree, o, flags, [F['flags.li'], F['flags.vn'], F['flags.mode']]);
  const stratum = tvb.u8(o + 1);
  tree.add(F.stratum, tvb, o + 1, 1, stratum);
  if (tree.full) tree.labelLast(`Peer Clock Stratum: ${stratumText(stratum)} (${stratum})`);
  const ppoll = tvb.u8(o + 2);
  tree.add(F.ppoll, tvb, o + 2, 1, ppoll);
  if (tree.full) {
    const text = ppoll >= 4 && ppoll <= 17 ? `${ppoll} (${2 ** ppoll} seconds)` : `invalid (${ppoll})`;
    tree.labelLast(`Peer Polling Interval: ${text}`);
  }
  const precision = tvb.u8(o + 3);
  tree.add(F.precision, tvb, o + 3, 1, precision);
  if (tree.full)
    tree.labelLast(`Peer Clock Precision: ${(2 ** ((precision << 24) >> 24)).toFixed(6)} seconds`);
  for (const [def, at] of [
    [F.rootdelay, o + 4],
    [F.rootdispersion, o + 8],
  ] as const) {
    const v = tvb.u32(at);
    tree.add(def, tvb, at, 4, v);
    if (tree.full) tree.labelLast(`${def.name}: ${(v / 65536).toFixed(6)} seconds`);
  }
  tree.add(F.refid, tvb, o + 12, 4);
  if (tree.full) tree.labelLast(`Reference ID: ${refidText(tvb, o + 12, stratum, pinfo)}`);
  timestamp(tvb, tree, F.reftime, o + 16);
  timestamp(tvb, tree, F.org, o + 24);
  timestamp(tvb, tree, F.rec, o + 32);
  timestamp(tvb, tree, F.xmt, o + 40);
  let p = o + 48;
  while (tvb.reportedRemaining(p) > MAX_MAC_LEN) p = extension(tvb, tree, p);
  if (tvb.reportedRemaining(p) >= 4) tree.add(F.keyid, tvb, p, 4);
  p += 4;
  const macLen = tvb.reportedRemaining(p);
  if (macLen > 0) tree.add(F.mac, tvb, p, Math.min(macLen, tvb.remaining(p)));
}

function refidText(tvb: Tvb, at: number, stratum: number, _pinfo: PacketInfo): string {
  const v = tvb.u32(at);
  if (v === 0) return 'NULL';
  if (stratum <= 1) {
    let s = '';
    for (let i = 0; i < 4; i++) {
      const c = tvb.bytes[at + i] as number;
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    return PRIMARY_SOURCES.get(s) ?? `Unidentified reference source '${s}'`;
  }
  return formatIPv4(v);
}

const NTP_UNIX_OFFSET = 2208988800;

/** An NTP timestamp as tshark prints it (`NULL` for zero; seconds without the top bit are era 1). */
export function ntpTimestamp(tvb: Tvb, at: number): string {
  const sec = tvb.u32(at);
  const frac = tvb.u32(at + 4);
  if (sec === 0 && frac === 0) return 'NULL';
  const era = (sec & 0x80000000) === 0 ? 2 ** 32 : 0;
  const unix = sec + era - NTP_UNIX_OFFSET;
  const nsec = Number((BigInt(frac) * 1000000000n) >> 32n);
  return formatAbsoluteUtc(unix, nsec);
}

function timestamp(tvb: Tvb, tree: Tree, def: FieldDef, at: number): void {
  tree.add(def, tvb, at, 8, ntpTimestamp(tvb, at));
}

function extension(tvb: Tvb, tree: Tree, p: number): number {
  const type = tvb.u16(p);
  const len = tvb.u16(p + 2);
  const total = Math.max(len, 4);
  tree.push(F.ext, tvb, p, total);
  tree.add(F['ext.type'], tvb, p, 2, type);
  tree.add(F['ext.length'], tvb, p + 2, 2, len);
  if (len > 4) tree.add(F['ext.value'], tvb, p + 4, len - 4);
  tree.pop();
  return p + total;
}

function control(tvb: Tvb, tree: Tree, o: number, flags: number): void {
  tvb.need(o, 12);
  if (tree === NULL_TREE) return;
  addFlags(tvb, tree, o, flags, [F['flags.li'], F['flags.vn'], F['flags.mode']]);
  const f2 = tvb.u8(o + 1);
  const response = (f2 & 0x80) !== 0;
  const opcode = f2 & 0x1f;
  tree.push(F['ctrl.flags2'], tvb, o + 1, 1, f2);
  if (tree.full) {
    tree.label(
      `Flags 2: 0x${f2.toString(16).padStart(2, '0')}, Response bit: ${response ? 'Response' : 'Request'}, ` +
        `Opcode: ${CTRL_OPCODES.get(opcode) ?? 'Unknown'}`,
    );
  }
  tree.add(F['ctrl.flags2.r'], tvb, o + 1, 1, f2 >> 7);
  tree.add(F['ctrl.flags2.error'], tvb, o + 1, 1, (f2 >> 6) & 1);
  tree.add(F['ctrl.flags2.more'], tvb, o + 1, 1, (f2 >> 5) & 1);
  tree.add(F['ctrl.flags2.opcode'], tvb, o + 1, 1, opcode);
  tree.pop();
  tree.add(F['ctrl.sequence'], tvb, o + 2, 2, tvb.u16(o + 2));
  const assoc = tvb.u16(o + 6);
  controlStatus(tvb, tree, o + 4, statusKind(f2, assoc));
  tree.add(F['ctrl.associd'], tvb, o + 6, 2, assoc);
  tree.add(F['ctrl.offset'], tvb, o + 8, 2, tvb.u16(o + 8));
  const count = tvb.u16(o + 10);
  tree.add(F['ctrl.count'], tvb, o + 10, 2, count);
  const n = Math.min(count, tvb.remaining(o + 12));
  if (n > 0) controlData(tvb, tree, o + 12, n, response && opcode === 1 && assoc === 0, opcode);
  controlAuthenticator(tvb, tree, o, o + 12 + ((count + 3) & ~3));
}

type StatusKind = 'none' | 'system' | 'peer' | 'clock' | 'error';

/** Which status word a control message carries: only responses have one, the opcode says which. */
function statusKind(f2: number, assoc: number): StatusKind {
  if ((f2 & 0x80) === 0) return 'none';
  if (f2 & 0x40) return 'error';
  switch (f2 & 0x1f) {
    case 1:
    case 2:
    case 3:
    case 7:
      return assoc === 0 ? 'system' : 'peer';
    case 4:
    case 5:
      return 'clock';
    default:
      return 'none';
  }
}

const STATUS_FIELDS: Record<Exclude<StatusKind, 'none'>, readonly FieldDef[]> = {
  system: [
    F['ctrl.sys_status.li'],
    F['ctrl.sys_status.clksrc'],
    F['ctrl.sys_status.count'],
    F['ctrl.sys_status.code'],
  ],
  peer: [
    F['ctrl.peer_status.config'],
    F['ctrl.peer_status.authenable'],
    F['ctrl.peer_status.authentic'],
    F['ctrl.peer_status.reach'],
    F['ctrl.peer_status.bcast'],
    F['ctrl.peer_status.selection'],
    F['ctrl.peer_status.count'],
    F['ctrl.peer_status.code'],
  ],
  clock: [F['ctrl.clock_status.status'], F['ctrl.clock_status.code']],
  error: [F['ctrl.err_status']],
};

/** The status word, its parts under it; the label names the set flags and the named parts, as tshark's. */
function controlStatus(tvb: Tvb, tree: Tree, at: number, kind: StatusKind): void {
  const status = tvb.u16(at);
  if (kind === 'none') {
    tree.add(F['ctrl.status'], tvb, at, 2, status);
    return;
  }
  tree.push(F['ctrl.status'], tvb, at, 2, status);
  let label = `Status: 0x${status.toString(16).padStart(4, '0')}`;
  for (const def of STATUS_FIELDS[kind]) {
    const isFlag = def.type === FieldType.Bool;
    const v = applyMask(def, status);
    tree.add(def, tvb, at, 2, isFlag ? v !== 0 : v);
    if (isFlag && v) label += `, ${def.name}`;
    else if (def.strings) label += `, ${def.name}: ${def.strings.get(v) ?? 'Unknown'}`;
  }
  tree.pop(undefined, label);
}

/** Opcodes whose data is one string, by the field that shows it. */
const CTRL_TEXT: ReadonlyMap<number, FieldDef> = new Map([
  [7, F['ctrl.trapmsg']],
  [8, F['ctrl.configuration']],
  [9, F['ctrl.configuration']],
  [10, F['ctrl.mru']],
  [11, F['ctrl.ordlist']],
  [12, F['ctrl.nonce']],
]);

function controlData(
  tvb: Tvb,
  tree: Tree,
  at: number,
  n: number,
  associations: boolean,
  opcode: number,
): void {
  tree.push(F['ctrl.data'], tvb, at, n);
  const textField = CTRL_TEXT.get(opcode);
  if (associations) {
    associationList(tvb, tree, at, n);
    return;
  }
  if (textField) tree.add(textField, tvb, at, n, tvb.ascii(at, n).replace(/\0+$/, ''));
  else if (opcode >= 1 && opcode <= 5) variableList(tvb, tree, at, n);
  tree.pop();
}

/**
 * A read-status response's association ids and peer status words. As tshark 4.0 does, each id is
 * an item under Data and each status word follows Data at the message's level.
 */
function associationList(tvb: Tvb, tree: Tree, at: number, n: number): void {
  const count = Math.floor(n / 4);
  for (let i = 0; i < count; i++) {
    tree.push(F['ctrl.item'], tvb, at + i * 4, 4);
    tree.add(F['ctrl.associd'], tvb, at + i * 4, 2, tvb.u16(at + i * 4));
    tree.pop();
  }
  tree.pop();
  for (let i = 0; i < count; i++) controlStatus(tvb, tree, at + i * 4 + 2, 'peer');
}

/** `name=value` items, each shown as the nested parts of tshark's grammar. */
function variableList(tvb: Tvb, tree: Tree, at: number, n: number): void {
  if (!tree.full) return;
  const text = (s: Span): string => tvb.ascii(s.start, s.end - s.start);
  const node = (s: Span, label: string): void => {
    tree.push(F._ctrl_part, tvb, s.start, s.end - s.start);
    tree.label(label);
  };
  const leaf = (s: Span): void => {
    node(s, text(s));
    tree.pop();
  };
  for (const v of parseControlVariables(tvb.bytes, at, at + n)) {
    node(v.whole, text(v.whole));
    node(v.whole, text(v.whole));
    leaf(v.name);
    if (v.equals !== undefined) leaf({ start: v.equals, end: v.equals + 1 });
    if (v.value) controlValue(tree, v.value, node, leaf, text);
    node(v.rest, text(v.rest));
    if (v.comma) leaf(v.rest);
    tree.pop();
    tree.pop();
    tree.pop();
  }
}

/** A value: bare text three levels deep, or a quoted string with its quotes and its inside. */
function controlValue(
  tree: Tree,
  v: Span & { quoted: boolean },
  node: (s: Span, label: string) => void,
  leaf: (s: Span) => void,
  text: (s: Span) => string,
): void {
  if (v.end === v.start) {
    leaf(v);
    return;
  }
  if (!v.quoted) {
    node(v, text(v));
    node(v, text(v));
    leaf(v);
    tree.pop();
    tree.pop();
    return;
  }
  const inside = { start: v.start + 1, end: v.end - 1 };
  node(v, text(v));
  node(v, text(v));
  node(inside, text(inside));
  node(v, text(v));
  leaf({ start: v.start, end: v.start + 1 });
  if (inside.end > inside.start) {
    node(inside, text(inside));
    node(inside, text(inside));
    leaf(inside);
    tree.pop();
    tree.pop();
  }
  leaf({ start: v.end - 1, end: v.end });
  for (let i = 0; i < 4; i++) tree.pop();
}

/** Bytes after the data: padding to an 8-byte boundary, then the authenticator. */
function controlAuthenticator(tvb: Tvb, tree: Tree, o: number, p: number): void {
  if (tvb.remaining(p) <= 0) return;
  if ((p - o) % 8 !== 0) {
    const pad = 8 - ((p - o) % 8);
    tree.add(F.padding, tvb, p, Math.min(pad, tvb.remaining(p)));
    p += pad;
  }
  if (tvb.remaining(p) > 0) tree.add(F['ctrl.authenticator'], tvb, p, tvb.remaining(p));
}

function privateMessage(tvb: Tvb, tree: Tree, o: number, flags: number): void {
  tvb.need(o, 8);
  if (tree === NULL_TREE) return;
  const r = flags >> 7;
  tree.push(F.flags, tvb, o, 1, flags);
  if (tree.full) {
    tree.label(
      `Flags: 0x${flags.toString(16).padStart(2, '0')}, Response bit: ${r ? 'Response' : 'Request'}, ` +
        `Version number: ${VERSIONS.get((flags >> 3) & 7)}, Mode: ${MODES.get(flags & 7)}`,
    );
  }
  tree.add(F['priv.flags.r'], tvb, o, 1, r);
  tree.add(F['priv.flags.more'], tvb, o, 1, (flags >> 6) & 1);
  tree.add(F['flags.vn'], tvb, o, 1, (flags >> 3) & 7);
  tree.add(F['flags.mode'], tvb, o, 1, flags & 7);
  tree.pop();
  const as = tvb.u8(o + 1);
  tree.push(F['priv.auth_seq'], tvb, o + 1, 1, as);
  tree.add(F['priv.auth'], tvb, o + 1, 1, as >> 7);
  tree.add(F['priv.seq'], tvb, o + 1, 1, as & 0x7f);
  tree.pop();
  const impl = tvb.u8(o + 2);
  tree.add(F['priv.impl'], tvb, o + 2, 1, impl);
  tree.add(F['priv.reqcode'], tvb, o + 3, 1, tvb.u8(o + 3));
  // tshark reads the rest of the header only for the XNTPD implementation.
  if (impl !== 3) return;
  const w1 = tvb.u16(o + 4);
  const w2 = tvb.u16(o + 6);
  tree.add(F['priv.err'], tvb, o + 4, 1, w1 >> 12);
  if (tree.full)
    tree.labelLast(
      `${bitPicture(F['priv.err'], w1 >> 12)} = Err: ${PRIV_ERRORS.get(w1 >> 12) ?? 'Unknown'} (0x${(w1 >> 12).toString(16).padStart(2, '0')})`,
    );
  twelveBits(tvb, tree, F['priv.numitems'], o + 4, w1 & 0x0fff);
  tree.add(F['priv.reserved'], tvb, o + 6, 1, w2 >> 12);
  if (tree.full)
    tree.labelLast(
      `${bitPicture(F['priv.reserved'], w2 >> 12)} = Reserved: 0x${(w2 >> 12).toString(16).padStart(2, '0')}`,
    );
  twelveBits(tvb, tree, F['priv.itemsize'], o + 6, w2 & 0x0fff);
  const rest = tvb.remaining(o + 8);
  if (rest > 0 && (w1 & 0x0fff) > 0) tree.add(F['priv.data'], tvb, o + 8, rest);
}

/** A 12-bit count of a mode 7 header; tshark draws its bits with two spaces between the bytes. */
function twelveBits(tvb: Tvb, tree: Tree, def: FieldDef, at: number, value: number): void {
  tree.add(def, tvb, at, 2, value);
  if (!tree.full) return;
  const picture = bitPicture(def, value);
  tree.labelLast(`${picture.slice(0, 9)} ${picture.slice(9)} = ${def.name}: ${value}`);
}

export const ntpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', 123, dissectNTP);
  },
};
