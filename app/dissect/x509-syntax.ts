// A table-driven BER walker: ASN.1 types are built from the combinators below (seq, seqOf,
// choice, tagged, primitives) and each puts its items into the tree as tshark's BER engine
// does: a SEQUENCE over its whole element, a SEQUENCE OF with `N items`, a CHOICE valued by the
// alternative's number, primitives over their contents. Nothing here throws: an element that
// does not fit or does not match becomes a BER error item, and the walk goes on after it.
import { FieldType, type FieldDef } from './field.ts';
import { labelBytes } from './field-text.ts';
import { formatHex } from '../format/address.ts';
import { formatAbsoluteUtc } from '../format/time.ts';
import { expertInfo } from './dissect.ts';
import { BerClass, U, intValue, oidText, readChildren, readTlv, wideText, type Tlv } from './ber.ts';
import { BER } from './x509-fields.ts';
import { oidResolved } from './x509-oids.ts';
import { tvbFormatText, stringValue } from './text-format.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

/** One walk over one certificate. */
export interface Walk {
  readonly b: Uint8Array;
  readonly tvb: Tvb;
  readonly tree: Tree;
  /** Labels are wanted (a full tree). */
  readonly full: boolean;
  /** Protocol layers the OID-dispatched parts add to frame.protocols. */
  readonly layers: string[] | undefined;
  /** The last OBJECT IDENTIFIER read: what an open type (ANY DEFINED BY) is decoded by. */
  lastOid: string;
  /** The subject public key's algorithm: how its bits are read. */
  lastAlgorithm: string;
  /** TLS's SignatureAndHashAlgorithm item, for the CT timestamps inside a certificate. */
  readonly sigAlg?: (tvb: Tvb, offset: number, tree: Tree) => void;
  /** Texts kept by `keep` (the subject for the Certificate line). */
  kept: Record<string, string>;
}

/** An ASN.1 type bound to its field: how it is recognized and how it goes into the tree. */
export interface Elem {
  matches(t: Tlv): boolean;
  /** Adds the element's items; returns its text for the parent's label ('' when none). */
  decode(w: Walk, t: Tlv): string;
}

/** What an OID selects in an open type: the protocol that dissects it and its syntax. */
export interface OidSyntax {
  layer: string;
  elem: Elem;
}

const isUniversal = (tag: number, constructed: boolean) => (t: Tlv) =>
  t.cls === BerClass.Universal && t.tag === tag && t.constructed === constructed;

/** A label for the last item added, only when labels are wanted. */
function label(w: Walk, text: string): void {
  if (w.full) w.tree.labelLast(labelBytes(text));
}

// ---- Primitives -------------------------------------------------------------------------------

/** OBJECT IDENTIFIER: `Name: 1.2.3 (resolved)`; remembered for the open type that follows. */
export function oid(f: FieldDef): Elem {
  return {
    matches: isUniversal(U.Oid, false),
    decode(w, t) {
      const value = oidText(w.b, t.body, t.end);
      w.lastOid = value;
      w.tree.add(f, w.tvb, t.body, t.end - t.body, value);
      label(w, `${f.name}: ${value} (${oidResolved(value)})`);
      return oidResolved(value);
    },
  };
}

/** INTEGER: a number, or (an FT_BYTES field) its octets shown as `0x…`. */
export function int(f: FieldDef): Elem {
  return {
    matches: isUniversal(U.Integer, false),
    decode(w, t) {
      const len = t.end - t.body;
      if (f.type === FieldType.Bytes) {
        w.tree.add(f, w.tvb, t.body, len);
        const shown = formatHex(w.b, t.body, Math.min(len, 36)) + (len > 36 ? '…' : '');
        label(w, `${f.name}: 0x${shown}`);
        return '';
      }
      const v = intValue(w.b, t.body, t.end);
      w.tree.add(f, w.tvb, t.body, len, v);
      return String(v);
    },
  };
}

export function octets(f: FieldDef): Elem {
  return {
    matches: isUniversal(U.OctetString, false),
    decode(w, t) {
      w.tree.add(f, w.tvb, t.body, t.end - t.body);
      return '';
    },
  };
}

