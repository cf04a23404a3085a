// TLS handshake messages (RFC 5246 §7.4, RFC 8446 §4), shared by TLS over TCP (inside records)
// and QUIC (inside CRYPTO frames, RFC 9001 §4). Field names are Wireshark's `tls.handshake.*`.
import { absTime, bytes, fields, hex, names, str, text, uint, FieldType, type FieldDef } from './field.ts';
import { labelBytes } from './field-text.ts';
import { formatHex } from '../format/address.ts';
import { formatAbsoluteUtc } from '../format/time.ts';
import { expertInfo } from './dissect.ts';
import { EXPERT } from './ip-proto.ts';
import { NodeFlag, NULL_TREE, type Tree } from './tree.ts';
import { md5Hex } from './md5.ts';
import {
  CIPHER_SUITE_NAMES,
  EXTENSION_NAMES,
  GROUP_NAMES,
  HANDSHAKE_TYPE_NAMES,
  SIGNATURE_SCHEME_NAMES,
  VERSION_NAMES,
} from './tls-names.ts';
import { MalformedError, type Tvb } from './tvb.ts';
import { dissectCertificate } from './x509af.ts';

/** GREASE values (RFC 8701): 0x0a0a, 0x1a1a, ... 0xfafa. */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
}

/** A value_string table plus Wireshark's "Reserved (GREASE)" for the 16 GREASE values. */
function withGrease(table: Record<number, string>): ReadonlyMap<number, string> {
  const m = new Map(names(table));
  for (let i = 0; i < 16; i++) m.set(((i << 12) | 0x0a00 | (i << 4) | 0x0a) >>> 0, 'Reserved (GREASE)');
  return m;
}

export const HANDSHAKE_TYPES = names(HANDSHAKE_TYPE_NAMES);

export const VERSIONS = withGrease(VERSION_NAMES);

/** Maps TLS 1.3 draft versions to 0x0304 (Wireshark's tls_try_get_version); 0 when unknown. */
export function normalizeVersion(v: number): number {
  if (v === 0x0300 || v === 0x0301 || v === 0x0302 || v === 0x0303 || v === 0x0304 || v === 0x0101) return v;
  if ((v >= 0x7f0e && v <= 0x7f1c) || v === 0xfb17 || v === 0xfb1a) return 0x0304;
  return 0;
}

const SHORT_NAMES = names({
  0x0002: 'SSLv2',
  0x0300: 'SSLv3',
  0x0301: 'TLSv1',
  0x0302: 'TLSv1.1',
  0x0303: 'TLSv1.2',
  0x0304: 'TLSv1.3',
  0x0101: 'TLCP',
  0xfeff: 'DTLSv1.0',
  0xfefd: 'DTLSv1.2',
  0x0100: 'DTLS 1.0 (OpenSSL pre 0.9.8f)',
});

/** Protocol column name of a version (`TLSv1.2`), `fallback` when unknown. */
export function versionShortName(v: number, fallback = 'SSL'): string {
  return SHORT_NAMES.get(v) ?? fallback;
}

const CIPHER_SUITES = withGrease(CIPHER_SUITE_NAMES);

const EXTENSION_TYPES = withGrease(EXTENSION_NAMES);

const GROUPS = withGrease(GROUP_NAMES);

const SIGNATURE_SCHEMES = withGrease(SIGNATURE_SCHEME_NAMES);

const HASH_ALGS = names({
  0: 'None',
  1: 'MD5',
  2: 'SHA1',
  3: 'SHA224',
  4: 'SHA256',
  5: 'SHA384',
  6: 'SHA512',
});
const SIG_ALGS = names({
  0: 'Anonymous',
  1: 'RSA',
  2: 'DSA',
  3: 'ECDSA',
  4: 'SM2',
});

