// Real TLS 1.2 and 1.3 handshakes: nginx with a self-signed certificate in a namespace, curl with
// SNI from ours, tcpdump capturing the veth; Trawl's CLI must agree with tshark on the same file.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trawl, CLI } from '../../support/corpus.ts';
import { startNginx } from '../../support/nginx.ts';
import { sleep, vethPair, type VethPair } from '../../support/netns.ts';

const PROGRAMS = ['nginx', 'curl', 'tcpdump', 'openssl', 'tshark'];
const have = (p: string): boolean => spawnSync('sh', ['-c', `command -v ${p}`]).status === 0;
const runnable = process.getuid?.() === 0 && PROGRAMS.every(have) && existsSync(CLI);

const HOST = 'trawl.test';
const FIELDS = [
  'frame.number',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'tls.record.version',
  'tls.handshake.type',
  'tls.handshake.version',
  'tls.handshake.ciphersuite',
  'tls.handshake.extensions_server_name',
  'tls.handshake.extensions.supported_version',
  'tls.handshake.extensions_alpn_str',
];

function fieldsArgs(file: string, extra: string[]): string[] {
  return ['-r', file, ...extra, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])];
}

function tshark(file: string, extra: string[]): string {
  const r = spawnSync('tshark', fieldsArgs(file, extra), { encoding: 'utf8' });
  return r.stdout;
}

describe.skipIf(!runnable)('TLS handshakes from nginx and curl, against tshark', () => {
  let pair: VethPair;
  let dir: string;
  let nginx: ChildProcess | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trawl-tls-live-'));
    pair = vethPair('t5tls', 157);
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    // An EC certificate keeps the server's first flight small.
    const made = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${HOST}`,
    ]); // prettier-ignore
    if (made.status !== 0) throw new Error(`openssl: ${made.stderr.toString()}`);
    nginx = await startNginx(pair, dir, 443, [
      'server {',
      `  listen ${pair.peerIp}:443 ssl;`,
      `  server_name ${HOST};`,
      `  ssl_certificate ${cert};`,
      `  ssl_certificate_key ${key};`,
      '  ssl_protocols TLSv1.2 TLSv1.3;',
      '  location / { return 200 "hello\\n"; }',
      '}',
    ]);
  }, 30_000);

  afterAll(() => {
    nginx?.kill('SIGTERM');
    pair?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Captures one curl request on our end of the veth and returns the capture file. */
  async function captureCurl(name: string, versionArgs: string[]): Promise<string> {
    const file = join(dir, `${name}.pcap`);
    // Immediate mode: a TPACKET_V3 block that has not timed out yet would be lost at SIGINT.
    const args = ['--immediate-mode', '-Z', 'root', '-i', pair.host, '-U', '-n', '-w', file, 'tcp port 443'];
    const dump = spawn('tcpdump', args, {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('tcpdump did not start')), 10_000);
      dump.stderr?.on('data', (d: Buffer) => {
        if (d.toString().includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const curl = spawnSync('curl', [
      '-sk', '--http1.1', ...versionArgs, '--resolve', `${HOST}:443:${pair.peerIp}`, `https://${HOST}/`,
    ], { encoding: 'utf8', timeout: 15_000 }); // prettier-ignore
    expect(curl.stdout).toBe('hello\n');
    await sleep(300);
    const done = new Promise((resolve) => dump.on('exit', resolve));
    dump.kill('SIGINT');
    await done;
    return file;
  }

  for (const [name, args, proto] of [
    ['tls12', ['--tlsv1.2', '--tls-max', '1.2'], 'TLSv1.2'],
    ['tls13', ['--tlsv1.3'], 'TLSv1.3'],
  ] as const) {
    it(`agrees with tshark on a ${proto} handshake, with and without TCP reassembly`, async () => {
      const file = await captureCurl(name, [...args]);
      for (const extra of [[], ['-o', 'tcp.desegment_tcp_streams:FALSE']]) {
        const ours = trawl(fieldsArgs(file, extra));
        expect(ours.status).toBe(0);
        const theirs = tshark(file, extra);
        expect(ours.stdout).toBe(theirs);
        // The capture really holds what the test is about.
        expect(theirs).toContain(`\t${HOST}\t`);
        expect(theirs).toContain(`${proto}\tServer Hello`);
      }
    }, 60_000);
  }
});
