// Declarations of the C++ addon (native/src). Hand-written: the addon is the only source of truth
// for behaviour, this file for shape. main/ imports only the typed loader (native/index.ts).

/** Records of one batch as parallel arrays; packet i's bytes are data[dataStart[i] .. + capLen[i]]. */
export interface RecordBatch {
  count: number;
  /** Seconds since the epoch. */
  tsSec: Float64Array;
  /** Nanoseconds within the second (µs files are scaled). */
  tsNsec: Uint32Array;
  capLen: Uint32Array;
  origLen: Uint32Array;
  /** Link type of each record (pcapng: its interface's). */
  linkType: Uint32Array;
  /** pcapng interface id (global across sections, as tshark numbers them), -1 for pcap. */
  ifaceId: Int32Array;
  /** Byte offset in the file of the record (its header or block). */
  recordOffset: Float64Array;
  /** Byte offset in the file of the packet bytes. */
  dataOffset: Float64Array;
  dataStart: Uint32Array;
  /**
   * 0-based pcapng section of each record (0 for pcap). Absent in batches made in JS (live
   * capture through libpcap), as are `pen` and `flags`.
   */
  section?: Uint32Array;
  /** A pcapng Custom Block's Private Enterprise Number, 0 for other records. */
  pen?: Uint32Array;
  /**
   * RecordFlag bits (app/dissect/packet-info.ts): 1 the record has no time of its own (pcapng
   * Simple Packet Block, Custom Block; tsSec and tsNsec are 0), 2 a Custom Block (its bytes are
   * the custom data and options, it has no interface: ifaceId -1, linkType 0), 4 a Custom Block
   * that may be copied (block type 0x00000BAD; 0x40000BAD may not).
   */
  flags?: Uint8Array;
  /** The packet bytes, concatenated (empty when the reader was opened with includeData: false). */
  data: Uint8Array;
  /** Packet comments from pcapng options: [index in batch, text]. */
  comments: [number, string][];
  /**
   * pcapng Decryption Secrets Blocks, in file order: [index of the record they precede (count when
   * after the last), secrets type (0x544c534b TLS key log, 0x57474b4c WireGuard key log), data].
   */
  secrets?: [number, number, Uint8Array][];
}

export interface InterfaceInfo {
  linkType: number;
  snaplen: number;
  name?: string;
  description?: string;
  /** Timestamp units per second (1e6 for µs, 1e9 for ns). */
  tsResolution: number;
  /** 0-based index of the pcapng section that described the interface (0 for pcap). */
  section?: number;
}

export interface FileInfo {
  format: 'pcap' | 'pcapng';
  /** 'libpcap' when pcap_open_offline reads it, 'pcapng' for Trawl's own block reader. */
  engine: 'libpcap' | 'pcapng';
  byteOrder: 'little' | 'big';
  versionMajor: number;
  versionMinor: number;
  nanosecond: boolean;
  snaplen: number;
  /** The first interface's link type (pcap: the file's). */
  linkType: number;
  /** pcapng interfaces seen so far (updated as blocks are read); pcap: one entry. */
  interfaces: InterfaceInfo[];
  sizeBytes: number;
}

export interface ReaderOptions {
  /** Most records in one batch (default 8192). */
  batchRecords?: number;
  /** Most packet bytes in one batch (default 8 MiB). */
  batchBytes?: number;
  /** Copy packet bytes into batches (default true). */
  includeData?: boolean;
}

/**
 * Errors thrown or rejected by the addon are `Error`s with these extra properties.
 * code: 'ENOENT' | 'EACCES' | 'EIO' | 'BAD_FORMAT' | 'TRUNCATED' | 'BAD_RECORD' | 'CANCELLED' | 'EINVAL'
 * The message names the file, the offset and libpcap's own words.
 */
export interface NativeError extends Error {
  code: string;
  path?: string;
  offset?: number;
}

export class Reader {
  /** Opens `path` (synchronously reads the file header); throws NativeError. */
  constructor(path: string, options?: ReaderOptions);
  readonly info: FileInfo;
  /**
   * Reads the next batch on a native thread. Resolves null at the end of the file.
   * A fault mid-file resolves the good records before it first; the following call rejects
   * with the fault (code TRUNCATED or BAD_RECORD, `offset` where the file breaks).
   */
  next(): Promise<RecordBatch | null>;
  /** Stops a read in progress: its promise rejects with code CANCELLED. */
  cancel(): void;
  close(): void;
}

export interface WriterOptions {
  linkType: number;
  snaplen?: number;
  /** Write a nanosecond pcap (magic a1b23c4d); default false (µs). */
  nanosecond?: boolean;
  /** Append to an existing pcap written with the same options (live capture restarts). */
  append?: boolean;
}

