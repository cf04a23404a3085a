// Internet Protocol version 6 (RFC 8200) with its extension headers: hop-by-hop and destination
// options (jumbograms, RFC 2675), routing (types 0, 2 and 4), fragments (reassembled as tshark does).
import { dissectData } from './data.ts';
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
import { DSCP_NAMES, DSCP_SHORT, ECN_NAMES, ECN_SHORT } from './ipv4.ts';
import { expert, ipLayer, ipProtoName, IpProto, IP_PROTO_NAMES } from './ip-proto.ts';
import { AddrKind, type PacketInfo } from './packet-info.ts';
import { ETHERTYPE_NAMES } from './ethertype.ts';
import type { Registry } from './registry.ts';
import { NULL_TREE, type Tree } from './tree.ts';
import { fragmentList, FragmentTable, ipFragmentFields, ipFragmentSpecs } from './reassembly.ts';
import { Tvb } from './tvb.ts';
import { formatIPv6, formatMac, hexByte, readIPv4 } from '../format/address.ts';
import { macWithName } from '../format/mac-names.ts';

const OPT_NAMES = names({
  0: 'Pad1',
  1: 'PadN',
  4: 'Tunnel Encapsulation Limit',
  5: 'Router Alert',
  7: 'CALIPSO',
  8: 'SMF_DPD',
  15: 'Performance and Diagnostic Metrics',
  30: 'Experimental (0x1E)',
  38: 'Quick-Start',
  48: 'Path MTU Option',
  49: 'IOAM Option',
  62: 'Experimental (0x3E)',
  65: 'Tunnel Payload Forwarding (TPF) Information',
  94: 'Experimental (0x5E)',
  99: 'RPL Option',
  109: 'MPL Option',
  126: 'Experimental (0x7E)',
  138: 'Endpoint Identification',
  139: 'ILNP Nonce',
  140: 'Line-Identification Option',
  158: 'Experimental (0x9E)',
  190: 'Experimental (0xBE)',
  194: 'Jumbo Payload',
  201: 'Home Address',
  222: 'Experimental (0xDE)',
  238: 'IP_DFF',
  254: 'Experimental (0xFE)',
});

const OPT_ACTIONS = names({
  0: 'Skip and continue',
  1: 'Discard',
  2: 'Discard and send ICMP Parameter Problem',
  3: 'Discard and send ICMP if not multicast',
});

const ROUTING_TYPES = names({
  0: 'Source Route',
  1: 'Nimrod',
  2: 'Type 2 Routing',
  3: 'RPL Source Route',
  4: 'Segment Routing',
  5: 'Compact Routing Header 16',
  6: 'Compact Routing Header 32',
  253: 'Experiment 1',
  254: 'Experiment 2',
});

const YES_NO = ['Yes', 'No'] as const;

