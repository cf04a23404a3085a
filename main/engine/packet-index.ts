// The compact per-packet index (41 bytes a packet): where each packet's bytes are in the file,
// its times and lengths, and the few summary ids the packet list and colouring need. Strings are
// never kept: rows are formatted from the bytes when someone looks at them.
import { RecordFlag, type CustomBlockMeta } from '../../app/dissect/packet-info.ts';

const INITIAL = 1 << 14;

/** Stack id of packets whose stack did not get an id of its own (more than 65,534 distinct stacks). */
export const UNKNOWN_STACK = 0xffff;

/** Interns short strings (protocol column names) into 16-bit ids. */
export class StringTable {
  private readonly ids = new Map<string, number>();
  readonly strings: string[] = [];

  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  text(id: number): string {
    return this.strings[id] ?? '';
  }
}

interface StackNode {
  id: number;
  readonly next: Map<string, StackNode>;
}

/**
 * Interns protocol stacks (`pinfo.layers`) into ids without joining them per packet: a trie over
 * the layer names, whose nodes remember the id of the stack that ends there.
 */
export class StackTable {
  private readonly root: StackNode = { id: -1, next: new Map() };
  private readonly texts: string[] = [];

  id(layers: readonly string[]): number {
    let node = this.root;
    for (const layer of layers) {
      let next = node.next.get(layer);
      if (next === undefined) node.next.set(layer, (next = { id: -1, next: new Map() }));
      node = next;
    }
    if (node.id < 0) {
      node.id = this.texts.length;
      this.texts.push(layers.join(':'));
    }
    return node.id;
  }

  /** The stack as `frame:eth:ethertype:ip:tcp`. */
  text(id: number): string {
    return this.texts[id] ?? '';
  }
}

export interface IndexEntry {
  dataOffset: number;
  tsSec: number;
  tsNsec: number;
  capLen: number;
  origLen: number;
  linkType: number;
  ifaceId: number;
  proto: number;
  hints: number;
  /** Id of the packet's protocol stack (`frame:eth:ethertype:ip:tcp`, interned in `stacks`). */
  stack: number;
  /** Offsets of the first network and transport headers in the frame (-1: none). */
  networkOffset: number;
  transportOffset: number;
  /** RecordFlag bits: no time of its own, a pcapng Custom Block. */
  flags: number;
  /** A Custom Block's facts (when flags say it is one). */
  custom: CustomBlockMeta | undefined;
}

/** A header offset the index could not hold (none, or past 254). */
export const NO_HEADER = 0xff;

export class PacketIndex {
  count = 0;
  private capacity = INITIAL;
  dataOffset = new Float64Array(INITIAL);
  tsSec = new Float64Array(INITIAL);
  /** Signed: a broken file's fraction of a second may be out of range (see FrameClock). */
  tsNsec = new Int32Array(INITIAL);
  capLen = new Uint32Array(INITIAL);
  origLen = new Uint32Array(INITIAL);
  linkType = new Uint16Array(INITIAL);
  /** pcapng interface id + 1 (0 = none). */
  iface = new Uint16Array(INITIAL);
  proto = new Uint16Array(INITIAL);
  hints = new Uint16Array(INITIAL);
  /** Protocol stack ids: display filters skip packets whose stack lacks what they need. */
  stack = new Uint16Array(INITIAL);
  /** Where the first network and transport headers start (NO_HEADER: none), for header filters. */
  network = new Uint8Array(INITIAL);
  transport = new Uint8Array(INITIAL);
  /** RecordFlag bits of each record. */
  flags = new Uint8Array(INITIAL);
  /** The pcapng Custom Blocks' facts, by index: they are rare, a byte a packet says which are. */
  readonly customBlocks = new Map<number, CustomBlockMeta>();
  readonly protocols = new StringTable();
  /** The distinct protocol stacks (`pinfo.layers`). */
  readonly stacks = new StackTable();

  /** Bytes a packet costs in this index. */
  static readonly BYTES_PER_PACKET = 8 + 8 + 4 + 4 + 4 + 2 + 2 + 2 + 2 + 2 + 1 + 1 + 1;

  /** Memory the index holds (allocated capacity, not just used entries). */
  bytesAllocated(): number {
    return this.capacity * PacketIndex.BYTES_PER_PACKET;
  }

  private grow(): void {
    const next = this.capacity * 2;
    const g = <T extends Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array>(
      a: T,
      make: new (n: number) => T,
    ): T => {
      const b = new make(next);
      b.set(a);
      return b;
    };
    this.dataOffset = g(this.dataOffset, Float64Array);
    this.tsSec = g(this.tsSec, Float64Array);
    this.tsNsec = g(this.tsNsec, Int32Array);
    this.capLen = g(this.capLen, Uint32Array);
    this.origLen = g(this.origLen, Uint32Array);
    this.linkType = g(this.linkType, Uint16Array);
    this.iface = g(this.iface, Uint16Array);
    this.proto = g(this.proto, Uint16Array);
    this.hints = g(this.hints, Uint16Array);
    this.stack = g(this.stack, Uint16Array);
    this.network = g(this.network, Uint8Array);
    this.transport = g(this.transport, Uint8Array);
    this.flags = g(this.flags, Uint8Array);
    this.capacity = next;
  }

  /** Appends one packet; returns its 0-based index. */
  push(e: IndexEntry): number {
    if (this.count === this.capacity) this.grow();
    const i = this.count++;
    this.dataOffset[i] = e.dataOffset;
    this.tsSec[i] = e.tsSec;
    this.tsNsec[i] = e.tsNsec;
    this.capLen[i] = e.capLen;
    this.origLen[i] = e.origLen;
    this.linkType[i] = e.linkType;
    this.iface[i] = e.ifaceId + 1;
    this.proto[i] = e.proto;
    this.hints[i] = e.hints;
    this.stack[i] = e.stack;
    this.network[i] = e.networkOffset >= 0 && e.networkOffset < NO_HEADER ? e.networkOffset : NO_HEADER;
    this.transport[i] =
      e.transportOffset >= 0 && e.transportOffset < NO_HEADER ? e.transportOffset : NO_HEADER;
    this.flags[i] = e.flags;
    if (e.custom && (e.flags & RecordFlag.CustomBlock) !== 0) this.customBlocks.set(i, e.custom);
    return i;
  }

  protocolOf(i: number): string {
    return this.protocols.text(this.proto[i] ?? 0);
  }

  /** Whether record `i` has no time of its own (its Time column and time fields are empty). */
  hasNoTime(i: number): boolean {
    return ((this.flags[i] ?? 0) & RecordFlag.NoTimestamp) !== 0;
  }

  /** Record `i`'s Custom Block facts, undefined when it is not one. */
  customBlockOf(i: number): CustomBlockMeta | undefined {
    return ((this.flags[i] ?? 0) & RecordFlag.CustomBlock) !== 0 ? this.customBlocks.get(i) : undefined;
  }
}
