// 802.11n elements: HT Capabilities (45) and HT Operation, which Wireshark calls HT Information
// (61). Their bit fields, names and value strings are tshark 4.0's (`tshark -G fields/values`).
import { applyMask, bool, fields, hex, names, text, uint, FieldType, type FieldDef } from './field.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const HT_CAPABILITIES_SM = names({
  0: 'Static SM Power Save mode',
  1: 'Dynamic SM Power Save mode',
  2: 'Reserved',
  3: 'SM Power Save disabled',
});
const HT_CAPABILITIES_RXSTBC = names({
  0: 'No Rx STBC support',
  1: 'Rx support of one spatial stream',
  2: 'Rx support of one and two spatial streams',
  3: 'Rx support of one, two, and three spatial streams',
});
const HT_AMPDUPARAM_MPDUDENSITY = names({
  0: 'no restriction',
  1: '1/4 [usec]',
  2: '1/2 [usec]',
  3: '1 [usec]',
  4: '2 [usec]',
  5: '4 [usec]',
  6: '8 [usec]',
  7: '16 [usec]',
});
const HTEX_CAPABILITIES_TRANSTIME = names({
  0: 'No Transition',
  1: '400 usec',
  2: '1.5 msec',
  3: '5 msec',
});
const HTEX_CAPABILITIES_MCS = names({
  0: 'STA does not provide MCS feedback',
  1: 'Reserved',
  2: 'STA provides only unsolicited MCS feedback',
  3: 'STA can provide MCS feedback in response to MRQ as well as unsolicited MCS feedback',
});
const TXBF_CALIBRATION = names({
  0: 'incapable',
  1: 'Limited involvement, cannot initiate',
  2: 'Limited involvement, can initiate',
  3: 'Fully capable',
});
const TXBF_RCSI = names({
  0: 'not supported',
  1: 'delayed feedback capable',
  2: 'immediate feedback capable',
  3: 'delayed and immediate feedback capable',
});
const TXBF_FM_UNCOMPRESSED_RBF = names({
  0: 'not supported',
  1: 'delayed feedback capable',
  2: 'immediate feedback capable',
  3: 'delayed and immediate feedback capable',
});
const TXBF_FM_COMPRESSED_BF = names({
  0: 'not supported',
  1: 'delayed feedback capable',
  2: 'immediate feedback capable',
  3: 'delayed and immediate feedback capable',
});
const TXBF_MINGROUP = names({
  0: 'No grouping supported',
  1: 'Groups of 1, 2 supported',
  2: 'Groups of 1, 4 supported',
  3: 'Groups of 1, 2, 4 supported',
});
const TXBF_CSINUMANT = names({
  0: '1 TX antenna sounding',
  1: '2 TX antenna sounding',
  2: '3 TX antenna sounding',
  3: '4 TX antenna sounding',
});
const TXBF_FM_UNCOMPRESSED_MAXANT = names({
  0: '1 TX antenna sounding',
  1: '2 TX antenna sounding',
  2: '3 TX antenna sounding',
  3: '4 TX antenna sounding',
});
const TXBF_FM_COMPRESSED_MAXANT = names({
  0: '1 TX antenna sounding',
  1: '2 TX antenna sounding',
  2: '3 TX antenna sounding',
  3: '4 TX antenna sounding',
});
const TXBF_CSI_MAXROWS = names({
  0: '1 row of CSI',
  1: '2 rows of CSI',
  2: '3 rows of CSI',
  3: '4 rows of CSI',
});
const TXBF_CHANNELEST = names({
  0: '1 space time stream',
  1: '2 space time streams',
  2: '3 space time streams',
  3: '4 space time streams',
});
const HT_INFO_SECCHANOFFSET = names({
  0: 'No secondary channel',
  1: 'Secondary channel is above the primary channel',
  2: 'Reserved',
  3: 'Secondary channel is below the primary channel',
});
const HT_INFO_HT_PROTECTION = names({
  0: 'No protection mode',
  1: 'HT non-member protection mode',
  2: '20 MHz protection mode',
  3: 'non-HT mixed mode',
});
export const HT = fields('wlan', {
  'ht.capabilities': hex('HT Capabilities Info', 16),
  'ht.capabilities.ldpccoding': bool('HT LDPC coding capability', 16, 0x1, {
    tf: [
      'Transmitter supports receiving LDPC coded packets',
      'Transmitter does not support receiving LDPC coded packets',
    ],
  }),
  'ht.capabilities.width': bool('HT Support channel width', 16, 0x2, {
    tf: ['Transmitter supports 20MHz and 40MHz operation', 'Transmitter only supports 20MHz operation'],
  }),
  'ht.capabilities.sm': hex('HT SM Power Save', 16, { mask: 0xc, strings: HT_CAPABILITIES_SM }),
  'ht.capabilities.green': bool('HT Green Field', 16, 0x10, {
    tf: [
      'Transmitter is able to receive PPDUs with Green Field (GF) preamble',
      'Transmitter is not able to receive PPDUs with Green Field (GF) preamble',
    ],
  }),
  'ht.capabilities.short20': bool('HT Short GI for 20MHz', 16, 0x20, { tf: ['Supported', 'Not supported'] }),
  'ht.capabilities.short40': bool('HT Short GI for 40MHz', 16, 0x40, { tf: ['Supported', 'Not supported'] }),
  'ht.capabilities.txstbc': bool('HT Tx STBC', 16, 0x80, { tf: ['Supported', 'Not supported'] }),
  'ht.capabilities.rxstbc': hex('HT Rx STBC', 16, { mask: 0x300, strings: HT_CAPABILITIES_RXSTBC }),
  'ht.capabilities.delayedblockack': bool('HT Delayed Block ACK', 16, 0x400, {
    tf: ['Transmitter supports HT-Delayed BlockAck', 'Transmitter does not support HT-Delayed BlockAck'],
  }),
  'ht.capabilities.amsdu': bool('HT Max A-MSDU length', 16, 0x800, { tf: ['7935 bytes', '3839 bytes'] }),
  'ht.capabilities.dsscck': bool('HT DSSS/CCK mode in 40MHz', 16, 0x1000, {
    tf: ['Will/Can use DSSS/CCK in 40 MHz', "Won't/Can't use of DSSS/CCK in 40 MHz"],
  }),
  'ht.capabilities.psmp': bool('HT PSMP Support', 16, 0x2000, {
    tf: ['Will/Can support PSMP operation', "Won't/Can't support PSMP operation"],
  }),
  'ht.capabilities.40mhzintolerant': bool('HT Forty MHz Intolerant', 16, 0x4000, {
    tf: [
      'Use of 40 MHz transmissions restricted/disallowed',
      'Use of 40 MHz transmissions unrestricted/allowed',
    ],
  }),
  'ht.capabilities.lsig': bool('HT L-SIG TXOP Protection support', 16, 0x8000, {
    tf: ['Supported', 'Not supported'],
  }),
  'ht.ampduparam': hex('A-MPDU Parameters', 8),
  'ht.ampduparam.maxlength': hex('Maximum Rx A-MPDU Length', 8, { mask: 0x3 }),
  'ht.ampduparam.mpdudensity': hex('MPDU Density', 8, { mask: 0x1c, strings: HT_AMPDUPARAM_MPDUDENSITY }),
  'ht.ampduparam.reserved': hex('Reserved', 8, { mask: 0xe0 }),
  'ht.mcsset': text('Rx Supported Modulation and Coding Scheme Set'),
  'ht.mcsset.rxbitmask': text('Rx Modulation and Coding Scheme (One bit per modulation)'),
  'ht.mcsset.rxbitmask.0to7': hex('Rx Bitmask Bits 0-7', 32, { mask: 0xff }),
  'ht.mcsset.rxbitmask.8to15': hex('Rx Bitmask Bits 8-15', 32, { mask: 0xff00 }),
  'ht.mcsset.rxbitmask.16to23': hex('Rx Bitmask Bits 16-23', 32, { mask: 0xff0000 }),
  'ht.mcsset.rxbitmask.24to31': hex('Rx Bitmask Bits 24-31', 32, { mask: 0xff000000 }),
  'ht.mcsset.rxbitmask.32': hex('Rx Bitmask Bit 32', 32, { mask: 0x1 }),
  'ht.mcsset.rxbitmask.33to38': hex('Rx Bitmask Bits 33-38', 32, { mask: 0x7e }),
  'ht.mcsset.rxbitmask.39to52': hex('Rx Bitmask Bits 39-52', 32, { mask: 0x1fff80 }),
  'ht.mcsset.rxbitmask.53to76': hex('Rx Bitmask Bits 53-76', 32, { mask: 0x1fffffe0 }),
  'ht.mcsset.highestdatarate': hex('Highest Supported Data Rate', 16, { mask: 0x3ff }),
  'ht.mcsset.txsetdefined': bool('Tx Supported MCS Set', 16, 0x1, { tf: ['Defined', 'Not defined'] }),
  'ht.mcsset.txrxmcsnotequal': bool('Tx and Rx MCS Set', 16, 0x2, { tf: ['Not Equal', 'Equal'] }),
  'ht.mcsset.txmaxss': hex('Maximum Number of Tx Spatial Streams Supported', 16, { mask: 0xc }),
  'ht.mcsset.txunequalmod': bool('Unequal Modulation', 16, 0x10, { tf: ['Supported', 'Not supported'] }),
  'htex.capabilities': hex('HT Extended Capabilities', 16),
  'htex.capabilities.pco': bool('Transmitter supports PCO', 16, 0x1, { tf: ['Supported', 'Not supported'] }),
  'htex.capabilities.transtime': hex('Time needed to transition between 20MHz and 40MHz', 16, {
    mask: 0x6,
    strings: HTEX_CAPABILITIES_TRANSTIME,
  }),
  'htex.capabilities.mcs': hex('MCS Feedback capability', 16, {
    mask: 0x300,
    strings: HTEX_CAPABILITIES_MCS,
  }),
  'htex.capabilities.htc': bool('High Throughput', 16, 0x400, { tf: ['Supported', 'Not supported'] }),
  'htex.capabilities.rdresponder': bool('Reverse Direction Responder', 16, 0x800, {
    tf: ['Supported', 'Not supported'],
  }),
  txbf: hex('Transmit Beam Forming (TxBF) Capabilities', 32),
  'txbf.txbf': bool('Transmit Beamforming', 32, 0x1, { tf: ['Supported', 'Not supported'] }),
  'txbf.rxss': bool('Receive Staggered Sounding', 32, 0x2, { tf: ['Supported', 'Not supported'] }),
  'txbf.txss': bool('Transmit Staggered Sounding', 32, 0x4, { tf: ['Supported', 'Not supported'] }),
  'txbf.rxndp': bool('Receive Null Data packet (NDP)', 32, 0x8, { tf: ['Supported', 'Not supported'] }),
  'txbf.txndp': bool('Transmit Null Data packet (NDP)', 32, 0x10, { tf: ['Supported', 'Not supported'] }),
  'txbf.impltxbf': bool('Implicit TxBF capable', 32, 0x20, { tf: ['Supported', 'Not supported'] }),
  'txbf.calibration': hex('Calibration', 32, { mask: 0xc0, strings: TXBF_CALIBRATION }),
  'txbf.csi': bool('STA can apply TxBF using CSI explicit feedback', 32, 0x100, {
    tf: ['Supported', 'Not supported'],
  }),
  'txbf.fm.uncompressed.tbf': bool(
    'STA can apply TxBF using uncompressed beamforming feedback matrix',
    32,
    0x200,
    { tf: ['Supported', 'Not supported'] },
  ),
  'txbf.fm.compressed.tbf': bool(
    'STA can apply TxBF using compressed beamforming feedback matrix',
    32,
    0x400,
    { tf: ['Supported', 'Not supported'] },
  ),
  'txbf.rcsi': hex('Receiver can return explicit CSI feedback', 32, { mask: 0x1800, strings: TXBF_RCSI }),
  'txbf.fm.uncompressed.rbf': hex(
    'Receiver can return explicit uncompressed Beamforming Feedback Matrix',
    32,
    { mask: 0x6000, strings: TXBF_FM_UNCOMPRESSED_RBF },
  ),
  'txbf.fm.compressed.bf': hex('STA can compress and use compressed Beamforming Feedback Matrix', 32, {
    mask: 0x18000,
    strings: TXBF_FM_COMPRESSED_BF,
  }),
  'txbf.mingroup': hex('Minimal grouping used for explicit feedback reports', 32, {
    mask: 0x60000,
    strings: TXBF_MINGROUP,
  }),
  'txbf.csinumant': hex('Max antennae STA can support when CSI feedback required', 32, {
    mask: 0x180000,
    strings: TXBF_CSINUMANT,
  }),
  'txbf.fm.uncompressed.maxant': hex(
    'Max antennae STA can support when uncompressed Beamforming feedback required',
    32,
    { mask: 0x600000, strings: TXBF_FM_UNCOMPRESSED_MAXANT },
  ),
  'txbf.fm.compressed.maxant': hex(
    'Max antennae STA can support when compressed Beamforming feedback required',
    32,
    { mask: 0x1800000, strings: TXBF_FM_COMPRESSED_MAXANT },
  ),
  'txbf.csi.maxrows': hex('Maximum number of rows of CSI explicit feedback', 32, {
    mask: 0x6000000,
    strings: TXBF_CSI_MAXROWS,
  }),
  'txbf.channelest': hex(
    'Maximum number of space time streams for which channel dimensions can be simultaneously estimated',
    32,
    { mask: 0x18000000, strings: TXBF_CHANNELEST },
  ),
  'txbf.reserved': hex('Reserved', 32, { mask: 0xe0000000 }),
  asel: hex('Antenna Selection (ASEL) Capabilities', 8),
  'asel.capable': bool('Antenna Selection Capable', 8, 0x1, { tf: ['Supported', 'Not supported'] }),
  'asel.txcsi': bool('Explicit CSI Feedback Based Tx ASEL', 8, 0x2, { tf: ['Supported', 'Not supported'] }),
  'asel.txif': bool('Antenna Indices Feedback Based Tx ASEL', 8, 0x4, { tf: ['Supported', 'Not supported'] }),
  'asel.csi': bool('Explicit CSI Feedback', 8, 0x8, { tf: ['Supported', 'Not supported'] }),
  'asel.if': bool('Antenna Indices Feedback', 8, 0x10, { tf: ['Supported', 'Not supported'] }),
  'asel.rx': bool('Rx ASEL', 8, 0x20, { tf: ['Supported', 'Not supported'] }),
  'asel.sppdu': bool('Tx Sounding PPDUs', 8, 0x40, { tf: ['Supported', 'Not supported'] }),
  'asel.reserved': hex('Reserved', 8, { mask: 0x80 }),
  'ht.info.delim1': hex('HT Information Subset (1 of 3)', 8),
  'ht.info.primarychannel': uint('Primary Channel', 8),
  'ht.info.secchanoffset': hex('Secondary channel offset', 8, { mask: 0x3, strings: HT_INFO_SECCHANOFFSET }),
  'ht.info.chanwidth': bool('Supported channel width', 8, 0x4, {
    tf: ['Channel of any width supported', '20 MHz channel width only'],
  }),
  'ht.info.rifs': bool('Reduced Interframe Spacing (RIFS)', 8, 0x8, { tf: ['Permitted', 'Prohibited'] }),
  'ht.info.reserved_b4_b7': hex('Reserved', 8, { mask: 0xf0 }),
  'ht.info.delim2': hex('HT Information Subset (2 of 3)', 16),
  'ht.info.ht_protection': hex('HT Protection', 16, { mask: 0x3, strings: HT_INFO_HT_PROTECTION }),
  'ht.info.greenfield': bool('Non-greenfield STAs present', 16, 0x4, {
    tf: [
      'One or more associated STAs are not greenfield capable',
      'All associated STAs are greenfield capable',
    ],
  }),
  'ht.info.reserved_b11': hex('Reserved', 16, { mask: 0x8 }),
  'ht.info.obssnonht': bool('OBSS non-HT STAs present', 16, 0x10, {
    tf: [
      'Use of protection for non-HT STAs by overlapping BSSs is needed',
      'Use of protection for non-HT STAs by overlapping BSSs is not needed',
    ],
  }),
  'ht.info.chan_center_freq_seg_2': uint('Channel Center Frequency Segment 2', 16, { mask: 0x1fe0 }),
  'ht.info.reserved_b21_b23': hex('Reserved', 16, { mask: 0xe000 }),
  'ht.info.delim3': hex('HT Information Subset (3 of 3)', 16),
  'ht.info.reserved_b24_b29': hex('Reserved', 16, { mask: 0x3f }),
  'ht.info.dualbeacon': bool('Dual beacon', 16, 0x40, {
    tf: ['AP transmits a secondary beacon', 'No second beacon is transmitted'],
  }),
  'ht.info.dualcts': bool('Dual Clear To Send (CTS) protection', 16, 0x80, {
    tf: ['Required', 'Not required'],
  }),
  'ht.info.secondarybeacon': bool('Beacon ID', 16, 0x100, { tf: ['STBC beacon', 'Primary beacon'] }),
  'ht.info.lsigprotsupport': bool('L-SIG TXOP Protection Full Support', 16, 0x200, {
    tf: [
      'All HT STAs in the BSS support L-SIG TXOP protection',
      'One or more HT STAs in the BSS do not support L-SIG TXOP protection',
    ],
  }),
  'ht.info.pco.active': bool('Phased Coexistence Operation (PCO)', 16, 0x400, { tf: ['Active', 'Inactive'] }),
  'ht.info.pco.phase': bool('Phased Coexistence Operation (PCO) Phase', 16, 0x800, {
    tf: ['Switch to or continue 40 MHz phase', 'Switch to or continue 20 MHz phase'],
  }),
  'ht.info.reserved_b36_b39': hex('Reserved', 16, { mask: 0xf000 }),
});

