// REdis Serialization Protocol (RESP 2) on TCP 6379: simple strings, errors, integers, bulk
// strings and arrays, as tshark 4.0 shows them. Info starts `Request:` towards the server port,
// `Response:` from it, then one word per top-level value (a request's array shows its elements,
// a response's array its length); a line that is no RESP value is a `[fragment]`. A value whose
// end is not in the segment asks TCP for more.
import { bytes, fields, proto, str, text, FieldType } from './field.ts';
import { DESEGMENT_ONE_MORE_SEGMENT, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const F = fields('resp', {
  '': proto('REdis Serialization Protocol'),
  string: str('String'),
  error: str('Error'),
  bulk_string: text('Bulk String'),
  'bulk_string.value': bytes('Value'),
  'bulk_string.length': { name: 'Length', type: FieldType.Int, base: 'dec', bits: 32 },
  integer: { name: 'Integer', type: FieldType.Int, base: 'dec', bits: 64 },
  array: text('Array'),
  'array.length': { name: 'Length', type: FieldType.Int, base: 'dec', bits: 64 },
  fragment: text('Fragment'),
  partial: text('Field is only partially decoded'),
});

const PORT = 6379;
/** Arrays nest at most this deep before the rest is shown flat (tshark stops recursing too). */
const MAX_DEPTH = 32;

/** Thrown when a value runs past the data: the message is retried with more bytes. */
class Incomplete extends Error {}

interface Cursor {
  tvb: Tvb;
  p: number;
  end: number;
  request: boolean;
  words: string[];
}

export function dissectRESP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const end = o + tvb.remaining(o);
  pinfo.layers.push('resp');
  pinfo.setProto('RESP');
  const request = pinfo.dstPort === PORT;
  const c: Cursor = { tvb, p: o, end, request, words: [] };
  tree.push(F[''], tvb, o, end - o);
  try {
    while (c.p < end) {
      const start = c.p;
      try {
        value(c, 0, true, tree);
      } catch (err) {
        if (!(err instanceof Incomplete)) throw err;
        if (pinfo.canDesegment) {
          pinfo.desegmentOffset = start - o;
          pinfo.desegmentLen = DESEGMENT_ONE_MORE_SEGMENT;
        }
        c.words.push('[continuation]');
        tree.add(F.partial, tvb, start, end - start);
        break;
      }
    }
  } finally {
    tree.pop();
  }
  if (pinfo.wantInfo)
    pinfo.setInfo(`${request ? 'Request:' : 'Response:'}${c.words.map((w) => ` ${w}`).join('')}`);
  return end - o;
}

/** The line from `c.p` up to CRLF (without it); moves past the CRLF. */
function line(c: Cursor): string {
  const b = c.tvb.bytes;
  for (let i = c.p; i + 1 < c.end; i++) {
    if (b[i] === 0x0d && b[i + 1] === 0x0a) {
      const s = c.tvb.ascii(c.p, i - c.p);
      c.p = i + 2;
      return s;
    }
  }
  throw new Incomplete();
}

/** A RESP integer's text as a number, or null when it is not one. */
function integer(s: string): bigint | null {
  return /^-?\d{1,19}$/.test(s) ? BigInt(s) : null;
}

/** A length as C's strtol reads it: the leading digits, 0 when there are none. */
function length(s: string): bigint {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? BigInt(m[1] as string) : 0n;
}

/** One value; `top` values add their word to Info. */
function value(c: Cursor, depth: number, top: boolean, tree: Tree): void {
  const start = c.p;
  const kind = c.tvb.u8(start);
  const say = (w: string): void => {
    if (top) c.words.push(w);
  };
  switch (kind) {
    case 0x2b: {
      const s = line(c).slice(1);
      tree.add(F.string, c.tvb, start, c.p - start, s);
      if (s) say(s);
      return;
    }
    case 0x2d: {
      const s = line(c).slice(1);
      tree.add(F.error, c.tvb, start, c.p - start, s);
      say(`Error: ${s}`);
      return;
    }
    case 0x3a: {
      const n = integer(line(c).slice(1));
      if (n === null) return;
      tree.add(F.integer, c.tvb, start, c.p - start, n);
      say(String(n));
      return;
    }
    case 0x24:
      bulk(c, start, say, tree);
      return;
    case 0x2a:
      array(c, start, depth, top, tree);
      return;
    default: {
      // Text that is no value runs to the next CR or LF; blank lines are skipped.
      const b = c.tvb.bytes;
      while (c.p < c.end && b[c.p] !== 0x0d && b[c.p] !== 0x0a) c.p++;
      const blank = c.p === start;
      if (!blank) tree.add(F.fragment, c.tvb, start, c.p - start);
      while (c.p < c.end && (b[c.p] === 0x0d || b[c.p] === 0x0a)) c.p++;
      if (blank) return;
      say('[fragment]');
    }
  }
}

function bulk(c: Cursor, start: number, say: (w: string) => void, tree: Tree): void {
  const n = length(line(c).slice(1));
  if (n < 0n) return;
  if (n > BigInt(c.end - c.p)) throw new Incomplete();
  const len = Number(n);
  if (c.p + len + 2 > c.end) throw new Incomplete();
  const content = c.tvb.ascii(c.p, len);
  tree.push(F.bulk_string, c.tvb, start, c.p + len + 2 - start);
  if (tree.full) tree.label(`Bulk String: ${content}`);
  tree.add(F['bulk_string.length'], c.tvb, start + 1, c.p - start - 3, len);
  if (len > 0) tree.add(F['bulk_string.value'], c.tvb, c.p, len);
  tree.pop();
  c.p += len + 2;
  // An empty bulk string is a word of its own in a request, an empty word in a response.
  say(len === 0 && c.request ? 'BulkString(0)' : content);
}

function array(c: Cursor, start: number, depth: number, top: boolean, tree: Tree): void {
  const n = length(line(c).slice(1));
  if (n < 0n) return;
  // More elements than bytes left cannot all be there: wait for more instead of looping.
  if (n > BigInt(c.end - c.p)) throw new Incomplete();
  const count = Number(n);
  tree.push(F.array, c.tvb, start, 0);
  if (tree.full) tree.label(`Array: Length ${count}`);
  tree.add(F['array.length'], c.tvb, start + 1, c.p - start - 3, n);
  if (top && !c.request) c.words.push(`Array(${count})`);
  // Deeper than that, the elements follow as values of their own (no recursion without bound).
  if (depth + 1 < MAX_DEPTH) for (let i = 0; i < count; i++) value(c, depth + 1, top && c.request, tree);
  tree.pop(c.p - start);
}

export const respModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('tcpPort', PORT, dissectRESP);
  },
};
