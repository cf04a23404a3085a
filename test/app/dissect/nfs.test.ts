// NFS v2 and v3 on built UDP and TCP frames against tshark: file handles and their hashes, names,
// attributes, status and errors, and the Info text of each procedure.
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import {
  fieldsOfBoth,
  fuzzFrames,
  ipFrame,
  oracleReady,
  treesOfBoth,
  udpIpFrame,
} from '../../support/proto-oracle.ts';
import { rpcCall, rpcReply, xdr } from '../../support/xdr.ts';

const call = (xid: number, prog: number, vers: number, proc: number): Uint8Array =>
  rpcCall(xid, prog, vers, proc);
const reply = rpcReply;

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'rpc.procedure',
  'nfs.procedure_v3',
  'nfs.procedure_v2',
  'nfs.fh.length',
  'nfs.fh.hash',
  'nfs.fhandle',
  'nfs.name',
  'nfs.status3',
  'nfs.status',
  'nfs.fattr3.type',
  'nfs.mode3',
  'nfs.mode3.rusr',
  'nfs.fattr3.uid',
  'nfs.fattr3.size',
  'nfs.fattr3.fsid',
  'nfs.atime',
  'nfs.mtime.sec',
  'nfs.attributes_follow',
  'nfs.offset3',
  'nfs.count3',
  'nfs.read.eof',
  'nfs.write.stable',
  'nfs.write.committed',
  'nfs.readdir.entry3.name',
  'nfs.readdirplus.entry.name',
  'nfs.readdirplus.entry.cookie',
  'nfs.handle_follow',
  'nfs.readlink.data',
  'nfs.readdir.eof',
  'nfs.fsstat3_resok.tbytes',
  'nfs.fsstat3_resok.afiles',
  'nfs.fsstat.invarsec',
  'nfs.pathconf.name_max',
  'nfs.pathconf.case_preserving',
  'nfs.access_check',
  'nfs.access_rights',
  'nfs.access_read',
  'nfs.access_delete',
  'data.len',
];

const FH = Uint8Array.from({ length: 28 }, (_, i) => (i * 37 + 11) & 0xff);
const fh = xdr(FH.length, FH);
/** fattr3 of a regular file: mode 0644, uid 1000, gid 100, 5000 bytes. */
const attrs = xdr(1, 0o100644, 1, 1000, 100, 0, 5000, 0, 8192, 0, 0, 0, 25, 0, 77, 1e9, 5, 1e9, 6, 1e9, 7);
const wcc = xdr(1, 0, 5000, 1e9, 6, 1e9, 7, 1, attrs);

const c = (sport: number, m: Uint8Array): Uint8Array => udpIpFrame(sport, 2049, m);
const r = (dport: number, m: Uint8Array): Uint8Array => {
  const d = new Uint8Array(8 + m.length);
  d.set([8, 1, dport >> 8, dport & 0xff, (8 + m.length) >> 8, (8 + m.length) & 0xff]);
  d.set(m, 8);
  return ipFrame(17, d, 2, 1);
};

const FRAMES = [
  c(700, xdr(call(1, 100003, 3, 1), fh)),
  r(700, reply(1, 0, attrs)),
  c(700, xdr(call(2, 100003, 3, 3), fh, 'hello.txt')),
  r(700, reply(2, 0, fh, 1, attrs, 0)),
  c(700, xdr(call(3, 100003, 3, 3), fh, 'missing')),
  r(700, reply(3, 2, 0)),
  c(700, xdr(call(4, 100003, 3, 6), fh, 0, 4096, 8192)),
  r(700, reply(4, 0, 1, attrs, 5, 1, 'abcde')),
  c(700, xdr(call(5, 100003, 3, 7), fh, 0, 0, 5, 2, 'vwxyz')),
  r(700, reply(5, 0, wcc, 5, 2, 1, 2)),
  c(700, xdr(call(6, 100003, 3, 12), fh, 'gone')),
  r(700, reply(6, 0, wcc)),
  c(700, xdr(call(7, 100003, 3, 16), fh, 0, 0, 0, 0, 4096)),
  r(700, reply(7, 0, 0, 0, 0, 1, 0, 11, 'a', 0, 1, 1, 0, 12, 'bb', 0, 2, 0, 1)),
  c(700, xdr(call(8, 100003, 3, 5), fh)),
  r(700, reply(8, 0, 0, '/target')),
  c(700, xdr(call(9, 100003, 3, 21), fh, 0, 0, 0)),
  r(700, reply(9, 70, 0, 0)),
  c(700, xdr(call(10, 100003, 3, 0))),
  r(700, reply(10)),
  c(700, xdr(call(11, 100003, 3, 19), fh)),
  c(700, xdr(call(19, 100003, 3, 17), fh, 0, 0, 0, 0, 512, 4096)),
  r(700, reply(19, 0, 0, 0, 0, 1, 0, 21, 'one', 0, 1, 1, attrs, 1, fh, 1, 0, 22, 'two', 0, 2, 0, 0, 0, 1)),
  c(700, xdr(call(16, 100003, 3, 18), fh)),
  r(700, reply(16, 0, 0, 0, 1000, 0, 500, 0, 400, 0, 100, 0, 50, 0, 40, 0)),
  c(700, xdr(call(17, 100003, 3, 20), fh)),
  r(700, reply(17, 0, 0, 32000, 255, 1, 0, 0, 1)),
  c(700, xdr(call(18, 100003, 3, 20), fh)),
  r(700, reply(18, 70, 0)),
  c(700, xdr(call(14, 100003, 3, 4), fh, 0x1f)),
  r(700, reply(14, 0, 1, attrs, 0x0d)),
  c(700, xdr(call(15, 100003, 3, 4), fh, 0x2)),
  r(700, reply(15, 13, 0)),
  // Version 2: a LOOKUP with its fixed 32-byte handle, and one whose name runs past the data.
  c(800, xdr(call(12, 100003, 2, 4), new Uint8Array(32).fill(7), 'file')),
  c(800, xdr(call(13, 100003, 2, 4), new Uint8Array(32).fill(7), 40, 'ab')),
];

describe('NFS', () => {
  it('shows handles by their hash and names in Info', () => {
    const d = dissectFrames(FRAMES);
    expect(d[0]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:rpc:nfs');
    expect(d[0]?.pinfo.proto).toBe('NFS');
    expect(d[2]?.pinfo.info).toMatch(/^V3 LOOKUP Call, DH: 0x[0-9a-f]{8}\/hello\.txt$/);
    expect(d[1]?.pinfo.info).toBe('V3 GETATTR Reply (Call In 1)  Regular File mode: 0644 uid: 1000 gid: 100');
    expect(d[5]?.pinfo.info).toBe('V3 LOOKUP Reply (Call In 5) Error: NFS3ERR_NOENT');
    expect(d[13]?.pinfo.info).toBe('V3 READDIR Reply (Call In 13) a bb');
  });

  it('survives mutated messages', () => fuzzFrames(FRAMES, 42, 2049, 30));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
    const t = treesOfBoth(FRAMES, /^Network File System/);
    expect(t.trawl).toBe(t.tshark);
  });
});
