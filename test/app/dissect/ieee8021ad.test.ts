import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { dissectHex } from '../../support/dissect-hex.ts';

// tcpdump__arp-too-long-tha.pcap: 64 of 262144 bytes; an 802.1ad tag, then ARP with 14-byte
// hardware addresses, then 2 bytes of trailer
const TOO_LONG = '30303030303030303030303088a830300806303008000e040001' + '30'.repeat(38);

// Made with text2pcap, decoded by tshark 4.0: 802.1ad inside 802.1ad (S-VID 48, C-VID 118)
const DOUBLE_AD =
  'ffffffffffff00112233445588a8303088a8007612340102030405060708090a0b0c0d0e0f101112131415161718191a1b' +
  '1c1d1e1f202122232425262728';

// The usual Q-in-Q: 802.1ad outside 802.1Q
const AD_THEN_Q =
  'ffffffffffff00112233445588a830308100007612340102030405060708090a0b0c0d0e0f101112131415161718191a1b' +
  '1c1d1e1f202122232425262728';

describe('ieee8021ad', () => {
  it('decodes the outer tag as ieee8021ad, with the trailer after ARP in its subtree', () => {
    const d = dissectHex(TOO_LONG, 1, { origLen: 262144 });
    expect(d.value('frame.protocols')).toBe('eth:ethertype:ieee8021ad:ethertype:arp');
    expect(d.value('ieee8021ad.id')).toBe('48');
    expect(d.value('ieee8021ad.priority')).toBe('1');
    expect(d.value('ieee8021ad.dei')).toBe('1');
    expect(d.value('ieee8021ah.etype')).toBe('0x0806');
    expect(d.nodes('vlan.id')).toHaveLength(0);
    expect(d.value('ieee8021ah.trailer')).toBe('3030');
    const [trailer] = d.nodes('ieee8021ah.trailer');
    expect([trailer?.offset, trailer?.length]).toEqual([62, 2]);
    const [tag] = d.nodes('ieee8021ad');
    expect(tag && nodeLabel(tag)).toBe('IEEE 802.1ad, ID: 48');
    expect((tag?.children ?? []).map((n) => nodeLabel(n))).toEqual([
      '001. .... .... .... = Priority: 1',
      '...1 .... .... .... = DEI: 1',
      '.... 0000 0011 0000 = ID: 48',
      'Type: ARP (0x0806)',
      'Trailer: 3030',
    ]);
    expect(d.pinfo.proto).toBe('ARP');
    expect(d.pinfo.info).toBe('Gratuitous ARP for 48.48.48.48 (Request)');
  });

  it('reads two 802.1ad tags as S-VID and C-VID', () => {
    const d = dissectHex(DOUBLE_AD);
    expect(d.value('frame.protocols')).toBe('eth:ethertype:ieee8021ad:ethertype:data');
    expect(d.value('ieee8021ad.svid')).toBe('48');
    expect(d.value('ieee8021ad.cvid')).toBe('118');
    expect(d.value('ieee8021ah.etype')).toBe('0x1234');
    expect(d.nodes('ieee8021ah.etype')[0]?.offset).toBe(20);
    const [tag] = d.nodes('ieee8021ad');
    expect(tag && nodeLabel(tag)).toBe('IEEE 802.1ad, S-VID: 48, C-VID: 118');
    expect(d.pinfo.info).toBe('PRI: 1  DROP: 1 ID: 48');
  });

  it('hands an inner 802.1Q tag to vlan', () => {
    const d = dissectHex(AD_THEN_Q);
    expect(d.value('frame.protocols')).toBe('eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:data');
    expect(d.value('ieee8021ad.id')).toBe('48');
    expect(d.value('vlan.id')).toBe('118');
    expect(d.pinfo.info).toBe('PRI: 0  DEI: 0  ID: 118');
  });

  it('throws nothing on a cut tag', () => {
    const d = dissectHex(TOO_LONG.slice(0, 2 * 15), 1, { origLen: 262144 });
    expect(d.pinfo.info).toBe('[Packet size limited during capture]');
    expect(d.value('frame.protocols')).toBe('eth:ethertype:ieee8021ad');
  });
});
