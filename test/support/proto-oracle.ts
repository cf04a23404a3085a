// Frame builders and tshark comparisons for protocol tests: IPv4/IPv6 frames carrying any IP
// protocol, TCP segments with options, and the parts of `-V` a test is about (the subtrees whose
// first line matches, at any depth), from the built CLI and from tshark on the same pcap.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { CLI, trawl } from './corpus.ts';
import { hexToBytes } from './dissect-hex.ts';
import { pcapFile, tempDir } from './pcap-bytes.ts';
import { rng, survives } from './fuzz.ts';
import { haveTshark } from './tshark-oracle.ts';

/** tshark and the built CLI are both there: the oracle comparisons can run. */
export const oracleReady = haveTshark && existsSync(CLI);

export const hex = hexToBytes;

function cat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function be16(v: number): number[] {
  return [(v >> 8) & 0xff, v & 0xff];
}

function be32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

/** Ethernet II from 02:00:00:00:00:01 to 02:00:00:00:00:02 with `etherType`. */
export function ethFrame(etherType: number, payload: Uint8Array): Uint8Array {
  return cat([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1], be16(etherType), payload);
}

/** An IPv4 header (no options, right checksum) from 10.0.0.`src` to 10.0.0.`dst`, then `payload`. */
export function ipv4Packet(
  proto: number,
  payload: Uint8Array,
  src = 1,
  dst = 2,
  totalLength?: number,
): Uint8Array {
  const h = [0x45, 0, ...be16(totalLength ?? 20 + payload.length), 0, 1, 0, 0, 64, proto, 0, 0];
  h.push(10, 0, 0, src, 10, 0, 0, dst);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += ((h[i] as number) << 8) | (h[i + 1] as number);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const c = ~sum & 0xffff;
  h[10] = c >> 8;
  h[11] = c & 0xff;
  return cat(h, payload);
}

/** An IPv6 header from fe80::`src` to fe80::`dst`, then `payload`. */
export function ipv6Packet(next: number, payload: Uint8Array, src = 1, dst = 2): Uint8Array {
  const addr = (n: number): number[] => [0xfe, 0x80, ...new Array<number>(13).fill(0), n];
  return cat([0x60, 0, 0, 0], be16(payload.length), [next, 64], addr(src), addr(dst), payload);
}

/** Ethernet/IPv4 frame carrying `payload` as IP protocol `proto`. */
export function ipFrame(proto: number, payload: Uint8Array, src = 1, dst = 2): Uint8Array {
  return ethFrame(0x0800, ipv4Packet(proto, payload, src, dst));
}

/** Ethernet/IPv6 frame carrying `payload` after next header `next`. */
export function ip6Frame(next: number, payload: Uint8Array, src = 1, dst = 2): Uint8Array {
  return ethFrame(0x86dd, ipv6Packet(next, payload, src, dst));
}

export interface TcpSpec {
  sport: number;
  dport: number;
  seq?: number;
  ack?: number;
  /** Default ACK (0x10). */
  flags?: number;
  /** Raw option bytes, padded with EOL to a multiple of 4. */
  options?: Uint8Array;
  payload?: Uint8Array;
}

/** A TCP header (checksum 0) with options and payload. */
export function tcpSegment(s: TcpSpec): Uint8Array {
  const opts = s.options ?? new Uint8Array();
  const padded = cat(opts, new Array<number>((4 - (opts.length % 4)) % 4).fill(0));
  const hlen = 20 + padded.length;
  return cat(
    be16(s.sport),
    be16(s.dport),
    be32(s.seq ?? 1000),
    be32(s.ack ?? 0),
    [(hlen / 4) << 4, s.flags ?? 0x10],
    be16(65535),
    [0, 0, 0, 0],
    padded,
    s.payload ?? new Uint8Array(),
  );
}

/** A UDP header (checksum 0) and `payload`. */
export function udpDatagram(sport: number, dport: number, payload: Uint8Array, length?: number): Uint8Array {
  return cat(be16(sport), be16(dport), be16(length ?? 8 + payload.length), [0, 0], payload);
}

/** Ethernet/IPv4/UDP frame from 10.0.0.1:`sport` to 10.0.0.2:`dport`. */
export function udpIpFrame(sport: number, dport: number, payload: Uint8Array): Uint8Array {
  return ipFrame(17, udpDatagram(sport, dport, payload));
}

/**
 * The lines of every subtree in `-V` output whose first line matches `heads` (at any depth),
 * under each frame's number: the part of a decode a protocol's test is about.
 */
export function subtrees(out: string, heads: RegExp): string {
  const keep: string[] = [];
  let depth = -1;
  for (const line of out.split('\n')) {
    if (/^Frame \d+:/.test(line)) {
      keep.push(line.split(':')[0] ?? line);
      depth = -1;
      continue;
    }
    const indent = line.length - line.trimStart().length;
    if (depth >= 0 && indent > depth && line.trim() !== '') {
      keep.push(line);
      continue;
    }
    depth = -1;
    if (heads.test(line.trimStart())) {
      depth = indent;
      keep.push(line);
    }
  }
  return keep.join('\n');
}

