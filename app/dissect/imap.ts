// Internet Message Access Protocol (RFC 3501) on TCP 143: tagged requests and responses with their
// commands, folders and LOGIN credentials, untagged lines, FETCH responses with their literal
// (asking TCP for the rest of it), tagged responses paired with their requests, and STARTTLS (or
// a TLS handshake straight away) handing the connection to TLS, as tshark 4.0 shows them. The
// fetched message itself (Internet Message Format) is not dissected.
import { fields, proto, str, FieldType, type FieldSpec } from './field.ts';
import { firstPass } from './ip-proto.ts';
import { findLineEnd, matchedPort, payloadFault, type LineEnd } from './line-text.ts';
import { asciiString, formatAsciiText } from './text-format.ts';
import { DESEGMENT_ONE_MORE_SEGMENT, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { dissectTLS } from './tls.ts';
import type { Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';

const PORT = 143;

const hiddenBool = (name: string): FieldSpec => ({
  name,
  type: FieldType.Bool,
  hidden: true,
  tf: ['True', 'False'],
});

export const F = fields('imap', {
  '': proto('Internet Message Access Protocol'),
  isrequest: hiddenBool('Request'),
  line: str('Line'),
  request: str('Request'),
  request_tag: str('Request Tag'),
  response: str('Response'),
  response_tag: str('Response Tag'),
  'request.command': str('Request Command'),
  'response.command': str('Response Command'),
  'response.status': str('Response Status'),
  tag: str('Tag', { hidden: true }),
  command: str('Command', { hidden: true }),
  'request.folder': str('Request Folder'),
  'request.command.uid': { name: 'Request isUID', type: FieldType.Bool, tf: ['True', 'False'] },
  'request.username': str('Request Username'),
  'request.password': str('Request Password'),
  response_in: { name: 'Response In', type: FieldType.FrameNum, generated: true },
  response_to: { name: 'Request In', type: FieldType.FrameNum, generated: true },
  time: { name: 'Response Time', type: FieldType.RelTime, generated: true },
});

/** Commands whose first argument is a mailbox. */
const FOLDER_COMMANDS = [
  'select',
  'examine',
  'create',
  'delete',
  'rename',
  'subscribe',
  'unsubscribe',
  'status',
  'append',
  'search',
];

interface Session {
  sslRequested: boolean;
  /** Payloads left for the check that the connection is TLS from the start (imap.ssl_heuristic). */
  heuristicTries: number;
  /** Frames after this one are TLS (STARTTLS accepted). */
  tlsAfter: number;
  /** Frames from this one on are TLS (the heuristic found a handshake). */
  tlsFrom: number;
}

interface Request {
  frame: number;
  response: number;
  tsSec: number;
  tsNsec: number;
}

interface ImapState {
  sessions: Map<number, Session>;
  /** Requests by connection and tag (lower case), in frame order. */
  requests: Map<string, Request[]>;
}

const newState = (): ImapState => ({ sessions: new Map(), requests: new Map() });

function session(st: ImapState, conv: number): Session {
  let s = st.sessions.get(conv);
  if (!s) {
    s = { sslRequested: false, heuristicTries: 2, tlsAfter: 0, tlsFrom: 0 };
    st.sessions.set(conv, s);
  }
  return s;
}

interface Call {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  st: ImapState;
  s: Session;
  first: boolean;
  request: boolean;
}

export function dissectIMAP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const st = pinfo.state.of<ImapState>('imap', newState);
  const s = session(st, pinfo.conversation);
  const frame = pinfo.meta.number;
  const first = firstPass(pinfo.state, pinfo);
  if (first && s.heuristicTries > 0 && s.tlsFrom === 0) {
    s.heuristicTries--;
    if (!looksLikeText(tvb)) {
      s.tlsFrom = frame;
      s.heuristicTries = 0;
    }
  }
  if ((s.tlsFrom !== 0 && frame >= s.tlsFrom) || (s.tlsAfter !== 0 && frame > s.tlsAfter))
    return dissectTLS(tvb, pinfo, tree);
  pinfo.setProto('IMAP');
  const call: Call = {
    tvb,
    pinfo,
    tree,
    st,
    s,
    first,
    request: matchedPort(pinfo, [PORT]) === pinfo.dstPort,
  };
  const b = tvb.bytes;
  if (!findLineEnd(b, tvb.start, tvb.end, true)) return askMore(pinfo, tvb, tvb.start);
  pinfo.layers.push('imap');
  tree.push(F[''], tvb, tvb.start, tvb.remaining(tvb.start));
  try {
    lines(call);
  } catch (err) {
    payloadFault(err, tvb, pinfo, tree, 'IMAP');
    return tvb.remaining(tvb.start);
  }
  tree.pop();
  return tvb.remaining(tvb.start);
}

/** check_imap_heur: the first five bytes of IMAP are printable. */
function looksLikeText(tvb: Tvb): boolean {
  if (!tvb.has(tvb.start, 5)) return true;
  for (let i = tvb.start; i < tvb.start + 5; i++) {
    const c = tvb.bytes[i] as number;
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

function askMore(pinfo: PacketInfo, tvb: Tvb, o: number): number {
  pinfo.desegmentOffset = o - tvb.start;
  pinfo.desegmentLen = DESEGMENT_ONE_MORE_SEGMENT;
  return tvb.remaining(tvb.start);
}

function lines(call: Call): void {
  const { tvb, pinfo, tree, request } = call;
  const b = tvb.bytes;
  tree.add(F.isrequest, tvb, tvb.start, 0, request);
  let firstLine = true;
  let lastLen = 0;
  let o = tvb.start;
  while (o < tvb.end) {
    const l = findLineEnd(b, o, tvb.end, true);
    if (!l) {
      askMore(pinfo, tvb, o);
      return;
    }
    lastLen = l.eol - o;
    let next = l.next;
    if (b[o] === 0x2a) {
      const fetched = untagged(call, o, l);
      if (fetched === null) {
        askMore(pinfo, tvb, o);
        return;
      }
      next = fetched;
    } else {
      if (firstLine) {
        if (pinfo.wantInfo)
          pinfo.setInfo(`${request ? 'Request' : 'Response'}: ${formatAsciiText(b, o, l.eol)}`);
        firstLine = false;
      }
      tagged(call, o, l);
    }
    o = next;
  }
  if (firstLine && pinfo.wantInfo)
    pinfo.setInfo(
      `${request ? 'Request' : 'Response'}: ${formatAsciiText(b, tvb.start, tvb.start + lastLen)}`,
    );
}

/** tvb_get_token_len: up to a blank or the line end, and where the next token starts. */
function token(b: Uint8Array, from: number, to: number): { length: number; next: number } {
  let i = from;
  while (i < to && b[i] !== 0x20 && b[i] !== 0x0d && b[i] !== 0x0a) i++;
  const length = i - from;
  while (i < to && b[i] === 0x20) i++;
  return { length, next: i };
}

const isBlank = (c: number | undefined): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;

/**
 * An untagged (`*`) line: a FETCH response takes its literal along; returns where the next line
 * starts, or null when the FETCH response is not all there yet.
 */
function untagged(call: Call, o: number, l: LineEnd): number | null {
  const { tvb, tree } = call;
  const b = tvb.bytes;
  // Up to three words after the `*`, each ended by a blank.
  const words: { from: number; to: number }[] = [];
  let at = o;
  for (;;) {
    const from = at + 1;
    let blank = -1;
    for (let i = from; i < l.next; i++)
      if (isBlank(b[i])) {
        blank = i;
        break;
      }
    if (blank > from) words.push({ from, to: blank });
    if (blank < 0 || words.length >= 3) break;
    at = blank;
  }
  if (words.length >= 2) {
    const fetch = words.find((w) => 'FETCH'.startsWith(asciiString(b, w.from, w.to).toUpperCase()));
    if (fetch) return fetchResponse(call, o, fetch.to, l);
  }
  tree.add(F.line, tvb, o, l.next - o, formatAsciiText(b, o, l.next));
  return l.next;
}

/** dissect_imap_fetch: the line with `(… {size}` and the literal after it, up to the `)`. */
function fetchResponse(call: Call, o: number, fetchEnd: number, l: LineEnd): number | null {
  const { tvb, tree } = call;
  const b = tvb.bytes;
  const end = tvb.end;
  const paren = b.subarray(fetchEnd, end).indexOf(0x28);
  if (paren < 0) return null;
  const fp = fetchEnd + paren;
  if (tvb.reportedRemaining(fp + 1) <= 0) return null;
  const open = b.subarray(fp, end).indexOf(0x7b);
  if (open < 0) {
    const line = findLineEnd(b, fp, end, true);
    if (!line) return null;
    tree.add(F.line, tvb, o, line.next - o, formatAsciiText(b, o, line.next));
    return line.next;
  }
  const sizeStart = fp + open;
  const close = b.subarray(sizeStart + 1, end).indexOf(0x7d);
  if (close < 0) return null;
  const sizeEnd = sizeStart + 1 + close;
  const digits = asciiString(b, sizeStart + 1, sizeEnd);
  if (!/^\d+$/.test(digits)) return null;
  const size = Number(digits);
  if (tvb.reportedRemaining(sizeEnd + size) <= 0) return null;
  if (b.subarray(sizeEnd + size, end).indexOf(0x29) < 0) return null;
  tree.add(F.line, tvb, o, l.next - o, formatAsciiText(b, o, l.next));
  return l.next + size;
}

/** A tagged line: the tag, the command or status, what they name, and the request it answers. */
function tagged(call: Call, o: number, l: LineEnd): void {
  const { tvb, tree, request, s, first } = call;
  const b = tvb.bytes;
  let len = l.eol - o;
  tree.push(F.line, tvb, o, l.next - o, formatAsciiText(b, o, l.next));
  if (len !== 0) tree.add(request ? F.request : F.response, tvb, o, len, formatAsciiText(b, o, l.eol));
  let tag: string | null = null;
  const t = token(b, o, o + len);
  if (t.length !== 0) {
    tag = asciiString(b, o, o + t.length);
    tree.add(request ? F.request_tag : F.response_tag, tvb, o, t.length, tag);
    tree.add(F.tag, tvb, o, t.length, tag);
    len -= t.next - o;
    o = t.next;
  }
  const w = token(b, o, o + len);
  if (w.length !== 0) {
    const word = asciiString(b, o, o + w.length).toLowerCase();
    let command = '';
    let argAt = w.next;
    if (request && word === 'uid') {
      tree.add(F['request.command.uid'], tvb, o, w.length, true);
      const c = token(b, w.next, o + len);
      if (c.length !== 0) {
        tree.add(F['request.command'], tvb, w.next, c.length, asciiString(b, w.next, w.next + c.length));
        tree.add(F.command, tvb, o, w.length, asciiString(b, o, o + w.length));
        command = asciiString(b, w.next, w.next + c.length).toLowerCase();
        argAt = c.next;
      }
    } else {
      const def = request ? F['request.command'] : F['response.status'];
      tree.add(def, tvb, o, w.length, asciiString(b, o, o + w.length));
      if (request) {
        tree.add(F.command, tvb, o, w.length, asciiString(b, o, o + w.length));
        command = word;
      }
    }
    if (command) commandArguments(call, command, o, len, argAt, w.next);
    if (!request) {
      const c = token(b, w.next, o + len);
      if (c.length > 0) {
        const text = asciiString(b, w.next, w.next + c.length);
        tree.add(F['response.command'], tvb, w.next, c.length, text);
        tree.add(F.command, tvb, w.next, c.length, text);
      }
    }
    if (first && s.sslRequested && !request && 'ok'.startsWith(word)) {
      s.tlsAfter = call.pinfo.meta.number;
      s.sslRequested = false;
    }
  }
  if (tag !== null) pair(call, tag.toLowerCase());
  tree.pop();
}

/** The folder of mailbox commands, LOGIN's credentials, STARTTLS. */
function commandArguments(
  call: Call,
  command: string,
  o: number,
  len: number,
  argAt: number,
  wordNext: number,
): void {
  const { tvb, tree, s, first } = call;
  const b = tvb.bytes;
  const lineEnd = o + len;
  const folder = token(b, argAt, lineEnd);
  const folderText = (from: number, n: number): string => asciiString(b, from, from + n);
  if (FOLDER_COMMANDS.some((c) => c.startsWith(command))) {
    if (folder.length !== 0)
      tree.add(F['request.folder'], tvb, argAt, folder.length, folderText(argAt, folder.length));
  } else if (len > 0 && 'copy'.startsWith(command)) {
    const second = token(b, folder.next, lineEnd);
    if (second.length !== 0)
      tree.add(F['request.folder'], tvb, folder.next, second.length, folderText(folder.next, second.length));
  } else if ('starttls'.startsWith(command)) {
    if (first) s.sslRequested = true;
  } else if ('login'.startsWith(command)) {
    const user = token(b, wordNext, lineEnd);
    tree.add(F['request.username'], tvb, wordNext, user.length, folderText(wordNext, user.length));
    // The password without its quotes: tshark takes them off whether they are there or not.
    const pass = token(b, user.next, lineEnd);
    const inner = pass.length - 2;
    if (inner < -1) throw new MalformedError('Malformed Packet', user.next + 1);
    const innerEnd = inner === -1 ? tvb.end : user.next + 1 + inner;
    tvb.need(user.next + 1, innerEnd - user.next - 1);
    tree.add(F['request.password'], tvb, user.next, pass.length, asciiString(b, user.next + 1, innerEnd));
  }
}

/** imap_match_request: a request is remembered by its tag; a tagged response finds it. */
function pair(call: Call, tag: string): void {
  const { st, pinfo, tree, tvb, request, first } = call;
  const key = `${pinfo.conversation}/${tag}`;
  const frame = pinfo.meta.number;
  let list = st.requests.get(key);
  let req: Request | undefined;
  if (first) {
    if (request) {
      if (!list) {
        list = [];
        st.requests.set(key, list);
      }
      req = { frame, response: 0, tsSec: pinfo.meta.tsSec, tsNsec: pinfo.meta.tsNsec };
      list.push(req);
    } else if (list) {
      req = latestUpTo(list, frame);
      if (req) req.response = frame;
    }
  } else if (list) {
    req = latestUpTo(list, frame);
  }
  if (!req) return;
  if (request) {
    if (req.response !== 0) tree.add(F.response_in, tvb, tvb.start, 0, req.response);
    return;
  }
  tree.add(F.response_to, tvb, tvb.start, 0, req.frame);
  const t = delta(pinfo, req);
  tree.add(F.time, tvb, tvb.start, 0, t);
  if (tree.full) tree.labelLast(`[Response Time: ${t} seconds]`);
}

function latestUpTo(list: Request[], frame: number): Request | undefined {
  for (let i = list.length - 1; i >= 0; i--) if ((list[i] as Request).frame <= frame) return list[i];
  return undefined;
}

/** Seconds from the request to this frame, as nstime_delta prints (`0.000123000`). */
function delta(pinfo: PacketInfo, req: Request): string {
  let sec = pinfo.meta.tsSec - req.tsSec;
  let nsec = pinfo.meta.tsNsec - req.tsNsec;
  if (nsec < 0) {
    nsec += 1e9;
    sec--;
  }
  if (sec < 0 && nsec > 0) {
    sec++;
    nsec = 1e9 - nsec;
    return `-${-sec}.${String(nsec).padStart(9, '0')}`;
  }
  return `${sec}.${String(nsec).padStart(9, '0')}`;
}

export const imapModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('tcpPort', PORT, dissectIMAP);
  },
};
