// Portable Network Graphics (ISO/IEC 15948) as tshark 4.0's png dissector shows a body of type
// image/png: the signature, then each chunk with its length, type and type flags, the fields of
// the chunks it knows (IHDR, tEXt, tIME, pHYs, bKGD, sRGB, gAMA, cHRM), "Data" for the others,
// and the CRC (not checked). A chunk longer than what is left is malformed.
import { bool, fields, hex, names, proto, str, text, uint, FieldType, type FieldDef } from './field.ts';
import { innerTvb, runGuarded, wantsAny } from './media-common.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const float = (name: string): { name: string; type: FieldType } => ({ name, type: FieldType.Float });

export const F = fields('png', {
  '': proto('Portable Network Graphics'),
  signature: { name: 'PNG Signature', type: FieldType.Bytes },
  'chunk.data': text('Data'),
  'chunk.type': str('Chunk'),
  'chunk.len': uint('Len', 32),
  'chunk.crc': hex('CRC', 32),
  'chunk.flag.ancillary': bool('Ancillary', 32, 0x20000000, {
    tf: ['This is an ANCILLARY chunk', 'This is a CRITICAL chunk'],
  }),
  'chunk.flag.private': bool('Private', 32, 0x200000, {
    tf: ['This is a PRIVATE chunk', 'This is a PUBLIC chunk'],
  }),
  'chunk.flag.stc': bool('Safe To Copy', 32, 0x20, {
    tf: ['This chunk is SAFE TO COPY', 'This chunk is NOT safe to copy'],
  }),
  'ihdr.width': uint('Width', 32),
  'ihdr.height': uint('Height', 32),
  'ihdr.bitdepth': uint('Bit Depth', 8),
  'ihdr.colour_type': uint('Colour Type', 8, {
    strings: names({
      0: 'Greyscale',
      2: 'Truecolour',
      3: 'Indexed-colour',
      4: 'Greyscale with alpha',
      6: 'Truecolour with alpha',
    }),
  }),
  'ihdr.compression_method': uint('Compression Method', 8, { strings: names({ 0: 'Deflate' }) }),
  'ihdr.filter_method': uint('Filter Method', 8, { strings: names({ 0: 'Adaptive' }) }),
  'ihdr.interlace_method': uint('Interlace Method', 8, { strings: names({ 0: 'No interlace', 1: 'Adam7' }) }),
  'srgb.intent': uint('Intent', 8, {
    strings: names({
      0: 'Perceptual',
      1: 'Relative colorimetric',
      2: 'Saturation',
      3: 'Absolute colorimetric',
    }),
  }),
  'text.keyword': str('Keyword'),
  'text.string': str('String'),
  'time.year': uint('Year', 16),
  'time.month': uint('Month', 8),
  'time.day': uint('Day', 8),
  'time.hour': uint('Hour', 8),
  'time.minute': uint('Minute', 8),
  'time.second': uint('Second', 8),
  'phys.horiz': uint('Horizontal pixels per unit', 32),
  'phys.vert': uint('Vertical pixels per unit', 32),
  'phys.unit': uint('Unit', 8, { strings: names({ 0: 'Unit is unknown', 1: 'Unit is METRE' }) }),
  'bkgd.palette_index': uint('Palette Index', 8),
  'bkgd.greyscale': hex('Greyscale', 16),
  'bkgd.red': hex('Red', 16),
  'bkgd.green': hex('Green', 16),
  'bkgd.blue': hex('Blue', 16),
  'chrm.white.x': float('White X'),
  'chrm.white.y': float('White Y'),
  'chrm.red.x': float('Red X'),
  'chrm.red.y': float('Red Y'),
  'chrm.green.x': float('Green X'),
  'chrm.green.y': float('Green Y'),
  'chrm.blue.x': float('Blue X'),
  'chrm.blue.y': float('Blue Y'),
  'gama.gamma': float('Gamma'),
});

