// The "802.11 radio information" pseudo-layer (`wlan_radio`) Wireshark puts between a capture
// header (radiotap...) and the 802.11 frame: the PHY, rate, channel and signal the header gave, and
// the frame's airtime worked out from them, with the gap (IFS) since the previous frame ended.
import { expertInfo } from './dissect.ts';
import { bool, fields, names, proto, uint, FieldType, type FieldSpec } from './field.ts';
import { firstPass } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { dissectWlan } from './wlan.ts';

export const enum Phy {
  Unknown = 0,
  FHSS = 1,
  IR = 2,
  DSSS = 3,
  B = 4,
  A = 5,
  G = 6,
  N = 7,
  AC = 8,
  AD = 9,
  AH = 10,
  AX = 11,
}

/** What a capture header says about the radio (Wireshark's ieee_802_11_phdr). */
export interface RadioInfo {
  phy: Phy;
  /** Bytes of FCS at the end of the frame (0 or 4). */
  fcsLen: number;
  /** Padding between the 802.11 header and the payload to a multiple of 4. */
  dataPad: boolean;
  flags?: number;
  badFcs?: boolean;
  shortPreamble?: boolean;
  /** Mb/s. */
  dataRate?: number;
  channel?: number;
  frequency?: number;
  signalDbm?: number;
  noiseDbm?: number;
  signalDb?: number;
  noiseDb?: number;
  tsf?: bigint;
  hopSet?: number;
  hopPattern?: number;
  channelType?: number;
  turboType?: number;
  mode?: number;
  mcsIndex?: number;
  bandwidth?: number;
  shortGi?: boolean;
  greenfield?: boolean;
  fec?: number;
  stbcStreams?: number;
  ness?: number;
  stbc?: boolean;
  vhtUsers?: { mcs: number; nss: number; fec: number }[];
  ampduRef?: number;
  /**
   * The capture format says the frame has no FCS (PPI does): the airtime counts the 4 bytes the
   * FCS took on the air, as Wireshark's does when the capture's pseudo-header says so.
   */
  airtimeAddsFcs?: boolean;
}

