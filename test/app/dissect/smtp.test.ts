// SMTP on real sessions over loopback (Python's smtplib against a scripted server): EHLO with a
// multi-line reply, AUTH PLAIN, a message in the DATA phase, a line that is not a command, and
// STARTTLS handing over to TLS; checked against tshark 4.0 with reassembly on and off.
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

const FILE = 'smtp-auth-data-starttls.pcap';

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'smtp.req',
  'smtp.rsp',
  'smtp.command_line',
  'smtp.req.command',
  'smtp.req.parameter',
  'smtp.response',
  'smtp.response.code',
  'smtp.rsp.parameter',
  'smtp.auth.username_password',
  'smtp.data.fragment',
  'smtp.data.fragment.count',
  'smtp.data.reassembled.length',
  'tls.handshake.type',
  '_ws.expert.message',
];

/** Frame 17 ends the message: tshark hands it to its IMF dissector, which Trawl does not have. */
const IMF = (frame: number, field: string): boolean =>
  frame === 17 && ['_ws.col.Protocol', '_ws.col.Info', 'frame.protocols'].includes(field);

describe.skipIf(!haveTshark)('SMTP against tshark', () => {
  for (const reassemble of [true, false]) {
    it(`${FILE}, reassembly ${reassemble ? 'on' : 'off'}`, async () => {
      expect(await mismatches(fixture(FILE), FIELDS, reassemble, IMF)).toEqual([]);
    });
  }
});

describe('SMTP on a real capture', () => {
  it('reads commands and replies, multi-line replies under their first line', async () => {
    const d = await dissectFixture(fixture(FILE), true);
    expect(d[3]!.pinfo.info).toBe('S: 220 mail.trawl.test ESMTP Trawl');
    expect(d[5]!.pinfo.info).toBe('C: ehlo client.trawl.test');
    const cmd = d[5]!.nodes('smtp.req.command')[0]!;
    expect([cmd.offset, cmd.length, cmd.value]).toEqual([66, 4, 'ehlo']);
    const ehlo = d[7]!;
    expect(ehlo.pinfo.info).toBe(
      'S: 250-mail.trawl.test | PIPELINING | SIZE 10240000 | AUTH PLAIN LOGIN | STARTTLS | 8BITMIME',
    );
    expect(ehlo.value('smtp.response.code')).toBe('250');
    expect(ehlo.nodes('smtp.response')[0]!.children!.length).toBe(7);
  });

  it('shows AUTH PLAIN credentials undecoded, and the DATA phase', async () => {
    const d = await dissectFixture(fixture(FILE), true);
    expect(d[8]!.pinfo.info).toBe('C: AUTH PLAIN AGFsaWNlAHNlY3JldA==');
    expect(d[8]!.value('smtp.auth.username_password')).toBe('AGFsaWNlAHNlY3JldA==');
    expect(d[16]!.pinfo.info).toBe('C: .');
    expect(d[16]!.value('smtp.data.reassembled.length')).toBe('294');
    expect(d[33]!.pinfo.info).toBe('C: DATA fragment, 7 bytes');
    expect(d[33]!.pinfo.layers.at(-1)).toBe('data-text-lines');
  });

  it('hands STARTTLS over to TLS after the 220', async () => {
    const d = await dissectFixture(fixture(FILE), true);
    expect(d[48]!.pinfo.info).toBe('C: STARTTLS');
    expect(d[49]!.pinfo.info).toBe('S: 220 2.0.0 Ready to start TLS');
    expect(d[50]!.pinfo.proto).toBe('TLSv1');
    expect(d[50]!.pinfo.info).toBe('Client Hello');
  });
});

describe('SMTP on built segments', () => {
  it('asks TCP for the rest of a cut line, and never throws on garbage', () => {
    const d = dissectSegmentsWith(
      [
        ...handshake(),
        { fromClient: true, seq: 1001, ack: 5001, payload: 'EHLO exa' },
        { fromClient: true, seq: 1009, ack: 5001, payload: 'mple.org\r\n' },
      ],
      25,
      true,
    );
    expect(d[3]!.pinfo.proto).toBe('TCP');
    expect(d[4]!.pinfo.info).toBe('C: EHLO example.org');
    for (const info of garbageSegmentInfos(25, [], 40, 60)) expect(info).not.toContain('dissector bug');
  });
});
