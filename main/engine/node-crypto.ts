// node:crypto behind app/dissect/crypto.ts: what the dissectors decrypt with (QUIC Initial
// packets, and TLS, DTLS and QUIC sessions whose secrets a key log or the capture gives).
import { createCipheriv, createDecipheriv, createHmac, type CipherCCMTypes } from 'node:crypto';
import type { CryptoProvider, HashName } from '../../app/dissect/crypto.ts';

const HASH_LENGTH: Record<HashName, number> = { md5: 16, sha1: 20, sha256: 32, sha384: 48 };

function hmac(hash: HashName, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac(hash, key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

const EMPTY = new Uint8Array(0);

export const nodeCrypto: CryptoProvider = {
  hkdfExtract(salt, ikm) {
    return hmac('sha256', salt, ikm);
  },
  hkdfExpand(prk, info, length, hash = 'sha256') {
    const out = new Uint8Array(length);
    let prev: Uint8Array = EMPTY;
    for (let i = 1, filled = 0; filled < length; i++) {
      prev = hmac(hash, prk, prev, info, Uint8Array.of(i));
      out.set(prev.subarray(0, Math.min(HASH_LENGTH[hash], length - filled)), filled);
      filled += prev.length;
    }
    return out;
  },
  aesEcbEncryptBlock(key, block) {
    const c = createCipheriv('aes-128-ecb', key, null);
    c.setAutoPadding(false);
    return new Uint8Array(Buffer.concat([c.update(block), c.final()]));
  },
  aesGcmDecrypt(key, nonce, aad, data) {
    return this.aeadDecrypt('aes-128-gcm', key, nonce, aad, data, 16);
  },
  hmac,
  aeadDecrypt(cipher, key, nonce, aad, data, tagLength) {
    if (data.length < tagLength) return null;
    const body = data.subarray(0, data.length - tagLength);
    try {
      if (cipher === 'aes-128-ccm' || cipher === 'aes-256-ccm') {
        const d = createDecipheriv(cipher as CipherCCMTypes, key, nonce, { authTagLength: tagLength });
        d.setAuthTag(data.subarray(data.length - tagLength));
        d.setAAD(aad, { plaintextLength: body.length });
        return new Uint8Array(Buffer.concat([d.update(body), d.final()]));
      }
      const d =
        cipher === 'chacha20-poly1305'
          ? createDecipheriv(cipher, key, nonce, { authTagLength: tagLength })
          : createDecipheriv(cipher, key, nonce);
      d.setAAD(aad);
      d.setAuthTag(data.subarray(data.length - tagLength));
      return new Uint8Array(Buffer.concat([d.update(body), d.final()]));
    } catch {
      return null;
    }
  },
  cbcDecrypt(cipher, key, iv, data) {
    try {
      const d = createDecipheriv(cipher, key, iv);
      d.setAutoPadding(false);
      return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
    } catch {
      return null;
    }
  },
  headerMask(cipher, key, sample) {
    if (cipher === 'chacha20') {
      // RFC 9001 §5.4.4: counter = sample[0..4] little-endian, nonce = sample[4..16].
      const c = createCipheriv('chacha20', key, sample.subarray(0, 16));
      return new Uint8Array(c.update(new Uint8Array(5)));
    }
    const c = createCipheriv(cipher === 'aes-128' ? 'aes-128-ecb' : 'aes-256-ecb', key, null);
    c.setAutoPadding(false);
    return new Uint8Array(c.update(sample.subarray(0, 16))).subarray(0, 5);
  },
};
