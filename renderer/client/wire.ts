// The browser mode's JSON encoding of protocol messages: a Uint8Array travels as
// `{ "$bytes": "<base64>" }`. This is the client half; main/serve/wire.ts is the server half.

interface BytesTag {
  $bytes: string;
}

function isBytesTag(v: unknown): v is BytesTag {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Partial<BytesTag>).$bytes === 'string' &&
    Object.keys(v).length === 1
  );
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(bin);
}

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v instanceof Uint8Array ? { $bytes: bytesToBase64(v) } : v,
  );
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => (isBytesTag(v) ? base64ToBytes(v.$bytes) : v));
}
