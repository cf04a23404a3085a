import { describe, expect, it } from 'vitest';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// Babel hello and ihu (raw IPv6), and a packet with updates and an HMAC trailer.
// Frames from tcpdump's test captures; the expected columns are tshark 4.0.17's on the same bytes, and
// the last test asks tshark itself for every field below when it is installed.
/** babel_rtt.pcap frame 1. */
const HELLO = `
  6c000000 001a1101 fe800000 00000000 505400ff fe855da9 ff020000 00000000 00000000 00010006 1a281a28 001aea2b
  2a02000e 040c0000 e5b50190 0304847f 994b
`;
/** babel_auth.pcap frame 1. */
const AUTH = `
  33330001 0006b099 28c8d646 86dd6c00 000001b4 1101fe80 00000000 0000b299 28fffec8 d646ff02 00000000 00000000
  00000001 00061a28 1a2801b4 298d2a02 01a80406 0000e316 0190080a 00400000 ffffa1af ffff0902 00000b06 00024fd0
  c1f00c16 001ead0f a7cd8d5a 1898ec54 09c8edda 68b3aca2 1b800c22 00328239 f283d985 047fa4b8 8597fde3 246455c6
  e4dd917b 1441c2f3 a82b9f73 76740c42 03e86718 cb4c2bb0 976c127a b3cccbfa 1105a1d1 58f035bc 9fad86b0 610a7acd
  27e5a3d5 a3090ffb 0312d7cb b31834e5 d3ea2b68 cd1fec3c fb9ce731 d16ba8fe ba8c0c32 03e8d2a5 b80ff9d0 06907e3b
  6601c0c2 55d7d12d 6ec61815 e413a334 e2a0d927 1c75afbc 086c070c 714e3eff 3496c20c 56fb0c16 00647213 ced66fe7
  154034ec 64cd14ae 4142a092 df330c42 07d02a5d 9d55393b 19e440fa c49bda52 1e18a7fe 77f7ab4a 90377009 e46e2ffe
  49336435 c7e4e7be 215996df 4f59c167 ea1cccdb 4ff788da 29a30e34 d974307a dff40c32 07d0fe91 af27eee1 37ef489f
  37fee449 100cda8c cb3e794d 0c4a225d 12724a8c e2ffc858 11b879cc 566fd172 26984709 1ed10c42 0bb838c4 d82883a5
  778500d7 28d1e243 e7579de9 6fa726c9 db7f0805 c52e96fe fdce7a5f b9af2cb8 45703926 eaab43c3 e44989d6 ccb158fc
  06db455e 9f8d0550 b54f
`;

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'babel.magic',
  'babel.version',
  'babel.bodylen',
  'babel.message.type',
  'babel.message.length',
  'babel.message.seqno',
  'babel.message.interval',
  'babel.message.ae',
  'babel.message.plen',
  'babel.message.metric',
];

const FRAMES: [string, number][] = [
  [HELLO, 101],
  [AUTH, 1],
];

describe('babel', () => {
  it('decodes babel_rtt.pcap frame 1 as tshark does', () => {
    const d = dissectHex(HELLO, 101);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('raw:ipv6:udp:babel');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['Babel', 'Babel hello']);
  });

  it('decodes babel_auth.pcap frame 1 as tshark does', () => {
    const d = dissectHex(AUTH, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ipv6:udp:babel');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual([
      'Babel',
      'Babel hello update request ts/pc (obsolete) hmac hmac hmac hmac hmac hmac hmac hmac',
    ]);
  });

  it.skipIf(!haveTshark)('agrees with tshark field by field', () => {
    for (const [hex, linkType] of FRAMES) {
      const bytes = hexToBytes(hex);
      expect(trawlRow(dissectHex(bytes, linkType), FIELDS)).toEqual(
        tsharkFrameRows([bytes], linkType, FIELDS)[0],
      );
    }
  });
});
