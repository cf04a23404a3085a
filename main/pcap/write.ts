// Writing pcap files through libpcap's dumper, and reading one packet's bytes back by offset
// (the engine keeps offsets, not bytes).
import { readSync } from 'node:fs';
import { addon, type RecordBatch, type Writer, type WriterOptions } from '../../native/index.ts';
import { CaptureFileError, toCaptureFileError } from './errors.ts';

export { CaptureFileError } from './errors.ts';
export type { WriterOptions } from '../../native/index.ts';

export interface CaptureWriter {
  readonly path: string;
  /** Writes one packet (timestamp as seconds + nanoseconds; bytes beyond the snaplen are cut). */
  writePacket(tsSec: number, tsNsec: number, origLen: number, bytes: Uint8Array): void;
  /** Writes records [from, to) of a batch read with its data (default: all). */
  writeBatch(batch: RecordBatch, from?: number, to?: number): void;
  /** Bytes written so far, header included. */
  position(): number;
  flush(): void;
  /** Flushes and closes; safe to call twice. */
  close(): void;
}

/**
 * Creates (or, with `append`, extends) the pcap file `path`. `linkType` is a LINKTYPE_ value, as
 * readers report them. Throws CaptureFileError.
 */
export function createCaptureWriter(path: string, options: WriterOptions): CaptureWriter {
  let writer: Writer;
  try {
    writer = new (addon().Writer)(path, options);
  } catch (err) {
    throw toCaptureFileError(err, path);
  }
  const guard = <T>(f: () => T): T => {
    try {
      return f();
    } catch (err) {
      throw toCaptureFileError(err, path);
    }
  };
  return {
    path,
    writePacket: (tsSec, tsNsec, origLen, bytes) =>
      guard(() => writer.writePacket(tsSec, tsNsec, origLen, bytes)),
    writeBatch: (batch, from, to) => guard(() => writer.writeBatch(batch, from, to)),
    position: () => guard(() => writer.position()),
    flush: () => guard(() => writer.flush()),
    close: () => guard(() => writer.close()),
  };
}

/**
 * Reads the `capLen` bytes of one packet at `dataOffset` of the open file `fd`, into `into` when
 * it is big enough (the result is then a view of it). Throws CaptureFileError TRUNCATED when the
 * file ends first.
 */
export function readPacketBytes(
  fd: number,
  dataOffset: number,
  capLen: number,
  into?: Uint8Array,
): Uint8Array {
  const out = into && into.length >= capLen ? into.subarray(0, capLen) : new Uint8Array(capLen);
  let got = 0;
  while (got < capLen) {
    let n: number;
    try {
      n = readSync(fd, out, got, capLen - got, dataOffset + got);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new CaptureFileError(
        'EIO',
        `fd ${fd}: cannot read packet bytes at offset ${dataOffset}: ${e.message}`,
        `fd:${fd}`,
        dataOffset,
        { cause: err },
      );
    }
    if (n === 0) {
      throw new CaptureFileError(
        'TRUNCATED',
        `fd ${fd}: the file ends ${capLen - got} bytes into the packet at offset ${dataOffset} (it needs ${capLen})`,
        `fd:${fd}`,
        dataOffset,
      );
    }
    got += n;
  }
  return out;
}
