// tshark's output options: the Time column's formats (-t, -u hms), -P, -O, -S, and -T fields'
// quote and bom. Checked against tshark run here on corpus files (skipped without tshark), and
// the cases tshark's text makes plain without it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_FILES, trawl } from '../../support/corpus.ts';

const hasTshark = spawnSync('sh', ['-c', 'command -v tshark']).status === 0;

function tshark(args: readonly string[]): string {
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

// Microsecond and nanosecond files, gaps of minutes (NTP), a Data item (the IPv6 file).
const FILES = ['tcpdump__ntp.pcap', 'tcpdump__tcp-handshake-nano.pcap', 'libpcap__ipv6_ext_headers.pcap'];

const OPTIONS: string[][] = [
  ...['a', 'ad', 'adoy', 'd', 'dd', 'e', 'u', 'ud', 'udoy'].map((t) => ['-t', t, '-Y', 'frame.number != 2']),
  ['-u', 'hms'],
  ['-t', 'dd', '-u', 'hms', '-Y', 'frame.number > 2'],
  ['-x'],
  ['-x', '-P'],
  ['-V', '-P', '-x'],
  ['-O', 'ip,udp'],
  // -V adds the tree to the text output only; -T fields prints as it does.
  ['-T', 'fields', '-e', 'frame.number', '-V'],
  ['-V', '-T', 'text'],
  ['-O', 'data', '-S', '--next--'],
  ['-T', 'fields', '-e', 'frame.number', '-e', 'ip.src', '-e', 'udp.port', '-e', '_ws.col.Time'],
  ['-T', 'fields', '-e', 'frame.time_delta_displayed', '-Y', 'frame.number != 2', '-t', 'ad'],
  [
    '-T',
    'fields',
    '-e',
    'frame.number',
    '-e',
    'dns.qry.name',
    '-E',
    'quote=d',
    '-E',
    'header=y',
    '-E',
    'bom=y',
  ],
];

describe.skipIf(!hasTshark)('output options agree with tshark', () => {
  for (const file of FILES) {
    it(file, () => {
      const path = join(CORPUS_FILES, file);
      for (const options of OPTIONS) {
        const ours = trawl(['-r', path, ...options]);
        expect(ours.status, ours.stderr).toBe(0);
        expect(ours.stdout, options.join(' ')).toBe(tshark(['-r', path, ...options]));
      }
    });
  }
});

describe('output options', () => {
  const ntp = join(CORPUS_FILES, 'tcpdump__ntp.pcap');

  it('-u hms writes minutes and seconds as tshark, the fraction at the file precision', () => {
    const lines = trawl(['-r', ntp, '-u', 'hms', '-c', '3']).stdout.split('\n');
    expect(lines[0]).toMatch(/^ {4}1 {2}0\.000000s /);
    expect(lines[2]).toMatch(/^ {4}3 7m {2}8\.263441s /);
  });

  it('frame.time_delta_displayed is from the last packet -Y kept, and 0 on the first', () => {
    const out = trawl([
      '-r',
      ntp,
      '-Y',
      'frame.number != 2',
      '-T',
      'fields',
      '-e',
      'frame.time_delta_displayed',
    ]);
    expect(out.stdout.split('\n').slice(0, 2)).toEqual(['0.000000000', '428.263441000']);
  });

  it('-x alone prints the bytes without the summary line; -P adds it', () => {
    const hex = trawl(['-r', ntp, '-x', '-c', '1']).stdout;
    expect(hex.startsWith('0000  00 12 13 14')).toBe(true);
    const both = trawl(['-r', ntp, '-x', '-P', '-c', '1']).stdout.split('\n');
    expect(both[0]).toContain('NTP Version 4, client');
    expect(both[1]).toBe('');
    expect(both[2]?.startsWith('0000  ')).toBe(true);
  });

  it('-O shows only the listed protocols expanded', () => {
    const lines = trawl(['-r', ntp, '-O', 'udp', '-c', '1']).stdout.split('\n');
    expect(lines[0]).toMatch(/^Frame 1: /);
    expect(lines[1]).toMatch(/^Ethernet II/);
    expect(lines[2]).toMatch(/^Internet Protocol Version 4/);
    expect(lines[3]).toMatch(/^User Datagram Protocol/);
    expect(lines[4]).toBe('    Source Port: 58054');
    expect(lines.some((l) => l.startsWith('Network Time Protocol'))).toBe(true);
    expect(lines.some((l) => l.startsWith('    Leap Indicator'))).toBe(false);
  });

  it("rejects an unknown time format or seconds type with tshark's list", () => {
    const t = trawl(['-r', ntp, '-t', 'x']);
    expect(t.status).toBe(1);
    expect(t.stderr).toContain('Invalid time stamp type "x"; it must be one of:');
    expect(t.stderr).toContain('"udoy" for absolute UTC with YYYY/DOY date');
    const u = trawl(['-r', ntp, '-u', 'm']);
    expect(u.status).toBe(1);
    expect(u.stderr).toContain('Invalid seconds type "m"');
  });
});
