// WebSocket (RFC 6455) on a connection HTTP upgraded (`101 Switching Protocols` with
// `Upgrade: websocket`): frames one after another, asking TCP for the rest of a cut one, each
// unmasked into a data source of its own; fragmented messages joined on their last frame; text as
// data-text-lines, binary as data, close frames with their status code, as tshark 4.0 shows them.
import { dissectData } from './data.ts';
import { bool, bytes, fields, hex, names, proto, str, text, uint, FieldType } from './field.ts';
import { dissectTextLines } from './http.ts';
import { expert } from './ip-proto.ts';
import { DESEGMENT_ONE_MORE_SEGMENT, type PacketInfo } from './packet-info.ts';
import { tcpLayer } from './tcp.ts';
import { addPduSize } from './tcp-pdus.ts';
import { bytesText } from './text-format.ts';
import { NULL_TREE, type Tree } from './tree.ts';
import { Tvb } from './tvb.ts';

const OPCODES = names({
  0: 'Continuation',
  1: 'Text',
  2: 'Binary',
  8: 'Connection Close',
  9: 'Ping',
  10: 'Pong',
});

/** Close status codes as tshark 4.0 names them (its ws_close_status_code_vals). */
const CLOSE_CODES = names({
  1000: 'Normal Closure',
  1001: 'Going Away',
  1002: 'Protocol error',
  1003: 'Unsupported Data',
  1004: '---Reserved----',
  1005: 'No Status Rcvd',
  1006: 'Abnormal Closure',
  1007: 'Invalid frame payload data',
  1008: 'Policy Violation',
  1009: 'Message Too Big',
  1010: 'Mandatory Ext.',
  1011: 'Internal Server',
  1015: 'TLS handshake',
});

const framenum = (name: string): { name: string; type: FieldType; generated: boolean } => ({
  name,
  type: FieldType.FrameNum,
  generated: true,
});

export const F = fields('websocket', {
  '': proto('WebSocket'),
  fin: bool('Fin', 8, 0x80, { tf: ['True', 'False'] }),
  rsv: hex('Reserved', 8, { mask: 0x70 }),
  opcode: uint('Opcode', 8, { mask: 0x0f, strings: OPCODES }),
  mask: bool('Mask', 8, 0x80, { tf: ['True', 'False'] }),
  payload_length: uint('Payload length', 8, { mask: 0x7f }),
  payload_length_ext_16: uint('Extended Payload length (16 bits)', 16),
  payload_length_ext_64: uint('Extended Payload length (64 bits)', 64),
  masking_key: bytes('Masking-Key'),
  masked_payload: text('Masked payload'),
  payload: text('Payload'),
  'payload.continue': bytes('Continue'),
  'payload.text': str('Text'),
  'payload.close': text('Close'),
  'payload.close.status_code': uint('Status code', 16, { strings: CLOSE_CODES }),
  'payload.close.reason': str('Reason'),
  'payload.ping': bytes('Ping'),
  'payload.pong': bytes('Pong'),
  'payload.unknown': bytes('Unknown'),
  fragments: text('Reassembled websocket Fragments'),
  fragment: framenum('Websocket Fragment'),
  'fragment.count': uint('Fragment count', 32, { generated: true }),
  'reassembled.length': uint('Reassembled websocket Payload length', 32, { generated: true }),
});

const enum Op {
  Continuation = 0,
  Text = 1,
  Binary = 2,
  Close = 8,
  Ping = 9,
  Pong = 10,
}

/** The part of a fragmented message one frame carried. */
interface Fragment {
  frame: number;
  bytes: Uint8Array;
}

/** What the first pass decided for one frame's payload, kept for a revisit. */
interface View {
  /** On the last frame of a fragmented message: its opcode and fragments. */
  message: { opcode: number; fragments: Fragment[] } | null;
}

