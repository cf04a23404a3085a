// QUIC (RFC 9000, RFC 9001, RFC 9369) and Google QUIC's Q046 header: long and short headers,
// coalesced packets, Version Negotiation, Retry (with its integrity tag checked), and Initial
// packets decrypted with the version's initial salt so their frames and the TLS ClientHello /
// ServerHello in CRYPTO frames show, as tshark shows them without a key log. With the session's
// secrets (a key log, a pcapng Decryption Secrets Block) Handshake, 0-RTT and 1-RTT packets are
// decrypted too (RFC 9001 §5.1: "quic key", "quic iv", "quic hp"; §6: key updates).
import { hkdfExpandLabel, type AeadName, type CryptoProvider } from './crypto.ts';
import { bool, bytes, fields, hex, names, proto, str, text, uint, type FieldDef } from './field.ts';
import { expert, expertItem, firstPass, ipLayer } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import { F as TLS } from './tls.ts';
import { suiteOf } from './tls-decrypt.ts';
import { SUBTREE, dissectHandshakes, type HandshakeResult } from './tls-handshake.ts';
import { MalformedError, Tvb } from './tvb.ts';

const enum Lpt {
  Initial = 0,
  ZeroRtt = 1,
  Handshake = 2,
  Retry = 3,
  /** Not a long header type: the short header's packets, for the CRYPTO streams' keys. */
  OneRtt = 4,
}

const LPT_NAMES = names({ 0: 'Initial', 1: '0-RTT', 2: 'Handshake', 3: 'Retry' });

/** QUIC versions by number, as Wireshark names them. */
function versionName(v: number): string | undefined {
  if (v === 0) return 'Negotiation';
  if (v === 1) return '1';
  if (v === 0x6b3343cf) return '2';
  if (v === 0x709a50c4) return 'v2-draft-00';
  if (v >>> 8 === 0xff0000 && (v & 0xff) >= 1 && (v & 0xff) <= 34)
    return `draft-${String(v & 0xff).padStart(2, '0')}`;
  if ((v & 0x0f0f0f0f) === 0x0a0a0a0a) return 'Forcing Version Negotiation';
  if (v >>> 8 === 0x51303a || v >>> 8 === 0x513034 || v >>> 8 === 0x513035) return 'Google QUIC';
  if (v >>> 8 === 0xfaceb0) return 'Facebook mvfst';
  return undefined;
}

/** Wireshark's quic_draft_version: the IETF draft a version follows (0 when not IETF QUIC). */
function draftVersion(v: number): number {
  if (v >>> 8 === 0xff0000) return v & 0xff;
  if (v === 1 || v === 0x6b3343cf || v === 0x709a50c4) return 34;
  if ((v & 0x0f0f0f0f) === 0x0a0a0a0a) return 34;
  if (v === 0xfaceb001) return 22;
  if (v === 0xfaceb002 || v === 0xfaceb00e) return 27;
  return 0;
}

const isV2 = (v: number): boolean => v === 0x6b3343cf || v === 0x709a50c4;

/** v2 renumbers the long packet types; Trawl's Lpt keeps v1's meaning. */
function packetType(first: number, version: number): Lpt {
  const t = (first >> 4) & 3;
  if (!isV2(version)) return t as Lpt;
  return ([Lpt.Retry, Lpt.Initial, Lpt.ZeroRtt, Lpt.Handshake] as const)[t] ?? Lpt.Initial;
}

const FRAME_TYPES = names({
  0x00: 'PADDING',
  0x01: 'PING',
  0x02: 'ACK',
  0x03: 'ACK',
  0x04: 'RESET_STREAM',
  0x05: 'STOP_SENDING',
  0x06: 'CRYPTO',
  0x07: 'NEW_TOKEN',
  0x08: 'STREAM',
  0x09: 'STREAM',
  0x0a: 'STREAM',
  0x0b: 'STREAM',
  0x0c: 'STREAM',
  0x0d: 'STREAM',
  0x0e: 'STREAM',
  0x0f: 'STREAM',
  0x10: 'MAX_DATA',
  0x11: 'MAX_STREAM_DATA',
  0x12: 'MAX_STREAMS (BIDI)',
  0x13: 'MAX_STREAMS (UNI)',
  0x14: 'DATA_BLOCKED',
  0x15: 'STREAM_DATA_BLOCKED',
  0x16: 'STREAMS_BLOCKED (BIDI)',
  0x17: 'STREAMS_BLOCKED (UNI)',
  0x18: 'NEW_CONNECTION_ID',
  0x19: 'RETIRE_CONNECTION_ID',
  0x1a: 'PATH_CHALLENGE',
  0x1b: 'PATH_RESPONSE',
  0x1c: 'CONNECTION_CLOSE (Transport)',
  0x1d: 'CONNECTION_CLOSE (Application)',
  0x1e: 'HANDSHAKE_DONE',
  0x30: 'DATAGRAM',
  0x31: 'DATAGRAM',
});

/** The short names Wireshark puts in Info for each frame type. */
function frameInfoName(t: number): string {
  if (t === 0x00) return 'PADDING';
  if (t === 0x01) return 'PING';
  if (t === 0x02) return 'ACK';
  if (t === 0x03) return 'ACK_ECN';
  if (t === 0x04) return 'RS';
  if (t === 0x05) return 'SS';
  if (t === 0x06) return 'CRYPTO';
  if (t === 0x07) return 'NT';
  if (t >= 0x08 && t <= 0x0f) return 'STREAM';
  if (t === 0x10) return 'MD';
  if (t === 0x11) return 'MSD';
  if (t === 0x12 || t === 0x13) return 'MS';
  if (t === 0x14) return 'DB';
  if (t === 0x15) return 'SDB';
  if (t === 0x16 || t === 0x17) return 'SB';
  if (t === 0x18) return 'NCI';
  if (t === 0x19) return 'RCI';
  if (t === 0x1a) return 'PC';
  if (t === 0x1b) return 'PR';
  if (t === 0x1c || t === 0x1d) return 'CC';
  if (t === 0x1e) return 'DONE';
  if (t === 0x30 || t === 0x31) return 'DG';
  return 'UNKNOWN';
}

const TRANSPORT_ERRORS = names({
  0x0: 'NO_ERROR',
  0x1: 'INTERNAL_ERROR',
  0x2: 'CONNECTION_REFUSED',
  0x3: 'FLOW_CONTROL_ERROR',
  0x4: 'STREAM_LIMIT_ERROR',
  0x5: 'STREAM_STATE_ERROR',
  0x6: 'FINAL_SIZE_ERROR',
  0x7: 'FRAME_ENCODING_ERROR',
  0x8: 'TRANSPORT_PARAMETER_ERROR',
  0x9: 'CONNECTION_ID_LIMIT_ERROR',
  0xa: 'PROTOCOL_VIOLATION',
  0xb: 'INVALID_TOKEN',
  0xc: 'APPLICATION_ERROR',
  0xd: 'CRYPTO_BUFFER_EXCEEDED',
  0xe: 'KEY_UPDATE_ERROR',
  0xf: 'AEAD_LIMIT_REACHED',
  0x10: 'NO_VIABLE_PATH',
});

