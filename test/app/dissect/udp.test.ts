// UDP on built datagrams cut short by the snaplen, against tshark on the same frames.
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { udpFrame } from '../../support/tcp-frames.ts';
import { haveTshark, trawlRow, tsharkRows } from '../../support/tshark-oracle.ts';
import { pcapFile, tempDir } from '../../support/pcap-bytes.ts';

const FIELDS = ['_ws.col.Protocol', '_ws.col.Info', 'frame.protocols'];

describe('UDP payloads of which no byte was captured', () => {
  it('go to no dissector, and the frame ends cut short (as tshark, on any port)', () => {
    const ports = [40007, 53, 123, 5353];
    const whole = ports.map((dport, i) =>
      udpFrame({ src: 1, dst: 2, sport: 40000 + i, dport }, 'A'.repeat(100)),
    );
    const state = new CaptureState();
    const ours = whole.map((f, i) =>
      trawlRow(dissectHex(f.subarray(0, 42), 1, { number: i + 1, origLen: f.length }, state), FIELDS),
    );
    for (const row of ours) {
      expect(row[2]).toBe('eth:ethertype:ip:udp');
      expect(row[1]).toMatch(/Len=100\[Packet size limited during capture\]$/);
    }
    if (!haveTshark) return;
    const dir = tempDir('trawl-udp-');
    try {
      const records = whole.map((data, i) => ({
        tsSec: i,
        tsFrac: 0,
        data: data.subarray(0, 42),
        origLen: data.length,
      }));
      expect(ours).toEqual(
        tsharkRows(dir.file('cut.pcap', pcapFile({ linkType: 1 }, records)), FIELDS, true),
      );
    } finally {
      dir.cleanup();
    }
  });
});
