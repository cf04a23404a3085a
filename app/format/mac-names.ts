// Names of physical addresses, as Wireshark shows them by default ("Resolve physical
// addresses"): a well-known address by its name (`Broadcast`), a well-known block by its name and
// the rest of the address (`IPv4mcast_fb`, `IPv6mcast_01:00:03`), any other address by its
// vendor's short name and the last three bytes (`IntelCor_02:08:54`). The tables are Wireshark's
// `manuf` and `wka` files, given by the process (app/ reads no files); without them addresses
// show as they are.
import { formatMac, hexByte } from './address.ts';

interface Block {
  bits: number;
  /** 2^(48 - bits): an address divided by it (rounded down) is its prefix. */
  scale: number;
  names: Map<number, string>;
}

const TWO_24 = 0x1000000;
const TAB = 0x09;
const NEWLINE = 0x0a;

/** Names from lines of `ADDRESS[/BITS]<TAB>NAME[<TAB>…]`: exact addresses, blocks, vendors. */
class NameTable {
  readonly exact = new Map<number, string>();
  readonly vendors = new Map<number, string>();
  /** Named blocks by prefix length, longest first once sorted. */
  readonly blocks: Block[] = [];

  /** Adds the lines of `text` between `start` and `end`; the first line for an address wins. */
  addLines(text: Uint8Array, start: number, end: number): this {
    while (start < end) {
      let eol = start;
      while (eol < end && text[eol] !== NEWLINE) eol++;
      this.addLine(text, start, eol);
      start = eol + 1;
    }
    this.blocks.sort((x, y) => y.bits - x.bits);
    return this;
  }

  /** One line of `text` (between `start` and `end`); anything else than an entry is skipped. */
  private addLine(text: Uint8Array, start: number, end: number): void {
    if (end - start < 3 || text[start] === 0x23 /* # */) return;
    let tab = start;
    while (tab < end && text[tab] !== TAB) tab++;
    const addrEnd = tab;
    while (tab < end && (text[tab] === TAB || text[tab] === 0x20)) tab++;
    let nameEnd = tab;
    while (nameEnd < end && text[nameEnd] !== TAB) nameEnd++;
    while (nameEnd > tab && (text[nameEnd - 1] === 0x20 || text[nameEnd - 1] === 0x0d)) nameEnd--;
    if (nameEnd === tab) return;
    let value = 0;
    let digits = 0;
    let bytes = 0;
    let bits = -1;
    for (let i = start; i < addrEnd; i++) {
      const c = text[i] ?? 0;
      const h = hexDigit(c);
      if (h >= 0 && bits < 0) {
        if (++digits > 2) return;
        value = value * 16 + h;
      } else if ((c === 0x3a || c === 0x2d) && digits > 0 && bits < 0) {
        if (++bytes > 6) return;
        digits = 0;
      } else if (c === 0x2f /* / */ && bits < 0) {
        bits = 0;
      } else if (c >= 0x30 && c <= 0x39 && bits >= 0) {
        bits = bits * 10 + (c - 0x30);
      } else if (c !== 0x20 && c !== 0x0d) return;
    }
    if (digits > 0) bytes++;
    if (bytes === 0 || bytes > 6) return;
    // Latin-1, as Wireshark's files were always read here.
    const name = String.fromCharCode(...text.subarray(tab, nameEnd));
    // The bytes given, then zeros up to six: a 48-bit number.
    const address = value * 2 ** (8 * (6 - bytes));
    if (bits < 0) {
      if (bytes === 3) {
        const key = Math.floor(address / TWO_24);
        if (!this.vendors.has(key)) this.vendors.set(key, name);
        return;
      }
      bits = bytes * 8;
    }
    if (!(bits > 0 && bits <= 48)) return;
    if (bits === 48) {
      if (!this.exact.has(address)) this.exact.set(address, name);
      return;
    }
    let block = this.blocks.find((x) => x.bits === bits);
    if (!block) this.blocks.push((block = { bits, scale: 2 ** (48 - bits), names: new Map() }));
    const key = Math.floor(address / block.scale);
    if (!block.names.has(key)) block.names.set(key, name);
  }
}

/**
 * Wireshark's tables. `wka` (a few hundred lines) is read whole; `manuf` (52,000 lines, sorted by
 * their first three bytes, as Wireshark generates it) is not parsed up front: the lines of one
 * three-byte prefix are found by binary search the first time an address with that prefix is
 * shown, and kept. Opening a capture costs nothing for it, and memory holds only what was shown.
 */
export class MacNames {
  private readonly wka: NameTable;
  private readonly prefixes = new Map<number, NameTable>();

  private constructor(
    private readonly manuf: Uint8Array,
    wka: Uint8Array,
  ) {
    this.wka = new NameTable().addLines(wka, 0, wka.length);
  }

  /**
   * `manuf`: `00:04:61<TAB>EPOXComp<TAB>EPOX…` and `00:1B:C5:00:00:00/36<TAB>…`; `wka`: the same
   * with `-`. A name is its line's second column, read as Latin-1; the first line for an address
   * wins, and `wka` comes before `manuf`.
   */
  static parse(manuf: Uint8Array, wka: Uint8Array): MacNames {
    return new MacNames(manuf, wka);
  }

