// File Transfer Protocol (RFC 959, RFC 2428) on TCP 21: request and response lines, PORT / PASV /
// EPRT / EPSV addresses, the working directory as CWD, CDUP and PWD replies set it, and the data
// connections those commands announce (FTP-DATA, with the command they answer), as tshark 4.0
// shows them on a single pass. AUTH TLS accepted with 234 hands the control connection to TLS.
import {
  fields,
  ipv4,
  ipv6,
  names,
  proto,
  str,
  text,
  uint,
  FieldType,
  type FieldDef,
  type FieldSpec,
} from './field.ts';
import { expert, firstPass, ipLayer } from './ip-proto.ts';
import { dataTextLines, findLineEnd, matchedPort, payloadFault, TEXT_LINE } from './line-text.ts';
import { asciiString, formatAsciiText } from './text-format.ts';
import { AddrKind, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { setConversationDissector, tcpLayer } from './tcp.ts';
import { dissectTLS } from './tls.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const FTP_PORT = 21;
const FTP_DATA_PORT = 20;

/** Reply codes (Wireshark's response_table). */
const RESPONSES = names({
  110: 'Restart marker reply',
  120: 'Service ready in nnn minutes',
  125: 'Data connection already open; transfer starting',
  150: 'File status okay; about to open data connection',
  200: 'Command okay',
  202: 'Command not implemented, superfluous at this site',
  211: 'System status, or system help reply',
  212: 'Directory status',
  213: 'File status',
  214: 'Help message',
  215: 'NAME system type',
  220: 'Service ready for new user',
  221: 'Service closing control connection',
  225: 'Data connection open; no transfer in progress',
  226: 'Closing data connection',
  227: 'Entering Passive Mode',
  229: 'Entering Extended Passive Mode',
  230: 'User logged in, proceed',
  232: 'User logged in, authorized by security data exchange',
  234: 'Security data exchange complete',
  235: 'Security data exchange completed successfully',
  250: 'Requested file action okay, completed',
  257: 'PATHNAME created',
  331: 'User name okay, need password',
  332: 'Need account for login',
  334: 'Requested security mechanism is ok',
  335: 'Security data is acceptable, more is required',
  336: 'Username okay, need password. Challenge is ...',
  350: 'Requested file action pending further information',
  421: 'Service not available, closing control connection',
  425: "Can't open data connection",
  426: 'Connection closed; transfer aborted',
  431: 'Need some unavailable resource to process security',
  450: 'Requested file action not taken',
  451: 'Requested action aborted: local error in processing',
  452: 'Requested action not taken. Insufficient storage space in system',
  500: 'Syntax error, command unrecognized',
  501: 'Syntax error in parameters or arguments',
  502: 'Command not implemented',
  503: 'Bad sequence of commands',
  504: 'Command not implemented for that parameter',
  522: 'Network protocol not supported',
  530: 'Not logged in',
  532: 'Need account for storing files',
  533: 'Command protection level denied for policy reasons',
  534: 'Request denied for policy reasons',
  535: 'Failed security check (hash, sequence, etc)',
  536: 'Requested PROT level not supported by mechanism',
  537: 'Command protection level not supported by security mechanism',
  550: 'Requested action not taken: File unavailable',
  551: 'Requested action aborted: page type unknown',
  552: 'Requested file action aborted: Exceeded storage allocation',
  553: 'Requested action not taken: File name not allowed',
  631: 'Integrity protected reply',
  632: 'Confidentiality and integrity protected reply',
  633: 'Confidentiality protected reply',
});

const flag = (name: string, hidden = false): FieldSpec => ({
  name,
  type: FieldType.Bool,
  tf: ['True', 'False'],
  hidden,
});

export const F = fields('ftp', {
  '': proto('File Transfer Protocol (FTP)'),
  request: flag('Request', true),
  response: flag('Response', true),
  'request.command': str('Request command'),
  'request.arg': str('Request arg'),
  'response.code': uint('Response code', 32, { strings: RESPONSES }),
  'response.arg': str('Response arg'),
  'passive.ip': ipv4('Passive IP address'),
  'passive.port': uint('Passive port', 16),
  'passive.nat': flag('Passive IP NAT'),
  'active.cip': ipv4('Active IP address'),
  'active.port': uint('Active port', 16),
  'active.nat': flag('Active IP NAT'),
  'eprt.af': uint('Extended active address family', 8, { strings: names({ 1: 'IPv4', 2: 'IPv6' }) }),
  'eprt.ip': ipv4('Extended active IP address'),
  'eprt.ipv6': ipv6('Extended active IPv6 address'),
  'eprt.port': uint('Extended active port', 16),
  'epsv.ip': { ...ipv4('Extended passive IPv4 address'), generated: true },
  'epsv.ipv6': { ...ipv6('Extended passive IPv6 address'), generated: true },
  'epsv.port': uint('Extended passive port', 16),
  'current-working-directory': str('Current working directory', { generated: true }),
  _line: text('Line'),
});

export const D = fields('ftp-data', {
  '': proto('FTP Data'),
  'setup-frame': { name: 'Setup frame', type: FieldType.FrameNum, generated: true },
  'setup-method': str('Setup method', { generated: true }),
  command: str('Command', { generated: true }),
  // Not generated: tshark 4.0 marks the command item twice instead.
  'command-frame': { name: 'Command frame', type: FieldType.FrameNum },
  'current-working-directory': str('Current working directory', { generated: true }),
});

/** A data connection a PORT, PASV, EPRT or EPSV announced (Wireshark's ftp_data_conversation_t). */
interface DataConv {
  /** One end, and the other end's address (any port: Wireshark's NO_PORT2). */
  addrA: string;
  portA: number;
  addrB: string;
  setupFrame: number;
  method: string;
  cwd: string;
  command: string | null;
  commandFrame: number;
}

/** One control connection (Wireshark's ftp_conversation_t). */
interface Control {
  lastCommand: string | null;
  cwd: string;
  current: DataConv | null;
  tlsRequested: boolean;
  /** Frame of the 234 reply to AUTH TLS: later frames are TLS. */
  tlsAfter: number;
}

interface FtpState {
  controls: Map<number, Control>;
  /** The working directory each frame showed on the first pass. */
  cwdAt: Map<number, string>;
  expected: DataConv[];
  /** Data connections by TCP stream once recognised. */
  dataStreams: Map<number, DataConv>;
  /** Command and setup of each data connection by the frame that showed it first, for revisits. */
  dataAt: Map<number, { command: string | null; commandFrame: number }>;
}

const newState = (): FtpState => ({
  controls: new Map(),
  cwdAt: new Map(),
  expected: [],
  dataStreams: new Map(),
  dataAt: new Map(),
});

function control(st: FtpState, conv: number): Control {
  let c = st.controls.get(conv);
  if (!c) {
    c = { lastCommand: null, cwd: '', current: null, tlsRequested: false, tlsAfter: 0 };
    st.controls.set(conv, c);
  }
  return c;
}

/** An address as text for matching connections (hex of its bytes). */
function addressKey(bytes: Uint8Array, at: number, kind: AddrKind): string {
  const n = kind === AddrKind.IPv6 ? 16 : kind === AddrKind.IPv4 ? 4 : 0;
  let s = '';
  for (let i = 0; i < n; i++) s += (bytes[at + i] ?? 0).toString(16).padStart(2, '0');
  return s;
}

const ipv4Key = (addr: number): string => (addr >>> 0).toString(16).padStart(8, '0');

interface Call {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  st: FtpState;
  ctl: Control;
  first: boolean;
  request: boolean;
}

export function dissectFTP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const st = pinfo.state.of<FtpState>('ftp', newState);
  const ctl = control(st, pinfo.conversation);
  if (ctl.tlsAfter !== 0 && pinfo.meta.number > ctl.tlsAfter) return dissectTLS(tvb, pinfo, tree);
  const call: Call = {
    tvb,
    pinfo,
    tree,
    st,
    ctl,
    first: firstPass(pinfo.state, pinfo),
    request: matchedPort(pinfo, [FTP_PORT]) === pinfo.dstPort,
  };
  pinfo.layers.push('ftp');
  pinfo.setProto('FTP');
  try {
    ftpLines(call);
  } catch (err) {
    payloadFault(err, tvb, pinfo, tree, 'FTP');
  }
  return tvb.remaining(tvb.start);
}

