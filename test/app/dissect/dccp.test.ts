// DCCP on built IPv4 and IPv6 packets against tshark: a handshake with extended sequence numbers
// (relative numbers, service code, checksums good and bad), short sequence numbers, a reset,
// options and data.
import { describe, expect, it } from 'vitest';
import { dissectHex } from '../../support/dissect-hex.ts';
import { fieldsOfBoth, fuzzFrames, hex, ip6Frame, ipFrame, oracleReady } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'dccp.srcport',
  'dccp.dstport',
  'dccp.stream',
  'dccp.type',
  'dccp.checksum',
  'dccp.checksum.status',
  'dccp.service_code',
  'dccp.reset_code',
];

/** Fills in the DCCP checksum over the whole packet (pseudo-header for 10.0.0.s → 10.0.0.d). */
function withChecksum(d: Uint8Array, src: number, dst: number): Uint8Array {
  const words = [0x0a00, src, 0x0a00, dst, 33, d.length];
  let sum = words.reduce((a, b) => a + b, 0);
  for (let i = 0; i < d.length; i += 2) sum += ((d[i] as number) << 8) | (d[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const c = ~sum & 0xffff;
  d[6] = c >> 8;
  d[7] = c & 0xff;
  return d;
}

function v4(sport: number, dport: number, rest: string, good = true): Uint8Array {
  const h = hex(rest);
  const d = new Uint8Array(8 + h.length);
  d.set([sport >> 8, sport & 0xff, dport >> 8, dport & 0xff]);
  d.set(h, 4);
  const [src, dst] = sport > dport ? [1, 2] : [2, 1];
  return ipFrame(33, good ? withChecksum(d, src, dst) : d, src, dst);
}

const FRAMES = [
  // Request (X=1): offset 5 words, seq 0x000000001000, service code 0.
  v4(40000, 5001, '0500' + '0000' + '01' + '00' + '000000001000' + '00000000'),
  // Response: ack of 0x1000, service code 42.
  v4(5001, 40000, '0700' + '0000' + '03' + '00' + '000000002000' + '0000' + '000000001000' + '0000002a'),
  // Ack, then DataAck with a payload and options (padding, Change L).
  v4(40000, 5001, '0600' + '0000' + '07' + '00' + '000000001001' + '0000' + '000000002000'),
  v4(
    40000,
    5001,
    '0700' + '0000' + '09' + '00' + '000000001002' + '0000' + '000000002000' + '00002003' + '0501' + '6869',
  ),
  // Reset with a bad checksum; a short-sequence Data packet.
  v4(
    5001,
    40000,
    '0700' + '0000' + '0f' + '00' + '000000002001' + '0000' + '000000001002' + '02000000',
    false,
  ),
  v4(40002, 5002, '0300' + '0000' + '04' + '000102' + '41424344'),
  ip6Frame(33, hex('9c4013890500000001000000000010000000000000')),
];

describe('DCCP', () => {
  it('numbers the connection from its Request and Response', () => {
    const data = dissectHex(FRAMES[3] as Uint8Array);
    expect(data.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:dccp:data');
    expect(data.pinfo.proto).toBe('DCCP');
    const first = dissectHex(FRAMES[0] as Uint8Array);
    expect(first.pinfo.info).toBe('40000 → 5001 [Request] Seq=4096 (service=not specified)');
    expect(first.value('dccp.checksum.status')).toBe('1');
  });

  it('survives mutated packets', () => fuzzFrames(FRAMES, 34, 33));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });
});
