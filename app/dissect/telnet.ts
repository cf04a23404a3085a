// Telnet on TCP 23, as tshark 4.0 shows it: text a line at a time (`telnet.data`), and each IAC
// command with its option: Will/Won't/Do/Don't, suboption negotiation (terminal type and other
// strings, window size, flow control, authentication; other options as bytes) and the one-byte
// commands. Info is always "Telnet Data ...". TN3270/TN5250 payloads are not decoded.
import { bool, bytes, fields, FieldType, names, proto, str, uint, type FieldDef } from './field.ts';
import { expert } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const IAC = 0xff;
const SB = 250;

const COMMANDS = names({
  236: 'End of File',
  237: 'Suspend Current Process',
  238: 'Abort Process',
  239: 'End of Record',
  240: 'Suboption End',
  241: 'No Operation',
  242: 'Data Mark',
  243: 'Break',
  244: 'Interrupt Process',
  245: 'Abort Output',
  246: 'Are You There?',
  247: 'Escape Character',
  248: 'Erase Line',
  249: 'Go Ahead',
  254: "Don't",
  253: 'Do',
  252: "Won't",
  251: 'Will',
  250: 'Suboption',
});

const enum Len {
  None,
  Fixed,
  Variable,
}
const enum Sub {
  Bytes,
  String,
  Naws,
  Rfc,
  Auth,
}
/** Wireshark's option table: name, length rule and minimum/fixed length, how it is decoded. */
const OPTIONS: readonly (readonly [string, Len, number, Sub])[] = [
  ['Binary Transmission', Len.None, 0, Sub.Bytes],
  ['Echo', Len.None, 0, Sub.Bytes],
  ['Reconnection', Len.None, 0, Sub.Bytes],
  ['Suppress Go Ahead', Len.None, 0, Sub.Bytes],
  ['Approx Message Size Negotiation', Len.None, 0, Sub.Bytes],
  ['Status', Len.Variable, 1, Sub.Bytes],
  ['Timing Mark', Len.None, 0, Sub.Bytes],
  ['Remote Controlled Trans and Echo', Len.Variable, 1, Sub.Bytes],
  ['Output Line Width', Len.Variable, 0, Sub.Bytes],
  ['Output Page Size', Len.Variable, 0, Sub.Bytes],
  ['Output Carriage-Return Disposition', Len.Fixed, 2, Sub.Bytes],
  ['Output Horizontal Tab Stops', Len.Variable, 1, Sub.Bytes],
  ['Output Horizontal Tab Disposition', Len.Fixed, 2, Sub.Bytes],
  ['Output Formfeed Disposition', Len.Fixed, 2, Sub.Bytes],
  ['Output Vertical Tabstops', Len.Variable, 1, Sub.Bytes],
  ['Output Vertical Tab Disposition', Len.Fixed, 2, Sub.Bytes],
  ['Output Linefeed Disposition', Len.Fixed, 2, Sub.Bytes],
  ['Extended ASCII', Len.Fixed, 2, Sub.Bytes],
  ['Logout', Len.None, 0, Sub.Bytes],
  ['Byte Macro', Len.Variable, 2, Sub.Bytes],
  ['Data Entry Terminal', Len.Variable, 2, Sub.Bytes],
  ['SUPDUP', Len.None, 0, Sub.Bytes],
  ['SUPDUP Output', Len.Variable, 1, Sub.Bytes],
  ['Send Location', Len.Variable, 0, Sub.Bytes],
  ['Terminal Type', Len.Variable, 1, Sub.String],
  ['End of Record', Len.None, 0, Sub.Bytes],
  ['TACACS User Identification', Len.Fixed, 4, Sub.Bytes],
  ['Output Marking', Len.Variable, 1, Sub.Bytes],
  ['Terminal Location Number', Len.Variable, 1, Sub.Bytes],
  ['Telnet 3270 Regime', Len.Variable, 1, Sub.Bytes],
  ['X.3 PAD', Len.Variable, 1, Sub.Bytes],
  ['Negotiate About Window Size', Len.Fixed, 4, Sub.Naws],
  ['Terminal Speed', Len.Variable, 1, Sub.Bytes],
  ['Remote Flow Control', Len.Fixed, 1, Sub.Rfc],
  ['Linemode', Len.Variable, 1, Sub.Bytes],
  ['X Display Location', Len.Variable, 1, Sub.String],
  ['Environment Option', Len.Variable, 1, Sub.Bytes],
  ['Authentication Option', Len.Variable, 1, Sub.Auth],
  ['Encryption Option', Len.Variable, 1, Sub.Bytes],
  ['New Environment Option', Len.Variable, 1, Sub.Bytes],
  ['TN3270E', Len.Variable, 1, Sub.Bytes],
  ['XAUTH', Len.Variable, 1, Sub.Bytes],
  ['CHARSET', Len.Variable, 1, Sub.Bytes],
  ['Remote Serial Port', Len.Variable, 1, Sub.Bytes],
  ['COM Port Control', Len.Variable, 1, Sub.Bytes],
  ['Suppress Local Echo', Len.None, 0, Sub.Bytes],
  ['Start TLS', Len.Fixed, 1, Sub.Bytes],
  ['KERMIT', Len.Variable, 1, Sub.Bytes],
  ['SEND-URL', Len.Variable, 1, Sub.Bytes],
  ['FORWARD_X', Len.Variable, 1, Sub.Bytes],
];