function ftpLines(call: Call): void {
  const { tvb, pinfo, tree, st, ctl, first, request } = call;
  const b = tvb.bytes;
  const frame = pinfo.meta.number;
  if (first) st.cwdAt.set(frame, ctl.cwd);
  const start = tvb.start;
  const line = findLineEnd(b, start, tvb.end, false) as { eol: number; next: number };
  const lineLen = line.eol - start;
  if (pinfo.wantInfo)
    pinfo.setInfo(`${request ? 'Request' : 'Response'}: ${formatAsciiText(b, start, line.eol)}`);
  tree.push(F[''], tvb, start, tvb.remaining(start));
  tree.add(F.request, tvb, start, 0, request);
  tree.add(F.response, tvb, start, 0, !request);
  tree.push(F._line, tvb, start, line.next - start);
  if (tree.full) tree.label(formatAsciiText(b, start, line.next));
  let argAt = start;
  let tokenLen = 0;
  let code = -1;
  if (request) {
    const t = token(b, start, line.eol);
    tokenLen = t.length;
    argAt = t.next;
    if (tokenLen !== 0)
      tree.add(F['request.command'], tvb, start, tokenLen, asciiString(b, start, start + tokenLen));
    if (first) requestState(call, asciiString(b, start, line.eol));
  } else if (lineLen >= 3 && isDigit(b[start]) && isDigit(b[start + 1]) && isDigit(b[start + 2])) {
    code = Number(asciiString(b, start, start + 3));
    tree.add(F['response.code'], tvb, start, 3, code);
    if (first) responseState(call, code, start, line.eol);
    argAt = lineLen >= 4 ? start + 4 : line.eol;
  }
  const argLen = line.eol - argAt;
  const arg = asciiString(b, argAt, line.eol);
  if (argLen !== 0) tree.add(request ? F['request.arg'] : F['response.arg'], tvb, argAt, argLen, arg);
  const verb = asciiString(b, start, start + tokenLen);
  if (request && verb === 'PORT') portRequest(call, arg, argAt);
  else if (request && verb === 'EPRT') eprtRequest(call, arg, argAt, line.next);
  else if (code === 227 && argLen !== 0) pasvResponse(call, arg, argAt);
  else if (code === 229 && argLen !== 0) epsvResponse(call, arg, argAt, line.next);
  tree.pop();
  // The rest of the segment, a line at a time (the lines of a multi-line reply).
  let o = line.next;
  while (o < tvb.end) {
    const l = findLineEnd(b, o, tvb.end, false) as { eol: number; next: number };
    tree.add(F._line, tvb, o, l.next - o);
    if (tree.full) tree.labelLast(formatAsciiText(b, o, l.next));
    o = l.next;
  }
  tree.pop();
  const cwd = st.cwdAt.get(frame);
  if (cwd !== undefined) tree.add(F['current-working-directory'], tvb, start, 0, cwd);
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

/** get_token_len: up to a blank or the line end; the next token starts after the blanks. */
function token(b: Uint8Array, from: number, to: number): { length: number; next: number } {
  let i = from;
  while (i < to && b[i] !== 0x20 && b[i] !== 0x0d && b[i] !== 0x0a) i++;
  const length = i - from;
  while (i < to && b[i] === 0x20) i++;
  return { length, next: i };
}

/** What a request changes on the first pass: the last command, and the command a data connection answers. */
function requestState(call: Call, line: string): void {
  const { ctl, pinfo } = call;
  ctl.lastCommand = line;
  if (line === 'AUTH TLS') ctl.tlsRequested = true;
  const data = ctl.current;
  if (data && data.command === null) {
    data.command = line;
    data.commandFrame = pinfo.meta.number;
  }
}

/** What a reply changes on the first pass: the working directory, and TLS after AUTH TLS. */
function responseState(call: Call, code: number, start: number, eol: number): void {
  const { ctl, st, pinfo, tvb, tree } = call;
  const frame = pinfo.meta.number;
  if (code === 234 && ctl.tlsRequested) {
    ctl.tlsAfter = frame;
    ctl.tlsRequested = false;
  }
  if (code === 250 && ctl.lastCommand !== null) {
    if (ctl.lastCommand.startsWith('CWD ')) changeDirectory(ctl, ctl.lastCommand.slice(4));
    else if (ctl.lastCommand.startsWith('CDUP')) changeDirectory(ctl, '..');
    else return;
    st.cwdAt.set(frame, ctl.cwd);
  }
  if (code === 257 && eol - start >= 4) {
    const dir = quotedDirectory(asciiString(tvb.bytes, start + 4, eol));
    if (dir === null) {
      expert(pinfo, tree, tvb, start, 3, 'Error', 'Malformed', 'Invalid PWD response');
      return;
    }
    ctl.cwd = dir;
    st.cwdAt.set(frame, ctl.cwd);
  }
}

/** process_cwd_success: an absolute path replaces the directory, a relative one is walked into it. */
function changeDirectory(ctl: Control, path: string): void {
  if (path.startsWith('/')) {
    ctl.cwd = path;
    return;
  }
  if (ctl.cwd === '') {
    ctl.cwd = path;
    return;
  }
  const joined = ctl.cwd.endsWith('/') ? ctl.cwd + path : `${ctl.cwd}/${path}`;
  let out = ctl.cwd.startsWith('/') ? '/' : '';
  for (const part of joined.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      while (out.length > 0 && !out.endsWith('/')) out = out.slice(0, -1);
      if (out.length > 1 && out.endsWith('/')) out = out.slice(0, -1);
      continue;
    }
    if (out.length > 0 && !out.endsWith('/')) out += '/';
    out += part;
  }
  ctl.cwd = out;
}

