// Generic Network Virtualization Encapsulation (RFC 8926) on UDP 6081: a header with options, then
// a frame of the protocol its ethertype names (0x6558: a whole Ethernet frame), dissected through
// the ethertype table as GRE does.
import { dissectData } from './data.ts';
import { bitPicture } from './field-text.ts';
import { bool, bytes, fields, hex, names, proto, text, uint } from './field.ts';
import { ETHERTYPE_NAMES } from './ethertype.ts';
import { expert } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const UDP_PORT_GENEVE = 6081;

const TRUE_FALSE = ['True', 'False'] as const;
const OPTION_CLASSES = names({ 0: 'Standard' });

export const F = fields('geneve', {
  '': proto('Generic Network Virtualization Encapsulation'),
  version: uint('Version', 8, { mask: 0xc0 }),
  flags: hex('Flags', 8),
  'flags.oam': bool('Operations, Administration and Management Frame', 8, 0x80, { tf: TRUE_FALSE }),
  'flags.critical': bool('Critical Options Present', 8, 0x40, { tf: TRUE_FALSE }),
  'flags.reserved': bool('Reserved', 8, 0x3f, { tf: TRUE_FALSE }),
  proto_type: hex('Protocol Type', 16, { strings: ETHERTYPE_NAMES }),
  vni: hex('Virtual Network Identifier (VNI)', 24, { base: 'hex_dec' }),
  reserved: hex('Reserved', 8, { hidden: true }),
  options: bytes('Geneve Options'),
  'option.class': hex('Class', 16, { strings: OPTION_CLASSES }),
  'option.type': hex('Type', 8),
  'option.type.critical': bool('Critical Option', 8, 0x80, { hidden: true }),
  'option.flags': hex('Flags', 8, { hidden: true }),
  'option.flags.reserved': bool('Reserved', 8, 0xe0, { hidden: true }),
  'option.length': uint('Length', 8),
  option: bytes('Option'),
  'option.unknown.data': bytes('Unknown Option Data'),
  // Google Cloud's option (class 0x0103): named so that filters on it compile, as in tshark.
  'option.gcp.vnid': uint('GCP Virtual Network ID', 32),
  'option.gcp.reserved': bool('GCP Reserved bits', 32, 0xfffffffe),
  'option.gcp.direction': bool('GCP Traffic Direction', 32, 0x1),
  'option.gcp.endpoint': bytes('GCP Endpoint ID'),
  'option.gcp.profile': uint('GCP Profile ID', 64),
  'version.unknown': text('Unknown version'),
  'option.length.invalid': text('Invalid length for option'),
});

const HEADER = 8;
const OPTION_HEADER = 4;
const FLAG_DEFS = [F['flags.oam'], F['flags.critical'], F['flags.reserved']];

const hex2 = (n: number, digits: number): string => `0x${n.toString(16).padStart(digits, '0')}`;

export function dissectGeneve(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  tvb.need(o, HEADER);
  const version = tvb.u8(o) >> 6;
  const optionsLength = (tvb.u8(o) & 0x3f) * 4;
  const flags = tvb.u8(o + 1);
  const type = tvb.u16(o + 2);
  const vni = tvb.u24(o + 4);
  pinfo.layers.push('geneve');
  pinfo.setProto('Geneve');
  if (pinfo.wantInfo)
    pinfo.setInfo(`Encapsulated ${ETHERTYPE_NAMES.get(type) ?? `${hex2(type, 4)} (unknown)`}`);
  tree.push(F[''], tvb, o, HEADER + optionsLength);
  if (tree.full) tree.label(`${F[''].name}, VNI: ${hex2(vni, 6)}`);
  tree.add(F.version, tvb, o, 1, version);
  if (tree.full) tree.labelLast(`Version: ${version}`);
  if (version !== 0) expert(pinfo, tree, tvb, o, 1, 'Warning', 'Protocol', `Unknown version ${version}`);
  tree.add(F['option.length'], tvb, o, 1, optionsLength);
  if (tree.full) tree.labelLast(`Length: ${optionsLength} bytes`);
  addFlags(tvb, o + 1, flags, tree);
  tree.add(F.proto_type, tvb, o + 2, 2, type);
  tree.add(F.vni, tvb, o + 4, 3, vni);
  tree.add(F.reserved, tvb, o + 7, 1, tvb.u8(o + 7));
  if (optionsLength > 0) addOptions(tvb, o + HEADER, optionsLength, pinfo, tree);
  tree.pop();
  const at = o + HEADER + optionsLength;
  const payload = tvb.sub(at);
  if (payload.reportedRemaining(at) > 0 && pinfo.registry.call('etherType', type, payload, pinfo, tree) < 0)
    dissectData(payload, pinfo, tree);
  return tvb.remaining(o);
}

