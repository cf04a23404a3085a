// The engine's display filter: the frames it keeps are tshark's (../shared/filters/expected.tsv),
// rows stream in before the scan ends, a second request cancels the first, a compile error comes
// back as data with its span, sort composes with the filter, and packets indexed while a filter is
// active (a file still loading) are tested as they arrive.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, ViewState } from '../../../app/protocol/messages.ts';
import { Engine } from '../../../main/engine/engine.ts';
import { CORPUS, CORPUS_FILES, ROOT, readTsv, trawl } from '../../support/corpus.ts';

const expected = readTsv(join(CORPUS, '../filters/expected.tsv'));

function tsharkFrames(expression: string, file: string): number[] {
  const row = expected.rows.find((r) => r[0] === expression && r[1] === file);
  if (!row) throw new Error(`no expected row for ${expression} on ${file}`);
  return row[2] ? row[2].split(',').map(Number) : [];
}

function engineWithEvents(): { engine: Engine; events: EngineEvent[] } {
  const events: EngineEvent[] = [];
  return { engine: new Engine((e) => events.push(e)), events };
}

async function openFully(engine: Engine, path: string): Promise<void> {
  await engine.handle('file.open', { path });
  await engine.handle('view.sort', { column: null, descending: false });
}

/** Waits for the view.changed event that ends the current scan (looking at events from `from` on). */
async function scanEnd(events: EngineEvent[], from = 0): Promise<ViewState> {
  for (;;) {
    const last = events
      .slice(from)
      .reverse()
      .find((e) => e.type === 'view.changed');
    if (last?.type === 'view.changed' && !last.view.filtering) return last.view;
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function displayedFrames(engine: Engine): Promise<number[]> {
  const state = await engine.handle('view.state', {});
  const rows = await engine.handle('view.rows', { start: 0, end: state.displayed });
  return rows.map((r) => r.number);
}

const dir = mkdtempSync(join(tmpdir(), 'trawl-filter-'));
/** A generated capture large enough that indexing and scanning it take many event-loop turns. */
const big = join(dir, 'mixed.pcap');
const BIG_PACKETS = 60000;
beforeAll(() => {
  const gen = spawnSync(process.execPath, [
    join(ROOT, 'test/bench/gen-pcap.mjs'),
    big,
    '--packets',
    String(BIG_PACKETS),
  ]);
  expect(gen.status).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('engine display filter', () => {
  const http = join(CORPUS_FILES, 'pcpp__4KHttpRequests.pcap');

  for (const expression of [
    'tcp.port == 80',
    'frame.len > 1000',
    'tcp.flags.syn == 1 && tcp.flags.ack == 0',
    'eth.dst[0] & 1',
    'frame.number <= 5',
  ]) {
    it(`keeps tshark's frames for ${expression}`, async () => {
      const { engine, events } = engineWithEvents();
      await openFully(engine, http);
      const first = await engine.handle('view.filter', { expression });
      expect(first.filter).toBe(expression);
      const done = await scanEnd(events);
      expect(done.scanned).toBe(done.total);
      expect(await displayedFrames(engine)).toEqual(tsharkFrames(expression, 'pcpp__4KHttpRequests.pcap'));
      engine.close();
    });
  }

  it('measures the delta displayed from the previous displayed packet in file order, as tshark', async () => {
    const ntp = join(CORPUS_FILES, 'tcpdump__ntp.pcap');
    const { engine, events } = engineWithEvents();
    await openFully(engine, ntp);
    await engine.handle('view.sort', { column: 'length', descending: true });
    const from = events.length;
    await engine.handle('view.filter', { expression: 'frame.number != 2' });
    const done = await scanEnd(events, from);
    const rows = await engine.handle('view.rows', { start: 0, end: done.displayed });
    const theirs = trawl([
      '-r',
      ntp,
      '-Y',
      'frame.number != 2',
      '-T',
      'fields',
      '-e',
      'frame.time_delta_displayed',
    ]);
    const want = theirs.stdout.trim().split('\n');
    for (const row of rows) {
      // The row's previous time is the previous displayed packet's, whatever the sort.
      const delta = row.tsSec - row.prevSec + (row.tsNsec - row.prevNsec) / 1e9;
      const cliRow =
        want[
          rows
            .map((r) => r.number)
            .sort((a, b) => a - b)
            .indexOf(row.number)
        ];
      expect(delta.toFixed(9)).toBe(cliRow);
      const detail = await engine.handle('frame.detail', { number: row.number });
      const frame = detail.tree[0]?.children ?? [];
      const shown = frame.find((n) => n.field === 'frame.time_delta_displayed');
      expect(shown?.value, `frame ${row.number}`).toBe(cliRow);
    }
    // A filter on it sees the previous packet that filter displays (tshark keeps 1, 3 and 7).
    const expression = 'frame.time_delta_displayed > 400 || frame.number == 1';
    const at = events.length;
    await engine.handle('view.filter', { expression });
    await scanEnd(events, at);
    const cli = trawl(['-r', ntp, '-Y', expression, '-T', 'fields', '-e', 'frame.number']).stdout;
    expect((await displayedFrames(engine)).sort((a, b) => a - b)).toEqual(cli.trim().split('\n').map(Number));
    expect(cli.trim().split('\n')).toEqual(['1', '3', '7']);
    engine.close();
  });

  it('returns a compile error as data with its span', async () => {
    const { engine } = engineWithEvents();
    await openFully(engine, http);
    await expect(engine.handle('view.filter', { expression: 'ip.src == 300.1.1.1' })).rejects.toMatchObject({
      code: 'BAD_FILTER',
      message: '"300.1.1.1" is not a valid hostname or IPv4 address.',
      span: { start: 10, end: 19 },
    });
    // The view is untouched by a filter that did not compile.
    expect((await engine.handle('view.state', {})).filter).toBe('');
    engine.close();
  });

  it('clears the filter with an empty expression', async () => {
    const { engine, events } = engineWithEvents();
    await openFully(engine, http);
    await engine.handle('view.filter', { expression: 'frame.len > 1000' });
    await scanEnd(events);
    const cleared = await engine.handle('view.filter', { expression: '  ' });
    expect(cleared).toMatchObject({ filter: '', filtering: false });
    expect(cleared.displayed).toBe(cleared.total);
    engine.close();
  });

  it('sorts the filtered rows and keeps the sort when the filter changes', async () => {
    const { engine, events } = engineWithEvents();
    await openFully(engine, http);
    await engine.handle('view.sort', { column: 'length', descending: true });
    const from = events.length;
    await engine.handle('view.filter', { expression: 'tcp.port == 80' });
    const done = await scanEnd(events, from);
    expect(done.sort).toEqual({ column: 'length', descending: true });
    const rows = await engine.handle('view.rows', { start: 0, end: done.displayed });
    const want = tsharkFrames('tcp.port == 80', 'pcpp__4KHttpRequests.pcap');
    expect(rows.map((r) => r.number).sort((a, b) => a - b)).toEqual(want);
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i - 1]!.length).toBeGreaterThanOrEqual(rows[i]!.length);
    }
    // view.find and getRows agree on the sorted, filtered view.
    const n = rows[3]!.number;
    expect((await engine.handle('view.find', { number: n })).row).toBe(3);
    engine.close();
  });

  it('cancels a running scan when a second filter is requested', async () => {
    const { engine, events } = engineWithEvents();
    await openFully(engine, big);
    // A filter that needs re-dissection (a protocol test is answered from the index at once).
    const a = await engine.handle('view.filter', { expression: 'tcp.window_size > 1' });
    expect(a.filtering).toBe(true);
    const at = events.length;
    await engine.handle('view.filter', { expression: 'frame.number <= 5' });
    const done = await scanEnd(events, at);
    expect(done.filter).toBe('frame.number <= 5');
    // No event of the first scan comes after the second request.
    const later = events.slice(at).filter((e) => e.type === 'view.changed');
    expect(later.every((e) => e.type === 'view.changed' && e.view.filter === 'frame.number <= 5')).toBe(true);
    expect(await displayedFrames(engine)).toEqual([1, 2, 3, 4, 5]);
    engine.close();
  });

  describe('while the index grows', () => {
    it('tests packets as they are indexed and streams rows before the scan ends', async () => {
      const expression = 'tcp.flags.syn == 1 && tcp.flags.ack == 0';
      const { engine, events } = engineWithEvents();
      await engine.handle('file.open', { path: big });
      const started = await engine.handle('view.filter', { expression });
      const done = await scanEnd(events);
      // The filter started before the file was fully indexed, and reached its end anyway.
      expect(started.total).toBeLessThan(BIG_PACKETS);
      expect(done.total).toBe(BIG_PACKETS);
      expect(done.scanned).toBe(BIG_PACKETS);
      // Rows were displayed before the scan ended.
      const partial = events.filter((e) => e.type === 'view.changed' && e.view.filtering);
      expect(partial.some((e) => e.type === 'view.changed' && e.view.displayed > 0)).toBe(true);
      const cli = trawl(['-r', big, '-Y', expression, '-T', 'fields', '-e', 'frame.number']);
      expect(cli.status).toBe(0);
      const want = cli.stdout.trim().split('\n').map(Number);
      expect(want.length).toBeGreaterThan(100);
      expect(await displayedFrames(engine)).toEqual(want);
      engine.close();
    }, 60_000);
  });
});
