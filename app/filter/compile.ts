// Semantic check and code generation: the AST becomes one closure over a FieldCollector, with every
// literal parsed once against the type of what it is compared with (Wireshark's semcheck.c), and
// errors worded as tshark 4.0 words them. Nothing here walks the AST per packet.
import { FieldType, type FieldDef } from '../dissect/field.ts';
import type { Registry } from '../dissect/registry.ts';
import type { FieldCollector } from '../dissect/tree.ts';
import { formatIPv4, formatIPv6, formatMac } from '../format/address.ts';
import { FilterFault, failAt, failUnlocated, type FilterError, type Span } from './error.ts';
import { DEPRECATED_SPELLINGS } from './lexer.ts';
import {
  hexStrToBytes,
  parseAbsTime,
  parseFloatLiteral,
  parseIPv4,
  parseIPv6,
  parseInteger,
  parseRelTime,
  type IPv4Net,
  type IPv6Net,
} from './literals.ts';
import { parse, type CmpOp, type Expr, type RangeNode, type Value } from './parser.ts';
import { compileRegex } from './regex.ts';
import { requiredLayers } from './requirements.ts';
import {
  NONE,
  OK,
  allPairs,
  anyPair,
  bytesContain,
  cmpBytes,
  cmpIPv4,
  cmpIPv6,
  cmpNumber,
  cmpString,
  cmpTime,
  latin1,
  nonZero,
  toBytes,
  utf8,
  type Cmp,
  type Getter,
  type Pred,
  type RV,
} from './runtime.ts';
import {
  SLICEABLE,
  T_SLICE,
  T_STRING,
  T_UINT32,
  compatible,
  intMax,
  typeOfField,
  type VType,
} from './types.ts';

export interface CompiledFilter {
  /** Ids of the fields the predicate reads: dissect with `FieldCollector.of(fieldIds, registry.fields.length)`. */
  fieldIds: number[];
  /** The predicate reads the frame's bytes (`frame[…]`, `frame contains …`): pass the real bytes. */
  needsFrameBytes: boolean;
  matches(fields: FieldCollector, frame: Uint8Array): boolean;
  /**
   * Layers (`pinfo.layers` names) a packet must have for the filter to match: packets without
   * them need not be dissected. Empty when nothing is known.
   */
  requires: string[];
  /** Text for the yellow bar: the expression works but uses something deprecated. */
  deprecated?: string;
}

export type CompileResult = { ok: true; filter: CompiledFilter } | { ok: false; error: FilterError };

/** Old protocol names Wireshark still accepts, and what they became. */
const ALIASES: ReadonlyMap<string, string> = new Map([
  ['ssl', 'tls'],
  ['bootp', 'dhcp'],
]);

const MATCH_ALL: CompiledFilter = { fieldIds: [], needsFrameBytes: false, matches: () => true, requires: [] };

export function compileFilter(expression: string, registry: Registry): CompileResult {
  const parsed = parse(expression);
  if (!parsed.ok) return parsed;
  if (parsed.expr === null) return { ok: true, filter: MATCH_ALL };
  const c = new Compiler(registry);
  let pred: Pred;
  try {
    pred = c.expr(parsed.expr);
  } catch (err) {
    if (err instanceof FilterFault) return { ok: false, error: err.toJSON() };
    throw err;
  }
  for (const t of parsed.tokens) {
    if (t.kind === 'op' && DEPRECATED_SPELLINGS.has(t.text)) {
      c.deprecated.push(`"${t.text}" is deprecated or may have unexpected results. See the User's Guide.`);
    }
  }
  const filter: CompiledFilter = {
    fieldIds: [...c.ids].sort((a, b) => a - b),
    needsFrameBytes: c.needsFrame,
    matches: pred,
    requires: [...requiredLayers(parsed.expr, (name) => c.resolveQuietly(name))],
  };
  if (c.deprecated.length > 0) filter.deprecated = c.deprecated.join(' ');
  return { ok: true, filter };
}

/** An operand after checking: its static type and how to read its values for a packet. */
interface Operand {
  type: VType;
  get: Getter;
  /** The values of a constant operand (a literal, or arithmetic over literals), converted. */
  constant: readonly RV[] | null;
  span: Span;
  /** How messages name it: a field's filter name, otherwise its source text. */
  name: string;
}

/** An unresolved literal: a bare word, a quoted string or a character constant. */
interface Lit {
  kind: 'word' | 'string' | 'charconst';
  /** Source text (`"a"`, `'P'`, `0x50`). */
  text: string;
  /** Decoded text (strings), the word (bare words). */
  value: string;
  bytes: Uint8Array;
  num: number;
  span: Span;
}

type Quant = 'any' | 'all';

/** Each comparison operator: the per-pair test and whether any or all pairs must pass. */
const OPS: Readonly<Record<Exclude<CmpOp, 'contains' | 'matches'>, [keyof typeof OK, Quant]>> = {
  any_eq: ['eq', 'any'],
  all_ne: ['ne', 'all'],
  all_eq: ['eq', 'all'],
  any_ne: ['ne', 'any'],
  gt: ['gt', 'any'],
  ge: ['ge', 'any'],
  lt: ['lt', 'any'],
  le: ['le', 'any'],
};

const FUNCTIONS: Readonly<Record<string, readonly [number, number]>> = {
  len: [1, 1],
  count: [1, 1],
  lower: [1, 1],
  upper: [1, 1],
  string: [1, 1],
  max: [1, Infinity],
  min: [1, Infinity],
  abs: [1, 1],
};

const EMPTY = new Uint8Array(0);

const constGetter =
  (values: readonly RV[]): Getter =>
  () =>
    values;

function mapGetter(g: Getter, f: (v: RV) => RV | null): Getter {
  return (fc, frame) => {
    const vs = g(fc, frame);
    const out: RV[] = [];
    for (const v of vs) {
      const r = f(v);
      if (r !== null) out.push(r);
    }
    return out;
  };
}

