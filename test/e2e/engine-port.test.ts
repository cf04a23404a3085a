// The Electron path without Electron: the page gets no token, so it waits for the preload's
// `{ type: 'trawl:engine-port' }` window message carrying a MessagePort, and talks to the engine
// over that port. Here the "preload" is a script in the page relaying the port to an engine in
// this process; the page is served by the browser mode (plain Chromium blocks module scripts
// from file://; Electron does not).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessEngineHost } from '../../main/serve/engine-host.ts';
import type { RunningServer } from '../../main/serve/server.ts';
import { encodeWire } from '../../app/protocol/wire.ts';
import { CORPUS_FILES } from '../support/corpus.ts';
import { buildRenderer, cell, engineTruth, launchChromium, pageUrl, serve } from './harness.ts';

declare global {
  interface Window {
    trawlToEngine?: (text: string) => void;
    trawlFromEngine?: (text: string) => void;
  }
}

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

describe('engine port hand-off (the Electron transport)', () => {
  it('opens a file sent by the shell and shows it, over a MessagePort', async () => {
    const file = join(CORPUS_FILES, 'pcpp__tls.pcap');
    const truth = await engineTruth(file);
    const page = await browser.newPage();
    const engine = inProcessEngineHost()();
    await page.exposeFunction('trawlToEngine', (text: string) => engine.send(JSON.parse(text)));
    engine.onMessage((m) => {
      void page.evaluate((t) => window.trawlFromEngine?.(t), encodeWire(m)).catch(() => {});
    });
    // The token sets the cookie; the page itself is then loaded without one, as Electron loads it.
    await page.goto(pageUrl(server));
    await page.goto(`http://127.0.0.1:${server.port}/index.html`);
    expect(await page.evaluate(() => document.body.dataset['engine'])).toBeUndefined();
    await page.evaluate(() => {
      const channel = new MessageChannel();
      const revive = (_k: string, v: unknown): unknown => {
        if (typeof v === 'object' && v !== null && '$bytes' in v) {
          const bin = atob((v as { $bytes: string }).$bytes);
          return Uint8Array.from(bin, (c) => c.charCodeAt(0));
        }
        return v;
      };
      window.trawlFromEngine = (t) => channel.port2.postMessage(JSON.parse(t, revive));
      channel.port2.onmessage = (e) => window.trawlToEngine?.(JSON.stringify(e.data));
      channel.port2.start();
      window.postMessage({ type: 'trawl:engine-port' }, window.location.origin, [channel.port1]);
    });
    await page.waitForFunction(() => document.body.dataset['engine'] === 'ready');
    expect(await page.locator('.menu-bar').count()).toBe(0);
    await page.evaluate(
      (path) => window.postMessage({ type: 'trawl:open', path }, window.location.origin),
      file,
    );
    await page
      .getByTestId('status-packets')
      .filter({ hasText: `Packets: ${truth.total}` })
      .waitFor();
    const [row] = await truth.rows(2, 3);
    expect(await cell(page, 2, 'info')).toBe(row?.info);
    await page.locator('.packet-list .ag-row[row-index="2"] .ag-cell[col-id="info"]').click();
    await expect.poll(() => page.locator('.tree-row').first().textContent()).toContain('Frame 3:');
    await expect.poll(() => page.locator('.hex-view .hex .b').count()).toBe(row?.length);
    engine.close();
    truth.engine.close();
    await page.close();
  });
});
