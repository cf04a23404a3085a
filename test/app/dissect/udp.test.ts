// UDP on built datagrams cut short by the snaplen, against tshark on the same frames.
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { udpFrame } from '../../support/tcp-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows, tsharkRows } from '../../support/tshark-oracle.ts';
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

describe('transport headers cut short, and an IPv6 payload length of 0', () => {
  /** Ethernet + IPv4 (10.0.0.1 -> 10.0.0.2) carrying `payload` as IP protocol `proto`. */
  const v4 = (proto: number, payload: number[]): Uint8Array =>
    Uint8Array.from([
      ...[0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00],
      ...[0x45, 0, 0, 20 + payload.length, 0, 1, 0, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2],
      ...payload,
    ]);
  /** Ethernet + IPv6 (fe80::1 -> fe80::2) with next header `nxt` and payload length `plen`. */
  const v6 = (nxt: number, payload: number[], plen: number): Uint8Array =>
    Uint8Array.from([
      ...[0x33, 0x33, 0, 0, 0, 1, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x86, 0xdd],
      ...[0x60, 0, 0, 0, plen >> 8, plen & 0xff, nxt, 64],
      ...[0xfe, 0x80, ...new Array<number>(13).fill(0), 1, 0xfe, 0x80, ...new Array<number>(13).fill(0), 2],
      ...payload,
    ]);
  const udp = [0x03, 0xe8, 0x07, 0xd0, 0, 20, 0, 0, ...new Array<number>(12).fill(0x78)];
  const tcp = [0x03, 0xe8, 0x07, 0xd0, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x18, 0, 100, 0, 0, 0, 0, 1, 2, 3, 4];
  const echo = [8, 0, 0, 0, 0, 1, 0, 1, 0x61, 0x62, 0x63, 0x64];
  /** Frames with how many bytes of each were captured. */
  const cases: [Uint8Array, number][] = [
    [v4(17, udp), 36],
    [v4(6, tcp), 36],
    [v4(1, echo), 35],
    [v4(17, udp), 34],
    [v4(6, tcp), 34],
    [v6(58, echo, 0), 66],
    [v6(17, udp, 0), 74],
    [v6(6, tcp, 0), 78],
  ];

  it('show the transport layer that was cut, as tshark does', () => {
    const state = new CaptureState();
    const ours = cases.map(([f, cap], i) =>
      trawlRow(dissectHex(f.subarray(0, cap), 1, { number: i + 1, origLen: f.length }, state), FIELDS),
    );
    expect(ours[0]).toEqual(['IPv4', '[Packet size limited during capture]', 'eth:ethertype:ip:udp']);
    expect(ours[5]).toEqual(['ICMPv6', '[Malformed Packet]', 'eth:ethertype:ipv6:icmpv6']);
    if (!haveTshark) return;
    const dir = tempDir('trawl-cut-');
    try {
      const records = cases.map(([data, cap], i) => ({
        tsSec: i,
        tsFrac: 0,
        data: data.subarray(0, cap),
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

describe('traceroute probes', () => {
  it('names the hop and attempt of a port traceroute probes use, as tshark does', () => {
    const ports = [33434, 33435, 33437, 33438, 33464, 33465, 40000];
    const frames = ports.map((p) => udpFrame({ src: 1, dst: 2, sport: p, dport: p + 5 }, 'probe'));
    const FIELDS = ['udp.srcport', 'udp.dstport', '_ws.expert.message'];
    const state = new CaptureState();
    const ours = frames.map((f, i) => trawlRow(dissectHex(f, 1, { number: i + 1 }, state), FIELDS));
    expect(ours[2]).toEqual([
      '33437',
      '33442',
      'Possible traceroute: hop #1, attempt #3,Possible traceroute: hop #3, attempt #2',
    ]);
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(frames, 1, FIELDS));
  });
});
