// Bundles the Node-side entry points with esbuild (the renderer is built by vite).
import { build } from 'esbuild';

const entries = {
  cli: 'main/cli/main.ts',
  'engine-worker': 'main/engine/worker.ts',
  'bench-index': 'test/bench/index-file.ts',
};

await build({
  entryPoints: entries,
  outdir: 'build',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});

// The Electron main process (ESM) and its sandboxed preload (CommonJS, only `electron` external).
await build({
  entryPoints: { 'electron/main': 'main/electron/main.ts' },
  outdir: 'build',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
});

await build({
  entryPoints: { 'electron/preload': 'main/electron/preload.ts' },
  outdir: 'build',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'browser',
  format: 'cjs',
  target: 'es2023',
  sourcemap: true,
  external: ['electron'],
  logLevel: 'warning',
});
