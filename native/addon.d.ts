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
  /** The packet bytes, concatenated (empty when the reader was opened with includeData: false). */
  data: Uint8Array;
  /** Packet comments from pcapng options: [index in batch, text]. */
  comments: [number, string][];
}

export interface InterfaceInfo {
  linkType: number;
  snaplen: number;
  name?: string;
  description?: string;
  /** Timestamp units per second (1e6 for µs, 1e9 for ns). */
  tsResolution: number;
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
