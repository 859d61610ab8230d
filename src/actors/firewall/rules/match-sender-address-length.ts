import { verdictFor } from '../engine/match-action.js';
import { hits, thresholdText } from '../engine/threshold.js';
import { PASS, type Rule } from '../engine/types.js';
import type { LengthMatchOptions } from './match-cmd-line-length.js';

/** Length of the address in `MAIL FROM:<addr>` (up to `>`, or the end of the line). */
export function senderAddressLength(head: string, lineLen: number): number {
  const lt = head.indexOf('<');
  if (lt < 0) return Math.max(0, lineLen - (head.indexOf(':') + 1));
  const gt = head.indexOf('>', lt);
  return gt >= 0 ? gt - lt - 1 : lineLen - lt - 1;
}

/** `match [not] sender-address length gt N` — checked on the complete MAIL command. */
export function matchSenderAddressLength(o: LengthMatchOptions): Rule {
  const criterion = thresholdText(o, 'sender-address length');
  return {
    name: 'match-sender-address-length',
    bodySegments: 'skip',
    onClientSegment(seg, _st, ctx) {
      for (const p of seg.pieces) {
        if (p.kind !== 'command' || p.verb !== 'MAIL' || !p.complete) continue;
        const len = senderAddressLength(p.head, p.lineLen);
        if (!hits(o, len)) continue;
        return verdictFor(o.action, ctx, 'match-sender-address-length', criterion, `sender address of ${len} octets`);
      }
      return PASS;
    },
  };
}
