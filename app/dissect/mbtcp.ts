// Modbus/TCP on TCP 502 (the MBAP header, `mbtcp.*`) and the Modbus PDU it carries (`modbus.*`),
// as tshark 4.0 shows them. A message towards port 502 is a Query, one from it a Response; a
// response finds its query by transaction and unit id (and function code) in its conversation and
// reads its registers from the query's reference number, shown as UINT16 (Wireshark's default).
import { formatDelta } from '../format/time.ts';
import { bool, bytes, fields, FieldType, hex, names, proto, uint, type FieldDef } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { tcpDissectPdus, type PduSpec } from './tcp-pdus.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const PORT = 502;

const FUNCTIONS = names({
  1: 'Read Coils',
  2: 'Read Discrete Inputs',
  3: 'Read Holding Registers',
  4: 'Read Input Registers',
  5: 'Write Single Coil',
  6: 'Write Single Register',
  7: 'Read Exception Status',
  8: 'Diagnostics',
  11: 'Get Comm. Event Counters',
  12: 'Get Comm. Event Log',
  15: 'Write Multiple Coils',
  16: 'Write Multiple Registers',
  17: 'Report Slave ID',
  20: 'Read File Record',
  21: 'Write File Record',
  22: 'Mask Write Register',
  23: 'Read Write Register',
  24: 'Read FIFO Queue',
  43: 'Encapsulated Interface Transport',
  90: 'Unity (Schneider)',
});
const EXCEPTIONS = names({
  1: 'Illegal function',
  2: 'Illegal data address',
  3: 'Illegal data value',
  4: 'Slave device failure',
  5: 'Acknowledge',
  6: 'Slave device busy',
  8: 'Memory parity error',
  10: 'Gateway path unavailable',
  11: 'Gateway target device failed to respond',
});
const MEI = names({ 13: 'CANopen Request/Response ', 14: 'Read Device Identification' });
const DIAGNOSTICS = names({
  0x00: 'Return Query Data',
  0x01: 'Restart Communications Option',
  0x02: 'Return Diagnostic Register',
  0x03: 'Change ASCII Input Delimiter',
  0x04: 'Force Listen Only Mode',
  0x0a: 'Clear Counters and Diagnostic Register',
  0x0b: 'Return Bus Message Count',
  0x0c: 'Return Bus Communication Error Count',
  0x0d: 'Return Bus Exception Error Count',
  0x0e: 'Return Slave Message Count',
  0x0f: 'Return Slave No Response Count',
  0x10: 'Return Slave NAK Count',
  0x11: 'Return Slave Busy Count',
  0x12: 'Return Bus Character Overrun Count',
  0x14: 'Clear Overrun Counter and Flag',
});
const READ_DEVICE_ID = names({
  1: 'Basic Device Identification',
  2: 'Regular Device Identification',
  3: 'Extended Device Identification',
  4: 'Specific Identification Object',
});
const OBJECT_ID = names({
  0: 'VendorName',
  1: 'ProductCode',
  2: 'MajorMinorRevision',
  3: 'VendorURL',
  4: 'ProductName',
  5: 'ModelName',
  6: 'UserApplicationName',
});

export const F = fields('mbtcp', {
  '': proto('Modbus/TCP'),
  trans_id: uint('Transaction Identifier', 16),
  prot_id: uint('Protocol Identifier', 16),
  len: uint('Length', 16),
  unit_id: uint('Unit Identifier', 8),
});

