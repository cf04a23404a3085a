// MQTT 5.0 on a built TCP stream to port 1883 against tshark, per the OASIS MQTT 5.0 spec:
// CONNECT with properties and will properties, CONNACK with properties, PUBLISH at QoS 0, 1 and 2
// with properties (topic alias, user properties, content types handed on as JSON and text), the acknowledgements with and
// without reason code and properties, SUBSCRIBE with options, SUBACK, UNSUBSCRIBE/UNSUBACK,
// AUTH, DISCONNECT with reason and properties, and a properties block longer than its packet.
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import { fuzzFrames, itAgreesWithTshark, TcpStream } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  '_ws.expert.message',
  'mqtt.hdrflags',
  'mqtt.msgtype',
  'mqtt.qos',
  'mqtt.len',
  'mqtt.ver',
  'mqtt.conflags',
  'mqtt.kalive',
  'mqtt.clientid',
  'mqtt.username',
  'mqtt.willtopic',
  'mqtt.willmsg',
  'mqtt.conack.flags',
  'mqtt.conack.val',
  'mqtt.topic',
  'mqtt.msgid',
  'mqtt.msg',
  'mqtt.properties',
  'mqtt.will_properties',
  'mqtt.property_len',
  'mqtt.property_id',
  'mqtt.prop_number',
  'mqtt.property.content_type',
  'mqtt.property.max_qos',
  'mqtt.property.topic_alias',
  'mqtt.prop_unknown',
  'mqtt.prop_string_len',
  'mqtt.prop_string',
  'mqtt.prop_key_len',
  'mqtt.prop_key',
  'mqtt.prop_value_len',
  'mqtt.prop_value',
  'mqtt.connack.reason_code',
  'mqtt.puback.reason_code',
  'mqtt.pubrec.reason_code',
  'mqtt.pubrel.reason_code',
  'mqtt.pubcomp.reason_code',
  'mqtt.suback.reason_code',
  'mqtt.unsuback.reason_code',
  'mqtt.disconnect.reason_code',
  'mqtt.auth.reason_code',
  'mqtt.subscription_options',
  'mqtt.subscription_options_qos',
  'mqtt.subscription_options_nl',
  'mqtt.subscription_options_rap',
  'mqtt.subscription_options_retain',
  'mqtt.subscription_options_reserved',
  'mqtt.sub.qos',
  'mqtt.suback.qos',
];

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const str = (s: string): number[] => [s.length >> 8, s.length & 0xff, ...ascii(s)];
const u16 = (v: number): number[] => [v >> 8, v & 0xff];
const u32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];

