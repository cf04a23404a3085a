// HPACK (RFC 7541) header block decoding for HTTP/2, behaving as nghttp2's inflater does under
// tshark 4.0: a static and a dynamic table per direction, Huffman-coded strings, table size
// updates only at a block's start, a block cut inside a representation carried on to its
// CONTINUATION, and an inflater that is broken for good after its first error.

/** How a field was represented (Wireshark's http2_header_repr_type, same numbering). */
export const enum Repr {
  Indexed = 1,
  IncrementalIndexedName = 2,
  IncrementalNewName = 3,
  WithoutIndexedName = 4,
  WithoutNewName = 5,
  NeverIndexedName = 6,
  NeverNewName = 7,
  SizeUpdate = 8,
}

export const REPR_TEXT: readonly string[] = [
  '',
  'Indexed Header Field',
  'Literal Header Field with Incremental Indexing - Indexed Name',
  'Literal Header Field with Incremental Indexing - New Name',
  'Literal Header Field without Indexing - Indexed Name',
  'Literal Header Field without Indexing - New Name',
  'Literal Header Field never Indexed - Indexed Name',
  'Literal Header Field never Indexed - New Name',
  'Maximum Header Table Size Change',
];

/** One decoded representation: a field (name and value as Latin-1 byte strings) or a size update. */
export interface HpackEntry {
  repr: Repr;
  /** Bytes of this representation in the block that emitted it. */
  length: number;
  /** The index read (0 for new names); for a size update, the new size. */
  index: number;
  name: string;
  value: string;
}

// RFC 7541 Appendix A.
const STATIC: readonly (readonly [string, string])[] = [
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'],
  ['accept-language', ''],
  ['accept-ranges', ''],
  ['accept', ''],
  ['access-control-allow-origin', ''],
  ['age', ''],
  ['allow', ''],
  ['authorization', ''],
  ['cache-control', ''],
  ['content-disposition', ''],
  ['content-encoding', ''],
  ['content-language', ''],
  ['content-length', ''],
  ['content-location', ''],
  ['content-range', ''],
  ['content-type', ''],
  ['cookie', ''],
  ['date', ''],
  ['etag', ''],
  ['expect', ''],
  ['expires', ''],
  ['from', ''],
  ['host', ''],
  ['if-match', ''],
  ['if-modified-since', ''],
  ['if-none-match', ''],
  ['if-range', ''],
  ['if-unmodified-since', ''],
  ['last-modified', ''],
  ['link', ''],
  ['location', ''],
  ['max-forwards', ''],
  ['proxy-authenticate', ''],
  ['proxy-authorization', ''],
  ['range', ''],
  ['referer', ''],
  ['refresh', ''],
  ['retry-after', ''],
  ['server', ''],
  ['set-cookie', ''],
  ['strict-transport-security', ''],
  ['transfer-encoding', ''],
  ['user-agent', ''],
  ['vary', ''],
  ['via', ''],
  ['www-authenticate', ''],
];

// RFC 7541 Appendix B gives a canonical Huffman code: the code lengths of symbols 0..255 (EOS,
// 256, is 30 bits of ones) determine every code.
const CODE_LENGTHS = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28,
  28, 28, 28, 28, 28, 6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7,
  8, 15, 6, 12, 10, 13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19,
  13, 14, 6, 15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13,
  28, 20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21,
  22, 23, 22, 23, 23, 24, 22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23,
  22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, 26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, 20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25,
  25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, 30,
];

/** The decoding tree as two child arrays; a leaf holds -(symbol + 1). */
let zero: Int32Array | null = null;
let one: Int32Array | null = null;

function huffmanTree(): [Int32Array, Int32Array] {
  if (zero && one) return [zero, one];
  const z = new Int32Array(520);
  const o = new Int32Array(520);
  let nodes = 1;
  const order = CODE_LENGTHS.map((len, sym) => ({ len, sym })).sort((a, b) => a.len - b.len || a.sym - b.sym);
  let code = 0;
  let prevLen = order[0]?.len ?? 0;
  for (const { len, sym } of order) {
    code <<= len - prevLen;
    prevLen = len;
    let node = 0;
    for (let bit = len - 1; bit >= 0; bit--) {
      const arr = (code >>> bit) & 1 ? o : z;
      if (bit === 0) {
        arr[node] = -(sym + 1);
      } else {
        if ((arr[node] as number) <= 0) arr[node] = nodes++;
        node = arr[node] as number;
      }
    }
    code++;
  }
  zero = z;
  one = o;
  return [z, o];
}

