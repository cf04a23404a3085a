// Counts as the UI and messages show them: `1,000,000`. One formatter for the process: a
// `toLocaleString('en-US')` call builds a new one every time (milliseconds each in Chromium).
const COUNT = new Intl.NumberFormat('en-US');

/** `n` with thousands separators. */
export function formatCount(n: number): string {
  return COUNT.format(n);
}
