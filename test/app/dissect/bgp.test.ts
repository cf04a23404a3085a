import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { handshake, tcpFrame, type Segment } from '../../support/tcp-frames.ts';
import { dissectSegmentsWith, haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// Frames from tcpdump's test captures (expected values are tshark 4.0.17's on the same bytes; the
// last block asks tshark itself when it is installed), and BGP messages built here for TCP
// reassembly: a message split over two segments, several messages in one segment, a bad marker.
/** bgp-4byte-asn.pcap frame 6. */
const OPEN = `
  e2c3b48e 87600201 00010000 080045c0 006b1cea 40000106 55e10100 02020100 0201a6f5 00b38afa 6c33d6cc 3b5b8018
  003aa6d1 00000101 080a27ca 70da27ca 70daffff ffffffff ffffffff ffffffff ffff0037 01045ba0 00b40000 01011a02
  18010400 01000102 004002c1 2c4104a4 c4665245 04000101 01
`;
/** bgp-4byte-asn.pcap frame 13. */
const UPDATE = `
  02010001 0000e2c3 b48e8760 080045c0 00934b84 40000106 271f0100 02010100 020200b3 a6f5d6cc 3b998afa 6c7d8018
  0039ef2d 00000101 080a27ca 70da27ca 70daffff ffffffff ffffffff ffffffff ffff005f 02000000 2f400101 0240020c
  020500c8 00015ba0 5ba05ba0 40030401 000201e0 11120204 00000001 0003640e 00051615 fffffffa 20040404 04200505
  05052001 01010120 02020202 20030303 03
`;
/** mpbgp-linklocal-nexthop.pcap frame 1. */
const MP_REACH_V6 = `
  02000102 00000200 01010000 080045c0 008e58c5 40004006 a4e21e00 00011e00 0002bf8e 00b34c94 bf874cd0 27148018
  001dd6dc 00000101 080a0af9 e8060af9 e805ffff ffffffff ffffffff ffffffff ffff005a 02000000 43400101 02400204
  02010001 40030400 00000080 0e2e0002 0120dead beef0000 00000000 00000000 0001fe80 00000000 00000000 01fffe01
  00000040 00040005 00000000
`;

const MARKER = 'ff'.repeat(16);
const KEEPALIVE = `${MARKER}001304`;
/** OPEN: version 4, AS 65000, hold time 90, identifier 10.0.0.1, no optional parameters. */
const OPEN_MSG = `${MARKER}001d0104fde8005a0a00000100`;
/** UPDATE withdrawing 10.1.0.0/16 and announcing nothing else. */
const WITHDRAW = `${MARKER}001a02000310 0a010000`.replace(/ /g, '');

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'bgp.type',
  'bgp.length',
  'bgp.open.myas',
  'bgp.open.identifier',
  'bgp.cap.type',
  'bgp.cap.4as',
  'bgp.update.path_attribute.type_code',
  'bgp.update.path_attribute.flags',
  'bgp.update.path_attribute.origin',
  'bgp.update.path_attribute.next_hop',
  'bgp.update.path_attribute.as_path_segment.as2',
  'bgp.update.path_attribute.as_path_segment.as4',
  'bgp.update.path_attribute.mp_reach_nlri.afi',
  'bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6',
  'bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6.link_local',
  'bgp.mp_reach_nlri_ipv6_prefix',
  'bgp.nlri_prefix',
  'bgp.withdrawn_prefix',
  'bgp.prefix_length',
];

const seg = (fromClient: boolean, seq: number, hex: string): Segment => ({
  fromClient,
  seq,
  ack: fromClient ? 5001 : 1001,
  payload: hexToBytes(hex),
});

