// Frame Relay (LINKTYPE_FRELAY, 107): the Q.922 address (two to four octets, chained by their EA
// bits), then either RFC 2427 multiprotocol encapsulation (a control field, usually UI, and an
// NLPID, SNAP for ethertypes) or Cisco's (a Cisco HDLC protocol number right after the address),
// told apart as Wireshark does. DLCI 0 with another control field is LAPF signalling (undecoded).
import { CHDLC_PROTOCOLS, dispatchChdlcProtocol } from './chdlc.ts';
import { dissectData } from './data.ts';
import { expertInfo } from './dissect.ts';
import { bool, fields, hex, proto, uint } from './field.ts';
import { LinkType } from './link-types.ts';
import { NLPID, NLPID_NAMES } from './osi.ts';
import { dissectQ933 } from './q933.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const F = fields('fr', {
  '': proto('Frame Relay'),
  first_addr_octet: hex('First address octet', 8),
  second_addr_octet: hex('Second address octet', 8),
  third_addr_octet: hex('Third address octet', 8),
  upper_dlci: hex('Upper DLCI', 8, { mask: 0xfc }),
  cr: bool('CR', 8, 0x02, { tf: ['Command', 'Response'] }),
  second_dlci: hex('Second DLCI', 8, { mask: 0xf0 }),
  fecn: bool('FECN', 8, 0x08, { tf: ['True', 'False'] }),
  becn: bool('BECN', 8, 0x04, { tf: ['True', 'False'] }),
  de: bool('DE', 8, 0x02, { tf: ['True', 'False'] }),
  ea: bool('EA', 8, 0x01, { tf: ['Last Octet', 'More Follows'] }),
  dlci: uint('DLCI', 32),
  control: hex('Control Field', 8),
  nlpid: hex('NLPID', 8, { strings: NLPID_NAMES }),
  'snap.oui': uint('Organization Code', 24),
  'snap.pid': hex('Protocol ID', 16),
  snaptype: hex('Type', 16),
  chdlctype: hex('Type', 16, { strings: CHDLC_PROTOCOLS }),
});

const UI = 0x03;
const LAPF_DLCI = 0;

interface Address {
  dlci: number;
  length: number;
}

/**
 * Reads the address octets up to the one with EA set: 10 DLCI bits in the first two, then 7 in
 * a third that is not the last and 6 in the last of three or four. Octets past the fourth are
 * bogus and carry nothing.
 */
function addAddress(tvb: Tvb, o: number, tree: Tree): Address {
  const first = tvb.u8(o);
  const second = tvb.u8(o + 1);
  tree.add(F.first_addr_octet, tvb, o, 1, first);
  tree.add(F.upper_dlci, tvb, o, 1, first >> 2);
  tree.add(F.cr, tvb, o, 1, (first & 0x02) !== 0);
  tree.add(F.second_addr_octet, tvb, o + 1, 1, second);
  tree.add(F.second_dlci, tvb, o + 1, 1, second >> 4);
  tree.add(F.fecn, tvb, o + 1, 1, (second & 0x08) !== 0);
  tree.add(F.becn, tvb, o + 1, 1, (second & 0x04) !== 0);
  tree.add(F.de, tvb, o + 1, 1, (second & 0x02) !== 0);
  tree.add(F.ea, tvb, o + 1, 1, (second & 0x01) !== 0);
  let dlci = ((first >> 2) << 4) | (second >> 4);
  let p = o + 2;
  if ((second & 1) === 0) {
    let octet = tvb.u8(p);
    tree.add(F.third_addr_octet, tvb, p, 1, octet);
    p += 1;
    if ((octet & 1) === 0) {
      dlci = dlci * 128 + (octet >> 1);
      // Any further octets without EA are bogus; the last one holds six more bits.
      octet = tvb.u8(p);
      p += 1;
      while ((octet & 1) === 0) {
        octet = tvb.u8(p);
        p += 1;
      }
    }
    // With D/C set the last octet's bits are DL-CORE control, not DLCI.
    if ((octet & 0x02) === 0) dlci = dlci * 64 + (octet >> 2);
  }
  tree.add(F.dlci, tvb, o, p - o, dlci);
  return { dlci, length: p - o };
}

/** The xdlc control field text of an extended (modulo 128) control field, and its length. */
function controlText(tvb: Tvb, at: number): { text: string; length: number } {
  const first = tvb.u8(at);
  if ((first & 0x03) === 0x03) {
    const pf = (first & 0x10) !== 0 ? ' P' : '';
    const modifier = U_NAMES.get(first & 0xec) ?? 'Unknown';
    return { text: `U${pf}, func=${modifier}`, length: 1 };
  }
  const control = tvb.u16le(at);
  const pf = (control & 0x0100) !== 0 ? ' P' : '';
  const nr = control >> 9;
  if ((first & 0x03) === 0x01) {
    const stype = ['RR', 'RNR', 'REJ', 'SREJ'][(control & 0x0c) >> 2] ?? '';
    return { text: `S${pf}, func=${stype}, N(R)=${nr}`, length: 2 };
  }
  return { text: `I${pf}, N(R)=${nr}, N(S)=${(control & 0xfe) >> 1}`, length: 2 };
}

const U_NAMES = new Map<number, string>([
  [0x00, 'UI'],
  [0x20, 'UP'],
  [0x40, 'DISC'],
  [0x60, 'UA'],
  [0x80, 'SNRM'],
  [0xe0, 'TEST'],
  [0x04, 'SIM'],
  [0x84, 'FRMR'],
  [0xc4, 'CFGR'],
  [0x0c, 'SARM'],
  [0x2c, 'SABM'],
  [0x4c, 'SARME'],
  [0x6c, 'SABME'],
  [0x8c, 'RESET'],
  [0xac, 'XID'],
  [0xcc, 'SNRME'],
  [0xec, 'BCN'],
]);