type HtKey = keyof typeof HT;

/** Adds `keys` as the bits of `value` (read at `at`, `size` bytes): booleans and masked numbers. */
function addBits(
  tvb: Tvb,
  at: number,
  size: number,
  value: number,
  tree: Tree,
  keys: readonly HtKey[],
): void {
  for (const key of keys) {
    const def: FieldDef = HT[key];
    const v = applyMask(def, value);
    tree.add(def, tvb, at, size, def.type === FieldType.Bool ? v !== 0 : v);
  }
}

const STREAMS = names({
  0: '1 spatial stream',
  1: '2 spatial streams',
  2: '3 spatial streams',
  3: '4 spatial streams',
});

/** The highest Rx bitmask byte (of the first four) with a bit set says how many streams. */
function rxStreams(tvb: Tvb, at: number): string {
  let index = -1;
  for (let i = 0; i < 4; i++) if (tvb.u8(at + i) !== 0) index = i;
  return index < 0 ? 'Reserved:8' : (STREAMS.get(index) ?? '');
}

/** A Supported MCS Set (16 bytes): the Rx bitmask, the highest rate, the Tx fields. */
function addMcsSet(tvb: Tvb, at: number, tree: Tree, what: string): void {
  tvb.need(at, 16);
  tree.push(HT['ht.mcsset'], tvb, at, 16, 1);
  if (tree.full) tree.label(`Rx Supported Modulation and Coding Scheme Set: ${what}`);
  const streams = rxStreams(tvb, at);
  tree.push(HT['ht.mcsset.rxbitmask'], tvb, at, 10, 1);
  if (tree.full) tree.label(`Rx Modulation and Coding Scheme (One bit per modulation): ${streams}`);
  addBits(tvb, at, 4, tvb.u32le(at), tree, [
    'ht.mcsset.rxbitmask.0to7',
    'ht.mcsset.rxbitmask.8to15',
    'ht.mcsset.rxbitmask.16to23',
    'ht.mcsset.rxbitmask.24to31',
  ]);
  addBits(tvb, at + 4, 4, tvb.u32le(at + 4), tree, [
    'ht.mcsset.rxbitmask.32',
    'ht.mcsset.rxbitmask.33to38',
    'ht.mcsset.rxbitmask.39to52',
  ]);
  addBits(tvb, at + 6, 4, tvb.u32le(at + 6), tree, ['ht.mcsset.rxbitmask.53to76']);
  tree.pop();
  addBits(tvb, at + 10, 2, tvb.u16le(at + 10), tree, ['ht.mcsset.highestdatarate']);
  const tx = tvb.u16le(at + 12);
  addBits(tvb, at + 12, 2, tx, tree, ['ht.mcsset.txsetdefined', 'ht.mcsset.txrxmcsnotequal']);
  const maxss = (tx >> 2) & 3;
  tree.add(HT['ht.mcsset.txmaxss'], tvb, at + 12, 2, maxss);
  if (tree.full) {
    const said = tx & 1 ? streams : 'TX MCS Set Not Defined';
    tree.labelLast(
      `.... .... .... ${maxss >> 1}${maxss & 1}.. = Maximum Number of Tx Spatial Streams Supported: 0x${maxss.toString(16)}, ${said}`,
    );
  }
  addBits(tvb, at + 12, 2, tx, tree, ['ht.mcsset.txunequalmod']);
  tree.pop();
}

