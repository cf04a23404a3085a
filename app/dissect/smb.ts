// SMB (CIFS, version 1) as tshark 4.0 shows it: the 32-byte header with command names, NT status
// or DOS error, flags and flags2; Negotiate Protocol dialects; the Transaction request far enough
// to hand a mailslot write (\MAILSLOT\BROWSE) to the mailslot and browser dissectors; every other
// command as its word and byte counts.
import {
  bool,
  bytes,
  fields,
  hex,
  names,
  proto,
  str,
  text,
  uint,
  FieldType,
  type FieldDef,
} from './field.ts';
import { FrameMap } from './frame-map.ts';
import { formatDelta } from '../format/time.ts';
import { dissectData } from './data.ts';
import { dissectGssapi } from './gssapi.ts';
import type { PacketInfo } from './packet-info.ts';
import { dissectMailslot } from './mailslot.ts';
import { ntStatusName, ntStatusText } from './smb2.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const CMD_TEXT =
  '00:Create Directory|01:Delete Directory|02:Open|03:Create|04:Close|05:Flush|06:Delete|07:Rename|' +
  '08:Query Information|09:Set Information|0A:Read|0B:Write|0C:Lock Byte Range|0D:Unlock Byte Range|' +
  '0E:Create Temp|0F:Create New|10:Check Directory|11:Process Exit|12:Seek|13:Lock And Read|' +
  '14:Write And Unlock|1A:Read Raw|1B:Read MPX|1C:Read MPX Secondary|1D:Write Raw|1E:Write MPX|' +
  '1F:Write MPX Secondary|20:Write Complete|21:Query Server (reserved)|22:Set Information2|' +
  '23:Query Information2|24:Locking AndX|25:Trans|26:Trans Secondary|27:IOCTL|28:IOCTL Secondary|29:Copy|' +
  '2A:Move|2B:Echo|2C:Write And Close|2D:Open AndX|2E:Read AndX|2F:Write AndX|30:New File Size (reserved)|' +
  '31:Close And Tree Disconnect|32:Trans2|33:Trans2 Secondary|34:Find Close2|35:Find Notify Close|' +
  '70:Tree Connect|71:Tree Disconnect|72:Negotiate Protocol|73:Session Setup AndX|74:Logoff AndX|' +
  '75:Tree Connect AndX|80:Query Information Disk|81:Search|82:Find|83:Find Unique|84:Find Close|' +
  'A0:NT Trans|A1:NT Trans Secondary|A2:NT Create AndX|A4:NT Cancel|A5:NT Rename|C0:Open Print File|' +
  'C1:Write Print File|C2:Close Print File|C3:Get Print Queue|D0:Send Single Block Message|' +
  'D1:Send Broadcast Message|D2:Forward User Name|D3:Cancel Forward|D4:Get Machine Name|' +
  'D5:Send Start of Multi-block Message|D6:Send End of Multi-block Message|' +
  'D7:Send Text of Multi-block Message|D8:SMBreadbulk|D9:SMBwritebulk|DA:SMBwritebulkdata|FE:SMBinvalid';
const CMDS = new Map<number, string>(
  CMD_TEXT.split('|').map((e) => [parseInt(e.slice(0, 2), 16), e.slice(3)] as [number, string]),
);
for (let c = 0x15; c <= 0x19; c++) CMDS.set(c, `unknown-0x${c.toString(16).toUpperCase()}`);
CMDS.set(0xa3, 'unknown-0xA3');

