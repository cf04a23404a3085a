// IPsec on built packets: ESP with its sequence analysis, AH carrying ICMP, and ESP and NAT
// keep-alives in UDP 4500, against tshark run on the same frames.
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { udpFrame } from '../../support/tcp-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'esp.spi',
  'esp.sequence',
  'esp.sequence-analysis.expected-sn',
  'esp.sequence-analysis.previous-frame',
  'esp.sequence-analysis.wrong-sequence-number',
  'ah.next_header',
  'ah.length',
  'ah.spi',
  'ah.sequence',
  'ah.icv',
  'udpencap.nat_keepalive',
];

/** An Ethernet/IPv4 frame from 10.0.0.1 to 10.0.0.2 with IP protocol `proto` (checksum left 0). */
function ipFrame(proto: number, payload: number[]): Uint8Array {
  const f = new Uint8Array(34 + payload.length);
  const v = new DataView(f.buffer);
  f.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1], 0);
  v.setUint16(12, 0x0800);
  f[14] = 0x45;
  v.setUint16(16, 20 + payload.length);
  f[22] = 64;
  f[23] = proto;
  f.set([10, 0, 0, 1, 10, 0, 0, 2], 26);
  f.set(payload, 34);
  return f;
}

const u32 = (n: number): number[] => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const esp = (spi: number, seq: number): number[] => [
  ...u32(spi),
  ...u32(seq),
  ...Array.from({ length: 24 }, (_, i) => i),
];
const echo = [8, 0, 0xf7, 0xfd, 0, 1, 0, 1];

describe('IPsec', () => {
  it('decodes ESP, its sequence gaps, AH and UDP encapsulation as tshark does', () => {
    const frames = [
      ...[
        [0x1000, 1],
        [0x1000, 2],
        [0x1000, 5],
        [0x2000, 7],
        [0x1000, 3],
        [0x1000, 4],
      ].map(([spi = 0, seq = 0]) => ipFrame(50, esp(spi, seq))),
      ipFrame(51, [1, 4, 0, 0, ...u32(0x3000), ...u32(1), ...new Array<number>(12).fill(0xab), ...echo]),
      udpFrame({ src: 1, dst: 2, sport: 4500, dport: 4500 }, '\xff'),
      udpFrame({ src: 1, dst: 2, sport: 4500, dport: 4500 }, String.fromCharCode(...esp(0x4000, 9))),
    ];
    const state = new CaptureState();
    const ours = frames.map((f, i) => trawlRow(dissectHex(f, 1, { number: i + 1 }, state), FIELDS));
    expect(ours[2]?.slice(0, 8)).toEqual([
      'ESP',
      'ESP (SPI=0x00001000)',
      'eth:ethertype:ip:esp',
      '0x00001000',
      '5',
      '3',
      '2',
      '1',
    ]);
    expect(ours[6]?.[0]).toBe('ICMP');
    expect(ours[7]?.slice(0, 2)).toEqual(['UDPENCAP', 'NAT-keepalive']);
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(frames, 1, FIELDS));
  });
});
