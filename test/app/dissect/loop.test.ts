// Ethernet loopback (Configuration Test Protocol) on built frames, against tshark.
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { ethFrame, fuzzFrames } from '../../support/link-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = ['_ws.col.Protocol', '_ws.col.Info', 'frame.protocols', 'loop.skipcount', 'loop.function'];
const FRAMES = [
  ethFrame(0x9000, `0000 0200 aa0004001d04 0100 0100 ${'55'.repeat(20)}`),
  ethFrame(0x9000, `0800 0200 aa0004001d04 0100 0100 ${'55'.repeat(20)}`),
];

describe('LOOP', () => {
  it('names the function the skip count points at, as tshark', () => {
    const ours = FRAMES.map((f) => trawlRow(dissectHex(f, LinkType.ETHERNET), FIELDS));
    expect(ours.map((r) => r.slice(0, 3))).toEqual([
      ['LOOP', 'Forward Data', 'eth:ethertype:loop:data'],
      ['LOOP', 'Reply', 'eth:ethertype:loop:data'],
    ]);
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.ETHERNET, FIELDS));
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.ETHERNET, 0x9000);
  });
});
