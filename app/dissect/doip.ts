// Diagnostic communication over IP (ISO 13400) on UDP and TCP 13400, as tshark 4.0 shows it: the
// generic header (version, inverse version, payload type in Info, length) and the payload of each
// type; a diagnostic message's user data goes to UDS (uds.ts). Messages follow one another by their
// length, cut ones joined by TCP reassembly.
import { bytes, fields, FieldType, hex, names, proto, str, uint, type FieldDef } from './field.ts';
import { expert } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { tcpDissectPdus, type PduSpec } from './tcp-pdus.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { dissectUds } from './uds.ts';

const PORT = 13400;
const HEADER = 8;

const VERSIONS = names({
  0x00: 'Reserved',
  0x01: 'DoIP ISO/DIS 13400-2:2010',
  0x02: 'DoIP ISO 13400-2:2012',
  0x03: 'DoIP ISO 13400-2:2019',
  0x04: 'DoIP ISO 13400-2:2019 Amd1 (experimental)',
  0xff: 'Default value for vehicle identification request messages',
});
const PAYLOADS = names({
  0x0000: 'Generic DoIP header NACK',
  0x0001: 'Vehicle identification request',
  0x0002: 'Vehicle identification request with EID',
  0x0003: 'Vehicle identification request with VIN',
  0x0004: 'Vehicle announcement message/vehicle identification response message',
  0x0005: 'Routing activation request',
  0x0006: 'Routing activation response',
  0x0007: 'Alive check request',
  0x0008: 'Alive check response',
  0x4001: 'DoIP entity status request',
  0x4002: 'DoIP entity status response',
  0x4003: 'Diagnostic power mode information request',
  0x4004: 'Diagnostic power mode information response',
  0x8001: 'Diagnostic message',
  0x8002: 'Diagnostic message ACK',
  0x8003: 'Diagnostic message NACK',
});
const NACK_CODES = names({
  0x00: 'Incorrect pattern format',
  0x01: 'Unknown payload type',
  0x02: 'Message too large',
  0x03: 'Out of memory',
  0x04: 'Invalid payload length',
});
const ACTIVATION_TYPES = names({ 0x00: 'Default', 0x01: 'WWH-OBD', 0xe0: 'Central security' });
const reserved = (from: number, to: number, text: string): Record<number, string> =>
  Object.fromEntries(Array.from({ length: to - from + 1 }, (_, i) => [from + i, text]));
const ACTIVATION_CODES = names({
  0x00: 'Routing activation denied due to unknown source address.',
  0x01: 'Routing activation denied because all concurrently supported TCP_DATA sockets are registered and active.',
  0x02: 'Routing activation denied because an SA different from the table connection entry was received on the already activated TCP_DATA socket.',
  0x03: 'Routing activation denied because the SA is already registered and active on a different TCP_DATA socket.',
  0x04: 'Routing activation denied due to missing authentication.',
  0x05: 'Routing activation denied due to rejected confirmation.',
  0x06: 'Routing activation denied due to unsupported routing activation type.',
  0x07: 'Routing activation denied due to request for encrypted connection via TLS.',
  ...reserved(0x08, 0x0f, 'Reserved by ISO 13400.'),
  0x10: 'Routing successfully activated.',
  0x11: 'Routing will be activated; confirmation required.',
});
const ACTION_CODES = names({
  0x00: 'No further action required',
  ...reserved(0x01, 0x0f, 'Reserved by ISO 13400'),
  0x10: 'Routing activation required to initiate central security',
});
const SYNC_STATUS = names({
  0x00: 'VIN and/or GID are synchronized',
  ...reserved(0x01, 0x0f, 'Reserved by ISO 13400'),
  0x10: 'Incomplete: VIN and GID are NOT synchronized',
});
const NODE_TYPES = names({ 0x00: 'DoIP gateway', 0x01: 'DoIp node' });
const POWER_MODES = names({ 0x00: 'not ready', 0x01: 'ready', 0x02: 'not supported' });
const DIAG_ACK = names({ 0x00: 'ACK' });
const DIAG_NACK = names({
  ...reserved(0x00, 0x01, 'Reserved by ISO 13400'),
  0x02: 'Invalid source address',
  0x03: 'Unknown target address',
  0x04: 'Diagnostic message too large',
  0x05: 'Out of memory',
  0x06: 'Target unreachable',
  0x07: 'Unknown network',
  0x08: 'Transport protocol error',
});