export class Writer {
  /** Opens `path` for writing with pcap_dump_open; throws NativeError. */
  constructor(path: string, options: WriterOptions);
  /** Writes one packet through pcap_dump. */
  writePacket(tsSec: number, tsNsec: number, origLen: number, bytes: Uint8Array): void;
  /** Writes records [from, to) of a batch (default all). */
  writeBatch(batch: RecordBatch, from?: number, to?: number): void;
  /** Bytes written so far (pcap_dump_ftell64). */
  position(): number;
  flush(): void;
  close(): void;
}

/** libpcap's version string. */
export function libpcapVersion(): string;

export interface CaptureSessionOptions {
  /** Interface name; `any` captures cooked (LINKTYPE_LINUX_SLL2, 276). */
  iface: string;
  /** The pcap file (nanosecond timestamps) every packet is written to before JS sees it. */
  output: string;
  /** libpcap capture filter, compiled for the interface's link type; default none. */
  filter?: string;
  /** 1..262144, default 262144. */
  snaplen?: number;
  /** PACKET_ADD_MEMBERSHIP PACKET_MR_PROMISC; default true. */
  promiscuous?: boolean;
  /** Ring block size in bytes (multiple of the page size); default 4 MiB. */
  blockSize?: number;
  /** Blocks in the ring; default 16. */
  blockCount?: number;
  /** TPACKET_V3 frame size (a multiple of 16 dividing blockSize); default 2048. */
  frameSize?: number;
  /** Block-retire timeout in ms; default 50. */
  timeoutMs?: number;
  /** trawl-capture-helper, run when this process cannot open AF_PACKET sockets itself. */
  helperPath?: string;
  /** Autostop after this many packets are in the file (exactly). 0: never. */
  maxPackets?: number;
  /** Autostop once the file reaches this many bytes. 0: never. */
  maxBytes?: number;
  /** Autostop after this many seconds. 0: never. */
  maxSeconds?: number;
  /** How often PACKET_STATISTICS is read (ms); default 1000. */
  statsIntervalMs?: number;
  /** Hand batches to JS (default true); false when only the file matters (`trawl -i -w`). */
  batches?: boolean;
  /** Batches waiting for JS at most; a packet that finds the queue full is only in the file (JS reads it back as a gap). Default 4. */
  queueBatches?: number;
}

export interface CaptureSessionStats {
  /** Packets written to the file. */
  packets: number;
  /** Packet bytes written (sum of captured lengths). */
  bytes: number;
  /** PACKET_STATISTICS tp_packets (passed the filter, dropped ones included). */
  kernelPackets: number;
  /** PACKET_STATISTICS tp_drops: the ring was full. */
  kernelDrops: number;
  /** Packets in the file that JS never got as a batch (the queue to JS was full). */
  trawlDrops: number;
  /** PACKET_STATISTICS tp_freeze_q_cnt. */
  freezeCount: number;
}

/** Records of the file JS did not get because it fell behind: they start at fromOffset. */
export interface CaptureSkipped {
  packets: number;
  fromOffset: number;
}

export interface CaptureFault {
  code: 'EPERM' | 'ENODEV' | 'BAD_FILTER' | 'EINVAL' | 'EIO' | 'IFACE_DOWN';
  message: string;
  fix?: string;
}

export type CaptureSessionEvent =
  | { type: 'batch'; batch: RecordBatch; skipped?: CaptureSkipped }
  | {
      type: 'end';
      /** stopped: stop() was called; autostop: a limit was reached; failed: see error. */
      reason: 'stopped' | 'autostop' | 'failed';
      error?: CaptureFault;
      skipped?: CaptureSkipped;
    };

/**
 * A live capture on a TPACKET_V3 ring. The constructor sets everything up and starts the capture
 * thread; it throws an Error with `code` (BAD_FILTER before anything is created, ENODEV, EPERM
 * with `fix`, EINVAL, EIO, IFACE_DOWN). Events arrive on the JS thread; `end` is always the last.
 */
export class CaptureSession {
  constructor(options: CaptureSessionOptions, onEvent: (event: CaptureSessionEvent) => void);
  readonly linkType: number;
  readonly snaplen: number;
  readonly path: string;
  stats(): CaptureSessionStats;
  /** Asks the thread to stop: it takes what the kernel has, closes the file and sends `end`. */
  stop(): void;
  /**
   * While paused, packets go only to the file and JS hears of them as `skipped` with the first
   * batch after it resumes (or with `end`): nothing is copied for a JS thread that is behind.
   */
  pauseBatches(paused: boolean): void;
}

/**
 * The counters of an AF_PACKET socket of this process since they were last read (reading resets
 * them; tp_packets counts the dropped ones too). Throws an Error with code EINVAL for any other fd.
 */
export function packetSocketStatistics(fd: number): { packets: number; drops: number };

/** Compiles a capture filter for `linkType` with libpcap; throws an Error with code BAD_FILTER. */
export function checkCaptureFilter(linkType: number, filter: string, snaplen?: number): void;
