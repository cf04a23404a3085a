// Simple Service Discovery Protocol (UPnP) on UDP 1900: HTTP-formatted datagrams (M-SEARCH,
// NOTIFY, and their responses). tshark 4.0 decodes them with its HTTP dissector, so the fields are
// HTTP's (declared in http.ts).
import { bool, fields, proto } from './field.ts';
import { F as HTTP } from './http.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { expertInfo } from './dissect.ts';
import { NULL_TREE, type Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const SSDP = fields('ssdp', { '': proto('Simple Service Discovery Protocol') });

/** HTTP's own fields (http.ts), plus the one SSDP needs that HTTP over TCP does not declare. */
const H = {
  ...HTTP,
  ...fields('http', {
    notification: { ...bool('Notification', 0, 0, { tf: ['True', 'False'] }), hidden: true },
  }),
};

/** Headers with a field of their own (lower-case name → field). */
const HEADERS = new Map([
  ['host', H.host],
  ['user-agent', H.user_agent],
  ['server', H.server],
  ['location', H.location],
  ['cache-control', H.cache_control],
  ['content-type', H.content_type],
  ['date', H.date],
]);

const METHODS = /^(M-SEARCH|NOTIFY|SUBSCRIBE|UNSUBSCRIBE|GET|POST|HEAD) /;

export function dissectSSDP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const n = tvb.remaining(o);
  const textAll = tvb.ascii(o, n);
  const eol = textAll.indexOf('\r\n');
  const first = eol < 0 ? textAll : textAll.slice(0, eol);
  const isResponse = first.startsWith('HTTP/');
  const isRequest = !isResponse && METHODS.test(first);
  pinfo.layers.push('ssdp');
  pinfo.setProto('SSDP');
  if (pinfo.wantInfo) pinfo.setInfo(`${first} `);
  if (tree === NULL_TREE) return n;
  tree.push(SSDP[''], tvb, o, n);
  try {
    if (!isRequest && !isResponse) {
      tree.add(H['request.line'], tvb, o, n, textAll);
      return n;
    }
    const notify = first.startsWith('NOTIFY ');
    tree.add(notify ? H.notification : isResponse ? H.response : H.request, tvb, o, 0, true);
    const lineLen = eol < 0 ? n : eol + 2;
    tree.push(H.chat, tvb, o, lineLen);
    if (tree.full) {
      tree.label(`${first}\\r\\n`);
      expertInfo(tree, tvb, o, lineLen, 'Chat', 'Sequence', `${first}\\r\\n`);
    }
    const parts = first.split(' ');
    let uri = '';
    if (isResponse) {
      const version = parts[0] ?? '';
      const code = Number(parts[1] ?? '0');
      tree.add(H['response.version'], tvb, o, version.length, version);
      tree.add(H['response.code'], tvb, o + version.length + 1, 3, code);
      const phrase = parts.slice(2).join(' ');
      tree.add(H['response.phrase'], tvb, o + version.length + 5, phrase.length, phrase);
    } else {
      const method = parts[0] ?? '';
      uri = parts[1] ?? '';
      const version = parts.slice(2).join(' ');
      tree.add(H['request.method'], tvb, o, method.length, method);
      tree.add(H['request.uri'], tvb, o + method.length + 1, uri.length, uri);
      tree.add(H['request.version'], tvb, o + method.length + uri.length + 2, version.length, version);
    }
    tree.pop();
    let host = '';
    let p = lineLen;
    while (p < textAll.length) {
      const e = textAll.indexOf('\r\n', p);
      const line = e < 0 ? textAll.slice(p) : textAll.slice(p, e);
      const len = (e < 0 ? textAll.length : e + 2) - p;
      if (line === '') {
        tree.note('\\r\\n', tvb, o + p, len, 0);
        p += len;
        break;
      }
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).trim();
      const def = HEADERS.get(name.toLowerCase());
      // tshark prints the line end escaped, as `\r\n`.
      const shownLine = `${line}\\r\\n`;
      if (def) {
        tree.add(def, tvb, o + p, len, value);
        if (tree.full) tree.labelLast(shownLine);
        if (def === H.host) host = value;
      } else if (notify) {
        tree.add(H.unknown_header, tvb, o + p, len, shownLine);
        if (tree.full) tree.labelLast(shownLine);
      } else if (tree.full) {
        tree.note(shownLine, tvb, o + p, len, 0);
      }
      if (!notify) tree.add(isResponse ? H['response.line'] : H['request.line'], tvb, o + p, len, shownLine);
      p += len;
    }
    if (!isResponse && host) {
      tree.add(H['request.full_uri'], tvb, o, 0, `http://${host}${uri}`);
      if (tree.full) tree.labelLast(`[Full request URI: http://${host}${uri}]`);
    }
  } finally {
    tree.pop();
  }
  return n;
}

export const ssdpModule = {
  fields: { ...SSDP, notification: H.notification },
  handoff(reg: Registry): void {
    reg.register('udpPort', 1900, dissectSSDP);
  },
};
