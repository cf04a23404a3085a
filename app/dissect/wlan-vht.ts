// 802.11ac elements: VHT Capabilities (191) and VHT Operation (192). Their bit fields, names and
// value strings are tshark 4.0's (`tshark -G fields/values`).
import { applyMask, bool, fields, hex, names, text, uint, FieldType, type FieldDef } from './field.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const VHT_CAPABILITIES_MAXMPDULENGTH = names({
  0: '3 895',
  1: '7 991',
  2: '11 454',
  3: 'Reserved',
});
const VHT_CAPABILITIES_SUPPORTEDCHANWIDTHSET = names({
  0: 'Neither 160MHz nor 80+80 supported',
  1: '160MHz supported',
  2: '160MHz and 80+80 Supported',
  3: 'Reserved',
});
const VHT_CAPABILITIES_RXSTBC = names({
  0: 'None',
  1: '1 Spatial Stream Supported',
  2: '1 to 2 Spatial Stream Supported',
  3: '1 to 3 Spatial Stream Supported',
  4: '1 to 4 Spatial Stream Supported',
  5: 'Reserved',
  6: 'Reserved',
  7: 'Reserved',
});
const VHT_CAPABILITIES_BEAMFORMEE_STS_CAP = names({
  0: '1',
  1: '2',
  2: '3',
  3: '4',
  4: '5',
  5: '6',
  6: '7',
  7: '8',
});
const VHT_CAPABILITIES_MAXAMPDU = names({
  0: '8 191',
  1: '16 383',
  2: '32 767',
  3: '65 535',
  4: '131 071',
  5: '262 143',
  6: '524 287',
  7: '1 048 575',
});
const VHT_CAPABILITIES_LINKADAPT = names({
  0: 'No Feedback',
  1: 'Reserved (logically only solicited feedback)',
  2: 'Unsolicited feedback only',
  3: 'Both (can provide unsolicited feedback and respond to VHT MRQ)',
});
const VHT_MCS_MAP = names({
  0: 'MCS 0-7',
  1: 'MCS 0-8',
  2: 'MCS 0-9',
  3: 'Not Supported',
});
const VHT_OP_CHANNELWIDTH = names({
  0: '20 MHz or 40 MHz BSS Bandwidth',
  1: '80 MHz, 160 MHz or 80+80 MHz BSS Bandwidth',
  2: '160 MHz BSS Bandwidth (deprecated)',
  3: 'Non-contiguous 80+80 MHz BSS Bandwidth (deprecated)',
});
export const VHT = fields('wlan', {
  'vht.capabilities': hex('VHT Capabilities Info', 32),
  'vht.capabilities.maxmpdulength': hex('Maximum MPDU Length', 32, {
    mask: 0x3,
    strings: VHT_CAPABILITIES_MAXMPDULENGTH,
  }),
  'vht.capabilities.supportedchanwidthset': hex('Supported Channel Width Set', 32, {
    mask: 0xc,
    strings: VHT_CAPABILITIES_SUPPORTEDCHANWIDTHSET,
  }),
  'vht.capabilities.rxldpc': bool('Rx LDPC', 32, 0x10, { tf: ['Supported', 'Not supported'] }),
  'vht.capabilities.short80': bool('Short GI for 80MHz/TVHT_MODE_4C', 32, 0x20, {
    tf: ['Supported', 'Not supported'],
  }),
  'vht.capabilities.short160': bool('Short GI for 160MHz and 80+80MHz', 32, 0x40, {
    tf: ['Supported', 'Not supported'],
  }),
  'vht.capabilities.txstbc': bool('Tx STBC', 32, 0x80, { tf: ['Supported', 'Not supported'] }),
  'vht.capabilities.rxstbc': hex('Rx STBC', 32, { mask: 0x700, strings: VHT_CAPABILITIES_RXSTBC }),
  'vht.capabilities.subeamformer': bool('SU Beamformer Capable', 32, 0x800, {
    tf: ['Supported', 'Not supported'],
  }),
  'vht.capabilities.subeamformee': bool('SU Beamformee Capable', 32, 0x1000, {
    tf: ['Supported', 'Not supported'],
  }),
  'vht.capabilities.beamformee_sts_cap': hex('Beamformee STS Capability', 32, {
    mask: 0xe000,
    strings: VHT_CAPABILITIES_BEAMFORMEE_STS_CAP,
  }),
  'vht.capabilities.soundingdimensions': hex('Number of Sounding Dimensions', 32, {
    mask: 0x70000,
    strings: VHT_CAPABILITIES_BEAMFORMEE_STS_CAP,
  }),
  'vht.capabilities.mubeamformer': bool('MU Beamformer Capable', 32, 0x80000, {
    tf: ['Supported', 'Not supported'],
  }),
  'vht.capabilities.mubeamformee': bool('MU Beamformee Capable', 32, 0x100000, {
    tf: ['Supported', 'Not supported'],
  }),
  'vht.capabilities.vhttxopps': bool('TXOP PS', 32, 0x200000, { tf: ['Supported', 'Not supported'] }),
  'vht.capabilities.vhthtc': bool('+HTC-VHT Capable', 32, 0x400000, { tf: ['Supported', 'Not supported'] }),
  'vht.capabilities.maxampdu': hex('Max A-MPDU Length Exponent', 32, {
    mask: 0x3800000,
    strings: VHT_CAPABILITIES_MAXAMPDU,
  }),
  'vht.capabilities.linkadapt': hex('VHT Link Adaptation', 32, {
    mask: 0xc000000,
    strings: VHT_CAPABILITIES_LINKADAPT,
  }),
  'vht.capabilities.rxpatconsist': bool('Rx Antenna Pattern Consistency', 32, 0x10000000, {
    tf: ['Supported', 'Not supported'],
  }),
  'vht.capabilities.txpatconsist': bool('Tx Antenna Pattern Consistency', 32, 0x20000000, {
    tf: ['Supported', 'Not supported'],
  }),
  'vht.capabilities.ext_nss_bw_support': hex('Extended NSS BW Support', 32, { mask: 0xc0000000 }),
  'vht.mcsset': text('VHT Supported MCS Set'),
  'vht.mcsset.rxmcsmap': hex('Rx MCS Map', 16),
  'vht.mcsset.rxmcsmap.ss1': hex('Rx 1 SS', 16, { mask: 0x3, strings: VHT_MCS_MAP }),
  'vht.mcsset.rxmcsmap.ss2': hex('Rx 2 SS', 16, { mask: 0xc, strings: VHT_MCS_MAP }),
  'vht.mcsset.rxmcsmap.ss3': hex('Rx 3 SS', 16, { mask: 0x30, strings: VHT_MCS_MAP }),
  'vht.mcsset.rxmcsmap.ss4': hex('Rx 4 SS', 16, { mask: 0xc0, strings: VHT_MCS_MAP }),
  'vht.mcsset.rxmcsmap.ss5': hex('Rx 5 SS', 16, { mask: 0x300, strings: VHT_MCS_MAP }),
  'vht.mcsset.rxmcsmap.ss6': hex('Rx 6 SS', 16, { mask: 0xc00, strings: VHT_MCS_MAP }),
  'vht.mcsset.rxmcsmap.ss7': hex('Rx 7 SS', 16, { mask: 0x3000, strings: VHT_MCS_MAP }),
  'vht.mcsset.rxmcsmap.ss8': hex('Rx 8 SS', 16, { mask: 0xc000, strings: VHT_MCS_MAP }),
  'vht.mcsset.max_nsts_total': uint('MaX NSTS Total', 16, { mask: 0xe000 }),
  'vht.mcsset.rxhighestlonggirate': hex(
    'Rx Highest Long GI Data Rate (in Mb/s, 0 = subfield not in use)',
    16,
    { mask: 0x1fff },
  ),
  'vht.mcsset.txmcsmap': hex('Tx MCS Map', 16),
  'vht.mcsset.txmcsmap.ss1': hex('Tx 1 SS', 16, { mask: 0x3, strings: VHT_MCS_MAP }),
  'vht.mcsset.txmcsmap.ss2': hex('Tx 2 SS', 16, { mask: 0xc, strings: VHT_MCS_MAP }),
  'vht.mcsset.txmcsmap.ss3': hex('Tx 3 SS', 16, { mask: 0x30, strings: VHT_MCS_MAP }),
  'vht.mcsset.txmcsmap.ss4': hex('Tx 4 SS', 16, { mask: 0xc0, strings: VHT_MCS_MAP }),
  'vht.mcsset.txmcsmap.ss5': hex('Tx 5 SS', 16, { mask: 0x300, strings: VHT_MCS_MAP }),
  'vht.mcsset.txmcsmap.ss6': hex('Tx 6 SS', 16, { mask: 0xc00, strings: VHT_MCS_MAP }),
  'vht.mcsset.txmcsmap.ss7': hex('Tx 7 SS', 16, { mask: 0x3000, strings: VHT_MCS_MAP }),
  'vht.mcsset.txmcsmap.ss8': hex('Tx 8 SS', 16, { mask: 0xc000, strings: VHT_MCS_MAP }),
  'vht.mcsset.txhighestlonggirate': hex(
    'Tx Highest Long GI Data Rate  (in Mb/s, 0 = subfield not in use)',
    16,
    { mask: 0x1fff },
  ),
  'vht.ncsset.ext_nss_bw_cap': bool('Extended NSS BW Capable', 16, 0x2000, {
    tf: ['Capable', 'Not capable'],
  }),
  'vht.ncsset.reserved': hex('Reserved', 16, { mask: 0xc000 }),
  'vht.op': text('VHT Operation Info'),
  'vht.op.channelwidth': uint('Channel Width', 8, { strings: VHT_OP_CHANNELWIDTH }),
  'vht.op.channelcenter0': uint('Channel Center Segment 0', 8),
  'vht.op.channelcenter1': uint('Channel Center Segment 1', 8),
  'vht.op.basicmcsmap': hex('Basic MCS Map', 16),
  'vht.op.basicmcsmap.ss1': hex('Basic 1 SS', 16, { mask: 0x3, strings: VHT_MCS_MAP }),
  'vht.op.basicmcsmap.ss2': hex('Basic 2 SS', 16, { mask: 0xc, strings: VHT_MCS_MAP }),
  'vht.op.basicmcsmap.ss3': hex('Basic 3 SS', 16, { mask: 0x30, strings: VHT_MCS_MAP }),
  'vht.op.basicmcsmap.ss4': hex('Basic 4 SS', 16, { mask: 0xc0, strings: VHT_MCS_MAP }),
  'vht.op.basicmcsmap.ss5': hex('Basic 5 SS', 16, { mask: 0x300, strings: VHT_MCS_MAP }),
  'vht.op.basicmcsmap.ss6': hex('Basic 6 SS', 16, { mask: 0xc00, strings: VHT_MCS_MAP }),
  'vht.op.basicmcsmap.ss7': hex('Basic 7 SS', 16, { mask: 0x3000, strings: VHT_MCS_MAP }),
  'vht.op.basicmcsmap.ss8': hex('Basic 8 SS', 16, { mask: 0xc000, strings: VHT_MCS_MAP }),
});

