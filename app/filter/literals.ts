// Literal text to values, as Wireshark's ftypes read them (fvalue_from_literal): integers in C
// notation, byte strings with `:`, `.` or `-` separators, IPv4/IPv6 with prefixes, times.
// Every function returns null for text it does not accept; the caller words the error.

/** An IPv4 literal with its netmask (`10.0.0.0/8`); a plain address has mask 0xffffffff. */
export interface IPv4Net {
  readonly addr: number;
  readonly mask: number;
  readonly bits: number;
}

/** An IPv6 literal with its prefix length (`fe80::/10`); a plain address has 128. */
export interface IPv6Net {
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

/** An integer in C notation (`80`, `0x50`, `0120`, `0b1010`), as strtoull with base 0 (plus `0b`). */
export function parseInteger(text: string): bigint | null {
  let m: RegExpExecArray | null;
  if ((m = /^0[xX]([0-9A-Fa-f]+)$/.exec(text))) return BigInt('0x' + m[1]);
  if ((m = /^0[bB]([01]*)$/.exec(text))) return m[1] === '' ? 0n : BigInt('0b' + m[1]);
  if (/^0[0-7]*$/.test(text)) return text.length === 1 ? 0n : BigInt('0o' + text.slice(1));
  if (/^[1-9][0-9]*$/.test(text)) return BigInt(text);
  return null;
}

const isHexDigit = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const isByteSep = (c: number): boolean => c === 0x3a || c === 0x2e || c === 0x2d;

/**
 * Wireshark's hex_str_to_bytes without forced separators: pairs (or fours) of hex digits,
 * optionally separated by `:`, `.` or `-`; a lone digit before a separator or at the end is a byte.
 */
export function hexStrToBytes(s: string): Uint8Array | null {
  const out: number[] = [];
  let p = 0;
  const n = s.length;
  const at = (i: number): number => (i < n ? s.charCodeAt(i) : 0);
  while (p < n) {
    if (isHexDigit(at(p)) && isHexDigit(at(p + 1)) && isHexDigit(at(p + 2)) && isHexDigit(at(p + 3))) {
      out.push(parseInt(s.slice(p, p + 2), 16), parseInt(s.slice(p + 2, p + 4), 16));
      p += 4;
      if (p < n && isByteSep(at(p))) p++;
      continue;
    }
    if (isHexDigit(at(p)) && isHexDigit(at(p + 1))) {
      out.push(parseInt(s.slice(p, p + 2), 16));
      p += 2;
      if (p < n && isByteSep(at(p))) p++;
      continue;
    }
    if (isHexDigit(at(p)) && isByteSep(at(p + 1))) {
      out.push(parseInt(s.slice(p, p + 1), 16));
      p += 2;
      continue;
    }
    if (isHexDigit(at(p)) && p + 1 === n) {
      out.push(parseInt(s.slice(p, p + 1), 16));
      p += 1;
      continue;
    }
    return null;
  }
  return Uint8Array.from(out);
}

export type IPv4Parse = IPv4Net | 'invalid' | { badBits: number };

/** Dotted quad with an optional `/bits`. */
export function parseIPv4(text: string): IPv4Parse {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d+))?$/.exec(text);
  if (!m) return 'invalid';
  let addr = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i] as string;
    const v = Number(part);
    if (v > 255) return 'invalid';
    addr = addr * 256 + v;
  }
  const bits = m[5] === undefined ? 32 : Number(m[5]);
  if (bits > 32) return { badBits: bits };
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { addr, mask, bits };
}

export type IPv6Parse = IPv6Net | 'invalid' | { badPrefix: number };

/** RFC 4291 text (with `::` and a dotted IPv4 tail) and an optional `/prefix`. */
export function parseIPv6(text: string): IPv6Parse {
  const slash = text.indexOf('/');
  const addrText = slash >= 0 ? text.slice(0, slash) : text;
  let prefix = 128;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d+$/.test(p)) return 'invalid';
    prefix = Number(p);
  }
  const bytes = ipv6Bytes(addrText);
  if (!bytes) return 'invalid';
  if (prefix > 128) return { badPrefix: prefix };
  return { bytes, prefix };
}

function ipv6Bytes(text: string): Uint8Array | null {
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i] as string;
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece);
        if (typeof v4 !== 'object' || 'badBits' in v4 || piece.includes('/')) return null;
        out.push(v4.addr >>> 16, v4.addr & 0xffff);
        continue;
      }
      if (!/^[0-9A-Fa-f]{1,4}$/.test(piece)) return null;
      out.push(parseInt(piece, 16));
    }
    return out;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (!head || !tail) return null;
  if (halves.length === 1 && head.length !== 8) return null;
  if (halves.length === 2 && head.length + tail.length > 7) return null;
  const all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** A floating-point literal as strtod reads it (decimal, exponent, hex, inf, nan). */
