// WireGuard (https://www.wireguard.com/protocol/) over UDP, found by Wireshark's heuristic: the
// handshake initiation, response and cookie reply and transport data messages, and the sessions
// Wireshark links them into without keys (wg.stream, wg.response_in, wg.response_to). No
// decryption.
import { noteFault } from './dissect.ts';
import { FieldType, bool, bytes, fields, hex, names, proto, str, text, uint } from './field.ts';
import { expert, firstPass, ipLayer } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TYPES = names({
  1: 'Handshake Initiation',
  2: 'Handshake Response',
  3: 'Cookie Reply',
  4: 'Transport Data',
});

const F = fields('wg', {
  '': proto('WireGuard Protocol'),
  type: uint('Type', 8, { strings: TYPES }),
  reserved: bytes('Reserved'),
  sender: hex('Sender', 32),
  receiver: hex('Receiver', 32),
  ephemeral: str('Ephemeral'),
  'ephemeral.known_privkey': bool('Has Private Key', 8, 0, { tf: ['True', 'False'], generated: true }),
  encrypted_static: text('Encrypted Static'),
  encrypted_timestamp: text('Encrypted Timestamp'),
  mac1: bytes('mac1'),
  mac2: bytes('mac2'),
  encrypted_empty: text('Encrypted Empty'),
  nonce: bytes('Nonce'),
  encrypted_cookie: bytes('Encrypted Cookie'),
  counter: uint('Counter', 64),
  encrypted_packet: text('Encrypted Packet'),
  stream: uint('Stream index', 32, { generated: true }),
  response_in: { name: 'Response in Frame', type: FieldType.FrameNum, generated: true },
  response_to: { name: 'Response to Frame', type: FieldType.FrameNum, generated: true },
});

/** ChaCha20-Poly1305's tag, on every encrypted field. */
const AUTH_TAG = 16;

/** One handshake and the transport data it keys (Wireshark's wg_session_t). */
interface Session {
  stream: number;
  initiatorFrame: number;
  responseFrame: number;
  /** `address:port` of each side, as first seen (empty while unknown). */
  initiator: string;
  responder: string;
}

interface WgState {
  /** Sessions by the sender ids of their initiation and response, oldest first. */
  byId: Map<number, Session[]>;
  count: number;
  /** The session each message joined on the first pass (`frame/offset`), for re-dissection. */
  seen: Map<string, Session | null>;
  /** UDP conversations a handshake initiation handed to WireGuard (conversation_set_dissector). */
  conversations: Set<number>;
}

const newState = (): WgState => ({ byId: new Map(), count: 0, seen: new Map(), conversations: new Set() });

/** The address and port a datagram came from or goes to, as a key. */
function endpoint(pinfo: PacketInfo, source: boolean): string {
  const l = ipLayer;
  const at = source ? l.src : l.dst;
  const n = l.kind === 6 ? 16 : 4;
  let s = '';
  for (let i = 0; i < n; i++) s += (l.bytes[at + i] ?? 0).toString(16).padStart(2, '0');
  return `${s}:${source ? pinfo.srcPort : pinfo.dstPort}`;
}

/** Wireshark's wg_is_valid_message_length. */
function validLength(type: number, length: number): boolean {
  switch (type) {
    case 1:
      return length === 148;
    case 2:
      return length === 92;
    case 3:
      return length === 64;
    case 4:
      return length >= 32;
    default:
      return false;
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = ((b[i] as number) << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    s += B64[(n >> 18) & 63] as string;
    s += B64[(n >> 12) & 63] as string;
    s += i + 1 < b.length ? (B64[(n >> 6) & 63] as string) : '=';
    s += i + 2 < b.length ? (B64[n & 63] as string) : '=';
  }
  return s;
}

interface Call {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  st: WgState;
  first: boolean;
  /** `frame/offset`: where this message's session link is kept. */
  key: string;
  info: string;
}

/** Wireshark's dissect_wg: 0 (nothing added) when the type or the length is not WireGuard's. */
export function dissectWG(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const length = tvb.reportedRemaining(o);
  const type = tvb.bytes[o] ?? 0;
  if (tvb.remaining(o) < 1 || !validLength(type, length)) return 0;
  const st = pinfo.state.of<WgState>('wg', newState);
  const first = firstPass(pinfo.state, pinfo) && !pinfo.inError;
  const name = type === 4 && length === 32 ? 'Keepalive' : (TYPES.get(type) as string);
  const call: Call = { tvb, pinfo, tree, st, first, key: `${pinfo.meta.number}/${o}`, info: name };
  pinfo.layers.push('wg');
  pinfo.setProto('WireGuard');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    tree.add(F.type, tvb, o, 1, type);
    tree.add(F.reserved, tvb, o + 1, 3);
    tvb.need(o + 1, 3);
    if (type === 1) initiation(call, o);
    else if (type === 2) response(call, o);
    else if (type === 3) cookieReply(call, o);
    else transportData(call, o);
  } catch (err) {
    if (pinfo.wantInfo) pinfo.setInfo(call.info);
    tree.unwind();
    noteFault(err, tvb, pinfo, tree);
    return tvb.remaining(o);
  }
  tree.pop();
  if (pinfo.wantInfo) pinfo.setInfo(call.info);
  return tvb.remaining(o);
}

