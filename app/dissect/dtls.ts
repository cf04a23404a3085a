// Datagram Transport Layer Security 1.0 and 1.2 (RFC 4347, RFC 6347) over UDP: records with
// epoch and sequence number, handshake messages with their fragment headers (fragments
// reassembled as Wireshark does), alerts, change cipher spec and application data. Handshake
// bodies are TLS's (tls-handshake.ts) under Wireshark's `dtls.handshake.*` names. No decryption.
import { dissectData } from './data.ts';
import { noteFault } from './dissect.ts';
import { FieldType, bytes, fields, hex, names, proto, str, text, uint, type FieldDef } from './field.ts';
import { expert, firstPass, ipLayer } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { FieldNode, FieldValue, NodeFlag, Tree } from './tree.ts';
import { decryptRecord, suiteOf, tls12Decoders, type Decoder, type Opened } from './tls-decrypt.ts';
import { HANDSHAKE_TYPES, HS, QP, VERSIONS, handshakeBody, type HandshakeResult } from './tls-handshake.ts';
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
const HEARTBEAT_TYPES = names({ 1: 'Request', 2: 'Response' });

const DTLS10 = 0xfeff;
const DTLS12 = 0xfefd;
const DTLS10_OPENSSL = 0x0100;

const SHORT_NAMES = names({
  [DTLS10]: 'DTLSv1.0',
  [DTLS12]: 'DTLSv1.2',
  [DTLS10_OPENSSL]: 'DTLS 1.0 (OpenSSL pre 0.9.8f)',
});

/** Protocol column and record label name of the session's version (`DTLS` while unknown). */
const shortName = (v: number): string => SHORT_NAMES.get(v) ?? 'DTLS';

export const F = fields('dtls', {
  '': proto('Datagram Transport Layer Security'),
  record: text('Record Layer'),
  'record.content_type': uint('Content Type', 8, { strings: CONTENT_TYPES }),
  'record.special_type': uint('Special Type', 8, { strings: CONTENT_TYPES }),
  'record.version': hex('Version', 16, { strings: VERSIONS }),
  'record.epoch': uint('Epoch', 16),
  'record.sequence_number': uint('Sequence Number', 64),
  'record.length': uint('Length', 16),
  app_data: bytes('Encrypted Application Data'),
  app_data_proto: str('Application Data Protocol', { generated: true }),
  enc_content: bytes('Encrypted Record Content'),
  change_cipher_spec: text('Change Cipher Spec Message'),
  alert_message: text('Alert Message'),
  'alert_message.level': uint('Level', 8, { strings: ALERT_LEVELS }),
  'alert_message.desc': uint('Description', 8, { strings: ALERT_DESCRIPTIONS }),
  heartbeat_message: text('Heartbeat Message'),
  'heartbeat_message.type': uint('Type', 8, { strings: HEARTBEAT_TYPES }),
  'heartbeat_message.payload_length': uint('Payload Length', 16),
  'heartbeat_message.payload': bytes('Payload'),
  'heartbeat_message.padding': bytes('Padding and HMAC'),
  'handshake.message_seq': uint('Message Sequence', 16),
  'handshake.fragment_offset': uint('Fragment Offset', 24),
  'handshake.fragment_length': uint('Fragment Length', 24),
  'handshake.cookie_length': uint('Cookie Length', 8),
  'handshake.cookie': bytes('Cookie'),
  fragments: text('Message fragments'),
  fragment: { name: 'Message fragment', type: FieldType.FrameNum },
  'fragment.count': uint('Message fragment count', 32),
  'reassembled.length': uint('Reassembled DTLS length', 32, { generated: true }),
});

/** TLS's handshake fields under the `dtls.` prefix, as Wireshark's common handshake code names them. */
function renamed<K extends string>(set: Record<K, FieldDef>): Record<K, FieldDef> {
  const out = {} as Record<K, FieldDef>;
  for (const key of Object.keys(set) as K[]) {
    const def = set[key];
    out[key] = { ...def, abbrev: `d${def.abbrev}`, id: -1 };
  }
  return out;
}

