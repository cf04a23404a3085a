// POP3 on a real session over loopback (Python's poplib against a scripted server): CAPA, USER and
// PASS, STAT, LIST, RETR of a message in two segments, -ERR, and STLS handing over to TLS;
// checked against tshark 4.0 with reassembly on and off.
import { describe, expect, it } from 'vitest';
import {
  dissectFixture,
  fixture,
  garbageSegmentInfos,
  haveTshark,
  mismatches,
} from '../../support/tshark-oracle.ts';

const FILE = 'pop-retr-stls.pcap';

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'pop.request',
  'pop.request.command',
  'pop.request.parameter',
  'pop.request.data',
  'pop.response',
  'pop.response.indicator',
  'pop.response.description',
  'pop.response.data',
  'pop.data.fragment',
  'pop.data.fragment.count',
  'pop.data.reassembled.length',
  'tls.handshake.type',
];

/** The frames that complete a message: tshark hands it to its IMF dissector, which Trawl does not have. */
const IMF = (frame: number, field: string): boolean =>
  [18, 25, 27].includes(frame) && ['_ws.col.Protocol', '_ws.col.Info', 'frame.protocols'].includes(field);

describe.skipIf(!haveTshark)('POP against tshark', () => {
  for (const reassemble of [true, false]) {
    it(`${FILE}, reassembly ${reassemble ? 'on' : 'off'}`, async () => {
      expect(await mismatches(fixture(FILE), FIELDS, reassemble, IMF)).toEqual([]);
    });
  }
});

describe('POP on a real capture', () => {
  it('reads commands and replies with offsets', async () => {
    const d = await dissectFixture(fixture(FILE), true);
    expect(d[3]!.pinfo.proto).toBe('POP');
    expect(d[3]!.pinfo.info).toBe('S: +OK Trawl POP3 server ready');
    expect(d[3]!.value('pop.response.indicator')).toBe('+OK');
    const user = d[8]!;
    expect(user.pinfo.info).toBe('C: USER bob');
    const param = user.nodes('pop.request.parameter')[0]!;
    expect([param.offset, param.length, param.value]).toEqual([71, 3, 'bob']);
    expect(d[7]!.value('pop.response.data')).toBe(',,,');
    expect(d[29]!.value('pop.response.indicator')).toBe('-ERR');
  });

  it('counts message data up to the size the +OK announced', async () => {
    const d = await dissectFixture(fixture(FILE), true);
    expect(d[22]!.pinfo.info).toBe('S: DATA fragment, 308 bytes');
    expect(d[22]!.value('pop.data.fragment')).toBe('');
    expect(d[24]!.value('pop.data.fragment')).toBe('23,25');
    expect(d[24]!.value('pop.data.reassembled.length')).toBe('616');
  });

  it('hands STLS over to TLS after the +OK', async () => {
    const d = await dissectFixture(fixture(FILE), true);
    expect(d[44]!.pinfo.info).toBe('S: +OK Begin TLS negotiation');
    expect(d[45]!.pinfo.info).toBe('Client Hello');
  });
});

describe('POP on built segments', () => {
  it('never throws on garbage', () => {
    for (const info of garbageSegmentInfos(110, ['+OK x y\r\n'], 40, 60)) {
      expect(info).not.toContain('dissector bug');
    }
  });
});
