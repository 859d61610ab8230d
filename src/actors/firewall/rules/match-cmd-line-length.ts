import { verdictFor } from '../engine/match-action.js';
import { lineHit, lineText, thresholdText, type ThresholdMatchOptions } from '../engine/threshold.js';
import { PASS, type Rule } from '../engine/types.js';

export type LengthMatchOptions = ThresholdMatchOptions;

/**
 * `match cmd line length gt N` — a command line longer than N octets (CRLF excluded), caught as
 * soon as it is over. `match not …`: a complete command line of at most N octets.
 */
export function matchCmdLineLength(o: LengthMatchOptions): Rule<{ fired: boolean }> {
  const criterion = thresholdText(o, 'cmd line length');
  return {
    name: 'match-cmd-line-length',
    bodySegments: 'skip',
    init: () => ({ fired: false }),
    onClientSegment(seg, st, ctx) {
      for (const p of seg.pieces) {
        if (p.kind !== 'command') continue;
        if (!lineHit(o, st, p)) continue;
        return verdictFor(o.action, ctx, 'match-cmd-line-length', criterion, `${lineText(o, p)}: ${JSON.stringify(p.head.slice(0, 40))}`);
      }
      return PASS;
    },
  };
}
