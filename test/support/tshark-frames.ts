// tshark's answer for packets a test builds: the packets go into a temporary pcap, tshark prints
// the wanted fields, and Trawl's values for the same bytes can be set beside them.
import { spawnSync } from 'node:child_process';
import { pcapFile, tempDir } from './pcap-bytes.ts';
import type { Dissected } from './dissect-hex.ts';

export const haveTshark = spawnSync('sh', ['-c', 'command -v tshark']).status === 0;

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

/** tshark's -T fields rows (every occurrence, comma-joined) for `frames` of one link type. */
export function tsharkRows(
  frames: readonly Uint8Array[],
  linkType: number,
  fields: readonly string[],
): string[][] {
  const dir = tempDir('trawl-tshark-');
  try {
    const records = frames.map((data, i) => ({ tsSec: i, tsFrac: 0, data }));
    const path = dir.file('frames.pcap', pcapFile({ linkType }, records));
    const args = ['-r', path, '-T', 'fields', '-E', 'occurrence=a'];
    for (const f of fields) args.push('-e', f);
    const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 24 });
    const lines = r.stdout.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.map((l) => l.split('\t'));
  } finally {
    dir.cleanup();
  }
}

/** Trawl's row for a dissected frame, in the form of `tsharkRows`. */
export function trawlRow(d: Dissected, fields: readonly string[]): string[] {
  return fields.map((f) => COLUMNS[f]?.(d) ?? d.value(f));
}