export const HS = fields('tls', {
  handshake: text('Handshake Protocol'),
  'handshake.type': uint('Handshake Type', 8, { strings: HANDSHAKE_TYPES }),
  'handshake.length': uint('Length', 24),
  'handshake.version': hex('Version', 16, { strings: VERSIONS }),
  'handshake.ja3_full': str('JA3 Fullstring', { generated: true }),
  'handshake.ja3': str('JA3', { generated: true }),
  'handshake.ja3s_full': str('JA3S Fullstring', { generated: true }),
  'handshake.ja3s': str('JA3S', { generated: true }),
  'handshake.random': bytes('Random'),
  // Shown as tshark prints an absolute time (a string here, as frame.time is).
  'handshake.random_time': absTime('GMT Unix Time'),
  'handshake.random_bytes': bytes('Random Bytes'),
  'handshake.session_id_length': uint('Session ID Length', 8),
  'handshake.session_id': bytes('Session ID'),
  'handshake.cipher_suites_length': uint('Cipher Suites Length', 16),
  'handshake.ciphersuites': text('Cipher Suites'),
  'handshake.ciphersuite': hex('Cipher Suite', 16, { strings: CIPHER_SUITES }),
  'handshake.comp_methods_length': uint('Compression Methods Length', 8),
  'handshake.comp_methods': text('Compression Methods'),
  'handshake.comp_method': uint('Compression Method', 8, {
    strings: names({ 0: 'null', 1: 'DEFLATE', 64: 'LZS' }),
  }),
  'handshake.extensions_length': uint('Extensions Length', 16),
  'handshake.extension.type': uint('Type', 16, { strings: EXTENSION_TYPES }),
  'handshake.extension.len': uint('Length', 16),
  'handshake.extension.data': bytes('Data'),
  'handshake.extensions_server_name_list_len': uint('Server Name list length', 16),
  'handshake.extensions_server_name_type': uint('Server Name Type', 8, {
    strings: names({ 0: 'host_name' }),
  }),
  'handshake.extensions_server_name_len': uint('Server Name length', 16),
  'handshake.extensions_server_name': str('Server Name'),
  'handshake.extensions_supported_groups_length': uint('Supported Groups List Length', 16),
  'handshake.extensions_supported_groups': text('Supported Groups List'),
  'handshake.extensions_supported_group': hex('Supported Group', 16, { strings: GROUPS }),
  'handshake.extensions_ec_point_formats_length': uint('EC point formats Length', 8),
  'handshake.extensions_ec_point_formats': text('EC point formats'),
  'handshake.extensions_ec_point_format': uint('EC point format', 8, {
    strings: names({ 0: 'uncompressed', 1: 'ansiX962_compressed_prime', 2: 'ansiX962_compressed_char2' }),
  }),
  'handshake.sig_hash_alg_len': uint('Signature Hash Algorithms Length', 16),
  'handshake.sig_hash_algs': text('Signature Algorithms'),
  'handshake.sig_hash_alg': hex('Signature Algorithm', 16, { strings: SIGNATURE_SCHEMES }),
  'handshake.sig_hash_hash': uint('Signature Hash Algorithm Hash', 8, { strings: HASH_ALGS }),
  'handshake.sig_hash_sig': uint('Signature Hash Algorithm Signature', 8, { strings: SIG_ALGS }),
  'handshake.extensions_alpn_len': uint('ALPN Extension Length', 16),
  'handshake.extensions_alpn_list': text('ALPN Protocol'),
  'handshake.extensions_alpn_str_len': uint('ALPN string length', 8),
  'handshake.extensions_alpn_str': str('ALPN Next Protocol'),
  'handshake.extensions_status_request_type': uint('Certificate Status Type', 8, {
    strings: names({ 1: 'OCSP', 2: 'OCSP Multi' }),
  }),
  'handshake.extensions_status_request_responder_ids_len': uint('Responder ID list Length', 16),
  'handshake.extensions_status_request_exts_len': uint('Request Extensions Length', 16),
  'handshake.extensions_key_share_client_length': uint('Client Key Share Length', 16),
  'handshake.extensions_key_share_group': uint('Group', 16, { strings: GROUPS }),
  'handshake.extensions_key_share_key_exchange_length': uint('Key Exchange Length', 16),
  'handshake.extensions_key_share_key_exchange': bytes('Key Exchange'),
  'handshake.extensions_key_share_selected_group': uint('Selected Group', 16, { strings: GROUPS }),
  'extension.psk_ke_modes_length': uint('PSK Key Exchange Modes Length', 8),
  'extension.psk_ke_mode': uint('PSK Key Exchange Mode', 8, {
    strings: names({
      0: 'PSK-only key establishment (psk_ke)',
      1: 'PSK with (EC)DHE key establishment (psk_dhe_ke)',
    }),
  }),
  'handshake.extensions.supported_versions_len': uint('Supported Versions length', 8),
  'handshake.extensions.supported_version': hex('Supported Version', 16, { strings: VERSIONS }),
  'handshake.extensions_reneg_info_len': uint('Renegotiation info extension length', 8),
  'handshake.extensions_reneg_info': bytes('Renegotiation info'),
  'handshake.extensions_padding_data': bytes('Padding Data'),
  record_size_limit: uint('Record Size Limit', 16),
  'compress_certificate.algorithms_length': uint('Algorithms Length', 8),
  'compress_certificate.algorithm': uint('Algorithm', 16, {
    strings: names({ 0: 'Reserved', 1: 'zlib', 2: 'brotli', 3: 'zstd' }),
  }),
  'handshake.extensions_alps_len': uint('ALPS Extension Length', 16),
  'handshake.extensions_alps_alpn_list': text('Supported ALPN List'),
  'handshake.extensions_alps_alpn_str_len': uint('Supported ALPN Length', 8),
  'handshake.extensions_alps_alpn_str': str('Supported ALPN'),
  'handshake.extensions.psk.identities.length': uint('Identities Length', 16),
  'handshake.extensions.psk.identity.identity_length': uint('Identity Length', 16),
  'handshake.extensions.psk.identity.identity': bytes('Identity'),
  'handshake.extensions.psk.identity.obfuscated_ticket_age': uint('Obfuscated Ticket Age', 32),
  'handshake.extensions.psk.binders_len': uint('PSK Binders length', 16),
  'handshake.extensions.psk.binders': text('PSK Binders'),
  'handshake.extensions.psk.identity.selected': uint('Selected Identity', 16),
  'handshake.certificate_request_context_length': uint('Certificate Request Context Length', 8),
  'handshake.certificate_request_context': bytes('Certificate Request Context'),
  'handshake.certificates_length': uint('Certificates Length', 24),
  'handshake.certificates': text('Certificates'),
  'handshake.certificate_length': uint('Certificate Length', 24),
  'handshake.certificate': bytes('Certificate'),
  'handshake.server_curve_type': hex('Curve Type', 8, { strings: names({ 3: 'named_curve' }) }),
  'handshake.server_named_curve': hex('Named Curve', 16, { strings: GROUPS }),
  'handshake.server_point_len': uint('Pubkey Length', 8),
  'handshake.server_point': bytes('Pubkey'),
  'handshake.client_point_len': uint('Pubkey Length', 8),
  'handshake.client_point': bytes('Pubkey'),
  'handshake.epms_len': uint('Encrypted PreMaster length', 16),
  'handshake.epms': bytes('Encrypted PreMaster'),
  'handshake.identity_len': uint('Identity Length', 16),
  'handshake.identity': bytes('Identity'),
  'handshake.p_len': uint('p Length', 16),
  'handshake.g_len': uint('g Length', 16),
  'handshake.ys_len': uint('Pubkey Length', 16),
  'handshake.yc_len': uint('Pubkey Length', 16),
  'handshake.ys': bytes('Pubkey'),
  'handshake.yc': bytes('Pubkey'),
  'handshake.sig_len': uint('Signature Length', 16),
  'handshake.sig': bytes('Signature'),
  'handshake.verify_data': text('Verify Data'),
  'handshake.client_cert_vrfy.sig_len': uint('Signature length', 16),
  'handshake.client_cert_vrfy.sig': bytes('Signature'),
  'early_data.max_early_data_size': uint('Maximum Early Data Size', 32),
  'handshake.session_ticket_lifetime_hint': uint('Session Ticket Lifetime Hint', 32),
  'handshake.session_ticket_age_add': uint('Session Ticket Age Add', 32),
  'handshake.session_ticket_nonce_length': uint('Session Ticket Nonce Length', 8),
  'handshake.session_ticket_nonce': bytes('Session Ticket Nonce'),
  'handshake.session_ticket_length': uint('Session Ticket Length', 16),
  'handshake.session_ticket': bytes('Session Ticket'),
});

