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

export class MacNames {
  private readonly exact = new Map<number, string>();
  private readonly vendors = new Map<number, string>();
  /** Named blocks by prefix length, longest first. */
  private readonly blocks: Block[] = [];

  /** `manuf`: `00:04:61<TAB>EPOXComp<TAB>EPOX…` and `00:1B:C5:00:00:00/36<TAB>…`; `wka`: the same with `-`. */
  static parse(manuf: string, wka: string): MacNames {
    const names = new MacNames();
    for (const text of [wka, manuf]) {
      let start = 0;
      while (start < text.length) {
        let end = text.indexOf('\n', start);
        if (end < 0) end = text.length;
        names.addLine(text, start, end);
        start = end + 1;
      }
    }
    names.blocks.sort((x, y) => y.bits - x.bits);
    return names;
  }

  /** One `ADDRESS[/BITS]<TAB>NAME[<TAB>…]` line of `text` (between `start` and `end`). */
  private addLine(text: string, start: number, end: number): void {
    if (end - start < 3 || text.charCodeAt(start) === 0x23 /* # */) return;
    let tab = text.indexOf('\t', start);
    if (tab < 0 || tab >= end) return;
    const addrEnd = tab;
    while (tab < end && text.charCodeAt(tab) === 0x09) tab++;
    let nameEnd = text.indexOf('\t', tab);
    if (nameEnd < 0 || nameEnd > end) nameEnd = end;
    const name = text.slice(tab, nameEnd).trim();
    if (name === '') return;
    let value = 0;
    let digits = 0;
    let bytes = 0;
    let bits = -1;
    for (let i = start; i < addrEnd; i++) {
      const c = text.charCodeAt(i);
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

  /** The name of the six bytes at `offset`, or undefined when the tables do not know them. */
  resolve(b: Uint8Array, offset: number): string | undefined {
    const hi = ((b[offset] ?? 0) << 16) | ((b[offset + 1] ?? 0) << 8) | (b[offset + 2] ?? 0);
    const lo = ((b[offset + 3] ?? 0) << 16) | ((b[offset + 4] ?? 0) << 8) | (b[offset + 5] ?? 0);
    const address = hi * TWO_24 + lo;
    const whole = this.exact.get(address);
    if (whole !== undefined) return whole;
    for (const block of this.blocks) {
      const name = block.names.get(Math.floor(address / block.scale));
      if (name !== undefined) return `${name}_${rest(b, offset, block.bits)}`;
    }
    // Vendors are looked up without the group bit, as Wireshark does.
    const vendor = this.vendors.get(hi & 0xfeffff);
    return vendor === undefined ? undefined : `${vendor}_${hexBytes(b, offset + 3, 3)}`;
  }
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

/** `Broadcast (ff:ff:ff:ff:ff:ff)`, or just the address without a name: tree labels. */
export function macWithName(b: Uint8Array, offset: number): string {
  const mac = formatMac(b, offset);
  const name = macName(b, offset);
  return name === undefined ? mac : `${name} (${mac})`;
}
