#!/usr/bin/env node
// Trawl's read-path benchmark: times Trawl against its peers in the same run and prints ratios.
// Timing never decides pass/fail; the exit status is 0 unless the runner itself cannot work
// (bad arguments, no capture file).
//
//   node test/bench/run.mjs [--packets N] [--rounds R] [--file F] [--timeout S] [--rss auto|time|proc]
//   npm run bench
//
// See test/bench/README.md for what is measured and what the numbers mean.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BENCH = path.join(ROOT, 'test/bench');
const OUT = path.join(BENCH, 'out');
const NODE = process.execPath;
const CLI = path.join(ROOT, 'build/cli.mjs');
const BENCH_INDEX = path.join(ROOT, 'build/bench-index.mjs');
const BARE_READ = path.join(OUT, 'bare-read');
const GNU_TIME = '/usr/bin/time';
const FIELDS = [
  '-T',
  'fields',
  '-e',
  'frame.number',
  '-e',
  'ip.src',
  '-e',
  'ip.dst',
  '-e',
  '_ws.col.Protocol',
];
const VERIFY_LINES = 1000;

// ---------------------------------------------------------------------------------------------
// Arguments

function usage(message) {
  if (message) console.error(`bench: ${message}`);
  console.error(
    'usage: node test/bench/run.mjs [--packets N] [--rounds R] [--file F] [--timeout SECONDS] [--rss auto|time|proc]',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { packets: 1_000_000, rounds: 3, file: null, timeout: 900, rss: 'auto' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? a.split('=', 2) : [a, undefined];
    const value = () => {
      const v = inline !== undefined ? inline : argv[++i];
      if (v === undefined) usage(`${flag} needs a value`);
      return v;
    };
    const count = (name, min) => {
      const n = Number(value().replaceAll('_', ''));
      if (!Number.isInteger(n) || n < min) usage(`${name} wants an integer >= ${min}`);
      return n;
    };
    if (flag === '--packets') opts.packets = count('--packets', 1);
    else if (flag === '--rounds') opts.rounds = count('--rounds', 1);
    else if (flag === '--timeout') opts.timeout = count('--timeout', 1);
    else if (flag === '--file') opts.file = path.resolve(value());
    else if (flag === '--rss') {
      opts.rss = value();
      if (!['auto', 'time', 'proc'].includes(opts.rss)) usage('--rss wants auto, time or proc');
    } else if (flag === '-h' || flag === '--help') usage();
    else usage(`unknown argument ${a}`);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));

// ---------------------------------------------------------------------------------------------
// Helpers

const rel = (p) => {
  const r = path.relative(process.cwd(), p);
  return r.startsWith('..') ? p : r || '.';
};
const fmtS = (s) => (s === undefined ? '-' : s.toFixed(3));
const fmtMB = (kb) => (kb === undefined ? '-' : (kb / 1024).toFixed(1));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const tail = (text, lines = 8) => text.trimEnd().split('\n').slice(-lines).join('\n');
const indent = (text, pad = '      ') =>
  text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');

function firstLine(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return `${r.stdout}${r.stderr}`.split('\n').find((l) => l.trim() && !l.startsWith('Running as')) ?? null;
}

// Children run in their own process group so a timeout or Ctrl-C can end everything they started.
const running = new Set();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const child of running) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    process.exit(130);
  });
}

// ---------------------------------------------------------------------------------------------
// Measuring one child: wall clock (hrtime around spawn..exit) and peak RSS, by GNU time's %M
// (the kernel's ru_maxrss) when /usr/bin/time works, else by polling VmHWM in /proc/PID/status.

function detectMethod() {
  if (opts.rss === 'proc') return 'proc';
  if (fs.existsSync(GNU_TIME)) {
    const tmp = path.join(OUT, `.time-probe-${process.pid}`);
    const r = spawnSync(GNU_TIME, ['-f', '%e %M', '-o', tmp, 'true']);
    let ok;
    try {
      ok = r.status === 0 && /^\d+(\.\d+)? \d+$/m.test(fs.readFileSync(tmp, 'utf8'));
    } catch {
      ok = false;
    }
    fs.rmSync(tmp, { force: true });
    if (ok) return 'time';
  }
  if (opts.rss === 'time') usage(`${GNU_TIME} does not work here (apt-get install time), use --rss proc`);
  return 'proc';
}

