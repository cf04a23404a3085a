// `trawl -D` and `trawl -i IFACE`: live capture from the command line, as tshark does it. With -w
// the capture file is the output; without, packets are printed as `trawl -r` prints them (summary,
// -T fields, -V, -x, -Y) from a capture file in the cache directory that is removed at the end.
import { rmSync } from 'node:fs';
import type { CompiledFilter } from '../../app/filter/compile.ts';
import { listInterfaces } from '../capture/interfaces.ts';
import { CaptureError, startCapture, type StartCaptureOptions } from '../capture/start.ts';
import type { CaptureGap, CaptureStats, LiveCapture } from '../capture/types.ts';
import { readGap } from '../engine/live.ts';
import type { RecordBatch } from '../../native/index.ts';
import type { StatRequest } from '../../app/stats/stats-tap.ts';
import type { CliOptions } from './args.ts';
import { Output } from './output.ts';
import { PacketPrinter } from './packet-printer.ts';
import type { FieldColumn } from './print.ts';

const EXIT_USAGE = 1;
const EXIT_CAPTURE = 2;

/** What main.ts already knows how to do with -T fields -e and -Y (one definition of each). */
export interface PrintTools {
  resolveFieldColumns(names: readonly string[]): FieldColumn[];
  compileDisplayFilter(expression: string | undefined): CompiledFilter | null;
  compileStatFilter(request: StatRequest): CompiledFilter | null;
}

interface LivePrinter {
  print(batch: RecordBatch): void;
  /** Prints the -z statistics, once the capture has ended. */
  finish(): void;
}

/** `trawl -D`: `1. eth0`, with libpcap's description in parentheses when there is one. */
export function listInterfacesCommand(): number {
  const out = new Output();
  listInterfaces().forEach((iface, i) => {
    out.line(`${i + 1}. ${iface.name}${iface.description ? ` (${iface.description})` : ''}`);
  });
  out.flush();
  return 0;
}

/** Dissects and prints each packet of a batch as `trawl -r` would. */
function makePrinter(opts: CliOptions, tools: PrintTools): LivePrinter {
  const out = new Output();
  const columns = tools.resolveFieldColumns(opts.fields);
  const printer = new PacketPrinter(
    opts,
    columns,
    tools.compileDisplayFilter(opts.displayFilter),
    out,
    false,
    6,
    opts.statistics.map((r) => tools.compileStatFilter(r)),
  );
  return {
    print(batch) {
      for (let i = 0; i < batch.count; i++) printer.take(batch, i);
      // Live output is read as it comes: no holding lines back between batches.
      out.flush();
    },
    finish() {
      printer.finish();
      for (const l of printer.statisticsText()) out.line(l);
      out.flush();
    },
  };
}

export function captureOptionsOf(opts: CliOptions): StartCaptureOptions {
  const c = opts.capture;
  const start: StartCaptureOptions = { iface: c.iface ?? '', promiscuous: !c.noPromiscuous };
  if (c.filter !== undefined) start.filter = c.filter;
  if (c.snaplen !== undefined) start.snaplen = c.snaplen;
  if (c.backend !== undefined) start.backend = c.backend;
  if (opts.writeFile !== undefined) {
    start.output = opts.writeFile;
    start.batches = false;
  }
  const ring: NonNullable<StartCaptureOptions['ring']> = {};
  if (c.ringBlocks !== undefined) ring.blockCount = c.ringBlocks;
  if (c.ringBlockSize !== undefined) ring.blockSize = c.ringBlockSize;
  if (c.ringTimeoutMs !== undefined) ring.timeoutMs = c.ringTimeoutMs;
  if (c.ringQueue !== undefined) ring.queueBatches = c.ringQueue;
  if (Object.keys(ring).length > 0) start.ring = ring;
  const autostop: NonNullable<StartCaptureOptions['autostop']> = {};
  if (opts.count !== undefined) autostop.packets = opts.count;
  if (c.durationSec !== undefined) autostop.seconds = c.durationSec;
  if (c.fileSizeKb !== undefined) autostop.bytes = c.fileSizeKb * 1000;
  if (Object.keys(autostop).length > 0) start.autostop = autostop;
  return start;
}

function summary(stats: CaptureStats): string {
  return `${stats.packets} packets captured, ${stats.kernelDrops} dropped by kernel, ${stats.trawlDrops} read back from the file\n`;
}

function failureText(err: CaptureError): string {
  return `trawl: ${err.message}\n${err.fix ? `To fix it: ${err.fix}\n` : ''}`;
}

/** `trawl -i IFACE ...`: captures until -c, -a, SIGINT/SIGTERM or a fault; returns the exit status. */
export async function captureCommand(opts: CliOptions, tools: PrintTools): Promise<number> {
  if (opts.readFile) {
    process.stderr.write('trawl: -r and -i cannot be used together\n');
    return EXIT_USAGE;
  }
  if (opts.writeFile && opts.displayFilter !== undefined) {
    process.stderr.write('trawl: -Y cannot be used with -w while capturing (use a capture filter, -f)\n');
    return EXIT_USAGE;
  }
  // Field names and the display filter are checked before the capture starts.
  const printer = opts.writeFile ? null : makePrinter(opts, tools);
  const print = printer ? (batch: RecordBatch): void => printer.print(batch) : null;
  let capture: LiveCapture;
  try {
    capture = startCapture(captureOptionsOf(opts));
  } catch (err) {
    const e = err instanceof CaptureError ? err : new CaptureError({ code: 'EIO', message: String(err) });
    process.stderr.write(failureText(e));
    return e.code === 'EINVAL' ? EXIT_USAGE : EXIT_CAPTURE;
  }
  process.stderr.write(`Capturing on '${opts.capture.iface}'\n`);
  if (print) {
    // Packets JS fell behind on are in the file: printed from there, in order, none left out.
    capture.onGap?.((gap) => {
      for (let part: CaptureGap | null = gap; part;) {
        const read = readGap(capture.path, part, capture.linkType);
        print(read.batch);
        part = read.rest;
      }
    });
    capture.onBatch(print);
  }
  const onSignal = (): void => void capture.stop();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let status = 0;
  let stats: CaptureStats;
  try {
    stats = await capture.ended;
  } catch (err) {
    stats = capture.stats();
    process.stderr.write(
      failureText(
        err instanceof CaptureError ? err : new CaptureError({ code: 'EIO', message: String(err) }),
      ),
    );
    status = EXIT_CAPTURE;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (!opts.writeFile) rmSync(capture.path, { force: true });
  printer?.finish();
  process.stderr.write(summary(stats));
  return status;
}
