// The engine over pcapng records without a time of their own (Simple Packet Blocks, Custom
// Blocks): rows with an empty Time cell, times of the others as tshark measures them, the
// Custom Block's tree, and filters on it. Compared with tshark where it is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTimeColumn } from '../../../app/format/time.ts';
import type { Row, TreeNodeDto } from '../../../app/protocol/messages.ts';
import { Engine } from '../../../main/engine/engine.ts';
import { PacketIndex } from '../../../main/engine/packet-index.ts';
import { fixture, haveTshark } from '../../support/tshark-oracle.ts';

const FILE = fixture('pcapng-custom-blocks.pcapng');

async function openFully(): Promise<Engine> {
  const engine = new Engine(() => {});
  await engine.handle('file.open', { path: FILE });
  await engine.handle('view.sort', { column: null, descending: false });
  return engine;
}

/** The Time cell of a row as the packet list writes it, in tshark's -t format `format`. */
function timeCell(row: Row, first: Row, format: 'r' | 'dd' | 'e'): string {
  const times = {
    tsSec: row.tsSec,
    tsNsec: row.tsNsec,
    refSec: first.tsSec,
    refNsec: first.tsNsec,
    prevSec: row.prevSec,
    prevNsec: row.prevNsec,
    shownSec: row.prevSec,
    shownNsec: row.prevNsec,
    noTime: row.noTime,
  };
  return formatTimeColumn(times, format, 6);
}

const labels = (nodes: readonly TreeNodeDto[]): string[] => nodes.map((n) => n.label);

describe('engine: pcapng records without a time', () => {
  it('keeps the index within a byte more a packet', () => {
    expect(PacketIndex.BYTES_PER_PACKET).toBeLessThanOrEqual(42);
  });

  it('rows: every record, Custom Blocks as PCAPNG, and which have no time', async () => {
    const engine = await openFully();
    const state = await engine.handle('view.state', {});
    expect(state.total).toBe(16);
    const rows = await engine.handle('view.rows', { start: 0, end: 16 });
    expect(rows.filter((r) => r.protocol === 'PCAPNG').map((r) => r.number)).toEqual([1, 5, 8, 10, 14, 16]);
    expect(rows.filter((r) => r.noTime).map((r) => r.number)).toEqual([1, 3, 5, 7, 8, 10, 11, 14, 16]);
    expect(rows[15]?.info).toBe('Custom Block: PEN = Unknown (-1), will be copied');
  });

  it.skipIf(!haveTshark)('Time cells as tshark -t r, dd and e print them', async () => {
    const engine = await openFully();
    const rows = await engine.handle('view.rows', { start: 0, end: 16 });
    for (const format of ['r', 'dd', 'e'] as const) {
      const r = spawnSync('tshark', ['-r', FILE, '-t', format, '-T', 'fields', '-e', '_ws.col.Time'], {
        encoding: 'utf8',
      });
      const theirs = r.stdout.split('\n').slice(0, 16);
      expect(
        rows.map((row) => timeCell(row, rows[0] as Row, format)),
        format,
      ).toEqual(theirs);
    }
  });

  it('the detail of a Custom Block and of a Simple Packet Block', async () => {
    const engine = await openFully();
    const cb = await engine.handle('frame.detail', { number: 5 });
    expect(labels(cb.tree)).toEqual([
      'PCAPNG Custom Block 5: 24 bytes (192 bits) of custom data and options, PEN Kaplan Research and Application Prototyping (36724), copying not allowed',
      'Data (24 bytes)',
    ]);
    expect(labels(cb.tree[0]?.children ?? [])).toContain('Copying: Not Allowed');
    const spb = await engine.handle('frame.detail', { number: 3 });
    const frame = labels(spb.tree[0]?.children ?? []);
    expect(frame.some((l) => /Time|Epoch/.test(l))).toBe(false);
    expect(frame).toContain('Interface id: 0 (eth0)');
    // The frame after a Custom Block measures its delta from the record before the block.
    const after = await engine.handle('frame.detail', { number: 6 });
    expect(labels(after.tree[0]?.children ?? [])).toContain(
      '[Time delta from previous captured frame: 0.250000000 seconds]',
    );
  });

  it('filters on the Custom Block fields and the missing times', async () => {
    const engine = await openFully();
    expect((await engine.handle('view.filter', { expression: 'frame.cb_pen == 9' })).displayed).toBe(1);
    expect((await engine.handle('view.filter', { expression: 'frame.cb_copy == 0' })).displayed).toBe(2);
    expect((await engine.handle('view.filter', { expression: 'frame.time_epoch' })).displayed).toBe(7);
  });
});

describe('engine: saving a capture with Custom Blocks as pcap', () => {
  it('refuses, naming the first Custom Block, and writes nothing partial', async () => {
    const engine = await openFully();
    const dir = mkdtempSync(join(tmpdir(), 'trawl-cb-'));
    try {
      const out = join(dir, 'out.pcap');
      await expect(engine.handle('file.save', { path: out, which: 'all' })).rejects.toThrow(
        'Frame 1 is a pcapng Custom Block',
      );
      expect(existsSync(out)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
