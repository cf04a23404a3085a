// JPEG File Interchange Format (ITU T.81, JFIF 1.02, Exif 2.3 APP1) as tshark 4.0's image-jfif
// dissector shows a body of type image/jpeg: the markers and their segments (JFIF/JFXX APP0, the
// TIFF directories of an Exif APP1, SOFn, SOS, COM), the rest of a segment as "Remaining segment
// data", and the entropy-coded data between markers. A segment whose length runs past the body
// is malformed.
import { expert } from './ip-proto.ts';
import { bytes, fields, hex, names, proto, str, text, uint, FieldType, type FieldDef } from './field.ts';
import { EXIF_TAGS, GPS_TAGS, INTEROP_TAGS, TIFF_TAGS } from './media-exif-tags.ts';
import { innerTvb, runGuarded, shownLength, wantsAny } from './media-common.ts';
import type { PacketInfo } from './packet-info.ts';
import { addAsciiString } from './tvb-items.ts';
import { asciiField, formatText } from './text-format.ts';
import type { Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';

/** Names of the markers (T.81 table B.1) with a fixed name; the numbered ones are made below. */
const FIXED_MARKERS: Record<number, string> = {
  0xff01: 'Reserved - For temporary private use in arithmetic coding',
  0xffc0: 'Start of Frame (non-differential, Huffman coding) - Baseline DCT',
  0xffc1: 'Start of Frame (non-differential, Huffman coding) - Extended sequential DCT',
  0xffc2: 'Start of Frame (non-differential, Huffman coding) - Progressive DCT',
  0xffc3: 'Start of Frame (non-differential, Huffman coding) - Lossless (sequential)',
  0xffc4: 'Define Huffman table(s)',
  0xffc5: 'Start of Frame (differential, Huffman coding) - Differential sequential DCT',
  0xffc6: 'Start of Frame (differential, Huffman coding) - Differential progressive DCT',
  0xffc7: 'Start of Frame (differential, Huffman coding) - Differential lossless (sequential)',
  0xffc8: 'Start of Frame (non-differential, arithmetic coding) - Reserved for JPEG extensions',
  0xffc9: 'Start of Frame (non-differential, arithmetic coding) - Extended sequential DCT',
  0xffca: 'Start of Frame (non-differential, arithmetic coding) - Progressive DCT',
  0xffcb: 'Start of Frame (non-differential, arithmetic coding) - Lossless (sequential)',
  0xffcc: 'Define arithmetic coding conditioning(s)',
  0xffcd: 'Start of Frame (differential, arithmetic coding) - Differential sequential DCT',
  0xffce: 'Start of Frame (differential, arithmetic coding) - Differential progressive DCT',
  0xffcf: 'Start of Frame (differential, arithmetic coding) - Differential lossless (sequential)',
  0xffd8: 'Start of Image',
  0xffd9: 'End of Image',
  0xffda: 'Start of Scan',
  0xffdb: 'Define quantization table(s)',
  0xffdc: 'Define number of lines',
  0xffdd: 'Define restart interval',
  0xffde: 'Define hierarchical progression',
  0xffdf: 'Expand reference component(s)',
  0xfffe: 'Comment',
};

function markerTable(): ReadonlyMap<number, string> {
  const table: Record<number, string> = { ...FIXED_MARKERS };
  for (let n = 0; n < 8; n++)
    table[0xffd0 + n] = `Restart interval termination - Restart with modulo 8 count ${n}`;
  for (let n = 0; n < 16; n++) table[0xffe0 + n] = `Reserved for application segments - ${n}`;
  for (let n = 0; n < 14; n++) table[0xfff0 + n] = `Reserved for JPEG extensions - ${n}`;
  return names(table);
}

const MARKERS = markerTable();

const Marker = {
  TEM: 0xff01,
  SOF0: 0xffc0,
  DHT: 0xffc4,
  SOF15: 0xffcf,
  RST0: 0xffd0,
  RST7: 0xffd7,
  SOI: 0xffd8,
  EOI: 0xffd9,
  SOS: 0xffda,
  APP0: 0xffe0,
  APP1: 0xffe1,
  APP2: 0xffe2,
  COM: 0xfffe,
} as const;

/** TIFF field types with the size of one value; the others tshark leaves as an offset. */
const TiffType = {
  BYTE: 1,
  ASCII: 2,
  SHORT: 3,
  LONG: 4,
  RATIONAL: 5,
  UNDEFINED: 7,
  SLONG: 9,
  SRATIONAL: 10,
} as const;
const TYPE_SIZE: Readonly<Record<number, number>> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 };

