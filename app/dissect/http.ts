// Hypertext Transfer Protocol 1.x (RFC 9112): request and status lines, headers, the body by
// Content-Length or chunked transfer coding, requests paired with responses, as tshark 4.0
// shows them. Headers and bodies that span segments ask TCP for more (pinfo.desegment*).
import { wantsExpert } from './dissect.ts';
import { dissectData } from './data.ts';
import { bytes, fields, proto, str, text, uint, FieldType, type FieldDef } from './field.ts';
import { dissectHTTP2, heuristicHTTP2, http2Takes, isPreface, startHttp2 } from './http2.ts';
import { expert, firstPass } from './ip-proto.ts';
import { dissectJSON, formatText } from './json.ts';
import { DESEGMENT_ONE_MORE_SEGMENT, Hint, type CaptureState, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { dissectHttpAuth } from './gssapi.ts';
import { setConversationDissector, tcpLayer } from './tcp.ts';
import { NULL_TREE, type Tree } from './tree.ts';
import { Tvb } from './tvb.ts';
import { uncompressBody } from './inflate.ts';
import { dissectWebsocket, startWebsocket, websocketTakes } from './websocket.ts';
import { dissectUrlencodedForm, MEDIA_TYPE as FORM_TYPE } from './urlencoded-form.ts';
import { addMediaType, dissectMediaBody, MEDIA_BODY_FIELDS } from './media-types.ts';
import { base64ToBytes } from '../protocol/wire.ts';
import { bytesText } from './text-format.ts';

const frameNum = (name: string): { name: string; type: FieldType; generated: boolean } => ({
  name,
  type: FieldType.FrameNum,
  generated: true,
});

export const F = fields('http', {
  '': proto('Hypertext Transfer Protocol'),
  request: { name: 'Request', type: FieldType.Bool, hidden: true },
  response: { name: 'Response', type: FieldType.Bool, hidden: true },
  'request.method': str('Request Method'),
  'request.uri': str('Request URI'),
  'request.uri.path': str('Request URI Path'),
  'request.uri.query': str('Request URI Query'),
  'request.uri.query.parameter': str('Request URI Query Parameter'),
  'request.version': str('Request Version'),
  'request.full_uri': str('Full request URI', { generated: true }),
  'request.line': str('Request line', { hidden: true }),
  'response.version': str('Response Version'),
  'response.code': uint('Status Code', 16),
  'response.code.desc': str('Status Code Description', { generated: true }),
  'response.phrase': str('Response Phrase'),
  'response.line': str('Response line', { hidden: true }),
  'response_for.uri': str('Request URI', { generated: true }),
  request_number: uint('Request number', 32, { generated: true }),
  response_number: uint('Response number', 32, { generated: true }),
  request_in: frameNum('Request in frame'),
  response_in: frameNum('Response in frame'),
  prev_request_in: frameNum('Prev request in frame'),
  prev_response_in: frameNum('Prev response in frame'),
  next_request_in: frameNum('Next request in frame'),
  next_response_in: frameNum('Next response in frame'),
  time: { name: 'Time since request', type: FieldType.RelTime, generated: true },
  host: str('Host'),
  user_agent: str('User-Agent'),
  accept: str('Accept'),
  accept_language: str('Accept-Language'),
  accept_encoding: str('Accept Encoding'),
  referer: str('Referer'),
  cookie: str('Cookie'),
  cookie_pair: str('Cookie pair'),
  set_cookie: str('Set-Cookie'),
  connection: str('Connection'),
  content_type: str('Content-Type'),
  content_length_header: str('Content-Length'),
  content_length: uint('Content length', 64, { generated: true }),
  content_encoding: str('Content-Encoding'),
  transfer_encoding: str('Transfer-Encoding'),
  upgrade: str('Upgrade'),
  date: str('Date'),
  cache_control: str('Cache-Control'),
  server: str('Server'),
  location: str('Location'),
  last_modified: str('Last-Modified'),
  authorization: str('Authorization'),
  proxy_authorization: str('Proxy-Authorization'),
  proxy_authenticate: str('Proxy-Authenticate'),
  www_authenticate: str('WWW-Authenticate'),
  x_forwarded_for: str('X-Forwarded-For'),
  sec_websocket_accept: str('Sec-WebSocket-Accept'),
  sec_websocket_extensions: str('Sec-WebSocket-Extensions'),
  sec_websocket_key: str('Sec-WebSocket-Key'),
  sec_websocket_protocol: str('Sec-WebSocket-Protocol'),
  sec_websocket_version: str('Sec-WebSocket-Version'),
  http2_settings: str('HTTP2-Settings'),
  authbasic: str('Credentials'),
  unknown_header: str('Unknown header'),
  chat: text('Formatted text'),
  chunk_size: uint('Chunk size', 32),
  chunk_data: bytes('Chunk data'),
  chunk_boundary: bytes('Chunk boundary'),
  chunked_trailer_part: str('trailer-part'),
  file_data: str('File Data'),
  _content_encoded: text('Content-encoded entity body'),
});

export const TEXT_LINES = fields('data-text-lines', { '': proto('Line-based text data') });
export const MEDIA = fields('media', { '': proto('Media Type') });

/** Header names (lower case) with a field of their own, as Wireshark's headers[] table. */
const HEADER_FIELDS = new Map<string, FieldDef>([
  ['host', F.host],
  ['user-agent', F.user_agent],
  ['accept', F.accept],
  ['accept-language', F.accept_language],
  ['accept-encoding', F.accept_encoding],
  ['referer', F.referer],
  ['cookie', F.cookie],
  ['set-cookie', F.set_cookie],
  ['connection', F.connection],
  ['content-type', F.content_type],
  ['content-length', F.content_length_header],
  ['content-encoding', F.content_encoding],
  ['transfer-encoding', F.transfer_encoding],
  ['upgrade', F.upgrade],
  ['date', F.date],
  ['cache-control', F.cache_control],
  ['server', F.server],
  ['location', F.location],
  ['last-modified', F.last_modified],
  ['authorization', F.authorization],
  ['proxy-authorization', F.proxy_authorization],
  ['proxy-authenticate', F.proxy_authenticate],
  ['www-authenticate', F.www_authenticate],
  ['x-forwarded-for', F.x_forwarded_for],
  ['sec-websocket-accept', F.sec_websocket_accept],
  ['sec-websocket-extensions', F.sec_websocket_extensions],
  ['sec-websocket-key', F.sec_websocket_key],
  ['sec-websocket-protocol', F.sec_websocket_protocol],
  ['sec-websocket-version', F.sec_websocket_version],
  ['http2-settings', F.http2_settings],
]);

/** Methods Wireshark's is_http_request_or_reply knows (HTTP, WebDAV, SSDP, RTSP-like, RPC). */
const METHODS = new Set([
  'GET',
  'PUT',
  'POST',
  'HEAD',
  'OPTIONS',
  'DELETE',
  'TRACE',
  'CONNECT',
  'PATCH',
  'COPY',
  'LOCK',
  'MKCOL',
  'MOVE',
  'PROPFIND',
  'PROPPATCH',
  'UNLOCK',
  'SEARCH',
  'REPORT',
  'CHECKOUT',
  'CHECKIN',
  'MERGE',
  'MKACTIVITY',
  'MKWORKSPACE',
  'VERSION-CONTROL',
  'BASELINE-CONTROL',
  'UNCHECKOUT',
  'LABEL',
  'UPDATE',
  'ACL',
  'BIND',
  'UNBIND',
  'REBIND',
  'ORDERPATCH',
  'MKCALENDAR',
  'NOTIFY',
  'M-SEARCH',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'POLL',
  'BMOVE',
  'BCOPY',
  'BDELETE',
  'BPROPFIND',
  'BPROPPATCH',
  'RPC_IN_DATA',
  'RPC_OUT_DATA',
  'RPC_CONNECT',
]);

/** Reason phrases for http.response.code.desc (Wireshark's vals_http_status_code). */
const STATUS_TEXT = new Map<number, string>([
  [100, 'Continue'],
  [101, 'Switching Protocols'],
  [102, 'Processing'],
  [103, 'Early Hints'],
  [200, 'OK'],
  [201, 'Created'],
  [202, 'Accepted'],
  [203, 'Non-authoritative Information'],
  [204, 'No Content'],
  [205, 'Reset Content'],
  [206, 'Partial Content'],
  [207, 'Multi-Status'],
  [208, 'Already Reported'],
  [226, 'IM Used'],
  [300, 'Multiple Choices'],
  [301, 'Moved Permanently'],
  [302, 'Found'],
  [303, 'See Other'],
  [304, 'Not Modified'],
  [305, 'Use Proxy'],
  [307, 'Temporary Redirect'],
  [308, 'Permanent Redirect'],
  [400, 'Bad Request'],
  [401, 'Unauthorized'],
  [402, 'Payment Required'],
  [403, 'Forbidden'],
  [404, 'Not Found'],
  [405, 'Method Not Allowed'],
  [406, 'Not Acceptable'],
  [407, 'Proxy Authentication Required'],
  [408, 'Request Time-out'],
  [409, 'Conflict'],
  [410, 'Gone'],
  [411, 'Length Required'],
  [412, 'Precondition Failed'],
  [413, 'Request Entity Too Large'],
  [414, 'Request-URI Too Long'],
  [415, 'Unsupported Media Type'],
  [416, 'Requested Range Not Satisfiable'],
  [417, 'Expectation Failed'],
  [418, "I'm a teapot"],
  [421, 'Misdirected Request'],
  [422, 'Unprocessable Entity'],
  [423, 'Locked'],
  [424, 'Failed Dependency'],
  [425, 'Too Early'],
  [426, 'Upgrade Required'],
  [428, 'Precondition Required'],
  [429, 'Too Many Requests'],
  [431, 'Request Header Fields Too Large'],
  [451, 'Unavailable For Legal Reasons'],
  [500, 'Internal Server Error'],
  [501, 'Not Implemented'],
  [502, 'Bad Gateway'],
  [503, 'Service Unavailable'],
  [504, 'Gateway Time-out'],
  [505, 'HTTP Version not supported'],
  [506, 'Variant Also Negotiates'],
  [507, 'Insufficient Storage'],
  [508, 'Loop Detected'],
  [510, 'Not Extended'],
  [511, 'Network Authentication Required'],
]);

/** TCP ports Wireshark 4.0 gives to HTTP (others are found by the heuristic). */
const PORTS = [80, 1900, 2710, 2869, 3128, 3132, 5985, 8080, 8088, 11371];

/**
 * One request/response record of a conversation (Wireshark 4.0's http_req_res_t): a request
 * opens one; a response fills the last one, or opens its own when that one has a response.
 */
interface Record {
  /** The request's frame (0: a response whose request was not seen) and time. */
  reqFrame: number;
  tsSec: number;
  tsNsec: number;
  method: string;
  /** The response's frame (0: none yet). */
  resFrame: number;
  number: number;
}

/** One HTTP conversation (a TCP stream): its records in order, and the last request's URI. */
interface Conversation {
  records: Record[];
  /** What a response shows as its request's URI: the last request's full URI, else its bare one. */
  lastUri: string;
}

/** What a message found on the first pass, kept for a revisit of its frame. */
interface Seen {
  record: Record;
  /** A response's `Request URI`, as it was when the response came. */
  uri: string;
}

interface HttpState {
  convs: Map<number, Conversation>;
  /** Messages by where they were seen (`frame/message`), so a revisit finds the same record. */
  seen: Map<string, Seen>;
}

const newState = (): HttpState => ({ convs: new Map(), seen: new Map() });
let stateOwner: CaptureState | null = null;
let cached: HttpState | null = null;

function httpState(pinfo: PacketInfo): HttpState {
  if (pinfo.state !== stateOwner || cached === null) {
    cached = pinfo.state.of('http', newState);
    stateOwner = pinfo.state;
  }
  return cached;
}

/** Whether this call of the dissector added its `http` layer (one per call, as Wireshark's layers). */
let layerAdded = false;

function addLayer(pinfo: PacketInfo): void {
  if (layerAdded) return;
  layerAdded = true;
  pinfo.layers.push('http');
}

/** Messages already dissected in this frame (several per segment, and again in a reassembled one). */
let messagePinfo: PacketInfo | null = null;
let messageIndex = 0;

/** The end of the line starting at `o` (index of CR or LF) and where the next line starts, or null. */
function lineEnd(b: Uint8Array, o: number, end: number): { eol: number; next: number } | null {
  for (let i = o; i < end; i++) {
    const c = b[i] as number;
    if (c === 0x0a) return { eol: i > o && b[i - 1] === 0x0d ? i - 1 : i, next: i + 1 };
    if (c === 0x0d && i + 1 < end && b[i + 1] !== 0x0a) return { eol: i, next: i + 1 };
  }
  return null;
}

function latin1(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

/**
 * A string field's value as Wireshark 4.0 reads HTTP text (ENC_ASCII): it stops at a NUL and each
 * byte above 0x7f is a replacement character. Control characters stay as they are: a filter
 * matches `"\r\n"` against them; -T fields escapes them when it prints (fieldText).
 */
function asciiText(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) {
    const c = b[i] as number;
    if (c === 0) break;
    s += c >= 0x80 ? '\ufffd' : String.fromCharCode(c);
  }
  return s;
}

/** Such a value as a label or Info shows it: CR, LF and TAB escaped (format_text). */
function labelText(value: string): string {
  return value.replace(/[\r\n\t]/g, (c) => (c === '\r' ? '\\r' : c === '\n' ? '\\n' : '\\t'));
}

const enum Kind {
  None,
  Request,
  Response,
}

/** Whether a first line opens an HTTP message, as is_http_request_or_reply decides. */
function kindOf(b: Uint8Array, o: number, eol: number): Kind {
  const n = eol - o;
  if (
    n >= 5 &&
    b[o] === 0x48 &&
    b[o + 1] === 0x54 &&
    b[o + 2] === 0x54 &&
    b[o + 3] === 0x50 &&
    b[o + 4] === 0x2f
  )
    return Kind.Response;
  let sp = o;
  while (sp < eol && sp - o < 20 && b[sp] !== 0x20) sp++;
  if (sp >= eol || b[sp] !== 0x20) return Kind.None;
  return METHODS.has(latin1(b, o, sp)) ? Kind.Request : Kind.None;
}

interface Headers {
  contentLength: number;
  chunked: boolean;
  contentType: string;
  host: string;
  /** The Upgrade header's value, lower case ('' when there is none). */
  upgrade: string;
  /** The Content-Encoding header's value ('' when there is none). */
  contentEncoding: string;
  headerEnd: number;
}

/**
 * Where the headers end (just past the empty line) and what the body depends on; null when the
 * empty line is not in the bytes yet.
 */
function scanHeaders(b: Uint8Array, from: number, end: number): Headers | null {
  const h: Headers = {
    contentLength: -1,
    chunked: false,
    contentType: '',
    host: '',
    upgrade: '',
    contentEncoding: '',
    headerEnd: -1,
  };
  let o = from;
  for (;;) {
    const l = lineEnd(b, o, end);
    if (!l) return null;
    if (l.eol === o) {
      h.headerEnd = l.next;
      return h;
    }
    const colon = b.indexOf(0x3a, o);
    if (colon > o && colon < l.eol) {
      const name = latin1(b, o, colon).toLowerCase();
      if (
        name === 'content-length' ||
        name === 'transfer-encoding' ||
        name === 'content-type' ||
        name === 'host' ||
        name === 'upgrade' ||
        name === 'content-encoding'
      ) {
        const value = latin1(b, colon + 1, l.eol).trim();
        if (name === 'content-length') {
          const n = /^\d+$/.test(value) ? Number(value) : NaN;
          if (!Number.isNaN(n)) h.contentLength = n;
        } else if (name === 'transfer-encoding') h.chunked = value.toLowerCase().includes('chunked');
        else if (name === 'content-type') h.contentType = value;
        else if (name === 'upgrade') h.upgrade = value.toLowerCase();
        else if (name === 'content-encoding') h.contentEncoding = value;
        else h.host = value;
      }
    }
    o = l.next;
  }
}

/** What the header lines there are say, when the empty line is missing. */
function partialHeaders(b: Uint8Array, from: number, end: number): Omit<Headers, 'headerEnd'> {
  const copy = new Uint8Array(end - from + 4);
  copy.set(b.subarray(from, end));
  const n = end - from;
  // Close the last line and the headers so the scanner reads every line there is.
  copy.set([0x0d, 0x0a, 0x0d, 0x0a], n);
  const h = scanHeaders(copy, 0, copy.length);
  return (
    h ?? { contentLength: -1, chunked: false, contentType: '', host: '', upgrade: '', contentEncoding: '' }
  );
}

interface Chunks {
  /** Offset just past the last chunk's trailer, -1 when incomplete. */
  end: number;
}

/** Whether the chunked body starting at `o` is complete in the bytes, and where it ends. */
function scanChunks(b: Uint8Array, o: number, end: number): Chunks {
  for (;;) {
    const l = lineEnd(b, o, end);
    if (!l) return { end: -1 };
    const size = parseInt(latin1(b, o, l.eol).split(';')[0]?.trim() ?? '', 16);
    if (Number.isNaN(size)) return { end: l.next };
    if (size === 0) {
      // Trailer lines until an empty one.
      let t = l.next;
      for (;;) {
        const tl = lineEnd(b, t, end);
        if (!tl) return { end: -1 };
        if (tl.eol === t) return { end: tl.next };
        t = tl.next;
      }
    }
    const next = l.next + size;
    if (next + 2 > end) return { end: -1 };
    o = next + (b[next] === 0x0d ? 2 : 1);
  }
}

/** Requests with no body unless they say so; responses that never have one. */
function noBody(kind: Kind, code: number, method: string): boolean {
  if (kind === Kind.Request) return true;
  return (code >= 100 && code < 200) || code === 204 || code === 304 || method === 'HEAD';
}

export function dissectHTTP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  if (messagePinfo !== pinfo) {
    messagePinfo = pinfo;
    messageIndex = 0;
  }
  let o = tvb.start;
  let firstInCall = true;
  layerAdded = false;
  while (o < tvb.end) {
    // A stream that became HTTP/2 (preface or upgrade) goes to HTTP/2 from there on.
    if (http2Takes(pinfo, o - tvb.start)) {
      // HTTP fences Info after each message (col_set_fence); Protocol stays writable.
      if (!firstInCall) {
        const locked = pinfo.protoLocked;
        pinfo.fenceColumns();
        pinfo.protoLocked = locked;
      }
      return toHttp2(tvb, o, pinfo, tree, false) - tvb.start;
    }
    if (websocketTakes(pinfo, o - tvb.start))
      return toWebsocket(tvb, o, pinfo, tree, firstInCall) - tvb.start;
    const used = dissectMessage(tvb, o, pinfo, tree, firstInCall);
    if (used <= 0) break;
    o += used;
    firstInCall = false;
  }
  return o - tvb.start;
}

