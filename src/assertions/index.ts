import type { ExpectationResult, SessionResult } from '../model/result.js';
import type { Expectation } from '../scenario/schema.js';
import { banner } from './checks/banner.js';
import { dns } from './checks/dns.js';
import { ehlo } from './checks/ehlo.js';
import { firewall } from './checks/firewall.js';
import { golden } from './checks/golden.js';
import { log } from './checks/log.js';
import { outcome } from './checks/outcome.js';
import { reason } from './checks/reason.js';
import { replies } from './checks/replies.js';
import { server } from './checks/server.js';
import { starttls } from './checks/starttls.js';
import { tls } from './checks/tls.js';
import { intact } from './checks/intact.js';
import { attempt, attemptView } from './checks/attempt.js';
import { attempts } from './checks/attempts.js';
import { deliveredAfter } from './checks/delivered-after.js';
import { checkContext, type Check, type CheckContext, type CheckKey } from './types.js';

export { checkContext, type CheckContext } from './types.js';

/** Every expectation field and its check; a field without a check does not compile. */
export const checks: { [K in CheckKey]: Check<K> } = { outcome, reason, tls, banner, ehlo, starttls, replies, server, firewall, golden, attempt, attempts, 'delivered-after': deliveredAfter, dns, log, intact };

/** Evaluates one expectation against the session of its message (pure, except that golden files are read, and written under --update). */
export function evaluate(spec: Expectation, session: SessionResult | undefined, line?: number, ctx: CheckContext = checkContext()): ExpectationResult {
  const { message, when: _when, ...fields } = spec;
  const shown = Object.fromEntries(Object.entries(spec).filter(([k]) => k !== 'when'));
  if (!session) {
    return { spec: shown, line, message, ok: false, checks: [{ name: 'session', ok: false, expected: `a session for ${message}`, actual: 'none' }] };
  }
  // `attempt: N`: the other fields are checked on that attempt (when it exists; else only `attempt` fails)
  const n = fields.attempt;
  const view = n === undefined ? session : attemptView(session, n);
  const results = (Object.keys(fields) as CheckKey[])
    .filter((k) => fields[k] !== undefined && (view !== undefined || k === 'attempt'))
    .flatMap((k) => (checks[k] as Check<typeof k>)(fields[k] as never, k === 'attempt' ? session : view!, ctx));
  return { spec: shown, line, message, ok: results.every((r) => r.ok), checks: results };
}
