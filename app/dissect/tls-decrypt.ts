// TLS record decryption with secrets from a key log (Wireshark's ssl_decrypt_record): the cipher
// suite's parameters, TLS 1.3 traffic keys (RFC 8446 §7.3), the TLS 1.0–1.2 key block (RFC 5246
// §6.3, RFC 2246 §5) and one record opened with AEAD (GCM, CCM, ChaCha20-Poly1305) or CBC + HMAC.
// DTLS uses the same decoders with its epoch and sequence number in the nonce and MAC.
import {
  hkdfExpandLabel,
  type AeadName,
  type CbcName,
  type CryptoProvider,
  type HashName,
} from './crypto.ts';
import { CIPHER_SUITE_NAMES } from './tls-names.ts';

/** What decryption needs to know of a cipher suite. */
export interface Suite {
  aead: AeadName | null;
  cbc: CbcName | null;
  keyLen: number;
  /** Implicit IV bytes from the key block: 4 (GCM/CCM), 12 (ChaCha20, TLS 1.3), the block (CBC). */
  ivLen: number;
  /** Explicit nonce bytes leading each TLS 1.2 GCM/CCM record. */
  explicitLen: number;
  tagLen: number;
  blockLen: number;
  mac: HashName | null;
  macLen: number;
  /** The TLS 1.2 PRF's hash, TLS 1.3's HKDF hash. */
  hash: HashName;
}

const HASH_LENGTH: Record<HashName, number> = { md5: 16, sha1: 20, sha256: 32, sha384: 48 };

const suites = new Map<number, Suite | null>();

/** The suite's parameters, read from its IANA name; null for one Trawl cannot decrypt. */
export function suiteOf(id: number): Suite | null {
  let s = suites.get(id);
  if (s === undefined) {
    s = parseSuite(CIPHER_SUITE_NAMES[id] ?? '');
    suites.set(id, s);
  }
  return s;
}

function parseSuite(name: string): Suite | null {
  const m =
    /^TLS_(AES_128|AES_256|CHACHA20)_(GCM|CCM_8|CCM|POLY1305)_(SHA256|SHA384)$/.exec(name) ??
    /_WITH_(AES_128|AES_256|3DES_EDE|CHACHA20)_(GCM|CCM_8|CCM|CBC|POLY1305)(?:_(SHA|SHA256|SHA384))?$/.exec(
      name,
    );
  if (!m) return null;
  const [, enc, mode, h] = m as unknown as [string, string, string, string | undefined];
  const tls13 = !name.includes('_WITH_');
  const hash: HashName = h === 'SHA384' ? 'sha384' : 'sha256';
  const keyLen = enc === 'AES_128' ? 16 : enc === '3DES_EDE' ? 24 : 32;
  const base = { keyLen, hash, mac: null, macLen: 0, blockLen: 0, cbc: null };
  if (mode === 'CBC') {
    const blockLen = enc === '3DES_EDE' ? 8 : 16;
    const mac: HashName = h === 'SHA384' ? 'sha384' : h === 'SHA256' ? 'sha256' : 'sha1';
    const cbc: CbcName =
      enc === 'AES_128' ? 'aes-128-cbc' : enc === 'AES_256' ? 'aes-256-cbc' : 'des-ede3-cbc';
    return {
      ...base,
      aead: null,
      cbc,
      ivLen: blockLen,
      explicitLen: 0,
      tagLen: 0,
      blockLen,
      mac,
      macLen: HASH_LENGTH[mac],
    };
  }
  if (mode === 'POLY1305') {
    return { ...base, aead: 'chacha20-poly1305', ivLen: 12, explicitLen: 0, tagLen: 16 };
  }
  const gcm = mode === 'GCM';
  const aead: AeadName = gcm
    ? enc === 'AES_128'
      ? 'aes-128-gcm'
      : 'aes-256-gcm'
    : enc === 'AES_128'
      ? 'aes-128-ccm'
      : 'aes-256-ccm';
  const tagLen = mode === 'CCM_8' ? 8 : 16;
  return tls13
    ? { ...base, aead, ivLen: 12, explicitLen: 0, tagLen }
    : { ...base, aead, ivLen: 4, explicitLen: 8, tagLen };
}

