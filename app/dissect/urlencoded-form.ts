// HTML Form URL Encoded (application/x-www-form-urlencoded) bodies: `key=value&key=value`, each
// percent-decoded with `+` for a space, as tshark 4.0's urlencoded-form shows them.
import { noteFault } from './dissect.ts';
import { fields, proto, str, text } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import { bytesText } from './text-format.ts';
import type { Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';

export const F = fields('urlencoded-form', {
  '': proto('HTML Form URL Encoded'),
  key: str('Key'),
  value: str('Value'),
  _item: text('Form item'),
});

export const MEDIA_TYPE = 'application/x-www-form-urlencoded';

/** Wireshark's short name, which its malformed note shows. */
const SHORT_NAME = 'URL Encoded Form Data';

/** One decoded key or value: its text, and where its raw bytes end. */
interface Part {
  text: string;
  end: number;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/**
 * The part from `o` up to `stop` (or the end), decoded; null at an escape that is not hex (the
 * form stops there quietly). An escape cut by the end is a malformed body, as in Wireshark.
 */
function readPart(tvb: Tvb, o: number, stop: number): Part | null {
  const b = tvb.bytes;
  const out: number[] = [];
  let i = o;
  while (i < tvb.end && b[i] !== stop) {
    const c = b[i] as number;
    if (c === 0x25) {
      if (i + 2 >= tvb.end) throw new MalformedError('Malformed Packet', tvb.end);
      const hi = hexValue(b[i + 1] as number);
      const lo = hexValue(b[i + 2] as number);
      if (hi < 0 || lo < 0) return null;
      out.push((hi << 4) | lo);
      i += 3;
      continue;
    }
    out.push(c === 0x2b ? 0x20 : c);
    i++;
  }
  // The decoded bytes are a C string: a NUL ends what is shown.
  const nul = out.indexOf(0);
  return { text: bytesText(out, 0, nul < 0 ? out.length : nul, false, false), end: i };
}

/** The form in `body` (its media type in the protocol's label and in Info). */
export function dissectUrlencodedForm(body: Tvb, type: string, pinfo: PacketInfo, tree: Tree): void {
  pinfo.layers.push('urlencoded-form');
  if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info} (${type})`);
  tree.push(F[''], body, body.start, body.end - body.start);
  if (tree.full) tree.label(`HTML Form URL Encoded: ${type}`);
  let depth = 1;
  try {
    for (let o = body.start; o < body.end;) {
      tree.push(F._item, body, o, 0);
      depth++;
      if (tree.full) tree.label('Form item');
      const key = readPart(body, o, 0x3d);
      if (!key) break;
      tree.add(F.key, body, o, key.end - o, key.text);
      if (tree.full) tree.label(`Form item: "${key.text}"`);
      const from = Math.min(key.end + 1, body.end);
      const value = readPart(body, from, 0x26);
      if (!value) break;
      tree.add(F.value, body, from, value.end - from, value.text);
      if (tree.full) tree.label(`Form item: "${key.text}" = "${value.text}"`);
      tree.pop(value.end - o);
      depth--;
      o = value.end + 1;
    }
  } catch (err) {
    // Close the open item (and the protocol) before the malformed note, which follows them.
    unwind(tree, depth);
    const saved = pinfo.currentProto;
    pinfo.currentProto = SHORT_NAME;
    noteFault(err, body, pinfo, tree);
    pinfo.currentProto = saved;
    return;
  }
  unwind(tree, depth);
}

function unwind(tree: Tree, depth: number): void {
  for (let i = 0; i < depth; i++) tree.pop();
}

export const urlencodedFormModule = { fields: F };
