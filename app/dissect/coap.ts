// Constrained Application Protocol (RFC 7252) on UDP 5683: the header, token, options (with
// their extended deltas and lengths, Block1/Block2, Observe, Content-Format names), the payload
// handed on by its Content-Format as Wireshark's media_type table does (text, JSON, octets), and
// requests matched with their responses by token and message id per conversation.
import { formatDelta } from '../format/time.ts';
import { dissectData } from './data.ts';
import { noteFault } from './dissect.ts';
import { FieldType, bytes, fields, names, proto, str, uint } from './field.ts';
import { labelBytes } from './field-text.ts';
import { dissectJsonMedia, dissectTextLines } from './http.ts';
import { expert, firstPass } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { formatText, stringValue } from './text-format.ts';
import type { FieldNode, Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TYPES = ['Confirmable', 'Non-Confirmable', 'Acknowledgement', 'Reset'];
const TYPES_SHORT = ['CON', 'NON', 'ACK', 'RST'];

const CODES: Record<number, string> = {
  0: 'Empty Message',
  1: 'GET',
  2: 'POST',
  3: 'PUT',
  4: 'DELETE',
  5: 'FETCH',
  6: 'PATCH',
  7: 'iPATCH',
  65: '2.01 Created',
  66: '2.02 Deleted',
  67: '2.03 Valid',
  68: '2.04 Changed',
  69: '2.05 Content',
  95: '2.31 Continue',
  128: '4.00 Bad Request',
  129: '4.01 Unauthorized',
  130: '4.02 Bad Option',
  131: '4.03 Forbidden',
  132: '4.04 Not Found',
  133: '4.05 Method Not Allowed',
  134: '4.06 Not Acceptable',
  136: '4.08 Request Entity Incomplete',
  137: '4.09 Conflict',
  140: '4.12 Precondition Failed',
  141: '4.13 Request Entity Too Large',
  143: '4.15 Unsupported Content-Format',
  150: '4.22 Unprocessable Entity',
  157: '4.29 Too Many Requests',
  160: '5.00 Internal Server Error',
  161: '5.01 Not Implemented',
  162: '5.02 Bad Gateway',
  163: '5.03 Service Unavailable',
  164: '5.04 Gateway Timeout',
  165: '5.05 Proxying Not Supported',
  168: '5.08 Hop Limit Reached',
  225: '7.01 CSM',
  226: '7.02 Ping',
  227: '7.03 Pong',
  228: '7.04 Release',
  229: '7.05 Abort',
};

const OPTIONS: Record<number, string> = {
  1: 'If-Match',
  3: 'Uri-Host',
  4: 'Etag',
  5: 'If-None-Match',
  6: 'Observe',
  7: 'Uri-Port',
  8: 'Location-Path',
  9: 'OSCORE',
  11: 'Uri-Path',
  12: 'Content-Format',
  14: 'Max-age',
  15: 'Uri-Query',
  16: 'Hop-Limit',
  17: 'Accept',
  20: 'Location-Query',
  23: 'Block2',
  27: 'Block1',
  28: 'Size2',
  35: 'Proxy-Uri',
  39: 'Proxy-Scheme',
  60: 'Size1',
};

/** The lengths each known option may have: [min, max]. */
const RANGES: Record<number, [number, number]> = {
  1: [0, 8],
  3: [1, 255],
  4: [1, 8],
  5: [0, 0],
  7: [0, 2],
  8: [0, 255],
  9: [0, 255],
  11: [0, 255],
  12: [0, 2],
  14: [0, 4],
  15: [1, 255],
  16: [1, 1],
  17: [0, 2],
  20: [0, 255],
  35: [1, 1034],
  39: [1, 255],
  60: [0, 4],
  6: [0, 3],
  23: [0, 3],
  27: [0, 3],
  28: [0, 4],
};

const CTYPES: Record<number, string> = {
  0: 'text/plain; charset=utf-8',
  40: 'application/link-format',
  41: 'application/xml',
  42: 'application/octet-stream',
  47: 'application/exi',
  50: 'application/json',
  51: 'application/json-patch+json',
  52: 'application/merge-patch+json',
  60: 'application/cbor',
  61: 'application/cwt',
  62: 'application/multipart-core',
  96: 'application/cose; cose-type="cose-encrypt"',
  97: 'application/cose; cose-type="cose-mac"',
  98: 'application/cose; cose-type="cose-sign"',
  101: 'application/cose-key',
  102: 'application/cose-key-set',
  110: 'application/senml+json',
  111: 'application/sensml+json',
  112: 'application/senml+cbor',
  113: 'application/sensml+cbor',
  114: 'application/senml-exi',
  115: 'application/sensml-exi',
  256: 'application/coap-group+json',
  271: 'application/dots+cbor',
  272: 'application/missing-blocks+cbor-seq',
  280: 'application/pkcs7-mime; smime-type=server-generated-key',
  281: 'application/pkcs7-mime; smime-type=certs-only',
  284: 'application/pkcs8',
  285: 'application/csrattrs',
  286: 'application/pkcs10',
  287: 'application/pkix-cert',
  310: 'application/senml+xml',
  311: 'application/sensml+xml',
  320: 'application/senml-etch+json',
  322: 'application/senml-etch+cbor',
  432: 'application/td+json',
  1542: 'application/vnd.oma.lwm2m+tlv',
  1543: 'application/vnd.oma.lwm2m+json',
  10000: 'application/vnd.ocf+cbor',
  10001: 'application/oscore',
  11542: 'application/vnd.oma.lwm2m+tlv',
  11543: 'application/vnd.oma.lwm2m+json',
};

/** No Content-Format option (Wireshark's ~0U, which a too-long option also reads as). */
const NO_CTYPE = 0xffffffff;
/** No Block option. */
const NO_BLOCK = 0xffffffff;

const F = fields('coap', {
  '': proto('Constrained Application Protocol'),
  version: uint('Version', 8, { mask: 0xc0 }),
  type: uint('Type', 8, { mask: 0x30, strings: names({ ...TYPES }) }),
  token_len: uint('Token Length', 8, { mask: 0x0f }),
  code: uint('Code', 8, { strings: names(CODES) }),
  mid: uint('Message ID', 16),
  token: bytes('Token'),
  'opt.name': str('Opt Name'),
  'opt.desc': str('Opt Desc'),
  'opt.delta': uint('Opt Delta', 8, { mask: 0xf0 }),
  'opt.length': uint('Opt Length', 8, { mask: 0x0f }),
  'opt.delta_ext': uint('Opt Delta extended', 16),
  'opt.length_ext': uint('Opt Length extended', 16),
  'opt.end_marker': uint('End of options marker', 8),
  'opt.ctype': str('Content-type'),
  'opt.max_age': uint('Max-age', 32),
  'opt.proxy_uri': str('Proxy-Uri'),
  'opt.proxy_scheme': str('Proxy-Scheme'),
  'opt.size1': uint('Size1', 32),
  'opt.etag': bytes('Etag'),
  'opt.uri_host': str('Uri-Host'),
  'opt.location_path': str('Location-Path'),
  'opt.uri_port': uint('Uri-Port', 16),
  'opt.location_query': str('Location-Query'),
  'opt.uri_path': str('Uri-Path'),
  'opt.uri_path_recon': str('Uri-Path', { generated: true }),
  'opt.observe': uint('Observe', 32, { strings: names({ 0: 'Register', 1: 'Deregister' }) }),
  'opt.hop_limit': uint('Hop Limit', 8),
  'opt.accept': str('Accept'),
  'opt.if_match': bytes('If-Match'),
  'opt.block_number': uint('Block Number', 32),
  'opt.block_mflag': uint('More Flag', 8, { mask: 0x08 }),
  'opt.block_size': uint('Encoded Block Size', 8, { mask: 0x07 }),
  'opt.uri_query': str('Uri-Query'),
  'opt.unknown': bytes('Unknown'),
  payload: str('Payload'),
  payload_desc: str('Payload Desc'),
  payload_length: uint('Payload Length', 32, { generated: true }),
  block_payload: bytes('Block Payload'),
  block_length: uint('Block Length', 32, { generated: true }),
  response_in: { name: 'Response In', type: FieldType.FrameNum, generated: true },
  response_to: { name: 'Request In', type: FieldType.FrameNum, generated: true },
  response_time: { name: 'Response Time', type: FieldType.RelTime, unit: 'seconds', generated: true },
  request_first_in: { name: 'Retransmission of request in', type: FieldType.FrameNum, generated: true },
  response_first_in: { name: 'Retransmission of response in', type: FieldType.FrameNum, generated: true },
});

/** Observe in a response: the same filter name as in a request, with its own name and no names. */
const OBSERVE_RSP = fields('coap', { 'opt.observe': uint('Observe sequence number', 32) })['opt.observe'];

type Def = (typeof F)['opt.uri_path'];

/** One request/response exchange: a token and message id in a conversation. */
interface Exchange {
  req: number;
  reqSec: number;
  reqNsec: number;
  rsp: number;
}

/** A token's transaction: the URI its request named, and its exchanges by message id. */
interface Transaction {
  uri: string;
  exchanges: Map<number, Exchange>;
}

const newTransactions = (): Map<string, Transaction> => new Map();

/** What the options told about the message. */
interface Message {
  codeClass: number;
  ctype: number;
  ctypeStr: string;
  blockOption: number;
  blockNumber: number;
  blockMore: number;
  uri: string;
  query: string;
  /** The number of the last option read (the next one's delta is from it). */
  lastOption: number;
}

/** coap_get_opt_uint: the big-endian value of 0 to 4 bytes as a C int; -1 for longer. */
function optUint(tvb: Tvb, at: number, len: number): number {
  switch (len) {
    case 0:
      return 0;
    case 1:
      return tvb.u8(at);
    case 2:
      return tvb.u16(at);
    case 3:
      return (tvb.u8(at) << 16) | tvb.u16(at + 1);
    case 4:
      return tvb.u32(at) | 0;
    default:
      return -1;
  }
}

function appendInfo(pinfo: PacketInfo, s: string): void {
  if (pinfo.wantInfo) pinfo.setInfo(pinfo.info + s);
}

function hexPunct(b: Uint8Array, at: number, len: number): string {
  const parts: string[] = [];
  for (let i = 0; i < len; i++) parts.push((b[at + i] as number).toString(16).padStart(2, '0'));
  return parts.join(' ');
}

/** An ASCII string option: its value (up to a NUL) added as `def`, its label text returned. */
function stringOpt(tvb: Tvb, tree: Tree, def: Def, at: number, len: number): string {
  tvb.need(at, len);
  const v = stringValue(tvb.bytes, at, at + len, true);
  tree.add(def, tvb, at, len, v.field);
  return v.field;
}

function dissectCoap(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const reported = tvb.reportedRemaining(o);
  pinfo.layers.push('coap');
  pinfo.setProto('CoAP');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    message(tvb, pinfo, tree, o, o + reported, tree.current());
  } catch (err) {
    tree.unwind();
    noteFault(err, tvb, pinfo, tree);
    return reported;
  }
  tree.pop();
  return reported;
}

