// ONC RPC and Portmap on built frames against tshark: calls and replies on UDP port 111 and found
// by the heuristic on other ports, AUTH_UNIX credentials, replies paired with calls, denied and
// unaccepted replies, record marking on TCP with a record split over segments, and a record
// made of two fragments.
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import {
  fieldsOfBoth,
  fuzzFrames,
  ipFrame,
  oracleReady,
  TcpStream,
  treesOfBoth,
  udpIpFrame,
} from '../../support/proto-oracle.ts';
import { rpcCall, rpcReply, xdr } from '../../support/xdr.ts';

/** AUTH_UNIX credentials (stamp, machine name, uid, gid, two more gids) and an AUTH_NULL verifier. */
const AUTH_UNIX = xdr(1, 36, 0x12345678, 'client', 1000, 100, 2, 100, 10, 0, 0);
const AUTH_NULL = xdr(0, 0, 0, 0);

const call = (xid: number, prog: number, vers: number, proc: number, cred = AUTH_UNIX): Uint8Array =>
  rpcCall(xid, prog, vers, proc, cred);
const reply = rpcReply;

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'rpc.xid',
  'rpc.msgtyp',
  'rpc.version',
  'rpc.program',
  'rpc.programversion',
  'rpc.procedure',
  'rpc.auth.flavor',
  'rpc.auth.length',
  'rpc.auth.stamp',
  'rpc.auth.machinename',
  'rpc.auth.uid',
  'rpc.auth.gid',
  'rpc.replystat',
  'rpc.state_accept',
  'rpc.state_reject',
  'rpc.state_auth',
  'rpc.repframe',
  'rpc.reqframe',
  'rpc.time',
  'rpc.lastfrag',
  'rpc.fraglen',
  'rpc.dup',
  'rpc.call.dup',
  'rpc.reply.dup',
  'portmap.procedure_v2',
  'portmap.procedure_v3',
  'portmap.prog',
  'portmap.version',
  'portmap.proto',
  'portmap.port',
  'portmap.answer',
  'portmap.rpcb.netid',
  'portmap.rpcb.addr',
  'portmap.rpcb.owner',
  'portmap.uaddr',
  'portmap.args',
  'data.len',
];

const toServer = (sport: number, dport: number, payload: Uint8Array): Uint8Array =>
  udpIpFrame(sport, dport, payload);
const toClient = (sport: number, dport: number, payload: Uint8Array): Uint8Array =>
  ipFrame(17, udpDatagramFrom(sport, dport, payload), 2, 1);

function udpDatagramFrom(sport: number, dport: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  out.set([
    sport >> 8,
    sport & 0xff,
    dport >> 8,
    dport & 0xff,
    (8 + payload.length) >> 8,
    (8 + payload.length) & 0xff,
  ]);
  out.set(payload, 8);
  return out;
}

const UDP_FRAMES = [
  // Portmap v2 GETPORT for NFS v3 over UDP, and its answer.
  toServer(800, 111, xdr(call(0x1001, 100000, 2, 3), 100003, 3, 17, 0)),
  toClient(111, 800, reply(0x1001, 2049)),
  // GETPORT of a program that is not there.
  toServer(800, 111, xdr(call(0x1002, 100000, 2, 3, AUTH_NULL), 100005, 1, 6, 0)),
  toClient(111, 800, reply(0x1002, 0)),
  // DUMP and its list of two mappings.
  toServer(801, 111, call(0x1003, 100000, 2, 4)),
  toClient(111, 801, reply(0x1003, 1, 100000, 2, 6, 111, 1, 100003, 3, 17, 2049, 0)),
  // SET, and its answer.
  toServer(802, 111, xdr(call(0x1004, 100000, 2, 1), 100021, 4, 6, 4045)),
  toClient(111, 802, reply(0x1004, 1)),
  // rpcbind v3 GETADDR and the universal address.
  toServer(803, 111, xdr(call(0x1005, 100000, 3, 3), 100003, 3, 'udp', '10.0.0.2.8.1', 'superuser')),
  toClient(111, 803, reply(0x1005, '10.0.0.2.8.1')),
  // CALLIT with opaque arguments.
  toServer(804, 111, xdr(call(0x1006, 100000, 2, 5), 123456, 1, 0, 'abcde')),
  // A retransmitted call, then the reply twice.
  toServer(805, 111, call(0x1007, 100000, 2, 0)),
  toServer(805, 111, call(0x1007, 100000, 2, 0)),
  toClient(111, 805, reply(0x1007)),
  toClient(111, 805, reply(0x1007)),
  // Found by the heuristic on other ports: a Portmap NULL call, a reply denied for auth, and a
  // reply of an unsupported version.
  toServer(900, 20048, call(0x2001, 100000, 2, 0)),
  toClient(20048, 900, xdr(0x2001, 1, 1, 1, 5)),
  toServer(901, 20048, call(0x2002, 100000, 9, 0)),
  toClient(20048, 901, xdr(0x2002, 1, 0, 0, 0, 2, 1, 3)),
  // Not RPC: an unknown program, a wrong RPC version, a reply without a call.
  toServer(902, 20048, call(0x2003, 123456, 1, 0)),
  toServer(902, 20048, xdr(0x2004, 0, 3, 100003, 3, 0, AUTH_NULL)),
  toClient(20048, 902, reply(0x9999)),
  // On port 111 what is no RPC is a continuation.
  toServer(903, 111, xdr(0xdead, 7, 8, 9)),
];

