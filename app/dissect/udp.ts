// User Datagram Protocol (RFC 768): ports, length, checksum, stream index, payload by port.
import { dissectData } from './data.ts';
import { bytes, fields, FieldType, hex, names, proto, text, uint, type FieldDef } from './field.ts';
import { Conversations, expert, firstPass, ipLayer } from './ip-proto.ts';
import { AddrKind, Hint, type CaptureState, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { addStreamTimes, StreamTimes } from './stream-times.ts';
import { NULL_TREE, NodeFlag, type Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';

/** Ports traceroute(8) probes by default: 3 attempts for each of hops 1 to 10. */
const TRACEROUTE_FIRST = 33435;
const TRACEROUTE_LAST = 33464;

const CHECKSUM_STATUS = names({ 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' });

export const F = fields('udp', {
  '': proto('User Datagram Protocol'),
  srcport: uint('Source Port', 16),
  dstport: uint('Destination Port', 16),
  port: uint('Source or Destination Port', 16, { hidden: true }),
  length: uint('Length', 16),
  checksum: hex('Checksum', 16),
  'checksum.status': uint('Checksum Status', 8, { strings: CHECKSUM_STATUS, generated: true }),
  stream: uint('Stream index', 32, { generated: true }),
  _timestamps: text('Timestamps'),
  time_relative: {
    name: 'Time since first frame',
    type: FieldType.RelTime,
    unit: 'seconds',
    generated: true,
  },
  time_delta: {
    name: 'Time since previous frame',
    type: FieldType.RelTime,
    unit: 'seconds',
    generated: true,
  },
  payload: bytes('UDP payload'),
});

const newTimes = (): StreamTimes => new StreamTimes();

/** UDP conversations, for udp.stream. */
const newConversations = (): Conversations => new Conversations();
let convOwner: CaptureState | null = null;
let cachedConvs: Conversations | null = null;

function conversations(pinfo: PacketInfo): Conversations {
  if (pinfo.state !== convOwner || cachedConvs === null) {
    cachedConvs = pinfo.state.of('udp', newConversations);
    convOwner = pinfo.state;
  }
  return cachedConvs;
}

export function dissectUDP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  // The layer before the first read (a header cut short still shows it, as in tshark); the
  // Protocol column only once the header was read.
  pinfo.layers.push('udp');
  const sport = tvb.u16(o);
  const dport = tvb.u16(o + 2);
  pinfo.noteTransportHeader(tvb);
  pinfo.setProto('UDP');
  pinfo.hints |= Hint.Udp;
  if (!pinfo.inError) {
    pinfo.srcPort = sport;
    pinfo.dstPort = dport;
  }
  const wantInfo = pinfo.wantInfo;
  let info = wantInfo ? `${sport} → ${dport}` : '';
  if (wantInfo) pinfo.setInfo(info);
  const layer = ipLayer;
  const fragmented = layer.fragmented;
  const detail = tree !== NULL_TREE;

  tree.push(F[''], tvb, o, 8);
  if (tree.full) tree.label(`User Datagram Protocol, Src Port: ${sport}, Dst Port: ${dport}`);
  addPort(pinfo, tree, tvb, F.srcport, o, sport);
  addPort(pinfo, tree, tvb, F.dstport, o + 2, dport);
  tree.add(F.port, tvb, o, 2, sport);
  tree.add(F.port, tvb, o + 2, 2, dport);

  const reported = tvb.reportedRemaining(o);
  let ulen = tvb.u16(o + 4);
  if (ulen === 0 && layer.kind === AddrKind.IPv6) ulen = reported; // RFC 2675 jumbogram
  if (ulen < 8) {
    tree.push(F.length, tvb, o + 4, 2, ulen);
    if (tree.full) tree.label(`Length: ${ulen} (bogus, must be >= 8)`);
    expert(pinfo, tree, tvb, o + 4, 0, 'Error', 'Malformed', `Bad length value ${ulen} < 8`);
    tree.pop();
    tree.pop();
    if (wantInfo) pinfo.setInfo(`${info} [BAD UDP LENGTH ${ulen} < 8]`);
    return tvb.remaining(o);
  }
  const tooLong = ulen > reported && !fragmented && !pinfo.inError;
  if (tooLong) {
    tree.push(F.length, tvb, o + 4, 2, ulen);
    if (tree.full) tree.label(`Length: ${ulen} (bogus, payload length ${reported})`);
    expert(pinfo, tree, tvb, o + 4, 0, 'Error', 'Malformed', `Bad length value ${ulen} > IP payload length`);
    tree.pop();
    if (wantInfo) info += ` [BAD UDP LENGTH ${ulen} > IP PAYLOAD LENGTH]`;
  } else {
    tree.add(F.length, tvb, o + 4, 2, ulen);
  }
  if (wantInfo) {
    info += ` Len=${ulen - 8}`;
    pinfo.setInfo(info);
  }

  if (detail) {
    const sum = tvb.u16(o + 6);
    if (sum === 0) {
      // Zero means "none" over IPv4 (and in a quoted packet); over IPv6 it is illegal.
      const illegal = layer.kind === AddrKind.IPv6 && !pinfo.inError;
      tree.push(F.checksum, tvb, o + 6, 2, sum);
      if (tree.full)
        tree.label(`Checksum: 0x0000 [${illegal ? 'zero-value illegal' : 'zero-value ignored'}]`);
      if (illegal) expert(pinfo, tree, tvb, o + 6, 2, 'Error', 'Checksum', 'Illegal checksum value (0)');
      tree.add(F['checksum.status'], tvb, o + 6, illegal ? 0 : 2, illegal ? 4 : 3, NodeFlag.Generated);
      if (tree.full) tree.labelLast(`[Checksum Status: ${illegal ? 'Illegal' : 'Not present'}]`);
      tree.pop();
    } else {
      tree.add(F.checksum, tvb, o + 6, 2, sum);
      if (tree.full) tree.labelLast(`Checksum: 0x${sum.toString(16).padStart(4, '0')} [unverified]`);
      tree.add(F['checksum.status'], tvb, o + 6, 0, 2);
      if (tree.full) tree.labelLast('[Checksum Status: Unverified]');
    }
  } else {
    tvb.need(o + 6, 2);
  }
  if (wantInfo && layer.kind === AddrKind.IPv6 && !pinfo.inError && tvb.u16(o + 6) === 0) {
    pinfo.setInfo(`${pinfo.info} [ILLEGAL CHECKSUM (0)]`);
  }

  const stream = udpStream(pinfo, sport, dport);
  tree.add(F.stream, tvb, o + 8, 0, stream);
  pinfo.conversation = stream * 2;
  // Wireshark's udp_handle_timestamps: not for an empty datagram, nor one quoted by ICMP.
  if (!pinfo.inError && ulen !== 8) streamTimes(pinfo, stream, tvb, o, tree);

  const payloadLength = tooLong ? reported - 8 : ulen - 8;
  const captured = tvb.remaining(o + 8);
  if (captured > 0 && detail) {
    tree.add(F.payload, tvb, o + 8, captured);
    const n = Math.min(payloadLength, captured);
    if (tree.full) tree.labelLast(`UDP payload (${n} byte${n === 1 ? '' : 's'})`);
  }
  tree.pop();

  if (pinfo.inError && captured === 0) return tvb.remaining(o);
  // Wireshark cuts the payload at the UDP length; when the IP payload has nothing past the header
  // that cut fails and the datagram is malformed.
  if (tooLong && reported <= 8) throw new MalformedError('Malformed Packet', o + 8);
  const payload = tooLong ? tvb.sub(o + 8) : tvb.sub(o + 8, ulen - 8);
  // A payload none of whose bytes were captured goes to no dissector in tshark 4.0: the frame
  // ends as cut short (checked on crafted frames, on any port).
  if (captured === 0 && payload.reportedRemaining(o + 8) > 0) payload.need(o + 8, 1);
  // Bytes past a UDP length of 8 are a trailer, not a payload: tshark hands nothing on.
  if (payload.reportedRemaining(o + 8) > 0) {
    dispatchPorts(pinfo.registry, 'udpPort', sport, dport, payload, pinfo, tree);
  }
  return tooLong ? tvb.remaining(o) : Math.min(ulen, tvb.remaining(o));
}

/**
 * Hands a transport payload to the port table, lower port first (Wireshark's choice, so both
 * directions pick the same dissector and well-known ports win), then the heuristics, else data.
 * A dissector that returns 0 declines, as a new-style Wireshark dissector does.
 */
export function dispatchPorts(
  reg: Registry,
  table: 'udpPort' | 'tcpPort',
  sport: number,
  dport: number,
  payload: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  first = 0,
): void {
  const low = sport > dport ? dport : sport;
  const high = sport > dport ? sport : dport;
  if (first !== 0 && reg.call(table, first, payload, pinfo, tree) > 0) return;
  if (low !== 0 && low !== first && reg.call(table, low, payload, pinfo, tree) > 0) return;
  if (high !== 0 && high !== first && reg.call(table, high, payload, pinfo, tree) > 0) return;
  if (reg.tryHeuristics(table === 'udpPort' ? 'udp' : 'tcp', payload, pinfo, tree)) return;
  dissectData(payload, pinfo, tree);
}

/** The datagram's `[Timestamps]` in its stream, noted on the first pass. */
function streamTimes(pinfo: PacketInfo, stream: number, tvb: Tvb, o: number, tree: Tree): void {
  const times = pinfo.state.of('udp.times', newTimes);
  const t = firstPass(pinfo.state, pinfo)
    ? times.record(stream, pinfo.meta)
    : times.recorded(stream, pinfo.meta, pinfo.state);
  if (t) addStreamTimes(t, tvb, o, pinfo, tree, F);
}

function udpStream(pinfo: PacketInfo, sport: number, dport: number): number {
  const convs = conversations(pinfo);
  const frame = pinfo.meta.number;
  const c = convs.find(ipLayer, sport, dport, frame);
  if (c >= 0) return c;
  if (!firstPass(pinfo.state, pinfo)) return convs.count;
  return convs.create(ipLayer, sport, dport, frame);
}

export const udpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('ipProto', 17, dissectUDP);
  },
};

/** A port, with Wireshark's note when it is one a traceroute probe uses. */
function addPort(pinfo: PacketInfo, tree: Tree, tvb: Tvb, def: FieldDef, at: number, port: number): void {
  if (port < TRACEROUTE_FIRST || port > TRACEROUTE_LAST) {
    tree.add(def, tvb, at, 2, port);
    return;
  }
  const n = port - TRACEROUTE_FIRST;
  tree.push(def, tvb, at, 2, port);
  const note = `Possible traceroute: hop #${Math.floor(n / 3) + 1}, attempt #${(n % 3) + 1}`;
  expert(pinfo, tree, tvb, at, 0, 'Chat', 'Sequence', note);
  tree.pop();
}