interface Session {
  startFrame: number;
  startOffset: number;
  /** A fragmented message under way, per direction. */
  pending: (Fragment[] | null)[];
  pendingOpcode: number[];
}

interface WsState {
  sessions: Map<number, Session>;
  views: Map<string, View>;
}

function wsState(pinfo: PacketInfo): WsState {
  return pinfo.state.of('websocket', () => ({ sessions: new Map(), views: new Map() }));
}

/** Frames already dissected in this packet (for `views` keys). */
let framePinfo: PacketInfo | null = null;
let frameIndex = 0;

/** Makes the TCP stream WebSocket from `offset` of this frame on (HTTP saw the 101 response). */
export function startWebsocket(pinfo: PacketInfo, offset: number): void {
  const stream = tcpLayer.stream;
  if (stream < 0) return;
  const st = wsState(pinfo);
  if (st.sessions.has(stream)) return;
  st.sessions.set(stream, {
    startFrame: pinfo.meta.number,
    startOffset: offset,
    pending: [null, null],
    pendingOpcode: [0, 0],
  });
}

/** Whether the bytes at `offset` of this frame's HTTP payload belong to WebSocket. */
export function websocketTakes(pinfo: PacketInfo, offset: number): boolean {
  const stream = tcpLayer.stream;
  if (stream < 0) return false;
  const s = wsState(pinfo).sessions.get(stream);
  if (!s) return false;
  const frame = pinfo.meta.number;
  return frame > s.startFrame || (frame === s.startFrame && offset >= s.startOffset);
}

/** The header's length (2 to 14 bytes) and the frame's whole length, or null when cut in the header. */
function frameLength(tvb: Tvb, o: number): { header: number; total: number } | null {
  const b = tvb.bytes;
  if (tvb.end - o < 2) return null;
  const b1 = b[o + 1] as number;
  const len7 = b1 & 0x7f;
  const header = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (b1 & 0x80 ? 4 : 0);
  if (tvb.end - o < header) return null;
  let payload = len7;
  if (len7 === 126) payload = ((b[o + 2] as number) << 8) | (b[o + 3] as number);
  else if (len7 === 127) {
    payload = 0;
    for (let i = 0; i < 8; i++) payload = payload * 256 + (b[o + 2 + i] as number);
  }
  return { header, total: header + payload };
}

/** Dissects the WebSocket frames in `tvb`, asking TCP for the rest of a cut one; returns bytes used. */
export function dissectWebsocket(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  if (framePinfo !== pinfo) {
    framePinfo = pinfo;
    frameIndex = 0;
  }
  let o = tvb.start;
  let layered = false;
  while (o < tvb.end) {
    const len = frameLength(tvb, o);
    const need = len === null ? DESEGMENT_ONE_MORE_SEGMENT : len.total - (tvb.end - o);
    if (len === null || need > 0) {
      if (pinfo.canDesegment) {
        pinfo.desegmentOffset = o - tvb.start;
        pinfo.desegmentLen = need;
        return o - tvb.start;
      }
      if (len === null) break;
    }
    if (!layered) pinfo.layers.push('websocket');
    layered = true;
    const total = Math.min(len.total, tvb.end - o);
    addPduSize(tree, tvb, o, total, len.total);
    dissectFrame(tvb, o, len.header, total, pinfo, tree);
    o += total;
  }
  return o - tvb.start;
}

