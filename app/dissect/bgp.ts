// Border Gateway Protocol 4 (RFC 4271) on TCP port 179: OPEN with its optional parameters and
// capabilities, UPDATE with withdrawn routes, path attributes (MP_REACH/MP_UNREACH among them) and
// NLRI, NOTIFICATION, KEEPALIVE and ROUTE-REFRESH, as tshark 4.0 shows them. Several messages may
// share a segment and one may span segments (TCP reassembly, Wireshark's tcp_dissect_pdus): each
// message is its own `bgp` subtree, and a fault in one ends only that one.
import { bitPicture } from './field-text.ts';
import {
  bool,
  bytes,
  fields,
  hex,
  ipv4,
  ipv6,
  names,
  proto,
  str,
  text,
  uint,
  type FieldDef,
} from './field.ts';
import { expert } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { appendInfo, tcpDissectPdus, type PduSpec } from './tcp-pdus.ts';
import { formatIPv4, formatIPv6 } from '../format/address.ts';

export const TCP_PORT_BGP = 179;
const HEADER = 19;
const MAX_MESSAGE = 4096;

const TYPES = names({
  1: 'OPEN Message',
  2: 'UPDATE Message',
  3: 'NOTIFICATION Message',
  4: 'KEEPALIVE Message',
  5: 'ROUTE-REFRESH Message',
  6: 'CAPABILITY Message',
  128: 'Cisco ROUTE-REFRESH Message',
});

export const AFI_NAMES = names({
  0: 'Reserved',
  1: 'IPv4',
  2: 'IPv6',
  3: 'NSAP',
  4: 'HDLC (8-bit multidrop)',
  5: 'BBN 1822',
  6: '802 (includes all 802 media plus Ethernet canonical format)',
  25: 'Layer-2 VPN',
  16388: 'BGP-LS',
});

const SAFI_NAMES = names({
  0: 'Reserved',
  1: 'Unicast',
  2: 'Multicast',
  3: 'Unicast+Multicast',
  4: 'Labeled Unicast',
  5: 'MCAST-VPN',
  8: 'Multicast VPLS',
  64: 'Tunnel',
  65: 'VPLS',
  66: 'MDT',
  67: '4over6',
  68: '6over4',
  69: 'Layer-1 VPN auto-discovery information',
  70: 'EVPN',
  71: 'BGP-LS',
  72: 'BGP-LS-VPN',
  73: 'SR TE Policy',
  128: 'Labeled VPN Unicast',
  129: 'Labeled VPN Multicast',
  130: 'Labeled VPN Unicast+Multicast',
  132: 'Route Target Filter',
  133: 'Flow Spec Filter',
  134: 'Flow Spec Filter VPN',
  140: 'Layer-1 VPN auto-discovery information',
});

const CAPABILITIES = names({
  0: 'Reserved capability',
  1: 'Multiprotocol extensions capability',
  2: 'Route refresh capability',
  3: 'Cooperative route filtering capability',
  4: 'Multiple routes to a destination capability',
  5: 'Extended Next Hop Encoding',
  6: 'BGP-Extended Message',
  7: 'BGPsec capability',
  8: 'Multiple Labels capability',
  9: 'BGP Role',
  64: 'Graceful Restart capability',
  65: 'Support for 4-octet AS number capability',
  66: 'Deprecated',
  67: 'Support for Dynamic capability (draft)',
  68: 'Multisession BGP Capability',
  69: 'Support for Additional Paths',
  70: 'Enhanced route refresh capability',
  71: 'Long-Lived Graceful Restart (LLGR) Capability',
  73: 'FQDN Capability',
  128: 'Route refresh capability (Cisco)',
  130: 'Cooperative route filtering capability (Cisco)',
  131: 'Multisession BGP (Cisco)',
});

const ATTR_TYPES = names({
  1: 'ORIGIN',
  2: 'AS_PATH',
  3: 'NEXT_HOP',
  4: 'MULTI_EXIT_DISC',
  5: 'LOCAL_PREF',
  6: 'ATOMIC_AGGREGATE',
  7: 'AGGREGATOR',
  8: 'COMMUNITIES',
  9: 'ORIGINATOR_ID',
  10: 'CLUSTER_LIST',
  14: 'MP_REACH_NLRI',
  15: 'MP_UNREACH_NLRI',
  16: 'EXTENDED_COMMUNITIES',
  17: 'AS4_PATH',
  18: 'AS4_AGGREGATOR',
  19: 'SAFI_SPECIFIC_ATTRIBUTE',
  20: 'Connector Attribute',
  21: 'AS_PATHLIMIT',
  22: 'PMSI_TUNNEL_ATTRIBUTE',
  23: 'TUNNEL_ENCAPSULATION_ATTRIBUTE',
  24: 'TRAFFIC_ENGINEERING',
  25: 'IPv6_ADDRESS_SPECIFIC_EXTENDED_COMMUNITY',
  26: 'AIGP',
  27: 'PE_DISTINGUISHER_LABELS',
  28: 'BGP_ENTROPY_LABEL_CAPABILITY',
  29: 'BGP_LS_ATTRIBUTE',
  32: 'LARGE_COMMUNITY',
  33: 'BGPsec_PATH',
  34: 'BGP_COMMUNITY_CONTAINER',
  35: 'ONLY_TO_CUSTOMER',
  36: 'DOMAIN_PATH',
  37: 'SFP_ATTRIBUTE',
  38: 'BFD_DISCRIMINATOR',
  40: 'BGP_PREFIX_SID',
  128: 'ATTR_SET',
});

