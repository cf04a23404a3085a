// MQ Telemetry Transport (MQTT 3.1 and 3.1.1) on TCP 1883: the fixed header and every control
// packet's variable header and payload, several messages in a segment and one over several
// (tcp-pdus.ts). MQTT 5.0 properties are not decoded yet.
import { bool, bytes, fields, hex, names, proto, str, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { appendInfo, tcpDissectPdus, type PduSpec } from './tcp-pdus.ts';
import { asciiString } from './text-format.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TYPES: Record<number, string> = {
  1: 'Connect Command',
  2: 'Connect Ack',
  3: 'Publish Message',
  4: 'Publish Ack',
  5: 'Publish Received',
  6: 'Publish Release',
  7: 'Publish Complete',
  8: 'Subscribe Request',
  9: 'Subscribe Ack',
  10: 'Unsubscribe Request',
  11: 'Unsubscribe Ack',
  12: 'Ping Request',
  13: 'Ping Response',
  14: 'Disconnect Req',
  15: 'Authentication Exchange',
};
const QOS: Record<number, string> = {
  0: 'At most once delivery (Fire and Forget)',
  1: 'At least once delivery (Acknowledged deliver)',
  2: 'Exactly once delivery (Assured Delivery)',
  3: 'Reserved',
};
const QOS_NAMES = names(QOS);

const F = fields('mqtt', {
  '': proto('MQ Telemetry Transport Protocol'),
  hdrflags: hex('Header Flags', 8),
  msgtype: uint('Message Type', 8, { mask: 0xf0, strings: names(TYPES) }),
  hdr_reserved: uint('Reserved', 8, { mask: 0x0f }),
  dupflag: bool('DUP Flag', 8, 0x08),
  qos: uint('QoS Level', 8, { mask: 0x06, strings: QOS_NAMES }),
  retain: bool('Retain', 8, 0x01),
  len: uint('Msg Len', 64),
  proto_len: uint('Protocol Name Length', 16),
  protoname: str('Protocol Name'),
  ver: uint('Version', 8, { strings: names({ 3: 'MQTT v3.1', 4: 'MQTT v3.1.1', 5: 'MQTT v5.0' }) }),
  conflags: hex('Connect Flags', 8),
  'conflag.uname': bool('User Name Flag', 8, 0x80),
  'conflag.passwd': bool('Password Flag', 8, 0x40),
  'conflag.retain': bool('Will Retain', 8, 0x20),
  'conflag.qos': uint('QoS Level', 8, { mask: 0x18, strings: QOS_NAMES }),
  'conflag.willflag': bool('Will Flag', 8, 0x04),
  'conflag.cleansess': bool('Clean Session Flag', 8, 0x02),
  'conflag.reserved': bool('(Reserved)', 8, 0x01),
  kalive: uint('Keep Alive', 16),
  clientid_len: uint('Client ID Length', 16),
  clientid: str('Client ID'),
  willtopic_len: uint('Will Topic Length', 16),
  willtopic: str('Will Topic'),
  willmsg_len: uint('Will Message Length', 16),
  willmsg: bytes('Will Message'),
  username_len: uint('User Name Length', 16),
  username: str('User Name'),
  passwd_len: uint('Password Length', 16),
  passwd: str('Password'),
  'conack.flags': hex('Acknowledge Flags', 8),
  'conack.flags.reserved': bool('Reserved', 8, 0xfe),
  'conack.flags.sp': bool('Session Present', 8, 0x01),
  'conack.val': uint('Return Code', 8, {
    strings: names({
      0: 'Connection Accepted',
      1: 'Connection Refused: unacceptable protocol version',
      2: 'Connection Refused: identifier rejected',
      3: 'Connection Refused: server unavailable',
      4: 'Connection Refused: bad user name or password',
      5: 'Connection Refused: not authorized',
    }),
  }),
  topic_len: uint('Topic Length', 16),
  topic: str('Topic'),
  msgid: uint('Message Identifier', 16),
  msg: bytes('Message'),
  'sub.qos': uint('Requested QoS', 8, { strings: QOS_NAMES }),
  'suback.qos': uint('Granted QoS', 8, { strings: names({ ...QOS, 128: 'Failure' }) }),
});

type Def = (typeof F)['topic'];

