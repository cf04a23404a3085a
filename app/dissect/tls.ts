// Transport Layer Security over TCP (RFC 5246, RFC 8446): the record layer, alerts, change
// cipher spec, handshake messages (tls-handshake.ts) and application data, with the session's
// version tracked per conversation as Wireshark does for the Protocol column. No decryption.
import { noteFault } from './dissect.ts';
import { bytes, fields, hex, names, proto, str, text, uint } from './field.ts';
import { expertItem, firstPass, ipLayer } from './ip-proto.ts';
import { DESEGMENT_ONE_MORE_SEGMENT, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import {
  HS,
  QP,
  VERSIONS,
  dissectHandshakes,
  versionShortName,
  type HandshakeResult,
} from './tls-handshake.ts';
import { ALERT_DESCRIPTION_NAMES } from './tls-names.ts';
import type { Tvb } from './tvb.ts';

const CONTENT_TYPES = names({
  20: 'Change Cipher Spec',
  21: 'Alert',
  22: 'Handshake',
  23: 'Application Data',
  24: 'Heartbeat',
  25: 'Connection ID',
});

const ALERT_LEVELS = names({ 1: 'Warning', 2: 'Fatal' });
const ALERT_DESCRIPTIONS = names(ALERT_DESCRIPTION_NAMES);

export const F = fields('tls', {
  '': proto('Transport Layer Security'),
  record: text('Record Layer'),
  'record.content_type': uint('Content Type', 8, { strings: CONTENT_TYPES }),
  'record.opaque_type': uint('Opaque Type', 8, { strings: CONTENT_TYPES }),
  'record.version': hex('Version', 16, { strings: VERSIONS }),
  'record.length': uint('Length', 16),
  app_data: bytes('Encrypted Application Data'),
  app_data_proto: str('Application Data Protocol', { generated: true }),
  change_cipher_spec: text('Change Cipher Spec Message'),
  alert_message: text('Alert Message'),
  'alert_message.level': uint('Level', 8, { strings: ALERT_LEVELS }),
  'alert_message.desc': uint('Description', 8, { strings: ALERT_DESCRIPTIONS }),
  ignored_unknown_record: text('Ignored Unknown Record'),
});

/** TCP ports tshark 4.0 hands to TLS (`tshark -G decodes`); any other port goes by the heuristic. */
export const TLS_TCP_PORTS = [
  324, 443, 465, 636, 802, 853, 993, 995, 1300, 2221, 2443, 3249, 3250, 3251, 3252, 3496, 5061, 5671, 5684,
  5868, 8883, 11207, 19999, 27017,
];

/** Per-conversation TLS state (Wireshark's SslSession), as it stands between frames. */
interface Session {
  /** Negotiated version (0 while unknown). */
  version: number;
  cipherSuite: number;
  /** Frames of each side's Change Cipher Spec (later handshake records are encrypted). */
  clientCcs: number;
  serverCcs: number;
  /** Server endpoint port, once a hello told (0 while unknown). */
  serverPort: number;
  /** Application protocol from the ServerHello's ALPN. */
  alpn: string;
}

interface Conversation {
  live: Session;
  /** The session as it was when each call on the first pass began, for re-dissection. */
  at: Map<string, Session>;
  /** The last copy stored in `at`: calls that find the session unchanged share it. */
  last: Session | null;
}

interface TlsState {
  /** By transport conversation (pinfo.conversation), or by address and port pair without one. */
  conversations: Map<number | string, Conversation>;
}

const newState = (): TlsState => ({ conversations: new Map() });

function conversationKey(pinfo: PacketInfo): number | string {
  if (pinfo.conversation >= 0) return pinfo.conversation;
  const l = ipLayer;
  const n = l.kind === 6 ? 16 : 4;
  let a = '';
  let b = '';
  for (let i = 0; i < n; i++) {
    a += (l.bytes[l.src + i] ?? 0).toString(16).padStart(2, '0');
    b += (l.bytes[l.dst + i] ?? 0).toString(16).padStart(2, '0');
  }
  a += `:${pinfo.srcPort}`;
  b += `:${pinfo.dstPort}`;
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

const sameSession = (a: Session, b: Session): boolean =>
  a.version === b.version &&
  a.cipherSuite === b.cipherSuite &&
  a.clientCcs === b.clientCcs &&
  a.serverCcs === b.serverCcs &&
  a.serverPort === b.serverPort &&
  a.alpn === b.alpn;

/**
 * The session this call works on: the live one on the first pass, else a copy of what it was
 * when this call first ran (so a re-dissected frame shows what it showed the first time).
 */
function sessionFor(tvb: Tvb, pinfo: PacketInfo): Session {
  const st = pinfo.state.of<TlsState>('tls', newState);
  const key = conversationKey(pinfo);
  let conv = st.conversations.get(key);
  if (!conv) {
    conv = {
      live: { version: 0, cipherSuite: -1, clientCcs: 0, serverCcs: 0, serverPort: 0, alpn: '' },
      at: new Map(),
      last: null,
    };
    st.conversations.set(key, conv);
  }
  if (pinfo.inError) return { ...conv.live };
  const callKey = `${pinfo.meta.number}/${tvb.source}/${tvb.start}`;
  if (firstPass(pinfo.state, pinfo)) {
    if (!conv.at.has(callKey)) {
      if (!conv.last || !sameSession(conv.last, conv.live)) conv.last = { ...conv.live };
      conv.at.set(callKey, conv.last);
    }
    return conv.live;
  }
  const then = conv.at.get(callKey);
  return { ...(then ?? conv.live) };
}

function fromServer(s: Session, pinfo: PacketInfo): boolean {
  if (s.serverPort !== 0) return pinfo.srcPort === s.serverPort;
  if (TLS_TCP_PORTS.includes(pinfo.srcPort)) return true;
  if (TLS_TCP_PORTS.includes(pinfo.dstPort)) return false;
  return pinfo.srcPort < pinfo.dstPort;
}

const isValidContentType = (ct: number): boolean => ct >= 20 && ct <= 25;

/** Record versions Wireshark's ssl_looks_like_sslv3 accepts. */
function looksLikeV3(tvb: Tvb, off: number): boolean {
  if (!isValidContentType(tvb.u8(off))) return false;
  const v = tvb.u16(off + 1);
  return v === 0x0300 || v === 0x0301 || v === 0x0302 || v === 0x0303 || v === 0x0304 || v === 0x0101;
}

/** Versions whose record layer Wireshark dissects without guessing (its switch in dissect_ssl). */
function isV3Family(v: number): boolean {
  return v === 0x0300 || v === 0x0301 || v === 0x0302 || v === 0x0303 || v === 0x0101;
}

function printable(b: number): boolean {
  return b >= 0x20 && b <= 0x7e;
}

interface Call {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  s: Session;
  server: boolean;
  info: string[];
  /** Set when the record at `desegmentAt` needs more bytes from TCP. */
  desegment: boolean;
  /** Info text before TLS's fence (TCP's analysis notes), '' when none. */
  fenced: string;
}

export function dissectTLS(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const captured = tvb.remaining(o);
  if (captured > 4) {
    // Wireshark: real TLS never starts with four printable characters; that is someone's text.
    const b = tvb.bytes;
    if (printable(b[o] as number) && printable(b[o + 1] as number)) {
      if (printable(b[o + 2] as number) && printable(b[o + 3] as number)) return 0;
    }
  }
  if (pinfo.canDesegment) {
    // Nothing to show yet: TCP marks the segment and calls again with the whole record.
    const missing = firstRecordMissing(tvb);
    if (missing !== 0) {
      // Wireshark's dissect_ssl clears Info before it finds the record incomplete: TCP's text
      // goes, its analysis notes (fenced) and what TLS wrote earlier in the frame stay.
      if (pinfo.wantInfo) pinfo.setInfo(infoSoFar.get(pinfo) ?? TCP_NOTES.exec(pinfo.info)?.[0] ?? '');
      pinfo.desegmentOffset = 0;
      pinfo.desegmentLen = missing;
      return captured;
    }
  }
  const s = sessionFor(tvb, pinfo);
  const fenced = pinfo.wantInfo ? (TCP_NOTES.exec(pinfo.info)?.[0] ?? '') : '';
  const call: Call = {
    tvb,
    pinfo,
    tree,
    s,
    server: fromServer(s, pinfo),
    info: [],
    desegment: false,
    fenced,
  };
  pinfo.layers.push('tls');
  pinfo.setProto(versionShortName(s.version));
  tree.push(F[''], tvb, o, captured);
  try {
    records(call);
  } catch (err) {
    finish(call);
    tree.unwind();
    // The fault belongs to TLS (`[Malformed Packet: TLS]`), whatever version the column shows.
    pinfo.currentProto = 'TLS';
    noteFault(err, tvb, pinfo, tree);
    pinfo.currentProto = '';
    return captured;
  }
  tree.pop();
  finish(call);
  return captured;
}

/** Bytes the first record still needs (DESEGMENT_ONE_MORE_SEGMENT for a cut header), 0 if whole. */
function firstRecordMissing(tvb: Tvb): number {
  const o = tvb.start;
  const avail = tvb.reportedRemaining(o);
  if (avail < 5) return DESEGMENT_ONE_MORE_SEGMENT;
  if (!isValidContentType(tvb.bytes[o] as number)) return 0;
  const len = tvb.u16(o + 3);
  return avail < len + 5 ? len + 5 - avail : 0;
}

/**
 * Info TLS already wrote for a frame: when TCP calls TLS again in the same frame (a reassembled
 * record, then the rest of the segment), Wireshark's column fence keeps the first call's text.
 */
const infoSoFar = new WeakMap<PacketInfo, string>();

/** TCP's analysis notes (`[TCP ACKed unseen segment] `) lead the Info column behind its fence. */
const TCP_NOTES = /^(\[TCP [^\]]*\] )+/;

function finish(call: Call): void {
  const { pinfo } = call;
  if (!pinfo.wantInfo) return;
  // What stands before the fence stays; TLS appends with ", " as col_append_sep_str does.
  const before = infoSoFar.get(pinfo) ?? call.fenced;
  const mine = call.info.join(', ');
  const text = before && mine ? `${before}, ${mine}` : before || mine;
  infoSoFar.set(pinfo, text);
  pinfo.setInfo(text);
}

function records(call: Call): void {
  const { tvb, pinfo } = call;
  let off = tvb.start;
  while (tvb.reportedRemaining(off) > 0) {
    const avail = tvb.reportedRemaining(off);
    if (avail < 5) {
      if (pinfo.canDesegment) requestMore(call, off, DESEGMENT_ONE_MORE_SEGMENT);
      return;
    }
    if (isV3Family(call.s.version) || looksLikeV3(tvb, off)) {
      off = record(call, off);
    } else {
      call.info.push('Continuation Data');
      return;
    }
    if (call.desegment) return;
  }
}

function requestMore(call: Call, off: number, len: number): void {
  call.pinfo.desegmentOffset = off - call.tvb.start;
  call.pinfo.desegmentLen = len;
  call.desegment = true;
}

/** One record at `off`; returns where the next one starts. */
function record(call: Call, off: number): number {
  const { tvb, pinfo, tree, s } = call;
  const avail = tvb.reportedRemaining(off);
  const ct = tvb.u8(off);
  if (s.version >= 0x0301 && s.version <= 0x0303 && !isValidContentType(ct)) {
    // RFC 2246 §6: TLS 1.0-1.2 ignore records of unknown type.
    expertItem(pinfo, tree, tvb, off, avail, 'Warning', 'Protocol', 'Ignored Unknown Record');
    call.info.push('Ignored Unknown Record');
    return off + avail;
  }
  const version = tvb.u16(off + 1);
  const len = tvb.u16(off + 3);
  if (!isValidContentType(ct)) {
    call.info.push('Continuation Data');
    return off + 5 + len;
  }
  if (avail < len + 5) {
    if (pinfo.canDesegment) requestMore(call, off, len + 5 - avail);
    return off + avail;
  }
  tree.push(F.record, tvb, off, 5 + len);
  const opaque = s.version === 0x0304 && ct === 23;
  tree.add(opaque ? F['record.opaque_type'] : F['record.content_type'], tvb, off, 1, ct);
  tree.add(F['record.version'], tvb, off + 1, 2, version);
  tree.add(F['record.length'], tvb, off + 3, 2, len);
  const body = off + 5;
  let shown = s.version;
  if (s.version === 0) {
    const next = len > 0 ? tvb.u8(body) : -1;
    trySetVersion(s, ct, next, version);
    pinfo.setProto(versionShortName(version));
    shown = version;
  }
  const short = versionShortName(shown, 'TLS');
  const rec = tvb.sub(off, 5 + len);
  switch (ct) {
    case 20:
      call.info.push('Change Cipher Spec');
      if (tree.full) tree.label(`${short} Record Layer: Change Cipher Spec Protocol: Change Cipher Spec`);
      tree.add(F.change_cipher_spec, rec, body, len);
      if (tree.full) tree.labelLast('Change Cipher Spec Message');
      if (call.server) s.serverCcs ||= pinfo.meta.number;
      else s.clientCcs ||= pinfo.meta.number;
      break;
    case 21:
      alert(call, rec, body, len);
      break;
    case 22:
      handshake(call, rec, body, len, short);
      break;
    case 23: {
      call.info.push('Application Data');
      const app = appProtocol(s.alpn, pinfo);
      if (tree.full)
        tree.label(`${short} Record Layer: Application Data Protocol: ${app || 'Application Data'}`);
      tree.add(F.app_data, rec, body, len);
      if (app) tree.add(F.app_data_proto, rec, off, 0, app);
      break;
    }
    default:
      if (tree.full) tree.label(`${short} Record Layer: ${CONTENT_TYPES.get(ct) ?? 'unknown'} Protocol`);
      break;
  }
  tree.pop();
  return off + 5 + len;
}

/** Wireshark's ssl_try_set_version: a record other than a ClientHello fixes the session's version. */
function trySetVersion(s: Session, ct: number, handshakeType: number, version: number): void {
  const known = version === 0x0300 || version === 0x0301 || version === 0x0302 || version === 0x0303;
  if (!known && version !== 0x0304 && version !== 0x0101) return;
  if (ct === 22 && (handshakeType === 1 || handshakeType === 0)) return;
  if (ct < 20 || ct > 24) return;
  s.version = version;
}

/** Protocols Wireshark expects inside TLS on well-known ports (its ssl_associations). */
const PORT_PROTOCOLS = new Map<number, string>([
  [443, 'Hypertext Transfer Protocol'],
  [465, 'Simple Mail Transfer Protocol'],
  [636, 'Lightweight Directory Access Protocol'],
  [853, 'Domain Name System'],
  [993, 'Internet Message Access Protocol'],
  [995, 'Post Office Protocol'],
  [5061, 'Session Initiation Protocol'],
]);

/** The application protocol: from the ServerHello's ALPN, else from the port. */
function appProtocol(alpn: string, pinfo: PacketInfo): string {
  if (alpn === 'h2') return 'HyperText Transfer Protocol 2';
  if (alpn.startsWith('http/1')) return 'Hypertext Transfer Protocol';
  if (alpn.startsWith('spdy/')) return 'SPDY';
  return PORT_PROTOCOLS.get(pinfo.srcPort) ?? PORT_PROTOCOLS.get(pinfo.dstPort) ?? '';
}

function alert(call: Call, tvb: Tvb, off: number, len: number): void {
  const { tree } = call;
  tree.push(F.alert_message, tvb, off, len);
  if (len !== 2) {
    call.info.push('Encrypted Alert');
    tree.pop(undefined, 'Alert Message: Encrypted Alert');
    if (tree.full) tree.label(`${versionShortName(call.s.version, 'TLS')} Record Layer: Encrypted Alert`);
    return;
  }
  const level = tvb.u8(off);
  const desc = tvb.u8(off + 1);
  const levelName = ALERT_LEVELS.get(level) ?? 'Unknown';
  const descName = ALERT_DESCRIPTIONS.get(desc) ?? 'Unknown';
  call.info.push(`Alert (Level: ${levelName}, Description: ${descName})`);
  tree.add(F['alert_message.level'], tvb, off, 1, level);
  tree.add(F['alert_message.desc'], tvb, off + 1, 1, desc);
  tree.pop();
  if (tree.full) {
    const v = versionShortName(call.s.version, 'TLS');
    tree.label(`${v} Record Layer: Alert (Level: ${levelName}, Description: ${descName})`);
  }
}

/** Wireshark's is_encrypted_handshake_message. */
function looksEncrypted(call: Call, tvb: Tvb, off: number, len: number): boolean {
  if (len < 16) return false;
  let maybe = tvb.u32(off) === 0 && tvb.u8(off + 4) === 0;
  if (!maybe) {
    const ccs = call.server ? call.s.serverCcs : call.s.clientCcs;
    maybe = ccs !== 0 && call.pinfo.meta.number > ccs;
  }
  if (!maybe) {
    const type = tvb.u8(off);
    maybe = HS['handshake.type'].strings?.get(type) === undefined || tvb.u24(off + 1) >= 0x10000;
  }
  return maybe;
}

function handshake(call: Call, tvb: Tvb, off: number, len: number, short: string): void {
  const { tree, s, pinfo } = call;
  if (looksEncrypted(call, tvb, off, len)) {
    call.info.push('Encrypted Handshake Message');
    if (tree.full) tree.label(`${short} Record Layer: Handshake Protocol: Encrypted Handshake Message`);
    tree.add(HS.handshake, tvb, off, len);
    if (tree.full) tree.labelLast('Handshake Protocol: Encrypted Handshake Message');
    return;
  }
  // Names go straight into Info, so a message that turns out malformed is still listed.
  const before = call.info.length;
  const result: HandshakeResult = { names: call.info, serverVersion: 0, cipherSuite: -1, alpn: '' };
  const ctx = { cipherSuite: s.cipherSuite, version: s.version, layers: pinfo.layers };
  const stop = dissectHandshakes(tvb, off, off + len, ctx, result, tree);
  const count = call.info.length - before;
  if (stop < off + len) {
    // A message that continues in a later record: Wireshark shows its first piece only.
    const type = tvb.u8(stop);
    const name = HS['handshake.type'].strings?.get(type) ?? 'Encrypted Handshake Message';
    if (count === 0) call.info.push(`[${name} Fragment]`);
    tree.add(HS.handshake, tvb, stop, off + len - stop);
    if (tree.full) tree.labelLast(`Handshake Protocol: ${name} (fragment)`);
    if (tree.full && count === 0) tree.label(`${short} Record Layer: Handshake Protocol: ${name} (fragment)`);
  }
  if (tree.full && count > 0) {
    const what = count === 1 && stop === off + len ? call.info[before] : 'Multiple Handshake Messages';
    tree.label(`${short} Record Layer: Handshake Protocol: ${what}`);
  }
  if (call.info.includes('Client Hello') && s.serverPort === 0) s.serverPort = pinfo.dstPort;
  if (result.earlyData) s.version = 0x0304;
  if (result.cipherSuite >= 0) {
    s.cipherSuite = result.cipherSuite;
    s.serverPort = pinfo.srcPort;
    s.alpn = result.alpn;
  }
  if (result.serverVersion !== 0) {
    s.version = result.serverVersion;
    pinfo.setProto(versionShortName(s.version));
  }
}

/** Wireshark's is_sslv3_or_tls: a plausible first record header on any TCP port. */
function looksLikeTlsStart(tvb: Tvb): boolean {
  const o = tvb.start;
  if (tvb.remaining(o) < 5) return false;
  const ct = tvb.u8(o);
  if (ct !== 22 && ct !== 23) return false;
  const v = tvb.u16(o + 1);
  if (v !== 0x0300 && v !== 0x0301 && v !== 0x0302 && v !== 0x0303 && v !== 0x0101) return false;
  const len = tvb.u16(o + 3);
  return len !== 0 && len < 16384 + 2048;
}

interface HeurState {
  /** Conversations a heuristic match handed to TLS, by key, with the frame it happened in. */
  claimed: Map<number | string, number>;
}

const newHeur = (): HeurState => ({ claimed: new Map() });

function heuristic(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  const st = pinfo.state.of<HeurState>('tls.heur', newHeur);
  const key = conversationKey(pinfo);
  const since = st.claimed.get(key);
  const claimed = since !== undefined && since <= pinfo.meta.number;
  if (!claimed && !looksLikeTlsStart(tvb)) return false;
  if (!claimed && !pinfo.inError) st.claimed.set(key, pinfo.meta.number);
  return dissectTLS(tvb, pinfo, tree) > 0;
}

export const tlsModule = {
  fields: { ...F, ...HS, ...QP },
  handoff(reg: Registry): void {
    for (const port of TLS_TCP_PORTS) reg.register('tcpPort', port, dissectTLS);
    reg.heuristics.tcp.push(heuristic);
  },
};