const PHY_NAMES = names({
  1: '802.11 FHSS',
  2: '802.11 IR',
  3: '802.11 DSSS',
  4: '802.11b (HR/DSSS)',
  5: '802.11a (OFDM)',
  6: '802.11g (ERP)',
  7: '802.11n (HT)',
  8: '802.11ac (VHT)',
  9: '802.11ad (DMG)',
  10: '802.11ah (S1G)',
  11: '802.11ax (HE)',
});
const BANDWIDTHS = names({
  0: '20 MHz',
  1: '40 MHz',
  2: '20 MHz + 20 MHz lower',
  3: '20 MHz + 20 MHz upper',
  4: '80 MHz',
  5: '40 MHz + 40 MHz lower',
  6: '40 MHz + 40 MHz upper',
  7: '20 MHz, channel 1/4',
  8: '20 MHz, channel 2/4',
  9: '20 MHz, channel 3/4',
  10: '20 MHz, channel 4/4',
  11: '160 MHz',
  12: '80 MHz + 80 MHz lower',
  13: '80 MHz + 80 MHz upper',
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
const FEC = names({ 0: 'BEC', 1: 'LDPC' });

const u32 = (name: string, extra: Partial<FieldSpec> = {}): FieldSpec => uint(name, 32, extra);
const int = (name: string, bits: number, unit: string): FieldSpec => ({
  name,
  type: FieldType.Int,
  base: 'dec',
  bits,
  unit,
});
const flag = (name: string): FieldSpec => bool(name, 0, 0, { tf: ['True', 'False'] });
const micros = (name: string, bits = 32): FieldSpec => ({
  ...uint(name, bits, { unit: 'µs' }),
  generated: true,
});

export const F = fields('wlan_radio', {
  '': proto('802.11 radio information'),
  phy: u32('PHY type', { strings: PHY_NAMES }),
  'fhss.hop_set': uint('Hop set', 8, { base: 'hex' }),
  'fhss.hop_pattern': uint('Hop pattern', 8, { base: 'hex' }),
  '11a.channel_type': u32('Channel type', {
    strings: names({ 0: 'Normal', 1: 'Half-clocked', 2: 'Quarter-clocked' }),
  }),
  '11a.turbo_type': u32('Turbo type', {
    strings: names({ 0: 'Non-turbo', 1: 'Turbo', 2: 'Dynamic turbo', 3: 'Static turbo' }),
  }),
  '11g.mode': u32('Proprietary mode', { strings: names({ 0: 'None', 1: 'Super G' }) }),
  '11n.mcs_index': u32('MCS index'),
  '11n.bandwidth': u32('Bandwidth', { strings: BANDWIDTHS }),
  '11n.short_gi': flag('Short GI'),
  '11n.greenfield': flag('Greenfield'),
  '11n.fec': u32('FEC', { strings: FEC }),
  '11n.stbc_streams': u32('Number of STBC streams'),
  '11n.ness': u32('Number of extension spatial streams'),
  '11ac.short_gi': flag('Short GI'),
  '11ac.bandwidth': u32('Bandwidth', { strings: BANDWIDTHS }),
  '11ac.stbc': flag('STBC'),
  '11ac.user': { name: 'User', type: FieldType.None },
  '11ac.mcs': u32('MCS index'),
  '11ac.nss': u32('Spatial streams'),
  '11ac.nsts': u32('Space-time streams'),
  '11ac.fec': u32('FEC', { strings: FEC }),
  data_rate: { name: 'Data rate', type: FieldType.Float },
  channel: u32('Channel'),
  frequency: uint('Frequency', 16, { unit: 'MHz' }),
  short_preamble: flag('Short preamble'),
  signal_db: uint('Signal strength (dB)', 8, { unit: 'dB' }),
  signal_dbm: int('Signal strength (dBm)', 8, 'dBm'),
  noise_db: uint('Noise level (dB)', 8, { unit: 'dB' }),
  noise_dbm: int('Noise level (dBm)', 8, 'dBm'),
  snr: int('Signal/noise ratio (dB)', 32, 'dB'),
  timestamp: uint('TSF timestamp', 64),
  duration: micros('Duration'),
  preamble: micros('Preamble'),
  ifs: { ...int('IFS', 64, 'µs'), generated: true },
  start_tsf: micros('Start', 64),
  end_tsf: micros('End', 64),
});

/**
 * What the first pass keeps to show a frame's gap again on a revisit: the end of the frame before
 * it (8 bytes a frame, NaN for none), as its own start and end come from its own header.
 */
interface RadioState {
  /** End of the previous frame that went through this layer (0 when it had no airtime). */
  lastEnd: number | null;
  prevEnds: Float64Array;
}

function recordPrevEnd(state: RadioState, frame: number, value: number): void {
  if (frame >= state.prevEnds.length) {
    const grown = new Float64Array(Math.max(frame + 1, state.prevEnds.length * 2)).fill(Number.NaN);
    grown.set(state.prevEnds);
    state.prevEnds = grown;
  }
  state.prevEnds[frame] = value;
}

const B_RATES = new Set([1, 2, 5.5, 11, 22, 33]);
const A_RATES = new Set([6, 9, 12, 18, 24, 36, 48, 54]);
const HT_STREAMS = [
  1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 1, 2, 2, 2,
  2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
  4, 4, 4, 4, 4,
];
const HT_NES = [
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2,
  2, 2, 2,
];

interface Airtime {
  duration: number;
  preamble: number;
  assumptions: string[];
}

/** The frame's airtime in µs and its preamble, as Wireshark works them out per PHY. */
function airtime(radio: RadioInfo, phy: Phy, rate: number, frameLength: number): Airtime | null {
  const assumptions: string[] = [];
  let p = phy;
  if ((p === Phy.G || p === Phy.Unknown) && B_RATES.has(rate)) p = Phy.B;
  else if (p === Phy.Unknown && A_RATES.has(rate)) p = Phy.A;
  switch (p) {
    case Phy.B: {
      let short = radio.shortPreamble;
      if (short === undefined || !hasShortPreambleInfo(radio, phy)) {
        assumptions.push('No preamble length information was available, assuming short preamble.');
        short = true;
      }
      const preamble = short ? 96 : 192;
      return { duration: Math.ceil(preamble + (frameLength * 8) / rate), preamble, assumptions };
    }
    case Phy.A:
    case Phy.G: {
      const bits = 16 + 8 * frameLength + 6;
      const symbols = Math.ceil(bits / (rate * 4));
      return { duration: 20 + symbols * 4, preamble: 20, assumptions };
    }
    case Phy.N: {
      const mcs = radio.mcsIndex;
      if (mcs === undefined || mcs > 76 || radio.bandwidth === undefined || radio.shortGi === undefined)
        return null;
      let preamble = 32;
      if (radio.greenfield !== undefined) preamble = radio.greenfield ? 24 : 32;
      else assumptions.push('No plcp type information was available, assuming non greenfield.');
      let stbc = 0;
      if (radio.stbcStreams !== undefined) stbc = radio.stbcStreams;
      else assumptions.push('No stbc information was available, assuming no stbc.');
      let ness = 0;
      if (radio.ness !== undefined) {
        ness = radio.ness;
        if (ness >= 4) return null;
      } else
        assumptions.push('No extension stream information was available, assuming no extension streams.');
      const nsts = (HT_STREAMS[mcs] ?? 0) + stbc;
      if (nsts === 0 || nsts > 4) return null;
      preamble += 4 * (([1, 2, 4, 4][nsts - 1] ?? 0) + ([0, 1, 2, 4][ness] ?? 0));
      if (radio.fec === undefined)
        assumptions.push('No fec type information was available, assuming bcc fec.');
      const bits = 8 * frameLength + 16 + (HT_NES[mcs] ?? 1) * 6;
      const mstbc = stbc ? 2 : 1;
      const perSymbol = (HT_DBPS[mcs] ?? 0) * (radio.bandwidth === 1 ? 2 : 1) * mstbc;
      let symbols = Math.floor(bits / perSymbol);
      if (bits % perSymbol > 0) symbols++;
      symbols *= mstbc;
      const data = Math.floor((symbols * (radio.shortGi ? 36 : 40) + 5) / 10);
      return { duration: preamble + data, preamble, assumptions };
    }
    case Phy.AC: {
      if (radio.stbc === undefined) assumptions.push('No stbc information was available, assuming no stbc.');
      const nss = radio.vhtUsers?.[0]?.nss ?? 0;
      const preamble = 32 + 4 * nss * (radio.stbc !== undefined ? (radio.stbc ? 2 : 1) : 1);
      const bits = 8 * frameLength + 16;
      return { duration: preamble + Math.floor(bits / rate), preamble, assumptions };
    }
    default:
      return null;
  }
}

/** Whether the header said which preamble an 11b/11g frame used (its Flags field did). */
function hasShortPreambleInfo(radio: RadioInfo, phy: Phy): boolean {
  return phy === Phy.B && radio.flags !== undefined;
}

const oneDecimal = (v: number): string => v.toFixed(1);

/** HT data bits per symbol at 20 MHz, by MCS index (0 to 76). */
export const HT_DBPS: readonly number[] = [
  26, 52, 78, 104, 156, 208, 234, 260, 52, 104, 156, 208, 312, 416, 468, 520, 78, 156, 234, 312, 468, 624,
  702, 780, 104, 208, 312, 416, 624, 832, 936, 1040, 12, 156, 208, 260, 234, 312, 390, 208, 260, 260, 312,
  364, 364, 416, 312, 390, 390, 468, 546, 546, 624, 260, 312, 364, 312, 364, 416, 468, 416, 468, 520, 520,
  572, 390, 468, 546, 468, 546, 624, 702, 624, 702, 780, 780, 858,
];

/** The HT rate in Mb/s, when the MCS, bandwidth and guard interval are all known. */
export function htRate(radio: RadioInfo): number | undefined {
  if (radio.mcsIndex === undefined || radio.bandwidth === undefined || radio.shortGi === undefined)
    return undefined;
  const dbps = HT_DBPS[radio.mcsIndex];
  if (dbps === undefined) return undefined;
  return Math.fround((dbps * (radio.bandwidth === 1 ? 108 : 52)) / 52.0 / (radio.shortGi ? 3.6 : 4.0));
}

/** VHT data bits per symbol at 20 MHz by MCS (MCS 9 is 1040/3). */
const VHT_DBPS: readonly number[] = [26, 52, 78, 104, 156, 208, 234, 260, 312, 1040 / 3];
export const VHT_BW_INDEX: readonly number[] = [
  0, 1, 0, 0, 2, 1, 1, 0, 0, 0, 0, 3, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0,
];
const SUBCARRIERS: readonly number[] = [52, 108, 234, 468];
/** Bandwidth index and NSS (1-based) pairs with no valid rate for an MCS (802.11ac's exclusions). */
const VHT_INVALID: Readonly<Record<number, readonly (readonly [number, number])[]>> = {
  6: [
    [2, 3],
    [2, 7],
  ],
  9: [
    [0, 1],
    [0, 2],
    [0, 4],
    [0, 5],
    [0, 7],
    [0, 8],
    [2, 6],
    [3, 3],
  ],
};

export function vhtRate(mcs: number, bwIndex: number, shortGi: boolean, nss: number): number | undefined {
  const dbps = VHT_DBPS[mcs];
  const sub = SUBCARRIERS[bwIndex];
  if (dbps === undefined || sub === undefined || nss < 1 || nss > 8) return undefined;
  if (VHT_INVALID[mcs]?.some(([b, n]) => b === bwIndex && n === nss)) return undefined;
  return Math.fround((Math.fround(dbps) * sub) / (shortGi ? 3.6 : 4.0) / 52.0) * nss;
}

/** The radio information, then the 802.11 frame in `tvb`. */
export function dissectWlanRadio(tvb: Tvb, pinfo: PacketInfo, tree: Tree, radio: RadioInfo): number {
  pinfo.layers.push('wlan_radio');
  pinfo.setProto('Radio');
  if (pinfo.wantInfo) pinfo.setInfo('');
  const o = tvb.start;
  // An empty item: -T fields shows its filter name.
  tree.push(F[''], tvb, o, 0, 'wlan_radio');
  const phy = radio.phy;
  let rate = radio.dataRate;
  if (phy !== Phy.Unknown) {
    tree.add(F.phy, tvb, o, 0, phy);
    switch (phy) {
      case Phy.FHSS:
        if (radio.hopSet !== undefined) tree.add(F['fhss.hop_set'], tvb, o, 0, radio.hopSet);
        if (radio.hopPattern !== undefined) tree.add(F['fhss.hop_pattern'], tvb, o, 0, radio.hopPattern);
        break;
      case Phy.B:
        if (radio.flags !== undefined) tree.add(F.short_preamble, tvb, o, 0, radio.shortPreamble === true);
        break;
      case Phy.A:
        if (radio.channelType !== undefined) tree.add(F['11a.channel_type'], tvb, o, 0, radio.channelType);
        if (radio.turboType !== undefined) tree.add(F['11a.turbo_type'], tvb, o, 0, radio.turboType);
        break;
      case Phy.G:
        if (radio.mode !== undefined) tree.add(F['11g.mode'], tvb, o, 0, radio.mode);
        break;
      case Phy.N:
        rate = addHt(tvb, o, tree, radio) ?? (radio.mcsIndex === undefined ? rate : undefined);
        break;
      case Phy.AC:
        rate = addVht(tvb, o, tree, radio);
        break;
      default:
        break;
    }
  }
  if (rate !== undefined) {
    tree.add(F.data_rate, tvb, o, 0, Number(rate.toPrecision(6)));
    if (tree.full) tree.labelLast(`Data rate: ${oneDecimal(rate)} Mb/s`);
  }
  if (radio.channel !== undefined) tree.add(F.channel, tvb, o, 0, radio.channel);
  if (radio.frequency !== undefined) {
    tree.add(F.frequency, tvb, o, 0, radio.frequency);
    if (tree.full) tree.labelLast(`Frequency: ${radio.frequency}MHz`);
  }
  if (radio.signalDb !== undefined) tree.add(F.signal_db, tvb, o, 0, radio.signalDb);
  if (radio.signalDbm !== undefined) tree.add(F.signal_dbm, tvb, o, 0, radio.signalDbm);
  if (radio.noiseDb !== undefined) tree.add(F.noise_db, tvb, o, 0, radio.noiseDb);
  if (radio.noiseDbm !== undefined) tree.add(F.noise_dbm, tvb, o, 0, radio.noiseDbm);
  if (radio.signalDbm !== undefined && radio.noiseDbm !== undefined)
    tree.add(F.snr, tvb, o, 0, radio.signalDbm - radio.noiseDbm);
  if (radio.tsf !== undefined) tree.add(F.timestamp, tvb, o, 0, radio.tsf);
  addDuration(tvb, pinfo, tree, radio, rate);
  tree.pop();
  return dissectWlan(tvb, pinfo, tree, radio.fcsLen, radio.dataPad);
}

function addHt(tvb: Tvb, o: number, tree: Tree, radio: RadioInfo): number | undefined {
  const rate = radio.mcsIndex !== undefined && radio.mcsIndex < 76 ? htRate(radio) : undefined;
  if (radio.mcsIndex !== undefined) tree.add(F['11n.mcs_index'], tvb, o, 0, radio.mcsIndex);
  if (radio.bandwidth !== undefined) tree.add(F['11n.bandwidth'], tvb, o, 0, radio.bandwidth);
  if (radio.shortGi !== undefined) tree.add(F['11n.short_gi'], tvb, o, 0, radio.shortGi);
  if (radio.greenfield !== undefined) tree.add(F['11n.greenfield'], tvb, o, 0, radio.greenfield);
  if (radio.fec !== undefined) tree.add(F['11n.fec'], tvb, o, 0, radio.fec);
  if (radio.stbcStreams !== undefined) tree.add(F['11n.stbc_streams'], tvb, o, 0, radio.stbcStreams);
  if (radio.ness !== undefined) tree.add(F['11n.ness'], tvb, o, 0, radio.ness);
  return rate;
}

function addVht(tvb: Tvb, o: number, tree: Tree, radio: RadioInfo): number | undefined {
  let rate: number | undefined;
  if (radio.shortGi !== undefined) tree.add(F['11ac.short_gi'], tvb, o, 0, radio.shortGi);
  if (radio.bandwidth !== undefined) tree.add(F['11ac.bandwidth'], tvb, o, 0, radio.bandwidth);
  if (radio.stbc !== undefined) tree.add(F['11ac.stbc'], tvb, o, 0, radio.stbc);
  const bwIndex = radio.bandwidth === undefined ? undefined : VHT_BW_INDEX[radio.bandwidth];
  (radio.vhtUsers ?? []).forEach((u, i) => {
    tree.push(F['11ac.user'], tvb, o, 0, 1);
    if (tree.full) tree.label(`User ${i}: MCS ${u.mcs}`);
    tree.add(F['11ac.mcs'], tvb, o, 0, u.mcs);
    tree.add(F['11ac.nss'], tvb, o, 0, u.nss);
    if (radio.stbc !== undefined) tree.add(F['11ac.nsts'], tvb, o, 0, radio.stbc ? 2 * u.nss : u.nss);
    tree.add(F['11ac.fec'], tvb, o, 0, u.fec);
    tree.pop();
    if (radio.shortGi !== undefined && bwIndex !== undefined) {
      const r = vhtRate(u.mcs, bwIndex, radio.shortGi, u.nss);
      if (r !== undefined && r !== 0) rate = r;
    }
  });
  return rate;
}

function addDuration(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  radio: RadioInfo,
  rate: number | undefined,
): void {
  const state = pinfo.state.of<RadioState>('wlan_radio', () => ({
    lastEnd: null,
    prevEnds: new Float64Array(1024).fill(Number.NaN),
  }));
  const first = firstPass(pinfo.state, pinfo);
  const time =
    rate !== undefined && rate > 0
      ? airtime(radio, radio.phy, rate, tvb.reportedRemaining(tvb.start) + (radio.airtimeAddsFcs ? 4 : 0))
      : null;
  const frame = pinfo.meta.number;
  const hasTiming = time !== null && radio.tsf !== undefined;
  if (first) {
    recordPrevEnd(state, frame, state.lastEnd ?? Number.NaN);
    state.lastEnd = hasTiming && radio.tsf !== undefined ? Number(radio.tsf) : 0;
  }
  let timing: { start: bigint; end: bigint; ifs: bigint } | undefined;
  if (time && radio.tsf !== undefined) {
    // Wireshark's TSF marks the end of the frame on the air (its tsf_at_end preference).
    const end = radio.tsf;
    const start = end - BigInt(time.duration);
    const prev = state.prevEnds[frame] ?? Number.NaN;
    timing = { start, end, ifs: Number.isNaN(prev) ? 0n : start - BigInt(prev) };
  }
  if (!time) return;
  const o = tvb.start;
  tree.push(F.duration, tvb, o, 0, time.duration);
  if (tree.full) tree.label(`[Duration: ${time.duration}µs]`);
  for (const message of time.assumptions) expertInfo(tree, tvb, o, 0, 'Warning', 'Assumption', message);
  const micros = (def: (typeof F)['duration'], value: number | bigint): void => {
    tree.add(def, tvb, o, 0, value);
    if (tree.full) tree.labelLast(`[${def.name}: ${value}µs]`);
  };
  if (time.preamble) micros(F.preamble, time.preamble);
  if (timing) {
    if (timing.ifs !== 0n) micros(F.ifs, timing.ifs);
    if (timing.start !== 0n) micros(F.start_tsf, timing.start);
    if (timing.end !== 0n) micros(F.end_tsf, timing.end);
  }
  tree.pop();
}

export const wlanRadioModule = { fields: F };
