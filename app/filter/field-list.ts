// The names a filter can use, for completion: every field of the registry with its title and
// type, sorted by name (so `tcp` comes before `tcp.ack`).
import type { Registry } from '../dissect/registry.ts';
import type { FilterFieldInfo } from '../protocol/messages.ts';
import { typeOfField } from './types.ts';

export function filterFieldList(registry: Registry): FilterFieldInfo[] {
  return registry.fields
    .map((def) => ({ name: def.abbrev, title: def.name, type: typeOfField(def).pretty }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
