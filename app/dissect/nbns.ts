// NetBIOS Name Service (RFC 1002) on UDP 137: DNS-shaped messages whose names are NetBIOS names
// in first-level encoding, with tshark 4.0's Info text and name suffix descriptions.
import { bool, fields, hex, ipv4, names, proto, str, text, uint, type FieldDef } from './field.ts';
import { secondsText } from './icmp.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { NULL_TREE, type Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';
import { formatIPv4 } from '../format/address.ts';

const OPCODES = names({
  0: 'Name query',
  5: 'Registration',
  6: 'Release',
  7: 'Wait for acknowledgment',
  8: 'Refresh',
  9: 'Refresh (alternate opcode)',
  15: 'Multi-homed registration',
});
const RCODES = names({
  0: 'No error',
  1: 'Request was invalidly formatted',
  2: 'Server failure',
  3: 'Requested name does not exist',
  4: 'Request is not implemented',
  5: 'Request was refused',
  6: 'Name is owned by another node',
  7: 'Name is in conflict',
});
const TYPES = names({ 1: 'A', 2: 'NS', 10: 'NULL', 32: 'NB', 33: 'NBSTAT' });
const ONT = names({ 0: 'B-node', 1: 'P-node', 2: 'M-node' });
const ONT_LONG = ['B-node', 'P-node', 'M-node', 'H-node'] as const;
export const SUFFIXES = names({
  0x00: 'Workstation/Redirector', 0x01: 'Browser', 0x02: 'Workstation/Redirector',
  0x03: 'Messenger service/Main name', 0x05: 'Forwarded name', 0x06: 'RAS Server service',
  0x1b: 'Domain Master Browser', 0x1c: 'Domain Controllers', 0x1d: 'Local Master Browser',
  0x1e: 'Browser Election Service', 0x1f: 'Net DDE Service', 0x20: 'Server service',
  0x21: 'RAS client service', 0x22: 'Exchange Interchange (MSMail Connector)', 0x23: 'Exchange Store',
  0x24: 'Exchange Directory', 0x2b: 'Lotus Notes Server service', 0x30: 'Modem sharing server service',
  0x31: 'Modem sharing client service', 0x43: 'SMS Clients Remote Control',
  0x44: 'SMS Administrators Remote Control Tool', 0x45: 'SMS Clients Remote Chat',
  0x46: 'SMS Clients Remote Transfer', 0x4c: 'DEC Pathworks TCP/IP Service on Windows NT',
  0x52: 'DEC Pathworks TCP/IP Service on Windows NT', 0x6a: 'Microsoft Exchange IMC',
  0x87: 'Microsoft Exchange MTA', 0xbe: 'Network Monitor Agent', 0xbf: 'Network Monitor Analyzer',
}); // prettier-ignore

export const F = fields('nbns', {
  '': proto('NetBIOS Name Service'),
  id: hex('Transaction ID', 16),
  flags: hex('Flags', 16),
  'flags.response': bool('Response', 16, 0x8000, { tf: ['Message is a response', 'Message is a query'] }),
  'flags.opcode': uint('Opcode', 16, { mask: 0x7800, strings: OPCODES }),
  'flags.authoritative': bool('Authoritative', 16, 0x0400, {
    tf: ['Server is an authority for domain', 'Server is not an authority for domain'],
  }),
  'flags.truncated': bool('Truncated', 16, 0x0200, {
    tf: ['Message is truncated', 'Message is not truncated'],
  }),
  'flags.recdesired': bool('Recursion desired', 16, 0x0100, {
    tf: ['Do query recursively', "Don't do query recursively"],
  }),
  'flags.recavail': bool('Recursion available', 16, 0x0080, {
    tf: ['Server can do recursive queries', "Server can't do recursive queries"],
  }),
  'flags.broadcast': bool('Broadcast', 16, 0x0010, { tf: ['Broadcast packet', 'Not a broadcast packet'] }),
  'flags.rcode': uint('Reply code', 16, { mask: 0x000f, strings: RCODES }),
  'count.queries': uint('Questions', 16),
  'count.answers': uint('Answer RRs', 16),
  'count.auth_rr': uint('Authority RRs', 16),
  'count.add_rr': uint('Additional RRs', 16),
  _section: text('Section'),
  _record: text('Record'),
  name: str('Name'),
  type: uint('Type', 16, { strings: TYPES }),
  class: uint('Class', 16, { strings: names({ 1: 'IN' }) }),
  ttl: uint('Time to live', 32),
  data_length: uint('Data length', 16),
  nb_flags: hex('Name flags', 16),
  'nb_flags.group': bool('Name type', 16, 0x8000, { tf: ['Group name', 'Unique name'] }),
  'nb_flags.ont': uint('ONT', 16, { mask: 0x6000, strings: ONT }),
  addr: ipv4('Addr'),
  number_of_names: uint('Number of names', 8),
  netbios_name: str('Name'),
  name_flags: hex('Name flags', 16),
  data: { ...str('Data') },
});