const ERROR_CLASSES = names({
  0: 'Success',
  1: 'DOS Error',
  2: 'Server Error',
  3: 'Hardware Error',
  0xff: 'Command Error - Not an SMB format command',
});
const DOS_ERRORS = names({
  1: 'Invalid function', 2: 'File not found', 3: 'Directory not found', 4: 'Too many open files',
  5: 'Access denied', 6: 'Invalid handle', 8: 'Insufficient memory', 18: 'No more files',
  32: 'Sharing violation', 33: 'Lock violation', 50: 'Operation not supported', 67: 'Network name not found',
  80: 'File already exists', 87: 'Invalid parameter', 123: 'Invalid name', 183: 'File already exists',
  230: 'Named pipe invalid', 234: 'More data', 2142: 'Unknown IPC Operation',
}); // prettier-ignore
const SRV_ERRORS = names({
  1: 'Non specific error code', 2: 'Bad password', 4: 'No permissions to perform the requested operation',
  5: 'TID invalid', 6: 'Invalid network name. Service not found', 22: 'Unknown SMB, from NT 3.5 response',
  64: 'Unrecognised command', 65: 'SMB server internal error', 91: 'Bad userid',
  0xffff: 'Operation not supported',
}); // prettier-ignore
const BUFFER_FORMATS = names({
  1: 'Data Block',
  2: 'Dialect',
  3: 'Pathname',
  4: 'ASCII',
  5: 'Variable Block',
});

