import { describe, expect, it } from 'vitest';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// EIGRP hello and update (an internal IPv4 route), and an IPv6 hello.
// Frames from tcpdump's test captures; the expected columns are tshark 4.0.17's on the same bytes, and
// the last test asks tshark itself for every field below when it is installed.
/** EIGRP_adjacency.pcap frame 1. */
const HELLO = `
  01005e00 000ac201 73fe0000 080045c0 003c0000 00000258 cd9f0a00 0001e000 000a0205 ee680000 00000000 00000000
  00000000 00640001 000c0100 01000000 000f0004 00080c04 0102
`;
/** EIGRP_subnet_up.pcap frame 4. */
const UPDATE = `
  01005e00 000ac202 73fe0000 080045c0 00440000 00000258 cd960a00 0002e000 000a0201 0a7e0000 00000000 002d0000
  00000000 00640102 001c0000 00000000 6e000003 e8000005 dc01ff01 000018c0 a804
`;
/** EIGRP_ipv6.pcap frame 1. */
const HELLO_V6 = `
  33330000 000a0200 00000301 86dd6e00 00000028 5801fe80 00000000 00000000 00fffe00 0301ff02 00000000 00000000
  00000000 000a0205 efa70000 00000000 00000000 00000000 fc2a0001 000c0100 01000000 000f0004 00080e00 0200
`;

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'eigrp.version',
  'eigrp.opcode',
  'eigrp.checksum',
  'eigrp.flags',
  'eigrp.seq',
  'eigrp.ack',
  'eigrp.vrid',
  'eigrp.as',
  'eigrp.tlv_type',
  'eigrp.tlv.len',
  'eigrp.par.k1',
  'eigrp.par.holdtime',
  'eigrp.old_metric.delay',
  'eigrp.old_metric.bw',
  'eigrp.old_metric.mtu',
  'eigrp.old_metric.hopcount',
  'eigrp.ipv4.prefixlen',
  'eigrp.ipv4.destination',
  'eigrp.ipv4.nexthop',
];

const FRAMES: [string, number][] = [
  [HELLO, 1],
  [UPDATE, 1],
  [HELLO_V6, 1],
];

describe('eigrp', () => {
  it('decodes EIGRP_adjacency.pcap frame 1 as tshark does', () => {
    const d = dissectHex(HELLO, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:eigrp');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['EIGRP', 'Hello']);
  });

  it('decodes EIGRP_subnet_up.pcap frame 4 as tshark does', () => {
    const d = dissectHex(UPDATE, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:eigrp');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['EIGRP', 'Update']);
  });

  it('decodes EIGRP_ipv6.pcap frame 1 as tshark does', () => {
    const d = dissectHex(HELLO_V6, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ipv6:eigrp');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['EIGRP', 'Hello']);
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
