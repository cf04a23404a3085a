// Internet Protocol version 4 (RFC 791): header, options, fragments (reassembled as Wireshark does).
import { bitPicture } from './field-text.ts';
import { bool, bytes, fields, hex, ipv4, names, proto, str, text, uint, type FieldDef } from './field.ts';
import {
  be16,
  dispatchIpProto,
  expert,
  expertItem,
  ipLayer,
  ipProtoName,
  EXPERT,
  IP_PROTO_NAMES,
} from './ip-proto.ts';
import { AddrKind, type PacketInfo } from './packet-info.ts';
import { dissectData } from './data.ts';
import type { Registry } from './registry.ts';
import { NULL_TREE, type FieldNode, type Tree } from './tree.ts';
import { Tvb } from './tvb.ts';
import { fragmentList, FragmentTable, ipFragmentFields, ipFragmentSpecs } from './reassembly.ts';
import { formatIPv4, readIPv4 } from '../format/address.ts';

export const DSCP_NAMES = names({
  0: 'Default',
  1: 'Lower Effort',
  8: 'Class Selector 1',
  10: 'Assured Forwarding 11',
  12: 'Assured Forwarding 12',
  14: 'Assured Forwarding 13',
  16: 'Class Selector 2',
  18: 'Assured Forwarding 21',
  20: 'Assured Forwarding 22',
  22: 'Assured Forwarding 23',
  24: 'Class Selector 3',
  26: 'Assured Forwarding 31',
  28: 'Assured Forwarding 32',
  30: 'Assured Forwarding 33',
  32: 'Class Selector 4',
  34: 'Assured Forwarding 41',
  36: 'Assured Forwarding 42',
  38: 'Assured Forwarding 43',
  40: 'Class Selector 5',
  44: 'Voice Admit',
  46: 'Expedited Forwarding',
  48: 'Class Selector 6',
  56: 'Class Selector 7',
});

export const DSCP_SHORT = names({
  0: 'CS0',
  1: 'LE',
  8: 'CS1',
  10: 'AF11',
  12: 'AF12',
  14: 'AF13',
  16: 'CS2',
  18: 'AF21',
  20: 'AF22',
  22: 'AF23',
  24: 'CS3',
  26: 'AF31',
  28: 'AF32',
  30: 'AF33',
  32: 'CS4',
  34: 'AF41',
  36: 'AF42',
  38: 'AF43',
  40: 'CS5',
  44: 'VA',
  46: 'EF PHB',
  48: 'CS6',
  56: 'CS7',
});

export const ECN_NAMES = names({
  0: 'Not ECN-Capable Transport',
  1: "ECN-Capable Transport codepoint '01'",
  2: "ECN-Capable Transport codepoint '10'",
  3: 'Congestion Experienced',
});

export const ECN_SHORT = names({ 0: 'Not-ECT', 1: 'ECT(1)', 2: 'ECT(0)', 3: 'CE' });

