// MySQL on built TCP streams to port 3306 against tshark: greeting, login with a schema, an auth
// plugin and connection attributes, USE, a SELECT with its result set (column count, field
// packets, EOFs, rows with a NULL) in one segment, INSERT (affected rows, insert id), an error,
// PING, a prepared statement (prepare, parameter packets, execute with bound values, close), a
// query over two segments, QUIT; and a second connection that switches to SSL after the greeting.
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import { fuzzFrames, itAgreesWithTshark, TcpStream } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'mysql.packet_length',
  'mysql.packet_number',
  'mysql.protocol',
  'mysql.version',
  'mysql.thread_id',
  'mysql.salt',
  'mysql.caps.server',
  'mysql.extcaps.server',
  'mysql.server_language',
  'mysql.server_status',
  'mysql.auth_plugin',
  'mysql.caps.client',
  'mysql.extcaps.client',
  'mysql.max_packet',
  'mysql.charset',
  'mysql.user',
  'mysql.passwd',
  'mysql.schema',
  'mysql.client_auth_plugin',
  'mysql.connattrs.name',
  'mysql.connattrs.value',
  'mysql.command',
  'mysql.query',
  'mysql.response_code',
  'mysql.affected_rows',
  'mysql.insert_id',
  'mysql.warnings',
  'mysql.error_code',
  'mysql.sqlstate',
  'mysql.error.message',
  'mysql.num_fields',
  'mysql.field.name',
  'mysql.field.type',
  'mysql.field.flags',
  'mysql.row.text',
  'mysql.stmt_id',
  'mysql.num_params',
  'mysql.exec.field.string',
  'mysql.exec.field.long',
];

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const z = (s: string): number[] => [...ascii(s), 0];
const le16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const le32 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
const lenc = (s: string): number[] => [s.length, ...ascii(s)];

/** A packet: 3-byte length, sequence number, payload. */
const pkt = (seq: number, body: number[]): number[] => [
  body.length & 0xff,
  (body.length >> 8) & 0xff,
  body.length >> 16,
  seq,
  ...body,
];

const SERVER_CAPS = 0xffff;
const SERVER_EXT = 0x01ff & ~0x0100; // no DEPRECATE_EOF: the result sets carry EOF packets
const GREETING = pkt(0, [
  10,
  ...z('8.0.33'),
  ...le32(42),
  ...z('abcdefgh'),
  ...le16(SERVER_CAPS),
  255,
  ...le16(0x0002),
  ...le16(SERVER_EXT),
  21,
  ...new Array<number>(10).fill(0),
  ...z('ijklmnopqrst'),
  ...z('caching_sha2_password'),
]);

const CLIENT_CAPS = 0xa20f | 0x8000; // LP, FR, LF, CD, CU, TA, SC
const CLIENT_EXT = 0x001b; // MS, MR, PA, CA
const attrs = [...lenc('_os'), ...lenc('Linux'), ...lenc('_client_name'), ...lenc('libmysql')];
const LOGIN = pkt(1, [
  ...le16(CLIENT_CAPS),
  ...le16(CLIENT_EXT),
  ...le32(16777216),
  255,
  ...new Array<number>(23).fill(0),
  ...z('root'),
  20,
  ...new Array<number>(20).fill(0x5a),
  ...z('shop'),
  ...z('caching_sha2_password'),
  attrs.length,
  ...attrs,
]);

const ok = (seq: number, affected: number, insertId: number, status = 0x0002): number[] =>
  pkt(seq, [0, affected, insertId, ...le16(status), ...le16(0)]);
const eof = (seq: number): number[] => pkt(seq, [0xfe, ...le16(0), ...le16(0x0022)]);
const field = (seq: number, name: string, type: number, flags: number): number[] =>
  pkt(seq, [
    ...lenc('def'),
    ...lenc('shop'),
    ...lenc('items'),
    ...lenc('items'),
    ...lenc(name),
    ...lenc(name),
    0x0c,
    ...le16(255),
    ...le32(11),
    type,
    ...le16(flags),
    0,
    0,
    0,
  ]);