export function bool(f: FieldDef): Elem {
  return {
    matches: isUniversal(U.Boolean, false),
    decode(w, t) {
      w.tree.add(f, w.tvb, t.body, t.end - t.body, t.end > t.body && w.b[t.body] !== 0);
      return '';
    },
  };
}

/** NULL, shown by its field's name. */
export function nul(f: FieldDef): Elem {
  return {
    matches: isUniversal(U.Null, false),
    decode(w, t) {
      w.tree.add(f, w.tvb, t.start, t.end - t.start);
      return '';
    },
  };
}

export type StringCoding = 'utf8' | 'bmp' | 'universal';

/** A character string of universal type `tag`. Returns its raw bytes as label text. */
export function string(f: FieldDef, tag: number, coding: StringCoding = 'utf8'): Elem {
  return {
    matches: (t) => t.cls === BerClass.Universal && t.tag === tag && !t.constructed,
    decode(w, t) {
      addString(w, f, t, coding);
      return w.full ? tvbFormatText(w.b, t.body, t.end) : '';
    },
  };
}

function addString(w: Walk, f: FieldDef, t: Tlv, coding: StringCoding): void {
  if (coding === 'utf8') {
    const s = stringValue(w.b, t.body, t.end);
    w.tree.add(f, w.tvb, t.body, t.end - t.body, s.field);
    return;
  }
  const s = wideText(w.b, t.body, t.end, coding === 'bmp' ? 2 : 4);
  w.tree.add(f, w.tvb, t.body, t.end - t.body, s);
}

/** UTCTime, shown as tshark shows it: `2026-12-03 19:37:25 (UTC)`. */
export function utcTime(f: FieldDef): Elem {
  return {
    matches: isUniversal(U.UtcTime, false),
    decode(w, t) {
      w.tree.add(f, w.tvb, t.body, t.end - t.body, utcText(w.b, t.body, t.end));
      return '';
    },
  };
}

function utcText(b: Uint8Array, from: number, to: number): string {
  const s = String.fromCharCode(...b.subarray(from, to));
  const m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/.exec(s);
  if (!m) return s;
  const yy = Number(m[1]);
  const year = yy < 50 ? 2000 + yy : 1900 + yy;
  return `${year}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6] ?? '00'} (UTC)`;
}

/** GeneralizedTime as an absolute time (`Dec 28, 2067 19:39:39.000000000 UTC`). */
export function generalizedTime(f: FieldDef): Elem {
  return {
    matches: isUniversal(U.GeneralizedTime, false),
    decode(w, t) {
      const s = String.fromCharCode(...w.b.subarray(t.body, t.end));
      const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.(\d{1,9}))?Z$/.exec(s);
      const value = m
        ? formatAbsoluteUtc(
            Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000,
            Number((m[7] ?? '').padEnd(9, '0')),
          )
        : s;
      w.tree.add(f, w.tvb, t.body, t.end - t.body, value);
      return '';
    },
  };
}

/**
 * BIT STRING: its padding octet, its bits as bytes, and named bits (one field per bit, eight to
 * an octet) under it. `contents` decodes the bits as an element instead (an RSA public key).
 */
export function bits(f: FieldDef, named: readonly FieldDef[] = [], contents?: Elem): Elem {
  return {
    matches: isUniversal(U.BitString, false),
    decode(w, t) {
      if (t.end <= t.body) {
        w.tree.add(f, w.tvb, t.body, 0);
        return '';
      }
      const from = t.body + 1;
      const inner = contents ? readTlv(w.b, from, t.end) : null;
      if (contents && inner && contents.matches(inner)) {
        w.tree.push(f, w.tvb, from, t.end - from);
        contents.decode(w, inner);
        w.tree.pop();
        return '';
      }
      w.tree.add(BER['bitstring.padding'], w.tvb, t.body, 1, w.b[t.body] as number);
      if (named.length === 0) {
        w.tree.add(f, w.tvb, from, t.end - from);
        return '';
      }
      w.tree.push(f, w.tvb, from, t.end - from);
      named.forEach((bit, i) => {
        const at = from + (i >> 3);
        const octet = at < t.end ? (w.b[at] as number) : 0;
        const mask = bit.mask ?? 0;
        w.tree.add(bit, w.tvb, Math.min(at, t.end - 1), 1, (octet & mask) !== 0);
      });
      w.tree.pop();
      return '';
    },
  };
}

