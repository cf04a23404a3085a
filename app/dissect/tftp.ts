// Trivial File Transfer Protocol (RFC 1350, options RFC 2347-2349 and 7440, Microsoft's
// msftwindow) as tshark 4.0 shows it. A read or write request to UDP 69 opens a transfer between
// the client's address and port and the server's address on any port, and every packet of that
// pair is TFTP (Wireshark's wildcard conversation, which for UDP keeps matching any server port);
// a datagram on any ports that looks like a request starts one too (Wireshark's UDP heuristic).
import { dissectData } from './data.ts';
import type { ExpertSeverity } from './dissect.ts';
import {
  bytes,
  fields,
  names,
  proto,
  str,
  text,
  uint,
  FieldType,
  type FieldDef,
  type FieldSpec,
} from './field.ts';
import { expert, firstPass, ipLayer } from './ip-proto.ts';
import { stringValue, type StringValue, tvbFormatText } from './text-format.ts';
import { addString } from './tvb-items.ts';
import { AddrKind, type CaptureState, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { NodeFlag, type Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const Op = { RRQ: 1, WRQ: 2, DATA: 3, ACK: 4, ERROR: 5, OACK: 6, INFO: 255 } as const;

const OPCODES = names({
  [Op.RRQ]: 'Read Request',
  [Op.WRQ]: 'Write Request',
  [Op.DATA]: 'Data Packet',
  [Op.ACK]: 'Acknowledgement',
  [Op.ERROR]: 'Error Code',
  [Op.OACK]: 'Option Acknowledgement',
  [Op.INFO]: 'Information (MSDP)',
});
const ERRORS = names({
  0: 'Not defined',
  1: 'File not found',
  2: 'Access violation',
  3: 'Disk full or allocation exceeded',
  4: 'Illegal TFTP Operation',
  5: 'Unknown transfer ID',
  6: 'File already exists',
  7: 'No such user',
  8: 'Option negotiation failed',
});

/** An expert item's own filter field: hidden, as the note itself shows in the tree. */
const expertField = (name: string): FieldSpec => ({ ...text(name), hidden: true });

export const F = fields('tftp', {
  '': proto('Trivial File Transfer Protocol'),
  opcode: uint('Opcode', 16, { strings: OPCODES }),
  source_file: str('Source File'),
  destination_file: str('Destination File'),
  request_frame: { name: 'Request frame', type: FieldType.FrameNum, generated: true },
  type: str('Type'),
  block: uint('Block', 16),
  'block.full': uint('Full Block Number', 32, { generated: true }),
  nextwindowsize: uint('Next Window Size', 16),
  'error.code': uint('Error code', 16, { strings: ERRORS }),
  'error.message': str('Error message'),
  'option.name': str('Option name'),
  'option.value': str('Option value'),
  data: bytes('Data'),
  _option: text('Option'),
  error: expertField('TFTP ERROR packet'),
  likely_tsize_probe: expertField('Likely transfer size (tsize) probe'),
  blocksize_range: expertField('TFTP blocksize out of range'),
  'block.wrap': expertField('TFTP block number is about to wrap'),
  windowsize_range: expertField('TFTP windowsize out of range'),
  'msftwindow.unrecognized': expertField('Unrecognized msftwindow option'),
  'windowsize.change': expertField('TFTP window size is changing'),
});

const PORT = 69;
const DEFAULT_BLOCKSIZE = 512;
const MODES = new Set(['netascii', 'octet', 'mail']);

/** What a transfer remembers between its packets (Wireshark's tftp_conv_info_t). */
interface Transfer {
  blocksize: number;
  sourceFile: StringValue | null;
  destinationFile: StringValue | null;
  requestFrame: number;
  tsizeRequested: boolean;
  dynamicWindowing: boolean;
  windowsize: number;
  prevOpcode: number;
  nextBlock: number;
  lastPackageAvailable: boolean;
}

const newTransfer = (): Transfer => ({
  blocksize: DEFAULT_BLOCKSIZE,
  sourceFile: null,
  destinationFile: null,
  requestFrame: 0,
  tsizeRequested: false,
  dynamicWindowing: false,
  windowsize: 0,
  prevOpcode: 0xffff,
  nextBlock: 1,
  lastPackageAvailable: false,
});

class TftpState {
  /** Transfers by client address and port and server address, newest last, with their first frame. */
  readonly byClient = new Map<string, { first: number; transfer: Transfer }[]>();
  /** Transfers of single UDP conversations (packets to or from port 69 outside any transfer). */
  readonly byStream = new Map<number, Transfer>();
  /** Each TFTP frame's transfer as it stood before the frame: a revisit starts from a copy. */
  readonly before = new Map<number, Transfer>();
}

const newState = (): TftpState => new TftpState();
let stateOwner: CaptureState | null = null;
let cached: TftpState | null = null;

function tftpState(pinfo: PacketInfo): TftpState {
  if (pinfo.state !== stateOwner || cached === null) {
    cached = pinfo.state.of('tftp', newState);
    stateOwner = pinfo.state;
  }
  return cached;
}

/** The innermost IP address at `at` as a key (its bytes as characters). */
function addressKey(at: number): string {
  if (ipLayer.kind === AddrKind.None || at < 0) return '';
  const n = ipLayer.kind === AddrKind.IPv6 ? 16 : 4;
  return String.fromCharCode(...ipLayer.bytes.subarray(at, at + n));
}

const clientKey = (client: string, port: number, server: string): string => `${client}/${port}/${server}`;

/** The newest transfer this packet belongs to, from either end. */
function findTransfer(st: TftpState, pinfo: PacketInfo): Transfer | null {
  if (st.byClient.size === 0) return null;
  const src = addressKey(ipLayer.src);
  const dst = addressKey(ipLayer.dst);
  const frame = pinfo.meta.number;
  for (const key of [clientKey(src, pinfo.srcPort, dst), clientKey(dst, pinfo.dstPort, src)]) {
    const list = st.byClient.get(key);
    for (let i = (list?.length ?? 0) - 1; i >= 0; i--) {
      const c = list?.[i];
      if (c && c.first <= frame) return c.transfer;
    }
  }
  return null;
}

/** Opens a transfer whose client is this packet's source. */
function startTransfer(st: TftpState, pinfo: PacketInfo): Transfer {
  const key = clientKey(addressKey(ipLayer.src), pinfo.srcPort, addressKey(ipLayer.dst));
  const transfer = newTransfer();
  let list = st.byClient.get(key);
  if (!list) st.byClient.set(key, (list = []));
  list.push({ first: pinfo.meta.number, transfer });
  return transfer;
}

function streamTransfer(st: TftpState, pinfo: PacketInfo): Transfer {
  if (pinfo.conversation < 0) return newTransfer();
  let t = st.byStream.get(pinfo.conversation);
  if (!t) st.byStream.set(pinfo.conversation, (t = newTransfer()));
  return t;
}

/** is_valid_request_body: printable text from byte 2 with NUL-ended strings, the second a known mode. */
function isValidRequestBody(tvb: Tvb): boolean {
  const b = tvb.bytes;
  const from = tvb.start + 2;
  let zeros = 0;
  for (let i = from; i < tvb.end; i++) {
    const c = b[i] as number;
    if (c === 0) zeros++;
    else if (c < 0x20 || c > 0x7e) return false;
  }
  if (zeros === 0 || zeros % 2 !== 0) return false;
  const modeStart = b.indexOf(0, from) + 1;
  const modeEnd = b.indexOf(0, modeStart);
  return MODES.has(String.fromCharCode(...b.subarray(modeStart, modeEnd)).toLowerCase());
}

function isValidRequest(tvb: Tvb): boolean {
  if (tvb.remaining(tvb.start) < 4) return false;
  const opcode = tvb.u16(tvb.start);
  return (opcode === Op.RRQ || opcode === Op.WRQ) && isValidRequestBody(tvb);
}

/**
 * The transfer a packet belongs to, or null when it is not TFTP (`viaPort`: it came through UDP
 * port 69 and is TFTP in any case). The first pass updates the tables and keeps the transfer's
 * state before the frame; a revisit gets a copy of that, so it shows what the first pass showed.
 */
function transferFor(tvb: Tvb, pinfo: PacketInfo, viaPort: boolean): Transfer | null {
  // A datagram quoted in an ICMP error reads and writes no state.
  if (pinfo.inError) return viaPort || isValidRequestBody(tvb) ? newTransfer() : null;
  const st = tftpState(pinfo);
  const frame = pinfo.meta.number;
  if (!firstPass(pinfo.state, pinfo)) {
    const seen = st.before.get(frame);
    return seen ? { ...seen } : viaPort ? newTransfer() : null;
  }
  let t: Transfer | null;
  if (viaPort) {
    if (pinfo.dstPort === PORT && isValidRequest(tvb)) t = startTransfer(st, pinfo);
    else t = findTransfer(st, pinfo) ?? streamTransfer(st, pinfo);
  } else {
    t = findTransfer(st, pinfo);
    if (!t && isValidRequestBody(tvb)) t = startTransfer(st, pinfo);
  }
  if (t) st.before.set(frame, { ...t });
  return t;
}

/** UDP port 69. */
export function dissectTFTP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  return message(transferFor(tvb, pinfo, true) ?? newTransfer(), tvb, pinfo, tree);
}

/** Any other UDP ports: a packet of a known transfer, or one that looks like a request. */
function heuristicTFTP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  const t = transferFor(tvb, pinfo, false);
  if (!t) return false;
  message(t, tvb, pinfo, tree);
  return true;
}

