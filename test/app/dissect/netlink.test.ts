// Linux netlink (link type 253) and rtnetlink on built frames, against tshark: both byte orders,
// several messages a frame, NLMSG_ERROR and NLMSG_DONE, link/address/route/neighbour messages with
// their attributes, a legacy dump request, a family without a dissector (audit), and generic
// netlink with its controller.
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { fuzzFrames } from '../../support/link-frames.ts';
import { fieldsOfBoth, oracleReady, treesOfBoth } from '../../support/proto-oracle.ts';

/** Little- or big-endian integers of `bytes` width. */
function int(v: number, bytes: number, le: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes; i++) out.push(Math.floor(v / 2 ** (8 * i)) & 0xff);
  return le ? out : out.reverse();
}

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** An attribute: length, type, value, padded to 4. */
function attr(type: number, value: number[], le: boolean): number[] {
  const out = [...int(4 + value.length, 2, le), ...int(type, 2, le), ...value];
  while (out.length % 4) out.push(0);
  return out;
}

/** A netlink message: nlmsghdr (length, type, flags, seq, port id) then `body`. */
function msg(type: number, flags: number, body: number[], le: boolean, seq = 7, pid = 0): number[] {
  return [
    ...int(16 + body.length, 4, le),
    ...int(type, 2, le),
    ...int(flags, 2, le),
    ...int(seq, 4, le),
    ...int(pid, 4, le),
    ...body,
  ];
}

/** The cooked header nlmon gives (ARPHRD_NETLINK, the family) and the messages. */
function frame(family: number, ...messages: number[][]): Uint8Array {
  const head = [0, 4, 0x03, 0x38, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...int(family, 2, false)];
  return new Uint8Array([...head, ...messages.flat()]);
}

const LE = true;
const BE = false;

const NEWADDR = msg(
  20,
  0,
  [
    ...[2, 24, 0x80, 0, ...int(2, 4, LE)],
    ...attr(1, [10, 0, 0, 1], LE),
    ...attr(2, [10, 0, 0, 1], LE),
    ...attr(3, [...ascii('eth0'), 0], LE),
    ...attr(8, int(0x280, 4, LE), LE),
    ...attr(6, new Array<number>(16).fill(1), LE),
  ],
  LE,
);

const V6_DST = [0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(12).fill(0)];
const NEWROUTE = msg(
  24,
  0x600,
  [
    ...[10, 64, 0, 0, 254, 2, 0, 1, ...int(0, 4, LE)],
    ...attr(15, int(254, 4, LE), LE),
    ...attr(1, V6_DST, LE),
    ...attr(4, int(3, 4, LE), LE),
    ...attr(3, int(1, 2, LE), LE),
    ...attr(6, int(256, 4, LE), LE),
  ],
  LE,
);

const NEWNEIGH = msg(28, 2, [2, 0, 0, 0, ...int(3, 4, LE), ...int(0x82, 2, LE), 0, 1], LE, 9, 1234);
const DONE = msg(3, 2, int(0, 4, LE), LE, 9, 1234);
const ERROR = msg(2, 0x100, [...int(-17 >>> 0, 4, LE), ...msg(20, 0x605, [], LE, 3, 99)], LE, 3, 99);

const STATS64 = Array.from({ length: 21 }, (_, i) => int(i * 1000 + 1, 8, BE)).flat();
const NEWLINK_BE = msg(
  16,
  0,
  [
    ...[0, 0, ...int(772, 2, BE), ...int(1, 4, BE), ...int(0x10049, 4, BE), ...int(0, 4, BE)],
    ...attr(3, [...ascii('lo'), 0], BE),
    ...attr(0x4004, int(65536, 4, BE), BE),
    ...attr(0x8012, attr(1, [...ascii('vlan'), 0], BE), BE),
    ...attr(33, [1], BE),
    ...attr(16, [6], BE),
    ...attr(1, [0, 0, 0, 0, 0, 0], BE),
    ...attr(23, STATS64, BE),
    ...attr(50, int(68, 4, BE), BE),
    ...attr(99, [1, 2, 3], BE),
  ],
  BE,
);
// iproute2 before 3.9 asks for a dump with a bare rtgenmsg: one family byte, no ifinfomsg.
const LEGACY_GETLINK = msg(18, 0x301, [17], BE, 1, 0);

// Generic netlink: the controller names family 0x1c (with its operations and multicast groups),
// a request to a family it never named, and a controller request with no attributes.
const u32 = (v: number): number[] => int(v, 4, LE);
const OPS = [
  ...attr(1, [...attr(1, u32(3), LE), ...attr(2, u32(0x0a), LE)], LE),
  ...attr(2, [...attr(1, u32(4), LE), ...attr(2, u32(0), LE)], LE),
];
const GROUPS = attr(1, [...attr(2, u32(0x15), LE), ...attr(1, [...ascii('config'), 0], LE)], LE);
const NEWFAMILY = msg(
  0x10,
  0,
  [
    ...[1, 2, 0, 0],
    ...attr(2, [...ascii('nl80211'), 0], LE),
    ...attr(1, int(0x1c, 2, LE), LE),
    ...attr(3, u32(1), LE),
    ...attr(4, u32(0), LE),
    ...attr(5, u32(300), LE),
    ...attr(6, OPS, LE),
    ...attr(7, GROUPS, LE),
    ...attr(8, [1, 2, 3, 4], LE),
  ],
  LE,
);
const GETFAMILY = msg(0x10, 5, [3, 1, 0, 0, ...attr(2, [...ascii('nl80211'), 0], LE)], LE, 1, 77);

