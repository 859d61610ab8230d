import type { TlsaData } from '../../dns/tlsa.js';
import type { Outcome, Reason } from '../../model/result.js';
import type { StartTlsMode, TlsPolicy } from './types.js';

/** A decision about the delivery: the closed set every failure is mapped to. */
export interface Verdict {
  outcome: Outcome;
  reason: Reason;
  detail?: string;
}

/**
 * What one connection does about TLS. A plain policy is itself; `dane`, `dane-only` and `mta-sts`
 * become one per MX host once its TLSA records or the domain's MTA-STS policy are known (route.ts):
 * TLS mandatory or not, and the certificate checks made after the handshake.
 */
export interface TlsPlan {
  mode: 'none' | 'opportunistic' | 'required' | 'verify';
  /** mandatory TLS not offered or STARTTLS refused: this reason instead of tls-not-offered / starttls-refused */
  notOffered?: { reason: Reason; detail: string };
  /** authenticate the certificate with these TLSA records; `names` are the DANE-TA reference identifiers (RFC 7672 §3.2.2) */
  dane?: { records: TlsaData[]; names: string[] };
  /** MTA-STS (RFC 8461 §4.2): the certificate must be valid (run CA) for `host`, TLS 1.2 or later; enforce defers otherwise, testing only logs */
  sts?: { mode: 'enforce' | 'testing'; host: string; domain: string };
}

/** The plan of a policy that needs nothing from DNS (dane and mta-sts without the lab DNS: opportunistic). */
export function plainPlan(policy: TlsPolicy): TlsPlan {
  return { mode: policy === 'dane' || policy === 'dane-only' || policy === 'mta-sts' ? 'opportunistic' : policy };
}

/** Whether the sender sends STARTTLS after a successful plaintext EHLO. */
export function shouldSendStartTls(mode: TlsPlan['mode'], startTls: StartTlsMode, advertised: boolean): boolean {
  if (startTls === 'always') return true;
  if (startTls === 'never') return false;
  return mode !== 'none' && advertised;
}

export function tlsRequired(mode: TlsPlan['mode']): boolean {
  return mode === 'required' || mode === 'verify';
}

/** `250-STARTTLS` or `250 STARTTLS` among the EHLO reply lines. */
export function advertisesStartTls(ehloLines: string[]): boolean {
  return ehloLines.slice(1).some((line) => /^\d{3}[ -]STARTTLS\s*$/i.test(line));
}

/**
 * The session is ready for MAIL but unencrypted: may it go on? Under mandatory TLS no (Postfix
 * `encrypt`: "TLS is required, but was not offered by host"; DANE and MTA-STS enforce name their
 * own reason), otherwise yes. `startTlsReply` is the reply to STARTTLS when it was sent.
 */
export function plaintextVerdict(plan: TlsPlan, startTlsReply: string | undefined): Verdict | undefined {
  if (!tlsRequired(plan.mode)) return undefined;
  if (plan.notOffered) {
    const why = startTlsReply !== undefined ? `STARTTLS refused: ${startTlsReply}` : 'STARTTLS not offered';
    return { outcome: 'deferred', reason: plan.notOffered.reason, detail: `${plan.notOffered.detail} (${why})` };
  }
  if (startTlsReply !== undefined) {
    return { outcome: 'deferred', reason: 'starttls-refused', detail: startTlsReply };
  }
  return { outcome: 'deferred', reason: 'tls-not-offered', detail: 'TLS is required, but was not offered by host' };
}
