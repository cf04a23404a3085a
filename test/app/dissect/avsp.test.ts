// Arista AVSP timestamp tags on built frames (64- and 48-bit timestamps, VLAN and MPLS inside),
// against tshark.
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { ethFrame, fuzzFrames, ipv4Udp } from '../../support/link-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = ['_ws.col.Protocol', 'frame.protocols', 'ip.src', 'vlan.id'];
const IP = Buffer.from(ipv4Udp()).toString('hex');
const FRAMES = [
  ethFrame(0xd28b, `0001 0010 5cef2a57 384f0cc8 0800 ${IP}`),
  ethFrame(0xd28b, `0001 0020 eda1 384f0cc8 8100 0064 0800 ${IP}`),
  ethFrame(0xd28b, `0001 0110 5cef2a57 384f0cc8 8847 00400140 ${IP}`),
];

describe('AVSP', () => {
  it('skips the timestamp by version and hands on the inner ethertype, as tshark', () => {
    const ours = FRAMES.map((f) => trawlRow(dissectHex(f, LinkType.ETHERNET), FIELDS));
    expect(ours.map((r) => r[1])).toEqual([
      'eth:ethertype:avsp:ethertype:ip:udp:data',
      'eth:ethertype:avsp:ethertype:vlan:ethertype:ip:udp:data',
      'eth:ethertype:avsp:ethertype:mpls:ip:udp:data',
    ]);
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.ETHERNET, FIELDS));
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.ETHERNET, 0xd28b);
  });
});
