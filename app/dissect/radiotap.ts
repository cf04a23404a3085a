// Radiotap (LINKTYPE_IEEE802_11_RADIOTAP, 127): the little-endian capture header a monitor-mode
// driver puts before each 802.11 frame. A chain of 32-bit "present" bitmaps (bit 31: another word
// follows; bits 29/30: the next word starts the radiotap or a vendor namespace) says which fields
// follow, each aligned to its own natural size from the start of the header. What the fields say
// about the radio goes on to the `wlan_radio` pseudo-layer, then the frame to 802.11.
import { expertInfo } from './dissect.ts';
import { bool, bytes, fields, hex, names, proto, text, uint, FieldType, type FieldSpec } from './field.ts';
import { LinkType } from './link-types.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { NULL_TREE, type Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { dissectWlanRadio, htRate, Phy, VHT_BW_INDEX, vhtRate, type RadioInfo } from './wlan-radio.ts';
import { frequencyText, mhzToChannel } from './wlan-names.ts';

const int8 = (name: string, unit: string): FieldSpec => ({
  name,
  type: FieldType.Int,
  base: 'dec',
  bits: 8,
  unit,
});
const present = (name: string, mask: number): FieldSpec =>
  bool(name, 32, mask, { tf: ['Present', 'Absent'] });
const float = (name: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  type: FieldType.Float,
  ...extra,
});

/** Names of the channel flag bits, in bit order (the Channel flags label lists those set). */
const CHANNEL_FLAGS: readonly (readonly [string, string, number])[] = [
  ['700mhz', '700 MHz spectrum', 0x0001],
  ['800mhz', '800 MHz spectrum', 0x0002],
  ['900mhz', '900 MHz spectrum', 0x0004],
  ['turbo', 'Turbo', 0x0010],
  ['cck', 'Complementary Code Keying (CCK)', 0x0020],
  ['ofdm', 'Orthogonal Frequency-Division Multiplexing (OFDM)', 0x0040],
  ['2ghz', '2 GHz spectrum', 0x0080],
  ['5ghz', '5 GHz spectrum', 0x0100],
  ['passive', 'Passive', 0x0200],
  ['dynamic', 'Dynamic CCK-OFDM', 0x0400],
  ['gfsk', 'Gaussian Frequency Shift Keying (GFSK)', 0x0800],
  ['gsm', 'GSM (900MHz)', 0x1000],
  ['sturbo', 'Static Turbo', 0x2000],
  ['half', 'Half Rate Channel (10MHz Channel Width)', 0x4000],
  ['quarter', 'Quarter Rate Channel (5MHz Channel Width)', 0x8000],
];
/** Channel+ flags: the same bits (its Passive one keeps Wireshark's odd filter name) and the HT ones. */
const XCHANNEL_FLAGS: readonly (readonly [string, string, number])[] = [
  ['xchannel.flags.turbo', 'Turbo', 0x0010],
  ['xchannel.flags.cck', 'Complementary Code Keying (CCK)', 0x0020],
  ['xchannel.flags.ofdm', 'Orthogonal Frequency-Division Multiplexing (OFDM)', 0x0040],
  ['xchannel.flags.2ghz', '2 GHz spectrum', 0x0080],
  ['xchannel.flags.5ghz', '5 GHz spectrum', 0x0100],
  ['channel.xtype.passive', 'Passive', 0x0200],
  ['xchannel.flags.dynamic', 'Dynamic CCK-OFDM', 0x0400],
  ['xchannel.flags.gfsk', 'Gaussian Frequency Shift Keying (GFSK)', 0x0800],
  ['xchannel.flags.gsm', 'GSM (900MHz)', 0x1000],
  ['xchannel.flags.sturbo', 'Static Turbo', 0x2000],
  ['xchannel.flags.half', 'Half Rate Channel (10MHz Channel Width)', 0x4000],
  ['xchannel.flags.quarter', 'Quarter Rate Channel (5MHz Channel Width)', 0x8000],
  ['xchannel.flags.ht20', 'HT Channel (20MHz Channel Width)', 0x10000],
  ['xchannel.flags.ht40u', 'HT Channel (40MHz Channel Width with Extension channel above)', 0x20000],
  ['xchannel.flags.ht40d', 'HT Channel (40MHz Channel Width with Extension channel below)', 0x40000],
];

/** The present bits of the first radiotap word that Wireshark shows, with their filter names. */
const PRESENT_BITS: readonly (readonly [string, string, number])[] = [
  ['tsft', 'TSFT', 0],
  ['flags', 'Flags', 1],
  ['rate', 'Rate', 2],
  ['channel', 'Channel', 3],
  ['fhss', 'FHSS', 4],
  ['dbm_antsignal', 'dBm Antenna Signal', 5],
  ['dbm_antnoise', 'dBm Antenna Noise', 6],
  ['lock_quality', 'Lock Quality', 7],
  ['tx_attenuation', 'TX Attenuation', 8],
  ['db_tx_attenuation', 'dB TX Attenuation', 9],
  ['dbm_tx_power', 'dBm TX Power', 10],
  ['antenna', 'Antenna', 11],
  ['db_antsignal', 'dB Antenna Signal', 12],
  ['db_antnoise', 'dB Antenna Noise', 13],
  ['rxflags', 'RX flags', 14],
  ['txflags', 'TX flags', 15],
  ['data_retries', 'data retries', 17],
  ['xchannel', 'Channel+', 18],
  ['mcs', 'MCS information', 19],
  ['ampdu', 'A-MPDU Status', 20],
  ['vht', 'VHT information', 21],
  ['timestamp', 'frame timestamp', 22],
  ['he', 'HE information', 23],
  ['he_mu', 'HE-MU information', 24],
  ['0_length.psdu', '0 Length PSDU', 26],
  ['l_sig', 'L-SIG', 27],
  ['tlv', 'TLVs', 28],
];

