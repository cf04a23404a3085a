// PPP (link types 9 and 50) on built frames: framing, compressed protocol numbers, the network
// protocols and the control protocols, against tshark on the same frames.
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { frame, fuzzFrames, ipv4Udp } from '../../support/link-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'frame.encap_type',
  'ppp.address',
  'ppp.protocol',
  'ppp.code',
  'ppp.identifier',
  'ppp.length',
  'pap.code',
  'mpls.label',
  'mpls.ttl',
  'ip.src',
];

const FRAMES = [
  frame('ff03 0021', ipv4Udp()),
  frame('21', ipv4Udp()),
  frame('ff03 0281 01896140', ipv4Udp()),
  frame('ff03 c021 01 07 000e 0506 12345678 0202'),
  frame('ff03 c021 01 07 000c 0506 12345678 0202'),
  frame('ff03 c023 01 01 000c 03616263 027879'),
  frame('ff03 003d c0000005 0021', ipv4Udp()),
  frame('ff03 c021 09 02 0008 12345678'),
  frame('ff03 8021 03 80 000a 0306 0a000001'),
  frame('ff03 c023 02 01 0005 00'),
  frame('ff03 c023 02 01 0004 94'),
  frame('ff03 003d 80000001 ff'),
  frame('ff03 3030'),
  frame('23 83 14 01 00 11 01 00 00 03 111111111111 001e 0014 00'),
];

describe('PPP', () => {
  it('decodes the framing and the protocols behind it as tshark does', () => {
    const state = new CaptureState();
    const ours = FRAMES.map((f, i) =>
      trawlRow(dissectHex(f, LinkType.PPP, { number: i + 1 }, state), FIELDS),
    );
    expect(ours.map((r) => [r[0], r[2]])).toEqual([
      ['UDP', 'ppp:ip:udp:data'],
      ['UDP', 'ppp:ip:udp:data'],
      ['UDP', 'ppp:mpls:ip:udp:data'],
      ['PPP LCP', 'ppp:lcp'],
      ['PPP LCP', 'ppp:lcp'],
      ['PPP PAP', 'ppp:pap'],
      ['UDP', 'ppp:mp:ip:udp:data'],
      ['PPP LCP', 'ppp:lcp'],
      ['PPP IPCP', 'ppp:ipcp'],
      ['PPP PAP', 'ppp:pap'],
      ['PPP PAP', 'ppp:pap'],
      ['PPP MP', 'ppp:mp'],
      ['0x3030', 'ppp'],
      ['ISIS HELLO', 'ppp:osi:isis:isis.hello'],
    ]);
    expect(ours[2]?.[10]).toBe('6294');
    // Length 14 with 12 bytes: the options run past the end.
    expect(ours[3]?.[1]).toBe('Configuration Request[Malformed Packet]');
    expect(ours[4]?.[1]).toBe('Configuration Request');
    expect(ours[5]?.[1]).toBe("Authenticate-Request (Peer-ID='abc', Password='xy')");
    expect(ours[10]?.[1]).toBe('Authenticate-Ack[Malformed Packet]');
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.PPP, FIELDS));
  });

  it('reads link type 50 (PPP in HDLC framing) the same way', () => {
    const ours = trawlRow(dissectHex(FRAMES[0] ?? '', LinkType.PPP_HDLC), FIELDS);
    expect(ours.slice(2, 4)).toEqual(['ppp:ip:udp:data', '4']);
    if (haveTshark) expect([ours]).toEqual(tsharkFrameRows(FRAMES.slice(0, 1), LinkType.PPP_HDLC, FIELDS));
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.PPP, 9);
  });
});
