// TLS over TCP on real captures (values as tshark 4.0 prints them for the same frames), and the
// TCP desegmentation contract on records cut short.
import { describe, expect, it } from 'vitest';
import { fieldText } from '../../../app/dissect/field-text.ts';
import { defaultRegistry } from '../../../app/dissect/modules.ts';
import { CaptureState, DESEGMENT_ONE_MORE_SEGMENT, PacketInfo } from '../../../app/dissect/packet-info.ts';
import { dissectTLS } from '../../../app/dissect/tls.ts';
import { HS } from '../../../app/dissect/tls-handshake.ts';
import { FullTree, NodeFlag } from '../../../app/dissect/tree.ts';
import { Tvb } from '../../../app/dissect/tvb.ts';
import { dissectFile, frameOf, type Frame } from '../../support/dissect-file.ts';
import { metaFor } from '../../support/dissect-hex.ts';

const row = (f: Frame | undefined): string[] => {
  if (!f) return [];
  return [
    f.pinfo.proto,
    f.pinfo.info,
    f.value('tls.record.version'),
    f.value('tls.handshake.type'),
    f.value('tls.handshake.extensions_server_name'),
  ];
};

describe('TLS without TCP reassembly (tshark -o tcp.desegment_tcp_streams:FALSE)', () => {
  it('decodes a TLS 1.0 handshake, its certificate chain and the encrypted alert', async () => {
    const frames = await dissectFile('pcpp__tls.pcap', { reassemble: false });
    expect(row(frames[0])).toEqual(['TLSv1', 'Client Hello', '0x0301', '1', 'bawmashbij']);
    expect(row(frames[1])).toEqual([
      'TLSv1',
      'Server Hello, Certificate, Server Hello Done',
      '0x0301,0x0301,0x0301',
      '2,11,14',
      '',
    ]);
    expect(row(frames[2])).toEqual([
      'TLSv1',
      'Client Key Exchange, Change Cipher Spec, Encrypted Handshake Message',
      '0x0301,0x0301,0x0301',
      '16',
      '',
    ]);
    expect(row(frames[3])?.slice(0, 2)).toEqual([
      'TLSv1',
      'New Session Ticket, Change Cipher Spec, Encrypted Handshake Message',
    ]);
    expect(row(frames[4])?.slice(0, 3)).toEqual(['TLSv1', 'Encrypted Alert', '0x0301']);
    expect(frames[1]?.value('tls.handshake.certificate_length')).toBe('748');
    // Each name attribute and known extension of the certificate is a layer, as in tshark.
    expect(frames[1]?.value('frame.protocols')).toBe(
      `eth:ethertype:ip:tcp:tls:${'x509sat:'.repeat(14)}x509ce:x509ce:x509ce`,
    );
    const cert = frames[1]?.nodes('tls.handshake.certificate')[0];
    expect(cert?.label).toContain('(pkcs-9-at-emailAddress=ashbi.jose@smsc.com,id-at-commonName=BAWMASHBIJ');
  });

  it('follows the version per conversation: records TCP cut, unknown records, TLS 1.3', async () => {
    const frames = await dissectFile('pcpp__tls.pcap', { reassemble: false });
    const at = (n: number): string[] => row(frames[n - 1]);
    expect(at(9)).toEqual(['TLSv1', 'Client Hello', '0x0301', '1', 'ssl.gstatic.com']);
    // The Certificate record runs past the segment: only the Server Hello shows.
    expect(at(11)).toEqual(['TLSv1.2', 'Server Hello', '0x0303', '2', '']);
    // Starts with four printable bytes: not TLS (Wireshark's plain-text guard).
    expect(frames[11]?.pinfo.proto).toBe('TCP');
    expect(at(14).slice(0, 3)).toEqual(['TLSv1.2', 'Ignored Unknown Record', '']);
    expect(at(18).slice(0, 2)).toEqual(['TLSv1.2', 'Application Data']);
    // supported_versions in the ServerHello makes the session TLS 1.3 ...
    expect(at(31)).toEqual(['TLSv1.3', 'Server Hello, Change Cipher Spec', '0x0303,0x0303', '2', '']);
    expect(frames[30]?.value('tls.handshake.extensions.supported_version')).toBe('0x0304');
    // ... where a segment in the middle of a record is Continuation Data.
    expect(at(32).slice(0, 2)).toEqual(['TLSv1.3', 'Continuation Data']);
    expect(at(35).slice(0, 2)).toEqual(['TLSv1.3', 'Change Cipher Spec, Application Data']);
  });

  it('names cipher suites, GREASE and draft versions as Wireshark does', async () => {
    const frames = await dissectFile('pcpp__tls1_3.pcap', { reassemble: false });
    expect(frames[0]?.value('tls.handshake.ciphersuite')).toBe('0x1302,0x1303,0x1301,0x00ff');
    expect(frames[0]?.value('tls.handshake.extensions.supported_version')).toBe('0x7f1c,0x7f1b,0x7f1a');
    expect(frames[1]?.pinfo.proto).toBe('TLSv1.3');
    const suite = frames[1]?.nodes('tls.handshake.ciphersuite')[0];
    expect(suite?.value).toBe(0x1302);
    const def = HS['handshake.ciphersuite'];
    expect(def.strings?.get(0x1301)).toBe('TLS_AES_128_GCM_SHA256');
    expect(def.strings?.get(0x0a0a)).toBe('Reserved (GREASE)');
    expect(def.strings?.get(0xfafa)).toBe('Reserved (GREASE)');
    expect(fieldText(HS['handshake.extensions_supported_group'], 0x001d)).toBe('0x001d');
  });

  it('fingerprints hellos as tshark 4.0 (JA3, JA3S): GREASE left out, point formats may be empty', async () => {
    const tls13 = await dissectFile('pcpp__tls1_3.pcap');
    expect(tls13[0]?.value('tls.handshake.ja3_full')).toBe(
      '771,4866-4867-4865-255,0-11-10-35-22-23-13-43-45-51,29-23-30-25-24,0-1-2',
    );
    expect(tls13[0]?.value('tls.handshake.ja3')).toBe('a66e498c488aa0523759691248cdfb01');
    expect(tls13[1]?.value('tls.handshake.ja3s_full')).toBe('771,4866,43-51');
    expect(tls13[1]?.value('tls.handshake.ja3s')).toBe('15af977ce25de452b96affa2addb1036');
    // QUIC's ClientHello has no point formats: the last list is empty.
    const quic = await dissectFile('tcpdump__quic_handshake.pcap');
    expect(quic[0]?.value('tls.handshake.ja3_full')).toBe(
      '771,4865-4866-4867,0-10-16-5-13-18-51-45-43-57-27,29-23-24-25,',
    );
    expect(quic[0]?.value('tls.handshake.ja3')).toBe('9a78264e64e221797705e75a3c55df01');
  });

  it('marks a ClientHello with a bad server_name vector malformed, keeping its Info', async () => {
    const [frame] = await dissectFile('pcpp__ssl-malformed1.pcap', { reassemble: false });
    expect(frame?.pinfo.malformed).toBe(true);
    expect(frame?.pinfo.info).toBe('Client Hello[Malformed Packet]');
    expect(frame?.pinfo.proto).toBe('TLSv1');
    const bad = frame?.nodes('_ws.malformed')[0];
    expect(bad?.label).toBe('[Malformed Packet: TLS]');
    expect(bad?.flags).toBe(NodeFlag.Malformed);
  });
});

