import { mailAddress, printable } from '../engine/bytes.js';
import { verdictFor, type MatchAction } from '../engine/match-action.js';
import { PASS, type Rule } from '../engine/types.js';

export interface SenderRegexMatchOptions {
  /** the regex name (or quoted inline pattern) as configured, for the log line */
  name: string;
  /** the ASA regular expression (JS syntax is the same for what the ASA has) */
  pattern: string;
  /** `match not …`: act on senders that do NOT match */
  not?: boolean;
  action: MatchAction;
}

/**
 * `match [not] sender-address regex NAME` — the address of a complete `MAIL FROM:` line tested
 * against the regex (unanchored, case-sensitive, like the ASA). [ASA9FW] CONFIRMED criterion.
 */
export function matchSenderAddressRegex(o: SenderRegexMatchOptions): Rule {
  const re = new RegExp(o.pattern);
  const criterion = `${o.not ? 'not ' : ''}sender-address regex ${o.name}`;
  return {
    name: 'match-sender-address-regex',
    bodySegments: 'skip',
    onClientSegment(seg, _st, ctx) {
      for (const p of seg.pieces) {
        if (p.kind !== 'command' || p.verb !== 'MAIL' || !p.complete) continue;
        const addr = mailAddress(p.head);
        if (re.test(addr) === !!o.not) continue;
        return verdictFor(o.action, ctx, 'match-sender-address-regex', criterion, `sender <${printable(addr, 80)}>`);
      }
      return PASS;
    },
  };
}
