import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import type { FieldNode } from '../../../app/dissect/tree.ts';
import { dissectHex } from '../../support/dissect-hex.ts';

// pcpp__EthDot3.pcap frame 1: 802.3, LLC with the STP SAPs, a UI frame
const STP =
  '0180c20000000013f7115edb0026424203000000000000000013f71edff00000271080000013f7115ec08' +
  '01b0100140002000f000000000000000000';

// pcpp__VlanPackets.pcap frame 23, first 48 of 375 bytes: 802.3, LLC/SNAP, Cisco OUI, PID CDP
const SNAP_CISCO =
  '01000ccccccc000f345f168d0169aaaa0300000c200002b401a5000100065332000500c2436973636f20494f5320536f';

// Made with text2pcap and decoded by tshark 4.0 (the corpus has only UI frames):
// SNAP with OUI 0 (an ethertype) around IPv4/ICMP
const SNAP_ETHERTYPE =
  'ffffffffffff001122334455002eaaaa0300000008004500002e000000004001f8c80a0000010a0000020800f7ff' +
  '00000000000000000000000000000000000000000000';
// an I frame with P set, an S frame (SREJ, F), a U frame (TEST, F): two-byte and one-byte controls
const I_FRAME = 'ffffffffffff001122334455001010100a0b02030405060708090a0b0c0d';
const S_FRAME = 'ffffffffffff001122334455001010110d0b02030405060708090a0b0c0d';
const U_FRAME = 'ffffffffffff00112233445500101011f302030405060708090a0b0c0d';
// SNAP with an OUI nobody knows
const SNAP_OTHER = 'ffffffffffff0011223344550010aaaa03123456abcd0102030405060708';
// an 802.3 length of 2: the LLC header does not fit
const TOO_SHORT = 'ffffffffffff00112233445500024242030102030405060708';

const labels = (n: FieldNode | undefined): string[] => (n?.children ?? []).map((c) => nodeLabel(c));

