// Session Description Protocol (RFC 4566) bodies: each `x=value` line with the parts Wireshark
// splits out, and the RTP/RTCP streams its media lines announce (set up in rtp.ts's table, as
// Wireshark's rtp_add_address does) so later datagrams on those ports decode as RTP and RTCP.
import { bytes, fields, proto, str, text, uint } from './field.ts';
import { expert, firstPass, ipLayer } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import { addMediaStream, payloadTypeName } from './rtp.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const F = fields('sdp', {
  '': proto('Session Description Protocol'),
  version: str('Session Description Protocol Version (v)'),
  owner: str('Owner/Creator, Session Id (o)'),
  'owner.username': str('Owner Username'),
  'owner.sessionid': str('Session ID'),
  'owner.version': str('Session Version'),
  'owner.network_type': str('Owner Network Type'),
  'owner.address_type': str('Owner Address Type'),
  'owner.address': str('Owner Address'),
  session_name: str('Session Name (s)'),
  session_info: str('Session Information (i)'),
  uri: str('URI of Description (u)'),
  email: str('E-mail Address (e)'),
  phone: str('Phone Number (p)'),
  connection_info: str('Connection Information (c)'),
  'connection_info.network_type': str('Connection Network Type'),
  'connection_info.address_type': str('Connection Address Type'),
  'connection_info.address': str('Connection Address'),
  bandwidth: str('Bandwidth Information (b)'),
  'bandwidth.modifier': str('Bandwidth Modifier'),
  'bandwidth.value': str('Bandwidth Value'),
  time: str('Time Description, active time (t)'),
  'time.start': str('Session Start Time'),
  'time.stop': str('Session Stop Time'),
  session_attr: str('Session Attribute (a)'),
  'session_attr.field': str('Session Attribute Fieldname'),
  'session_attr.value': str('Session Attribute Value'),
  media: str('Media Description, name and address (m)'),
  'media.media': str('Media Type'),
  'media.port_string': str('Media Port', { hidden: true }),
  'media.port': uint('Media Port', 16),
  'media.proto': str('Media Protocol'),
  'media.format': str('Media Format'),
  media_title: str('Media Title (i)'),
  media_attr: str('Media Attribute (a)'),
  'media_attribute.field': str('Media Attribute Fieldname'),
  'media_attribute.value': str('Media Attribute Value'),
  'mime.type': str('MIME Type'),
  sample_rate: str('Sample Rate'),
  'fmtp.parameter': str('Media format specific parameters'),
  invalid: str('Invalid line'),
  'invalid_line.extra_space': text('Invalid SDP whitespace (extra space character)'),
  unknown: bytes('Unknown'),
});

export const sdpModule = { fields: F };

const LINE_DEFS: Record<string, keyof typeof F> = {
  v: 'version',
  o: 'owner',
  s: 'session_name',
  u: 'uri',
  e: 'email',
  p: 'phone',
  c: 'connection_info',
  b: 'bandwidth',
  t: 'time',
  m: 'media',
};

interface Media {
  port: number;
  proto: string;
  address: string;
  /** Encoding names from rtpmap, by payload type. */
  encodings: Map<number, string>;
}

interface Parse {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  sessionAddress: string;
  media: Media[];
  /** The frame RTP names as its setup: the offer's for an answer, as Wireshark's SIP tells SDP. */
  setupFrame: number;
  callId: string;
}

/** `last` adds what the carrying protocol shows at the end of the SDP tree (SIP's Call-ID). */
export function dissectSDP(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  last?: (tree: Tree) => void,
  setupFrame = pinfo.meta.number,
  callId = '',
): number {
  const o = tvb.start;
  const b = tvb.bytes;
  const end = tvb.end;
  pinfo.layers.push('sdp');
  tree.push(F[''], tvb, o, end - o);
  const p: Parse = { tvb, pinfo, tree, sessionAddress: '', media: [], setupFrame, callId };
  let at = o;
  while (at < end) {
    let nl = at;
    while (nl < end && b[nl] !== 0x0a) nl++;
    const lineEnd = nl > at && b[nl - 1] === 0x0d ? nl - 1 : nl;
    if (lineEnd > at) line(p, at, lineEnd);
    at = nl + 1;
  }
  setup(p);
  last?.(tree);
  tree.pop();
  return end - o;
}

