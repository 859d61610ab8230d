import { verdictFor } from '../engine/match-action.js';
import { PASS, type Rule } from '../engine/types.js';
import type { LengthMatchOptions } from './match-cmd-line-length.js';

/** `match header line length gt N` — a message header line longer than N octets (CRLF excluded). Streams: per line, bounded. */
export function matchHeaderLineLength(o: LengthMatchOptions): Rule<{ fired: boolean }> {
  return {
    name: 'match-header-line-length',
    bodySegments: 'skip',
    init: () => ({ fired: false }),
    onClientSegment(seg, st, ctx) {
      for (const p of seg.pieces) {
        if (p.kind !== 'data' || !(p.header)) continue;
        if (!p.continued) st.fired = false;
        if (st.fired || p.lineLen <= o.gt) continue;
        st.fired = true;
        return verdictFor(o.action, ctx, 'match-header-line-length', `header line length gt ${o.gt}`, `line of ${p.lineLen}+ octets`);
      }
      return PASS;
    },
  };
}
