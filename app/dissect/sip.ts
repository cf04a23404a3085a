// Session Initiation Protocol (RFC 3261) over UDP and TCP port 5060: request and status lines,
// headers (compact forms too) with the parts Wireshark splits out (Via, From, To, Contact,
// P-Asserted-Identity, CSeq), request/response matching, and the message body (SDP) handed on.
import { noteFault } from './dissect.ts';
import { FieldType, bool, fields, proto, str, text, uint, type FieldDef } from './field.ts';
import { expert, firstPass } from './ip-proto.ts';
import { DESEGMENT_ONE_MORE_SEGMENT, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { dissectSDP } from './sdp.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

/** Header names Wireshark's SIP dissector knows (each its own `sip.<Name>` string field). */
const HEADERS = (
  'Accept Accept-Contact Accept-Encoding Accept-Language Accept-Resource-Priority Additional-Identity ' +
  'Alert-Info Allow Allow-Events Answer-Mode Attestation-Info Authentication-Info Authorization Call-ID ' +
  'Call-Info Cellular-Network-Info Contact Content-Disposition Content-Encoding Content-Language ' +
  'Content-Type CSeq Date Error-Info Event Feature-Caps Flow-Timer From Geolocation Geolocation-Error ' +
  'Geolocation-Routing History-Info Identity Identity-info Info-Package In-Reply-To Join MIME-Version ' +
  'Min-Expires Min-SE Organization Origination-Id P-Access-Network-Info P-Answer-State ' +
  'P-Asserted-Identity P-Asserted-Service P-Charge-Info P-Associated-URI P-Called-Party-ID ' +
  'P-Charging-Function-Addresses P-Charging-Vector P-DCS-Trace-Party-ID P-DCS-OSPS P-DCS-Billing-Info ' +
  'P-DCS-LAES P-DCS-Redirect P-Early-Media P-Media-Authorization P-Preferred-Identity ' +
  'P-Preferred-Service P-Profile-Key P-Refused-URI-List P-Served-User P-User-Database ' +
  'P-Visited-Network-ID Path Permission-Missing Priority Priority-Share Priv-Answer-mode Privacy ' +
  'Proxy-Authenticate Proxy-Authorization Proxy-Require RAck Reason Reason-Phrase Record-Route Recv-Info ' +
  'Refer-Sub Refer-To Referred-by Reject-Contact Relayed-Charge Replaces Reply-To Request-Disposition ' +
  'Require Resource-Priority Resource-Share Response-Source Restoration-Info Route Security-Client ' +
  'Security-Server Security-Verify Server Service-Interact-Info Service-Route Session-Expires ' +
  'Session-ID ETag Subject Subscription-State Supported Target-Dialog Timestamp To Trigger-Consent ' +
  'Unsupported User-Agent Via Warning WWW-Authenticate Diversion'
).split(' ');

/** Headers whose value Wireshark files as a number. */
const NUMERIC = ['Content-Length', 'Expires', 'Max-Forwards', 'RSeq'];

/** RFC 3261 §7.3.3 and later RFCs' compact forms. */
const COMPACT: Record<string, string> = {
  a: 'Accept-Contact',
  b: 'Referred-by',
  c: 'Content-Type',
  d: 'Request-Disposition',
  e: 'Content-Encoding',
  f: 'From',
  i: 'Call-ID',
  j: 'Reject-Contact',
  k: 'Supported',
  l: 'Content-Length',
  m: 'Contact',
  o: 'Event',
  r: 'Refer-To',
  s: 'Subject',
  t: 'To',
  u: 'Allow-Events',
  v: 'Via',
  x: 'Session-Expires',
  y: 'Identity',
};

const headerSpecs: Record<string, ReturnType<typeof str>> = {};
for (const h of HEADERS) headerSpecs[h] = str(h);
for (const h of NUMERIC) headerSpecs[h] = uint(h, 32);

/** Lower-case header name to its field key. */
const BY_NAME = new Map<string, string>();
for (const h of [...HEADERS, ...NUMERIC]) BY_NAME.set(h.toLowerCase(), h);
for (const [c, h] of Object.entries(COMPACT)) BY_NAME.set(c, h);

const H = fields('sip', headerSpecs);

/** The parts of a URI-carrying header, under `sip.<prefix>.*` with Wireshark's labels. */
function uriFields(prefix: string, display: string, addr: string, part: string) {
  return fields(`sip.${prefix}`, {
    'display.info': str(display),
    [addr]: str(part),
    user: str(`${part} User Part`),
    host: str(`${part} Host Part`),
    port: str(`${part} Host Port`),
  });
}

const F = fields('sip', {
  '': proto('Session Initiation Protocol'),
  'Request-Line': str('Request-Line'),
  Method: str('Method'),
  'r-uri': str('Request-URI'),
  'r-uri.user': str('Request-URI User Part'),
  'r-uri.host': str('Request-URI Host Part'),
  'r-uri.port': str('Request-URI Host Port'),
  'Status-Line': str('Status-Line'),
  'Status-Code': uint('Status-Code', 32),
  resend: bool('Resent Packet', 8, 0, { tf: ['True', 'False'], generated: true }),
  'resend-original': { name: 'Suspected resend of frame', type: FieldType.FrameNum, generated: true },
  'response-request': { name: 'Request Frame', type: FieldType.FrameNum, generated: true },
  'response-time': uint('Response Time (ms)', 32, { generated: true }),
  release_time: uint('Release Time (ms)', 32, { generated: true }),
  'contact.param': str('Contact URI parameter'),
  msg_hdr: str('Message Header'),
  msg_body: text('Message Body'),
  call_id_generated: str('Generated Call-ID', { generated: true }),
  unrecognized_header: text('Unrecognised SIP header'),
  'display.info': str('SIP Display info', { hidden: true }),
  tag: str('SIP tag', { hidden: true }),
  'from.tag': str('SIP from tag'),
  'to.tag': str('SIP to tag'),
  'contact.parameter': str('Contact parameter'),
  'Via.transport': str('Transport'),
  'Via.sent-by.address': str('Sent-by Address'),
  'Via.sent-by.port': uint('Sent-by port', 16),
  'Via.branch': str('Branch'),
  'Via.received': str('Received'),
  'Via.rport': str('RPort'),
  'Via.maddr': str('Maddr'),
  'Via.ttl': str('TTL'),
  'CSeq.seq': uint('Sequence Number', 32),
  'CSeq.method': str('Method'),
});

const FROM = uriFields('from', 'SIP from display info', 'addr', 'SIP from address');
const TO = uriFields('to', 'SIP to display info', 'addr', 'SIP to address');
const CONTACT = fields('sip.contact', {
  'display.info': str('SIP C-URI display info'),
  uri: str('Contact URI'),
  user: str('Contact URI User Part'),
  host: str('Contact URI Host Part'),
  port: str('Contact URI Host Port'),
});
const PAI = fields('sip.pai', {
  'display.info': str('SIP PAI display info'),
  addr: str('SIP PAI Address'),
  user: str('SIP PAI User Part'),
  host: str('SIP PAI Host Part'),
  port: str('SIP PAI Host Port'),
});

type UriSet = {
  'display.info': (typeof F)['Method'];
  user: (typeof F)['Method'];
  host: (typeof F)['Method'];
} & Record<string, (typeof F)['Method']>;

const METHODS = new Set(
  'INVITE ACK BYE CANCEL OPTIONS REGISTER PRACK SUBSCRIBE NOTIFY PUBLISH INFO REFER MESSAGE UPDATE'.split(
    ' ',
  ),
);

interface Transaction {
  frame: number;
  sec: number;
  nsec: number;
}

interface SipState {
  /** Requests by call-id, CSeq number and method, for response matching. */
  requests: Map<string, Transaction>;
  /** What each message matched on the first pass (`frame/offset`), for re-dissection. */
  matched: Map<string, number>;
}

const newState = (): SipState => ({ requests: new Map(), matched: new Map() });

interface Line {
  start: number;
  /** End of the text, before CR LF. */
  end: number;
  /** Start of the next line. */
  next: number;
}

/** The line at `from` (ending in LF or CR LF), or null when no line end is in [from, end). */
function lineAt(b: Uint8Array, from: number, end: number): Line | null {
  for (let i = from; i < end; i++) {
    if (b[i] === 0x0a) return { start: from, end: i > from && b[i - 1] === 0x0d ? i - 1 : i, next: i + 1 };
  }
  return null;
}

function latin1(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

/** What the first line is: a request (`METHOD uri SIP/2.0`), a status line, or neither. */
function firstLineKind(s: string): 'request' | 'status' | '' {
  if (s.startsWith('SIP/2.0 ')) return /^SIP\/2\.0 \d{3}( |$)/.test(s) ? 'status' : '';
  const m = /^([A-Za-z]+) (\S+) SIP\/2\.0$/.exec(s);
  return m ? 'request' : '';
}

interface Call {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  method: string;
  callId: string;
  cseqMethod: string;
  cseq: number;
  contacts: number;
  contentLength: number;
  contentType: string;
  /** The request a response (or an ACK) answers, 0 when none. */
  requestFrame: number;
  /** Wireshark matches requests and responses (and spots resends) over UDP only. */
  udp: boolean;
}

/** SIP over UDP: one message per datagram. */
export function dissectSIP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  return message(tvb, pinfo, tree, true, '', true) > 0 ? tvb.remaining(tvb.start) : 0;
}

/**
 * SIP over TCP: the messages of the segment one after another, each as long as its headers and
 * Content-Length say; a message cut short asks TCP for the rest.
 */
export function dissectSIPTcp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const b = tvb.bytes;
  let off = o;
  while (off < tvb.reportedEnd) {
    const first = lineAt(b, off, tvb.end);
    if (firstLineKind(first ? latin1(b, off, first.end) : latin1(b, off, tvb.end)) === '') break;
    const need = missingBytes(b, off, tvb.reportedEnd);
    if (need !== 0 && pinfo.canDesegment) {
      pinfo.desegmentOffset = off - o;
      pinfo.desegmentLen = need;
      return tvb.remaining(o);
    }
    const len = need === 0 ? messageLength(b, off, tvb.reportedEnd) : tvb.reportedEnd - off;
    // Wireshark's Message Header item runs to the end of the segment, over later messages too.
    const used = message(tvb.sub(off), pinfo, tree, false, off === o ? '' : pinfo.info, off === o);
    if (used <= 0) break;
    off += len;
  }
  return off === o ? 0 : off - o;
}

