// Mobile IPv6 (RFC 6275) and NEMO (RFC 3963): the Mobility Header, IPv6 next header 135, as
// tshark 4.0 shows it: the common header, the fixed part of the usual messages, the mobility
// options as type/length/data. A Binding Update or Acknowledgement for a mobile router names
// the Protocol column NEMO.
import { bool, bytes, fields, hex, names, proto, text, uint } from './field.ts';
import { IP_PROTO_NAMES } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';

const MH_TYPES = names({
  0: 'Binding Refresh Request',
  1: 'Home Test Init',
  2: 'Care-of Test Init',
  3: 'Home Test',
  4: 'Care-of Test',
  5: 'Binding Update',
  6: 'Binding Acknowledgement',
  7: 'Binding Error',
  8: 'Fast Binding Update',
  9: 'Fast Binding Acknowledgment',
  10: 'Fast Neighbor Advertisement',
  11: 'Experimental Mobility Header',
  12: 'Home Agent Switch',
  13: 'Heartbeat',
  14: 'Handover Initiate',
  15: 'Handover Acknowledge',
  16: 'Binding Revocation',
  17: 'Localized Routing Initiation',
  18: 'Localized Routing Acknowledgment',
});

const OPTION_TYPES = names({
  0: 'Pad1',
  1: 'PadN',
  2: 'Binding Refresh Advice',
  3: 'Alternate Care-of Address',
  4: 'Nonce Indices',
  5: 'Authorization Data',
  6: 'Mobile Network Prefix',
  7: 'Mobility Header Link-Layer Address',
  8: 'MN-ID',
  9: 'AUTH-OPTION',
  10: 'MESG-ID',
  11: 'CGA Parameters Request',
  12: 'CGA Parameters',
  13: 'Signature',
  14: 'Home Keygen Token',
  15: 'Care-of Test Init',
  16: 'Care-of Test',
});

const TF_A = ['Binding Acknowledgement requested', 'Binding Acknowledgement not requested'] as const;
const TF_H = ['Home Registration', 'No Home Registration'] as const;
const TF_L = ['Link-Local Address Compatibility', 'No Link-Local Address Compatibility'] as const;
const TF_K = ['Key Management Mobility Compatibility', 'No Key Management Mobility Compatibility'] as const;
const TF_M = ['MAP Registration Compatibility', 'No MAP Registration Compatibility'] as const;
const TF_R = ['Mobile Router Compatibility', 'No Mobile Router Compatibility'] as const;
const TF_P = ['Proxy Registration', 'No Proxy Registration'] as const;
const TF_F = ['Forcing UDP encapsulation used', 'No Forcing UDP encapsulation'] as const;
const TF_T = ['TLV-header format', 'No TLV-header format'] as const;
const TF_B = ['Enable bulk binding update support', 'Disable bulk binding update support'] as const;

