// What ui.mjs and latency.mjs share: `trawl serve` as a child process, Debian's Chromium through
// playwright-core, percentiles and the load average.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, '../..');
export const OUT = join(HERE, 'out');
export const CLI = join(ROOT, 'build/cli.mjs');
export const CHROMIUM = '/usr/bin/chromium';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** Exits 1 with the reason when something the benchmark needs is not there. */
export function cannotRun(script, why) {
  console.error(`${script}: cannot run: ${why}`);
  process.exit(1);
}

export function checkBuilt(script) {
  if (!existsSync(CLI)) cannotRun(script, `${CLI} is missing: run npm run build:js first`);
  if (!existsSync(join(ROOT, 'build/renderer/index.html')))
    cannotRun(script, 'build/renderer is missing: run npm run build:js first');
  if (!existsSync(CHROMIUM)) cannotRun(script, `${CHROMIUM} is missing (apt-get install chromium)`);
}

/**
 * Chromium as the e2e tests launch it, but with scrollbars drawn: Playwright passes
 * --hide-scrollbars by default, and a hidden scrollbar cannot be dragged.
 */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    ignoreDefaultArgs: ['--hide-scrollbars'],
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

/**
 * Starts `node build/cli.mjs serve ARGS` and resolves when it prints its URL (its first line).
 * `stop()` sends SIGINT (the server closes its engines) and SIGKILL if it is still there 5 s later.
 */
export function startServe(args, env = process.env) {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise((r) => child.once('exit', r));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolveServe, reject) => {
    let out = '';
    let started = false;
    const timer = setTimeout(() => fail('no URL within 30 s'), 30_000);
    function fail(why) {
      if (started) return;
      clearTimeout(timer);
      void stop();
      reject(new Error(`trawl serve ${args.join(' ')}: ${why}\n${stderr.trimEnd()}`));
    }
    child.once('error', (err) => fail(err.message));
    child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before printing its URL`));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', function first(d) {
      out += d;
      const m = /^Trawl serving at (http\S+)/m.exec(out);
      if (!m) return;
      child.stdout.off('data', first);
      child.stdout.resume();
      started = true;
      clearTimeout(timer);
      resolveServe({ url: m[1], child, stop, stderr: () => stderr });
    });
  });
}

/** p50/p95/p99/max of xs (nearest rank), or nulls when there is nothing to rank. */
export function quantiles(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => (s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : null);
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s.length ? s[s.length - 1] : null };
}

export const median = (xs) => (xs.length ? quantiles(xs).p50 : null);
