// Compuserve GIF (87a and 89a) as tshark 4.0's image-gif dissector shows a body of type image/gif:
// the logical screen descriptor with its flag bits, the global colour map, extensions and images
// with their data sub-blocks, and the trailer. A block cut short is malformed.
import { bytes, fields, hex, names, proto, str, text, uint, type FieldDef } from './field.ts';
import { expertItem } from './ip-proto.ts';
import { runGuarded, shownLength, wantsAny } from './media-common.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TRUE_FALSE = names({ 0: 'False', 1: 'True' });

export const F = fields('image-gif', {
  '': proto('Compuserve GIF'),
  version: str('Version'),
  'screen.width': uint('Screen width', 16),
  'screen.height': uint('Screen height', 16),
  'global.color_map.present': uint('Global color map is present', 8, { mask: 0x80, strings: TRUE_FALSE }),
  'global.color_bpp': uint('Bits per color minus 1', 8, { mask: 0x70 }),
  'global.color_map.ordered': uint('Global color map is ordered', 8, { mask: 0x08, strings: TRUE_FALSE }),
  'global.bpp': uint('Image bits per pixel minus 1', 8, { mask: 0x07 }),
  image_background_index: uint('Background color index', 8),
  'global.pixel_aspect_ratio': uint('Global pixel aspect ratio', 8),
  'global.color_map': bytes('Global color map'),
  'image.left': uint('Image left position', 16),
  'image.top': uint('Image top position', 16),
  'image.width': uint('Image width', 16),
  'image.height': uint('Image height', 16),
  'local.color_map.present': uint('Local color map is present', 8, { mask: 0x80, strings: TRUE_FALSE }),
  'local.color_bpp': uint('Bits per color minus 1', 8, { mask: 0x70 }),
  'local.color_map.ordered': uint('Local color map is ordered', 8, { mask: 0x08, strings: TRUE_FALSE }),
  'local.bpp': uint('Image bits per pixel minus 1', 8, { mask: 0x07 }),
  'local.color_map': bytes('Local color map'),
  extension: text('Extension'),
  'extension.label': hex('Extension label', 8, {
    strings: names({ 0xf9: 'Graphics Control', 0xfe: 'Comment', 0xff: 'Application', 0x01: 'Plain Text' }),
  }),
  image: text('Image'),
  'image.code_size': uint('LZW minimum code size', 8),
  end: text('Trailer (End of the GIF stream)'),
  data_block: bytes('Data block'),
});

const VALUE_FIELDS: readonly FieldDef[] = Object.values(F).filter((d) => d !== F['']);
/** The settings byte of the screen or an image: a subtree with no field of its own. */
const SETTINGS: FieldDef = { ...text('Settings'), abbrev: '', id: -1 };

const Block = { Extension: 0x21, Image: 0x2c, Trailer: 0x3b } as const;

/** Whether `body` is what tshark's image-gif dissector takes: a GIF87a or GIF89a header, 20 bytes at least. */
export function isGif(body: Tvb): boolean {
  if (body.end - body.start < 20) return false;
  const v = body.ascii(body.start, 6);
  return v === 'GIF87a' || v === 'GIF89a';
}

