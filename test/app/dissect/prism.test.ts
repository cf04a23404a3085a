import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { ACK, radioHeaderRows } from '../../support/radio-header.ts';
import { haveTshark } from '../../support/tshark-oracle.ts';

// The Prism monitor-mode header (LINKTYPE_PRISM_HEADER, 119) in front of an 802.11 ACK;
// expected values are tshark 4.0.17's.

/** Prism, little-endian: host and MAC time, channel 6, RSSI 40, SQ not supplied, rate 11 Mb/s. */
const PRISM =
  '4100000090000000776c616e30000000000000000000000044000100000004' +
  '00e8030000440002000000040040e2010044000300000004000600000044000400000004002800000044000500010004000000000044000600000004003200000044000700000004000a00000044000800000004001600000044000900000004000000000044000a00000004000a000000' +
  ACK;
describe('prism', () => {
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
});

describe.skipIf(!haveTshark)('prism against tshark', () => {
  it('agrees field for field', () => {
    const { ours, tshark } = radioHeaderRows(PRISM, 119);
    expect(ours).toEqual(tshark);
  });
});
