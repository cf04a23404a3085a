// Wake On LAN: the magic packet (six 0xff then the target MAC sixteen times, optionally a 4- or
// 6-byte password) on ethertype 0x0842 and, found by a cheap heuristic, in any UDP datagram, as
// tshark 4.0 shows it.
import { formatMac } from '../format/address.ts';
import { macWithName } from '../format/mac-names.ts';
import { bytes, ether, fields, FieldType, proto, type FieldDef } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const F = fields('wol', {
  '': proto('Wake On LAN'),
  sync: bytes('Sync stream'),
  mac: ether('MAC'),
  passwd: bytes('Password'),
});

const SUBTREE: FieldDef = { name: '', type: FieldType.None, abbrev: '', id: -1 };
const MIN = 102;

/** True when `tvb` holds a magic packet (checked on the captured bytes, allocating nothing). */
function isMagic(tvb: Tvb): boolean {
  const o = tvb.start;
  if (tvb.reportedRemaining(o) < MIN || !tvb.has(o, MIN)) return false;
  const b = tvb.bytes;
  for (let i = 0; i < 6; i++) if (b[o + i] !== 0xff) return false;
  for (let k = 12; k < MIN; k += 6)
    for (let i = 0; i < 6; i++) if (b[o + k + i] !== b[o + 6 + i]) return false;
  return true;
}

/** Dissects a magic packet; returns its length, or -1 (having added nothing) when it is none. */
export function dissectWol(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  if (!isMagic(tvb)) return -1;
  const o = tvb.start;
  const b = tvb.bytes;
  const reported = tvb.reportedRemaining(o);
  const len = reported >= 108 ? 108 : reported >= 106 ? 106 : MIN;
  let passwd: string | null = null;
  if (len === 106) passwd = Array.from(tvb.slice(o + MIN, 4)).join('.');
  else if (len === 108) passwd = formatMac(tvb.slice(o + MIN, 6), 0);
  pinfo.layers.push('wol');
  pinfo.setProto('WOL');
  const mac = macWithName(b, o + 6);
  if (pinfo.wantInfo) pinfo.setInfo(`MagicPacket for ${mac}${passwd ? `, password ${passwd}` : ''}`);
  tree.push(F[''], tvb, o, len);
  if (tree.full) tree.label(`Wake On LAN, MAC: ${mac}${passwd ? `, password: ${passwd}` : ''}`);
  tree.add(F.sync, tvb, o, 6);
  tree.push(SUBTREE, tvb, o + 6, 96);
  if (tree.full) tree.label(`MAC: ${mac}`);
  for (let k = 6; k < MIN; k += 6) tree.add(F.mac, tvb, o + k, 6);
  tree.pop();
  if (passwd !== null) {
    // Wireshark gives this field the bytes of the password's text, not of the packet.
    let text = '';
    for (let i = 0; i < len - MIN; i++) text += (passwd.charCodeAt(i) || 0).toString(16).padStart(2, '0');
    tree.add(F.passwd, tvb, o + MIN, len - MIN, text);
    if (tree.full) tree.labelLast(`Password: ${passwd}`);
  }
  tree.pop();
  return len;
}

function heuristicWol(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  return dissectWol(tvb, pinfo, tree) > 0;
}

export const wolModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('etherType', 0x0842, dissectWol);
    reg.heuristics.udp.push(heuristicWol);
  },
};
