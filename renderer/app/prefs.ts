// The dissection preferences (Edit → Preferences): kept in the UI's settings, handed to the engine
// on start (before the file asked for on start is opened) and whenever the user changes them.
import type { DissectionPrefs } from '../../app/protocol/messages.ts';
import { engineErrorOf, type EngineClient } from '../client/engine-client.ts';
import { load, save } from './settings.ts';

export const NO_PREFS: DissectionPrefs = { tlsKeylogFile: null };

function isDissectionPrefs(v: unknown): v is DissectionPrefs {
  if (typeof v !== 'object' || v === null) return false;
  const keylog = (v as { tlsKeylogFile?: unknown }).tlsKeylogFile;
  return keylog === null || typeof keylog === 'string';
}

export function savedPrefs(): DissectionPrefs {
  return load('prefs', NO_PREFS, isDissectionPrefs);
}

/**
 * Asks the engine to take `prefs` and remembers them if it does. Resolves to what the engine took,
 * or to the engine's reason for refusing them (the saved preferences are then left as they were).
 */
export async function applyPrefs(
  client: EngineClient,
  prefs: DissectionPrefs,
): Promise<{ prefs: DissectionPrefs } | { error: string }> {
  try {
    const taken = await client.request('prefs.set', prefs);
    save('prefs', taken);
    return { prefs: taken };
  } catch (err) {
    return { error: engineErrorOf(err).message };
  }
}

/** Hands the saved preferences to the engine on start; resolves to an error to show, or null. */
export async function applySavedPrefs(client: EngineClient): Promise<string | null> {
  const prefs = savedPrefs();
  if (prefs.tlsKeylogFile === null) return null;
  const result = await applyPrefs(client, prefs);
  return 'error' in result ? `Preferences: ${result.error}` : null;
}
