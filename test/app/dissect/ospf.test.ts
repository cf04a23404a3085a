import { describe, expect, it } from 'vitest';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// OSPFv3 hello, DB description and LS update, OSPFv2 LS update with a router LSA.
// Frames from tcpdump's test captures; the expected columns are tshark 4.0.17's on the same bytes, and
// the last test asks tshark itself for every field below when it is installed.
/** OSPFv3_broadcast_adjacency.pcap frame 1. */
const HELLO_V3 = `
  33330000 0005c200 1ffa0001 86dd6e00 00000024 5901fe80 00000000 00000000 00000000 0001ff02 00000000 00000000
  00000000 00050301 00240101 01010000 0001fb86 00000000 00050100 0013000a 00280000 00000000 0000
`;
/** OSPFv3_broadcast_adjacency.pcap frame 7. */
const DBD_V3 = `
  c2001ffa 0001c201 1ffa0001 86dd6e00 0000001c 5901fe80 00000000 00000000 00000000 0002fe80 00000000 00000000
  00000000 00010302 001c0202 02020000 0001d826 00000000 001305dc 00070000 1d46
`;
/** OSPFv3_broadcast_adjacency.pcap frame 16. */
const UPDATE_V3 = `
  c2001ffa 0001c201 1ffa0001 86dd6e00 000000e8 5901fe80 00000000 00000000 00000000 0002fe80 00000000 00000000
  00000000 00010304 00e80202 02020000 0001e1b8 00000000 00060005 20010000 00000202 02028000 0002b354 00180100
  00330006 20030000 00030202 02028000 00014473 00240000 004a4000 00002001 0db80000 00030006 20030000 00020202
  02028000 00019c11 00240000 00544000 00002001 0db80000 00040006 20030000 00010202 02028000 0001cdba 00240000
  004a4000 00002001 0db80000 00340006 20030000 00000202 02028000 0001efd7 00240000 00404000 00002001 0db80000
  00000005 00080000 00050202 02028000 00015433 002c0100 0033fe80 00000000 00000000 00000000 00020000 0000
`;
/** ospf-nssa-bitnt.pcap frame 1. */
const ROUTER_LSA_V2 = `
  01005e00 0005ca02 43c80006 080045c0 00600034 00000159 ac490a00 2203e000 00050204 004c0a00 22030000 0001e595
  00000000 00000000 00000000 00010001 28010a00 22030a00 22038000 000451cb 00301300 00020a00 22040a00 22030100
  00010a00 2200ffff ff000300 0001
`;

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'ospf.version',
  'ospf.msg',
  'ospf.packet_length',
  'ospf.srcrouter',
  'ospf.area_id',
  'ospf.checksum',
  'ospf.instance_id',
  'ospf.auth.type',
  'ospf.hello.interface_id',
  'ospf.hello.hello_interval',
  'ospf.hello.router_dead_interval',
  'ospf.hello.designated_router',
  'ospf.v3.options',
  'ospf.v2.options',
  'ospf.db.interface_mtu',
  'ospf.dbd',
  'ospf.db.dd_sequence',
  'ospf.ls.number_of_lsas',
  'ospf.lsa.age',
  'ospf.lsa',
  'ospf.v3.lsa',
  'ospf.lsa.id',
  'ospf.advrouter',
  'ospf.lsa.seqnum',
  'ospf.lsa.chksum',
  'ospf.lsa.length',
  'ospf.lsa.number_of_links',
  'ospf.lsa.router.linkid',
  'ospf.lsa.router.linkdata',
  'ospf.lsa.router.linktype',
  'ospf.lsa.router.metric0',
  'ospf.prefix_length',
  'ospf.v3.address_prefix.ipv6',
];

const FRAMES: [string, number][] = [
  [HELLO_V3, 1],
  [DBD_V3, 1],
  [UPDATE_V3, 1],
  [ROUTER_LSA_V2, 1],
];

describe('ospf', () => {
  it('decodes OSPFv3_broadcast_adjacency.pcap frame 1 as tshark does', () => {
    const d = dissectHex(HELLO_V3, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ipv6:ospf');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['OSPF', 'Hello Packet']);
  });

  it('decodes OSPFv3_broadcast_adjacency.pcap frame 7 as tshark does', () => {
    const d = dissectHex(DBD_V3, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ipv6:ospf');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['OSPF', 'DB Description']);
  });

  it('decodes OSPFv3_broadcast_adjacency.pcap frame 16 as tshark does', () => {
    const d = dissectHex(UPDATE_V3, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ipv6:ospf');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['OSPF', 'LS Update']);
  });

  it('decodes ospf-nssa-bitnt.pcap frame 1 as tshark does', () => {
    const d = dissectHex(ROUTER_LSA_V2, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:ospf');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['OSPF', 'LS Update']);
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