/** dissect_tftp_message: one TFTP packet of transfer `t`, which it updates. */
function message(t: Transfer, tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('tftp');
  pinfo.setProto('TFTP');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  let rootLength: number | undefined;
  let dataAt = -1;
  try {
    const opcode = tvb.u16(o);
    tree.add(F.opcode, tvb, o, 2, opcode);
    if (pinfo.wantInfo)
      pinfo.setInfo(OPCODES.get(opcode) ?? `Unknown (0x${opcode.toString(16).padStart(4, '0')})`);
    if (t.requestFrame !== 0 && opcode !== Op.RRQ && opcode !== Op.WRQ) addRequestOf(t, tvb, tree);
    const ctx: Ctx = { t, tvb, pinfo, tree };
    switch (opcode) {
      case Op.RRQ:
      case Op.WRQ:
        request(ctx, opcode);
        break;
      case Op.INFO:
      case Op.OACK:
        options(ctx, opcode, o + 2);
        break;
      case Op.DATA:
        rootLength = 4;
        dataAt = data(ctx);
        break;
      case Op.ACK:
        ack(ctx);
        break;
      case Op.ERROR:
        error(ctx);
        break;
      default: {
        const n = tvb.remaining(o + 2);
        if (n === 0) tvb.need(o + 2, 1);
        tree.add(F.data, tvb, o + 2, n);
      }
    }
    t.prevOpcode = opcode;
  } finally {
    tree.pop(rootLength);
  }
  if (dataAt >= 0) dissectData(tvb.sub(dataAt), pinfo, tree);
  return tvb.remaining(o);
}

