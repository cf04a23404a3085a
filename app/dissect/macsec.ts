// IEEE 802.1AE MACsec (ethertype 0x88E5): the SecTAG (TCI and AN, short length, packet number,
// the SCI when the SC bit is set), then the protected payload and a 16-byte ICV. An encrypted
// payload is data; an integrity-only one starts with the inner ethertype.
import { dissectData } from './data.ts';
import { dispatchEthertype, ETHERTYPE_NAMES } from './ethertype.ts';
import { bool, bytes, ether, fields, hex, proto, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const F = fields('macsec', {
  '': proto('802.1AE Security tag'),
  TCI: hex('TCI', 8, { mask: 0xfc }),
  'TCI.V': hex('VER', 8, { mask: 0x80 }),
  'TCI.ES': bool('ES', 8, 0x40),
  'TCI.SC': bool('SC', 8, 0x20),
  'TCI.SCB': bool('SCB', 8, 0x10),
  'TCI.E': bool('E', 8, 0x08),
  'TCI.C': bool('C', 8, 0x04),
  AN: hex('AN', 8, { mask: 0x03 }),
  SL: uint('Short length', 8),
  PN: uint('Packet number', 32),
  SCI_system_identifier: ether('System Identifier'),
  SCI_port_identifier: uint('Port Identifier', 16),
  etype: hex('Ethertype', 16, { strings: ETHERTYPE_NAMES }),
  ICV: bytes('ICV'),
});

const ICV_LENGTH = 16;
const TCI = { SC: 0x20, E: 0x08, C: 0x04 };

export function dissectMacsec(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  // Too short for a SecTAG and an ICV: not MACsec's (the ethertype layer shows it as data).
  const tagLength = tvb.remaining(o) > 0 && tvb.u8(o) & TCI.SC ? 14 : 6;
  if (tvb.remaining(o) < tagLength + ICV_LENGTH) return -1;
  pinfo.layers.push('macsec');
  pinfo.setProto('MACSEC');
  if (pinfo.wantInfo) pinfo.setInfo('MACsec frame');
  const tci = tvb.u8(o);
  tree.push(F[''], tvb, o, tagLength);
  tree.add(F.TCI, tvb, o, 1, tci >> 2);
  for (const def of [F['TCI.ES'], F['TCI.SC'], F['TCI.SCB'], F['TCI.E'], F['TCI.C']]) {
    tree.add(def, tvb, o, 1, (tci & (def.mask as number)) !== 0);
  }
  tree.add(F.AN, tvb, o, 1, tci & 0x03);
  const shortLength = tvb.u8(o + 1);
  tree.add(F.SL, tvb, o + 1, 1, shortLength);
  tree.add(F.PN, tvb, o + 2, 4, tvb.u32(o + 2));
  if (tci & TCI.SC) {
    tree.add(F.SCI_system_identifier, tvb, o + 6, 6);
    tree.add(F.SCI_port_identifier, tvb, o + 12, 2, tvb.u16(o + 12));
  }
  const at = o + tagLength;
  // The payload runs to the ICV, or is Short length bytes long when that is set.
  const payloadLength = shortLength !== 0 ? shortLength : tvb.reportedRemaining(at) - ICV_LENGTH;
  const encrypted = (tci & (TCI.E | TCI.C)) !== 0;
  if (payloadLength < 0) {
    tree.pop();
    return tvb.remaining(o);
  }
  if (!encrypted) tree.add(F.etype, tvb, at, 2, tvb.u16(at));
  const icvAt = at + payloadLength;
  if (tvb.has(icvAt, ICV_LENGTH)) tree.add(F.ICV, tvb, icvAt, ICV_LENGTH);
  tree.pop();
  if (encrypted) dissectData(tvb.sub(at, payloadLength), pinfo, tree);
  else dispatchEthertype(tvb.u16(at), tvb.sub(at + 2, payloadLength - 2), pinfo, tree);
  return tvb.remaining(o);
}

export const macsecModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('etherType', 0x88e5, dissectMacsec);
  },
};
