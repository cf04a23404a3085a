// Which protocols a packet must contain for a filter to possibly match: what lets the engine skip
// packets by the protocol stack it recorded while indexing, without dissecting them again.
// A field `tcp.flags.syn` can only have a value in a packet whose layers include `tcp`; a test that
// is true when its field is absent (`!=`, `not`, `not in`, `count(x) == 0`) requires nothing.
import { FieldType, type FieldDef } from '../dissect/field.ts';
import type { Expr, Value } from './parser.ts';

type Resolve = (name: string) => FieldDef | undefined;

const NONE: ReadonlySet<string> = new Set();

/** The layer (`pinfo.layers` name) a field's values come with: the first part of its name. */
function layerOf(def: FieldDef, resolve: Resolve): string | null {
  const dot = def.abbrev.indexOf('.');
  const head = dot < 0 ? def.abbrev : def.abbrev.slice(0, dot);
  const proto = resolve(head);
  return proto && proto.type === FieldType.Protocol && !head.startsWith('_') ? head : null;
}

/** Layers a value needs to be non-empty. */
function valueNeeds(v: Value, resolve: Resolve): ReadonlySet<string> {
  switch (v.kind) {
    case 'word': {
      if (v.prefix === ':') return NONE;
      const def = resolve(v.value);
      const layer = def ? layerOf(def, resolve) : null;
      return layer ? new Set([layer]) : NONE;
    }
    case 'slice':
      return valueNeeds(v.base, resolve);
    case 'unary':
      return valueNeeds(v.operand, resolve);
    case 'arith':
      return union(valueNeeds(v.left, resolve), valueNeeds(v.right, resolve));
    case 'call':
      // count() of nothing is 0, a value; the others of nothing are nothing.
      if (v.name === 'count' || v.args.length !== 1) return NONE;
      return valueNeeds(v.args[0] as Value, resolve);
    default:
      return NONE;
  }
}

function union(a: ReadonlySet<string>, b: ReadonlySet<string>): ReadonlySet<string> {
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  return new Set([...a, ...b]);
}

function intersection(a: ReadonlySet<string>, b: ReadonlySet<string>): ReadonlySet<string> {
  return new Set([...a].filter((x) => b.has(x)));
}

/** Layers every packet `e` matches must contain (none known: empty). */
export function requiredLayers(e: Expr, resolve: Resolve): ReadonlySet<string> {
  switch (e.kind) {
    case 'and':
      return union(requiredLayers(e.left, resolve), requiredLayers(e.right, resolve));
    case 'or':
      return intersection(requiredLayers(e.left, resolve), requiredLayers(e.right, resolve));
    case 'not':
      return NONE;
    case 'exists':
      return valueNeeds(e.value, resolve);
    case 'compare':
      // "none equals" is true when there is nothing to compare.
      if (e.op === 'all_ne') return NONE;
      return union(valueNeeds(e.left, resolve), valueNeeds(e.right, resolve));
    case 'in':
      return e.negated ? NONE : valueNeeds(e.left, resolve);
  }
}