const DHS = renamed(HS);
const DQP = renamed(QP);

/** From each TLS handshake field to its DTLS twin. */
const TWIN = new Map<FieldDef, FieldDef>();
for (const [set, twin] of [
  [HS, DHS],
  [QP, DQP],
] as [Record<string, FieldDef>, Record<string, FieldDef>][]) {
  for (const key of Object.keys(set)) TWIN.set(set[key] as FieldDef, twin[key] as FieldDef);
}

/**
 * A tree that files TLS's handshake fields under their DTLS names, so tls-handshake.ts parses
 * DTLS handshake bodies unchanged.
 */
class DtlsTree implements Tree {
  constructor(private readonly t: Tree) {}
  get full(): boolean {
    return this.t.full;
  }
  wants(def: FieldDef): boolean {
    return this.t.wants(TWIN.get(def) ?? def);
  }
  add(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue, flags?: NodeFlag): void {
    this.t.add(TWIN.get(def) ?? def, tvb, offset, length, value, flags);
  }
  push(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue): void {
    this.t.push(TWIN.get(def) ?? def, tvb, offset, length, value);
  }
  pop(length?: number, label?: string): void {
    this.t.pop(length, label);
  }
  label(text: string): void {
    this.t.label(text);
  }
  labelLast(text: string): void {
    this.t.labelLast(text);
  }
  note(text: string, tvb: Tvb | null, offset: number, length: number, flags: NodeFlag): void {
    this.t.note(text, tvb, offset, length, flags);
  }
  unwind(): void {
    this.t.unwind();
  }
  current(): FieldNode | null {
    return this.t.current();
  }
  reopen(node: FieldNode | null): void {
    this.t.reopen(node);
  }
  addValue(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue): void {
    this.t.addValue(def, tvb, offset, length, value);
  }
  appendToFrame(def: FieldDef, tvb: Tvb, value: FieldValue, flags: NodeFlag): void {
    this.t.appendToFrame(def, tvb, value, flags);
  }
}

/** UDP ports tshark 4.0 hands to DTLS (`tshark -G decodes`); others go by the heuristic. */
const DTLS_UDP_PORTS = [853, 2221, 5684, 5868];

/** Protocols Wireshark expects inside DTLS on its ports (dtls.port), for the app data label. */
const PORT_PROTOCOLS = new Map<number, string>([
  [853, 'Domain Name System'],
  [2221, 'Common Industrial Protocol, I/O'],
  [5684, 'Constrained Application Protocol'],
  [5868, 'Diameter Protocol'],
]);

interface Session {
  version: number;
  cipherSuite: number;
}

interface Conversation {
  live: Session;
  /** The session as each call on the first pass found it, for re-dissection. */
  at: Map<string, Session>;
  /** Decryption with a key log's CLIENT_RANDOM master secret (first pass only). */
  crypt: Crypt;
}

/** What decryption needs of a DTLS session (Wireshark's SslDecryptSession). */
interface Crypt {
  clientRandom: Uint8Array | null;
  serverRandom: Uint8Array | null;
  /** The server's port, from its ServerHello (-1 before). */
  serverPort: number;
  client: Decoder | null;
  server: Decoder | null;
}

/** A handshake message being reassembled from its fragments. */
interface Message {
  total: number;
  /** Fragments by where they were seen (`frame/offset`). */
  parts: Map<string, { frame: number; offset: number; bytes: Uint8Array }>;
  /** Where the message was reassembled (`frame/offset`), '' while it is not. */
  doneAt: string;
  data: Uint8Array | null;
}

interface DtlsState {
  conversations: Map<number, Conversation>;
  messages: Map<string, Message>;
  /** Decrypted records by frame, data source and offset (null: not decrypted), for revisits. */
  opened: Map<string, Opened | null>;
}