export const F = fields('quic', {
  '': proto('QUIC IETF'),
  'connection.number': uint('Connection Number', 32, { generated: true }),
  packet_length: uint('Packet Length', 32, { generated: true }),
  header_form: uint('Header Form', 8, {
    mask: 0x80,
    strings: names({ 0: 'Short Header', 1: 'Long Header' }),
  }),
  fixed_bit: bool('Fixed Bit', 8, 0x40, { tf: ['True', 'False'] }),
  spin_bit: bool('Spin Bit', 8, 0x20, { tf: ['True', 'False'] }),
  'long.packet_type': uint('Packet Type', 8, { mask: 0x30, strings: LPT_NAMES }),
  'long.packet_type_v2': uint('Packet Type', 8, {
    mask: 0x30,
    strings: names({ 0: 'Retry', 1: 'Initial', 2: '0-RTT', 3: 'Handshake' }),
  }),
  'long.reserved': uint('Reserved', 8, { mask: 0x0c }),
  'short.reserved': uint('Reserved', 8, { mask: 0x18 }),
  key_phase: bool('Key Phase Bit', 8, 0x04, { tf: ['True', 'False'] }),
  packet_number_length: uint('Packet Number Length', 8, {
    mask: 0x03,
    strings: names({ 0: '1 bytes', 1: '2 bytes', 2: '3 bytes', 3: '4 bytes' }),
  }),
  version: hex('Version', 32),
  supported_version: hex('Supported Version', 32),
  'vn.unused': hex('Unused', 8, { mask: 0x7f }),
  dcil: uint('Destination Connection ID Length', 8),
  dcid: bytes('Destination Connection ID'),
  scil: uint('Source Connection ID Length', 8),
  scid: bytes('Source Connection ID'),
  token_length: uint('Token Length', 64),
  token: bytes('Token'),
  length: uint('Length', 64),
  packet_number: uint('Packet Number', 64),
  payload: bytes('Payload'),
  short: text('QUIC Short Header'),
  protected_payload: bytes('Protected Payload'),
  remaining_payload: bytes('Remaining Payload'),
  retry_token: bytes('Retry Token'),
  retry_integrity_tag: bytes('Retry Integrity Tag'),
  frame: text('Frame'),
  frame_type: uint('Frame Type', 64, { strings: FRAME_TYPES }),
  padding_length: uint('Padding Length', 32, { generated: true }),
  'ack.largest_acknowledged': uint('Largest Acknowledged', 64),
  'ack.ack_delay': uint('ACK Delay', 64),
  'ack.ack_range_count': uint('ACK Range Count', 64),
  'ack.first_ack_range': uint('First ACK Range', 64),
  'ack.gap': uint('Gap', 64),
  'ack.ack_range': uint('ACK Range', 64),
  'ack.ect0_count': uint('ECT(0) Count', 64),
  'ack.ect1_count': uint('ECT(1) Count', 64),
  'ack.ecn_ce_count': uint('ECN-CE Count', 64),
  'crypto.offset': uint('Offset', 64),
  'crypto.length': uint('Length', 64),
  'crypto.crypto_data': text('Crypto Data'),
  'cc.error_code': uint('Error code', 64, { strings: TRANSPORT_ERRORS }),
  'cc.error_code.app': uint('Application Error code', 64),
  'cc.frame_type': uint('Frame Type', 64),
  'cc.reason_phrase.length': uint('Reason phrase Length', 64),
  'cc.reason_phrase': str('Reason phrase'),
  'nt.length': uint('(Token) Length', 64),
  'nt.token': bytes('Token'),
  'stream.stream_id': uint('Stream ID', 64),
  'stream.fin': bool('Fin', 8, 0x01, { tf: ['True', 'False'] }),
  'stream.len': bool('Len(gth)', 8, 0x02, { tf: ['True', 'False'] }),
  'stream.off': bool('Off(set)', 8, 0x04, { tf: ['True', 'False'] }),
  'stream.initiator': uint('Stream initiator', 64, {
    mask: 0x01,
    strings: names({ 0: 'Client-initiated', 1: 'Server-initiated' }),
  }),
  'stream.direction': uint('Stream direction', 64, {
    mask: 0x02,
    strings: names({ 0: 'Bidirectional', 1: 'Unidirectional' }),
  }),
  'stream.offset': uint('Offset', 64),
  'stream.length': uint('Length', 64),
  stream_data: bytes('Stream Data'),
  'path_challenge.data': bytes('Data'),
  'path_response.data': bytes('Data'),
  'nci.sequence': uint('Sequence', 64),
  'nci.retire_prior_to': uint('Retire Prior To', 64),
  'nci.connection_id.length': uint('Connection ID Length', 8),
  'nci.connection_id': bytes('Connection ID'),
  'nci.stateless_reset_token': bytes('Stateless Reset Token'),
  'md.maximum_data': uint('Maximum Data', 64),
  'ms.max_streams': uint('Max Streams', 64),
  decryption_failed: text('Failed to decrypt handshake'),
});

export const GQ = fields('gquic', {
  '': proto('GQUIC (Google Quick UDP Internet Connections)'),
  puflags: hex('Public Flags', 8),
  version: str('Version'),
  cid: uint('CID', 64),
  packet_number: uint('Packet Number', 32),
  message_authentication_hash: bytes('Message Authentication Hash'),
  tag: str('Tag'),
});

// ---------------------------------------------------------------------------------------------
// Keys (RFC 9001 §5.2, RFC 9369 §3.3.1)

const hexBytes = (h: string): Uint8Array => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));

const SALT_V1 = hexBytes('38762cf7f55934b34d179ae6a4c80cadccbb7f0a');
const SALT_V2 = hexBytes('0dede3def700a6db819381be6e269dcbf9bd2ed9');
const SALT_D29 = hexBytes('afbfec289993d24c9e9786f19c6111e04390a899');
const SALT_D23 = hexBytes('c3eef712c72ebb5a11a7d2432bb46365bef9f502');

function initialSalt(version: number): Uint8Array | null {
  if (isV2(version)) return SALT_V2;
  const d = draftVersion(version);
  if (version === 1 || d === 34 || (d >= 33 && version >>> 8 === 0xff0000)) return SALT_V1;
  if (d >= 29) return SALT_D29;
  if (d >= 23) return SALT_D23;
  return null;
}

export interface Keys {
  key: Uint8Array;
  iv: Uint8Array;
  hp: Uint8Array;
  /** Packet protection and header protection ciphers (Initial keys: AES-128-GCM). */
  aead?: AeadName;
  hpCipher?: 'aes-128' | 'aes-256' | 'chacha20';
  /** The traffic secret (1-RTT keys update from it) and the suite's hash. */
  secret?: Uint8Array;
  suite?: number;
}

/** Keys from a TLS traffic secret of cipher suite `suite` (RFC 9001 §5.1), null for a suite Trawl lacks. */
function secretKeys(crypto: CryptoProvider, version: number, suite: number, secret: Uint8Array): Keys | null {
  const s = suiteOf(suite);
  if (!s?.aead) return null;
  const p = isV2(version) ? 'quicv2 ' : 'quic ';
  const hpCipher = s.aead === 'chacha20-poly1305' ? 'chacha20' : s.keyLen === 16 ? 'aes-128' : 'aes-256';
  return {
    key: hkdfExpandLabel(crypto, secret, `${p}key`, s.keyLen, s.hash),
    iv: hkdfExpandLabel(crypto, secret, `${p}iv`, 12, s.hash),
    hp: hkdfExpandLabel(crypto, secret, `${p}hp`, s.keyLen, s.hash),
    aead: s.aead,
    hpCipher,
    secret,
    suite,
  };
}

/** The next 1-RTT key phase (RFC 9001 §6.1): a new secret, the same header protection key. */
function updatedKeys(crypto: CryptoProvider, version: number, k: Keys): Keys | null {
  const s = suiteOf(k.suite ?? -1);
  if (!s || !k.secret) return null;
  const label = isV2(version) ? 'quicv2 ku' : 'quic ku';
  const secret = hkdfExpandLabel(crypto, k.secret, label, s.hash === 'sha384' ? 48 : 32, s.hash);
  const next = secretKeys(crypto, version, k.suite ?? -1, secret);
  return next && { ...next, hp: k.hp };
}

