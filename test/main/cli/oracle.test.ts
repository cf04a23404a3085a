// The CLI against tshark's own output on every corpus file, field by field.
// Every field this dissectors cover must agree on every packet; the few places where
// Trawl deliberately differs are listed below with the reason.
import { describe, expect, it } from 'vitest';
import { corpusFiles, oracle, trawl, tsharkRefuses, CORPUS_FILES, type Table } from '../../support/corpus.ts';
import { join } from 'node:path';

/** Columns of oracle-no-reassembly/ covered by the foundation dissectors. */
const BASE_FIELDS = [
  'frame.number',
  'frame.len',
  'frame.cap_len',
  'eth.src',
  'eth.dst',
  'vlan.id',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'ip.proto',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.flags',
  'udp.srcport',
  'udp.dstport',
];

/** Columns of oracle-extra/ covered by the foundation dissectors. */
const EXTRA_FIELDS = [
  'frame.time_epoch',
  'frame.interface_id',
  'frame.encap_type',
  'eth.type',
  'ieee8021ad.id',
  'vlan.etype',
  'sll.pkttype',
  'sll.hatype',
  'sll.etype',
  'null.family',
  'arp.opcode',
  'arp.src.proto_ipv4',
  'arp.dst.proto_ipv4',
  'ip.hdr_len',
  'ip.len',
  'ip.ttl',
  'ip.flags.mf',
  'ip.frag_offset',
  'ipv6.plen',
  'ipv6.nxt',
  'ipv6.hlim',
  'icmp.type',
  'icmp.code',
  'icmpv6.type',
  'icmpv6.code',
  'tcp.seq_raw',
  'tcp.ack_raw',
  'tcp.hdr_len',
  'tcp.len',
  'udp.length',
];

interface KnownDiff {
  file: string;
  field?: string;
  reason: string;
}

/** Where tshark's answer is not what a packet decoder can or should give. */
const KNOWN_DIFFS: KnownDiff[] = [
  {
    file: 'pcapngtg__le_difficult_test201.pcapng',
    field: 'frame.interface_id',
    reason:
      'tshark 4.0 prints the section-local IDB index here (0,0,0,1) while its own interface list ' +
      '(capinfos -I) numbers interfaces across sections as Trawl does (0,2,2,4)',
  },
  {
    file: 'pcapngtg__le_difficult_test201.pcapng',
    field: 'frame.time_epoch',
    reason: 'a Simple Packet Block has no timestamp: tshark prints nothing, Trawl reports 0 s',
  },
  {
    file: 'pcapngtg__le_advanced_test102.pcapng',
    reason:
      'tshark counts pcapng Custom Blocks as frames, so its frame numbers run ahead of the packet records',
  },
];

function knownDiff(file: string, field: string): KnownDiff | undefined {
  return KNOWN_DIFFS.find((k) => k.file === file && (k.field === undefined || k.field === field));
}

interface Tally {
  agree: number;
  total: number;
  firstMismatch?: string;
}

const tallies = new Map<string, Tally>();

function compare(file: string, expected: Table, wanted: readonly string[]): string[] {
  const fields = wanted.filter((f) => expected.header.includes(f));
  if (fields.length === 0) return [];
  const args = ['-r', join(CORPUS_FILES, file), '-o', 'tcp.desegment_tcp_streams:FALSE', '-T', 'fields'];
  for (const f of fields) args.push('-e', f);
  const got = trawl(args);
  const lines = got.stdout.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const mismatches: string[] = [];
  fields.forEach((field, col) => {
    const src = expected.header.indexOf(field);
    const t = tallies.get(field) ?? { agree: 0, total: 0 };
    tallies.set(field, t);
    const known = knownDiff(file, field);
    expected.rows.forEach((row, r) => {
      const want = row[src] ?? '';
      const have = lines[r]?.split('\t')[col] ?? '<missing line>';
      if (known) return;
      t.total++;
      if (want === have) t.agree++;
      else {
        const msg = `${file} frame ${r + 1} ${field}: tshark "${want}" trawl "${have}"`;
        t.firstMismatch ??= msg;
        mismatches.push(msg);
      }
    });
  });
  if (!knownDiff(file, 'frame.number') && lines.length !== expected.rows.length) {
    mismatches.push(
      `${file}: tshark ${expected.rows.length} frames, trawl ${lines.length} (${got.stderr.trim()})`,
    );
  }
  return mismatches;
}

describe('oracle: trawl -T fields agrees with tshark on the corpus', () => {
  for (const file of corpusFiles()) {
    it(file, () => {
      if (tsharkRefuses(file)) {
        const got = trawl(['-r', join(CORPUS_FILES, file)]);
        expect(got.status, 'a file tshark refuses is refused').toBe(2);
        expect(got.stderr).toMatch(/trawl: .+/);
        return;
      }
      const base = oracle('oracle-no-reassembly', file);
      const extra = oracle('oracle-extra', file);
      const mismatches = [
        ...(base ? compare(file, base, BASE_FIELDS) : []),
        ...(extra ? compare(file, extra, EXTRA_FIELDS) : []),
      ];
      expect(mismatches.slice(0, 20)).toEqual([]);
    });
  }

  it('prints the agreement table', () => {
    const rows = [...tallies.entries()].map(([field, t]) => ({
      field,
      agree: `${t.agree}/${t.total}`,
      pct: t.total ? ((100 * t.agree) / t.total).toFixed(1) + '%' : '-',
    }));
    console.log(
      '\nfield agreement with tshark:\n' +
        rows.map((r) => `  ${r.field.padEnd(22)} ${r.agree.padStart(9)} ${r.pct}`).join('\n'),
    );
    expect(rows.length).toBeGreaterThan(0);
  });
});