function num(v: RV): number | bigint | null {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return Number(v);
  return null;
}

const toNumber = (n: bigint): number | bigint => (n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n);

class Compiler {
  readonly ids = new Set<number>();
  needsFrame = false;
  readonly deprecated: string[] = [];

  constructor(private readonly registry: Registry) {}

  // ---- names ------------------------------------------------------------------------------

  /** `resolve` without noting deprecated names again (for analyses after compiling). */
  resolveQuietly(name: string): FieldDef | undefined {
    const before = this.deprecated.length;
    const def = this.resolve(name);
    this.deprecated.length = before;
    return def;
  }

  private resolve(name: string): FieldDef | undefined {
    const def = this.registry.field(name);
    if (def) return def;
    const dot = name.indexOf('.');
    const head = dot < 0 ? name : name.slice(0, dot);
    const alias = ALIASES.get(head);
    if (alias === undefined) return undefined;
    const target = alias + (dot < 0 ? '' : name.slice(dot));
    const found = this.registry.field(target);
    if (found) this.deprecated.push(`"${name}" is deprecated, use "${target}".`);
    return found;
  }

  /** The protocol a field belongs to: the longest prefix of its name that is a protocol. */
  private protocolOf(def: FieldDef): FieldDef | undefined {
    let name = def.abbrev;
    for (;;) {
      const p = this.registry.field(name);
      if (p && p.type === 0 /* FieldType.Protocol */) return p;
      const dot = name.lastIndexOf('.');
      if (dot < 0) return undefined;
      name = name.slice(0, dot);
    }
  }

  // ---- tests ------------------------------------------------------------------------------

  expr(e: Expr): Pred {
    switch (e.kind) {
      case 'and': {
        const a = this.expr(e.left);
        const b = this.expr(e.right);
        return (fc, frame) => a(fc, frame) && b(fc, frame);
      }
      case 'or': {
        const a = this.expr(e.left);
        const b = this.expr(e.right);
        return (fc, frame) => a(fc, frame) || b(fc, frame);
      }
      case 'not': {
        const a = this.expr(e.operand);
        return (fc, frame) => !a(fc, frame);
      }
      case 'exists':
        return this.exists(e.value);
      case 'compare':
        if (e.op === 'contains') return this.contains(e);
        if (e.op === 'matches') return this.matches(e);
        return this.compare(e);
      case 'in':
        return this.membership(e);
    }
  }

  private exists(v: Value): Pred {
    switch (v.kind) {
      case 'word': {
        const def = v.prefix === ':' ? undefined : this.resolve(v.value);
        if (!def) {
          if (v.prefix === '.') throw this.notAField(v);
          throw failAt(`${v.text} is neither a field nor a protocol name.`, v.span.start, v.span.end);
        }
        const g = this.fieldGetter(def, v, false);
        return (fc, frame) => g(fc, frame).length > 0;
      }
      case 'string':
      case 'charconst':
        throw failAt(`${v.text} is neither a field nor a protocol name.`, v.span.start, v.span.end);
      case 'call':
        // tshark looks the name up while parsing, before it counts the arguments.
        if (!FUNCTIONS[v.name]) this.checkCall(v);
        throw failAt('You cannot test whether a function is present.', v.nameSpan.start, v.nameSpan.end);
      case 'macro': {
        // A field reference is a value, not a field whose presence can be tested.
        const M = this.macro(v);
        const at = v.span.start + 2;
        throw failAt(
          `${v.name} <${M.type.ft}> is neither a field nor a protocol name.`,
          at,
          at + v.name.length,
        );
      }
      case 'slice': {
        const g = this.operand(v, null).get;
        return (fc, frame) => g(fc, frame).length > 0;
      }
      case 'unary':
      case 'arith': {
        // Arithmetic on its own is true when any result is non-zero.
        const g = this.operand(v, null).get;
        return (fc, frame) => {
          const vs = g(fc, frame);
          for (let i = 0; i < vs.length; i++) if (nonZero(vs[i] as RV)) return true;
          return false;
        };
      }
    }
  }

  /** The left side of a relation: a field, slice, function or arithmetic on one, never a literal. */
  private lhs(v: Value, notField: (text: string) => string): Operand {
    if (v.kind === 'string' || v.kind === 'charconst') {
      throw failAt(notField(v.text), v.span.start, v.span.end);
    }
    if (v.kind === 'word' && (v.prefix === ':' || (v.prefix === '' && !this.resolve(v.value)))) {
      if (v.layer) throw this.notAField(v);
      throw failAt(notField(v.text), v.span.start, v.span.end);
    }
    return this.operand(v, null);
  }

  private participates(L: Operand, opText: string, op: CmpOp | 'in'): void {
    const f = L.type.family;
    const ok =
      op === 'contains' || op === 'matches'
        ? f === 'string' || f === 'bytes' || f === 'ether' || f === 'protocol'
        : f !== 'none';
    if (!ok) {
      throw failAt(
        `${L.name} (type=${L.type.pretty}) cannot participate in ${opText} comparison.`,
        L.span.start,
        L.span.end,
      );
    }
  }

  /** The right side, typed by the left: literals are parsed as the left side's type. */
  private rhs(v: Value, L: Operand): Operand {
    const R = this.operand(v, L.type);
    if (R.constant === null && !compatible(L.type, R.type)) {
      throw failAt(`${L.name} and ${R.name} are not of compatible types.`, R.span.start, R.span.end);
    }
    return R;
  }

