// Save As: the packets of the capture (all, or those a view displays, in file order) written as
// pcap through libpcap's dumper, bytes read back from the source file by offset.
import { createCaptureWriter } from '../pcap/write.ts';
import { EngineFailure } from './errors.ts';
import type { CaptureSession } from './session.ts';
import type { View } from './view.ts';

/** Writes the packets to `path`; returns how many were written. */
export function writeCaptureFile(session: CaptureSession, path: string, view: View | null): number {
  const x = session.index;
  const packets: number[] = [];
  if (view) {
    for (let r = 0; r < view.displayed; r++) packets.push(view.packetAt(r));
    packets.sort((a, b) => a - b);
  } else {
    for (let i = 0; i < x.count; i++) packets.push(i);
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
