// Follow TCP/UDP stream: the payload of one conversation in order, as Wireshark's follow tap puts
// it together (epan's follow.c and packet-tcp.c's follow listener): one chunk a segment or
// datagram, TCP segments placed by sequence number (retransmitted bytes dropped, segments after a
// gap held until the gap fills, a gap the receiver acknowledged marked as missing).

export type FollowProto = 'tcp' | 'udp';

export interface FollowEndpoint {
  /** Address as tshark prints it (IPv6 without brackets). */
  host: string;
  ipv6: boolean;
  port: number;
}

export interface FollowChunk {
  /** Sent by the server (node 1): the side that did not send the stream's first packet. */
  server: boolean;
  frame: number;
  tsSec: number;
  tsNsec: number;
  data: Uint8Array;
}

export interface FollowResult {
  proto: FollowProto;
  stream: number;
  /** The display filter that shows the stream (`tcp.stream eq 3`). */
  filter: string;
  /** Node 0 sent the stream's first packet; null when the stream has no packet. */
  client: FollowEndpoint | null;
  server: FollowEndpoint | null;
  chunks: FollowChunk[];
}

/** One packet of the stream as the follower needs it. */
export interface FollowPacket {
  frame: number;
  tsSec: number;
  tsNsec: number;
  src: FollowEndpoint;
  dst: FollowEndpoint;
  /** TCP only: raw sequence and acknowledgement numbers, SYN flag. */
  seq: number;
  ack: number;
  syn: boolean;
  payload: Uint8Array;
}

const sameEndpoint = (a: FollowEndpoint, b: FollowEndpoint): boolean =>
  a.host === b.host && a.port === b.port;

/** Sequence-space comparison (mod 2^32), as Wireshark's LT_SEQ/GT_SEQ. */
const seqDiff = (a: number, b: number): number => (a - b) | 0;

interface Pending {
  chunk: FollowChunk;
  seq: number;
}

/** One direction's reassembly state. */
class Direction {
  /** Next expected sequence number, once known. */
  next = 0;
  started = false;
  /** Segments that arrived after a gap, in arrival order. */
  held: Pending[] = [];
}

export class Follower {
  private client: FollowEndpoint | null = null;
  private server: FollowEndpoint | null = null;
  private readonly chunks: FollowChunk[] = [];
  private readonly dirs = [new Direction(), new Direction()] as const;

  constructor(
    readonly proto: FollowProto,
    readonly stream: number,
  ) {}

  /** Adds the stream's next packet (in frame order). */
  add(p: FollowPacket): void {
    if (this.client === null) {
      this.client = p.src;
      this.server = p.dst;
    }
    const server = !sameEndpoint(this.client, p.src);
    if (this.proto === 'udp') {
      if (p.payload.length > 0) this.chunks.push(chunkOf(p, server, p.payload));
      return;
    }
    this.addSegment(p, server);
  }

  private addSegment(p: FollowPacket, server: boolean): void {
    const dir = this.dirs[server ? 1 : 0];
    // An ACK can tell that the other side received bytes this capture never saw.
    const other = this.dirs[server ? 0 : 1];
    while (other.held.length > 0 && this.drain(other, !server, p.ack, p.frame, true));
    let seq = p.syn ? (p.seq + 1) >>> 0 : p.seq;
    let data = p.payload;
    if (!dir.started) {
      dir.started = true;
      dir.next = seq;
    }
    if (seqDiff(seq, dir.next) < 0) {
      // Starts in bytes already seen: keep only what is new, if anything.
      const end = (seq + data.length) >>> 0;
      if (seqDiff(end, dir.next) > 0) {
        data = data.subarray(seqDiff(dir.next, seq));
        seq = dir.next;
      }
    }
    if (data.length === 0 || seqDiff(seq, dir.next) < 0) return;
    const chunk = chunkOf(p, server, data);
    if (seq === dir.next) {
      dir.next = (dir.next + data.length) >>> 0;
      this.chunks.push(chunk);
      while (this.drain(dir, server, 0, p.frame, false));
    } else {
      dir.held.push({ chunk, seq });
    }
  }

  /**
   * Places one held segment that now fits (or is partly new after a retransmission), or, when
   * `useAck` and the other side acknowledged past the gap, marks the missing bytes. True when
   * something was placed.
   */
  private drain(dir: Direction, server: boolean, acked: number, frame: number, useAck: boolean): boolean {
    if (dir.held.length === 0) return false;
    let lowest = dir.held[0]?.seq ?? 0;
    for (let i = 0; i < dir.held.length; i++) {
      const h = dir.held[i] as Pending;
      if (seqDiff(lowest, h.seq) > 0) lowest = h.seq;
      if (seqDiff(h.seq, dir.next) < 0) {
        const end = (h.seq + h.chunk.data.length) >>> 0;
        if (seqDiff(end, dir.next) > 0) {
          const skip = seqDiff(dir.next, h.seq);
          this.chunks.push({ ...h.chunk, data: h.chunk.data.subarray(skip) });
          dir.next = end;
        }
        dir.held.splice(i, 1);
        return true;
      }
      if (h.seq === dir.next) {
        this.chunks.push(h.chunk);
        dir.next = (dir.next + h.chunk.data.length) >>> 0;
        dir.held.splice(i, 1);
        return true;
      }
    }
    if (useAck && seqDiff(acked, lowest) > 0) {
      // Wireshark's marker text, with its terminating NUL.
      const text = `[${seqDiff(lowest, dir.next)} bytes missing in capture file]\0`;
      const data = Uint8Array.from(text, (c) => c.charCodeAt(0));
      this.chunks.push({ server, frame, tsSec: 0, tsNsec: 0, data });
      dir.next = lowest;
      return true;
    }
    return false;
  }

  result(): FollowResult {
    return {
      proto: this.proto,
      stream: this.stream,
      filter: `${this.proto}.stream eq ${this.stream}`,
      client: this.client,
      server: this.server,
      chunks: this.chunks,
    };
  }
}

function chunkOf(p: FollowPacket, server: boolean, data: Uint8Array): FollowChunk {
  return { server, frame: p.frame, tsSec: p.tsSec, tsNsec: p.tsNsec, data: data.slice() };
}
