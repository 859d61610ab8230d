import type { MatchAction } from '../engine/match-action.js';
import { parseCriterion } from './criteria.js';
import type { Dialect } from './dialect.js';
import { defaultEsmtpMap, emptyCiscoConfig, emptyEsmtpMap, type CiscoConfig, type ConfigError, type EsmtpMap, type MatchLine, type RegexClass } from './model.js';
import { mxlabLine } from './mxlab-lines.js';
import { INVALID, paramLine } from './params.js';
import { regexCommand } from './regex.js';
import { regexClassCommand, regexClassLine, regexOperand, resolveRegexClasses } from './regex-class.js';
import { closest, tokenize, type Token } from './tokens.js';

type Mode = 'global' | 'pmap' | 'pmap-class' | 'class-map' | 'regex-class' | 'esmtp-map' | 'esmtp-params' | 'esmtp-match';
const PARENT: Record<Mode, Mode | undefined> = {
  global: undefined,
  pmap: 'global',
  'pmap-class': 'pmap',
  'class-map': 'global',
  'regex-class': 'global',
  'esmtp-map': 'global',
  'esmtp-params': 'esmtp-map',
  'esmtp-match': 'esmtp-map',
};
const COMMANDS: Record<Mode, string[]> = {
  global: ['policy-map', 'fixup', 'class-map', 'regex', 'service-policy', 'hostname', 'exit', 'end'],
  pmap: ['class', 'description', 'exit'],
  'pmap-class': ['inspect', 'exit'],
  'class-map': ['match', 'description', 'exit'],
  'regex-class': ['match', 'description', 'exit'],
  'esmtp-map': ['parameters', 'match', 'description', 'exit'],
  'esmtp-params': ['mask-banner', 'allow-tls', 'mail-relay', 'special-character', 'exit'],
  'esmtp-match': ['drop-connection', 'reset', 'mask', 'log', 'rate-limit', 'exit'],
};

export { INVALID };

class Fail {
  constructor(readonly col: number, readonly message: string, readonly hint?: string) {}
}

/**
 * Parses a device config the way the CLI reads it: a command not valid in the current mode
 * leaves the mode (like IOS/ASA do), so indentation is optional. All errors are collected.
 */