const SECTIONS = ['Queries', 'Answers', 'Authoritative nameservers', 'Additional records'] as const;

/** A NetBIOS name: `NAME<xx>` (Wireshark's nbns name text), its suffix, and the bytes it took. */
interface NbName {
  text: string;
  suffix: number;
  used: number;
}

/** Reads a compressed DNS-style name and decodes its first label as a NetBIOS name. */
export function readNbName(tvb: Tvb, start: number, msg: number): NbName {
  const labels: string[] = [];
  let p = start;
  let used = -1;
  let hops = 0;
  for (;;) {
    const len = tvb.u8(p);
    if (len === 0) {
      p++;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      const target = msg + (((len & 0x3f) << 8) | tvb.u8(p + 1));
      if (used < 0) used = p + 2 - start;
      if (++hops > 64) break;
      p = target;
      continue;
    }
    if (len & 0xc0) throw new MalformedError('Malformed Packet', p);
    labels.push(tvb.ascii(p + 1, len));
    p += 1 + len;
  }
  if (used < 0) used = p - start;
  const first = labels[0] ?? '';
  const scope = labels.slice(1).join('.');
  if (first.length !== 32)
    return { text: `<illegal NetBIOS name>${scope ? `.${scope}` : ''}`, suffix: -1, used };
  const raw: number[] = [];
  for (let i = 0; i < 32; i += 2) {
    const hi = first.charCodeAt(i) - 0x41;
    const lo = first.charCodeAt(i + 1) - 0x41;
    if (hi < 0 || hi > 15 || lo < 0 || lo > 15) return { text: '<illegal NetBIOS name>', suffix: -1, used };
    raw.push((hi << 4) | lo);
  }
  const suffix = raw[15] as number;
  let end = 15;
  while (end > 0 && raw[end - 1] === 0x20) end--;
  let text = '';
  for (let i = 0; i < end; i++) {
    const c = raw[i] as number;
    text += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `<${c.toString(16).padStart(2, '0')}>`;
  }
  text += `<${suffix.toString(16).padStart(2, '0')}>`;
  if (scope) text += `.${scope}`;
  return { text, suffix, used };
}

