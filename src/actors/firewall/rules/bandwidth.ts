import { genericLog } from '../engine/bytes.js';
import type { Rule, RuleContext, Segment, Verdict } from '../engine/types.js';

export interface BandwidthOptions {
  kibPerSecond: number;
}

/**
 * L4 fault: a throughput cap per direction. Each segment is held as long as its bytes take at the
 * rate; the proxy reads nothing more from that side meanwhile, so the stream runs at the cap.
 */
export function bandwidth(o: BandwidthOptions): Rule<{ logged: boolean }> {
  const bytesPerMs = (o.kibPerSecond * 1024) / 1000;
  const hold = (seg: Segment, st: { logged: boolean }, ctx: RuleContext): Verdict => {
    const first = !st.logged;
    st.logged = true;
    return { kind: 'delay', ms: Math.ceil(seg.data.length / bytesPerMs), ...(first ? { log: genericLog(ctx, 'bandwidth', `fault: ${o.kibPerSecond} KiB/s per direction`) } : {}) };
  };
  return { name: 'bandwidth', init: () => ({ logged: false }), onClientSegment: hold, onServerSegment: hold, onTlsSegment: hold };
}
