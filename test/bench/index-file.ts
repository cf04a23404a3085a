// Benchmark entry: index one capture file with the engine and print one JSON line,
//   {"packets":N,"ms":T,"indexBytes":B}
// where T is the wall time of indexFile() alone (module loading excluded) and B the size of the
// engine's in-memory index. Bundled by the build as build/bench-index.mjs and run by run.mjs:
//   node build/bench-index.mjs FILE
import { indexFile } from '../../main/engine/load.ts';

async function main(): Promise<number> {
  const path = process.argv[2];
  if (path === undefined || process.argv.length > 3) {
    process.stderr.write('usage: node build/bench-index.mjs FILE\n');
    return 2;
  }
  const start = performance.now();
  const { count, indexBytes } = await indexFile(path);
  const ms = Math.round((performance.now() - start) * 10) / 10;
  process.stdout.write(`${JSON.stringify({ packets: count, ms, indexBytes })}\n`);
  return 0;
}

// Exit explicitly so a worker or handle the engine leaves open cannot keep the benchmark waiting
// (stdout and stderr are synchronous for files and pipes on Linux, so nothing is lost).
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench-index: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
