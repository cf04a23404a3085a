// A live capture in the engine: a CaptureSession whose index grows from the LiveCapture's
// batches (the same indexing path as an opened file), its bytes read back from the capture file
// by offset. The file lives in the cache directory until the user saves it (moved, not rewritten).
import { closeSync, copyFileSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type {
  CaptureFailureInfo,
  CaptureStartOptions,
  CaptureStatsInfo,
  CaptureStatus,
  DissectionPrefs,
  FileSummary,
  LoadProgress,
} from '../../app/protocol/messages.ts';
import type { CaptureFailure, CaptureGap, CaptureStats, LiveCapture } from '../capture/types.ts';
import type { CaptureFile } from '../pcap/read.ts';
import type { FileInfo, RecordBatch } from '../../native/index.ts';
import type { CaptureProvider } from './capture-provider.ts';
import { EngineFailure } from './errors.ts';
import { CaptureSession, type LoadListener } from './session.ts';

const DEFAULT_SNAPLEN = 262144;
/** Row-count updates while capturing (the packet list follows within this). */
const PROGRESS_MS = 40;
/** Capture statistics (packets, drops, rate). */
const STATS_MS = 1000;
/** After stop, how long the last batches may take to arrive from the capture thread. */
const DRAIN_MS = 2000;

const FAILURE_CODES = new Set<CaptureFailure['code']>([
  'EPERM',
  'ENODEV',
  'BAD_FILTER',
  'EINVAL',
  'EIO',
  'IFACE_DOWN',
]);

/** A capture that could not start or continue, with the one command that fixes it. */
export class CaptureError extends EngineFailure {
  readonly fix: string | undefined;

  constructor(readonly failure: CaptureFailureInfo) {
    super(failure.code, failure.message);
    this.fix = failure.fix;
  }
}

/** A CaptureFailure however the capture side delivered it (plain object or Error with a code). */
export function toCaptureFailure(err: unknown): CaptureFailureInfo {
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; message?: unknown; fix?: unknown };
    if (typeof e.code === 'string' && FAILURE_CODES.has(e.code as CaptureFailure['code'])) {
      const out: CaptureFailureInfo = {
        code: e.code as CaptureFailure['code'],
        message: typeof e.message === 'string' ? e.message : String(e.code),
      };
      if (typeof e.fix === 'string' && e.fix) out.fix = e.fix;
      return out;
    }
  }
  return { code: 'EIO', message: err instanceof Error ? err.message : String(err) };
}

/** pcap record header: ts_sec, ts_nsec, caplen, origlen (the capture writes host order). */
const RECORD_HEADER = 16;
/** The file is read back in runs of this many bytes (or one record, if bigger). */
const GAP_READ = 4 << 20;
/** A batch read back from a gap holds at most this many packets and about this many bytes. */
const GAP_BATCH_PACKETS = 1 << 16;
const GAP_BATCH_BYTES = 8 << 20;
/** Batches held for the index beyond this many bytes wait in the file instead. */
const QUEUE_BYTES_MAX = 64 << 20;

export interface GapRead {
  batch: RecordBatch;
  /** What of the gap is left for the next read (null: all of it was read, or the file ends). */
  rest: CaptureGap | null;
}

/**
 * The first records of a gap: `gap.packets` records the capture wrote from `gap.fromOffset` on
 * but never handed to JS (it fell behind), read back from the file as a batch of bounded size, so
 * the index catches up. Read in big runs: the capture writes past the page cache, so every read
 * goes to the disk it writes to.
 */