export const F = fields('doip', {
  '': proto('DoIP (ISO13400) Protocol'),
  version: hex('Version', 8, { strings: VERSIONS }),
  inverse: hex('Inverse version', 8),
  type: hex('Type', 16, { strings: PAYLOADS }),
  length: uint('Length', 32),
  nack_code: hex('DoIP Header NACK code', 8, { strings: NACK_CODES }),
  vin: str('VIN'),
  logical_address: hex('Logical Address', 16),
  eid: bytes('EID'),
  gid: bytes('GID'),
  futher_action: hex('Further action required', 8, { strings: ACTION_CODES }),
  sync_status: hex('VIN/GID sync. status', 8, { strings: SYNC_STATUS }),
  power_mode: hex('Diagnostic power mode', 8, { strings: POWER_MODES }),
  node_type: hex('Node type', 8, { strings: NODE_TYPES }),
  max_sockets: uint('Max concurrent sockets', 8),
  sockets: uint('Currently open sockets', 8),
  max_data_size: uint('Max data size', 32),
  source_address: hex('Source Address', 16),
  target_address: hex('Target Address', 16),
  tester_logical_address: hex('Logical address of external tester', 16),
  response_code: hex('Routing activation response code', 8, { strings: ACTIVATION_CODES }),
  reserved_iso: hex('Reserved by ISO', 32),
  reserved_oem: hex('Reserved by OEM', 32),
  activation_type_v1: hex('Activation type', 16),
  activation_type: hex('Activation type', 8, { strings: ACTIVATION_TYPES }),
  data: bytes('User data'),
  diag_ack_code: hex('ACK code', 8, { strings: DIAG_ACK }),
  diag_nack_code: hex('NACK code', 8, { strings: DIAG_NACK }),
  previous: bytes('Previous message'),
});

const SUBTREE: FieldDef = { name: '', type: FieldType.None, abbrev: '', id: -1 };

export function dissectDoip(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  pinfo.layers.push('doip');
  return tcpDissectPdus(tvb, pinfo, tree, PDUS);
}

const PDUS: PduSpec = {
  fixed: HEADER,
  length(tvb, at) {
    // Not the start of a message when the inverse version does not match: Wireshark's length 1
    // (shorter than the header) makes it a bounds error.
    if (tvb.u8(at) !== (~tvb.u8(at + 1) & 0xff)) return 1;
    const n = tvb.u32(at + 4) + HEADER;
    return n > 0x7fffffff ? HEADER : n;
  },
  dissect: message,
  name: 'DoIP',
};

