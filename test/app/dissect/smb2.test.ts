// SMB2 over direct-hosted TCP 445 on built streams against tshark: negotiate with 3.1.1 contexts,
// tree connect and create (names remembered for later Info), read, write, close, an error
// response, a compounded request, an encrypted (transform) message, and a message split over two
// segments (reassembled by NBSS).
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { fieldsOfBoth, fuzzFrames, oracleReady, TcpStream, treesOfBoth } from '../../support/proto-oracle.ts';

const le16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const le64 = (v: number): number[] => [...le32(v), 0, 0, 0, 0];
const utf16 = (s: string): number[] => [...s].flatMap((c) => le16(c.charCodeAt(0)));
const zeros = (n: number): number[] => new Array<number>(n).fill(0);

interface Hdr {
  cmd: number;
  response?: boolean;
  status?: number;
  msgId: number;
  tid?: number;
  sesid?: number;
  next?: number;
  flags?: number;
}

/** A 64-byte sync SMB2 header. */
function header(h: Hdr): number[] {
  const flags = (h.response ? 1 : 0) | (h.flags ?? 0);
  return [
    0xfe, 0x53, 0x4d, 0x42, ...le16(64), ...le16(1),
    ...(h.response ? le32(h.status ?? 0) : [...le16(0), 0, 0]),
    ...le16(h.cmd), ...le16(h.response ? 1 : 31), ...le32(flags), ...le32(h.next ?? 0),
    ...le64(h.msgId), ...le32(0xfeff), ...le32(h.tid ?? 0), ...le64(h.sesid ?? 0), ...zeros(16),
  ]; // prettier-ignore
}

const FID = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

const negotiateRequest = (): number[] => {
  const dialects = [0x0202, 0x0210, 0x0300, 0x0302, 0x0311];
  const body = [
    ...le16(36), ...le16(dialects.length), 1, 0, 0, 0, ...le32(0x7f), ...FID,
    ...le32(0x70), ...le16(2), 0, 0, ...dialects.flatMap(le16),
  ]; // prettier-ignore
  while ((64 + body.length) % 8) body.push(0);
  body.push(...le16(1), ...le16(38), ...zeros(4), ...le16(1), ...le16(32), ...le16(1), ...zeros(32));
  while ((64 + body.length) % 8) body.push(0);
  body.push(...le16(2), ...le16(6), ...zeros(4), ...le16(2), ...le16(2), ...le16(1));
  return [...header({ cmd: 0, msgId: 0 }), ...body];
};

const negotiateResponse = (): number[] => [
  ...header({ cmd: 0, msgId: 0, response: true }),
  ...le16(65), 1, 0, ...le16(0x0302), ...le16(0), ...FID, ...le32(0x2f), ...le32(65536), ...le32(65536),
  ...le32(65536), 0x00, 0x80, 0x3e, 0xd5, 0xde, 0xb1, 0x9d, 0x01, ...zeros(8), ...le16(0x80), ...le16(0),
  ...le32(0),
]; // prettier-ignore

const treeConnect = (): number[] => {
  const path = utf16('\\\\srv\\share');
  return [
    ...header({ cmd: 3, msgId: 2, sesid: 0x55 }),
    ...le16(9),
    0,
    0,
    ...le16(72),
    ...le16(path.length),
    ...path,
  ];
};
const treeConnected = (): number[] => [
  ...header({ cmd: 3, msgId: 2, response: true, sesid: 0x55, tid: 7 }),
  ...le16(16), 1, 0, ...le32(0), ...le32(0), ...le32(0x1f01ff),
]; // prettier-ignore

const create = (): number[] => {
  const name = utf16('dir\\foo.txt');
  return [
    ...header({ cmd: 5, msgId: 3, sesid: 0x55, tid: 7 }),
    ...le16(57), 0, 0, ...le32(2), ...zeros(8), ...zeros(8), ...le32(0x80), ...le32(0x80), ...le32(7),
    ...le32(1), ...le32(0x40), ...le16(120), ...le16(name.length), ...le32(0), ...le32(0), ...name,
  ]; // prettier-ignore
};
const created = (): number[] => [
  ...header({ cmd: 5, msgId: 3, response: true, sesid: 0x55, tid: 7 }),
  ...le16(89), 0, 0, ...le32(1), ...zeros(32), ...le64(4096), ...le64(11), ...le32(0x20), ...zeros(4),
  ...FID, ...le32(0), ...le32(0),
]; // prettier-ignore

