// Packaging cannot run on the build machines, so electron-builder.yml is checked here: against
// electron-builder's own JSON schema (with the validator and options it uses itself), and for the
// things the schema cannot know: that the files it names exist and that the icons are the sizes
// their names say.
import { Ajv } from 'ajv';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../support/corpus.ts';

const require = createRequire(import.meta.url);
// js-yaml is what electron-builder reads its YAML config with (it ships no types of its own).
const yaml = require('js-yaml') as { load(text: string): unknown };

interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { buildResources: string; output: string };
  files: string[];
  asarUnpack: string[];
  fileAssociations: { ext: string; mimeType: string }[];
  linux: {
    target: string[];
    category: string;
    icon: string;
    mimeTypes: string[];
    desktop: { entry: Record<string, string> };
  };
}

const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

function schemaValidator() {
  const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
  // app-builder-lib/out/util/config/schemaValidator.js uses ajv with strict: false (its schema has
  // custom keywords); coerceTypes is left off here so a value of the wrong type fails.
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's schema", () => {
    const validate = schemaValidator();
    const ok = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('would be rejected if it were wrong (the validator is live)', () => {
    const validate = schemaValidator();
    expect(validate({ ...config, linux: { ...config.linux, categry: 'Network' } })).toBe(false);
    expect(validate({ ...config, fileAssociations: [{ mimeType: 'application/x-pcapng' }] })).toBe(false);
    expect(validate({ ...config, asarUnpack: 42 })).toBe(false);
  });

  it('packages Trawl for Linux as deb and AppImage, owning pcap and pcapng', () => {
    expect(config).toMatchObject({ appId: 'org.trawl.Trawl', productName: 'Trawl' });
    expect(config.linux.target).toEqual(['deb', 'AppImage']);
    expect(config.linux.category).toBe('Network');
    expect(config.fileAssociations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ext: 'pcap', mimeType: 'application/vnd.tcpdump.pcap' }),
        expect.objectContaining({ ext: 'pcapng', mimeType: 'application/x-pcapng' }),
      ]),
    );
    expect(config.linux.mimeTypes).toEqual(['application/vnd.tcpdump.pcap', 'application/x-pcapng']);
    expect(config.linux.desktop.entry).toMatchObject({ Name: 'Trawl', Categories: 'Network;Monitor;' });
  });

  it('ships the bundles, the addon and the helper, with native code outside the asar', () => {
    expect(config.files).toEqual(
      expect.arrayContaining([
        'build/**',
        'native/build/Release/*.node',
        'native/build/Release/trawl-capture-helper',
        'package.json',
      ]),
    );
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        'native/build/Release/*.node',
        'native/build/Release/trawl-capture-helper',
        'build/engine-worker.mjs',
      ]),
    );
    // Its default build-resources folder, `build`, is where the bundles are: it must be elsewhere.
    expect(config.directories.buildResources).not.toBe('build');
  });

  it('points at an icon set whose file names match their pixel sizes', () => {
    const dir = join(ROOT, config.linux.icon);
    const names = readdirSync(dir).filter((n) => n.endsWith('.png'));
    expect(names).toEqual(expect.arrayContaining(['16x16.png', '48x48.png', '256x256.png', '512x512.png']));
    for (const name of names) {
      const [w, h] = name.replace('.png', '').split('x').map(Number);
      expect(pngSize(join(dir, name)), name).toEqual({ width: w, height: h });
    }
    expect(existsSync(join(ROOT, 'assets/icons/trawl.svg'))).toBe(true);
    expect(config.files).toContain('assets/icons/png/256x256.png');
  });

  it('starts the ES-module main that the build writes', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('build/electron/main.mjs');
  });
});
