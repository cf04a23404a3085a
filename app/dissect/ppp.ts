// PPP (LINKTYPE_PPP 9, LINKTYPE_PPP_HDLC 50): the HDLC-like address and control bytes
// when present, a protocol number (one byte when its low bit is set, RFC 1661 field compression),
// then the protocol from the `pppProto` table. The control protocols (LCP, IPCP, PAP...) show
// their code, identifier and length; Multilink its fragment header.
import { dissectData } from './data.ts';
import { bool, fields, hex, names, proto, uint } from './field.ts';
import { LinkType } from './link-types.ts';
import { dissectOsi } from './osi.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import { TruncatedError, type Tvb } from './tvb.ts';

/** Wireshark's ppp_vals. */
export const PPP_PROTOCOLS = names({
  0x0001: 'Padding Protocol',
  0x0003: 'ROHC small-CID',
  0x0005: 'ROHC large-CID',
  0x0021: 'Internet Protocol version 4',
  0x0023: 'OSI Network Layer',
  0x0025: 'Xerox NS IDP',
  0x0027: 'DECnet Phase IV',
  0x0029: 'Appletalk',
  0x002b: 'Novell IPX',
  0x002d: 'Van Jacobson Compressed TCP/IP',
  0x002f: 'Van Jacobson Uncompressed TCP/IP',
  0x0031: 'Bridging PDU',
  0x0033: 'Stream Protocol (ST-II)',
  0x0035: 'Banyan Vines',
  0x0039: 'AppleTalk EDDP',
  0x003b: 'AppleTalk SmartBuffered',
  0x003d: 'Multi-Link',
  0x003f: 'NETBIOS Framing',
  0x0041: 'Cisco Systems',
  0x0043: 'Ascom Timeplex',
  0x0045: 'Fujitsu Link Backup and Load Balancing (LBLB)',
  0x0047: 'DCA Remote Lan',
  0x0049: 'Serial Data Transport Protocol (PPP-SDTP)',
  0x004b: 'SNA over 802.2',
  0x004d: 'SNA',
  0x004f: 'IPv6 Header Compression ',
  0x0051: 'KNX Bridging Data',
  0x0053: 'Encryption',
  0x0055: 'Individual Link Encryption',
  0x0057: 'Internet Protocol version 6',
  0x0059: 'PPP Muxing',
  0x005b: 'Vendor-Specific Network Protocol (VSNP)',
  0x005d: 'TRILL Network Protocol (TNP)',
  0x0061: 'RTP IPHC Full Header',
  0x0063: 'RTP IPHC Compressed TCP',
  0x0065: 'RTP IPHC Compressed Non TCP',
  0x0067: 'RTP IPHC Compressed UDP 8',
  0x0069: 'RTP IPHC Compressed RTP 8',
  0x006f: 'Stampede Bridging',
  0x0073: 'MP+ Protocol',
  0x00c1: 'NTCITS IPI',
  0x00fb: 'Single link compression in multilink',
  0x00fd: 'Compressed datagram',
  0x0201: '802.1d Hello Packets',
  0x0203: 'IBM Source Routing BPDU',
  0x0205: 'DEC LANBridge100 Spanning Tree',
  0x0207: 'Cisco Discovery Protocol',
  0x0209: 'Netcs Twin Routing',
  0x020b: 'STP - Scheduled Transfer Protocol',
  0x020d: 'EDP - Extreme Discovery Protocol',
  0x0211: 'Optical Supervisory Channel Protocol (OSCP)',
  0x0213: 'Optical Supervisory Channel Protocol (OSCP)',
  0x0231: 'Luxcom',
  0x0233: 'Sigma Network Systems',
  0x0235: 'Apple Client Server Protocol',
  0x0281: 'MPLS Unicast',
  0x0283: 'MPLS Multicast',
  0x0285: 'IEEE p1284.4 standard - data packets',
  0x0287: 'ETSI TETRA Network Protocol Type 1',
  0x0289: 'Multichannel Flow Treatment Protocol',
  0x2063: 'RTP IPHC Compressed TCP No Delta',
  0x2065: 'RTP IPHC Context State',
  0x2067: 'RTP IPHC Compressed UDP 16',
  0x2069: 'RTP IPHC Compressed RTP 16',
  0x4001: 'Cray Communications Control Protocol',
  0x4003: 'CDPD Mobile Network Registration Protocol',
  0x4005: 'Expand accelerator protocol',
  0x4007: 'ODSICP NCP',
  0x4009: 'DOCSIS DLL',
  0x400b: 'Cetacean Network Detection Protocol',
  0x4021: 'Stacker LZS',
  0x4023: 'RefTek Protocol',
  0x4025: 'Fibre Channel',
  0x4027: 'EMIT Protocols',
  0x405b: 'Vendor-Specific Protocol (VSP)',
  0x405d: 'TRILL Link State Protocol (TLSP)',
  0x8021: 'Internet Protocol Control Protocol',
  0x8023: 'OSI Network Layer Control Protocol',
  0x8025: 'Xerox NS IDP Control Protocol',
  0x8027: 'DECnet Phase IV Control Protocol',
  0x8029: 'AppleTalk Control Protocol',
  0x802b: 'Novell IPX Control Protocol',
  0x8031: 'Bridging NCP',
  0x8033: 'Stream Protocol Control Protocol',
  0x8035: 'Banyan Vines Control Protocol',
  0x803d: 'Multi-Link Control Protocol',
  0x803f: 'NETBIOS Framing Control Protocol',
  0x8041: 'Cisco Systems Control Protocol',
  0x8043: 'Ascom Timeplex',
  0x8045: 'Fujitsu LBLB Control Protocol',
  0x8047: 'DCA Remote Lan Network Control Protocol (RLNCP)',
  0x8049: 'Serial Data Control Protocol (PPP-SDCP)',
  0x804b: 'SNA over 802.2 Control Protocol',
  0x804d: 'SNA Control Protocol',
  0x804f: 'IP6 Header Compression Control Protocol',
  0x8051: 'KNX Bridging Control Protocol',
  0x8053: 'Encryption Control Protocol',
  0x8055: 'Individual Link Encryption Control Protocol',
  0x8057: 'IPv6 Control Protocol',
  0x8059: 'PPP Muxing Control Protocol',
  0x805b: 'Vendor-Specific Network Control Protocol (VSNCP)',
  0x805d: 'TRILL Network Control Protocol',
  0x806f: 'Stampede Bridging Control Protocol',
  0x8073: 'MP+ Control Protocol',
  0x80c1: 'NTCITS IPI Control Protocol',
  0x80fb: 'Single link compression in multilink control',
  0x80fd: 'Compression Control Protocol',
  0x8207: 'Cisco Discovery Protocol Control Protocol',
  0x8209: 'Netcs Twin Routing',
  0x820b: 'STP - Control Protocol',
  0x820d: 'EDPCP - Extreme Discovery Protocol Control Protocol',
  0x8235: 'Apple Client Server Protocol Control',
  0x8281: 'MPLS Control Protocol',
  0x8285: 'IEEE p1284.4 standard - Protocol Control',
  0x8287: 'ETSI TETRA TNP1 Control Protocol',
  0x8289: 'Multichannel Flow Treatment Protocol',
  0xc021: 'Link Control Protocol',
  0xc023: 'Password Authentication Protocol',
  0xc025: 'Link Quality Report',
  0xc027: 'Shiva Password Authentication Protocol',
  0xc029: 'Callback Control Protocol (CBCP)',
  0xc02b: 'BACP Bandwidth Allocation Control Protocol',
  0xc02d: 'BAP Bandwidth Allocation Protocol',
  0xc05b: 'Vendor-Specific Authentication Protocol (VSAP)',
  0xc081: 'Container Control Protocol',
  0xc223: 'Challenge Handshake Authentication Protocol',
  0xc225: 'RSA Authentication Protocol',
  0xc227: 'Extensible Authentication Protocol',
  0xc229: 'Mitsubishi Security Information Exchange Protocol (SIEP)',
  0xc26f: 'Stampede Bridging Authorization Protocol',
  0xc281: 'Proprietary Authentication Protocol',
  0xc283: 'Proprietary Authentication Protocol',
  0xc481: 'Proprietary Node ID Authentication Protocol',
});

