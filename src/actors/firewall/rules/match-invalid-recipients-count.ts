import { verdictFor } from '../engine/match-action.js';
import { thresholdText } from '../engine/threshold.js';
import { PASS, type Rule } from '../engine/types.js';
import type { CountMatchOptions } from './match-cmd-rcpt-count.js';

/**
 * `match invalid-recipients count gt N` — the server refused (5xx) more than N RCPTs on this
 * connection, caught at refusal N+1. `match not …`: at most N so far when the server answers a
 * DATA (the recipients of that transaction are settled then).
 */
export function matchInvalidRecipientsCount(o: CountMatchOptions): Rule<{ count: number }> {
  const criterion = thresholdText(o, 'invalid-recipients count');
  return {
    name: 'match-invalid-recipients-count',
    init: () => ({ count: 0 }),
    onServerSegment(seg, st, ctx) {
      for (const p of seg.pieces) {
        if (p.kind !== 'reply' || !p.final) continue;
        const refused = p.replyTo === 'RCPT' && !!p.code?.startsWith('5');
        if (refused) st.count++;
        if (o.not ? p.replyTo === 'DATA' && st.count <= o.gt : refused && st.count === o.gt + 1) {
          return verdictFor(o.action, ctx, 'match-invalid-recipients-count', criterion, `${st.count} recipients refused`);
        }
      }
      return PASS;
    },
  };
}
