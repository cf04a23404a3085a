import { describe, expect, it } from 'vitest';
import { columnsOf } from '../../../app/dissect/columns.ts';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// Expected values are tshark 4.0.17's for the same frames.

// libpcap__ipv6_ext_headers.pcap frame 1: hop-by-hop, then 33 x (routing, fragment, dst options), UDP
const EXT_HEADERS = `
  00000000 00020000 00000001 86dd6000 00000332 00402001 0db80000 00000000
  00000000 00012001 0db80000 00000000 00000000 00022b00 01040102 00002c00
  00000000 00003c00 00000000 00012b00 01040102 00002c00 00000000 00003c00
  00000000 00042b00 01040102 00002c00 00000000 00003c00 00000000 00072b00
  01040102 00002c00 00000000 00003c00 00000000 000a2b00 01040102 00002c00
  00000000 00003c00 00000000 000d2b00 01040102 00002c00 00000000 00003c00
  00000000 00102b00 01040102 00002c00 00000000 00003c00 00000000 00132b00
  01040102 00002c00 00000000 00003c00 00000000 00162b00 01040102 00002c00
  00000000 00003c00 00000000 00192b00 01040102 00002c00 00000000 00003c00
  00000000 001c2b00 01040102 00002c00 00000000 00003c00 00000000 001f2b00
  01040102 00002c00 00000000 00003c00 00000000 00222b00 01040102 00002c00
  00000000 00003c00 00000000 00252b00 01040102 00002c00 00000000 00003c00
  00000000 00282b00 01040102 00002c00 00000000 00003c00 00000000 002b2b00
  01040102 00002c00 00000000 00003c00 00000000 002e2b00 01040102 00002c00
  00000000 00003c00 00000000 00312b00 01040102 00002c00 00000000 00003c00
  00000000 00342b00 01040102 00002c00 00000000 00003c00 00000000 00372b00
  01040102 00002c00 00000000 00003c00 00000000 003a2b00 01040102 00002c00
  00000000 00003c00 00000000 003d2b00 01040102 00002c00 00000000 00003c00
  00000000 00402b00 01040102 00002c00 00000000 00003c00 00000000 00432b00
  01040102 00002c00 00000000 00003c00 00000000 00462b00 01040102 00002c00
  00000000 00003c00 00000000 00492b00 01040102 00002c00 00000000 00003c00
  00000000 004c2b00 01040102 00002c00 00000000 00003c00 00000000 004f2b00
  01040102 00002c00 00000000 00003c00 00000000 00522b00 01040102 00002c00
  00000000 00003c00 00000000 00552b00 01040102 00002c00 00000000 00003c00
  00000000 00582b00 01040102 00002c00 00000000 00003c00 00000000 005b2b00
  01040102 00002c00 00000000 00003c00 00000000 005e2b00 01040102 00002c00
  00000000 00003c00 00000000 00611100 01040102 00003039 d4310012 becf5465
  73745061 636b6574
`;
// tcpdump__ipv6-routing-header.pcap frame 1: type 0 routing header with one segment left
const ROUTING = `
  0013c4c7 84f00012 3fae22f7 86dd6000 00000020 2b042200 00000000 02440212
  3ffffeae 22f72200 00000000 02400002 00000000 00043a02 00010000 00002200
  00000000 02100002 00000000 00048000 d3ab0000 0000
`;
// tcpdump__ipv6_jumbogram_1.pcap frame 1, first 118 of 65590 bytes: payload length 0, Jumbo option
const JUMBOGRAM = `
  0013c4c7 84f00012 3fae22f7 86dd6000 00000000 00e32200 00000000 02440212
  3ffffeae 22f72200 00000000 02400002 00000000 00043a00 c2040001 00008000
  e3b011e0 c91ef4b5 e35eff52 cb42747e b65f9e5f be3c591a 535971da 4a6426c2
  8a0fa9eb a6449b3e 9c124046 86698f94 6d01ee0c 1d67
`;
// tcpdump__ipv6-bad-version.pcap frame 2: ethertype 0x86dd, version 0
const BAD_VERSION = `
  33330000 00012484 3feb3cee 86dd0000 00000020 3afffe80 00000000 0000020c
  29fffe76 6c14ff02 00000000 00000000 00000000 00018800 ab130000 0000fe80
  00000000 0000020c 29fffe76 6c140201 24843feb 3cee
`;
// tcpdump__LINKTYPE_IPV6.pcap frame 1 (link type 229: the frame is the IPv6 packet)
const RAW_IPV6 = `
  60000000 00251140 20010db8 00000000 00000000 00000001 262000fe 00000000
  00000000 00000009 30390035 002598b3 12340100 00010000 00000000 07657861
  6d706c65 03636f6d 00000100 01
`;

