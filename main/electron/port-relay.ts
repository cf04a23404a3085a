// Relays the engine's protocol between one engine port (the worker's, Node worker_threads) and any
// number of clients: the window's MessagePortMain and the shell's own client. Request ids are
// renumbered so clients cannot collide, responses go back to the client that asked, events go to
// everyone. Only well-formed requests for known methods reach the engine. No Electron import.
import {
  isRequestName,
  type EngineError,
  type EngineEvent,
  type EngineMessage,
  type EventMessage,
  type RequestMessage,
} from '../../app/protocol/messages.ts';

/** The engine end: a worker_threads MessagePort (messages arrive as the data itself). */
export interface EnginePortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** A client end as Electron's MessagePortMain has it (messages arrive as `{ data }`). */
export interface ClientPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  start(): void;
  close(): void;
}

export interface RelayLane {
  /** Sends a client's message towards the engine (validated, renumbered). */
  post(message: unknown): void;
  close(): void;
}

interface Lane {
  deliver(message: EngineMessage): void;
  open: boolean;
}

export class EngineRelay {
  private engine: EnginePortLike | null = null;
  private nextId = 1;
  private readonly lanes = new Set<Lane>();
  private readonly pending = new Map<number, { lane: Lane; id: number }>();
  /** The events that describe the open file, replayed to a client that connects late (a reload). */
  private readonly fileState = new Map<EngineEvent['type'], EventMessage>();

  private readonly fromEngine = (message: unknown): void => {
    if (isResponse(message)) {
      const asked = this.pending.get(message.id);
      if (!asked) return;
      this.pending.delete(message.id);
      if (asked.lane.open) asked.lane.deliver({ ...message, id: asked.id });
    } else if (isEvent(message)) {
      this.remember(message);
      for (const lane of this.lanes) lane.deliver(message);
    }
  };

  /** Makes `port` the engine; a previous engine is detached first. */
  attach(port: EnginePortLike): void {
    this.detach({ code: 'INTERNAL', message: 'The engine was replaced' });
    this.engine = port;
    port.on('message', this.fromEngine);
  }

  /** Forgets the engine (it stopped): requests in flight fail with `error`, clients see the file close. */
  detach(error: EngineError): void {
    if (!this.engine) return;
    this.engine.off('message', this.fromEngine);
    this.engine = null;
    for (const [internal, { lane, id }] of this.pending) {
      this.pending.delete(internal);
      if (lane.open) lane.deliver({ kind: 'response', id, ok: false, error });
    }
    if (this.fileState.has('file.opened')) this.fromEngine({ kind: 'event', event: { type: 'file.closed' } });
  }

  /** Adds a client; `deliver` gets its responses and every event, starting with the open file's. */
  connect(deliver: (message: EngineMessage) => void): RelayLane {
    const lane: Lane = { deliver, open: true };
    this.lanes.add(lane);
    for (const event of this.fileState.values()) deliver(event);
    return {
      post: (message) => {
        if (lane.open) this.toEngine(lane, message);
      },
      close: () => {
        lane.open = false;
        this.lanes.delete(lane);
      },
    };
  }

  private toEngine(lane: Lane, message: unknown): void {
    const request = asRequest(message);
    if (!request) return;
    if (!isRequestName(request.method)) {
      lane.deliver(failure(request.id, 'BAD_REQUEST', `Unknown request ${String(request.method)}`));
      return;
    }
    if (!this.engine) {
      lane.deliver(failure(request.id, 'INTERNAL', 'The engine is not running'));
      return;
    }
    const internal = this.nextId++;
    this.pending.set(internal, { lane, id: request.id });
    const forwarded: RequestMessage = {
      kind: 'request',
      id: internal,
      method: request.method,
      params: request.params ?? {},
    } as RequestMessage;
    this.engine.postMessage(forwarded);
  }

  private remember(message: EventMessage): void {
    const { event } = message;
    if (event.type === 'file.closed' || event.type === 'file.opened') this.fileState.clear();
    if (event.type !== 'file.closed') this.fileState.set(event.type, message);
  }
}

/** Joins an Electron MessagePortMain (or anything shaped like it) to the relay; returns the lane. */
export function connectClientPort(relay: EngineRelay, port: ClientPortLike): RelayLane {
  const lane = relay.connect((message) => port.postMessage(message));
  port.on('message', (event) => lane.post(event.data));
  port.on('close', () => lane.close());
  port.start();
  return {
    post: lane.post,
    close: () => {
      lane.close();
      port.close();
    },
  };
}

function failure(id: number, code: EngineError['code'], message: string): EngineMessage {
  return { kind: 'response', id, ok: false, error: { code, message } };
}

function asRequest(m: unknown): { id: number; method: unknown; params: unknown } | null {
  if (typeof m !== 'object' || m === null) return null;
  const r = m as { kind?: unknown; id?: unknown; method?: unknown; params?: unknown };
  if (r.kind !== 'request' || typeof r.id !== 'number' || !Number.isSafeInteger(r.id)) return null;
  return { id: r.id, method: r.method, params: r.params };
}

function isResponse(m: unknown): m is Extract<EngineMessage, { kind: 'response' }> {
  return typeof m === 'object' && m !== null && (m as { kind?: unknown }).kind === 'response';
}

function isEvent(m: unknown): m is EventMessage {
  if (typeof m !== 'object' || m === null) return false;
  const e = m as { kind?: unknown; event?: { type?: unknown } };
  return e.kind === 'event' && typeof e.event?.type === 'string';
}
