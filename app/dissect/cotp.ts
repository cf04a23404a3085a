// ISO 8073 / X.224 COTP inside TPKT: CR, CC, DR, DC, DT, ED, AK, ER TPDUs with their variable
// parts, several TPDUs in one TPKT payload, the user data of a complete DT TPDU given to the
// "cotp" heuristics (S7comm) or shown as data, as tshark 4.0 shows them. DT fragments (no EOT)
// are not reassembled here: their data is not dissected, as tshark's is not until the last one.
import { dissectData } from './data.ts';
import { bool, bytes, fields, hex, names, proto, str, uint, type FieldDef } from './field.ts';
import { expert } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TPDU = { ED: 1, EA: 2, UD: 4, RJ: 5, AK: 6, ER: 7, DR: 8, DC: 12, CC: 13, CR: 14, DT: 15 } as const;

const TYPES = names({
  1: 'ED Expedited Data',
  2: 'EA Expedited Data Acknowledgement',
  5: 'RJ Reject',
  6: 'AK Data Acknowledgement',
  7: 'ER TPDU Error',
  8: 'DR Disconnect Request',
  12: 'DC Disconnect Confirm',
  13: 'CC Connect Confirm',
  14: 'CR Connect Request',
  15: 'DT Data',
});
const PARAMS = names({
  0x85: 'ack time',
  0x86: 'res error',
  0x87: 'priority',
  0x88: 'transit delay',
  0x89: 'throughput',
  0x8a: 'seq number',
  0x8b: 'reassignment',
  0x8c: 'flow control',
  0xc0: 'tpdu-size',
  0xc1: 'src-tsap',
  0xc2: 'dst-tsap',
  0xc3: 'checksum',
  0xc4: 'version',
  0xc5: 'protection',
  0xc6: 'options',
  0xc7: 'proto class',
  0xe0: 'additional connection clearing info',
  0xf0: 'preferred max TPDU size',
  0xf2: 'inactivity timer',
});
const CAUSES = names({
  0: 'Reason not specified',
  1: 'Congestion at TSAP',
  2: 'Session entity not attached to TSAP',
  3: 'Address unknown',
  128: 'Normal Disconnect',
  129: 'Remote transport entity congestion',
  130: 'Connection negotiation failed',
  131: 'Duplicate source reference',
  132: 'Mismatched references',
  133: 'Protocol error',
  135: 'Reference overflow',
  136: 'Connection request refused',
  138: 'Header or parameter length invalid',
});
const REJECTS = names({
  0: 'Reason not specified',
  1: 'Invalid parameter code',
  2: 'Invalid TPDU type',
  3: 'Invalid parameter value',
});
const YES_NO = ['Yes', 'No'] as const;
const USED = ['Used', 'Not used'] as const;

export const F = fields('cotp', {
  '': proto('ISO 8073/X.224 COTP Connection-Oriented Transport Protocol'),
  li: uint('Length', 8),
  type: hex('PDU Type', 8, { strings: TYPES }),
  srcref: hex('Source reference', 16),
  destref: hex('Destination reference', 16),
  class: uint('Class', 8, { mask: 0xf0 }),
  'opts.extended_formats': bool('Extended formats', 8, 0x02, { tf: ['True', 'False'] }),
  'opts.no_explicit_flow_control': bool('No explicit flow control', 8, 0x01, { tf: ['True', 'False'] }),
  'tpdu-number': hex('TPDU number', 8, { mask: 0x7f }),
  'next-tpdu-number': hex('Your TPDU number', 8),
  eot: bool('Last data unit', 8, 0x80, { tf: YES_NO }),
  parameter_code: hex('Parameter code', 8, { strings: PARAMS }),
  parameter_length: uint('Parameter length', 8),
  parameter_value: bytes('Parameter value'),
  tpdu_size: uint('TPDU size', 8),
  'src-tsap': str('Source TSAP'),
  'src-tsap-bytes': bytes('Source TSAP'),
  'dst-tsap': str('Destination TSAP'),
  'dst-tsap-bytes': bytes('Destination TSAP'),
  cause: uint('Cause', 8, { strings: CAUSES }),
  reject_cause: uint('Reject cause', 8, { strings: REJECTS }),
  ack_time: uint('Ack time (ms)', 16),
  vp_priority: uint('Priority', 16),
  sequence_number: hex('Sequence number', 16),
  reassignment_time: uint('Reassignment time (secs)', 16),
  vp_version_nr: uint('Version', 8),
  network_expedited_data: bool('Use of network expedited data', 8, 0x08, { tf: USED }),
  vp_opt_sel_class1_use: bool('Use', 8, 0x04, { tf: ['Receipt confirmation', 'explicit AK variant'] }),
  use_16_bit_checksum: bool('16 bit checksum', 8, 0x02, { tf: USED }),
  transport_expedited_data_transfer: bool('Transport expedited data transfer', 8, 0x01, { tf: USED }),
  preferred_maximum_tpdu_size: uint('Preferred maximum TPDU size', 32),
  inactivity_timer: uint('Inactivity timer (ms)', 32),
  credit: uint('Credit', 8),
});

