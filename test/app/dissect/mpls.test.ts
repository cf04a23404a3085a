// MPLS label stacks after Ethernet and in UDP (port 6635), against tshark on the same frames.
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { frame, fuzzFrames, ipv4Udp } from '../../support/link-frames.ts';
import { udpFrame } from '../../support/tcp-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = [
  '_ws.col.Protocol',
  'frame.protocols',
  'mpls.label',
  'mpls.exp',
  'mpls.bottom',
  'mpls.ttl',
  'ip.src',
];

const ETH = '020000000002 020000000001';
const inner = Buffer.from(ipv4Udp()).toString('latin1');
const FRAMES = [
  frame(`${ETH} 8847 00064 0 3f 00065 1 40`, ipv4Udp()),
  frame(`${ETH} 8847 00064 1 40 99`),
  frame(`${ETH} 8847 00064 1 40`),
  udpFrame({ src: 1, dst: 2, sport: 6635, dport: 6635 }, `\x00\x06\x41\x40${inner}`),
];

describe('MPLS', () => {
  it('walks the label stack and hands on the payload by its first nibble, as tshark', () => {
    const state = new CaptureState();
    const ours = FRAMES.map((f, i) =>
      trawlRow(dissectHex(f, LinkType.ETHERNET, { number: i + 1 }, state), FIELDS),
    );
    expect(ours[0]?.slice(1, 6)).toEqual([
      'eth:ethertype:mpls:ip:udp:data',
      '100,101',
      '0,0',
      '0,1',
      '63,64',
    ]);
    expect(ours[1]?.[1]).toBe('eth:ethertype:mpls:data');
    expect(ours[3]?.[1]).toBe('eth:ethertype:ip:udp:mpls:ip:udp:data');
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.ETHERNET, FIELDS));
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.ETHERNET, 8847);
  });
});