/** Heuristic on any TCP port: a request line or an `HTTP/1.` status line; the stream is HTTP after. */
function heuristicHTTP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  const b = tvb.bytes;
  const c0 = b[tvb.start] ?? 0;
  // Cheap refusals first: this runs on every TCP payload no port dissector took.
  if (c0 < 0x41 || c0 > 0x5a || kindOf(b, tvb.start, Math.min(tvb.end, tvb.start + 21)) === Kind.None)
    return false;
  const l = lineEnd(b, tvb.start, tvb.end);
  const eol = l ? l.eol : tvb.end;
  const kind = kindOf(b, tvb.start, eol);
  if (kind === Kind.None) return false;
  if (kind === Kind.Request) {
    // A request line must end in an HTTP version to be taken on an unknown port.
    const line = latin1(b, tvb.start, eol);
    if (!/ HTTP\/\d\.\d$/.test(line)) return false;
  }
  if (tcpLayer.stream >= 0) setConversationDissector(pinfo, tcpLayer.stream, dissectHTTP);
  dissectHTTP(tvb, pinfo, tree);
  return true;
}

/** Bytes used by one message at `o`, 0 when it needs more (TCP was told) or there was nothing. */
function dissectMessage(tvb: Tvb, o: number, pinfo: PacketInfo, tree: Tree, firstInCall: boolean): number {
  const b = tvb.bytes;
  const end = tvb.end;
  const first = lineEnd(b, o, end);
  const kind = kindOf(b, o, first ? first.eol : end);
  const desegment = pinfo.canDesegment;
  if (kind === Kind.None) {
    // HTTP's body heuristics: the HTTP/2 preface makes the stream HTTP/2 (tshark 4.0's only way
    // to find cleartext HTTP/2 besides an upgrade).
    if (isPreface(b, o, end)) return toHttp2(tvb, o, pinfo, tree, true) - o;
    // A lone NUL (a keep-alive some stacks send) is taken quietly, as tshark shows it.
    if (end - o === 1 && b[o] === 0 && firstInCall) return 1;
    // Until a request was seen on the stream, tshark 4.0 takes such bytes as not HTTP at all: it
    // adds nothing, not even data (checked on crafted streams: garbage first, after a response).
    if (!requestSeen(pinfo)) return end - o;
    // Text with no line end yet may be the start of a message: wait for the line (binary does not).
    const c = b[o] as number;
    if (!first && desegment && c >= 0x20 && c < 0x7f)
      return askMore(pinfo, tvb, o, DESEGMENT_ONE_MORE_SEGMENT);
    continuation(tvb, o, pinfo, tree, firstInCall);
    return end - o;
  }
  pinfo.hints |= Hint.Http;
  const firstLine = latin1(b, o, first ? first.eol : end);
  pinfo.setProto('HTTP');
  if (pinfo.wantInfo) {
    const line = labelText(asciiText(b, o, first ? first.eol : end));
    pinfo.setInfo(firstInCall ? `${line} ` : `${pinfo.info}${line} `);
  }
  let headers = first ? scanHeaders(b, first.next, end) : null;
  let cutLine = false;
  if (!headers) {
    if (desegment) return askMore(pinfo, tvb, o, DESEGMENT_ONE_MORE_SEGMENT);
    // Cut short and not reassembled: the header lines there are, and no body.
    if (first) headers = { ...partialHeaders(b, first.next, end), headerEnd: end };
    if (!first) return end - o;
    // A header cut inside its name ends the dissection as Wireshark's bounds error does.
    if (end > o && b[end - 1] !== 0x0a) {
      let start = end;
      while (start > first.next && b[start - 1] !== 0x0a) start--;
      cutLine = b.subarray(start, end).indexOf(0x3a) < 0;
      if (cutLine && headers) headers.headerEnd = start;
    }
  }
  // Request/status line parts.
  let method = '';
  let uri = '';
  let version: string;
  let code = 0;
  let phrase = '';
  const sp1 = firstLine.indexOf(' ');
  if (kind === Kind.Request) {
    method = firstLine.slice(0, sp1);
    const rest = firstLine.slice(sp1 + 1);
    const sp2 = rest.lastIndexOf(' ');
    uri = sp2 >= 0 ? rest.slice(0, sp2) : rest;
    version = sp2 >= 0 ? rest.slice(sp2 + 1) : '';
  } else {
    version = sp1 >= 0 ? firstLine.slice(0, sp1) : firstLine;
    const rest = sp1 >= 0 ? firstLine.slice(sp1 + 1) : '';
    code = parseInt(rest.slice(0, 3), 10) || 0;
    phrase = rest.length > 4 ? rest.slice(4) : '';
  }
  const st = httpState(pinfo);
  const stream = tcpLayer.stream;
  const answered = kind === Kind.Response ? pendingMethod(st, stream) : '';

  // Body length.
  let bodyStart = headers ? headers.headerEnd : end;
  let bodyEnd = bodyStart;
  let chunkedEnd = -1;
  if (headers) {
    if (headers.chunked && !noBody(kind, code, answered)) {
      chunkedEnd = scanChunks(b, bodyStart, end).end;
      if (chunkedEnd < 0 && desegment) return askMore(pinfo, tvb, o, DESEGMENT_ONE_MORE_SEGMENT);
      // Chunks cut short and not reassembled: Wireshark's chunk walk runs off the end.
      if (chunkedEnd < 0) cutLine = true;
      bodyEnd = chunkedEnd < 0 ? end : chunkedEnd;
    } else if (headers.contentLength >= 0 && !(kind === Kind.Response && noBody(kind, code, answered))) {
      // (A HEAD, 204 or 304 response's Content-Length describes a body it does not carry.)
      const want = bodyStart + headers.contentLength;
      if (want > end && desegment) return askMore(pinfo, tvb, o, want - end);
      bodyEnd = Math.min(want, end);
    } else if (!noBody(kind, code, answered)) {
      // A body that runs to the end of the connection: inside TLS, whose records never show that
      // end, Wireshark keeps asking for more (DESEGMENT_UNTIL_FIN), so the response is never complete.
      if (desegment && kind === Kind.Response && pinfo.layers.includes('tls')) {
        return askMore(pinfo, tvb, o, DESEGMENT_ONE_MORE_SEGMENT);
      }
      bodyEnd = end;
    }
  } else {
    bodyStart = end;
    bodyEnd = end;
  }
  const messageEnd = bodyEnd;
  // An upgrade to HTTP/2 proceeds once the server answers 101: the stream is HTTP/2 after it.
  if (kind === Kind.Response && code === 101 && headers && isH2(headers.upgrade) && requestSeen(pinfo))
    startHttp2(pinfo, messageEnd - tvb.start);
  if (kind === Kind.Response && code === 101 && headers?.upgrade.includes('websocket') && requestSeen(pinfo))
    startWebsocket(pinfo, messageEnd - tvb.start);

  addLayer(pinfo);
  const frame = pinfo.meta.number;
  const key = `${frame}/${messageIndex++}`;
  const firstVisit = firstPass(pinfo.state, pinfo);
  tree.push(F[''], tvb, o, messageEnd - o);
  tree.add(kind === Kind.Request ? F.request : F.response, tvb, o, 0, true);

  // First line with its parts.
  const lineLen = (first ? first.next : end) - o;
  const lineText = labelText(asciiText(b, o, o + lineLen));
  tree.push(F.chat, tvb, o, lineLen);
  if (tree.full) tree.label(lineText);
  if (wantsExpert(tree)) expert(pinfo, tree, tvb, o, lineLen, 'Chat', 'Sequence', lineText);
  if (kind === Kind.Request) {
    tree.add(F['request.method'], tvb, o, method.length, method);
    // tshark 4.0 splits a URI into path and query (under it) only when it has a query.
    const split =
      tree.wants(F['request.uri.path']) ||
      tree.wants(F['request.uri.query']) ||
      tree.wants(F['request.uri.query.parameter']);
    // Only a non-empty query splits (Wireshark 4.0's basic_request_dissector).
    if (split && uri.indexOf('?') >= 0 && uri.indexOf('?') < uri.length - 1) {
      tree.push(F['request.uri'], tvb, o + sp1 + 1, uri.length, uri);
      uriParts(tvb, o + sp1 + 1, uri, tree);
      tree.pop();
    } else {
      tree.add(F['request.uri'], tvb, o + sp1 + 1, uri.length, uri);
    }
    tree.add(F['request.version'], tvb, o + sp1 + 2 + uri.length, version.length, version);
  } else {
    tree.add(F['response.version'], tvb, o, version.length, version);
    tree.add(F['response.code'], tvb, o + sp1 + 1, 3, code);
    const desc = STATUS_TEXT.get(code);
    if (desc !== undefined) tree.add(F['response.code.desc'], tvb, o + sp1 + 1, 3, desc);
    tree.add(F['response.phrase'], tvb, o + sp1 + 5, phrase.length, phrase);
  }
  tree.pop();

  // Header lines.
  if (headers && first) headerLines(tvb, first.next, headers.headerEnd, kind, pinfo, tree);

  // Pairing (a message cut inside its headers never gets here in Wireshark).
  if (!cutLine) pair(kind, key, uri, method, headers?.host ?? '', stream, firstVisit, tvb, o, pinfo, tree);

  // Body.
  let body: Tvb | null = null;
  if (bodyEnd > bodyStart) {
    if (cutLine) {
      tree.push(F.chat, tvb, bodyStart, bodyEnd - bodyStart);
      if (tree.full) tree.label('HTTP chunked response');
      tree.pop();
    } else if (chunkedEnd >= 0 || (headers?.chunked && !noBody(kind, code, answered))) {
      body = dechunk(tvb, bodyStart, bodyEnd, pinfo, tree);
    } else {
      body = tvb.sub(bodyStart, bodyEnd - bodyStart);
    }
  }
  if (body && body.end > body.start && headers && isEncoded(headers.contentEncoding))
    body = decodeContent(body, headers.contentEncoding, pinfo, tree);
  if (body && body.end > body.start) {
    const n = body.end - body.start;
    if (tree.wants(F.file_data)) {
      tree.add(F.file_data, body, body.start, n, asciiText(body.bytes, body.start, body.end));
      if (tree.full) tree.labelLast(`File Data: ${n} bytes`);
    }
  }
  // Without a Content-Type the body is data inside HTTP; with one, a media type's layer of its own.
  const contentType = headers?.contentType ?? '';
  if (body && body.end > body.start && !cutLine && contentType === '') media(body, '', pinfo, tree);
  tree.pop();
  if (cutLine) {
    tree.note('[BoundError Unreassembled Packet: HTTP]', tvb, end, 0, 0);
    expert(
      pinfo,
      tree,
      tvb,
      end,
      0,
      'Note',
      'Reassemble',
      'Unreassembled fragment (change preferences to enable reassembly)',
    );
    if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info}[BoundErrorUnreassembled Packet]`);
    return end - o;
  }
  if (body && body.end > body.start && contentType !== '') media(body, contentType, pinfo, tree);
  return messageEnd - o;
}

/** Whether a Content-Encoding names a coding (anything but none or `identity`). */
function isEncoded(encoding: string): boolean {
  return encoding !== '' && encoding.toLowerCase() !== 'identity';
}

/** The codings Wireshark 4.0 decompresses itself (`br` too, which Trawl does not decode). */
const DECODED = new Set(['gzip', 'x-gzip', 'deflate', 'x-deflate']);

/**
 * A content-coded body decompressed into a data source of its own, under a `Content-encoded
 * entity body` item; null (the coded bytes shown as data) when it cannot be decoded.
 */
function decodeContent(body: Tvb, encoding: string, pinfo: PacketInfo, tree: Tree): Tvb | null {
  const n = body.end - body.start;
  const plain = DECODED.has(encoding.toLowerCase())
    ? uncompressBody(body.bytes.subarray(body.start, body.end))
    : null;
  tree.push(F._content_encoded, body, body.start, n);
  if (plain) {
    if (tree.full)
      tree.label(`Content-encoded entity body (${encoding}): ${n} bytes -> ${plain.length} bytes`);
    tree.pop();
    const source = pinfo.addSource('Uncompressed entity body', plain);
    return new Tvb(plain, 0, plain.length, plain.length, source);
  }
  if (tree.full) tree.label(`Content-encoded entity body (${encoding}): ${n} bytes`);
  expert(pinfo, tree, body, body.start, n, 'Warning', 'Undecoded', 'Decompression failed');
  dissectData(body, pinfo, tree);
  tree.pop();
  return null;
}

/** Registers a request or a response in its conversation's records, and shows the links. */
function pair(
  kind: Kind,
  key: string,
  uri: string,
  method: string,
  host: string,
  stream: number,
  firstVisit: boolean,
  tvb: Tvb,
  o: number,
  pinfo: PacketInfo,
  tree: Tree,
): void {
  const st = httpState(pinfo);
  const fullUri =
    kind !== Kind.Request
      ? ''
      : method === 'CONNECT'
        ? uri
        : fullUriOf(uri, host, pinfo.layers.includes('tls'));
  if (fullUri) tree.add(F['request.full_uri'], tvb, o, 0, fullUri);
  let seen = st.seen.get(key);
  if (!seen && firstVisit && stream >= 0) {
    seen = record(conversation(st, stream), kind, fullUri || uri, method, pinfo);
    st.seen.set(key, seen);
  }
  if (!seen) return;
  const r = seen.record;
  const records = conversation(st, stream).records;
  const prev = records[r.number - 2];
  const next = records[r.number];
  const link = (def: FieldDef, frame: number | undefined, label: string): void => {
    if (!frame) return;
    tree.add(def, tvb, o, 0, frame);
    if (tree.full) tree.labelLast(`[${label}: ${frame}]`);
  };
  if (kind === Kind.Request) {
    tree.add(F.request_number, tvb, o, 0, r.number);
    if (tree.full) tree.labelLast(`[HTTP request ${r.number}/${records.length}]`);
    link(F.prev_request_in, prev?.reqFrame, 'Prev request in frame');
    if (r.resFrame !== pinfo.meta.number) link(F.response_in, r.resFrame, 'Response in frame');
    link(F.next_request_in, next?.reqFrame, 'Next request in frame');
    return;
  }
  tree.add(F.response_number, tvb, o, 0, r.number);
  if (tree.full) tree.labelLast(`[HTTP response ${r.number}/${records.length}]`);
  if (r.reqFrame !== 0) {
    const t = timeSince(pinfo, r);
    tree.add(F.time, tvb, o, 0, t);
    if (tree.full) tree.labelLast(`[Time since request: ${t} seconds]`);
  }
  link(F.prev_request_in, prev?.reqFrame, 'Prev request in frame');
  link(F.prev_response_in, prev?.resFrame, 'Prev response in frame');
  link(F.request_in, r.reqFrame, 'Request in frame');
  link(F.next_request_in, next?.reqFrame, 'Next request in frame');
  link(F.next_response_in, next?.resFrame, 'Next response in frame');
  if (seen.uri) {
    tree.add(F['response_for.uri'], tvb, o, 0, seen.uri);
    if (tree.full) tree.labelLast(`[Request URI: ${seen.uri}]`);
  }
}

/** On the first pass: the record a message opens or fills (Wireshark 4.0's push_req/push_res). */
function record(conv: Conversation, kind: Kind, shownUri: string, method: string, pinfo: PacketInfo): Seen {
  const m = pinfo.meta;
  const open = (): Record => {
    const r = { reqFrame: 0, tsSec: 0, tsNsec: 0, method: '', resFrame: 0, number: conv.records.length + 1 };
    conv.records.push(r);
    return r;
  };
  if (kind === Kind.Request) {
    const r = open();
    Object.assign(r, { reqFrame: m.number, tsSec: m.tsSec, tsNsec: m.tsNsec, method });
    conv.lastUri = shownUri;
    return { record: r, uri: '' };
  }
  const tail = conv.records[conv.records.length - 1];
  const r = !tail || tail.resFrame > 0 ? open() : tail;
  r.resFrame = m.number;
  return { record: r, uri: conv.lastUri };
}

/** Whether an Upgrade value names HTTP/2 in Wireshark's http.upgrade table (`h2`, `h2c`, or with a /version). */
function isH2(upgrade: string): boolean {
  const slash = upgrade.indexOf('/');
  const v = upgrade === 'h2' || upgrade === 'h2c' || slash < 0 ? upgrade : upgrade.slice(0, slash);
  return v === 'h2' || v === 'h2c';
}

/** Hands the rest of the payload from `o` to HTTP/2 (with `preface`, its heuristic); returns the end. */
function toHttp2(tvb: Tvb, o: number, pinfo: PacketInfo, tree: Tree, preface: boolean): number {
  if (pinfo.layers[pinfo.layers.length - 1] !== 'http') pinfo.layers.push('http');
  const rest = tvb.sub(o);
  if (preface) heuristicHTTP2(rest, pinfo, tree);
  else dissectHTTP2(rest, pinfo, tree);
  if (pinfo.desegmentLen > 0) pinfo.desegmentOffset += o - tvb.start;
  return tvb.end;
}

/** Hands the rest of the payload from `o` to WebSocket (after an upgrade); returns the end used. */
function toWebsocket(tvb: Tvb, o: number, pinfo: PacketInfo, tree: Tree, firstInCall: boolean): number {
  if (!firstInCall) {
    // HTTP fences Info after its message; WebSocket still names the Protocol.
    const locked = pinfo.protoLocked;
    pinfo.fenceColumns();
    pinfo.protoLocked = locked;
  }
  addLayer(pinfo);
  const used = dissectWebsocket(tvb.sub(o), pinfo, tree);
  if (pinfo.desegmentLen > 0) pinfo.desegmentOffset += o - tvb.start;
  return o + used;
}

function askMore(pinfo: PacketInfo, tvb: Tvb, o: number, length: number): number {
  pinfo.desegmentOffset = o - tvb.start;
  pinfo.desegmentLen = length;
  return 0;
}

function continuation(tvb: Tvb, o: number, pinfo: PacketInfo, tree: Tree, firstInCall: boolean): void {
  pinfo.setProto('HTTP');
  if (pinfo.wantInfo && firstInCall) pinfo.setInfo('Continuation');
  pinfo.hints |= Hint.Http;
  addLayer(pinfo);
  tree.push(F[''], tvb, o, tvb.end - o);
  // Text (a printable first byte) is file data too; binary bytes are data alone.
  const c = tvb.bytes[o] as number;
  if (c >= 0x20 && c < 0x7f && tree.wants(F.file_data)) {
    tree.add(F.file_data, tvb, o, tvb.end - o, asciiText(tvb.bytes, o, tvb.end));
    if (tree.full) tree.labelLast(`File Data: ${tvb.end - o} bytes`);
  }
  dissectData(tvb.sub(o), pinfo, tree);
  tree.pop();
}

/** Whether this TCP stream carried a request in this frame or before it. */
function requestSeen(pinfo: PacketInfo): boolean {
  const stream = tcpLayer.stream;
  if (stream < 0) return true;
  const first = httpState(pinfo)
    .convs.get(stream)
    ?.records.find((r) => r.reqFrame !== 0);
  return first !== undefined && first.reqFrame <= pinfo.meta.number;
}

function conversation(st: HttpState, stream: number): Conversation {
  let c = st.convs.get(stream);
  if (!c) {
    c = { records: [], lastUri: '' };
    st.convs.set(stream, c);
  }
  return c;
}

/** The method of the last request on this stream, which a response answers (HEAD: no body). */
function pendingMethod(st: HttpState, stream: number): string {
  const records = st.convs.get(stream)?.records ?? [];
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i] as Record;
    if (r.reqFrame !== 0) return r.method;
  }
  return '';
}

function fullUriOf(uri: string, host: string, tls: boolean): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) return uri;
  if (!host) return '';
  return `${tls ? 'https' : 'http'}://${host}${uri}`;
}

