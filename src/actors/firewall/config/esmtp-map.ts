import type { MatchAction } from '../engine/match-action.js';
import { parseCriterion } from './criteria.js';
import { defaultEsmtpMap, emptyEsmtpMap, type MatchLine } from './model.js';
import { paramLine } from './params.js';
import { regexOperand } from './regex-class.js';
import { colAt, extra, Fail, INVALID, kw, type Frame, type Handled, type Line, type ParseState } from './state.js';

/** The commands of the ESMTP map modes, for hints. */
export const ESMTP_COMMANDS = {
  'esmtp-map': ['parameters', 'match', 'description', 'exit'],
  'esmtp-params': ['mask-banner', 'allow-tls', 'mail-relay', 'special-character', 'exit'],
  'esmtp-match': ['drop-connection', 'reset', 'mask', 'log', 'rate-limit', 'exit'],
} as const;

const ACTIONS = ESMTP_COMMANDS['esmtp-match'].filter((a) => a !== 'exit');

/** `[no] policy-map type inspect esmtp NAME` (global mode, 7.2+), after `policy-map type inspect esmtp` was recognised. */
export function openEsmtpMap(st: ParseState, l: Line): Handled {
  const name = l.w[4];
  if (!name) return new Fail(l.endCol, INVALID, 'name the map: policy-map type inspect esmtp NAME');
  const more = extra(l, 5);
  if (more) return more;
  if (l.neg) {
    st.config.maps.delete(name.text);
    return true;
  }
  let map = st.config.maps.get(name.text);
  if (!map) st.config.maps.set(name.text, (map = name.text === '_default_esmtp_map' ? defaultEsmtpMap() : emptyEsmtpMap(name.text)));
  if (!map.line) map.line = l.line;
  map.source.push(l.line);
  return { mode: 'esmtp-map', indent: l.indent, owner: `esmtp-map:${name.text}`, map };
}

/** A line in `policy-map type inspect esmtp NAME`: `parameters`, `match …`, `description`, `exit`. */
export function esmtpMapLine(st: ParseState, f: Frame, l: Line): Handled {
  const map = f.map!;
  switch (kw(l, 0)) {
    case 'parameters':
      map.source.push(l.line);
      return extra(l, 1) ?? { mode: 'esmtp-params', indent: l.indent, owner: f.owner, map };
    case 'description':
      map.source.push(l.line);
      return true;
    case 'match':
      map.source.push(l.line);
      return matchLine(st, f, l);
    case 'exit':
      return true;
  }
  return undefined;
}

/** A line of `parameters`. */
export function esmtpParamsLine(st: ParseState, f: Frame, l: Line): Handled {
  if (kw(l, 0) === 'exit') return true;
  const r = paramLine(f.map!, l.neg, l.w, l.endCol, st.dialect);
  if (r === undefined) return undefined;
  f.map!.source.push(l.line);
  return r === true ? true : new Fail(r.col, r.message, r.hint);
}

function matchLine(st: ParseState, f: Frame, l: Line): Handled {
  const map = f.map!;
  const not = kw(l, 1) === 'not';
  const crit = l.w.slice(not ? 2 : 1);
  const sub = (match: MatchLine): Frame => ({ mode: 'esmtp-match', indent: l.indent, owner: f.owner, map, match });
  const r = parseCriterion(crit, l.endCol);
  if (!r.ok) {
    // keep reading its action lines (into a detached match) so one mistake gives one error
    st.errors.push({ line: l.line, col: r.col, message: INVALID, hint: `expected ${r.expected.join(' | ')}` });
    return sub({ criterion: { kind: 'ehlo-reply-parameter', params: [] }, not, actions: [], line: l.line, text: '' });
  }
  const c = r.criterion;
  if (c.kind === 'sender-address-regex' || c.kind === 'mime-filetype-regex') {
    const err = regexOperand(st.config, c, crit.slice(c.kind === 'mime-filetype-regex' ? 3 : 2), l.raw, l.endCol);
    if (err) {
      st.errors.push({ line: l.line, col: err.col, message: err.message, ...(err.hint ? { hint: err.hint } : {}) });
      return sub({ criterion: c, not, actions: [], line: l.line, text: '' });
    }
  }
  const text = crit.map((t) => t.text).join(' ');
  // (a class's patterns are filled in at the end: compare what was written)
  const key = (x: MatchLine['criterion']) => JSON.stringify({ ...x, patterns: undefined, all: undefined });
  const same = (m: MatchLine) => m.not === not && key(m.criterion) === key(c);
  if (l.neg) {
    map.matches = map.matches.filter((m) => !same(m));
    return true;
  }
  let match = map.matches.find(same);
  if (!match) map.matches.push((match = { criterion: c, not, actions: [], line: l.line, text }));
  return sub(match);
}

/** An action line under `match …`. */
export function esmtpMatchLine(_st: ParseState, f: Frame, l: Line): Handled {
  const m = f.match!;
  const kind = kw(l, 0)!;
  if (kind === 'exit') return true;
  if (!(ACTIONS as readonly string[]).includes(kind)) return undefined;
  f.map!.source.push(l.line);
  const ck = m.criterion.kind;
  if (kind === 'mask' && ck !== 'ehlo-reply-parameter' && ck !== 'cmd-verb') {
    return new Fail(l.w[0].col, INVALID, '`mask` is valid only for `match ehlo-reply-parameter` and `match cmd verb`');
  }
  if (l.neg) {
    m.actions = m.actions.filter((a) => a.kind !== kind);
    return true;
  }
  let action: MatchAction;
  if (kind === 'rate-limit') {
    if (!l.w[1] || !/^\d{1,9}$/.test(l.w[1].text) || Number(l.w[1].text) < 1) return new Fail(colAt(l, 1), INVALID, 'expected `rate-limit <messages per second, 1 or more>`');
    if (l.w[2]) return new Fail(l.w[2].col, INVALID, 'nothing may follow here');
    action = { kind, log: false, rate: Number(l.w[1].text) };
  } else {
    const log = kw(l, 1) === 'log';
    const at = log ? 2 : 1;
    if (l.w[at]) return new Fail(l.w[at].col, INVALID, `expected \`${kind} [log]\``);
    action = { kind: kind as MatchAction['kind'], log: kind === 'log' || log };
  }
  m.actions = m.actions.filter((a) => a.kind === 'log' || action.kind === 'log').concat(action);
  return true;
}
