// MQTT 3.1.1 on a built TCP stream to port 1883 against tshark: CONNECT with credentials,
// CONNACK, PUBLISH at QoS 0, 1 and 2 with their acknowledgements, SUBSCRIBE/SUBACK,
// UNSUBSCRIBE/UNSUBACK, PINGREQ and a PUBLISH in one segment, a PUBLISH over two segments,
// DISCONNECT.
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import { fieldsOfBoth, fuzzFrames, oracleReady, TcpStream, treesOfBoth } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'mqtt.hdrflags',
  'mqtt.msgtype',
  'mqtt.dupflag',
  'mqtt.qos',
  'mqtt.retain',
  'mqtt.len',
  'mqtt.protoname',
  'mqtt.ver',
  'mqtt.conflags',
  'mqtt.conflag.cleansess',
  'mqtt.kalive',
  'mqtt.clientid',
  'mqtt.username',
  'mqtt.passwd',
  'mqtt.willtopic',
  'mqtt.willmsg',
  'mqtt.conack.val',
  'mqtt.topic',
  'mqtt.msgid',
  'mqtt.msg',
  'mqtt.sub.qos',
  'mqtt.suback.qos',
];

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const str = (s: string): number[] => [s.length >> 8, s.length & 0xff, ...ascii(s)];
const u16 = (v: number): number[] => [v >> 8, v & 0xff];

function pkt(h: number, body: number[]): number[] {
  const out = [h];
  let n = body.length;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return [...out, ...body];
}

const CONNECT = pkt(0x10, [
  ...str('MQTT'),
  4,
  0xc2,
  ...u16(60),
  ...str('client-1'),
  ...str('user'),
  ...str('pass'),
]);
const CONNECT_WILL = pkt(0x10, [
  ...str('MQIsdp'),
  3,
  0x2e,
  ...u16(10),
  ...str('c2'),
  ...str('will/t'),
  ...str('bye'),
]);
const PUB0 = pkt(0x30, [...str('a/b'), ...ascii('hello')]);
const PUB1 = pkt(0x32, [...str('a/c'), ...u16(7), ...ascii('world')]);
const PUB2 = pkt(0x3d, [...str('a/d'), ...u16(8), 0x78]);
const BIG = pkt(0x30, [...str('big'), ...new Array<number>(200).fill(0x41)]);

const stream = new TcpStream(1883);
const c = (p: number[]): Uint8Array => stream.segment(true, Uint8Array.from(p));
const s = (p: number[]): Uint8Array => stream.segment(false, Uint8Array.from(p));

const FRAMES = [
  ...stream.handshake(),
  c(CONNECT),
  s(pkt(0x20, [0, 0])),
  c(PUB0),
  c(PUB1),
  s(pkt(0x40, u16(7))),
  c(PUB2),
  s(pkt(0x50, u16(8))),
  c(pkt(0x62, u16(8))),
  s(pkt(0x70, u16(8))),
  c(pkt(0x82, [...u16(9), ...str('a/#'), 1, ...str('b/+'), 2])),
  s(pkt(0x90, [...u16(9), 1, 0x80])),
  c(pkt(0xa2, [...u16(10), ...str('a/#')])),
  s(pkt(0xb0, u16(10))),
  c([...pkt(0xc0, []), ...PUB0]),
  s(pkt(0xd0, [])),
  c(PUB1.slice(0, 4)),
  c(PUB1.slice(4)),
  c(BIG),
  c(CONNECT_WILL),
  s(pkt(0x20, [1, 5])),
  c(pkt(0xe0, [])),
];

describe('MQTT', () => {
  it('words Info as tshark does', () => {
    const d = dissectFrames(FRAMES);
    expect(d[2]?.pinfo.proto).toBe('MQTT');
    expect(d[5]?.pinfo.info).toBe('Publish Message (id=7) [a/c]');
  });

  it('survives mutated streams', () => fuzzFrames(FRAMES, 54, 1883));

  it.skipIf(!oracleReady)('agrees with tshark on MQTT fields', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });

  it.skipIf(!oracleReady)('agrees with tshark on the MQTT trees', () => {
    const t = treesOfBoth(FRAMES, /^MQ Telemetry Transport Protocol/);
    expect(t.trawl).toBe(t.tshark);
  });
});
