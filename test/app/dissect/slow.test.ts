// Slow Protocols and LACP on built frames, against tshark.
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { stateString } from '../../../app/dissect/slow.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { ethFrame, fuzzFrames } from '../../support/link-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'slow.subtype',
  'lacp.actor.key',
  'lacp.partner.port',
  'lacp.actor.state_str',
];

const peer = (type: number, mac: string, key: string, port: string, state: string): string =>
  `0${type} 14 8000 ${mac} ${key} 8000 ${port} ${state} 000000`;
const FRAMES = [
  ethFrame(
    0x8809,
    `01 01 ${peer(1, '000e8316f500', '000d', '0019', '3d')} ${peer(2, '0013c4120f00', '000d', '0016', '3f')} 03 10 0000 ${'00'.repeat(12)} 00 00 ${'00'.repeat(50)}`,
  ),
  ethFrame(0x8809, `02 01 01 10 ${'00'.repeat(40)}`),
];

describe('Slow Protocols', () => {
  it('spells LACP states as tshark', () => {
    expect(stateString(0x3d)).toBe('**DCSG*A');
    const ours = FRAMES.map((f) => trawlRow(dissectHex(f, LinkType.ETHERNET), FIELDS));
    expect(ours[0]?.slice(0, 3)).toEqual([
      'LACP',
      'v1 ACTOR 00:0e:83:16:f5:00 P: 25 K: 13 **DCSG*A PARTNER 00:13:c4:12:0f:00 P: 22 K: 13 **DCSGSA',
      'eth:ethertype:slow:lacp',
    ]);
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.ETHERNET, FIELDS));
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.ETHERNET, 0x8809);
  });
});