export const F = fields('mip6', {
  '': proto('Mobile IPv6'),
  proto: uint('Payload protocol', 8, { strings: IP_PROTO_NAMES }),
  hlen: uint('Header length', 8),
  mhtype: uint('Mobility Header Type', 8, { strings: MH_TYPES }),
  reserved: hex('Reserved', 8),
  csum: hex('Checksum', 16),
  message: text('Message'),
  'hoti.cookie': hex('Home Init Cookie', 64),
  'coti.cookie': hex('Care-of Init Cookie', 64),
  'hot.nindex': uint('Home Nonce Index', 16),
  'hot.cookie': hex('Home Init Cookie', 64),
  'hot.token': hex('Home Keygen Token', 64),
  'cot.nindex': uint('Care-of Nonce Index', 16),
  'cot.cookie': hex('Care-of Init Cookie', 64),
  'cot.token': hex('Home Keygen Token', 64),
  'bu.seqnr': uint('Sequence number', 16),
  'bu.a_flag': bool('Acknowledge (A) flag', 16, 0x8000, { tf: TF_A }),
  'bu.h_flag': bool('Home Registration (H) flag', 16, 0x4000, { tf: TF_H }),
  'bu.l_flag': bool('Link-Local Compatibility (L) flag', 16, 0x2000, { tf: TF_L }),
  'bu.k_flag': bool('Key Management Compatibility (K) flag', 16, 0x1000, { tf: TF_K }),
  'bu.m_flag': bool('MAP Registration Compatibility (M) flag', 16, 0x0800, { tf: TF_M }),
  'nemo.bu.r_flag': bool('Mobile Router (R) flag', 16, 0x0400, { tf: TF_R }),
  'bu.p_flag': bool('Proxy Registration (P) flag', 16, 0x0200, { tf: TF_P }),
  'bu.f_flag': bool('Forcing UDP encapsulation (F) flag', 16, 0x0100, { tf: TF_F }),
  'bu.t_flag': bool('TLV-header format (T) flag', 16, 0x0080, { tf: TF_T }),
  'bu.b_flag': bool('Bulk-Binding-Update flag (B)', 16, 0x0040, { tf: TF_B }),
  'bu.lifetime': uint('Lifetime', 16),
  'ba.status': uint('Status', 8),
  'ba.k_flag': bool('Key Management Compatibility (K) flag', 8, 0x80, { tf: TF_K }),
  'nemo.ba.r_flag': bool('Mobile Router (R) flag', 8, 0x40, { tf: TF_R }),
  'ba.p_flag': bool('Proxy Registration (P) flag', 8, 0x20, { tf: TF_P }),
  'ba.t_flag': bool('TLV-header format (T) flag', 8, 0x10, { tf: TF_T }),
  'ba.b_flag': bool('Bulk-Binding-Update flag (B)', 8, 0x08, { tf: TF_B }),
  'ba.seqnr': uint('Sequence number', 16),
  'ba.lifetime': uint('Lifetime', 16),
  'be.status': uint('Status', 8),
  'be.haddr': bytes('Home Address'),
  'bra.interval': uint('Refresh interval', 16),
  mobility_opt: text('Mobility Options'),
  'mobility_opt.type': uint('Mobility Option', 8, { strings: OPTION_TYPES }),
  'mobility_opt.len': uint('Length', 8),
  'mobility_opt.data': bytes('Data'),
});

const BU_FLAGS = [
  F['bu.a_flag'],
  F['bu.h_flag'],
  F['bu.l_flag'],
  F['bu.k_flag'],
  F['bu.m_flag'],
  F['nemo.bu.r_flag'],
  F['bu.p_flag'],
  F['bu.f_flag'],
  F['bu.t_flag'],
  F['bu.b_flag'],
];
const BA_FLAGS = [F['ba.k_flag'], F['nemo.ba.r_flag'], F['ba.p_flag'], F['ba.t_flag'], F['ba.b_flag']];

export function dissectMip6(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('mipv6');
  const hlen = (tvb.u8(o + 1) + 1) * 8;
  const type = tvb.u8(o + 2);
  pinfo.setProto('MIPv6');
  pinfo.currentProto = 'MIPv6';
  if (pinfo.wantInfo) pinfo.setInfo(MH_TYPES.get(type) ?? 'Unknown MH Type');
  tree.push(F[''], tvb, o, Math.min(hlen, tvb.remaining(o)));
  tree.add(F.proto, tvb, o, 1, tvb.u8(o));
  tree.add(F.hlen, tvb, o + 1, 1, hlen / 8 - 1);
  if (tree.full) tree.labelLast(`Header length: ${hlen / 8 - 1} (${hlen} bytes)`);
  tree.add(F.mhtype, tvb, o + 2, 1, type);
  tree.add(F.reserved, tvb, o + 3, 1, tvb.u8(o + 3));
  tree.add(F.csum, tvb, o + 4, 2, tvb.u16(o + 4));
  const end = o + hlen;
  const p = dissectMessage(tvb, o + 6, type, pinfo, tree);
  if (p > 0 && p < end) dissectOptions(tvb, p, end, tree);
  tree.pop();
  pinfo.currentProto = '';
  return Math.min(hlen, tvb.remaining(o));
}