/** A PacketInfo for TLS alone, as TCP would set it up (ports, desegmentation allowed or not). */
function tlsCall(payload: Uint8Array, canDesegment: boolean): { pinfo: PacketInfo; used: number } {
  const bytes = new Uint8Array(payload);
  const pinfo = new PacketInfo(metaFor(bytes, 1), bytes, defaultRegistry(), new CaptureState(), {
    wantInfo: true,
  });
  pinfo.srcPort = 50000;
  pinfo.dstPort = 443;
  pinfo.canDesegment = canDesegment;
  const used = dissectTLS(new Tvb(bytes, 0, bytes.length), pinfo, new FullTree());
  return { pinfo, used: typeof used === 'number' ? used : bytes.length };
}

const alertRecord = [0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00];

describe('TLS and TCP desegmentation', () => {
  it('asks for the rest of a record that starts in this segment', () => {
    // A complete alert, then the first 10 bytes of a 300-byte application data record.
    const payload = [...alertRecord, 0x17, 0x03, 0x03, 0x01, 0x2c, 1, 2, 3, 4, 5];
    const { pinfo } = tlsCall(Uint8Array.from(payload), true);
    expect(pinfo.desegmentOffset).toBe(7);
    expect(pinfo.desegmentLen).toBe(300 + 5 - 10);
    expect(pinfo.info).toBe('Alert (Level: Warning, Description: Close Notify)');
  });

  it('asks for one more segment when not even the record header is complete', () => {
    const { pinfo } = tlsCall(Uint8Array.from([...alertRecord, 0x17, 0x03]), true);
    expect(pinfo.desegmentOffset).toBe(7);
    expect(pinfo.desegmentLen).toBe(DESEGMENT_ONE_MORE_SEGMENT);
  });

  it('leaves a segment holding only the start of a record to TCP', () => {
    const { pinfo, used } = tlsCall(Uint8Array.from([0x16, 0x03, 0x01, 0x02, 0x00, 1, 2, 3]), true);
    expect(pinfo.desegmentOffset).toBe(0);
    expect(pinfo.desegmentLen).toBe(0x200 + 5 - 8);
    expect(used).toBe(8);
    expect(pinfo.layers).not.toContain('tls');
  });

  it('shows what is there when TCP cannot reassemble', () => {
    const payload = [...alertRecord, 0x17, 0x03, 0x03, 0x01, 0x2c, 1, 2, 3, 4, 5];
    const { pinfo } = tlsCall(Uint8Array.from(payload), false);
    expect(pinfo.desegmentLen).toBe(0);
    expect(pinfo.info).toBe('Alert (Level: Warning, Description: Close Notify)');
    expect(pinfo.proto).toBe('TLSv1.2');
  });

  it('declines plain text on a TLS port', () => {
    const text = new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n');
    const { used, pinfo } = tlsCall(text, true);
    expect(used).toBe(0);
    expect(pinfo.layers).not.toContain('tls');
  });
});

