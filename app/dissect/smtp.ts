// Simple Mail Transfer Protocol (RFC 5321) on TCP 25 and 587: commands and replies line by line,
// multi-line replies, AUTH exchanges (not base64-decoded, as tshark's default), the DATA phase
// with the message's fragments counted up to the final ".", and STARTTLS handing the connection
// to TLS, as tshark 4.0 shows them. The message itself (Internet Message Format) is not dissected.
import { fields, names, proto, str, text, uint, FieldType, type FieldSpec } from './field.ts';
import { expert, firstPass } from './ip-proto.ts';
import { dataTextLines, findLineEnd, matchedPort, payloadFault } from './line-text.ts';
import { fragmentList } from './reassembly.ts';
import { asciiString, formatAsciiText } from './text-format.ts';
import { DESEGMENT_ONE_MORE_SEGMENT, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { dissectTLS } from './tls.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const PORTS = [25, 587];

const RESPONSES = names({
  211: 'System status, or system help reply',
  214: 'Help message',
  220: '<domain> Service ready',
  221: '<domain> Service closing transmission channel',
  235: 'Authentication successful',
  250: 'Requested mail action okay, completed',
  251: 'User not local; will forward to <forward-path>',
  252: 'Cannot VRFY user, but will accept message and attempt delivery',
  334: 'AUTH input',
  354: 'Start mail input; end with <CRLF>.<CRLF>',
  421: '<domain> Service not available, closing transmission channel',
  432: 'A password transition is needed',
  450: 'Requested mail action not taken: mailbox unavailable',
  451: 'Requested action aborted: local error in processing',
  452: 'Requested action not taken: insufficient system storage',
  454: 'Temporary authentication failed',
  500: 'Syntax error, command unrecognized',
  501: 'Syntax error in parameters or arguments',
  502: 'Command not implemented',
  503: 'Bad sequence of commands',
  504: 'Command parameter not implemented',
  530: 'Authentication required',
  534: 'Authentication mechanism is too weak',
  535: 'Authentication credentials invalid',
  538: 'Encryption required for requested authentication mechanism',
  550: 'Requested action not taken: mailbox unavailable',
  551: 'User not local; please try <forward-path>',
  552: 'Requested mail action aborted: exceeded storage allocation',
  553: 'Requested action not taken: mailbox name not allowed',
  554: 'Transaction failed',
});

const flag = (name: string): FieldSpec => ({ name, type: FieldType.Bool, hidden: true });
const frameNum = (name: string): FieldSpec => ({ name, type: FieldType.FrameNum, generated: true });

export const F = fields('smtp', {
  '': proto('Simple Mail Transfer Protocol'),
  req: flag('Request'),
  rsp: flag('Response'),
  message: str('Message'),
  command_line: str('Command Line'),
  'req.command': str('Command'),
  'req.parameter': str('Request parameter'),
  response: str('Response'),
  'response.code': uint('Response code', 32, { strings: RESPONSES }),
  'rsp.parameter': str('Response parameter'),
  'auth.username': str('Username'),
  'auth.password': str('Password'),
  'auth.username_password': str('Username/Password'),
  eom: text('EOM'),
  'data.fragments': text('DATA fragments'),
  'data.fragment': frameNum('DATA fragment'),
  'data.fragment.count': uint('DATA fragment count', 32, { generated: true }),
  'data.reassembled.length': uint('Reassembled DATA length', 32, { generated: true }),
});

const enum Phase {
  Start,
  Commands,
  Data,
  AwaitingStartTls,
}

const enum Auth {
  None,
  Start,
  UsernameReq,
  UsernameRsp,
  PasswordReq,
  PasswordRsp,
  PlainStartReq,
  PlainCredReq,
  PlainReq,
  PlainRsp,
  Success,
  Failed,
}

const enum Pdu {
  Command,
  Message,
  Eom,
}

/** One SMTP connection (Wireshark's smtp_session_state), as the first pass leaves it. */
interface Session {
  phase: Phase;
  auth: Auth;
  firstAuthFrame: number;
  lastAuthFrame: number;
  usernameFrame: number;
  passwordFrame: number;
  userPassFrame: number;
  usernameCmdFrame: number;
  userPassCmdFrame: number;
  crlfSeen: boolean;
  dataSeen: boolean;
  /** The message's pieces so far: frame and length. */
  fragments: { frame: number; length: number }[];
  /** Frame of the 220 reply to STARTTLS: later frames are TLS. */
  tlsAfter: number;
}

/** What the first pass decided about a client frame (Wireshark's smtp_proto_data). */
interface FrameData {
  pdu: Pdu;
  /** Length of the "." line and where it starts (end of message). */
  eomLineLen: number;
  eomAt: number;
  /** The whole message, once the "." completed it. */
  message: { frame: number; length: number }[] | null;
}

interface SmtpState {
  sessions: Map<number, Session>;
  frames: Map<string, FrameData>;
}

const newState = (): SmtpState => ({ sessions: new Map(), frames: new Map() });

function session(st: SmtpState, conv: number): Session {
  let s = st.sessions.get(conv);
  if (!s) {
    s = {
      phase: Phase.Start,
      auth: Auth.None,
      firstAuthFrame: 0,
      lastAuthFrame: 0,
      usernameFrame: 0,
      passwordFrame: 0,
      userPassFrame: 0,
      usernameCmdFrame: 0,
      userPassCmdFrame: 0,
      crlfSeen: false,
      dataSeen: false,
      fragments: [],
      tlsAfter: 0,
    };
    st.sessions.set(conv, s);
  }
  return s;
}

interface Call {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  s: Session;
  first: boolean;
  info: string;
}

export function dissectSMTP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const st = pinfo.state.of<SmtpState>('smtp', newState);
  const s = session(st, pinfo.conversation);
  if (s.tlsAfter !== 0 && pinfo.meta.number > s.tlsAfter) return dissectTLS(tvb, pinfo, tree);
  const request = matchedPort(pinfo, PORTS) === pinfo.dstPort;
  const call: Call = { tvb, pinfo, tree, s, first: firstPass(pinfo.state, pinfo), info: '' };
  const key = `${pinfo.meta.number}/${tvb.source}/${tvb.start}`;
  let fd = st.frames.get(key);
  if (!fd || !request) {
    const scanned = scan(call, request);
    if (scanned === null) return tvb.remaining(tvb.start);
    if (request && call.first && !fd) {
      fd = scanned;
      st.frames.set(key, fd);
    }
  }
  pinfo.layers.push('smtp');
  pinfo.setProto('SMTP');
  tree.push(F[''], tvb, tvb.start, tvb.remaining(tvb.start));
  try {
    if (request) clientPdu(call, fd ?? { pdu: Pdu.Command, eomLineLen: 0, eomAt: 0, message: null });
    else replies(call);
  } catch (err) {
    if (pinfo.wantInfo) pinfo.setInfo(call.info);
    payloadFault(err, tvb, pinfo, tree, 'SMTP');
    return tvb.remaining(tvb.start);
  }
  tree.pop();
  if (pinfo.wantInfo) pinfo.setInfo(call.info);
  return tvb.remaining(tvb.start);
}

