// MOUNT on built UDP frames against tshark, found by the RPC heuristic on the server's port:
// MNT in versions 1 and 3 with the handle it answers or its error, UMNT, DUMP and EXPORT lists.
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
  'mount.procedure_v1',
  'mount.procedure_v3',
  'mount.path',
  'mount.status',
  'mount.flavors',
  'mount.flavor',
  'mount.dump.hostname',
  'mount.dump.directory',
  'mount.export.directory',
  'mount.export.group',
  'nfs.fh.hash',
  'nfs.fhandle',
];

const c = (sport: number, m: Uint8Array): Uint8Array => udpIpFrame(sport, 20048, m);
const r = (dport: number, m: Uint8Array): Uint8Array => {
  const d = new Uint8Array(8 + m.length);
  d.set([0x4e, 0x50, dport >> 8, dport & 0xff, (8 + m.length) >> 8, (8 + m.length) & 0xff]);
  d.set(m, 8);
  return ipFrame(17, d, 2, 1);
};
const FH = Uint8Array.from({ length: 20 }, (_, i) => i + 1);

const FRAMES = [
  c(900, xdr(call(1, 100005, 3, 1), '/export/home')),
  r(900, reply(1, 0, FH.length, FH, 2, 1, 6)),
  c(900, xdr(call(2, 100005, 3, 1), '/nope')),
  r(900, reply(2, 13)),
  c(900, xdr(call(3, 100005, 1, 1), '/old')),
  r(900, reply(3, 0, new Uint8Array(32).fill(9))),
  c(900, xdr(call(4, 100005, 3, 2))),
  r(900, reply(4, 1, 'client1', '/export/home', 1, 'client2', '/srv', 0)),
  c(900, xdr(call(5, 100005, 3, 5))),
  r(900, reply(5, 1, '/export/home', 1, 'lab', 1, 'office', 0, 1, '/srv', 0, 0)),
  c(900, xdr(call(6, 100005, 3, 3), '/export/home')),
  r(900, reply(6)),
];

describe('MOUNT', () => {
  it('shows paths in Info and the handle MNT answers', () => {
    const d = dissectFrames(FRAMES);
    expect(d[0]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:rpc:mount');
    expect(d[0]?.pinfo.proto).toBe('MOUNT');
    expect(d[0]?.pinfo.info).toBe('V3 MNT Call /export/home');
    expect(d[3]?.pinfo.info).toBe('V3 MNT Reply (Call In 3) Error:ERR_ACCESS');
    expect(d[7]?.value('mount.dump.hostname')).toBe('client1,client2');
  });

  it('survives mutated messages', () => fuzzFrames(FRAMES, 42, 20048, 30));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
    const t = treesOfBoth(FRAMES, /^Mount Service/);
    expect(t.trawl).toBe(t.tshark);
  });
});