export const F = fields('ipv6', {
  '': proto('Internet Protocol Version 6'),
  ...ipFragmentSpecs('IPv6', text('IPv6 Fragments')),
  version: uint('Version', 8, { mask: 0xf0 }),
  tclass: hex('Traffic Class', 32, { mask: 0x0ff00000 }),
  'tclass.dscp': uint('Differentiated Services Codepoint', 32, { mask: 0x0fc00000, strings: DSCP_NAMES }),
  'tclass.ecn': uint('Explicit Congestion Notification', 32, { mask: 0x00300000, strings: ECN_NAMES }),
  flow: hex('Flow Label', 24, { mask: 0xfffff }),
  plen: uint('Payload Length', 16),
  nxt: uint('Next Header', 8, { strings: IP_PROTO_NAMES }),
  hlim: uint('Hop Limit', 8),
  src: ipv6('Source Address'),
  dst: ipv6('Destination Address'),
  addr: { ...ipv6('Source or Destination Address'), hidden: true },
  src_host: str('Source Host', { generated: true, hidden: true }),
  dst_host: str('Destination Host', { generated: true, hidden: true }),
  host: str('Source or Destination Host', { generated: true, hidden: true }),
  src_slaac_mac: str('Source SLAAC MAC', { generated: true }),
  dst_slaac_mac: str('Destination SLAAC MAC', { generated: true }),
  slaac_mac: str('SLAAC MAC', { hidden: true }),
  src_isatap_ipv4: ipv4('Source ISATAP IPv4'),
  dst_isatap_ipv4: ipv4('Destination ISATAP IPv4'),
  isatap_ipv4: { ...ipv4('ISATAP IPv4'), hidden: true },
  src_6to4_gw_ipv4: ipv4('Source 6to4 Gateway IPv4'),
  dst_6to4_gw_ipv4: ipv4('Destination 6to4 Gateway IPv4'),
  '6to4_gw_ipv4': { ...ipv4('6to4 Gateway IPv4'), hidden: true },
  src_6to4_sla_id: uint('Source 6to4 SLA ID', 16),
  dst_6to4_sla_id: uint('Destination 6to4 SLA ID', 16),
  '6to4_sla_id': uint('6to4 SLA ID', 16, { hidden: true }),
  src_ts_ipv4: ipv4('Source Teredo Server IPv4'),
  dst_ts_ipv4: ipv4('Destination Teredo Server IPv4'),
  ts_ipv4: { ...ipv4('Teredo Server IPv4'), hidden: true },
  src_tc_port: uint('Source Teredo Port', 16),
  dst_tc_port: uint('Destination Teredo Port', 16),
  tc_port: uint('Teredo Port', 16, { hidden: true }),
  src_tc_ipv4: ipv4('Source Teredo Client IPv4'),
  dst_tc_ipv4: ipv4('Destination Teredo Client IPv4'),
  tc_ipv4: { ...ipv4('Teredo Client IPv4'), hidden: true },
  src_embed_ipv4: ipv4('Source Embedded IPv4'),
  dst_embed_ipv4: ipv4('Destination Embedded IPv4'),
  embed_ipv4: { ...ipv4('Embedded IPv4'), hidden: true },
  opt: text('IPv6 Option'),
  'opt.type': hex('Type', 8, { strings: OPT_NAMES }),
  'opt.type.action': uint('Action', 8, { mask: 0xc0, strings: OPT_ACTIONS }),
  'opt.type.change': bool('May Change', 8, 0x20, { tf: YES_NO }),
  'opt.type.rest': hex('Low-Order Bits', 8, { mask: 0x1f }),
  'opt.length': uint('Length', 8),
  'opt.pad1': text('Pad1'),
  'opt.padn': bytes('PadN'),
  'opt.router_alert': uint('Router Alert', 16, {
    strings: names({ 0: 'MLD', 1: 'RSVP', 2: 'Active Network' }),
  }),
  'opt.tel': uint('Tunnel Encapsulation Limit', 8),
  'opt.jumbo': uint('Payload Length', 32),
  'opt.mipv6.home_address': ipv6('MIPv6 Home Address'),
  'opt.pmtu.min': uint('Minimum Reported PMTU', 16),
  'opt.pmtu.rtn': uint('Return Minimum PMTU', 16),
  'opt.pmtu.r_flag': bool('Return Flag', 0, 0, { tf: ['True', 'False'] }),
  'opt.calipso.doi': uint('CALIPSO Domain of Interpretation', 32),
  'opt.calipso.cmpt.length': uint('Compartment Length', 8),
  'opt.calipso.sens_level': uint('Sensitivity Level', 8),
  'opt.calipso.checksum': hex('Checksum', 16),
  'opt.calipso.cmpt_bitmap': bytes('Compartment Bitmap'),
  'opt.experimental': bytes('Experimental Option'),
  'opt.unknown': bytes('Unknown Option Payload'),
  'opt.unknown_data': bytes('Unknown Data'),
});

/** The version field as IPv4 declares it: Wireshark adds it hidden so `ip.version == 6` matches. */
const IP = fields('ip', { version: { ...uint('Version', 8, { mask: 0xf0 }), hidden: true } });

const HOP = fields('ipv6.hopopts', {
  '': proto('IPv6 Hop-by-Hop Option'),
  nxt: uint('Next Header', 8, { strings: IP_PROTO_NAMES }),
  len: uint('Length', 8),
  len_oct: uint('Length', 16, { generated: true }),
});

const DST = fields('ipv6.dstopts', {
  '': proto('Destination Options for IPv6'),
  nxt: uint('Next Header', 8, { strings: IP_PROTO_NAMES }),
  len: uint('Length', 8),
  len_oct: uint('Length', 16, { generated: true }),
});

const RT = fields('ipv6.routing', {
  '': proto('Routing Header for IPv6'),
  nxt: uint('Next Header', 8, { strings: IP_PROTO_NAMES }),
  len: uint('Length', 8),
  len_oct: uint('Length', 16, { generated: true }),
  type: uint('Type', 8, { strings: ROUTING_TYPES }),
  segleft: uint('Segments Left', 8),
  unknown_data: bytes('Type-Specific Data'),
  'src.reserved': bytes('Reserved'),
  'src.addr': ipv6('Address'),
  'mipv6.reserved': bytes('Reserved'),
  'mipv6.home_address': ipv6('Home Address'),
  'srh.last_entry': uint('Last Entry', 8),
  'srh.flags': hex('Flags', 8),
  'srh.tag': bytes('Tag'),
  'srh.addr': ipv6('Address'),
});

