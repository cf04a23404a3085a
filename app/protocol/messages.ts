// The one contract between the renderer (or CLI, or browser mode) and the engine.
// Requests are `domain.verb` → params and result; events are a union on `type`.
// Both sides derive their code from this file; errors cross as data, never as thrown strings.
import type { FollowProto, FollowResult } from '../follow/follow.ts';
import type {
  CaptureFilterCheck,
  CaptureInterface,
  CaptureStartOptions,
  CaptureStatsInfo,
  CaptureStatus,
  InterfaceCounterSample,
} from './capture.ts';

export type * from './capture.ts';

export type ErrorCode =
  | 'ENOENT'
  | 'EACCES'
  | 'EPERM'
  | 'ENODEV'
  | 'EIO'
  | 'BAD_FORMAT'
  | 'TRUNCATED'
  | 'BAD_RECORD'
  | 'BAD_FILTER'
  | 'BAD_REQUEST'
  | 'NO_FILE'
  | 'CANCELLED'
  | 'UNSUPPORTED'
  | 'EINVAL'
  | 'IFACE_DOWN'
  /** Closing or replacing a capture nobody saved: ask, then repeat the request with `discard`. */
  | 'UNSAVED'
  | 'INTERNAL';

export interface EngineError {
  code: ErrorCode;
  message: string;
  /** Byte offset in the file where a read fault is, when there is one. */
  offset?: number;
  /** BAD_FILTER: the columns of the fault in the expression (0-based, end exclusive). */
  start?: number;
  end?: number;
  detail?: string;
  /** The one command that fixes it (capture permissions), when there is one. */
  fix?: string;
}

export interface FileSummary {
  path: string;
  name: string;
  format: 'pcap' | 'pcapng';
  sizeBytes: number;
  /** Nanosecond timestamps in the file (pcap ns magic or pcapng resolution). */
  nanosecond: boolean;
  /** Link types seen so far (several in multi-interface pcapng). */
  linkTypes: number[];
}

export interface LoadProgress {
  packets: number;
  bytesRead: number;
  sizeBytes: number;
  done: boolean;
}

/** One packet-list row; times are raw so the renderer formats them in the chosen style. */
export interface Row {
  number: number;
  tsSec: number;
  tsNsec: number;
  /** Time of the previous packet in the current view (delta column). */
  prevSec: number;
  prevNsec: number;
  /** The record has no time of its own (pcapng Simple Packet Block, Custom Block): an empty Time cell. */
  noTime?: boolean;
  source: string;
  destination: string;
  protocol: string;
  length: number;
  info: string;
  /** Hint bits (see app/dissect/packet-info.ts `Hint`) for the colouring rules. */
  hints: number;
}

export interface TreeNodeDto {
  label: string;
  /** Filter name of the field (`ip.ttl`), absent for text-only nodes. */
  field?: string;
  /** The value as a filter would spell it (`64`, `10.0.0.1`), for "Apply as filter". */
  value?: string;
  offset: number;
  length: number;
  /** Data source index (0 = the frame's bytes). */
  source: number;
  malformed?: boolean;
  children?: TreeNodeDto[];
}

export interface FrameDetail {
  number: number;
  tree: TreeNodeDto[];
  /** Data sources: [0] the frame, then reassembled or decrypted buffers. */
  sources: { name: string; bytes: Uint8Array }[];
}

export interface FilterFieldInfo {
  /** Filter name (`ip.src`, `tcp`). */
  name: string;
  /** Display name (`Source Address`, `Transmission Control Protocol`). */
  title: string;
  /** Its type as Wireshark names it (`IPv4 address`, `Protocol`). */
  type: string;
}

export type ColumnId = 'no' | 'time' | 'source' | 'destination' | 'protocol' | 'length' | 'info';

export interface ViewState {
  total: number;
  displayed: number;
  filter: string;
  sort: { column: ColumnId; descending: boolean } | null;
  /** Packets the display filter has tested so far (= total when there is no filter). */
  scanned: number;
  /** A filter scan is running: `displayed` still grows (during a live capture, until it stops). */
  filtering: boolean;
}

/** Preferences that change how packets are dissected (Wireshark's Protocols preferences). */
export interface DissectionPrefs {
  /** TLS's "(Pre)-Master-Secret log filename" (tls.keylog_file): an NSS key log; null: none. */
  tlsKeylogFile: string | null;
}

