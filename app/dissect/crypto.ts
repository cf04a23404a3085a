// The synchronous primitives decryption needs (QUIC Initial packets, TLS/DTLS/QUIC with secrets
// from a key log). `app/` may not use node:crypto, so the engine and the CLI pass an
// implementation in through DissectOptions; without one, nothing is decrypted (as tshark without keys).

export type HashName = 'md5' | 'sha1' | 'sha256' | 'sha384';

/** AEAD ciphers by OpenSSL name; CCM takes the tag length given. */
export type AeadName = 'aes-128-gcm' | 'aes-256-gcm' | 'aes-128-ccm' | 'aes-256-ccm' | 'chacha20-poly1305';

/** Block ciphers in CBC mode. */
export type CbcName = 'aes-128-cbc' | 'aes-256-cbc' | 'des-ede3-cbc';

export interface CryptoProvider {
  /** HKDF-Extract with SHA-256 (RFC 5869): HMAC-SHA256(salt, ikm). */
  hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  /** HKDF-Expand (RFC 5869), SHA-256 unless `hash` says otherwise. */
  hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number, hash?: HashName): Uint8Array;
  /** AES-128-ECB of one 16-byte block (the header protection mask). */
  aesEcbEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array;
  /** AES-128-GCM open; `data` ends with the 16-byte tag. Null when authentication fails. */
  aesGcmDecrypt(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, data: Uint8Array): Uint8Array | null;
  /** HMAC of the concatenated parts. */
  hmac(hash: HashName, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array;
  /** AEAD open; `data` ends with a `tagLength`-byte tag. Null when authentication fails. */
  aeadDecrypt(
    cipher: AeadName,
    key: Uint8Array,
    nonce: Uint8Array,
    aad: Uint8Array,
    data: Uint8Array,
    tagLength: number,
  ): Uint8Array | null;
  /** CBC decryption without padding removal (`data` a whole number of blocks); null on error. */
  cbcDecrypt(cipher: CbcName, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array | null;
  /** AES-ECB or ChaCha20 keystream for QUIC header protection: the 5-byte mask for `sample`. */
  headerMask?(cipher: 'aes-128' | 'aes-256' | 'chacha20', key: Uint8Array, sample: Uint8Array): Uint8Array;
}

/** TLS 1.3 HKDF-Expand-Label (RFC 8446 §7.1) with an empty context. */
export function hkdfExpandLabel(
  crypto: CryptoProvider,
  secret: Uint8Array,
  label: string,
  length: number,
  hash?: HashName,
): Uint8Array {
  const full = `tls13 ${label}`;
  const info = new Uint8Array(4 + full.length);
  info[0] = length >> 8;
  info[1] = length & 0xff;
  info[2] = full.length;
  for (let i = 0; i < full.length; i++) info[3 + i] = full.charCodeAt(i);
  info[3 + full.length] = 0;
  return crypto.hkdfExpand(secret, info, length, hash);
}
