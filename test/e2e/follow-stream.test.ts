// Follow TCP Stream in a real Chromium against the browser mode: the shortcut and the Analyze menu
// open the dialog on the selected packet's conversation, its text is tshark's `-z follow`, the
// list shows only the stream (`tcp.stream eq N` in the filter bar), one side or a hex dump on
// demand, Back restores the filter before. Screenshots go to TRAWL_SHOTS or a temporary directory.
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_FILES } from '../support/corpus.ts';
import { cell, openInBrowser, shootSchemes, type OpenedFile } from './harness.ts';

const PATH = join(CORPUS_FILES, 'pcpp__four_ipv6_http_streams.pcap');
const SHOTS = process.env['TRAWL_SHOTS'] ?? join(tmpdir(), 'trawl-follow-shots');

let opened: OpenedFile;
let page: Page;
let total = 0;

/** tshark's frames of `tcp.stream eq n` and the stream's client and server text (ascii mode). */
function tsharkStream(n: number): { frames: number; client: string; server: string } {
  const run = (args: string[]): string =>
    spawnSync('tshark', ['-r', PATH, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;
  const frames = run(['-Y', `tcp.stream eq ${n}`, '-T', 'fields', '-e', 'frame.number'])
    .trim()
    .split('\n');
  const body = run(['-q', '-z', `follow,tcp,ascii,${n}`])
    .split('\n')
    .slice(6, -2);
  // Chunks: a length line (tab-indented for the server), then the chunk's lines.
  const sides = { client: '', server: '' };
  let side: 'client' | 'server' = 'client';
  for (const line of body) {
    const head = /^(\t?)\d+$/.exec(line);
    if (head) side = head[1] ? 'server' : 'client';
    else sides[side] += line;
  }
  return { frames: frames.length, ...sides };
}

const squash = (s: string): string => s.replace(/\s+/g, '');

beforeAll(async () => {
  opened = await openInBrowser(PATH);
  ({ page, total } = opened);
}, 120_000);

afterAll(() => opened?.close());

const dialog = () => page.getByTestId('follow-dialog');
const filterInput = () => page.getByTestId('filter-input');

async function selectRow(row: number): Promise<number> {
  const no = Number(await cell(page, row, 'no'));
  await page.locator(`.packet-list .ag-row[row-index="${row}"] .ag-cell[col-id="no"]`).click();
  await page
    .getByTestId('protocol-tree')
    .locator('.tree-row', { hasText: `Frame ${no}:` })
    .waitFor();
  return no;
}

const shoot = (name: string): Promise<void> => shootSchemes(page, SHOTS, name);

describe('follow TCP stream', () => {
  let stream = -1;

  it("opens on Ctrl+Alt+Shift+T with tshark's text, and shows only the stream's packets", async () => {
    const frame = await selectRow(5);
    const fields = spawnSync(
      'tshark',
      ['-r', PATH, '-Y', `frame.number == ${frame}`, '-T', 'fields', '-e', 'tcp.stream'],
      {
        encoding: 'utf8',
      },
    );
    stream = Number(fields.stdout.trim());
    const want = tsharkStream(stream);
    expect(want.client).toContain('GET ');
    await page.keyboard.press('Control+Alt+Shift+T');
    await dialog().getByTestId('follow-text').waitFor();
    expect(await dialog().getAttribute('aria-label')).toBe(`Follow TCP Stream (tcp.stream eq ${stream})`);
    const client = (await dialog().locator('.follow-text .follow-client').allTextContents()).join('');
    const server = (await dialog().locator('.follow-text .follow-server').allTextContents()).join('');
    expect(squash(client)).toBe(squash(want.client));
    expect(squash(server)).toBe(squash(want.server));
    expect(await filterInput().inputValue()).toBe(`tcp.stream eq ${stream}`);
    await page
      .getByTestId('status-displayed')
      .filter({ hasText: `Displayed: ${want.frames} (` })
      .waitFor();
    await shoot('follow-ascii');
  });

  it('shows one side, and a hex dump', async () => {
    await dialog().getByTestId('follow-side').selectOption('server');
    await expect.poll(() => dialog().locator('.follow-text .follow-client').count()).toBe(0);
    expect(await dialog().getByTestId('follow-text').textContent()).toMatch(/^HTTP\/1\.1 /);
    await dialog().getByTestId('follow-side').selectOption('both');
    await dialog().getByTestId('follow-show').selectOption('hex');
    const hex = (await dialog().getByTestId('follow-text').textContent()) ?? '';
    // "GET " as tshark's hex dump prints it: offset, hex bytes, then the ASCII column.
    expect(hex).toMatch(/^00000000 {2}47 45 54 20 /);
    await shoot('follow-hex');
  });

  it('goes Back to the filter there was before', async () => {
    await dialog().getByRole('button', { name: 'Back' }).click();
    await expect.poll(() => dialog().count()).toBe(0);
    expect(await filterInput().inputValue()).toBe('');
    await page
      .getByTestId('status-displayed')
      .filter({ hasText: new RegExp(`^Displayed: ${total}$`) })
      .waitFor();
  });

  it('opens from Analyze → Follow and filters the stream out', async () => {
    await selectRow(5);
    await page.locator('.menu-title', { hasText: 'Analyze' }).click();
    await page.getByRole('menuitem', { name: /^Follow/ }).hover();
    await page.getByRole('menuitem', { name: /^TCP Stream/ }).click();
    await dialog().getByTestId('follow-text').waitFor();
    await dialog().getByRole('button', { name: 'Filter Out This Stream' }).click();
    expect(await filterInput().inputValue()).toBe(`!(tcp.stream eq ${stream})`);
    const shown = total - tsharkStream(stream).frames;
    await page
      .getByTestId('status-displayed')
      .filter({ hasText: `Displayed: ${shown} (` })
      .waitFor();
  });
});