/** HT Capabilities: capability bits, A-MPDU parameters, MCS set, extended, TxBF and ASEL capabilities. */
export function addHtCapabilities(tvb: Tvb, at: number, tree: Tree): void {
  tvb.need(at, 26);
  const caps = tvb.u16le(at);
  tree.push(HT['ht.capabilities'], tvb, at, 2, caps);
  addBits(tvb, at, 2, caps, tree, [
    'ht.capabilities.ldpccoding',
    'ht.capabilities.width',
    'ht.capabilities.sm',
    'ht.capabilities.green',
    'ht.capabilities.short20',
    'ht.capabilities.short40',
    'ht.capabilities.txstbc',
    'ht.capabilities.rxstbc',
    'ht.capabilities.delayedblockack',
    'ht.capabilities.amsdu',
    'ht.capabilities.dsscck',
    'ht.capabilities.psmp',
    'ht.capabilities.40mhzintolerant',
    'ht.capabilities.lsig',
  ]);
  tree.pop();
  const ampdu = tvb.u8(at + 2);
  tree.push(HT['ht.ampduparam'], tvb, at + 2, 1, ampdu);
  const maxLength = ampdu & 3;
  tree.add(HT['ht.ampduparam.maxlength'], tvb, at + 2, 1, maxLength);
  if (tree.full)
    tree.labelLast(
      `.... ..${maxLength >> 1}${maxLength & 1} = Maximum Rx A-MPDU Length: 0x${maxLength.toString(16)} (${2 ** (13 + maxLength) - 1}[Bytes])`,
    );
  addBits(tvb, at + 2, 1, ampdu, tree, ['ht.ampduparam.mpdudensity', 'ht.ampduparam.reserved']);
  tree.pop();
  addMcsSet(tvb, at + 3, tree, 'MCS Set');
  const ext = tvb.u16le(at + 19);
  tree.push(HT['htex.capabilities'], tvb, at + 19, 2, ext);
  addBits(tvb, at + 19, 2, ext, tree, [
    'htex.capabilities.pco',
    'htex.capabilities.transtime',
    'htex.capabilities.mcs',
    'htex.capabilities.htc',
    'htex.capabilities.rdresponder',
  ]);
  tree.pop();
  const txbf = tvb.u32le(at + 21);
  tree.push(HT.txbf, tvb, at + 21, 4, txbf);
  addBits(tvb, at + 21, 4, txbf, tree, [
    'txbf.txbf',
    'txbf.rxss',
    'txbf.txss',
    'txbf.rxndp',
    'txbf.txndp',
    'txbf.impltxbf',
    'txbf.calibration',
    'txbf.csi',
    'txbf.fm.uncompressed.tbf',
    'txbf.fm.compressed.tbf',
    'txbf.rcsi',
    'txbf.fm.uncompressed.rbf',
    'txbf.fm.compressed.bf',
    'txbf.mingroup',
    'txbf.csinumant',
    'txbf.fm.uncompressed.maxant',
    'txbf.fm.compressed.maxant',
    'txbf.csi.maxrows',
    'txbf.channelest',
    'txbf.reserved',
  ]);
  tree.pop();
  const asel = tvb.u8(at + 25);
  tree.push(HT.asel, tvb, at + 25, 1, asel);
  addBits(tvb, at + 25, 1, asel, tree, [
    'asel.capable',
    'asel.txcsi',
    'asel.txif',
    'asel.csi',
    'asel.if',
    'asel.rx',
    'asel.sppdu',
    'asel.reserved',
  ]);
  tree.pop();
}