function addFlags(tvb: Tvb, at: number, flags: number, tree: Tree): void {
  tree.push(F.flags, tvb, at, 1, flags);
  let label = `Flags: ${hex2(flags, 2)}`;
  for (const def of FLAG_DEFS) {
    const on = (flags & (def.mask as number)) !== 0;
    tree.add(def, tvb, at, 1, on);
    const bits = def === F['flags.reserved'] ? flags & 0x3f : on ? 1 : 0;
    if (tree.full) tree.labelLast(`${bitPicture(def, bits)} = ${def.name}: ${on ? 'True' : 'False'}`);
    if (on && def !== F['flags.reserved']) label += `, ${def.name}`;
  }
  tree.pop(undefined, tree.full ? label : undefined);
}

/** The TLV options: class, type (its top bit: critical), 5-bit length in 4-byte words, data. */
function addOptions(tvb: Tvb, from: number, length: number, pinfo: PacketInfo, tree: Tree): void {
  tree.push(F.options, tvb, from, length);
  if (tree.full) tree.label(`Options: (${length} bytes)`);
  const end = from + length;
  let p = from;
  while (p < end) {
    tvb.need(p, OPTION_HEADER);
    const cls = tvb.u16(p);
    const type = tvb.u8(p + 2);
    const size = OPTION_HEADER + (tvb.u8(p + 3) & 0x1f) * 4;
    if (p + size > end) {
      expert(pinfo, tree, tvb, p, end - p, 'Error', 'Malformed', 'Invalid length for option');
      break;
    }
    tree.push(F.option, tvb, p, size);
    if (tree.full) {
      const critical = type & 0x80 ? ' (Critical)' : '';
      const className = OPTION_CLASSES.get(cls) ?? 'Unknown';
      tree.label(`Unknown, Class: ${className} (${hex2(cls, 4)}) Type: ${hex2(type, 2)}${critical}`);
    }
    tree.add(F['option.class'], tvb, p, 2, cls);
    tree.add(F['option.type'], tvb, p + 2, 1, type);
    if (tree.full) tree.labelLast(`Type: ${hex2(type, 2)}${type & 0x80 ? ' (Critical)' : ''}`);
    tree.add(F['option.type.critical'], tvb, p + 2, 1, (type & 0x80) !== 0);
    tree.add(F['option.flags'], tvb, p + 3, 1, tvb.u8(p + 3) & 0xe0);
    tree.add(F['option.flags.reserved'], tvb, p + 3, 1, (tvb.u8(p + 3) & 0xe0) !== 0);
    tree.add(F['option.length'], tvb, p + 3, 1, size);
    if (tree.full) tree.labelLast(`Length: ${size} bytes`);
    if (size > OPTION_HEADER)
      tree.add(F['option.unknown.data'], tvb, p + OPTION_HEADER, size - OPTION_HEADER);
    tree.pop();
    p += size;
  }
  tree.pop();
}

export const geneveModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', UDP_PORT_GENEVE, dissectGeneve);
  },
};