const newState = (): DtlsState => ({ conversations: new Map(), messages: new Map(), opened: new Map() });

function conversationOf(pinfo: PacketInfo, st: DtlsState): Conversation {
  let conv = st.conversations.get(pinfo.conversation);
  if (!conv) {
    conv = {
      live: { version: 0, cipherSuite: -1 },
      at: new Map(),
      crypt: { clientRandom: null, serverRandom: null, serverPort: -1, client: null, server: null },
    };
    st.conversations.set(pinfo.conversation, conv);
  }
  return conv;
}

function sessionFor(tvb: Tvb, pinfo: PacketInfo, st: DtlsState): Session {
  const conv = conversationOf(pinfo, st);
  if (pinfo.inError) return { ...conv.live };
  const callKey = `${pinfo.meta.number}/${tvb.source}/${tvb.start}`;
  if (firstPass(pinfo.state, pinfo)) {
    if (!conv.at.has(callKey)) conv.at.set(callKey, { ...conv.live });
    return conv.live;
  }
  return { ...(conv.at.get(callKey) ?? conv.live) };
}

const isValidContentType = (ct: number): boolean => ct >= 20 && ct <= 25;

/** Wireshark's looks_like_dtls: a content type and a DTLS version. */
function looksLikeDtls(tvb: Tvb, off: number): boolean {
  if (!isValidContentType(tvb.u8(off))) return false;
  const v = tvb.u16(off + 1);
  return v === DTLS10 || v === DTLS12 || v === DTLS10_OPENSSL;
}

interface Call {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  st: DtlsState;
  s: Session;
  info: string;
  /** First pass: records are decrypted and the decoders move (a revisit reads `opened`). */
  first: boolean;
}

function appendInfo(call: Call, text: string): void {
  call.info = call.info ? `${call.info}, ${text}` : text;
}

