// Starting a live capture: picks the backend, puts the file in the user's cache directory unless
// told where, and turns every failure into a CaptureError ({code, message, fix}).
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CaptureError, toCaptureError } from './errors.ts';
import { openLibpcapCapture } from './libpcap.ts';
import { openRingCapture } from './ring.ts';
import type { CaptureBackend, CaptureOptions, LiveCapture } from './types.ts';

export { CaptureError } from './errors.ts';

export type StartCaptureOptions = Omit<CaptureOptions, 'output'> & {
  /** Default: a new file in captureDirectory(). */
  output?: string;
};

/** `$XDG_CACHE_HOME/trawl/captures` (`~/.cache/trawl/captures` without it). */
export function captureDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env['XDG_CACHE_HOME'];
  const cache = xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache');
  return join(cache, 'trawl', 'captures');
}

function stamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** A fresh capture file name in the cache directory (created), as dumpcap names its temp files. */
export function defaultCapturePath(iface: string, now: Date = new Date()): string {
  const dir = captureDirectory();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const safe = iface.replace(/[^\w.-]/g, '_');
  return join(dir, `trawl_${safe}_${stamp(now)}_${randomBytes(3).toString('hex')}.pcap`);
}

export function defaultBackend(): CaptureBackend {
  return process.platform === 'linux' ? 'ring' : 'libpcap';
}

function validate(options: StartCaptureOptions): void {
  const bad = (message: string): never => {
    throw new CaptureError({ code: 'EINVAL', message });
  };
  const int = (v: number | undefined, name: string, min: number, max: number): void => {
    if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= max)) {
      bad(`${name} must be an integer from ${min} to ${max}`);
    }
  };
  if (!options.iface) bad('No interface given');
  int(options.snaplen, 'snaplen', 1, 262144);
  int(options.ring?.blockSize, 'ring block size', 4096, 2 ** 30);
  int(options.ring?.blockCount, 'ring block count', 1, 65536);
  int(options.ring?.frameSize, 'ring frame size', 64, 2 ** 30);
  int(options.ring?.timeoutMs, 'ring timeout', 1, 60000);
  int(options.ring?.queueBatches, 'ring queue', 1, 4096);
  int(options.autostop?.packets, 'autostop packets', 1, Number.MAX_SAFE_INTEGER);
  int(options.autostop?.bytes, 'autostop bytes', 1, Number.MAX_SAFE_INTEGER);
  const secs = options.autostop?.seconds;
  if (secs !== undefined && !(secs > 0 && Number.isFinite(secs))) bad('autostop seconds must be > 0');
}

/** Starts a live capture; throws CaptureError (BAD_FILTER, ENODEV, EPERM with its fix, ...). */
export function startCapture(options: StartCaptureOptions): LiveCapture {
  validate(options);
  const full: CaptureOptions = { ...options, output: options.output ?? defaultCapturePath(options.iface) };
  const backend = options.backend ?? defaultBackend();
  try {
    return backend === 'libpcap' ? openLibpcapCapture(full) : openRingCapture(full);
  } catch (err) {
    throw toCaptureError(err);
  }
}