interface Ctx {
  t: Transfer;
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
}

function appendInfo(ctx: Ctx, text: string): void {
  if (ctx.pinfo.wantInfo) ctx.pinfo.setInfo(ctx.pinfo.info + text);
}

/** An expert note under the open node, with its own hidden filter field. */
function note(ctx: Ctx, def: FieldDef, severity: ExpertSeverity, group: string): void {
  const { tvb, tree } = ctx;
  expert(ctx.pinfo, tree, tvb, tvb.start, 0, severity, group, def.name);
  tree.add(def, tvb, tvb.start, 0, 1);
}

/** tvb_strsize: the length of the NUL-ended string at `o`, NUL included; throws when there is none. */
function strsize(tvb: Tvb, o: number): number {
  const nul = o < tvb.end ? tvb.bytes.indexOf(0, o) : -1;
  if (nul < 0 || nul >= tvb.end) tvb.need(tvb.end, 1);
  return nul - o + 1;
}

/** The file and request frame of the transfer, on every packet after its request. */
function addRequestOf(t: Transfer, tvb: Tvb, tree: Tree): void {
  const o = tvb.start;
  const file = t.sourceFile ?? t.destinationFile;
  tree.add(F.destination_file, tvb, o, 0, file?.field ?? '', NodeFlag.Generated);
  if (tree.full) tree.labelLast(`[Destination File: ${file?.label ?? ''}]`);
  tree.add(F.request_frame, tvb, o, 0, t.requestFrame, NodeFlag.Generated);
  if (tree.full)
    tree.labelLast(`[${t.sourceFile ? 'Read Request' : 'Write Request'} in frame ${t.requestFrame}]`);
}

