// L2TP against tshark: L2TPv2 on UDP 1701 (a tunnel and a session set up and torn down per
// RFC 2661 — SCCRQ/SCCRP/SCCCN, ICRQ/ICRP/ICCN, Hello, CDN, StopCCN, a ZLB acknowledgement — with
// a hidden AVP, a Cisco and an unknown vendor's AVP; data messages carrying PPP LCP and PPP/IPv4),
// L2TPv3 (RFC 3931) over IP 115 and over UDP (control messages with v3 AVPs, data sessions), and
// malformed AVP lengths, a Length past the datagram and cut headers.
import { describe, expect, it } from 'vitest';
import { dissectHex } from '../../support/dissect-hex.ts';
import { fuzzFrames, hex, ipFrame, udpIpFrame, itAgreesWithTshark } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'l2tp.flags',
  'l2tp.type',
  'l2tp.length_bit',
  'l2tp.seq_bit',
  'l2tp.offset_bit',
  'l2tp.priority',
  'l2tp.version',
  'l2tp.length',
  'l2tp.tunnel',
  'l2tp.session',
  'l2tp.Ns',
  'l2tp.Nr',
  'l2tp.offset',
  'l2tp.avp.mandatory',
  'l2tp.avp.hidden',
  'l2tp.avp.length',
  'l2tp.avp.vendor_id',
  'l2tp.avp.type',
  'l2tp.avp.message_type',
  'l2tp.avp.host_name',
  'l2tp.avp.assigned_tunnel_id',
  'l2tp.avp.assigned_session_id',
  'l2tp.tie_breaker',
  'l2tp.result_code',
  'l2tp.avp.error_code',
  'l2tp.avp.error_message',
  'l2tp.ccid',
  'l2tp.sid',
  'l2tp.res',
  'l2tp.avp.local_session_id',
  'l2tp.avp.remote_session_id',
  'l2tp.avp.assigned_cookie',
  'l2tp.avp.pseudowire_type',
  'l2tp.avp.ciscotype',
  'ppp.protocol',
  'ip.src',
  'data.len',
];

const h = (s: string): string => s.replace(/\s+/g, '');
const len16 = (n: number): string => n.toString(16).padStart(4, '0');
/** Fills `LLLL` with the message's length from its first byte (`skip` bytes before it do not count). */
const withLength = (msg: string, skip = 0): Uint8Array => {
  const m = h(msg);
  return hex(m.replace('LLLL', len16(m.length / 2 - skip)));
};
const avp = (flags: number, type: number, value: string, vendor = 0): string =>
  len16(flags | (6 + h(value).length / 2)) + len16(vendor) + len16(type) + h(value);
const M = 0x8000;
const HIDDEN = 0x4000;
const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex');
/** An L2TPv2 control message with sequence numbers. */
const v2c = (tunnel: number, session: number, ns: number, nr: number, avps: string): Uint8Array =>
  udpIpFrame(
    1701,
    1701,
    withLength(`c802 LLLL ${len16(tunnel)}${len16(session)}${len16(ns)}${len16(nr)}${avps}`),
  );
const msg = (type: number): string => avp(M, 0, len16(type));

const V2 = [
  v2c(
    0,
    0,
    0,
    0,
    msg(1) +
      avp(M, 2, '0100') +
      avp(M, 3, '00000003') +
      avp(M, 4, '00000002') +
      avp(0, 6, '0690') +
      avp(M, 7, ascii('lac.example')) +
      avp(0, 8, ascii('Trawl')) +
      avp(M, 9, '0001') +
      avp(M, 10, '0004') +
      avp(M, 11, '00112233445566778899aabbccddeeff') +
      avp(M, 5, '0102030405060708'),
  ),
  v2c(
    1,
    0,
    0,
    1,
    msg(2) +
      avp(M, 2, '0100') +
      avp(M, 3, '00000001') +
      avp(M, 7, ascii('lns')) +
      avp(M, 9, '0009') +
      avp(M, 13, 'ff'.repeat(16)),
  ),
  v2c(9, 0, 1, 1, msg(3) + avp(M, 13, 'ee'.repeat(16))),
  // A ZLB acknowledgement.
  udpIpFrame(1701, 1701, hex(h('c802 000c 0001 0000 0002 0002'))),
  v2c(
    9,
    0,
    2,
    2,
    msg(10) +
      avp(M | HIDDEN, 14, '0102030405060708') +
      avp(M, 15, '00000001') +
      avp(M, 18, '00000001') +
      avp(0, 22, ascii('5551234')) +
      avp(0, 21, ''),
  ),
  v2c(1, 0, 2, 3, msg(11) + avp(M, 14, '0007')),
  v2c(
    9,
    7,
    3,
    3,
    msg(12) +
      avp(M, 24, '05f5e100') +
      avp(M, 19, '00000002') +
      avp(0, 34, '0000' + '00000001'.repeat(6)) +
      avp(0, 46, '0001c02101' + ascii('bye')),
  ),
  v2c(1, 0, 3, 4, msg(6) + avp(0, 1, '', 9) + avp(0, 99, 'aabbccdd', 12345) + avp(0, 99, 'aabbccdd')),
  // Data: PPP LCP with sequence numbers and an offset pad, then PPP carrying IPv4/UDP.
  udpIpFrame(1701, 1701, hex(h('0b02 0001 0007 0005 0006 0002 0000 ff03 c021 0101 0004'))),
  udpIpFrame(
    1701,
    1701,
    hex(h('0002 0001 0007 ff03 0021 4500001c0001000040110000c0a80001c0a80002 03e8 07d0 0008 0000')),
  ),
  v2c(
    9,
    7,
    4,
    4,
    msg(14) + avp(M, 1, '0003' + '0000') + avp(M, 14, '0007') + avp(0, 12, '0010' + '02' + ascii('busy')),
  ),
  v2c(1, 0, 4, 5, msg(4) + avp(M, 9, '0001') + avp(M, 1, '0002' + '0006' + ascii('oops'))),
];

