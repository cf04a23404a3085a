// IEEE 802.1ag / Y.1731 Connectivity Fault Management (ethertype 0x8902): the common header
// (MD level, version, opcode, flags, first TLV offset), then the TLVs from that offset up to the
// End TLV. The opcode-specific fields before the TLVs are skipped, not decoded.
import { fields, hex, names, proto, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

/** Wireshark's opcode type names. */
const OPCODES = names({
  0: 'Reserved for IEEE 802.1',
  1: 'Continuity Check Message (CCM)',
  2: 'Loopback Reply (LBR)',
  3: 'Loopback Message (LBM)',
  4: 'Linktrace Reply (LTR)',
  5: 'Linktrace Message (LTM)',
  32: 'Generic Notification Message (GNM)',
  33: 'Alarm Indication Signal (AIS)',
  35: 'Lock Signal (LCK)',
  37: 'Test Signal (TST)',
  39: 'Automatic Protection Switching (APS)',
  40: 'Ring-Automatic Protection Switching (R-APS)',
  41: 'Maintenance Communication Channel (MCC)',
  43: 'Loss Measurement Message (LMM)',
  42: 'Loss Measurement Reply (LMR)',
  45: 'One Way Delay Measurement (1DM)',
  47: 'Delay Measurement Message (DMM)',
  46: 'Delay Measurement Reply (DMR)',
  49: 'Experimental OAM Message (EXM)',
  48: 'Experimental OAM Reply (EXR)',
  51: 'Vendor Specific Message (VSM)',
  50: 'Vendor Specific Reply (VSR)',
  52: 'Client Signal Fail (CSF)',
  53: 'One Way Synthetic Loss Measurement (1SL)',
  55: 'Synthetic Loss Message (SLM)',
  54: 'Synthetic Loss Reply (SLR)',
});

export const F = fields('cfm', {
  '': proto('CFM EOAM 802.1ag/ITU Protocol'),
  md_level: uint('CFM MD Level', 8, { mask: 0xe0 }),
  version: uint('CFM Version', 8, { mask: 0x1f }),
  opcode: uint('CFM OpCode', 8, { strings: OPCODES }),
  flags: hex('Flags', 8),
  first_tlv_offset: uint('First TLV Offset', 8),
  tlv_type: uint('TLV Type', 8),
  tlv_length: uint('TLV Length', 16),
});

const HEADER = 4;
const END_TLV = 0;

export function dissectCfm(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('cfm');
  pinfo.setProto('CFM');
  const opcode = tvb.u8(o + 1);
  const name = OPCODES.get(opcode) ?? `Unknown (0x${opcode.toString(16).padStart(2, '0')})`;
  if (pinfo.wantInfo) pinfo.setInfo(`Type ${name}`);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  if (tree.full) tree.label(`${F[''].name}, Type ${name}`);
  const first = tvb.u8(o);
  tree.add(F.md_level, tvb, o, 1, first >> 5);
  tree.add(F.version, tvb, o, 1, first & 0x1f);
  tree.add(F.opcode, tvb, o + 1, 1, opcode);
  tree.add(F.flags, tvb, o + 2, 1, tvb.u8(o + 2));
  const offset = tvb.u8(o + 3);
  tree.add(F.first_tlv_offset, tvb, o + 3, 1, offset);
  let p = o + HEADER + offset;
  for (;;) {
    const type = tvb.u8(p);
    tree.add(F.tlv_type, tvb, p, 1, type);
    if (type === END_TLV) break;
    const length = tvb.u16(p + 1);
    tree.add(F.tlv_length, tvb, p + 1, 2, length);
    tvb.need(p + 3, length);
    p += 3 + length;
  }
  tree.pop();
  return tvb.remaining(o);
}

export const cfmModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('etherType', 0x8902, dissectCfm);
  },
};
