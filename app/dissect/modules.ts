// The one explicit list of dissector modules: registration happens here, never by import.
import { dataModule } from './data.ts';
import { wsModule } from './dissect.ts';
import { ethModule } from './eth.ts';
import { frameModule } from './frame.ts';
import { Registry, type DissectorModule } from './registry.ts';

export const MODULES: readonly DissectorModule[] = [frameModule, wsModule, dataModule, ethModule];

let shared: Registry | null = null;

/** The registry of every built-in dissector (built once, then shared: it is immutable after). */
export function defaultRegistry(): Registry {
  shared ??= new Registry(MODULES);
  return shared;
}