/** The length of the whole message at `o` (headers, blank line, Content-Length bytes). */
function messageLength(b: Uint8Array, o: number, end: number): number {
  let p = o;
  let length = 0;
  for (;;) {
    const line = lineAt(b, p, end);
    if (!line) return end - o;
    p = line.next;
    if (line.end === line.start) break;
    const m = /^(content-length|l)\s*:\s*(\d+)/i.exec(latin1(b, line.start, line.end));
    if (m) length = Number(m[2]);
  }
  return Math.min(end, p + length) - o;
}

/** One message in `tvb`; 0 when its first line is not SIP's. `before` leads the Info column. */
function message(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  udp: boolean,
  before: string,
  firstInFrame: boolean,
): number {
  const o = tvb.start;
  const b = tvb.bytes;
  const end = tvb.end;
  const first = lineAt(b, o, end);
  const firstText = first ? latin1(b, o, first.end) : latin1(b, o, end);
  const kind = firstLineKind(firstText);
  if (kind === '') return 0;
  const call: Call = {
    tvb,
    pinfo,
    tree,
    method: '',
    callId: '',
    cseqMethod: '',
    cseq: -1,
    contacts: 0,
    contentLength: -1,
    contentType: '',
    requestFrame: 0,
    udp,
  };
  // One layer for all the messages of a segment, as Wireshark's one call.
  if (firstInFrame) pinfo.layers.push('sip');
  pinfo.setProto('SIP');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  let info = '';
  try {
    const line = first ?? { start: o, end, next: end };
    let code = 0;
    let reason = '';
    let uri = '';
    if (kind === 'request') {
      const sp = firstText.indexOf(' ');
      call.method = firstText.slice(0, sp);
      uri = firstText.slice(sp + 1, firstText.lastIndexOf(' '));
      if (tree.full) tree.label(`Session Initiation Protocol (${call.method})`);
      tree.push(F['Request-Line'], tvb, o, line.end - o, firstText);
      tree.add(F.Method, tvb, o, sp, call.method);
      uriParts(tree, tvb, o + sp + 1, uri, F['r-uri'], {
        'display.info': F['r-uri'],
        user: F['r-uri.user'],
        host: F['r-uri.host'],
        port: F['r-uri.port'],
      });
    } else {
      code = Number(firstText.slice(8, 11));
      reason = firstText.slice(12);
      if (tree.full) tree.label(`Session Initiation Protocol (${code})`);
      tree.push(F['Status-Line'], tvb, o, line.end - o, firstText);
      tree.add(F['Status-Code'], tvb, o + 8, 3, code);
    }
    const lineNode = tree.current();
    tree.pop();
    const bodyAt = headers(call, line.next);
    // The generated items go under the first line, once the headers told the transaction.
    if (lineNode) tree.reopen(lineNode);
    transaction(call, kind === 'request', code);
    if (lineNode) tree.pop();
    if (kind === 'request') info = `Request: ${call.method} ${uri}`;
    else info = `Status: ${code} ${reason}${code >= 200 && call.cseqMethod ? ` (${call.cseqMethod})` : ''}`;
    if (call.cseqMethod === 'REGISTER' && call.contacts > 0) {
      info += `  (${call.contacts} binding${call.contacts === 1 ? '' : 's'})`;
    }
    info += ' | ';
    if (bodyAt >= 0) body(call, bodyAt);
  } catch (err) {
    if (pinfo.wantInfo) pinfo.setInfo(before + info);
    tree.unwind();
    noteFault(err, tvb, pinfo, tree);
    return tvb.remaining(o);
  }
  tree.pop();
  if (pinfo.wantInfo) pinfo.setInfo(before + info);
  return Math.max(1, tvb.remaining(o));
}

