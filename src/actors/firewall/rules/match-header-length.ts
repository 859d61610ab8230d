import { verdictFor } from '../engine/match-action.js';
import { PASS, type Rule } from '../engine/types.js';
import type { LengthMatchOptions } from './match-cmd-line-length.js';

/** `match header length gt N` — the header section of a message exceeds N octets (counted, not kept). */
export function matchHeaderLength(o: LengthMatchOptions): Rule<{ bytes: number; fired: boolean }> {
  return {
    name: 'match-header-length',
    bodySegments: 'skip',
    init: () => ({ bytes: 0, fired: false }),
    onClientSegment(seg, st, ctx) {
      for (const p of seg.pieces) {
        if (p.kind === 'eod') Object.assign(st, { bytes: 0, fired: false });
        if (p.kind !== 'data' || !p.header) continue;
        st.bytes += p.end - p.start;
        if (st.fired || st.bytes <= o.gt) continue;
        st.fired = true;
        return verdictFor(o.action, ctx, 'match-header-length', `header length gt ${o.gt}`, `header section over ${st.bytes} octets`);
      }
      return PASS;
    },
  };
}