/**
 * The first pass over the lines (what the client's frame is, and the session's phase); null when
 * the first line is not complete and TCP was asked for more.
 */
function scan(call: Call, request: boolean): FrameData | null {
  const { tvb, pinfo, s, first } = call;
  const b = tvb.bytes;
  const fd: FrameData = { pdu: Pdu.Command, eomLineLen: 0, eomAt: 0, message: null };
  let o = tvb.start;
  while (o < tvb.end) {
    let l = findLineEnd(b, o, tvb.end, pinfo.canDesegment);
    if (!l) {
      if (o === tvb.start) {
        pinfo.desegmentOffset = 0;
        pinfo.desegmentLen = DESEGMENT_ONE_MORE_SEGMENT;
        return null;
      }
      l = { eol: tvb.reportedEnd, next: tvb.reportedEnd };
    }
    let eom = false;
    if (s.phase === Phase.Data && first) {
      eom = (s.crlfSeen && startsWith(b, o, tvb.end, '.\r\n')) || startsWith(b, o, tvb.end, '\r\n.\r\n');
      s.crlfSeen = tvb.end === tvb.reportedEnd && endsWithCrlf(b, tvb.start, tvb.end);
    }
    if (request && first) {
      if (s.phase === Phase.Data) {
        if (eom) {
          fd.pdu = Pdu.Eom;
          fd.eomLineLen = l.eol - o;
          fd.eomAt = o;
          s.phase = Phase.Commands;
          s.fragments.push({ frame: pinfo.meta.number, length: o - tvb.start });
          fd.message = s.fragments.filter((f) => f.length > 0 || f.frame !== pinfo.meta.number);
          s.fragments = [];
          break;
        }
        fd.pdu = Pdu.Message;
      } else {
        commandState(call, fd, asciiString(b, o, l.eol));
      }
    }
    o = l.next;
  }
  if (request && first && fd.pdu === Pdu.Message)
    s.fragments.push({ frame: pinfo.meta.number, length: tvb.reportedRemaining(tvb.start) });
  return fd;
}

const startsWith = (b: Uint8Array, o: number, end: number, s: string): boolean =>
  o + s.length <= end && asciiString(b, o, o + s.length) === s;

