// Wire-to-row latency of a live capture in headless Chromium against `node build/cli.mjs serve`:
// a sender inside a network namespace of its own sends UDP datagrams at a steady low rate to the
// host end of a veth pair, each carrying its send time; the page captures on that end (started
// from the welcome screen, as a user does) and records when each datagram's row appears.
// Prints seen/sent and p50/p95/max; exits 0 whatever the numbers (see README.md).
//
//   node test/bench/latency.mjs [--rate N] [--seconds S]          (as root)
// Functions passed to page.evaluate and addInitScript run in the page, with the browser's globals.
/* global window, document, requestAnimationFrame, MutationObserver */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  OUT,
  cannotRun,
  checkBuilt,
  launchChromium,
  load,
  quantiles,
  sleep,
  startServe,
} from './browser.mjs';

const NS = 'twb-lat';
const HOST = 'twb-lath';
const PEER = 'twb-latp';
const HOST_IP = '10.244.250.1';
const PEER_IP = '10.244.250.2';
const PORT = 7400;
/** Payload: send time (CLOCK_REALTIME, ns, u64 BE), sequence number (u32 BE), then BASE_LEN + seq - 12 pad bytes. */
const BASE_LEN = 16;
/** The largest payload that fits a 1500-byte MTU unfragmented, so Len= always names the packet. */
const MAX_PACKETS = 1472 - BASE_LEN + 1;

function usage(message) {
  if (message) console.error(`latency.mjs: ${message}`);
  console.error('usage: node test/bench/latency.mjs [--rate N] [--seconds S]   (as root)');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { rate: 20, seconds: 10 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const n = Number(argv[i + 1]);
    if ((a === '--rate' || a === '--seconds') && Number.isFinite(n) && n > 0) {
      opts[a.slice(2)] = n;
      i++;
    } else if (a === '-h' || a === '--help') usage();
    else usage(`bad argument ${a}`);
  }
  const total = Math.round(opts.rate * opts.seconds);
  if (total < 1 || total > MAX_PACKETS) usage(`--rate x --seconds must give 1 to ${MAX_PACKETS} packets`);
  return { ...opts, total };
}

// ---------------------------------------------------------------------------------------------
// The namespace (as test/support/netns.ts makes them)

const quiet = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' });
const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });

function teardown() {
  quiet('ip', ['netns', 'del', NS]);
  quiet('ip', ['link', 'del', HOST]);
}

function setup() {
  teardown(); // leftovers of a crashed run
  run('ip', ['netns', 'add', NS]);
  run('ip', ['link', 'add', HOST, 'type', 'veth', 'peer', 'name', PEER, 'netns', NS]);
  quiet('sysctl', ['-qw', `net.ipv6.conf.${HOST}.disable_ipv6=1`]);
  run('ip', ['netns', 'exec', NS, 'sysctl', '-qw', `net.ipv6.conf.${PEER}.disable_ipv6=1`]);
  run('ip', ['addr', 'add', `${HOST_IP}/24`, 'dev', HOST]);
  run('ip', ['-n', NS, 'addr', 'add', `${PEER_IP}/24`, 'dev', PEER]);
  run('ip', ['link', 'set', HOST, 'up']);
  run('ip', ['-n', NS, 'link', 'set', PEER, 'up']);
}

/**
 * The sender, run with `ip netns exec` so it can reach only the namespace's veth end: `total`
 * datagrams to HOST_IP:PORT, one every 1/rate s on an absolute schedule, payload length
 * BASE_LEN + seq. Prints the send times (ns, CLOCK_REALTIME via timeOrigin + now) as JSON.
 */