/** Second views of fields (same filter names): generated or hidden as the case needs. */
const ALT = fields('cotp', {
  destref: { ...hex('Destination reference', 16), generated: true },
  'src-tsap': { ...str('Source TSAP'), hidden: true },
  'src-tsap-bytes': { ...bytes('Source TSAP'), hidden: true },
  'dst-tsap': { ...str('Destination TSAP'), hidden: true },
  'dst-tsap-bytes': { ...bytes('Destination TSAP'), hidden: true },
});

/** Text a later message of the same frame writes its Info after (S7comm's col_set_fence). */
const fences = new WeakMap<PacketInfo, string>();
export const infoFence = (pinfo: PacketInfo): string => fences.get(pinfo) ?? '';
export const setInfoFence = (pinfo: PacketInfo, text: string): void => void fences.set(pinfo, text);

/** Wireshark's col_append_str on Info. */
export function appendInfo(pinfo: PacketInfo, text: string): void {
  if (pinfo.wantInfo) pinfo.setInfo(pinfo.info + text);
}

/** One COTP payload (all its TPDUs); returns the bytes used, 0 when none was valid. */
export function dissectCotp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  pinfo.layers.push('cotp');
  if (pinfo.wantInfo) pinfo.setInfo(infoFence(pinfo));
  let o = tvb.start;
  let first = true;
  let found = false;
  let claimed = false;
  const end = tvb.reportedEnd;
  while (o < end) {
    const sub = first ? tvb : tvb.sub(o);
    if (!first) appendInfo(pinfo, ', ');
    const li = sub.u8(o);
    if (li === 0) {
      appendInfo(pinfo, 'Length indicator is zero');
      if (!first) dissectData(sub, pinfo, tree);
      return found ? o - tvb.start : 0;
    }
    const tpdu = sub.u8(o + 1) >> 4;
    const r = tpduOf(sub, pinfo, tree, o, li, tpdu, first);
    if (r.next < 0) {
      if (!first) dissectData(sub, pinfo, tree);
      break;
    }
    if (first) {
      if (!r.claimed) pinfo.setProto('COTP');
      found = true;
    }
    claimed ||= r.claimed;
    o = r.next;
    first = false;
  }
  return found ? o - tvb.start : 0;
}

interface Result {
  /** Offset after the TPDU, or -1 when it was no valid TPDU. */
  next: number;
  /** True when a heuristic dissector took the user data. */
  claimed: boolean;
}
const BAD: Result = { next: -1, claimed: false };

function tpduOf(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  li: number,
  tpdu: number,
  first: boolean,
): Result {
  switch (tpdu) {
    case TPDU.CR:
    case TPDU.CC:
      return connect(tvb, pinfo, tree, o, li, tpdu);
    case TPDU.DR:
      return disconnect(tvb, pinfo, tree, o, li);
    case TPDU.DC:
      return confirm(tvb, pinfo, tree, o, li);
    case TPDU.DT:
      return data(tvb, pinfo, tree, o, li);
    case TPDU.AK:
      return ack(tvb, pinfo, tree, o, li);
    case TPDU.ER:
      return error(tvb, pinfo, tree, o, li);
    default:
      if (first) appendInfo(pinfo, `Unknown TPDU type (0x${tpdu.toString(16)})`);
      return BAD;
  }
}

const h4 = (n: number): string => n.toString(16).padStart(4, '0');