  private compare(e: Extract<Expr, { kind: 'compare' }>): Pred {
    const L = this.lhs(
      e.left,
      (t) => `Left side of "${e.opText}" expression must be a field or function, not ${t}.`,
    );
    this.participates(L, e.opText, e.op);
    const R = this.rhs(e.right, L);
    const [test, defaultQuant] = OPS[e.op as keyof typeof OPS];
    const { cmp, left, right } = this.comparator(L, R);
    const quant = e.quant ?? defaultQuant;
    return quant === 'all' ? allPairs(left, right, cmp, OK[test]) : anyPair(left, right, cmp, OK[test]);
  }

  /** How two operands compare, with getters adjusted when one side must be read as bytes. */
  private comparator(L: Operand, R: Operand): { cmp: Cmp; left: Getter; right: Getter } {
    const a = L.type;
    const b = R.type;
    const asBytes = (o: Operand): Getter =>
      o.type.family === 'bytes' || o.type.family === 'ether' || o.type.family === 'protocol'
        ? o.get
        : mapGetter(o.get, toBytes);
    if (a.slice || b.slice) return { cmp: cmpBytes, left: asBytes(L), right: asBytes(R) };
    let cmp: Cmp;
    switch (a.family) {
      case 'int':
      case 'bool':
        cmp =
          (a.family === 'int' || b.family === 'int') && a.signed !== b.signed
            ? mixedSignCmp(a.signed, Math.max(a.bits, b.bits))
            : cmpNumber;
        break;
      case 'float':
        cmp = cmpNumber;
        break;
      case 'ipv4':
        cmp = cmpIPv4;
        break;
      case 'ipv6':
        cmp = cmpIPv6;
        break;
      case 'string':
        cmp = cmpString;
        break;
      case 'abstime':
      case 'reltime':
        cmp = cmpTime;
        break;
      default:
        cmp = cmpBytes;
    }
    return { cmp, left: L.get, right: R.get };
  }

  private contains(e: Extract<Expr, { kind: 'compare' }>): Pred {
    const L = this.lhs(
      e.left,
      (t) => `Left side of ${e.opText} expression must be a field or function, not ${t}.`,
    );
    this.participates(L, e.opText, e.op);
    const text = L.type.family === 'string';
    // Bytes-like left sides take any byte string (an Ethernet address contains `01`).
    const want: VType = text ? L.type : { ...T_BYTES_FOR(L.type) };
    const R = this.operand(e.right, want);
    if (R.constant === null && !compatible(L.type.family === 'ether' ? T_SLICE : L.type, R.type)) {
      throw failAt(`${L.name} and ${R.name} are not of compatible types.`, R.span.start, R.span.end);
    }
    const bothText = text && R.type.family === 'string';
    const left = bothText ? L.get : mapGetter(this.searchable(e.left, L), toBytes);
    const right = bothText
      ? R.get
      : R.type.family === 'string' || R.type.family === 'ipv4'
        ? mapGetter(R.get, toBytes)
        : R.get;
    const has = (a: RV, b: RV): boolean => {
      if (typeof a === 'string' && typeof b === 'string') return a.includes(b);
      if (a instanceof Uint8Array && b instanceof Uint8Array) return bytesContain(a, b);
      return false;
    };
    return this.pairs(left, right, has, e.quant ?? 'any');
  }

  private pairs(left: Getter, right: Getter, test: (a: RV, b: RV) => boolean, quant: Quant): Pred {
    if (quant === 'all') {
      return (fc, frame) => {
        const a = left(fc, frame);
        const b = right(fc, frame);
        if (a.length === 0 || b.length === 0) return false;
        for (const x of a) for (const y of b) if (!test(x, y)) return false;
        return true;
      };
    }
    return (fc, frame) => {
      const a = left(fc, frame);
      if (a.length === 0) return false;
      const b = right(fc, frame);
      for (let i = 0; i < a.length; i++)
        for (let j = 0; j < b.length; j++) if (test(a[i] as RV, b[j] as RV)) return true;
      return false;
    };
  }

  private matches(e: Extract<Expr, { kind: 'compare' }>): Pred {
    const L = this.lhs(
      e.left,
      (t) => `Left side of ${e.opText} expression must be a field or function, not ${t}.`,
    );
    this.participates(L, e.opText, e.op);
    const r = e.right;
    if (r.kind !== 'string') {
      throw failAt('Matches requires a double quoted string on the right side.', r.span.start, r.span.end);
    }
    const compiled = compileRegex(r.value);
    if (!compiled.ok) {
      throw failUnlocated(`Regex compilation error: ${compiled.message}.`, r.span.start, r.span.end);
    }
    const re = compiled.regex;
    const test = (v: RV): boolean => {
      if (typeof v === 'string') return re.test(v);
      if (v instanceof Uint8Array) return re.test(latin1(v));
      return false;
    };
    const get = this.searchable(e.left, L);
    if (e.quant === 'all') {
      return (fc, frame) => {
        const vs = get(fc, frame);
        return vs.length > 0 && vs.every(test);
      };
    }
    return (fc, frame) => {
      const vs = get(fc, frame);
      for (let i = 0; i < vs.length; i++) if (test(vs[i] as RV)) return true;
      return false;
    };
  }