const SENDER = `
const dgram = require('node:dgram');
const [rate, total, dst, port, base] = process.argv.slice(1).map((v, i) => (i === 2 ? v : Number(v)));
const sock = dgram.createSocket('udp4');
const sent = [];
const t0 = performance.now() + 100;
let seq = 0;
function next() {
  if (seq === total) {
    sock.close();
    process.stdout.write(JSON.stringify(sent));
    return;
  }
  const payload = Buffer.alloc(base + seq, 0x5a);
  const ns = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
  payload.writeBigUInt64BE(ns, 0);
  payload.writeUInt32BE(seq, 8);
  sock.send(payload, port, dst);
  sent.push(String(ns));
  seq++;
  setTimeout(next, Math.max(0, t0 + (seq * 1000) / rate - performance.now()));
}
setTimeout(next, Math.max(0, t0 - performance.now()));
`;

// ---------------------------------------------------------------------------------------------
// In the page: when each datagram's row first shows (its Source is the sender, Len= its number)

function watchRows({ peer, base }) {
  const seen = {};
  window.__twbSeen = seen;
  const scan = () => {
    const now = performance.timeOrigin + performance.now();
    const fresh = [];
    for (const row of document.querySelectorAll('.packet-list .ag-row[row-id]')) {
      if (row.querySelector('.ag-cell[col-id="source"]')?.textContent !== peer) continue;
      const m = /Len=(\d+)/.exec(row.querySelector('.ag-cell[col-id="info"]')?.textContent ?? '');
      const seq = m ? Number(m[1]) - base : -1;
      if (seq < 0 || seq in seen) continue;
      seen[seq] = { dom: now, frame: null };
      fresh.push(seq);
    }
    if (fresh.length) {
      requestAnimationFrame(() => {
        const t = performance.timeOrigin + performance.now();
        for (const s of fresh) seen[s].frame = t;
      });
    }
  };
  new MutationObserver(scan).observe(document.body, { childList: true, subtree: true, characterData: true });
}

// ---------------------------------------------------------------------------------------------

