// DHCP for IPv6 (RFC 8415) on UDP 546/547: client/server messages and relay messages, with
// their options (DUIDs, IA_NA/IA_TA/IA_PD and their addresses, status codes, DNS servers, search
// lists), the Info text tshark 4.0 builds from them, and relayed messages decoded in place.
import { ARP_HRD_NAMES } from './arp.ts';
import {
  absTime,
  bool,
  bytes,
  fields,
  hex,
  ipv6,
  names,
  proto,
  str,
  text,
  uint,
  FieldType,
} from './field.ts';
import { ENTERPRISES } from './enterprises.ts';
import { expertItem } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';
import { formatHex, formatHexColon, formatIPv6 } from '../format/address.ts';
import { formatAbsoluteUtc } from '../format/time.ts';

const MSG_TYPES = names({
  1: 'Solicit', 2: 'Advertise', 3: 'Request', 4: 'Confirm', 5: 'Renew', 6: 'Rebind', 7: 'Reply',
  8: 'Release', 9: 'Decline', 10: 'Reconfigure', 11: 'Information-request', 12: 'Relay-forw',
  13: 'Relay-reply', 14: 'Leasequery', 15: 'Leasequery-reply', 16: 'Leasequery-done',
  17: 'Leasequery-data', 18: 'Reconfigure-request', 19: 'Reconfigure-reply',
}); // prettier-ignore
const OPTIONS = names({   1: "Client Identifier",   2: "Server Identifier",   3: "Identity Association for Non-temporary Address",   4: "Identity Association for Temporary Address",   5: "IA Address",   6: "Option Request",   7: "Preference",   8: "Elapsed time",   9: "Relay Message",   11: "Authentication",   12: "Server unicast",   13: "Status code",   14: "Rapid Commit",   15: "User Class",   16: "Vendor Class",   17: "Vendor-specific Information",   18: "Interface-Id",   19: "Reconfigure Message",   20: "Reconfigure Accept",   21: "SIP Server Domain Name List",   22: "SIP Servers IPv6 Address List",   23: "DNS recursive name server",   24: "Domain Search List",   25: "Identity Association for Prefix Delegation",   26: "IA Prefix",   27: "Network Information Server",   28: "Network Information Server V2",   29: "Network Information Server Domain Name",   30: "Network Information Server V2 Domain Name",   31: "Simple Network Time Protocol Server",   32: "Lifetime",   33: "BCMCS Server Domain",   34: "BCMCS Servers IPv6 Address List",   36: "Geoconf Civic Address",   37: "Remote Identifier",   38: "Subscriber Identifier",   39: "Client Fully Qualified Domain Name",   40: "PANA Agents IPv6 Address List",   41: "Time Zone",   42: "Time Zone Database",   43: "Echo Request Option",   44: "Leasequery Query",   45: "Leasequery Client Data",   46: "Client Last Transaction Time",   47: "Leasequery Relay Data",   48: "Leasequery Client Link Address List",   49: "Home Network Identifier FQDN",   50: "Visited Home Network Information",   51: "LoST Server",   52: "CAPWAP Access Controllers",   53: "Relay-ID",   54: "MoS IPv6 Address",   55: "MoS Domain Name List",   56: "NTP Server",   57: "Access Network Domain Name",   58: "SIP User Agent Configuration Service Domains",   59: "Boot File URL",   60: "Boot File Parameters",   61: "Client System Architecture Type",   62: "Client Network Interface Identifier",   63: "Geolocation",   64: "Dual-Stack Lite AFTR Name",   65: "ERP Local Domain Name",   66: "Relay-Supplied Options",   67: "Prefix Exclude",   68: "Virtual Subnet Selection",   69: "Identified Home Network Information",   70: "Unrestricted Home Network Information",   71: "Home Network Prefix",   72: "Home Agent Address",   73: "Home Agent FQDN",   74: "RDNSS Selection",   75: "Kerberos Principal Name",   76: "Kerberos Realm Name",   77: "Kerberos Default Realm Name",   78: "Kerberos KDC",   79: "Client Link-Layer Address",   80: "Link Address",   81: "RADIUS",   82: "SOL_MAX_RT",   83: "INF_MAX_RT",   84: "Address Selection",   85: "Address Selection table",   86: "PCP Server",   87: "DHCPv4 Message",   88: "DHCP 4o6 Servers Address",   89: "S46 Rule",   90: "S46 BR",   91: "S46 DMR",   92: "S46 IPv4/IPv6 Address Binding",   93: "S46 Port Parameters",   94: "S46 MAP-E Container",   95: "S46 MAP-T Container",   96: "S46 Lightweight 4over6 Container",   97: "4rd Options",   98: "4rd Mapping Rule",   99: "4rd Non-Mapping Rule",   100: "LQ Server Base Time",   101: "LQ Server Query Start Time",   102: "LQ Server Query End Time",   103: "Captive Portal",   104: "MPL Parameter Configuration",   105: "Access Technology Type",   106: "Access Network Name",   107: "Access Point Name",   108: "Access Point BSSID",   109: "Access Network Operator ID",   110: "Access Network Operator Realm",   111: "S46 Priority",   112: "Manufacturer Usage Description",   113: "IPv4/IPv6 Multicast Prefixes",   114: "Failover Binding Status",   115: "Failover Connect Flags",   116: "Failover DNS Removal Info",   117: "Failover DNS Hostname",   118: "Failover DNS Zone Name",   119: "Failover DNS Flags",   120: "Failover Expiration Time",   121: "Failover Maximum Number Unacked BNDUPD Messages",   122: "Failover Maximum Client Lead Time (MCLT)",   123: "Failover Partner Lifetime",   124: "Failover Partner Lifetime Sent",   125: "Failover Partner Down Time",   126: "Failover Partner Raw Client Time",   127: "Failover Protocol Version",   128: "Failover Keepalive Time",   129: "Failover Reconfigure Data",   130: "Failover Relationship Name",   131: "Failover Server Flags",   132: "Failover Server State",   133: "Failover Start Time of State",   134: "Failover State Expiration Time",   135: "Relay Source Port",   136: "SZTP Redirect",   137: "Softwire Source Binding Prefix Hint",   143: "ANDSF IPv6 Address",  }); // prettier-ignore
const DUID_TYPES = names({
  1: 'link-layer address plus time',
  2: 'assigned by vendor based on Enterprise number',
  3: 'link-layer address',
  4: 'Universally Unique IDentifier (UUID)',
});
const STATUS = names({
  0: 'Success', 1: 'UnspecFail', 2: 'NoAddrAvail', 3: 'NoBinding', 4: 'NotOnLink', 5: 'UseMulticast',
  6: 'NoPrefixAvail', 7: 'UnknownQueryType', 8: 'MalformedQuery', 9: 'NotConfigured', 10: 'NotAllowed',
  11: 'QueryTerminated', 12: 'DataMissing', 13: 'CatchUpComplete', 14: 'NotSupported', 15: 'TLSConnectionRefused',
}); // prettier-ignore

