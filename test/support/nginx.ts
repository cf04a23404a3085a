// nginx inside a test namespace: a configuration of one server block in `dir`, started in the
// foreground, ready once it listens on the given port.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep, type VethPair } from './netns.ts';

/**
 * Starts nginx in `pair`'s namespace with the `http` block lines given (`types`, `server { … }`),
 * its pid, logs and temporary files in `dir`; resolves when it listens on `port` of the peer address.
 */
export async function startNginx(
  pair: VethPair,
  dir: string,
  port: number,
  httpLines: readonly string[],
): Promise<ChildProcess> {
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    [
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log;`,
      'user root;',
      'events { worker_connections 16; }',
      'http {',
      '  access_log off;',
      `  client_body_temp_path ${dir}/body;`,
      `  proxy_temp_path ${dir}/proxy;`,
      `  fastcgi_temp_path ${dir}/fastcgi;`,
      `  uwsgi_temp_path ${dir}/uwsgi;`,
      `  scgi_temp_path ${dir}/scgi;`,
      ...httpLines.map((l) => `  ${l}`),
      '}',
    ].join('\n'),
  );
  const nginx = spawn('ip', ['netns', 'exec', pair.ns, 'nginx', '-c', conf, '-g', 'daemon off;'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 50; i++) {
    if (pair.inNs('sh', ['-c', `ss -ltn | grep -q '${pair.peerIp}:${port}'`]).status === 0) return nginx;
    await sleep(100);
  }
  nginx.kill('SIGTERM');
  throw new Error('nginx did not start');
}
