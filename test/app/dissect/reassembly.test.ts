// IPv4 reassembly on a real capture: six fragments of one NFS write over UDP.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { FragmentTable } from '../../../app/dissect/reassembly.ts';
import { openCapture } from '../../../main/pcap/read.ts';
import { CORPUS_FILES } from '../../support/corpus.ts';
import { dissectHex, type Dissected } from '../../support/dissect-hex.ts';

async function dissectFile(file: string, count: number): Promise<Dissected[]> {
  const state = new CaptureState();
  const out: Dissected[] = [];
  for await (const batch of openCapture(join(CORPUS_FILES, file))) {
    for (let i = 0; i < batch.count && out.length < count; i++) {
      const start = batch.dataStart[i] ?? 0;
      const bytes = batch.data.slice(start, start + (batch.capLen[i] ?? 0));
      out.push(dissectHex(bytes, batch.linkType[i] ?? 1, { number: out.length + 1 }, state));
    }
  }
  return out;
}

describe('IPv4 reassembly', () => {
  it('dissects the datagram on the frame that completes it, from a new data source', async () => {
    const frames = await dissectFile('pcpp__ip4_fragments.pcap', 6);
    for (const d of frames.slice(0, 5)) {
      expect(d.nodes('udp.srcport')).toHaveLength(0);
      expect(d.pinfo.info).toMatch(/^Fragmented IP protocol \(proto=UDP 17, off=\d+, ID=1ea0\)$/);
    }
    const last = frames[5] as Dissected;
    expect(last.value('udp.srcport')).toBe('789');
    expect(last.value('udp.length')).toBe('8320');
    expect(last.value('ip.fragment')).toBe('1,2,3,4,5,6');
    expect(last.value('ip.reassembled.length')).toBe('8320');
    expect(last.pinfo.sources).toHaveLength(1);
    expect(last.pinfo.sources[0]?.bytes.length).toBe(8320);
    const [port] = last.nodes('udp.srcport');
    expect(port).toMatchObject({ source: 1, offset: 0, length: 2 });
  });

  it('gives the same answer when a frame is dissected again (random access)', () => {
    const table = new FragmentTable();
    const a = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    const b = Uint8Array.of(9, 10);
    expect(table.add('k', 1, 0, a, true)).toBeNull();
    expect(table.add('k', 2, 8, b, false)?.data).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    expect(table.add('k', 1, 0, a, true)).toBeNull();
    expect(table.add('k', 2, 8, b, false)?.fragments).toEqual([
      { frame: 1, length: 8, offset: 0, overlap: false },
      { frame: 2, length: 2, offset: 8, overlap: false },
    ]);
    // The same key later in the capture is a new datagram (IP ids wrap).
    expect(table.add('k', 9, 8, b, false)).toBeNull();
  });
});
