// Live capture as the renderer sees it: the shapes of the capture.* requests and events of
// messages.ts. main/capture/types.ts is the Node side's contract; these are its wire twins
// (structurally the same where they overlap, so main/ passes its values through unchanged).

export interface CaptureInterfaceFlags {
  up: boolean;
  running: boolean;
  loopback: boolean;
  wireless: boolean;
}

export interface CaptureInterface {
  name: string;
  description: string;
  addresses: string[];
  flags: CaptureInterfaceFlags;
  /** DLT link type (1 Ethernet, 276 SLL2 for `any`). */
  linkType: number;
  mtu: number;
  operstate: string;
}

/** Counters of /sys/class/net/IFACE/statistics at one moment (no privileges needed). */
export interface InterfaceCounterSample {
  name: string;
  rxPackets: number;
  txPackets: number;
  rxBytes: number;
  txBytes: number;
}

export interface CaptureAutoStop {
  packets?: number;
  seconds?: number;
  /** Bytes written to the capture file. */
  bytes?: number;
}

export interface CaptureRingOptions {
  blockSize?: number;
  blockCount?: number;
  frameSize?: number;
  timeoutMs?: number;
}

/** What the user chooses; the engine picks the capture file (in the user's cache directory). */
export interface CaptureStartOptions {
  iface: string;
  filter?: string;
  snaplen?: number;
  promiscuous?: boolean;
  backend?: 'ring' | 'libpcap';
  ring?: CaptureRingOptions;
  autostop?: CaptureAutoStop;
}

export interface CaptureStatsInfo {
  /** Packets written to the capture file. */
  packets: number;
  bytes: number;
  /** Dropped because the kernel ring was full. */
  kernelDrops: number;
  /** Packets Trawl's view got late, read back from the file after it fell behind live (none lost). */
  trawlDrops: number;
  freezeCount: number;
  /** Packets indexed by the engine (what the packet list can show). */
  indexed: number;
  /** Packets per second over the last interval. */
  rate: number;
  elapsedMs: number;
}

export interface CaptureFailureInfo {
  code: 'EPERM' | 'ENODEV' | 'BAD_FILTER' | 'EINVAL' | 'EIO' | 'IFACE_DOWN';
  message: string;
  /** The one command that fixes it, when there is one. */
  fix?: string;
}

export interface CaptureStatus {
  state: 'running' | 'stopped' | 'failed';
  options: CaptureStartOptions;
  /** The capture file (a temporary file in the cache directory until saved). */
  path: string;
  /** Saved with capture.save (or never needing it: no packets). */
  saved: boolean;
  stats: CaptureStatsInfo;
  /** How it ended by itself: autostop, or a failure. */
  endedBy?: 'user' | 'autostop' | 'failure';
  failure?: CaptureFailureInfo;
}

export type CaptureFilterCheck = { ok: true } | { ok: false; message: string };
