// SMB2/SMB3 (MS-SMB2) as tshark 4.0 shows it: the sync/async header, compounded messages, the
// transform header of encrypted messages (shown, not decrypted: no keys) and the compression
// transform header, and the fixed parts of each command with the Info words Wireshark appends
// (tree and file names, read/write lengths, info classes). Requests are paired with responses by
// message id per conversation; tree and file names are remembered per session for later Info.
import {
  bool,
  bytes,
  fields,
  hex,
  names,
  proto,
  str,
  text,
  uint,
  FieldType,
  type FieldDef,
} from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import { FrameMap } from './frame-map.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { formatAbsoluteUtc, formatDelta } from '../format/time.ts';
import { dissectData } from './data.ts';
import { dissectGssapi } from './gssapi.ts';
import { ntlmsspAuthIn, type NtlmAuth } from './ntlmssp.ts';

const CMD_NAMES = [
  'Negotiate Protocol', 'Session Setup', 'Session Logoff', 'Tree Connect', 'Tree Disconnect', 'Create',
  'Close', 'Flush', 'Read', 'Write', 'Lock', 'Ioctl', 'Cancel', 'KeepAlive', 'Find', 'Notify', 'GetInfo',
  'SetInfo', 'Break',
]; // prettier-ignore

/** Wireshark's smb2_cmd_vals text (`unknown-0x13` past the known ones). */
function cmdName(cmd: number): string {
  if (cmd > 0xff) return 'unknown';
  return CMD_NAMES[cmd] ?? `unknown-0x${cmd.toString(16).toUpperCase().padStart(2, '0')}`;
}
const CMDS = new Map<number, string>(Array.from({ length: 256 }, (_, i) => [i, cmdName(i)]));

const DIALECTS = names({
  0x0202: 'SMB 2.0.2', 0x0210: 'SMB 2.1', 0x02ff: 'SMB2 wildcard',
  0x0222: 'SMB 2.2.2 (deprecated; should be 3.0)', 0x0224: 'SMB 2.2.4 (deprecated; should be 3.0)',
  0x0300: 'SMB 3.0', 0x0302: 'SMB 3.0.2', 0x0310: 'SMB 3.1.0 (deprecated; should be 3.1.1)',
  0x0311: 'SMB 3.1.1',
}); // prettier-ignore
const CONTEXT_TYPES = names({
  1: 'SMB2_PREAUTH_INTEGRITY_CAPABILITIES', 2: 'SMB2_ENCRYPTION_CAPABILITIES',
  3: 'SMB2_COMPRESSION_CAPABILITIES', 5: 'SMB2_NETNAME_NEGOTIATE_CONTEXT_ID',
  6: 'SMB2_TRANSPORT_CAPABILITIES', 7: 'SMB2_RDMA_TRANSFORM_CAPABILITIES', 8: 'SMB2_SIGNING_CAPABILITIES',
  0x100: 'SMB2_POSIX_EXTENSIONS_CAPABILITIES',
}); // prettier-ignore
const HASH_ALGS = names({ 1: 'SHA-512' });
const CIPHERS = names({ 1: 'AES-128-CCM', 2: 'AES-128-GCM', 3: 'AES-256-CCM', 4: 'AES-256-GCM' });
const SIGNING_ALGS = names({ 0: 'HMAC-SHA256', 1: 'AES-CMAC', 2: 'AES-GMAC' });
const COMP_ALGS = names({ 0: 'None', 1: 'LZNT1', 2: 'LZ77', 3: 'LZ77+Huffman', 4: 'Pattern_V1' });
const COMP_FLAGS = names({ 0: 'None', 1: 'Chained' });
const SHARE_TYPES = names({ 1: 'Physical disk', 2: 'Named pipe', 3: 'Printer' });
const OPLOCKS = names({
  0: 'No oplock',
  1: 'Level2 oplock',
  8: 'Exclusive oplock',
  9: 'Batch oplock',
  0xff: 'Lease',
});
const DISPOSITIONS = names({
  0: 'Supersede (supersede existing file (if it exists))',
  1: 'Open (if file exists open it, else fail)',
  2: 'Create (if file exists fail, else create it)',
  3: 'Open If (if file exists open it, else create it)',
  4: 'Overwrite (if file exists overwrite, else fail)',
  5: 'Overwrite If (if file exists overwrite, else create it)',
});
const IMPERSONATION = names({ 0: 'Anonymous', 1: 'Identification', 2: 'Impersonation', 3: 'Delegation' });
const CREATE_ACTIONS = names({
  0: 'No action taken?', 1: 'The file existed and was opened', 2: 'The file did not exist but was created',
  3: 'The file existed and was truncated',
  0x8001: 'The file existed and was opened, and an OpLock was granted',
  0x8002: 'The file did not exist but was created, and an OpLock was granted',
  0x8003: 'The file existed and was truncated, and an OpLock was granted',
}); // prettier-ignore
const CLASSES = names({ 1: 'FILE_INFO', 2: 'FS_INFO', 3: 'SEC_INFO', 4: 'QUOTA_INFO' });
const FILE_LEVELS = names({
  0x04: 'SMB2_FILE_BASIC_INFO', 0x05: 'SMB2_FILE_STANDARD_INFO', 0x06: 'SMB2_FILE_INTERNAL_INFO',
  0x07: 'SMB2_FILE_EA_INFO', 0x08: 'SMB2_FILE_ACCESS_INFO', 0x0a: 'SMB2_FILE_RENAME_INFO',
  0x0d: 'SMB2_FILE_DISPOSITION_INFO', 0x0e: 'SMB2_FILE_POSITION_INFO', 0x0f: 'SMB2_FILE_FULL_EA_INFO',
  0x10: 'SMB2_FILE_MODE_INFO', 0x11: 'SMB2_FILE_ALIGNMENT_INFO', 0x12: 'SMB2_FILE_ALL_INFO',
  0x13: 'SMB2_FILE_ALLOCATION_INFO', 0x14: 'SMB2_FILE_ENDOFFILE_INFO', 0x15: 'SMB2_FILE_ALTERNATE_NAME_INFO',
  0x16: 'SMB2_FILE_STREAM_INFO', 0x17: 'SMB2_FILE_PIPE_INFO', 0x1c: 'SMB2_FILE_COMPRESSION_INFO',
  0x22: 'SMB2_FILE_NETWORK_OPEN_INFO', 0x23: 'SMB2_FILE_ATTRIBUTE_TAG_INFO', 0x30: 'SMB2_FILE_NORMALIZED_NAME_INFO',
  0x64: 'SMB2_FILE_POSIX_INFO',
}); // prettier-ignore
const FS_LEVELS = names({
  0x01: 'SMB2_FS_INFO_01', 0x03: 'SMB2_FS_INFO_03', 0x04: 'SMB2_FS_INFO_04', 0x05: 'SMB2_FS_INFO_05',
  0x06: 'SMB2_FS_INFO_06', 0x07: 'SMB2_FS_INFO_07', 0x08: 'SMB2_FS_OBJECTID_INFO', 0x0b: 'SMB2_FS_SECTOR_SIZE_INFO',
  0x64: 'SMB2_FS_POSIX_INFO',
}); // prettier-ignore
const SEC_LEVELS = names({ 0: 'SMB2_SEC_INFO_00' });
const QUOTA_LEVELS = names({ 0: 'SMB2_FILE_QUOTA_INFO' });
const FIND_LEVELS = names({
  1: 'SMB2_FIND_DIRECTORY_INFO', 2: 'SMB2_FIND_FULL_DIRECTORY_INFO', 3: 'SMB2_FIND_BOTH_DIRECTORY_INFO',
  4: 'SMB2_FIND_INDEX_SPECIFIED', 12: 'SMB2_FIND_NAME_INFO', 37: 'SMB2_FIND_ID_BOTH_DIRECTORY_INFO',
  38: 'SMB2_FIND_ID_FULL_DIRECTORY_INFO', 100: 'SMB2_FIND_POSIX_INFO',
}); // prettier-ignore
/** The FSCTLs Info names (a common subset of Wireshark's smb2_ioctl_vals). */
const IOCTLS = names({
  0x00060194: 'FSCTL_DFS_GET_REFERRALS', 0x000601b0: 'FSCTL_DFS_GET_REFERRALS_EX',
  0x0011c017: 'FSCTL_PIPE_TRANSCEIVE', 0x00110018: 'FSCTL_PIPE_WAIT', 0x0011400c: 'FSCTL_PIPE_PEEK',
  0x00140078: 'FSCTL_SRV_REQUEST_RESUME_KEY', 0x001401d4: 'FSCTL_LMR_REQUEST_RESILIENCY',
  0x001401fc: 'FSCTL_QUERY_NETWORK_INTERFACE_INFO', 0x00140204: 'FSCTL_VALIDATE_NEGOTIATE_INFO',
  0x00144064: 'FSCTL_SRV_ENUMERATE_SNAPSHOTS', 0x001440f2: 'FSCTL_SRV_COPYCHUNK',
  0x001441bb: 'FSCTL_SRV_READ_HASH', 0x001480f2: 'FSCTL_SRV_COPYCHUNK_WRITE',
  0x000900a4: 'FSCTL_SET_REPARSE_POINT', 0x000900a8: 'FSCTL_GET_REPARSE_POINT',
  0x0009009c: 'FSCTL_GET_OBJECT_ID', 0x000900c4: 'FSCTL_SET_SPARSE', 0x000980c8: 'FSCTL_SET_ZERO_DATA',
  0x000940cf: 'FSCTL_QUERY_ALLOCATED_RANGES', 0x0009c040: 'FSCTL_SET_COMPRESSION',
  0x0009003c: 'FSCTL_GET_COMPRESSION', 0x00090300: 'FSCTL_QUERY_SHARED_VIRTUAL_DISK_SUPPORT',
  0x00098344: 'FSCTL_DUPLICATE_EXTENTS_TO_FILE', 0x00090284: 'FSCTL_FILE_LEVEL_TRIM',
  0x00090064: 'FSCTL_GET_NTFS_VOLUME_DATA', 0x000900c0: 'FSCTL_CREATE_OR_GET_OBJECT_ID',
}); // prettier-ignore