export const F = fields('smb', {
  '': proto('SMB (Server Message Block Protocol)'),
  _header: text('SMB Header'),
  server_component: hex('Server Component', 32),
  response_in: { name: 'Response in', type: FieldType.FrameNum, generated: true },
  response_to: { name: 'Response to', type: FieldType.FrameNum, generated: true },
  time: { name: 'Time from request', type: FieldType.RelTime, generated: true, unit: 'seconds' },
  cmd: hex('SMB Command', 8, { strings: CMDS }),
  nt_status: hex('NT Status', 32),
  error_class: hex('Error Class', 8, { strings: ERROR_CLASSES }),
  reserved: bytes('Reserved'),
  error_code: hex('Error Code', 16),
  flags: hex('Flags', 8),
  'flags.response': bool('Request/Response', 8, 0x80, {
    tf: ['Message is a response to the client/redirector', 'Message is a request to the server'],
  }),
  'flags.notify': bool('Notify', 8, 0x40, {
    tf: ['Notify client on all modifications', 'Notify client only on open'],
  }),
  'flags.oplock': bool('Oplocks', 8, 0x20, {
    tf: ['OpLock requested/granted', 'OpLock not requested/granted'],
  }),
  'flags.canon': bool('Canonicalized Pathnames', 8, 0x10, {
    tf: ['Pathnames are canonicalized', 'Pathnames are not canonicalized'],
  }),
  'flags.caseless': bool('Case Sensitivity', 8, 0x08, {
    tf: ['Path names are caseless', 'Path names are case sensitive'],
  }),
  'flags.receive_buffer': bool('Receive Buffer Posted', 8, 0x02, {
    tf: ['Receive buffer has been posted', 'Receive buffer has not been posted'],
  }),
  'flags.lock': bool('Lock and Read', 8, 0x01, {
    tf: ['Lock&Read, Write&Unlock are supported', 'Lock&Read, Write&Unlock are not supported'],
  }),
  flags2: hex('Flags2', 16),
  'flags2.string': bool('Unicode Strings', 16, 0x8000, {
    tf: ['Strings are Unicode', 'Strings are ASCII'],
  }),
  'flags2.nt_error': bool('Error Code Type', 16, 0x4000, {
    tf: ['Error codes are NT error codes', 'Error codes are DOS error codes'],
  }),
  'flags2.roe': bool('Execute-only Reads', 16, 0x2000, {
    tf: ['Permit reads if execute-only', "Don't permit reads if execute-only"],
  }),
  'flags2.dfs': bool('Dfs', 16, 0x1000, {
    tf: ['Resolve pathnames with Dfs', "Don't resolve pathnames with Dfs"],
  }),
  'flags2.esn': bool('Extended Security Negotiation', 16, 0x0800, {
    tf: ['Extended security negotiation is supported', 'Extended security negotiation is not supported'],
  }),
  'flags2.reparse_path': bool('Reparse Path', 16, 0x0400, {
    tf: ['The request uses a @GMT reparse path', 'The request does not use a @GMT reparse path'],
  }),
  'flags2.long_names_used': bool('Long Names Used', 16, 0x0040, {
    tf: ['Path names in request are long file names', 'Path names in request are not long file names'],
  }),
  'flags2.sec_sig_required': bool('Security Signatures Required', 16, 0x0010, {
    tf: ['Security signatures are required', 'Security signatures are not required'],
  }),
  'flags2.compressed': bool('Compressed', 16, 0x0008, {
    tf: ['Compression is requested', 'Compression is not requested'],
  }),
  'flags2.sec_sig': bool('Security Signatures', 16, 0x0004, {
    tf: ['Security signatures are supported', 'Security signatures are not supported'],
  }),
  'flags2.ea': bool('Extended Attributes', 16, 0x0002, {
    tf: ['Extended attributes are supported', 'Extended attributes are not supported'],
  }),
  'flags2.long_names_allowed': bool('Long Names Allowed', 16, 0x0001, {
    tf: ['Long file names are allowed in the response', 'Long file names are not allowed in the response'],
  }),
  'pid.high': uint('Process ID High', 16),
  signature: bytes('Signature'),
  tid: uint('Tree ID', 16),
  pid: uint('Process ID', 16),
  uid: uint('User ID', 16),
  mid: uint('Multiplex ID', 16),
  _command: text('Command'),
  wct: uint('Word Count (WCT)', 8),
  bcc: uint('Byte Count (BCC)', 16),
  words: bytes('Words'),
  bytes: bytes('Bytes'),
  security_blob: bytes('Security Blob'),
  buffer_format: uint('Buffer Format', 8, { strings: BUFFER_FORMATS }),
  dialect: str('Dialect'),
  'dialect.name': str('Name'),
  'dialect.index': uint('Selected Index', 16),
  tpc: uint('Total Parameter Count', 16),
  tdc: uint('Total Data Count', 16),
  mpc: uint('Max Parameter Count', 16),
  mdc: uint('Max Data Count', 16),
  msc: uint('Max Setup Count', 8),
  'transaction.flags': hex('Flags', 16),
  'transaction.flags.owt': bool('One Way Transaction', 16, 0x0002, {
    tf: ['One way transaction', 'Two way transaction'],
  }),
  'transaction.flags.dtid': bool('Disconnect TID', 16, 0x0001, {
    tf: ['Disconnect TID', 'Do NOT disconnect TID'],
  }),
  timeout: uint('Timeout', 32),
  pc: uint('Parameter Count', 16),
  po: uint('Parameter Offset', 16),
  dc: uint('Data Count', 16),
  data_offset: uint('Data Offset', 16),
  sc: uint('Setup Count', 8),
  trans_name: str('Transaction Name'),
});

interface Smb {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  request: boolean;
  unicode: boolean;
  /** Protocols the command hands on to, shown after the SMB tree (mailslot, browser). */
  after: (() => void) | null;
}