const VALUE_FIELDS: readonly FieldDef[] = Object.values(F).filter((d) => d !== F['']);
/** A chunk: a subtree with no field of its own in tshark. */
const CHUNK: FieldDef = { ...text('Chunk'), abbrev: '', id: -1 };

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** What tshark calls the chunks it knows; any other is "unknown". */
const CHUNK_NAMES: Readonly<Record<string, string>> = {
  IHDR: 'Image Header',
  PLTE: 'Palette',
  IDAT: 'Image data chunk',
  IEND: 'Image Trailer',
  tRNS: 'Transparency',
  gAMA: 'Image gamma',
  cHRM: 'Primary chromaticities and white point',
  sRGB: 'Standard RGB colour space',
  sBIT: 'Significant bits',
  iCCP: 'Embedded ICC profile',
  bKGD: 'Background colour',
  tIME: 'Image last-modification time',
  pHYs: 'Physical pixel dimensions',
  tEXt: 'Textual data',
  iTXt: 'International textual data',
};

type ChunkBody = (data: Tvb, state: PngState, tree: Tree) => void;

/** What later chunks need from earlier ones: bKGD's layout follows IHDR's colour type. */
interface PngState {
  colourType: number;
}

/** The chunks whose contents tshark shows as fields; the others (and empty ones) show "Data". */
const CHUNK_BODIES: Readonly<Record<string, ChunkBody>> = {
  IHDR: dissectHeader,
  tEXt: dissectText,
  tIME: dissectTime,
  pHYs: dissectPhysical,
  bKGD: dissectBackground,
  sRGB: (data, _s, tree) => tree.add(F['srgb.intent'], data, data.start, 1, data.u8(data.start)),
  gAMA: (data, _s, tree) => addFixed(data, data.start, F['gama.gamma'], tree),
  cHRM: dissectChromaticities,
};

/** Whether `body` is what tshark's png dissector takes: the signature and room for a chunk. */
export function isPng(body: Tvb): boolean {
  if (body.end - body.start < 20) return false;
  return SIGNATURE.every((v, i) => body.bytes[body.start + i] === v);
}

