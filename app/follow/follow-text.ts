// A followed stream as tshark prints it for `-z follow,PROTO,MODE,STREAM` (ui/cli/tap-follow.c):
// a header naming the filter and the two nodes, then each chunk (server chunks indented by a
// tab), then a closing rule.
import { bytesToBase64 } from '../protocol/wire.ts';
import type { FollowChunk, FollowEndpoint, FollowResult } from './follow.ts';

export const FOLLOW_MODES = ['ascii', 'hex', 'raw', 'yaml'] as const;
export type FollowMode = (typeof FOLLOW_MODES)[number];

const RULE = '===================================================================';
const HEX = '0123456789abcdef';

/** Printable ASCII as itself, CR and LF kept, anything else a dot (Follow's ASCII view). */
export function followAscii(data: Uint8Array): string {
  let s = '';
  for (const b of data) s += b === 10 || b === 13 || (b >= 32 && b < 127) ? String.fromCharCode(b) : '.';
  return s;
}

/**
 * Hex dump lines of a chunk that starts at `offset` bytes into its direction's stream: an
 * 8-digit upper-case offset, 16 bytes in two groups of 8, and their ASCII in two groups (one
 * trailing space dropped, even a printed one, as tshark does).
 */
export function followHexLines(data: Uint8Array, offset: number): string[] {
  const lines: string[] = [];
  for (let at = 0; at < data.length; at += 16) {
    const row = data.subarray(at, at + 16);
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      const b = row[i];
      if (i === 8) {
        hex += ' ';
        if (b !== undefined) ascii += ' ';
      }
      hex += b === undefined ? '   ' : `${HEX[b >> 4]}${HEX[b & 15]} `;
      if (b !== undefined) ascii += b >= 32 && b < 127 ? String.fromCharCode(b) : '.';
    }
    const pos = (offset + at).toString(16).toUpperCase().padStart(8, '0');
    lines.push(`${pos}  ${hex} ${ascii.endsWith(' ') ? ascii.slice(0, -1) : ascii}`);
  }
  return lines;
}

const node = (e: FollowEndpoint | null): string =>
  e === null ? ':0' : e.ipv6 ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;

/** Base64 in lines of 57 bytes (76 characters), as tshark's YAML. */
function base64Lines(data: Uint8Array): string[] {
  const lines: string[] = [];
  for (let at = 0; at < data.length; at += 57)
    lines.push(`      ${bytesToBase64(data.subarray(at, at + 57))}`);
  return lines;
}

function chunkLines(c: FollowChunk, mode: FollowMode, offset: number): string[] {
  const tab = c.server ? '\t' : '';
  switch (mode) {
    case 'ascii':
      return [`${tab}${c.data.length}`, followAscii(c.data)];
    case 'hex':
      return followHexLines(c.data, offset).map((l) => tab + l);
    case 'raw': {
      let hex = '';
      for (const b of c.data) hex += `${HEX[b >> 4]}${HEX[b & 15]}`;
      return [tab + hex];
    }
    case 'yaml':
      return [
        `  - packet: ${c.frame}`,
        `    peer: ${c.server ? 1 : 0}`,
        // tshark prints the time as a double with 9 decimals.
        `    timestamp: ${(c.tsSec + c.tsNsec / 1e9).toFixed(9)}`,
        '    data: !!binary |',
        ...base64Lines(c.data),
      ];
  }
}

/** The lines tshark prints for a followed stream (without a final newline). */
export function followText(r: FollowResult, mode: FollowMode): string[] {
  const out: string[] =
    mode === 'yaml'
      ? [
          'peers:',
          '  - peer: 0',
          `    host: ${r.client?.host ?? ''}`,
          `    port: ${r.client?.port ?? 0}`,
          '  - peer: 1',
          `    host: ${r.server?.host ?? ''}`,
          `    port: ${r.server?.port ?? 0}`,
          'packets:',
        ]
      : [
          '',
          RULE,
          `Follow: ${r.proto},${mode}`,
          `Filter: ${r.filter}`,
          `Node 0: ${node(r.client)}`,
          `Node 1: ${node(r.server)}`,
        ];
  const offsets = [0, 0];
  for (const c of r.chunks) {
    const side = c.server ? 1 : 0;
    out.push(...chunkLines(c, mode, offsets[side] ?? 0));
    offsets[side] = (offsets[side] ?? 0) + c.data.length;
  }
  if (mode !== 'yaml') out.push(RULE);
  return out;
}
