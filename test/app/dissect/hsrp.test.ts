import { describe, expect, it } from 'vitest';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// HSRP hello, coup and interface-state advertisement.
// Frames from tcpdump's test captures; the expected columns are tshark 4.0.17's on the same bytes, and
// the last test asks tshark itself for every field below when it is installed.
/** HSRP_coup.pcap frame 1. */
const HELLO = `
  01005e00 00020000 0c07ac01 080045c0 00300000 00000111 1835c0a8 001ee000 000207c1 07c1001c 2d8d0000 10030a64
  01006369 73636f00 0000c0a8 0001
`;
/** HSRP_coup.pcap frame 8. */
const ADVERTISE = `
  01005e00 0002c202 34770000 080045c0 002c0000 00000111 1843c0a8 0014e000 000207c1 07c10018 de690003 0001000e
  02000000 00016f00 00000000
`;

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'hsrp.version',
  'hsrp.opcode',
  'hsrp.state',
  'hsrp.hellotime',
  'hsrp.holdtime',
  'hsrp.priority',
  'hsrp.group',
  'hsrp.auth_data',
  'hsrp.virt_ip',
  'hsrp.adv.tlvtype',
  'hsrp.adv.state',
  'hsrp.adv.activegrp',
  'hsrp.adv.passivegrp',
];

const FRAMES: [string, number][] = [
  [HELLO, 1],
  [ADVERTISE, 1],
];

describe('hsrp', () => {
  it('decodes HSRP_coup.pcap frame 1 as tshark does', () => {
    const d = dissectHex(HELLO, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:hsrp');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['HSRP', 'Hello (state Active)']);
  });

  it('decodes HSRP_coup.pcap frame 8 as tshark does', () => {
    const d = dissectHex(ADVERTISE, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:hsrp');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['HSRP', 'Advertise (state Passive)']);
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