  private membership(e: Extract<Expr, { kind: 'in' }>): Pred {
    const L = this.lhs(e.left, () => 'Only a field may be tested for membership in a set.');
    this.participates(L, 'in', 'in');
    const elements = e.set.map(({ low, high }) => {
      const lo = this.rhs(low, L);
      const hi = high ? this.rhs(high, L) : null;
      return { lo, hi, ...this.comparator(L, lo) };
    });
    const get = L.get;
    let one: (x: RV, fc: FieldCollector, frame: Uint8Array) => boolean;
    const simple = elements.every((el) => el.hi === null && el.lo.constant !== null && el.cmp === cmpNumber);
    const values = simple ? elements.flatMap((el) => el.lo.constant ?? []) : [];
    if (simple && values.every((v) => typeof v === 'number')) {
      // The common `tcp.port in {80, 443}`: one hash lookup a value.
      const set = new Set(values as number[]);
      one = (x) => (typeof x === 'number' ? set.has(x) : values.some((v) => cmpNumber(x, v) === 0));
    } else {
      one = (x, fc, frame) => {
        for (const el of elements) {
          const los = el.lo.get(fc, frame);
          if (el.hi === null) {
            for (const lo of los) if (el.cmp(x, lo) === 0) return true;
            continue;
          }
          const his = el.hi.get(fc, frame);
          for (const lo of los) {
            if (!(el.cmp(x, lo) >= 0)) continue;
            for (const hi of his) if (el.cmp(x, hi) <= 0) return true;
          }
        }
        return false;
      };
    }
    const all = e.quant === 'all';
    const inSet: Pred = (fc, frame) => {
      const vs = get(fc, frame);
      if (vs.length === 0) return false;
      for (let i = 0; i < vs.length; i++) {
        const hit = one(vs[i] as RV, fc, frame);
        if (hit && !all) return true;
        if (!hit && all) return false;
      }
      return all;
    };
    return e.negated ? (fc, frame) => !inSet(fc, frame) : inSet;
  }

  // ---- values -----------------------------------------------------------------------------

  private notAField(v: Extract<Value, { kind: 'word' }>): FilterFault {
    if (v.layer && v.prefix !== '.')
      return failAt(`${v.value} is not a valid field`, v.span.start, v.span.end);
    return failAt(`"${v.value}" is not a valid protocol or protocol field.`, v.span.start, v.span.end);
  }

  /**
   * Compiles a value. `want` is the type literals in it take (the other side of a comparison);
   * null where a literal is not allowed (the left side of a relation).
   */
  private operand(v: Value, want: VType | null): Operand {
    switch (v.kind) {
      case 'word': {
        const def = v.prefix === ':' ? undefined : this.resolve(v.value);
        if (def) {
          return {
            type: typeOfField(def),
            get: this.fieldGetter(def, v, true),
            constant: null,
            span: v.span,
            name: def.abbrev,
          };
        }
        if (v.prefix === '.' || v.layer) throw this.notAField(v);
        return this.literal(this.lit(v), want);
      }
      case 'string':
      case 'charconst':
        return this.literal(this.lit(v), want);
      case 'macro':
        return this.macro(v);
      case 'slice':
        return this.slice(v);
      case 'call':
        return this.call(v, want);
      case 'unary':
        return this.unary(v, want);
      case 'arith':
        return this.arith(v, want);
    }
  }

  private lit(v: Value): Lit {
    const base = { text: '', value: '', bytes: EMPTY, num: 0, span: v.span };
    if (v.kind === 'word') return { ...base, kind: 'word', text: v.text, value: v.value };
    if (v.kind === 'string') return { ...base, kind: 'string', text: v.text, value: v.value, bytes: v.bytes };
    if (v.kind === 'charconst') return { ...base, kind: 'charconst', text: v.text, num: v.value };
    throw new Error('not a literal');
  }

  private literal(l: Lit, want: VType | null): Operand {
    if (want === null)
      throw failAt('Constant arithmetic expression on the LHS is invalid.', l.span.start, l.span.end);
    const values = [this.convert(want, l)];
    return { type: want, get: constGetter(values), constant: values, span: l.span, name: l.text };
  }

  private fieldGetter(def: FieldDef, v: Extract<Value, { kind: 'word' }>, forValue: boolean): Getter {
    const id = def.id;
    this.ids.add(id);
    let get: Getter = (fc) => fc.get(id);
    if (def.abbrev === 'frame' && forValue) {
      // The frame protocol's value is the frame's bytes.
      this.needsFrame = true;
      const one: RV[] = [EMPTY];
      get = (fc, frame) => {
        one[0] = frame;
        return one;
      };
    } else if (def.type === FieldType.Protocol && forValue) {
      // Its bytes come from dissecting the packet: the index's protocol stack cannot answer.
      this.needsFrame = true;
      get = protocolBytes(id, false);
    }
    if (def.type === FieldType.AbsTime) get = asEpochSeconds(get);
    if (v.layer) get = this.layered(def, get, v.layer);
    return get;
  }

  /**
   * `contains` and `matches` on a protocol search from its start to the end of its data source
   * (4.0 searches the protocol's tvb): `tcp contains "GET"` finds the payload.
   */
  private searchable(v: Value, L: Operand): Getter {
    if (v.kind !== 'word' || v.layer || v.prefix === ':') return L.get;
    const def = this.resolve(v.value);
    if (!def || def.type !== FieldType.Protocol || def.abbrev === 'frame') return L.get;
    this.needsFrame = true;
    return protocolBytes(def.id, true);
  }

  /**
   * `field#n`: the values of the n-th layer of the field's protocol. The collector keeps values
   * without their layer, so they are split evenly across the protocol's occurrences (exact for
   * fields that occur the same number of times in every layer, as addresses and ports do).
   */
  private layered(def: FieldDef, inner: Getter, ranges: readonly RangeNode[]): Getter {
    const proto = this.protocolOf(def);
    const protoId = proto ? proto.id : -1;
    if (protoId >= 0) this.ids.add(protoId);
    const inRange = (layer: number, layers: number): boolean =>
      ranges.some((r) => {
        const start = r.start < 0 ? r.start + layers + 1 : r.start;
        if (r.end !== null) {
          const end = r.end < 0 ? r.end + layers + 1 : r.end;
          return layer >= start && layer <= end;
        }
        if (r.length === null) return layer >= start;
        return layer >= start && layer < start + r.length;
      });
    return (fc, frame) => {
      const vs = inner(fc, frame);
      if (vs.length === 0) return vs;
      const layers = protoId < 0 ? 1 : Math.max(1, fc.get(protoId).length);
      const per = vs.length % layers === 0 ? vs.length / layers : 1;
      const out: RV[] = [];
      for (let i = 0; i < vs.length; i++) if (inRange(Math.floor(i / per) + 1, layers)) out.push(vs[i] as RV);
      return out;
    };
  }