function head(tvb: Tvb, tree: Tree, o: number, li: number, tpdu: number): void {
  tree.push(F[''], tvb, o, li + 1);
  tree.add(F.li, tvb, o, 1, li);
  tree.add(F.type, tvb, o + 1, 1, tpdu);
}

function connect(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, li: number, tpdu: number): Result {
  const src = tvb.u16(o + 4);
  const cls = tvb.u8(o + 6);
  if (cls >> 4 > 4) return BAD;
  const dst = tvb.u16(o + 2);
  appendInfo(pinfo, `${tpdu === TPDU.CR ? 'CR' : 'CC'} TPDU src-ref: 0x${h4(src)} dst-ref: 0x${h4(dst)}`);
  head(tvb, tree, o, li, tpdu);
  tree.add(F.destref, tvb, o + 2, 2, dst);
  tree.add(F.srcref, tvb, o + 4, 2, src);
  tree.add(F.class, tvb, o + 6, 1, cls >> 4);
  tree.add(F['opts.extended_formats'], tvb, o + 6, 1, (cls & 0x02) !== 0);
  tree.add(F['opts.no_explicit_flow_control'], tvb, o + 6, 1, (cls & 0x01) !== 0);
  const vp = li - 6;
  if (vp > 0) varPart(tvb, pinfo, tree, o + 7, vp, cls);
  tree.pop();
  let next = o + 1 + li;
  let claimed = false;
  if (tvb.remaining(next) > 0) {
    claimed = userData(tvb.sub(next), pinfo, tree);
    next = tvb.end;
  }
  return { next, claimed };
}

function disconnect(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, li: number): Result {
  if (li < 6) return BAD;
  const dst = tvb.u16(o + 2);
  const src = tvb.u16(o + 4);
  const reason = tvb.u8(o + 6);
  if (!CAUSES.has(reason)) return BAD;
  appendInfo(pinfo, `DR TPDU src-ref: 0x${h4(src)} dst-ref: 0x${h4(dst)}`);
  head(tvb, tree, o, li, TPDU.DR);
  tree.add(F.destref, tvb, o + 2, 2, dst);
  tree.add(F.srcref, tvb, o + 4, 2, src);
  tree.add(F.cause, tvb, o + 6, 1, reason);
  varPart(tvb, pinfo, tree, o + 7, li - 6, 4);
  expert(
    pinfo,
    tree,
    tvb,
    o,
    li + 1,
    'Chat',
    'Sequence',
    `Disconnect Request(DR): 0x${src.toString(16)} -> 0x${dst.toString(16)}`,
  );
  tree.pop();
  const next = o + 1 + li;
  if (tvb.remaining(next) > 0) dissectData(tvb.sub(next), pinfo, tree);
  return { next: Math.max(next, tvb.end), claimed: false };
}

function confirm(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, li: number): Result {
  if (li > 9) return BAD;
  const dst = tvb.u16(o + 2);
  const src = tvb.u16(o + 4);
  appendInfo(pinfo, `DC TPDU src-ref: 0x${h4(src)} dst-ref: 0x${h4(dst)}`);
  tree.push(F[''], tvb, o, li + 1);
  tree.add(F.li, tvb, o, 1, li);
  // The expert note hangs under the PDU type, as Wireshark attaches it to that item.
  tree.push(F.type, tvb, o + 1, 1, TPDU.DC);
  expert(
    pinfo,
    tree,
    tvb,
    o + 1,
    1,
    'Chat',
    'Sequence',
    `Disconnect Confirm(DC): 0x${src.toString(16)} -> 0x${dst.toString(16)}`,
  );
  tree.pop();
  tree.add(F.destref, tvb, o + 2, 2, dst);
  tree.add(F.srcref, tvb, o + 4, 2, src);
  varPart(tvb, pinfo, tree, o + 6, li - 5, 4);
  tree.pop();
  return { next: o + 1 + li, claimed: false };
}

function ack(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, li: number): Result {
  if (li > 27) return BAD;
  const cdt = tvb.u8(o + 1) & 0x0f;
  // Only the normal format (LI 4 plus a variable part) is taken; the extended one is rare.
  if (li < 4) return BAD;
  const dst = tvb.u16(o + 2);
  const nr = tvb.u8(o + 4);
  appendInfo(pinfo, `AK TPDU (${nr}) dst-ref: 0x${h4(dst)}`);
  head(tvb, tree, o, li, TPDU.AK);
  tree.add(F.credit, tvb, o + 1, 1, cdt);
  tree.add(F.destref, tvb, o + 2, 2, dst);
  tree.add(F['next-tpdu-number'], tvb, o + 4, 1, nr);
  varPart(tvb, pinfo, tree, o + 5, li - 4, 4);
  tree.pop();
  return { next: o + 1 + li, claimed: false };
}