/** The CONNACK's first byte in MQTT 3.1 (one field with mqtt.conack.flags.reserved). */
const RESERVED_31 = fields('mqtt', { 'conack.flags.reserved': bool('Reserved', 8, 0) })[
  'conack.flags.reserved'
];

/** The protocol version each conversation's CONNECT announced. */
const newVersions = (): Map<number, number> => new Map();

/** The remaining length (a variable byte integer) at `at`: value and size, or null when cut. */
function remaining(tvb: Tvb, at: number): { value: number; size: number } | null {
  let value = 0;
  let mult = 1;
  for (let i = 0; i < 4; i++) {
    if (!tvb.has(at + i, 1)) return null;
    const b = tvb.bytes[at + i] as number;
    value += (b & 0x7f) * mult;
    mult *= 128;
    if ((b & 0x80) === 0) return { value, size: i + 1 };
  }
  return { value, size: 4 };
}

function lenString(tvb: Tvb, tree: Tree, lenDef: Def, def: Def, at: number): { text: string; next: number } {
  const n = tvb.u16(at);
  tree.add(lenDef, tvb, at, 2, n);
  tvb.need(at + 2, n);
  let end = at + 2;
  while (end < at + 2 + n && tvb.bytes[end] !== 0) end++;
  const text = asciiString(tvb.bytes, at + 2, end);
  tree.add(def, tvb, at + 2, n, text);
  return { text, next: at + 2 + n };
}

function flagBit(tree: Tree, tvb: Tvb, def: Def, at: number, v: number): void {
  tree.add(def, tvb, at, 1, (v & (def.mask ?? 0)) !== 0);
}