/** Bytes the message at `o` still needs over TCP (headers, then Content-Length's body), 0 if whole. */
function missingBytes(b: Uint8Array, o: number, end: number): number {
  let p = o;
  let length = 0;
  for (;;) {
    const line = lineAt(b, p, end);
    if (!line) return DESEGMENT_ONE_MORE_SEGMENT;
    if (line.end === line.start) break;
    const m = /^(content-length|l)\s*:\s*(\d+)/i.exec(latin1(b, line.start, line.end));
    if (m) length = Number(m[2]);
    p = line.next;
  }
  const have = end - lineAt(b, p, end)!.next;
  return have < length ? length - have : 0;
}

/** The header block from `from`; returns where the body starts (-1 when there is no blank line). */
function headers(call: Call, from: number): number {
  const { tvb, tree } = call;
  const b = tvb.bytes;
  const end = tvb.end;
  // Continuation lines (starting with a space or tab) belong to the header before them.
  let stop = from;
  let blank = -1;
  for (;;) {
    const line = lineAt(b, stop, end);
    if (!line) {
      stop = end;
      break;
    }
    if (line.end === line.start) {
      blank = line.next;
      stop = line.next;
      break;
    }
    stop = line.next;
  }
  if (stop <= from) return blank;
  // Wireshark's item (and value) runs on to the end of the message, over the body too.
  tree.push(F.msg_hdr, tvb, from, end - from, latin1(b, from, end));
  if (tree.full) tree.label('Message Header');
  let p = from;
  while (p < stop) {
    let line = lineAt(b, p, end) ?? { start: p, end, next: end };
    if (line.end === line.start) break;
    // Fold continuation lines into this header.
    let lineEnd = line.end;
    while (line.next < stop && (b[line.next] === 0x20 || b[line.next] === 0x09)) {
      line = lineAt(b, line.next, end) ?? { start: line.next, end, next: end };
      lineEnd = line.end;
    }
    header(call, p, lineEnd);
    p = line.next;
  }
  tree.pop();
  return blank;
}

