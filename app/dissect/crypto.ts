// The few synchronous primitives QUIC Initial decryption needs (RFC 9001 §5). `app/` may not use
// node:crypto, so the engine and the CLI pass an implementation in through DissectOptions; without
// one, QUIC shows protected payloads as tshark does when it has no keys.

export interface CryptoProvider {
  /** HKDF-Extract with SHA-256 (RFC 5869): HMAC-SHA256(salt, ikm). */
  hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  /** HKDF-Expand with SHA-256 (RFC 5869). */
  hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  /** AES-128-ECB of one 16-byte block (the header protection mask). */
  aesEcbEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array;
  /** AES-128-GCM open; `data` ends with the 16-byte tag. Null when authentication fails. */
  aesGcmDecrypt(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, data: Uint8Array): Uint8Array | null;
}

/** TLS 1.3 HKDF-Expand-Label (RFC 8446 §7.1) with an empty context. */
export function hkdfExpandLabel(
  crypto: CryptoProvider,
  secret: Uint8Array,
  label: string,
  length: number,
): Uint8Array {
  const full = `tls13 ${label}`;
  const info = new Uint8Array(4 + full.length);
  info[0] = length >> 8;
  info[1] = length & 0xff;
  info[2] = full.length;
  for (let i = 0; i < full.length; i++) info[3 + i] = full.charCodeAt(i);
  info[3 + full.length] = 0;
  return crypto.hkdfExpand(secret, info, length);
}