/** QUIC transport parameters (RFC 9000 §18) by id, with the kind of value each holds. */
const QUIC_PARAMS: Record<number, [string, 'int' | 'bytes' | 'none']> = {
  0x00: ['original_destination_connection_id', 'bytes'],
  0x01: ['max_idle_timeout', 'int'],
  0x02: ['stateless_reset_token', 'bytes'],
  0x03: ['max_udp_payload_size', 'int'],
  0x04: ['initial_max_data', 'int'],
  0x05: ['initial_max_stream_data_bidi_local', 'int'],
  0x06: ['initial_max_stream_data_bidi_remote', 'int'],
  0x07: ['initial_max_stream_data_uni', 'int'],
  0x08: ['initial_max_streams_bidi', 'int'],
  0x09: ['initial_max_streams_uni', 'int'],
  0x0a: ['ack_delay_exponent', 'int'],
  0x0b: ['max_ack_delay', 'int'],
  0x0c: ['disable_active_migration', 'none'],
  0x0d: ['preferred_address', 'bytes'],
  0x0e: ['active_connection_id_limit', 'int'],
  0x0f: ['initial_source_connection_id', 'bytes'],
  0x10: ['retry_source_connection_id', 'bytes'],
  0x20: ['max_datagram_frame_size', 'int'],
};

export const QP = fields('tls.quic', {
  len: uint('Parameters Length', 16),
  parameter: text('Parameter'),
  'parameter.type': uint('Type', 64, {
    base: 'hex',
    strings: names(Object.fromEntries(Object.entries(QUIC_PARAMS).map(([k, v]) => [k, v[0]]))),
  }),
  'parameter.length': uint('Length', 64),
  'parameter.value': bytes('Value'),
  'parameter.original_destination_connection_id': bytes('original_destination_connection_id'),
  'parameter.max_idle_timeout': uint('max_idle_timeout', 64),
  'parameter.stateless_reset_token': bytes('stateless_reset_token'),
  'parameter.max_udp_payload_size': uint('max_udp_payload_size', 64),
  'parameter.initial_max_data': uint('initial_max_data', 64),
  'parameter.initial_max_stream_data_bidi_local': uint('initial_max_stream_data_bidi_local', 64),
  'parameter.initial_max_stream_data_bidi_remote': uint('initial_max_stream_data_bidi_remote', 64),
  'parameter.initial_max_stream_data_uni': uint('initial_max_stream_data_uni', 64),
  'parameter.initial_max_streams_bidi': uint('initial_max_streams_bidi', 64),
  'parameter.initial_max_streams_uni': uint('initial_max_streams_uni', 64),
  'parameter.ack_delay_exponent': uint('ack_delay_exponent', 64),
  'parameter.max_ack_delay': uint('max_ack_delay', 64),
  'parameter.active_connection_id_limit': uint('Active Connection ID Limit', 64),
  'parameter.initial_source_connection_id': bytes('Initial Source Connection ID'),
  'parameter.retry_source_connection_id': bytes('Retry Source Connection ID'),
  'parameter.max_datagram_frame_size': uint('max_datagram_frame_size', 64),
});

/** A QUIC variable-length integer at `off`: [value, length]. */
function quicVarint(tvb: Tvb, off: number): [number, number] {
  const b = tvb.u8(off);
  const n = 1 << (b >> 6);
  tvb.need(off, n);
  let v = b & 0x3f;
  for (let i = 1; i < n; i++) v = v * 256 + (tvb.bytes[off + i] as number);
  return [v, n];
}

/** The quic_transport_parameters extension: one subtree per parameter, as Wireshark shows them. */
function transportParameters(tvb: Tvb, off: number, end: number, tree: Tree): void {
  let p = off;
  while (p < end) {
    const [type, tn] = quicVarint(tvb, p);
    const [len, ln] = quicVarint(tvb, p + tn);
    const at = p + tn + ln;
    tvb.need(at, len);
    const [name, kind] = QUIC_PARAMS[type] ?? [`Unknown 0x${type.toString(16).padStart(2, '0')}`, 'bytes'];
    let value = '';
    let intValue = -1;
    if (kind === 'int' && len > 0) {
      intValue = quicVarint(tvb, at)[0];
      value = ` ${intValue}${type === 0x01 || type === 0x0b ? ' ms' : ''}`;
    }
    tree.push(QP.parameter, tvb, p, tn + ln + len);
    if (tree.full) tree.label(`Parameter: ${name} (len=${len})${value}`);
    tree.add(QP['parameter.type'], tvb, p, tn, type);
    if (tree.full) tree.labelLast(`Type: ${name} (0x${type.toString(16).padStart(2, '0')})`);
    tree.add(QP['parameter.length'], tvb, p + tn, ln, len);
    if (kind !== 'none') {
      tree.add(QP['parameter.value'], tvb, at, len);
      if (tree.full && len === 0) tree.labelLast('Value: <MISSING>');
      const own = (QP as Record<string, FieldDef>)[`parameter.${name}`];
      if (own && intValue >= 0) tree.add(own, tvb, at, len, intValue);
      else if (own && kind === 'bytes') {
        tree.add(own, tvb, at, len);
        if (tree.full && len === 0) tree.labelLast(`${own.name}: <MISSING>`);
      }
    }
    tree.pop();
    p = at + len;
  }
}

/**
 * A label-only subtree (Wireshark's proto_tree_add_subtree): not a field, so never registered,
 * never collected and never filterable.
 */
export const SUBTREE: FieldDef = { name: '', type: FieldType.None, abbrev: '', id: -1 };

/** Opens a label-only subtree over [off, off + len); close it with tree.pop(). */
function subtree(tree: Tree, tvb: Tvb, off: number, len: number, label: string): void {
  tree.push(SUBTREE, tvb, off, len);
  if (tree.full) tree.label(label);
}

/** What a handshake dissection learns, for the caller's columns and session state. */
export interface HandshakeResult {
  /** Message names for the Info column, in order. */
  names: string[];
  /** Version a ServerHello selected (normalized, 0 when none). */
  serverVersion: number;
  /** Cipher suite a ServerHello selected (-1 when none). */
  cipherSuite: number;
  /** The protocol a ServerHello's ALPN selected ('' when none). */
  alpn: string;
  /** A ClientHello offered early_data: the session is TLS 1.3 (Wireshark forces it). */
  earlyData?: boolean;
}

export interface HandshakeContext {
  /** Cipher suite of the session, to parse key exchange messages (-1 when unknown). */
  cipherSuite: number;
  /** Session version (0x0304 parses TLS 1.3 message layouts). */
  version: number;
  /** The packet's protocol stack: certificates add the X.509 layers Wireshark adds. */
  layers?: string[];
  /** DTLS: the ClientHello's cookie after the session id; returns the offset after it. */
  afterSessionId?: (tvb: Tvb, off: number, end: number, tree: Tree) => number;
}

const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

/**
 * Dissects the handshake messages in [off, end): each complete message gets its subtree. Stops at
 * a message that does not fit (the caller shows what is left as a fragment).
 * Returns the offset where dissection stopped.
 */
