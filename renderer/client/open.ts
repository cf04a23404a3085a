// Opening a file and its first screen of rows in as few round trips as the engine allows: the
// first block and the view's state are asked for as soon as file.open answers (no earlier: the
// engine answers it once its first batch is indexed), not when the packet list gets round to it.
import type { FileSummary, Row, ViewState } from '../../app/protocol/messages.ts';
import type { EngineClient } from './engine-client.ts';

/** Rows per block the packet list asks for (one view.rows request each). */
export const LIST_BLOCK = 200;

export interface FirstScreen {
  rows: Row[];
  state: ViewState;
}

export interface Opening {
  path: string;
  opened: Promise<FileSummary>;
  /** The view's first LIST_BLOCK rows and its state, asked for once the file is open. */
  first: Promise<FirstScreen>;
}

export function startOpen(client: EngineClient, path: string, discard?: boolean): Opening {
  const opened = client.request('file.open', discard === undefined ? { path } : { path, discard });
  const first = opened.then(async () => {
    const [rows, state] = await Promise.all([
      client.request('view.rows', { start: 0, end: LIST_BLOCK }),
      client.request('view.state', {}),
    ]);
    return { rows, state };
  });
  // Whoever awaits these handles a failure; a failure nobody awaited yet is not "unhandled".
  opened.catch(() => {});
  first.catch(() => {});
  return { path, opened, first };
}
