import { genericLog } from '../engine/bytes.js';
import { PASS, type Rule, type RuleContext, type Segment, type Verdict } from '../engine/types.js';

export interface BlackholeOptions {
  /** bytes that pass first (both directions together); 0: nothing passes */
  after: number;
}

const EMPTY = Buffer.alloc(0);

/**
 * L4 fault: after `after` bytes every byte is swallowed in both directions and the connection is
 * left open (the peers' own timeouts end it). The segment crossing the limit passes up to it.
 */
export function blackhole(o: BlackholeOptions): Rule<{ seen: number; logged: boolean }> {
  const swallow = (seg: Segment, st: { seen: number; logged: boolean }, ctx: RuleContext): Verdict => {
    const room = Math.max(0, o.after - st.seen);
    st.seen += seg.data.length;
    if (room >= seg.data.length) return PASS;
    const first = !st.logged;
    st.logged = true;
    const log = first ? { log: genericLog(ctx, 'blackhole', `fault: blackholed after ${o.after} bytes; nothing passes from here on`) } : {};
    return { kind: 'rewrite', data: room > 0 ? seg.data.subarray(0, room) : EMPTY, ...log };
  };
  return { name: 'blackhole', init: () => ({ seen: 0, logged: false }), onClientSegment: swallow, onServerSegment: swallow, onTlsSegment: swallow };
}
