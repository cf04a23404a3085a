import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { dissectHex } from '../../support/dissect-hex.ts';

// Expected values are tshark 4.0.17's for the same frames (tcpdump__dhcp-rfc3004.pcap 1 and 2).
const DISCOVER = `
  ffffffff ffff000c 291f7406 08004510 01480000 00008011 39960000 0000ffff
  ffff0044 00430134 818d0101 060006e3 28640000 00000000 00000000 00000000
  00000000 0000000c 291f7406 00000000 00000000 00000000 00000000 00000000
  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
  00000000 00000000 00000000 00000000 00000000 00006382 53633501 013204c0
  a8010437 07011c02 030f060c 4d250773 75626f70 74311173 75626f70 74322d31
  32333435 36373839 0a737562 6f707433 2d3132ff 0000
`;
const OFFER = `
  000c291f 74060010 18000000 08004500 01340000 00004011 f663c0a8 0101c0a8
  01040043 00440120 87f70201 060006e3 28640000 00000000 0000c0a8 01040000
  00000000 0000000c 291f7406 00000000 00000000 00000000 00000000 00000000
  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
  00000000 00000000 00000000 00000000 00000000 00006382 53633501 023604c0
  a8010133 04000151 800104ff ffff0003 04c0a801 010604c0 a801010f 04486f6d
  65ff
`;

describe('dhcp', () => {
  it('decodes a Discover with its options as tshark does', () => {
    const d = dissectHex(DISCOVER);
    expect(d.pinfo.proto).toBe('DHCP');
    expect(d.pinfo.info).toBe('DHCP Discover - Transaction ID 0x6e32864');
    expect(d.pinfo.layers.slice(-1)).toEqual(['dhcp']);
    expect(d.value('dhcp.type')).toBe('1');
    expect(d.value('dhcp.id')).toBe('0x06e32864');
    expect(d.value('dhcp.hw.mac_addr')).toBe('00:0c:29:1f:74:06');
    expect(d.value('dhcp.cookie')).toBe('99.130.83.99');
    // End's Option field is 0 in tshark 4.0.
    expect(d.value('dhcp.option.type')).toBe('53,50,55,77,0');
    expect(d.value('dhcp.option.dhcp')).toBe('1');
    expect(d.value('dhcp.option.requested_ip_address')).toBe('192.168.1.4');
    expect(d.value('dhcp.option.request_list_item')).toBe('1,28,2,3,15,6,12');
    expect(d.value('dhcp.option.user_class.data')).toBe(
      '7375626f707431,7375626f7074322d313233343536373839,7375626f7074332d3132',
    );
    expect(d.value('dhcp.option.end')).toBe('255');
    expect(d.value('dhcp.option.padding')).toBe('0000');
    const [item] = d.nodes('dhcp.option.request_list_item');
    expect(item && nodeLabel(item)).toBe('Parameter Request List Item: (1) Subnet Mask');
    const [opt] = d.nodes('dhcp.option.type');
    expect(opt && nodeLabel(opt)).toBe('Option: (53) DHCP Message Type (Discover)');
    const [flags] = d.nodes('dhcp.flags');
    expect(flags && nodeLabel(flags)).toBe('Bootp flags: 0x0000 (Unicast)');
  });

  it('decodes an Offer with lease time and server identifier', () => {
    const d = dissectHex(OFFER);
    expect(d.pinfo.info).toBe('DHCP Offer    - Transaction ID 0x6e32864');
    expect(d.value('dhcp.ip.your')).toBe('192.168.1.4');
    expect(d.value('dhcp.option.dhcp_server_id')).toBe('192.168.1.1');
    expect(d.value('dhcp.option.ip_address_lease_time')).toBe('86400');
    expect(d.value('dhcp.option.domain_name')).toBe('Home');
    const [lease] = d.nodes('dhcp.option.ip_address_lease_time');
    expect(lease && nodeLabel(lease)).toBe('IP Address Lease Time: (86400s) 1 day');
    expect(d.tree.roots.some((n) => n.label === 'Dynamic Host Configuration Protocol (Offer)')).toBe(true);
  });

  it('without a message type option is BOOTP; cut short it shows no header (tshark order)', () => {
    const bytes = Uint8Array.from(DISCOVER.replace(/\s/g, '').match(/../g) ?? [], (h) => parseInt(h, 16));
    // Turn option 53 into a pad option: plain BOOTP with vendor options.
    const at = bytes.findIndex((b, i) => b === 0x35 && bytes[i + 1] === 1 && i > 270);
    bytes.set([0, 0, 0], at);
    const bootp = dissectHex(bytes);
    expect(bootp.pinfo.proto).toBe('BOOTP');
    expect(bootp.pinfo.info).toBe('Boot Request from 00:0c:29:1f:74:06 (00:0c:29:1f:74:06)');
    expect(bootp.value('dhcp.bootp')).toBe('1');
    const cut = dissectHex(bytes.slice(0, 300), 1, { origLen: bytes.length });
    expect(cut.pinfo.info).toBe(
      'Boot Request from 00:0c:29:1f:74:06 (00:0c:29:1f:74:06)[Packet size limited during capture]',
    );
    expect(cut.value('dhcp.id')).toBe('');
  });
});