const int32 = (name: string): { name: string; type: FieldType; base: 'dec'; bits: number } => ({
  name,
  type: FieldType.Int,
  base: 'dec',
  bits: 32,
});

export const F = fields('image-jfif', {
  '': proto('JPEG File Interchange Format'),
  marker: hex('Marker', 16, { strings: MARKERS }),
  marker_segment: text('Marker segment'),
  length: uint('Length', 16),
  identifier: str('Identifier'),
  version: text('Version'),
  'version.major': uint('Major Version', 8),
  'version.minor': uint('Minor Version', 8),
  units: uint('Units', 8, {
    strings: names({
      0: 'No units; Xdensity and Ydensity specify the pixel aspect ratio',
      1: 'Dots per inch',
      2: 'Dots per centimeter',
    }),
  }),
  Xdensity: uint('Xdensity', 16),
  Ydensity: uint('Ydensity', 16),
  Xthumbnail: uint('Xthumbnail', 16),
  Ythumbnail: uint('Ythumbnail', 16),
  RGB: bytes('RGB values of thumbnail pixels'),
  'extension.code': hex('Extension code', 8, {
    strings: names({
      0x10: 'Thumbnail encoded using JPEG',
      0x11: 'Thumbnail encoded using 1 byte (8 bits) per pixel',
      0x13: 'Thumbnail encoded using 3 bytes (24 bits) per pixel',
    }),
  }),
  sof: text('Start of Frame header'),
  'sof.precision': uint('Sample Precision (bits)', 8),
  'sof.lines': uint('Lines', 16),
  'sof.samples_per_line': uint('Samples per line', 16),
  'sof.nf': uint('Number of image components in frame', 8),
  'sof.c_i': uint('Component identifier', 8),
  'sof.h_i': uint('Horizontal sampling factor', 8, { mask: 0xf0 }),
  'sof.v_i': uint('Vertical sampling factor', 8, { mask: 0x0f }),
  'sof.tq_i': uint('Quantization table destination selector', 8),
  'header.sos': text('Start of Segment header'),
  'sos.ns': uint('Number of image components in scan', 8),
  'sos.component_selector': uint('Scan component selector', 8),
  'sos.dc_entropy_selector': uint('DC entropy coding table destination selector', 8, { mask: 0xf0 }),
  'sos.ac_entropy_selector': uint('AC entropy coding table destination selector', 8, { mask: 0x0f }),
  'sos.ss': uint('Start of spectral or predictor selection', 8),
  'sos.se': uint('End of spectral selection', 8),
  'sos.ah': uint('Successive approximation bit position high', 8, { mask: 0xf0 }),
  'sos.al': uint('Successive approximation bit position low or point transform', 8, { mask: 0x0f }),
  'header.comment': text('Comment header'),
  comment: str('Comment'),
  remain_seg_data: bytes('Remaining segment data'),
  endianness: hex('Endianness', 16),
  start_ifd_offset: uint('Start offset of IFD starting from the TIFF header start', 32),
  next_ifd_offset: uint('Offset to next IFD from start of TIFF header', 32),
  exif_flashpix_marker: text('Exif FlashPix APP2 application marker'),
  entropy_coded_segment: bytes('Entropy-coded segment (dissection is not yet implemented)'),
  fill_bytes: bytes('Fill bytes'),
  'ifd.num_fields': uint('Number of fields in this IFD', 16),
  'ifd.tag': uint('Tag', 16, { strings: TIFF_TAGS }),
  'ifd.tag_exif': uint('Tag', 16, { strings: EXIF_TAGS }),
  'ifd.tag_gps': uint('Tag', 16, { strings: GPS_TAGS }),
  'ifd.tag_interop': uint('Tag', 16, { strings: INTEROP_TAGS }),
  'ifd.type': uint('Type', 16, {
    strings: names({
      1: 'BYTE',
      2: 'ASCII',
      3: 'SHORT',
      4: 'LONG',
      5: 'RATIONAL',
      7: 'UNDEFINED',
      9: 'SLONG',
      10: 'SRATIONAL',
    }),
  }),
  'ifd.count': uint('Count', 32),
  'ifd.offset': uint('Value offset from start of TIFF header', 32),
  'ifd.value_byte': uint('Value', 8),
  'ifd.value_ascii': str('Value'),
  'ifd.value_short': uint('Value', 16),
  'ifd.value_long': uint('Value', 32),
  'ifd.value_rational': text('Value'),
  'ifd.value_rational.numerator': uint('Numerator', 32),
  'ifd.value_rational.denominator': uint('Denominator', 32),
  'ifd.value_undefined': bytes('Value (raw)'),
  'ifd.value_slong': int32('Value'),
  'ifd.value_srational': text('Value'),
  'ifd.value_srational.numerator': int32('Numerator'),
  'ifd.value_srational.denominator': int32('Denominator'),
});