function timeSince(pinfo: PacketInfo, req: Record): string {
  let sec = pinfo.meta.tsSec - req.tsSec;
  let nsec = pinfo.meta.tsNsec - req.tsNsec;
  if (nsec < 0) {
    nsec += 1e9;
    sec--;
  }
  const neg = sec < 0;
  if (neg) {
    sec = -sec - (nsec > 0 ? 1 : 0);
    nsec = nsec > 0 ? 1e9 - nsec : 0;
  }
  return `${neg ? '-' : ''}${sec}.${String(nsec).padStart(9, '0')}`;
}

/** The path, and the query with its parameters, of a URI that has a query (`/a?x=1&y=2`). */
function uriParts(tvb: Tvb, o: number, uri: string, tree: Tree): void {
  const q = uri.indexOf('?');
  const path = uri.slice(0, q);
  tree.add(F['request.uri.path'], tvb, o, path.length, path);
  const query = uri.slice(q + 1);
  tree.push(F['request.uri.query'], tvb, o + q + 1, query.length, query);
  let at = o + q + 1;
  for (const p of query.split('&')) {
    // strtok: no empty parameters.
    if (p) tree.add(F['request.uri.query.parameter'], tvb, at, p.length, p);
    at += p.length + 1;
  }
  tree.pop();
}

