// Reads a whole capture through the addon and flattens the batches into one object per record,
// which is what tests want to compare (the reader itself never makes one).
import { addon, type NativeError, type ReaderOptions, type RecordBatch } from '../../native/index.ts';

export interface Rec {
  tsSec: number;
  tsNsec: number;
  capLen: number;
  origLen: number;
  linkType: number;
  ifaceId: number;
  recordOffset: number;
  dataOffset: number;
  section: number;
  pen: number;
  flags: number;
  bytes: Uint8Array;
  comments: string[];
}

export interface ReadResult {
  records: Rec[];
  batches: number;
  /** The error the read ended with (null when it reached the end). */
  error: NativeError | null;
}

export function recordsOf(batch: RecordBatch): Rec[] {
  const out: Rec[] = [];
  for (let i = 0; i < batch.count; i++) {
    const start = batch.dataStart[i] ?? 0;
    const capLen = batch.capLen[i] ?? 0;
    out.push({
      tsSec: batch.tsSec[i] ?? NaN,
      tsNsec: batch.tsNsec[i] ?? NaN,
      capLen,
      origLen: batch.origLen[i] ?? NaN,
      linkType: batch.linkType[i] ?? NaN,
      ifaceId: batch.ifaceId[i] ?? NaN,
      recordOffset: batch.recordOffset[i] ?? NaN,
      dataOffset: batch.dataOffset[i] ?? NaN,
      section: batch.section?.[i] ?? NaN,
      pen: batch.pen?.[i] ?? NaN,
      flags: batch.flags?.[i] ?? NaN,
      bytes: batch.data.slice(start, start + capLen),
      comments: batch.comments.filter(([k]) => k === i).map(([, text]) => text),
    });
  }
  return out;
}

/** Reads `path` to its end or its first error (the constructor's errors are thrown). */
export async function readAll(path: string, options?: ReaderOptions): Promise<ReadResult> {
  const reader = new (addon().Reader)(path, options);
  const result: ReadResult = { records: [], batches: 0, error: null };
  try {
    for (;;) {
      const batch = await reader.next();
      if (batch === null) break;
      result.batches++;
      result.records.push(...recordsOf(batch));
    }
  } catch (err) {
    result.error = err as NativeError;
  } finally {
    reader.close();
  }
  return result;
}

/** The error `f` throws (fails the test when it throws none). */
export function thrown(f: () => unknown): NativeError {
  try {
    f();
  } catch (err) {
    return err as NativeError;
  }
  throw new Error('expected an error');
}
