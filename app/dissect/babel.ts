// The Babel routing protocol (RFC 8966) on UDP 6696: the header and each message (and those of
// the packet trailer) by type and length, hello and ihu in some detail; Info lists the messages
// as tshark 4.0 does (`Babel hello ihu`).
import { bytes, fields, hex, names, proto, text, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TYPES = names({
  0: 'pad1',
  1: 'padn',
  2: 'ack-req',
  3: 'ack',
  4: 'hello',
  5: 'ihu',
  6: 'router-id',
  7: 'nh',
  8: 'update',
  9: 'request',
  10: 'mh-request',
  11: 'ts/pc (obsolete)',
  12: 'hmac',
  13: 'source-specific-update',
  14: 'source-specific-req',
  15: 'source-specific-mh-req',
  16: 'hmac',
  17: 'pc',
  18: 'challenge-request',
  19: 'challenge-reply',
});
/** Info words that differ from the type names (none in tshark 4.0; kept for unknown types). */
const INFO_NAMES = names({});

export const F = fields('babel', {
  '': proto('Babel Routing Protocol'),
  magic: uint('Magic', 8),
  version: uint('Version', 8),
  bodylen: uint('Body Length', 16),
  message: uint('Message', 8, { strings: TYPES }),
  'message.type': uint('Message Type', 8, { strings: TYPES }),
  'message.length': uint('Message Length', 8),
  'message.seqno': hex('Seqno', 16),
  'message.interval': uint('Interval', 16),
  'message.rxcost': hex('Rxcost', 16),
  'message.ae': uint('Address Encoding', 8),
  'message.flags': hex('Flags', 8),
  'message.plen': uint('Prefix Length', 8),
  'message.omitted': uint('Omitted Bytes', 8),
  'message.metric': uint('Metric', 16),
  'message.routerid': bytes('Router ID'),
  _body: bytes('Message body'),
  _trailer: text('Packet Trailer'),
});

export function dissectBabel(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  if (tvb.remaining(o) < 4 || tvb.u8(o) !== 42 || tvb.u8(o + 1) !== 2) return 0;
  pinfo.layers.push('babel');
  pinfo.setProto('Babel');
  const words = ['Babel'];
  if (pinfo.wantInfo) pinfo.setInfo('Babel');
  const bodylen = tvb.u16(o + 2);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    tree.add(F.magic, tvb, o, 1, 42);
    tree.add(F.version, tvb, o + 1, 1, 2);
    tree.add(F.bodylen, tvb, o + 2, 2, bodylen);
    const end = o + 4 + bodylen;
    let p = o + 4;
    const say = (type: number): void => {
      if (!pinfo.wantInfo) return;
      words.push(INFO_NAMES.get(type) ?? TYPES.get(type) ?? 'unknown');
      pinfo.setInfo(words.join(' '));
    };
    while (p < end) p = message(tvb, tree, p, say);
    if (tvb.reportedRemaining(end) > 0) {
      tree.push(F._trailer, tvb, end, tvb.remaining(end));
      for (let q = end; tvb.reportedRemaining(q) > 0;) q = message(tvb, tree, q, say);
      tree.pop();
    }
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

function message(tvb: Tvb, tree: Tree, p: number, say: (type: number) => void): number {
  const type = tvb.u8(p);
  say(type);
  if (type === 0) {
    tree.push(F.message, tvb, p, 1, type);
    if (tree.full) tree.label('Message pad1 (0)');
    tree.add(F['message.type'], tvb, p, 1, type);
    tree.pop();
    return p + 1;
  }
  const len = tvb.u8(p + 1);
  tree.push(F.message, tvb, p, 2 + len, type);
  if (tree.full) tree.label(`Message ${TYPES.get(type) ?? 'unknown'} (${type})`);
  tree.add(F['message.type'], tvb, p, 1, type);
  tree.add(F['message.length'], tvb, p + 1, 1, len);
  const v = p + 2;
  switch (type) {
    case 4:
      tree.add(F['message.seqno'], tvb, v + 2, 2, tvb.u16(v + 2));
      tree.add(F['message.interval'], tvb, v + 4, 2, tvb.u16(v + 4));
      break;
    case 5:
      tree.add(F['message.ae'], tvb, v, 1, tvb.u8(v));
      tree.add(F['message.rxcost'], tvb, v + 2, 2, tvb.u16(v + 2));
      tree.add(F['message.interval'], tvb, v + 4, 2, tvb.u16(v + 4));
      break;
    case 6:
      tvb.need(v + 2, 8);
      tree.add(F['message.routerid'], tvb, v + 2, 8);
      break;
    case 8:
      tree.add(F['message.ae'], tvb, v, 1, tvb.u8(v));
      tree.add(F['message.flags'], tvb, v + 1, 1, tvb.u8(v + 1));
      tree.add(F['message.plen'], tvb, v + 2, 1, tvb.u8(v + 2));
      tree.add(F['message.omitted'], tvb, v + 3, 1, tvb.u8(v + 3));
      tree.add(F['message.interval'], tvb, v + 4, 2, tvb.u16(v + 4));
      tree.add(F['message.seqno'], tvb, v + 6, 2, tvb.u16(v + 6));
      tree.add(F['message.metric'], tvb, v + 8, 2, tvb.u16(v + 8));
      break;
    case 9:
      tree.add(F['message.ae'], tvb, v, 1, tvb.u8(v));
      tree.add(F['message.plen'], tvb, v + 1, 1, tvb.u8(v + 1));
      break;
    default:
      break;
  }
  tree.pop();
  return v + len;
}

export const babelModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', 6696, dissectBabel);
  },
};
