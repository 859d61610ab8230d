import type { Token } from './tokens.js';

/** The ASA accepts regular expressions of up to 100 characters. */
export const REGEX_MAX = 100;

export type RegexResult = { ok: true; pattern: string; regex: RegExp } | { ok: false; col: number; message: string };

/**
 * An ASA regular expression as a JS RegExp. The ASA's metacharacters (`.` `[]` `[^]` `|` `?`
 * `*` `+` `{n}` `{n,}` `^` `\` escapes, `\xHH`) mean the same in JS; matching is case-sensitive
 * and unanchored, as on the device (write `[Ee]xample` for either case).
 */
export function compileAsaRegex(pattern: string, col: number): RegexResult {
  if (!pattern) return { ok: false, col, message: 'ERROR: empty regular expression' };
  if (pattern.length > REGEX_MAX) return { ok: false, col: col + REGEX_MAX, message: `ERROR: regular expression longer than ${REGEX_MAX} characters` };
  try {
    return { ok: true, pattern, regex: new RegExp(pattern) };
  } catch (err) {
    return { ok: false, col, message: `ERROR: invalid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}` };
  }
}

/** The text of a line from `tok` to its end, one pair of surrounding double quotes removed. */
export function restOfLine(raw: string, tok: Token): { text: string; quoted: boolean } {
  const text = raw.slice(tok.col - 1).trimEnd();
  const quoted = text.length >= 2 && text.startsWith('"') && text.endsWith('"');
  return { text: quoted ? text.slice(1, -1) : text, quoted };
}

/**
 * `regex NAME PATTERN` (global mode, 7.2+): the pattern is the rest of the line, quotes optional.
 * Returns the definition or the column and message of the error.
 */
export function regexCommand(raw: string, w: Token[], endCol: number): { ok: true; name: string; regex: RegexResult & { ok: true } } | { ok: false; col: number; message: string; hint?: string } {
  if (!w[1]) return { ok: false, col: endCol, message: "% Invalid input detected at '^' marker.", hint: 'expected `regex NAME "pattern"`' };
  if (!/^[A-Za-z0-9_.-]{1,40}$/.test(w[1].text)) return { ok: false, col: w[1].col, message: "% Invalid input detected at '^' marker.", hint: 'a regex name is up to 40 letters, digits, `_`, `-`, `.`' };
  if (!w[2]) return { ok: false, col: endCol, message: "% Invalid input detected at '^' marker.", hint: `expected a pattern: regex ${w[1].text} "pattern"` };
  const r = compileAsaRegex(restOfLine(raw, w[2]).text, w[2].col);
  if (!r.ok) return r;
  return { ok: true, name: w[1].text, regex: r };
}

/**
 * The test of a `regex` or a regex class (`class-map type regex`): any pattern matches
 * (`match-any`, and a single regex), or with `all` (`match-all`) every one does.
 */
export function regexTest(patterns: readonly string[], all = false): (s: string) => boolean {
  const res = patterns.map((p) => new RegExp(p));
  return all ? (s) => res.every((r) => r.test(s)) : (s) => res.some((r) => r.test(s));
}
