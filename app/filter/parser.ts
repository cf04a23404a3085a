// The display-filter grammar, after Wireshark 4.0's grammar.lemon, as a recursive-descent parser.
// Precedence, loosest first: `or`, `and`, `not`, relations (`==`, `contains`, `in`, …), `&`,
// `+ -`, `* / %`, unary `- +`, then slices and layers. Parentheses group tests; braces group
// arithmetic. The result is an AST with source spans; names are resolved later (compile.ts).
import { FilterFault, failAt, failUnlocated, type FilterError, type Span } from './error.ts';
import { tokenize, type OpName, type Token } from './lexer.ts';
import type { TokenKind } from './lexer.ts';

export type CmpOp =
  'any_eq' | 'all_ne' | 'all_eq' | 'any_ne' | 'gt' | 'ge' | 'lt' | 'le' | 'contains' | 'matches';
export type ArithOp = '+' | '-' | '*' | '/' | '%' | '&';
export type Quantifier = 'any' | 'all' | null;

/** One element of a slice or layer range, with its start and either a length or an inclusive end. */
export interface RangeNode {
  text: string;
  span: Span;
  start: number;
  /** Bytes from `start` (`i:j`, `i`); null with a null `end` means "to the end" (`i:`). */
  length: number | null;
  /** Inclusive end offset (`i-j`). */
  end: number | null;
}

export type Value =
  | {
      kind: 'word';
      /** Source text, with any `.` or `:` prefix. */
      text: string;
      /** The text without prefix. */
      value: string;
      prefix: '' | '.' | ':';
      span: Span;
      /** `field#2` or `field#[1-3]`. */
      layer?: RangeNode[];
      layerSpan?: Span;
    }
  | { kind: 'string'; text: string; value: string; bytes: Uint8Array; span: Span }
  | { kind: 'charconst'; text: string; value: number; span: Span }
  | { kind: 'macro'; text: string; name: string; span: Span }
  | { kind: 'slice'; base: Value; ranges: RangeNode[]; span: Span }
  | { kind: 'call'; name: string; nameSpan: Span; args: Value[]; span: Span }
  | { kind: 'unary'; op: '-' | '+'; operand: Value; span: Span }
  | { kind: 'arith'; op: ArithOp; opText: string; left: Value; right: Value; span: Span };

export type SetElement = { low: Value; high: Value | null };

export type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr; span: Span }
  | { kind: 'not'; operand: Expr; span: Span }
  /** A value on its own: a field's existence, or a non-zero arithmetic result. */
  | { kind: 'exists'; value: Value; span: Span }
  | {
      kind: 'compare';
      quant: Quantifier;
      op: CmpOp;
      /** The operator as written (`==`, `eq`, `~`), for messages. */
      opText: string;
      left: Value;
      right: Value;
      span: Span;
    }
  | { kind: 'in'; quant: Quantifier; left: Value; set: SetElement[]; negated: boolean; span: Span };

const CMP_OPS: ReadonlySet<OpName> = new Set<OpName>([
  'any_eq',
  'all_ne',
  'all_eq',
  'any_ne',
  'gt',
  'ge',
  'lt',
  'le',
]);

export type ParseResult =
  { ok: true; expr: Expr | null; tokens: readonly Token[] } | { ok: false; error: FilterError };

export function parse(src: string): ParseResult {
  const lexed = tokenize(src);
  if (!lexed.ok) return lexed;
  try {
    return { ok: true, expr: new Parser(lexed.tokens).sentence(), tokens: lexed.tokens };
  } catch (err) {
    if (err instanceof FilterFault) return { ok: false, error: err.toJSON() };
    throw err;
  }
}

const span = (a: Span, b: Span): Span => ({ start: a.start, end: b.end });

class Parser {
  private pos = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private get tok(): Token {
    return this.tokens[this.pos] as Token;
  }

  private peek(n = 1): Token {
    return (this.tokens[this.pos + n] ?? this.tokens[this.tokens.length - 1]) as Token;
  }

