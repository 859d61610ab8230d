import { verdictFor, type MatchAction } from '../engine/match-action.js';
import { PASS, type Rule } from '../engine/types.js';

export interface CountMatchOptions {
  gt: number;
  action: MatchAction;
}

/** `match cmd RCPT count gt N` — more than N RCPT commands in one transaction. */
export function matchCmdRcptCount(o: CountMatchOptions): Rule {
  return {
    name: 'match-cmd-rcpt-count',
    bodySegments: 'skip',
    onClientSegment(seg, _st, ctx) {
      for (const p of seg.pieces) {
        if (p.kind !== 'command' || p.verb !== 'RCPT' || !p.complete || (p.rcptCount ?? 0) <= o.gt) continue;
        return verdictFor(o.action, ctx, 'match-cmd-rcpt-count', `cmd RCPT count gt ${o.gt}`, `RCPT number ${p.rcptCount}`);
      }
      return PASS;
    },
  };
}
