// The capture file named on the command line (`trawl-gui dump.pcapng`, or a file manager's
// `file://` URI from the desktop entry), resolved against the directory it was started in.
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const CAPTURE_FILE = /\.(pcap|pcapng|cap)$/i;

export function captureFileFromArgv(argv: readonly string[], cwd: string): string | null {
  // argv[0] is the executable; Chromium may append its own --switches anywhere after it.
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-')) continue;
    const path = arg.startsWith('file://') ? safeFileUrl(arg) : arg;
    if (path && CAPTURE_FILE.test(path)) return isAbsolute(path) ? path : resolve(cwd, path);
  }
  return null;
}

function safeFileUrl(url: string): string | null {
  try {
    return fileURLToPath(url);
  } catch {
    return null;
  }
}
