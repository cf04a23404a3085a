// TCP's tree against tshark 4.0 on a built capture: a SYN whose acknowledgment number is not zero
// (the note nests under the Acknowledgment number), and `[PDU Size]` for WebSocket messages.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { treeLines } from '../../../main/cli/print.ts';
import { blocks, dissectFixture, fixture, haveTshark } from '../../support/tshark-oracle.ts';

const TCP_HEAD = /^Transmission Control Protocol/;

/** An HTTP/1.0 body read until the FIN, which Trawl does not reassemble yet. */
const UNTIL_FIN = [42, 44];

function tcpBlocks(out: string, skip: readonly number[]): string {
  return blocks(out, TCP_HEAD)
    .split(/\n(?=Frame \d+$)/m)
    .filter((b) => !skip.includes(Number(/^Frame (\d+)/.exec(b)?.[1])))
    .join('\n');
}

describe.skipIf(!haveTshark)('TCP trees against tshark', () => {
  it.each(['http-mixed.pcap', 'http-websocket-close.pcap'])(
    'draws the TCP subtree as tshark on %s',
    async (name) => {
      const file = fixture(name);
      const frames = await dissectFixture(file, true);
      const ours = frames.map((d) => treeLines(d.tree.roots).join('\n')).join('\n');
      const theirs = spawnSync('tshark', ['-r', file, '-V'], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;
      const skip = name === 'http-mixed.pcap' ? UNTIL_FIN : [];
      expect(tcpBlocks(ours, skip)).toBe(tcpBlocks(theirs, skip));
    },
  );
});
