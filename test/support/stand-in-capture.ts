// A stand-in for main/capture's LiveCapture, for engine and UI tests on machines (or days) without
// the ring: it replays real packets from a corpus file into a real nanosecond pcap file through the
// addon's Writer, flushes, then hands the same packets to JS as RecordBatches carrying their file
// offsets, exactly what the contract of main/capture/types.ts promises.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  CaptureFailure,
  CaptureOptions,
  CaptureStats,
  InterfaceCounters,
  LiveCapture,
  NetworkInterface,
} from '../../main/capture/types.ts';
import type { CaptureProvider } from '../../main/engine/capture-provider.ts';
import { openCapture, type RecordBatch } from '../../main/pcap/read.ts';
import { createCaptureWriter } from '../../main/pcap/write.ts';

export interface Frame {
  tsSec: number;
  tsNsec: number;
  origLen: number;
  bytes: Uint8Array;
  linkType: number;
}

/** Every packet of a capture file, bytes copied. */
export async function framesOf(path: string): Promise<Frame[]> {
  const out: Frame[] = [];
  const file = openCapture(path);
  for await (const b of file) {
    for (let i = 0; i < b.count; i++) {
      const start = b.dataStart[i] ?? 0;
      out.push({
        tsSec: b.tsSec[i] ?? 0,
        tsNsec: b.tsNsec[i] ?? 0,
        origLen: b.origLen[i] ?? 0,
        bytes: b.data.slice(start, start + (b.capLen[i] ?? 0)),
        linkType: b.linkType[i] ?? 1,
      });
    }
  }
  return out;
}

export interface StandInOptions {
  /** Packets to replay, in order, looping when `loop`. */
  frames: readonly Frame[];
  /** Packets per batch (one batch per `intervalMs`). */
  perBatch?: number;
  intervalMs?: number;
  loop?: boolean;
}

export class StandInCapture implements LiveCapture {
  readonly path: string;
  readonly linkType: number;
  readonly snaplen: number;
  readonly ended: Promise<CaptureStats>;
  private listener: ((batch: RecordBatch) => void) | null = null;
  private readonly writer;
  private readonly timer: ReturnType<typeof setInterval>;
  private next = 0;
  private readonly counts: CaptureStats = {
    packets: 0,
    bytes: 0,
    kernelDrops: 0,
    trawlDrops: 0,
    freezeCount: 0,
  };
  private settle!: { resolve(s: CaptureStats): void; reject(f: CaptureFailure): void };
  private stopped = false;
  private readonly startedAt = Date.now();

  constructor(
    private readonly options: CaptureOptions,
    private readonly source: StandInOptions,
  ) {
    this.path = options.output;
    this.linkType = source.frames[0]?.linkType ?? 1;
    this.snaplen = options.snaplen ?? 262144;
    this.writer = createCaptureWriter(this.path, {
      linkType: this.linkType,
      snaplen: this.snaplen,
      nanosecond: true,
    });
    this.ended = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.ended.catch(() => {});
    this.timer = setInterval(() => this.emitBatch(), source.intervalMs ?? 20);
  }

  onBatch(listener: (batch: RecordBatch) => void): void {
    this.listener = listener;
  }

  stats(): CaptureStats {
    return { ...this.counts };
  }

  /** Simulates "Trawl fell behind": the kernel counted drops. */
  addDrops(kernel: number): void {
    this.counts.kernelDrops += kernel;
  }

  /** The interface went away: the capture ends with `failure`, the file keeps what it has. */
  fail(failure: CaptureFailure): void {
    if (this.end()) this.settle.reject(failure);
  }

  async stop(): Promise<CaptureStats> {
    if (this.end()) this.settle.resolve(this.stats());
    return this.stats();
  }

  private end(): boolean {
    if (this.stopped) return false;
    this.stopped = true;
    clearInterval(this.timer);
    this.writer.close();
    return true;
  }

  private autostopReached(): boolean {
    const a = this.options.autostop;
    if (!a) return false;
    return (
      (a.packets !== undefined && this.counts.packets >= a.packets) ||
      (a.bytes !== undefined && this.writer.position() >= a.bytes) ||
      (a.seconds !== undefined && Date.now() - this.startedAt >= a.seconds * 1000)
    );
  }

