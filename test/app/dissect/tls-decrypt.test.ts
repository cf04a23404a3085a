// TLS decryption against tshark: a TLS 1.3 and a TLS 1.2 session built here and encrypted with
// node:crypto under secrets chosen here, read back through a key log file (-o tls.keylog_file)
// and through a pcapng Decryption Secrets Block; wrong secrets and damaged records stay encrypted.
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
import { fuzzFrames, oracleReady } from '../../support/proto-oracle.ts';
import {
  fill,
  keylog12,
  keylog13,
  master,
  record,
  secrets13,
  tls12Frames,
  tls13Frames,
  toHex,
} from '../../support/tls-session.ts';

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
