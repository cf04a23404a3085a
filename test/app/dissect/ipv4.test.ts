import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { columnsOf } from '../../../app/dissect/columns.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { udpFrame } from '../../support/tcp-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// Expected values are tshark 4.0.17's (`-T fields`, `-V`, `-T pdml`) for the same frames.

// pcpp__ipv4-options.pcap frame 1: CIPSO and EOL options, ICMP echo reply
const OPTIONS_CIPSO = `
  00000000 00000000 00000000 08004b00 006c7837 00004001 752d7f00 00017f00
  00018616 00000002 02100002 00000002 00040005 000600ef 00000000 29508c0a
  0001924d ae45130e 0c000809 0a0b0c0d 0e0f1011 12131415 16171819 1a1b1c1d
  1e1f2021 22232425 26272829 2a2b2c2d 2e2f3031 32333435 3637
`;
// pcpp__ipv4-options.pcap frame 4: record route option, TCP RST
const OPTIONS_RR = `
  08002719 1c78c412 f5ff72e8 08004f00 00500000 40004006 ead80a00 008a0a00
  00060727 10010203 040a0000 8a0a0000 8a000000 00000000 00000000 00000000
  00000000 00000000 00000000 0a850000 00001928 c73a5014 0000b059 0000
`;
// pcpp__ipv4-options.pcap frame 6: strict source route, the real destination is in the option
const OPTIONS_SSR = `
  c412f5ff 72e80800 27191c78 08004700 0024334c 00004001 28710a00 00060a00
  008a0189 07040000 00000800 5d079af6 0002
`;
// pcpp__ip4_fragments.pcap frame 1, first 96 of 1514 bytes: first fragment (MF set, offset 0)
const FIRST_FRAGMENT = `
  000bdb94 1470000b db941480 08004500 05dc1ea0 20004011 75dd0a76 d5d40a76
  d5d30315 08012080 85f6a139 28f70000 00000000 00020001 86a30000 00030000
  00070000 00010000 00200032 f2bc0000 0008726e 63746573 74320000 02340000
`;
// pcpp__ip4_fragments.pcap frame 2, first 80 of 1514 bytes: a later fragment
const LATER_FRAGMENT = `
  000bdb94 1470000b db941480 08004500 05dc1ea0 20b94011 75240a76 d5d40a76
  d5d32e2e 2e2e2e2e 2e2e2e2e 2e2e2e2e 2e2e2e2e 2e2e2e2e 2e2e2e2e 2e2e2e2e
  2e2e0a5b 696e6974 69616c5d 20566172
`;
// tcpdump__ipv4_invalid_hdr_length.pcap frame 1: header length 16
const BAD_HEADER_LENGTH = `
  c0d68236 032bf04d a23d5da3 08004400 0054f1a6 00004011 45948cd3 09ce2d21
  7f9c98b7 00350040 6ecb92aa 01200001 00000000 00010377 77770774 63706475
  6d70036f 72670000 01000100 002904d0 00000000 000c000a 00088bc0 e5f53e71
  3bbd
`;
// tcpdump__tfo-5c1fa7f9ae91.pcap frame 6: 40-byte datagram in a 60-byte frame
const PADDED = `
  b0750c00 00021c7e e54ca1cc 08004500 00280007 0000fe06 a4b10909 09090303
  030332f7 32fe0d05 af65f087 33f65010 05784b67 00000000 00000000
`;

const truncatedMeta = (hex: string, origLen: number) => ({ origLen, capLen: hexToBytes(hex).length });

