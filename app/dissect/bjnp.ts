// Canon BJNP on UDP 8611-8614 (printer and scanner discovery and jobs): the 16-byte header, as
// tshark 4.0 shows it. A datagram that does not start with a printable character is not BJNP.
import { bytes, fields, names, proto, str, uint } from './field.ts';
import { stringValue } from './text-format.ts';
import { addStringItem } from './tvb-items.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const DEV_TYPES = names({
  0x01: 'Printer Command',
  0x02: 'Scanner Command',
  0x81: 'Printer Response',
  0x82: 'Scanner Response',
});
const CMD_CODES = names({
  0x01: 'Discover',
  0x10: 'Print Job Details',
  0x11: 'Request Closure',
  0x20: 'Get Printer Status',
  0x21: 'Print',
  0x30: 'Get Printer Identity',
  0x32: 'Scan Job Details',
});

export const F = fields('bjnp', {
  '': proto('Canon BJNP'),
  id: str('Id'),
  type: uint('Type', 8, { strings: DEV_TYPES }),
  code: uint('Code', 8, { strings: CMD_CODES }),
  seq_no: uint('Sequence Number', 32),
  session_id: uint('Session Id', 16),
  payload_len: uint('Payload Length', 32),
  payload: bytes('Payload'),
});

const PORTS = [8611, 8612, 8613, 8614];

const isPrint = (c: number): boolean => c >= 0x20 && c < 0x7f;

export function dissectBJNP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  if (!isPrint(tvb.u8(o))) return 0;
  pinfo.layers.push('bjnp');
  pinfo.setProto('BJNP');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    tvb.need(o, 4);
    addStringItem(pinfo, tree, F.id, tvb, o, 4, stringValue(tvb.bytes, o, o + 4, true));
    const type = tvb.u8(o + 4);
    tree.add(F.type, tvb, o + 4, 1, type);
    const code = tvb.u8(o + 5);
    tree.add(F.code, tvb, o + 5, 1, code);
    const summary = `${DEV_TYPES.get(type) ?? `Unknown type (${type})`}: ${CMD_CODES.get(code) ?? `Unknown code (${code})`}`;
    if (tree.full) tree.label(`Canon BJNP, ${summary}`);
    if (pinfo.wantInfo) pinfo.setInfo(summary);
    tree.add(F.seq_no, tvb, o + 6, 4, tvb.u32(o + 6));
    tree.add(F.session_id, tvb, o + 10, 2, tvb.u16(o + 10));
    const payloadLength = tvb.u32(o + 12);
    tree.add(F.payload_len, tvb, o + 12, 4, payloadLength);
    if (payloadLength === 0) return 16;
    // Wireshark passes the length as a signed int: 0xffffffff is -1, "to the end".
    const shown = payloadLength === 0xffffffff ? tvb.remaining(o + 16) : payloadLength;
    tvb.need(o + 16, shown);
    tree.add(F.payload, tvb, o + 16, shown);
    return 16 + shown;
  } finally {
    tree.pop();
  }
}

export const bjnpModule = {
  fields: F,
  handoff(reg: Registry): void {
    for (const port of PORTS) reg.register('udpPort', port, dissectBJNP);
  },
};