/** One direction's keys and record counter (Wireshark's SslDecoder). */
export interface Decoder {
  suite: Suite;
  key: Uint8Array;
  iv: Uint8Array;
  macKey: Uint8Array | null;
  /** Records this direction decrypted so far: the next record's sequence number. */
  seq: number;
  /** TLS 1.3: the traffic secret, for a KeyUpdate. */
  secret: Uint8Array | null;
}

/** TLS 1.3 traffic keys from a traffic secret (RFC 8446 §7.3). */
export function tls13Decoder(crypto: CryptoProvider, suite: Suite, secret: Uint8Array): Decoder {
  return {
    suite,
    key: hkdfExpandLabel(crypto, secret, 'key', suite.keyLen, suite.hash),
    iv: hkdfExpandLabel(crypto, secret, 'iv', 12, suite.hash),
    macKey: null,
    seq: 0,
    secret,
  };
}

/** The decoder after a KeyUpdate (RFC 8446 §7.2): the next generation of its traffic secret. */
export function tls13Update(crypto: CryptoProvider, d: Decoder): Decoder {
  const secret = d.secret ?? new Uint8Array(0);
  const next = hkdfExpandLabel(crypto, secret, 'traffic upd', HASH_LENGTH[d.suite.hash], d.suite.hash);
  return tls13Decoder(crypto, d.suite, next);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** RFC 5246 §5 P_hash. */
function pHash(
  crypto: CryptoProvider,
  hash: HashName,
  secret: Uint8Array,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  const out = new Uint8Array(length);
  let a = seed;
  for (let filled = 0; filled < length;) {
    a = crypto.hmac(hash, secret, a);
    const block = crypto.hmac(hash, secret, a, seed);
    out.set(block.subarray(0, Math.min(block.length, length - filled)), filled);
    filled += block.length;
  }
  return out;
}

/** The TLS PRF: P_<hash> in TLS 1.2, P_MD5 ⊕ P_SHA1 over the secret's halves before. */
export function prf(
  crypto: CryptoProvider,
  version: number,
  hash: HashName,
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  const s = concat(ascii(label), seed);
  // TLS 1.2 and DTLS 1.2 (0xfefd); DTLS 1.0 (0xfeff) is TLS 1.1's PRF.
  if ((version >= 0x0303 && version < 0xfe00) || version === 0xfefd)
    return pHash(crypto, hash, secret, s, length);
  const half = Math.ceil(secret.length / 2);
  const md5 = pHash(crypto, 'md5', secret.subarray(0, half), s, length);
  const sha1 = pHash(crypto, 'sha1', secret.subarray(secret.length - half), s, length);
  for (let i = 0; i < length; i++) md5[i] = (md5[i] as number) ^ (sha1[i] as number);
  return md5;
}

/** Both directions' decoders from a TLS ≤ 1.2 master secret (the key block, RFC 5246 §6.3). */
export function tls12Decoders(
  crypto: CryptoProvider,
  suite: Suite,
  version: number,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): { client: Decoder; server: Decoder } {
  const { macLen, keyLen, ivLen } = suite;
  const block = prf(
    crypto,
    version,
    suite.hash,
    master,
    'key expansion',
    concat(serverRandom, clientRandom),
    2 * (macLen + keyLen + ivLen),
  );
  let p = 0;
  const take = (n: number): Uint8Array => block.slice(p, (p += n));
  const cMac = take(macLen);
  const sMac = take(macLen);
  const cKey = take(keyLen);
  const sKey = take(keyLen);
  const cIv = take(ivLen);
  const sIv = take(ivLen);
  const make = (key: Uint8Array, iv: Uint8Array, mac: Uint8Array): Decoder => ({
    suite,
    key,
    iv,
    macKey: macLen > 0 ? mac : null,
    seq: 0,
    secret: null,
  });
  return { client: make(cKey, cIv, cMac), server: make(sKey, sIv, sMac) };
}

/** A decrypted record: its real content type (TLS 1.3's inner type) and plaintext. */
export interface Opened {
  type: number;
  data: Uint8Array;
}

function seqBytes(seq: number): Uint8Array {
  const b = new Uint8Array(8);
  let v = seq;
  for (let i = 7; i >= 0 && v > 0; i--) {
    b[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return b;
}

function xorNonce(iv: Uint8Array, seq: Uint8Array): Uint8Array {
  const n = iv.slice();
  for (let i = 0; i < 8; i++) n[n.length - 8 + i] = (n[n.length - 8 + i] as number) ^ (seq[i] as number);
  return n;
}

/**
 * Opens one record's fragment `body` of content type `ct` and record version `version`; null when
 * it does not authenticate (wrong keys, a record cut short). `tls13` records carry their type
 * inside; `seq8` is DTLS's epoch and sequence number (TLS counts records itself). Advances the
 * decoder's counter on success only, as Wireshark does.
 */
export function decryptRecord(
  crypto: CryptoProvider,
  d: Decoder,
  ct: number,
  version: number,
  body: Uint8Array,
  tls13: boolean,
  seq8?: Uint8Array,
  noAad = false,
): Opened | null {
  const s = d.suite;
  const seq = seq8 ?? seqBytes(d.seq);
  let opened: Opened | null = null;
  if (tls13) {
    if (s.aead === null) return null;
    // TLS 1.3 drafts before 25 authenticated no record header.
    const aad = noAad
      ? new Uint8Array(0)
      : Uint8Array.of(ct, version >> 8, version & 0xff, body.length >> 8, body.length & 0xff);
    const plain = crypto.aeadDecrypt(s.aead, d.key, xorNonce(d.iv, seq), aad, body, s.tagLen);
    if (plain === null) return null;
    let end = plain.length;
    while (end > 0 && plain[end - 1] === 0) end--;
    // All padding, no type: RFC 8446 §5.4 makes that an unexpected_message.
    if (end === 0) return null;
    opened = { type: plain[end - 1] as number, data: plain.subarray(0, end - 1) };
  } else if (s.aead !== null) {
    if (body.length < s.explicitLen + s.tagLen) return null;
    const nonce = s.explicitLen > 0 ? concat(d.iv, body.subarray(0, s.explicitLen)) : xorNonce(d.iv, seq);
    const cipher = body.subarray(s.explicitLen);
    const plainLen = cipher.length - s.tagLen;
    const aad = concat(seq, Uint8Array.of(ct, version >> 8, version & 0xff, plainLen >> 8, plainLen & 0xff));
    const plain = crypto.aeadDecrypt(s.aead, d.key, nonce, aad, cipher, s.tagLen);
    if (plain === null) return null;
    opened = { type: ct, data: plain };
  } else if (s.cbc !== null && s.mac !== null) {
    opened = openCbc(crypto, d, ct, version, body, seq);
  }
  if (opened) d.seq++;
  return opened;
}

/** MAC-then-encrypt CBC (RFC 5246 §6.2.3.2); TLS 1.0 chains the IV from the previous record. */
function openCbc(
  crypto: CryptoProvider,
  d: Decoder,
  ct: number,
  version: number,
  body: Uint8Array,
  seq: Uint8Array,
): Opened | null {
  const s = d.suite;
  const bl = s.blockLen;
  if (body.length === 0 || body.length % bl !== 0 || s.cbc === null || s.mac === null) return null;
  const explicit = version >= 0x0302 || version === 0xfeff || version === 0xfefd;
  let iv = d.iv;
  let cipher = body;
  if (explicit) {
    if (body.length < 2 * bl) return null;
    iv = body.subarray(0, bl);
    cipher = body.subarray(bl);
  } else {
    d.iv = body.slice(body.length - bl);
  }
  const plain = crypto.cbcDecrypt(s.cbc, d.key, iv, cipher);
  if (plain === null) return null;
  const pad = (plain[plain.length - 1] as number) + 1;
  if (pad + s.macLen > plain.length) return null;
  const contentLen = plain.length - pad - s.macLen;
  const content = plain.subarray(0, contentLen);
  const mac = plain.subarray(contentLen, contentLen + s.macLen);
  const header = concat(
    seq,
    Uint8Array.of(ct, version >> 8, version & 0xff, contentLen >> 8, contentLen & 0xff),
  );
  const want = crypto.hmac(s.mac, d.macKey ?? new Uint8Array(0), header, content);
  for (let i = 0; i < s.macLen; i++) if (want[i] !== mac[i]) return null;
  return { type: ct, data: content };
}
