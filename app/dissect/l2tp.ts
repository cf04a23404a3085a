// L2TP: version 2 (RFC 2661) and version 3 (RFC 3931) on UDP 1701, version 3 on IP protocol 115,
// as tshark 4.0 shows them. Control messages carry AVPs (the IETF ones decoded; hidden ones show
// only their header); v2 data messages carry PPP, handed to the PPP dissector; v3 data messages
// show their session ID and their payload as data (Wireshark's default cookie and sublayer
// preferences, with no session learned from the signalling).
import { dissectData } from './data.ts';
import { ENTERPRISES } from './enterprises.ts';
import {
  bool,
  bytes,
  fields,
  FieldType,
  hex,
  names,
  proto,
  str,
  text,
  uint,
  type FieldDef,
} from './field.ts';
import { expertItem } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import { dissectPpp } from './ppp.ts';
import type { Registry } from './registry.ts';
import { NodeFlag, type FieldNode, type Tree } from './tree.ts';
import { addAsciiString, addBytes } from './tvb-items.ts';
import type { Tvb } from './tvb.ts';

const PORT = 1701;
const IP_PROTO_L2TP = 115;

const MESSAGE_TYPES = names({
  1: 'Start_Control_Request',
  2: 'Start_Control_Reply',
  3: 'Start_Control_Connected',
  4: 'Stop_Control_Notification',
  5: 'Reserved',
  6: 'Hello',
  7: 'Outgoing_Call_Request',
  8: 'Outgoing_Call_Reply',
  9: 'Outgoing_Call_Connected',
  10: 'Incoming_Call_Request',
  11: 'Incoming_Call_Reply',
  12: 'Incoming_Call_Connected',
  13: 'Reserved',
  14: 'Call_Disconnect_Notification',
  15: 'WAN_Error_Notify',
  16: 'Set_Link_Info',
  17: 'Modem_Status',
  18: 'Service_Relay_Request_Msg',
  19: 'Service_Relay_Reply_Message',
  20: 'Explicit_Acknowledgement',
  21: 'Failover_Session_Query_Message',
  22: 'Failover_Session_Response_Message',
  23: 'Multicast-Session-Request',
  24: 'Multicast-Session-Response',
  25: 'Multicast-Session-Establishment',
  26: 'Multicast-Session-Information',
  27: 'Multicast-Session-End-Notify',
  28: 'Connect-Speed-Update-Notification',
  29: 'Connect-Speed-Update-Request',
});

/** The short names the Info column shows. */
const SHORT_TYPES = names({
  1: 'SCCRQ',
  2: 'SCCRP',
  3: 'SCCCN',
  4: 'StopCCN',
  5: 'Reserved',
  6: 'Hello',
  7: 'OCRQ',
  8: 'OCRP',
  9: 'OCCN',
  10: 'ICRQ',
  11: 'ICRP',
  12: 'ICCN',
  13: 'Reserved',
  14: 'CDN',
  15: 'WEN',
  16: 'SLI',
  17: 'MDMST',
  18: 'SRRQ',
  19: 'SRRP',
  20: 'ACK',
  21: 'FSQ',
  22: 'FSR',
  23: 'MSRQ',
  24: 'MSRP',
  25: 'MSE',
  26: 'MSI',
  27: 'MSEN',
  28: 'CSUN',
  29: 'CSURQ',
});

const AVP_TYPES = names({
  0: 'Control Message',
  1: 'Result-Error Code',
  2: 'Protocol Version',
  3: 'Framing Capabilities',
  4: 'Bearer Capabilities',
  5: 'Tie Breaker',
  6: 'Firmware Revision',
  7: 'Host Name',
  8: 'Vendor Name',
  9: 'Assigned Tunnel ID',
  10: 'Receive Window Size',
  11: 'Challenge',
  12: 'Cause Code',
  13: 'Challenge Response',
  14: 'Assigned Session',
  15: 'Call Serial Number',
  16: 'Minimum BPS',
  17: 'Maximum BPS',
  18: 'Bearer Type',
  19: 'Framing Type',
  20: 'Reserved',
  21: 'Called Number',
  22: 'Calling Number',
  23: 'Sub-Address',
  24: 'Connect Speed',
  25: 'Physical Channel',
  26: 'Initial Received LCP CONFREQ',
  27: 'Last Sent LCP CONFREQ',
  28: 'Last Received LCP CONFREQ',
  29: 'Proxy Authen Type',
  30: 'Proxy Authen Name',
  31: 'Proxy Authen Challenge',
  32: 'Proxy Authen ID',
  33: 'Proxy Authen Response',
  34: 'Call status AVPs',
  35: 'ACCM',
  36: 'Random Vector',
  37: 'Private group ID',
  38: 'RxConnect Speed',
  39: 'Sequencing Required',
  46: 'PPP Disconnect Cause Code',
  58: 'Extended Vendor ID',
  59: 'Message Digest',
  60: 'Router ID',
  61: 'Assigned Control Connection ID',
  62: 'Pseudowire Capability List',
  63: 'Local Session ID',
  64: 'Remote Session ID',
  65: 'Assigned Cookie',
  66: 'Remote End ID',
  68: 'Pseudowire Type',
  69: 'Layer2 Specific Sublayer',
  70: 'Data Sequencing',
  71: 'Circuit Status',
  72: 'Preferred Language',
  73: 'Control Message Authentication Nonce',
  74: 'Tx Connect Speed Version 3',
  75: 'Rx Connect Speed Version 3',
  76: 'Failover Capability',
  77: 'Tunnel Recovery',
  78: 'Suggested Control Sequence',
  79: 'Failover Session State',
  80: 'Multicast Capability',
  81: 'New Outgoing Sessions',
  82: 'New Outgoing Sessions Acknowledgement',
  83: 'Withdraw Outgoing Sessions',
  84: 'Multicast Packets Priority',
  85: 'Frame-Relay Header Length',
  86: 'ATM Maximum Concatenated Cells',
  87: 'OAM Emulation Required',
  88: 'ATM Alarm Status',
  89: 'Attachment Group Identifier',
  90: 'Local End Identifier',
  91: 'Interface Maximum Transmission Unit',
  92: 'FCS Retention',
  93: 'Tunnel Switching Aggregator ID',
  94: 'Maximum Receive Unit (MRU)',
  95: 'Maximum Reassembled Receive Unit (MRRU)',
  96: 'VCCV Capability',
  97: 'Connect Speed Update',
  98: 'Connect Speed Update Enable',
  99: 'TDM Pseudowire',
  100: 'RTP AVP',
  101: 'PW Switching Point',
});

