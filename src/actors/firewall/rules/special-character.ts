import { genericLog, mailAddress, printable } from '../engine/bytes.js';
import { describeAction, verdictFor, type MatchAction } from '../engine/match-action.js';
import { PASS, type Rule } from '../engine/types.js';

export interface SpecialCharacterOptions {
  action: MatchAction;
  /** the characters looked for; default `|` `"` `'` */
  chars?: string;
}

export const SPECIAL_CHARACTERS = '|"\'';

/**
 * `parameters` / `special-character action drop-connection [log] | log` (7.2+ inspect maps):
 * a special character in the address of a complete MAIL or RCPT line triggers the action.
 * Which characters count is not in the spec: `|` `"` `'` (INFERRED). Default map: off.
 */
export function specialCharacter(o: SpecialCharacterOptions): Rule {
  const chars = o.chars ?? SPECIAL_CHARACTERS;
  return {
    name: 'special-character',
    bodySegments: 'skip',
    onClientSegment(seg, _st, ctx) {
      for (const p of seg.pieces) {
        if (p.kind !== 'command' || (p.verb !== 'MAIL' && p.verb !== 'RCPT') || !p.complete) continue;
        const addr = mailAddress(p.head);
        const hit = [...addr].find((c) => chars.includes(c));
        if (hit === undefined) continue;
        const v = verdictFor(o.action, ctx, 'special-character', 'special-character', '');
        const where = p.verb === 'MAIL' ? 'sender' : 'recipient';
        const log = genericLog(ctx, 'special-character', `special character '${hit}' in ${where} address <${printable(addr, 80)}>: ${describeAction(o.action)}`);
        return { ...v, log };
      }
      return PASS;
    },
  };
}