const FRAMES = [
  frame(0, NEWADDR),
  frame(0, NEWROUTE),
  frame(0, NEWNEIGH, DONE),
  frame(0, ERROR),
  frame(0, NEWLINK_BE),
  frame(0, LEGACY_GETLINK),
  frame(9, msg(1100, 5, [...ascii('audit'), 0, 0, 0], LE)),
  frame(0, DONE),
  frame(16, GETFAMILY),
  frame(16, NEWFAMILY),
  frame(16, msg(0x1d, 0x301, [1, 1, 0, 0], LE)),
  frame(16, msg(0x10, 0, [3, 1, 0, 0], LE)),
  // A message that claims more than the frame holds; a cooked header of another type.
  frame(0, [...int(400, 4, LE), ...NEWADDR.slice(4)]),
  new Uint8Array([0, 4, 0, 1, ...new Array<number>(12).fill(0), 1, 2, 3, 4]),
];

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'netlink.family',
  'netlink.hdr_len',
  'netlink.hdr_type',
  'netlink.hdr_flags',
  'netlink.hdr_flags.request',
  'netlink.hdr_flags.root',
  'netlink.hdr_flags.create',
  'netlink.hdr_seq',
  'netlink.hdr_pid',
  'netlink.error',
  'netlink.attr_len',
  'netlink.attr_type',
  'netlink.attr_type.nested',
  'netlink.attr_type.net_byteorder',
  'netlink.attr_data',
  'netlink-route.nltype',
  'netlink-route.ifi_type',
  'netlink-route.ifi_flags',
  'netlink-route.ifla_attr_type',
  'netlink-route.ifla_ifname',
  'netlink-route.ifla_carrier',
  'netlink-route.ifla_operstate',
  'netlink-route.ifla_hwaddr',
  'netlink-route.ifla_min_mtu',
  'netlink-route.ifla_linkstats.txbytes',
  'netlink-route.ifla_linkstats.rx_errors.fifo_errs',
  'netlink-route.ifa_family',
  'netlink-route.ifa_flags',
  'netlink-route.ifa_flags32',
  'netlink-route.ifa_label',
  'netlink-route.ifa_address.ipv4',
  'netlink-route.rt_family',
  'netlink-route.rt_protocol',
  'netlink-route.rt_scope',
  'netlink-route.rt_type',
  'netlink-route.rta_attr_type',
  'netlink-route.rta_oif',
  'netlink-route.nd_family',
  'netlink-route.nd_index',
  'netlink-route.nd_state',
  'data.data',
  'genl.family_id',
  'genl.cmd',
  'genl.ctrl.cmd',
  'genl.version',
  'genl.ctrl_attr',
  'genl.ctrl.family_id',
  'genl.ctrl.family_name',
  'genl.ctrl.maxattr',
  'genl.ctrl.op_id',
  'genl.ctrl.op_flags',
  'genl.ctrl.op_flags.cmd_cap_do',
  'genl.ctrl.group_name',
  'genl.ctrl.group_id',
  'netlink.attr_index',
];

describe('Netlink', () => {
  it('decodes messages in the byte order of their first length', () => {
    const addr = dissectHex(FRAMES[0] as Uint8Array, LinkType.NETLINK);
    expect(addr.pinfo.layers.slice(1).join(':')).toBe('netlink:netlink-route');
    expect(addr.pinfo.proto).toBe('Netlink route');
    expect(addr.value('netlink-route.ifa_label')).toBe('eth0');
    expect(addr.value('netlink-route.ifa_address.ipv4')).toBe('10.0.0.1,10.0.0.1');
    const link = dissectHex(FRAMES[4] as Uint8Array, LinkType.NETLINK);
    expect(link.value('netlink-route.ifla_ifname')).toBe('lo');
    expect(link.value('netlink-route.ifla_min_mtu')).toBe('68');
    expect(link.value('netlink-route.ifla_linkstats.txbytes')).toBe('3001');
    const err = dissectHex(FRAMES[3] as Uint8Array, LinkType.NETLINK);
    expect(err.pinfo.proto).toBe('Netlink');
    expect(err.value('netlink.error')).toBe('-17');
    expect(err.value('netlink.hdr_seq')).toBe('3,3');
  });

  it('survives mutated frames', () => fuzzFrames(FRAMES, LinkType.NETLINK, 253));

  it.skipIf(!oracleReady)('agrees with tshark field for field', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS, LinkType.NETLINK);
    expect(f.trawl).toBe(f.tshark);
  });

  it.skipIf(!oracleReady)('draws the tree as tshark does', () => {
    const t = treesOfBoth(
      FRAMES,
      /^(Linux (netlink|rtnetlink|Generic)|Netlink message|Data \()/,
      LinkType.NETLINK,
    );
    expect(t.trawl).toBe(t.tshark);
  });
});
