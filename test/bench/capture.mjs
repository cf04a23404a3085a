#!/usr/bin/env node
// Live-capture benchmark: a raw-socket sender (sendmmsg) floods a veth from inside a network
// namespace for a few seconds; Trawl (ring and libpcap backends), tcpdump and dumpcap capture it
// on the other end, each writing a file. Prints frames sent, captured (counted in each file),
// dropped and drop %, and each receiver's capture ratio against tcpdump's in the same run.
// Not a test: timing never decides anything, the exit status is 0 unless the setup fails.
//
//   node test/bench/capture.mjs [--seconds 10] [--sizes 64,1514] [--rounds 1]
//                               [--receivers ring,ring-show,libpcap,tcpdump,dumpcap] [--together]
//
// Needs root (namespaces, raw sockets), a C compiler, tcpdump; dumpcap when installed (tshark).
// See test/bench/README.md ("Live capture").

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(ROOT, 'test/bench/out');
const CLI = path.join(ROOT, 'build/cli.mjs');
const RAW_SEND_SRC = path.join(ROOT, 'test/support/raw-send.c');
const RAW_SEND = path.join(OUT, 'raw-send');
const NS = 'tw4-bench';
const HOST = 'tw4-benchh';
const PEER = 'tw4-benchp';
const PORT = 7300;
const FILTER = `udp dst port ${PORT}`;

function parseArgs(argv) {
  const o = {
    seconds: 10,
    sizes: [64, 1514],
    rounds: 1,
    receivers: ['ring', 'ring-show', 'libpcap', 'tcpdump', 'dumpcap'],
    together: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--together') o.together = true;
    else if (a === '--seconds') o.seconds = Number(argv[++i]);
    else if (a === '--sizes') o.sizes = argv[++i].split(',').map(Number);
    else if (a === '--rounds') o.rounds = Number(argv[++i]);
    else if (a === '--receivers') o.receivers = argv[++i].split(',');
    else {
      console.error(`capture.mjs: unknown argument ${a}`);
      process.exit(2);
    }
  }
  return o;
}

const quiet = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' });
const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function setup() {
  fs.mkdirSync(OUT, { recursive: true });
  if (!fs.existsSync(RAW_SEND) || fs.statSync(RAW_SEND).mtimeMs < fs.statSync(RAW_SEND_SRC).mtimeMs) {
    run('cc', ['-O2', '-o', RAW_SEND, RAW_SEND_SRC]);
  }
  teardown();
  run('ip', ['netns', 'add', NS]);
  run('ip', ['link', 'add', HOST, 'type', 'veth', 'peer', 'name', PEER, 'netns', NS]);
  quiet('sysctl', ['-qw', `net.ipv6.conf.${HOST}.disable_ipv6=1`]);
  run('ip', ['netns', 'exec', NS, 'sysctl', '-qw', `net.ipv6.conf.${PEER}.disable_ipv6=1`]);
  run('ip', ['link', 'set', HOST, 'up']);
  run('ip', ['-n', NS, 'link', 'set', PEER, 'up']);
}

function teardown() {
  quiet('ip', ['netns', 'del', NS]);
  quiet('ip', ['link', 'del', HOST]);
}

/** How each receiver is started (all with their defaults, as a user would run them). */
const RECEIVERS = {
  ring: (file) => [process.execPath, [CLI, '-i', HOST, '-f', FILTER, '-w', file, '--backend', 'ring']],
  libpcap: (file) => [process.execPath, [CLI, '-i', HOST, '-f', FILTER, '-w', file, '--backend', 'libpcap']],
  // The engine dissecting every packet as it comes (summary lines to /dev/null), its file in the
  // cache directory as for a capture in the UI (deleted at exit, as tshark does: counted from the
  // tally on stderr).
  'ring-show': () => [process.execPath, [CLI, '-i', HOST, '-f', FILTER, '--backend', 'ring']],
  tcpdump: (file) => ['tcpdump', ['-i', HOST, '-w', file, '-s', '262144', '-n', FILTER]],
  dumpcap: (file) => ['dumpcap', ['-i', HOST, '-w', file, '-f', FILTER, '-P']],
};

/** Packets in a pcap file: record headers walked with plain reads (no dependency on the addon). */
function countPackets(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(24);
    fs.readSync(fd, head, 0, 24, 0);
    const le = head.readUInt32LE(0) === 0xa1b2c3d4 || head.readUInt32LE(0) === 0xa1b23c4d;
    let off = 24;
    let n = 0;
    while (off + 16 <= size) {
      fs.readSync(fd, head, 0, 16, off);
      const cap = le ? head.readUInt32LE(8) : head.readUInt32BE(8);
      if (off + 16 + cap > size) break;
      off += 16 + cap;
      n++;
    }
    return n;
  } catch {
    return NaN;
  } finally {
    fs.closeSync(fd);
  }
}