/** The fixed header and token from `o`; the token as text (null when there is none). */
function header(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number): string | null {
  const b0 = tvb.u8(o);
  const ttype = (b0 >> 4) & 3;
  const tokenLen = b0 & 0x0f;
  tree.add(F.version, tvb, o, 1, b0 >> 6);
  tree.add(F.type, tvb, o, 1, ttype);
  tree.add(F.token_len, tvb, o, 1, tokenLen);
  const code = tvb.u8(o + 1);
  tree.add(F.code, tvb, o + 1, 1, code);
  const mid = tvb.u16(o + 2);
  tree.add(F.mid, tvb, o + 2, 2, mid);
  const codeName = CODES[code] ?? `Unknown ${code}`;
  if (pinfo.wantInfo) pinfo.setInfo(`${TYPES_SHORT[ttype]}, MID:${mid}, ${codeName}`);
  if (tree.full) tree.label(`Constrained Application Protocol, ${TYPES[ttype]}, ${codeName}, MID:${mid}`);
  if (tokenLen === 0) return null;
  tvb.need(o + 4, tokenLen);
  const token = hexPunct(tvb.bytes, o + 4, tokenLen);
  tree.add(F.token, tvb, o + 4, tokenLen);
  return token;
}

const isResponse = (codeClass: number): boolean => codeClass >= 2 && codeClass <= 5;