export const M = fields('modbus', {
  '': proto('Modbus'),
  func_code: uint('Function Code', 8, { mask: 0x7f, strings: FUNCTIONS }),
  exception_code: uint('Exception Code', 8, { strings: EXCEPTIONS }),
  request_frame: { name: 'Request Frame', type: FieldType.FrameNum, generated: true },
  response_time: { name: 'Time from request', type: FieldType.RelTime, generated: true },
  reference_num: uint('Reference Number', 16),
  read_reference_num: uint('Read Reference Number', 16),
  write_reference_num: uint('Write Reference Number', 16),
  word_cnt: uint('Word Count', 16),
  read_word_cnt: uint('Read Word Count', 16),
  write_word_cnt: uint('Write Word Count', 16),
  bit_cnt: uint('Bit Count', 16),
  byte_cnt: uint('Byte Count', 8),
  byte_cnt_16: uint('Byte Count (16-bit)', 8),
  padding: hex('Padding', 8),
  diagnostic_code: uint('Diagnostic Code', 16, { strings: DIAGNOSTICS }),
  and_mask: hex('AND mask', 16),
  or_mask: hex('OR mask', 16),
  data: bytes('Data'),
  mei: uint('MEI type', 8, { strings: MEI }),
  read_device_id: uint('Read Device ID', 8, { strings: READ_DEVICE_ID }),
  object_id: uint('Object ID', 8, { strings: OBJECT_ID }),
  bitnum: { ...uint('Bit Number', 16), generated: true },
  bitval: bool('Bit Value', 8, 0x01, { tf: ['True', 'False'] }),
  'diagnostic.return_query_data.request': bytes('Request Data'),
  'diagnostic.return_query_data.echo': bytes('Echo Data'),
  'diagnostic.restart_communication_option': hex('Restart Communication Option', 16, {
    strings: names({ 0: 'Leave Log', 0xff: 'Clear Log' }),
  }),
  'diagnostic.return_diag_register': hex('Diagnostic Register Contents', 16),
  'diagnostic.ascii_input_delimiter': hex('CHAR', 8),
  'diagnostic.clear_ctr_diag_reg': uint('Clear Counters & Diag Register Echo', 16),
  'diagnostic.bus_message_count': uint('Total Message Count', 16),
  'diagnostic.bus_comm_error_count': uint('CRC Error Count', 16),
  'diagnostic.bus_exception_error_count': uint('Exception Error Count', 16),
  'diagnostic.slave_message_count': uint('Slave Message Count', 16),
  'diagnostic.no_slave_response_count': uint('Slave No Response Count', 16),
  'diagnostic.slave_nak_count': uint('Slave NAK Count', 16),
  'diagnostic.slave_busy_count': uint('Slave Device Busy Count', 16),
  'diagnostic.bus_char_overrun_count': uint('Slave Character Overrun Count', 16),
  regnum16: uint('Register Number', 16),
  regval_uint16: uint('Register Value (UINT16)', 16),
});

/** A label-only subtree (proto_tree_add_subtree): no field, never collected. */
const SUBTREE: FieldDef = { name: '', type: FieldType.None, abbrev: '', id: -1 };

const enum Kind {
  Query,
  Response,
  Unknown,
}

interface Request {
  frame: number;
  func: number;
  key: number;
  base: number;
  count: number;
  sec: number;
  nsec: number;
}

/** What a message learned on the first pass: its query's frame and registers (responses). */
interface Seen {
  request: Request | null;
  base: number;
  count: number;
}

interface ModbusState {
  /** Queries per conversation, newest first. */
  queries: Map<number, Request[]>;
  /** Per frame and transaction key, what the first pass found. */
  seen: Map<string, Seen>;
}

const newState = (): ModbusState => ({ queries: new Map(), seen: new Map() });

export function dissectMbtcp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  // Wireshark's checks before it claims the segment: a full header, protocol 0, a length ≥ 2.
  if (!tvb.has(o, 8) || tvb.u16(o + 2) !== 0 || tvb.u16(o + 4) < 2) return 0;
  pinfo.layers.push('mbtcp');
  return tcpDissectPdus(tvb, pinfo, tree, PDUS);
}

const PDUS: PduSpec = {
  fixed: 6,
  length: (tvb, at) => tvb.u16(at + 4) + 6,
  dissect: pdu,
  name: 'Modbus/TCP',
};