/** NLPIDs Frame Relay hands on itself (Wireshark's fr.nlpid table and the OSI ones). */
const KNOWN_NLPIDS = new Set([
  NLPID.IP,
  NLPID.IPV6,
  NLPID.SNAP,
  NLPID.Q931,
  NLPID.CLNP,
  NLPID.ESIS,
  NLPID.ISIS,
  0,
]);

export function dissectFr(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('fr');
  pinfo.setProto('FR');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  const { dlci, length } = addAddress(tvb, o, tree);
  let info = `DLCI ${dlci}`;
  if (pinfo.wantInfo) pinfo.setInfo(info);
  const at = o + length;
  const first = tvb.u8(at);
  if (first !== UI && dlci !== LAPF_DLCI && CHDLC_PROTOCOLS.has(tvb.u16(at))) {
    // Cisco encapsulation: a Cisco HDLC protocol number follows the address.
    const protocol = tvb.u16(at);
    tree.add(F.chdlctype, tvb, at, 2, protocol);
    tree.pop(length + 2);
    dispatchChdlcProtocol(protocol, tvb.sub(at + 2), pinfo, tree);
    return tvb.remaining(o);
  }
  const control = controlText(tvb, at);
  const nlpidAt = at + control.length;
  const lapf = first !== UI && dlci === LAPF_DLCI;
  const hasNlpid = tvb.remaining(nlpidAt) > 0 && KNOWN_NLPIDS.has(tvb.u8(nlpidAt));
  if (!lapf && first !== UI && !hasNlpid) {
    // Neither encapsulation: the rest is data.
    tree.pop(length);
    dissectData(tvb.sub(at), pinfo, tree);
    return tvb.remaining(o);
  }
  tree.add(F.control, tvb, at, control.length, first);
  if (tree.full) tree.labelLast(`Control field: ${control.text}`);
  info += `, ${control.text}`;
  if (pinfo.wantInfo) pinfo.setInfo(info);
  if (lapf) {
    tree.pop(nlpidAt - o);
    expertInfo(tree, tvb, nlpidAt, 0, 'Warning', 'Undecoded', 'Frame relay lapf not yet implemented');
    dissectData(tvb.sub(nlpidAt), pinfo, tree);
    return tvb.remaining(o);
  }
  dissectNlpid(tvb, nlpidAt, first === UI, pinfo, tree);
  return tvb.remaining(o);
}

/** The RFC 2427 payload: an optional padding byte, the NLPID, and its protocol (FR's subtree open). */
function dissectNlpid(tvb: Tvb, at: number, ui: boolean, pinfo: PacketInfo, tree: Tree): void {
  let p = at;
  let nlpid = tvb.u8(p);
  if (nlpid === 0) {
    tree.add(F.nlpid, tvb, p, 1, 0);
    p += 1;
    nlpid = tvb.u8(p);
  }
  // The OSI protocols read the NLPID again as their first byte; the others start after it.
  const osi = nlpid === NLPID.CLNP || nlpid === NLPID.ESIS || nlpid === NLPID.ISIS || nlpid === 0;
  // After a UI control field every NLPID shows; after another, the OSI ones go straight on.
  // On Frame Relay NLPID 0x08 is Q.933 signalling (elsewhere it names Q.931), and Q.933's own
  // first byte is the NLPID: it shows once Q.933 went through without an error.
  const q933 = nlpid === NLPID.Q931;
  if ((!osi || ui) && !q933) tree.add(F.nlpid, tvb, p, 1, nlpid);
  if (nlpid === NLPID.SNAP) {
    const oui = tvb.u24(p + 1);
    const pid = tvb.u16(p + 4);
    tree.add(F['snap.oui'], tvb, p + 1, 3, oui);
    tree.add(F['snap.pid'], tvb, p + 4, 2, pid);
    tree.pop(p + 6 - tvb.start);
    dissectSnap(oui, pid, tvb.sub(p + 6), pinfo, tree);
    return;
  }
  const payload = tvb.sub(osi ? p : p + 1);
  const frNode = tree.current();
  tree.pop(payload.start - tvb.start);
  if (q933) {
    dissectQ933(tvb.sub(p), pinfo, tree);
    tree.reopen(frNode);
    tree.add(F.nlpid, tvb, p, 1, nlpid);
    tree.pop();
    return;
  }
  let used: number;
  if (nlpid === NLPID.IP) used = pinfo.registry.call('etherType', 0x0800, payload, pinfo, tree);
  else if (nlpid === NLPID.IPV6) used = pinfo.registry.call('etherType', 0x86dd, payload, pinfo, tree);
  else used = pinfo.registry.call('nlpid', nlpid, payload, pinfo, tree);
  if (used < 0) dissectData(payload, pinfo, tree);
}

/** SNAP after NLPID 0x80: an ethertype (OUI 0), bridged 802.x (OUI 00-80-C2), else data. */
function dissectSnap(oui: number, pid: number, payload: Tvb, pinfo: PacketInfo, tree: Tree): void {
  let used = -1;
  if (oui === 0) used = pinfo.registry.call('etherType', pid, payload, pinfo, tree);
  else if (oui === 0x0080c2 && (pid === 0x0001 || pid === 0x0007)) {
    used = pinfo.registry.call('etherType', 0x6558, payload, pinfo, tree);
  }
  if (used < 0) dissectData(payload, pinfo, tree);
}

export const frModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('linkType', LinkType.FRELAY, dissectFr);
  },
};
