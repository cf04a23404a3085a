// ICMP and ICMPv6 against tshark on generated captures: test/fixtures/icmp-ext.pcap (RFC 4884
// extensions with interface information, interface identification and unknown objects, an MPLS
// stack with a bad checksum, messages cut short) and test/fixtures/icmp-v6-nd.pcap (echo, neighbour
// discovery with its options, MLDv1/v2, node information, bad checksums, short messages).
import { describe, expect, it } from 'vitest';
import { fixture, haveTshark, mismatches, ourTree, tsharkTree } from '../../support/tshark-oracle.ts';

const V4_FILE = fixture('icmp-ext.pcap');
const V4_FIELDS = [
  '_ws.col.Info',
  'icmp.type',
  'icmp.ident',
  'icmp.ext.version',
  'icmp.ext.checksum',
  'icmp.ext.checksum.status',
  'icmp.ext.class',
  'icmp.ext.ctype',
  'icmp.int_info.role',
  'icmp.int_info.ifindex',
  'icmp.int_info.index',
  'icmp.int_info.ipv4',
  'icmp.int_info.name',
  'icmp.int_info.mtu',
  'icmp.int_ident.name',
  'icmp.mpls.label',
];

describe('ICMP against tshark', () => {
  it('decodes interface information and checks the extension checksum', async () => {
    const tree = await ourTree(V4_FILE, /^ICMP Multi-Part/);
    expect(tree).toContain('        Interface Information Object');
    expect(tree).toContain('        [Checksum: [missing]]');
    expect(tree).toContain('        Checksum: 0xdfff incorrect, should be 0x9de9');
  });

  it.skipIf(!haveTshark)('draws the same extensions as tshark', async () => {
    const heads = /^ICMP Multi-Part/;
    expect(await ourTree(V4_FILE, heads)).toBe(tsharkTree(V4_FILE, heads));
  });

  it.skipIf(!haveTshark)("gives tshark's fields, also for messages cut short", async () => {
    expect(await mismatches(V4_FILE, V4_FIELDS, true)).toEqual([]);
  });
});

const V6_FILE = fixture('icmp-v6-nd.pcap');
const V6_HEADS = /^Internet Control Message Protocol v6/;
const V6_FIELDS = [
  '_ws.col.Info',
  'icmpv6.type',
  'icmpv6.code',
  'icmpv6.checksum.status',
  'icmpv6.opt.type',
  'icmpv6.opt.nonce',
  'icmpv6.opt.route_info.flag.route_preference',
  'icmpv6.opt.route_lifetime',
  'icmpv6.mld.flag.s',
  'icmpv6.ni.qtype',
  'icmpv6.ni.flag',
  'icmpv6.ni.nonce',
  'icmpv6.ni.query.subject_fqdn',
  'icmpv6.ni.query.subject_ipv6',
  'icmpv6.ni.reply.node_ttl',
  'icmpv6.ni.reply.node_name',
  'icmpv6.ni.reply.node_address',
];

describe('ICMPv6 against tshark', () => {
  it('decodes node information and names infinite lifetimes', async () => {
    const tree = await ourTree(V6_FILE, V6_HEADS);
    expect(tree).toContain('    Qtype: Node Name (2)');
    expect(tree).toContain('    FQDN subject: <Root>');
    expect(tree).toContain('        Valid Lifetime: Infinity (4294967295)');
    expect(tree).toContain('        Flag: 0x18, Route Preference: Low');
  });

  it.skipIf(!haveTshark)('draws the same ICMPv6 tree as tshark', async () => {
    expect(await ourTree(V6_FILE, V6_HEADS)).toBe(tsharkTree(V6_FILE, V6_HEADS));
  });

  it.skipIf(!haveTshark)("gives tshark's fields", async () => {
    expect(await mismatches(V6_FILE, V6_FIELDS, true)).toEqual([]);
  });
});