/**
 * The request/response exchange of message `mid` under `token`: made on the first pass when a
 * request opens the token's transaction, noted with the frames of its request and response.
 */
function trackExchange(pinfo: PacketInfo, m: Message, token: string, mid: number): Exchange | undefined {
  const all = pinfo.state.of('coap.transactions', newTransactions);
  const key = `${pinfo.conversation}:${token}`;
  const first = firstPass(pinfo.state, pinfo);
  let t = all.get(key);
  if (!t) {
    if (!first || m.codeClass !== 0) return undefined;
    t = { uri: m.uri, exchanges: new Map() };
    all.set(key, t);
  } else if (isResponse(m.codeClass)) {
    m.uri = t.uri;
  }
  let exchange = t.exchanges.get(mid);
  if (!first) return exchange;
  if (!exchange) {
    exchange = { req: 0, reqSec: 0, reqNsec: 0, rsp: 0 };
    t.exchanges.set(mid, exchange);
  }
  if (m.codeClass === 0) {
    if (exchange.req === 0) {
      exchange.req = pinfo.meta.number;
      exchange.reqSec = pinfo.meta.tsSec;
      exchange.reqNsec = pinfo.meta.tsNsec;
    }
  } else if (isResponse(m.codeClass) && exchange.rsp === 0) {
    exchange.rsp = pinfo.meta.number;
  }
  return exchange;
}

