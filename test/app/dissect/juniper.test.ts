// Juniper Ethernet and ATM1 capture headers on built frames, against tshark.
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { frame, fuzzFrames, ipv4Udp } from '../../support/link-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = ['_ws.col.Protocol', 'frame.protocols', 'frame.encap_type', 'juniper.direction', 'ip.src'];
const ETH = frame('020000000002 020000000001 0800', ipv4Udp());
const FRAMES = [frame('4d474381 0010 0301 01 0601 0e 0102 008c 0404 0000014c', ETH), frame('4d474300', ETH)];

describe('Juniper', () => {
  it('skips the header and its extensions to the Ethernet frame, as tshark', () => {
    const ours = FRAMES.map((f) => trawlRow(dissectHex(f, LinkType.JUNIPER_ETHER), FIELDS));
    expect(ours.map((r) => r.slice(0, 3))).toEqual([
      ['UDP', 'juniper:eth:ethertype:ip:udp:data', '83'],
      ['UDP', 'juniper:eth:ethertype:ip:udp:data', '83'],
    ]);
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.JUNIPER_ETHER, FIELDS));
  });

  it('reads an ATM1 cookie and cell header, cut short as tshark', () => {
    const atm = [frame('4d474330 30303030')];
    const ours = atm.map((f) => trawlRow(dissectHex(f, LinkType.JUNIPER_ATM1, { origLen: 100 }), FIELDS));
    expect(ours[0]?.slice(0, 3)).toEqual(['Juniper ATM1', 'juniper', '67']);
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.JUNIPER_ETHER, 178);
    fuzzFrames(FRAMES, LinkType.JUNIPER_ATM1, 137);
  });
});