export function readGap(path: string, gap: CaptureGap, linkType: number): GapRead {
  const fd = openSync(path, 'r');
  try {
    const n = Math.min(gap.packets, GAP_BATCH_PACKETS);
    const batch: RecordBatch = {
      count: 0,
      tsSec: new Float64Array(n),
      tsNsec: new Uint32Array(n),
      capLen: new Uint32Array(n),
      origLen: new Uint32Array(n),
      linkType: new Uint32Array(n).fill(linkType),
      ifaceId: new Int32Array(n).fill(-1),
      recordOffset: new Float64Array(n),
      dataOffset: new Float64Array(n),
      dataStart: new Uint32Array(n),
      data: new Uint8Array(0),
      comments: [],
    };
    const runs: Uint8Array[] = [];
    let dataLen = 0;
    let run: Uint8Array = new Uint8Array(0);
    let view = new DataView(run.buffer);
    let runAt = gap.fromOffset;
    let at = gap.fromOffset;
    let ended = false;
    while (batch.count < n && dataLen < GAP_BATCH_BYTES) {
      if (!holdsRecord(view, at - runAt)) {
        ended = true;
        run = readRun(fd, at, RECORD_HEADER);
        runAt = at;
        if (run.length < RECORD_HEADER) break;
        const whole = RECORD_HEADER + dataViewOf(run).getUint32(8, true);
        if (run.length < whole) run = readRun(fd, at, whole);
        if (run.length < whole) break;
        view = dataViewOf(run);
        ended = false;
      }
      const rel = at - runAt;
      const capLen = view.getUint32(rel + 8, true);
      const i = batch.count++;
      batch.tsSec[i] = view.getUint32(rel, true);
      batch.tsNsec[i] = view.getUint32(rel + 4, true);
      batch.capLen[i] = capLen;
      batch.origLen[i] = view.getUint32(rel + 12, true);
      batch.recordOffset[i] = at;
      batch.dataOffset[i] = at + RECORD_HEADER;
      batch.dataStart[i] = dataLen;
      runs.push(run.subarray(rel + RECORD_HEADER, rel + RECORD_HEADER + capLen));
      dataLen += capLen;
      at += RECORD_HEADER + capLen;
    }
    batch.data = new Uint8Array(dataLen);
    let off = 0;
    for (const bytes of runs) {
      batch.data.set(bytes, off);
      off += bytes.length;
    }
    const left = gap.packets - batch.count;
    return { batch, rest: left > 0 && !ended ? { packets: left, fromOffset: at } : null };
  } finally {
    closeSync(fd);
  }
}

function dataViewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Whether the run seen through `view` holds the whole record starting at `rel`. */
function holdsRecord(view: DataView, rel: number): boolean {
  return (
    rel + RECORD_HEADER <= view.byteLength &&
    rel + RECORD_HEADER + view.getUint32(rel + 8, true) <= view.byteLength
  );
}

/** Up to GAP_READ bytes of the file from `at` (at least `need`, fewer only at its end). */
function readRun(fd: number, at: number, need: number): Uint8Array {
  const out = new Uint8Array(Math.max(GAP_READ, need));
  let got = 0;
  while (got < need) {
    const n = readSync(fd, out, got, out.length - got, at + got);
    if (n === 0) break;
    got += n;
  }
  return out.subarray(0, got);
}

/**
 * The capture's batches as the CaptureFile the session reads: pushed by the capture thread,
 * pulled by the session's load loop, ended when the capture has stopped and drained.
 */
export class LiveBatches implements CaptureFile {
  readonly info: FileInfo;
  /** Batches, and gaps to read back from the file when their turn comes. */
  private readonly queue: (RecordBatch | CaptureGap)[] = [];
  /** Bytes of the batches in the queue. */
  private queuedBytes = 0;
  private puller: ((batch: RecordBatch | null) => void) | null = null;
  private ended = false;
  /** Packets received from the capture so far. */
  received = 0;
  private receivedWaiters: (() => void)[] = [];

  /** The capture thread was asked to stop copying packets for JS (they wait in the file). */
  private paused = false;

  constructor(
    readonly path: string,
    linkType: number,
    snaplen: number,
    private readonly pauseBatches: ((paused: boolean) => void) | undefined,
    private readonly queueBytesMax = QUEUE_BYTES_MAX,
  ) {
    this.info = {
      format: 'pcap',
      engine: 'libpcap',
      byteOrder: 'little',
      versionMajor: 2,
      versionMinor: 4,
      nanosecond: true,
      snaplen,
      linkType,
      interfaces: [{ linkType, snaplen, tsResolution: 1e9 }],
      sizeBytes: 24,
    };
  }

  push(batch: RecordBatch): void {
    if (this.ended || batch.count === 0) return;
    this.received += batch.count;
    const pull = this.puller;
    if (pull) {
      this.puller = null;
      pull(batch);
    } else if (this.queuedBytes + batch.data.length > this.queueBytesMax) {
      // Backpressure, not growth: the bytes are in the file, kept there until the index gets to them,
      // and the capture thread stops copying packets for JS until it has caught up.
      this.queue.push({ packets: batch.count, fromOffset: batch.recordOffset[0] ?? 0 });
      this.setPaused(true);
    } else {
      this.queue.push(batch);
      this.queuedBytes += batch.data.length;
    }
    this.wakeReceivedWaiters();
  }

  /** Records JS never got (it fell behind): read back from the file in their turn. */
  pushGap(gap: CaptureGap): void {
    if (this.ended || gap.packets === 0) return;
    this.received += gap.packets;
    this.queue.push(gap);
    const pull = this.puller;
    if (pull) {
      this.puller = null;
      pull(this.takeNext() as RecordBatch);
    }
    this.wakeReceivedWaiters();
  }

