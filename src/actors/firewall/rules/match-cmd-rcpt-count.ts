import { verdictFor } from '../engine/match-action.js';
import { thresholdText, type ThresholdMatchOptions } from '../engine/threshold.js';
import { PASS, type Rule } from '../engine/types.js';

export type CountMatchOptions = ThresholdMatchOptions;

/**
 * `match cmd RCPT count gt N` — more than N RCPT commands in one transaction, caught at RCPT N+1.
 * `match not …`: a transaction that reaches DATA with at most N RCPTs (judged at the DATA command).
 */
export function matchCmdRcptCount(o: CountMatchOptions): Rule {
  const criterion = thresholdText(o, 'cmd RCPT count');
  return {
    name: 'match-cmd-rcpt-count',
    bodySegments: 'skip',
    onClientSegment(seg, _st, ctx) {
      for (const p of seg.pieces) {
        if (p.kind !== 'command' || p.verb !== (o.not ? 'DATA' : 'RCPT') || !p.complete) continue;
        const n = p.rcptCount ?? 0;
        if (o.not ? n > o.gt : n <= o.gt) continue;
        return verdictFor(o.action, ctx, 'match-cmd-rcpt-count', criterion, o.not ? `DATA after ${n} RCPT` : `RCPT number ${n}`);
      }
      return PASS;
    },
  };
}