const fmt = (v) => (v === null ? '—' : v.toFixed(1));

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (process.getuid?.() !== 0) cannotRun('latency.mjs', 'needs root (it makes a network namespace)');
  checkBuilt('latency.mjs');
  if (quiet('ip', ['-V']).status !== 0) cannotRun('latency.mjs', 'the ip command is missing (iproute2)');

  const cache = mkdtempSync(join(tmpdir(), 'twb-lat-'));
  let server = null;
  let browser = null;
  let sender = null;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    sender?.kill('SIGKILL');
    await browser?.close().catch(() => {});
    await server?.stop();
    teardown();
    rmSync(cache, { recursive: true, force: true });
  };
  // The namespace goes whatever happens: on a signal, and (synchronously) on any exit.
  process.on('exit', () => {
    if (!cleaned) teardown();
  });
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => void cleanup().finally(() => process.exit(130)));
  }

  try {
    setup();
  } catch (err) {
    teardown();
    cannotRun('latency.mjs', `cannot make ${NS}: ${err.stderr ?? err.message}`);
  }

  const arrivals = new Map();
  const listener = createSocket('udp4');
  try {
    // Captures go to a temporary cache; the socket keeps the host from answering port unreachable.
    server = await startServe(['--port', '0'], { ...process.env, XDG_CACHE_HOME: cache });
    browser = await launchChromium();
    await new Promise((ok, fail) => {
      listener.once('error', fail);
      listener.bind(PORT, HOST_IP, ok);
    });
    listener.on('message', (msg) => {
      if (msg.length >= 12) arrivals.set(msg.readUInt32BE(8), performance.timeOrigin + performance.now());
    });

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(server.url);
    const iface = page.getByTestId(`iface-${HOST}`);
    await iface.waitFor({ timeout: 30_000 });
    const filter = page.getByTestId('capture-filter');
    await filter.fill(`udp port ${PORT}`);
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="capture-filter"]')?.getAttribute('data-validity') === 'valid',
    );
    await iface.dblclick();
    await page.waitForFunction(
      (host) =>
        document
          .querySelector('[data-testid="status-capture"]')
          ?.textContent?.startsWith(`Capturing on ${host}`),
      HOST,
      { timeout: 30_000 },
    );
    await page.evaluate(watchRows, { peer: PEER_IP, base: BASE_LEN });
    // The page's clock against this process's (the sender's is the same kind as ours).
    const before = performance.timeOrigin + performance.now();
    const inPage = await page.evaluate(() => performance.timeOrigin + performance.now());
    const after = performance.timeOrigin + performance.now();
    const clock = { offsetMs: inPage - (before + after) / 2, plusMinusMs: (after - before) / 2 };
    await sleep(1000);

    console.log(
      `wire-to-row latency: ${opts.rate} datagrams/s for ${opts.seconds} s from ${NS} to ${HOST} (${HOST_IP}:${PORT}), ` +
        `headless Chromium ${browser.version()}, load ${load()}`,
    );
    sender = spawn(
      'ip',
      [
        'netns',
        'exec',
        NS,
        process.execPath,
        '-e',
        SENDER,
        String(opts.rate),
        String(opts.total),
        HOST_IP,
        String(PORT),
        String(BASE_LEN),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    sender.stdout.on('data', (d) => (out += d));
    sender.stderr.on('data', (d) => (err += d));
    const code = await new Promise((r) => sender.once('close', r));
    sender = null;
    if (code !== 0) throw new Error(`the sender failed (${code}): ${err}`);
    const sent = JSON.parse(out).map((ns) => Number(BigInt(ns)) / 1e6);

    // Every row, or 5 s after the last datagram.
    const deadline = Date.now() + 5000;
    let seen = {};
    while (Date.now() < deadline) {
      seen = await page.evaluate(() => window.__twbSeen);
      if (Object.keys(seen).length >= sent.length && Object.values(seen).every((s) => s.frame !== null))
        break;
      await sleep(200);
    }
    const status = await page.getByTestId('status-capture').textContent();
    await page.getByTestId('capture-stop').click();

    const dom = [];
    const frame = [];
    const socket = [];
    for (const [seq, at] of sent.entries()) {
      const s = seen[seq];
      if (s) dom.push(s.dom - at);
      if (s?.frame) frame.push(s.frame - at);
      if (arrivals.has(seq)) socket.push(arrivals.get(seq) - at);
    }
    const rows = [
      ['row in the DOM (MutationObserver)', dom, 'p95 < 100 ms'],
      ['row painted (next animation frame)', frame, 'p95 < 100 ms'],
      ['socket on the host end (reference)', socket, ''],
    ].map(([what, xs, target]) => ({ what, seen: xs.length, ...quantiles(xs), target }));

    console.log('');
    console.log(
      'arrival'.padEnd(38) +
        'seen/sent'.padStart(11) +
        'p50 ms'.padStart(9) +
        'p95 ms'.padStart(9) +
        'p99 ms'.padStart(9) +
        'max ms'.padStart(9) +
        '   target',
    );
    for (const r of rows) {
      console.log(
        r.what.padEnd(38) +
          `${r.seen}/${sent.length}`.padStart(11) +
          fmt(r.p50).padStart(9) +
          fmt(r.p95).padStart(9) +
          fmt(r.p99).padStart(9) +
          fmt(r.max).padStart(9) +
          `   ${r.target}`,
      );
    }
    console.log(
      `\npage clock - Node clock: ${clock.offsetMs.toFixed(2)} ms (± ${clock.plusMinusMs.toFixed(2)} ms)`,
    );
    console.log(`status bar: ${status}${errors.length ? `; page errors: ${errors.join('; ')}` : ''}`);
    console.log(
      'latency = when the page saw the row (performance.timeOrigin + now) - the send time in the datagram (same clock)',
    );
    console.log(`load at the end: ${load()}`);
    mkdirSync(OUT, { recursive: true });
    writeFileSync(
      join(OUT, 'last-latency-run.json'),
      JSON.stringify({ opts, rows, clock, status, errors, sentMs: sent, seen }, null, 2),
    );
  } catch (err) {
    console.error(`latency.mjs: ${err.message}`);
    if (server) console.error(server.stderr());
    listener.close();
    await cleanup();
    process.exit(1);
  }
  listener.close();
  await cleanup();
}

await main();
