import type { ExpectationResult, SessionResult } from '../model/result.js';
import type { Expectation } from '../scenario/schema.js';
import { banner } from './checks/banner.js';
import { ehlo } from './checks/ehlo.js';
import { firewall } from './checks/firewall.js';
import { golden } from './checks/golden.js';
import { outcome } from './checks/outcome.js';
import { reason } from './checks/reason.js';
import { replies } from './checks/replies.js';
import { server } from './checks/server.js';
import { starttls } from './checks/starttls.js';
import { tls } from './checks/tls.js';
import { checkContext, type Check, type CheckContext, type CheckKey } from './types.js';

export { checkContext, type CheckContext } from './types.js';

/** Every expectation field and its check; a field without a check does not compile. */
export const checks: { [K in CheckKey]: Check<K> } = { outcome, reason, tls, banner, ehlo, starttls, replies, server, firewall, golden };

/** Evaluates one expectation against the session of its message (pure, except that golden files are read, and written under --update). */
export function evaluate(spec: Expectation, session: SessionResult | undefined, line?: number, ctx: CheckContext = checkContext()): ExpectationResult {
  const { message, when: _when, ...fields } = spec;
  const shown = Object.fromEntries(Object.entries(spec).filter(([k]) => k !== 'when'));
  if (!session) {
    return { spec: shown, line, message, ok: false, checks: [{ name: 'session', ok: false, expected: `a session for ${message}`, actual: 'none' }] };
  }
  const results = (Object.keys(fields) as CheckKey[])
    .filter((k) => fields[k] !== undefined)
    .flatMap((k) => (checks[k] as Check<typeof k>)(fields[k] as never, session, ctx));
  return { spec: shown, line, message, ok: results.every((r) => r.ok), checks: results };
}