export function dissectSMB(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('smb');
  pinfo.setProto('SMB');
  if (pinfo.wantInfo) pinfo.setInfo('');
  const cmd = tvb.u8(o + 4);
  const flags = tvb.u8(o + 9);
  const flags2 = tvb.u16le(o + 10);
  const request = (flags & 0x80) === 0;
  const s: Smb = { tvb, pinfo, tree, request, unicode: (flags2 & 0x8000) !== 0, after: null };
  tree.push(F[''], tvb, o, tvb.remaining(o));
  let errText = '';
  try {
    tree.push(F._header, tvb, o, 32);
    if (tree.full) tree.label('SMB Header');
    try {
      tree.add(F.server_component, tvb, o, 4, tvb.u32le(o));
      if (tree.full) tree.labelLast('Server Component: SMB');
      pairing(s, cmd);
      tree.add(F.cmd, tvb, o + 4, 1, cmd);
      if (flags2 & 0x4000) {
        const status = tvb.u32le(o + 5);
        tree.add(F.nt_status, tvb, o + 5, 4, status);
        if (tree.full) tree.labelLast(`NT Status: ${ntStatusText(status)}`);
        if ((status & 0xc0000000) >>> 0 === 0xc0000000)
          errText =
            ntStatusName(status) ?? `Unknown (0x${status.toString(16).toUpperCase().padStart(8, '0')})`;
      } else {
        const cls = tvb.u8(o + 5);
        const code = tvb.u16le(o + 7);
        tree.add(F.error_class, tvb, o + 5, 1, cls);
        tree.add(F.reserved, tvb, o + 6, 1);
        tree.add(F.error_code, tvb, o + 7, 2, code);
        const t = dosError(cls, code);
        if (tree.full) tree.labelLast(`Error Code: ${t}`);
        if (cls !== 0) errText = t;
      }
      flagsItem(tree, tvb, o + 9, 1, F.flags, flags, [
        F['flags.response'],
        F['flags.notify'],
        F['flags.oplock'],
        F['flags.canon'],
        F['flags.caseless'],
        F['flags.receive_buffer'],
        F['flags.lock'],
      ]);
      flagsItem(tree, tvb, o + 10, 2, F.flags2, flags2, [
        F['flags2.string'],
        F['flags2.nt_error'],
        F['flags2.roe'],
        F['flags2.dfs'],
        F['flags2.esn'],
        F['flags2.reparse_path'],
        F['flags2.long_names_used'],
        F['flags2.sec_sig_required'],
        F['flags2.compressed'],
        F['flags2.sec_sig'],
        F['flags2.ea'],
        F['flags2.long_names_allowed'],
      ]);
      tree.add(F['pid.high'], tvb, o + 12, 2, tvb.u16le(o + 12));
      tree.add(F.signature, tvb, o + 14, 8);
      tree.add(F.reserved, tvb, o + 22, 2);
      tree.add(F.tid, tvb, o + 24, 2, tvb.u16le(o + 24));
      tree.add(F.pid, tvb, o + 26, 2, tvb.u16le(o + 26));
      tree.add(F.uid, tvb, o + 28, 2, tvb.u16le(o + 28));
      tree.add(F.mid, tvb, o + 30, 2, tvb.u16le(o + 30));
    } finally {
      tree.pop();
    }
    if (cmd !== 0xff) command(s, cmd, o + 32);
  } finally {
    tree.pop();
  }
  s.after?.();
  if (!request && errText && pinfo.wantInfo) pinfo.setInfo(`${pinfo.info}, Error: ${errText}`);
  return tvb.remaining(o);
}

/** What a request left for its response (a part of Wireshark's smb_saved_info_t). */
interface Saved {
  cmd: number;
  frameReq: number;
  frameRes: number;
  sec: number;
  nsec: number;
}

class SmbState {
  readonly open = new Map<string, Saved>();
  readonly byFrame = new FrameMap<Saved | null>();
}

