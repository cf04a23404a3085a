// Trawl's browser mode: serves the renderer bundle on 127.0.0.1 and bridges the engine
// protocol over a WebSocket, behind a random token. Every HTTP request needs the token (in
// `?token=`, or the HttpOnly cookie the page gets with it so its own assets load), the engine
// socket needs it in `?token=` and an Origin equal to the server's own.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { bridgeSocket } from './bridge.ts';
import { defaultEngineHost, type EngineHost } from './engine-host.ts';

export interface ServerOptions {
  /** Interface to bind; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** A capture file the page opens on start. */
  open?: string;
  /** The built renderer (build/renderer); found next to this module when omitted. */
  staticDir?: string;
  /** Where engines run; a worker per connection when the bundled worker exists. */
  engineHost?: EngineHost;
  /** Directory the page's file browser starts in (default: the open file's, else the cwd). */
  startDir?: string;
}

export interface RunningServer {
  /** The page's URL, token (and `open=`) included. */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws:; " +
  "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const MAX_MESSAGE = 1 << 20;

/** A bundle file vite named by its content hash (assets/name-HASH.ext). */
const HASHED_ASSET = /^\/assets\/[\w.-]+-[\w-]{8}\.(?:js|css|map)$/;

/** The renderer bundle: build/renderer next to the bundled CLI, or from the source tree. */
export function findStaticDir(base: string = import.meta.url): string | null {
  for (const rel of ['./renderer/', '../../build/renderer/', '../build/renderer/']) {
    const dir = fileURLToPath(new URL(rel, base));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return null;
}

function sameSecret(a: string | null | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json');
}

function errorText(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'ENOENT') return 'No such file or directory';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'Permission denied';
  if (e.code === 'ENOTDIR') return 'Not a directory';
  return e.message ?? String(err);
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const bindHost = options.host ?? '127.0.0.1';
  const staticDir = options.staticDir ?? findStaticDir();
  if (!staticDir || !existsSync(join(staticDir, 'index.html'))) {
    throw new Error('The renderer is not built: run `npm run build:renderer`');
  }
  const engineHost = options.engineHost ?? defaultEngineHost();
  const token = randomBytes(24).toString('base64url');
  const openPath = options.open ? resolve(options.open) : undefined;
  const startDir = options.startDir ?? (openPath ? dirname(openPath) : process.cwd());
  const uploadDir = mkdtempSync(join(tmpdir(), 'trawl-upload-'));
  let port = 0;
  const cookieName = (): string => `trawl-token-${port}`;

  /** Host names the page may be reached by: loopback names and the bound address. */
  const allowedHosts = (): Set<string> => {
    const names = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
    names.add(bindHost.includes(':') ? `[${bindHost}]:${port}` : `${bindHost}:${port}`);
    return names;
  };
  // Bound to every interface, the page may be reached by any name the machine has: the token
  // alone guards it. Bound to one address, other names are refused (DNS rebinding).
  const anyHost = bindHost === '0.0.0.0' || bindHost === '::';
  const hostOk = (req: IncomingMessage): boolean =>
    req.headers.host !== undefined && (anyHost || allowedHosts().has(req.headers.host));
  /** Same-origin: the Origin names this server as the Host header does (no DNS rebinding). */
  const originOk = (req: IncomingMessage): boolean =>
    hostOk(req) && req.headers.origin === `http://${req.headers.host ?? ''}`;

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, errorText(err));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const authorized =
      hostOk(req) &&
      (sameSecret(url.searchParams.get('token'), token) || sameSecret(cookie(req, cookieName()), token));
    if (!authorized) {
      send(res, 403, 'Forbidden: this Trawl server needs its access token (?token=...)');
      return;
    }
    if (url.pathname === '/api/list' && req.method === 'GET') return listDir(url, res);
    if (url.pathname === '/api/upload' && req.method === 'POST') {
      if (req.headers.origin !== undefined && !originOk(req))
        return send(res, 403, 'Forbidden: cross-origin upload');
      return upload(url, req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');
    return serveStatic(url, req, res);
  }

  async function listDir(url: URL, res: ServerResponse): Promise<void> {
    const dir = resolve(url.searchParams.get('dir') || startDir || homedir());
    try {
      const dirents = await readdir(dir, { withFileTypes: true });
      const entries = await Promise.all(
        dirents
          .filter((d) => !d.name.startsWith('.'))
          .map(async (d) => {
            let isDir = d.isDirectory();
            let size = 0;
            try {
              const st = await stat(join(dir, d.name));
              isDir = st.isDirectory();
              size = st.size;
            } catch {
              // a dangling link is listed with size 0
            }
            return { name: d.name, isDir, size };
          }),
      );
      entries.sort((a, b) => Number(b.isDir) - Number(a.isDir) || a.name.localeCompare(b.name));
      const parent = dirname(dir) === dir ? null : dirname(dir);
      sendJson(res, 200, { dir, parent, entries });
    } catch (err) {
      send(res, 404, `${dir}: ${errorText(err)}`);
    }
  }

  async function upload(url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const name = basename(url.searchParams.get('name') ?? '').replace(/[^\w.+-]/g, '_') || 'upload.pcap';
    const dir = mkdtempSync(join(uploadDir, 'f-'));
    const path = join(dir, name);
    await pipeline(req, createWriteStream(path, { flags: 'wx' }));
    sendJson(res, 200, { path });
  }

  function serveStatic(url: URL, req: IncomingMessage, res: ServerResponse): void {
    const root = resolve(staticDir as string);
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, 'Bad path');
    }
    if (rel.endsWith('/')) rel += 'index.html';
    const path = resolve(root, '.' + rel);
    if (path !== root && !path.startsWith(root + sep)) return send(res, 403, 'Forbidden');
    let size: number;
    try {
      const st = statSync(path);
      if (!st.isFile()) return send(res, 404, 'Not found');
      size = st.size;
    } catch {
      return send(res, 404, 'Not found');
    }
    const headers: Record<string, string | number> = {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'content-length': size,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': CSP,
      // vite names the bundle's files by their content hash: the browser may keep them (and its
      // compiled code for them) across reloads. index.html (which names them) is asked afresh.
      'cache-control': HASHED_ASSET.test(rel) ? 'private, max-age=31536000, immutable' : 'no-store',
    };
    if (path.endsWith('index.html')) {
      // Lets the page's own assets (which carry no ?token=) load; HttpOnly, so scripts can't read it.
      headers['set-cookie'] =
        `${cookieName()}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(path).pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  wss.on('connection', (ws) => bridgeSocket(ws, engineHost));
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const ok =
      url.pathname === '/engine' && sameSecret(url.searchParams.get('token'), token) && originOk(req);
    if (!ok) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', fail);
      ok();
    });
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost;
  const shownHost = urlHost.includes(':') ? `[${urlHost}]` : urlHost;
  let url = `http://${shownHost}:${port}/?token=${token}`;
  if (openPath) url += `&open=${encodeURIComponent(openPath)}`;

  return {
    url,
    token,
    port,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      rmSync(uploadDir, { recursive: true, force: true });
    },
  };
}
