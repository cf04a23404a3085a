import { describe, expect, it } from 'vitest';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// An OLSR packet with an HNA and an olsr.org LQ hello message.
// Frames from tcpdump's test captures; the expected columns are tshark 4.0.17's on the same bytes, and
// the last test asks tshark itself for every field below when it is installed.
/** OLSRv1_HNA_sgw_1.pcap frame 1. */
const HNA = `
  ffffffff ffff000d b926e771 81000a14 08004510 0064629d 40000111 bae2ac1d afdcffff ffff02ba 02ba0050 462c0048
  ce93042c 001cac1f afdcff00 6ce50000 00000007 04040aaf dc00ffff ff00c985 0028ac1f afdc0100 6ce60000 04030600
  000cac1d afdd0000 503f0400 000cac1f afdd0000 290e
`;

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'olsr.packet_len',
  'olsr.packet_seq_num',
  'olsr.message_type',
  'olsr.message_size',
  'olsr.origin_addr',
  'olsr.ttl',
  'olsr.hop_count',
  'olsr.message_seq_num',
];

const FRAMES: [string, number][] = [[HNA, 1]];

describe('olsr', () => {
  it('decodes OLSRv1_HNA_sgw_1.pcap frame 1 as tshark does', () => {
    const d = dissectHex(HNA, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:vlan:ethertype:ip:udp:olsr');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['OLSR v1', 'OLSR (IPv4) Packet,  Length: 72 Bytes']);
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

describe('OLSR length', () => {
  it('leaves a datagram whose packet length runs past it to data, as tshark', () => {
    // Ethernet, IPv4, UDP 698 -> 698 (length 26), then 18 bytes whose packet length says 32770.
    const frame = hexToBytes(`
      ffffffffffff 000db926e771 0800
      45000026 00010000 4011 0000 0a000001 0a000002
      02ba02ba 001a 0000
      8002 0001 02020100 00e48000 00000000 0f3f
    `);
    const d = dissectHex(frame, 1);
    expect(d.pinfo.layers.join(':')).toBe('frame:eth:ethertype:ip:udp:data');
    if (haveTshark)
      expect(tsharkFrameRows([frame], 1, ['frame.protocols'])).toEqual([['eth:ethertype:ip:udp:data']]);
  });
});
