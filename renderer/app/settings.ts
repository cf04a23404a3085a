// What the UI remembers between runs (localStorage): recent files, time format, colouring,
// pane sizes, the packet list's columns. Every read tolerates missing or foreign data.

const PREFIX = 'trawl.';

export function load<T>(key: string, fallback: T, valid: (v: unknown) => v is T): T {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    if (raw === null) return fallback;
    const v: unknown = JSON.parse(raw);
    return valid(v) ? v : fallback;
  } catch {
    return fallback;
  }
}

export function save(key: string, value: unknown): void {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // storage full or disabled: settings are a convenience
  }
}

export const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
export const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string');
export const isNumberArray = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

const MAX_RECENT = 10;

export function recentFiles(): string[] {
  return load('recent', [], isStringArray);
}

export function addRecentFile(path: string): string[] {
  const list = [path, ...recentFiles().filter((p) => p !== path)].slice(0, MAX_RECENT);
  save('recent', list);
  return list;
}

export function clearRecentFiles(): void {
  save('recent', []);
}
