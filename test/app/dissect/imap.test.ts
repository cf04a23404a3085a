// IMAP on a real session over loopback (Python's imaplib against a scripted server): CAPABILITY,
// LOGIN, SELECT, UID FETCH, FETCH of a message literal, COPY, an unknown command, STARTTLS handing
// over to TLS; checked against tshark 4.0 with reassembly on and off.
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import {
  dissectFixture,
  fixture,
  garbageSegmentInfos,
  haveTshark,
  mismatches,
} from '../../support/tshark-oracle.ts';

const FILE = 'imap-fetch-starttls.pcap';

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'imap.isrequest',
  'imap.line',
  'imap.request',
  'imap.request_tag',
  'imap.response',
  'imap.response_tag',
  'imap.request.command',
  'imap.response.command',
  'imap.response.status',
  'imap.tag',
  'imap.command',
  'imap.request.folder',
  'imap.request.command.uid',
  'imap.request.username',
  'imap.request.password',
  'imap.response_in',
  'imap.response_to',
  'imap.time',
  'tls.handshake.type',
];

/**
 * Frame 18 completes the FETCH response: tshark hands the literal to its IMF dissector, which
 * Trawl does not have.
 */
const IMF = (frame: number, field: string): boolean =>
  frame === 18 && ['_ws.col.Protocol', '_ws.col.Info'].includes(field);

describe.skipIf(!haveTshark)('IMAP against tshark', () => {
  for (const reassemble of [true, false]) {
    it(`${FILE}, reassembly ${reassemble ? 'on' : 'off'}`, async () => {
      expect(await mismatches(fixture(FILE), FIELDS, reassemble, IMF)).toEqual([]);
    });
  }
});

describe('IMAP on a real capture', () => {
  it('reads tagged requests and responses, and pairs them', async () => {
    const d = await dissectFixture(fixture(FILE), true);
    expect(d[3]!.pinfo.info).toMatch(/^Response: \* OK \[CAPABILITY/);
    const login = d[8]!;
    expect(login.pinfo.proto).toBe('IMAP');
    expect(login.value('imap.request.command')).toBe('LOGIN');
    expect(login.value('imap.request.username')).toBe('bob');
    expect(login.value('imap.request.password')).toBe('secret');
    const tag = login.nodes('imap.request_tag')[0]!;
    expect([tag.offset, tag.length]).toEqual([66, 5]);
    expect(d[9]!.value('imap.response_to')).toBe('9');
    expect(d[9]!.value('imap.time')).toMatch(/^0\.\d{9}$/);
    expect(d[10]!.value('imap.request.folder')).toBe('INBOX');
    expect(d[12]!.value('imap.request.command.uid')).toBe('1');
  });

  it('takes a FETCH literal along, asking TCP for the rest of it', async () => {
    const d = await dissectFixture(fixture(FILE), true);
    expect(d[15]!.pinfo.proto).toBe('TCP');
    expect(d[17]!.value('imap.line')).toBe(
      '* 1 FETCH (BODY[] {72}\\r\\n,)\\r\\n,DCOA4 OK FETCH completed\\r\\n',
    );
  });

  it('shows the response frame on a request dissected again', async () => {
    const state = new CaptureState();
    await dissectFixture(fixture(FILE), true, state);
    const again = await dissectFixture(fixture(FILE), true, state);
    expect(again[8]!.value('imap.response_in')).toBe('10');
  });
});

describe('IMAP on built segments', () => {
  it('never throws on garbage, bad LOGIN or FETCH lines', () => {
    const lines = [
      'a LOGIN x\r\n',
      'a LOGIN x y\r\n',
      '* 1 FETCH\r\n',
      '* 1 FETCH (BODY[] {9999}\r\nab',
      '* F F\r\n',
    ];
    for (const info of garbageSegmentInfos(143, lines, 40, 60)) expect(info).not.toContain('dissector bug');
  });
});
