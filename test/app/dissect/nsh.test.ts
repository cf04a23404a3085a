// NSH on built frames: MD type 1 with IPv4 and Ethernet inside, against tshark.
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { ethFrame, fuzzFrames, ipv4Udp } from '../../support/link-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = ['_ws.col.Protocol', 'frame.protocols', 'nsh.spi', 'nsh.si', 'nsh.nextproto', 'ip.src'];
const IP = Buffer.from(ipv4Udp()).toString('hex');
const CONTEXT = '00000001 00000002 00000003 00000004';
const FRAMES = [
  ethFrame(0x894f, `0006 01 01 000309 07 ${CONTEXT} ${IP}`),
  ethFrame(0x894f, `0006 01 03 000309 06 ${CONTEXT} 020000000002 020000000001 0800 ${IP}`),
];

describe('NSH', () => {
  it('hands on the next protocol after the context headers, as tshark', () => {
    const ours = FRAMES.map((f) => trawlRow(dissectHex(f, LinkType.ETHERNET), FIELDS));
    expect(ours.map((r) => r[1])).toEqual([
      'eth:ethertype:nsh:ip:udp:data',
      'eth:ethertype:nsh:eth:ethertype:ip:udp:data',
    ]);
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.ETHERNET, FIELDS));
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.ETHERNET, 0x894f);
  });
});
