// The one contract between the renderer (or CLI, or browser mode) and the engine.
// Requests are `domain.verb` → params and result; events are a union on `type`.
// Both sides derive their code from this file; errors cross as data, never as thrown strings.

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
  | 'INTERNAL';

export interface EngineError {
  code: ErrorCode;
  message: string;
  /** Byte offset in the file where a read fault is, when there is one. */
  offset?: number;
  detail?: string;
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

export type ColumnId = 'no' | 'time' | 'source' | 'destination' | 'protocol' | 'length' | 'info';

export interface ViewState {
  total: number;
  displayed: number;
  filter: string;
  sort: { column: ColumnId; descending: boolean } | null;
}

/** request name → params and result. */
export interface Requests {
  'file.open': { params: { path: string }; result: FileSummary };
  'file.close': { params: Record<string, never>; result: null };
  'file.save': {
    params: { path: string; which: 'all' | 'displayed' };
    result: { packets: number };
  };
  'load.cancel': { params: Record<string, never>; result: null };
  'view.state': { params: Record<string, never>; result: ViewState };
  'view.rows': { params: { start: number; end: number }; result: Row[] };
  'view.sort': { params: { column: ColumnId | null; descending: boolean }; result: ViewState };
  'view.filter': { params: { expression: string }; result: ViewState };
  'view.find': { params: { number: number }; result: { row: number } };
  'frame.detail': { params: { number: number }; result: FrameDetail };
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
} as const satisfies Record<RequestName, 1>;

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(REQUEST_NAMES, name);
}

export type EngineEvent =
  | { type: 'file.opened'; file: FileSummary }
  | { type: 'load.progress'; progress: LoadProgress }
  | { type: 'load.error'; error: EngineError; packets: number }
  | { type: 'view.changed'; view: ViewState }
  | { type: 'file.closed' };

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
