// Transport Layer Security over TCP (RFC 5246, RFC 8446): the record layer, alerts, change
// cipher spec, handshake messages (tls-handshake.ts) and application data, with the session's
// version tracked per conversation as Wireshark does for the Protocol column. With secrets (a key
// log, a pcapng Decryption Secrets Block) records are decrypted (tls-decrypt.ts) and what they
// carry is dissected: handshake messages, alerts, and the application protocol (HTTP, HTTP/2).
import { dissectData } from './data.ts';
import { noteFault } from './dissect.ts';
import { bytes, fields, hex, names, proto, str, text, uint } from './field.ts';
import { dissectHTTP } from './http.ts';
import { dissectHTTP2, heuristicHTTP2, isPreface, startHttp2 } from './http2.ts';
import { DepthTree, expertItem, firstPass, ipLayer } from './ip-proto.ts';
import { DESEGMENT_ONE_MORE_SEGMENT, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import {
  decryptRecord,
  suiteOf,
  tls12Decoders,
  tls13Decoder,
  tls13Update,
  type Decoder,
  type Opened,
} from './tls-decrypt.ts';
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
import { Tvb } from './tvb.ts';

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

/** The Content Type a TLS 1.3 record hides inside, shown generated after decryption. */
const INNER = fields('tls', {
  'record.content_type': uint('Content Type', 8, { strings: CONTENT_TYPES, generated: true }),
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

/**
 * What decryption needs of a conversation (Wireshark's SslDecryptSession). Made at the first
 * ClientHello; decoders exist only once the key log had the session's secrets.
 */
interface Crypt {
  clientRandom: Uint8Array | null;
  serverRandom: Uint8Array | null;
  /** Version and cipher suite the ServerHello chose (0 and -1 before). */
  version: number;
  suite: number;
  /** The ClientHello offered early data; `seen0rtt` once the first early record was tried. */
  earlyData: boolean;
  seen0rtt: boolean;
  client: Decoder | null;
  server: Decoder | null;
}

/** Decrypted application data the protocol above asked more for (Wireshark's desegment_ssl). */
interface Pending {
  data: Uint8Array;
  /** Bytes the message needs in all. */
  need: number;
}

/** How a decrypted application data record was shown, for revisits: null, a segment of a later message. */
type Shown = { data: Uint8Array; length: number; reassembled: boolean } | null;

interface Conversation {
  crypt: Crypt | null;
  /** Application data waiting for more, by direction. */
  pendingClient: Pending | null;
  pendingServer: Pending | null;
  live: Session;
  /** The session as it was when each call on the first pass began, for re-dissection. */
  at: Map<string, Session>;
  /** The last copy stored in `at`: calls that find the session unchanged share it. */
  last: Session | null;
}

interface TlsState {
  /** By transport conversation (pinfo.conversation), or by address and port pair without one. */
  conversations: Map<number | string, Conversation>;
  /** Each decrypted record by frame, data source and offset (null: it did not decrypt), for revisits. */
  opened: Map<string, Opened | null>;
  shown: Map<string, Shown>;
}

const newState = (): TlsState => ({ conversations: new Map(), opened: new Map(), shown: new Map() });

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
function conversationFor(pinfo: PacketInfo): Conversation {
  const st = pinfo.state.of<TlsState>('tls', newState);
  const key = conversationKey(pinfo);
  let conv = st.conversations.get(key);
  if (!conv) {
    conv = {
      crypt: null,
      pendingClient: null,
      pendingServer: null,
      live: { version: 0, cipherSuite: -1, clientCcs: 0, serverCcs: 0, serverPort: 0, alpn: '' },
      at: new Map(),
      last: null,
    };
    st.conversations.set(key, conv);
  }
  return conv;
}

function sessionFor(tvb: Tvb, pinfo: PacketInfo, conv: Conversation): Session {
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
  conv: Conversation;
  /** First pass over this frame: decrypt and move the decoders (a revisit reads `opened`). */
  first: boolean;
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
  const conv = conversationFor(pinfo);
  const s = sessionFor(tvb, pinfo, conv);
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
    conv,
    first: !pinfo.inError && firstPass(pinfo.state, pinfo),
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
  call.info.length = 0;
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
  const opened = call.conv.crypt && len > 0 ? openRecord(call, rec, off, ct, version, len) : null;
  if (opened) {
    const n = opened.data.length;
    const source = pinfo.addSource('Decrypted TLS', opened.data);
    const plain = new Tvb(opened.data, 0, n, n, source);
    // TLS 1.3 hides the real type inside; tshark shows it as a generated Content Type.
    if (opaque) tree.add(INNER['record.content_type'], rec, off, 1, opened.type);
    decryptedRecord(call, rec, off, len, opened.type, plain, short);
    tree.pop();
    return off + 5 + len;
  }
  switch (ct) {
    case 20:
      call.info.push('Change Cipher Spec');
      if (tree.full) tree.label(`${short} Record Layer: Change Cipher Spec Protocol: Change Cipher Spec`);
      tree.add(F.change_cipher_spec, rec, body, len);
      if (tree.full) tree.labelLast('Change Cipher Spec Message');
      if (call.server) s.serverCcs ||= pinfo.meta.number;
      else s.clientCcs ||= pinfo.meta.number;
      if (call.conv.crypt && call.first && s.version !== 0x0304) changeCipher(call, call.conv.crypt);
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

function handshake(call: Call, tvb: Tvb, off: number, len: number, short: string, decrypted = false): void {
  const { tree, s, pinfo } = call;
  if (!decrypted && looksEncrypted(call, tvb, off, len)) {
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
  if (call.first && !pinfo.inError) keySchedule(call, tvb, off, stop, result, decrypted);
}

/**
 * What the handshake messages in [off, end) change for decryption (first pass only): the
 * randoms of the hellos, TLS 1.3's handshake keys at the ServerHello and traffic keys at each
 * side's Finished, a KeyUpdate, the end of early data.
 */
function keySchedule(
  call: Call,
  tvb: Tvb,
  off: number,
  end: number,
  result: HandshakeResult,
  decrypted: boolean,
): void {
  const { pinfo } = call;
  const crypto = pinfo.options.crypto;
  let crypt = call.conv.crypt;
  for (let p = off; p + 4 <= end; p += 4 + tvb.u24(p + 1)) {
    const type = tvb.u8(p);
    const len = tvb.u24(p + 1);
    if (p + 4 + len > end) break;
    if (type === 1 && !decrypted && len >= 34) {
      // A new ClientHello starts over (renegotiation or a new session on the same connection).
      // The randoms are copied: a view would keep the reader's whole batch alive with the session.
      crypt = call.conv.crypt = {
        clientRandom: tvb.slice(p + 6, 32).slice(),
        serverRandom: null,
        version: 0,
        suite: -1,
        earlyData: result.earlyData === true,
        seen0rtt: false,
        client: null,
        server: null,
      };
      continue;
    }
    if (!crypt || pinfo.state.secrets.empty) continue;
    const secrets = crypt.clientRandom ? pinfo.state.secrets.tlsSecrets(crypt.clientRandom) : undefined;
    if (type === 2 && !decrypted && len >= 34) {
      crypt.serverRandom = tvb.slice(p + 6, 32).slice();
      crypt.suite = call.s.cipherSuite;
      crypt.version = call.s.version;
      if (crypt.version !== 0x0304) continue;
      const suite = suiteOf(crypt.suite);
      if (!suite || !secrets || !crypto) continue;
      // The client keeps its early-data keys while its early records still decrypt.
      if (!crypt.earlyData || (crypt.seen0rtt && !crypt.client)) {
        crypt.client = secrets.clientHandshake ? tls13Decoder(crypto, suite, secrets.clientHandshake) : null;
      }
      crypt.server = secrets.serverHandshake ? tls13Decoder(crypto, suite, secrets.serverHandshake) : null;
      continue;
    }
    if (crypt.version !== 0x0304 || !decrypted) continue;
    const suite = suiteOf(crypt.suite);
    if (!crypto || !suite || !secrets) continue;
    if (type === 20) {
      const secret = call.server ? secrets.server0 : secrets.client0;
      const d = secret ? tls13Decoder(crypto, suite, secret) : null;
      if (call.server) crypt.server = d;
      else crypt.client = d;
    } else if (type === 24) {
      if (call.server && crypt.server) crypt.server = tls13Update(crypto, crypt.server);
      else if (!call.server && crypt.client) crypt.client = tls13Update(crypto, crypt.client);
    } else if (type === 5 && !call.server) {
      crypt.client = secrets.clientHandshake ? tls13Decoder(crypto, suite, secrets.clientHandshake) : null;
      crypt.earlyData = false;
    }
  }
}

/** TLS ≤ 1.2: a side's Change Cipher Spec turns on its decoder, made from the master secret. */
function changeCipher(call: Call, crypt: Crypt): void {
  const crypto = call.pinfo.options.crypto;
  const suite = suiteOf(crypt.suite);
  if (!crypto || !suite || !crypt.clientRandom || !crypt.serverRandom) return;
  const master = call.pinfo.state.secrets.tlsSecrets(crypt.clientRandom)?.master;
  if (!master) return;
  const d = tls12Decoders(crypto, suite, crypt.version, master, crypt.clientRandom, crypt.serverRandom);
  if (call.server) crypt.server = d.server;
  else crypt.client = d.client;
}

/** TLS 1.3 ciphers early data may use: Wireshark tries each on the first early record. */
const TLS13_SUITES = [0x1301, 0x1302, 0x1303, 0x1304, 0x1305];

/**
 * The plaintext of the record at `off` (first pass: decrypted and kept; revisit: what the first
 * pass kept), or null when this side has no keys or the record does not authenticate.
 */
function openRecord(
  call: Call,
  rec: Tvb,
  off: number,
  ct: number,
  version: number,
  len: number,
): Opened | null {
  const { pinfo, s } = call;
  // No secrets (now, so none when the first pass ran either): no work per record.
  if (pinfo.state.secrets.empty) return null;
  const st = pinfo.state.of<TlsState>('tls', newState);
  const key = `${pinfo.meta.number}/${rec.source}/${off}`;
  if (!call.first) return st.opened.get(key) ?? null;
  const crypt = call.conv.crypt;
  const crypto = pinfo.options.crypto;
  if (!crypt || !crypto || pinfo.state.secrets.empty) return null;
  const tls13 = s.version === 0x0304;
  // TLS 1.3 encrypts only what it labels Application Data.
  if (tls13 && ct !== 23) return null;
  const body = rec.bytes.subarray(off + 5, off + 5 + len);
  let opened: Opened | null = null;
  if (tls13 && ct === 23 && crypt.earlyData && !call.server) {
    opened = earlyData(call, crypt, crypto, body, version);
    if (!opened) {
      // The early records are over (or undecryptable): the client's handshake keys follow.
      const secrets = crypt.clientRandom ? pinfo.state.secrets.tlsSecrets(crypt.clientRandom) : undefined;
      const suite = suiteOf(crypt.suite);
      if (crypt.serverRandom && suite && secrets?.clientHandshake) {
        crypt.client = tls13Decoder(crypto, suite, secrets.clientHandshake);
      }
      crypt.earlyData = false;
    }
  }
  const d = call.server ? crypt.server : crypt.client;
  if (!opened && d) opened = decryptRecord(crypto, d, ct, version, body, tls13);
  // A TLS 1.3 draft before 25 (draft-20, draft-23): no additional data. Tried only when the
  // record failed with the session's keys.
  if (!opened && d && tls13) opened = decryptRecord(crypto, d, ct, version, body, tls13, undefined, true);
  st.opened.set(key, opened);
  return opened;
}

function earlyData(
  call: Call,
  crypt: Crypt,
  crypto: NonNullable<PacketInfo['options']['crypto']>,
  body: Uint8Array,
  version: number,
): Opened | null {
  if (crypt.seen0rtt)
    return crypt.client ? decryptRecord(crypto, crypt.client, 23, version, body, true) : null;
  crypt.seen0rtt = true;
  const secret = crypt.clientRandom && call.pinfo.state.secrets.tlsSecrets(crypt.clientRandom)?.clientEarly;
  if (!secret) return null;
  for (const id of TLS13_SUITES) {
    const suite = suiteOf(id);
    if (!suite) continue;
    const d = tls13Decoder(crypto, suite, secret);
    const opened = decryptRecord(crypto, d, 23, version, body, true);
    if (opened) {
      crypt.client = d;
      return opened;
    }
  }
  return null;
}

/** A decrypted record's contents under its record subtree; application data goes to its protocol. */
function decryptedRecord(
  call: Call,
  rec: Tvb,
  off: number,
  len: number,
  type: number,
  plain: Tvb,
  short: string,
): void {
  const { tree, pinfo } = call;
  const n = plain.end;
  switch (type) {
    case 20:
      call.info.push('Change Cipher Spec');
      if (tree.full) tree.label(`${short} Record Layer: Change Cipher Spec Protocol: Change Cipher Spec`);
      tree.add(F.change_cipher_spec, plain, 0, n);
      if (tree.full) tree.labelLast('Change Cipher Spec Message');
      break;
    case 21:
      alert(call, plain, 0, n);
      break;
    case 22:
      handshake(call, plain, 0, n, short, true);
      break;
    case 23: {
      call.info.push('Application Data');
      const app = appProtocol(call.s.alpn, pinfo);
      if (tree.full)
        tree.label(`${short} Record Layer: Application Data Protocol: ${app || 'Application Data'}`);
      tree.add(F.app_data, rec, off + 5, len);
      if (app) tree.add(F.app_data_proto, rec, off, 0, app);
      handOff(call, plain, `${pinfo.meta.number}/${rec.source}/${off}`);
      break;
    }
    default:
      if (tree.full) tree.label(`${short} Record Layer: ${CONTENT_TYPES.get(type) ?? 'unknown'} Protocol`);
      break;
  }
}

const SEGMENT_NOTE = '[TLS segment of a reassembled PDU]';

/**
 * Decrypted application data to its protocol (the ALPN's, else the port's, else Data), at the top
 * of the tree as Wireshark's process_ssl_payload does. A message longer than its record waits
 * for the next records of its direction (Wireshark's desegment_ssl); until then the record is
 * a segment of it. Info so far stays in front of what the protocol writes.
 */
function handOff(call: Call, plain: Tvb, key: string): void {
  const { pinfo } = call;
  const st = pinfo.state.of<TlsState>('tls', newState);
  if (!call.first) {
    const shown = st.shown.get(key);
    if (shown === null) return segment(call);
    if (shown === undefined) return;
    const source = shown.reassembled ? pinfo.addSource('Reassembled TLS', shown.data) : plain.source;
    dispatch(call, new Tvb(shown.data, 0, shown.length, shown.length, source), false);
    return;
  }
  const conv = call.conv;
  const pending = call.server ? conv.pendingServer : conv.pendingClient;
  let data = plain.bytes.subarray(0, plain.end);
  if (pending) data = concat(pending.data, data);
  const keep = (p: Pending | null): void => {
    if (call.server) conv.pendingServer = p;
    else conv.pendingClient = p;
  };
  if (pending && data.length < pending.need) {
    keep({ data, need: pending.need });
    st.shown.set(key, null);
    return segment(call);
  }
  const layers = pinfo.layers.length;
  const source = pending ? pinfo.addSource('Reassembled TLS', data) : plain.source;
  const tvb = new Tvb(data, 0, data.length, data.length, source);
  dispatch(call, tvb, true);
  const from = pinfo.desegmentOffset;
  const more = pinfo.desegmentLen;
  pinfo.desegmentOffset = 0;
  pinfo.desegmentLen = 0;
  if (more > 0 && from < data.length) {
    const rest = data.slice(from);
    keep({ data: rest, need: more === DESEGMENT_ONE_MORE_SEGMENT ? rest.length + 1 : rest.length + more });
    if (from === 0) {
      pinfo.layers.length = layers;
      st.shown.set(key, null);
      return segment(call);
    }
    st.shown.set(key, { data, length: from, reassembled: pending !== null });
    return;
  }
  keep(null);
  st.shown.set(key, { data, length: data.length, reassembled: pending !== null });
}

/** A record whose data waits for more: TLS keeps the columns (Wireshark's col_set_str). */
function segment(call: Call): void {
  const { pinfo } = call;
  pinfo.setProto(versionShortName(call.s.version));
  call.info.length = 0;
  infoSoFar.delete(pinfo);
  call.info.push(SEGMENT_NOTE);
}

function dispatch(call: Call, data: Tvb, canDesegment: boolean): void {
  const { pinfo, tree } = call;
  finish(call);
  // The ALPN's protocol, else the heuristics (HTTP/2's preface), else the port's.
  const alpn = call.s.alpn;
  let dissector: ((tvb: Tvb, pinfo: PacketInfo, tree: Tree) => unknown) | null = null;
  if (alpn === 'h2') {
    startHttp2(pinfo);
    dissector = dissectHTTP2;
  } else if (alpn.startsWith('http/1')) {
    dissector = dissectHTTP;
  } else if (isPreface(data.bytes, data.start, data.end)) {
    dissector = heuristicHTTP2;
  } else if (pinfo.srcPort === 443 || pinfo.dstPort === 443) {
    dissector = dissectHTTP;
  }
  const saved = pinfo.canDesegment;
  pinfo.canDesegment = canDesegment;
  pinfo.desegmentOffset = 0;
  pinfo.desegmentLen = 0;
  tree.reopen(null);
  const sink = tree.full ? new DepthTree(tree) : tree;
  try {
    if (dissector) dissector(data, pinfo, sink);
    else dissectData(data, pinfo, sink);
  } catch (err) {
    sink.unwind();
    noteFault(err, data, pinfo, tree);
  }
  tree.pop();
  pinfo.canDesegment = saved;
  if (pinfo.wantInfo) infoSoFar.set(pinfo, pinfo.info);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
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
  fields: { ...F, ...HS, ...QP, innerContentType: INNER['record.content_type'] },
  handoff(reg: Registry): void {
    for (const port of TLS_TCP_PORTS) reg.register('tcpPort', port, dissectTLS);
    reg.heuristics.tcp.push(heuristic);
  },
};
