import type { BodyView } from '../engine/body-view.js';
import { verdictFor } from '../engine/match-action.js';
import { lineHit, lineText, thresholdText } from '../engine/threshold.js';
import { PASS, type Piece, type Rule, type RuleContext, type Verdict } from '../engine/types.js';
import type { LengthMatchOptions } from './match-cmd-line-length.js';

const LF = 0x0a;
const CR = 0x0d;

/** The first complete piece of at most `max` octets (CR/LF excluded): lines are short, so this stops early. */
function firstShortLine(b: BodyView, max: number): Piece | undefined {
  const d = b.data;
  const first = b.pieceAt(0);
  if (first.complete && first.lineLen <= max) return first;
  for (let s = b.secondLine, lf = d.indexOf(LF, s); lf >= 0; s = lf + 1, lf = d.indexOf(LF, s)) {
    const len = lf - s - (lf > s && d[lf - 1] === CR ? 1 : 0);
    if (len <= max) return b.pieceAt(s);
  }
  return undefined;
}

/**
 * `match body line length gt N` — a message body line longer than N octets (CRLF excluded). Streams: per line, bounded.
 * Body-only segments are searched in jumps of N bytes (`BodyView.firstLongLine`), not line by line.
 * `match not …`: a complete body line of at most N octets.
 */
export function matchBodyLineLength(o: LengthMatchOptions): Rule<{ fired: boolean }> {
  const criterion = thresholdText(o, 'body line length');
  const hit = (ctx: RuleContext, p: Piece): Verdict => verdictFor(o.action, ctx, 'match-body-line-length', criterion, lineText(o, p));
  return {
    name: 'match-body-line-length',
    bodySegments: 'view',
    init: () => ({ fired: false }),
    onClientSegment(seg, st, ctx) {
      const b = seg.body;
      if (b && o.not) {
        const p = firstShortLine(b, o.gt);
        return p ? hit(ctx, p) : PASS;
      }
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
        if (!lineHit(o, st, p)) continue;
        return hit(ctx, p);
      }
      return PASS;
    },
  };
}