describe('ipv4', () => {
  it('decodes the fixed header with offsets and tshark labels', () => {
    const d = dissectHex(OPTIONS_CIPSO);
    expect(d.value('ip.version')).toBe('4');
    expect(d.value('ip.hdr_len')).toBe('44');
    expect(d.value('ip.dsfield')).toBe('0x00');
    expect(d.value('ip.dsfield.dscp')).toBe('0');
    expect(d.value('ip.len')).toBe('108');
    expect(d.value('ip.id')).toBe('0x7837');
    expect(d.value('ip.flags')).toBe('0x00');
    expect(d.value('ip.frag_offset')).toBe('0');
    expect(d.value('ip.ttl')).toBe('64');
    expect(d.value('ip.proto')).toBe('1');
    expect(d.value('ip.checksum')).toBe('0x752d');
    expect(d.value('ip.src')).toBe('127.0.0.1');
    expect(d.value('ip.addr')).toBe('127.0.0.1,127.0.0.1');
    const [ip] = d.nodes('ip');
    expect([ip?.offset, ip?.length]).toEqual([14, 44]);
    expect(ip && nodeLabel(ip)).toBe('Internet Protocol Version 4, Src: 127.0.0.1, Dst: 127.0.0.1');
    const [hdrLen] = d.nodes('ip.hdr_len');
    expect(hdrLen && nodeLabel(hdrLen)).toBe('.... 1011 = Header Length: 44 bytes (11)');
    const [ds] = d.nodes('ip.dsfield');
    expect(ds && nodeLabel(ds)).toBe('Differentiated Services Field: 0x00 (DSCP: CS0, ECN: Not-ECT)');
    const [proto] = d.nodes('ip.proto');
    expect(proto && nodeLabel(proto)).toBe('Protocol: ICMP (1)');
    const [src] = d.nodes('ip.src');
    expect([src?.offset, src?.length]).toEqual([26, 4]);
    expect(d.nodes('ip.addr')[0]?.def?.hidden).toBe(true);
  });

  it('decodes options like tshark (CIPSO, EOL)', () => {
    const d = dissectHex(OPTIONS_CIPSO);
    expect(d.value('ip.opt.type')).toBe('134,0');
    expect(d.value('ip.options.cipso')).toBe('861600000002021000020000000200040005000600ef');
    expect(d.value('ip.cipso.categories')).toBe('0,2,4,5,6,239');
    const [cipso] = d.nodes('ip.options.cipso');
    expect([cipso?.offset, cipso?.length]).toEqual([34, 22]);
    expect(cipso && nodeLabel(cipso)).toBe('IP Option - Commercial Security (22 bytes)');
    const [options] = d.nodes('ip._options');
    expect(options && nodeLabel(options)).toBe('Options: (24 bytes), Commercial Security');
    const [number] = d.nodes('ip.opt.type.number');
    expect(number && nodeLabel(number)).toBe('...0 0110 = Number: Commercial IP security option (6)');
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:icmp:data');
    expect(d.pinfo.info).toBe('Echo (ping) reply    id=0x8c0a, seq=1/256, ttl=64');
  });

  it('decodes a record route option', () => {
    const d = dissectHex(OPTIONS_RR);
    expect(d.value('ip.opt.type')).toBe('7,0');
    expect(d.value('ip.opt.ptr')).toBe('16');
    expect(d.value('ip.rec_rt')).toBe('1.2.3.4,10.0.0.138,10.0.0.138');
    expect(d.value('ip.empty_rt')).toBe('0.0.0.0,0.0.0.0,0.0.0.0,0.0.0.0,0.0.0.0,0.0.0.0');
    const [next] = d.nodes('ip.empty_rt');
    expect(next && nodeLabel(next)).toBe('Empty Route: 0.0.0.0 <- (next)');
    expect(d.pinfo.info).toBe('0 → 2693 [RST, ACK] Seq=1 Ack=1 Win=0 Len=0');
  });

  it('takes the destination of a strict source route from the option', () => {
    const d = dissectHex(OPTIONS_SSR);
    expect(d.value('ip.src')).toBe('10.0.0.6');
    expect(d.value('ip.dst')).toBe('0.0.0.0');
    expect(d.value('ip.cur_rt')).toBe('10.0.0.138');
    expect(d.value('ip.addr')).toBe('10.0.0.6,0.0.0.0');
    expect(d.nodes('ip.dst')[0]?.offset).toBe(38);
    const [ip] = d.nodes('ip');
    expect(ip && nodeLabel(ip)).toBe(
      'Internet Protocol Version 4, Src: 10.0.0.6, Dst: 0.0.0.0, Via: 10.0.0.138',
    );
    expect(columnsOf(d.pinfo)).toMatchObject({
      source: '10.0.0.6',
      destination: '0.0.0.0',
      protocol: 'ICMP',
    });
    expect(d.pinfo.info).toBe('Echo (ping) request  id=0x9af6, seq=2/512, ttl=64');
  });

  it('dissects the payload of a first fragment, as tshark without reassembly', () => {
    const d = dissectHex(FIRST_FRAGMENT, 1, truncatedMeta(FIRST_FRAGMENT, 1514));
    expect(d.value('ip.flags')).toBe('0x01');
    expect(d.value('ip.flags.mf')).toBe('1');
    const [flags] = d.nodes('ip.flags');
    expect(flags && nodeLabel(flags)).toBe('001. .... = Flags: 0x1, More fragments');
    expect(d.value('udp.srcport')).toBe('789');
    // The UDP length (8320) is longer than this fragment: no bad-length complaint in a fragment.
    expect(d.value('udp.length')).toBe('8320');
    expect(d.pinfo.malformed).toBe(false);
  });

  it('shows a later fragment as data with tshark Info', () => {
    const d = dissectHex(LATER_FRAGMENT, 1, truncatedMeta(LATER_FRAGMENT, 1514));
    expect(d.value('ip.frag_offset')).toBe('185');
    const [off] = d.nodes('ip.frag_offset');
    expect(off && nodeLabel(off)).toBe('...0 0000 1011 1001 = Fragment Offset: 1480');
    expect(d.pinfo.proto).toBe('IPv4');
    expect(d.pinfo.info).toBe('Fragmented IP protocol (proto=UDP 17, off=1480, ID=1ea0)');
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:data');
    expect(d.nodes('udp.srcport')).toHaveLength(0);
  });

  it('stops at a bogus header length with the expert note, as tshark', () => {
    const d = dissectHex(BAD_HEADER_LENGTH);
    expect(d.pinfo.proto).toBe('IPv4');
    expect(d.pinfo.info).toBe('Bogus IP header length (16, must be at least 20)');
    expect(d.value('ip.hdr_len')).toBe('16');
    const [ip] = d.nodes('ip');
    expect([ip?.offset, ip?.length]).toEqual([14, 16]);
    expect(ip && nodeLabel(ip)).toBe('Internet Protocol Version 4');
    const [hdrLen] = d.nodes('ip.hdr_len');
    expect(hdrLen?.children?.[0]?.label).toBe(
      '[Expert Info (Error/Protocol): Bogus IP header length (16, must be at least 20)]',
    );
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip');
    expect(d.nodes('ip.src')).toHaveLength(0);
    expect(columnsOf(d.pinfo).source).toBe('f0:4d:a2:3d:5d:a3');
    expect(d.pinfo.malformed).toBe(false);
  });

  it('ends at the total length, so Ethernet shows the rest as padding', () => {
    const d = dissectHex(PADDED);
    expect(d.value('ip.len')).toBe('40');
    expect(d.value('tcp.len')).toBe('0');
    expect(d.value('eth.padding')).toBe('000000000000');
    expect(d.nodes('eth.padding')[0]?.offset).toBe(54);
  });

  it('sets the network addresses for the columns', () => {
    const d = dissectHex(OPTIONS_RR);
    expect(columnsOf(d.pinfo)).toMatchObject({
      source: '10.0.0.138',
      destination: '10.0.0.6',
      protocol: 'TCP',
    });
  });

  it('notes a truncated header instead of throwing', () => {
    const cut = OPTIONS_RR.replace(/\s/g, '').slice(0, 2 * 40);
    const d = dissectHex(cut, 1, { origLen: 94, capLen: 40 });
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip');
    const notes: string[] = [];
    const walk = (n: { label?: string; children?: unknown[] }[]): void => {
      for (const x of n) {
        if (x.label) notes.push(x.label);
        if (x.children) walk(x.children as { label?: string; children?: unknown[] }[]);
      }
    };
    walk(d.tree.roots);
    expect(notes).toContain('[Packet size limited during capture: IPv4 truncated]');
  });
});