  /** The `manuf` lines of the three-byte prefix `key`. */
  private prefix(key: number): NameTable {
    let table = this.prefixes.get(key);
    if (table === undefined) {
      const text = this.manuf;
      let end = lowerBound(text, key);
      const start = end;
      for (;;) {
        const line = keyedLineAt(text, end);
        if (line === null || line.key !== key) break;
        end = line.end + 1;
      }
      table = new NameTable().addLines(text, start, Math.min(end, text.length));
      this.prefixes.set(key, table);
    }
    return table;
  }

  /** The name of the six bytes at `offset`, or undefined when the tables do not know them. */
  resolve(b: Uint8Array, offset: number): string | undefined {
    const hi = ((b[offset] ?? 0) << 16) | ((b[offset + 1] ?? 0) << 8) | (b[offset + 2] ?? 0);
    const lo = ((b[offset + 3] ?? 0) << 16) | ((b[offset + 4] ?? 0) << 8) | (b[offset + 5] ?? 0);
    const address = hi * TWO_24 + lo;
    const own = this.prefix(hi);
    const whole = this.wka.exact.get(address) ?? own.exact.get(address);
    if (whole !== undefined) return whole;
    const block = longestBlock([this.wka, own], address);
    if (block !== undefined) return `${block.name}_${rest(b, offset, block.bits)}`;
    // Vendors are looked up without the group bit, as Wireshark does.
    const key = hi & 0xfeffff;
    const vendor = this.wka.vendors.get(key) ?? this.prefix(key).vendors.get(key);
    return vendor === undefined ? undefined : `${vendor}_${hexBytes(b, offset + 3, 3)}`;
  }
}

/** The longest named block of `tables` holding `address` (the first table wins a tie). */
function longestBlock(tables: NameTable[], address: number): { name: string; bits: number } | undefined {
  let best: { name: string; bits: number } | undefined;
  for (const table of tables) {
    for (const block of table.blocks) {
      if (best !== undefined && block.bits <= best.bits) break;
      const name = block.names.get(Math.floor(address / block.scale));
      if (name !== undefined) {
        best = { name, bits: block.bits };
        break;
      }
    }
  }
  return best;
}

/** The three-byte prefix a `manuf` line starts with (`00:1B:C5` or `00-1b-c5`), or -1. */
function lineKey(text: Uint8Array, start: number): number {
  let key = 0;
  for (let i = 0; i < 8; i++) {
    const c = text[start + i] ?? 0;
    if (i % 3 === 2) {
      if (c !== 0x3a && c !== 0x2d) return -1;
      continue;
    }
    const h = hexDigit(c);
    if (h < 0) return -1;
    key = key * 16 + h;
  }
  const after = text[start + 8];
  return after === TAB || after === 0x3a || after === 0x2d || after === 0x2f || after === 0x20 ? key : -1;
}

/** The first line at or after line start `pos` that begins with a prefix: its prefix and end. */
function keyedLineAt(text: Uint8Array, pos: number): { key: number; start: number; end: number } | null {
  while (pos < text.length) {
    let end = pos;
    while (end < text.length && text[end] !== NEWLINE) end++;
    const key = lineKey(text, pos);
    if (key >= 0) return { key, start: pos, end };
    pos = end + 1;
  }
  return null;
}

/** The start of the first line whose prefix is `key` or more (text.length when there is none). */
function lowerBound(text: Uint8Array, key: number): number {
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    let mid = (lo + hi) >>> 1;
    while (mid > lo && text[mid - 1] !== NEWLINE) mid--;
    const line = keyedLineAt(text, mid);
    if (line === null || line.start >= hi || line.key >= key) hi = mid;
    else lo = line.end + 1;
  }
  return lo;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

function hexBytes(b: Uint8Array, from: number, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += (i ? ':' : '') + hexByte(b[from + i] ?? 0);
  return out;
}

/**
 * What follows a named block's prefix of `bits`: the bytes from the one the prefix ends in, the
 * prefix's bits cleared, leading zero bytes dropped (`IPv4mcast_fb`, `OpenRBco_02:34`).
 */
function rest(b: Uint8Array, offset: number, bits: number): string {
  const tail = Array.from(b.subarray(offset + Math.floor(bits / 8), offset + 6));
  if (bits % 8 !== 0) tail[0] = (tail[0] ?? 0) & (0xff >> (bits % 8));
  let start = 0;
  while (start < tail.length - 1 && tail[start] === 0) start++;
  return tail
    .slice(start)
    .map((x) => hexByte(x))
    .join(':');
}

let source: (() => MacNames | null) | null = null;
let loaded: MacNames | null | undefined;

/** Where the process finds its name tables (read on first use); null turns names off. */
export function setMacNameSource(load: (() => MacNames | null) | null): void {
  source = load;
  loaded = undefined;
}

function table(): MacNames | null {
  if (loaded === undefined) loaded = source ? source() : null;
  return loaded;
}

/** The name of the MAC address at `offset`, or undefined. */
export function macName(b: Uint8Array, offset: number): string | undefined {
  return b.length >= offset + 6 ? table()?.resolve(b, offset) : undefined;
}

/** The name where there is one, else the address: the packet list's Source and Destination. */
export function macNameOrAddress(b: Uint8Array, offset: number): string {
  return macName(b, offset) ?? formatMac(b, offset);
}

/**
 * Tree labels: `Broadcast (ff:ff:ff:ff:ff:ff)`; an address without a name repeats itself, as
 * Wireshark's resolver hands back the address when it knows no name. With names off, the address.
 */
export function macWithName(b: Uint8Array, offset: number): string {
  const mac = formatMac(b, offset);
  if (table() === null) return mac;
  return `${macName(b, offset) ?? mac} (${mac})`;
}