export const F = fields('dhcpv6', {
  '': proto('DHCPv6'),
  msgtype: uint('Message type', 8, { strings: MSG_TYPES }),
  xid: hex('Transaction ID', 24),
  hopcount: uint('Hopcount', 8),
  linkaddr: ipv6('Link address'),
  peeraddr: ipv6('Peer address'),
  _option: text('Option'),
  'option.type': uint('Option', 16, { strings: OPTIONS }),
  'option.length': uint('Length', 16),
  'option.value': bytes('Value'),
  'duid.bytes': bytes('DUID'),
  'duid.type': uint('DUID Type', 16, { strings: DUID_TYPES }),
  'duidllt.hwtype': uint('Hardware type', 16, { strings: ARP_HRD_NAMES }),
  'duidllt.time': absTime('DUID Time'),
  'duidllt.link_layer_addr': str('Link-layer address'),
  'duidll.hwtype': uint('Hardware type', 16, { strings: ARP_HRD_NAMES }),
  'duidll.link_layer_addr': str('Link-layer address'),
  'duiden.enterprise': uint('Enterprise ID', 32, { strings: ENTERPRISES }),
  'duiden.identifier': bytes('Identifier'),
  'duiduuid.bytes': bytes('UUID'),
  iaid: str('IAID'),
  iata: str('IATA'),
  unicast: ipv6('IPv6 address'),
  'auth.protocol': uint('Protocol', 8),
  'auth.algorithm': uint('Algorithm', 8),
  'auth.rdm': uint('RDM', 8),
  'auth.replay_detection': bytes('Replay Detection'),
  'auth.info': bytes('Authentication Information'),
  'userclass.length': uint('Length', 16),
  'userclass.opaque_data': bytes('Suboption'),
  'vendorclass.enterprise': uint('Enterprise ID', 32, { strings: ENTERPRISES }),
  'vendorclass.data': str('vendor-class-data'),
  'vendoropts.enterprise': uint('Enterprise ID', 32, { strings: ENTERPRISES }),
  'vendoropts.enterprise.option_code': uint('Option code', 16),
  'vendoropts.enterprise.option_length': uint('Option length', 16),
  'vendoropts.enterprise.option_data': bytes('Option data'),
  interface_id: bytes('Interface-ID'),
  reconf_msg: uint('Reconfigure message type', 8, { strings: MSG_TYPES }),
  sip_server_domain_search_fqdn: str('SIP Server Domain Search FQDN'),
  sip_server_a: ipv6('SIP server address'),
  sntp_server: ipv6('SNTP server address'),
  lifetime: uint('Lifetime', 32),
  'remoteid.enterprise': uint('Enterprise ID', 32, { strings: ENTERPRISES }),
  remoteid_enterprise_id: bytes('Remote-ID'),
  subscriber_id: str('Subscriber-ID'),
  aftr_name: str('DS-Lite AFTR Name'),
  mudurl: str('MUDURL'),
  'ntpserver.option.type': uint('Suboption', 16, {
    strings: names({ 1: 'NTP Server Address', 2: 'NTP Multicast Address', 3: 'NTP Server FQDN' }),
  }),
  'ntpserver.option.length': uint('Length', 16),
  'ntpserver.addr': ipv6('NTP Server Address'),
  'ntpserver.mc_addr': ipv6('NTP Multicast Address'),
  'ntpserver.fqdn': str('NTP Server FQDN'),
  lq_query: uint('Query-type', 8, {
    strings: names({
      1: 'by-address',
      2: 'by-clientID',
      3: 'by-relayID',
      4: 'by-linkAddress',
      5: 'by-remoteID',
    }),
  }),
  lq_query_link_address: ipv6('Link address'),
  'clientfqdn.client.n': bool('N bit', 8, 0x4, {
    tf: ['Server SHOULD NOT perform PTR RR updates', 'Server SHOULD perform PTR RR updates'],
  }),
  'clientfqdn.client.s': bool('S bit', 8, 0x1, {
    tf: ['Server SHOULD perform AAAA RR updates', 'Server SHOULD NOT perform AAAA RR updates'],
  }),
  'clientfqdn.server.n': bool('N bit', 8, 0x4, {
    tf: ['Server SHOULD NOT perform PTR RR updates', 'Server SHOULD perform PTR RR updates'],
  }),
  'clientfqdn.server.o': bool('O bit', 8, 0x2, {
    tf: [
      "Server HAS overridden client's S bit preference",
      "Server HAS NOT overridden client's S bit preference",
    ],
  }),
  'clientfqdn.server.s': bool('S bit', 8, 0x1, {
    tf: ['Server SHOULD perform AAAA RR updates', 'Server SHOULD NOT perform AAAA RR updates'],
  }),
  'iaid.t1': uint('T1', 32),
  'iaid.t2': uint('T2', 32),
  'iaaddr.ip': ipv6('IPv6 address'),
  'iaaddr.pref_lifetime': uint('Preferred lifetime', 32),
  'iaaddr.valid_lifetime': uint('Valid lifetime', 32),
  'iaprefix.pref_lifetime': uint('Preferred lifetime', 32),
  'iaprefix.valid_lifetime': uint('Valid lifetime', 32),
  'iaprefix.pref_len': uint('Prefix length', 8),
  'iaprefix.pref_addr': ipv6('Prefix address'),
  requested_option_code: uint('Requested Option code', 16, { strings: OPTIONS }),
  preference: uint('Pref-value', 8),
  elapsed_time: uint('Elapsed time', 16),
  status_code: uint('Status Code', 16, { strings: STATUS }),
  status_msg: str('Status Message'),
  dns_server: ipv6('DNS server address'),
  search_list_entry: str('List entry'),
  ntp_server: ipv6('NTP Server'),
  client_fqdn_flags: hex('Flags', 8),
  client_domain: str('Client Domain Name'),
  tld: str('Top Level Domain name (TLD)'),
  _relay: { name: 'DHCPv6', type: FieldType.None },
});

