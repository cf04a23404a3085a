import { describe, expect, it } from 'vitest';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// The AVS WLAN capture header (LINKTYPE_IEEE802_11_AVS, 163) in front of an 802.11 ACK;
// expected values are tshark 4.0.17's.

const ACK = 'd4000000001122334455';
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

const FIELDS = [
  'frame.protocols',
  'frame.encap_type',
  'ppi',
  'ppi.length',
  'ppi.field_type',
  'ppi.80211-common.tsft',
  'ppi.80211-common.rate',
  'ppi.80211-common.chan.freq',
  'ppi.80211-common.dbm.antsignal',
  'prism',
  'prism.msgcode',
  'prism.did.type',
  'prism.did.status',
  'prism.did.rssi',
  'prism.did.rate',
  'wlancap',
  'wlancap.phytype',
  'wlancap.channel',
  'wlancap.data_rate',
  'wlancap.normrssi_antsignal',
  'wlan_radio.phy',
  'wlan_radio.data_rate',
  'wlan_radio.channel',
  'wlan_radio.frequency',
  'wlan_radio.signal_dbm',
  'wlan_radio.duration',
  'wlan.ra',
];

describe.skipIf(!haveTshark)('wlancap against tshark', () => {
  it('agrees field for field', () => {
    const want = tsharkFrameRows([hexToBytes(AVS)], 163, FIELDS);
    expect([trawlRow(dissectHex(AVS, 163), FIELDS)]).toEqual(want);
  });
});
