// PPTP (RFC 2637) control connection on TCP 1723: the header (length, message type, magic cookie,
// control message type) and the fields of each of the fifteen control messages, as tshark 4.0
// shows them. The calls' PPP runs over enhanced GRE (gre.ts).
import { dissectData } from './data.ts';
import { bytes, fields, hex, names, proto, str, uint, type FieldDef } from './field.ts';
import { expert } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import { addAsciiString } from './tvb-items.ts';
import type { Tvb } from './tvb.ts';

const PORT = 1723;
const MAGIC_COOKIE = 0x1a2b3c4d;

const CONTROL_TYPES = names({
  1: 'Start-Control-Connection-Request',
  2: 'Start-Control-Connection-Reply',
  3: 'Stop-Control-Connection-Request',
  4: 'Stop-Control-Connection-Reply',
  5: 'Echo-Request',
  6: 'Echo-Reply',
  7: 'Outgoing-Call-Request',
  8: 'Outgoing-Call-Reply',
  9: 'Incoming-Call-Request',
  10: 'Incoming-Call-Reply',
  11: 'Incoming-Call-Connected',
  12: 'Call-Clear-Request',
  13: 'Call-Disconnect-Notify',
  14: 'WAN-Error-Notify',
  15: 'Set-Link-Info',
});
const FRAMING = names({
  1: 'Asynchronous Framing supported',
  2: 'Synchronous Framing supported',
  3: 'Either Framing supported',
});
const BEARER = names({
  1: 'Analog access supported',
  2: 'Digital access supported',
  3: 'Either access supported',
});
const OK_OR_ERROR = names({ 1: 'OK', 2: 'General error' });

export const F = fields('pptp', {
  '': proto('Point-to-Point Tunnelling Protocol'),
  length: uint('Length', 16),
  type: uint('Message type', 16, { strings: names({ 1: 'Control Message', 2: 'Management Message' }) }),
  magic_cookie: hex('Magic Cookie', 32),
  control_message_type: uint('Control Message Type', 16, { strings: CONTROL_TYPES }),
  reserved: bytes('Reserved'),
  protocol_version: uint('Protocol version', 16),
  framing_capabilities: uint('Framing Capabilities', 32, { strings: FRAMING }),
  bearer_capabilities: uint('Bearer Capabilities', 32, { strings: BEARER }),
  maximum_channels: uint('Maximum Channels', 16),
  firmware_revision: uint('Firmware Revision', 16),
  host_name: str('Host Name'),
  vendor_name: str('Vendor Name'),
  control_result: uint('Result Code', 8, {
    strings: names({
      1: 'Successful channel establishment',
      2: 'General error',
      3: 'Command channel already exists',
      4: 'Requester not authorized',
      5: 'Protocol version not supported',
    }),
  }),
  error: uint('Error Code', 8, {
    strings: names({
      0: 'None',
      1: 'Not-Connected',
      2: 'Bad-Format',
      3: 'Bad-Value',
      4: 'No-Resource',
      5: 'Bad-Call ID',
      6: 'PAC-Error',
    }),
  }),
  reason: uint('Reason', 8, { strings: names({ 1: 'None', 2: 'Stop-Protocol', 3: 'Stop-Local-Shutdown' }) }),
  stop_result: uint('Result Code', 8, { strings: OK_OR_ERROR }),
  identifier: uint('Identifier', 32),
  echo_result: uint('Result Code', 8, { strings: OK_OR_ERROR }),
  call_id: uint('Call ID', 16),
  call_serial_number: uint('Call Serial Number', 16),
  minimum_bps: uint('Minimum BPS', 32),
  maximum_bps: uint('Maximum BPS', 32),
  framing_type: uint('Framing Type', 32, { strings: FRAMING }),
  bearer_type: uint('Bearer Type', 32, { strings: BEARER }),
  packet_receive_window_size: uint('Packet Receive Window Size', 16),
  packet_processing_delay: uint('Packet Processing Delay', 16),
  phone_number_length: uint('Phone Number Length', 16),
  phone_number: str('Phone Number'),
  subaddress: str('Subaddress'),
  peer_call_id: uint('Peer Call ID', 16),
  out_result: uint('Result Code', 8, {
    strings: names({
      1: 'Connected',
      2: 'General Error',
      3: 'No Carrier',
      4: 'Busy',
      5: 'No Dial Tone',
      6: 'Time-out',
      7: 'Do Not Accept',
    }),
  }),
  cause: uint('Cause Code', 16),
  connect_speed: uint('Connect Speed', 32),
  physical_channel_id: uint('Physical Channel ID', 32),
  dialed_number_length: uint('Dialed Number Length', 16),
  dialed_number: str('Dialed Number'),
  dialing_number_length: uint('Dialing Number Length', 16),
  dialing_number: str('Dialing Number'),
  in_result: uint('Result Code', 8, {
    strings: names({ 1: 'Connect', 2: 'General error', 3: 'Do Not Accept' }),
  }),
  disc_result: uint('Result Code', 8, {
    strings: names({ 1: 'Lost Carrier', 2: 'General Error', 3: 'Admin Shutdown', 4: 'Request' }),
  }),
  call_Statistics: str('Call Statistics'),
  crc_errors: uint('CRC Errors', 32),
  framing_errors: uint('Framing Errors', 32),
  hardware_overruns: uint('Hardware overruns', 32),
  buffer_overruns: uint('Buffer overruns', 32),
  timeout_errors: uint('Time-out Errors', 32),
  alignment_errors: uint('Alignment Errors', 32),
  send_accm: hex('Send ACCM', 32),
  receive_accm: hex('Receive ACCM', 32),
});

