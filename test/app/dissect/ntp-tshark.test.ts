// NTP time packets, control (mode 6) and private (mode 7) messages from test/fixtures/ntp-control.pcap
// (generated: every control opcode, status word kind and variable list shape), against tshark.
import { describe, expect, it } from 'vitest';
import { fixture, haveTshark, mismatches, ourTree, tsharkTree } from '../../support/tshark-oracle.ts';

const FILE = fixture('ntp-control.pcap');
const FIELDS = [
  '_ws.col.Info',
  'ntp.flags.mode',
  'ntp.stratum',
  'ntp.refid',
  'ntp.xmt',
  'ntp.keyid',
  'ntp.mac',
  'ntp.ctrl.flags2.opcode',
  'ntp.ctrl.status',
  'ntp.ctrl.sys_status.clksrc',
  'ntp.ctrl.peer_status.selection',
  'ntp.ctrl.peer_status.reach',
  'ntp.ctrl.clock_status.status',
  'ntp.ctrl.err_status',
  'ntp.ctrl.associd',
  'ntp.ctrl.configuration',
  'ntp.ctrl.mru',
  'ntp.ctrl.nonce',
  'ntp.ctrl.trapmsg',
  'ntp.priv.impl',
  'ntp.priv.numitems',
];

describe('NTP against tshark', () => {
  it("splits a read-variables response into tshark's nested parts", async () => {
    const tree = await ourTree(FILE, /^Network Time Protocol/);
    expect(tree).toContain(
      [
        '        leap=00',
        '            leap=00',
        '                leap',
        '                =',
        '                00',
        '                    00',
        '                        00',
      ].join('\n'),
    );
    expect(tree).toContain('    .... 0000  0000 0000 = Number of data items: 0');
    expect(tree).not.toContain('Item: ');
  });

  it.skipIf(!haveTshark)('draws the same NTP tree as tshark', async () => {
    const heads = /^Network Time Protocol/;
    expect(await ourTree(FILE, heads)).toBe(tsharkTree(FILE, heads));
  });

  it.skipIf(!haveTshark)("gives tshark's fields", async () => {
    expect(await mismatches(FILE, FIELDS, true)).toEqual([]);
  });
});