export function dissectNBNS(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('nbns');
  pinfo.setProto('NBNS');
  const id = tvb.u16(o);
  const flags = tvb.u16(o + 2);
  const response = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 0xf;
  const rcode = flags & 0xf;
  const wantInfo = pinfo.wantInfo;
  let info = '';
  if (wantInfo) {
    info = `${OPCODES.get(opcode) ?? `Unknown operation (${opcode})`}${response ? ' response' : ''}`;
    if (response && rcode !== 0) info += `, ${RCODES.get(rcode) ?? `Unknown error (${rcode})`}`;
    pinfo.setInfo(info);
  }
  const detail = tree !== NULL_TREE;
  if (!detail && !wantInfo) return tvb.remaining(o);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    tree.add(F.id, tvb, o, 2, id);
    if (detail) addFlags(tvb, tree, o + 2, flags);
    const counts = [tvb.u16(o + 4), tvb.u16(o + 6), tvb.u16(o + 8), tvb.u16(o + 10)];
    const countDefs = [F['count.queries'], F['count.answers'], F['count.auth_rr'], F['count.add_rr']];
    for (let i = 0; i < 4; i++) tree.add(countDefs[i] as FieldDef, tvb, o + 4 + 2 * i, 2, counts[i]);
    let p = o + 12;
    for (let s = 0; s < 4; s++) {
      const n = counts[s] as number;
      if (n === 0) continue;
      const start = p;
      tree.push(F._section, tvb, p, 0);
      if (tree.full) tree.label(SECTIONS[s] as string);
      try {
        for (let i = 0; i < n; i++) {
          const r = record(tvb, tree, p, o, s === 0, wantInfo && (s === 0 || !(response && rcode !== 0)));
          p = r.next;
          if (wantInfo && (s === 0 || s === 1)) info += r.info;
        }
      } finally {
        tree.pop(p - start);
        if (wantInfo) pinfo.setInfo(info);
      }
    }
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

function addFlags(tvb: Tvb, tree: Tree, at: number, flags: number): void {
  const response = (flags & 0x8000) !== 0;
  tree.push(F.flags, tvb, at, 2, flags);
  if (tree.full) {
    const parts = [`Flags: 0x${flags.toString(16).padStart(4, '0')}`];
    if (response) parts.push('Response');
    parts.push(`Opcode: ${OPCODES.get((flags >> 11) & 0xf) ?? 'Unknown operation'}`);
    if (response && flags & 0x0400) parts.push('Authoritative');
    if (flags & 0x0200) parts.push('Truncated');
    if (flags & 0x0100) parts.push('Recursion desired');
    if (response && flags & 0x0080) parts.push('Recursion available');
    if (flags & 0x0010) parts.push('Broadcast');
    if (response) parts.push(`Reply code: ${RCODES.get(flags & 0xf) ?? 'Unknown error'}`);
    tree.label(parts.join(', '));
  }
  const bit = (def: FieldDef): void => tree.add(def, tvb, at, 2, (flags & (def.mask as number)) !== 0);
  bit(F['flags.response']);
  tree.add(F['flags.opcode'], tvb, at, 2, (flags >> 11) & 0xf);
  if (response) bit(F['flags.authoritative']);
  bit(F['flags.truncated']);
  bit(F['flags.recdesired']);
  if (response) bit(F['flags.recavail']);
  bit(F['flags.broadcast']);
  if (response) tree.add(F['flags.rcode'], tvb, at, 2, flags & 0xf);
  tree.pop();
}

function record(
  tvb: Tvb,
  tree: Tree,
  start: number,
  msg: number,
  question: boolean,
  wantInfo: boolean,
): { next: number; info: string } {
  const name = readNbName(tvb, start, msg);
  let p = start + name.used;
  const type = tvb.u16(p);
  const cls = tvb.u16(p + 2);
  const typeName = TYPES.get(type) ?? `Unknown (${type})`;
  let info = wantInfo ? ` ${typeName}` : '';
  if (wantInfo && question) info += ` ${name.text}`;
  const dataLen = question ? 0 : tvb.u16(p + 8);
  const size = name.used + 4 + (question ? 0 : 6 + dataLen);
  tree.push(F._record, tvb, start, size);
  if (tree.full) tree.label(`${name.text}: type ${typeName}, class ${cls === 1 ? 'IN' : 'Unknown'}`);
  try {
    // tshark 4.0 keeps the suffix description in the value of a resource record's name only.
    const described =
      name.suffix >= 0 ? `${name.text} (${SUFFIXES.get(name.suffix) ?? 'Unknown'})` : name.text;
    tree.add(F.name, tvb, start, name.used, question ? name.text : described);
    if (tree.full) tree.labelLast(`Name: ${described}`);
    tree.add(F.type, tvb, p, 2, type);
    tree.add(F.class, tvb, p + 2, 2, cls);
    p += 4;
    if (question) return { next: p, info };
    const ttl = tvb.u32(p);
    tree.add(F.ttl, tvb, p, 4, ttl);
    if (tree.full) tree.labelLast(`Time to live: ${secondsText(ttl)}`);
    tree.add(F.data_length, tvb, p + 4, 2, dataLen);
    p += 6;
    const end = p + dataLen;
    if (type === 32) {
      while (p + 6 <= end) {
        const f = tvb.u16(p);
        const ont = (f >> 13) & 3;
        tree.push(F.nb_flags, tvb, p, 2, f);
        if (tree.full) {
          const kind = f & 0x8000 ? 'group' : 'unique';
          tree.label(
            `Name flags: 0x${f.toString(16).padStart(4, '0')}, ONT: ${ONT.get(ont) ?? 'Unknown'} (${ONT_LONG[ont]}, ${kind})`,
          );
        }
        tree.add(F['nb_flags.group'], tvb, p, 2, (f & 0x8000) !== 0);
        tree.add(F['nb_flags.ont'], tvb, p, 2, ont);
        tree.pop();
        const addr = tvb.u32(p + 2);
        tree.add(F.addr, tvb, p + 2, 4, addr);
        if (wantInfo) info += ` ${formatIPv4(addr)}`;
        p += 6;
      }
    } else if (type === 33 && dataLen > 0) {
      const count = tvb.u8(p);
      tree.add(F.number_of_names, tvb, p, 1, count);
      let q = p + 1;
      for (let i = 0; i < count && q + 18 <= end; i++, q += 18) {
        const raw = tvb.ascii(q, 16);
        const suffix = raw.charCodeAt(15);
        const shown = `${raw.slice(0, 15).trimEnd()}<${suffix.toString(16).padStart(2, '0')}>`;
        tree.add(F.netbios_name, tvb, q, 16, shown);
        tree.add(F.name_flags, tvb, q + 16, 2, tvb.u16(q + 16));
      }
    }
    tvb.need(end - dataLen, dataLen);
    return { next: end, info };
  } finally {
    tree.pop();
  }
}

export const nbnsModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', 137, dissectNBNS);
  },
};