const DUID_EPOCH = 946684800; // 2000-01-01 00:00:00 UTC

export function dissectDHCPv6(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('dhcpv6');
  pinfo.setProto('DHCPv6');
  const info: string[] | null = pinfo.wantInfo ? [] : null;
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    message(tvb, pinfo, tree, o, tvb.reportedEnd, info, 0);
  } finally {
    tree.pop();
    if (info) pinfo.setInfo(info.join(''));
  }
  return tvb.remaining(o);
}

function message(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  end: number,
  info: string[] | null,
  depth: number,
): void {
  const type = tvb.u8(o);
  tree.add(F.msgtype, tvb, o, 1, type);
  const name = MSG_TYPES.get(type) ?? `Unknown (${type})`;
  if (type === 12 || type === 13) {
    tree.add(F.hopcount, tvb, o + 1, 1, tvb.u8(o + 1));
    tvb.need(o + 2, 32);
    tree.add(F.linkaddr, tvb, o + 2, 16);
    tree.add(F.peeraddr, tvb, o + 18, 16);
    info?.push(`${name} L: ${formatIPv6(tvb.bytes, o + 2)} `);
    options(tvb, pinfo, tree, o + 34, end, info, depth, o);
    return;
  }
  const xid = tvb.u24(o + 1);
  tree.add(F.xid, tvb, o + 1, 3, xid);
  info?.push(`${name} XID: 0x${xid.toString(16).padStart(6, '0')} `);
  options(tvb, pinfo, tree, o + 4, end, info, depth, o);
}

