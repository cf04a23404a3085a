// main/pcap/write.ts: the typed writer and reading packet bytes back by offset.
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { openCapture } from '../../../main/pcap/read.ts';
import { CaptureFileError, createCaptureWriter, readPacketBytes } from '../../../main/pcap/write.ts';
import { packetBytes, pcapFile, tempDir } from '../../support/pcap-bytes.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('createCaptureWriter', () => {
  test('writes packets and batches that read back the same', async () => {
    const src = tmp.file(
      'src.pcap',
      pcapFile(
        { nanosecond: true, linkType: 113 },
        Array.from({ length: 20 }, (_, i) => ({
          tsSec: 100 + i,
          tsFrac: 999_999_000 + i,
          data: packetBytes(70, i),
        })),
      ),
    );
    const out = join(tmp.dir, 'out.pcap');
    const input = openCapture(src);
    const writer = createCaptureWriter(out, { linkType: input.info.linkType, nanosecond: true });
    writer.writePacket(1, 2, 300, packetBytes(30, 99));
    for await (const batch of input) writer.writeBatch(batch, 0, batch.count);
    expect(writer.position()).toBe(24 + (16 + 30) + 20 * (16 + 70));
    writer.close();
    writer.close();

    const back = openCapture(out);
    const rows: [number, number, number, number][] = [];
    for await (const b of back) {
      for (let i = 0; i < b.count; i++) rows.push([b.tsSec[i]!, b.tsNsec[i]!, b.capLen[i]!, b.origLen[i]!]);
    }
    expect(back.info.linkType).toBe(113);
    expect(rows[0]).toEqual([1, 2, 30, 300]);
    expect(rows[20]).toEqual([119, 999_999_019, 70, 70]);
    expect(rows).toHaveLength(21);
  });

  test('errors are CaptureFileErrors with a code', () => {
    const missingDir = join(tmp.dir, 'nope', 'x.pcap');
    let err: unknown;
    try {
      createCaptureWriter(missingDir, { linkType: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CaptureFileError);
    expect(err).toMatchObject({ code: 'ENOENT', path: missingDir });

    const w = createCaptureWriter(join(tmp.dir, 'closed.pcap'), { linkType: 1 });
    w.close();
    expect(() => w.writePacket(0, 0, 1, packetBytes(1))).toThrow(CaptureFileError);
  });
});

describe('readPacketBytes', () => {
  const recs = Array.from({ length: 5 }, (_, i) => ({ tsSec: i, tsFrac: 0, data: packetBytes(40 + i, i) }));
  const path = tmp.file('bytes.pcap', pcapFile({}, recs));

  test('reads each packet back by its data offset, into a reused buffer when it fits', async () => {
    const file = openCapture(path, { includeData: false });
    const batch = await file.next();
    file.close();
    const fd = openSync(path, 'r');
    try {
      const scratch = new Uint8Array(64);
      for (let i = 0; i < 5; i++) {
        const bytes = readPacketBytes(fd, batch!.dataOffset[i]!, batch!.capLen[i]!, scratch);
        expect(bytes).toEqual(recs[i]!.data);
        expect(bytes.buffer).toBe(scratch.buffer);
      }
      const fresh = readPacketBytes(fd, batch!.dataOffset[4]!, batch!.capLen[4]!, new Uint8Array(3));
      expect(fresh).toEqual(recs[4]!.data);
      expect(() => readPacketBytes(fd, batch!.dataOffset[4]!, 1000)).toThrow(
        expect.objectContaining({ code: 'TRUNCATED', offset: batch!.dataOffset[4] }),
      );
    } finally {
      closeSync(fd);
    }
  });
});