const PW_TYPES = names({
  0x01: 'Frame Relay DLCI',
  0x02: 'ATM AAL5 SDU VCC transport',
  0x03: 'ATM Cell transparent Port Mode',
  0x04: 'Ethernet VLAN',
  0x05: 'Ethernet',
  0x06: 'HDLC',
  0x07: 'PPP',
  0x09: 'ATM Cell transport VCC Mode',
  0x0a: 'ATM Cell transport VPC Mode',
  0x0b: 'IP Transport',
  0x0c: 'MPEG-TS Payload Type (MPTPW)',
  0x0d: 'Packet Streaming Protocol (PSPPW)',
  0x11: 'Structure-agnostic E1 circuit',
  0x12: 'Structure-agnostic T1 (DS1) circuit',
  0x13: 'Structure-agnostic E3 circuit',
  0x14: 'Structure-agnostic T3 (DS3) circuit',
  0x15: 'CESoPSN basic mode',
  0x16: 'Unassigned',
  0x17: 'CESoPSN TDM with CAS',
});

const RESULT_STOPCCN = names({
  0: 'Reserved',
  1: 'General request to clear control connection',
  2: 'General error, Error Code indicates the problem',
  3: 'Control connection already exists',
  4: 'Requester is not authorized to establish a control connection',
  5: 'The protocol version of the requester is not supported',
  6: 'Requester is being shut down',
  7: 'Finite state machine error or timeout',
  8: 'Control connection due to mismatching CCDS value',
});

const RESULT_CDN = names({
  0: 'Reserved',
  1: 'Session disconnected due to loss of carrier or circuit disconnect',
  2: 'Session disconnected for the reason indicated in Error Code',
  3: 'Session disconnected for administrative reasons',
  4: 'Appropriate facilities unavailable (temporary condition)',
  5: 'Appropriate facilities unavailable (permanent condition)',
  6: 'Invalid destination',
  7: 'Call failed due to no carrier detected',
  8: 'Call failed due to detection of a busy signal',
  9: 'Call failed due to lack of a dial tone',
  10: 'Call was not established within time allotted by LAC',
  11: 'Call was connected but no appropriate framing was detected',
  12: 'Disconnecting call due to mismatching SDS value',
  13: 'Session not established due to losing tie breaker',
  14: 'Session not established due to unsupported PW type',
  15: 'Session not established, sequencing required without valid L2-Specific Sublayer',
  16: 'Finite state machine error or timeout',
  17: 'FR PVC was deleted permanently (no longer provisioned) ',
  18: 'FR PVC has been INACTIVE for an extended period of time',
  19: 'Mismatched FR Header Length',
  20: 'HDLC Link was deleted permanently (no longer provisioned)',
  21: 'HDLC Link has been INACTIVE for an extended period of time',
  22: 'Session not established due to other LCCE can not support the OAM Cell Emulation',
  23: 'Mismatching interface MTU',
  24: 'Attempt to connect to non-existent forwarder',
  25: 'Attempt to connect to unauthorized forwarder',
  26: 'Loop Detected',
  27: 'Attachment Circuit bound to different PE',
  28: 'Attachment Circuit bound to different remote Attachment Circuit',
  29: 'Unassigned',
  30: 'Return code to indicate connection was refused because of TDM PW parameters. The error code indicates the problem.',
  31: 'Sequencing not supported',
});

const ERROR_CODES = names({
  0: 'No General Error',
  1: 'No control connection exists yet for this pair of LCCEs',
  2: 'Length is wrong',
  3: 'One of the field values was out of range',
  4: 'Insufficient resources to handle this operation now',
  5: 'Invalid Session ID',
  6: 'A generic vendor-specific error occurred',
  7: 'Try another',
  8: 'Receipt of an unknown AVP with the M bit set',
  9: 'Try another directed',
  10: 'Next hop unreachable',
  11: 'Next hop busy',
  12: 'TSA busy',
});

const AUTHEN_TYPES = names({
  0: 'Reserved',
  1: 'Textual username/password exchange',
  2: 'PPP CHAP',
  3: 'PPP PAP',
  4: 'No Authentication',
  5: 'Microsoft CHAP Version 1',
  6: 'Reserved',
  7: 'EAP',
});

const DATA_SEQUENCING = names({
  0: 'No incoming data packets require sequencing',
  1: 'Only non-IP data packets require sequencing',
  2: 'All incoming data packets require sequencing',
});

const L2_SUBLAYERS = names({
  0: 'No L2-Specific Sublayer',
  1: 'Default L2-Specific Sublayer present',
  2: 'ATM-Specific Sublayer present',
  3: 'MPT-Specific Sublayer',
  4: 'PSP-Specific Sublayer',
});

const DIRECTIONS = names({ 0: 'global error', 1: 'at peer', 2: 'at local' });

