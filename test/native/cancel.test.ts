// Cancelling and closing a Reader while a read runs on its worker thread.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addon } from '../../native/index.ts';
import { concat, epb, idb, packetBytes, pcapFile, shb, tempDir } from '../support/pcap-bytes.ts';

const tmp = tempDir();
let pcapPath = '';
let pcapngPath = '';

beforeAll(() => {
  const data = packetBytes(100, 1);
  const recs = Array.from({ length: 50_000 }, (_, i) => ({ tsSec: i, tsFrac: 0, data }));
  pcapPath = tmp.file('big.pcap', pcapFile({}, recs));
  const blocks = Array.from({ length: 50_000 }, (_, i) => epb('little', { iface: 0, ts: BigInt(i), data }));
  pcapngPath = tmp.file('big.pcapng', concat(shb('little'), idb('little', { linkType: 1 }), ...blocks));
});
afterAll(() => tmp.cleanup());

describe.each(['pcap', 'pcapng'])('%s', (kind) => {
  const path = (): string => (kind === 'pcap' ? pcapPath : pcapngPath);

  test('cancel() rejects the read in flight with CANCELLED, and every later one', async () => {
    const reader = new (addon().Reader)(path(), { batchRecords: 1000 });
    expect((await reader.next())?.count).toBe(1000);
    const inFlight = reader.next();
    reader.cancel();
    await expect(inFlight).rejects.toMatchObject({ code: 'CANCELLED', path: path() });
    await expect(reader.next()).rejects.toMatchObject({ code: 'CANCELLED' });
    reader.close();
  });

  test('cancel() before any read', async () => {
    const reader = new (addon().Reader)(path());
    reader.cancel();
    await expect(reader.next()).rejects.toMatchObject({ code: 'CANCELLED' });
    reader.close();
  });

  test('cancel() from a timer stops a long read of tiny batches', async () => {
    const reader = new (addon().Reader)(path(), { batchRecords: 1 });
    setTimeout(() => reader.cancel(), 20);
    let batches = 0;
    const err = await (async () => {
      for (;;) {
        if ((await reader.next()) === null) return null;
        batches++;
      }
    })().catch((e: unknown) => e as { code: string });
    expect(err?.code).toBe('CANCELLED');
    expect(batches).toBeLessThan(50_000);
    reader.close();
  });

  test('close() during a read: it rejects with CANCELLED, the file is released after', async () => {
    const reader = new (addon().Reader)(path());
    const inFlight = reader.next();
    reader.close();
    await expect(inFlight).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(reader.next()).rejects.toMatchObject({ code: 'EINVAL' });
  });

  test('a second next() while one runs is refused', async () => {
    const reader = new (addon().Reader)(path());
    const first = reader.next();
    await expect(reader.next()).rejects.toMatchObject({ code: 'EINVAL' });
    expect((await first)?.count).toBe(8192);
    reader.close();
  });
});

// A worker thread ended (worker.terminate(), as the browser mode does when a page goes away)
// while its Reader has a read in flight: the read completes into a dying environment, and the
// error it cannot throw there must not abort the whole process.
test('terminating a worker mid-read leaves the process running', () => {
  const addonPath = fileURLToPath(new URL('../../native/build/Release/trawl.node', import.meta.url));
  const script = `
    const { Worker } = require('node:worker_threads');
    const reader = ${JSON.stringify(`
      const { Reader } = require(${JSON.stringify(addonPath)});
      const r = new Reader(${JSON.stringify(pcapPath)}, { batchRecords: 50 });
      (async () => { for (let i = 0; ; i = (i + 1) % 1000) if ((await r.next()) === null) r.close(), process.exit(0); })();
    `)};
    (async () => {
      for (let k = 0; k < 8; k++) {
        const w = new Worker(reader, { eval: true });
        await new Promise((ok) => w.once('online', ok));
        await new Promise((ok) => setTimeout(ok, 5 + 7 * k));
        await w.terminate();
      }
      console.log('alive');
    })();`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  expect(run.stderr).toBe('');
  expect({ status: run.status, signal: run.signal, out: run.stdout.trim() }).toEqual({
    status: 0,
    signal: null,
    out: 'alive',
  });
});