  /** `${field}`: a field of the selected packet; a filter that runs alone has none, so it is empty. */
  private macro(v: Extract<Value, { kind: 'macro' }>): Operand {
    const def = this.resolve(v.name);
    if (!def) throw failUnlocated(`macro '${v.name}' does not exist`, v.span.start, v.span.end);
    return { type: typeOfField(def), get: () => NONE, constant: null, span: v.span, name: v.text };
  }

  private slice(v: Extract<Value, { kind: 'slice' }>): Operand {
    const B = this.operand(v.base, null);
    if (!SLICEABLE.has(B.type.family)) {
      if (v.base.kind === 'call') {
        const s = v.base.nameSpan;
        throw failAt(
          `Return value of function "${v.base.name}" is a ${B.type.pretty} and cannot be converted into a sequence of bytes.`,
          s.start,
          s.end,
        );
      }
      throw failAt(
        `"${B.name}" is a ${B.type.pretty} and cannot be sliced into a sequence of bytes.`,
        B.span.start,
        B.span.end,
      );
    }
    const ranges = v.ranges;
    const get = mapGetter(B.get, (value) => {
      const bytes = toBytes(value);
      return bytes === null ? null : sliceBytes(bytes, ranges);
    });
    return { type: T_SLICE, get, constant: null, span: v.span, name: this.textOf(v) };
  }

  private textOf(v: Value): string {
    switch (v.kind) {
      case 'word':
      case 'string':
      case 'charconst':
      case 'macro':
        return v.text;
      case 'slice':
        return `${this.textOf(v.base)}[${v.ranges.map((r) => r.text).join(',')}]`;
      case 'call':
        return `${v.name}(${v.args.map((a) => this.textOf(a)).join(', ')})`;
      case 'unary':
        return v.op + this.textOf(v.operand);
      case 'arith':
        return `${this.textOf(v.left)} ${v.opText} ${this.textOf(v.right)}`;
    }
  }

  private unary(v: Extract<Value, { kind: 'unary' }>, want: VType | null): Operand {
    const O = this.operand(v.operand, want);
    if (v.op === '+') return { ...O, span: v.span };
    const f = O.type.family;
    if (f !== 'int' && f !== 'float' && f !== 'reltime') {
      throw failAt(`${O.type.ft} cannot -.`, O.span.start, O.span.end);
    }
    const type: VType = f === 'int' ? { ...O.type, signed: true } : O.type;
    const neg = (x: RV): RV | null => {
      const n = num(x);
      if (n === null) return null;
      return typeof n === 'bigint' ? -n : -n;
    };
    return this.derived(type, O, neg, v.span, `-${O.name}`);
  }

  /** An operand computed value by value from another, folded when that one is constant. */
  private derived(type: VType, O: Operand, f: (v: RV) => RV | null, span: Span, name: string): Operand {
    if (O.constant !== null) {
      const values = O.constant.map(f).filter((x): x is RV => x !== null);
      return { type, get: constGetter(values), constant: values, span, name };
    }
    return { type, get: mapGetter(O.get, f), constant: null, span, name };
  }

  private arith(v: Extract<Value, { kind: 'arith' }>, want: VType | null): Operand {
    const L = this.operand(v.left, want);
    const f = L.type.family;
    const allowed =
      v.op === '&'
        ? f === 'int' || f === 'bytes' || f === 'ether' || f === 'ipv4' || f === 'ipv6'
        : f === 'int' || f === 'float' || f === 'reltime';
    // The left side's type is checked before the right side is parsed (`10.0.0.0/-1`).
    if (!allowed) throw failAt(`${L.type.ft} cannot ${v.opText}.`, L.span.start, L.span.end);
    const R = this.operand(v.right, L.type);
    if (R.constant === null && !compatible(L.type, R.type)) {
      throw failAt(`${L.name} and ${R.name} are not of compatible types.`, R.span.start, R.span.end);
    }
    const type: VType = f === 'int' && v.op === '-' ? { ...L.type, signed: true } : L.type;
    const op = arithmetic(v.op, type);
    const name = `${L.name} ${v.opText} ${R.name}`;
    if (L.constant !== null && R.constant !== null) {
      const values: RV[] = [];
      for (const a of L.constant)
        for (const b of R.constant) {
          const r = op(a, b);
          if (r !== null) values.push(r);
        }
      return { type, get: constGetter(values), constant: values, span: v.span, name };
    }
    const lg = L.get;
    const rg = R.get;
    const get: Getter = (fc, frame) => {
      const as = lg(fc, frame);
      if (as.length === 0) return NONE;
      const bs = rg(fc, frame);
      const out: RV[] = [];
      for (const a of as)
        for (const b of bs) {
          const r = op(a, b);
          if (r !== null) out.push(r);
        }
      return out;
    };
    return { type, get, constant: null, span: v.span, name };
  }

  // ---- functions --------------------------------------------------------------------------

  private checkCall(v: Extract<Value, { kind: 'call' }>): void {
    const arity = FUNCTIONS[v.name];
    const s = v.nameSpan;
    if (!arity) throw failAt(`Function '${v.name}' does not exist`, s.start, s.end);
    if (v.args.length < arity[0]) {
      throw failAt(`Function ${v.name} needs at least ${arity[0]} arguments.`, s.start, s.end);
    }
    if (v.args.length > arity[1]) {
      throw failAt(`Function ${v.name} can only accept ${arity[1]} arguments.`, s.start, s.end);
    }
  }