const VALUE_FIELDS: readonly FieldDef[] = Object.values(F).filter((d) => d !== F['']);
/** An image file directory: a subtree with no field of its own in tshark. */
const IFD: FieldDef = { ...text('Image File Directory'), abbrev: '', id: -1 };

/** The Exif IFD and GPS IFD pointers of IFD0 (TIFF/EP tags 34665 and 34853). */
const SUB_IFDS: ReadonlyMap<number, { name: string; tag: FieldDef }> = new Map([
  [34665, { name: 'Exif IFD', tag: F['ifd.tag_exif'] }],
  [34853, { name: 'GPS IFD', tag: F['ifd.tag_gps'] }],
]);
/** A loop of next-IFD offsets ends here (tshark follows them as long as they read). */
const MAX_IFDS = 32;

/** Whether `body` is what tshark's image-jfif dissector takes: SOI, then an APP0 segment "JFIF". */
export function isJfif(body: Tvb): boolean {
  const b = body.bytes;
  const o = body.start;
  if (body.end - o < 20) return false;
  const jfif = [0xff, 0xd8, 0xff, 0xe0];
  for (let i = 0; i < 4; i++) if (b[o + i] !== jfif[i]) return false;
  return b[o + 6] === 0x4a && b[o + 7] === 0x46 && b[o + 8] === 0x49 && b[o + 9] === 0x46 && b[o + 10] === 0;
}

