// What the 802.11 capture-header tests (PPI, Prism, AVS) compare with tshark: the fields of all
// three headers and of the radio information they give, for one frame in front of an 802.11 ACK.
import { dissectHex, hexToBytes } from './dissect-hex.ts';
import { trawlRow, tsharkFrameRows } from './tshark-oracle.ts';

/** An 802.11 ACK to 00:11:22:33:44:55, the frame behind each header. */
export const ACK = 'd4000000001122334455';

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

/** Trawl's and tshark's rows of those fields for `hex` as a frame of `linkType` (tshark needed). */
export function radioHeaderRows(hex: string, linkType: number): { ours: string[][]; tshark: string[][] } {
  return {
    ours: [trawlRow(dissectHex(hex, linkType), FIELDS)],
    tshark: tsharkFrameRows([hexToBytes(hex)], linkType, FIELDS),
  };
}
