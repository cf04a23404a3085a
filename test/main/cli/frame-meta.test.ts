// The frame layer's pcapng details against tshark on the corpus's own pcapng files: the section
// number, the interface id as the record gives it (section-local), the name tshark looks up for
// it (`unknown` for an interface without one), and UDP's per-stream `[Timestamps]`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_FILES, trawl } from '../../support/corpus.ts';
import { oracleReady } from '../../support/proto-oracle.ts';

const FIELDS = ['frame.number', 'frame.section_number', 'frame.interface_id', 'frame.interface_name'];

function tshark(args: readonly string[]): string {
  return spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;
}

const fieldArgs = (file: string, fields: readonly string[]): string[] => [
  '-r',
  join(CORPUS_FILES, file),
  '-T',
  'fields',
  ...fields.flatMap((f) => ['-e', f]),
];

describe('pcapng frame details', () => {
  it('numbers sections from 1 and shows the record’s own interface id', () => {
    const out = trawl(fieldArgs('pcapngtg__le_difficult_test201.pcapng', FIELDS)).stdout.trim().split('\n');
    // Four packets, the last in a later section whose first interface is global id 4 (null1).
    expect(out.map((l) => l.split('\t')[2])).toEqual(['0', '0', '0', '1']);
    expect(new Set(out.map((l) => l.split('\t')[1])).size).toBeGreaterThan(1);
  });

  it('names an interface that has no name `unknown`', () => {
    const out = trawl(fieldArgs('tcpdump__time_2107.pcapng', FIELDS)).stdout.trim().split('\n');
    expect(out[0]?.split('\t')[3]).toBe('unknown');
  });

  it.skipIf(!oracleReady)('agrees with tshark on every pcapng file of the corpus', () => {
    for (const file of [
      'pcapngtg__le_difficult_test201.pcapng',
      'tcpdump__time_2107.pcapng',
      'pcpp__many_interfaces-1.pcapng',
    ]) {
      expect(trawl(fieldArgs(file, FIELDS)).stdout, file).toBe(tshark(fieldArgs(file, FIELDS)));
    }
  });

  it.skipIf(!oracleReady)('gives UDP datagrams their stream times as tshark does', () => {
    const fields = ['frame.number', 'udp.stream', 'udp.time_relative', 'udp.time_delta'];
    for (const file of ['pcpp__DnsPackets.pcap', 'pcapngtg__le_basic_test006.pcapng', 'tcpdump__ntp.pcap']) {
      const ours = trawl(fieldArgs(file, fields)).stdout;
      expect(ours, file).toMatch(/\t0\.\d{9}\t/);
      expect(ours, file).toBe(tshark(fieldArgs(file, fields)));
    }
  });
});
