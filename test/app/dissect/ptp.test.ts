// PTP on UDP 319/320 and directly over Ethernet (0x88f7) against tshark: the version 2 timing
// messages with their timestamps, an announce, a version 1 sync, and messages cut short.
import { describe, expect, it } from 'vitest';
import { dissectHex } from '../../support/dissect-hex.ts';
import {
  ethFrame,
  fieldsOfBoth,
  fuzzFrames,
  hex,
  oracleReady,
  udpIpFrame,
} from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'ptp.v2.messagetype',
  'ptp.v2.versionptp',
  'ptp.v2.messagelength',
  'ptp.v2.domainnumber',
  'ptp.v2.flags',
  'ptp.v2.flags.twostep',
  'ptp.v2.clockidentity',
  'ptp.v2.sourceportid',
  'ptp.v2.sequenceid',
  'ptp.v2.controlfield',
  'ptp.v2.logmessageperiod',
];

/** A v2 header of message type `type` (34 bytes) then `body`. */
function v2(type: number, body: string, flags = '0200'): Uint8Array {
  const b = hex(body);
  const h = hex(`0${type.toString(16)}02${(34 + b.length).toString(16).padStart(4, '0')}0000${flags}`);
  const rest = hex('0000000000000000' + '00000000' + '7cfe90fffef950b4' + '0001' + '0084' + '00' + 'fd');
  const out = new Uint8Array(34 + b.length);
  out.set(h);
  out.set(rest, 8);
  out.set(b, 34);
  return out;
}

const STAMP = '00005a67f0a90ecc9c25';
const FRAMES = [
  udpIpFrame(319, 319, v2(0, STAMP)),
  udpIpFrame(320, 320, v2(8, STAMP)),
  udpIpFrame(319, 319, v2(1, STAMP, '0000')),
  udpIpFrame(320, 320, v2(9, STAMP + '7cfe90fffef950b40001')),
  udpIpFrame(320, 320, v2(11, STAMP + '0025008000f8fffe00808000001bc0fffe0000010000a0')),
  ethFrame(0x88f7, v2(2, STAMP + '00000000000000000000')),
  ethFrame(0x88f7, v2(0, '').slice(0, 20)),
  udpIpFrame(319, 319, hex('0001' + '00'.repeat(30) + '00' + '00' + '00'.repeat(20))),
];

describe('PTP', () => {
  it('names the message and the version in the columns', () => {
    const sync = dissectHex(FRAMES[0] as Uint8Array);
    expect(sync.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:ptp');
    expect(sync.pinfo.proto).toBe('PTPv2');
    expect(sync.pinfo.info).toBe('Sync Message');
    expect(sync.value('ptp.v2.sequenceid')).toBe('132');
    expect(
      dissectHex(FRAMES[5] as Uint8Array)
        .pinfo.layers.slice(1)
        .join(':'),
    ).toBe('eth:ethertype:ptp');
    expect(dissectHex(FRAMES[7] as Uint8Array).pinfo.proto).toBe('PTPv1');
  });

  it('survives mutated messages', () => fuzzFrames(FRAMES, 42, 319));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });
});
