// DTLS 1.2 on built datagrams against tshark: a handshake with a cookie exchange, several records
// per datagram, a ServerKeyExchange fragmented over two datagrams (reassembled), encrypted
// records, alerts, the heuristic on an unregistered port and the CoAP port's app data label.
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import {
  fieldsOfBoth,
  fuzzFrames,
  ipFrame,
  oracleReady,
  treesOfBoth,
  udpDatagram,
} from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'dtls.record.content_type',
  'dtls.record.version',
  'dtls.record.epoch',
  'dtls.record.sequence_number',
  'dtls.record.length',
  'dtls.handshake.type',
  'dtls.handshake.length',
  'dtls.handshake.message_seq',
  'dtls.handshake.fragment_offset',
  'dtls.handshake.fragment_length',
  'dtls.handshake.cookie_length',
  'dtls.handshake.cookie',
  'dtls.handshake.version',
  'dtls.handshake.ciphersuite',
  'dtls.handshake.extension.type',
  'dtls.handshake.server_named_curve',
  'dtls.handshake.server_point_len',
  'dtls.handshake.sig_len',
  'dtls.handshake.client_point_len',
  'dtls.fragment',
  'dtls.fragment.count',
  'dtls.reassembled.length',
  'dtls.app_data',
  'dtls.app_data_proto',
  'dtls.alert_message.level',
  'dtls.alert_message.desc',
];

const bytes = (n: number, from: number): number[] =>
  Array.from({ length: n }, (_, i) => (from + i * 7) & 0xff);
const be16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const be24 = (v: number): number[] => [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];

function rec(ct: number, epoch: number, seq: number, body: number[], version = 0xfefd): number[] {
  return [
    ct,
    ...be16(version),
    ...be16(epoch),
    0,
    0,
    ...be16(0),
    ...be16(seq),
    ...be16(body.length),
    ...body,
  ];
}

/** A handshake message (or a fragment of it: `part` of a `whole` body starting at `at`). */
function hs(type: number, seq: number, whole: number[], at = 0, len = whole.length - at): number[] {
  return [type, ...be24(whole.length), ...be16(seq), ...be24(at), ...be24(len), ...whole.slice(at, at + len)];
}

const random = bytes(32, 0x11);
const cookie = bytes(16, 0xc0);
function clientHello(withCookie: boolean): number[] {
  const c = withCookie ? cookie : [];
  return [
    ...be16(0xfefd),
    ...random,
    0,
    c.length,
    ...c,
    ...be16(4),
    0xc0,
    0x2b,
    0xc0,
    0x2f,
    1,
    0,
    ...be16(5),
    0xff,
    0x01,
    0,
    1,
    0,
  ];
}
const serverHello = [...be16(0xfefd), ...bytes(32, 0x22), 0, 0xc0, 0x2b, 0, ...be16(5), 0xff, 0x01, 0, 1, 0];
const point = [4, ...bytes(64, 0x33)];
const ske = [3, ...be16(0x0017), point.length, ...point, 0x04, 0x03, ...be16(70), ...bytes(70, 0x44)];
const cke = [point.length, ...point];

let cport = 40000;
const c2s = (p: number[], dport = 4433): Uint8Array =>
  ipFrame(17, udpDatagram(cport, dport, Uint8Array.from(p)), 1, 2);
const s2c = (p: number[], sport = 4433): Uint8Array =>
  ipFrame(17, udpDatagram(sport, cport, Uint8Array.from(p)), 2, 1);

const FRAMES = [
  c2s(rec(22, 0, 0, hs(1, 0, clientHello(false)), 0xfeff)),
  s2c(rec(22, 0, 0, hs(3, 0, [0xfe, 0xff, cookie.length, ...cookie]), 0xfeff)),
  c2s(rec(22, 0, 1, hs(1, 1, clientHello(true)))),
  s2c([...rec(22, 0, 1, hs(2, 1, serverHello)), ...rec(22, 0, 2, hs(12, 2, ske, 0, 80))]),
  s2c([...rec(22, 0, 3, hs(12, 2, ske, 80)), ...rec(22, 0, 4, hs(14, 3, []))]),
  c2s([
    ...rec(22, 0, 2, hs(16, 2, cke)),
    ...rec(20, 0, 3, [1]),
    ...rec(22, 1, 0, [0x8f, ...bytes(39, 0x55)]),
  ]),
  s2c([...rec(20, 0, 5, [1]), ...rec(22, 1, 0, [0x9e, ...bytes(39, 0x66)])]),
  c2s(rec(23, 1, 1, bytes(48, 0x77))),
  s2c(rec(23, 1, 1, bytes(30, 0x88))),
  c2s(rec(21, 1, 2, [0x55, 0x66, ...bytes(24, 0x99)])),
  s2c(rec(21, 1, 2, [1, 0])),
];
cport = 40001;
FRAMES.push(c2s(rec(23, 1, 7, bytes(20, 0xaa)), 5684), c2s([0x47, 0x45, 0x54, 0x20, 1, 2, 3], 853));

describe('DTLS', () => {
  it('names records and messages as tshark does, and reassembles fragments', () => {
    const d = dissectFrames(FRAMES);
    expect(d[0]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:dtls');
    expect(d[0]?.pinfo.proto).toBe('DTLS');
    expect(d[0]?.pinfo.info).toBe('Client Hello');
    expect(d[1]?.pinfo.proto).toBe('DTLSv1.0');
    expect(d[1]?.pinfo.info).toBe('Hello Verify Request');
    expect(d[3]?.pinfo.proto).toBe('DTLSv1.2');
    expect(d[3]?.pinfo.info).toBe('Server Hello, Server Key Exchange (Fragment)');
    expect(d[4]?.pinfo.info).toBe('Server Key Exchange (Reassembled), Server Hello Done');
    expect(d[4]?.pinfo.sources.map((s) => s.name)).toEqual(['Reassembled DTLS']);
    expect(d[5]?.pinfo.info).toBe('Client Key Exchange, Change Cipher Spec, Encrypted Handshake Message');
    expect(d[7]?.pinfo.info).toBe('Application Data');
    expect(d[9]?.pinfo.info).toBe('Encrypted Alert');
    expect(d[10]?.pinfo.info).toBe('Alert (Level: Warning, Description: Close Notify)');
    expect(d[12]?.pinfo.info).toBe('Continuation Data');
  });

  it('survives mutated datagrams', () => fuzzFrames(FRAMES, 42, 4433, 30));

  it.skipIf(!oracleReady)('agrees with tshark field by field', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });

  it.skipIf(!oracleReady)('agrees with tshark on the tree', () => {
    const t = treesOfBoth(FRAMES, /^Datagram Transport Layer Security/);
    // Trawl computes no JA3/JA3S fingerprints (neither does its TLS).
    expect(t.trawl).toBe(t.tshark.replace(/\n *\[JA3S?( Fullstring)?: [^\]]*\]/g, ''));
  });
});