export const F = fields('smb2', {
  '': proto('SMB2 (Server Message Block Protocol version 2)'),
  _header: text('SMB2 Header'),
  protocol_id: hex('ProtocolId', 32),
  header_len: uint('Header Length', 16),
  'credit.charge': uint('Credit Charge', 16),
  nt_status: hex('NT Status', 32),
  channel_sequence: uint('Channel Sequence', 16),
  reserved: bytes('Reserved'),
  cmd: uint('Command', 16, { strings: CMDS }),
  'credits.requested': uint('Credits requested', 16),
  'credits.granted': uint('Credits granted', 16),
  flags: hex('Flags', 32),
  'flags.response': bool('Response', 32, 0x1, { tf: ['This is a RESPONSE', 'This is a REQUEST'] }),
  'flags.async': bool('Async command', 32, 0x2, {
    tf: ['This is an ASYNC command', 'This is a SYNC command'],
  }),
  'flags.chained': bool('Chained', 32, 0x4, {
    tf: ['This pdu is a CHAINED command', 'This pdu is NOT a chained command'],
  }),
  'flags.signature': bool('Signing', 32, 0x8, { tf: ['This pdu is SIGNED', 'This pdu is NOT signed'] }),
  'flags.priority_mask': bool('Priority', 32, 0x70, {
    tf: ['This pdu contains a PRIORITY', 'This pdu does NOT contain a PRIORITY'],
  }),
  'flags.dfs': bool('DFS operation', 32, 0x10000000, {
    tf: ['This is a DFS OPERATION', 'This is a normal operation'],
  }),
  'flags.replay': bool('Replay operation', 32, 0x20000000, {
    tf: ['This is a REPLAY OPERATION', 'This is NOT a replay operation'],
  }),
  chain_offset: hex('Chain Offset', 32),
  msg_id: { name: 'Message ID', type: FieldType.UInt, base: 'dec', bits: 64 },
  pid: hex('Process Id', 32),
  tid: hex('Tree Id', 32),
  aid: hex('Async Id', 64),
  sesid: hex('Session Id', 64),
  signature: bytes('Signature'),
  tree: str('Tree'),
  share_type: hex('Share Type', 8, { strings: SHARE_TYPES }),
  tcon_frame: uint('Connected in Frame', 32),
  acct: str('Account', { generated: true }),
  domain: str('Domain', { generated: true }),
  host: str('Host', { generated: true }),
  auth_frame: uint('Authenticated in Frame', 32, { generated: true }),
  response_in: { name: 'Response in', type: FieldType.FrameNum, generated: true },
  response_to: { name: 'Response to', type: FieldType.FrameNum, generated: true },
  time: { name: 'Time from request', type: FieldType.RelTime, generated: true, unit: 'seconds' },
  _command: text('Command'),
  buffer_code: hex('StructureSize', 16),
  'buffer_code.length': uint('Fixed Part Length', 16, { mask: 0xfffe }),
  'buffer_code.dynamic': bool('Dynamic Part', 16, 0x0001, { tf: ['True', 'False'] }),
  // Transform headers.
  'header.transform.signature': bytes('Signature'),
  'header.transform.nonce': bytes('Nonce'),
  'header.transform.msg_size': uint('Message size', 32),
  'header.transform.reserved': bytes('Reserved'),
  'header.transform.flags': hex('Flags', 16),
  'header.transform.flags.encrypted': bool('Encrypted', 16, 0x0001, { tf: ['True', 'False'] }),
  'header.transform.enc_data': bytes('Data'),
  _encrypted: text('Encrypted SMB3 data'),
  'header.comp_transform.original_size': uint('OriginalSize', 32),
  'header.comp_transform.comp_alg': hex('CompressionAlgorithm', 16, { strings: COMP_ALGS }),
  'header.comp_transform.flags': hex('Flags', 16, { strings: COMP_FLAGS }),
  'header.comp_transform.offset': hex('Offset', 32),
  'header.comp_transform.length': hex('Length', 32),
  'header.comp_transform.data': bytes('CompressedData'),
  'header.comp_transform.orig_payload_size': uint('OriginalPayloadSize', 32),
  _comp_payload: text('COMPRESSION_PAYLOAD_HEADER'),
  _compressed: text('Compressed SMB3 data'),
  'pattern_v1.pattern': hex('Pattern', 8),
  'pattern_v1.reserved1': hex('Reserved1', 8),
  'pattern_v1.reserved2': hex('Reserved2', 16),
  'pattern_v1.repetitions': uint('Repetitions', 32),
  // Error response.
  'error.context_count': uint('Error Context Count', 8),
  'error.reserved': hex('Reserved', 8),
  'error.byte_count': uint('Byte Count', 32),
  'error.data': bytes('Error Data'),
  // Negotiate.
  dialect_count: uint('Dialect count', 16),
  sec_mode: hex('Security mode', 8),
  'sec_mode.sign_enabled': bool('Signing enabled', 8, 0x01, { tf: ['True', 'False'] }),
  'sec_mode.sign_required': bool('Signing required', 8, 0x02, { tf: ['True', 'False'] }),
  capabilities: hex('Capabilities', 32),
  'capabilities.dfs': bool('DFS', 32, 0x01, {
    tf: ['This host supports DFS', 'This host does NOT support DFS'],
  }),
  'capabilities.leasing': bool('LEASING', 32, 0x02, {
    tf: ['This host supports LEASING', 'This host does NOT support LEASING'],
  }),
  'capabilities.large_mtu': bool('LARGE MTU', 32, 0x04, {
    tf: ['This host supports LARGE_MTU', 'This host does NOT support LARGE_MTU'],
  }),
  'capabilities.multi_channel': bool('MULTI CHANNEL', 32, 0x08, {
    tf: ['This host supports MULTI CHANNEL', 'This host does NOT support MULTI CHANNEL'],
  }),
  'capabilities.persistent_handles': bool('PERSISTENT HANDLES', 32, 0x10, {
    tf: ['This host supports PERSISTENT HANDLES', 'This host does NOT support PERSISTENT HANDLES'],
  }),
  'capabilities.directory_leasing': bool('DIRECTORY LEASING', 32, 0x20, {
    tf: ['This host supports DIRECTORY LEASING', 'This host does NOT support DIRECTORY LEASING'],
  }),
  'capabilities.encryption': bool('ENCRYPTION', 32, 0x40, {
    tf: ['This host supports ENCRYPTION', 'This host does NOT support ENCRYPTION'],
  }),
  client_guid: str('Client Guid'),
  server_guid: str('Server Guid'),
  'negotiate_context.offset': hex('NegotiateContextOffset', 32),
  'negotiate_context.count': uint('NegotiateContextCount', 16),
  dialect: hex('Dialect', 16, { strings: DIALECTS }),
  _context: text('Negotiate Context'),
  'negotiate_context.type': hex('Type', 16, { strings: CONTEXT_TYPES }),
  'negotiate_context.data_length': uint('DataLength', 16),
  'negotiate_context.hash_alg_count': uint('HashAlgorithmCount', 16),
  'negotiate_context.salt_length': uint('SaltLength', 16),
  'negotiate_context.hash_algorithm': hex('HashAlgorithm', 16, { strings: HASH_ALGS }),
  'negotiate_context.salt': bytes('Salt'),
  'negotiate_context.cipher_count': uint('CipherCount', 16),
  'negotiate_context.cipher_id': hex('CipherId', 16, { strings: CIPHERS }),
  'negotiate_context.comp_alg_count': uint('CompressionAlgorithmCount', 16),
  'negotiate_context.comp_alg_flags': hex('Flags', 32),
  'negotiate_context.comp_alg_flags.chained': bool('Chained', 32, 0x1, { tf: ['True', 'False'] }),
  'negotiate_context.comp_alg_flags.reserved': hex('Reserved', 32, { mask: 0xfffffffe }),
  'negotiate_context.comp_alg_id': hex('CompressionAlgorithmId', 16, { strings: COMP_ALGS }),
  'negotiate_context.netname': str('Netname'),
  'negotiate_context.signing_alg_count': uint('SigningAlgorithmCount', 16),
  'negotiate_context.signing_id': hex('SigningAlgorithmId', 16, { strings: SIGNING_ALGS }),
  'negotiate_context.posix_reserved': bytes('POSIX Reserved'),
  'negotiate_context.data': bytes('Unknown'),
  max_trans_size: uint('Max Transaction Size', 32),
  max_read_size: uint('Max Read Size', 32),
  max_write_size: uint('Max Write Size', 32),
  current_time: { name: 'Current Time', type: FieldType.AbsTime },
  boot_time: { name: 'Boot Time', type: FieldType.AbsTime },
  'olb.offset': hex('Blob Offset', 32),
  'olb.length': uint('Blob Length', 32),
  security_blob: bytes('Security Blob'),
  // Session setup.
  ses_req_flags: uint('Flags', 8),
  'ses_req_flags.session_binding': bool('Session Binding Request', 8, 0x01, { tf: ['True', 'False'] }),
  channel: hex('Channel', 32, { strings: names({ 0: 'None', 1: 'RDMA V1', 2: 'RDMA V1_INVALIDATE' }) }),
  previous_sesid: hex('Previous Session Id', 64),
  session_flags: hex('Session Flags', 16),
  'ses_flags.guest': bool('Guest', 16, 0x0001, { tf: ['True', 'False'] }),
  'ses_flags.null': bool('Null', 16, 0x0002, { tf: ['True', 'False'] }),
  'ses_flags.encrypt': bool('Encrypt', 16, 0x0004, { tf: ['True', 'False'] }),
  // Tree connect.
  'tree_connect.flags': hex('Flags', 16),
  share_flags: hex('Share flags', 32),
  share_caps: hex('Share Capabilities', 32),
  // Create.
  'create.oplock': hex('Oplock', 8, { strings: OPLOCKS }),
  'impersonation.level': uint('Impersonation level', 32, { strings: IMPERSONATION }),
  create_flags: hex('Create Flags', 64),
  'create.disposition': uint('Disposition', 32, { strings: DISPOSITIONS }),
  filename: str('Filename'),
  'create.extrainfo': text('ExtraInfo'),
  'create.rep_flags': hex('Response Flags', 8),
  'create.action': uint('Create Action', 32, { strings: CREATE_ACTIONS }),
  'create.time': { name: 'Create', type: FieldType.AbsTime },
  'last_access.time': { name: 'Last Access', type: FieldType.AbsTime },
  'last_write.time': { name: 'Last Write', type: FieldType.AbsTime },
  'last_change.time': { name: 'Last Change', type: FieldType.AbsTime },
  allocation_size: { name: 'Allocation Size', type: FieldType.UInt, base: 'dec', bits: 64 },
  eof: { name: 'End Of File', type: FieldType.UInt, base: 'dec', bits: 64 },
  file_attribute: hex('File Attributes', 32),
  fid: str('File Id'),
  // Close, flush, read, write.
  'close.flags': hex('Close Flags', 16),
  read_padding: hex('Padding', 8),
  read_flags: hex('Flags', 8),
  read_length: uint('Read Length', 32),
  file_offset: { name: 'File Offset', type: FieldType.UInt, base: 'dec', bits: 64 },
  min_count: uint('Min Count', 32),
  read_remaining: uint('Read Remaining', 32),
  data_offset: hex('Data Offset', 16),
  read_data: bytes('Read Data'),
  'read.blob': bytes('Info'),
  channel_info_blob: text('Channel Info Blob'),
  write_length: uint('Write Length', 32),
  'write.flags': hex('Write Flags', 32),
  remaining_bytes: uint('Remaining Bytes', 32),
  channel_info_offset: uint('Channel Info Offset', 16),
  write_data: bytes('Write Data'),
  'write.count': uint('Write Count', 32),
  'write.remaining': uint('Write Remaining', 32),
  // Lock.
  lock_count: uint('Lock Count', 16),
  lock_sequence_number: uint('Lock Sequence Number', 32, { mask: 0x0000000f }),
  lock_info: text('Lock Info'),
  lock_length: { name: 'Length', type: FieldType.UInt, base: 'dec', bits: 64 },
  lock_flags: hex('Flags', 32),
  // Ioctl.
  'ioctl.function': hex('Function', 32),
  'ioctl.flags': hex('Flags', 32),
  'ioctl.in': text('In Data'),
  'ioctl.out': text('Out Data'),
  max_ioctl_in_size: uint('Max Ioctl In Size', 32),
  max_ioctl_out_size: uint('Max Ioctl Out Size', 32),
  // Find, notify, info.
  'find.infolevel': uint('Info Level', 32, { strings: FIND_LEVELS }),
  'find.flags': hex('Find Flags', 8),
  'find.pattern': str('Search Pattern'),
  'find.info_blob': bytes('Info'),
  output_buffer_len: uint('Output Buffer Length', 32),
  'notify.flags': hex('Notify Flags', 16),
  completion_filter: hex('Completion Filter', 32),
  class: hex('Class', 8, { strings: CLASSES }),
  infolevel: hex('InfoLevel', 8),
  max_response_size: uint('Max Response Size', 32),
  getinfo_input_offset: hex('Getinfo Input Offset', 16),
  getinfo_input_size: uint('Getinfo Input Size', 32),
  getinfo_flags: hex('Flags', 32),
  setinfo_size: uint('Setinfo Size', 32),
  setinfo_offset: hex('Setinfo Offset', 16),
  setinfo_reserved: uint('Reserved', 16),
  unknown: bytes('Unknown'),
});

/** The SMB fields SMB2 shares (access masks and create options are SMB's in Wireshark). */
const S = fields('smb', {
  access_mask: hex('Access Mask', 32),
  share_access: hex('Share Access', 32),
  create_options: hex('Create Options', 32),
});

const NORMAL = 0xfe;
const TRANSFORM = 0xfd;
const COMPRESSED = 0xfc;

/** What a request left for its response (Wireshark's smb2_saved_info_t). */
interface Saved {
  frameReq: number;
  frameRes: number;
  sec: number;
  nsec: number;
  /** The tree a Tree Connect asked for, the file a Create opened. */
  tree?: string;
  file?: string;
}

interface Session {
  trees: Map<number, { name: string; shareType: number; frame: number }>;
  files: Map<string, string>;
  /** Who authenticated the session (NTLMSSP AUTHENTICATE) and in which frame. */
  auth?: NtlmAuth & { frame: number };
}

class Smb2State {
  /** Open requests by conversation and message id. */
  readonly unmatched = new Map<string, Saved>();
  readonly matched = new Map<string, Saved>();
  /** Each message's pairing by frame and message id (what a revisit shows). */
  readonly byFrame = new FrameMap<Map<bigint, Saved | null>>();
  readonly sessions = new Map<bigint, Session>();
}

interface Msg {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  st: Smb2State;
  response: boolean;
  async: boolean;
  status: number;
  cmd: number;
  msgId: bigint;
  tid: number;
  sesid: bigint;
  saved: Saved | null;
  /** File data Wireshark hands to the data dissector at the top level, after the SMB2 tree. */
  data: Tvb[];
}

const NT_SUCCESS = 0;
const NT_PENDING = 0x00000103;

export function dissectSMB2(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  pinfo.layers.push('smb2');
  pinfo.setProto('SMB2');
  if (pinfo.wantInfo) pinfo.setInfo('');
  return message(tvb, pinfo, tree, true, 0);
}

function appendInfo(pinfo: PacketInfo, s: string): void {
  if (pinfo.wantInfo) pinfo.setInfo(pinfo.info + s);
}

/** One message and the ones compounded after it. */
function message(tvb: Tvb, pinfo: PacketInfo, tree: Tree, first: boolean, depth: number): number {
  const o = tvb.start;
  const end = tvb.reportedEnd;
  const kind = tvb.u8(o);
  pinfo.setProto('SMB2');
  if (!first) appendInfo(pinfo, ';');
  const label =
    kind === COMPRESSED
      ? 'SMB2 Compression Transform Header'
      : kind === TRANSFORM
        ? 'SMB2 Transform Header'
        : kind === NORMAL
          ? 'SMB2 Header'
          : 'Bad SMB2 Header';
  let chain = 0;
  const data: Tvb[] = [];
  tree.push(F[''], tvb, o, end - o);
  let smbOpen = true;
  try {
    tree.push(F._header, tvb, o, 0);
    if (tree.full) tree.label(label);
    let headerOpen = true;
    try {
      if (kind === NORMAL) {
        const m = header(tvb, pinfo, tree, data);
        tree.pop(64);
        headerOpen = false;
        chain = m.chain;
        command(m.msg, o + 64);
      } else if (kind === TRANSFORM) {
        tree.add(F.protocol_id, tvb, o, 4, tvb.u32(o));
        const size = transformHeader(tvb, tree, o + 4);
        tree.pop(52);
        headerOpen = false;
        const at = o + 52;
        tree.push(F._encrypted, tvb, at, Math.min(size, end - at));
        if (tree.full) tree.label('Encrypted SMB3 data');
        appendInfo(pinfo, 'Encrypted SMB3');
        tree.add(F['header.transform.enc_data'], tvb, at, Math.min(size, tvb.remaining(at)));
        tvb.need(at, size);
        tree.pop();
        if (at + size < end) chain = at + size - o;
      } else if (kind === COMPRESSED) {
        compressionHeader(tvb, pinfo, tree, o);
        tree.pop(end - o);
        headerOpen = false;
      } else {
        appendInfo(pinfo, 'Invalid header');
        tree.pop(end - o);
        headerOpen = false;
      }
    } finally {
      if (headerOpen) tree.pop();
    }
    if (chain > 0) {
      tree.pop(chain);
      smbOpen = false;
      for (const d of data.splice(0)) dissectData(d, pinfo, tree);
      // Compounded messages follow each other up to a fixed depth (Wireshark's dissection depth).
      if (depth < 100) message(tvb.sub(o + chain), pinfo, tree, false, depth + 1);
    }
  } finally {
    if (smbOpen) tree.pop();
  }
  for (const d of data) dissectData(d, pinfo, tree);
  return end - o;
}