describe('bgp', () => {
  it('decodes an OPEN with its capabilities', () => {
    const d = dissectHex(OPEN);
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['BGP', 'OPEN Message']);
    expect(d.pinfo.layers.join(':')).toBe('frame:eth:ethertype:ip:tcp:bgp');
    expect(d.value('bgp.open.myas')).toBe('23456');
    expect(d.value('bgp.cap.type')).toBe('1,2,64,65,69');
    expect(d.value('bgp.cap.4as')).toBe('2764334674');
    const [myas] = d.nodes('bgp.open.myas');
    expect(myas && nodeLabel(myas)).toBe('My AS: 23456 (AS_TRANS)');
    const [timers] = d.nodes('bgp.cap.gr.timers');
    expect(timers && nodeLabel(timers)).toBe('Restart Timers: 0xc12c, Restart state, Graceful notification');
  });

  it('decodes an UPDATE: path attributes with 2- and 4-byte AS paths, and its NLRI', () => {
    const d = dissectHex(UPDATE);
    expect(d.pinfo.info).toBe('UPDATE Message');
    expect(d.value('bgp.update.path_attribute.type_code')).toBe('1,2,3,17');
    expect(d.value('bgp.update.path_attribute.as_path_segment.as2')).toBe('200,1,23456,23456,23456');
    expect(d.value('bgp.update.path_attribute.as_path_segment.as4')).toBe('1,222222,333333,4294967290');
    expect(d.value('bgp.nlri_prefix')).toBe('4.4.4.4,5.5.5.5,1.1.1.1,2.2.2.2,3.3.3.3');
    const labels = d.nodes('bgp.update.path_attribute').map(nodeLabel);
    expect(labels).toEqual([
      'Path Attribute - ORIGIN: INCOMPLETE',
      'Path Attribute - AS_PATH: 200 1 23456 23456 23456 ',
      'Path Attribute - NEXT_HOP: 1.0.2.1 ',
      'Path Attribute - AS4_PATH: 1 222222 333333 4294967290 ',
    ]);
    const [flags] = d.nodes('bgp.update.path_attribute.flags');
    expect(flags && nodeLabel(flags)).toBe('Flags: 0x40, Transitive, Well-known, Complete');
  });

  it('decodes MP_REACH_NLRI with a global and a link-local IPv6 next hop', () => {
    const d = dissectHex(MP_REACH_V6);
    expect(d.value('bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6')).toBe('dead:beef::1');
    expect(d.value('bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6.link_local')).toBe(
      'fe80::1ff:fe01:0',
    );
    expect(d.value('bgp.mp_reach_nlri_ipv6_prefix')).toBe('4:5::');
  });

  it('shows several messages of one segment, each its own subtree, Info listing them', () => {
    const [, , , d] = dissectSegmentsWith(
      [...handshake(), seg(true, 1001, KEEPALIVE + WITHDRAW + KEEPALIVE)],
      179,
      true,
    );
    expect(d?.pinfo.info).toBe('KEEPALIVE Message, UPDATE Message, KEEPALIVE Message');
    expect(d?.pinfo.layers.filter((l) => l === 'bgp')).toHaveLength(1);
    expect(d?.nodes('bgp')).toHaveLength(3);
    expect(d?.value('bgp.withdrawn_prefix')).toBe('10.1.0.0');
  });

  it('joins a message split over two segments (TCP reassembly)', () => {
    const whole = KEEPALIVE + OPEN_MSG;
    const cut = (19 + 10) * 2;
    const frames = dissectSegmentsWith(
      [...handshake(), seg(true, 1001, whole.slice(0, cut)), seg(true, 1030, whole.slice(cut))],
      179,
      true,
    );
    expect(frames[3]?.pinfo.info).toBe('KEEPALIVE Message');
    expect(frames[4]?.pinfo.info).toBe('OPEN Message');
    expect(frames[4]?.value('bgp.open.identifier')).toBe('10.0.0.1');
    expect(frames[4]?.pinfo.layers.at(-1)).toBe('bgp');
  });

  it('flags a bad marker and a fault in one message without losing the next', () => {
    const badMarker = `${'ff'.repeat(15)}7f001304`;
    // An UPDATE whose withdrawn routes length runs past the message.
    const short = `${MARKER}001502ffff`;
    const [, , , d] = dissectSegmentsWith(
      [...handshake(), seg(true, 1001, KEEPALIVE + badMarker + short + KEEPALIVE)],
      179,
      true,
    );
    expect(d?.pinfo.info).toBe(
      'KEEPALIVE Message, KEEPALIVE Message, UPDATE Message[Malformed Packet], KEEPALIVE Message',
    );
    expect(d?.pinfo.malformed).toBe(true);
    expect(d?.nodes('bgp')).toHaveLength(4);
  });

  it.skipIf(!haveTshark)('agrees with tshark field by field', () => {
    // Each capture frame on its own (tshark would otherwise analyse them as one TCP stream).
    for (const hex of [OPEN, UPDATE, MP_REACH_V6]) {
      const frame = hexToBytes(hex);
      expect(trawlRow(dissectHex(frame), FIELDS)).toEqual(tsharkFrameRows([frame], 1, FIELDS)[0]);
    }
    const segments = [
      ...handshake(),
      seg(true, 1001, KEEPALIVE + WITHDRAW + KEEPALIVE),
      seg(true, 1065, (KEEPALIVE + OPEN_MSG).slice(0, 58)),
      seg(true, 1094, (KEEPALIVE + OPEN_MSG).slice(58)),
      seg(true, 1113, `${'ff'.repeat(15)}7f001304${MARKER}001502ffff${KEEPALIVE}`),
    ];
    const want = tsharkFrameRows(
      segments.map((s) => tcpFrame(s, 179)),
      1,
      FIELDS,
    );
    expect(dissectSegmentsWith(segments, 179, true).map((d) => trawlRow(d, FIELDS))).toEqual(want);
  });
});
