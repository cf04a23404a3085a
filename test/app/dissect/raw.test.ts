import { describe, expect, it } from 'vitest';
import { dissect } from '../../../app/dissect/dissect.ts';
import { fields, proto } from '../../../app/dissect/field.ts';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { MODULES } from '../../../app/dissect/modules.ts';
import { CaptureState, type PacketInfo } from '../../../app/dissect/packet-info.ts';
import { Registry } from '../../../app/dissect/registry.ts';
import { FullTree } from '../../../app/dissect/tree.ts';
import { dissectHex, hexToBytes, metaFor } from '../../support/dissect-hex.ts';

// tcpdump__LINKTYPE_RAW_ipv4.pcap (link type 101): IPv4/UDP/DNS
const RAW_IPV4 =
  '45000039000100004011a695c0a80164090909093039003500251976123401000001000000000000076578616d' +
  '706c6503636f6d0000010001';

// pcpp__four_ipv6_http_streams.pcap frame 1 (link type 12): IPv6/TCP SYN
const RAW_IPV6 =
  '60000000002806402001061804000000000000005199cc70200106180001800000000000000000058c9b0050' +
  '6ae7073600000000a0021630299c00000204058c0402080a00dd1a390000000001030302';

// tcpdump__LINKTYPE_IPV6.pcap (link type 229): IPv6/UDP/DNS
const IPV6_LINK =
  '600000000025114020010db8000000000000000000000001262000fe00000000000000000000000930390035' +
  '002598b3123401000001000000000000076578616d706c6503636f6d0000010001';

/** Dissects with the built-in modules plus stand-in IPv4 and IPv6 that record where they ran. */
function withStubs(hex: string, linkType: number): { pinfo: PacketInfo; tree: FullTree; ran: string[] } {
  const ran: string[] = [];
  const stub = {
    fields: fields('stubip', { '': proto('Stub IP') }),
    handoff(reg: Registry): void {
      reg.register('etherType', 0x0800, (tvb, pinfo) => {
        ran.push(`ip@${tvb.start}`);
        pinfo.layers.push('ip');
      });
      reg.register('etherType', 0x86dd, (tvb, pinfo) => {
        ran.push(`ipv6@${tvb.start}`);
        pinfo.layers.push('ipv6');
      });
    },
  };
  const bytes = hexToBytes(hex);
  const tree = new FullTree();
  const registry = new Registry([...MODULES, stub]);
  const pinfo = dissect(registry, metaFor(bytes, linkType), bytes, tree, new CaptureState(), {
    wantInfo: true,
  });
  return { pinfo, tree, ran };
}

describe('raw', () => {
  it('shows link type 101 as the raw layer, then IPv4 by the version nibble', () => {
    const d = dissectHex(RAW_IPV4, 101);
    const [raw] = d.nodes('raw');
    expect([raw?.offset, raw?.length]).toEqual([0, 57]);
    expect(raw && nodeLabel(raw)).toBe('Raw packet data');
    expect(d.value('frame.protocols').startsWith('raw:ip:udp')).toBe(true);
    expect(d.value('ip.dst')).toBe('9.9.9.9');
    expect(withStubs(RAW_IPV4, 101).ran).toEqual(['ip@0']);
  });

  it('reads link type 12 the same way, IPv6 by the version nibble', () => {
    const { pinfo, ran } = withStubs(RAW_IPV6, 12);
    expect(ran).toEqual(['ipv6@0']);
    expect(pinfo.layers.slice(1).join(':')).toBe('raw:ipv6');
  });

  it('goes straight to IP for link types 228 and 229, with no raw layer', () => {
    // (the IPv4 and IPv6 modules register these link types too; either way the result is this)
    const v6 = dissectHex(IPV6_LINK, 229);
    expect(v6.value('frame.protocols').startsWith('ipv6')).toBe(true);
    expect(v6.nodes('raw')).toHaveLength(0);
    const v4 = dissectHex(RAW_IPV4, 228);
    expect(v4.value('frame.protocols').startsWith('ip:udp')).toBe(true);
    expect(v4.nodes('raw')).toHaveLength(0);
  });

  it('takes IPv4 after ten zero bytes (an ISDN link that is down)', () => {
    expect(withStubs('00'.repeat(10) + RAW_IPV4, 101).ran).toEqual(['ip@10']);
  });

  it('sets its columns when the bytes are not IP', () => {
    const d = dissectHex('0102030405060708', 101);
    expect(d.value('frame.protocols')).toBe('raw:data');
    expect(d.pinfo.proto).toBe('N/A');
    expect(d.pinfo.info).toBe('Raw packet data');
  });

  it('finds a frame too short for its PPP checks malformed, as tshark does', () => {
    const d = dissectHex('45000014', 101);
    expect(d.value('frame.protocols')).toBe('raw');
    expect(d.pinfo.malformed).toBe(true);
    expect(d.pinfo.info).toBe('Raw packet data[Malformed Packet]');
  });
});