function headerLines(
  tvb: Tvb,
  from: number,
  headerEnd: number,
  kind: Kind,
  pinfo: PacketInfo,
  tree: Tree,
): void {
  const b = tvb.bytes;
  const lineDef = kind === Kind.Request ? F['request.line'] : F['response.line'];
  const detail = tree !== NULL_TREE;
  let o = from;
  while (o < headerEnd) {
    const l = lineEnd(b, o, headerEnd) ?? { eol: headerEnd, next: headerEnd };
    const len = l.next - o;
    if (l.eol === o) {
      if (tree.full) tree.note('\\r\\n', tvb, o, len, 0);
      break;
    }
    if (!detail) {
      const auth = authValue(b, o, l.eol);
      if (auth !== null) dissectHttpAuth(auth, pinfo, tree);
      o = l.next;
      continue;
    }
    const raw = asciiText(b, o, l.next);
    const line = labelText(raw);
    const colon = b.indexOf(0x3a, o);
    const name = colon > o && colon < l.eol ? latin1(b, o, colon).toLowerCase() : '';
    let v = colon > o && colon < l.eol ? colon + 1 : l.eol;
    while (v < l.eol && (b[v] === 0x20 || b[v] === 0x09)) v++;
    const value = asciiText(b, v, l.eol);
    const def = HEADER_FIELDS.get(name) ?? F.unknown_header;
    const headerValue = def === F.unknown_header ? asciiText(b, o, l.eol) : value;
    if (name === 'content-length') {
      tree.push(def, tvb, o, len, headerValue);
      if (tree.full) tree.label(line);
      if (/^\s*\d+\s*$/.test(value)) {
        const n = Number(value.trim());
        tree.add(F.content_length, tvb, v, l.eol - v, n);
        if (tree.full) tree.labelLast(`[Content length: ${n}]`);
      }
      tree.pop();
    } else if (name === 'cookie') {
      tree.push(def, tvb, o, len, headerValue);
      if (tree.full) tree.label(line);
      let at = v;
      for (const pair of value.split(';')) {
        const lead = pair.length - pair.trimStart().length;
        const p = pair.trim();
        if (p) tree.add(F.cookie_pair, tvb, at + lead, p.length, p);
        at += pair.length + 1;
      }
      tree.pop();
    } else if (AUTH_HEADERS.has(name)) {
      tree.push(def, tvb, o, len, headerValue);
      if (tree.full) tree.label(cutLabel(line));
      try {
        if (name === 'authorization' || name === 'proxy-authorization')
          basicCredentials(value, tvb, l.eol, tree);
        dissectHttpAuth(value, pinfo, tree);
      } finally {
        tree.pop();
      }
    } else {
      tree.add(def, tvb, o, len, headerValue);
      if (tree.full) tree.labelLast(line);
    }
    tree.add(lineDef, tvb, o, len, raw);
    o = l.next;
  }
}