function message(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  const version = tvb.u8(o);
  const type = tvb.u16(o + 2);
  pinfo.setProto('DoIP');
  const valid = (version >= 1 && version <= 4) || (version === 0xff && type >= 0x0001 && type <= 0x0002);
  let info = valid
    ? (PAYLOADS.get(type) ?? `0x${type.toString(16).padStart(4, '0')} Unknown Payload`)
    : 'Invalid/unsupported DoIP version';
  if (pinfo.wantInfo) pinfo.setInfo(info);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  tree.push(SUBTREE, tvb, o, HEADER);
  if (tree.full) tree.label('Header');
  tree.add(F.version, tvb, o, 1, version);
  tree.add(F.inverse, tvb, o + 1, 1, tvb.u8(o + 1));
  tree.add(F.type, tvb, o + 2, 2, type);
  if (tree.full) {
    const n = PAYLOADS.get(type);
    const hex4 = type.toString(16).padStart(4, '0');
    tree.labelLast(`Type: ${n === undefined ? `Unknown (0x${hex4})` : `${n} (0x${hex4})`}`);
  }
  const len = tvb.u32(o + 4);
  tree.add(F.length, tvb, o + 4, 4, len);
  tree.pop();
  // Wireshark compares the payload length with the whole message's captured bytes.
  if (tvb.remaining(o) < len) {
    expert(pinfo, tree, tvb, o + 4, 4, 'Error', 'Malformed', 'DoIP illegal length field');
    info += ' [DoIP Length Field: Illegal Value]';
    if (pinfo.wantInfo) pinfo.setInfo(info);
  }
  let uds: Tvb | null = null;
  let source = 0;
  let target = 0;
  const p = o + HEADER;
  const u16 = (def: FieldDef, at: number): number => {
    const v = tvb.u16(at);
    tree.add(def, tvb, at, 2, v);
    return v;
  };
  const u8 = (def: FieldDef, at: number): void => tree.add(def, tvb, at, 1, tvb.u8(at));
  const u32 = (def: FieldDef, at: number): void => tree.add(def, tvb, at, 4, tvb.u32(at));
  const raw = (def: FieldDef, at: number, n: number): void => {
    tvb.need(at, n);
    tree.add(def, tvb, at, n);
  };
  const rest = (def: FieldDef, at: number): void => {
    const n = tvb.remaining(at);
    if (n > 0) tree.add(def, tvb, at, n);
  };
  switch (type) {
    case 0x0000:
      u8(F.nack_code, p);
      break;
    case 0x0002:
      raw(F.eid, p, 6);
      break;
    case 0x0003:
      tree.add(F.vin, tvb, p, 17, tvb.ascii(p, 17));
      break;
    case 0x0005:
      u16(F.source_address, p);
      if (version === 1) {
        u16(F.activation_type_v1, p + 2);
        u32(F.reserved_iso, p + 4);
        if (tvb.has(p + 8, 4)) u32(F.reserved_oem, p + 8);
      } else if (version === 2 || version === 3) {
        u8(F.activation_type, p + 2);
        u32(F.reserved_iso, p + 3);
        if (tvb.has(p + 7, 4)) u32(F.reserved_oem, p + 7);
      }
      break;
    case 0x0006:
      u16(F.tester_logical_address, p);
      u16(F.source_address, p + 2);
      u8(F.response_code, p + 4);
      u32(F.reserved_iso, p + 5);
      if (tvb.has(p + 9, 4)) u32(F.reserved_oem, p + 9);
      break;
    case 0x0004:
      tree.add(F.vin, tvb, p, 17, tvb.ascii(p, 17));
      u16(F.logical_address, p + 17);
      raw(F.eid, p + 19, 6);
      raw(F.gid, p + 25, 6);
      u8(F.futher_action, p + 31);
      if (tvb.has(p + 32, 1)) u8(F.sync_status, p + 32);
      break;
    case 0x0008:
      u16(F.source_address, p);
      break;
    case 0x4002:
      u8(F.node_type, p);
      u8(F.max_sockets, p + 1);
      u8(F.sockets, p + 2);
      if (tvb.has(p + 3, 4)) u32(F.max_data_size, p + 3);
      break;
    case 0x4004:
      u8(F.power_mode, p);
      break;
    case 0x8001:
      source = u16(F.source_address, p);
      target = u16(F.target_address, p + 2);
      uds = tvb.sub(p + 4);
      break;
    case 0x8002:
    case 0x8003:
      u16(F.source_address, p);
      u16(F.target_address, p + 2);
      u8(type === 0x8002 ? F.diag_ack_code : F.diag_nack_code, p + 4);
      rest(F.previous, p + 5);
      break;
  }
  tree.pop();
  // UDS takes the user data even when there is none (it then reads past the end).
  if (uds) dissectUds(uds, pinfo, tree, source, target);
}

export const doipModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', PORT, dissectDoip);
    reg.register('tcpPort', PORT, dissectDoip);
  },
};
