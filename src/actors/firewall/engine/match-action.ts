import { genericLog } from './bytes.js';
import { rateLimitDelay } from './rate-limit.js';
import { PASS, type RuleContext, type Verdict } from './types.js';

/** The action of a `match …` line in a `policy-map type inspect esmtp`. [ASA9FW] CONFIRMED set. */
export interface MatchAction {
  kind: 'drop-connection' | 'reset' | 'mask' | 'log' | 'rate-limit';
  /** the `log` keyword after the action */
  log: boolean;
  /** rate-limit: matching events per second and connection; the excess is held (INFERRED) */
  rate?: number;
}

export function describeAction(a: MatchAction): string {
  if (a.kind === 'log') return 'log';
  if (a.kind === 'rate-limit') return `rate-limit ${a.rate ?? ''}`.trim();
  return a.log ? `${a.kind} log` : a.kind;
}

/**
 * Turns a matched criterion into a verdict. `mask` is valid only for ehlo-reply-parameter and
 * cmd verb (the config parser rejects it elsewhere); here it passes. `rate-limit`: within the rate
 * the segment passes (logged only with `log`), beyond it the segment is held until the rate allows.
 */
export function verdictFor(a: MatchAction, ctx: RuleContext, rule: string, criterion: string, detail: string): Verdict {
  const text = (more = '') => genericLog(ctx, rule, `match ${criterion}: ${describeAction(a)}; ${detail}${more}`);
  if (a.kind === 'rate-limit') {
    const ms = rateLimitDelay(ctx.conn, a, a.rate ?? 1, ctx.clock.now());
    if (ms > 0) return { kind: 'delay', ms, log: text(`; over the rate, held ${ms} ms`) };
    return a.log ? { kind: 'pass', log: text() } : PASS;
  }
  const log = text();
  switch (a.kind) {
    case 'drop-connection':
      return { kind: 'drop-connection', log };
    case 'reset':
      return { kind: 'reset', log };
    default:
      return { kind: 'pass', log };
  }
}