type VhtKey = keyof typeof VHT;

function addBits(
  tvb: Tvb,
  at: number,
  size: number,
  value: number,
  tree: Tree,
  keys: readonly VhtKey[],
): void {
  for (const key of keys) {
    const def: FieldDef = VHT[key];
    const v = applyMask(def, value);
    tree.add(def, tvb, at, size, def.type === FieldType.Bool ? v !== 0 : v);
  }
}

const ss = <P extends string>(prefix: P): `${P}.ss${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8}`[] =>
  [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `${prefix}.ss${n}` as `${P}.ss${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8}`);

/** An MCS map (2 bits per spatial stream, 16 bits) under its own item. */
function addMcsMap(
  tvb: Tvb,
  at: number,
  tree: Tree,
  map: 'vht.mcsset.rxmcsmap' | 'vht.mcsset.txmcsmap' | 'vht.op.basicmcsmap',
): void {
  const value = tvb.u16le(at);
  tree.push(VHT[map], tvb, at, 2, value);
  addBits(tvb, at, 2, value, tree, ss(map) as VhtKey[]);
  tree.pop();
}

/** VHT Capabilities: the capability bits, then the supported MCS set. */
export function addVhtCapabilities(tvb: Tvb, at: number, tree: Tree): void {
  tvb.need(at, 12);
  const caps = tvb.u32le(at);
  tree.push(VHT['vht.capabilities'], tvb, at, 4, caps);
  addBits(tvb, at, 4, caps, tree, [
    'vht.capabilities.maxmpdulength',
    'vht.capabilities.supportedchanwidthset',
    'vht.capabilities.rxldpc',
    'vht.capabilities.short80',
    'vht.capabilities.short160',
    'vht.capabilities.txstbc',
    'vht.capabilities.rxstbc',
    'vht.capabilities.subeamformer',
    'vht.capabilities.subeamformee',
    'vht.capabilities.beamformee_sts_cap',
    'vht.capabilities.soundingdimensions',
    'vht.capabilities.mubeamformer',
    'vht.capabilities.mubeamformee',
    'vht.capabilities.vhttxopps',
    'vht.capabilities.vhthtc',
    'vht.capabilities.maxampdu',
    'vht.capabilities.linkadapt',
    'vht.capabilities.rxpatconsist',
    'vht.capabilities.txpatconsist',
    'vht.capabilities.ext_nss_bw_support',
  ]);
  tree.pop();
  tree.push(VHT['vht.mcsset'], tvb, at + 4, 8, 1);
  addMcsMap(tvb, at + 4, tree, 'vht.mcsset.rxmcsmap');
  const rxRate = tvb.u16le(at + 6);
  addBits(tvb, at + 6, 2, rxRate, tree, ['vht.mcsset.rxhighestlonggirate', 'vht.mcsset.max_nsts_total']);
  addMcsMap(tvb, at + 8, tree, 'vht.mcsset.txmcsmap');
  const txRate = tvb.u16le(at + 10);
  addBits(tvb, at + 10, 2, txRate, tree, [
    'vht.mcsset.txhighestlonggirate',
    'vht.ncsset.ext_nss_bw_cap',
    'vht.ncsset.reserved',
  ]);
  tree.pop();
}

/** VHT Operation: channel width and centre segments, then the basic MCS map. */
export function addVhtOperation(tvb: Tvb, at: number, tree: Tree): void {
  tvb.need(at, 5);
  tree.push(VHT['vht.op'], tvb, at, 3, 1);
  tree.add(VHT['vht.op.channelwidth'], tvb, at, 1, tvb.u8(at));
  tree.add(VHT['vht.op.channelcenter0'], tvb, at + 1, 1, tvb.u8(at + 1));
  tree.add(VHT['vht.op.channelcenter1'], tvb, at + 2, 1, tvb.u8(at + 2));
  tree.pop();
  addMcsMap(tvb, at + 3, tree, 'vht.op.basicmcsmap');
}
