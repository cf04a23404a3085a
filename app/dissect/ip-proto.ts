// What the IP layers share: protocol numbers and names, the hand-off to the `ipProto` table,
// the facts about the innermost IP header its payload needs (addresses for conversations, TTL,
// fragmentation), conversation tables for TCP and UDP streams, and expert-info notes.
import { dissectData } from './data.ts';
import { expertInfo, type ExpertSeverity } from './dissect.ts';
import { fields, names, text, type FieldDef } from './field.ts';
import { AddrKind, type CaptureState, type PacketInfo } from './packet-info.ts';
import type { Dissector } from './registry.ts';
import { NodeFlag, NULL_TREE, type FieldNode, type FieldValue, type Tree } from './tree.ts';
import { MalformedError, TruncatedError, type Tvb } from './tvb.ts';

export const IpProto = {
  HOPOPTS: 0,
  ICMP: 1,
  IGMP: 2,
  IPIP: 4,
  TCP: 6,
  UDP: 17,
  IPV6: 41,
  ROUTING: 43,
  FRAGMENT: 44,
  GRE: 47,
  ESP: 50,
  AH: 51,
  ICMPV6: 58,
  NONE: 59,
  DSTOPTS: 60,
  MOBILITY: 135,
} as const;

/** Wireshark's ipproto_val (names for ip.proto and ipv6.nxt), as tshark 4.0 has them. */
export const IP_PROTO_NAMES: ReadonlyMap<number, string> = (() => {
  const m = new Map(
    names({
      0: 'IPv6 Hop-by-Hop Option',
      1: 'ICMP',
      2: 'IGMP',
      3: 'GGP',
      4: 'IPIP',
      5: 'Stream',
      6: 'TCP',
      7: 'CBT',
      8: 'EGP',
      9: 'IGRP',
      10: 'BBN RCC',
      11: 'Network Voice',
      12: 'PUP',
      13: 'ARGUS',
      14: 'EMCON',
      15: 'XNET',
      16: 'CHAOS',
      17: 'UDP',
      18: 'Multiplex',
      19: 'DCN Measurement',
      20: 'Host Monitoring',
      21: 'Packet radio',
      22: 'IDP',
      23: 'Trunk-1',
      24: 'Trunk-2',
      25: 'Leaf-1',
      26: 'Leaf-2',
      27: 'Reliable Data',
      28: 'IRT',
      29: 'ISO TP4',
      30: 'Bulk Data',
      31: 'MFE NSP',
      32: 'Merit Internodal',
      33: 'Datagram Congestion Control Protocol',
      34: '3rd Party Connect',
      35: 'Inter-Domain Policy Routing Protocol',
      36: 'XTP',
      37: 'Datagram delivery',
      38: 'Control Message',
      39: 'TP++',
      40: 'IL',
      41: 'IPv6',
      42: 'Source demand routing',
      43: 'Routing Header for IPv6',
      44: 'Fragment Header for IPv6',
      45: 'Inter-Domain Routing Protocol',
      46: 'Reservation Protocol',
      47: 'Generic Routing Encapsulation',
      48: 'Dynamic source routing',
      49: 'BNA',
      50: 'Encap Security Payload',
      51: 'Authentication Header',
      52: 'INSLP',
      53: 'SWIPE',
      54: 'NBMA ARP',
      55: 'IP Mobility',
      56: 'TLSP Kryptonet',
      57: 'SKIP',
      58: 'ICMPv6',
      59: 'No Next Header for IPv6',
      60: 'Destination Options for IPv6',
      61: 'any host internal protocol',
      62: 'Mobile IPv6 (old)',
      63: 'any local network',
      64: 'SATNET EXPAK',
      65: 'Kryptolan',
      66: 'Remote Virtual Disk',
      67: 'IPPC',
      68: 'any distributed file system',
      69: 'SATNET Monitoring',
      70: 'VISA',
      71: 'IPCV',
      72: 'CPNX',
      73: 'CPHB',
      74: 'Wang Span',
      75: 'Packet Video',
      76: 'Backroom SATNET Mon',
      77: 'Sun ND Protocol',
      78: 'Wideband Mon',
      79: 'Wideband Expak',
      80: 'ISO Internet Protocol',
      81: 'VMTP',
      82: 'Secure VMTP',
      83: 'VINES',
      84: 'TTP',
      85: 'NSFNET IGP',
      86: 'Dissimilar Gateway',
      87: 'TCF',
      88: 'EIGRP',
      89: 'OSPF IGP',
      90: 'Sprite RPC',
      91: 'Locus ARP',
      92: 'Multicast Transport',
      93: 'AX.25 Frames',
      94: 'IP in IP',
      95: 'MICP',
      96: 'Semaphore',
      97: 'Ether in IP',
      98: 'ENCAP',
      99: 'any private encryption scheme',
      100: 'GMTP',
      101: 'Ipsilon Flow',
      102: 'PNNI over IP',
      103: 'PIM',
      104: 'ARIS',
      105: 'SCPS',
      106: 'QNX',
      107: 'Active Networks',
      108: 'IPComp',
      109: 'Sitara Networks',
      110: 'Compaq Peer',
      111: 'IPX IN IP',
      112: 'VRRP',
      113: 'PGM',
      114: 'any 0-hop protocol',
      115: 'Layer 2 Tunneling',
      116: 'DDX',
      117: 'IATP',
      118: 'STP',
      119: 'SpectraLink',
      120: 'UTI',
      121: 'SMP',
      122: 'SM',
      123: 'PTP',
      124: 'ISIS over IP',
      125: 'FIRE',
      126: 'CRTP',
      127: 'CRUDP',
      128: 'SSCOPMCE',
      129: 'IPLT',
      130: 'Secure Packet',
      131: 'PIPE',
      132: 'SCTP',
      133: 'Fibre Channel',
      134: 'RSVP E2EI',
      135: 'Mobile IPv6',
      136: 'UDPLite',
      137: 'MPLS in IP',
      138: 'MANET',
      139: 'HIP',
      140: 'Shim6 header',
      141: 'WESP',
      142: 'ROHC',
      143: 'Ethernet',
      173: 'AX/4000 Testframe',
      224: 'Novell NCS Heartbeat',
    }),
  );
  for (let p = 144; p < 224; p++) if (!m.has(p)) m.set(p, 'Unassigned');
  return m;
})();

