// Cisco UniDirectional Link Detection (SNAP, Cisco PID 0x0111): version and opcode, flags, a
// checksum, then type-length-value fields. The Info column names the device and port as CDP's
// does; a TLV shorter than its own header ends the walk and the rest is data.
import { dissectData } from './data.ts';
import { expertInfo } from './dissect.ts';
import { fields, hex, names, proto, str, text, uint } from './field.ts';
import { snapKey } from './llc.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TLV = { DEVICE_ID: 1, PORT_ID: 2 };
const TLV_TYPES = names({
  1: 'Device ID',
  2: 'Port ID',
  3: 'Echo',
  4: 'Message interval',
  5: 'Timeout interval',
  6: 'Device name',
  7: 'Sequence number',
});
const OPCODES = names({ 0: 'Reserved', 1: 'Probe', 2: 'Echo', 3: 'Flush' });

export const F = fields('udld', {
  '': proto('Unidirectional Link Detection'),
  version: uint('Version', 8, { mask: 0xe0 }),
  opcode: uint('Opcode', 8, { mask: 0x1f, strings: OPCODES }),
  flags: uint('Flags', 8),
  'flags.rt': hex('Recommended timeout', 8, { mask: 0x01 }),
  'flags.rsy': hex('ReSynch', 8, { mask: 0x02 }),
  checksum: hex('Checksum', 16),
  _tlv: text('TLV'),
  'tlv.type': hex('Type', 16, { strings: TLV_TYPES }),
  'tlv.len': uint('Length', 16),
  device_id: str('Device ID'),
  sent_through_interface: str('Sent through Interface'),
});

const HEADER = 4;
const TLV_HEADER = 4;

export function dissectUdld(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('udld');
  pinfo.setProto('UDLD');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  const first = tvb.u8(o);
  tree.add(F.version, tvb, o, 1, first >> 5);
  tree.add(F.opcode, tvb, o, 1, first & 0x1f);
  const flags = tvb.u8(o + 1);
  tree.add(F.flags, tvb, o + 1, 1, flags);
  tree.add(F['flags.rt'], tvb, o + 1, 1, flags & 0x01);
  tree.add(F['flags.rsy'], tvb, o + 1, 1, (flags & 0x02) >> 1);
  tree.add(F.checksum, tvb, o + 2, 2, tvb.u16(o + 2));
  let p = o + HEADER;
  let info = '';
  while (tvb.reportedRemaining(p) > 0) {
    const type = tvb.u16(p);
    const length = tvb.u16(p + 2);
    if (length < TLV_HEADER) {
      tree.add(F['tlv.type'], tvb, p, 2, type);
      tree.add(F['tlv.len'], tvb, p + 2, 2, length);
      expertInfo(tree, tvb, p, TLV_HEADER, 'Warning', 'Protocol', 'TLV with invalid length (< 4)');
      p += TLV_HEADER;
      break;
    }
    tree.push(F._tlv, tvb, p, length);
    tree.add(F['tlv.type'], tvb, p, 2, type);
    tree.add(F['tlv.len'], tvb, p + 2, 2, length);
    const value = tvb.ascii(p + TLV_HEADER, length - TLV_HEADER);
    if (type === TLV.DEVICE_ID) {
      tree.add(F.device_id, tvb, p + TLV_HEADER, length - TLV_HEADER, value.replace(/\0.*$/, ''));
      info += `Device ID: ${value.replace(/\0.*$/, '')}  `;
    } else if (type === TLV.PORT_ID) {
      tree.add(F.sent_through_interface, tvb, p + TLV_HEADER, length - TLV_HEADER, value);
      info += `Port ID: ${value}  `;
    }
    tree.pop(
      undefined,
      tree.full ? `Type: ${TLV_TYPES.get(type) ?? 'Unknown'}, length: ${length}` : undefined,
    );
    p += length;
  }
  if (pinfo.wantInfo) pinfo.setInfo(info);
  tree.pop(p - o);
  if (tvb.remaining(p) > 0) dissectData(tvb.sub(p), pinfo, tree);
  return tvb.remaining(o);
}

export const udldModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('llcSap', snapKey(0x00000c, 0x0111), dissectUdld);
  },
};