/** HT Operation ("HT Information"): primary channel, the three subsets, the basic MCS set. */
export function addHtInformation(tvb: Tvb, at: number, tree: Tree): void {
  tvb.need(at, 22);
  tree.add(HT['ht.info.primarychannel'], tvb, at, 1, tvb.u8(at));
  const d1 = tvb.u8(at + 1);
  tree.push(HT['ht.info.delim1'], tvb, at + 1, 1, d1);
  addBits(tvb, at + 1, 1, d1, tree, [
    'ht.info.secchanoffset',
    'ht.info.chanwidth',
    'ht.info.rifs',
    'ht.info.reserved_b4_b7',
  ]);
  tree.pop();
  const d2 = tvb.u16le(at + 2);
  tree.push(HT['ht.info.delim2'], tvb, at + 2, 2, d2);
  addBits(tvb, at + 2, 2, d2, tree, [
    'ht.info.ht_protection',
    'ht.info.greenfield',
    'ht.info.reserved_b11',
    'ht.info.obssnonht',
    'ht.info.chan_center_freq_seg_2',
    'ht.info.reserved_b21_b23',
  ]);
  tree.pop();
  const d3 = tvb.u16le(at + 4);
  tree.push(HT['ht.info.delim3'], tvb, at + 4, 2, d3);
  addBits(tvb, at + 4, 2, d3, tree, [
    'ht.info.reserved_b24_b29',
    'ht.info.dualbeacon',
    'ht.info.dualcts',
    'ht.info.secondarybeacon',
    'ht.info.lsigprotsupport',
    'ht.info.pco.active',
    'ht.info.pco.phase',
    'ht.info.reserved_b36_b39',
  ]);
  tree.pop();
  addMcsSet(tvb, at + 6, tree, 'Basic MCS Set');
}
