// WireGuard on built datagrams against tshark: two handshakes (one answered by a cookie reply),
// transport data and a keepalive linked to their sessions, a data message with non-zero reserved
// bytes that only the conversation an initiation claimed makes WireGuard, and look-alikes the
// heuristic must leave alone.
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import { fuzzFrames, ipFrame, udpDatagram, itAgreesWithTshark } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'wg.type',
  'wg.reserved',
  'wg.sender',
  'wg.receiver',
  'wg.ephemeral',
  'wg.ephemeral.known_privkey',
  'wg.encrypted_static',
  'wg.mac1',
  'wg.mac2',
  'wg.nonce',
  'wg.encrypted_cookie',
  'wg.counter',
  'wg.encrypted_packet',
  'wg.stream',
  'wg.response_in',
  'wg.response_to',
];

const fill = (n: number, from: number): number[] =>
  Array.from({ length: n }, (_, i) => (from + i * 13) & 0xff);
const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

const initiation = (sender: number): number[] => [1, 0, 0, 0, ...le32(sender), ...fill(140, sender & 0xff)];
const response = (sender: number, receiver: number): number[] => [
  2,
  0,
  0,
  0,
  ...le32(sender),
  ...le32(receiver),
  ...fill(80, 3),
];
const cookie = (receiver: number): number[] => [3, 0, 0, 0, ...le32(receiver), ...fill(56, 9)];
const data = (receiver: number, counter: number, len: number, reserved = 0): number[] => [
  4,
  reserved,
  0,
  0,
  ...le32(receiver),
  ...le32(counter),
  0,
  0,
  0,
  0,
  ...fill(len + 16, counter),
];

/** From 10.0.0.1:`sport` (client) or to it (server side, `back`). */
function dgram(payload: number[], sport: number, dport: number, back = false): Uint8Array {
  const udp = udpDatagram(back ? dport : sport, back ? sport : dport, Uint8Array.from(payload));
  return back ? ipFrame(17, udp, 2, 1) : ipFrame(17, udp, 1, 2);
}

const A = 0x11223344;
const B = 0xaabbccdd;
const FRAMES = [
  dgram(initiation(A), 40000, 51820),
  dgram(response(B, A), 40000, 51820, true),
  dgram(data(B, 0, 64), 40000, 51820),
  dgram(data(A, 0, 48), 40000, 51820, true),
  dgram(data(B, 1, 0), 40000, 51820),
  dgram(data(A, 1, 32, 7), 40000, 51820, true),
  dgram(initiation(0x01020304), 40001, 51820),
  dgram(cookie(0x01020304), 40001, 51820, true),
  dgram(data(0x55, 3, 24, 9), 40002, 51820),
  dgram([4, 0, 0, 0, ...fill(20, 1)], 40003, 51820),
];

describe('WireGuard', () => {
  it('links handshakes and data into sessions as tshark does', () => {
    const d = dissectFrames(FRAMES);
    expect(d[0]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:wg');
    expect(d[0]?.pinfo.proto).toBe('WireGuard');
    expect(d[0]?.pinfo.info).toBe('Handshake Initiation, sender=0x11223344');
    expect(d[1]?.pinfo.info).toBe('Handshake Response, sender=0xAABBCCDD, receiver=0x11223344');
    expect(d[2]?.pinfo.info).toBe('Transport Data, receiver=0xAABBCCDD, counter=0, datalen=64');
    expect(d[4]?.pinfo.info).toBe('Keepalive, receiver=0xAABBCCDD, counter=1');
    expect(d[5]?.pinfo.proto).toBe('WireGuard');
    expect(d[7]?.pinfo.info).toBe('Cookie Reply, receiver=0x01020304');
    expect(d[8]?.pinfo.proto).toBe('UDP');
    expect(d[9]?.pinfo.proto).toBe('UDP');
  });

  it('survives mutated datagrams', () => fuzzFrames(FRAMES, 42, 51820, 30));

  itAgreesWithTshark(FRAMES, FIELDS, /^WireGuard Protocol/);
});
