// NetBIOS datagrams carrying SMB mailslot writes to the browser (host announcements, elections,
// announcement requests), and SMB1 over NBSS on TCP 139 (session request, Negotiate Protocol with
// its dialects, a DOS error and an NT status error), built here and compared with tshark.
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import {
  fieldsOfBoth,
  fuzzFrames,
  oracleReady,
  TcpStream,
  treesOfBoth,
  udpIpFrame,
} from '../../support/proto-oracle.ts';

const le16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** A NetBIOS name in first-level encoding (RFC 1001 14.1): 15 characters padded, then the suffix. */
function nbName(name: string, suffix: number): number[] {
  const raw = [...ascii(name.padEnd(15, ' ')), suffix];
  return [32, ...raw.flatMap((b) => [0x41 + (b >> 4), 0x41 + (b & 15)]), 0];
}

/** A 32-byte SMB1 header. */
function smbHeader(
  cmd: number,
  o: { response?: boolean; flags2?: number; status?: number[]; mid?: number } = {},
): number[] {
  return [
    0xff, 0x53, 0x4d, 0x42, cmd, ...(o.status ?? [0, 0, 0, 0]), o.response ? 0x98 : 0x18,
    ...le16(o.flags2 ?? 0), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...le16(0), ...le16(0xfeff), ...le16(0),
    ...le16(o.mid ?? 1),
  ]; // prettier-ignore
}

/** A Transaction request writing `data` to \MAILSLOT\BROWSE. */
function mailslot(data: number[]): number[] {
  const name = [...ascii('\\MAILSLOT\\BROWSE'), 0];
  const bcc = name.length + data.length;
  const dataOffset = 32 + 1 + 17 * 2 + 2 + name.length;
  return [
    ...smbHeader(0x25),
    17, ...le16(0), ...le16(data.length), ...le16(0), ...le16(0), 0, 0, ...le16(0), ...le32(1000), ...le16(0),
    ...le16(0), ...le16(0), ...le16(data.length), ...le16(dataOffset), 3, 0, ...le16(1), ...le16(1), ...le16(2),
    ...le16(bcc), ...name, ...data,
  ]; // prettier-ignore
}

/** A direct group datagram from HOST<20> to WORKGROUP<1e> carrying `payload`. */
function datagram(payload: number[], type = 0x11): Uint8Array {
  if (type === 0x14) {
    const q = [type, 0x02, 0x89, 0x23, 192, 168, 1, 9, 0, 138, ...nbName('WORKGROUP', 0x1d)];
    return udpIpFrame(138, 138, new Uint8Array(q));
  }
  const names = [...nbName('HOST', 0x20), ...nbName('WORKGROUP', 0x1e)];
  const body = [...names, ...payload];
  const d = [
    type,
    0x0e,
    0x89,
    0x22,
    192,
    168,
    1,
    9,
    0,
    138,
    ...[(body.length >> 8) & 0xff, body.length & 0xff],
    0,
    0,
  ];
  return udpIpFrame(138, 138, new Uint8Array([...d, ...body]));
}

const hostAnnouncement = [
  1, 3, ...le32(720000), ...ascii('HOST'), ...new Array<number>(12).fill(0), 5, 1, ...le32(0x00051003), 15, 1,
  ...le16(0xaa55), ...ascii('a comment'), 0,
]; // prettier-ignore
const domainAnnouncement = [
  12, 0, ...le32(60000), ...ascii('WORKGROUP'), ...new Array<number>(7).fill(0), 4, 0, ...le32(0x80001000),
  ...le32(0x12345678), ...ascii('HOST'), 0,
]; // prettier-ignore
const election = [8, 1, 0x20, 15, 1, 0x10, ...le32(353000000 + 5337), 0, 0, 0, 0, ...ascii('HOST'), 0];
const requestAnnouncement = [2, 0, ...ascii('HOST'), 0];

const stream = new TcpStream(139);
/** The next segment: an NBSS session message around `bytes`, or raw `bytes`. */
const seg = (toServer: boolean, bytes: number[], nbss = true): Uint8Array =>
  stream.segment(
    toServer,
    Uint8Array.from(nbss ? [0, 0, (bytes.length >> 8) & 0xff, bytes.length & 0xff, ...bytes] : bytes),
  );

const sessionRequest = [...nbName('SERVER', 0x20), ...nbName('CLIENT', 0)];
const dialects = ['PC NETWORK PROGRAM 1.0', 'NT LM 0.12', 'SMB 2.002'].flatMap((d) => [2, ...ascii(d), 0]);

