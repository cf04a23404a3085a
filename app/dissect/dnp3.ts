// DNP 3.0 on TCP and UDP 20000 (`dnp3.*`), the part of tshark 4.0's decode Trawl has so far: the
// data link header (start bytes, length, control, addresses, header CRC), the transport octet and,
// for a message in one transport segment, the application control, function code, internal
// indications and the first object headers (class data reads). Info as tshark's.
import { bool, fields, hex, names, proto, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { tcpDissectPdus, type PduSpec } from './tcp-pdus.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const PORT = 20000;

const PRI_FUNC = names({
  0: 'Reset of Remote Link',
  1: 'Reset of User Process',
  2: 'Test Function For Link',
  3: 'User Data',
  4: 'Unconfirmed User Data',
  9: 'Request Link Status',
});
const SEC_FUNC = names({
  0: 'ACK',
  1: 'NACK',
  11: 'Status of Link',
  14: 'Link Service Not Functioning',
  15: 'Link Service Not Used or Implemented',
});
const AL_FUNC = names({
  0: 'Confirm',
  1: 'Read',
  2: 'Write',
  3: 'Select',
  4: 'Operate',
  5: 'Direct Operate',
  6: 'Direct Operate No Ack',
  7: 'Immediate Freeze',
  8: 'Immediate Freeze No Ack',
  9: 'Freeze and Clear',
  10: 'Freeze and Clear No ACK',
  11: 'Freeze With Time',
  12: 'Freeze With Time No ACK',
  13: 'Cold Restart',
  14: 'Warm Restart',
  15: 'Initialize Data',
  16: 'Initialize Application',
  17: 'Start Application',
  18: 'Stop Application',
  19: 'Save Configuration',
  20: 'Enable Spontaneous Msg',
  21: 'Disable Spontaneous Msg',
  22: 'Assign Classes',
  23: 'Delay Measurement',
  24: 'Record Current Time',
  25: 'Open File',
  26: 'Close File',
  27: 'Delete File',
  28: 'Get File Info',
  29: 'Authenticate File',
  30: 'Abort File',
  31: 'Activate Config',
  32: 'Authentication Request',
  33: 'Authentication Error',
  129: 'Response',
  130: 'Unsolicited Response',
  131: 'Authentication Response',
});

export const F = fields('dnp3', {
  '': proto('Distributed Network Protocol 3.0'),
  start: hex('Start Bytes', 16),
  len: uint('Length', 8),
  ctl: hex('Control', 8),
  'ctl.prifunc': uint('Control Function Code', 8, { mask: 0x0f, strings: PRI_FUNC }),
  'ctl.secfunc': uint('Control Function Code', 8, { mask: 0x0f, strings: SEC_FUNC }),
  'ctl.dir': bool('Direction', 8, 0x80),
  'ctl.prm': bool('Primary', 8, 0x40),
  'ctl.fcb': bool('Frame Count Bit', 8, 0x20),
  'ctl.fcv': bool('Frame Count Valid', 8, 0x10),
  'ctl.dfc': bool('Data Flow Control', 8, 0x10),
  dst: uint('Destination', 16),
  src: uint('Source', 16),
  'hdr.CRC': hex('Data Link Header checksum', 16),
  'tr.ctl': hex('Transport Control', 8),
  'tr.fin': bool('Final', 8, 0x80),
  'tr.fir': bool('First', 8, 0x40),
  'tr.seq': uint('Sequence', 8, { mask: 0x3f }),
  'al.ctl': hex('Application Control', 8),
  'al.fir': bool('First', 8, 0x80),
  'al.fin': bool('Final', 8, 0x40),
  'al.con': bool('Confirm', 8, 0x20),
  'al.uns': bool('Unsolicited', 8, 0x10),
  'al.seq': uint('Sequence', 8, { mask: 0x0f }),
  'al.func': uint('Function Code', 8, { mask: 0xff, strings: AL_FUNC }),
  'al.iin': hex('Internal Indications', 16),
  'al.obj': hex('Object', 16),
  'al.objq.prefix': uint('Prefix Code', 8, { mask: 0x70 }),
  'al.objq.range': uint('Range Code', 8, { mask: 0x0f }),
});

/** A data link frame's whole length: the header, the user data and a CRC per 16 bytes of it. */
function frameLength(tvb: Tvb, at: number): number {
  const user = tvb.u8(at + 2) - 5;
  return 10 + Math.max(0, user) + 2 * Math.ceil(Math.max(0, user) / 16);
}

const PDUS: PduSpec = { fixed: 10, length: frameLength, dissect: frame, name: 'DNP 3.0' };

export function dissectDnp3(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  // Wireshark's check before it claims the bytes: the start bytes and a length of at least 5.
  if (!tvb.has(o, 3) || tvb.u16(o) !== 0x0564 || tvb.u8(o + 2) < 5) return 0;
  pinfo.layers.push('dnp3');
  return tcpDissectPdus(tvb, pinfo, tree, PDUS);
}

function dissectDnp3Udp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  if (!tvb.has(o, 3) || tvb.u16(o) !== 0x0564 || tvb.u8(o + 2) < 5) return 0;
  pinfo.layers.push('dnp3');
  frame(tvb, pinfo, tree);
  return tvb.remaining(o);
}

