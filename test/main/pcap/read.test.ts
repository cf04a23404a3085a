// main/pcap/read.ts: openCapture as an async iterable, its typed errors, cancel and AbortSignal.
import { afterAll, describe, expect, test } from 'vitest';
import { CaptureFileError, isCancelled, openCapture } from '../../../main/pcap/read.ts';
import { concat, epb, idb, packetBytes, pcapFile, shb, tempDir } from '../../support/pcap-bytes.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const recs = Array.from({ length: 100 }, (_, i) => ({ tsSec: i, tsFrac: i, data: packetBytes(50, i) }));
const good = tmp.file('good.pcap', pcapFile({ nanosecond: true }, recs));

async function catchOf(p: Promise<unknown>): Promise<CaptureFileError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CaptureFileError);
    return err as CaptureFileError;
  }
  throw new Error('expected a rejection');
}

function thrownBy(f: () => unknown): CaptureFileError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(CaptureFileError);
    return err as CaptureFileError;
  }
  throw new Error('expected an error');
}

describe('openCapture', () => {
  test('iterates batches to the end, then closes', async () => {
    const file = openCapture(good, { batchRecords: 30 });
    expect(file.info).toMatchObject({ format: 'pcap', nanosecond: true, linkType: 1 });
    const counts: number[] = [];
    const times: number[] = [];
    for await (const batch of file) {
      counts.push(batch.count);
      times.push(...batch.tsNsec);
    }
    expect(counts).toEqual([30, 30, 30, 10]);
    expect(times).toEqual(recs.map((r) => r.tsFrac));
    // Closed by the loop's end: further reads give nothing.
    expect(await file.next()).toBeNull();
    file.close();
  });

  test('breaking out of the loop closes the file', async () => {
    const file = openCapture(good, { batchRecords: 10 });
    for await (const batch of file) {
      expect(batch.count).toBe(10);
      break;
    }
    expect(await file.next()).toBeNull();
  });

  test('next() calls without awaiting are served in order', async () => {
    const file = openCapture(good, { batchRecords: 40 });
    const [a, b, c, d] = await Promise.all([file.next(), file.next(), file.next(), file.next()]);
    expect([a?.tsSec[0], b?.tsSec[0], c?.tsSec[0], d]).toEqual([0, 40, 80, null]);
    file.close();
  });

  test('open errors: ENOENT, BAD_FORMAT, with the path', () => {
    const missing = `${tmp.dir}/missing.pcap`;
    expect(thrownBy(() => openCapture(missing))).toMatchObject({ code: 'ENOENT', path: missing });
    const text = tmp.file('text.pcap', new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    const err = thrownBy(() => openCapture(text));
    expect(err.code).toBe('BAD_FORMAT');
    expect(err.message).toContain('libpcap: unknown file format');
    expect(err.offset).toBeUndefined();
  });

  test('a truncated file: the records before the cut, then TRUNCATED with its offset', async () => {
    const bytes = pcapFile({}, recs.slice(0, 5));
    const cutAt = bytes.length - 66 + 16 + 10;
    const path = tmp.file('cut.pcap', bytes.subarray(0, cutAt));
    const file = openCapture(path);
    let seen = 0;
    const err = await catchOf(
      (async () => {
        for await (const batch of file) seen += batch.count;
      })(),
    );
    expect(seen).toBe(4);
    expect(err).toMatchObject({ code: 'TRUNCATED', offset: bytes.length - 66, path });
    expect(err.name).toBe('CaptureFileError');
  });

  test('a corrupt pcapng block: BAD_RECORD', async () => {
    const bytes = concat(
      shb('little'),
      idb('little', { linkType: 1 }),
      epb('little', { iface: 0, ts: 1n, data: packetBytes(10) }),
      epb('little', { iface: 7, ts: 1n, data: packetBytes(10) }),
    );
    const file = openCapture(tmp.file('bad.pcapng', bytes));
    expect((await file.next())?.count).toBe(1);
    expect(await catchOf(file.next())).toMatchObject({ code: 'BAD_RECORD', offset: 28 + 20 + 44 });
    file.close();
  });

  test('cancel(): the read in flight rejects with CANCELLED', async () => {
    const file = openCapture(good, { batchRecords: 10 });
    const read = file.next();
    file.cancel();
    const err = await catchOf(read);
    expect(err.code).toBe('CANCELLED');
    expect(isCancelled(err)).toBe(true);
    file.close();
  });

  test('an AbortSignal cancels, also one aborted before opening', async () => {
    const controller = new AbortController();
    const file = openCapture(good, { batchRecords: 10, signal: controller.signal });
    expect((await file.next())?.count).toBe(10);
    const read = file.next();
    controller.abort();
    expect((await catchOf(read)).code).toBe('CANCELLED');
    file.close();

    const early = openCapture(good, { signal: AbortSignal.abort() });
    expect((await catchOf(early.next())).code).toBe('CANCELLED');
    early.close();
  });

  test('close() during a read rejects it with CANCELLED; close twice is fine', async () => {
    const file = openCapture(good);
    const read = file.next();
    file.close();
    file.close();
    expect((await catchOf(read)).code).toBe('CANCELLED');
  });

  test('bad options become BAD_REQUEST', () => {
    expect(thrownBy(() => openCapture(good, { batchRecords: -1 })).code).toBe('BAD_REQUEST');
  });
});
