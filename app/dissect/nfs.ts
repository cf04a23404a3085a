// Network File System, ONC RPC program 100003: versions 2 and 3 (RFC 1094, 1813) with their
// file handles (and the CRC-32 tshark names them by), names, attributes, status and the Info
// text tshark 4.0 gives each procedure; version 4 COMPOUND with its operations by name.
import {
  absTime,
  bool,
  bytes,
  hex,
  fields,
  names,
  proto,
  str,
  text,
  uint,
  FieldType,
  type FieldDef,
} from './field.ts';
import type { Registry } from './registry.ts';
import { registerRpcProgram, roundup, type RpcProc, type Xdr } from './rpc.ts';
import { formatAbsoluteUtc } from '../format/time.ts';

const NFS2_PROCS = names({
  0: 'NULL', 1: 'GETATTR', 2: 'SETATTR', 3: 'ROOT', 4: 'LOOKUP', 5: 'READLINK', 6: 'READ', 7: 'WRITECACHE',
  8: 'WRITE', 9: 'CREATE', 10: 'REMOVE', 11: 'RENAME', 12: 'LINK', 13: 'SYMLINK', 14: 'MKDIR', 15: 'RMDIR',
  16: 'READDIR', 17: 'STATFS',
}); // prettier-ignore
const NFS3_PROCS = names({
  0: 'NULL', 1: 'GETATTR', 2: 'SETATTR', 3: 'LOOKUP', 4: 'ACCESS', 5: 'READLINK', 6: 'READ', 7: 'WRITE',
  8: 'CREATE', 9: 'MKDIR', 10: 'SYMLINK', 11: 'MKNOD', 12: 'REMOVE', 13: 'RMDIR', 14: 'RENAME', 15: 'LINK',
  16: 'READDIR', 17: 'READDIRPLUS', 18: 'FSSTAT', 19: 'FSINFO', 20: 'PATHCONF', 21: 'COMMIT',
}); // prettier-ignore
const NFS4_PROCS = names({ 0: 'NULL', 1: 'COMPOUND' });
const NFS3_STATUS = names({
  0: 'NFS3_OK', 1: 'NFS3ERR_PERM', 2: 'NFS3ERR_NOENT', 5: 'NFS3ERR_IO', 6: 'NFS3ERR_NXIO', 13: 'NFS3ERR_ACCES',
  17: 'NFS3ERR_EXIST', 18: 'NFS3ERR_XDEV', 19: 'NFS3ERR_NODEV', 20: 'NFS3ERR_NOTDIR', 21: 'NFS3ERR_ISDIR',
  22: 'NFS3ERR_INVAL', 27: 'NFS3ERR_FBIG', 28: 'NFS3ERR_NOSPC', 30: 'NFS3ERR_ROFS', 31: 'NFS3ERR_MLINK',
  63: 'NFS3ERR_NAMETOOLONG', 66: 'NFS3ERR_NOTEMPTY', 69: 'NFS3ERR_DQUOT', 70: 'NFS3ERR_STALE',
  71: 'NFS3ERR_REMOTE', 10001: 'NFS3ERR_BADHANDLE', 10002: 'NFS3ERR_NOT_SYNC', 10003: 'NFS3ERR_BAD_COOKIE',
  10004: 'NFS3ERR_NOTSUPP', 10005: 'NFS3ERR_TOOSMALL', 10006: 'NFS3ERR_SERVERFAULT', 10007: 'NFS3ERR_BADTYPE',
  10008: 'NFS3ERR_JUKEBOX',
}); // prettier-ignore
/** nfs.status (hidden beside every version's status): the common names. */
const NFS_STATUS = names({
  0: 'OK', 1: 'ERR_PERM', 2: 'ERR_NOENT', 5: 'ERR_IO', 6: 'ERR_NXIO', 11: 'ERR_EAGAIN', 13: 'ERR_ACCESS',
  17: 'ERR_EXIST', 18: 'ERR_XDEV', 19: 'ERR_NODEV', 20: 'ERR_NOTDIR', 21: 'ERR_ISDIR', 22: 'ERR_INVAL',
  26: 'ERR_TXTBSY', 27: 'ERR_FBIG', 28: 'ERR_NOSPC', 30: 'ERR_ROFS', 31: 'ERR_MLINK', 45: 'ERR_OPNOTSUPP',
  63: 'ERR_NAMETOOLONG', 66: 'ERR_NOTEMPTY', 69: 'ERR_DQUOT', 70: 'ERR_STALE', 71: 'ERR_REMOTE', 99: 'ERR_WFLUSH',
  10001: 'ERR_BADHANDLE', 10002: 'ERR_NOT_SYNC', 10003: 'ERR_BAD_COOKIE', 10004: 'ERR_NOTSUPP',
  10005: 'ERR_TOOSMALL', 10006: 'ERR_SERVERFAULT', 10007: 'ERR_BADTYPE', 10008: 'ERR_DELAY',
}); // prettier-ignore
const FTYPE3 = names({
  1: 'Regular File',
  2: 'Directory',
  3: 'Block Special Device',
  4: 'Character Special Device',
  5: 'Symbolic Link',
  6: 'Socket',
  7: 'Named Pipe',
});
const FOLLOWS = names({ 0: 'no value', 1: 'value follows' });
const STABLE = names({ 0: 'UNSTABLE', 1: 'DATA_SYNC', 2: 'FILE_SYNC' });
const NFS4_OPS = names({
  3: 'ACCESS', 4: 'CLOSE', 5: 'COMMIT', 6: 'CREATE', 7: 'DELEGPURGE', 8: 'DELEGRETURN', 9: 'GETATTR', 10: 'GETFH',
  11: 'LINK', 12: 'LOCK', 13: 'LOCKT', 14: 'LOCKU', 15: 'LOOKUP', 16: 'LOOKUPP', 17: 'NVERIFY', 18: 'OPEN',
  19: 'OPENATTR', 20: 'OPEN_CONFIRM', 21: 'OPEN_DOWNGRADE', 22: 'PUTFH', 23: 'PUTPUBFH', 24: 'PUTROOTFH',
  25: 'READ', 26: 'READDIR', 27: 'READLINK', 28: 'REMOVE', 29: 'RENAME', 30: 'RENEW', 31: 'RESTOREFH',
  32: 'SAVEFH', 33: 'SECINFO', 34: 'SETATTR', 35: 'SETCLIENTID', 36: 'SETCLIENTID_CONFIRM', 37: 'VERIFY',
  38: 'WRITE', 39: 'RELEASE_LOCKOWNER', 40: 'BACKCHANNEL_CTL', 41: 'BIND_CONN_TO_SESSION', 42: 'EXCHANGE_ID',
  43: 'CREATE_SESSION', 44: 'DESTROY_SESSION', 45: 'FREE_STATEID', 46: 'GET_DIR_DELEGATION',
  47: 'GETDEVINFO', 48: 'GETDEVLIST', 49: 'LAYOUTCOMMIT', 50: 'LAYOUTGET', 51: 'LAYOUTRETURN',
  52: 'SECINFO_NO_NAME', 53: 'SEQUENCE', 54: 'SET_SSV', 55: 'TEST_STATEID', 56: 'WANT_DELEGATION',
  57: 'DESTROY_CLIENTID', 58: 'RECLAIM_COMPLETE', 59: 'ALLOCATE', 60: 'COPY', 61: 'COPY_NOTIFY',
  62: 'DEALLOCATE', 63: 'IO_ADVISE', 64: 'LAYOUTERROR', 65: 'LAYOUTSTATS', 66: 'OFFLOAD_CANCEL',
  67: 'OFFLOAD_STATUS', 68: 'READ_PLUS', 69: 'SEEK', 70: 'WRITE_SAME', 71: 'CLONE', 72: 'GETXATTR',
  73: 'SETXATTR', 74: 'LISTXATTRS', 75: 'REMOVEXATTR', 10044: 'ILLEGAL',
}); // prettier-ignore

