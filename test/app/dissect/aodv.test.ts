import { describe, expect, it } from 'vitest';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// An AODV IPv6-draft route error.
// Frames from tcpdump's test captures; the expected columns are tshark 4.0.17's on the same bytes, and
// the last test asks tshark itself for every field below when it is installed.
/** cve-2014-8769-AODV.pcap frame 1. */
const RERR_V6 = `
  00000000 00000000 8c7adf6f 08004500 e63df37f 40004011 30c60a01 01680a02 0202028e 0d004b00 00e81200 0000001f
  c6513597 00248c7a df6f0800 4500e63d f37f4000 401130c6 0a0101
`;

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'aodv.type',
  'aodv.flags.rerr_nodelete',
  'aodv.destcount',
];

const FRAMES: [string, number][] = [[RERR_V6, 1]];

describe('aodv', () => {
  it('decodes cve-2014-8769-AODV.pcap frame 1 as tshark does', () => {
    const d = dissectHex(RERR_V6, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:aodv');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual([
      'AODV',
      'draft-perkins-manet-aodv6-01 IPv6 Route Error, Dest Count=0',
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
