// Builds the renderer bundle into build/renderer (loaded from file:// by Electron, served by
// main/serve in browser mode). JSX goes through vite's own oxc transform: no plugin needed.
import { defineConfig } from 'vite';

export default defineConfig(({ mode }) => ({
  root: 'renderer',
  base: './',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', development: mode !== 'production' } },
  build: {
    outDir: '../build/renderer',
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    modulePreload: { polyfill: false },
  },
  // React picks its production build by this; vite 8 does not always replace it on its own.
  define: { 'process.env.NODE_ENV': JSON.stringify(mode === 'production' ? 'production' : 'development') },
  server: { fs: { allow: ['..'] } },
}));
