// PPPoE discovery and session on built frames, against tshark.
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { ethFrame, fuzzFrames, ipv4Udp } from '../../support/link-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'pppoe.code',
  'pppoe.session_id',
  'ip.src',
];
const IP = Buffer.from(ipv4Udp()).toString('hex');
const FRAMES = [
  ethFrame(0x8863, '11 09 0000 0004 0101 0000'),
  ethFrame(0x8864, '11 00 1234 000a c021 09 01 0008 12345678'),
  ethFrame(0x8864, `11 00 1234 ${(ipv4Udp().length + 2).toString(16).padStart(4, '0')} 0021 ${IP}`),
];

describe('PPPoE', () => {
  it('decodes discovery and hands sessions to PPP, as tshark', () => {
    const ours = FRAMES.map((f) => trawlRow(dissectHex(f, LinkType.ETHERNET), FIELDS));
    expect(ours.map((r) => r.slice(0, 3))).toEqual([
      ['PPPoED', 'Active Discovery Initiation (PADI)', 'eth:ethertype:pppoed'],
      ['PPP LCP', 'Echo Request', 'eth:ethertype:pppoes:ppp:lcp'],
      ['UDP', '1000 → 2000 Len=5', 'eth:ethertype:pppoes:ppp:ip:udp:data'],
    ]);
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.ETHERNET, FIELDS));
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.ETHERNET, 0x8864);
  });
});