function dissectFrame(
  tvb: Tvb,
  o: number,
  header: number,
  total: number,
  pinfo: PacketInfo,
  tree: Tree,
): void {
  const b = tvb.bytes;
  const b0 = b[o] as number;
  const b1 = b[o + 1] as number;
  const fin = (b0 & 0x80) !== 0;
  const opcode = b0 & 0x0f;
  const masked = (b1 & 0x80) !== 0;
  pinfo.setProto('WebSocket');
  if (pinfo.wantInfo) {
    const name = OPCODES.get(opcode) ?? 'Unknown Opcode';
    pinfo.setInfo(`WebSocket ${name}${fin ? ' [FIN]' : ''}${masked ? ' [MASKED]' : ' '}`);
  }
  tree.push(F[''], tvb, o, total);
  headerItems(tvb, o, tree);
  const from = o + header;
  let payload = tvb.sub(from, total - (from - o));
  if (masked) {
    const key = b.subarray(from - 4, from);
    tree.add(F.masking_key, tvb, from - 4, 4);
    if (total > header) tree.add(F.masked_payload, tvb, from, total - header);
    payload = unmask(payload, key, pinfo);
  }
  const view = frameView(pinfo, fin, opcode, payload);
  const message = view.message ? joined(view.message.fragments, pinfo) : null;
  const shown = message ?? (fin && opcode !== Op.Continuation ? payload : null);
  const shownOpcode = view.message?.opcode ?? opcode;
  if (total > header) {
    tree.push(F.payload, payload, payload.start, payload.end - payload.start);
    if (shown && shown.end > shown.start) payloadItems(shown, shownOpcode, pinfo, tree);
    tree.pop();
  }
  tree.pop();
  if (view.message && message) fragmentTree(view.message.fragments, message, tree);
  if (shown && shown.end > shown.start) handOff(shown, shownOpcode, pinfo, tree);
}

function headerItems(tvb: Tvb, o: number, tree: Tree): void {
  const b = tvb.bytes;
  const b0 = b[o] as number;
  const b1 = b[o + 1] as number;
  tree.add(F.fin, tvb, o, 1, (b0 & 0x80) !== 0);
  tree.add(F.rsv, tvb, o, 1, (b0 & 0x70) >> 4);
  tree.add(F.opcode, tvb, o, 1, b0 & 0x0f);
  tree.add(F.mask, tvb, o + 1, 1, (b1 & 0x80) !== 0);
  const len7 = b1 & 0x7f;
  tree.add(F.payload_length, tvb, o + 1, 1, len7);
  if (len7 === 126) {
    if (tree.full) tree.labelLast('.111 1110 = Payload length: 126 Extended Payload Length (16 bits)');
    tree.add(F.payload_length_ext_16, tvb, o + 2, 2, ((b[o + 2] as number) << 8) | (b[o + 3] as number));
  } else if (len7 === 127) {
    if (tree.full) tree.labelLast('.111 1111 = Payload length: 127 Extended Payload Length (64 bits)');
    let n = 0n;
    for (let i = 0; i < 8; i++) n = (n << 8n) | BigInt(b[o + 2 + i] as number);
    tree.add(F.payload_length_ext_64, tvb, o + 2, 8, n);
  }
}

/** The payload with the mask taken off, as a data source of its own (`Unmasked data`). */
function unmask(payload: Tvb, key: Uint8Array, pinfo: PacketInfo): Tvb {
  const n = payload.end - payload.start;
  const out = new Uint8Array(n);
  const b = payload.bytes;
  for (let i = 0; i < n; i++) out[i] = (b[payload.start + i] as number) ^ (key[i & 3] as number);
  const source = pinfo.addSource('Unmasked data', out);
  return new Tvb(out, 0, n, n, source);
}

/**
 * On the first pass, where this frame stands in its direction's fragmented message; afterwards
 * what the first pass found.
 */
function frameView(pinfo: PacketInfo, fin: boolean, opcode: number, payload: Tvb): View {
  const st = wsState(pinfo);
  const key = `${pinfo.meta.number}/${frameIndex++}`;
  const known = st.views.get(key);
  if (known) return known;
  const session = st.sessions.get(tcpLayer.stream);
  const view: View = { message: null };
  if (!session) return view;
  const dir = tcpLayer.dir;
  const pending = session.pending[dir] ?? null;
  const part = { frame: pinfo.meta.number, bytes: payload.bytes.slice(payload.start, payload.end) };
  if (opcode >= Op.Close) {
    // Control frames may come between a message's fragments and are no part of it.
  } else if (opcode !== Op.Continuation) {
    if (!fin) {
      session.pending[dir] = [part];
      session.pendingOpcode[dir] = opcode;
    } else session.pending[dir] = null;
  } else if (pending) {
    pending.push(part);
    if (fin) {
      view.message = { opcode: session.pendingOpcode[dir] as number, fragments: pending };
      session.pending[dir] = null;
    }
  }
  st.views.set(key, view);
  return view;
}