function options(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  start: number,
  end: number,
  info: string[] | null,
  depth: number,
  msgStart: number,
): void {
  let p = start;
  while (p < end) {
    const code = tvb.u16(p);
    const len = tvb.u16(p + 2);
    const v = p + 4;
    if (v + len > end) throw new MalformedError('Malformed Packet', p);
    const name = OPTIONS.get(code) ?? 'Unknown';
    tree.push(F._option, tvb, p, 4 + len);
    try {
      if (tree.full) tree.label(name);
      tree.add(F['option.type'], tvb, p, 2, code);
      tree.add(F['option.length'], tvb, p + 2, 2, len);
      optionValue(tvb, pinfo, tree, code, v, len, info, depth, msgStart);
    } finally {
      tree.pop();
    }
    p = v + len;
  }
}

function optionValue(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  code: number,
  v: number,
  len: number,
  info: string[] | null,
  depth: number,
  msgStart: number,
): void {
  const end = v + len;
  switch (code) {
    case 1:
    case 2:
      duid(tvb, tree, v, len);
      if (code === 1) info?.push(`CID: ${formatHex(tvb.bytes, v, len)} `);
      return;
    case 3:
    case 25:
      iaid(tvb, tree, v);
      tree.add(F['iaid.t1'], tvb, v + 4, 4, tvb.u32(v + 4));
      tree.add(F['iaid.t2'], tvb, v + 8, 4, tvb.u32(v + 8));
      options(tvb, pinfo, tree, v + 12, end, info, depth, msgStart);
      return;
    case 4:
      tree.add(F.iata, tvb, v, 4, tvb.u32(v).toString(16).padStart(8, '0'));
      options(tvb, pinfo, tree, v + 4, end, info, depth, msgStart);
      return;
    case 5:
      tvb.need(v, 24);
      tree.add(F['iaaddr.ip'], tvb, v, 16);
      tree.add(F['iaaddr.pref_lifetime'], tvb, v + 16, 4, tvb.u32(v + 16));
      tree.add(F['iaaddr.valid_lifetime'], tvb, v + 20, 4, tvb.u32(v + 20));
      info?.push(`IAA: ${formatIPv6(tvb.bytes, v)} `);
      options(tvb, pinfo, tree, v + 24, end, info, depth, msgStart);
      return;
    case 26:
      tvb.need(v, 25);
      tree.add(F['iaprefix.pref_lifetime'], tvb, v, 4, tvb.u32(v));
      tree.add(F['iaprefix.valid_lifetime'], tvb, v + 4, 4, tvb.u32(v + 4));
      tree.add(F['iaprefix.pref_len'], tvb, v + 8, 1, tvb.u8(v + 8));
      tree.add(F['iaprefix.pref_addr'], tvb, v + 9, 16);
      options(tvb, pinfo, tree, v + 25, end, info, depth, msgStart);
      return;
    case 6:
      for (let q = v; q + 2 <= end; q += 2) tree.add(F.requested_option_code, tvb, q, 2, tvb.u16(q));
      return;
    case 7:
      if (len >= 1) tree.add(F.preference, tvb, v, 1, tvb.u8(v));
      return;
    case 8:
      if (len === 2) {
        const t = tvb.u16(v);
        tree.add(F.elapsed_time, tvb, v, 2, t);
        if (tree.full) tree.labelLast(`Elapsed time: ${t * 10}ms`);
      }
      return;
    case 9:
      if (depth > 16) throw new MalformedError('Malformed Packet', v);
      tree.push(F._relay, tvb, v, len);
      try {
        message(tvb, pinfo, tree, v, end, info, depth + 1);
      } finally {
        tree.pop();
      }
      return;
    case 13:
      tree.add(F.status_code, tvb, v, 2, tvb.u16(v));
      if (len > 2) tree.add(F.status_msg, tvb, v + 2, len - 2, tvb.ascii(v + 2, len - 2));
      return;
    case 44:
      tree.add(F.lq_query, tvb, v, 1, tvb.u8(v));
      tree.add(F.lq_query_link_address, tvb, v + 1, 16);
      options(tvb, pinfo, tree, v + 17, end, info, depth, msgStart);
      return;
    case 79:
    case 82:
    case 83:
      // tshark 4.0 shows only the option's code and length.
      return;
    default:
      if (!extraOption(tvb, tree, code, v, len)) {
        if (len > 0) tree.add(F['option.value'], tvb, v, len);
      }
      return;
    case 23:
      for (let q = v, i = 1; q + 16 <= end; q += 16, i++) {
        tree.add(F.dns_server, tvb, q, 16);
        if (tree.full) tree.labelLast(` ${i} DNS server address: ${formatIPv6(tvb.bytes, q)}`);
      }
      return;
    case 24:
      searchList(tvb, tree, v, end);
      return;
    case 39:
      if (!FQDN_MESSAGES.has(tvb.u8(msgStart))) {
        fqdnNotPermitted(tvb, pinfo, tree, v, len);
        return;
      }
      if (len >= 1) {
        clientFqdnFlags(tvb, tree, v, tvb.u8(msgStart));
        if (len > 1) clientDomain(tvb, pinfo, tree, v + 1, end);
      }
      return;
  }
}

