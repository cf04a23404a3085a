// Feeds -z io,phs, conv and endpoints from dissected packets: each frame's top-level protocols,
// and per layer its Ethernet, IPv4, IPv6, TCP and UDP addresses, read from the collected fields.
import type { FieldDef } from '../dissect/field.ts';
import { fieldText } from '../dissect/field-text.ts';
import { AddrKind, type FrameMeta, type PacketInfo } from '../dissect/packet-info.ts';
import { formatIPv6 } from '../format/address.ts';
import type { Registry } from '../dissect/registry.ts';
import type { FieldCollector, FieldNode, FieldValue } from '../dissect/tree.ts';
import { macNameOrAddress } from '../format/mac-names.ts';
import { ConversationTable, EndpointTable, type Peer, type RelTime } from './conversations.ts';
import { ProtocolHierarchy } from './phs.ts';
import { conversationsText, endpointsText, hierarchyText, type TableType } from './stats-text.ts';

export type StatRequest =
  { kind: 'phs'; filter?: string } | { kind: 'conv' | 'endpoints'; type: TableType; filter?: string };

/** The request's own filter, compiled by the caller: whether the packet just collected passes. */
export type PacketTest = (c: FieldCollector, bytes: Uint8Array) => boolean;

type Value = FieldValue | Uint8Array;
type Pair = [Peer, Peer];

interface Stat {
  request: StatRequest;
  test: PacketTest | null;
  phs?: ProtocolHierarchy;
  conv?: ConversationTable;
  endpoints?: EndpointTable;
}

const ADDRESS_FIELDS = {
  eth: ['eth.src', 'eth.dst'],
  ip: ['ip.src', 'ip.dst'],
  ipv6: ['ipv6.src', 'ipv6.dst'],
  tcp: ['tcp.srcport', 'tcp.dstport'],
  udp: ['udp.srcport', 'udp.dstport'],
} as const;

/** Layers inside an ICMP error are the quoted packet: tshark's taps leave them out. */
const ERROR_CARRIERS = new Set(['icmp', 'icmpv6']);

export class StatsTap {
  /** The fields the dissection must collect for `take` (besides each filter's own). */
  readonly fieldIds: number[];
  /** Whether `take` needs the packet's full tree (for io,phs). */
  readonly needsTree: boolean;
  private readonly stats: Stat[];
  private readonly defs: Record<TableType, [FieldDef, FieldDef]>;

  constructor(registry: Registry, requests: readonly StatRequest[], tests: readonly (PacketTest | null)[]) {
    const def = (name: string): FieldDef => {
      const d = registry.field(name);
      if (!d) throw new Error(`stats: no field ${name}`);
      return d;
    };
    const pair = (t: TableType): [FieldDef, FieldDef] => [
      def(ADDRESS_FIELDS[t][0]),
      def(ADDRESS_FIELDS[t][1]),
    ];
    this.defs = { eth: pair('eth'), ip: pair('ip'), ipv6: pair('ipv6'), tcp: pair('tcp'), udp: pair('udp') };
    this.fieldIds = Object.values(this.defs).flatMap(([s, d]) => [s.id, d.id]);
    this.stats = requests.map((request, i) => newStat(request, tests[i] ?? null));
    this.needsTree = requests.some((r) => r.kind === 'phs');
  }

  /** Adds the packet just collected into `c`; `roots` is its full tree when `needsTree`. */
  take(
    c: FieldCollector,
    meta: FrameMeta,
    layers: readonly string[],
    bytes: Uint8Array,
    roots: readonly FieldNode[] | null,
    malformed = false,
    finalDst?: string,
  ): void {
    const peers = this.peersByType(c, tappedLayers(layers, malformed), finalDst);
    const time = relTime(meta);
    for (const s of this.stats) {
      if (s.test && !s.test(c, bytes)) continue;
      if (s.phs && roots) s.phs.add(topProtocols(roots), meta.origLen);
      if (s.request.kind === 'phs') continue;
      for (const [src, dst] of peers[s.request.type]) {
        s.conv?.add(src, dst, meta.origLen, time);
        s.endpoints?.add(src, dst, meta.origLen);
      }
    }
  }

  /** Each statistic's text, in the order requested (tshark prints the last one first). */
  texts(): string[][] {
    return this.stats.map(statText);
  }