/** What each tool says it dropped (its own words, on stderr). */
function reportedDrops(name, stderr) {
  const m =
    name === 'tcpdump'
      ? /(\d+) packets? dropped by kernel/.exec(stderr)
      : name === 'dumpcap'
        ? /Packets received\/dropped on interface '[^']*': \d+\/(\d+)/.exec(stderr)
        : /(\d+) dropped by kernel, (\d+) dropped by trawl/.exec(stderr);
  if (!m) return '?';
  return m[2] !== undefined ? `${m[1]}+${m[2]}` : m[1];
}

function startReceiver(name, file) {
  const [cmd, args] = RECEIVERS[name](file);
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const started = new Promise((resolve) => {
    child.stderr.on('data', (d) => {
      stderr += d.toString();
      if (/Capturing on|listening on|File:/.test(stderr)) resolve();
    });
    child.on('exit', resolve);
    setTimeout(resolve, 3000);
  });
  const exited = new Promise((resolve) => child.on('exit', () => resolve()));
  return { name, file, child, started, exited, stderr: () => stderr };
}

function send(size, seconds) {
  const r = spawnSync(
    'ip',
    [
      'netns',
      'exec',
      NS,
      RAW_SEND,
      PEER,
      '0',
      '--sizes',
      String(size),
      '--dport',
      String(PORT),
      '--seconds',
      String(seconds),
      '--bypass',
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`raw-send failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

async function measure(names, size, seconds, round) {
  const receivers = names.map((n) => startReceiver(n, path.join(OUT, `live-${n}-${size}-r${round}.pcap`)));
  await Promise.all(receivers.map((r) => r.started));
  await sleep(300);
  const sent = send(size, seconds);
  // libpcap-based receivers hand over a block only when its 1 s timeout expires.
  await sleep(1500);
  for (const r of receivers) r.child.kill('SIGINT');
  await Promise.all(receivers.map((r) => Promise.race([r.exited, sleep(15000)])));
  return receivers.map((r) => {
    const tally = /(\d+) packets captured/.exec(r.stderr());
    const captured = fs.existsSync(r.file) ? countPackets(r.file) : Number(tally?.[1] ?? NaN);
    fs.rmSync(r.file, { force: true });
    return { name: r.name, size, round, sent, captured, reported: reportedDrops(r.name, r.stderr()) };
  });
}

function pct(x) {
  return `${(100 * x).toFixed(2)}%`;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (process.getuid?.() !== 0) {
    console.error('capture.mjs: needs root (network namespaces, raw sockets)');
    process.exit(2);
  }
  if (!fs.existsSync(CLI)) {
    console.error('capture.mjs: build/cli.mjs missing: run npm run build');
    process.exit(2);
  }
  const names = o.receivers.filter((n) => {
    if (!RECEIVERS[n]) throw new Error(`unknown receiver ${n}`);
    if ((n === 'tcpdump' || n === 'dumpcap') && !has(n)) {
      console.log(`(${n} not installed: skipped)`);
      return false;
    }
    return true;
  });
  setup();
  const results = [];
  try {
    console.log(
      `Live capture: ${o.seconds} s per run, sizes ${o.sizes.join(', ')}, ${o.rounds} round(s), ` +
        `${o.together ? 'receivers together' : 'one receiver at a time'}; ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`,
    );
    for (let round = 1; round <= o.rounds; round++) {
      for (const size of o.sizes) {
        if (o.together) results.push(...(await measure(names, size, o.seconds, round)));
        else for (const n of names) results.push(...(await measure([n], size, o.seconds, round)));
      }
    }
  } finally {
    teardown();
  }
  console.log(
    '\nreceiver  frame B  round       sent   captured    dropped   drop %   kpps sent  tool says dropped  vs tcpdump',
  );
  for (const r of results) {
    const peer = results.find((p) => p.name === 'tcpdump' && p.size === r.size && p.round === r.round);
    const ratio =
      peer && peer.captured > 0 ? (r.captured / r.sent / (peer.captured / peer.sent)).toFixed(3) : '-';
    console.log(
      [
        r.name.padEnd(9),
        String(r.size).padStart(7),
        String(r.round).padStart(6),
        String(r.sent).padStart(10),
        String(r.captured).padStart(10),
        String(r.sent - r.captured).padStart(10),
        pct((r.sent - r.captured) / r.sent).padStart(8),
        (r.sent / o.seconds / 1000).toFixed(0).padStart(10),
        String(r.reported).padStart(18),
        ratio.padStart(11),
      ].join(' '),
    );
  }
  console.log(
    '\nvs tcpdump: (captured/sent) / (tcpdump captured/sent) at the same frame size; 1.000 = as many.',
  );
  fs.writeFileSync(path.join(OUT, 'last-capture-run.json'), JSON.stringify({ options: o, results }, null, 2));
}

main().catch((err) => {
  teardown();
  console.error(err);
  process.exit(1);
});
