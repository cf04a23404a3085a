// SSH on real OpenSSH 9.2 sessions over loopback (test/fixtures/ssh-*.pcap, a failed login each):
// the version exchange, key exchange init, ECDH / DH / DH group exchange, New Keys and what follows,
// checked against tshark 4.0 with TCP reassembly on and off; then cut and garbage input.
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectSegments, handshake } from '../../support/tcp-frames.ts';
import {
  dissectFixture,
  dissectSegmentsWith,
  fixture,
  haveTshark,
  mismatches,
} from '../../support/tshark-oracle.ts';

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'ssh.protocol',
  'ssh.direction',
  'ssh.packet_length',
  'ssh.packet_length_encrypted',
  'ssh.padding_length',
  'ssh.message_code',
  'ssh.cookie',
  'ssh.kex_algorithms',
  'ssh.kex_algorithms_length',
  'ssh.server_host_key_algorithms',
  'ssh.encryption_algorithms_client_to_server',
  'ssh.mac_algorithms_server_to_client',
  'ssh.compression_algorithms_client_to_server',
  'ssh.languages_server_to_client_length',
  'ssh.first_kex_packet_follows',
  'ssh.kex.reserved',
  'ssh.kex.hassh',
  'ssh.kex.hasshserver',
  'ssh.kex.hasshserver_algorithms',
  'ssh.host_key.length',
  'ssh.host_key.type',
  'ssh.host_key.rsa.e',
  'ssh.host_key.rsa.n',
  'ssh.host_key.eddsa.key',
  'ssh.host_sig.length',
  'ssh.host_sig.type',
  'ssh.host_sig.data',
  'ssh.dh.e',
  'ssh.dh.f',
  'ssh.dh_gex.min',
  'ssh.dh_gex.nbits',
  'ssh.dh_gex.max',
  'ssh.dh_gex.p',
  'ssh.dh_gex.g',
  'ssh.ecdh.q_c',
  'ssh.ecdh.q_s_length',
  'ssh.mpint_length',
  'ssh.payload',
  'ssh.padding_string',
  'ssh.seq_num',
  'ssh.encrypted_packet',
  'ssh.mac',
  '_ws.expert.message',
];

const CAPTURES = [
  // sntrup761x25519 (read as plain DH), chacha20-poly1305
  'ssh-default.pcap',
  // curve25519 ECDH, aes128-ctr with hmac-sha2-256
  'ssh-ctr.pcap',
  // DH group exchange, RSA host key, aes128-ctr with umac-64: packets after New Keys stay "encrypted"
  'ssh-gex.pcap',
  // curve25519 through a proxy writing 97 bytes at a time: messages span segments
  'ssh-chunked.pcap',
];

/**
 * tshark 4.0 prints an empty byte field as `<MISSING>` (field-text.ts prints nothing): a padding
 * string of length 0 in the garbage that follows a cut message.
 */
const missingSkip =
  (file: string) =>
  (frame: number, field: string): boolean =>
    file === 'ssh-chunked.pcap' && (frame === 25 || frame === 26) && field === 'ssh.padding_string';

/**
 * Where tcp-reassembly.ts differs from tshark's desegment_pdus (not SSH's doing): a segment that
 * completes one message and starts another gets "[TCP segment of a reassembled PDU]" only when the
 * started one is its first PDU in tshark.
 */
const reassemblySkip =
  (file: string) =>
  (frame: number, field: string): boolean =>
    file === 'ssh-chunked.pcap' && frame === 25 && field === '_ws.col.Info';

describe.skipIf(!haveTshark)('SSH against tshark', () => {
  for (const file of CAPTURES) {
    for (const reassemble of [true, false]) {
      it(`${file}, reassembly ${reassemble ? 'on' : 'off'}`, async () => {
        const skip = reassemble ? reassemblySkip(file) : missingSkip(file);
        expect(await mismatches(fixture(file), FIELDS, reassemble, skip)).toEqual([]);
      });
    }
  }
});

