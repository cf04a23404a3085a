// Fuzz for TLS and QUIC: the corpus's TLS and QUIC packets, mutated in their payloads, and random
// records and datagrams, in all three tree sinks and twice each (first pass and revisit). Nothing
// may escape dissect(), nothing may hang, and every fault must be a Malformed or truncated mark,
// never a dissector bug. QUIC also runs with a stand-in crypto provider whose "decryption" is the
// identity, so mutated bytes reach the frame and CRYPTO/TLS parsers behind decryption.
import { describe, expect, it } from 'vitest';
import type { CryptoProvider } from '../../../app/dissect/crypto.ts';
import { dissect } from '../../../app/dissect/dissect.ts';
import { defaultRegistry } from '../../../app/dissect/modules.ts';
import { CaptureState, type DissectOptions } from '../../../app/dissect/packet-info.ts';
import { FullTree, type FieldNode, type Tree } from '../../../app/dissect/tree.ts';
import { nodeCrypto } from '../../../main/engine/node-crypto.ts';
import { dissectFile } from '../../support/dissect-file.ts';
import { metaFor, walk } from '../../support/dissect-hex.ts';
import { allSinks, rng } from '../../support/fuzz.ts';

const FILES = [
  'pcpp__tls.pcap',
  'pcpp__tls1_3.pcap',
  'pcpp__SSL-ClientHello1.pcap',
  'pcpp__ssl-malformed1.pcap',
  'tcpdump__quic_handshake.pcap',
  'tcpdump__quic_retry.pcap',
  'tcpdump__gquic.pcap',
];

/** "Decrypts" to the ciphertext itself and masks nothing: the parsers see the raw bytes. */
const identityCrypto: CryptoProvider = {
  hkdfExtract: (salt, ikm) => nodeCrypto.hkdfExtract(salt, ikm),
  hkdfExpand: (prk, info, length) => nodeCrypto.hkdfExpand(prk, info, length),
  aesEcbEncryptBlock: () => new Uint8Array(16),
  aesGcmDecrypt: (_k, _n, _a, data) => (data.length >= 16 ? data.slice(0, data.length - 16) : null),
  hmac: (hash, key, ...parts) => nodeCrypto.hmac(hash, key, ...parts),
  aeadDecrypt: (_c, _k, _n, _a, data, tag) => (data.length >= tag ? data.slice(0, data.length - tag) : null),
  cbcDecrypt: (_c, _k, _iv, data) => data.slice(),
};

interface Sample {
  bytes: Uint8Array;
  linkType: number;
  /** Where the TLS or QUIC payload starts: mutations go there. */
  payload: number;
  /** Malformed as captured (pcpp__ssl-malformed1.pcap). */
  malformed: boolean;
}

async function samples(): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const file of FILES) {
    for (const f of await dissectFile(file, { reassemble: false })) {
      const layers = f.pinfo.layers;
      if (!layers.includes('tls') && !layers.includes('quic') && !layers.includes('gquic')) continue;
      const frame = f.tree.roots[0];
      const bytes = frame?.bytes ?? new Uint8Array(0);
      const proto = f.tree.roots.find((n) => ['tls', 'quic', 'gquic'].includes(n.def?.abbrev ?? ''));
      out.push({
        bytes: bytes.slice(),
        linkType: f.pinfo.meta.linkType,
        payload: proto?.offset ?? 0,
        malformed: f.pinfo.malformed,
      });
    }
  }
  return out;
}

function mutate(s: Sample, next: () => number): Uint8Array {
  const cut = next() < 0.3 ? s.payload + Math.floor(next() * (s.bytes.length - s.payload)) : s.bytes.length;
  const out = s.bytes.slice(0, Math.max(s.payload + 1, cut));
  const flips = 1 + Math.floor(next() * 6);
  for (let k = 0; k < flips; k++) {
    const at = s.payload + Math.floor(next() * (out.length - s.payload));
    const r = next();
    out[at] =
      r < 0.4 ? Math.floor(next() * 256) : r < 0.6 ? 0 : r < 0.8 ? 0xff : ((out[at] ?? 0) ^ 0x80) & 0xff;
  }
  return out;
}

function bugs(tree: FullTree): string[] {
  const found: string[] = [];
  walk(tree.roots, (n: FieldNode) => {
    if (n.label?.includes('dissector bug')) found.push(n.label);
  });
  return found;
}