export function dissectHandshakes(
  tvb: Tvb,
  off: number,
  end: number,
  ctx: HandshakeContext,
  result: HandshakeResult,
  tree: Tree,
): number {
  while (off < end) {
    if (end - off < 4) break;
    const type = tvb.u8(off);
    const len = tvb.u24(off + 1);
    if (off + 4 + len > end) break;
    dissectOne(tvb, off, type, len, ctx, result, tree);
    off += 4 + len;
  }
  return off;
}

function dissectOne(
  whole: Tvb,
  off: number,
  type: number,
  len: number,
  ctx: HandshakeContext,
  result: HandshakeResult,
  tree: Tree,
): void {
  // Reads past the message's own length are malformed, not a peek into the next message.
  const tvb = whole.sub(off, 4 + len);
  let name = HANDSHAKE_TYPES.get(type) ?? 'Encrypted Handshake Message';
  if (type === 2 && len >= 34 && formatHex(tvb.slice(off + 6, 32)) === HRR_RANDOM)
    name = 'Hello Retry Request';
  result.names.push(name);
  tree.push(HS.handshake, tvb, off, 4 + len);
  if (tree.full) tree.label(`Handshake Protocol: ${name}`);
  tree.add(HS['handshake.type'], tvb, off, 1, type);
  tree.add(HS['handshake.length'], tvb, off + 1, 3, len);
  handshakeBody(tvb, type, off + 4, off + 4 + len, name === 'Hello Retry Request', ctx, result, tree);
  tree.pop();
}

/**
 * The body of one handshake message in [body, end) after its header (4 bytes in TLS, 12 in
 * DTLS, whose dissector parses that header itself and calls this for the body).
 */
export function handshakeBody(
  tvb: Tvb,
  type: number,
  body: number,
  end: number,
  retry: boolean,
  ctx: HandshakeContext,
  result: HandshakeResult,
  tree: Tree,
): void {
  switch (type) {
    case 1:
      clientHello(tvb, body, end, ctx, result, tree);
      break;
    case 2:
      serverHello(tvb, body, end, retry, result, tree, ctx.afterSessionId !== undefined);
      break;
    case 4:
      newSessionTicket(tvb, body, end, ctx, tree);
      break;
    case 8:
      extensionBlock(tvb, body, end, Hello.Encrypted, tree);
      break;
    case 11:
      certificate(tvb, body, end, ctx, tree);
      break;
    case 12:
      serverKeyExchange(tvb, body, end, ctx, tree);
      break;
    case 15:
      signature(tvb, body, end, tree, true);
      break;
    case 16:
      clientKeyExchange(tvb, body, end, ctx, tree);
      break;
    case 20:
      if (end > body) tree.add(HS['handshake.verify_data'], tvb, body, end - body);
      break;
    default:
      break;
  }
}

const enum Hello {
  Client,
  Server,
  Retry,
  Encrypted,
  Ticket,
}

/**
 * A vector's length field must fit before `end` (Wireshark's ssl_add_vector): else the expert
 * note "No more room for vector of length N", and the message is malformed from there.
 */
function vectorRoom(tree: Tree, tvb: Tvb, off: number, end: number, size: number): void {
  if (end - off >= size) return;
  const message = `No more room for vector of length ${size}`;
  if (tree.full) tree.push(EXPERT['expert.item'], tvb, off, end - off);
  expertInfo(tree, tvb, off, end - off, 'Error', 'Malformed', message);
  if (tree.full) tree.pop(undefined, message);
  throw new MalformedError(message, off);
}

/** Adds a big-endian integer field of `n` bytes and returns its value. */
function num(tree: Tree, def: FieldDef, tvb: Tvb, off: number, n: 1 | 2 | 3 | 4): number {
  const v = n === 1 ? tvb.u8(off) : n === 2 ? tvb.u16(off) : n === 3 ? tvb.u24(off) : tvb.u32(off);
  tree.add(def, tvb, off, n, v);
  return v;
}

function clientHello(
  tvb: Tvb,
  off: number,
  end: number,
  ctx: HandshakeContext,
  result: HandshakeResult,
  tree: Tree,
): void {
  const start = off;
  off = versionRandomSession(tvb, off, tree, ctx.version === 0x0304);
  if (ctx.afterSessionId) off = ctx.afterSessionId(tvb, off, end, tree);
  const csLen = num(tree, HS['handshake.cipher_suites_length'], tvb, off, 2);
  off += 2;
  const csStart = off;
  tree.push(HS['handshake.ciphersuites'], tvb, off, csLen);
  if (tree.full) tree.label(`Cipher Suites (${csLen >> 1} suite${csLen >> 1 === 1 ? '' : 's'})`);
  for (let p = off; p + 2 <= off + csLen; p += 2) num(tree, HS['handshake.ciphersuite'], tvb, p, 2);
  tree.pop();
  off += csLen;
  const cmLen = num(tree, HS['handshake.comp_methods_length'], tvb, off, 1);
  off += 1;
  tree.push(HS['handshake.comp_methods'], tvb, off, cmLen);
  if (tree.full) tree.label(`Compression Methods (${cmLen} method${cmLen === 1 ? '' : 's'})`);
  for (let p = off; p < off + cmLen; p++) num(tree, HS['handshake.comp_method'], tvb, p, 1);
  tree.pop();
  off += cmLen;
  const extensionsAt = off;
  if (off < end) extensionBlock(tvb, off, end, Hello.Client, tree, result);
  // DTLS files its fingerprint under its own names (dtls.handshake.ja3), which Trawl does not have.
  if (!ctx.afterSessionId)
    addJa3(tree, tvb, end, 'ja3', clientJa3(tvb, start, csStart, csLen, extensionsAt, end));
}

/** The 16-bit values in [from, to), GREASE left out, joined by dashes. */
function dashedU16(tvb: Tvb, from: number, to: number): string {
  const out: number[] = [];
  for (let p = from; p + 2 <= to; p += 2) {
    const v = tvb.u16(p);
    if (!isGrease(v)) out.push(v);
  }
  return out.join('-');
}

