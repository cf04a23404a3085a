// NTP time packets, control (mode 6) and private (mode 7) messages from test/fixtures/ntp-control.pcap
// (generated: every control opcode, status word kind and variable list shape), against tshark.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { isShown, type FieldNode } from '../../../app/dissect/tree.ts';
import type { Dissected } from '../../support/dissect-hex.ts';
import { dissectFixture, fixture, haveTshark, mismatches } from '../../support/tshark-oracle.ts';

const FILE = fixture('ntp-control.pcap');
const FIELDS = [
  '_ws.col.Info',
  'ntp.flags.mode',
  'ntp.stratum',
  'ntp.refid',
  'ntp.xmt',
  'ntp.keyid',
  'ntp.mac',
  'ntp.ctrl.flags2.opcode',
  'ntp.ctrl.status',
  'ntp.ctrl.sys_status.clksrc',
  'ntp.ctrl.peer_status.selection',
  'ntp.ctrl.peer_status.reach',
  'ntp.ctrl.clock_status.status',
  'ntp.ctrl.err_status',
  'ntp.ctrl.associd',
  'ntp.ctrl.configuration',
  'ntp.ctrl.mru',
  'ntp.ctrl.nonce',
  'ntp.ctrl.trapmsg',
  'ntp.priv.impl',
  'ntp.priv.numitems',
];

/** The tree as -V prints it, for the frames of a capture seen twice (as tshark's second pass). */
function treeText(frames: readonly Dissected[], heads: RegExp): string {
  const lines: string[] = [];
  const walk = (nodes: readonly FieldNode[], depth: number): void => {
    for (const n of nodes) {
      if (!isShown(n)) continue;
      lines.push('    '.repeat(depth) + nodeLabel(n));
      walk(n.children ?? [], depth + 1);
    }
  };
  // The frame's own node heads each frame, as tshark's "Frame 1: …" line does.
  for (const d of frames) walk(d.tree.roots, 0);
  return subtrees(lines.join('\n'), heads);
}

/**
 * The lines of every subtree of -V output whose first line matches `heads`, under each frame's
 * number. Lines of spaces only belong to the subtree: tshark draws an empty part of an NTP
 * variable list so.
 */
function subtrees(out: string, heads: RegExp): string {
  const keep: string[] = [];
  let depth = -1;
  for (const line of out.split('\n')) {
    if (/^Frame \d+:/.test(line)) {
      keep.push(line.split(':')[0] ?? line);
      depth = -1;
      continue;
    }
    const indent = line.length - line.trimStart().length;
    if (depth >= 0 && indent > depth) {
      keep.push(line);
      continue;
    }
    depth = -1;
    if (heads.test(line.trimStart())) {
      depth = indent;
      keep.push(line);
    }
  }
  return keep.join('\n');
}

/** tshark's -V subtrees, without the hex dumps it prints after data and the empty lines around them. */
function tsharkTree(file: string, heads: RegExp): string {
  const out = spawnSync('tshark', ['-r', file, '-V'], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;
  const lines = out
    .split('\n')
    .filter((l) => l !== '' && !/^[0-9a-f]{4} {2}/.test(l))
    // Trawl's labels name no MAC address; the CLI adds the names as tshark does.
    .map((l) => l.replace(/ \(([0-9a-f]{2}(:[0-9a-f]{2}){5})\)$/, ''));
  return subtrees(lines.join('\n'), heads);
}

/** Trawl's -V subtrees for a capture dissected in one pass, as tshark without -2. */
async function ourTree(file: string, heads: RegExp): Promise<string> {
  return treeText(await dissectFixture(file, true, new CaptureState()), heads);
}

describe('NTP against tshark', () => {
  it("splits a read-variables response into tshark's nested parts", async () => {
    const tree = await ourTree(FILE, /^Network Time Protocol/);
    expect(tree).toContain(
      [
        '        leap=00',
        '            leap=00',
        '                leap',
        '                =',
        '                00',
        '                    00',
        '                        00',
      ].join('\n'),
    );
    expect(tree).toContain('    .... 0000  0000 0000 = Number of data items: 0');
    expect(tree).not.toContain('Item: ');
  });

  it.skipIf(!haveTshark)('draws the same NTP tree as tshark', async () => {
    const heads = /^Network Time Protocol/;
    expect(await ourTree(FILE, heads)).toBe(tsharkTree(FILE, heads));
  });

  it.skipIf(!haveTshark)("gives tshark's fields", async () => {
    expect(await mismatches(FILE, FIELDS, true)).toEqual([]);
  });
});
