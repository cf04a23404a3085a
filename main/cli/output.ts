// Buffered stdout: lines are joined into a string of some thousand characters, encoded into one
// reused buffer in a single call (crossing into native code once per many lines, not per line),
// and the buffer is written when full, so a million lines cost a few hundred writes.
import { writeSync } from 'node:fs';

/** Characters of pending lines that are encoded in one go (the buffer holds three times as many bytes). */
const PENDING_CHARS = 1 << 14;

export class Output {
  private readonly buffer: Buffer;
  private used = 0;
  /** Lines not yet encoded: joined in JS and encoded a few thousand characters at a time. */
  private pending = '';

  constructor(
    private readonly fd = 1,
    size = 1 << 18,
  ) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  line(text: string): void {
    this.text(text + '\n');
  }

  /** Text with no line break of its own. */
  text(text: string): void {
    this.pending += text;
    if (this.pending.length >= PENDING_CHARS) this.encodePending();
  }

  flush(): void {
    this.encodePending();
    if (this.used === 0) return;
    const used = this.used;
    this.used = 0;
    this.writeAll(this.buffer.subarray(0, used));
  }

  /** Encodes the pending lines into the buffer (writing it out first when they might not fit). */
  private encodePending(): void {
    const text = this.pending;
    if (text === '') return;
    this.pending = '';
    // UTF-8 takes at most 3 bytes per UTF-16 unit; text longer than the buffer goes on its own.
    const worst = text.length * 3;
    if (this.buffer.length - this.used < worst && this.used > 0) {
      const used = this.used;
      this.used = 0;
      this.writeAll(this.buffer.subarray(0, used));
    }
    if (worst > this.buffer.length) {
      this.writeAll(Buffer.from(text, 'utf8'));
      return;
    }
    this.used += this.buffer.write(text, this.used, 'utf8');
  }

  private writeAll(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length) {
      try {
        off += writeSync(this.fd, chunk, off);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue;
        // The reader went away (`trawl … | head`): stop quietly, as tshark does on SIGPIPE.
        if (code === 'EPIPE') process.exit(0);
        throw err;
      }
    }
  }
}
