// Pragmatic General Multicast (RFC 3208), IP protocol 113: the common header, each type's
// sequence number, options skipped by their lengths, ODATA/RDATA payloads as data, as tshark 4.0
// shows them (Info `ODATA sqn 0xd6a9 gsi 3329041eba74 tsdulen 105`).
import { formatHex } from '../format/address.ts';
import { dissectData } from './data.ts';
import { bool, bytes, fields, hex, names, proto, text, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TYPES = names({
  0x0: 'SPM',
  0x1: 'POLL',
  0x2: 'POLR',
  0x4: 'ODATA',
  0x5: 'RDATA',
  0x8: 'NAK',
  0x9: 'NNAK',
  0xa: 'NCF',
  0xd: 'ACK',
});

const PRESENT = ['Present', 'Not Present'] as const;
const POLL_SUBTYPES = names({ 0: 'General', 1: 'DLR' });

export const F = fields('pgm', {
  '': proto('Pragmatic General Multicast'),
  'hdr.sport': uint('Source Port', 16),
  'hdr.dport': uint('Destination Port', 16),
  port: uint('Port', 16, { hidden: true }),
  'hdr.type': hex('Type', 8, { strings: TYPES }),
  'hdr.opts': hex('Options', 8),
  'hdr.opts.opt': bool('Options', 8, 0x01, { tf: PRESENT }),
  'hdr.opts.netsig': bool('Network Significant Options', 8, 0x02, { tf: PRESENT }),
  'hdr.opts.varlen': bool('Variable length Parity Packet Option', 8, 0x40, { tf: PRESENT }),
  'hdr.opts.parity': bool('Parity', 8, 0x80, { tf: PRESENT }),
  'hdr.cksum': hex('Checksum', 16),
  'hdr.gsi': bytes('Global Source Identifier'),
  'hdr.tsdulen': uint('Transport Service Data Unit Length', 16),
  packet: text('Packet'),
  'spm.sqn': hex('Sequence number', 32),
  'poll.sqn': hex('Sequence Number', 32),
  'polr.sqn': hex('Sequence Number', 32),
  'nak.sqn': hex('Requested Sequence Number', 32),
  'ack.maxsqn': hex('Maximum Received Sequence Number', 32),
  'opts.type': hex('Type', 8),
  'opts.len': uint('Length', 8),
});

/** Each type's sequence number field and the length of its fixed part after the common header. */
const BODIES = new Map([
  [0x0, { sqn: F['spm.sqn'], fixed: 12 }],
  [0x1, { sqn: F['poll.sqn'], fixed: 8 }],
  [0x2, { sqn: F['polr.sqn'], fixed: 8 }],
  [0x4, { sqn: F['spm.sqn'], fixed: 8 }],
  [0x5, { sqn: F['spm.sqn'], fixed: 8 }],
  [0x8, { sqn: F['nak.sqn'], fixed: 4 }],
  [0x9, { sqn: F['nak.sqn'], fixed: 4 }],
  [0xa, { sqn: F['nak.sqn'], fixed: 4 }],
  [0xd, { sqn: F['ack.maxsqn'], fixed: 8 }],
]);

const HEADER = 16;
const OPT_PRESENT = 0x01;
const OPT_END = 0x80;

export function dissectPGM(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  // tshark leaves a packet of no PGM type to IP: data, Info naming protocol 113.
  if (tvb.remaining(o) >= 5 && !TYPES.has(tvb.u8(o + 4))) {
    if (pinfo.wantInfo) pinfo.setInfo('PGM (113)');
    dissectData(tvb, pinfo, tree);
    return tvb.remaining(o);
  }
  pinfo.layers.push('pgm');
  pinfo.setProto('PGM');
  const sport = tvb.u16(o);
  const dport = tvb.u16(o + 2);
  const type = tvb.u8(o + 4);
  const opts = tvb.u8(o + 5);
  tvb.need(o + 8, 8);
  const gsi = formatHex(tvb.bytes, o + 8, 6);
  const tsdulen = tvb.u16(o + 14);
  const name = TYPES.get(type) ?? 'Unknown';
  tree.push(F[''], tvb, o, tvb.remaining(o));
  if (tree.full) tree.label(`${F[''].name}: Type ${name} Src Port ${sport}, Dst Port ${dport}, GSI ${gsi}`);
  try {
    tree.add(F['hdr.sport'], tvb, o, 2, sport);
    tree.add(F['hdr.dport'], tvb, o + 2, 2, dport);
    tree.add(F.port, tvb, o, 2, sport);
    tree.add(F.port, tvb, o + 2, 2, dport);
    tree.add(F['hdr.type'], tvb, o + 4, 1, type);
    tree.push(F['hdr.opts'], tvb, o + 5, 1, opts);
    for (const def of [F['hdr.opts.opt'], F['hdr.opts.netsig'], F['hdr.opts.varlen'], F['hdr.opts.parity']])
      tree.add(def, tvb, o + 5, 1, (opts & (def.mask as number)) !== 0);
    tree.pop();
    tree.add(F['hdr.cksum'], tvb, o + 6, 2, tvb.u16(o + 6));
    tree.add(F['hdr.gsi'], tvb, o + 8, 6);
    tree.add(F['hdr.tsdulen'], tvb, o + 14, 2, tsdulen);
    const body = BODIES.get(type);
    if (pinfo.wantInfo) pinfo.setInfo(name.padEnd(5));
    if (!body) return tvb.remaining(o);
    const p = o + HEADER;
    const sqn = tvb.u32(p);
    tree.push(F.packet, tvb, p, body.fixed);
    if (tree.full) tree.label(`${name} Packet`);
    tree.add(body.sqn, tvb, p, 4, sqn);
    tree.pop();
    let info = `${name.padEnd(5)} sqn 0x${sqn.toString(16)} gsi ${gsi}`;
    if (type === 0x4 || type === 0x5) info += ` tsdulen ${tsdulen}`;
    if (type === 0x1) info += ` subtype ${POLL_SUBTYPES.get(tvb.u16(p + 6)) ?? 'Unknown'}`;
    if (pinfo.wantInfo) pinfo.setInfo(info);
    // A NAK, NNAK or NCF names its source and group by address family and address.
    if (type === 0x8 || type === 0x9 || type === 0xa) tvb.need(p + 4, 16);
    let q = p + body.fixed;
    if (opts & OPT_PRESENT) q = skipOptions(tvb, q, tree);
    tree.pop();
    if ((type === 0x4 || type === 0x5) && tvb.remaining(q) > 0) dissectData(tvb.sub(q), pinfo, tree);
    tree.reopen(null);
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

/** Options: the first gives their total length; each has type and length; OPT_END marks the last. */
function skipOptions(tvb: Tvb, p: number, tree: Tree): number {
  const total = tvb.u16(p + 2);
  const end = p + Math.max(total, 4);
  let q = p;
  while (q < end) {
    const type = tvb.u8(q);
    const len = tvb.u8(q + 1);
    tree.add(F['opts.type'], tvb, q, 1, type);
    tree.add(F['opts.len'], tvb, q + 1, 1, len);
    if (len < 2 || type & OPT_END) {
      q += Math.max(len, 2);
      break;
    }
    q += len;
  }
  return Math.max(q, end);
}

export const pgmModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('ipProto', 113, dissectPGM);
  },
};