/** Options with simple values: true if `code` is one of them. */
function extraOption(tvb: Tvb, tree: Tree, code: number, v: number, len: number): boolean {
  const end = v + len;
  switch (code) {
    case 11:
      tvb.need(v, 11);
      tree.add(F['auth.protocol'], tvb, v, 1, tvb.u8(v));
      tree.add(F['auth.algorithm'], tvb, v + 1, 1, tvb.u8(v + 1));
      tree.add(F['auth.rdm'], tvb, v + 2, 1, tvb.u8(v + 2));
      tree.add(F['auth.replay_detection'], tvb, v + 3, 8);
      if (len > 11) tree.add(F['auth.info'], tvb, v + 11, len - 11);
      return true;
    case 12:
      tree.add(F.unicast, tvb, v, 16);
      return true;
    case 15:
      for (let p = v; p + 2 <= end;) {
        const n = tvb.u16(p);
        tree.push(F._option, tvb, p, 2 + n);
        if (tree.full) tree.label('User Class suboption');
        tree.add(F['userclass.length'], tvb, p, 2, n);
        tree.add(F['userclass.opaque_data'], tvb, p + 2, n);
        tree.pop();
        p += 2 + n;
      }
      return true;
    case 16:
      tree.add(F['vendorclass.enterprise'], tvb, v, 4, tvb.u32(v));
      if (len > 6) {
        const n = tvb.u16(v + 4);
        tree.add(F['vendorclass.data'], tvb, v + 6, n, tvb.ascii(v + 6, n).replace(/\0.*$/s, ''));
      }
      return true;
    case 17:
      vendorOptions(tvb, tree, v, end);
      return true;
    case 18:
      tree.add(F.interface_id, tvb, v, len);
      return true;
    case 19:
      tree.add(F.reconf_msg, tvb, v, 1, tvb.u8(v));
      return true;
    case 21:
      tree.push(F._option, tvb, v, len);
      if (tree.full) tree.label('SIP Servers Domain Search List');
      for (const name of domainNames(tvb, v, end))
        tree.add(F.sip_server_domain_search_fqdn, tvb, v, len, name);
      tree.pop();
      return true;
    case 22:
    case 31:
      for (let q = v, i = 1; q + 16 <= end; q += 16, i++) {
        tree.add(code === 22 ? F.sip_server_a : F.sntp_server, tvb, q, 16);
        if (tree.full && code === 31)
          tree.labelLast(` ${i} SNTP server address: ${formatIPv6(tvb.bytes, q)}`);
      }
      return true;
    case 32:
      tree.add(F.lifetime, tvb, v, 4, tvb.u32(v));
      return true;
    case 37:
      tree.add(F['remoteid.enterprise'], tvb, v, 4, tvb.u32(v));
      if (len > 4) tree.add(F.remoteid_enterprise_id, tvb, v + 4, len - 4);
      return true;
    case 38:
      tree.add(F.subscriber_id, tvb, v, len, tvb.ascii(v, len));
      return true;
    case 56:
      ntpSuboptions(tvb, tree, v, end);
      return true;
    case 64:
      tree.add(F.aftr_name, tvb, v, len, domainNames(tvb, v, end).join(' '));
      return true;
    case 112:
      tree.add(F.mudurl, tvb, v, len, tvb.ascii(v, len));
      return true;
  }
  return false;
}

