// What the filter bar knows about the text being typed, without asking the engine: the same
// compiler the engine runs (app/filter) gives the green/red/yellow state and the error span, the
// registry gives the names to complete. History and saved buttons live in localStorage.
import { defaultRegistry } from '../../app/dissect/modules.ts';
import { compileFilter } from '../../app/filter/compile.ts';
import { filterFieldList } from '../../app/filter/field-list.ts';
import { filterWarning } from '../../app/filter/warnings.ts';
import type { FilterFieldInfo } from '../../app/protocol/messages.ts';
import { isStringArray, load, save } from '../app/settings.ts';

export type FilterCheck =
  | { state: 'empty' }
  | { state: 'valid' }
  | { state: 'warning'; message: string }
  | { state: 'invalid'; message: string; start: number; end: number };

const registry = defaultRegistry();
let fieldList: FilterFieldInfo[] | null = null;

/** Every field and protocol name, sorted (built on first use). */
export function filterFields(): FilterFieldInfo[] {
  fieldList ??= filterFieldList(registry);
  return fieldList;
}

export function checkFilter(text: string): FilterCheck {
  if (text.trim() === '') return { state: 'empty' };
  const compiled = compileFilter(text, registry);
  if (!compiled.ok) return { state: 'invalid', ...compiled.error };
  const warning = filterWarning(text, registry, compiled.filter.deprecated);
  return warning ? { state: 'warning', message: warning } : { state: 'valid' };
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

/**
 * Names to offer for `word`: the protocol itself and its direct fields first (`tcp` →
 * `tcp`, `tcp.ack`, …), like Wireshark's completer; at most `limit`.
 */
export function completions(word: string, limit = 12): FilterFieldInfo[] {
  const lower = word.toLowerCase();
  const out: FilterFieldInfo[] = [];
  for (const f of filterFields()) {
    if (!f.name.toLowerCase().startsWith(lower) || f.name === word) continue;
    // Below the word's own level, offer one more level at a time (`ip.` → `ip.src`, not `ip.opt.len`).
    const rest = f.name.slice(word.length);
    const deeper = rest.replace(/^\./, '').includes('.');
    if (deeper && !word.endsWith('.')) continue;
    out.push(f);
    if (out.length >= limit) break;
  }
  return out;
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
