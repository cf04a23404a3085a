// gRPC over cleartext HTTP/2 (found by its preface on port 80) against tshark: messages several to
// a DATA frame, a message split over DATA frames (HTTP/2 streaming reassembly), JSON detected by
// its braces, Protocol Buffers named, a trailers-only end of stream.
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { fieldsOfBoth, fuzzFrames, oracleReady, TcpStream } from '../../support/proto-oracle.ts';
import { latin1 } from '../../support/tcp-frames.ts';

function cat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function h2(type: number, flags: number, stream: number, payload: Uint8Array | number[]): Uint8Array {
  const n = payload.length;
  return cat([n >> 16, (n >> 8) & 0xff, n & 0xff, type, flags, 0, 0, 0, stream], payload);
}

const lit = (s: string): Uint8Array => cat([s.length], latin1(s));
/** Literal without indexing: indexed name (< 15) or new name. */
const field = (index: number, value: string): Uint8Array => cat([index], lit(value));
const newField = (name: string, value: string): Uint8Array => cat([0], lit(name), lit(value));

/** A gRPC length-prefixed message. */
function msg(body: Uint8Array, flags = 0): Uint8Array {
  const n = body.length;
  return cat([flags, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff], body);
}

const stream = new TcpStream(80);
const seg = (toServer: boolean, payload: Uint8Array): Uint8Array => stream.segment(toServer, payload);

const REQUEST = cat(
  [0x83, 0x86],
  field(4, '/pkg.Svc/Call'),
  field(1, 'h'),
  newField('content-type', 'application/grpc'),
);
const RESPONSE = cat([0x88], newField('content-type', 'application/grpc'));
const JSON_BODY = latin1('{"a": 1}');
const PB = Uint8Array.from([0x08, 0x96, 0x01, 0x12, 0x02, 0x68, 0x69]);
const BIG = msg(PB.subarray(0, 7));

const FRAMES = [
  ...stream.handshake(),
  seg(true, cat(latin1('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), h2(4, 0, 0, []), h2(1, 0x04, 1, REQUEST))),
  // Two messages in one DATA, then one whose head and body come in separate DATA frames.
  seg(true, h2(0, 0, 1, cat(msg(JSON_BODY), msg(PB)))),
  seg(true, h2(0, 0, 1, BIG.subarray(0, 3))),
  seg(true, h2(0, 1, 1, BIG.subarray(3))),
  seg(false, cat(h2(4, 0, 0, []), h2(1, 0x04, 1, RESPONSE), h2(0, 0, 1, msg(PB)))),
  seg(false, h2(1, 0x05, 1, newField('grpc-status', '0'))),
];

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'grpc.frame_type',
  'grpc.compressed_flag',
  'grpc.message_length',
  'grpc.message_data',
  'http2.data.data',
  'http2.data.segment',
  'http2.body.reassembled.in',
  'json.value.number',
];

describe('gRPC', () => {
  it('shows each message and follows one across DATA frames', () => {
    const state = new CaptureState();
    const d = FRAMES.map((f, i) => dissectHex(f, 1, { number: i + 1 }, state));
    expect(d[3]?.pinfo.proto).toBe('GRPC/JSON');
    expect(d[3]?.pinfo.info).toBe(
      'DATA[1] (GRPC), JavaScript Object Notation (application/grpc+json) (PROTOBUF)',
    );
    expect(d[3]?.value('grpc.message_length')).toBe('8,7');
    expect(d[4]?.pinfo.info).toBe('DATA[1] [HTTP2 segment of a reassembled PDU]');
    expect(d[5]?.pinfo.info).toBe('DATA[1] (GRPC) (PROTOBUF)');
    expect(d[6]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:http:http2:grpc:protobuf');
  });

  it('shows a frame the same when it is dissected again', () => {
    const state = new CaptureState();
    const first = FRAMES.map((f, i) => dissectHex(f, 1, { number: i + 1 }, state));
    for (const n of [4, 5, 6, 7]) {
      const again = dissectHex(FRAMES[n - 1] as Uint8Array, 1, { number: n }, state);
      expect(again.pinfo.info).toBe(first[n - 1]?.pinfo.info);
      expect(again.pinfo.proto).toBe(first[n - 1]?.pinfo.proto);
      expect(again.value('grpc.message_length')).toBe(first[n - 1]?.value('grpc.message_length'));
    }
  });

  it('survives mutated streams', () => fuzzFrames(FRAMES, 54, 7));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });
});