/** One item of a message body: a field and its width; strings are 64-byte ASCII fields. */
type Item = readonly [FieldDef, number];

const VERSION: Item = [F.protocol_version, 2];
const RESERVED2: Item = [F.reserved, 2];
const HOST: Item = [F.host_name, 64];
const VENDOR: Item = [F.vendor_name, 64];
const CAPABILITIES: Item[] = [
  [F.framing_capabilities, 4],
  [F.bearer_capabilities, 4],
  [F.maximum_channels, 2],
  [F.firmware_revision, 2],
  HOST,
  VENDOR,
];
const WINDOW: Item[] = [
  [F.packet_receive_window_size, 2],
  [F.packet_processing_delay, 2],
];

/** The body of each control message, in order (Wireshark's dissect_* functions). */
const BODIES = new Map<number, readonly Item[]>([
  [1, [VERSION, RESERVED2, ...CAPABILITIES]],
  [2, [VERSION, [F.control_result, 1], [F.error, 1], ...CAPABILITIES]],
  [3, [[F.reason, 1], [F.reserved, 1], RESERVED2]],
  [4, [[F.stop_result, 1], [F.error, 1], RESERVED2]],
  [5, [[F.identifier, 4]]],
  [6, [[F.identifier, 4], [F.echo_result, 1], [F.error, 1], RESERVED2]],
  [
    7,
    [
      [F.call_id, 2],
      [F.call_serial_number, 2],
      [F.minimum_bps, 4],
      [F.maximum_bps, 4],
      [F.bearer_type, 4],
      [F.framing_type, 4],
      ...WINDOW,
      [F.phone_number_length, 2],
      RESERVED2,
      [F.phone_number, 64],
      [F.subaddress, 64],
    ],
  ],
  [
    8,
    [
      [F.call_id, 2],
      [F.peer_call_id, 2],
      [F.out_result, 1],
      [F.error, 1],
      [F.cause, 2],
      [F.connect_speed, 4],
      ...WINDOW,
      [F.physical_channel_id, 4],
    ],
  ],
  [
    9,
    [
      [F.call_id, 2],
      [F.call_serial_number, 2],
      [F.bearer_type, 4],
      [F.physical_channel_id, 4],
      [F.dialed_number_length, 2],
      [F.dialing_number_length, 2],
      [F.dialed_number, 64],
      [F.dialing_number, 64],
      [F.subaddress, 64],
    ],
  ],
  [10, [[F.call_id, 2], [F.peer_call_id, 2], [F.in_result, 1], [F.error, 1], ...WINDOW, RESERVED2]],
  [11, [[F.peer_call_id, 2], RESERVED2, [F.connect_speed, 4], ...WINDOW, [F.framing_type, 4]]],
  [12, [[F.call_id, 2], RESERVED2]],
  [13, [[F.call_id, 2], [F.disc_result, 1], [F.error, 1], [F.cause, 2], RESERVED2, [F.call_Statistics, 64]]],
  [
    14,
    [
      [F.peer_call_id, 2],
      RESERVED2,
      [F.crc_errors, 4],
      [F.framing_errors, 4],
      [F.hardware_overruns, 4],
      [F.buffer_overruns, 4],
      [F.timeout_errors, 4],
      [F.alignment_errors, 4],
    ],
  ],
  [15, [[F.peer_call_id, 2], RESERVED2, [F.send_accm, 4], [F.receive_accm, 4]]],
]);

