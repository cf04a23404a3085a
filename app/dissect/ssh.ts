// Secure Shell over TCP 22 (RFC 4253): the version exchange, then SSH-2 binary packets while they
// are in the clear (key exchange init, DH / DH group exchange / ECDH messages, new keys), then
// encrypted packets, as tshark 4.0 shows them. tshark 4.0 tries to decrypt chacha20, AES-CTR/CBC/GCM
// with keys it does not have and then shows nothing of those packets; that is what Trawl shows too.
import { bytes, fields, names, proto, str, text, uint, FieldType, type FieldDef } from './field.ts';
import { expert, expertItem, firstPass } from './ip-proto.ts';
import { matchedPort, payloadFault, UNREASSEMBLED } from './line-text.ts';
import { asciiString, formatAsciiText } from './text-format.ts';
import { DESEGMENT_ONE_MORE_SEGMENT, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { NULL_TREE, type Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';

/** TCP ports tshark 4.0 gives to SSH (22, and Gerrit's 29418). */
const PORTS = [22, 29418];

const MESSAGES = names({
  1: 'Disconnect',
  2: 'Ignore',
  3: 'Unimplemented',
  4: 'Debug',
  5: 'Service Request',
  6: 'Service Accept',
  20: 'Key Exchange Init',
  21: 'New Keys',
  50: 'User Authentication Request',
  51: 'User Authentication Failure',
  52: 'User Authentication Success',
  53: 'User Authentication Banner',
  60: 'Public Key algorithm accepted',
  80: 'Global Request',
  81: 'Request Success',
  82: 'Request Failure',
  90: 'Channel Open',
  91: 'Channel Open Confirmation',
  92: 'Channel Open Failure',
  93: 'Window Adjust',
  94: 'Channel Data',
  95: 'Channel Extended Data',
  96: 'Channel EOF',
  97: 'Channel Close',
  98: 'Channel Request',
  99: 'Channel Success',
  100: 'Channel Failure',
});
const DH_MESSAGES = names({
  30: 'Diffie-Hellman Key Exchange Init',
  31: 'Diffie-Hellman Key Exchange Reply',
});
const GEX_MESSAGES = names({
  30: 'Diffie-Hellman Group Exchange Request (Old)',
  31: 'Diffie-Hellman Group Exchange Group',
  32: 'Diffie-Hellman Group Exchange Init',
  33: 'Diffie-Hellman Group Exchange Reply',
  34: 'Diffie-Hellman Group Exchange Request',
});
const ECDH_MESSAGES = names({
  30: 'Elliptic Curve Diffie-Hellman Key Exchange Init',
  31: 'Elliptic Curve Diffie-Hellman Key Exchange Reply',
});

const u32 = (name: string): ReturnType<typeof uint> => uint(name, 32);

export const F = fields('ssh', {
  '': proto('SSH Protocol'),
  protocol: str('Protocol'),
  packet_length: u32('Packet Length'),
  packet_length_encrypted: bytes('Packet Length (encrypted)'),
  padding_length: uint('Padding Length', 8),
  payload: bytes('Payload'),
  encrypted_packet: bytes('Encrypted Packet'),
  padding_string: bytes('Padding String'),
  seq_num: u32('Sequence number'),
  mac: bytes('MAC'),
  direction: {
    name: 'Direction',
    type: FieldType.Bool,
    tf: ['server-to-client', 'client-to-server'],
    generated: true,
  },
  message_code: uint('Message Code', 8, { strings: MESSAGES }),
  cookie: bytes('Cookie'),
  kex_algorithms: str('kex_algorithms string'),
  server_host_key_algorithms: str('server_host_key_algorithms string'),
  encryption_algorithms_client_to_server: str('encryption_algorithms_client_to_server string'),
  encryption_algorithms_server_to_client: str('encryption_algorithms_server_to_client string'),
  mac_algorithms_client_to_server: str('mac_algorithms_client_to_server string'),
  mac_algorithms_server_to_client: str('mac_algorithms_server_to_client string'),
  compression_algorithms_client_to_server: str('compression_algorithms_client_to_server string'),
  compression_algorithms_server_to_client: str('compression_algorithms_server_to_client string'),
  languages_client_to_server: str('languages_client_to_server string'),
  languages_server_to_client: str('languages_server_to_client string'),
  kex_algorithms_length: u32('kex_algorithms length'),
  server_host_key_algorithms_length: u32('server_host_key_algorithms length'),
  encryption_algorithms_client_to_server_length: u32('encryption_algorithms_client_to_server length'),
  encryption_algorithms_server_to_client_length: u32('encryption_algorithms_server_to_client length'),
  mac_algorithms_client_to_server_length: u32('mac_algorithms_client_to_server length'),
  mac_algorithms_server_to_client_length: u32('mac_algorithms_server_to_client length'),
  compression_algorithms_client_to_server_length: u32('compression_algorithms_client_to_server length'),
  compression_algorithms_server_to_client_length: u32('compression_algorithms_server_to_client length'),
  languages_client_to_server_length: u32('languages_client_to_server length'),
  languages_server_to_client_length: u32('languages_server_to_client length'),
  first_kex_packet_follows: uint('First KEX Packet Follows', 8),
  'kex.reserved': bytes('Reserved'),
  'kex.hassh_algorithms': str('hasshAlgorithms', { generated: true }),
  'kex.hassh': str('hassh', { generated: true }),
  'kex.hasshserver_algorithms': str('hasshServerAlgorithms', { generated: true }),
  'kex.hasshserver': str('hasshServer', { generated: true }),
  'host_key.length': u32('Host key length'),
  'host_key.type_length': u32('Host key type length'),
  'host_key.type': str('Host key type'),
  'host_key.data': bytes('Host key data'),
  'host_key.rsa.n': bytes('RSA modulus (N)'),
  'host_key.rsa.e': bytes('RSA public exponent (e)'),
  'host_key.dsa.p': bytes('DSA prime modulus (p)'),
  'host_key.dsa.q': bytes('DSA prime divisor (q)'),
  'host_key.dsa.g': bytes('DSA subgroup generator (g)'),
  'host_key.dsa.y': bytes('DSA public key (y)'),
  'host_key.ecdsa.id': str('ECDSA elliptic curve identifier'),
  'host_key.ecdsa.id_length': u32('ECDSA elliptic curve identifier length'),
  'host_key.ecdsa.q': bytes('ECDSA public key (Q)'),
  'host_key.ecdsa.q_length': u32('ECDSA public key length'),
  'host_key.eddsa.key': bytes('EdDSA public key'),
  'host_key.eddsa.key_length': u32('EdDSA public key length'),
  'host_sig.length': u32('Host signature length'),
  'host_sig.type_length': u32('Host signature type length'),
  'host_sig.type': str('Host signature type'),
  'host_sig.data': bytes('Host signature data'),
  'host_sig.rsa': bytes('RSA signature'),
  'host_sig.dsa': bytes('DSA signature'),
  'dh.e': bytes('DH client e'),
  'dh.f': bytes('DH server f'),
  'dh_gex.min': u32('DH GEX Min'),
  'dh_gex.nbits': u32('DH GEX Number of Bits'),
  'dh_gex.max': u32('DH GEX Max'),
  'dh_gex.p': bytes('DH GEX modulus (P)'),
  'dh_gex.g': bytes('DH GEX base (G)'),
  'ecdh.q_c': bytes("ECDH client's ephemeral public key (Q_C)"),
  'ecdh.q_c_length': u32("ECDH client's ephemeral public key length"),
  'ecdh.q_s': bytes("ECDH server's ephemeral public key (Q_S)"),
  'ecdh.q_s_length': u32("ECDH server's ephemeral public key length"),
  mpint_length: u32('Multi Precision Integer Length'),
  _v2: text('SSH Version 2'),
  _kex: text('Key Exchange'),
  _algorithms: text('Algorithms'),
  _host_key: text('KEX host key'),
  _host_sig: text('KEX host signature'),
});

/** Wireshark registers one `ssh.message_code` per table of names; the registry gives them one id. */
const CODES = {
  dh: fields('ssh', { message_code: uint('Message Code', 8, { strings: DH_MESSAGES }) }).message_code,
  gex: fields('ssh', { message_code: uint('Message Code', 8, { strings: GEX_MESSAGES }) }).message_code,
  ecdh: fields('ssh', { message_code: uint('Message Code', 8, { strings: ECDH_MESSAGES }) }).message_code,
};

const enum Version {
  Unknown = 0,
  V1 = 1,
  V2 = 2,
}

type KexKind = 'dh' | 'gex' | 'ecdh';

/** What decryption tshark 4.0 sets up for a cipher (with no keys: it shows nothing). */
const enum Cipher {
  None,
  Stream,
  Gcm,
}

/** One direction of a connection (Wireshark's ssh_peer_data). */
interface Peer {
  versionStart: number;
  versionEnd: number;
  keyStart: number;
  keyEnd: number;
  keyEndOffset: number;
  kexProposal: string | null;
  /** Proposals by direction: [client to server, server to client]. */
  encProposals: (string | null)[];
  macProposals: (string | null)[];
  compProposals: (string | null)[];
  enc: string | null;
  mac: string | null;
  macLength: number;
  comp: string | null;
  lengthIsPlaintext: boolean;
  cipher: Cipher;
  cipherOpen: boolean;
  seq: number;
  seqKexInit: number;
  seqNewKey: number;
  seqDhIni: number;
  seqDhRep: number;
  seqGexReq: number;
  seqGexGrp: number;
  seqGexIni: number;
  seqGexRep: number;
  seqEcdhIni: number;
  seqEcdhRep: number;
}

/** One connection (Wireshark's ssh_flow_data). */
interface Flow {
  version: Version;
  kex: string | null;
  kexKind: KexKind;
  peers: [Peer, Peer];
}

const newPeer = (): Peer => ({
  versionStart: 0,
  versionEnd: 0,
  keyStart: 0,
  keyEnd: 0,
  keyEndOffset: 0,
  kexProposal: null,
  encProposals: [null, null],
  macProposals: [null, null],
  compProposals: [null, null],
  enc: null,
  mac: null,
  macLength: -1,
  comp: null,
  lengthIsPlaintext: false,
  cipher: Cipher.None,
  cipherOpen: false,
  seq: 0,
  seqKexInit: 0,
  seqNewKey: 0,
  seqDhIni: 0,
  seqDhRep: 0,
  seqGexReq: 0,
  seqGexGrp: 0,
  seqGexIni: 0,
  seqGexRep: 0,
  seqEcdhIni: 0,
  seqEcdhRep: 0,
});

const clonePeer = (p: Peer): Peer => ({
  ...p,
  encProposals: [...p.encProposals],
  macProposals: [...p.macProposals],
  compProposals: [...p.compProposals],
});

const cloneFlow = (f: Flow): Flow => ({
  ...f,
  peers: [clonePeer(f.peers[0]), clonePeer(f.peers[1])],
});

interface SshState {
  flows: Map<number, Flow>;
  /** The flow as each call on the first pass found it, while the key exchange was still going on. */
  at: Map<string, Flow>;
}

const newState = (): SshState => ({ flows: new Map(), at: new Map() });

/** After both sides' New Keys nothing changes the flow any more: later calls need no snapshot. */
function settled(f: Flow, frame: number): boolean {
  const [c, s] = f.peers;
  return c.keyEnd !== 0 && s.keyEnd !== 0 && frame > c.keyEnd && frame > s.keyEnd;
}

/**
 * The flow this call works on: the live one on the first pass, else a copy of what it was when this
 * call first ran, so a frame dissected again shows what it showed the first time.
 */
function flowFor(tvb: Tvb, pinfo: PacketInfo): Flow {
  const st = pinfo.state.of<SshState>('ssh', newState);
  const conv = pinfo.conversation;
  let live = st.flows.get(conv);
  if (!live) {
    live = { version: Version.Unknown, kex: null, kexKind: 'dh', peers: [newPeer(), newPeer()] };
    if (conv >= 0) st.flows.set(conv, live);
  }
  const frame = pinfo.meta.number;
  const key = `${frame}/${tvb.source}/${tvb.start}`;
  if (pinfo.inError) return cloneFlow(live);
  if (firstPass(pinfo.state, pinfo)) {
    if (!settled(live, frame) && !st.at.has(key)) st.at.set(key, cloneFlow(live));
    return live;
  }
  return cloneFlow(st.at.get(key) ?? live);
}

/** Wireshark's `destport != match_uint`: the port that chose SSH is the server's. */
function fromServer(pinfo: PacketInfo): boolean {
  return pinfo.dstPort !== matchedPort(pinfo, PORTS);
}

interface Call {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  flow: Flow;
  server: boolean;
  peer: Peer;
  frame: number;
  /** Info parts, joined with ", " as col_append_sep_str does. */
  info: string[];
  /** Set when the message at the current offset needs more bytes from TCP. */
  desegment: boolean;
}

export function dissectSSH(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const start = tvb.start;
  const captured = tvb.remaining(start);
  const flow = flowFor(tvb, pinfo);
  const server = fromServer(pinfo);
  const call: Call = {
    tvb,
    pinfo,
    tree,
    flow,
    server,
    peer: flow.peers[server ? 1 : 0],
    frame: pinfo.meta.number,
    info: [],
    desegment: false,
  };
  pinfo.layers.push('ssh');
  pinfo.setProto(flow.version === Version.V2 ? 'SSHv2' : flow.version === Version.V1 ? 'SSHv1' : 'SSH');
  tree.push(F[''], tvb, start, captured);
  try {
    packets(call);
  } catch (err) {
    writeInfo(call, false);
    payloadFault(err, tvb, pinfo, tree, 'SSH');
    return captured;
  }
  if (!call.desegment) {
    tree.add(F.direction, tvb, start, 0, server);
    if (tree.full) tree.labelLast(`[Direction: ${server ? 'server-to-client' : 'client-to-server'}]`);
  }
  tree.pop();
  writeInfo(call, !call.desegment);
  return captured;
}

/** Info as dissect_ssh leaves it: cleared, the messages, and `Client: `/`Server: ` when it got to the end. */
function writeInfo(call: Call, prefixed: boolean): void {
  const { pinfo } = call;
  if (!pinfo.wantInfo) return;
  const text = call.info.join(', ');
  pinfo.setInfo(prefixed ? `${call.server ? 'Server' : 'Client'}: ${text}` : text);
}

/** dissect_ssh's loop: the version line while it is expected, then packets of the version. */
function packets(call: Call): void {
  const { tvb, peer, flow, frame } = call;
  let version = flow.version;
  let o = tvb.start;
  while (tvb.reportedRemaining(o) > 0) {
    const last = o;
    const afterStart = peer.versionStart === 0 || frame >= peer.versionStart;
    const beforeEnd = peer.versionEnd === 0 || frame <= peer.versionEnd;
    if (afterStart && beforeEnd && startsWith(tvb, o, 'SSH-')) {
      if (peer.versionStart === 0) peer.versionStart = frame;
      if (!call.server) version = bannerVersion(tvb, o, version);
      o = banner(call, o);
      if (!call.desegment) {
        peer.versionEnd = frame;
        flow.version = version;
      }
    } else if (version === Version.V2) {
      o = ssh2(call, o);
    } else {
      // No banner seen (a capture started mid-connection) or SSH-1: opaque bytes.
      o = encryptedPacket(call, o);
    }
    if (call.desegment || o <= last) return;
  }
}

/** tvb_strncaseeql: false when the bytes are not all there. */
function startsWith(tvb: Tvb, o: number, s: string): boolean {
  if (!tvb.has(o, s.length)) return false;
  for (let i = 0; i < s.length; i++) {
    const c = tvb.bytes[o + i] as number;
    if (String.fromCharCode(c).toUpperCase() !== s[i]) return false;
  }
  return true;
}

function bannerVersion(tvb: Tvb, o: number, version: Version): Version {
  if (startsWith(tvb, o, 'SSH-2.') || startsWith(tvb, o, 'SSH-1.99-')) return Version.V2;
  if (startsWith(tvb, o, 'SSH-1.')) return Version.V1;
  return version;
}

/** The version line (ssh_dissect_protocol). */
function banner(call: Call, o: number): number {
  const { tvb, pinfo, tree } = call;
  const remain = tvb.remaining(o);
  tvb.need(o, 1);
  const nl = tvb.bytes.subarray(o, tvb.end).indexOf(0x0a);
  if (pinfo.canDesegment && nl < 0) return askMore(call, o, DESEGMENT_ONE_MORE_SEGMENT);
  let lineLen: number;
  let protoLen: number;
  if (nl < 0) {
    lineLen = remain;
    protoLen = remain;
  } else {
    lineLen = nl + 1;
    protoLen = lineLen > 1 && tvb.bytes[o + lineLen - 2] === 0x0d ? lineLen - 2 : lineLen - 1;
  }
  if (pinfo.wantInfo) call.info.push(`Protocol (${formatAsciiText(tvb.bytes, o, o + protoLen)})`);
  tree.add(F.protocol, tvb, o, protoLen, asciiString(tvb.bytes, o, o + protoLen));
  return o + lineLen;
}

function askMore(call: Call, o: number, length: number): number {
  call.pinfo.desegmentOffset = o - call.tvb.start;
  call.pinfo.desegmentLen = length;
  call.desegment = true;
  return o;
}

/** ssh_dissect_ssh2: one `SSH Version 2` subtree per packet, in the clear or not. */
function ssh2(call: Call, o: number): number {
  const { tvb, tree, peer, frame } = call;
  while (tvb.remaining(o) > 0) {
    const last = o;
    subtree(call, F._v2, o, -1);
    if (tree.full) tree.label(v2Title(peer));
    const clear =
      peer.keyStart === 0 ||
      (peer.keyStart <= frame &&
        (peer.keyEnd === 0 ||
          frame < peer.keyEnd ||
          (frame === peer.keyEnd && o - tvb.start < peer.keyEndOffset)));
    if (clear) {
      o = clearPacket(call, o);
      if (call.desegment) {
        tree.pop();
        return o;
      }
    } else {
      o = peer.cipherOpen ? undecryptable(call, o) : encryptedPacket(call, o);
    }
    tree.pop(o - last);
  }
  return o;
}

function v2Title(peer: Peer): string {
  const { enc, mac, comp } = peer;
  if (!enc && !mac && !comp) return 'SSH Version 2';
  let s = 'SSH Version 2 (';
  if (enc) s += `encryption:${enc}${mac || comp ? ' ' : ''}`;
  if (mac) s += `mac:${mac}${comp ? ' ' : ''}`;
  if (comp) s += `compression:${comp}`;
  return `${s})`;
}

/**
 * A packet tshark 4.0 tries to decrypt with keys it does not have: the length never decrypts to a
 * plausible value, so it shows nothing and takes the rest of the segment.
 */
function undecryptable(call: Call, o: number): number {
  const { tvb, peer } = call;
  if (peer.cipher === Cipher.Gcm) tvb.u32(o);
  else tvb.need(o, peer.enc === 'chacha20-poly1305@openssh.com' ? 4 : 16);
  return tvb.end;
}

/** ssh_dissect_encrypted_packet: the rest of the segment as one packet. */
function encryptedPacket(call: Call, o: number): number {
  const { tvb, tree, peer, pinfo } = call;
  const len = tvb.reportedRemaining(o);
  if (pinfo.wantInfo) call.info.push(`Encrypted packet (len=${len})`);
  if (tree === NULL_TREE) return o + len;
  let encrypted = len;
  if (len > 4 && peer.lengthIsPlaintext) {
    tree.add(F.packet_length, tvb, o, 4, tvb.u32(o));
    encrypted -= 4;
  } else if (len > 4) {
    item(call, F.packet_length_encrypted, o, 4);
    encrypted -= 4;
  }
  if (peer.macLength > 0) encrypted -= peer.macLength;
  item(call, F.encrypted_packet, o + 4, encrypted);
  if (peer.macLength > 0) item(call, F.mac, o + 4 + encrypted, peer.macLength);
  return o + len;
}

/**
 * proto_tree_add_item's bounds: -1 runs to the end of the captured bytes, other negative lengths
 * and bytes past the packet throw.
 */
function item(call: Call, def: FieldDef, o: number, length: number, value?: string): number {
  const { tvb } = call;
  const n = length === -1 ? tvb.remaining(o) : length;
  if (n < 0) throw new MalformedError('Malformed Packet', o);
  tvb.need(o, n);
  call.tree.add(def, tvb, o, n, value);
  return n;
}

/**
 * proto_tree_add_subtree's bounds: the text item is checked even when no tree is built, and -1
 * needs at least one byte.
 */
function subtree(call: Call, def: FieldDef, o: number, length: number): void {
  const { tvb } = call;
  let n = length;
  if (length === -1) {
    tvb.need(o, 1);
    n = tvb.remaining(o);
  } else if (length < 0) {
    throw new MalformedError('Malformed Packet', o);
  } else {
    tvb.need(o, length);
  }
  call.tree.push(def, tvb, o, n);
}

/** A string item's value (ENC_ASCII), after the bounds check. */
function stringItem(call: Call, def: FieldDef, o: number, length: number): string {
  const { tvb } = call;
  tvb.need(o, length);
  const value = asciiString(tvb.bytes, o, o + length);
  call.tree.add(def, tvb, o, length, value);
  return value;
}

/** ssh_dissect_key_exchange: a binary packet before New Keys. */
function clearPacket(call: Call, o: number): number {
  const { tvb, tree, pinfo, peer, flow } = call;
  const last = o;
  const remain = tvb.remaining(o);
  tvb.need(o, 1);
  if (pinfo.canDesegment && remain < 4) return askMore(call, o, DESEGMENT_ONE_MORE_SEGMENT);
  let plen = tvb.u32(o);
  if (pinfo.canDesegment && plen + 4 > remain) return askMore(call, o, plen + 4 - remain);
  if (plen >= 0xffff) {
    tree.push(F.packet_length, tvb, o, 4, plen);
    expert(pinfo, tree, tvb, o, 4, 'Warning', 'Protocol', `Overly large number ${plen | 0}`);
    tree.pop();
    plen = (remain - 4) >>> 0;
  } else {
    tree.add(F.packet_length, tvb, o, 4, plen);
  }
  o += 4;
  const padding = tvb.u8(o);
  tree.add(F.padding_length, tvb, o, 1, padding);
  o += 1;
  subtree(call, F._kex, o, (plen - 1) | 0);
  if (tree.full) tree.label(flow.kex ? `Key Exchange (method:${flow.kex})` : 'Key Exchange');
  const code = tvb.u8(o);
  let seq = 0;
  if (code >= 30 && code < 40) {
    const r = kexMessage(call, code, o);
    o = r.o;
    seq = r.seq;
  } else {
    tree.add(F.message_code, tvb, o, 1, code);
    o += 1;
    if (pinfo.wantInfo) call.info.push(MESSAGES.get(code) ?? `Unknown (${code})`);
    if (code === 20) {
      o = keyInit(call, o);
      if (peer.keyStart === 0 || peer.keyStart === call.frame) {
        peer.keyStart = call.frame;
        if (peer.seqKexInit === 0) peer.seqKexInit = peer.seq++;
      }
      seq = peer.seqKexInit;
    } else if (code === 21) {
      if (peer.keyEnd === 0) {
        peer.keyEnd = call.frame;
        peer.keyEndOffset = o - tvb.start;
        if (peer.seqNewKey === 0) peer.seqNewKey = peer.seq++;
        peer.cipherOpen = peer.cipher !== Cipher.None;
      }
      seq = peer.seqNewKey;
    }
  }
  // Unsigned, as in Wireshark: a packet shorter than what was read makes a huge payload that throws.
  const len = (plen + 4 - padding - (o - last)) >>> 0;
  if (len > 0) item(call, F.payload, o, len);
  tree.pop();
  o += len;
  item(call, F.padding_string, o, padding);
  o += padding;
  tree.add(F.seq_num, tvb, o, 0, seq);
  return o;
}

const PROPOSALS: readonly (readonly [FieldDef, FieldDef])[] = [
  [F.kex_algorithms_length, F.kex_algorithms],
  [F.server_host_key_algorithms_length, F.server_host_key_algorithms],
  [F.encryption_algorithms_client_to_server_length, F.encryption_algorithms_client_to_server],
  [F.encryption_algorithms_server_to_client_length, F.encryption_algorithms_server_to_client],
  [F.mac_algorithms_client_to_server_length, F.mac_algorithms_client_to_server],
  [F.mac_algorithms_server_to_client_length, F.mac_algorithms_server_to_client],
  [F.compression_algorithms_client_to_server_length, F.compression_algorithms_client_to_server],
  [F.compression_algorithms_server_to_client_length, F.compression_algorithms_server_to_client],
  [F.languages_client_to_server_length, F.languages_client_to_server],
  [F.languages_server_to_client_length, F.languages_server_to_client],
];

/** ssh_dissect_key_init: the cookie and the ten name-lists; fixes the key exchange method. */
function keyInit(call: Call, o: number): number {
  const { tvb, tree, peer, flow } = call;
  const start = o;
  subtree(call, F._algorithms, o, -1);
  item(call, F.cookie, o, 16);
  o += 16;
  const lists: string[] = [];
  for (const [lengthDef, valueDef] of PROPOSALS) {
    const len = tvb.u32(o);
    tree.add(lengthDef, tvb, o, 4, len);
    o += 4;
    lists.push(stringItem(call, valueDef, o, len));
    o += len;
  }
  peer.kexProposal = lists[0] ?? null;
  peer.encProposals = [lists[2] ?? null, lists[3] ?? null];
  peer.macProposals = [lists[4] ?? null, lists[5] ?? null];
  peer.compProposals = [lists[6] ?? null, lists[7] ?? null];
  tree.add(F.first_kex_packet_follows, tvb, o, 1, tvb.u8(o));
  o += 1;
  item(call, F['kex.reserved'], o, 4);
  o += 4;
  if (tree !== NULL_TREE) hassh(call, o);
  const [client, server] = flow.peers;
  if (client.kexProposal !== null && server.kexProposal !== null && flow.kex === null) {
    flow.kex = chooseAlgorithm(client.kexProposal, server.kexProposal);
    flow.kexKind = kexKind(flow.kex) ?? flow.kexKind;
  }
  tree.pop(o - start);
  return o;
}

/** The HASSH fingerprint of one side's proposal (MD5 of `kex;enc;mac;comp` of its direction). */
function hassh(call: Call, o: number): void {
  const { tvb, tree, peer, server } = call;
  const d = server ? 1 : 0;
  const shown = (s: string | null | undefined): string => s ?? '(null)';
  const algorithms = [
    shown(peer.kexProposal),
    shown(peer.encProposals[d]),
    shown(peer.macProposals[d]),
    shown(peer.compProposals[d]),
  ].join(';');
  const [algoDef, hashDef] = server
    ? [F['kex.hasshserver_algorithms'], F['kex.hasshserver']]
    : [F['kex.hassh_algorithms'], F['kex.hassh']];
  tree.add(algoDef, tvb, o, 0, algorithms);
  if (tree.wants(hashDef)) tree.add(hashDef, tvb, o, 0, md5Hex(utf8(algorithms)));
}

/** ssh_choose_algo: the first of the client's names the server also offers. */
function chooseAlgorithm(client: string | null, server: string | null): string | null {
  if (client === null || server === null) return null;
  const offered = server === '' ? [] : server.split(',');
  for (const name of client === '' ? [] : client.split(',')) if (offered.includes(name)) return name;
  return null;
}

/** ssh_set_kex_specific_dissector; undefined leaves the method's messages as they were. */
function kexKind(kex: string | null): KexKind | undefined {
  if (kex === null) return undefined;
  if (kex === 'diffie-hellman-group-exchange-sha1' || kex === 'diffie-hellman-group-exchange-sha256')
    return 'gex';
  if (
    kex.startsWith('ecdh-sha2-') ||
    kex === 'curve25519-sha256@libssh.org' ||
    kex === 'curve25519-sha256' ||
    kex === 'curve448-sha512'
  )
    return 'ecdh';
  if (
    [
      'diffie-hellman-group14-sha256',
      'diffie-hellman-group16-sha512',
      'diffie-hellman-group18-sha512',
      'diffie-hellman-group1-sha1',
      'diffie-hellman-group14-sha1',
    ].includes(kex)
  )
    return 'dh';
  return undefined;
}

/** ssh_choose_enc_mac: at the server's key exchange reply, each direction's ciphers are agreed. */
function chooseEncMac(flow: Flow): void {
  const [client, server] = flow.peers;
  for (let d = 0; d < 2; d++) {
    const p = flow.peers[d] as Peer;
    p.enc ??= chooseAlgorithm(client.encProposals[d] ?? null, server.encProposals[d] ?? null);
    if (p.enc === 'aes128-gcm@openssh.com' || p.enc === 'aes256-gcm@openssh.com') {
      p.mac = '<implicit>';
      p.macLength = 16;
      p.lengthIsPlaintext = true;
    } else if (p.enc === 'chacha20-poly1305@openssh.com') {
      p.mac = '<implicit>';
      p.macLength = 16;
    } else if (p.mac === null) {
      p.mac = chooseAlgorithm(client.macProposals[d] ?? null, server.macProposals[d] ?? null);
      setMacLength(p);
    }
    p.comp ??= chooseAlgorithm(client.compProposals[d] ?? null, server.compProposals[d] ?? null);
  }
  for (const p of flow.peers) {
    p.cipher = cipherOf(p.enc) ?? p.cipher;
    // ssh_decryption_set_mac_id forgets every MAC it cannot check (only its name, not its length).
    if (p.mac !== null && p.mac !== 'hmac-sha2-256') p.mac = null;
  }
}

const STREAM_CIPHERS = new Set([
  'chacha20-poly1305@openssh.com',
  'aes128-cbc',
  'aes192-cbc',
  'aes256-cbc',
  'aes128-ctr',
  'aes192-ctr',
  'aes256-ctr',
]);
const GCM_CIPHERS = new Set(['aes128-gcm@openssh.com', 'aes128-gcm', 'aes256-gcm@openssh.com', 'aes256-gcm']);

function cipherOf(enc: string | null): Cipher | undefined {
  if (enc === null) return undefined;
  if (STREAM_CIPHERS.has(enc)) return Cipher.Stream;
  if (GCM_CIPHERS.has(enc)) return Cipher.Gcm;
  return undefined;
}

/** ssh_set_mac_length: the MAC's size from its name (`hmac-sha2-256` → 32 bytes). */
function setMacLength(p: Peer): void {
  if (p.mac === null) return;
  let name = p.mac;
  const etm = name.indexOf('-etm@openssh.com');
  if (etm >= 0) {
    p.lengthIsPlaintext = true;
    name = name.slice(0, etm);
  } else {
    const at = name.indexOf('@openssh.com');
    if (at >= 0) name = name.slice(0, at);
  }
  const dash = name.lastIndexOf('-');
  const digits = dash >= 0 ? name.slice(dash + 1) : '';
  const size = /^\d+$/.test(digits) ? Number(digits) : 0;
  if (size > 0 && size % 8 === 0) p.macLength = size / 8;
  else if (name === 'hmac-sha1' || name === 'hmac-ripemd160') p.macLength = 20;
  else if (name === 'hmac-md5') p.macLength = 16;
  else if (name === 'none') p.macLength = 0;
}

/** Messages 30-39, as the agreed method reads them; returns the offset and the sequence number. */
function kexMessage(call: Call, code: number, o: number): { o: number; seq: number } {
  const { tvb, tree, pinfo, flow } = call;
  const kind = flow.kexKind;
  const table = kind === 'gex' ? GEX_MESSAGES : kind === 'ecdh' ? ECDH_MESSAGES : DH_MESSAGES;
  tree.add(CODES[kind], tvb, o, 1, code);
  o += 1;
  if (pinfo.wantInfo) call.info.push(table.get(code) ?? `Unknown (${code})`);
  if (kind === 'gex') return gexMessage(call, code, o);
  if (kind === 'ecdh') return ecdhMessage(call, code, o);
  return dhMessage(call, code, o);
}

function dhMessage(call: Call, code: number, o: number): { o: number; seq: number } {
  const [client, server] = call.flow.peers;
  if (code === 30) {
    checkKey(call, o);
    o += mpint(call, o, F['dh.e']);
    if (client.seqDhIni === 0) client.seqDhIni = ++client.seq;
    return { o, seq: client.seqDhIni };
  }
  if (code === 31) {
    o += hostKey(call, o);
    checkKey(call, o);
    chooseEncMac(call.flow);
    o += mpint(call, o, F['dh.f']);
    o += hostSignature(call, o);
    if (server.seqDhRep === 0) server.seqDhRep = ++server.seq;
    return { o, seq: server.seqDhRep };
  }
  return { o, seq: 0 };
}

function gexMessage(call: Call, code: number, o: number): { o: number; seq: number } {
  const { tvb, tree } = call;
  const [client, server] = call.flow.peers;
  const u32At = (def: FieldDef): void => {
    tree.add(def, tvb, o, 4, tvb.u32(o));
    o += 4;
  };
  switch (code) {
    case 30:
      u32At(F['dh_gex.nbits']);
      return { o, seq: 0 };
    case 31:
      o += mpint(call, o, F['dh_gex.p']);
      o += mpint(call, o, F['dh_gex.g']);
      if (server.seqGexGrp === 0) server.seqGexGrp = ++server.seq;
      return { o, seq: server.seqGexGrp };
    case 32:
      o += mpint(call, o, F['dh.e']);
      if (client.seqGexIni === 0) client.seqGexIni = ++client.seq;
      return { o, seq: client.seqGexIni };
    case 33:
      // tshark 4.0 agrees the ciphers here only when built for decryption, which Debian's is not.
      o += hostKey(call, o);
      o += mpint(call, o, F['dh.f']);
      o += hostSignature(call, o);
      if (server.seqGexRep === 0) server.seqGexRep = ++server.seq;
      return { o, seq: server.seqGexRep };
    case 34:
      u32At(F['dh_gex.min']);
      u32At(F['dh_gex.nbits']);
      u32At(F['dh_gex.max']);
      if (client.seqGexReq === 0) client.seqGexReq = ++client.seq;
      return { o, seq: client.seqGexReq };
    default:
      return { o, seq: 0 };
  }
}

function ecdhMessage(call: Call, code: number, o: number): { o: number; seq: number } {
  const [client, server] = call.flow.peers;
  if (code === 30) {
    checkKey(call, o);
    if (client.seqEcdhIni === 0) client.seqEcdhIni = client.seq++;
    const seq = client.seqEcdhIni;
    o += sshString(call, o, F['ecdh.q_c'], F['ecdh.q_c_length']);
    return { o, seq };
  }
  if (code === 31) {
    o += hostKey(call, o);
    checkKey(call, o);
    chooseEncMac(call.flow);
    if (server.seqEcdhRep === 0) server.seqEcdhRep = server.seq++;
    const seq = server.seqEcdhRep;
    o += sshString(call, o, F['ecdh.q_s'], F['ecdh.q_s_length']);
    o += hostSignature(call, o);
    return { o, seq };
  }
  return { o, seq: 0 };
}

/** ssh_read_e / ssh_read_f: a public value tshark can keep is 1 to 512 bytes long. */
function checkKey(call: Call, o: number): void {
  const { tvb, tree, pinfo } = call;
  const len = tvb.u32(o);
  if (len >= 1 && len <= 512) {
    tvb.need(o + 4, len);
    return;
  }
  expertItem(pinfo, tree, tvb, o, 2, 'Error', 'Protocol', `Invalid key length: ${len}`);
}

/** ssh_tree_add_mpint: a length and the bytes; returns the bytes used. */
function mpint(call: Call, o: number, def: FieldDef): number {
  const { tvb, tree } = call;
  const len = tvb.u32(o);
  tree.add(F.mpint_length, tvb, o, 4, len);
  item(call, def, o + 4, len);
  return 4 + len;
}

/** ssh_tree_add_string: a length field and the bytes. */
function sshString(call: Call, o: number, def: FieldDef, lengthDef: FieldDef): number {
  const { tvb, tree } = call;
  const len = tvb.u32(o);
  tree.add(lengthDef, tvb, o, 4, len);
  if (def.type === FieldType.String) stringItem(call, def, o + 4, len);
  else item(call, def, o + 4, len);
  return 4 + len;
}

/** ssh_tree_add_hostkey: K_S, by its type. */
function hostKey(call: Call, o: number): number {
  const { tvb, tree } = call;
  const keyLen = tvb.u32(o);
  const typeLen = tvb.u32(o + 4);
  tvb.need(o + 8, typeLen);
  const type = asciiString(tvb.bytes, o + 8, o + 8 + typeLen);
  subtree(call, F._host_key, o, (keyLen + 4) | 0);
  if (tree.full) tree.label(`KEX host key (type: ${type})`);
  tree.add(F['host_key.length'], tvb, o, 4, keyLen);
  // tshark copies the whole key for the exchange hash, which throws when it is cut short.
  tvb.need(o + 4, keyLen);
  tree.add(F['host_key.type_length'], tvb, o + 4, 4, typeLen);
  tree.add(F['host_key.type'], tvb, o + 8, typeLen, type);
  o += 8 + typeLen;
  if (type === 'ssh-rsa') {
    o += mpint(call, o, F['host_key.rsa.e']);
    mpint(call, o, F['host_key.rsa.n']);
  } else if (type === 'ssh-dss') {
    o += mpint(call, o, F['host_key.dsa.p']);
    o += mpint(call, o, F['host_key.dsa.q']);
    o += mpint(call, o, F['host_key.dsa.g']);
    mpint(call, o, F['host_key.dsa.y']);
  } else if (type.startsWith('ecdsa-sha2-')) {
    o += sshString(call, o, F['host_key.ecdsa.id'], F['host_key.ecdsa.id_length']);
    sshString(call, o, F['host_key.ecdsa.q'], F['host_key.ecdsa.q_length']);
  } else if (type.startsWith('ssh-ed')) {
    sshString(call, o, F['host_key.eddsa.key'], F['host_key.eddsa.key_length']);
  } else {
    item(call, F['host_key.data'], o, (keyLen - (typeLen + 4)) | 0);
  }
  tree.pop();
  return 4 + keyLen;
}

/** ssh_tree_add_hostsignature: the signature over the exchange hash, by its type. */
function hostSignature(call: Call, o: number): number {
  const { tvb, tree, pinfo } = call;
  const sigLen = tvb.u32(o);
  const typeLen = tvb.u32(o + 4);
  tvb.need(o + 8, typeLen);
  const type = asciiString(tvb.bytes, o + 8, o + 8 + typeLen);
  subtree(call, F._host_sig, o, (sigLen + 4) | 0);
  if (tree.full) tree.label(`KEX host signature (type: ${type})`);
  const lengthAt = o;
  let decoded = 8 + typeLen;
  const after = o + 8 + typeLen;
  tree.push(F['host_sig.length'], tvb, o, 4, sigLen);
  const lengthNode = tree.current();
  tree.pop();
  tree.add(F['host_sig.type_length'], tvb, o + 4, 4, typeLen);
  tree.add(F['host_sig.type'], tvb, o + 8, typeLen, type);
  if (type === 'ssh-rsa') decoded += mpint(call, after, F['host_sig.rsa']);
  else if (type === 'ssh-dss') decoded += mpint(call, after, F['host_sig.dsa']);
  else if (!type.startsWith('ecdsa-sha2-') && !type.startsWith('ssh-ed'))
    item(call, F['host_sig.data'], after, (sigLen - (typeLen + 4)) | 0);
  if (decoded !== 4 + sigLen) {
    // The note belongs under the length item, as expert_add_info_format(pinfo, ti, …) puts it.
    tree.reopen(lengthNode);
    const message = `Decoded ${decoded} bytes, but packet legnth is ${sigLen | 0} bytes`;
    expert(pinfo, tree, tvb, lengthAt, 4, 'Warning', 'Protocol', message);
    tree.pop();
  }
  tree.pop();
  return 4 + sigLen;
}

function utf8(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

const MD5_SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const MD5_K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);

/** MD5 (RFC 1321) as lower-case hex: the HASSH fingerprint needs it and `app/` has no node:crypto. */
function md5Hex(data: Uint8Array): string {
  const bitLen = data.length * 8;
  const padded = new Uint8Array((((data.length + 8) >> 6) + 1) * 64);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, bitLen >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(bitLen / 2 ** 32), true);
  let a0 = 0x67452301;
  let b0 = 0xefcdab89;
  let c0 = 0x98badcfe;
  let d0 = 0x10325476;
  for (let chunk = 0; chunk < padded.length; chunk += 64) {
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      const s = MD5_SHIFTS[(i >> 4) * 4 + (i % 4)] as number;
      const sum = (a + f + (MD5_K[i] as number) + view.getUint32(chunk + g * 4, true)) | 0;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << s) | (sum >>> (32 - s)))) | 0;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
  }
  const out = new DataView(new ArrayBuffer(16));
  [a0, b0, c0, d0].forEach((v, i) => out.setUint32(i * 4, v, true));
  let hex = '';
  for (let i = 0; i < 16; i++) hex += out.getUint8(i).toString(16).padStart(2, '0');
  return hex;
}

export const sshModule = {
  fields: {
    ...F,
    dhCode: CODES.dh,
    gexCode: CODES.gex,
    ecdhCode: CODES.ecdh,
    unreassembled: UNREASSEMBLED[''],
  },
  handoff(reg: Registry): void {
    for (const port of PORTS) reg.register('tcpPort', port, dissectSSH);
  },
};