/** A hello's extension types (GREASE left out) and the bodies of those JA3 lists (groups, point formats). */
function ja3Extensions(
  tvb: Tvb,
  off: number,
  end: number,
): { types: string; groups: string; formats: string } {
  const types: number[] = [];
  let groups = '';
  let formats = '';
  if (off + 2 > end) return { types: '', groups, formats };
  const stop = Math.min(end, off + 2 + tvb.u16(off));
  for (let p = off + 2; p + 4 <= stop; p += 4 + tvb.u16(p + 2)) {
    const type = tvb.u16(p);
    const body = p + 4;
    const bodyEnd = Math.min(stop, body + tvb.u16(p + 2));
    if (!isGrease(type)) types.push(type);
    if (type === 10 && body + 2 <= bodyEnd)
      groups = dashedU16(tvb, body + 2, Math.min(bodyEnd, body + 2 + tvb.u16(body)));
    if (type === 11 && body + 1 <= bodyEnd) {
      const n = Math.min(bodyEnd, body + 1 + tvb.u8(body));
      const list: number[] = [];
      for (let q = body + 1; q < n; q++) list.push(tvb.u8(q));
      formats = list.join('-');
    }
  }
  return { types: types.join('-'), groups, formats };
}

/** JA3: `version,ciphers,extensions,groups,point formats` of a ClientHello. */
function clientJa3(
  tvb: Tvb,
  hello: number,
  csStart: number,
  csLen: number,
  extensions: number,
  end: number,
): string {
  const ext = ja3Extensions(tvb, extensions, end);
  const ciphers = dashedU16(tvb, csStart, csStart + csLen);
  return `${tvb.u16(hello)},${ciphers},${ext.types},${ext.groups},${ext.formats}`;
}

/** The fingerprint's full string and its MD5, generated items at the end of the hello. */
function addJa3(tree: Tree, tvb: Tvb, end: number, kind: 'ja3' | 'ja3s', full: string): void {
  const fullDef = HS[kind === 'ja3' ? 'handshake.ja3_full' : 'handshake.ja3s_full'];
  const hashDef = HS[kind === 'ja3' ? 'handshake.ja3' : 'handshake.ja3s'];
  if (!tree.wants(fullDef) && !tree.wants(hashDef)) return;
  tree.add(fullDef, tvb, end, 0, full, NodeFlag.Generated);
  tree.add(hashDef, tvb, end, 0, md5Hex(full), NodeFlag.Generated);
}

function serverHello(
  tvb: Tvb,
  off: number,
  end: number,
  retry: boolean,
  result: HandshakeResult,
  tree: Tree,
  dtls: boolean,
): void {
  const legacy = tvb.u16(off);
  // Wireshark scans supported_versions first: a TLS 1.3 random is not split into time and bytes.
  const scanned = retry || legacy !== 0x0303 ? 0 : scanSelectedVersion(tvb, off, end);
  const version = scanned || legacy;
  const tls13 = normalizeVersion(version) === 0x0304;
  // Drafts before 22 had no legacy_session_id and no compression method in the ServerHello.
  const draft = draftOf(version);
  const early = tls13 && draft > 0 && draft < 22;
  off = versionRandomSession(tvb, off, tree, tls13, !early);
  result.cipherSuite = num(tree, HS['handshake.ciphersuite'], tvb, off, 2);
  off += 2;
  if (!early) {
    num(tree, HS['handshake.comp_method'], tvb, off, 1);
    off += 1;
  }
  result.serverVersion = normalizeVersion(legacy);
  const extensionsAt = off;
  if (off < end) {
    const selected = extensionBlock(tvb, off, end, retry ? Hello.Retry : Hello.Server, tree, result);
    if (selected) result.serverVersion = normalizeVersion(selected) || result.serverVersion;
  }
  // JA3S: `version,cipher,extensions`.
  if (!dtls)
    addJa3(
      tree,
      tvb,
      end,
      'ja3s',
      `${legacy},${result.cipherSuite},${ja3Extensions(tvb, extensionsAt, end).types}`,
    );
}

/** The version a ServerHello's supported_versions selects, read without adding anything (0: none). */
function scanSelectedVersion(tvb: Tvb, off: number, end: number): number {
  try {
    let p = off + 34;
    p += 1 + tvb.u8(p) + 3;
    if (p + 2 > end) return 0;
    return extensionBlock(tvb, p, end, Hello.Server, NULL_TREE);
  } catch {
    // A bad ServerHello: the real pass reports it.
    return 0;
  }
}

/** The TLS 1.3 draft number of a version (Wireshark's extract_tls13_draft_version), 0 if none. */
function draftOf(v: number): number {
  if ((v & 0xff00) === 0x7f00 || v === 0xfb17 || v === 0xfb1a) return v & 0xff;
  return 0;
}

/** legacy_version, random, legacy_session_id (when `sessionId`); returns the offset after them. */
function versionRandomSession(tvb: Tvb, off: number, tree: Tree, tls13: boolean, sessionId = true): number {
  num(tree, HS['handshake.version'], tvb, off, 2);
  tree.push(HS['handshake.random'], tvb, off + 2, 32);
  if (!tls13) {
    if (tree.wants(HS['handshake.random_time'])) {
      tree.add(HS['handshake.random_time'], tvb, off + 2, 4, formatAbsoluteUtc(tvb.u32(off + 2), 0));
    }
    tree.add(HS['handshake.random_bytes'], tvb, off + 6, 28);
  }
  tree.pop();
  tvb.need(off + 2, 32);
  off += 34;
  if (!sessionId) return off;
  const sidLen = num(tree, HS['handshake.session_id_length'], tvb, off, 1);
  off += 1;
  if (sidLen > 0) tree.add(HS['handshake.session_id'], tvb, off, sidLen);
  tvb.need(off, sidLen);
  return off + sidLen;
}

/**
 * The extensions of a hello (or EncryptedExtensions, ticket, certificate entry): a 2-byte length
 * and the list. Returns the version a ServerHello's supported_versions selected (0 when none).
 */
function extensionBlock(
  tvb: Tvb,
  off: number,
  end: number,
  kind: Hello,
  tree: Tree,
  out: { alpn: string; earlyData?: boolean } = { alpn: '' },
): number {
  const total = num(tree, HS['handshake.extensions_length'], tvb, off, 2);
  off += 2;
  const stop = Math.min(end, off + total);
  let selected = 0;
  while (off + 4 <= stop) {
    const type = tvb.u16(off);
    const len = tvb.u16(off + 2);
    // A label-only subtree, as Wireshark's: the type is filed once, by the item under it.
    subtree(
      tree,
      tvb,
      off,
      4 + len,
      `Extension: ${EXTENSION_TYPES.get(type) ?? `Unknown type ${type}`} (len=${len})`,
    );
    tree.add(HS['handshake.extension.type'], tvb, off, 2, type);
    tree.add(HS['handshake.extension.len'], tvb, off + 2, 2, len);
    if (type === 42 && kind === Hello.Client) out.earlyData = true;
    const v = extension(tvb.sub(off + 4, len), off + 4, len, type, kind, tree, out);
    if (v) selected = v;
    tree.pop();
    off += 4 + len;
  }
  if (off < stop) tvb.need(off, 4);
  return selected;
}