/** Pairs requests and responses by conversation, process and multiplex id (first pass), and shows the pair. */
function pairing(s: Smb, cmd: number): void {
  const { tvb, pinfo, tree } = s;
  const o = tvb.start;
  const st = pinfo.state.of('smb', () => new SmbState());
  const frame = pinfo.meta.number;
  let saved = st.byFrame.get(frame);
  if (saved === undefined) {
    saved = null;
    const tid = tvb.u16le(o + 24);
    const pid = tvb.u16le(o + 26);
    const uid = tvb.u16le(o + 28);
    const mid = tvb.u16le(o + 30);
    const broadcast = s.request && mid === 0 && uid === 0 && pid === 0 && tid === 0;
    if (!broadcast && pinfo.conversation >= 0) {
      const key = `${pinfo.conversation}/${pid}/${mid}`;
      const known = st.open.get(key);
      if (s.request) {
        saved = { cmd, frameReq: frame, frameRes: 0, sec: pinfo.meta.tsSec, nsec: pinfo.meta.tsNsec };
        st.open.set(key, saved);
      } else if (known && known.cmd === cmd) {
        if (known.frameRes === 0) known.frameRes = frame;
        saved = known;
      }
    }
    st.byFrame.set(frame, saved);
  }
  if (!saved) return;
  if (s.request) {
    if (saved.frameRes) {
      tree.add(F.response_in, tvb, o, 0, saved.frameRes);
      if (tree.full) tree.labelLast(`[Response in: ${saved.frameRes}]`);
    }
  } else {
    tree.add(F.response_to, tvb, o, 0, saved.frameReq);
    if (tree.full) tree.labelLast(`[Response to: ${saved.frameReq}]`);
    const m = pinfo.meta;
    const delta = formatDelta(m.tsSec, m.tsNsec, saved.sec, saved.nsec);
    tree.add(F.time, tvb, o, 0, delta);
    if (tree.full) tree.labelLast(`[Time from request: ${delta} seconds]`);
  }
}

function dosError(cls: number, code: number): string {
  switch (cls) {
    case 0:
      return 'No Error';
    case 1:
      return DOS_ERRORS.get(code) ?? `Unknown DOS error (${code.toString(16)})`;
    case 2:
      return SRV_ERRORS.get(code) ?? `Unknown SRV error (${code.toString(16)})`;
    case 3:
      return `Unknown HRD error (${code.toString(16)})`;
    default:
      return 'Unknown error';
  }
}

function command(s: Smb, cmd: number, at: number): void {
  const { tvb, pinfo, tree } = s;
  const name = CMDS.get(cmd);
  if (pinfo.wantInfo)
    pinfo.setInfo(
      `${pinfo.info}${name ?? `Unknown (0x${cmd.toString(16).padStart(2, '0')})`} ${s.request ? 'Request' : 'Response'}`,
    );
  tree.push(F._command, tvb, at, 0);
  if (tree.full)
    tree.label(
      `${name ?? 'Unknown'} ${s.request ? 'Request' : 'Response'} (0x${cmd.toString(16).padStart(2, '0')})`,
    );
  let end = at;
  try {
    if (cmd === 0x72 && s.request) end = negotiateRequest(s, at);
    else if (cmd === 0x72) end = negotiateResponse(s, at);
    else if (cmd === 0x25 && s.request) end = transRequest(s, at);
    else if (cmd === 0x73) end = generic(s, at, securityBlobLength(s, at));
    else end = generic(s, at);
  } finally {
    tree.pop(Math.max(0, end - at));
  }
}

/**
 * Word count, the parameter words, byte count and the bytes, undecoded; a security blob of
 * `blobLength` bytes at the start of the bytes is shown as one and handed to GSS-API.
 */
function generic(s: Smb, at: number, blobLength = 0): number {
  const { tvb, tree } = s;
  const wct = tvb.u8(at);
  tree.add(F.wct, tvb, at, 1, wct);
  let p = at + 1;
  if (wct > 0) tree.add(F.words, tvb, p, wct * 2);
  p += wct * 2;
  const bcc = tvb.u16le(p);
  tree.add(F.bcc, tvb, p, 2, bcc);
  p += 2;
  if (blobLength > 0 && blobLength <= bcc) {
    tree.push(F.security_blob, tvb, p, Math.min(blobLength, tvb.remaining(p)));
    try {
      dissectGssapi(tvb.sub(p, blobLength), s.pinfo, tree);
    } finally {
      tree.pop();
    }
    if (bcc > blobLength)
      tree.add(F.bytes, tvb, p + blobLength, Math.min(bcc - blobLength, tvb.remaining(p + blobLength)));
  } else if (bcc > 0) tree.add(F.bytes, tvb, p, Math.min(bcc, tvb.remaining(p)));
  return p + bcc;
}