describe('llc', () => {
  it('decodes SAPs and a UI control field with offsets and tshark labels', () => {
    const d = dissectHex(STP);
    expect(d.value('llc.dsap')).toBe('0x42');
    expect(d.value('llc.dsap.sap')).toBe('33');
    expect(d.value('llc.dsap.ig')).toBe('0');
    expect(d.value('llc.ssap')).toBe('0x42');
    expect(d.value('llc.ssap.cr')).toBe('0');
    expect(d.value('llc.control')).toBe('0x0003');
    expect(d.value('llc.control.u_modifier_cmd')).toBe('0x00');
    expect(d.value('llc.control.ftype')).toBe('0x03');
    const [llc] = d.nodes('llc');
    expect([llc?.offset, llc?.length]).toEqual([14, 3]);
    expect(labels(llc)).toEqual([
      'DSAP: Spanning Tree BPDU (0x42)',
      'SSAP: Spanning Tree BPDU (0x42)',
      'Control field: U, func=UI (0x03)',
    ]);
    expect(labels(d.nodes('llc.dsap')[0])).toEqual([
      '0100 001. = SAP: Spanning Tree BPDU',
      '.... ...0 = IG Bit: Individual',
    ]);
    expect(labels(d.nodes('llc.control')[0])).toEqual([
      '000. 00.. = Command: Unnumbered Information (0x00)',
      '.... ..11 = Frame type: Unnumbered frame (0x3)',
    ]);
    expect(d.nodes('llc.control')[0]?.offset).toBe(16);
    // SAP 0x42 goes on into STP, as in tshark.
    expect(d.value('frame.protocols')).toBe('eth:llc:stp');
  });

  it('decodes SNAP with the Cisco OUI and its PID', () => {
    const d = dissectHex(SNAP_CISCO, 1, { origLen: 375 });
    expect(d.value('llc.oui')).toBe('12');
    expect(d.value('llc.cisco_pid')).toBe('0x2000');
    expect(d.nodes('llc.pid')).toHaveLength(0);
    const [llc] = d.nodes('llc');
    expect([llc?.offset, llc?.length]).toEqual([14, 8]);
    expect(labels(llc).slice(3)).toEqual([
      'Organization Code: 00:00:0c (Cisco Systems, Inc)',
      'PID: CDP (0x2000)',
    ]);
    expect(d.nodes('llc.oui')[0]?.offset).toBe(17);
    expect(d.nodes('llc.cisco_pid')[0]?.offset).toBe(20);
  });

  it('hands SNAP with OUI 0 to the ethertype table, as llc.type and without an ethertype layer', () => {
    const d = dissectHex(SNAP_ETHERTYPE);
    expect(d.value('llc.type')).toBe('0x0800');
    expect(d.value('llc.oui')).toBe('0');
    expect(d.value('frame.protocols').startsWith('eth:llc:ip')).toBe(true);
  });

  it('sets LLC columns when nothing above claims the payload', () => {
    const d = dissectHex(SNAP_OTHER);
    expect(d.value('frame.protocols')).toBe('eth:llc:data');
    expect(d.pinfo.proto).toBe('LLC');
    expect(d.pinfo.info).toBe('U, func=UI; SNAP, OUI 0x123456 (Unknown), PID 0xABCD');
    expect(d.value('llc.pid')).toBe('0xabcd');
    const [oui] = d.nodes('llc.oui');
    expect(oui && nodeLabel(oui)).toBe('Organization Code: 12:34:56');
  });

  it('decodes an I frame: two control bytes, little-endian', () => {
    const d = dissectHex(I_FRAME);
    expect(d.value('llc.control')).toBe('0x0b0a');
    expect(d.value('llc.control.n_r')).toBe('5');
    expect(d.value('llc.control.n_s')).toBe('5');
    expect(d.value('llc.control.p')).toBe('1');
    expect(d.value('llc.control.ftype')).toBe('0x0000');
    expect(d.nodes('llc')[0]?.length).toBe(4);
    expect(labels(d.nodes('llc.control')[0])).toEqual([
      '0000 101. .... .... = N(R): 5',
      '.... .... 0000 101. = N(S): 5',
      '.... ...1 .... .... = Poll: Set',
      '.... .... .... ...0 = Frame type: Information frame (0x0)',
    ]);
    expect(d.pinfo.info).toBe(
      'I P, N(R)=5, N(S)=5; DSAP NetWare (unofficial?) Individual, SSAP NetWare (unofficial?) Command',
    );
  });

  it('decodes S and U frames sent as responses', () => {
    const s = dissectHex(S_FRAME);
    expect(s.value('llc.control.s_ftype')).toBe('0x0003');
    expect(s.value('llc.control.ftype')).toBe('0x0001');
    expect(s.value('llc.control.f')).toBe('1');
    expect(s.value('llc.ssap.cr')).toBe('1');
    expect(s.pinfo.info).toBe(
      'S F, func=SREJ, N(R)=5; DSAP NetWare (unofficial?) Individual, SSAP NetWare (unofficial?) Response',
    );
    const [ssap] = s.nodes('llc.ssap');
    expect(ssap && nodeLabel(ssap)).toBe('SSAP: Unknown (0x11)');
    const u = dissectHex(U_FRAME);
    expect(u.value('llc.control')).toBe('0x00f3');
    expect(u.value('llc.control.u_modifier_resp')).toBe('0x38');
    expect(labels(u.nodes('llc.control')[0])).toEqual([
      '...1 .... = Final: Set',
      '111. 00.. = Response: Test (0x38)',
      '.... ..11 = Frame type: Unnumbered frame (0x3)',
    ]);
    expect(u.pinfo.info.startsWith('U F, func=TEST; ')).toBe(true);
  });

  it('marks an LLC header longer than its 802.3 length as malformed, after the trailer', () => {
    const d = dissectHex(TOO_SHORT);
    expect(d.value('eth.len')).toBe('2');
    expect(d.value('eth.trailer')).toBe('030102030405060708');
    expect(d.value('llc.dsap')).toBe('0x42');
    expect(d.value('_ws.malformed')).toBe('[Malformed Packet: LLC]');
    expect(d.pinfo.proto).toBe('LLC');
    expect(d.pinfo.info).toBe('[Malformed Packet]');
    expect(d.value('frame.protocols')).toBe('eth:llc');
  });

  it('notes an LLC header cut by the capture', () => {
    const d = dissectHex(STP.slice(0, 2 * 16), 1, { origLen: 60 });
    expect(d.pinfo.malformed).toBe(false);
    expect(d.pinfo.info).toBe('[Packet size limited during capture]');
  });
});
