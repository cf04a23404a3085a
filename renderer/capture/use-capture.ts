// The live capture's state in the UI: the engine's capture events, start/stop/restart/save, the
// options last used, and the "unsaved packets" question before anything replaces a capture.
import { useCallback, useEffect, useRef, useState } from 'react';
import type {
  CaptureStartOptions,
  CaptureStatsInfo,
  CaptureStatus,
  EngineError,
} from '../../app/protocol/messages.ts';
import { engineErrorOf, type EngineClient } from '../client/engine-client.ts';
import { load, save } from '../app/settings.ts';
import { formatCount } from '../../app/format/count.ts';

export type Notify = (message: string, kind?: 'error' | 'warning', detail?: string) => void;

/** A question for the user: an unsaved capture would be lost by what they asked for. */
export interface UnsavedPrompt {
  message: string;
  /** What the user asked for, as a phrase ("opening another file"). */
  doing: string;
  /** Does it again, dropping the capture. */
  discard(): void;
  /** Does it again once the capture is saved (nothing is discarded then). */
  afterSave(): void;
}

export interface CaptureController {
  /** The live capture shown (running or stopped), null for an opened file or nothing. */
  status: CaptureStatus | null;
  stats: CaptureStatsInfo | null;
  running: boolean;
  /** The options of the last capture started (remembered between runs). */
  lastOptions: CaptureStartOptions | null;
  start(options: CaptureStartOptions): Promise<void>;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Saves the stopped capture to `path`; true when it worked. */
  save(path: string): Promise<boolean>;
  /** Runs `request(discard)`; when the engine answers UNSAVED, asks first. */
  guard(doing: string, request: (discard: boolean) => Promise<unknown>): Promise<void>;
  prompt: UnsavedPrompt | null;
  dismissPrompt(): void;
}

export function isCaptureOptions(v: unknown): v is CaptureStartOptions {
  return typeof v === 'object' && v !== null && typeof (v as { iface?: unknown }).iface === 'string';
}

/** The error bar's text for a capture error: the reason, and the one command that fixes it. */
export function captureErrorText(e: Pick<EngineError, 'message' | 'fix'>): {
  message: string;
  detail?: string;
} {
  return e.fix ? { message: e.message, detail: `To fix it, run: ${e.fix}` } : { message: e.message };
}

export function useCapture(client: EngineClient, notify: Notify): CaptureController {
  const [status, setStatus] = useState<CaptureStatus | null>(null);
  const [stats, setStats] = useState<CaptureStatsInfo | null>(null);
  const [lastOptions, setLastOptions] = useState<CaptureStartOptions | null>(() =>
    load<CaptureStartOptions | null>('captureOptions', null, (v): v is CaptureStartOptions | null =>
      isCaptureOptions(v),
    ),
  );
  const [prompt, setPrompt] = useState<UnsavedPrompt | null>(null);
  const statusRef = useRef(status);
  statusRef.current = status;

  useEffect(
    () =>
      client.onEvent((event) => {
        switch (event.type) {
          case 'file.opened':
          case 'file.closed':
            setStatus(null);
            setStats(null);
            break;
          case 'capture.started':
            setStatus(event.capture);
            setStats(event.capture.stats);
            break;
          case 'capture.stats':
            setStats(event.stats);
            break;
          case 'capture.stopped':
            setStatus(event.capture);
            setStats(event.capture.stats);
            break;
          case 'capture.failed': {
            setStatus(event.capture);
            setStats(event.capture.stats);
            const f = event.capture.failure;
            if (f) {
              const text = captureErrorText(f);
              notify(
                `The capture on ${event.capture.options.iface} stopped: ${text.message}`,
                'error',
                text.detail,
              );
            }
            break;
          }
          case 'capture.saved':
            setStatus((s) => s && { ...s, saved: true, path: event.file.path });
            break;
        }
      }),
    [client, notify],
  );

  const reportError = useCallback(
    (err: unknown, what: string) => {
      const e = engineErrorOf(err);
      const text = captureErrorText(e);
      notify(`${what}: ${text.message}`, 'error', text.detail);
    },
    [notify],
  );

  const guard = useCallback(
    async (doing: string, request: (discard: boolean) => Promise<unknown>) => {
      try {
        await request(false);
      } catch (err) {
        const e = engineErrorOf(err);
        if (e.code !== 'UNSAVED') throw err;
        setPrompt({
          message: e.message,
          doing,
          discard: () => {
            setPrompt(null);
            void request(true).catch((x: unknown) => reportError(x, 'Failed'));
          },
          afterSave: () => {
            setPrompt(null);
            void request(false).catch((x: unknown) => reportError(x, 'Failed'));
          },
        });
      }
    },
    [reportError],
  );

  const start = useCallback(
    async (options: CaptureStartOptions) => {
      setLastOptions(options);
      save('captureOptions', options);
      try {
        await guard('starting a new capture', (discard) =>
          client.request('capture.start', { options, discard }),
        );
      } catch (err) {
        reportError(err, `Cannot capture on ${options.iface}`);
      }
    },
    [client, guard, reportError],
  );

  const stop = useCallback(async () => {
    if (statusRef.current?.state !== 'running') return;
    try {
      await client.request('capture.stop', {});
    } catch (err) {
      reportError(err, 'Cannot stop the capture');
    }
  }, [client, reportError]);

  const restart = useCallback(async () => {
    if (!statusRef.current) return;
    try {
      await client.request('capture.restart', {});
    } catch (err) {
      reportError(err, 'Cannot restart the capture');
    }
  }, [client, reportError]);

  const saveCapture = useCallback(
    async (path: string) => {
      try {
        if (statusRef.current?.state === 'running') await client.request('capture.stop', {});
        const { packets } = await client.request('capture.save', { path });
        notify(`Saved ${formatCount(packets)} packets to ${path}`, 'warning');
        return true;
      } catch (err) {
        reportError(err, `Could not save ${path}`);
        return false;
      }
    },
    [client, notify, reportError],
  );

  return {
    status,
    stats,
    running: status?.state === 'running',
    lastOptions,
    start,
    stop,
    restart,
    save: saveCapture,
    guard,
    prompt,
    dismissPrompt: () => setPrompt(null),
  };
}