function pdu(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  pinfo.setProto('Modbus/TCP');
  const trans = tvb.u16(o);
  const protId = tvb.u16(o + 2);
  const len = tvb.u16(o + 4);
  const unit = tvb.u8(o + 6);
  const rawFunc = tvb.u8(o + 7);
  const func = rawFunc & 0x7f;
  const kind =
    pinfo.srcPort === PORT && pinfo.dstPort !== PORT
      ? Kind.Response
      : pinfo.srcPort !== PORT && pinfo.dstPort === PORT
        ? Kind.Query
        : Kind.Unknown;
  const exception = rawFunc & 0x80 ? tvb.u8(o + 8) : 0;
  if (pinfo.wantInfo) pinfo.setInfo(info(tvb, kind, trans, unit, func, exception));

  tree.push(F[''], tvb, o, len + 6);
  tree.add(F.trans_id, tvb, o, 2, trans);
  tree.add(F.prot_id, tvb, o + 2, 2, protId);
  tree.add(F.len, tvb, o + 4, 2, len);
  tree.add(F.unit_id, tvb, o + 6, 1, unit);
  tree.pop();
  if (tvb.reportedRemaining(o) > 0) modbus(tvb.sub(o + 7, len - 1), pinfo, tree, kind, trans, unit);
}

function info(tvb: Tvb, kind: Kind, trans: number, unit: number, func: number, exception: number): string {
  const type = kind === Kind.Query ? 'Query' : kind === Kind.Response ? 'Response' : 'unknown';
  const o = tvb.start;
  let name: string;
  let sub = false;
  if (func === 43 && exception === 0) {
    name = MEI.get(tvb.u8(o + 8)) ?? 'Encapsulated Interface Transport';
    sub = true;
  } else if (func === 8 && exception === 0) {
    name = DIAGNOSTICS.get(tvb.u16(o + 8)) ?? 'Diagnostics';
    sub = true;
  } else name = FUNCTIONS.get(func) ?? `Unknown function (${func})`;
  const err =
    exception !== 0
      ? 'Exception returned '
      : kind === Kind.Unknown
        ? 'Unable to classify as query or response.'
        : '';
  const fn = sub ? `${pad(func, 3)}/${pad(1, 3)}` : pad(func, 3);
  return `${type.padStart(8)}: Trans: ${pad(trans, 5)}; Unit: ${pad(unit, 3)}, Func: ${fn}: ${name}${err ? `. ${err}` : ''}`;
}

const pad = (n: number, w: number): string => String(n).padStart(w);

function modbus(tvb: Tvb, pinfo: PacketInfo, tree: Tree, kind: Kind, trans: number, unit: number): void {
  const o = tvb.start;
  const len = tvb.remaining(o);
  if (len === 0) return;
  pinfo.layers.push('modbus');
  tree.push(M[''], tvb, o, len);
  const raw = tvb.u8(o);
  const func = raw & 0x7f;
  tree.add(M.func_code, tvb, o, 1, func);
  const seen = track(tvb, pinfo, kind, func, trans + unit * 65536);
  const start = o + 1;
  const plen = len - 1;
  const exception = raw & 0x80 ? tvb.u8(o + 1) : 0;
  if (exception !== 0) {
    if (tree.full) {
      const ex = EXCEPTIONS.get(exception) ?? `Unknown Exception Code (${exception})`;
      tree.label(`Function ${func}:  ${FUNCTIONS.get(func) ?? 'Unknown Function'}.  Exception: ${ex}`);
    }
    tree.add(M.exception_code, tvb, start, 1, exception);
  } else if (kind === Kind.Query) request(tvb, tree, func, start, plen);
  else if (kind === Kind.Response) response(tvb, pinfo, tree, func, start, plen, seen);
  tree.pop();
}

