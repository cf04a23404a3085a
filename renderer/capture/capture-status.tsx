// The status bar's capture part: running or how it ended, elapsed time, rate, drops.
import type { CaptureStatsInfo, CaptureStatus } from '../../app/protocol/messages.ts';
import { formatRate } from './welcome.tsx';
import { formatCount } from '../../app/format/count.ts';

function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** What the status bar calls a capture's file. */
export function captureFileLabel(status: CaptureStatus, name: string): string {
  if (status.state === 'running') return `${status.options.iface}: live capture in progress`;
  return status.saved ? name : `${status.options.iface}: capture not saved`;
}

export function CaptureStatusPart({
  status,
  stats,
}: {
  status: CaptureStatus;
  stats: CaptureStatsInfo | null;
}) {
  const s = stats ?? status.stats;
  // Only the kernel loses packets; those Trawl fell behind on are read back from the file.
  const drops = s.kernelDrops;
  const state =
    status.state === 'running'
      ? 'Capturing'
      : status.state === 'failed'
        ? 'Capture failed'
        : status.endedBy === 'autostop'
          ? 'Stopped (autostop)'
          : 'Stopped';
  return (
    <>
      <span
        className={'status-capture ' + status.state}
        data-testid="status-capture"
        data-state={status.state}
        title={status.options.filter ? `Capture filter: ${status.options.filter}` : 'No capture filter'}
      >
        <span className="capture-dot" aria-hidden />
        {state} on {status.options.iface} · {elapsed(s.elapsedMs)}
        {status.state === 'running' ? ` · ${formatRate(s.rate)}` : ` · ${formatCount(s.packets)} captured`}
      </span>
      <span
        className={'status-count' + (drops > 0 ? ' status-drops-bad' : '')}
        data-testid="status-drops"
        title={`Kernel ring full (lost): ${formatCount(s.kernelDrops)}\nTrawl fell behind (read back from the file): ${formatCount(s.trawlDrops)}\nFreeze count: ${formatCount(s.freezeCount)}`}
      >
        Dropped: {formatCount(drops)}
        {s.trawlDrops > 0 ? ` · ${formatCount(s.trawlDrops)} read back from the file` : ''}
      </span>
    </>
  );
}
