import { describe, expect, it } from 'vitest';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// PIMv2 join/prune, bootstrap and register (with the packet it carries), and PIMv1 inside IGMP.
// Frames from tcpdump's test captures; the expected columns are tshark 4.0.17's on the same bytes, and
// the last test asks tshark itself for every field below when it is installed.
/** PIM-SM_join_prune.pcap frame 3. */
const JOIN_PRUNE = `
  01005e00 000dc202 3d800001 080045c0 0036008b 00000167 cdfb0a00 000ee000 000d2300 5ae50100 0a00000d 000100d2
  01000020 ef7b7b7b 00010000 01000720 01010101
`;
/** PIM-SM_join_prune.pcap frame 11. */
const PIMV1_RP_REACHABLE = `
  01005e00 0002c203 3d800001 080045c0 002c00ba 00000102 d6520101 0101e000 00021404 6df41000 0000ef7b 7b7bffff
  ffff0101 01010000 010e0000
`;
/** PIMv2_bootstrap.pcap frame 1. */
const BOOTSTRAP = `
  01005e00 000dc200 3dee0001 080045c0 004201dd 00000167 cca60a00 0005e000 000d2400 e41004b0 00000100 01010101
  01000004 e0000000 02020000 01000202 02020096 00000100 03030303 00960000
`;
/** PIM_register_register-stop.pcap frame 1. */
const REGISTER = `
  cc05061c f000cc06 061cf001 08004500 0080015e 0000ff67 3664c0a8 0006c0a8 01fe2100 deff0000 00004500 0064000f
  0000fe01 f6d2c0a8 140aef01 02030800 90e10003 00000000 00000005 ed60abcd abcdabcd abcdabcd abcdabcd abcdabcd
  abcdabcd abcdabcd abcdabcd abcdabcd abcdabcd abcdabcd abcdabcd abcdabcd abcdabcd abcdabcd abcdabcd abcd
`;
/** PIMv2_hellos.pcap frame 1. */
const HELLO = `
  01005e00 000dc202 52720000 080045c0 0036037f 00000167 cb130a00 0002e000 000d2000 aa6e0001 00020069 00140004
  3f0ef4cd 00130004 00000001 00150004 01000000
`;

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'pim.version',
  'pim.type',
  'pim.cksum',
  'pim.holdtime',
  'pim.numgroups',
  'pim.numjoins',
  'pim.numprunes',
  'pim.group',
  'pim.source',
  'pim.upstream_neighbor',
  'pim.rp',
  'pim.bsr',
  'pim.fragment_tag',
  'pim.rp_count',
  'pim.frp_count',
  'pim.priority',
  'pim.register_flag',
  'pim.code',
  'pim.group_address',
  'pim.group_mask',
  'ip.src',
  'ip.dst',
];

const FRAMES: [string, number][] = [
  [JOIN_PRUNE, 1],
  [PIMV1_RP_REACHABLE, 1],
  [BOOTSTRAP, 1],
  [REGISTER, 1],
  [HELLO, 1],
];

describe('pim', () => {
  it('decodes PIM-SM_join_prune.pcap frame 3 as tshark does', () => {
    const d = dissectHex(JOIN_PRUNE, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:pim');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['PIMv2', 'Join/Prune']);
  });

  it('decodes PIM-SM_join_prune.pcap frame 11 as tshark does', () => {
    const d = dissectHex(PIMV1_RP_REACHABLE, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:igmp:pim');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['PIMv1', 'RP-Reachable']);
  });

  it('decodes PIMv2_bootstrap.pcap frame 1 as tshark does', () => {
    const d = dissectHex(BOOTSTRAP, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:pim');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['PIMv2', 'Bootstrap']);
  });

  it('decodes PIM_register_register-stop.pcap frame 1 as tshark does', () => {
    const d = dissectHex(REGISTER, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:pim:ip:icmp:data');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['PIMv2', 'Register']);
  });

  it('decodes PIMv2_hellos.pcap frame 1 as tshark does', () => {
    const d = dissectHex(HELLO, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:pim');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['PIMv2', 'Hello']);
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
