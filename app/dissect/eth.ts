// Ethernet II and IEEE 802.3 (a length instead of a type, LLC follows), with Wireshark's reading
// of what follows the payload: zero padding up to the 60-byte minimum, a trailer, and an FCS when
// the capture says there is one (or the frame is long enough that there probably is).
import { dissectData } from './data.ts';
import { expertInfo } from './dissect.ts';
import { dispatchEthertype, ETHERTYPE_NAMES } from './ethertype.ts';
import { bool, bytes, ether, fields, hex, names, proto, str, uint, type FieldDef } from './field.ts';
import { LinkType } from './link-types.ts';
import { dissectLlc } from './llc.ts';
import { AddrKind, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { NodeFlag, type FieldNode, type Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { macNameOrAddress, macWithName } from '../format/mac-names.ts';

const LG: readonly [string, string] = [
  'Locally administered address (this is NOT the factory default)',
  'Globally unique address (factory default)',
];
const IG: readonly [string, string] = ['Group address (multicast/broadcast)', 'Individual address (unicast)'];

export const F = fields('eth', {
  '': proto('Ethernet II'),
  dst: ether('Destination'),
  src: ether('Source'),
  addr: ether('Address'),
  dst_resolved: str('Destination (resolved)', { generated: true, hidden: true }),
  src_resolved: str('Source (resolved)', { generated: true, hidden: true }),
  addr_resolved: str('Address (resolved)', { generated: true, hidden: true }),
  'dst.lg': bool('LG bit', 24, 0x020000, { tf: LG }),
  'dst.ig': bool('IG bit', 24, 0x010000, { tf: IG }),
  'src.lg': bool('LG bit', 24, 0x020000, { tf: LG }),
  'src.ig': bool('IG bit', 24, 0x010000, { tf: IG }),
  lg: bool('LG bit', 24, 0x020000, { tf: LG, hidden: true }),
  ig: bool('IG bit', 24, 0x010000, { tf: IG, hidden: true }),
  type: hex('Type', 16, { strings: ETHERTYPE_NAMES }),
  len: uint('Length', 16),
  invalid_lentype: hex('Invalid length/type', 16, { base: 'hex_dec' }),
  padding: bytes('Padding'),
  trailer: bytes('Trailer'),
  fcs: hex('Frame check sequence', 32),
  'fcs.status': uint('FCS Status', 8, {
    strings: names({ 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' }),
    generated: true,
  }),
});

const MAX_802_3_LEN = 1500;
const MIN_ETHERNET_II_TYPE = 1536;

/** Adds one address subtree (Destination or Source) with its hidden eth.addr and LG/IG bits. */
function addAddress(tvb: Tvb, offset: number, tree: Tree, which: 'dst' | 'src'): void {
  tree.push(F[which], tvb, offset, 6);
  const resolved = which === 'src' ? F.src_resolved : F.dst_resolved;
  if (tree.wants(resolved)) tree.add(resolved, tvb, offset, 6, macNameOrAddress(tvb.bytes, offset));
  tree.add(F.addr, tvb, offset, 6);
  if (tree.wants(F.addr_resolved))
    tree.add(F.addr_resolved, tvb, offset, 6, macNameOrAddress(tvb.bytes, offset));
  const lg = which === 'src' ? F['src.lg'] : F['dst.lg'];
  const ig = which === 'src' ? F['src.ig'] : F['dst.ig'];
  if (tree.wants(lg) || tree.wants(ig) || tree.wants(F.lg) || tree.wants(F.ig)) {
    const first = tvb.u8(offset);
    tree.add(lg, tvb, offset, 3, (first & 2) !== 0);
    tree.add(F.lg, tvb, offset, 3, (first & 2) !== 0);
    tree.add(ig, tvb, offset, 3, (first & 1) !== 0);
    tree.add(F.ig, tvb, offset, 3, (first & 1) !== 0);
  }
  if (which === 'src' && (tvb.u8(offset) & 1) !== 0) {
    expertInfo(
      tree,
      tvb,
      offset,
      6,
      'Warning',
      'Protocol',
      'Source MAC must not be a group address: IEEE 802.3-2002, Section 3.2.3(b)',
    );
  }
  tree.pop();
}

/** FCS length the capture file states for this link type (pcap's FCS bits), or -1: unknown. */
function fcsLenOf(pinfo: PacketInfo): number {
  const lt = pinfo.meta.linkType;
  return lt & 0x04000000 ? ((lt >>> 28) & 0xf) * 2 : -1;
}

function dissectEthCommon(tvb: Tvb, pinfo: PacketInfo, tree: Tree, fcsLen: number): number {
  const o = tvb.start;
  pinfo.layers.push('eth');
  pinfo.setProto('Ethernet');
  tvb.need(o, 14);
  const typeOrLength = tvb.u16(o + 12);
  if (!pinfo.inError) {
    // Each Ethernet header (also one inside a tunnel) is the packet's source and destination
    // until a network layer above says otherwise, as Wireshark's pinfo->src/dst.
    pinfo.dlDst = o;
    pinfo.dlSrc = o + 6;
    pinfo.netKind = AddrKind.None;
    pinfo.netSrc = -1;
    pinfo.netDst = -1;
  }
  const b = tvb.bytes;

  if (typeOrLength > MAX_802_3_LEN && typeOrLength < MIN_ETHERNET_II_TYPE) {
    const what = `Invalid length/type: 0x${typeOrLength.toString(16).padStart(4, '0')} (${typeOrLength})`;
    if (pinfo.wantInfo) pinfo.setInfo(`Ethernet Unknown: ${what}`);
    tree.push(F[''], tvb, o, 14);
    if (tree.full) tree.label(`Ethernet Unknown, Src: ${macWithName(b, o + 6)}, Dst: ${macWithName(b, o)}`);
    addAddress(tvb, o, tree, 'dst');
    addAddress(tvb, o + 6, tree, 'src');
    tree.push(F.invalid_lentype, tvb, o + 12, 2, typeOrLength);
    expertInfo(tree, tvb, o + 12, 2, 'Warning', 'Protocol', what);
    tree.pop();
    tree.pop();
    dissectData(tvb.sub(o + 14), pinfo, tree);
    return tvb.remaining(o);
  }

  if (typeOrLength <= MAX_802_3_LEN && typeOrLength !== 0) {
    return dissect8023(tvb, pinfo, tree, fcsLen, typeOrLength);
  }

  if (pinfo.wantInfo) pinfo.setInfo('Ethernet II');
  tree.push(F[''], tvb, o, 14);
  if (tree.full) tree.label(`Ethernet II, Src: ${macWithName(b, o + 6)}, Dst: ${macWithName(b, o)}`);
  const ethNode = tree.current();
  addAddress(tvb, o, tree, 'dst');
  addAddress(tvb, o + 6, tree, 'src');
  tree.add(F.type, tvb, o + 12, 2, typeOrLength);
  tree.pop();
  const used = dispatchEthertype(typeOrLength, tvb.sub(o + 14), pinfo, tree);
  addEthernetTrailer(tvb, o + 14 + used, pinfo, tree, ethNode, F.trailer, fcsLen);
  return tvb.remaining(o);
}

/** An 802.3 frame: the length says where the LLC payload ends; the rest is padding or trailer. */
function dissect8023(tvb: Tvb, pinfo: PacketInfo, tree: Tree, fcsLen: number, length: number): number {
  const o = tvb.start;
  // 0xffff after the header is Novell's "raw 802.3" IPX, with no LLC header.
  const is8022 = !(tvb.has(o + 14, 2) && tvb.u16(o + 14) === 0xffff);
  const head = `IEEE 802.3 Ethernet ${is8022 ? '' : 'Raw '}`;
  if (pinfo.wantInfo) pinfo.setInfo(head);
  tree.push(F[''], tvb, o, 14);
  if (tree.full) tree.label(head);
  const ethNode = tree.current();
  addAddress(tvb, o, tree, 'dst');
  addAddress(tvb, o + 6, tree, 'src');
  const payloadLength = add8023Length(tvb, o + 14, pinfo, tree, F.len, fcsLen, length);
  tree.pop();
  // The trailer is known from the length, so it goes in before the payload runs: the tree reads
  // as Wireshark's (which adds it after), and a payload that throws still leaves it shown.
  addEthernetTrailer(tvb, o + 14 + payloadLength, pinfo, tree, ethNode, F.trailer, fcsLen);
  const payload = tvb.sub(o + 14, payloadLength);
  if (is8022) dissectLlc(payload, pinfo, tree);
  else dissectData(payload, pinfo, tree);
  return tvb.remaining(o);
}

/**
 * Adds an 802.3 length field (Ethernet's or VLAN's) and returns the payload length it allows: no
 * more than there is (Wireshark's dissect_802_3, which flags a longer one as malformed).
 */
export function add8023Length(
  tvb: Tvb,
  payloadOffset: number,
  pinfo: PacketInfo,
  tree: Tree,
  lengthField: FieldDef,
  fcsLen: number,
  length: number,
): number {
  let reported = tvb.reportedRemaining(payloadOffset);
  if (fcsLen > 0 && reported >= fcsLen) reported -= fcsLen;
  tree.push(lengthField, tvb, payloadOffset - 2, 2, length);
  if (length > reported) {
    length = reported;
    pinfo.malformed = true;
    const text = 'Length field value goes past the end of the payload';
    expertInfo(
      tree,
      tvb,
      payloadOffset - 2,
      2,
      'Error',
      'Malformed',
      text,
      NodeFlag.Expert | NodeFlag.Malformed,
    );
  }
  tree.pop();
  return length;
}

/**
 * Adds what follows a payload that ended at `end` to the subtree `node` (Wireshark's
 * add_ethernet_trailer): zero padding up to a 60-byte frame, then a trailer (`trailerField`: eth,
 * vlan, sll...), then a 4-byte FCS when `fcsLen` is 4, or is -1 (unknown) and the frame is long
 * enough to have one. `tvb` is the layer the trailer belongs to.
 */
export function addEthernetTrailer(
  tvb: Tvb,
  end: number,
  pinfo: PacketInfo,
  tree: Tree,
  node: FieldNode | null,
  trailerField: FieldDef,
  fcsLen: number,
): void {
  let reported = tvb.reportedEnd - end;
  if (reported <= 0 || end < tvb.start || end >= tvb.end) return;
  const wanted =
    tree.full ||
    tree.wants(F.padding) ||
    tree.wants(trailerField) ||
    tree.wants(F.fcs) ||
    tree.wants(F['fcs.status']);
  // Wireshark adds (and reads) the trailer only while building a tree.
  if (!wanted) return;
  let captured = tvb.end - end;
  const frameLen = pinfo.meta.origLen;
  const maybePadded = frameLen >= 60 && frameLen - reported < 60;
  let padding = 0;
  tree.reopen(node);
  if (maybePadded) {
    padding = 60 - (frameLen - reported);
    for (let i = 0; i < padding; i++) {
      if (tvb.u8(end + i) !== 0) {
        padding = 0;
        break;
      }
    }
    if (padding > 0) {
      tree.add(F.padding, tvb, end, padding);
      captured -= padding;
      reported -= padding;
    }
  }
  let hasFcs = false;
  if (fcsLen !== 0 && reported >= 4 && (fcsLen === 4 || tvb.reportedEnd - tvb.start >= 64)) {
    if (captured < reported) {
      reported -= 4;
      if (captured > reported) captured = reported;
    } else {
      captured -= 4;
    }
    hasFcs = true;
  }
  const at = end + padding;
  if (captured > 0) {
    tree.push(trailerField, tvb, at, captured);
    if (maybePadded && padding === 0 && tree.full) {
      const text =
        "Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros.";
      expertInfo(tree, tvb, at, captured, 'Note', 'Protocol', text);
    }
    tree.pop();
  }
  if (hasFcs) {
    const fcsAt = at + Math.max(0, captured);
    const fcs = tvb.u32(fcsAt);
    tree.add(F.fcs, tvb, fcsAt, 4, fcs);
    if (tree.full)
      tree.labelLast(`Frame check sequence: 0x${fcs.toString(16).padStart(8, '0')} [unverified]`);
    tree.add(F['fcs.status'], tvb, fcsAt, 0, 2);
    if (tree.full) tree.labelLast('[FCS Status: Unverified]');
  }
  tree.pop();
}

/** Ethernet as a capture's link layer: the file may say whether frames end in an FCS. */
export function dissectEth(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  return dissectEthCommon(tvb, pinfo, tree, fcsLenOf(pinfo));
}

/** Ethernet inside another protocol (bridging, VXLAN, SLL): no FCS. */
export function dissectEthWithoutFcs(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  return dissectEthCommon(tvb, pinfo, tree, 0);
}

export const ethModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('linkType', LinkType.ETHERNET, dissectEth);
    reg.register('etherType', 0x6558, dissectEthWithoutFcs);
    // IP protocol 143: Ethernet carried directly in IPv6 (RFC 8986, SRv6 L2 services).
    reg.register('ipProto', 143, dissectEthWithoutFcs);
  },
};
