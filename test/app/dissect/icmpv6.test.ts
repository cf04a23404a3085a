import { describe, expect, it } from 'vitest';
import { columnsOf } from '../../../app/dissect/columns.ts';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { CaptureState, Hint } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';

// Expected values are tshark 4.0.17's for the same frames.

// tcpdump__icmpv6.pcap frame 1: router advertisement with prefix, RDNSS, DNSSL, MTU, SLL,
// advertisement interval and home agent options
const ROUTER_ADVERTISEMENT = `
  33330000 0001b099 28c8d66c 86dd6000 000000b0 3afffe80 00000000 0000b299
  28fffec8 d66cff02 00000000 00000000 00000000 00018600 24014020 000f0000
  00000000 00000304 48c00027 8d000009 3a800000 00002222 33334444 55556600
  00000000 00001905 00000000 0005abcd 00000000 00000000 00000000 efef1234
  56780000 00000000 00000000 00011f07 00000000 00050765 78616d70 6c650363
  6f6d0007 6578616d 706c6503 6f726700 04646f6d 3104646f 6d320374 6c640000
  00000000 00000501 00000000 00640101 b09928c8 d66c0701 00000000 13880801
  0000c351 000f
`;
// tcpdump__icmpv6.pcap frame 4: MLDv2 report with four records, after a hop-by-hop router alert
const MLDV2_REPORT = `
  33330000 00160015 17cce546 86dd6000 00000060 0001fe80 00000000 00000215
  17fffecc e546ff02 00000000 00000000 00000000 00163a00 05020000 01008f00
  2a0e0000 00040200 0000ff02 00000000 00000000 0db81122 33440200 0000ff02
  00000000 00000000 0001ffcc e5460200 0000ff02 00000000 00000000 0001ffa7
  10ad0200 0000ff02 00000000 00000000 0001ff00 0002
`;
// tcpdump__ipv6-bad-version.pcap frame 1: neighbour solicitation from ::
const NEIGHBOR_SOLICITATION = `
  3333ff76 6c14000c 29766c14 86dd6000 00000018 3aff0000 00000000 00000000
  00000000 0000ff02 00000000 00000000 0001ff76 6c148700 79060000 0000fe80
  00000000 0000020c 29fffe76 6c14
`;
// Synthetic (text2pcap; decoded by tshark 4.0.17): neighbour advertisement with all flags and TLL
const NEIGHBOR_ADVERTISEMENT = `
  00000000 00010000 00000002 86dd6000 00000020 3afffe80 00000000 00000000
  00000000 0001fe80 00000000 00000000 00000000 00028800 0447e000 00002001
  0db80000 00000000 00000000 00050201 00112233 4455
`;
// Synthetic: port unreachable quoting a whole IPv6/UDP datagram
const PORT_UNREACHABLE = `
  00000000 00010000 00000002 86dd6000 0000003c 3aff2001 0db80000 00000000
  00000000 00072001 0db80000 00000000 00000000 00010104 fc430000 00006000
  0000000c 11402001 0db80000 00000000 00000000 00012001 0db80000 00000000
  00000000 000703e8 0035000c 11116162 6364
`;
// tcpdump__ipv6-routing-header.pcap frame 1: echo request behind a routing header
const ECHO = `
  0013c4c7 84f00012 3fae22f7 86dd6000 00000020 2b042200 00000000 02440212
  3ffffeae 22f72200 00000000 02400002 00000000 00043a02 00010000 00002200
  00000000 02100002 00000000 00048000 d3ab0000 0000
`;

