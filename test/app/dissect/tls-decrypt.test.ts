// TLS decryption against tshark: a TLS 1.3 and a TLS 1.2 session built here and encrypted with
// node:crypto under secrets chosen here, read back through a key log file (-o tls.keylog_file)
// and through a pcapng Decryption Secrets Block; wrong secrets and damaged records stay encrypted.
import { createCipheriv, createHmac } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { dissect } from '../../../app/dissect/dissect.ts';
import { defaultRegistry } from '../../../app/dissect/modules.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { NULL_TREE } from '../../../app/dissect/tree.ts';
import { nodeCrypto } from '../../../main/engine/node-crypto.ts';
import { trawl } from '../../support/corpus.ts';
import { metaFor } from '../../support/dissect-hex.ts';
import { BLOCK, block, concat, epb, idb, pcapFile, shb, tempDir } from '../../support/pcap-bytes.ts';
import { fuzzFrames, ipFrame, oracleReady, tcpSegment, TcpStream } from '../../support/proto-oracle.ts';
import { latin1 } from '../../support/tcp-frames.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'tls.record.content_type',
  'tls.handshake.type',
  'tls.alert_message.desc',
  'http.request.method',
  'http.request.uri',
  'http.request.full_uri',
  'http.response.code',
  'http.file_data',
];

const u16 = (v: number): Uint8Array => Uint8Array.of(v >> 8, v & 0xff);
const u24 = (v: number): Uint8Array => Uint8Array.of(v >> 16, (v >> 8) & 0xff, v & 0xff);
const fill = (n: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (seed + i * 7) & 0xff);
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const handshake = (type: number, body: Uint8Array): Uint8Array =>
  concat(Uint8Array.of(type), u24(body.length), body);
const record = (ct: number, body: Uint8Array): Uint8Array =>
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

const REQUEST = 'GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n';
const RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello';

/** SYN and SYN/ACK of a connection from 10.0.0.1:`client` to 10.0.0.2:443. */
function opening(client: number): Uint8Array[] {
  return [
    ipFrame(6, tcpSegment({ sport: client, dport: 443, seq: 1000, flags: 0x02 }), 1, 2),
    ipFrame(6, tcpSegment({ sport: 443, dport: client, seq: 5000, ack: 1001, flags: 0x12 }), 2, 1),
  ];
}

// ---- TLS 1.3 ----
const cr13 = fill(32, 0x11);
const sr13 = fill(32, 0x51);
const secrets13 = {
  CLIENT_HANDSHAKE_TRAFFIC_SECRET: fill(32, 0x21),
  SERVER_HANDSHAKE_TRAFFIC_SECRET: fill(32, 0x31),
  CLIENT_TRAFFIC_SECRET_0: fill(32, 0x41),
  SERVER_TRAFFIC_SECRET_0: fill(32, 0x61),
};
const keylog13 = Object.entries(secrets13)
  .map(([label, s]) => `${label} ${toHex(cr13)} ${toHex(s)}`)
  .join('\n');