const ORIGINS = names({ 0: 'IGP', 1: 'EGP', 2: 'INCOMPLETE' });
const SEGMENT_TYPES = names({ 1: 'AS_SET', 2: 'AS_SEQUENCE', 3: 'AS_CONFED_SEQUENCE', 4: 'AS_CONFED_SET' });
const OPT_PARAMS = names({ 1: 'Authentication (deprecated)', 2: 'Capability', 255: 'Extended Length' });
const SEND_RECEIVE = names({ 1: 'Receive', 2: 'Send', 3: 'Receive and Send' });
const MAJOR_ERRORS = names({
  1: 'Message Header Error',
  2: 'OPEN Message Error',
  3: 'UPDATE Message Error',
  4: 'Hold Timer Expired',
  5: 'Finite State Machine Error',
  6: 'Cease',
  7: 'CAPABILITY Message Error',
});
const MINOR_HEADER = names({
  1: 'Connection Not Synchronized',
  2: 'Bad Message Length',
  3: 'Bad Message Type',
});
const MINOR_OPEN = names({
  1: 'Unsupported Version Number',
  2: 'Bad Peer AS',
  3: 'Bad BGP Identifier',
  4: 'Unsupported Optional Parameter',
  5: 'Authentication Failure',
  6: 'Unacceptable Hold Time',
  7: 'Unsupported Capability',
  8: 'No supported AFI/SAFI (Cisco)',
  11: 'Role Mismatch',
});
const MINOR_UPDATE = names({
  1: 'Malformed Attribute List',
  2: 'Unrecognized Well-known Attribute',
  3: 'Missing Well-known Attribute',
  4: 'Attribute Flags Error',
  5: 'Attribute Length Error',
  6: 'Invalid ORIGIN Attribute',
  7: 'AS Routing Loop',
  8: 'Invalid NEXT_HOP Attribute',
  9: 'Optional Attribute Error',
  10: 'Invalid Network Field',
  11: 'Malformed AS_PATH',
});
const MINOR_FSM = names({
  0: 'Unspecified Error',
  1: 'Receive Unexpected Message in OpenSent State',
  2: 'Receive Unexpected Message in OpenConfirm State',
  3: 'Receive Unexpected Message in Established State',
});
const MINOR_CEASE = names({
  1: 'Maximum Number of Prefixes Reached',
  2: 'Administratively Shutdown',
  3: 'Peer De-configured',
  4: 'Administratively Reset',
  5: 'Connection Rejected',
  6: 'Other Configuration Change',
  7: 'Connection Collision Resolution',
  8: 'Out of Resources',
  9: 'Hard Reset',
  10: 'BFD Down',
});
const MINOR_CAPABILITY = names({
  1: 'Invalid Action Value',
  2: 'Invalid Capability Length',
  3: 'Malformed Capability Value',
  4: 'Unsupported Capability Code',
});
const EXT_COM_TYPES = names({
  0x00: 'Transitive 2-Octet AS-Specific',
  0x01: 'Transitive IPv4-Address-Specific',
  0x02: 'Transitive 4-Octet AS-Specific',
  0x03: 'Transitive Opaque',
  0x06: 'Transitive EVPN',
  0x08: 'Flow spec redirect/mirror to IP next-hop',
  0x40: 'Non-Transitive 2-Octet AS-Specific',
  0x41: 'Non-Transitive IPv4-Address-Specific',
  0x42: 'Non-Transitive 4-Octet AS-Specific',
  0x43: 'Non-Transitive Opaque',
  0x80: 'Generic Transitive Experimental Use',
});
const AIGP_TYPES = names({ 1: 'Type AIGP TLV' });

