// Buffered stdout: lines are appended to one string (V8 keeps it as a rope) and written in large
// chunks, so a million lines cost a few hundred writes.
import { writeSync } from 'node:fs';

export class Output {
  private buffer = '';

  constructor(
    private readonly fd = 1,
    private readonly limit = 1 << 18,
  ) {}

  line(text: string): void {
    this.buffer += text + '\n';
    if (this.buffer.length >= this.limit) this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    const chunk = Buffer.from(this.buffer, 'utf8');
    this.buffer = '';
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