const presentSpecs = Object.fromEntries(
  PRESENT_BITS.map(([key, name, bit]) => [`present.${key}`, present(name, 2 ** bit)]),
);
const channelSpecs = Object.fromEntries(
  CHANNEL_FLAGS.map(([key, name, mask]) => [
    `channel.flags.${key}`,
    bool(name, 16, mask, { tf: ['True', 'False'] }),
  ]),
);
const xchannelSpecs = Object.fromEntries(
  XCHANNEL_FLAGS.map(([key, name, mask]) => [key, bool(name, 24, mask, { tf: ['True', 'False'] })]),
);
const TF: readonly [string, string] = ['True', 'False'];
const flag8 = (name: string, mask: number, tf = TF): FieldSpec => bool(name, 8, mask, { tf });
const flag16 = (name: string, mask: number): FieldSpec => bool(name, 16, mask, { tf: TF });
const flag24 = (name: string, mask: number): FieldSpec => bool(name, 24, mask, { tf: TF });
const known = (name: string, bits: number, mask: number): FieldSpec =>
  bool(name, bits, mask, { tf: ['Present', 'Absent'] });

const MCS_BW = names({ 0: '20 MHz', 1: '40 MHz', 2: '20 MHz lower', 3: '20 MHz upper' });
const VHT_BW = names({
  0: '20 MHz',
  1: '40 MHz',
  2: '20 MHz lower',
  3: '20 MHz upper',
  4: '80 MHz',
  5: '40 MHz lower',
  6: '40 MHz upper',
  7: '20 MHz, channel 1/4',
  8: '20 MHz, channel 2/4',
  9: '20 MHz, channel 3/4',
  10: '20 MHz, channel 4/4',
  11: '160 MHz',
  12: '80 MHz lower',
  13: '80 MHz upper',
  14: '40 MHz, channel 1/4',
  15: '40 MHz, channel 2/4',
  16: '40 MHz, channel 3/4',
  17: '40 MHz, channel 4/4',
  18: '20 MHz, channel 1/8',
  19: '20 MHz, channel 2/8',
  20: '20 MHz, channel 3/8',
  21: '20 MHz, channel 4/8',
  22: '20 MHz, channel 5/8',
  23: '20 MHz, channel 6/8',
  24: '20 MHz, channel 7/8',
  25: '20 MHz, channel 8/8',
});

