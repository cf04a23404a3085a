// Wake On LAN magic packets on ethertype 0x0842 (without a password, with a 4- and a 6-byte one)
// and in UDP datagrams found by the heuristic, a near miss (one MAC copy differs), against tshark.
import { describe, expect, it } from 'vitest';
import { dissectHex } from '../../support/dissect-hex.ts';
import { ethFrame, fuzzFrames, hex, udpIpFrame, itAgreesWithTshark } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'wol.sync',
  'wol.mac',
  'wol.passwd',
];

const MAGIC = 'ffffffffffff' + '109add4e060d'.repeat(16);
const FRAMES = [
  ethFrame(0x0842, hex(MAGIC)),
  ethFrame(0x0842, hex(MAGIC + 'c0a80101')),
  ethFrame(0x0842, hex(MAGIC + '010203040506')),
  udpIpFrame(40000, 9, hex(MAGIC)),
  udpIpFrame(40000, 40009, hex(MAGIC + 'c0a80101')),
  // The last copy of the MAC differs: no magic packet.
  udpIpFrame(40000, 40009, hex(MAGIC.slice(0, -2) + '0e')),
  ethFrame(0x0842, hex(MAGIC.slice(0, 100))),
];

describe('WOL', () => {
  it('finds magic packets and their password', () => {
    const d = dissectHex(FRAMES[1] as Uint8Array, 1);
    expect(d.pinfo.proto).toBe('WOL');
    expect(d.pinfo.info).toMatch(/^MagicPacket for .*10:9a:dd:4e:06:0d.*, password 192\.168\.1\.1$/);
    expect(dissectHex(FRAMES[5] as Uint8Array, 1).pinfo.layers).not.toContain('wol');
  });

  it('survives mutated frames', () => fuzzFrames(FRAMES, 14, 9));

  itAgreesWithTshark(FRAMES, FIELDS, /^Wake On LAN/);
});
