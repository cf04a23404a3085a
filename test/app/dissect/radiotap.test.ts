import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { expertMessages, haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// Radiotap frames from tcpdump 4.99.3's tests (ieee802.11_exthdr.pcap 1 to 3, ieee802.11_rx-stbc.pcap
// 1, reason_code-5.pcap); expected values are tshark 4.0.17's for them.

const RADIOTAP = 127;

/** Probe request: TSFT, flags (FCS at end), rate, channel, signal, noise, antenna, RX flags; a second present word. */
const PROBE_REQUEST =
  '000059006f480080f70177100000000068d698000000000010026c09a000eaaa01000000000002006c09a000031b68d698000000000001000140334080aa009fff019cffaa000000000000000000000000000000000000000040000000ffffffffffff90a4dec04611ffffffffffff100000046f6d7573010802040b160c12182432043048606c0301012d1ace111bffff00000000000000000000010000000000000000000007ae1c88';
/** The ACK to it, 2258 µs after it ended. */
const ACK =
  '000059006f480080f7017710000000006ae098000000000010026c09a000edaa00000000000002006c09a000031b6ae09800000000003d040043364380aa009fff019cff670000000000000000000000000000000000000000d400000090a4dec0460a2731633c';
/** Probe response, sent: TX power, TX flags and data retries; no Flags field, so no FCS and an assumed short preamble. */
const PROBE_RESPONSE =
  '0000530045840280777f761000000000ddd998000000000002aa1b000000000000026c09a000031bfc060000000000000000000000000043364380aa009fff019cffe10000000000000000000000000000000050003a0190a4dec0461190a4dec0460a90a4dec0460ac06f00000000000000006400010400046f6d7573010882848b960c1218240301012a010432043048606c2d1a0c001bffff0000000000000000000001000000000000000000003d1601001100000000000000000000000000000000000000dd180050f2020101000003a4000027a4000042435e0062322f00';
/** 802.11n: MCS field (40 MHz, short GI, one STBC stream, MCS 7); a CCMP-protected QoS data frame. */
const HT_QOS_DATA =
  '000025002b480800641c00000000000010009e098004cd010000272507000000000000000088422c0068a3c40346da207c8f503f3a207c8f503f3a200100001100002000000000aaaa03000000080045000054bcd2000040013a7cc0a80106c0a8010400003ba3100d000fe3998351000000008b82030000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637b1b6bfc1ebc4a320c6a02c87';
/** Deauthentication with lock quality and dB signal (reason_code-5.pcap). */
const DEAUTH =
  '000018008e58000000026c09a000640000390000feaa65acc0003a01000c4182b255000d9382363a000c4182b255500b0500';

const labels = (d: ReturnType<typeof dissectHex>, abbrev: string): string[] =>
  d.nodes(abbrev).flatMap((n) => (n.children ?? []).map((c) => nodeLabel(c)));

describe('radiotap', () => {
  it('walks the present words and reads each field at its alignment', () => {
    const d = dissectHex(PROBE_REQUEST, RADIOTAP);
    expect(d.value('frame.protocols')).toBe('radiotap:wlan_radio:wlan');
    expect(d.value('frame.encap_type')).toBe('23');
    expect(d.value('radiotap.length')).toBe('89');
    expect(d.value('radiotap.present.word')).toBe('0x8000486f,0x107701f7');
    expect(d.value('radiotap.present.ext')).toBe('1,0');
    expect(d.value('radiotap.mactime')).toBe('10016360');
    expect(d.value('radiotap.flags.fcs')).toBe('1');
    expect(d.value('radiotap.datarate')).toBe('1');
    expect(d.value('radiotap.channel.freq')).toBe('2412');
    expect(d.value('radiotap.channel.flags')).toBe('0x00a0');
    expect(d.value('radiotap.dbm_antsignal')).toBe('-22');
    expect(d.value('radiotap.dbm_antnoise')).toBe('-86');
    expect(d.value('radiotap.antenna')).toBe('1');
    const top = d.nodes('radiotap')[0];
    expect(top && nodeLabel(top)).toBe('Radiotap Header v0, Length 89');
    expect(labels(d, 'radiotap').slice(4)).toEqual([
      'MAC timestamp: 10016360',
      'Flags: 0x10',
      'Data Rate: 1.0 Mb/s',
      'Channel frequency: 2412 [BG 1]',
      'Channel flags: 0x00a0, Complementary Code Keying (CCK), 2 GHz spectrum',
      'Antenna signal: -22 dBm',
      'Antenna noise: -86 dBm',
      'Antenna: 1',
      'RX flags: 0x0000',
    ]);
    // The second word (radiotap namespace, bits 32 to 63) shows only its namespace bits.
    const words = d.nodes('radiotap.present.word');
    expect(words[1]?.children?.map((c) => nodeLabel(c))).toEqual([
      '..0. .... .... .... .... .... .... .... = Radiotap NS next: False',
      '.0.. .... .... .... .... .... .... .... = Vendor NS next: False',
      '0... .... .... .... .... .... .... .... = Ext: Absent',
    ]);
  });

  it('gives the radio information and the airtime from the rate, with the gap since the last frame', () => {
    const state = new CaptureState();
    const first = dissectHex(PROBE_REQUEST, RADIOTAP, { number: 1 }, state);
    expect(labels(first, 'wlan_radio')).toEqual([
      'PHY type: 802.11b (HR/DSSS) (4)',
      'Short preamble: False',
      'Data rate: 1.0 Mb/s',
      'Channel: 1',
      'Frequency: 2412MHz',
      'Signal strength (dBm): -22 dBm',
      'Noise level (dBm): -86 dBm',
      'Signal/noise ratio (dB): 64 dB',
      'TSF timestamp: 10016360',
      '[Duration: 840µs]',
    ]);
    expect(labels(first, 'wlan_radio.duration')).toEqual([
      '[Preamble: 192µs]',
      '[Start: 10015520µs]',
      '[End: 10016360µs]',
    ]);
    const second = dissectHex(ACK, RADIOTAP, { number: 2 }, state);
    expect(second.value('wlan_radio.duration')).toBe('304');
    expect(second.value('wlan_radio.ifs')).toBe('2258');
    expect(second.value('wlan_radio.start_tsf')).toBe('10018618');
    // A later look at frame 2 (the detail pane) shows the same gap.
    expect(dissectHex(ACK, RADIOTAP, { number: 2 }, state).value('wlan_radio.ifs')).toBe('2258');
    const third = dissectHex(PROBE_RESPONSE, RADIOTAP, { number: 3 }, state);
    expect(third.value('wlan_radio.phy')).toBe('4');
    expect(third.value('wlan_radio.preamble')).toBe('96');
    expect(third.value('wlan_radio.ifs')).toBe('-2909');
    expect(third.value('radiotap.txpower')).toBe('27');
    expect(expertMessages(third)).toEqual([
      'No preamble length information was available, assuming short preamble.',
    ]);
    // Without the Flags field there is no FCS: the frame ends with its last element.
    expect(third.value('wlan.fcs')).toBe('');
  });

  it('reads the FCS the Flags field announces', () => {
    const d = dissectHex(PROBE_REQUEST, RADIOTAP);
    expect(d.value('wlan.fcs')).toBe('0x881cae07');
    expect(d.value('wlan.fcs.status')).toBe('2');
    expect(d.pinfo.info).toBe('Probe Request, SN=1, FN=0, Flags=........C, SSID="omus"');
  });

  it('takes 802.11n rates from the MCS field', () => {
    const d = dissectHex(HT_QOS_DATA, RADIOTAP);
    expect(d.value('radiotap.mcs.index')).toBe('7');
    expect(d.value('radiotap.mcs.bw')).toBe('1');
    expect(d.value('radiotap.mcs.gi')).toBe('1');
    expect(d.value('radiotap.mcs.stbc')).toBe('1');
    expect(d.value('radiotap.datarate')).toBe('150');
    expect(d.value('wlan_radio.phy')).toBe('7');
    expect(d.value('wlan_radio.data_rate')).toBe('150');
    expect(d.value('wlan_radio.duration')).toBe('54');
    expect(d.value('frame.protocols')).toBe('radiotap:wlan_radio:wlan:data');
    expect(d.value('wlan.ccmp.extiv')).toBe('0x000000000011');
    expect(d.value('data.len')).toBe('100');
    expect(d.pinfo.info).toBe('QoS Data, SN=18, FN=0, Flags=.p....F.C');
  });

  it('shows lock quality and dB signal', () => {
    const d = dissectHex(DEAUTH, RADIOTAP);
    expect(d.value('radiotap.quality')).toBe('100');
    expect(d.value('radiotap.db_antsignal')).toBe('57');
    expect(d.value('wlan_radio.signal_db')).toBe('57');
    expect(d.value('wlan.fixed.reason_code')).toBe('0x0005');
    expect(d.pinfo.proto).toBe('802.11');
  });

  it('keeps an invalid header to its own bytes and still hands on the frame', () => {
    // A fuzzed header (radiotap-heapoverflow.pcap): version 48, length 8, nothing after it.
    const d = dissectHex('3030080030303030', RADIOTAP, { origLen: 262144 });
    expect(d.nodes('radiotap').map((n) => nodeLabel(n))).toEqual(['Radiotap Header v48, Length 8 (invalid)']);
    expect(d.value('frame.protocols')).toBe('radiotap:wlan_radio:wlan');
    expect(d.pinfo.malformed).toBe(false);
  });

  it('never throws on cut or corrupted headers', () => {
    const full = hexToBytes(PROBE_REQUEST);
    for (let n = 0; n < full.length; n += 3) {
      const d = dissectHex(full.slice(0, n), RADIOTAP, { origLen: full.length });
      expect(d.value('frame.protocols').startsWith('radiotap')).toBe(true);
    }
    for (let i = 0; i < 90; i++) {
      const b = full.slice();
      b[i % 89] = (b[i % 89] ?? 0) ^ 0x5a;
      expect(() => dissectHex(b, RADIOTAP)).not.toThrow();
    }
  });
});

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'radiotap.length',
  'radiotap.present.word',
  'radiotap.mactime',
  'radiotap.flags',
  'radiotap.datarate',
  'radiotap.channel.freq',
  'radiotap.channel.flags',
  'radiotap.dbm_antsignal',
  'radiotap.dbm_antnoise',
  'radiotap.db_antsignal',
  'radiotap.quality',
  'radiotap.txpower',
  'radiotap.txflags',
  'radiotap.data_retries',
  'radiotap.mcs.index',
  'radiotap.mcs.known',
  'wlan_radio.phy',
  'wlan_radio.short_preamble',
  'wlan_radio.data_rate',
  'wlan_radio.channel',
  'wlan_radio.frequency',
  'wlan_radio.signal_dbm',
  'wlan_radio.snr',
  'wlan_radio.11n.mcs_index',
  'wlan_radio.11n.bandwidth',
  'wlan_radio.duration',
  'wlan_radio.preamble',
  'wlan_radio.ifs',
  'wlan_radio.start_tsf',
  'wlan_radio.end_tsf',
  'wlan.fc.type_subtype',
  'wlan.addr',
  'wlan.fcs',
  'wlan.seq',
  '_ws.malformed',
];

describe.skipIf(!haveTshark)('radiotap against tshark', () => {
  it('agrees field for field on a capture of them', () => {
    const frames = [PROBE_REQUEST, ACK, PROBE_RESPONSE, HT_QOS_DATA, DEAUTH].map(hexToBytes);
    const want = tsharkFrameRows(frames, RADIOTAP, FIELDS);
    const state = new CaptureState();
    const got = frames.map((f, i) =>
      trawlRow(dissectHex(f, RADIOTAP, { number: i + 1, tsSec: i }, state), FIELDS),
    );
    expect(got).toEqual(want);
  });
});
