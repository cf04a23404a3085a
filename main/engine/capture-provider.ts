// What the engine needs from main/capture/: interfaces, their counters, a filter check and a
// capture. The engine takes it as a parameter so tests can hand it a stand-in capture that writes
// a real pcap file; the default is the real thing.
import { startCapture, type StartCaptureOptions } from '../capture/start.ts';
import { readAllCounters } from '../capture/counters.ts';
import { listInterfaces } from '../capture/interfaces.ts';
import type { InterfaceCounters, LiveCapture, NetworkInterface } from '../capture/types.ts';
import { addon } from '../../native/index.ts';

export interface CaptureProvider {
  listInterfaces(): Promise<NetworkInterface[]>;
  readCounters(): Promise<InterfaceCounters[]>;
  /** Compiles `filter` with pcap_compile for `linkType`: null when it compiles, else libpcap's message. */
  checkFilter(filter: string, linkType: number, snaplen: number): Promise<string | null>;
  /** Starts capturing into `output`, or a new file in the cache directory; throws a CaptureFailure. */
  startCapture(options: StartCaptureOptions): Promise<LiveCapture>;
}

/** The real capture side (main/capture/, the addon's ring and pcap_compile). */
export function defaultCaptureProvider(): CaptureProvider {
  return {
    listInterfaces: async () => listInterfaces(),
    readCounters: async () => readAllCounters(),
    checkFilter: async (filter, linkType, snaplen) => {
      try {
        addon().checkCaptureFilter(linkType, filter, snaplen);
        return null;
      } catch (err) {
        const e = err as Error & { code?: unknown };
        if (e.code !== 'BAD_FILTER') throw err;
        return e.message;
      }
    },
    startCapture: async (options) => startCapture(options),
  };
}
