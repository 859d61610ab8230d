import type { Criterion } from './model.js';
import type { Token } from './tokens.js';

/** Pattern words: a literal (case-insensitive), `#` a number, `+` one or more words, `1` exactly one word. */
interface Form {
  words: string[];
  build(args: string[]): Criterion;
}

const n = (s: string) => Number(s);

/** `match …` criteria of `policy-map type inspect esmtp`. [ASA9FW] CONFIRMED list. */
export const CRITERIA: Form[] = [
  { words: ['cmd', 'line', 'length', 'gt', '#'], build: (a) => ({ kind: 'cmd-line-length', gt: n(a[0]) }) },
  { words: ['cmd', 'RCPT', 'count', 'gt', '#'], build: (a) => ({ kind: 'cmd-rcpt-count', gt: n(a[0]) }) },
  { words: ['cmd', 'verb', '+'], build: (a) => ({ kind: 'cmd-verb', verbs: a.map((v) => v.toUpperCase()) }) },
  { words: ['body', 'line', 'length', 'gt', '#'], build: (a) => ({ kind: 'body-line-length', gt: n(a[0]) }) },
  { words: ['body', 'length', 'gt', '#'], build: (a) => ({ kind: 'body-length', gt: n(a[0]) }) },
  { words: ['header', 'line', 'length', 'gt', '#'], build: (a) => ({ kind: 'header-line-length', gt: n(a[0]) }) },
  { words: ['header', 'length', 'gt', '#'], build: (a) => ({ kind: 'header-length', gt: n(a[0]) }) },
  { words: ['header', 'to-fields', 'count', 'gt', '#'], build: (a) => ({ kind: 'header-to-fields-count', gt: n(a[0]) }) },
  { words: ['invalid-recipients', 'count', 'gt', '#'], build: (a) => ({ kind: 'invalid-recipients-count', gt: n(a[0]) }) },
  { words: ['mime', 'filetype', 'regex', '+'], build: (a) => ({ kind: 'mime-filetype-regex', regex: a.join(' ') }) },
  { words: ['mime', 'filename', 'length', 'gt', '#'], build: (a) => ({ kind: 'mime-filename-length', gt: n(a[0]) }) },
  { words: ['mime', 'encoding', '+'], build: (a) => ({ kind: 'mime-encoding', encodings: a.map((e) => e.toLowerCase()) }) },
  { words: ['sender-address', 'regex', '+'], build: (a) => ({ kind: 'sender-address-regex', regex: a.join(' ') }) },
  { words: ['sender-address', 'length', 'gt', '#'], build: (a) => ({ kind: 'sender-address-length', gt: n(a[0]) }) },
  { words: ['ehlo-reply-parameter', '+'], build: (a) => ({ kind: 'ehlo-reply-parameter', params: a.map((p) => p.toLowerCase()) }) },
];

export type CriterionResult = { ok: true; criterion: Criterion } | { ok: false; col: number; expected: string[] };

/** Parses the words after `match [not]`; on failure gives the column of the first word that fits no form. */
export function parseCriterion(toks: Token[], endCol: number): CriterionResult {
  let bestDepth = -1;
  let expected = new Set<string>();
  for (const f of CRITERIA) {
    const args: string[] = [];
    let i = 0;
    let ok = true;
    for (const w of f.words) {
      const t = toks[i];
      if (w === '+') {
        if (!t) ok = false;
        else for (; i < toks.length; i++) args.push(toks[i].text);
      } else if (!t) ok = false;
      else if (w === '#') {
        if (/^\d{1,9}$/.test(t.text)) args.push(t.text);
        else ok = false;
      } else if (w === '1') args.push(t.text);
      else if (w.toLowerCase() !== t.text.toLowerCase()) ok = false;
      if (!ok) {
        if (i > bestDepth) {
          bestDepth = i;
          expected = new Set();
        }
        if (i === bestDepth) expected.add(w === '#' ? '<number>' : w === '+' || w === '1' ? '<word>' : w);
        break;
      }
      if (w !== '+') i++;
    }
    if (ok && i === toks.length) return { ok: true, criterion: f.build(args) };
    if (ok && i < toks.length && i > bestDepth) {
      bestDepth = i;
      expected = new Set(['<end of line>']);
    }
  }
  const col = toks[bestDepth]?.col ?? endCol;
  return { ok: false, col, expected: [...expected] };
}
