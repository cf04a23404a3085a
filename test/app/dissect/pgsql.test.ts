// PostgreSQL on built TCP streams to port 5432 against tshark: an SSLRequest refused with `N`,
// startup, MD5 and SCRAM (SASL) authentication, parameter status, key data, simple queries with
// row descriptions and data rows, an error, the extended protocol (parse/bind/describe/execute/
// sync/close), COPY, a notification, several messages in a segment and one over two segments,
// terminate; and a second connection whose SSLRequest is accepted (`S`: TLS follows).
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import { fuzzFrames, itAgreesWithTshark, TcpStream } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'pgsql.type',
  'pgsql.length',
  'pgsql.frontend',
  'pgsql.version_major',
  'pgsql.parameter_name',
  'pgsql.parameter_value',
  'pgsql.authtype',
  'pgsql.salt',
  'pgsql.password',
  'pgsql.auth.sasl.mech',
  'pgsql.auth.sasl.data.length',
  'pgsql.auth.sasl.data',
  'pgsql.pid',
  'pgsql.key',
  'pgsql.status',
  'pgsql.query',
  'pgsql.field.count',
  'pgsql.col.name',
  'pgsql.oid.table',
  'pgsql.col.index',
  'pgsql.oid.type',
  'pgsql.val.length',
  'pgsql.col.typemod',
  'pgsql.format',
  'pgsql.val.data',
  'pgsql.tag',
  'pgsql.severity',
  'pgsql.code',
  'pgsql.message',
  'pgsql.hint',
  'pgsql.position',
  'pgsql.routine',
  'pgsql.text',
  'pgsql.statement',
  'pgsql.portal',
  'pgsql.returns',
  'pgsql.copydata',
  'pgsql.condition',
];

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const z = (s: string): number[] => [...ascii(s), 0];
const u16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const u32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

/** A typed message: type byte, length (itself included), body. */
const msg = (type: string, body: number[]): number[] => [
  type.charCodeAt(0),
  ...u32(body.length + 4),
  ...body,
];
/** A message with no type byte (startup, SSLRequest). */
const untyped = (body: number[]): number[] => [...u32(body.length + 4), ...body];

const SSL_REQUEST = untyped(u32(80877103));
const STARTUP = untyped([...u32(196608), ...z('user'), ...z('alice'), ...z('database'), ...z('shop'), 0]);
const param = (k: string, v: string): number[] => msg('S', [...z(k), ...z(v)]);
const ready = (s: string): number[] => msg('Z', ascii(s));
const column = (name: string, table: number, idx: number, type: number, len: number, mod: number) => [
  ...z(name),
  ...u32(table),
  ...u16(idx),
  ...u32(type),
  ...u16(len & 0xffff),
  ...u32(mod >>> 0),
  ...u16(0),
];
const ROWDESC = msg('T', [
  ...u16(2),
  ...column('id', 16384, 1, 23, 4, -1),
  ...column('name', 16384, 2, 1043, -1, 68),
]);
const row = (...vals: (string | null)[]): number[] =>
  msg('D', [
    ...u16(vals.length),
    ...vals.flatMap((v) => (v === null ? u32(0xffffffff) : [...u32(v.length), ...ascii(v)])),
  ]);
const ERROR = msg('E', [
  ...z('SERROR'),
  ...z('VERROR'),
  ...z('C42P01'),
  ...z('Mrelation "nope" does not exist'),
  ...z('P15'),
  ...z('HCheck the name.'),
  ...z('Fparse_relation.c'),
  ...z('L1384'),
  ...z('RparserOpenTable'),
  0,
]);
const BIG_QUERY = msg('Q', z(`SELECT * FROM items WHERE note = '${'x'.repeat(300)}'`));

const stream = new TcpStream(5432);
const c = (p: number[]): Uint8Array => stream.segment(true, Uint8Array.from(p));
const s = (p: number[]): Uint8Array => stream.segment(false, Uint8Array.from(p));

