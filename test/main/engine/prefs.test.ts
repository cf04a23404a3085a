// Dissection preferences in the engine: a TLS key log set with prefs.set decrypts the files opened
// after it (HTTP inside TLS in the rows and the detail); an unreadable path is refused with its
// reason; the key log is read again as it grows, as a browser appends to it during a capture.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { Engine } from '../../../main/engine/engine.ts';
import { KeyLogFile } from '../../../main/engine/secrets.ts';
import { pcapFile, tempDir } from '../../support/pcap-bytes.ts';
import { fill, keylog12, keylog13, tls12Frames } from '../../support/tls-session.ts';

const dir = tempDir('trawl-prefs-');
afterAll(() => dir.cleanup());

const capture = dir.file(
  'tls12.pcap',
  pcapFile(
    { linkType: 1 },
    tls12Frames().map((data, i) => ({ tsSec: i, tsFrac: 0, data })),
  ),
);
const keylog = dir.file('keys.log', new TextEncoder().encode(keylog12));

async function protocols(engine: Engine): Promise<string[]> {
  await engine.handle('file.open', { path: capture });
  await engine.handle('view.sort', { column: null, descending: false });
  const rows = await engine.handle('view.rows', { start: 0, end: 100 });
  return rows.map((r) => `${r.protocol} ${r.info}`);
}

describe('dissection preferences', () => {
  it('decrypts the files opened after a TLS key log is set, and not before', async () => {
    const engine = new Engine(() => {});
    const plain = await protocols(engine);
    expect(plain.filter((r) => r.startsWith('HTTP'))).toEqual([]);
    expect(plain).toContain('TLSv1.2 Application Data');

    expect(await engine.handle('prefs.set', { tlsKeylogFile: keylog })).toEqual({ tlsKeylogFile: keylog });
    const decrypted = await protocols(engine);
    expect(decrypted).toContain('HTTP GET /index.html HTTP/1.1 ');
    expect(decrypted).toContain('HTTP HTTP/1.1 200 OK  (text/plain)');

    await engine.handle('prefs.set', { tlsKeylogFile: null });
    expect((await protocols(engine)).filter((r) => r.startsWith('HTTP'))).toEqual([]);
    engine.close();
  });

  it('refuses a key log it cannot read, saying which and why', async () => {
    const engine = new Engine(() => {});
    const missing = join(dir.dir, 'no-such.log');
    await expect(engine.handle('prefs.set', { tlsKeylogFile: missing })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^Cannot read the TLS key log file .*no-such\.log: ENOENT/),
    });
    await expect(engine.handle('prefs.set', { tlsKeylogFile: dir.dir })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: `Cannot read the TLS key log file ${dir.dir}: not a regular file`,
    });
    engine.close();
  });

  it('reads lines appended to the key log since the last look, and a rewritten file again', () => {
    const path = join(dir.dir, 'growing.log');
    const [first = '', ...rest] = keylog13.split('\n');
    writeFileSync(path, `${first}\n${(rest[0] ?? '').slice(0, 20)}`);
    const file = new KeyLogFile(path);
    const state = new CaptureState();
    file.refresh(state.secrets);
    const random = fill(32, 0x11);
    expect(state.secrets.tlsSecrets(random)?.clientHandshake).toBeDefined();
    expect(state.secrets.tlsSecrets(random)?.serverHandshake).toBeUndefined();
    const generation = state.secrets.generation;
    file.refresh(state.secrets);
    expect(state.secrets.generation).toBe(generation); // nothing new: nothing read
    appendFileSync(path, `${(rest[0] ?? '').slice(20)}\n${rest.slice(1).join('\n')}\n`);
    file.refresh(state.secrets);
    expect(state.secrets.tlsSecrets(random)).toMatchObject({
      serverHandshake: fill(32, 0x31),
      client0: fill(32, 0x41),
      server0: fill(32, 0x61),
    });
    writeFileSync(path, keylog12);
    file.refresh(state.secrets);
    expect(state.secrets.tlsSecrets(fill(32, 0x13))?.master).toEqual(fill(48, 0x83));
  });
});