const FRAG = fields('ipv6.fraghdr', {
  '': proto('Fragment Header for IPv6'),
  nxt: uint('Next header', 8, { strings: IP_PROTO_NAMES }),
  reserved_octet: hex('Reserved octet', 8),
  offset: uint('Offset', 16, { mask: 0xfff8 }),
  reserved_bits: uint('Reserved bits', 16, { mask: 0x0006 }),
  more: bool('More Fragments', 16, 0x0001, { tf: YES_NO }),
  ident: hex('Identification', 32),
});

/** What the extension headers found that the rest of the packet depends on. */
interface ExtState {
  /** Offset of the final destination (a routing header with segments left), else the header's. */
  dst: number;
  /** Jumbo Payload option value, -1 when absent. */
  jumbo: number;
  /** The fixed header's payload length. */
  plen: number;
  fragmented: boolean;
}

export function dissectIPv6(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const b = tvb.bytes;
  const version = tvb.u8(o) >> 4;
  pinfo.noteNetworkHeader(tvb);
  tree.push(F[''], tvb, o, Math.min(40, tvb.remaining(o)));
  if (version !== 6) {
    // Wireshark rejects the packet: the ethertype layer shows it as data under its number.
    if (tree.full) tree.label('Internet Protocol Version 6');
    tree.push(F.version, tvb, o, 1, version);
    expert(pinfo, tree, tvb, o, 1, 'Error', 'Malformed', 'Bogus IPv6 version');
    tree.pop();
    addIpVersion(tvb, o, version, tree);
    tree.pop();
    const underEthertype = pinfo.layers[pinfo.layers.length - 1] === 'ethertype';
    dissectData(tvb, pinfo, tree);
    if (underEthertype) {
      pinfo.setProto('0x86dd');
      if (pinfo.wantInfo) pinfo.setInfo(ETHERTYPE_NAMES.get(0x86dd) ?? 'IPv6');
    }
    return tvb.remaining(o);
  }
  pinfo.layers.push('ipv6');
  pinfo.setProto('IPv6');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tvb.need(o, 40);
  const detail = tree !== NULL_TREE;
  const plen = tvb.u16(o + 4);
  const nxt = tvb.u8(o + 6);
  const hlim = tvb.u8(o + 7);
  tree.add(F.version, tvb, o, 1, version);
  if (detail) {
    addIpVersion(tvb, o, version, tree);
    const word = tvb.u32(o);
    const tclass = (word >>> 20) & 0xff;
    tree.push(F.tclass, tvb, o, 4, tclass);
    if (tree.full) {
      const dscp = DSCP_SHORT.get(tclass >> 2) ?? 'Unknown';
      const ecn = ECN_SHORT.get(tclass & 3) ?? 'Unknown';
      tree.label(
        `${bitPicture(F.tclass, tclass)} = Traffic Class: 0x${hexByte(tclass)} (DSCP: ${dscp}, ECN: ${ecn})`,
      );
    }
    tree.add(F['tclass.dscp'], tvb, o, 4, tclass >> 2);
    tree.add(F['tclass.ecn'], tvb, o, 4, tclass & 3);
    tree.pop();
    const flow = word & 0xfffff;
    tree.add(F.flow, tvb, o + 1, 3, flow);
    if (tree.full)
      tree.labelLast(`${bitPicture(F.flow, flow)} = Flow Label: 0x${flow.toString(16).padStart(5, '0')}`);
  }

  // The payload the header announces; a jumbogram's comes from its hop-by-hop option.
  const reported = tvb.reportedRemaining(o);
  const tooLong = plen + 40 > reported && plen !== 0;
  if (tooLong && tree.full && !pinfo.inError) {
    tree.push(F.plen, tvb, o + 4, 2, plen);
    expert(
      pinfo,
      tree,
      tvb,
      o + 4,
      2,
      'Warning',
      'Protocol',
      `IPv6 payload length exceeds framing length (${reported - 40} bytes)`,
    );
    tree.pop();
  } else {
    tree.add(F.plen, tvb, o + 4, 2, plen);
    if (plen === 0 && nxt === IpProto.HOPOPTS && tree.full) tree.labelLast('Payload Length: 0 (Jumbogram)');
  }
  tree.add(F.nxt, tvb, o + 6, 1, nxt);
  tree.add(F.hlim, tvb, o + 7, 1, hlim);
  if (detail) {
    addAddress(tvb, o + 8, F.src, F.src_host, tree);
    addAddress(tvb, o + 24, F.dst, F.dst_host, tree);
    addEmbedded(tvb, o + 8, 'src', tree);
    addEmbedded(tvb, o + 24, 'dst', tree);
    // The protocol line shows the header's addresses (a final destination only shows in columns).
    if (tree.full) {
      tree.label(`Internet Protocol Version 6, Src: ${formatIPv6(b, o + 8)}, Dst: ${formatIPv6(b, o + 24)}`);
    }
  }

  let ipTvb = tvb;
  if (plen !== 0 && !tooLong) {
    ipTvb = tvb.sub(o, 40 + plen);
    // If the payload's dissector throws, the link layer still shows what follows as its trailer.
    tvb.claim(o - tvb.start + 40 + plen);
  }
  // Length 0 without a hop-by-hop header (where a jumbogram's length would be): an empty payload,
  // as tshark reads it (what follows the header is a trailer).
  else if (plen === 0 && nxt !== IpProto.HOPOPTS) ipTvb = tvb.sub(o, 40);
  const ext: ExtState = { dst: o + 24, jumbo: -1, plen, fragmented: false };
  let next = nxt;
  let p = o + 40;
  let fragmentInfo = '';
  let stopped = false;
  /** The datagram this frame's fragment completed. */
  let whole: Tvb | null = null;
  for (;;) {
    // A fault in an extension header is that header's (tshark names it in the Malformed line).
    pinfo.currentProto = EXT_NAMES.get(next) ?? '';
    if (next === IpProto.HOPOPTS || next === IpProto.DSTOPTS) {
      const hop = next === IpProto.HOPOPTS;
      next = dissectOptionsHeader(
        ipTvb,
        p,
        hop ? HOP : DST,
        hop ? 'ipv6.hopopts' : 'ipv6.dstopts',
        ext,
        pinfo,
        tree,
      );
      p += (tvb.u8(p + 1) + 1) * 8;
      if (hop && ext.jumbo >= 0 && plen === 0) ipTvb = tvb.sub(o, 40 + ext.jumbo);
      continue;
    }
    if (next === IpProto.ROUTING) {
      next = dissectRouting(ipTvb, p, ext, pinfo, tree);
      p += (tvb.u8(p + 1) + 1) * 8;
      continue;
    }
    if (next === IpProto.FRAGMENT) {
      const r = dissectFragment(ipTvb, p, pinfo, tree);
      next = r.next;
      p += 8;
      if (r.offset === 0 && !r.more) continue;
      // As Wireshark: a fragment is reassembled when all its bytes were captured (and it is not
      // quoted in an ICMPv6 error); a first fragment that cannot be is dissected as it is.
      const fragment = ipTvb.sub(p);
      if (!pinfo.inError && fragment.remaining(p) >= fragment.reportedRemaining(p)) {
        whole = reassemble(fragment, p, o, r, pinfo, tree);
        if (!whole) stopped = true;
      } else if (r.offset !== 0) {
        stopped = true;
      } else {
        ext.fragmented = true;
        continue;
      }
      if (stopped) {
        fragmentInfo = `IPv6 fragment (off=${r.offset * 8} more=${r.more ? 'y' : 'n'} ident=0x${r.ident
          .toString(16)
          .padStart(8, '0')} nxt=${next})`;
      }
      break;
    }
    break;
  }
  pinfo.currentProto = '';
  // A later fragment's header stays out of the IPv6 item, as Wireshark sizes it.
  tree.pop(stopped ? p - o - 8 : p - o);

  if (!pinfo.inError) {
    pinfo.netKind = AddrKind.IPv6;
    pinfo.netSrc = o + 8;
    pinfo.netDst = ext.dst;
  }

  const used = ipTvb === tvb ? tvb.remaining(o) : Math.min(ipTvb.reportedEnd - o, tvb.remaining(o));
  const payload = whole ?? ipTvb.sub(p);
  if (stopped) {
    if (pinfo.wantInfo) pinfo.setInfo(fragmentInfo);
    dissectData(payload, pinfo, tree);
    return used;
  }
  if (next === IpProto.NONE) {
    if (pinfo.wantInfo) pinfo.setInfo('IPv6 no next header');
    // Bytes after "no next header" are still shown, as data.
    if (payload.remaining(p) > 0) dissectData(payload, pinfo, tree);
    return used;
  }
  const l = ipLayer;
  l.kind = AddrKind.IPv6;
  l.src = o + 8;
  l.dst = ext.dst;
  l.bytes = b;
  l.ttl = hlim;
  l.fragmented = ext.fragmented;
  l.payloadLength = payload.reportedRemaining(payload.start);
  if (pinfo.registry.call('ipProto', next, payload, pinfo, tree) < 0) {
    if (pinfo.wantInfo) pinfo.setInfo(`Unknown IP Protocol: ${ipProtoName(next)} (${next})`);
    dissectData(payload, pinfo, tree);
  }
  return used;
}