// ---- Constructed types ------------------------------------------------------------------------

export interface SeqOptions {
  /** The label's text in parentheses, from the members' texts (AlgorithmIdentifier's name). */
  suffix?: (texts: string[]) => string;
  /** The text the SEQUENCE gives its parent. */
  text?: (texts: string[]) => string;
}

/** SEQUENCE (or SET) of members in order; optional ones may be absent. */
export function seq(f: FieldDef, members: Elem[], opts: SeqOptions = {}, tag = U.Sequence): Elem {
  return {
    matches: isUniversal(tag, true),
    decode(w, t) {
      w.tree.push(f, w.tvb, t.start, t.end - t.start);
      const texts = decodeMembers(w, t, members);
      if (w.full) {
        const suffix = opts.suffix?.(texts) ?? '';
        const empty = t.end === t.body ? ' [0 length]' : '';
        w.tree.label(labelBytes(`${f.name}${suffix ? ` (${suffix})` : ''}${empty}`));
      }
      w.tree.pop();
      return opts.text?.(texts) ?? '';
    },
  };
}

/** The members of a SEQUENCE, in order, under the node open now; their texts by member. */
export function decodeMembers(w: Walk, t: Tlv, members: readonly Elem[]): string[] {
  const texts: string[] = members.map(() => '');
  const { items, stop } = readChildren(w.b, t);
  let m = 0;
  for (const child of items) {
    let k = m;
    while (k < members.length && !(members[k] as Elem).matches(child)) k++;
    if (k === members.length) {
      berError(w, child, 'Unknown field in SEQUENCE');
      continue;
    }
    texts[k] = safeDecode(w, members[k] as Elem, child);
    m = k + 1;
  }
  if (stop < t.end)
    berError(w, { cls: 0, constructed: false, tag: 0, start: stop, body: stop, end: t.end }, 'length');
  return texts;
}

export interface SeqOfOptions {
  /** The label's text in parentheses, from the items' texts (a name's attributes). */
  suffix?: (texts: string[]) => string;
  text?: (texts: string[]) => string;
}

/** SEQUENCE OF / SET OF: `Name: N items`, valued by the count. */
export function seqOf(f: FieldDef, item: Elem, opts: SeqOfOptions = {}, tag = U.Sequence): Elem {
  return {
    matches: isUniversal(tag, true),
    decode(w, t) {
      const { items, stop } = readChildren(w.b, t);
      w.tree.push(f, w.tvb, t.body, t.end - t.body, items.length);
      const texts: string[] = [];
      for (const child of items) {
        if (item.matches(child)) texts.push(safeDecode(w, item, child));
        else berError(w, child, 'Wrong field in SEQUENCE OF');
      }
      if (stop < t.end)
        berError(w, { cls: 0, constructed: false, tag: 0, start: stop, body: stop, end: t.end }, 'length');
      if (w.full) {
        const suffix = opts.suffix?.(texts) ?? '';
        const n = items.length;
        w.tree.label(labelBytes(`${f.name}: ${n} item${n === 1 ? '' : 's'}${suffix ? ` (${suffix})` : ''}`));
      }
      w.tree.pop();
      return opts.text?.(texts) ?? '';
    },
  };
}

export interface Alt {
  /** The alternative's number, the CHOICE field's value. */
  value: number;
  elem: Elem;
}

/** CHOICE: an item valued by the alternative's number, the alternative under it. */
export function choice(f: FieldDef, alts: readonly Alt[]): Elem {
  return {
    matches: (t) => alts.some((a) => a.elem.matches(t)),
    decode(w, t) {
      const alt = alts.find((a) => a.elem.matches(t)) as Alt;
      w.tree.push(f, w.tvb, t.start, t.end - t.start, alt.value);
      const text = safeDecode(w, alt.elem, t);
      w.tree.pop();
      return text;
    },
  };
}

