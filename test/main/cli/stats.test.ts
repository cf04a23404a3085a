// -z io,phs, conv and endpoints on the command line, byte for byte against tshark's own output:
// Ethernet with VLANs, a VXLAN tunnel (every address twice), IPv4, IPv6, TCP and UDP captures,
// ICMP errors (their quoted packet is not counted), an IPv6 routing header (TCP and UDP count the
// final destination), reassembled TCP messages and IPv4 datagrams, filters, and bad arguments.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_FILES, trawl } from '../../support/corpus.ts';
import { oracleReady } from '../../support/proto-oracle.ts';

const tshark = (args: readonly string[]): string =>
  spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;

const TABLES = ['eth', 'ip', 'ipv6', 'tcp', 'udp'].flatMap((t) => [`conv,${t}`, `endpoints,${t}`]);

/** Every statistic in one run: tshark prints them last first, so the order is checked too. */
const ALL = ['io,phs', ...TABLES].flatMap((z) => ['-z', z]);

const FILES = [
  'pcpp__VlanPackets.pcap',
  'libpcap__vxlan.pcap',
  'pcpp__4KHttpRequests.pcap',
  'pcpp__DnsPackets.pcap',
  'pcpp__IcmpPackets.pcap',
  'tcpdump__icmpv6.pcap',
  'pcpp__EthDot3.pcap',
  'pcpp__tcp-malformed.pcap',
  'tcpdump__dns_udp.pcap',
  'tcpdump__ipv6-routing-header.pcap',
  // Reassembly: TCP's list of segments after the message's layers, no IPv4 fragment list; images.
  'packetnet__ipv6_http.pcap',
  'pcpp__tls.pcap',
  'pcpp__ip4_fragments.pcap',
  'pcpp__raw_ip.pcap',
  'pcpp__four_ipv6_http_streams.pcap',
];

describe.runIf(oracleReady)('statistics on the command line', () => {
  const corpus = (name: string): string => join(CORPUS_FILES, name);

  it('prints every table of several captures as tshark does', () => {
    for (const file of FILES) {
      const args = ['-r', corpus(file), '-q', ...ALL];
      const want = tshark(args);
      expect(want).toContain('Protocol Hierarchy Statistics');
      expect(trawl(args).stdout, file).toBe(want);
    }
  });

  it('applies each statistic its own filter, an empty one included', () => {
    const file = corpus('pcpp__four_ipv6_http_streams.pcap');
    for (const z of ['conv,tcp,tcp.port==80', 'endpoints,ipv6,ipv6.src==::1', 'conv,ip,', 'io,phs,udp']) {
      const args = ['-r', file, '-q', '-z', z];
      expect(trawl(args).stdout, z).toBe(tshark(args));
    }
  });

  it('prints the statistics after the packet lines without -q, and among -z follow in order', () => {
    const file = corpus('pcpp__TwoHttpRequests.pcap');
    const plain = ['-r', file, '-z', 'conv,tcp', '-z', 'endpoints,eth'];
    expect(trawl(plain).stdout).toBe(tshark(plain));
    const mixed = ['-r', file, '-q', '-z', 'conv,ip', '-z', 'follow,tcp,ascii,0', '-z', 'endpoints,tcp'];
    expect(trawl(mixed).stdout).toBe(tshark(mixed));
  });

  it('refuses a bad -z argument or filter as tshark does', () => {
    const file = corpus('pcpp__TwoHttpRequests.pcap');
    for (const z of ['conv,foo', 'endpoints', 'bogus', 'follow,sctp,ascii,0']) {
      const r = trawl(['-r', file, '-q', '-z', z]);
      expect(r.status, z).toBe(1);
      expect(r.stderr, z).toContain(`Invalid -z argument "${z}"; it must be one of:\n`);
      expect(r.stderr, z).toContain('     conv,ipv6\n');
    }
    const bad = trawl(['-r', file, '-q', '-z', 'conv,ip,foo==']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^trawl: Couldn't register conversations tap: Filter "foo==" is invalid - /);
  });
});
