// PPI, the Per-Packet Information header (LINKTYPE_PPI, 192): a little-endian header naming the
// link type that follows, then type-length fields. The 802.11-Common field gives the radio
// information (as radiotap's do) before the 802.11 frame; other fields are named and skipped.
import { dissectData } from './data.ts';
import { dissectEth } from './eth.ts';
import { bool, fields, hex, names, proto, text, uint, FieldType, type FieldSpec } from './field.ts';
import { LinkType } from './link-types.ts';
import type { PacketInfo } from './packet-info.ts';
import { phyFromChannel } from './radiotap.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { dissectWlanRadio, Phy, type RadioInfo } from './wlan-radio.ts';
import { frequencyText, mhzToChannel } from './wlan-names.ts';

const FIELD_TYPES = names({
  2: '802.11-Common',
  3: '802.11n MAC Extensions',
  4: '802.11n MAC+PHY Extensions',
  5: 'Spectrum-Map',
  6: 'Process-Info',
  7: 'Capture-Info',
  8: 'Aggregation Extension',
  9: '802.3 Extension',
  30000: 'Intel Corporation (private)',
  30001: 'Mohamed Thaga (private)',
  30002: 'GPS Tagging',
  30003: 'Vector Tagging',
  30004: 'Sensor tagging',
  30005: 'Antenna Tagging',
  49175: 'FlukeNetworks (private)',
  51918: 'CACE Technologies (private)',
});
const TF: readonly [string, string] = ['True', 'False'];
const int8 = (name: string): FieldSpec => ({ name, type: FieldType.Int, base: 'dec', bits: 8 });

export const F = fields('ppi', {
  '': proto('PPI Packet Header'),
  version: uint('Version', 8),
  flags: hex('Flags', 8),
  'flags.alignment': bool('Alignment', 8, 0x01, { tf: ['32-bit aligned', 'Not aligned'] }),
  'flags.reserved': hex('Reserved', 8, { mask: 0xfe }),
  length: uint('Header length', 16),
  dlt: uint('DLT', 32),
  _field: text('Field'),
  field_type: uint('Field type', 16, { strings: FIELD_TYPES }),
  field_len: uint('Field length', 16),
  '80211-common.tsft': uint('TSFT', 64),
  '80211-common.flags': hex('Flags', 16),
  '80211-common.flags.fcs': bool('FCS present flag', 16, 0x0001, { tf: ['Present', 'Absent'] }),
  '80211-common.flags.tsft': bool('TSFT flag', 16, 0x0002, { tf: ['milliseconds', 'microseconds'] }),
  '80211-common.flags.fcs-invalid': bool('FCS validity', 16, 0x0004, { tf: ['Invalid', 'Valid'] }),
  '80211-common.flags.phy-err': bool('PHY error flag', 16, 0x0008, { tf: ['PHY error', 'No errors'] }),
  '80211-common.rate': uint('Data rate', 16),
  '80211-common.chan.freq': uint('Channel frequency', 16),
  '80211-common.chan.flags': hex('Channel flags', 16),
  '80211-common.chan.flags.turbo': bool('Turbo', 16, 0x0010, { tf: TF }),
  '80211-common.chan.flags.cck': bool('Complementary Code Keying (CCK)', 16, 0x0020, { tf: TF }),
  '80211-common.chan.flags.ofdm': bool('Orthogonal Frequency-Division Multiplexing (OFDM)', 16, 0x0040, {
    tf: TF,
  }),
  '80211-common.chan.flags.2ghz': bool('2 GHz spectrum', 16, 0x0080, { tf: TF }),
  '80211-common.chan.flags.5ghz': bool('5 GHz spectrum', 16, 0x0100, { tf: TF }),
  '80211-common.chan.flags.passive': bool('Passive', 16, 0x0200, { tf: TF }),
  '80211-common.chan.flags.dynamic': bool('Dynamic CCK-OFDM', 16, 0x0400, { tf: TF }),
  '80211-common.chan.flags.gfsk': bool('Gaussian Frequency Shift Keying (GFSK)', 16, 0x0800, { tf: TF }),
  '80211-common.fhss.hopset': hex('FHSS hopset', 8),
  '80211-common.fhss.pattern': hex('FHSS pattern', 8),
  '80211-common.dbm.antsignal': int8('dBm antenna signal'),
  '80211-common.dbm.antnoise': int8('dBm antenna noise'),
  reserved: { name: 'Reserved', type: FieldType.Bytes },
});

const COMMON = 2;
const CHANNEL_FLAG_KEYS = ['turbo', 'cck', 'ofdm', '2ghz', '5ghz', 'passive', 'dynamic', 'gfsk'] as const;

