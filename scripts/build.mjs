// Bundles the Node-side entry points with esbuild (the renderer is built by vite).
import { build } from 'esbuild';

const common = {
  outdir: 'build',
  bundle: true,
  sourcemap: true,
  logLevel: 'warning',
};

const node = {
  ...common,
  outExtension: { '.js': '.mjs' },
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
};

// CLI, engine worker and the benchmarks' engine entries load the addon through `require`.
await build({
  ...node,
  entryPoints: {
    cli: 'main/cli/main.ts',
    'engine-worker': 'main/engine/worker.ts',
    'bench-index': 'test/bench/index-file.ts',
    'bench-filter': 'test/bench/filter-engine.ts',
  },
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});

// The Electron main process (ESM) and its sandboxed preload (CommonJS, only `electron` external).
await build({ ...node, entryPoints: { 'electron/main': 'main/electron/main.ts' } });

await build({
  ...common,
  entryPoints: { 'electron/preload': 'main/electron/preload.ts' },
  outExtension: { '.js': '.cjs' },
  platform: 'browser',
  format: 'cjs',
  target: 'es2023',
  external: ['electron'],
});