/** An image/jpeg body that `isJfif` took: its layer, Info and (when wanted) its tree. */
export function dissectJfif(body: Tvb, pinfo: PacketInfo, tree: Tree): void {
  pinfo.layers.push('image-jfif');
  if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info} (JPEG JFIF image)`);
  const want = wantsAny(tree, VALUE_FIELDS) || tree.wants(F['']);
  if (!want && !pinfo.wantInfo) return;
  runGuarded('JFIF (JPEG) image', body, pinfo, tree, (t) => {
    t.push(F[''], body, body.start, body.end - body.start);
    t.add(F.marker, body, body.start, 2, Marker.SOI);
    dissectMarkers(body, body.start + 2, pinfo, t);
    t.pop();
  });
}

function dissectMarkers(body: Tvb, from: number, pinfo: PacketInfo, tree: Tree): void {
  const b = body.bytes;
  let o = from;
  while (o < body.end) {
    if (b[o] !== 0xff || b[o + 1] === 0) {
      o = addEntropyCoded(body, o, tree);
      continue;
    }
    let at = o;
    while (at + 1 < body.end && b[at + 1] === 0xff) at++;
    if (at > o) tree.add(F.fill_bytes, body, o, at - o);
    const marker = body.u16(at);
    const next = dissectMarker(body, at, marker, pinfo, tree);
    if (next < 0) return;
    o = next;
  }
}

/** The bytes up to the next marker (0xFF then anything but 0x00); returns where it ends. */
function addEntropyCoded(body: Tvb, from: number, tree: Tree): number {
  const b = body.bytes;
  let o = from;
  while (o < body.end && !(b[o] === 0xff && b[o + 1] !== 0)) o++;
  tree.add(F.entropy_coded_segment, body, from, o - from);
  return o;
}

/** One marker at `at` and its segment; returns where the next begins, or -1 to stop (an unknown marker). */
function dissectMarker(body: Tvb, at: number, marker: number, pinfo: PacketInfo, tree: Tree): number {
  if (marker === Marker.TEM || marker === Marker.SOI || marker === Marker.EOI || isRestart(marker)) {
    tree.add(F.marker, body, at, 2, marker);
    return at + 2;
  }
  if (!MARKERS.has(marker)) {
    tree.add(F.marker, body, at, 2, marker);
    if (tree.full) tree.labelLast(`Marker: Unknown (0x${hex4(marker)}) (Reserved)`);
    return -1;
  }
  const length = body.u16(at + 2);
  const head = segmentHead(marker);
  tree.push(head.def, body, at, shownLength(body, at, length + 2));
  if (tree.full) tree.label(`${head.title}: ${MARKERS.get(marker) ?? ''} (0x${hex4(marker).toUpperCase()})`);
  tree.add(F.marker, body, at, 2, marker);
  if (length < 2) throw new MalformedError('Malformed Packet', at + 2);
  tree.add(F.length, body, at + 2, 2, length);
  const seg = innerTvb(body, at + 4, length - 2);
  dissectSegment(seg, at + 2 + length, marker, pinfo, tree);
  tree.pop();
  return at + 2 + length;
}

const isRestart = (m: number): boolean => m >= Marker.RST0 && m <= Marker.RST7;
const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

function segmentHead(marker: number): { def: FieldDef; title: string } {
  if (marker === Marker.SOS) return { def: F['header.sos'], title: 'Start of Segment header' };
  if (marker === Marker.COM) return { def: F['header.comment'], title: 'Comment header' };
  if (isStartOfFrame(marker)) return { def: F.sof, title: 'Start of Frame header' };
  return { def: F.marker_segment, title: 'Marker segment' };
}

/** SOF0–SOF15: C0–CF but for DHT (C4), JPG (C8 is a frame header too in tshark) and DAC (CC). */
const isStartOfFrame = (m: number): boolean =>
  m >= Marker.SOF0 && m <= Marker.SOF15 && m !== Marker.DHT && m !== 0xffcc;

/** The fields of one segment; `end` is where its length field says it ends (maybe past the body). */
function dissectSegment(seg: Tvb, end: number, marker: number, pinfo: PacketInfo, tree: Tree): void {
  if (isStartOfFrame(marker)) dissectStartOfFrame(seg, tree);
  else if (marker === Marker.SOS) dissectStartOfScan(seg, tree);
  else if (marker === Marker.COM) dissectComment(seg, tree);
  else if (marker === Marker.APP0) dissectApp0(seg, end, tree);
  else if (marker === Marker.APP1) dissectApp1(seg, end, pinfo, tree);
  else if (marker === Marker.APP2) dissectApp2(seg, end, tree);
  else addRemaining(seg, seg.start, end, tree);
}

/** The rest of a segment to `end`, labelled by the length its length field gives, even past the body. */
function addRemaining(seg: Tvb, from: number, end: number, tree: Tree): void {
  const n = end - from;
  if (n <= 0) return;
  tree.add(F.remain_seg_data, seg, from, shownLength(seg, from, n));
  if (tree.full) tree.labelLast(`Remaining segment data: ${n} bytes`);
  seg.need(from, n);
}

function dissectStartOfFrame(seg: Tvb, tree: Tree): void {
  let o = seg.start;
  tree.add(F['sof.precision'], seg, o, 1, seg.u8(o));
  tree.add(F['sof.lines'], seg, o + 1, 2, seg.u16(o + 1));
  tree.add(F['sof.samples_per_line'], seg, o + 3, 2, seg.u16(o + 3));
  const nf = seg.u8(o + 5);
  tree.add(F['sof.nf'], seg, o + 5, 1, nf);
  o += 6;
  for (let i = 0; i < nf; i++, o += 3) {
    tree.add(F['sof.c_i'], seg, o, 1, seg.u8(o));
    const hv = seg.u8(o + 1);
    tree.add(F['sof.h_i'], seg, o + 1, 1, hv >> 4);
    tree.add(F['sof.v_i'], seg, o + 1, 1, hv & 0x0f);
    tree.add(F['sof.tq_i'], seg, o + 2, 1, seg.u8(o + 2));
  }
}

function dissectStartOfScan(seg: Tvb, tree: Tree): void {
  let o = seg.start;
  const ns = seg.u8(o);
  tree.add(F['sos.ns'], seg, o, 1, ns);
  o++;
  for (let i = 0; i < ns; i++, o += 2) {
    tree.add(F['sos.component_selector'], seg, o, 1, seg.u8(o));
    const tables = seg.u8(o + 1);
    tree.add(F['sos.dc_entropy_selector'], seg, o + 1, 1, tables >> 4);
    tree.add(F['sos.ac_entropy_selector'], seg, o + 1, 1, tables & 0x0f);
  }
  tree.add(F['sos.ss'], seg, o, 1, seg.u8(o));
  tree.add(F['sos.se'], seg, o + 1, 1, seg.u8(o + 1));
  const a = seg.u8(o + 2);
  tree.add(F['sos.ah'], seg, o + 2, 1, a >> 4);
  tree.add(F['sos.al'], seg, o + 2, 1, a & 0x0f);
}

function dissectComment(seg: Tvb, tree: Tree): void {
  const n = seg.reportedEnd - seg.start;
  seg.need(seg.start, n);
  const value = asciiField(seg.bytes, seg.start, seg.start + n).value;
  tree.add(F.comment, seg, seg.start, n, value);
}

/** The NUL-terminated identifier at the start of an APPn segment; returns its length with the NUL. */
function identifier(seg: Tvb): { text: string; length: number } {
  let o = seg.start;
  while (seg.u8(o) !== 0) o++;
  return { text: seg.ascii(seg.start, o - seg.start), length: o + 1 - seg.start };
}

function addIdentifier(seg: Tvb, id: { text: string; length: number }, tree: Tree, note = ''): void {
  tree.add(F.identifier, seg, seg.start, id.length, id.text);
  if (note && tree.full) tree.labelLast(`Identifier: ${formatText(id.text)} (${note})`);
}

function dissectApp0(seg: Tvb, end: number, tree: Tree): void {
  const id = identifier(seg);
  const o = seg.start + id.length;
  if (id.text === 'JFIF') {
    addIdentifier(seg, id, tree);
    dissectJfifHeader(seg, o, tree);
  } else if (id.text === 'JFXX') {
    addIdentifier(seg, id, tree);
    tree.add(F['extension.code'], seg, o, 1, seg.u8(o));
  } else {
    addIdentifier(seg, id, tree, 'unknown identifier');
    addRemaining(seg, o, end, tree);
  }
}

function dissectJfifHeader(seg: Tvb, o: number, tree: Tree): void {
  const major = seg.u8(o);
  const minor = seg.u8(o + 1);
  tree.push(F.version, seg, o, 2);
  if (tree.full) tree.label(`Version: ${major}.${minor}`);
  tree.add(F['version.major'], seg, o, 1, major);
  tree.add(F['version.minor'], seg, o + 1, 1, minor);
  tree.pop();
  tree.add(F.units, seg, o + 2, 1, seg.u8(o + 2));
  tree.add(F.Xdensity, seg, o + 3, 2, seg.u16(o + 3));
  tree.add(F.Ydensity, seg, o + 5, 2, seg.u16(o + 5));
  const x = seg.u8(o + 7);
  const y = seg.u8(o + 8);
  tree.add(F.Xthumbnail, seg, o + 7, 1, x);
  tree.add(F.Ythumbnail, seg, o + 8, 1, y);
  const rgb = 3 * x * y;
  if (rgb > 0) {
    seg.need(o + 9, rgb);
    tree.add(F.RGB, seg, o + 9, rgb);
  }
}

function dissectApp1(seg: Tvb, end: number, pinfo: PacketInfo, tree: Tree): void {
  const id = identifier(seg);
  if (id.text !== 'Exif') {
    addIdentifier(seg, id, tree, 'Unknown identifier');
    addRemaining(seg, seg.start + id.length, end, tree);
    return;
  }
  addIdentifier(seg, id, tree);
  // "Exif" NUL and a pad byte, then the TIFF header.
  dissectTiff(seg, seg.start + 6, pinfo, tree);
}

function dissectApp2(seg: Tvb, end: number, tree: Tree): void {
  const id = identifier(seg);
  if (id.text !== 'FPXR') {
    addIdentifier(seg, id, tree, 'Unknown identifier');
    addRemaining(seg, seg.start + id.length, end, tree);
    return;
  }
  addIdentifier(seg, id, tree);
  // tshark adds this item beside the segment, not in it.
  const node = tree.current();
  tree.pop();
  tree.add(F.exif_flashpix_marker, seg, seg.start + id.length, 0);
  tree.reopen(node);
}

// ---- the TIFF structure of an Exif APP1 segment ----

interface Tiff {
  seg: Tvb;
  /** Where the TIFF header starts: IFD and value offsets count from here. */
  at: number;
  /** Bytes from the TIFF header to the end of the segment: offsets must stay below it. */
  length: number;
  le: boolean;
  pinfo: PacketInfo;
  ifds: number;
}

function dissectTiff(seg: Tvb, at: number, pinfo: PacketInfo, tree: Tree): void {
  const order = seg.u16(at);
  tree.add(F.endianness, seg, at, 2, order);
  if (order !== 0x4949 && order !== 0x4d4d) {
    if (tree.full)
      tree.labelLast(
        `Endianness: Incorrect encoding 0x${hex4(order)}- skipping the remainder of this application marker`,
      );
    return;
  }
  if (tree.full) tree.labelLast(`Endianness: ${order === 0x4949 ? 'little' : 'big'} endian`);
  const tiff: Tiff = { seg, at, length: seg.reportedEnd - at, le: order === 0x4949, pinfo, ifds: 0 };
  const start = u32(tiff, at + 4);
  tree.add(F.start_ifd_offset, seg, at + 4, 4, start);
  if (tree.full) tree.labelLast(`${F.start_ifd_offset.name}: ${bytesUnit(start)}`);
  dissectIfd(tiff, start, 'Image File Directory', 0, F['ifd.tag'], tree);
}

const u16 = (t: Tiff, o: number): number => (t.le ? t.seg.u16le(o) : t.seg.u16(o));
const u32 = (t: Tiff, o: number): number => (t.le ? t.seg.u32le(o) : t.seg.u32(o));
const bytesUnit = (n: number): string => `${n} byte${n === 1 ? '' : 's'}`;

/** An entry whose value (or sub-IFD) is shown after the directory, in entry order. */
interface Deferred {
  type: number;
  count: number;
  offset: number;
  subIfd?: { name: string; tag: FieldDef };
}

function dissectIfd(
  t: Tiff,
  offset: number,
  name: string,
  index: number,
  tagDef: FieldDef,
  tree: Tree,
): void {
  if (++t.ifds > MAX_IFDS) return;
  const seg = t.seg;
  const base = t.at + offset;
  const n = u16(t, base);
  // The directory's item spans its entries: one that does not fit fails before it shows.
  seg.need(base, 6 + 12 * n);
  tree.push(IFD, seg, base, 6 + 12 * n);
  if (tree.full) tree.label(`${name} #${index}`);
  const ifdNode = tree.current();
  tree.add(F['ifd.num_fields'], seg, base, 2, n);
  const deferred: Deferred[] = [];
  for (let i = 0; i < n; i++) {
    const later = dissectEntry(t, base + 2 + 12 * i, tagDef, tree);
    if (later) deferred.push(later);
  }
  const nextAt = base + 2 + 12 * n;
  const next = u32(t, nextAt);
  // tshark adds the next-IFD offset after the values the entries point to: when one of them
  // fails it never shows. When they all fit it goes in now, in tree order for -T fields too.
  const early = deferred.every((d) => fits(t, d));
  if (early) addNextOffset(t, nextAt, next, tree);
  tree.pop();
  for (const d of deferred) {
    if (d.subIfd) dissectIfd(t, d.offset, d.subIfd.name, 0, d.subIfd.tag, tree);
    else addValues(t, t.at + d.offset, d.type, d.count, tree);
  }
  if (!early) {
    tree.reopen(ifdNode);
    addNextOffset(t, nextAt, next, tree);
    tree.pop();
  }
  if (next !== 0) dissectIfd(t, next, name, index + 1, tagDef, tree);
}