/** Session Setup AndX with extended security (request WCT 12, response WCT 4): its blob length. */
function securityBlobLength(s: Smb, at: number): number {
  const wct = s.tvb.u8(at);
  if (s.request && wct === 12) return s.tvb.u16le(at + 15);
  if (!s.request && wct === 4) return s.tvb.u16le(at + 7);
  return 0;
}

function negotiateRequest(s: Smb, at: number): number {
  const { tvb, tree } = s;
  tree.add(F.wct, tvb, at, 1, tvb.u8(at));
  const bcc = tvb.u16le(at + 1);
  tree.add(F.bcc, tvb, at + 1, 2, bcc);
  let p = at + 3;
  const end = p + bcc;
  tree.push(F._command, tvb, p, bcc);
  if (tree.full) tree.label('Requested Dialects');
  try {
    while (p < end) {
      const fmt = tvb.u8(p);
      let q = p + 1;
      while (q < end && tvb.u8(q) !== 0) q++;
      const name = tvb.ascii(p + 1, q - p - 1);
      tree.push(F.dialect, tvb, p, q + 1 - p, name);
      tree.add(F.buffer_format, tvb, p, 1, fmt);
      tree.add(F['dialect.name'], tvb, p + 1, q + 1 - p - 1, name);
      tree.pop();
      p = q + 1;
    }
  } finally {
    tree.pop();
  }
  return end;
}

function negotiateResponse(s: Smb, at: number): number {
  const { tvb, tree } = s;
  const wct = tvb.u8(at);
  if (wct === 0) return generic(s, at);
  tree.add(F.wct, tvb, at, 1, wct);
  tree.add(F['dialect.index'], tvb, at + 1, 2, tvb.u16le(at + 1));
  const p = at + 1 + wct * 2;
  tvb.need(at + 1, wct * 2);
  const bcc = tvb.u16le(p);
  tree.add(F.bcc, tvb, p, 2, bcc);
  return p + 2 + bcc;
}

