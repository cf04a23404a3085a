// HTTP/2 (RFC 9113) in cleartext, as tshark 4.0 finds and shows it: the connection preface, every
// frame type with its flags, SETTINGS, and header blocks decoded with HPACK (http2-hpack.ts), per
// connection and direction. tshark 4.0 has no TCP port and no TCP heuristic for HTTP/2: a stream
// becomes HTTP/2 through HTTP, when a message that is no HTTP starts with the preface (the HTTP
// body heuristic) or after a 101 response to `Upgrade: h2c` (http.ts asks `http2Takes`). Frames
// several to a segment or spanning segments go through tcp_dissect_pdus (tcp-pdus.ts); DATA of
// a stream is joined at END_STREAM and handed to the body's media type.
import { bitPicture } from './field-text.ts';
import {
  applyMask,
  bool,
  bytes,
  fields,
  hex,
  names,
  proto,
  str,
  text,
  uint,
  FieldType,
  type FieldDef,
} from './field.ts';
import { dissectGrpc, GRPC_TYPES, type GrpcContext } from './grpc.ts';
import { dissectJsonMedia, dissectTextLines, isJsonMedia } from './http.ts';
import { REPR_TEXT, Repr, Inflater, type HpackEntry } from './http2-hpack.ts';
import { firstPass } from './ip-proto.ts';
import type { CaptureState, PacketInfo } from './packet-info.ts';
import { tcpLayer } from './tcp.ts';
import { appendInfo, tcpDissectPdus, type PduSpec } from './tcp-pdus.ts';
import type { Tree } from './tree.ts';
import { Tvb } from './tvb.ts';

const TRUE_FALSE: readonly [string, string] = ['True', 'False'];
const flag = (name: string, mask: number): ReturnType<typeof bool> => bool(name, 8, mask, { tf: TRUE_FALSE });
const frameNum = (name: string): { name: string; type: FieldType; generated: boolean } => ({
  name,
  type: FieldType.FrameNum,
  generated: true,
});

export const TYPE_NAMES = names({
  0: 'DATA',
  1: 'HEADERS',
  2: 'PRIORITY',
  3: 'RST_STREAM',
  4: 'SETTINGS',
  5: 'PUSH_PROMISE',
  6: 'PING',
  7: 'GOAWAY',
  8: 'WINDOW_UPDATE',
  9: 'CONTINUATION',
  10: 'ALTSVC',
  11: 'BLOCKED',
  12: 'ORIGIN',
  16: 'PRIORITY_UPDATE',
});

const ERRORS = names({
  0: 'NO_ERROR',
  1: 'PROTOCOL_ERROR',
  2: 'INTERNAL_ERROR',
  3: 'FLOW_CONTROL_ERROR',
  4: 'SETTINGS_TIMEOUT',
  5: 'STREAM_CLOSED',
  6: 'FRAME_SIZE_ERROR',
  7: 'REFUSED_STREAM',
  8: 'CANCEL',
  9: 'COMPRESSION_ERROR',
  10: 'CONNECT_ERROR',
  11: 'ENHANCE_YOUR_CALM',
  12: 'INADEQUATE_SECURITY',
  13: 'HTTP_1_1_REQUIRED',
});

const SETTINGS = names({
  1: 'Header table size',
  2: 'Enable PUSH',
  3: 'Max concurrent streams',
  4: 'Initial Windows size',
  5: 'Max frame size',
  6: 'Max header list size',
  8: 'Extended CONNECT',
});

export const F = fields('http2', {
  '': proto('HyperText Transfer Protocol 2'),
  stream: text('Stream'),
  length: uint('Length', 24),
  type: uint('Type', 8, { strings: TYPE_NAMES }),
  r: hex('Reserved', 32, { mask: 0x80000000 }),
  'headers.weight': uint('Weight', 8),
  'headers.weight_real': uint('Weight real', 8, { generated: true }),
  streamid: uint('Stream Identifier', 32, { mask: 0x7fffffff }),
  magic: str('Magic'),
  unknown: bytes('Unknown'),
  flags: hex('Flags', 8),
  'flags.end_stream': flag('End Stream', 0x01),
  'flags.eh': flag('End Headers', 0x04),
  'flags.padded': flag('Padded', 0x08),
  'flags.priority': flag('Priority', 0x20),
  'flags.ack.ping': flag('ACK', 0x01),
  'flags.unused': hex('Unused', 8, { mask: 0xff }),
  'flags.unused_settings': hex('Unused', 8, { mask: 0xfe }),
  'flags.unused_ping': hex('Unused', 8, { mask: 0xfe }),
  'flags.unused_continuation': hex('Unused', 8, { mask: 0xfb }),
  'flags.unused_push_promise': hex('Unused', 8, { mask: 0xf3 }),
  'flags.unused_data': hex('Unused', 8, { mask: 0xf6 }),
  'flags.unused_headers': hex('Unused', 8, { mask: 0xd2 }),
  'flags.ack.settings': flag('ACK', 0x01),
  padding: hex('Pad Length', 8),
  pad_length: uint('Pad Length', 16, { generated: true }),
  exclusive: { name: 'Exclusive', type: FieldType.Bool, bits: 32, mask: 0x80000000, tf: TRUE_FALSE },
  stream_dependency: uint('Stream Dependency', 32, { mask: 0x7fffffff }),
  'data.segment': bytes('DATA segment'),
  'data.data': bytes('Data'),
  'data.padding': bytes('Padding'),
  'body.fragments': text('Body fragments'),
  'body.fragment': frameNum('Body fragment'),
  'body.fragment.count': uint('Body fragment count', 32, { generated: true }),
  'body.reassembled.in': frameNum('Reassembled body in frame'),
  'body.reassembled.length': uint('Reassembled body length', 32, { generated: true }),
  'body.reassembled.data': bytes('Reassembled body data', { generated: true }),
  headers: bytes('Header Block Fragment'),
  'headers.padding': bytes('Padding'),
  header: text('Header'),
  'header.length': uint('Header Length', 32, { generated: true }),
  'header.count': uint('Header Count', 32, { generated: true }),
  'header.name.length': uint('Name Length', 32),
  'header.name': str('Name'),
  'header.value.length': uint('Value Length', 32),
  'header.value': str('Value'),
  'header.unescaped': str('Unescaped', { generated: true }),
  'header.repr': str('Representation'),
  'header.index': uint('Index', 32),
  header_table_size_update: text('Header table size update'),
  'header_table_size_update.header_table_size': uint('Header table size', 32),
  'request.full_uri': str('Full request URI', { generated: true }),
  'rst_stream.error': uint('Error', 32, { strings: ERRORS }),
  settings: text('Settings'),
  'settings.id': uint('Settings Identifier', 16, { strings: SETTINGS }),
  'settings.header_table_size': uint('Header table size', 32),
  'settings.enable_push': uint('Enable PUSH', 32),
  'settings.max_concurrent_streams': uint('Max concurrent streams', 32),
  'settings.initial_window_size': uint('Initial Windows Size', 32),
  'settings.max_frame_size': uint('Max frame size', 32),
  'settings.max_header_list_size': uint('Max header list size', 32),
  'settings.extended_connect': uint('Extended CONNECT', 32),
  'settings.unknown': uint('Unknown Settings', 32),
  'push_promise.r': hex('Reserved', 32, { mask: 0x80000000 }),
  'push_promise.promised_stream_id': uint('Promised-Stream-ID', 32, { mask: 0x7fffffff }),
  'push_promise.header': bytes('Header Block Fragment'),
  'push_promise.padding': bytes('Padding'),
  ping: bytes('Ping'),
  pong: bytes('Pong'),
  'goway.r': hex('Reserved', 32, { mask: 0x80000000 }),
  'goaway.last_stream_id': uint('Last-Stream-ID', 32, { mask: 0x7fffffff }),
  'goaway.error': uint('Error', 32, { strings: ERRORS }),
  'goaway.addata': bytes('Additional Debug Data'),
  'window_update.r': hex('Reserved', 32, { mask: 0x80000000 }),
  'window_update.window_size_increment': uint('Window Size Increment', 32, { mask: 0x7fffffff }),
  'continuation.header': str('Continuation Header'),
  'continuation.padding': bytes('Padding'),
  'altsvc.origin.len': uint('Origin Length', 16),
  'altsvc.origin': str('Origin'),
  'altsvc.field_value': str('Field/Value'),
  origin: text('Origin'),
  'origin.origin_len': uint('Origin Length', 16),
  'origin.origin': str('Origin'),
  priority_update_stream_id: {
    name: 'Priority Update Stream ID',
    type: FieldType.UInt,
    base: 'dec',
    bits: 64,
  },
  priority_update_field_value: str('Priority Update Field Value'),
});

