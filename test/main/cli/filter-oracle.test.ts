// Display filters against tshark: for every expression of ../shared/filters and every corpus file,
// the frames `trawl -r FILE -Y EXPR` keeps must be the frames `tshark -Y` keeps, and the
// expressions tshark rejects must be rejected. Run in-process over the CLI's own code path (the
// reader, the dissectors, the compiled filter) so 3,000 pairs take seconds; a sample goes
// through the real CLI too.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../../app/dissect/modules.ts';
import { compileFilter } from '../../../app/filter/compile.ts';
import { parseArgs } from '../../../main/cli/args.ts';
import { Output } from '../../../main/cli/output.ts';
import { PacketPrinter } from '../../../main/cli/packet-printer.ts';
import { openCapture } from '../../../main/pcap/read.ts';
import { CORPUS, CORPUS_FILES, readTsv, trawl } from '../../support/corpus.ts';

const FILTERS = join(CORPUS, '../filters');
const expressions = readFileSync(join(FILTERS, 'filters.txt'), 'utf8').split('\n').filter(Boolean);
const expected = readTsv(join(FILTERS, 'expected.tsv'));

/** Where tshark keeps other frames for a reason a packet-at-a-time decoder does not share. */
const KNOWN_DIFFS: { expression?: RegExp; file: string; reason: string }[] = [];

/** The frames `trawl -r FILE -Y EXPRESSION` keeps, through the CLI's own packet loop. */
async function keptFrames(expression: string, file: string): Promise<string> {
  const path = join(CORPUS_FILES, file);
  const opts = parseArgs(['-r', path, '-Y', expression]);
  const compiled = compileFilter(expression, defaultRegistry());
  if (!compiled.ok) throw new Error(compiled.error.message);
  const printer = new PacketPrinter(opts, [], compiled.filter, new Output(), true);
  const kept: number[] = [];
  try {
    for await (const batch of openCapture(path)) {
      for (let i = 0; i < batch.count; i++) {
        const packet = printer.take(batch, i);
        if (packet) kept.push(packet.meta.number);
      }
    }
  } catch {
    // a broken file: tshark also filters the packets before the fault
  }
  return kept.join(',');
}

describe('display filters agree with tshark -Y', () => {
  for (const expression of expressions) {
    const rows = expected.rows.filter((r) => r[0] === expression);
    const rejected = rows.some((r) => r[2] === 'ERROR');
    it(expression, async () => {
      const compiled = compileFilter(expression, defaultRegistry());
      if (rejected) {
        expect(compiled.ok, 'tshark rejects this expression').toBe(false);
        return;
      }
      expect(compiled.ok ? '' : compiled.error.message).toBe('');
      const mismatches: string[] = [];
      for (const [, file = '', frames = ''] of rows) {
        if (KNOWN_DIFFS.some((k) => k.file === file && (!k.expression || k.expression.test(expression))))
          continue;
        const got = await keptFrames(expression, file);
        if (got !== frames) mismatches.push(`${file}: tshark [${frames}] trawl [${got}]`);
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('the CLI gives the same frames and tshark exit status', () => {
    const file = join(CORPUS_FILES, 'pcpp__VlanPackets.pcap');
    const row = expected.rows.find((r) => r[0] === 'vlan.id == 10' && r[1] === 'pcpp__VlanPackets.pcap');
    const got = trawl(['-r', file, '-Y', 'vlan.id == 10', '-T', 'fields', '-e', 'frame.number']);
    expect(got.stdout.trim().split('\n').filter(Boolean).join(',')).toBe(row?.[2]);
    const bad = trawl(['-r', file, '-Y', 'ip.src == 300.1.1.1']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('300.1.1.1');
  });
});

const hasTshark = spawnSync('tshark', ['--version']).status === 0;

/**
 * Expressions of our own, checked against tshark run here: fields a differential run over the
 * corpus found disagreeing (URI parts only for a URI with a query, NFLOG's field names), the new
 * dissectors' fields, and header fields the engine reads from the bytes.
 */
const LIVE: { file: string; expression: string }[] = [
  {
    file: 'pcpp__four_ipv6_http_streams.pcap',
    expression: 'http.request.uri.query.parameter contains "RL="',
  },
  { file: 'pcpp__TcpPacketWithOptions.pcap', expression: 'http.request.uri.path == "/"' },
  { file: 'pcpp__raw_ip.pcap', expression: 'http.request.uri.query || http.request.uri.path' },
  { file: 'tcpdump__nflog.pcap', expression: 'nflog.res_id == 20 && nflog.protocol == 0x0800' },
  { file: 'pcpp__EthDot3.pcap', expression: 'stp.root.cost > 0 || stp.flags.tc == 1' },
  { file: 'pcpp__VlanPackets.pcap', expression: 'cdp.deviceid contains "R" || cdp.ttl < 200' },
  { file: 'pcpp__many_interfaces-1.pcapng', expression: 'db-lsp-disc && json.member' },
  { file: 'pcpp__null_loopback.pcap', expression: 'bjnp || !ip' },
  { file: 'pcpp__tls.pcap', expression: 'tcp.flags.push == 1 && tcp.srcport > tcp.dstport' },
  { file: 'pcpp__ipv4-options.pcap', expression: 'ip.ttl >= 64 || ip.len > 100' },
  { file: 'pcpp__IcmpPackets.pcap', expression: 'icmp && ip.proto == 1 && count(ip.addr) == 4' },
  { file: 'pcpp__4KHttpRequests.pcap', expression: 'tcp.time_delta > 0.0005 || tcp.time_relative == 0' },
  { file: 'pcpp__tls.pcap', expression: 'tcp.time_relative > 0.003' },
  // Dates and times (FT_ABSOLUTE_TIME) compare as times, in every form tshark reads them.
  { file: 'tcpdump__ntp.pcap', expression: 'ntp.xmt > "2000-01-01" && ntp.xmt < "Jun 19, 2017 14:30:00"' },
  { file: 'tcpdump__ntp.pcap', expression: 'ntp.reftime == "1970-01-01 00:00:00"' },
  { file: 'pcpp__IcmpPackets.pcap', expression: 'icmp.data_time >= "2016-01-01"' },
  { file: 'pcpp__tls.pcap', expression: 'tls.handshake.random_time < "2013-01-01T00:00:00Z"' },
  {
    file: 'pcpp__many_interfaces-1.pcapng',
    expression: 'frame.time >= "Aug 16, 2015 19:35:27" && frame.time < "2015-08-16 19:35:28.2"',
  },
  { file: 'pcpp__many_interfaces-1.pcapng', expression: 'frame.time_epoch >= 1439753727.5' },
  // String values hold the packet's control characters; only -T fields escapes them.
  { file: 'packetnet__ipv6_http.pcap', expression: 'http.request.line contains "\\r\\n"' },
  { file: 'pcpp__4KHttpRequests.pcap', expression: 'http.request.line matches "^Host: .*\\r\\n$"' },
  { file: 'packetnet__ipv6_http.pcap', expression: 'http.request.line contains "\\\\r"' },
];

describe.skipIf(!hasTshark)('our own display filters agree with tshark -Y run here', () => {
  for (const { file, expression } of LIVE) {
    it(`${file}: ${expression}`, async () => {
      const path = join(CORPUS_FILES, file);
      const r = spawnSync('tshark', ['-r', path, '-Y', expression, '-T', 'fields', '-e', 'frame.number'], {
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      expect(await keptFrames(expression, file)).toBe(r.stdout.trim().split('\n').filter(Boolean).join(','));
    });
  }
});