/** A little-endian 32-bit id, added to the tree and to Info as `, name=0x…`. */
function id(call: Call, def: typeof F.sender, off: number, word: string): number {
  const v = call.tvb.u32le(off);
  call.tree.add(def, call.tvb, off, 4, v);
  call.info += `, ${word}=0x${v.toString(16).toUpperCase().padStart(8, '0')}`;
  return v;
}

function ephemeral(call: Call, off: number): void {
  const { tvb, tree } = call;
  tree.push(F.ephemeral, tvb, off, 32, base64(tvb.slice(off, 32)));
  tree.add(F['ephemeral.known_privkey'], tvb, tvb.start, 0, false);
  tree.pop();
}

function stream(call: Call, s: Session | null): void {
  if (s) call.tree.add(F.stream, call.tvb, call.tvb.start, 0, s.stream);
}

function initiation(call: Call, o: number): void {
  const { tvb, tree, st, pinfo } = call;
  const sender = id(call, F.sender, o + 4, 'sender');
  ephemeral(call, o + 8);
  tree.add(F.encrypted_static, tvb, o + 40, 32 + AUTH_TAG);
  tree.add(F.encrypted_timestamp, tvb, o + 88, 12 + AUTH_TAG);
  tree.add(F.mac1, tvb, o + 116, 16);
  tree.add(F.mac2, tvb, o + 132, 16);
  tvb.need(o + 40, 108);
  let s: Session | null;
  if (call.first && !st.seen.has(call.key)) {
    s = {
      stream: st.count++,
      initiatorFrame: pinfo.meta.number,
      responseFrame: 0,
      initiator: '',
      responder: '',
    };
    s.initiator = endpoint(pinfo, true);
    insert(st, sender, s);
    st.seen.set(call.key, s);
  } else {
    s = st.seen.get(call.key) ?? null;
  }
  stream(call, s);
  // Known only once the response was seen: a single pass (tshark without -2) never shows it.
  if (s && s.responseFrame && s.responseFrame !== pinfo.meta.number && !call.first)
    tree.add(F.response_in, tvb, tvb.start, 0, s.responseFrame);
}

function insert(st: WgState, sender: number, s: Session): void {
  let list = st.byId.get(sender);
  if (!list) st.byId.set(sender, (list = []));
  list.push(s);
}

/** Wireshark's wg_sessions_lookup_initiation: the latest initiation to this datagram's destination. */
function initiationFor(call: Call, receiver: number): Session | null {
  const list = call.st.byId.get(receiver);
  if (!list) return null;
  const to = endpoint(call.pinfo, false);
  for (let i = list.length - 1; i >= 0; i--) {
    const s = list[i] as Session;
    if (s.initiator !== to) continue;
    if (s.responseFrame && s.responseFrame !== call.pinfo.meta.number) continue;
    return s;
  }
  return null;
}

/** The session a message joins on the first pass (via `find`), or the one it joined then. */
function joined(call: Call, find: () => Session | null): Session | null {
  const { st, key } = call;
  if (call.first && !st.seen.has(key)) {
    const s = find();
    st.seen.set(key, s);
    return s;
  }
  return st.seen.get(key) ?? null;
}