function header(tvb: Tvb, pinfo: PacketInfo, tree: Tree, data: Tvb[]): { msg: Msg; chain: number } {
  const o = tvb.start;
  const flags = tvb.u32le(o + 16);
  const response = (flags & 1) !== 0;
  const async = (flags & 2) !== 0;
  tree.add(F.protocol_id, tvb, o, 4, tvb.u32(o));
  tree.add(F.header_len, tvb, o + 4, 2, tvb.u16le(o + 4));
  tree.add(F['credit.charge'], tvb, o + 6, 2, tvb.u16le(o + 6));
  let status = 0;
  if (response) {
    status = tvb.u32le(o + 8);
    tree.add(F.nt_status, tvb, o + 8, 4, status);
    if (tree.full) tree.labelLast(`NT Status: ${ntStatusText(status)}`);
  } else {
    tree.add(F.channel_sequence, tvb, o + 8, 2, tvb.u16le(o + 8));
    tree.add(F.reserved, tvb, o + 10, 2);
  }
  const cmd = tvb.u16le(o + 12);
  tree.add(F.cmd, tvb, o + 12, 2, cmd);
  tree.add(response ? F['credits.granted'] : F['credits.requested'], tvb, o + 14, 2, tvb.u16le(o + 14));
  bitmask(tree, tvb, o + 16, 4, F.flags, flags, [
    F['flags.response'],
    F['flags.async'],
    F['flags.chained'],
    F['flags.signature'],
    F['flags.priority_mask'],
    F['flags.dfs'],
    F['flags.replay'],
  ]);
  const chain = tvb.u32le(o + 20);
  tree.add(F.chain_offset, tvb, o + 20, 4, chain);
  const msgId = tvb.view.getBigUint64(o + 24, true);
  tvb.need(o + 24, 8);
  tree.add(F.msg_id, tvb, o + 24, 8, msgId);
  if (tree.full && msgId === 0xffffffffffffffffn) tree.labelLast('Message ID: Unsolicited response (-1)');
  let tid = 0;
  let tidNode = null;
  if (async) {
    tvb.need(o + 32, 8);
    tree.add(F.aid, tvb, o + 32, 8, tvb.view.getBigUint64(o + 32, true));
  } else {
    tree.add(F.pid, tvb, o + 32, 4, tvb.u32le(o + 32));
    tid = tvb.u32le(o + 36);
    tree.push(F.tid, tvb, o + 36, 4, tid);
    tidNode = tree.current();
    tree.pop();
  }
  tvb.need(o + 40, 8);
  const sesid = tvb.view.getBigUint64(o + 40, true);
  sessionId(tvb, pinfo, tree, o + 40, sesid);
  tree.add(F.signature, tvb, o + 48, 16);
  const st = pinfo.state.of('smb2', () => new Smb2State());
  const msg: Msg = {
    tvb,
    pinfo,
    tree,
    st,
    response,
    async,
    status,
    cmd,
    msgId,
    tid,
    sesid,
    saved: null,
    data,
  };
  // The tree's name where the session connected it (Wireshark's dissect_smb2_tid_sesid).
  const session = st.sessions.get(sesid);
  const t = !async && session ? session.trees.get(tid) : undefined;
  if (t) {
    tree.reopen(tidNode);
    tree.add(F.tree, tvb, o + 36, 4, t.name, 1);
    if (tree.full) tree.labelLast(`[Tree: ${t.name}]`);
    tree.add(F.share_type, tvb, o + 36, 0, t.shareType, 1);
    if (tree.full)
      tree.labelLast(`[Share Type: ${SHARE_TYPES.get(t.shareType) ?? 'Unknown'} (0x${hex2(t.shareType)})]`);
    tree.add(F.tcon_frame, tvb, o + 36, 0, t.frame, 1);
    if (tree.full) tree.labelLast(`[Connected in Frame: ${t.frame}]`);
    tree.pop();
    if (tree.full && tidNode) tidNode.label = `Tree Id: 0x${tid.toString(16).padStart(8, '0')}  ${t.name}`;
  }
  if (pinfo.wantInfo) {
    appendInfo(pinfo, `${title(msg, o + 64)}`);
    if (status !== 0)
      appendInfo(
        pinfo,
        `, Error: ${ntStatusName(status) ?? `Unknown (0x${status.toString(16).toUpperCase().padStart(8, '0')})`}`,
      );
  }
  msg.saved = pair(msg);
  const s = msg.saved;
  if (s) {
    if (!response && s.frameRes) {
      tree.add(F.response_in, tvb, o, 0, s.frameRes);
      if (tree.full) tree.labelLast(`[Response in: ${s.frameRes}]`);
    } else if (response && s.frameReq) {
      tree.add(F.response_to, tvb, o, 0, s.frameReq);
      if (tree.full) tree.labelLast(`[Response to: ${s.frameReq}]`);
      const m = pinfo.meta;
      const delta = formatDelta(m.tsSec, m.tsNsec, s.sec, s.nsec);
      tree.add(F.time, tvb, o, 0, delta);
      if (tree.full) tree.labelLast(`[Time from request: ${delta} seconds]`);
    }
  }
  return { msg, chain };
}

/**
 * The session id, with the account that authenticated the session in an earlier frame (tshark
 * reads the capture once, so the authenticating frame itself does not show it).
 */
function sessionId(tvb: Tvb, pinfo: PacketInfo, tree: Tree, at: number, sesid: bigint): void {
  const auth = pinfo.state.of('smb2', () => new Smb2State()).sessions.get(sesid)?.auth;
  if (!auth || auth.frame >= pinfo.meta.number) {
    tree.add(F.sesid, tvb, at, 8, sesid);
    return;
  }
  tree.push(F.sesid, tvb, at, 8, sesid);
  if (tree.full)
    tree.label(
      `Session Id: 0x${sesid.toString(16).padStart(16, '0')} Acct:${auth.user} Domain:${auth.domain} Host:${auth.host}`,
    );
  tree.add(F.acct, tvb, at, 0, auth.user, 1);
  tree.add(F.domain, tvb, at, 0, auth.domain, 1);
  tree.add(F.host, tvb, at, 0, auth.host, 1);
  tree.add(F.auth_frame, tvb, at, 0, auth.frame, 1);
  tree.pop();
}

/** The message's title: command and direction, or an oplock/lease break's own name. */
function title(m: Msg, at: number): string {
  if (m.cmd === 18 && m.tvb.remaining(at) >= 2) {
    const code = m.tvb.u16le(at);
    if (m.response) {
      if (code === 24)
        return m.msgId === 0xffffffffffffffffn ? 'Oplock Break Notification' : 'Oplock Break Response';
      if (code === 44) return 'Lease Break Notification';
      if (code === 36) return 'Lease Break Response';
    } else {
      if (code === 24) return 'Oplock Break Acknowledgment';
      if (code === 36) return 'Lease Break Acknowledgment';
    }
  }
  return `${cmdName(m.cmd)} ${m.response ? 'Response' : 'Request'}`;
}

/** Pairs a request with its response by message id on the first pass; revisits read the result. */
function pair(m: Msg): Saved | null {
  const { st, pinfo } = m;
  const frame = pinfo.meta.number;
  const seen = st.byFrame.get(frame);
  if (seen?.has(m.msgId)) return seen.get(m.msgId) ?? null;
  const key = `${pinfo.conversation}/${m.msgId}`;
  let s: Saved | null = st.unmatched.get(key) ?? null;
  if (!m.response) {
    if (s) st.unmatched.delete(key);
    s = { frameReq: frame, frameRes: 0, sec: pinfo.meta.tsSec, nsec: pinfo.meta.tsNsec };
    st.unmatched.set(key, s);
  } else if (s && !(m.async && m.status === NT_PENDING)) {
    s.frameRes = frame;
    st.unmatched.delete(key);
    st.matched.set(key, s);
  } else if (!s) {
    s = st.matched.get(key) ?? null;
  }
  let map = seen;
  if (!map) {
    map = new Map();
    st.byFrame.set(frame, map);
  }
  map.set(m.msgId, s);
  return s;
}

function session(m: Msg): Session {
  let s = m.st.sessions.get(m.sesid);
  if (!s) {
    s = { trees: new Map(), files: new Map() };
    m.st.sessions.set(m.sesid, s);
  }
  return s;
}

/** The command body after the header, under `Name Request (0xNN)`. */
function command(m: Msg, at: number): void {
  const { tvb, tree } = m;
  const end = tvb.reportedEnd;
  tree.push(F._command, tvb, at, 0);
  if (tree.full) tree.label(`${title(m, at)} (0x${hex2(m.cmd & 0xff)})`);
  let p = at;
  try {
    p = body(m, at);
  } finally {
    tree.pop(Math.max(0, Math.min(p, end) - at));
  }
}

function body(m: Msg, at: number): number {
  const { tvb, tree } = m;
  if (m.response && m.status !== NT_SUCCESS && m.cmd !== 1) {
    // An error response (structure size 9) replaces the body; other sizes go on as normal.
    const code = tvb.u16le(at);
    if (code === 9) return errorResponse(m, at);
  }
  switch (m.cmd) {
    case 0:
      return m.response ? negotiateResponse(m, at) : negotiateRequest(m, at);
    case 1:
      return m.response ? sessionSetupResponse(m, at) : sessionSetupRequest(m, at);
    case 2: // logoff
    case 4: // tree disconnect
    case 7: // flush response
    case 12: // cancel
    case 13: // echo
      if (m.cmd === 7 && !m.response) {
        let p = bufferCode(m, at);
        tree.add(F.reserved, tvb, p, 6);
        p += 6;
        return fid(m, p, false);
      }
      if (m.cmd === 2 || m.cmd === 12 || m.cmd === 13) {
        bufferCode(m, at);
        if (m.cmd !== 2) tree.add(F.reserved, tvb, at + 2, 2);
        return at + 4;
      }
      bufferCode(m, at);
      tree.add(F.reserved, tvb, at + 2, 2);
      return at + 4;
    case 3:
      return m.response ? treeConnectResponse(m, at) : treeConnectRequest(m, at);
    case 5:
      return m.response ? createResponse(m, at) : createRequest(m, at);
    case 6:
      return m.response ? closeResponse(m, at) : closeRequest(m, at);
    case 8:
      return m.response ? readResponse(m, at) : readRequest(m, at);
    case 9:
      return m.response ? writeResponse(m, at) : writeRequest(m, at);
    case 10:
      return lock(m, at);
    case 11:
      return ioctl(m, at);
    case 14:
      return m.response ? dataResponse(m, at, F['find.info_blob']) : findRequest(m, at);
    case 15:
      return m.response ? dataResponse(m, at, F.unknown) : notifyRequest(m, at);
    case 16:
      return m.response ? dataResponse(m, at, F.unknown) : getInfoRequest(m, at);
    case 17:
      return m.response ? (bufferCode(m, at), at + 2) : setInfoRequest(m, at);
    default:
      tree.add(F.unknown, tvb, at, tvb.remaining(at));
      return tvb.reportedEnd;
  }
}

function bufferCode(m: Msg, at: number): number {
  const { tvb, tree } = m;
  const code = tvb.u16le(at);
  tree.push(F.buffer_code, tvb, at, 2, code);
  tree.add(F['buffer_code.length'], tvb, at, 2, code >> 1);
  tree.add(F['buffer_code.dynamic'], tvb, at, 2, (code & 1) !== 0);
  tree.pop();
  return at + 2;
}

function errorResponse(m: Msg, at: number): number {
  const { tvb, tree } = m;
  let p = bufferCode(m, at);
  tree.add(F['error.context_count'], tvb, p, 1, tvb.u8(p));
  tree.add(F['error.reserved'], tvb, p + 1, 1, tvb.u8(p + 1));
  let count = tvb.u32le(p + 2);
  tree.add(F['error.byte_count'], tvb, p + 2, 4, count);
  p += 6;
  if (count === 0) count = 1;
  tree.add(F['error.data'], tvb, p, Math.min(count, tvb.remaining(p)));
  tvb.need(p, count);
  return p + count;
}

function secMode(m: Msg, at: number): void {
  const v = m.tvb.u8(at);
  bitmask(m.tree, m.tvb, at, 1, F.sec_mode, v, [F['sec_mode.sign_enabled'], F['sec_mode.sign_required']]);
}

function capabilities(m: Msg, at: number): void {
  const v = m.tvb.u32le(at);
  bitmask(m.tree, m.tvb, at, 4, F.capabilities, v, [
    F['capabilities.dfs'],
    F['capabilities.leasing'],
    F['capabilities.large_mtu'],
    F['capabilities.multi_channel'],
    F['capabilities.persistent_handles'],
    F['capabilities.directory_leasing'],
    F['capabilities.encryption'],
  ]);
}

