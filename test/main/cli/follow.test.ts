// Follow TCP/UDP Stream on the command line (-q -z follow,…), against tshark's own output: corpus
// conversations in every mode, and built connections with a retransmission, segments out of
// order and a gap the receiver acknowledged.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_FILES, trawl } from '../../support/corpus.ts';
import { both, ipFrame, oracleReady, tcpSegment, udpIpFrame } from '../../support/proto-oracle.ts';

const tshark = (args: readonly string[]): string =>
  spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A segment 10.0.0.1:40000 ⇄ 10.0.0.2:8080 with raw sequence and acknowledgement numbers. */
function seg(toServer: boolean, seq: number, ack: number, payload = '', flags = 0x18): Uint8Array {
  const ports = toServer ? { sport: 40000, dport: 8080 } : { sport: 8080, dport: 40000 };
  const s = tcpSegment({ ...ports, seq, ack, flags, payload: text(payload) });
  return toServer ? ipFrame(6, s, 1, 2) : ipFrame(6, s, 2, 1);
}

const HANDSHAKE = [
  seg(true, 1000, 0, '', 0x02),
  seg(false, 5000, 1001, '', 0x12),
  seg(true, 1001, 5001, '', 0x10),
];

describe.runIf(oracleReady)('follow on the command line', () => {
  const corpus = (name: string): string => join(CORPUS_FILES, name);

  it('prints every mode of every stream of a corpus capture as tshark does', () => {
    const file = corpus('pcpp__four_ipv6_http_streams.pcap');
    for (const mode of ['ascii', 'hex', 'raw', 'yaml'])
      for (const stream of [0, 3]) {
        const args = ['-r', file, '-q', '-z', `follow,tcp,${mode},${stream}`];
        const want = tshark(args);
        expect(want).toMatch(mode === 'yaml' ? /peers:\n {2}- peer: 0\n/ : /Filter: tcp\.stream eq \d/);
        expect(trawl(args).stdout, `${mode} ${stream}`).toBe(want);
      }
  });

  it('follows UDP datagrams one chunk each, as tshark', () => {
    const file = corpus('pcpp__DnsPackets.pcap');
    for (const mode of ['ascii', 'hex']) {
      const args = ['-r', file, '-q', '-z', `follow,udp,${mode},0`];
      expect(trawl(args).stdout).toBe(tshark(args));
    }
    const frames = [udpIpFrame(5000, 6000, text('ping\n')), udpIpFrame(5000, 6000, text('again'))];
    const out = both(frames, ['-q', '-z', 'follow,udp,hex,0']);
    expect(out.trawl).toBe(out.tshark);
  });

  it('drops a retransmission and puts out-of-order segments in sequence order', () => {
    const frames = [
      ...HANDSHAKE,
      seg(true, 1001, 5001, 'GET / HTTP/1.0\r\n'),
      seg(true, 1001, 5001, 'GET / HTTP/1.0\r\n'), // retransmitted whole
      seg(true, 1017 + 6, 5001, 'world\r\n'), // arrives before the segment it follows
      seg(true, 1017, 5001, 'Hello '),
      seg(false, 5001, 1030, 'HTTP/1.0 200 OK\r\n'),
      seg(true, 1017, 5018, 'Hello world\r\n!'), // overlaps what was sent, one new byte
    ];
    for (const mode of ['ascii', 'hex', 'yaml']) {
      const out = both(frames, ['-q', '-z', `follow,tcp,${mode},0`]);
      expect(out.tshark).toMatch(/Node 0: 10\.0\.0\.1:40000|host: 10\.0\.0\.1\n {4}port: 40000/);
      expect(out.trawl, mode).toBe(out.tshark);
    }
  });

  it('marks the bytes the receiver acknowledged but the capture lacks as missing', () => {
    const frames = [
      ...HANDSHAKE,
      seg(true, 1001, 5001, 'first '),
      // 10 bytes (1007..1016) never captured; the server acknowledges past them.
      seg(true, 1017, 5001, 'after the gap'),
      seg(false, 5001, 1030, 'OK'),
    ];
    const out = both(frames, ['-q', '-z', 'follow,tcp,ascii,0']);
    expect(out.tshark).toContain('missing in capture file');
    expect(out.trawl).toBe(out.tshark);
  });

  it('prints the empty stream tshark prints for a stream the file does not have', () => {
    const args = ['-r', corpus('pcpp__four_ipv6_http_streams.pcap'), '-q', '-z', 'follow,tcp,ascii,99'];
    expect(trawl(args).stdout).toBe(tshark(args));
  });

  it('refuses a malformed -z with the part that is wrong', () => {
    const file = corpus('pcpp__four_ipv6_http_streams.pcap');
    const cases: [string, RegExp][] = [
      ['follow,sctp,ascii,0', /Invalid -z argument "follow,sctp,ascii,0"; it must be one of:/],
      ['follow,tcp,ebcdic,0', /Invalid display mode "ebcdic"/],
      ['follow,tcp,ascii,x', /Invalid stream index "x"/],
      ['follow,tcp,ascii', /Invalid stream index ""/],
    ];
    for (const [z, message] of cases) {
      const r = trawl(['-r', file, '-q', '-z', z]);
      expect(r.status, z).toBe(1);
      expect(r.stderr, z).toMatch(message);
      expect(r.stdout, z).toBe('');
    }
  });
});