function transRequest(s: Smb, at: number): number {
  const { tvb, tree } = s;
  const o = tvb.start;
  const wct = tvb.u8(at);
  tree.add(F.wct, tvb, at, 1, wct);
  if (wct < 14) return generic(s, at);
  let p = at + 1;
  tree.add(F.tpc, tvb, p, 2, tvb.u16le(p));
  tree.add(F.tdc, tvb, p + 2, 2, tvb.u16le(p + 2));
  tree.add(F.mpc, tvb, p + 4, 2, tvb.u16le(p + 4));
  tree.add(F.mdc, tvb, p + 6, 2, tvb.u16le(p + 6));
  tree.add(F.msc, tvb, p + 8, 1, tvb.u8(p + 8));
  tree.add(F.reserved, tvb, p + 9, 1);
  const tf = tvb.u16le(p + 10);
  tree.push(F['transaction.flags'], tvb, p + 10, 2, tf);
  tree.add(F['transaction.flags.owt'], tvb, p + 10, 2, (tf & 2) !== 0);
  tree.add(F['transaction.flags.dtid'], tvb, p + 10, 2, (tf & 1) !== 0);
  tree.pop();
  const timeout = tvb.u32le(p + 12);
  tree.add(F.timeout, tvb, p + 12, 4, timeout);
  if (tree.full) tree.labelLast(`Timeout: ${timeoutText(timeout)}`);
  tree.add(F.reserved, tvb, p + 16, 2);
  tree.add(F.pc, tvb, p + 18, 2, tvb.u16le(p + 18));
  tree.add(F.po, tvb, p + 20, 2, tvb.u16le(p + 20));
  const dc = tvb.u16le(p + 22);
  tree.add(F.dc, tvb, p + 22, 2, dc);
  const doff = tvb.u16le(p + 24);
  tree.add(F.data_offset, tvb, p + 24, 2, doff);
  const sc = tvb.u8(p + 26);
  tree.add(F.sc, tvb, p + 26, 1, sc);
  tree.add(F.reserved, tvb, p + 27, 1);
  const setup = p + 28;
  p = setup + sc * 2;
  tvb.need(setup, sc * 2);
  const bcc = tvb.u16le(p);
  tree.add(F.bcc, tvb, p, 2, bcc);
  p += 2;
  const end = p + bcc;
  // The name is ASCII here; Unicode names start on an even offset after a pad byte.
  let nameAt = p;
  let name: string;
  let q: number;
  if (s.unicode) {
    if ((nameAt - o) & 1) nameAt++;
    q = nameAt;
    while (q + 1 < end && (tvb.u8(q) | tvb.u8(q + 1)) !== 0) q += 2;
    name = '';
    for (let i = nameAt; i < q; i += 2) name += String.fromCharCode(tvb.u16le(i));
    q += 2;
  } else {
    q = nameAt;
    while (q < end && tvb.u8(q) !== 0) q++;
    name = tvb.ascii(nameAt, q - nameAt);
    q++;
  }
  tree.add(F.trans_name, tvb, nameAt, q - nameAt, name);
  const upper = name.toUpperCase();
  if (upper.startsWith('\\MAILSLOT\\') && sc >= 3) {
    const data = tvb.sub(o + doff, Math.min(dc, tvb.reportedRemaining(o + doff)));
    const mailslot = name.slice(10);
    s.after = () => dissectMailslot(tvb, setup, p - 2, nameAt, q - nameAt, mailslot, data, s.pinfo, s.tree);
  } else if (dc > 0 && doff > 0) {
    const data = tvb.sub(o + doff, Math.min(dc, tvb.reportedRemaining(o + doff)));
    s.after = () => dissectData(data, s.pinfo, s.tree);
  }
  return Math.max(end, q);
}

/** Wireshark's smb_timeout text. */
function timeoutText(ms: number): string {
  if (ms === 0) return 'Return immediately (0)';
  if (ms === 0xffffffff) return 'Wait indefinitely (-1)';
  return msecsText(ms);
}

/** Wireshark's time_msecs_to_str: `4 days, 2 hours, 20 minutes, 5.337 seconds`. */
export function msecsText(value: number): string {
  let ms = value;
  const neg = ms < 0;
  if (neg) ms = -ms;
  if (ms === 0) return '0 seconds';
  const msec = ms % 1000;
  let t = Math.floor(ms / 1000);
  const secs = t % 60;
  t = Math.floor(t / 60);
  const mins = t % 60;
  t = Math.floor(t / 60);
  const hours = t % 24;
  const days = Math.floor(t / 24);
  const parts: string[] = [];
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (days) parts.push(plural(days, 'day'));
  if (hours) parts.push(plural(hours, 'hour'));
  if (mins) parts.push(plural(mins, 'minute'));
  if (secs || msec) {
    if (msec) parts.push(`${secs}.${String(msec).padStart(3, '0')} seconds`);
    else parts.push(plural(secs, 'second'));
  }
  return (neg ? '-' : '') + parts.join(', ');
}

export function flagsItem(
  tree: Tree,
  tvb: Tvb,
  at: number,
  len: number,
  parent: FieldDef,
  value: number,
  bits: readonly FieldDef[],
): void {
  tree.push(parent, tvb, at, len, value);
  if (tree.full) {
    let label = `${parent.name}: 0x${value.toString(16).padStart(len * 2, '0')}`;
    for (const b of bits) if (value & (b.mask as number)) label += `, ${b.name}`;
    tree.label(label);
  }
  for (const b of bits) tree.add(b, tvb, at, len, (value & (b.mask as number)) !== 0);
  tree.pop();
}

export const smbModule = { fields: F };