/** One extension's body; returns the selected version for a ServerHello supported_versions. */
function extension(
  tvb: Tvb,
  off: number,
  len: number,
  type: number,
  kind: Hello,
  tree: Tree,
  out: { alpn: string },
): number {
  const end = off + len;
  tvb.need(off, len);
  if (type === 35) {
    tree.add(HS['handshake.extension.data'], tvb, off, len);
    if (tree.full) tree.labelLast(`Data (${len} byte${len === 1 ? '' : 's'})`);
    return 0;
  }
  if (len === 0) {
    if (!KNOWN_EXTENSIONS.has(type)) {
      tree.add(HS['handshake.extension.data'], tvb, off, 0);
      if (tree.full) tree.labelLast('Data: <MISSING>');
    }
    return 0;
  }
  switch (type) {
    case 0: {
      // Servers send an empty server_name to acknowledge it.
      if (kind !== Hello.Client) break;
      subtree(tree, tvb, off, len, 'Server Name Indication extension');
      vectorRoom(tree, tvb, off, end, 2);
      const listLen = num(tree, HS['handshake.extensions_server_name_list_len'], tvb, off, 2);
      let p = off + 2;
      const stop = Math.min(end, p + listLen);
      while (p + 3 <= stop) {
        num(tree, HS['handshake.extensions_server_name_type'], tvb, p, 1);
        const n = num(tree, HS['handshake.extensions_server_name_len'], tvb, p + 1, 2);
        tree.add(HS['handshake.extensions_server_name'], tvb, p + 3, n, tvb.ascii(p + 3, n));
        p += 3 + n;
      }
      tree.pop();
      return 0;
    }
    case 10: {
      const n = num(tree, HS['handshake.extensions_supported_groups_length'], tvb, off, 2);
      tree.push(HS['handshake.extensions_supported_groups'], tvb, off + 2, n);
      if (tree.full) tree.label(`Supported Groups (${n >> 1} group${n >> 1 === 1 ? '' : 's'})`);
      for (let p = off + 2; p + 2 <= Math.min(end, off + 2 + n); p += 2)
        num(tree, HS['handshake.extensions_supported_group'], tvb, p, 2);
      tree.pop();
      return 0;
    }
    case 11: {
      const n = num(tree, HS['handshake.extensions_ec_point_formats_length'], tvb, off, 1);
      tree.push(HS['handshake.extensions_ec_point_formats'], tvb, off + 1, n);
      if (tree.full) tree.label(`Elliptic curves point formats (${n})`);
      for (let p = off + 1; p < Math.min(end, off + 1 + n); p++)
        num(tree, HS['handshake.extensions_ec_point_format'], tvb, p, 1);
      tree.pop();
      return 0;
    }
    case 13:
    case 50:
      signatureAlgorithms(tvb, off, end, tree);
      return 0;
    case 16: {
      const n = num(tree, HS['handshake.extensions_alpn_len'], tvb, off, 2);
      tree.push(HS['handshake.extensions_alpn_list'], tvb, off + 2, n);
      let p = off + 2;
      const stop = Math.min(end, p + n);
      while (p < stop) {
        const l = num(tree, HS['handshake.extensions_alpn_str_len'], tvb, p, 1);
        const proto = tvb.ascii(p + 1, l);
        tree.add(HS['handshake.extensions_alpn_str'], tvb, p + 1, l, proto);
        if (kind === Hello.Server) out.alpn = proto;
        p += 1 + l;
      }
      tree.pop();
      return 0;
    }
    case 5:
      if (kind !== Hello.Client) break;
      num(tree, HS['handshake.extensions_status_request_type'], tvb, off, 1);
      if (len >= 5) {
        const ids = num(tree, HS['handshake.extensions_status_request_responder_ids_len'], tvb, off + 1, 2);
        num(tree, HS['handshake.extensions_status_request_exts_len'], tvb, off + 3 + ids, 2);
      }
      return 0;
    case 21:
      tree.add(HS['handshake.extensions_padding_data'], tvb, off, len);
      return 0;
    case 28:
      num(tree, HS.record_size_limit, tvb, off, 2);
      return 0;
    case 27:
      compressCertificate(tvb, off, end, tree);
      return 0;
    case 34:
      signatureAlgorithms(tvb, off, end, tree);
      return 0;
    case 41:
      preSharedKey(tvb, off, end, kind, tree);
      return 0;
    case 17513:
      if (kind !== Hello.Client) break;
      applicationSettings(tvb, off, end, tree);
      return 0;
    case 43:
      if (kind === Hello.Client) {
        const n = num(tree, HS['handshake.extensions.supported_versions_len'], tvb, off, 1);
        for (let p = off + 1; p + 2 <= Math.min(end, off + 1 + n); p += 2)
          num(tree, HS['handshake.extensions.supported_version'], tvb, p, 2);
        return 0;
      }
      return num(tree, HS['handshake.extensions.supported_version'], tvb, off, 2);
    case 42:
      // Only a NewSessionTicket's early_data has a body: max_early_data_size.
      if (kind === Hello.Ticket && len >= 4) {
        num(tree, HS['early_data.max_early_data_size'], tvb, off, 4);
        return 0;
      }
      break;
    case 45: {
      const n = num(tree, HS['extension.psk_ke_modes_length'], tvb, off, 1);
      for (let p = off + 1; p < Math.min(end, off + 1 + n); p++)
        num(tree, HS['extension.psk_ke_mode'], tvb, p, 1);
      return 0;
    }
    case 51:
      keyShare(tvb, off, end, kind, tree);
      return 0;
    case 57:
    case 65445:
      transportParameters(tvb, off, end, tree);
      return 0;
    case 65281: {
      subtree(tree, tvb, off, len, 'Renegotiation Info extension');
      const n = num(tree, HS['handshake.extensions_reneg_info_len'], tvb, off, 1);
      if (n > 0) tree.add(HS['handshake.extensions_reneg_info'], tvb, off + 1, n);
      tree.pop();
      return 0;
    }
    default:
      break;
  }
  tree.add(HS['handshake.extension.data'], tvb, off, len);
  return 0;
}

