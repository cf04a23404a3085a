// Buffered stdout: each line is encoded straight into one reused buffer (no intermediate string
// to flatten and re-encode) and the buffer is written when full, so a million lines cost a few
// hundred writes.
import { writeSync } from 'node:fs';

export class Output {
  private readonly buffer: Buffer;
  private used = 0;

  constructor(
    private readonly fd = 1,
    size = 1 << 18,
  ) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  line(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; a longer line than the buffer goes on its own.
    const worst = text.length * 3 + 1;
    if (this.buffer.length - this.used < worst) this.flush();
    if (worst > this.buffer.length) {
      this.writeAll(Buffer.from(text + '\n', 'utf8'));
      return;
    }
    this.used += this.buffer.write(text, this.used, 'utf8');
    this.buffer[this.used++] = 0x0a;
  }

  flush(): void {
    if (this.used === 0) return;
    const used = this.used;
    this.used = 0;
    this.writeAll(this.buffer.subarray(0, used));
  }

  private writeAll(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length) {
      try {
        off += writeSync(this.fd, chunk, off);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        throw err;
      }
    }
  }
}