function dissectMessage(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  const h = tvb.u8(o);
  const type = h >> 4;
  const rl = remaining(tvb, o + 1);
  const size = rl?.size ?? 1;
  const len = rl?.value ?? 0;
  const name = TYPES[type] ?? 'Unknown';
  if (pinfo.layers[pinfo.layers.length - 1] !== 'mqtt') pinfo.layers.push('mqtt');
  pinfo.setProto('MQTT');
  const versions = pinfo.state.of('mqtt.versions', newVersions);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  if (tree.full) tree.label(`MQ Telemetry Transport Protocol, ${name}`);
  const qos = (h >> 1) & 3;
  let head = `Header Flags: 0x${h.toString(16).padStart(2, '0')}, Message Type: ${name}`;
  if (type === 3) {
    if (h & 0x08) head += ', DUP Flag';
    head += `, QoS Level: ${QOS[qos]}`;
    if (h & 0x01) head += ', Retain';
  }
  tree.push(F.hdrflags, tvb, o, 1, h);
  tree.label(head);
  tree.add(F.msgtype, tvb, o, 1, type);
  if (type === 3) {
    flagBit(tree, tvb, F.dupflag, o, h);
    tree.add(F.qos, tvb, o, 1, qos);
    flagBit(tree, tvb, F.retain, o, h);
  } else {
    tree.add(F.hdr_reserved, tvb, o, 1, h & 0x0f);
  }
  tree.pop();
  tree.add(F.len, tvb, o + 1, size, len);
  let p = o + 1 + size;
  const end = tvb.reportedEnd;
  let info = name;
  switch (type) {
    case 1: {
      p = lenString(tvb, tree, F.proto_len, F.protoname, p).next;
      tree.add(F.ver, tvb, p, 1, tvb.u8(p));
      versions.set(pinfo.conversation, tvb.u8(p));
      p++;
      const f = tvb.u8(p);
      let label = `Connect Flags: 0x${f.toString(16).padStart(2, '0')}`;
      if (f & 0x80) label += ', User Name Flag';
      if (f & 0x40) label += ', Password Flag';
      if (f & 0x20) label += ', Will Retain';
      label += `, QoS Level: ${QOS[(f >> 3) & 3]}`;
      if (f & 0x04) label += ', Will Flag';
      if (f & 0x02) label += ', Clean Session Flag';
      if (f & 0x01) label += ', (Reserved)';
      tree.push(F.conflags, tvb, p, 1, f);
      tree.label(label);
      flagBit(tree, tvb, F['conflag.uname'], p, f);
      flagBit(tree, tvb, F['conflag.passwd'], p, f);
      flagBit(tree, tvb, F['conflag.retain'], p, f);
      tree.add(F['conflag.qos'], tvb, p, 1, (f >> 3) & 3);
      flagBit(tree, tvb, F['conflag.willflag'], p, f);
      flagBit(tree, tvb, F['conflag.cleansess'], p, f);
      flagBit(tree, tvb, F['conflag.reserved'], p, f);
      tree.pop();
      p++;
      tree.add(F.kalive, tvb, p, 2, tvb.u16(p));
      p += 2;
      p = lenString(tvb, tree, F.clientid_len, F.clientid, p).next;
      if (f & 0x04) {
        p = lenString(tvb, tree, F.willtopic_len, F.willtopic, p).next;
        const n = tvb.u16(p);
        tree.add(F.willmsg_len, tvb, p, 2, n);
        tvb.need(p + 2, n);
        tree.add(F.willmsg, tvb, p + 2, n);
        p += 2 + n;
      }
      if (f & 0x80 && p < end) p = lenString(tvb, tree, F.username_len, F.username, p).next;
      if (f & 0x40 && p < end) lenString(tvb, tree, F.passwd_len, F.passwd, p);
      break;
    }
    case 2: {
      const f = tvb.u8(p);
      if (versions.get(pinfo.conversation) === 3) {
        // MQTT 3.1 has no acknowledge flags: the byte is reserved.
        tree.add(RESERVED_31, tvb, p, 1, f !== 0);
        tree.add(F['conack.val'], tvb, p + 1, 1, tvb.u8(p + 1));
        break;
      }
      tree.push(F['conack.flags'], tvb, p, 1, f);
      flagBit(tree, tvb, F['conack.flags.reserved'], p, f);
      flagBit(tree, tvb, F['conack.flags.sp'], p, f);
      tree.pop();
      tree.add(F['conack.val'], tvb, p + 1, 1, tvb.u8(p + 1));
      break;
    }
    case 3: {
      const t = lenString(tvb, tree, F.topic_len, F.topic, p);
      p = t.next;
      if (qos > 0) {
        const id = tvb.u16(p);
        tree.add(F.msgid, tvb, p, 2, id);
        info += ` (id=${id})`;
        p += 2;
      }
      info += ` [${t.text}]`;
      if (end > p) {
        tvb.need(p, end - p);
        tree.add(F.msg, tvb, p, end - p);
      }
      break;
    }
    case 4:
    case 5:
    case 6:
    case 7:
    case 11: {
      const id = tvb.u16(p);
      tree.add(F.msgid, tvb, p, 2, id);
      info += ` (id=${id})`;
      break;
    }
    case 8:
    case 10: {
      const id = tvb.u16(p);
      tree.add(F.msgid, tvb, p, 2, id);
      info += ` (id=${id})`;
      p += 2;
      while (p < end) {
        const t = lenString(tvb, tree, F.topic_len, F.topic, p);
        p = t.next;
        if (type === 8) {
          info += ` [${t.text}]`;
          tree.add(F['sub.qos'], tvb, p, 1, tvb.u8(p));
          p++;
        }
      }
      break;
    }
    case 9: {
      const id = tvb.u16(p);
      tree.add(F.msgid, tvb, p, 2, id);
      info += ` (id=${id})`;
      for (p += 2; p < end; p++) tree.add(F['suback.qos'], tvb, p, 1, tvb.u8(p));
      break;
    }
    default:
      break;
  }
  tree.pop();
  appendInfo(pinfo, info);
}

const PDUS: PduSpec = {
  fixed: 2,
  length(tvb: Tvb, at: number): number {
    const rl = remaining(tvb, at + 1);
    // A length still cut short asks for more bytes than there are.
    if (!rl) return tvb.remaining(at) + 1 + 2;
    return 1 + rl.size + rl.value;
  },
  dissect: dissectMessage,
  name: 'MQTT',
};

function dissectMqtt(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  if (pinfo.wantInfo) pinfo.setInfo('');
  return tcpDissectPdus(tvb, pinfo, tree, PDUS);
}

export const mqttModule = {
  fields: { ...F, reserved31: RESERVED_31 },
  handoff(reg: Registry): void {
    reg.register('tcpPort', 1883, dissectMqtt);
  },
};