  /** The field a function argument names, or null when it is not a plain field. */
  private fieldArg(a: Value): { def: FieldDef; get: Getter } | null {
    if (a.kind !== 'word' || a.prefix === ':') return null;
    const def = this.resolve(a.value);
    if (!def) {
      if (a.prefix === '.' || a.layer) throw this.notAField(a);
      return null;
    }
    return { def, get: this.fieldGetter(def, a, true) };
  }

  private call(v: Extract<Value, { kind: 'call' }>, want: VType | null): Operand {
    this.checkCall(v);
    const arg = v.args[0] as Value;
    const name = this.textOf(v);
    // A call as the argument is underlined by its name only, as tshark does.
    const argSpan = arg.kind === 'call' ? arg.nameSpan : arg.span;
    const onlyFields = (what: string): FilterFault =>
      failAt(`Only ${what} can be used as parameter for ${v.name}()`, argSpan.start, argSpan.end);
    switch (v.name) {
      case 'len': {
        const f = this.fieldArg(arg);
        if (!f) throw onlyFields('fields');
        const t = typeOfField(f.def);
        const width =
          t.family === 'int' ? t.bits / 8 : t.family === 'bool' ? Math.ceil((f.def.bits ?? 8) / 8) : 8;
        const get = mapGetter(f.get, (x) => {
          if (x instanceof Uint8Array) return x.length;
          if (typeof x === 'string') return t.family === 'string' ? utf8(x).length : width;
          if (typeof x === 'number' && t.family === 'ipv4') return 4;
          if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean') return width;
          return null;
        });
        return { type: T_UINT32, get, constant: null, span: v.span, name };
      }
      case 'count': {
        const f = this.fieldArg(arg);
        if (!f) throw onlyFields('fields');
        const g = f.get;
        const get: Getter = (fc, frame) => {
          const n = g(fc, frame).length;
          return n === 0 ? NONE : [n];
        };
        return { type: T_UINT32, get, constant: null, span: v.span, name };
      }
      case 'lower':
      case 'upper': {
        const f = this.fieldArg(arg);
        if (!f || typeOfField(f.def).family !== 'string') throw onlyFields('string type fields');
        const up = v.name === 'upper';
        const get = mapGetter(f.get, (x) =>
          typeof x === 'string' ? (up ? x.toUpperCase() : x.toLowerCase()) : null,
        );
        return { type: T_STRING, get, constant: null, span: v.span, name };
      }
      case 'string': {
        const f = this.fieldArg(arg);
        if (!f) throw onlyFields('fields');
        const t = typeOfField(f.def);
        const conv = stringOf(t);
        if (!conv) {
          throw failAt(
            `String conversion for field "${f.def.abbrev}" is not supported`,
            arg.span.start,
            arg.span.end,
          );
        }
        return { type: T_STRING, get: mapGetter(f.get, conv), constant: null, span: v.span, name };
      }
      case 'abs': {
        if (this.isConstant(arg)) {
          if (arg.kind === 'unary' || arg.kind === 'arith') {
            const lit = leftmost(arg).span;
            throw failAt('Constant arithmetic expression on the LHS is invalid.', lit.start, lit.end);
          }
          throw failAt('Need a field or field-like value on the LHS.', arg.span.start, arg.span.end);
        }
        const O = this.operand(arg, want);
        const f = O.type.family;
        if (f !== 'int' && f !== 'float' && f !== 'reltime')
          throw failAt(`${O.type.ft} cannot -.`, O.span.start, O.span.end);
        const abs = (x: RV): RV | null => {
          const n = num(x);
          if (n === null) return null;
          return n < 0 ? -n : n;
        };
        return this.derived(O.type, O, abs, v.span, name);
      }
      default:
        return this.extreme(v, v.name === 'max' ? 1 : -1, name);
    }
  }

  private isConstant(v: Value): boolean {
    switch (v.kind) {
      case 'word':
        return v.prefix === ':' || (v.prefix === '' && !v.layer && !this.resolve(v.value));
      case 'string':
      case 'charconst':
        return true;
      case 'unary':
        return this.isConstant(v.operand);
      case 'arith':
        return this.isConstant(v.left) && this.isConstant(v.right);
      default:
        return false;
    }
  }

  /** max() and min(): one value, the extreme of every value of every argument. */
  private extreme(v: Extract<Value, { kind: 'call' }>, sign: 1 | -1, name: string): Operand {
    const notValid = (a: Value): FilterFault =>
      failAt(`Argument '${this.textOf(a)}' is not valid for ${v.name}()`, a.span.start, a.span.end);
    const [first, ...rest] = v.args as [Value, ...Value[]];
    if (this.isConstant(first)) throw notValid(first);
    const F = this.operand(first, null);
    if (F.type.family === 'none' || F.type.family === 'protocol') throw notValid(first);
    const others = rest.map((a) => {
      if (a.kind === 'string' || a.kind === 'charconst') throw notValid(a);
      const O = this.operand(a, F.type);
      if (O.constant === null && O.type.ft !== F.type.ft) {
        throw failAt(
          `Arguments to '${v.name}' must have the same type (expected ${F.type.ft}, got ${O.type.ft})`,
          a.span.start,
          a.span.end,
        );
      }
      return O;
    });
    const all = [F, ...others];
    const { cmp } = this.comparator(F, F);
    const get: Getter = (fc, frame) => {
      let best: RV | undefined;
      for (const o of all) {
        for (const x of o.get(fc, frame)) if (best === undefined || cmp(x, best) * sign > 0) best = x;
      }
      return best === undefined ? NONE : [best];
    };
    return { type: F.type, get, constant: null, span: v.span, name };
  }

  // ---- literals ---------------------------------------------------------------------------

