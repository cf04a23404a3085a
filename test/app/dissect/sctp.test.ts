// SCTP on built packets against tshark: an association's INIT, INIT ACK, COOKIE chunks, DATA
// with relative TSNs in both directions, SACK, bundled chunks and chunk lengths that are wrong.
import { describe, expect, it } from 'vitest';
import { dissectHex } from '../../support/dissect-hex.ts';
import { fieldsOfBoth, fuzzFrames, hex, ipFrame, oracleReady } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'sctp.srcport',
  'sctp.dstport',
  'sctp.chunk_type',
  'sctp.chunk_length',
  'sctp.data_tsn',
  'sctp.data_tsn_raw',
  'sctp.data_payload_proto_id',
  'sctp.sack_cumulative_tsn_ack',
];

/** An SCTP packet from `sport` to `dport` (checksum 0) with the chunks given as hex. */
function sctp(sport: number, dport: number, chunks: string): Uint8Array {
  const h = hex(
    `${sport.toString(16).padStart(4, '0')}${dport.toString(16).padStart(4, '0')}0000abcd00000000${chunks}`,
  );
  const [src, dst] = sport > dport ? [1, 2] : [2, 1];
  return ipFrame(132, h, src, dst);
}

const DATA = (tsn: string, payload: string): string => {
  const len = 16 + payload.length / 2;
  return `0003${len.toString(16).padStart(4, '0')}${tsn}0000000100000000${payload}`;
};

const FRAMES = [
  sctp(40000, 7777, '01000014' + '11111111' + '0000ffff' + '000a000a' + '00000064'),
  sctp(7777, 40000, '02000014' + '22222222' + '0000ffff' + '000a000a' + '000003e8'),
  sctp(40000, 7777, '0a000008' + 'deadbeef'),
  sctp(7777, 40000, '0b000004'),
  sctp(40000, 7777, DATA('00000064', '41424344')),
  sctp(7777, 40000, '03000010' + '00000064' + '0000fff0' + '00000000' + DATA('000003e8', '61626364656667')),
  sctp(40000, 7777, '04000008' + '00010004'),
  sctp(40000, 7777, '07000002'),
  sctp(40000, 7777, '07000003000000'),
  sctp(40000, 7777, '0e0000ff'),
];

describe('SCTP', () => {
  it('lists the chunks in Info with TSNs relative to the initial one', () => {
    const d = dissectHex(FRAMES[4] as Uint8Array);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:sctp:data');
    expect(d.pinfo.proto).toBe('SCTP');
    expect(d.pinfo.info).toBe('DATA (TSN=0) ');
  });

  it('survives mutated packets', () => fuzzFrames(FRAMES, 34, 132));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });
});