export function initialKeys(
  crypto: CryptoProvider,
  version: number,
  dcid: Uint8Array,
  server: boolean,
): Keys | null {
  const salt = initialSalt(version);
  if (!salt) return null;
  const initial = crypto.hkdfExtract(salt, dcid);
  const secret = hkdfExpandLabel(crypto, initial, server ? 'server in' : 'client in', 32);
  const p = isV2(version) ? 'quicv2 ' : 'quic ';
  return {
    key: hkdfExpandLabel(crypto, secret, `${p}key`, 16),
    iv: hkdfExpandLabel(crypto, secret, `${p}iv`, 12),
    hp: hkdfExpandLabel(crypto, secret, `${p}hp`, 16),
  };
}

const RETRY_KEYS: Record<string, [string, string]> = {
  v1: ['be0c690b9f66575a1d766b54e368c84e', '461599d35d632bf2239825bb'],
  v2: ['8fb4b01b56ac48e260fbcbcead7ccc92', 'd86969bc2d7c6d9990efb04a'],
  d29: ['ccce187ed09a09d05728155a6cb96be1', 'e54930f97f2136f0530a8c1c'],
};

// ---------------------------------------------------------------------------------------------
// Connections: found by UDP address/port pair; the client is whoever sent the first Initial.

interface CryptoStream {
  /** Bytes known from offset 0 without a gap. */
  data: Uint8Array;
  /** How many of them were handed to TLS. */
  consumed: number;
  /** Pieces past a gap, by offset. */
  pending: Map<number, Uint8Array>;
}

interface Connection {
  number: number;
  version: number;
  clientPort: number;
  clientAddr: string;
  /** DCID of the client's first Initial (keys derive from it), '' until seen. */
  initialDcid: Uint8Array | null;
  clientCid: Uint8Array;
  serverCid: Uint8Array;
  keys: [Keys | null, Keys | null];
  /** From the ClientHello and ServerHello in CRYPTO frames: what finds and shapes the key log's secrets. */
  clientRandom: Uint8Array | null;
  suite: number;
  /** Handshake, 0-RTT and 1-RTT keys by `${dir}/${space}` (null: looked for, none). */
  tlsKeys: Map<string, Keys | null>;
  /** The 1-RTT key phase bit in use per direction. */
  phase: [number, number];
  /** Largest packet number per direction (0 client, 1 server) and space. */
  largest: Map<string, number>;
  crypto: Map<string, CryptoStream>;
  /**
   * The frame of the first 1-RTT packet that could not be opened (0: none yet): Wireshark gives up
   * on the connection's 1-RTT keys there and notes it on that packet only.
   */
  noKeysFrame: number;
}

/** What the first pass found in one packet, replayed on later passes. */
interface PacketMemo {
  pn: number;
  pnLen: number;
  first: number;
  plain: Uint8Array | null;
  /** Handshake bytes that CRYPTO frames of this packet completed, per frame index. */
  handshakes: Map<number, Uint8Array>;
  /** CRYPTO frames (by index) that only repeat data seen before. */
  repeats: Set<number>;
  retryVerified: boolean | null;
}

interface QuicState {
  byTuple: Map<string, Connection>;
  count: number;
  memo: Map<string, PacketMemo>;
  /** Frame → connection and direction, so revisits see the same answer. */
  frames: Map<number, { conn: Connection; server: boolean }>;
}

const newState = (): QuicState => ({ byTuple: new Map(), count: 0, memo: new Map(), frames: new Map() });

function endpoint(offset: number, port: number): string {
  const l = ipLayer;
  const n = l.kind === 6 ? 16 : 4;
  let s = '';
  for (let i = 0; i < n; i++) s += (l.bytes[offset + i] ?? 0).toString(16).padStart(2, '0');
  return `${s}:${port}`;
}

interface Datagram {
  st: QuicState;
  conn: Connection | null;
  server: boolean;
  first: boolean;
  crypto: CryptoProvider | undefined;
}

function lookup(pinfo: PacketInfo, tvb: Tvb, create: boolean): Datagram {
  const st = pinfo.state.of<QuicState>('quic', newState);
  const first = !pinfo.inError && firstPass(pinfo.state, pinfo);
  const crypto = pinfo.options.crypto;
  const seen = st.frames.get(pinfo.meta.number);
  if (!first && seen) return { st, conn: seen.conn, server: seen.server, first, crypto };
  const src = endpoint(ipLayer.src, pinfo.srcPort);
  const dst = endpoint(ipLayer.dst, pinfo.dstPort);
  const key = src < dst ? `${src}|${dst}` : `${dst}|${src}`;
  let conn = st.byTuple.get(key) ?? null;
  if (!conn && create && first) {
    const b = tvb.bytes[tvb.start] ?? 0;
    const clientSends = (b & 0x80) !== 0;
    conn = {
      number: st.count++,
      version: 0,
      clientPort: clientSends ? pinfo.srcPort : pinfo.dstPort,
      clientAddr: clientSends ? src : dst,
      initialDcid: null,
      clientCid: new Uint8Array(0),
      serverCid: new Uint8Array(0),
      keys: [null, null],
      clientRandom: null,
      suite: -1,
      tlsKeys: new Map(),
      phase: [0, 0],
      largest: new Map(),
      crypto: new Map(),
      noKeysFrame: 0,
    };
    st.byTuple.set(key, conn);
  }
  const server = conn !== null && src !== conn.clientAddr;
  if (first && conn) st.frames.set(pinfo.meta.number, { conn, server });
  return { st, conn, server, first, crypto };
}

// ---------------------------------------------------------------------------------------------
// Dissection

/** A QUIC variable-length integer at `off`: [value, length]. */
function varint(tvb: Tvb, off: number): [number, number] {
  const b = tvb.u8(off);
  const n = 1 << (b >> 6);
  tvb.need(off, n);
  let v = b & 0x3f;
  for (let i = 1; i < n; i++) v = v * 256 + (tvb.bytes[off + i] as number);
  return [v, n];
}

