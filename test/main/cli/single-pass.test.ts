// The CLI is one pass, as tshark without -2: a frame printed with -V while a -Y filter or a
// statistic also needs its fields is dissected once, so what it shows is what the first pass knew
// (no reply seen later, a message reassembled on this very frame). And HTTP's request/response
// records as tshark 4.0 keeps them, on a pipelined conversation checked against tshark itself, and
// whole -V trees of corpus files.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCaptureWriter } from '../../../main/pcap/write.ts';
import { CORPUS_FILES, trawl } from '../../support/corpus.ts';
import { scratchDir } from '../../support/scratch.ts';
import { tcpFrame, type Segment } from '../../support/tcp-frames.ts';

const hasTshark = spawnSync('sh', ['-c', 'command -v tshark']).status === 0;

describe('-V with a filter prints what -V alone prints', () => {
  it.each([
    // "Reassembled TCP Segments" on the frame that completes the response.
    ['packetnet__ipv6_http.pcap', 'tcp'],
    // Echo requests whose reply comes later: no "[No response seen]" on a single pass.
    ['pcpp__IcmpPackets.pcap', 'frame'],
    ['libpcap__vxlan.pcap', 'ip'],
  ])('%s with -Y %s', (file, filter) => {
    const path = join(CORPUS_FILES, file);
    const all = trawl(['-r', path, '-V']);
    const filtered = trawl(['-r', path, '-V', '-Y', filter]);
    expect(filtered.status).toBe(0);
    expect(filtered.stdout).toBe(all.stdout);
    if (file === 'packetnet__ipv6_http.pcap') expect(filtered.stdout).toContain('Reassembled TCP Segments');
    if (file === 'pcpp__IcmpPackets.pcap') expect(filtered.stdout).not.toContain('No response seen');
  });
});

describe.skipIf(!hasTshark)('-V against tshark on the corpus', () => {
  // HTTP records and long labels cut and marked [truncated]; TCP analysis notes with the RTO of a
  // retransmission; a reassembled response; DNS, ICMPv6, NTP.
  it.each([
    'pcpp__4KHttpRequests.pcap',
    'pcpp__TcpPacketWithOptions.pcap',
    'packetnet__ipv6_http.pcap',
    'pcpp__DnsPackets.pcap',
    'tcpdump__icmpv6.pcap',
    'tcpdump__ntp.pcap',
    // IPv4 fragments listed inside the IPv4 item, overlaps flagged, the datagram's bytes.
    'pcpp__ip4_fragments.pcap',
    // TLS 1.3 hellos with their JA3/JA3S fingerprints, legacy signature algorithm names.
    'pcpp__tls1_3.pcap',
    'pcpp__SSL-ClientHello1.pcap',
    // A TCP header longer than its segment: the Ethernet padding still shown after the fault, the
    // urgent pointer's note under its item; an Ethernet trailer after a DHCP message.
    'pcpp__tcp-malformed.pcap',
    'tcpdump__dhcp-rfc4388.pcap',
    // Notes on a TTL unusual for the destination, traceroute probes in a quoted datagram.
    'pcpp__IcmpPackets.pcap',
    // X.509 certificates as whole trees; QUIC's one note per connection on its unopened 1-RTT
    // packets; the compress_certificate extension.
    'pcpp__tls.pcap',
    'tcpdump__quic_handshake.pcap',
    'tcpdump__quic_retry.pcap',
  ])('%s', (file) => {
    const path = join(CORPUS_FILES, file);
    const theirs = spawnSync('tshark', ['-r', path, '-V'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(trawl(['-r', path, '-V']).stdout).toBe(theirs.stdout);
  });
});

/** Client requests and server responses on one connection (sequence numbers follow the payloads). */
function conversation(messages: { fromClient: boolean; payload: string }[]): Segment[] {
  let client = 1;
  let server = 1;
  return messages.map(({ fromClient, payload }) => {
    const s = { fromClient, seq: fromClient ? client : server, ack: fromClient ? server : client, payload };
    if (fromClient) client += payload.length;
    else server += payload.length;
    return s;
  });
}

/** A capture of one HTTP connection with pipelined, unanswered and interim messages. */
function pairsCapture(): string {
  const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
  const segments = conversation([
    { fromClient: true, payload: 'GET /a HTTP/1.1\r\nHost: x\r\n\r\n' },
    // Pipelined: tshark pairs a response with the latest request.
    { fromClient: true, payload: 'GET /b?q=1&&z= HTTP/1.1\r\nHost: x\r\n\r\n' },
    { fromClient: false, payload: ok },
    // A response with no request left gets a record of its own.
    { fromClient: false, payload: ok },
    { fromClient: true, payload: 'POST /u? HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n' },
    { fromClient: false, payload: 'HTTP/1.1 100 Continue\r\n\r\n' },
    { fromClient: false, payload: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n' },
    { fromClient: true, payload: 'HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n' },
    {
      fromClient: false,
      payload: 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n',
    },
  ]);
  const path = join(scratchDir('trawl-http-pairs-'), 'pairs.pcap');
  const writer = createCaptureWriter(path, { linkType: 1, nanosecond: false });
  segments.forEach((s, i) => {
    const bytes = tcpFrame(s);
    writer.writePacket(1700000000 + i, 0, bytes.length, bytes);
  });
  writer.close();
  return path;
}

describe.skipIf(!hasTshark)('HTTP request/response records, against tshark', () => {
  it('prints the same tree', () => {
    const path = pairsCapture();
    const ours = trawl(['-r', path, '-V']);
    const theirs = spawnSync('tshark', ['-r', path, '-V'], { encoding: 'utf8' });
    expect(ours.stdout).toBe(theirs.stdout);
  });

  it('gives the same link fields', () => {
    const path = pairsCapture();
    const fields = [
      'http.request_number',
      'http.response_number',
      'http.prev_request_in',
      'http.prev_response_in',
      'http.request_in',
      'http.response_in',
      'http.next_request_in',
      'http.next_response_in',
      'http.response_for.uri',
      'http.request.uri.query.parameter',
    ];
    const args = ['-r', path, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
    const theirs = spawnSync('tshark', args, { encoding: 'utf8' });
    expect(trawl(args).stdout).toBe(theirs.stdout);
  });
});
