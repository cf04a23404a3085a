// Q.933 (Frame Relay signalling, NLPID 0x08 on DLCI 0: the link integrity STATUS ENQUIRY and
// STATUS messages): protocol discriminator, call reference, message type, then information
// elements, single-octet or type-length-value (their contents are not decoded).
import { fields, hex, names, proto, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const MESSAGE_TYPES = names({
  0x0: 'ESCAPE',
  0x1: 'ALERTING',
  0x2: 'CALL PROCEEDING',
  0x7: 'CONNECT',
  0xf: 'CONNECT ACKNOWLEDGE',
  0x3: 'PROGRESS',
  0x5: 'SETUP',
  0x45: 'DISCONNECT',
  0x4d: 'RELEASE',
  0x5a: 'RELEASE COMPLETE',
  0x60: 'SEGMENT',
  0x7d: 'STATUS',
  0x75: 'STATUS ENQUIRY',
});

export const F = fields('q933', {
  '': proto('Q.933'),
  disc: hex('Protocol discriminator', 8, { strings: names({ 0x08: 'Q.933' }) }),
  call_ref_len: uint('Call reference value length', 8, { mask: 0x0f }),
  message_type: hex('Message type', 8, { strings: MESSAGE_TYPES }),
  ie: hex('Information element', 8),
  ie_length: uint('Length', 8),
});

/** Information elements with bit 8 set are a single octet (shifts, more data...). */
const SINGLE_OCTET = 0x80;

export function dissectQ933(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('q933');
  pinfo.setProto('Q.933');
  pinfo.currentProto = 'Q.933';
  tree.push(F[''], tvb, o, tvb.remaining(o));
  tree.add(F.disc, tvb, o, 1, tvb.u8(o));
  const refLength = tvb.u8(o + 1) & 0x0f;
  tree.add(F.call_ref_len, tvb, o + 1, 1, refLength);
  let p = o + 2 + refLength;
  const type = tvb.u8(p);
  tree.add(F.message_type, tvb, p, 1, type);
  if (pinfo.wantInfo)
    pinfo.setInfo(
      MESSAGE_TYPES.get(type) ?? `Unknown message type (0x${type.toString(16).padStart(2, '0')})`,
    );
  p += 1;
  while (tvb.reportedRemaining(p) > 0) {
    const ie = tvb.u8(p);
    tree.add(F.ie, tvb, p, 1, ie);
    if (ie & SINGLE_OCTET) {
      p += 1;
      continue;
    }
    const length = tvb.u8(p + 1);
    tree.add(F.ie_length, tvb, p + 1, 1, length);
    tvb.need(p + 2, length);
    p += 2 + length;
  }
  tree.pop();
  return tvb.remaining(o);
}

export const q933Module = { fields: F };
