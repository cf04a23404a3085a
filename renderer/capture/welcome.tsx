// The screen shown when nothing is open (as Wireshark's): open a file or a recent one, or pick
// an interface — each with its traffic over the last minute — type a capture filter and start.
import { useState } from 'react';
import type { CaptureInterface } from '../../app/protocol/messages.ts';
import type { EngineClient } from '../client/engine-client.ts';
import { CaptureFilterField, useFilterCheck } from './filter-field.tsx';
import { Sparkline } from './sparkline.tsx';
import { useInterfaces, useTraffic } from './use-interfaces.ts';

export function formatRate(pps: number): string {
  if (pps >= 1e6) return `${(pps / 1e6).toFixed(1)}M pkt/s`;
  if (pps >= 1e4) return `${(pps / 1e3).toFixed(0)}k pkt/s`;
  if (pps >= 10) return `${Math.round(pps)} pkt/s`;
  return `${pps.toFixed(pps === 0 ? 0 : 1)} pkt/s`;
}

/** Up, down, or up without a link (operstate: /sys's flags never carry IFF_RUNNING). */
function linkState(iface: CaptureInterface): 'UP' | 'DOWN' | 'NO CARRIER' {
  if (!iface.flags.up) return 'DOWN';
  return iface.operstate === 'down' || iface.operstate === 'lowerlayerdown' ? 'NO CARRIER' : 'UP';
}

function Flags({ iface }: { iface: CaptureInterface }) {
  const f = iface.flags;
  const state = linkState(iface);
  return (
    <span className="iface-flags">
      <span className={'badge ' + (state === 'UP' ? 'up' : 'down')}>{state}</span>
      {f.loopback && <span className="badge">LOOPBACK</span>}
      {f.wireless && <span className="badge">WIRELESS</span>}
    </span>
  );
}

export function WelcomeScreen(props: {
  client: EngineClient;
  recent: readonly string[];
  filter: string;
  onFilterChange(filter: string): void;
  onOpen(path: string): void;
  onOpenDialog(): void;
  onStart(iface: string, filter: string): void;
  onOptions(iface: string | null): void;
}) {
  const { client, filter } = props;
  const { interfaces, error } = useInterfaces(client);
  const { rates } = useTraffic(client, interfaces, true);
  const [selected, setSelected] = useState<string | null>(null);
  const check = useFilterCheck(client, filter, selected ?? undefined);
  const start = (iface: string | null): void => {
    if (iface && check.validity !== 'invalid') props.onStart(iface, filter.trim());
  };

  return (
    <div className="welcome" data-testid="welcome">
      <div className="welcome-inner">
        <h1>Welcome to Trawl</h1>
        <section className="welcome-section">
          <div className="section-title">Open</div>
          <div className="welcome-open">
            <button type="button" className="button primary" onClick={props.onOpenDialog}>
              Open…
            </button>
            <span className="welcome-sub">a pcap or pcapng file, or drop one here</span>
          </div>
          {props.recent.length > 0 && (
            <div className="welcome-recent">
              {props.recent.map((p) => (
                <a
                  key={p}
                  href="#"
                  className="welcome-link"
                  title={p}
                  onClick={(e) => {
                    e.preventDefault();
                    props.onOpen(p);
                  }}
                >
                  {p}
                </a>
              ))}
            </div>
          )}
        </section>
        <section className="welcome-section welcome-capture">
          <div className="section-title">Capture</div>
          <div className="capture-filter-row">
            <span className="capture-filter-label">…using this filter:</span>
            <CaptureFilterField
              value={filter}
              validity={check.validity}
              message={check.message}
              onChange={props.onFilterChange}
              onEnter={() => start(selected)}
            />
          </div>
          <div
            className="iface-list"
            role="listbox"
            aria-label="Interfaces"
            data-testid="interface-list"
            tabIndex={0}
            onKeyDown={(e) => {
              if (!interfaces?.length) return;
              const i = interfaces.findIndex((x) => x.name === selected);
              if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault();
                const next = Math.max(
                  0,
                  Math.min(interfaces.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)),
                );
                setSelected(interfaces[next]?.name ?? null);
              } else if (e.key === 'Enter') start(selected);
            }}
          >
            {error && <div className="iface-empty">Interfaces are not available: {error}</div>}
            {!error && !interfaces && <div className="iface-empty">Looking for interfaces…</div>}
            {interfaces?.map((iface) => {
              const history = rates[iface.name] ?? [];
              const now = history[history.length - 1] ?? 0;
              return (
                <div
                  key={iface.name}
                  role="option"
                  aria-selected={selected === iface.name}
                  className={
                    'iface-row' +
                    (selected === iface.name ? ' selected' : '') +
                    (iface.flags.up ? '' : ' down')
                  }
                  data-testid={`iface-${iface.name}`}
                  title={`Double-click to capture on ${iface.name}`}
                  onClick={() => setSelected(iface.name)}
                  onDoubleClick={() => start(iface.name)}
                >
                  <span className="iface-label">
                    <span className="iface-name">{iface.name}</span>
                    {iface.description && iface.description !== iface.name && (
                      <span className="iface-desc">{iface.description}</span>
                    )}
                  </span>
                  <span className="iface-addrs" title={iface.addresses.join('\n')}>
                    {iface.addresses.length ? iface.addresses.join(', ') : 'no addresses'}
                  </span>
                  <Flags iface={iface} />
                  <Sparkline values={history} testId={`sparkline-${iface.name}`} />
                  <span className="iface-rate" data-testid={`rate-${iface.name}`}>
                    {history.length ? formatRate(now) : ''}
                  </span>
                </div>
              );
            })}
          </div>
          <div className="welcome-actions">
            <span className="welcome-sub">Double-click an interface to start capturing on it.</span>
            <span className="grow" />
            <button type="button" className="button" onClick={() => props.onOptions(selected)}>
              Options…
            </button>
            <button
              type="button"
              className="button primary"
              disabled={!selected || check.validity === 'invalid'}
              onClick={() => start(selected)}
              data-testid="welcome-start"
            >
              Start
            </button>
          </div>
        </section>
      </div>
    </div>
  );
}
