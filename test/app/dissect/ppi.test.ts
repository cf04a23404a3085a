import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { ACK, radioHeaderRows } from '../../support/radio-header.ts';
import { haveTshark } from '../../support/tshark-oracle.ts';

// PPI (LINKTYPE_PPI, 192) in front of an 802.11 ACK, made after the PPI specification; expected
// values are tshark 4.0.17's.

/** PPI with an 802.11-Common field: TSF 123456, 11 Mb/s, 2437 MHz CCK, -40/-90 dBm. */
const PPI = `00002000690000000200140040e2010000000000000016008509a0000000d8a6${ACK}`;
describe('ppi', () => {
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
});

describe.skipIf(!haveTshark)('ppi against tshark', () => {
  it('agrees field for field', () => {
    const { ours, tshark } = radioHeaderRows(PPI, 192);
    expect(ours).toEqual(tshark);
  });
});