export interface Outputs {
  trawl: string;
  tshark: string;
}

/** The same command line run by the CLI and by tshark on a pcap of `frames` (link type `linkType`). */
export function both(frames: readonly Uint8Array[], args: readonly string[], linkType = 1): Outputs {
  const dir = tempDir('trawl-proto-');
  try {
    const records = frames.map((data, i) => ({ tsSec: i, tsFrac: 0, data }));
    const path = dir.file('frames.pcap', pcapFile({ linkType }, records));
    const full = ['-r', path, ...args];
    return {
      trawl: trawl(full).stdout,
      tshark: spawnSync('tshark', full, { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout,
    };
  } finally {
    dir.cleanup();
  }
}

/** `-T fields` of `fields` (all occurrences) for both. */
export function fieldsOfBoth(
  frames: readonly Uint8Array[],
  fields: readonly string[],
  linkType = 1,
): Outputs {
  return both(frames, ['-T', 'fields', '-E', 'occurrence=a', ...fields.flatMap((f) => ['-e', f])], linkType);
}

/** The `-V` subtrees matching `heads` for both. */
export function treesOfBoth(frames: readonly Uint8Array[], heads: RegExp, linkType = 1): Outputs {
  const out = both(frames, ['-V'], linkType);
  return { trawl: subtrees(out.trawl, heads), tshark: subtrees(out.tshark, heads) };
}

/**
 * A protocol test file's two tshark tests: on `frames`, Trawl's `-T fields` of `fields` and its
 * `-V` subtrees headed by `heads` are tshark's (both skipped where tshark or the CLI is missing).
 */
export function itAgreesWithTshark(
  frames: readonly Uint8Array[],
  fields: readonly string[],
  heads: RegExp,
  linkType = 1,
): void {
  it.skipIf(!oracleReady)('agrees with tshark field by field', () => {
    const f = fieldsOfBoth(frames, fields, linkType);
    expect(f.trawl).toBe(f.tshark);
  });
  it.skipIf(!oracleReady)('draws the same tree as tshark', () => {
    const t = treesOfBoth(frames, heads, linkType);
    expect(t.trawl).toBe(t.tshark);
  });
}

/**
 * Mutated copies of `frames` (bytes from `from` on flipped, some cut short) through every tree
 * sink: none may end in a dissector bug.
 */
export function fuzzFrames(frames: readonly Uint8Array[], from: number, seed: number, rounds = 60): void {
  const next = rng(seed);
  for (let r = 0; r < rounds; r++) {
    for (const f of frames) {
      const m = f.slice(0, next() < 0.3 ? from + Math.floor(next() * (f.length - from + 1)) : f.length);
      const flips = 1 + Math.floor(next() * 6);
      for (let k = 0; k < flips && m.length > from; k++) {
        m[from + Math.floor(next() * (m.length - from))] = Math.floor(next() * 256);
      }
      survives(m);
    }
  }
}

/**
 * A TCP connection from 10.0.0.1:`clientPort` to 10.0.0.2:`serverPort` (after a handshake with
 * ISNs 1000 and 5000 unless told): each segment carries the next sequence number of its side and
 * acknowledges all the other side sent.
 */
export class TcpStream {
  private cseq: number;
  private sseq: number;

  constructor(
    private readonly serverPort: number,
    private readonly clientPort = 40000,
    private readonly clientIsn = 1000,
    private readonly serverIsn = 5000,
  ) {
    this.cseq = clientIsn + 1;
    this.sseq = serverIsn + 1;
  }

  /** The client's SYN and the server's SYN/ACK that open the connection. */
  handshake(): Uint8Array[] {
    const [c, s] = [this.clientPort, this.serverPort];
    return [
      ipFrame(6, tcpSegment({ sport: c, dport: s, seq: this.clientIsn, flags: 0x02 }), 1, 2),
      ipFrame(
        6,
        tcpSegment({ sport: s, dport: c, seq: this.serverIsn, ack: this.clientIsn + 1, flags: 0x12 }),
        2,
        1,
      ),
    ];
  }

  /** The next PSH/ACK segment with `payload`, to the server or from it (on `port` if given). */
  segment(toServer: boolean, payload: Uint8Array, port = this.serverPort): Uint8Array {
    const c = this.clientPort;
    const s = toServer
      ? tcpSegment({ sport: c, dport: port, seq: this.cseq, ack: this.sseq, flags: 0x18, payload })
      : tcpSegment({ sport: port, dport: c, seq: this.sseq, ack: this.cseq, flags: 0x18, payload });
    if (toServer) this.cseq += payload.length;
    else this.sseq += payload.length;
    return toServer ? ipFrame(6, s, 1, 2) : ipFrame(6, s, 2, 1);
  }
}