/** process_pwd_success: the directory between the first pair of quotes (`""` is a quote); null if invalid. */
function quotedDirectory(s: string): string | null {
  if (s.length < 2 || s[0] !== '"') return null;
  let out = '';
  let started = false;
  let i = 0;
  for (; i < s.length && s[i] !== '\r' && s[i] !== '\n'; i++) {
    if (s[i] === '"') {
      if (s[i + 1] === '"') {
        out += '"';
        i++;
      } else {
        if (started) break;
        started = true;
      }
    } else {
      out += s[i];
    }
  }
  return i < s.length && s[i] === '"' ? out : null;
}

/** parse_port_pasv: the first `h1,h2,h3,h4,p1,p2` in the text, with where it starts. */
function hostPort(
  s: string,
): { ip: number; port: number; at: number; ipLen: number; portLen: number } | null {
  const re = /\d/g;
  for (let m = re.exec(s); m;) {
    const at = m.index;
    const six = /^(-?\d+),(-?\d+),(-?\d+),(-?\d+),(-?\d+),(-?\d+)/.exec(s.slice(at));
    if (six) {
      const n = six.slice(1, 7).map(Number);
      const digits = (v: number): number => (v < 10 ? 1 : v < 100 ? 2 : 3);
      const [a = 0, b = 0, c = 0, d = 0, p1 = 0, p2 = 0] = n;
      return {
        ip: (((a << 24) | (b << 16) | (c << 8) | d) >>> 0) & 0xffffffff,
        port: ((p1 & 0xff) << 8) | (p2 & 0xff),
        at,
        ipLen: digits(a) + 1 + digits(b) + 1 + digits(c) + 1 + digits(d),
        portLen: digits(p1) + 1 + digits(p2),
      };
    }
    let end = at;
    while (end < s.length && isDigit(s.charCodeAt(end))) end++;
    re.lastIndex = end;
    m = re.exec(s);
  }
  return null;
}

