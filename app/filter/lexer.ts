// The display-filter scanner, after Wireshark 4.0's scanner.l: the same tokens, the same longest-match
// choices between words and addresses, and the same error texts. Positions are 0-based columns.
import { FilterFault, failAt, failUnlocated, type FilterError } from './error.ts';

export type OpName =
  | 'any_eq'
  | 'all_ne'
  | 'all_eq'
  | 'any_ne'
  | 'gt'
  | 'ge'
  | 'lt'
  | 'le'
  | 'contains'
  | 'matches'
  | 'in'
  | 'not'
  | 'and'
  | 'or'
  | 'any'
  | 'all'
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '&';

export type TokenKind =
  /** Anything unquoted that is not an operator: a field name, number, address, byte string or bare text. */
  | 'word'
  | 'string'
  | 'charconst'
  | 'op'
  | '('
  | ')'
  | '{'
  | '}'
  | ','
  | '..'
  | '['
  | ']'
  | '#'
  /** One comma-separated element of a slice or layer range, as written (`1:2`, `-4:`, `3-5`). */
  | 'range'
  /** The layer number after `#`. */
  | 'layer'
  /** `${name}`: a macro or field reference. */
  | 'macro'
  /** A character no rule takes (`@`, `^`, `;`): the parser reports it as unexpected. */
  | 'other'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text of the token. */
  text: string;
  start: number;
  end: number;
  /** For `op` tokens. */
  op?: OpName;
  /**
   * For words: `.` when written `.name` (always a field), `:` when written `:text` (always a literal),
   * `''` otherwise. `value` is the word without that prefix.
   */
  prefix?: '' | '.' | ':';
  /** Words: the text without prefix; strings: the decoded text (bytes as Latin-1 characters); macros: the name. */
  value?: string;
  /** Strings: the decoded bytes (text as UTF-8, escapes as written). */
  bytes?: Uint8Array;
  /** Character constants: the byte value. */
  num?: number;
}

const KEYWORDS: ReadonlyMap<string, OpName> = new Map<string, OpName>([
  ['eq', 'any_eq'],
  ['any_eq', 'any_eq'],
  ['ne', 'all_ne'],
  ['all_ne', 'all_ne'],
  ['all_eq', 'all_eq'],
  ['any_ne', 'any_ne'],
  ['gt', 'gt'],
  ['ge', 'ge'],
  ['lt', 'lt'],
  ['le', 'le'],
  ['contains', 'contains'],
  ['matches', 'matches'],
  ['in', 'in'],
  ['not', 'not'],
  ['and', 'and'],
  ['or', 'or'],
  ['any', 'any'],
  ['all', 'all'],
  ['bitwise_and', '&'],
]);

/** Operator spellings, longest first so `===` wins over `==`. */
const SYMBOLS: readonly (readonly [string, OpName])[] = [
  ['===', 'all_eq'],
  ['!==', 'any_ne'],
  ['==', 'any_eq'],
  ['!=', 'all_ne'],
  ['~=', 'any_ne'],
  ['>=', 'ge'],
  ['<=', 'le'],
  ['&&', 'and'],
  ['||', 'or'],
  ['>', 'gt'],
  ['<', 'lt'],
  ['!', 'not'],
  ['~', 'matches'],
  ['&', '&'],
  ['+', '+'],
  ['-', '-'],
  ['*', '*'],
  ['/', '/'],
  ['%', '%'],
];

/** Spellings Wireshark 4.0 accepts but flags as deprecated. */
export const DEPRECATED_SPELLINGS: ReadonlySet<string> = new Set(['~=']);

const PUNCT: Readonly<Record<string, TokenKind>> = { '(': '(', ')': ')', '{': '{', '}': '}', ',': ',' };

