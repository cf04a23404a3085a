// Display-filter benchmark: on one capture, side by side in one run,
//   node build/cli.mjs -r F -Y EXPR -T fields -e frame.number   vs   tshark (the same flags)
// for five filters of different depth, and the engine's time from a view.filter request to the
// complete result on the already-open file (build/bench-filter.mjs, bundled by npm run build:js
// from filter-engine.ts). Prints times and ratios; exits 0 whatever the numbers (see README.md).
//
//   node test/bench/filter.mjs [--file F] [--packets N] [--rounds R] [--timeout S]
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const OUT = join(HERE, 'out');

/** The generator's networks: 192.168.1.0/24 (LAN) and 10.20.0.0/24 (VLAN 20). */
const EXPRESSIONS = [
  'tcp',
  'ip.addr == 10.20.0.0/16',
  'tcp.flags.syn == 1',
  'dns.qry.name contains "x"',
  'frame.len > 1000 && udp',
];

function parseArgs(argv) {
  const opts = { file: null, packets: 1_000_000, rounds: 1, timeout: 900 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--file' && v) opts.file = resolve(v);
    else if (a === '--packets' && v) opts.packets = Number(v);
    else if (a === '--rounds' && v) opts.rounds = Number(v);
    else if (a === '--timeout' && v) opts.timeout = Number(v);
    else {
      console.error(
        `filter.mjs: bad argument ${a}\nusage: node test/bench/filter.mjs [--file F] [--packets N] [--rounds R] [--timeout S]`,
      );
      process.exit(2);
    }
    i++;
  }
  return opts;
}

function captureFile(opts) {
  if (opts.file) return opts.file;
  const file = join(OUT, `mixed-${opts.packets}.pcap`);
  if (!existsSync(file)) {
    mkdirSync(OUT, { recursive: true });
    const r = spawnSync(
      process.execPath,
      [join(HERE, 'gen-pcap.mjs'), file, '--packets', String(opts.packets)],
      {
        stdio: 'inherit',
      },
    );
    if (r.status !== 0) process.exit(1);
  }
  return file;
}

/** Runs a command; resolves with wall seconds, the number of output lines and their hash. */
function timed(cmd, args, timeoutS) {
  return new Promise((resolveRun) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const hash = createHash('sha1');
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (d) => {
      hash.update(d);
      for (const b of d) if (b === 10) lines++;
    });
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const s = Number(process.hrtime.bigint() - start) / 1e9;
      resolveRun({ ok: code === 0, s, lines, hash: hash.digest('hex'), stderr });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (s) => (s === null ? '—' : s.toFixed(2));

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const file = captureFile(opts);
  const cli = join(ROOT, 'build/cli.mjs');
  for (const built of [cli, join(ROOT, 'build/bench-filter.mjs')]) {
    if (!existsSync(built)) {
      console.error(`filter.mjs: ${built} is missing: run npm run build:js first`);
      process.exit(2);
    }
  }
  readFileSync(file); // into the page cache
  console.log(
    `display filters on ${file}, ${opts.rounds} round(s), load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  const results = [];
  for (const expression of EXPRESSIONS) {
    const args = ['-r', file, '-Y', expression, '-T', 'fields', '-e', 'frame.number'];
    const ours = [];
    const theirs = [];
    let agree = null;
    for (let r = 0; r < opts.rounds; r++) {
      const pair = r % 2 === 0 ? ['trawl', 'tshark'] : ['tshark', 'trawl'];
      const runs = {};
      for (const who of pair) {
        runs[who] =
          who === 'trawl'
            ? await timed(process.execPath, [cli, ...args], opts.timeout)
            : await timed('tshark', args, opts.timeout);
      }
      if (runs.trawl.ok) ours.push(runs.trawl.s);
      else console.error(`trawl failed on ${expression}: ${runs.trawl.stderr}`);
      if (runs.tshark.ok) theirs.push(runs.tshark.s);
      else console.error(`tshark failed on ${expression}: ${runs.tshark.stderr}`);
      agree =
        runs.trawl.hash === runs.tshark.hash
          ? 'identical'
          : `${runs.trawl.lines} vs ${runs.tshark.lines} lines`;
    }
    results.push({
      expression,
      trawl: ours.length ? median(ours) : null,
      tshark: theirs.length ? median(theirs) : null,
      agree,
    });
  }

  const engine = spawnSync(process.execPath, [join(ROOT, 'build/bench-filter.mjs'), file, ...EXPRESSIONS], {
    encoding: 'utf8',
    timeout: opts.timeout * 1000,
  });
  const engineMs = new Map();
  for (const line of engine.stdout.split('\n').filter(Boolean)) {
    const j = JSON.parse(line);
    engineMs.set(j.expression, j);
  }
  if (engine.status !== 0) console.error(`engine run failed: ${engine.stderr.slice(-2000)}`);

  console.log('');
  console.log(
    'filter'.padEnd(30) +
      'trawl s'.padStart(9) +
      'tshark s'.padStart(10) +
      'speedup'.padStart(9) +
      '  agreement'.padEnd(26) +
      'engine ms'.padStart(10) +
      'displayed'.padStart(11),
  );
  for (const r of results) {
    const e = engineMs.get(r.expression);
    const speedup = r.trawl && r.tshark ? `${(r.tshark / r.trawl).toFixed(1)}x` : '—';
    console.log(
      r.expression.padEnd(30) +
        fmt(r.trawl).padStart(9) +
        fmt(r.tshark).padStart(10) +
        speedup.padStart(9) +
        `  ${r.agree ?? '—'}`.padEnd(26) +
        (e ? e.ms.toFixed(0) : '—').padStart(10) +
        (e ? e.displayed.toLocaleString('en-US') : '—').padStart(11),
    );
    if (e) r.engine = e;
  }
  console.log(
    `\nload at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'last-filter-run.json'), JSON.stringify({ file, results }, null, 2));
}

await main();
