// STUN and TURN over UDP against tshark: Binding request/success/error with ICE attributes,
// TURN Allocate, CreatePermission, ChannelBind, Send indication, ChannelData, an IPv6
// XOR-MAPPED-ADDRESS, a right and a wrong FINGERPRINT, a bad attribute length, and messages on
// other ports found by the heuristic.
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../app/dissect/nfs.ts';
import { dissectFrames } from '../../support/dissect-hex.ts';
import { fuzzFrames, ipFrame, udpDatagram, itAgreesWithTshark } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'stun.type',
  'stun.type.class',
  'stun.type.method',
  'stun.length',
  'stun.cookie',
  'stun.id',
  'stun.response-to',
  'stun.time',
  'stun.channel',
  'stun.attribute',
  'stun.att.type',
  'stun.att.length',
  'stun.att.family',
  'stun.att.port',
  'stun.att.ipv4',
  'stun.att.ipv6',
  'stun.att.port-xord',
  'stun.att.ipv4-xord',
  'stun.att.ipv6-xord',
  'stun.att.username',
  'stun.att.padding',
  'stun.att.hmac',
  'stun.att.crc32',
  'stun.att.crc32.status',
  'stun.att.error.class',
  'stun.att.error',
  'stun.att.error.reason',
  'stun.att.realm',
  'stun.att.nonce',
  'stun.att.software',
  'stun.att.priority',
  'stun.att.tie-breaker',
  'stun.att.lifetime',
  'stun.att.transp',
  'stun.att.channelnum',
  'stun.value',
];

const COOKIE = [0x21, 0x12, 0xa4, 0x42];
const u16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const u32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

function attr(type: number, value: number[]): number[] {
  const out = [...u16(type), ...u16(value.length), ...value];
  while (out.length % 4) out.push(0);
  return out;
}

let nextId = 1;
function msg(type: number, attrs: number[][], fingerprint = false, id = nextId++): number[] {
  const tid = Array.from({ length: 12 }, (_, i) => (id * 16 + i) & 0xff);
  const body = attrs.flat();
  const head = [...u16(type), ...u16(body.length + (fingerprint ? 8 : 0)), ...COOKIE, ...tid];
  const m = [...head, ...body];
  if (fingerprint) {
    const crc = (crc32(Uint8Array.from(m), 0, m.length) ^ 0x5354554e) >>> 0;
    m.push(...attr(0x8028, u32(crc)));
  }
  return m;
}

function xaddr(ip: number[], port: number): number[] {
  return [0, 1, ...u16(port ^ 0x2112), ...ip.map((b, i) => b ^ (COOKIE[i] as number))];
}

const to = (p: number[], dport = 3478): Uint8Array =>
  ipFrame(17, udpDatagram(40000, dport, Uint8Array.from(p)), 1, 2);
const from = (p: number[], sport = 3478): Uint8Array =>
  ipFrame(17, udpDatagram(sport, 40000, Uint8Array.from(p)), 2, 1);

const REQ = msg(
  0x0001,
  [
    attr(0x0006, ascii('alice:bob')),
    attr(0x8022, ascii('trawl')),
    attr(0x0024, u32(0x6e7f00ff)),
    attr(0x0025, []),
    attr(0x802a, [1, 2, 3, 4, 5, 6, 7, 8]),
    attr(0x0008, new Array<number>(20).fill(0xaa)),
  ],
  true,
);
const REQ_ID = nextId - 1;
const RESP = msg(
  0x0101,
  [attr(0x0020, xaddr([192, 0, 2, 1], 32853)), attr(0x0001, [0, 1, ...u16(32853), 192, 0, 2, 1])],
  false,
  REQ_ID,
);
const ERR_REQ = msg(0x0001, []);
const ERR = msg(
  0x0111,
  [
    attr(0x0009, [0, 0, 4, 1, ...ascii('Unauthorized')]),
    attr(0x0014, ascii('example.org')),
    attr(0x0015, ascii('abcdef0123')),
  ],
  false,
  nextId - 1,
);
const ALLOC = msg(0x0003, [attr(0x0019, [17, 0, 0, 0]), attr(0x000d, u32(600))]);
const ALLOC_OK = msg(
  0x0103,
  [
    attr(0x0016, xaddr([198, 51, 100, 7], 50000)),
    attr(0x0020, xaddr([192, 0, 2, 1], 32853)),
    attr(0x000d, u32(600)),
  ],
  false,
  nextId - 1,
);
const PERM = msg(0x0008, [attr(0x0012, xaddr([203, 0, 113, 5], 1234))]);
const BIND = msg(0x0009, [attr(0x000c, [0x40, 0, 0, 0]), attr(0x0012, xaddr([203, 0, 113, 5], 1234))]);
const SEND = msg(0x0016, [attr(0x0012, xaddr([203, 0, 113, 5], 1234)), attr(0x0013, ascii('hello'))]);
const V6 = msg(0x0101, [
  attr(0x0020, [0, 2, ...u16(0x1234), ...Array.from({ length: 16 }, (_, i) => i * 7)]),
]);
const BAD_FP = msg(0x0001, [attr(0x8028, u32(0x12345678))]);
const BOGUS = [
  ...msg(0x0001, []).slice(0, 2),
  ...u16(8),
  ...msg(0x0001, []).slice(4),
  ...u16(6),
  ...u16(16),
  ...ascii('abcd'),
];

const FRAMES = [
  to(REQ),
  from(RESP),
  to(ERR_REQ),
  from(ERR),
  to(ALLOC),
  from(ALLOC_OK),
  to(PERM),
  to(BIND),
  to(SEND),
  to([0x40, 0x00, 0, 5, ...ascii('hello'), 0, 0, 0]),
  to([0x40, 0x01, 0, 9, ...ascii('abc')]),
  from(V6),
  to(BAD_FP),
  to(BOGUS),
  // The heuristic on 5349 and any port; not STUN: no cookie, a wrong length.
  to(msg(0x0001, [attr(0x0006, ascii('x'))]), 5349),
  to(msg(0x0001, [attr(0x8022, ascii('y'))]), 40002),
  to([...msg(0x0001, []), 0, 0, 0, 0]),
  to(REQ).slice(0, 42 + 50),
];

describe('STUN', () => {
  it('words Info as tshark does', () => {
    const d = dissectFrames(FRAMES);
    expect(d[0]?.pinfo.proto).toBe('STUN');
    expect(d[0]?.pinfo.info).toBe('Binding Request user: alice:bob');
  });

  it('survives mutated packets', () => fuzzFrames(FRAMES, 42, 5389));

  itAgreesWithTshark(FRAMES, FIELDS, /^(Session Traversal Utilities for NAT|Data \()/);
});