const TRUE_FALSE = ['True', 'False'] as const;

const VENDOR_CISCO = 9;
const CISCO_TYPES = names({
  0: 'Cisco ACK',
  1: 'Assigned Connection ID',
  2: 'Pseudowire Capabilities List',
  3: 'Local Session ID',
  4: 'Remote Session ID',
  5: 'Assigned Cookie',
  6: 'Remote End ID',
  7: 'Pseudowire Type',
  8: 'Circuit Status',
  9: 'Session Tie Breaker',
  10: 'Draft AVP Version',
  12: 'Message Digest',
  13: 'Control Message Authentication Nonce',
  14: 'Interface MTU',
});

export const F = fields('l2tp', {
  '': proto('Layer 2 Tunneling Protocol'),
  flags: hex('Flags', 16),
  type: uint('Type', 16, { mask: 0x8000, strings: names({ 0: 'Data Message', 1: 'Control Message' }) }),
  length_bit: bool('Length Bit', 16, 0x4000, {
    tf: ['Length field is present', 'Length field is not present'],
  }),
  seq_bit: bool('Sequence Bit', 16, 0x0800, {
    tf: ['Ns and Nr fields are present', 'Ns and Nr fields are not present'],
  }),
  offset_bit: bool('Offset bit', 16, 0x0200, {
    tf: ['Offset Size field is present', 'Offset size field is not present'],
  }),
  priority: bool('Priority', 16, 0x0100, { tf: ['This data message has priority', 'No priority'] }),
  version: uint('Version', 16, { mask: 0x000f }),
  length: uint('Length', 16),
  tunnel: uint('Tunnel ID', 16),
  session: uint('Session ID', 16),
  Ns: uint('Ns', 16),
  Nr: uint('Nr', 16),
  offset: uint('Offset', 16),
  offset_padding: text('Offset Padding'),
  zero_length_body_message: text('Zero Length Body message'),
  'avp.mandatory': bool('Mandatory', 16, 0x8000, { tf: TRUE_FALSE }),
  'avp.hidden': bool('Hidden', 16, 0x4000, { tf: TRUE_FALSE }),
  'avp.length': uint('Length', 16, { mask: 0x03ff }),
  'avp.vendor_id': uint('Vendor ID', 32, { strings: ENTERPRISES }),
  'avp.type': uint('AVP Type', 16, { strings: AVP_TYPES }),
  sid: hex('Session ID', 32),
  ccid: hex('Control Connection ID', 32),
  res: hex('Reserved', 16),
  'avp.message_type': uint('Message Type', 16, { strings: MESSAGE_TYPES }),
  result_code: uint('Result code', 16, { strings: RESULT_CDN }),
  'avp.error_code': uint('Error code', 16, { strings: ERROR_CODES }),
  'avp.error_message': str('Error Message'),
  'avp.protocol_version': uint('Version', 8),
  'avp.protocol_revision': uint('Revision', 8),
  'avp.async_framing_supported': bool('Async Framing Supported', 32, 0x2, { tf: TRUE_FALSE }),
  'avp.sync_framing_supported': bool('Sync Framing Supported', 32, 0x1, { tf: TRUE_FALSE }),
  'avp.analog_access_supported': bool('Analog Access Supported', 32, 0x2, { tf: TRUE_FALSE }),
  'avp.digital_access_supported': bool('Digital Access Supported', 32, 0x1, { tf: TRUE_FALSE }),
  tie_breaker: hex('Tie Breaker', 64),
  'avp.firmware_revision': uint('Firmware Revision', 16, { base: 'dec_hex' }),
  'avp.host_name': str('Host Name'),
  'avp.vendor_name': str('Vendor Name'),
  'avp.assigned_tunnel_id': uint('Assigned Tunnel ID', 16),
  'avp.receive_window_size': uint('Receive Window Size', 16),
  'avp.chap_challenge': bytes('CHAP Challenge'),
  'avp.cause_code': uint('Cause Code', 16),
  'avp.cause_msg': uint('Cause Msg', 8),
  'avp.advisory_msg': str('Advisory Msg'),
  'avp.chap_challenge_response': bytes('CHAP Challenge Response'),
  'avp.assigned_session_id': uint('Assigned Session ID', 16),
  'avp.call_serial_number': uint('Call Serial Number', 32),
  'avp.minimum_bps': uint('Minimum BPS', 32),
  'avp.maximum_bps': uint('Maximum BPS', 32),
  'avp.analog_bearer_type': bool('Analog Bearer Type', 32, 0x2, { tf: TRUE_FALSE }),
  'avp.digital_bearer_type': bool('Digital Bearer Type', 32, 0x1, { tf: TRUE_FALSE }),
  'avp.async_framing_type': bool('Async Framing Type', 32, 0x2, { tf: TRUE_FALSE }),
  'avp.sync_framing_type': bool('Sync Framing Type', 32, 0x1, { tf: TRUE_FALSE }),
  'avp.called_number': str('Called Number'),
  'avp.calling_number': str('Calling Number'),
  'avp.sub_address': str('Sub-Address'),
  'avp.connect_speed': uint('Connect Speed', 32),
  'avp.physical_channel': uint('Physical Channel', 32),
  'avp.initial_received_lcp_confreq': bytes('Initial Received LCP CONFREQ'),
  'avp.last_sent_lcp_confreq': bytes('Last Sent LCP CONFREQ'),
  'avp.last_received_lcp_confreq': bytes('Last Received LCP CONFREQ'),
  'avp.proxy_authen_type': uint('Proxy Authen Type', 16, { strings: AUTHEN_TYPES }),
  'avp.proxy_authen_name': str('Proxy Authen Name'),
  'avp.proxy_authen_challenge': bytes('Proxy Authen Challenge'),
  'avp.proxy_authen_id': uint('Proxy Authen ID', 8),
  'avp.proxy_authen_response': bytes('Proxy Authen Response'),
  'avp.crc_errors': uint('CRC Errors', 32),
  'avp.framing_errors': uint('Framing Errors', 32),
  'avp.hardware_overruns': uint('Hardware Overruns', 32),
  'avp.buffer_overruns': uint('Buffer Overruns', 32),
  'avp.time_out_errors': uint('Time-out Errors', 32),
  'avp.alignment_errors': uint('Alignment Errors', 32),
  'avp.send_accm': uint('Send ACCM', 32),
  'avp.receive_accm': uint('Receive ACCM', 32),
  'avp.random_vector': bytes('Random Vector'),
  'avp.private_group_id': bytes('Private Group ID'),
  'avp.rx_connect_speed': uint('Rx Connect Speed', 32),
  'avp.disconnect_code': uint('Disconnect Code', 16),
  'avp.control_protocol_number': uint('Control Protocol Number', 16),
  'avp.cause_code_direction': uint('Direction', 8, { strings: DIRECTIONS }),
  'avp.cause_code_message': str('Message'),
  'avp.message_digest': bytes('Message Digest'),
  'avp.router_id': uint('Router ID', 32),
  'avp.assigned_control_conn_id': uint('Assigned Control Connection ID', 32),
  'avp.pw_type': uint('PW Type', 16, { strings: PW_TYPES }),
  'avp.local_session_id': uint('Local Session ID', 32),
  'avp.remote_session_id': uint('Remote Session ID', 32),
  'avp.assigned_cookie': bytes('Assigned Cookie'),
  'avp.remote_end_id': str('Remote End ID'),
  'avp.pseudowire_type': uint('Pseudowire Type', 16, { strings: PW_TYPES }),
  'avp.layer2_specific_sublayer': uint('Layer2 Specific Sublayer', 16, { strings: L2_SUBLAYERS }),
  'avp.data_sequencing': uint('Data Sequencing', 16, { strings: DATA_SEQUENCING }),
  'avp.circuit_status': bool('Circuit Status', 16, 0x1, { tf: ['Up', 'Down'] }),
  'avp.circuit_type': bool('Circuit Type', 16, 0x2, { tf: ['New', 'Existing'] }),
  'avp.preferred_language': str('Preferred Language'),
  'avp.nonce': bytes('Nonce'),
  'avp.tx_connect_speed_v3': hex('Tx Connect Speed v3', 64),
  'avp.rx_connect_speed_v3': hex('Rx Connect Speed v3', 64),
  vendor_specific_avp_data: text('Vendor-Specific AVP data'),
  'avp.ciscotype': uint('Type', 16, { strings: CISCO_TYPES }),
  'cisco.assigned_control_connection_id': uint('Assigned Control Connection ID', 32),
  'cisco.pw_type': uint('PW Type', 16, { strings: PW_TYPES }),
  'cisco.local_session_id': uint('Local Session ID', 32),
  'cisco.remote_session_id': uint('Remote Session ID', 32),
  'cisco.assigned_cookie': bytes('Assigned Cookie'),
  'cisco.remote_end_id': str('Remote End ID'),
  'cisco.pseudowire_type': uint('Pseudowire Type', 16, { strings: PW_TYPES }),
  'cisco.circuit_status': bool('Circuit Status', 16, 0x1, { tf: ['Up', 'Down'] }),
  'cisco.circuit_type': bool('Circuit Type', 16, 0x2, { tf: ['New', 'Existing'] }),
  'cisco.tie_breaker': hex('Tie Breaker', 64),
  'cisco.draft_avp_version': uint('Draft AVP Version', 16),
  'cisco.message_digest': bytes('Message Digest'),
  'cisco.nonce': bytes('Nonce'),
  'cisco.interface_mtu': uint('Interface MTU', 16),
});