function negotiateRequest(m: Msg, at: number): number {
  const { tvb, tree } = m;
  let p = bufferCode(m, at);
  const dc = tvb.u16le(p);
  tree.add(F.dialect_count, tvb, p, 2, dc);
  secMode(m, p + 2);
  tree.add(F.reserved, tvb, p + 4, 2);
  capabilities(m, p + 6);
  guid(m, p + 10, F.client_guid);
  const nco = tvb.u32le(p + 26);
  tree.add(F['negotiate_context.offset'], tvb, p + 26, 4, nco);
  let ncc = tvb.u16le(p + 30);
  tree.add(F['negotiate_context.count'], tvb, p + 30, 2, ncc);
  tree.add(F.reserved, tvb, p + 32, 2);
  p += 34;
  let v311 = false;
  for (let i = 0; i < dc; i++, p += 2) {
    const d = tvb.u16le(p);
    tree.add(F.dialect, tvb, p, 2, d);
    if (d >= 0x310) v311 = true;
  }
  if (!v311) ncc = 0;
  if (nco !== 0) {
    const min = 0x40 + 36 + dc * 2;
    if (nco >= min) p += nco - min;
    else ncc = 0;
  }
  return contexts(m, p, ncc);
}

function negotiateResponse(m: Msg, at: number): number {
  const { tvb, tree } = m;
  let p = bufferCode(m, at);
  secMode(m, p);
  const dialect = tvb.u16le(p + 2);
  tree.add(F.dialect, tvb, p + 2, 2, dialect);
  let ncc = tvb.u16le(p + 4);
  tree.add(F['negotiate_context.count'], tvb, p + 4, 2, ncc);
  guid(m, p + 6, F.server_guid);
  capabilities(m, p + 22);
  tree.add(F.max_trans_size, tvb, p + 26, 4, tvb.u32le(p + 26));
  tree.add(F.max_read_size, tvb, p + 30, 4, tvb.u32le(p + 30));
  tree.add(F.max_write_size, tvb, p + 34, 4, tvb.u32le(p + 34));
  ntTime(m, p + 38, F.current_time);
  ntTime(m, p + 46, F.boot_time);
  p += 54;
  const blob = olb16(m, p);
  p += 4;
  securityBlob(m, blob);
  const nco = tvb.u32le(p);
  tree.add(F['negotiate_context.offset'], tvb, p, 4, nco);
  p += 4;
  p = Math.max(p, blob.end);
  if (dialect < 0x310) ncc = 0;
  if (nco !== 0) {
    const min = 0x40 + 64 + blob.len;
    if (nco >= min) p += nco - min;
    else ncc = 0;
  }
  return contexts(m, p, ncc);
}

function contexts(m: Msg, from: number, count: number): number {
  const { tvb, tree } = m;
  const base = tvb.start;
  let p = from;
  for (let i = 0; i < count; i++) {
    p = base + ((p - base + 7) & ~7);
    const type = tvb.u16le(p);
    const len = tvb.u16le(p + 2);
    const name = CONTEXT_TYPES.get(type) ?? `Unknown (0x${type.toString(16).padStart(4, '0')})`;
    tree.push(F._context, tvb, p, 8 + len);
    if (tree.full) tree.label(`Negotiate Context: ${name} `);
    try {
      tree.add(F['negotiate_context.type'], tvb, p, 2, type);
      tree.add(F['negotiate_context.data_length'], tvb, p + 2, 2, len);
      tree.add(F.reserved, tvb, p + 4, 4);
      contextData(m, type, p + 8, len);
    } finally {
      tree.pop();
    }
    p += 8 + len;
  }
  return p;
}

function contextData(m: Msg, type: number, at: number, len: number): void {
  const { tvb, tree } = m;
  let p = at;
  const list = (countDef: FieldDef, itemDef: FieldDef): void => {
    const n = tvb.u16le(p);
    tree.add(countDef, tvb, p, 2, n);
    p += 2;
    for (let i = 0; i < n; i++, p += 2) tree.add(itemDef, tvb, p, 2, tvb.u16le(p));
  };
  switch (type) {
    case 1: {
      const n = tvb.u16le(p);
      const salt = tvb.u16le(p + 2);
      tree.add(F['negotiate_context.hash_alg_count'], tvb, p, 2, n);
      tree.add(F['negotiate_context.salt_length'], tvb, p + 2, 2, salt);
      p += 4;
      for (let i = 0; i < n; i++, p += 2)
        tree.add(F['negotiate_context.hash_algorithm'], tvb, p, 2, tvb.u16le(p));
      if (salt > 0) tree.add(F['negotiate_context.salt'], tvb, p, salt);
      tvb.need(p, salt);
      return;
    }
    case 2:
      list(F['negotiate_context.cipher_count'], F['negotiate_context.cipher_id']);
      return;
    case 3: {
      const n = tvb.u16le(p);
      tree.add(F['negotiate_context.comp_alg_count'], tvb, p, 2, n);
      const flags = tvb.u32le(p + 4);
      tree.push(F['negotiate_context.comp_alg_flags'], tvb, p + 4, 4, flags);
      tree.add(F['negotiate_context.comp_alg_flags.chained'], tvb, p + 4, 4, (flags & 1) !== 0);
      tree.add(F['negotiate_context.comp_alg_flags.reserved'], tvb, p + 4, 4, flags >>> 1);
      tree.pop();
      p += 8;
      for (let i = 0; i < n; i++, p += 2)
        tree.add(F['negotiate_context.comp_alg_id'], tvb, p, 2, tvb.u16le(p));
      return;
    }
    case 5:
      tree.add(F['negotiate_context.netname'], tvb, at, len, utf16(tvb, at, len));
      return;
    case 8:
      list(F['negotiate_context.signing_alg_count'], F['negotiate_context.signing_id']);
      return;
    case 0x100:
      tree.add(F['negotiate_context.posix_reserved'], tvb, at, len);
      tvb.need(at, len);
      return;
    default:
      if (len > 0) tree.add(F['negotiate_context.data'], tvb, at, len);
      tvb.need(at, len);
  }
}

function sessionSetupRequest(m: Msg, at: number): number {
  const { tvb, tree } = m;
  let p = bufferCode(m, at);
  const f = tvb.u8(p);
  tree.push(F.ses_req_flags, tvb, p, 1, f);
  tree.add(F['ses_req_flags.session_binding'], tvb, p, 1, (f & 1) !== 0);
  tree.pop();
  secMode(m, p + 1);
  capabilities(m, p + 2);
  tree.add(F.channel, tvb, p + 6, 4, tvb.u32le(p + 6));
  p += 10;
  const blob = olb16(m, p);
  p += 4;
  tvb.need(p, 8);
  tree.add(F.previous_sesid, tvb, p, 8, tvb.view.getBigUint64(p, true));
  p += 8;
  securityBlob(m, blob);
  const auth = ntlmsspAuthIn(m.pinfo);
  if (auth) session(m).auth = { ...auth, frame: m.pinfo.meta.number };
  return Math.max(p, blob.end);
}

function sessionSetupResponse(m: Msg, at: number): number {
  const { tvb, tree } = m;
  let p = bufferCode(m, at);
  const f = tvb.u16le(p);
  bitmask(tree, tvb, p, 2, F.session_flags, f, [
    F['ses_flags.guest'],
    F['ses_flags.null'],
    F['ses_flags.encrypt'],
  ]);
  p += 2;
  const blob = olb16(m, p);
  p += 4;
  securityBlob(m, blob);
  // tshark dates the session's authentication to the response that accepted it.
  const auth = m.status === NT_SUCCESS ? session(m).auth : undefined;
  if (auth) auth.frame = m.pinfo.meta.number;
  return Math.max(p, blob.end);
}

function treeConnectRequest(m: Msg, at: number): number {
  const { tvb, tree } = m;
  let p = bufferCode(m, at);
  tree.add(F['tree_connect.flags'], tvb, p, 2, tvb.u16le(p));
  p += 2;
  const o = olb16(m, p);
  p += 4;
  const name = olbString(m, o, F.tree);
  if (m.saved && m.saved.frameReq === m.pinfo.meta.number && o.len) m.saved.tree = name;
  appendInfo(m.pinfo, ` Tree: ${name}`);
  return Math.max(p, o.end);
}

function treeConnectResponse(m: Msg, at: number): number {
  const { tvb, tree } = m;
  let p = bufferCode(m, at);
  const type = tvb.u8(p);
  tree.add(F.share_type, tvb, p, 1, type);
  tree.add(F.reserved, tvb, p + 1, 1);
  if (m.saved?.tree !== undefined && m.status === NT_SUCCESS) {
    const s = session(m);
    if (
      !s.trees.has(m.tid) ||
      s.trees.get(m.tid)?.frame === m.pinfo.meta.number ||
      m.saved.frameRes === m.pinfo.meta.number
    )
      s.trees.set(m.tid, { name: m.saved.tree, shareType: type, frame: m.pinfo.meta.number });
  }
  p += 2;
  tree.add(F.share_flags, tvb, p, 4, tvb.u32le(p));
  tree.add(F.share_caps, tvb, p + 4, 4, tvb.u32le(p + 4));
  tree.add(S.access_mask, tvb, p + 8, 4, tvb.u32le(p + 8));
  return p + 12;
}

function createRequest(m: Msg, at: number): number {
  const { tvb, tree } = m;
  let p = bufferCode(m, at);
  p += 1; // security flags
  tree.add(F['create.oplock'], tvb, p, 1, tvb.u8(p));
  tree.add(F['impersonation.level'], tvb, p + 1, 4, tvb.u32le(p + 1));
  tvb.need(p + 5, 16);
  tree.add(F.create_flags, tvb, p + 5, 8, tvb.view.getBigUint64(p + 5, true));
  tree.add(F.reserved, tvb, p + 13, 8);
  p += 21;
  tree.add(S.access_mask, tvb, p, 4, tvb.u32le(p));
  tree.add(F.file_attribute, tvb, p + 4, 4, tvb.u32le(p + 4));
  tree.add(S.share_access, tvb, p + 8, 4, tvb.u32le(p + 8));
  tree.add(F['create.disposition'], tvb, p + 12, 4, tvb.u32le(p + 12));
  tree.add(S.create_options, tvb, p + 16, 4, tvb.u32le(p + 16));
  p += 20;
  const name = olb16(m, p);
  const extra = olb32(m, p + 4);
  p += 12;
  const file = olbString(m, name, F.filename);
  appendInfo(m.pinfo, ` File: ${file}`);
  if (m.saved && m.saved.frameReq === m.pinfo.meta.number) m.saved.file = file;
  region(m, extra, F['create.extrainfo']);
  return Math.max(p, name.end, extra.end);
}

function createResponse(m: Msg, at: number): number {
  const { tvb, tree } = m;
  let p = bufferCode(m, at);
  tree.add(F['create.oplock'], tvb, p, 1, tvb.u8(p));
  tree.add(F['create.rep_flags'], tvb, p + 1, 1, tvb.u8(p + 1));
  tree.add(F['create.action'], tvb, p + 2, 4, tvb.u32le(p + 2));
  p = timesAndSizes(m, p + 6);
  tree.add(F.file_attribute, tvb, p, 4, tvb.u32le(p));
  tree.add(F.reserved, tvb, p + 4, 4);
  p += 8;
  p = fid(m, p, true);
  const extra = olb32(m, p);
  p += 8;
  region(m, extra, F['create.extrainfo']);
  return Math.max(p, extra.end);
}

function closeRequest(m: Msg, at: number): number {
  const { tvb, tree } = m;
  const p = bufferCode(m, at);
  tree.add(F['close.flags'], tvb, p, 2, tvb.u16le(p));
  tree.add(F.reserved, tvb, p + 2, 4);
  return fid(m, p + 6, false);
}

function closeResponse(m: Msg, at: number): number {
  const { tvb, tree } = m;
  let p = bufferCode(m, at);
  tree.add(F['close.flags'], tvb, p, 2, tvb.u16le(p));
  tree.add(F.reserved, tvb, p + 2, 4);
  p = timesAndSizes(m, p + 6);
  tree.add(F.file_attribute, tvb, p, 4, tvb.u32le(p));
  return p + 4;
}

/** The four file times and the allocation size and end of file a Create or Close response gives. */
function timesAndSizes(m: Msg, p: number): number {
  const { tvb, tree } = m;
  ntTime(m, p, F['create.time']);
  ntTime(m, p + 8, F['last_access.time']);
  ntTime(m, p + 16, F['last_write.time']);
  ntTime(m, p + 24, F['last_change.time']);
  p += 32;
  tvb.need(p, 16);
  tree.add(F.allocation_size, tvb, p, 8, tvb.view.getBigUint64(p, true));
  tree.add(F.eof, tvb, p + 8, 8, tvb.view.getBigUint64(p + 8, true));
  return p + 16;
}

function readRequest(m: Msg, at: number): number {
  const { tvb, tree } = m;
  let p = bufferCode(m, at);
  tree.add(F.read_padding, tvb, p, 1, tvb.u8(p));
  tree.add(F.read_flags, tvb, p + 1, 1, tvb.u8(p + 1));
  const len = tvb.u32le(p + 2);
  tree.add(F.read_length, tvb, p + 2, 4, len);
  tvb.need(p + 6, 8);
  const off = tvb.view.getBigUint64(p + 6, true);
  tree.add(F.file_offset, tvb, p + 6, 8, off);
  appendInfo(m.pinfo, ` Len:${len | 0} Off:${off}`);
  p = fid(m, p + 14, false);
  tree.add(F.min_count, tvb, p, 4, tvb.u32le(p));
  tree.add(F.channel, tvb, p + 4, 4, tvb.u32le(p + 4));
  tree.add(F.read_remaining, tvb, p + 8, 4, tvb.u32le(p + 8));
  const c = olb16(m, p + 12);
  region(m, c, F.channel_info_blob);
  return Math.max(p + 16, c.end);
}

function readResponse(m: Msg, at: number): number {
  const { tvb, tree } = m;
  let p = bufferCode(m, at);
  const o = olbAt(m, p, 1, p + 2, 4);
  tree.add(F.read_remaining, tvb, p + 6, 4, tvb.u32le(p + 6));
  tree.add(F.reserved, tvb, p + 10, 4);
  p += 14;
  olbItems(m, o);
  const shown = Math.min(o.len, tvb.remaining(o.start));
  tree.add(F['read.blob'], tvb, o.start, shown);
  if (shown > 0) m.data.push(tvb.sub(o.start, shown));
  return p + Math.min(o.len, tvb.remaining(p));
}