export function parseConfig(text: string, dialect: Dialect): { config: CiscoConfig; errors: ConfigError[] } {
  const config: CiscoConfig = emptyCiscoConfig();
  const errors: ConfigError[] = [];
  const st = { mode: 'global' as Mode, pmap: '', cls: '', map: undefined as EsmtpMap | undefined, match: undefined as MatchLine | undefined, regexClass: undefined as RegexClass | undefined };
  const refs: { name: string; line: number; col: number }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const toks = tokenize(raw);
    if (!toks.length) return;
    if (toks[0].text.startsWith('!') || toks[0].text === ':') {
      const err = mxlabLine(raw, line, config);
      if (err) errors.push(err);
      return;
    }
    const neg = toks[0].text.toLowerCase() === 'no';
    const words = neg ? toks.slice(1) : toks;
    if (!words.length) return errors.push({ line, col: toks[0].col + 2, message: INVALID, hint: '`no` must be followed by a command' }) && undefined;
    let mode: Mode | undefined = st.mode;
    let firstFail: Fail | undefined;
    while (mode) {
      const saved = st.mode;
      st.mode = mode; // a command accepted by a parent mode leaves the child mode
      const r = tryCommand(mode, neg, words, line, raw.length + 1, raw);
      if (r === undefined) {
        st.mode = saved;
        mode = PARENT[mode];
        continue;
      }
      if (r instanceof Fail) firstFail = r;
      break;
    }
    if (!mode) {
      const word = words[0].text.toLowerCase();
      const all = COMMANDS[st.mode].concat(st.mode === 'global' ? [] : COMMANDS.global);
      const near = closest(word, all);
      firstFail = new Fail(words[0].col, INVALID, gateHint(word, dialect) ?? (near ? `did you mean \`${near}\`?` : `commands here: ${all.join(', ')}`));
    }
    if (firstFail) errors.push({ line, col: firstFail.col, message: firstFail.message, ...(firstFail.hint ? { hint: firstFail.hint } : {}) });
  });
  for (const r of refs) {
    if (r.name !== '_default_esmtp_map' && !config.maps.has(r.name)) {
      errors.push({ line: r.line, col: r.col, message: `ERROR: Inspect policy-map ${r.name} not found`, hint: `define it first: policy-map type inspect esmtp ${r.name}` });
    }
  }
  resolveRegexClasses(config);
  return { config, errors };

  /** undefined: not a command of this mode (try the parent); Fail: a command of this mode, badly formed. */
  function tryCommand(mode: Mode, neg: boolean, w: Token[], line: number, endCol: number, raw: string): undefined | Fail | true {
    const kw = (i: number) => w[i]?.text.toLowerCase();
    const at = (i: number) => w[i]?.col ?? endCol;
    const extra = (i: number) => (w.length > i ? new Fail(w[i].col, INVALID, 'nothing may follow here') : undefined);
    switch (mode) {
      case 'global':
        if (kw(0) === 'policy-map') {
          if (!dialect.mpf) return new Fail(w[0].col, INVALID, `${dialect.label} has no Modular Policy Framework (it came with 7.0); use \`fixup protocol smtp 25\` / \`no fixup protocol smtp 25\``);
          if (kw(1) === 'type') {
            if (kw(2) !== 'inspect') return new Fail(at(2), INVALID, 'expected `policy-map type inspect esmtp NAME`');
            if (!dialect.inspectMaps) return new Fail(w[1].col, INVALID, `inspect policy maps came with 7.2(1); ${dialect.label} does not have them`);
            if (kw(3) !== 'esmtp') return new Fail(at(3), INVALID, 'only `esmtp` inspect maps are emulated');
            if (!w[4]) return new Fail(endCol, INVALID, 'name the map: policy-map type inspect esmtp NAME');
            if (extra(5)) return extra(5);
            const name = w[4].text;
            let map = config.maps.get(name);
            if (neg) {
              config.maps.delete(name);
              st.mode = 'global';
              return true;
            }
            if (!map) config.maps.set(name, (map = name === '_default_esmtp_map' ? defaultEsmtpMap() : emptyEsmtpMap(name)));
            st.map = map;
            st.mode = 'esmtp-map';
            return true;
          }
          if (!w[1]) return new Fail(endCol, INVALID, 'name the policy map, e.g. `policy-map global_policy`');
          if (extra(2)) return extra(2);
          st.pmap = w[1].text;
          st.mode = 'pmap';
          return true;
        }
        if (kw(0) === 'fixup') {
          if (!dialect.fixup) {
            return new Fail(w[0].col, INVALID, `${dialect.label} replaced fixup with the Modular Policy Framework: policy-map global_policy / class inspection_default / ${neg ? 'no ' : ''}inspect esmtp`);
          }
          if (kw(1) !== 'protocol') return new Fail(at(1), INVALID, 'expected `fixup protocol smtp 25`');
          if (!w[2]) return new Fail(endCol, INVALID, 'expected a protocol, e.g. `smtp`');
          if (!w[3] || !/^\d{1,5}(-\d{1,5})?$/.test(w[3].text)) return new Fail(at(3), INVALID, 'expected a port, e.g. `fixup protocol smtp 25`');
          if (extra(4)) return extra(4);
          if (kw(2) === 'smtp') config.fixupSmtp = { on: !neg, port: Number(w[3].text.split('-')[0]), line };
          return true;
        }
        if (kw(0) === 'regex') {
          if (!dialect.inspectMaps) return new Fail(w[0].col, INVALID, `regular expressions for inspect maps came with 7.2(1); ${dialect.label} does not have them`);
          if (neg) {
            if (!w[1]) return new Fail(endCol, INVALID, 'expected `no regex NAME`');
            config.regexes.delete(w[1].text);
            return true;
          }
          const r = regexCommand(raw, w, endCol);
          if (!r.ok) return new Fail(r.col, r.message, r.hint);
          config.regexes.set(r.name, r.regex.pattern);
          return true;
        }
        if (kw(0) === 'class-map') {
          if (!dialect.mpf) return new Fail(w[0].col, INVALID, `${dialect.label} has no class-map (7.0+)`);
          if (kw(1) === 'type' && kw(2) === 'regex') {
            if (!dialect.inspectMaps) return new Fail(w[1].col, INVALID, `regular expression classes came with 7.2(1); ${dialect.label} does not have them`);
            const r = regexClassCommand(config, neg, w, endCol, line);
            if ('message' in r) return new Fail(r.col, r.message, r.hint);
            st.regexClass = r.cls;
            st.mode = r.cls ? 'regex-class' : 'global';
            return true;
          }
          st.mode = 'class-map';
          return true;
        }
        if (kw(0) === 'service-policy') return dialect.mpf ? true : new Fail(w[0].col, INVALID, `${dialect.label} has no service-policy (7.0+)`);
        if (kw(0) === 'hostname' || kw(0) === 'end') return true;
        if (kw(0) === 'exit') return true;
        return undefined;
      case 'pmap':
        if (kw(0) === 'class') {
          if (!w[1]) return new Fail(endCol, INVALID, 'name the class, e.g. `class inspection_default`');
          st.cls = w[1].text;
          st.mode = 'pmap-class';
          return true;
        }
        return kw(0) === 'description' ? true : exitTo('global', kw(0));
      case 'pmap-class':
        if (kw(0) === 'inspect') {
          if (!w[1]) return new Fail(endCol, INVALID, 'expected a protocol, e.g. `inspect esmtp`');
          if (kw(1) === 'smtp') return new Fail(w[1].col, INVALID, 'the ASA inspects SMTP with `inspect esmtp`');
          if (kw(1) !== 'esmtp') return true; // other protocols: accepted, not emulated
          if (extra(3)) return extra(3);
          if (st.pmap === 'global_policy' && st.cls === 'inspection_default') {
            config.inspectEsmtp = { on: !neg, ...(w[2] && !neg ? { map: w[2].text } : {}), line };
            if (w[2] && !neg) refs.push({ name: w[2].text, line, col: w[2].col });
          }
          return true;
        }
        return exitTo('pmap', kw(0));
      case 'class-map':
        return kw(0) === 'match' || kw(0) === 'description' ? true : exitTo('global', kw(0));
      case 'regex-class': {
        const r = regexClassLine(config, st.regexClass!, neg, w, endCol);
        if (r && r !== true) return new Fail(r.col, r.message, r.hint);
        return r ?? exitTo('global', kw(0));
      }
      case 'esmtp-map':
        if (kw(0) === 'parameters') {
          st.mode = 'esmtp-params';
          return extra(1) ?? true;
        }
        if (kw(0) === 'description') return true;
        if (kw(0) === 'match') return matchLine(neg, w, line, endCol, raw);
        return exitTo('global', kw(0));
      case 'esmtp-params': {
        const r = paramLine(st.map!, neg, w, endCol, dialect);
        if (r && r !== true) return new Fail(r.col, r.message, r.hint);
        return r ?? exitTo('esmtp-map', kw(0));
      }
      case 'esmtp-match':
        return actionLine(neg, w, endCol) ?? exitTo('esmtp-map', kw(0));
    }
  }

  function exitTo(parent: Mode, word: string | undefined): true | undefined {
    if (word !== 'exit') return undefined;
    st.mode = parent;
    return true;
  }

  function matchLine(neg: boolean, w: Token[], line: number, endCol: number, raw: string): Fail | true {
    const not = w[1]?.text.toLowerCase() === 'not';
    const crit = w.slice(not ? 2 : 1);
    const r = parseCriterion(crit, endCol);
    if (!r.ok) {
      // keep reading its action lines (into a detached match) so one mistake gives one error
      st.match = { criterion: { kind: 'ehlo-reply-parameter', params: [] }, not, actions: [], line, text: '' };
      st.mode = 'esmtp-match';
      return new Fail(r.col, INVALID, `expected ${r.expected.join(' | ')}`);
    }
    const c = r.criterion;
    if (c.kind === 'sender-address-regex' || c.kind === 'mime-filetype-regex') {
      const err = regexOperand(config, c, crit.slice(c.kind === 'mime-filetype-regex' ? 3 : 2), raw, endCol);
      if (err) {
        st.match = { criterion: c, not, actions: [], line, text: '' };
        st.mode = 'esmtp-match';
        return new Fail(err.col, err.message, err.hint);
      }
    }
    const text = crit.map((t) => t.text).join(' ');
    const map = st.map!;
    // (a class's patterns are filled in at the end: compare what was written)
    const key = (x: MatchLine['criterion']) => JSON.stringify({ ...x, patterns: undefined, all: undefined });
    const same = (m: MatchLine) => m.not === not && key(m.criterion) === key(r.criterion);
    if (neg) {
      map.matches = map.matches.filter((m) => !same(m));
      st.mode = 'esmtp-map';
      return true;
    }
    st.match = map.matches.find(same);
    if (!st.match) map.matches.push((st.match = { criterion: r.criterion, not, actions: [], line, text }));
    st.mode = 'esmtp-match';
    return true;
  }

  function actionLine(neg: boolean, w: Token[], endCol: number): Fail | true | undefined {
    const m = st.match!;
    const kind = w[0].text.toLowerCase();
    if (!['drop-connection', 'reset', 'mask', 'log', 'rate-limit'].includes(kind)) return undefined;
    const ck = m.criterion.kind;
    if (kind === 'mask' && ck !== 'ehlo-reply-parameter' && ck !== 'cmd-verb') {
      return new Fail(w[0].col, INVALID, '`mask` is valid only for `match ehlo-reply-parameter` and `match cmd verb`');
    }
    if (neg) {
      m.actions = m.actions.filter((a) => a.kind !== kind);
      return true;
    }
    let action: MatchAction;
    if (kind === 'rate-limit') {
      if (!w[1] || !/^\d{1,9}$/.test(w[1].text) || Number(w[1].text) < 1) return new Fail(at(w, 1, endCol), INVALID, 'expected `rate-limit <messages per second, 1 or more>`');
      if (w[2]) return new Fail(w[2].col, INVALID, 'nothing may follow here');
      action = { kind, log: false, rate: Number(w[1].text) };
    } else {
      const log = w[1]?.text.toLowerCase() === 'log';
      if (w[log ? 2 : 1]) return new Fail(w[log ? 2 : 1].col, INVALID, `expected \`${kind} [log]\``);
      action = { kind: kind as MatchAction['kind'], log: kind === 'log' || log };
    }
    m.actions = m.actions.filter((a) => a.kind === 'log' || action.kind === 'log').concat(action);
    return true;
  }
}

function at(w: Token[], i: number, endCol: number): number {
  return w[i]?.col ?? endCol;
}

/** Hints for commands that exist on other versions. */
function gateHint(word: string, d: Dialect): string | undefined {
  if (word === 'allow-tls' && !d.allowTls) return `allow-tls first appeared in 7.2(3) and 8.0(3); ${d.label} does not have it`;
  if (word === 'inspect' && !d.mpf) return `${d.label} uses \`fixup protocol smtp 25\`; \`inspect esmtp\` came with 7.0`;
  if ((word === 'parameters' || word === 'mask-banner') && !d.inspectMaps) return `inspect policy maps came with 7.2(1); ${d.label} does not have them`;
  return undefined;
}