function response(call: Call, o: number): void {
  const { tvb, tree, pinfo } = call;
  const sender = id(call, F.sender, o + 4, 'sender');
  const receiver = id(call, F.receiver, o + 8, 'receiver');
  ephemeral(call, o + 12);
  tree.add(F.encrypted_empty, tvb, o + 44, AUTH_TAG);
  tree.add(F.mac1, tvb, o + 60, 16);
  tree.add(F.mac2, tvb, o + 76, 16);
  tvb.need(o + 44, 48);
  const s = joined(call, () => {
    const found = initiationFor(call, receiver);
    if (found) {
      found.responseFrame = pinfo.meta.number;
      found.responder = endpoint(pinfo, true);
      insert(call.st, sender, found);
    }
    return found;
  });
  stream(call, s);
  if (s) tree.add(F.response_to, tvb, tvb.start, 0, s.initiatorFrame);
}

function cookieReply(call: Call, o: number): void {
  const { tvb, tree, pinfo } = call;
  const receiver = id(call, F.receiver, o + 4, 'receiver');
  tree.add(F.nonce, tvb, o + 8, 24);
  tree.add(F.encrypted_cookie, tvb, o + 32, 16 + AUTH_TAG);
  tvb.need(o + 8, 56);
  const s = joined(call, () => {
    const found = initiationFor(call, receiver);
    if (found) {
      found.responseFrame = pinfo.meta.number;
      found.responder = endpoint(pinfo, true);
    }
    return found;
  });
  stream(call, s);
  if (s) tree.add(F.response_to, tvb, tvb.start, 0, s.initiatorFrame);
}

function transportData(call: Call, o: number): void {
  const { tvb, tree, pinfo } = call;
  const receiver = id(call, F.receiver, o + 4, 'receiver');
  const counter = tvb.u32le(o + 8) + tvb.u32le(o + 12) * 0x100000000;
  tree.add(F.counter, tvb, o + 8, 8, counter);
  call.info += `, counter=${counter}`;
  const captured = tvb.remaining(o + 16);
  if (captured < AUTH_TAG) {
    expert(pinfo, tree, tvb, o + 16, captured, 'Error', 'Malformed', 'Packet length is too small');
    return;
  }
  if (captured !== AUTH_TAG) call.info += `, datalen=${captured - AUTH_TAG}`;
  tree.push(F.encrypted_packet, tvb, o + 16, captured);
  if (captured === AUTH_TAG)
    expert(pinfo, tree, tvb, o + 16, captured, 'Chat', 'Sequence', 'This is a Keepalive message');
  tree.pop();
  const s = joined(call, () => {
    // Wireshark's wg_sessions_lookup: an established session one of whose peers this goes to.
    const list = call.st.byId.get(receiver);
    const to = endpoint(pinfo, false);
    for (let i = (list?.length ?? 0) - 1; i >= 0; i--) {
      const found = (list as Session[])[i] as Session;
      if (!found.responseFrame) continue;
      if (found.initiator === to) found.responder = endpoint(pinfo, true);
      else if (found.responder === to) found.initiator = endpoint(pinfo, true);
      else continue;
      return found;
    }
    return null;
  });
  stream(call, s);
}

/**
 * Wireshark's dissect_wg_heur: a known type at its fixed length (data: at least 32 bytes), and
 * zero reserved bytes for cookie replies and data. An initiation hands its UDP conversation to
 * WireGuard, so later messages there need not pass the test.
 */
function heuristic(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  const o = tvb.start;
  const length = tvb.reportedRemaining(o);
  if (length < 4 || tvb.remaining(o) < 4) return false;
  const b = tvb.bytes;
  const type = b[o] as number;
  if (type < 1 || type > 4) {
    return claimed(pinfo) && dissectWG(tvb, pinfo, tree) > 0;
  }
  if (!validLength(type, length)) return false;
  const zero = b[o + 1] === 0 && b[o + 2] === 0 && b[o + 3] === 0;
  if ((type === 3 || type === 4) && !zero) return claimed(pinfo) && dissectWG(tvb, pinfo, tree) > 0;
  if (type === 1 && !pinfo.inError)
    pinfo.state.of<WgState>('wg', newState).conversations.add(pinfo.conversation);
  dissectWG(tvb, pinfo, tree);
  return true;
}

function claimed(pinfo: PacketInfo): boolean {
  return pinfo.state.of<WgState>('wg', newState).conversations.has(pinfo.conversation);
}

export const wgModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.heuristics.udp.push(heuristic);
  },
};
