// `trawl -D` and `trawl -i` as a user runs them (build/cli.mjs), over a real veth with real frames.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  expectedFrame,
  rawSender,
  sendRaw,
  sleep,
  vethPair,
  type RawFrames,
  type VethPair,
} from '../../support/netns.ts';
import { tempDir } from '../../support/pcap-bytes.ts';
import { readAll } from '../../native/read-all.ts';

const CLI = fileURLToPath(new URL('../../../build/cli.mjs', import.meta.url));
const HELPER = fileURLToPath(new URL('../../../native/build/Release/trawl-capture-helper', import.meta.url));

let pair: VethPair;
const tmp = tempDir('tw4-cli-');
chmodSync(tmp.dir, 0o777);

beforeAll(() => {
  rawSender();
  pair = vethPair('cli', 47);
});
afterAll(() => {
  pair?.cleanup();
  tmp.cleanup();
});

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI; once it says it is capturing, sends `frames` (if any) and then calls `then`
 * (e.g. to send SIGINT). Resolves when it exits.
 */
function capture(
  args: string[],
  frames?: RawFrames,
  then?: (child: ReturnType<typeof spawn>) => void,
  wrap: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Run> {
  const cmd = wrap.length ? (wrap[0] as string) : process.execPath;
  const argv = wrap.length ? [...wrap.slice(1), process.execPath, CLI, ...args] : [CLI, ...args];
  const child = spawn(cmd, argv, { env });
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!sent && stderr.includes('Capturing on')) {
      sent = true;
      if (frames) sendRaw(pair, frames);
      if (then) void sleep(200).then(() => then(child));
    }
  });
  return new Promise((resolve) =>
    child.on('exit', (status, signal) => resolve({ status, signal, stdout, stderr })),
  );
}

test('-D: numbered interfaces, description in parentheses', () => {
  const out = execFileSync(process.execPath, [CLI, '-D'], { encoding: 'utf8' });
  const lines = out.trim().split('\n');
  lines.forEach((l, i) => expect(l).toMatch(new RegExp(`^${i + 1}\\. \\S+( \\(.+\\))?$`)));
  expect(lines).toContain(`${lines.findIndex((l) => l.endsWith(` ${pair.host}`)) + 1}. ${pair.host}`);
  expect(lines.some((l) => /^\d+\. any \(Pseudo-device that captures on all interfaces\)$/.test(l))).toBe(
    true,
  );
});

test('-i -f -c -w: exactly COUNT packets in the file and the tally on stderr', async () => {
  const out = join(tmp.dir, 'c30.pcap');
  const r = await capture(['-i', pair.host, '-f', 'udp dst port 7200', '-c', '30', '-w', out], {
    count: 50,
    dport: 7200,
  });
  expect(r.status).toBe(0);
  expect(r.stderr).toBe(
    `Capturing on '${pair.host}'\n30 packets captured, 0 dropped by kernel, 0 read back from the file\n`,
  );
  expect(r.stdout).toBe('');
  expect((await readAll(out)).records).toHaveLength(30);
});

test('without -w: -T fields -e prints each packet as it comes; -Y filters the display', async () => {
  const r = await capture(
    [
      '-i',
      pair.host,
      '-f',
      'udp dst port 7201',
      '-c',
      '20',
      '-T',
      'fields',
      '-e',
      'frame.number',
      '-e',
      'frame.len',
      '-e',
      'udp.dstport',
    ],
    { count: 20, dport: 7201, sizes: [60, 100] },
  );
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(
    Array.from({ length: 20 }, (_, i) => `${i + 1}\t${i % 2 ? 100 : 60}\t7201\n`).join(''),
  );
  const y = await capture(
    ['-i', pair.host, '-f', 'udp dst port 7202', '-c', '20', '-Y', 'frame.len == 100'],
    {
      count: 20,
      dport: 7202,
      sizes: [60, 100],
    },
  );
  expect(y.status).toBe(0);
  const lines = y.stdout.trim().split('\n');
  expect(lines).toHaveLength(10);
  expect(lines[0]).toMatch(/^\s*2\s+\S+\s+10\.99\.0\.1 → 10\.99\.0\.2\s+UDP 100 40000 → 7202 Len=58$/);
});

test('a flood JS cannot keep up with: every packet is still printed, in order, the missed ones read back from the file', async () => {
  const sent = 300000;
  // A queue of one batch to JS: whenever JS is printing, the next full batch stays in the file.
  const r = await capture(
    [
      ...['-i', pair.host, '-f', 'udp dst port 7205', '--ring-queue', '1'],
      ...['-T', 'fields', '-e', 'frame.number', '-e', 'frame.len'],
    ],
    { count: sent, dport: 7205, sizes: [1514] },
    (child) => child.kill('SIGINT'),
  );
  expect(r.status).toBe(0);
  const tally = /(\d+) packets captured, (\d+) dropped by kernel, (\d+) read back from the file/.exec(
    r.stderr,
  );
  const [captured = NaN, kernel = NaN, behind = NaN] = [1, 2, 3].map((i) => Number(tally?.[i]));
  expect(captured + kernel).toBe(sent);
  // JS fell behind (450 MB at full speed): the read-back path was taken.
  expect(behind).toBeGreaterThan(0);
  const lines = r.stdout.split('\n');
  expect(lines.pop()).toBe('');
  expect(lines).toHaveLength(captured);
  const wrong = lines.findIndex((l, i) => l !== `${i + 1}\t1514`);
  expect(wrong).toBe(-1);
}, 120_000);