export const F = fields('bgp', {
  '': proto('Border Gateway Protocol'),
  continuation: text('Continuation'),
  marker: bytes('Marker'),
  length: uint('Length', 16),
  type: uint('Type', 8, { strings: TYPES }),
  'open.version': uint('Version', 8),
  'open.myas': uint('My AS', 16),
  'open.holdtime': uint('Hold Time', 16),
  'open.identifier': ipv4('BGP Identifier'),
  'open.opt.len': uint('Optional Parameters Length', 8),
  'open.opt': text('Optional Parameters'),
  'open.opt.param': text('Optional Parameter'),
  'open.opt.param.type': uint('Parameter Type', 8, { strings: OPT_PARAMS }),
  'open.opt.param.len': uint('Parameter Length', 8),
  'open.opt.param.auth': bytes('Authentication Data'),
  'open.opt.param.unknown': bytes('Unknown'),
  cap: text('Capability'),
  'cap.type': uint('Type', 8, { strings: CAPABILITIES }),
  'cap.length': uint('Length', 8),
  'cap.unknown': bytes('Unknown'),
  'cap.reserved': bytes('Reserved'),
  'cap.mp.afi': uint('AFI', 16, { strings: AFI_NAMES }),
  'cap.mp.safi': uint('SAFI', 8, { strings: SAFI_NAMES }),
  'cap.gr.timers': hex('Restart Timers', 16),
  'cap.gr.timers.restart_flag': bool('Restart state', 16, 0x8000, { tf: ['Yes', 'No'] }),
  'cap.gr.timers.notification_flag': bool('Graceful notification', 16, 0x4000, { tf: ['Yes', 'No'] }),
  'cap.gr.timers.restart_time': uint('Time', 16, { mask: 0x0fff }),
  'cap.gr.afi': uint('AFI', 16, { strings: AFI_NAMES }),
  'cap.gr.safi': uint('SAFI', 8, { strings: SAFI_NAMES }),
  'cap.gr.flag': hex('Flag', 8),
  'cap.4as': uint('AS Number', 32),
  'cap.ap.afi': uint('AFI', 16, { strings: AFI_NAMES }),
  'cap.ap.safi': uint('SAFI', 8, { strings: SAFI_NAMES }),
  'cap.ap.sendreceive': uint('Send/Receive', 8, { strings: SEND_RECEIVE }),
  'update.withdrawn_routes.length': uint('Withdrawn Routes Length', 16),
  'update.withdrawn_routes': text('Withdrawn Routes'),
  'update.path_attributes.length': uint('Total Path Attribute Length', 16),
  'update.path_attributes': text('Path attributes'),
  'update.path_attribute': text('Path Attribute'),
  'update.path_attribute.flags': hex('Flags', 8),
  'update.path_attribute.flags.optional': bool('Optional', 8, 0x80),
  'update.path_attribute.flags.transitive': bool('Transitive', 8, 0x40),
  'update.path_attribute.flags.partial': bool('Partial', 8, 0x20),
  'update.path_attribute.flags.extended_length': bool('Extended-Length', 8, 0x10),
  'update.path_attribute.flags.unused': hex('Unused', 8, { mask: 0x0f }),
  'update.path_attribute.type_code': uint('Type Code', 8, { strings: ATTR_TYPES }),
  'update.path_attribute.length': uint('Length', 16),
  'update.path_attribute.origin': uint('Origin', 8, { strings: ORIGINS }),
  'update.path_attribute.as_path_segment': text('AS Path segment'),
  'update.path_attribute.as_path_segment.type': uint('Segment type', 8, { strings: SEGMENT_TYPES }),
  'update.path_attribute.as_path_segment.length': uint('Segment length (number of ASN)', 8),
  'update.path_attribute.as_path_segment.as2': uint('AS2', 16),
  'update.path_attribute.as_path_segment.as4': uint('AS4', 32),
  'update.path_attribute.next_hop': ipv4('Next hop'),
  'update.path_attribute.multi_exit_disc': uint('Multiple exit discriminator', 32),
  'update.path_attribute.local_pref': uint('Local preference', 32),
  'update.path_attribute.aggregator_as': uint('Aggregator AS', 32),
  'update.path_attribute.aggregator_origin': ipv4('Aggregator origin'),
  'update.path_attribute.communities': text('Communities'),
  'update.path_attribute.community': text('Community'),
  'update.path_attribute.community_as': uint('Community AS', 16),
  'update.path_attribute.community_value': uint('Community value', 16),
  'update.path_attribute.originator_id': ipv4('Originator identifier'),
  'path_attribute.cluster_list': text('Cluster List'),
  'path_attribute.cluster_id': ipv4('Cluster ID'),
  ext_communities: text('Carried extended communities'),
  _ext_com: text('Community'),
  'ext_com.type': hex('Type', 8, { strings: EXT_COM_TYPES }),
  'ext_com.stype_tr_as2': hex('Subtype (AS2)', 8),
  'ext_com.stype_ntr_as2': hex('Subtype (Non-transitive AS2)', 8),
  'ext_com.stype_tr_IP4': hex('Subtype (IPv4)', 8),
  'ext_com.stype_ntr_IP4': hex('Subtype (Non-transitive IPv4)', 8),
  'ext_com.stype_tr_as4': hex('Subtype (AS4)', 8),
  'ext_com.stype_ntr_as4': hex('Subtype (Non-transitive AS4)', 8),
  'ext_com.stype_tr_opaque': hex('Subtype (Opaque)', 8),
  'ext_com.stype_ntr_opaque': hex('Subtype (Non-transitive Opaque)', 8),
  'ext_com.stype_tr_evpn': hex('Subtype (EVPN)', 8),
  'ext_com.stype_unknown': hex('Subtype', 8),
  'ext_com.value_as2': uint('2-Octet AS', 16),
  'ext_com.value_as4': uint('4-Octet AS', 32),
  'ext_com.value_IP4': ipv4('IPv4 address'),
  'ext_com.value_an2': uint('2-Octet AN', 16),
  'ext_com.value_an4': uint('4-Octet AN', 32),
  'ext_com.value_raw': hex('Raw Value', 48),
  large_communities: str('Large Communities'),
  'large_communities.ga': uint('Global Administrator', 32),
  'large_communities.ldp1': uint('Local Data Part 1', 32),
  'large_communities.ldp2': uint('Local Data Part 2', 32),
  'update.path_attribute.aigp': text('AIGP Attribute'),
  'update.attribute.aigp.type': uint('AIGP attribute type', 8, { strings: AIGP_TYPES }),
  'update.attribute.aigp.length': uint('AIGP TLV length', 16),
  'update.attribute.aigp.accu_igp_metric': uint('AIGP Accumulated IGP Metric', 64),
  'update.path_attribute.mp_reach_nlri.afi': uint('Address family identifier (AFI)', 16, {
    strings: AFI_NAMES,
  }),
  'update.path_attribute.mp_reach_nlri.safi': uint('Subsequent address family identifier (SAFI)', 8, {
    strings: SAFI_NAMES,
  }),
  'update.path_attribute.mp_reach_nlri.next_hop': bytes('Next hop'),
  'update.path_attribute.mp_reach_nlri.next_hop.rd': str('Route Distinguisher'),
  'update.path_attribute.mp_reach_nlri.next_hop.ipv4': ipv4('IPv4 Address'),
  'update.path_attribute.mp_reach_nlri.next_hop.ipv6': ipv6('IPv6 Address'),
  'update.path_attribute.mp_reach_nlri.next_hop.ipv6.link_local': ipv6('Link-local Address'),
  'update.path_attribute.mp_reach_nlri.nbr_snpa': uint('Number of Subnetwork points of attachment (SNPA)', 8),
  'update.path_attribute.mp_reach_nlri.snpa_length': uint('SNPA Length', 8),
  'update.path_attribute.mp_reach_nlri.snpa': bytes('SNPA'),
  'update.path_attribute.mp_reach_nlri': text('Network Layer Reachability Information (NLRI)'),
  'update.path_attribute.mp_unreach_nlri.afi': uint('Address family identifier (AFI)', 16, {
    strings: AFI_NAMES,
  }),
  'update.path_attribute.mp_unreach_nlri.safi': uint('Subsequent address family identifier (SAFI)', 8, {
    strings: SAFI_NAMES,
  }),
  'update.path_attribute.mp_unreach_nlri': text('Withdrawn Routes'),
  'update.path_attributes.unknown': text('Unknown Path attributes'),
  'update.nlri': text('Network Layer Reachability Information (NLRI)'),
  _prefix: text('Prefix'),
  prefix_length: uint('Prefix Length', 8),
  nlri_path_id: uint('NLRI path id', 32),
  nlri_prefix: ipv4('NLRI prefix'),
  withdrawn_prefix: ipv4('Withdrawn prefix'),
  mp_reach_nlri_ipv4_prefix: ipv4('MP Reach NLRI IPv4 prefix'),
  mp_unreach_nlri_ipv4_prefix: ipv4('MP Unreach NLRI IPv4 prefix'),
  mp_reach_nlri_ipv6_prefix: ipv6('MP Reach NLRI IPv6 prefix'),
  mp_unreach_nlri_ipv6_prefix: ipv6('MP Unreach NLRI IPv6 prefix'),
  label_stack: str('Label Stack'),
  rd: str('Route Distinguisher'),
  originating_as: uint('Originating AS', 32),
  'notify.major_error': uint('Major error Code', 8, { strings: MAJOR_ERRORS }),
  'notify.minor_error': uint('Minor error Code (Message Header)', 8, { strings: MINOR_HEADER }),
  'notify.minor_error_open': uint('Minor error Code (Open Message)', 8, { strings: MINOR_OPEN }),
  'notify.minor_error_update': uint('Minor error Code (Update Message)', 8, { strings: MINOR_UPDATE }),
  'notify.minor_error_expired': uint('Minor error Code (Hold Timer Expired)', 8),
  'notify.minor_error_state': uint('Minor error Code (State Machine)', 8, { strings: MINOR_FSM }),
  'notify.minor_error_cease': uint('Minor error Code (Cease)', 8, { strings: MINOR_CEASE }),
  'notify.minor_error_capability': uint('Minor error Code (Capability Message)', 8, {
    strings: MINOR_CAPABILITY,
  }),
  'notify.minor_error_unknown': uint('Minor error Code (Unknown)', 8),
  'notify.minor_data': bytes('Data'),
  'notify.communication_length': uint('BGP Shutdown Communication Length', 8),
  'notify.communication': str('Shutdown Communication'),
  'route_refresh.afi': uint('Address family identifier (AFI)', 16, { strings: AFI_NAMES }),
  'route_refresh.subtype': uint('Subtype', 8),
  'route_refresh.safi': uint('Subsequent address family identifier (SAFI)', 8, { strings: SAFI_NAMES }),
});

const MINOR_FIELDS: readonly FieldDef[] = [
  F['notify.minor_error_unknown'],
  F['notify.minor_error'],
  F['notify.minor_error_open'],
  F['notify.minor_error_update'],
  F['notify.minor_error_expired'],
  F['notify.minor_error_state'],
  F['notify.minor_error_cease'],
  F['notify.minor_error_capability'],
];

const ALL_ONES = (b: Uint8Array, at: number, n: number): boolean => {
  for (let i = 0; i < n; i++) if (b[at + i] !== 0xff) return false;
  return true;
};

/**
 * Wireshark's dissect_bgp: bytes before the first marker are a continuation, then one message
 * after another by their length fields (tcp_dissect_pdus), each asking TCP for the rest when cut.
 */