export function dissectDTLS(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const st = pinfo.state.of<DtlsState>('dtls', newState);
  const s = sessionFor(tvb, pinfo, st);
  const call: Call = {
    tvb,
    pinfo,
    tree,
    st,
    s,
    info: '',
    first: !pinfo.inError && firstPass(pinfo.state, pinfo),
  };
  pinfo.layers.push('dtls');
  pinfo.setProto('DTLS');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    let off = o;
    while (tvb.reportedRemaining(off) > 0) {
      const v = call.s.version;
      if (v === DTLS10 || v === DTLS10_OPENSSL || v === DTLS12 || looksLikeDtls(tvb, off)) {
        off = record(call, off);
      } else {
        appendInfo(call, 'Continuation Data');
        pinfo.setProto('DTLS');
        break;
      }
    }
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

/** Wireshark's ssl_try_set_version for DTLS: any record but a ClientHello fixes the version. */
function trySetVersion(s: Session, ct: number, next: number, version: number): void {
  const authoritative = ct === 22 ? HANDSHAKE_TYPES.has(next) && next !== 1 : isValidContentType(ct);
  if (!authoritative) return;
  if (version === DTLS10 || version === DTLS12 || version === DTLS10_OPENSSL) s.version = version;
}

/** One record at `off`; returns where the next one starts. */
function record(call: Call, off: number): number {
  const { tvb, pinfo, tree, s } = call;
  const ct = tvb.u8(off);
  const version = tvb.u16(off + 1);
  const epoch = tvb.u16(off + 3);
  const seq = tvb.u16(off + 5) * 0x100000000 + tvb.u32(off + 7);
  const len = tvb.u16(off + 11);
  if (!isValidContentType(ct)) {
    appendInfo(call, 'Continuation Data');
    pinfo.setProto('DTLS');
    return off + 13 + len;
  }
  tvb.need(off, 13 + len);
  tree.push(F.record, tvb, off, 13 + len);
  tree.add(ct === 25 ? F['record.special_type'] : F['record.content_type'], tvb, off, 1, ct);
  tree.add(F['record.version'], tvb, off + 1, 2, version);
  tree.add(F['record.epoch'], tvb, off + 3, 2, epoch);
  tree.add(F['record.sequence_number'], tvb, off + 5, 6, seq);
  tree.add(F['record.length'], tvb, off + 11, 2, len);
  const body = off + 13;
  // Wireshark peeks at the first body byte even when the record is empty.
  const next = tvb.u8(body);
  if (s.version === 0) trySetVersion(s, ct, next, version);
  pinfo.setProto(shortName(s.version));
  const opened = epoch > 0 && len > 0 ? openRecord(call, off, ct, version, len) : null;
  if (opened) {
    decrypted(call, opened, off, len);
    tree.pop();
    return body + len;
  }
  switch (ct) {
    case 20:
      appendInfo(call, 'Change Cipher Spec');
      if (call.first && !pinfo.inError) changeCipher(call);
      tree.add(F.change_cipher_spec, tvb, body, 1);
      if (tree.full) {
        tree.labelLast('Change Cipher Spec Message');
        tree.label(`${shortName(s.version)} Record Layer: Change Cipher Spec Protocol: Change Cipher Spec`);
      }
      break;
    case 21:
      alert(call, body);
      break;
    case 22:
      handshake(call, body, len);
      break;
    case 23: {
      applicationData(call, tvb, body, len);
      break;
    }
    case 24:
      heartbeat(call, body, len);
      break;
    default:
      // A Connection ID record (RFC 9146) with no CID length known: its content stays opaque.
      if (tree.full) tree.label(`${shortName(s.version)} Record Layer: Connection ID`);
      appendInfo(call, 'Connection ID');
      tree.add(F.enc_content, tvb, body, len);
      break;
  }
  tree.pop();
  return body + len;
}

/** Whether this datagram comes from the server (known from its ServerHello). */
function fromServer(call: Call): boolean {
  const crypt = conversationOf(call.pinfo, call.st).crypt;
  return crypt.serverPort >= 0 && call.pinfo.srcPort === crypt.serverPort;
}

/** A side's Change Cipher Spec: its decoder from the key log's master secret (RFC 6347 uses TLS 1.2's keys). */
function changeCipher(call: Call): void {
  const { pinfo, s } = call;
  const crypt = conversationOf(pinfo, call.st).crypt;
  const crypto = pinfo.options.crypto;
  const suite = suiteOf(s.cipherSuite);
  if (!crypto || !suite || !crypt.clientRandom || !crypt.serverRandom || pinfo.state.secrets.empty) return;
  const master = pinfo.state.secrets.tlsSecrets(crypt.clientRandom)?.master;
  if (!master) return;
  const d = tls12Decoders(crypto, suite, s.version, master, crypt.clientRandom, crypt.serverRandom);
  if (fromServer(call)) crypt.server = d.server;
  else crypt.client = d.client;
}

/** The plaintext of the record at `off` (first pass: decrypted; revisit: as the first pass found it). */
function openRecord(call: Call, off: number, ct: number, version: number, len: number): Opened | null {
  const { tvb, pinfo } = call;
  if (pinfo.state.secrets.empty) return null;
  const key = `${pinfo.meta.number}/${tvb.source}/${off}`;
  if (!call.first) return call.st.opened.get(key) ?? null;
  const crypt = conversationOf(pinfo, call.st).crypt;
  const d = fromServer(call) ? crypt.server : crypt.client;
  const crypto = pinfo.options.crypto;
  if (!d || !crypto || !tvb.has(off, 13 + len)) return null;
  // The record's epoch and sequence number stand in for TLS's implicit counter.
  const seq8 = tvb.bytes.subarray(off + 3, off + 11);
  const opened = decryptRecord(
    crypto,
    d,
    ct,
    version,
    tvb.bytes.subarray(off + 13, off + 13 + len),
    false,
    seq8,
  );
  call.st.opened.set(key, opened);
  return opened;
}

/** An application data record's label, Info and items (its `len` bytes at `off` of `tvb`). */
function applicationData(call: Call, tvb: Tvb, off: number, len: number): void {
  const { pinfo, tree, s } = call;
  appendInfo(call, 'Application Data');
  const app = PORT_PROTOCOLS.get(pinfo.srcPort) ?? PORT_PROTOCOLS.get(pinfo.dstPort) ?? '';
  if (tree.full) {
    tree.label(
      `${shortName(s.version)} Record Layer: Application Data Protocol: ${app || 'Application Data'}`,
    );
  }
  tree.add(F.app_data, tvb, off, len);
  if (app) tree.add(F.app_data_proto, tvb, tvb.start, 0, app);
}

/** A decrypted record's contents under its record subtree. */
function decrypted(call: Call, opened: Opened, off: number, len: number): void {
  const { pinfo, tree } = call;
  const data = opened.data;
  const source = pinfo.addSource('Decrypted DTLS', data);
  const plain = new Tvb(data, 0, data.length, data.length, source);
  const saved = call.tvb;
  call.tvb = plain;
  try {
    switch (opened.type) {
      case 21:
        alert(call, 0);
        break;
      case 22:
        handshake(call, 0, data.length);
        break;
      case 23: {
        applicationData(call, saved, off + 13, len);
        // What the application protocol is Trawl does not know for DTLS: the bytes as Data, at the top.
        tree.reopen(null);
        dissectData(plain, pinfo, tree);
        tree.pop();
        break;
      }
      default:
        break;
    }
  } finally {
    call.tvb = saved;
  }
}

function alert(call: Call, off: number): void {
  const { tvb, tree, s } = call;
  tree.push(F.alert_message, tvb, off, 2);
  const level = ALERT_LEVELS.get(tvb.u8(off));
  const desc = ALERT_DESCRIPTIONS.get(tvb.u8(off + 1));
  const v = shortName(s.version);
  // Wireshark tells an encrypted alert by its bytes not naming a level and a description.
  if (level !== undefined && desc !== undefined) {
    appendInfo(call, `Alert (Level: ${level}, Description: ${desc})`);
    tree.add(F['alert_message.level'], tvb, off, 1, tvb.u8(off));
    tree.add(F['alert_message.desc'], tvb, off + 1, 1, tvb.u8(off + 1));
    tree.pop();
    if (tree.full) tree.label(`${v} Record Layer: Alert (Level: ${level}, Description: ${desc})`);
  } else {
    appendInfo(call, 'Encrypted Alert');
    tree.pop(undefined, 'Alert Message: Encrypted Alert');
    if (tree.full) tree.label(`${v} Record Layer: Encrypted Alert`);
  }
}

function heartbeat(call: Call, off: number, len: number): void {
  const { tvb, tree, s } = call;
  tree.push(F.heartbeat_message, tvb, off, len - 32);
  const type = HEARTBEAT_TYPES.get(tvb.u8(off));
  const payload = tvb.u16(off + 1);
  const v = shortName(s.version);
  if (type !== undefined && payload <= len - 16 - 3) {
    appendInfo(call, `Heartbeat ${type}`);
    tree.add(F['heartbeat_message.type'], tvb, off, 1, tvb.u8(off));
    tree.add(F['heartbeat_message.payload_length'], tvb, off + 1, 2, payload);
    tree.add(F['heartbeat_message.payload'], tvb, off + 3, payload);
    if (tree.full) tree.labelLast(`Payload (${payload} byte${payload === 1 ? '' : 's'})`);
    const pad = len - 3 - payload;
    tree.add(F['heartbeat_message.padding'], tvb, off + 3 + payload, pad);
    if (tree.full) tree.labelLast(`Padding and HMAC (${pad} byte${pad === 1 ? '' : 's'})`);
    tree.pop();
    if (tree.full) tree.label(`${v} Record Layer: Heartbeat ${type}`);
  } else {
    appendInfo(call, 'Encrypted Heartbeat');
    tree.pop(undefined, 'Encrypted Heartbeat Message');
    if (tree.full) tree.label(`${v} Record Layer: Encrypted Heartbeat`);
  }
}

/** Handshake types Wireshark reassembles (ssl_is_valid_handshake_type for DTLS). */
const isValidHandshakeType = (t: number): boolean => HANDSHAKE_TYPES.has(t);

/** Message types whose body Wireshark's DTLS dissector parses with the TLS code. */
const PARSED_BODIES = new Set([1, 2, 4, 11, 12, 15, 16, 20]);

/** Wireshark's dissect_dtls_handshake: the messages (or fragments) of one handshake record. */
function handshake(call: Call, start: number, len: number): void {
  const { tvb, pinfo, tree, s } = call;
  const end = start + len;
  let first = true;
  for (let off = start; off < end; first = false) {
    // The item runs to the end of the datagram until its fragment length is known, as Wireshark's.
    tree.push(DHS.handshake, tvb, off, tvb.reportedRemaining(off));
    const type = tvb.u8(off);
    const fragLen = tvb.u24(off + 9);
    // A message that would run past its record is taken for an encrypted one (maybe_encrypted).
    const name = off + fragLen <= end ? HANDSHAKE_TYPES.get(type) : undefined;
    if (name === undefined) {
      if (first) appendInfo(call, 'Encrypted Handshake Message');
      tree.pop();
      return;
    }
    appendInfo(call, name);
    tree.add(DHS['handshake.type'], tvb, off, 1, type);
    const length = tvb.u24(off + 1);
    tree.add(DHS['handshake.length'], tvb, off + 1, 3, length);
    const seq = tvb.u16(off + 4);
    tree.add(F['handshake.message_seq'], tvb, off + 4, 2, seq);
    const fragOff = tvb.u24(off + 6);
    tree.add(F['handshake.fragment_offset'], tvb, off + 6, 3, fragOff);
    tree.add(F['handshake.fragment_length'], tvb, off + 9, 3, fragLen);
    off += 12;
    let fragmented = false;
    if (fragLen + fragOff > length) {
      fragmented = fragOff !== 0;
      const why = fragmented
        ? 'Fragment runs past the end of the message'
        : 'Fragment length is larger than message length';
      expert(pinfo, tree, tvb, off - 3, 3, 'Error', 'Protocol', why);
    } else if (fragOff > 0 && fragLen === 0) {
      expert(pinfo, tree, tvb, off - 3, 3, 'Error', 'Protocol', 'Zero-length fragment');
      tree.pop(12);
      continue;
    } else if (fragLen < length) {
      fragmented = true;
    }
    tree.pop(fragLen + 12);
    const node = lastChild(tree);
    let whole: Tvb | null = null;
    let suffix = '';
    if (fragmented && fragLen < length && isValidHandshakeType(type)) {
      tvb.need(off, fragLen);
      whole = reassemble(call, off, seq, fragOff, fragLen, length);
      suffix = whole ? ' (Reassembled)' : ' (Fragment)';
      call.info += suffix;
    }
    if (tree.full) {
      const what = first ? name : 'Multiple Handshake Messages';
      tree.label(`${shortName(s.version)} Record Layer: Handshake Protocol: ${what}${suffix}`);
      if (node) node.label = `Handshake Protocol: ${name}${suffix}`;
    }
    if (!fragmented || whole) {
      // The body goes under the message's item, after the fragment list Wireshark puts beside it.
      const sub = whole ?? tvb.sub(off, fragLen);
      if (node) tree.reopen(node);
      try {
        body(call, sub, type, length);
      } finally {
        if (node) tree.pop();
      }
    }
    off += fragLen;
  }
}

/** The node `push`/`pop` made last under the current subtree (null in sinks that keep none). */
function lastChild(tree: Tree): FieldNode | null {
  const kids = tree.current()?.children;
  return kids?.[kids.length - 1] ?? null;
}

/** Parses the body of a whole message (from the record, or reassembled) at `sub.start`. */
function body(call: Call, sub: Tvb, type: number, length: number): void {
  const { pinfo, s } = call;
  const tree = new DtlsTree(call.tree);
  const off = sub.start;
  if (type === 3) {
    helloVerifyRequest(sub, off, off + length, tree);
    return;
  }
  if (type === 1 || type === 2) s.cipherSuite = -1;
  if ((type === 1 || type === 2) && call.first && !pinfo.inError && sub.has(off + 2, 32)) {
    const crypt = conversationOf(pinfo, call.st).crypt;
    const random = sub.slice(off + 2, 32);
    if (type === 1) {
      crypt.clientRandom = random;
      crypt.client = null;
      crypt.server = null;
    } else {
      crypt.serverRandom = random;
      crypt.serverPort = pinfo.srcPort;
    }
  }
  if (type === 2) {
    const v = sub.u16(off);
    if (v === DTLS10 || v === DTLS12 || v === DTLS10_OPENSSL) s.version = v;
    pinfo.setProto(shortName(s.version));
  }
  if (!PARSED_BODIES.has(type)) return;
  const result: HandshakeResult = { names: [], serverVersion: 0, cipherSuite: -1, alpn: '' };
  const ctx = {
    cipherSuite: s.cipherSuite,
    version: s.version,
    layers: pinfo.layers,
    afterSessionId: cookie,
  };
  handshakeBody(sub, type, off, off + length, false, ctx, result, tree);
  if (result.cipherSuite >= 0) s.cipherSuite = result.cipherSuite;
}

/** The ClientHello's cookie (RFC 6347 §4.2.1), between the session id and the cipher suites. */
function cookie(tvb: Tvb, off: number, end: number, tree: Tree): number {
  vectorRoom(tvb, off, end);
  const n = tvb.u8(off);
  tree.add(F['handshake.cookie_length'], tvb, off, 1, n);
  if (n > 0) tree.add(F['handshake.cookie'], tvb, off + 1, n);
  tvb.need(off + 1, n);
  return off + 1 + n;
}

function vectorRoom(tvb: Tvb, off: number, end: number): void {
  if (end - off < 1) tvb.need(end, 1);
}

function helloVerifyRequest(tvb: Tvb, off: number, end: number, tree: Tree): void {
  tree.add(DHS['handshake.version'], tvb, off, 2, tvb.u16(off));
  vectorRoom(tvb, off + 2, end);
  const n = tvb.u8(off + 2);
  tree.add(F['handshake.cookie_length'], tvb, off + 2, 1, n);
  if (n > 0) tree.add(F['handshake.cookie'], tvb, off + 3, n);
}

/**
 * Adds a fragment to its message (Wireshark's fragment_add keyed by direction and message_seq);
 * returns the whole message as a new data source when this fragment ends the message and none
 * is missing, else null. A frame seen again gives the answer it gave the first time.
 */
function reassemble(
  call: Call,
  off: number,
  seq: number,
  fragOff: number,
  fragLen: number,
  total: number,
): Tvb | null {
  const { tvb, pinfo, tree, st } = call;
  const key = `${pinfo.conversation}/${pinfo.srcPort}/${seq}`;
  const here = `${pinfo.meta.number}/${off}`;
  let msg = st.messages.get(key);
  // A message_seq seen again after its message was whole starts a new message (a new handshake).
  if (!msg || (msg.doneAt !== '' && !msg.parts.has(here))) {
    msg = { total, parts: new Map(), doneAt: '', data: null };
    st.messages.set(key, msg);
  }
  if (!msg.parts.has(here)) {
    msg.parts.set(here, {
      frame: pinfo.meta.number,
      offset: fragOff,
      bytes: tvb.bytes.slice(off, off + fragLen),
    });
    if (msg.doneAt === '' && fragOff + fragLen === msg.total) {
      const data = assemble(msg);
      if (data) {
        msg.data = data;
        msg.doneAt = here;
      }
    }
  }
  if (msg.doneAt !== here || !msg.data) return null;
  const data = msg.data;
  const source = pinfo.addSource('Reassembled DTLS', data);
  const out = new Tvb(data, 0, data.length, data.length, source);
  const parts = [...msg.parts.values()].sort((a, b) => a.offset - b.offset);
  tree.push(F.fragments, out, 0, data.length);
  if (tree.full) {
    const list = parts.map((p) => `#${p.frame}(${p.bytes.length})`).join(', ');
    tree.label(`[${parts.length} Message fragments (${data.length} bytes): ${list}]`);
  }
  for (const p of parts) {
    tree.add(F.fragment, out, p.offset, p.bytes.length, p.frame);
    if (tree.full) {
      const last = p.offset + p.bytes.length - 1;
      tree.labelLast(`[Frame: ${p.frame}, payload: ${p.offset}-${last} (${p.bytes.length} bytes)]`);
    }
  }
  tree.add(F['fragment.count'], out, 0, 0, parts.length);
  if (tree.full) tree.labelLast(`[Message fragment count: ${parts.length}]`);
  tree.add(F['reassembled.length'], out, 0, data.length, data.length);
  tree.pop();
  return out;
}

/** The message when its fragments cover [0, total) without a gap, else null. */
function assemble(msg: Message): Uint8Array | null {
  const parts = [...msg.parts.values()].sort((a, b) => a.offset - b.offset);
  let covered = 0;
  for (const p of parts) {
    if (p.offset > covered) return null;
    covered = Math.max(covered, p.offset + p.bytes.length);
  }
  if (covered < msg.total) return null;
  const data = new Uint8Array(msg.total);
  for (const p of parts) data.set(p.bytes.subarray(0, Math.max(0, msg.total - p.offset)), p.offset);
  return data;
}

/**
 * Wireshark's dissect_dtls_heur: every record header in the datagram is a DTLS one and their
 * lengths add up to the datagram exactly (or past it, for an IP fragment).
 */
function heuristic(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  const o = tvb.start;
  const length = tvb.remaining(o);
  const b = tvb.bytes;
  const first = b[o] ?? 0;
  if (first < 20 || first > 25) return false;
  if (tvb.reportedRemaining(o) === length) {
    let off = 0;
    while (off + 13 <= length && looksLikeDtls(tvb, o + off)) {
      off += tvb.u16(o + off + 11) + 13;
      if (off === length) {
        dissectDTLS(tvb, pinfo, tree);
        return true;
      }
    }
    if (ipLayer.fragmented && off >= 13) {
      dissectDTLS(tvb, pinfo, tree);
      return true;
    }
    return false;
  }
  // A datagram cut by the snaplen: records as far as they were captured.
  let off = 0;
  while (length - off >= 3) {
    if (!looksLikeDtls(tvb, o + off)) return false;
    off += 3;
    if (length - off < 10 || tvb.u16(o + off + 8) + 10 + off === length) {
      dissectDTLS(tvb, pinfo, tree);
      return true;
    }
    off += tvb.u16(o + off + 8) + 10;
  }
  if (length < 3 || (off > tvb.reportedRemaining(o) && !ipLayer.fragmented)) return false;
  dissectDTLS(tvb, pinfo, tree);
  return true;
}

export const dtlsModule = {
  fields: { ...F, ...DHS, ...DQP },
  handoff(reg: Registry): void {
    for (const port of DTLS_UDP_PORTS) reg.register('udpPort', port, dissectDTLS);
    reg.heuristics.udp.push(heuristic);
  },
};
