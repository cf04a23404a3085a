// Post Office Protocol version 3 (RFC 1939) on TCP 110: commands, +OK/-ERR replies with their
// extra lines, message data counted up to the size the +OK to RETR/TOP announced, and STLS
// handing the connection to TLS, as tshark 4.0 shows them. The message itself (Internet Message
// Format) is not dissected.
import { fields, proto, str, text, uint, FieldType, type FieldSpec } from './field.ts';
import { firstPass } from './ip-proto.ts';
import { findLineEnd, matchedPort, payloadFault, type LineEnd } from './line-text.ts';
import { fragmentList } from './reassembly.ts';
import { asciiString, formatAsciiText } from './text-format.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { dissectTLS } from './tls.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const PORT = 110;

const frameNum = (name: string): FieldSpec => ({ name, type: FieldType.FrameNum, generated: true });

export const F = fields('pop', {
  '': proto('Post Office Protocol'),
  response: str('Response'),
  'response.indicator': str('Response indicator'),
  'response.description': str('Response description'),
  'response.data': str('Data'),
  request: str('Request'),
  'request.command': str('Request command'),
  'request.parameter': str('Request parameter'),
  'request.data': str('Data'),
  'data.fragments': text('DATA fragments'),
  'data.fragment': frameNum('DATA fragment'),
  'data.fragment.count': uint('DATA fragment count', 32, { generated: true }),
  'data.reassembled.length': uint('Reassembled DATA length', 32, { generated: true }),
});

/** One POP connection (Wireshark's pop_data_val), as the first pass leaves it. */
interface Session {
  msgRequest: boolean;
  stlsRequest: boolean;
  msgReadLen: number;
  msgTotLen: number;
  fragments: { frame: number; length: number }[];
  /** Frame of the +OK to STLS: later frames are TLS. */
  tlsAfter: number;
}

interface PopState {
  sessions: Map<number, Session>;
  /** The message pieces a data frame completed, by frame (none while more are expected). */
  completed: Map<number, { frame: number; length: number }[] | null>;
}

const newState = (): PopState => ({ sessions: new Map(), completed: new Map() });

function session(st: PopState, conv: number): Session {
  let s = st.sessions.get(conv);
  if (!s) {
    s = { msgRequest: false, stlsRequest: false, msgReadLen: 0, msgTotLen: 0, fragments: [], tlsAfter: 0 };
    st.sessions.set(conv, s);
  }
  return s;
}

export function dissectPOP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const st = pinfo.state.of<PopState>('pop', newState);
  const s = session(st, pinfo.conversation);
  if (s.tlsAfter !== 0 && pinfo.meta.number > s.tlsAfter) return dissectTLS(tvb, pinfo, tree);
  pinfo.layers.push('pop');
  pinfo.setProto('POP');
  tree.push(F[''], tvb, tvb.start, tvb.remaining(tvb.start));
  try {
    popLines(tvb, pinfo, tree, st, s);
  } catch (err) {
    payloadFault(err, tvb, pinfo, tree, 'POP');
    return tvb.remaining(tvb.start);
  }
  tree.pop();
  return tvb.remaining(tvb.start);
}

function popLines(tvb: Tvb, pinfo: PacketInfo, tree: Tree, st: PopState, s: Session): void {
  const b = tvb.bytes;
  const start = tvb.start;
  const first = firstPass(pinfo.state, pinfo);
  const line = findLineEnd(b, start, tvb.end, false) as LineEnd;
  const text = asciiString(b, start, line.eol);
  const request = matchedPort(pinfo, [PORT]) === pinfo.dstPort;
  if (!request && !text.startsWith('+OK') && !text.startsWith('-ERR')) {
    messageData(tvb, pinfo, tree, st, s, first);
    return;
  }
  if (pinfo.wantInfo) pinfo.setInfo(`${request ? 'C' : 'S'}: ${formatAsciiText(b, start, line.eol)}`);
  tree.push(request ? F.request : F.response, tvb, start, line.next - start, '');
  if (tree.full) tree.label(formatAsciiText(b, start, line.next));
  let argAt = start;
  let t = start;
  while (t < line.eol && b[t] !== 0x20 && b[t] !== 0x0d && b[t] !== 0x0a) t++;
  if (t > start) {
    tree.add(
      request ? F['request.command'] : F['response.indicator'],
      tvb,
      start,
      t - start,
      asciiString(b, start, t),
    );
    if (first) sessionState(s, text, request, pinfo.meta.number);
    argAt = t;
    while (argAt < line.eol && b[argAt] === 0x20) argAt++;
  }
  if (line.eol > argAt) {
    const def = request ? F['request.parameter'] : F['response.description'];
    tree.add(def, tvb, argAt, line.eol - argAt, formatAsciiText(b, argAt, line.eol));
  }
  tree.pop();
  for (let o = line.next; o < tvb.end;) {
    const l = findLineEnd(b, o, tvb.end, false) as LineEnd;
    tree.add(request ? F['request.data'] : F['response.data'], tvb, o, l.next - o, '');
    if (tree.full) tree.labelLast(formatAsciiText(b, o, l.next));
    o = l.next;
  }
}

/** What a command or reply changes: RETR/TOP announce a message, STLS asks for TLS. */
function sessionState(s: Session, line: string, request: boolean, frame: number): void {
  const upper = line.toUpperCase();
  if (request) {
    if (upper.startsWith('RETR') || upper.startsWith('TOP')) s.msgRequest = true;
    if (upper.startsWith('STLS')) s.stlsRequest = true;
    return;
  }
  if (s.msgRequest) {
    if (line.startsWith('+OK ') && line.length > 4) {
      s.msgReadLen = 0;
      const m = /^\S+\s+(\d+)/.exec(line);
      s.msgTotLen = m ? Number(m[1]) >>> 0 : 0;
    }
    s.msgRequest = false;
  }
  if (s.stlsRequest) {
    if (line.startsWith('+OK ')) s.tlsAfter = frame;
    s.stlsRequest = false;
  }
}

/** Lines of a message (or of a listing): pieces counted until the announced size is read. */
function messageData(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  st: PopState,
  s: Session,
  first: boolean,
): void {
  const n = tvb.reportedRemaining(tvb.start);
  if (pinfo.wantInfo) pinfo.setInfo(`S: DATA fragment, ${n} byte${n === 1 ? '' : 's'}`);
  const frame = pinfo.meta.number;
  if (first && !st.completed.has(frame)) {
    s.msgReadLen += n;
    s.fragments.push({ frame, length: n });
    const done = s.msgReadLen >= s.msgTotLen;
    st.completed.set(frame, done ? s.fragments : null);
    if (done) {
      s.fragments = [];
      s.msgReadLen = 0;
      s.msgTotLen = 0;
    }
  }
  const pieces = st.completed.get(frame);
  // A message that came in one piece was never reassembled: no list of fragments.
  if (!pieces || pieces.length < 2) return;
  fragmentList(tvb, tree, FRAGMENTS, pieces);
}

const FRAGMENTS = {
  list: F['data.fragments'],
  item: F['data.fragment'],
  count: F['data.fragment.count'],
  length: F['data.reassembled.length'],
};

export const popModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('tcpPort', PORT, dissectPOP);
  },
};
