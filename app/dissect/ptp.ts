// Precision Time Protocol (IEEE 1588) on UDP 319/320 and ethertype 0x88f7: the version 2 common
// header and the timestamps of the timing messages, as tshark 4.0 shows them (Protocol PTPv2,
// Info the message type); version 1 messages by their control field (Protocol PTPv1).
import { bool, fields, hex, names, proto, uint, FieldType } from './field.ts';
import { expert } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const V2_TYPES = names({
  0: 'Sync Message',
  1: 'Delay_Req Message',
  2: 'Peer_Delay_Req Message',
  3: 'Peer_Delay_Resp Message',
  8: 'Follow_Up Message',
  9: 'Delay_Resp Message',
  10: 'Peer_Delay_Resp_Follow_Up Message',
  11: 'Announce Message',
  12: 'Signalling Message',
  13: 'Management Message',
});

const V1_CONTROL = names({
  0: 'Sync Message',
  1: 'Delay_Req Message',
  2: 'Follow_Up Message',
  3: 'Delay_Resp Message',
  4: 'Management Message',
});

const CONTROL = names({
  0: 'Sync Message',
  1: 'Delay_Req Message',
  2: 'Follow_Up Message',
  3: 'Delay_Resp Message',
  4: 'Management Message',
  5: 'Other Message',
});

const TF = ['True', 'False'] as const;

export const F = fields('ptp', {
  '': proto('Precision Time Protocol (IEEE1588)'),
  'v2.majorsdoid': hex('majorSdoId', 8, { mask: 0xf0, strings: names({ 1: 'CMLDS' }) }),
  'v2.messagetype': hex('messageType', 8, { mask: 0x0f, strings: V2_TYPES }),
  'v2.minorversionptp': uint('minorVersionPTP', 8, { mask: 0xf0 }),
  'v2.versionptp': uint('versionPTP', 8, { mask: 0x0f }),
  'v2.messagelength': uint('messageLength', 16),
  'v2.domainnumber': uint('domainNumber', 8),
  'v2.minorsdoid': uint('minorSdoId', 8),
  'v2.flags': hex('flags', 16),
  'v2.flags.security': bool('PTP_SECURITY', 16, 0x8000, { tf: TF }),
  'v2.flags.specific2': bool('PTP profile Specific 2', 16, 0x4000, { tf: TF }),
  'v2.flags.specific1': bool('PTP profile Specific 1', 16, 0x2000, { tf: TF }),
  'v2.flags.unicast': bool('PTP_UNICAST', 16, 0x0400, { tf: TF }),
  'v2.flags.twostep': bool('PTP_TWO_STEP', 16, 0x0200, { tf: TF }),
  'v2.flags.alternatemaster': bool('PTP_ALTERNATE_MASTER', 16, 0x0100, { tf: TF }),
  'v2.flags.synchronizationUncertain': bool('SYNCHRONIZATION_UNCERTAIN', 16, 0x0040, { tf: TF }),
  'v2.flags.frequencytraceable': bool('FREQUENCY_TRACEABLE', 16, 0x0020, { tf: TF }),
  'v2.flags.timetraceable': bool('TIME_TRACEABLE', 16, 0x0010, { tf: TF }),
  'v2.flags.timescale': bool('PTP_TIMESCALE', 16, 0x0008, { tf: TF }),
  'v2.flags.utcreasonable': bool('PTP_UTC_REASONABLE', 16, 0x0004, { tf: TF }),
  'v2.flags.li59': bool('PTP_LI_59', 16, 0x0002, { tf: TF }),
  'v2.flags.li61': bool('PTP_LI_61', 16, 0x0001, { tf: TF }),
  'v2.correction.ns': uint('correction', 64),
  'v2.correction.subns': { name: 'correctionSubNs', type: FieldType.Float },
  'v2.messagetypespecific': uint('messageTypeSpecific', 32),
  'v2.clockidentity': hex('ClockIdentity', 64),
  'v2.sourceportid': uint('SourcePortID', 16),
  'v2.sequenceid': uint('sequenceId', 16),
  'v2.controlfield': uint('controlField', 8, { strings: CONTROL }),
  'v2.logmessageperiod': { name: 'logMessagePeriod', type: FieldType.Int, base: 'dec', bits: 8 },
  'v2.timestamp.seconds': uint('Timestamp (seconds)', 64),
  'v2.timestamp.nanoseconds': uint('Timestamp (nanoseconds)', 32),
  'v1.versionptp': uint('versionPTP', 16),
  'v1.controlfield': uint('controlField', 8, { strings: V1_CONTROL }),
});

const V2_FLAGS = [
  F['v2.flags.security'],
  F['v2.flags.specific2'],
  F['v2.flags.specific1'],
  F['v2.flags.unicast'],
  F['v2.flags.twostep'],
  F['v2.flags.alternatemaster'],
  F['v2.flags.synchronizationUncertain'],
  F['v2.flags.frequencytraceable'],
  F['v2.flags.timetraceable'],
  F['v2.flags.timescale'],
  F['v2.flags.utcreasonable'],
  F['v2.flags.li59'],
  F['v2.flags.li61'],
];