/** Header names with a field of their own (Wireshark's register_static_headers), and their types. */
const NAMED = fields('http2.headers', {
  authority: str(':authority'),
  status: uint(':status', 16),
  path: str(':path'),
  method: str(':method'),
  scheme: str(':scheme'),
  accept: str('accept'),
  accept_charset: str('accept-charset'),
  accept_encoding: str('accept-encoding'),
  accept_language: str('accept-language'),
  accept_ranges: str('accept-ranges'),
  access_control_allow_origin: str('access-control-allow-origin'),
  age: uint('age', 64),
  allow: str('allow'),
  authorization: str('authorization'),
  cache_control: str('cache-control'),
  content_disposition: str('content-disposition'),
  content_encoding: str('content-encoding'),
  content_language: str('content-language'),
  content_length: uint('content-length', 64),
  content_location: str('content-location'),
  content_range: str('content-range'),
  content_type: str('content-type'),
  cookie: str('cookie'),
  date: str('date'),
  etag: str('etag'),
  expect: str('expect'),
  expires: str('expires'),
  from: str('from'),
  if_match: str('if-match'),
  if_modified_since: str('if-modified-since'),
  if_none_match: str('if-none-match'),
  if_range: str('if-range'),
  if_unmodified_since: str('if-unmodified-since'),
  last_modified: str('last-modified'),
  link: str('link'),
  location: str('location'),
  max_forwards: uint('max-forwards', 64),
  proxy_authenticate: str('proxy-authenticate'),
  proxy_authorization: str('proxy-authorization'),
  range: str('range'),
  referer: str('referer'),
  refresh: str('refresh'),
  retry_after: str('retry-after'),
  server: str('server'),
  set_cookie: str('set-cookie'),
  strict_transport_security: str('strict-transport-security'),
  user_agent: str('user-agent'),
  vary: str('vary'),
  via: str('via'),
  www_authenticate: str('www-authenticate'),
});

/** HTTP's path fields, which HTTP/2 adds under `:path` (http_add_path_components_to_tree). */
const HTTP_PATH = fields('http', {
  path_segment: str('Path segment'),
  path_sub_segment: str('Path sub segment'),
});

const NAMED_BY_HEADER = new Map<string, FieldDef>(Object.values(NAMED).map((d) => [d.name, d]));

/** Reason phrases for `:status` in Info (Wireshark's vals_http_status_code). */
const STATUS_TEXT = names({
  100: 'Continue',
  101: 'Switching Protocols',
  102: 'Processing',
  103: 'Early Hints',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  203: 'Non-authoritative Information',
  204: 'No Content',
  205: 'Reset Content',
  206: 'Partial Content',
  207: 'Multi-Status',
  208: 'Already Reported',
  226: 'IM Used',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  305: 'Use Proxy',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Time-out',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable',
  417: 'Expectation Failed',
  418: "I'm a teapot",
  421: 'Misdirected Request',
  422: 'Unprocessable Entity',
  423: 'Locked',
  424: 'Failed Dependency',
  425: 'Too Early',
  426: 'Upgrade Required',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Time-out',
  505: 'HTTP Version not supported',
  506: 'Variant Also Negotiates',
  507: 'Insufficient Storage',
  508: 'Loop Detected',
  510: 'Not Extended',
  511: 'Network Authentication Required',
});

const HEADER = 9;
const MAGIC = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';
const MAGIC_LENGTH = 24;
const DATA = 0;
const HEADERS = 1;
const PRIORITY = 2;
const RST_STREAM = 3;
const SETTINGS_FRAME = 4;
const PUSH_PROMISE = 5;
const PING = 6;
const GOAWAY = 7;
const WINDOW_UPDATE = 8;
const CONTINUATION = 9;
const ALTSVC = 10;
const BLOCKED = 11;
const ORIGIN = 12;
const PRIORITY_UPDATE = 16;
const END_STREAM = 0x01;
const ACK = 0x01;
const END_HEADERS = 0x04;
const PADDED = 0x08;
const PRIORITY_FLAG = 0x20;

/** The flag fields each frame type shows, in Wireshark's order. */
const FLAG_FIELDS: Record<number, readonly FieldDef[]> = {
  [DATA]: [F['flags.unused_data'], F['flags.padded'], F['flags.end_stream']],
  [HEADERS]: [
    F['flags.unused_headers'],
    F['flags.priority'],
    F['flags.padded'],
    F['flags.eh'],
    F['flags.end_stream'],
  ],
  [SETTINGS_FRAME]: [F['flags.unused_settings'], F['flags.ack.settings']],
  [PUSH_PROMISE]: [F['flags.unused_push_promise'], F['flags.padded'], F['flags.eh']],
  [CONTINUATION]: [F['flags.unused_continuation'], F['flags.padded'], F['flags.eh']],
  [PING]: [F['flags.unused_ping'], F['flags.ack.ping']],
};

/** Whether `b` holds the connection preface at `at`. */
export function isPreface(b: Uint8Array, at: number, end: number): boolean {
  if (end - at < MAGIC_LENGTH) return false;
  for (let i = 0; i < MAGIC_LENGTH; i++) if (b[at + i] !== MAGIC.charCodeAt(i)) return false;
  return true;
}

interface PendingSettings {
  size: number;
  min: number;
  has: boolean;
}

/** One direction of one stream. */
interface OneWay {
  contentType: string;
  contentEncoding: string;
  partial: boolean;
  /** A HEADERS with :method or :status (or `<unknown>`) was seen: DATA is reassembled. */
  dataInitiated: boolean;
  transferEncoded: boolean;
  headerStart: number;
  headerEnd: number;
  /** DATA payloads waiting for END_STREAM. */
  fragments: { frame: number; bytes: Uint8Array }[];
  /** Fields seen in this direction, for gRPC (name → first value). */
  headers: Map<string, string>;
  /** Streaming mode: bytes of an unfinished message, and how many more it needs. */
  pending: Uint8Array[];
  /** The frame each pending piece came from. */
  pendingFrames: number[];
  need: number;
}

