import { genericLog } from './bytes.js';
import type { RuleContext, Verdict } from './types.js';

/** The action of a `match …` line in a `policy-map type inspect esmtp`. [ASA9FW] CONFIRMED set. */
export interface MatchAction {
  kind: 'drop-connection' | 'reset' | 'mask' | 'log' | 'rate-limit';
  /** the `log` keyword after the action */
  log: boolean;
  /** rate-limit: messages per second (accepted, not enforced) */
  rate?: number;
}

export function describeAction(a: MatchAction): string {
  if (a.kind === 'log') return 'log';
  if (a.kind === 'rate-limit') return `rate-limit ${a.rate ?? ''}`.trim();
  return a.log ? `${a.kind} log` : a.kind;
}

/**
 * Turns a matched criterion into a verdict. `mask` is valid only for ehlo-reply-parameter and
 * cmd verb (the config parser rejects it elsewhere); here it passes. `rate-limit` passes.
 */
export function verdictFor(a: MatchAction, ctx: RuleContext, rule: string, criterion: string, detail: string): Verdict {
  const log = genericLog(ctx, rule, `match ${criterion}: ${describeAction(a)}; ${detail}`);
  switch (a.kind) {
    case 'drop-connection':
      return { kind: 'drop-connection', log };
    case 'reset':
      return { kind: 'reset', log };
    default:
      return { kind: 'pass', log };
  }
}