describe('SSH on real captures', () => {
  it('reads the version exchange and the key exchange init with offsets', async () => {
    const d = await dissectFixture(fixture('ssh-ctr.pcap'), true);
    const banner = d[3]!;
    expect(banner.pinfo.proto).toBe('SSH');
    expect(banner.pinfo.info).toBe('Client: Protocol (SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10)');
    const proto = banner.nodes('ssh.protocol')[0]!;
    expect([proto.offset, proto.length]).toEqual([66, 39]);
    expect(d[5]!.pinfo.proto).toBe('SSHv2');
    expect(d[5]!.value('ssh.direction')).toBe('1');

    const kexinit = d[7]!;
    expect(kexinit.pinfo.info).toBe('Client: Key Exchange Init');
    expect(kexinit.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:ssh');
    const len = kexinit.nodes('ssh.packet_length')[0]!;
    expect([len.offset, len.length, len.value]).toEqual([66, 4, 692]);
    const cookie = kexinit.nodes('ssh.cookie')[0]!;
    expect([cookie.offset, cookie.length]).toEqual([72, 16]);
    expect(kexinit.value('ssh.message_code')).toBe('20');
    expect(kexinit.value('ssh.encryption_algorithms_client_to_server')).toBe('aes128-ctr');
    expect(kexinit.value('ssh.kex.hassh')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('shows several messages of one segment in Info, and nothing of what it cannot decrypt', async () => {
    const d = await dissectFixture(fixture('ssh-ctr.pcap'), true);
    const reply = d[11]!;
    expect(reply.pinfo.info).toBe('Server: Elliptic Curve Diffie-Hellman Key Exchange Reply, New Keys');
    expect(reply.value('ssh.message_code')).toBe('31,21');
    expect(reply.value('ssh.seq_num')).toBe('1,2');
    expect(reply.value('ssh.host_key.type')).toBe('ssh-ed25519');
    expect(reply.value('ssh.ecdh.q_s_length')).toBe('32');
    const v2 = reply.tree.roots.at(-1)!.children!.filter((n) => n.def?.abbrev === 'ssh._v2');
    expect(v2.map((n) => n.label)).toEqual([
      'SSH Version 2',
      'SSH Version 2 (encryption:aes128-ctr mac:hmac-sha2-256 compression:none)',
      'SSH Version 2 (encryption:aes128-ctr mac:hmac-sha2-256 compression:none)',
    ]);
    expect(d[14]!.pinfo.info).toBe('Client: ');
  });

  it('shows encrypted packets when no decryption was set up (DH group exchange)', async () => {
    const d = await dissectFixture(fixture('ssh-gex.pcap'), true);
    expect(d[10]!.pinfo.info).toBe('Client: Diffie-Hellman Group Exchange Request');
    expect(d[10]!.value('ssh.dh_gex.nbits')).toBe('3072');
    expect(d[15]!.pinfo.info).toBe(
      'Server: Diffie-Hellman Group Exchange Reply, New Keys, Encrypted packet (len=312)',
    );
    expect(d[15]!.value('ssh.host_key.type')).toBe('ssh-rsa');
  });

  it('dissects a message on the segment that completes it', async () => {
    const d = await dissectFixture(fixture('ssh-chunked.pcap'), true);
    expect(d[9]!.pinfo.proto).toBe('TCP');
    expect(d[9]!.pinfo.info).toBe('[TCP segment of a reassembled PDU]');
    const done = d[21]!;
    expect(done.pinfo.info).toBe('Server: Key Exchange Init');
    expect(done.pinfo.sources.map((s) => s.name)).toEqual(['Reassembled TCP (1136 bytes)']);
    const len = done.nodes('ssh.packet_length')[0]!;
    expect([len.source, len.offset, len.value]).toEqual([1, 0, 1132]);
  });

  it('marks a message cut short without reassembly as tshark does', async () => {
    const d = await dissectFixture(fixture('ssh-chunked.pcap'), false);
    const cut = d[9]!;
    expect(cut.pinfo.proto).toBe('SSHv2');
    expect(cut.pinfo.info).toBe('[BoundErrorUnreassembled Packet]');
    expect(cut.nodes('_ws.unreassembled')[0]!.label).toBe('[BoundError Unreassembled Packet: SSH]');
    expect(cut.nodes('_ws.expert')[0]!.label).toBe(
      '[Expert Info (Note/Reassemble): Unreassembled fragment (change preferences to enable reassembly)]',
    );
    expect(cut.pinfo.malformed).toBe(false);
  });

  it('shows a frame dissected again as it showed it the first time', async () => {
    const state = new CaptureState();
    const first = await dissectFixture(fixture('ssh-ctr.pcap'), true, state);
    const again = await dissectFixture(fixture('ssh-ctr.pcap'), true, state);
    for (const i of [7, 9, 10, 11, 12, 14]) {
      expect(again[i]!.pinfo.info).toBe(first[i]!.pinfo.info);
      expect(again[i]!.value('ssh.seq_num')).toBe(first[i]!.value('ssh.seq_num'));
      const labels = (f: typeof first): string[] =>
        f[i]!.tree.roots.at(-1)!.children!.map((n) => n.label ?? '');
      expect(labels(again)).toEqual(labels(first));
    }
  });
});

describe('SSH on built segments', () => {
  const banner = 'SSH-2.0-test\r\n';

  function binary(payload: number[], padding = 4, lengthOverride?: number): Uint8Array {
    const plen = lengthOverride ?? payload.length + padding + 1;
    const out = new Uint8Array(5 + payload.length + padding);
    new DataView(out.buffer).setUint32(0, plen);
    out[4] = padding;
    out.set(payload, 5);
    return out;
  }

  it('warns about an overly large packet length and goes on', () => {
    const d = dissectSegmentsWith(
      [
        ...handshake(),
        { fromClient: true, seq: 1001, ack: 5001, payload: banner },
        { fromClient: true, seq: 1001 + banner.length, ack: 5001, payload: binary([5, 1, 2, 3], 4, 0x10000) },
      ],
      22,
      false,
    );
    const last = d[4]!;
    expect(last.nodes('_ws.expert').map((n) => n.label)).toContain(
      '[Expert Info (Warning/Protocol): Overly large number 65536]',
    );
    expect(last.pinfo.info).toBe('Client: Service Request');
  });

  it('never throws on garbage after the banner, with or without reassembly', () => {
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    for (let n = 0; n < 200; n++) {
      const junk = Uint8Array.from({ length: 1 + (n % 90) }, rand);
      if (n % 3 === 0 && junk.length >= 6) junk.set([0, 0, 0, n % 40, n % 7, 20], 0);
      const d = dissectSegments(
        [
          ...handshake(),
          { fromClient: true, seq: 1001, ack: 5001, payload: banner },
          { fromClient: true, seq: 1001 + banner.length, ack: 5001, payload: junk },
        ],
        22,
      );
      const info = d[4]!.pinfo.info;
      expect(info).not.toContain('dissector bug');
    }
  });
});