interface StreamInfo {
  ways: [OneWay, OneWay];
  connect: boolean;
  /** DATA goes to gRPC message by message (Wireshark's streaming reassembly mode). */
  streaming: boolean;
  /** The content type whose dissector the stream id was registered with (http2.streamid table). */
  handleType: string;
}

/** One HTTP/2 connection (a TCP stream). */
interface Session {
  /** Frame from which the stream is HTTP/2, and where in that frame's payload (upgrades). */
  startFrame: number;
  startOffset: number;
  upgraded: boolean;
  /** tcpLayer.dir of the first HTTP/2 frame: that direction is flow 0. */
  fwdDir: number;
  inflaters: [Inflater, Inflater];
  settings: [PendingSettings[], PendingSettings[]];
  streams: Map<number, StreamInfo>;
}

/** What the first pass decided about one HTTP/2 frame, for a revisit. */
interface FrameMemo {
  headers?: HpackEntry[];
  body?: { data: Uint8Array; fragments: { frame: number; length: number }[] };
  /** Content type of the stream's direction when the frame was seen. */
  contentType?: string;
  /** Whether the DATA frame's direction had headers that start a body. */
  initiated?: boolean;
  /** Streaming mode (gRPC): what the first pass found in the frame. */
  streaming?: StreamingPlan;
}

interface Http2State {
  sessions: Map<number, Session>;
  memo: Map<string, FrameMemo>;
  /** A frame counter within the packet: keys of `memo`. */
  pinfo: PacketInfo | null;
  index: number;
  /** The Protocol column as gRPC fenced it in this packet (col_set_fence on COL_PROTOCOL). */
  fencePinfo: PacketInfo | null;
  protoFence: string;
}

const newState = (): Http2State => ({
  sessions: new Map(),
  memo: new Map(),
  pinfo: null,
  index: 0,
  fencePinfo: null,
  protoFence: '',
});
let stateOwner: CaptureState | null = null;
let cached: Http2State | null = null;

function http2State(pinfo: PacketInfo): Http2State {
  if (pinfo.state !== stateOwner || cached === null) {
    cached = pinfo.state.of('http2', newState);
    stateOwner = pinfo.state;
  }
  return cached;
}

function newOneWay(): OneWay {
  return {
    contentType: '',
    contentEncoding: '',
    partial: false,
    dataInitiated: false,
    transferEncoded: false,
    headerStart: 0,
    headerEnd: 0,
    fragments: [],
    headers: new Map(),
    pending: [],
    pendingFrames: [],
    need: 0,
  };
}

/**
 * Whether HTTP should hand this stream's bytes at `offset` (of the payload HTTP was given) to
 * HTTP/2: after the preface was seen, or after a 101 response to an h2c upgrade.
 */
export function http2Takes(pinfo: PacketInfo, offset: number): boolean {
  const stream = tcpLayer.stream;
  if (stream < 0) return false;
  const s = http2State(pinfo).sessions.get(stream);
  if (!s) return false;
  const frame = pinfo.meta.number;
  if (!s.upgraded) return frame >= s.startFrame;
  return frame > s.startFrame || (frame === s.startFrame && offset >= s.startOffset);
}

/** Whether this stream was upgraded to HTTP/2 (HTTP keeps its own dissection before that point). */
export function http2Upgraded(pinfo: PacketInfo): boolean {
  const stream = tcpLayer.stream;
  return stream >= 0 && http2State(pinfo).sessions.get(stream)?.upgraded === true;
}

/** Makes the stream HTTP/2 from this frame on (the preface heuristic), or from `offset` (an upgrade). */
export function startHttp2(pinfo: PacketInfo, upgradeOffset = -1): void {
  const stream = tcpLayer.stream;
  if (stream < 0) return;
  const st = http2State(pinfo);
  if (st.sessions.has(stream)) return;
  st.sessions.set(stream, {
    startFrame: pinfo.meta.number,
    startOffset: upgradeOffset,
    upgraded: upgradeOffset >= 0,
    fwdDir: -1,
    inflaters: [new Inflater(), new Inflater()],
    settings: [[], []],
    streams: new Map(),
  });
}

/** The HTTP body heuristic: the preface starts a stream's HTTP/2 (dissect_http2_heur). */
export function heuristicHTTP2(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  if (!isPreface(tvb.bytes, tvb.start, tvb.end)) return false;
  startHttp2(pinfo);
  dissectHTTP2(tvb, pinfo, tree);
  return true;
}

/** Sub-dissectors of a stream's DATA by content type (gRPC registers here). */
export interface BodyDissector {
  (body: Tvb, pinfo: PacketInfo, tree: Tree, contentType: string, headers: ReadonlyMap<string, string>): void;
}
const bodyDissectors = new Map<string, BodyDissector>();

/** Registers a dissector for DATA bodies of `contentType` (Wireshark's media_type table for HTTP/2). */
export function registerBodyDissector(contentType: string, d: BodyDissector): void {
  bodyDissectors.set(contentType, d);
}

interface Ctx {
  /** What goes at the top level after the HTTP/2 item (gRPC messages), in order. */
  top: (() => void)[];
  /** What goes after the Stream subtree, under the HTTP/2 item (the body's media type). */
  after: (() => void) | null;
  pinfo: PacketInfo;
  tree: Tree;
  session: Session | null;
  flow: number;
  key: string;
  memo: FrameMemo | null;
  first: boolean;
}

const PDUS: PduSpec = {
  fixed: HEADER,
  length: (tvb, at) => (isPreface(tvb.bytes, at, tvb.end) ? MAGIC_LENGTH : tvb.u24(at) + HEADER),
  dissect: dissectPdu,
  name: 'HTTP2',
};

/** dissect_http2: Info cleared (behind any fence), then one PDU after another. */
export function dissectHTTP2(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  pinfo.layers.push('http2');
  if (pinfo.wantInfo) pinfo.setInfo('');
  return tcpDissectPdus(tvb, pinfo, tree, PDUS);
}

function session(pinfo: PacketInfo): Session | null {
  const stream = tcpLayer.stream;
  if (stream < 0) return null;
  return http2State(pinfo).sessions.get(stream) ?? null;
}

