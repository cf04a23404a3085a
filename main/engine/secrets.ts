// pcapng Decryption Secrets Blocks reach the dissectors here: the reader lists each with the
// index of the record it precedes, and the secrets join the capture's store before that record.
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import type { CaptureState } from '../../app/dissect/packet-info.ts';
import type { SecretStore } from '../../app/dissect/tls-keylog.ts';
import type { RecordBatch } from '../../native/index.ts';

/** Adds the secrets blocks that come before record `i` of `batch` to `state`. */
export function addSecrets(state: CaptureState, batch: RecordBatch, i: number): void {
  const list = batch.secrets;
  if (list === undefined || list.length === 0) return;
  for (const [at, type, data] of list) if (at === i) state.secrets.addBlock(type, data);
}

/**
 * An NSS key log file (tls.keylog_file) read as it grows, as Wireshark rereads it: each refresh
 * adds the lines written since the last one. A browser or curl appends to it while a live capture
 * runs, so the secrets of a session often arrive after the capture started.
 */
export class KeyLogFile {
  /** Bytes of the file already added (up to the end of its last complete line), and seen. */
  private done = 0;
  private seen = 0;

  constructor(readonly path: string) {}

  /** Adds what was appended since the last call to `store`; a file that cannot be read adds nothing. */
  refresh(store: SecretStore): void {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return;
    }
    try {
      this.readNew(fd, store);
    } catch {
      // read failed (a directory, an I/O error): nothing added, tried again next time
    } finally {
      closeSync(fd);
    }
  }

  private readNew(fd: number, store: SecretStore): void {
    const size = fstatSync(fd).size;
    if (size < this.seen) this.done = 0; // rewritten from the start
    if (size === this.seen) return;
    this.seen = size;
    const bytes = Buffer.alloc(size - this.done);
    const n = readSync(fd, bytes, 0, bytes.length, this.done);
    const text = bytes.toString('latin1', 0, n);
    // A line still being written waits for the next refresh; the last line of a file that does
    // not end in a newline is added too (and again once it is complete).
    const complete = text.lastIndexOf('\n') + 1;
    this.done += complete;
    store.addKeyLog(text);
  }
}

/** Checks that `path` can be read as a key log; throws an Error saying why not. */
export function checkKeyLogFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    if (!fstatSync(fd).isFile()) throw new Error('not a regular file');
  } finally {
    closeSync(fd);
  }
}