function header(call: Call, start: number, end: number): void {
  const { tvb, tree, pinfo } = call;
  const b = tvb.bytes;
  const text = latin1(b, start, end).replace(/\r?\n[ \t]+/g, ' ');
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon).trim();
  const key = BY_NAME.get(name.toLowerCase());
  const def = key === undefined ? undefined : (H as Record<string, FieldDef>)[key];
  if (colon < 0 || key === undefined || def === undefined) {
    tree.push(F.unrecognized_header, tvb, start, end - start);
    if (tree.full) tree.label(text);
    expert(
      pinfo,
      tree,
      tvb,
      start,
      end - start,
      'Note',
      'Undecoded',
      `Unrecognised SIP header (${name.toLowerCase()})`,
    );
    tree.pop();
    return;
  }
  let vstart = start + colon + 1;
  while (vstart < end && (b[vstart] === 0x20 || b[vstart] === 0x09)) vstart++;
  const value = text.slice(vstart - start);
  if (NUMERIC.includes(key)) {
    const n = Number.parseInt(value, 10);
    tree.add(def, tvb, start, end - start, Number.isNaN(n) ? 0 : n);
    if (tree.full) tree.labelLast(text);
    if (key === 'Content-Length') call.contentLength = Number.isNaN(n) ? -1 : n;
    return;
  }
  tree.push(def, tvb, start, end - start, value);
  if (tree.full) tree.label(text);
  switch (key) {
    case 'Via':
      via(call, vstart, value);
      break;
    case 'From':
      nameAddr(call, vstart, value, FROM, F['from.tag'], 'addr');
      break;
    case 'To':
      nameAddr(call, vstart, value, TO, F['to.tag'], 'addr');
      break;
    case 'Contact':
      contact(call, vstart, value);
      break;
    case 'P-Asserted-Identity':
      nameAddr(call, vstart, value, PAI, null, 'addr');
      break;
    case 'CSeq': {
      const m = /^(\d+)\s+(\S+)/.exec(value);
      if (m) {
        call.cseq = Number(m[1]);
        call.cseqMethod = m[2] as string;
        tree.add(F['CSeq.seq'], tvb, vstart, (m[1] as string).length, call.cseq);
        const at = vstart + value.indexOf(m[2] as string, (m[1] as string).length);
        tree.add(F['CSeq.method'], tvb, at, (m[2] as string).length, call.cseqMethod);
      }
      break;
    }
    case 'Call-ID':
      call.callId = value;
      break;
    case 'Content-Type':
      call.contentType = value.split(';')[0]?.trim().toLowerCase() ?? '';
      break;
    default:
      break;
  }
  tree.pop();
  if (key === 'Call-ID') tree.add(F.call_id_generated, tvb, start, 0, value);
}