const IETF_STRINGS: Record<number, FieldDef> = {
  7: F['avp.host_name'],
  8: F['avp.vendor_name'],
  66: F['avp.remote_end_id'],
  72: F['avp.preferred_language'],
};
/** String AVPs Wireshark skips when empty. */
const OPTIONAL_STRINGS: Record<number, FieldDef> = {
  21: F['avp.called_number'],
  22: F['avp.calling_number'],
  23: F['avp.sub_address'],
  30: F['avp.proxy_authen_name'],
};
const IETF_BYTES: Record<number, FieldDef> = {
  11: F['avp.chap_challenge'],
  26: F['avp.initial_received_lcp_confreq'],
  27: F['avp.last_sent_lcp_confreq'],
  28: F['avp.last_received_lcp_confreq'],
  31: F['avp.proxy_authen_challenge'],
  33: F['avp.proxy_authen_response'],
  36: F['avp.random_vector'],
  37: F['avp.private_group_id'],
  59: F['avp.message_digest'],
  65: F['avp.assigned_cookie'],
  73: F['avp.nonce'],
};
/** Fixed-size integers: the field and its width in bytes. */
const IETF_INTS: Record<number, readonly [FieldDef, number]> = {
  6: [F['avp.firmware_revision'], 2],
  9: [F['avp.assigned_tunnel_id'], 2],
  10: [F['avp.receive_window_size'], 2],
  14: [F['avp.assigned_session_id'], 2],
  15: [F['avp.call_serial_number'], 4],
  16: [F['avp.minimum_bps'], 4],
  17: [F['avp.maximum_bps'], 4],
  24: [F['avp.connect_speed'], 4],
  25: [F['avp.physical_channel'], 4],
  29: [F['avp.proxy_authen_type'], 2],
  38: [F['avp.rx_connect_speed'], 4],
  60: [F['avp.router_id'], 4],
  61: [F['avp.assigned_control_conn_id'], 4],
  68: [F['avp.pseudowire_type'], 2],
  69: [F['avp.layer2_specific_sublayer'], 2],
  70: [F['avp.data_sequencing'], 2],
};
/** Two flags read from one 32-bit word (framing and bearer capabilities and types). */
const IETF_FLAG_PAIRS: Record<number, readonly [FieldDef, FieldDef]> = {
  3: [F['avp.async_framing_supported'], F['avp.sync_framing_supported']],
  4: [F['avp.analog_access_supported'], F['avp.digital_access_supported']],
  18: [F['avp.analog_bearer_type'], F['avp.digital_bearer_type']],
  19: [F['avp.async_framing_type'], F['avp.sync_framing_type']],
};