/** Thrown for anything nghttp2 rejects: the inflater is broken from then on. */
class HpackError extends Error {}

/** Huffman-decoded Latin-1 text, or an error for EOS, a bad code or padding that is not ≤ 7 one-bits. */
function huffmanDecode(b: Uint8Array, from: number, to: number): string {
  const [z, o] = huffmanTree();
  let node = 0;
  let depth = 0;
  let ones = true;
  let s = '';
  for (let i = from; i < to; i++) {
    const byte = b[i] as number;
    for (let bit = 7; bit >= 0; bit--) {
      const v = (byte >>> bit) & 1;
      const next = (v ? o : z)[node] as number;
      if (next === 0) throw new HpackError('bad code');
      depth++;
      if (!v) ones = false;
      if (next < 0) {
        const sym = -next - 1;
        if (sym === 256) throw new HpackError('EOS');
        s += String.fromCharCode(sym);
        node = 0;
        depth = 0;
        ones = true;
      } else node = next;
    }
  }
  if (depth > 7 || !ones) throw new HpackError('padding');
  return s;
}

/** Thrown when the bytes end inside a representation (non-final block: wait for more). */
class Short extends Error {}

interface Cursor {
  b: Uint8Array;
  p: number;
}

/** An HPACK integer with an N-bit prefix (RFC 7541 5.1); `max` as nghttp2's read_len bounds it. */
function readInt(c: Cursor, prefix: number, max: number): number {
  const k = (1 << prefix) - 1;
  if (c.p >= c.b.length) throw new Short();
  let n = (c.b[c.p++] as number) & k;
  if (n < k) {
    if (n > max) throw new HpackError('integer');
    return n;
  }
  let shift = 0;
  for (;;) {
    if (c.p >= c.b.length) throw new Short();
    const byte = c.b[c.p++] as number;
    if (shift >= 32) throw new HpackError('integer');
    n += (byte & 0x7f) * 2 ** shift;
    if (n > max) throw new HpackError('integer');
    shift += 7;
    if ((byte & 0x80) === 0) return n;
  }
}

/** nghttp2's NGHTTP2_HD_MAX_NV: the longest name or value it accepts. */
const MAX_NV = 65536;

function readString(c: Cursor): string {
  if (c.p >= c.b.length) throw new Short();
  const huff = ((c.b[c.p] as number) & 0x80) !== 0;
  const len = readInt(c, 7, MAX_NV);
  if (c.p + len > c.b.length) throw new Short();
  const from = c.p;
  c.p += len;
  if (huff) return huffmanDecode(c.b, from, from + len);
  let s = '';
  for (let i = from; i < from + len; i++) s += String.fromCharCode(c.b[i] as number);
  return s;
}

const enum State {
  Start,
  Opcode,
  ExpectTableSize,
}

/** The placeholder entries Wireshark fills an unused table with (see `primeUnknown`). */
export const UNKNOWN = '<unknown>';

/** One direction's decoder (nghttp2_hd_inflater plus Wireshark's workaround for mid-stream starts). */
export class Inflater {
  private readonly table: { name: string; value: string }[] = [];
  private size = 0;
  /** The table's current maximum (hd_table_bufsize_max) and the SETTINGS bound on updates. */
  private max = 4096;
  private settingsMax = 4096;
  private state = State.Start;
  private bad = false;
  private primed = false;
  /** Bytes of a representation the previous non-final block ended inside. */
  private pending: Uint8Array = new Uint8Array(0);

  /**
   * Wireshark fills the empty table with `<unknown>` entries before its first block, so a capture
   * that starts mid-connection decodes what it can (indices into the unknown part name `<unknown>`).
   */
  private primeUnknown(): void {
    if (this.primed) return;
    this.primed = true;
    if (this.size !== 0) return;
    const n = Math.floor(this.max / (32 + UNKNOWN.length));
    for (let i = 0; i < n; i++) this.insert(UNKNOWN, '');
  }

  /** nghttp2_hd_inflate_change_table_size: a peer's SETTINGS_HEADER_TABLE_SIZE, once acknowledged. */
  changeTableSize(size: number): void {
    if (this.state !== State.Start && this.state !== State.ExpectTableSize) return;
    if (this.pending.length > 0) return;
    this.settingsMax = size;
    if (this.max > size) {
      this.state = State.ExpectTableSize;
      this.max = size;
      this.shrink();
    }
  }

