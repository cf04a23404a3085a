// `trawl -Y` as a command: -w keeps only the displayed packets (checked by reading the written
// file back with tshark), and a bad filter prints tshark's message, caret line and exit status.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS_FILES, trawl } from '../../support/corpus.ts';

const dir = mkdtempSync(join(tmpdir(), 'trawl-cli-filter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tshark(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('tshark', args, { encoding: 'utf8' });
  // tshark warns about running as root before anything else.
  const stderr = r.stderr.replace(/^Running as user .*\n/m, '');
  return { status: r.status ?? -1, stdout: r.stdout, stderr };
}

describe('trawl -Y', () => {
  const icmp = join(CORPUS_FILES, 'pcpp__IcmpPackets.pcap');
  const http = join(CORPUS_FILES, 'pcpp__4KHttpRequests.pcap');

  it('-w writes only the displayed packets, byte for byte what tshark -Y -w writes', () => {
    const expression = 'tcp.flags.syn == 1 || frame.len > 1000';
    const ours = join(dir, 'ours.pcap');
    const theirs = join(dir, 'theirs.pcap');
    expect(trawl(['-r', http, '-Y', expression, '-w', ours]).status).toBe(0);
    expect(tshark(['-r', http, '-Y', expression, '-w', theirs, '-F', 'pcap']).status).toBe(0);
    const fields = ['-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'tcp.seq_raw'];
    const a = tshark(['-r', ours, ...fields]);
    const b = tshark(['-r', theirs, ...fields]);
    expect(a.stdout.trim().split('\n').length).toBeGreaterThan(10);
    expect(a.stdout).toBe(b.stdout);
    // Fewer than all: the filter did something.
    const all = tshark(['-r', http, '-T', 'fields', '-e', 'frame.number']).stdout.trim().split('\n');
    expect(a.stdout.trim().split('\n').length).toBeLessThan(all.length);
  });

  for (const expression of [
    'ip.src == 300.1.1.1',
    'foo.bar == 1',
    'ip.ttl == 64 ||',
    'frame matches "("',
    'udp.port in {53 123}',
    'tcp.port == "abc"',
  ]) {
    it(`rejects ${expression} with tshark's message and status`, () => {
      const ours = trawl(['-r', icmp, '-Y', expression]);
      const theirs = tshark(['-r', icmp, '-Y', expression]);
      expect(theirs.status).toBe(2);
      expect(ours.status).toBe(theirs.status);
      expect(ours.stderr.replace(/^trawl:/, 'tshark:')).toBe(theirs.stderr);
      expect(ours.stdout).toBe('');
    });
  }

  it('a bad filter with -w writes nothing and exits 2', () => {
    const out = join(dir, 'never.pcap');
    const r = trawl(['-r', icmp, '-Y', 'ip.src ==', '-w', out]);
    expect(r.status).toBe(2);
    expect(spawnSync('test', ['-e', out]).status).not.toBe(0);
  });
});