/** The fixed part of a message; returns where its options start, 0 when not decoded here. */
function dissectMessage(tvb: Tvb, p: number, type: number, pinfo: PacketInfo, tree: Tree): number {
  const name = MH_TYPES.get(type);
  const length = FIXED[type];
  if (name === undefined || length === undefined) return 0;
  // The message's fixed part is there whole or not shown at all, as tshark adds it.
  tvb.need(p, length);
  tree.push(F.message, tvb, p, length);
  if (tree.full) tree.label(name);
  const start = p;
  switch (type) {
    case 0:
      tree.add(F.reserved, tvb, p, 2, tvb.u16(p));
      p += 2;
      break;
    case 1:
    case 2:
      tree.add(F.reserved, tvb, p, 2, tvb.u16(p));
      tree.add(type === 1 ? F['hoti.cookie'] : F['coti.cookie'], tvb, p + 2, 8, tvb.u64(p + 2));
      p += 10;
      break;
    case 3:
    case 4: {
      const home = type === 3;
      tree.add(home ? F['hot.nindex'] : F['cot.nindex'], tvb, p, 2, tvb.u16(p));
      tree.add(home ? F['hot.cookie'] : F['cot.cookie'], tvb, p + 2, 8, tvb.u64(p + 2));
      tree.add(home ? F['hot.token'] : F['cot.token'], tvb, p + 10, 8, tvb.u64(p + 10));
      p += 18;
      break;
    }
    case 5: {
      tree.add(F['bu.seqnr'], tvb, p, 2, tvb.u16(p));
      const flags = tvb.u16(p + 2);
      nemo(pinfo, (flags & 0x0400) !== 0);
      for (const def of BU_FLAGS) tree.add(def, tvb, p + 2, 2, (flags & (def.mask as number)) !== 0);
      addLifetime(tvb, p + 4, F['bu.lifetime'], tree);
      p += 6;
      break;
    }
    case 6: {
      tree.add(F['ba.status'], tvb, p, 1, tvb.u8(p));
      const flags = tvb.u8(p + 1);
      nemo(pinfo, (flags & 0x40) !== 0);
      for (const def of BA_FLAGS) tree.add(def, tvb, p + 1, 1, (flags & (def.mask as number)) !== 0);
      tree.add(F['ba.seqnr'], tvb, p + 2, 2, tvb.u16(p + 2));
      addLifetime(tvb, p + 4, F['ba.lifetime'], tree);
      p += 6;
      break;
    }
    case 7:
      tree.add(F['be.status'], tvb, p, 1, tvb.u8(p));
      tree.add(F.reserved, tvb, p + 1, 1, tvb.u8(p + 1));
      tvb.need(p + 2, 16);
      tree.add(F['be.haddr'], tvb, p + 2, 16);
      p += 18;
      break;
  }
  tree.pop(p - start);
  return p;
}

/** Length of each message's fixed part, after the common header. */
const FIXED: readonly number[] = [2, 10, 10, 18, 18, 6, 6, 18];

/** The first frame with a mobile router's binding (tshark names every later one NEMO too). */
interface NemoState {
  since: number;
}
const newNemo = (): NemoState => ({ since: 0 });

/**
 * A binding update or ack names the column NEMO when it is a mobile router's, and so does every
 * later one once a mobile router was seen (tshark keeps the flag).
 */
function nemo(pinfo: PacketInfo, router: boolean): void {
  const st = pinfo.state.of('mip6.nemo', newNemo);
  if (router && (st.since === 0 || pinfo.meta.number < st.since)) st.since = pinfo.meta.number;
  if (st.since > 0 && pinfo.meta.number >= st.since) pinfo.setProto('NEMO');
}

/** Lifetimes count units of 4 seconds. */
function addLifetime(tvb: Tvb, p: number, def: typeof F.hlen, tree: Tree): void {
  const v = tvb.u16(p);
  tree.add(def, tvb, p, 2, v);
  if (tree.full) tree.labelLast(`Lifetime: ${v} (${v * 4} seconds)`);
}

/** Options of one length only; another is malformed. */
const OPTION_LENGTHS = new Map([
  [2, 2],
  [3, 16],
  [4, 4],
]);

/** Mobility options: Pad1 is one byte, every other option type, length, data. */
function dissectOptions(tvb: Tvb, p: number, end: number, tree: Tree): void {
  tvb.need(p, end - p);
  tree.push(F.mobility_opt, tvb, p, end - p);
  while (p < end) {
    const type = tvb.u8(p);
    if (type === 0) {
      tree.add(F['mobility_opt.type'], tvb, p, 1, type);
      p++;
      continue;
    }
    const len = tvb.u8(p + 1);
    tree.add(F['mobility_opt.type'], tvb, p, 1, type);
    tree.add(F['mobility_opt.len'], tvb, p + 1, 1, len);
    tvb.need(p + 2, len);
    const fixed = OPTION_LENGTHS.get(type);
    if (fixed !== undefined && len !== fixed) throw new MalformedError('Malformed Packet', p + 1);
    if (len > 0) tree.add(F['mobility_opt.data'], tvb, p + 2, len);
    p += 2 + len;
  }
  tree.pop();
}

export const mip6Module = {
  fields: F,
  handoff(reg: Registry): void {
    // 62 is the number the drafts used before RFC 6275 (tshark takes both).
    reg.register('ipProto', 62, dissectMip6);
    reg.register('ipProto', 135, dissectMip6);
  },
};
