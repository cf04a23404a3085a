// The engine over real files: open, rows, detail, sort, save, and a broken file.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent, TreeNodeDto } from '../../../app/protocol/messages.ts';
import { Engine } from '../../../main/engine/engine.ts';
import { CORPUS_FILES, trawl } from '../../support/corpus.ts';
import { scratchDir } from '../../support/scratch.ts';

function engineWithEvents(): { engine: Engine; events: EngineEvent[] } {
  const events: EngineEvent[] = [];
  return { engine: new Engine((e) => events.push(e)), events };
}

/** Opens `path` and waits until it is fully indexed (sorting waits for the load to end). */
async function openFully(engine: Engine, path: string): Promise<void> {
  await engine.handle('file.open', { path });
  await engine.handle('view.sort', { column: null, descending: false });
}

function find(nodes: readonly TreeNodeDto[], field: string): TreeNodeDto | undefined {
  for (const n of nodes) {
    if (n.field === field) return n;
    const inner = n.children && find(n.children, field);
    if (inner) return inner;
  }
  return undefined;
}

describe('engine', () => {
  const file = join(CORPUS_FILES, 'pcpp__TcpPacketWithOptions.pcap');

  it('opens a file, counts its packets and answers row ranges like the CLI summary', async () => {
    const { engine, events } = engineWithEvents();
    const tls = join(CORPUS_FILES, 'pcpp__tls.pcap');
    const summary = await engine.handle('file.open', { path: tls });
    expect(summary.name).toBe('pcpp__tls.pcap');
    await openFully(engine, tls);
    const state = await engine.handle('view.state', {});
    const cli = trawl(['-r', tls]).stdout.trim().split('\n');
    expect(state.total).toBe(cli.length);
    const rows = await engine.handle('view.rows', { start: 0, end: 3 });
    expect(rows.map((r) => r.number)).toEqual([1, 2, 3]);
    rows.forEach((row, i) => {
      const line = cli[i] ?? '';
      expect(line).toContain(`${row.source} → ${row.destination}`);
      expect(line).toContain(` ${row.protocol} ${row.length} ${row.info}`);
    });
    expect(events.some((e) => e.type === 'load.progress' && e.progress.done)).toBe(true);
  });

  it('answers view requests sent right behind file.open with the new file, once it has rows', async () => {
    const { engine } = engineWithEvents();
    await openFully(engine, file);
    const tls = join(CORPUS_FILES, 'pcpp__tls.pcap');
    // As the renderer sends them: all three at once, none awaited before the next.
    const opened = engine.handle('file.open', { path: tls });
    const rows = engine.handle('view.rows', { start: 0, end: 2 });
    const state = engine.handle('view.state', {});
    expect((await opened).name).toBe('pcpp__tls.pcap');
    const cli = trawl(['-r', tls]).stdout.trim().split('\n');
    const first = await rows;
    expect(first.map((r) => r.number)).toEqual([1, 2]);
    first.forEach((row, i) => expect(cli[i]).toContain(`${row.source} → ${row.destination}`));
    expect((await state).total).toBeGreaterThan(0);
    // A file that cannot be opened fails its open; the requests behind it get no file.
    const missing = engine.handle('file.open', { path: join(scratchDir('trawl-open-'), 'none.pcap') });
    const after = engine.handle('view.rows', { start: 0, end: 2 });
    await expect(missing).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(after).rejects.toMatchObject({ code: 'NO_FILE' });
  });

  it('gives the detail of a frame with field offsets into its bytes', async () => {
    const { engine } = engineWithEvents();
    await openFully(engine, file);
    const detail = await engine.handle('frame.detail', { number: 1 });
    const src = find(detail.tree, 'eth.src');
    expect(src).toMatchObject({ offset: 6, length: 6, value: '08:00:27:19:1c:78' });
    expect(detail.sources[0]?.bytes.length).toBe(869);
    await expect(engine.handle('frame.detail', { number: 999 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('sorts by length in the engine', async () => {
    const { engine } = engineWithEvents();
    await openFully(engine, join(CORPUS_FILES, 'pcpp__tls.pcap'));
    const state = await engine.handle('view.sort', { column: 'length', descending: false });
    const rows = await engine.handle('view.rows', { start: 0, end: state.displayed });
    const lengths = rows.map((r) => r.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
    expect(new Set(rows.map((r) => r.number)).size).toBe(state.total);
  });

  it('saves what it opened as a pcap that reads back the same', async () => {
    const { engine } = engineWithEvents();
    const src = join(CORPUS_FILES, 'pcpp__tls.pcap');
    await openFully(engine, src);
    const out = join(scratchDir('trawl-save-'), 'copy.pcap');
    const saved = await engine.handle('file.save', { path: out, which: 'all' });
    expect(saved.packets).toBe((await engine.handle('view.state', {})).total);
    const fields = [
      '-T',
      'fields',
      '-e',
      'frame.number',
      '-e',
      'frame.time_epoch',
      '-e',
      'frame.len',
      '-e',
      'ip.src',
    ];
    expect(trawl(['-r', out, ...fields]).stdout).toBe(trawl(['-r', src, ...fields]).stdout);
  });

  it('keeps the packets before a fault and reports where the file breaks', async () => {
    const whole = readFileSync(join(CORPUS_FILES, 'pcpp__tls.pcap'));
    const cut = join(scratchDir('trawl-cut-'), 'cut.pcap');
    writeFileSync(cut, whole.subarray(0, 3000));
    const { engine, events } = engineWithEvents();
    await openFully(engine, cut);
    const state = await engine.handle('view.state', {});
    const good = trawl(['-r', cut]).stdout.trim().split('\n').length;
    expect(state.total).toBe(good);
    expect(state.total).toBeGreaterThan(0);
    const error = events.find((e) => e.type === 'load.error');
    expect(error).toMatchObject({ type: 'load.error', error: { code: 'TRUNCATED' }, packets: good });
  });

  it('follows the TCP stream of a frame as the CLI does, and refuses a frame outside any stream', async () => {
    const http = join(CORPUS_FILES, 'pcpp__four_ipv6_http_streams.pcap');
    const { engine } = engineWithEvents();
    await engine.handle('file.open', { path: http });
    const fields = trawl(['-r', http, '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream']).stdout;
    const [frame, stream] = (fields.trim().split('\n').at(-1) ?? '').split('\t').map(Number);
    const r = await engine.handle('follow.stream', { proto: 'tcp', number: frame ?? 0 });
    expect(r).toMatchObject({ proto: 'tcp', stream, filter: `tcp.stream eq ${stream}` });
    const cli = trawl(['-r', http, '-q', '-z', `follow,tcp,raw,${stream}`]).stdout;
    const raw = cli.split('\n').filter((l) => /^\t?[0-9a-f]+$/.test(l));
    expect(raw.length).toBeGreaterThan(1);
    const hex = (d: Uint8Array): string => Buffer.from(d).toString('hex');
    expect(r.chunks.map((c) => (c.server ? '\t' : '') + hex(c.data))).toEqual(raw);
    await expect(engine.handle('follow.stream', { proto: 'udp', number: 1 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'Frame 1 is not part of a UDP stream',
    });
  });

  it('answers requests without a file with NO_FILE', async () => {
    const { engine } = engineWithEvents();
    await expect(engine.handle('view.rows', { start: 0, end: 10 })).rejects.toMatchObject({
      code: 'NO_FILE',
    });
    await expect(engine.handle('file.open', { path: '/nonexistent.pcap' })).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
