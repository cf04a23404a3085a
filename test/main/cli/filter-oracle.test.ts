// Display filters against tshark: for every expression of ../shared/filters and every corpus file,
// the frames `trawl -r FILE -Y EXPR` keeps must be the frames `tshark -Y` keeps, and the
// expressions tshark rejects must be rejected. Run in-process over the CLI's own code path (the
// reader, the dissectors, the compiled filter) so 3,000 pairs take seconds; a sample goes
// through the real CLI too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../../app/dissect/modules.ts';
import { compileFilter } from '../../../app/filter/compile.ts';
import { parseArgs } from '../../../main/cli/args.ts';
import { Output } from '../../../main/cli/output.ts';
import { PacketPrinter } from '../../../main/cli/packet-printer.ts';
import { openCapture } from '../../../main/pcap/read.ts';
import { CORPUS, CORPUS_FILES, readTsv, trawl } from '../../support/corpus.ts';

const FILTERS = join(CORPUS, '../filters');
const expressions = readFileSync(join(FILTERS, 'filters.txt'), 'utf8').split('\n').filter(Boolean);
const expected = readTsv(join(FILTERS, 'expected.tsv'));

/** Where tshark keeps other frames for a reason a packet-at-a-time decoder does not share. */
const KNOWN_DIFFS: { expression?: RegExp; file: string; reason: string }[] = [
  {
    file: 'pcapngtg__le_advanced_test102.pcapng',
    reason:
      'tshark counts pcapng Custom Blocks as frames, so its frame numbers run ahead of the packet records',
  },
];

/** The frames `trawl -r FILE -Y EXPRESSION` keeps, through the CLI's own packet loop. */
async function keptFrames(expression: string, file: string): Promise<string> {
  const path = join(CORPUS_FILES, file);
  const opts = parseArgs(['-r', path, '-Y', expression]);
  const compiled = compileFilter(expression, defaultRegistry());
  if (!compiled.ok) throw new Error(compiled.error.message);
  const printer = new PacketPrinter(opts, [], compiled.filter, new Output(), true);
  const kept: number[] = [];
  try {
    for await (const batch of openCapture(path)) {
      for (let i = 0; i < batch.count; i++) {
        const packet = printer.take(batch, i);
        if (packet) kept.push(packet.meta.number);
      }
    }
  } catch {
    // a broken file: tshark also filters the packets before the fault
  }
  return kept.join(',');
}

describe('display filters agree with tshark -Y', () => {
  for (const expression of expressions) {
    const rows = expected.rows.filter((r) => r[0] === expression);
    const rejected = rows.some((r) => r[2] === 'ERROR');
    it(expression, async () => {
      const compiled = compileFilter(expression, defaultRegistry());
      if (rejected) {
        expect(compiled.ok, 'tshark rejects this expression').toBe(false);
        return;
      }
      expect(compiled.ok ? '' : compiled.error.message).toBe('');
      const mismatches: string[] = [];
      for (const [, file = '', frames = ''] of rows) {
        if (KNOWN_DIFFS.some((k) => k.file === file && (!k.expression || k.expression.test(expression))))
          continue;
        const got = await keptFrames(expression, file);
        if (got !== frames) mismatches.push(`${file}: tshark [${frames}] trawl [${got}]`);
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('the CLI gives the same frames and tshark exit status', () => {
    const file = join(CORPUS_FILES, 'pcpp__VlanPackets.pcap');
    const row = expected.rows.find((r) => r[0] === 'vlan.id == 10' && r[1] === 'pcpp__VlanPackets.pcap');
    const got = trawl(['-r', file, '-Y', 'vlan.id == 10', '-T', 'fields', '-e', 'frame.number']);
    expect(got.stdout.trim().split('\n').filter(Boolean).join(',')).toBe(row?.[2]);
    const bad = trawl(['-r', file, '-Y', 'ip.src == 300.1.1.1']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('300.1.1.1');
  });
});