  private emitBatch(): void {
    if (this.stopped) return;
    const frames = this.source.frames;
    const want = this.source.perBatch ?? 5;
    const picked: Frame[] = [];
    const limit = this.options.autostop?.packets;
    while (picked.length < want && (this.source.loop || this.next < frames.length)) {
      if (limit !== undefined && this.counts.packets + picked.length >= limit) break;
      const f = frames[this.next++ % frames.length];
      if (f) picked.push(f);
    }
    if (picked.length > 0) this.listener?.(this.write(picked));
    if (this.autostopReached()) void (this.end() && this.settle.resolve(this.stats()));
  }

  /** Writes the frames (file first), then builds their batch with the offsets they got. */
  private write(frames: Frame[]): RecordBatch {
    const n = frames.length;
    const now = Date.now();
    const batch: RecordBatch = {
      count: n,
      tsSec: new Float64Array(n),
      tsNsec: new Uint32Array(n),
      capLen: new Uint32Array(n),
      origLen: new Uint32Array(n),
      linkType: new Uint32Array(n).fill(this.linkType),
      ifaceId: new Int32Array(n).fill(-1),
      recordOffset: new Float64Array(n),
      dataOffset: new Float64Array(n),
      dataStart: new Uint32Array(n),
      data: new Uint8Array(frames.reduce((s, f) => s + Math.min(f.bytes.length, this.snaplen), 0)),
      comments: [],
    };
    let at = 0;
    frames.forEach((f, i) => {
      const bytes = f.bytes.subarray(0, this.snaplen);
      const sec = Math.floor(now / 1000);
      const nsec = (now % 1000) * 1e6 + i;
      const offset = this.writer.position();
      this.writer.writePacket(sec, nsec, f.origLen, bytes);
      batch.tsSec[i] = sec;
      batch.tsNsec[i] = nsec;
      batch.capLen[i] = bytes.length;
      batch.origLen[i] = f.origLen;
      batch.recordOffset[i] = offset;
      batch.dataOffset[i] = offset + 16;
      batch.dataStart[i] = at;
      batch.data.set(bytes, at);
      at += bytes.length;
      this.counts.packets++;
      this.counts.bytes += bytes.length;
    });
    this.writer.flush();
    return batch;
  }
}

/** Real /sys/class/net counters: they need no privileges, so the stand-in reads the real ones. */
export function sysCounters(): InterfaceCounters[] {
  const read = (name: string, stat: string): number =>
    Number(readFileSync(`/sys/class/net/${name}/statistics/${stat}`, 'utf8').trim());
  return ['lo'].map((name) => ({
    name,
    rxPackets: read(name, 'rx_packets'),
    txPackets: read(name, 'tx_packets'),
    rxBytes: read(name, 'rx_bytes'),
    txBytes: read(name, 'tx_bytes'),
  }));
}

export const STAND_IN_INTERFACES: NetworkInterface[] = [
  {
    name: 'lo',
    description: 'Loopback',
    addresses: ['127.0.0.1', '::1'],
    flags: { up: true, running: true, loopback: true, wireless: false },
    linkType: 1,
    mtu: 65536,
    operstate: 'unknown',
  },
];

/** A provider whose captures are StandInCaptures replaying `source`; `started` collects them. */
export function standInProvider(
  directory: string,
  source: StandInOptions,
  started: StandInCapture[] = [],
): CaptureProvider & { started: StandInCapture[] } {
  return {
    started,
    listInterfaces: async () => STAND_IN_INTERFACES,
    readCounters: async () => sysCounters(),
    checkFilter: async (filter) =>
      /^[a-z0-9 .]*$/i.test(filter) ? null : `syntax error in filter expression`,
    startCapture: async (options) => {
      if (options.iface === 'eperm0') {
        const failure: CaptureFailure = {
          code: 'EPERM',
          message: 'eperm0: socket(AF_PACKET) failed: Operation not permitted (no CAP_NET_RAW)',
          fix: 'npm run setcap',
        };
        throw failure;
      }
      if (!STAND_IN_INTERFACES.some((i) => i.name === options.iface)) {
        const failure: CaptureFailure = {
          code: 'ENODEV',
          message: `${options.iface}: No such device exists`,
        };
        throw failure;
      }
      if (options.filter && /[^a-z0-9 .]/i.test(options.filter)) {
        throw { code: 'BAD_FILTER', message: 'syntax error in filter expression' } satisfies CaptureFailure;
      }
      const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
      const output =
        options.output ?? join(directory, `trawl_${options.iface}_${stamp}_${started.length}.pcap`);
      const capture = new StandInCapture({ ...options, output }, source);
      started.push(capture);
      return capture;
    },
  };
}