describe('TLS and QUIC fuzz', () => {
  const registry = defaultRegistry();
  const sinks = (): Tree[] => allSinks(registry);

  it('survives mutated TLS and QUIC packets with and without decryption', async () => {
    const all = await samples();
    expect(all.length).toBeGreaterThan(60);
    const next = rng(5_0505);
    const found: string[] = [];
    const started = Date.now();
    let runs = 0;
    for (const crypto of [nodeCrypto, identityCrypto, undefined]) {
      const state = new CaptureState();
      const options: DissectOptions = { wantInfo: true, crypto };
      for (let round = 0; round < 6; round++) {
        for (const s of all) {
          const bytes = mutate(s, next);
          for (const tree of sinks()) {
            const meta = metaFor(bytes, s.linkType, { number: runs + 1 });
            expect(() => dissect(registry, meta, bytes, tree, state, options)).not.toThrow();
            // The same frame again: the revisit path must hold up too.
            expect(() => dissect(registry, meta, bytes, tree, state, options)).not.toThrow();
            if (tree instanceof FullTree) found.push(...bugs(tree));
            runs++;
          }
        }
      }
    }
    expect(found).toEqual([]);
    // Generous: a hang or a quadratic blow-up is what this catches, not speed.
    expect(Date.now() - started).toBeLessThan(60_000);
    console.log(`tls/quic fuzz: ${runs} packets in ${Date.now() - started} ms`);
  }, 120_000);

  it('marks truncated and malformed records instead of failing', async () => {
    const all = await samples();
    let malformed = 0;
    for (const s of all) {
      // Every length of every sample: each cut lands somewhere in a header, a length or a body.
      for (let end = s.payload + 1; end < s.bytes.length; end += 7) {
        const bytes = s.bytes.slice(0, end);
        const tree = new FullTree();
        const meta = metaFor(bytes, s.linkType, { origLen: s.bytes.length });
        const pinfo = dissect(registry, meta, bytes, tree, new CaptureState(), {
          wantInfo: true,
          crypto: nodeCrypto,
        });
        expect(bugs(tree)).toEqual([]);
        if (pinfo.malformed && !s.malformed) malformed++;
      }
    }
    // Captured short of the reported length is truncation, not malformation.
    expect(malformed).toBe(0);
  });

  it('survives random bytes on TLS and QUIC ports', () => {
    const next = rng(7);
    const state = new CaptureState();
    const found: string[] = [];
    for (let k = 0; k < 3000; k++) {
      const payload = Uint8Array.from({ length: Math.floor(next() * 300) }, () => Math.floor(next() * 256));
      // Make it look like a TLS record or a QUIC long header often enough to get past the checks.
      if (payload.length > 5 && next() < 0.5) {
        payload[0] = 20 + Math.floor(next() * 5);
        payload[1] = 3;
        payload[2] = Math.floor(next() * 5);
      } else if (payload.length > 6) {
        payload[0] = 0xc0 | (payload[0] ?? 0);
        payload[1] = 0;
        payload[2] = 0;
        payload[3] = 0;
        payload[4] = next() < 0.5 ? 1 : 0;
        payload[5] = Math.floor(next() * 21);
      }
      const udp = next() < 0.5;
      const bytes = ipv4Packet(udp, payload);
      const tree = new FullTree();
      expect(() =>
        dissect(registry, metaFor(bytes, 101, { number: k + 1 }), bytes, tree, state, {
          wantInfo: true,
          crypto: next() < 0.5 ? identityCrypto : nodeCrypto,
        }),
      ).not.toThrow();
      found.push(...bugs(tree));
    }
    expect(found).toEqual([]);
  });
});

/** A raw IPv4 packet (link type 101) carrying `payload` over UDP or TCP, port 443 both ways. */
function ipv4Packet(udp: boolean, payload: Uint8Array): Uint8Array {
  const l4 = udp ? 8 : 20;
  const out = new Uint8Array(20 + l4 + payload.length);
  const total = out.length;
  out.set([
    0x45,
    0,
    total >> 8,
    total & 0xff,
    0,
    0,
    0x40,
    0,
    64,
    udp ? 17 : 6,
    0,
    0,
    10,
    0,
    0,
    1,
    10,
    0,
    0,
    2,
  ]);
  if (udp) {
    const len = 8 + payload.length;
    out.set([0xc3, 0x50, 0x01, 0xbb, len >> 8, len & 0xff, 0, 0], 20);
  } else {
    out.set([0xc3, 0x50, 0x01, 0xbb, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0], 20);
  }
  out.set(payload, 20 + l4);
  return out;
}
