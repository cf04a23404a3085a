// Conversations and endpoints (tshark's -z conv and -z endpoints): frames and bytes between two
// addresses (with ports for TCP and UDP), in the order each was first seen.

/** A time relative to the first frame, as Wireshark's nstime: whole seconds and nanoseconds. */
export interface RelTime {
  sec: number;
  nsec: number;
}

/** One side of a conversation: the address text and, for TCP and UDP, the port. */
export interface Peer {
  address: string;
  port?: number;
}

export interface Conversation {
  a: Peer;
  b: Peer;
  /** Frames and bytes from A to B (tshark's "->"). */
  txFrames: number;
  txBytes: number;
  /** Frames and bytes from B to A (tshark's "<-"). */
  rxFrames: number;
  rxBytes: number;
  start: RelTime;
  stop: RelTime;
}

export interface Endpoint {
  peer: Peer;
  txFrames: number;
  txBytes: number;
  rxFrames: number;
  rxBytes: number;
}

const peerKey = (p: Peer): string => `${p.address} ${p.port ?? ''}`;
const samePeer = (x: Peer, y: Peer): boolean => x.address === y.address && x.port === y.port;
const before = (x: RelTime, y: RelTime): boolean => x.sec < y.sec || (x.sec === y.sec && x.nsec < y.nsec);

/** Conversations keyed by their unordered pair of peers; A is the source of the first frame. */
export class ConversationTable {
  readonly items: Conversation[] = [];
  private readonly index = new Map<string, Conversation>();

  add(src: Peer, dst: Peer, bytes: number, time: RelTime): void {
    const ks = peerKey(src);
    const kd = peerKey(dst);
    const key = ks < kd ? `${ks}|${kd}` : `${kd}|${ks}`;
    let c = this.index.get(key);
    if (!c) {
      c = { a: src, b: dst, txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0, start: time, stop: time };
      this.index.set(key, c);
      this.items.push(c);
    }
    if (samePeer(src, c.a) && samePeer(dst, c.b)) {
      c.txFrames++;
      c.txBytes += bytes;
    } else {
      c.rxFrames++;
      c.rxBytes += bytes;
    }
    if (before(time, c.start)) c.start = time;
    if (before(c.stop, time)) c.stop = time;
  }
}

/** Endpoints keyed by address (and port): each frame counts as sent by its source, received by its destination. */
export class EndpointTable {
  readonly items: Endpoint[] = [];
  private readonly index = new Map<string, Endpoint>();

  add(src: Peer, dst: Peer, bytes: number): void {
    const s = this.endpoint(src);
    s.txFrames++;
    s.txBytes += bytes;
    const d = this.endpoint(dst);
    d.rxFrames++;
    d.rxBytes += bytes;
  }

  private endpoint(peer: Peer): Endpoint {
    const key = peerKey(peer);
    let e = this.index.get(key);
    if (!e) {
      e = { peer, txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0 };
      this.index.set(key, e);
      this.items.push(e);
    }
    return e;
  }
}

/**
 * tshark's order: by total frames, most first; equal totals in the order first seen. Items with
 * no frames are left out (tshark's loop stops at zero).
 */
export function byFramesDescending<T extends { txFrames: number; rxFrames: number }>(
  items: readonly T[],
): T[] {
  const total = (x: T): number => x.txFrames + x.rxFrames;
  return items
    .map((item, i) => ({ item, i }))
    .filter(({ item }) => total(item) > 0)
    .sort((x, y) => total(y.item) - total(x.item) || x.i - y.i)
    .map(({ item }) => item);
}