const command = (code: number, arg: number[]): number[] => pkt(0, [code, ...arg]);

const RESULT_SET = [
  ...pkt(1, [2]),
  ...field(2, 'id', 3, 0x4203),
  ...field(3, 'name', 0xfd, 0x0000),
  ...eof(4),
  ...pkt(5, [...lenc('1'), ...lenc('apple')]),
  ...pkt(6, [...lenc('2'), 0xfb]),
  ...eof(7),
];
const BIG = command(3, ascii(`SELECT * FROM items WHERE note = '${'x'.repeat(300)}'`));

const stream = new TcpStream(3306);
const c = (p: number[]): Uint8Array => stream.segment(true, Uint8Array.from(p));
const s = (p: number[]): Uint8Array => stream.segment(false, Uint8Array.from(p));

const FRAMES = [
  ...stream.handshake(),
  s(GREETING),
  c(LOGIN),
  s(ok(2, 0, 0)),
  c(command(2, ascii('shop'))),
  s(ok(1, 0, 0)),
  c(command(3, ascii('SELECT id, name FROM items'))),
  s(RESULT_SET),
  c(command(3, ascii("INSERT INTO items (name) VALUES ('pear')"))),
  s(ok(1, 1, 5)),
  c(command(3, ascii('SELECT * FROM nope'))),
  s(pkt(1, [0xff, ...le16(1146), ...ascii('#42S02'), ...ascii("Table 'shop.nope' doesn't exist")])),
  c(command(14, [])),
  s(ok(1, 0, 0)),
  c(command(22, ascii('UPDATE items SET name = ? WHERE id = ?'))),
  s([
    ...pkt(1, [0, ...le32(1), ...le16(0), ...le16(2), 0, ...le16(0)]),
    ...field(2, '?', 0xfd, 0),
    ...field(3, '?', 8, 0x80),
    ...eof(4),
  ]),
  c(command(23, [...le32(1), 0, ...le32(1), 0, 1, 0xfd, 0, 3, 0, ...lenc('plum'), ...le32(2)])),
  s(ok(1, 1, 0)),
  c(command(25, le32(1))),
  c(BIG.slice(0, 100)),
  c(BIG.slice(100)),
  s(ok(1, 0, 0)),
  c(command(1, [])),
];

// A second connection: the client asks for SSL right after the greeting; TLS follows.
const ssl = new TcpStream(3306, 40001);
const SSL_FRAMES = [
  ...ssl.handshake(),
  ssl.segment(false, Uint8Array.from(GREETING)),
  ssl.segment(
    true,
    Uint8Array.from(
      pkt(1, [
        ...le16(CLIENT_CAPS | 0x0800),
        ...le16(CLIENT_EXT),
        ...le32(16777216),
        255,
        ...new Array<number>(23).fill(0),
      ]),
    ),
  ),
  ssl.segment(true, Uint8Array.from([0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00])),
];

describe('MySQL', () => {
  it('follows the conversation: greeting, login, result sets', () => {
    const d = dissectFrames(FRAMES);
    expect(d[2]?.pinfo.proto).toBe('MySQL');
    expect(d[2]?.value('mysql.version')).toBe('8.0.33');
    expect(d[3]?.value('mysql.user')).toBe('root');
    expect(d[8]?.value('mysql.row.text')).toBe('1,apple,2,NULL');
  });

  it('survives mutated streams', () => {
    fuzzFrames(FRAMES, 54, 3306);
    fuzzFrames(SSL_FRAMES, 54, 3307);
  });

  describe('a session: login, queries, results, errors, a prepared statement', () => {
    itAgreesWithTshark(FRAMES, FIELDS, /^MySQL Protocol/);
  });

  describe('a switch to SSL', () => {
    itAgreesWithTshark(SSL_FRAMES, FIELDS, /^MySQL Protocol/);
  });
});
