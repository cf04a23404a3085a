// The display-filter bar in a real Chromium against the browser mode: typing a filter turns the bar
// green and, applied, changes the row count and the rows to tshark's frames; a bad filter turns it
// red and underlines the fault; completion, the tree's "Apply as Filter" and the yellow warning.
// Screenshots (light and dark) go to TRAWL_SHOTS or a temporary directory.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, CORPUS_FILES, readTsv } from '../support/corpus.ts';
import { cell, openInBrowser, shootSchemes, type OpenedFile } from './harness.ts';

const FILE = 'pcpp__4KHttpRequests.pcap';
const PATH = join(CORPUS_FILES, FILE);
const SHOTS = process.env['TRAWL_SHOTS'] ?? join(tmpdir(), 'tw6-filter-shots');
const expected = readTsv(join(CORPUS, '../filters/expected.tsv'));

function tsharkFrames(expression: string): number[] {
  const row = expected.rows.find((r) => r[0] === expression && r[1] === FILE);
  return row?.[2] ? row[2].split(',').map(Number) : [];
}

let opened: OpenedFile;
let page: Page;
let total = 0;

beforeAll(async () => {
  opened = await openInBrowser(PATH);
  ({ page, total } = opened);
}, 120_000);

afterAll(() => opened?.close());

const input = () => page.getByTestId('filter-input');

async function typeFilter(text: string): Promise<void> {
  await input().click();
  await input().fill('');
  await input().pressSequentially(text, { delay: 5 });
}

const shoot = (name: string): Promise<void> => shootSchemes(page, SHOTS, name);

describe('display filter bar', () => {
  it('focuses with Ctrl+/', async () => {
    await page.locator('.packet-list').click();
    await page.keyboard.press('Control+/');
    expect(await input().evaluate((e) => e === document.activeElement)).toBe(true);
  });

  it("applies a filter: green bar, tshark's count and rows", async () => {
    const expression = 'frame.len > 1000';
    const want = tsharkFrames(expression);
    expect(want.length).toBeGreaterThan(0);
    await typeFilter(expression);
    await expect.poll(() => input().getAttribute('class')).toContain('valid');
    await input().press('Enter');
    const pct = ((100 * want.length) / total).toFixed(1);
    await page
      .getByTestId('status-displayed')
      .filter({ hasText: `Displayed: ${want.length.toLocaleString('en-US')} (${pct}%)` })
      .waitFor();
    // The rows are re-fetched after the count changes: wait for them.
    await expect.poll(() => cell(page, 0, 'no')).toBe(String(want[0]));
    await expect.poll(() => cell(page, 1, 'no')).toBe(String(want[1]));
    await shoot('filter-applied');
  });

  it('shows a bad filter in red with its fault underlined and the message', async () => {
    await typeFilter('ip.src == 300.1.1.1');
    await expect.poll(() => input().getAttribute('class')).toContain('invalid');
    expect(await page.getByTestId('filter-error-span').textContent()).toBe('300.1.1.1');
    expect(await page.getByTestId('filter-message').textContent()).toBe(
      '"300.1.1.1" is not a valid hostname or IPv4 address.',
    );
    expect(await page.getByTestId('filter-apply').isDisabled()).toBe(true);
    await shoot('filter-error');
    // Enter does not apply it: the list keeps the last good filter.
    await input().press('Enter');
    expect(await page.getByTestId('status-displayed').textContent()).toMatch(/\(\d+\.\d%\)/);
  });

  it('warns in yellow about != on a field that occurs twice', async () => {
    await typeFilter('ip.addr != 10.0.0.1');
    await expect.poll(() => input().getAttribute('class')).toContain('warning');
    expect(await page.getByTestId('filter-message').textContent()).toContain('ip.addr !== …');
  });

  it('completes field names from the registry', async () => {
    await typeFilter('tcp.fl');
    const list = page.getByTestId('filter-completions');
    await list.waitFor();
    const names = await list.locator('.filter-popup-name').allTextContents();
    expect(names).toContain('tcp.flags');
    await shoot('filter-completion');
    await input().press('Tab');
    expect(await input().inputValue()).toMatch(/^tcp\.fl/);
  });

  it('clears the filter and shows every packet again', async () => {
    await page.getByTestId('filter-clear').click();
    await page
      .getByTestId('status-displayed')
      .filter({ hasText: new RegExp(`^Displayed: ${total.toLocaleString('en-US')}$`) })
      .waitFor();
  });

  it('applies a tree field as a filter from the context menu', async () => {
    await page.locator('.packet-list .ag-row[row-index="0"] .ag-cell[col-id="no"]').click();
    const tree = page.getByTestId('protocol-tree');
    await tree.locator('.tree-row', { hasText: 'Internet Protocol Version 4' }).first().click();
    await page.keyboard.press('ArrowRight');
    const row = tree
      .locator('.tree-row', { hasText: 'Destination Address:' })
      .filter({ hasNotText: 'Source or' })
      .first();
    await row.click({ button: 'right' });
    await page.locator('.menu-item', { hasText: 'Apply as Filter' }).hover();
    await page
      .locator('.menu-item', { hasText: /^\s*Selected/ })
      .first()
      .click();
    await expect.poll(() => input().inputValue()).toMatch(/^ip\.dst == \d+\.\d+\.\d+\.\d+$/);
    const expression = await input().inputValue();
    await page.getByTestId('status-displayed').filter({ hasText: '%' }).waitFor();
    const shown = await page.getByTestId('status-displayed').textContent();
    expect(shown).toMatch(/^Displayed: [\d,]+ \(\d+\.\d%\)$/);
    // Every displayed row goes to that address.
    const address = expression.slice('ip.dst == '.length);
    await expect.poll(() => cell(page, 0, 'destination')).toBe(address);
    await shoot('filter-from-tree');
  });
});