function dissectPdu(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  const end = tvb.reportedEnd;
  const st = http2State(pinfo);
  pinfo.setProto(`${st.fencePinfo === pinfo ? st.protoFence : ''}HTTP2`);
  if (st.pinfo !== pinfo) {
    st.pinfo = pinfo;
    st.index = 0;
  }
  tree.push(F[''], tvb, o, end - o);
  if (isPreface(tvb.bytes, o, tvb.end)) {
    appendInfo(pinfo, 'Magic');
    tree.push(F.stream, tvb, o, MAGIC_LENGTH);
    if (tree.full) tree.label('Stream: Magic');
    tree.add(F.magic, tvb, o, MAGIC_LENGTH, MAGIC);
    if (tree.full) tree.labelLast('Magic: PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n');
    tree.pop();
    tree.pop();
    return;
  }
  const s = session(pinfo);
  const first = firstPass(pinfo.state, pinfo);
  if (s && s.fwdDir < 0) s.fwdDir = tcpLayer.dir;
  const key = `${pinfo.meta.number}/${st.index++}`;
  let memo = st.memo.get(key) ?? null;
  if (!memo && first) {
    memo = {};
    st.memo.set(key, memo);
  }
  const ctx: Ctx = {
    top: [],
    after: null,
    pinfo,
    tree,
    session: s,
    flow: s && s.fwdDir >= 0 && tcpLayer.dir !== s.fwdDir ? 1 : 0,
    key,
    memo,
    first,
  };
  const length = tvb.u24(o);
  const type = tvb.u8(o + 3);
  const flags = tvb.u8(o + 4);
  const streamId = tvb.u32(o + 5) & 0x7fffffff;
  const typeName = TYPE_NAMES.get(type) ?? `Unknown type (${type})`;
  tree.push(F.stream, tvb, o, end - o);
  const streamNode = tree.current();
  const streamLabel = `Stream: ${typeName}, Stream ID: ${streamId}, Length ${length}`;
  tree.add(F.length, tvb, o, 3, length);
  tree.add(F.type, tvb, o + 3, 1, type);
  flagItems(tvb, o + 4, type, flags, tree);
  tree.add(F.r, tvb, o + 5, 4, (tvb.u32(o + 5) & 0x80000000) >>> 31);
  tree.add(F.streamid, tvb, o + 5, 4, streamId);
  appendInfo(pinfo, `${typeName}[${streamId}]`);
  const suffix: string[] = [];
  const p = o + HEADER;
  try {
    switch (type) {
      case DATA:
        dataFrame(tvb, p, flags, streamId, ctx, suffix);
        break;
      case HEADERS:
        headersFrame(tvb, p, flags, streamId, ctx, suffix);
        break;
      case PRIORITY:
        prio(tvb, p, tree);
        break;
      case RST_STREAM:
        tree.add(F['rst_stream.error'], tvb, p, 4, tvb.u32(p));
        break;
      case SETTINGS_FRAME:
        settingsFrame(tvb, p, flags, ctx);
        break;
      case PUSH_PROMISE:
        pushPromise(tvb, p, flags, streamId, ctx, suffix);
        break;
      case PING:
        tree.add(flags & ACK ? F.pong : F.ping, tvb, p, 8);
        tvb.need(p, 8);
        break;
      case GOAWAY:
        goaway(tvb, p, tree);
        break;
      case WINDOW_UPDATE:
        tree.add(F['window_update.r'], tvb, p, 4, (tvb.u32(p) & 0x80000000) >>> 31);
        tree.add(F['window_update.window_size_increment'], tvb, p, 4, tvb.u32(p) & 0x7fffffff);
        break;
      case CONTINUATION:
        continuationFrame(tvb, p, flags, streamId, ctx, suffix);
        break;
      case ALTSVC:
        altsvc(tvb, p, length, tree);
        break;
      case BLOCKED:
        break;
      case ORIGIN:
        origin(tvb, p, tree);
        break;
      case PRIORITY_UPDATE:
        tree.add(F.priority_update_stream_id, tvb, p, 4, BigInt(tvb.u32(p)));
        tree.add(
          F.priority_update_field_value,
          tvb,
          p + 4,
          length - 4,
          tvb.ascii(p + 4, Math.max(0, Math.min(length - 4, tvb.remaining(p + 4)))),
        );
        break;
      default:
        if (tvb.remaining(p) > 0 || end > p) tree.add(F.unknown, tvb, p, Math.max(0, end - p));
        break;
    }
  } finally {
    if (tree.full && streamNode) streamNode.label = streamLabel + suffix.join('');
  }
  tree.pop();
  const after = ctx.after as (() => void) | null;
  if (after) after();
  tree.pop();
  for (const f of ctx.top) f();
}

function flagItems(tvb: Tvb, at: number, type: number, flags: number, tree: Tree): void {
  const defs = FLAG_FIELDS[type] ?? [F['flags.unused']];
  tree.push(F.flags, tvb, at, 1, flags);
  if (tree.full) {
    const set = defs.filter((d) => d.type === FieldType.Bool && flags & (d.mask ?? 0)).map((d) => d.name);
    tree.label(`Flags: 0x${flags.toString(16).padStart(2, '0')}${set.map((n) => `, ${n}`).join('')}`);
  }
  for (const d of defs) {
    const v = applyMask(d, flags);
    if (d.type === FieldType.Bool) tree.add(d, tvb, at, 1, v !== 0);
    else {
      tree.add(d, tvb, at, 1, v);
      if (tree.full) tree.labelLast(`${bitPicture(d, v)} = Unused: 0x${v.toString(16).padStart(2, '0')}`);
    }
  }
  tree.pop();
}

/** Pad Length (when PADDED) and the generated pad length; returns [offset after it, padding]. */
function padding(tvb: Tvb, p: number, flags: number, tree: Tree): [number, number] {
  let pad = 0;
  let n = 0;
  if (flags & PADDED) {
    pad = tvb.u8(p);
    tree.add(F.padding, tvb, p, 1, pad);
    n = 1;
  }
  tree.add(F.pad_length, tvb, p + n - n, n, pad);
  if (tree.full) tree.labelLast(`[Pad Length: ${pad}]`);
  return [p + n, pad];
}

function prio(tvb: Tvb, p: number, tree: Tree): number {
  const v = tvb.u32(p);
  tree.add(F.exclusive, tvb, p, 4, (v & 0x80000000) !== 0);
  tree.add(F.stream_dependency, tvb, p, 4, v & 0x7fffffff);
  const weight = tvb.u8(p + 4);
  tree.add(F['headers.weight'], tvb, p + 4, 1, weight);
  tree.add(F['headers.weight_real'], tvb, p + 4, 1, weight + 1);
  if (tree.full) tree.labelLast(`[Weight real: ${weight + 1}]`);
  return p + 5;
}

function stream(s: Session, id: number): StreamInfo {
  let info = s.streams.get(id);
  if (!info) {
    info = { ways: [newOneWay(), newOneWay()], connect: false, streaming: false, handleType: '' };
    s.streams.set(id, info);
  }
  return info;
}

function wayOf(s: Session, id: number, flow: number): OneWay {
  return stream(s, id).ways[flow] as OneWay;
}

/** The frame's position as Wireshark's get_http2_frame_num orders them (frame, then offset). */
function frameNo(ctx: Ctx, tvb: Tvb): number {
  return ctx.pinfo.meta.number * 2 ** 24 + tvb.start + tvb.source * 2 ** 20;
}

