// One open capture file: its index, the capture-wide dissector state, and the file descriptor
// the packet bytes are read back through. A live capture is the same thing, tailing its file.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { columnsOf } from '../../app/dissect/columns.ts';
import { dissect } from '../../app/dissect/dissect.ts';
import { defaultRegistry } from '../../app/dissect/modules.ts';
import { CaptureState, type FrameMeta } from '../../app/dissect/packet-info.ts';
import type { Registry } from '../../app/dissect/registry.ts';
import { NULL_TREE, type Tree } from '../../app/dissect/tree.ts';
import type {
  DissectionPrefs,
  EngineError,
  FileSummary,
  LoadProgress,
  Row,
} from '../../app/protocol/messages.ts';
import { openCapture, type CaptureFile } from '../pcap/read.ts';
import { FrameClock, recordBytes } from './frame-meta.ts';
import { nodeCrypto } from './node-crypto.ts';
import { addSecrets, KeyLogFile } from './secrets.ts';
import { toEngineError } from './errors.ts';
import { PacketIndex, UNKNOWN_STACK, type IndexEntry } from './packet-index.ts';

const INDEX_ONLY = { wantInfo: false, crypto: nodeCrypto };
const WITH_INFO = { wantInfo: true, crypto: nodeCrypto };
/** Indexing work between turns of the event loop (ms), and how often the clock is read (2^k - 1). */
const SLICE_MS = 15;
/** A run read back at once: this many packets at most, spanning this many bytes of the file. */
export const RUN_PACKETS = 4096;
export const RUN_BYTES = 4 << 20;
const SLICE_CHECK = 63;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface LoadListener {
  onProgress(progress: LoadProgress): void;
  onError(error: EngineError, packets: number): void;
}

export class CaptureSession {
  readonly index = new PacketIndex();
  readonly state = new CaptureState();
  readonly registry: Registry = defaultRegistry();
  readonly summary: FileSummary;
  loadError: EngineError | null = null;
  done = false;
  /** Settles when the whole file is indexed (or the load failed or was cancelled). */
  readonly loaded: Promise<void>;
  /** Settles once the first batch is indexed (or the load ended): the first rows can be shown. */
  readonly firstBatch: Promise<void>;
  private firstBatchSeen: () => void = () => {};
  private readonly fd: number;
  private readonly file: CaptureFile;
  private readonly clock = new FrameClock();
  private readonly entry: IndexEntry = {
    dataOffset: 0,
    tsSec: 0,
    tsNsec: 0,
    capLen: 0,
    origLen: 0,
    linkType: 0,
    ifaceId: -1,
    proto: 0,
    hints: 0,
    stack: 0,
    networkOffset: -1,
    transportOffset: -1,
    flags: 0,
    custom: undefined,
  };
  private bytesRead = 0;
  private closed = false;
  private growthWaiters: (() => void)[] = [];

  /** The TLS key log preference's file, read again before each batch (it grows during a capture). */
  private readonly keyLog: KeyLogFile | null;

  private constructor(
    path: string,
    file: CaptureFile,
    private readonly listener: LoadListener,
    prefs: Partial<DissectionPrefs>,
  ) {
    this.file = file;
    this.keyLog = prefs.tlsKeylogFile ? new KeyLogFile(prefs.tlsKeylogFile) : null;
    this.fd = openSync(path, 'r');
    const info = file.info;
    this.summary = {
      path,
      name: basename(path),
      format: info.format,
      sizeBytes: fstatSync(this.fd).size,
      nanosecond: info.nanosecond,
      linkTypes: [...new Set(info.interfaces.map((i) => i.linkType))],
    };
    this.firstBatch = new Promise((resolve) => (this.firstBatchSeen = resolve));
    this.state.frameBytes = (n) => (n >= 1 && n <= this.index.count ? this.bytesOf(n - 1) : null);
    this.state.interfaceOf = (id) => file.info.interfaces[id];
    this.state.frameTime = (n) =>
      n >= 1 && n <= this.index.count
        ? { sec: this.index.tsSec[n - 1] ?? 0, nsec: this.index.tsNsec[n - 1] ?? 0 }
        : null;
    this.loaded = this.load();
  }

