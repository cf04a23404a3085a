// The OSI network-layer dispatch (Wireshark's "osi" pseudo-protocol): the first byte of the payload
// is its Network Layer Protocol Identifier (ISO/TR 9577), naming CLNP, ES-IS, IS-IS, Q.931, IP...
// It shows no tree of its own, only the `osi` layer; protocols hang off the `nlpid` table.
import { dissectData } from './data.ts';
import { fields, hex, names } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

/** Wireshark's nlpid_vals. */
export const NLPID_NAMES = names({
  0x00: 'NULL',
  0x01: 'X.29',
  0x03: 'X.633',
  0x08: 'Q.931',
  0x09: 'Q.2931',
  0x0c: 'Q.2119',
  0x80: 'SNAP',
  0x81: 'CLNP',
  0x82: 'ESIS',
  0x83: 'ISIS',
  0x85: 'IDRP',
  0x8f: 'Avaya SPBM Fabric IPVPN',
  0x8a: 'ESIS (X.25)',
  0x8c: 'ISO 10030',
  0x8d: 'ISO 11577',
  0xb0: 'Data compression protocol',
  0xcc: 'IP',
  0xc0: 'TRILL',
  0xc1: 'SubNetwork Dependent Convergence Function',
  0x8e: 'IPv6',
  0xcf: 'PPP',
});

export const NLPID = { CLNP: 0x81, ESIS: 0x82, ISIS: 0x83, IPV6: 0x8e, IP: 0xcc, SNAP: 0x80, Q931: 0x08 };

export const F = fields('osi', {
  nlpid: hex('Network Layer Protocol Identifier', 8, { strings: NLPID_NAMES }),
});

/** The NLPIDs the OSI dispatcher knows (Wireshark's osinl.incl and osinl.excl tables). */
const OSI_NLPIDS = new Set([NLPID.CLNP, NLPID.ESIS, NLPID.ISIS, NLPID.Q931, 0x00]);

/** `osi` after LLC SAP 0xFE, Cisco HDLC 0xFEFE, PPP 0x0023, GRE 0x00FE. */
export function dissectOsi(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('osi');
  const nlpid = tvb.u8(o);
  if (OSI_NLPIDS.has(nlpid) && pinfo.registry.call('nlpid', nlpid, tvb, pinfo, tree) >= 0) {
    return tvb.remaining(o);
  }
  pinfo.setProto('ISO');
  if (pinfo.wantInfo) pinfo.setInfo(`Unknown ISO protocol (${nlpid.toString(16).padStart(2, '0')})`);
  dissectData(tvb, pinfo, tree);
  return tvb.remaining(o);
}

export const SAP_OSI = 0xfe;
/** GRE and the ethertype-keyed tables carry OSI under this number. */
export const ETHERTYPE_OSI = 0x00fe;

export const osiModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('llcSap', SAP_OSI, dissectOsi);
    reg.register('etherType', ETHERTYPE_OSI, dissectOsi);
  },
};
