// RTP Control Protocol (RFC 3550): compound packets of sender and receiver reports, source
// descriptions, BYE and APP, on the port after an SDP-announced RTP port (rtp.ts) and, as
// tshark 4.0 does by default, by its heuristic on any UDP port.
import { noteFault } from './dissect.ts';
import { FieldType, bool, bytes, fields, hex, names, proto, str, uint } from './field.ts';
import { expert, expertItem } from './ip-proto.ts';
import { ntpTimestamp } from './ntp.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { MEDIA_FIELDS, streamOf, type MediaStream } from './rtp.ts';
import { asciiString, isPrintable } from './text-format.ts';
import type { FieldNode, Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { addAsciiString, addBytes } from './tvb-items.ts';

const SR = 200;
const RR = 201;
const SDES = 202;
const BYE = 203;
const APP = 204;
const PSFB = 206;

const PACKET_TYPES: Record<number, string> = {
  192: 'Full Intra-frame Request (H.261)',
  193: 'Negative Acknowledgement (H.261)',
  194: 'SMPTE time-code mapping',
  195: 'Extended inter-arrival jitter report',
  200: 'Sender Report',
  201: 'Receiver Report',
  202: 'Source description',
  203: 'Goodbye',
  204: 'Application specific',
  205: 'Generic RTP Feedback',
  206: 'Payload-specific Feedback',
  207: 'Extended report (RFC 3611)',
  208: 'AVB RTCP packet (IEEE1733)',
  209: 'Receiver Summary Information',
  210: 'Port Mapping',
};

const SDES_TYPES = names({
  0: 'END',
  1: 'CNAME (user and domain)',
  2: 'NAME (common name)',
  3: 'EMAIL (e-mail address)',
  4: 'PHONE (phone number)',
  5: 'LOC (geographic location)',
  6: 'TOOL (name/version of source app)',
  7: 'NOTE (note about source)',
  8: 'PRIV (private extensions)',
  9: 'H323-CADDR (H.323 callable address)',
  10: 'APSI (Application Specific Identifier)',
});

const PSE_TYPES = names({
  0: 'Unknown',
  1: 'MS - Bandwidth Estimation',
  2: 'MS - Sender Estimated Bandwidth',
  3: 'MS - Packet Loss Notification',
  4: 'MS - Video Preference',
  5: 'MS - Padding',
  6: 'MS - Policy Server Bandwidth',
  7: 'MS - TURN Server Bandwidth',
  8: 'MS - Audio Healing Metrics',
  9: 'MS - Receiver-side Bandwidth Limit',
  10: 'MS - Packet Train Packet',
  11: 'MS - Peer Info Exchange',
  12: 'MS - Network Congestion Notification',
  13: 'MS - Modality Send Bandwidth Limit',
});

const typeName = (pt: number): string => PACKET_TYPES[pt] ?? 'Unknown';

const F = fields('rtcp', {
  '': proto('Real-time Transport Control Protocol'),
  ...MEDIA_FIELDS,
  rc: uint('Reception report count', 8, { mask: 0x1f }),
  sc: uint('Source count', 8, { mask: 0x1f }),
  'app.subtype': uint('Subtype', 8, { mask: 0x1f }),
  pt: uint('Packet type', 8, { strings: names(PACKET_TYPES) }),
  length: uint('Length', 16),
  senderssrc: hex('Sender SSRC', 32, { base: 'hex_dec' }),
  'timestamp.ntp.msw': uint('Timestamp, MSW', 32, { base: 'dec_hex' }),
  'timestamp.ntp.lsw': uint('Timestamp, LSW', 32, { base: 'dec_hex' }),
  'timestamp.ntp': { name: 'MSW and LSW as NTP timestamp', type: FieldType.AbsTime, generated: true },
  'timestamp.rtp': uint('RTP timestamp', 32),
  'sender.packetcount': uint("Sender's packet count", 32),
  'sender.octetcount': uint("Sender's octet count", 32),
  'ssrc.identifier': hex('Identifier', 32, { base: 'hex_dec' }),
  'ssrc.fraction': uint('Fraction lost', 8),
  'ssrc.cum_nr': { name: 'Cumulative number of packets lost', type: FieldType.Int, base: 'dec', bits: 24 },
  'ssrc.ext_high': uint('Extended highest sequence number received', 32),
  'ssrc.high_cycles': uint('Sequence number cycles count', 16),
  'ssrc.high_seq': uint('Highest sequence number received', 16),
  'ssrc.jitter': uint('Interarrival jitter', 32),
  'ssrc.lsr': uint('Last SR timestamp', 32, { base: 'dec_hex' }),
  'ssrc.dlsr': uint('Delay since last SR timestamp', 32),
  'sdes.type': uint('Type', 8, { strings: SDES_TYPES }),
  'sdes.length': uint('Length', 32),
  'sdes.text': str('Text'),
  'sdes.prefix.length': uint('Prefix length', 8),
  'sdes.prefix.string': str('Prefix string'),
  'app.name': str('Name (ASCII)'),
  'app.data': bytes('Application specific data'),
  'app.data_str': str('Application specific data'),
  'profile-specific-extension.type': uint('Extension Type', 16, { strings: PSE_TYPES }),
  'profile-specific-extension.length': uint('Extension Length', 16),
  'profile-specific-extension': bytes('Profile-specific extension'),
  'padding.count': uint('Padding count', 8),
  'padding.data': bytes('Padding data'),
  _block: { name: 'Report block', type: FieldType.None },
  _contents: { name: 'SSRC contents', type: FieldType.None },
  _chunk: { name: 'Chunk', type: FieldType.None },
  _items: { name: 'SDES items', type: FieldType.None },
  _pse: { name: 'Payload Specific Extension', type: FieldType.None },
  length_check: bool('RTCP frame length check', 8, 0, { generated: true, tf: ['True', 'False'] }),
});

/** Appends to Info as the loop's col_append_fstr calls do. */
function append(pinfo: PacketInfo, text: string): void {
  if (pinfo.wantInfo) pinfo.setInfo(pinfo.info + text);
}

function lengthField(tvb: Tvb, tree: Tree, o: number): void {
  const raw = tvb.u16(o);
  tree.add(F.length, tvb, o, 2, raw);
  if (tree.full) tree.labelLast(`Length: ${raw} (${(raw + 1) * 4} bytes)`);
}

function setupInfo(tvb: Tvb, tree: Tree, stream: MediaStream): void {
  const o = tvb.start;
  tree.push(F.setup, tvb, o, 0, '');
  if (tree.full) tree.label(`[Stream setup by SDP (frame ${stream.frame})]`);
  tree.add(F['setup-frame'], tvb, o, 0, stream.frame);
  tree.add(F['setup-method'], tvb, o, 0, 'SDP');
  tree.pop();
}

/** Report blocks (and profile-specific extensions after them): Wireshark's dissect_rtcp_rr. */
function reportBlocks(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  count: number,
  len: number,
): number {
  const start = o;
  for (let n = 1; n <= count; n++) {
    tree.push(F._block, tvb, o, 24);
    tree.add(F['ssrc.identifier'], tvb, o, 4, tvb.u32(o));
    o += 4;
    tree.push(F._contents, tvb, o, 20);
    const fraction = tvb.u8(o);
    tree.add(F['ssrc.fraction'], tvb, o, 1, fraction);
    if (tree.full) tree.labelLast(`Fraction lost: ${fraction} / 256`);
    let cum = tvb.u24(o + 1);
    if (cum & 0x800000) cum -= 0x1000000;
    tree.add(F['ssrc.cum_nr'], tvb, o + 1, 3, cum);
    tree.pop(20, 'SSRC contents');
    o += 4;
    tree.push(F['ssrc.ext_high'], tvb, o, 4, tvb.u32(o));
    tree.add(F['ssrc.high_cycles'], tvb, o, 2, tvb.u16(o));
    tree.add(F['ssrc.high_seq'], tvb, o + 2, 2, tvb.u16(o + 2));
    tree.pop();
    o += 4;
    tree.add(F['ssrc.jitter'], tvb, o, 4, tvb.u32(o));
    o += 4;
    tree.add(F['ssrc.lsr'], tvb, o, 4, tvb.u32(o));
    o += 4;
    const dlsr = tvb.u32(o);
    tree.add(F['ssrc.dlsr'], tvb, o, 4, dlsr);
    if (tree.full) {
      tree.labelLast(
        `Delay since last SR timestamp: ${dlsr} (${Math.trunc((dlsr / 65536) * 1000) | 0} milliseconds)`,
      );
    }
    o += 4;
    tree.pop(24, `Source ${n}`);
  }
  if (o - start < len) o = extensions(tvb, pinfo, tree, o, len - (o - start));
  return o;
}

/** Wireshark's dissect_rtcp_profile_specific_extensions. */
function extensions(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, remaining: number): number {
  append(pinfo, '(');
  while (remaining > 0) {
    const type = tvb.u16(o);
    let len = tvb.u16(o + 2);
    if (len < 4) len = 4;
    const name = PSE_TYPES.get(type) ?? 'Unknown';
    tree.push(F._pse, tvb, o, len);
    append(pinfo, `PSE:${name}  `);
    tree.add(F['profile-specific-extension.type'], tvb, o, 2, type);
    tree.add(F['profile-specific-extension.length'], tvb, o + 2, 2, tvb.u16(o + 2));
    addBytes(tvb, o + 4, len - 4, tree, F['profile-specific-extension']);
    tree.pop(len, `Payload Specific Extension (${name})`);
    o += len;
    remaining -= len;
  }
  append(pinfo, ')  ');
  return o;
}

function sdes(tvb: Tvb, tree: Tree, o: number, count: number): void {
  const base = tvb.start;
  for (let chunk = 1; chunk <= count; chunk++) {
    const start = o;
    const ssrc = tvb.u32(o);
    tree.push(F._chunk, tvb, o, tvb.remaining(o));
    tree.label(`Chunk ${chunk}, SSRC/CSRC 0x${ssrc.toString(16).toUpperCase()}`);
    tree.add(F['ssrc.identifier'], tvb, o, 4, ssrc);
    o += 4;
    const itemsStart = o;
    tree.push(F._items, tvb, o, tvb.remaining(o));
    tree.label('SDES items');
    while (tvb.reportedRemaining(o) > 0) {
      const type = tvb.u8(o);
      tree.add(F['sdes.type'], tvb, o, 1, type);
      o++;
      if (type === 0) break;
      let len = tvb.u8(o);
      tree.add(F['sdes.length'], tvb, o, 1, len);
      o++;
      if (len === 0) continue;
      if (type === 8) {
        const prefix = tvb.u8(o);
        if (prefix + 1 > len) {
          tree.add(F['sdes.prefix.length'], tvb, o, 1, prefix);
          if (tree.full) tree.labelLast(`Prefix length: ${prefix} (bogus, must be <= ${len - 1})`);
          o += len;
          continue;
        }
        tree.add(F['sdes.prefix.length'], tvb, o, 1, prefix);
        o++;
        text(tvb, tree, F['sdes.prefix.string'], o, prefix);
        o += prefix;
        len -= prefix + 1;
        if (len === 0) continue;
      }
      text(tvb, tree, F['sdes.text'], o, len);
      o += len;
    }
    tree.pop(o - itemsStart);
    if ((o - base) % 4 !== 0) o = base + (Math.trunc((o - base) / 4) + 1) * 4;
    tree.pop(o - start);
  }
}

/** An ENC_ASCII string item (Wireshark's proto_tree_add_item on an FT_STRING). */
function text(tvb: Tvb, tree: Tree, def: (typeof F)['sdes.text'], o: number, len: number): void {
  tvb.need(o, len);
  let end = o;
  while (end < o + len && tvb.bytes[end] !== 0) end++;
  tree.add(def, tvb, o, len, asciiString(tvb.bytes, o, end));
}

function bye(tvb: Tvb, pinfo: PacketInfo, tree: Tree, o: number, count: number, len: number): number {
  for (let i = 0; i < count; i++, o += 4) tree.add(F['ssrc.identifier'], tvb, o, 4, tvb.u32(o));
  let reasonAt = 0;
  let reasonLen = 0;
  if (count * 4 < len) {
    reasonLen = tvb.u8(o);
    tree.add(F['sdes.length'], tvb, o, 1, reasonLen);
    o++;
    reasonAt = o;
    text(tvb, tree, F['sdes.text'], o, reasonLen);
    o += reasonLen;
  }
  const rel = o - tvb.start;
  if (rel % 4) {
    const pad = 4 - (rel % 4);
    for (let i = 0; i < pad; i++) {
      if (!tvb.has(o + i, 1) || tvb.bytes[o + i] !== 0) {
        const why = 'Reason string is not NULL padded (see RFC3550, section 6.6)';
        expertItem(pinfo, tree, tvb, reasonAt, reasonLen, 'Warning', 'Malformed', why);
      }
    }
    o += pad;
  }
  return o;
}

function app(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  len: number,
  subtype: number,
  padding: boolean,
): number {
  tree.add(F['ssrc.identifier'], tvb, o, 4, tvb.u32(o));
  o += 4;
  len -= 4;
  tvb.need(o, 4);
  addAsciiString(tvb, o, 4, pinfo, tree, F['app.name']);
  append(pinfo, `( ${asciiString(tvb.bytes, o, o + 4)} ) subtype=${subtype}`);
  o += 4;
  len -= 4;
  if (padding) len -= tvb.u8(o + len - 1);
  if (len === 0) return o;
  tvb.need(o, Math.max(0, len));
  let printable = len > 0;
  for (let i = o; i < o + len; i++) if (!isPrintable(tvb.bytes[i] as number)) printable = false;
  if (printable) tree.add(F['app.data_str'], tvb, o, len, asciiString(tvb.bytes, o, o + len));
  else addBytes(tvb, o, len, tree, F['app.data']);
  return o + len;
}

/** A sender or receiver report from the sender SSRC at `o` on; the offset after it. */
function report(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  pt: number,
  count: number,
  plen: number,
): number {
  tree.add(F.rc, tvb, o, 1, count);
  tree.add(F.pt, tvb, o + 1, 1, pt);
  lengthField(tvb, tree, o + 2);
  tree.add(F.senderssrc, tvb, o + 4, 4, tvb.u32(o + 4));
  o += 8;
  if (pt !== SR) return reportBlocks(tvb, pinfo, tree, o, count, plen - 8);
  const start = o;
  tree.add(F['timestamp.ntp.msw'], tvb, o, 4, tvb.u32(o));
  tree.add(F['timestamp.ntp.lsw'], tvb, o + 4, 4, tvb.u32(o + 4));
  tree.add(F['timestamp.ntp'], tvb, o, 8, ntpTimestamp(tvb, o));
  tree.add(F['timestamp.rtp'], tvb, o + 8, 4, tvb.u32(o + 8));
  tree.add(F['sender.packetcount'], tvb, o + 12, 4, tvb.u32(o + 12));
  tree.add(F['sender.octetcount'], tvb, o + 16, 4, tvb.u32(o + 16));
  o += 20;
  const len = plen - 8;
  if (count !== 0) return reportBlocks(tvb, pinfo, tree, o, count, len - (o - start));
  if (o - start < len) return extensions(tvb, pinfo, tree, o, len - (o - start));
  return o;
}

/** The count (or subtype) field, the packet type and the length of the packet at `o`. */
function countTypeLength(
  tvb: Tvb,
  tree: Tree,
  def: (typeof F)['sc'],
  o: number,
  count: number,
  pt: number,
): void {
  tree.add(def, tvb, o, 1, count);
  tree.add(F.pt, tvb, o + 1, 1, pt);
  lengthField(tvb, tree, o + 2);
}

/** One packet of type `pt` (`plen` bytes) at `o`, after its version and padding bits; the offset after it. */
function packet(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  pt: number,
  count: number,
  plen: number,
  paddingSet: boolean,
): number {
  switch (pt) {
    case SR:
    case RR:
      return report(tvb, pinfo, tree, o, pt, count, plen);
    case SDES:
      countTypeLength(tvb, tree, F.sc, o, count, pt);
      sdes(tvb, tree, o + 4, count);
      return o + plen;
    case BYE:
      countTypeLength(tvb, tree, F.sc, o, count, pt);
      return bye(tvb, pinfo, tree, o + 4, count, plen - 4);
    case APP:
      countTypeLength(tvb, tree, F['app.subtype'], o, count, pt);
      return app(tvb, pinfo, tree, o + 4, plen - 4, count, paddingSet);
    case PSFB:
    default:
      // Types this dissector does not decode: their header, the rest shown as it is.
      if (PACKET_TYPES[pt] === undefined || pt === 194 || pt === 195) return o + 1;
      countTypeLength(tvb, tree, F['app.subtype'], o, count, pt);
      tree.add(F['ssrc.identifier'], tvb, o + 4, 4, tvb.u32(o + 4));
      return o + plen;
  }
}

/** The padding of the last packet (its count in the byte at `paddingAt`) from `o`; the offset after it. */
function padding(tvb: Tvb, tree: Tree, o: number, paddingAt: number): number {
  const padLen = tvb.u8(paddingAt);
  if (padLen !== 0) {
    addBytes(tvb, o, padLen - 1, tree, F['padding.data']);
    o += padLen - 1;
  }
  tree.add(F['padding.count'], tvb, o, 1, tvb.u8(o));
  return o + 1;
}

/** Whether the packets' lengths add up to the bytes they took (`found`). */
function lengthCheck(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  base: number,
  found: number,
  total: number,
): void {
  tree.push(F.length_check, tvb, base, 0, found === total);
  if (tree.full) {
    tree.label(
      found === total
        ? `[RTCP frame length check: OK - ${found} bytes]`
        : `[RTCP frame length check: Wrong (expected ${total} bytes, found ${found})]`,
    );
  }
  if (found !== total) {
    const why = `Incorrect RTCP packet length information (expected ${total} bytes, found ${found})`;
    expert(pinfo, tree, tvb, base, 0, 'Warning', 'Malformed', why);
  }
  tree.pop();
}

export function dissectRTCP(tvb: Tvb, pinfo: PacketInfo, tree: Tree, stream?: MediaStream): number {
  const base = tvb.start;
  pinfo.layers.push('rtcp');
  pinfo.setProto('RTCP');
  if (pinfo.wantInfo) pinfo.setInfo('');
  let o = base;
  let total = 0;
  let paddingSet = false;
  let paddingAt = 0;
  let last: FieldNode | null = null;
  let open = false;
  try {
    while (tvb.has(o, 4)) {
      const pt = tvb.u8(o + 1);
      if (pt < 192 || pt > 210) break;
      append(pinfo, `${typeName(pt)}   `);
      const plen = (tvb.u16(o + 2) + 1) * 4;
      total += plen;
      tree.push(F[''], tvb, o, Math.min(plen, tvb.remaining(o)));
      open = true;
      last = tree.current();
      if (tree.full) tree.label(`Real-time Transport Control Protocol (${typeName(pt)})`);
      if (stream) setupInfo(tvb, tree, stream);
      const b0 = tvb.u8(o);
      tree.add(F.version, tvb, o, 1, b0 >> 6);
      paddingSet = (b0 & 0x20) !== 0;
      paddingAt = o + plen - 1;
      tree.add(F.padding, tvb, o, 1, paddingSet);
      o = packet(tvb, pinfo, tree, o, pt, b0 & 0x1f, plen, paddingSet);
      tree.pop();
      open = false;
      if (pinfo.wantInfo) pinfo.fenceColumns();
    }
    if (last) tree.reopen(last);
    open = last !== null;
    if (paddingSet) o = padding(tvb, tree, o, paddingAt);
    lengthCheck(tvb, pinfo, tree, base, o - base, total);
    if (open) tree.pop();
  } catch (err) {
    if (open || last) tree.unwind();
    noteFault(err, tvb, pinfo, tree);
  }
  return tvb.remaining(base);
}

/** Wireshark's dissect_rtcp_heur: version 2, a report, BYE, APP or PSFB first, whole 32-bit words. */
function heuristic(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  const o = tvb.start;
  if (!tvb.has(o, 2)) return false;
  const b0 = tvb.bytes[o] as number;
  const pt = tvb.bytes[o + 1] as number;
  if (b0 >> 6 !== 2) return false;
  if (pt !== SR && pt !== RR && pt !== BYE && pt !== APP && pt !== PSFB) return false;
  if (tvb.reportedRemaining(o) % 4 !== 0) return false;
  dissectRTCP(tvb, pinfo, tree);
  return true;
}

/** RTCP where an SDP set it up (the port after RTP's), before the port tables as a conversation. */
function conversation(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  const stream = streamOf(pinfo);
  if (!stream || !stream.rtcp) return false;
  dissectRTCP(tvb, pinfo, tree, stream);
  return true;
}

export const rtcpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.heuristics.udp.unshift(conversation);
    reg.heuristics.udp.push(heuristic);
  },
};
