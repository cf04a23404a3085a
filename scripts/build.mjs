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
