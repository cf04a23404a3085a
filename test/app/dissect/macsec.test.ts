// MACsec on built frames: integrity only (the inner ethertype goes on), encrypted (data), and a
// frame too short for a SecTAG and ICV (left to the ethertype layer), against tshark.
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { ethFrame, fuzzFrames, ipv4Udp } from '../../support/link-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = ['_ws.col.Protocol', '_ws.col.Info', 'frame.protocols', 'macsec.PN', 'macsec.SL', 'ip.src'];
const IP = Buffer.from(ipv4Udp()).toString('hex');
const ICV = 'de'.repeat(16);
const FRAMES = [
  ethFrame(0x88e5, `20 00 00000044 2eb73f3995c3 0001 0800 ${IP} ${ICV}`),
  ethFrame(0x88e5, `2c 00 00000048 2eb73f3995c3 0001 ${'5a'.repeat(40)} ${ICV}`),
  ethFrame(0x88e5, `00 00 00000001 0800 ${IP} ${ICV}`),
  ethFrame(0x88e5, '20 00 0000003e'),
];

describe('MACsec', () => {
  it('hands on integrity-only payloads and shows encrypted ones as data, as tshark', () => {
    const ours = FRAMES.map((f) => trawlRow(dissectHex(f, LinkType.ETHERNET), FIELDS));
    expect(ours.map((r) => r[2])).toEqual([
      'eth:ethertype:macsec:ethertype:ip:udp:data',
      'eth:ethertype:macsec:data',
      'eth:ethertype:macsec:ethertype:ip:udp:data',
      'eth:ethertype:data',
    ]);
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.ETHERNET, FIELDS));
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.ETHERNET, 0x88e5);
  });
});
