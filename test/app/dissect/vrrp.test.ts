import { describe, expect, it } from 'vitest';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// VRRPv2 with simple-text authentication and VRRPv3.
// Frames from tcpdump's test captures; the expected columns are tshark 4.0.17's on the same bytes, and
// the last test asks tshark itself for every field below when it is installed.
/** vrrp.pcap frame 1. */
const V2 = `
  01005e00 00120000 5e00012a 08004500 00301234 0000ff70 bebc0a00 005be000 0012212a bf03010a f11f0a04 2a010a04
  2a020a04 2a036162 63646566 6768
`;
/** vrrp.pcap frame 3. */
const V3 = `
  01005e00 00120000 5e00012c 08004500 00241234 0000ff70 bec80a00 005be000 0012312c bf0203e8 b3c60a04 2c640a04
  2cc80000 00000000 00000000
`;

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'vrrp.version',
  'vrrp.type',
  'vrrp.virt_rtr_id',
  'vrrp.prio',
  'vrrp.addr_count',
  'vrrp.auth_type',
  'vrrp.adver_int',
  'vrrp.short_adver_int',
  'vrrp.checksum',
  'vrrp.checksum.status',
  'vrrp.ip_addr',
  'vrrp.auth_string',
];

const FRAMES: [string, number][] = [
  [V2, 1],
  [V3, 1],
];

describe('vrrp', () => {
  it('decodes vrrp.pcap frame 1 as tshark does', () => {
    const d = dissectHex(V2, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:vrrp');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['VRRP', 'Announcement (v2)']);
  });

  it('decodes vrrp.pcap frame 3 as tshark does', () => {
    const d = dissectHex(V3, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:vrrp');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['VRRP', 'Announcement (v3)']);
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