/** Via: `SIP/2.0/UDP host:port;param=value;...`. */
function via(call: Call, at: number, value: string): void {
  const { tvb, tree } = call;
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+([^;:\s]+|\[[^\]]+\])(?::(\d+))?/.exec(value);
  if (!m) return;
  const transport = m[1] as string;
  tree.add(F['Via.transport'], tvb, at + value.indexOf(transport), transport.length, transport);
  const host = m[2] as string;
  const hostAt = value.indexOf(host, m[0].length - host.length - (m[3] ? m[3].length + 1 : 0));
  tree.add(F['Via.sent-by.address'], tvb, at + hostAt, host.length, host);
  if (m[3]) tree.add(F['Via.sent-by.port'], tvb, at + hostAt + host.length + 1, m[3].length, Number(m[3]));
  let p = m[0].length;
  for (const param of value.slice(m[0].length).split(';')) {
    const pAt = value.indexOf(param, p);
    p = pAt + param.length;
    const t = param.trim();
    if (t === '') continue;
    const eq = t.indexOf('=');
    const pname = (eq < 0 ? t : t.slice(0, eq)).toLowerCase();
    const pval = eq < 0 ? '' : t.slice(eq + 1);
    const def =
      pname === 'branch'
        ? F['Via.branch']
        : pname === 'received'
          ? F['Via.received']
          : pname === 'rport'
            ? F['Via.rport']
            : pname === 'maddr'
              ? F['Via.maddr']
              : pname === 'ttl'
                ? F['Via.ttl']
                : null;
    if (def && eq >= 0) tree.add(def, tvb, at + pAt + t.indexOf('=') + 1, pval.length, pval);
    else if (tree.full) {
      tree.add(SUBTREE_TEXT, tvb, at + pAt, t.length);
      tree.labelLast(t);
    }
  }
}

