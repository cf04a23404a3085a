// Records without a time of their own (pcapng Simple Packet Blocks and Custom Blocks) through the
// CLI's packet loop, against tshark 4.0: the summary in every -t format, -V with -x, -T fields of
// the time fields and columns, and -T json. test/fixtures/pcapng-custom-blocks.pcapng (written by
// pcapng-custom-blocks.py beside it) has both byte orders, three sections, Custom Blocks of both
// kinds first, in the middle, after an SPB, first in a section and last.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../../app/dissect/modules.ts';
import { parseArgs } from '../../../main/cli/args.ts';
import { Output } from '../../../main/cli/output.ts';
import { resolveMacNames } from '../../../main/engine/mac-names.ts';
import { PacketPrinter } from '../../../main/cli/packet-printer.ts';
import { COLUMN_FIELDS, type FieldColumn } from '../../../main/cli/print.ts';
import { openCapture } from '../../../main/pcap/read.ts';
import { CORPUS_FILES } from '../../support/corpus.ts';
import { tempDir } from '../../support/pcap-bytes.ts';
import { fixture, haveTshark } from '../../support/tshark-oracle.ts';

const FILES = [
  fixture('pcapng-custom-blocks.pcapng'),
  join(CORPUS_FILES, 'pcapngtg__le_advanced_test102.pcapng'),
  join(CORPUS_FILES, 'pcapngtg__le_difficult_test201.pcapng'),
];

const FIELDS = [
  'frame.number',
  'frame.time',
  'frame.time_epoch',
  'frame.time_delta',
  'frame.time_delta_displayed',
  'frame.time_relative',
  'frame.offset_shift',
  'frame.section_number',
  'frame.interface_id',
  'frame.encap_type',
  'frame.len',
  'frame.cap_len',
  'frame.protocols',
  'frame.cb_pen',
  'frame.cb_copy',
  'data.len',
  '_ws.col.Time',
  '_ws.col.Protocol',
  '_ws.col.Info',
];

const tmp = tempDir('trawl-pcapng-');
afterAll(() => tmp.cleanup());
let runs = 0;

/** What `trawl ARGS` prints for a file, through the CLI's own packet loop (main.ts's, in process). */
async function trawlOut(args: readonly string[]): Promise<string> {
  const opts = parseArgs(args);
  const registry = defaultRegistry();
  const columns = opts.fields.map((name): FieldColumn =>
    COLUMN_FIELDS[name]
      ? { kind: 'column', get: COLUMN_FIELDS[name] }
      : { kind: 'field', id: registry.field(name)?.id ?? -1 },
  );
  const path = tmp.file(`out-${runs++}.txt`, new Uint8Array(0));
  const fd = openSync(path, 'w');
  try {
    const out = new Output(fd);
    const file = openCapture(opts.readFile ?? '');
    const printer = new PacketPrinter(opts, columns, null, out, false, file.info.nanosecond ? 9 : 6);
    printer.state.interfaceOf = (id) => file.info.interfaces[id];
    for await (const batch of file) for (let i = 0; i < batch.count; i++) printer.take(batch, i);
    printer.finish();
    out.flush();
  } finally {
    closeSync(fd);
  }
  return readFileSync(path, 'utf8');
}

function tshark(args: readonly string[]): string {
  const r = spawnSync('tshark', args, {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, TZ: 'UTC' },
  });
  return r.stdout;
}

describe.skipIf(!haveTshark)('pcapng records without a time, as tshark 4.0 shows them', () => {
  process.env['TZ'] = 'UTC';
  resolveMacNames();

  for (const file of FILES) {
    const name = file.split('/').pop() ?? file;

    it(`${name}: the summary in every time format`, async () => {
      for (const t of ['r', 'd', 'dd', 'a', 'ad', 'adoy', 'e', 'u', 'ud', 'udoy']) {
        const args = ['-r', file, '-t', t];
        expect(await trawlOut(args), `-t ${t}`).toBe(tshark(args));
      }
      const hms = ['-r', file, '-t', 'd', '-u', 'hms'];
      expect(await trawlOut(hms)).toBe(tshark(hms));
    });

    it(`${name}: -V -x`, async () => {
      const args = ['-r', file, '-V', '-x'];
      expect(await trawlOut(args)).toBe(tshark(args));
    });

    it(`${name}: -T fields of the frame and the columns`, async () => {
      for (const t of ['r', 'd', 'e']) {
        const args = ['-r', file, '-t', t, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])];
        expect(await trawlOut(args), `-t ${t}`).toBe(tshark(args));
      }
    });
  }

  it('-T json: the frame layer and the index date of every record', async () => {
    const file = FILES[0] ?? '';
    const args = ['-r', file, '-T', 'json'];
    // Ethernet's OUI fields (eth.src.oui, …), which Trawl's JSON lacks, are another matter.
    const lines = (text: string): string[] => text.split('\n').filter((l) => !/"eth\.\w+\.oui/.test(l));
    expect(lines(await trawlOut(args))).toEqual(lines(tshark(args)));
  });
});