function portRequest(call: Call, arg: string, argAt: number): void {
  const { tvb, tree, pinfo } = call;
  const hp = hostPort(arg);
  if (!hp) return;
  tree.add(F['active.cip'], tvb, argAt + hp.at, hp.ipLen, hp.ip);
  tree.add(F['active.port'], tvb, argAt + hp.at + 1 + hp.ipLen, hp.portLen, hp.port);
  const nat = ipv4Key(hp.ip) !== sourceKey(pinfo);
  if (nat) tree.add(F['active.nat'], tvb, tvb.start, 0, true);
  announce(call, destKey(pinfo), FTP_DATA_PORT, ipv4Key(hp.ip), 'PORT');
}

function pasvResponse(call: Call, arg: string, argAt: number): void {
  const { tvb, tree, pinfo } = call;
  const hp = hostPort(arg);
  if (!hp) return;
  tree.add(F['passive.ip'], tvb, argAt + hp.at, hp.ipLen, hp.ip);
  tree.add(F['passive.port'], tvb, argAt + hp.at + 1 + hp.ipLen, hp.portLen, hp.port);
  if (ipv4Key(hp.ip) !== sourceKey(pinfo)) tree.add(F['passive.nat'], tvb, tvb.start, 0, true);
  announce(call, ipv4Key(hp.ip), hp.port, destKey(pinfo), 'PASV');
}

