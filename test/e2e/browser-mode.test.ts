// Trawl in a real Chromium against the browser mode, on real captures: the packet list, tree
// and hex view must show exactly what the engine (and the CLI) say about the file.
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDateTimeUtc, formatDelta } from '../../app/format/time.ts';
import type { RunningServer } from '../../main/serve/server.ts';
import { CLI, CORPUS_FILES, trawl } from '../support/corpus.ts';
import {
  buildRenderer,
  cell,
  engineTruth,
  findNode,
  highlightedBytes,
  launchChromium,
  nodesCovering,
  openAndWait,
  pageUrl,
  serve,
} from './harness.ts';
import { scratchDir } from '../support/scratch.ts';

const TCP = join(CORPUS_FILES, 'pcpp__tls.pcap');
const DNS = join(CORPUS_FILES, 'pcpp__DnsPackets.pcap');

let browser: Browser;
let server: RunningServer;
let bundle: string;

beforeAll(async () => {
  bundle = buildRenderer();
  server = await serve(bundle);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (bundle) rmSync(bundle, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (err) => {
    throw err;
  });
  return page;
}

describe('browser mode: packet list', () => {
  let page: Page;
  let truth: Awaited<ReturnType<typeof engineTruth>>;

  beforeAll(async () => {
    truth = await engineTruth(DNS);
    page = await newPage();
    await openAndWait(page, pageUrl(server, DNS), truth.total);
  });
  afterAll(async () => {
    truth.engine.close();
    await page.close();
  });

  it('counts the packets in the status bar as the engine and the CLI do', async () => {
    expect(await page.getByTestId('status-file').textContent()).toBe('pcpp__DnsPackets.pcap');
    expect(await page.getByTestId('status-displayed').textContent()).toBe(
      `Displayed: ${truth.total.toLocaleString('en-US')}`,
    );
    if (existsSync(CLI)) {
      const lines = trawl(['-r', DNS]).stdout.trim().split('\n');
      expect(truth.total).toBe(lines.length);
    }
  });

  it("shows the engine's rows, cell for cell, and the CLI's summary", async () => {
    const rows = await truth.rows(0, 12);
    const first = rows[0];
    const cli = existsSync(CLI) ? trawl(['-r', DNS, '-c', '12']).stdout.trim().split('\n') : null;
    for (const [i, row] of rows.entries()) {
      expect(await cell(page, i, 'no')).toBe(String(row.number));
      expect(await cell(page, i, 'source')).toBe(row.source);
      expect(await cell(page, i, 'destination')).toBe(row.destination);
      expect(await cell(page, i, 'protocol')).toBe(row.protocol);
      expect(await cell(page, i, 'length')).toBe(String(row.length));
      expect(await cell(page, i, 'info')).toBe(row.info);
      expect(await cell(page, i, 'time')).toBe(
        formatDelta(row.tsSec, row.tsNsec, first?.tsSec ?? 0, first?.tsNsec ?? 0, 6),
      );
      if (cli) {
        // The CLI pads its columns as tshark does; the words must be the page's.
        const cells = await Promise.all(
          ['no', 'time', 'source', 'destination', 'protocol', 'length', 'info'].map((c) => cell(page, i, c)),
        );
        const [no, time, src, dst, ...rest] = cells;
        const words = (t: string): string => t.replace(/\s+/g, ' ').trim();
        expect(words(cli[i] ?? '')).toBe(words(`${no} ${time} ${src} → ${dst} ${rest.join(' ')}`));
      }
    }
  });

  it('switches the time format from the View menu', async () => {
    await page.getByTestId('menu-view').click();
    await page.getByRole('menuitem', { name: /Time Display Format/ }).hover();
    await page.getByRole('menuitemcheckbox', { name: /UTC Date and Time of Day/ }).click();
    const [row] = await truth.rows(1, 2);
    await expect
      .poll(() => cell(page, 1, 'time'))
      .toBe(formatDateTimeUtc(row?.tsSec ?? 0, row?.tsNsec ?? 0, 6));
    await page.evaluate(() =>
      window.postMessage({ type: 'trawl:menu', action: 'time-format:relative' }, window.location.origin),
    );
    await expect.poll(() => cell(page, 0, 'time')).toBe('0.000000');
  });

  it('colours rows by the default rules, and can stop', async () => {
    const row0 = page.locator('.packet-list .ag-row[row-index="0"]');
    await expect.poll(() => row0.getAttribute('class')).toMatch(/\brule\b/);
    await page.evaluate(() =>
      window.postMessage({ type: 'trawl:menu', action: 'toggle-colouring' }, window.location.origin),
    );
    await expect.poll(() => row0.getAttribute('class')).not.toMatch(/\brule\b/);
    await page.evaluate(() =>
      window.postMessage({ type: 'trawl:menu', action: 'toggle-colouring' }, window.location.origin),
    );
    await expect.poll(() => row0.getAttribute('class')).toMatch(/\brule\b/);
  });

  it('goes to a packet with Ctrl+G and moves with the keyboard', async () => {
    await page.locator('.packet-list .ag-row[row-index="0"] .ag-cell[col-id="info"]').click();
    await page.keyboard.press('Control+g');
    await page.getByTestId('goto-input').fill('300');
    await page.keyboard.press('Enter');
    const selectedNo = page.locator('.packet-list .ag-row-selected .ag-cell[col-id="no"]');
    await expect.poll(() => selectedNo.textContent()).toBe('300');
    await expect.poll(() => page.locator('.tree-row').first().textContent()).toMatch(/^.?Frame 300:/);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => selectedNo.textContent()).toBe('301');
    await page.keyboard.press('End');
    await expect.poll(() => selectedNo.textContent()).toBe(String(truth.total));
    await page.keyboard.press('Home');
    await expect.poll(() => selectedNo.textContent()).toBe('1');
    await page.keyboard.press('PageDown');
    await expect.poll(async () => Number(await selectedNo.textContent())).toBeGreaterThan(5);
  });

  it('sorts by Length in the engine, both ways, keeping the selected packet in sight', async () => {
    const header = page.locator('.ag-header-cell[col-id="length"]');
    const selectedNo = page.locator('.packet-list .ag-row-selected .ag-cell[col-id="no"]');
    /** Clicks the header; the selected packet must stay selected and be scrolled to; then go to the top. */
    const sortBy = async (ariaSort: string): Promise<void> => {
      const kept = await selectedNo.textContent();
      expect(kept).toMatch(/^\d+$/);
      await header.click();
      await expect.poll(() => header.getAttribute('aria-sort')).toBe(ariaSort);
      await expect.poll(() => selectedNo.textContent()).toBe(kept);
      await page.evaluate(() =>
        window.postMessage({ type: 'trawl:menu', action: 'first-packet' }, window.location.origin),
      );
    };
    await sortBy('ascending');
    await truth.engine.handle('view.sort', { column: 'length', descending: false });
    const sorted = await truth.rows(0, 15);
    for (const [i, row] of sorted.entries()) {
      await expect.poll(() => cell(page, i, 'no')).toBe(String(row.number));
      expect(await cell(page, i, 'length')).toBe(String(row.length));
    }
    const lengths = sorted.map((r) => r.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
    await sortBy('descending');
    await truth.engine.handle('view.sort', { column: 'length', descending: true });
    const [top] = await truth.rows(0, 1);
    await expect.poll(() => cell(page, 0, 'no')).toBe(String(top?.number));
    await sortBy('none'); // back to file order
    await truth.engine.handle('view.sort', { column: null, descending: false });
    await expect.poll(() => cell(page, 0, 'no')).toBe('1');
  });
});

describe('browser mode: protocol tree and hex view', () => {
  let page: Page;
  let truth: Awaited<ReturnType<typeof engineTruth>>;
  const N = 4;

  beforeAll(async () => {
    truth = await engineTruth(TCP);
    page = await newPage();
    await openAndWait(page, pageUrl(server, TCP), truth.total);
    await page.locator(`.packet-list .ag-row[row-index="${N - 1}"] .ag-cell[col-id="info"]`).click();
  });
  afterAll(async () => {
    truth.engine.close();
    await page.close();
  });

  it("shows the clicked packet's tree, one node per engine node", async () => {
    const tree = await truth.tree(N);
    await expect.poll(() => page.locator('.tree-row').first().textContent()).toContain(`Frame ${N}:`);
    expect(await page.locator('.tree-row[aria-level="1"] .label').allTextContents()).toEqual(
      tree.map((n) => n.label),
    );
    await page.evaluate(() =>
      window.postMessage({ type: 'trawl:menu', action: 'expand-all' }, window.location.origin),
    );
    const all: string[] = [];
    const walk = (ns: typeof tree): void =>
      ns.forEach((n) => {
        all.push(n.label);
        if (n.children) walk(n.children);
      });
    walk(tree);
    await expect.poll(() => page.locator('.tree-row .label').allTextContents()).toEqual(all);
  });

  it('highlights exactly the bytes of a clicked field', async () => {
    const tree = await truth.tree(N);
    for (const field of [
      'eth.src',
      'ip.ttl',
      'ip.src',
      'tcp.srcport',
      'tcp.flags',
      'tcp.window_size_value',
    ]) {
      const found = findNode(tree, field);
      expect(found, field).not.toBeNull();
      if (!found) continue;
      await page.locator(`.tree-row[data-path="${found.path}"]`).click();
      const want = Array.from({ length: found.node.length }, (_, i) => found.node.offset + i);
      await expect.poll(() => highlightedBytes(page), { message: field }).toEqual(want);
    }
  });

  it('selects the innermost field covering a clicked byte', async () => {
    const tree = await truth.tree(N);
    for (const offset of [0, 7, 12, 14, 22, 26, 34, 47, 60]) {
      const covering = nodesCovering(tree, offset);
      const shortest = Math.min(...covering.map((c) => c.node.length));
      const want = covering.find((c) => c.node.length === shortest);
      await page.locator(`.hex-view .hex .b[data-off="${offset}"]`).click();
      await expect
        .poll(() => page.locator('.tree-row.selected').getAttribute('data-path'), {
          message: `byte ${offset}`,
        })
        .toBe(want?.path);
      const hl = await highlightedBytes(page);
      expect(hl).toContain(offset);
      expect(hl).toHaveLength(want?.node.length ?? -1);
    }
  });

  it('keeps the highlight on the selected field as the keyboard moves through the tree', async () => {
    const tree = await truth.tree(N);
    const ttl = findNode(tree, 'ip.ttl');
    if (!ttl) throw new Error('no ip.ttl');
    await page.locator(`.tree-row[data-path="${ttl.path}"]`).click();
    await page.keyboard.press('ArrowDown');
    const next = await page.locator('.tree-row.selected').getAttribute('data-path');
    const nextNode = next
      ?.split('.')
      .reduce<{ children?: typeof tree } | undefined>((n, i) => n?.children?.[Number(i)], {
        children: tree,
      }) as { offset: number; length: number } | undefined;
    expect(nextNode).toBeDefined();
    const want = Array.from({ length: nextNode?.length ?? 0 }, (_, i) => (nextNode?.offset ?? 0) + i);
    await expect.poll(() => highlightedBytes(page)).toEqual(want);
  });
});

describe('browser mode: broken files and access', () => {
  it('shows the good packets of a truncated file and the error bar', async () => {
    const dir = scratchDir('trawl-e2e-');
    const cut = join(dir, 'cut.pcap');
    const whole = readFileSync(DNS);
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2) + 7));
    const truth = await engineTruth(cut);
    expect(truth.total).toBeGreaterThan(0);
    expect(truth.loadError).not.toBeNull();
    const page = await newPage();
    await openAndWait(page, pageUrl(server, cut), truth.total);
    await page.getByTestId('error-bar').waitFor();
    expect(await page.getByTestId('error-bar').textContent()).toContain(truth.loadError ?? '');
    expect(await page.getByTestId('error-bar').textContent()).toContain(`${truth.total} packets read`);
    const [last] = await truth.rows(truth.total - 1, truth.total);
    await page.keyboard.press('Control+g');
    await page.getByTestId('goto-input').fill(String(truth.total));
    await page.keyboard.press('Enter');
    await expect.poll(() => cell(page, truth.total - 1, 'info')).toBe(last?.info);
    await page.getByTestId('error-dismiss').click();
    await expect.poll(() => page.getByTestId('error-bar').count()).toBe(0);
    truth.engine.close();
    await page.close();
  });

  it('says why a file cannot be opened', async () => {
    const page = await newPage();
    await page.goto(pageUrl(server, '/no/such/file.pcap'));
    await page.getByTestId('error-bar').waitFor();
    expect(await page.getByTestId('error-bar').textContent()).toContain('/no/such/file.pcap');
    expect(await page.getByTestId('status-file').textContent()).toBe('No file open');
    await page.close();
  });

  it('opens a file through the Open dialog and remembers it', async () => {
    const dir = scratchDir('trawl-e2e-open-');
    copyFileSync(TCP, join(dir, 'picked.pcap'));
    const page = await newPage();
    await page.goto(pageUrl(server));
    await page.getByTestId('welcome').waitFor();
    await page.keyboard.press('Control+o');
    await page.getByTestId('open-path').fill(dir + '/');
    await page.keyboard.press('Enter');
    await page.getByTestId('file-list').getByText('picked.pcap').dblclick();
    await page.getByTestId('status-file').filter({ hasText: 'picked.pcap' }).waitFor();
    await page.reload();
    await page.getByTestId('welcome').getByText(join(dir, 'picked.pcap')).waitFor();
    await page.close();
  });

  it('refuses the page and the engine socket without the right token', async () => {
    const page = await newPage();
    const base = `http://127.0.0.1:${server.port}`;
    expect((await page.goto(base + '/'))?.status()).toBe(403);
    expect((await page.goto(`${base}/?token=wrong`))?.status()).toBe(403);
    expect((await page.goto(`${base}/assets/?token=wrong`))?.status()).toBe(403);
    await page.goto(pageUrl(server));
    const outcome = await page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        }),
      `ws://127.0.0.1:${server.port}/engine?token=wrong`,
    );
    expect(outcome).toBe('refused');
    await page.close();
  });
});
