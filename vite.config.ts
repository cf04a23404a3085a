// Builds the renderer bundle into build/renderer (loaded from file:// by Electron, served by
// main/serve in browser mode). JSX goes through vite's own oxc transform: no plugin needed.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../build/renderer',
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    modulePreload: { polyfill: false },
  },
  server: { fs: { allow: ['..'] } },
});
