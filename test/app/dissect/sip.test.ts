// SIP over UDP 5060 against tshark: a call (INVITE with SDP, 100, 200 with SDP, ACK, BYE, 200)
// with compact headers, a REGISTER with two bindings, and the RTP streams the SDP bodies set up.
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex, dissectFrames } from '../../support/dissect-hex.ts';
import {
  fieldsOfBoth,
  fuzzFrames,
  ipFrame,
  oracleReady,
  tcpSegment,
  treesOfBoth,
  udpDatagram,
} from '../../support/proto-oracle.ts';
import { latin1 } from '../../support/tcp-frames.ts';

const SIP_FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'sip.Method',
  'sip.r-uri',
  'sip.r-uri.user',
  'sip.r-uri.host',
  'sip.Status-Code',
  'sip.Call-ID',
  'sip.CSeq',
  'sip.CSeq.seq',
  'sip.CSeq.method',
  'sip.from.addr',
  'sip.from.tag',
  'sip.to.addr',
  'sip.to.tag',
  'sip.Via',
  'sip.Via.transport',
  'sip.Via.sent-by.address',
  'sip.Via.sent-by.port',
  'sip.Via.branch',
  'sip.Contact',
  'sip.contact.uri',
  'sip.contact.parameter',
  'sip.Content-Length',
  'sip.Content-Type',
  'sip.response-request',
  'sip.resend',
  'sip.msg_hdr',
  'sdp.version',
  'sdp.owner.username',
  'sdp.owner.address',
  'sdp.session_name',
  'sdp.connection_info.address',
  'sdp.time.start',
  'sdp.media.media',
  'sdp.media.port',
  'sdp.media.proto',
  'sdp.media.format',
  'sdp.media_attribute.field',
  'sdp.media_attribute.value',
  'sdp.mime.type',
  'sdp.sample_rate',
  'sdp.fmtp.parameter',
];

const RTP_FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'rtp.setup-frame',
  'rtp.setup-method',
  'rtp.version',
  'rtp.padding',
  'rtp.ext',
  'rtp.cc',
  'rtp.marker',
  'rtp.p_type',
  'rtp.seq',
  'rtp.timestamp',
  'rtp.ssrc',
  'rtp.payload',
];

const sip = (text: string, src: number, dst: number): Uint8Array =>
  ipFrame(17, udpDatagram(5060, 5060, latin1(text.replace(/\n/g, '\r\n'))), src, dst);

function sdp(addr: string, port: number, formats: string, attrs: string): string {
  return `v=0\no=alice 2890844526 2890844526 IN IP4 ${addr}\ns=-\nc=IN IP4 ${addr}\nt=0 0\nm=audio ${port} RTP/AVP ${formats}\n${attrs}`;
}

function withBody(head: string, body: string): string {
  return `${head}Content-Type: application/sdp\nContent-Length: ${body.replace(/\n/g, '\r\n').length}\n\n${body}`;
}

const OFFER = sdp(
  '10.0.0.1',
  49170,
  '0 8 101',
  'a=rtpmap:0 PCMU/8000\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15\na=sendrecv\n',
);
const ANSWER = sdp('10.0.0.2', 3456, '0', 'a=rtpmap:0 PCMU/8000\n');

const DIALOG = `From: "Alice" <sip:alice@example.com>;tag=1928301774
To: <sip:bob@example.com>
Call-ID: a84b4c76e66710@pc33.example.com
`;
const TO_TAG = 'To: <sip:bob@example.com>;tag=a6c85cf\n';

function rtp(pt: number, seq: number, ts: number, ssrc: number, marker: boolean, payload: number): number[] {
  return [
    0x80,
    (marker ? 0x80 : 0) | pt,
    seq >> 8,
    seq & 0xff,
    (ts >>> 24) & 0xff,
    (ts >>> 16) & 0xff,
    (ts >>> 8) & 0xff,
    ts & 0xff,
    (ssrc >>> 24) & 0xff,
    (ssrc >>> 16) & 0xff,
    (ssrc >>> 8) & 0xff,
    ssrc & 0xff,
    ...Array.from({ length: 20 }, (_, i) => (payload + i) & 0xff),
  ];
}

