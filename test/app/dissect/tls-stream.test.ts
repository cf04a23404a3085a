// TLS on built TCP streams against tshark: a record split over segments (the first segment's
// Info is cleared, as dissect_ssl does before it finds the record incomplete) and a ServerHello
// of TLS 1.3 draft 20, which has no session id and no compression method.
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import { fieldsOfBoth, fuzzFrames, oracleReady, TcpStream } from '../../support/proto-oracle.ts';

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'tls.handshake.type',
  'tls.handshake.session_id_length',
  'tls.handshake.ciphersuite',
  'tls.handshake.comp_method',
];

const u16 = (v: number): number[] => [v >> 8, v & 0xff];
const u24 = (v: number): number[] => [v >> 16, (v >> 8) & 0xff, v & 0xff];

function record(type: number, version: number, body: number[]): number[] {
  return [type, ...u16(version), ...u16(body.length), ...body];
}

function handshake(type: number, body: number[]): number[] {
  return [type, ...u24(body.length), ...body];
}

const random = (fill: number): number[] => new Array<number>(32).fill(fill);

/** ClientHello offering TLS_AES_128_GCM_SHA256 and 12 bytes of padding extension. */
const CLIENT_HELLO = record(
  22,
  0x0301,
  handshake(1, [
    ...u16(0x0303),
    ...random(0x11),
    0,
    ...u16(2),
    ...u16(0x1301),
    1,
    0,
    ...u16(16),
    ...u16(21),
    ...u16(12),
    ...new Array<number>(12).fill(0),
  ]),
);

/** Draft-20 ServerHello: version 0x7f14, random, cipher suite, extensions (key_share, type 40). */
const DRAFT_SERVER_HELLO = record(
  22,
  0x0301,
  handshake(2, [
    ...u16(0x7f14),
    ...random(0x22),
    ...u16(0x1303),
    ...u16(40),
    ...u16(40),
    ...u16(36),
    ...u16(29),
    ...u16(32),
    ...new Array<number>(32).fill(0x33),
  ]),
);

const APP_DATA = record(23, 0x0301, new Array<number>(40).fill(0x44));

const stream = new TcpStream(443, 40000, 1000, 7000);
const seg = (toServer: boolean, payload: number[]): Uint8Array =>
  stream.segment(toServer, Uint8Array.from(payload));

const FRAMES = [
  ...stream.handshake(),
  seg(true, CLIENT_HELLO.slice(0, 30)),
  seg(true, CLIENT_HELLO.slice(30)),
  seg(false, [...DRAFT_SERVER_HELLO, ...APP_DATA]),
  seg(true, APP_DATA),
];

describe('TLS over a built TCP stream', () => {
  it('clears Info on a segment that holds only the start of a record, and reads draft-20 hellos', () => {
    const d = dissectFrames(FRAMES);
    expect(d[2]?.pinfo.proto).toBe('TCP');
    expect(d[2]?.pinfo.info).toBe('[TCP segment of a reassembled PDU]');
    expect(d[3]?.pinfo.info).toBe('Client Hello');
    expect(d[4]?.pinfo.proto).toBe('TLSv1.3');
    expect(d[4]?.pinfo.info).toBe('Server Hello, Application Data');
    expect(d[5]?.pinfo.proto).toBe('TLSv1.3');
  });

  it('survives mutated streams', () => fuzzFrames(FRAMES, 54, 443));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });
});
