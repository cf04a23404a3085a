// Errors of capture-file reading and writing, with a code the engine and the CLI branch on.
import type { ErrorCode } from '../../app/protocol/messages.ts';

const CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'ENOENT',
  'EACCES',
  'EIO',
  'BAD_FORMAT',
  'TRUNCATED',
  'BAD_RECORD',
  'CANCELLED',
]);

export class CaptureFileError extends Error {
  override readonly name = 'CaptureFileError';
  readonly code: ErrorCode;
  /** Byte offset of the broken record or block, for read faults. */
  readonly offset?: number;
  readonly path: string;

  constructor(code: ErrorCode, message: string, path: string, offset?: number, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.path = path;
    if (offset !== undefined) this.offset = offset;
  }
}

/**
 * The CaptureFileError for anything the addon threw. Its codes pass through; EINVAL (misuse,
 * bad arguments) becomes BAD_REQUEST and anything unknown INTERNAL.
 */
export function toCaptureFileError(err: unknown, path: string): CaptureFileError {
  if (err instanceof CaptureFileError) return err;
  if (!(err instanceof Error)) return new CaptureFileError('INTERNAL', String(err), path);
  const e = err as Error & { code?: unknown; offset?: unknown; path?: unknown };
  const raw = typeof e.code === 'string' ? e.code : '';
  const code: ErrorCode = CODES.has(raw) ? (raw as ErrorCode) : raw === 'EINVAL' ? 'BAD_REQUEST' : 'INTERNAL';
  const offset = typeof e.offset === 'number' ? e.offset : undefined;
  return new CaptureFileError(code, e.message, typeof e.path === 'string' ? e.path : path, offset, {
    cause: err,
  });
}