/** The 802.11-Common field (20 bytes): TSF, flags, rate, channel, FHSS, signal and noise. */
function addCommon(tvb: Tvb, at: number, tree: Tree, radio: RadioInfo): void {
  tvb.need(at, 20);
  const tsf = tvb.view.getBigUint64(at, true);
  tree.add(F['80211-common.tsft'], tvb, at, 8, tsf);
  const flags = tvb.u16le(at + 8);
  tree.push(F['80211-common.flags'], tvb, at + 8, 2, flags);
  for (const key of ['fcs', 'tsft', 'fcs-invalid', 'phy-err'] as const) {
    const def = F[`80211-common.flags.${key}`];
    tree.add(def, tvb, at + 8, 2, (flags & (def.mask ?? 0)) !== 0);
  }
  tree.pop();
  // The rate in 500 kb/s units, shown in kb/s.
  const rate = tvb.u16le(at + 10);
  tree.add(F['80211-common.rate'], tvb, at + 10, 2, rate * 500);
  if (tree.full) tree.labelLast(`Rate: ${(rate / 2).toFixed(1)} Mbps`);
  const freq = tvb.u16le(at + 12);
  tree.add(F['80211-common.chan.freq'], tvb, at + 12, 2, freq);
  if (tree.full) tree.labelLast(`Channel frequency: ${frequencyText(freq)}`);
  const chanFlags = tvb.u16le(at + 14);
  tree.push(F['80211-common.chan.flags'], tvb, at + 14, 2, chanFlags);
  for (const key of CHANNEL_FLAG_KEYS) {
    const def = F[`80211-common.chan.flags.${key}`];
    tree.add(def, tvb, at + 14, 2, (chanFlags & (def.mask ?? 0)) !== 0);
  }
  tree.pop();
  tree.add(F['80211-common.fhss.hopset'], tvb, at + 16, 1, tvb.u8(at + 16));
  tree.add(F['80211-common.fhss.pattern'], tvb, at + 17, 1, tvb.u8(at + 17));
  const signal = tvb.view.getInt8(at + 18);
  const noise = tvb.view.getInt8(at + 19);
  tree.add(F['80211-common.dbm.antsignal'], tvb, at + 18, 1, signal);
  tree.add(F['80211-common.dbm.antnoise'], tvb, at + 19, 1, noise);
  // Flags' TSFT bit says milliseconds; the radio layer wants microseconds.
  radio.tsf = flags & 0x0002 ? tsf * 1000n : tsf;
  radio.fcsLen = flags & 0x0001 ? 4 : 0;
  radio.airtimeAddsFcs = (flags & 0x0001) === 0;
  if (rate !== 0) radio.dataRate = rate / 2;
  if (freq !== 0) {
    radio.frequency = freq;
    const chan = mhzToChannel(freq);
    if (chan >= 0) radio.channel = chan;
  }
  phyFromChannel(chanFlags, radio);
  if (signal !== -128) radio.signalDbm = signal;
  if (noise !== -128) radio.noiseDbm = noise;
}

export function dissectPpi(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('ppi');
  pinfo.setProto('PPI');
  const version = tvb.u8(o);
  const flags = tvb.u8(o + 1);
  const length = tvb.u16le(o + 2);
  const dlt = tvb.u32le(o + 4);
  const title = `PPI version ${version}, ${length} bytes`;
  tree.push(F[''], tvb, o, Math.min(length, tvb.remaining(o)), title);
  if (tree.full) tree.label(title);
  tree.add(F.version, tvb, o, 1, version);
  tree.push(F.flags, tvb, o + 1, 1, flags);
  tree.add(F['flags.alignment'], tvb, o + 1, 1, (flags & 1) !== 0);
  tree.add(F['flags.reserved'], tvb, o + 1, 1, flags >> 1);
  tree.pop();
  tree.add(F.length, tvb, o + 2, 2, length);
  tree.add(F.dlt, tvb, o + 4, 4, dlt);
  const radio: RadioInfo = { phy: Phy.Unknown, fcsLen: 0, dataPad: false };
  let at = o + 8;
  const end = o + length;
  while (at + 4 <= end) {
    const type = tvb.u16le(at);
    const len = tvb.u16le(at + 2);
    const name = FIELD_TYPES.get(type) ?? 'Reserved';
    tree.push(F._field, tvb, at, Math.min(4 + len, tvb.remaining(at)));
    if (tree.full) tree.label(name);
    tree.add(F.field_type, tvb, at, 2, type);
    tree.add(F.field_len, tvb, at + 2, 2, len);
    if (type === COMMON && len >= 20) addCommon(tvb, at + 4, tree, radio);
    else if (len > 0 && tvb.has(at + 4, len)) tree.add(F.reserved, tvb, at + 4, len);
    tree.pop();
    at += 4 + len;
    // With the alignment flag, each field starts on a 4-byte boundary.
    if (flags & 1) at = o + Math.ceil((at - o) / 4) * 4;
  }
  tree.pop();
  tvb.claim(length);
  const payload = tvb.sub(o + length);
  if (dlt === LinkType.IEEE802_11) return o + length - o + dissectWlanRadio(payload, pinfo, tree, radio);
  if (dlt === LinkType.ETHERNET) return length + dissectEth(payload, pinfo, tree);
  dissectData(payload, pinfo, tree);
  return tvb.remaining(o);
}

export const ppiModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('linkType', LinkType.PPI, dissectPpi);
  },
};
