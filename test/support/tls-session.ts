// Built TLS sessions for decryption tests: a TLS 1.3 and a TLS 1.2 (ECDHE-RSA AES-128-GCM)
// connection carrying one HTTP request and response, encrypted with node:crypto under secrets
// chosen here, and the NSS key logs that open them.
import { createCipheriv, createHmac } from 'node:crypto';
import { concat } from './pcap-bytes.ts';
import { TcpStream } from './proto-oracle.ts';
import { latin1 } from './tcp-frames.ts';

const u16 = (v: number): Uint8Array => Uint8Array.of(v >> 8, v & 0xff);
const u24 = (v: number): Uint8Array => Uint8Array.of(v >> 16, (v >> 8) & 0xff, v & 0xff);
export const fill = (n: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (seed + i * 7) & 0xff);
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const handshake = (type: number, body: Uint8Array): Uint8Array =>
  concat(Uint8Array.of(type), u24(body.length), body);
export const record = (ct: number, body: Uint8Array): Uint8Array =>
  concat(Uint8Array.of(ct, 3, 3), u16(body.length), body);
const extension = (type: number, body: Uint8Array): Uint8Array => concat(u16(type), u16(body.length), body);

function clientHello(random: Uint8Array, suite: number, exts: Uint8Array): Uint8Array {
  const body = concat(u16(0x0303), random, Uint8Array.of(0), u16(2), u16(suite), Uint8Array.of(1, 0));
  return handshake(1, concat(body, u16(exts.length), exts));
}

function serverHello(random: Uint8Array, suite: number, exts: Uint8Array): Uint8Array {
  const body = concat(u16(0x0303), random, Uint8Array.of(0), u16(suite), Uint8Array.of(0));
  return handshake(2, exts.length > 0 ? concat(body, u16(exts.length), exts) : body);
}

function hkdfExpandLabel(secret: Uint8Array, label: string, length: number): Uint8Array {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = concat(u16(length), Uint8Array.of(full.length), full, Uint8Array.of(0));
  const out: number[] = [];
  let prev = new Uint8Array(0);
  for (let i = 1; out.length < length; i++) {
    prev = new Uint8Array(
      createHmac('sha256', secret)
        .update(concat(prev, info, Uint8Array.of(i)))
        .digest(),
    );
    out.push(...prev);
  }
  return Uint8Array.from(out.slice(0, length));
}

function gcm(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plain: Uint8Array): Uint8Array {
  const c = createCipheriv('aes-128-gcm', key, nonce);
  c.setAAD(aad);
  return concat(c.update(plain), c.final(), c.getAuthTag());
}

function seqNonce(iv: Uint8Array, seq: number): Uint8Array {
  const n = iv.slice();
  n[11] = (n[11] as number) ^ seq;
  return n;
}

/** A TLS 1.3 sender: records of `type` sealed as RFC 8446 §5.2 says (AES-128-GCM). */
class Tls13Writer {
  private seq = 0;
  private key: Uint8Array;
  private iv: Uint8Array;
  constructor(secret: Uint8Array) {
    this.key = hkdfExpandLabel(secret, 'key', 16);
    this.iv = hkdfExpandLabel(secret, 'iv', 12);
  }
  seal(type: number, content: Uint8Array): Uint8Array {
    const inner = concat(content, Uint8Array.of(type));
    const header = Uint8Array.of(23, 3, 3, ...u16(inner.length + 16));
    const sealed = gcm(this.key, seqNonce(this.iv, this.seq++), header, inner);
    return concat(header, sealed);
  }
}

function prf(secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const s = concat(Buffer.from(label, 'latin1'), seed);
  const out: number[] = [];
  let a = s;
  while (out.length < length) {
    a = new Uint8Array(createHmac('sha256', secret).update(a).digest());
    out.push(...createHmac('sha256', secret).update(concat(a, s)).digest());
  }
  return Uint8Array.from(out.slice(0, length));
}

