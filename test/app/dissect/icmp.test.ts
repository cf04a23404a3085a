import { describe, expect, it } from 'vitest';
import { columnsOf } from '../../../app/dissect/columns.ts';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { CaptureState, Hint } from '../../../app/dissect/packet-info.ts';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';

// Expected values are tshark 4.0.17's for the same frames (pcpp__IcmpPackets.pcap).

// frame 9: echo request, frame 10: its reply
const ECHO_REQUEST = `
  021a11f0 c83b6033 4b13c558 08004500 005426ef 00004001 57f9c0a8 2b090808
  08080800 bbb3d73b 000051a7 d67d0004 51e40809 0a0b0c0d 0e0f1011 12131415
  16171819 1a1b1c1d 1e1f2021 22232425 26272829 2a2b2c2d 2e2f3031 32333435
  3637
`;
const ECHO_REPLY = `
  60334b13 c558021a 11f0c83b 08004500 00540000 00002801 96e80808 0808c0a8
  2b090000 c3b3d73b 000051a7 d67d0004 51e40809 0a0b0c0d 0e0f1011 12131415
  16171819 1a1b1c1d 1e1f2021 22232425 26272829 2a2b2c2d 2e2f3031 32333435
  3637
`;
// frame 5: time-to-live exceeded quoting a UDP datagram, with an RFC 4884 MPLS extension
const TTL_EXCEEDED = `
  c20966b0 0000c20d 66d70000 08004500 00a805fa 0000fc01 a1580a00 02010a00
  01020b00 ac2d0000 00004500 001c00e5 00000211 00d90a00 0102ac10 0002c01d
  82a50008 06070000 00000000 00000000 00000000 00000000 00000000 00000000
  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
  00000000 00000000 00002000 7df40008 01010001 6101
`;
// frame 13: source quench quoting 8 bytes of a TCP header
const SOURCE_QUENCH = `
  30469a23 fbfa0800 27d75be0 08004500 00384863 00004001 1dd20a00 00070a00
  008a0400 0c360000 00004500 001c0c80 00004006 5e490102 03040506 07080000
  00000008 efc1
`;
// frame 7: timestamp request
const TIMESTAMP = `
  00a0d1be 97dd0011 2f368cda 08004500 00288e00 00008001 2ab7c0a8 0066c0a8
  00670d00 94763930 000000f6 24630000 00000000 0000
`;