function frame(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  pinfo.setProto('DNP 3.0');
  const len = tvb.u8(o + 2);
  const ctl = tvb.u8(o + 3);
  const dst = tvb.u16le(o + 4);
  const src = tvb.u16le(o + 6);
  const prm = (ctl & 0x40) !== 0;
  const func = ctl & 0x0f;
  const funcName = (prm ? PRI_FUNC : SEC_FUNC).get(func) ?? 'Unknown function';
  tree.push(F[''], tvb, o, tvb.reportedRemaining(o));
  tree.add(F.start, tvb, o, 2, 0x0564);
  tree.add(F.len, tvb, o + 2, 1, len);
  tree.push(F.ctl, tvb, o + 3, 1, ctl);
  tree.add(F['ctl.dir'], tvb, o + 3, 1, (ctl & 0x80) !== 0);
  tree.add(F['ctl.prm'], tvb, o + 3, 1, prm);
  if (prm) {
    tree.add(F['ctl.fcb'], tvb, o + 3, 1, (ctl & 0x20) !== 0);
    tree.add(F['ctl.fcv'], tvb, o + 3, 1, (ctl & 0x10) !== 0);
    tree.add(F['ctl.prifunc'], tvb, o + 3, 1, func);
  } else {
    tree.add(F['ctl.dfc'], tvb, o + 3, 1, (ctl & 0x10) !== 0);
    tree.add(F['ctl.secfunc'], tvb, o + 3, 1, func);
  }
  tree.pop();
  tree.add(F.dst, tvb, o + 4, 2, dst);
  tree.add(F.src, tvb, o + 6, 2, src);
  tree.add(F['hdr.CRC'], tvb, o + 8, 2, tvb.u16le(o + 8));
  let info = `from ${src} to ${dst}, len=${len}, ${funcName}`;
  const userData = prm && (func === 3 || func === 4) && len > 5;
  if (userData) {
    const user = userBytes(tvb, o + 10, len - 5);
    const tr = user[0] ?? 0;
    tree.add(F['tr.ctl'], tvb, o + 10, 1, tr);
    tree.add(F['tr.fin'], tvb, o + 10, 1, (tr & 0x80) !== 0);
    tree.add(F['tr.fir'], tvb, o + 10, 1, (tr & 0x40) !== 0);
    tree.add(F['tr.seq'], tvb, o + 10, 1, tr & 0x3f);
    // Only a whole message in one segment (FIR and FIN) is decoded.
    if ((tr & 0xc0) === 0xc0 && user.length >= 3) info = application(tvb, tree, user, o + 10);
  }
  if (pinfo.wantInfo) pinfo.setInfo(info);
  tree.pop();
}

/** The user data of a frame without its block CRCs (what is captured of it). */
function userBytes(tvb: Tvb, at: number, n: number): Uint8Array {
  const out: number[] = [];
  let o = at;
  let left = n;
  while (left > 0) {
    const k = Math.min(16, left);
    tvb.need(o, k + 2);
    for (let i = 0; i < k; i++) out.push(tvb.bytes[o + i] as number);
    o += k + 2;
    left -= k;
  }
  return Uint8Array.from(out);
}

/** The application header of a single-segment message; returns the Info text. */
function application(tvb: Tvb, tree: Tree, user: Uint8Array, at: number): string {
  // The application fields are read from the reassembled bytes: their frame offsets are the user
  // data's first block (a short message lies wholly in it).
  const ac = user[1] as number;
  const func = user[2] as number;
  tree.add(F['al.ctl'], tvb, at + 1, 1, ac);
  tree.add(F['al.fir'], tvb, at + 1, 1, (ac & 0x80) !== 0);
  tree.add(F['al.fin'], tvb, at + 1, 1, (ac & 0x40) !== 0);
  tree.add(F['al.con'], tvb, at + 1, 1, (ac & 0x20) !== 0);
  tree.add(F['al.uns'], tvb, at + 1, 1, (ac & 0x10) !== 0);
  tree.add(F['al.seq'], tvb, at + 1, 1, ac & 0x0f);
  tree.add(F['al.func'], tvb, at + 2, 1, func);
  let info = AL_FUNC.get(func) ?? `Unknown function (0x${func.toString(16).padStart(2, '0')})`;
  let p = 3;
  if (func === 129 || func === 130 || func === 131) {
    if (user.length < 5) return info;
    tree.add(F['al.iin'], tvb, at + 3, 2, ((user[3] as number) << 8) | (user[4] as number));
    p = 5;
  }
  if (func !== 1) return info;
  // Class data reads (group 60, qualifier 0x06): tshark names the classes in Info.
  let classes = '';
  while (p + 3 <= user.length && user[p] === 60 && user[p + 2] === 0x06) {
    const v = user[p + 1] as number;
    tree.add(F['al.obj'], tvb, at + p, 2, (60 << 8) | v);
    tree.add(F['al.objq.prefix'], tvb, at + p + 2, 1, 0);
    tree.add(F['al.objq.range'], tvb, at + p + 2, 1, 6);
    if (v >= 1 && v <= 4) classes += String(v - 1);
    p += 3;
  }
  if (classes) info += `, Class ${classes}`;
  return info;
}

export const dnp3Module = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('tcpPort', PORT, dissectDnp3);
    reg.register('udpPort', PORT, dissectDnp3Udp);
  },
};
