import { describe, expect, it } from 'vitest';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { handshake, tcpFrame, type Segment } from '../../support/tcp-frames.ts';
import { dissectSegmentsWith, haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// An LDP hello from tcpdump's mpls-ldp-hello.pcap (its IPv4 packet, put behind an Ethernet header
// here), and LDP sessions over TCP built here: two PDUs in one segment, one PDU split over two.
// Expected values are tshark 4.0.17's; the last test asks tshark itself when it is installed.
const HELLO = `
  01005e00 00020200 00000001 080045c0 00463cdb 00000111 91060a01 0103e000 00020286 02860032 d49e0001 00260a01
  00020000 0100001c 00011970 04000004 000f0000 04010004 0a010002 04020004 00000001
`;

/** An LDP PDU from LSR 10.0.0.1:0 holding `messages` (hex). */
const pdu = (messages: string): string => {
  const len = messages.length / 2 + 6;
  return `0001${len.toString(16).padStart(4, '0')}0a00000100 00${messages}`.replace(/ /g, '');
};
/** Initialization: common session parameters (version 1, keepalive 180, LSR 10.0.0.2:0). */
const INIT = pdu('0200001600000001 0500000e 000100b4 0000100 00a000002 0000'.replace(/ /g, ''));
const KEEPALIVE = pdu('0201000400000002');

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'ldp.hdr.version',
  'ldp.hdr.pdu_len',
  'ldp.hdr.ldpid.lsr',
  'ldp.hdr.ldpid.lsid',
  'ldp.msg.type',
  'ldp.msg.len',
  'ldp.msg.id',
  'ldp.msg.tlv.type',
  'ldp.msg.tlv.len',
  'ldp.msg.tlv.hello.hold',
  'ldp.msg.tlv.ipv4.taddr',
  'ldp.msg.tlv.hello.cnf_seqno',
];

const seg = (seq: number, hex: string): Segment => ({
  fromClient: true,
  seq,
  ack: 5001,
  payload: hexToBytes(hex),
});

describe('ldp', () => {
  it('decodes a hello on UDP 646 with its TLVs', () => {
    const d = dissectHex(HELLO);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:ldp');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['LDP', 'Hello Message ']);
    expect(d.value('ldp.msg.tlv.hello.hold')).toBe('15');
    expect(d.value('ldp.msg.tlv.ipv4.taddr')).toBe('10.1.0.2');
  });

  it('shows two PDUs of one TCP segment and joins a PDU split over two', () => {
    const frames = dissectSegmentsWith(
      [
        ...handshake(),
        seg(1001, INIT + KEEPALIVE),
        seg(1001 + (INIT + KEEPALIVE).length / 2, KEEPALIVE.slice(0, 12)),
        seg(1001 + (INIT + KEEPALIVE).length / 2 + 6, KEEPALIVE.slice(12)),
      ],
      646,
      true,
    );
    // Each PDU starts Info afresh: the last one's messages show.
    expect(frames[3]?.pinfo.info).toBe('Keep Alive Message ');
    expect(frames[4]?.pinfo.proto).toBe('TCP');
    expect(frames[5]?.pinfo.info).toBe('Keep Alive Message ');
  });

  it.skipIf(!haveTshark)('agrees with tshark field by field', () => {
    const hello = hexToBytes(HELLO);
    expect(trawlRow(dissectHex(hello), FIELDS)).toEqual(tsharkFrameRows([hello], 1, FIELDS)[0]);
    const n = (INIT + KEEPALIVE).length / 2;
    const segments = [
      ...handshake(),
      seg(1001, INIT + KEEPALIVE),
      seg(1001 + n, KEEPALIVE.slice(0, 12)),
      seg(1001 + n + 6, KEEPALIVE.slice(12)),
    ];
    const want = tsharkFrameRows(
      segments.map((s) => tcpFrame(s, 646)),
      1,
      FIELDS,
    );
    expect(dissectSegmentsWith(segments, 646, true).map((d) => trawlRow(d, FIELDS))).toEqual(want);
  });
});
