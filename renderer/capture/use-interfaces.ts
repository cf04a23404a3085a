// The interfaces and their traffic, for the welcome screen and the options dialog: the list once,
// then the /sys/class/net counters every second, turned into packets per second per interface.
import { useEffect, useState } from 'react';
import type { CaptureInterface, InterfaceCounterSample } from '../../app/protocol/messages.ts';
import type { EngineClient } from '../client/engine-client.ts';

/** Seconds of history a sparkline shows. */
export const HISTORY = 60;
const POLL_MS = 1000;

export interface InterfaceTraffic {
  /** Packets per second, oldest first, at most HISTORY samples. */
  rates: Record<string, number[]>;
}

/** Packets an interface saw: on loopback every packet is counted once sent and once received. */
function packetsOf(c: InterfaceCounterSample, loopback: boolean): number {
  return loopback ? c.rxPackets : c.rxPackets + c.txPackets;
}

export function useInterfaces(client: EngineClient): {
  interfaces: CaptureInterface[] | null;
  error: string | null;
} {
  const [interfaces, setInterfaces] = useState<CaptureInterface[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    client.request('capture.interfaces', {}).then(
      (list) => live && setInterfaces(list),
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [client]);
  return { interfaces, error };
}

/** Polls the counters while `enabled`; each interface gets its packets/s history. */
export function useTraffic(
  client: EngineClient,
  interfaces: readonly CaptureInterface[] | null,
  enabled: boolean,
): InterfaceTraffic {
  const [rates, setRates] = useState<Record<string, number[]>>({});
  useEffect(() => {
    if (!enabled || !interfaces) return;
    const loopback = new Set(interfaces.filter((i) => i.flags.loopback).map((i) => i.name));
    let previous: { time: number; counters: Map<string, number> } | null = null;
    let stopped = false;
    const poll = async (): Promise<void> => {
      try {
        const { time, counters } = await client.request('capture.counters', {});
        if (stopped) return;
        const now = new Map(counters.map((c) => [c.name, packetsOf(c, loopback.has(c.name))]));
        const before = previous;
        previous = { time, counters: now };
        if (!before || time <= before.time) return;
        const dt = (time - before.time) / 1000;
        setRates((old) => {
          const next: Record<string, number[]> = {};
          for (const [name, packets] of now) {
            const prev = before.counters.get(name);
            const rate = prev === undefined ? 0 : Math.max(0, (packets - prev) / dt);
            next[name] = [...(old[name] ?? []), rate].slice(-HISTORY);
          }
          return next;
        });
      } catch {
        // Counters are a nicety: a failed read leaves a gap, the next one fills in.
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [client, interfaces, enabled]);
  return { rates };
}