function vendorOptions(tvb: Tvb, tree: Tree, v: number, end: number): void {
  tree.add(F['vendoropts.enterprise'], tvb, v, 4, tvb.u32(v));
  for (let p = v + 4; p + 4 <= end;) {
    const n = tvb.u16(p + 2);
    tree.push(F._option, tvb, p, 4 + n);
    if (tree.full) tree.label('option');
    tree.add(F['vendoropts.enterprise.option_code'], tvb, p, 2, tvb.u16(p));
    tree.add(F['vendoropts.enterprise.option_length'], tvb, p + 2, 2, n);
    if (n > 0) tree.add(F['vendoropts.enterprise.option_data'], tvb, p + 4, n);
    tree.pop();
    p += 4 + n;
  }
}

const NTP_SUBOPTIONS = names({ 1: 'NTP Server Address', 2: 'NTP Multicast Address', 3: 'NTP Server FQDN' });

function ntpSuboptions(tvb: Tvb, tree: Tree, v: number, end: number): void {
  for (let p = v; p + 4 <= end;) {
    const type = tvb.u16(p);
    const n = tvb.u16(p + 2);
    const q = p + 4;
    tree.push(F._option, tvb, p, 4 + n);
    if (tree.full) tree.label(NTP_SUBOPTIONS.get(type) ?? 'Unknown');
    tree.add(F['ntpserver.option.type'], tvb, p, 2, type);
    tree.add(F['ntpserver.option.length'], tvb, p + 2, 2, n);
    if (type === 1 || type === 2)
      tree.add(type === 1 ? F['ntpserver.addr'] : F['ntpserver.mc_addr'], tvb, q, 16);
    else if (type === 3) tree.add(F['ntpserver.fqdn'], tvb, q, n, domainNames(tvb, q, q + n).join(' '));
    tree.pop();
    p = q + n;
  }
}

