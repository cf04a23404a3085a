// HTTP/2 on built TCP streams against tshark: found by its preface on the HTTP port and after an
// h2c upgrade, every frame type, HPACK (static, dynamic, Huffman, size updates, blocks continued
// in CONTINUATION), frames several to a segment and across segments, DATA joined at END_STREAM.
import { describe, expect, it } from 'vitest';
import { Inflater } from '../../../app/dissect/http2-hpack.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import {
  fieldsOfBoth,
  fuzzFrames,
  hex,
  ipFrame,
  oracleReady,
  tcpSegment,
  treesOfBoth,
} from '../../support/proto-oracle.ts';
import { latin1 } from '../../support/tcp-frames.ts';

const PREFACE = latin1('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

function cat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One HTTP/2 frame. */
function h2(type: number, flags: number, stream: number, payload: Uint8Array | number[]): Uint8Array {
  const n = payload.length;
  return cat(
    [
      n >> 16,
      (n >> 8) & 0xff,
      n & 0xff,
      type,
      flags,
      stream >>> 24,
      (stream >> 16) & 0xff,
      (stream >> 8) & 0xff,
      stream & 0xff,
    ],
    payload,
  );
}

/** An HPACK string literal without Huffman coding. */
const lit = (s: string): Uint8Array => cat([s.length], latin1(s));
/** An HPACK integer with an N-bit prefix under the first byte's pattern `top`. */
function int(top: number, prefix: number, v: number): number[] {
  const k = (1 << prefix) - 1;
  if (v < k) return [top | v];
  const out = [top | k];
  v -= k;
  while (v >= 128) {
    out.push((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out.push(v);
  return out;
}
/** Literal with incremental indexing, indexed name. */
const incName = (index: number, value: string): Uint8Array => cat(int(0x40, 6, index), lit(value));
/** Literal with incremental indexing, new name. */
const incNew = (name: string, value: string): Uint8Array => cat([0x40], lit(name), lit(value));
/** Literal without indexing (4-bit prefix) and never indexed, indexed names. */
const noIndex = (index: number, value: string): Uint8Array => cat(int(0, 4, index), lit(value));
const never = (index: number, value: string): Uint8Array => cat(int(0x10, 4, index), lit(value));

interface Stream {
  cport: number;
  sport: number;
  cseq: number;
  sseq: number;
}

function seg(s: Stream, toServer: boolean, payload: Uint8Array, flags = 0x18): Uint8Array {
  const t = toServer
    ? tcpSegment({ sport: s.cport, dport: s.sport, seq: s.cseq, ack: s.sseq, flags, payload })
    : tcpSegment({ sport: s.sport, dport: s.cport, seq: s.sseq, ack: s.cseq, flags, payload });
  if (toServer) s.cseq += payload.length;
  else s.sseq += payload.length;
  return toServer ? ipFrame(6, t, 1, 2) : ipFrame(6, t, 2, 1);
}

function handshake(s: Stream): Uint8Array[] {
  const syn = ipFrame(6, tcpSegment({ sport: s.cport, dport: s.sport, seq: s.cseq - 1, flags: 0x02 }), 1, 2);
  const synAck = ipFrame(
    6,
    tcpSegment({ sport: s.sport, dport: s.cport, seq: s.sseq - 1, ack: s.cseq, flags: 0x12 }),
    2,
    1,
  );
  return [syn, synAck];
}

const a: Stream = { cport: 40000, sport: 80, cseq: 1001, sseq: 5001 };

const GET = cat(
  [0x82, 0x86, 0x84], // :method GET, :scheme http, :path /
  hex('41 8c f1e3c2e5f23a6ba0ab90f4ff'), // :authority www.example.com, Huffman
  incNew('x-trace', 'a%20b'),
);
const RESPONSE = cat(
  int(0x20, 5, 4000),
  [0x88],
  incName(31, 'text/plain'),
  never(28, '11'),
  noIndex(54, 'h'),
);
const BODY = latin1('hello\nworld');
const DATA_A = latin1('{"a": ');
const DATA_B = latin1('[1, 2]}');

const A_FRAMES = [
  ...handshake(a),
  // Preface, SETTINGS (table size 4096, push off) and a request in one segment.
  seg(
    a,
    true,
    cat(
      PREFACE,
      h2(4, 0, 0, [0, 1, 0, 0, 0x10, 0, 0, 2, 0, 0, 0, 0]),
      h2(1, 0x25, 1, cat([0x80, 0, 0, 0, 15], GET)),
    ),
  ),
  seg(a, false, cat(h2(4, 0, 0, [0, 3, 0, 0, 0, 100, 0, 0x63, 0, 0, 0, 7]), h2(4, 1, 0, []))),
  seg(a, true, h2(4, 1, 0, [])),
  // A response whose block starts with a size update, then padded DATA ending the stream.
  seg(a, false, cat(h2(1, 0x04, 1, RESPONSE), h2(0, 0x09, 1, cat([3], BODY, [0, 0, 0])))),
  // A block cut inside a field and finished in CONTINUATION; dynamic index 62 reused.
  seg(a, true, h2(1, 0x01, 3, cat([0x82, 0x86], [0x44, 5], latin1('/a')))),
  seg(a, true, h2(9, 0x04, 3, cat(latin1('b?c'), [0xbf, 0xbe]))),
  // JSON body in two DATA frames, the second split over two segments.
  seg(
    a,
    false,
    cat(
      h2(1, 0x04, 3, cat([0x88], incName(31, 'application/json'))),
      h2(0, 0, 3, DATA_A),
      h2(0, 1, 3, DATA_B).subarray(0, 10),
    ),
  ),
  seg(a, false, h2(0, 1, 3, DATA_B).subarray(10)),
  seg(
    a,
    true,
    cat(
      h2(2, 0, 5, [0x80, 0, 0, 3, 15]),
      h2(8, 0, 0, [0, 1, 0, 0]),
      h2(6, 0, 0, [1, 2, 3, 4, 5, 6, 7, 8]),
      h2(3, 0, 3, [0, 0, 0, 8]),
    ),
  ),
  seg(
    a,
    false,
    cat(
      h2(6, 1, 0, [1, 2, 3, 4, 5, 6, 7, 8]),
      h2(5, 0x04, 1, cat([0, 0, 0, 2], [0x82, 0x87, 0x85, 0xbf])),
      h2(0x20, 0, 0, [9, 9]),
      h2(7, 0, 0, cat([0, 0, 0, 3, 0, 0, 0, 0], latin1('bye'))),
    ),
  ),
];

const u: Stream = { cport: 40001, sport: 80, cseq: 2001, sseq: 7001 };

// HTTP/1.1 upgrade to h2c: the 101 response and the server's first frames in one segment.
const U_FRAMES = [
  ...handshake(u),
  seg(u, true, latin1('GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n')),
  seg(
    u,
    false,
    cat(
      latin1('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n'),
      h2(4, 0, 0, []),
      h2(1, 0x05, 1, [0x88]),
    ),
  ),
  seg(u, true, cat(PREFACE, h2(4, 0, 0, []), h2(4, 1, 0, []))),
];

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'http2.type',
  'http2.streamid',
  'http2.flags',
  'http2.length',
  'http2.magic',
  'http2.header.name',
  'http2.header.value',
  'http2.header.index',
  'http2.header.repr',
  'http2.header.count',
  'http2.header.length',
  'http2.header_table_size_update.header_table_size',
  'http2.headers.method',
  'http2.headers.path',
  'http2.headers.status',
  'http2.headers.authority',
  'http2.headers.scheme',
  'http2.headers.content_type',
  'http2.headers.content_length',
  'http2.header.unescaped',
  'http2.request.full_uri',
  'http2.settings.id',
  'http2.settings.header_table_size',
  'http2.settings.max_concurrent_streams',
  'http2.pad_length',
  'http2.data.data',
  'http2.data.padding',
  'http2.body.reassembled.length',
  'http2.body.fragment',
  'http2.stream_dependency',
  'http2.headers.weight',
  'http2.exclusive',
  'http2.rst_stream.error',
  'http2.ping',
  'http2.pong',
  'http2.goaway.error',
  'http2.goaway.addata',
  'http2.window_update.window_size_increment',
  'http2.push_promise.promised_stream_id',
  'http2.unknown',
  'json.value.number',
];

describe('HPACK', () => {
  it('decodes RFC 7541 C.4 (Huffman) with the dynamic table', () => {
    const inf = new Inflater();
    const b1 = inf.decode(hex('828684418cf1e3c2e5f23a6ba0ab90f4ff'), true);
    expect(b1.map((e) => `${e.name}: ${e.value}`)).toEqual([
      ':method: GET',
      ':scheme: http',
      ':path: /',
      ':authority: www.example.com',
    ]);
    expect(inf.decode(hex('828684be5886a8eb10649cbf'), true).length).toBe(5);
    const b3 = inf.decode(hex('828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf'), true);
    expect(b3.map((e) => `${e.index} ${e.name}: ${e.value}`)).toEqual([
      '2 :method: GET',
      '7 :scheme: https',
      '5 :path: /index.html',
      '63 :authority: www.example.com',
      '0 custom-key: custom-value',
    ]);
  });

  it('stops for good at a bad index, and rejects a late size update', () => {
    const inf = new Inflater();
    expect(inf.decode(hex('82 ff ff 7f'), true).length).toBe(1);
    expect(inf.decode(hex('82'), true)).toEqual([]);
    const late = new Inflater();
    expect(late.decode(hex('82 3f e1 1f'), true).length).toBe(1);
    expect(late.decode(hex('82'), true)).toEqual([]);
  });
});

describe('HTTP/2', () => {
  it('is found by its preface on the HTTP port and names every frame in Info', () => {
    const state = new CaptureState();
    const d = A_FRAMES.map((f, i) => dissectHex(f, 1, { number: i + 1 }, state));
    expect(d[2]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:http:http2');
    expect(d[2]?.pinfo.proto).toBe('HTTP2');
    expect(d[2]?.pinfo.info).toBe('Magic, SETTINGS[0], HEADERS[1]: GET /');
    expect(d[3]?.pinfo.info).toBe('SETTINGS[0], SETTINGS[0]');
    expect(d[5]?.pinfo.info).toBe('HEADERS[1]: 200 OK, DATA[1] (text/plain)');
    // :method came in the HEADERS, :path in the CONTINUATION: neither frame has both.
    expect(d[7]?.pinfo.info).toBe('CONTINUATION[3]');
    expect(d[8]?.pinfo.info).toBe('HEADERS[3]: 200 OK, DATA[3]');
    expect(d[9]?.pinfo.proto).toBe('HTTP2/JSON');
    expect(d[9]?.pinfo.info).toBe('DATA[3], JavaScript Object Notation (application/json)');
    expect(d[10]?.pinfo.info).toBe('PRIORITY[5], WINDOW_UPDATE[0], PING[0], RST_STREAM[3]');
    expect(d[11]?.pinfo.info).toBe(
      'PING[0], PUSH_PROMISE[1]: GET /index.html, Unknown type (32)[0], GOAWAY[0]',
    );
  });

  it('follows an h2c upgrade from the 101 response on', () => {
    const state = new CaptureState();
    const d = U_FRAMES.map((f, i) => dissectHex(f, 1, { number: i + 1 }, state));
    expect(d[3]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:http:http2');
    expect(d[3]?.pinfo.info).toBe('HTTP/1.1 101 Switching Protocols , SETTINGS[0], HEADERS[1]: 200 OK');
    expect(d[4]?.pinfo.info).toBe('Magic, SETTINGS[0], SETTINGS[0]');
  });

  it('gives the same columns and header fields when a frame is dissected again', () => {
    const state = new CaptureState();
    // As the engine does: TCP reads earlier frames again to rebuild a reassembled message.
    state.frameBytes = (n) => A_FRAMES[n - 1] ?? null;
    const first = A_FRAMES.map((f, i) => dissectHex(f, 1, { number: i + 1 }, state));
    for (const n of [3, 6, 10, 12]) {
      const again = dissectHex(A_FRAMES[n - 1] as Uint8Array, 1, { number: n }, state);
      expect(again.pinfo.info).toBe(first[n - 1]?.pinfo.info);
      expect(again.pinfo.proto).toBe(first[n - 1]?.pinfo.proto);
      expect(again.value('http2.header.value')).toBe(first[n - 1]?.value('http2.header.value'));
    }
  });

  it('survives mutated streams', () => fuzzFrames(A_FRAMES, 54, 2));

  it.skipIf(!oracleReady)('agrees with tshark field for field', () => {
    const f = fieldsOfBoth([...A_FRAMES, ...U_FRAMES], FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });

  it.skipIf(!oracleReady)('agrees with tshark on the tree', () => {
    const t = treesOfBoth(A_FRAMES, /^HyperText Transfer Protocol 2/);
    expect(t.trawl).toBe(t.tshark);
  });
});