describe('icmpv6', () => {
  it('decodes a router advertisement and its options', () => {
    const d = dissectHex(ROUTER_ADVERTISEMENT);
    expect(d.value('icmpv6.type')).toBe('134');
    expect(d.value('icmpv6.checksum.status')).toBe('1');
    expect(d.value('icmpv6.nd.ra.cur_hop_limit')).toBe('64');
    expect(d.value('icmpv6.nd.ra.router_lifetime')).toBe('15');
    expect(d.value('icmpv6.opt.type')).toBe('3,25,31,5,1,7,8');
    expect(d.value('icmpv6.opt.prefix')).toBe('2222:3333:4444:5555:6600::');
    expect(d.value('icmpv6.opt.rdnss')).toBe('abcd::efef,1234:5678::1');
    expect(d.value('icmpv6.opt.dnssl')).toBe('example.com,example.org,dom1.dom2.tld');
    expect(d.value('icmpv6.opt.mtu')).toBe('100');
    expect(d.value('icmpv6.opt.linkaddr')).toBe('b0:99:28:c8:d6:6c');
    const [type] = d.nodes('icmpv6.type');
    expect(type && nodeLabel(type)).toBe('Type: Router Advertisement (134)');
    const [flags] = d.nodes('icmpv6.nd.ra.flag');
    expect(flags && nodeLabel(flags)).toBe(
      'Flags: 0x20, Home Agent, Prf (Default Router Preference): Medium',
    );
    const opts = d.nodes('icmpv6.opt').map((n) => nodeLabel(n));
    expect(opts).toEqual([
      'ICMPv6 Option (Prefix information : 2222:3333:4444:5555:6600::/72)',
      'ICMPv6 Option (Recursive DNS Server abcd::efef 1234:5678::1)',
      'ICMPv6 Option (DNS Search List Option example.com example.org dom1.dom2.tld)',
      'ICMPv6 Option (MTU : 100)',
      'ICMPv6 Option (Source link-layer address : b0:99:28:c8:d6:6c)',
      'ICMPv6 Option (Advertisement Interval : 5000)',
      'ICMPv6 Option (Home Agent Information)',
    ]);
    const [dnssl] = d.nodes('icmpv6.opt.dnssl');
    expect([dnssl?.offset, dnssl?.length]).toEqual([150, 13]);
    expect(d.pinfo.info).toBe('Router Advertisement from b0:99:28:c8:d6:6c');
    expect(d.pinfo.proto).toBe('ICMPv6');
  });

  it('decodes an MLDv2 report', () => {
    const d = dissectHex(MLDV2_REPORT);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ipv6:ipv6.hopopts:icmpv6');
    expect(d.value('ipv6.opt.router_alert')).toBe('0');
    expect(d.value('icmpv6.mldr.nb_mcast_records')).toBe('4');
    expect(d.value('icmpv6.mldr.mar.multicast_address')).toBe(
      'ff02::db8:1122:3344,ff02::1:ffcc:e546,ff02::1:ffa7:10ad,ff02::1:ff00:2',
    );
    const [record] = d.nodes('icmpv6.mldr.mar');
    expect([record?.offset, record?.length]).toEqual([70, 20]);
    expect(record && nodeLabel(record)).toBe('Multicast Address Record Exclude: ff02::db8:1122:3344');
    expect(d.pinfo.info).toBe('Multicast Listener Report Message v2');
  });

  it('decodes neighbour solicitation and advertisement with tshark Info', () => {
    const ns = dissectHex(NEIGHBOR_SOLICITATION);
    expect(ns.value('icmpv6.nd.ns.target_address')).toBe('fe80::20c:29ff:fe76:6c14');
    expect(ns.value('icmpv6.checksum.status')).toBe('1');
    expect(ns.pinfo.info).toBe('Neighbor Solicitation for fe80::20c:29ff:fe76:6c14');
    const na = dissectHex(NEIGHBOR_ADVERTISEMENT);
    expect(na.value('icmpv6.nd.na.flag')).toBe('0xe0000000');
    const [flags] = na.nodes('icmpv6.nd.na.flag');
    expect(flags && nodeLabel(flags)).toBe('Flags: 0xe0000000, Router, Solicited, Override');
    expect(na.value('icmpv6.opt.target_linkaddr')).toBe('00:11:22:33:44:55');
    expect(na.pinfo.info).toBe('Neighbor Advertisement 2001:db8::5 (rtr, sol, ovr) is at 00:11:22:33:44:55');
  });

  it('dissects the packet an error quotes, keeping the outer columns', () => {
    const d = dissectHex(PORT_UNREACHABLE);
    expect(d.value('icmpv6.code')).toBe('4');
    const [code] = d.nodes('icmpv6.code');
    expect(code && nodeLabel(code)).toBe('Code: 4 (Port unreachable)');
    expect(d.value('ipv6.src')).toBe('2001:db8::7,2001:db8::1');
    expect(d.value('udp.srcport')).toBe('1000');
    expect(d.value('udp.payload')).toBe('61626364');
    expect(columnsOf(d.pinfo)).toEqual({
      source: '2001:db8::7',
      destination: '2001:db8::1',
      protocol: 'ICMPv6',
      info: 'Destination Unreachable (Port unreachable)',
    });
    expect(d.pinfo.hints & Hint.IcmpError).toBe(Hint.IcmpError);
  });

  it('decodes an echo request with the hop limit in Info', () => {
    const d = dissectHex(ECHO, 1, {}, new CaptureState());
    expect(d.value('icmpv6.echo.identifier')).toBe('0x0000');
    expect(d.value('icmpv6.echo.sequence_number')).toBe('0');
    const [sum] = d.nodes('icmpv6.checksum');
    expect(sum && nodeLabel(sum)).toBe('Checksum: 0xd3ab [correct]');
    expect(d.pinfo.info).toBe('Echo (ping) request id=0x0000, seq=0, hop limit=4');
  });
});
