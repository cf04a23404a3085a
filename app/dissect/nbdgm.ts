// NetBIOS Datagram Service (RFC 1002) on UDP 138: the datagram header with its NetBIOS names, and
// the payload of direct and broadcast datagrams handed to SMB (mailslots, the browser) as
// Wireshark's NetBIOS heuristics do.
import { bool, fields, hex, ipv4, names, proto, str, uint } from './field.ts';
import { readNbName, SUFFIXES } from './nbns.ts';
import { netbiosPayload } from './nbss.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TYPES = names({
  0x10: 'Direct_unique datagram',
  0x11: 'Direct_group datagram',
  0x12: 'Broadcast datagram',
  0x13: 'Datagram error',
  0x14: 'Datagram query request',
  0x15: 'Datagram positive query response',
  0x16: 'Datagram negative query response',
});
const NODE_TYPES = names({ 0: 'B node', 1: 'P node', 2: 'M node', 3: 'NBDD' });
const ERRORS = names({
  0x82: 'Destination name not present',
  0x83: 'Invalid source name format',
  0x84: 'Invalid destination name format',
});
const YES_NO = ['Yes', 'No'] as const;

export const F = fields('nbdgm', {
  '': proto('NetBIOS Datagram Service'),
  type: uint('Message Type', 8, { strings: TYPES }),
  flags: hex('Flags', 8),
  next: bool('More fragments follow', 8, 0x01, { tf: YES_NO }),
  first: bool('This is first fragment', 8, 0x02, { tf: YES_NO }),
  node_type: uint('Node Type', 8, { mask: 0x0c, strings: NODE_TYPES }),
  dgram_id: hex('Datagram ID', 16),
  'src.ip': ipv4('Source IP'),
  'src.port': uint('Source Port', 16),
  dgram_len: uint('Datagram length', 16, { unit: 'bytes' }),
  pkt_offset: uint('Packet offset', 16, { unit: 'bytes' }),
  error_code: hex('Error code', 8, { strings: ERRORS }),
  source_name: str('Source name'),
  destination_name: str('Destination name'),
});

export function dissectNBDGM(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('nbdgm');
  pinfo.setProto('NBDS');
  const type = tvb.u8(o);
  if (pinfo.wantInfo) pinfo.setInfo(TYPES.get(type) ?? `Unknown message type (0x${hex2(type)})`);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  let open = true;
  try {
    tree.add(F.type, tvb, o, 1, type);
    const flags = tvb.u8(o + 1);
    tree.push(F.flags, tvb, o + 1, 1, flags);
    if (tree.full) {
      let label = `Flags: 0x${flags.toString(16).padStart(2, '0')}`;
      if (flags & 1) label += ', More fragments follow';
      if (flags & 2) label += ', This is first fragment';
      label += `, Node Type: ${NODE_TYPES.get((flags >> 2) & 3) ?? 'Unknown'}`;
      tree.label(label);
    }
    tree.add(F.next, tvb, o + 1, 1, (flags & 1) !== 0);
    tree.add(F.first, tvb, o + 1, 1, (flags & 2) !== 0);
    tree.add(F.node_type, tvb, o + 1, 1, (flags >> 2) & 3);
    tree.pop();
    tree.add(F.dgram_id, tvb, o + 2, 2, tvb.u16(o + 2));
    tree.add(F['src.ip'], tvb, o + 4, 4, tvb.u32(o + 4));
    tree.add(F['src.port'], tvb, o + 8, 2, tvb.u16(o + 8));
    let p = o + 10;
    if (type >= 0x10 && type <= 0x12) {
      tree.add(F.dgram_len, tvb, p, 2, tvb.u16(p));
      tree.add(F.pkt_offset, tvb, p + 2, 2, tvb.u16(p + 2));
      p += 4;
      p += name(tvb, p, F.source_name, tree);
      p += name(tvb, p, F.destination_name, tree);
      tree.pop(p - o);
      open = false;
      netbiosPayload(tvb.sub(p), pinfo, tree);
    } else if (type === 0x13) {
      tree.add(F.error_code, tvb, p, 1, tvb.u8(p));
      tree.pop(p + 1 - o);
      open = false;
    } else if (type >= 0x14 && type <= 0x16) {
      p += name(tvb, p, F.destination_name, tree);
      tree.pop(p - o);
      open = false;
    }
  } finally {
    if (open) tree.pop();
  }
  return tvb.remaining(o);
}

/** A NetBIOS name as Wireshark's add_name_and_type shows it; returns the bytes it took. */
function name(tvb: Tvb, at: number, def: (typeof F)['source_name'], tree: Tree): number {
  const n = readNbName(tvb, at, at);
  tree.add(def, tvb, at, n.used, n.text);
  if (tree.full && n.suffix >= 0)
    tree.labelLast(`${def.name}: ${n.text} (${SUFFIXES.get(n.suffix) ?? 'Unknown'})`);
  return n.used;
}

const hex2 = (v: number): string => v.toString(16).toUpperCase().padStart(2, '0');

export const nbdgmModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', 138, dissectNBDGM);
  },
};
