// Save As: the packets of the capture (all, or those a view displays, in file order) written as
// pcap through libpcap's dumper, bytes read back from the source file by offset.
import { createCaptureWriter } from '../pcap/write.ts';
import { EngineFailure } from './errors.ts';
import type { CaptureSession } from './session.ts';
import type { View } from './view.ts';

/**
 * Parses Wireshark's packet range (`1-10,15,20-`, `-5`; frame numbers, 1-based) into a test on
 * 0-based packet indices. Throws BAD_REQUEST for anything else.
 */
export function parsePacketRange(range: string): (i: number) => boolean {
  const parts = range
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const m = /^(\d*)\s*(-?)\s*(\d*)$/.exec(p);
      if (!m || (m[1] === '' && m[3] === '')) {
        throw new EngineFailure('BAD_REQUEST', `"${p}" is not a packet range (e.g. 1-10,15,20-)`);
      }
      const lo = m[1] ? Number(m[1]) : 1;
      const hi = m[3] ? Number(m[3]) : m[2] ? Infinity : lo;
      return [lo, hi] as const;
    });
  if (parts.length === 0) throw new EngineFailure('BAD_REQUEST', 'The packet range is empty');
  return (i) => parts.some(([lo, hi]) => i + 1 >= lo && i + 1 <= hi);
}

/** Writes the packets to `path`; returns how many were written. */
export function writeCaptureFile(
  session: CaptureSession,
  path: string,
  view: View | null,
  range?: string,
): number {
  const x = session.index;
  let packets: number[] = [];
  const matched = view?.matchedPackets();
  if (view && matched && !view.sort) {
    packets = Array.from(matched);
  } else if (view) {
    for (let r = 0; r < view.displayed; r++) packets.push(view.packetAt(r));
    packets.sort((a, b) => a - b);
  } else {
    for (let i = 0; i < x.count; i++) packets.push(i);
  }
  if (range !== undefined) packets = packets.filter(parsePacketRange(range));
  // A pcapng Custom Block is no packet: pcap cannot hold it (tshark -w refuses it the same way).
  const custom = packets.find((i) => x.customBlockOf(i) !== undefined);
  if (custom !== undefined) {
    throw new EngineFailure(
      'UNSUPPORTED',
      `Frame ${custom + 1} is a pcapng Custom Block, which a pcap file cannot hold: leave it out of the packets to save`,
    );
  }
  const linkTypes = new Set(packets.map((i) => x.linkType[i] ?? 0));
  if (linkTypes.size > 1) {
    throw new EngineFailure(
      'UNSUPPORTED',
      `pcap holds one link type, and these packets have ${linkTypes.size} (${[...linkTypes].join(', ')}): save as pcapng is not supported yet`,
    );
  }
  const writer = createCaptureWriter(path, {
    linkType: linkTypes.values().next().value ?? 1,
    nanosecond: session.summary.nanosecond,
  });
  try {
    for (const i of packets) {
      writer.writePacket(x.tsSec[i] ?? 0, x.tsNsec[i] ?? 0, x.origLen[i] ?? 0, session.bytesOf(i));
    }
  } finally {
    writer.close();
  }
  return packets.length;
}