export function dissectBGP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const start = tvb.start;
  const end = tvb.reportedEnd;
  pinfo.layers.push('bgp');
  pinfo.setProto('BGP');
  // col_clear: behind a fence (a message reassembled earlier in this segment) Info keeps that text.
  if (pinfo.wantInfo) pinfo.setInfo('');
  let o = start;
  for (; o < end; o++) {
    const n = Math.min(16, end - o);
    tvb.need(o, n);
    if (ALL_ONES(tvb.bytes, o, n)) break;
  }
  if (o > start) {
    tree.push(F[''], tvb, start, o - start);
    tree.add(F.continuation, tvb, start, o - start);
    tree.pop();
  }
  return tcpDissectPdus(tvb, pinfo, tree, PDUS, o);
}

const PDUS: PduSpec = {
  fixed: HEADER,
  length: (tvb, at) => tvb.u16(at + 16),
  dissect(msg, pinfo, tree) {
    const o = msg.start;
    const type = msg.u8(o + 18);
    const typeText = TYPES.get(type) ?? `Unknown message type (0x${type.toString(16).padStart(2, '0')})`;
    appendInfo(pinfo, typeText);
    tree.push(F[''], msg, o, msg.remaining(o));
    if (tree.full) tree.label(`${F[''].name} - ${typeText}`);
    message(msg, pinfo, tree, msg.u16(o + 16), type);
    tree.pop();
  },
  name: 'BGP',
};

function message(tvb: Tvb, pinfo: PacketInfo, tree: Tree, plen: number, type: number): void {
  const o = tvb.start;
  tree.add(F.marker, tvb, o, 16);
  if (!ALL_ONES(tvb.bytes, o, 16)) expertUnder(pinfo, tree, tvb, o, 16, 'Marker is not all ones');
  tree.add(F.length, tvb, o + 16, 2, plen);
  if (plen > MAX_MESSAGE) {
    expertUnder(pinfo, tree, tvb, o + 16, 2, `Length is invalid ${plen}`);
    return;
  }
  tree.add(F.type, tvb, o + 18, 1, type);
  const body = o + HEADER;
  switch (type) {
    case 1:
      open(tvb, pinfo, tree, body);
      break;
    case 2:
      update(tvb, pinfo, tree, body, o + plen);
      break;
    case 3:
      notification(tvb, tree, body, o + plen);
      break;
    case 5:
    case 128:
      tree.add(F['route_refresh.afi'], tvb, body, 2, tvb.u16(body));
      tree.add(F['route_refresh.subtype'], tvb, body + 2, 1, tvb.u8(body + 2));
      tree.add(F['route_refresh.safi'], tvb, body + 3, 1, tvb.u8(body + 3));
      break;
    default:
      break;
  }
}

/** An expert note of the Malformed group on the item added last (its subtree reopened). */
function expertUnder(pinfo: PacketInfo, tree: Tree, tvb: Tvb, at: number, len: number, msg: string): void {
  expert(pinfo, tree, tvb, at, len, 'Error', 'Malformed', msg);
}

function open(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number): void {
  tree.add(F['open.version'], tvb, o, 1, tvb.u8(o));
  const myas = tvb.u16(o + 1);
  tree.add(F['open.myas'], tvb, o + 1, 2, myas);
  if (tree.full && myas === 23456) tree.labelLast(`My AS: ${myas} (AS_TRANS)`);
  tree.add(F['open.holdtime'], tvb, o + 3, 2, tvb.u16(o + 3));
  tree.add(F['open.identifier'], tvb, o + 5, 4, tvb.u32(o + 5));
  const optLen = tvb.u8(o + 9);
  tree.add(F['open.opt.len'], tvb, o + 9, 1, optLen);
  if (optLen === 0) return;
  let p = o + 10;
  const end = p + optLen;
  tree.push(F['open.opt'], tvb, p, optLen);
  while (p < end) {
    const ptype = tvb.u8(p);
    const plen = tvb.u8(p + 1);
    tree.push(F['open.opt.param'], tvb, p, 2 + plen);
    if (tree.full) tree.label(`Optional Parameter: ${OPT_PARAMS.get(ptype) ?? 'Unknown'}`);
    tree.add(F['open.opt.param.type'], tvb, p, 1, ptype);
    tree.add(F['open.opt.param.len'], tvb, p + 1, 1, plen);
    if (ptype === 2) capabilities(tvb, tree, p + 2, p + 2 + plen);
    tree.pop();
    if (ptype === 1) tree.add(F['open.opt.param.auth'], tvb, p + 2, plen);
    else if (ptype !== 2) tree.add(F['open.opt.param.unknown'], tvb, p + 2, plen);
    p += 2 + plen;
  }
  tree.pop();
}

function capabilities(tvb: Tvb, tree: Tree, p: number, end: number): void {
  while (p < end) {
    const ctype = tvb.u8(p);
    const clen = tvb.u8(p + 1);
    tree.push(F.cap, tvb, p, 2 + clen);
    if (tree.full) tree.label(`Capability: ${CAPABILITIES.get(ctype) ?? 'Unknown capability'}`);
    tree.add(F['cap.type'], tvb, p, 1, ctype);
    tree.add(F['cap.length'], tvb, p + 1, 1, clen);
    const v = p + 2;
    tvb.need(v, clen);
    switch (ctype) {
      case 1:
        if (clen === 4) {
          tree.add(F['cap.mp.afi'], tvb, v, 2, tvb.u16(v));
          tree.add(F['cap.reserved'], tvb, v + 2, 1);
          tree.add(F['cap.mp.safi'], tvb, v + 3, 1, tvb.u8(v + 3));
        } else if (clen > 0) tree.add(F['cap.unknown'], tvb, v, clen);
        break;
      case 64:
        if (clen >= 2) {
          const t = tvb.u16(v);
          tree.push(F['cap.gr.timers'], tvb, v, 2, t);
          if (tree.full) {
            let l = `Restart Timers: 0x${t.toString(16).padStart(4, '0')}`;
            if (t & 0x8000) l += ', Restart state';
            if (t & 0x4000) l += ', Graceful notification';
            tree.label(l);
          }
          tree.add(F['cap.gr.timers.restart_flag'], tvb, v, 2, (t & 0x8000) !== 0);
          tree.add(F['cap.gr.timers.notification_flag'], tvb, v, 2, (t & 0x4000) !== 0);
          tree.add(F['cap.gr.timers.restart_time'], tvb, v, 2, t & 0x0fff);
          tree.pop();
          for (let q = v + 2; q + 4 <= v + clen; q += 4) {
            tree.add(F['cap.gr.afi'], tvb, q, 2, tvb.u16(q));
            tree.add(F['cap.gr.safi'], tvb, q + 2, 1, tvb.u8(q + 2));
            tree.add(F['cap.gr.flag'], tvb, q + 3, 1, tvb.u8(q + 3));
          }
        }
        break;
      case 65:
        if (clen === 4) tree.add(F['cap.4as'], tvb, v, 4, tvb.u32(v));
        else if (clen > 0) tree.add(F['cap.unknown'], tvb, v, clen);
        break;
      case 69:
        for (let q = v; q + 4 <= v + clen; q += 4) {
          tree.add(F['cap.ap.afi'], tvb, q, 2, tvb.u16(q));
          tree.add(F['cap.ap.safi'], tvb, q + 2, 1, tvb.u8(q + 2));
          tree.add(F['cap.ap.sendreceive'], tvb, q + 3, 1, tvb.u8(q + 3));
        }
        break;
      default:
        if (clen > 0) tree.add(F['cap.unknown'], tvb, v, clen);
    }
    tree.pop();
    p += 2 + clen;
  }
}

