import { describe, expect, it } from 'vitest';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// RIPv1 request and response, RIPv2 with simple-password authentication.
// Frames from tcpdump's test captures; the expected columns are tshark 4.0.17's on the same bytes, and
// the last test asks tshark itself for every field below when it is installed.
/** ripv1v2.pcap frame 1. */
const V1_REQUEST = `
  ffffffff ffff0811 961c10c8 080045c0 00340000 40004011 24e70a00 00140a00 00ff0208 02080020 e57a0101 00000000
  00000000 00000000 00000000 00000000 0010
`;
/** ripv1v2.pcap frame 2. */
const V1_RESPONSE = `
  ffffffff ffff0811 961c10c8 080045c0 00340000 40004011 24e70a00 00140a00 00ff0208 02080020 28410201 00000002
  00000a46 b2000000 00000000 00000000 0001
`;
/** ripv2_auth.pcap frame 2. */
const V2_AUTH = `
  01005e00 00090811 961c10c8 080045c0 00480000 40000111 8ec80a00 0014e000 00090208 02080034 10bf0202 0000ffff
  00026162 63646566 6768696a 6b6c6d6e 6f700002 00000a46 b200ffff ff000000 00000000 0001
`;

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'rip.command',
  'rip.version',
  'rip.family',
  'rip.route_tag',
  'rip.ip',
  'rip.netmask',
  'rip.next_hop',
  'rip.metric',
  'rip.auth.type',
  'rip.auth.passwd',
];

const FRAMES: [string, number][] = [
  [V1_REQUEST, 1],
  [V1_RESPONSE, 1],
  [V2_AUTH, 1],
];

describe('rip', () => {
  it('decodes ripv1v2.pcap frame 1 as tshark does', () => {
    const d = dissectHex(V1_REQUEST, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:rip');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['RIPv1', 'Request']);
  });

  it('decodes ripv1v2.pcap frame 2 as tshark does', () => {
    const d = dissectHex(V1_RESPONSE, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:rip');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['RIPv1', 'Response']);
  });

  it('decodes ripv2_auth.pcap frame 2 as tshark does', () => {
    const d = dissectHex(V2_AUTH, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:rip');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['RIPv2', 'Response']);
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
