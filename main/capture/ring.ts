// The `ring` backend: the addon's CaptureSession (TPACKET_V3) behind the LiveCapture face.
import { getPriority, setPriority } from 'node:os';
import {
  addon,
  captureHelperPath,
  type CaptureSession,
  type CaptureSessionEvent,
  type CaptureSessionStats,
  type RecordBatch,
} from '../../native/index.ts';
import { CaptureError, toCaptureError } from './errors.ts';
import type { CaptureGap, CaptureOptions, CaptureStats, LiveCapture } from './types.ts';

export const RING_DEFAULTS = {
  blockSize: 4 << 20,
  blockCount: 16,
  frameSize: 2048,
  timeoutMs: 50,
  queueBatches: 4,
} as const;

function toStats(s: CaptureSessionStats): CaptureStats {
  return {
    packets: s.packets,
    bytes: s.bytes,
    kernelDrops: s.kernelDrops,
    trawlDrops: s.trawlDrops,
    freezeCount: s.freezeCount,
  };
}

/**
 * Batches (and gaps) arriving before anyone listens are kept, so a listener added right after
 * the capture starts misses nothing.
 */
export class BatchFanout {
  private batchListeners: ((batch: RecordBatch) => void)[] = [];
  private gapListeners: ((gap: CaptureGap) => void)[] = [];
  private early: RecordBatch[] = [];
  private earlyGaps: CaptureGap[] = [];

  onBatch(listener: (batch: RecordBatch) => void): void {
    this.batchListeners.push(listener);
    const early = this.early;
    this.early = [];
    for (const b of early) listener(b);
  }

  onGap(listener: (gap: CaptureGap) => void): void {
    this.gapListeners.push(listener);
    const early = this.earlyGaps;
    this.earlyGaps = [];
    for (const g of early) listener(g);
  }

  batch(batch: RecordBatch): void {
    if (this.batchListeners.length === 0) this.early.push(batch);
    for (const l of this.batchListeners) l(batch);
  }

  gap(gap: CaptureGap): void {
    if (this.gapListeners.length === 0) this.earlyGaps.push(gap);
    for (const l of this.gapListeners) l(gap);
  }
}

/** Nice value of the JS thread that takes a ring capture's batches while it runs. */
export const BATCH_THREAD_NICE = 10;

/**
 * Lowers the calling thread's priority (Linux nice values are per thread) below the capture
 * thread's, which was started before and keeps its own. On two cores a flood's sender, the capture
 * thread and JS dissecting the batches compete; at equal priority the ring overflowed (8% of a
 * 1514-byte flood lost in the kernel). JS falling behind loses nothing: the file has every packet
 * and the batches JS missed are read back from it. Returns what gives the priority back after the
 * capture, which an unprivileged process may not be allowed to do (the thread then stays lower).
 */
function yieldToCaptureThread(): () => void {
  let before: number;
  try {
    before = getPriority(0);
    if (before >= BATCH_THREAD_NICE) return () => {};
    setPriority(0, BATCH_THREAD_NICE);
  } catch {
    return () => {};
  }
  return () => {
    try {
      setPriority(0, before);
    } catch {
      // EACCES without CAP_SYS_NICE (RLIMIT_NICE): the thread keeps the lower priority.
    }
  };
}

class RingCapture implements LiveCapture {
  readonly ended: Promise<CaptureStats>;
  private readonly session: CaptureSession;
  private readonly fanout = new BatchFanout();
  private final: CaptureStats | null = null;
  private settle!: { resolve: (s: CaptureStats) => void; reject: (e: CaptureError) => void };
  private readonly done: Promise<CaptureStats>;

  constructor(options: CaptureOptions) {
    let resolveDone!: (s: CaptureStats) => void;
    this.done = new Promise((resolve) => (resolveDone = resolve));
    this.ended = new Promise<CaptureStats>((resolve, reject) => (this.settle = { resolve, reject }));
    // Nobody has to wait for `ended`: a failure is also reported by stop() and stats().
    this.ended.catch(() => {});
    const ring = { ...RING_DEFAULTS, ...options.ring };
    try {
      this.session = new (addon().CaptureSession)(
        {
          iface: options.iface,
          output: options.output,
          filter: options.filter ?? '',
          snaplen: options.snaplen ?? 262144,
          promiscuous: options.promiscuous ?? true,
          blockSize: ring.blockSize,
          blockCount: ring.blockCount,
          frameSize: ring.frameSize,
          timeoutMs: ring.timeoutMs,
          queueBatches: ring.queueBatches,
          helperPath: options.helperPath ?? captureHelperPath(),
          maxPackets: options.autostop?.packets ?? 0,
          maxBytes: options.autostop?.bytes ?? 0,
          maxSeconds: options.autostop?.seconds ?? 0,
          batches: options.batches ?? true,
        },
        (event) => this.onEvent(event, resolveDone),
      );
    } catch (err) {
      throw toCaptureError(err);
    }
    if (options.batches ?? true) void this.done.then(yieldToCaptureThread());
  }

  get path(): string {
    return this.session.path;
  }

  get linkType(): number {
    return this.session.linkType;
  }

  get snaplen(): number {
    return this.session.snaplen;
  }

  private onEvent(event: CaptureSessionEvent, resolveDone: (s: CaptureStats) => void): void {
    if (event.skipped) this.fanout.gap(event.skipped);
    if (event.type === 'batch') {
      this.fanout.batch(event.batch);
      return;
    }
    this.final = toStats(this.session.stats());
    resolveDone(this.final);
    if (event.error) this.settle.reject(new CaptureError(event.error));
    else this.settle.resolve(this.final);
  }

  onBatch(listener: (batch: RecordBatch) => void): void {
    this.fanout.onBatch(listener);
  }

  onGap(listener: (gap: CaptureGap) => void): void {
    this.fanout.onGap(listener);
  }

  pauseBatches(paused: boolean): void {
    if (!this.final) this.session.pauseBatches(paused);
  }

  stats(): CaptureStats {
    return this.final ?? toStats(this.session.stats());
  }

  stop(): Promise<CaptureStats> {
    if (!this.final) this.session.stop();
    return this.done;
  }
}

/** Starts a capture on the TPACKET_V3 ring; throws CaptureError (BAD_FILTER, EPERM with fix, ...). */
export function openRingCapture(options: CaptureOptions): LiveCapture {
  return new RingCapture(options);
}