  /** Parses a literal as a value of type `t` (fvalue_from_literal / _from_string / charconst). */
  private convert(t: VType, l: Lit): RV {
    const fail = (message: string): FilterFault => failAt(message, l.span.start, l.span.end);
    const fromString = (): FilterFault =>
      fail(`${t.pretty} cannot be converted from a string ("${l.value}").`);
    const fromChar = (): FilterFault =>
      fail(
        `Character constant ${l.text} (0x${l.num.toString(16).padStart(2, '0')}) cannot be converted to ${t.pretty}.`,
      );
    const abbrev = t.def?.abbrev ?? '';
    switch (t.family) {
      case 'int': {
        if (l.kind === 'charconst') return l.num;
        if (l.kind === 'word') {
          const n = parseInteger(l.value);
          if (n !== null) {
            // strtoull / strtoll range first (ERANGE), then the field's own width.
            if (n > (t.declSigned ? 2n ** 63n - 1n : 2n ** 64n - 1n)) {
              throw fail(`"${l.text}" causes an integer overflow.`);
            }
            const max = intMax(t);
            if (n > max) throw fail(`"${l.text}" too big for this field, maximum ${max}.`);
            return toNumber(n);
          }
        }
        const strings = t.def?.strings;
        if (strings) {
          const want = l.value.toLowerCase();
          for (const [value, label] of strings) if (label.toLowerCase() === want) return value;
          throw fail(`"${l.value}" cannot be found among the possible values for ${abbrev}.`);
        }
        if (l.kind === 'string') throw fromString();
        throw fail(`"${l.text}" is not a valid number.`);
      }
      case 'bool': {
        if (l.kind === 'charconst') return l.num !== 0 ? 1 : 0;
        if (l.kind === 'word') {
          if (l.value === 'True' || l.value === 'TRUE') return 1;
          if (l.value === 'False' || l.value === 'FALSE') return 0;
          const n = parseInteger(l.value);
          if (n !== null) return n !== 0n ? 1 : 0;
        }
        const [yes, no] = t.def?.tf ?? ['Set', 'Not set'];
        const want = l.value.toLowerCase();
        if (want === yes.toLowerCase()) return 1;
        if (want === no.toLowerCase()) return 0;
        throw fail(`"${l.value}" cannot be found among the possible values for ${abbrev}.`);
      }
      case 'float': {
        if (l.kind === 'charconst') return l.num;
        if (l.kind === 'string') throw fromString();
        const x = parseFloatLiteral(l.value);
        if (x === null) throw fail(`"${l.text}" is not a valid floating-point number.`);
        return x;
      }
      case 'ipv4': {
        if (l.kind === 'charconst') throw fromChar();
        if (l.kind === 'string') throw fromString();
        const r = parseIPv4(l.value);
        if (r === 'invalid') throw fail(`"${l.text}" is not a valid hostname or IPv4 address.`);
        if ('badBits' in r)
          throw fail(`Netmask bits in a CIDR IPv4 address should be <= 32, not ${r.badBits}`);
        return r.bits === 32 ? r.addr : (r satisfies IPv4Net);
      }
      case 'ipv6': {
        if (l.kind === 'charconst') throw fromChar();
        if (l.kind === 'string') throw fromString();
        const r = parseIPv6(l.value);
        if (r === 'invalid') throw fail(`"${l.text}" is not a valid hostname or IPv6 address.`);
        if ('badPrefix' in r) throw fail(`Prefix in a IPv6 address should be <= 128, not ${r.badPrefix}`);
        return r.prefix === 128 ? r.bytes : (r satisfies IPv6Net);
      }
      case 'ether': {
        if (l.kind === 'charconst') throw fromChar();
        if (l.kind === 'string') throw fromString();
        const b = hexStrToBytes(l.value.replace(/^:/, ''));
        if (b === null) throw fail(`"${l.text}" is not a valid Ethernet address.`);
        if (b.length < 6) throw fail(`"${l.text}" contains too few bytes to be a valid Ethernet address.`);
        if (b.length > 6) throw fail(`"${l.text}" contains too many bytes to be a valid Ethernet address.`);
        return b;
      }
      case 'bytes':
      case 'protocol': {
        if (l.kind === 'charconst') return Uint8Array.of(l.num);
        if (l.kind === 'string') {
          // Only an Ethernet left side (in `contains`) refuses strings.
          if (t.ft === 'FT_ETHER') throw fromString();
          return l.bytes;
        }
        let s = l.value.replace(/^:/, '');
        if (s.length === 4 && /^0[xX]/.test(s)) s = s.slice(2);
        const b = hexStrToBytes(s);
        if (b === null) throw fail(`"${s}" is not a valid byte string.`);
        return b;
      }
      case 'string':
        if (l.kind === 'charconst') return String.fromCharCode(l.num);
        return l.value;
      case 'abstime': {
        if (l.kind === 'charconst') throw fromChar();
        const r = parseAbsTime(l.value);
        if (r === null) {
          throw fail(
            `"${l.value}" is not a valid absolute time. Example: "Nov 12, 1999 08:55:44.123" or "2011-07-04 12:34:56"`,
          );
        }
        return r;
      }
      case 'reltime': {
        if (l.kind === 'charconst') throw fromChar();
        if (l.kind === 'string') throw fromString();
        const r = parseRelTime(l.value);
        if (r === null) throw fail(`"${l.text}" is not a valid time.`);
        return r;
      }
      case 'none':
        throw fail(`${l.text} cannot be compared with a ${t.pretty}.`);
    }
  }
}

/**
 * Absolute times hold the text tshark shows (`Jan  1, 2020 00:00:00.000000000 UTC`); they compare
 * as epoch seconds, the form literals are read into. An NTP timestamp of zero shows as `NULL`.
 */
function asEpochSeconds(inner: Getter): Getter {
  return (fc, frame) =>
    inner(fc, frame).map((v) =>
      typeof v !== 'string' ? v : v === 'NULL' ? '0.000000000' : (parseAbsTime(v) ?? v),
    );
}