function error(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, li: number): Result {
  if (li > 8) return BAD;
  const dst = tvb.u16(o + 2);
  const cause = tvb.u8(o + 4);
  if (!REJECTS.has(cause)) return BAD;
  appendInfo(pinfo, `ER TPDU dst-ref: 0x${h4(dst)}`);
  head(tvb, tree, o, li, TPDU.ER);
  tree.add(F.destref, tvb, o + 2, 2, dst);
  tree.add(F.reject_cause, tvb, o + 4, 1, cause);
  varPart(tvb, pinfo, tree, o + 5, li - 4, 4);
  tree.pop();
  return { next: o + 1 + li, claimed: false };
}

function data(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, li: number): Result {
  let nrAt: number;
  let vp = 0;
  switch (li) {
    case 2:
      nrAt = o + 2;
      break;
    case 8:
      if (tvb.u8(o + 5) !== 0xc3) return BAD;
      nrAt = o + 4;
      vp = 4;
      break;
    case 4:
      nrAt = o + 4;
      break;
    default:
      // Extended formats (LI 7 and 11) are rare on TPKT and not taken here.
      return BAD;
  }
  const raw = tvb.u8(nrAt);
  const fragment = (raw & 0x80) === 0;
  const nr = raw & 0x7f;
  const class0 = li === 2;
  const dst = class0 ? classZeroRef(pinfo, fragment) : tvb.u16(o + 2);
  appendInfo(pinfo, class0 ? `DT TPDU (${nr})` : `DT TPDU (${nr}) dst-ref: 0x${h4(dst)}`);
  head(tvb, tree, o, li, TPDU.DT);
  if (class0) tree.add(ALT.destref, tvb, o + 2, 0, dst);
  else tree.add(F.destref, tvb, o + 2, 2, dst);
  tree.add(F['tpdu-number'], tvb, nrAt, 1, nr);
  tree.add(F.eot, tvb, nrAt, 1, !fragment);
  if (vp > 0) varPart(tvb, pinfo, tree, nrAt + 1, vp, 4);
  tree.pop();
  const at = o + 1 + li;
  const user = tvb.sub(at);
  const n = tvb.remaining(at);
  appendInfo(pinfo, fragment ? ` [COTP fragment, ${n} byte${n === 1 ? '' : 's'}]` : ' EOT');
  let claimed = false;
  if (!fragment) claimed = userData(user, pinfo, tree);
  return { next: Math.max(at, tvb.end), claimed };
}

interface RefState {
  /** Wireshark's cotp_dst_ref: where the next frame's class 0 references start. */
  ref: number;
  /** The frame seen last, its complete DT TPDUs so far and whether its last DT was a fragment. */
  frame: number;
  eots: number;
  lastFragment: boolean;
  /** Per frame, the reference its first DT TPDU got (for revisits). */
  starts: Map<number, number>;
}

const newRefState = (): RefState => ({ ref: 0, frame: 0, eots: 0, lastFragment: false, starts: new Map() });

/**
 * The generated reference of a class 0/1 DT TPDU, as Wireshark counts it: a capture-wide counter
 * that each complete DT raises within its frame and the frame's end takes back unless the frame's
 * last DT was a fragment; the TCP conversation's number above 16 bits.
 */
function classZeroRef(pinfo: PacketInfo, fragment: boolean): number {
  const st = pinfo.state.of('cotp.ref', newRefState);
  const frame = pinfo.meta.number;
  if (st.frame !== frame) {
    // The previous frame ended: its increments stay only when its last DT was a fragment.
    if (st.lastFragment) st.ref += st.eots;
    st.frame = frame;
    st.eots = 0;
    st.lastFragment = false;
    if (!st.starts.has(frame)) st.starts.set(frame, st.ref);
  }
  const dst = (st.starts.get(frame) ?? st.ref) + st.eots;
  if (!fragment) st.eots++;
  st.lastFragment = fragment;
  const c = pinfo.conversation;
  const conv = c > 0 && c % 2 === 1 ? (c - 1) / 2 : 0;
  return (dst + conv * 0x10000) >>> 0;
}

