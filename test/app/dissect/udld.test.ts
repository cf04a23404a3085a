// UDLD on built frames: device and port TLVs in Info, and a TLV shorter than its header, against
// tshark.
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { ciscoSnapFrame, fuzzFrames } from '../../support/link-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'udld.opcode',
  'udld.tlv.type',
  'udld.tlv.len',
];

const hex = (s: string): string => Buffer.from(s).toString('hex');
const FRAMES = [
  ciscoSnapFrame(0x0111, `21 03 6d85 0001 000f ${hex('FOC1031Z7JG')} 0002 0009 ${hex('Gi0/1')} 0004 0005 07`),
  ciscoSnapFrame(0x0111, `21 01 3956 0001 000f ${hex('FOC1031Z7JG')} 0007 0000 00000008`),
];

describe('UDLD', () => {
  it('shows device and port in Info and stops at a short TLV, as tshark', () => {
    const state = new CaptureState();
    const ours = FRAMES.map((f, i) =>
      trawlRow(dissectHex(f, LinkType.ETHERNET, { number: i + 1 }, state), FIELDS),
    );
    expect(ours.map((r) => r.slice(0, 3))).toEqual([
      ['UDLD', 'Device ID: FOC1031Z7JG  Port ID: Gi0/1  ', 'eth:llc:udld'],
      ['UDLD', 'Device ID: FOC1031Z7JG  ', 'eth:llc:udld:data'],
    ]);
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.ETHERNET, FIELDS));
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.ETHERNET, 0x0111);
  });
});
