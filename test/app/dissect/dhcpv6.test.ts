import { describe, expect, it } from 'vitest';
import { dissectHex } from '../../support/dissect-hex.ts';

// Expected values are tshark 4.0.17's for the same datagrams: an Advertise with DUIDs, an IA_NA
// address, DNS servers and a search list; and a Relay-forw carrying a Solicit.
const ADVERTISE = `
  02000000 00010200 00000002 86dd6000 0000007e 1140fe80 00000000 00000000
  00000000 0001ff02 00000000 00000000 00000001 00020223 0222007e 1ef102a1
  b2c30001 000e0001 00012a2b 2c2d0011 22334455 0002000a 00030001 00aabbcc
  ddee0003 00280000 00010000 07080000 0b400005 00182001 0db80000 00000000
  00000000 01000000 0e100000 1c200017 00102001 0db80000 00000000 00000000
  00530018 000e0765 78616d70 6c650474 65737400
`;
const RELAY = `
  02000000 00010200 00000002 86dd6000 00000040 1140fe80 00000000 00000000
  00000000 0001ff02 00000000 00000000 00000001 00020222 02230040 29d40c00
  20010db8 00000000 00000000 00000001 fe800000 00000000 00000000 00000002
  00090012 01000001 0001000a 00030001 00aabbcc ddee
`;

describe('dhcpv6', () => {
  it('decodes an Advertise', () => {
    const d = dissectHex(ADVERTISE);
    expect(d.pinfo.proto).toBe('DHCPv6');
    expect(d.pinfo.info).toBe(
      'Advertise XID: 0xa1b2c3 CID: 000100012a2b2c2d001122334455 IAA: 2001:db8::100 ',
    );
    expect(d.value('dhcpv6.msgtype')).toBe('2');
    expect(d.value('dhcpv6.option.type')).toBe('1,2,3,5,23,24');
    expect(d.value('dhcpv6.duid.bytes')).toBe('000100012a2b2c2d001122334455,0003000100aabbccddee');
    expect(d.value('dhcpv6.duidllt.time')).toBe('Jun  2, 2022 08:07:09.000000000 UTC');
    expect(d.value('dhcpv6.iaid')).toBe('00000001');
    expect(d.value('dhcpv6.iaaddr.ip')).toBe('2001:db8::100');
    expect(d.value('dhcpv6.dns_server')).toBe('2001:db8::53');
    expect(d.value('dhcpv6.search_list_entry')).toBe('example.test.');
  });

  it('decodes the message inside a relay message', () => {
    const d = dissectHex(RELAY);
    expect(d.pinfo.info).toBe('Relay-forw L: 2001:db8::1 Solicit XID: 0x000001 CID: 0003000100aabbccddee ');
    expect(d.value('dhcpv6.msgtype')).toBe('12,1');
    expect(d.value('dhcpv6.linkaddr')).toBe('2001:db8::1');
    expect(d.value('dhcpv6.duidll.link_layer_addr')).toBe('00:aa:bb:cc:dd:ee');
  });
});