function writeRequest(m: Msg, at: number): number {
  const { tvb, tree } = m;
  let p = bufferCode(m, at);
  tree.add(F.data_offset, tvb, p, 2, tvb.u16le(p));
  const len = tvb.u32le(p + 2);
  tree.add(F.write_length, tvb, p + 2, 4, len);
  tvb.need(p + 6, 8);
  const off = tvb.view.getBigUint64(p + 6, true);
  tree.add(F.file_offset, tvb, p + 6, 8, off);
  appendInfo(m.pinfo, ` Len:${len | 0} Off:${off}`);
  p = fid(m, p + 14, false);
  tree.add(F.channel, tvb, p, 4, tvb.u32le(p));
  tree.add(F.remaining_bytes, tvb, p + 4, 4, tvb.u32le(p + 4));
  const c = olb16(m, p + 8);
  tree.add(F['write.flags'], tvb, p + 12, 4, tvb.u32le(p + 12));
  p += 16;
  region(m, c, F.channel_info_blob);
  // The data follows the fixed part, wherever the data offset says it is (as Wireshark reads it).
  const shown = Math.min(len, tvb.remaining(p));
  if (shown > 0) m.data.push(tvb.sub(p, shown));
  p += shown;
  return Math.max(p, c.end);
}

function writeResponse(m: Msg, at: number): number {
  const { tvb, tree } = m;
  const p = bufferCode(m, at);
  tree.add(F.reserved, tvb, p, 2);
  tree.add(F['write.count'], tvb, p + 2, 4, tvb.u32le(p + 2));
  tree.add(F['write.remaining'], tvb, p + 6, 4, tvb.u32le(p + 6));
  tree.add(F.channel_info_offset, tvb, p + 10, 2, tvb.u16le(p + 10));
  return p + 14;
}

function lock(m: Msg, at: number): number {
  const { tvb, tree } = m;
  let p = bufferCode(m, at);
  if (m.response) {
    tree.add(F.reserved, tvb, p, 2);
    return p + 2;
  }
  const n = tvb.u16le(p);
  tree.add(F.lock_count, tvb, p, 2, n);
  tree.add(F.lock_sequence_number, tvb, p + 2, 4, tvb.u32le(p + 2) & 0xf);
  p = fid(m, p + 6, false);
  for (let i = 0; i < n && i < 1024; i++) {
    tree.push(F.lock_info, tvb, p, 24);
    try {
      tvb.need(p, 24);
      tree.add(F.file_offset, tvb, p, 8, tvb.view.getBigUint64(p, true));
      tree.add(F.lock_length, tvb, p + 8, 8, tvb.view.getBigUint64(p + 8, true));
      tree.add(F.lock_flags, tvb, p + 16, 4, tvb.u32le(p + 16));
      tree.add(F.reserved, tvb, p + 20, 4);
    } finally {
      tree.pop();
    }
    p += 24;
  }
  return p;
}

function ioctl(m: Msg, at: number): number {
  const { tvb, tree } = m;
  let p = bufferCode(m, at);
  tree.add(F.reserved, tvb, p, 2);
  const fn = tvb.u32le(p + 2);
  tree.add(F['ioctl.function'], tvb, p + 2, 4, fn);
  if (fn !== 0) {
    const name = IOCTLS.get(fn);
    if (name) appendInfo(m.pinfo, ` ${name}`);
    else
      appendInfo(
        m.pinfo,
        ` Unknown (0x${((fn >>> 16) & 0xffff).toString(16).toUpperCase().padStart(8, '0')}) Function:0x${((fn >>> 2) & 0xfff).toString(16).padStart(4, '0')}`,
      );
  }
  p = fid(m, p + 6, false);
  if (m.response) {
    const inp = olb32(m, p);
    const out = olb32(m, p + 8);
    tree.add(F['ioctl.flags'], tvb, p + 16, 4, tvb.u32le(p + 16));
    tree.add(F.reserved, tvb, p + 20, 4);
    region(m, inp, F['ioctl.in']);
    region(m, out, F['ioctl.out']);
    return Math.max(p + 24, inp.end, out.end);
  }
  const inp = olb32(m, p);
  tree.add(F.max_ioctl_in_size, tvb, p + 8, 4, tvb.u32le(p + 8));
  const out = olb32(m, p + 12);
  tree.add(F.max_ioctl_out_size, tvb, p + 20, 4, tvb.u32le(p + 20));
  tree.add(F['ioctl.flags'], tvb, p + 24, 4, tvb.u32le(p + 24));
  tree.add(F.reserved, tvb, p + 28, 4);
  region(m, inp, F['ioctl.in']);
  region(m, out, F['ioctl.out']);
  return Math.max(p + 32, inp.end, out.end);
}

function findRequest(m: Msg, at: number): number {
  const { tvb, tree } = m;
  let p = bufferCode(m, at);
  const level = tvb.u8(p);
  tree.add(F['find.infolevel'], tvb, p, 1, level);
  tree.add(F['find.flags'], tvb, p + 1, 1, tvb.u8(p + 1));
  tree.add(F.reserved, tvb, p + 2, 4);
  p = fid(m, p + 6, false);
  const o = olb16(m, p);
  tree.add(F.output_buffer_len, tvb, p + 4, 4, tvb.u32le(p + 4));
  p += 8;
  const pattern = olbString(m, o, F['find.pattern']);
  appendInfo(m.pinfo, ` ${FIND_LEVELS.get(level) ?? `(Level:0x${hex2(level)})`} Pattern: ${pattern}`);
  return Math.max(p, o.end);
}

function notifyRequest(m: Msg, at: number): number {
  const { tvb, tree } = m;
  let p = bufferCode(m, at);
  tree.add(F['notify.flags'], tvb, p, 2, tvb.u16le(p));
  tree.add(F.output_buffer_len, tvb, p + 2, 4, tvb.u32le(p + 2));
  p = fid(m, p + 6, false);
  tree.add(F.completion_filter, tvb, p, 4, tvb.u32le(p));
  tree.add(F.reserved, tvb, p + 4, 4);
  return p + 8;
}

/** A response whose body is a blob after an offset and a length (Find, Notify, GetInfo). */
function dataResponse(m: Msg, at: number, def: FieldDef): number {
  const p = bufferCode(m, at);
  const o = olb16len32(m, p);
  blobBytes(m, o, def);
  return Math.max(p + 6, o.end);
}

function classLevel(m: Msg, at: number): void {
  const { tvb, tree } = m;
  const cl = tvb.u8(at);
  const il = tvb.u8(at + 1);
  tree.add(F.class, tvb, at, 1, cl);
  tree.add(F.infolevel, tvb, at + 1, 1, il);
  const levels =
    cl === 1 ? FILE_LEVELS : cl === 2 ? FS_LEVELS : cl === 3 ? SEC_LEVELS : cl === 4 ? QUOTA_LEVELS : null;
  if (tree.full) tree.labelLast(`InfoLevel: ${levels?.get(il) ?? 'Unknown'} (0x${hex2(il)})`);
  if (!m.response)
    appendInfo(
      m.pinfo,
      ` ${CLASSES.get(cl) ?? `(Class:0x${hex2(cl)})`}/${levels?.get(il) ?? `(Level:0x${hex2(il)})`}`,
    );
}

function getInfoRequest(m: Msg, at: number): number {
  const { tvb, tree } = m;
  let p = bufferCode(m, at);
  classLevel(m, p);
  tree.add(F.max_response_size, tvb, p + 2, 4, tvb.u32le(p + 2));
  tree.add(F.getinfo_input_offset, tvb, p + 6, 2, tvb.u16le(p + 6));
  tree.add(F.reserved, tvb, p + 8, 2);
  tree.add(F.getinfo_input_size, tvb, p + 10, 4, tvb.u32le(p + 10));
  tree.add(F.unknown, tvb, p + 14, 4); // additional information
  tree.add(F.getinfo_flags, tvb, p + 18, 4, tvb.u32le(p + 18));
  p = fid(m, p + 22, false);
  return p;
}

function setInfoRequest(m: Msg, at: number): number {
  const { tvb, tree } = m;
  let p = bufferCode(m, at);
  classLevel(m, p);
  const size = tvb.u32le(p + 2);
  tree.add(F.setinfo_size, tvb, p + 2, 4, size);
  const off = tvb.u16le(p + 6);
  tree.add(F.setinfo_offset, tvb, p + 6, 2, off);
  tree.add(F.setinfo_reserved, tvb, p + 8, 2, tvb.u16le(p + 8));
  tree.add(F.unknown, tvb, p + 10, 4); // additional information
  p = fid(m, p + 14, false);
  const data = tvb.start + off;
  if (size > 0 && off >= 64) {
    tree.add(F.unknown, tvb, data, Math.min(size, tvb.remaining(data)));
    return Math.max(p, data + size);
  }
  return p;
}

/** A 16-byte file id; a Create response names it after the file, other commands say which file. */
function fid(m: Msg, at: number, open: boolean): number {
  const { tvb, tree } = m;
  const id = guidText(tvb, at);
  const s = session(m);
  if (open && m.saved?.file !== undefined && m.status === NT_SUCCESS) s.files.set(id, m.saved.file);
  const name = s.files.get(id);
  tree.add(F.fid, tvb, at, 16, id);
  if (name !== undefined) {
    if (tree.full) tree.labelLast(`File Id: ${id} File: ${name}`);
    appendInfo(m.pinfo, ` File: ${name}`);
  }
  return at + 16;
}

interface Olb {
  start: number;
  len: number;
  /** Where the message's fixed part ends if the buffer lies beyond it (0: no buffer). */
  end: number;
  offAt: number;
  offSize: number;
  lenAt: number;
  lenSize: number;
}

function olbAt(m: Msg, offAt: number, offSize: number, lenAt: number, lenSize: number): Olb {
  const { tvb } = m;
  const off = offSize === 1 ? tvb.u8(offAt) : offSize === 2 ? tvb.u16le(offAt) : tvb.u32le(offAt);
  const len = lenSize === 2 ? tvb.u16le(lenAt) : tvb.u32le(lenAt);
  const start = tvb.start + off;
  return { start, len, end: off === 0 ? 0 : start + len, offAt, offSize, lenAt, lenSize };
}

/** A 16-bit offset and a 16-bit length. */
const olb16 = (m: Msg, at: number): Olb => olbAt(m, at, 2, at + 2, 2);
/** A 16-bit offset and a 32-bit length. */
const olb16len32 = (m: Msg, at: number): Olb => olbAt(m, at, 2, at + 2, 4);
/** A 32-bit offset and a 32-bit length. */
const olb32 = (m: Msg, at: number): Olb => olbAt(m, at, 4, at + 4, 4);

/** The offset and length items, added where Wireshark adds them: with the buffer they describe. */
function olbItems(m: Msg, o: Olb): void {
  const { tvb, tree } = m;
  const off = o.offSize === 1 ? tvb.u8(o.offAt) : o.offSize === 2 ? tvb.u16le(o.offAt) : tvb.u32le(o.offAt);
  tree.add(F['olb.offset'], tvb, o.offAt, o.offSize, off);
  if (o.offSize === 1) tree.add(F.reserved, tvb, o.offAt + 1, 1);
  tree.add(F['olb.length'], tvb, o.lenAt, o.lenSize, o.len);
}

function blobBytes(m: Msg, o: Olb, def: FieldDef): void {
  olbItems(m, o);
  if (o.len === 0) {
    m.tree.add(def, m.tvb, o.start, 0, def.type === FieldType.Bytes ? '<MISSING>' : undefined);
    if (m.tree.full) m.tree.labelLast(`${def.name}: <MISSING>: NO DATA`);
    return;
  }
  m.tree.add(def, m.tvb, o.start, Math.min(o.len, m.tvb.remaining(o.start)));
  m.tvb.need(o.start, o.len);
}

/** The security blob with its GSS-API / SPNEGO / NTLMSSP / Kerberos decode under it. */
function securityBlob(m: Msg, o: Olb): void {
  if (o.len === 0) return blobBytes(m, o, F.security_blob);
  olbItems(m, o);
  m.tree.push(F.security_blob, m.tvb, o.start, Math.min(o.len, m.tvb.remaining(o.start)));
  try {
    m.tvb.need(o.start, o.len);
    dissectGssapi(m.tvb.sub(o.start, o.len), m.pinfo, m.tree);
  } finally {
    m.tree.pop();
  }
}

/** A buffer shown as a subtree of its own (FT_NONE) after its offset and length. */
function region(m: Msg, o: Olb, def: FieldDef): void {
  olbItems(m, o);
  m.tree.add(def, m.tvb, o.start, Math.min(o.len, m.tvb.remaining(o.start)));
}

function olbString(m: Msg, o: Olb, def: FieldDef): string {
  const s = o.len === 0 ? '' : utf16(m.tvb, o.start, o.len);
  m.tree.push(def, m.tvb, o.start, o.len, s);
  olbItems(m, o);
  m.tree.pop();
  return s;
}

/** UTF-16LE text (odd trailing byte dropped). */
export function utf16(tvb: Tvb, at: number, len: number): string {
  tvb.need(at, len);
  const b = tvb.bytes;
  let s = '';
  for (let i = at; i + 1 < at + len; i += 2)
    s += String.fromCharCode((b[i] as number) | ((b[i + 1] as number) << 8));
  return s;
}

function guid(m: Msg, at: number, def: FieldDef): void {
  m.tree.add(def, m.tvb, at, 16, guidText(m.tvb, at));
}