/** The bytes after the options: the payload, or a block of it (whole only when it is the lone block). */
function payloadOrBlock(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  p: number,
  end: number,
  m: Message,
  node: FieldNode | null,
): void {
  if (m.blockNumber === NO_BLOCK) {
    payload(tvb, pinfo, tree, p, end, m, node);
    return;
  }
  tvb.need(p, end - p);
  tree.add(F.block_payload, tvb, p, end - p);
  if (tree.full) tree.labelLast('Block Payload');
  tree.add(F.block_length, tvb, p, 0, end - p);
  // A lone block (number 0, no more to come) is whole at once; others wait for reassembly.
  if (m.blockNumber === 0 && m.blockMore === 0) payload(tvb, pinfo, tree, p, end, m, node);
}

/** Info's token, block and URI parts, and the reconstructed URI. */
function infoSuffix(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  m: Message,
  token: string | null,
): void {
  if (token !== null) appendInfo(pinfo, `, TKN:${token}`);
  if (m.blockNumber !== NO_BLOCK) {
    const used =
      (m.blockOption === 1 && m.codeClass === 0) || (m.blockOption === 2 && isResponse(m.codeClass));
    appendInfo(pinfo, `, ${m.blockMore || !used ? '' : 'End of '}Block #${m.blockNumber}`);
  }
  if (m.uri.length > 0) {
    appendInfo(pinfo, `, ${formatText(m.uri)}`);
    tree.add(F['opt.uri_path_recon'], tvb, o, 0, m.uri);
  }
  if (m.query.length > 0) appendInfo(pinfo, formatText(m.query));
}

/** The links between a request and its response, and retransmissions of either. */
function exchangeLinks(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  m: Message,
  exchange: Exchange,
  ttype: number,
): void {
  const n = pinfo.meta.number;
  const confirmable = ttype === 0 || ttype === 1;
  if (m.codeClass === 0) {
    if (exchange.rsp) frameItem(tvb, tree, F.response_in, exchange.rsp, 'Response In');
    if (confirmable && exchange.req !== n) {
      appendInfo(pinfo, ' [Retransmission]');
      retransmission(tvb, pinfo, tree, F.request_first_in, exchange.req, 'Retransmission of request in');
    }
  } else if (isResponse(m.codeClass)) {
    if (exchange.req) {
      frameItem(tvb, tree, F.response_to, exchange.req, 'Request In');
      const d = formatDelta(pinfo.meta.tsSec, pinfo.meta.tsNsec, exchange.reqSec, exchange.reqNsec);
      tree.add(F.response_time, tvb, o, 0, d);
    }
    if (confirmable && exchange.rsp !== n) {
      appendInfo(pinfo, ' [Retransmission]');
      retransmission(tvb, pinfo, tree, F.response_first_in, exchange.rsp, 'Retransmission of response in');
    }
  }
}

function message(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  end: number,
  node: FieldNode | null,
): void {
  const token = header(tvb, pinfo, tree, o);
  const code = tvb.u8(o + 1);
  const m: Message = {
    codeClass: code >> 5,
    ctype: NO_CTYPE,
    ctypeStr: '',
    blockOption: 0,
    blockNumber: NO_BLOCK,
    blockMore: 0,
    uri: '',
    query: '',
    lastOption: 0,
  };
  const p = options(tvb, pinfo, tree, o + 4 + (tvb.u8(o) & 0x0f), end, m);
  if (p < 0) return;
  const mid = tvb.u16(o + 2);
  const exchange = token !== null && code !== 0 ? trackExchange(pinfo, m, token, mid) : undefined;
  if (end > p) payloadOrBlock(tvb, pinfo, tree, p, end, m, node);
  infoSuffix(tvb, pinfo, tree, o, m, token);
  if (exchange) exchangeLinks(tvb, pinfo, tree, o, m, exchange, (tvb.u8(o) >> 4) & 3);
}

