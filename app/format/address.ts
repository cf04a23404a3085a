// Address text as Wireshark prints it: MACs lower-case with colons, IPv4 dotted quad,
// IPv6 compressed as RFC 5952 says (longest run of two or more zero groups becomes ::).

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Two lower-case hex digits for a byte. */
export function hexByte(b: number): string {
  return HEX[b & 0xff] as string;
}

export function formatMac(bytes: Uint8Array, offset: number): string {
  let s = hexByte(bytes[offset] as number);
  for (let i = 1; i < 6; i++) s += ':' + hexByte(bytes[offset + i] as number);
  return s;
}

export function formatIPv4(addr: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 0xff}.${(addr >>> 8) & 0xff}.${addr & 0xff}`;
}

export function readIPv4(bytes: Uint8Array, offset: number): number {
  return (
    (((bytes[offset] as number) << 24) |
      ((bytes[offset + 1] as number) << 16) |
      ((bytes[offset + 2] as number) << 8) |
      (bytes[offset + 3] as number)) >>>
    0
  );
}

export function formatIPv6(bytes: Uint8Array, offset: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++)
    g.push(((bytes[offset + 2 * i] as number) << 8) | (bytes[offset + 2 * i + 1] as number));
  // IPv4-mapped (::ffff:a.b.c.d) is printed with a dotted tail, as inet_ntop does.
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return '::ffff:' + formatIPv4(readIPv4(bytes, offset + 12));
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const part = (from: number, to: number): string =>
    g
      .slice(from, to)
      .map((x) => x.toString(16))
      .join(':');
  if (bestStart < 0) return part(0, 8);
  return part(0, bestStart) + '::' + part(bestStart + bestLen, 8);
}

/** Bytes as contiguous lower-case hex (`0101080a`), as tshark prints FT_BYTES fields. */
export function formatHex(bytes: Uint8Array, offset = 0, length = bytes.length - offset): string {
  let s = '';
  for (let i = offset; i < offset + length; i++) s += hexByte(bytes[i] as number);
  return s;
}

/** Bytes as colon-separated hex (`aa:bb:cc`), as Wireshark labels show them. */
export function formatHexColon(bytes: Uint8Array, offset = 0, length = bytes.length - offset): string {
  const parts: string[] = [];
  for (let i = offset; i < offset + length; i++) parts.push(hexByte(bytes[i] as number));
  return parts.join(':');
}