describe('ipv6', () => {
  it('decodes the fixed header', () => {
    const d = dissectHex(RAW_IPV6, 229);
    expect(d.pinfo.layers.slice(1).join(':')).toMatch(/^ipv6:udp:/);
    expect(d.value('ipv6.version')).toBe('6');
    expect(d.value('ipv6.tclass')).toBe('0x00000000');
    expect(d.value('ipv6.flow')).toBe('0x000000');
    expect(d.value('ipv6.plen')).toBe('37');
    expect(d.value('ipv6.nxt')).toBe('17');
    expect(d.value('ipv6.hlim')).toBe('64');
    expect(d.value('ipv6.src')).toBe('2001:db8::1');
    expect(d.value('ipv6.dst')).toBe('2620:fe::9');
    expect(d.value('ipv6.addr')).toBe('2001:db8::1,2620:fe::9');
    expect(d.value('ip.version')).toBe('6');
    const [ipv6] = d.nodes('ipv6');
    expect([ipv6?.offset, ipv6?.length]).toEqual([0, 40]);
    expect(ipv6 && nodeLabel(ipv6)).toBe('Internet Protocol Version 6, Src: 2001:db8::1, Dst: 2620:fe::9');
    const [tclass] = d.nodes('ipv6.tclass');
    expect(tclass && nodeLabel(tclass)).toBe(
      '.... 0000 0000 .... .... .... .... .... = Traffic Class: 0x00 (DSCP: CS0, ECN: Not-ECT)',
    );
    const [flow] = d.nodes('ipv6.flow');
    expect([flow?.offset, flow?.length]).toEqual([1, 3]);
    expect(flow && nodeLabel(flow)).toBe('.... 0000 0000 0000 0000 0000 = Flow Label: 0x00000');
    expect(d.value('udp.length')).toBe('37');
    expect(columnsOf(d.pinfo)).toMatchObject({ source: '2001:db8::1', destination: '2620:fe::9' });
  });

  it('walks a long chain of extension headers as tshark', () => {
    const d = dissectHex(EXT_HEADERS);
    const chain = ['ipv6.hopopts', ...Array<string>(33).fill('ipv6.routing:ipv6.fraghdr:ipv6.dstopts')].join(
      ':',
    );
    expect(d.pinfo.layers.slice(1).join(':')).toBe(`eth:ethertype:ipv6:${chain}:udp:data`);
    const [ipv6] = d.nodes('ipv6');
    expect([ipv6?.offset, ipv6?.length]).toEqual([14, 840]);
    expect(d.nodes('ipv6.hopopts')[0]?.offset).toBe(54);
    expect(d.value('ipv6.hopopts.nxt')).toBe('43');
    expect(d.value('ipv6.hopopts.len_oct')).toBe('8');
    expect(d.nodes('ipv6.opt')[0]?.label).toBe('PadN');
    expect(d.value('ipv6.opt.padn').split(',')[0]).toBe('01020000');
    const [routing] = d.nodes('ipv6.routing');
    expect(routing && nodeLabel(routing)).toBe('Routing Header for IPv6 (Source Route)');
    expect(d.nodes('ipv6.fraghdr.ident').map((n) => n.value)).toHaveLength(33);
    expect(d.value('ipv6.fraghdr.ident').split(',')[1]).toBe('0x00000004');
    const [off] = d.nodes('ipv6.fraghdr.offset');
    expect(off && nodeLabel(off)).toBe('0000 0000 0000 0... = Offset: 0 (0 bytes)');
    expect(d.value('udp.srcport')).toBe('12345');
    expect(d.nodes('udp')[0]?.offset).toBe(854);
    expect(d.pinfo.info).toBe('12345 → 54321 Len=10');
  });

  it('shows the final destination of a routing header in the columns only', () => {
    const d = dissectHex(ROUTING);
    expect(d.value('ipv6.dst')).toBe('2200::240:2:0:0:4');
    expect(d.value('ipv6.routing.src.addr')).toBe('2200::210:2:0:0:4');
    expect(d.value('ipv6.routing.segleft')).toBe('1');
    const [addr] = d.nodes('ipv6.routing.src.addr');
    expect(addr && nodeLabel(addr)).toBe('Address[1]: 2200::210:2:0:0:4');
    expect(d.value('ipv6.src_slaac_mac')).toBe('00:12:3f:ae:22:f7');
    const [ipv6] = d.nodes('ipv6');
    expect(ipv6 && nodeLabel(ipv6)).toBe(
      'Internet Protocol Version 6, Src: 2200::244:212:3fff:feae:22f7, Dst: 2200::240:2:0:0:4',
    );
    expect(columnsOf(d.pinfo)).toMatchObject({
      source: '2200::244:212:3fff:feae:22f7',
      destination: '2200::210:2:0:0:4',
      protocol: 'ICMPv6',
      info: 'Echo (ping) request id=0x0000, seq=0, hop limit=4',
    });
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ipv6:ipv6.routing:icmpv6');
  });

  it('takes the length of a jumbogram from its hop-by-hop option', () => {
    const d = dissectHex(JUMBOGRAM, 1, { origLen: 65590, capLen: hexToBytes(JUMBOGRAM).length });
    expect(d.value('ipv6.plen')).toBe('0');
    const [plen] = d.nodes('ipv6.plen');
    expect(plen && nodeLabel(plen)).toBe('Payload Length: 0 (Jumbogram)');
    expect(d.value('ipv6.opt.jumbo')).toBe('65536');
    expect(d.nodes('ipv6.opt')[0]?.label).toBe('Jumbo Payload');
    expect(d.value('icmpv6.echo.identifier')).toBe('0x11e0');
    expect(d.value('icmpv6.echo.sequence_number')).toBe('51486');
    expect(d.pinfo.info).toBe('Echo (ping) request id=0x11e0, seq=51486, hop limit=227');
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ipv6:ipv6.hopopts:icmpv6:data');
  });

  it('rejects a bad version, leaving the bytes to the ethertype as data', () => {
    const d = dissectHex(BAD_VERSION);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:data');
    expect(d.pinfo.proto).toBe('0x86dd');
    expect(d.pinfo.info).toBe('IPv6');
    expect(d.value('ipv6.version')).toBe('0');
    const [version] = d.nodes('ipv6.version');
    expect(version?.children?.[0]?.label).toBe('[Expert Info (Error/Malformed): Bogus IPv6 version]');
    expect(d.pinfo.malformed).toBe(true);
    expect(d.value('data.len')).toBe('72');
    expect(columnsOf(d.pinfo).source).toBe('24:84:3f:eb:3c:ee');
  });

  it('never throws on truncated headers', () => {
    for (let n = 15; n < 120; n += 7) {
      const cut = EXT_HEADERS.replace(/\s/g, '').slice(0, 2 * n);
      const d = dissectHex(cut, 1, { origLen: 872, capLen: n });
      expect(d.pinfo.layers[3]).toBe('ipv6');
    }
  });
});

