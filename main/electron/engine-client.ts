// The shell's own engine client: File → Open and Save As come from native dialogs in the main
// process, so main asks the engine itself, on its own lane of the relay. Same protocol, same types.
import type {
  EngineError,
  EngineEvent,
  EngineMessage,
  Params,
  RequestName,
  Result,
} from '../../app/protocol/messages.ts';
import type { EngineRelay, RelayLane } from './port-relay.ts';

export type Outcome<N extends RequestName> =
  { ok: true; result: Result<N> } | { ok: false; error: EngineError };

export class EngineClient {
  private readonly lane: RelayLane;
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    (message: Extract<EngineMessage, { kind: 'response' }>) => void
  >();

  constructor(relay: EngineRelay, onEvent: (event: EngineEvent) => void = () => {}) {
    this.lane = relay.connect((message) => {
      if (message.kind === 'event') {
        onEvent(message.event);
        return;
      }
      const resolve = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      resolve?.(message);
    });
  }

  /** Sends one request; errors come back as data, never thrown. */
  request<N extends RequestName>(method: N, params: Params<N>): Promise<Outcome<N>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, (response) =>
        resolve(response.ok ? { ok: true, result: response.result as Result<N> } : response),
      );
      this.lane.post({ kind: 'request', id, method, params });
    });
  }
}