/** `[n] IMPLICIT`: the element under a context tag (constructed or not, as the type is). */
export function implicit(n: number, elem: Elem, constructed: boolean): Elem {
  return {
    matches: (t) => t.cls === BerClass.Context && t.tag === n && t.constructed === constructed,
    decode: (w, t) => elem.decode(w, t),
  };
}

/** `[n] EXPLICIT`: the element inside a context-tagged wrapper, which gets no item of its own. */
export function explicit(n: number, elem: Elem): Elem {
  return {
    matches: (t) => t.cls === BerClass.Context && t.tag === n && t.constructed,
    decode(w, t) {
      const inner = readTlv(w.b, t.body, t.end);
      if (!inner || !elem.matches(inner)) {
        berError(w, inner ?? t, 'Wrong field in explicit tag');
        return '';
      }
      return safeDecode(w, elem, inner);
    },
  };
}

/**
 * An open type (ANY DEFINED BY the OID read before it): the syntax `lookup` finds dissects it
 * and adds its protocol to the layers; an unknown OID gets tshark's "not implemented" item,
 * except for a NULL value, which tshark passes over in silence.
 */
export function open(lookup: (oid: string) => OidSyntax | undefined): Elem {
  return {
    matches: () => true,
    decode: (w, t) => decodeOpen(w, t, lookup(w.lastOid)),
  };
}

/** Decodes `t` by `syntax`, or shows it as undecoded; returns its text. */
export function decodeOpen(w: Walk, t: Tlv, syntax: OidSyntax | undefined): string {
  if (syntax && syntax.elem.matches(t)) {
    w.layers?.push(syntax.layer);
    return safeDecode(w, syntax.elem, t);
  }
  if (!syntax && w.b[t.start] === 0x05 && w.b[t.start + 1] === 0x00) return '';
  notImplemented(w, t.start, t.end - t.start);
  return '';
}

/** tshark's item for an OID it has no dissector for (or whose value does not fit it). */
export function notImplemented(w: Walk, offset: number, length: number): void {
  const message =
    'BER: Dissector for OID not implemented. Contact Wireshark developers if you want this supported';
  w.tree.push(BER['error.oid_not_implemented'], w.tvb, offset, length);
  if (w.full) w.tree.label(message);
  expertInfo(w.tree, w.tvb, offset, length, 'Warning', 'Undecoded', message);
  w.tree.pop();
}

/** An element that is not what the syntax expects: shown, flagged, and passed over. */
export function berError(w: Walk, t: Tlv, what: string): void {
  const message = `BER Error: ${what}`;
  w.tree.push(BER['error.malformed'], w.tvb, t.start, t.end - t.start);
  if (w.full) w.tree.label(message);
  expertInfo(w.tree, w.tvb, t.start, t.end - t.start, 'Warning', 'Malformed', message);
  w.tree.pop();
}

/** Decodes one element; a fault inside it (a bug or a cut value) closes its open subtrees. */
function safeDecode(w: Walk, elem: Elem, t: Tlv): string {
  const mark = w.tree.current();
  try {
    return elem.decode(w, t);
  } catch {
    while (w.tree.current() !== mark && w.tree.current() !== null) w.tree.pop();
    berError(w, t, 'Malformed value');
    return '';
  }
}

/** Keeps the element's text in `w.kept[key]` (the subject for the Certificate line). */
export function keep(key: string, elem: Elem): Elem {
  return {
    matches: (t) => elem.matches(t),
    decode(w, t) {
      const text = elem.decode(w, t);
      w.kept[key] = text;
      return text;
    },
  };
}

/** Bytes as hex with tshark's 36-byte cut, for labels. */
export function hexLabel(b: Uint8Array, from: number, length: number): string {
  return formatHex(b, from, Math.min(length, 36)) + (length > 36 ? '…' : '');
}