const media = (sport: number, dport: number, p: number[], src: number, dst: number): Uint8Array =>
  ipFrame(17, udpDatagram(sport, dport, Uint8Array.from(p)), src, dst);

const FRAMES = [
  sip(
    withBody(
      `INVITE sip:bob@example.com SIP/2.0
Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds
Max-Forwards: 70
${DIALOG}CSeq: 314159 INVITE
Contact: <sip:alice@10.0.0.1>
`,
      OFFER,
    ),
    1,
    2,
  ),
  sip(
    `SIP/2.0 100 Trying
v: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds;received=10.0.0.1
f: "Alice" <sip:alice@example.com>;tag=1928301774
t: <sip:bob@example.com>
i: a84b4c76e66710@pc33.example.com
CSeq: 314159 INVITE
l: 0

`,
    2,
    1,
  ),
  sip(
    withBody(
      `SIP/2.0 200 OK
Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds;received=10.0.0.1
${DIALOG.replace('To: <sip:bob@example.com>\n', TO_TAG)}CSeq: 314159 INVITE
Contact: <sip:bob@10.0.0.2:5060;transport=udp>
`,
      ANSWER,
    ),
    2,
    1,
  ),
  sip(
    `ACK sip:bob@10.0.0.2:5060 SIP/2.0
Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bKnashds8
${DIALOG.replace('To: <sip:bob@example.com>\n', TO_TAG)}CSeq: 314159 ACK
Content-Length: 0

`,
    1,
    2,
  ),
  media(49170, 3456, rtp(0, 1000, 160, 0x1234abcd, true, 0x10), 1, 2),
  media(3456, 49170, rtp(0, 7, 8000, 0x0badf00d, false, 0x20), 2, 1),
  media(49170, 3456, rtp(8, 1001, 320, 0x1234abcd, false, 0x30), 1, 2),
  sip(
    `BYE sip:bob@10.0.0.2:5060 SIP/2.0
Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bKnashds9
${DIALOG.replace('To: <sip:bob@example.com>\n', TO_TAG)}CSeq: 314160 BYE
Content-Length: 0

`,
    1,
    2,
  ),
  sip(
    `SIP/2.0 200 OK
Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bKnashds9
${DIALOG.replace('To: <sip:bob@example.com>\n', TO_TAG)}CSeq: 314160 BYE
Content-Length: 0

`,
    2,
    1,
  ),
  sip(
    `REGISTER sip:registrar.example.com SIP/2.0
Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKnashd92
From: <sip:alice@example.com>;tag=456248
To: <sip:alice@example.com>
Call-ID: 843817637684230@998sdasdh09
CSeq: 1826 REGISTER
Contact: <sip:alice@10.0.0.1>;expires=3600
Contact: <sip:alice@192.0.2.4>
Expires: 7200
Content-Length: 0

`,
    1,
    2,
  ),
];

