import { describe, expect, it } from 'vitest';
import { dissectHex } from '../../support/dissect-hex.ts';
import { ACK, radioHeaderRows } from '../../support/radio-header.ts';
import { haveTshark } from '../../support/tshark-oracle.ts';

// The AVS WLAN capture header (LINKTYPE_IEEE802_11_AVS, 163) in front of an 802.11 ACK;
// expected values are tshark 4.0.17's.

/** AVS version 1: DSSS '97, channel 6, 11 Mb/s, normalized RSSI. */
const AVS = `8021100100000040000000000001e24000000000000003e800000002000000060000006e000000010000000000000001ffffffd8ffffffa60000000000000001${ACK}`;

describe('wlancap', () => {
  it('AVS: the big-endian header and its PHY type', () => {
    const d = dissectHex(AVS, 163);
    expect(d.value('frame.protocols')).toBe('wlancap:wlan_radio:wlan');
    expect(d.value('wlancap.magic')).toBe('0x08021100');
    expect(d.value('wlancap.data_rate')).toBe('11000000');
    expect(d.value('wlan_radio.phy')).toBe('3');
    expect(d.value('wlan_radio.frequency')).toBe('2437');
  });
});

describe.skipIf(!haveTshark)('wlancap against tshark', () => {
  it('agrees field for field', () => {
    const { ours, tshark } = radioHeaderRows(AVS, 163);
    expect(ours).toEqual(tshark);
  });
});
