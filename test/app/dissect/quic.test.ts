// QUIC on real captures (values as tshark 4.0 prints them), Initial keys against the RFCs' test
// vectors, coalesced packets, and what shows without a crypto provider.
import { describe, expect, it } from 'vitest';
import { dissect } from '../../../app/dissect/dissect.ts';
import { defaultRegistry } from '../../../app/dissect/modules.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { initialKeys } from '../../../app/dissect/quic.ts';
import { FullTree } from '../../../app/dissect/tree.ts';
import { nodeCrypto } from '../../../main/engine/node-crypto.ts';
import { dissectFile, frameOf, type Frame } from '../../support/dissect-file.ts';
import { metaFor } from '../../support/dissect-hex.ts';

const hex = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex');
const cols = (f: Frame | undefined): string[] => [f?.pinfo.proto ?? '', f?.pinfo.info ?? ''];

describe('QUIC Initial keys', () => {
  const dcid = Uint8Array.from(Buffer.from('8394c8f03e515708', 'hex'));
  it('derives RFC 9001 Appendix A.1 keys for v1', () => {
    const client = initialKeys(nodeCrypto, 1, dcid, false);
    const server = initialKeys(nodeCrypto, 1, dcid, true);
    expect([hex(client?.key), hex(client?.iv), hex(client?.hp)]).toEqual([
      '1f369613dd76d5467730efcbe3b1a22d',
      'fa044b2f42a3fd3b46fb255c',
      '9f50449e04a0e810283a1e9933adedd2',
    ]);
    expect([hex(server?.key), hex(server?.iv), hex(server?.hp)]).toEqual([
      'cf3a5331653c364c88f0f379b6067e37',
      '0ac1493ca1905853b0bba03e',
      'c206b8d9b9f0f37644430b490eeaa314',
    ]);
  });

  it('derives RFC 9369 Appendix A.1 keys for v2', () => {
    const client = initialKeys(nodeCrypto, 0x6b3343cf, dcid, false);
    expect([hex(client?.key), hex(client?.iv), hex(client?.hp)]).toEqual([
      '8b1a0bc121284290a29e0971b5cd045d',
      '91f73e2351d8fa91660e909f',
      '45b95e15235d6f45a6b19cbcb0294ba9',
    ]);
  });

  it('has no keys for a version it does not know', () => {
    expect(initialKeys(nodeCrypto, 0xff00000a, dcid, false)).toBeNull();
  });
});

describe('QUIC handshake capture', () => {
  it('decrypts both Initials and reads the ClientHello and ServerHello in CRYPTO frames', async () => {
    const frames = await dissectFile('tcpdump__quic_handshake.pcap');
    const first = frames[0];
    expect(cols(first)).toEqual(['QUIC', 'Initial, DCID=84acac06b42ed863, PKN: 0, CRYPTO, PADDING']);
    expect(first?.value('tls.handshake.extensions_server_name')).toBe('localhost');
    expect(first?.value('tls.handshake.extensions_alpn_str')).toBe('h3');
    expect(first?.value('quic.frame_type')).toBe('6,0');
    expect(first?.value('quic.crypto.length')).toBe('261');
    expect(first?.value('quic.length')).toBe('1182');
    expect(first?.value('frame.protocols')).toBe('null:ipv6:udp:quic:tls');
    expect(first?.value('tls.quic.parameter.max_idle_timeout')).toBe('30000');
    expect(first?.value('tls.quic.parameter.initial_max_data')).toBe('2097152');
    const second = frames[1];
    expect(cols(second)).toEqual(['QUIC', 'Initial, SCID=51d1e44dc57a579e, PKN: 0, CRYPTO, ACK']);
    expect(second?.value('tls.handshake.type')).toBe('2');
    expect(second?.value('tls.handshake.extensions.supported_version')).toBe('0x0304');
  });

  it('shows Handshake and short-header packets it has no keys for', async () => {
    const frames = await dissectFile('tcpdump__quic_handshake.pcap');
    expect(cols(frames[2])).toEqual(['QUIC', 'Handshake, SCID=51d1e44dc57a579e']);
    expect(frames[2]?.value('quic.long.packet_type')).toBe('2');
    expect(frames[2]?.nodes('quic.remaining_payload')).toHaveLength(1);
    expect(cols(frames[4])).toEqual(['QUIC', 'Initial, DCID=51d1e44dc57a579e, PKN: 1, ACK, PADDING']);
    // The client's CID is empty: server-to-client short headers carry no DCID.
    expect(cols(frames[8])).toEqual(['QUIC', 'Protected Payload (KP0)']);
    expect(cols(frames[10])).toEqual(['QUIC', 'Protected Payload (KP0), DCID=51d1e44dc57a579e']);
    expect(frames[10]?.value('quic.header_form')).toBe('0');
    expect(frames[16]?.value('quic.spin_bit')).toBe('1');
  });

  it('gives the same answer when a frame is dissected again', async () => {
    const registry = defaultRegistry();
    const state = new CaptureState();
    const frames = await dissectFile('tcpdump__quic_handshake.pcap');
    const bytes = frames[0]?.tree.roots[0]?.bytes ?? new Uint8Array(0);
    // Fresh state: frame 1 alone decrypts to the same ClientHello.
    const tree = new FullTree();
    const pinfo = dissect(registry, metaFor(bytes, 0), bytes, tree, state, {
      wantInfo: true,
      crypto: nodeCrypto,
    });
    expect(frameOf(pinfo, tree).value('tls.handshake.extensions_server_name')).toBe('localhost');
    const again = new FullTree();
    const second = dissect(registry, metaFor(bytes, 0), bytes, again, state, {
      wantInfo: true,
      crypto: nodeCrypto,
    });
    expect(second.info).toBe(pinfo.info);
    expect(frameOf(second, again).value('tls.handshake.extensions_server_name')).toBe('localhost');
  });

  it('shows Initial packets as protected without a crypto provider', async () => {
    const frames = await dissectFile('tcpdump__quic_handshake.pcap', { crypto: undefined });
    expect(cols(frames[0])).toEqual(['QUIC', 'Initial, DCID=84acac06b42ed863']);
    expect(frames[0]?.value('tls.handshake.extensions_server_name')).toBe('');
    expect(frames[0]?.value('quic.version')).toBe('0x00000001');
  });
});