const accessBit = (name: string, mask: number): ReturnType<typeof bool> =>
  bool(name, 8, mask, { tf: ['allowed', '*Access Denied*'] });
const yesNo = (name: string): { name: string; type: FieldType; tf: readonly [string, string] } => ({
  name,
  type: FieldType.Bool,
  tf: ['Yes', 'No'],
});
const u64 = (name: string): ReturnType<typeof uint> => uint(name, 64);
const modeBit = (name: string, mask: number): ReturnType<typeof bool> =>
  bool(name, 32, mask, { tf: ['Yes', 'No'] });

export const F = fields('nfs', {
  '': proto('Network File System'),
  procedure_v2: uint('V2 Procedure', 32, { strings: NFS2_PROCS, generated: true }),
  procedure_v3: uint('V3 Procedure', 32, { strings: NFS3_PROCS, generated: true }),
  procedure_v4: uint('V4 Procedure', 32, { strings: NFS4_PROCS, generated: true }),
  _fh: text('File handle'),
  'fh.length': uint('length', 32),
  'fh.hash': { name: 'hash (CRC-32)', type: FieldType.UInt, base: 'hex', bits: 32, generated: true },
  fhandle: bytes('FileHandle'),
  status3: uint('Status', 32, { strings: NFS3_STATUS }),
  status: uint('Status', 32, { strings: NFS_STATUS, hidden: true }),
  name: str('Name'),
  _diropargs: text('diropargs'),
  _fattr: text('fattr3'),
  'fattr3.type': uint('Type', 32, { strings: FTYPE3 }),
  mode3: { name: 'Mode', type: FieldType.UInt, base: 'oct', bits: 32 },
  'mode3.suid': modeBit('S_ISUID', 0x800),
  'mode3.sgid': modeBit('S_ISGID', 0x400),
  'mode3.sticky': modeBit('S_ISVTX', 0x200),
  'mode3.rusr': modeBit('S_IRUSR', 0x100),
  'mode3.wusr': modeBit('S_IWUSR', 0x80),
  'mode3.xusr': modeBit('S_IXUSR', 0x40),
  'mode3.rgrp': modeBit('S_IRGRP', 0x20),
  'mode3.wgrp': modeBit('S_IWGRP', 0x10),
  'mode3.xgrp': modeBit('S_IXGRP', 0x8),
  'mode3.roth': modeBit('S_IROTH', 0x4),
  'mode3.woth': modeBit('S_IWOTH', 0x2),
  'mode3.xoth': modeBit('S_IXOTH', 0x1),
  'fattr3.nlink': uint('nlink', 32),
  'fattr3.uid': uint('uid', 32),
  'fattr3.gid': uint('gid', 32),
  'fattr3.size': u64('size'),
  'fattr3.used': u64('used'),
  _specdata: text('specdata'),
  specdata1: uint('specdata1', 32),
  specdata2: uint('specdata2', 32),
  'fattr3.fsid': { name: 'fsid', type: FieldType.UInt, base: 'hex_dec', bits: 64 },
  'fattr3.fileid': u64('fileid'),
  atime: absTime('atime'),
  'atime.sec': uint('seconds', 32),
  'atime.nsec': uint('nano seconds', 32),
  mtime: absTime('mtime'),
  'mtime.sec': uint('seconds', 32),
  'mtime.nsec': uint('nano seconds', 32),
  ctime: absTime('ctime'),
  'ctime.sec': uint('seconds', 32),
  'ctime.nsec': uint('nano seconds', 32),
  attributes_follow: uint('attributes_follow', 32, { strings: FOLLOWS }),
  _post_op: text('post_op_attr'),
  _wcc: text('wcc_data'),
  'wcc_attr.size': u64('size'),
  offset3: u64('offset'),
  count3: uint('count', 32),
  'read.eof': { name: 'EOF', type: FieldType.Bool, tf: ['Yes', 'No'] },
  data: bytes('Data'),
  'write.stable': uint('Stable', 32, { strings: STABLE }),
  'write.committed': uint('Committed', 32, { strings: STABLE }),
  verifier: bytes('Verifier'),
  cookie3: u64('cookie'),
  count3_dircount: uint('dircount', 32),
  count3_maxcount: uint('maxcount', 32),
  _entry: text('Entry'),
  'readdir.entry3.fileid': u64('File ID'),
  'readdir.entry3.name': str('Name'),
  'readdir.entry3.cookie': u64('Cookie'),
  'symlink.to': str('To'),
  'readdirplus.entry.fileid': u64('File ID'),
  'readdirplus.entry.name': str('Name'),
  'readdirplus.entry.cookie': u64('Cookie'),
  handle_follow: uint('handle_follow', 32, { strings: FOLLOWS }),
  'readlink.data': str('Data'),
  'readdir.eof': uint('EOF', 32),
  status2: uint('Status', 32),
  'fsstat3_resok.tbytes': u64('Total bytes'),
  'fsstat3_resok.fbytes': u64('Free bytes'),
  'fsstat3_resok.abytes': u64('Available free bytes'),
  'fsstat3_resok.tfiles': u64('Total file slots'),
  'fsstat3_resok.ffiles': u64('Free file slots'),
  'fsstat3_resok.afiles': u64('Available free file slots'),
  'fsstat.invarsec': uint('invarsec', 32),
  'pathconf.linkmax': uint('linkmax', 32),
  'pathconf.name_max': uint('name_max', 32),
  'pathconf.no_trunc': yesNo('no_trunc'),
  'pathconf.chown_restricted': yesNo('chown_restricted'),
  'pathconf.case_insensitive': yesNo('case_insensitive'),
  'pathconf.case_preserving': yesNo('case_preserving'),
  access_check: hex('Check access', 8),
  access_rights: hex('Access rights (of requested)', 8),
  access_read: accessBit('0x001 READ', 0x1),
  access_lookup: accessBit('0x002 LOOKUP', 0x2),
  access_modify: accessBit('0x004 MODIFY', 0x4),
  access_extend: accessBit('0x008 EXTEND', 0x8),
  access_delete: accessBit('0x010 DELETE', 0x10),
  access_execute: accessBit('0x020 EXECUTE', 0x20),
  access_xattr_read: accessBit('0x040 XATTR READ', 0x40),
  access_xattr_write: accessBit('0x080 XATTR WRITE', 0x80),
  tag: str('Tag'),
  minorversion: uint('minorversion', 32),
  _ops: text('Operations'),
  opcode: uint('Opcode', 32, { strings: NFS4_OPS }),
  'ops.count': uint('Operations', 32),
  nfsstat4: uint('Status', 32, { strings: NFS_STATUS }),
});

