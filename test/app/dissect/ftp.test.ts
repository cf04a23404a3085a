// FTP on real sessions over loopback (curl and Python's ftplib against a scripted server):
// requests and replies, PORT / PASV / EPSV, the working directory, the FTP-DATA connections they
// announce, AUTH TLS handing over to TLS; checked against tshark 4.0 with reassembly on and off.
import { describe, expect, it } from 'vitest';
import { handshake } from '../../support/tcp-frames.ts';
import {
  dissectFixture,
  dissectSegmentsWith,
  fixture,
  garbageSegmentInfos,
  haveTshark,
  mismatches,
} from '../../support/tshark-oracle.ts';

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'ftp.request',
  'ftp.response',
  'ftp.request.command',
  'ftp.request.arg',
  'ftp.response.code',
  'ftp.response.arg',
  'ftp.passive.ip',
  'ftp.passive.port',
  'ftp.active.cip',
  'ftp.active.port',
  'ftp.eprt.af',
  'ftp.eprt.ip',
  'ftp.eprt.port',
  'ftp.epsv.ip',
  'ftp.epsv.port',
  'ftp.current-working-directory',
  'ftp-data.setup-frame',
  'ftp-data.setup-method',
  'ftp-data.command',
  'ftp-data.command-frame',
  'ftp-data.current-working-directory',
  'tls.handshake.type',
  '_ws.expert.message',
];

const CAPTURES = ['ftp-passive-active.pcap', 'ftp-cwd-auth-tls.pcap'];

describe.skipIf(!haveTshark)('FTP against tshark', () => {
  for (const file of CAPTURES) {
    for (const reassemble of [true, false]) {
      it(`${file}, reassembly ${reassemble ? 'on' : 'off'}`, async () => {
        expect(await mismatches(fixture(file), FIELDS, reassemble)).toEqual([]);
      });
    }
  }
});

describe('FTP on real captures', () => {
  it('reads requests and replies with offsets', async () => {
    const d = await dissectFixture(fixture('ftp-passive-active.pcap'), true);
    expect(d[3]!.pinfo.proto).toBe('FTP');
    expect(d[3]!.pinfo.info).toBe('Response: 220 Welcome to the Trawl test FTP');
    expect(d[3]!.value('ftp.response.code')).toBe('220');
    const user = d[5]!;
    expect(user.pinfo.info).toBe('Request: USER anonymous');
    const cmd = user.nodes('ftp.request.command')[0]!;
    const arg = user.nodes('ftp.request.arg')[0]!;
    expect([cmd.offset, cmd.length, cmd.value]).toEqual([66, 4, 'USER']);
    expect([arg.offset, arg.length, arg.value]).toEqual([71, 9, 'anonymous']);
  });

  it('parses PASV, EPSV and PORT and follows the data connections', async () => {
    const d = await dissectFixture(fixture('ftp-passive-active.pcap'), true);
    expect(d[15]!.value('ftp.epsv.port')).toBe('50000');
    expect(d[23]!.pinfo.proto).toBe('FTP-DATA');
    expect(d[23]!.pinfo.info).toBe('FTP Data: 128 bytes (EPASV) (TYPE A)');
    expect(d[23]!.pinfo.layers.slice(-2)).toEqual(['ftp-data', 'data-text-lines']);
    expect(d[49]!.value('ftp.passive.ip')).toBe('127.0.0.1');
    expect(d[49]!.value('ftp.passive.port')).toBe('50001');
    expect(d[59]!.pinfo.info).toBe('FTP Data: 3000 bytes (PASV) (TYPE I)');
    expect(d[84]!.value('ftp.active.port')).toBe('50080');
    expect(d[95]!.pinfo.info).toBe('FTP Data: 3000 bytes (PORT) (TYPE I)');
  });

  it('tracks the working directory and hands AUTH TLS over to TLS', async () => {
    const d = await dissectFixture(fixture('ftp-cwd-auth-tls.pcap'), true);
    expect(d[15]!.value('ftp.current-working-directory')).toBe('pub');
    expect(d[17]!.value('ftp.current-working-directory')).toBe('pub/incoming');
    expect(d[19]!.value('ftp.current-working-directory')).toBe('pub');
    expect(d[21]!.value('ftp.current-working-directory')).toBe('incoming');
    expect(d[13]!.pinfo.info).toBe('Response: 211-Features:');
    expect(d[53]!.pinfo.info).toBe('Response: 234 Proceed with negotiation.');
    expect(d[54]!.pinfo.proto).toBe('TLSv1');
    expect(d[54]!.pinfo.info).toBe('Client Hello');
  });

  it('shows a frame dissected again as the first time', async () => {
    const d = await dissectFixture(fixture('ftp-cwd-auth-tls.pcap'), true);
    const again = await dissectFixture(fixture('ftp-cwd-auth-tls.pcap'), true);
    for (const i of [15, 21, 31, 54]) expect(again[i]!.pinfo.info).toBe(d[i]!.pinfo.info);
  });
});

describe('FTP on built segments', () => {
  it('never throws on garbage, cut lines or bad PORT/EPRT/EPSV arguments', () => {
    const lines = [
      'PORT 999,1,2\r\n',
      'EPRT |9|x|y|\r\n',
      'EPRT\r\n',
      '229 Entering Extended Passive Mode (|||x|)\r\n',
      '227 Entering Passive Mode (1,2,3)\r\n',
      '257 no quotes\r\n',
      'USER',
    ];
    for (const info of garbageSegmentInfos(21, lines, 60, 50)) expect(info).not.toContain('dissector bug');
  });

  it('marks a bad EPRT as tshark does', () => {
    const d = dissectSegmentsWith(
      [...handshake(), { fromClient: true, seq: 1001, ack: 5001, payload: 'EPRT |9|x|y|\r\n' }],
      21,
      true,
    );
    expect(d[3]!.nodes('_ws.expert')[0]!.label).toBe(
      '[Expert Info (Warning/Malformed): EPRT arguments must have the form: |<family>|<addr>|<port>|]',
    );
  });
});