export function ipProtoName(proto: number): string {
  return IP_PROTO_NAMES.get(proto) ?? 'Unknown';
}

/**
 * The innermost IP header, as its payload sees it when called. IPv4 and IPv6 fill it right
 * before they hand their payload on; TCP, UDP and ICMP read it on entry (dissection is
 * synchronous, so it is always the header directly below them). It also holds for quoted
 * packets inside ICMP errors and for tunnels, unlike pinfo.net*, which keep the columns' addresses.
 */
export interface IpLayer {
  kind: AddrKind;
  /** Offsets of the addresses in `bytes` (4 or 16 bytes each). */
  src: number;
  dst: number;
  bytes: Uint8Array;
  /** TTL or hop limit (ICMP's echo Info shows it); -1 when a header (AH) stands between. */
  ttl: number;
  /** The payload is the first fragment of a larger datagram (no lengths to check against). */
  fragmented: boolean;
  /** Reported length of the IP payload the upper layer gets. */
  payloadLength: number;
}

export const ipLayer: IpLayer = {
  kind: AddrKind.None,
  src: -1,
  dst: -1,
  bytes: new Uint8Array(0),
  ttl: 0,
  fragmented: false,
  payloadLength: 0,
};

/**
 * Hands an IP payload to the dissector registered for `proto`, or shows it as data.
 * Returns false when no dissector took it (the caller may then set an Info text).
 */
export function dispatchIpProto(proto: number, tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  if (pinfo.registry.call('ipProto', proto, tvb, pinfo, tree) >= 0) return true;
  dissectData(tvb, pinfo, tree);
  return false;
}

export type { ExpertSeverity };

/**
 * An expert-info note as tshark -V prints it (`[Expert Info (Warning/Malformed): …]`). A note in
 * the Malformed group marks the packet malformed, as Wireshark's hidden `_ws.malformed` does.
 */
export function expert(
  pinfo: PacketInfo,
  tree: Tree,
  tvb: Tvb,
  offset: number,
  length: number,
  severity: ExpertSeverity,
  group: string,
  message: string,
): void {
  if (group === 'Malformed') pinfo.malformed = true;
  expertInfo(tree, tvb, offset, length, severity, group, message);
}

/** The text item Wireshark's proto_tree_add_expert makes: the message, with the expert note under it. */
export const EXPERT = fields('_ws', { 'expert.item': text('Expert item') });

export function expertItem(
  pinfo: PacketInfo,
  tree: Tree,
  tvb: Tvb,
  offset: number,
  length: number,
  severity: ExpertSeverity,
  group: string,
  message: string,
): void {
  if (!tree.full) {
    expert(pinfo, tree, tvb, offset, 0, severity, group, message);
    return;
  }
  tree.push(EXPERT['expert.item'], tvb, offset, Math.max(0, Math.min(length, tvb.remaining(offset))));
  expert(pinfo, tree, tvb, offset, 0, severity, group, message);
  tree.pop(undefined, message);
}

