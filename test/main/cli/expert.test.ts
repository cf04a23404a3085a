// Expert info as tshark gives it: the `_ws.expert` fields for -e and -Y, and the -V lines (the
// item with its message, severity and group under it), on a capture with malformed TCP.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_FILES, trawl } from '../../support/corpus.ts';

const FILE = join(CORPUS_FILES, 'pcpp__tcp-malformed.pcap');
const tshark = (args: string[]): string => {
  const r = spawnSync('tshark', ['-r', FILE, ...args], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout;
};

describe('expert info', () => {
  it('prints every _ws.expert field as tshark does', () => {
    const args = ['-T', 'fields'];
    for (const f of [
      '_ws.expert',
      '_ws.expert.message',
      '_ws.expert.severity',
      '_ws.expert.group',
      '_ws.malformed',
    ])
      args.push('-e', f);
    const want = tshark(args);
    expect(want).toContain('Expert Info (Warning/Malformed): Short segment.');
    expect(trawl(['-r', FILE, ...args]).stdout).toBe(want);
  });

  it('filters on severity and group by name, as tshark', () => {
    for (const expr of [
      '_ws.expert.severity == warning',
      '_ws.expert.group == "Malformed"',
      '_ws.expert.severity >= error',
      '_ws.expert.severity == chat',
    ]) {
      const args = ['-Y', expr, '-T', 'fields', '-e', 'frame.number'];
      expect(trawl(['-r', FILE, ...args]).stdout, expr).toBe(tshark(args));
    }
  });

  it('shows each expert item in -V with its message, severity and group', () => {
    const lines = (out: string): string[] =>
      out
        .split('\n')
        .filter(
          (l, i, all) =>
            l.includes('[Expert Info (Error/Malformed)') ||
            (i > 0 && all[i - 1]?.includes('[Expert Info (Error/Malformed)')),
        );
    const want = tshark(['-V', '-c', '1']);
    const got = trawl(['-r', FILE, '-V', '-c', '1']).stdout;
    expect(lines(got)).toEqual(lines(want));
    expect(got).toContain(
      '\n[Malformed Packet: TCP]\n    [Expert Info (Error/Malformed): Malformed Packet (Exception occurred)]\n        [Malformed Packet (Exception occurred)]\n        [Severity level: Error]\n        [Group: Malformed]\n',
    );
  });
});
