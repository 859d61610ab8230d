import { verdictFor } from '../engine/match-action.js';
import { endsHeader, thresholdText } from '../engine/threshold.js';
import { PASS, type Rule, type Verdict } from '../engine/types.js';
import type { LengthMatchOptions } from './match-cmd-line-length.js';

/**
 * `match header length gt N` — the header section of a message exceeds N octets (counted, not
 * kept). `match not …`: a header section of at most N octets, judged at its end (the empty line,
 * or the end of data of a message without one).
 */
export function matchHeaderLength(o: LengthMatchOptions): Rule<{ bytes: number; fired: boolean }> {
  const criterion = thresholdText(o, 'header length');
  return {
    name: 'match-header-length',
    bodySegments: 'skip',
    init: () => ({ bytes: 0, fired: false }),
    onClientSegment(seg, st, ctx) {
      let verdict: Verdict = PASS;
      // (the loop goes on after a hit, so that an end of data later in the segment still resets the count)
      for (const p of seg.pieces) {
        let hit = false;
        if (p.kind === 'eod') {
          hit = !!o.not && !st.fired && st.bytes <= o.gt;
          if (hit) st.fired = true;
        } else if (p.kind === 'data' && p.header && !st.fired) {
          st.bytes += p.end - p.start;
          hit = o.not ? endsHeader(p) : st.bytes > o.gt;
          if (hit || endsHeader(p)) st.fired = true;
          hit &&= !o.not || st.bytes <= o.gt;
        }
        if (hit && verdict === PASS) verdict = verdictFor(o.action, ctx, 'match-header-length', criterion, `header section ${o.not ? 'of' : 'over'} ${st.bytes} octets`);
        if (p.kind === 'eod') Object.assign(st, { bytes: 0, fired: false });
      }
      return verdict;
    },
  };
}
