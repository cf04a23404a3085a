// Routing Information Protocol v1 and v2 (RFC 1058, 2453, with RFC 2082/4822 authentication) on
// UDP 520, and RIPng (RFC 2080) on UDP 521, as tshark 4.0 shows them.
import { bytes, fields, ipv4, ipv6, names, proto, str, text, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { formatIPv4, formatIPv6 } from '../format/address.ts';

const COMMANDS = names({
  1: 'Request',
  2: 'Response',
  3: 'Traceon',
  4: 'Traceoff',
  5: 'Vendor specific (Sun)',
});
const VERSIONS = names({ 1: 'RIPv1', 2: 'RIPv2' });
const FAMILIES = names({ 0: 'Unspecified', 2: 'IP', 0xffff: 'Authentication' });
const AUTH_TYPES = names({ 2: 'Simple Password', 3: 'Keyed Message Digest' });

export const F = fields('rip', {
  '': proto('Routing Information Protocol'),
  command: uint('Command', 8, { strings: COMMANDS }),
  version: uint('Version', 8, { strings: VERSIONS }),
  routing_domain: uint('Routing Domain', 16),
  _entry: text('Entry'),
  family: uint('Address Family', 16, { strings: FAMILIES }),
  route_tag: uint('Route Tag', 16),
  ip: ipv4('IP Address'),
  netmask: ipv4('Netmask'),
  next_hop: ipv4('Next Hop'),
  metric: uint('Metric', 16),
  _auth: text('Authentication'),
  'auth.type': uint('Authentication type', 16, { strings: AUTH_TYPES }),
  'auth.passwd': str('Password'),
  digest_offset: uint('Digest Offset', 16),
  key_id: uint('Key ID', 8),
  auth_data_len: uint('Auth Data Len', 8),
  seq_num: uint('Seq num', 32),
  zero_padding: str('Zero adding'),
  authentication_data: bytes('Authentication Data'),
});

export const FNG = fields('ripng', {
  '': proto('RIPng'),
  cmd: uint('Command', 8, { strings: names({ 1: 'Request', 2: 'Response' }) }),
  version: uint('Version', 8),
  reserved: bytes('Reserved'),
  rte: text('Route Table Entry'),
  'rte.ipv6_prefix': ipv6('IPv6 Prefix'),
  'rte.route_tag': uint('Route Tag', 16, { base: 'hex' }),
  'rte.prefix_length': uint('Prefix Length', 8),
  'rte.metric': uint('Metric', 8),
});

export function dissectRIP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('rip');
  const command = tvb.u8(o);
  const version = tvb.u8(o + 1);
  pinfo.setProto(VERSIONS.get(version) ?? 'RIP');
  if (pinfo.wantInfo) pinfo.setInfo(COMMANDS.get(command) ?? 'Unknown command');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    tree.add(F.command, tvb, o, 1, command);
    tree.add(F.version, tvb, o + 1, 1, version);
    if (version === 2) tree.add(F.routing_domain, tvb, o + 2, 2, tvb.u16(o + 2));
    for (let p = o + 4; tvb.reportedRemaining(p) > 0; p += 20) {
      const family = tvb.u16(p);
      if (family === 0xffff) {
        auth(tvb, tree, p);
        continue;
      }
      entry(tvb, tree, p, family, version);
    }
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

function entry(tvb: Tvb, tree: Tree, p: number, family: number, version: number): void {
  const ip = tvb.u32(p + 4);
  const metric = tvb.u16(p + 18);
  tvb.need(p, 20);
  tree.push(F._entry, tvb, p, 20);
  if (tree.full) {
    tree.label(
      family === 2
        ? `IP Address: ${formatIPv4(ip)}, Metric: ${metric}`
        : `Address not specified, Metric: ${metric}`,
    );
  }
  tree.add(F.family, tvb, p, 2, family);
  if (version === 2) tree.add(F.route_tag, tvb, p + 2, 2, tvb.u16(p + 2));
  if (family === 2) tree.add(F.ip, tvb, p + 4, 4, ip);
  if (version === 2) {
    tree.add(F.netmask, tvb, p + 8, 4, tvb.u32(p + 8));
    tree.add(F.next_hop, tvb, p + 12, 4, tvb.u32(p + 12));
  }
  tree.add(F.metric, tvb, p + 16, 4, metric);
  tree.pop();
}

function auth(tvb: Tvb, tree: Tree, p: number): void {
  const type = tvb.u16(p + 2);
  tree.push(F._auth, tvb, p, 20);
  if (tree.full) tree.label(`Authentication: ${AUTH_TYPES.get(type) ?? 'Unknown'}`);
  tree.add(F['auth.type'], tvb, p + 2, 2, type);
  if (type === 2) {
    tree.add(F['auth.passwd'], tvb, p + 4, 16, tvb.ascii(p + 4, 16).replace(/\0.*$/s, ''));
  } else if (type === 3) {
    tree.add(F.digest_offset, tvb, p + 4, 2, tvb.u16(p + 4));
    tree.add(F.key_id, tvb, p + 6, 1, tvb.u8(p + 6));
    tree.add(F.auth_data_len, tvb, p + 7, 1, tvb.u8(p + 7));
    tree.add(F.seq_num, tvb, p + 8, 4, tvb.u32(p + 8));
  }
  tree.pop();
}

export function dissectRIPng(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('ripng');
  pinfo.setProto('RIPng');
  const cmd = tvb.u8(o);
  const version = tvb.u8(o + 1);
  if (pinfo.wantInfo)
    pinfo.setInfo(
      ` Command ${cmd === 1 ? 'Request' : cmd === 2 ? 'Response' : 'Unknown'}, Version ${version}`,
    );
  tree.push(FNG[''], tvb, o, tvb.remaining(o));
  try {
    tree.add(FNG.cmd, tvb, o, 1, cmd);
    tree.add(FNG.version, tvb, o + 1, 1, version);
    tvb.need(o + 2, 2);
    tree.add(FNG.reserved, tvb, o + 2, 2);
    for (let p = o + 4; tvb.reportedRemaining(p) > 0; p += 20) {
      tree.push(FNG.rte, tvb, p, 20);
      tvb.need(p, 16);
      const plen = tvb.u8(p + 18);
      if (tree.full) tree.label(`IPv6 Prefix: ${formatIPv6(tvb.bytes, p)}/${plen} Metric: ${tvb.u8(p + 19)}`);
      tree.add(FNG['rte.ipv6_prefix'], tvb, p, 16);
      tree.add(FNG['rte.route_tag'], tvb, p + 16, 2, tvb.u16(p + 16));
      tree.add(FNG['rte.prefix_length'], tvb, p + 18, 1, plen);
      tree.add(FNG['rte.metric'], tvb, p + 19, 1, tvb.u8(p + 19));
      tree.pop();
    }
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

export const ripModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', 520, dissectRIP);
  },
};

export const ripngModule = {
  fields: FNG,
  handoff(reg: Registry): void {
    reg.register('udpPort', 521, dissectRIPng);
  },
};
