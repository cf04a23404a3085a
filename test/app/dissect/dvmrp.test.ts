import { describe, expect, it } from 'vitest';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// DVMRP (mrinfo) ask-neighbors and neighbors, carried in IGMP.
// Frames from tcpdump's test captures; the expected columns are tshark 4.0.17's on the same bytes, and
// the last test asks tshark itself for every field below when it is installed.
/** mrinfo_query.pcap frame 1. */
const ASK = `
  c2013248 0000c200 32480000 08004500 001c00ea 0000ff02 acf10a00 00010202 02021305 e8e4000a 040c0000 00000000
  00000000 00000000 00000000
`;
/** mrinfo_query.pcap frame 2. */
const NEIGHBORS = `
  c2003248 0000c201 32480000 080045c0 003400b9 0000ff02 ac4a0202 02020a00 00011306 768b004a 040c0a00 00020100
  44010a00 00010a00 00090100 04010a00 000a
`;

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'dvmrp.version',
  'dvmrp.type',
  'dvmrp.v3.code',
  'dvmrp.checksum',
  'dvmrp.reserved',
  'dvmrp.min_ver',
  'dvmrp.maj_ver',
];

const FRAMES: [string, number][] = [
  [ASK, 1],
  [NEIGHBORS, 1],
];

describe('dvmrp', () => {
  it('decodes mrinfo_query.pcap frame 1 as tshark does', () => {
    const d = dissectHex(ASK, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:igmp:dvmrp');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['DVMRP', 'V3 Ask Neighbors 2']);
  });

  it('decodes mrinfo_query.pcap frame 2 as tshark does', () => {
    const d = dissectHex(NEIGHBORS, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:igmp:dvmrp');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['DVMRP', 'V3 Neighbors 2']);
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
