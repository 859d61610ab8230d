import type { CiscoConfig } from '../config/model.js';
import type { RuleSpec, RuleSpecData } from '../rules/index.js';
import { ehloParameterMatcher, type EhloParameterMatch } from '../rules/mask-ehlo-parameter.js';

/**
 * What a device does to one EHLO keyword and the command a client may send once it is offered, read
 * off its rule list: whether a server's `250 <keyword>` line reaches the client, and whether a
 * clear-text `<verb>` command reaches the server. A device that does the first and not the second —
 * an ASA with a map of one's own without `match ehlo-reply-parameter others` / `mask`, for CHUNKING /
 * BDAT, and, without `allow-tls` as well, for STARTTLS — offers an extension and then breaks the
 * command that uses it (docs/devices.md, "A map of your own and the EHLO reply").
 */
export interface OfferFacts {
  /** a server's EHLO line with the keyword reaches the client as the server sent it */
  offers: boolean;
  /** a clear-text command with the verb is masked or rewritten (it is not on the command allow-list) */
  masks: boolean;
  /** the ESMTP inspection map in force (Cisco devices): its name and config line, 0 for a built-in map */
  map?: { name: string; line: number };
}

const up = (words: readonly string[]) => words.map((w) => w.toUpperCase());
const OTHERS: EhloParameterMatch[] = [{ params: [], others: true }];

/** Does this rule let a client command with this verb reach the server as sent? */
function verbPasses(r: RuleSpec, verb: string): boolean {
  if (r.name === 'mask-command') return r.options.denied ? !up(r.options.denied).includes(verb) : up(r.options.allowed).includes(verb);
  if (r.name === 'mailguard-noop') return up(r.options.allowed).includes(verb) && !(verb === 'EHLO' && r.options.ehlo !== 'same');
  return true;
}

/** Does this rule mask, remove, or end the connection on an EHLO reply line with this keyword? */
function hidesKeyword(r: RuleSpec, keyword: string): boolean {
  if (r.name === 'mask-ehlo-parameter') {
    const pass = new Set(up(r.options.pass));
    return (r.options.lines ?? OTHERS).some((m) => ehloParameterMatcher(m, pass)(keyword));
  }
  if (r.name === 'match-ehlo-reply-parameter') {
    // log and rate-limit let the line through; drop-connection and reset end the session there
    const ends = r.options.action.kind === 'drop-connection' || r.options.action.kind === 'reset';
    return ends && ehloParameterMatcher(r.options, new Set(up(r.options.pass)))(keyword);
  }
  if (r.name === 'remove-ehlo-parameter') return r.options.mode === 'keep' ? !up(r.options.keywords).includes(keyword) : up(r.options.keywords).includes(keyword);
  return false;
}

/**
 * `specs`: a profile's rules (the families build them as RuleSpec); `cfg`: a Cisco device's config, for
 * the map's name and line; `keyword` / `verb` in upper case (`CHUNKING` / `BDAT`, `STARTTLS` / `STARTTLS`).
 */
export function offerFacts(specs: readonly RuleSpecData[], cfg: CiscoConfig | undefined, keyword: string, verb: string): OfferFacts {
  const rules = specs as readonly RuleSpec[];
  const offers = rules.every((r) => verbPasses(r, 'EHLO') && !hidesKeyword(r, keyword));
  const masks = !rules.every((r) => verbPasses(r, verb));
  const name = cfg?.inspectEsmtp.on ? (cfg.inspectEsmtp.map ?? '_default_esmtp_map') : undefined;
  const map = name !== undefined ? { name, line: cfg?.maps.get(name)?.line ?? 0 } : undefined;
  return { offers, masks, ...(map ? { map } : {}) };
}
