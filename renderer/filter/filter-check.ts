// The filter bar's checks against the same compiler the engine runs (app/filter): the
// green/red/yellow state and the error span; and the registry's names to complete. This pulls in
// every dissector, so filter-model.ts loads it as a separate chunk (loadFilterCheck).
import { defaultRegistry } from '../../app/dissect/modules.ts';
import { compileFilter } from '../../app/filter/compile.ts';
import { filterFieldList } from '../../app/filter/field-list.ts';
import { filterWarning } from '../../app/filter/warnings.ts';
import type { FilterFieldInfo } from '../../app/protocol/messages.ts';
import type { FilterCheck } from './filter-model.ts';

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
