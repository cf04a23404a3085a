// Any failure crossing to the renderer becomes data: { code, message, offset? }.
import type { EngineError, ErrorCode } from '../../app/protocol/messages.ts';

const KNOWN = new Set<ErrorCode>([
  'ENOENT',
  'EACCES',
  'EPERM',
  'ENODEV',
  'EIO',
  'BAD_FORMAT',
  'TRUNCATED',
  'BAD_RECORD',
  'BAD_FILTER',
  'BAD_REQUEST',
  'NO_FILE',
  'CANCELLED',
  'UNSUPPORTED',
  'EINVAL',
  'IFACE_DOWN',
  'UNSAVED',
  'INTERNAL',
]);

export class EngineFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly offset?: number,
    /** BAD_FILTER: the fault's columns in the expression. */
    readonly span?: { start: number; end: number },
  ) {
    super(message);
  }
}

export function toEngineError(err: unknown): EngineError {
  if (err instanceof Error) {
    const e = err as Error & { code?: unknown; offset?: unknown };
    const code =
      typeof e.code === 'string' && KNOWN.has(e.code as ErrorCode) ? (e.code as ErrorCode) : 'INTERNAL';
    const out: EngineError = { code, message: e.message };
    if (typeof e.offset === 'number') out.offset = e.offset;
    const fix = (err as { fix?: unknown }).fix;
    if (typeof fix === 'string' && fix) out.fix = fix;
    if (err instanceof EngineFailure && err.span) {
      out.start = err.span.start;
      out.end = err.span.end;
    }
    return out;
  }
  return { code: 'INTERNAL', message: String(err) };
}