export const F = fields('radiotap', {
  '': proto('Radiotap Header'),
  version: uint('Header revision', 8),
  pad: uint('Header pad', 8),
  length: uint('Header length', 16),
  present: text('Present flags'),
  'present.word': hex('Present flags word', 32),
  ...presentSpecs,
  'present.rtap_ns': bool('Radiotap NS next', 32, 0x20000000, { tf: TF }),
  'present.vendor_ns': bool('Vendor NS next', 32, 0x40000000, { tf: TF }),
  'present.ext': present('Ext', 0x80000000),
  mactime: { ...uint('MAC timestamp', 64) },
  flags: hex('Flags', 8),
  'flags.cfp': flag8('CFP', 0x01),
  'flags.preamble': flag8('Preamble', 0x02, ['Short', 'Long']),
  'flags.wep': flag8('WEP', 0x04),
  'flags.frag': flag8('Fragmentation', 0x08),
  'flags.fcs': flag8('FCS at end', 0x10),
  'flags.datapad': flag8('Data Pad', 0x20),
  'flags.badfcs': flag8('Bad FCS', 0x40),
  'flags.shortgi': flag8('Short GI', 0x80),
  datarate: float('Data Rate'),
  'channel.freq': uint('Channel frequency', 32),
  'channel.flags': hex('Channel flags', 16),
  ...channelSpecs,
  'fhss.hopset': uint('FHSS Hop Set', 8),
  'fhss.pattern': uint('FHSS Pattern', 8),
  dbm_antsignal: int8('Antenna signal', 'dBm'),
  dbm_antnoise: int8('Antenna noise', 'dBm'),
  quality: uint('Signal Quality', 16),
  txattenuation: uint('TX attenuation', 16),
  db_txattenuation: uint('dB TX attenuation', 16),
  txpower: int8('Transmit power', 'dBm'),
  antenna: uint('Antenna', 32),
  db_antsignal: uint('dB antenna signal', 8, { unit: 'dB' }),
  db_antnoise: uint('dB antenna noise', 8, { unit: 'dB' }),
  rxflags: hex('RX flags', 16),
  'rxflags.badplcp': flag24('Bad PLCP', 0x0002),
  txflags: hex('TX flags', 16),
  'rxflags.fail': flag24('Fail', 0x0001),
  'rxflags.cts': flag24('CTS', 0x0002),
  'rxflags.rts': flag24('RTS/CTS', 0x0004),
  'rxflags.noack': flag24('No ACK', 0x0008),
  'rxflags.noseqno': flag24('Has Seqnum', 0x0010),
  'rxflags.order': flag24('Order', 0x0020),
  data_retries: uint('data retries', 8),
  'xchannel.flags': hex('Channel flags', 32),
  ...xchannelSpecs,
  'xchannel.freq': uint('Channel frequency', 32),
  'xchannel.channel': uint('Channel number', 32),
  mcs: text('MCS information'),
  'mcs.known': hex('Known MCS information', 8),
  'mcs.have_bw': known('Bandwidth', 8, 0x01),
  'mcs.have_index': known('MCS index', 8, 0x02),
  'mcs.have_gi': known('Guard interval', 8, 0x04),
  'mcs.have_format': known('Format', 8, 0x08),
  'mcs.have_fec': known('FEC type', 8, 0x10),
  'mcs.have_stbc': known('STBC streams', 8, 0x20),
  'mcs.have_ness': known('Number of extension spatial streams', 8, 0x40),
  'mcs.ness_bit1': uint('Number of extension spatial streams bit 1', 8, { mask: 0x80 }),
  'mcs.bw': uint('Bandwidth', 8, { mask: 0x03, strings: MCS_BW }),
  'mcs.gi': uint('Guard interval', 8, { mask: 0x04, strings: names({ 0: 'long', 1: 'short' }) }),
  'mcs.format': uint('Format', 8, { mask: 0x08, strings: names({ 0: 'mixed', 1: 'greenfield' }) }),
  'mcs.fec': uint('FEC type', 8, { mask: 0x10, strings: names({ 0: 'BCC', 1: 'LDPC' }) }),
  'mcs.stbc': uint('STBC streams', 8, { mask: 0x60 }),
  'mcs.ness_bit0': uint('Number of extension spatial streams bit 0', 8, { mask: 0x80 }),
  'mcs.index': uint('MCS index', 8),
  ampdu: text('A-MPDU status'),
  'ampdu.reference': uint('A-MPDU reference number', 32),
  'ampdu.flags': hex('A-MPDU flags', 16),
  'ampdu.flags.report_zerolen': flag16('Driver reports 0-length subframes in this A-MPDU', 0x01),
  'ampdu.flags.is_zerolen': flag16('This is a 0-length subframe', 0x02),
  'ampdu.flags.lastknown': flag16('Last subframe of this A-MPDU is known', 0x04),
  'ampdu.flags.last': flag16('This is the last subframe of this A-MPDU', 0x08),
  'ampdu.flags.delim_crc_error': flag16('Delimiter CRC error on this subframe', 0x10),
  'ampdu.flags.eof': flag16('EOF on this subframe', 0x40),
  'ampdu.flags.eof_known': flag16('EOF of this A-MPDU is known', 0x80),
  'ampdu.delim_crc': hex('A-MPDU subframe delimiter CRC', 8),
  vht: text('VHT information'),
  'vht.known': hex('Known VHT information', 8),
  'vht.have_stbc': known('STBC', 16, 0x0001),
  'vht.have_txop_ps': known('TXOP_PS_NOT_ALLOWED', 16, 0x0002),
  'vht.have_gi': known('Guard interval', 16, 0x0004),
  'vht.have_sgi_nsym_da': known('SGI Nsym disambiguation', 16, 0x0008),
  'vht.ldpc_extra': known('LDPC extra OFDM symbol', 16, 0x0010),
  'vht.have_beamformed': known('Beamformed', 16, 0x0020),
  'mcs.have_gid': known('Group ID', 16, 0x0080),
  'mcs.have_paid': known('Partial AID', 16, 0x0100),
  'vht.stbc': flag8('STBC', 0x01, ['On', 'Off']),
  'vht.txop_ps': flag8('TXOP_PS_NOT_ALLOWED', 0x02),
  'vht.gi': uint('Guard interval', 8, { mask: 0x04, strings: names({ 0: 'long', 1: 'short' }) }),
  'vht.sgi_nsym_da': flag8('SGI Nsym disambiguation', 0x08),
  'vht.beamformed': flag8('Beamformed', 0x20),
  'vht.bw': uint('Bandwidth', 8, { strings: VHT_BW }),
  'vht.gid': uint('Group Id', 8),
  'vht.paid': uint('Partial AID', 16),
  vendor_namespace: bytes('Vendor namespace'),
  vendor_oui: uint('Vendor OUI', 24),
  vendor_subns: uint('Vendor sub namespace', 8),
  vendor_data_len: uint('Vendor data length', 16),
  vendor_data: text('Vendor data'),
  'timestamp.ts': uint('timestamp', 64),
});

/** VHT rates of one spatial stream by MCS, bandwidth (20/40/80/160 MHz) and guard interval (long, short). */
const VHT_RATES: readonly (readonly (readonly [number, number])[])[] = [
  [
    [6.5, 7.2],
    [13.5, 15.0],
    [29.3, 32.5],
    [58.5, 65.0],
  ],
  [
    [13.0, 14.4],
    [27.0, 30.0],
    [58.5, 65.0],
    [117.0, 130.0],
  ],
  [
    [19.5, 21.7],
    [40.5, 45.0],
    [87.8, 97.5],
    [175.5, 195.0],
  ],
  [
    [26.0, 28.9],
    [54.0, 60.0],
    [117.0, 130.0],
    [234.0, 260.0],
  ],
  [
    [39.0, 43.3],
    [81.0, 90.0],
    [175.5, 195.0],
    [351.0, 390.0],
  ],
  [
    [52.0, 57.8],
    [108.0, 120.0],
    [234.0, 260.0],
    [468.0, 520.0],
  ],
  [
    [58.5, 65.0],
    [121.5, 135.0],
    [263.3, 292.5],
    [526.5, 585.0],
  ],
  [
    [65.0, 72.2],
    [135.0, 150.0],
    [292.5, 325.0],
    [585.0, 650.0],
  ],
  [
    [78.0, 86.7],
    [162.0, 180.0],
    [351.0, 390.0],
    [702.0, 780.0],
  ],
  [
    [86.7, 96.3],
    [180.0, 200.0],
    [390.0, 433.3],
    [780.0, 866.7],
  ],
];

