// `trawl`: the tshark-compatible command line. Reads a capture file and prints summaries,
// fields or trees, or re-writes it; exit statuses as tshark's (1 usage, 2 file or filter).
import { defaultRegistry } from '../../app/dissect/modules.ts';
import { compileFilter, type CompiledFilter } from '../../app/filter/compile.ts';
import { resolveMacNames } from '../engine/mac-names.ts';
import { RecordFlag } from '../../app/dissect/packet-info.ts';
import { openCapture, type RecordBatch } from '../pcap/read.ts';
import { createCaptureWriter } from '../pcap/write.ts';
import { runServe } from '../serve/serve-command.ts';
import { parseArgs, USAGE, UsageError, type CliOptions } from './args.ts';
import { Output } from './output.ts';
import { captureCommand, listInterfacesCommand } from './capture.ts';
import { PacketPrinter } from './packet-printer.ts';
import type { StatRequest } from '../../app/stats/stats-tap.ts';
import { COLUMN_FIELDS, type FieldColumn } from './print.ts';

const EXIT_USAGE = 1;
const EXIT_FILE = 2;

class CliFailure extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function resolveFieldColumns(names: readonly string[]): FieldColumn[] {
  const registry = defaultRegistry();
  const bad: string[] = [];
  const columns = names.map((name): FieldColumn => {
    const col = COLUMN_FIELDS[name];
    if (col) return { kind: 'column', get: col };
    const def = registry.field(name);
    if (!def) bad.push(name);
    return { kind: 'field', id: def?.id ?? -1 };
  });
  if (bad.length) throw new CliFailure(`Some fields aren't valid:\n\t${bad.join('\n\t')}`, EXIT_USAGE);
  return columns;
}

/** The compiled -Y filter, or a tshark-style failure naming the fault and underlining it. */
function compileDisplayFilter(expression: string | undefined): CompiledFilter | null {
  if (expression === undefined) return null;
  const result = compileFilter(expression, defaultRegistry());
  if (result.ok) return result.filter;
  const { message, start, end, unlocated } = result.error;
  if (unlocated) throw new CliFailure(message, EXIT_FILE);
  const underline = ' '.repeat(start) + '^' + '~'.repeat(Math.max(0, end - start - 1));
  throw new CliFailure(`${message}\n    ${expression}\n    ${underline}`, EXIT_FILE);
}

/** Prints (or writes) every packet of `path` that passes the display filter; returns the exit status. */
async function readFile(opts: CliOptions, path: string): Promise<number> {
  const out = new Output();
  const columns = resolveFieldColumns(opts.fields);
  const filter = compileDisplayFilter(opts.displayFilter);
  const file = openFileOrFail(path);
  const linkTypes = new Set(file.info.interfaces.map((i) => i.linkType));
  if (opts.writeFile && linkTypes.size > 1) {
    file.close();
    throw new CliFailure(
      `${path} has interfaces of ${linkTypes.size} link types (${[...linkTypes].join(', ')}); a pcap file holds one`,
      EXIT_FILE,
    );
  }
  const writer = opts.writeFile
    ? createCaptureWriter(opts.writeFile, { linkType: file.info.linkType, nanosecond: file.info.nanosecond })
    : null;
  const timeDigits = file.info.nanosecond ? 9 : 6;
  const statFilters = opts.statistics.map(compileStatFilter);
  const printer = new PacketPrinter(opts, columns, filter, out, writer !== null, timeDigits, statFilters);
  printer.state.interfaceOf = (id) => file.info.interfaces[id];
  let remaining = opts.count ?? Infinity;
  let status = 0;
  let records = 0;
  // A pcapng Custom Block has no place in a pcap file: tshark writes the records before it, then fails.
  const unwritable = (record: number): Error =>
    new Error(`Record ${record} of file "${path}" has a record type that can't be saved in a "pcap" file.`);
  try {
    for await (const batch of file) {
      const n = Math.min(batch.count, remaining);
      if (writer && !filter) {
        const end = firstCustomBlock(batch, n);
        writer.writeBatch(batch, 0, end);
        if (end < n) throw unwritable(records + end + 1);
      } else {
        for (let i = 0; i < n; i++) {
          const kept = printer.take(batch, i);
          if (kept && writer) {
            if (kept.meta.custom) throw unwritable(kept.meta.number);
            writer.writePacket(kept.meta.tsSec, kept.meta.tsNsec, kept.meta.origLen, kept.bytes);
          }
        }
      }
      records += n;
      remaining -= n;
      if (remaining <= 0) break;
    }
  } catch (err) {
    out.flush();
    process.stderr.write(`trawl: ${(err as Error).message}\n`);
    status = EXIT_FILE;
  } finally {
    file.close();
    writer?.close();
  }
  printer.finish();
  for (const l of printer.statisticsText()) out.line(l);
  out.flush();
  return status;
}

/** The first of records [0, n) of `batch` that is a pcapng Custom Block, or n. */
function firstCustomBlock(batch: RecordBatch, n: number): number {
  const flags = batch.flags;
  if (flags) for (let i = 0; i < n; i++) if (((flags[i] ?? 0) & RecordFlag.CustomBlock) !== 0) return i;
  return n;
}

const TAP_NAMES = { phs: 'io,phs', conv: 'conversations', endpoints: 'endpoint' } as const;

/** A -z statistic's own filter, or tshark's failure to register its tap. */
function compileStatFilter(request: StatRequest): CompiledFilter | null {
  if (request.filter === undefined || request.filter === '') return null;
  const result = compileFilter(request.filter, defaultRegistry());
  if (result.ok) return result.filter;
  throw new CliFailure(
    `Couldn't register ${TAP_NAMES[request.kind]} tap: Filter "${request.filter}" is invalid - ${result.error.message}`,
    EXIT_USAGE,
  );
}

function openFileOrFail(path: string): ReturnType<typeof openCapture> {
  try {
    return openCapture(path);
  } catch (err) {
    throw new CliFailure((err as Error).message, EXIT_FILE);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  resolveMacNames();
  let opts: CliOptions;
  try {
    opts = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`trawl: ${err.message}\n${USAGE}`);
      return EXIT_USAGE;
    }
    throw err;
  }
  if (opts.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (opts.version) {
    process.stdout.write('Trawl 0.1.0\n');
    return 0;
  }
  if (opts.capture.listInterfaces) return listInterfacesCommand();
  if (opts.capture.iface !== undefined) {
    try {
      return await captureCommand(opts, { resolveFieldColumns, compileDisplayFilter, compileStatFilter });
    } catch (err) {
      if (err instanceof CliFailure) {
        process.stderr.write(`trawl: ${err.message}\n`);
        return err.status;
      }
      throw err;
    }
  }
  if (!opts.readFile) {
    process.stderr.write(`trawl: no input: give a capture file with -r\n${USAGE}`);
    return EXIT_USAGE;
  }
  try {
    return await readFile(opts, opts.readFile);
  } catch (err) {
    if (err instanceof CliFailure) {
      process.stderr.write(`trawl: ${err.message}\n`);
      return err.status;
    }
    throw err;
  }
}

const argv = process.argv.slice(2);
process.exitCode = argv[0] === 'serve' ? await runServe(argv.slice(1)) : await main(argv);
