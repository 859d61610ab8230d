import type { Outcome, Reason } from '../../model/result.js';
import type { StartTlsMode, TlsPolicy } from './types.js';

/** A decision about the delivery: the closed set every failure is mapped to. */
export interface Verdict {
  outcome: Outcome;
  reason: Reason;
  detail?: string;
}

/** Whether the sender sends STARTTLS after a successful plaintext EHLO. */
export function shouldSendStartTls(policy: TlsPolicy, mode: StartTlsMode, advertised: boolean): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  return policy !== 'none' && advertised;
}

export function tlsRequired(policy: TlsPolicy): boolean {
  return policy === 'required' || policy === 'verify';
}

/** `250-STARTTLS` or `250 STARTTLS` among the EHLO reply lines. */
export function advertisesStartTls(ehloLines: string[]): boolean {
  return ehloLines.slice(1).some((line) => /^\d{3}[ -]STARTTLS\s*$/i.test(line));
}

/**
 * The session is ready for MAIL but unencrypted: may it go on? Under `required`/`verify` no
 * (Postfix `encrypt`: "TLS is required, but was not offered by host"), otherwise yes.
 * `startTlsReply` is the reply to STARTTLS when it was sent.
 */
export function plaintextVerdict(policy: TlsPolicy, startTlsReply: string | undefined): Verdict | undefined {
  if (!tlsRequired(policy)) return undefined;
  if (startTlsReply !== undefined) {
    return { outcome: 'deferred', reason: 'starttls-refused', detail: startTlsReply };
  }
  return { outcome: 'deferred', reason: 'tls-not-offered', detail: 'TLS is required, but was not offered by host' };
}
