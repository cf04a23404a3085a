// Speaks the protocol of app/protocol over anything with postMessage/on('message'):
// a worker's MessagePort, or the browser mode's WebSocket bridge.
import {
  isRequestName,
  type EngineMessage,
  type Params,
  type RequestMessage,
  type RequestName,
} from '../../app/protocol/messages.ts';
import { Engine } from './engine.ts';
import { toEngineError } from './errors.ts';

export interface MessageChannelLike {
  postMessage(message: EngineMessage): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

function isRequest(m: unknown): m is RequestMessage {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Partial<RequestMessage>;
  return r.kind === 'request' && typeof r.id === 'number' && isRequestName(r.method);
}

/** Answers every request arriving on `port` with one engine; returns the engine. */
export function serveEngine(port: MessageChannelLike): Engine {
  const engine = new Engine((event) => port.postMessage({ kind: 'event', event }));
  port.on('message', (m: unknown) => {
    if (!isRequest(m)) return;
    void answer(engine, port, m.id, m.method, (m.params ?? {}) as Params<RequestName>);
  });
  return engine;
}

async function answer<N extends RequestName>(
  engine: Engine,
  port: MessageChannelLike,
  id: number,
  method: N,
  params: Params<N>,
): Promise<void> {
  try {
    const result = await engine.handle(method, params);
    port.postMessage({ kind: 'response', id, ok: true, result });
  } catch (err) {
    port.postMessage({ kind: 'response', id, ok: false, error: toEngineError(err) });
  }
}