export const PPP = {
  IP: 0x0021,
  OSI: 0x0023,
  MP: 0x003d,
  IPV6: 0x0057,
  IPCP: 0x8021,
  IPV6CP: 0x8057,
  CCP: 0x80fd,
  LCP: 0xc021,
  PAP: 0xc023,
  CHAP: 0xc223,
};

export const F = fields('ppp', {
  '': proto('Point-to-Point Protocol'),
  address: hex('Address', 8),
  control: hex('Control', 8),
  protocol: hex('Protocol', 16, { strings: PPP_PROTOCOLS }),
  code: uint('Code', 8),
  identifier: uint('Identifier', 8, { base: 'dec_hex' }),
  length: uint('Length', 16),
});

/** The control protocols: their layer name, Protocol column, tree title and code names. */
interface ControlProtocol {
  layer: string;
  column: string;
  title: string;
  codes: ReadonlyMap<number, string>;
}

const CP_CODES = {
  1: 'Configuration Request',
  2: 'Configuration Ack',
  3: 'Configuration Nak',
  4: 'Configuration Reject',
  5: 'Termination Request',
  6: 'Termination Ack',
  7: 'Code Reject',
};
const LCP_CODES = names({
  ...CP_CODES,
  8: 'Protocol Reject',
  9: 'Echo Request',
  10: 'Echo Reply',
  11: 'Discard Request',
  12: 'Identification',
  13: 'Time Remaining',
});
const CCP_CODES = names({ ...CP_CODES, 14: 'Reset Request', 15: 'Reset Ack' });

