// The renderer's one way to the engine: typed requests (app/protocol/messages.ts) and events,
// over a Transport (the Electron MessagePort or the browser mode's WebSocket).
import type {
  EngineError,
  EngineEvent,
  EngineMessage,
  Params,
  RequestMessage,
  RequestName,
  Result,
} from '../../app/protocol/messages.ts';

export interface Transport {
  send(message: RequestMessage): void;
  /** Every message the engine sends (responses and events), already decoded. */
  onMessage(listener: (message: unknown) => void): void;
  /** The connection ended (engine gone, socket closed); `reason` is for the user. */
  onClose(listener: (reason: string) => void): void;
  close(): void;
}

/** A failed request: the engine's error as data, thrown as an Error so `await` can catch it. */
export class EngineRequestError extends Error {
  constructor(readonly error: EngineError) {
    super(error.message);
    this.name = 'EngineRequestError';
  }

  get code(): EngineError['code'] {
    return this.error.code;
  }
}

/** The EngineError of anything a request may have thrown. */
export function engineErrorOf(err: unknown): EngineError {
  if (err instanceof EngineRequestError) return err.error;
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

interface Pending {
  resolve(result: unknown): void;
  reject(err: EngineRequestError): void;
}

function isEngineMessage(m: unknown): m is EngineMessage {
  if (typeof m !== 'object' || m === null) return false;
  const msg = m as { kind?: unknown; id?: unknown; ok?: unknown; event?: unknown };
  if (msg.kind === 'response') return typeof msg.id === 'number' && typeof msg.ok === 'boolean';
  if (msg.kind === 'event') {
    return typeof msg.event === 'object' && msg.event !== null && 'type' in msg.event;
  }
  return false;
}

export class EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Set<(event: EngineEvent) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private closedReason: string | null = null;
  /** Events kept while held (holdEvents), delivered in order by releaseEvents. */
  private held: EngineEvent[] | null = null;

  constructor(private readonly transport: Transport) {
    transport.onMessage((m) => this.receive(m));
    transport.onClose((reason) => this.closed(reason));
  }

  request<N extends RequestName>(method: N, params: Params<N>): Promise<Result<N>> {
    if (this.closedReason !== null) {
      return Promise.reject(new EngineRequestError({ code: 'INTERNAL', message: this.closedReason }));
    }
    const id = this.nextId++;
    return new Promise<Result<N>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject });
      this.transport.send({ kind: 'request', id, method, params });
    });
  }

  /** Calls `listener` for every engine event; returns the unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /**
   * Keeps the events that arrive from now on until releaseEvents(): a request made before the
   * window has subscribed (the file opened at start) must not lose its events to that race.
   */
  holdEvents(): void {
    this.held ??= [];
  }

  /** Delivers the events kept since holdEvents() to the listeners subscribed now, then the rest live. */
  releaseEvents(): void {
    const held = this.held;
    this.held = null;
    for (const event of held ?? []) this.dispatch(event);
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.transport.close();
    this.closed('The client was closed');
  }

  private receive(m: unknown): void {
    if (!isEngineMessage(m)) return;
    if (m.kind === 'event') {
      if (this.held) this.held.push(m.event);
      else this.dispatch(m.event);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(new EngineRequestError(m.error));
  }

  private dispatch(event: EngineEvent): void {
    for (const l of this.eventListeners) l(event);
  }

  private closed(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    const error = new EngineRequestError({ code: 'INTERNAL', message: reason });
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    for (const l of this.closeListeners) l(reason);
  }
}
