import type { EsmtpMap, MatchLine } from '../config/model.js';
import type { RuleName, RuleSpec } from '../rules/index.js';
import { ESMTP_VERBS } from '../rules/mask-command.js';
import type { EhloParameterMatch } from '../rules/mask-ehlo-parameter.js';
import type { Knobs } from './knobs.js';

/** Mailguard's allow-list (PIX 4.x–6.3). [C-MG, MS-295725] CONFIRMED. */
export const MAILGUARD_VERBS = ['HELO', 'MAIL', 'RCPT', 'DATA', 'RSET', 'NOOP', 'QUIT'];

/** EHLO keywords that survive `ehlo-reply-parameter others → mask` (INFERRED from transcripts). */
export const EHLO_PASS = ['8BITMIME', 'AUTH', 'BINARYMIME', 'DSN', 'ENHANCEDSTATUSCODES', 'ETRN', 'PIPELINING', 'SIZE'];

export function ehloPass(k: Knobs, allowTls: boolean): string[] {
  return [...EHLO_PASS, ...(k.vrfy === 'pass' ? ['VRFY'] : []), ...(allowTls ? ['STARTTLS'] : [])];
}

export function verbRules(allowTls: boolean): RuleSpec[] {
  const rules: RuleSpec[] = [{ name: 'mask-command', options: { allowed: [...ESMTP_VERBS, ...(allowTls ? ['STARTTLS'] : [])] } }];
  if (allowTls) rules.push({ name: 'allow-tls', options: { log: false } });
  return rules;
}

/** `match … gt N` criteria: each is the rule `match-<criterion>` with options `{ gt, action }`. */
const COUNT_RULES = {
  'cmd-line-length': 'match-cmd-line-length',
  'cmd-rcpt-count': 'match-cmd-rcpt-count',
  'header-line-length': 'match-header-line-length',
  'header-length': 'match-header-length',
  'header-to-fields-count': 'match-header-to-fields-count',
  'body-line-length': 'match-body-line-length',
  'body-length': 'match-body-length',
  'sender-address-length': 'match-sender-address-length',
  'mime-filename-length': 'match-mime-filename-length',
  'invalid-recipients-count': 'match-invalid-recipients-count',
} as const satisfies Partial<Record<MatchLine['criterion']['kind'], RuleName>>;

/** The `parameters` and `match … action` lines of a map as rules (criteria without a rule yet are skipped). */
export function matchRules(map: EsmtpMap, k: Knobs): RuleSpec[] {
  const out: RuleSpec[] = [];
  if (map.specialCharacter) out.push({ name: 'special-character', options: { action: map.specialCharacter } });
  if (map.mailRelay) out.push({ name: 'mail-relay', options: { domain: map.mailRelay.domain, action: map.mailRelay.action } });
  // every `ehlo-reply-parameter … → mask` line is one rule, where the first stands: the counting letter
  // (A, B, …) runs over all the masked lines of a reply
  const ehloMasks: EhloParameterMatch[] = [];
  for (const m of map.matches) {
    if (m.criterion.kind === 'ehlo-reply-parameter' && primary(m)?.kind === 'mask') {
      if (ehloMasks.length === 0) out.push({ name: 'mask-ehlo-parameter', options: { pass: ehloPass(k, map.allowTls.on), lines: ehloMasks } });
      ehloMasks.push(ehloMatch(m.criterion.params, m.not));
      continue;
    }
    const spec = matchRule(m, k, map.allowTls.on);
    if (spec) out.push(spec);
  }
  return out;
}

/** An `ehlo-reply-parameter` criterion's words: the keywords, and `others` apart. */
const ehloMatch = (params: string[], not: boolean): EhloParameterMatch => ({ params: params.filter((p) => p !== 'others'), others: params.includes('others'), not: not || undefined });

/** The line's action: the first that is not a bare `log` (`mask log` → mask), else `log`. */
const primary = (m: MatchLine) => m.actions.find((a) => a.kind !== 'log') ?? m.actions[0];

function matchRule(m: MatchLine, k: Knobs, allowTls: boolean): RuleSpec | undefined {
  const action = primary(m);
  if (!action) return undefined;
  const not = m.not || undefined;
  const withLog = { ...action, log: action.log || m.actions.some((a) => a.kind === 'log') };
  const c = m.criterion;
  const counted = COUNT_RULES[c.kind as keyof typeof COUNT_RULES];
  if (counted && 'gt' in c) return { name: counted, options: { gt: c.gt, not, action: withLog } } as RuleSpec;
  switch (c.kind) {
    case 'cmd-verb':
      return { name: 'match-cmd-verb', options: { verbs: c.verbs, not, action: withLog } };
    case 'mime-encoding':
      return { name: 'match-mime-encoding', options: { encodings: c.encodings, not, action: withLog } };
    case 'sender-address-regex':
    case 'mime-filetype-regex':
      if (c.patterns === undefined) return undefined;
      return { name: `match-${c.kind}`, options: { name: c.regex, patterns: c.patterns, all: c.all, not, action: withLog } };
    case 'ehlo-reply-parameter':
      // mask lines are gathered in matchRules; log, drop-connection, reset, rate-limit here
      return {
        name: 'match-ehlo-reply-parameter',
        options: { ...ehloMatch(c.params, m.not), pass: ehloPass(k, allowTls), action: withLog },
      };
    default:
      return undefined;
  }
}
