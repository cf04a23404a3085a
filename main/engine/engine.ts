// The engine: one open capture and its view, answering the requests of app/protocol.
// It runs in a worker thread (worker.ts); the CLI and tests can also host it directly.
import { resolveMacNames } from './mac-names.ts';
import type { EngineEvent, Params, RequestName, Result } from '../../app/protocol/messages.ts';
import { writeCaptureFile } from './save.ts';
import { frameDetail } from './detail.ts';
import { followStream } from './follow.ts';
import { EngineFailure } from './errors.ts';
import { checkKeyLogFile } from './secrets.ts';
import { CaptureSession } from './session.ts';
import { View } from './view.ts';
import { FilterScan } from './filter-scan.ts';
import { compileFilter } from '../../app/filter/compile.ts';
import type { CaptureStartOptions, DissectionPrefs } from '../../app/protocol/messages.ts';
import { defaultCaptureProvider, type CaptureProvider } from './capture-provider.ts';
import { LiveSession } from './live.ts';
import { formatCount } from '../../app/format/count.ts';

type Handlers = { [N in RequestName]: (params: Params<N>) => Promise<Result<N>> | Result<N> };

export class Engine {
  private session: CaptureSession | null = null;
  private view: View | null = null;
  /** The running display-filter scan; a new filter or a close cancels it. */
  private scan: FilterScan | null = null;

  /** The live capture feeding `session`, while it runs and after it stopped. */
  private live: LiveSession | null = null;
  /**
   * Settles when the last file.open has its first batch indexed (or failed): the view's requests
   * wait for it, so a client may send them right behind file.open and get the new file's rows.
   */
  private opening: Promise<unknown> = Promise.resolve();

  /** What files opened and captures started from now on are dissected with. */
  private prefs: DissectionPrefs = { tlsKeylogFile: null };

  constructor(
    private readonly emit: (event: EngineEvent) => void,
    private readonly capture: CaptureProvider = defaultCaptureProvider(),
  ) {
    resolveMacNames();
  }

