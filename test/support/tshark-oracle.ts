// tshark as the oracle: the same fields, frame by frame, from tshark -T fields and from Trawl's
// dissectors, for a capture kept in test/fixtures/ (with TCP reassembly on or off) or for packets a
// test builds; and where they differ.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { dissect } from '../../app/dissect/dissect.ts';
import { defaultRegistry } from '../../app/dissect/modules.ts';
import { CaptureState } from '../../app/dissect/packet-info.ts';
import { fieldText, nodeLabel } from '../../app/dissect/field-text.ts';
import { FieldCollector, FullTree, isShown, type FieldNode } from '../../app/dissect/tree.ts';
import { FrameClock, recordBytes } from '../../main/engine/frame-meta.ts';
import { openCapture } from '../../main/pcap/read.ts';
import { dissected, metaFor, type Dissected } from './dissect-hex.ts';
import { pcapFile, tempDir } from './pcap-bytes.ts';
import { handshake, tcpFrame, type Segment } from './tcp-frames.ts';

export const FIXTURES = resolve(import.meta.dirname, '../fixtures');
export const fixture = (name: string): string => join(FIXTURES, name);

export const haveTshark = spawnSync('sh', ['-c', 'command -v tshark']).status === 0;

const NO_REASSEMBLY = ['-o', 'tcp.desegment_tcp_streams:FALSE'];

/** tshark's -T fields rows (all occurrences, comma-joined) for `fields`, one row per frame. */
export function tsharkRows(file: string, fields: readonly string[], reassemble: boolean): string[][] {
  const args = ['-r', file, ...(reassemble ? [] : NO_REASSEMBLY), '-T', 'fields', '-E', 'occurrence=a'];
  for (const f of fields) args.push('-e', f);
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const lines = r.stdout.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => l.split('\t'));
}

/** Every frame of `file` dissected in order with one capture state, as the CLI does. */
export async function dissectFixture(
  file: string,
  reassemble: boolean,
  state = new CaptureState(),
): Promise<Dissected[]> {
  const registry = defaultRegistry();
  const clock = new FrameClock();
  const out: Dissected[] = [];
  for await (const batch of openCapture(file)) {
    for (let i = 0; i < batch.count; i++) {
      const meta = { ...clock.next(batch, i) };
      const tree = new FullTree();
      const pinfo = dissect(registry, meta, recordBytes(batch, i).slice(), tree, state, {
        wantInfo: true,
        reassemble,
      });
      out.push(dissected(pinfo, tree));
    }
  }
  return out;
}

/** What `-T fields` prints for `fields` of every frame, from a sink that keeps only those (as the CLI). */
export async function ourRows(
  file: string,
  fields: readonly string[],
  reassemble: boolean,
): Promise<string[][]> {
  const registry = defaultRegistry();
  const defs = fields.map((f) => registry.field(f));
  const ids = defs.flatMap((d) => (d ? [d.id] : []));
  const state = new CaptureState();
  const clock = new FrameClock();
  const rows: string[][] = [];
  for await (const batch of openCapture(file)) {
    for (let i = 0; i < batch.count; i++) {
      const meta = { ...clock.next(batch, i) };
      const sink = FieldCollector.of(ids, registry.fields.length);
      const pinfo = dissect(registry, meta, recordBytes(batch, i).slice(), sink, state, {
        wantInfo: true,
        reassemble,
      });
      rows.push(
        fields.map((f, j) => {
          if (f === '_ws.col.Protocol') return pinfo.proto;
          if (f === '_ws.col.Info') return pinfo.info;
          const def = defs[j];
          return def
            ? sink
                .get(def.id)
                .map((v) => fieldText(def, v))
                .join(',')
            : '';
        }),
      );
    }
  }
  return rows;
}

export interface Mismatch {
  frame: number;
  field: string;
  ours: string;
  tshark: string;
}

/** Where Trawl and tshark disagree on `fields` of `file`; `skip(frame, field)` leaves known cases out. */
export async function mismatches(
  file: string,
  fields: readonly string[],
  reassemble: boolean,
  skip: (frame: number, field: string) => boolean = () => false,
): Promise<Mismatch[]> {
  const theirs = tsharkRows(file, fields, reassemble);
  const ours = await ourRows(file, fields, reassemble);
  const out: Mismatch[] = [];
  if (theirs.length !== ours.length)
    out.push({ frame: 0, field: 'frames', ours: String(ours.length), tshark: String(theirs.length) });
  ours.forEach((row, i) => {
    fields.forEach((field, j) => {
      if (skip(i + 1, field)) return;
      const t = theirs[i]?.[j] ?? '';
      const o = row[j] ?? '';
      if (o !== t) out.push({ frame: i + 1, field, ours: o, tshark: t });
    });
  });
  return out;
}