/** A float field's value as tshark prints it (%g: six significant digits). */
export function floatG(v: number): number {
  return Number(v.toPrecision(6));
}

/** The VHT "bandwidth known" bit, which Wireshark files under the MCS field's filter name. */
const VHT_HAVE_BW = fields('radiotap', { 'mcs.have_bw': known('Bandwidth', 16, 0x0040) });

/** Per VHT user: MCS, NSS, coding and data rate fields (Wireshark numbers them 0 to 3). */
const VHT_USER = [0, 1, 2, 3].map((i) =>
  fields('radiotap.vht', {
    [`mcs.${i}`]: uint(`MCS index ${i}`, 8, { mask: 0xf0 }),
    [`nss.${i}`]: uint(`Spatial streams ${i}`, 8, { mask: 0x0f }),
    [`coding.${i}`]: uint(`Coding ${i}`, 8, { mask: 1 << i, strings: names({ 0: 'BCC', 1: 'LDPC' }) }),
    [`datarate.${i}`]: float(`Data rate (Mb/s) ${i}`, { generated: true }),
  } as Record<string, FieldSpec>),
);
const VHT_USER_NODE = fields('radiotap.vht', { user: text('User') });

/** Alignment and size of each radiotap field, by bit number (bit 28, TLVs, runs to the end). */
const FIELD_LAYOUT: readonly (readonly [number, number] | null)[] = [
  [8, 8], // 0 TSFT
  [1, 1], // 1 Flags
  [1, 1], // 2 Rate
  [2, 4], // 3 Channel
  [2, 2], // 4 FHSS
  [1, 1], // 5 dBm antenna signal
  [1, 1], // 6 dBm antenna noise
  [2, 2], // 7 Lock quality
  [2, 2], // 8 TX attenuation
  [2, 2], // 9 dB TX attenuation
  [1, 1], // 10 dBm TX power
  [1, 1], // 11 Antenna
  [1, 1], // 12 dB antenna signal
  [1, 1], // 13 dB antenna noise
  [2, 2], // 14 RX flags
  [2, 2], // 15 TX flags
  [1, 1], // 16 RTS retries
  [1, 1], // 17 data retries
  [4, 8], // 18 Channel+ (XChannel)
  [1, 3], // 19 MCS
  [4, 8], // 20 A-MPDU status
  [2, 12], // 21 VHT
  [8, 12], // 22 timestamp
  [2, 12], // 23 HE
  [2, 12], // 24 HE-MU
  [2, 6], // 25 HE-MU-other-user
  [1, 1], // 26 0-length PSDU
  [2, 4], // 27 L-SIG
];

const F_RADIOTAP = 0x10;
const F_DATAPAD = 0x20;
const F_BADFCS = 0x40;
const F_SHORTPRE = 0x02;

const CHAN_TURBO = 0x0010;
const CHAN_CCK = 0x0020;
const CHAN_OFDM = 0x0040;
const CHAN_2GHZ = 0x0080;
const CHAN_5GHZ = 0x0100;
const CHAN_DYN = 0x0400;
const CHAN_GFSK = 0x0800;
const CHAN_STURBO = 0x2000;
const CHAN_HALF = 0x4000;
const CHAN_QUARTER = 0x8000;

/** The PHY a channel's flags describe, and what goes with it (Wireshark's reading of them). */
export function phyFromChannel(flags: number, radio: RadioInfo): void {
  switch (
    flags &
    (CHAN_GFSK | CHAN_CCK | CHAN_OFDM | CHAN_DYN | CHAN_2GHZ | CHAN_5GHZ | CHAN_TURBO | CHAN_STURBO)
  ) {
    case CHAN_2GHZ | CHAN_GFSK:
      radio.phy = Phy.FHSS;
      break;
    case CHAN_5GHZ | CHAN_OFDM:
      radio.phy = Phy.A;
      if (flags & (CHAN_HALF | CHAN_QUARTER)) radio.channelType = flags & CHAN_HALF ? 1 : 2;
      radio.turboType = 0;
      break;
    case CHAN_5GHZ | CHAN_OFDM | CHAN_TURBO:
      radio.phy = Phy.A;
      radio.turboType = 2;
      break;
    case CHAN_5GHZ | CHAN_OFDM | CHAN_TURBO | CHAN_STURBO:
      radio.phy = Phy.A;
      radio.turboType = 3;
      break;
    case CHAN_2GHZ | CHAN_CCK:
      radio.phy = Phy.B;
      break;
    case CHAN_2GHZ | CHAN_DYN:
      // Dynamic CCK-OFDM: a DSSS/CCK rate makes it an 802.11b frame.
      if (radio.dataRate !== undefined && [1, 2, 5.5, 11].includes(radio.dataRate)) {
        radio.phy = Phy.B;
        break;
      }
      radio.phy = Phy.G;
      radio.mode = 0;
      break;
    case CHAN_2GHZ | CHAN_OFDM:
      radio.phy = Phy.G;
      radio.mode = 0;
      break;
    case CHAN_2GHZ | CHAN_OFDM | CHAN_TURBO:
    case CHAN_2GHZ | CHAN_DYN | CHAN_TURBO:
      radio.phy = Phy.G;
      radio.mode = 1;
      break;
    default:
      break;
  }
}