/** Extensions whose (empty) body Wireshark parses, so an empty one shows no Data line. */
const KNOWN_EXTENSIONS = new Set([
  0, 1, 5, 10, 11, 13, 15, 16, 17, 18, 19, 20, 21, 22, 23, 27, 28, 35, 41, 42, 43, 44, 45, 47, 49, 50, 51, 57,
  13172, 17513, 65281, 65445,
]);

function signatureAlgorithms(tvb: Tvb, off: number, end: number, tree: Tree): void {
  const n = num(tree, HS['handshake.sig_hash_alg_len'], tvb, off, 2);
  tree.push(HS['handshake.sig_hash_algs'], tvb, off + 2, n);
  if (tree.full) tree.label(`Signature Hash Algorithms (${n >> 1} algorithm${n >> 1 === 1 ? '' : 's'})`);
  for (let p = off + 2; p + 2 <= Math.min(end, off + 2 + n); p += 2) sigAlg(tvb, p, tree);
  tree.pop();
}

/** compress_certificate (RFC 8879): the algorithms the sender can decompress. */
function compressCertificate(tvb: Tvb, off: number, end: number, tree: Tree): void {
  const n = num(tree, HS['compress_certificate.algorithms_length'], tvb, off, 1);
  for (let p = off + 1; p + 2 <= Math.min(end, off + 1 + n); p += 2)
    num(tree, HS['compress_certificate.algorithm'], tvb, p, 2);
}

/** application_settings (ALPS): the ALPN protocols the client has settings for. */
function applicationSettings(tvb: Tvb, off: number, end: number, tree: Tree): void {
  const n = num(tree, HS['handshake.extensions_alps_len'], tvb, off, 2);
  const stop = Math.min(end, off + 2 + n);
  tree.push(HS['handshake.extensions_alps_alpn_list'], tvb, off + 2, stop - off - 2);
  for (let p = off + 2; p < stop;) {
    const l = num(tree, HS['handshake.extensions_alps_alpn_str_len'], tvb, p, 1);
    tree.add(HS['handshake.extensions_alps_alpn_str'], tvb, p + 1, l, tvb.ascii(p + 1, l));
    p += 1 + l;
  }
  tree.pop();
}

/** pre_shared_key (RFC 8446 4.2.11): the client's identities and binders, the server's choice. */
function preSharedKey(tvb: Tvb, off: number, end: number, kind: Hello, tree: Tree): void {
  if (kind !== Hello.Client) {
    num(tree, HS['handshake.extensions.psk.identity.selected'], tvb, off, 2);
    return;
  }
  subtree(tree, tvb, off, end - off, 'Pre-Shared Key extension');
  const n = num(tree, HS['handshake.extensions.psk.identities.length'], tvb, off, 2);
  const stop = Math.min(end, off + 2 + n);
  let p = off + 2;
  while (p + 2 <= stop) {
    const l = tvb.u16(p);
    subtree(tree, tvb, p, 2 + l + 4, `PSK Identity (length: ${l})`);
    num(tree, HS['handshake.extensions.psk.identity.identity_length'], tvb, p, 2);
    tree.add(HS['handshake.extensions.psk.identity.identity'], tvb, p + 2, l);
    num(tree, HS['handshake.extensions.psk.identity.obfuscated_ticket_age'], tvb, p + 2 + l, 4);
    tree.pop();
    p += 2 + l + 4;
  }
  const binders = num(tree, HS['handshake.extensions.psk.binders_len'], tvb, stop, 2);
  tree.add(HS['handshake.extensions.psk.binders'], tvb, stop + 2, Math.min(binders, end - stop - 2));
  tree.pop();
}

function sigAlg(tvb: Tvb, p: number, tree: Tree): void {
  const v = tvb.u16(p);
  tree.push(HS['handshake.sig_hash_alg'], tvb, p, 2, v);
  tree.add(HS['handshake.sig_hash_hash'], tvb, p, 1, v >> 8);
  tree.add(HS['handshake.sig_hash_sig'], tvb, p + 1, 1, v & 0xff);
  tree.pop();
}

function keyShare(tvb: Tvb, off: number, end: number, kind: Hello, tree: Tree): void {
  if (kind === Hello.Retry) {
    num(tree, HS['handshake.extensions_key_share_selected_group'], tvb, off, 2);
    return;
  }
  subtree(tree, tvb, off, end - off, 'Key Share extension');
  let p = off;
  let stop = end;
  if (kind === Hello.Client) {
    const n = num(tree, HS['handshake.extensions_key_share_client_length'], tvb, off, 2);
    p = off + 2;
    stop = Math.min(end, p + n);
  }
  while (p + 4 <= stop) {
    const group = tvb.u16(p);
    const n = tvb.u16(p + 2);
    const g = GROUPS.get(group) ?? 'Unknown';
    subtree(tree, tvb, p, 4 + n, `Key Share Entry: Group: ${g}, Key Exchange length: ${n}`);
    tree.add(HS['handshake.extensions_key_share_group'], tvb, p, 2, group);
    tree.add(HS['handshake.extensions_key_share_key_exchange_length'], tvb, p + 2, 2, n);
    tvb.need(p + 4, n);
    if (n > 0) tree.add(HS['handshake.extensions_key_share_key_exchange'], tvb, p + 4, n);
    tree.pop();
    p += 4 + n;
    if (kind !== Hello.Client) break;
  }
  tree.pop();
}

function certificate(tvb: Tvb, off: number, end: number, ctx: HandshakeContext, tree: Tree): void {
  if (ctx.version === 0x0304) {
    const n = num(tree, HS['handshake.certificate_request_context_length'], tvb, off, 1);
    if (n > 0) tree.add(HS['handshake.certificate_request_context'], tvb, off + 1, n);
    off += 1 + n;
  }
  const total = num(tree, HS['handshake.certificates_length'], tvb, off, 3);
  off += 3;
  const stop = Math.min(end, off + total);
  tree.push(HS['handshake.certificates'], tvb, off, stop - off);
  if (tree.full) tree.label(`Certificates (${total} bytes)`);
  while (off + 3 <= stop) {
    const n = num(tree, HS['handshake.certificate_length'], tvb, off, 3);
    tvb.need(off + 3, n);
    // The certificate's X.509 tree goes under its item; its subject ends the item's label.
    tree.push(HS['handshake.certificate'], tvb, off + 3, n);
    const cert = dissectCertificate(tvb, off + 3, off + 3 + n, tree, ctx.layers, sigAlg);
    if (tree.full) {
      // Wireshark's bytes label (36 bytes, then an ellipsis) followed by the subject.
      const shown = formatHex(tvb.bytes, off + 3, Math.min(n, 36)) + (n > 36 ? '…' : '');
      tree.label(labelBytes(`Certificate: ${shown}${cert.subject ? ` (${cert.subject})` : ''}`));
    }
    tree.pop();
    off += 3 + n;
    if (ctx.version === 0x0304 && off + 2 <= stop) {
      const e = tvb.u16(off);
      extensionBlock(tvb, off, Math.min(stop, off + 2 + e), Hello.Encrypted, tree);
      off += 2 + e;
    }
  }
  tree.pop();
}