/** A text line with no field (Wireshark's proto_tree_add_format_text). */
const SUBTREE_TEXT = { name: '', type: FieldType.None, abbrev: '', id: -1 } as const;

/** `"Display" <uri>;params` or a bare `uri;params`: the display name, address and tag. */
function nameAddr(
  call: Call,
  at: number,
  value: string,
  set: Record<string, (typeof F)['Method']>,
  tagDef: (typeof F)['Method'] | null,
  addrKey: string,
): number {
  const { tvb, tree } = call;
  const lt = value.indexOf('<');
  let uri: string;
  let uriAt: number;
  let rest: string;
  let restAt: number;
  if (lt >= 0) {
    const display = value.slice(0, lt).trim();
    if (display) {
      const dAt = value.indexOf(display);
      tree.add(set['display.info'] as (typeof F)['Method'], tvb, at + dAt, display.length, display);
      tree.add(F['display.info'], tvb, at + dAt, display.length, display);
    }
    const gt = value.indexOf('>', lt);
    uri = value.slice(lt + 1, gt < 0 ? value.length : gt);
    uriAt = lt + 1;
    rest = gt < 0 ? '' : value.slice(gt + 1);
    restAt = gt + 1;
  } else {
    const semi = value.indexOf(';');
    uri = semi < 0 ? value : value.slice(0, semi);
    uriAt = 0;
    rest = semi < 0 ? '' : value.slice(semi);
    restAt = semi;
  }
  const param = set === CONTACT ? F['contact.param'] : undefined;
  uriParts(tree, tvb, at + uriAt, uri.trim(), set[addrKey] as (typeof F)['Method'], set as UriSet, param);
  if (tagDef) {
    const m = /;\s*tag=([^;\s]+)/i.exec(rest);
    if (m) {
      const tAt = at + restAt + (m.index ?? 0) + m[0].length - (m[1] as string).length;
      tree.add(tagDef, tvb, tAt, (m[1] as string).length, m[1]);
      tree.add(F.tag, tvb, tAt, (m[1] as string).length, m[1]);
    }
  }
  return restAt;
}

function contact(call: Call, at: number, value: string): void {
  const { tvb, tree } = call;
  if (value.trim() === '*') return;
  call.contacts++;
  const restAt = nameAddr(call, at, value, CONTACT, null, 'uri');
  if (restAt < 0) return;
  const rest = value.slice(restAt);
  let p = restAt;
  for (const param of rest.split(';')) {
    const pAt = value.indexOf(param, p);
    p = pAt + param.length;
    const t = param.trim();
    if (t === '') continue;
    tree.add(F['contact.parameter'], tvb, at + pAt, param.length, t);
  }
}

/** A SIP URI and its user, host and port parts under it. */
function uriParts(
  tree: Tree,
  tvb: Tvb,
  at: number,
  uri: string,
  def: (typeof F)['Method'],
  set: UriSet,
  paramDef?: (typeof F)['Method'],
): void {
  tree.push(def, tvb, at, uri.length, uri);
  const m = /^(?:sips?|tel):(?:([^@;?]*)@)?(\[[^\]]*\]|[^:;?>]*)(?::(\d+))?/i.exec(uri);
  if (m) {
    const scheme = uri.indexOf(':') + 1;
    if (m[1] !== undefined) tree.add(set.user, tvb, at + scheme, m[1].length, m[1]);
    const host = m[2] as string;
    const hostAt = scheme + (m[1] !== undefined ? m[1].length + 1 : 0);
    tree.add(set.host, tvb, at + hostAt, host.length, host);
    const portDef = set.port;
    if (m[3] && portDef) tree.add(portDef, tvb, at + hostAt + host.length + 1, m[3].length, m[3]);
    if (paramDef) {
      let p = m[0].length;
      for (const param of uri.slice(m[0].length).split(';')) {
        if (param === '') continue;
        p = uri.indexOf(param, p);
        tree.add(paramDef, tvb, at + p, param.length, param);
        p += param.length;
      }
    }
  }
  tree.pop();
}