function update(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, end: number): void {
  const wlen = tvb.u16(o);
  tree.add(F['update.withdrawn_routes.length'], tvb, o, 2, wlen);
  let p = o + 2;
  if (wlen > 0) {
    tree.push(F['update.withdrawn_routes'], tvb, p, wlen);
    const ok = prefixes4(tvb, pinfo, tree, p, p + wlen, F.withdrawn_prefix, 'Withdrawn route');
    tree.pop();
    // Wireshark gives up on the message at an invalid prefix.
    if (!ok) return;
  }
  p += wlen;
  const alen = tvb.u16(p);
  tree.add(F['update.path_attributes.length'], tvb, p, 2, alen);
  p += 2;
  if (alen > 0) {
    tree.push(F['update.path_attributes'], tvb, p, alen);
    const ok = attributes(tvb, pinfo, tree, p, p + alen);
    tree.pop();
    if (!ok) return;
  }
  p += alen;
  if (p < end) {
    tree.push(F['update.nlri'], tvb, p, end - p);
    prefixes4(tvb, pinfo, tree, p, end, F.nlri_prefix, 'NLRI');
    tree.pop();
  }
}

/** Plain IPv4 prefixes (withdrawn routes, NLRI): length in bits, then as many bytes as needed. */
function prefixes4(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  p: number,
  end: number,
  def: FieldDef,
  tag: string,
): boolean {
  while (p < end) {
    const plen = tvb.u8(p);
    if (plen > 32) {
      expertItemMalformed(pinfo, tree, tvb, p, 1, `${tag} length ${plen} invalid (> 32)`);
      return false;
    }
    const n = (plen + 7) >> 3;
    const addr = readPrefix4(tvb, p + 1, n, plen);
    if (tree.full || tree.wants(def) || tree.wants(F.prefix_length)) {
      tree.push(F._prefix, tvb, p, 1 + n);
      if (tree.full) tree.label(`${formatIPv4(addr)}/${plen}`);
      tree.add(F.prefix_length, tvb, p, 1, plen);
      if (tree.full) tree.labelLast(`${tag === 'NLRI' ? 'NLRI' : 'Withdrawn route'} prefix length: ${plen}`);
      tree.add(def, tvb, p + 1, n, addr);
      tree.pop();
    }
    p += 1 + n;
  }
  return true;
}

function readPrefix4(tvb: Tvb, at: number, n: number, plen: number): number {
  let a = 0;
  for (let i = 0; i < 4; i++) a = (a << 8) | (i < n ? tvb.u8(at + i) : 0);
  const mask = plen === 0 ? 0 : (0xffffffff << (32 - plen)) >>> 0;
  return (a & mask) >>> 0;
}

/** proto_tree_add_expert: a text item carrying a Malformed note. */
function expertItemMalformed(
  pinfo: PacketInfo,
  tree: Tree,
  tvb: Tvb,
  at: number,
  len: number,
  msg: string,
): void {
  tree.push(F._prefix, tvb, at, len);
  if (tree.full) tree.label(msg);
  expert(pinfo, tree, tvb, at, len, 'Error', 'Malformed', msg);
  tree.pop();
}

/** `Flags: 0x40, Transitive, Well-known, Complete`: the set bits' names, then the clear ones'. */
function flagsText(f: number): string {
  const parts: string[] = [];
  if (f & 0x80) parts.push('Optional');
  if (f & 0x40) parts.push('Transitive');
  if (f & 0x20) parts.push('Partial');
  if (f & 0x10) parts.push('Extended-Length');
  if (!(f & 0x80)) parts.push('Well-known');
  if (!(f & 0x40)) parts.push('Non-transitive');
  if (!(f & 0x20)) parts.push('Complete');
  return `Flags: 0x${f.toString(16).padStart(2, '0')}, ${parts.join(', ')}`;
}

const FLAG_DEFS = [
  F['update.path_attribute.flags.optional'],
  F['update.path_attribute.flags.transitive'],
  F['update.path_attribute.flags.partial'],
  F['update.path_attribute.flags.extended_length'],
];

/** The path attributes; false when an invalid MP prefix ended the message. */
function attributes(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number, end: number): boolean {
  while (p < end) {
    const flags = tvb.u8(p);
    const code = tvb.u8(p + 1);
    const ext = (flags & 0x10) !== 0;
    const alen = ext ? tvb.u16(p + 2) : tvb.u8(p + 2);
    const hlen = ext ? 4 : 3;
    const v = p + hlen;
    const name = ATTR_TYPES.get(code) ?? `Unknown (${code})`;
    tree.push(F['update.path_attribute'], tvb, p, hlen + alen);
    const node = tree.current();
    if (node) node.label = `Path Attribute - ${name}`;
    tree.push(F['update.path_attribute.flags'], tvb, p, 1, flags);
    if (tree.full) tree.label(flagsText(flags));
    for (const def of FLAG_DEFS) tree.add(def, tvb, p, 1, (flags & (def.mask as number)) !== 0);
    tree.add(F['update.path_attribute.flags.unused'], tvb, p, 1, flags & 0x0f);
    if (tree.full)
      tree.labelLast(
        `${bitPicture(F['update.path_attribute.flags.unused'], flags & 0x0f)} = Unused: 0x${(flags & 0x0f).toString(16)}`,
      );
    tree.pop();
    tree.add(F['update.path_attribute.type_code'], tvb, p + 1, 1, code);
    tree.add(F['update.path_attribute.length'], tvb, p + 2, hlen - 2, alen);
    const summary = attribute(tvb, pinfo, tree, code, v, alen);
    if (node) node.label = `Path Attribute - ${name}${summary ?? ''}`;
    tree.pop();
    if (summary === null) return false;
    p = v + alen;
  }
  return true;
}