function cidText(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

interface Ctx {
  pinfo: PacketInfo;
  tree: Tree;
  dg: Datagram;
  info: string[];
  /** Index of the packet in the datagram (memo key). */
  index: number;
}

export function dissectQUIC(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const dg = lookup(pinfo, tvb, true);
  pinfo.layers.push('quic');
  pinfo.setProto('QUIC');
  const ctx: Ctx = { pinfo, tree, dg, info: [], index: 0 };
  let off = o;
  try {
    while (tvb.reportedRemaining(off) > 0) {
      const len = packetLength(tvb, off);
      const pkt = tvb.sub(off, len);
      tree.push(F[''], pkt, off, len);
      if (dg.conn) {
        tree.push(SUBTREE, pkt, off, 0);
        if (tree.full) tree.label('QUIC Connection information');
        tree.add(F['connection.number'], pkt, off, 0, dg.conn.number);
        tree.pop();
      }
      tree.add(F.packet_length, pkt, off, 0, len);
      const used = packet(pkt, ctx);
      if (used < off + len && pkt.remaining(used) > 0)
        tree.add(F.remaining_payload, pkt, used, pkt.remaining(used));
      tree.pop();
      off += len;
      ctx.index++;
    }
  } finally {
    if (pinfo.wantInfo) pinfo.setInfo(ctx.info.join(', '));
  }
  return tvb.remaining(o);
}

/** Wireshark's quic_get_message_tvb: the length of the packet at `off` within the datagram. */
function packetLength(tvb: Tvb, off: number): number {
  const rest = tvb.reportedRemaining(off);
  const first = tvb.u8(off);
  if (!(first & 0x80) || rest < 7) return rest;
  const version = tvb.u32(off + 1);
  if (version === 0 || packetType(first, version) === Lpt.Retry) return rest;
  let n = 5;
  n += 1 + tvb.u8(off + n);
  n += 1 + tvb.u8(off + n);
  if (packetType(first, version) === Lpt.Initial) {
    const [tl, tlLen] = varint(tvb, off + n);
    n += tlLen + tl;
  }
  const [pl, plLen] = varint(tvb, off + n);
  n += plLen + pl;
  return n < rest ? n : rest;
}

/** One QUIC packet; returns where its dissection stopped. */
function packet(tvb: Tvb, ctx: Ctx): number {
  // Each coalesced packet's header sets Info anew (col_set_str, col_clear): the last one's shows.
  ctx.info.length = 0;
  const o = tvb.start;
  const first = tvb.u8(o);
  const { tree } = ctx;
  if (!(first & 0x80)) return shortHeader(tvb, ctx);
  tree.add(F.header_form, tvb, o, 1, 1);
  const version = tvb.u32(o + 1);
  if ((version & 0x0f0f0f0f) === 0x0a0a0a0a || version === 0) {
    ctx.info.push(version === 0 ? 'Version Negotiation' : 'Forcing Version Negotiation');
    tree.add(F['vn.unused'], tvb, o, 1, first & 0x7f);
    let off = common(tvb, ctx, o + 1);
    if (version === 0) {
      while (tvb.reportedRemaining(off) >= 4) {
        tree.add(F.supported_version, tvb, off, 4, tvb.u32(off));
        off += 4;
      }
    }
    return off;
  }
  const type = packetType(first, version);
  if (type === Lpt.Retry) return retry(tvb, ctx, version);
  return longHeader(tvb, ctx, version, type);
}

/** Version, connection IDs and their Info; returns the offset after the SCID. */
function common(tvb: Tvb, ctx: Ctx, off: number): number {
  const { tree } = ctx;
  const version = tvb.u32(off);
  tree.add(F.version, tvb, off, 4, version);
  if (tree.full) {
    const name = versionName(version);
    const hexv = `0x${version.toString(16).padStart(8, '0')}`;
    tree.labelLast(`Version: ${name ? `${name} (${hexv})` : `Unknown (${hexv})`}`);
  }
  off += 4;
  const dcil = tvb.u8(off);
  tree.add(F.dcil, tvb, off, 1, dcil);
  off += 1;
  if (dcil > 0) {
    tree.add(F.dcid, tvb, off, dcil);
    ctx.info.push(`DCID=${cidText(tvb.slice(off, dcil))}`);
  }
  off += dcil;
  const scil = tvb.u8(off);
  tree.add(F.scil, tvb, off, 1, scil);
  off += 1;
  if (scil > 0) {
    tree.add(F.scid, tvb, off, scil);
    ctx.info.push(`SCID=${cidText(tvb.slice(off, scil))}`);
  }
  return off + scil;
}

/** Notes the connection IDs a long header carries (first pass only). */
function learnCids(tvb: Tvb, ctx: Ctx, type: Lpt, version: number): void {
  const conn = ctx.dg.conn;
  if (!conn || !ctx.dg.first) return;
  const o = tvb.start;
  const dcil = tvb.u8(o + 5);
  const dcid = tvb.slice(o + 6, dcil);
  const scil = tvb.u8(o + 6 + dcil);
  const scid = tvb.slice(o + 7 + dcil, scil);
  if (ctx.dg.server) {
    conn.serverCid = scid.slice();
    if (type === Lpt.Retry) {
      // The client starts over with the Retry's SCID as its DCID (RFC 9000 §17.2.5.2).
      conn.initialDcid = null;
      conn.keys = [null, null];
    }
  } else {
    conn.clientCid = scid.slice();
    if (type === Lpt.Initial && conn.initialDcid === null) {
      conn.initialDcid = dcid.slice();
      conn.version = version;
      conn.keys = [null, null];
    }
  }
}

function retry(tvb: Tvb, ctx: Ctx, version: number): number {
  const { tree } = ctx;
  const o = tvb.start;
  ctx.info.push('Retry');
  const type = (tvb.u8(o) >> 4) & 3;
  tree.add(isV2(version) ? F['long.packet_type_v2'] : F['long.packet_type'], tvb, o, 1, type);
  const odcid = ctx.dg.conn?.initialDcid ?? null;
  learnCids(tvb, ctx, Lpt.Retry, version);
  let off = common(tvb, ctx, o + 1);
  const end = tvb.reportedEnd;
  const tokenLen = Math.max(0, end - off - 16);
  tree.add(F.retry_token, tvb, off, tokenLen);
  off += tokenLen;
  if (end - off < 16) throw new MalformedError('Malformed Packet', off);
  const memo = memoOf(ctx);
  if (ctx.dg.first && odcid && ctx.dg.crypto)
    memo.retryVerified = verifyRetry(tvb, odcid, version, ctx.dg.crypto);
  tree.add(F.retry_integrity_tag, tvb, off, 16);
  if (tree.full) {
    const tag = cidText(tvb.slice(off, 16));
    const status = memo.retryVerified === true ? ' [verified]' : '';
    tree.labelLast(`Retry Integrity Tag: ${tag}${status}`);
  }
  return off + 16;
}

function verifyRetry(tvb: Tvb, odcid: Uint8Array, version: number, crypto: CryptoProvider): boolean {
  const which = isV2(version) ? 'v2' : draftVersion(version) >= 33 || version === 1 ? 'v1' : 'd29';
  const [k, n] = RETRY_KEYS[which] ?? ['', ''];
  const body = tvb.slice(tvb.start, tvb.remaining(tvb.start));
  const pseudo = new Uint8Array(1 + odcid.length + body.length - 16);
  pseudo[0] = odcid.length;
  pseudo.set(odcid, 1);
  pseudo.set(body.subarray(0, body.length - 16), 1 + odcid.length);
  const opened = crypto.aesGcmDecrypt(hexBytes(k), hexBytes(n), pseudo, body.subarray(body.length - 16));
  return opened !== null;
}

/** A packet's memo before anything is learnt about it. */
const newMemo = (): PacketMemo => ({
  pn: -1,
  pnLen: 0,
  first: 0,
  plain: null,
  handshakes: new Map(),
  repeats: new Set(),
  retryVerified: null,
});

/** The memo of a packet nothing was learnt about (never written). */
const NO_MEMO: PacketMemo = newMemo();

function memoOf(ctx: Ctx): PacketMemo {
  const key = `${ctx.pinfo.meta.number}/${ctx.index}`;
  let m = ctx.dg.st.memo.get(key);
  if (!m) {
    m = newMemo();
    if (ctx.dg.first) ctx.dg.st.memo.set(key, m);
  }
  return m;
}

function longHeader(tvb: Tvb, ctx: Ctx, version: number, type: Lpt): number {
  const { tree, pinfo } = ctx;
  const o = tvb.start;
  learnCids(tvb, ctx, type, version);
  const memo = memoOf(ctx);
  if (ctx.dg.first) unprotect(tvb, ctx, version, memo, type);
  const raw = tvb.u8(o);
  tree.add(F.fixed_bit, tvb, o, 1, (raw & 0x40) !== 0);
  tree.add(isV2(version) ? F['long.packet_type_v2'] : F['long.packet_type'], tvb, o, 1, (raw >> 4) & 3);
  if (memo.pnLen) {
    tree.add(F['long.reserved'], tvb, o, 1, (memo.first >> 2) & 3);
    tree.add(F.packet_number_length, tvb, o, 1, memo.first & 3);
  }
  ctx.info.push(LPT_NAMES.get(type) ?? 'Long Header');
  let off = common(tvb, ctx, o + 1);
  if (type === Lpt.Initial) {
    const [tl, n] = varint(tvb, off);
    tree.add(F.token_length, tvb, off, n, tl);
    off += n;
    if (tl > 0) tree.add(F.token, tvb, off, tl);
    tvb.need(off, tl);
    off += tl;
  }
  const [len, n] = varint(tvb, off);
  tree.add(F.length, tvb, off, n, len);
  off += n;
  if (!memo.pnLen || (type !== Lpt.Initial && !memo.plain)) {
    const why = type === Lpt.Initial ? 'Failed to decrypt packet number' : 'Secrets are not available';
    const msg = type === Lpt.Initial ? why : `Failed to create decryption context: ${why}`;
    decryptionNote(pinfo, tree, tvb, off, msg);
    return off;
  }
  tree.add(F.packet_number, tvb, off, memo.pnLen, memo.pn);
  ctx.info.push(`PKN: ${memo.pn}`);
  off += memo.pnLen;
  tree.add(F.payload, tvb, off, tvb.remaining(off));
  if (memo.plain) {
    const src = pinfo.addSource('Decrypted QUIC', memo.plain);
    const plain = new Tvb(memo.plain, 0, memo.plain.length, memo.plain.length, src);
    frames(plain, ctx, memo, type);
  }
  return tvb.reportedEnd;
}

function decryptionNote(pinfo: PacketInfo, tree: Tree, tvb: Tvb, off: number, msg: string): void {
  expert(pinfo, tree, tvb, off, 0, 'Warning', 'Decryption', msg);
}

/** The keys of a packet space other than Initial, from the key log (first pass; null: none). */
function sessionKeys(ctx: Ctx, version: number, space: 'hs' | '0rtt' | 'app'): Keys | null {
  const { conn, crypto, server } = ctx.dg;
  if (!conn || !crypto || !conn.clientRandom || ctx.pinfo.state.secrets.empty) return null;
  const key = `${server ? 1 : 0}/${space}`;
  const known = conn.tlsKeys.get(key);
  if (known !== undefined) return known;
  const secrets = ctx.pinfo.state.secrets.tlsSecrets(conn.clientRandom);
  const secret =
    space === '0rtt'
      ? secrets?.clientEarly
      : space === 'hs'
        ? server
          ? secrets?.serverHandshake
          : secrets?.clientHandshake
        : server
          ? secrets?.server0
          : secrets?.client0;
  // 0-RTT comes before the ServerHello names the suite: TLS_AES_128_GCM_SHA256 until then.
  const suite = conn.suite >= 0 ? conn.suite : 0x1301;
  const keys = secret ? secretKeys(crypto, version, suite, secret) : null;
  // Not found yet: the secrets may come later (a Decryption Secrets Block), so look again then.
  if (keys) conn.tlsKeys.set(key, keys);
  return keys;
}

function headerMask(crypto: CryptoProvider, keys: Keys, sample: Uint8Array): Uint8Array | null {
  const cipher = keys.hpCipher ?? 'aes-128';
  if (cipher === 'aes-128' && !crypto.headerMask) return crypto.aesEcbEncryptBlock(keys.hp, sample);
  return crypto.headerMask ? crypto.headerMask(cipher, keys.hp, sample) : null;
}

/**
 * Removes header protection and decrypts a long-header packet (first pass), filling `memo`:
 * Initial packets with the version's initial keys, the others with the key log's secrets.
 * Leaves `memo` empty without the keys.
 */
function unprotect(tvb: Tvb, ctx: Ctx, version: number, memo: PacketMemo, type: Lpt): void {
  const { conn, crypto, server } = ctx.dg;
  if (!conn || !crypto) return;
  const dir = server ? 1 : 0;
  let keys: Keys | null;
  if (type === Lpt.Initial) {
    if (!conn.initialDcid) return;
    keys = conn.keys[dir] ?? null;
    if (!keys) {
      keys = initialKeys(crypto, conn.version || version, conn.initialDcid, server);
      if (!keys) return;
      conn.keys[dir] = keys;
    }
  } else {
    keys = sessionKeys(ctx, version, type === Lpt.Handshake ? 'hs' : '0rtt');
    if (!keys) return;
  }
  const o = tvb.start;
  const dcil = tvb.u8(o + 5);
  const scil = tvb.u8(o + 6 + dcil);
  let pnOff = o + 7 + dcil + scil;
  if (type === Lpt.Initial) {
    const [tl, tln] = varint(tvb, pnOff);
    pnOff += tln + tl;
  }
  const [len, ln] = varint(tvb, pnOff);
  pnOff += ln;
  const space = type === Lpt.Initial ? 'initial' : type === Lpt.Handshake ? 'handshake' : 'app';
  open(tvb, ctx, memo, keys, pnOff, len, 0x0f, `${dir}/${space}`);
}

/**
 * Header protection off, then the payload opened (RFC 9001 §5.3, §5.4): fills `memo` with the
 * packet number and, when it authenticates, the plaintext. Returns whether it did.
 */
function open(
  tvb: Tvb,
  ctx: Ctx,
  memo: PacketMemo,
  keys: Keys,
  pnOff: number,
  len: number,
  bits: number,
  spaceKey: string,
  commit = true,
): boolean {
  const { conn, crypto } = ctx.dg;
  if (!conn || !crypto) return false;
  const o = tvb.start;
  if (!tvb.has(pnOff + 4, 16) || len < 20 || !tvb.has(pnOff, len)) return false;
  const mask = headerMask(crypto, keys, tvb.bytes.subarray(pnOff + 4, pnOff + 20));
  if (!mask) return false;
  const first = (tvb.bytes[o] as number) ^ ((mask[0] as number) & bits);
  const pnLen = (first & 3) + 1;
  const header = tvb.bytes.slice(o, pnOff + pnLen);
  header[0] = first;
  let truncated = 0;
  for (let i = 0; i < pnLen; i++) {
    const b = (tvb.bytes[pnOff + i] as number) ^ (mask[1 + i] as number);
    header[pnOff - o + i] = b;
    truncated = truncated * 256 + b;
  }
  const pn = decodePacketNumber(conn.largest.get(spaceKey) ?? -1, truncated, pnLen * 8);
  const nonce = keys.iv.slice();
  for (let i = 0, v = pn; i < 8; i++, v = Math.floor(v / 256))
    nonce[11 - i] = (nonce[11 - i] as number) ^ (v & 0xff);
  const body = tvb.bytes.subarray(pnOff + pnLen, pnOff + len);
  const plain = keys.aead
    ? crypto.aeadDecrypt(keys.aead, keys.key, nonce, header, body, 16)
    : crypto.aesGcmDecrypt(keys.key, nonce, header, body);
  if (!plain && !commit) return false;
  memo.pn = pn;
  memo.pnLen = pnLen;
  memo.first = first;
  memo.plain = plain;
  if (plain) conn.largest.set(spaceKey, Math.max(pn, conn.largest.get(spaceKey) ?? -1));
  return plain !== null;
}

/** A 1-RTT packet's header protection and payload (first pass), following key updates. */
function unprotectShort(tvb: Tvb, ctx: Ctx, memo: PacketMemo, pnOff: number): void {
  const { conn, crypto, server } = ctx.dg;
  if (!conn || !crypto) return;
  const keys = sessionKeys(ctx, conn.version, 'app');
  if (!keys) return;
  const dir = server ? 1 : 0;
  const len = tvb.end - pnOff;
  const spaceKey = `${dir}/app`;
  if (!open(tvb, ctx, memo, keys, pnOff, len, 0x1f, spaceKey, false)) {
    // Maybe the other key phase: the next generation of keys (RFC 9001 §6).
    const next = updatedKeys(crypto, conn.version, keys);
    if (next && open(tvb, ctx, memo, next, pnOff, len, 0x1f, spaceKey, false)) {
      conn.tlsKeys.set(`${dir}/app`, next);
      conn.phase[dir] = (memo.first >> 2) & 1;
      return;
    }
    open(tvb, ctx, memo, keys, pnOff, len, 0x1f, spaceKey);
    return;
  }
  conn.phase[dir] = (memo.first >> 2) & 1;
}

/** RFC 9000 §A.3. */
function decodePacketNumber(largest: number, truncated: number, bits: number): number {
  const expected = largest + 1;
  const win = 2 ** bits;
  const half = win / 2;
  const candidate = Math.floor(expected / win) * win + truncated;
  if (candidate <= expected - half && candidate < 2 ** 62 - win) return candidate + win;
  if (candidate > expected + half && candidate >= win) return candidate - win;
  return candidate;
}

function shortHeader(tvb: Tvb, ctx: Ctx): number {
  const { tree, dg, pinfo } = ctx;
  const o = tvb.start;
  const first = tvb.u8(o);
  const conn = dg.conn;
  const dcil = conn ? (dg.server ? conn.clientCid.length : conn.serverCid.length) : 0;
  // Without secrets a 1-RTT packet keeps no memo: nothing is stored per packet.
  const memo = conn && !pinfo.state.secrets.empty ? memoOf(ctx) : NO_MEMO;
  if (dg.first && conn && memo !== NO_MEMO) unprotectShort(tvb, ctx, memo, o + 1 + dcil);
  tree.push(F.short, tvb, o, tvb.remaining(o));
  tree.add(F.header_form, tvb, o, 1, 0);
  tree.add(F.fixed_bit, tvb, o, 1, (first & 0x40) !== 0);
  tree.add(F.spin_bit, tvb, o, 1, (first & 0x20) !== 0);
  const opened = memo.plain !== null && memo.pnLen > 0;
  if (opened) {
    tree.add(F['short.reserved'], tvb, o, 1, (memo.first >> 3) & 3);
    tree.add(F.key_phase, tvb, o, 1, (memo.first & 4) !== 0);
    tree.add(F.packet_number_length, tvb, o, 1, memo.first & 3);
  }
  // The key phase bit is under header protection; with no 1-RTT keys Wireshark reports phase 0.
  ctx.info.push(`Protected Payload (KP${opened ? (memo.first >> 2) & 1 : 0})`);
  let off = o + 1;
  let label = 'QUIC Short Header';
  if (dcil > 0) {
    tree.add(F.dcid, tvb, off, dcil);
    const cid = cidText(tvb.slice(off, dcil));
    ctx.info.push(`DCID=${cid}`);
    label += ` DCID=${cid}`;
    off += dcil;
  }
  if (!opened) {
    if (tree.full) tree.label(label);
    tree.pop();
    if (conn && dg.first && conn.noKeysFrame === 0) conn.noKeysFrame = pinfo.meta.number;
    if (conn && conn.noKeysFrame === pinfo.meta.number)
      decryptionNote(pinfo, tree, tvb, off, 'Failed to create decryption context: Secrets are not available');
    return off;
  }
  tree.add(F.packet_number, tvb, off, memo.pnLen, memo.pn);
  ctx.info.push(`PKN: ${memo.pn}`);
  off += memo.pnLen;
  tree.add(F.protected_payload, tvb, off, tvb.remaining(off));
  if (tree.full) tree.label(`${label} PKN=${memo.pn}`);
  tree.pop();
  const plain = memo.plain as Uint8Array;
  const src = pinfo.addSource('Decrypted QUIC', plain);
  frames(new Tvb(plain, 0, plain.length, plain.length, src), ctx, memo, Lpt.OneRtt);
  return tvb.reportedEnd;
}

// ---------------------------------------------------------------------------------------------
// Frames of a decrypted packet

function frames(tvb: Tvb, ctx: Ctx, memo: PacketMemo, type: Lpt): void {
  const { tree } = ctx;
  let off = tvb.start;
  let index = 0;
  while (off < tvb.end) {
    const [ft, n] = varint(tvb, off);
    const start = off;
    // Wireshark names a STREAM frame's stream in Info: STREAM(4).
    const name = ft >= 0x08 && ft <= 0x0f ? `STREAM(${varint(tvb, off + n)[0]})` : frameInfoName(ft);
    ctx.info.push(name);
    tree.push(F.frame, tvb, start, 0);
    if (tree.full) tree.label(FRAME_TYPES.get(ft) ?? 'UNKNOWN');
    const typeLabel = `Frame Type: ${FRAME_TYPES.get(ft) ?? 'Unknown'} (0x${ft.toString(16).padStart(16, '0')})`;
    if (ft >= 0x08 && ft <= 0x0f) {
      // A STREAM frame's type carries its FIN, LEN and OFF bits.
      tree.push(F.frame_type, tvb, off, n, ft);
      if (tree.full) tree.label(typeLabel);
      tree.add(F['stream.fin'], tvb, off, n, (ft & 1) !== 0);
      tree.add(F['stream.len'], tvb, off, n, (ft & 2) !== 0);
      tree.add(F['stream.off'], tvb, off, n, (ft & 4) !== 0);
      tree.pop();
    } else {
      tree.add(F.frame_type, tvb, off, n, ft);
      if (tree.full) tree.labelLast(typeLabel);
    }
    off += n;
    off = frameBody(tvb, ctx, memo, type, ft, off, index);
    tree.pop(off - start);
    index++;
  }
}

/** Reads varint fields one after another, adding each to the tree. */
function reader(tvb: Tvb, tree: Tree, at: number): { at: number; take(def: FieldDef): number } {
  return {
    at,
    take(def: FieldDef): number {
      const [v, n] = varint(tvb, this.at);
      tree.add(def, tvb, this.at, n, v);
      this.at += n;
      return v;
    },
  };
}

/** A frame whose body is one varint field; returns where it ends. */
function single(tvb: Tvb, tree: Tree, off: number, def: FieldDef): number {
  const r = reader(tvb, tree, off);
  r.take(def);
  return r.at;
}

function frameBody(
  tvb: Tvb,
  ctx: Ctx,
  memo: PacketMemo,
  type: Lpt,
  ft: number,
  off: number,
  index: number,
): number {
  const { tree } = ctx;
  switch (ft) {
    case 0x00: {
      // Consecutive PADDING bytes are one frame, as Wireshark shows them.
      let end = off;
      while (end < tvb.end && tvb.bytes[end] === 0) end++;
      const n = end - off + 1;
      tree.add(F.padding_length, tvb, off - 1, n, n);
      if (tree.full) tree.label(`PADDING Length: ${n}`);
      return end;
    }
    case 0x01:
    case 0x1e:
      return off;
    case 0x02:
    case 0x03: {
      const r = reader(tvb, tree, off);
      r.take(F['ack.largest_acknowledged']);
      r.take(F['ack.ack_delay']);
      const count = r.take(F['ack.ack_range_count']);
      r.take(F['ack.first_ack_range']);
      for (let i = 0; i < count; i++) {
        r.take(F['ack.gap']);
        r.take(F['ack.ack_range']);
      }
      if (ft === 0x03) {
        r.take(F['ack.ect0_count']);
        r.take(F['ack.ect1_count']);
        r.take(F['ack.ecn_ce_count']);
      }
      return r.at;
    }
    case 0x06: {
      const r = reader(tvb, tree, off);
      const at = r.take(F['crypto.offset']);
      const n = r.take(F['crypto.length']);
      const p = r.at;
      tvb.need(p, n);
      tree.add(F['crypto.crypto_data'], tvb, p, n);
      if (ctx.dg.first) gatherCrypto(ctx, memo, type, index, at, tvb.bytes.subarray(p, p + n));
      if (memo.repeats.has(index)) {
        const why = 'This QUIC frame has a reused stream offset (retransmission?)';
        expertItem(ctx.pinfo, tree, tvb, p, n, 'Note', 'Sequence', why);
      }
      const hs = memo.handshakes.get(index);
      if (hs) cryptoTls(hs, ctx);
      return p + n;
    }
    case 0x07: {
      const r = reader(tvb, tree, off);
      const n = r.take(F['nt.length']);
      tree.add(F['nt.token'], tvb, r.at, n);
      tvb.need(r.at, n);
      return r.at + n;
    }
    case 0x1c:
    case 0x1d: {
      const r = reader(tvb, tree, off);
      r.take(ft === 0x1c ? F['cc.error_code'] : F['cc.error_code.app']);
      if (ft === 0x1c) r.take(F['cc.frame_type']);
      const n = r.take(F['cc.reason_phrase.length']);
      tree.add(F['cc.reason_phrase'], tvb, r.at, n, tvb.ascii(r.at, n));
      return r.at + n;
    }
    case 0x1a:
    case 0x1b:
      tree.add(ft === 0x1a ? F['path_challenge.data'] : F['path_response.data'], tvb, off, 8);
      tvb.need(off, 8);
      return off + 8;
    case 0x10:
      return single(tvb, tree, off, F['md.maximum_data']);
    case 0x12:
    case 0x13:
      return single(tvb, tree, off, F['ms.max_streams']);
    case 0x18: {
      const r = reader(tvb, tree, off);
      r.take(F['nci.sequence']);
      r.take(F['nci.retire_prior_to']);
      const p = r.at;
      const n = tvb.u8(p);
      tree.add(F['nci.connection_id.length'], tvb, p, 1, n);
      tree.add(F['nci.connection_id'], tvb, p + 1, n);
      tree.add(F['nci.stateless_reset_token'], tvb, p + 1 + n, 16);
      tvb.need(p + 1, n + 16);
      return p + 1 + n + 16;
    }
    default:
      if (ft >= 0x08 && ft <= 0x0f) {
        const [id, idn] = varint(tvb, off);
        const initiator = id % 2;
        const direction = Math.floor(id / 2) % 2;
        tree.push(F['stream.stream_id'], tvb, off, idn, id);
        tree.add(F['stream.initiator'], tvb, off, idn, initiator);
        tree.add(F['stream.direction'], tvb, off, idn, direction);
        tree.pop();
        const r = reader(tvb, tree, off + idn);
        const at = ft & 0x04 ? r.take(F['stream.offset']) : 0;
        const n = ft & 0x02 ? r.take(F['stream.length']) : tvb.end - r.at;
        tree.add(F.stream_data, tvb, r.at, n);
        tvb.need(r.at, n);
        if (tree.full) {
          const dir = direction ? 'Unidirectional' : 'Bidirectional';
          const origin = initiator ? 'Server-initiated' : 'Client-initiated';
          tree.label(`STREAM id=${id} fin=${ft & 1} off=${at} len=${n} dir=${dir} origin=${origin}`);
        }
        return r.at + n;
      }
      // An unknown frame type: nothing after it can be parsed.
      throw new MalformedError('Malformed Packet', off);
  }
}

/**
 * Adds CRYPTO data to its stream (by direction and encryption level) and records, for this frame,
 * the complete handshake messages it made available. Data already seen is a retransmission and is
 * not handed to TLS again, as in Wireshark.
 */
function gatherCrypto(
  ctx: Ctx,
  memo: PacketMemo,
  type: Lpt,
  index: number,
  at: number,
  data: Uint8Array,
): void {
  const conn = ctx.dg.conn;
  if (!conn) return;
  const key = `${ctx.dg.server ? 1 : 0}/${type}`;
  let s = conn.crypto.get(key);
  if (!s) {
    s = { data: new Uint8Array(0), consumed: 0, pending: new Map() };
    conn.crypto.set(key, s);
  }
  if (at + data.length <= s.data.length) {
    memo.repeats.add(index);
    return;
  }
  if (at > s.data.length) {
    s.pending.set(at, data.slice());
    return;
  }
  s.data = concat(s.data.subarray(0, at), data);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pos, piece] of s.pending) {
      if (pos <= s.data.length) {
        s.pending.delete(pos);
        if (pos + piece.length > s.data.length) s.data = concat(s.data.subarray(0, pos), piece);
        grew = true;
      }
    }
  }
  let end = s.consumed;
  while (end + 4 <= s.data.length) {
    const len =
      4 +
      (((s.data[end + 1] as number) << 16) |
        ((s.data[end + 2] as number) << 8) |
        (s.data[end + 3] as number));
    if (end + len > s.data.length) break;
    end += len;
  }
  if (end > s.consumed) {
    const hs = s.data.slice(s.consumed, end);
    memo.handshakes.set(index, hs);
    s.consumed = end;
    noteHellos(conn, hs);
  }
}

