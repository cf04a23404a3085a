// The Prism monitor-mode header (LINKTYPE_PRISM_HEADER, 119): a message code and length, the
// device name, then items of DID, status, length and a 32-bit value (host byte order, told
// apart by the message code). The radio items go on to `wlan_radio`, then 802.11.
import { fields, hex, names, proto, str, text, uint, FieldType } from './field.ts';
import { LinkType } from './link-types.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { dissectWlanRadio, Phy, type RadioInfo } from './wlan-radio.ts';

/** Item names by the DID's number (0x1 to 0xd), whatever the DID's device bits. */
const ITEMS = names({
  1: 'Host Time',
  2: 'Mac Time',
  3: 'Channel',
  4: 'RSSI',
  5: 'SQ',
  6: 'Signal',
  7: 'Noise',
  8: 'Rate',
  9: 'Is Tx',
  10: 'Frame Length',
  11: 'SIG A1',
  12: 'SIG A2',
  13: 'SIG B',
});
const DID_NAMES = names({
  0x10044: 'Host Time',
  0x1041: 'Host Time',
  0x20044: 'Mac Time',
  0x2041: 'Mac Time',
  0x30044: 'Channel',
  0x3041: 'Channel',
  0x40044: 'RSSI',
  0x4041: 'RSSI',
  0x50044: 'SQ',
  0x5041: 'SQ',
  0x60044: 'Signal',
  0x6041: 'Signal',
  0x70044: 'Noise',
  0x7041: 'Noise',
  0x80044: 'Rate',
  0x8041: 'Rate',
  0x90044: 'Is Tx',
  0x9041: 'Is Tx',
  0xa0044: 'Frame Length',
  0xa041: 'Frame Length',
  0xb0044: 'SIG A1',
  0xb044: 'SIG A1',
  0xc0044: 'SIG A2',
  0xc044: 'SIG A2',
  0xd0044: 'SIG B',
  0xd044: 'SIG B',
});
const int32 = (name: string): { name: string; type: FieldType; base: 'dec'; bits: number } => ({
  name,
  type: FieldType.Int,
  base: 'dec',
  bits: 32,
});

export const F = fields('prism', {
  '': proto('Prism capture header'),
  msgcode: hex('Message Code', 32),
  msglen: uint('Message Length', 32),
  devname: str('Device Name'),
  did: text('DID'),
  'did.type': hex('DID', 32, { strings: DID_NAMES }),
  'did.status': uint('Status', 16, { strings: names({ 0: 'Supplied', 1: 'Not Supplied' }) }),
  'did.length': uint('Length', 16),
  'did.hosttime': uint('Host Time', 32),
  'did.mactime': uint('MAC timestamp (lower 32 bits)', 32),
  'did.channel': uint('Channel', 32),
  'did.rssi': int32('RSSI'),
  'did.sq': uint('Signal Quality', 32),
  'did.signal': int32('Signal'),
  'did.noise': int32('Noise'),
  'did.rate': uint('Data rate (Mb/s)', 32),
  'did.siga1': hex('SIG_A1', 32),
  'did.siga2': hex('SIG_A2', 32),
  'did.sigb': hex('SIG', 32),
  'did.istx': hex('IsTX', 32, { strings: names({ 0: 'Rx Packet', 1: 'Tx Packet' }) }),
  'did.frmlen': uint('Frame Length', 32),
  'did.unknown': uint('Unknown DID Field', 32, { base: 'hex_dec' }),
});

const VALUE_FIELDS = [
  null,
  F['did.hosttime'],
  F['did.mactime'],
  F['did.channel'],
  F['did.rssi'],
  F['did.sq'],
  F['did.signal'],
  F['did.noise'],
  F['did.rate'],
  F['did.istx'],
  F['did.frmlen'],
  F['did.siga1'],
  F['did.siga2'],
  F['did.sigb'],
] as const;

