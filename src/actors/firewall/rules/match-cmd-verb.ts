import { Rewriter } from '../engine/bytes.js';
import { verdictFor, type MatchAction } from '../engine/match-action.js';
import { PASS, type Rule } from '../engine/types.js';

export interface CmdVerbMatchOptions {
  verbs: string[];
  /** `match not cmd verb …`: act on every other verb (an allow-list) */
  not?: boolean;
  action: MatchAction;
}

/** `match cmd verb V…` — `mask` X's the command line (length kept); other actions as configured. */
export function matchCmdVerb(o: CmdVerbMatchOptions): Rule {
  const verbs = new Set(o.verbs.map((v) => v.toUpperCase()));
  return {
    name: 'match-cmd-verb',
    bodySegments: 'skip',
    onClientSegment(seg, _st, ctx) {
      const hits = seg.pieces.filter((p) => p.kind === 'command' && !p.continued && !!p.verb && verbs.has(p.verb) !== !!o.not);
      if (!hits.length) return PASS;
      const v = verdictFor(o.action, ctx, 'match-cmd-verb', `${o.not ? 'not ' : ''}cmd verb ${o.verbs.join(' ')}`, `command ${hits[0].verb}`);
      if (o.action.kind !== 'mask') return v;
      const w = new Rewriter(seg.data);
      for (const p of hits) w.fill(p.start, p.end, 'X');
      return { kind: 'rewrite', data: w.data, ...(o.action.log ? { log: v.log } : {}) };
    },
  };
}
