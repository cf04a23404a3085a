// Pieces for the link-layer tests (Cisco HDLC, PPP, Frame Relay...): an IPv4/UDP datagram to put
// behind a header, hex to bytes, and a fuzz pass of built frames under their own link type.
import { expect } from 'vitest';
import { dissect } from '../../app/dissect/dissect.ts';
import { defaultRegistry } from '../../app/dissect/modules.ts';
import { CaptureState } from '../../app/dissect/packet-info.ts';
import { FullTree } from '../../app/dissect/tree.ts';
import { allSinks, rng } from './fuzz.ts';
import { hexToBytes, metaFor, walk } from './dissect-hex.ts';
import { udpFrame } from './tcp-frames.ts';

/** An IPv4 datagram carrying UDP from 10.0.0.1:1000 to 10.0.0.2:2000 with `payload`. */
export function ipv4Udp(payload = 'hello'): Uint8Array {
  return udpFrame({ src: 1, dst: 2, sport: 1000, dport: 2000 }, payload).slice(14);
}

/** A frame from hex header bytes and an optional payload after them. */
export function frame(hex: string, payload: Uint8Array = new Uint8Array()): Uint8Array {
  const head = hexToBytes(hex);
  const out = new Uint8Array(head.length + payload.length);
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
}

/**
 * Cuts and flips bytes of each frame many times and dissects them under `linkType` into every
 * sink, reported lengths both equal and larger: nothing may escape as a dissector bug.
 */
export function fuzzFrames(
  frames: readonly Uint8Array[],
  linkType: number,
  seed: number,
  rounds = 300,
): void {
  const registry = defaultRegistry();
  const next = rng(seed);
  const state = new CaptureState();
  for (let round = 0; round < rounds; round++) {
    for (const f of frames) {
      const cut = f.slice(0, 1 + Math.floor(next() * f.length));
      for (let k = 0; k < 3; k++) cut[Math.floor(next() * cut.length)] = Math.floor(next() * 256);
      const origLen = next() < 0.5 ? cut.length : cut.length + 100;
      for (const sink of allSinks(registry)) {
        dissect(registry, metaFor(cut, linkType, { origLen }), cut, sink, state);
        if (sink instanceof FullTree)
          walk(sink.roots, (n) => expect(n.label ?? '').not.toContain('dissector bug'));
      }
    }
  }
}

/** An Ethernet II frame from 02:00:00:00:00:01 to 02:00:00:00:00:02 with `type` and `payload` hex. */
export function ethFrame(type: number, payload: string): Uint8Array {
  return frame(`020000000002 020000000001 ${type.toString(16).padStart(4, '0')} ${payload}`);
}

/** An 802.3 frame with an LLC/SNAP header for Cisco's `pid`, carrying `payload` hex. */
export function ciscoSnapFrame(pid: number, payload: string): Uint8Array {
  const body = frame(`aaaa03 00000c ${pid.toString(16).padStart(4, '0')} ${payload}`);
  const head = `01000ccccccc 020000000001 ${body.length.toString(16).padStart(4, '0')}`;
  return frame(head, body);
}
