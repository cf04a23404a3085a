// Solaris IPNET on built frames (IPv4 and IPv6 families), against tshark.
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { frame, fuzzFrames, ipv4Udp } from '../../support/link-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = ['_ws.col.Protocol', 'frame.protocols', 'frame.encap_type', 'ipnet.family', 'ip.src'];
const FRAMES = [
  frame('01 02 0000 00000021 00000002 00000000 ffffffff 00000000', ipv4Udp()),
  frame('01 07 0000 00000021 00000002 00000000 ffffffff 00000000', ipv4Udp()),
];

describe('IPNET', () => {
  it('hands IPv4 on by the address family, as tshark', () => {
    const ours = FRAMES.map((f) => trawlRow(dissectHex(f, LinkType.IPNET), FIELDS));
    expect(ours.map((r) => r.slice(1, 3))).toEqual([
      ['ipnet:ip:udp:data', '124'],
      ['ipnet', '124'],
    ]);
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.IPNET, FIELDS));
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.IPNET, 226);
  });
});
