import { verdictFor } from '../engine/match-action.js';
import { PASS, type Rule } from '../engine/types.js';
import type { CountMatchOptions } from './match-cmd-rcpt-count.js';

/** `match invalid-recipients count gt N` — the server refused (5xx) more than N RCPTs on this connection. */
export function matchInvalidRecipientsCount(o: CountMatchOptions): Rule<{ count: number }> {
  return {
    name: 'match-invalid-recipients-count',
    init: () => ({ count: 0 }),
    onServerSegment(seg, st, ctx) {
      for (const p of seg.pieces) {
        if (p.kind !== 'reply' || p.replyTo !== 'RCPT' || !p.final || !p.code?.startsWith('5')) continue;
        if (++st.count === o.gt + 1) return verdictFor(o.action, ctx, 'match-invalid-recipients-count', `invalid-recipients count gt ${o.gt}`, `${st.count} recipients refused`);
      }
      return PASS;
    },
  };
}
