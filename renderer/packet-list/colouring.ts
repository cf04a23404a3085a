// Wireshark's default colouring rules, over the hint bits the dissectors set (Row.hints).
// The rules live in assets/colouring-rules.json; the first matching rule colours the row.
import { Hint } from '../../app/dissect/packet-info.ts';
import rulesJson from '../../assets/colouring-rules.json';

/** Set by the engine when a layer was malformed (session.ts). */
export const MALFORMED_HINT = 0x8000;

const HINT_BITS: Record<string, number> = {
  TcpSyn: Hint.TcpSyn,
  TcpFin: Hint.TcpFin,
  TcpRst: Hint.TcpRst,
  IcmpError: Hint.IcmpError,
  BadChecksum: Hint.BadChecksum,
  Arp: Hint.Arp,
  Dns: Hint.Dns,
  Http: Hint.Http,
  Icmp: Hint.Icmp,
  Udp: Hint.Udp,
  Tcp: Hint.Tcp,
  Malformed: MALFORMED_HINT,
};

export interface ColouringRule {
  name: string;
  /** The Wireshark filter the rule stands for (shown, not evaluated). */
  filter: string;
  /** The row matches when any of these hint bits is set. */
  mask: number;
  foreground: string;
  background: string;
}

interface RuleJson {
  name: string;
  filter: string;
  anyHint: string[];
  foreground: string;
  background: string;
  disabled?: boolean;
}

export function parseRules(json: readonly RuleJson[]): ColouringRule[] {
  return json
    .filter((r) => !r.disabled)
    .map((r) => ({
      name: r.name,
      filter: r.filter,
      mask: r.anyHint.reduce((m, h) => {
        const bit = HINT_BITS[h];
        if (bit === undefined) throw new Error(`Colouring rule ${r.name}: unknown hint ${h}`);
        return m | bit;
      }, 0),
      foreground: r.foreground,
      background: r.background,
    }));
}

export const DEFAULT_RULES: readonly ColouringRule[] = parseRules(rulesJson.rules);

export function ruleFor(
  hints: number,
  rules: readonly ColouringRule[] = DEFAULT_RULES,
): ColouringRule | null {
  for (const r of rules) if (hints & r.mask) return r;
  return null;
}
