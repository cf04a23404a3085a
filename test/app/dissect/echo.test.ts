// Echo on UDP and TCP port 7 against tshark: requests towards the port, responses from it, and a
// Wake-on-LAN magic packet sent to port 7 (Echo to tshark, as ports come before heuristics).
import { describe, expect, it } from 'vitest';
import { dissectHex } from '../../support/dissect-hex.ts';
import {
  fieldsOfBoth,
  fuzzFrames,
  hex,
  ipFrame,
  oracleReady,
  tcpSegment,
  udpIpFrame,
} from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'echo.data',
  'echo.request',
  'echo.response',
];

const FRAMES = [
  udpIpFrame(40000, 7, hex('68656c6c6f')),
  udpIpFrame(7, 40000, hex('68656c6c6f')),
  udpIpFrame(40000, 7, hex('ffffffffffff' + '109add4e060d'.repeat(16))),
  ipFrame(6, tcpSegment({ sport: 40000, dport: 7, seq: 1, ack: 1, flags: 0x18, payload: hex('0102') })),
];

describe('Echo', () => {
  it('tells requests from responses', () => {
    expect(dissectHex(FRAMES[0] as Uint8Array, 1).pinfo.info).toBe('Request');
    expect(dissectHex(FRAMES[1] as Uint8Array, 1).pinfo.info).toBe('Response');
  });

  it('survives mutated frames', () => fuzzFrames(FRAMES, 42, 7));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });
});