/** One attribute's value; returns what tshark appends to `Path Attribute - NAME` (null: give up). */
function attribute(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  code: number,
  v: number,
  alen: number,
): string | null {
  switch (code) {
    case 1: {
      if (alen !== 1) return '';
      const origin = tvb.u8(v);
      tree.add(F['update.path_attribute.origin'], tvb, v, 1, origin);
      return `: ${ORIGINS.get(origin) ?? 'Unknown'}`;
    }
    case 2:
    case 17:
      return asPath(tvb, tree, v, alen, code === 17 ? 4 : asnWidth(tvb, v, alen));
    case 3:
      if (alen !== 4) return '';
      tree.add(F['update.path_attribute.next_hop'], tvb, v, 4, tvb.u32(v));
      return `: ${formatIPv4(tvb.u32(v))} `;
    case 4:
      if (alen !== 4) return '';
      tree.add(F['update.path_attribute.multi_exit_disc'], tvb, v, 4, tvb.u32(v));
      return `: ${tvb.u32(v)}`;
    case 5:
      if (alen !== 4) return '';
      tree.add(F['update.path_attribute.local_pref'], tvb, v, 4, tvb.u32(v));
      return `: ${tvb.u32(v)}`;
    case 7:
    case 18: {
      const w = alen === 8 || code === 18 ? 4 : 2;
      if (alen !== w + 4) return '';
      const as = w === 4 ? tvb.u32(v) : tvb.u16(v);
      tree.add(F['update.path_attribute.aggregator_as'], tvb, v, w, as);
      tree.add(F['update.path_attribute.aggregator_origin'], tvb, v + w, 4, tvb.u32(v + w));
      return `: AS: ${as} origin: ${formatIPv4(tvb.u32(v + w))}`;
    }
    case 8: {
      if (alen % 4 !== 0) return '';
      const list: string[] = [];
      tree.push(F['update.path_attribute.communities'], tvb, v, alen);
      const node = tree.current();
      for (let q = v; q < v + alen; q += 4) {
        const c = `${tvb.u16(q)}:${tvb.u16(q + 2)}`;
        list.push(c);
        tree.push(F['update.path_attribute.community'], tvb, q, 4);
        if (tree.full) tree.label(`Community: ${c} `);
        tree.add(F['update.path_attribute.community_as'], tvb, q, 2, tvb.u16(q));
        tree.add(F['update.path_attribute.community_value'], tvb, q + 2, 2, tvb.u16(q + 2));
        tree.pop();
      }
      if (node) node.label = `Communities: ${list.join(' ')} `;
      tree.pop();
      return `: ${list.join(' ')} `;
    }
    case 9:
      if (alen !== 4) return '';
      tree.add(F['update.path_attribute.originator_id'], tvb, v, 4, tvb.u32(v));
      return `: ${formatIPv4(tvb.u32(v))} `;
    case 10: {
      if (alen % 4 !== 0) {
        expertItemMalformed(pinfo, tree, tvb, v, alen, `Cluster list (invalid): ${alen} bytes`);
        return '';
      }
      const ids: string[] = [];
      tree.push(F['path_attribute.cluster_list'], tvb, v, alen);
      const node = tree.current();
      for (let q = v; q < v + alen; q += 4) {
        ids.push(formatIPv4(tvb.u32(q)));
        tree.add(F['path_attribute.cluster_id'], tvb, q, 4, tvb.u32(q));
      }
      if (node) node.label = `Cluster List: ${ids.join(' ')}`;
      tree.pop();
      return `: ${ids.join(' ')} `;
    }
    case 14:
      return mpReach(tvb, pinfo, tree, v, v + alen) ? '' : null;
    case 15:
      return mpUnreach(tvb, pinfo, tree, v, v + alen) ? '' : null;
    case 16:
      extCommunities(tvb, tree, v, alen);
      return '';
    case 26:
      return aigp(tvb, tree, v, alen);
    case 32: {
      for (let q = v; q + 12 <= v + alen; q += 12) {
        const ga = tvb.u32(q);
        const l1 = tvb.u32(q + 4);
        const l2 = tvb.u32(q + 8);
        tree.push(F.large_communities, tvb, q, 12, `${ga}:${l1}:${l2}`);
        if (tree.full) tree.label(`Large communities: ${ga}:${l1}:${l2}`);
        tree.add(F['large_communities.ga'], tvb, q, 4, ga);
        tree.add(F['large_communities.ldp1'], tvb, q + 4, 4, l1);
        tree.add(F['large_communities.ldp2'], tvb, q + 8, 4, l2);
        tree.pop();
      }
      return '';
    }
    default:
      tvb.need(v, alen);
      return '';
  }
}

/**
 * Wireshark's guess at 2- or 4-byte AS numbers when no OPEN told it: 2-byte when the segments
 * walk the attribute exactly with 2-byte numbers, else 4.
 */
function asnWidth(tvb: Tvb, v: number, alen: number): number {
  let q = v;
  const end = v + alen;
  while (q + 2 <= end) {
    const n = tvb.u8(q + 1);
    q += 2 + 2 * n;
  }
  if (q === end) {
    // Both may fit: tshark prefers 2 unless 4 fits too and 2 leaves odd segment types.
    let r = v;
    let ok4 = true;
    while (r + 2 <= end) {
      const t = tvb.u8(r);
      if (t < 1 || t > 4) ok4 = false;
      r += 2 + 4 * tvb.u8(r + 1);
    }
    if (!(ok4 && r === end)) return 2;
    let s = v;
    while (s + 2 <= end) {
      const t = tvb.u8(s);
      if (t < 1 || t > 4) return 4;
      s += 2 + 2 * tvb.u8(s + 1);
    }
    return 2;
  }
  return 4;
}

function asPath(tvb: Tvb, tree: Tree, v: number, alen: number, width: number): string {
  const all: string[] = [];
  let q = v;
  const end = v + alen;
  while (q < end) {
    const type = tvb.u8(q);
    const n = tvb.u8(q + 1);
    const len = 2 + n * width;
    const asns: number[] = [];
    for (let i = 0; i < n; i++) {
      const at = q + 2 + i * width;
      asns.push(width === 4 ? tvb.u32(at) : tvb.u16(at));
    }
    const text = type === 1 || type === 4 ? `{${asns.join(',')}}` : asns.join(' ');
    all.push(text);
    tree.push(F['update.path_attribute.as_path_segment'], tvb, q, len);
    if (tree.full) tree.label(`AS Path segment: ${text}`);
    tree.add(F['update.path_attribute.as_path_segment.type'], tvb, q, 1, type);
    tree.add(F['update.path_attribute.as_path_segment.length'], tvb, q + 1, 1, n);
    const def =
      width === 4
        ? F['update.path_attribute.as_path_segment.as4']
        : F['update.path_attribute.as_path_segment.as2'];
    for (let i = 0; i < n; i++) {
      tree.add(def, tvb, q + 2 + i * width, width, asns[i]);
      if (tree.full && asns[i] === 23456) tree.labelLast(`${def.name}: 23456 (AS_TRANS)`);
    }
    tree.pop();
    q += len;
  }
  return all.length ? `: ${all.join(' ')} ` : ': empty';
}

