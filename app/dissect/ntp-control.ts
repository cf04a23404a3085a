// The variable list of an NTP control message (`version="ntpd 4.2.8", leap=00, ...`), split the
// way tshark 4.0's grammar splits it, so the tree can show each part as tshark does.

export interface Span {
  start: number;
  end: number;
}

export interface ControlVariable {
  /** The whole item, from its name to the end of its value and any text after it. */
  whole: Span;
  name: Span;
  /** Where the `=` is; absent for a bare name (a request's list of names). */
  equals?: number;
  /** The value after `=` (empty when none); `quoted` when it is a string in double quotes. */
  value?: Span & { quoted: boolean };
  /** Text after the value up to the separator (`:123` after an address). */
  rest: Span;
  /** Whether a comma follows the item. */
  comma: boolean;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isNameChar = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) ||
  (c >= 0x41 && c <= 0x5a) ||
  (c >= 0x61 && c <= 0x7a) ||
  c === 0x5f ||
  c === 0x2e ||
  c === 0x2d ||
  c === 0x5b ||
  c === 0x5d;
/** A bare value runs to a comma, colon, quote or line end; spaces inside it belong to it. */
const isValueChar = (c: number): boolean =>
  c >= 0x20 && c < 0x7f && c !== 0x2c && c !== 0x3a && c !== 0x22 && c !== 0x3d;
const isRestChar = (c: number): boolean => c > 0x20 && c < 0x7f && c !== 0x2c && c !== 0x22;

/** Splits `bytes[from, end)` into variables; stops quietly where the text no longer fits the grammar. */
export function parseControlVariables(bytes: Uint8Array, from: number, end: number): ControlVariable[] {
  const out: ControlVariable[] = [];
  let p = from;
  const at = (i: number): number => (i < end ? (bytes[i] as number) : -1);
  const skipSpace = (): void => {
    while (p < end && isSpace(at(p))) p++;
  };
  const run = (test: (c: number) => boolean): Span => {
    const start = p;
    while (p < end && test(at(p))) p++;
    return { start, end: p };
  };
  for (;;) {
    skipSpace();
    const name = run(isNameChar);
    if (name.end === name.start) break;
    const item: ControlVariable = {
      whole: { start: name.start, end: name.end },
      name,
      rest: name,
      comma: false,
    };
    const afterName = p;
    skipSpace();
    if (at(p) !== 0x3d) p = afterName;
    else {
      item.equals = p++;
      skipSpace();
      item.value = quotedOrBare(bytes, p, end);
      p = item.value.end;
    }
    item.rest = run(isRestChar);
    item.whole.end = p;
    skipSpace();
    if (at(p) === 0x2c) {
      item.comma = true;
      p++;
    }
    out.push(item);
  }
  return out;
}

function quotedOrBare(bytes: Uint8Array, p: number, end: number): Span & { quoted: boolean } {
  if (bytes[p] === 0x22) {
    const close = bytes.indexOf(0x22, p + 1);
    if (close >= 0 && close < end) return { start: p, end: close + 1, quoted: true };
    return { start: p, end: p, quoted: false };
  }
  let q = p;
  while (q < end && isValueChar(bytes[q] as number)) q++;
  return { start: p, end: q, quoted: false };
}