/** The ClientHello's random and the ServerHello's cipher suite, which the key log's secrets need. */
function noteHellos(conn: Connection, hs: Uint8Array): void {
  for (let p = 0; p + 4 <= hs.length;) {
    const type = hs[p] as number;
    const len = ((hs[p + 1] as number) << 16) | ((hs[p + 2] as number) << 8) | (hs[p + 3] as number);
    if (type === 1 && len >= 34) conn.clientRandom = hs.slice(p + 6, p + 38);
    if (type === 2 && len >= 38) {
      const at = p + 39 + (hs[p + 38] ?? 0);
      if (at + 2 <= p + 4 + len) conn.suite = ((hs[at] as number) << 8) | (hs[at + 1] as number);
    }
    p += 4 + len;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The TLS 1.3 handshake messages carried in CRYPTO frames (no record layer). */
function cryptoTls(data: Uint8Array, ctx: Ctx): void {
  const { pinfo, tree } = ctx;
  const src = data.length > 0 ? pinfo.addSource('Reassembled QUIC CRYPTO', data) : 0;
  const tvb = new Tvb(data, 0, data.length, data.length, src);
  pinfo.layers.push('tls');
  tree.push(TLS[''], tvb, 0, data.length);
  // QUIC owns the columns: the handshake names do not go to Info.
  const result: HandshakeResult = { names: [], serverVersion: 0, cipherSuite: -1, alpn: '' };
  dissectHandshakes(
    tvb,
    0,
    data.length,
    { cipherSuite: -1, version: 0x0304, layers: pinfo.layers },
    result,
    tree,
  );
  if (tree.full) {
    const what = result.names.length === 1 ? result.names[0] : 'Multiple Handshake Messages';
    tree.label(`TLSv1.3 Record Layer: Handshake Protocol: ${what}`);
  }
  tree.pop();
}

// ---------------------------------------------------------------------------------------------
// Google QUIC: the Q046 long header, and the older public header (Q024-Q043) with its flags byte.

function isGquicVersion(v: number): boolean {
  // 'Q' '0' digit digit
  return v >>> 16 === 0x5130 && ((v >> 8) & 0xff) >= 0x30 && ((v >> 8) & 0xff) <= 0x39;
}

/** GQUIC conversations (address/port pairs) and the version their client announced. */
interface GquicState {
  versions: Map<string, number>;
}

const newGquic = (): GquicState => ({ versions: new Map() });

function tupleKey(pinfo: PacketInfo): string {
  const src = endpoint(ipLayer.src, pinfo.srcPort);
  const dst = endpoint(ipLayer.dst, pinfo.dstPort);
  return src < dst ? `${src}|${dst}` : `${dst}|${src}`;
}

/** The version number (46 for Q046) in an old-style public header with the version flag, else 0. */
function oldHeaderVersion(tvb: Tvb): number {
  const o = tvb.start;
  const flags = tvb.u8(o);
  if (flags & 0x80 || !(flags & 0x01)) return 0;
  const cidLen = [0, 1, 4, 8][(flags >> 2) & 3] as number;
  if (!tvb.has(o + 1 + cidLen, 4)) return 0;
  const v = tvb.u32(o + 1 + cidLen);
  return isGquicVersion(v) ? gquicNumber(v) : 0;
}

const gquicNumber = (v: number): number => ((v >> 8) & 0xff) * 10 + (v & 0xff) - 0x30 * 11;

function dissectGQUIC(tvb: Tvb, pinfo: PacketInfo, tree: Tree, known: number): void {
  const o = tvb.start;
  pinfo.layers.push('gquic');
  pinfo.setProto('GQUIC');
  const flags = tvb.u8(o);
  tree.push(GQ[''], tvb, o, tvb.remaining(o));
  tree.add(GQ.puflags, tvb, o, 1, flags);
  let off = o + 1;
  let version = known;
  let cid: bigint | null = null;
  let pnLen: number;
  if (flags & 0x80) {
    // Q046: long header, version, connection ID lengths, CID (big-endian).
    version = gquicNumber(tvb.u32(off));
    tree.add(GQ.version, tvb, off, 4, tvb.ascii(off, 4));
    const cil = tvb.u8(off + 4);
    off += 5;
    if (cil >> 4 === 5) {
      cid = tvb.u64(off);
      off += 8;
    }
    pnLen = (flags & 3) + 1;
  } else {
    const cidLen = [0, 1, 4, 8][(flags >> 2) & 3] as number;
    if (cidLen === 8) cid = version < 43 && version !== 0 ? tvb.view.getBigUint64(off, true) : tvb.u64(off);
    else if (cidLen > 0) tvb.need(off, cidLen);
    off += cidLen;
    if (flags & 0x01) {
      version = gquicNumber(tvb.u32(off));
      tree.add(GQ.version, tvb, off, 4, tvb.ascii(off, 4));
      off += 4;
    }
    pnLen = version >= 46 ? (flags & 3) + 1 : ([1, 2, 4, 6][(flags >> 4) & 3] as number);
  }
  if (cid !== null) tree.add(GQ.cid, tvb, off - 8, 8, cid);
  tvb.need(off, pnLen);
  // Packet numbers are little-endian before Q039.
  let pn = 0;
  for (let i = 0; i < pnLen; i++) {
    const b = tvb.bytes[version !== 0 && version < 39 ? off + pnLen - 1 - i : off + i] as number;
    pn = pn * 256 + b;
  }
  tree.add(GQ.packet_number, tvb, off, pnLen, pn);
  off += pnLen;
  let message = '';
  if (tvb.has(off, 12)) {
    // Unencrypted packets carry a 12-byte hash, (before Q034) private flags, then frames.
    const frames = off + 12 + (version !== 0 && version < 34 ? 1 : 0);
    message = gquicMessage(tvb, frames);
    if (message) tree.add(GQ.message_authentication_hash, tvb, off, 12);
  }
  tree.pop();
  if (pinfo.wantInfo) {
    const id = cid !== null ? `, CID: ${cid}` : '';
    pinfo.setInfo(`${message || 'Payload (Encrypted)'}, PKN: ${pn}${id}`);
  }
}

/** The handshake message a Q046 STREAM frame on stream 1 starts with ('' when none). */
function gquicMessage(tvb: Tvb, off: number): string {
  if (!tvb.has(off, 1)) return '';
  const ft = tvb.bytes[off] as number;
  if (!(ft & 0x80)) return '';
  const idLen = (ft & 0x03) + 1;
  const offBits = (ft >> 2) & 7;
  const offLen = offBits === 0 ? 0 : offBits + 1;
  const dataLen = ft & 0x20 ? 2 : 0;
  const at = off + 1 + idLen + offLen + dataLen;
  if (!tvb.has(at, 4)) return '';
  const tag = tvb.ascii(at, 4);
  const known: Record<string, string> = {
    CHLO: 'Client Hello',
    SHLO: 'Server Hello',
    'REJ\0': 'Rejection',
    SCUP: 'Server Config Update',
  };
  return known[tag] ?? '';
}

// ---------------------------------------------------------------------------------------------
// Handoff: the heuristics Wireshark enables by default for UDP.

/** Wireshark's dissect_quic_heur: a long header with a known IETF version, or a known connection. */
function heuristic(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  const o = tvb.start;
  if (tvb.remaining(o) < 13) return false;
  const first = tvb.u8(o);
  // Google QUIC: a conversation some earlier packet showed to be GQUIC, or an old-style header
  // announcing a Q0xx version.
  const known = pinfo.state.of<GquicState>('gquic', newGquic).versions;
  const gq = known.size > 0 ? known.get(tupleKey(pinfo)) : undefined;
  const announced = gq === undefined ? oldHeaderVersion(tvb) : 0;
  if (gq !== undefined || announced !== 0) {
    if (announced !== 0) gquicClaim(pinfo, announced);
    dissectGQUIC(tvb, pinfo, tree, gq ?? announced);
    return true;
  }
  if (!(first & 0x80)) {
    // Most UDP lands here: only a capture with QUIC connections needs the lookup.
    if (pinfo.state.of<QuicState>('quic', newState).byTuple.size === 0) return false;
    const dg = lookup(pinfo, tvb, false);
    if (!dg.conn) return false;
    dissectQUIC(tvb, pinfo, tree);
    return true;
  }
  const version = tvb.u32(o + 1);
  if (isGquicVersion(version)) {
    gquicClaim(pinfo, gquicNumber(version));
    dissectGQUIC(tvb, pinfo, tree, gquicNumber(version));
    return true;
  }
  if (draftVersion(version) < 11 && version !== 0) return false;
  if (version === 0 && !lookup(pinfo, tvb, false).conn) return false;
  const dcil = tvb.u8(o + 5);
  if (dcil > 20 || o + 6 + dcil >= tvb.end) return false;
  if (tvb.u8(o + 6 + dcil) > 20) return false;
  dissectQUIC(tvb, pinfo, tree);
  return true;
}

/** Remembers that this conversation is Google QUIC (first pass only). */
function gquicClaim(pinfo: PacketInfo, version: number): void {
  if (pinfo.inError) return;
  const st = pinfo.state.of<GquicState>('gquic', newGquic);
  const key = tupleKey(pinfo);
  if (!st.versions.has(key)) st.versions.set(key, version);
}

export const quicModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.heuristics.udp.push(heuristic);
  },
};

/** Google QUIC's fields; its packets are found by the QUIC heuristic. */
export const gquicModule = { fields: GQ };
