import { verdictFor, type MatchAction } from '../engine/match-action.js';
import { PASS, type Rule } from '../engine/types.js';
import { ehloKeyword, ehloParameterMatcher, ehloParameterText, type EhloParameterMatch } from './mask-ehlo-parameter.js';

export interface EhloReplyParameterMatchOptions extends EhloParameterMatch {
  /** the keywords `others` leaves out (the pass set of `mask-ehlo-parameter`) */
  pass: string[];
  action: MatchAction;
}

/**
 * `match [not] ehlo-reply-parameter P… → log | drop-connection | reset | rate-limit`: an EHLO reply line
 * (not the first) whose keyword the line matches, judged where the line starts. `mask` is the rule
 * `mask-ehlo-parameter`. [ASA9FW] CONFIRMED criterion and actions; what a non-mask action does to the
 * reply is the generic one (the reply segment is dropped with the connection, or passes logged).
 */
export function matchEhloReplyParameter(o: EhloReplyParameterMatchOptions): Rule {
  const matches = ehloParameterMatcher(o, new Set(o.pass.map((k) => k.toUpperCase())));
  const criterion = `ehlo-reply-parameter ${ehloParameterText(o)}`;
  return {
    name: 'match-ehlo-reply-parameter',
    onServerSegment(seg, _st, ctx) {
      for (const p of seg.pieces) {
        if (p.kind !== 'reply' || p.replyTo !== 'EHLO' || p.lineIndex === 0 || p.continued) continue;
        const keyword = ehloKeyword(p.head.slice(4));
        if (keyword === '' || !matches(keyword)) continue;
        return verdictFor(o.action, ctx, 'match-ehlo-reply-parameter', criterion, `EHLO keyword ${keyword}`);
      }
      return PASS;
    },
  };
}