export function parseFloatLiteral(text: string): number | null {
  if (/^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (/^0[xX][0-9A-Fa-f]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^inf(?:inity)?$/i.test(text)) return Infinity;
  if (/^nan$/i.test(text)) return NaN;
  return null;
}

/** Seconds as `[-]S.NNNNNNNNN` (nine fraction digits), the form time fields carry. */
export function decimalSeconds(negative: boolean, whole: string, fraction: string): string {
  const w = whole.replace(/^0+(?=\d)/, '') || '0';
  const f = (fraction + '000000000').slice(0, 9);
  const zero = /^0+$/.test(w) && /^0+$/.test(f);
  return (negative && !zero ? '-' : '') + w + '.' + f;
}

/** A relative time literal: seconds with an optional fraction (`1`, `0.5`, `10.000001`). */
export function parseRelTime(text: string): string | null {
  // 4.0 reads the fraction's digits and ignores what follows them: `1.5e9` is 1.5 seconds.
  const m = /^(\d+)(?:\.(\d*)[\s\S]*)?$/.exec(text);
  if (!m) return null;
  return decimalSeconds(false, m[1] as string, m[2] ?? '');
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * An absolute time: ISO 8601 (`2020-07-04T12:34:56`, `T` optional, fraction, `Z`/`UTC`/offset),
 * or the legacy `Sep 26, 2004 23:18:04.954975 [UTC]` (tshark 4.0 takes no plain epoch seconds).
 * Local time unless a zone is given, as tshark reads it. Returns epoch seconds as decimal text.
 */
export function parseAbsTime(text: string): string | null {
  const t = text.trim();
  let m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/.exec(
      t,
    );
  let parts: {
    y: number;
    mo: number;
    d: number;
    h: number;
    mi: number;
    s: number;
    frac: string;
    zone: string;
  };
  if (m) {
    parts = {
      y: Number(m[1]),
      mo: Number(m[2]) - 1,
      d: Number(m[3]),
      h: Number(m[4] ?? 0),
      mi: Number(m[5] ?? 0),
      s: Number(m[6] ?? 0),
      frac: m[7] ?? '',
      zone: m[8] ?? '',
    };
  } else {
    m = /^([A-Za-z]{3})\s+(\d{1,2}),\s*(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:\s+(UTC))?$/.exec(t);
    if (!m) return null;
    const mo = MONTHS.indexOf((m[1] as string).toLowerCase());
    if (mo < 0) return null;
    parts = {
      y: Number(m[3]),
      mo,
      d: Number(m[2]),
      h: Number(m[4]),
      mi: Number(m[5]),
      s: Number(m[6]),
      frac: m[7] ?? '',
      zone: m[8] ?? '',
    };
  }
  const { y, mo, d, h, mi, s, frac, zone } = parts;
  if (mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  let ms: number;
  if (zone === '') {
    ms = new Date(y, mo, d, h, mi, s).getTime();
  } else {
    ms = Date.UTC(y, mo, d, h, mi, s);
    const off = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    if (off) ms -= (off[1] === '-' ? -1 : 1) * (Number(off[2]) * 60 + Number(off[3])) * 60_000;
  }
  if (!Number.isFinite(ms)) return null;
  const secs = Math.floor(ms / 1000);
  return decimalSeconds(secs < 0, String(Math.abs(secs)), frac);
}

/** Compares two decimal numbers given as text (`-12.5`, `0.000001000`) without converting them. */
export function compareDecimal(a: string, b: string): number {
  const negA = a.charCodeAt(0) === 0x2d;
  const negB = b.charCodeAt(0) === 0x2d;
  if (negA !== negB) return negA ? -1 : 1;
  const mag = compareMagnitude(a, negA ? 1 : 0, b, negB ? 1 : 0);
  return negA ? -mag : mag;
}

function compareMagnitude(a: string, ia: number, b: string, ib: number): number {
  while (a.charCodeAt(ia) === 0x30 && isDigitAt(a, ia + 1)) ia++;
  while (b.charCodeAt(ib) === 0x30 && isDigitAt(b, ib + 1)) ib++;
  let ea = ia;
  while (isDigitAt(a, ea)) ea++;
  let eb = ib;
  while (isDigitAt(b, eb)) eb++;
  if (ea - ia !== eb - ib) return ea - ia < eb - ib ? -1 : 1;
  for (let k = 0; k < ea - ia; k++) {
    const d = a.charCodeAt(ia + k) - b.charCodeAt(ib + k);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  // Fractions: digit by digit, missing digits are zeros.
  let fa = a.charCodeAt(ea) === 0x2e ? ea + 1 : a.length;
  let fb = b.charCodeAt(eb) === 0x2e ? eb + 1 : b.length;
  while (fa < a.length || fb < b.length) {
    const da = fa < a.length && isDigitAt(a, fa) ? a.charCodeAt(fa) : 0x30;
    const db = fb < b.length && isDigitAt(b, fb) ? b.charCodeAt(fb) : 0x30;
    if (da !== db) return da < db ? -1 : 1;
    fa++;
    fb++;
  }
  return 0;
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
}