/** One's-complement sum of `length` bytes at `offset` (folded to 16 bits, not inverted). */
export function onesSum(bytes: Uint8Array, offset: number, length: number, initial = 0): number {
  let sum = initial;
  const end = offset + length - 1;
  let i = offset;
  for (; i < end; i += 2) sum += ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
  if (i === end) sum += (bytes[i] as number) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

interface Pass {
  frame: number;
  pinfo: PacketInfo | null;
}
const newPass = (): Pass => ({ frame: 0, pinfo: null });
// The last capture state asked about, so the per-packet lookup costs one comparison.
let passOwner: CaptureState | null = null;
let pass: Pass = newPass();

/**
 * Whether this dissection is the first pass over its frame (Wireshark's `!visited`): stateful
 * dissectors update their state only then. Frames must reach the state in order; a frame number
 * at or below the highest seen, in another PacketInfo, is a revisit (detail view, a later pass).
 */
export function firstPass(state: CaptureState, pinfo: PacketInfo): boolean {
  if (state !== passOwner) {
    pass = state.of('ip.pass', newPass);
    passOwner = state;
  }
  const n = pinfo.meta.number;
  if (n > pass.frame) {
    pass.frame = n;
    pass.pinfo = pinfo;
    return true;
  }
  return pass.pinfo === pinfo;
}

const INITIAL = 1024;

/** Big-endian 16 bits at `o`, unchecked: for header fields already known to be captured. */
export function be16(b: Uint8Array, o: number): number {
  return ((b[o] as number) << 8) | (b[o + 1] as number);
}

/** Big-endian 32 bits at `o`, unchecked. */
export function be32(b: Uint8Array, o: number): number {
  return word(b, o);
}

function word(b: Uint8Array, o: number): number {
  return (
    (((b[o] as number) << 24) |
      ((b[o + 1] as number) << 16) |
      ((b[o + 2] as number) << 8) |
      (b[o + 3] as number)) >>>
    0
  );
}

/**
 * Conversations by address pair and port pair, either direction (Wireshark's conversation
 * table for one endpoint type). Allocation-free lookups: tuples live in typed arrays, an
 * open-addressing hash maps a tuple to its newest conversation; a conversation started again
 * (TCP port reuse) chains to the older one, so revisited frames find the one they belonged to.
 */
export class Conversations {
  /** Number of conversations; the stream index of each is its position. */
  count = 0;
  private addr = new Uint32Array(INITIAL * 8);
  private ports = new Uint32Array(INITIAL);
  private kind = new Uint8Array(INITIAL);
  private first = new Uint32Array(INITIAL);
  private older = new Int32Array(INITIAL);
  private slots = new Int32Array(INITIAL * 4).fill(-1);
  private readonly key = new Uint32Array(8);
  /** Direction of the last lookup: 0 when the packet goes the way the conversation started. */
  dir = 0;

  private loadKey(l: IpLayer): number {
    const k = this.key;
    const b = l.bytes;
    if (l.kind !== AddrKind.IPv6) {
      k[0] = word(b, l.src);
      k[4] = word(b, l.dst);
      k[1] = k[2] = k[3] = k[5] = k[6] = k[7] = 0;
      return 1;
    }
    for (let i = 0; i < 4; i++) {
      k[i] = word(b, l.src + 4 * i);
      k[4 + i] = word(b, l.dst + 4 * i);
    }
    return 4;
  }

  private static mix(h: number): number {
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
    return (h ^ (h >>> 16)) >>> 0;
  }

  private hash(words: number, sport: number, dport: number): number {
    const k = this.key;
    let a = sport;
    let b = dport;
    for (let i = 0; i < words; i++) {
      a = Conversations.mix(a ^ (k[i] as number));
      b = Conversations.mix(b ^ (k[4 + i] as number));
    }
    return ((a + b) >>> 0) ^ this.kindSalt;
  }

  private kindSalt = 0;

  /** Whether conversation `c` holds the key's tuple; sets `dir`. */
  private matches(c: number, kind: AddrKind, sport: number, dport: number): boolean {
    if (this.kind[c] !== kind) return false;
    const k = this.key;
    const a = this.addr;
    const base = c * 8;
    const p = this.ports[c] as number;
    const pa = p >>> 16;
    const pb = p & 0xffff;
    if (pa === sport && pb === dport) {
      let same = true;
      for (let i = 0; i < 8 && same; i++) same = a[base + i] === k[i];
      if (same) {
        this.dir = 0;
        return true;
      }
    }
    if (pa === dport && pb === sport) {
      let same = true;
      for (let i = 0; i < 4 && same; i++) same = a[base + i] === k[4 + i] && a[base + 4 + i] === k[i];
      if (same) {
        this.dir = 1;
        return true;
      }
    }
    return false;
  }

  private slotOf(kind: AddrKind, sport: number, dport: number, words: number): number {
    this.kindSalt = kind;
    const mask = this.slots.length - 1;
    let s = this.hash(words, sport, dport) & mask;
    for (;;) {
      const c = this.slots[s] as number;
      if (c < 0 || this.matches(c, kind, sport, dport)) return s;
      s = (s + 1) & mask;
    }
  }

  /**
   * The conversation of the IP layer's addresses and these ports as of `frame`, or -1. Sets `dir`.
   */
  find(l: IpLayer, sport: number, dport: number, frame: number): number {
    const words = this.loadKey(l);
    let c = this.slots[this.slotOf(l.kind, sport, dport, words)] as number;
    while (c >= 0 && (this.first[c] as number) > frame) c = this.older[c] as number;
    return c;
  }

  /** Starts a conversation (a new one replaces an older one with the same tuple). Sets `dir` = 0. */
  create(l: IpLayer, sport: number, dport: number, frame: number): number {
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    const words = this.loadKey(l);
    const s = this.slotOf(l.kind, sport, dport, words);
    const c = this.count++;
    if (c >= this.ports.length) this.growStore();
    this.addr.set(this.key, c * 8);
    this.ports[c] = ((sport << 16) | dport) >>> 0;
    this.kind[c] = l.kind;
    this.first[c] = frame;
    this.older[c] = this.slots[s] as number;
    this.slots[s] = c;
    this.dir = 0;
    return c;
  }

  private growStore(): void {
    const n = this.ports.length * 2;
    const grow = <T extends Uint32Array | Uint8Array | Int32Array>(
      a: T,
      make: (n: number) => T,
      per = 1,
    ): T => {
      const b = make(n * per);
      b.set(a);
      return b;
    };
    this.addr = grow(this.addr, (k) => new Uint32Array(k), 8);
    this.ports = grow(this.ports, (k) => new Uint32Array(k));
    this.kind = grow(this.kind, (k) => new Uint8Array(k));
    this.first = grow(this.first, (k) => new Uint32Array(k));
    this.older = grow(this.older, (k) => new Int32Array(k));
  }

  /** Doubles the hash table and re-inserts the newest conversation of every tuple. */
  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(-1);
    const mask = this.slots.length - 1;
    for (const c of old) {
      if (c < 0) continue;
      const base = c * 8;
      const k = this.key;
      for (let i = 0; i < 8; i++) k[i] = this.addr[base + i] as number;
      const p = this.ports[c] as number;
      this.kindSalt = this.kind[c] as number;
      let s = this.hash(this.kind[c] === AddrKind.IPv6 ? 4 : 1, p >>> 16, p & 0xffff) & mask;
      while ((this.slots[s] as number) >= 0) s = (s + 1) & mask;
      this.slots[s] = c;
    }
  }
}

