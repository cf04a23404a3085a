// Expressions that compile but may not mean what they say: Wireshark's yellow filter bar. Besides
// the deprecated spellings the compiler reports, `!=` on a field that occurs twice in most packets
// (`ip.addr`, `tcp.port`: source and destination) surprises users of Wireshark before 4.0, where it
// meant "some occurrence differs"; since 4.0 it means "no occurrence equals".
import type { Registry } from '../dissect/registry.ts';
import { parse } from './parser.ts';

/** The yellow bar's text for `expression`, or null when there is nothing to warn about. */
export function filterWarning(expression: string, registry: Registry, deprecated?: string): string | null {
  const notes: string[] = deprecated ? [deprecated] : [];
  const parsed = parse(expression);
  if (parsed.ok) {
    const tokens = parsed.tokens;
    for (let i = 1; i < tokens.length; i++) {
      const t = tokens[i];
      const field = tokens[i - 1];
      if (t?.kind !== 'op' || (t.text !== '!=' && t.text !== 'ne') || field?.kind !== 'word') continue;
      const def = registry.field(field.text);
      if (!def?.hidden || !/\.(addr|port|host)$/.test(def.abbrev)) continue;
      notes.push(
        `"${field.text} ${t.text} …" is true only when no ${field.text} in the packet equals the value; ` +
          `"${field.text} !== …" is true when any differs.`,
      );
    }
  }
  return notes.length > 0 ? notes.join(' ') : null;
}