describe('icmp', () => {
  it('decodes an echo request with tshark Info, checksum and the ping timestamp', () => {
    const d = dissectHex(ECHO_REQUEST, 1, { tsSec: 1369953917, tsNsec: 283187000 });
    expect(d.value('icmp.type')).toBe('8');
    expect(d.value('icmp.code')).toBe('0');
    expect(d.value('icmp.checksum')).toBe('0xbbb3');
    expect(d.value('icmp.checksum.status')).toBe('1');
    expect(d.value('icmp.ident')).toBe('55099');
    expect(d.value('icmp.ident_le')).toBe('15319');
    expect(d.value('icmp.seq')).toBe('0');
    expect(d.value('icmp.seq_le')).toBe('0');
    expect(d.value('icmp.data_time')).toBe('May 30, 2013 22:45:17.283108000 UTC');
    const [type] = d.nodes('icmp.type');
    expect(type && nodeLabel(type)).toBe('Type: 8 (Echo (ping) request)');
    const [sum] = d.nodes('icmp.checksum');
    expect([sum?.offset, sum?.length]).toEqual([36, 2]);
    expect(sum && nodeLabel(sum)).toBe('Checksum: 0xbbb3 [correct]');
    const [ident] = d.nodes('icmp.ident');
    expect(ident && nodeLabel(ident)).toBe('Identifier (BE): 55099 (0xd73b)');
    expect(d.value('data.len')).toBe('48');
    expect(d.pinfo.proto).toBe('ICMP');
    expect(d.pinfo.info).toBe('Echo (ping) request  id=0xd73b, seq=0/0, ttl=64');
    expect(d.pinfo.hints & Hint.Icmp).toBe(Hint.Icmp);
    expect(d.pinfo.hints & Hint.IcmpError).toBe(0);
  });

  it('pairs the reply with its request in one capture', () => {
    const state = new CaptureState();
    dissectHex(ECHO_REQUEST, 1, { number: 9, tsSec: 1369953917, tsNsec: 283187000 }, state);
    const d = dissectHex(ECHO_REPLY, 1, { number: 10, tsSec: 1369953917, tsNsec: 775391000 }, state);
    expect(d.pinfo.info).toBe('Echo (ping) reply    id=0xd73b, seq=0/0, ttl=40 (request in 9)');
    expect(d.value('icmp.resp_to')).toBe('9');
    const [time] = d.nodes('icmp.resptime');
    expect(time && nodeLabel(time)).toBe('[Response time: 492.204 ms]');
    // Seen again (the detail view), the request knows its reply, as in Wireshark's second pass.
    const again = dissectHex(ECHO_REQUEST, 1, { number: 9, tsSec: 1369953917, tsNsec: 283187000 }, state);
    expect(again.pinfo.info).toBe('Echo (ping) request  id=0xd73b, seq=0/0, ttl=64 (reply in 10)');
    expect(again.value('icmp.resp_in')).toBe('10');
  });

  it('dissects the quoted datagram of an error, keeping the outer columns', () => {
    const d = dissectHex(TTL_EXCEEDED);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:icmp:ip:udp');
    expect(d.value('ip.src')).toBe('10.0.2.1,10.0.1.2');
    expect(d.value('ip.dst')).toBe('10.0.1.2,172.16.0.2');
    expect(d.value('ip.proto')).toBe('1,17');
    expect(d.value('udp.srcport')).toBe('49181');
    expect(d.value('icmp.unused')).toBe('00000000');
    const [quotedIp] = d.nodes('ip').slice(1);
    expect([quotedIp?.offset, quotedIp?.length]).toEqual([42, 20]);
    const [quotedSum] = d.nodes('ip.checksum').slice(1);
    expect(quotedSum && nodeLabel(quotedSum)).toBe('Header Checksum: 0x00d9 [validation disabled]');
    expect(columnsOf(d.pinfo)).toEqual({
      source: '10.0.2.1',
      destination: '10.0.1.2',
      protocol: 'ICMP',
      info: 'Time-to-live exceeded (Time to live exceeded in transit)',
    });
    expect(d.pinfo.hints & Hint.IcmpError).toBe(Hint.IcmpError);
    expect(d.pinfo.srcPort).toBe(-1);
  });

  it('decodes the MPLS label stack extension after the quote', () => {
    const d = dissectHex(TTL_EXCEEDED);
    expect(d.value('icmp.ext.version')).toBe('2');
    expect(d.value('icmp.ext.checksum.status')).toBe('1');
    expect(d.value('icmp.ext.class')).toBe('1');
    expect(d.value('icmp.mpls.label')).toBe('22');
    expect(d.value('icmp.mpls.ttl')).toBe('1');
    const [label] = d.nodes('icmp.mpls.label');
    expect([label?.offset, label?.length]).toEqual([178, 3]);
    expect(label && nodeLabel(label)).toBe('0000 0000 0000 0001 0110 .... = Label: 22');
  });

  it('shows what a quote has of a TCP header and stops quietly', () => {
    const d = dissectHex(SOURCE_QUENCH);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:icmp:ip:tcp');
    expect(d.value('tcp.srcport')).toBe('0');
    expect(d.value('tcp.seq')).toBe('585665');
    const [seq] = d.nodes('tcp.seq');
    expect(seq && nodeLabel(seq)).toBe('Sequence Number: 585665');
    const [tcp] = d.nodes('tcp');
    expect(tcp && nodeLabel(tcp)).toBe('Transmission Control Protocol, Src Port: 0, Dst Port: 0');
    expect(d.nodes('tcp.stream')).toHaveLength(0);
    expect(d.pinfo.malformed).toBe(false);
    expect(d.pinfo.info).toBe('Source quench (flow control)');
    const [checksum] = d.nodes('icmp.checksum');
    expect(checksum && nodeLabel(checksum)).toBe('Checksum: 0x0c36 [correct]');
  });

  it('decodes a timestamp request with times of day', () => {
    const d = dissectHex(TIMESTAMP, 1, { tsSec: 359084540, tsNsec: 359246000 });
    expect(d.value('icmp.originate_timestamp')).toBe('16131171');
    const [orig] = d.nodes('icmp.originate_timestamp');
    expect(orig && nodeLabel(orig)).toBe(
      'Originate Timestamp: 16131171 (4 hours, 28 minutes, 51.171 seconds after midnight UTC)',
    );
    expect(d.pinfo.info).toBe('Timestamp request    id=0x3930, seq=0/0, ttl=128');
  });

  it('reports a wrong checksum with the value it should have', () => {
    const bytes = hexToBytes(ECHO_REQUEST);
    bytes[36] = 0;
    bytes[37] = 0;
    const d = dissectHex(bytes);
    expect(d.value('icmp.checksum.status')).toBe('0');
    const [sum] = d.nodes('icmp.checksum');
    expect(sum && nodeLabel(sum)).toBe('Checksum: 0x0000 incorrect, should be 0xbbb3');
    expect(sum?.children?.[0]?.label).toBe(
      '[Expert Info (Warning/Checksum): Bad checksum [should be 0xbbb3]]',
    );
  });
});
