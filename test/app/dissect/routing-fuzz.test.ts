// Fuzz for the routing protocols: random and corrupted messages on their IP protocols, UDP and TCP
// ports and IGMP types, through every tree sink. Nothing may escape dissect(), no fault may be a
// dissector bug, and nothing may hang.
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { rng, survives } from '../../support/fuzz.ts';

const IP_PROTOS = [46, 88, 89, 103, 112];
const UDP_PORTS = [496, 520, 521, 646, 654, 698, 1985, 3784, 4342, 4784, 6696, 6784];
const TCP_PORTS = [179, 323, 646];

/** Ethernet + IPv4 + (UDP|TCP|raw) around `payload`, the lengths consistent. */
function frame(proto: number, port: number, payload: Uint8Array, seq = 1): Uint8Array {
  const l4 = proto === 17 ? 8 : proto === 6 ? 20 : 0;
  const ipLen = 20 + l4 + payload.length;
  const b = new Uint8Array(14 + ipLen);
  b.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00]);
  b.set([0x45, 0, ipLen >> 8, ipLen & 0xff, 0, 1, 0, 0, 64, proto, 0, 0, 10, 0, 0, 1, 224, 0, 0, 5], 14);
  if (proto === 17) {
    const len = 8 + payload.length;
    b.set([port >> 8, port & 0xff, port >> 8, port & 0xff, len >> 8, len & 0xff, 0, 0], 34);
  } else if (proto === 6) {
    b.set(
      [0xc3, 0x50, port >> 8, port & 0xff, seq >>> 24, (seq >> 16) & 0xff, (seq >> 8) & 0xff, seq & 0xff],
      34,
    );
    b.set([0, 0, 0, 1, 0x50, 0x18, 0xff, 0xff], 42);
  }
  b.set(payload, 34 + l4);
  return b;
}

/** Headers that get past the first checks: a BGP marker, PIM/OSPF/VRRP versions, Babel's magic. */
function plausible(proto: number, port: number, p: Uint8Array, next: () => number): void {
  if (p.length < 4) return;
  if (proto === 6 && port === 179 && p.length >= 19) {
    p.fill(0xff, 0, 16);
    p[16] = 0;
    p[17] = Math.min(p.length, 19 + Math.floor(next() * 60));
    p[18] = 1 + Math.floor(next() * 5);
  } else if (proto === 103) p[0] = 0x20 | (p[0] as number & 0x0f);
  else if (proto === 89) p[0] = next() < 0.5 ? 2 : 3;
  else if (proto === 112) p[0] = next() < 0.5 ? 0x21 : 0x31;
  else if (proto === 2) p[0] = next() < 0.5 ? 0x13 : 0x14;
  else if (port === 6696) p.set([42, 2], 0);
}

describe('routing protocols fuzz', () => {
  it('survives random and half-plausible messages on every protocol and port', () => {
    const next = rng(1790089);
    const state = new CaptureState();
    const targets: [number, number][] = [
      ...IP_PROTOS.map((p): [number, number] => [p, 0]),
      [2, 0],
      ...UDP_PORTS.map((p): [number, number] => [17, p]),
      ...TCP_PORTS.map((p): [number, number] => [6, p]),
    ];
    let n = 0;
    let seq = 1;
    for (let k = 0; k < 3000; k++) {
      const [proto, port] = targets[k % targets.length] as [number, number];
      const len = Math.floor(next() * (next() < 0.2 ? 400 : 60));
      const payload = Uint8Array.from({ length: len }, () => Math.floor(next() * 256));
      if (next() < 0.7) plausible(proto, port, payload, next);
      const t0 = performance.now();
      survives(frame(proto, port, payload, seq), state, ++n);
      expect(performance.now() - t0).toBeLessThan(500);
      seq += len;
    }
  });
});