describe('a first fragment whose total length runs past the frame', () => {
  it('is dissected as it is, not held for reassembly (as tshark)', () => {
    // UDP 1812 -> 8231 in a first fragment (MF) claiming 296 bytes, in a 79-byte frame.
    const frame = udpFrame({ src: 1, dst: 2, sport: 1812, dport: 8231 }, 'x'.repeat(37));
    const v = new DataView(frame.buffer);
    v.setUint16(16, 296);
    v.setUint16(20, 0x2000);
    const FIELDS = ['_ws.col.Protocol', '_ws.col.Info', 'frame.protocols'];
    const ours = trawlRow(dissectHex(frame), FIELDS);
    expect(ours[2]).toBe('eth:ethertype:ip:udp:data');
    if (haveTshark) expect([ours]).toEqual(tsharkFrameRows([frame], 1, FIELDS));
  });
});

describe('a datagram whose IP id comes back after it was reassembled', () => {
  /** A fragment of datagram `id` from 10.0.0.1 to 10.0.0.2 (UDP), at `offset` bytes. */
  function fragment(id: number, offset: number, more: boolean, payload: number[]): Uint8Array {
    const total = 20 + payload.length;
    const flags = (more ? 0x2000 : 0) | (offset >> 3);
    const ip = [
      0x45,
      0,
      total >> 8,
      total & 0xff,
      id >> 8,
      id & 0xff,
      flags >> 8,
      flags & 0xff,
      64,
      17,
      0,
      0,
    ];
    ip.push(10, 0, 0, 1, 10, 0, 0, 2);
    return Uint8Array.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00, ...ip, ...payload]);
  }
  // UDP 5000 → 5001, 16 bytes of payload: 8 in the first fragment with the header, 16 in the second.
  const udp = [0x13, 0x88, 0x13, 0x89, 0, 24, 0, 0, ...new Array<number>(16).fill(0x41)];
  const frames = [
    fragment(0x1ea3, 0, true, udp.slice(0, 16)),
    fragment(0x1ea3, 16, false, udp.slice(16)),
    // The last fragment again, after the datagram was complete.
    fragment(0x1ea3, 16, false, udp.slice(16)),
  ];

  it('reassembles it again when the completing frame is dissected again', () => {
    const state = new CaptureState();
    state.frameBytes = (n) => frames[n - 1] ?? null;
    const first = frames.map((f, i) => dissectHex(f, 1, { number: i + 1 }, state));
    expect(first[1]?.pinfo.layers).toContain('udp');
    const again = dissectHex(frames[1] as Uint8Array, 1, { number: 2 }, state);
    expect(again.pinfo.layers.join(':')).toBe(first[1]?.pinfo.layers.join(':'));
    expect(again.value('udp.srcport')).toBe('5000');
  });
});