// Unquoted words: letters, digits, `_` and `-` (not first), in dot-separated parts; never `..`.
const WORD = /[A-Za-z0-9_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*/y;
const DOT_FIELD = /\.[A-Za-z0-9_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*/y;
// tshark 4.0 takes a colon-prefixed literal only as hex digits (`:64`, `:ab`); `:zz` is a stray colon.
const COLON_WORD = /:[0-9A-Fa-f]+/y;
const COLON_BYTES = /:?[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})+/y;
const DEC_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const IPV4_TEXT = `${DEC_OCTET}\\.${DEC_OCTET}\\.${DEC_OCTET}\\.${DEC_OCTET}`;
const IPV4 = new RegExp(`${IPV4_TEXT}(?:/[0-9]{1,2})?`, 'y');
const H16 = '[0-9A-Fa-f]{1,4}';
const LS32 = `(?:${H16}:${H16}|${IPV4_TEXT})`;
const IPV6_TEXT = [
  `(?:${H16}:){6}${LS32}`,
  `::(?:${H16}:){5}${LS32}`,
  `(?:${H16})?::(?:${H16}:){4}${LS32}`,
  `(?:(?:${H16}:){0,1}${H16})?::(?:${H16}:){3}${LS32}`,
  `(?:(?:${H16}:){0,2}${H16})?::(?:${H16}:){2}${LS32}`,
  `(?:(?:${H16}:){0,3}${H16})?::${H16}:${LS32}`,
  `(?:(?:${H16}:){0,4}${H16})?::${LS32}`,
  `(?:(?:${H16}:){0,5}${H16})?::${H16}`,
  `(?:(?:${H16}:){0,6}${H16})?::`,
];
// Each alternative on its own, so the longest one can be taken (a JS alternation takes the first).
const IPV6 = IPV6_TEXT.map((alt) => new RegExp(`${alt}(?:/[0-9]{1,3})?`, 'y'));

function matchAt(re: RegExp, src: string, at: number): number {
  re.lastIndex = at;
  const m = re.exec(src);
  return m ? m[0].length : 0;
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  "'": 0x27,
  '"': 0x22,
  '\\': 0x5c,
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
};

const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);
const isOct = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Appends the UTF-8 encoding of code point `cp`. */
export function pushUtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else {
    out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
}

export type LexResult = { ok: true; tokens: Token[] } | { ok: false; error: FilterError };

class Scanner {
  readonly tokens: Token[] = [];
  private i = 0;

  constructor(private readonly src: string) {}