/** A little-endian GUID as Wireshark prints it. */
function guidText(tvb: Tvb, at: number): string {
  tvb.need(at, 16);
  const b = tvb.bytes;
  const h = (i: number): string => (b[at + i] as number).toString(16).padStart(2, '0');
  return (
    h(3) + h(2) + h(1) + h(0) + '-' + h(5) + h(4) + '-' + h(7) + h(6) + '-' + h(8) + h(9) + '-' +
    h(10) + h(11) + h(12) + h(13) + h(14) + h(15)
  ); // prettier-ignore
}

/** A FILETIME (100 ns since 1601) as tshark shows it. */
function ntTime(m: Msg, at: number, def: FieldDef): void {
  const { tvb, tree } = m;
  tvb.need(at, 8);
  const ft = tvb.view.getBigUint64(at, true);
  tree.add(def, tvb, at, 8, ntTimeText(ft));
  if (ft === 0n && tree.full) tree.labelLast(`${def.name}: No time specified (0)`);
}

/** A FILETIME as tshark's -T fields prints it (zero: the Unix epoch, as Wireshark stores it). */
export function ntTimeText(ft: bigint): string {
  if (ft === 0n) return formatAbsoluteUtc(0, 0);
  const secs = ft / 10_000_000n - 11_644_473_600n;
  const nsec = Number(ft % 10_000_000n) * 100;
  return formatAbsoluteUtc(Number(secs), nsec);
}

function transformHeader(tvb: Tvb, tree: Tree, at: number): number {
  tree.add(F['header.transform.signature'], tvb, at, 16);
  tree.add(F['header.transform.nonce'], tvb, at + 16, 16);
  const size = tvb.u32le(at + 32);
  tree.add(F['header.transform.msg_size'], tvb, at + 32, 4, size);
  tree.add(F['header.transform.reserved'], tvb, at + 36, 2);
  const flags = tvb.u16le(at + 38);
  bitmask(tree, tvb, at + 38, 2, F['header.transform.flags'], flags, [F['header.transform.flags.encrypted']]);
  tvb.need(at + 40, 8);
  tree.add(F.sesid, tvb, at + 40, 8, tvb.view.getBigUint64(at + 40, true));
  return size;
}

function compressionHeader(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number): void {
  const end = tvb.reportedEnd;
  tree.add(F.protocol_id, tvb, o, 4, tvb.u32(o));
  tree.add(F['header.comp_transform.original_size'], tvb, o + 4, 4, tvb.u32le(o + 4));
  let p = o + 8;
  const flags = tvb.u16le(p + 2);
  if (flags & 1) {
    // Chained: a run of payload headers, each with its own algorithm.
    do {
      const alg = tvb.u16le(p);
      let len = tvb.u32le(p + 4);
      tree.push(F._comp_payload, tvb, p, len);
      if (tree.full) tree.label('COMPRESSION_PAYLOAD_HEADER');
      try {
        tree.add(F['header.comp_transform.comp_alg'], tvb, p, 2, alg);
        tree.add(F['header.comp_transform.flags'], tvb, p + 2, 2, tvb.u16le(p + 2));
        tree.add(F['header.comp_transform.length'], tvb, p + 4, 4, len);
        p += 8;
        if (alg >= 1 && alg <= 3) {
          tree.add(F['header.comp_transform.orig_payload_size'], tvb, p, 4, tvb.u32le(p));
          p += 4;
          len -= 4;
        }
        if (alg === 4) {
          tree.push(F._comp_payload, tvb, p, len);
          const pat = tvb.u8(p);
          const times = tvb.u32le(p + 4);
          if (tree.full) tree.label(`Pattern 0x${hex2(pat)} repeated ${times} times`);
          tree.add(F['pattern_v1.pattern'], tvb, p, 1, pat);
          tree.add(F['pattern_v1.reserved1'], tvb, p + 1, 1, tvb.u8(p + 1));
          tree.add(F['pattern_v1.reserved2'], tvb, p + 2, 2, tvb.u16le(p + 2));
          tree.add(F['pattern_v1.repetitions'], tvb, p + 4, 4, times);
          tree.pop();
        }
        tree.add(F['header.comp_transform.data'], tvb, p, Math.max(0, Math.min(len, tvb.remaining(p))));
      } finally {
        tree.pop();
      }
      p += Math.max(0, len);
    } while (end - p > 8);
  } else {
    tree.add(F['header.comp_transform.comp_alg'], tvb, p, 2, tvb.u16le(p));
    tree.add(F['header.comp_transform.flags'], tvb, p + 2, 2, flags);
    tree.add(F['header.comp_transform.offset'], tvb, p + 4, 4, tvb.u32le(p + 4));
    p += 8;
    tree.push(F._compressed, tvb, p, end - p);
    if (tree.full) tree.label('Compressed SMB3 data');
    tree.add(F['header.comp_transform.data'], tvb, p, tvb.remaining(p));
    tree.pop();
  }
  // Trawl does not decompress: the payload stays compressed (tshark decompresses and shows it).
  appendInfo(pinfo, 'Comp. SMB3');
}

/** Wireshark's proto_tree_add_bitmask: the parent's label names the set flags. */
function bitmask(
  tree: Tree,
  tvb: Tvb,
  at: number,
  len: number,
  parent: FieldDef,
  value: number,
  bits: readonly FieldDef[],
  named = true,
): void {
  tree.push(parent, tvb, at, len, value);
  if (tree.full) {
    let label = `${parent.name}: 0x${(value >>> 0).toString(16).padStart(len * 2, '0')}`;
    if (named) for (const b of bits) if ((value & (b.mask as number)) !== 0) label += `, ${b.name}`;
    tree.label(label);
  }
  for (const b of bits) tree.add(b, tvb, at, len, (value & (b.mask as number)) !== 0);
  tree.pop();
}

const hex2 = (v: number): string => v.toString(16).padStart(2, '0');