/** Finds, on the first pass, the query a response answers; later passes read what it found. */
function track(tvb: Tvb, pinfo: PacketInfo, kind: Kind, func: number, key: number): Seen {
  const st = pinfo.state.of('modbus', newState);
  const id = `${pinfo.meta.number}:${key}`;
  const known = st.seen.get(id);
  if (known) return known;
  const o = tvb.start;
  const seen: Seen = { request: null, base: 0, count: 0 };
  let list = st.queries.get(pinfo.conversation);
  if (!list) st.queries.set(pinfo.conversation, (list = []));
  if (kind === Kind.Query) {
    const n = tvb.remaining(o);
    const r: Request = {
      frame: pinfo.meta.number,
      func,
      key,
      base: n >= 3 ? tvb.u16(o + 1) : 0,
      count: n >= 5 ? tvb.u16(o + 3) : 0,
      sec: pinfo.meta.tsSec,
      nsec: pinfo.meta.tsNsec,
    };
    seen.base = r.base;
    seen.count = r.count;
    list.unshift(r);
  } else if (kind === Kind.Response) {
    const r = list.find((q) => pinfo.meta.number > q.frame && q.func === func && q.key === key);
    if (r) {
      seen.request = r;
      seen.base = r.base;
      seen.count = r.count;
    }
  }
  st.seen.set(id, seen);
  return seen;
}

function request(tvb: Tvb, tree: Tree, func: number, at: number, plen: number): void {
  switch (func) {
    case 1:
    case 2:
      tree.add(M.reference_num, tvb, at, 2, tvb.u16(at));
      tree.add(M.bit_cnt, tvb, at + 2, 2, tvb.u16(at + 2));
      return;
    case 3:
    case 4:
      tree.add(M.reference_num, tvb, at, 2, tvb.u16(at));
      tree.add(M.word_cnt, tvb, at + 2, 2, tvb.u16(at + 2));
      return;
    case 5:
      tree.add(M.reference_num, tvb, at, 2, tvb.u16(at));
      data(tvb, tree, func, at + 2, 1, 0, 0);
      tree.add(M.padding, tvb, at + 3, 1, tvb.u8(at + 3));
      return;
    case 6:
      tree.add(M.reference_num, tvb, at, 2, tvb.u16(at));
      data(tvb, tree, func, at + 2, 2, 0, 0);
      return;
    case 7:
      return;
    case 8:
      diagnostics(tvb, tree, func, at, plen, false);
      return;
    case 15: {
      tree.add(M.reference_num, tvb, at, 2, tvb.u16(at));
      tree.add(M.bit_cnt, tvb, at + 2, 2, tvb.u16(at + 2));
      const n = tvb.u8(at + 4);
      tree.add(M.byte_cnt, tvb, at + 4, 1, n);
      data(tvb, tree, func, at + 5, n, 0, 0);
      return;
    }
    case 16: {
      const base = tvb.u16(at);
      tree.add(M.reference_num, tvb, at, 2, base);
      tree.add(M.word_cnt, tvb, at + 2, 2, tvb.u16(at + 2));
      const n = tvb.u8(at + 4);
      tree.add(M.byte_cnt, tvb, at + 4, 1, n);
      data(tvb, tree, func, at + 5, n, base, 0);
      return;
    }
    case 22:
      tree.add(M.reference_num, tvb, at, 2, tvb.u16(at));
      tree.add(M.and_mask, tvb, at + 2, 2, tvb.u16(at + 2));
      tree.add(M.or_mask, tvb, at + 4, 2, tvb.u16(at + 4));
      return;
    case 23: {
      tree.add(M.read_reference_num, tvb, at, 2, tvb.u16(at));
      tree.add(M.read_word_cnt, tvb, at + 2, 2, tvb.u16(at + 2));
      tree.add(M.write_reference_num, tvb, at + 4, 2, tvb.u16(at + 4));
      tree.add(M.write_word_cnt, tvb, at + 6, 2, tvb.u16(at + 6));
      const n = tvb.u8(at + 8);
      tree.add(M.byte_cnt, tvb, at + 8, 1, n);
      data(tvb, tree, func, at + 9, n, 0, 0);
      return;
    }
    case 24:
      tree.add(M.reference_num, tvb, at, 2, tvb.u16(at));
      return;
    case 43: {
      const mei = tvb.u8(at);
      tree.add(M.mei, tvb, at, 1, mei);
      if (mei === 14) {
        tree.add(M.read_device_id, tvb, at + 1, 1, tvb.u8(at + 1));
        tree.add(M.object_id, tvb, at + 2, 1, tvb.u8(at + 2));
      } else if (plen > 1) data(tvb, tree, func, at, plen - 1, 0, 0);
      return;
    }
    default:
      if (plen > 0) data(tvb, tree, func, at, plen, 0, 0);
  }
}