function latin1(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

function line(p: Parse, start: number, end: number): void {
  const { tvb, tree } = p;
  const text = latin1(tvb.bytes, start, end);
  const type = text[0] ?? '';
  const value = text.slice(2);
  const vAt = start + 2;
  if (text[1] !== '=') {
    tree.add(F.invalid, tvb, start, end - start, text);
    return;
  }
  const inMedia = p.media.length > 0;
  if (type === 'a') {
    const def = inMedia ? F.media_attr : F.session_attr;
    tree.push(def, tvb, start, end - start, value);
    if (tree.full) tree.label(`${def.name}: ${value}`);
    attribute(p, vAt, value, inMedia);
    tree.pop();
    return;
  }
  if (type === 'i') {
    tree.add(inMedia ? F.media_title : F.session_info, tvb, start, end - start, value);
    return;
  }
  const key = LINE_DEFS[type];
  if (!key) {
    tree.add(F.invalid, tvb, start, end - start, text);
    return;
  }
  tree.push(F[key], tvb, start, end - start, value);
  const words = wordsOf(value, vAt);
  switch (type) {
    case 'o':
      parts(p, words, [
        F['owner.username'],
        F['owner.sessionid'],
        F['owner.version'],
        F['owner.network_type'],
        F['owner.address_type'],
        F['owner.address'],
      ]);
      break;
    case 'c': {
      parts(p, words, [
        F['connection_info.network_type'],
        F['connection_info.address_type'],
        F['connection_info.address'],
      ]);
      const addr = (words[2]?.text ?? '').split('/')[0] ?? '';
      const last = p.media[p.media.length - 1];
      if (last) last.address = addr;
      else p.sessionAddress = addr;
      break;
    }
    case 'b': {
      const colon = value.indexOf(':');
      if (colon >= 0) {
        tree.add(F['bandwidth.modifier'], tvb, vAt, colon, value.slice(0, colon));
        tree.add(
          F['bandwidth.value'],
          tvb,
          vAt + colon + 1,
          value.length - colon - 1,
          value.slice(colon + 1),
        );
      }
      break;
    }
    case 't':
      parts(p, words, [F['time.start'], F['time.stop']]);
      break;
    case 'm':
      media(p, words);
      break;
    default:
      break;
  }
  tree.pop();
}

interface Word {
  text: string;
  at: number;
}

/** The space-separated words of a value, empty ones kept (an extra space makes one). */
function wordsOf(value: string, at: number): Word[] {
  const out: Word[] = [];
  let p = 0;
  for (const w of value.split(' ')) {
    out.push({ text: w, at: at + p });
    p += w.length + 1;
  }
  return out;
}

function parts(p: Parse, words: Word[], defs: (typeof F)['version'][]): void {
  defs.forEach((def, i) => {
    const w = words[i];
    if (w) p.tree.add(def, p.tvb, w.at, w.text.length, w.text);
  });
}

function media(p: Parse, words: Word[]): void {
  const { tvb, tree, pinfo } = p;
  const [type, port, protocol, ...formats] = words;
  if (type) tree.add(F['media.media'], tvb, type.at, type.text.length, type.text);
  let portNum = 0;
  if (port) {
    const n = port.text.split('/')[0] ?? '';
    portNum = Number.parseInt(n, 10) || 0;
    tree.add(F['media.port_string'], tvb, port.at, n.length, n);
    tree.add(F['media.port'], tvb, port.at, n.length, portNum);
  }
  if (protocol) tree.add(F['media.proto'], tvb, protocol.at, protocol.text.length, protocol.text);
  for (const f of formats) {
    if (f.text === '') {
      tree.push(F['invalid_line.extra_space'], tvb, f.at - 1, 1);
      expert(
        pinfo,
        tree,
        tvb,
        f.at - 1,
        1,
        'Error',
        'Malformed',
        'Invalid SDP whitespace (extra space character)',
      );
      tree.pop();
      continue;
    }
    const pt = /^\d+$/.test(f.text) ? Number(f.text) : -1;
    const rtp = protocol?.text.startsWith('RTP/') ?? false;
    const name = rtp && pt >= 0 ? payloadTypeName(pt) : f.text;
    tree.add(F['media.format'], tvb, f.at, f.text.length, name);
  }
  p.media.push({ port: portNum, proto: protocol?.text ?? '', address: '', encodings: new Map() });
}

function attribute(p: Parse, at: number, value: string, inMedia: boolean): void {
  const { tvb, tree } = p;
  const colon = value.indexOf(':');
  const field = colon < 0 ? value : value.slice(0, colon);
  const fieldDef = inMedia ? F['media_attribute.field'] : F['session_attr.field'];
  const valueDef = inMedia ? F['media_attribute.value'] : F['session_attr.value'];
  // A flag attribute (`a=sendrecv`) gets no Fieldname line in Wireshark.
  if (colon < 0) return;
  tree.add(fieldDef, tvb, at, field.length, field);
  const v = value.slice(colon + 1);
  const vAt = at + colon + 1;
  const m = p.media[p.media.length - 1];
  if (inMedia && field === 'rtpmap') {
    const r = /^(\d+)\s+([^/]+)\/(\d+)/.exec(v);
    if (r) {
      const pt = r[1] as string;
      tree.add(F['media.format'], tvb, vAt, pt.length, pt);
      const mimeAt = vAt + v.indexOf(r[2] as string, pt.length);
      tree.add(F['mime.type'], tvb, mimeAt, (r[2] as string).length, r[2]);
      tree.add(F.sample_rate, tvb, mimeAt + (r[2] as string).length + 1, (r[3] as string).length, r[3]);
      m?.encodings.set(Number(pt), r[2] as string);
      return;
    }
  }
  if (inMedia && field === 'fmtp') {
    const r = /^(\d+)\s+(.*)$/.exec(v);
    if (r) {
      const pt = r[1] as string;
      tree.add(F['media.format'], tvb, vAt, pt.length, pt);
      const enc = m?.encodings.get(Number(pt));
      if (tree.full && enc) tree.labelLast(`Media Format: ${pt} [${enc}]`);
      const params = r[2] as string;
      tree.add(F['fmtp.parameter'], tvb, vAt + v.length - params.length, params.length, params);
      return;
    }
  }
  tree.add(valueDef, tvb, vAt, v.length, v);
}

/** Wireshark's SDP → RTP hand-off: each RTP media line's address and port (and port + 1 for RTCP). */
function setup(p: Parse): void {
  const { pinfo } = p;
  if (pinfo.inError || !firstPass(pinfo.state, pinfo)) return;
  for (const m of p.media) {
    if (m.port === 0 || !m.proto.startsWith('RTP/')) continue;
    const address = m.address || p.sessionAddress;
    if (!address || ipLayer.kind === 0) continue;
    addMediaStream(pinfo, address, m.port, m.encodings, p.setupFrame, p.callId);
  }
}