/** CRC-32 (IEEE 802.3), tshark's crc32_ccitt: what nfs.fh.hash is. */
let crcTable: Uint32Array | null = null;
export function crc32(b: Uint8Array, from: number, to: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = from; i < to; i++) c = (crcTable[(c ^ (b[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const hex8 = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

/** The handle's bytes at `at`: its hash and the opaque FileHandle (tshark's default handle type). */
function fhandleData(x: Xdr, at: number, len: number): number {
  const { tvb, tree } = x;
  tvb.need(at, len);
  const hash = crc32(tvb.bytes, at, at + len);
  tree.add(F['fh.hash'], tvb, at, len, hash);
  tree.add(F.fhandle, tvb, at, len);
  return hash;
}

/** An NFSv3 handle (counted): a subtree named `name` with length, hash and bytes; its hash. */
export function fh3(x: Xdr, name: string): number {
  const { tvb, tree } = x;
  const start = x.p;
  const len = tvb.u32(start);
  const full = roundup(len);
  tree.push(F._fh, tvb, start, 4 + full);
  if (tree.full) tree.label(name);
  tree.add(F['fh.length'], tvb, start, 4, len);
  let hash = 0;
  try {
    if (len > 0) hash = fhandleData(x, start + 4, len);
  } finally {
    tree.pop();
  }
  x.p = start + 4 + (len > 0 ? full : 0);
  return hash;
}

/** An NFSv2 handle: 32 fixed bytes. */
export function fh2(x: Xdr, name: string): number {
  const { tvb, tree } = x;
  const start = x.p;
  tree.push(F._fh, tvb, start, 32);
  if (tree.full) tree.label(name);
  let hash: number;
  try {
    hash = fhandleData(x, start, 32);
  } finally {
    tree.pop();
  }
  x.p = start + 32;
  return hash;
}

function status3(x: Xdr): number {
  const s = x.tvb.u32(x.p);
  x.tree.add(F.status3, x.tvb, x.p, 4, s);
  x.tree.add(F.status, x.tvb, x.p, 4, s);
  x.p += 4;
  return s;
}

const errText = (s: number): string => NFS3_STATUS.get(s) ?? `Unknown error: ${s}`;

/** The body of a subtree whose length is known only at its end. */
function sub(x: Xdr, label: string, body: () => void): void {
  const start = x.p;
  x.tree.push(F._diropargs, x.tvb, start, 0);
  if (x.tree.full) x.tree.label(label);
  try {
    body();
  } finally {
    x.tree.pop(x.p - start);
  }
}

function diropargs3(x: Xdr, label: string): { hash: number; name: string } {
  let hash = 0;
  let name = '';
  sub(x, label, () => {
    hash = fh3(x, 'dir');
    name = x.string(F.name);
  });
  return { hash, name };
}

function nfstime(x: Xdr, def: FieldDef, sec: FieldDef, nsec: FieldDef): void {
  const { tvb, tree } = x;
  const s = tvb.u32(x.p);
  const ns = tvb.u32(x.p + 4);
  tree.push(def, tvb, x.p, 8, formatAbsoluteUtc(s, ns));
  tree.add(sec, tvb, x.p, 4, s);
  tree.add(nsec, tvb, x.p + 4, 4, ns);
  tree.pop();
  x.p += 8;
}

const MODE_BITS = [
  F['mode3.suid'], F['mode3.sgid'], F['mode3.sticky'], F['mode3.rusr'], F['mode3.wusr'], F['mode3.xusr'],
  F['mode3.rgrp'], F['mode3.wgrp'], F['mode3.xgrp'], F['mode3.roth'], F['mode3.woth'], F['mode3.xoth'],
]; // prettier-ignore

function mode3(x: Xdr): number {
  const { tvb, tree } = x;
  const m = tvb.u32(x.p);
  tree.push(F.mode3, tvb, x.p, 4, m);
  if (tree.full) {
    const set = MODE_BITS.filter((d) => (m & (d.mask as number)) !== 0).map((d) => d.name);
    tree.label(`Mode: 0${m.toString(8)}${set.length ? `, ${set.join(', ')}` : ''}`);
  }
  for (const d of MODE_BITS) tree.add(d, tvb, x.p, 4, (m & (d.mask as number)) !== 0);
  tree.pop();
  x.p += 4;
  return m;
}

interface Attr {
  summary: string;
}

/** fattr3; its summary (`Regular File mode: 0755 uid: 0 gid: 30`) for the labels and Info. */
function fattr3(x: Xdr, name: string): Attr {
  const { tvb, tree } = x;
  const start = x.p;
  tree.push(F._fattr, tvb, start, 0);
  const type = x.u32(F['fattr3.type']);
  const mode = mode3(x);
  x.u32(F['fattr3.nlink']);
  const uid = x.u32(F['fattr3.uid']);
  const gid = x.u32(F['fattr3.gid']);
  x.u64(F['fattr3.size']);
  x.u64(F['fattr3.used']);
  const s1 = tvb.u32(x.p);
  const s2 = tvb.u32(x.p + 4);
  tree.push(F._specdata, tvb, x.p, 8);
  if (tree.full) tree.label(`rdev: ${s1},${s2}`);
  x.u32(F.specdata1);
  x.u32(F.specdata2);
  tree.pop();
  x.u64(F['fattr3.fsid']);
  x.u64(F['fattr3.fileid']);
  nfstime(x, F.atime, F['atime.sec'], F['atime.nsec']);
  nfstime(x, F.mtime, F['mtime.sec'], F['mtime.nsec']);
  nfstime(x, F.ctime, F['ctime.sec'], F['ctime.nsec']);
  const summary = `${FTYPE3.get(type) ?? `Unknown Type: 0x${type.toString(16)}`} mode: ${(mode & 0xfff).toString(8).padStart(4, '0')} uid: ${uid} gid: ${gid}`;
  tree.pop(x.p - start, tree.full ? `${name}  ${summary}` : undefined);
  return { summary };
}

function postOpAttr(x: Xdr, name: string): void {
  const { tvb, tree } = x;
  const start = x.p;
  const follows = tvb.u32(start);
  tree.push(F._post_op, tvb, start, 0);
  x.u32(F.attributes_follow);
  let label = name;
  try {
    if (follows === 1) label += `  ${fattr3(x, 'attributes').summary}`;
  } finally {
    tree.pop(x.p - start, tree.full ? label : undefined);
  }
}

function wccData(x: Xdr, name: string): void {
  sub(x, name, () => {
    const start = x.p;
    const follows = x.tvb.u32(start);
    x.tree.push(F._post_op, x.tvb, start, 0);
    x.u32(F.attributes_follow);
    try {
      if (follows === 1) {
        sub(x, 'attributes', () => {
          x.u64(F['wcc_attr.size']);
          nfstime(x, F.mtime, F['mtime.sec'], F['mtime.nsec']);
          nfstime(x, F.ctime, F['ctime.sec'], F['ctime.nsec']);
        });
      }
    } finally {
      x.tree.pop(x.p - start, x.tree.full ? 'before' : undefined);
    }
    postOpAttr(x, 'after');
  });
}

function verifier(x: Xdr, n: number): void {
  x.tvb.need(x.p, n);
  x.tree.add(F.verifier, x.tvb, x.p, n);
  if (x.tree.full) x.tree.labelLast('Verifier: Opaque Data');
  x.p += n;
}

/** A reply's common shape: status, then `ok` or `fail`, and `Error:` text when it failed. */
function reply3(x: Xdr, proc: string, ok: () => string, fail: () => void): void {
  const s = status3(x);
  if (s === 0) {
    const text = ok();
    x.label += `, ${proc} Reply${text}`;
    return;
  }
  fail();
  const err = errText(s);
  x.info(` Error: ${err}`);
  x.label += `, ${proc} Reply  Error: ${err}`;
}

function fhCall(proc: string, name = 'object', dh = false): (x: Xdr) => void {
  return (x) => {
    const hash = fh3(x, name);
    x.info(`, FH: ${hex8(hash)}`);
    x.label += `, ${proc} Call ${dh ? 'DH' : 'FH'}: ${hex8(hash)}`;
  };
}

function dirCall(proc: string, label: string): (x: Xdr) => void {
  return (x) => {
    const { hash, name } = diropargs3(x, label);
    x.info(`, DH: ${hex8(hash)}/${name}`);
    x.label += `, ${proc} Call DH: ${hex8(hash)}/${name}`;
  };
}

function wccReply(proc: string, name: string): (x: Xdr) => void {
  return (x) =>
    reply3(
      x,
      proc,
      () => {
        wccData(x, name);
        return '';
      },
      () => wccData(x, name),
    );
}

const V3: [number, RpcProc][] = [
  [
    0,
    {
      name: 'NULL',
      call: (x) => void (x.label += ', NULL Call'),
      reply: (x) => void (x.label += ', NULL Reply'),
    },
  ],
  [
    1,
    {
      name: 'GETATTR',
      call: fhCall('GETATTR'),
      reply: (x) => {
        x.label += ', GETATTR Reply';
        const s = status3(x);
        if (s === 0) {
          const a = fattr3(x, 'obj_attributes');
          x.info(`  ${a.summary}`);
          x.label += `  ${a.summary}`;
        } else {
          const err = errText(s);
          x.info(` Error: ${err}`);
          x.label += `  Error: ${err}`;
        }
      },
    },
  ],
  [3, { name: 'LOOKUP', call: dirCall('LOOKUP', 'what'), reply: lookupReply }],
  [4, { name: 'ACCESS', call: (x) => accessCall(x), reply: (x) => accessReply(x) }],
  [
    5,
    {
      name: 'READLINK',
      call: fhCall('READLINK'),
      reply: (x) =>
        reply3(
          x,
          'READLINK',
          () => {
            postOpAttr(x, 'symlink_attributes');
            const path = x.string(F['readlink.data']);
            x.info(` Path: ${path}`);
            return ` Path: ${path}`;
          },
          () => postOpAttr(x, 'symlink_attributes'),
        ),
    },
  ],
  [
    6,
    {
      name: 'READ',
      call: (x) => {
        const hash = fh3(x, 'file');
        const off = x.u64(F.offset3);
        const len = x.u32(F.count3);
        x.info(`, FH: ${hex8(hash)} Offset: ${off} Len: ${len}`);
        x.label += `, READ Call FH: ${hex8(hash)} Offset: ${off} Len: ${len}`;
      },
      reply: (x) =>
        reply3(
          x,
          'READ',
          () => {
            postOpAttr(x, 'file_attributes');
            const len = x.u32(F.count3);
            x.bool(F['read.eof']);
            x.info(` Len: ${len}`);
            x.data(F.data);
            return ` Len: ${len}`;
          },
          () => postOpAttr(x, 'file_attributes'),
        ),
    },
  ],
  [
    7,
    {
      name: 'WRITE',
      call: (x) => {
        const hash = fh3(x, 'file');
        const off = x.u64(F.offset3);
        const len = x.u32(F.count3);
        const stable = x.u32(F['write.stable']);
        const how = STABLE.get(stable) ?? `Unknown (${stable})`;
        x.info(`, FH: ${hex8(hash)} Offset: ${off} Len: ${len} ${how}`);
        x.label += `, WRITE Call FH: ${hex8(hash)} Offset: ${off} Len: ${len} ${how}`;
        x.data(F.data);
      },
      reply: (x) =>
        reply3(
          x,
          'WRITE',
          () => {
            wccData(x, 'file_wcc');
            const len = x.u32(F.count3);
            const c = x.u32(F['write.committed']);
            const how = STABLE.get(c) ?? `Unknown (${c})`;
            verifier(x, 8);
            x.info(` Len: ${len} ${how}`);
            return ` Len: ${len} ${how}`;
          },
          () => wccData(x, 'file_wcc'),
        ),
    },
  ],
  [12, { name: 'REMOVE', call: dirCall('REMOVE', 'object'), reply: wccReply('REMOVE', 'dir_wcc') }],
  [13, { name: 'RMDIR', call: dirCall('RMDIR', 'object'), reply: wccReply('RMDIR', 'dir_wcc') }],
  [
    16,
    {
      name: 'READDIR',
      call: (x) => {
        const hash = fh3(x, 'dir');
        x.u64(F.cookie3);
        verifier(x, 8);
        x.u32(F.count3);
        x.info(`, FH: ${hex8(hash)}`);
        x.label += `, READDIR Call FH: ${hex8(hash)}`;
      },
      reply: (x) => {
        const s = status3(x);
        if (s === 0) {
          x.label += ', READDIR Reply';
          postOpAttr(x, 'dir_attributes');
          verifier(x, 8);
          x.list(entry3);
          x.u32(F['readdir.eof']);
          return;
        }
        postOpAttr(x, 'dir_attributes');
        const err = errText(s);
        x.info(` Error: ${err}`);
        x.label += `, READDIR Reply  Error: ${err}`;
      },
    },
  ],
  [
    17,
    {
      name: 'READDIRPLUS',
      call: (x) => {
        const hash = fh3(x, 'dir');
        x.u64(F.cookie3);
        verifier(x, 8);
        x.u32(F.count3_dircount);
        x.u32(F.count3_maxcount);
        x.info(`, FH: ${hex8(hash)}`);
        x.label += `, READDIRPLUS Call FH: ${hex8(hash)}`;
      },
      reply: (x) => {
        const s = status3(x);
        if (s === 0) {
          x.label += ', READDIRPLUS Reply';
          postOpAttr(x, 'dir_attributes');
          verifier(x, 8);
          x.list(entryPlus);
          x.u32(F['readdir.eof']);
          return;
        }
        postOpAttr(x, 'dir_attributes');
        const err = errText(s);
        x.info(` Error: ${err}`);
        x.label += `, READDIRPLUS Reply  Error: ${err}`;
      },
    },
  ],
  [
    18,
    {
      name: 'FSSTAT',
      call: fhCall('FSSTAT', 'object', true),
      reply: (x) =>
        reply3(
          x,
          'FSSTAT',
          () => {
            postOpAttr(x, 'obj_attributes');
            for (const k of ['tbytes', 'fbytes', 'abytes', 'tfiles', 'ffiles', 'afiles'] as const) {
              x.u64(F[`fsstat3_resok.${k}`]);
            }
            x.u32(F['fsstat.invarsec']);
            return '';
          },
          () => postOpAttr(x, 'obj_attributes'),
        ),
    },
  ],
  [19, { name: 'FSINFO', call: fhCall('FSINFO', 'object', true) }],
  [
    20,
    {
      name: 'PATHCONF',
      call: fhCall('PATHCONF', 'object', true),
      reply: (x) =>
        reply3(
          x,
          'PATHCONF',
          () => {
            postOpAttr(x, 'obj_attributes');
            x.u32(F['pathconf.linkmax']);
            x.u32(F['pathconf.name_max']);
            x.bool(F['pathconf.no_trunc']);
            x.bool(F['pathconf.chown_restricted']);
            x.bool(F['pathconf.case_insensitive']);
            x.bool(F['pathconf.case_preserving']);
            return '';
          },
          () => postOpAttr(x, 'obj_attributes'),
        ),
    },
  ],
  [
    21,
    {
      name: 'COMMIT',
      call: (x) => {
        const hash = fh3(x, 'file');
        x.u64(F.offset3);
        x.u32(F.count3);
        x.info(`, FH: ${hex8(hash)}`);
        x.label += `, COMMIT Call FH: ${hex8(hash)}`;
      },
      reply: (x) =>
        reply3(
          x,
          'COMMIT',
          () => {
            wccData(x, 'file_wcc');
            verifier(x, 8);
            return '';
          },
          () => wccData(x, 'file_wcc'),
        ),
    },
  ],
];

/** The access bits tshark lists (XATTR LIST's 0x100 does not fit its 8-bit field and is left out). */
const ACCESS_BITS: readonly [number, string, FieldDef][] = [
  [0x1, 'RD', F.access_read],
  [0x2, 'LU', F.access_lookup],
  [0x4, 'MD', F.access_modify],
  [0x8, 'XT', F.access_extend],
  [0x10, 'DL', F.access_delete],
  [0x20, 'XE', F.access_execute],
  [0x40, 'XAR', F.access_xattr_read],
  [0x80, 'XAW', F.access_xattr_write],
];
const ACCESS_LIST = ' XAL';

/** tshark's display_access_items for v3: `, [label: RD LU]` in Info and label, or a subtree of bits. */
function accessItems(x: Xdr, at: number, mask: number, kind: 'C' | 'D' | 'A' | 'R', label: string): void {
  const { tvb, tree } = x;
  const listed = kind !== 'R';
  if (kind === 'C' || kind === 'R') {
    const raw = tvb.u32(at);
    tree.push(kind === 'C' ? F.access_check : F.access_rights, tvb, at, 4, raw);
  }
  let words = '';
  for (const [bit, word, def] of ACCESS_BITS) {
    if (!(mask & bit)) continue;
    words += ` ${word}`;
    if (kind === 'C' || kind === 'R') {
      tree.add(def, tvb, at, 4, (tvb.u32(at) & bit) !== 0);
      if (kind === 'C' && tree.full) tree.labelLast(`${bitLabel(def, tvb.u32(at) & 0xff)}?`);
    }
  }
  if (mask & 0x100) words += ACCESS_LIST;
  if (kind === 'C' || kind === 'R') tree.pop();
  if (listed) {
    x.info(`, [${label}:${words}]`);
    x.label += `, [${label}:${words}]`;
  }
}

function bitLabel(def: FieldDef, raw: number): string {
  const m = def.mask as number;
  let pic = '';
  for (let i = 7; i >= 0; i--) {
    pic += m & (1 << i) ? (raw & (1 << i) ? '1' : '0') : '.';
    if (i === 4) pic += ' ';
  }
  const [yes, no] = def.tf ?? ['Set', 'Not set'];
  return `${pic} = ${def.name}: ${raw & m ? yes : no}`;
}

function accessCall(x: Xdr): void {
  const hash = fh3(x, 'object');
  const mask = x.tvb.u32(x.p);
  x.call.data = mask;
  x.info(`, FH: ${hex8(hash)}`);
  x.label += `, ACCESS Call, FH: ${hex8(hash)}`;
  accessItems(x, x.p, mask, 'C', 'Check');
  x.p += 4;
}

function accessReply(x: Xdr): void {
  const s = status3(x);
  postOpAttr(x, 'obj_attributes');
  if (s !== 0) {
    const err = errText(s);
    x.info(` Error: ${err}`);
    x.label += `, ACCESS Reply  Error: ${err}`;
    return;
  }
  x.label += ', ACCESS Reply';
  const rights = x.tvb.u32(x.p);
  const req = typeof x.call.data === 'number' ? x.call.data : rights;
  const checked = req;
  const granted = checked & rights;
  const denied = (checked ^ granted) >>> 0;
  const allowed = (checked & granted) >>> 0;
  if (denied > 0) accessItems(x, x.p, denied, 'D', 'Access Denied');
  if (allowed > 0) accessItems(x, x.p, allowed, 'A', 'Allowed');
  accessItems(x, x.p, allowed | denied, 'R', '');
  x.p += 4;
}

function lookupReply(x: Xdr): void {
  const s = status3(x);
  if (s === 0) {
    const hash = fh3(x, 'object');
    postOpAttr(x, 'obj_attributes');
    postOpAttr(x, 'dir_attributes');
    x.info(`, FH: ${hex8(hash)}`);
    x.label += `, LOOKUP Reply FH: ${hex8(hash)}`;
    return;
  }
  postOpAttr(x, 'dir_attributes');
  const err = errText(s);
  x.info(` Error: ${err}`);
  x.label += `, LOOKUP Reply  Error: ${err}`;
}

function postOpFh(x: Xdr, name: string): void {
  const start = x.p;
  const follows = x.tvb.u32(start);
  x.tree.push(F._post_op, x.tvb, start, 0);
  if (x.tree.full) x.tree.label(name);
  try {
    x.u32(F.handle_follow);
    if (follows === 1) fh3(x, 'handle');
  } finally {
    x.tree.pop(x.p - start);
  }
}

function entryPlus(x: Xdr): void {
  const start = x.p;
  x.tree.push(F._entry, x.tvb, start, 0);
  try {
    x.u64(F['readdirplus.entry.fileid']);
    const name = x.string(F['readdirplus.entry.name']);
    if (x.tree.full) x.tree.label(`Entry: name ${name}`);
    x.info(` ${name}`);
    x.u64(F['readdirplus.entry.cookie']);
    postOpAttr(x, 'name_attributes');
    postOpFh(x, 'name_handle');
  } finally {
    x.tree.pop(x.p - start);
  }
}

function entry3(x: Xdr): void {
  const start = x.p;
  x.tree.push(F._entry, x.tvb, start, 0);
  let name = '';
  try {
    x.u64(F['readdir.entry3.fileid']);
    name = x.string(F['readdir.entry3.name']);
    x.info(` ${name}`);
    x.u64(F['readdir.entry3.cookie']);
  } finally {
    x.tree.pop(x.p - start, x.tree.full ? `Entry: name ${name}` : undefined);
  }
}

const NFS3_NAMED = new Map<number, RpcProc>(V3);
for (const [n, name] of NFS3_PROCS) if (!NFS3_NAMED.has(n)) NFS3_NAMED.set(n, { name });

/** NFSv2: the procedures with a directory argument, and GETATTR. */
function dirCall2(proc: string): (x: Xdr) => void {
  return (x) => {
    let hash = 0;
    let name = '';
    sub(x, 'where', () => {
      hash = fh2(x, 'dir');
      name = x.string(F.name);
    });
    x.info(`, DH: ${hex8(hash)}/${name}`);
    x.label += `, ${proc} Call DH: ${hex8(hash)}/${name}`;
  };
}

const NFS2_NAMED = new Map<number, RpcProc>([
  [
    0,
    {
      name: 'NULL',
      call: (x) => void (x.label += ', NULL Call'),
      reply: (x) => void (x.label += ', NULL Reply'),
    },
  ],
  [
    1,
    {
      name: 'GETATTR',
      call: (x) => {
        const hash = fh2(x, 'object');
        x.info(`, FH: ${hex8(hash)}`);
        x.label += `, GETATTR Call FH: ${hex8(hash)}`;
      },
    },
  ],
  [4, { name: 'LOOKUP', call: dirCall2('LOOKUP') }],
]);
for (const [n, name] of NFS2_PROCS) if (!NFS2_NAMED.has(n)) NFS2_NAMED.set(n, { name });

export const nfsModule = {
  fields: F,
  handoff(reg: Registry): void {
    registerRpcProgram(reg, {
      prog: 100003,
      proto: F[''],
      layer: 'nfs',
      versions: new Map([
        [2, { procField: F.procedure_v2, procs: NFS2_NAMED }],
        [3, { procField: F.procedure_v3, procs: NFS3_NAMED }],
        [
          4,
          {
            procField: F.procedure_v4,
            procs: new Map([
              [0, { name: 'NULL' }],
              [1, { name: 'COMPOUND' }],
            ]),
          },
        ],
      ]),
    });
  },
};
