// The `libpcap` backend: the portable fallback through the `cap` package, behind the same
// LiveCapture face as the ring. `cap` hands JS one packet at a time (no timestamps, no original
// length, fixed 65535 snaplen, always promiscuous, no statistics), so this backend stamps packets
// when JS receives them, cuts them to the snaplen itself and reads the kernel's drop counters from
// libpcap's socket itself (socket-stats.ts). The file is written through our own Writer (libpcap's
// dumper), before a batch reaches JS.
import { EventEmitter } from 'node:events';
import { addon, type RecordBatch } from '../../native/index.ts';
import { createCaptureWriter, type CaptureWriter } from '../pcap/write.ts';
import { CaptureError, toCaptureError } from './errors.ts';
import { interfaceExists, loadCap, ringLinkType, LINKTYPE_LINUX_SLL2 } from './interfaces.ts';
import { BatchFanout, RING_DEFAULTS } from './ring.ts';
import { packetSocketDescriptors, SocketStatistics } from './socket-stats.ts';
import type { CaptureGap, CaptureOptions, CaptureStats, LiveCapture } from './types.ts';

const CAP_BUFFER = 65535;
const LINKTYPE_LINUX_SLL = 113;
const IFACE_CHECK_MS = 250;
const BATCH_MAX = 4096;

/** cap's names for the link types it knows (anything else: "Unknown linktype N"). */
const CAP_LINK_TYPES: Record<string, number> = {
  NULL: 0,
  ETHERNET: 1,
  IEEE802_11_RADIO: 127,
  LINKTYPE_LINUX_SLL: LINKTYPE_LINUX_SLL,
  RAW: 101,
};

interface CapHandle extends EventEmitter {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): void;
}

/** Records collected between two flushes, turned into a RecordBatch. */
class BatchBuilder {
  private tsSec: number[] = [];
  private tsNsec: number[] = [];
  private capLen: number[] = [];
  private origLen: number[] = [];
  private recordOffset: number[] = [];
  private chunks: Uint8Array[] = [];
  private bytes = 0;

  get count(): number {
    return this.tsSec.length;
  }

  add(tsSec: number, tsNsec: number, origLen: number, bytes: Uint8Array, recordOffset: number): void {
    this.tsSec.push(tsSec);
    this.tsNsec.push(tsNsec);
    this.capLen.push(bytes.length);
    this.origLen.push(origLen);
    this.recordOffset.push(recordOffset);
    // A copy: `bytes` is a view of cap's one reusable buffer (and Buffer#slice would not copy).
    this.chunks.push(new Uint8Array(bytes));
    this.bytes += bytes.length;
  }

  take(linkType: number): RecordBatch {
    const n = this.count;
    const data = new Uint8Array(this.bytes);
    const dataStart = new Uint32Array(n);
    let at = 0;
    this.chunks.forEach((c, i) => {
      dataStart[i] = at;
      data.set(c, at);
      at += c.length;
    });
    const recordOffset = Float64Array.from(this.recordOffset);
    const batch: RecordBatch = {
      count: n,
      tsSec: Float64Array.from(this.tsSec),
      tsNsec: Uint32Array.from(this.tsNsec),
      capLen: Uint32Array.from(this.capLen),
      origLen: Uint32Array.from(this.origLen),
      linkType: new Uint32Array(n).fill(linkType),
      ifaceId: new Int32Array(n).fill(-1),
      recordOffset,
      dataOffset: recordOffset.map((o) => o + 16),
      dataStart,
      data,
      comments: [],
    };
    this.tsSec = [];
    this.tsNsec = [];
    this.capLen = [];
    this.origLen = [];
    this.recordOffset = [];
    this.chunks = [];
    this.bytes = 0;
    return batch;
  }
}

/** Wall-clock nanoseconds that never go backwards during the capture. */
function makeClock(): () => [number, number] {
  const wall0 = BigInt(Date.now()) * 1_000_000n;
  const hr0 = process.hrtime.bigint();
  return () => {
    const ns = wall0 + (process.hrtime.bigint() - hr0);
    return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
  };
}

function openFailure(iface: string, message: string): CaptureError {
  if (/permission|not permitted/i.test(message)) {
    return new CaptureError({
      code: 'EPERM',
      message: `Capturing on ${iface} with libpcap needs CAP_NET_RAW in this process: ${message}`,
      fix: `sudo setcap cap_net_raw,cap_net_admin+ep ${process.execPath}   (or use --backend ring with npm run setcap)`,
    });
  }
  if (/no such device|doesn't exist|not found/i.test(message)) {
    return new CaptureError({ code: 'ENODEV', message: `No such interface: ${iface} (${message})` });
  }
  if (/filter|syntax/i.test(message)) return new CaptureError({ code: 'BAD_FILTER', message });
  if (/is down|not up/i.test(message)) return new CaptureError({ code: 'IFACE_DOWN', message });
  return new CaptureError({ code: 'EIO', message });
}

class LibpcapCapture implements LiveCapture {
  readonly ended: Promise<CaptureStats>;
  readonly linkType: number;
  readonly snaplen: number;
  private readonly cap: CapHandle;
  private readonly writer: CaptureWriter;
  private readonly fanout = new BatchFanout();
  private readonly pending = new BatchBuilder();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly counts = { packets: 0, bytes: 0 };
  private final: CaptureStats | null = null;
  /** libpcap's socket's kernel counters (null where they cannot be read). */
  private readonly kernel: SocketStatistics | null;
  private settle!: { resolve: (s: CaptureStats) => void; reject: (e: CaptureError) => void };
  private readonly done: Promise<CaptureStats>;
  private resolveDone!: (s: CaptureStats) => void;

