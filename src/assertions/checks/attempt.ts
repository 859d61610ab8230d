import type { SessionResult } from '../../model/result.js';
import { result, type Check } from '../types.js';

/**
 * `attempt: N` selects the message's Nth delivery attempt: the expectation's other fields are checked
 * on it (evaluate() does the selecting with `attemptView`). This check says the attempt exists.
 */
export const attempt: Check<'attempt'> = (n, s) => [result('attempt', n <= s.attempts, `an attempt ${n}`, `${s.attempts} attempt${s.attempts === 1 ? '' : 's'}`)];

/** The session as it stood after attempt `n` (the message's own fields describe the last one). */
export function attemptView(s: SessionResult, n: number): SessionResult | undefined {
  if (n === s.attempts && !s.history) return s;
  const a = s.history?.[n - 1];
  if (!a) return undefined;
  return {
    ...s,
    outcome: a.outcome,
    reason: a.reason,
    tls: a.tls,
    ...(a.detail !== undefined ? { detail: a.detail } : { detail: undefined }),
    clientView: a.clientView,
    serverView: a.serverView,
    hops: a.hops,
    firewall: a.firewall,
    log: a.log,
    t: a.t,
    deliveredAt: a.outcome === 'delivered' ? a.end : undefined,
  };
}
