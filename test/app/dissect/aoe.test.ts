// ATA over Ethernet on built frames: a request and its response (the command named from the
// request), a config query, an unknown command and version 0, against tshark.
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
  'aoe.cmd',
  'aoe.tag',
  'aoe.ata.cmd',
  'aoe.major',
];

const FRAMES = [
  ethFrame(0x88a2, '10 00 0001 02 00 00000007 40 00 01 24 000000000000 0000'),
  ethFrame(0x88a2, '18 00 0001 02 00 00000007 40 00 01 50 000000000000 0000'),
  ethFrame(0x88a2, '10 00 ffff ff 01 00000000'),
  ethFrame(0x88a2, '18 00 0001 02 03 01010101'),
  ethFrame(0x88a2, '00 00 0001 02 00 00000001'),
];

describe('AoE', () => {
  it('names the ATA command of a response from its request, as tshark', () => {
    const state = new CaptureState();
    const ours = FRAMES.map((f, i) =>
      trawlRow(dissectHex(f, LinkType.ETHERNET, { number: i + 1 }, state), FIELDS),
    );
    expect(ours.map((r) => r[1])).toEqual([
      'Issue ATA Command Request ATA:Read ext',
      'Issue ATA Command Response ATA:Read ext',
      'Query Config Information Request',
      'Unknown command<3> Response',
      '',
    ]);
    expect(ours[0]?.[2]).toBe('eth:ethertype:aoe');
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.ETHERNET, FIELDS));
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.ETHERNET, 0x88a2);
  });
});