/** Built segments (tcp-frames.ts) dissected as one capture on `port`, with TCP reassembly on or off. */
export function dissectSegmentsWith(segments: Segment[], port: number, reassemble: boolean): Dissected[] {
  const state = new CaptureState();
  return segments.map((s, i) => {
    const bytes = tcpFrame(s, port);
    const tree = new FullTree();
    const meta = metaFor(bytes, 1, { number: i + 1, tsSec: 1, tsNsec: i * 1_000_000 });
    const pinfo = dissect(defaultRegistry(), meta, bytes, tree, state, { wantInfo: true, reassemble });
    return dissected(pinfo, tree);
  });
}

/**
 * The Info of a garbage segment after a handshake to `port`, with reassembly on and off, for each
 * of `count` payloads: `lines` first, then pseudo-random bytes (1 to `span` of them). A dissector
 * fault shows in it.
 */
export function garbageSegmentInfos(
  port: number,
  lines: readonly string[],
  count: number,
  span: number,
): string[] {
  const infos: string[] = [];
  for (const reassemble of [true, false]) {
    for (let n = 0; n < count; n++) {
      const payload = lines[n] ?? noise(n, 1 + (n % span));
      const client = n % 2 === 0;
      const segment = { fromClient: client, seq: client ? 1001 : 5001, ack: 1, payload };
      infos.push(dissectSegmentsWith([...handshake(), segment], port, reassemble)[3]?.pinfo.info ?? '');
    }
  }
  return infos;
}

/** Deterministic pseudo-random bytes for garbage input. */
export function noise(seed: number, length: number): Uint8Array {
  let x = seed;
  return Uint8Array.from({ length }, () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x & 0xff;
  });
}

/** The top-level blocks of -V output whose first line `heads` matches, under each frame's number. */
export function blocks(out: string, heads: RegExp): string {
  const keep: string[] = [];
  let on = false;
  for (const line of out.split('\n')) {
    if (/^Frame \d+:/.test(line)) {
      keep.push(line.split(':')[0] ?? line);
      on = false;
    } else {
      if (!line.startsWith(' ')) on = heads.test(line);
      if (on) keep.push(line);
    }
  }
  return keep.join('\n');
}

/** Columns as -T fields names them, besides protocol fields. */
const COLUMNS: Record<string, (d: Dissected) => string> = {
  '_ws.col.Protocol': (d) => d.pinfo.proto,
  '_ws.col.Info': (d) => d.pinfo.info,
  // A full tree keeps an expert item's message as the first note under it.
  '_ws.expert.message': (d) => expertMessages(d).join(','),
};

/** The messages of the frame's expert items, in tree order. */
export function expertMessages(d: Dissected): string[] {
  return d.nodes('_ws.expert').map((n) => (n.children?.[0]?.label ?? '').slice(1, -1));
}

/** `tsharkRows` for packets a test builds: `frames` of one link type, through a temporary pcap. */
export function tsharkFrameRows(
  frames: readonly Uint8Array[],
  linkType: number,
  fields: readonly string[],
): string[][] {
  const dir = tempDir('trawl-tshark-');
  try {
    const records = frames.map((data, i) => ({ tsSec: i, tsFrac: 0, data }));
    return tsharkRows(dir.file('frames.pcap', pcapFile({ linkType }, records)), fields, true);
  } finally {
    dir.cleanup();
  }
}

/** Trawl's row for a dissected frame, in the form of `tsharkRows`. */
export function trawlRow(d: Dissected, fields: readonly string[]): string[] {
  return fields.map((f) => COLUMNS[f]?.(d) ?? d.value(f));
}

/** The tree as -V prints it, for the frames of a capture seen twice (as tshark's second pass). */
export function treeText(frames: readonly Dissected[], heads: RegExp): string {
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
export function subtrees(out: string, heads: RegExp): string {
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
export function tsharkTree(file: string, heads: RegExp): string {
  const out = spawnSync('tshark', ['-r', file, '-V'], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;
  const lines = out
    .split('\n')
    .filter((l) => l !== '' && !/^[0-9a-f]{4} {2}/.test(l))
    // Trawl's labels name no MAC address; the CLI adds the names as tshark does.
    .map((l) => l.replace(/ \(([0-9a-f]{2}(:[0-9a-f]{2}){5})\)$/, ''));
  return subtrees(lines.join('\n'), heads);
}

/** Trawl's -V subtrees for a capture dissected in one pass, as tshark without -2. */
export async function ourTree(file: string, heads: RegExp): Promise<string> {
  return treeText(await dissectFixture(file, true, new CaptureState()), heads);
}