const RFC2428_FORBIDDEN = '0123456789abcdef.:';
const validDelimiter = (c: string | undefined): boolean =>
  c !== undefined && c > ' ' && c <= '~' && !RFC2428_FORBIDDEN.includes(c.toLowerCase());

function eprtRequest(call: Call, arg: string, argAt: number, lineNext: number): void {
  const { tvb, tree, pinfo } = call;
  const parsed = parseEprt(arg);
  if (!parsed) {
    const offset = lineNext - tvb.start - arg.length - 1;
    expert(pinfo, tree, tvb, tvb.start + offset, arg.length, 'Warning', 'Malformed', EPRT_INVALID);
    return;
  }
  let at = argAt + 1;
  tree.add(F['eprt.af'], tvb, at, 1, parsed.af);
  at += 2;
  if (parsed.af === 1) tree.add(F['eprt.ip'], tvb, at, parsed.addr.length, parsed.ipv4);
  else {
    tree.add(F['eprt.ipv6'], tvb, at, parsed.addr.length, parsed.addr);
    if (tree.full) tree.labelLast(`Extended active IPv6 address: ${parsed.addr}`);
  }
  at += parsed.addr.length + 1;
  tree.add(F['eprt.port'], tvb, at, parsed.portText.length, parsed.port);
  const other = parsed.af === 1 ? ipv4Key(parsed.ipv4) : parsed.addr;
  announce(call, sourceKey(pinfo), parsed.port, other, 'EPRT');
}

const EPRT_INVALID = 'EPRT arguments must have the form: |<family>|<addr>|<port>|';