const FRAMES = [
  datagram(mailslot(hostAnnouncement)),
  datagram(mailslot(domainAnnouncement)),
  datagram(mailslot(election)),
  datagram(mailslot(requestAnnouncement)),
  datagram([], 0x14),
  ...stream.handshake(),
  seg(true, [0x81, 0, 0, sessionRequest.length, ...sessionRequest], false),
  seg(false, [0x82, 0, 0, 0], false),
  seg(true, [...smbHeader(0x72), 0, ...le16(dialects.length), ...dialects]),
  seg(false, [...smbHeader(0x72, { response: true }), 1, ...le16(1), ...le16(0)]),
  seg(true, [...smbHeader(0x71, { mid: 2 }), 0, ...le16(0)]),
  seg(false, [...smbHeader(0x71, { response: true, status: [2, 0, 6, 0], mid: 2 }), 0, ...le16(0)]),
  seg(true, [...smbHeader(0x71, { mid: 3, flags2: 0xc001 }), 0, ...le16(0)]),
  seg(false, [
    ...smbHeader(0x71, { response: true, flags2: 0xc001, status: le32(0xc00000cc), mid: 3 }),
    0,
    ...le16(0),
  ]),
];

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'nbdgm.type',
  'nbdgm.flags',
  'nbdgm.node_type',
  'nbdgm.src.ip',
  'nbdgm.dgram_len',
  'nbdgm.source_name',
  'nbdgm.destination_name',
  'nbss.type',
  'nbss.called_name',
  'nbss.calling_name',
  'smb.cmd',
  'smb.error_class',
  'smb.error_code',
  'smb.nt_status',
  'smb.flags',
  'smb.flags2',
  'smb.mid',
  'smb.response_to',
  'smb.time',
  'smb.dialect.name',
  'smb.buffer_format',
  'smb.trans_name',
  'smb.timeout',
  'mailslot.opcode',
  'mailslot.class',
  'mailslot.name',
  'browser.command',
  'browser.server',
  'browser.period',
  'browser.server_type',
  'browser.windows_version',
  'browser.comment',
  'browser.mb_server',
  'browser.mysterious_field',
  'browser.election.criteria',
  'browser.uptime',
  'browser.response_computer_name',
];

describe('NBDGM, SMB and BROWSER', () => {
  it('reaches the browser through mailslots and names SMB commands', () => {
    const state = new CaptureState();
    const d = FRAMES.map((f, i) => dissectHex(f, 1, { number: i + 1, tsSec: i }, state));
    expect(d[0]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:nbdgm:smb:browser');
    expect(d[0]?.pinfo.proto).toBe('BROWSER');
    expect(d[0]?.pinfo.info).toBe(
      'Host Announcement HOST, Workstation, Server, NT Workstation, Potential Browser, Master Browser',
    );
    expect(d[0]?.value('nbdgm.source_name')).toBe('HOST<20>');
    expect(d[1]?.pinfo.info).toBe('Domain/Workgroup Announcement WORKGROUP, NT Workstation, Domain Enum');
    expect(d[2]?.pinfo.info).toBe('Browser Election Request');
    expect(d[3]?.pinfo.info).toBe('Request Announcement HOST');
    expect(d[4]?.pinfo.proto).toBe('NBDS');
    expect(d[7]?.pinfo.info).toBe('Session request, to SERVER<20> from CLIENT<00>');
    expect(d[9]?.pinfo.info).toBe('Negotiate Protocol Request');
    expect(d[9]?.value('smb.dialect.name')).toBe('PC NETWORK PROGRAM 1.0,NT LM 0.12,SMB 2.002');
    expect(d[12]?.pinfo.info).toBe(
      'Tree Disconnect Response, Error: Invalid network name. Service not found',
    );
    expect(d[14]?.pinfo.info).toBe('Tree Disconnect Response, Error: STATUS_BAD_NETWORK_NAME');
  });

  it('survives mutated datagrams and streams', () => fuzzFrames(FRAMES, 42, 138));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });

  it.skipIf(!oracleReady)('draws the trees as tshark does', () => {
    const t = treesOfBoth(
      FRAMES,
      /^(NetBIOS Datagram Service|NetBIOS Session Service|SMB Header|SMB MailSlot Protocol|Microsoft Windows Browser Protocol|Trans Request)/,
    );
    expect(t.trawl).toBe(t.tshark);
  });
});