function headersFrame(tvb: Tvb, p: number, flags: number, id: number, ctx: Ctx, suffix: string[]): void {
  const { tree, session: s } = ctx;
  if (flags & END_STREAM && s && ctx.first) {
    // Trailers end the stream: its DATA is complete.
    const way = wayOf(s, id, ctx.flow);
    if (way.fragments.length > 0 && ctx.memo) ctx.memo.body = joinFragments(way);
  }
  const body = ctx.memo?.body;
  if (body) bodyOf(body, tvb, tvb.start, ctx, tree);
  if (s && ctx.first) {
    const way = wayOf(s, id, ctx.flow);
    const n = frameNo(ctx, tvb);
    if (way.headerStart === 0) way.headerStart = n;
    if (way.headerEnd === 0 && flags & END_HEADERS) way.headerEnd = n;
  }
  const end = tvb.reportedEnd;
  const [afterPad, pad] = padding(tvb, p, flags, tree);
  const q = flags & PRIORITY_FLAG ? prio(tvb, afterPad, tree) : afterPad;
  let len = end - q;
  if (len < pad) tvb.need(end, 1);
  len -= pad;
  tree.add(F.headers, tvb, q, len);
  headerBlock(tvb, q, len, flags, id, ctx, suffix, true);
  if (pad) tree.add(F['headers.padding'], tvb, q + len, pad);
}

function continuationFrame(tvb: Tvb, p: number, flags: number, id: number, ctx: Ctx, suffix: string[]): void {
  const { tree, session: s } = ctx;
  if (s && ctx.first && flags & END_HEADERS) {
    const way = wayOf(s, id, ctx.flow);
    if (way.headerStart !== 0 && way.headerEnd === 0) way.headerEnd = frameNo(ctx, tvb);
  }
  const end = tvb.reportedEnd;
  const [q, pad] = padding(tvb, p, flags, tree);
  let len = end - q;
  if (len < pad) tvb.need(end, 1);
  len -= pad;
  tree.add(F['continuation.header'], tvb, q, len, ascii(latin1(tvb.bytes, q, Math.min(q + len, tvb.end))));
  headerBlock(tvb, q, len, flags, id, ctx, suffix, true);
  if (pad) tree.add(F['continuation.padding'], tvb, q + len, pad);
}

function pushPromise(tvb: Tvb, p: number, flags: number, id: number, ctx: Ctx, suffix: string[]): void {
  const { tree } = ctx;
  const end = tvb.reportedEnd;
  const [q, pad] = padding(tvb, p, flags, tree);
  const v = tvb.u32(q);
  tree.add(F['push_promise.r'], tvb, q, 4, (v & 0x80000000) >>> 31);
  tree.add(F['push_promise.promised_stream_id'], tvb, q, 4, v & 0x7fffffff);
  let len = end - q - 4;
  if (len < pad) tvb.need(end, 1);
  len -= pad;
  tree.add(F['push_promise.header'], tvb, q + 4, len);
  headerBlock(tvb, q + 4, len, flags, id, ctx, suffix, false);
  if (pad) tree.add(F['push_promise.padding'], tvb, q + 4 + len, pad);
}

/** inflate_http2_header_block: decoded once on the first pass, shown from the memo after. */
function headerBlock(
  tvb: Tvb,
  at: number,
  len: number,
  flags: number,
  id: number,
  ctx: Ctx,
  suffix: string[],
  tracked: boolean,
): void {
  const { pinfo, tree, session: s } = ctx;
  tvb.need(at, len);
  let entries = ctx.memo?.headers;
  if (!entries && ctx.first && s) {
    entries = (s.inflaters[ctx.flow] as Inflater).decode(
      tvb.bytes.subarray(at, at + len),
      (flags & END_HEADERS) !== 0,
    );
    if (ctx.memo) ctx.memo.headers = entries;
  }
  if (!entries || entries.length === 0) return;
  // The decompressed fields as Wireshark lays them out: name length, name, value length, value.
  let total = 0;
  for (const e of entries) if (e.repr !== Repr.SizeUpdate) total += 8 + e.name.length + e.value.length;
  const hb = new Uint8Array(total);
  let w = 0;
  for (const e of entries) {
    if (e.repr === Repr.SizeUpdate) continue;
    w = put32(hb, w, e.name.length);
    w = putText(hb, w, e.name);
    w = put32(hb, w, e.value.length);
    w = putText(hb, w, e.value);
  }
  const source = pinfo.addSource('Decompressed Header', hb);
  const h = new Tvb(hb, 0, hb.length, hb.length, source);
  tree.add(F['header.length'], h, 0, 1, total);
  if (tree.full) tree.labelLast(`[Header Length: ${total}]`);
  tree.add(F['header.count'], h, 0, 1, entries.length);
  if (tree.full) tree.labelLast(`[Header Count: ${entries.length}]`);
  let method: string | null = null;
  let path: string | null = null;
  let scheme: string | null = null;
  let authority: string | null = null;
  let off = at;
  let hoff = 0;
  const inContext = tracked && s ? isInHeaderContext(ctx, tvb, s, id) : false;
  for (const e of entries) {
    if (e.repr === Repr.SizeUpdate) {
      tree.push(F.header_table_size_update, tvb, off, e.length);
      tree.add(F['header_table_size_update.header_table_size'], tvb, off, e.length, e.index);
      tree.pop();
      off += e.length;
      continue;
    }
    const name = ascii(e.name);
    const value = ascii(e.value);
    tree.push(F.header, tvb, off, e.length);
    const headerNode = tree.current();
    tree.add(F['header.name.length'], h, hoff, 4, e.name.length);
    hoff += 4;
    tree.add(F['header.name'], h, hoff, e.name.length, name);
    hoff += e.name.length;
    tree.add(F['header.value.length'], h, hoff, 4, e.value.length);
    hoff += 4;
    tree.add(F['header.value'], h, hoff, e.value.length, value);
    namedField(h, hoff, e.value.length, e.name, value, tree);
    const unescaped = uriUnescape(e.value);
    if (unescaped !== null) tree.add(F['header.unescaped'], h, hoff, e.value.length, ascii(unescaped));
    hoff += e.value.length;
    if (inContext && ctx.first && s) track(s, id, ctx, tvb, e.name, e.value);
    tree.add(F['header.repr'], tvb, off, 1, REPR_TEXT[e.repr] ?? '');
    if (
      e.repr === Repr.Indexed ||
      e.repr === Repr.IncrementalIndexedName ||
      e.repr === Repr.WithoutIndexedName ||
      e.repr === Repr.NeverIndexedName
    )
      tree.add(F['header.index'], tvb, off, e.repr === Repr.Indexed ? e.length : 1, e.index);
    let label = `Header: ${name}: ${value}`;
    if (e.name === ':method' || e.name === ':path') {
      if (e.name === ':method') method = value;
      else path = value;
      if (method !== null && path !== null) {
        if (pinfo.wantInfo)
          pinfo.setInfo(pinfo.info ? `${pinfo.info}: ${method} ${path}` : `${method} ${path}`);
        suffix.push(`, ${method} ${path}`);
      }
    } else if (e.name === ':status') {
      const code = parseInt(value, 10);
      const reason = STATUS_TEXT.get(Number.isNaN(code) ? -1 : code >>> 0) ?? 'Unknown';
      if (pinfo.wantInfo)
        pinfo.setInfo(pinfo.info ? `${pinfo.info}: ${value} ${reason}` : `${value} ${reason}`);
      label += ` ${reason}`;
      suffix.push(`, ${value} ${reason}`);
    } else if (e.name === ':authority') authority = value;
    else if (e.name === ':scheme') scheme = value;
    tree.pop();
    if (tree.full && headerNode) headerNode.label = label;
    off += e.length;
  }
  if (authority !== null) {
    const uri = method === 'CONNECT' ? authority : `${scheme ?? '(null)'}://${authority}${path ?? '(null)'}`;
    tree.add(F['request.full_uri'], tvb, 0, 0, uri);
    if (tree.full) tree.labelLast(`[Full request URI: ${uri}]`);
  }
}

