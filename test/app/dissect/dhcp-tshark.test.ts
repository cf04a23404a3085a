// DHCP and DHCPv6 options against tshark 4.0 on generated captures (test/fixtures/dhcp-*.pcap):
// every message type's Info, and the fields of the options tshark decodes (relay agent
// suboptions, client FQDN, PXE vendor options, classless routes, option overload, DUIDs…).
import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { dissectFixture, fixture, haveTshark, ourRows, tsharkRows } from '../../support/tshark-oracle.ts';

const V4_FIELDS = [
  '_ws.col.Info',
  'frame.protocols',
  'dhcp.option.type',
  'dhcp.option.value',
  'dhcp.fqdn.flags',
  'dhcp.fqdn.e',
  'dhcp.fqdn.name',
  'dhcp.client_id.uuid',
  'dhcp.client_id.iaid',
  'dhcp.client_id.duid_type',
  'dhcp.client_id.link_layer_address',
  'dhcp.option.user_class.data',
  'dhcp.option.user_class.text',
  'dhcp.option.dhcp_authentication.rdm_replay_detection',
  'dhcp.option.dhcp_authentication.hmac_md5_hash',
  'dhcp.option.client_system_architecture',
  'dhcp.client_network_id_major',
  'dhcp.option.policy_filter.subnet_mask',
  'dhcp.option.static_route.router',
  'dhcp.option.slp_directory_agent.slpda_address',
  'dhcp.option.civic_location.ca_value',
  'dhcp.option.dhcp_name_service_search_option',
  'dhcp.option.dhcp_dns_domain_search_list_fqdn',
  'dhcp.option.sip_server.rfc_3396_detected',
  'dhcp.option.sip_server.name',
  'dhcp.option.classless_static_route',
  'dhcp.option.vi_class.enterprise',
  'dhcp.option.vi.enterprise',
  'dhcp.option.rdnss.domain',
  'dhcp.option.bulk_lease.base_time',
  'dhcp.option.bulk_lease.query_end_time',
  'dhcp.option.pcp.server',
  'dhcp.option.portparams.psid',
  'dhcp.option.6RD.border_relay_ip',
  'dhcp.option.private_proxy_autodiscovery',
  'dhcp.option.vendor.value',
  'dhcp.option.vendor.pxeclient.suboption',
  'dhcp.option.vendor.pxeclient.boot_servers.ip',
  'dhcp.option.vendor.pxeclient.boot_menu.desc',
  'dhcp.option.agent_information_option.suboption',
  'dhcp.option.agent_information_option.agent_circuit_id',
  'dhcp.option.agent_information_option.agent_remote_id',
  'dhcp.option.agent_information_option.link_selection',
  'dhcp.option.agent_information_option.vrf_name',
  'dhcp.option.agent_information_option.docsis_device_class',
  'dhcp.option.option_overload',
  'dhcp.option.hostname',
  'dhcp.option.tftp_server_name',
  'dhcp.option.domain_name',
  '_ws.expert.message',
];

const V6_FIELDS = [
  '_ws.col.Info',
  'dhcpv6.option.type',
  'dhcpv6.unicast',
  'dhcpv6.userclass.opaque_data',
  'dhcpv6.vendoropts.enterprise',
  'dhcpv6.vendoropts.enterprise.option_data',
  'dhcpv6.reconf_msg',
  'dhcpv6.sip_server_domain_search_fqdn',
  'dhcpv6.sip_server_a',
  'dhcpv6.remoteid.enterprise',
  'dhcpv6.remoteid_enterprise_id',
  'dhcpv6.subscriber_id',
  'dhcpv6.aftr_name',
  'dhcpv6.mudurl',
  'dhcpv6.ntpserver.addr',
  'dhcpv6.ntpserver.fqdn',
  'dhcpv6.iata',
  'dhcpv6.status_msg',
  'dhcpv6.duiden.enterprise',
  'dhcpv6.duiduuid.bytes',
  'dhcpv6.client_fqdn_flags',
  'dhcpv6.vendorclass.enterprise',
  'dhcpv6.vendorclass.data',
  'dhcpv6.auth.replay_detection',
  'dhcpv6.auth.info',
  'dhcpv6.interface_id',
  'dhcpv6.lq_query',
  'dhcpv6.iaaddr.ip',
];