  /** Opens `path` and starts indexing it in the background. Throws CaptureFileError. */
  static open(path: string, listener: LoadListener, prefs: Partial<DissectionPrefs> = {}): CaptureSession {
    return new CaptureSession(path, openCapture(path), listener, prefs);
  }

  /** Indexes the batches `source` delivers as they come: a live capture tailing its file. */
  static tail(
    path: string,
    source: CaptureFile,
    listener: LoadListener,
    prefs: Partial<DissectionPrefs> = {},
  ): CaptureSession {
    return new CaptureSession(path, source, listener, prefs);
  }

  private async load(): Promise<void> {
    let lastReport = 0;
    try {
      for await (const batch of this.file) {
        this.keyLog?.refresh(this.state.secrets);
        // In slices, with a turn of the event loop between them: requests (rows, a detail, a
        // filter) are answered while a big file indexes, and the first rows as soon as they exist.
        for (let from = 0; from < batch.count;) {
          from = this.indexSlice(batch, from);
          this.firstBatchSeen();
          if (from < batch.count) await nextTurn();
          if (this.closed) return;
        }
        this.afterBatch(batch);
        const now = Date.now();
        if (now - lastReport > 100) {
          lastReport = now;
          this.listener.onProgress(this.progress());
        }
      }
    } catch (err) {
      this.loadError = toEngineError(err);
      this.listener.onError(this.loadError, this.index.count);
    } finally {
      this.done = true;
      this.notifyGrown();
      this.firstBatchSeen();
      this.file.close();
      this.listener.onProgress(this.progress());
    }
  }

  /** Indexes packets `from`… of `batch` for about SLICE_MS; returns the first one left. */
  private indexSlice(batch: Parameters<FrameClock['next']>[0], from: number): number {
    const e = this.entry;
    const deadline = performance.now() + SLICE_MS;
    let i = from;
    for (; i < batch.count; i++) {
      if ((i & SLICE_CHECK) === SLICE_CHECK && performance.now() > deadline) break;
      const meta = this.clock.next(batch, i);
      addSecrets(this.state, batch, i);
      const pinfo = dissect(this.registry, meta, recordBytes(batch, i), NULL_TREE, this.state, INDEX_ONLY);
      e.dataOffset = batch.dataOffset[i] ?? 0;
      e.tsSec = meta.tsSec;
      e.tsNsec = meta.tsNsec;
      e.capLen = meta.capLen;
      e.origLen = meta.origLen;
      e.linkType = meta.linkType;
      e.ifaceId = meta.ifaceId;
      e.proto = this.index.protocols.id(pinfo.proto);
      e.hints = pinfo.hints;
      e.stack = Math.min(this.index.stacks.id(pinfo.layers), UNKNOWN_STACK);
      e.networkOffset = pinfo.networkOffset;
      e.transportOffset = pinfo.transportOffset;
      e.flags = batch.flags?.[i] ?? 0;
      e.custom = meta.custom;
      this.index.push(e);
    }
    this.notifyGrown();
    return i;
  }

  private afterBatch(batch: Parameters<FrameClock['next']>[0]): void {
    const last = batch.count - 1;
    if (last >= 0) this.bytesRead = (batch.dataOffset[last] ?? 0) + (batch.capLen[last] ?? 0);
    this.notifyGrown();
  }

  /** Settles once the index holds more than `count` packets, or when indexing has ended. */
  whenGrown(count: number): Promise<void> {
    if (this.index.count > count || this.done) return Promise.resolve();
    return new Promise((resolve) => this.growthWaiters.push(resolve));
  }

  /** Wakes the waiters of whenGrown: call after appending to the index and when indexing ends. */
  notifyGrown(): void {
    const waiters = this.growthWaiters;
    this.growthWaiters = [];
    for (const w of waiters) w();
  }

  progress(): LoadProgress {
    return {
      packets: this.index.count,
      bytesRead: this.done ? this.summary.sizeBytes : this.bytesRead,
      // A live capture's file grows past the size it had when opened.
      sizeBytes: Math.max(this.summary.sizeBytes, this.bytesRead),
      done: this.done,
    };
  }

  cancelLoad(): void {
    this.file.cancel();
  }