/** parse_eprt_request: `|1|a.b.c.d|port|` (any valid delimiter). */
function parseEprt(
  s: string,
): { af: number; addr: string; ipv4: number; port: number; portText: string } | null {
  if (s.length < 4 || !validDelimiter(s[0])) return null;
  const parts = s.split(s[0] as string);
  if (parts.length !== 5) return null;
  const [, af, addr, portText] = parts as [string, string, string, string, string];
  if (!af || !addr || !portText || !/^\d+$/.test(af) || !/^\d+$/.test(portText)) return null;
  const port = Number(portText);
  if (port > 0xffff) return null;
  if (af === '1') {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(addr);
    if (!m || m.slice(1).some((x) => Number(x) > 255)) return null;
    const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
    return { af: 1, addr, ipv4: ((a << 24) | (b << 16) | (c << 8) | d) >>> 0, port, portText };
  }
  if (af === '2') return addr.includes(':') ? { af: 2, addr, ipv4: 0, port, portText } : null;
  return null;
}

function epsvResponse(call: Call, arg: string, argAt: number, lineNext: number): void {
  const { tvb, tree, pinfo } = call;
  const parsed = parseEpsv(arg);
  if (!parsed) {
    const offset = lineNext - tvb.start - arg.length - 1;
    const message = 'EPSV arguments must have the form (|||<port>|)';
    expert(pinfo, tree, tvb, tvb.start + offset, arg.length, 'Warning', 'Malformed', message);
    return;
  }
  if (pinfo.netKind === AddrKind.IPv4) tree.add(F['epsv.ip'], tvb, tvb.start, 0, sourceIPv4(pinfo));
  else if (pinfo.netKind === AddrKind.IPv6) {
    tree.add(F['epsv.ipv6'], tvb, tvb.start, 0, sourceKey(pinfo));
  }
  tree.add(F['epsv.port'], tvb, argAt + parsed.at + 4, parsed.portLen, parsed.port);
  announce(call, sourceKey(pinfo), parsed.port, destKey(pinfo), 'EPASV');
}

/** parse_extended_pasv_response: `(|||port|)` after the first `(`. */
function parseEpsv(s: string): { port: number; at: number; portLen: number } | null {
  const open = s.indexOf('(');
  if (open < 0) return null;
  let p = open + 1;
  let delimiter = '';
  for (let n = 0; n < 3 && p < s.length; n++) {
    const c = s[p] as string;
    if (delimiter === '' && validDelimiter(c)) delimiter = c;
    if (c !== delimiter) break;
    p++;
  }
  if (p >= s.length) return null;
  const m = /^(\d+)/.exec(s.slice(p));
  const after = m ? s[p + (m[1] as string).length] : s[p];
  if (!m || (Number(m[1]) > 0xffff && after !== '|')) return null;
  const close = s.indexOf(')', p);
  if (close < 0) return null;
  return { port: Number(m[1]) & 0xffff, at: p - 4, portLen: close - 1 - p };
}

function sourceKey(pinfo: PacketInfo): string {
  return addressKey(pinfo.bytes, pinfo.netSrc, pinfo.netKind);
}

function destKey(pinfo: PacketInfo): string {
  return addressKey(pinfo.bytes, pinfo.netDst, pinfo.netKind);
}

function sourceIPv4(pinfo: PacketInfo): number {
  const b = pinfo.bytes;
  const o = pinfo.netSrc;
  return (((b[o] ?? 0) << 24) | ((b[o + 1] ?? 0) << 16) | ((b[o + 2] ?? 0) << 8) | (b[o + 3] ?? 0)) >>> 0;
}

/** create_and_link_data_conversation (first pass only). */
function announce(call: Call, addrA: string, portA: number, addrB: string, method: string): void {
  const { first, st, ctl, pinfo } = call;
  if (!first) return;
  const conv: DataConv = {
    addrA,
    portA,
    addrB,
    setupFrame: pinfo.meta.number,
    method,
    cwd: ctl.cwd,
    command: null,
    commandFrame: 0,
  };
  st.expected.push(conv);
  ctl.current = conv;
}

