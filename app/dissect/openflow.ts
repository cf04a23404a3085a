// OpenFlow on TCP 6633 and 6653: the `openflow` layer once per segment, then for each message its
// version's layer (`openflow_v1`, `openflow_v4`, …) and the common header, as tshark 4.0 shows
// them (Protocol OpenFlow, Info `Type: OFPT_…` of the last message). A message cut by the segment
// asks TCP for more. Message bodies are not decoded, except that an OpenFlow 1.0 FLOW_MOD without
// actions is malformed, as tshark 4.0 reads an action header past its end.
import { fields, hex, names, proto, uint, type FieldDef } from './field.ts';
import { expert } from './ip-proto.ts';
import { DESEGMENT_ONE_MORE_SEGMENT, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { setConversationDissector, tcpLayer } from './tcp.ts';
import type { Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';

const VERSIONS = names({ 1: '1.0', 2: '1.1', 3: '1.2', 4: '1.3', 5: '1.4', 6: '1.5' });

const V1_TYPES = names({
  0: 'OFPT_HELLO',
  1: 'OFPT_ERROR',
  2: 'OFPT_ECHO_REQUEST',
  3: 'OFPT_ECHO_REPLY',
  4: 'OFPT_VENDOR',
  5: 'OFPT_FEATURES_REQUEST',
  6: 'OFPT_FEATURES_REPLY',
  7: 'OFPT_GET_CONFIG_REQUEST',
  8: 'OFPT_GET_CONFIG_REPLY',
  9: 'OFPT_SET_CONFIG',
  10: 'OFPT_PACKET_IN',
  11: 'OFPT_FLOW_REMOVED',
  12: 'OFPT_PORT_STATUS',
  13: 'OFPT_PACKET_OUT',
  14: 'OFPT_FLOW_MOD',
  15: 'OFPT_PORT_MOD',
  16: 'OFPT_STATS_REQUEST',
  17: 'OFPT_STATS_REPLY',
  18: 'OFPT_BARRIER_REQUEST',
  19: 'OFPT_BARRIER_REPLY',
  20: 'OFPT_QUEUE_GET_CONFIG_REQUEST',
  21: 'OFPT_QUEUE_GET_CONFIG_REPLY',
});

/** OpenFlow 1.3 to 1.5 share these numbers (1.4 and 1.5 add a few). */
const V4_TYPES = names({
  0: 'OFPT_HELLO',
  1: 'OFPT_ERROR',
  2: 'OFPT_ECHO_REQUEST',
  3: 'OFPT_ECHO_REPLY',
  4: 'OFPT_EXPERIMENTER',
  5: 'OFPT_FEATURES_REQUEST',
  6: 'OFPT_FEATURES_REPLY',
  7: 'OFPT_GET_CONFIG_REQUEST',
  8: 'OFPT_GET_CONFIG_REPLY',
  9: 'OFPT_SET_CONFIG',
  10: 'OFPT_PACKET_IN',
  11: 'OFPT_FLOW_REMOVED',
  12: 'OFPT_PORT_STATUS',
  13: 'OFPT_PACKET_OUT',
  14: 'OFPT_FLOW_MOD',
  15: 'OFPT_GROUP_MOD',
  16: 'OFPT_PORT_MOD',
  17: 'OFPT_TABLE_MOD',
  18: 'OFPT_MULTIPART_REQUEST',
  19: 'OFPT_MULTIPART_REPLY',
  20: 'OFPT_BARRIER_REQUEST',
  21: 'OFPT_BARRIER_REPLY',
  22: 'OFPT_QUEUE_GET_CONFIG_REQUEST',
  23: 'OFPT_QUEUE_GET_CONFIG_REPLY',
  24: 'OFPT_ROLE_REQUEST',
  25: 'OFPT_ROLE_REPLY',
  26: 'OFPT_GET_ASYNC_REQUEST',
  27: 'OFPT_GET_ASYNC_REPLY',
  28: 'OFPT_SET_ASYNC',
  29: 'OFPT_METER_MOD',
  30: 'OFPT_ROLE_STATUS',
  31: 'OFPT_TABLE_STATUS',
  32: 'OFPT_REQUESTFORWARD',
  33: 'OFPT_BUNDLE_CONTROL',
  34: 'OFPT_BUNDLE_ADD_MESSAGE',
  35: 'OFPT_CONTROLLER_STATUS',
});

export const F = fields('openflow', {
  '': proto('OpenFlow'),
  version: hex('Version', 8, { mask: 0x7f, strings: VERSIONS }),
  length: uint('Length', 16),
  xid: uint('Transaction ID', 32),
});

const V1 = fields('openflow_v1', {
  '': proto('OpenFlow 1.0'),
  'type.undecoded': uint('Message data not dissected yet', 8),
});
const V1_TYPE = fields('openflow_1_0', { type: uint('Type', 8, { strings: V1_TYPES }) });
/** The header fields of OpenFlow 1.3 and later, which each version names under its own prefix. */
const versionFields = (prefix: string, name: string) =>
  fields(prefix, {
    '': proto(name),
    version: hex('Version', 8, { mask: 0x7f, strings: VERSIONS }),
    type: uint('Type', 8, { strings: V4_TYPES }),
    length: uint('Length', 16),
    xid: uint('Transaction ID', 32),
  });
const V4 = versionFields('openflow_v4', 'OpenFlow 1.3');
const V5 = versionFields('openflow_v5', 'OpenFlow 1.4');
const V6 = versionFields('openflow_v6', 'OpenFlow 1.5');

/** Each version's layer name, protocol item and type field. */
const VERSION_LAYERS = new Map([
  [1, { layer: 'openflow_v1', item: V1[''], head: { ...F, type: V1_TYPE.type }, names: V1_TYPES }],
  [4, { layer: 'openflow_v4', item: V4[''], head: V4, names: V4_TYPES }],
  [5, { layer: 'openflow_v5', item: V5[''], head: V5, names: V4_TYPES }],
  [6, { layer: 'openflow_v6', item: V6[''], head: V6, names: V4_TYPES }],
]);

const IANA_PORT = 6653;
const LEGACY_PORT = 6633;
/** Where the Ethernet frame starts in a packet-in or packet-out, 0 for other messages. */
function frameOffset(tvb: Tvb, p: number, version: number, type: number): number {
  if (version === 1 && type === 10) return 18;
  if (version === 1 && type === 13 && tvb.has(p, 16)) return 16 + tvb.u16(p + 14);
  if (version >= 4 && type === 13 && tvb.has(p, 24)) return 24 + tvb.u16(p + 16);
  return 0;
}
const HEADER = 8;
const V1_FLOW_MOD = 14;
/** OpenFlow 1.0's flow_mod without actions (tshark 4.0 reads past it). */
const V1_FLOW_MOD_FIXED = 72;

/**
 * The legacy port 6633 is tshark's heuristic: a segment to it claims the stream for OpenFlow
 * (both directions from then on); one from it before that stays data.
 */
function heuristicOpenFlow(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  if (pinfo.dstPort !== LEGACY_PORT) return false;
  if (tcpLayer.stream >= 0) setConversationDissector(pinfo, tcpLayer.stream, dissectOpenFlow);
  dissectOpenFlow(tvb, pinfo, tree);
  return true;
}

export function dissectOpenFlow(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const end = o + tvb.remaining(o);
  // A first message cut by the segment leaves the columns to TCP (tshark's tcp_dissect_pdus).
  if (askMore(tvb, o, end, o, pinfo)) return end - o;
  pinfo.layers.push('openflow');
  pinfo.setProto('OpenFlow');
  if (pinfo.wantInfo) pinfo.setInfo('');
  let p = o;
  while (p < end) {
    if (askMore(tvb, p, end, o, pinfo)) return end - o;
    const length = tvb.u16(p + 2);
    dissectMessage(tvb, p, pinfo, tree);
    p += Math.max(length, HEADER);
  }
  return end - o;
}

/** Asks TCP for the rest of a message cut by the segment at `p`; true when it did. */
function askMore(tvb: Tvb, p: number, end: number, o: number, pinfo: PacketInfo): boolean {
  const whole = end - p >= HEADER && end - p >= tvb.u16(p + 2);
  if (whole || !pinfo.canDesegment) return false;
  pinfo.desegmentOffset = p - o;
  pinfo.desegmentLen = end - p < HEADER ? DESEGMENT_ONE_MORE_SEGMENT : tvb.u16(p + 2) - (end - p);
  return true;
}

function dissectMessage(tvb: Tvb, p: number, pinfo: PacketInfo, tree: Tree): void {
  const version = tvb.u8(p) & 0x7f;
  const v = VERSION_LAYERS.get(version);
  if (!v) {
    tree.push(F[''], tvb, p, tvb.remaining(p));
    tree.add(F.version, tvb, p, 1, version);
    tree.pop();
    return;
  }
  pinfo.layers.push(v.layer);
  const type = tvb.u8(p + 1);
  const length = tvb.u16(p + 2);
  if (pinfo.wantInfo) pinfo.setInfo(`Type: ${v.names.get(type) ?? `Unknown (${type})`}`);
  tree.push(v.item, tvb, p, Math.min(Math.max(length, HEADER), tvb.remaining(p)));
  try {
    tree.add(v.head.version, tvb, p, 1, version);
    tree.push(v.head.type, tvb, p + 1, 1, type);
    if (length > HEADER && !(version === 1 && type === V1_FLOW_MOD))
      expert(pinfo, tree, tvb, p + 1, 1, 'Warning', 'Undecoded', 'Message data not dissected yet');
    tree.pop();
    tree.add(v.head.length, tvb, p + 2, 2, length);
    tree.add(v.head.xid, tvb, p + 4, 4, tvb.u32(p + 4));
    const frame = frameOffset(tvb, p, version, type);
    if (frame > 0 && length > frame) carriedFrame(tvb.sub(p + frame, length - frame), pinfo, tree);
    if (version === 1 && type === V1_FLOW_MOD && length <= V1_FLOW_MOD_FIXED) {
      tvb.need(p, Math.min(length, V1_FLOW_MOD_FIXED));
      pinfo.currentProto = v.layer;
      throw new MalformedError('Malformed Packet', p + length);
    }
  } finally {
    tree.pop();
  }
}

/** A packet-in's frame, decoded as Ethernet with the columns and addresses left as they are. */
function carriedFrame(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const saved = {
    proto: pinfo.proto,
    info: pinfo.info,
    dlSrc: pinfo.dlSrc,
    dlDst: pinfo.dlDst,
    netKind: pinfo.netKind,
    netSrc: pinfo.netSrc,
    netDst: pinfo.netDst,
    srcPort: pinfo.srcPort,
    dstPort: pinfo.dstPort,
  };
  tree.reopen(null);
  try {
    pinfo.registry.call('linkType', 1, tvb, pinfo, tree);
  } finally {
    tree.pop();
    Object.assign(pinfo, saved);
  }
}

export const openflowModule = {
  fields: [F, V1, V1_TYPE, V4, V5, V6]
    .flatMap((f) => Object.values(f))
    .reduce<Record<string, FieldDef>>((all, def) => ({ ...all, [def.abbrev]: def }), {}),
  handoff(reg: Registry): void {
    reg.register('tcpPort', IANA_PORT, dissectOpenFlow);
    reg.heuristics.tcp.push(heuristicOpenFlow);
  },
};