/** User data of a CR/CC or complete DT: the "cotp" heuristics (S7comm), else plain data. */
function userData(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  if (pinfo.registry.tryHeuristics('cotp', tvb, pinfo, tree)) return true;
  dissectData(tvb, pinfo, tree);
  return false;
}

const PARAM_U16: ReadonlyMap<number, FieldDef> = new Map([
  [0x85, F.ack_time],
  [0x87, F.vp_priority],
  [0x8a, F.sequence_number],
  [0x8b, F.reassignment_time],
]);

/** The variable part: parameter code, length and value, one after another. */
function varPart(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, len: number, cls: number): void {
  let left = len;
  while (left > 0) {
    const code = tvb.u8(o);
    tree.add(F.parameter_code, tvb, o, 1, code);
    o += 1;
    left -= 1;
    if (left === 0) break;
    const n = tvb.u8(o);
    tree.add(F.parameter_length, tvb, o, 1, n);
    o += 1;
    left -= 1;
    const u16 = PARAM_U16.get(code);
    if (code === 0xc0) tree.add(F.tpdu_size, tvb, o, 1, 1 << (tvb.u8(o) & 0x0f));
    else if (code === 0xc1 || code === 0xc2) tsap(tvb, tree, o, n, code === 0xc1);
    else if (u16) tree.add(u16, tvb, o, 2, tvb.u16(o));
    else if (code === 0xc4) tree.add(F.vp_version_nr, tvb, o, 1, tvb.u8(o));
    else if (code === 0xc6) {
      const v = tvb.u8(o);
      const c = cls >> 4;
      if (c === 1) {
        tree.add(F.network_expedited_data, tvb, o, 1, (v & 0x08) !== 0);
        tree.add(F.vp_opt_sel_class1_use, tvb, o, 1, (v & 0x04) !== 0);
      } else if (c === 4) tree.add(F.use_16_bit_checksum, tvb, o, 1, (v & 0x02) !== 0);
      tree.add(F.transport_expedited_data_transfer, tvb, o, 1, (v & 0x01) !== 0);
    } else if (code === 0xf0 && n >= 1 && n <= 4) {
      let v = 0;
      for (let i = 0; i < n; i++) v = v * 256 + tvb.u8(o + i);
      tree.add(F.preferred_maximum_tpdu_size, tvb, o, n, v * 128);
    } else if (code === 0xf2) {
      let v = 0;
      for (let i = 0; i < n; i++) v = v * 256 + tvb.u8(o + i);
      tree.add(F.inactivity_timer, tvb, o, n, v);
    } else {
      tree.add(F.parameter_value, tvb, o, n);
      if (tree.full) tree.labelLast('Parameter value: <not shown>');
    }
    tvb.need(o, n);
    o += n;
    left -= n;
  }
  void pinfo;
}

/** A TSAP as text when it is all printable, else as hex (tshark's "auto" display). */
function tsap(tvb: Tvb, tree: Tree, o: number, n: number, src: boolean): void {
  tvb.need(o, n);
  let printable = true;
  for (let i = 0; i < n; i++) {
    const c = tvb.bytes[o + i] as number;
    if (c < 0x20 || c > 0x7e) printable = false;
  }
  let text: string;
  if (n <= 0 || n > 32) text = '<unsupported TSAP length>';
  else if (printable) text = tvb.ascii(o, n);
  else {
    text = '0x';
    for (let i = 0; i < n; i++) text += (tvb.bytes[o + i] as number).toString(16).padStart(2, '0');
  }
  const s = src ? 'src-tsap' : 'dst-tsap';
  const b = src ? 'src-tsap-bytes' : 'dst-tsap-bytes';
  // Both forms are filterable; the one not shown is hidden, as in Wireshark.
  if (printable) {
    tree.add(F[s], tvb, o, n, text);
    tree.add(ALT[b], tvb, o, n);
  } else {
    tree.add(ALT[s], tvb, o, n, text);
    tree.add(F[b], tvb, o, n);
  }
}

export const cotpModule = {
  fields: { ...F, ...Object.fromEntries(Object.entries(ALT).map(([k, def]) => [`alt.${k}`, def])) },
};
