// The typed loader of the addon: the only way main/ reaches native code.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as Addon from './addon.d.ts';

export type * from './addon.d.ts';

const CANDIDATES = [
  './build/Release/trawl.node', // from native/index.ts (tests, source)
  '../native/build/Release/trawl.node', // from build/*.mjs (bundles)
  '../../native/build/Release/trawl.node',
];

function locate(): string {
  const override = process.env['TRAWL_ADDON'];
  if (override) return override;
  for (const rel of CANDIDATES) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('Trawl native addon not built: run `npm run build:native` (needs libpcap-dev, g++, make)');
}

let loaded: typeof Addon | null = null;

/** The addon's exports, loaded on first use. */
export function addon(): typeof Addon {
  loaded ??= createRequire(import.meta.url)(locate()) as typeof Addon;
  return loaded;
}

const HELPER_CANDIDATES = [
  './build/Release/trawl-capture-helper',
  '../native/build/Release/trawl-capture-helper',
  '../../native/build/Release/trawl-capture-helper',
];

/**
 * The capture helper built with the addon (TRAWL_CAPTURE_HELPER overrides it); the first
 * candidate when none exists, so that messages can name where it belongs.
 */
export function captureHelperPath(): string {
  const override = process.env['TRAWL_CAPTURE_HELPER'];
  if (override) return override;
  const paths = HELPER_CANDIDATES.map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  return paths.find((p) => existsSync(p)) ?? (paths[0] as string);
}
