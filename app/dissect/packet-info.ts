// Per-packet facts shared between layers (Wireshark's packet_info): columns, addresses, ports,
// the protocol stack, and the capture-wide state of stateful dissectors (TCP streams, ...).
import type { PacketTimes } from '../format/time.ts';
import type { CryptoProvider } from './crypto.ts';
import type { Registry } from './registry.ts';
import { SecretStore } from './tls-keylog.ts';
import type { Tvb } from './tvb.ts';

/** What the file reader knows about one record, and the times its time fields are measured from. */
export interface FrameMeta extends PacketTimes {
  /** 1-based frame number. */
  number: number;
  capLen: number;
  origLen: number;
  linkType: number;
  /** pcapng interface id, or -1 where the file has none (pcap, a pcapng Custom Block). */
  ifaceId: number;
  /** Set for a pcapng Custom Block: the bytes are its custom data and options, not a packet. */
  custom?: CustomBlockMeta;
}

/** What a pcapng Custom Block says of itself beside its data. */
export interface CustomBlockMeta {
  /** Private Enterprise Number of whoever defined the block. */
  pen: number;
  /** Block type 0x00000BAD (may be copied to a new file), not 0x40000BAD. */
  copyAllowed: boolean;
  /** 0-based section of the file the block is in. */
  section: number;
}

/**
 * Bits of a record's flags, as the reader gives them (native RecordFlag) and the packet index
 * keeps them.
 */
export const enum RecordFlag {
  /** No time of its own (pcapng Simple Packet Block, Custom Block). */
  NoTimestamp = 1,
  CustomBlock = 2,
  CustomCopyAllowed = 4,
}

export const enum AddrKind {
  None = 0,
  Ether = 1,
  IPv4 = 4,
  IPv6 = 6,
}

/** Capture-wide state of stateful dissectors, one slot per dissector, made on first use. */
export class CaptureState {
  private readonly slots = new Map<string, unknown>();
  /** Decryption secrets (key log file, pcapng Decryption Secrets Blocks) for TLS, DTLS, QUIC, WireGuard. */
  readonly secrets = new SecretStore();
  /**
   * Reads frame `n`'s bytes again, for a revisit that needs bytes of earlier frames (a reassembled
   * TCP message); set by an engine that keeps its file open. A single pass (the CLI) needs none.
   */
  frameBytes: ((frame: number) => Uint8Array | null) | null = null;
  /** The arrival time of frame `n`, for a revisit that shows times relative to earlier frames. */
  frameTime: ((frame: number) => { sec: number; nsec: number } | null) | null = null;
  /** The name and description of pcapng interface `id`, as the file gives them (the frame tree shows them). */
  interfaceOf:
    ((id: number) => { name?: string; description?: string; section?: number } | undefined) | null = null;

  of<T>(key: string, make: () => T): T {
    let v = this.slots.get(key) as T | undefined;
    if (v === undefined) {
      v = make();
      this.slots.set(key, v);
    }
    return v;
  }
}

export interface DissectOptions {
  /** Build the Info column text (packet list, CLI summary). */
  wantInfo: boolean;
  /** TCP reassembly (issue 5); off means a packet-at-a-time decode. */
  reassemble?: boolean;
  /** Crypto for decryption (QUIC Initial, sessions with secrets; the engine and CLI pass node:crypto); absent: none. */
  crypto?: CryptoProvider;
}

