// Real HTTP/1.1 traffic: nginx in a namespace serving a small page, a file over 100 KB and a
// chunked page (SSI), fetched with curl over one keep-alive connection while tcpdump captures
// our end of the veth. Trawl's CLI must print what tshark prints on the same file, with and
// without TCP reassembly.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trawl, CLI } from '../../support/corpus.ts';
import { startNginx } from '../../support/nginx.ts';
import { sleep, vethPair, type VethPair } from '../../support/netns.ts';

const PROGRAMS = ['nginx', 'curl', 'tcpdump', 'tshark'];
const have = (p: string): boolean => spawnSync('sh', ['-c', `command -v ${p}`]).status === 0;
const runnable = process.getuid?.() === 0 && PROGRAMS.every(have) && existsSync(CLI);

const FIELDS = [
  'frame.number',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'tcp.stream',
  'tcp.len',
  'tcp.seq',
  'tcp.nxtseq',
  'tcp.ack',
  'tcp.segment.count',
  'tcp.reassembled.length',
  'tcp.analysis.flags',
  'http.request.method',
  'http.request.uri',
  'http.request.full_uri',
  'http.host',
  'http.user_agent',
  'http.response.code',
  'http.response.phrase',
  'http.server',
  'http.content_length',
  'http.content_type',
  'http.transfer_encoding',
  'http.connection',
  'http.chunk_size',
  'http.request_in',
  'http.time',
  'http.response_for.uri',
];

function fieldsArgs(file: string, extra: string[]): string[] {
  return ['-r', file, ...extra, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])];
}

describe.skipIf(!runnable)('HTTP/1.1 from nginx and curl, against tshark', () => {
  let pair: VethPair;
  let dir: string;
  let nginx: ChildProcess | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trawl-http-live-'));
    pair = vethPair('t5http', 159);
    const root = join(dir, 'www');
    mkdirSync(join(root, 'chunked'), { recursive: true });
    writeFileSync(join(root, 'small.html'), '<html><body>small</body></html>\n');
    const line = 'The quick brown fox jumps over the lazy dog 0123456789.\n';
    writeFileSync(join(root, 'big.txt'), line.repeat(Math.ceil(150_000 / line.length)));
    writeFileSync(join(root, 'chunked', 'page.html'), `<html>${'<p>chunk</p>\n'.repeat(400)}</html>\n`);
    nginx = await startNginx(pair, dir, 80, [
      'types { text/html html; text/plain txt; }',
      'server {',
      `  listen ${pair.peerIp}:80;`,
      `  root ${root};`,
      // SSI output has no length known up front: nginx sends it chunked.
      '  location /chunked/ { ssi on; }',
      '}',
    ]);
  }, 30_000);

  afterAll(() => {
    nginx?.kill('SIGTERM');
    pair?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function captureCurl(): Promise<string> {
    const file = join(dir, 'http.pcap');
    const args = ['--immediate-mode', '-Z', 'root', '-i', pair.host, '-U', '-n', '-w', file, 'tcp port 80'];
    const dump = spawn('tcpdump', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('tcpdump did not start')), 10_000);
      dump.stderr?.on('data', (d: Buffer) => {
        if (d.toString().includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const base = `http://${pair.peerIp}`;
    const urls = ['/small.html', '/big.txt', '/chunked/page.html', '/small.html', '/missing'];
    // One curl, one connection: keep-alive, several requests.
    const curl = spawnSync(
      'curl',
      ['-s', '--http1.1', ...urls.flatMap((u) => [`${base}${u}`, '-o', '/dev/null']), '-w', '%{http_code} '],
      { encoding: 'utf8', timeout: 15_000 },
    );
    expect(curl.stdout).toBe('200 200 200 200 404 ');
    await sleep(300);
    const done = new Promise((resolve) => dump.on('exit', resolve));
    dump.kill('SIGINT');
    await done;
    return file;
  }

  it('agrees with tshark field by field, with and without TCP reassembly', async () => {
    const file = await captureCurl();
    for (const extra of [[], ['-o', 'tcp.desegment_tcp_streams:FALSE']]) {
      const ours = trawl(fieldsArgs(file, extra));
      expect(ours.status).toBe(0);
      const theirs = spawnSync('tshark', fieldsArgs(file, extra), { encoding: 'utf8' }).stdout;
      const a = ours.stdout.split('\n');
      const b = theirs.split('\n');
      expect(a.length).toBe(b.length);
      for (let i = 0; i < b.length; i++)
        expect(`${extra.join(' ')} #${i + 1} ${a[i]}`).toBe(`${extra.join(' ')} #${i + 1} ${b[i]}`);
    }
    // The capture really holds what the test is about.
    const theirs = spawnSync('tshark', fieldsArgs(file, []), { encoding: 'utf8' }).stdout;
    expect(theirs).toContain('\tchunked\t');
    expect(theirs).toMatch(/\tHTTP\tHTTP\/1\.1 200 OK {2}\(text\/plain\)\t/);
    expect(theirs).toContain('[TCP segment of a reassembled PDU]');
    expect(theirs).toContain('HTTP/1.1 404 Not Found');
  }, 60_000);
});
