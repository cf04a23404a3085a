// Cisco HDLC and SLARP on built frames, against tshark on the same frames.
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { frame, fuzzFrames, ipv4Udp } from '../../support/link-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'frame.encap_type',
  'chdlc.address',
  'chdlc.protocol',
  'slarp.ptype',
  'slarp.mysequence',
  'slarp.yoursequence',
  'slarp.reliability',
  'slarp.address',
  'ip.src',
  'isis.type',
];

const FRAMES = [
  frame('8f 00 80 35 00000002 00000005 00000002 ffff 0078 f0a2 0000'),
  frame('8f 00 80 35 00000002 00000005 00000002 04ff'),
  frame('8f 00 80 35 00000000 0a000001 ffffff00 0000'),
  frame('0f 00 08 00', ipv4Udp()),
  // OSI after the padding byte: an IS-IS point-to-point hello with no TLVs.
  frame('8f 00 fe fe 00 83 14 01 00 11 01 00 00 03 111111111111 001e 0014 00'),
  frame('8f 00 fe fe 00 7f 00'),
  frame('8f 00 fa fe 01 02'),
];

describe('Cisco HDLC', () => {
  it('decodes SLARP, IP and OSI payloads as tshark does', () => {
    const state = new CaptureState();
    const ours = FRAMES.map((f, i) =>
      trawlRow(dissectHex(f, LinkType.CHDLC, { number: i + 1 }, state), FIELDS),
    );
    expect(ours.map((r) => [r[0], r[2]])).toEqual([
      ['SLARP', 'chdlc:slarp'],
      ['SLARP', 'chdlc:slarp'],
      ['SLARP', 'chdlc:slarp'],
      ['UDP', 'chdlc:ip:udp:data'],
      ['ISIS HELLO', 'chdlc:osi:isis:isis.hello'],
      ['ISO', 'chdlc:osi:data'],
      ['0xfafe', 'chdlc:data'],
    ]);
    expect(ours[0]?.[1]).toBe('Line keepalive, outgoing sequence 5, returned sequence 2');
    expect(ours[0]?.[3]).toBe('28');
    const bad = dissectHex(FRAMES[1] ?? '', LinkType.CHDLC);
    expect(bad.value('_ws.expert')).toBe('Expert Info (Error/Malformed): Reliability must be 0xFFFF');
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.CHDLC, FIELDS));
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.CHDLC, 104);
  });
});