const CONTROL_MSG = 'Control Message';

/** A text-only subtree (an AVP, a list): no field of its own. */
const SUBTREE: FieldDef = { name: '', type: FieldType.None, abbrev: '', id: -1 };

/** L2TP over UDP 1701: version 2 or 3 by the header's version; any other version is not L2TP. */
function dissectL2tpUdp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  if (tvb.remaining(o) < 2) return 0;
  const control = tvb.u16(o);
  const version = control & 0xf;
  if (version !== 2 && version !== 3) return 0;
  pinfo.layers.push('l2tp');
  pinfo.setProto('L2TP');
  if (pinfo.wantInfo) pinfo.setInfo('');
  if (version === 3) {
    pinfo.setProto('L2TPv3');
    // Faults name the protocol, L2TP, not the column's L2TPv3.
    pinfo.currentProto = 'L2TP';
    if (control & 0x8000) v3Control(tvb, pinfo, tree, 0);
    else v3DataUdp(tvb, pinfo, tree);
    return tvb.reportedRemaining(o);
  }
  v2(tvb, pinfo, tree, control);
  return tvb.reportedRemaining(o);
}

/** L2TPv3 over IP: a session ID of 0 starts a control message, any other a data message. */
function dissectL2tpIp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('l2tp');
  pinfo.setProto('L2TPv3');
  pinfo.currentProto = 'L2TP';
  if (pinfo.wantInfo) pinfo.setInfo('');
  const sid = tvb.u32(o);
  if (sid === 0) v3Control(tvb, pinfo, tree, 4);
  else {
    tree.push(F[''], tvb, o, 4);
    if (tree.full) tree.label('Layer 2 Tunneling Protocol version 3');
    v3Data(tvb, pinfo, tree, o);
  }
  return tvb.remaining(o);
}

/** The layer cut to the header's Length when it has one (Wireshark's set_actual_length). */
function cut(tvb: Tvb, from: number, length: number): Tvb {
  const o = tvb.start;
  if (from + length >= tvb.reportedEnd) return tvb;
  tvb.claim(from + length - o);
  return tvb.sub(o, from + length - o);
}

function addFlags(tvb: Tvb, tree: Tree, at: number, control: number, v2Bits: boolean): void {
  tvb.need(at, 2);
  tree.push(F.flags, tvb, at, 2, control);
  if (tree.full) {
    let label = `Flags: 0x${control.toString(16).padStart(4, '0')}, Type: ${control & 0x8000 ? 'Control Message' : 'Data Message'}`;
    if (control & 0x4000) label += ', Length Bit';
    if (control & 0x0800) label += ', Sequence Bit';
    if (v2Bits && control & 0x0200) label += ', Offset bit';
    if (v2Bits && control & 0x0100) label += ', Priority';
    tree.label(label);
  }
  tree.add(F.type, tvb, at, 2, control >> 15);
  tree.add(F.length_bit, tvb, at, 2, (control & 0x4000) !== 0);
  tree.add(F.seq_bit, tvb, at, 2, (control & 0x0800) !== 0);
  if (v2Bits) {
    tree.add(F.offset_bit, tvb, at, 2, (control & 0x0200) !== 0);
    tree.add(F.priority, tvb, at, 2, (control & 0x0100) !== 0);
  }
  tree.add(F.version, tvb, at, 2, control & 0xf);
  tree.pop();
}

function v2(whole: Tvb, pinfo: PacketInfo, tree: Tree, control: number): void {
  const o = whole.start;
  const hasLength = (control & 0x4000) !== 0;
  let p = o + 2;
  let length = 0;
  if (hasLength) {
    length = whole.u16(p);
    p += 2;
  }
  const tid = whole.u16(p);
  const cid = whole.u16(p + 2);
  const isControl = (control & 0x8000) !== 0;
  const zlb = hasLength && length === 12;
  if (pinfo.wantInfo) {
    const ids = `(tunnel id=${tid}, session id=${cid})`;
    if (!isControl) pinfo.setInfo(`Data    Message            ${ids}`);
    else if (zlb) pinfo.setInfo(`${CONTROL_MSG} - ZLB      ${ids}`);
    else {
      const at = p + 4 + (control & 0x0800 ? 4 : 0);
      const avpType = whole.u16(at + 4);
      pinfo.setInfo(
        avpType === 0 ? `${CONTROL_MSG} - ${shortType(whole.u16(at + 6))} ${ids}` : `${CONTROL_MSG} ${ids}`,
      );
    }
  }
  const tvb = hasLength ? cut(whole, o, length) : whole;
  tree.push(F[''], tvb, o, tvb.remaining(o));
  addFlags(tvb, tree, o, control, true);
  p = o + 2;
  if (hasLength) {
    tree.add(F.length, tvb, p, 2, length);
    p += 2;
  }
  tree.add(F.tunnel, tvb, p, 2, tvb.u16(p));
  tree.add(F.session, tvb, p + 2, 2, tvb.u16(p + 2));
  p += 4;
  if (control & 0x0800) {
    tree.add(F.Ns, tvb, p, 2, tvb.u16(p));
    tree.add(F.Nr, tvb, p + 2, 2, tvb.u16(p + 2));
    p += 4;
  }
  if (control & 0x0200) {
    const size = tvb.u16(p);
    tree.add(F.offset, tvb, p, 2, size);
    p += 2;
    if (size !== 0) {
      tree.add(F.offset_padding, tvb, p, size);
      tvb.need(p, size);
      p += size;
    }
  }
  if (zlb) tree.add(F.zero_length_body_message, tvb, o, 0);
  if (!isControl) {
    tree.pop(p - o);
    if (tvb.reportedRemaining(p) > 0) dissectPpp(tvb.sub(p), pinfo, tree);
    return;
  }
  if (hasLength) controlAvps(tvb, pinfo, tree, p, o + length, { ccid: null });
  tree.pop();
}

