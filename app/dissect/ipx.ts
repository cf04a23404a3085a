// Novell IPX (LLC SAP 0xE0, ethertype 0x8137): the 30-byte header, whose length field bounds the
// packet, then by destination socket SAP, RIP and NetBIOS over IPX. Those three only name the
// Protocol column (Wireshark 4.0 adds no layer for them); other sockets' payloads are not decoded.
import { ether, fields, hex, names, proto, str, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const SOCKET = { NCP: 0x0451, SAP: 0x0452, RIP: 0x0453, NETBIOS: 0x0455, DIAGNOSTIC: 0x0456 };

const SOCKETS = names({
  0x0001: 'Routing Information Packet',
  0x0002: 'Echo Protocol Packet',
  0x0003: 'Error Handling Packet',
  [SOCKET.NCP]: 'NetWare Core Protocol',
  [SOCKET.SAP]: 'Service Advertisement Protocol',
  [SOCKET.RIP]: 'Routing Information Protocol',
  [SOCKET.NETBIOS]: 'NetBIOS',
  [SOCKET.DIAGNOSTIC]: 'Diagnostic Packet',
  0x0457: 'Serialization Packet',
  0x0553: 'NWLink SMB Name Query',
  0x0554: 'NWLink SMB Redirector',
  0x0555: 'NWLink SMB Messenger',
  0x0556: 'NWLink SMB Browse',
});

const PACKET_TYPES = names({
  0: 'IPX',
  1: 'RIP',
  2: 'Echo',
  3: 'Error',
  4: 'PEP',
  5: 'SPX',
  17: 'NCP',
  20: 'NetBIOS Broadcast',
});

export const F = fields('ipx', {
  '': proto('Internetwork Packet eXchange'),
  checksum: hex('Checksum', 16),
  len: uint('Length', 16),
  hops: uint('Transport Control (Hops)', 8),
  packet_type: hex('Packet Type', 8, { strings: PACKET_TYPES }),
  dst: str('Destination Address'),
  'dst.net': hex('Destination Network', 32),
  'dst.node': ether('Destination Node'),
  'dst.socket': hex('Destination Socket', 16, { strings: SOCKETS }),
  src: str('Source Address'),
  'src.net': hex('Source Network', 32),
  'src.node': ether('Source Node'),
  'src.socket': hex('Source Socket', 16, { strings: SOCKETS }),
});

const HEADER = 30;

const SAP_TYPES = names({
  1: 'General Query',
  2: 'General Response',
  3: 'Nearest Query',
  4: 'Nearest Response',
});
const RIP_TYPES = names({ 1: 'Request', 2: 'Response' });
const NBIPX_TYPES = names({
  1: 'Find name',
  2: 'Name recognized',
  3: 'Check name',
  4: 'Name in use',
  5: 'Deregister name',
  6: 'Session data',
  7: 'Session end',
  8: 'Session end ack',
  9: 'Status query',
  10: 'Status response',
  11: 'Directed datagram',
});
/** NetBIOS-over-IPX name packets: a 32-byte route, flags, type, then the 16-byte name. */
const NBIPX_NAME_TYPES = new Set([1, 2, 3, 4, 5]);

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

export function dissectIpx(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('ipx');
  pinfo.setProto('IPX');
  if (pinfo.wantInfo) pinfo.setInfo('');
  const length = tvb.u16(o + 2);
  const dstSocket = tvb.u16(o + 16);
  if (pinfo.wantInfo) pinfo.setInfo(SOCKETS.get(dstSocket) ?? `Unknown (0x${hex4(dstSocket)})`);
  tree.push(F[''], tvb, o, HEADER);
  tree.add(F.checksum, tvb, o, 2, tvb.u16(o));
  tree.add(F.len, tvb, o + 2, 2, length);
  tree.add(F.hops, tvb, o + 4, 1, tvb.u8(o + 4));
  tree.add(F.packet_type, tvb, o + 5, 1, tvb.u8(o + 5));
  addEndpoint(tvb, o + 6, 'dst', tree);
  addEndpoint(tvb, o + 18, 'src', tree);
  tree.pop();
  // A length below the header's own size leaves nothing to read the header from: malformed.
  const packet = tvb.sub(o, length);
  packet.need(o, HEADER);
  tvb.claim(length);
  dissectPayload(packet, dstSocket, pinfo);
  return length;
}

function addEndpoint(tvb: Tvb, at: number, which: 'dst' | 'src', tree: Tree): void {
  const net = tvb.u32(at);
  const node = Array.from(tvb.slice(at + 4, 6), (b) => b.toString(16).padStart(2, '0')).join('');
  tree.add(F[which], tvb, at, 12, `${net.toString(16).padStart(8, '0')}.${node}`);
  tree.add(F[`${which}.net`], tvb, at, 4, net);
  tree.add(F[`${which}.node`], tvb, at + 4, 6);
  tree.add(F[`${which}.socket`], tvb, at + 10, 2, tvb.u16(at + 10));
}

/** The socket's protocol names the Protocol and Info columns. */
function dissectPayload(tvb: Tvb, socket: number, pinfo: PacketInfo): void {
  const at = tvb.start + HEADER;
  if (socket === SOCKET.SAP) {
    pinfo.setProto('IPX SAP');
    const type = tvb.u16(at);
    if (pinfo.wantInfo) pinfo.setInfo(SAP_TYPES.get(type) ?? `Unknown Packet Type (${type})`);
    // Responses list 64-byte server entries, queries a server type.
    if (type === 2 || type === 4) readEntries(tvb, at + 2, SAP_ENTRY);
    else if (type === 1 || type === 3) tvb.u16(at + 2);
  } else if (socket === SOCKET.RIP) {
    pinfo.setProto('IPX RIP');
    const type = tvb.u16(at);
    if (pinfo.wantInfo) pinfo.setInfo(RIP_TYPES.get(type) ?? `Unknown Packet Type (${type})`);
    if (type === 1 || type === 2) readEntries(tvb, at + 2, RIP_ENTRY);
  } else if (socket === SOCKET.NETBIOS) {
    pinfo.setProto('NBIPX');
    const type = tvb.u8(at + 33);
    let info = NBIPX_TYPES.get(type) ?? `Unknown (0x${type.toString(16).padStart(2, '0')})`;
    if (NBIPX_NAME_TYPES.has(type)) info += ` ${netbiosName(tvb, at + 34)}`;
    if (pinfo.wantInfo) pinfo.setInfo(info);
  }
}

const SAP_ENTRY = 64;
const RIP_ENTRY = 8;

/** Reads fixed-size entries to the packet's end: a partial one is malformed, as in Wireshark. */
function readEntries(tvb: Tvb, at: number, size: number): void {
  for (let p = at; tvb.reportedRemaining(p) > 0; p += size) tvb.need(p, size);
}

/** A NetBIOS name as Wireshark shows it: 15 characters, trailing spaces cut, then `<suffix>`. */
function netbiosName(tvb: Tvb, at: number): string {
  const bytes = tvb.slice(at, 16);
  let name = '';
  for (let i = 0; i < 15; i++) {
    const b = bytes[i] ?? 0;
    name += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `<${b.toString(16).padStart(2, '0')}>`;
  }
  return `${name.replace(/ +$/, '')}<${(bytes[15] ?? 0).toString(16).padStart(2, '0')}>`;
}

export const ipxModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('llcSap', 0xe0, dissectIpx);
    reg.register('etherType', 0x8137, dissectIpx);
  },
};