describe('TLS on a port of its own (heuristic)', () => {
  it('finds a ClientHello on TCP port 8443 and keeps the conversation', async () => {
    const frames = await dissectFile('pcpp__SSL-ClientHello1.pcap', { reassemble: false });
    const hello = frames[0];
    expect(hello?.value('tls.handshake.extensions_server_name')).toBe('www.google.com');
    // Same bytes with the server port moved from 443 to 8443 (TCP checksum is not checked).
    const bytes = hello?.tree.roots[0]?.bytes.slice() ?? new Uint8Array(0);
    const tcp = 14 + 4 * ((bytes[14] ?? 0x45) & 0x0f);
    const dstPort = tcp + 2;
    expect(((bytes[dstPort] ?? 0) << 8) | (bytes[dstPort + 1] ?? 0)).toBe(443);
    bytes[dstPort] = 8443 >> 8;
    bytes[dstPort + 1] = 8443 & 0xff;
    const { dissect } = await import('../../../app/dissect/dissect.ts');
    const tree = new FullTree();
    const pinfo = dissect(defaultRegistry(), metaFor(bytes, 1), bytes, tree, new CaptureState(), {
      wantInfo: true,
    });
    const moved = frameOf(pinfo, tree);
    expect(pinfo.proto).toBe('TLSv1');
    expect(pinfo.info).toBe('Client Hello');
    expect(moved.value('tls.handshake.extensions_server_name')).toBe('www.google.com');
  });
});