describe('QUIC Retry capture', () => {
  it('verifies the Retry tag and decrypts the Initials that follow with the new DCID', async () => {
    const frames = await dissectFile('tcpdump__quic_retry.pcap');
    expect(cols(frames[1])).toEqual(['QUIC', 'Retry, SCID=e1051eaa7adfb230']);
    expect(frames[1]?.value('quic.long.packet_type')).toBe('3');
    expect(frames[1]?.value('quic.fixed_bit')).toBe('');
    const tag = frames[1]?.nodes('quic.retry_integrity_tag')[0];
    expect(tag?.label).toBe('Retry Integrity Tag: f67ccb6438caacb0bb5656f40504ed4b [verified]');
    expect(cols(frames[2])).toEqual(['QUIC', 'Initial, DCID=e1051eaa7adfb230, PKN: 0, CRYPTO, PADDING']);
    expect(frames[2]?.value('quic.token_length')).toBe('128');
    // The ClientHello again at CRYPTO offset 0: a retransmission, not handed to TLS.
    expect(frames[2]?.value('tls.handshake.type')).toBe('');
    expect(cols(frames[3])).toEqual(['QUIC', 'Initial, SCID=1bafab9fd70531bb, PKN: 0, CRYPTO, ACK']);
    expect(frames[3]?.value('tls.handshake.type')).toBe('2');
  });
});

describe('QUIC datagrams', () => {
  it('splits coalesced packets and shows each', async () => {
    const frames = await dissectFile('tcpdump__quic_handshake.pcap');
    // Frames 6 and 7 are client Handshake packets; put both into one datagram.
    const a = frames[5]?.tree.roots[0]?.bytes ?? new Uint8Array(0);
    const b = frames[6]?.tree.roots[0]?.bytes ?? new Uint8Array(0);
    const quicStart = 4 + 40 + 8;
    const joined = new Uint8Array(a.length + b.length - quicStart);
    joined.set(a);
    joined.set(b.subarray(quicStart), a.length);
    const udpLen = joined.length - 4 - 40;
    joined[4 + 4] = udpLen >> 8; // IPv6 payload length
    joined[4 + 5] = udpLen & 0xff;
    joined[44 + 4] = udpLen >> 8; // UDP length
    joined[44 + 5] = udpLen & 0xff;
    const tree = new FullTree();
    const pinfo = dissect(defaultRegistry(), metaFor(joined, 0), joined, tree, new CaptureState(), {
      wantInfo: true,
      crypto: nodeCrypto,
    });
    const f = frameOf(pinfo, tree);
    expect(f.value('quic.header_form')).toBe('1,1');
    expect(f.value('quic.packet_length')).toBe('39,73');
    // Each packet's header sets Info anew in Wireshark: tshark shows the last packet's only
    // (as on quic-fragmented-handshakes.pcapng, frames 6, 7, 9, 10, with or without its secrets).
    expect(pinfo.info).toBe('Handshake, DCID=51d1e44dc57a579e');
    expect(pinfo.malformed).toBe(false);
  });

  it('recognises Google QUIC Q046', async () => {
    const [frame] = await dissectFile('tcpdump__gquic.pcap');
    expect(cols(frame)).toEqual(['GQUIC', 'Client Hello, PKN: 3, CID: 2442460965746936605']);
    expect(frame?.value('frame.protocols')).toBe('raw:ip:udp:gquic');
    expect(frame?.value('gquic.version')).toBe('Q046');
  });

  it('leaves UDP that is not QUIC alone', async () => {
    const frames = await dissectFile('tcpdump__ntp.pcap');
    expect(frames.some((f) => f.pinfo.layers.includes('quic'))).toBe(false);
  });
});