function addIpVersion(tvb: Tvb, o: number, version: number, tree: Tree): void {
  tree.add(IP.version, tvb, o, 1, version);
  if (tree.full) {
    tree.labelLast(
      `${bitPicture(IP.version, version)} = Version: ${version} [This field makes the filter match on "ip.version == 6" possible]`,
    );
  }
}

function addAddress(tvb: Tvb, o: number, def: FieldDef, hostDef: FieldDef, tree: Tree): void {
  tree.add(def, tvb, o, 16);
  tree.add(F.addr, tvb, o, 16);
  if (tree.wants(hostDef) || tree.wants(F.host)) {
    const t = formatIPv6(tvb.bytes, o);
    tree.add(hostDef, tvb, o, 16, t);
    tree.add(F.host, tvb, o, 16, t);
  }
}

/** Addresses that carry another one: SLAAC (EUI-64 MAC), ISATAP, 6to4, Teredo, RFC 6052. */
function addEmbedded(tvb: Tvb, o: number, side: 'src' | 'dst', tree: Tree): void {
  const b = tvb.bytes;
  const at = (i: number): number => b[o + i] as number;
  if (at(11) === 0xff && at(12) === 0xfe) {
    const mac = new Uint8Array([at(8) ^ 0x02, at(9), at(10), at(13), at(14), at(15)]);
    const text = formatMac(mac, 0);
    const def = side === 'src' ? F.src_slaac_mac : F.dst_slaac_mac;
    tree.add(def, tvb, o + 8, 8, text);
    if (tree.full) tree.labelLast(`[${def.name}: ${macWithName(mac, 0)}]`);
    tree.add(F.slaac_mac, tvb, o + 8, 8, text);
  }
  if ((at(8) & 0xfd) === 0 && at(9) === 0 && at(10) === 0x5e && at(11) === 0xfe) {
    const v4 = readIPv4(b, o + 12);
    tree.add(side === 'src' ? F.src_isatap_ipv4 : F.dst_isatap_ipv4, tvb, o + 12, 4, v4);
    tree.add(F.isatap_ipv4, tvb, o + 12, 4, v4);
  }
  if (at(0) === 0x20 && at(1) === 0x02) {
    const gw = readIPv4(b, o + 2);
    const sla = (at(6) << 8) | at(7);
    tree.add(side === 'src' ? F.src_6to4_gw_ipv4 : F.dst_6to4_gw_ipv4, tvb, o + 2, 4, gw);
    tree.add(side === 'src' ? F.src_6to4_sla_id : F.dst_6to4_sla_id, tvb, o + 6, 2, sla);
    tree.add(F['6to4_gw_ipv4'], tvb, o + 2, 4, gw);
    tree.add(F['6to4_sla_id'], tvb, o + 6, 2, sla);
  }
  if (at(0) === 0x20 && at(1) === 0x01 && at(2) === 0 && at(3) === 0) {
    const server = readIPv4(b, o + 4);
    const port = ~((at(10) << 8) | at(11)) & 0xffff;
    const client = ~readIPv4(b, o + 12) >>> 0;
    tree.add(side === 'src' ? F.src_ts_ipv4 : F.dst_ts_ipv4, tvb, o + 4, 4, server);
    tree.add(side === 'src' ? F.src_tc_port : F.dst_tc_port, tvb, o + 10, 2, port);
    tree.add(side === 'src' ? F.src_tc_ipv4 : F.dst_tc_ipv4, tvb, o + 12, 4, client);
    tree.add(F.ts_ipv4, tvb, o + 4, 4, server);
    tree.add(F.tc_port, tvb, o + 10, 2, port);
    tree.add(F.tc_ipv4, tvb, o + 12, 4, client);
  }
  if (at(0) === 0 && at(1) === 0x64 && at(2) === 0xff && at(3) === 0x9b) {
    let zero = true;
    for (let i = 4; i < 12; i++) if (at(i) !== 0) zero = false;
    if (zero) {
      const v4 = readIPv4(b, o + 12);
      tree.add(side === 'src' ? F.src_embed_ipv4 : F.dst_embed_ipv4, tvb, o + 12, 4, v4);
      tree.add(F.embed_ipv4, tvb, o + 12, 4, v4);
    }
  }
}

