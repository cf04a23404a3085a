// Opening a file and its first screen of rows in one round trip: the first block and the view's
// state are asked for right behind file.open (the engine answers them once the new file's first
// batch is indexed), not when the packet list gets round to it.
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
  const rows = client.request('view.rows', { start: 0, end: LIST_BLOCK });
  const state = client.request('view.state', {});
  // When the open fails, `first` fails with the open's error (the two behind it then answer for
  // what stayed open, or say there is no file): that error is the one to show.
  const first = opened.then(async () => ({ rows: await rows, state: await state }));
  // Whoever awaits these handles a failure; a failure nobody awaited yet is not "unhandled".
  for (const p of [opened, rows, state, first]) p.catch(() => {});
  return { path, opened, first };
}