function response(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  func: number,
  at: number,
  plen: number,
  seen: Seen,
): void {
  const r = seen.request;
  if (r) {
    tree.add(M.request_frame, tvb, tvb.start, 0, r.frame);
    if (tree.full) tree.labelLast(`[Request Frame: ${r.frame}]`);
    if (tree.wants(M.response_time)) {
      const delta = formatDelta(pinfo.meta.tsSec, pinfo.meta.tsNsec, r.sec, r.nsec);
      tree.add(M.response_time, tvb, tvb.start, 0, delta);
      if (tree.full) tree.labelLast(`[Time from request: ${delta} seconds]`);
    }
  }
  switch (func) {
    case 1:
    case 2: {
      const n = tvb.u8(at);
      tree.add(M.byte_cnt, tvb, at, 1, n);
      data(tvb, tree, func, at + 1, n, seen.base, r ? seen.count : n * 8);
      return;
    }
    case 3:
    case 4:
    case 23: {
      const n = tvb.u8(at);
      tree.add(M.byte_cnt, tvb, at, 1, n);
      data(tvb, tree, func, at + 1, n, seen.base, 0);
      return;
    }
    case 5:
      tree.add(M.reference_num, tvb, at, 2, tvb.u16(at));
      data(tvb, tree, func, at + 2, 1, seen.base, 0);
      tree.add(M.padding, tvb, at + 3, 1, tvb.u8(at + 3));
      return;
    case 6:
      tree.add(M.reference_num, tvb, at, 2, tvb.u16(at));
      data(tvb, tree, func, at + 2, 2, seen.base, 0);
      return;
    case 7:
      data(tvb, tree, func, at, 1, seen.base, 0);
      return;
    case 8:
      diagnostics(tvb, tree, func, at, plen, true);
      return;
    case 15:
      tree.add(M.reference_num, tvb, at, 2, tvb.u16(at));
      tree.add(M.bit_cnt, tvb, at + 2, 2, tvb.u16(at + 2));
      return;
    case 16:
      tree.add(M.reference_num, tvb, at, 2, tvb.u16(at));
      tree.add(M.word_cnt, tvb, at + 2, 2, tvb.u16(at + 2));
      return;
    case 22:
      tree.add(M.reference_num, tvb, at, 2, tvb.u16(at));
      tree.add(M.and_mask, tvb, at + 2, 2, tvb.u16(at + 2));
      tree.add(M.or_mask, tvb, at + 4, 2, tvb.u16(at + 4));
      return;
    case 24: {
      const n = tvb.u16(at);
      tree.add(M.byte_cnt_16, tvb, at, 2, n);
      tree.add(M.word_cnt, tvb, at + 2, 2, tvb.u16(at + 2));
      data(tvb, tree, func, at + 4, n - 2, seen.base, 0);
      return;
    }
    case 43: {
      const mei = tvb.u8(at);
      tree.add(M.mei, tvb, at, 1, mei);
      if (plen > 1) data(tvb, tree, func, at, plen - 1, seen.base, 0);
      return;
    }
    default:
      if (plen > 0) data(tvb, tree, func, at, plen, seen.base, 0);
  }
}