/** Headers whose NTLM / Negotiate tokens tshark decodes (its check_auth_ntlmssp). */
const AUTH_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'www-authenticate',
  'proxy-authenticate',
]);

/** `Basic <base64>`: the decoded `user:password` (http.authbasic), as tshark shows it under the header. */
function basicCredentials(value: string, tvb: Tvb, at: number, tree: Tree): void {
  if (!/^basic /i.test(value) || !tree.wants(F.authbasic)) return;
  // Like g_base64_decode_inplace: characters outside the alphabet are skipped.
  const b64 = value.slice(6).replace(/[^A-Za-z0-9+/]/g, '');
  const raw = base64ToBytes(b64.slice(0, b64.length - (b64.length % 4 === 1 ? 1 : 0)));
  const nul = raw.indexOf(0);
  const creds = bytesText(raw, 0, nul < 0 ? raw.length : nul, false, false);
  tree.add(F.authbasic, tvb, at, 0, creds);
  if (tree.full) tree.labelLast(`Credentials: ${creds}`);
}

/** A label past Wireshark's 240-byte item label, cut and marked as tshark 4.0 prints it. */
function cutLabel(label: string): string {
  return label.length >= 240 ? ` [truncated]${label}`.slice(0, 238) : label;
}

/** An auth header's value when the line at `o` is one (summary mode: no tree, but Info and layers). */
function authValue(b: Uint8Array, o: number, eol: number): string | null {
  const c = (b[o] as number) | 0x20;
  if (c !== 0x61 && c !== 0x70 && c !== 0x77) return null;
  const colon = b.indexOf(0x3a, o);
  if (colon <= o || colon >= eol || !AUTH_HEADERS.has(latin1(b, o, colon).toLowerCase())) return null;
  let v = colon + 1;
  while (v < eol && (b[v] === 0x20 || b[v] === 0x09)) v++;
  return asciiText(b, v, eol);
}

