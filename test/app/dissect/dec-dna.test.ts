// DECnet Phase IV routing on built frames: an endnode hello, NSP messages in long data packets,
// padding, and a connect confirm cut short, against tshark.
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { ethFrame, fuzzFrames } from '../../support/link-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'dec_dna.flags',
  'dec_dna.nsp.msg_type',
];

/** A DECnet packet: the little-endian length, then `body` (hex). */
function dna(body: string): Uint8Array {
  const bytes = body.replace(/\s/g, '').length / 2;
  const len = `${(bytes & 0xff).toString(16).padStart(2, '0')}${(bytes >> 8).toString(16).padStart(2, '0')}`;
  return ethFrame(0x6003, `${len} ${body}`);
}

/** Long-format routing header (flags 0x26) from node 1.4 to node 1.1. */
const LONG = '26 0000 aa0004000104 0000 aa0004000104 00 00 00 00';
const FRAMES = [
  dna('0d 020000 aa0004000104 03 4032 00 0000000000000000 aa0004000000 000a'),
  dna(`${LONG} 04 0320 0420 0180 01a0`),
  dna(`${LONG} 14 0320 0420 0180`),
  dna(`${LONG} 10 0320 0420 0100 00 00`),
  dna(`${LONG} 10 0420 0320 0080 00a0 0100 00 00`),
  dna(`${LONG} 60 0320 0420 0100 01020304`),
  dna(`${LONG} 24 0320`),
  dna(`${LONG} 28 0320 0420 01 03 1340 00`),
  dna(`82 00 ${LONG} 38 0320 0420 0000 00`),
];

describe('DEC DNA', () => {
  it('names routing control and NSP messages as tshark does', () => {
    const state = new CaptureState();
    const ours = FRAMES.map((f, i) =>
      trawlRow(dissectHex(f, LinkType.ETHERNET, { number: i + 1 }, state), FIELDS),
    );
    expect(ours.map((r) => r[1])).toEqual([
      'Routing control, Endnode Hello message',
      'NSP data ACK message(1)',
      'NSP other data ACK message',
      'NSP link control message',
      'NSP link control message(no change)',
      'msg nr. 1 single segment, bytes this segment: 4, total so far:4',
      'NSP connect acknowledgement',
      'NSP connect confirm/initiate message[Malformed Packet]',
      'NSP disconnect initiate/confirm message',
    ]);
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.ETHERNET, FIELDS));
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.ETHERNET, 0x6003);
  });
});
