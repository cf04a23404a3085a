// Buffered stdout: lines are joined into large chunks so a million lines cost a few hundred writes.
import { writeSync } from 'node:fs';

export class Output {
  private parts: string[] = [];
  private size = 0;

  constructor(
    private readonly fd = 1,
    private readonly limit = 1 << 16,
  ) {}

  line(text: string): void {
    this.parts.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= this.limit) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const chunk = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.size = 0;
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