function dissectPptp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('pptp');
  pinfo.setProto('PPTP');
  if (pinfo.wantInfo) pinfo.setInfo('');
  const len = tvb.u16(o);
  const type = tvb.u16(o + 8);
  if (pinfo.wantInfo) pinfo.setInfo(CONTROL_TYPES.get(type) ?? `Unknown control type (${type})`);
  tree.push(F[''], tvb, o, len);
  tree.add(F.length, tvb, o, 2, len);
  tree.add(F.type, tvb, o + 2, 2, tvb.u16(o + 2));
  const cookie = tvb.u32(o + 4);
  const cookieText = `Magic Cookie: 0x${cookie.toString(16).padStart(8, '0')}`;
  if (cookie === MAGIC_COOKIE) {
    tree.add(F.magic_cookie, tvb, o + 4, 4, cookie);
    if (tree.full) tree.labelLast(`${cookieText} (correct)`);
  } else {
    tree.push(F.magic_cookie, tvb, o + 4, 4, cookie);
    if (tree.full) tree.label(`${cookieText} (incorrect)`);
    expert(pinfo, tree, tvb, o + 4, 4, 'Warning', 'Protocol', 'Incorrect Magic Cookie');
    tree.pop();
  }
  tree.add(F.control_message_type, tvb, o + 8, 2, type);
  addBytesItem(tvb, tree, F.reserved, o + 10, 2);
  const body = BODIES.get(type);
  if (body === undefined) {
    dissectData(tvb.sub(o + 12), pinfo, tree);
    tree.pop();
    return tvb.remaining(o);
  }
  let p = o + 12;
  for (const [def, width] of body) {
    if (width === 64) addAsciiString(tvb, p, 64, pinfo, tree, def);
    else if (def === F.reserved) addBytesItem(tvb, tree, def, p, width);
    else if (def === F.protocol_version) {
      tree.add(def, tvb, p, 2, tvb.u16(p));
      if (tree.full) tree.labelLast(`Protocol version: ${tvb.u8(p)}.${tvb.u8(p + 1)}`);
    } else tree.add(def, tvb, p, width, width === 1 ? tvb.u8(p) : width === 2 ? tvb.u16(p) : tvb.u32(p));
    p += width;
  }
  tree.pop();
  return tvb.remaining(o);
}

function addBytesItem(tvb: Tvb, tree: Tree, def: FieldDef, at: number, width: number): void {
  tvb.need(at, width);
  tree.add(def, tvb, at, width);
}

export const pptpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('tcpPort', PORT, dissectPptp);
  },
};
