// Reading a capture file: the addon's Reader (pcap through libpcap, pcapng through Trawl's own
// block reader) as an async iterable of record batches, with typed errors and cancellation.
import {
  addon,
  type FileInfo,
  type Reader,
  type ReaderOptions,
  type RecordBatch,
} from '../../native/index.ts';
import { CaptureFileError, toCaptureFileError } from './errors.ts';

export { CaptureFileError } from './errors.ts';
export type { FileInfo, InterfaceInfo, RecordBatch } from '../../native/index.ts';

export interface OpenCaptureOptions extends ReaderOptions {
  /** Aborting cancels the read in progress: it rejects with code CANCELLED. */
  signal?: AbortSignal;
}

export interface CaptureFile extends AsyncIterable<RecordBatch> {
  readonly path: string;
  /** The file's header; a pcapng file's interfaces are added as they are read. */
  readonly info: FileInfo;
  /**
   * The next batch of records, null at the end of the file (and once closed). Records before a
   * fault come first; the call after them rejects with TRUNCATED or BAD_RECORD.
   */
  next(): Promise<RecordBatch | null>;
  /** Cancels the read in progress and every later one (they reject with CANCELLED). */
  cancel(): void;
  /** Releases the file; a read in progress rejects with CANCELLED. Safe to call twice. */
  close(): void;
}

/** Opens `path` and reads its header. Throws CaptureFileError (ENOENT, EACCES, BAD_FORMAT, ...). */
export function openCapture(path: string, options: OpenCaptureOptions = {}): CaptureFile {
  const { signal, ...readerOptions } = options;
  let reader: Reader;
  try {
    reader = new (addon().Reader)(path, readerOptions);
  } catch (err) {
    throw toCaptureFileError(err, path);
  }
  return new OpenCapture(path, reader, signal);
}

class OpenCapture implements CaptureFile {
  private closed = false;
  private queued = 0;
  private tail: Promise<void> = Promise.resolve();
  private readonly onAbort = (): void => this.cancel();

  constructor(
    readonly path: string,
    private readonly reader: Reader,
    private readonly signal: AbortSignal | undefined,
  ) {
    if (signal?.aborted) reader.cancel();
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  get info(): FileInfo {
    return this.reader.info;
  }

  next(): Promise<RecordBatch | null> {
    // The addon runs one read at a time: start now when idle, else after the reads queued before.
    const read = this.queued === 0 ? this.readOne() : this.tail.then(this.readNext, this.readNext);
    this.queued++;
    this.tail = read.then(this.dequeue, this.dequeue);
    return read;
  }

  private readonly readNext = (): Promise<RecordBatch | null> => this.readOne();
  private readonly dequeue = (): void => {
    this.queued--;
  };

  private async readOne(): Promise<RecordBatch | null> {
    if (this.closed) return null;
    try {
      return await this.reader.next();
    } catch (err) {
      throw toCaptureFileError(err, this.path);
    }
  }

  cancel(): void {
    this.reader.cancel();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.reader.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordBatch> {
    // Read one batch ahead: the native thread fills the next batch while JS works on this one.
    let pending: Promise<RecordBatch | null> = this.next();
    try {
      for (;;) {
        const batch: RecordBatch | null = await pending;
        if (batch === null) return;
        pending = this.next();
        yield batch;
      }
    } finally {
      // A read-ahead nobody will await must not become an unhandled rejection.
      pending.catch(() => {});
      // Leaving the loop (end, fault, break) is the end of the file for this reader.
      this.close();
    }
  }
}

/** True for the error a cancelled or aborted read rejects with. */
export function isCancelled(err: unknown): boolean {
  return err instanceof CaptureFileError && err.code === 'CANCELLED';
}
