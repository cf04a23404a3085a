import { describe, expect, it } from 'vitest';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// An RSVP HELLO with a restart capability and an unknown object.
// Frames from tcpdump's test captures; the expected columns are tshark 4.0.17's on the same bytes, and
// the last test asks tshark itself for every field below when it is installed.
/** rsvp_cap.pcap frame 1. */
const HELLO = `
  02060a0e fff20206 0a0efff1 8100c039 080045c0 003cad9b 0000012e 852d0a00 39050a00 39071114 7d4d0100 0028000c
  16014a44 672be86e b75b000c 83010000 00000000 00000008 86010000 0003
`;

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'rsvp.version',
  'rsvp.flags',
  'rsvp.msg',
  'rsvp.message_checksum',
  'rsvp.sending_ttl',
  'rsvp.message_length',
  'rsvp.length',
  'rsvp.object',
  'rsvp.hello.source_instance',
  'rsvp.hello.destination_instance',
  'rsvp.restart_cap.restart_time',
  'rsvp.restart_cap.recovery_time',
];

const FRAMES: [string, number][] = [[HELLO, 1]];

describe('rsvp', () => {
  it('decodes rsvp_cap.pcap frame 1 as tshark does', () => {
    const d = dissectHex(HELLO, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:vlan:ethertype:ip:rsvp');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['RSVP', 'HELLO Message. ']);
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