/** Adds a flags word as a subtree labelled with the names of the bits set. */
function addNamedFlags(
  tvb: Tvb,
  at: number,
  size: number,
  value: number,
  tree: Tree,
  parent: 'channel.flags' | 'xchannel.flags',
  bits: readonly (readonly [string, string, number])[],
  prefix: string,
): void {
  tree.push(F[parent], tvb, at, size, value);
  if (tree.full) {
    const set = bits.filter(([, , mask]) => (value & mask) !== 0).map(([, name]) => name);
    const digits = size * 2;
    tree.label(
      `Channel flags: 0x${value.toString(16).padStart(digits, '0')}${set.map((s) => `, ${s}`).join('')}`,
    );
  }
  for (const [key, , mask] of bits) {
    const def = (F as Record<string, (typeof F)['flags']>)[`${prefix}${key}`];
    if (def) tree.add(def, tvb, at, size, (value & mask) !== 0);
  }
  tree.pop();
}

function addFlagBits(
  tvb: Tvb,
  at: number,
  size: number,
  value: number,
  tree: Tree,
  keys: readonly string[],
): void {
  for (const key of keys) {
    const def = (F as Record<string, (typeof F)['flags']>)[key];
    if (def) tree.add(def, tvb, at, size, (value & (def.mask ?? 0)) !== 0);
  }
}

/** `%.1f` as C prints it (round half to even on the binary value is close enough here). */
const oneDecimal = (v: number): string => v.toFixed(1);

/** Adds the present words; returns where the fields start. */
function addPresentWords(
  tvb: Tvb,
  o: number,
  words: readonly number[],
  tree: Tree,
): ReturnType<Tree['current']> {
  let first: ReturnType<Tree['current']> = null;
  tree.push(F.present, tvb, o + 4, words.length * 4, 1);
  let radiotapIndex = 0;
  let inRadiotap = true;
  words.forEach((word, i) => {
    const at = o + 4 + 4 * i;
    tree.push(F['present.word'], tvb, at, 4, word);
    if (i === 0) first = tree.current();
    if (inRadiotap && radiotapIndex === 0) {
      for (const [key] of PRESENT_BITS) {
        const def = (F as Record<string, (typeof F)['flags']>)[`present.${key}`];
        if (def) tree.add(def, tvb, at, 4, (word & (def.mask ?? 0)) !== 0);
      }
    }
    tree.add(F['present.rtap_ns'], tvb, at, 4, (word & 0x20000000) !== 0);
    tree.add(F['present.vendor_ns'], tvb, at, 4, (word & 0x40000000) !== 0);
    tree.add(F['present.ext'], tvb, at, 4, (word & 0x80000000) !== 0);
    tree.pop();
    if (word & 0x20000000) {
      inRadiotap = true;
      radiotapIndex = 0;
    } else if (word & 0x40000000) {
      inRadiotap = false;
    } else if (inRadiotap) {
      radiotapIndex++;
    }
  });
  tree.pop();
  return first;
}

/** One radiotap field (bit `bit` of the radiotap namespace) at `at`, `size` bytes. */
function addField(bit: number, tvb: Tvb, at: number, pinfo: PacketInfo, tree: Tree, radio: RadioInfo): void {
  switch (bit) {
    case 0: {
      const tsf = tvb.view.getBigUint64(at, true);
      tree.add(F.mactime, tvb, at, 8, tsf);
      radio.tsf = tsf;
      break;
    }
    case 1: {
      const flags = tvb.u8(at);
      tree.push(F.flags, tvb, at, 1, flags);
      addFlagBits(tvb, at, 1, flags, tree, [
        'flags.cfp',
        'flags.preamble',
        'flags.wep',
        'flags.frag',
        'flags.fcs',
        'flags.datapad',
        'flags.badfcs',
        'flags.shortgi',
      ]);
      tree.pop();
      radio.flags = flags;
      radio.shortPreamble = (flags & F_SHORTPRE) !== 0;
      radio.fcsLen = flags & F_RADIOTAP ? 4 : 0;
      radio.dataPad = (flags & F_DATAPAD) !== 0;
      radio.badFcs = (flags & F_BADFCS) !== 0;
      break;
    }
    case 2: {
      const rate = tvb.u8(at);
      tree.add(F.datarate, tvb, at, 1, rate / 2);
      if (tree.full) tree.labelLast(`Data Rate: ${oneDecimal(rate / 2)} Mb/s`);
      radio.dataRate = rate / 2;
      break;
    }
    case 3: {
      const freq = tvb.u16le(at);
      const flags = tvb.u16le(at + 2);
      tree.add(F['channel.freq'], tvb, at, 2, freq);
      if (tree.full) tree.labelLast(`Channel frequency: ${frequencyText(freq)}`);
      addNamedFlags(tvb, at + 2, 2, flags, tree, 'channel.flags', CHANNEL_FLAGS, 'channel.flags.');
      if (freq !== 0) {
        radio.frequency = freq;
        const chan = mhzToChannel(freq);
        if (chan >= 0) radio.channel = chan;
      }
      phyFromChannel(flags, radio);
      break;
    }
    case 4: {
      tree.add(F['fhss.hopset'], tvb, at, 1, tvb.u8(at));
      tree.add(F['fhss.pattern'], tvb, at + 1, 1, tvb.u8(at + 1));
      radio.hopSet = tvb.u8(at);
      radio.hopPattern = tvb.u8(at + 1);
      radio.phy = Phy.FHSS;
      break;
    }
    case 5: {
      const v = tvb.view.getInt8(at);
      tree.add(F.dbm_antsignal, tvb, at, 1, v);
      radio.signalDbm = v;
      break;
    }
    case 6: {
      const v = tvb.view.getInt8(at);
      tree.add(F.dbm_antnoise, tvb, at, 1, v);
      radio.noiseDbm = v;
      break;
    }
    case 7:
      tree.add(F.quality, tvb, at, 2, tvb.u16le(at));
      break;
    case 8:
      tree.add(F.txattenuation, tvb, at, 2, tvb.u16le(at));
      break;
    case 9:
      tree.add(F.db_txattenuation, tvb, at, 2, tvb.u16le(at));
      break;
    case 10:
      tree.add(F.txpower, tvb, at, 1, tvb.view.getInt8(at));
      break;
    case 11:
      tree.add(F.antenna, tvb, at, 1, tvb.u8(at));
      break;
    case 12: {
      const v = tvb.u8(at);
      tree.add(F.db_antsignal, tvb, at, 1, v);
      radio.signalDb = v;
      break;
    }
    case 13: {
      const v = tvb.u8(at);
      tree.add(F.db_antnoise, tvb, at, 1, v);
      radio.noiseDb = v;
      break;
    }
    case 14: {
      const v = tvb.u16le(at);
      tree.push(F.rxflags, tvb, at, 2, v);
      addFlagBits(tvb, at, 2, v, tree, ['rxflags.badplcp']);
      tree.pop();
      break;
    }
    case 15: {
      const v = tvb.u16le(at);
      tree.push(F.txflags, tvb, at, 2, v);
      addFlagBits(tvb, at, 2, v, tree, [
        'rxflags.fail',
        'rxflags.cts',
        'rxflags.rts',
        'rxflags.noack',
        'rxflags.noseqno',
        'rxflags.order',
      ]);
      tree.pop();
      break;
    }
    case 17:
      tree.add(F.data_retries, tvb, at, 1, tvb.u8(at));
      break;
    case 18:
      addXChannel(tvb, at, tree, radio);
      break;
    case 19:
      addMcs(tvb, at, tree, radio);
      break;
    case 20:
      addAmpdu(tvb, at, tree, radio);
      break;
    case 21:
      addVht(tvb, at, tree, radio);
      break;
    default:
      // Known size, nothing shown (RTS retries, timestamp, HE, L-SIG...).
      void pinfo;
      break;
  }
}

