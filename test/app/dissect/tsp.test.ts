// TSP (BSD timed) on UDP 525 against tshark: messages with a time and a name, a loop with its hop
// count, unknown types, a name or time cut short.
import { describe, expect, it } from 'vitest';
import { dissectHex } from '../../support/dissect-hex.ts';
import { fieldsOfBoth, fuzzFrames, hex, oracleReady, udpIpFrame } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'tsp.type',
  'tsp.version',
  'tsp.sequence',
  'tsp.hopcnt',
  'tsp.sec',
  'tsp.usec',
  'tsp.name',
];

const NAME = '686f73746100'; // "hosta"
const FRAMES = [
  udpIpFrame(525, 525, hex('01010005' + '0000000100000002' + NAME)),
  udpIpFrame(525, 525, hex('0e010006' + '5f5e100000000010' + NAME + '0000')),
  udpIpFrame(525, 525, hex('18010007' + '05' + NAME)),
  udpIpFrame(525, 525, hex('30300008' + '0000000100000002' + NAME)),
  udpIpFrame(525, 525, hex('08010005' + NAME)),
  udpIpFrame(525, 525, hex('080100050000000100000002686f7374')),
];

describe('TSP', () => {
  it('names the message type in Info', () => {
    const d = dissectHex(FRAMES[0] as Uint8Array);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:tsp');
    expect(d.pinfo.proto).toBe('TSP');
    expect(d.pinfo.info).toBe('adjtime');
    expect(d.value('tsp.name')).toBe('hosta');
    expect(dissectHex(FRAMES[3] as Uint8Array).pinfo.info).toBe('Unknown message type (48)');
  });

  it('survives mutated messages', () => fuzzFrames(FRAMES, 42, 525));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });
});
