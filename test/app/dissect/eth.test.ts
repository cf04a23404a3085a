import { describe, expect, it } from 'vitest';
import { dissect } from '../../../app/dissect/dissect.ts';
import { fields, proto } from '../../../app/dissect/field.ts';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { MODULES } from '../../../app/dissect/modules.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { Registry } from '../../../app/dissect/registry.ts';
import { FullTree, NodeFlag, type FieldNode } from '../../../app/dissect/tree.ts';
import { MalformedError } from '../../../app/dissect/tvb.ts';
import { columnsOf } from '../../../app/dissect/columns.ts';
import { dissectHex, hexToBytes, metaFor, walk } from '../../support/dissect-hex.ts';

// pcpp__TcpPacketWithOptions.pcap frame 1, first 20 bytes (Ethernet II + start of IPv4)
const FRAME = '30469a23fbfa 080027191c78 0800 4500035737764000';

// packetnet__arp_request_response.pcap frame 1: Ethernet II, ARP request, 18 bytes of padding
const ARP_PADDED =
  'ffffffffffff000461990154080600010800060400010004619901' +
  '54c0a801ca000000000000c0a801d6000000000000000000000000000000000000';

// pcpp__IcmpPackets.pcap frame 1: 64 bytes, IPv4 of 28 bytes, 18 bytes of padding, then an FCS
const ICMP_FCS =
  '01005e00000200006510221b08004500001c5f0100008001dbda0a011602e00000020a00f5ff00000000' +
  '00000000000000000000000000000000000054ae33e8';

// pcpp__tls.pcap frame 10: 60 bytes, IPv4 of 40 bytes, then 6 bytes that are not zero padding
const TLS_TRAILER =
  '6cf049b2de6e30469a23fbfa0800450000280e5500003b06b6d5d4c7dbdd0a00000101bbd809e6f0dd51' +
  'b3bdb2fc501000edef7f00000000c3500000';

// pcpp__EthDot3.pcap frame 1: IEEE 802.3 (length 38), LLC/STP, 8 bytes of padding
const DOT3 =
  '0180c20000000013f7115edb0026424203000000000000000013f71edff00000271080000013f7115ec08' +
  '01b0100140002000f000000000000000000';

function labels(nodes: readonly FieldNode[] | undefined): string[] {
  return (nodes ?? []).map((n) => nodeLabel(n));
}

