// Live interface counters from /sys/class/net/IFACE/statistics: no privileges needed, cheap
// enough to read every second for every interface (the welcome screen's sparklines).
import { readdirSync, readFileSync } from 'node:fs';
import type { InterfaceCounters } from './types.ts';

const SYS_NET = '/sys/class/net';

function counter(iface: string, name: string): number {
  try {
    return Number(readFileSync(`${SYS_NET}/${iface}/statistics/${name}`, 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

/** The counters of one interface, null when it does not exist. */
export function readInterfaceCounters(iface: string): InterfaceCounters | null {
  try {
    readdirSync(`${SYS_NET}/${iface}/statistics`);
  } catch {
    return null;
  }
  return {
    name: iface,
    rxPackets: counter(iface, 'rx_packets'),
    txPackets: counter(iface, 'tx_packets'),
    rxBytes: counter(iface, 'rx_bytes'),
    txBytes: counter(iface, 'tx_bytes'),
  };
}

/** The counters of every interface (or of `names`), in name order. */
export function readAllCounters(names?: readonly string[]): InterfaceCounters[] {
  let list: readonly string[] = names ?? [];
  if (!names) {
    try {
      list = readdirSync(SYS_NET).sort();
    } catch {
      list = [];
    }
  }
  return list.flatMap((n) => {
    const c = readInterfaceCounters(n);
    return c ? [c] : [];
  });
}

export interface InterfaceRate {
  name: string;
  /** Packets per second, received plus sent, since the previous sample. */
  packetsPerSec: number;
  bytesPerSec: number;
}

/** Turns successive counter readings into rates (a counter that went backwards counts as 0). */
export class RateSampler {
  private last = new Map<string, { at: number; packets: number; bytes: number }>();

  /** Rates since the previous call (0 on the first); `now` in ms. */
  sample(counters: readonly InterfaceCounters[], now: number = Date.now()): InterfaceRate[] {
    const next = new Map<string, { at: number; packets: number; bytes: number }>();
    const rates = counters.map((c) => {
      const packets = c.rxPackets + c.txPackets;
      const bytes = c.rxBytes + c.txBytes;
      next.set(c.name, { at: now, packets, bytes });
      const prev = this.last.get(c.name);
      const secs = prev ? (now - prev.at) / 1000 : 0;
      if (!prev || secs <= 0) return { name: c.name, packetsPerSec: 0, bytesPerSec: 0 };
      return {
        name: c.name,
        packetsPerSec: Math.max(0, packets - prev.packets) / secs,
        bytesPerSec: Math.max(0, bytes - prev.bytes) / secs,
      };
    });
    this.last = next;
    return rates;
  }
}
