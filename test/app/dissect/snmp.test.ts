import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { dissectHex } from '../../support/dissect-hex.ts';

// Expected values are tshark 4.0.17's for the same datagrams: a v2c get-response with five
// typed varbinds, and a v1 trap.
const RESPONSE = `
  02000000 00010200 00000002 08004500 00990001 00004011 66510a00 00010a00
  000200a1 9c400085 0000307b 02010104 06707562 6c6963a2 6e020204 d2020100
  02010030 62301506 082b0601 02010101 0004094c 696e7578 20626f78 300f0608
  2b060102 01010300 43030102 03301506 0d2b0601 02010414 01010a00 00014004
  0a000001 3013060a 2b060102 01020201 0a014105 00ffffff ff300c06 082b0601
  04018f65 638000
`;
const TRAP = `
  02000000 00010200 00000002 08004500 00450001 00004011 66a50a00 00010a00
  00029c40 00a20031 00003027 02010004 06707562 6c6963a4 1a06072b 06010401
  bf084004 0a000001 02010602 01014301 643000
`;

describe('snmp', () => {
  it('decodes a get-response with its varbinds', () => {
    const d = dissectHex(RESPONSE);
    expect(d.pinfo.proto).toBe('SNMP');
    expect(d.pinfo.info).toBe(
      'get-response 1.3.6.1.2.1.1.1.0 1.3.6.1.2.1.1.3.0 1.3.6.1.2.1.4.20.1.1.10.0.0.1 1.3.6.1.2.1.2.2.1.10.1 1.3.6.1.4.1.2021.99',
    );
    expect(d.value('snmp.version')).toBe('1');
    expect(d.value('snmp.community')).toBe('public');
    expect(d.value('snmp.data')).toBe('2');
    expect(d.value('snmp.request_id')).toBe('1234');
    expect(d.value('snmp.value.octets')).toBe('4c696e757820626f78');
    expect(d.value('snmp.value.timeticks')).toBe('66051');
    expect(d.value('snmp.value.ipv4')).toBe('10.0.0.1');
    expect(d.value('snmp.value.counter')).toBe('4294967295');
    const [name] = d.nodes('snmp.name');
    expect(name && nodeLabel(name)).toBe('Object Name: 1.3.6.1.2.1.1.1.0 (iso.3.6.1.2.1.1.1.0)');
    expect(d.pinfo.layers.slice(-2)).toEqual(['snmp', 'snmp']);
  });

  it('decodes a v1 trap', () => {
    const d = dissectHex(TRAP);
    expect(d.pinfo.info).toBe('trap iso.3.6.1.4.1.8072');
    expect(d.value('snmp.enterprise')).toBe('1.3.6.1.4.1.8072');
    expect(d.value('snmp.agent_addr')).toBe('10.0.0.1');
    expect(d.value('snmp.generic_trap')).toBe('6');
  });
});