function readHwm(pid) {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

let devNull = -1;
let probeSeq = 0;

/**
 * Runs cmd with args from the repository root, stdout to /dev/null unless `capture` (then up to
 * `maxLines` lines are kept). Resolves { ok, wall, rssKB, stdout, stderr, code, signal, reason }.
 */
function measure(method, cmd, args, { capture = false, maxLines = Infinity, timeout = opts.timeout } = {}) {
  if (devNull < 0) devNull = fs.openSync('/dev/null', 'w');
  const timeFile = path.join(OUT, `.time-${process.pid}-${probeSeq++}`);
  const argv = method === 'time' ? [GNU_TIME, '-f', '%e %M', '-o', timeFile, cmd, ...args] : [cmd, ...args];
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    let child;
    try {
      child = spawn(argv[0], argv.slice(1), {
        cwd: ROOT,
        detached: true,
        stdio: ['ignore', capture ? 'pipe' : devNull, 'pipe'],
      });
    } catch (err) {
      resolve({ ok: false, reason: `cannot start: ${err.message}`, stdout: '', stderr: '' });
      return;
    }
    running.add(child);
    let stdout = '';
    let lines = 0;
    let stderr = '';
    let hwm = 0;
    let timedOut = false;
    let spawnError = null;
    if (capture) {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk) => {
        if (lines > maxLines) return;
        stdout += chunk;
        lines += chunk.split('\n').length - 1;
      });
    }
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-16384);
    });
    // tshark's warning when run as root is noise here.
    const cleanStderr = () => stderr.replace(/^Running as user .*This could be dangerous\.\n?/gm, '');
    const poll = method === 'proc' ? setInterval(() => (hwm = Math.max(hwm, readHwm(child.pid))), 5) : null;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeout * 1000);
    child.on('error', (err) => (spawnError = err));
    child.on('close', (code, signal) => {
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      running.delete(child);
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      let rssKB;
      let childCode = code;
      if (method === 'time') {
        let report = '';
        try {
          report = fs.readFileSync(timeFile, 'utf8');
        } catch {
          // no report: time itself failed
        }
        fs.rmSync(timeFile, { force: true });
        const m = /(\d+(?:\.\d+)?) (\d+)\s*$/.exec(report);
        if (m) rssKB = Number(m[2]);
        const exit = /Command exited with non-zero status (\d+)/.exec(report);
        const sig = /Command terminated by signal (\d+)/.exec(report);
        if (exit) childCode = Number(exit[1]);
        if (sig) signal = `signal ${sig[1]}`;
        // GNU time exits 127/126 when it cannot run the command.
        if (code === 127 || code === 126)
          spawnError ??= new Error(tail(cleanStderr(), 1) || `${cmd}: not found`);
      } else {
        rssKB = hwm || undefined;
      }
      if (capture && Number.isFinite(maxLines)) stdout = stdout.split('\n').slice(0, maxLines).join('\n');
      const result = { wall, rssKB, stdout, stderr: cleanStderr(), code: childCode, signal };
      if (spawnError) result.reason = `cannot start: ${spawnError.message}`;
      else if (timedOut) result.reason = `timed out after ${timeout} s`;
      else if (signal) result.reason = `killed by ${signal}`;
      else if (childCode !== 0) result.reason = `exit status ${childCode}`;
      result.ok = !result.reason;
      resolve(result);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Preparation: output folder, capture file, bare-read binary

fs.mkdirSync(OUT, { recursive: true });
const file = opts.file ?? path.join(OUT, `mixed-${opts.packets}.pcap`);
if (!fs.existsSync(file)) {
  if (opts.file) usage(`no such file: ${opts.file}`);
  console.log(`generating ${rel(file)} (${opts.packets} packets)...`);
  const tmp = `${file}.partial`;
  const r = spawnSync(NODE, [path.join(BENCH, 'gen-pcap.mjs'), tmp, '--packets', String(opts.packets)], {
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    fs.rmSync(tmp, { force: true });
    console.error('bench: generating the capture file failed');
    process.exit(1);
  }
  fs.renameSync(tmp, file);
}

function buildBareRead() {
  const src = path.join(BENCH, 'bare-read.c');
  if (fs.existsSync(BARE_READ) && fs.statSync(BARE_READ).mtimeMs >= fs.statSync(src).mtimeMs) return null;
  const args = ['-O2', src, '-lpcap', '-o', BARE_READ];
  console.log(`compiling: cc ${args.map(rel).join(' ')}`);
  const r = spawnSync('cc', args, { encoding: 'utf8' });
  if (r.error) return `cc: ${r.error.message}`;
  if (r.status !== 0) return `cc failed:\n${tail(r.stderr)}`;
  return null;
}
const bareReadProblem = buildBareRead();

// Read the file once so every command starts from the page cache.
function warm(p) {
  const fd = fs.openSync(p, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  let total = 0;
  for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) total += n;
  fs.closeSync(fd);
  return total;
}
const fileBytes = warm(file);

const method = detectMethod();
const tsharkVersion = firstLine('tshark', ['--version']);
const load0 = os.loadavg();

console.log('');
console.log('Trawl read benchmark');
console.log(
  `  file       ${rel(file)}  (${(fileBytes / 1e6).toFixed(1)} MB, read once to warm the page cache)`,
);
console.log(
  `  rounds     ${opts.rounds}, peers alternate order each round; timeout ${opts.timeout} s per run`,
);
console.log(
  `  measuring  wall clock: hrtime around each child; peak RSS: ${
    method === 'time' ? `${GNU_TIME} -f '%e %M' (ru_maxrss)` : 'polling VmHWM in /proc/PID/status every 5 ms'
  }`,
);
console.log(
  `  machine    ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? '?'}), node ${process.version}`,
);
console.log(`  peers      ${tsharkVersion ?? 'tshark: not found'}`);
console.log(
  `  load avg   ${load0.map((x) => x.toFixed(2)).join(' ')} (the machine may be shared: compare ratios, not seconds)`,
);
console.log('');

// ---------------------------------------------------------------------------------------------
// The comparisons

const need = (p, hint) => (fs.existsSync(p) ? null : `${rel(p)} not found (${hint})`);
const commands = {
  trawlSummary: {
    label: 'trawl -r F',
    cmd: NODE,
    args: [CLI, '-r', file],
    missing: need(CLI, 'build it: npm run build:js'),
  },
  tsharkSummary: { label: 'tshark -r F', cmd: 'tshark', args: ['-r', file] },
  trawlFields: {
    label: 'trawl -r F -T fields -e ...',
    cmd: NODE,
    args: [CLI, '-r', file, ...FIELDS],
    missing: need(CLI, 'build it: npm run build:js'),
  },
  tsharkFields: { label: 'tshark -r F -T fields -e ...', cmd: 'tshark', args: ['-r', file, ...FIELDS] },
  trawlIndex: {
    label: 'trawl index (bench-index)',
    cmd: NODE,
    args: [BENCH_INDEX, file],
    capture: true,
    missing: need(BENCH_INDEX, 'the build bundles test/bench/index-file.ts to it'),
  },
  bareRead: {
    label: 'bare libpcap read',
    cmd: BARE_READ,
    args: [file],
    capture: true,
    missing: bareReadProblem ?? need(BARE_READ, 'cc -O2 test/bench/bare-read.c -lpcap'),
  },
};
const pairs = [
  { title: 'packet list (summary lines)', trawl: 'trawlSummary', peer: 'tsharkSummary', kind: 'speedup' },
  { title: '-T fields', trawl: 'trawlFields', peer: 'tsharkFields', kind: 'speedup' },
  { title: 'full index vs bare read', trawl: 'trawlIndex', peer: 'bareRead', kind: 'cost' },
];

for (const c of Object.values(commands)) {
  c.runs = [];
  c.failure = c.missing ?? null;
  c.outputs = [];
}

function report(c, r) {
  if (r.ok) {
    c.runs.push(r);
    if (c.capture) c.outputs.push(r.stdout.trim());
    process.stdout.write(
      `    ${c.label.padEnd(32)} ${fmtS(r.wall).padStart(8)} s  ${fmtMB(r.rssKB).padStart(8)} MB\n`,
    );
  } else {
    c.failure = `${r.reason}${r.stderr.trim() ? `\n${tail(r.stderr)}` : ''}`;
    process.stdout.write(`    ${c.label.padEnd(32)}   FAILED: ${r.reason}\n`);
    if (r.stderr.trim()) process.stdout.write(`${indent(tail(r.stderr))}\n`);
  }
}

for (let round = 1; round <= opts.rounds; round++) {
  console.log(`round ${round}/${opts.rounds}`);
  for (const pair of pairs) {
    const order = round % 2 === 1 ? [pair.trawl, pair.peer] : [pair.peer, pair.trawl];
    for (const key of order) {
      const c = commands[key];
      if (c.failure) {
        if (round === 1)
          process.stdout.write(`    ${c.label.padEnd(32)}   SKIPPED: ${c.failure.split('\n')[0]}\n`);
        continue;
      }
      report(c, await measure(method, c.cmd, c.args, { capture: c.capture }));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// -T fields agreement on the first lines (not timed)

async function verifyFields() {
  const t = commands.trawlFields;
  if (t.missing) return { skipped: t.missing };
  const args = ['-r', file, '-c', String(VERIFY_LINES), ...FIELDS];
  const [ours, theirs] = await Promise.all([
    measure(method, NODE, [CLI, ...args], { capture: true, maxLines: VERIFY_LINES }),
    measure(method, 'tshark', args, { capture: true, maxLines: VERIFY_LINES }),
  ]);
  if (!theirs.ok) return { skipped: `tshark failed: ${theirs.reason}` };
  if (!ours.ok)
    return { skipped: `trawl failed: ${ours.reason}${ours.stderr ? `\n${tail(ours.stderr)}` : ''}` };
  const a = ours.stdout.split('\n').slice(0, VERIFY_LINES);
  const b = theirs.stdout.split('\n').slice(0, VERIFY_LINES);
  const n = Math.min(VERIFY_LINES, b.length);
  let same = 0;
  const diffs = [];
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) same++;
    else if (diffs.length < 5) diffs.push({ line: i + 1, tshark: b[i], trawl: a[i] ?? '(missing)' });
  }
  return { same, n, diffs };
}

const verify = await verifyFields();

// ---------------------------------------------------------------------------------------------
// Results

const stats = (c) => {
  if (c.runs.length === 0) return null;
  const walls = c.runs.map((r) => r.wall);
  const rss = c.runs.map((r) => r.rssKB).filter((x) => x !== undefined);
  return {
    median: median(walls),
    min: Math.min(...walls),
    max: Math.max(...walls),
    rssKB: rss.length ? Math.max(...rss) : undefined,
    runs: c.runs.length,
  };
};

const parseJson = (text) => {
  try {
    return JSON.parse(text.split('\n').filter(Boolean).pop() ?? '');
  } catch {
    return null;
  }
};

const W = 34;
const header = `${'command'.padEnd(W)} ${'median s'.padStart(9)} ${'min s'.padStart(8)} ${'max s'.padStart(8)} ${'peak RSS MB'.padStart(12)}  runs`;
console.log('');
console.log('results');
console.log(header);
console.log('-'.repeat(header.length));
const summary = { file: rel(file), fileBytes, method, rounds: opts.rounds, loadavg: [load0], results: {} };
for (const pair of pairs) {
  console.log(`# ${pair.title}`);
  for (const key of [pair.trawl, pair.peer]) {
    const c = commands[key];
    const s = stats(c);
    summary.results[key] = { label: c.label, ...(s ?? {}), failure: c.failure ?? undefined };
    if (s) {
      console.log(
        `${c.label.padEnd(W)} ${fmtS(s.median).padStart(9)} ${fmtS(s.min).padStart(8)} ${fmtS(s.max).padStart(8)} ${fmtMB(s.rssKB).padStart(12)}  ${s.runs}`,
      );
    } else {
      console.log(`${c.label.padEnd(W)} FAILED: ${(c.failure ?? 'no runs').split('\n')[0]}`);
    }
    if (s && c.failure) console.log(`${''.padEnd(W)} (later run failed: ${c.failure.split('\n')[0]})`);
  }
  const a = stats(commands[pair.trawl]);
  const b = stats(commands[pair.peer]);
  if (pair.kind === 'speedup') {
    if (a && b) {
      const x = b.median / a.median;
      const mem = a.rssKB && b.rssKB ? `; peak RSS trawl/tshark ${(a.rssKB / b.rssKB).toFixed(2)}x` : '';
      console.log(
        `  -> speedup tshark/trawl: ${x.toFixed(2)}x (goal >= 10x: ${x >= 10 ? 'met' : 'not met'})${mem}`,
      );
      summary.results[pair.trawl].speedup = x;
    } else console.log('  -> speedup tshark/trawl: n/a (a side failed)');
  } else {
    const idx = parseJson(commands.trawlIndex.outputs.at(-1) ?? '');
    const bare = parseJson(commands.bareRead.outputs.at(-1) ?? '');
    if (a && b) {
      const x = a.median / b.median;
      console.log(
        `  -> trawl index / bare read: ${x.toFixed(2)}x (goal <= 3x: ${x <= 3 ? 'met' : 'not met'})`,
      );
      summary.results[pair.trawl].ratio = x;
    } else console.log('  -> trawl index / bare read: n/a (a side failed)');
    if (idx && Number.isFinite(idx.packets) && idx.packets > 0 && Number.isFinite(idx.indexBytes)) {
      const perPacket = idx.indexBytes / idx.packets;
      const inner = commands.trawlIndex.outputs.map(parseJson).filter((j) => j && Number.isFinite(j.ms));
      const innerMs = inner.length ? median(inner.map((j) => j.ms)) : undefined;
      console.log(
        `  -> index: ${idx.packets} packets, ${(idx.indexBytes / 1048576).toFixed(1)} MiB, ` +
          `${perPacket.toFixed(1)} bytes/packet (goal < 64: ${perPacket < 64 ? 'met' : 'not met'})` +
          (innerMs !== undefined ? `; indexFile() alone ${(innerMs / 1000).toFixed(3)} s median` : ''),
      );
      Object.assign(summary.results[pair.trawl], {
        indexBytes: idx.indexBytes,
        bytesPerPacket: perPacket,
        innerMs,
      });
    } else if (a) console.log(`  -> index: could not read the JSON line from bench-index`);
    if (idx && bare && idx.packets !== bare.packets) {
      console.log(`  !! packet count differs: trawl indexed ${idx.packets}, libpcap read ${bare.packets}`);
    }
  }
}

console.log('');
if (verify.skipped) {
  console.log(
    `-T fields agreement (first ${VERIFY_LINES} lines): not checked: ${verify.skipped.split('\n')[0]}`,
  );
  if (verify.skipped.includes('\n')) console.log(indent(verify.skipped.split('\n').slice(1).join('\n')));
} else {
  const pct = verify.n ? (100 * verify.same) / verify.n : 0;
  console.log(
    `-T fields agreement with tshark (first ${verify.n} lines): ${pct.toFixed(1)}% (${verify.same}/${verify.n} identical)`,
  );
  for (const d of verify.diffs) {
    console.log(
      `  line ${d.line}:\n    tshark: ${JSON.stringify(d.tshark)}\n    trawl:  ${JSON.stringify(d.trawl)}`,
    );
  }
  summary.fieldsAgreement = { ...verify };
}

const load1 = os.loadavg();
summary.loadavg.push(load1);
console.log(`load avg at end: ${load1.map((x) => x.toFixed(2)).join(' ')}`);
const jsonOut = path.join(OUT, 'last-run.json');
fs.writeFileSync(jsonOut, `${JSON.stringify(summary, null, 2)}\n`);
console.log(`machine-readable results: ${rel(jsonOut)}`);
