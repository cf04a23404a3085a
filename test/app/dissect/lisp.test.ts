import { describe, expect, it } from 'vitest';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// LISP Map-Register and Map-Notify with their mapping and locator records.
// Frames from tcpdump's test captures; the expected columns are tshark 4.0.17's on the same bytes, and
// the last test asks tshark itself for every field below when it is installed.
/** lisp_eid_register.pcap frame 1. */
const REGISTER = `
  ffffffff ffff0000 00000000 08004500 00900001 00004011 3a4ac0a8 00697f00 000110f6 10f6007c ed513200 1102c421
  8228892d 20a40001 00144bbb 9614a67a 86040407 79954537 1906836c d1d60000 05a00120 10000000 00010a1e 01640164
  01640000 00011414 08fd0000 05a00120 10000000 00010a1e 01600164 01640000 00011414 08fc9787 ad753caf 58a713fa
  6920e6d2 7a8f0000 00000000 0000
`;
/** lisp_eid_notify.pcap frame 1. */
const NOTIFY = `
  ffffffff ffff0000 00000000 08004500 00a00001 00004011 3a3ac0a8 00697f00 000110f6 10f6008c 452e4000 0103c421
  8228892d 20a40001 00144bbb 9614a67a 86040407 79954537 1906836c d1d60000 05a00120 10000000 00010a1e 01640164
  01640000 00011414 08fd0000 05a00220 10000000 00010a1e 01600164 01640000 00011414 08fb0164 01640000 00011414
  08fc0000 05a00120 10000000 00010a1e 01500164 01640000 00011414 08ef
`;

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'lisp.type',
  'lisp.records',
  'lisp.nonce',
  'lisp.keyid',
  'lisp.authlen',
  'lisp.mapping.ttl',
  'lisp.mapping.loccnt',
  'lisp.mapping.eid.masklen',
  'lisp.mapping.eid.afi',
  'lisp.mapping.eid.ipv4',
  'lisp.loc.priority',
  'lisp.loc.weight',
  'lisp.loc.afi',
  'lisp.loc.locator',
];

const FRAMES: [string, number][] = [
  [REGISTER, 1],
  [NOTIFY, 1],
];

describe('lisp', () => {
  it('decodes lisp_eid_register.pcap frame 1 as tshark does', () => {
    const d = dissectHex(REGISTER, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:lisp');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['LISP', 'Map-Register']);
  });

  it('decodes lisp_eid_notify.pcap frame 1 as tshark does', () => {
    const d = dissectHex(NOTIFY, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:lisp');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['LISP', 'Map-Notify']);
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