const CONTROL = new Map<number, ControlProtocol>([
  [PPP.LCP, { layer: 'lcp', column: 'PPP LCP', title: 'PPP Link Control Protocol', codes: LCP_CODES }],
  [PPP.IPCP, { layer: 'ipcp', column: 'PPP IPCP', title: 'PPP IP Control Protocol', codes: names(CP_CODES) }],
  [
    PPP.IPV6CP,
    { layer: 'ipv6cp', column: 'PPP IPV6CP', title: 'PPP IPv6 Control Protocol', codes: names(CP_CODES) },
  ],
  [PPP.CCP, { layer: 'ccp', column: 'PPP CCP', title: 'PPP Compression Control Protocol', codes: CCP_CODES }],
]);

const PAP_CODES = names({ 1: 'Authenticate-Request', 2: 'Authenticate-Ack', 3: 'Authenticate-Nak' });
const CHAP_CODES = names({ 1: 'Challenge', 2: 'Response', 3: 'Success', 4: 'Failure' });

const FPAP = fields('pap', {
  '': proto('PPP Password Authentication Protocol'),
  code: uint('Code', 8, { strings: PAP_CODES }),
  identifier: uint('Identifier', 8),
  length: uint('Length', 16),
  'peer_id.length': uint('Peer-ID-Length', 8),
  'password.length': uint('Password-Length', 8),
  'message.length': uint('Message-Length', 8),
});

const FCHAP = fields('chap', {
  '': proto('PPP Challenge Handshake Authentication Protocol'),
  code: uint('Code', 8, { strings: CHAP_CODES }),
  identifier: uint('Identifier', 8),
  length: uint('Length', 16),
});

const FMP = fields('mp', {
  '': proto('PPP Multilink Protocol'),
  frag: hex('Fragment', 8, { mask: 0xfc }),
  first: bool('First fragment', 8, 0x80, { tf: ['Yes', 'No'] }),
  last: bool('Last fragment', 8, 0x40, { tf: ['Yes', 'No'] }),
  seq: uint('Sequence number', 24),
});

/** One protocol node per control protocol, by layer name (`lcp`, `ipcp`...). */
const CONTROL_PROTOS = Object.fromEntries(
  [...CONTROL.values()].map((cp) => [cp.layer, fields(cp.layer, { '': proto(cp.title) })['']]),
);

/** The PPP header: address and control when the frame starts with FF 03, then the protocol. */
export function dissectPpp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('ppp');
  pinfo.setProto('PPP');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  let p = o;
  if (tvb.u8(o) === 0xff) {
    tree.add(F.address, tvb, o, 1, 0xff);
    tree.add(F.control, tvb, o + 1, 1, tvb.u8(o + 1));
    p += 2;
  }
  const { protocol, width } = readProtocol(tvb, p);
  tree.add(F.protocol, tvb, p, width, protocol);
  p += width;
  tree.pop(p - o);
  dispatchPppProtocol(protocol, tvb.sub(p), pinfo, tree);
  return tvb.remaining(o);
}

