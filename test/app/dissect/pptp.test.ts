// PPTP on a built TCP stream to port 1723 against tshark (RFC 2637): the control connection and a
// call set up, configured, echoed and torn down — each of the fifteen control messages — a wrong
// magic cookie, an unknown message type, a cut message; and the enhanced GRE (version 1) packets
// that carry the call's PPP: with sequence and acknowledgment numbers, an acknowledgment alone,
// PPP carrying IPv4.
import { describe, expect, it } from 'vitest';
import { dissectHex } from '../../support/dissect-hex.ts';
import { fuzzFrames, hex, ipFrame, TcpStream, itAgreesWithTshark } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'pptp.length',
  'pptp.type',
  'pptp.magic_cookie',
  'pptp.control_message_type',
  'pptp.reserved',
  'pptp.protocol_version',
  'pptp.framing_capabilities',
  'pptp.bearer_capabilities',
  'pptp.host_name',
  'pptp.vendor_name',
  'pptp.control_result',
  'pptp.error',
  'pptp.call_id',
  'pptp.peer_call_id',
  'pptp.identifier',
  'pptp.phone_number',
  'pptp.send_accm',
  'pptp.call_Statistics',
  'pptp.crc_errors',
  'gre.flags.version',
  'gre.key.payload_length',
  'gre.key.call_id',
  'gre.sequence_number',
  'gre.ack_number',
  'ppp.protocol',
  'ip.src',
];

const h = (s: string): string => s.replace(/\s+/g, '');
const u = (v: number, bytes: number): string => v.toString(16).padStart(bytes * 2, '0');
const text = (s: string, n = 64): string => Buffer.from(s.padEnd(n, '\0'), 'latin1').toString('hex');
/** A control message: length, type 1, the magic cookie, `type`, reserved, then `body`. */
const pptp = (type: number, body: string, cookie = 0x1a2b3c4d): string =>
  u(12 + h(body).length / 2, 2) + '0001' + u(cookie, 4) + u(type, 2) + '0000' + h(body);

const CAPS = u(1, 4) + u(1, 4) + u(0, 2) + u(1, 2);
const stream = new TcpStream(1723);
const seg = (toServer: boolean, payload: string): Uint8Array => stream.segment(toServer, hex(payload));

const FRAMES = [
  ...stream.handshake(),
  seg(true, pptp(1, '0100 0000' + CAPS + text('client') + text('Microsoft'))),
  seg(
    false,
    pptp(2, '0100 01 00' + u(3, 4) + u(3, 4) + u(0, 2) + u(0x1234, 2) + text('server') + text('Linux')),
  ),
  seg(
    true,
    pptp(
      7,
      u(0x4000, 2) +
        u(1, 2) +
        u(300, 4) +
        u(100000000, 4) +
        u(3, 4) +
        u(3, 4) +
        u(64, 2) +
        u(0, 2) +
        u(7, 2) +
        '0000' +
        text('5551234') +
        text(''),
    ),
  ),
  seg(
    false,
    pptp(8, u(0x8000, 2) + u(0x4000, 2) + '01 00' + u(0, 2) + u(100000000, 4) + u(64, 2) + u(0, 2) + u(0, 4)),
  ),
  seg(true, pptp(15, u(0x8000, 2) + '0000' + 'ffffffff' + '00000000')),
  seg(
    false,
    pptp(
      9,
      u(0x9000, 2) + u(2, 2) + u(2, 4) + u(5, 4) + u(3, 2) + u(4, 2) + text('123') + text('4567') + text(''),
    ),
  ),
  seg(true, pptp(10, u(0x4001, 2) + u(0x9000, 2) + '01 00' + u(16, 2) + u(0, 2) + '0000')),
  seg(false, pptp(11, u(0x4001, 2) + '0000' + u(64000, 4) + u(16, 2) + u(0, 2) + u(1, 4))),
  seg(false, pptp(14, u(0x4001, 2) + '0000' + u(1, 4) + u(2, 4) + u(3, 4) + u(4, 4) + u(5, 4) + u(6, 4))),
  seg(true, pptp(5, u(7, 4))),
  seg(false, pptp(6, u(7, 4) + '01 00 0000')),
  seg(true, pptp(12, u(0x4000, 2) + '0000')),
  seg(false, pptp(13, u(0x8000, 2) + '03 00' + u(0, 2) + '0000' + text('rx=10 tx=12'))),
  seg(true, pptp(3, '01 00 0000')),
  seg(false, pptp(4, '01 00 0000')),
  // A wrong magic cookie, an unknown type, a message cut in its host name.
  seg(true, pptp(5, u(8, 4), 0xdeadbeef)),
  seg(true, pptp(99, 'abcd')),
  seg(true, pptp(1, '0100 0000' + CAPS + text('client')).slice(0, 60)),
  // Enhanced GRE: PPP LCP with sequence and acknowledgment, an acknowledgment alone, PPP/IPv4.
  ipFrame(47, hex(h('3081 880b 0008 4000 00000001 00000000 ff03c021 01010004'))),
  ipFrame(47, hex(h('2081 880b 0000 4000 00000002'))),
  ipFrame(
    47,
    hex(h('3001 880b 0019 4000 00000003 0021 4500001c0001000040110000c0a80001c0a80002 03e8 07d0 0008 0000')),
  ),
];

describe('PPTP', () => {
  it('names control messages', () => {
    const d = dissectHex(FRAMES[2] as Uint8Array, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:pptp');
    expect(d.pinfo.proto).toBe('PPTP');
    expect(d.pinfo.info).toBe('Start-Control-Connection-Request');
  });

  it('survives mutated segments', () => fuzzFrames(FRAMES, 54, 1723));

  itAgreesWithTshark(FRAMES, FIELDS, /^(Point-to-Point|Generic Routing|PPP|Data \(|\[Malformed)/);
});