/** The item number a DID names: devices number them 0x000N0044 or 0x0000N041 / 0x0000N044. */
function itemOf(did: number): number {
  if ((did & 0xffff) === 0x0044 && did > 0xffff) return did >>> 16;
  if ((did & 0x0fff) === 0x041 || (did & 0x0fff) === 0x044) return (did >>> 12) & 0x0f;
  return 0;
}

export function dissectPrism(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('prism');
  pinfo.setProto('Prism');
  // The message code is small: read big-endian, a host-order little-endian header looks huge.
  const little = tvb.u32(o) > 0xffff;
  const u32 = (at: number): number => (little ? tvb.u32le(at) : tvb.u32(at));
  const u16 = (at: number): number => (little ? tvb.u16le(at) : tvb.u16(at));
  const msglen = u32(o + 4);
  tree.push(F[''], tvb, o, Math.min(msglen, tvb.remaining(o)), 'prism');
  tree.add(F.msgcode, tvb, o, 4, u32(o));
  tree.add(F.msglen, tvb, o + 4, 4, msglen);
  let name = '';
  for (let i = 0; i < 16; i++) {
    const c = tvb.u8(o + 8 + i);
    if (c === 0) break;
    name += String.fromCharCode(c);
  }
  tree.add(F.devname, tvb, o + 8, 16, name);
  const radio: RadioInfo = { phy: Phy.Unknown, fcsLen: 0, dataPad: false };
  for (let at = o + 24; at + 12 <= o + msglen; at += 12) {
    const did = u32(at);
    const status = u16(at + 4);
    const length = u16(at + 6);
    const value = u32(at + 8);
    const item = itemOf(did);
    const itemName = ITEMS.get(item);
    tree.push(F.did, tvb, at, 12, 1);
    if (tree.full) tree.label(`DID ${didSummary(item, itemName, did, status, value)}`);
    tree.add(F['did.type'], tvb, at, 4, did);
    tree.add(F['did.status'], tvb, at + 4, 2, status);
    tree.add(F['did.length'], tvb, at + 6, 2, length);
    if (status === 0) {
      const def = itemName ? VALUE_FIELDS[item] : null;
      if (def) {
        const signed = def.type === FieldType.Int ? value | 0 : value;
        tree.add(def, tvb, at + 8, 4, signed);
        if (item === 8 && tree.full) tree.labelLast(`Data rate (Mb/s): ${(value / 2).toFixed(1)}`);
        noteRadio(item, value, radio);
      } else {
        tree.add(F['did.unknown'], tvb, at + 8, 4, value);
      }
    }
    tree.pop();
  }
  tree.pop();
  if (radio.phy === Phy.Unknown && radio.dataRate !== undefined && [1, 2, 5.5, 11].includes(radio.dataRate))
    radio.phy = Phy.B;
  tvb.claim(msglen);
  return msglen + dissectWlanRadio(tvb.sub(o + msglen), pinfo, tree, radio);
}

function didSummary(
  item: number,
  name: string | undefined,
  did: number,
  status: number,
  value: number,
): string {
  if (!name) return `Unknown ${did.toString(16)}`;
  if (status !== 0) return name;
  switch (item) {
    case 6:
    case 7:
    case 9:
      return `${name} 0x${value.toString(16)}`;
    case 8:
      return `${name} ${(value / 2).toFixed(1)} Mb/s`;
    case 4:
      return `${name} ${value | 0}`;
    default:
      return `${name} ${value}`;
  }
}

/** What an item says about the radio, as Wireshark's Prism reader passes it on. */
function noteRadio(item: number, value: number, radio: RadioInfo): void {
  switch (item) {
    case 2:
      radio.tsf = BigInt(value);
      break;
    case 3:
      radio.channel = value;
      break;
    case 4:
      radio.signalDbm = value | 0;
      break;
    case 8:
      radio.dataRate = value / 2;
      break;
    default:
      break;
  }
}

export const prismModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('linkType', LinkType.PRISM_HEADER, dissectPrism);
  },
};
