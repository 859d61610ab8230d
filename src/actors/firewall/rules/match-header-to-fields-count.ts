import { verdictFor } from '../engine/match-action.js';
import { PASS, type Rule } from '../engine/types.js';
import type { CountMatchOptions } from './match-cmd-rcpt-count.js';

/** `match header to-fields count gt N` — more than N `To:` header fields in one message. */
export function matchHeaderToFieldsCount(o: CountMatchOptions): Rule<{ count: number }> {
  return {
    name: 'match-header-to-fields-count',
    bodySegments: 'skip',
    init: () => ({ count: 0 }),
    onClientSegment(seg, st, ctx) {
      for (const p of seg.pieces) {
        if (p.kind === 'eod') st.count = 0;
        if (p.kind !== 'data' || !p.header || !p.complete || !/^to\s*:/i.test(p.head)) continue;
        if (++st.count === o.gt + 1) return verdictFor(o.action, ctx, 'match-header-to-fields-count', `header to-fields count gt ${o.gt}`, `${st.count} To fields`);
      }
      return PASS;
    },
  };
}
