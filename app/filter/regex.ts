// `matches` takes a PCRE2 pattern, case-insensitive by default (Wireshark 4.0). JavaScript's RegExp
// is close; this maps what differs: leading option settings such as `(?i)`, `(?-i)`, `(?s)`,
// `(?m)`, `(?x)` become flags, `\A \z \Z` and PCRE's `$` become lookarounds, POSIX classes
// (`[[:alpha:]]`), `\h`, `\Q…\E`, atomic groups, possessive quantifiers, `(?#…)` comments and
// Python-style named groups are rewritten. What stays untranslatable fails to compile, with
// JavaScript's reason.

const POSIX: Readonly<Record<string, string>> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: '0-9A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\t\\n\\v\\f\\r ',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~',
  graph: '!-~',
  ascii: '\\x00-\\x7f',
};

const END = '(?![\\s\\S])';

export type RegexResult = { ok: true; regex: RegExp } | { ok: false; message: string };

export function compileRegex(pattern: string): RegexResult {
  let caseless = true;
  let dotall = false;
  let multiline = false;
  let extended = false;
  let src = pattern;
  // Leading option settings apply to the whole pattern.
  for (;;) {
    const m = /^\(\?([imsxnJU]*)(?:-([imsxnJU]*))?\)/.exec(src);
    if (!m || m[0] === '(?)') break;
    for (const c of m[1] ?? '') {
      if (c === 'i') caseless = true;
      if (c === 's') dotall = true;
      if (c === 'm') multiline = true;
      if (c === 'x') extended = true;
    }
    for (const c of m[2] ?? '') {
      if (c === 'i') caseless = false;
      if (c === 's') dotall = false;
      if (c === 'm') multiline = false;
      if (c === 'x') extended = false;
    }
    src = src.slice(m[0].length);
  }
  let out: string;
  try {
    out = translate(src, multiline, extended);
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  const flags = (caseless ? 'i' : '') + (dotall ? 's' : '') + (multiline ? 'm' : '');
  try {
    return { ok: true, regex: new RegExp(out, flags) };
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    // "Invalid regular expression: /(/i: Unterminated group" → "Unterminated group"
    const reason = text.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    return { ok: false, message: PCRE2_WORDS[reason] ?? reason.charAt(0).toLowerCase() + reason.slice(1) };
  }
}

/** V8's reasons for the faults PCRE2 also finds, in PCRE2's words (what tshark prints). */
const PCRE2_WORDS: Readonly<Record<string, string>> = {
  'Unterminated group': 'missing closing parenthesis',
  "Unmatched ')'": 'unmatched closing parenthesis',
  'Nothing to repeat': 'quantifier does not follow a repeatable item',
  'Unterminated character class': 'missing terminating ] for character class',
  'Duplicate capture group name': 'two named subpatterns have the same name (PCRE2_DUPNAMES not set)',
  'Range out of order in character class': 'range out of order in character class',
  'Invalid group': 'unrecognized character after (? or (?-',
  'Invalid capture group name': 'subpattern name expected',
  'Invalid named capture referenced': 'reference to non-existent subpattern',
  'Lone quantifier brackets': 'quantifier does not follow a repeatable item',
};

function translate(src: string, multiline: boolean, extended: boolean): string {
  let out = '';
  let i = 0;
  let inClass = false;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) throw new Error('\\ at end of pattern');
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = src.slice(i + 2, end < 0 ? src.length : end);
        out += lit.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 2;
        continue;
      }
      if (n === 'E') {
        i += 2;
        continue;
      }
      if (!inClass && n === 'A') {
        out += '(?<![\\s\\S])';
        i += 2;
        continue;
      }
      if (!inClass && n === 'z') {
        out += END;
        i += 2;
        continue;
      }
      if (!inClass && n === 'Z') {
        out += `(?=\\n?${END})`;
        i += 2;
        continue;
      }
      if (n === 'h') {
        out += inClass ? ' \\t' : '[ \\t]';
        i += 2;
        continue;
      }
      if (n === 'x' && src[i + 2] === '{') {
        const close = src.indexOf('}', i + 3);
        const hex = close < 0 ? '' : src.slice(i + 3, close);
        if (!/^[0-9A-Fa-f]{1,4}$/.test(hex))
          throw new Error('character code point value in \\x{} is invalid');
        out += '\\u' + hex.padStart(4, '0');
        i = close + 1;
        continue;
      }
      const named = src[i + 2];
      if (n === 'k' && named !== '{' && named !== '<' && named !== "'") {
        throw new Error('\\k is not followed by a braced, angle-bracketed, or quoted name');
      }
      out += c + n;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const close = src.indexOf(':]', i + 2);
        const name = close < 0 ? '' : src.slice(i + 2, close);
        const negated = name.startsWith('^');
        const cls = POSIX[negated ? name.slice(1) : name];
        if (cls === undefined) throw new Error('unknown POSIX class name');
        if (negated) throw new Error('negated POSIX classes are not supported');
        out += cls;
        i = close + 2;
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      i++;
      continue;
    }
    if (extended && /\s/.test(c)) {
      i++;
      continue;
    }
    if (extended && c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i++;
      // A `]` first in the class is a literal, as in PCRE.
      if (src[i] === '^') {
        out += '^';
        i++;
      }
      if (src[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      if (src[i + 2] === '#') {
        const close = src.indexOf(')', i);
        i = close < 0 ? src.length : close + 1;
        continue;
      }
      if (src[i + 2] === '>') {
        out += '(?:';
        i += 3;
        continue;
      }
      if (src[i + 2] === 'P' && src[i + 3] === '<') {
        out += '(?<';
        i += 4;
        continue;
      }
      if (src[i + 2] === 'P' && src[i + 3] === '=') {
        const close = src.indexOf(')', i);
        out += `\\k<${src.slice(i + 4, close)}>`;
        i = close + 1;
        continue;
      }
    }
    if (c === '$' && !multiline) {
      // PCRE's `$` also matches before a final newline.
      out += `(?=\\n?${END})`;
      i++;
      continue;
    }
    if ((c === '+' || c === '?' || c === '*' || c === '}') && src[i + 1] === '+') {
      // Possessive quantifiers: matched greedily (backtracking only makes them match more).
      out += c;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}