  private next(): Token {
    const t = this.tok;
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private isOp(op: OpName, t: Token = this.tok): boolean {
    return t.kind === 'op' && t.op === op;
  }

  private unexpected(t: Token = this.tok): FilterFault {
    if (t.kind === 'eof') return failUnlocated('Unexpected end of filter expression.', t.start, t.end);
    return failAt(`"${t.text}" was unexpected in this context.`, t.start, t.end);
  }

  private expect(kind: Token['kind']): Token {
    if (this.tok.kind !== kind) throw this.unexpected();
    return this.next();
  }

  /** The current token's kind, read afresh (TypeScript's narrowing can't see `next()` move on). */
  private kind(): TokenKind {
    return this.tok.kind;
  }

  sentence(): Expr | null {
    if (this.tok.kind === 'eof') return null;
    const e = this.or();
    if (this.kind() !== 'eof') throw this.unexpected();
    return e;
  }

  private or(): Expr {
    let left = this.and();
    while (this.isOp('or')) {
      this.next();
      const right = this.and();
      left = { kind: 'or', left, right, span: span(left.span, right.span) };
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.isOp('and')) {
      this.next();
      const right = this.not();
      left = { kind: 'and', left, right, span: span(left.span, right.span) };
    }
    return left;
  }

  private not(): Expr {
    if (this.isOp('not')) {
      const t = this.next();
      const operand = this.not();
      return { kind: 'not', operand, span: span(t, operand.span) };
    }
    if (this.tok.kind === '(') {
      const open = this.next();
      const e = this.or();
      const close = this.expect(')');
      return { ...e, span: span(open, close) };
    }
    return this.relation();
  }

  private relation(): Expr {
    let quant: Quantifier = null;
    const first = this.tok;
    if (this.isOp('any') || this.isOp('all')) {
      quant = this.next().op === 'any' ? 'any' : 'all';
    }
    const left = this.arith();
    const t = this.tok;
    if (t.kind === 'op' && t.op !== undefined && CMP_OPS.has(t.op)) {
      // `a < b <= c` is `a < b and b <= c`.
      let lhs = left;
      let result: Expr | null = null;
      while (this.tok.kind === 'op' && this.tok.op !== undefined && CMP_OPS.has(this.tok.op)) {
        const opTok = this.next();
        const rhs = this.arith();
        const cmp: Expr = {
          kind: 'compare',
          quant,
          op: opTok.op as CmpOp,
          opText: opTok.text,
          left: lhs,
          right: rhs,
          span: span(quant ? first : lhs.span, rhs.span),
        };
        result = result ? { kind: 'and', left: result, right: cmp, span: span(result.span, cmp.span) } : cmp;
        lhs = rhs;
      }
      return result as Expr;
    }
    if (this.isOp('contains') || this.isOp('matches')) {
      const opTok = this.next();
      const right = this.arith();
      return {
        kind: 'compare',
        quant,
        op: opTok.op as CmpOp,
        opText: opTok.text,
        left,
        right,
        span: span(quant ? first : left.span, right.span),
      };
    }
    if (this.isOp('in') || (this.isOp('not') && this.isOp('in', this.peek()))) {
      const negated = this.isOp('not');
      if (negated) this.next();
      this.next();
      const { set, end } = this.set();
      return { kind: 'in', quant, left, set, negated, span: span(quant ? first : left.span, end) };
    }
    if (quant) throw this.unexpected();
    return { kind: 'exists', value: left, span: left.span };
  }

  private set(): { set: SetElement[]; end: Span } {
    this.expect('{');
    const set: SetElement[] = [];
    for (;;) {
      const low = this.setEntity();
      let high: Value | null = null;
      if (this.tok.kind === '..') {
        this.next();
        high = this.setEntity();
      }
      set.push({ low, high });
      if (this.tok.kind === ',') {
        this.next();
        continue;
      }
      const close = this.expect('}');
      return { set, end: close };
    }
  }

  private setEntity(): Value {
    if (this.isOp('-') || this.isOp('+')) {
      const t = this.next();
      const operand = this.entity();
      return { kind: 'unary', op: t.op as '-' | '+', operand, span: span(t, operand.span) };
    }
    return this.entity();
  }

  /** `&` binds loosest, as in C. */
  private arith(): Value {
    let left = this.additive();
    while (this.isOp('&')) {
      const t = this.next();
      const right = this.additive();
      left = { kind: 'arith', op: '&', opText: t.text, left, right, span: span(left.span, right.span) };
    }
    return left;
  }

  private additive(): Value {
    let left = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const t = this.next();
      const right = this.multiplicative();
      left = {
        kind: 'arith',
        op: t.op as ArithOp,
        opText: t.text,
        left,
        right,
        span: span(left.span, right.span),
      };
    }
    return left;
  }

  private multiplicative(): Value {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const t = this.next();
      const right = this.unary();
      left = {
        kind: 'arith',
        op: t.op as ArithOp,
        opText: t.text,
        left,
        right,
        span: span(left.span, right.span),
      };
    }
    return left;
  }

  private unary(): Value {
    if (this.isOp('-') || this.isOp('+')) {
      const t = this.next();
      const operand = this.entity();
      return { kind: 'unary', op: t.op as '-' | '+', operand, span: span(t, operand.span) };
    }
    if (this.tok.kind === '{') {
      this.next();
      const inner = this.arith();
      this.expect('}');
      return inner;
    }
    return this.entity();
  }

  private entity(): Value {
    const t = this.tok;
    let v: Value;
    switch (t.kind) {
      case 'word':
        this.next();
        if (this.tok.kind === '(') {
          v = this.call(t);
          break;
        }
        v = { kind: 'word', text: t.text, value: t.value ?? t.text, prefix: t.prefix ?? '', span: t };
        if (this.tok.kind === '#') {
          const hash = this.next();
          if (this.kind() === 'layer') {
            const n = this.next();
            v.layer = [rangeNode(n, n.text.trim())];
            v.layerSpan = span(hash, n);
          } else {
            this.expect('[');
            const ranges = this.ranges();
            v.layer = ranges.nodes;
            v.layerSpan = span(hash, ranges.end);
          }
        }
        break;
      case 'string':
        this.next();
        v = {
          kind: 'string',
          text: t.text,
          value: t.value ?? '',
          bytes: t.bytes ?? new Uint8Array(0),
          span: t,
        };
        break;
      case 'charconst':
        this.next();
        v = { kind: 'charconst', text: t.text, value: t.num ?? 0, span: t };
        break;
      case 'macro':
        this.next();
        v = { kind: 'macro', text: t.text, name: t.value ?? '', span: t };
        break;
      default:
        throw this.unexpected();
    }
    while (this.tok.kind === '[') {
      this.next();
      const ranges = this.ranges();
      v = { kind: 'slice', base: v, ranges: ranges.nodes, span: span(v.span, ranges.end) };
    }
    return v;
  }

  private call(name: Token): Value {
    this.expect('(');
    const args: Value[] = [];
    if (this.tok.kind !== ')') {
      for (;;) {
        args.push(this.arith());
        if (this.tok.kind !== ',') break;
        this.next();
      }
    }
    const close = this.expect(')');
    return {
      kind: 'call',
      name: name.text,
      nameSpan: { start: name.start, end: name.end },
      args,
      span: span(name, close),
    };
  }

  /** Range texts up to `]` (the `[` is taken). */
  private ranges(): { nodes: RangeNode[]; end: Span } {
    const nodes: RangeNode[] = [];
    for (;;) {
      const t = this.expect('range');
      nodes.push(parseRange(t));
      if (this.tok.kind === ',') {
        this.next();
        continue;
      }
      const close = this.expect(']');
      return { nodes, end: close };
    }
  }
}

