// Capture failures as Errors that are also CaptureFailure data ({code, message, fix}).
import type { CaptureFailure } from './types.ts';

export type CaptureFailureCode = CaptureFailure['code'];

const CODES: ReadonlySet<string> = new Set<CaptureFailureCode>([
  'EPERM',
  'ENODEV',
  'BAD_FILTER',
  'EINVAL',
  'EIO',
  'IFACE_DOWN',
]);

export class CaptureError extends Error implements CaptureFailure {
  override readonly name = 'CaptureError';
  readonly code: CaptureFailureCode;
  readonly fix?: string;

  constructor(failure: CaptureFailure, options?: ErrorOptions) {
    super(failure.message, options);
    this.code = failure.code;
    if (failure.fix !== undefined) this.fix = failure.fix;
  }

  /** The failure as plain data (what crosses a port). */
  toFailure(): CaptureFailure {
    return this.fix === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, fix: this.fix };
  }
}

/** The CaptureError for anything the addon or a backend threw (file errors keep their message). */
export function toCaptureError(err: unknown): CaptureError {
  if (err instanceof CaptureError) return err;
  const e = err instanceof Error ? (err as Error & { code?: unknown; fix?: unknown }) : null;
  const raw = typeof e?.code === 'string' ? e.code : '';
  let code: CaptureFailureCode = 'EIO';
  if (CODES.has(raw)) code = raw as CaptureFailureCode;
  else if (raw === 'EACCES') code = 'EPERM';
  else if (raw === 'ENOENT') code = 'EIO';
  const failure: CaptureFailure = { code, message: e ? e.message : String(err) };
  if (typeof e?.fix === 'string') failure.fix = e.fix;
  return new CaptureError(failure, { cause: err });
}
