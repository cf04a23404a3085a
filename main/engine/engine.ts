// The engine: one open capture and its view, answering the requests of app/protocol.
// It runs in a worker thread (worker.ts); the CLI and tests can also host it directly.
import type { EngineEvent, Params, RequestName, Result } from '../../app/protocol/messages.ts';
import { writeCaptureFile } from './save.ts';
import { frameDetail } from './detail.ts';
import { EngineFailure } from './errors.ts';
import { CaptureSession } from './session.ts';
import { View } from './view.ts';

type Handlers = { [N in RequestName]: (params: Params<N>) => Promise<Result<N>> | Result<N> };

export class Engine {
  private session: CaptureSession | null = null;
  private view: View | null = null;

  constructor(private readonly emit: (event: EngineEvent) => void) {}

  private readonly handlers: Handlers = {
    'file.open': ({ path }) => this.open(path),
    'file.close': () => {
      this.close();
      return null;
    },
    'file.save': async ({ path, which }) => {
      const { session, view } = this.current();
      await session.loaded;
      const order = which === 'displayed' ? view : null;
      return { packets: writeCaptureFile(session, path, order) };
    },
    'load.cancel': () => {
      this.session?.cancelLoad();
      return null;
    },
    'view.state': () => this.current().view.state(),
    'view.rows': ({ start, end }) => {
      const { session, view } = this.current();
      const last = Math.min(end, view.displayed);
      const rows = [];
      for (let r = Math.max(0, start); r < last; r++) {
        const i = view.packetAt(r);
        rows.push(session.row(i, r > 0 ? view.packetAt(r - 1) : i));
      }
      return rows;
    },
    'view.sort': async ({ column, descending }) => {
      const { session, view } = this.current();
      await session.loaded;
      view.sortBy(column, descending);
      return this.changed();
    },
    'view.filter': ({ expression }) => {
      if (expression.trim() !== '') {
        throw new EngineFailure('UNSUPPORTED', 'Display filters are not available yet');
      }
      return this.current().view.state();
    },
    'view.find': ({ number }) => ({ row: this.current().view.rowOf(number - 1) }),
    'frame.detail': ({ number }) => {
      const { session } = this.current();
      if (!Number.isInteger(number) || number < 1 || number > session.index.count) {
        throw new EngineFailure('BAD_REQUEST', `No frame ${number} (the file has ${session.index.count})`);
      }
      return frameDetail(session, number - 1);
    },
  };

  /** Runs one request; throws EngineFailure or the reader's errors (the host turns them into data). */
  async handle<N extends RequestName>(method: N, params: Params<N>): Promise<Result<N>> {
    const handler = this.handlers[method] as (p: Params<N>) => Promise<Result<N>> | Result<N>;
    return handler(params);
  }

  private current(): { session: CaptureSession; view: View } {
    if (!this.session || !this.view) throw new EngineFailure('NO_FILE', 'No capture file is open');
    return { session: this.session, view: this.view };
  }

  private changed() {
    const state = this.current().view.state();
    this.emit({ type: 'view.changed', view: state });
    return state;
  }

  private async open(path: string) {
    this.close();
    const session = CaptureSession.open(path, {
      onProgress: (progress) => this.session === session && this.emit({ type: 'load.progress', progress }),
      onError: (error, packets) =>
        this.session === session && this.emit({ type: 'load.error', error, packets }),
    });
    this.session = session;
    this.view = new View(session);
    this.emit({ type: 'file.opened', file: session.summary });
    await session.firstBatch;
    return session.summary;
  }

  close(): void {
    if (!this.session) return;
    this.session.close();
    this.session = null;
    this.view = null;
    this.emit({ type: 'file.closed' });
  }
}