/** The byte-string type a `contains` right side takes for a byte-backed left side. */
function T_BYTES_FOR(t: VType): VType {
  return t.family === 'ether'
    ? { ...T_SLICE, slice: false, ft: 'FT_ETHER', pretty: t.pretty }
    : { ...T_SLICE, slice: false };
}

/** string(): the field's value as Wireshark writes it in a filter; null for types it refuses. */
function stringOf(t: VType): ((v: RV) => RV | null) | null {
  switch (t.family) {
    case 'int':
    case 'float':
      return (v) => (typeof v === 'number' || typeof v === 'bigint' ? String(v) : null);
    case 'ipv4':
      return (v) => (typeof v === 'number' ? formatIPv4(v) : null);
    case 'ipv6':
      return (v) => (v instanceof Uint8Array && v.length >= 16 ? formatIPv6(v, 0) : null);
    case 'ether':
      return (v) => (v instanceof Uint8Array && v.length >= 6 ? formatMac(v, 0) : null);
    default:
      return null;
  }
}

/** Applies slice ranges to bytes; null when any range falls outside them. */
function sliceBytes(b: Uint8Array, ranges: readonly RangeNode[]): Uint8Array | null {
  const len = b.length;
  const parts: Uint8Array[] = [];
  for (const r of ranges) {
    const start = r.start < 0 ? r.start + len : r.start;
    if (start < 0) return null;
    let end: number;
    if (r.end !== null) {
      end = (r.end < 0 ? r.end + len : r.end) + 1;
    } else if (r.length !== null) {
      end = start + r.length;
    } else {
      end = len;
    }
    if (end > len || end <= start) return null;
    parts.push(b.subarray(start, end));
  }
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The first operand of an arithmetic expression, as written. */
function leftmost(v: Value): Value {
  if (v.kind === 'unary') return leftmost(v.operand);
  if (v.kind === 'arith') return leftmost(v.left);
  return v;
}

/**
 * The bytes of each occurrence of a protocol: its own length (slices, `len`, comparisons), or to
 * the end of its data source (`whole`, for searches).
 */
function protocolBytes(id: number, whole: boolean): Getter {
  return (fc) => {
    const spans = fc.protocolSpans(id);
    if (spans.length === 0) return fc.get(id).length ? [EMPTY] : NONE;
    return spans.map(({ bytes, length }) =>
      whole || length < 0 || length >= bytes.length ? bytes : bytes.subarray(0, length),
    );
  };
}

/**
 * Integers of opposite signedness (a field against a negated value or a difference): 4.0 converts
 * the right value to the left's signedness, and the comparison fails, whatever the operator, when
 * it does not fit (a negative value for an unsigned left side, past the signed maximum for a
 * signed one); `ip.ttl == -0` still finds TTL 0.
 */
function mixedSignCmp(leftSigned: boolean, bits: number): Cmp {
  const max = bits > 32 ? 2n ** 63n - 1n : 0x7fffffff;
  return (a, b) => {
    if (typeof b !== 'number' && typeof b !== 'bigint') return NaN;
    if (leftSigned ? b > max : b < 0) return NaN;
    return cmpNumber(a, b);
  };
}

/**
 * One arithmetic operator over two values of type `t`. Integers are exact; an unsigned result past
 * the type's width, and a division by zero, give no value (Wireshark drops it too).
 */
function arithmetic(op: '+' | '-' | '*' | '/' | '%' | '&', t: VType): (a: RV, b: RV) => RV | null {
  if (op === '&' && t.family !== 'int') {
    if (t.family === 'ipv4') {
      return (a, b) => {
        const x =
          typeof a === 'number' ? a : typeof a === 'object' && a !== null && 'mask' in a ? a.addr : null;
        const y =
          typeof b === 'number' ? b : typeof b === 'object' && b !== null && 'mask' in b ? b.addr : null;
        return x === null || y === null ? null : (x & y) >>> 0;
      };
    }
    return (a, b) => {
      const x = toBytes(a);
      const y = toBytes(b);
      if (x === null || y === null || x.length !== y.length) return null;
      const out = new Uint8Array(x.length);
      for (let i = 0; i < x.length; i++) out[i] = (x[i] as number) & (y[i] as number);
      return out;
    };
  }
  if (t.family !== 'int') {
    // Floating point and relative times.
    return (a, b) => {
      const x = Number(num(a));
      const y = Number(num(b));
      switch (op) {
        case '+':
          return x + y;
        case '-':
          return x - y;
        case '*':
          return x * y;
        case '/':
          return x / y;
        default:
          return x % y;
      }
    };
  }
  const limit = 1n << BigInt(t.bits > 32 ? 64 : 32);
  const unsigned = !t.signed;
  return (a, b) => {
    const x = num(a);
    const y = num(b);
    if (x === null || y === null) return null;
    if (typeof x === 'number' && typeof y === 'number' && t.bits <= 32) {
      let r: number;
      switch (op) {
        case '+':
          r = x + y;
          break;
        case '-':
          r = x - y;
          break;
        case '*':
          r = x * y;
          break;
        case '/':
          if (y === 0) return null;
          r = Math.trunc(x / y);
          break;
        case '%':
          if (y === 0) return null;
          r = x % y;
          break;
        default:
          r = unsigned ? (x & y) >>> 0 : x & y;
      }
      if (unsigned && (r < 0 || r > 0xffffffff)) return null;
      return r;
    }
    const X = BigInt(x);
    const Y = BigInt(y);
    let r: bigint;
    switch (op) {
      case '+':
        r = X + Y;
        break;
      case '-':
        r = X - Y;
        break;
      case '*':
        r = X * Y;
        break;
      case '/':
        if (Y === 0n) return null;
        r = X / Y;
        break;
      case '%':
        if (Y === 0n) return null;
        r = X % Y;
        break;
      default:
        r = X & Y;
    }
    if (unsigned && (r < 0n || r >= limit)) return null;
    return toNumber(r);
  };
}
