// The browser mode's JSON encoding of protocol messages, used by both ends of the WebSocket: a
// Uint8Array (or a Node Buffer) travels as `{ "$bytes": "<base64>" }`.

interface BytesTag {
  $bytes: string;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

function isBytesTag(v: unknown): v is BytesTag {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Partial<BytesTag>).$bytes === 'string' &&
    Object.keys(v).length === 1
  );
}

/** RFC 4648 base64 with padding. */
export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let s = '';
  const sextet = (n: number): string => ALPHABET[n & 63] ?? '';
  const full = bytes.length - (bytes.length % 3);
  for (let i = 0; i < full; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    s += sextet(n >> 18) + sextet(n >> 12) + sextet(n >> 6) + sextet(n);
    if (s.length >= 0x4000) {
      parts.push(s);
      s = '';
    }
  }
  const rest = bytes.length - full;
  if (rest > 0) {
    const n = ((bytes[full] ?? 0) << 16) | (rest === 2 ? (bytes[full + 1] ?? 0) << 8 : 0);
    s += sextet(n >> 18) + sextet(n >> 12) + (rest === 2 ? sextet(n >> 6) : '=') + '=';
  }
  parts.push(s);
  return parts.join('');
}

/** Decodes base64 (padding optional); throws on a character outside the alphabet. */
export function base64ToBytes(b64: string): Uint8Array {
  let end = b64.length;
  while (end > 0 && b64.charCodeAt(end - 1) === 61) end--; // '='
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = b64.charCodeAt(i);
    const v = c < 128 ? (DECODE[c] ?? -1) : -1;
    if (v < 0) throw new Error(`invalid base64 character at offset ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    // `this[key]` is the value before toJSON (a Buffer has one that would spell it as an array).
    const raw = this[key];
    return raw instanceof Uint8Array ? { $bytes: bytesToBase64(raw) } : v;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => (isBytesTag(v) ? base64ToBytes(v.$bytes) : v));
}