/** Shows the chunks and returns the de-chunked body as its own data source. */
function dechunk(tvb: Tvb, from: number, to: number, pinfo: PacketInfo, tree: Tree): Tvb {
  const b = tvb.bytes;
  const pieces: Uint8Array[] = [];
  let total = 0;
  let o = from;
  const kindText = 'HTTP chunked response';
  tree.push(F.chat, tvb, from, to - from);
  if (tree.full) tree.label(kindText);
  while (o < to) {
    const l = lineEnd(b, o, to);
    if (!l) break;
    const size = parseInt(latin1(b, o, l.eol).split(';')[0]?.trim() ?? '', 16);
    if (Number.isNaN(size)) break;
    if (size === 0) {
      tree.push(F.chat, tvb, o, to - o);
      if (tree.full) tree.label('End of chunked encoding');
      tree.add(F.chunk_size, tvb, o, l.next - o, 0);
      if (tree.full) tree.labelLast('Chunk size: 0 octets');
      tree.pop();
      trailer(tvb, l.next, to, tree);
      break;
    }
    const dataEnd = Math.min(l.next + size, to);
    const n = dataEnd - l.next;
    tree.push(F.chat, tvb, o, Math.min(to, dataEnd + 2) - o);
    if (tree.full) tree.label(`Data chunk (${size} octets)`);
    tree.add(F.chunk_size, tvb, o, l.next - o, size);
    if (tree.full) tree.labelLast(`Chunk size: ${size} octets`);
    if (n > 0) tree.add(F.chunk_data, tvb, l.next, n);
    if (dataEnd + 2 <= to) tree.add(F.chunk_boundary, tvb, dataEnd, 2);
    tree.pop();
    pieces.push(b.subarray(l.next, dataEnd));
    total += n;
    if (dataEnd >= to) break;
    o = dataEnd + (b[dataEnd] === 0x0d ? 2 : 1);
  }
  tree.pop();
  const data = new Uint8Array(total);
  let at = 0;
  for (const p of pieces) {
    data.set(p, at);
    at += p.length;
  }
  const source = pinfo.addSource('De-chunked entity body', data);
  return new Tvb(data, 0, data.length, data.length, source);
}

