// Builds Ethernet/IPv4/TCP frames for reassembly tests: real header layouts, chosen payloads.
import { CaptureState } from '../../app/dissect/packet-info.ts';
import { dissectHex, type Dissected } from './dissect-hex.ts';

export interface Segment {
  /** true: client (10.0.0.1:40000) to server (10.0.0.2:port). */
  fromClient: boolean;
  seq: number;
  ack: number;
  flags?: number;
  payload?: string | Uint8Array;
}

const PSH_ACK = 0x18;

export function tcpFrame(s: Segment, port = 80): Uint8Array {
  const payload =
    typeof s.payload === 'string' ? new TextEncoder().encode(s.payload) : (s.payload ?? new Uint8Array());
  const ipLen = 20 + 20 + payload.length;
  const f = new Uint8Array(14 + ipLen);
  const v = new DataView(f.buffer);
  f.set([0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1], 0);
  v.setUint16(12, 0x0800);
  f[14] = 0x45;
  v.setUint16(16, ipLen);
  f[22] = 64;
  f[23] = 6;
  const client = [10, 0, 0, 1];
  const server = [10, 0, 0, 2];
  f.set(s.fromClient ? client : server, 26);
  f.set(s.fromClient ? server : client, 30);
  v.setUint16(34, s.fromClient ? 40000 : port);
  v.setUint16(36, s.fromClient ? port : 40000);
  v.setUint32(38, s.seq >>> 0);
  v.setUint32(42, s.ack >>> 0);
  v.setUint16(46, 0x5000 | (s.flags ?? PSH_ACK));
  v.setUint16(48, 65535);
  f.set(payload, 54);
  return f;
}

/** Dissects the segments in order as one capture (frame numbers from 1, 1 ms apart). */
export function dissectSegments(segments: Segment[], port = 80, state = new CaptureState()): Dissected[] {
  return segments.map((s, i) =>
    dissectHex(tcpFrame(s, port), 1, { number: i + 1, tsSec: 1, tsNsec: i * 1_000_000 }, state),
  );
}

/** Client 1000+, server 5000+: a handshake, so both directions have a sequence base. */
export function handshake(): Segment[] {
  return [
    { fromClient: true, seq: 1000, ack: 0, flags: 0x02 },
    { fromClient: false, seq: 5000, ack: 1001, flags: 0x12 },
    { fromClient: true, seq: 1001, ack: 5001, flags: 0x10 },
  ];
}

/** A string's characters as bytes (Latin-1: each character below 256 is one byte). */
export const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

export interface Datagram {
  /** Last byte of the hosts 10.0.0.`src` and 10.0.0.`dst` (and of their MACs, 02:00:00:00:00:xx). */
  src: number;
  dst: number;
  sport: number;
  dport: number;
  /** Sent to the Ethernet broadcast address instead of the destination's MAC. */
  broadcast?: boolean;
}

/** An Ethernet/IPv4/UDP frame from 10.0.0.`src`:`sport` to 10.0.0.`dst`:`dport` carrying `payload` (Latin-1). */
export function udpFrame(d: Datagram, payload: string): Uint8Array {
  const p = latin1(payload);
  const f = new Uint8Array(42 + p.length);
  const v = new DataView(f.buffer);
  f.set(d.broadcast ? [0xff, 0xff, 0xff, 0xff, 0xff, 0xff] : [2, 0, 0, 0, 0, d.dst], 0);
  f.set([2, 0, 0, 0, 0, d.src], 6);
  v.setUint16(12, 0x0800);
  f[14] = 0x45;
  v.setUint16(16, 28 + p.length);
  f[22] = 64;
  f[23] = 17;
  f.set([10, 0, 0, d.src, 10, 0, 0, d.dst], 26);
  v.setUint16(34, d.sport);
  v.setUint16(36, d.dport);
  v.setUint16(38, 8 + p.length);
  f.set(p, 42);
  return f;
}