function frameItem(tvb: Tvb, tree: Tree, def: (typeof F)['response_in'], frame: number, name: string): void {
  tree.add(def, tvb, tvb.start, 0, frame);
  if (tree.full) tree.labelLast(`[${name}: ${frame}]`);
}

function retransmission(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  def: (typeof F)['response_in'],
  frame: number,
  name: string,
): void {
  tree.push(def, tvb, tvb.start, 0, frame);
  if (tree.full) tree.label(`[${name}: ${frame}]`);
  expert(pinfo, tree, tvb, tvb.start, 0, 'Note', 'Sequence', 'Retransmitted');
  tree.pop();
}

/** The options from `p` on; the offset after them (and the end marker), or -1 when malformed. */
function options(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number, end: number, m: Message): number {
  for (let i = 1; p < end; i++) {
    p = option(tvb, pinfo, tree, p, end, i, m);
    if (p < 0) return -1;
    if (p >= end) break;
    if (tvb.u8(p) === 0xff) {
      tree.add(F['opt.end_marker'], tvb, p, 1, 0xff);
      p++;
      break;
    }
  }
  return p;
}

/**
 * An option's delta or length nibble with the extension bytes after it (13: one more byte, 14: two);
 * `at` is where the extension starts (or would have). Null for 15, the payload marker's nibble.
 */
function extended(tvb: Tvb, nibble: number, at: number): { value: number; at: number; size: number } | null {
  if (nibble === 13) return { value: 13 + tvb.u8(at), at, size: 1 };
  if (nibble === 14) return { value: 269 + tvb.u16(at), at, size: 2 };
  if (nibble === 15) return null;
  return { value: nibble, at, size: 0 };
}

/** A 15 nibble next to a delta or length that is not 15 (tshark names the other half); ends the options. */
function badMarker(pinfo: PacketInfo, tree: Tree, tvb: Tvb, other: 'length' | 'delta'): number {
  const message = `end-of-options marker found, but option ${other} isn't 15`;
  expert(pinfo, tree, tvb, tvb.start, 0, 'Warning', 'Malformed', message);
  return -1;
}

/** Warns of an option number CoAP does not define, or of a length outside the option's range. */
function checkOption(tvb: Tvb, pinfo: PacketInfo, tree: Tree, start: number, num: number, len: number): void {
  const range = RANGES[num];
  if (!range) {
    if (num >= 2048 && num <= 65535)
      expert(pinfo, tree, tvb, start, 0, 'Warning', 'Undecoded', `Unknown Option Number ${num}`);
    else expert(pinfo, tree, tvb, start, 0, 'Warning', 'Malformed', `Invalid Option Number ${num}`);
  } else if (len < range[0] || len > range[1]) {
    const message = `Invalid Option Range: ${len} (${range[0]} < x < ${range[1]})`;
    expert(pinfo, tree, tvb, start, 0, 'Warning', 'Malformed', message);
  }
}

/** An unsigned option value; the text for the option's label. */
function uintOpt(tvb: Tvb, tree: Tree, def: (typeof F)['opt.max_age'], p: number, len: number): string {
  const v = optUint(tvb, p, len) >>> 0;
  // Size2 goes to the 3-bit Encoded Block Size field, as Wireshark's does: masked.
  tree.add(def, tvb, p, len, def.mask ? v & def.mask : v);
  return `: ${v}`;
}

/** The text for the label of a string option whose value is `s`. */
const textHead = (s: string, len: number): string => `: ${formatText(len === 0 ? '(null)' : s)}`;

/** A string option; the text for the option's label. */
function textOpt(tvb: Tvb, tree: Tree, def: Def, p: number, len: number): string {
  return textHead(stringOpt(tvb, tree, def, p, len), len);
}

function contentFormat(tvb: Tvb, tree: Tree, p: number, len: number, m: Message): string {
  m.ctype = len === 0 ? 0 : optUint(tvb, p, len) >>> 0;
  m.ctypeStr = CTYPES[m.ctype] ?? `Unknown Type ${m.ctype}`;
  tree.add(F['opt.ctype'], tvb, p, len, m.ctypeStr);
  return `: ${m.ctypeStr}`;
}

