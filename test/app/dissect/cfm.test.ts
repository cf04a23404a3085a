// CFM on built frames: a CCM with its End TLV, and TLVs that run off the end, against tshark.
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { ethFrame, fuzzFrames } from '../../support/link-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = ['_ws.col.Protocol', '_ws.col.Info', 'frame.protocols', 'cfm.opcode'];
const FRAMES = [
  ethFrame(0x8902, `00 01 00 46 ${'00'.repeat(70)} 00`),
  ethFrame(0x8902, `00 cc 09 34 ${'00'.repeat(9)} 05 0200 ${'ab'.repeat(20)}`),
];

describe('CFM', () => {
  it('walks TLVs from the first TLV offset, as tshark', () => {
    const ours = FRAMES.map((f) => trawlRow(dissectHex(f, LinkType.ETHERNET), FIELDS));
    expect(ours.map((r) => r.slice(0, 3))).toEqual([
      ['CFM', 'Type Continuity Check Message (CCM)', 'eth:ethertype:cfm'],
      ['CFM', 'Type Unknown (0xcc)[Malformed Packet]', 'eth:ethertype:cfm'],
    ]);
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.ETHERNET, FIELDS));
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.ETHERNET, 0x8902);
  });
});