type OptsFields = typeof HOP;

/** Short names of the extension headers (what a fault in one is blamed on). */
const EXT_NAMES = new Map<number, string>([
  [IpProto.HOPOPTS, 'IPv6 Hop-by-Hop'],
  [IpProto.DSTOPTS, 'IPv6 Destination'],
  [IpProto.ROUTING, 'IPv6 Routing'],
  [IpProto.FRAGMENT, 'IPv6 Fragment'],
]);

/** Hop-by-hop or destination options header; returns its next header. */
function dissectOptionsHeader(
  tvb: Tvb,
  o: number,
  D: OptsFields,
  layer: string,
  ext: ExtState,
  pinfo: PacketInfo,
  tree: Tree,
): number {
  const nxt = tvb.u8(o);
  const len = tvb.u8(o + 1);
  const total = (len + 1) * 8;
  pinfo.layers.push(layer);
  tree.push(D[''], tvb, o, total);
  tree.add(D.nxt, tvb, o, 1, nxt);
  tree.add(D.len, tvb, o + 1, 1, len);
  tree.add(D.len_oct, tvb, o + 1, 1, total);
  if (tree.full) tree.labelLast(`[Length: ${total} bytes]`);
  let p = o + 2;
  const end = o + total;
  while (p < end) {
    const type = tvb.u8(p);
    const name = OPT_NAMES.get(type) ?? `Unknown IPv6 Option (${type})`;
    if (type === 0) {
      // tshark reads a length byte for Pad1 too: a Pad1 that ends the IPv6 payload is malformed.
      tvb.u8(p + 1);
      tree.push(F.opt, tvb, p, 1);
      tree.add(F['opt.type'], tvb, p, 1, type);
      if (tree.full) tree.labelLast('Type: Pad1 (0x00)');
      tree.add(F['opt.pad1'], tvb, p, 1);
      tree.pop(undefined, name);
      p++;
      continue;
    }
    const optLen = tvb.u8(p + 1);
    tree.push(F.opt, tvb, p, optLen + 2);
    const misplaced = layer === 'ipv6.hopopts' && DESTINATION_ONLY.has(type);
    addOptType(tvb, p, type, tree, misplaced ? pinfo : null);
    const bad = badOptionLength(type, optLen);
    tree.push(F['opt.length'], tvb, p + 1, 1, optLen);
    if (bad) expert(pinfo, tree, tvb, p + 1, 1, 'Error', 'Malformed', `${bad} (${optLen} bytes)`);
    tree.pop();
    const d = p + 2;
    switch (type) {
      case 1:
        tree.add(F['opt.padn'], tvb, d, optLen);
        if (tree.full && optLen === 0) tree.labelLast('PadN: <none>');
        break;
      case 4:
        tree.add(F['opt.tel'], tvb, d, 1, tvb.u8(d));
        addExtraData(tvb, d + 1, optLen - 1, pinfo, tree);
        break;
      case 5:
        tree.add(F['opt.router_alert'], tvb, d, 2, tvb.u16(d));
        addExtraData(tvb, d + 2, optLen - 2, pinfo, tree);
        break;
      case 194: {
        const jumbo = tvb.u32(d);
        ext.jumbo = jumbo;
        tree.add(F['opt.jumbo'], tvb, d, 4, jumbo);
        if (ext.plen !== 0) {
          const what = 'When IPv6 payload length does not equal 0 a Jumbo Payload option must not be present';
          expert(pinfo, tree, tvb, d, 4, 'Warning', 'Protocol', what);
        }
        break;
      }
      case 201:
        tree.add(F['opt.mipv6.home_address'], tvb, d, 16);
        break;
      case 48: {
        // Read as the fixed layout whatever the length says, as tshark does.
        const rtn = tvb.u16(d + 2);
        tree.add(F['opt.pmtu.min'], tvb, d, 2, tvb.u16(d));
        tree.add(F['opt.pmtu.rtn'], tvb, d + 2, 2, rtn & 0xfffe);
        tree.add(F['opt.pmtu.r_flag'], tvb, d + 2, 2, (rtn & 1) !== 0);
        break;
      }
      case 7: {
        const compartments = tvb.u8(d + 4);
        tree.add(F['opt.calipso.doi'], tvb, d, 4, tvb.u32(d));
        tree.add(F['opt.calipso.cmpt.length'], tvb, d + 4, 1, compartments);
        tree.add(F['opt.calipso.sens_level'], tvb, d + 5, 1, tvb.u8(d + 5));
        tree.add(F['opt.calipso.checksum'], tvb, d + 6, 2, tvb.u16(d + 6));
        tvb.need(d + 8, compartments * 4);
        tree.add(F['opt.calipso.cmpt_bitmap'], tvb, d + 8, compartments * 4);
        break;
      }
      default:
        if (!OPT_NAMES.has(type)) {
          // An option tshark does not know: its bytes (even none), flagged as not interpreted.
          tree.push(F['opt.unknown'], tvb, d, optLen);
          if (tree.full && optLen === 0) tree.label('Unknown Option Payload: <MISSING>');
          expert(pinfo, tree, tvb, d, optLen, 'Note', 'Undecoded', 'Unknown Data (not interpreted)');
          tree.pop();
        } else if (optLen > 0) {
          const experimental = (type & 0x1f) === 0x1e;
          tree.add(experimental ? F['opt.experimental'] : F['opt.unknown'], tvb, d, optLen);
        }
        break;
    }
    tree.pop(undefined, name);
    // After a wrong length tshark reads no further options (but for the two it can skip over).
    if (bad && type !== 4 && type !== 5) break;
    p = d + optLen;
  }
  tree.pop(undefined, D[''].name);
  return nxt;
}

