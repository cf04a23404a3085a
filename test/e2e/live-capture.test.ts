// Live capture in a real Chromium against the browser mode: the welcome screen lists a veth of
// this test's own (in namespace tw4e-web) with its traffic, a capture started on it by double-click
// shows real pings as rows and counts, stops, saves; the options dialog starts one that stops by
// itself; closing an unsaved capture asks. Screenshots in light and dark go to SHOTS.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import type { RunningServer } from '../../main/serve/server.ts';
import { openCapture } from '../../main/pcap/read.ts';
import { buildRenderer, cell, launchChromium, pageUrl, serve } from './harness.ts';

const ROOT = process.getuid?.() === 0;
const NS = 'tw4e-web';
const HOST = 'tw4e-wh';
const PEER = 'tw4e-wp';
const HOST_IP = '10.245.9.1';
const SHOTS = process.env['TRAWL_SHOTS'] ?? join(tmpdir(), 'tw4e-shots');

function sh(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function teardown(): void {
  spawnSync('ip', ['netns', 'del', NS], { stdio: 'ignore' });
  spawnSync('ip', ['link', 'del', HOST], { stdio: 'ignore' });
}

function ping(count: number, interval = '0.05'): void {
  const r = spawnSync('ip', ['netns', 'exec', NS, 'ping', '-c', String(count), '-i', interval, HOST_IP], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`ping failed: ${r.stdout}${r.stderr}`);
}

async function packetsIn(path: string): Promise<number> {
  let n = 0;
  for await (const b of openCapture(path)) n += b.count;
  return n;
}

describe.skipIf(!ROOT)('browser mode: live capture', () => {
  let browser: Browser;
  let server: RunningServer;
  let bundle: string;
  let dir: string;
  let page: Page;
  let cache: string | undefined;
  /** Background traffic for the sparklines (a ping every 100 ms). */
  let background: ReturnType<typeof import('node:child_process').spawn> | null = null;

  beforeAll(async () => {
    teardown();
    sh('ip', ['netns', 'add', NS]);
    sh('ip', ['link', 'add', HOST, 'type', 'veth', 'peer', 'name', PEER, 'netns', NS]);
    spawnSync('sysctl', ['-qw', `net.ipv6.conf.${HOST}.disable_ipv6=1`], { stdio: 'ignore' });
    sh('ip', ['netns', 'exec', NS, 'sysctl', '-qw', `net.ipv6.conf.${PEER}.disable_ipv6=1`]);
    sh('ip', ['addr', 'add', `${HOST_IP}/24`, 'dev', HOST]);
    sh('ip', ['-n', NS, 'addr', 'add', '10.245.9.2/24', 'dev', PEER]);
    sh('ip', ['link', 'set', HOST, 'up']);
    sh('ip', ['-n', NS, 'link', 'set', PEER, 'up']);
    ping(1);
    dir = mkdtempSync(join(tmpdir(), 'tw4e-e2e-'));
    cache = process.env['XDG_CACHE_HOME'];
    process.env['XDG_CACHE_HOME'] = dir;
    mkdirSync(SHOTS, { recursive: true });
    bundle = buildRenderer();
    server = await serve(bundle);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    page.on('pageerror', (err) => {
      throw err;
    });
  }, 120_000);

  afterAll(async () => {
    background?.kill();
    await browser?.close();
    await server?.close();
    teardown();
    if (cache === undefined) delete process.env['XDG_CACHE_HOME'];
    else process.env['XDG_CACHE_HOME'] = cache;
    if (bundle) rmSync(bundle, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach((ctx) => {
    onTestFailed(async () => {
      await page.screenshot({
        path: join(SHOTS, `failed-${ctx.task.name.slice(0, 20).replace(/\W/g, '_')}.png`),
      });
    });
  });

  const shot = async (name: string): Promise<void> => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(SHOTS, `${name}-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  };

  it('lists every interface on the welcome screen, the veth with its address and live traffic', async () => {
    const { spawn } = await import('node:child_process');
    // Ten pings a second for six seconds: the sparkline must show them.
    background = spawn('ip', ['netns', 'exec', NS, 'ping', '-q', '-i', '0.1', '-w', '6', HOST_IP], {
      stdio: 'ignore',
    });
    const finished = new Promise((resolve) => background?.on('exit', resolve));
    await page.goto(pageUrl(server));
    const row = page.getByTestId(`iface-${HOST}`);
    await row.waitFor();
    await expect.poll(() => row.locator('.iface-addrs').textContent()).toContain(HOST_IP);
    expect(await row.locator('.badge').first().textContent()).toBe('UP');
    await expect
      .poll(() => page.getByTestId('iface-lo').locator('.badge').allTextContents())
      .toContain('LOOPBACK');
    // The sparkline gets a sample a second, and shows the pings (~10 requests + 10 replies a second).
    const spark = page.getByTestId(`sparkline-${HOST}`);
    await expect
      .poll(async () => Number(await spark.getAttribute('data-samples')), { timeout: 8000 })
      .toBeGreaterThan(3);
    await expect
      .poll(async () => Number((await page.getByTestId(`rate-${HOST}`).textContent())?.split(' ')[0]), {
        timeout: 5000,
      })
      .toBeGreaterThan(10);
    await finished;
    background = null;
  });

  it('checks the capture filter as it is typed: red when libpcap cannot compile it, green when it can', async () => {
    const field = page.getByTestId('capture-filter');
    await field.fill('icmp and');
    await expect.poll(() => field.getAttribute('data-validity')).toBe('invalid');
    expect(await page.getByTestId('capture-filter-error').textContent()).toMatch(/syntax error/);
    await shot('welcome-bad-filter');
    await field.fill('icmp');
    await expect.poll(() => field.getAttribute('data-validity')).toBe('valid');
    await page.getByTestId(`iface-${HOST}`).click();
    await shot('welcome');
  });

  it('starts a capture by double-click, shows the pings as they arrive, stops and saves', async () => {
    await page.getByTestId(`iface-${HOST}`).dblclick();
    const state = page.getByTestId('status-capture');
    await expect.poll(() => state.textContent()).toMatch(new RegExp(`^Capturing on ${HOST}`));
    await page.waitForTimeout(200);
    ping(20);
    await expect
      .poll(() => page.getByTestId('status-packets').textContent(), { timeout: 8000 })
      .toBe('Packets: 40');
    // The list followed the tail: the last rows are on screen.
    expect(await cell(page, 39, 'info')).toMatch(/^Echo \(ping\) reply .*seq=20\//);
    expect(await cell(page, 38, 'info')).toMatch(/^Echo \(ping\) request .*seq=20\//);
    expect(await cell(page, 39, 'protocol')).toBe('ICMP');
    expect(await page.getByTestId('status-drops').textContent()).toBe('Dropped: 0');
    expect(await page.getByTestId('status-file').textContent()).toBe(`${HOST}: live capture in progress`);
    await page.locator('.packet-list .ag-row[row-index="36"] .ag-cell[col-id="info"]').click();
    await expect.poll(() => page.locator('.tree-row').first().textContent()).toMatch(/Frame 37:/);
    await shot('capturing');

    // The engine sorts whole captures: while this one grows, headers do not sort (and nothing fails).
    await page.locator('.ag-header-cell[col-id="length"]').click();
    await page.waitForTimeout(300);
    expect(await page.locator('.ag-header-cell[col-id="length"]').getAttribute('aria-sort')).not.toBe(
      'ascending',
    );
    expect(await page.getByTestId('error-notice').count()).toBe(0);

    // Away from the bottom, the list stays put while packets arrive.
    await page.keyboard.press('Home');
    expect(await cell(page, 0, 'info')).toMatch(/^Echo \(ping\) request .*seq=1\//);
    ping(5);
    await expect
      .poll(() => page.getByTestId('status-packets').textContent(), { timeout: 8000 })
      .toBe('Packets: 50');
    await page.waitForTimeout(300);
    expect(await page.locator('.packet-list .ag-row[row-index="0"]').isVisible()).toBe(true);
    expect(await page.locator('.packet-list .ag-row[row-index="49"]').count()).toBe(0);

    await page.getByTestId('capture-stop').click();
    await expect.poll(() => state.getAttribute('data-state')).toBe('stopped');
    expect(await state.textContent()).toMatch(/ 50 captured$/);
    expect(await page.getByTestId('status-file').textContent()).toBe(`${HOST}: capture not saved`);

    const out = join(dir, 'pings.pcap');
    await page.keyboard.press('Control+Shift+s');
    await page.getByTestId('save-path').fill(out);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('status-file').textContent()).toBe('pings.pcap');
    expect(await packetsIn(out)).toBe(50);
  });

  it('starts from the options dialog with an autostop, and asks before dropping the unsaved capture', async () => {
    await page.keyboard.press('Control+k');
    const dialog = page.getByTestId('capture-options');
    await dialog.waitFor();
    await page.getByTestId(`options-iface-${HOST}`).click();
    await dialog.getByTestId('capture-filter').fill('icmp');
    await page.getByTestId('autostop-packets-on').check();
    await page.getByTestId('autostop-packets').fill('6');
    await expect.poll(() => dialog.getByTestId('capture-filter').getAttribute('data-validity')).toBe('valid');
    await shot('options');
    await page.getByTestId('options-start').click();
    const state = page.getByTestId('status-capture');
    await expect.poll(() => state.getAttribute('data-state')).toBe('running');
    await page.waitForTimeout(200);
    ping(5);
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 8000 }).toBe('stopped');
    expect(await state.textContent()).toMatch(/^Stopped \(autostop\) on tw4e-wh.* 6 captured$/);
    expect(await page.getByTestId('status-packets').textContent()).toBe('Packets: 6');

    // Closing asks; "Continue without Saving" drops it and the welcome screen is back.
    await page.evaluate(() =>
      window.postMessage({ type: 'trawl:menu', action: 'close' }, window.location.origin),
    );
    await page.getByTestId('unsaved-dialog').waitFor();
    await shot('unsaved');
    await page.getByTestId('unsaved-discard').click();
    await page.getByTestId('welcome').waitFor();
  });

  it('says precisely why a capture cannot start', async () => {
    await page.getByTestId('capture-filter').fill('');
    await page.evaluate(() =>
      window.postMessage({ type: 'trawl:menu', action: 'capture-options' }, window.location.origin),
    );
    await page.getByTestId('capture-options').waitFor();
    await page.getByTestId(`options-iface-${HOST}`).click();
    // The interface goes away between choosing it and starting.
    teardown();
    await page.getByTestId('options-start').click();
    const notice = page.getByTestId('error-notice').last();
    await expect.poll(() => notice.textContent()).toMatch(new RegExp(`Cannot capture on ${HOST}: .*${HOST}`));
    expect(existsSync(join(SHOTS, 'capturing-dark.png'))).toBe(true);
  });
});
