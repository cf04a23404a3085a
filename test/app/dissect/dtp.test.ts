// DTP over LLC/SNAP on built frames, against tshark.
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { ciscoSnapFrame, fuzzFrames } from '../../support/link-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = ['_ws.col.Protocol', '_ws.col.Info', 'frame.protocols', 'dtp.version'];
const FRAMES = [
  ciscoSnapFrame(0x2004, '01 0001 000a 636973636f00 0002 0005 81 0003 0005 a5 0004 000a 001f6d96ec04'),
];

describe('DTP', () => {
  it('walks the TLVs as tshark', () => {
    const ours = FRAMES.map((f) => trawlRow(dissectHex(f, LinkType.ETHERNET), FIELDS));
    expect(ours[0]).toEqual(['DTP', 'Dynamic Trunk Protocol', 'eth:llc:dtp', '1']);
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.ETHERNET, FIELDS));
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.ETHERNET, 0x2004);
  });
});