/** Request/response matching: resend flag, and the request frame and time for a response. */
function transaction(call: Call, request: boolean, code: number): void {
  const { tvb, tree, pinfo } = call;
  const st = pinfo.state.of<SipState>('sip', newState);
  tree.add(F.resend, tvb, tvb.start, 0, false);
  if (!call.udp || call.callId === '' || call.cseq < 0) return;
  const key = `${call.callId}\u0000${call.cseq}\u0000${call.cseqMethod}`;
  const here = `${pinfo.meta.number}/${tvb.start}`;
  // An ACK belongs to its INVITE's transaction: Wireshark shows the INVITE as its request.
  const ack = request && call.method === 'ACK';
  const lookup = ack ? `${call.callId}\u0000${call.cseq}\u0000INVITE` : key;
  if (request && !ack) {
    if (firstPass(pinfo.state, pinfo) && !st.requests.has(key)) {
      st.requests.set(key, { frame: pinfo.meta.number, sec: pinfo.meta.tsSec, nsec: pinfo.meta.tsNsec });
    }
    return;
  }
  if (!request && code === 0) return;
  let frame = st.matched.get(here);
  if (frame === undefined && firstPass(pinfo.state, pinfo)) {
    frame = st.requests.get(lookup)?.frame ?? 0;
    st.matched.set(here, frame);
  }
  const req = frame ? st.requests.get(lookup) : undefined;
  if (!req) return;
  call.requestFrame = req.frame;
  tree.add(F['response-request'], tvb, tvb.start, 0, req.frame);
  const ms = Math.floor(((pinfo.meta.tsSec - req.sec) * 1e9 + (pinfo.meta.tsNsec - req.nsec)) / 1e6);
  tree.add(F['response-time'], tvb, tvb.start, 0, ms);
  if (call.cseqMethod === 'BYE' && code >= 200) tree.add(F.release_time, tvb, tvb.start, 0, ms);
}

/** The message body: SDP by its Content-Type, else shown as bytes under Message Body. */
function body(call: Call, at: number): void {
  const { tvb, tree, pinfo } = call;
  const end = call.contentLength >= 0 ? Math.min(tvb.reportedEnd, at + call.contentLength) : tvb.reportedEnd;
  if (end <= at) return;
  tree.push(F.msg_body, tvb, at, end - at);
  if (call.contentType === 'application/sdp') {
    pinfo.setProto('SIP/SDP');
    const id = call.callId;
    const last = (t: Tree): void => {
      if (id) t.add(F.call_id_generated, tvb, at, 0, id);
    };
    dissectSDP(tvb.sub(at, end - at), pinfo, tree, last, call.requestFrame || pinfo.meta.number, id);
  }
  tree.pop();
}

/** Wireshark's dissect_sip_heur: the first line is a SIP request or status line. */
function heuristic(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  return looksLikeSip(tvb) && dissectSIP(tvb, pinfo, tree) > 0;
}

function heuristicTcp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  return looksLikeSip(tvb) && dissectSIPTcp(tvb, pinfo, tree) > 0;
}

function looksLikeSip(tvb: Tvb): boolean {
  const o = tvb.start;
  const b = tvb.bytes;
  // Cheap first: `SIP/` or an upper-case method followed by a space.
  const c = b[o] ?? 0;
  if (c < 0x41 || c > 0x5a || tvb.remaining(o) < 12) return false;
  if (!(c === 0x53 && b[o + 1] === 0x49 && b[o + 2] === 0x50 && b[o + 3] === 0x2f)) {
    let i = o;
    while (i < o + 10 && (b[i] ?? 0) >= 0x41 && (b[i] ?? 0) <= 0x5a) i++;
    if (b[i] !== 0x20 || !METHODS.has(latin1(b, o, i))) return false;
  }
  return true;
}

export const sipModule = {
  // Keyed by filter name: the URI sets share their short keys (`user`, `host`).
  fields: Object.fromEntries(
    [F, H, FROM, TO, CONTACT, PAI].flatMap((set) => Object.values<FieldDef>(set).map((d) => [d.abbrev, d])),
  ),
  handoff(reg: Registry): void {
    reg.register('udpPort', 5060, dissectSIP);
    reg.register('tcpPort', 5060, dissectSIPTcp);
    reg.heuristics.udp.push(heuristic);
    reg.heuristics.tcp.push(heuristicTcp);
  },
};
