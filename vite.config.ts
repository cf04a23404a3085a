// Builds the renderer bundle into build/renderer (loaded from file:// by Electron, served by
// main/serve in browser mode). JSX goes through vite's own oxc transform: no plugin needed.
import { defineConfig, type Plugin } from 'vite';

/**
 * main.tsx imports the window's code (window.tsx) dynamically so it can connect to the engine
 * first; modulepreload links let the browser fetch and compile that code alongside the entry
 * instead of after it has run.
 */
function preloadWindowChunk(): Plugin {
  return {
    name: 'trawl-preload-window-chunk',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const bundle = ctx.bundle ?? {};
        const chunk = Object.values(bundle).find(
          (c) => c.type === 'chunk' && c.facadeModuleId?.endsWith('/renderer/window.tsx'),
        );
        if (chunk?.type !== 'chunk') return [];
        // The window chunk and the chunks it imports (the grid's, not the entry's own), so they
        // download and compile in parallel.
        const isEntry = (f: string): boolean => {
          const c = bundle[f];
          return c?.type === 'chunk' && c.isEntry;
        };
        const files = [chunk.fileName, ...chunk.imports.filter((f) => !isEntry(f))];
        return files.map((file) => ({
          tag: 'link',
          attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` },
          injectTo: 'head' as const,
        }));
      },
    },
  };
}

export default defineConfig(({ mode }) => ({
  root: 'renderer',
  base: './',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', development: mode !== 'production' } },
  plugins: [preloadWindowChunk()],
  build: {
    outDir: '../build/renderer',
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    modulePreload: { polyfill: false },
    // ag-grid (about 3/4 of the window's code) is a chunk of its own: the browser parses it on
    // another thread while it parses React and the app.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'grid', test: /node_modules[\\/](ag-grid-community|ag-stack)[\\/]/ }],
        },
      },
    },
  },
  // React picks its production build by this; vite 8 does not always replace it on its own.
  define: { 'process.env.NODE_ENV': JSON.stringify(mode === 'production' ? 'production' : 'development') },
  server: { fs: { allow: ['..'] } },
}));