function accept(tvb: Tvb, tree: Tree, p: number, len: number): string {
  const s =
    len === 0
      ? '(null)'
      : (CTYPES[optUint(tvb, p, len) >>> 0] ?? `Unknown Type ${optUint(tvb, p, len) >>> 0}`);
  tree.add(F['opt.accept'], tvb, p, len, s);
  return `: ${s}`;
}

function uriHost(tvb: Tvb, tree: Tree, p: number, len: number, m: Message): string {
  const s = stringOpt(tvb, tree, F['opt.uri_host'], p, len);
  m.uri += s.includes(':') ? `coap://[${s}]` : `coap://${s}`;
  return `: ${formatText(s)}`;
}

function uriPath(tvb: Tvb, tree: Tree, p: number, len: number, m: Message): string {
  const s = stringOpt(tvb, tree, F['opt.uri_path'], p, len);
  m.uri += `/${len === 0 ? '' : s}`;
  return textHead(s, len);
}

function uriQuery(tvb: Tvb, tree: Tree, p: number, len: number, m: Message): string {
  const s = stringOpt(tvb, tree, F['opt.uri_query'], p, len);
  m.query += `${m.query.length === 0 ? '?' : '&'}${len === 0 ? '' : s}`;
  return textHead(s, len);
}

function uriPort(tvb: Tvb, tree: Tree, p: number, len: number, m: Message): string {
  const v = optUint(tvb, p, len) >>> 0;
  tree.add(F['opt.uri_port'], tvb, p, len, v);
  m.uri += `:${v}`;
  return `: ${v}`;
}

/** If-Match, ETag and options Trawl does not know: their bytes. */
function opaqueOpt(tvb: Tvb, tree: Tree, num: number, p: number, len: number): string {
  const def = num === 1 ? F['opt.if_match'] : num === 4 ? F['opt.etag'] : F['opt.unknown'];
  tree.add(def, tvb, p, len);
  return `: ${len === 0 ? '(null)' : hexPunct(tvb.bytes, p, len)}`;
}

/** The value of option `num` at `p` (`len` bytes); the text it adds to the option's label. */
function optionValue(tvb: Tvb, tree: Tree, num: number, p: number, len: number, m: Message): string {
  switch (num) {
    case 12:
      return contentFormat(tvb, tree, p, len, m);
    case 17:
      return accept(tvb, tree, p, len);
    case 14:
      return uintOpt(tvb, tree, F['opt.max_age'], p, len);
    case 60:
      return uintOpt(tvb, tree, F['opt.size1'], p, len);
    case 16:
      return uintOpt(tvb, tree, F['opt.hop_limit'], p, len);
    case 6:
      return uintOpt(tvb, tree, m.codeClass === 0 ? F['opt.observe'] : OBSERVE_RSP, p, len);
    case 28:
      return uintOpt(tvb, tree, F['opt.block_size'], p, len);
    case 35:
      return textOpt(tvb, tree, F['opt.proxy_uri'], p, len);
    case 39:
      return textOpt(tvb, tree, F['opt.proxy_scheme'], p, len);
    case 8:
      return textOpt(tvb, tree, F['opt.location_path'], p, len);
    case 20:
      return textOpt(tvb, tree, F['opt.location_query'], p, len);
    case 3:
      return uriHost(tvb, tree, p, len, m);
    case 11:
      return uriPath(tvb, tree, p, len, m);
    case 15:
      return uriQuery(tvb, tree, p, len, m);
    case 7:
      return uriPort(tvb, tree, p, len, m);
    case 23:
    case 27:
      m.blockOption = num === 23 ? 2 : 1;
      return block(tvb, tree, p, len, m);
    case 5:
      return '';
    default:
      return opaqueOpt(tvb, tree, num, p, len);
  }
}

/**
 * Option `count` at `start`, its number the delta from the one before (`m.lastOption`); the
 * offset after it, or -1 when malformed.
 */