function addXChannel(tvb: Tvb, at: number, tree: Tree, radio: RadioInfo): void {
  const flags = tvb.u32le(at);
  const freq = tvb.u16le(at + 4);
  const channel = tvb.u8(at + 6);
  addNamedFlags(tvb, at, 4, flags, tree, 'xchannel.flags', XCHANNEL_FLAGS, '');
  tree.add(F['xchannel.freq'], tvb, at + 4, 2, freq);
  tree.add(F['xchannel.channel'], tvb, at + 6, 1, channel);
  if (freq !== 0) radio.frequency = freq;
  radio.channel = channel;
}

function addMcs(tvb: Tvb, at: number, tree: Tree, radio: RadioInfo): void {
  const knownBits = tvb.u8(at);
  const flags = tvb.u8(at + 1);
  const index = tvb.u8(at + 2);
  tree.push(F.mcs, tvb, at, 3, 1);
  tree.push(F['mcs.known'], tvb, at, 1, knownBits);
  const KNOWN = [
    ['mcs.have_bw', 'Bandwidth'],
    ['mcs.have_index', 'MCS index'],
    ['mcs.have_gi', 'Guard interval'],
    ['mcs.have_format', 'Format'],
    ['mcs.have_fec', 'FEC type'],
    ['mcs.have_stbc', 'STBC streams'],
    ['mcs.have_ness', 'Number of extension spatial streams'],
  ] as const;
  if (tree.full) {
    const set = KNOWN.filter((_, i) => knownBits & (1 << i)).map(([, n]) => `, ${n}`);
    tree.label(`Known MCS information: 0x${knownBits.toString(16).padStart(2, '0')}${set.join('')}`);
  }
  addFlagBits(
    tvb,
    at,
    1,
    knownBits,
    tree,
    KNOWN.map(([k]) => k),
  );
  tree.pop();
  radio.phy = Phy.N;
  if (knownBits & 0x01) {
    tree.add(F['mcs.bw'], tvb, at + 1, 1, flags & 0x03);
    radio.bandwidth = flags & 0x03;
  }
  if (knownBits & 0x04) {
    tree.add(F['mcs.gi'], tvb, at + 1, 1, (flags >> 2) & 1);
    radio.shortGi = (flags & 0x04) !== 0;
  }
  if (knownBits & 0x08) {
    tree.add(F['mcs.format'], tvb, at + 1, 1, (flags >> 3) & 1);
    radio.greenfield = (flags & 0x08) !== 0;
  }
  if (knownBits & 0x10) {
    tree.add(F['mcs.fec'], tvb, at + 1, 1, (flags >> 4) & 1);
    radio.fec = (flags >> 4) & 1;
  }
  if (knownBits & 0x20) {
    tree.add(F['mcs.stbc'], tvb, at + 1, 1, (flags >> 5) & 3);
    radio.stbcStreams = (flags >> 5) & 3;
  }
  if (knownBits & 0x40) {
    tree.add(F['mcs.ness_bit0'], tvb, at + 1, 1, (flags >> 7) & 1);
    tree.add(F['mcs.ness_bit1'], tvb, at, 1, (knownBits >> 7) & 1);
    radio.ness = ((knownBits >> 7) << 1) | (flags >> 7);
  }
  if (knownBits & 0x02) {
    tree.add(F['mcs.index'], tvb, at + 2, 1, index);
    radio.mcsIndex = index;
  }
  tree.pop();
  const rate = htRate(radio);
  if (rate !== undefined) {
    tree.add(F.datarate, tvb, at, 3, rate, 1);
    if (tree.full) tree.labelLast(`[Data Rate: ${oneDecimal(rate)} Mb/s]`);
  }
}