/** The timestamp each timing message carries after the header, by message type. */
const TIMESTAMPS = new Map<number, string>([
  [0, 'originTimestamp'],
  [1, 'originTimestamp'],
  [2, 'originTimestamp'],
  [3, 'requestReceiptTimestamp'],
  [8, 'preciseOriginTimestamp'],
  [9, 'receiveTimestamp'],
  [10, 'responseOriginTimestamp'],
  [11, 'originTimestamp'],
]);

export function dissectPTP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('ptp');
  // A fault names the protocol PTP whatever the column says.
  pinfo.currentProto = 'PTP';
  const used = (tvb.u8(o + 1) & 0x0f) === 2 ? dissectV2(tvb, o, pinfo, tree) : dissectV1(tvb, o, pinfo, tree);
  pinfo.currentProto = '';
  return used;
}

/** Length of each version 1 message (header and body) by control field. */
const V1_LENGTHS = new Map([
  [0, 124],
  [1, 124],
  [2, 52],
  [3, 60],
  [4, 52],
]);

function dissectV1(tvb: Tvb, o: number, pinfo: PacketInfo, tree: Tree): number {
  pinfo.setProto('PTPv1');
  const control = tvb.u8(o + 32);
  if (pinfo.wantInfo) pinfo.setInfo(V1_CONTROL.get(control) ?? 'Unknown message');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  tree.add(F['v1.versionptp'], tvb, o, 2, tvb.u16(o));
  tree.add(F['v1.controlfield'], tvb, o + 32, 1, control);
  tvb.need(o, V1_LENGTHS.get(control) ?? 40);
  tree.pop();
  return tvb.remaining(o);
}

function dissectV2(tvb: Tvb, o: number, pinfo: PacketInfo, tree: Tree): number {
  pinfo.setProto('PTPv2');
  const b0 = tvb.u8(o);
  const type = b0 & 0x0f;
  if (pinfo.wantInfo) pinfo.setInfo(V2_TYPES.get(type) ?? 'Unknown message');
  const length = tvb.u16(o + 2);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  tree.add(F['v2.majorsdoid'], tvb, o, 1, b0 >> 4);
  tree.add(F['v2.messagetype'], tvb, o, 1, type);
  const b1 = tvb.u8(o + 1);
  tree.add(F['v2.minorversionptp'], tvb, o + 1, 1, b1 >> 4);
  tree.add(F['v2.versionptp'], tvb, o + 1, 1, b1 & 0x0f);
  tree.push(F['v2.messagelength'], tvb, o + 2, 2, length);
  if (length > tvb.reportedRemaining(o))
    expert(
      pinfo,
      tree,
      tvb,
      o + 2,
      2,
      'Error',
      'Malformed',
      'Message length goes past the end of the packet',
    );
  tree.pop();
  tree.add(F['v2.domainnumber'], tvb, o + 4, 1, tvb.u8(o + 4));
  tree.add(F['v2.minorsdoid'], tvb, o + 5, 1, tvb.u8(o + 5));
  const flags = tvb.u16(o + 6);
  tree.push(F['v2.flags'], tvb, o + 6, 2, flags);
  for (const def of V2_FLAGS) tree.add(def, tvb, o + 6, 2, (flags & (def.mask as number)) !== 0);
  tree.pop();
  const ns = tvb.u64(o + 8);
  tree.add(F['v2.correction.ns'], tvb, o + 8, 6, ns >> 16n);
  tree.add(F['v2.correction.subns'], tvb, o + 14, 2, Number(ns & 0xffffn));
  tree.add(F['v2.messagetypespecific'], tvb, o + 16, 4, tvb.u32(o + 16));
  tree.add(F['v2.clockidentity'], tvb, o + 20, 8, tvb.u64(o + 20));
  tree.add(F['v2.sourceportid'], tvb, o + 28, 2, tvb.u16(o + 28));
  tree.add(F['v2.sequenceid'], tvb, o + 30, 2, tvb.u16(o + 30));
  tree.add(F['v2.controlfield'], tvb, o + 32, 1, tvb.u8(o + 32));
  const period = tvb.u8(o + 33);
  tree.add(F['v2.logmessageperiod'], tvb, o + 33, 1, period > 127 ? period - 256 : period);
  const stamp = TIMESTAMPS.get(type);
  if (stamp !== undefined && length >= 44) {
    const seconds = (BigInt(tvb.u16(o + 34)) << 32n) | BigInt(tvb.u32(o + 36));
    tree.add(F['v2.timestamp.seconds'], tvb, o + 34, 6, seconds);
    if (tree.full) tree.labelLast(`${stamp} (seconds): ${seconds}`);
    const nanos = tvb.u32(o + 40);
    tree.add(F['v2.timestamp.nanoseconds'], tvb, o + 40, 4, nanos);
    if (tree.full) tree.labelLast(`${stamp} (nanoseconds): ${nanos}`);
  }
  tree.pop();
  return tvb.remaining(o);
}

export const ptpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', 319, dissectPTP);
    reg.register('udpPort', 320, dissectPTP);
    reg.register('etherType', 0x88f7, dissectPTP);
  },
};