/** The client's name; a lone top-level label earns tshark's warning. */
function clientDomain(tvb: Tvb, pinfo: PacketInfo, tree: Tree, at: number, end: number): void {
  const name = domainNames(tvb, at, end).join(' ');
  const tld = tvb.u8(at) + 2 === end - at && tvb.u8(end - 1) === 0;
  if (!tld) {
    tree.add(F.client_domain, tvb, at, end - at, name);
    return;
  }
  tree.push(F.tld, tvb, at, end - at, name);
  expertItem(pinfo, tree, tvb, at, end - at, 'Warning', 'Comment', 'WARNING: TLDs are rarely resolvable ');
  tree.pop();
}

/** The message types RFC 4704 lets carry a Client FQDN option. */
const FQDN_MESSAGES = new Set([1, 2, 3, 5, 6, 7]);

function fqdnNotPermitted(tvb: Tvb, pinfo: PacketInfo, tree: Tree, v: number, len: number): void {
  tree.push(F._option, tvb, v, len);
  if (tree.full)
    tree.label(
      'Only the following message types are permitted to use OPTION_CLIENT_FQDN:\nSOLICIT, REQUEST, RENEW, REBIND, ADVERTISE, and REPLY',
    );
  const message = 'This message type is not permitted to use OPTION_CLIENT_FQDN';
  expertItem(pinfo, tree, tvb, v, len, 'Error', 'Protocol', message);
  tree.pop();
}

/** RFC 4704 flags: the client's wish (Solicit, Request, Renew, Rebind) or the server's answer. */
function clientFqdnFlags(tvb: Tvb, tree: Tree, v: number, msgType: number): void {
  const flags = tvb.u8(v);
  const client = msgType === 1 || msgType === 3 || msgType === 5 || msgType === 6;
  const server = msgType === 2 || msgType === 7;
  tree.push(F.client_fqdn_flags, tvb, v, 1, flags);
  if (tree.full) {
    const hexText = `0x${flags.toString(16).padStart(2, '0')}`;
    tree.label(`Flags: ${hexText}  [${fqdnMeaning(flags, client)}]`);
  }
  if (client) {
    tree.add(F['clientfqdn.client.n'], tvb, v, 1, (flags & 4) !== 0);
    tree.add(F['clientfqdn.client.s'], tvb, v, 1, (flags & 1) !== 0);
  } else if (server) {
    tree.add(F['clientfqdn.server.n'], tvb, v, 1, (flags & 4) !== 0);
    tree.add(F['clientfqdn.server.o'], tvb, v, 1, (flags & 2) !== 0);
    tree.add(F['clientfqdn.server.s'], tvb, v, 1, (flags & 1) !== 0);
  }
  tree.pop();
}