test('-a duration:1 stops by itself; SIGINT stops with the tally', async () => {
  const t0 = Date.now();
  const d = await capture([
    '-i',
    pair.host,
    '-f',
    'udp dst port 7203',
    '-a',
    'duration:1',
    '-w',
    join(tmp.dir, 'd.pcap'),
  ]);
  expect(d.status).toBe(0);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
  expect(d.stderr).toContain('0 packets captured, 0 dropped by kernel, 0 read back from the file');

  const out = join(tmp.dir, 'int.pcap');
  const s = await capture(
    ['-i', pair.host, '-f', 'udp dst port 7204', '-w', out],
    { count: 12, dport: 7204 },
    (c) => c.kill('SIGINT'),
  );
  expect(s.status).toBe(0);
  expect(s.stderr).toContain('12 packets captured, 0 dropped by kernel, 0 read back from the file');
  expect((await readAll(out)).records).toHaveLength(12);
});

test('SIGKILL mid-capture: the file reads back whole, with every packet of the released blocks', async () => {
  const out = join(tmp.dir, 'killed.pcap');
  const frames: RawFrames = { count: 300, dport: 7203, sizes: [60, 1000] };
  const r = await capture(['-i', pair.host, '-f', 'udp dst port 7203', '-w', out], frames, (child) => {
    // 200 ms after the last frame: well past the 50 ms block-retire timeout.
    child.kill('SIGKILL');
  });
  expect(r.signal).toBe('SIGKILL');
  const read = await readAll(out);
  expect(read.error).toBeNull();
  expect(read.records).toHaveLength(300);
  read.records.forEach((rec, i) => expect(rec.bytes).toEqual(expectedFrame(frames, i, pair.peerMac)));
  const tshark = spawnSync('tshark', ['-r', out, '-T', 'fields', '-e', 'udp.dstport'], { encoding: 'utf8' });
  expect(tshark.status).toBe(0);
  expect(tshark.stderr).not.toMatch(/cut short|appears to be damaged/);
  expect(tshark.stdout.trim().split('\n')).toEqual(Array(300).fill('7203'));
});

test('--backend libpcap gives the same count', async () => {
  const out = join(tmp.dir, 'lp.pcap');
  const r = await capture(
    ['-i', pair.host, '--backend', 'libpcap', '-f', 'udp dst port 7205', '-c', '25', '-w', out],
    {
      count: 25,
      dport: 7205,
    },
  );
  expect(r.status).toBe(0);
  expect(r.stderr).toContain('25 packets captured, 0 dropped by kernel, 0 read back from the file');
  expect((await readAll(out)).records).toHaveLength(25);
});

test('a bad capture filter or interface: exit 2 and the reason, nothing captured', async () => {
  const f = await capture(['-i', pair.host, '-f', 'udp port', '-c', '1']);
  expect(f.status).toBe(2);
  expect(f.stderr).toBe("trawl: can't parse filter expression: syntax error\n");
  const i = await capture(['-i', 'tw4-nothere', '-c', '1']);
  expect(i.status).toBe(2);
  expect(i.stderr).toBe('trawl: No such interface: tw4-nothere\n');
  const u = await capture(['-i', pair.host, '--backend', 'bpf']);
  expect(u.status).toBe(1);
  expect(u.stderr).toContain('Invalid --backend "bpf"; expected ring or libpcap');
});

test('as an unprivileged user: works through a capable helper, else says how to fix it', async () => {
  const nobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
  const helperDir = join(tmp.dir, 'helper');
  execFileSync('mkdir', ['-p', helperDir]);
  chmodSync(helperDir, 0o755);
  const capable = join(helperDir, 'trawl-capture-helper');
  copyFileSync(HELPER, capable);
  chmodSync(capable, 0o755);
  execFileSync('setcap', ['cap_net_raw,cap_net_admin+ep', capable]);
  const out = join(tmp.dir, 'nobody.pcap');
  const ok = await capture(
    ['-i', pair.host, '-f', 'udp dst port 7206', '-c', '15', '-w', out],
    { count: 15, dport: 7206 },
    undefined,
    nobody,
    { ...process.env, TRAWL_CAPTURE_HELPER: capable },
  );
  expect(ok.stderr).toContain('15 packets captured');
  expect(ok.status).toBe(0);
  expect((await readAll(out)).records).toHaveLength(15);

  const plain = join(helperDir, 'plain');
  copyFileSync(HELPER, plain);
  chmodSync(plain, 0o755);
  const denied = await capture(
    ['-i', pair.host, '-c', '1', '-w', join(tmp.dir, 'no.pcap')],
    undefined,
    undefined,
    nobody,
    {
      ...process.env,
      TRAWL_CAPTURE_HELPER: plain,
    },
  );
  expect(denied.status).toBe(2);
  expect(denied.stderr).toBe(
    'trawl: Capturing needs CAP_NET_RAW: this process does not have it (socket(AF_PACKET) failed: EPERM) and ' +
      `${plain} could not open it either: Operation not permitted (the helper has no cap_net_raw file capability).\n` +
      `To fix it: sudo setcap cap_net_raw,cap_net_admin+ep ${plain}   (or: npm run setcap)\n`,
  );
});