const AUTH_CMDS = names({ 0: 'IS', 1: 'SEND', 2: 'REPLY', 3: 'NAME' });
const AUTH_TYPES = names({
  0: 'NULL',
  1: 'Kerberos v4',
  2: 'Kerberos v5',
  3: 'SPX',
  4: 'MINK',
  5: 'SRP',
  6: 'RSA',
  7: 'SSL',
  10: 'LOKI',
  11: 'SSA',
  12: 'KEA_SJ',
  13: 'KEA_SJ_INTEG',
  14: 'DSS',
  15: 'NTLM',
});
const KRB5_TYPES = names({
  0: 'Auth',
  1: 'Reject',
  2: 'Accept',
  3: 'Response',
  4: 'Forward',
  5: 'Forward Accept',
  6: 'Forward Reject',
});

export const F = fields('telnet', {
  '': proto('Telnet'),
  cmd: uint('Command', 8, { strings: COMMANDS }),
  subcmd: uint('Subcommand', 8),
  data: str('Data'),
  option_data: bytes('Option data'),
  subcommand_data: bytes('Subcommand data'),
  'string_subopt.value': str('Value'),
  'naws_subopt.width': uint('Width', 16),
  'naws_subopt.height': uint('Height', 16),
  'rfc_subopt.cmd': uint('Command', 8, {
    strings: names({ 0: 'OFF', 1: 'ON', 2: 'RESTART-ANY', 3: 'RESTART-XON' }),
  }),
  'auth.cmd': uint('Auth Cmd', 8, { strings: AUTH_CMDS }),
  'auth.type': uint('Auth Type', 8, { strings: AUTH_TYPES }),
  'auth.name': str('Name'),
  'auth.mod.enc': uint('Encrypt', 8, {
    mask: 0x14,
    strings: names({ 0: 'Off', 1: 'Telnet Options', 2: 'After Exchange', 3: 'Reserved' }),
  }),
  'auth.mod.cred_fwd': bool('Cred Fwd', 8, 0x08, {
    tf: ['Client WILL forward auth creds', 'Client will NOT forward auth creds'],
  }),
  'auth.mod.how': bool('How', 8, 0x02, { tf: ['MUTUAL authentication', 'One Way authentication'] }),
  'auth.mod.who': bool('Who', 8, 0x01, { tf: ['Mask server to client', 'Mask client to server'] }),
  'auth.krb5.cmd': uint('Command', 8, { strings: KRB5_TYPES }),
});

const SUBTREE: FieldDef = { name: '', type: FieldType.None, abbrev: '', id: -1 };

export function dissectTelnet(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('telnet');
  pinfo.setProto('TELNET');
  if (pinfo.wantInfo) pinfo.setInfo('Telnet Data ...');
  const end = tvb.reportedEnd;
  tree.push(F[''], tvb, o, tvb.remaining(o));
  let p = o;
  while (p < end) {
    const iac = findIac(tvb, p, end);
    if (iac < 0) {
      text(tvb, pinfo, tree, p, end);
      break;
    }
    if (iac > p) text(tvb, pinfo, tree, p, iac);
    p = command(tvb, pinfo, tree, iac);
  }
  tree.pop();
  return tvb.remaining(o);
}