/** request name → params and result. */
export interface Requests {
  /** `discard`: drop an unsaved live capture (else that fails with UNSAVED). */
  'file.open': { params: { path: string; discard?: boolean }; result: FileSummary };
  'file.close': { params: { discard?: boolean }; result: null };
  'file.save': {
    /** `range`: frame numbers as Wireshark's packet range (`1-10,15,20-`), within `which`. */
    params: { path: string; which: 'all' | 'displayed'; range?: string };
    result: { packets: number };
  };
  'load.cancel': { params: Record<string, never>; result: null };
  'view.state': { params: Record<string, never>; result: ViewState };
  'view.rows': { params: { start: number; end: number }; result: Row[] };
  'view.sort': { params: { column: ColumnId | null; descending: boolean }; result: ViewState };
  /** Compiles and starts the filter; rows stream in with `view.changed` events (BAD_FILTER has start/end). */
  'view.filter': { params: { expression: string }; result: ViewState & { deprecated?: string } };
  'view.find': { params: { number: number }; result: { row: number } };
  'frame.detail': { params: { number: number }; result: FrameDetail };
  /** The payload of the TCP or UDP stream frame `number` belongs to (Follow TCP/UDP Stream). */
  'follow.stream': { params: { proto: FollowProto; number: number }; result: FollowResult };
  /** Sets the preferences files opened and captures started from now on are dissected with. */
  'prefs.set': { params: DissectionPrefs; result: DissectionPrefs };
  'capture.interfaces': { params: Record<string, never>; result: CaptureInterface[] };
  /** Interface counters now (the welcome screen's sparklines take the differences). */
  'capture.counters': {
    params: Record<string, never>;
    result: { time: number; counters: InterfaceCounterSample[] };
  };
  /** Compiles a capture filter for the interface's link type (Ethernet when no interface). */
  'capture.validateFilter': { params: { filter: string; iface?: string }; result: CaptureFilterCheck };
  /** Starts capturing into a new file in the cache directory; it replaces the open file. */
  'capture.start': { params: { options: CaptureStartOptions; discard?: boolean }; result: CaptureStatus };
  'capture.stop': { params: Record<string, never>; result: CaptureStatus };
  /** Stops, drops the packets so far and starts again with the same options. */
  'capture.restart': { params: Record<string, never>; result: CaptureStatus };
  'capture.status': { params: Record<string, never>; result: CaptureStatus | null };
  /** Moves (or copies) the stopped capture's file to `path`; the capture is then saved. */
  'capture.save': { params: { path: string }; result: { packets: number; file: FileSummary } };
}

export type RequestName = keyof Requests;
export type Params<N extends RequestName> = Requests[N]['params'];
export type Result<N extends RequestName> = Requests[N]['result'];

/** Runtime allowlist; `satisfies` makes a request without an entry here fail to compile. */
export const REQUEST_NAMES = {
  'file.open': 1,
  'file.close': 1,
  'file.save': 1,
  'load.cancel': 1,
  'view.state': 1,
  'view.rows': 1,
  'view.sort': 1,
  'view.filter': 1,
  'view.find': 1,
  'frame.detail': 1,
  'follow.stream': 1,
  'prefs.set': 1,
  'capture.interfaces': 1,
  'capture.counters': 1,
  'capture.validateFilter': 1,
  'capture.start': 1,
  'capture.stop': 1,
  'capture.restart': 1,
  'capture.status': 1,
  'capture.save': 1,
} as const satisfies Record<RequestName, 1>;

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(REQUEST_NAMES, name);
}

export type EngineEvent =
  | { type: 'file.opened'; file: FileSummary }
  | { type: 'load.progress'; progress: LoadProgress }
  | { type: 'load.error'; error: EngineError; packets: number }
  | { type: 'view.changed'; view: ViewState }
  | { type: 'file.closed' }
  | { type: 'capture.started'; capture: CaptureStatus }
  | { type: 'capture.stats'; stats: CaptureStatsInfo }
  | { type: 'capture.stopped'; capture: CaptureStatus }
  | { type: 'capture.failed'; capture: CaptureStatus }
  | { type: 'capture.saved'; file: FileSummary };

/** Wire envelopes (MessagePort and WebSocket carry the same). */
export type RequestMessage<N extends RequestName = RequestName> = {
  kind: 'request';
  id: number;
  method: N;
  params: Params<N>;
};
export type ResponseMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: EngineError };
export type EventMessage = { kind: 'event'; event: EngineEvent };
export type EngineMessage = ResponseMessage | EventMessage;