// NT status names (a subset of Wireshark's NT_errors: the success, warning and common error codes).
const NT_TEXT =
  '0 STATUS_SUCCESS;1 STATUS_WAIT_1;2 STATUS_WAIT_2;3 STATUS_WAIT_3;3f STATUS_WAIT_63;80 STATUS_ABA' +
  'NDONED;bf STATUS_ABANDONED_WAIT_63;c0 STATUS_USER_APC;100 STATUS_KERNEL_APC;101 STATUS_ALERTED;1' +
  '02 STATUS_TIMEOUT;103 STATUS_PENDING;104 STATUS_REPARSE;105 STATUS_MORE_ENTRIES;106 STATUS_NOT_A' +
  'LL_ASSIGNED;107 STATUS_SOME_NOT_MAPPED;108 STATUS_OPLOCK_BREAK_IN_PROGRESS;109 STATUS_VOLUME_MOU' +
  'NTED;10a STATUS_RXACT_COMMITTED;10b STATUS_NOTIFY_CLEANUP;10c STATUS_NOTIFY_ENUM_DIR;10d STATUS_' +
  'NO_QUOTAS_FOR_ACCOUNT;80000001 STATUS_GUARD_PAGE_VIOLATION;80000002 STATUS_DATATYPE_MISALIGNMENT' +
  ';80000003 STATUS_BREAKPOINT;80000004 STATUS_SINGLE_STEP;80000005 STATUS_BUFFER_OVERFLOW;80000006' +
  ' STATUS_NO_MORE_FILES;80000007 STATUS_WAKE_SYSTEM_DEBUGGER;8000000a STATUS_HANDLES_CLOSED;800000' +
  '0b STATUS_NO_INHERITANCE;8000000c STATUS_GUID_SUBSTITUTION_MADE;8000000d STATUS_PARTIAL_COPY;800' +
  '0000e STATUS_DEVICE_PAPER_EMPTY;8000000f STATUS_DEVICE_POWERED_OFF;80000010 STATUS_DEVICE_OFF_LI' +
  'NE;80000011 STATUS_DEVICE_BUSY;80000012 STATUS_NO_MORE_EAS;80000013 STATUS_INVALID_EA_NAME;80000' +
  '014 STATUS_EA_LIST_INCONSISTENT;80000015 STATUS_INVALID_EA_FLAG;80000016 STATUS_VERIFY_REQUIRED;' +
  '80000017 STATUS_EXTRANEOUS_INFORMATION;80000018 STATUS_RXACT_COMMIT_NECESSARY;8000001a STATUS_NO' +
  '_MORE_ENTRIES;8000001b STATUS_FILEMARK_DETECTED;8000001c STATUS_MEDIA_CHANGED;8000001d STATUS_BU' +
  'S_RESET;8000001e STATUS_END_OF_MEDIA;8000001f STATUS_BEGINNING_OF_MEDIA;80000020 STATUS_MEDIA_CH' +
  'ECK;80000021 STATUS_SETMARK_DETECTED;80000022 STATUS_NO_DATA_DETECTED;80000023 STATUS_REDIRECTOR' +
  '_HAS_OPEN_HANDLES;80000024 STATUS_SERVER_HAS_OPEN_HANDLES;80000025 STATUS_ALREADY_DISCONNECTED;8' +
  '0000026 STATUS_LONGJUMP;8000002d STATUS_STOPPED_ON_SYMLINK;c0000001 STATUS_UNSUCCESSFUL;c0000002' +
  ' STATUS_NOT_IMPLEMENTED;c0000003 STATUS_INVALID_INFO_CLASS;c0000004 STATUS_INFO_LENGTH_MISMATCH;' +
  'c0000005 STATUS_ACCESS_VIOLATION;c0000006 STATUS_IN_PAGE_ERROR;c0000007 STATUS_PAGEFILE_QUOTA;c0' +
  '000008 STATUS_INVALID_HANDLE;c0000009 STATUS_BAD_INITIAL_STACK;c000000a STATUS_BAD_INITIAL_PC;c0' +
  '00000b STATUS_INVALID_CID;c000000c STATUS_TIMER_NOT_CANCELED;c000000d STATUS_INVALID_PARAMETER;c' +
  '000000e STATUS_NO_SUCH_DEVICE;c000000f STATUS_NO_SUCH_FILE;c0000010 STATUS_INVALID_DEVICE_REQUES' +
  'T;c0000011 STATUS_END_OF_FILE;c0000012 STATUS_WRONG_VOLUME;c0000013 STATUS_NO_MEDIA_IN_DEVICE;c0' +
  '000014 STATUS_UNRECOGNIZED_MEDIA;c0000015 STATUS_NONEXISTENT_SECTOR;c0000016 STATUS_MORE_PROCESS' +
  'ING_REQUIRED;c0000017 STATUS_NO_MEMORY;c0000018 STATUS_CONFLICTING_ADDRESSES;c0000019 STATUS_NOT' +
  '_MAPPED_VIEW;c000001a STATUS_UNABLE_TO_FREE_VM;c000001b STATUS_UNABLE_TO_DELETE_SECTION;c000001c' +
  ' STATUS_INVALID_SYSTEM_SERVICE;c000001d STATUS_ILLEGAL_INSTRUCTION;c000001e STATUS_INVALID_LOCK_' +
  'SEQUENCE;c000001f STATUS_INVALID_VIEW_SIZE;c0000020 STATUS_INVALID_FILE_FOR_SECTION;c0000021 STA' +
  'TUS_ALREADY_COMMITTED;c0000022 STATUS_ACCESS_DENIED;c0000023 STATUS_BUFFER_TOO_SMALL;c0000024 ST' +
  'ATUS_OBJECT_TYPE_MISMATCH;c0000025 STATUS_NONCONTINUABLE_EXCEPTION;c0000026 STATUS_INVALID_DISPO' +
  'SITION;c0000027 STATUS_UNWIND;c0000028 STATUS_BAD_STACK;c0000029 STATUS_INVALID_UNWIND_TARGET;c0' +
  '00002a STATUS_NOT_LOCKED;c000002b STATUS_PARITY_ERROR;c000002c STATUS_UNABLE_TO_DECOMMIT_VM;c000' +
  '002d STATUS_NOT_COMMITTED;c000002e STATUS_INVALID_PORT_ATTRIBUTES;c000002f STATUS_PORT_MESSAGE_T' +
  'OO_LONG;c0000030 STATUS_INVALID_PARAMETER_MIX;c0000031 STATUS_INVALID_QUOTA_LOWER;c0000032 STATU' +
  'S_DISK_CORRUPT_ERROR;c0000033 STATUS_OBJECT_NAME_INVALID;c0000034 STATUS_OBJECT_NAME_NOT_FOUND;c' +
  '0000035 STATUS_OBJECT_NAME_COLLISION;c0000037 STATUS_PORT_DISCONNECTED;c0000038 STATUS_DEVICE_AL' +
  'READY_ATTACHED;c0000039 STATUS_OBJECT_PATH_INVALID;c000003a STATUS_OBJECT_PATH_NOT_FOUND;c000003' +
  'b STATUS_OBJECT_PATH_SYNTAX_BAD;c000003c STATUS_DATA_OVERRUN;c000003d STATUS_DATA_LATE_ERROR;c00' +
  '0003e STATUS_DATA_ERROR;c000003f STATUS_CRC_ERROR;c0000040 STATUS_SECTION_TOO_BIG;c0000041 STATU' +
  'S_PORT_CONNECTION_REFUSED;c0000042 STATUS_INVALID_PORT_HANDLE;c0000043 STATUS_SHARING_VIOLATION;' +
  'c0000044 STATUS_QUOTA_EXCEEDED;c0000045 STATUS_INVALID_PAGE_PROTECTION;c0000046 STATUS_MUTANT_NO' +
  'T_OWNED;c0000047 STATUS_SEMAPHORE_LIMIT_EXCEEDED;c0000048 STATUS_PORT_ALREADY_SET;c0000049 STATU' +
  'S_SECTION_NOT_IMAGE;c000004a STATUS_SUSPEND_COUNT_EXCEEDED;c000004b STATUS_THREAD_IS_TERMINATING' +
  ';c000004c STATUS_BAD_WORKING_SET_LIMIT;c000004d STATUS_INCOMPATIBLE_FILE_MAP;c000004e STATUS_SEC' +
  'TION_PROTECTION;c000004f STATUS_EAS_NOT_SUPPORTED;c0000050 STATUS_EA_TOO_LARGE;c0000051 STATUS_N' +
  'ONEXISTENT_EA_ENTRY;c0000052 STATUS_NO_EAS_ON_FILE;c0000053 STATUS_EA_CORRUPT_ERROR;c0000054 STA' +
  'TUS_FILE_LOCK_CONFLICT;c0000055 STATUS_LOCK_NOT_GRANTED;c0000056 STATUS_DELETE_PENDING;c0000057 ' +
  'STATUS_CTL_FILE_NOT_SUPPORTED;c0000058 STATUS_UNKNOWN_REVISION;c0000059 STATUS_REVISION_MISMATCH' +
  ';c000005a STATUS_INVALID_OWNER;c000005b STATUS_INVALID_PRIMARY_GROUP;c000005c STATUS_NO_IMPERSON' +
  'ATION_TOKEN;c000005d STATUS_CANT_DISABLE_MANDATORY;c000005e STATUS_NO_LOGON_SERVERS;c000005f STA' +
  'TUS_NO_SUCH_LOGON_SESSION;c0000060 STATUS_NO_SUCH_PRIVILEGE;c0000061 STATUS_PRIVILEGE_NOT_HELD;c' +
  '0000062 STATUS_INVALID_ACCOUNT_NAME;c0000063 STATUS_USER_EXISTS;c0000064 STATUS_NO_SUCH_USER;c00' +
  '00065 STATUS_GROUP_EXISTS;c0000066 STATUS_NO_SUCH_GROUP;c0000067 STATUS_MEMBER_IN_GROUP;c0000068' +
  ' STATUS_MEMBER_NOT_IN_GROUP;c0000069 STATUS_LAST_ADMIN;c000006a STATUS_WRONG_PASSWORD;c000006b S' +
  'TATUS_ILL_FORMED_PASSWORD;c000006c STATUS_PASSWORD_RESTRICTION;c000006d STATUS_LOGON_FAILURE;c00' +
  '0006e STATUS_ACCOUNT_RESTRICTION;c000006f STATUS_INVALID_LOGON_HOURS;c0000070 STATUS_INVALID_WOR' +
  'KSTATION;c0000071 STATUS_PASSWORD_EXPIRED;c0000072 STATUS_ACCOUNT_DISABLED;c0000073 STATUS_NONE_' +
  'MAPPED;c0000074 STATUS_TOO_MANY_LUIDS_REQUESTED;c0000075 STATUS_LUIDS_EXHAUSTED;c0000076 STATUS_' +
  'INVALID_SUB_AUTHORITY;c0000077 STATUS_INVALID_ACL;c0000078 STATUS_INVALID_SID;c0000079 STATUS_IN' +
  'VALID_SECURITY_DESCR;c000007a STATUS_PROCEDURE_NOT_FOUND;c000007b STATUS_INVALID_IMAGE_FORMAT;c0' +
  '00007c STATUS_NO_TOKEN;c000007d STATUS_BAD_INHERITANCE_ACL;c000007e STATUS_RANGE_NOT_LOCKED;c000' +
  '007f STATUS_DISK_FULL;c0000080 STATUS_SERVER_DISABLED;c0000081 STATUS_SERVER_NOT_DISABLED;c00000' +
  '82 STATUS_TOO_MANY_GUIDS_REQUESTED;c0000083 STATUS_GUIDS_EXHAUSTED;c0000084 STATUS_INVALID_ID_AU' +
  'THORITY;c0000085 STATUS_AGENTS_EXHAUSTED;c0000086 STATUS_INVALID_VOLUME_LABEL;c0000087 STATUS_SE' +
  'CTION_NOT_EXTENDED;c0000088 STATUS_NOT_MAPPED_DATA;c0000089 STATUS_RESOURCE_DATA_NOT_FOUND;c0000' +
  '08a STATUS_RESOURCE_TYPE_NOT_FOUND;c000008b STATUS_RESOURCE_NAME_NOT_FOUND;c000008c STATUS_ARRAY' +
  '_BOUNDS_EXCEEDED;c000008d STATUS_FLOAT_DENORMAL_OPERAND;c000008e STATUS_FLOAT_DIVIDE_BY_ZERO;c00' +
  '0008f STATUS_FLOAT_INEXACT_RESULT;c0000090 STATUS_FLOAT_INVALID_OPERATION;c0000091 STATUS_FLOAT_' +
  'OVERFLOW;c0000092 STATUS_FLOAT_STACK_CHECK;c0000093 STATUS_FLOAT_UNDERFLOW;c0000094 STATUS_INTEG' +
  'ER_DIVIDE_BY_ZERO;c0000095 STATUS_INTEGER_OVERFLOW;c0000096 STATUS_PRIVILEGED_INSTRUCTION;c00000' +
  '97 STATUS_TOO_MANY_PAGING_FILES;c0000098 STATUS_FILE_INVALID;c0000099 STATUS_ALLOTTED_SPACE_EXCE' +
  'EDED;c000009a STATUS_INSUFFICIENT_RESOURCES;c000009b STATUS_DFS_EXIT_PATH_FOUND;c000009c STATUS_' +
  'DEVICE_DATA_ERROR;c000009d STATUS_DEVICE_NOT_CONNECTED;c000009e STATUS_DEVICE_POWER_FAILURE;c000' +
  '009f STATUS_FREE_VM_NOT_AT_BASE;c00000a0 STATUS_MEMORY_NOT_ALLOCATED;c00000a1 STATUS_WORKING_SET' +
  '_QUOTA;c00000a2 STATUS_MEDIA_WRITE_PROTECTED;c00000a3 STATUS_DEVICE_NOT_READY;c00000a4 STATUS_IN' +
  'VALID_GROUP_ATTRIBUTES;c00000a5 STATUS_BAD_IMPERSONATION_LEVEL;c00000a6 STATUS_CANT_OPEN_ANONYMO' +
  'US;c00000a7 STATUS_BAD_VALIDATION_CLASS;c00000a8 STATUS_BAD_TOKEN_TYPE;c00000a9 STATUS_BAD_MASTE' +
  'R_BOOT_RECORD;c00000aa STATUS_INSTRUCTION_MISALIGNMENT;c00000ab STATUS_INSTANCE_NOT_AVAILABLE;c0' +
  '0000ac STATUS_PIPE_NOT_AVAILABLE;c00000ad STATUS_INVALID_PIPE_STATE;c00000ae STATUS_PIPE_BUSY;c0' +
  '0000af STATUS_ILLEGAL_FUNCTION;c00000b0 STATUS_PIPE_DISCONNECTED;c00000b1 STATUS_PIPE_CLOSING;c0' +
  '0000b2 STATUS_PIPE_CONNECTED;c00000b3 STATUS_PIPE_LISTENING;c00000b4 STATUS_INVALID_READ_MODE;c0' +
  '0000b5 STATUS_IO_TIMEOUT;c00000b6 STATUS_FILE_FORCED_CLOSED;c00000b7 STATUS_PROFILING_NOT_STARTE' +
  'D;c00000b8 STATUS_PROFILING_NOT_STOPPED;c00000b9 STATUS_COULD_NOT_INTERPRET;c00000ba STATUS_FILE' +
  '_IS_A_DIRECTORY;c00000bb STATUS_NOT_SUPPORTED;c00000bc STATUS_REMOTE_NOT_LISTENING;c00000bd STAT' +
  'US_DUPLICATE_NAME;c00000be STATUS_BAD_NETWORK_PATH;c00000bf STATUS_NETWORK_BUSY;c00000c0 STATUS_' +
  'DEVICE_DOES_NOT_EXIST;c00000c1 STATUS_TOO_MANY_COMMANDS;c00000c2 STATUS_ADAPTER_HARDWARE_ERROR;c' +
  '00000c3 STATUS_INVALID_NETWORK_RESPONSE;c00000c4 STATUS_UNEXPECTED_NETWORK_ERROR;c00000c5 STATUS' +
  '_BAD_REMOTE_ADAPTER;c00000c6 STATUS_PRINT_QUEUE_FULL;c00000c7 STATUS_NO_SPOOL_SPACE;c00000c8 STA' +
  'TUS_PRINT_CANCELLED;c00000c9 STATUS_NETWORK_NAME_DELETED;c00000ca STATUS_NETWORK_ACCESS_DENIED;c' +
  '00000cb STATUS_BAD_DEVICE_TYPE;c00000cc STATUS_BAD_NETWORK_NAME;c00000cd STATUS_TOO_MANY_NAMES;c' +
  '00000ce STATUS_TOO_MANY_SESSIONS;c00000cf STATUS_SHARING_PAUSED;c00000d0 STATUS_REQUEST_NOT_ACCE' +
  'PTED;c00000d1 STATUS_REDIRECTOR_PAUSED;c00000d2 STATUS_NET_WRITE_FAULT;c00000d3 STATUS_PROFILING' +
  '_AT_LIMIT;c00000d4 STATUS_NOT_SAME_DEVICE;c00000d5 STATUS_FILE_RENAMED;c00000d6 STATUS_VIRTUAL_C' +
  'IRCUIT_CLOSED;c00000d7 STATUS_NO_SECURITY_ON_OBJECT;c00000d8 STATUS_CANT_WAIT;c00000d9 STATUS_PI' +
  'PE_EMPTY;c00000da STATUS_CANT_ACCESS_DOMAIN_INFO;c00000db STATUS_CANT_TERMINATE_SELF;c00000dc ST' +
  'ATUS_INVALID_SERVER_STATE;c00000dd STATUS_INVALID_DOMAIN_STATE;c00000de STATUS_INVALID_DOMAIN_RO' +
  'LE;c00000df STATUS_NO_SUCH_DOMAIN;c00000e0 STATUS_DOMAIN_EXISTS;c00000e1 STATUS_DOMAIN_LIMIT_EXC' +
  'EEDED;c00000e2 STATUS_OPLOCK_NOT_GRANTED;c00000e3 STATUS_INVALID_OPLOCK_PROTOCOL;c00000e4 STATUS' +
  '_INTERNAL_DB_CORRUPTION;c00000e5 STATUS_INTERNAL_ERROR;c00000e6 STATUS_GENERIC_NOT_MAPPED;c00000' +
  'e7 STATUS_BAD_DESCRIPTOR_FORMAT;c00000e8 STATUS_INVALID_USER_BUFFER;c00000e9 STATUS_UNEXPECTED_I' +
  'O_ERROR;c00000ea STATUS_UNEXPECTED_MM_CREATE_ERR;c00000eb STATUS_UNEXPECTED_MM_MAP_ERROR;c00000e' +
  'c STATUS_UNEXPECTED_MM_EXTEND_ERR;c00000ed STATUS_NOT_LOGON_PROCESS;c00000ee STATUS_LOGON_SESSIO' +
  'N_EXISTS;c00000ef STATUS_INVALID_PARAMETER_1;c00000f0 STATUS_INVALID_PARAMETER_2;c00000f1 STATUS' +
  '_INVALID_PARAMETER_3;c00000f2 STATUS_INVALID_PARAMETER_4;c00000f3 STATUS_INVALID_PARAMETER_5;c00' +
  '000f4 STATUS_INVALID_PARAMETER_6;c00000f5 STATUS_INVALID_PARAMETER_7;c00000f6 STATUS_INVALID_PAR' +
  'AMETER_8;c00000f7 STATUS_INVALID_PARAMETER_9;c00000f8 STATUS_INVALID_PARAMETER_10;c00000f9 STATU' +
  'S_INVALID_PARAMETER_11;c00000fa STATUS_INVALID_PARAMETER_12;c00000fb STATUS_REDIRECTOR_NOT_START' +
  'ED;c00000fc STATUS_REDIRECTOR_STARTED;c00000fd STATUS_STACK_OVERFLOW;c00000fe STATUS_NO_SUCH_PAC' +
  'KAGE;c00000ff STATUS_BAD_FUNCTION_TABLE;c0000100 STATUS_VARIABLE_NOT_FOUND;c0000101 STATUS_DIREC' +
  'TORY_NOT_EMPTY;c0000102 STATUS_FILE_CORRUPT_ERROR;c0000103 STATUS_NOT_A_DIRECTORY;c0000104 STATU' +
  'S_BAD_LOGON_SESSION_STATE;c0000105 STATUS_LOGON_SESSION_COLLISION;c0000106 STATUS_NAME_TOO_LONG;' +
  'c0000107 STATUS_FILES_OPEN;c0000108 STATUS_CONNECTION_IN_USE;c0000109 STATUS_MESSAGE_NOT_FOUND;c' +
  '000010a STATUS_PROCESS_IS_TERMINATING;c000010b STATUS_INVALID_LOGON_TYPE;c000010c STATUS_NO_GUID' +
  '_TRANSLATION;c000010d STATUS_CANNOT_IMPERSONATE;c000010e STATUS_IMAGE_ALREADY_LOADED;c000010f ST' +
  'ATUS_ABIOS_NOT_PRESENT;c0000110 STATUS_ABIOS_LID_NOT_EXIST;c0000111 STATUS_ABIOS_LID_ALREADY_OWN' +
  'ED;c0000112 STATUS_ABIOS_NOT_LID_OWNER;c0000113 STATUS_ABIOS_INVALID_COMMAND;c0000114 STATUS_ABI' +
  'OS_INVALID_LID;c0000115 STATUS_ABIOS_SELECTOR_NOT_AVAILABLE;c0000116 STATUS_ABIOS_INVALID_SELECT' +
  'OR;c0000117 STATUS_NO_LDT;c0000118 STATUS_INVALID_LDT_SIZE;c0000119 STATUS_INVALID_LDT_OFFSET;c0' +
  '00011a STATUS_INVALID_LDT_DESCRIPTOR;c000011b STATUS_INVALID_IMAGE_NE_FORMAT;c000011c STATUS_RXA' +
  'CT_INVALID_STATE;c000011d STATUS_RXACT_COMMIT_FAILURE;c000011e STATUS_MAPPED_FILE_SIZE_ZERO;c000' +
  '011f STATUS_TOO_MANY_OPENED_FILES;c0000120 STATUS_CANCELLED;c0000121 STATUS_CANNOT_DELETE;c00001' +
  '22 STATUS_INVALID_COMPUTER_NAME;c0000123 STATUS_FILE_DELETED;c0000124 STATUS_SPECIAL_ACCOUNT;c00' +
  '00125 STATUS_SPECIAL_GROUP;c0000126 STATUS_SPECIAL_USER;c0000127 STATUS_MEMBERS_PRIMARY_GROUP;c0' +
  '000128 STATUS_FILE_CLOSED;c0000129 STATUS_TOO_MANY_THREADS;c000012a STATUS_THREAD_NOT_IN_PROCESS' +
  ';c000012b STATUS_TOKEN_ALREADY_IN_USE;c000012c STATUS_PAGEFILE_QUOTA_EXCEEDED;c000012d STATUS_CO' +
  'MMITMENT_LIMIT;c000012e STATUS_INVALID_IMAGE_LE_FORMAT;c000012f STATUS_INVALID_IMAGE_NOT_MZ;c000' +
  '0130 STATUS_INVALID_IMAGE_PROTECT;c0000131 STATUS_INVALID_IMAGE_WIN_16;c0000132 STATUS_LOGON_SER' +
  'VER_CONFLICT;c0000133 STATUS_TIME_DIFFERENCE_AT_DC;c0000134 STATUS_SYNCHRONIZATION_REQUIRED;c000' +
  '0135 STATUS_DLL_NOT_FOUND;c0000136 STATUS_OPEN_FAILED;c0000137 STATUS_IO_PRIVILEGE_FAILED;c00001' +
  '38 STATUS_ORDINAL_NOT_FOUND;c0000139 STATUS_ENTRYPOINT_NOT_FOUND;c000013a STATUS_CONTROL_C_EXIT;' +
  'c000013b STATUS_LOCAL_DISCONNECT;c000013c STATUS_REMOTE_DISCONNECT;c000013d STATUS_REMOTE_RESOUR' +
  'CES;c000013e STATUS_LINK_FAILED;c000013f STATUS_LINK_TIMEOUT;c0000140 STATUS_INVALID_CONNECTION;' +
  'c0000141 STATUS_INVALID_ADDRESS;c0000142 STATUS_DLL_INIT_FAILED;c0000143 STATUS_MISSING_SYSTEMFI' +
  'LE;c0000144 STATUS_UNHANDLED_EXCEPTION;c0000145 STATUS_APP_INIT_FAILURE;c0000146 STATUS_PAGEFILE' +
  '_CREATE_FAILED;c0000147 STATUS_NO_PAGEFILE;c0000148 STATUS_INVALID_LEVEL;c0000149 STATUS_WRONG_P' +
  'ASSWORD_CORE;c000014a STATUS_ILLEGAL_FLOAT_CONTEXT;c000014b STATUS_PIPE_BROKEN;c000014c STATUS_R' +
  'EGISTRY_CORRUPT;c000014d STATUS_REGISTRY_IO_FAILED;c000014e STATUS_NO_EVENT_PAIR;c000014f STATUS' +
  '_UNRECOGNIZED_VOLUME;c0000150 STATUS_SERIAL_NO_DEVICE_INITED;c0000151 STATUS_NO_SUCH_ALIAS;c0000' +
  '152 STATUS_MEMBER_NOT_IN_ALIAS;c0000153 STATUS_MEMBER_IN_ALIAS;c0000154 STATUS_ALIAS_EXISTS;c000' +
  '0155 STATUS_LOGON_NOT_GRANTED;c0000156 STATUS_TOO_MANY_SECRETS;c0000157 STATUS_SECRET_TOO_LONG;c' +
  '0000158 STATUS_INTERNAL_DB_ERROR;c0000159 STATUS_FULLSCREEN_MODE;c000015a STATUS_TOO_MANY_CONTEX' +
  'T_IDS;c000015b STATUS_LOGON_TYPE_NOT_GRANTED;c000015c STATUS_NOT_REGISTRY_FILE;c000015d STATUS_N' +
  'T_CROSS_ENCRYPTION_REQUIRED;c000015e STATUS_DOMAIN_CTRLR_CONFIG_ERROR;c000015f STATUS_FT_MISSING' +
  '_MEMBER;c0000160 STATUS_ILL_FORMED_SERVICE_ENTRY;c0000161 STATUS_ILLEGAL_CHARACTER;c0000162 STAT' +
  'US_UNMAPPABLE_CHARACTER;c0000163 STATUS_UNDEFINED_CHARACTER;c0000164 STATUS_FLOPPY_VOLUME;c00001' +
  '65 STATUS_FLOPPY_ID_MARK_NOT_FOUND;c0000166 STATUS_FLOPPY_WRONG_CYLINDER;c0000167 STATUS_FLOPPY_' +
  'UNKNOWN_ERROR;c0000168 STATUS_FLOPPY_BAD_REGISTERS;c0000169 STATUS_DISK_RECALIBRATE_FAILED;c0000' +
  '16a STATUS_DISK_OPERATION_FAILED;c000016b STATUS_DISK_RESET_FAILED;c000016c STATUS_SHARED_IRQ_BU' +
  'SY;c000016d STATUS_FT_ORPHANING;c000016e STATUS_BIOS_FAILED_TO_CONNECT_INTERRUPT;c0000172 STATUS' +
  '_PARTITION_FAILURE;c0000173 STATUS_INVALID_BLOCK_LENGTH;c0000174 STATUS_DEVICE_NOT_PARTITIONED;c' +
  '0000175 STATUS_UNABLE_TO_LOCK_MEDIA;c0000176 STATUS_UNABLE_TO_UNLOAD_MEDIA;c0000177 STATUS_EOM_O' +
  'VERFLOW;c0000178 STATUS_NO_MEDIA;c000017a STATUS_NO_SUCH_MEMBER;c000017b STATUS_INVALID_MEMBER;c' +
  '000017c STATUS_KEY_DELETED;c000017d STATUS_NO_LOG_SPACE;c000017e STATUS_TOO_MANY_SIDS;c000017f S' +
  'TATUS_LM_CROSS_ENCRYPTION_REQUIRED;c0000180 STATUS_KEY_HAS_CHILDREN;c0000181 STATUS_CHILD_MUST_B' +
  'E_VOLATILE;c0000182 STATUS_DEVICE_CONFIGURATION_ERROR;c0000183 STATUS_DRIVER_INTERNAL_ERROR;c000' +
  '0184 STATUS_INVALID_DEVICE_STATE;c0000185 STATUS_IO_DEVICE_ERROR;c0000186 STATUS_DEVICE_PROTOCOL' +
  '_ERROR;c0000187 STATUS_BACKUP_CONTROLLER;c0000188 STATUS_LOG_FILE_FULL;c0000189 STATUS_TOO_LATE;' +
  'c000018a STATUS_NO_TRUST_LSA_SECRET;c000018b STATUS_NO_TRUST_SAM_ACCOUNT;c000018c STATUS_TRUSTED' +
  '_DOMAIN_FAILURE;c000018d STATUS_TRUSTED_RELATIONSHIP_FAILURE;c000018e STATUS_EVENTLOG_FILE_CORRU' +
  'PT;c000018f STATUS_EVENTLOG_CANT_START;c0000190 STATUS_TRUST_FAILURE;c0000191 STATUS_MUTANT_LIMI' +
  'T_EXCEEDED;c0000192 STATUS_NETLOGON_NOT_STARTED;c0000193 STATUS_ACCOUNT_EXPIRED;c0000194 STATUS_' +
  'POSSIBLE_DEADLOCK;c0000195 STATUS_NETWORK_CREDENTIAL_CONFLICT;c0000196 STATUS_REMOTE_SESSION_LIM' +
  'IT;c0000197 STATUS_EVENTLOG_FILE_CHANGED;c0000198 STATUS_NOLOGON_INTERDOMAIN_TRUST_ACCOUNT;c0000' +
  '199 STATUS_NOLOGON_WORKSTATION_TRUST_ACCOUNT;c000019a STATUS_NOLOGON_SERVER_TRUST_ACCOUNT;c00001' +
  '9b STATUS_DOMAIN_TRUST_INCONSISTENT;c000019c STATUS_FS_DRIVER_REQUIRED;c0000202 STATUS_NO_USER_S' +
  'ESSION_KEY;c0000203 STATUS_USER_SESSION_DELETED;c0000204 STATUS_RESOURCE_LANG_NOT_FOUND;c0000205' +
  ' STATUS_INSUFF_SERVER_RESOURCES;c0000206 STATUS_INVALID_BUFFER_SIZE;c0000207 STATUS_INVALID_ADDR' +
  'ESS_COMPONENT;c0000208 STATUS_INVALID_ADDRESS_WILDCARD;c0000209 STATUS_TOO_MANY_ADDRESSES;c00002' +
  '0a STATUS_ADDRESS_ALREADY_EXISTS;c000020b STATUS_ADDRESS_CLOSED;c000020c STATUS_CONNECTION_DISCO' +
  'NNECTED;c000020d STATUS_CONNECTION_RESET;c000020e STATUS_TOO_MANY_NODES;c000020f STATUS_TRANSACT' +
  'ION_ABORTED;c0000210 STATUS_TRANSACTION_TIMED_OUT;c0000211 STATUS_TRANSACTION_NO_RELEASE;c000021' +
  '2 STATUS_TRANSACTION_NO_MATCH;c0000213 STATUS_TRANSACTION_RESPONDED;c0000214 STATUS_TRANSACTION_' +
  'INVALID_ID;c0000215 STATUS_TRANSACTION_INVALID_TYPE;c0000216 STATUS_NOT_SERVER_SESSION;c0000217 ' +
  'STATUS_NOT_CLIENT_SESSION;c0000218 STATUS_CANNOT_LOAD_REGISTRY_FILE;c0000219 STATUS_DEBUG_ATTACH' +
  '_FAILED;c000021a STATUS_SYSTEM_PROCESS_TERMINATED;c000021b STATUS_DATA_NOT_ACCEPTED;c000021c STA' +
  'TUS_NO_BROWSER_SERVERS_FOUND;c000021d STATUS_VDM_HARD_ERROR;c000021e STATUS_DRIVER_CANCEL_TIMEOU' +
  'T;c000021f STATUS_REPLY_MESSAGE_MISMATCH;c0000220 STATUS_MAPPED_ALIGNMENT;c0000221 STATUS_IMAGE_' +
  'CHECKSUM_MISMATCH;c0000222 STATUS_LOST_WRITEBEHIND_DATA;c0000223 STATUS_CLIENT_SERVER_PARAMETERS' +
  '_INVALID;c0000224 STATUS_PASSWORD_MUST_CHANGE;c0000225 STATUS_NOT_FOUND;c0000226 STATUS_NOT_TINY' +
  '_STREAM;c0000227 STATUS_RECOVERY_FAILURE;c0000228 STATUS_STACK_OVERFLOW_READ;c0000229 STATUS_FAI' +
  'L_CHECK;c000022a STATUS_DUPLICATE_OBJECTID;c000022b STATUS_OBJECTID_EXISTS;c000022c STATUS_CONVE' +
  'RT_TO_LARGE;c000022d STATUS_RETRY;c000022e STATUS_FOUND_OUT_OF_SCOPE;c000022f STATUS_ALLOCATE_BU' +
  'CKET;c0000230 STATUS_PROPSET_NOT_FOUND;c0000231 STATUS_MARSHALL_OVERFLOW;c0000232 STATUS_INVALID' +
  '_VARIANT;c0000233 STATUS_DOMAIN_CONTROLLER_NOT_FOUND;c0000234 STATUS_ACCOUNT_LOCKED_OUT;c0000235' +
  ' STATUS_HANDLE_NOT_CLOSABLE;c0000236 STATUS_CONNECTION_REFUSED;c0000237 STATUS_GRACEFUL_DISCONNE' +
  'CT;c0000238 STATUS_ADDRESS_ALREADY_ASSOCIATED;c0000239 STATUS_ADDRESS_NOT_ASSOCIATED;c000023a ST' +
  'ATUS_CONNECTION_INVALID;c000023b STATUS_CONNECTION_ACTIVE;c000023c STATUS_NETWORK_UNREACHABLE;c0' +
  '00023d STATUS_HOST_UNREACHABLE;c000023e STATUS_PROTOCOL_UNREACHABLE;c000023f STATUS_PORT_UNREACH' +
  'ABLE;c0000240 STATUS_REQUEST_ABORTED;c000035c STATUS_NETWORK_SESSION_EXPIRED';
let ntNames: Map<number, string> | null = null;

/** The name of NT status `code`, or undefined when the table has none. */
export function ntStatusName(code: number): string | undefined {
  if (!ntNames) {
    ntNames = new Map();
    for (const e of NT_TEXT.split(';')) {
      const i = e.indexOf(' ');
      ntNames.set(parseInt(e.slice(0, i), 16), e.slice(i + 1));
    }
  }
  return ntNames.get(code >>> 0);
}

/** `STATUS_SUCCESS (0x00000000)` as the tree shows an NT status. */
export function ntStatusText(code: number): string {
  const hexed = `0x${(code >>> 0).toString(16).padStart(8, '0')}`;
  return `${ntStatusName(code) ?? 'Unknown'} (${hexed})`;
}

export const smb2Module = {
  fields: { ...F, ...S },
};