function addNextOffset(t: Tiff, at: number, next: number, tree: Tree): void {
  tree.add(F.next_ifd_offset, t.seg, at, 4, next);
  if (tree.full) tree.labelLast(`${F.next_ifd_offset.name}: ${bytesUnit(next)}`);
}

/** Whether what an entry points to lies in the segment (a sub-IFD: its directory). */
function fits(t: Tiff, d: Deferred): boolean {
  const at = t.at + d.offset;
  if (!d.subIfd) return t.seg.has(at, (TYPE_SIZE[d.type] ?? 0) * d.count);
  if (!t.seg.has(at, 2)) return false;
  return t.seg.has(at, 6 + 12 * u16(t, at));
}

/** One 12-byte directory entry; returns what is to be shown after the directory, if anything. */
function dissectEntry(t: Tiff, e: number, tagDef: FieldDef, tree: Tree): Deferred | null {
  const seg = t.seg;
  const tag = u16(t, e);
  const type = u16(t, e + 2);
  const count = u32(t, e + 4);
  tree.add(tagDef, seg, e, 2, tag);
  tree.add(F['ifd.type'], seg, e + 2, 2, type);
  tree.add(F['ifd.count'], seg, e + 4, 4, count);
  const size = TYPE_SIZE[type];
  const subIfd = tagDef === F['ifd.tag'] ? SUB_IFDS.get(tag) : undefined;
  if (size !== undefined && size * count <= 4) {
    addValues(t, e + 8, type, count, tree);
    return subIfd ? { type, count, offset: u32(t, e + 8), subIfd } : null;
  }
  const offset = u32(t, e + 8);
  if (offset < t.length) {
    tree.add(F['ifd.offset'], seg, e + 8, 4, offset);
    return size === undefined ? null : { type, count, offset };
  }
  tree.push(F['ifd.offset'], seg, e + 8, 4, offset);
  expert(t.pinfo, tree, seg, e + 8, 4, 'Warning', 'Protocol', `bogus, should be < ${t.length}`);
  tree.pop();
  return null;
}