/** Bytes of an option past the value it holds: shown, and flagged as not interpreted. */
function addExtraData(tvb: Tvb, at: number, length: number, pinfo: PacketInfo, tree: Tree): void {
  if (length <= 0) return;
  tree.push(F['opt.unknown_data'], tvb, at, length);
  expert(pinfo, tree, tvb, at, length, 'Note', 'Undecoded', 'Unknown Data (not interpreted)');
  tree.pop();
}

/** Options whose length is fixed (or has a minimum), with the words tshark's complaint starts with. */
const OPTION_LENGTHS = new Map<number, { exact?: number; min?: number; what: string }>([
  [4, { exact: 1, what: 'Tunnel Encapsulation Limit: Invalid length' }],
  [5, { exact: 2, what: 'Router alert: Invalid Length' }],
  [7, { min: 8, what: 'CALIPSO: Invalid Length' }],
  [15, { exact: 10, what: 'PDM: Invalid length' }],
  [38, { exact: 6, what: 'Quick-Start: Invalid Length' }],
  [48, { exact: 4, what: 'PMTU Option: Invalid Length' }],
  [65, { exact: 4, what: 'TPF: Invalid Length' }],
  [99, { min: 4, what: 'RPL Option: Invalid length' }],
  [194, { exact: 4, what: 'Jumbo Payload: Invalid length' }],
  [201, { exact: 16, what: 'Home Address: Invalid length' }],
]);