  constructor(private readonly options: CaptureOptions) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.ended = new Promise<CaptureStats>((resolve, reject) => (this.settle = { resolve, reject }));
    this.ended.catch(() => {});
    const cap = loadCap();
    if (!cap)
      throw new CaptureError({ code: 'EIO', message: 'The cap package (libpcap binding) is not installed' });
    const iface = options.iface;
    if (!interfaceExists(iface))
      throw new CaptureError({ code: 'ENODEV', message: `No such interface: ${iface}` });
    this.snaplen = options.snaplen ?? 262144;
    // The same check (and the same words) as the ring, before anything is opened.
    const expected = ringLinkType(iface);
    const filter = options.filter ?? '';
    try {
      const checkAs = expected === LINKTYPE_LINUX_SLL2 ? LINKTYPE_LINUX_SLL : (expected ?? 1);
      addon().checkCaptureFilter(checkAs, filter, this.snaplen);
    } catch (err) {
      throw toCaptureError(err);
    }
    const ring = { ...RING_DEFAULTS, ...options.ring };
    this.cap = new (cap as unknown as { Cap: new () => CapHandle }).Cap();
    const buffer = Buffer.alloc(CAP_BUFFER);
    let linkName: string;
    const socketsBefore = packetSocketDescriptors();
    try {
      linkName = this.cap.open(iface, filter, ring.blockSize * ring.blockCount, buffer);
    } catch (err) {
      throw openFailure(iface, (err as Error).message);
    }
    this.kernel = SocketStatistics.find(socketsBefore, iface);
    const unknown = /^Unknown linktype (\d+)$/.exec(linkName);
    this.linkType = CAP_LINK_TYPES[linkName] ?? (unknown ? Number(unknown[1]) : 1);
    try {
      this.writer = createCaptureWriter(options.output, {
        linkType: this.linkType,
        snaplen: this.snaplen,
        nanosecond: true,
      });
    } catch (err) {
      this.cap.close();
      throw err;
    }
    const clock = makeClock();
    this.cap.on('packet', (nbytes: number) => {
      if (this.final) return;
      const [sec, nsec] = clock();
      const bytes = buffer.subarray(0, Math.min(nbytes, this.snaplen));
      const at = this.writer.position();
      this.writer.writePacket(sec, nsec, nbytes, bytes);
      if (options.batches !== false) this.pending.add(sec, nsec, nbytes, bytes, at);
      this.counts.packets++;
      this.counts.bytes += bytes.length;
      const auto = options.autostop;
      if (
        (auto?.packets !== undefined && this.counts.packets >= auto.packets) ||
        (auto?.bytes !== undefined && this.writer.position() >= auto.bytes)
      ) {
        this.finish(null);
      } else if (this.pending.count >= BATCH_MAX) {
        this.flush();
      }
    });
    this.timers.push(setInterval(() => this.flush(), ring.timeoutMs));
    this.timers.push(
      setInterval(() => {
        if (!interfaceExists(iface)) {
          this.finish(
            new CaptureError({
              code: 'ENODEV',
              message: `Interface ${iface} disappeared during the capture`,
            }),
          );
        }
      }, IFACE_CHECK_MS),
    );
    if (options.autostop?.seconds !== undefined) {
      this.timers.push(setTimeout(() => this.finish(null), options.autostop.seconds * 1000));
    }
  }

  get path(): string {
    return this.options.output;
  }

  /** Capture file first: flushed before the batch goes to JS. */
  private flush(): void {
    if (this.pending.count === 0) return;
    this.writer.flush();
    this.fanout.batch(this.pending.take(this.linkType));
  }

  private finish(failure: CaptureError | null): void {
    if (this.final) return;
    for (const t of this.timers) clearTimeout(t);
    // The last counters, while libpcap's socket is still open.
    this.kernel?.readLast();
    this.cap.close();
    this.cap.removeAllListeners('packet');
    let fault = failure;
    try {
      this.flush();
      this.writer.close();
    } catch (err) {
      fault ??= toCaptureError(err);
    }
    this.final = this.stats();
    this.resolveDone(this.final);
    if (fault) this.settle.reject(fault);
    else this.settle.resolve(this.final);
  }

  onBatch(listener: (batch: RecordBatch) => void): void {
    this.fanout.onBatch(listener);
  }

  onGap(listener: (gap: CaptureGap) => void): void {
    this.fanout.onGap(listener);
  }

  stats(): CaptureStats {
    return (
      this.final ?? {
        packets: this.counts.packets,
        bytes: this.counts.bytes,
        kernelDrops: this.kernel?.read().drops ?? 0,
        trawlDrops: 0,
        freezeCount: 0,
      }
    );
  }

  stop(): Promise<CaptureStats> {
    // Packets libpcap already holds arrive on this turn of the event loop: take them first.
    setImmediate(() => this.finish(null));
    return this.done;
  }
}

/** Starts a capture through libpcap (`cap`); throws CaptureError. */
export function openLibpcapCapture(options: CaptureOptions): LiveCapture {
  return new LibpcapCapture(options);
}
