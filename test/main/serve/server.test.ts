// The browser mode's server: token and origin checks, static files, the serve-only API, and the
// WebSocket bridge to a real engine (hosted in-process: tests run from source).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EngineMessage, FrameDetail, RequestMessage } from '../../../app/protocol/messages.ts';
import { Engine } from '../../../main/engine/engine.ts';
import { inProcessEngineHost, workerEngineHost } from '../../../main/serve/engine-host.ts';
import { parseServeArgs } from '../../../main/serve/serve-command.ts';
import { startServer, type RunningServer } from '../../../main/serve/server.ts';
import { decodeWire, encodeWire } from '../../../app/protocol/wire.ts';
import { CORPUS_FILES } from '../../support/corpus.ts';
import { scratchDir } from '../../support/scratch.ts';

const FILE = join(CORPUS_FILES, 'pcpp__TcpPacketWithOptions.pcap');

let server: RunningServer;
let base: string;
let staticDir: string;

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'trawl-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(staticDir, 'assets', 'window-D84cO2yB.js'), 'console.log(2)');
  server = await startServer({ staticDir, engineHost: inProcessEngineHost(), open: FILE });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
  rmSync(staticDir, { recursive: true, force: true });
});

/** A client on the engine socket: sends requests, collects everything that comes back. */
class SocketClient {
  readonly messages: EngineMessage[] = [];
  private nextId = 1;
  private waiters: (() => void)[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(decodeWire(String(data)) as EngineMessage);
      for (const w of this.waiters.splice(0)) w();
    });
  }
  static open(url: string, origin: string): Promise<SocketClient> {
    const ws = new WebSocket(url, { origin });
    return new Promise((ok, fail) => {
      ws.once('open', () => ok(new SocketClient(ws)));
      ws.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', fail);
    });
  }
  async request(method: RequestMessage['method'], params: object): Promise<unknown> {
    const id = this.nextId++;
    this.ws.send(encodeWire({ kind: 'request', id, method, params }));
    for (;;) {
      const r = this.messages.find((m) => m.kind === 'response' && m.id === id);
      if (r && r.kind === 'response') {
        if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
        return r.result;
      }
      await new Promise<void>((ok) => this.waiters.push(ok));
    }
  }
}

describe('serve: access', () => {
  it('prints a URL with the token and the file to open', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}&open=/);
    expect(decodeURIComponent(server.url.split('open=')[1] ?? '')).toBe(FILE);
  });

  it('refuses requests without the token or with a wrong one', async () => {
    for (const path of [
      '/',
      '/index.html',
      '/assets/app.js',
      '/api/list?dir=/',
      `/?token=${server.token}x`,
    ]) {
      const res = await fetch(base + path);
      expect(res.status, path).toBe(403);
    }
    const res = await fetch(`${base}/api/upload?name=x.pcap`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(403);
  });

  it('serves the page with the token, and its assets with the cookie it sets', async () => {
    const page = await fetch(`${base}/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const cookie = page.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const asset = await fetch(`${base}/assets/app.js`, { headers: { cookie: cookie.split(';')[0] ?? '' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    const wrongCookie = await fetch(`${base}/assets/app.js`, {
      headers: { cookie: `trawl-token-${server.port}=x` },
    });
    expect(wrongCookie.status).toBe(403);
  });

  it('lets the browser keep the content-hashed bundle files, never the page', async () => {
    const page = await fetch(`${base}/?token=${server.token}`);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const headers = { cookie: (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
    const hashed = await fetch(`${base}/assets/window-D84cO2yB.js`, { headers });
    expect(hashed.status).toBe(200);
    expect(hashed.headers.get('cache-control')).toMatch(/immutable/);
    const plain = await fetch(`${base}/assets/app.js`, { headers });
    expect(plain.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses other Host names (DNS rebinding) and paths out of the bundle', async () => {
    const { request } = await import('node:http');
    const status = (path: string, host: string): Promise<number> =>
      new Promise((ok, fail) => {
        const req = request({ host: '127.0.0.1', port: server.port, path, headers: { host } }, (res) => {
          res.resume();
          ok(res.statusCode ?? 0);
        });
        req.on('error', fail);
        req.end();
      });
    expect(await status(`/?token=${server.token}`, `evil.example:${server.port}`)).toBe(403);
    expect(await status(`/?token=${server.token}`, `localhost:${server.port}`)).toBe(200);
    expect(await status(`/../../etc/passwd?token=${server.token}`, `127.0.0.1:${server.port}`)).not.toBe(200);
    expect(
      await status(`/..%2f..%2f..%2fetc%2fpasswd?token=${server.token}`, `127.0.0.1:${server.port}`),
    ).toBe(403);
  });

  it('refuses engine sockets without the token or from another origin', async () => {
    const ws = `ws://127.0.0.1:${server.port}/engine`;
    await expect(SocketClient.open(ws, base)).rejects.toThrow('HTTP 403');
    await expect(SocketClient.open(`${ws}?token=nope`, base)).rejects.toThrow('HTTP 403');
    await expect(SocketClient.open(`${ws}?token=${server.token}`, 'http://evil.example')).rejects.toThrow(
      'HTTP 403',
    );
    await expect(
      SocketClient.open(`ws://127.0.0.1:${server.port}/other?token=${server.token}`, base),
    ).rejects.toThrow('HTTP 403');
  });
});