  /** The bytes of packet `i` (0-based), read back from the file. */
  bytesOf(i: number): Uint8Array {
    const len = this.index.capLen[i] ?? 0;
    const out = new Uint8Array(len);
    readSync(this.fd, out, 0, len, this.index.dataOffset[i] ?? 0);
    return out;
  }

  /**
   * The last packet of the run that starts at `first` and stops before `end`: at most
   * RUN_PACKETS packets whose bytes span at most RUN_BYTES of the file (one read each).
   */
  runEnd(first: number, end = this.index.count): number {
    const x = this.index;
    const limit = Math.min(end, first + RUN_PACKETS);
    const base = x.dataOffset[first] ?? 0;
    let last = first;
    while (
      last + 1 < limit &&
      (x.dataOffset[last + 1] ?? 0) + (x.capLen[last + 1] ?? 0) - base <= RUN_BYTES
    ) {
      last++;
    }
    return last;
  }

  /**
   * The file's bytes from the start of packet `first`'s data to the end of packet `last`'s (0-based,
   * inclusive): one read for a run of packets; packet `i` is at `dataOffset[i] - dataOffset[first]`.
   * Read into `scratch` when it is big enough (the caller keeps nothing of it past its next use).
   */
  readRun(first: number, last: number, scratch?: Uint8Array): Uint8Array {
    const x = this.index;
    const base = x.dataOffset[first] ?? 0;
    const length = (x.dataOffset[last] ?? 0) + (x.capLen[last] ?? 0) - base;
    const out = scratch && scratch.length >= length ? scratch.subarray(0, length) : new Uint8Array(length);
    readSync(this.fd, out, 0, out.length, base);
    return out;
  }

  /**
   * FrameMeta of packet `i`, with the previous packet in file order for the delta and `shown`, the
   * previous displayed one (View.previousDisplayed), for the delta displayed.
   */
  metaOf(i: number, shown = i > 0 ? i - 1 : 0): FrameMeta {
    const x = this.index;
    const prev = i > 0 ? i - 1 : 0;
    return {
      number: i + 1,
      tsSec: x.tsSec[i] ?? 0,
      tsNsec: x.tsNsec[i] ?? 0,
      capLen: x.capLen[i] ?? 0,
      origLen: x.origLen[i] ?? 0,
      linkType: x.linkType[i] ?? 0,
      ifaceId: (x.iface[i] ?? 0) - 1,
      refSec: x.tsSec[0] ?? 0,
      refNsec: x.tsNsec[0] ?? 0,
      prevSec: x.tsSec[prev] ?? 0,
      prevNsec: x.tsNsec[prev] ?? 0,
      shownSec: x.tsSec[shown] ?? 0,
      shownNsec: x.tsNsec[shown] ?? 0,
      noTime: x.hasNoTime(i),
      custom: x.customBlockOf(i),
    };
  }

  /** Dissects packet `i` into `tree` (NULL_TREE for columns only); `shown` as for metaOf. */
  dissectPacket(i: number, tree: Tree = NULL_TREE, bytes = this.bytesOf(i), shown?: number) {
    return dissect(this.registry, this.metaOf(i, shown), bytes, tree, this.state, WITH_INFO);
  }

  /** The packet-list row of packet `i`; `prev` is the previous displayed packet (delta displayed). */
  row(i: number, prev: number): Row {
    const pinfo = this.dissectPacket(i, NULL_TREE, this.bytesOf(i), prev);
    const cols = columnsOf(pinfo);
    const x = this.index;
    return {
      number: i + 1,
      tsSec: x.tsSec[i] ?? 0,
      tsNsec: x.tsNsec[i] ?? 0,
      prevSec: x.tsSec[prev] ?? 0,
      prevNsec: x.tsNsec[prev] ?? 0,
      ...(x.hasNoTime(i) ? { noTime: true } : {}),
      source: cols.source,
      destination: cols.destination,
      protocol: cols.protocol,
      length: x.origLen[i] ?? 0,
      info: cols.info,
      hints: pinfo.hints | (pinfo.malformed ? 0x8000 : 0),
    };
  }

  close(): void {
    this.closed = true;
    this.file.cancel();
    closeSync(this.fd);
  }
}
