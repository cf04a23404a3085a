// The physical-address name tables of an installed Wireshark (`manuf`, `wka`), read once on
// first use; without them Trawl shows addresses unresolved.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MacNames, setMacNameSource } from '../../app/format/mac-names.ts';

const DATA_DIRS = ['/usr/share/wireshark', '/usr/local/share/wireshark'];

function readBytes(path: string): Uint8Array | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}

/** Wireshark's name tables from the first data directory that has a `manuf` file, or null. */
export function systemMacNames(): MacNames | null {
  for (const dir of DATA_DIRS) {
    const manuf = readBytes(join(dir, 'manuf'));
    if (manuf !== null) return MacNames.parse(manuf, readBytes(join(dir, 'wka')) ?? new Uint8Array(0));
  }
  return null;
}

/** Turns on name resolution of physical addresses for this process (as Wireshark's default). */
export function resolveMacNames(): void {
  setMacNameSource(systemMacNames);
}
