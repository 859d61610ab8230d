import { verdictFor, type MatchAction } from '../engine/match-action.js';
import { PASS, type Rule } from '../engine/types.js';

export interface LengthMatchOptions {
  gt: number;
  action: MatchAction;
}

/** `match cmd line length gt N` — a command line longer than N octets (CRLF excluded). */
export function matchCmdLineLength(o: LengthMatchOptions): Rule<{ fired: boolean }> {
  return {
    name: 'match-cmd-line-length',
    bodySegments: 'skip',
    init: () => ({ fired: false }),
    onClientSegment(seg, st, ctx) {
      for (const p of seg.pieces) {
        if (p.kind !== 'command') continue;
        if (!p.continued) st.fired = false;
        if (st.fired || p.lineLen <= o.gt) continue;
        st.fired = true;
        return verdictFor(o.action, ctx, 'match-cmd-line-length', `cmd line length gt ${o.gt}`, `line of ${p.lineLen}+ octets: ${JSON.stringify(p.head.slice(0, 40))}`);
      }
      return PASS;
    },
  };
}
