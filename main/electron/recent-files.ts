// File → Open Recent: the last few capture files opened, kept in the user's config directory.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class RecentFiles {
  private paths: string[];

  constructor(
    private readonly store: string,
    private readonly limit = 10,
  ) {
    this.paths = readList(store).slice(0, limit);
  }

  list(): readonly string[] {
    return this.paths;
  }

  add(path: string): void {
    this.paths = [path, ...this.paths.filter((p) => p !== path)].slice(0, this.limit);
    this.save();
  }

  remove(path: string): void {
    this.paths = this.paths.filter((p) => p !== path);
    this.save();
  }

  clear(): void {
    this.paths = [];
    this.save();
  }

  private save(): void {
    try {
      mkdirSync(dirname(this.store), { recursive: true });
      writeFileSync(this.store, JSON.stringify(this.paths, null, 2) + '\n');
    } catch {
      // A read-only config directory costs the list, not the app.
    }
  }
}

function readList(store: string): string[] {
  try {
    const data: unknown = JSON.parse(readFileSync(store, 'utf8'));
    return Array.isArray(data) ? data.filter((p): p is string => typeof p === 'string') : [];
  } catch {
    return [];
  }
}
