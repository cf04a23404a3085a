// The renderer's engine client over a fake transport, and the browser mode's wire codec.
import { describe, expect, it } from 'vitest';
import type { EngineMessage, RequestMessage } from '../../app/protocol/messages.ts';
import { EngineClient, EngineRequestError, type Transport } from '../../renderer/client/engine-client.ts';
import { base64ToBytes, bytesToBase64, decodeWire, encodeWire } from '../../app/protocol/wire.ts';

class FakeTransport implements Transport {
  sent: RequestMessage[] = [];
  private message: (m: unknown) => void = () => {};
  private closeListener: (reason: string) => void = () => {};
  closed = false;
  send(m: RequestMessage): void {
    this.sent.push(m);
  }
  onMessage(l: (m: unknown) => void): void {
    this.message = l;
  }
  onClose(l: (reason: string) => void): void {
    this.closeListener = l;
  }
  close(): void {
    this.closed = true;
  }
  deliver(m: EngineMessage | unknown): void {
    this.message(m);
  }
  drop(reason: string): void {
    this.closeListener(reason);
  }
}

describe('EngineClient', () => {
  it('matches responses to requests by id, in any order', async () => {
    const t = new FakeTransport();
    const client = new EngineClient(t);
    const a = client.request('view.find', { number: 3 });
    const b = client.request('view.rows', { start: 0, end: 2 });
    expect(t.sent.map((m) => [m.method, m.params])).toEqual([
      ['view.find', { number: 3 }],
      ['view.rows', { start: 0, end: 2 }],
    ]);
    const [first, second] = t.sent;
    t.deliver({ kind: 'response', id: second?.id, ok: true, result: [] });
    t.deliver({ kind: 'response', id: first?.id, ok: true, result: { row: 2 } });
    await expect(a).resolves.toEqual({ row: 2 });
    await expect(b).resolves.toEqual([]);
  });

  it('holds events until released, then delivers them in order, then live', () => {
    const t = new FakeTransport();
    const client = new EngineClient(t);
    client.holdEvents();
    const progress = (packets: number): EngineMessage => ({
      kind: 'event',
      event: { type: 'load.progress', progress: { packets, bytesRead: 0, sizeBytes: 0, done: false } },
    });
    t.deliver(progress(1));
    t.deliver(progress(2));
    const seen: number[] = [];
    client.onEvent((e) => e.type === 'load.progress' && seen.push(e.progress.packets));
    expect(seen).toEqual([]);
    client.releaseEvents();
    expect(seen).toEqual([1, 2]);
    t.deliver(progress(3));
    client.releaseEvents();
    expect(seen).toEqual([1, 2, 3]);
  });

  it('rejects with the engine error as data', async () => {
    const t = new FakeTransport();
    const client = new EngineClient(t);
    const p = client.request('file.open', { path: '/nope' });
    t.deliver({
      kind: 'response',
      id: t.sent[0]?.id,
      ok: false,
      error: { code: 'ENOENT', message: 'No such file' },
    });
    const err: unknown = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineRequestError);
    expect((err as EngineRequestError).error).toEqual({ code: 'ENOENT', message: 'No such file' });
    expect((err as EngineRequestError).code).toBe('ENOENT');
  });

  it('delivers events to listeners until they unsubscribe, and ignores junk', () => {
    const t = new FakeTransport();
    const client = new EngineClient(t);
    const seen: string[] = [];
    const off = client.onEvent((e) => seen.push(e.type));
    t.deliver({ kind: 'event', event: { type: 'file.closed' } });
    t.deliver({ kind: 'nonsense' });
    t.deliver(null);
    t.deliver({ kind: 'response', id: 999, ok: true, result: null });
    off();
    t.deliver({ kind: 'event', event: { type: 'file.closed' } });
    expect(seen).toEqual(['file.closed']);
  });

  it('fails pending and later requests when the connection ends', async () => {
    const t = new FakeTransport();
    const client = new EngineClient(t);
    const reasons: string[] = [];
    client.onClose((r) => reasons.push(r));
    const p = client.request('view.state', {});
    t.drop('The engine stopped');
    await expect(p).rejects.toMatchObject({ code: 'INTERNAL', message: 'The engine stopped' });
    await expect(client.request('view.state', {})).rejects.toBeInstanceOf(EngineRequestError);
    expect(reasons).toEqual(['The engine stopped']);
    expect(t.sent).toHaveLength(1);
  });
});

describe('wire codec', () => {
  const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
  const detail = {
    kind: 'response',
    id: 1,
    ok: true,
    result: { number: 1, sources: [{ name: 'Frame', bytes }] },
  };

  it('carries bytes from the server to the client as base64', () => {
    const text = encodeWire(detail);
    expect(text).toContain('"$bytes":"');
    const back = decodeWire(text) as typeof detail;
    expect(back.result.sources[0]?.bytes).toBeInstanceOf(Uint8Array);
    expect([...(back.result.sources[0]?.bytes ?? [])]).toEqual([...bytes]);
  });

  it('encodes a Buffer or a subarray by its own bytes only', () => {
    const big = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const back = decodeWire(encodeWire({ a: big.subarray(2, 5), b: Buffer.from([4, 5]) })) as {
      a: Uint8Array;
      b: Uint8Array;
    };
    expect([...back.a]).toEqual([1, 2, 3]);
    expect([...back.b]).toEqual([4, 5]);
  });

  it('spells base64 exactly as Node does, for every length remainder', () => {
    for (let n = 0; n < 40; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      const b64 = Buffer.from(b).toString('base64');
      expect(bytesToBase64(b)).toBe(b64);
      expect([...base64ToBytes(b64)]).toEqual([...b]);
    }
    expect(() => base64ToBytes('AA*A')).toThrow(/offset 2/);
  });

  it('round-trips client to server, leaving look-alike objects alone', () => {
    const value = { x: new Uint8Array([0, 255]), y: { $bytes: 1 }, z: { $bytes: 'AA==', other: 1 } };
    const back = decodeWire(encodeWire(value)) as { x: Uint8Array; y: unknown; z: unknown };
    expect([...back.x]).toEqual([0, 255]);
    expect(back.y).toEqual({ $bytes: 1 });
    expect(back.z).toEqual({ $bytes: 'AA==', other: 1 });
  });
});