  /** Each layer's source and destination, outermost first; TCP and UDP with their IP addresses. */
  private peersByType(
    c: FieldCollector,
    layers: readonly string[],
    finalDst: string | undefined,
  ): Record<TableType, Pair[]> {
    const out: Record<TableType, Pair[]> = { eth: [], ip: [], ipv6: [], tcp: [], udp: [] };
    const seen: Record<TableType, number> = { eth: 0, ip: 0, ipv6: 0, tcp: 0, udp: 0 };
    const lastIPv6 = layers.filter((l) => l === 'ipv6').length - 1;
    let net: Pair | null = null;
    for (const layer of layers) {
      if (ERROR_CARRIERS.has(layer)) break;
      if (!(layer in out)) continue;
      const type = layer as TableType;
      const [srcDef, dstDef] = this.defs[type];
      const n = seen[type]++;
      const src = c.get(srcDef.id)[n];
      const dst = c.get(dstDef.id)[n];
      if (src === undefined || dst === undefined) continue;
      if (type === 'tcp' || type === 'udp') {
        if (net)
          out[type].push([
            { ...net[0], port: Number(src) },
            { ...net[1], port: Number(dst) },
          ]);
        continue;
      }
      const pair: Pair = [{ address: addressText(srcDef, src) }, { address: addressText(dstDef, dst) }];
      out[type].push(pair);
      if (type === 'eth') continue;
      // TCP and UDP take pinfo's addresses: past a routing header, the final destination.
      const final = type === 'ipv6' && n === lastIPv6 ? finalDst : undefined;
      net = final === undefined ? pair : [pair[0], { address: final }];
    }
    return out;
  }
}

/**
 * The layers whose taps ran. A malformed packet that ends in TCP broke in the TCP header, and
 * tshark's TCP tap runs only once the header (options included) was read.
 */
function tappedLayers(layers: readonly string[], malformed: boolean): readonly string[] {
  return malformed && layers[layers.length - 1] === 'tcp' ? layers.slice(0, -1) : layers;
}

/**
 * The destination Wireshark's TCP and UDP taps report when a routing header has segments left:
 * the final one, which the dissection keeps for the columns. Undefined without a routing header.
 */
export function finalIPv6Destination(pinfo: PacketInfo, frame: Uint8Array): string | undefined {
  if (!pinfo.layers.includes('ipv6.routing') || pinfo.netKind !== AddrKind.IPv6) return undefined;
  if (pinfo.netDst < 0 || pinfo.netDst + 16 > frame.length) return undefined;
  return formatIPv6(frame, pinfo.netDst);
}

function newStat(request: StatRequest, test: PacketTest | null): Stat {
  if (request.kind === 'phs') return { request, test, phs: new ProtocolHierarchy() };
  if (request.kind === 'conv') return { request, test, conv: new ConversationTable() };
  return { request, test, endpoints: new EndpointTable() };
}

function statText(s: Stat): string[] {
  const { request } = s;
  if (s.phs) return hierarchyText(request.filter, s.phs.roots);
  if (request.kind === 'phs') return [];
  if (s.conv) return conversationsText(request.type, request.filter, s.conv.items);
  return endpointsText(request.type, request.filter, s.endpoints?.items ?? []);
}

/** Ethernet addresses by their resolved names, as tshark's tables show them. */
function addressText(def: FieldDef, v: Value): string {
  if (def.abbrev.startsWith('eth.') && v instanceof Uint8Array && v.length >= 6)
    return macNameOrAddress(v, 0);
  return fieldText(def, v);
}

/** The tree's top-level protocols below the frame itself. */
/**
 * The top-level items as tshark's phs tap sees them in its tree without a view: TCP's list of
 * segments after the protocols of the message they carried (as tshark 4.0 counts them on the corpus).
 */
function topProtocols(roots: readonly FieldNode[]): string[] {
  const nodes = roots.filter((n) => n.def);
  const segments = nodes.findIndex((n) => n.def?.abbrev === 'tcp.segments');
  if (segments >= 0) {
    // After the layers dissected from the reassembled bytes (a data source of their own).
    let after = segments + 1;
    while (after < nodes.length && (nodes[after] as FieldNode).source !== 0) after++;
    nodes.splice(after - 1, 0, ...nodes.splice(segments, 1));
  }
  const names = nodes.map((n) => n.def?.abbrev ?? '');
  return names[0] === 'frame' ? names.slice(1) : names;
}

function relTime(meta: FrameMeta): RelTime {
  let sec = meta.tsSec - meta.refSec;
  let nsec = meta.tsNsec - meta.refNsec;
  if (nsec < 0) {
    sec--;
    nsec += 1e9;
  }
  return { sec, nsec };
}
