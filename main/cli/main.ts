// `trawl`: the tshark-compatible command line. Reads a capture file and prints summaries,
// fields or trees, or re-writes it; exit statuses as tshark's (1 usage, 2 file or filter).
import { dissect } from '../../app/dissect/dissect.ts';
import { defaultRegistry } from '../../app/dissect/modules.ts';
import { CaptureState } from '../../app/dissect/packet-info.ts';
import { FieldCollector, FullTree, NULL_TREE } from '../../app/dissect/tree.ts';
import type { PacketInfo } from '../../app/dissect/packet-info.ts';
import { compileFilter, type CompiledFilter } from '../../app/filter/compile.ts';
import { openCapture } from '../pcap/read.ts';
import { createCaptureWriter } from '../pcap/write.ts';
import { FrameClock, recordBytes } from '../engine/frame-meta.ts';
import { nodeCrypto } from '../engine/quic-crypto.ts';
import { runServe } from '../serve/serve-command.ts';
import { parseArgs, USAGE, UsageError, type CliOptions } from './args.ts';
import { Output } from './output.ts';
import { captureCommand, listInterfacesCommand } from './capture.ts';
import {
  COLUMN_FIELDS,
  fieldsLine,
  hexDumpLines,
  summaryLine,
  treeLines,
  type FieldColumn,
} from './print.ts';

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
  const registry = defaultRegistry();
  const out = new Output();
  const columns = opts.mode === 'fields' ? resolveFieldColumns(opts.fields) : [];
  const filter = compileDisplayFilter(opts.displayFilter);
  const wanted = [...columns.flatMap((c) => (c.kind === 'field' ? [c.id] : [])), ...(filter?.fieldIds ?? [])];
  const collector =
    opts.mode === 'fields' || filter ? FieldCollector.of(wanted, registry.fields.length) : null;
  if (opts.mode === 'fields' && opts.header) out.line(opts.fields.join(opts.separator));
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
  const state = new CaptureState();
  const clock = new FrameClock();
  // Info text costs: build it only for the summary, the tree, or an explicit _ws.col.Info.
  const wantInfo = !writer && (opts.mode !== 'fields' || opts.fields.includes('_ws.col.Info'));
  const dissectOptions = { wantInfo, reassemble: opts.reassemble, crypto: nodeCrypto };
  let remaining = opts.count ?? Infinity;
  let status = 0;
  try {
    for await (const batch of file) {
      const n = Math.min(batch.count, remaining);
      if (writer && !filter) writer.writeBatch(batch, 0, n);
      else {
        for (let i = 0; i < n; i++) {
          const meta = clock.next(batch, i);
          const bytes = recordBytes(batch, i);
          let pinfo: PacketInfo | null = null;
          if (collector) {
            collector.reset();
            pinfo = dissect(registry, meta, bytes, collector, state, dissectOptions);
            if (filter && !filter.matches(collector, bytes)) continue;
          }
          if (writer) {
            writer.writePacket(meta.tsSec, meta.tsNsec, meta.origLen, bytes);
            continue;
          }
          if (opts.mode === 'fields' && collector && pinfo) {
            out.line(fieldsLine(columns, collector, registry.fields, meta, pinfo, opts));
          } else if (opts.mode === 'tree') {
            const tree = new FullTree();
            dissect(registry, meta, bytes, tree, state, dissectOptions);
            for (const l of treeLines(tree.roots)) out.line(l);
            out.line('');
          } else {
            out.line(
              summaryLine(meta, pinfo ?? dissect(registry, meta, bytes, NULL_TREE, state, dissectOptions)),
            );
          }
          if (opts.hex) {
            for (const l of hexDumpLines(bytes)) out.line(l);
            out.line('');
          }
        }
      }
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
  out.flush();
  return status;
}

function openFileOrFail(path: string): ReturnType<typeof openCapture> {
  try {
    return openCapture(path);
  } catch (err) {
    throw new CliFailure((err as Error).message, EXIT_FILE);
  }
}

async function main(argv: readonly string[]): Promise<number> {
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
      return await captureCommand(opts, { resolveFieldColumns, compileDisplayFilter });
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
