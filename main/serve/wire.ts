// The browser mode's JSON encoding of protocol messages: a Uint8Array (or Buffer) travels as
// `{ "$bytes": "<base64>" }`. This is the server half; renderer/client/wire.ts is the client's.

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

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    // `this[key]` is the value before toJSON (a Buffer has one that would spell it as an array).
    const raw = this[key];
    if (raw instanceof Uint8Array) {
      return { $bytes: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
    }
    return v;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) =>
    isBytesTag(v) ? new Uint8Array(Buffer.from(v.$bytes, 'base64')) : v,
  );
}
