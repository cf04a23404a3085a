import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { dissectHex } from '../../support/dissect-hex.ts';

// Expected values are tshark 4.0.17's: an IGMPv3 group-and-source query with an exponential max
// response time, and a v3 report with four group records; plus pcpp__ipv4-options frame 3.
const QUERY = `
  02000000 00010200 00000002 08004500 00280001 00004002 90d10a00 0001e000
  0001118a dee6ef01 02030a7d 00020a00 00050a00 0006
`;
const REPORT = `
  02000000 00010200 00000002 08004500 00440001 00004002 90a00a00 0001e000
  00162200 883f0000 00040400 0000ef01 01010300 0000ef02 02020100 0001ef03
  03030a00 00090601 0000ef04 0404aabb ccdd
`;

const V1_QUERY = `
  02000000 00010200 00000002 08004500 001c0001 00004002 90dd0a00 0001e000
  00011100 eeff0000 0000
`;
const V2_LEAVE = `
  02000000 00010200 00000002 08004500 001c0001 00004002 90dd0a00 0001e000
  00011700 f7faef01 0203
`;

describe('igmp', () => {
  it('decodes a v3 group-and-source-specific query', () => {
    const d = dissectHex(QUERY);
    expect(d.pinfo.proto).toBe('IGMPv3');
    expect(d.pinfo.info).toBe('Membership Query, specific for group 239.1.2.3, sources {10.0.0.5, 10.0.0.6}');
    expect(d.pinfo.layers.slice(-2)).toEqual(['igmp', 'igmp']);
    expect(d.value('igmp.version')).toBe('3');
    expect(d.value('igmp.max_resp')).toBe('208');
    expect(d.value('igmp.saddr')).toBe('10.0.0.5,10.0.0.6');
    expect(d.value('igmp.checksum.status')).toBe('1');
    const [mr] = d.nodes('igmp.max_resp');
    expect(mr && nodeLabel(mr)).toBe('Max Resp Time: 20.8 sec (0x8a)');
  });

  it('summarises every group record of a v3 report', () => {
    const d = dissectHex(REPORT);
    expect(d.pinfo.info).toBe(
      'Membership Report / Join group 239.1.1.1 for any sources / Leave group 239.2.2.2 / ' +
        'Join group 239.3.3.3 for source {10.0.0.9} / Group 239.4.4.4, BLOCK_OLD_SOURCES but no source specified (?)',
    );
    expect(d.value('igmp.record_type')).toBe('4,3,1,6');
    expect(d.value('igmp.maddr')).toBe('239.1.1.1,239.2.2.2,239.3.3.3,239.4.4.4');
    expect(d.value('igmp.aux_data')).toBe('aabbccdd');
  });

  it('tells v1 from v2 by the max response time', () => {
    const v1 = dissectHex(V1_QUERY);
    expect([v1.pinfo.proto, v1.pinfo.info]).toEqual(['IGMPv1', 'Membership Query']);
    expect(v1.value('igmp.reserved')).toBe('00');
    const v2 = dissectHex(V2_LEAVE);
    expect(v2.pinfo.proto).toBe('IGMPv2');
    expect(v2.pinfo.info).toBe('Leave Group 239.1.2.3');
  });
});