/** The complaint about option `type` having `length` bytes of data, or null when that is right. */
function badOptionLength(type: number, length: number): string | null {
  const rule = OPTION_LENGTHS.get(type);
  if (!rule) return null;
  if (rule.exact !== undefined ? length === rule.exact : length >= (rule.min ?? 0)) return null;
  return rule.what;
}

/** Options that belong in a destination options header (tshark warns when hop-by-hop has them). */
const DESTINATION_ONLY = new Set([4, 65, 201]);

/** The option's type byte; with `misplaced`, the warning that it is in the wrong header. */
function addOptType(
  tvb: Tvb,
  p: number,
  type: number,
  tree: Tree,
  misplaced: PacketInfo | null = null,
): void {
  tree.push(F['opt.type'], tvb, p, 1, type);
  if (tree.full) tree.label(`Type: ${OPT_NAMES.get(type) ?? 'Unknown'} (0x${hexByte(type)})`);
  if (misplaced) {
    const what = `${OPT_NAMES.get(type) ?? 'Unknown'} must use a destination options header`;
    expert(misplaced, tree, tvb, p, 1, 'Warning', 'Protocol', what);
  }
  tree.add(F['opt.type.action'], tvb, p, 1, type >> 6);
  tree.add(F['opt.type.change'], tvb, p, 1, (type & 0x20) !== 0);
  tree.add(F['opt.type.rest'], tvb, p, 1, type & 0x1f);
  if (tree.full)
    tree.labelLast(
      `${bitPicture(F['opt.type.rest'], type & 0x1f)} = Low-Order Bits: 0x${hexByte(type & 0x1f)}`,
    );
  tree.pop();
}