/** The trailer lines after the last chunk, as one item (tshark 4.0's trailer-part), and the empty line. */
function trailer(tvb: Tvb, from: number, to: number, tree: Tree): void {
  const b = tvb.bytes;
  let t = from;
  for (;;) {
    const tl = t < to ? lineEnd(b, t, to) : null;
    if (!tl || tl.eol === t) {
      if (t > from) tree.add(F.chunked_trailer_part, tvb, from, t - from, asciiText(b, from, t));
      if (tl && tree.full) tree.note('\\r\\n', tvb, t, tl.next - t, 0);
      return;
    }
    t = tl.next;
  }
}

/** Media types Wireshark 4.0 hands to its JSON dissector (the `+json` ones it lists, no others). */
const JSON_TYPES = new Set([
  'application/json',
  'application/senml+json',
  'application/sensml+json',
  'application/json-rpc',
  'application/jsonrequest',
  'application/dds-web+json',
  'application/vnd.oma.lwm2m+json',
  'application/problem+json',
  'application/merge-patch+json',
  'application/json-patch+json',
  'application/x-ndjson',
]);

/** Whether `type` is one of the JSON media types Wireshark's json dissector registers. */
export function isJsonMedia(type: string): boolean {
  return JSON_TYPES.has(type);
}

/**
 * A body of one of the JSON media types Wireshark's json dissector registers: JSON as far as it
 * parses, the rest as text lines. False when `type` is not one of them.
 */
