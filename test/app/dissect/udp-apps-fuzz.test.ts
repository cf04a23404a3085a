// Fuzz for the datagram application protocols: random payloads and corrupted real messages on
// their ports (and IGMP on its IP protocol), in all three tree sinks. Nothing may escape
// dissect() and nothing may hang: every dissection is timed.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { dissect } from '../../../app/dissect/dissect.ts';
import { defaultRegistry } from '../../../app/dissect/modules.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import type { Tree } from '../../../app/dissect/tree.ts';
import { openCapture } from '../../../main/pcap/read.ts';
import { CORPUS_FILES } from '../../support/corpus.ts';
import { metaFor } from '../../support/dissect-hex.ts';
import { allSinks, rng } from '../../support/fuzz.ts';

const UDP_PORTS = [53, 5353, 5355, 67, 68, 123, 1900, 137, 161, 162, 546, 547];

/** Ethernet + IPv4 + (UDP|TCP|raw) around `payload`, with the IP/UDP lengths consistent. */
function frame(proto: number, port: number, payload: Uint8Array): Uint8Array {
  const l4 = proto === 17 ? 8 : proto === 6 ? 20 : 0;
  const ipLen = 20 + l4 + payload.length;
  const b = new Uint8Array(14 + ipLen);
  b.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00]);
  b.set([0x45, 0, ipLen >> 8, ipLen & 0xff, 0, 1, 0, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
  const t = 34;
  if (proto === 17) {
    const len = 8 + payload.length;
    b.set([0xc3, 0x50, port >> 8, port & 0xff, len >> 8, len & 0xff, 0, 0], t);
  } else if (proto === 6) {
    b.set([0xc3, 0x50, port >> 8, port & 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff], t);
  }
  b.set(payload, t + l4);
  return b;
}

/** UDP payloads of the corpus frames that went to one of our ports. */
async function corpusPayloads(): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const file of [
    'pcpp__DnsPackets.pcap',
    'tcpdump__dns_udp.pcap',
    'tcpdump__dns-badlabel.pcap',
    'tcpdump__dhcp-rfc3004.pcap',
    'tcpdump__dhcp-rfc4388.pcap',
    'tcpdump__ntp.pcap',
  ]) {
    for await (const batch of openCapture(join(CORPUS_FILES, file))) {
      for (let i = 0; i < batch.count; i++) {
        const start = batch.dataStart[i] ?? 0;
        const bytes = batch.data.slice(start, start + (batch.capLen[i] ?? 0));
        // Ethernet + IPv4 (IHL 5) + UDP only: enough real messages to corrupt.
        if (bytes[12] === 0x08 && bytes[13] === 0 && bytes[14] === 0x45 && bytes[23] === 17)
          out.push(bytes.slice(42));
      }
    }
  }
  return out;
}

describe('datagram application protocols fuzz', () => {
  const registry = defaultRegistry();
  const sinks = (): Tree[] => allSinks(registry);

  function run(bytes: Uint8Array, state: CaptureState, number: number): void {
    for (const tree of sinks()) {
      const t0 = performance.now();
      const meta = metaFor(bytes, 1, { number });
      expect(() => dissect(registry, meta, bytes, tree, state, { wantInfo: true })).not.toThrow();
      expect(performance.now() - t0).toBeLessThan(500);
    }
  }

  it('survives random payloads on every port it serves', () => {
    const next = rng(5005);
    const state = new CaptureState();
    let n = 0;
    for (let k = 0; k < 4000; k++) {
      const len = Math.floor(next() * (next() < 0.2 ? 600 : 80));
      const payload = Uint8Array.from({ length: len }, () => Math.floor(next() * 256));
      // DNS-looking headers get past the first checks more often.
      if (len > 12 && next() < 0.5) payload.set([0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0], 0);
      const which = k % (UDP_PORTS.length + 2);
      const bytes =
        which < UDP_PORTS.length
          ? frame(17, UDP_PORTS[which] as number, payload)
          : which === UDP_PORTS.length
            ? frame(6, 53, payload)
            : frame(2, 0, payload);
      run(bytes, state, ++n);
    }
  });

  it('survives corrupted real DNS, DHCP and NTP messages', async () => {
    const payloads = await corpusPayloads();
    expect(payloads.length).toBeGreaterThan(400);
    const next = rng(20261201);
    const state = new CaptureState();
    let n = 0;
    for (let round = 0; round < 10; round++) {
      for (const p of payloads) {
        const cut = p.slice(0, Math.max(1, Math.floor(p.length * (next() < 0.3 ? next() : 1))));
        const flips = 1 + Math.floor(next() * 6);
        for (let i = 0; i < flips; i++) {
          const at = Math.floor(next() * cut.length);
          // Name pointers and lengths are where DNS goes wrong: favour 0xc0 and 0x3f bytes.
          const r = next();
          cut[at] = r < 0.2 ? 0xc0 : r < 0.3 ? 0x3f : Math.floor(next() * 256);
        }
        const port = UDP_PORTS[Math.floor(next() * UDP_PORTS.length)] as number;
        run(frame(17, port, cut), state, ++n);
      }
    }
  });

  it('survives a name made of pointers that point at each other', () => {
    // Header, then a query whose name is a pointer to itself and one pointing back and forth.
    const msg = new Uint8Array([
      0, 1, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1, 0xc0, 20, 0xc0, 18, 0, 1,
    ]);
    run(frame(17, 53, msg), new CaptureState(), 1);
  });
});
