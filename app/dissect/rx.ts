// RX (the AFS remote procedure call transport) on UDP 7000-7009 and 7021: the 28-byte header, the
// ACK body's reason, and AFS over DATA packets (its `afs` layer when the packet carries data), as
// tshark 4.0 shows them. Protocol is RX, AFS (RX) for DATA packets; AFS calls are not decoded.
import { absTime, bytes, fields, hex, names, proto, uint } from './field.ts';
import { formatAbsoluteUtc } from '../format/time.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TYPES = names({
  1: 'data',
  2: 'ack',
  3: 'busy',
  4: 'abort',
  5: 'ackall',
  6: 'challenge',
  7: 'response',
  8: 'debug',
  9: 'params',
  13: 'version',
});

const ACK_REASONS = names({
  1: 'Ack Requested',
  2: 'Duplicate Packet',
  3: 'Out Of Sequence',
  4: 'Exceeds Window',
  5: 'No Space',
  6: 'Ping',
  7: 'Ping Response',
  8: 'Delay',
  9: 'Idle',
});

export const F = fields('rx', {
  '': proto('RX Protocol'),
  epoch: absTime('Epoch'),
  cid: uint('CallID', 32),
  callnumber: uint('Call Number', 32),
  seq: uint('Sequence Number', 32),
  serial: uint('Serial', 32),
  type: uint('Type', 8, { strings: TYPES }),
  flags: hex('Flags', 8),
  userstatus: uint('User Status', 8),
  securityindex: uint('Security Index', 8),
  spare: uint('Spare/Checksum', 16),
  serviceid: uint('Service ID', 16),
  reason: uint('Reason', 8, { strings: ACK_REASONS }),
  abortcode: uint('Abort Code', 32),
});

export const AFS = fields('afs', {
  '': proto('Andrew File System (AFS)'),
  data: bytes('Data'),
});

const PORTS = [7000, 7001, 7002, 7003, 7004, 7005, 7006, 7007, 7008, 7009, 7021];
const HEADER = 28;
const DATA = 1;
const ACK = 2;
const ABORT = 4;
const CHALLENGE = 6;

export function dissectRX(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('rx');
  pinfo.setProto('RX');
  tree.push(F[''], tvb, o, Math.min(HEADER, tvb.remaining(o)));
  try {
    const seq = tvb.u32(o + 12);
    const call = tvb.u32(o + 8);
    tree.add(F.epoch, tvb, o, 4, formatAbsoluteUtc(tvb.u32(o), 0));
    tree.add(F.cid, tvb, o + 4, 4, tvb.u32(o + 4));
    tree.add(F.callnumber, tvb, o + 8, 4, call);
    tree.add(F.seq, tvb, o + 12, 4, seq);
    tree.add(F.serial, tvb, o + 16, 4, tvb.u32(o + 16));
    const type = tvb.u8(o + 20);
    tree.add(F.type, tvb, o + 20, 1, type);
    tree.add(F.flags, tvb, o + 21, 1, tvb.u8(o + 21));
    tree.add(F.userstatus, tvb, o + 22, 1, tvb.u8(o + 22));
    tree.add(F.securityindex, tvb, o + 23, 1, tvb.u8(o + 23));
    tree.add(F.spare, tvb, o + 24, 2, tvb.u16(o + 24));
    tree.add(F.serviceid, tvb, o + 26, 2, tvb.u16(o + 26));
    if (type === DATA) {
      tree.pop();
      dissectAFS(tvb.sub(o + HEADER), pinfo, tree);
      return tvb.remaining(o);
    }
    let name = (TYPES.get(type) ?? 'unknown').toUpperCase();
    if (type === ACK) {
      const reason = tvb.u8(o + HEADER + 16);
      tree.add(F.reason, tvb, o + HEADER + 16, 1, reason);
      name += ` ${ACK_REASONS.get(reason) ?? 'Unknown'}`;
    }
    const info = `${name}  Seq: ${seq}  Call: ${call}  Source Port: ${pinfo.srcPort}  Destination Port: ${pinfo.dstPort}  `;
    if (pinfo.wantInfo) pinfo.setInfo(info);
    if (type === ABORT) tree.add(F.abortcode, tvb, o + HEADER, 4, tvb.u32(o + HEADER));
    // A challenge's version, nonce and minimum level.
    if (type === CHALLENGE) tvb.need(o + HEADER, 12);
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

/** AFS names the column; its layer shows only when the packet carries call data. */
function dissectAFS(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  pinfo.setProto('AFS (RX)');
  const o = tvb.start;
  if (tvb.reportedRemaining(o) === 0) return;
  pinfo.layers.push('afs');
  tree.push(AFS[''], tvb, o, tvb.remaining(o));
  if (tvb.remaining(o) > 0) tree.add(AFS.data, tvb, o, tvb.remaining(o));
  tree.pop();
}

export const rxModule = {
  fields: { ...F, afs: AFS[''], afsData: AFS.data },
  handoff(reg: Registry): void {
    for (const port of PORTS) reg.register('udpPort', port, dissectRX);
  },
};