describe('eth', () => {
  it('decodes addresses and type with offsets', () => {
    const d = dissectHex(FRAME);
    expect(d.value('eth.dst')).toBe('30:46:9a:23:fb:fa');
    expect(d.value('eth.src')).toBe('08:00:27:19:1c:78');
    expect(d.value('eth.type')).toBe('0x0800');
    expect(d.value('eth.addr')).toBe('30:46:9a:23:fb:fa,08:00:27:19:1c:78');
    const [src] = d.nodes('eth.src');
    expect(src?.offset).toBe(6);
    expect(src?.length).toBe(6);
    expect(d.nodes('eth.type')[0]?.offset).toBe(12);
  });

  it('draws the tree as tshark -V does', () => {
    const d = dissectHex(ARP_PADDED);
    const [eth] = d.nodes('eth');
    expect(eth && nodeLabel(eth)).toBe('Ethernet II, Src: 00:04:61:99:01:54, Dst: ff:ff:ff:ff:ff:ff');
    expect(eth?.offset).toBe(0);
    expect(eth?.length).toBe(14);
    expect(labels(eth?.children)).toEqual([
      'Destination: ff:ff:ff:ff:ff:ff',
      'Source: 00:04:61:99:01:54',
      'Type: ARP (0x0806)',
      'Padding: 000000000000000000000000000000000000',
    ]);
    const [dst] = d.nodes('eth.dst');
    expect(labels(dst?.children).filter((l, i) => !dst?.children?.[i]?.def?.hidden)).toEqual([
      'Address: ff:ff:ff:ff:ff:ff',
      '.... ..1. .... .... .... .... = LG bit: Locally administered address (this is NOT the factory default)',
      '.... ...1 .... .... .... .... = IG bit: Group address (multicast/broadcast)',
    ]);
    expect(d.value('eth.dst.ig')).toBe('1');
    expect(d.value('eth.src.lg')).toBe('0');
    expect(d.value('eth.ig')).toBe('1,0');
  });

  it('shows zero bytes up to 60 as padding, in the Ethernet subtree', () => {
    const d = dissectHex(ARP_PADDED);
    expect(d.value('eth.padding')).toBe('000000000000000000000000000000000000');
    const [padding] = d.nodes('eth.padding');
    expect(padding?.offset).toBe(42);
    expect(padding?.length).toBe(18);
    expect(d.nodes('eth.trailer')).toHaveLength(0);
    expect(d.nodes('eth.fcs')).toHaveLength(0);
    expect(d.value('frame.protocols')).toBe('eth:ethertype:arp');
  });

  it('guesses an FCS after the padding of a 64-byte frame', () => {
    const d = dissectHex(ICMP_FCS);
    expect(d.value('eth.padding')).toBe('000000000000000000000000000000000000');
    expect(d.value('eth.fcs')).toBe('0x54ae33e8');
    const [fcs] = d.nodes('eth.fcs');
    expect(fcs?.offset).toBe(60);
    expect(fcs?.length).toBe(4);
    expect(fcs && nodeLabel(fcs)).toBe('Frame check sequence: 0x54ae33e8 [unverified]');
    expect(d.value('eth.fcs.status')).toBe('2');
    expect(labels(d.nodes('eth')[0]?.children).slice(-3)).toEqual([
      'Padding: 000000000000000000000000000000000000',
      'Frame check sequence: 0x54ae33e8 [unverified]',
      '[FCS Status: Unverified]',
    ]);
  });

  it('takes no FCS when the capture says there is none (pcap FCS bits, length 0)', () => {
    const d = dissectHex(ICMP_FCS, 0x04000001);
    expect(d.nodes('eth.fcs')).toHaveLength(0);
    expect(d.value('eth.trailer')).toBe('54ae33e8');
  });

  it('calls bytes that are not zero a trailer, with the expert note', () => {
    const d = dissectHex(TLS_TRAILER);
    expect(d.nodes('eth.padding')).toHaveLength(0);
    expect(d.value('eth.trailer')).toBe('0000c3500000');
    const [trailer] = d.nodes('eth.trailer');
    expect(trailer?.offset).toBe(54);
    expect(trailer?.children?.[0]?.flags).toBe(NodeFlag.Expert);
    expect(trailer?.children?.[0]?.label).toContain("Didn't find padding of zeros");
  });

  it('decodes IEEE 802.3 with its length, padding and LLC', () => {
    const d = dissectHex(DOT3);
    expect(d.value('eth.len')).toBe('38');
    expect(d.nodes('eth.type')).toHaveLength(0);
    expect(d.value('eth.padding')).toBe('0000000000000000');
    expect(d.nodes('eth.padding')[0]?.offset).toBe(52);
    const [eth] = d.nodes('eth');
    expect(eth && nodeLabel(eth)).toBe('IEEE 802.3 Ethernet ');
    expect(labels(eth?.children)).toEqual([
      'Destination: 01:80:c2:00:00:00',
      'Source: 00:13:f7:11:5e:db',
      'Length: 38',
      'Padding: 0000000000000000',
    ]);
    expect(d.value('frame.protocols').startsWith('eth:llc')).toBe(true);
    expect(d.value('llc.dsap')).toBe('0x42');
  });

  it('flags an 802.3 length past the end of the frame and uses what there is', () => {
    // DOT3 with its length raised to 64 (0x0040) and cut after the LLC header and 8 bytes
    const bytes = hexToBytes(DOT3.slice(0, 24) + '0040' + DOT3.slice(28, 28 + 22));
    const d = dissectHex(bytes);
    expect(d.value('eth.len')).toBe('64');
    expect(d.pinfo.malformed).toBe(true);
    const [len] = d.nodes('eth.len');
    expect(len?.children?.[0]?.label).toBe(
      '[Expert Info (Error/Malformed): Length field value goes past the end of the payload]',
    );
    expect(d.nodes('llc')[0]?.offset).toBe(14);
  });

  it('names an invalid length/type and leaves the rest as data', () => {
    const d = dissectHex('ffffffffffff 001122334455 05ff 0102030405060708');
    expect(d.value('eth.invalid_lentype')).toBe('0x05ff');
    expect(d.pinfo.info).toBe('Ethernet Unknown: Invalid length/type: 0x05ff (1535)');
    expect(d.pinfo.proto).toBe('Ethernet');
    expect(d.value('frame.protocols')).toBe('eth:data');
  });

  it('labels an unclaimed ethertype as tshark does', () => {
    const payload = '00'.repeat(46);
    const unknown = dissectHex(`ffffffffffff 001122334455 1234 ${payload}`);
    expect(unknown.value('frame.protocols')).toBe('eth:ethertype:data');
    expect(unknown.pinfo.proto).toBe('0x1234');
    expect(unknown.pinfo.info).toBe('Ethernet II');
    const named = dissectHex(`ffffffffffff 001122334455 88b5 ${payload}`);
    expect(named.pinfo.proto).toBe('0x88b5');
    expect(named.pinfo.info).toBe('Local Experimental Ethertype 1');
  });

  it('sets the link-layer columns', () => {
    const d = dissectHex(ARP_PADDED);
    const cols = columnsOf(d.pinfo);
    expect(cols.source).toBe('00:04:61:99:01:54');
    expect(cols.destination).toBe('ff:ff:ff:ff:ff:ff');
  });

  it('never throws on a cut frame: truncated header, truncated payload', () => {
    const short = dissectHex(ARP_PADDED.slice(0, 20), 1, { origLen: 60 });
    expect(short.pinfo.malformed).toBe(false);
    const notes: FieldNode[] = [];
    walk(short.tree.roots, (n) => {
      if (n.flags & NodeFlag.Truncated) notes.push(n);
    });
    expect(notes).toHaveLength(1);
    expect(short.pinfo.proto).toBe('Ethernet');

    const malformed = dissectHex(ARP_PADDED.slice(0, 20));
    expect(malformed.pinfo.malformed).toBe(true);
    expect(malformed.value('_ws.malformed')).toBe('[Malformed Packet: Ethernet]');
    expect(malformed.pinfo.info).toBe('[Malformed Packet]');
  });

  it('still shows the trailer after a payload that turns out malformed (claimed length)', () => {
    // A stand-in protocol on ethertype 0x88b5: it claims 28 bytes, then finds them malformed.
    const stub = {
      fields: fields('stub', { '': proto('Stub') }),
      handoff(reg: Registry): void {
        reg.register('etherType', 0x88b5, (tvb) => {
          tvb.claim(28);
          throw new MalformedError('Malformed Packet', tvb.start + 20);
        });
      },
    };
    const registry = new Registry([...MODULES, stub]);
    const bytes = hexToBytes(`ffffffffffff 001122334455 88b5 ${'11'.repeat(28)}${'00'.repeat(18)}`);
    const tree = new FullTree();
    const pinfo = dissect(registry, metaFor(bytes, 1), bytes, tree, new CaptureState(), { wantInfo: true });
    expect(pinfo.malformed).toBe(true);
    expect(pinfo.info).toBe('Ethernet II[Malformed Packet]');
    const eth = tree.roots.find((n) => n.def?.abbrev === 'eth');
    expect(labels(eth?.children)).toContain('Padding: 000000000000000000000000000000000000');
    expect(tree.roots.some((n) => n.def?.abbrev === '_ws.malformed')).toBe(true);
  });
});
