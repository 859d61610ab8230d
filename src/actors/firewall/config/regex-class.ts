import type { CiscoConfig, RegexClass } from './model.js';
import { INVALID, type ParamError } from './params.js';
import { compileAsaRegex, restOfLine } from './regex.js';
import type { Token } from './tokens.js';

const NAME = /^[A-Za-z0-9_.-]{1,40}$/;

/** The regex criteria of a `match` line: the name as written; `patterns`/`all` once resolved. */
type RegexCriterion = { regex: string; patterns?: string[]; all?: boolean; class?: string };

/**
 * `[no] class-map type regex match-any|match-all NAME` (global mode). Returns the class to enter
 * (undefined after `no`) or the error. `match-all` (every regex must match) is INFERRED: the
 * guide documents `match-any`.
 */
export function regexClassCommand(config: CiscoConfig, neg: boolean, w: Token[], endCol: number, line: number): { cls?: RegexClass } | ParamError {
  const how = w[3]?.text.toLowerCase();
  const usage = 'expected `class-map type regex match-any NAME`';
  if (how !== 'match-any' && how !== 'match-all') return { col: w[3]?.col ?? endCol, message: INVALID, hint: usage };
  if (!w[4]) return { col: endCol, message: INVALID, hint: usage };
  if (!NAME.test(w[4].text)) return { col: w[4].col, message: INVALID, hint: 'a class name is up to 40 letters, digits, `_`, `-`, `.`' };
  if (w[5]) return { col: w[5].col, message: INVALID, hint: 'nothing may follow here' };
  const name = w[4].text;
  if (neg) {
    config.regexClasses.delete(name);
    return {};
  }
  let cls = config.regexClasses.get(name);
  if (!cls) config.regexClasses.set(name, (cls = { name, all: how === 'match-all', regexes: [], line }));
  cls.all = how === 'match-all';
  return { cls };
}

/** A line inside `class-map type regex`: `[no] match regex NAME`, `description …`. undefined: not one. */
export function regexClassLine(config: CiscoConfig, cls: RegexClass, neg: boolean, w: Token[], endCol: number): true | ParamError | undefined {
  const kw = w[0].text.toLowerCase();
  if (kw === 'description') return true;
  if (kw !== 'match') return undefined;
  if (w[1]?.text.toLowerCase() !== 'regex') return { col: w[1]?.col ?? endCol, message: INVALID, hint: 'a regex class takes `match regex NAME`' };
  const r = w[2];
  if (!r) return { col: endCol, message: INVALID, hint: 'expected `match regex NAME`' };
  if (w[3]) return { col: w[3].col, message: INVALID, hint: 'nothing may follow here' };
  if (neg) {
    cls.regexes = cls.regexes.filter((n) => n !== r.text);
    return true;
  }
  if (!config.regexes.has(r.text)) return { col: r.col, message: `ERROR: regex ${r.text} not present`, hint: `define it first: regex ${r.text} "pattern"` };
  if (!cls.regexes.includes(r.text)) cls.regexes.push(r.text);
  return true;
}

/**
 * The regex of a `match [not] … regex` criterion: `NAME` (defined with `regex NAME PATTERN`),
 * `class NAME` (a `class-map type regex`, resolved by `resolveRegexClasses` once the config is
 * read), or, an mxlab extension, a quoted inline pattern. `toks`: the words after `regex`.
 */
export function regexOperand(config: CiscoConfig, c: RegexCriterion, toks: Token[], raw: string, endCol: number): ParamError | undefined {
  const tok = toks[0];
  if (tok.text.toLowerCase() === 'class') {
    const name = toks[1];
    if (!name) return { col: endCol, message: INVALID, hint: 'expected `class NAME` (a class-map type regex)' };
    if (toks[2]) return { col: toks[2].col, message: INVALID, hint: 'nothing may follow here' };
    if (!config.regexClasses.has(name.text)) return { col: name.col, message: `ERROR: class-map ${name.text} not found`, hint: `define it first: class-map type regex match-any ${name.text}` };
    c.regex = `class ${name.text}`;
    c.class = name.text;
    return undefined;
  }
  if (tok.text.startsWith('"')) {
    const q = restOfLine(raw, tok);
    if (!q.quoted) return { col: tok.col, message: INVALID, hint: 'an inline pattern is one quoted string: "pattern"' };
    const r = compileAsaRegex(q.text, tok.col + 1);
    if (!r.ok) return { col: r.col, message: r.message };
    c.regex = `"${q.text}"`;
    c.patterns = [q.text];
    return undefined;
  }
  if (toks[1]) return { col: toks[1].col, message: INVALID, hint: 'expected one regex name, `class NAME`, or a quoted pattern' };
  const pattern = config.regexes.get(tok.text);
  if (pattern === undefined) return { col: tok.col, message: `ERROR: regex ${tok.text} not present`, hint: `define it first: regex ${tok.text} "pattern" (or quote an inline pattern)` };
  c.patterns = [pattern];
  return undefined;
}

/** Fills in the patterns of `match … regex class NAME` criteria from the classes as the whole config left them. */
export function resolveRegexClasses(config: CiscoConfig): void {
  for (const map of config.maps.values()) {
    for (const m of map.matches) {
      const c = m.criterion;
      if ((c.kind !== 'sender-address-regex' && c.kind !== 'mime-filetype-regex') || c.class === undefined) continue;
      const cls = config.regexClasses.get(c.class);
      c.patterns = (cls?.regexes ?? []).map((n) => config.regexes.get(n)).filter((p): p is string => p !== undefined);
      c.all = cls?.all ?? false;
    }
  }
}
