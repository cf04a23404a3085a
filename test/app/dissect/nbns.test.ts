import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { dissectHex } from '../../support/dissect-hex.ts';

// Expected values are tshark 4.0.17's for the same datagrams: a broadcast name query, its
// positive answer, and a registration carrying an additional record.
const QUERY = `
  02000000 00010200 00000002 08004500 004e0001 00004011 659f0a00 00010a00
  00ff0089 0089003a 00008a01 01100001 00000000 00002046 48455046 43454c46
  44464545 42464545 4a455045 4f434143 41434143 41414100 00200001
`;
const ANSWER = `
  02000000 00010200 00000002 08004500 005a0001 00004011 66900a00 00010a00
  00020089 00890046 00008a01 85000000 00010000 00002046 48455046 43454c46
  44464545 42464545 4a455045 4f434143 41434143 41414100 00200001 000493e0
  00060000 0a000005
`;
const REGISTRATION = `
  02000000 00010200 00000002 08004500 00600001 00004011 658d0a00 00010a00
  00ff0089 0089004c 00001234 29100001 00000000 00012045 49455046 44464543
  41434143 41434143 41434143 41434143 41434143 41434100 00200001 c00c0020
  00010004 93e00006 60000a00 0007
`;

describe('nbns', () => {
  it('decodes first-level encoded names', () => {
    const d = dissectHex(QUERY);
    expect(d.pinfo.proto).toBe('NBNS');
    expect(d.pinfo.info).toBe('Name query NB WORKSTATION<00>');
    expect(d.value('nbns.name')).toBe('WORKSTATION<00>');
    expect(d.value('nbns.flags.broadcast')).toBe('1');
    const [name] = d.nodes('nbns.name');
    expect(name && nodeLabel(name)).toBe('Name: WORKSTATION<00> (Workstation/Redirector)');
  });

  it('decodes an answer with its address and flags', () => {
    const d = dissectHex(ANSWER);
    expect(d.pinfo.info).toBe('Name query response NB 10.0.0.5');
    expect(d.value('nbns.name')).toBe('WORKSTATION<00> (Workstation/Redirector)');
    expect(d.value('nbns.addr')).toBe('10.0.0.5');
    expect(d.value('nbns.ttl')).toBe('300000');
    const [ttl] = d.nodes('nbns.ttl');
    expect(ttl && nodeLabel(ttl)).toBe('Time to live: 3 days, 11 hours, 20 minutes');
  });

  it('follows a compressed name in an additional record', () => {
    const d = dissectHex(REGISTRATION);
    expect(d.pinfo.info).toBe('Registration NB HOST<20>');
    expect(d.value('nbns.name')).toBe('HOST<20>,HOST<20> (Server service)');
    expect(d.value('nbns.nb_flags.ont')).toBe('3');
  });
});
