import { verdictFor } from '../engine/match-action.js';
import { PASS, type Piece, type Rule, type RuleContext, type Verdict } from '../engine/types.js';
import type { LengthMatchOptions } from './match-cmd-line-length.js';

/**
 * `match body line length gt N` — a message body line longer than N octets (CRLF excluded). Streams: per line, bounded.
 * Body-only segments are searched in jumps of N bytes (`BodyView.firstLongLine`), not line by line.
 */
export function matchBodyLineLength(o: LengthMatchOptions): Rule<{ fired: boolean }> {
  const hit = (ctx: RuleContext, p: Piece): Verdict =>
    verdictFor(o.action, ctx, 'match-body-line-length', `body line length gt ${o.gt}`, `line of ${p.lineLen}+ octets`);
  return {
    name: 'match-body-line-length',
    bodySegments: 'view',
    init: () => ({ fired: false }),
    onClientSegment(seg, st, ctx) {
      const b = seg.body;
      if (b) {
        // the first piece may continue a line already reported; every later piece starts a line
        const p = b.firstLongLine(o.gt, b.continued && st.fired ? b.secondLine : 0);
        if (p) {
          st.fired = true;
          return hit(ctx, p);
        }
        if (!b.continued || b.secondLine < b.data.length) st.fired = false;
        return PASS;
      }
      for (const p of seg.pieces) {
        if (p.kind !== 'data' || p.header) continue;
        if (!p.continued) st.fired = false;
        if (st.fired || p.lineLen <= o.gt) continue;
        st.fired = true;
        return hit(ctx, p);
      }
      return PASS;
    },
  };
}