const endsWithCrlf = (b: Uint8Array, start: number, end: number): boolean =>
  end - start >= 2 && b[end - 2] === 0x0d && b[end - 1] === 0x0a;

/** line_is_smtp_command: four letters, or one of the longer extension commands. */
function isCommand(word: string): boolean {
  if (/^[A-Za-z]{4}$/.test(word)) return true;
  return ['STARTTLS', 'X-EXPS', 'X-LINK2STATE', 'XEXCH50'].includes(word.toUpperCase());
}

/** The session state a client line outside the DATA phase changes (first pass). */
function commandState(call: Call, fd: FrameData, line: string): void {
  const { s, pinfo } = call;
  const frame = pinfo.meta.number;
  const space = line.indexOf(' ');
  const word = space < 0 ? line : line.slice(0, space);
  const upper = line.toUpperCase();
  if (!isCommand(word)) {
    if (s.auth === Auth.UsernameReq) {
      s.auth = Auth.UsernameRsp;
      s.usernameFrame = frame;
    } else if (s.auth === Auth.PasswordReq) {
      s.auth = Auth.PasswordRsp;
      s.passwordFrame = frame;
    } else if (s.auth === Auth.PlainReq) {
      s.auth = Auth.PlainRsp;
      s.userPassFrame = frame;
    } else {
      fd.pdu = s.dataSeen || s.phase === Phase.Start ? Pdu.Message : Pdu.Command;
    }
    return;
  }
  fd.pdu = Pdu.Command;
  if (upper.startsWith('DATA')) {
    s.phase = Phase.Data;
    s.dataSeen = true;
  } else if (upper.startsWith('AUTH LOGIN') || upper.startsWith('AUTH PLAIN')) {
    s.phase = Phase.Commands;
    s.firstAuthFrame = frame;
    const withArg = line.length > 11;
    if (upper.startsWith('AUTH LOGIN')) {
      s.auth = withArg ? Auth.UsernameRsp : Auth.Start;
      if (withArg) s.usernameCmdFrame = frame;
    } else {
      s.auth = withArg ? Auth.PlainCredReq : Auth.PlainStartReq;
      if (withArg) s.userPassCmdFrame = frame;
    }
  } else if (upper.startsWith('STARTTLS')) {
    s.phase = Phase.AwaitingStartTls;
  }
}

function clientPdu(call: Call, fd: FrameData): void {
  const { tvb, pinfo, tree } = call;
  const start = tvb.start;
  if (fd.pdu === Pdu.Message) {
    const n = tvb.reportedRemaining(start);
    call.info = `C: DATA fragment, ${n} byte${n === 1 ? '' : 's'}`;
    dataTextLines(tvb, pinfo, tree);
    return;
  }
  if (fd.pdu === Pdu.Eom) {
    call.info = 'C: .';
    tree.add(F.eom, tvb, fd.eomAt, fd.eomLineLen);
    if (tree.full) tree.labelLast('C: .');
    if (fd.message) fragmentList(tvb, tree, FRAGMENTS, fd.message);
    return;
  }
  const b = tvb.bytes;
  let o = start;
  while (o < tvb.end) {
    const l = findLineEnd(b, o, tvb.end, false) as { eol: number; next: number };
    call.info += o === start ? 'C: ' : ' | ';
    tree.add(F.req, tvb, start, 0, true);
    commandLine(call, o, l.eol, l.next);
    o = l.next;
  }
}

/** One client line in the command phase: the credentials of an AUTH exchange, or a command. */
function commandLine(call: Call, o: number, eol: number, next: number): void {
  const { tvb, pinfo, tree, s } = call;
  const b = tvb.bytes;
  const frame = pinfo.meta.number;
  const len = eol - o;
  const raw = formatAsciiText(b, o, eol);
  if (s.usernameFrame === frame || s.passwordFrame === frame) {
    const user = s.usernameFrame === frame;
    tree.add(user ? F['auth.username'] : F['auth.password'], tvb, o, len, raw);
    call.info += `${user ? 'User' : 'Pass'}: ${raw}`;
    return;
  }
  if (s.userPassFrame === frame) {
    plainAuth(call, o, len);
    return;
  }
  tree.push(F.command_line, tvb, o, next - o, formatAsciiText(b, o, next));
  tree.add(F['req.command'], tvb, o, Math.min(4, len), asciiString(b, o, o + Math.min(4, len)));
  if (len > 5) tree.add(F['req.parameter'], tvb, o + 5, len - 5, formatAsciiText(b, o + 5, eol));
  if (len > 5 && s.usernameCmdFrame === frame) {
    if (len >= 11) {
      tree.add(F['auth.username'], tvb, o + 11, len - 11, formatAsciiText(b, o + 11, eol));
      call.info += `${formatAsciiText(b, o, o + 11)}User: ${formatAsciiText(b, o + 11, eol)}`;
    }
  } else if (len > 5 && s.userPassCmdFrame === frame) {
    call.info += formatAsciiText(b, o, o + 11);
    plainAuth(call, o + 11, len - 11);
  } else {
    call.info += raw;
  }
  tree.pop();
}