/** A named header field (`http2.headers.method`): numbers only when the whole value is one. */
function namedField(h: Tvb, at: number, len: number, name: string, value: string, tree: Tree): void {
  const def = NAMED_BY_HEADER.get(name);
  if (!def) return;
  if (def.type === FieldType.UInt) {
    if (!/^\d+$/.test(value)) return;
    const n = Number(value);
    if (def.bits === 16) {
      if (n > 0xffffffff) return;
      tree.add(def, h, at, len, n);
    } else {
      if (BigInt(value) > 0xffffffffffffffffn) return;
      tree.add(def, h, at, len, BigInt(value));
    }
    return;
  }
  if (name !== ':path') {
    tree.add(def, h, at, len, value);
    return;
  }
  tree.push(def, h, at, len, value);
  pathComponents(h, at, len, tree);
  tree.pop();
}

const GEN_DELIMS = ':?#[]@';
const SUB_DELIMS = "!$&'()*+,;";

function findAny(b: Uint8Array, from: number, to: number, set: string): number {
  for (let i = from; i < Math.min(to, b.length); i++)
    if (set.includes(String.fromCharCode(b[i] as number))) return i;
  return -1;
}

/** http_add_path_components_to_tree, its loop as it is (the segment length never changes). */
function pathComponents(h: Tvb, offset: number, length: number, tree: Tree): void {
  const b = h.bytes;
  const end = offset + length;
  const gen = findAny(b, offset, end, GEN_DELIMS);
  if (gen < 0) return;
  const compLen = gen - offset;
  while (end > offset) {
    const nextGen = findAny(b, gen + 1, gen + 1 + length - compLen, GEN_DELIMS);
    const subEnd = nextGen < 0 ? end : nextGen - 1;
    tree.add(HTTP_PATH.path_segment, h, offset, compLen, h.ascii(offset, compLen));
    offset += compLen + 1;
    while (subEnd > offset) {
      const d = findAny(b, offset, subEnd, SUB_DELIMS);
      const n = (d < 0 ? subEnd : d) - offset;
      tree.add(HTTP_PATH.path_sub_segment, h, offset, n, h.ascii(offset, n));
      offset = d < 0 ? subEnd : d + 1;
    }
  }
}

function isInHeaderContext(ctx: Ctx, tvb: Tvb, s: Session, id: number): boolean {
  const way = wayOf(s, id, ctx.flow);
  const n = frameNo(ctx, tvb);
  return n >= way.headerStart && (way.headerEnd === 0 || n <= way.headerEnd);
}

/** populate_http_header_tracking: what DATA of the stream needs from its headers. */
function track(s: Session, id: number, ctx: Ctx, tvb: Tvb, name: string, value: string): void {
  const info = stream(s, id);
  const way = info.ways[ctx.flow] as OneWay;
  if (!way.headers.has(name)) way.headers.set(name, value);
  if (name === 'content-encoding' && !way.contentEncoding) way.contentEncoding = value;
  if (name === ':status' && value === '206') way.partial = true;
  if (name === ':status' || name === ':method' || name === '<unknown>') way.dataInitiated = true;
  if (name === 'transfer-encoding') way.transferEncoded = true;
  if (name === ':method' && value === 'CONNECT') info.connect = true;
  if (name === 'content-type' && !way.contentType) {
    let t = '';
    for (const c of value) {
      if (c === ';' || /\s/.test(c)) break;
      t += c.toLowerCase();
    }
    way.contentType = t;
    info.streaming = GRPC_TYPES.includes(t);
    if (!info.handleType && (GRPC_TYPES.includes(t) || isJsonMedia(t) || TEXT_TYPES.has(t)))
      info.handleType = t;
  }
  void tvb;
}

function dataFrame(tvb: Tvb, p: number, flags: number, id: number, ctx: Ctx, suffix: string[]): void {
  const { tree, session: s } = ctx;
  const end = tvb.reportedEnd;
  const [q, pad] = padding(tvb, p, flags, tree);
  const len = end - q - pad;
  if (s && (ctx.memo?.streaming ?? (ctx.first && stream(s, id).streaming))) {
    streamingData(tvb, q, Math.max(0, len), id, ctx, s);
    if (pad > 0) tree.add(F['data.padding'], tvb, q + len, pad);
    return;
  }
  if (ctx.first && s && ctx.memo) {
    const info = stream(s, id);
    const way = info.ways[ctx.flow] as OneWay;
    ctx.memo.contentType = way.contentType;
    const reassemble = way.dataInitiated && !way.transferEncoded && !info.connect;
    ctx.memo.initiated = reassemble;
    if (reassemble && len >= 0) {
      tvb.need(q, len);
      // An empty DATA that ends the stream only closes the body (fragment_end_seq_next).
      if (len > 0 || !(flags & END_STREAM))
        way.fragments.push({ frame: ctx.pinfo.meta.number, bytes: tvb.bytes.slice(q, q + len) });
      if (flags & END_STREAM && way.fragments.length > 0) ctx.memo.body = joinFragments(way);
    }
  }
  const body = ctx.memo?.body;
  if (body) {
    bodyOf(body, tvb, q, ctx, tree);
  } else {
    if (!(flags & END_STREAM)) suffix.push(' (partial entity body)');
    if (s) {
      const info = stream(s, id);
      if ((info.ways[ctx.flow] as OneWay).transferEncoded) suffix.push(' (transfer-encoded body)');
      if (info.connect) suffix.push(' (tunneled data)');
    }
    if (len > 0 || tvb.remaining(q) >= 0) tree.add(F['data.data'], tvb, q, Math.max(0, len));
  }
  if (pad > 0) tree.add(F['data.padding'], tvb, q + len, pad);
}

/** What streaming reassembly decided for one DATA frame on the first pass. */
interface StreamingPlan {
  /** Bytes at the start that belonged to an earlier unfinished message. */
  prev: number;
  /** Those bytes as they were added (fragment_add calls), and whether each made the message whole. */
  chunks: { length: number; complete: boolean }[];
  /** Each time the pieces made a whole (a head first, then the message): their frames and bytes. */
  wholes: { data: Uint8Array; fragments: { frame: number; length: number }[] }[];
  /** That message, when this frame completed it. */
  reassembled: Uint8Array | null;
  /** Complete messages after it, and bytes at the end that start an unfinished one. */
  middle: number;
  tail: number;
  ctx: GrpcContext;
}

function grpcContext(s: Session, id: number, flow: number): GrpcContext {
  const info = stream(s, id);
  const way = info.ways[flow] as OneWay;
  const own = way.headers.get(':path');
  const path = own ?? (info.ways[flow ^ 1] as OneWay).headers.get(':path') ?? null;
  return {
    contentType: way.headers.get('content-type') ?? info.handleType,
    matchType: way.contentType || info.handleType,
    path,
    isRequest: own !== undefined,
    protoFence: '',
  };
}

