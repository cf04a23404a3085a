// What the filter bar knows about the text being typed, without asking the engine. Checking and
// completing need the dissectors' registry and the filter compiler: those are in filter-check.ts,
// loaded on demand (loadFilterCheck) as their own chunk, not before the first rows are shown.
// History and saved buttons live in localStorage.
import { isStringArray, load, save } from '../app/settings.ts';

export type FilterCheck =
  | { state: 'empty' }
  | { state: 'valid' }
  | { state: 'warning'; message: string }
  | { state: 'invalid'; message: string; start: number; end: number };

export type FilterCheckModule = typeof import('./filter-check.ts');

let checkModule: Promise<FilterCheckModule> | null = null;

/** The checker and completer (a separate chunk); loaded once, on first call. */
export function loadFilterCheck(): Promise<FilterCheckModule> {
  checkModule ??= import('./filter-check.ts');
  return checkModule;
}

const NAME_CHAR = /[A-Za-z0-9_.-]/;

/** The field-name word ending at `caret` (where completion would replace), or null. */
export function wordAt(text: string, caret: number): { start: number; word: string } | null {
  let start = caret;
  while (start > 0 && NAME_CHAR.test(text[start - 1] as string)) start--;
  const word = text.slice(start, caret);
  if (word === '' || !/^[A-Za-z_]/.test(word)) return null;
  if (caret < text.length && NAME_CHAR.test(text[caret] as string)) return null;
  return { start, word };
}

const HISTORY_KEY = 'filterHistory';
const BUTTONS_KEY = 'filterButtons';
const HISTORY_MAX = 30;

export function filterHistory(): string[] {
  return load(HISTORY_KEY, [], isStringArray);
}

/** Puts `expression` at the top of the history (once) and returns the new history. */
export function rememberFilter(expression: string): string[] {
  const next = [expression, ...filterHistory().filter((e) => e !== expression)].slice(0, HISTORY_MAX);
  save(HISTORY_KEY, next);
  return next;
}

export interface FilterButton {
  label: string;
  expression: string;
}

const isButtons = (v: unknown): v is FilterButton[] =>
  Array.isArray(v) &&
  v.every(
    (b) =>
      typeof b === 'object' &&
      b !== null &&
      typeof (b as FilterButton).label === 'string' &&
      typeof (b as FilterButton).expression === 'string',
  );

/** Wireshark ships a few example buttons too; these are the ones a first look at a trace wants. */
export const DEFAULT_BUTTONS: FilterButton[] = [
  { label: 'SYN', expression: 'tcp.flags.syn == 1 && tcp.flags.ack == 0' },
  { label: 'Resets', expression: 'tcp.flags.reset == 1' },
  { label: 'No ARP/DNS', expression: '!arp && !dns' },
];

export function filterButtons(): FilterButton[] {
  return load(BUTTONS_KEY, DEFAULT_BUTTONS, isButtons);
}

export function saveFilterButtons(buttons: FilterButton[]): void {
  save(BUTTONS_KEY, buttons);
}
