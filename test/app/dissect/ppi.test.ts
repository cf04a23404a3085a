import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// The other 802.11 capture headers: PPI (192), Prism (119) and AVS (163), each in front of an
// 802.11 ACK; made after their specifications, expected values tshark 4.0.17's.

const ACK = 'd4000000001122334455';
/** PPI with an 802.11-Common field: TSF 123456, 11 Mb/s, 2437 MHz CCK, -40/-90 dBm. */
const PPI = `00002000690000000200140040e2010000000000000016008509a0000000d8a6${ACK}`;
/** Prism, little-endian: host and MAC time, channel 6, RSSI 40, SQ not supplied, rate 11 Mb/s. */
const PRISM =
  '4100000090000000776c616e30000000000000000000000044000100000004' +
  '00e8030000440002000000040040e2010044000300000004000600000044000400000004002800000044000500010004000000000044000600000004003200000044000700000004000a00000044000800000004001600000044000900000004000000000044000a00000004000a000000' +
  ACK;
/** AVS version 1: DSSS '97, channel 6, 11 Mb/s, normalized RSSI. */
const AVS = `8021100100000040000000000001e24000000000000003e800000002000000060000006e000000010000000000000001ffffffd8ffffffa60000000000000001${ACK}`;

describe('802.11 capture headers', () => {
  it('PPI: the 802.11-Common field gives the radio information', () => {
    const d = dissectHex(PPI, 192);
    expect(d.value('frame.protocols')).toBe('ppi:wlan_radio:wlan');
    expect(d.value('frame.encap_type')).toBe('97');
    expect(d.value('ppi.dlt')).toBe('105');
    expect(d.value('ppi.80211-common.rate')).toBe('11000');
    expect(d.value('wlan_radio.phy')).toBe('4');
    expect(d.value('wlan_radio.signal_dbm')).toBe('-40');
    // The airtime counts the FCS the header says was not captured.
    expect(d.value('wlan_radio.duration')).toBe('107');
    expect(d.nodes('ppi').map((n) => nodeLabel(n))).toEqual(['PPI version 0, 32 bytes']);
  });

  it('Prism: the items by DID, and what they say about the radio', () => {
    const d = dissectHex(PRISM, 119);
    expect(d.value('frame.protocols')).toBe('prism:wlan_radio:wlan');
    expect(d.value('prism.devname')).toBe('wlan0');
    expect(d.value('prism.did.rate')).toBe('22');
    expect(d.nodes('prism.did').map((n) => nodeLabel(n))).toEqual([
      'DID Host Time 1000',
      'DID Mac Time 123456',
      'DID Channel 6',
      'DID RSSI 40',
      'DID SQ',
      'DID Signal 0x32',
      'DID Noise 0xa',
      'DID Rate 11.0 Mb/s',
      'DID Is Tx 0x0',
      'DID Frame Length 10',
    ]);
    expect(d.value('wlan_radio.channel')).toBe('6');
    expect(d.value('wlan_radio.duration')).toBe('104');
  });

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

describe.skipIf(!haveTshark)('802.11 capture headers against tshark', () => {
  it.each([
    ['PPI', PPI, 192],
    ['Prism', PRISM, 119],
    ['AVS', AVS, 163],
  ])('%s agrees field for field', (_name, hex, linkType) => {
    const want = tsharkFrameRows([hexToBytes(hex)], linkType, FIELDS);
    expect([trawlRow(dissectHex(hex, linkType), FIELDS)]).toEqual(want);
  });
});
