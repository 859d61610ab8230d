import type { Persona, ReplyKind, TlsMode } from './persona.js';

/**
 * Verbs the engine answers: smtp-server's handlers (AUTH is disabled) plus BDAT (bdat.ts).
 * Other verbs a persona knows get `notImplemented`.
 */
export const ENGINE_VERBS: ReadonlySet<string> = new Set([
  'HELO', 'EHLO', 'MAIL', 'RCPT', 'DATA', 'RSET', 'NOOP', 'QUIT', 'HELP', 'VRFY', 'STARTTLS', 'BDAT',
]);

/** What the persona layer does with a command before smtp-server sees it. */
export type Verdict =
  | { action: 'pass' }
  /** answer with this persona reply; `bad` counts it against the bad-command limit */
  | { action: 'reply'; kind: ReplyKind; bad: boolean };

/**
 * Decides a command by its verb. Pure. Order: unrecognised verbs first (a masked `XXXXXXXX`
 * is unknown whatever the TLS policy), then STARTTLS on a listener without TLS, then the
 * `tls: required` gate, then verbs the persona knows but the engine does not implement.
 */
export function decide(p: Persona, verb: string, tls: TlsMode, secure: boolean): Verdict {
  const unknown: Verdict = { action: 'reply', kind: 'unknown', bad: true };
  if (!p.knownVerbs.includes(verb)) return unknown;
  if (verb === 'STARTTLS' && tls === 'off') {
    return p.replies.tlsUnavailable ? { action: 'reply', kind: 'tlsUnavailable', bad: false } : unknown;
  }
  if (tls === 'required' && !secure && !p.tlsRequiredAllows.includes(verb)) {
    return { action: 'reply', kind: 'tlsRequired', bad: false };
  }
  if (verb === 'HELP' && p.replies.help) return { action: 'reply', kind: 'help', bad: false };
  if (!ENGINE_VERBS.has(verb)) {
    return p.replies.notImplemented ? { action: 'reply', kind: 'notImplemented', bad: false } : unknown;
  }
  return { action: 'pass' };
}
