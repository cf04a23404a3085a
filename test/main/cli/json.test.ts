// -T json as tshark 4.0 prints it: each packet's whole tree keyed by field names (hidden fields
// too), text-only items by their labels, `_tree` objects under items with a value; with -e, the
// chosen fields as arrays. Compared with tshark run here (skipped without it).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonString } from '../../../main/cli/json.ts';
import { CORPUS_FILES, trawl } from '../../support/corpus.ts';

const hasTshark = spawnSync('sh', ['-c', 'command -v tshark']).status === 0;

function tshark(args: readonly string[]): string {
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/**
 * tshark adds the OUI of each MAC address as hidden fields (eth.dst.oui, eth.addr.oui_resolved…)
 * from its vendor table; Trawl does not: those lines are left out of the comparison.
 */
const withoutOui = (text: string): string =>
  text
    .split('\n')
    .filter((l) => !l.includes('.oui'))
    .join('\n');

describe.skipIf(!hasTshark)('-T json agrees with tshark', () => {
  it.each([
    'tcpdump__ntp.pcap',
    'libpcap__vxlan.pcap',
    'tcpdump__icmpv6.pcap',
    'pcpp__EthDot3.pcap',
    'pcpp__ip4_fragments.pcap',
    'tcpdump__LINKTYPE_IPV6.pcap',
    'pcpp__null_loopback.pcap',
    'pcpp__SSL-ClientHello1.pcap',
    'tcpdump__empty.pcap',
  ])('%s', (file) => {
    const path = join(CORPUS_FILES, file);
    const ours = trawl(['-r', path, '-T', 'json']);
    expect(ours.status, ours.stderr).toBe(0);
    expect(ours.stdout).toBe(withoutOui(tshark(['-r', path, '-T', 'json'])));
    expect(() => JSON.parse(ours.stdout) as unknown).not.toThrow();
  });

  it('prints the -e fields of every packet as arrays, as tshark', () => {
    const fields = ['frame.number', 'ip.src', 'tcp.port', 'http.request.line', 'tcp.payload', '_ws.col.Info'];
    const args = fields.flatMap((f) => ['-e', f]);
    for (const file of ['pcpp__TwoHttpRequests.pcap', 'pcpp__DnsPackets.pcap', 'pcpp__tls1_3.pcap']) {
      const path = join(CORPUS_FILES, file);
      const ours = trawl(['-r', path, '-T', 'json', ...args]);
      expect(ours.stdout, file).toBe(tshark(['-r', path, '-T', 'json', ...args]));
    }
  });
});

describe('-T json', () => {
  it('keeps duplicate keys in tree order and nests subtrees under NAME_tree', () => {
    const out = trawl(['-r', join(CORPUS_FILES, 'tcpdump__ntp.pcap'), '-T', 'json', '-c', '1']).stdout;
    expect(out).toContain('          "udp.port": "58054",\n          "udp.port": "123",');
    expect(out).toContain(
      '          "ntp.flags": "0x23",\n          "ntp.flags_tree": {\n            "ntp.flags.li": "0",',
    );
    expect(out).toContain('          "Timestamps": {');
    const packets = JSON.parse(out) as { _index: string; _source: { layers: Record<string, unknown> } }[];
    expect(packets).toHaveLength(1);
    expect(packets[0]?._index).toBe('packets-2017-06-19');
    expect(Object.keys(packets[0]?._source.layers ?? {})).toEqual(['frame', 'eth', 'ip', 'udp', 'ntp']);
  });

  it('escapes strings as tshark: control characters, quotes and backslashes, nothing else', () => {
    expect(jsonString('a"b\\c\r\n\t\u0001é/')).toBe('"a\\"b\\\\c\\r\\n\\t\\u0001é/"');
  });

  it('refuses -x with -T json', () => {
    const r = trawl(['-r', join(CORPUS_FILES, 'tcpdump__ntp.pcap'), '-T', 'json', '-x']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('-x with -T json');
  });
});
