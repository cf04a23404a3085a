// TCP's SEQ/ACK analysis on conversations that go wrong, whole -V trees and summary lines against
// tshark 4.0. The captures were built with scapy (sequence numbers kept consistent per flow):
// - tcp-analysis-loss: options in the handshake, a retransmission, a lost segment, three duplicate
//   ACKs with SACK and the fast retransmission after them, keep-alive and its ACK, zero window,
//   zero-window probe and its ACK, window update, ACKed unseen data, a spurious retransmission,
//   out-of-order data, a full window, RST, and the ports reused by a new SYN;
// - tcp-analysis-retransmissions: fast retransmission of data seen before, a late retransmission
//   filling a hole, out-of-order, spurious retransmissions (partly and wholly acknowledged);
// - tcp-analysis-rto: which frame a retransmission's RTO is measured from, with and without the
//   handshake and ACKs in between (the oldest segment not yet acknowledged);
// - tcp-analysis-fast: an ACK of unseen data makes the next hole-filling segment a fast
//   retransmission (Wireshark's duplicate-ACK count of -1), duplicate ACKs before a fast one.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { trawl } from '../../support/corpus.ts';
import { fixture, haveTshark } from '../../support/tshark-oracle.ts';

const FILES = [
  'tcp-analysis-loss.pcap',
  'tcp-analysis-retransmissions.pcap',
  'tcp-analysis-rto.pcap',
  'tcp-analysis-fast.pcap',
];

const tshark = (args: string[]): string =>
  spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;

describe('TCP analysis of lost, repeated and reordered segments', () => {
  it('names each case in Info as tshark does', () => {
    const lines = trawl(['-r', fixture('tcp-analysis-loss.pcap')]).stdout.split('\n');
    expect(lines[18]).toContain('[TCP ZeroWindowProbeAck] [TCP ZeroWindow] 9000 → 41000');
    expect(lines[21]).toContain('[TCP Spurious Retransmission] 41000 → 9000');
    expect(lines[26]).toContain('[TCP Port numbers reused] 41000 → 9000 [SYN]');
  });

  it.skipIf(!haveTshark).each(FILES)('%s: -V and the summary agree with tshark', (file) => {
    const path = fixture(file);
    expect(trawl(['-r', path]).stdout).toBe(tshark(['-r', path]));
    expect(trawl(['-r', path, '-V']).stdout).toBe(tshark(['-r', path, '-V']));
  });

  it.skipIf(!haveTshark)('filters on the analysis flags as tshark does', () => {
    const path = fixture('tcp-analysis-loss.pcap');
    for (const filter of [
      'tcp.analysis.retransmission',
      'tcp.analysis.fast_retransmission',
      'tcp.analysis.spurious_retransmission',
      'tcp.analysis.zero_window_probe_ack',
      'tcp.analysis.reused_ports',
      'tcp.analysis.duplicate_ack_frame == 8',
    ]) {
      const args = ['-r', path, '-Y', filter, '-T', 'fields', '-e', 'frame.number'];
      expect(trawl(args).stdout, filter).toBe(tshark(args));
    }
  });
});
