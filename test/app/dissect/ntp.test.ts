import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { dissectHex } from '../../support/dissect-hex.ts';

// Expected values are tshark 4.0.17's for the same frames: tcpdump__ntp.pcap 1 and 2, and a
// control (mode 6) response and a private (mode 7) request tshark decoded the same way.
const CLIENT = `
  00121314 15160012 13141517 08004500 0064e2b5 40004011 0e7fc0a8 6402c0a8
  6401e2c6 007b0050 49b62300 00200000 00000000 00000000 00000000 00000000
  00000000 00000000 00000000 00000000 0000a4b3 9cd101fb 24bf0000 000857ea
  530f6d74 350cc528 6bfec1ab 8ca747c7 3584
`;
const SERVER = `
  00121314 15160012 13141517 080045b8 00506092 40004011 8ffec0a8 6401c0a8
  6402007b e2c6003c 7449e400 03e90000 00000000 005a5354 45500000 00000000
  0000a4b3 9cd101fb 24bfdcf2 5a398419 9119dcf2 5a39841d 6dc50000 0000
`;
const CONTROL = `
  02000000 00010200 00000002 08004500 00340001 00004011 66b60a00 00010a00
  0002007b 9c400020 00001682 00010615 00000000 000c7665 7273696f 6e3d2234
  2200
`;
const PRIVATE = `
  02000000 00010200 00000002 08004500 004c0001 00004011 669e0a00 00010a00
  00029c40 007b0038 00001700 032a0000 00000000 00000000 00000000 00000000
  00000000 00000000 00000000 00000000 00000000 00000000 0000
`;

describe('ntp', () => {
  it('decodes a client request with its MAC', () => {
    const d = dissectHex(CLIENT);
    expect(d.pinfo.proto).toBe('NTP');
    expect(d.pinfo.info).toBe('NTP Version 4, client');
    expect([d.value('ntp.flags.li'), d.value('ntp.flags.vn'), d.value('ntp.flags.mode')]).toEqual([
      '0',
      '4',
      '3',
    ]);
    expect(d.value('ntp.xmt')).toBe('Jul 25, 1987 21:08:33.007738396 UTC');
    expect(d.value('ntp.org')).toBe('NULL');
    expect(d.value('ntp.keyid')).toBe('00000008');
    expect(d.value('ntp.mac')).toBe('57ea530f6d74350cc5286bfec1ab8ca747c73584');
    const [flags] = d.nodes('ntp.flags');
    expect(flags && nodeLabel(flags)).toBe(
      'Flags: 0x23, Leap Indicator: no warning, Version number: NTP Version 4, Mode: client',
    );
    const [precision] = d.nodes('ntp.precision');
    expect(precision && nodeLabel(precision)).toBe('Peer Clock Precision: 4294967296.000000 seconds');
  });

  it('decodes a server reply: reference id, timestamps, root dispersion', () => {
    const d = dissectHex(SERVER);
    expect(d.pinfo.info).toBe('NTP Version 4, server');
    expect(d.value('ntp.flags.li')).toBe('3');
    expect(d.value('ntp.refid')).toBe('53544550');
    expect(d.value('ntp.xmt')).toBe('Jun 19, 2017 14:12:09.516074047 UTC');
    expect(d.value('ntp.rootdispersion')).toBe('90');
    const [refid] = d.nodes('ntp.refid');
    expect(refid && nodeLabel(refid)).toBe("Reference ID: Unidentified reference source 'STEP'");
    const [disp] = d.nodes('ntp.rootdispersion');
    expect(disp && nodeLabel(disp)).toBe('Root Dispersion: 0.001373 seconds');
  });

  it('decodes control and private message headers', () => {
    const c = dissectHex(CONTROL);
    expect(c.pinfo.info).toBe('NTP Version 2, control');
    expect(c.value('ntp.ctrl.flags2.r')).toBe('1');
    expect(c.value('ntp.ctrl.flags2.opcode')).toBe('2');
    expect(c.value('ntp.ctrl.count')).toBe('12');
    const [status] = c.nodes('ntp.ctrl.status');
    expect(status && nodeLabel(status)).toBe(
      'Status: 0x0615, Leap Indicator: no warning, Clock Source: UDP/NTP, System Event Code: clock synchronized',
    );
    const p = dissectHex(PRIVATE);
    expect(p.pinfo.info).toBe('NTP Version 2, private, Request, MON_GETLIST_1');
    expect(p.value('ntp.priv.reqcode')).toBe('42');
    expect(p.value('ntp.priv.impl')).toBe('3');
  });
});