/** The next IAC that is not an escaped 0xff data byte, or -1. */
function findIac(tvb: Tvb, from: number, end: number): number {
  const b = tvb.bytes;
  const stop = Math.min(end, tvb.end);
  for (let i = from; i < stop; i++) {
    if (b[i] !== IAC) continue;
    // IAC IAC is a data byte; a lone IAC at the end of the captured bytes reads past them.
    if (i + 1 >= stop) tvb.need(i + 1, 1);
    if (b[i + 1] === IAC) {
      i++;
      continue;
    }
    return i;
  }
  return -1;
}

/** Data a line at a time: a line ends at LF, CR LF or CR NUL (runs of CRs count as one). */
function text(tvb: Tvb, pinfo: PacketInfo, tree: Tree, from: number, to: number): void {
  const b = tvb.bytes;
  let p = from;
  const stop = Math.min(to, tvb.end);
  while (p < stop) {
    let e = p;
    while (e < stop && b[e] !== 0x0a && b[e] !== 0x0d) e++;
    let next = e;
    if (e < stop) {
      if (b[e] === 0x0a) next = e + 1;
      else if (e + 1 < stop && b[e + 1] === 0x0a) next = e + 2;
      else {
        next = e + 1;
        if (next < stop) {
          let cr = true;
          while (next < stop) {
            const c = b[next] as number;
            next++;
            if (c === 0x0a || (c === 0 && cr)) break;
            cr = c === 0x0d;
          }
        }
      }
    }
    dataLine(tvb, pinfo, tree, p, next - p);
    p = next;
  }
  if (stop < to) tvb.need(stop, to - stop);
}

/** ENC_ASCII text: bytes above 0x7f are not ASCII and read as U+FFFD. */
function ascii(tvb: Tvb, at: number, len: number): string {
  tvb.need(at, len);
  let s = '';
  for (let i = at; i < at + len; i++) {
    const c = tvb.bytes[i] as number;
    s += c < 0x80 ? String.fromCharCode(c) : '\ufffd';
  }
  return s;
}

function dataLine(tvb: Tvb, pinfo: PacketInfo, tree: Tree, at: number, len: number): void {
  const s = ascii(tvb, at, len);
  const nul = s.indexOf('\0');
  // A NUL ends the string; anything but NULs after it is reported, as Wireshark's FT_STRING does.
  if (nul < 0 || /^\0*$/.test(s.slice(nul))) {
    tree.add(F.data, tvb, at, len, nul < 0 ? s : s.slice(0, nul));
    return;
  }
  tree.push(F.data, tvb, at, len, s.slice(0, nul));
  expert(pinfo, tree, tvb, at + nul, len - nul, 'Warning', 'Undecoded', 'Trailing stray characters');
  tree.pop();
}

function command(tvb: Tvb, pinfo: PacketInfo, tree: Tree, at: number): number {
  const code = tvb.u8(at + 1);
  tree.push(SUBTREE, tvb, at, 2);
  tree.add(F.cmd, tvb, at + 1, 1, code);
  let p = at + 2;
  let label: string;
  if (code >= 250 && code <= 254) {
    const verb = ['Suboption', 'Will', "Won't", 'Do', "Don't"][code - 250] as string;
    const opt = tvb.u8(p);
    const name = OPTIONS[opt]?.[0] ?? '<unknown option>';
    tree.push(F.subcmd, tvb, p, 1, opt);
    if (tree.full) tree.label(`Subcommand: ${name}`);
    p += 1;
    label = `${verb} ${name}`;
    if (code === SB) p = suboption(tvb, pinfo, tree, at, opt, name);
    tree.pop();
  } else label = COMMANDS.get(code) ?? '<unknown option>';
  tree.pop(p - at, label);
  return p;
}