  run(): void {
    const src = this.src;
    while (this.i < src.length) {
      const c = src[this.i] as string;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        this.i++;
        continue;
      }
      if (c === '"' || ((c === 'r' || c === 'R') && src[this.i + 1] === '"')) {
        this.string(c !== '"');
        continue;
      }
      if (c === "'") {
        this.charconst();
        continue;
      }
      if (c === '$' && src[this.i + 1] === '{') {
        this.macro();
        continue;
      }
      if (c === '[') {
        this.push('[', this.i, this.i + 1);
        this.i++;
        this.range();
        continue;
      }
      if (c === '#') {
        this.push('#', this.i, this.i + 1);
        this.i++;
        this.layer();
        continue;
      }
      if (this.literal()) continue;
      if (src.startsWith('..', this.i)) {
        this.push('..', this.i, this.i + 2);
        this.i += 2;
        continue;
      }
      const punct = PUNCT[c];
      if (punct !== undefined) {
        this.push(punct, this.i, this.i + 1);
        this.i++;
        continue;
      }
      const sym = SYMBOLS.find(([text]) => src.startsWith(text, this.i));
      if (sym) {
        this.tokens.push({
          kind: 'op',
          text: sym[0],
          start: this.i,
          end: this.i + sym[0].length,
          op: sym[1],
        });
        this.i += sym[0].length;
        continue;
      }
      const code = src.codePointAt(this.i) as number;
      if (code > 0x7e || code < 0x20) {
        const end = this.i + (code > 0xffff ? 2 : 1);
        throw failAt('Non-printable ASCII characters may only appear inside double-quotes.', this.i, end);
      }
      this.push('other', this.i, this.i + 1);
      this.i++;
    }
    this.push('eof', src.length, src.length);
  }

  private push(kind: TokenKind, start: number, end: number): Token {
    const tok: Token = { kind, text: this.src.slice(start, end), start, end };
    this.tokens.push(tok);
    return tok;
  }

  /** Words, addresses and byte strings: the longest match, as flex takes it. */
  private literal(): boolean {
    const src = this.src;
    const at = this.i;
    let best = matchAt(WORD, src, at);
    let prefix: '' | '.' | ':' = '';
    best = Math.max(best, matchAt(IPV4, src, at));
    for (const re of IPV6) best = Math.max(best, matchAt(re, src, at));
    best = Math.max(best, matchAt(COLON_BYTES, src, at));
    const colonWord = matchAt(COLON_WORD, src, at);
    if (colonWord > best) {
      best = colonWord;
      prefix = ':';
    }
    const dotField = matchAt(DOT_FIELD, src, at);
    if (dotField > best) {
      best = dotField;
      prefix = '.';
    }
    if (best === 0) return false;
    const text = src.slice(at, at + best);
    this.i += best;
    const keyword = prefix === '' ? KEYWORDS.get(text) : undefined;
    if (keyword !== undefined) {
      this.tokens.push({ kind: 'op', text, start: at, end: at + best, op: keyword });
      return true;
    }
    const value = prefix === '.' ? text.slice(1) : text;
    this.tokens.push({ kind: 'word', text, start: at, end: at + best, prefix, value });
    return true;
  }

  private string(raw: boolean): void {
    const src = this.src;
    const start = this.i;
    this.i += raw ? 2 : 1;
    const bytes: number[] = [];
    let text = '';
    for (;;) {
      if (this.i >= src.length) {
        throw failAt('The final quote was missing from a quoted string.', src.length, src.length);
      }
      const c = src[this.i] as string;
      if (c === '"') {
        this.i++;
        break;
      }
      if (c !== '\\') {
        const cp = src.codePointAt(this.i) as number;
        const ch = String.fromCodePoint(cp);
        text += ch;
        pushUtf8(bytes, cp);
        this.i += ch.length;
        continue;
      }
      const escStart = this.i;
      const next = src[this.i + 1];
      if (next === undefined) {
        throw failAt('The final quote was missing from a quoted string.', src.length, src.length);
      }
      if (raw) {
        // Raw strings keep the backslash; `\"` and `\\` only stop the quote from ending the string.
        text += c + next;
        bytes.push(0x5c, next.charCodeAt(0) & 0xff);
        this.i += 2;
        continue;
      }
      if (isOct(next)) {
        let j = this.i + 1;
        while (j < this.i + 4 && isOct(src[j])) j++;
        const value = parseInt(src.slice(this.i + 1, j), 8);
        if (value > 0xff) throw failAt(`${src.slice(escStart, j)} is larger than 255.`, escStart, j);
        text += String.fromCharCode(value);
        bytes.push(value);
        this.i = j;
        continue;
      }
      if (next === 'x' && isHex(src[this.i + 2])) {
        let j = this.i + 2;
        while (j < this.i + 4 && isHex(src[j])) j++;
        const value = parseInt(src.slice(this.i + 2, j), 16);
        text += String.fromCharCode(value);
        bytes.push(value);
        this.i = j;
        continue;
      }
      if (next === 'u' || next === 'U') {
        const want = next === 'u' ? 4 : 8;
        let j = this.i + 2;
        while (j < this.i + 2 + want && isHex(src[j])) j++;
        const digits = src.slice(this.i + 2, j);
        const cp = digits.length === want ? parseInt(digits, 16) : -1;
        // C's rule for universal character names: none below U+00A0 but `$`, `@` and `` ` ``.
        const basic = cp < 0xa0 && cp !== 0x24 && cp !== 0x40 && cp !== 0x60;
        if (cp < 0 || basic || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
          throw failAt(`${src.slice(escStart, j)} is not a valid universal character name`, escStart, j);
        }
        text += String.fromCodePoint(cp);
        pushUtf8(bytes, cp);
        this.i = j;
        continue;
      }
      const simple = SIMPLE_ESCAPES[next];
      if (simple === undefined) {
        const end = escStart + 1 + String.fromCodePoint(src.codePointAt(escStart + 1) as number).length;
        throw failAt(`${src.slice(escStart, end)} is not a valid character escape sequence`, escStart, end);
      }
      text += String.fromCharCode(simple);
      bytes.push(simple);
      this.i += 2;
    }
    const tok = this.push('string', start, this.i);
    tok.value = text;
    tok.bytes = Uint8Array.from(bytes);
  }

  private charconst(): void {
    const src = this.src;
    const start = this.i;
    let j = this.i + 1;
    for (;;) {
      if (j >= src.length) {
        throw failAt('The final quote was missing from a character constant.', src.length, src.length);
      }
      if (src[j] === '\\' && j + 1 < src.length) j += 2;
      else if (src[j] === "'") break;
      else j++;
    }
    const end = j + 1;
    const text = src.slice(start, end);
    const body = src.slice(start + 1, j);
    this.i = end;
    const value = parseCharConst(body);
    if (typeof value !== 'number') throw failAt(charConstMessage(text, value), start, end);
    const tok = this.push('charconst', start, end);
    tok.num = value;
  }

  private macro(): void {
    const src = this.src;
    const start = this.i;
    const close = src.indexOf('}', this.i + 2);
    if (close < 0) {
      throw failUnlocated('end of filter in the middle of a macro expression', start, src.length);
    }
    this.i = close + 1;
    const tok = this.push('macro', start, this.i);
    tok.value = src.slice(start + 2, close).trim();
  }

  /** Inside `[...]`: comma-separated range texts up to `]`. */
  private range(): void {
    const src = this.src;
    for (;;) {
      if (this.i >= src.length) {
        throw failAt('The right bracket was missing from a slice.', src.length, src.length + 1);
      }
      const c = src[this.i];
      if (c === ']') {
        this.push(']', this.i, this.i + 1);
        this.i++;
        return;
      }
      if (c === ',') {
        this.push(',', this.i, this.i + 1);
        this.i++;
        continue;
      }
      let j = this.i;
      while (j < src.length && src[j] !== ']' && src[j] !== ',') j++;
      this.push('range', this.i, j);
      this.i = j;
    }
  }

  /** After `#`: a layer number, or `[` and a range list. */
  private layer(): void {
    const src = this.src;
    if (this.i >= src.length) throw failAt('The layer number or range was missing.', src.length, src.length);
    const c = src[this.i] as string;
    if (c === '[') {
      this.push('[', this.i, this.i + 1);
      this.i++;
      this.range();
      return;
    }
    if (!isDigit(c)) {
      const ch = String.fromCodePoint(src.codePointAt(this.i) as number);
      throw failAt(`Expected digit or "[", not "${ch}"`, this.i, this.i + ch.length);
    }
    let j = this.i;
    while (isDigit(src[j])) j++;
    this.push('layer', this.i, j);
    this.i = j;
  }
}

