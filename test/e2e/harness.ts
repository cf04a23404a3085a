// End-to-end harness: the built renderer, served by startServer() with an in-process engine,
// driven by Debian's Chromium through playwright-core.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Row, TreeNodeDto } from '../../app/protocol/messages.ts';
import { Engine } from '../../main/engine/engine.ts';
import { inProcessEngineHost } from '../../main/serve/engine-host.ts';
import { startServer, type RunningServer } from '../../main/serve/server.ts';
import { ROOT } from '../support/corpus.ts';

/**
 * Builds the renderer bundle (vite) into a fresh directory, so the test drives what ships and
 * test files running side by side never build over each other (or over build/renderer).
 */
export function buildRenderer(): string {
  const outDir = mkdtempSync(join(tmpdir(), 'trawl-renderer-'));
  const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
  const r = spawnSync(
    process.execPath,
    [vite, 'build', '--logLevel', 'error', '--outDir', outDir, '--emptyOutDir'],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production' },
      encoding: 'utf8',
    },
  );
  if (r.status !== 0 || !existsSync(join(outDir, 'index.html'))) {
    throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
  }
  return outDir;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export function serve(staticDir: string): Promise<RunningServer> {
  return startServer({ staticDir, engineHost: inProcessEngineHost() });
}

export function pageUrl(server: RunningServer, open?: string): string {
  const base = `http://127.0.0.1:${server.port}/?token=${server.token}`;
  return open ? `${base}&open=${encodeURIComponent(open)}` : base;
}

/** The engine's own answers for a file, fully loaded: what the page must show. */
export async function engineTruth(path: string): Promise<{
  engine: Engine;
  total: number;
  rows(start: number, end: number): Promise<Row[]>;
  tree(n: number): Promise<TreeNodeDto[]>;
  loadError: string | null;
}> {
  let loadError: string | null = null;
  const engine = new Engine((e) => {
    if (e.type === 'load.error') loadError = e.error.message;
  });
  await engine.handle('file.open', { path });
  await engine.handle('view.sort', { column: null, descending: false });
  const { total } = await engine.handle('view.state', {});
  return {
    engine,
    total,
    rows: (start, end) => engine.handle('view.rows', { start, end }),
    tree: async (n) => (await engine.handle('frame.detail', { number: n })).tree,
    get loadError() {
      return loadError;
    },
  };
}

/** Opens the page on `url` and waits until the status bar counts `packets`. */
export async function openAndWait(page: Page, url: string, packets: number): Promise<void> {
  await page.goto(url);
  await page
    .getByTestId('status-packets')
    .filter({ hasText: `Packets: ${packets.toLocaleString('en-US')}` })
    .waitFor();
  await page
    .locator('.ag-row[row-index="0"] .ag-cell[col-id="no"]')
    .filter({ hasText: /\d/ })
    .first()
    .waitFor();
}

/** The text of row `row`'s cell in column `col`, once the row is loaded. */
export async function cell(page: Page, row: number, col: string): Promise<string> {
  const loc = page.locator(`.packet-list .ag-row[row-index="${row}"] .ag-cell[col-id="${col}"]`);
  if (col !== 'no') {
    await page
      .locator(`.packet-list .ag-row[row-index="${row}"] .ag-cell[col-id="no"]`)
      .filter({ hasText: /\d/ })
      .waitFor();
  }
  return (await loc.textContent()) ?? '';
}

/** The first node with filter name `field`, depth first, with its path. */
export function findNode(
  nodes: readonly TreeNodeDto[],
  field: string,
  prefix = '',
): { node: TreeNodeDto; path: string } | null {
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i] as TreeNodeDto;
    if (n.field === field) return { node: n, path: prefix + i };
    const inner = n.children ? findNode(n.children, field, prefix + i + '.') : null;
    if (inner) return inner;
  }
  return null;
}

/** Every node covering byte `offset` of the frame, depth first, with its path. */
export function nodesCovering(
  nodes: readonly TreeNodeDto[],
  offset: number,
  prefix = '',
): { node: TreeNodeDto; path: string }[] {
  const out: { node: TreeNodeDto; path: string }[] = [];
  nodes.forEach((n, i) => {
    const path = prefix + i;
    if (n.source === 0 && n.length > 0 && offset >= n.offset && offset < n.offset + n.length)
      out.push({ node: n, path });
    if (n.children) out.push(...nodesCovering(n.children, offset, path + '.'));
  });
  return out;
}

/** Offsets of the highlighted bytes in the hex view. */
export async function highlightedBytes(page: Page): Promise<number[]> {
  return page.$$eval('.hex-view .hex .b.hl', (els) =>
    els.map((e) => Number((e as HTMLElement).dataset['off'])),
  );
}

/** A page of its own browser and server with a file open and fully counted. */
export interface OpenedFile {
  page: Page;
  /** The file's packet count (the engine's). */
  total: number;
  close(): Promise<void>;
}

/**
 * Builds the renderer, serves it, and opens `path` in a fresh Chromium page (1400×900) until the
 * status bar counts every packet; an error thrown in the page fails the test.
 */
export async function openInBrowser(path: string): Promise<OpenedFile> {
  const bundle = buildRenderer();
  const server = await serve(bundle);
  const browser = await launchChromium();
  const close = async (): Promise<void> => {
    await browser.close();
    await server.close();
    rmSync(bundle, { recursive: true, force: true });
  };
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (err) => {
      throw err;
    });
    const truth = await engineTruth(path);
    truth.engine.close();
    await openAndWait(page, pageUrl(server, path), truth.total);
    return { page, total: truth.total, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Screenshots of `page` in the light and the dark scheme into `dir` (`name-light.png`, …). */
export async function shootSchemes(page: Page, dir: string, name: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(dir, `${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