function dissectRouting(tvb: Tvb, o: number, ext: ExtState, pinfo: PacketInfo, tree: Tree): number {
  const nxt = tvb.u8(o);
  const len = tvb.u8(o + 1);
  const type = tvb.u8(o + 2);
  const segleft = tvb.u8(o + 3);
  const total = (len + 1) * 8;
  pinfo.layers.push('ipv6.routing');
  const typeName = ROUTING_TYPES.get(type) ?? 'Unknown';
  tree.push(RT[''], tvb, o, total);
  tree.add(RT.nxt, tvb, o, 1, nxt);
  tree.add(RT.len, tvb, o + 1, 1, len);
  tree.add(RT.len_oct, tvb, o + 1, 1, total);
  if (tree.full) tree.labelLast(`[Length: ${total} bytes]`);
  if (type === 0) {
    tree.push(RT.type, tvb, o + 2, 1, type);
    expert(pinfo, tree, tvb, o + 2, 1, 'Note', 'Deprecated', 'Routing header type is deprecated');
    tree.pop();
  } else {
    tree.add(RT.type, tvb, o + 2, 1, type);
  }
  tree.add(RT.segleft, tvb, o + 3, 1, segleft);
  const end = o + total;
  switch (type) {
    case 0: {
      tree.add(RT['src.reserved'], tvb, o + 4, 4);
      let n = 1;
      for (let p = o + 8; p + 16 <= end; p += 16, n++) {
        tvb.need(p, 16);
        tree.add(RT['src.addr'], tvb, p, 16);
        if (tree.full) tree.labelLast(`Address[${n}]: ${formatIPv6(tvb.bytes, p)}`);
        if (segleft > 0 && p + 32 > end) ext.dst = p;
      }
      break;
    }
    case 2:
      tree.add(RT['mipv6.reserved'], tvb, o + 4, 4);
      tvb.need(o + 8, 16);
      tree.add(RT['mipv6.home_address'], tvb, o + 8, 16);
      if (tree.full) tree.labelLast(`Address[1]: ${formatIPv6(tvb.bytes, o + 8)}`);
      if (segleft > 0) ext.dst = o + 8;
      break;
    case 4: {
      tree.add(RT['srh.last_entry'], tvb, o + 4, 1, tvb.u8(o + 4));
      tree.add(RT['srh.flags'], tvb, o + 5, 1, tvb.u8(o + 5));
      tree.add(RT['srh.tag'], tvb, o + 6, 2);
      let n = 0;
      for (let p = o + 8; p + 16 <= end; p += 16, n++) {
        tvb.need(p, 16);
        tree.add(RT['srh.addr'], tvb, p, 16);
        if (tree.full) tree.labelLast(`Address[${n}]: ${formatIPv6(tvb.bytes, p)}`);
      }
      if (segleft > 0 && o + 24 <= end) ext.dst = o + 8;
      break;
    }
    default:
      if (total > 4) tree.add(RT.unknown_data, tvb, o + 4, total - 4);
      break;
  }
  tree.pop(undefined, `Routing Header for IPv6 (${typeName})`);
  return nxt;
}

const FRAGMENT_FIELDS = ipFragmentFields(F);

/**
 * Adds the fragment at `p` (after its header) to the capture's IPv6 fragment table; when it
 * completes the datagram, lists the fragments and returns the datagram as a new data source.
 */
function reassemble(
  tvb: Tvb,
  p: number,
  o: number,
  r: { offset: number; more: boolean; ident: number },
  pinfo: PacketInfo,
  tree: Tree,
): Tvb | null {
  const table = pinfo.state.of('ipv6.fragments', () => new FragmentTable());
  const key = `${formatIPv6(tvb.bytes, o + 8)}>${formatIPv6(tvb.bytes, o + 24)}#${r.ident}`;
  const bytes = tvb.bytes.subarray(p, tvb.end);
  const done = table.add(key, pinfo.meta.number, r.offset * 8, bytes, r.more);
  if (!done) return null;
  const source = pinfo.addSource('Reassembled IPv6', done.data);
  const data = new Tvb(done.data, 0, done.data.length, done.data.length, source);
  fragmentList(data, tree, FRAGMENT_FIELDS, done.fragments);
  return data;
}

function dissectFragment(
  tvb: Tvb,
  o: number,
  pinfo: PacketInfo,
  tree: Tree,
): { next: number; offset: number; more: boolean; ident: number } {
  const next = tvb.u8(o);
  const word = tvb.u16(o + 2);
  const offset = word >> 3;
  const more = (word & 1) !== 0;
  const ident = tvb.u32(o + 4);
  pinfo.layers.push('ipv6.fraghdr');
  tree.push(FRAG[''], tvb, o, 8);
  tree.add(FRAG.nxt, tvb, o, 1, next);
  tree.add(FRAG.reserved_octet, tvb, o + 1, 1, tvb.u8(o + 1));
  tree.add(FRAG.offset, tvb, o + 2, 2, offset);
  if (tree.full)
    tree.labelLast(`${bitPicture(FRAG.offset, offset)} = Offset: ${offset} (${offset * 8} bytes)`);
  tree.add(FRAG.reserved_bits, tvb, o + 2, 2, (word >> 1) & 3);
  tree.add(FRAG.more, tvb, o + 2, 2, more);
  tree.add(FRAG.ident, tvb, o + 4, 4, ident);
  tree.pop();
  return { next, offset, more, ident };
}

export const ipv6Module = {
  fields: {
    ...prefixed(F),
    ...prefixed(IP),
    ...prefixed(HOP),
    ...prefixed(DST),
    ...prefixed(RT),
    ...prefixed(FRAG),
  },
  handoff(reg: Registry): void {
    reg.register('etherType', 0x86dd, dissectIPv6);
    reg.register('ipProto', IpProto.IPV6, dissectIPv6);
  },
};

/** Field tables keyed by abbrev, so several protocols' fields can share one module. */
function prefixed(defs: Record<string, FieldDef>): Record<string, FieldDef> {
  const out: Record<string, FieldDef> = {};
  for (const d of Object.values(defs)) out[d.abbrev] = d;
  return out;
}
