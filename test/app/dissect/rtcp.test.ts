// RTCP against tshark: compound packets (SR with report blocks and SDES, RR with BYE and a reason,
// APP), padding, profile-specific extensions, types tshark does not know, bad lengths, found by
// tshark's default heuristic; and RTCP on the port after an SDP-announced RTP port.
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import {
  fuzzFrames,
  ipFrame,
  udpDatagram,
  udpIpFrame,
  itAgreesWithTshark,
} from '../../support/proto-oracle.ts';
import { latin1 } from '../../support/tcp-frames.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'rtcp.version',
  'rtcp.padding',
  'rtcp.rc',
  'rtcp.sc',
  'rtcp.pt',
  'rtcp.length',
  'rtcp.senderssrc',
  'rtcp.timestamp.ntp.msw',
  'rtcp.timestamp.ntp.lsw',
  'rtcp.timestamp.ntp',
  'rtcp.timestamp.rtp',
  'rtcp.sender.packetcount',
  'rtcp.sender.octetcount',
  'rtcp.ssrc.identifier',
  'rtcp.ssrc.fraction',
  'rtcp.ssrc.cum_nr',
  'rtcp.ssrc.ext_high',
  'rtcp.ssrc.high_cycles',
  'rtcp.ssrc.high_seq',
  'rtcp.ssrc.jitter',
  'rtcp.ssrc.lsr',
  'rtcp.ssrc.dlsr',
  'rtcp.sdes.type',
  'rtcp.sdes.length',
  'rtcp.sdes.text',
  'rtcp.sdes.prefix.length',
  'rtcp.sdes.prefix.string',
  'rtcp.app.subtype',
  'rtcp.app.name',
  'rtcp.app.data',
  'rtcp.app.data_str',
  'rtcp.padding.count',
  'rtcp.padding.data',
  'rtcp.length_check',
  'rtcp.setup-frame',
  'rtcp.setup-method',
];

const u32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const u16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** An RTCP packet: first byte, type, body (its length field from the body, in words). */
function pkt(b0: number, pt: number, body: number[], words?: number): number[] {
  return [b0, pt, ...u16(words ?? (body.length + 4) / 4 - 1), ...body];
}

const block = (ssrc: number, lost: number, cum: number): number[] => [
  ...u32(ssrc),
  lost,
  (cum >> 16) & 0xff,
  (cum >> 8) & 0xff,
  cum & 0xff,
  ...u32(0x00010203),
  ...u32(40),
  ...u32(0xaabbccdd),
  ...u32(0x18000),
];

function sdesChunk(ssrc: number, items: [number, string][]): number[] {
  const out = [...u32(ssrc)];
  for (const [t, v] of items) out.push(t, v.length, ...ascii(v));
  out.push(0);
  while (out.length % 4) out.push(0);
  return out;
}

const SR_BODY = [
  ...u32(0x11223344),
  ...u32(0xe0000000),
  ...u32(0x80000000),
  ...u32(1000),
  ...u32(10),
  ...u32(2000),
];
const SR = pkt(0x82, 200, [...SR_BODY, ...block(0x55667788, 5, 7), ...block(0x99, 0, 0xfffffe)]);
const SDES = pkt(0x82, 202, [
  ...sdesChunk(0x11223344, [
    [1, 'user@host'],
    [2, 'Alice'],
    [6, 'trawl 1.0'],
  ]),
  ...sdesChunk(0x99, [[8, '\x03abcvalue']]),
]);
const RR = pkt(0x81, 201, [...u32(0x99), ...block(0x11223344, 0x80, 1)]);
const BYE = pkt(0x81, 203, [...u32(0x99), 7, ...ascii('hang up')]);
const APP = pkt(0x83, 204, [...u32(0x99), ...ascii('TEST'), ...ascii('abcd')]);
const APP_BIN = pkt(0x80, 204, [...u32(0x99), ...ascii('qwer'), 1, 2, 3, 4]);
const RR_PAD = pkt(0xa0, 201, [...u32(0x99), 0, 0, 0, 4]);
const RR_PSE = pkt(0x80, 201, [...u32(0x99), ...u16(0), ...u16(8), 1, 2, 3, 4]);
const PAD_OK = pkt(0xa1, 203, [...u32(0x99), 0, 0, 0, 4]);

const rtcp = (p: number[], sport = 5001, dport = 5005): Uint8Array =>
  udpIpFrame(sport, dport, Uint8Array.from(p));

const HEURISTIC = [
  rtcp([...SR, ...SDES]),
  rtcp([...RR, ...SDES, ...BYE]),
  rtcp(APP),
  rtcp([...RR, ...APP_BIN]),
  rtcp([...RR, ...PAD_OK]),
  rtcp(RR_PAD),
  rtcp(RR_PSE),
  // Too long a length, an unknown type after a report, a bad version after it.
  rtcp(pkt(0x80, 201, u32(0x99), 5)),
  rtcp([...RR, ...pkt(0x80, 196, u32(1))]),
  rtcp([...RR, ...pkt(0x80, 191, u32(1))]),
  rtcp([...RR, ...pkt(0x40, 201, u32(1))]),
  // Not RTCP to the heuristic: SDES first, a length not in words, version 1.
  rtcp(SDES),
  rtcp([...RR, 0, 0]),
  rtcp(pkt(0x40, 201, u32(1))),
  // Cut short.
  rtcp(SR).slice(0, 42 + 30),
];

/** A SIP INVITE whose SDP announces RTP on 10.0.0.1:49170 (RTCP then on 49171). */
function invite(): Uint8Array {
  const body =
    'v=0\r\no=alice 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\n';
  const msg =
    'INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n' +
    'From: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: c1@example.com\r\n' +
    `CSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  return ipFrame(17, udpDatagram(5060, 5060, latin1(msg)), 1, 2);
}

const SDP_FRAMES = [
  // Before the SDP: only the heuristic (an SDES-first packet is not RTCP then).
  ipFrame(17, udpDatagram(3457, 49171, Uint8Array.from(SDES)), 2, 1),
  invite(),
  ipFrame(17, udpDatagram(3457, 49171, Uint8Array.from(SDES)), 2, 1),
  ipFrame(17, udpDatagram(49171, 3457, Uint8Array.from([...SR, ...SDES])), 1, 2),
];

const FRAMES = [...HEURISTIC, ...SDP_FRAMES];

describe('RTCP', () => {
  it('words Info as tshark does', () => {
    const state = new CaptureState();
    const d = HEURISTIC.map((f, i) => dissectHex(f, 1, { number: i + 1 }, state));
    expect(d[0]?.pinfo.proto).toBe('RTCP');
    expect(d[0]?.pinfo.info).toBe('Sender Report   Source description   ');
  });

  it('survives mutated packets', () => fuzzFrames(FRAMES, 42, 3550));

  itAgreesWithTshark(FRAMES, FIELDS, /^Real-time Transport Control Protocol/);
});
