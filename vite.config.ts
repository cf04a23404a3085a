// Builds the renderer bundle into build/renderer (loaded from file:// by Electron, served by
// main/serve in browser mode). JSX goes through vite's own oxc transform: no plugin needed.
import { defineConfig, type Plugin } from 'vite';

/**
 * main.tsx imports the window's code (window.tsx) dynamically so it can connect to the engine
 * first; a modulepreload link lets the browser fetch and compile that chunk alongside the entry
 * instead of after it has run.
 */
function preloadWindowChunk(): Plugin {
  return {
    name: 'trawl-preload-window-chunk',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find(
          (c) => c.type === 'chunk' && c.facadeModuleId?.endsWith('/renderer/window.tsx'),
        );
        if (!chunk) return [];
        return [
          {
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `./${chunk.fileName}` },
            injectTo: 'head',
          },
        ];
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
  },
  // React picks its production build by this; vite 8 does not always replace it on its own.
  define: { 'process.env.NODE_ENV': JSON.stringify(mode === 'production' ? 'production' : 'development') },
  server: { fs: { allow: ['..'] } },
}));
