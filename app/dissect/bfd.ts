// Bidirectional Forwarding Detection (RFC 5880, 5881, 5883, 7130) on UDP 3784 (single hop), 4784
// (multihop), 6784 (LAG) and 3785 (echo): the control packet with its authentication section, as tshark 4.0.
import { bool, bytes, fields, hex, names, proto, str, text, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const DIAGS = names({
  0: 'No Diagnostic',
  1: 'Control Detection Time Expired',
  2: 'Echo Function Failed',
  3: 'Neighbor Signaled Session Down',
  4: 'Forwarding Plane Reset',
  5: 'Path Down',
  6: 'Concatenated Path Down',
  7: 'Administratively Down',
  8: 'Reverse Concatenated Path Down',
  9: 'Mis-Connectivity Defect',
});
const STATES = names({ 0: 'AdminDown', 1: 'Down', 2: 'Init', 3: 'Up' });
const AUTH_TYPES = names({
  0: 'Reserved',
  1: 'Simple Password',
  2: 'Keyed MD5',
  3: 'Meticulous Keyed MD5',
  4: 'Keyed SHA1',
  5: 'Meticulous Keyed SHA1',
});

export const F = fields('bfd', {
  '': proto('BFD Control message'),
  version: uint('Protocol Version', 8, { mask: 0xe0 }),
  diag: hex('Diagnostic Code', 8, { mask: 0x1f, strings: DIAGS }),
  sta: hex('Session State', 8, { mask: 0xc0, strings: STATES }),
  flags: hex('Message Flags', 8),
  'flags.p': bool('Poll', 6, 0x20),
  'flags.f': bool('Final', 6, 0x10),
  'flags.c': bool('Control Plane Independent', 6, 0x08),
  'flags.a': bool('Authentication Present', 6, 0x04),
  'flags.d': bool('Demand', 6, 0x02),
  'flags.m': bool('Multipoint', 6, 0x01),
  detect_time_multiplier: uint('Detect Time Multiplier', 8),
  message_length: uint('Message Length', 8),
  my_discriminator: hex('My Discriminator', 32),
  your_discriminator: hex('Your Discriminator', 32),
  desired_min_tx_interval: uint('Desired Min TX Interval', 32),
  required_min_rx_interval: uint('Required Min RX Interval', 32),
  required_min_echo_interval: uint('Required Min Echo Interval', 32),
  _auth: text('Authentication'),
  'auth.type': uint('Authentication Type', 8, { strings: AUTH_TYPES }),
  'auth.len': uint('Authentication Length', 8),
  'auth.key': uint('Authentication Key ID', 8),
  'auth.password': str('Password'),
  'auth.seq_num': hex('Sequence Number', 32),
  checksum: bytes('Checksum'),
});

export const FE = fields('bfd_echo', {
  '': proto('BFD Echo message'),
  packet: bytes('Echo'),
});

const FLAGS = [F['flags.p'], F['flags.f'], F['flags.c'], F['flags.a'], F['flags.d'], F['flags.m']];

/** Wireshark draws the six flag bits as `0... ..`. */
function sixBits(mask: number, on: boolean): string {
  let s = '';
  for (let bit = 0x20; bit > 0; bit >>= 1) {
    s += bit === mask ? (on ? '1' : '0') : '.';
    if (bit === 0x04) s += ' ';
  }
  return s;
}

function dissectControl(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('bfd');
  pinfo.setProto('BFD Control');
  const b0 = tvb.u8(o);
  const b1 = tvb.u8(o + 1);
  const diag = b0 & 0x1f;
  const state = b1 >> 6;
  const flags = b1 & 0x3f;
  if (pinfo.wantInfo) {
    pinfo.setInfo(
      `Diag: ${DIAGS.get(diag) ?? 'Unknown'}, State: ${STATES.get(state) ?? 'Unknown'}, Flags: 0x${flags.toString(16).padStart(2, '0')}`,
    );
  }
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    tree.add(F.version, tvb, o, 1, b0 >> 5);
    tree.add(F.diag, tvb, o, 1, diag);
    tree.add(F.sta, tvb, o + 1, 1, state);
    tree.push(F.flags, tvb, o + 1, 1, b1);
    if (tree.full) {
      const set = FLAGS.filter((d) => flags & (d.mask as number)).map((d) => `${d.name}: Set`);
      tree.label(
        `Message Flags: 0x${b1.toString(16).padStart(2, '0')}${set.length ? `, ${set.join(', ')}` : ''}`,
      );
    }
    for (const d of [F['flags.p'], F['flags.f'], F['flags.c'], F['flags.a'], F['flags.d'], F['flags.m']]) {
      const on = (flags & (d.mask as number)) !== 0;
      tree.add(d, tvb, o + 1, 1, on);
      if (tree.full)
        tree.labelLast(`${sixBits(d.mask as number, on)} = ${d.name}: ${on ? 'Set' : 'Not set'}`);
    }
    tree.pop();
    const mult = tvb.u8(o + 2);
    const rx = tvb.u32(o + 16);
    tree.add(F.detect_time_multiplier, tvb, o + 2, 1, mult);
    if (tree.full)
      tree.labelLast(`Detect Time Multiplier: ${mult} (= ${(mult * rx) / 1000} ms Detection time)`);
    const len = tvb.u8(o + 3);
    tree.add(F.message_length, tvb, o + 3, 1, len);
    if (tree.full) tree.labelLast(`Message Length: ${len} bytes`);
    tree.add(F.my_discriminator, tvb, o + 4, 4, tvb.u32(o + 4));
    tree.add(F.your_discriminator, tvb, o + 8, 4, tvb.u32(o + 8));
    interval(tvb, tree, o + 12, F.desired_min_tx_interval);
    interval(tvb, tree, o + 16, F.required_min_rx_interval);
    interval(tvb, tree, o + 20, F.required_min_echo_interval);
    if (flags & 0x04 && tvb.reportedRemaining(o + 24) > 0) auth(tvb, tree, o + 24);
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

function interval(tvb: Tvb, tree: Tree, at: number, def: typeof F.my_discriminator): void {
  const us = tvb.u32(at);
  tree.add(def, tvb, at, 4, us);
  if (tree.full) tree.labelLast(`${def.name}: ${String(us / 1000).padStart(4)} ms (${us} us)`);
}

function auth(tvb: Tvb, tree: Tree, p: number): void {
  const type = tvb.u8(p);
  const len = tvb.u8(p + 1);
  tree.push(F._auth, tvb, p, len);
  if (tree.full) tree.label(`Authentication: ${AUTH_TYPES.get(type) ?? 'Unknown'}`);
  tree.add(F['auth.type'], tvb, p, 1, type);
  tree.add(F['auth.len'], tvb, p + 1, 1, len);
  if (tree.full) tree.labelLast(`Authentication Length: ${len} bytes`);
  tree.add(F['auth.key'], tvb, p + 2, 1, tvb.u8(p + 2));
  if (type === 1) {
    tree.add(F['auth.password'], tvb, p + 3, len - 3, tvb.ascii(p + 3, len - 3));
  } else if (type >= 2 && type <= 5) {
    tree.add(F['auth.seq_num'], tvb, p + 4, 4, tvb.u32(p + 4));
    const n = len - 8;
    tvb.need(p + 8, n);
    tree.add(F.checksum, tvb, p + 8, n);
  }
  tree.pop();
}

/** An echo packet (UDP 3785): content only its sender understands. */
function dissectEcho(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('bfd_echo');
  pinfo.setProto('BFD Echo');
  if (pinfo.wantInfo) pinfo.setInfo('Originator specific content');
  const n = tvb.remaining(o);
  tree.push(FE[''], tvb, o, n);
  if (n > 0) tree.add(FE.packet, tvb, o, n);
  tree.pop();
  return n;
}

export const bfdEchoModule = {
  fields: FE,
  handoff(reg: Registry): void {
    reg.register('udpPort', 3785, dissectEcho);
  },
};

export const bfdModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', 3784, dissectControl);
    reg.register('udpPort', 4784, dissectControl);
    // BFD on LAG member links (RFC 7130).
    reg.register('udpPort', 6784, dissectControl);
  },
};