/** An image/png body that `isPng` took: its layer, Info and (when wanted) its tree. */
export function dissectPng(body: Tvb, pinfo: PacketInfo, tree: Tree): void {
  pinfo.layers.push('png');
  if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info} (PNG)`);
  if (!wantsAny(tree, VALUE_FIELDS) && !tree.wants(F['']) && !pinfo.wantInfo) return;
  runGuarded('PNG', body, pinfo, tree, (t) => {
    t.push(F[''], body, body.start, body.end - body.start);
    t.add(F.signature, body, body.start, 8);
    const state: PngState = { colourType: -1 };
    for (let o = body.start + 8; o < body.end;) o = dissectChunk(body, o, state, t);
    t.pop();
  });
}

/** One chunk at `o`; returns where the next starts. */
function dissectChunk(body: Tvb, o: number, state: PngState, tree: Tree): number {
  const len = body.u32(o);
  // tshark makes the chunk's item first: a chunk that does not fit is malformed before it shows.
  body.need(o, len + 12);
  const type = body.ascii(o + 4, 4);
  tree.push(CHUNK, body, o, len + 12);
  if (tree.full) tree.label(`${CHUNK_NAMES[type] ?? 'unknown'} (${type})`);
  tree.add(F['chunk.len'], body, o, 4, len);
  tree.add(F['chunk.type'], body, o + 4, 4, type);
  const code = body.u32(o + 4);
  tree.add(F['chunk.flag.ancillary'], body, o + 4, 4, (code & 0x20000000) !== 0);
  tree.add(F['chunk.flag.private'], body, o + 4, 4, (code & 0x200000) !== 0);
  tree.add(F['chunk.flag.stc'], body, o + 4, 4, (code & 0x20) !== 0);
  const data = innerTvb(body, o + 8, len);
  const known = CHUNK_BODIES[type];
  if (known) known(data, state, tree);
  else if (len > 0) tree.add(F['chunk.data'], body, o + 8, len);
  tree.add(F['chunk.crc'], body, o + 8 + len, 4, body.u32(o + 8 + len));
  tree.pop();
  return o + 12 + len;
}

function dissectHeader(data: Tvb, state: PngState, tree: Tree): void {
  const o = data.start;
  tree.add(F['ihdr.width'], data, o, 4, data.u32(o));
  tree.add(F['ihdr.height'], data, o + 4, 4, data.u32(o + 4));
  tree.add(F['ihdr.bitdepth'], data, o + 8, 1, data.u8(o + 8));
  state.colourType = data.u8(o + 9);
  tree.add(F['ihdr.colour_type'], data, o + 9, 1, state.colourType);
  tree.add(F['ihdr.compression_method'], data, o + 10, 1, data.u8(o + 10));
  tree.add(F['ihdr.filter_method'], data, o + 11, 1, data.u8(o + 11));
  tree.add(F['ihdr.interlace_method'], data, o + 12, 1, data.u8(o + 12));
}

/** Keyword, NUL, then Latin-1 text; without the NUL tshark shows neither. */
function dissectText(data: Tvb, _state: PngState, tree: Tree): void {
  const b = data.bytes;
  let nul = data.start;
  while (nul < data.end && b[nul] !== 0) nul++;
  if (nul >= data.end) return;
  tree.add(F['text.keyword'], data, data.start, nul - data.start, latin1(b, data.start, nul));
  tree.add(F['text.string'], data, nul + 1, data.end - nul - 1, latin1(b, nul + 1, data.end));
}

/** ISO 8859-1 text up to `to` (or a NUL): every byte is the code point of the same number. */
function latin1(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to && b[i] !== 0; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

function dissectTime(data: Tvb, _state: PngState, tree: Tree): void {
  const o = data.start;
  tree.add(F['time.year'], data, o, 2, data.u16(o));
  const parts = [F['time.month'], F['time.day'], F['time.hour'], F['time.minute'], F['time.second']];
  parts.forEach((def, i) => tree.add(def, data, o + 2 + i, 1, data.u8(o + 2 + i)));
}

function dissectPhysical(data: Tvb, _state: PngState, tree: Tree): void {
  const o = data.start;
  tree.add(F['phys.horiz'], data, o, 4, data.u32(o));
  tree.add(F['phys.vert'], data, o + 4, 4, data.u32(o + 4));
  tree.add(F['phys.unit'], data, o + 8, 1, data.u8(o + 8));
}

/** bKGD as the colour type of IHDR lays it out: a palette index, a grey level or RGB. */
function dissectBackground(data: Tvb, state: PngState, tree: Tree): void {
  const o = data.start;
  const t = state.colourType;
  if (t === 3) tree.add(F['bkgd.palette_index'], data, o, 1, data.u8(o));
  else if (t === 0 || t === 4) tree.add(F['bkgd.greyscale'], data, o, 2, data.u16(o));
  else if (t === 2 || t === 6) {
    tree.add(F['bkgd.red'], data, o, 2, data.u16(o));
    tree.add(F['bkgd.green'], data, o + 2, 2, data.u16(o + 2));
    tree.add(F['bkgd.blue'], data, o + 4, 2, data.u16(o + 4));
  }
}

function dissectChromaticities(data: Tvb, _state: PngState, tree: Tree): void {
  const defs = [
    F['chrm.white.x'],
    F['chrm.white.y'],
    F['chrm.red.x'],
    F['chrm.red.y'],
    F['chrm.green.x'],
    F['chrm.green.y'],
    F['chrm.blue.x'],
    F['chrm.blue.y'],
  ];
  defs.forEach((def, i) => addFixed(data, data.start + 4 * i, def, tree));
}

/** A PNG fixed-point value (times 100000) as the float tshark shows. */
function addFixed(data: Tvb, o: number, def: FieldDef, tree: Tree): void {
  const v = data.u32(o) / 100000;
  tree.add(def, data, o, 4, v);
  if (tree.full) tree.labelLast(`${def.name}: ${floatText(v)}`);
}

/** A float as Wireshark prints one (%g: six significant digits, no trailing zeros). */
function floatText(v: number): string {
  return String(Number(v.toPrecision(6)));
}