  private wakeReceivedWaiters(): void {
    const waiters = this.receivedWaiters;
    this.receivedWaiters = [];
    for (const w of waiters) w();
  }

  /** Settles when `count` packets have arrived, or after `ms`. */
  async whenReceived(count: number, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.received < count && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.receivedWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  end(): void {
    this.ended = true;
    const pull = this.puller;
    this.puller = null;
    pull?.(null);
  }

  /** The next batch in the queue, a gap's next part read from the file; undefined when empty. */
  private takeNext(): RecordBatch | undefined {
    const item = this.queue.shift();
    if (this.queue.length === 0) this.setPaused(false);
    if (item === undefined || 'count' in item) {
      if (item) this.queuedBytes -= item.data.length;
      return item;
    }
    const { batch, rest } = readGap(this.path, item, this.info.linkType);
    if (rest) this.queue.unshift(rest);
    return batch;
  }

  private setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    this.pauseBatches?.(paused);
  }

  next(): Promise<RecordBatch | null> {
    const batch = this.takeNext();
    if (batch) return Promise.resolve(batch);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => (this.puller = resolve));
  }

  cancel(): void {
    this.end();
  }

  close(): void {
    this.end();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordBatch> {
    for (;;) {
      const batch = await this.next();
      if (!batch) return;
      yield batch;
    }
  }
}

export interface LiveListener extends LoadListener {
  onStats(stats: CaptureStatsInfo): void;
  /** The capture ended (stopped by the user, autostop or a failure) and every packet is indexed. */
  onEnded(status: CaptureStatus): void;
}

export class LiveSession {
  private state: CaptureStatus['state'] = 'running';
  private endedBy: CaptureStatus['endedBy'];
  private failure: CaptureFailureInfo | undefined;
  private saved = false;
  /** The file is still the temporary one in the cache directory (a first save moves it). */
  private temporary = true;
  private lastStats: CaptureStats;
  private rate = 0;
  private rateAt = Date.now();
  private ratePackets = 0;
  private readonly startedAt = Date.now();
  private endedAt: number | null = null;
  private ending: Promise<CaptureStatus> | null = null;
  private stopping = false;
  private readonly timer: ReturnType<typeof setInterval>;
  private lastProgressCount = -1;
  private ticks = 0;

  private constructor(
    readonly options: CaptureStartOptions,
    private readonly capture: LiveCapture,
    private readonly batches: LiveBatches,
    readonly session: CaptureSession,
    private readonly listener: LiveListener,
  ) {
    this.lastStats = capture.stats();
    capture.ended.then(
      (stats) => void this.finish(this.stopping ? 'user' : 'autostop', stats),
      (err: unknown) => void this.finish('failure', this.safeStats(), toCaptureFailure(err)),
    );
    this.timer = setInterval(() => this.tick(), PROGRESS_MS);
    this.timer.unref?.();
  }

