// CoAP on UDP 5683 against tshark: requests and piggybacked responses matched by token and
// message id, every option kind with extended deltas and lengths, Block1/Block2, payloads by
// Content-Format (text, JSON, octets), a retransmission, and malformed and cut-short messages.
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import {
  fieldsOfBoth,
  fuzzFrames,
  oracleReady,
  treesOfBoth,
  udpIpFrame,
} from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  '_ws.expert.message',
  'coap.version',
  'coap.type',
  'coap.token_len',
  'coap.code',
  'coap.mid',
  'coap.token',
  'coap.opt.name',
  'coap.opt.desc',
  'coap.opt.delta',
  'coap.opt.delta_ext',
  'coap.opt.length',
  'coap.opt.length_ext',
  'coap.opt.uri_host',
  'coap.opt.uri_port',
  'coap.opt.uri_path',
  'coap.opt.uri_query',
  'coap.opt.uri_path_recon',
  'coap.opt.ctype',
  'coap.opt.accept',
  'coap.opt.max_age',
  'coap.opt.etag',
  'coap.opt.observe',
  'coap.opt.block_number',
  'coap.opt.block_mflag',
  'coap.opt.block_size',
  'coap.opt.size1',
  'coap.opt.location_path',
  'coap.opt.if_match',
  'coap.opt.proxy_uri',
  'coap.opt.unknown',
  'coap.opt.end_marker',
  'coap.payload',
  'coap.payload_desc',
  'coap.payload_length',
  'coap.block_payload',
  'coap.block_length',
  'coap.response_to',
  'coap.response_time',
  'coap.request_first_in',
  'json.value.number',
];

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** One option: its delta from the previous one and its value, with 13/14 extensions. */
function opt(delta: number, value: number[]): number[] {
  const nib = (x: number): [number, number[]] =>
    x < 13 ? [x, []] : x < 269 ? [13, [x - 13]] : [14, [(x - 269) >> 8, (x - 269) & 0xff]];
  const [d, de] = nib(delta);
  const [l, le] = nib(value.length);
  return [(d << 4) | l, ...de, ...le, ...value];
}

function coap(
  type: number,
  code: number,
  mid: number,
  token: number[],
  opts: number[][],
  body?: number[],
): number[] {
  const out = [0x40 | (type << 4) | token.length, code, mid >> 8, mid & 0xff, ...token, ...opts.flat()];
  return body === undefined ? out : [...out, 0xff, ...body];
}

const req = (b: number[]): Uint8Array => udpIpFrame(40000, 5683, Uint8Array.from(b));
const rsp = (b: number[]): Uint8Array => udpIpFrame(5683, 40000, Uint8Array.from(b));

const FRAMES = [
  req(coap(0, 1, 1234, [1, 2], [opt(3, ascii('example.com')), opt(3, []), opt(0, [1])])),
  req(
    coap(
      0,
      1,
      1235,
      [0x0a, 0x0b],
      [
        opt(6, [0]),
        opt(1, [0x16, 0x33]),
        opt(4, ascii('sensors')),
        opt(0, ascii('temp')),
        opt(4, ascii('a=1')),
        opt(0, ascii('b=2')),
        opt(2, [50]),
      ],
    ),
  ),
  rsp(coap(2, 69, 1235, [0x0a, 0x0b], [opt(6, [5]), opt(6, [50]), opt(2, [60])], ascii('{"t": 21.5}'))),
  req(coap(1, 2, 1236, [], [opt(11, ascii('x'.repeat(20))), opt(1, []), opt(15, [0x12]), opt(1, [1, 0])])),
  rsp(coap(2, 68, 1236, [], [opt(8, ascii('loc')), opt(15, [0x1a]), opt(32, [5])])),
  req(
    coap(
      0,
      3,
      1237,
      [0x77],
      [opt(1, [1, 2]), opt(3, [0xaa]), opt(30, ascii('coap://h/p')), opt(300, [0x7a])],
    ),
  ),
  rsp(coap(2, 132, 1237, [0x77], [], ascii('not found'))),
  req(coap(3, 0, 1238, [], [])),
  req(coap(0, 1, 1239, [], [[0xb5, 0x61, 0x62]])),
  req(coap(0, 1, 1240, [], [[0xbf]])),
  req(coap(0, 1, 1240, [], [[0xf1, 0]])),
  req(coap(0, 8, 1241, ascii('12345678'), [opt(11, ascii('a'))], [])),
  req([0x40, 0x01]),
  req(coap(0, 1, 1242, [], [opt(11, ascii('a'.repeat(300))), opt(49, [0, 0, 0x12])], [0x42, 0x43])),
  req(coap(1, 2, 1243, [], [opt(12, [42])], [0, 1, 2])),
  req(coap(1, 2, 1244, [], [], [0, 1])),
  req(coap(1, 2, 1245, [], [opt(12, [50])], ascii('{"a": [1, "x"]} tail\nmore'))),
  req(coap(0, 1, 1235, [0x0a, 0x0b], [opt(11, ascii('sensors'))])),
  req(coap(0, 1, 1246, [], [opt(27, [0x0a])], ascii('whole'))),
  req(coap(0, 4, 1247, [1], [opt(2100, [1, 2])])),
  req([0x41, 0x01, 0x00]),
];

describe('CoAP', () => {
  it('words Info as tshark does', () => {
    const d = dissectFrames(FRAMES);
    expect(d[1]?.pinfo.proto).toBe('CoAP');
    expect(d[1]?.pinfo.info).toBe('CON, MID:1235, GET, TKN:0a 0b, :5683/sensors/temp?a=1&b=2');
  });

  it('survives mutated datagrams', () => fuzzFrames(FRAMES, 42, 5683));

  it.skipIf(!oracleReady)('agrees with tshark on CoAP fields', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });

  it.skipIf(!oracleReady)('agrees with tshark on the CoAP trees', () => {
    const t = treesOfBoth(
      FRAMES,
      /^(Constrained Application Protocol|Line-based text data|JavaScript Object Notation|Data \(|\[Malformed)/,
    );
    expect(t.trawl).toBe(t.tshark);
  });
});