/** The word a Diagnostics response carries, by sub-function (Wireshark's table of echoes). */
const DIAG_WORD: ReadonlyMap<number, FieldDef> = new Map([
  [0x01, M['diagnostic.restart_communication_option']],
  [0x02, M['diagnostic.return_diag_register']],
  [0x0a, M['diagnostic.clear_ctr_diag_reg']],
  [0x0b, M['diagnostic.bus_message_count']],
  [0x0c, M['diagnostic.bus_comm_error_count']],
  [0x0d, M['diagnostic.bus_exception_error_count']],
  [0x0e, M['diagnostic.slave_message_count']],
  [0x0f, M['diagnostic.no_slave_response_count']],
  [0x10, M['diagnostic.slave_nak_count']],
  [0x11, M['diagnostic.slave_busy_count']],
  [0x12, M['diagnostic.bus_char_overrun_count']],
]);

function diagnostics(tvb: Tvb, tree: Tree, func: number, at: number, plen: number, reply: boolean): void {
  const code = tvb.u16(at);
  tree.add(M.diagnostic_code, tvb, at, 2, code);
  const word = reply
    ? DIAG_WORD.get(code)
    : code === 1
      ? M['diagnostic.restart_communication_option']
      : undefined;
  if (code === 0) {
    const f = M[reply ? 'diagnostic.return_query_data.echo' : 'diagnostic.return_query_data.request'];
    if (plen > 2) {
      tree.add(f, tvb, at + 2, plen - 2);
      tvb.need(at + 2, plen - 2);
    }
  } else if (code === 3) tree.add(M['diagnostic.ascii_input_delimiter'], tvb, at + 2, 1, tvb.u8(at + 2));
  else if (word) tree.add(word, tvb, at + 2, 2, tvb.u16(at + 2));
  else if (plen > 2) data(tvb, tree, func, at + 2, plen - 2, 0, 0);
}

/** Wireshark's dissect_modbus_data: coils as bits, registers as UINT16, the rest as bytes. */
function data(
  tvb: Tvb,
  tree: Tree,
  func: number,
  at: number,
  len: number,
  base: number,
  count: number,
): void {
  const reported = tvb.reportedRemaining(at);
  if (at + len === 0) return;
  // A length that disagrees with what is there is shown as plain bytes.
  if (len !== reported) {
    tree.add(M.data, tvb, at, Math.min(reported, tvb.remaining(at)));
    if (reported > tvb.remaining(at)) tvb.need(at, reported);
    return;
  }
  let reg = base;
  if (func === 1 || func === 2) {
    for (let i = 0; i < len; i++) {
      const byte = tvb.u8(at + i);
      for (let b = 0; b < 8; b++) {
        const v = (byte >> b) & 1;
        tree.push(SUBTREE, tvb, at + i, 1);
        if (tree.full) tree.label(`Bit ${reg} : ${v}`);
        tree.add(M.bitnum, tvb, at + i, 1, reg);
        tree.add(M.bitval, tvb, at + i, 1, v === 1);
        tree.pop();
        reg = (reg + 1) & 0xffff;
        if (((reg - base) & 0xffff) >= count) break;
      }
    }
    return;
  }
  if (func === 3 || func === 4 || func === 16 || func === 23) {
    for (let i = 0; i < len; i += 2) {
      const v = tvb.u16(at + i);
      tree.push(SUBTREE, tvb, at + i, 2);
      if (tree.full) tree.label(`Register ${reg} (UINT16): ${v}`);
      tree.add(M.regnum16, tvb, at + i, 2, reg);
      tree.add(M.regval_uint16, tvb, at + i, 2, v);
      tree.pop();
      reg = (reg + 1) & 0xffff;
    }
    return;
  }
  tree.add(M.data, tvb, at, len);
  tvb.need(at, len);
}

export const mbtcpModule = {
  fields: { ...F, ...M },
  handoff(reg: Registry): void {
    reg.register('tcpPort', PORT, dissectMbtcp);
  },
};
