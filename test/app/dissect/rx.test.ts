// RX on the AFS ports against tshark: DATA packets carrying AFS (with and without call data), ACKs
// with their reason, aborts, challenges, packets cut short.
import { describe, expect, it } from 'vitest';
import { dissectHex } from '../../support/dissect-hex.ts';
import { fieldsOfBoth, fuzzFrames, hex, oracleReady, udpIpFrame } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'rx.epoch',
  'rx.cid',
  'rx.callnumber',
  'rx.seq',
  'rx.type',
  'rx.serviceid',
];

/** An RX header of `type` for call 290, sequence `seq`, then `body`. */
function rx(type: number, seq: number, body: string, flags = '01'): Uint8Array {
  const t = type.toString(16).padStart(2, '0');
  const s = seq.toString(16).padStart(8, '0');
  return hex(
    `3e5a1b2c` + `00001234` + `00000122` + s + `00000001` + t + flags + `00` + `00` + `0000` + `0001` + body,
  );
}

const FRAMES = [
  udpIpFrame(7001, 7000, rx(1, 1, '00000084' + '0000000100000002')),
  udpIpFrame(7000, 7001, rx(1, 1, '', '04')),
  udpIpFrame(7001, 7000, rx(2, 0, '0020' + '0000' + '00000001' + '00000000' + '00000000' + '08' + '00')),
  udpIpFrame(7000, 7001, rx(2, 2, '0020' + '0000' + '00000001' + '00000000' + '00000000' + '01' + '00')),
  udpIpFrame(1799, 7002, rx(4, 0, '00000005')),
  udpIpFrame(7002, 1799, rx(6, 0, '0000000200000001')),
  udpIpFrame(1799, 7021, rx(4, 0, '')),
];

describe('RX', () => {
  it('names DATA packets AFS and the others by type', () => {
    const data = dissectHex(FRAMES[0] as Uint8Array);
    expect(data.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:rx:afs');
    expect(data.pinfo.proto).toBe('AFS (RX)');
    const empty = dissectHex(FRAMES[1] as Uint8Array);
    expect(empty.pinfo.layers.at(-1)).toBe('rx');
    const ack = dissectHex(FRAMES[2] as Uint8Array);
    expect(ack.pinfo.info).toBe('ACK Delay  Seq: 0  Call: 290  Source Port: 7001  Destination Port: 7000  ');
  });

  it('survives mutated packets', () => fuzzFrames(FRAMES, 42, 7000));

  it.skipIf(!oracleReady)('agrees with tshark on the RX columns and header', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    // AFS calls are not decoded: tshark's Info and faults for DATA packets come from the call.
    const strip = (s: string): string =>
      s
        .split('\n')
        .map((l) => (l.includes('AFS (RX)') ? l.replace(/AFS \(RX\)\t[^\t]*\t[^\t]*/, 'AFS (RX)\t\t') : l))
        .join('\n');
    expect(strip(f.trawl)).toBe(strip(f.tshark));
  });
});
