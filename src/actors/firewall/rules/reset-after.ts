import { genericLog } from '../engine/bytes.js';
import { PASS, type Rule, type RuleContext, type Segment, type Verdict } from '../engine/types.js';

export interface ResetAfterOptions {
  bytes: number;
}

/** L4 fault: once more than `bytes` bytes passed (both directions together), RST both ways. The segment that crosses the limit is not forwarded. */
export function resetAfter(o: ResetAfterOptions): Rule<{ seen: number }> {
  const count = (seg: Segment, st: { seen: number }, ctx: RuleContext): Verdict => {
    st.seen += seg.data.length;
    if (st.seen <= o.bytes) return PASS;
    return { kind: 'reset', log: genericLog(ctx, 'reset-after', `fault: connection reset after ${o.bytes} bytes (${st.seen} with this ${seg.direction} segment)`) };
  };
  return { name: 'reset-after', init: () => ({ seen: 0 }), onClientSegment: count, onServerSegment: count, onTlsSegment: count };
}