function shortType(type: number): string {
  return SHORT_TYPES.get(type) ?? `Unknown (${type})`;
}

/** An L2TPv3 control message from its flags at `o + base` (base 4 over IP, after the zero session ID). */
function v3Control(whole: Tvb, pinfo: PacketInfo, tree: Tree, base: number): void {
  const o = whole.start;
  const control = whole.u16(o + base);
  const hasLength = (control & 0x4000) !== 0;
  let p = o + base + 2;
  let length = 0;
  if (hasLength) {
    length = whole.u16(p);
    p += 2;
  }
  const ccid = whole.u32(p);
  p += 4;
  const ccidText = `(ccid=0x${ccid.toString(16).toUpperCase().padStart(8, '0')})`;
  const zlb = hasLength && length === 12;
  if (zlb) {
    if (pinfo.wantInfo) pinfo.setInfo(`${CONTROL_MSG} - ZLB ${ccidText}`);
  } else {
    const at = p + (control & 0x0800 ? 4 : 0) + 2;
    const vendor = whole.u16(at);
    const avpType = whole.u16(at + 2);
    if (vendor === 0 && pinfo.wantInfo) {
      pinfo.setInfo(
        avpType === 0
          ? `${CONTROL_MSG} - ${shortType(whole.u16(at + 4))} ${ccidText}`
          : `${CONTROL_MSG} ${ccidText}`,
      );
    }
  }
  const tvb = hasLength ? cut(whole, o, length + base) : whole;
  tree.push(F[''], tvb, o, tvb.remaining(o));
  if (tree.full) tree.label('Layer 2 Tunneling Protocol version 3');
  if (base) tree.add(F.sid, tvb, o, 4, 0);
  addFlags(tvb, tree, o + base, control, false);
  p = o + base + 2;
  if (hasLength) {
    tree.add(F.length, tvb, p, 2, length);
    p += 2;
  }
  tree.add(F.ccid, tvb, p, 4, ccid);
  p += 4;
  if (control & 0x0800) {
    tree.add(F.Ns, tvb, p, 2, tvb.u16(p));
    tree.add(F.Nr, tvb, p + 2, 2, tvb.u16(p + 2));
    p += 4;
  }
  if (zlb) tree.add(F.zero_length_body_message, tvb, o, 0);
  else {
    // Wireshark peeks at the first AVP's type and message type here, whatever comes after.
    if (tvb.u16(p + 4) === 0) tvb.u16(p + 6);
  }
  if (hasLength) controlAvps(tvb, pinfo, tree, p, o + base + length, { ccid });
  tree.pop();
}

function v3DataUdp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  tree.push(F[''], tvb, o, 8);
  if (tree.full) tree.label('Layer 2 Tunneling Protocol version 3');
  addFlags(tvb, tree, o, tvb.u16(o), false);
  tree.add(F.res, tvb, o + 2, 2, tvb.u16(o + 2));
  v3Data(tvb, pinfo, tree, o + 4);
}

/**
 * The session header of a v3 data message (inside the open L2TP subtree, which it closes) and its
 * payload: with no cookie, no L2-specific sublayer and an unknown pseudowire type, as data.
 */
function v3Data(tvb: Tvb, pinfo: PacketInfo, tree: Tree, at: number): void {
  const sid = tvb.u32(at);
  if (pinfo.wantInfo) {
    pinfo.setInfo(`${pinfo.info}D[S:0x${sid.toString(16).toUpperCase().padStart(8, '0')}]`);
  }
  tree.add(F.sid, tvb, at, 4, sid);
  // Generated: the type the session is taken to be.
  tree.add(F['avp.pseudowire_type'], tvb, tvb.start, 0, 0, NodeFlag.Generated);
  if (tree.full) tree.labelLast('[Pseudowire Type: Unknown (0)]');
  tree.pop();
  const p = at + 4;
  pinfo.currentProto = '';
  if (tvb.remaining(p) === 0) return;
  dissectData(tvb.sub(p), pinfo, tree);
}