/** Forwards to a tree and counts the subtrees opened through it, so they can be closed. */
export class DepthTree implements Tree {
  depth = 0;
  constructor(private readonly inner: Tree) {}
  get full(): boolean {
    return this.inner.full;
  }
  wants(def: FieldDef): boolean {
    return this.inner.wants(def);
  }
  add(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue, flags?: NodeFlag): void {
    this.inner.add(def, tvb, offset, length, value, flags);
  }
  push(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue): void {
    this.depth++;
    this.inner.push(def, tvb, offset, length, value);
  }
  pop(length?: number, label?: string): void {
    if (this.depth === 0) return;
    this.depth--;
    this.inner.pop(length, label);
  }
  label(text: string): void {
    this.inner.label(text);
  }
  labelLast(text: string): void {
    this.inner.labelLast(text);
  }
  note(text: string, tvb: Tvb | null, offset: number, length: number, flags: NodeFlag): void {
    this.inner.note(text, tvb, offset, length, flags);
  }
  unwind(): void {
    while (this.depth > 0) this.pop();
  }
  current(): FieldNode | null {
    return this.inner.current();
  }
  reopen(node: FieldNode | null): void {
    this.depth++;
    this.inner.reopen(node);
  }
  addValue(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue): void {
    this.inner.addValue(def, tvb, offset, length, value);
  }
  appendToFrame(def: FieldDef, tvb: Tvb, value: FieldValue, flags: NodeFlag): void {
    this.inner.appendToFrame(def, tvb, value, flags);
  }
}

/**
 * Dissects the packet quoted in an ICMP or ICMPv6 error. The columns stay the outer packet's
 * (`pinfo.inError`), and running out of quoted bytes ends the quote quietly, as Wireshark's
 * call_dissector does in an error packet: the quote is usually cut after 8 bytes of payload.
 */
export function dissectQuoted(dissector: Dissector, tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const saved = pinfo.inError;
  pinfo.inError = true;
  const sink = tree === NULL_TREE ? tree : new DepthTree(tree);
  try {
    dissector(tvb, pinfo, sink);
  } catch (err) {
    if (!(err instanceof TruncatedError || err instanceof MalformedError)) throw err;
    sink.unwind();
  } finally {
    pinfo.inError = saved;
  }
}