/** The data connection this segment belongs to, if a control connection announced it. */
function dataConvOf(st: FtpState, pinfo: PacketInfo): DataConv | undefined {
  const stream = tcpLayer.stream;
  const known = stream >= 0 ? st.dataStreams.get(stream) : undefined;
  if (known) return known;
  if (st.expected.length === 0 || ipLayer.kind === AddrKind.None) return undefined;
  const src = sourceKey(pinfo);
  const dst = destKey(pinfo);
  const frame = pinfo.meta.number;
  const ends = (a: string, pa: number, b: string, c: DataConv): boolean =>
    a === c.addrA && pa === c.portA && b === c.addrB;
  for (let i = st.expected.length - 1; i >= 0; i--) {
    const c = st.expected[i] as DataConv;
    if (c.setupFrame > frame) continue;
    if (ends(src, pinfo.srcPort, dst, c) || ends(dst, pinfo.dstPort, src, c)) {
      if (stream >= 0) st.dataStreams.set(stream, c);
      return c;
    }
  }
  return undefined;
}

/** Data connections are found by their ends, before any port's dissector (a conversation dissector). */
function heuristicFtpData(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  const st = pinfo.state.of<FtpState>('ftp', newState);
  const conv = dataConvOf(st, pinfo);
  if (!conv) return false;
  if (tcpLayer.stream >= 0) setConversationDissector(pinfo, tcpLayer.stream, dissectFtpData);
  dissectFtpData(tvb, pinfo, tree);
  return true;
}

export function dissectFtpData(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const st = pinfo.state.of<FtpState>('ftp', newState);
  const start = tvb.start;
  const n = tvb.remaining(start);
  const reported = tvb.reportedRemaining(start);
  pinfo.layers.push('ftp-data');
  pinfo.setProto('FTP-DATA');
  const conv = dataConvOf(st, pinfo);
  const frame = pinfo.meta.number;
  // What the control connection had told when this frame was first seen.
  let seen = st.dataAt.get(frame);
  if (!seen && conv && firstPass(pinfo.state, pinfo)) {
    seen = { command: conv.command, commandFrame: conv.commandFrame };
    st.dataAt.set(frame, seen);
  }
  let info = `FTP Data: ${reported} bytes`;
  tree.push(D[''], tvb, start, n);
  if (tree.full) tree.label(`FTP Data (${n} bytes data)`);
  tree.pop();
  if (conv) {
    tree.add(D['setup-frame'], tvb, start, 0, conv.setupFrame);
    tree.add(D['setup-method'], tvb, start, 0, conv.method);
    info += ` (${conv.method})`;
    if (seen?.command) {
      tree.add(D.command, tvb, start, 0, seen.command);
      tree.add(D['command-frame'], tvb, start, 0, seen.commandFrame);
      info += ` (${seen.command})`;
    }
    tree.add(D['current-working-directory'], tvb, start, 0, conv.cwd);
  }
  if (pinfo.wantInfo) pinfo.setInfo(info);
  if (looksLikeText(tvb.bytes, start, Math.min(start + 20, tvb.end))) dataTextLines(tvb, pinfo, tree);
  return n;
}

function looksLikeText(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = b[i] as number;
    if (c !== 0x0d && c !== 0x0a && (c < 0x20 || c > 0x7e)) return false;
  }
  return true;
}

export const ftpModule = {
  fields: { ...F, ...prefixed(D), textLine: TEXT_LINE._line },
  handoff(reg: Registry): void {
    reg.register('tcpPort', FTP_PORT, dissectFTP);
    reg.register('tcpPort', FTP_DATA_PORT, dissectFtpData);
    reg.heuristics.tcp.unshift(heuristicFtpData);
  },
};

/** D's fields under keys that do not collide with F's (both have a protocol under ''). */
function prefixed(defs: Record<string, FieldDef>): Record<string, FieldDef> {
  const out: Record<string, FieldDef> = {};
  for (const [k, v] of Object.entries(defs)) out[`data:${k}`] = v;
  return out;
}