/** A record mark: the last-fragment bit and the length. */
const mark = (len: number, last = true): Uint8Array => xdr(((last ? 0x80000000 : 0) | len) >>> 0);
const record = (m: Uint8Array, last = true): Uint8Array => xdr(mark(m.length, last), m);

function tcpFrames(port: number): Uint8Array[] {
  const stream = new TcpStream(port);
  const seg = (fromClient: boolean, payload: Uint8Array, dport = port): Uint8Array =>
    stream.segment(fromClient, payload, dport);
  const dump = reply(0x3002, 1, 100000, 2, 6, 111, 1, 100000, 2, 17, 111, 0);
  const dumpRec = record(dump);
  const big = xdr(call(0x3003, 100000, 2, 3), 100003, 3, 6, 0);
  return [
    ...stream.handshake(),
    seg(true, record(xdr(call(0x3001, 100000, 2, 3), 100003, 3, 6, 0)), port),
    seg(false, record(reply(0x3001, 2049)), port),
    // Two calls in one segment.
    seg(true, xdr(record(call(0x3002, 100000, 2, 4)), record(call(0x3004, 100000, 2, 0))), port),
    // A reply split over three segments.
    seg(false, dumpRec.slice(0, 10), port),
    seg(false, dumpRec.slice(10, 30), port),
    seg(false, xdr(dumpRec.slice(30), record(reply(0x3004))), port),
    // A call in two record fragments.
    seg(true, xdr(mark(20, false), big.slice(0, 20)), port),
    seg(true, xdr(mark(big.length - 20), big.slice(20)), port),
    seg(false, record(reply(0x3003, 2049)), port),
  ];
}

describe('RPC', () => {
  it('pairs replies with calls and names programs and procedures', () => {
    const state = new CaptureState();
    const d = UDP_FRAMES.map((f, i) => dissectHex(f, 1, { number: i + 1, tsSec: i }, state));
    expect(d[0]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:rpc:portmap');
    expect(d[0]?.pinfo.proto).toBe('Portmap');
    expect(d[0]?.pinfo.info).toBe('V2 GETPORT Call NFS(100003) V:3 UDP');
    expect(d[1]?.pinfo.info).toBe('V2 GETPORT Reply (Call In 1) Port:2049');
    expect(d[1]?.value('rpc.repframe')).toBe('1');
    expect(d[1]?.value('rpc.time')).toBe('1.000000000');
    expect(d[0]?.value('rpc.auth.machinename')).toBe('client');
    expect(d[0]?.value('rpc.auth.gid')).toBe('100,100,10');
    expect(d[3]?.pinfo.info).toBe('V2 GETPORT Reply (Call In 3) PROGRAM_NOT_AVAILABLE');
    expect(d[12]?.pinfo.info).toBe('[RPC retransmission of #12]V2 NULL Call');
    expect(d[14]?.pinfo.info).toBe('[RPC duplicate of #14]V2 NULL Reply (Call In 12)');
    expect(d[15]?.pinfo.proto).toBe('Portmap');
    expect(d[19]?.pinfo.layers.includes('rpc')).toBe(false);
    expect(d[21]?.pinfo.layers.includes('rpc')).toBe(false);
    expect(d[22]?.pinfo.info).toBe('Continuation');
  });

  it('survives mutated messages', () => {
    fuzzFrames(UDP_FRAMES, 42, 111, 30);
    fuzzFrames(tcpFrames(111), 54, 112, 30);
  });

  it.skipIf(!oracleReady)('agrees with tshark on UDP', () => {
    const f = fieldsOfBoth(UDP_FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });

  it.skipIf(!oracleReady)('agrees with tshark on UDP trees', () => {
    const t = treesOfBoth(UDP_FRAMES, /^(Remote Procedure Call|Portmap|Data)/);
    expect(t.trawl).toBe(t.tshark);
  });

  it.skipIf(!oracleReady)('agrees with tshark on TCP, on port 111 and found by the heuristic', () => {
    for (const port of [111, 40001]) {
      const frames = tcpFrames(port);
      const f = fieldsOfBoth(frames, FIELDS);
      expect(f.trawl).toBe(f.tshark);
      const t = treesOfBoth(frames, /^(Remote Procedure Call|Portmap)/);
      expect(t.trawl).toBe(t.tshark);
    }
  });
});