/** decode_plain_auth with base64 decoding off (tshark's default): the credentials as sent. */
function plainAuth(call: Call, o: number, len: number): void {
  const { tvb, pinfo, tree } = call;
  const text = formatAsciiText(tvb.bytes, o, o + len);
  tree.push(F['auth.username_password'], tvb, o, len, text);
  const message = 'base64 decode failed or is not enabled (check SMTP preferences)';
  expert(pinfo, tree, tvb, o, len, 'Warning', 'Protocol', message);
  tree.pop();
  call.info += text;
}

const FRAGMENTS = {
  list: F['data.fragments'],
  item: F['data.fragment'],
  count: F['data.fragment.count'],
  length: F['data.reassembled.length'],
};

/** Server lines: each reply, multi-line replies under their first line. */
function replies(call: Call): void {
  const { tvb, tree } = call;
  const b = tvb.bytes;
  const start = tvb.start;
  tree.add(F.rsp, tvb, start, 0, true);
  let multiline: 'none' | 'start' | 'continue' | 'end' = 'none';
  let multilineCode = 0;
  let codeNode = false;
  let open = false;
  let o = start;
  while (o < tvb.end) {
    const l = findLineEnd(b, o, tvb.end, false) as { eol: number; next: number };
    const len = l.eol - o;
    call.info += o === start ? 'S: ' : ' | ';
    const digits = len >= 3 && isDigit(b[o]) && isDigit(b[o + 1]) && isDigit(b[o + 2]);
    if (digits) {
      const code =
        ((b[o] as number) - 48) * 100 + ((b[o + 1] as number) - 48) * 10 + ((b[o + 2] as number) - 48);
      if (len > 3 && b[o + 3] === 0x2d) {
        if (multiline === 'none') {
          multiline = 'start';
          multilineCode = code;
        } else multiline = 'continue';
      } else if (multiline === 'start' || multiline === 'continue') multiline = 'end';
      if (call.first) replyState(call, code);
      const continued = multiline === 'continue' || multiline === 'end';
      if (!continued) {
        if (open) tree.pop();
        tree.push(F.response, tvb, o, l.next - o, formatAsciiText(b, o, l.next));
        open = true;
        tree.add(F['response.code'], tvb, o, 3, code);
        codeNode = true;
      } else if (multilineCode !== code && codeNode) {
        const message = `Unexpected response code ${code} in multiline response. Expected ${multilineCode}`;
        expert(call.pinfo, tree, tvb, o, 3, 'Warning', 'Protocol', message);
      }
      if (len >= 4) {
        tree.add(F['rsp.parameter'], tvb, o + 4, len - 4, formatAsciiText(b, o + 4, l.eol));
        call.info += continued ? formatAsciiText(b, o + 4, l.eol) : formatAsciiText(b, o, l.eol);
      } else {
        call.info += formatAsciiText(b, o, l.eol);
      }
    }
    if (multiline === 'end') multiline = 'none';
    o = l.next;
  }
  if (open) tree.pop();
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

/** What a reply changes on the first pass: STARTTLS accepted, and the AUTH exchange's progress. */
function replyState(call: Call, code: number): void {
  const { s, pinfo } = call;
  if (s.phase === Phase.AwaitingStartTls) {
    if (code === 220) s.tlsAfter = pinfo.meta.number;
    s.phase = Phase.Commands;
  }
  if (code === 334) {
    if (s.auth === Auth.Start) s.auth = Auth.UsernameReq;
    else if (s.auth === Auth.UsernameRsp) s.auth = Auth.PasswordReq;
    else if (s.auth === Auth.PlainReq) s.auth = Auth.PlainRsp;
    else if (s.auth === Auth.PlainStartReq) s.auth = Auth.PlainReq;
  } else if (s.auth === Auth.PasswordRsp || s.auth === Auth.PlainRsp || s.auth === Auth.PlainCredReq) {
    s.auth = code === 235 ? Auth.Success : Auth.Failed;
    s.lastAuthFrame = pinfo.meta.number;
  }
}

export const smtpModule = {
  fields: F,
  handoff(reg: Registry): void {
    for (const port of PORTS) reg.register('tcpPort', port, dissectSMTP);
  },
};