  private readonly handlers: Handlers = {
    'file.open': ({ path, discard }) => {
      const opened = this.dropLive(discard).then(() => this.open(path));
      this.opening = opened.catch(() => {});
      return opened;
    },
    'file.close': async ({ discard }) => {
      await this.dropLive(discard);
      this.close();
      return null;
    },
    'file.save': async ({ path, which, range }) => {
      const { session, view } = this.current();
      await session.loaded;
      const order = which === 'displayed' ? view : null;
      return { packets: writeCaptureFile(session, path, order, range) };
    },
    'load.cancel': () => {
      this.session?.cancelLoad();
      return null;
    },
    'view.state': async () => {
      await this.opening;
      return this.current().view.state();
    },
    'view.rows': async ({ start, end }) => {
      await this.opening;
      const { session, view } = this.current();
      const last = Math.min(end, view.displayed);
      const rows = [];
      for (let r = Math.max(0, start); r < last; r++) {
        const i = view.packetAt(r);
        rows.push(session.row(i, view.previousDisplayed(i)));
      }
      return rows;
    },
    'view.sort': async ({ column, descending }) => {
      const { session, view } = this.current();
      // A sort waits for the whole index, which a running capture never finishes.
      if (this.live?.running && column !== null) {
        throw new EngineFailure('UNSUPPORTED', 'Sorting is available once the capture stops');
      }
      await session.loaded;
      view.sortBy(column, descending);
      return this.changed();
    },
    'view.filter': ({ expression }) => this.applyFilter(expression),
    'view.find': ({ number }) => ({ row: this.current().view.rowOf(number - 1) }),
    'frame.detail': ({ number }) => {
      const { session, view } = this.current();
      if (!Number.isInteger(number) || number < 1 || number > session.index.count) {
        throw new EngineFailure('BAD_REQUEST', `No frame ${number} (the file has ${session.index.count})`);
      }
      return frameDetail(session, number - 1, view.previousDisplayed(number - 1));
    },
    'follow.stream': ({ proto, number }) => {
      const { session } = this.current();
      if (proto !== 'tcp' && proto !== 'udp')
        throw new EngineFailure('BAD_REQUEST', `Cannot follow ${String(proto)}`);
      // A running capture is followed as far as it has got; a file once it is all indexed.
      const whole = !this.live?.running;
      return followStream(session, proto, number - 1, whole, () => this.session !== session);
    },
    'prefs.set': ({ tlsKeylogFile }) => {
      const path = tlsKeylogFile?.trim() || null;
      if (path !== null) {
        try {
          checkKeyLogFile(path);
        } catch (err) {
          const why = err instanceof Error ? err.message : String(err);
          throw new EngineFailure('BAD_REQUEST', `Cannot read the TLS key log file ${path}: ${why}`);
        }
      }
      this.prefs = { tlsKeylogFile: path };
      return this.prefs;
    },
    'capture.interfaces': () => this.capture.listInterfaces(),
    'capture.counters': async () => ({ time: Date.now(), counters: await this.capture.readCounters() }),
    'capture.validateFilter': async ({ filter, iface }) => {
      if (filter.trim() === '') return { ok: true };
      const linkType = (await this.capture.listInterfaces()).find((i) => i.name === iface)?.linkType ?? 1;
      const message = await this.capture.checkFilter(filter, linkType, 262144);
      return message === null ? { ok: true } : { ok: false, message };
    },
    'capture.start': async ({ options, discard }) => {
      await this.dropLive(discard);
      return this.startLive(options);
    },
    'capture.stop': () => this.currentLive().stop(),
    'capture.restart': async () => {
      const options = this.currentLive().options;
      await this.dropLive(true);
      return this.startLive(options);
    },
    'capture.status': () => this.live?.status() ?? null,
    'capture.save': ({ path }) => {
      const saved = this.currentLive().save(path);
      this.emit({ type: 'capture.saved', file: saved.file });
      return saved;
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

  /** Compiles `expression` and starts scanning; the result streams in as view.changed events. */
  private applyFilter(expression: string): Result<'view.filter'> {
    const { session, view } = this.current();
    const compiled = compileFilter(expression, session.registry);
    if (!compiled.ok) {
      const { message, start, end } = compiled.error;
      throw new EngineFailure('BAD_FILTER', message, undefined, { start, end });
    }
    this.scan?.cancel();
    this.scan = null;
    view.resetFilter(expression.trim());
    if (view.filter !== '') {
      const scan = new FilterScan(session, view, compiled.filter, () => {
        if (this.scan === scan) this.emit({ type: 'view.changed', view: view.state() });
      });
      this.scan = scan;
      void scan
        .run()
        .catch(() => {
          // The file became unreadable under the scan: show what was found so far.
          view.filtering = false;
        })
        .finally(() => {
          if (this.scan !== scan) return;
          this.scan = null;
          this.emit({ type: 'view.changed', view: view.state() });
        });
    }
    const state = view.state();
    return compiled.filter.deprecated ? { ...state, deprecated: compiled.filter.deprecated } : state;
  }

  private changed() {
    const state = this.current().view.state();
    this.emit({ type: 'view.changed', view: state });
    return state;
  }

  private async open(path: string) {
    this.close();
    const session = CaptureSession.open(
      path,
      {
        onProgress: (progress) => this.session === session && this.emit({ type: 'load.progress', progress }),
        onError: (error, packets) =>
          this.session === session && this.emit({ type: 'load.error', error, packets }),
      },
      this.prefs,
    );
    this.session = session;
    this.view = new View(session);
    this.emit({ type: 'file.opened', file: session.summary });
    await session.firstBatch;
    return session.summary;
  }

  private currentLive(): LiveSession {
    if (!this.live) throw new EngineFailure('NO_FILE', 'No live capture is open');
    return this.live;
  }

  /** Stops the live capture before something replaces it; an unsaved one needs `discard`. */
  private async dropLive(discard: boolean | undefined): Promise<void> {
    const live = this.live;
    if (!live) return;
    if (live.needsSave() && !discard) {
      const n = live.session.index.count;
      throw new EngineFailure(
        'UNSAVED',
        `The capture on ${live.options.iface} (${formatCount(n)} packet${n === 1 ? '' : 's'}) is not saved`,
      );
    }
    await live.stop();
    if (this.live === live) this.close();
    live.removeFile();
  }

  private async startLive(options: CaptureStartOptions) {
    let live: LiveSession | null = null;
    const mine = (): boolean => live !== null && this.live === live;
    live = await LiveSession.start(
      this.capture,
      options,
      {
        onProgress: (progress) => mine() && this.emit({ type: 'load.progress', progress }),
        onError: (error, packets) => mine() && this.emit({ type: 'load.error', error, packets }),
        onStats: (stats) => mine() && this.emit({ type: 'capture.stats', stats }),
        onEnded: (capture) =>
          mine() &&
          this.emit({ type: capture.state === 'failed' ? 'capture.failed' : 'capture.stopped', capture }),
      },
      this.prefs,
    );
    this.close();
    this.live = live;
    this.session = live.session;
    this.view = new View(live.session);
    this.emit({ type: 'file.opened', file: { ...live.session.summary } });
    const status = live.status();
    this.emit({ type: 'capture.started', capture: status });
    return status;
  }

  close(): void {
    this.live?.abandon();
    this.live = null;
    this.scan?.cancel();
    this.scan = null;
    if (!this.session) return;
    this.session.close();
    this.session = null;
    this.view = null;
    this.emit({ type: 'file.closed' });
  }
}