/** Where gRPC would stop in `data` for want of bytes (its desegment offset and length), or null. */
function grpcNeeds(data: Uint8Array, from: number, to: number): { offset: number; length: number } | null {
  let o = from;
  while (o < to) {
    if (to - o < 5) return { offset: o - from, length: 5 - (to - o) };
    const n =
      (data[o + 1] as number) * 0x1000000 +
      (((data[o + 2] as number) << 16) | ((data[o + 3] as number) << 8) | (data[o + 4] as number));
    if (to - o < 5 + n) return { offset: o - from, length: 5 + n - (to - o) };
    o += 5 + n;
  }
  return null;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * reassemble_http2_data_according_to_subdissector: the end of an earlier message, whole messages,
 * and the start of the next one, each handed to gRPC as soon as it is complete.
 */
function streamingData(tvb: Tvb, q: number, len: number, id: number, ctx: Ctx, s: Session): void {
  const { tree, pinfo } = ctx;
  tvb.need(q, len);
  tree.add(F['data.data'], tvb, q, len);
  if (tree.full) tree.labelLast(`DATA payload (${len} byte${len === 1 ? '' : 's'})`);
  let plan = ctx.memo?.streaming ?? null;
  if (!plan && ctx.first) {
    const way = wayOf(s, id, ctx.flow);
    const b = tvb.bytes;
    let off = 0;
    let prev = 0;
    let reassembled: Uint8Array | null = null;
    const chunks: StreamingPlan['chunks'] = [];
    const wholes: StreamingPlan['wholes'] = [];
    while (way.need > 0 && off < len) {
      const take = Math.min(way.need, len - off);
      way.pending.push(b.slice(q + off, q + off + take));
      way.pendingFrames.push(ctx.pinfo.meta.number);
      way.need -= take;
      off += take;
      prev += take;
      chunks.push({ length: take, complete: way.need === 0 });
      if (way.need === 0) {
        const data = concat(way.pending);
        wholes.push({
          data,
          fragments: way.pending.map((piece, i) => ({
            frame: way.pendingFrames[i] ?? 0,
            length: piece.length,
          })),
        });
        const more = grpcNeeds(data, 0, data.length);
        if (more) way.need = more.length;
        else {
          reassembled = data;
          way.pending = [];
          way.pendingFrames = [];
        }
      }
    }
    let middle = len - off;
    let tail = 0;
    if (off < len) {
      const more = grpcNeeds(b, q + off, q + len);
      if (more) {
        middle = more.offset;
        tail = len - off - more.offset;
        way.pending = [b.slice(q + off + more.offset, q + len)];
        way.pendingFrames = [ctx.pinfo.meta.number];
        way.need = more.length;
      }
    }
    plan = { prev, chunks, wholes, reassembled, middle, tail, ctx: grpcContext(s, id, ctx.flow) };
    if (ctx.memo) ctx.memo.streaming = plan;
  }
  if (!plan) return;
  const p = plan;
  const gctx: GrpcContext = { ...p.ctx, protoFence: protoFence(pinfo) };
  if (p.prev > 0) {
    let at = q;
    for (const c of p.chunks) {
      if (c.complete) {
        tree.add(F['body.reassembled.in'], tvb, at, c.length, pinfo.meta.number);
        if (tree.full) tree.labelLast(`[Reassembled body in frame: ${pinfo.meta.number}]`);
      }
      tree.add(F['data.segment'], tvb, at, c.length);
      if (tree.full) tree.labelLast(`DATA segment data (${c.length} byte${c.length === 1 ? '' : 's'})`);
      at += c.length;
    }
    // process_reassembled_data puts each whole's fragment list under the HTTP/2 item.
    if (p.wholes.length > 0) ctx.after = () => wholeTrees(p.wholes, pinfo, tree);
    const data = p.reassembled;
    if (data) {
      ctx.top.push(() => {
        const source = pinfo.addSource('Reassembled HTTP2 streaming body', data);
        dissectGrpc(new Tvb(data, 0, data.length, data.length, source), pinfo, tree, gctx, false);
        setProtoFence(pinfo, gctx.protoFence);
      });
    }
  }
  if (p.middle > 0) {
    const part = tvb.sub(q + p.prev, p.middle);
    ctx.top.push(() => {
      dissectGrpc(part, pinfo, tree, gctx, false);
      setProtoFence(pinfo, gctx.protoFence);
    });
  }
  if (p.tail > 0) {
    const at = q + len - p.tail;
    tree.add(F['data.segment'], tvb, at, p.tail);
    if (tree.full) tree.labelLast(`DATA segment data (${p.tail} byte${p.tail === 1 ? '' : 's'})`);
    ctx.top.push(() => {
      if (pinfo.wantInfo)
        pinfo.setInfo(
          pinfo.info
            ? `${pinfo.info} [HTTP2 segment of a reassembled PDU]`
            : '[HTTP2 segment of a reassembled PDU]',
        );
    });
  }
}

function wholeTrees(wholes: StreamingPlan['wholes'], pinfo: PacketInfo, tree: Tree): void {
  for (const w of wholes) {
    const source = pinfo.addSource('Reassembled HTTP2 streaming body', w.data);
    fragmentTree(new Tvb(w.data, 0, w.data.length, w.data.length, source), w.fragments, tree);
  }
}

function protoFence(pinfo: PacketInfo): string {
  const st = http2State(pinfo);
  return st.fencePinfo === pinfo ? st.protoFence : '';
}

function setProtoFence(pinfo: PacketInfo, fence: string): void {
  const st = http2State(pinfo);
  st.fencePinfo = pinfo;
  st.protoFence = fence;
}

function joinFragments(way: OneWay): FrameMemo['body'] {
  let n = 0;
  for (const f of way.fragments) n += f.bytes.length;
  const data = new Uint8Array(n);
  let at = 0;
  for (const f of way.fragments) {
    data.set(f.bytes, at);
    at += f.bytes.length;
  }
  const fragments = way.fragments.map((f) => ({ frame: f.frame, length: f.bytes.length }));
  way.fragments = [];
  return { data, fragments };
}

/**
 * process_reassembled_data and the body's media type: a body of one fragment is the rest of the
 * frame from `q` (padding included, as Wireshark's tvb_new_subset_remaining gives it), a longer one
 * its own data source after the list of fragments.
 */
function bodyOf(body: NonNullable<FrameMemo['body']>, tvb: Tvb, q: number, ctx: Ctx, tree: Tree): void {
  const { pinfo } = ctx;
  let whole: Tvb;
  if (body.fragments.length === 1) {
    whole = tvb.sub(q);
  } else {
    const data = body.data;
    const source = pinfo.addSource('Reassembled body', data);
    whole = new Tvb(data, 0, data.length, data.length, source);
    fragmentTree(whole, body.fragments, tree);
  }
  const n = whole.remaining(whole.start);
  tree.add(F['data.data'], whole, whole.start, n);
  const type = ctx.memo?.contentType ?? '';
  if (type) ctx.after = () => mediaType(whole.sub(whole.start, n), pinfo, tree, type);
}

/** The list of fragments a body was joined from (show_fragment_seq_tree). */
function fragmentTree(whole: Tvb, fragments: readonly { frame: number; length: number }[], tree: Tree): void {
  const data = whole.bytes;
  tree.push(F['body.fragments'], whole, 0, data.length);
  if (tree.full) {
    const list = fragments.map((f) => `#${f.frame}(${f.length})`).join(', ');
    tree.label(`[${fragments.length} Body fragments (${data.length} bytes): ${list}]`);
  }
  let at = 0;
  for (const f of fragments) {
    tree.add(F['body.fragment'], whole, at, f.length, f.frame);
    if (tree.full) {
      const range = `${at}-${at + Math.max(f.length, 1) - 1}`;
      tree.labelLast(`[Frame: ${f.frame}, payload: ${range} (${f.length} byte${f.length === 1 ? '' : 's'})]`);
    }
    at += f.length;
  }
  tree.add(F['body.fragment.count'], whole, 0, 0, fragments.length);
  if (tree.full) tree.labelLast(`[Body fragment count: ${fragments.length}]`);
  tree.add(F['body.reassembled.length'], whole, 0, 0, data.length);
  if (tree.full) tree.labelLast(`[Reassembled body length: ${data.length}]`);
  tree.add(F['body.reassembled.data'], whole, 0, data.length);
  if (tree.full) tree.labelLast(`[Reassembled body data: ${hexPreview(data)}]`);
  tree.pop();
}

function hexPreview(d: Uint8Array): string {
  const n = Math.min(d.length, 36);
  let s = '';
  for (let i = 0; i < n; i++) s += (d[i] as number).toString(16).padStart(2, '0');
  return d.length > 36 ? `${s}…` : s;
}

/** Text types Wireshark's data-text-lines takes from the media_type table. */
const TEXT_TYPES = new Set([
  'text/plain',
  'text/richtext',
  'text/enriched',
  'text/parameters',
  'text/html',
  'text/xml-external-parsed-entity',
  'text/css',
  'application/xml-external-parsed-entity',
  'text/javascript',
  'application/x-javascript',
  'application/x-tia-p25-issi',
  'application/x-tia-p25-sndcp',
  'application/x-ns-proxy-autoconfig',
  'text/vnd.sun.j2me.app-descriptor',
  'application/vnd.poc.refer-to',
  'application/vnd.drm.message',
  'application/x-wms-logplaystats',
  'application/x-rtsp-udp-packetpair',
]);

/** The media_type table as far as Trawl has its dissectors; others are left as data, as tshark does. */
function mediaType(body: Tvb, pinfo: PacketInfo, tree: Tree, type: string): void {
  const d = bodyDissectors.get(type);
  if (d) {
    d(body, pinfo, tree, type, new Map());
    return;
  }
  if (body.end <= body.start) return;
  if (dissectJsonMedia(body, type, pinfo, tree)) return;
  if (TEXT_TYPES.has(type)) dissectTextLines(body, type, pinfo, tree);
}

function settingsFrame(tvb: Tvb, p: number, flags: number, ctx: Ctx): void {
  const { tree, session: s } = ctx;
  const end = tvb.reportedEnd;
  let size = 0;
  let min = 0xffffffff;
  let has = false;
  while (p < end) {
    const id = tvb.u16(p);
    const idName = SETTINGS.get(id) ?? `Unknown (${id})`;
    tree.push(F.settings, tvb, p, 6);
    tree.add(F['settings.id'], tvb, p, 2, id);
    const v = tvb.u32(p + 2);
    const def =
      id === 1
        ? F['settings.header_table_size']
        : id === 2
          ? F['settings.enable_push']
          : id === 3
            ? F['settings.max_concurrent_streams']
            : id === 4
              ? F['settings.initial_window_size']
              : id === 5
                ? F['settings.max_frame_size']
                : id === 6
                  ? F['settings.max_header_list_size']
                  : id === 8
                    ? F['settings.extended_connect']
                    : F['settings.unknown'];
    tree.add(def, tvb, p + 2, 4, v);
    if (id === 1) {
      has = true;
      size = v;
      if (min > v) min = v;
    }
    tree.pop(undefined, tree.full ? `Settings - ${idName} : ${v}` : undefined);
    p += 6;
  }
  if (!ctx.first || !s) return;
  if (flags & ACK) {
    // The peer's SETTINGS now bind this side's encoder: the decoder of this direction follows.
    const queue = s.settings[ctx.flow ^ 1] as PendingSettings[];
    const pending = queue.shift();
    if (pending?.has) {
      const inf = s.inflaters[ctx.flow] as Inflater;
      if (pending.min < pending.size) inf.changeTableSize(pending.min);
      inf.changeTableSize(pending.size);
    }
  } else (s.settings[ctx.flow] as PendingSettings[]).push({ size, min, has });
}

function goaway(tvb: Tvb, p: number, tree: Tree): void {
  const v = tvb.u32(p);
  tree.add(F['goway.r'], tvb, p, 4, (v & 0x80000000) >>> 31);
  tree.add(F['goaway.last_stream_id'], tvb, p, 4, v & 0x7fffffff);
  tree.add(F['goaway.error'], tvb, p + 4, 4, tvb.u32(p + 4));
  const rest = tvb.reportedEnd - (p + 8);
  if (rest > 0) tree.add(F['goaway.addata'], tvb, p + 8, rest);
}

function altsvc(tvb: Tvb, p: number, length: number, tree: Tree): void {
  const n = tvb.u16(p);
  tree.add(F['altsvc.origin.len'], tvb, p, 2, n);
  tree.add(F['altsvc.origin'], tvb, p + 2, n, tvb.ascii(p + 2, n));
  const remain = length - 2 - n;
  if (remain > 0) tree.add(F['altsvc.field_value'], tvb, p + 2 + n, remain, tvb.ascii(p + 2 + n, remain));
}

function origin(tvb: Tvb, p: number, tree: Tree): void {
  const end = tvb.reportedEnd;
  while (p < end) {
    tree.push(F.origin, tvb, p, 6);
    const n = tvb.u16(p);
    tree.add(F['origin.origin_len'], tvb, p, 2, n);
    tree.add(F['origin.origin'], tvb, p + 2, n, tvb.ascii(p + 2, n));
    tree.pop();
    p += 2 + n;
  }
}

function put32(b: Uint8Array, at: number, v: number): number {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
  return at + 4;
}

function putText(b: Uint8Array, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) b[at + i] = s.charCodeAt(i) & 0xff;
  return at + s.length;
}

function latin1(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

/** A Latin-1 byte string as ENC_ASCII shows it: stops at NUL, bytes above 0x7f become U+FFFD. */
function ascii(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) break;
    out += c >= 0x80 ? '\ufffd' : s[i];
  }
  return out;
}

/** g_uri_unescape_string: %XX decoded; null for a bad escape or one that gives NUL. */
function uriUnescape(s: string): string | null {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c !== '%') {
      out += c;
      continue;
    }
    const h = s.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(h)) return null;
    const v = parseInt(h, 16);
    if (v === 0) return null;
    out += String.fromCharCode(v);
    i += 2;
  }
  return out;
}

export const http2Module = {
  fields: { ...F, ...NAMED, ...HTTP_PATH },
};