  private shrink(): void {
    while (this.size > this.max && this.table.length > 0) {
      const e = this.table.pop();
      if (e) this.size -= e.name.length + e.value.length + 32;
    }
  }

  private insert(name: string, value: string): void {
    const n = name.length + value.length + 32;
    if (n > this.max) {
      this.table.length = 0;
      this.size = 0;
      return;
    }
    this.size += n;
    this.table.unshift({ name, value });
    this.shrink();
  }

  private lookup(index: number): { name: string; value: string } {
    const i = index - 1;
    if (i < STATIC.length) {
      const s = STATIC[i] as readonly [string, string];
      return { name: s[0], value: s[1] };
    }
    const e = this.table[i - STATIC.length];
    if (!e) throw new HpackError('index');
    return e;
  }

  private maxIndex(): number {
    return STATIC.length + this.table.length;
  }

  /**
   * Decodes one block fragment (`final`: END_HEADERS set) into the representations it completes,
   * at most `limit` fields; stops quietly at the first error, as Wireshark's loop does.
   */
  decode(bytes: Uint8Array, final: boolean, limit = 200): HpackEntry[] {
    const out: HpackEntry[] = [];
    if (this.bad) return out;
    this.primeUnknown();
    const carried = this.pending.length;
    let b = bytes;
    if (carried > 0) {
      b = new Uint8Array(carried + bytes.length);
      b.set(this.pending);
      b.set(bytes, carried);
    }
    this.pending = new Uint8Array(0);
    const c: Cursor = { b, p: 0 };
    let fields = 0;
    try {
      while (c.p < b.length) {
        if (fields >= limit) return out;
        const start = c.p;
        const e = this.representation(c);
        const length = c.p - Math.max(start, carried);
        if (e.repr !== Repr.SizeUpdate) fields++;
        out.push({ ...e, length: Math.max(0, length) });
      }
      if (final) this.state = State.Start;
    } catch (err) {
      if (err instanceof Short) {
        if (final) this.bad = true;
        else this.pending = b.slice(lastStart(out, b, carried));
      } else if (err instanceof HpackError) this.bad = true;
      else throw err;
    }
    return out;
  }

  private representation(c: Cursor): Omit<HpackEntry, 'length'> {
    const first = c.b[c.p] as number;
    if (this.state === State.ExpectTableSize && (first & 0xe0) !== 0x20)
      throw new HpackError('size expected');
    if ((first & 0xe0) === 0x20) {
      if (this.state === State.Opcode) throw new HpackError('late size update');
      const size = readInt(c, 5, this.settingsMax);
      this.max = size;
      this.shrink();
      this.state = State.Start;
      return { repr: Repr.SizeUpdate, index: size, name: '', value: '' };
    }
    if (first & 0x80) {
      const index = readInt(c, 7, this.maxIndex());
      if (index === 0) throw new HpackError('index 0');
      const e = this.lookup(index);
      this.state = State.Opcode;
      return { repr: Repr.Indexed, index, name: e.name, value: e.value };
    }
    const incremental = (first & 0x40) !== 0;
    const never = !incremental && (first & 0xf0) === 0x10;
    const newName = first === 0x40 || first === 0 || first === 0x10;
    let name: string;
    let index = 0;
    if (newName) {
      c.p++;
      name = readString(c);
    } else {
      index = readInt(c, incremental ? 6 : 4, this.maxIndex());
      name = this.lookup(index).name;
    }
    const value = readString(c);
    let repr: Repr;
    if (incremental) {
      this.insert(name, value);
      repr = newName ? Repr.IncrementalNewName : Repr.IncrementalIndexedName;
    } else if (never) repr = newName ? Repr.NeverNewName : Repr.NeverIndexedName;
    else repr = newName ? Repr.WithoutNewName : Repr.WithoutIndexedName;
    this.state = State.Opcode;
    return { repr, index, name, value };
  }
}

/**
 * Where the unfinished representation starts: just past the last complete one. A literal with
 * incremental indexing that was cut is re-read whole with the next fragment, so nothing it did
 * to the table may stay; it did nothing, as the insert comes after both strings were read.
 */
function lastStart(out: readonly HpackEntry[], b: Uint8Array, carried: number): number {
  let at = 0;
  for (const e of out) at += e.length;
  // Lengths count only this fragment's bytes: the carried ones belong to the first entry.
  if (out.length > 0) at += carried;
  return Math.min(at, b.length);
}