describe('serve: api', () => {
  it('lists a directory, folders first', async () => {
    const dir = scratchDir('trawl-list-');
    mkdirSync(join(dir, 'zsub'));
    writeFileSync(join(dir, 'a.pcap'), 'abc');
    const res = await fetch(`${base}/api/list?token=${server.token}&dir=${encodeURIComponent(dir)}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      dir,
      parent: tmpdir(),
      entries: [
        { name: 'zsub', isDir: true, size: expect.any(Number) },
        { name: 'a.pcap', isDir: false, size: 3 },
      ],
    });
    const missing = await fetch(`${base}/api/list?token=${server.token}&dir=/no/such/dir`);
    expect(missing.status).toBe(404);
  });

  it('stores an upload and returns a path the engine can open', async () => {
    const body = readFileSync(FILE);
    const res = await fetch(`${base}/api/upload?token=${server.token}&name=../../evil name.pcap`, {
      method: 'POST',
      body,
      headers: { origin: base },
    });
    expect(res.status).toBe(200);
    const { path } = (await res.json()) as { path: string };
    expect(path).toMatch(/trawl-upload-.*\/evil_name\.pcap$/);
    expect(readFileSync(path).equals(body)).toBe(true);
    const cross = await fetch(`${base}/api/upload?token=${server.token}&name=x`, {
      method: 'POST',
      body: 'x',
      headers: { origin: 'http://evil.example' },
    });
    expect(cross.status).toBe(403);
  });
});

describe('serve: engine bridge', () => {
  it('answers the protocol over the socket like the engine itself, bytes included', async () => {
    const client = await SocketClient.open(
      `ws://127.0.0.1:${server.port}/engine?token=${server.token}`,
      base,
    );
    await client.request('file.open', { path: FILE });
    await client.request('view.sort', { column: null, descending: false });
    const rows = await client.request('view.rows', { start: 0, end: 5 });
    const detail = (await client.request('frame.detail', { number: 1 })) as FrameDetail;

    const engine = new Engine(() => {});
    await engine.handle('file.open', { path: FILE });
    await engine.handle('view.sort', { column: null, descending: false });
    expect(rows).toEqual(await engine.handle('view.rows', { start: 0, end: 5 }));
    const direct = await engine.handle('frame.detail', { number: 1 });
    engine.close();
    expect(detail.tree).toEqual(direct.tree);
    expect(detail.sources[0]?.bytes).toBeInstanceOf(Uint8Array);
    expect([...(detail.sources[0]?.bytes ?? [])]).toEqual([...(direct.sources[0]?.bytes ?? [])]);

    expect(client.messages.some((m) => m.kind === 'event' && m.event.type === 'file.opened')).toBe(true);
    await expect(client.request('frame.detail', { number: 9999 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    client.ws.close();
  });

  it('closes a socket that sends binary or malformed frames', async () => {
    const client = await SocketClient.open(
      `ws://127.0.0.1:${server.port}/engine?token=${server.token}`,
      base,
    );
    const closed = new Promise<number>((ok) => client.ws.once('close', (code) => ok(code)));
    client.ws.send('{not json');
    expect(await closed).toBe(1003);
  });
});

describe('serve command', () => {
  it('parses FILE, --port and --host', () => {
    expect(parseServeArgs(['x.pcap', '--port', '8080', '--host', '0.0.0.0'])).toEqual({
      file: 'x.pcap',
      port: 8080,
      host: '0.0.0.0',
    });
    expect(parseServeArgs(['--port=9'])).toEqual({ port: 9, host: '127.0.0.1' });
    expect(parseServeArgs(['--help'])).toBe('help');
    expect(() => parseServeArgs(['--port', 'abc'])).toThrow('Bad port');
    expect(() => parseServeArgs(['a', 'b'])).toThrow('Only one FILE');
    expect(() => parseServeArgs(['--bogus'])).toThrow('Unknown option');
  });
});

describe('serve: engine in a worker thread', () => {
  const worker = new URL('../../../build/engine-worker.mjs', import.meta.url);
  it.skipIf(!existsSync(worker))(
    'bridges to the bundled engine worker (build/engine-worker.mjs)',
    async () => {
      const s = await startServer({ staticDir, engineHost: workerEngineHost(worker) });
      try {
        const origin = `http://127.0.0.1:${s.port}`;
        const client = await SocketClient.open(`ws://127.0.0.1:${s.port}/engine?token=${s.token}`, origin);
        const summary = (await client.request('file.open', { path: FILE })) as { name: string };
        expect(summary.name).toBe('pcpp__TcpPacketWithOptions.pcap');
        const detail = (await client.request('frame.detail', { number: 1 })) as FrameDetail;
        expect(detail.sources[0]?.bytes).toBeInstanceOf(Uint8Array);
        expect(detail.sources[0]?.bytes.length).toBeGreaterThan(0);
        client.ws.close();
      } finally {
        await s.close();
      }
    },
  );
  it.skipIf(!existsSync(worker))(
    'every connection gets its own engine: the spare started ahead, then fresh ones',
    async () => {
      const s = await startServer({ staticDir, engineHost: workerEngineHost(worker) });
      try {
        const origin = `http://127.0.0.1:${s.port}`;
        const clients = [];
        for (let i = 0; i < 3; i++) {
          const client = await SocketClient.open(`ws://127.0.0.1:${s.port}/engine?token=${s.token}`, origin);
          clients.push(client);
          // Only the first engine opens a file: the others must not see it.
          if (i === 0) await client.request('file.open', { path: FILE });
        }
        const states = await Promise.all(clients.map((c) => c.request('view.state', {}).catch(() => 'none')));
        expect((states[0] as { total: number }).total).toBeGreaterThan(0);
        expect(states.slice(1)).toEqual(['none', 'none']);
        for (const c of clients) c.ws.close();
      } finally {
        await s.close();
      }
    },
  );
});