/** A protocol number: one byte when its low bit is set (RFC 1661 field compression), else two. */
function readProtocol(tvb: Tvb, at: number): { protocol: number; width: number } {
  const first = tvb.u8(at);
  return first & 1 ? { protocol: first, width: 1 } : { protocol: tvb.u16(at), width: 2 };
}

/** Hands a PPP payload to its protocol: the `pppProto` table, then the control protocols, else data. */
export function dispatchPppProtocol(protocol: number, payload: Tvb, pinfo: PacketInfo, tree: Tree): void {
  if (pinfo.registry.call('pppProto', protocol, payload, pinfo, tree) >= 0) return;
  const control = CONTROL.get(protocol);
  if (control !== undefined) {
    dissectControlProtocol(control, payload, pinfo, tree);
    return;
  }
  const s = payload.start;
  // Bytes the frame reports but the capture lacks: cut short here (Wireshark's data dissector).
  if (payload.remaining(s) === 0 && payload.reportedRemaining(s) > 0) throw new TruncatedError(s);
  const hex = protocol.toString(16).padStart(4, '0');
  pinfo.setProto(`0x${hex}`);
  if (pinfo.wantInfo) pinfo.setInfo(`PPP ${PPP_PROTOCOLS.get(protocol) ?? 'Unknown'} (0x${hex})`);
  dissectData(payload, pinfo, tree);
}

function dissectControlProtocol(cp: ControlProtocol, tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  pinfo.layers.push(cp.layer);
  pinfo.setProto(cp.column);
  const code = tvb.u8(o);
  if (pinfo.wantInfo)
    pinfo.setInfo(cp.codes.get(code) ?? `Unknown (0x${code.toString(16).padStart(2, '0')})`);
  const protoDef = CONTROL_PROTOS[cp.layer];
  if (protoDef !== undefined) tree.push(protoDef, tvb, o, tvb.remaining(o));
  tree.add(F.code, tvb, o, 1, code);
  if (tree.full) tree.labelLast(`Code: ${cp.codes.get(code) ?? 'Unknown'} (${code})`);
  tree.add(F.identifier, tvb, o + 1, 1, tvb.u8(o + 1));
  const length = tvb.u16(o + 2);
  tree.add(F.length, tvb, o + 2, 2, length);
  readControlBody(tvb, code, length);
  if (protoDef !== undefined) tree.pop();
}

const CONFIGURE = new Set([1, 2, 3, 4]);
const MAGIC_NUMBER_CODES = new Set([9, 10, 11, 12, 13]);

/**
 * Reads what the Length says follows (Configure options by type and length, an echo's magic
 * number), so a packet shorter than its Length is malformed as in Wireshark. Not shown in detail.
 */
function readControlBody(tvb: Tvb, code: number, length: number): void {
  const o = tvb.start;
  const end = o + length;
  if (CONFIGURE.has(code)) {
    let p = o + 4;
    while (p < end) {
      const optionLength = tvb.u8(p + 1);
      if (optionLength < 2) break;
      tvb.need(p, optionLength);
      p += optionLength;
    }
  } else if (MAGIC_NUMBER_CODES.has(code) && length >= 8) {
    tvb.u32(o + 4);
  }
}

/** PAP (RFC 1334): a request carries peer ID and password, an Ack or Nak a message. */
function dissectPap(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('pap');
  pinfo.setProto('PPP PAP');
  const code = tvb.u8(o);
  const codeName = PAP_CODES.get(code) ?? `Unknown (0x${code.toString(16).padStart(2, '0')})`;
  if (pinfo.wantInfo) pinfo.setInfo(codeName);
  tree.push(FPAP[''], tvb, o, tvb.remaining(o));
  tree.add(FPAP.code, tvb, o, 1, code);
  tree.add(FPAP.identifier, tvb, o + 1, 1, tvb.u8(o + 1));
  tree.add(FPAP.length, tvb, o + 2, 2, tvb.u16(o + 2));
  let p = o + 4;
  if (code === 1) {
    const peerLength = tvb.u8(p);
    tree.add(FPAP['peer_id.length'], tvb, p, 1, peerLength);
    p += 1 + peerLength;
    const peer = tvb.ascii(p - peerLength, peerLength);
    const passwordLength = tvb.u8(p);
    tree.add(FPAP['password.length'], tvb, p, 1, passwordLength);
    const password = tvb.ascii(p + 1, passwordLength);
    if (pinfo.wantInfo) pinfo.setInfo(`${codeName} (Peer-ID='${peer}', Password='${password}')`);
  } else if (code === 2 || code === 3) {
    const messageLength = tvb.u8(p);
    tree.add(FPAP['message.length'], tvb, p, 1, messageLength);
    const message = tvb.ascii(p + 1, messageLength);
    if (pinfo.wantInfo) pinfo.setInfo(`${codeName} (Message='${message}')`);
  }
  tree.pop();
  return tvb.remaining(o);
}

