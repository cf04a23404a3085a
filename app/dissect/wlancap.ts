// The AVS WLAN capture header (LINKTYPE_IEEE802_11_AVS, 163; `wlancap`): big-endian, version 1
// is 64 bytes of MAC and host times, PHY type, channel, rate, antenna, signal and noise, preamble
// and encoding. They go on to `wlan_radio`, then the 802.11 frame.
import { fields, names, proto, uint, FieldType, type FieldSpec } from './field.ts';
import { LinkType } from './link-types.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { dissectWlanRadio, Phy, type RadioInfo } from './wlan-radio.ts';

const PHY_TYPES = names({
  0: 'Unknown',
  1: "FHSS 802.11 '97",
  2: "DSSS 802.11 '97",
  3: 'IR Baseband',
  4: 'DSSS 802.11b',
  5: 'PBCC 802.11b',
  6: 'OFDM 802.11g',
  7: 'PBCC 802.11g',
  8: 'OFDM 802.11a',
});
const SSI_TYPES = names({ 0: 'None', 1: 'Normalized RSSI', 2: 'dBm', 3: 'Raw RSSI' });
const int32 = (name: string): FieldSpec => ({ name, type: FieldType.Int, base: 'dec', bits: 32 });

export const F = fields('wlancap', {
  '': proto('AVS WLAN Monitoring Header'),
  magic: uint('Header magic', 32, { base: 'hex', mask: 0xfffffff0 }),
  version: uint('Header revision', 32, { mask: 0x0000000f }),
  length: uint('Header length', 32),
  mactime: uint('MAC timestamp', 64),
  hosttime: uint('Host timestamp', 64),
  phytype: uint('PHY type', 32, { strings: PHY_TYPES }),
  channel: uint('Channel', 8),
  data_rate: uint('Data Rate', 64),
  antenna: uint('Antenna', 32),
  priority: uint('Priority', 32),
  ssi_type: uint('SSI Type', 32, { strings: SSI_TYPES }),
  normrssi_antsignal: uint('Normalized RSSI Signal', 32),
  dbm_antsignal: int32('SSI Signal (dBm)'),
  rawrssi_antsignal: uint('Raw RSSI Signal', 32),
  normrssi_antnoise: uint('Normalized RSSI Noise', 32),
  dbm_antnoise: int32('SSI Noise (dBm)'),
  rawrssi_antnoise: uint('Raw RSSI Noise', 32),
  preamble: uint('Preamble', 32, { strings: names({ 0: 'Unknown', 1: 'Short', 2: 'Long' }) }),
  encoding: uint('Encoding Type', 32, {
    strings: names({
      0: 'Unknown',
      1: 'CCK',
      2: 'PBCC',
      3: 'OFDM',
      4: 'DSS-OFDM',
      5: 'BPSK',
      6: 'QPSK',
      7: '16QAM',
      8: '64QAM',
    }),
  }),
});

/** Wireshark's PHY for an AVS PHY type. */
const PHY_OF = [Phy.Unknown, Phy.FHSS, Phy.DSSS, Phy.IR, Phy.B, Phy.B, Phy.G, Phy.G, Phy.A];

/** The channel's frequency: 2.4 GHz channels 1 to 14, else 5 GHz. */
function channelFrequency(channel: number): number {
  if (channel === 14) return 2484;
  if (channel >= 1 && channel < 14) return 2407 + 5 * channel;
  return 5000 + 5 * channel;
}

export function dissectWlancap(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('wlancap');
  pinfo.setProto('AVS WLAN');
  const magic = tvb.u32(o);
  const length = tvb.u32(o + 4);
  tree.push(F[''], tvb, o, Math.min(length, tvb.remaining(o)), 'wlancap');
  if (tree.full) tree.label('AVS WLAN Capture header');
  tree.add(F.magic, tvb, o, 4, magic >>> 4);
  tree.add(F.version, tvb, o, 4, magic & 0x0f);
  tree.add(F.length, tvb, o + 4, 4, length);
  const mactime = tvb.u64(o + 8);
  tree.add(F.mactime, tvb, o + 8, 8, mactime);
  tree.add(F.hosttime, tvb, o + 16, 8, tvb.u64(o + 16));
  const phytype = tvb.u32(o + 24);
  tree.add(F.phytype, tvb, o + 24, 4, phytype);
  const channel = tvb.u32(o + 28);
  tree.add(F.channel, tvb, o + 28, 4, channel);
  // The rate in 100 kb/s units, shown in b/s.
  const rate = tvb.u32(o + 32);
  tree.add(F.data_rate, tvb, o + 32, 4, rate * 100000);
  if (tree.full) tree.labelLast(`Data Rate: ${(rate / 10).toFixed(1)} Mb/s`);
  tree.add(F.antenna, tvb, o + 36, 4, tvb.u32(o + 36));
  tree.add(F.priority, tvb, o + 40, 4, tvb.u32(o + 40));
  const ssiType = tvb.u32(o + 44);
  tree.add(F.ssi_type, tvb, o + 44, 4, ssiType);
  const signal = tvb.u32(o + 48);
  const noise = tvb.u32(o + 52);
  const radio: RadioInfo = { phy: PHY_OF[phytype] ?? Phy.Unknown, fcsLen: 0, dataPad: false };
  switch (ssiType) {
    case 2:
      tree.add(F.dbm_antsignal, tvb, o + 48, 4, signal | 0);
      tree.add(F.dbm_antnoise, tvb, o + 52, 4, noise | 0);
      radio.signalDbm = signal | 0;
      radio.noiseDbm = noise | 0;
      break;
    case 3:
      tree.add(F.rawrssi_antsignal, tvb, o + 48, 4, signal);
      tree.add(F.rawrssi_antnoise, tvb, o + 52, 4, noise);
      break;
    default:
      tree.add(F.normrssi_antsignal, tvb, o + 48, 4, signal);
      tree.add(F.normrssi_antnoise, tvb, o + 52, 4, noise);
      break;
  }
  tree.add(F.preamble, tvb, o + 56, 4, tvb.u32(o + 56));
  tree.add(F.encoding, tvb, o + 60, 4, tvb.u32(o + 60));
  tree.pop();
  if (rate !== 0) radio.dataRate = rate / 10;
  if (channel !== 0) {
    radio.channel = channel;
    radio.frequency = channelFrequency(channel);
  }
  radio.tsf = mactime;
  tvb.claim(length);
  return length + dissectWlanRadio(tvb.sub(o + length), pinfo, tree, radio);
}

export const wlancapModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('linkType', LinkType.IEEE802_11_AVS, dissectWlancap);
  },
};
