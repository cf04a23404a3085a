// pcapng Decryption Secrets Blocks reach the dissectors here: the reader lists each with the
// index of the record it precedes, and the secrets join the capture's store before that record.
import type { CaptureState } from '../../app/dissect/packet-info.ts';
import type { RecordBatch } from '../../native/index.ts';

/** Adds the secrets blocks that come before record `i` of `batch` to `state`. */
export function addSecrets(state: CaptureState, batch: RecordBatch, i: number): void {
  const list = batch.secrets;
  if (list === undefined || list.length === 0) return;
  for (const [at, type, data] of list) if (at === i) state.secrets.addBlock(type, data);
}