describe('IPv6 option lengths and odd headers, against tshark on the same frames', () => {
  /** Raw IPv6 (link type 101) from ::1 to ::2 with one hop-by-hop header holding `options`. */
  function hopByHop(options: number[], after: number[] = []): Uint8Array {
    const body = [...options];
    while ((body.length + 2) % 8) body.push(0);
    const header = [59, (body.length + 2) / 8 - 1, ...body];
    const payload = [...header, ...after];
    const fixed = [0x60, 0, 0, 0, payload.length >> 8, payload.length & 0xff, 0, 64];
    const addr = (last: number): number[] => [...new Array<number>(15).fill(0), last];
    return new Uint8Array([...fixed, ...addr(1), ...addr(2), ...payload]);
  }
  const pad8 = new Array<number>(8).fill(0);
  const frames = [
    hopByHop([4, 2, 1, 2], pad8), // tunnel encapsulation limit of 2 bytes (1 is right), misplaced
    hopByHop([5, 3, 1, 2, 3], pad8), // router alert of 3 bytes
    hopByHop([0xc2, 2, 1, 2], pad8), // jumbo payload of 2 bytes
    hopByHop([0x30, 2, 1, 2], pad8), // path MTU of 2 bytes
    hopByHop([0x30, 4, 5, 0xdc, 3, 5], pad8), // path MTU, right
    hopByHop([7, 4, 1, 2, 3, 4], pad8), // CALIPSO shorter than 8
    hopByHop([7, 8, 0, 0, 0, 1, 5, 2, 0, 0], pad8), // CALIPSO with a bitmap past the packet
    hopByHop([0xc9, 8, 1, 2, 3, 4, 5, 6, 7, 8], pad8), // home address of 8 bytes
    hopByHop([0x1a, 2, 1, 2]), // unknown option, then Pad1s that end the payload
    hopByHop([0x1a, 0], pad8), // unknown option without data
    hopByHop([1, 0], pad8), // PadN, with data after "no next header"
  ];
  const FIELDS = ['frame.protocols', '_ws.expert.message', 'ipv6.opt.pmtu.min', 'ipv6.opt.pmtu.rtn'];

  it('marks wrong lengths malformed and shows what follows as tshark does', () => {
    const dissected = frames.map((f, i) => dissectHex(f, 101, { number: i + 1 }));
    const malformed = dissected.map((d) => d.pinfo.malformed);
    expect(malformed).toEqual([true, true, true, true, false, true, true, true, true, false, false]);
    const ours = dissected.map((d) => trawlRow(d, FIELDS));
    expect(ours[4]?.slice(2)).toEqual(['1500', '772']);
    expect(ours[10]?.[0]).toBe('raw:ipv6:ipv6.hopopts:data');
    if (haveTshark) {
      expect(ours).toEqual(tsharkFrameRows(frames, 101, FIELDS));
      expect(malformed).toEqual(tsharkFrameRows(frames, 101, ['_ws.malformed']).map((r) => r[0] !== ''));
    }
  });
});