function request(ctx: Ctx, opcode: number): void {
  const { t, tvb, tree } = ctx;
  const b = tvb.bytes;
  const p = tvb.start + 2;
  const nameLength = strsize(tvb, p);
  const name = stringValue(b, p, p + nameLength, true);
  addString(tree, opcode === Op.RRQ ? F.source_file : F.destination_file, tvb, p, nameLength, name);
  t.sourceFile = opcode === Op.RRQ ? name : null;
  t.destinationFile = opcode === Op.RRQ ? null : name;
  t.requestFrame = ctx.pinfo.meta.number;
  appendInfo(ctx, `, File: ${tvbFormatText(b, p, p + nameLength - 1)}`);
  const q = p + nameLength;
  const typeLength = strsize(tvb, q);
  addString(tree, F.type, tvb, q, typeLength, stringValue(b, q, q + typeLength, true));
  appendInfo(ctx, `, Transfer type: ${tvbFormatText(b, q, q + typeLength - 1)}`);
  options(ctx, opcode, q + typeLength);
}

/** Name and value pairs to the end, each its own subtree; some change the transfer. */
function options(ctx: Ctx, opcode: number, from: number): void {
  const { tvb, tree } = ctx;
  const b = tvb.bytes;
  for (let p = from; p < tvb.end;) {
    const nameLength = strsize(tvb, p);
    const v = p + nameLength;
    const valueLength = strsize(tvb, v);
    const name = tvbFormatText(b, p, v - 1);
    const value = tvbFormatText(b, v, v + valueLength - 1);
    tree.push(F._option, tvb, p, nameLength + valueLength);
    if (tree.full) tree.label(`Option: ${name} = ${value}`);
    addString(tree, F['option.name'], tvb, p, nameLength, stringValue(b, p, v, true));
    addString(tree, F['option.value'], tvb, v, valueLength, stringValue(b, v, v + valueLength, true));
    appendInfo(ctx, `, ${name}=${value}`);
    option(ctx, opcode, name.toLowerCase(), value);
    tree.pop();
    p = v + valueLength;
  }
}

function option(ctx: Ctx, opcode: number, name: string, value: string): void {
  const t = ctx.t;
  if (opcode === Op.RRQ || opcode === Op.WRQ) {
    if (name === 'msftwindow' && value !== '31416')
      note(ctx, F['msftwindow.unrecognized'], 'Warning', 'Response');
    else if (name === 'windowsize' && !inRange(strtol(value), 1, 65535))
      note(ctx, F.windowsize_range, 'Warning', 'Response');
    else if (name === 'tsize' && opcode === Op.RRQ) t.tsizeRequested = true;
  } else if (opcode === Op.OACK) {
    const n = strtol(value);
    if (name === 'blksize') {
      if (inRange(n, 8, 65464)) t.blocksize = n;
      else note(ctx, F.blocksize_range, 'Warning', 'Response');
    } else if (name === 'windowsize') {
      if (inRange(n, 1, 65535)) t.windowsize = n;
      else note(ctx, F.windowsize_range, 'Warning', 'Response');
    } else if (name === 'msftwindow') {
      if (value === '27182') t.dynamicWindowing = true;
      else note(ctx, F['msftwindow.unrecognized'], 'Warning', 'Response');
    }
  }
}

const inRange = (n: number, lo: number, hi: number): boolean => n >= lo && n <= hi;