function fqdnMeaning(flags: number, client: boolean): string {
  const n = (flags & 4) !== 0;
  const s = (flags & 1) !== 0;
  if (client) {
    if (n)
      return s
        ? 'ERROR: CLIENT prefers that the server not perform *any* DNS updates'
        : 'CLIENT prefers that the server not perform *any* DNS updates';
    return s
      ? 'CLIENT wants SERVER to update both its AAAA and PTR RRs'
      : 'CLIENT wants to update its AAAA RRs and SERVER to update its PTR RRs';
  }
  if (n)
    return s
      ? "ERROR: SERVER SHALL NOT perform *any* DNS updates in which case         the 'S' bit MUST be 0"
      : 'CLIENT SHALL update AAAA RRs; SERVER SHALL NOT perform any DNS updates';
  return s
    ? 'SERVER SHALL update both AAAA and PTR RRs'
    : 'CLIENT SHALL update AAAA RRs; SERVER SHALL update PTR RRs';
}

function iaid(tvb: Tvb, tree: Tree, v: number): void {
  tree.add(F.iaid, tvb, v, 4, tvb.u32(v).toString(16).padStart(8, '0'));
}

function duid(tvb: Tvb, tree: Tree, v: number, len: number): void {
  if (len < 2) return;
  tvb.need(v, len);
  tree.add(F['duid.bytes'], tvb, v, len);
  const type = tvb.u16(v);
  tree.add(F['duid.type'], tvb, v, 2, type);
  if (type === 1 && len >= 8) {
    tree.add(F['duidllt.hwtype'], tvb, v + 2, 2, tvb.u16(v + 2));
    tree.add(F['duidllt.time'], tvb, v + 4, 4, formatAbsoluteUtc(DUID_EPOCH + tvb.u32(v + 4), 0));
    if (len > 8)
      tree.add(F['duidllt.link_layer_addr'], tvb, v + 8, len - 8, formatHexColon(tvb.bytes, v + 8, len - 8));
  } else if (type === 3 && len >= 4) {
    tree.add(F['duidll.hwtype'], tvb, v + 2, 2, tvb.u16(v + 2));
    if (len > 4)
      tree.add(F['duidll.link_layer_addr'], tvb, v + 4, len - 4, formatHexColon(tvb.bytes, v + 4, len - 4));
  } else if (type === 2 && len >= 6) {
    tree.add(F['duiden.enterprise'], tvb, v + 2, 4, tvb.u32(v + 2));
    if (len > 6) tree.add(F['duiden.identifier'], tvb, v + 6, len - 6);
  } else if (type === 4 && len === 18) {
    tree.add(F['duiduuid.bytes'], tvb, v + 2, 16);
  }
}

/** RFC 1035 names, uncompressed, one after another (with their final dot, as tshark prints). */
function domainNames(tvb: Tvb, start: number, end: number): string[] {
  const out: string[] = [];
  let p = start;
  while (p < end) {
    const labels: string[] = [];
    let terminated = false;
    while (p < end) {
      const n = tvb.u8(p++);
      if (n === 0) {
        terminated = true;
        break;
      }
      if (n > 63) throw new MalformedError('Malformed Packet', p - 1);
      labels.push(tvb.ascii(p, Math.min(n, end - p)));
      p += n;
    }
    // A partial name (no root label) has no final dot.
    out.push(terminated ? `${labels.join('.')}.` : labels.join('.'));
  }
  return out;
}

function searchList(tvb: Tvb, tree: Tree, v: number, end: number): void {
  const entries = domainNames(tvb, v, end);
  tree.push(F._option, tvb, v, end - v);
  if (tree.full) tree.label('Domain name suffix search list');
  for (const e of entries) tree.add(F.search_list_entry, tvb, v, end - v, e);
  tree.pop();
}

export const dhcpv6Module = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', 546, dissectDHCPv6);
    reg.register('udpPort', 547, dissectDHCPv6);
  },
};
