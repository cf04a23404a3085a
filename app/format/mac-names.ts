// Names of physical addresses, as Wireshark shows them by default ("Resolve physical
// addresses"): a well-known address by its name (`Broadcast`), a well-known block by its name and
// the rest of the address (`IPv4mcast_fb`, `IPv6mcast_01:00:03`), any other address by its
// vendor's short name and the last three bytes (`IntelCor_02:08:54`). The tables are Wireshark's
// `manuf` and `wka` files, given by the process (app/ reads no files); without them addresses
// show as they are.
import { formatMac, hexByte } from './address.ts';

interface Block {
  bits: number;
  names: Map<number, string>;
}

export class MacNames {
  private readonly exact = new Map<number, string>();
  private readonly vendors = new Map<number, string>();
  /** Named blocks by prefix length, longest first. */
  private readonly blocks: Block[] = [];

  /** `manuf`: `00:04:61<TAB>EPOXComp<TAB>EPOX…` and `00:1B:C5:00:00:00/36<TAB>…`; `wka`: the same with `-`. */
  static parse(manuf: string, wka: string): MacNames {
    const names = new MacNames();
    for (const text of [wka, manuf]) {
      for (const line of text.split('\n')) names.addLine(line);
    }
    names.blocks.sort((a, b) => b.bits - a.bits);
    return names;
  }

  private addLine(line: string): void {
    if (line === '' || line.startsWith('#')) return;
    const [addr, name] = line.split(/\t+/);
    if (!addr || !name) return;
    const [hex = '', maskText] = addr.split('/');
    const bytes = hex.split(/[:-]/).map((h) => Number.parseInt(h, 16));
    if (bytes.length === 0 || bytes.length > 6 || bytes.some((b) => !(b >= 0 && b <= 255))) return;
    if (bytes.length === 3 && maskText === undefined) {
      if (!this.vendors.has(prefixKey(bytes, 24))) this.vendors.set(prefixKey(bytes, 24), name);
      return;
    }
    const bits = maskText === undefined ? bytes.length * 8 : Number(maskText);
    if (!(bits > 0 && bits <= 48)) return;
    while (bytes.length < 6) bytes.push(0);
    if (bits === 48) {
      if (!this.exact.has(prefixKey(bytes, 48))) this.exact.set(prefixKey(bytes, 48), name);
      return;
    }
    let block = this.blocks.find((b) => b.bits === bits);
    if (!block) this.blocks.push((block = { bits, names: new Map() }));
    const key = prefixKey(bytes, bits);
    if (!block.names.has(key)) block.names.set(key, name);
  }

  /** The name of the six bytes at `offset`, or undefined when the tables do not know them. */
  resolve(b: Uint8Array, offset: number): string | undefined {
    const bytes = Array.from(b.subarray(offset, offset + 6));
    const whole = this.exact.get(prefixKey(bytes, 48));
    if (whole !== undefined) return whole;
    for (const block of this.blocks) {
      const name = block.names.get(prefixKey(bytes, block.bits));
      if (name !== undefined) return `${name}_${rest(bytes, block.bits)}`;
    }
    // Vendors are looked up without the group bit, as Wireshark does.
    const vendor = this.vendors.get(prefixKey([(bytes[0] ?? 0) & 0xfe, ...bytes.slice(1)], 24));
    return vendor === undefined ? undefined : `${vendor}_${bytes.slice(3).map(hexByte).join(':')}`;
  }
}

/** The first `bits` of the address as a number (exact: 48 bits fit a double). */
function prefixKey(bytes: readonly number[], bits: number): number {
  let key = 0;
  for (let i = 0; i < 6; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    const mask = keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    key = key * 256 + ((bytes[i] ?? 0) & mask);
  }
  return key;
}

/**
 * What follows a named block's prefix of `bits`: the bytes from the one the prefix ends in, the
 * prefix's bits cleared, leading zero bytes dropped (`IPv4mcast_fb`, `OpenRBco_02:34`).
 */
function rest(bytes: readonly number[], bits: number): string {
  const tail = bytes.slice(Math.floor(bits / 8));
  if (bits % 8 !== 0) tail[0] = (tail[0] ?? 0) & (0xff >> (bits % 8));
  let start = 0;
  while (start < tail.length - 1 && tail[start] === 0) start++;
  return tail
    .slice(start)
    .map((b) => hexByte(b))
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