function addAmpdu(tvb: Tvb, at: number, tree: Tree, radio: RadioInfo): void {
  const ref = tvb.u32le(at);
  const flags = tvb.u16le(at + 4);
  tree.push(F.ampdu, tvb, at, 8, 1);
  tree.add(F['ampdu.reference'], tvb, at, 4, ref);
  tree.push(F['ampdu.flags'], tvb, at + 4, 2, flags);
  addFlagBits(tvb, at + 4, 2, flags, tree, [
    'ampdu.flags.report_zerolen',
    'ampdu.flags.is_zerolen',
    'ampdu.flags.lastknown',
    'ampdu.flags.last',
    'ampdu.flags.delim_crc_error',
    'ampdu.flags.eof',
    'ampdu.flags.eof_known',
  ]);
  tree.pop();
  if (flags & 0x20) tree.add(F['ampdu.delim_crc'], tvb, at + 6, 1, tvb.u8(at + 6));
  tree.pop();
  radio.ampduRef = ref;
}

function addVht(tvb: Tvb, at: number, tree: Tree, radio: RadioInfo): void {
  const knownBits = tvb.u16le(at);
  const flags = tvb.u8(at + 2);
  const bw = tvb.u8(at + 3);
  const coding = tvb.u8(at + 8);
  tree.push(F.vht, tvb, at, 12, 1);
  // Wireshark's item is 8 bits wide over these 2 bytes: it shows the second.
  tree.push(F['vht.known'], tvb, at, 2, knownBits >> 8);
  addFlagBits(tvb, at, 2, knownBits, tree, [
    'vht.have_stbc',
    'vht.have_txop_ps',
    'vht.have_gi',
    'vht.have_sgi_nsym_da',
    'vht.ldpc_extra',
    'vht.have_beamformed',
  ]);
  tree.add(VHT_HAVE_BW['mcs.have_bw'], tvb, at, 2, (knownBits & 0x0040) !== 0);
  addFlagBits(tvb, at, 2, knownBits, tree, ['mcs.have_gid', 'mcs.have_paid']);
  tree.pop();
  radio.phy = Phy.AC;
  if (knownBits & 0x0001) {
    tree.add(F['vht.stbc'], tvb, at + 2, 1, (flags & 0x01) !== 0);
    radio.stbc = (flags & 0x01) !== 0;
  }
  if (knownBits & 0x0002) tree.add(F['vht.txop_ps'], tvb, at + 2, 1, (flags & 0x02) !== 0);
  if (knownBits & 0x0004) {
    tree.add(F['vht.gi'], tvb, at + 2, 1, (flags >> 2) & 1);
    radio.shortGi = (flags & 0x04) !== 0;
  }
  if (knownBits & 0x0008) tree.add(F['vht.sgi_nsym_da'], tvb, at + 2, 1, (flags & 0x08) !== 0);
  if (knownBits & 0x0020) tree.add(F['vht.beamformed'], tvb, at + 2, 1, (flags & 0x20) !== 0);
  if (knownBits & 0x0040) {
    tree.add(F['vht.bw'], tvb, at + 3, 1, bw & 0x1f);
    radio.bandwidth = bw & 0x1f;
  }
  radio.vhtUsers = [];
  for (let i = 0; i < 4; i++) {
    const mn = tvb.u8(at + 4 + i);
    const nss = mn & 0x0f;
    const mcs = mn >> 4;
    if (nss === 0) continue;
    const user = VHT_USER[i] as Record<string, (typeof F)['flags']>;
    tree.push(VHT_USER_NODE.user, tvb, at + 4 + i, 1, 1);
    if (tree.full) tree.label(`User ${i}: MCS ${mcs}`);
    tree.add(user[`mcs.${i}`] as (typeof F)['flags'], tvb, at + 4 + i, 1, mcs);
    tree.add(user[`nss.${i}`] as (typeof F)['flags'], tvb, at + 4 + i, 1, nss);
    tree.add(user[`coding.${i}`] as (typeof F)['flags'], tvb, at + 8, 1, (coding >> i) & 1);
    if (radio.shortGi !== undefined && knownBits & 0x0040) {
      const bwIndex = VHT_BW_INDEX[bw & 0x1f];
      const row = VHT_RATES[mcs];
      const perStream = bwIndex === undefined ? undefined : row?.[bwIndex]?.[radio.shortGi ? 1 : 0];
      if (perStream !== undefined && vhtRate(mcs, bwIndex ?? 0, radio.shortGi, nss) !== undefined) {
        // Wireshark multiplies its table's one-decimal rate, as a float, by the streams.
        const rate = Math.fround(Math.fround(perStream) * nss);
        tree.add(user[`datarate.${i}`] as (typeof F)['flags'], tvb, at + 4 + i, 1, floatG(rate));
        if (tree.full) tree.labelLast(`Data rate: ${rate.toFixed(1)} Mb/s`);
      }
    }
    tree.pop();
    radio.vhtUsers.push({ mcs, nss, fec: (coding >> i) & 1 });
  }
  if (knownBits & 0x0080) tree.add(F['vht.gid'], tvb, at + 9, 1, tvb.u8(at + 9));
  if (knownBits & 0x0100) tree.add(F['vht.paid'], tvb, at + 10, 2, tvb.u16le(at + 10));
  tree.pop();
}

