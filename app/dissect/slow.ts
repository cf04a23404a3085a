// IEEE 802.3 Slow Protocols (ethertype 0x8809): a subtype byte, then LACP (802.1AX): the actor
// and partner information TLVs named in Info as Wireshark does (`v1 ACTOR mac P: port K: key
// flags PARTNER ...`), the collector and terminator TLVs. Other subtypes are shown as data.
import { dissectData } from './data.ts';
import { ether, fields, hex, names, proto, str, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const SUBTYPE = { LACP: 1, MARKER: 2 };
const SUBTYPES = names({
  1: 'LACP',
  2: 'Marker Protocol',
  3: 'OAM',
  10: 'Organization Specific Slow Protocol (OSSP)',
});

export const F = fields('slow', {
  '': proto('Slow Protocols'),
  subtype: hex('Slow Protocols subtype', 8, { strings: SUBTYPES }),
});

const FL = fields('lacp', {
  '': proto('Link Aggregation Control Protocol'),
  version: hex('LACP Version', 8),
  tlv_type: hex('TLV Type', 8),
  tlv_length: hex('TLV Length', 8),
  'actor.sys_priority': uint('Actor System Priority', 16),
  'actor.sysid': ether('Actor System ID'),
  'actor.key': uint('Actor Key', 16),
  'actor.port_priority': uint('Actor Port Priority', 16),
  'actor.port': uint('Actor Port', 16),
  'actor.state': hex('Actor State', 8),
  'actor.state_str': str('Actor State Flags'),
  'partner.sys_priority': uint('Partner System Priority', 16),
  'partner.sysid': ether('Partner System'),
  'partner.key': uint('Partner Key', 16),
  'partner.port_priority': uint('Partner Port Priority', 16),
  'partner.port': uint('Partner Port', 16),
  'partner.state': hex('Partner State', 8),
  'partner.state_str': str('Partner State Flags'),
  'collector.max_delay': uint('Collector Max Delay', 16),
});

/** The state bits from the most significant down, as letters: `E F D C S G S A`. */
const STATE_LETTERS = ['E', 'F', 'D', 'C', 'S', 'G', 'S', 'A'] as const;

export function stateString(state: number): string {
  return STATE_LETTERS.map((letter, i) => (state & (0x80 >> i) ? letter : '*')).join('');
}

const mac = (tvb: Tvb, at: number): string =>
  Array.from(tvb.slice(at, 6), (b) => b.toString(16).padStart(2, '0')).join(':');

export function dissectSlow(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('slow');
  pinfo.setProto('Slow Protocols');
  if (pinfo.wantInfo) pinfo.setInfo('');
  const subtype = tvb.u8(o);
  tree.push(F[''], tvb, o, 1);
  tree.add(F.subtype, tvb, o, 1, subtype);
  tree.pop();
  if (subtype === SUBTYPE.LACP) dissectLacp(tvb.sub(o + 1), pinfo, tree);
  else if (subtype === SUBTYPE.MARKER) dissectMarker(tvb.sub(o + 1), pinfo, tree);
  else dissectData(tvb.sub(o + 1), pinfo, tree);
  return tvb.remaining(o);
}

/** The actor (1) or partner (2) information TLV: 18 bytes after type and length. */
function addPeer(tvb: Tvb, at: number, who: 'actor' | 'partner', tree: Tree): string {
  tree.add(FL.tlv_type, tvb, at, 1, tvb.u8(at));
  tree.add(FL.tlv_length, tvb, at + 1, 1, tvb.u8(at + 1));
  tree.add(FL[`${who}.sys_priority`], tvb, at + 2, 2, tvb.u16(at + 2));
  tree.add(FL[`${who}.sysid`], tvb, at + 4, 6);
  const key = tvb.u16(at + 10);
  tree.add(FL[`${who}.key`], tvb, at + 10, 2, key);
  tree.add(FL[`${who}.port_priority`], tvb, at + 12, 2, tvb.u16(at + 12));
  const port = tvb.u16(at + 14);
  tree.add(FL[`${who}.port`], tvb, at + 14, 2, port);
  const state = tvb.u8(at + 16);
  tree.add(FL[`${who}.state`], tvb, at + 16, 1, state);
  tree.add(FL[`${who}.state_str`], tvb, at + 16, 1, stateString(state));
  return `${who.toUpperCase()} ${mac(tvb, at + 4)} P: ${port} K: ${key} ${stateString(state)}`;
}

function dissectLacp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  pinfo.layers.push('lacp');
  pinfo.setProto('LACP');
  tree.push(FL[''], tvb, o, tvb.remaining(o));
  const version = tvb.u8(o);
  tree.add(FL.version, tvb, o, 1, version);
  const actor = addPeer(tvb, o + 1, 'actor', tree);
  const partner = addPeer(tvb, o + 21, 'partner', tree);
  if (pinfo.wantInfo) pinfo.setInfo(`v${version} ${actor} ${partner}`);
  tree.add(FL.tlv_type, tvb, o + 41, 1, tvb.u8(o + 41));
  tree.add(FL.tlv_length, tvb, o + 42, 1, tvb.u8(o + 42));
  tree.add(FL['collector.max_delay'], tvb, o + 43, 2, tvb.u16(o + 43));
  tree.pop();
}

const MARKER_TAIL = 2 + 2 + 90;
const MARKER_TYPES = names({ 1: 'Information', 2: 'Response' });

const FM = fields('marker', {
  '': proto('Marker Protocol'),
  version: hex('Version Number', 8),
  tlvType: hex('TLV Type', 8, { strings: MARKER_TYPES }),
  tlvLen: hex('TLV Length', 8),
  requesterPort: uint('Requester Port', 16),
  requesterSystem: ether('Requester System'),
  requesterTransId: uint('Requester Transaction ID', 32),
});

/** The Marker protocol (802.1AX): one Information or Response TLV naming the requester. */
function dissectMarker(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  pinfo.layers.push('marker');
  pinfo.setProto('Marker');
  tree.push(FM[''], tvb, o, tvb.remaining(o));
  tree.add(FM.version, tvb, o, 1, tvb.u8(o));
  const type = tvb.u8(o + 1);
  tree.add(FM.tlvType, tvb, o + 1, 1, type);
  tree.add(FM.tlvLen, tvb, o + 2, 1, tvb.u8(o + 2));
  const port = tvb.u16(o + 3);
  tree.add(FM.requesterPort, tvb, o + 3, 2, port);
  tree.add(FM.requesterSystem, tvb, o + 5, 6);
  const tid = tvb.u32(o + 11);
  tree.add(FM.requesterTransId, tvb, o + 11, 4, tid);
  if (pinfo.wantInfo) {
    const name = MARKER_TYPES.get(type) ?? 'Unknown';
    pinfo.setInfo(`${name} SysId=${mac(tvb, o + 5)}, P=${port}, TId=${tid}`);
  }
  // Padding, the terminator TLV and its 90 reserved bytes: a shorter PDU is malformed.
  tvb.need(o + 15, MARKER_TAIL);
  tree.pop();
}

export const slowModule = {
  fields: Object.fromEntries([F, FL, FM].flatMap((g) => Object.values(g)).map((d) => [d.abbrev, d])),
  handoff(reg: Registry): void {
    reg.register('etherType', 0x8809, dissectSlow);
  },
};
