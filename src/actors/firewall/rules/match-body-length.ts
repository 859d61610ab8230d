import { verdictFor } from '../engine/match-action.js';
import { PASS, type Rule } from '../engine/types.js';
import type { LengthMatchOptions } from './match-cmd-line-length.js';

/** `match body length gt N` — the message body exceeds N octets (counted while streaming). */
export function matchBodyLength(o: LengthMatchOptions): Rule<{ bytes: number; fired: boolean }> {
  return {
    name: 'match-body-length',
    init: () => ({ bytes: 0, fired: false }),
    onClientSegment(seg, st, ctx) {
      for (const p of seg.pieces) {
        if (p.kind === 'eod') Object.assign(st, { bytes: 0, fired: false });
        if (p.kind !== 'data' || p.header) continue;
        st.bytes += p.end - p.start;
        if (st.fired || st.bytes <= o.gt) continue;
        st.fired = true;
        return verdictFor(o.action, ctx, 'match-body-length', `body length gt ${o.gt}`, `body over ${st.bytes} octets`);
      }
      return PASS;
    },
  };
}
