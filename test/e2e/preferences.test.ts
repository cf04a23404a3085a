// Edit → Preferences in a real Chromium against the browser mode: a TLS key log set in the dialog
// decrypts the open file at once (HTTP rows where there were TLS Application Data rows), an
// unreadable path is refused in the dialog with the engine's reason, and the preference outlives
// a reload: the file opened on start is decrypted too.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pcapFile, tempDir } from '../support/pcap-bytes.ts';
import { keylog12, tls12Frames } from '../support/tls-session.ts';
import { openInBrowser, shootSchemes, type OpenedFile } from './harness.ts';

const SHOTS = process.env['TRAWL_SHOTS'] ?? join(tmpdir(), 'trawl-prefs-shots');
const dir = tempDir('trawl-e2e-prefs-');
const capture = dir.file(
  'tls12.pcap',
  pcapFile(
    { linkType: 1 },
    tls12Frames().map((data, i) => ({ tsSec: 1_700_000_000 + i, tsFrac: 0, data })),
  ),
);
const keylog = dir.file('keys.log', new TextEncoder().encode(keylog12));

let opened: OpenedFile;
let page: Page;

beforeAll(async () => {
  opened = await openInBrowser(capture);
  page = opened.page;
}, 120_000);

afterAll(async () => {
  await opened?.close();
  dir.cleanup();
});

/** The Protocol column of every row, in order. */
async function protocols(): Promise<string[]> {
  const cells = page.locator('.packet-list .ag-cell[col-id="protocol"]');
  const rows = await cells.evaluateAll((els) =>
    els
      .map((el) => ({
        index: Number(el.closest('.ag-row')?.getAttribute('row-index')),
        protocol: el.textContent ?? '',
      }))
      .sort((a, b) => a.index - b.index),
  );
  return rows.map((r) => r.protocol);
}

const httpCell = () =>
  page.locator('.packet-list .ag-cell[col-id="protocol"]', { hasText: /^HTTP$/ }).first();

describe('preferences', () => {
  it('shows the TLS records undecrypted without a key log', async () => {
    const before = await protocols();
    expect(before).toHaveLength(opened.total);
    expect(before).toContain('TLSv1.2');
    expect(before).not.toContain('HTTP');
  });

  it('refuses a key log it cannot read, in the dialog, with the reason', async () => {
    await page.keyboard.press('Control+Shift+P');
    const dialog = page.getByTestId('preferences-dialog');
    await dialog.waitFor();
    await page.getByTestId('prefs-tls-keylog').fill(join(dir.dir, 'no-such.log'));
    await page.getByTestId('prefs-ok').click();
    await expect
      .poll(() => page.getByTestId('prefs-error').textContent())
      .toMatch(/^Cannot read the TLS key log file .*no-such\.log: ENOENT/);
    expect(await dialog.isVisible()).toBe(true);
  });

  it('decrypts the open file once a readable key log is set', async () => {
    await page.getByTestId('prefs-tls-keylog').fill(keylog);
    await shootSchemes(page, SHOTS, 'preferences');
    await page.getByTestId('prefs-ok').click();
    await page.getByTestId('preferences-dialog').waitFor({ state: 'detached' });
    await httpCell().waitFor();
    const after = await protocols();
    expect(after).toHaveLength(opened.total);
    expect(after.filter((p) => p === 'HTTP')).toHaveLength(2);
    const info = await page.locator('.packet-list .ag-cell[col-id="info"]').allTextContents();
    expect(info.some((t) => t.startsWith('GET /index.html HTTP/1.1'))).toBe(true);
    await shootSchemes(page, SHOTS, 'preferences-decrypted');
  });

  it('keeps the key log across a reload and decrypts the file opened on start', async () => {
    await page.reload();
    await httpCell().waitFor();
    expect((await protocols()).filter((p) => p === 'HTTP')).toHaveLength(2);
    await page.keyboard.press('Control+Shift+P');
    expect(await page.getByTestId('prefs-tls-keylog').inputValue()).toBe(keylog);
  });
});