describe('SIP', () => {
  it('words Info as tshark does and sets up RTP from SDP', () => {
    const d = dissectFrames(FRAMES);
    expect(d[0]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:sip:sdp');
    expect(d[0]?.pinfo.proto).toBe('SIP/SDP');
    expect(d[0]?.pinfo.info).toBe('Request: INVITE sip:bob@example.com | ');
    expect(d[1]?.pinfo.info).toBe('Status: 100 Trying | ');
    expect(d[2]?.pinfo.info).toBe('Status: 200 OK (INVITE) | ');
    expect(d[4]?.pinfo.proto).toBe('RTP');
    expect(d[4]?.pinfo.info).toBe('PT=ITU-T G.711 PCMU, SSRC=0x1234ABCD, Seq=1000, Time=160, Mark');
    expect(d[9]?.pinfo.info).toBe('Request: REGISTER sip:registrar.example.com  (2 bindings) | ');
  });

  it('survives mutated messages', () => fuzzFrames(FRAMES, 42, 5060, 20));

  it.skipIf(!oracleReady)('agrees with tshark on SIP and SDP fields', () => {
    const f = fieldsOfBoth(FRAMES, SIP_FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });

  it.skipIf(!oracleReady)('agrees with tshark on RTP fields', () => {
    const f = fieldsOfBoth(FRAMES, RTP_FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });

  it.skipIf(!oracleReady)('agrees with tshark on the SIP, SDP and RTP trees', () => {
    const t = treesOfBoth(FRAMES, /^(Session Initiation Protocol|Real-Time Transport Protocol)/);
    expect(t.trawl).toBe(t.tshark);
  });
});

/** SIP over TCP: a message split over two segments, and two messages in one segment. */
const INVITE_TCP = latin1(
  withBody(
    `INVITE sip:bob@example.com SIP/2.0
Via: SIP/2.0/TCP 10.0.0.1:40000;branch=z9hG4bK1
From: <sip:alice@example.com>;tag=1
To: <sip:bob@example.com>
Call-ID: tcp1@example.com
CSeq: 1 INVITE
`,
    sdp('10.0.0.1', 4000, '0', ''),
  ).replace(/\n/g, '\r\n'),
);
const RINGING = latin1(
  `SIP/2.0 180 Ringing
Via: SIP/2.0/TCP 10.0.0.1:40000;branch=z9hG4bK1
From: <sip:alice@example.com>;tag=1
To: <sip:bob@example.com>;tag=2
Call-ID: tcp1@example.com
CSeq: 1 INVITE
Content-Length: 0

`.replace(/\n/g, '\r\n'),
);
const SPLIT = INVITE_TCP.length - 40;
const TWO = new Uint8Array([...RINGING, ...RINGING]);
const TCP_FRAMES = [
  ipFrame(6, tcpSegment({ sport: 40000, dport: 5060, seq: 1000, flags: 0x02 }), 1, 2),
  ipFrame(6, tcpSegment({ sport: 5060, dport: 40000, seq: 5000, ack: 1001, flags: 0x12 }), 2, 1),
  ipFrame(
    6,
    tcpSegment({
      sport: 40000,
      dport: 5060,
      seq: 1001,
      ack: 5001,
      flags: 0x18,
      payload: INVITE_TCP.slice(0, SPLIT),
    }),
    1,
    2,
  ),
  ipFrame(
    6,
    tcpSegment({
      sport: 40000,
      dport: 5060,
      seq: 1001 + SPLIT,
      ack: 5001,
      flags: 0x18,
      payload: INVITE_TCP.slice(SPLIT),
    }),
    1,
    2,
  ),
  ipFrame(
    6,
    tcpSegment({
      sport: 5060,
      dport: 40000,
      seq: 5001,
      ack: 1001 + INVITE_TCP.length,
      flags: 0x18,
      payload: TWO,
    }),
    2,
    1,
  ),
];

describe('SIP over TCP', () => {
  it('reassembles a message and splits a segment into its messages', () => {
    const state = new CaptureState();
    const d = TCP_FRAMES.map((f, i) => dissectHex(f, 1, { number: i + 1 }, state));
    expect(d[3]?.pinfo.proto).toBe('SIP/SDP');
    expect(d[4]?.pinfo.info).toBe('Status: 180 Ringing | Status: 180 Ringing | ');
  });

  it('survives mutated segments', () => fuzzFrames(TCP_FRAMES, 54, 5061, 20));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(TCP_FRAMES, SIP_FIELDS);
    expect(f.trawl).toBe(f.tshark);
    const t = treesOfBoth(TCP_FRAMES, /^Session Initiation Protocol/);
    expect(t.trawl).toBe(t.tshark);
  });
});