/** Dissects the radiotap header, the radio information it gives, then the 802.11 frame. */
export function dissectRadiotap(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('radiotap');
  pinfo.setProto('WLAN');
  const version = tvb.u8(o);
  const pad = tvb.u8(o + 1);
  const length = tvb.u16le(o + 2);
  const radio: RadioInfo = { phy: Phy.Unknown, fcsLen: 0, dataPad: false };
  const invalid = version !== 0 || length < 8;
  // A first pass without a tree finds whether the fields overrun the header: the title says so.
  let overrun = false;
  if (!invalid && (tree.full || tree.wants(F['']))) {
    try {
      const scratch: RadioInfo = { phy: Phy.Unknown, fcsLen: 0, dataPad: false };
      overrun = parseFields(tvb, o, length, pinfo, NULL_TREE, scratch, true);
    } catch {
      overrun = false;
    }
  }
  const title = `Radiotap Header v${version}, Length ${length}${invalid ? ' (invalid)' : overrun ? ' (malformed)' : ''}`;
  tree.push(F[''], tvb, o, Math.min(length, tvb.remaining(o)), title);
  if (tree.full) tree.label(title);
  tree.add(F.version, tvb, o, 1, version);
  tree.add(F.pad, tvb, o + 1, 1, pad);
  tree.add(F.length, tvb, o + 2, 2, length);
  if (!invalid) parseFields(tvb, o, length, pinfo, tree, radio);
  // Without a channel to say which PHY, a DSSS/CCK rate does.
  if (radio.phy === Phy.Unknown && radio.dataRate !== undefined && [1, 2, 5.5, 11].includes(radio.dataRate))
    radio.phy = Phy.B;
  tree.pop();
  tvb.claim(length);
  const rest = tvb.sub(o + length);
  dissectWlanRadio(rest, pinfo, tree, radio);
  return tvb.remaining(o);
}

function parseFields(
  tvb: Tvb,
  o: number,
  length: number,
  pinfo: PacketInfo,
  tree: Tree,
  radio: RadioInfo,
  scan = false,
): boolean {
  const words: number[] = [];
  let at = o + 4;
  for (;;) {
    const word = tvb.u32le(at);
    words.push(word);
    at += 4;
    if ((word & 0x80000000) === 0) break;
  }
  const firstWord = addPresentWords(tvb, o, words, tree);
  const end = o + length;
  let data = at;
  let inRadiotap = true;
  let radiotapIndex = 0;
  let vendorEnd = -1;
  let broken = false;
  let overrun = false;
  for (const word of words) {
    if (inRadiotap && !broken) {
      for (let bit = 0; bit < 29 && !broken; bit++) {
        if ((word & (1 << bit)) === 0) continue;
        const index = radiotapIndex * 32 + bit;
        if (index === 28) {
          // TLVs run to the end of the header: nothing else can follow.
          broken = true;
          break;
        }
        const layout = FIELD_LAYOUT[index];
        if (!layout) {
          // An unknown field has no known size: the rest of this namespace cannot be read.
          broken = true;
          break;
        }
        const [align, size] = layout;
        const aligned = o + Math.ceil((data - o) / align) * align;
        if (aligned + size > end) {
          // Wireshark notes it under the present word and marks the header malformed.
          tree.reopen(firstWord);
          expertInfo(
            tree,
            tvb,
            o + 4,
            4,
            'Error',
            'Malformed',
            'Radiotap data goes past the end of the radiotap header',
          );
          tree.pop();
          if (!scan) pinfo.malformed = true;
          overrun = true;
          broken = true;
          break;
        }
        tvb.need(aligned, size);
        addField(index, tvb, aligned, pinfo, tree, radio);
        data = aligned + size;
      }
    }
    if (word & 0x20000000) {
      if (vendorEnd >= 0) data = vendorEnd;
      vendorEnd = -1;
      inRadiotap = true;
      radiotapIndex = 0;
    } else if (word & 0x40000000) {
      if (vendorEnd >= 0) data = vendorEnd;
      const aligned = o + Math.ceil((data - o) / 2) * 2;
      if (aligned + 6 > end) break;
      const skip = tvb.u16le(aligned + 4);
      tree.push(F.vendor_namespace, tvb, aligned, 6 + skip);
      tree.add(F.vendor_oui, tvb, aligned, 3, tvb.u24(aligned));
      tree.add(F.vendor_subns, tvb, aligned + 3, 1, tvb.u8(aligned + 3));
      tree.add(F.vendor_data_len, tvb, aligned + 4, 2, skip);
      if (skip > 0 && aligned + 6 + skip <= end) tree.add(F.vendor_data, tvb, aligned + 6, skip, 1);
      tree.pop();
      vendorEnd = aligned + 6 + skip;
      data = aligned + 6;
      inRadiotap = false;
    } else if (inRadiotap) {
      radiotapIndex++;
    }
  }
  return overrun;
}

export const radiotapModule = {
  fields: {
    ...F,
    ...Object.assign(
      {},
      ...VHT_USER.map((u, i) => Object.fromEntries(Object.entries(u).map(([k, v]) => [`u${i}${k}`, v]))),
    ),
    vhtUser: VHT_USER_NODE.user,
    vhtHaveBw: VHT_HAVE_BW['mcs.have_bw'],
  },
  handoff(reg: Registry): void {
    reg.register('linkType', LinkType.IEEE802_11_RADIOTAP, dissectRadiotap);
  },
};
