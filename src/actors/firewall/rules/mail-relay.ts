import { genericLog, mailAddress, printable } from '../engine/bytes.js';
import { describeAction, verdictFor, type MatchAction } from '../engine/match-action.js';
import { PASS, type Rule } from '../engine/types.js';

export interface MailRelayOptions {
  /** the domain mail may be relayed to (lower case) */
  domain: string;
  action: MatchAction;
}

/** The recipient's domain is `domain` or one of its subdomains. */
export function inDomain(addr: string, domain: string): boolean {
  const at = addr.lastIndexOf('@');
  if (at < 0) return true; // a local recipient (`postmaster`) is not relayed
  const d = addr.slice(at + 1).replace(/\.$/, '').toLowerCase();
  return d === domain || d.endsWith(`.${domain}`);
}

/**
 * `parameters` / `mail-relay DOMAIN action drop-connection [log] | log`: a RCPT to a domain
 * other than DOMAIN (or its subdomains) is a relay attempt. The criterion is CONFIRMED as a
 * command [ASA9FW]; what counts as relay is INFERRED.
 */
export function mailRelay(o: MailRelayOptions): Rule {
  return {
    name: 'mail-relay',
    bodySegments: 'skip',
    onClientSegment(seg, _st, ctx) {
      for (const p of seg.pieces) {
        if (p.kind !== 'command' || p.verb !== 'RCPT' || !p.complete) continue;
        const addr = mailAddress(p.head);
        if (inDomain(addr, o.domain)) continue;
        const v = verdictFor(o.action, ctx, 'mail-relay', `mail-relay ${o.domain}`, '');
        return { ...v, log: genericLog(ctx, 'mail-relay', `mail relay to <${printable(addr, 80)}> outside ${o.domain}: ${describeAction(o.action)}`) };
      }
      return PASS;
    },
  };
}
