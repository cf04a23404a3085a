// Packet-list benchmark in headless Chromium against `node build/cli.mjs serve FILE`: time to the
// first row (from navigation start, and from File > Open in a window already up), time until the file is fully indexed (against `tshark -r F > /dev/null` in the same
// run), frame times while paging down and while dragging the scrollbar, and the renderer's JS
// heap after load and after scrolling, on two file sizes. Prints the figures next to the
// targets; exits 0 whatever they are (see README.md).
//
//   node test/bench/ui.mjs [--file F] [--packets N] [--compare N] [--rounds R] [--keys K]
//                          [--drag-steps S] [--timeout S]
// Functions passed to page.evaluate and addInitScript run in the page, with the browser's globals.
/* global window, document, requestAnimationFrame, MutationObserver */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  OUT,
  checkBuilt,
  cannotRun,
  launchChromium,
  load,
  median,
  quantiles,
  sleep,
  startServe,
} from './browser.mjs';

const HERE = import.meta.dirname;
const VIEWPORT = { width: 1400, height: 900 };
/** A held key repeats about 30 times a second; a mouse reports a move about every frame. */
const KEY_MS = 33;
const MOVE_MS = 16;

function usage(message) {
  if (message) console.error(`ui.mjs: ${message}`);
  console.error(
    'usage: node test/bench/ui.mjs [--file F] [--packets N] [--compare N] [--rounds R] [--keys K] [--drag-steps S] [--timeout S]',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    file: null,
    packets: 1_000_000,
    compare: null,
    rounds: 1,
    keys: 600,
    dragSteps: 300,
    timeout: 600,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    const count = (min) => {
      const n = Number(String(v).replaceAll('_', ''));
      if (v === undefined || !Number.isInteger(n) || n < min) usage(`${a} wants an integer >= ${min}`);
      i++;
      return n;
    };
    if (a === '--file' && v) {
      opts.file = resolve(v);
      i++;
    } else if (a === '--packets') opts.packets = count(1);
    else if (a === '--compare') opts.compare = count(0);
    else if (a === '--rounds') opts.rounds = count(1);
    else if (a === '--keys') opts.keys = count(1);
    else if (a === '--drag-steps') opts.dragSteps = count(2);
    else if (a === '--timeout') opts.timeout = count(1);
    else if (a === '-h' || a === '--help') usage();
    else usage(`bad argument ${a}`);
  }
  // The second, smaller file shows whether the heap grows with the packet count.
  opts.compare ??= opts.packets > 100_000 ? 100_000 : Math.floor(opts.packets / 10);
  if (opts.file && !existsSync(opts.file)) usage(`no such file: ${opts.file}`);
  return opts;
}

function generated(packets) {
  const file = join(OUT, `mixed-${packets}.pcap`);
  if (!existsSync(file)) {
    mkdirSync(OUT, { recursive: true });
    const r = spawnSync(process.execPath, [join(HERE, 'gen-pcap.mjs'), file, '--packets', String(packets)], {
      stdio: 'inherit',
    });
    if (r.status !== 0) cannotRun('ui.mjs', `gen-pcap.mjs could not write ${file}`);
  }
  return file;
}

/**
 * Packets in a pcap or pcapng file, by walking its record (block) headers; null when the format
 * is not one of those or the file is too big to read at once. Also puts the file in the page cache.
 */
function countPackets(file) {
  let b;
  try {
    b = readFileSync(file);
  } catch {
    return null;
  }
  if (b.length < 24) return null;
  const magic = b.readUInt32LE(0);
  if ([0xa1b2c3d4, 0xa1b23c4d, 0xd4c3b2a1, 0x4d3cb2a1].includes(magic)) {
    const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
    let n = 0;
    for (let at = 24; at + 16 <= b.length; n++)
      at += 16 + (le ? b.readUInt32LE(at + 8) : b.readUInt32BE(at + 8));
    return n;
  }
  if (magic === 0x0a0d0d0a) {
    let n = 0;
    let le = true;
    for (let at = 0; at + 12 <= b.length;) {
      if (b.readUInt32LE(at) === 0x0a0d0d0a) le = b.readUInt32LE(at + 8) === 0x1a2b3c4d;
      const type = le ? b.readUInt32LE(at) : b.readUInt32BE(at);
      const len = le ? b.readUInt32LE(at + 4) : b.readUInt32BE(at + 4);
      if (len < 12) return null;
      if (type === 6 || type === 3 || type === 2) n++;
      at += len;
    }
    return n;
  }
  return null;
}

