// node:crypto behind app/dissect/crypto.ts, for QUIC Initial decryption.
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import type { CryptoProvider } from '../../app/dissect/crypto.ts';

function hmac(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export const nodeCrypto: CryptoProvider = {
  hkdfExtract(salt, ikm) {
    return hmac(salt, ikm);
  },
  hkdfExpand(prk, info, length) {
    const out = new Uint8Array(length);
    let prev: Uint8Array = new Uint8Array(0);
    for (let i = 1, filled = 0; filled < length; i++) {
      prev = hmac(prk, prev, info, Uint8Array.of(i));
      out.set(prev.subarray(0, Math.min(prev.length, length - filled)), filled);
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
    if (data.length < 16) return null;
    try {
      const d = createDecipheriv('aes-128-gcm', key, nonce);
      d.setAAD(aad);
      d.setAuthTag(data.subarray(data.length - 16));
      return new Uint8Array(Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]));
    } catch {
      return null;
    }
  },
};