/** A fragmented message's payloads joined (a data source of its own). */
function joined(fragments: Fragment[], pinfo: PacketInfo): Tvb {
  const n = fragments.reduce((sum, f) => sum + f.bytes.length, 0);
  const out = new Uint8Array(n);
  let at = 0;
  for (const f of fragments) {
    out.set(f.bytes, at);
    at += f.bytes.length;
  }
  const source = pinfo.addSource('Reassembled websocket Payload', out);
  return new Tvb(out, 0, n, n, source);
}

function fragmentTree(fragments: Fragment[], message: Tvb, tree: Tree): void {
  if (tree === NULL_TREE) return;
  const n = message.end - message.start;
  tree.push(F.fragments, message, 0, n);
  if (tree.full) {
    const list = fragments.map((f) => `#${f.frame}(${f.bytes.length})`).join(', ');
    tree.label(`[${fragments.length} Reassembled websocket Fragments (${n} bytes): ${list}]`);
  }
  let at = 0;
  for (const f of fragments) {
    const len = f.bytes.length;
    tree.add(F.fragment, message, at, len, f.frame);
    if (tree.full)
      tree.labelLast(
        `[Frame: ${f.frame}, payload: ${at}-${at + len - 1} (${len} byte${len === 1 ? '' : 's'})]`,
      );
    at += len;
  }
  tree.add(F['fragment.count'], message, 0, 0, fragments.length);
  tree.add(F['reassembled.length'], message, 0, 0, n);
  tree.pop();
}

/** What the payload subtree shows of a message of `opcode`. */
function payloadItems(p: Tvb, opcode: number, pinfo: PacketInfo, tree: Tree): void {
  const n = p.end - p.start;
  switch (opcode) {
    case Op.Text:
      tree.add(F['payload.text'], p, p.start, n, bytesText(p.bytes, p.start, p.end, false, false));
      break;
    case Op.Binary:
      break;
    case Op.Close:
      tree.push(F['payload.close'], p, p.start, n);
      if (n >= 2) {
        tree.add(
          F['payload.close.status_code'],
          p,
          p.start,
          2,
          ((p.bytes[p.start] as number) << 8) | (p.bytes[p.start + 1] as number),
        );
        if (n > 2)
          tree.add(
            F['payload.close.reason'],
            p,
            p.start + 2,
            n - 2,
            bytesText(p.bytes, p.start + 2, p.end, false, false),
          );
      }
      tree.pop();
      break;
    case Op.Ping:
      tree.add(F['payload.ping'], p, p.start, n);
      break;
    case Op.Pong:
      tree.add(F['payload.pong'], p, p.start, n);
      break;
    default:
      tree.push(F['payload.unknown'], p, p.start, n);
      expert(
        pinfo,
        tree,
        p,
        p.start,
        n,
        'Note',
        'Undecoded',
        `Dissector for Websocket Opcode (${opcode}) code not implemented, Contact Wireshark developers if you want this supported`,
      );
      tree.pop();
  }
}

/** Text to data-text-lines, binary to data (top level, after the WebSocket tree). */
function handOff(p: Tvb, opcode: number, pinfo: PacketInfo, tree: Tree): void {
  if (opcode === Op.Text) dissectTextLines(p, '', pinfo, tree);
  else if (opcode === Op.Binary) dissectData(p, pinfo, tree);
}

export const websocketModule = { fields: F };