/** Wall seconds of `tshark -r F > /dev/null`, or null (with the reason printed) when it fails. */
function tshark(file, timeoutS) {
  return new Promise((done) => {
    const start = process.hrtime.bigint();
    const child = spawn('tshark', ['-r', file], { stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
    child.on('error', (err) => {
      clearTimeout(timer);
      console.error(`tshark: ${err.message}`);
      done(null);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const s = Number(process.hrtime.bigint() - start) / 1e9;
      if (code === 0) done(s);
      else {
        console.error(`tshark -r ${file} failed (${code}): ${stderr.replace(/^Running as user.*\n?/m, '')}`);
        done(null);
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// In the page (installed before the renderer's own scripts run)

/**
 * window.__twbLoad: performance.now() (ms since navigation start) when a MutationObserver first
 * sees row 0 with its No. and Info cells filled (and the next animation frame after that), and
 * when the status bar counts `expected` packets with no load progress left ("Loaded in …").
 * window.__twbFrames: requestAnimationFrame deltas, and how many frames had an empty (not yet
 * loaded) row inside the list's viewport.
 */
function pageProbes(expected) {
  const probe = { firstRow: null, firstRowFrame: null, indexed: null, loadText: null, count: null };
  window.__twbLoad = probe;
  const check = () => {
    if (probe.firstRow === null) {
      const row = '.packet-list .ag-row[row-index="0"] ';
      const no = document.querySelector(row + '.ag-cell[col-id="no"]');
      const info = document.querySelector(row + '.ag-cell[col-id="info"]');
      if (no && /\d/.test(no.textContent) && info && info.textContent !== '') {
        probe.firstRow = performance.now();
        requestAnimationFrame(() => (probe.firstRowFrame = performance.now()));
      }
    }
    if (probe.indexed === null) {
      const count = document.querySelector('[data-testid="status-packets"]')?.textContent ?? '';
      const loaded = document.querySelector('[data-testid="status-load"]');
      const progress = document.querySelector('[data-testid="status-progress"]');
      if (loaded && !progress && (expected === null || count === expected)) {
        probe.indexed = performance.now();
        probe.loadText = loaded.textContent;
        probe.count = count;
      }
    }
    if (probe.firstRow !== null && probe.indexed !== null) observer.disconnect();
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, characterData: true });

  /** A row without a row-id is ag-grid's placeholder for a row whose block has not arrived. */
  const blankOnScreen = () => {
    const stubs = document.querySelectorAll('.packet-list .ag-row:not([row-id])');
    if (stubs.length === 0) return false;
    const vp = document.querySelector('.packet-list .ag-body-vertical-scroll-viewport');
    if (!vp) return false;
    const { top, bottom } = vp.getBoundingClientRect();
    for (const s of stubs) {
      const r = s.getBoundingClientRect();
      if (r.bottom > top && r.top < bottom) return true;
    }
    return false;
  };
  const frames = { deltas: [], blank: 0, on: false };
  window.__twbFrames = {
    start() {
      frames.deltas = [];
      frames.blank = 0;
      frames.on = true;
      let last = null;
      const tick = (t) => {
        if (!frames.on) return;
        if (last !== null) {
          frames.deltas.push(t - last);
          if (blankOnScreen()) frames.blank++;
        }
        last = t;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    },
    stop() {
      frames.on = false;
      return { deltas: frames.deltas, blank: frames.blank };
    },
    /** ms until no empty row is left on screen (checked every frame), up to 10 s. */
    settle() {
      const t0 = performance.now();
      return new Promise((done) => {
        const tick = () => {
          if (!blankOnScreen() || performance.now() - t0 > 10_000) done(performance.now() - t0);
          else requestAnimationFrame(tick);
        };
        tick();
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Driving the page

/** Renderer JS heap after a full garbage collection, in bytes (CDP Runtime.getHeapUsage). */
async function heapAfterGc(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

/** Focuses row 0 and presses PageDown every KEY_MS until the last row is focused or `keys` presses. */
async function pageDown(page, keys, total) {
  await page.locator('.packet-list .ag-row[row-index="0"] .ag-cell[col-id="info"]').click();
  await sleep(500);
  const focused = () =>
    page.evaluate(() =>
      Number(document.querySelector('.packet-list .ag-row-focus')?.getAttribute('row-index') ?? -1),
    );
  await page.evaluate(() => window.__twbFrames.start());
  let presses = 0;
  let next = performance.now();
  while (presses < keys) {
    await page.keyboard.press('PageDown');
    presses++;
    if (presses % 25 === 0 && total !== null && (await focused()) >= total - 1) break;
    next += KEY_MS;
    await sleep(Math.max(0, next - performance.now()));
  }
  await sleep(300);
  const { deltas, blank } = await page.evaluate(() => window.__twbFrames.stop());
  return { presses, row: await focused(), deltas, blank };
}

/**
 * Drags the list's vertical scrollbar thumb from the top of its track to the bottom in `steps`
 * mouse moves, one every MOVE_MS. Where the thumb cannot be grabbed, sets scrollTop in the same
 * steps instead; `method` says which was done.
 */
async function dragScrollbar(page, steps) {
  const vp = page.locator('.packet-list .ag-body-vertical-scroll-viewport');
  const scrollTop = () => vp.evaluate((e) => e.scrollTop);
  await vp.evaluate((e) => (e.scrollTop = 0));
  await sleep(500);
  const box = await vp.boundingBox();
  const max = await vp.evaluate((e) => e.scrollHeight - e.clientHeight);
  const x = box.x + box.width / 2;
  // The thumb sits under the top arrow button (as tall as the bar is wide). A press that grabs it
  // follows the mouse back up; a press on the track below it pages down and stays there.
  let grab = null;
  for (const dy of [4, 7, 10, 14, 19]) {
    const y = box.y + box.width + dy;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x, y + 20, { steps: 4 });
    const down = await scrollTop();
    await page.mouse.move(x, y, { steps: 4 });
    const back = await scrollTop();
    await page.mouse.up();
    await vp.evaluate((e) => (e.scrollTop = 0));
    await sleep(100);
    if (down > 0 && back < down / 4) {
      grab = y;
      break;
    }
  }
  await sleep(500);
  const method = grab !== null ? 'mouse drag' : 'scrollTop steps';
  await page.evaluate(() => window.__twbFrames.start());
  let next = performance.now();
  if (grab !== null) {
    const end = box.y + box.height - box.width - 1;
    await page.mouse.move(x, grab);
    await page.mouse.down();
    for (let i = 1; i <= steps; i++) {
      await page.mouse.move(x, grab + ((end - grab) * i) / steps);
      next += MOVE_MS;
      await sleep(Math.max(0, next - performance.now()));
    }
    await page.mouse.up();
  } else {
    for (let i = 1; i <= steps; i++) {
      await vp.evaluate((e, top) => (e.scrollTop = top), (max * i) / steps);
      next += MOVE_MS;
      await sleep(Math.max(0, next - performance.now()));
    }
  }
  const settleMs = await page.evaluate(() => window.__twbFrames.settle());
  const { deltas, blank } = await page.evaluate(() => window.__twbFrames.stop());
  const reached = (await scrollTop()) / Math.max(1, max);
  return { method, steps, deltas, blank, settleMs, reached };
}

/** One page on the server: load, page down, drag, with the heap after load and after scrolling. */
async function measurePage(browser, url, expected, opts) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (err) => errors.push(err.message));
    const expectedText = expected === null ? null : `Packets: ${expected.toLocaleString('en-US')}`;
    await page.addInitScript(pageProbes, expectedText);
    const cdp = await context.newCDPSession(page);
    await page.goto(url);
    await page.waitForFunction(
      () => window.__twbLoad.firstRowFrame !== null && window.__twbLoad.indexed !== null,
      null,
      {
        timeout: opts.timeout * 1000,
        polling: 250,
      },
    );
    const loaded = await page.evaluate(() => window.__twbLoad);
    await sleep(500);
    const heapLoaded = await heapAfterGc(cdp);
    const paging = await pageDown(page, opts.keys, expected);
    const drag = await dragScrollbar(page, opts.dragSteps);
    await sleep(500);
    const heapScrolled = await heapAfterGc(cdp);
    if (errors.length) console.error(`page errors: ${errors.join('; ')}`);
    return { ...loaded, heapLoaded, heapScrolled, paging, drag, errors };
  } finally {
    await context.close();
  }
}

/** The filter bar fetches its checker 1.5 s after it appears: a quiet window waits past that. */
const QUIET_MS = 3000;

/**
 * File → Open in a window that is already up (the welcome screen, nothing open): ms from the
 * Enter that submits the path to row 0 (frame 1) in the DOM, and to the frame after.
 */
async function measureOpenInWindow(browser, url, file) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    const welcome = new URL(url);
    welcome.searchParams.delete('open');
    await page.goto(welcome.href);
    await page.getByTestId('welcome').waitFor();
    await sleep(QUIET_MS);
    await page.keyboard.press('Control+o');
    await page.getByTestId('open-path').fill(file);
    await page.evaluate(() => {
      const t = (window.__twbOpen = { enter: null, row: null, frame: null });
      document.addEventListener('keydown', (e) => e.key === 'Enter' && (t.enter ??= performance.now()), {
        capture: true,
      });
      const observer = new MutationObserver(() => {
        const row = '.packet-list .ag-row[row-index="0"] ';
        const no = document.querySelector(row + '.ag-cell[col-id="no"]');
        const info = document.querySelector(row + '.ag-cell[col-id="info"]');
        if (t.enter === null || no?.textContent !== '1' || !info?.textContent) return;
        observer.disconnect();
        t.row = performance.now();
        requestAnimationFrame(() => (t.frame = performance.now()));
      });
      observer.observe(document, { childList: true, subtree: true, characterData: true });
    });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__twbOpen.frame !== null, null, { timeout: 60_000 });
    const t = await page.evaluate(() => window.__twbOpen);
    return { row: t.row - t.enter, frame: t.frame - t.enter };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------

const MB = (b) => (b === null || b === undefined ? '—' : (b / 1048576).toFixed(1));
const ms = (v) => (v === null || v === undefined ? '—' : v.toFixed(0));
const sec = (v) => (v === null || v === undefined ? '—' : v.toFixed(2));
const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(0)}%` : '—');
const frameText = (q) =>
  q.n ? `${q.p50.toFixed(1)} / ${q.p95.toFixed(1)} / ${q.p99.toFixed(1)} / ${q.max.toFixed(0)}` : '—';

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  checkBuilt('ui.mjs');
  const files = [];
  if (opts.compare > 0) files.push(generated(opts.compare));
  files.push(opts.file ?? generated(opts.packets));
  const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;
  if (!hasTshark) console.error('ui.mjs: tshark not found: no ratio (apt-get install tshark)');

  let browser;
  let server = null;
  const stopAll = async () => {
    await server?.stop();
    await browser?.close().catch(() => {});
  };
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => void stopAll().then(() => process.exit(130)));
  }
  try {
    browser = await launchChromium();
  } catch (err) {
    cannotRun('ui.mjs', `Chromium does not start: ${err.message}`);
  }
  console.log(
    `packet list in headless Chromium ${browser.version()}, ${VIEWPORT.width}x${VIEWPORT.height}, ` +
      `${opts.rounds} round(s), load ${load()}`,
  );

  const results = [];
  for (const file of files) {
    const expected = countPackets(file);
    console.log(
      `${file}: ${expected === null ? 'unknown number of' : expected.toLocaleString('en-US')} packets`,
    );
    try {
      server = await startServe([file, '--port', '0']);
    } catch (err) {
      await browser.close();
      cannotRun('ui.mjs', err.message);
    }
    const runs = [];
    const tsharkS = [];
    for (let r = 0; r < opts.rounds; r++) {
      // Alternate who goes first, as run.mjs does.
      const order = r % 2 === 0 ? ['trawl', 'tshark'] : ['tshark', 'trawl'];
      for (const who of order) {
        if (who === 'tshark') {
          if (!hasTshark) continue;
          const s = await tshark(file, opts.timeout);
          if (s !== null) tsharkS.push(s);
          continue;
        }
        try {
          const run = await measurePage(browser, server.url, expected, opts);
          runs.push({ ...run, openInWindow: await measureOpenInWindow(browser, server.url, file) });
        } catch (err) {
          console.error(`page run on ${basename(file)} failed: ${err.message}\n${server.stderr()}`);
        }
      }
    }
    await server.stop();
    server = null;
    results.push({ file, packets: expected, runs, tsharkS });
  }
  await browser.close();

  const summary = results.map(({ file, packets, runs, tsharkS }) => {
    const indexedS = median(runs.map((r) => r.indexed / 1000));
    const tsharkMedian = median(tsharkS);
    const paging = quantiles(runs.flatMap((r) => r.paging.deltas));
    const drag = quantiles(runs.flatMap((r) => r.drag.deltas));
    return {
      file,
      packets,
      rounds: runs.length,
      firstRowMs: median(runs.map((r) => r.firstRow)),
      firstRowFrameMs: median(runs.map((r) => r.firstRowFrame)),
      openRowMs: median(runs.map((r) => r.openInWindow.row)),
      openRowFrameMs: median(runs.map((r) => r.openInWindow.frame)),
      indexedS,
      statusBar: runs.map((r) => `${r.loadText}, ${r.count}`),
      tsharkS: tsharkMedian,
      speedup: indexedS && tsharkMedian ? tsharkMedian / indexedS : null,
      paging: {
        ...paging,
        presses: runs.map((r) => r.paging.presses),
        lastRow: runs.map((r) => r.paging.row),
        blankFrames: runs.reduce((n, r) => n + r.paging.blank, 0),
      },
      drag: {
        ...drag,
        method: runs.map((r) => r.drag.method),
        steps: opts.dragSteps,
        reached: runs.map((r) => r.drag.reached),
        settleMs: median(runs.map((r) => r.drag.settleMs)),
        blankFrames: runs.reduce((n, r) => n + r.drag.blank, 0),
      },
      heapLoaded: median(runs.map((r) => r.heapLoaded)),
      heapScrolled: median(runs.map((r) => r.heapScrolled)),
      pageErrors: runs.flatMap((r) => r.errors),
    };
  });

  const W = 30;
  const line = (label, cells, target = '') =>
    console.log(label.padEnd(40) + cells.map((c) => String(c).padStart(W)).join('') + '   ' + target);
  console.log('');
  line(
    '',
    summary.map((s) =>
      s.packets === null ? basename(s.file) : `${s.packets.toLocaleString('en-US')} packets`,
    ),
    'target',
  );
  line(
    'first row in the DOM, ms',
    summary.map((s) => ms(s.firstRowMs)),
    '< 300 ms',
  );
  line(
    '  and painted (next frame), ms',
    summary.map((s) => ms(s.firstRowFrameMs)),
  );
  line(
    'File > Open in a running window: row, ms',
    summary.map((s) => ms(s.openRowMs)),
    '< 300 ms',
  );
  line(
    '  and painted (next frame), ms',
    summary.map((s) => ms(s.openRowFrameMs)),
  );
  line(
    'fully indexed (status bar), s',
    summary.map((s) => sec(s.indexedS)),
  );
  line(
    'tshark -r F > /dev/null, s',
    summary.map((s) => sec(s.tsharkS)),
  );
  line(
    'speedup (tshark / trawl)',
    summary.map((s) => (s.speedup === null ? '—' : `${s.speedup.toFixed(1)}x`)),
    '>= 10x',
  );
  line(
    'PageDown frames p50/p95/p99/max, ms',
    summary.map((s) => frameText(s.paging)),
    'p95 < 16 ms',
  );
  line(
    '  presses, last row, frames with blanks',
    summary.map(
      (s) =>
        `${s.paging.presses.join('+')}, ${s.paging.lastRow.join('+')}, ${pct(s.paging.blankFrames, s.paging.n)}`,
    ),
  );
  line(
    'scrollbar frames p50/p95/p99/max, ms',
    summary.map((s) => frameText(s.drag)),
    'p95 < 16 ms',
  );
  line(
    '  reached, frames with blanks, settle',
    summary.map(
      (s) =>
        `${s.drag.reached.map((r) => `${(100 * r).toFixed(0)}%`).join('+')}, ${pct(s.drag.blankFrames, s.drag.n)}, ${ms(s.drag.settleMs)} ms`,
    ),
  );
  line(
    'JS heap after load, MB',
    summary.map((s) => MB(s.heapLoaded)),
    'the same for both sizes',
  );
  line(
    'JS heap after scrolling, MB',
    summary.map((s) => MB(s.heapScrolled)),
    'the same for both sizes',
  );
  console.log('');
  for (const s of summary) {
    console.log(
      `${basename(s.file)}: status bar ${s.statusBar.join(' | ') || '—'}; scrolling by ${[...new Set(s.drag.method)].join(', ') || '—'} in ${s.drag.steps} steps` +
        (s.pageErrors.length ? `; page errors: ${s.pageErrors.join('; ')}` : ''),
    );
  }
  console.log(
    `frames: requestAnimationFrame deltas (60 Hz: 16.7 ms is one frame on time); first row and indexed: ` +
      `performance.now() from navigation start, seen by a MutationObserver in the page; ` +
      `File > Open: from the Enter that submits the path in the Open dialog of a window showing ` +
      `the welcome screen`,
  );
  console.log(`load at the end: ${load()}`);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(
    join(OUT, 'last-ui-run.json'),
    JSON.stringify(
      {
        viewport: VIEWPORT,
        opts,
        summary,
        runs: results.map((r) => ({ ...r, runs: r.runs.map(dropDeltas) })),
      },
      null,
      2,
    ),
  );
}

/** The per-frame deltas are summarised; the JSON keeps the rest of each run. */
function dropDeltas(run) {
  const { paging, drag, ...rest } = run;
  return {
    ...rest,
    paging: { ...paging, deltas: paging.deltas.length },
    drag: { ...drag, deltas: drag.deltas.length },
  };
}

await main();
