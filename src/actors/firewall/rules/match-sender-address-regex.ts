import { regexTest } from '../config/regex.js';
import { mailAddress, printable } from '../engine/bytes.js';
import { verdictFor } from '../engine/match-action.js';
import { PASS, type Rule } from '../engine/types.js';
import type { RegexMatchOptions } from './match-mime-filetype-regex.js';

/**
 * `match [not] sender-address regex NAME` — the address of a complete `MAIL FROM:` line tested
 * against the regex (unanchored, case-sensitive, like the ASA). [ASA9FW] CONFIRMED criterion.
 */
export function matchSenderAddressRegex(o: RegexMatchOptions): Rule {
  const test = regexTest(o.patterns, o.all);
  const criterion = `${o.not ? 'not ' : ''}sender-address regex ${o.name}`;
  return {
    name: 'match-sender-address-regex',
    bodySegments: 'skip',
    onClientSegment(seg, _st, ctx) {
      for (const p of seg.pieces) {
        if (p.kind !== 'command' || p.verb !== 'MAIL' || !p.complete) continue;
        const addr = mailAddress(p.head);
        if (test(addr) === !!o.not) continue;
        return verdictFor(o.action, ctx, 'match-sender-address-regex', criterion, `sender <${printable(addr, 80)}>`);
      }
      return PASS;
    },
  };
}