/** The AVPs of a control message from `at` to `end` (the header's Length). */
function controlAvps(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  at: number,
  end: number,
  info: ControlInfo,
): void {
  let p = at;
  let stopCcn = false;
  let lastAvp: FieldNode | null = null;
  while (p < end) {
    const word = tvb.u16(p);
    const avpLen = word & 0x3ff;
    const vendor = tvb.u16(p + 2);
    const type = tvb.u16(p + 4);
    if (avpLen < 6) {
      // Wireshark adds the note to the last AVP's subtree when there was one.
      if (lastAvp) tree.reopen(lastAvp);
      expertItem(pinfo, tree, tvb, p, 2, 'Warning', 'Malformed', `AVP length must be >= 6, got ${avpLen}`);
      if (lastAvp) tree.pop();
      return;
    }
    tvb.need(p, avpLen);
    tree.push(SUBTREE, tvb, p, avpLen);
    lastAvp = tree.current();
    const hidden = (word & 0x4000) !== 0;
    if (vendor !== 0) {
      const cisco = vendor === VENDOR_CISCO;
      if (tree.full) {
        const who = `Vendor ${ENTERPRISES.get(vendor) ?? 'Unknown'} (${vendor})`;
        tree.label(
          cisco ? `${who}: ${CISCO_TYPES.get(type) ?? `Unknown (${type})`} AVP` : `${who} AVP Type ${type}`,
        );
      }
      avpHeader(tvb, tree, p, word);
      if (!hidden) {
        tree.add(F['avp.vendor_id'], tvb, p + 2, 2, vendor);
        tree.add(cisco ? F['avp.ciscotype'] : F['avp.type'], tvb, p + 4, 2, type);
        // Vendor AVPs are read within their own length (Wireshark's AVP subset).
        if (cisco) ciscoAvp(tvb.sub(p, avpLen), pinfo, tree, type, p + 6, avpLen - 6, info);
        else vendorData(pinfo, tree, tvb, p + 6, avpLen - 6);
      }
      tree.pop();
      p += avpLen;
      continue;
    }
    if (tree.full) tree.label(`${AVP_TYPES.get(type) ?? `Unknown (${type})`} AVP`);
    avpHeader(tvb, tree, p, word);
    if (hidden) {
      tree.pop();
      p += avpLen;
      continue;
    }
    if (type === 58) {
      // Extended Vendor ID: a 4-byte vendor after 2 reserved bytes, then the next AVP follows
      // right after it, whatever the length said.
      tree.add(F['avp.vendor_id'], tvb, p + 4, 4, tvb.u32(p + 4));
      tree.pop();
      p += 8;
      continue;
    }
    tree.add(F['avp.vendor_id'], tvb, p + 2, 2, 0);
    tree.add(F['avp.type'], tvb, p + 4, 2, type);
    const v = p + 6;
    const len = avpLen - 6;
    if (type === 0) {
      const msg = tvb.u16(v);
      tree.add(F['avp.message_type'], tvb, v, 2, msg);
      if (msg === 4) stopCcn = true;
    } else ietfAvp(tvb, pinfo, tree, type, v, len, stopCcn);
    tree.pop();
    p += avpLen;
  }
}

/** Cisco's pre-RFC 3931 AVPs (vendor 9), as Wireshark's dissect_l2tp_cisco_avps. */
function ciscoAvp(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  type: number,
  v: number,
  len: number,
  info: ControlInfo,
): void {
  const u32 = (def: FieldDef): void => tree.add(def, tvb, v, 4, tvb.u32(v));
  const u16 = (def: FieldDef): void => tree.add(def, tvb, v, 2, tvb.u16(v));
  switch (type) {
    case 0:
      if (pinfo.wantInfo && info.ccid !== null) {
        pinfo.setInfo(`${CONTROL_MSG} - Cisco ACK (ccid=${info.ccid})`);
      }
      return;
    case 1:
      return u32(F['cisco.assigned_control_connection_id']);
    case 2:
      return pseudowireList(tvb, tree, v, len, F['cisco.pw_type']);
    case 3:
      return u32(F['cisco.local_session_id']);
    case 4:
      return u32(F['cisco.remote_session_id']);
    case 5:
      return addBytes(tvb, v, len, tree, F['cisco.assigned_cookie']);
    case 6:
      addAsciiString(tvb, v, len, pinfo, tree, F['cisco.remote_end_id']);
      return;
    case 7:
      return u16(F['cisco.pseudowire_type']);
    case 8: {
      const word = tvb.u16(v);
      tree.add(F['cisco.circuit_status'], tvb, v, 2, (word & 1) !== 0);
      tree.add(F['cisco.circuit_type'], tvb, v, 2, (word & 2) !== 0);
      return;
    }
    case 9:
      tree.add(F['cisco.tie_breaker'], tvb, v, 8, tvb.u64(v));
      return;
    case 10:
      return u16(F['cisco.draft_avp_version']);
    case 12:
      return addBytes(tvb, v, len, tree, F['cisco.message_digest']);
    case 13:
      return addBytes(tvb, v, len, tree, F['cisco.nonce']);
    case 14:
      // Wireshark reads the MTU over the AVP's whole value.
      tvb.need(v, len);
      tree.add(F['cisco.interface_mtu'], tvb, v, len, len === 1 ? tvb.u8(v) : tvb.u16(v));
      return;
    default:
      vendorData(pinfo, tree, tvb, v, len);
  }
}

/** What the AVPs of one message share: the v3 control connection ID (null for v2). */
interface ControlInfo {
  ccid: number | null;
}

/** A Pseudowire Capabilities List AVP's value: one pseudowire type per 2 bytes. */
function pseudowireList(tvb: Tvb, tree: Tree, v: number, len: number, type: FieldDef): void {
  tree.push(SUBTREE, tvb, v, len);
  if (tree.full) tree.label('Pseudowire Capabilities List');
  for (let q = v; q + 2 <= v + len; q += 2) tree.add(type, tvb, q, 2, tvb.u16(q));
  tree.pop();
}

function avpHeader(tvb: Tvb, tree: Tree, p: number, word: number): void {
  tree.add(F['avp.mandatory'], tvb, p, 2, (word & 0x8000) !== 0);
  tree.add(F['avp.hidden'], tvb, p, 2, (word & 0x4000) !== 0);
  tree.add(F['avp.length'], tvb, p, 2, word & 0x3ff);
}

