// The CLI against tshark's own output on every corpus file, field by field.
// Every column of every oracle must agree on every packet; the few places where
// Trawl deliberately differs are listed below with the reason.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusFiles, oracle, trawl, tsharkRefuses, CORPUS_FILES, type Table } from '../../support/corpus.ts';
import { pcapFile, tempDir } from '../../support/pcap-bytes.ts';

/**
 * Every column of every oracle is compared: oracle/ and oracle-extra/ were made with tshark's
 * default TCP reassembly, oracle-no-reassembly/ with `-o tcp.desegment_tcp_streams:FALSE`.
 */
const ORACLES = [
  { kind: 'oracle', reassemble: true },
  { kind: 'oracle-no-reassembly', reassemble: false },
  { kind: 'oracle-extra', reassemble: true },
] as const;

interface KnownDiff {
  file: string;
  /** The fields that differ (all when absent). */
  fields?: string[];
  /** The frames that differ (all when absent). */
  frames?: number[];
  reason: string;
}

/** Where Trawl's answer differs from tshark's, and why. */
const KNOWN_DIFFS: KnownDiff[] = [
  {
    file: 'tcpdump__tfo-5c1fa7f9ae91.pcap',
    fields: ['frame.protocols'],
    frames: [13],
    reason:
      'with reassembly on, tshark keeps the 4 data bytes of this TCP Fast Open SYN as "TCP segment data" ' +
      'for a later reassembly and adds no data layer; Trawl, like tshark without reassembly, shows them as data',
  },
];

function knownDiff(file: string, field: string, frame: number): KnownDiff | undefined {
  return KNOWN_DIFFS.find(
    (k) =>
      k.file === file &&
      (k.fields === undefined || k.fields.includes(field)) &&
      (k.frames === undefined || k.frames.includes(frame)),
  );
}

interface Tally {
  agree: number;
  total: number;
  firstMismatch?: string;
}

const tallies = new Map<string, Tally>();

function compare(file: string, expected: Table, reassemble: boolean): string[] {
  const fields = expected.header;
  const args = ['-r', join(CORPUS_FILES, file), '-T', 'fields'];
  if (!reassemble) args.push('-o', 'tcp.desegment_tcp_streams:FALSE');
  for (const f of fields) args.push('-e', f);
  const got = trawl(args);
  const lines = got.stdout.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const mismatches: string[] = [];
  fields.forEach((field, col) => {
    const src = expected.header.indexOf(field);
    const key = `${field}${reassemble ? '' : ' (no reassembly)'}`;
    const t = tallies.get(key) ?? { agree: 0, total: 0 };
    tallies.set(key, t);
    expected.rows.forEach((row, r) => {
      const want = row[src] ?? '';
      const have = lines[r]?.split('\t')[col] ?? '<missing line>';
      if (knownDiff(file, field, r + 1)) return;
      t.total++;
      if (want === have) t.agree++;
      else {
        const msg = `${file} frame ${r + 1} ${key}: tshark "${want}" trawl "${have}"`;
        t.firstMismatch ??= msg;
        mismatches.push(msg);
      }
    });
  });
  if (!knownDiff(file, 'frame.number', 0) && lines.length !== expected.rows.length) {
    mismatches.push(
      `${file}: tshark ${expected.rows.length} frames, trawl ${lines.length} (${got.stderr.trim()})`,
    );
  }
  return mismatches;
}

describe('oracle: trawl -T fields agrees with tshark on the corpus', () => {
  for (const file of corpusFiles()) {
    it(file, () => {
      if (tsharkRefuses(file)) {
        const got = trawl(['-r', join(CORPUS_FILES, file)]);
        expect(got.status, 'a file tshark refuses is refused').toBe(2);
        expect(got.stderr).toMatch(/trawl: .+/);
        return;
      }
      const mismatches = ORACLES.flatMap(({ kind, reassemble }) => {
        const expected = oracle(kind, file);
        return expected ? compare(file, expected, reassemble) : [];
      });
      expect(mismatches.slice(0, 20)).toEqual([]);
    });
  }

  it('prints the agreement table', () => {
    const rows = [...tallies.entries()].map(([field, t]) => ({
      field,
      agree: `${t.agree}/${t.total}`,
      pct: t.total ? ((100 * t.agree) / t.total).toFixed(1) + '%' : '-',
    }));
    console.log(
      '\nfield agreement with tshark:\n' +
        rows.map((r) => `  ${r.field.padEnd(56)} ${r.agree.padStart(9)} ${r.pct}`).join('\n'),
    );
    expect(rows.length).toBeGreaterThan(0);
  });
});

const hasTshark = spawnSync('tshark', ['--version']).status === 0;

/** A frame some known difference covers, whatever the field: its summary line may differ too. */
const knownFrame = (file: string, frame: number): boolean =>
  KNOWN_DIFFS.some((k) => k.file === file && (k.frames === undefined || k.frames.includes(frame)));

describe.skipIf(!hasTshark)('oracle: trawl -r prints the summary lines tshark -r prints', () => {
  for (const file of corpusFiles()) {
    if (tsharkRefuses(file)) continue;
    it(file, () => {
      const path = join(CORPUS_FILES, file);
      const theirs = spawnSync('tshark', ['-r', path], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;
      const ours = trawl(['-r', path]).stdout;
      const want = theirs.split('\n');
      const have = ours.split('\n');
      const mismatches = want.flatMap((line, i) =>
        line === (have[i] ?? '<missing line>') || knownFrame(file, i + 1)
          ? []
          : [`frame ${i + 1}:\n  tshark ${JSON.stringify(line)}\n  trawl  ${JSON.stringify(have[i])}`],
      );
      if (!knownFrame(file, 0)) expect(have.length).toBe(want.length);
      expect(mismatches.slice(0, 10)).toEqual([]);
    });
  }

  it('an unknown link type: empty addresses and protocol, the arrow still printed', () => {
    const dir = tempDir();
    try {
      const path = dir.file(
        'user0.pcap',
        pcapFile({ linkType: 147 }, [{ tsSec: 1, tsFrac: 0, data: new Uint8Array(8) }]),
      );
      const theirs = spawnSync('tshark', ['-r', path], { encoding: 'utf8' }).stdout;
      expect(theirs).toContain('→');
      expect(trawl(['-r', path]).stdout).toBe(theirs);
    } finally {
      dir.cleanup();
    }
  });
});
