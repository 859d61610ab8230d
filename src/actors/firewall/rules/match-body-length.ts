import { verdictFor } from '../engine/match-action.js';
import { thresholdText } from '../engine/threshold.js';
import { PASS, type Rule, type RuleContext, type Verdict } from '../engine/types.js';
import type { LengthMatchOptions } from './match-cmd-line-length.js';

interface State {
  bytes: number;
  fired: boolean;
}

/**
 * `match body length gt N` — the message body exceeds N octets (counted while streaming).
 * `match not …`: a body of at most N octets, judged at the end of data.
 */
export function matchBodyLength(o: LengthMatchOptions): Rule<State> {
  const criterion = thresholdText(o, 'body length');
  /** `bytes`: counted up to the end of the line piece that crossed N */
  const fire = (st: State, ctx: RuleContext, bytes: number): Verdict => {
    st.fired = true;
    return verdictFor(o.action, ctx, 'match-body-length', criterion, `body ${o.not ? 'of' : 'over'} ${bytes} octets`);
  };
  return {
    name: 'match-body-length',
    bodySegments: 'view',
    init: () => ({ bytes: 0, fired: false }),
    onClientSegment(seg, st, ctx) {
      const b = seg.body;
      if (b) {
        const before = st.bytes;
        st.bytes += b.data.length;
        if (o.not || st.fired || st.bytes <= o.gt) return PASS;
        return fire(st, ctx, before + b.pieceAt(Math.max(0, o.gt - before)).end);
      }
      let verdict: Verdict = PASS;
      for (const p of seg.pieces) {
        if (p.kind === 'eod') {
          if (o.not && st.bytes <= o.gt && verdict === PASS) verdict = fire(st, ctx, st.bytes);
          Object.assign(st, { bytes: 0, fired: false });
        }
        if (p.kind !== 'data' || p.header) continue;
        st.bytes += p.end - p.start;
        // (the loop goes on after firing, so that an end of data later in the segment still resets the count)
        if (o.not || st.fired || st.bytes <= o.gt) continue;
        const v = fire(st, ctx, st.bytes);
        if (verdict === PASS) verdict = v;
      }
      return verdict;
    },
  };
}