  /** Starts capturing into a new file in the cache directory. Throws CaptureError. */
  static async start(
    provider: CaptureProvider,
    options: CaptureStartOptions,
    listener: LiveListener,
    prefs: Partial<DissectionPrefs> = {},
  ): Promise<LiveSession> {
    let capture: LiveCapture;
    try {
      capture = await provider.startCapture({ snaplen: DEFAULT_SNAPLEN, promiscuous: true, ...options });
    } catch (err) {
      if (err instanceof EngineFailure && !(err instanceof CaptureError)) throw err;
      throw new CaptureError(toCaptureFailure(err));
    }
    const batches = new LiveBatches(
      capture.path,
      capture.linkType,
      capture.snaplen,
      capture.pauseBatches?.bind(capture),
    );
    capture.onBatch((batch) => batches.push(batch));
    // Records JS never got (it fell behind) are in the file: read them back, in file order.
    capture.onGap?.((gap) => batches.pushGap(gap));
    const session = CaptureSession.tail(capture.path, batches, listener, prefs);
    return new LiveSession(options, capture, batches, session, listener);
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /** Packets would be lost by closing: some were captured and nobody saved them. */
  needsSave(): boolean {
    return !this.saved && this.session.index.count > 0;
  }

  status(): CaptureStatus {
    const status: CaptureStatus = {
      state: this.state,
      options: this.options,
      path: this.session.summary.path,
      saved: this.saved,
      stats: this.statsInfo(),
    };
    if (this.endedBy) status.endedBy = this.endedBy;
    if (this.failure) status.failure = this.failure;
    return status;
  }

  /** Stops the capture; resolves once every packet it wrote is indexed. Idempotent. */
  async stop(): Promise<CaptureStatus> {
    if (this.ending) return this.ending;
    this.stopping = true;
    let stats: CaptureStats;
    try {
      stats = await this.capture.stop();
    } catch (err) {
      return this.finish('failure', this.safeStats(), toCaptureFailure(err));
    }
    return this.finish('user', stats);
  }

  /** Leaves without waiting (the engine is closing): the capture stops, its file stays. */
  abandon(): void {
    clearInterval(this.timer);
    if (this.state === 'running') void this.capture.stop().catch(() => {});
    this.batches.end();
  }

  /** Moves the capture file to `path` the first time, copies it after. The capture must have stopped. */
  save(path: string): { packets: number; file: FileSummary } {
    if (this.state === 'running') throw new EngineFailure('BAD_REQUEST', 'Stop the capture before saving it');
    const from = this.session.summary.path;
    const to = resolve(path);
    if (to !== resolve(from)) {
      try {
        if (this.temporary) renameSync(from, to);
        else copyFileSync(from, to);
      } catch (err) {
        // Another file system: copy, then drop the temporary file (the session's descriptor keeps it readable).
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw saveError(err, to);
        try {
          copyFileSync(from, to);
        } catch (e) {
          throw saveError(e, to);
        }
        if (this.temporary) rmSync(from, { force: true });
      }
    }
    this.temporary = false;
    this.saved = true;
    const summary = this.session.summary;
    summary.path = to;
    summary.name = basename(to);
    return { packets: this.session.index.count, file: { ...summary } };
  }

  /** Deletes the capture file unless it was saved (the user chose to discard it). */
  removeFile(): void {
    if (this.temporary) rmSync(this.session.summary.path, { force: true });
  }

  private safeStats(): CaptureStats {
    try {
      return this.capture.stats();
    } catch {
      return this.lastStats;
    }
  }

  private statsInfo(): CaptureStatsInfo {
    const s = this.lastStats;
    return {
      packets: s.packets,
      bytes: s.bytes,
      kernelDrops: s.kernelDrops,
      trawlDrops: s.trawlDrops,
      freezeCount: s.freezeCount,
      indexed: this.session.index.count,
      rate: this.state === 'running' ? this.rate : 0,
      elapsedMs: (this.endedAt ?? Date.now()) - this.startedAt,
    };
  }

  private tick(): void {
    const count = this.session.index.count;
    if (count !== this.lastProgressCount) {
      this.lastProgressCount = count;
      this.listener.onProgress(this.progress());
    }
    if (++this.ticks % (STATS_MS / PROGRESS_MS) !== 0 || this.state !== 'running') return;
    this.lastStats = this.safeStats();
    const now = Date.now();
    const dt = (now - this.rateAt) / 1000;
    if (dt > 0) this.rate = (this.lastStats.packets - this.ratePackets) / dt;
    this.rateAt = now;
    this.ratePackets = this.lastStats.packets;
    this.listener.onStats(this.statsInfo());
  }

  /** The session's progress; `done` stays false while capturing (the list keeps growing). */
  private progress(): LoadProgress {
    return this.session.progress();
  }

  private finish(
    endedBy: NonNullable<CaptureStatus['endedBy']>,
    stats: CaptureStats,
    failure?: CaptureFailureInfo,
  ): Promise<CaptureStatus> {
    this.ending ??= (async () => {
      this.lastStats = stats;
      this.endedAt = Date.now();
      this.state = failure ? 'failed' : 'stopped';
      this.endedBy = endedBy;
      if (failure) this.failure = failure;
      // Every packet in the file reaches the index before the capture reports its end.
      await this.batches.whenReceived(stats.packets, DRAIN_MS);
      this.batches.end();
      await this.session.loaded;
      clearInterval(this.timer);
      this.session.summary.sizeBytes = fileSize(this.session.summary.path, this.session.summary.sizeBytes);
      const status = this.status();
      this.listener.onStats(status.stats);
      this.listener.onEnded(status);
      return status;
    })();
    return this.ending;
  }
}

function fileSize(path: string, fallback: number): number {
  try {
    return statSync(path).size;
  } catch {
    return fallback;
  }
}

function saveError(err: unknown, path: string): EngineFailure {
  const e = err as NodeJS.ErrnoException;
  const code = e.code === 'ENOENT' ? 'ENOENT' : e.code === 'EACCES' || e.code === 'EPERM' ? 'EACCES' : 'EIO';
  return new EngineFailure(code, `Cannot save the capture to ${path}: ${e.message}`);
}
