// `trawl serve [FILE] [--port N] [--host H]`: the browser mode from the command line. The first
// line printed is the page's URL (scripts and tests read it); Ctrl+C stops the server.
import { startServer } from './server.ts';

export const SERVE_USAGE = `Usage: trawl serve [FILE] [--port N] [--host H]

Serves Trawl's interface to a browser (default http://127.0.0.1, a free port).
  FILE        a capture file to open on start
  --port N    port to listen on (default: any free port)
  --host H    address to bind (default 127.0.0.1; anything else exposes your captures)
`;

interface ServeArgs {
  file?: string;
  port: number;
  host: string;
}

class ServeUsageError extends Error {}

export function parseServeArgs(argv: readonly string[]): ServeArgs | 'help' {
  const out: ServeArgs = { port: 0, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new ServeUsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--port' || arg === '-p') {
      const v = value();
      const port = Number(v);
      if (!/^\d+$/.test(v) || port > 65535) throw new ServeUsageError(`Bad port: ${v}`);
      out.port = port;
    } else if (arg.startsWith('--port=')) {
      return parseServeArgs([...argv.slice(0, i), '--port', arg.slice(7), ...argv.slice(i + 1)]);
    } else if (arg === '--host') {
      out.host = value();
    } else if (arg.startsWith('--host=')) {
      out.host = arg.slice(7);
    } else if (arg.startsWith('-')) {
      throw new ServeUsageError(`Unknown option: ${arg}`);
    } else if (out.file === undefined) {
      out.file = arg;
    } else {
      throw new ServeUsageError(`Only one FILE may be given (got ${out.file} and ${arg})`);
    }
  }
  return out;
}

/** Runs the server until SIGINT/SIGTERM; resolves to the exit status. */
export async function runServe(argv: string[]): Promise<number> {
  let args: ServeArgs | 'help';
  try {
    args = parseServeArgs(argv);
  } catch (err) {
    if (!(err instanceof ServeUsageError)) throw err;
    process.stderr.write(`trawl serve: ${err.message}\n\n${SERVE_USAGE}`);
    return 1;
  }
  if (args === 'help') {
    process.stdout.write(SERVE_USAGE);
    return 0;
  }
  let server;
  try {
    server = await startServer({ host: args.host, port: args.port, open: args.file });
  } catch (err) {
    process.stderr.write(`trawl serve: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  process.stdout.write(`Trawl serving at ${server.url}\n`);
  if (args.host !== '127.0.0.1' && args.host !== 'localhost' && args.host !== '::1') {
    process.stderr.write(`Warning: listening on ${args.host}: anyone with the URL can read your captures.\n`);
  }
  process.stderr.write('Press Ctrl+C to stop.\n');
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