function dissectChap(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('chap');
  pinfo.setProto('PPP CHAP');
  const code = tvb.u8(o);
  if (pinfo.wantInfo)
    pinfo.setInfo(CHAP_CODES.get(code) ?? `Unknown (0x${code.toString(16).padStart(2, '0')})`);
  tree.push(FCHAP[''], tvb, o, tvb.remaining(o));
  tree.add(FCHAP.code, tvb, o, 1, code);
  tree.add(FCHAP.identifier, tvb, o + 1, 1, tvb.u8(o + 1));
  tree.add(FCHAP.length, tvb, o + 2, 2, tvb.u16(o + 2));
  tree.pop();
  return tvb.remaining(o);
}

/**
 * Multilink PPP (RFC 1990), long sequence numbers. A fragment that is both first and last is a
 * whole PPP payload (protocol number, then the protocol); others are not reassembled.
 */
function dissectMp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('mp');
  pinfo.setProto('PPP MP');
  if (pinfo.wantInfo) pinfo.setInfo('PPP Multilink');
  tree.push(FMP[''], tvb, o, 4);
  const flags = tvb.u8(o);
  tree.add(FMP.frag, tvb, o, 1, flags >> 2);
  tree.add(FMP.first, tvb, o, 1, (flags & 0x80) !== 0);
  tree.add(FMP.last, tvb, o, 1, (flags & 0x40) !== 0);
  const seq = tvb.u24(o + 1);
  tree.add(FMP.seq, tvb, o + 1, 3, seq);
  tree.pop();
  if ((flags & 0xc0) !== 0xc0) {
    if (pinfo.wantInfo) pinfo.setInfo(`PPP Multilink (PPP MP Unreassembled fragment ${seq})`);
    return tvb.remaining(o);
  }
  const { protocol, width } = readProtocol(tvb, o + 4);
  tree.add(F.protocol, tvb, o + 4, width, protocol);
  dispatchPppProtocol(protocol, tvb.sub(o + 4 + width), pinfo, tree);
  return tvb.remaining(o);
}

const ETHERTYPE_PPP = 0x880b;

/**
 * GRE hands its payload on through the ethertype table, where PPP (0x880B, PPTP) sits; Wireshark
 * has PPP in GRE's table only, so elsewhere (an Ethernet type 0x880B) it declines and the
 * ethertype layer shows data.
 */
function dissectPppInGre(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  if (pinfo.layers[pinfo.layers.length - 1] !== 'gre') return -1;
  return dissectPpp(tvb, pinfo, tree);
}

export const pppModule = {
  fields: Object.fromEntries(
    [F, FPAP, FCHAP, FMP, CONTROL_PROTOS].flatMap((g) => Object.values(g)).map((d) => [d.abbrev, d]),
  ),
  handoff(reg: Registry): void {
    reg.register('linkType', LinkType.PPP, dissectPpp);
    reg.register('linkType', LinkType.PPP_HDLC, dissectPpp);
    reg.register('etherType', ETHERTYPE_PPP, dissectPppInGre);
    const viaEthertype = (type: number) => (tvb: Tvb, pinfo: PacketInfo, tree: Tree) =>
      pinfo.registry.call('etherType', type, tvb, pinfo, tree);
    reg.register('pppProto', PPP.IP, viaEthertype(0x0800));
    reg.register('pppProto', PPP.IPV6, viaEthertype(0x86dd));
    reg.register('pppProto', PPP.OSI, dissectOsi);
    reg.register('pppProto', PPP.PAP, dissectPap);
    reg.register('pppProto', PPP.CHAP, dissectChap);
    reg.register('pppProto', PPP.MP, dissectMp);
  },
};
