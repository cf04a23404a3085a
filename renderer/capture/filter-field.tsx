// The capture-filter field: compiled by the engine (libpcap's pcap_compile) as the user types,
// green when it compiles and red when not, as Wireshark's.
import { useEffect, useState } from 'react';
import type { EngineClient } from '../client/engine-client.ts';

export type FilterValidity = 'empty' | 'checking' | 'valid' | 'invalid';

const DEBOUNCE_MS = 150;

export function useFilterCheck(
  client: EngineClient,
  filter: string,
  iface: string | undefined,
): { validity: FilterValidity; message: string | null } {
  const [result, setResult] = useState<{ validity: FilterValidity; message: string | null }>({
    validity: 'empty',
    message: null,
  });
  useEffect(() => {
    if (filter.trim() === '') {
      setResult({ validity: 'empty', message: null });
      return;
    }
    let current = true;
    setResult((r) => ({ ...r, validity: r.validity === 'empty' ? 'checking' : r.validity }));
    const timer = setTimeout(() => {
      client.request('capture.validateFilter', { filter, ...(iface ? { iface } : {}) }).then(
        (check) => {
          if (!current) return;
          setResult(
            check.ok ? { validity: 'valid', message: null } : { validity: 'invalid', message: check.message },
          );
        },
        (err: unknown) => {
          if (current)
            setResult({ validity: 'invalid', message: err instanceof Error ? err.message : String(err) });
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, filter, iface]);
  return result;
}

export function CaptureFilterField(props: {
  value: string;
  validity: FilterValidity;
  message: string | null;
  onChange(value: string): void;
  onEnter?(): void;
  autoFocus?: boolean;
}) {
  const { validity, message } = props;
  return (
    <div className="capture-filter">
      <input
        className={'filter-input capture-filter-input ' + validity}
        placeholder="Enter a capture filter …  (e.g. udp port 53, host 10.0.0.1)"
        value={props.value}
        spellCheck={false}
        autoFocus={props.autoFocus}
        data-testid="capture-filter"
        data-validity={validity}
        aria-invalid={validity === 'invalid'}
        title={message ?? undefined}
        onChange={(e) => props.onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && validity !== 'invalid') props.onEnter?.();
        }}
      />
      {validity === 'invalid' && message && (
        <div className="capture-filter-error" data-testid="capture-filter-error">
          {message}
        </div>
      )}
    </div>
  );
}