/** A variable byte integer (MQTT 5.0 §1.5.5). */
function vbi(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

const pkt = (h: number, body: number[]): number[] => [h, ...vbi(body.length), ...body];
/** A properties block: its length, then the properties. */
const props = (...p: number[][]): number[] => {
  const flat = p.flat();
  return [...vbi(flat.length), ...flat];
};
const user = (k: string, v: string): number[] => [0x26, ...str(k), ...str(v)];

const CONNECT = pkt(0x10, [
  ...str('MQTT'),
  5,
  0xee, // user name, password, will retain, will QoS 1, will, clean start
  ...u16(30),
  ...props(
    [0x11, ...u32(3600)], // session expiry interval
    [0x21, ...u16(20)], // receive maximum
    [0x27, ...u32(65536)], // maximum packet size
    [0x22, ...u16(10)], // topic alias maximum
    [0x19, 1], // request response information
    [0x17, 0], // request problem information
    user('region', 'eu'),
    [0x15, ...str('SCRAM')], // authentication method
    [0x16, ...str('abc')], // authentication data
  ),
  ...str('dev-5'),
  ...props(
    [0x18, ...u32(5)], // will delay interval
    [0x01, 1], // payload format indicator
    [0x02, ...u32(120)], // message expiry interval
    [0x03, ...str('application/x-trawl')],
    [0x08, ...str('reply/to')], // response topic
    [0x09, ...str('c0rr')], // correlation data
    user('k', 'v'),
  ),
  ...str('status/dev-5'),
  ...str('gone'),
  ...str('alice'),
  ...str('secret'),
]);

const AUTH_CONTINUE = pkt(0xf0, [0x18, ...props([0x15, ...str('SCRAM')], [0x16, ...str('xyz')])]);

const CONNACK = pkt(0x20, [
  1,
  0,
  ...props(
    [0x12, ...str('auto-1')], // assigned client identifier
    [0x13, ...u16(60)], // server keep alive
    [0x24, 1], // maximum QoS
    [0x25, 1], // retain available
    [0x28, 1], // wildcard subscription available
    [0x29, 0], // subscription identifier available
    [0x2a, 1], // shared subscription available
    [0x1a, ...str('resp/')], // response information
    [0x1c, ...str('other:1883')], // server reference
    [0x1f, ...str('welcome')], // reason string
  ),
]);

const PUB0 = pkt(0x30, [
  ...str('sensors/t'),
  ...props([0x23, ...u16(3)], [0x03, ...str('application/x-trawl')], user('unit', 'C'), user('src', 'a')),
  ...ascii('21.5'),
]);
const PUB0_ALIAS = pkt(0x30, [...str(''), ...props([0x23, ...u16(3)]), ...ascii('21.7')]);
const PUB0_UNKNOWN = pkt(0x30, [...str(''), ...props([0x23, ...u16(9)]), ...ascii('?')]);
const PUB_JSON = pkt(0x30, [
  ...str('j'),
  ...props([0x03, ...str('application/json')]),
  ...ascii('{"t":21.5}'),
]);
const PUB_TEXT = pkt(0x30, [...str('x'), ...props([0x03, ...str('Text/Plain')]), ...ascii('hi\nthere')]);
// Properties longer than 127 bytes: a length of two bytes.
const PUB_LONG = pkt(0x30, [...str('l'), ...props(user('big', 'v'.repeat(150))), 0x00]);
const PUB1 = pkt(0x32, [...str('a/b'), ...u16(7), ...props([0x0b, ...vbi(300)], [0x02, ...u32(60)]), 0x01]);
const PUB2 = pkt(0x34, [...str('a/c'), ...u16(8), ...props(), ...ascii('x')]);

const stream = new TcpStream(1883, 40005);
const c = (p: number[]): Uint8Array => stream.segment(true, Uint8Array.from(p));
const s = (p: number[]): Uint8Array => stream.segment(false, Uint8Array.from(p));

const FRAMES = [
  ...stream.handshake(),
  c(CONNECT),
  s(AUTH_CONTINUE),
  c(pkt(0xf0, [0x00])),
  s(CONNACK),
  c(PUB0),
  c(PUB0_ALIAS),
  c(PUB0_UNKNOWN),
  c(PUB1),
  c(PUB_LONG),
  c([...PUB_JSON, ...PUB_TEXT]),
  s(pkt(0x40, u16(7))),
  c(PUB2),
  s(pkt(0x50, [...u16(8), 0x10])),
  c(pkt(0x62, [...u16(8), 0x92, ...props([0x1f, ...str('lost')])])),
  s(pkt(0x70, [...u16(8), 0x00, ...props()])),
  c(pkt(0x40, [...u16(9), 0x87, ...props([0x1f, ...str('no')], user('why', 'acl'))])),
  c(
    pkt(0x82, [
      ...u16(9),
      ...props([0x0b, ...vbi(5)], user('s', '1')),
      ...str('a/#'),
      0x2d, // retain handling 2, retain as published, no local, QoS 1
      ...str('b/+'),
      0x12, // retain handling 1, QoS 2
      ...str('c'),
      0xc0, // reserved bits set
    ]),
  ),
  s(pkt(0x90, [...u16(9), ...props([0x1f, ...str('ok')]), 0x01, 0x02, 0x9e])),
  c(pkt(0xa2, [...u16(10), ...props(user('u', 'x')), ...str('a/#'), ...str('b/+')])),
  s(pkt(0xb0, [...u16(10), ...props(), 0x00, 0x11])),
  c(pkt(0xc0, [])),
  s(pkt(0xd0, [])),
  c(pkt(0xf0, [])),
  c(pkt(0xf0, [0x19, ...props([0x15, ...str('SCRAM')])])),
  c(pkt(0xe0, [0x04])),
  c(
    pkt(0xe0, [
      0x8b,
      ...props([0x11, ...u32(0)], [0x1f, ...str('bye')], [0x1c, ...str('srv2')], user('a', 'b')),
    ]),
  ),
  // A properties block that claims more bytes than its packet holds.
  c(pkt(0x40, [...u16(11), 0x00, 0x20, 0x1f, ...str('x')])),
  // Empty topics with no alias to stand for them.
  c(pkt(0x30, [...str(''), ...props(), 0x21])),
  c(pkt(0xa2, [...u16(15), ...props(), ...str('')])),
  // A property length of five bytes (the spec allows four) and one that no byte ends.
  c(pkt(0x40, [...u16(13), 0x00, 0x80, 0x80, 0x80, 0x80, 0x00])),
  c(pkt(0x40, [...u16(14), 0x00, 0x81, 0x80, 0x80, 0x80, 0x80])),
  // A property the spec does not define.
  c(pkt(0x50, [...u16(12), 0x80, ...props([0x7f, 0x41, 0x42])])),
  c(pkt(0xe0, [])),
];

describe('MQTT 5.0', () => {
  it('words Info as tshark does', () => {
    const d = dissectFrames(FRAMES);
    expect(d[2]?.pinfo.proto).toBe('MQTT');
    expect(d[7]?.pinfo.info).toBe('Publish Message [sensors/t]');
  });

  it('survives mutated streams', () => fuzzFrames(FRAMES, 54, 1885));

  itAgreesWithTshark(
    FRAMES,
    FIELDS,
    /^(MQ Telemetry Transport Protocol|JavaScript Object Notation|Line-based text data)/,
  );
});