const V3 = [
  // Over IP: SCCRQ, SCCRP, ICRQ and ICRP with session AVPs, a ZLB, and a data message of a session
  // the signalling did not set up (no cookie, no sublayer: its payload is data).
  ipFrame(
    115,
    withLength(
      `00000000 c803 LLLL 00000000 0000 0000 ${msg(1)}${avp(M, 2, '0300')}${avp(M, 7, ascii('lcce1'))}${avp(M, 61, '00000011')}${avp(M, 62, '00050004')}`,
      4,
    ),
  ),
  ipFrame(
    115,
    withLength(
      `00000000 c803 LLLL 00000011 0000 0001 ${msg(2)}${avp(M, 61, '00000022')}${avp(M, 60, '0a000002')}`,
      4,
    ),
    2,
    1,
  ),
  ipFrame(
    115,
    withLength(
      `00000000 c803 LLLL 00000022 0001 0001 ${msg(10)}${avp(M, 63, '0000abcd')}${avp(M, 64, '00000000')}${avp(M, 65, '01020304')}${avp(M, 68, '0005')}${avp(M, 69, '0000')}${avp(0, 71, '0003')}`,
      4,
    ),
  ),
  ipFrame(
    115,
    withLength(
      `00000000 c803 LLLL 00000011 0001 0002 ${msg(11)}${avp(M, 63, '00001234')}${avp(M, 64, '0000abcd')}`,
      4,
    ),
    2,
    1,
  ),
  ipFrame(115, withLength('00000000 c803 LLLL 00000022 0002 0002', 4)),
  ipFrame(115, hex(h('00005678 020000000001 020000000002 0800 45000014'))),
  // Over UDP: a Hello with a Cisco AVP, a data message.
  udpIpFrame(1701, 1701, withLength(`c803 LLLL 00000022 0003 0002 ${msg(6)}${avp(0, 1, '00000022', 9)}`)),
  udpIpFrame(1701, 1701, hex(h('0003 0000 00001234 deadbeef'))),
];

const BAD = [
  // An AVP shorter than its header, one longer than the message, a Length past the datagram.
  v2c(1, 0, 5, 6, msg(6) + '80040000'),
  v2c(1, 0, 5, 6, msg(6) + avp(M, 9, '0001').replace(/^8008/, '8010')),
  udpIpFrame(1701, 1701, hex(h('c802 0040 0001 0000 0000 0000') + msg(6))),
  // Cut headers; a version that is not L2TP; a Length of zero on a data message.
  udpIpFrame(1701, 1701, hex('c802001400')),
  ipFrame(115, hex('000000')),
  udpIpFrame(1701, 1701, hex('c80100140001')),
  udpIpFrame(1701, 1701, hex('4002000000010002ff03c021')),
];

const FRAMES = [...V2, ...V3, ...BAD];

describe('L2TP', () => {
  it('names control messages and hands data to PPP', () => {
    const d = dissectHex(V2[0] as Uint8Array, 1);
    expect(d.pinfo.proto).toBe('L2TP');
    expect(d.pinfo.info).toBe('Control Message - SCCRQ (tunnel id=0, session id=0)');
    const data = dissectHex(V2[9] as Uint8Array, 1);
    expect(data.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:l2tp:ppp:ip:udp');
  });

  it('survives mutated datagrams', () => fuzzFrames(FRAMES, 34, 1701));

  itAgreesWithTshark(FRAMES, FIELDS, /^(Layer 2 Tunneling|Point-to-Point Protocol|PPP|Data \(|\[Malformed)/);
});