export class PacketInfo {
  /** Protocol column: the top-most protocol's short name. */
  proto = '';
  /** Info column (only built when `wantInfo`). */
  info = '';
  /** The protocol stack, for frame.protocols (`eth:ethertype:ip:tcp`). */
  readonly layers: string[] = [];
  /** Link-layer addresses: offsets into `bytes` (6 bytes each), -1 when absent. */
  dlSrc = -1;
  dlDst = -1;
  /**
   * What a link-layer address is to the frame when that is not plain source or destination (an
   * 802.11 control frame's `RA`, `TA`, `BSSID`): the column then shows it as Wireshark does,
   * `name (address) (RA)`.
   */
  dlSrcRole = '';
  dlDstRole = '';
  /** Network addresses: kind and offsets into `bytes`. */
  netKind: AddrKind = AddrKind.None;
  netSrc = -1;
  netDst = -1;
  /**
   * Addresses that are names (Wireshark's AT_STRINGZ: a D-Bus message's sender and destination),
   * '' when none: set last, so they win over the addresses below in the Source and Destination columns.
   */
  srcName = '';
  dstName = '';
  /** Transport ports, -1 when absent. */
  srcPort = -1;
  dstPort = -1;
  /**
   * The innermost transport conversation: tcp.stream × 2 + 1 or udp.stream × 2, -1 when none (or
   * unknown): what per-conversation state of application protocols is keyed by.
   */
  conversation = -1;
  /** Set while dissecting the quoted packet inside an ICMP error: columns stay the outer ones. */
  inError = false;
  /** Set when any layer was malformed. */
  malformed = false;
  /**
   * Short name of the protocol being dissected where it differs from the Protocol column
   * (`DHCP/BOOTP` under `DHCP`): what a fault names, as Wireshark's current_proto.
   */
  currentProto = '';
  /** Info text that later writers keep in front of theirs (Wireshark's col_set_fence). */
  private infoFence = '';
  /** Set while the Protocol column belongs to an earlier message of the same TCP segment. */
  protoLocked = false;
  /** Bits for colouring rules and quick filters, set by dissectors (see `Hint`). */
  hints = 0;
  /**
   * Where the packet's first network (IPv4/IPv6) and transport (TCP/UDP) headers start in the
   * frame's own bytes, or -1: the engine keeps them so a display filter on header fields can read
   * them back without dissecting (main/engine/filter-scan.ts).
   */
  networkOffset = -1;
  transportOffset = -1;
  /** Data sources beyond the frame (reassembled, decrypted): source i + 1 of the tree's nodes. */
  readonly sources: { name: string; bytes: Uint8Array }[] = [];
  /** Set by TCP when its payload dissector may ask for more bytes (reassembly on, not in a quote). */
  canDesegment = false;
  /**
   * Set by a TCP payload dissector that needs more bytes (Wireshark's desegment_offset/len): where
   * in its payload the unfinished message starts, and how many more bytes it needs
   * (DESEGMENT_ONE_MORE_SEGMENT when it cannot tell yet). TCP resets both before each call.
   */
  desegmentOffset = 0;
  desegmentLen = 0;

  constructor(
    readonly meta: FrameMeta,
    readonly bytes: Uint8Array,
    readonly registry: Registry,
    readonly state: CaptureState,
    readonly options: DissectOptions,
  ) {}

  /** Notes `tvb` as the start of the packet's network header, if it is the first one in the frame. */
  noteNetworkHeader(tvb: Tvb): void {
    if (this.networkOffset < 0 && tvb.source === 0 && !this.inError) this.networkOffset = tvb.start;
  }

  /** Notes `tvb` as the start of the packet's transport header, if it is the first one in the frame. */
  noteTransportHeader(tvb: Tvb): void {
    if (this.transportOffset < 0 && tvb.source === 0 && !this.inError) this.transportOffset = tvb.start;
  }

  get wantInfo(): boolean {
    return this.options.wantInfo && !this.inError;
  }

  /** Sets the Protocol column unless inside an ICMP error quote. */
  setProto(name: string): void {
    if (!this.inError && !this.protoLocked) this.proto = name;
  }

  /**
   * Keeps the columns as they stand when another message of the same segment follows: its
   * dissector writes Info after the current text and leaves Protocol alone (col_set_fence and an
   * unwritable COL_PROTOCOL in Wireshark's desegment_pdus).
   */
  fenceColumns(): void {
    this.infoFence = this.info;
    this.protoLocked = true;
  }

  /** Adds a data source (reassembled or decrypted bytes); returns its index for Tvb.source. */
  addSource(name: string, bytes: Uint8Array): number {
    this.sources.push({ name, bytes });
    return this.sources.length;
  }

  /** Replaces the Info column (callers check `wantInfo` before building the text). */
  setInfo(text: string): void {
    if (this.inError) return;
    // Behind a fence the new text follows the fenced one, unless the writer already kept it.
    const fence = this.infoFence;
    this.info = fence && !text.startsWith(fence) ? fence + text : text;
  }
}

/** desegmentLen when a dissector needs more bytes but cannot tell how many. */
export const DESEGMENT_ONE_MORE_SEGMENT = 0x0fffffff;

/** Hint bits for colouring and the index (one bit per condition). */
export const enum Hint {
  TcpSyn = 1,
  TcpFin = 2,
  TcpRst = 4,
  IcmpError = 8,
  BadChecksum = 16,
  Arp = 32,
  Dns = 64,
  Http = 128,
  Icmp = 256,
  Udp = 512,
  Tcp = 1024,
}
