// Open Shortest Path First v2 (RFC 2328) and v3 (RFC 5340) on IP protocol 89: the header with its
// authentication, Hello, Database Description, LS Request, LS Update and LS Acknowledge, LSA
// headers, and the bodies of the common LSAs (router, network, summary, AS-external; v3 router,
// network, inter-area prefix and router, intra-area prefix, link), as tshark 4.0 names them.
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
import { pseudoHeaderSum } from './checksum.ts';
import { ipLayer, onesSum } from './ip-proto.ts';
import { AddrKind, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { formatIPv4, formatIPv6 } from '../format/address.ts';

const MSG_TYPES = names({
  1: 'Hello Packet',
  2: 'DB Description',
  3: 'LS Request',
  4: 'LS Update',
  5: 'LS Acknowledge',
});
const AUTH_TYPES = names({ 0: 'Null', 1: 'Simple password', 2: 'Cryptographic' });
const V2_LSA_TYPES = names({
  1: 'Router-LSA',
  2: 'Network-LSA',
  3: 'Summary-LSA (IP network)',
  4: 'Summary-LSA (ASBR)',
  5: 'AS-External-LSA (ASBR)',
  6: 'Group Membership LSA',
  7: 'NSSA AS-External-LSA',
  8: 'External Attributes LSA',
  9: 'Opaque LSA, Link-local scope',
  10: 'Opaque LSA, Area-local scope',
  11: 'Opaque LSA, AS-wide scope',
});
const V3_FUNCTIONS = names({
  1: 'Router-LSA',
  2: 'Network-LSA',
  3: 'Inter-Area-Prefix-LSA',
  4: 'Inter-Area-Router-LSA',
  5: 'AS-External-LSA',
  6: 'Group-Membership-LSA',
  7: 'NSSA-LSA',
  8: 'Link-LSA',
  9: 'Intra-Area-Prefix-LSA',
  11: 'Router Information Opaque-LSA',
});
const V3_SCOPES = names({
  0: 'Link-Local Scoping - Flooded only on originating link',
  1: 'Area Scoping - Flooded only in originating area',
  2: 'AS Scoping - Flooded throughout AS',
  3: 'Reserved',
});
/** Instance ID ranges of RFC 5838 (Wireshark's range_string). */
const INSTANCES: ReadonlyMap<number, string> = new Map(
  Array.from({ length: 256 }, (_, i): [number, string] => [
    i,
    i < 32
      ? 'IPv6 unicast AF'
      : i < 64
        ? 'IPv6 multicast AF'
        : i < 96
          ? 'IPv4 unicast AF'
          : i < 128
            ? 'IPv4 multicast AF'
            : 'Reserved for experimental uses',
  ]),
);
const LINK_TYPES = names({
  1: 'Point-to-point connection to another router',
  2: 'Connection to a transit network',
  3: 'Connection to a stub network',
  4: 'Virtual link',
});
const LINK_SHORT = ['', 'PTP', 'Transit', 'Stub', 'Virtual'];
const LINK_IDS = [
  '',
  "Neighboring router's Router ID",
  'IP address of Designated Router',
  'IP network/subnet number',
  "Neighboring router's Router ID",
];
const V3_LINK_TYPES = names({
  1: 'Point-to-point connection to another router',
  2: 'Connection to a transit network',
  4: 'Virtual link',
});

export const F = fields('ospf', {
  '': proto('Open Shortest Path First'),
  header: text('OSPF Header'),
  version: uint('Version', 8),
  msg: uint('Message Type', 8, { strings: MSG_TYPES }),
  packet_length: uint('Packet Length', 16),
  srcrouter: ipv4('Source OSPF Router'),
  area_id: ipv4('Area ID'),
  checksum: hex('Checksum', 16),
  'auth.type': uint('Auth Type', 16, { strings: AUTH_TYPES }),
  'auth.none': bytes('Auth Data (none)'),
  'auth.simple': str('Auth Data (Simple)'),
  'auth.crypt.key_id': uint('Auth Crypt Key id', 8),
  'auth.crypt.data_length': uint('Auth Crypt Data Length', 8),
  'auth.crypt.seq_nbr': uint('Auth Crypt Sequence Number', 32),
  'auth.crypt.data': bytes('Auth Crypt Data'),
  'auth.unknown': bytes('Auth Unknown'),
  instance_id: uint('Instance ID', 8, { strings: INSTANCES }),
  reserved: bytes('Reserved'),
  hello: text('OSPF Hello Packet'),
  'hello.network_mask': ipv4('Network Mask'),
  'hello.interface_id': uint('Interface ID', 32),
  'hello.hello_interval': uint('Hello Interval [sec]', 32),
  'hello.router_priority': uint('Router Priority', 8),
  'hello.router_dead_interval': uint('Router Dead Interval [sec]', 32),
  'hello.designated_router': ipv4('Designated Router'),
  'hello.backup_designated_router': ipv4('Backup Designated Router'),
  'hello.active_neighbor': ipv4('Active Neighbor'),
  _dbd: text('OSPF DB Description'),
  'db.interface_mtu': uint('Interface MTU', 16),
  dbd: hex('DB Description', 8),
  'dbd.r': bool('(R) OOBResync', 8, 0x08),
  'dbd.i': bool('(I) Init', 8, 0x04),
  'dbd.m': bool('(M) More', 8, 0x02),
  'dbd.ms': bool('(MS) Master', 8, 0x01, { tf: ['Yes', 'No'] }),
  'db.dd_sequence': uint('DD Sequence', 32),
  _lsreq: text('Link State Request'),
  _lsupd: text('LS Update Packet'),
  'ls.number_of_lsas': uint('Number of LSAs', 32),
  _lsa: text('LSA'),
  'lsa.age': uint('LS Age (seconds)', 16, { mask: 0x7fff }),
  'lsa.donotage': uint('Do Not Age Flag', 16, { mask: 0x8000 }),
  lsa: uint('LS Type', 8, { strings: V2_LSA_TYPES }),
  'v3.lsa': hex('LS Type', 16),
  'v3.lsa.u': bool('LSA Handling', 16, 0x8000, {
    tf: [
      'Treat the LSA as if it had link-local flooding scope',
      'Store and flood the LSA as if the type is understood',
    ],
  }),
  'v3.lsa.s12': hex('Flooding Scope', 16, { mask: 0x6000, strings: V3_SCOPES }),
  'v3.lsa.fc': uint('Function Code', 16, { mask: 0x1fff, strings: V3_FUNCTIONS }),
  'lsa.id': ipv4('Link State ID'),
  link_state_id: ipv4('Link State ID'),
  advrouter: ipv4('Advertising Router'),
  'lsa.seqnum': hex('Sequence Number', 32),
  'lsa.chksum': hex('Checksum', 16),
  'lsa.length': uint('Length', 16),
  'v2.options': hex('Options', 8),
  'v2.options.dn': bool('DN', 8, 0x80),
  'v2.options.o': bool('O', 8, 0x40),
  'v2.options.dc': bool('(DC) Demand Circuits', 8, 0x20, { tf: ['Supported', 'Not supported'] }),
  'v2.options.l': bool('(L) LLS Data block', 8, 0x10, { tf: ['Present', 'Not Present'] }),
  'v2.options.n': bool('(N) NSSA', 8, 0x08, { tf: ['Supported', 'Not supported'] }),
  'v2.options.mc': bool('(MC) Multicast', 8, 0x04, { tf: ['Capable', 'Not capable'] }),
  'v2.options.e': bool('(E) External Routing', 8, 0x02, { tf: ['Capable', 'Not capable'] }),
  'v2.options.mt': bool('(MT) Multi-Topology Routing', 8, 0x01, { tf: ['Yes', 'No'] }),
  'v3.options': hex('Options', 24),
  'v3.options.at': bool('AT', 24, 0x400),
  'v3.options.l': bool('L', 24, 0x200),
  'v3.options.af': bool('AF', 24, 0x100),
  'v3.options.dc': bool('DC', 24, 0x20),
  'v3.options.r': bool('R', 24, 0x10),
  'v3.options.n': bool('N', 24, 0x08),
  'v3.options.mc': bool('MC', 24, 0x04),
  'v3.options.e': bool('E', 24, 0x02),
  'v3.options.v6': bool('V6', 24, 0x01),
  'v2.router.lsa.flags': hex('Flags', 8),
  'v2.router.lsa.flags.h': bool('(H) flag', 8, 0x80, { tf: ['Yes', 'No'] }),
  'v2.router.lsa.flags.n': bool('(N) flag', 8, 0x10, { tf: ['Yes', 'No'] }),
  'v2.router.lsa.flags.w': bool('(W) Wild-card multicast receiver', 8, 0x08, { tf: ['Yes', 'No'] }),
  'v2.router.lsa.flags.v': bool('(V) Virtual link endpoint', 8, 0x04, { tf: ['Yes', 'No'] }),
  'v2.router.lsa.flags.e': bool('(E) AS boundary router', 8, 0x02, { tf: ['Yes', 'No'] }),
  'v2.router.lsa.flags.b': bool('(B) Area border router', 8, 0x01, { tf: ['Yes', 'No'] }),
  'v3.router.lsa.flags': hex('Flags', 8),
  'v3.router.lsa.flags.w': bool('(W) Wild-card multicast receiver', 8, 0x08, { tf: ['Yes', 'No'] }),
  'v3.router.lsa.flags.v': bool('(V) Virtual link endpoint', 8, 0x04, { tf: ['Yes', 'No'] }),
  'v3.router.lsa.flags.e': bool('(E) AS boundary router', 8, 0x02, { tf: ['Yes', 'No'] }),
  'v3.router.lsa.flags.b': bool('(B) Area border router', 8, 0x01, { tf: ['Yes', 'No'] }),
  'lsa.number_of_links': uint('Number of Links', 16),
  _link: text('Link'),
  _interfaces: text('Router Interfaces'),
  _interface_type: uint('Type', 8, { strings: V3_LINK_TYPES }),
  'lsa.router.linkid': ipv4('Link ID'),
  'lsa.router.linkdata': ipv4('Link Data'),
  'lsa.router.linktype': uint('Link Type', 8, { strings: LINK_TYPES }),
  'lsa.router.nummetrics': uint('Number of Metrics', 8),
  'lsa.router.metric0': uint('0 Metric', 16),
  'lsa.network.netmask': ipv4('Netmask'),
  'lsa.network.attchrtr': ipv4('Attached Router'),
  'lsa.asbr.netmask': ipv4('Netmask'),
  'lsa.asext.netmask': ipv4('Netmask'),
  'lsa.asext.fwdaddr': ipv4('Forwarding Address'),
  'lsa.asext.extrttag': uint('External Route Tag', 32),
  metric: uint('Metric', 32),
  'v3.lsa.interface_id': uint('Interface ID', 32),
  'v3.lsa.neighbor_interface_id': uint('Neighbor Interface ID', 32),
  'v3.lsa.neighbor_router_id': ipv4('Neighbor Router ID'),
  'v3.lsa.num_prefixes': uint('# prefixes', 32),
  prefix_length: uint('PrefixLength', 8),
  'v3.prefix.options': hex('PrefixOptions', 8),
  'v3.prefix.options.p': bool('(P) Propagate', 8, 0x08),
  'v3.prefix.options.mc': bool('(MC) Multicast', 8, 0x04),
  'v3.prefix.options.la': bool('(LA) Local Address', 8, 0x02),
  'v3.prefix.options.nu': bool('(NU) NoUnicast', 8, 0x01),
  'v3.address_prefix.ipv6': ipv6('Address Prefix'),
  'v3.address_prefix.ipv4': ipv4('Address Prefix'),
  _link_local: ipv6('Link-local Interface Address'),
  'v3.lsa.referenced_ls_type': hex('Referenced LS type', 16, { strings: new Map() }),
  'v3.lsa.referenced_link_state_id': ipv4('Referenced Link State ID'),
  'v3.lsa.referenced_advertising_router': ipv4('Referenced Advertising Router'),
  'v3.lsa.destination_router_id': ipv4('Destination Router ID'),
  _body: bytes('LSA data'),
});

const V2_OPTIONS = [
  F['v2.options.dn'],
  F['v2.options.o'],
  F['v2.options.dc'],
  F['v2.options.l'],
  F['v2.options.n'],
  F['v2.options.mc'],
  F['v2.options.e'],
  F['v2.options.mt'],
];
const V3_OPTIONS = [
  F['v3.options.at'],
  F['v3.options.l'],
  F['v3.options.af'],
  F['v3.options.dc'],
  F['v3.options.r'],
  F['v3.options.n'],
  F['v3.options.mc'],
  F['v3.options.e'],
  F['v3.options.v6'],
];
const DBD_FLAGS = [F['dbd.r'], F['dbd.i'], F['dbd.m'], F['dbd.ms']];
const V2_ROUTER_FLAGS = [
  F['v2.router.lsa.flags.h'],
  F['v2.router.lsa.flags.n'],
  F['v2.router.lsa.flags.w'],
  F['v2.router.lsa.flags.v'],
  F['v2.router.lsa.flags.e'],
  F['v2.router.lsa.flags.b'],
];
const V3_ROUTER_FLAGS = [
  F['v3.router.lsa.flags.w'],
  F['v3.router.lsa.flags.v'],
  F['v3.router.lsa.flags.e'],
  F['v3.router.lsa.flags.b'],
];
const PREFIX_OPTIONS = [
  F['v3.prefix.options.p'],
  F['v3.prefix.options.mc'],
  F['v3.prefix.options.la'],
  F['v3.prefix.options.nu'],
];

/** A flag byte (or word) and its bits: `Options: 0x02, (E) External Routing`. */
function flagSet(
  tree: Tree,
  tvb: Tvb,
  at: number,
  len: number,
  def: FieldDef,
  bits: readonly FieldDef[],
  v: number,
): void {
  tree.push(def, tvb, at, len, v);
  if (tree.full) {
    const set = bits.filter((b) => v & (b.mask as number)).map((b) => b.name);
    const digits = len * 2;
    tree.label(
      `${def.name}: 0x${v.toString(16).padStart(digits, '0')}${set.length ? `, ${set.join(', ')}` : ''}`,
    );
  }
  for (const b of bits) tree.add(b, tvb, at, len, (v & (b.mask as number)) !== 0);
  tree.pop();
}

export function dissectOSPF(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('ospf');
  pinfo.setProto('OSPF');
  const version = tvb.u8(o);
  const type = tvb.u8(o + 1);
  if (pinfo.wantInfo) pinfo.setInfo(MSG_TYPES.get(type) ?? `Unknown (${type})`);
  const plen = tvb.u16(o + 2);
  const hlen = version === 3 ? 16 : 24;
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    tree.push(F.header, tvb, o, hlen);
    tree.add(F.version, tvb, o, 1, version);
    tree.add(F.msg, tvb, o + 1, 1, type);
    tree.add(F.packet_length, tvb, o + 2, 2, plen);
    tree.add(F.srcrouter, tvb, o + 4, 4, tvb.u32(o + 4));
    const area = tvb.u32(o + 8);
    tree.add(F.area_id, tvb, o + 8, 4, area);
    if (tree.full && area === 0) tree.labelLast('Area ID: 0.0.0.0 (Backbone)');
    const sum = tvb.u16(o + 12);
    tree.add(F.checksum, tvb, o + 12, 2, sum);
    if (tree.full)
      tree.labelLast(
        `Checksum: 0x${sum.toString(16).padStart(4, '0')}${checksumNote(tvb, o, plen, version)}`,
      );
    if (version === 2) auth(tvb, tree, o);
    else if (version === 3) {
      tree.add(F.instance_id, tvb, o + 14, 1, tvb.u8(o + 14));
      tree.add(F.reserved, tvb, o + 15, 1);
    }
    tree.pop();
    if (version !== 2 && version !== 3) return tvb.remaining(o);
    const body = tvb.sub(o, Math.min(plen, tvb.reportedRemaining(o)));
    const p = o + hlen;
    const end = o + plen;
    switch (type) {
      case 1:
        hello(body, tree, p, end, version);
        break;
      case 2:
        dbd(body, tree, p, end, version);
        break;
      case 3:
        for (let q = p; q < end; q += 12) {
          tree.push(F._lsreq, body, q, 12);
          if (version === 2) {
            tree.add(F.lsa, body, q + 3, 1, body.u32(q));
          } else {
            tree.add(F.reserved, body, q, 2);
            v3Type(body, tree, q + 2);
          }
          tree.add(version === 3 ? F.link_state_id : F['lsa.id'], body, q + 4, 4, body.u32(q + 4));
          tree.add(F.advrouter, body, q + 8, 4, body.u32(q + 8));
          tree.pop();
        }
        break;
      case 4: {
        tree.push(F._lsupd, body, p, end - p);
        const n = body.u32(p);
        tree.add(F['ls.number_of_lsas'], body, p, 4, n);
        let q = p + 4;
        for (let i = 0; i < n && q < end; i++) q = lsa(body, tree, q, version, true);
        tree.pop();
        break;
      }
      case 5:
        for (let q = p; q < end;) q = lsa(body, tree, q, version, false);
        break;
      default:
        break;
    }
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

/** ` [correct]` or ` [incorrect, should be 0x…]` when the packet is all there; empty otherwise. */
function checksumNote(tvb: Tvb, o: number, plen: number, version: number): string {
  if (plen < 16 || !tvb.has(o, plen)) return '';
  let tail: number;
  if (version === 2) {
    // The authentication field stays out of the sum.
    tail = onesSum(tvb.bytes, o + 24, plen - 24);
  } else if (version === 3 && ipLayer.kind === AddrKind.IPv6) {
    tail = onesSum(tvb.bytes, o + 14, plen - 14, pseudoHeaderSum(plen, 89));
  } else return '';
  // Everything but the checksum field itself.
  const rest = onesSum(tvb.bytes, o, 12, version === 2 ? onesSum(tvb.bytes, o + 14, 2, tail) : tail);
  const stored = tvb.u16(o + 12);
  const should = ~rest & 0xffff;
  if (should === stored) return ' [correct]';
  return ` [incorrect, should be 0x${should.toString(16).padStart(4, '0')}]`;
}

function auth(tvb: Tvb, tree: Tree, o: number): void {
  const at = tvb.u16(o + 14);
  tree.add(F['auth.type'], tvb, o + 14, 2, at);
  const d = o + 16;
  tvb.need(d, 8);
  switch (at) {
    case 0:
      tree.add(F['auth.none'], tvb, d, 8);
      break;
    case 1:
      tree.add(F['auth.simple'], tvb, d, 8, tvb.ascii(d, 8).replace(/\0+$/, ''));
      break;
    case 2:
      tree.add(F['auth.crypt.key_id'], tvb, d + 2, 1, tvb.u8(d + 2));
      tree.add(F['auth.crypt.data_length'], tvb, d + 3, 1, tvb.u8(d + 3));
      tree.add(F['auth.crypt.seq_nbr'], tvb, d + 4, 4, tvb.u32(d + 4));
      break;
    default:
      tree.add(F['auth.unknown'], tvb, d, 8);
  }
}

function v2Options(tvb: Tvb, tree: Tree, at: number): void {
  flagSet(tree, tvb, at, 1, F['v2.options'], V2_OPTIONS, tvb.u8(at));
}

function v3Options(tvb: Tvb, tree: Tree, at: number): void {
  flagSet(tree, tvb, at, 3, F['v3.options'], V3_OPTIONS, tvb.u24(at));
}

function hello(tvb: Tvb, tree: Tree, p: number, end: number, version: number): void {
  tree.push(F.hello, tvb, p, end - p);
  let q: number;
  if (version === 2) {
    tree.add(F['hello.network_mask'], tvb, p, 4, tvb.u32(p));
    tree.add(F['hello.hello_interval'], tvb, p + 4, 2, tvb.u16(p + 4));
    v2Options(tvb, tree, p + 6);
    tree.add(F['hello.router_priority'], tvb, p + 7, 1, tvb.u8(p + 7));
    tree.add(F['hello.router_dead_interval'], tvb, p + 8, 4, tvb.u32(p + 8));
    q = p + 12;
  } else {
    tree.add(F['hello.interface_id'], tvb, p, 4, tvb.u32(p));
    tree.add(F['hello.router_priority'], tvb, p + 4, 1, tvb.u8(p + 4));
    v3Options(tvb, tree, p + 5);
    tree.add(F['hello.hello_interval'], tvb, p + 8, 2, tvb.u16(p + 8));
    tree.add(F['hello.router_dead_interval'], tvb, p + 10, 2, tvb.u16(p + 10));
    q = p + 12;
  }
  tree.add(F['hello.designated_router'], tvb, q, 4, tvb.u32(q));
  tree.add(F['hello.backup_designated_router'], tvb, q + 4, 4, tvb.u32(q + 4));
  for (let r = q + 8; r < end; r += 4) tree.add(F['hello.active_neighbor'], tvb, r, 4, tvb.u32(r));
  tree.pop();
}

function dbd(tvb: Tvb, tree: Tree, p: number, end: number, version: number): void {
  tree.push(F._dbd, tvb, p, end - p);
  let q: number;
  if (version === 2) {
    tree.add(F['db.interface_mtu'], tvb, p, 2, tvb.u16(p));
    v2Options(tvb, tree, p + 2);
    q = p + 3;
  } else {
    tree.add(F.reserved, tvb, p, 1);
    v3Options(tvb, tree, p + 1);
    tree.add(F['db.interface_mtu'], tvb, p + 4, 2, tvb.u16(p + 4));
    tree.add(F.reserved, tvb, p + 6, 1);
    q = p + 7;
  }
  flagSet(tree, tvb, q, 1, F.dbd, DBD_FLAGS, tvb.u8(q));
  tree.add(F['db.dd_sequence'], tvb, q + 1, 4, tvb.u32(q + 1));
  tree.pop();
  for (let r = q + 5; r < end;) r = lsa(tvb, tree, r, version, false);
}

function v3Type(tvb: Tvb, tree: Tree, at: number): number {
  const t = tvb.u16(at);
  tree.push(F['v3.lsa'], tvb, at, 2, t);
  tree.add(F['v3.lsa.u'], tvb, at, 2, (t & 0x8000) !== 0);
  const scope = (t >> 13) & 3;
  tree.add(F['v3.lsa.s12'], tvb, at, 2, scope);
  if (tree.full) {
    tree.labelLast(
      `${bitPicture(F['v3.lsa.s12'], scope)} = Flooding Scope: ${V3_SCOPES.get(scope) ?? ''} (0x${scope.toString(16)})`,
    );
  }
  tree.add(F['v3.lsa.fc'], tvb, at, 2, t & 0x1fff);
  tree.pop();
  return t;
}

/** One LSA (or only its header); returns the offset after it. */
function lsa(tvb: Tvb, tree: Tree, q: number, version: number, withBody: boolean): number {
  const age = tvb.u16(q);
  const len = tvb.u16(q + 18);
  const size = withBody ? len : 20;
  let typeName: string;
  let typeNum: number;
  if (version === 2) {
    typeNum = tvb.u8(q + 3);
    typeName = V2_LSA_TYPES.get(typeNum) ?? 'Unknown';
  } else {
    typeNum = tvb.u16(q + 2) & 0x1fff;
    typeName = V3_FUNCTIONS.get(typeNum) ?? 'Unknown';
  }
  tree.push(F._lsa, tvb, q, size);
  if (tree.full) tree.label(`LSA-type ${typeNum} (${typeName}), len ${len}`);
  tree.add(F['lsa.age'], tvb, q, 2, age & 0x7fff);
  tree.add(F['lsa.donotage'], tvb, q, 2, age >> 15);
  if (tree.full && version === 3)
    tree.labelLast(
      `${age & 0x8000 ? '1' : '0'}... .... .... .... = Do Not Age: ${age & 0x8000 ? 'True' : 'False'}`,
    );
  if (version === 2) {
    v2Options(tvb, tree, q + 2);
    tree.add(F.lsa, tvb, q + 3, 1, typeNum);
  } else v3Type(tvb, tree, q + 2);
  tree.add(version === 3 ? F.link_state_id : F['lsa.id'], tvb, q + 4, 4, tvb.u32(q + 4));
  tree.add(F.advrouter, tvb, q + 8, 4, tvb.u32(q + 8));
  tree.add(F['lsa.seqnum'], tvb, q + 12, 4, tvb.u32(q + 12));
  tree.add(F['lsa.chksum'], tvb, q + 16, 2, tvb.u16(q + 16));
  tree.add(F['lsa.length'], tvb, q + 18, 2, len);
  if (withBody && len > 20) {
    const b = q + 20;
    const end = q + len;
    if (version === 2) v2Body(tvb, tree, typeNum, b, end);
    else v3Body(tvb, tree, typeNum, b, end);
  }
  tree.pop();
  return q + (withBody ? Math.max(len, 20) : 20);
}

function v2Body(tvb: Tvb, tree: Tree, type: number, b: number, end: number): void {
  switch (type) {
    case 1: {
      flagSet(tree, tvb, b, 1, F['v2.router.lsa.flags'], V2_ROUTER_FLAGS, tvb.u8(b));
      const n = tvb.u16(b + 2);
      tree.add(F['lsa.number_of_links'], tvb, b + 2, 2, n);
      let q = b + 4;
      for (let i = 0; i < n; i++) {
        const id = tvb.u32(q);
        const data = tvb.u32(q + 4);
        const lt = tvb.u8(q + 8);
        const tos = tvb.u8(q + 9);
        const metric = tvb.u16(q + 10);
        tree.push(F._link, tvb, q, 12 + 4 * tos);
        if (tree.full) {
          tree.label(
            `Type: ${(LINK_SHORT[lt] ?? 'Unknown').padEnd(8)} ID: ${formatIPv4(id).padEnd(15)} Data: ${formatIPv4(data).padEnd(15)} Metric: ${metric}`,
          );
        }
        tree.add(F['lsa.router.linkid'], tvb, q, 4, id);
        if (tree.full) tree.labelLast(`Link ID: ${formatIPv4(id)} - ${LINK_IDS[lt] ?? 'Unknown link ID'}`);
        tree.add(F['lsa.router.linkdata'], tvb, q + 4, 4, data);
        tree.add(F['lsa.router.linktype'], tvb, q + 8, 1, lt);
        if (tree.full) tree.labelLast(`Link Type: ${lt} - ${LINK_TYPES.get(lt) ?? 'Unknown link type'}`);
        tree.add(F['lsa.router.nummetrics'], tvb, q + 9, 1, tos);
        if (tree.full) tree.labelLast(`Number of Metrics: ${tos} - TOS`);
        tree.add(F['lsa.router.metric0'], tvb, q + 10, 2, metric);
        tree.pop();
        q += 12 + 4 * tos;
      }
      break;
    }
    case 2:
      tree.add(F['lsa.network.netmask'], tvb, b, 4, tvb.u32(b));
      for (let q = b + 4; q < end; q += 4) tree.add(F['lsa.network.attchrtr'], tvb, q, 4, tvb.u32(q));
      break;
    case 3:
    case 4:
      tree.add(type === 3 ? F['lsa.network.netmask'] : F['lsa.asbr.netmask'], tvb, b, 4, tvb.u32(b));
      tree.add(F.metric, tvb, b + 5, 3, tvb.u24(b + 5));
      break;
    case 5:
    case 7:
      tree.add(F['lsa.asext.netmask'], tvb, b, 4, tvb.u32(b));
      tree.add(F.metric, tvb, b + 5, 3, tvb.u24(b + 5));
      tree.add(F['lsa.asext.fwdaddr'], tvb, b + 8, 4, tvb.u32(b + 8));
      tree.add(F['lsa.asext.extrttag'], tvb, b + 12, 4, tvb.u32(b + 12));
      break;
    default:
      tvb.need(b, end - b);
      tree.add(F._body, tvb, b, end - b);
  }
}

function prefix(tvb: Tvb, tree: Tree, q: number, withMetric: boolean): number {
  const plen = tvb.u8(q);
  const n = ((plen + 31) >> 5) * 4;
  tree.add(F.prefix_length, tvb, q, 1, plen);
  flagSet(tree, tvb, q + 1, 1, F['v3.prefix.options'], PREFIX_OPTIONS, tvb.u8(q + 1));
  if (withMetric) tree.add(F.metric, tvb, q + 2, 2, tvb.u16(q + 2));
  else tree.add(F.reserved, tvb, q + 2, 2);
  tvb.need(q + 4, n);
  const a = new Uint8Array(16);
  a.set(tvb.bytes.subarray(q + 4, q + 4 + Math.min(n, 16)));
  // The prefix's bytes are fewer than an address's: its value is the padded address's text.
  const text = formatIPv6(a, 0);
  tree.add(F['v3.address_prefix.ipv6'], tvb, q + 4, n, text);
  if (tree.full) tree.labelLast(`Address Prefix: ${text}`);
  return q + 4 + n;
}

function v3Body(tvb: Tvb, tree: Tree, type: number, b: number, end: number): void {
  switch (type) {
    case 1: {
      flagSet(tree, tvb, b, 1, F['v3.router.lsa.flags'], V3_ROUTER_FLAGS, tvb.u8(b));
      v3Options(tvb, tree, b + 1);
      if (b + 4 < end) {
        tree.push(F._interfaces, tvb, b + 4, end - b - 4);
      }
      for (let q = b + 4, n = 1; q + 16 <= end; q += 16, n++) {
        tree.push(F._link, tvb, q, 16);
        if (tree.full) tree.label(`Entry #${n}`);
        tree.add(F._interface_type, tvb, q, 1, tvb.u8(q));
        tree.add(F.reserved, tvb, q + 1, 1);
        tree.add(F.metric, tvb, q + 2, 2, tvb.u16(q + 2));
        tree.add(F['v3.lsa.interface_id'], tvb, q + 4, 4, tvb.u32(q + 4));
        tree.add(F['v3.lsa.neighbor_interface_id'], tvb, q + 8, 4, tvb.u32(q + 8));
        tree.add(F['v3.lsa.neighbor_router_id'], tvb, q + 12, 4, tvb.u32(q + 12));
        tree.pop();
      }
      if (b + 4 < end) tree.pop();
      break;
    }
    case 2:
      tree.add(F.reserved, tvb, b, 1);
      v3Options(tvb, tree, b + 1);
      for (let q = b + 4; q < end; q += 4) tree.add(F['lsa.network.attchrtr'], tvb, q, 4, tvb.u32(q));
      break;
    case 3:
      tree.add(F.reserved, tvb, b, 1);
      tree.add(F.metric, tvb, b + 1, 3, tvb.u24(b + 1));
      prefix(tvb, tree, b + 4, false);
      break;
    case 4:
      tree.add(F.reserved, tvb, b, 1);
      v3Options(tvb, tree, b + 1);
      tree.add(F.reserved, tvb, b + 4, 1);
      tree.add(F.metric, tvb, b + 5, 3, tvb.u24(b + 5));
      tree.add(F['v3.lsa.destination_router_id'], tvb, b + 8, 4, tvb.u32(b + 8));
      break;
    case 8: {
      tree.add(F['hello.router_priority'], tvb, b, 1, tvb.u8(b));
      v3Options(tvb, tree, b + 1);
      tvb.need(b + 4, 16);
      tree.add(F._link_local, tvb, b + 4, 16);
      const n = tvb.u32(b + 20);
      tree.add(F['v3.lsa.num_prefixes'], tvb, b + 20, 4, n);
      let q = b + 24;
      for (let i = 0; i < n; i++) q = prefix(tvb, tree, q, false);
      break;
    }
    case 9: {
      const n = tvb.u16(b);
      tree.add(F['v3.lsa.num_prefixes'], tvb, b, 2, n);
      tree.add(F['v3.lsa.referenced_ls_type'], tvb, b + 2, 2, tvb.u16(b + 2));
      tree.add(F['v3.lsa.referenced_link_state_id'], tvb, b + 4, 4, tvb.u32(b + 4));
      tree.add(F['v3.lsa.referenced_advertising_router'], tvb, b + 8, 4, tvb.u32(b + 8));
      let q = b + 12;
      for (let i = 0; i < n; i++) q = prefix(tvb, tree, q, true);
      break;
    }
    default:
      tvb.need(b, end - b);
      tree.add(F._body, tvb, b, end - b);
  }
}

export const ospfModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('ipProto', 89, dissectOSPF);
  },
};
