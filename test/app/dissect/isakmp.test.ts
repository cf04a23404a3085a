// ISAKMP (IKEv1 and IKEv2) headers on built datagrams, against tshark on the same frames.
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { udpFrame } from '../../support/tcp-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'isakmp.ispi',
  'isakmp.rspi',
  'isakmp.nextpayload',
  'isakmp.version',
  'isakmp.mjver',
  'isakmp.mnver',
  'isakmp.exchangetype',
  'isakmp.flags',
  'isakmp.flag_e',
  'isakmp.flag_i',
  'isakmp.flag_r',
  'isakmp.messageid',
  'isakmp.length',
];

/** An ISAKMP header (no payloads): version byte, exchange type, flags, message id. */
function header(version: number, exchange: number, flags: number, mid: number): string {
  const b = [...Array.from({ length: 8 }, (_, i) => i + 1), ...new Array<number>(8).fill(0)];
  b.push(
    0,
    version,
    exchange,
    flags,
    mid >>> 24,
    (mid >>> 16) & 0xff,
    (mid >>> 8) & 0xff,
    mid & 0xff,
    0,
    0,
    0,
    28,
  );
  return String.fromCharCode(...b);
}

describe('ISAKMP', () => {
  it('names the exchange in Info, IKEv1 and IKEv2, on 500 and after 4500’s marker, as tshark', () => {
    const datagrams: [number, string][] = [
      [500, header(0x10, 2, 0, 0)],
      [500, header(0x10, 32, 1, 0x1234)],
      [500, header(0x20, 34, 0x08, 0)],
      [500, header(0x20, 34, 0x20, 0)],
      [500, header(0x20, 37, 0x28, 12)],
      [500, header(0x20, 36, 0, 300)],
      [500, header(0x10, 99, 0, 0)],
      [500, header(0x20, 99, 0, 0)],
      [500, header(0x30, 2, 0, 0)],
      [500, '\0'.repeat(10)],
      [4500, '\0\0\0\0' + header(0x20, 35, 0x08, 1)],
    ];
    const frames = datagrams.map(([port, p]) => udpFrame({ src: 1, dst: 2, sport: port, dport: port }, p));
    const state = new CaptureState();
    const ours = frames.map((f, i) => trawlRow(dissectHex(f, 1, { number: i + 1 }, state), FIELDS));
    expect(ours.map((r) => r[1])).toEqual([
      'Identity Protection (Main Mode)',
      'Quick Mode',
      'IKE_SA_INIT MID=00 Initiator Request',
      'IKE_SA_INIT MID=00 Responder Response',
      'INFORMATIONAL MID=12 Initiator Response',
      'CREATE_CHILD_SA MID=300 Responder Request',
      'Unknown 99',
      'Unknown 99 MID=00 Responder Request',
      '',
      '',
      'IKE_AUTH MID=01 Initiator Request',
    ]);
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(frames, 1, FIELDS));
  });
});
