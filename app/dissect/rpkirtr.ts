// The RPKI to Router protocol (RFC 6810, 8210) on TCP 323: one PDU after another by its length
// (TCP reassembly joins cut ones), each named in Info as tshark 4.0 does (`Serial Notify, …`).
import { bool, bytes, fields, hex, ipv4, ipv6, names, proto, str, uint } from './field.ts';
import { expert } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { appendInfo, tcpDissectPdus, type PduSpec } from './tcp-pdus.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TYPES = names({
  0: 'Serial Notify',
  1: 'Serial Query',
  2: 'Reset Query',
  3: 'Cache Response',
  4: 'IPv4 Prefix',
  6: 'IPv6 Prefix',
  7: 'End of Data',
  8: 'Cache Reset',
  9: 'Router Key',
  10: 'Error Report',
});
const ERRORS = names({
  0: 'Corrupt Data',
  1: 'Internal Error',
  2: 'No Data Available',
  3: 'Invalid Request',
  4: 'Unsupported Protocol Version',
  5: 'Unsupported PDU Type',
  6: 'Withdrawal of Unknown Record',
  7: 'Duplicate Announcement Received',
  8: 'Unexpected Protocol Version',
});

/** The protocol's filter name is `rpkirtr`; its fields are `rpki-rtr.*`. */
const P = fields('rpkirtr', { '': proto('RPKI-Router Protocol') });

export const F = fields('rpki-rtr', {
  version: uint('Version', 8),
  pdu_type: uint('PDU Type', 8, { strings: TYPES }),
  reserved: bytes('Reserved'),
  session_id: uint('Session ID', 16),
  length: uint('Length', 32),
  serial_number: uint('Serial Number', 32),
  flags: hex('Flags', 8),
  'flags.aw': bool('Flag AW', 8, 0x01),
  prefix_length: uint('Prefix Length', 8),
  max_length: uint('Max length', 8),
  ipv4_prefix: ipv4('IPv4 Prefix'),
  ipv6_prefix: ipv6('IPv6 Prefix'),
  as_number: uint('AS Number', 32),
  error_code: uint('Error Code', 16, { strings: ERRORS }),
  length_pdu: uint('Length of Encapsulated PDU', 32),
  error_pdu: bytes('Erroneous PDU'),
  length_text: uint('Length of text', 32),
  error_text: str('Erroneous Text'),
  refresh_interval: uint('Refresh Interval', 32),
  retry_interval: uint('Retry Interval', 32),
  expire_interval: uint('Expire Interval', 32),
  subject_key_identifier: bytes('Subject Key Identifier'),
});

export function dissectRPKIRTR(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  pinfo.layers.push('rpkirtr');
  pinfo.setProto('RPKI-RTR');
  if (pinfo.wantInfo) pinfo.setInfo('');
  return tcpDissectPdus(tvb, pinfo, tree, PDUS);
}

const PDUS: PduSpec = {
  fixed: 8,
  length: (tvb, at) => tvb.u32(at + 4),
  dissect: pdu,
  name: 'RPKI-Router Protocol',
};

/**
 * One PDU as TCP framed it. Wireshark walks it as a sequence of PDUs (usually one): each known
 * type takes its fixed layout, an unknown one skips by the word after its type, and whatever is
 * left is read as another PDU.
 */
function pdu(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  for (let o = tvb.start; tvb.reportedRemaining(o) > 0;) {
    const next = one(tvb, pinfo, tree, o);
    if (next <= o) break;
    o = next;
  }
}