/** `count` values of `type` at `o` (inline in an entry, or where its offset points). */
function addValues(t: Tiff, o: number, type: number, count: number, tree: Tree): void {
  const seg = t.seg;
  switch (type) {
    case TiffType.ASCII:
      addAsciiString(seg, o, count, t.pinfo, tree, F['ifd.value_ascii']);
      return;
    case TiffType.UNDEFINED:
      seg.need(o, count);
      tree.add(F['ifd.value_undefined'], seg, o, count);
      return;
    case TiffType.RATIONAL:
    case TiffType.SRATIONAL:
      for (let i = 0; i < count; i++) addRational(t, o + 8 * i, type === TiffType.SRATIONAL, tree);
      return;
  }
  for (let i = 0; i < count; i++) addNumber(t, o, type, i, tree);
}

function addNumber(t: Tiff, o: number, type: number, i: number, tree: Tree): void {
  const seg = t.seg;
  if (type === TiffType.BYTE) tree.add(F['ifd.value_byte'], seg, o + i, 1, seg.u8(o + i));
  else if (type === TiffType.SHORT) tree.add(F['ifd.value_short'], seg, o + 2 * i, 2, u16(t, o + 2 * i));
  else if (type === TiffType.LONG) tree.add(F['ifd.value_long'], seg, o + 4 * i, 4, u32(t, o + 4 * i));
  else if (type === TiffType.SLONG) tree.add(F['ifd.value_slong'], seg, o + 4 * i, 4, u32(t, o + 4 * i) | 0);
}

function addRational(t: Tiff, o: number, signed: boolean, tree: Tree): void {
  const seg = t.seg;
  const num = signed ? u32(t, o) | 0 : u32(t, o);
  const den = signed ? u32(t, o + 4) | 0 : u32(t, o + 4);
  const defs = signed
    ? [F['ifd.value_srational'], F['ifd.value_srational.numerator'], F['ifd.value_srational.denominator']]
    : [F['ifd.value_rational'], F['ifd.value_rational.numerator'], F['ifd.value_rational.denominator']];
  const [value, numerator, denominator] = defs as [FieldDef, FieldDef, FieldDef];
  tree.push(value, seg, o, 8);
  if (tree.full) tree.label(`Value: ${num}/${den}`);
  tree.add(numerator, seg, o, 4, num);
  tree.add(denominator, seg, o + 4, 4, den);
  tree.pop();
}