/** The subtype field of each extended community type (tshark names them per type). */
const EXT_SUBTYPES: Record<number, FieldDef> = {
  0x00: F['ext_com.stype_tr_as2'],
  0x40: F['ext_com.stype_ntr_as2'],
  0x01: F['ext_com.stype_tr_IP4'],
  0x41: F['ext_com.stype_ntr_IP4'],
  0x02: F['ext_com.stype_tr_as4'],
  0x42: F['ext_com.stype_ntr_as4'],
  0x03: F['ext_com.stype_tr_opaque'],
  0x43: F['ext_com.stype_ntr_opaque'],
  0x06: F['ext_com.stype_tr_evpn'],
};

function extCommunities(tvb: Tvb, tree: Tree, v: number, alen: number): void {
  const n = Math.floor(alen / 8);
  tree.push(F.ext_communities, tvb, v, alen);
  if (tree.full) tree.label(`Carried extended communities: (${n} ${n === 1 ? 'community' : 'communities'})`);
  for (let q = v; q + 8 <= v + alen; q += 8) {
    const type = tvb.u8(q);
    tree.push(F._ext_com, tvb, q, 8);
    tree.add(F['ext_com.type'], tvb, q, 1, type);
    tree.add(EXT_SUBTYPES[type] ?? F['ext_com.stype_unknown'], tvb, q + 1, 1, tvb.u8(q + 1));
    switch (type & 0xbf) {
      case 0x00:
        tree.add(F['ext_com.value_as2'], tvb, q + 2, 2, tvb.u16(q + 2));
        tree.add(F['ext_com.value_an4'], tvb, q + 4, 4, tvb.u32(q + 4));
        break;
      case 0x01:
        tree.add(F['ext_com.value_IP4'], tvb, q + 2, 4, tvb.u32(q + 2));
        tree.add(F['ext_com.value_an2'], tvb, q + 6, 2, tvb.u16(q + 6));
        break;
      case 0x02:
        tree.add(F['ext_com.value_as4'], tvb, q + 2, 4, tvb.u32(q + 2));
        tree.add(F['ext_com.value_an2'], tvb, q + 6, 2, tvb.u16(q + 6));
        break;
      default:
        tree.add(
          F['ext_com.value_raw'],
          tvb,
          q + 2,
          6,
          (BigInt(tvb.u16(q + 2)) << 32n) | BigInt(tvb.u32(q + 4)),
        );
    }
    tree.pop();
  }
  tree.pop();
}

function aigp(tvb: Tvb, tree: Tree, v: number, alen: number): string {
  let summary = '';
  for (let q = v; q + 3 <= v + alen;) {
    const t = tvb.u8(q);
    const l = tvb.u16(q + 1);
    if (l < 3) break;
    tree.push(F['update.path_attribute.aigp'], tvb, q, l);
    tree.add(F['update.attribute.aigp.type'], tvb, q, 1, t);
    tree.add(F['update.attribute.aigp.length'], tvb, q + 1, 2, l);
    if (t === 1 && l === 11) {
      const m = tvb.u64(q + 3);
      tree.add(F['update.attribute.aigp.accu_igp_metric'], tvb, q + 3, 8, m);
      if (tree.full) tree.label(`AIGP Attribute: ${m}`);
      summary = `: ${m}`;
    }
    tree.pop();
    q += l;
  }
  return summary;
}

function nextHop(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  afi: number,
  safi: number,
  v: number,
  n: number,
): void {
  const vpn = safi === 128 || safi === 129;
  tree.push(F['update.path_attribute.mp_reach_nlri.next_hop'], tvb, v, n);
  const node = tree.current();
  const rdLen = vpn ? 8 : 0;
  const addrLen = n - rdLen;
  if (
    (afi === 1 && addrLen === 4) ||
    (afi === 2 && (addrLen === 16 || addrLen === 32)) ||
    (afi === 1 && addrLen === 16)
  ) {
    let label = 'Next hop: ';
    if (vpn) {
      const rd = rdText(tvb, v);
      tree.add(F['update.path_attribute.mp_reach_nlri.next_hop.rd'], tvb, v, 8, rd);
      label += ` RD=${rd}`;
    }
    const a = v + rdLen;
    if (addrLen === 4) {
      tree.add(F['update.path_attribute.mp_reach_nlri.next_hop.ipv4'], tvb, a, 4, tvb.u32(a));
      label += vpn ? ` IPv4=${formatIPv4(tvb.u32(a))}` : formatIPv4(tvb.u32(a));
    } else {
      tvb.need(a, addrLen);
      tree.add(F['update.path_attribute.mp_reach_nlri.next_hop.ipv6'], tvb, a, 16);
      label += vpn ? ` IPv6=${formatIPv6(tvb.bytes, a)}` : formatIPv6(tvb.bytes, a);
      if (addrLen === 32) {
        tree.add(F['update.path_attribute.mp_reach_nlri.next_hop.ipv6.link_local'], tvb, a + 16, 16);
        label += ` ${formatIPv6(tvb.bytes, a + 16)}`;
      }
    }
    if (node) node.label = label;
  } else if (n > 0) {
    tvb.need(v, n);
    expert(
      pinfo,
      tree,
      tvb,
      v,
      n,
      'Error',
      'Malformed',
      `Unknown Next Hop length (${n} byte${n === 1 ? '' : 's'})`,
    );
  }
  tree.pop();
}

function rdText(tvb: Tvb, at: number): string {
  const t = tvb.u16(at);
  if (t === 0) return `${tvb.u16(at + 2)}:${tvb.u32(at + 4)}`;
  if (t === 1) return `${formatIPv4(tvb.u32(at + 2))}:${tvb.u16(at + 6)}`;
  if (t === 2) return `${tvb.u32(at + 2)}:${tvb.u16(at + 6)}`;
  return `Unknown (0x${t.toString(16).padStart(4, '0')}) RD type`;
}

function mpReach(tvb: Tvb, pinfo: PacketInfo, tree: Tree, v: number, end: number): boolean {
  const afi = tvb.u16(v);
  const safi = tvb.u8(v + 2);
  tree.add(F['update.path_attribute.mp_reach_nlri.afi'], tvb, v, 2, afi);
  tree.add(F['update.path_attribute.mp_reach_nlri.safi'], tvb, v + 2, 1, safi);
  const nhLen = tvb.u8(v + 3);
  nextHop(tvb, pinfo, tree, afi, safi, v + 4, nhLen);
  let p = v + 4 + nhLen;
  const snpas = tvb.u8(p);
  tree.add(F['update.path_attribute.mp_reach_nlri.nbr_snpa'], tvb, p, 1, snpas);
  p++;
  for (let i = 0; i < snpas; i++) {
    const l = tvb.u8(p);
    tree.add(F['update.path_attribute.mp_reach_nlri.snpa_length'], tvb, p, 1, l);
    tree.add(F['update.path_attribute.mp_reach_nlri.snpa'], tvb, p + 1, l);
    p += 1 + l;
  }
  if (p < end) {
    tree.push(F['update.path_attribute.mp_reach_nlri'], tvb, p, end - p);
    const ok = mpPrefixes(tvb, pinfo, tree, afi, safi, p, end, true);
    tree.pop();
    return ok;
  }
  return true;
}