function charConstMessage(text: string, fault: CharConstFault): string {
  if (typeof fault === 'object') return `Non-printable value '${fault.nonPrintable}' in character constant.`;
  switch (fault) {
    case 'empty':
      return 'Empty character constant.';
    case 'long':
      return `${text} is too long to be a valid character constant.`;
    case 'large':
      return `${text} is too large to be a valid character constant.`;
    case 'ucn':
      return `${text} is not a valid universal character name`;
    default:
      return `${text} isn't a valid character constant.`;
  }
}

type CharConstFault = 'empty' | 'long' | 'bad' | 'large' | 'ucn' | { nonPrintable: string };

/**
 * The value of a character constant's body (between the quotes), or why it is not one, checked in
 * the order of Wireshark 4.0's parse_charconst: one escape or character, then the closing quote.
 * 4.0 takes `\n` for two characters and `\u`/`\U` as a string-only escape; both are kept.
 */
function parseCharConst(body: string): number | CharConstFault {
  if (body.length === 0) return 'empty';
  let i = 1;
  let value: number;
  if (body[0] !== '\\') {
    const utf8: number[] = [];
    pushUtf8(utf8, body.codePointAt(0) as number);
    const byte = utf8[0] as number;
    // A `char` in C: bytes above 0x7f are negative and print sign-extended to 64 bits.
    if (byte < 0x20 || byte > 0x7e) {
      const hex = byte > 0x7f ? 'ffffffffffffff' + byte.toString(16) : byte.toString(16).padStart(2, '0');
      return { nonPrintable: `0x${hex}` };
    }
    value = byte;
  } else {
    const e = body[1];
    if (e === 'u' || e === 'U') return 'ucn';
    if (e === 'n') return 'long';
    const simple = e === undefined ? undefined : SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      value = simple;
      i = 2;
    } else if (e === 'x') {
      if (!isHex(body[2])) return 'bad';
      i = 3;
      if (i < body.length) {
        if (!isHex(body[i])) return 'bad';
        i++;
      }
      value = parseInt(body.slice(2, i), 16);
    } else {
      if (!isOct(e)) return 'bad';
      i = 2;
      for (let k = 0; k < 2 && i < body.length; k++, i++) if (!isOct(body[i])) return 'bad';
      value = parseInt(body.slice(1, i), 8);
      if (value > 0xff) return 'large';
    }
  }
  return i === body.length ? value : 'long';
}

export function tokenize(src: string): LexResult {
  const scanner = new Scanner(src);
  try {
    scanner.run();
  } catch (err) {
    if (err instanceof FilterFault) return { ok: false, error: err.toJSON() };
    throw err;
  }
  return { ok: true, tokens: scanner.tokens };
}
