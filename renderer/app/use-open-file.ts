// The open file as the engine reports it: its summary, its view's counts, the load's progress,
// and what the packet list needs to show it from its first rows (a generation that changes per
// file, the first block asked for with the open, the time reference).
import { useCallback, useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { formatCount } from '../../app/format/count.ts';
import type {
  EngineError,
  EngineEvent,
  FileSummary,
  LoadProgress,
  Row,
  ViewState,
} from '../../app/protocol/messages.ts';
import type { EngineClient } from '../client/engine-client.ts';
import { startOpen, type Opening } from '../client/open.ts';
import type { Notice } from '../chrome/error-bar.tsx';
import type { TimeRef } from '../packet-list/time-format.ts';

export const ZERO_REF: TimeRef = { sec: 0, nsec: 0 };

export interface OpenFileEvents {
  notify(message: string, kind?: Notice['kind']): void;
  /** Another file (or none) is shown: forget the selected packet. */
  onNewFile(): void;
  /** A capture was saved (its file is now the saved one). */
  onCaptureSaved(file: FileSummary): void;
}

export interface OpenFileState {
  file: FileSummary | null;
  view: ViewState | null;
  setView: Dispatch<SetStateAction<ViewState | null>>;
  progress: LoadProgress | null;
  loadMs: number | null;
  loadStop: 'cancelled' | 'failed' | null;
  /** Changes with each file opened or closed: the packet list starts over. */
  generation: number;
  /** The first block asked for with this file's open (null: the packet list asks). */
  firstRows: Promise<Row[] | null> | null;
  timeRef: TimeRef;
  setTimeRef(ref: TimeRef): void;
  /** Sends file.open (and its first rows) for `path`. */
  begin(path: string, discard: boolean): Opening;
  /** Waits for the opening's first screen and shows its counts and time reference. */
  showFirst(opening: Opening): Promise<FileSummary>;
}

/** The first rows of an opening, or null when it failed (the packet list then asks itself). */
function firstRowsOf(o: Opening): Promise<Row[] | null> {
  return o.first.then(
    (f) => f.rows,
    () => null,
  );
}

function loadErrorText(error: EngineError, packets: number): string {
  const kept = `${formatCount(packets)} packet${packets === 1 ? '' : 's'} read before the fault ${packets === 1 ? 'is' : 'are'} shown.`;
  return `The capture file appears to be damaged or cut short: ${error.message}. ${kept}`;
}

export function useOpenFile(
  client: EngineClient,
  initialOpen: Opening | null,
  events: OpenFileEvents,
): OpenFileState {
  const [file, setFile] = useState<FileSummary | null>(null);
  const [view, setView] = useState<ViewState | null>(null);
  const [progress, setProgress] = useState<LoadProgress | null>(null);
  const [loadMs, setLoadMs] = useState<number | null>(null);
  const [loadStop, setLoadStop] = useState<'cancelled' | 'failed' | null>(null);
  const [generation, setGeneration] = useState(0);
  // The first block of the file being opened goes to the packet list of its file.opened event.
  const nextFirstRows = useRef<Promise<Row[] | null> | null>(initialOpen && firstRowsOf(initialOpen));
  const [firstRows, setFirstRows] = useState<Promise<Row[] | null> | null>(null);
  const [timeRef, setTimeRef] = useState<TimeRef>(ZERO_REF);
  const loadStarted = useRef(0);
  const eventsRef = useRef(events);
  eventsRef.current = events;

  const fileOpened = (opened: FileSummary): void => {
    loadStarted.current = performance.now();
    setFile(opened);
    setView(null);
    setProgress({ packets: 0, bytesRead: 0, sizeBytes: opened.sizeBytes, done: false });
    setLoadMs(null);
    setLoadStop(null);
    setGeneration((g) => g + 1);
    setFirstRows(nextFirstRows.current);
    nextFirstRows.current = null;
    eventsRef.current.onNewFile();
    setTimeRef(ZERO_REF);
  };

  const loadProgressed = (p: LoadProgress): void => {
    setProgress(p);
    setView((v) =>
      v && v.filter === '' && v.sort === null
        ? { ...v, total: p.packets, displayed: p.packets }
        : v && { ...v, total: p.packets },
    );
    if (!p.done) return;
    setLoadMs(performance.now() - loadStarted.current);
    client.request('view.state', {}).then(setView, () => {});
  };

  const loadFailed = (error: EngineError, packets: number): void => {
    const cancelled = error.code === 'CANCELLED';
    setLoadStop(cancelled ? 'cancelled' : 'failed');
    if (cancelled)
      eventsRef.current.notify(
        `Loading was cancelled: ${formatCount(packets)} packets were read.`,
        'warning',
      );
    else eventsRef.current.notify(loadErrorText(error, packets));
  };

  const fileClosed = (): void => {
    setFile(null);
    setView(null);
    setProgress(null);
    setLoadMs(null);
    setGeneration((g) => g + 1);
    setFirstRows(null);
    eventsRef.current.onNewFile();
  };

  const onEvent = (event: EngineEvent): void => {
    if (event.type === 'file.opened') fileOpened(event.file);
    else if (event.type === 'load.progress') loadProgressed(event.progress);
    else if (event.type === 'load.error') loadFailed(event.error, event.packets);
    else if (event.type === 'view.changed') setView(event.view);
    else if (event.type === 'file.closed') fileClosed();
    else if (event.type === 'capture.saved') {
      setFile(event.file);
      eventsRef.current.onCaptureSaved(event.file);
    }
  };
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;

  useEffect(() => {
    const off = client.onEvent((event) => onEventRef.current(event));
    const offClose = client.onClose((reason) => eventsRef.current.notify(reason));
    // Every listener of the first render is subscribed now (children's effects and the window's
    // earlier hooks run first): the events held since start can be delivered.
    client.releaseEvents();
    return () => {
      off();
      offClose();
    };
  }, [client]);

  const begin = useCallback(
    (path: string, discard: boolean): Opening => {
      const opening = startOpen(client, path, discard);
      nextFirstRows.current = firstRowsOf(opening);
      return opening;
    },
    [client],
  );

  const showFirst = useCallback(async (opening: Opening): Promise<FileSummary> => {
    const summary = await opening.opened;
    const { rows, state } = await opening.first;
    const first = rows[0];
    if (first) setTimeRef({ sec: first.tsSec, nsec: first.tsNsec });
    setView((v) => (v && v.total > state.total ? v : state));
    return summary;
  }, []);

  return {
    file,
    view,
    setView,
    progress,
    loadMs,
    loadStop,
    generation,
    firstRows,
    timeRef,
    setTimeRef,
    begin,
    showFirst,
  };
}