function option(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  start: number,
  end: number,
  count: number,
  m: Message,
): number {
  const jump = tvb.u8(start);
  if (jump === 0xff) return start;
  const delta = extended(tvb, jump >> 4, start + 1);
  if (delta === null) return badMarker(pinfo, tree, tvb, 'length');
  const num = (m.lastOption + delta.value) >>> 0;
  m.lastOption = num;
  const length = extended(tvb, jump & 0x0f, delta.at + delta.size);
  if (length === null) return badMarker(pinfo, tree, tvb, 'delta');
  const len = length.value;
  const p = length.at + length.size;
  if (len > end - p) {
    expert(pinfo, tree, tvb, tvb.start, 0, 'Warning', 'Malformed', 'option longer than the package');
    return -1;
  }
  const known = OPTIONS[num];
  const name = `#${count}: ${known ?? (num % 14 === 0 ? 'No-Op' : `Unknown Option (${num | 0})`)}`;
  tree.push(F['opt.name'], tvb, start, p - start + len, name);
  checkOption(tvb, pinfo, tree, start, num, len);
  const desc = `Type ${num}, ${num & 1 ? 'Critical' : 'Elective'}, ${num & 2 ? 'Unsafe' : 'Safe'}${(num & 0x1e) === 0x1c ? ', NoCacheKey' : ''}`;
  tree.add(F['opt.desc'], tvb, start, p - start + len, desc);
  tree.add(F['opt.delta'], tvb, start, 1, jump >> 4);
  tree.add(F['opt.length'], tvb, start, 1, jump & 0x0f);
  if (delta.size) tree.add(F['opt.delta_ext'], tvb, delta.at, delta.size, optUint(tvb, delta.at, delta.size));
  if (length.size)
    tree.add(F['opt.length_ext'], tvb, length.at, length.size, optUint(tvb, length.at, length.size));
  tvb.need(p, len);
  const head = `Opt Name: ${name}${optionValue(tvb, tree, num, p, len, m)}`;
  if (tree.full) tree.label(labelBytes(head));
  tree.pop();
  return p + len;
}

/** A Block1/Block2 option: number, more flag and size; the text for the option's label. */
function block(tvb: Tvb, tree: Tree, p: number, len: number, m: Message): string {
  let val = 0;
  if (len === 0) m.blockNumber = 0;
  else {
    m.blockNumber = (optUint(tvb, p, len) >> 4) >>> 0;
    val = tvb.u8(p + len - 1) & 0x0f;
  }
  tree.add(F['opt.block_number'], tvb, p, len, m.blockNumber);
  m.blockMore = (val & 0x08) >> 3;
  tree.add(F['opt.block_mflag'], tvb, p + len - 1, 1, m.blockMore);
  const szx = val & 0x07;
  const size = 1 << (szx + 4);
  tree.add(F['opt.block_size'], tvb, p + len - 1, 1, szx);
  if (tree.full) tree.labelLast(`Block Size: ${size} (${szx} encoded)`);
  return `: NUM:${m.blockNumber}, M:${m.blockMore}, SZX:${size}`;
}

/** The payload item and the payload handed on by its Content-Format. */
function payload(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  p: number,
  end: number,
  m: Message,
  node: FieldNode | null,
): void {
  const n = end - p;
  let media: string;
  if (m.ctype === NO_CTYPE) {
    if (m.codeClass >= 4 && m.codeClass <= 5) {
      m.ctypeStr = 'text/plain; charset=utf-8';
      media = 'text/plain';
    } else {
      m.ctypeStr = 'application/octet-stream';
      media = m.ctypeStr;
    }
  } else if (m.ctype === 0) {
    media = 'text/plain';
  } else {
    media = m.ctypeStr;
  }
  // Wireshark builds this text in an 80-byte buffer.
  const text =
    `Payload Content-Format: ${m.ctypeStr}${m.ctype === NO_CTYPE ? ' (no Content-Format)' : ''}, Length: ${n}`.slice(
      0,
      79,
    );
  tree.push(F.payload, tvb, p, n, text);
  tree.add(F.payload_desc, tvb, p, 0, m.ctypeStr);
  tree.add(F.payload_length, tvb, p, 0, n);
  tree.pop();
  const body = tvb.sub(p, n);
  // The payload goes next to CoAP, not under it; CoAP's items after it go back under CoAP.
  tree.pop();
  // The media types of Wireshark's media_type table that Trawl dissects.
  if (!dissectJsonMedia(body, media, pinfo, tree)) {
    if (media === 'text/plain') dissectTextLines(body, media, pinfo, tree);
    else if (media === 'application/octet-stream') dissectData(body, pinfo, tree);
  }
  tree.reopen(node);
}

export const coapModule = {
  fields: { ...F, observeRsp: OBSERVE_RSP },
  handoff(reg: Registry): void {
    reg.register('udpPort', 5683, dissectCoap);
  },
};