function vendorData(pinfo: PacketInfo, tree: Tree, tvb: Tvb, at: number, len: number): void {
  expertItem(pinfo, tree, tvb, at, len, 'Warning', 'Undecoded', 'Vendor-Specific AVP data');
}

function ietfAvp(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  type: number,
  v: number,
  len: number,
  stopCcn: boolean,
): void {
  const int = IETF_INTS[type];
  if (int) {
    const [def, width] = int;
    tree.add(def, tvb, v, width, width === 2 ? tvb.u16(v) : tvb.u32(v));
    return;
  }
  const pair = IETF_FLAG_PAIRS[type];
  if (pair) {
    const word = tvb.u32(v);
    tree.add(pair[0], tvb, v, 4, (word & 2) !== 0);
    tree.add(pair[1], tvb, v, 4, (word & 1) !== 0);
    return;
  }
  const s = IETF_STRINGS[type] ?? (len > 0 ? OPTIONAL_STRINGS[type] : undefined);
  if (s) {
    addAsciiString(tvb, v, len, pinfo, tree, s);
    return;
  }
  if (OPTIONAL_STRINGS[type]) return;
  const b = IETF_BYTES[type];
  if (b) {
    addBytes(tvb, v, len, tree, b);
    return;
  }
  switch (type) {
    case 1: {
      if (len < 2) return;
      const result = tvb.u16(v);
      tree.add(F.result_code, tvb, v, 2, result);
      if (tree.full && stopCcn) {
        tree.labelLast(`Result code: ${RESULT_STOPCCN.get(result) ?? 'Unknown'} (${result})`);
      }
      if (len < 4) return;
      tree.add(F['avp.error_code'], tvb, v + 2, 2, tvb.u16(v + 2));
      if (len > 4) addAsciiString(tvb, v + 4, len - 4, pinfo, tree, F['avp.error_message']);
      return;
    }
    case 2:
      if (len < 1) return;
      tree.add(F['avp.protocol_version'], tvb, v, 1, tvb.u8(v));
      tree.add(F['avp.protocol_revision'], tvb, v + 1, 1, tvb.u8(v + 1));
      return;
    case 5:
      tree.add(F.tie_breaker, tvb, v, 8, tvb.u64(v));
      return;
    case 12:
      if (len < 2) return;
      tree.add(F['avp.cause_code'], tvb, v, 2, tvb.u16(v));
      if (len < 3) return;
      tree.add(F['avp.cause_msg'], tvb, v + 2, 1, tvb.u8(v + 2));
      if (len > 3) addAsciiString(tvb, v + 3, len - 3, pinfo, tree, F['avp.advisory_msg']);
      return;
    case 13:
      tree.add(F['avp.chap_challenge_response'], tvb, v, 16);
      tvb.need(v, 16);
      return;
    case 32:
      tree.add(F['avp.proxy_authen_id'], tvb, v + 1, 1, tvb.u8(v + 1));
      return;
    case 34:
      counters(tvb, tree, v, len, [
        F['avp.crc_errors'],
        F['avp.framing_errors'],
        F['avp.hardware_overruns'],
        F['avp.buffer_overruns'],
        F['avp.time_out_errors'],
        F['avp.alignment_errors'],
      ]);
      return;
    case 35:
      counters(tvb, tree, v, len, [F['avp.send_accm'], F['avp.receive_accm']]);
      return;
    case 46:
      if (len < 2) return;
      tree.add(F['avp.disconnect_code'], tvb, v, 2, tvb.u16(v));
      if (len < 4) return;
      tree.add(F['avp.control_protocol_number'], tvb, v + 2, 2, tvb.u16(v + 2));
      if (len < 5) return;
      tree.add(F['avp.cause_code_direction'], tvb, v + 4, 1, tvb.u8(v + 4));
      if (len > 5) addAsciiString(tvb, v + 5, len - 5, pinfo, tree, F['avp.cause_code_message']);
      return;
    case 62:
      return pseudowireList(tvb, tree, v, len, F['avp.pw_type']);
    case 63:
    case 64: {
      const id = tvb.u32(v);
      tree.add(type === 63 ? F['avp.local_session_id'] : F['avp.remote_session_id'], tvb, v, 4, id);
      if (pinfo.wantInfo) {
        const sep = pinfo.info ? ', ' : '';
        pinfo.setInfo(`${pinfo.info}${sep}${type === 63 ? 'LSID' : 'RSID'}: ${String(id).padStart(2)}`);
      }
      return;
    }
    case 71: {
      const word = tvb.u16(v);
      tree.add(F['avp.circuit_status'], tvb, v, 2, (word & 1) !== 0);
      tree.add(F['avp.circuit_type'], tvb, v, 2, (word & 2) !== 0);
      return;
    }
    case 74:
    case 75:
      if (len < 8) return;
      tree.add(
        type === 74 ? F['avp.tx_connect_speed_v3'] : F['avp.rx_connect_speed_v3'],
        tvb,
        v,
        8,
        tvb.u64(v),
      );
      return;
    default:
      if (len > 0) vendorData(pinfo, tree, tvb, v, len);
  }
}

/** Call status and ACCM: 2 reserved bytes, then 32-bit counters as far as the AVP goes. */
function counters(tvb: Tvb, tree: Tree, v: number, len: number, defs: readonly FieldDef[]): void {
  if (len < 2) return;
  let q = v + 2;
  let left = len - 2;
  for (const def of defs) {
    if (left < 4) return;
    tree.add(def, tvb, q, 4, tvb.u32(q));
    q += 4;
    left -= 4;
  }
}

export const l2tpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', PORT, dissectL2tpUdp);
    reg.register('ipProto', IP_PROTO_L2TP, dissectL2tpIp);
  },
};