/** The PDU at `o`; returns where the next one starts (`o` or less: stop). */
function one(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number): number {
  const version = tvb.u8(o);
  const type = tvb.u8(o + 1);
  const name = TYPES.get(type) ?? `Unknown (${type})`;
  appendInfo(pinfo, name);
  tree.push(P[''], tvb, o, tvb.remaining(o));
  if (tree.full) tree.label(`${P[''].name} (${name})`);
  try {
    tree.add(F.version, tvb, o, 1, version);
    tree.add(F.pdu_type, tvb, o + 1, 1, type);
    const session = (): void => tree.add(F.session_id, tvb, o + 2, 2, tvb.u16(o + 2));
    const reserved = (): void => {
      tvb.need(o + 2, 2);
      tree.add(F.reserved, tvb, o + 2, 2);
    };
    const length = (): number => {
      const len = tvb.u32(o + 4);
      tree.add(F.length, tvb, o + 4, 4, len);
      return len;
    };
    switch (type) {
      case 0:
      case 1:
        session();
        length();
        tree.add(F.serial_number, tvb, o + 8, 4, tvb.u32(o + 8));
        return o + 12;
      case 2:
      case 8:
        reserved();
        length();
        return o + 8;
      case 3:
        session();
        length();
        return o + 8;
      case 4:
      case 6: {
        reserved();
        length();
        const flags = tvb.u8(o + 8);
        tree.push(F.flags, tvb, o + 8, 1, flags);
        tree.add(F['flags.aw'], tvb, o + 8, 1, (flags & 1) !== 0);
        tree.pop();
        tree.add(F.prefix_length, tvb, o + 9, 1, tvb.u8(o + 9));
        tree.add(F.max_length, tvb, o + 10, 1, tvb.u8(o + 10));
        tvb.need(o + 11, 1);
        tree.add(F.reserved, tvb, o + 11, 1);
        if (type === 4) {
          tree.add(F.ipv4_prefix, tvb, o + 12, 4, tvb.u32(o + 12));
          tree.add(F.as_number, tvb, o + 16, 4, tvb.u32(o + 16));
          return o + 20;
        }
        tvb.need(o + 12, 16);
        tree.add(F.ipv6_prefix, tvb, o + 12, 16);
        tree.add(F.as_number, tvb, o + 28, 4, tvb.u32(o + 28));
        return o + 32;
      }
      case 7:
        session();
        length();
        tree.add(F.serial_number, tvb, o + 8, 4, tvb.u32(o + 8));
        if (version < 1) return o + 12;
        tree.add(F.refresh_interval, tvb, o + 12, 4, tvb.u32(o + 12));
        tree.add(F.retry_interval, tvb, o + 16, 4, tvb.u32(o + 16));
        tree.add(F.expire_interval, tvb, o + 20, 4, tvb.u32(o + 20));
        return o + 24;
      case 9: {
        const len = length();
        tvb.need(o + 8, 20);
        tree.add(F.subject_key_identifier, tvb, o + 8, 20);
        tree.add(F.as_number, tvb, o + 28, 4, tvb.u32(o + 28));
        return o + Math.max(len, 32);
      }
      case 10: {
        tree.add(F.error_code, tvb, o + 2, 2, tvb.u16(o + 2));
        length();
        const plen = tvb.u32(o + 8);
        tree.add(F.length_pdu, tvb, o + 8, 4, plen);
        tvb.need(o + 12, plen);
        if (plen > 0) tree.add(F.error_pdu, tvb, o + 12, plen);
        const t = o + 12 + plen;
        const tlen = tvb.u32(t);
        tree.add(F.length_text, tvb, t, 4, tlen);
        if (tlen > 0) tree.add(F.error_text, tvb, t + 4, tlen, tvb.ascii(t + 4, tlen));
        return t + 4 + tlen;
      }
      default: {
        // tshark 4.0 skips by the word after the type (not the length field), checked against the PDU.
        const skip = tvb.u32(o + 2);
        if (skip > tvb.reportedRemaining(tvb.start)) {
          expert(pinfo, tree, tvb, o + 1, 1, 'Error', 'Malformed', 'Invalid length field');
          return o;
        }
        return o + 2 + skip;
      }
    }
  } finally {
    tree.pop();
  }
}

export const rpkirtrModule = {
  fields: { ...P, ...F },
  handoff(reg: Registry): void {
    reg.register('tcpPort', 323, dissectRPKIRTR);
  },
};
