// The text tshark prints for -z io,phs, -z conv,TYPE and -z endpoints,TYPE, line by line.
import {
  byFramesDescending,
  type Conversation,
  type Endpoint,
  type Peer,
  type RelTime,
} from './conversations.ts';
import type { PhsNode } from './phs.ts';

const RULE80 = '='.repeat(80);
const RULE67 = '='.repeat(67);

/** The tables' names in tshark's titles (`IPv4 Conversations`). */
export const TABLE_TITLES = { eth: 'Ethernet', ip: 'IPv4', ipv6: 'IPv6', tcp: 'TCP', udp: 'UDP' } as const;
export type TableType = keyof typeof TABLE_TITLES;

const hasPorts = (type: TableType): boolean => type === 'tcp' || type === 'udp';

/** tshark's format_size(…, FORMAT_SIZE_UNIT_BYTES, 0): `610 bytes`, `12 kB`, `34 MB`. */
export function formatSize(n: number): string {
  const prefixes = ['T', 'G', 'M', 'k'];
  for (let i = 0; i < prefixes.length; i++) {
    const scaled = Math.floor(n / 1000 ** (prefixes.length - i));
    if (scaled >= 10) return `${scaled} ${prefixes[i] as string}B`;
  }
  return `${n} bytes`;
}

const filterLine = (filter: string | undefined): string => `Filter:${filter ?? '<No Filter>'}`;
const toSec = (t: RelTime): number => t.sec + t.nsec / 1e9;
const num = (n: number, width: number): string => String(n).padStart(width);

function peerText(p: Peer): string {
  return p.port === undefined ? p.address : `${p.address}:${p.port}`;
}

/** `10.0.0.1 <-> 10.0.0.2   5 610 bytes …   0.000000000   0.0075`, tshark's columns. */
function conversationLine(c: Conversation, ports: boolean): string {
  const width = ports ? 26 : 20;
  const pair = `${peerText(c.a).padEnd(width)} <-> ${peerText(c.b).padEnd(width)}`;
  const counts = [
    [c.rxFrames, c.rxBytes],
    [c.txFrames, c.txBytes],
    [c.rxFrames + c.txFrames, c.rxBytes + c.txBytes],
  ]
    .map(([frames, bytes]) => `  ${num(frames ?? 0, 6)} ${formatSize(bytes ?? 0).padEnd(9)}`)
    .join('');
  const start = toSec(c.start);
  const duration = toSec(c.stop) - start;
  return `${pair}${counts}  ${start.toFixed(9).padStart(14)}   ${duration.toFixed(4).padStart(12)}`;
}

export function conversationsText(
  type: TableType,
  filter: string | undefined,
  items: readonly Conversation[],
): string[] {
  const pad = hasPorts(type) ? ' '.repeat(12) : '';
  return [
    RULE80,
    `${TABLE_TITLES[type]} Conversations`,
    filterLine(filter),
    `${pad}                                               |       <-      | |       ->      | |     Total     |    Relative    |   Duration   |`,
    `${pad}                                               | Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |`,
    ...byFramesDescending(items).map((c) => conversationLine(c, hasPorts(type))),
    RULE80,
  ];
}

function endpointLine(e: Endpoint, ports: boolean): string {
  // tshark: `%-20s      %5s     %6…` with the port, `%-20s      %6…` without.
  const port = ports ? `      ${String(e.peer.port ?? '').padStart(5)}     ` : '      ';
  return (
    `${e.peer.address.padEnd(20)}${port}${num(e.txFrames + e.rxFrames, 6)}     ${num(e.txBytes + e.rxBytes, 9)}` +
    `     ${num(e.txFrames, 6)}       ${num(e.txBytes, 9)}      ${num(e.rxFrames, 6)}       ${num(e.rxBytes, 9)}   `
  );
}

export function endpointsText(
  type: TableType,
  filter: string | undefined,
  items: readonly Endpoint[],
): string[] {
  const portHead = hasPorts(type) ? 'Port  ||  ' : '';
  return [
    RULE80,
    `${TABLE_TITLES[type]} Endpoints`,
    filterLine(filter),
    `                       |  ${portHead}Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |`,
    ...byFramesDescending(items).map((e) => endpointLine(e, hasPorts(type))),
    RULE80,
  ];
}

/** tshark's indentation: two blanks a level, `...` past sixteen levels, lines cut at 79 characters. */
function phsLines(nodes: readonly PhsNode[], depth: number, out: string[]): void {
  for (const n of nodes) {
    const indent = depth > 16 ? '  '.repeat(16) + '...' : '  '.repeat(depth);
    const label = (indent + n.name).slice(0, 79);
    out.push(`${label.padEnd(40)} frames:${n.frames} bytes:${n.bytes}`);
    phsLines(n.children, depth + 1, out);
  }
}

export function hierarchyText(filter: string | undefined, roots: readonly PhsNode[]): string[] {
  const out = ['', RULE67, 'Protocol Hierarchy Statistics', `Filter: ${filter ?? ''}`, ''];
  phsLines(roots, 0, out);
  out.push(RULE67);
  return out;
}
