// OpenFlow over TCP against tshark: port 6653, the legacy 6633 by tshark's heuristic (a segment to
// it claims the stream, one from it before that stays data), several messages per segment,
// versions 1.0 and 1.3, a packet-in carrying a frame, the 1.0 FLOW_MOD tshark 4.0 finds malformed.
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import {
  fieldsOfBoth,
  fuzzFrames,
  hex,
  ipFrame,
  oracleReady,
  tcpSegment,
} from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'openflow.version',
  'openflow.length',
  'openflow.xid',
  'openflow_1_0.type',
  'openflow_v4.type',
  'openflow_v4.xid',
];

function seg(sport: number, dport: number, payload: string, seq = 1): Uint8Array {
  const [src, dst] = sport < dport ? [2, 1] : [1, 2];
  return ipFrame(6, tcpSegment({ sport, dport, seq, flags: 0x18, payload: hex(payload) }), src, dst);
}

const HELLO_10 = '0100000800000001';
const ECHO_13 = '0402000800000007';
const FEATURES = '0105000800000002';
const FLOW_MOD = '010e0048' + '00000004' + '00'.repeat(64);
const PACKET_IN =
  '010a0043' +
  '00000009' +
  'ffffffff' +
  '0040' +
  '0001' +
  '00' +
  '00' + // header, buffer, len, port, reason
  'ffffffffffff0200000000010800' +
  '4500002800010000401100000a0000010a000002' +
  '9c4000350014000068656c6c6f7772';

const FRAMES = [
  seg(6653, 40000, HELLO_10),
  seg(40001, 6653, ECHO_13 + FEATURES),
  seg(6633, 40002, HELLO_10),
  seg(40003, 6633, HELLO_10),
  seg(6633, 40003, FEATURES, 9),
  seg(40004, 6653, FLOW_MOD),
  seg(40005, 6653, PACKET_IN),
  seg(40006, 6653, '07000008000000ff'),
];

describe('OpenFlow', () => {
  it('adds a layer per message and claims 6633 streams from their first segment to the server', () => {
    const d = dissectFrames(FRAMES);
    expect(d[1]?.pinfo.layers.slice(1).join(':')).toBe(
      'eth:ethertype:ip:tcp:openflow:openflow_v4:openflow_v1',
    );
    expect(d[1]?.pinfo.proto).toBe('OpenFlow');
    expect(d[1]?.pinfo.info).toBe('Type: OFPT_FEATURES_REQUEST');
    expect(d[2]?.pinfo.layers.at(-1)).toBe('data');
    expect(d[4]?.pinfo.layers.at(-1)).toBe('openflow_v1');
    expect(d[5]?.pinfo.info).toBe('Type: OFPT_FLOW_MOD[Malformed Packet]');
    expect(d[6]?.pinfo.proto).toBe('OpenFlow');
  });

  it('survives mutated messages', () => fuzzFrames(FRAMES, 54, 6653));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });
});