/** Rows of `fields` where Trawl and tshark differ, as `frame field: ours | tshark`. */
async function differences(file: string, fields: readonly string[]): Promise<string[]> {
  const theirs = tsharkRows(file, fields, true);
  const ours = await ourRows(file, fields, true);
  const out: string[] = [];
  if (ours.length !== theirs.length) out.push(`frames: ${ours.length} | ${theirs.length}`);
  ours.forEach((row, i) =>
    fields.forEach((f, j) => {
      if (f === '_ws.expert.message') return;
      if ((row[j] ?? '') !== (theirs[i]?.[j] ?? ''))
        out.push(`${i + 1} ${f}: ${row[j] ?? ''} | ${theirs[i]?.[j] ?? ''}`);
    }),
  );
  return out;
}

/** The label of every node of `abbrev` in frame `n` of `file`. */
async function labels(file: string, n: number, abbrev: string): Promise<string[]> {
  const frames = await dissectFixture(fixture(file), true);
  return (frames[n - 1]?.nodes(abbrev) ?? []).map((node) => nodeLabel(node));
}

describe('DHCP options', () => {
  it('shows relay agent suboptions, client FQDN flags and classless routes as tshark does', async () => {
    expect(await labels('dhcp-options.pcap', 8, 'dhcp.option.agent_information_option.suboption')).toContain(
      'Option 82 Suboption: (5) Link selection (10.1.0.0)',
    );
    expect(await labels('dhcp-options.pcap', 2, 'dhcp.fqdn.flags')).toEqual([
      'Flags: 0x05, Encoding, Server',
      'Flags: 0x01, Server',
    ]);
    expect(await labels('dhcp-options.pcap', 4, 'dhcp.option.classless_static_route')).toEqual([
      ' default-10.0.0.1',
      ' 10.0.0.0/8-10.0.0.2',
      ' 1.2.3.4/32-10.0.0.3',
      ' 172.16.0.0/16-10.0.0.4',
    ]);
    expect(await labels('dhcp-misc.pcap', 1, 'dhcp.option.user_class.text')).toEqual([
      'User Class Data (Text): user',
    ]);
  });

  it.skipIf(!haveTshark)('agrees with tshark on every option field and message type', async () => {
    expect(await differences(fixture('dhcp-options.pcap'), V4_FIELDS)).toEqual([]);
    expect(await differences(fixture('dhcp-misc.pcap'), V4_FIELDS)).toEqual([]);
  });

  it.skipIf(!haveTshark)('agrees with tshark on the expert notes of options', async () => {
    const expertOnly = ['_ws.expert.message'];
    const theirs = tsharkRows(fixture('dhcp-options.pcap'), expertOnly, true);
    const frames = await dissectFixture(fixture('dhcp-options.pcap'), true);
    const ours = frames.map((d) => [
      d
        .nodes('_ws.expert')
        .map((n) => (n.children?.[0]?.label ?? '').slice(1, -1))
        .join(','),
    ]);
    expect(ours).toEqual(theirs);
  });
});

describe('DHCPv6 options', () => {
  it('names enterprise numbers and DUID types as tshark does', async () => {
    expect(await labels('dhcp-misc.pcap', 9, 'dhcpv6.duid.type')).toContain(
      'DUID Type: assigned by vendor based on Enterprise number (2)',
    );
    expect(await labels('dhcp-misc.pcap', 9, 'dhcpv6.duiden.enterprise')).toEqual([
      'Enterprise ID: ciscoSystems (9)',
    ]);
  });

  it.skipIf(!haveTshark)('agrees with tshark on every option field and message type', async () => {
    expect(await differences(fixture('dhcp-v6-options.pcap'), V6_FIELDS)).toEqual([]);
    expect(await differences(fixture('dhcp-misc.pcap'), V6_FIELDS)).toEqual([]);
  });
});
