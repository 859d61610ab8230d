import type { EsmtpMap, MatchLine } from '../config/model.js';
import type { RuleSpec } from '../rules/index.js';
import { ESMTP_VERBS } from '../rules/mask-command.js';
import type { Knobs } from './knobs.js';

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

/** The `parameters` and `match … action` lines of a map as rules (criteria without a rule yet are skipped). */
export function matchRules(map: EsmtpMap, k: Knobs): RuleSpec[] {
  const out: RuleSpec[] = [];
  if (map.specialCharacter) out.push({ name: 'special-character', options: { action: map.specialCharacter } });
  if (map.mailRelay) out.push({ name: 'mail-relay', options: { domain: map.mailRelay.domain, action: map.mailRelay.action } });
  for (const m of map.matches) {
    const spec = matchRule(m, k, map.allowTls.on);
    if (spec) out.push(spec);
  }
  return out;
}

function matchRule(m: MatchLine, k: Knobs, allowTls: boolean): RuleSpec | undefined {
  const action = m.actions.find((a) => a.kind !== 'log') ?? m.actions[0];
  if (!action) return undefined;
  // `match not …` is enforced where the negation means something: regex, verb and encoding lists
  if (m.not && !['sender-address-regex', 'cmd-verb', 'mime-encoding'].includes(m.criterion.kind)) return undefined;
  const not = m.not || undefined;
  const withLog = { ...action, log: action.log || m.actions.some((a) => a.kind === 'log') };
  const c = m.criterion;
  switch (c.kind) {
    case 'cmd-line-length':
      return { name: 'match-cmd-line-length', options: { gt: c.gt, action: withLog } };
    case 'cmd-rcpt-count':
      return { name: 'match-cmd-rcpt-count', options: { gt: c.gt, action: withLog } };
    case 'header-line-length':
      return { name: 'match-header-line-length', options: { gt: c.gt, action: withLog } };
    case 'body-line-length':
      return { name: 'match-body-line-length', options: { gt: c.gt, action: withLog } };
    case 'sender-address-length':
      return { name: 'match-sender-address-length', options: { gt: c.gt, action: withLog } };
    case 'mime-filename-length':
      return { name: 'match-mime-filename-length', options: { gt: c.gt, action: withLog } };
    case 'cmd-verb':
      return { name: 'match-cmd-verb', options: { verbs: c.verbs, not, action: withLog } };
    case 'header-length':
      return { name: 'match-header-length', options: { gt: c.gt, action: withLog } };
    case 'body-length':
      return { name: 'match-body-length', options: { gt: c.gt, action: withLog } };
    case 'header-to-fields-count':
      return { name: 'match-header-to-fields-count', options: { gt: c.gt, action: withLog } };
    case 'mime-encoding':
      return { name: 'match-mime-encoding', options: { encodings: c.encodings, not, action: withLog } };
    case 'sender-address-regex':
      if (c.pattern === undefined) return undefined;
      return { name: 'match-sender-address-regex', options: { name: c.regex, pattern: c.pattern, not, action: withLog } };
    case 'invalid-recipients-count':
      return { name: 'match-invalid-recipients-count', options: { gt: c.gt, action: withLog } };
    case 'ehlo-reply-parameter':
      if (action.kind !== 'mask' || !c.params.includes('others')) return undefined;
      return { name: 'mask-ehlo-parameter', options: { pass: ehloPass(k, allowTls) } };
    default:
      return undefined;
  }
}