/** Wireshark's unsigned_time_secs_to_str: `1 day, 2 hours, 5 minutes, 1 second`. */
function secondsText(total: number): string {
  if (total === 0) return '0 seconds';
  const parts: string[] = [];
  const units: [number, string][] = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  let rest = total;
  for (const [size, unit] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  }
  return parts.join(', ');
}

/** Key exchange algorithm of a TLS 1.2 suite: 'ecdhe', 'dhe', 'rsa' or '' when unknown. */
function keyExchange(suite: number): string {
  const name = CIPHER_SUITES.get(suite) ?? '';
  if (name.startsWith('TLS_ECDHE_') || name.startsWith('TLS_ECDH_')) return 'ecdhe';
  if (name.startsWith('TLS_DHE_')) return 'dhe';
  if (name.startsWith('TLS_RSA_')) return 'rsa';
  if (name.startsWith('TLS_PSK_')) return 'psk';
  return '';
}

function serverKeyExchange(tvb: Tvb, off: number, end: number, ctx: HandshakeContext, tree: Tree): void {
  const kx = keyExchange(ctx.cipherSuite);
  if (kx === '' || kx === 'psk') return;
  subtree(
    tree,
    tvb,
    off,
    end - off,
    kx === 'ecdhe' ? 'EC Diffie-Hellman Server Params' : 'Diffie-Hellman Server Params',
  );
  if (kx === 'ecdhe') {
    num(tree, HS['handshake.server_curve_type'], tvb, off, 1);
    num(tree, HS['handshake.server_named_curve'], tvb, off + 1, 2);
    const n = num(tree, HS['handshake.server_point_len'], tvb, off + 3, 1);
    tree.add(HS['handshake.server_point'], tvb, off + 4, n);
    off += 4 + n;
  } else if (kx === 'dhe') {
    for (const [lenDef] of [
      [HS['handshake.p_len']],
      [HS['handshake.g_len']],
      [HS['handshake.ys_len']],
    ] as const) {
      const n = num(tree, lenDef, tvb, off, 2);
      if (lenDef === HS['handshake.ys_len']) tree.add(HS['handshake.ys'], tvb, off + 2, n);
      off += 2 + n;
    }
  }
  if (off < end) signature(tvb, off, end, tree);
  tree.pop();
}

/** A signature: algorithm (TLS 1.2+), length, bytes. */
function signature(tvb: Tvb, off: number, end: number, tree: Tree, verify = false): void {
  if (end - off >= 4 && end - off !== 2 + tvb.u16(off)) {
    sigAlg(tvb, off, tree);
    off += 2;
  }
  // A CertificateVerify's length and signature have fields of their own in Wireshark.
  const n = num(tree, HS[verify ? 'handshake.client_cert_vrfy.sig_len' : 'handshake.sig_len'], tvb, off, 2);
  if (n > 0) tree.add(HS[verify ? 'handshake.client_cert_vrfy.sig' : 'handshake.sig'], tvb, off + 2, n);
  tvb.need(off + 2, n);
}

function clientKeyExchange(tvb: Tvb, off: number, end: number, ctx: HandshakeContext, tree: Tree): void {
  const kx = keyExchange(ctx.cipherSuite);
  const len = end - off;
  if (kx === 'psk') {
    subtree(tree, tvb, off, len, 'PSK Client Params');
    const n = num(tree, HS['handshake.identity_len'], tvb, off, 2);
    tree.add(HS['handshake.identity'], tvb, off + 2, n);
  } else if (kx === 'ecdhe' || (kx === '' && len > 0 && tvb.u8(off) === len - 1)) {
    subtree(tree, tvb, off, len, 'EC Diffie-Hellman Client Params');
    const n = num(tree, HS['handshake.client_point_len'], tvb, off, 1);
    tree.add(HS['handshake.client_point'], tvb, off + 1, n);
  } else if (kx === 'dhe') {
    subtree(tree, tvb, off, len, 'Diffie-Hellman Client Params');
    const n = num(tree, HS['handshake.yc_len'], tvb, off, 2);
    tree.add(HS['handshake.yc'], tvb, off + 2, n);
  } else if (ctx.version === 0x0300 || ctx.version === 0x0100) {
    // SSLv3 and OpenSSL's pre-0.9.8f DTLS send the secret without its length.
    subtree(tree, tvb, off, len, 'RSA Encrypted PreMaster Secret');
    tree.add(HS['handshake.epms'], tvb, off, len);
  } else if (len >= 2) {
    subtree(tree, tvb, off, len, 'RSA Encrypted PreMaster Secret');
    const n = num(tree, HS['handshake.epms_len'], tvb, off, 2);
    tree.add(HS['handshake.epms'], tvb, off + 2, n);
  } else {
    return;
  }
  tree.pop();
}

function newSessionTicket(tvb: Tvb, off: number, end: number, ctx: HandshakeContext, tree: Tree): void {
  subtree(tree, tvb, off, end - off, 'TLS Session Ticket');
  const hint = num(tree, HS['handshake.session_ticket_lifetime_hint'], tvb, off, 4);
  if (tree.full) tree.labelLast(`Session Ticket Lifetime Hint: ${hint} seconds (${secondsText(hint)})`);
  off += 4;
  if (ctx.version === 0x0304) {
    num(tree, HS['handshake.session_ticket_age_add'], tvb, off, 4);
    const n = num(tree, HS['handshake.session_ticket_nonce_length'], tvb, off + 4, 1);
    if (n > 0) tree.add(HS['handshake.session_ticket_nonce'], tvb, off + 5, n);
    off += 5 + n;
  }
  const n = num(tree, HS['handshake.session_ticket_length'], tvb, off, 2);
  tree.add(HS['handshake.session_ticket'], tvb, off + 2, n);
  tvb.need(off + 2, n);
  off += 2 + n;
  if (ctx.version === 0x0304 && off + 2 <= end) extensionBlock(tvb, off, end, Hello.Ticket, tree);
  tree.pop();
}
