import { verdictFor } from '../engine/match-action.js';
import { endsHeader, thresholdText } from '../engine/threshold.js';
import { PASS, type Rule, type Verdict } from '../engine/types.js';
import type { CountMatchOptions } from './match-cmd-rcpt-count.js';

/**
 * `match header to-fields count gt N` — more than N `To:` header fields in one message, caught at
 * field N+1. `match not …`: at most N, judged at the end of the header section (or of the message).
 */
export function matchHeaderToFieldsCount(o: CountMatchOptions): Rule<{ count: number; judged: boolean }> {
  const criterion = thresholdText(o, 'header to-fields count');
  return {
    name: 'match-header-to-fields-count',
    bodySegments: 'skip',
    init: () => ({ count: 0, judged: false }),
    onClientSegment(seg, st, ctx) {
      let verdict: Verdict = PASS;
      for (const p of seg.pieces) {
        let hit = false;
        if (o.not && !st.judged && (p.kind === 'eod' || endsHeader(p))) {
          st.judged = true;
          hit = st.count <= o.gt;
        } else if (p.kind === 'data' && p.header && p.complete && /^to\s*:/i.test(p.head)) hit = ++st.count === o.gt + 1 && !o.not;
        if (hit && verdict === PASS) verdict = verdictFor(o.action, ctx, 'match-header-to-fields-count', criterion, `${st.count} To fields`);
        if (p.kind === 'eod') Object.assign(st, { count: 0, judged: false });
      }
      return verdict;
    },
  };
}