/** IAC SB <option> <parameters> up to the next lone IAC; returns where that IAC is. */
function suboption(tvb: Tvb, pinfo: PacketInfo, tree: Tree, at: number, opt: number, name: string): number {
  const start = at + 3;
  const b = tvb.bytes;
  const end = tvb.reportedEnd;
  let escaped = 0;
  let p = start;
  let stop = end;
  const cap = Math.min(end, tvb.end);
  for (; p < cap; p++) {
    if (b[p] !== IAC) continue;
    if (p + 1 < cap && b[p + 1] === IAC) {
      escaped++;
      p++;
      continue;
    }
    stop = p;
    break;
  }
  if (p >= cap) stop = end;
  const len = stop - start;
  if (len <= 0) return stop;
  const spec = OPTIONS[opt];
  // Escaped IACs are shown unescaped by Wireshark; here the parameters keep them (rare).
  const data = escaped > 0 ? null : spec;
  if (!data || data[3] === Sub.Bytes) {
    tree.add(F.option_data, tvb, start, len - escaped);
    tvb.need(start, len);
    return stop;
  }
  const [, rule, min, sub] = data;
  if (rule === Len.None) {
    bogus(tvb, pinfo, tree, at + 2, 'Bogus suboption data');
    return stop;
  }
  if ((rule === Len.Fixed && len !== min) || (rule === Len.Variable && len < min)) {
    const should = rule === Len.Fixed ? `should be ${min}` : `should be at least ${min}`;
    bogus(tvb, pinfo, tree, at + 2, `Suboption parameter length is ${len}, ${should}`);
    return stop;
  }
  switch (sub) {
    case Sub.String:
      stringSub(tvb, pinfo, tree, start, len, name, at + 2);
      break;
    case Sub.Naws:
      tree.add(F['naws_subopt.width'], tvb, start, 2, tvb.u16(start));
      tree.add(F['naws_subopt.height'], tvb, start + 2, 2, tvb.u16(start + 2));
      break;
    case Sub.Rfc:
      tree.add(F['rfc_subopt.cmd'], tvb, start, 1, tvb.u8(start));
      break;
    case Sub.Auth:
      auth(tvb, tree, start, len);
      break;
  }
  return stop;
}

function bogus(tvb: Tvb, pinfo: PacketInfo, tree: Tree, at: number, message: string): void {
  expert(pinfo, tree, tvb, at, 1, 'Warning', 'Protocol', message);
}

function stringSub(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  at: number,
  len: number,
  name: string,
  item: number,
): void {
  const cmd = tvb.u8(at);
  if (cmd === 0) {
    tree.add(F.subcmd, tvb, at, 1, cmd);
    if (tree.full) tree.labelLast(`Here's my ${name}`);
    if (len > 1) tree.add(F['string_subopt.value'], tvb, at + 1, len - 1, ascii(tvb, at + 1, len - 1));
  } else if (cmd === 1) {
    tree.add(F.subcmd, tvb, at, 1, cmd);
    if (tree.full) tree.labelLast(`Send your ${name}`);
    if (len > 1) {
      tree.add(F.subcommand_data, tvb, at + 1, len - 1);
      if (tree.full) tree.labelLast('Extra data');
    }
  } else {
    expert(pinfo, tree, tvb, item, 1, 'Warning', 'Protocol', `Invalid ${name} subcommand ${cmd}`);
    if (len > 1) tree.add(F.subcommand_data, tvb, at + 1, len - 1);
  }
}

function auth(tvb: Tvb, tree: Tree, at: number, len: number): void {
  const cmd = tvb.u8(at);
  tree.add(F['auth.cmd'], tvb, at, 1, cmd);
  let p = at + 1;
  let left = len - 1;
  if (cmd === 0 || cmd === 2) {
    typePair(tvb, tree, p);
    tree.add(F['auth.krb5.cmd'], tvb, p + 2, 1, tvb.u8(p + 2));
    // The Kerberos messages that may follow are not decoded here.
  } else if (cmd === 1) {
    while (left > 0) {
      typePair(tvb, tree, p);
      p += 2;
      left -= 2;
    }
  } else if (cmd === 3) tree.add(F['auth.name'], tvb, p, left, ascii(tvb, p, left));
}

function typePair(tvb: Tvb, tree: Tree, p: number): void {
  tree.add(F['auth.type'], tvb, p, 1, tvb.u8(p));
  const m = tvb.u8(p + 1);
  tree.add(F['auth.mod.enc'], tvb, p + 1, 1, ((m & 0x14) >> 2) as number);
  tree.add(F['auth.mod.cred_fwd'], tvb, p + 1, 1, (m & 0x08) !== 0);
  tree.add(F['auth.mod.how'], tvb, p + 1, 1, (m & 0x02) !== 0);
  tree.add(F['auth.mod.who'], tvb, p + 1, 1, (m & 0x01) !== 0);
}

export const telnetModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('tcpPort', 23, dissectTelnet);
  },
};
