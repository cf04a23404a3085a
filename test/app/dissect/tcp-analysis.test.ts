// TCP's SEQ/ACK analysis on a built conversation against tshark: which segment an ACK
// acknowledges and after how long, the handshake's round trip, bytes in flight (less what the
// receiver SACKed) and since the last PSH, and the conversation's completeness as it grows.
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { fieldsOfBoth, ipFrame, oracleReady, tcpSegment, udpIpFrame } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.number',
  'tcp.completeness',
  'tcp.analysis.acks_frame',
  'tcp.analysis.ack_rtt',
  'tcp.analysis.initial_rtt',
  'tcp.analysis.bytes_in_flight',
  'tcp.analysis.push_bytes_sent',
  'tcp.analysis.flags',
];

const C = 100000; // client ISN
const S = 500000; // server ISN
const ACK = 0x10;
const PSH = 0x08;
const data = (n: number): Uint8Array => new Uint8Array(n).fill(0x61);

/** A SACK option with one block [left, right), padded with two NOPs. */
function sack(left: number, right: number): Uint8Array {
  const b = [1, 1, 5, 10];
  for (const v of [left, right]) b.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  return Uint8Array.from(b);
}

const cli = (
  seq: number,
  ack: number,
  flags: number,
  payload?: Uint8Array,
  options?: Uint8Array,
): Uint8Array =>
  ipFrame(6, tcpSegment({ sport: 40000, dport: 8000, seq, ack, flags, payload, options }), 1, 2);
const srv = (
  seq: number,
  ack: number,
  flags: number,
  payload?: Uint8Array,
  options?: Uint8Array,
): Uint8Array =>
  ipFrame(6, tcpSegment({ sport: 8000, dport: 40000, seq, ack, flags, payload, options }), 2, 1);

const FRAMES = [
  // Something first, so the SYN is not at time 0 (which Wireshark takes for "no time").
  udpIpFrame(5000, 5001, data(4)),
  cli(C, 0, 0x02),
  srv(S, C + 1, 0x12),
  cli(C + 1, S + 1, ACK),
  cli(C + 1, S + 1, ACK, data(100)),
  cli(C + 101, S + 1, ACK, data(100)),
  cli(C + 201, S + 1, ACK | PSH, data(100)),
  // The first 100 bytes acknowledged, the third segment SACKed.
  srv(S + 1, C + 101, ACK, undefined, sack(C + 201, C + 301)),
  cli(C + 301, S + 1, ACK, data(50)),
  srv(S + 1, C + 351, ACK | PSH, data(20)),
  cli(C + 351, S + 21, ACK),
  cli(C + 351, S + 21, 0x11),
  srv(S + 21, C + 352, 0x11),
  cli(C + 352, S + 22, ACK),
];

describe('TCP SEQ/ACK analysis', () => {
  it('links ACKs to segments and counts bytes in flight', () => {
    const state = new CaptureState();
    const d = FRAMES.map((f, i) => dissectHex(f, 1, { number: i + 1, tsSec: i, tsNsec: 0 }, state));
    expect(d[2]?.value('tcp.analysis.acks_frame')).toBe('2');
    expect(d[3]?.value('tcp.analysis.initial_rtt')).toBe('2.000000000');
    expect(d[6]?.value('tcp.analysis.bytes_in_flight')).toBe('300');
    expect(d[6]?.value('tcp.analysis.push_bytes_sent')).toBe('300');
    // 250 bytes unacknowledged, 100 of them SACKed by the receiver.
    expect(d[8]?.value('tcp.analysis.bytes_in_flight')).toBe('150');
    expect(d[10]?.value('tcp.analysis.acks_frame')).toBe('10');
    expect(d[13]?.value('tcp.completeness')).toBe('31');
  });

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });
});
