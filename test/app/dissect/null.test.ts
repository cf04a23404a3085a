import { describe, expect, it } from 'vitest';
import { dissect } from '../../../app/dissect/dissect.ts';
import { fields, proto } from '../../../app/dissect/field.ts';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { MODULES } from '../../../app/dissect/modules.ts';
import { nullHeaderValue } from '../../../app/dissect/null.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { Registry } from '../../../app/dissect/registry.ts';
import { FullTree } from '../../../app/dissect/tree.ts';
import { dissectHex, hexToBytes, metaFor } from '../../support/dissect-hex.ts';

const NULL = 0;

// pcpp__null_loopback.pcap frame 1, first 60 of 479 bytes: family 30 (IPv6, Darwin), IPv6/TCP
const IPV6_DARWIN =
  '1e0000006000000001b306400000000000000000000000000000000100000000000000000000000000000001c2e0' +
  '0051585db686616be764801823d7';
// pcpp__null_loopback.pcap frame 2: family 2 (IPv4), UDP to port 8612 (BJNP)
const IPV4 =
  '020000004500002cc169000040115dc3ac100175ac1001ffd84921a4001817ae424a4e42020100000000000000000000';
// pcpp__null_loopback.pcap frame 3, first 60 of 397 bytes: 0f 00 08 00, an old Linux header holding
// ethertype 0x0800 byte-swapped
const LINUX_ETHERTYPE =
  '0f0008004500018900004000401124da0a00008a0a0000010035e30d0175192a2d6d818000010011000000000377' +
  '777710676f6f676c652d616e616c';

/** Dissects with the built-in modules plus a stand-in IPv6 that only records that it ran. */
function withStubIPv6(hex: string, origLen?: number): { tree: FullTree; ran: number[] } {
  const ran: number[] = [];
  const stub = {
    fields: fields('stubv6', { '': proto('Stub IPv6') }),
    handoff(reg: Registry): void {
      reg.register('etherType', 0x86dd, (tvb, pinfo) => {
        ran.push(tvb.start);
        pinfo.layers.push('ipv6');
      });
    },
  };
  const bytes = hexToBytes(hex);
  const tree = new FullTree();
  const meta = metaFor(bytes, NULL, origLen === undefined ? {} : { origLen });
  dissect(new Registry([...MODULES, stub]), meta, bytes, tree, new CaptureState(), { wantInfo: true });
  return { tree, ran };
}

describe('null', () => {
  it('reads the family in either byte order, as Wireshark on a little-endian host', () => {
    expect(nullHeaderValue(0x00000002)).toBe(2); // 02 00 00 00: little-endian
    expect(nullHeaderValue(0x02000000)).toBe(2); // 00 00 00 02: big-endian (or DLT_LOOP)
    expect(nullHeaderValue(0x00000200)).toBe(2); // 00 02 00 00: IRIX, swapped
    expect(nullHeaderValue(0x00020000)).toBe(2); // 00 00 02 00: IRIX
    expect(nullHeaderValue(0x0008000f)).toBe(0x0f000800); // 0f 00 08 00: old Linux, an ethertype
    expect(nullHeaderValue(0x1e000000)).toBe(30);
  });

  it('hands family 2 to IPv4', () => {
    const d = dissectHex(IPV4, NULL);
    expect(d.value('null.family')).toBe('2');
    expect(d.nodes('null.type')).toHaveLength(0);
    const [family] = d.nodes('null.family');
    expect([family?.offset, family?.length]).toEqual([0, 4]);
    expect(family && nodeLabel(family)).toBe('Family: IP (2)');
    const [node] = d.nodes('null');
    expect([node?.offset, node?.length]).toEqual([0, 4]);
    expect(node && nodeLabel(node)).toBe('Null/Loopback');
    // tshark: null:ip:udp:bjnp (BJNP is not in Trawl)
    expect(d.value('frame.protocols').startsWith('null:ip:udp')).toBe(true);
    expect(d.value('ip.src')).toBe('172.16.1.117');
  });

  it('hands families 24, 28 and 30 to IPv6', () => {
    const { tree, ran } = withStubIPv6(IPV6_DARWIN, 479);
    expect(ran).toEqual([4]);
    const node = tree.roots.find((n) => n.def?.abbrev === 'null');
    expect(node?.children?.map((n) => nodeLabel(n))).toEqual(['Family: IPv6 (30)']);
    for (const family of ['18000000', '1c000000', '0000001c']) {
      expect(withStubIPv6(family + IPV6_DARWIN.slice(8), 479).ran).toEqual([4]);
    }
  });

  it('takes an ethertype from an old Linux header, straight to the ethertype table', () => {
    const d = dissectHex(LINUX_ETHERTYPE, NULL, { origLen: 397 });
    expect(d.value('null.type')).toBe('0x0800');
    expect(d.nodes('null.family')).toHaveLength(0);
    const [type] = d.nodes('null.type');
    expect(type && nodeLabel(type)).toBe('Type: IPv4 (0x0800)');
    expect(d.value('frame.protocols').startsWith('null:ip')).toBe(true);
  });

  it('sets its columns when nothing above claims the payload', () => {
    const d = dissectHex('05000000 0102030405060708', NULL);
    expect(d.value('null.family')).toBe('5');
    expect(d.value('frame.protocols')).toBe('null:data');
    expect(d.pinfo.proto).toBe('N/A');
    expect(d.pinfo.info).toBe('Null/Loopback');
  });

  it('throws nothing on a cut header', () => {
    const d = dissectHex('0200', NULL, { origLen: 48 });
    expect(d.value('frame.protocols')).toBe('null');
    expect(d.pinfo.proto).toBe('N/A');
    expect(d.pinfo.info).toBe('Null/Loopback[Packet size limited during capture]');
  });
});
