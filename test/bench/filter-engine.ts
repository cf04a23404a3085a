// Benchmark entry: open a capture in the engine, wait until it is indexed, then for each display
// filter time the request to the complete result (the last view.changed of its scan), as a user
// sees it after the last keystroke on an already-open file. Prints one JSON line per filter:
//   {"expression":E,"displayed":N,"total":T,"ms":M}
// Bundled by filter.mjs as build/bench-filter.mjs:  node build/bench-filter.mjs FILE EXPR...
import type { EngineEvent } from '../../app/protocol/messages.ts';
import { Engine } from '../../main/engine/engine.ts';

async function main(): Promise<number> {
  const [path, ...expressions] = process.argv.slice(2);
  if (path === undefined || expressions.length === 0) {
    process.stderr.write('usage: node build/bench-filter.mjs FILE EXPR...\n');
    return 2;
  }
  let onEvent: (e: EngineEvent) => void = () => {};
  const engine = new Engine((e) => onEvent(e));
  await engine.handle('file.open', { path });
  // Sorting waits for the whole file to be indexed.
  await engine.handle('view.sort', { column: null, descending: false });
  for (const expression of expressions) {
    const start = performance.now();
    const done = new Promise<{ displayed: number; total: number }>((resolve) => {
      onEvent = (e) => {
        if (e.type === 'view.changed' && e.view.filter === expression && !e.view.filtering) resolve(e.view);
      };
    });
    const first = await engine.handle('view.filter', { expression });
    const view = first.filtering ? await done : first;
    const ms = Math.round((performance.now() - start) * 10) / 10;
    process.stdout.write(
      `${JSON.stringify({ expression, displayed: view.displayed, total: view.total, ms })}\n`,
    );
  }
  engine.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `bench-filter: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