const FRAMES = [
  ...stream.handshake(),
  c(SSL_REQUEST),
  s(ascii('N')),
  c(STARTUP),
  s(msg('R', [...u32(5), 0x12, 0x34, 0x56, 0x78])),
  c(msg('p', z('md5a3556571e93b0d20722ba62be61e8c2d'))),
  s([
    ...msg('R', u32(0)),
    ...param('client_encoding', 'UTF8'),
    ...param('server_version', '15.3'),
    ...msg('K', [...u32(4242), ...u32(0xdeadbeef)]),
    ...ready('I'),
  ]),
  c(msg('Q', z('SELECT id, name FROM items'))),
  s([...ROWDESC, ...row('1', 'apple'), ...row('2', null), ...msg('C', z('SELECT 2')), ...ready('I')]),
  c(msg('Q', z('SELECT * FROM nope'))),
  s([...ERROR, ...ready('I')]),
  c([
    ...msg('P', [...z('s1'), ...z('SELECT $1::int'), ...u16(1), ...u32(23)]),
    ...msg('B', [
      ...z('p1'),
      ...z('s1'),
      ...u16(1),
      ...u16(0),
      ...u16(1),
      ...u32(2),
      ...ascii('42'),
      ...u16(1),
      ...u16(1),
    ]),
    ...msg('D', [...ascii('P'), ...z('p1')]),
    ...msg('E', [...z('p1'), ...u32(0)]),
    ...msg('C', [...ascii('S'), ...z('s1')]),
    ...msg('S', []),
  ]),
  s([
    ...msg('1', []),
    ...msg('2', []),
    ...msg('T', [...u16(1), ...column('int4', 0, 0, 23, 4, -1)]),
    ...row('\0\0\0*'),
    ...msg('C', z('SELECT 1')),
    ...msg('3', []),
    ...ready('I'),
  ]),
  c(msg('Q', z('COPY items FROM STDIN'))),
  s(msg('G', [0, ...u16(2), ...u16(0), ...u16(0)])),
  c([...msg('d', ascii('3\tpear\n')), ...msg('c', [])]),
  s([...msg('C', z('COPY 1')), ...msg('N', [...z('SNOTICE'), ...z('Mhello'), 0]), ...ready('T')]),
  s(msg('A', [...u32(4242), ...z('chan'), ...z('payload')])),
  c(BIG_QUERY.slice(0, 100)),
  c(BIG_QUERY.slice(100)),
  s([...msg('I', []), ...ready('E')]),
  c(msg('X', [])),
];

// A second connection: SCRAM-SHA-256, then an SSLRequest the server accepts.
const scram = new TcpStream(5432, 40001);
const c2 = (p: number[]): Uint8Array => scram.segment(true, Uint8Array.from(p));
const s2 = (p: number[]): Uint8Array => scram.segment(false, Uint8Array.from(p));
const FIRST = 'n,,n=,r=rOprNGfwEbeRWgbNEkqO';
const SCRAM_FRAMES = [
  ...scram.handshake(),
  c2(STARTUP),
  s2(msg('R', [...u32(10), ...z('SCRAM-SHA-256-PLUS'), ...z('SCRAM-SHA-256'), 0])),
  c2(msg('p', [...z('SCRAM-SHA-256'), ...u32(FIRST.length), ...ascii(FIRST)])),
  s2(
    msg('R', [
      ...u32(11),
      ...ascii('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'),
    ]),
  ),
  c2(
    msg(
      'p',
      ascii(
        'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
      ),
    ),
  ),
  s2([
    ...msg('R', [...u32(12), ...ascii('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')]),
    ...msg('R', u32(0)),
    ...ready('I'),
  ]),
  c2(SSL_REQUEST),
  s2(ascii('S')),
  c2([0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00]),
];

describe('PostgreSQL', () => {
  it('words Info as tshark does: direction, then each message type', () => {
    const d = dissectFrames(FRAMES);
    expect(d[2]?.pinfo.proto).toBe('PGSQL');
    expect(d[2]?.pinfo.info).toBe('>');
    expect(d[7]?.pinfo.info).toBe('<R/S/S/K/Z');
    expect(d[9]?.pinfo.info).toBe('<T/D/D/C/Z');
    expect(d[10]?.value('pgsql.query')).toBe('SELECT * FROM nope');
    expect(d[11]?.value('pgsql.code')).toBe('42P01');
  });

  it('survives mutated streams', () => {
    fuzzFrames(FRAMES, 54, 5432);
    fuzzFrames(SCRAM_FRAMES, 54, 5433);
  });

  describe('a session with MD5, queries, the extended protocol and COPY', () => {
    itAgreesWithTshark(FRAMES, FIELDS, /^PostgreSQL/);
  });

  describe('SCRAM-SHA-256 and an accepted SSLRequest', () => {
    itAgreesWithTshark(SCRAM_FRAMES, FIELDS, /^PostgreSQL/);
  });
});