const CHECKSUM_STATUS = names({ 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' });

const OPT_NUMBERS = names({
  0: 'End of Option List (EOL)',
  1: 'No-Operation (NOP)',
  2: 'Security',
  3: 'Loose source route',
  4: 'Time stamp',
  5: 'Extended security',
  6: 'Commercial IP security option',
  7: 'Record route',
  8: 'Stream identifier',
  9: 'Strict source route',
  10: 'Experimental Measurement',
  11: 'MTU probe',
  12: 'MTU Reply',
  13: 'Experimental Flow Control',
  14: 'Experimental Access Control',
  15: 'Ask Estrin',
  16: 'IMI Traffic Descriptor',
  17: 'Extended Internet Protocol',
  18: 'Traceroute',
  19: 'Address Extension',
  20: 'Router Alert',
  21: 'Selective Directed Broadcast',
  22: 'Unassigned',
  23: 'Dynamic Packet State',
  24: 'Upstream Multicast Packet',
  25: 'Quick-Start',
  30: 'RFC 3692-style experiment',
});

const OPT_CLASSES = names({
  0: 'Control',
  1: 'Reserved for future use',
  2: 'Debugging and measurement',
  3: 'Reserved for future use',
});

const TS_FLAGS = names({
  0: 'Time stamps only',
  1: 'Time stamp and address',
  3: 'Time stamps for prespecified addresses',
});

const CIPSO_TAGS = names({
  0: 'Padding',
  1: 'Restrictive Category Bitmap',
  2: 'Enumerated Categories',
  5: 'Ranged Categories',
  6: 'Permissive Categories',
  7: 'Free Form',
});

export const F = fields('ip', {
  // tshark 4.0 prints the IPv4 list's bytes for ip.fragments (IPv6's is a plain item).
  ...ipFragmentSpecs('IPv4', bytes('IPv4 Fragments')),
  '': proto('Internet Protocol Version 4'),
  version: uint('Version', 8, { mask: 0xf0 }),
  hdr_len: uint('Header Length', 8),
  dsfield: hex('Differentiated Services Field', 8),
  'dsfield.dscp': uint('Differentiated Services Codepoint', 8, { mask: 0xfc, strings: DSCP_NAMES }),
  'dsfield.ecn': uint('Explicit Congestion Notification', 8, { mask: 0x03, strings: ECN_NAMES }),
  len: uint('Total Length', 16),
  id: hex('Identification', 16, { base: 'hex_dec' }),
  flags: hex('Flags', 8, { mask: 0xe0 }),
  'flags.rb': bool('Reserved bit', 8, 0x80),
  'flags.df': bool("Don't fragment", 8, 0x40),
  'flags.mf': bool('More fragments', 8, 0x20),
  frag_offset: uint('Fragment Offset', 16, { mask: 0x1fff }),
  ttl: uint('Time to Live', 8),
  proto: uint('Protocol', 8, { strings: IP_PROTO_NAMES }),
  checksum: hex('Header Checksum', 16),
  'checksum.status': uint('Header checksum status', 8, { strings: CHECKSUM_STATUS, generated: true }),
  src: ipv4('Source Address'),
  addr: { ...ipv4('Source or Destination Address'), hidden: true },
  src_host: str('Source Host', { generated: true, hidden: true }),
  host: str('Source or Destination Host', { generated: true, hidden: true }),
  dst: ipv4('Destination Address'),
  dst_host: str('Destination Host', { generated: true, hidden: true }),
  cur_rt: ipv4('Current Route'),
  cur_rt_host: str('Current Route Host', { generated: true, hidden: true }),
  // Text-only subtree (Wireshark's unnamed "Options: (N bytes)" item).
  _options: text('Options'),
  _option: text('IP Option'),
  'options.eol': bytes('IP Option - End of Options List (EOL)'),
  'options.nop': bytes('IP Option - No-Operation (NOP)'),
  'options.security': bytes('IP Option - Security'),
  'options.route': bytes('IP Option - Loose Source Route'),
  'options.timestamp': bytes('IP Option - Time Stamp'),
  'options.ext_security': bytes('IP Option - Extended Security'),
  'options.cipso': bytes('IP Option - Commercial Security'),
  'options.record_route': bytes('IP Option - Record Route'),
  'options.sid': bytes('IP Option - Stream ID'),
  'options.source_route': bytes('IP Option - Strict Source Route'),
  'options.mtu_probe': bytes('IP Option - MTU Probe'),
  'options.mtu_reply': bytes('IP Option - MTU Reply'),
  'options.traceroute': bytes('IP Option - Traceroute'),
  'options.routeralert': bytes('IP Option - Router Alert'),
  'options.sdb': bytes('IP Option - Selective Directed Broadcast'),
  'options.qs': bytes('IP Option - Quick-Start'),
  'opt.type': uint('Type', 8),
  'opt.type.copy': bool('Copy on fragmentation', 8, 0x80, { tf: ['Yes', 'No'] }),
  'opt.type.class': uint('Class', 8, { mask: 0x60, strings: OPT_CLASSES }),
  'opt.type.number': uint('Number', 8, { mask: 0x1f, strings: OPT_NUMBERS }),
  'opt.len': uint('Length', 8),
  'opt.ptr': uint('Pointer', 8),
  'opt.sid': uint('Stream Identifier', 16),
  'opt.mtu': uint('MTU', 16),
  'opt.id_number': uint('ID Number', 16),
  'opt.ohc': uint('Outbound Hop Count', 16),
  'opt.rhc': uint('Return Hop Count', 16),
  'opt.originator': ipv4('Originator IP Address'),
  'opt.ra': uint('Router Alert', 16),
  'opt.addr': ipv4('IP Address'),
  'opt.padding': bytes('Padding'),
  'opt.overflow': uint('Overflow', 8, { mask: 0xf0 }),
  'opt.flag': hex('Flag', 8, { mask: 0x0f, strings: TS_FLAGS }),
  'opt.time_stamp': uint('Time stamp', 32),
  'opt.time_stamp_addr': ipv4('Address'),
  rec_rt: ipv4('Recorded Route'),
  rec_rt_host: str('Recorded Route Host', { generated: true, hidden: true }),
  src_rt: ipv4('Source Route'),
  src_rt_host: str('Source Route Host', { generated: true, hidden: true }),
  empty_rt: ipv4('Empty Route'),
  empty_rt_host: str('Empty Route Host', { generated: true, hidden: true }),
  'cipso.doi': uint('DOI', 32),
  'cipso.tag_type': uint('Tag Type', 8, { strings: CIPSO_TAGS }),
  'cipso.sensitivity_level': uint('Sensitivity Level', 8),
  'cipso.categories': str('Categories'),
  'cipso.tag_data': bytes('Tag data'),
});
const FRAGMENT_FIELDS = ipFragmentFields(F);

const IPOPT = {
  EOL: 0,
  NOP: 1,
  SEC: 130,
  LSR: 131,
  TS: 68,
  ESEC: 133,
  CIPSO: 134,
  RR: 7,
  SID: 136,
  SSR: 137,
  MTUP: 11,
  MTUR: 12,
  TR: 82,
  RA: 148,
  SDB: 149,
  QS: 25,
} as const;

/** Option type → its field and the name tshark appends to the Options line. */
const OPTIONS = new Map<number, { def: FieldDef; name: string }>([
  [IPOPT.SEC, { def: F['options.security'], name: 'Security' }],
  [IPOPT.LSR, { def: F['options.route'], name: 'Loose Source Route' }],
  [IPOPT.TS, { def: F['options.timestamp'], name: 'Time Stamp' }],
  [IPOPT.ESEC, { def: F['options.ext_security'], name: 'Extended Security' }],
  [IPOPT.CIPSO, { def: F['options.cipso'], name: 'Commercial Security' }],
  [IPOPT.RR, { def: F['options.record_route'], name: 'Record Route' }],
  [IPOPT.SID, { def: F['options.sid'], name: 'Stream ID' }],
  [IPOPT.SSR, { def: F['options.source_route'], name: 'Strict Source Route' }],
  [IPOPT.MTUP, { def: F['options.mtu_probe'], name: 'MTU Probe' }],
  [IPOPT.MTUR, { def: F['options.mtu_reply'], name: 'MTU Reply' }],
  [IPOPT.TR, { def: F['options.traceroute'], name: 'Traceroute' }],
  [IPOPT.RA, { def: F['options.routeralert'], name: 'Router Alert' }],
  [IPOPT.SDB, { def: F['options.sdb'], name: 'Selective Directed Broadcast' }],
  [IPOPT.QS, { def: F['options.qs'], name: 'Quick-Start' }],
]);

/**
 * The TTL Wireshark expects: 224.0.0.0/24 (RFC 3171's Local Network Control Block) wants 1,
 * except VRRP (.18), GLBP (.102) and mDNS (.251) which send 255, and LLMNR (.252) any value.
 * Returns -1 for "any".
 */
function controlBlockTTL(dst: number): number {
  const last = dst & 0xff;
  if (last === 18 || last === 102 || last === 251) return 255;
  return last === 252 ? -1 : 1;
}

/** PIM and OSPF speak to their neighbours with a TTL of 1; Wireshark does not flag them. */
const SMALL_TTL_PROTOCOLS = new Set([89, 103]);

/** Time to Live, with Wireshark's notes on a TTL unusual for the destination. */
function addTTL(
  pinfo: PacketInfo,
  tree: Tree,
  tvb: Tvb,
  at: number,
  ttl: number,
  dst: number,
  protocol: number,
): void {
  let note = '';
  if (dst >>> 8 === 0xe00000) {
    const want = controlBlockTTL(dst);
    if (want >= 0 && want !== ttl)
      note = `"Time To Live" != ${want} for a packet sent to the Local Network Control Block (see RFC 3171)`;
  } else if (dst >>> 28 !== 0xe && ttl < 5 && !SMALL_TTL_PROTOCOLS.has(protocol)) {
    note = `"Time To Live" only ${ttl}`;
  }
  if (!note) {
    tree.add(F.ttl, tvb, at, 1, ttl);
    return;
  }
  tree.push(F.ttl, tvb, at, 1, ttl);
  expert(pinfo, tree, tvb, at, 1, 'Note', 'Sequence', note);
  tree.pop();
}

/**
 * Where the datagram really goes when a source-route option still has hops to visit: the last
 * address of the route (offset into `bytes`), else -1 (the header's destination).
 */
function sourceRouteDestination(tvb: Tvb, from: number, length: number): number {
  const b = tvb.bytes;
  let o = from;
  const end = Math.min(from + length, tvb.end);
  while (o < end) {
    const opt = b[o] as number;
    if (opt === IPOPT.EOL) return -1;
    if (opt === IPOPT.NOP) {
      o++;
      continue;
    }
    if (o + 1 >= from + length || o + 1 >= end) return -1;
    const len = b[o + 1] as number;
    if (len < 2 || o + len > from + length) return -1;
    if (opt === IPOPT.SSR || opt === IPOPT.LSR) {
      if (o + 2 >= end) return -1;
      const ptr = b[o + 2] as number;
      if (ptr < 4 || ptr & 3 || ptr > len) return -1;
      return o + len - 4 + 4 <= end ? o + len - 4 : -1;
    }
    o += len;
  }
  return -1;
}

/** Adds an address field with its hidden `ip.addr`, `*_host` and `ip.host` companions. */
function addAddress(tree: Tree, tvb: Tvb, o: number, def: FieldDef, hostDef: FieldDef, addr: number): void {
  tree.add(def, tvb, o, 4, addr);
  tree.add(F.addr, tvb, o, 4, addr);
  if (tree.wants(hostDef) || tree.wants(F.host)) {
    const text = formatIPv4(addr);
    tree.add(hostDef, tvb, o, 4, text);
    tree.add(F.host, tvb, o, 4, text);
  }
}

export function dissectIPv4(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const b = tvb.bytes;
  const vhl = tvb.u8(o);
  const version = vhl >> 4;
  const hlen = (vhl & 0x0f) * 4;
  pinfo.noteNetworkHeader(tvb);
  pinfo.layers.push('ip');
  pinfo.setProto('IPv4');
  if (pinfo.wantInfo) pinfo.setInfo('');
  const detail = tree !== NULL_TREE;

  tree.push(F[''], tvb, o, hlen);
  tree.add(F.version, tvb, o, 1, version);
  if (version !== 4) {
    if (tree.full) {
      tree.label('Internet Protocol Version 4');
      expert(pinfo, tree, tvb, o, 1, 'Error', 'Protocol', 'Bogus IPv4 version');
    }
    tree.pop();
    if (pinfo.wantInfo) pinfo.setInfo(`Bogus IPv4 version (${version}, must be 4)`);
    if (version === 6) pinfo.registry.call('etherType', 0x86dd, tvb, pinfo, tree);
    return tvb.remaining(o);
  }

  if (hlen < 20) {
    if (tree.full) tree.label('Internet Protocol Version 4');
    tree.push(F.hdr_len, tvb, o, 1, hlen);
    if (tree.full) {
      tree.label(`.... ${nibble(hlen >> 2)} = Header Length: ${hlen} bytes (${hlen >> 2})`);
      expert(
        pinfo,
        tree,
        tvb,
        o,
        1,
        'Error',
        'Protocol',
        `Bogus IP header length (${hlen}, must be at least 20)`,
      );
    }
    tree.pop();
    tree.pop();
    if (pinfo.wantInfo) pinfo.setInfo(`Bogus IP header length (${hlen}, must be at least 20)`);
    return tvb.remaining(o);
  }

  tree.add(F.hdr_len, tvb, o, 1, hlen);
  if (tree.full) tree.labelLast(`.... ${nibble(hlen >> 2)} = Header Length: ${hlen} bytes (${hlen >> 2})`);
  const tos = tvb.u8(o + 1);
  if (detail) {
    tree.push(F.dsfield, tvb, o + 1, 1, tos);
    if (tree.full) {
      const dscp = DSCP_SHORT.get(tos >> 2) ?? 'Unknown';
      const ecn = ECN_SHORT.get(tos & 3) ?? 'Unknown';
      tree.label(`Differentiated Services Field: 0x${hex2(tos)} (DSCP: ${dscp}, ECN: ${ecn})`);
    }
    tree.add(F['dsfield.dscp'], tvb, o + 1, 1, tos >> 2);
    tree.add(F['dsfield.ecn'], tvb, o + 1, 1, tos & 3);
    tree.pop();
  }

  const reported = tvb.reportedRemaining(o);
  let ipLen = tvb.u16(o + 2);
  let payloadLimited = true;
  if (ipLen < hlen) {
    if (ipLen === 0) {
      // Wireshark assumes TCP segmentation offload: the length is what the frame says.
      ipLen = reported;
      tree.add(F.len, tvb, o + 2, 2, ipLen, 1);
      if (tree.full) {
        tree.labelLast(
          `[Total Length: ${ipLen} bytes (reported as 0, presumed to be because of "TCP segmentation offload" (TSO))]`,
        );
      }
    } else {
      tree.push(F.len, tvb, o + 2, 2, ipLen);
      if (tree.full) {
        tree.label(`Total Length: ${ipLen} bytes (bogus, less than header length ${hlen})`);
        expert(pinfo, tree, tvb, o + 2, 2, 'Error', 'Protocol', 'Bogus IP length');
      }
      tree.pop();
      tree.pop(undefined, tree.full ? 'Internet Protocol Version 4' : undefined);
      if (pinfo.wantInfo) pinfo.setInfo(`Bogus IP length (${ipLen}, less than header length ${hlen})`);
      return tvb.remaining(o);
    }
  } else if (ipLen > reported) {
    payloadLimited = false;
    if (tree.full && !pinfo.inError) {
      tree.push(F.len, tvb, o + 2, 2, ipLen);
      expert(
        pinfo,
        tree,
        tvb,
        o + 2,
        2,
        'Error',
        'Protocol',
        `IPv4 total length exceeds packet length (${reported} bytes)`,
      );
      tree.pop();
    } else tree.add(F.len, tvb, o + 2, 2, ipLen);
  } else {
    tree.add(F.len, tvb, o + 2, 2, ipLen);
  }

  tvb.need(o, 20);
  const id = be16(b, o + 4);
  const off = be16(b, o + 6);
  const flags = off >> 13;
  const fragOffset = off & 0x1fff;
  const ttl = b[o + 8] as number;
  const protocol = b[o + 9] as number;
  const src = readIPv4(b, o + 12);
  const optLen = hlen - 20;
  const dstOff = optLen > 0 ? sourceRouteDestination(tvb, o + 20, optLen) : -1;
  const dstAt = dstOff >= 0 ? dstOff : o + 16;
  tvb.need(dstAt, 4);
  const dst = readIPv4(b, dstAt);

  if (detail) {
    tree.add(F.id, tvb, o + 4, 2, id);
    tree.push(F.flags, tvb, o + 6, 1, flags);
    if (tree.full) {
      let t = `${bitPicture(F.flags, flags)} = Flags: 0x${flags.toString(16)}`;
      if (flags & 4) t += ', Reserved bit';
      if (flags & 2) t += ", Don't fragment";
      if (flags & 1) t += ', More fragments';
      tree.label(t);
    }
    tree.add(F['flags.rb'], tvb, o + 6, 1, (flags & 4) !== 0);
    tree.add(F['flags.df'], tvb, o + 6, 1, (flags & 2) !== 0);
    tree.add(F['flags.mf'], tvb, o + 6, 1, (flags & 1) !== 0);
    tree.pop();
    tree.add(F.frag_offset, tvb, o + 6, 2, fragOffset);
    if (tree.full)
      tree.labelLast(`${bitPicture(F.frag_offset, fragOffset)} = Fragment Offset: ${fragOffset * 8}`);
    addTTL(pinfo, tree, tvb, o + 8, ttl, dst, protocol);
    tree.add(F.proto, tvb, o + 9, 1, protocol);
    const sum = tvb.u16(o + 10);
    tree.add(F.checksum, tvb, o + 10, 2, sum);
    if (tree.full) {
      const why = 'validation disabled';
      tree.labelLast(`Header Checksum: 0x${sum.toString(16).padStart(4, '0')} [${why}]`);
    }
    tree.add(F['checksum.status'], tvb, o + 10, 0, 2);
    if (tree.full) tree.labelLast('[Header checksum status: Unverified]');
    addAddress(tree, tvb, o + 12, F.src, F.src_host, src);
    if (dstOff >= 0) {
      const cur = readIPv4(b, o + 16);
      tree.add(F.cur_rt, tvb, o + 16, 4, cur);
      if (tree.wants(F.cur_rt_host)) tree.add(F.cur_rt_host, tvb, o + 16, 4, formatIPv4(cur));
    } else {
      addAddress(tree, tvb, o + 16, F.dst, F.dst_host, dst);
    }
    if (tree.full) {
      let t = `Internet Protocol Version 4, Src: ${formatIPv4(src)}, Dst: ${formatIPv4(dst)}`;
      if (dstOff >= 0) t += `, Via: ${formatIPv4(readIPv4(b, o + 16))}`;
      tree.label(t);
    }
  }

  if (!pinfo.inError) {
    pinfo.netKind = AddrKind.IPv4;
    pinfo.netSrc = o + 12;
    pinfo.netDst = dstAt;
  }

  if (optLen > 0 && detail) dissectOptions(tvb, pinfo, o + 20, optLen, tree);
  const ipNode = tree.current();
  tree.pop();

  const payloadStart = o + hlen;
  const payload = payloadLimited ? tvb.sub(payloadStart, ipLen - hlen) : tvb.sub(payloadStart);
  const used = payloadLimited ? ipLen : tvb.remaining(o);
  // If the payload's dissector throws, the link layer still shows what follows as its trailer.
  if (payloadLimited) tvb.claim(o - tvb.start + ipLen);

  let upper = payload;
  // As Wireshark: a fragment is reassembled when all the bytes its total length claims were
  // captured; a first fragment that cannot be (cut by the snaplen, quoted in an ICMP error, or
  // longer than the frame) is dissected as it is.
  const fragment = fragOffset !== 0 || (flags & 1) !== 0;
  const canReassemble =
    !pinfo.inError &&
    payload.remaining(payloadStart) >= payload.reportedRemaining(payloadStart) &&
    payload.remaining(payloadStart) >= ipLen - hlen;
  if (fragment && (fragOffset !== 0 || canReassemble)) {
    const whole = reassemble(
      tvb,
      pinfo,
      tree,
      payload,
      payloadStart,
      src,
      dst,
      id,
      protocol,
      fragOffset,
      flags,
      ipNode,
    );
    if (!whole) {
      if (pinfo.wantInfo) {
        pinfo.setInfo(
          `Fragmented IP protocol (proto=${ipProtoName(protocol)} ${protocol}, off=${fragOffset * 8}, ID=${id
            .toString(16)
            .padStart(4, '0')})`,
        );
      }
      dissectData(payload, pinfo, tree);
      return used;
    }
    upper = whole;
  }
  const payloadStart0 = upper.start;

  if (upper.reportedRemaining(payloadStart0) > 0) {
    const l = ipLayer;
    l.kind = AddrKind.IPv4;
    l.src = o + 12;
    l.dst = dstAt;
    l.bytes = b;
    l.ttl = ttl;
    l.fragmented = (flags & 1) !== 0;
    l.payloadLength = upper.reportedRemaining(payloadStart0);
    if (!dispatchIpProto(protocol, upper, pinfo, tree) && pinfo.wantInfo) {
      pinfo.setInfo(`${ipProtoName(protocol)} (${protocol})`);
    }
  }
  return used;
}

/**
 * Adds this fragment to the capture's IPv4 fragment table; when it completes the datagram, shows
 * the fragment list and returns the reassembled payload as a new data source.
 */
function reassemble(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  payload: Tvb,
  payloadStart: number,
  src: number,
  dst: number,
  id: number,
  protocol: number,
  fragOffset: number,
  flags: number,
  ipNode: FieldNode | null,
): Tvb | null {
  const length = payload.reportedRemaining(payloadStart);
  if (pinfo.inError || payload.remaining(payloadStart) < length) return null; // not all captured
  const table = pinfo.state.of('ip.fragments', () => new FragmentTable());
  const key = `${src}>${dst}#${id}/${protocol}`;
  const bytes = tvb.bytes.subarray(payloadStart, payloadStart + length);
  const whole = table.add(key, pinfo.meta.number, fragOffset * 8, bytes, (flags & 1) !== 0);
  if (!whole) return null;
  const source = pinfo.addSource('Reassembled IPv4', whole.data);
  const data = new Tvb(whole.data, 0, whole.data.length, whole.data.length, source);
  // Inside the IPv4 item, as tshark shows it.
  tree.reopen(ipNode);
  fragmentList(data, tree, FRAGMENT_FIELDS, whole.fragments);
  tree.pop();
  return data;
}

function nibble(n: number): string {
  return (n & 0xf).toString(2).padStart(4, '0');
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** The option type byte with its copy/class/number bits. */
function addOptionType(tvb: Tvb, o: number, tree: Tree): void {
  const t = tvb.u8(o);
  tree.push(F['opt.type'], tvb, o, 1, t);
  tree.add(F['opt.type.copy'], tvb, o, 1, (t & 0x80) !== 0);
  tree.add(F['opt.type.class'], tvb, o, 1, (t >> 5) & 3);
  tree.add(F['opt.type.number'], tvb, o, 1, t & 0x1f);
  tree.pop();
}

/** Wireshark's dissect_ip_options: one subtree per option, stopping at EOL or a bad length. */
function dissectOptions(tvb: Tvb, pinfo: PacketInfo, from: number, length: number, tree: Tree): void {
  tree.push(F._options, tvb, from, length);
  let label = `Options: (${length} bytes)`;
  let o = from;
  let left = length;
  while (left > 0) {
    const opt = tvb.u8(o);
    left--;
    if (opt === IPOPT.EOL || opt === IPOPT.NOP) {
      const def = opt === IPOPT.EOL ? F['options.eol'] : F['options.nop'];
      tree.push(def, tvb, o, 1);
      addOptionType(tvb, o, tree);
      tree.pop(undefined, def.name);
      o++;
      if (opt === IPOPT.EOL) break;
      continue;
    }
    const known = OPTIONS.get(opt);
    const name = known ? known.name : `Unknown (0x${hex2(opt)})`;
    if (left === 0) {
      expertItem(pinfo, tree, tvb, o, 1, 'Warning', 'Protocol', `${name} (length byte past end of options)`);
      break;
    }
    const optLen = tvb.u8(o + 1);
    left--;
    if (optLen < 2) {
      const s = optLen === 1 ? '' : 's';
      expertItem(
        pinfo,
        tree,
        tvb,
        o,
        2,
        'Warning',
        'Protocol',
        `${name} (with too-short option length = ${optLen} byte${s})`,
      );
      break;
    }
    if (optLen - 2 > left) {
      expertItem(
        pinfo,
        tree,
        tvb,
        o,
        left,
        'Warning',
        'Protocol',
        `${name} (option length = ${optLen} bytes says option goes past end of options)`,
      );
      break;
    }
    if (known) {
      dissectOption(tvb, pinfo, o, optLen, opt, known.def, known.name, tree);
      label += `, ${known.name}`;
    } else {
      tree.push(F._option, tvb, o, optLen);
      tree.label(`${name} (${optLen} byte${optLen === 1 ? '' : 's'})`);
      tree.pop();
    }
    o += optLen;
    left -= optLen - 2;
  }
  tree.pop(undefined, label);
}

function dissectOption(
  tvb: Tvb,
  pinfo: PacketInfo,
  o: number,
  len: number,
  opt: number,
  def: FieldDef,
  name: string,
  tree: Tree,
): void {
  tree.push(def, tvb, o, len);
  let label = `IP Option - ${name} (${len} bytes)`;
  addOptionType(tvb, o, tree);
  tree.add(F['opt.len'], tvb, o + 1, 1, len);
  switch (opt) {
    case IPOPT.RR:
      routeEntries(tvb, pinfo, o, len, tree, false);
      break;
    case IPOPT.LSR:
    case IPOPT.SSR:
      routeEntries(tvb, pinfo, o, len, tree, true);
      break;
    case IPOPT.TS:
      timestamps(tvb, pinfo, o, len, tree);
      break;
    case IPOPT.RA: {
      const v = tvb.u16(o + 2);
      const text = v === 0 ? 'Router shall examine packet' : 'Reserved';
      tree.add(F['opt.ra'], tvb, o + 2, 2, v);
      tree.labelLast(`Router Alert: ${text} (${v})`);
      label += `: ${text} (${v})`;
      break;
    }
    case IPOPT.SID:
      tree.add(F['opt.sid'], tvb, o + 2, 2, tvb.u16(o + 2));
      break;
    case IPOPT.MTUP:
    case IPOPT.MTUR:
      tree.add(F['opt.mtu'], tvb, o + 2, 2, tvb.u16(o + 2));
      break;
    case IPOPT.TR:
      tree.add(F['opt.id_number'], tvb, o + 2, 2, tvb.u16(o + 2));
      tree.add(F['opt.ohc'], tvb, o + 4, 2, tvb.u16(o + 4));
      tree.add(F['opt.rhc'], tvb, o + 6, 2, tvb.u16(o + 6));
      tree.add(F['opt.originator'], tvb, o + 8, 4, tvb.u32(o + 8));
      break;
    case IPOPT.SDB: {
      let p = o + 2;
      for (; p + 4 <= o + len; p += 4) tree.add(F['opt.addr'], tvb, p, 4, tvb.u32(p));
      if (p < o + len) tree.add(F['opt.padding'], tvb, p, o + len - p);
      break;
    }
    case IPOPT.CIPSO:
      cipso(tvb, o, len, tree);
      break;
    default:
      break;
  }
  tree.pop(undefined, label);
}

/** Record route and source routes: addresses before the pointer were visited, the rest not yet. */
function routeEntries(
  tvb: Tvb,
  pinfo: PacketInfo,
  o: number,
  len: number,
  tree: Tree,
  source: boolean,
): void {
  const ptr = tvb.u8(o + 2);
  if (ptr < 4 || ptr & 3) {
    const why = ptr < 4 ? 'Pointer points before first address' : 'Pointer points to middle of address';
    tree.push(F['opt.ptr'], tvb, o + 2, 1, ptr);
    expert(pinfo, tree, tvb, o + 2, 1, 'Warning', 'Protocol', why);
    tree.pop();
    return;
  }
  tree.add(F['opt.ptr'], tvb, o + 2, 1, ptr);
  for (let at = 3; at < len; at += 4) {
    if (len - at < 4) {
      expertItem(pinfo, tree, tvb, o + 2, 1, 'Warning', 'Protocol', 'Suboption would go past end of option');
      break;
    }
    const p = o + at;
    const addr = tvb.u32(p);
    if (source && ptr <= len && at === len - 4) {
      addAddress(tree, tvb, p, F.dst, F.dst_host, addr);
      continue;
    }
    let def: FieldDef;
    let host: FieldDef;
    let next = false;
    if (ptr > len || at + 1 < ptr) {
      def = F.rec_rt;
      host = F.rec_rt_host;
    } else {
      def = source ? F.src_rt : F.empty_rt;
      host = source ? F.src_rt_host : F.empty_rt_host;
      next = at + 1 === ptr;
    }
    tree.add(def, tvb, p, 4, addr);
    if (next && tree.full) tree.labelLast(`${def.name}: ${formatIPv4(addr)} <- (next)`);
    if (tree.wants(host)) tree.add(host, tvb, p, 4, formatIPv4(addr));
  }
}

function timestamps(tvb: Tvb, pinfo: PacketInfo, o: number, len: number, tree: Tree): void {
  const ptr = tvb.u8(o + 2);
  tree.add(F['opt.ptr'], tvb, o + 2, 1, ptr);
  if (tree.full) {
    const note =
      ptr === 1
        ? ' (header is full)'
        : ptr < 5
          ? ' (points before first address)'
          : (ptr - 1) & 3
            ? ' (points to middle of field)'
            : '';
    tree.labelLast(`Pointer: ${ptr}${note}`);
  }
  const of = tvb.u8(o + 3);
  tree.add(F['opt.overflow'], tvb, o + 3, 1, of >> 4);
  tree.add(F['opt.flag'], tvb, o + 3, 1, of & 0xf);
  if (tree.full) {
    tree.labelLast(
      `${bitPicture(F['opt.flag'], of & 0xf)} = Flag: ${TS_FLAGS.get(of & 0xf) ?? 'Unknown'} (0x${of & 0xf})`,
    );
  }
  const withAddr = (of & 0xf) === 1 || (of & 0xf) === 3;
  let p = o + 4;
  let left = len - 4;
  while (left > 0) {
    if (left < (withAddr ? 8 : 4)) {
      expertItem(pinfo, tree, tvb, p, left, 'Warning', 'Protocol', 'Suboption would go past end of option');
      break;
    }
    if (withAddr) {
      const addr = tvb.u32(p);
      tree.add(F['opt.time_stamp_addr'], tvb, p, 4, addr);
      if (tree.full) tree.labelLast(`Address: ${addr === 0 ? '-' : formatIPv4(addr)}`);
      p += 4;
      left -= 4;
    }
    tree.add(F['opt.time_stamp'], tvb, p, 4, tvb.u32(p));
    p += 4;
    left -= 4;
  }
}

/** Commercial IP security option (FIPS 188 tags 1, 2, 5, 6, 7). */
function cipso(tvb: Tvb, o: number, len: number, tree: Tree): void {
  if (len < 6) return;
  tree.add(F['cipso.doi'], tvb, o + 2, 4, tvb.u32(o + 2));
  let p = o + 6;
  const end = o + len;
  while (p < end) {
    const tag = tvb.u8(p);
    if (tag === 0) {
      tree.add(F['cipso.tag_type'], tvb, p, 1, tag);
      p++;
      continue;
    }
    if (p + 1 >= end) break;
    const tagLen = tvb.u8(p + 1);
    if (tagLen < 4 || p + tagLen > end) {
      tree.add(F['cipso.tag_type'], tvb, p, 1, tag);
      break;
    }
    tree.add(F['cipso.tag_type'], tvb, p, 1, tag);
    if (tag === 1 || tag === 2 || tag === 5) {
      tree.add(F['cipso.sensitivity_level'], tvb, p + 3, 1, tvb.u8(p + 3));
      if (tagLen > 4 && tree.wants(F['cipso.categories'])) {
        const cats: string[] = [];
        if (tag === 1) {
          for (let i = 0; i < tagLen - 4; i++) {
            const byte = tvb.u8(p + 4 + i);
            for (let bit = 0; bit < 8; bit++) if (byte & (0x80 >> bit)) cats.push(String(i * 8 + bit));
          }
        } else if (tag === 2) {
          for (let q = p + 4; q + 2 <= p + tagLen; q += 2) cats.push(String(tvb.u16(q)));
        } else {
          for (let q = p + 4; q + 2 <= p + tagLen; q += 4) {
            const high = tvb.u16(q);
            const low = q + 4 <= p + tagLen ? tvb.u16(q + 2) : 0;
            cats.push(`${low}-${high}`);
          }
        }
        tree.add(F['cipso.categories'], tvb, p + 4, tagLen - 4, cats.join(','));
      }
    } else {
      tree.add(F['cipso.tag_data'], tvb, p + 2, tagLen - 2);
    }
    p += tagLen;
  }
}

export const ipv4Module = {
  fields: { ...F, ...EXPERT },
  handoff(reg: Registry): void {
    reg.register('etherType', 0x0800, dissectIPv4);
    reg.register('ipProto', 4, dissectIPv4);
  },
};