/** An image/gif body that `isGif` took: its layer, Info (the version) and (when wanted) its tree. */
export function dissectGif(body: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const version = body.ascii(body.start, 6);
  pinfo.layers.push('image-gif');
  if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info} (${version})`);
  if (!wantsAny(tree, VALUE_FIELDS) && !tree.wants(F['']) && !pinfo.wantInfo) return;
  runGuarded('GIF image', body, pinfo, tree, (t) => {
    t.push(F[''], body, body.start, body.end - body.start);
    if (t.full) t.label(`Compuserve GIF, Version: ${version}`);
    t.add(F.version, body, body.start, 6, version);
    dissectStream(body, version === 'GIF89a', pinfo, t);
    t.pop();
  });
}

function dissectStream(body: Tvb, is89a: boolean, pinfo: PacketInfo, tree: Tree): void {
  let o = dissectScreen(body, body.start + 6, is89a, tree);
  while (o < body.end) {
    const kind = body.u8(o);
    if (kind === Block.Trailer) {
      tree.add(F.end, body, o, 1);
      return;
    }
    if (kind === Block.Extension) o = dissectExtension(body, o, tree);
    else if (kind === Block.Image) o = dissectImage(body, o, is89a, tree);
    else {
      expertItem(pinfo, tree, body, o, 1, 'Warning', 'Protocol', 'Unknown GIF data block type');
      o++;
    }
  }
}

/** The logical screen descriptor and the global colour map; returns where the blocks start. */
function dissectScreen(body: Tvb, o: number, is89a: boolean, tree: Tree): number {
  tree.add(F['screen.width'], body, o, 2, body.u16le(o));
  tree.add(F['screen.height'], body, o + 2, 2, body.u16le(o + 2));
  const flags = body.u8(o + 4);
  addSettings(body, o + 4, flags, 'Global', is89a, tree);
  tree.add(F.image_background_index, body, o + 5, 1, body.u8(o + 5));
  const ratio = body.u8(o + 6);
  if (ratio !== 0) {
    tree.add(F['global.pixel_aspect_ratio'], body, o + 6, 1, ratio);
    if (tree.full)
      tree.labelLast(
        `${ratio}, yields an aspect ratio of (15 + ${ratio}) / 64 = ${((15 + ratio) / 64).toFixed(2)}`,
      );
  }
  o += 7;
  if (flags & 0x80) {
    const size = colorMapSize(flags);
    body.need(o, size);
    tree.add(F['global.color_map'], body, o, size);
    o += size;
  }
  return o;
}

const colorMapSize = (flags: number): number => 3 * (1 << ((flags & 0x07) + 1));

/** The flags byte of the screen (`Global`) or an image (`Local`) and its bits. */
function addSettings(
  body: Tvb,
  o: number,
  flags: number,
  scope: 'Global' | 'Local',
  is89a: boolean,
  tree: Tree,
): void {
  // tshark's label drops the low bit of the colour resolution: 0 and 1 both read "1 bit".
  const bpc = (((flags & 0x70) >> 4) & 6) + 1;
  const bpp = (flags & 0x07) + 1;
  tree.push(SETTINGS, body, o, 1);
  if (tree.full) {
    const present = flags & 0x80 ? `(${scope} color table present) ` : '';
    tree.label(
      `${scope} settings: ${present}(${plural(bpc, 'bit')} per color) (${plural(bpp, 'bit')} per pixel)`,
    );
  }
  const g = scope === 'Global' ? 'global' : 'local';
  tree.add(F[`${g}.color_map.present`], body, o, 1, flags >> 7);
  tree.add(F[`${g}.color_bpp`], body, o, 1, (flags & 0x70) >> 4);
  if (is89a) tree.add(F[`${g}.color_map.ordered`], body, o, 1, (flags & 0x08) >> 3);
  // tshark files the image bits per pixel of an image under the global field too.
  tree.add(F['global.bpp'], body, o, 1, flags & 0x07);
  tree.pop();
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function dissectExtension(body: Tvb, at: number, tree: Tree): number {
  const label = body.u8(at + 1);
  tree.push(F.extension, body, at, 2);
  const name = F['extension.label'].strings?.get(label);
  if (tree.full)
    tree.label(
      `Extension: ${name ?? `<Warning: Unknown extension 0x${label.toString(16).padStart(2, '0')}>`}`,
    );
  tree.add(F['extension.label'], body, at + 1, 1, label);
  const end = addDataBlocks(body, at + 2, tree);
  tree.pop(end - at);
  return end;
}

function dissectImage(body: Tvb, at: number, is89a: boolean, tree: Tree): number {
  tree.push(F.image, body, at, shownLength(body, at, 10));
  let o = at + 1;
  tree.add(F['image.left'], body, o, 2, body.u16le(o));
  tree.add(F['image.top'], body, o + 2, 2, body.u16le(o + 2));
  tree.add(F['image.width'], body, o + 4, 2, body.u16le(o + 4));
  tree.add(F['image.height'], body, o + 6, 2, body.u16le(o + 6));
  const flags = body.u8(o + 8);
  addSettings(body, o + 8, flags, 'Local', is89a, tree);
  o += 9;
  if (flags & 0x80) {
    const size = colorMapSize(flags);
    body.need(o, size);
    tree.add(F['local.color_map'], body, o, size);
    o += size;
  }
  tree.add(F['image.code_size'], body, o, 1, body.u8(o));
  const end = addDataBlocks(body, o + 1, tree);
  tree.pop(end - at);
  return end;
}

/** Data sub-blocks (a length byte, then that many bytes) up to the empty one; returns where they end. */
function addDataBlocks(body: Tvb, from: number, tree: Tree): number {
  let o = from;
  for (;;) {
    const n = body.u8(o);
    body.need(o + 1, n);
    // Its value (FT_UINT_BYTES) is the data after the length byte.
    const value = tree.wants(F.data_block)
      ? n === 0
        ? '<none>'
        : dataHex(body.bytes, o + 1, n, n)
      : undefined;
    tree.add(F.data_block, body, o, n + 1, value);
    if (tree.full) {
      const hex = n === 0 ? '<none>' : dataHex(body.bytes, o + 1, n);
      tree.labelLast(`Data block: ${hex} (length = ${n})`);
    }
    o += n + 1;
    if (n === 0) return o;
  }
}

/** `n` bytes as hex: a label shows the first 36 (`max`) and an ellipsis after. */
function dataHex(b: Uint8Array, from: number, n: number, max = 36): string {
  let s = '';
  for (let i = 0; i < Math.min(n, max); i++) s += (b[from + i] as number).toString(16).padStart(2, '0');
  return n > max ? `${s}…` : s;
}