function tls13Frames(): Uint8Array[] {
  const tcp = new TcpStream(443, 40013);
  const sHs = new Tls13Writer(secrets13.SERVER_HANDSHAKE_TRAFFIC_SECRET);
  const cHs = new Tls13Writer(secrets13.CLIENT_HANDSHAKE_TRAFFIC_SECRET);
  const cApp = new Tls13Writer(secrets13.CLIENT_TRAFFIC_SECRET_0);
  const sApp = new Tls13Writer(secrets13.SERVER_TRAFFIC_SECRET_0);
  const versions = extension(43, Uint8Array.of(2, 3, 4));
  return [
    ...opening(40013),
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
const master = fill(48, 0x83);
const keylog12 = `# a comment\nCLIENT_RANDOM ${toHex(cr12)} ${toHex(master)}\n`;

function tls12Frames(): Uint8Array[] {
  const tcp = new TcpStream(443, 40012);
  const kb = prf(master, 'key expansion', concat(sr12, cr12), 40);
  const client = new Tls12Writer(kb.subarray(0, 16), kb.subarray(32, 36));
  const server = new Tls12Writer(kb.subarray(16, 32), kb.subarray(36, 40));
  return [
    ...opening(40012),
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

const dir = tempDir('trawl-tlsdec-');
afterAll(() => dir.cleanup());

function pcap(name: string, frames: readonly Uint8Array[]): string {
  return dir.file(
    name,
    pcapFile(
      { linkType: 1 },
      frames.map((data, i) => ({ tsSec: i, tsFrac: 0, data })),
    ),
  );
}

/** A pcapng whose Decryption Secrets Block (TLS key log) comes before the packets, as editcap --inject-secrets writes it. */
function pcapngWithSecrets(name: string, frames: readonly Uint8Array[], keylog: string): string {
  const text = Buffer.from(keylog, 'latin1');
  const dsb = block(
    'little',
    BLOCK.DSB,
    concat(
      Uint8Array.of(0x4b, 0x53, 0x4c, 0x54),
      new Uint8Array(new Uint32Array([text.length]).buffer),
      text,
    ),
  );
  const packets = frames.map((data, i) => epb('little', { iface: 0, ts: BigInt(i) * 1000000n, data }));
  return dir.file(
    name,
    concat(shb('little'), idb('little', { linkType: 1, snaplen: 65535 }), dsb, ...packets),
  );
}

function fieldsArgs(): string[] {
  return ['-T', 'fields', '-E', 'occurrence=a', ...FIELDS.flatMap((f) => ['-e', f])];
}

function bothOn(path: string, extra: string[]): { trawl: string; tshark: string } {
  const args = ['-r', path, ...extra, ...fieldsArgs()];
  return {
    trawl: trawl(args).stdout,
    tshark: spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout,
  };
}

/** Info and Protocol of each frame, dissected in one pass with `keylog`'s secrets. */
function columns(frames: readonly Uint8Array[], keylog: string): string[] {
  const state = new CaptureState();
  state.secrets.addKeyLog(keylog);
  const registry = defaultRegistry();
  return frames.map((bytes, i) => {
    const pinfo = dissect(registry, metaFor(bytes, 1, { number: i + 1 }), bytes, NULL_TREE, state, {
      wantInfo: true,
      crypto: nodeCrypto,
    });
    return `${pinfo.proto} ${pinfo.info}`;
  });
}

describe('TLS decryption', () => {
  it('opens TLS 1.3 handshake and application records with the traffic secrets', () => {
    const cols = columns(tls13Frames(), keylog13);
    expect(cols[3]).toBe('TLSv1.3 Server Hello, Change Cipher Spec, Encrypted Extensions, Finished');
    expect(cols[4]).toBe('TLSv1.3 Change Cipher Spec, Finished');
    expect(cols[5]).toBe('HTTP GET /index.html HTTP/1.1 ');
    expect(cols[6]).toBe('HTTP HTTP/1.1 200 OK  (text/plain)');
    expect(cols[7]).toBe('TLSv1.3 Alert (Level: Warning, Description: Close Notify)');
  });

  it('opens TLS 1.2 records with a CLIENT_RANDOM master secret', () => {
    const cols = columns(tls12Frames(), keylog12);
    expect(cols[4]).toBe('TLSv1.2 Change Cipher Spec, Finished');
    expect(cols[5]).toBe('TLSv1.2 Change Cipher Spec, Finished');
    expect(cols[6]).toBe('HTTP GET /index.html HTTP/1.1 ');
    expect(cols[7]).toBe('HTTP HTTP/1.1 200 OK  (text/plain)');
    expect(cols[8]).toBe('TLSv1.2 Alert (Level: Warning, Description: Close Notify)');
  });

  it('leaves records encrypted without secrets, with wrong ones, and when a tag is bad', () => {
    const wrong = keylog12.replace(toHex(master), toHex(fill(48, 0x84)));
    expect(columns(tls12Frames(), '')[6]).toBe('TLSv1.2 Application Data');
    expect(columns(tls12Frames(), wrong)[6]).toBe('TLSv1.2 Application Data');
    expect(columns(tls12Frames(), wrong)[4]).toBe('TLSv1.2 Change Cipher Spec, Encrypted Handshake Message');
    const frames = tls13Frames();
    const damaged = frames.map((f) => f.slice());
    const req = damaged[5] as Uint8Array;
    req[req.length - 1] = (req[req.length - 1] as number) ^ 1;
    const cols = columns(damaged, keylog13);
    expect(cols[5]).toBe('TLSv1.3 Application Data');
    // A record that failed does not move the counter: the next one still opens.
    expect(cols[6]).toBe('HTTP HTTP/1.1 200 OK  (text/plain)');
  });

  it('survives damaged sessions with secrets', () => {
    fuzzFrames(tls13Frames(), 54, 13, 20);
    fuzzFrames(tls12Frames(), 54, 12, 20);
  });

  it.skipIf(!oracleReady)('agrees with tshark through a key log file (TLS 1.3 and 1.2)', () => {
    for (const [name, frames, keylog] of [
      ['tls13', tls13Frames(), keylog13],
      ['tls12', tls12Frames(), keylog12],
    ] as const) {
      const keys = dir.file(`${name}.keys`, Buffer.from(keylog, 'latin1'));
      const out = bothOn(pcap(`${name}.pcap`, frames), ['-o', `tls.keylog_file: ${keys}`]);
      expect(out.trawl).toContain('GET /index.html');
      expect(out.trawl).toBe(out.tshark);
      // The ssl. alias names the same preference.
      expect(bothOn(pcap(`${name}b.pcap`, frames), ['-o', `ssl.keylog_file:${keys}`]).trawl).toBe(out.trawl);
    }
  });

  it.skipIf(!oracleReady)('agrees with tshark through a pcapng Decryption Secrets Block', () => {
    const frames = [...tls13Frames(), ...tls12Frames()];
    const out = bothOn(pcapngWithSecrets('both.pcapng', frames, `${keylog13}\n${keylog12}`), []);
    expect(out.trawl).toContain('https://example.com/index.html');
    expect(out.trawl).toBe(out.tshark);
  });

  it.skipIf(!oracleReady)('agrees with tshark on wrong secrets and damaged records', () => {
    const wrong = keylog13.replace(toHex(secrets13.CLIENT_TRAFFIC_SECRET_0), toHex(fill(32, 0x42)));
    const keys = dir.file('wrong.keys', Buffer.from(wrong, 'latin1'));
    const damaged = tls12Frames().map((f) => f.slice());
    const fin = damaged[4] as Uint8Array;
    fin[fin.length - 3] = (fin[fin.length - 3] as number) ^ 0x40;
    // The closing alert's 31 bytes become two records too short to hold a nonce and a tag.
    const last = damaged[8] as Uint8Array;
    last.set(concat(record(23, fill(10, 1)), record(23, fill(11, 2))), last.length - 31);
    const out13 = bothOn(pcap('wrong.pcap', tls13Frames()), ['-o', `tls.keylog_file:${keys}`]);
    expect(out13.trawl).toBe(out13.tshark);
    const keys12 = dir.file('12.keys', Buffer.from(keylog12, 'latin1'));
    const out12 = bothOn(pcap('damaged.pcap', damaged), ['-o', `tls.keylog_file:${keys12}`]);
    expect(out12.trawl).toBe(out12.tshark);
  });
});