/** A TLS 1.2 sender after its Change Cipher Spec: AES-128-GCM with an explicit nonce (RFC 5288). */
class Tls12Writer {
  private seq = 0;
  constructor(
    private readonly key: Uint8Array,
    private readonly salt: Uint8Array,
  ) {}
  seal(type: number, content: Uint8Array): Uint8Array {
    const seq = concat(new Uint8Array(7), Uint8Array.of(this.seq++));
    const aad = concat(seq, Uint8Array.of(type, 3, 3), u16(content.length));
    const sealed = gcm(this.key, concat(this.salt, seq), aad, content);
    return record(type, concat(seq, sealed));
  }
}

export const REQUEST = 'GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n';
export const RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello';

// ---- TLS 1.3 ----
const cr13 = fill(32, 0x11);
const sr13 = fill(32, 0x51);
export const secrets13 = {
  CLIENT_HANDSHAKE_TRAFFIC_SECRET: fill(32, 0x21),
  SERVER_HANDSHAKE_TRAFFIC_SECRET: fill(32, 0x31),
  CLIENT_TRAFFIC_SECRET_0: fill(32, 0x41),
  SERVER_TRAFFIC_SECRET_0: fill(32, 0x61),
};
export const keylog13 = Object.entries(secrets13)
  .map(([label, s]) => `${label} ${toHex(cr13)} ${toHex(s)}`)
  .join('\n');

export function tls13Frames(): Uint8Array[] {
  const tcp = new TcpStream(443, 40013);
  const sHs = new Tls13Writer(secrets13.SERVER_HANDSHAKE_TRAFFIC_SECRET);
  const cHs = new Tls13Writer(secrets13.CLIENT_HANDSHAKE_TRAFFIC_SECRET);
  const cApp = new Tls13Writer(secrets13.CLIENT_TRAFFIC_SECRET_0);
  const sApp = new Tls13Writer(secrets13.SERVER_TRAFFIC_SECRET_0);
  const versions = extension(43, Uint8Array.of(2, 3, 4));
  return [
    ...tcp.handshake(),
    tcp.segment(true, record(22, clientHello(cr13, 0x1301, versions))),
    tcp.segment(
      false,
      concat(
        record(22, serverHello(sr13, 0x1301, extension(43, u16(0x0304)))),
        record(20, Uint8Array.of(1)),
        sHs.seal(22, concat(handshake(8, u16(0)), handshake(20, fill(32, 0x99)))),
      ),
    ),
    tcp.segment(true, concat(record(20, Uint8Array.of(1)), cHs.seal(22, handshake(20, fill(32, 0x77))))),
    tcp.segment(true, cApp.seal(23, latin1(REQUEST))),
    tcp.segment(false, sApp.seal(23, latin1(RESPONSE))),
    tcp.segment(true, cApp.seal(21, Uint8Array.of(1, 0))),
  ];
}

// ---- TLS 1.2 (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) ----
const cr12 = fill(32, 0x13);
const sr12 = fill(32, 0x53);
export const master = fill(48, 0x83);
export const keylog12 = `# a comment\nCLIENT_RANDOM ${toHex(cr12)} ${toHex(master)}\n`;

export function tls12Frames(): Uint8Array[] {
  const tcp = new TcpStream(443, 40012);
  const kb = prf(master, 'key expansion', concat(sr12, cr12), 40);
  const client = new Tls12Writer(kb.subarray(0, 16), kb.subarray(32, 36));
  const server = new Tls12Writer(kb.subarray(16, 32), kb.subarray(36, 40));
  return [
    ...tcp.handshake(),
    tcp.segment(true, record(22, clientHello(cr12, 0xc02f, new Uint8Array(0)))),
    tcp.segment(
      false,
      record(22, concat(serverHello(sr12, 0xc02f, new Uint8Array(0)), handshake(14, new Uint8Array(0)))),
    ),
    tcp.segment(true, concat(record(20, Uint8Array.of(1)), client.seal(22, handshake(20, fill(12, 5))))),
    tcp.segment(false, concat(record(20, Uint8Array.of(1)), server.seal(22, handshake(20, fill(12, 9))))),
    tcp.segment(true, client.seal(23, latin1(REQUEST))),
    tcp.segment(false, server.seal(23, latin1(RESPONSE))),
    tcp.segment(false, server.seal(21, Uint8Array.of(1, 0))),
  ];
}
