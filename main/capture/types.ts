// The contract between live capture (main/capture/) and its users (the engine, the CLI).
// A capture writes every packet to its pcap file first, then hands the same packets to JS in the
// reader's RecordBatch format (with their file offsets), so the engine indexes a live capture
// exactly as it indexes an opened file.
import type { RecordBatch } from '../../native/index.ts';

export type CaptureBackend = 'ring' | 'libpcap';

export interface RingOptions {
  /** Bytes per block (power of two multiple of the page size); default 4 MiB. */
  blockSize?: number;
  /** Blocks in the ring; default 16. */
  blockCount?: number;
  /** Frame size hint (TPACKET_V3 packs frames; must divide blockSize); default 2048. */
  frameSize?: number;
  /** Block-retire timeout in ms; default 50. */
  timeoutMs?: number;
  /** Batches waiting for JS at most; past that they stay in the file and are read back. Default 32. */
  queueBatches?: number;
}

export interface AutoStop {
  packets?: number;
  seconds?: number;
  /** Stop after this many bytes written to the file. */
  bytes?: number;
}

export interface CaptureOptions {
  /** Interface name (`any` for the cooked pseudo-interface). */
  iface: string;
  /** libpcap capture-filter expression (compiled with pcap_compile for the interface's link type). */
  filter?: string;
  /** Default 262144. */
  snaplen?: number;
  /** Promiscuous mode; default true (as tcpdump/dumpcap). */
  promiscuous?: boolean;
  /** Default 'ring' on Linux. */
  backend?: CaptureBackend;
  ring?: RingOptions;
  /** The pcap file (ns timestamps) every packet is written to before JS sees it. */
  output: string;
  autostop?: AutoStop;
  /** Hand packets to onBatch (default true); false when only the file matters (`trawl -i -w`). */
  batches?: boolean;
  /** trawl-capture-helper to run without CAP_NET_RAW (ring backend); default: the one built with the addon. */
  helperPath?: string;
}

export interface CaptureStats {
  /** Packets written to the file. */
  packets: number;
  bytes: number;
  /** Dropped because the kernel ring was full (PACKET_STATISTICS tp_drops). */
  kernelDrops: number;
  /**
   * Packets JS did not get live because it fell behind (its bounded queue was full): they went to
   * the file only and reached JS through onGap, read back from it. None is lost.
   */
  trawlDrops: number;
  /** tp_freeze_q_cnt. */
  freezeCount: number;
}

/** A failure to start or continue a capture; `fix` is the one command that fixes it, when there is one. */
export interface CaptureFailure {
  code: 'EPERM' | 'ENODEV' | 'BAD_FILTER' | 'EINVAL' | 'EIO' | 'IFACE_DOWN';
  message: string;
  fix?: string;
}

export interface LiveCapture {
  readonly path: string;
  readonly linkType: number;
  readonly snaplen: number;
  /** Called for every batch after its packets are in the file (bounded queue; never re-entrant). */
  onBatch(listener: (batch: RecordBatch) => void): void;
  /** Current statistics (kernel counters read on a timer). */
  stats(): CaptureStats;
  /** Stops: flushes the file, resolves with the final statistics. Idempotent. */
  stop(): Promise<CaptureStats>;
  /** Settles when the capture ends by itself (autostop, interface gone: rejects with CaptureFailure). */
  readonly ended: Promise<CaptureStats>;
  /**
   * Called when batches were not handed to JS because it fell behind (counted in trawlDrops):
   * their `packets` records are in the file from byte `fromOffset` on, before the next batch.
   */
  onGap?(listener: (gap: CaptureGap) => void): void;
  /**
   * Asks the capture to stop (true) or resume (false) handing packets to onBatch while JS is
   * behind: they still go to the file and arrive through onGap instead, copied by nobody.
   */
  pauseBatches?(paused: boolean): void;
}

export interface CaptureGap {
  packets: number;
  fromOffset: number;
}

export interface InterfaceFlags {
  up: boolean;
  running: boolean;
  loopback: boolean;
  wireless: boolean;
}

export interface NetworkInterface {
  name: string;
  description: string;
  addresses: string[];
  flags: InterfaceFlags;
  /** DLT link type (1 Ethernet, 772 → 1 for loopback as libpcap reports, 276 SLL2 for `any`). */
  linkType: number;
  mtu: number;
  operstate: string;
}

/** Per-interface counters from /sys/class/net/IFACE/statistics (no privileges needed). */
export interface InterfaceCounters {
  name: string;
  rxPackets: number;
  txPackets: number;
  rxBytes: number;
  txBytes: number;
}
