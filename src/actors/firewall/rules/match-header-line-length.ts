import { verdictFor } from '../engine/match-action.js';
import { lineHit, lineText, thresholdText } from '../engine/threshold.js';
import { PASS, type Rule } from '../engine/types.js';
import type { LengthMatchOptions } from './match-cmd-line-length.js';

/**
 * `match header line length gt N` — a message header line longer than N octets (CRLF excluded).
 * Streams: per line, bounded. `match not …`: a complete header line of at most N octets (the empty
 * line that ends the header section is not a header line).
 */
export function matchHeaderLineLength(o: LengthMatchOptions): Rule<{ fired: boolean }> {
  const criterion = thresholdText(o, 'header line length');
  return {
    name: 'match-header-line-length',
    bodySegments: 'skip',
    init: () => ({ fired: false }),
    onClientSegment(seg, st, ctx) {
      for (const p of seg.pieces) {
        if (p.kind !== 'data' || !p.header) continue;
        if (!lineHit(o, st, p) || (o.not && p.lineLen === 0)) continue;
        return verdictFor(o.action, ctx, 'match-header-line-length', criterion, lineText(o, p));
      }
      return PASS;
    },
  };
}