describe('Time to Live notes', () => {
  /** A UDP datagram from 10.0.0.1 to `dst` with `ttl`, port 40000 → 9 (discard). */
  const datagram = (dst: readonly number[], ttl: number, protocol = 17): Uint8Array => {
    const f = udpFrame({ src: 1, dst: 2, sport: 40000, dport: 9 }, 'x');
    f.set(dst, 30);
    f[22] = ttl;
    f[23] = protocol;
    return f;
  };
  const cases = [
    datagram([224, 0, 0, 1], 1),
    datagram([224, 0, 0, 1], 64),
    datagram([224, 0, 0, 18], 1),
    datagram([224, 0, 0, 18], 255),
    datagram([224, 0, 0, 251], 64),
    datagram([224, 0, 0, 252], 64),
    datagram([239, 1, 1, 1], 1),
    datagram([10, 0, 0, 2], 1),
    datagram([10, 0, 0, 2], 4),
    datagram([10, 0, 0, 2], 5),
    datagram([255, 255, 255, 255], 2),
    datagram([10, 0, 0, 2], 1, 89),
    datagram([10, 0, 0, 2], 1, 103),
  ];
  const FIELDS = ['ip.dst', 'ip.ttl', '_ws.expert.message'];

  it('flags a TTL unusual for the destination, as tshark does', () => {
    const state = new CaptureState();
    const ours = cases.map((f, i) => trawlRow(dissectHex(f, 1, { number: i + 1 }, state), FIELDS));
    expect(ours[1]?.[2]).toBe(
      '"Time To Live" != 1 for a packet sent to the Local Network Control Block (see RFC 3171)',
    );
    expect(ours[7]?.[2]).toBe('"Time To Live" only 1');
    expect(ours[9]?.[2]).toBe('');
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(cases, 1, FIELDS));
  });
});
