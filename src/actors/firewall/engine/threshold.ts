import type { MatchAction } from './match-action.js';
import type { Piece } from './types.js';

/** `match [not] <length or count criterion> gt N`. [ASA9FW] CONFIRMED syntax, `not` included. */
export interface ThresholdMatchOptions {
  gt: number;
  /**
   * `match not …`: act when the value is at most N, judged once the value is final — a complete
   * line, a finished header section or message, the DATA of a transaction (INFERRED semantics)
   */
  not?: boolean;
  action: MatchAction;
}

/** The value is a hit: more than N, or with `not` at most N. */
export function hits(o: ThresholdMatchOptions, value: number): boolean {
  return value > o.gt !== !!o.not;
}

/** The criterion for the log line, e.g. `not cmd line length gt 512`. */
export function thresholdText(o: ThresholdMatchOptions, words: string): string {
  return `${o.not ? 'not ' : ''}${words} gt ${o.gt}`;
}

/** A line's length in a log line: `line of 1000+ octets` (caught while still growing), with `not` `line of 40 octets` (complete). */
export function lineText(o: ThresholdMatchOptions, p: Piece): string {
  return `line of ${p.lineLen}${o.not ? '' : '+'} octets`;
}

/** The empty line that ends a message's header section. */
export function endsHeader(p: Piece): boolean {
  return p.kind === 'data' && !!p.header && p.complete && p.lineLen === 0;
}

/**
 * A per-line criterion on piece `p`: without `not`, a line over N octets, once per line, as soon
 * as it is over (`st.fired` remembers the line was reported); with `not`, a complete line of at
 * most N octets.
 */
export function lineHit(o: ThresholdMatchOptions, st: { fired: boolean }, p: Piece): boolean {
  if (o.not) return p.complete && p.lineLen <= o.gt;
  if (!p.continued) st.fired = false;
  if (st.fired || p.lineLen <= o.gt) return false;
  return (st.fired = true);
}