/** strtol(s, &end, 0) as tshark reads slice offsets: leading blanks, a sign, hex, octal or decimal. */
const STRTOL = /\s*[+-]?(?:0[xX][0-9A-Fa-f]+|[1-9][0-9]*|0[0-7]*)/y;

/** Reads a 32-bit offset at `from`; null when there is no number there. */
function strtol(text: string, from: number, at: Span): { value: number; end: number } | null {
  STRTOL.lastIndex = from;
  const m = STRTOL.exec(text);
  if (!m) return null;
  const s = m[0].trim();
  const body = s.replace(/^[+-]/, '');
  const magnitude = /^0[xX]/.test(body)
    ? parseInt(body.slice(2), 16)
    : body.length > 1 && body[0] === '0'
      ? parseInt(body, 8)
      : parseInt(body, 10);
  const value = s.startsWith('-') ? -magnitude : magnitude;
  if (value > 0x7fffffff || value < -0x80000000) {
    throw failAt(`"${text}" causes an integer overflow.`, at.start, at.end);
  }
  return { value, end: from + m[0].length };
}

/** A layer number (`ip.src#2`): one integer. */
function rangeNode(t: Span, text: string): RangeNode {
  const n = strtol(text, 0, t);
  if (!n || n.end !== text.length) throw failAt(`"${text}" is not a valid number.`, t.start, t.end);
  return { text, span: { start: t.start, end: t.end }, start: n.value, length: 1, end: null };
}

/**
 * `i:j` (start, length), `i-j` (start, inclusive end), `i` (one byte), `:j`, `i:`, read as tshark
 * 4.0's drange_node_from_str does: a bad first number is "not a valid number", anything else
 * unexpected makes the whole text "not a valid range".
 */
function parseRange(t: Token): RangeNode {
  const text = t.text;
  const at: Span = { start: t.start, end: t.end };
  const badRange = () => failAt(`"${text}" is not a valid range.`, at.start, at.end);
  const skipBlanks = (i: number) => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    return i;
  };
  let i = 0;
  let start = 0;
  if (text.trimStart()[0] !== ':') {
    const lower = strtol(text, 0, at);
    if (!lower) throw failAt(`"${text}" is not a valid number.`, at.start, at.end);
    start = lower.value;
    i = lower.end;
  }
  i = skipBlanks(i);
  let node: RangeNode;
  if (text[i] === '-') {
    const upper = strtol(text, i + 1, at);
    if (!upper) throw badRange();
    i = upper.end;
    const end = upper.value;
    if (start < 0 !== end < 0 && start !== 0 && end !== 0) {
      throw failAt(
        `Range ${text} isn't valid because ${start} and ${end} have different signs`,
        at.start,
        at.end,
      );
    }
    if (start >= end) {
      throw failAt(
        `Range ${text} isn't valid because ${start} is greater or equal than ${end}`,
        at.start,
        at.end,
      );
    }
    node = { text, span: at, start, length: null, end };
  } else if (text[i] === ':') {
    const j = skipBlanks(i + 1);
    if (j === text.length) return { text, span: at, start, length: null, end: null };
    const upper = strtol(text, i + 1, at);
    if (!upper) throw badRange();
    i = upper.end;
    if (upper.value <= 0) {
      throw failAt(
        `Range ${text} isn't valid because length ${upper.value} isn't positive`,
        at.start,
        at.end,
      );
    }
    node = { text, span: at, start, length: upper.value, end: null };
  } else if (i === text.length) {
    return { text, span: at, start, length: 1, end: null };
  } else {
    throw badRange();
  }
  if (skipBlanks(i) !== text.length) throw badRange();
  return node;
}
