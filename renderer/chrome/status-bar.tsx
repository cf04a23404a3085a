// The status bar: file, packet counts, load progress (cancellable).
import type { ReactNode } from 'react';
import type { FileSummary, LoadProgress, ViewState } from '../../app/protocol/messages.ts';
import { formatCount } from '../../app/format/count.ts';

export interface StatusBarProps {
  file: FileSummary | null;
  view: ViewState | null;
  progress: LoadProgress | null;
  loadMs: number | null;
  /** How the load ended when it did not reach the end of the file. */
  loadStop: 'cancelled' | 'failed' | null;
  onCancel(): void;
  /** A live capture's part (state, drops, rate); the file is then the capture, not a load. */
  capture?: ReactNode;
  /** What to call the file (a capture not saved yet has only a temporary name). */
  fileLabel?: string;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function StatusBar(props: StatusBarProps) {
  const { file, view, progress, loadMs, loadStop, onCancel, capture } = props;
  const loading = progress !== null && !progress.done && !capture;
  const pct =
    progress && progress.sizeBytes > 0 ? Math.min(100, (100 * progress.bytesRead) / progress.sizeBytes) : 0;
  const total = view?.total ?? progress?.packets ?? 0;
  const displayed = view?.displayed ?? total;
  return (
    <footer className="status-bar" data-testid="status-bar">
      <span className="status-file" data-testid="status-file" title={file?.path}>
        {props.fileLabel ?? (file ? file.name : 'No file open')}
      </span>
      {file && (
        <span className="status-dim">
          {file.format} · {size(capture && progress ? progress.sizeBytes : file.sizeBytes)}
        </span>
      )}
      <span className="status-fill" />
      {loading && (
        <span className="status-progress" data-testid="status-progress">
          <span>Loading…</span>
          <progress max={100} value={pct} aria-label="Load progress" />
          <span className="status-dim">{pct.toFixed(0)}%</span>
          <button type="button" className="link-button" data-testid="load-cancel" onClick={onCancel}>
            Cancel
          </button>
        </span>
      )}
      {capture}
      {!loading && !capture && loadMs !== null && (
        <span className="status-dim" data-testid="status-load">
          {loadStop === 'cancelled'
            ? 'Cancelled after'
            : loadStop === 'failed'
              ? 'Stopped at a fault after'
              : 'Loaded in'}{' '}
          {(loadMs / 1000).toFixed(2)} s
        </span>
      )}
      <span data-testid="status-packets" className="status-count">
        Packets: {formatCount(total)}
      </span>
      {view?.filtering && view.filter !== '' && (
        <span className="status-filtering" data-testid="status-filtering">
          Filtering… {total > 0 ? Math.floor((100 * view.scanned) / total) : 0}%
        </span>
      )}
      <span data-testid="status-displayed" className="status-count">
        Displayed: {formatCount(displayed)}
        {total > 0 && (displayed !== total || view?.filter)
          ? ` (${((100 * displayed) / total).toFixed(1)}%)`
          : ''}
      </span>
    </footer>
  );
}
