// Mobile IPv6 mobility headers on built IPv6 packets (next header 135, and the drafts' 62),
// against tshark: the messages with fixed parts, a NEMO binding update, options, headers cut short.
import { describe, expect, it } from 'vitest';
import { dissectHex } from '../../support/dissect-hex.ts';
import { fieldsOfBoth, fuzzFrames, hex, ip6Frame, oracleReady } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'mip6.proto',
  'mip6.hlen',
  'mip6.mhtype',
  'mip6.csum',
  'mip6.bu.seqnr',
  'mip6.bu.lifetime',
  'mip6.ba.status',
  'mip6.hot.nindex',
];

/** A mobility header of type `type` with `body` after the common header, padded to 8 bytes. */
function mh(type: number, body: string, next = 135): Uint8Array {
  const b = hex(body);
  const len = Math.ceil((6 + b.length) / 8) * 8;
  const m = new Uint8Array(len);
  m.set([59, len / 8 - 1, type, 0, 0x12, 0x34]);
  m.set(b, 6);
  return ip6Frame(next, m);
}

const FRAMES = [
  mh(0, '0000'),
  mh(1, '0000' + '0102030405060708'),
  mh(3, '0007' + '0102030405060708' + '1112131415161718'),
  mh(4, '0009' + '0102030405060708' + '1112131415161718'),
  mh(5, '1234c000000a' + '0100' + '0310' + 'fe800000000000000000000000000002'),
  mh(5, '1234c000000a' + '0100' + '0302' + '0000'),
  mh(5, '12340400000a'),
  mh(6, '00400005000a'),
  mh(7, '0100' + 'fe800000000000000000000000000001'),
  mh(5, '0001800000ff', 62),
  ip6Frame(135, hex('3b0305000000')),
];

describe('Mobile IPv6', () => {
  it('names the message in Info, NEMO for mobile routers, and checks option lengths', () => {
    const bu = dissectHex(FRAMES[4] as Uint8Array);
    expect(bu.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ipv6:mipv6');
    expect(bu.pinfo.proto).toBe('MIPv6');
    expect(bu.pinfo.info).toBe('Binding Update');
    expect(bu.value('mip6.bu.seqnr')).toBe('4660');
    expect(dissectHex(FRAMES[5] as Uint8Array).pinfo.info).toBe('Binding Update[Malformed Packet]');
    expect(dissectHex(FRAMES[6] as Uint8Array).pinfo.proto).toBe('NEMO');
    expect(dissectHex(FRAMES[7] as Uint8Array).pinfo.proto).toBe('NEMO');
    const cut = dissectHex(FRAMES[10] as Uint8Array);
    expect(cut.pinfo.info).toBe('Binding Update[Malformed Packet]');
  });

  it('survives mutated headers', () => fuzzFrames(FRAMES, 54, 135));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });
});