const read = (): number[] => [
  ...header({ cmd: 8, msgId: 4, sesid: 0x55, tid: 7 }),
  ...le16(49), 0x50, 0, ...le32(11), ...le64(0), ...FID, ...le32(1), ...le32(0), ...le32(0), ...le16(0),
  ...le16(0), 0,
]; // prettier-ignore
const readData = (): number[] => [
  ...header({ cmd: 8, msgId: 4, response: true, sesid: 0x55, tid: 7 }),
  ...le16(17), 0x50, 0, ...le32(11), ...le32(0), ...le32(0), ...[...'hello world'].map((c) => c.charCodeAt(0)),
]; // prettier-ignore
const notFound = (): number[] => [
  ...header({ cmd: 5, msgId: 5, response: true, status: 0xc0000034, sesid: 0x55, tid: 7 }),
  ...le16(9), 0, 0, ...le32(0), 0,
]; // prettier-ignore
const missing = (): number[] => {
  const name = utf16('nope');
  return [
    ...header({ cmd: 5, msgId: 5, sesid: 0x55, tid: 7 }),
    ...le16(57), 0, 0, ...le32(2), ...zeros(16), ...le32(0x80), ...le32(0), ...le32(7), ...le32(1), ...le32(0),
    ...le16(120), ...le16(name.length), ...le32(0), ...le32(0), ...name,
  ]; // prettier-ignore
};
/** A Close compounded after a Write (chain offset of the first, CHAINED flag on the second). */
const compound = (): number[] => {
  const write = [
    ...le16(49), ...le16(112), ...le32(4), ...le64(0), ...FID, ...le32(0), ...le32(0), ...le16(0), ...le16(0),
    ...le32(0), 0x61, 0x62, 0x63, 0x64,
  ]; // prettier-ignore
  while (write.length % 8) write.push(0);
  const first = [...header({ cmd: 9, msgId: 6, sesid: 0x55, tid: 7, next: 64 + write.length }), ...write];
  const close = [
    ...header({ cmd: 6, msgId: 7, sesid: 0x55, tid: 7, flags: 4 }),
    ...le16(24),
    ...le16(0),
    ...le32(0),
    ...FID,
  ];
  return [...first, ...close];
};
const encrypted = (): number[] => [
  0xfd, 0x53, 0x4d, 0x42, ...zeros(16).map((_, i) => i + 1), ...zeros(16).map((_, i) => 0xa0 + i), ...le32(24),
  0, 0, ...le16(1), ...le64(0x55), ...zeros(24).map((_, i) => i),
]; // prettier-ignore

const stream = new TcpStream(445);
/** The next segment: NBSS direct-hosted framing (24-bit length) around `bytes`, or raw `bytes`. */
const seg = (toServer: boolean, bytes: number[], framed = true): Uint8Array =>
  stream.segment(
    toServer,
    Uint8Array.from(framed ? [0, 0, (bytes.length >> 8) & 0xff, bytes.length & 0xff, ...bytes] : bytes),
  );

const split = [0, 0, 0, read().length, ...read()];
const FRAMES = [
  ...stream.handshake(),
  seg(true, negotiateRequest()),
  seg(false, negotiateResponse()),
  seg(true, treeConnect()),
  seg(false, treeConnected()),
  seg(true, create()),
  seg(false, created()),
  seg(true, split.slice(0, 30), false),
  seg(true, split.slice(30), false),
  seg(false, readData()),
  seg(true, missing()),
  seg(false, notFound()),
  seg(true, compound()),
  seg(true, encrypted()),
];

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'nbss.type',
  'nbss.length',
  'smb2.cmd',
  'smb2.nt_status',
  'smb2.msg_id',
  'smb2.flags',
  'smb2.tid',
  'smb2.sesid',
  'smb2.chain_offset',
  'smb2.response_to',
  'smb2.time',
  'smb2.response_in',
  'smb2.dialect',
  'smb2.capabilities',
  'smb2.client_guid',
  'smb2.server_guid',
  'smb2.current_time',
  'smb2.negotiate_context.type',
  'smb2.negotiate_context.cipher_id',
  'smb2.tree',
  'smb2.share_type',
  'smb2.filename',
  'smb2.create.disposition',
  'smb2.create.action',
  'smb2.fid',
  'smb2.eof',
  'smb2.read_length',
  'smb2.file_offset',
  'smb2.read_data',
  'smb2.write_length',
  'smb2.write_data',
  'data.data',
  'smb2.olb.offset',
  'smb2.olb.length',
  'smb2.error.byte_count',
  'smb2.header.transform.nonce',
  'smb2.header.transform.msg_size',
  'smb2.header.transform.flags.encrypted',
  'smb2.header.transform.enc_data',
];

describe('SMB2', () => {
  it('titles commands, names trees and files, and pairs responses', () => {
    const state = new CaptureState();
    const d = FRAMES.map((f, i) => dissectHex(f, 1, { number: i + 1, tsSec: i }, state));
    expect(d[2]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:nbss:smb2');
    expect(d[2]?.pinfo.proto).toBe('SMB2');
    expect(d[2]?.pinfo.info).toBe('Negotiate Protocol Request');
    expect(d[2]?.value('smb2.dialect')).toBe('0x0202,0x0210,0x0300,0x0302,0x0311');
    expect(d[2]?.value('smb2.client_guid')).toBe('04030201-0605-0807-090a-0b0c0d0e0f10');
    expect(d[3]?.value('smb2.response_to')).toBe('3');
    expect(d[4]?.pinfo.info).toBe('Tree Connect Request Tree: \\\\srv\\share');
    expect(d[6]?.pinfo.info).toBe('Create Request File: dir\\foo.txt');
    expect(d[6]?.value('smb2.tree')).toBe('\\\\srv\\share');
    expect(d[7]?.pinfo.info).toBe('Create Response File: dir\\foo.txt');
    expect(d[9]?.pinfo.info).toBe('Read Request Len:11 Off:0 File: dir\\foo.txt');
    expect(d[12]?.pinfo.info).toBe('Create Response, Error: STATUS_OBJECT_NAME_NOT_FOUND');
    expect(d[13]?.pinfo.info).toBe(
      'Write Request Len:4 Off:0 File: dir\\foo.txt;Close Request File: dir\\foo.txt',
    );
    expect(d[14]?.pinfo.info).toBe('Encrypted SMB3');
    expect(d[14]?.value('smb2.header.transform.msg_size')).toBe('24');
  });

  it('survives mutated streams', () => fuzzFrames(FRAMES, 54, 445));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });

  it.skipIf(!oracleReady)('draws the NBSS tree and the SMB2 headers as tshark does', () => {
    const t = treesOfBoth(
      FRAMES,
      /^(NetBIOS Session Service|SMB2 Header|SMB2 Transform Header|Encrypted SMB3)/,
    );
    expect(t.trawl).toBe(t.tshark);
  });
});