export function dissectJsonMedia(body: Tvb, type: string, pinfo: PacketInfo, tree: Tree): boolean {
  if (!JSON_TYPES.has(type)) return false;
  const used = dissectJSON(body, pinfo, tree, type);
  if (used < body.end - body.start) dissectTextLines(body.sub(body.start + used), type, pinfo, tree);
  else if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info} (${type})`);
  return true;
}

/**
 * Wireshark's data-text-lines: the text line by line (a line ends at CR, LF or CRLF), its media
 * type, when there is one, in the label and Info.
 */
export function dissectTextLines(body: Tvb, type: string, pinfo: PacketInfo, tree: Tree): void {
  pinfo.layers.push('data-text-lines');
  if (type && pinfo.wantInfo) pinfo.setInfo(`${pinfo.info} (${type})`);
  if (tree === NULL_TREE) return;
  const b = body.bytes;
  tree.push(TEXT_LINES[''], body, body.start, body.end - body.start);
  let lines = 0;
  for (let o = body.start; o < body.end; lines++) {
    const next = lineEnd(b, o, body.end)?.next ?? body.end;
    if (tree.full) tree.note(formatText(b, o, next), body, o, next - o, 0);
    o = next;
  }
  if (tree.full) tree.label(`Line-based text data${type ? `: ${type}` : ''} (${lines} lines)`);
  tree.pop();
}

/** Wireshark's media_type table for the body, as far as the Protocol stack and Info show it. */
function media(body: Tvb, contentType: string, pinfo: PacketInfo, tree: Tree): void {
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (dissectJsonMedia(body, type, pinfo, tree)) return;
  if (dissectMediaBody(body, type, pinfo, tree)) return;
  if (type.startsWith('text/') || type === 'application/javascript' || type === 'application/x-javascript') {
    dissectTextLines(body, type, pinfo, tree);
    return;
  }
  if (type === 'application/octet-stream') {
    dissectData(body, pinfo, tree);
    return;
  }
  if (type === FORM_TYPE) {
    dissectUrlencodedForm(body, type, pinfo, tree);
    return;
  }
  if (type === '') {
    dissectData(body, pinfo, tree);
    return;
  }
  pinfo.layers.push('media');
  if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info} (${type})`);
  tree.push(MEDIA[''], body, body.start, body.end - body.start);
  addMediaType(body, type, tree);
  tree.pop();
}

export const httpModule = {
  fields: { ...F, textLines: TEXT_LINES[''], media: MEDIA[''], ...MEDIA_BODY_FIELDS },
  handoff(reg: Registry): void {
    for (const port of PORTS) reg.register('tcpPort', port, dissectHTTP);
    reg.heuristics.tcp.push(heuristicHTTP);
  },
};