function mpUnreach(tvb: Tvb, pinfo: PacketInfo, tree: Tree, v: number, end: number): boolean {
  const afi = tvb.u16(v);
  const safi = tvb.u8(v + 2);
  tree.add(F['update.path_attribute.mp_unreach_nlri.afi'], tvb, v, 2, afi);
  tree.add(F['update.path_attribute.mp_unreach_nlri.safi'], tvb, v + 2, 1, safi);
  const p = v + 3;
  if (p <= end) {
    tree.push(F['update.path_attribute.mp_unreach_nlri'], tvb, p, end - p);
    const ok = mpPrefixes(tvb, pinfo, tree, afi, safi, p, end, false);
    tree.pop();
    return ok;
  }
  return true;
}

/** MP NLRI of the plain, labeled and VPN unicast families; others are left undecoded. */
function mpPrefixes(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  afi: number,
  safi: number,
  p: number,
  end: number,
  reach: boolean,
): boolean {
  if (safi === 132) return routeTargets(tvb, pinfo, tree, p, end);
  if ((afi !== 1 && afi !== 2) || ![1, 2, 3, 4, 128, 129].includes(safi)) {
    tvb.need(p, end - p);
    return true;
  }
  const width = afi === 1 ? 32 : 128;
  const labeled = safi === 4 || safi === 128 || safi === 129;
  const vpn = safi === 128 || safi === 129;
  const what = reach ? 'MP Reach' : 'MP Unreach';
  const def =
    afi === 1
      ? reach
        ? F.mp_reach_nlri_ipv4_prefix
        : F.mp_unreach_nlri_ipv4_prefix
      : reach
        ? F.mp_reach_nlri_ipv6_prefix
        : F.mp_unreach_nlri_ipv6_prefix;
  while (p < end) {
    const total = tvb.u8(p);
    let q = p + 1;
    let bits = total;
    const labels: string[] = [];
    if (labeled) {
      for (;;) {
        const l = tvb.u24(q);
        q += 3;
        bits -= 24;
        labels.push(`${l >> 4}${l & 1 ? ' (bottom)' : ''}`);
        if (l & 1 || l >> 4 === 0x80000 || (!reach && l === 0x800000) || bits < 0) break;
      }
    }
    let rd = '';
    if (vpn) {
      rd = rdText(tvb, q);
      q += 8;
      bits -= 64;
    }
    if (bits < 0 || bits > width) {
      const fam = vpn
        ? `Labeled VPN ${afi === 1 ? 'IPv4' : 'IPv6'}`
        : labeled
          ? `Labeled ${afi === 1 ? 'IPv4' : 'IPv6'}`
          : afi === 1
            ? 'IPv4'
            : 'IPv6';
      expertItemMalformed(pinfo, tree, tvb, p, 1, `${what} NLRI ${fam} prefix length ${total} invalid`);
      return false;
    }
    const n = (bits + 7) >> 3;
    tvb.need(q, n);
    const size = q + n - p;
    if (!labeled) {
      tree.push(F._prefix, tvb, p, size);
      const addr = afi === 1 ? formatIPv4(readPrefix4(tvb, q, n, bits)) : prefix6(tvb, q, n);
      if (tree.full) tree.label(`${addr}/${bits}`);
      tree.add(F.prefix_length, tvb, p, 1, total);
      if (tree.full) tree.labelLast(`${what} NLRI prefix length: ${total}`);
      if (afi === 1) tree.add(def, tvb, q, n, readPrefix4(tvb, q, n, bits));
      else addPrefix6(tree, def, tvb, q, n);
      tree.pop();
    } else {
      tree.push(F._prefix, tvb, p, size);
      if (tree.full) tree.label('BGP Prefix');
      tree.add(F.prefix_length, tvb, p, 1, total);
      tree.add(F.label_stack, tvb, p + 1, labels.length * 3, labels.join(' '));
      if (vpn) tree.add(F.rd, tvb, q - 8, 8, rd);
      if (afi === 1) tree.add(def, tvb, q, n, readPrefix4(tvb, q, n, bits));
      else addPrefix6(tree, def, tvb, q, n);
      tree.pop();
    }
    p = q + n;
  }
  return true;
}

/** Route Target Constraint NLRI (RFC 4684): origin AS and a route target prefix, or a wildcard. */
function routeTargets(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number, end: number): boolean {
  while (p < end) {
    const plen = tvb.u8(p);
    if (plen === 0) {
      tree.add(F.prefix_length, tvb, p, 1, 0);
      p++;
      continue;
    }
    if (plen < 32 || plen > 96) {
      expertItemMalformed(pinfo, tree, tvb, p, 1, `Route target length ${plen} invalid`);
      return false;
    }
    const n = (plen + 7) >> 3;
    // tshark reads the route target's type even when the prefix stops after the origin AS.
    tvb.need(p + 1, Math.max(n, 6));
    tree.add(F.prefix_length, tvb, p, 1, plen);
    tree.add(F.originating_as, tvb, p + 1, 4, tvb.u32(p + 1));
    p += 1 + n;
  }
  return true;
}

/** An IPv6 prefix of `n` bytes: its value is the address padded with zeros (the text, as the bytes are short). */
function addPrefix6(tree: Tree, def: FieldDef, tvb: Tvb, at: number, n: number): void {
  const text = prefix6(tvb, at, n);
  tree.add(def, tvb, at, n, text);
  if (tree.full) tree.labelLast(`${def.name}: ${text}`);
}

function prefix6(tvb: Tvb, at: number, n: number): string {
  const b = new Uint8Array(16);
  for (let i = 0; i < n && i < 16; i++) b[i] = tvb.u8(at + i);
  return formatIPv6(b, 0);
}

function notification(tvb: Tvb, tree: Tree, o: number, end: number): void {
  const major = tvb.u8(o);
  const minor = tvb.u8(o + 1);
  tree.add(F['notify.major_error'], tvb, o, 1, major);
  tree.add(MINOR_FIELDS[major] ?? F['notify.minor_error_unknown'], tvb, o + 1, 1, minor);
  const d = o + 2;
  if (d >= end) return;
  if (major === 6 && (minor === 2 || minor === 4)) {
    const clen = tvb.u8(d);
    tree.add(F['notify.communication_length'], tvb, d, 1, clen);
    if (clen > 0) tree.add(F['notify.communication'], tvb, d + 1, clen, tvb.ascii(d + 1, clen));
    if (d + 1 + clen < end) tree.add(F['notify.minor_data'], tvb, d + 1 + clen, end - d - 1 - clen);
    return;
  }
  tree.add(F['notify.minor_data'], tvb, d, end - d);
}

export const bgpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('tcpPort', TCP_PORT_BGP, dissectBGP);
  },
};