/** C's strtol(s, NULL, 10) cast to a 32-bit int: leading spaces and sign, digits, 0 when none. */
function strtol(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?)(\d+)/.exec(s);
  if (!m) return 0;
  const LONG_MAX = (1n << 63n) - 1n;
  let v = BigInt(m[2] as string);
  if (m[1] === '-') v = -v;
  if (v > LONG_MAX) v = LONG_MAX;
  if (v < -LONG_MAX - 1n) v = -LONG_MAX - 1n;
  return Number(BigInt.asIntN(32, v));
}

/** A block number that may have wrapped, made whole from the transfer's next expected block. */
function fullBlock(raw: number, t: Transfer): number {
  const delta = ((t.nextBlock - raw) << 16) >> 16;
  if (delta > t.nextBlock) return raw;
  return (t.nextBlock - delta) >>> 0;
}

/** DATA: block number, sequence tracking; returns where the file data starts. */
function data(ctx: Ctx): number {
  const { t, tvb, tree } = ctx;
  const o = tvb.start;
  const raw = tvb.u16(o + 2);
  const full = fullBlock(raw, t);
  const length = tvb.reportedRemaining(o + 4);
  const last = length < t.blocksize;
  tree.push(F.block, tvb, o + 2, 2, raw);
  if (full === 0xffff && length === t.blocksize) note(ctx, F['block.wrap'], 'Note', 'Sequence');
  tree.pop();
  tree.add(F['block.full'], tvb, o, 0, full);
  t.lastPackageAvailable ||= last;
  if (full > t.nextBlock) t.nextBlock = full + 1;
  else if (full === t.nextBlock) t.nextBlock++;
  appendInfo(ctx, `, Block: ${full}${last ? ' (last)' : ''}`);
  return o + 4;
}

/** ACK: block number, and the next window size Microsoft's dynamic windowing adds. */
function ack(ctx: Ctx): void {
  const { t, tvb, tree } = ctx;
  const o = tvb.start;
  const raw = tvb.u16(o + 2);
  const full = fullBlock(raw, t);
  tree.add(F.block, tvb, o + 2, 2, raw);
  tree.add(F['block.full'], tvb, o, 0, full);
  appendInfo(ctx, `, Block: ${full}`);
  if (!t.dynamicWindowing || !tvb.has(o + 4, 1)) return;
  const windowsize = tvb.u8(o + 4);
  // The final ACK repeats a window size that means nothing: no change is noted after the last block.
  const changed = windowsize !== t.windowsize && !t.lastPackageAvailable;
  if (changed) t.windowsize = windowsize;
  tree.push(F.nextwindowsize, tvb, o + 4, 1, windowsize);
  if (changed) note(ctx, F['windowsize.change'], 'Chat', 'Sequence');
  tree.pop();
}

function error(ctx: Ctx): void {
  const { t, tvb, tree } = ctx;
  const b = tvb.bytes;
  const o = tvb.start;
  const code = tvb.u16(o + 2);
  tree.add(F['error.code'], tvb, o + 2, 2, code);
  appendInfo(ctx, `, Code: ${ERRORS.get(code) ?? `Unknown (${code})`}`);
  const p = o + 4;
  const length = strsize(tvb, p);
  addString(tree, F['error.message'], tvb, p, length, stringValue(b, p, p + length, true));
  appendInfo(ctx, `, Message: ${tvbFormatText(b, p, p + length - 1)}`);
  if (likelyTsizeProbe(code, t)) note(ctx, F.likely_tsize_probe, 'Chat', 'Request');
  else note(ctx, F.error, 'Warning', 'Response');
}

/**
 * An ERROR closing a transfer right after the client learned the size it asked for (tsize): the
 * usual way a client ends a size query, not a failure.
 */
function likelyTsizeProbe(code: number, t: Transfer): boolean {
  if (code !== 8 && code !== 0) return false;
  if (!t.sourceFile || !t.tsizeRequested) return false;
  return t.prevOpcode === Op.OACK || (t.prevOpcode === Op.DATA && t.nextBlock === 2);
}

export const tftpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', PORT, dissectTFTP);
    reg.heuristics.udp.push(heuristicTFTP);
  },
};
