import { attempt, type AttemptResult } from './attempt.js';
import { createDkimKey, dkimSignature, generatedBodyHash, signingKeyFor } from './dkim.js';
import { emlMessage } from './eml.js';
import { buildHeaders, type Content, type Header } from './message.js';
import { mtaLog } from './mta-log.js';
import { plainPlan, type TlsPlan, type Verdict } from './policy.js';
import { deliverByDns } from './route.js';
import type { DeliveryResult, DeliveryTarget, DkimKey, MessageSpec, SenderOptions } from './types.js';

/**
 * One delivery attempt of one message to the next hop, like an MTA's queue run, classified.
 * Never rejects for network or protocol trouble: every failure is a DeliveryResult.
 * Under `opportunistic`, a failed TLS handshake is followed by a plaintext connection as
 * `sender.plaintextFallback` says (`attempt` is the 1-based attempt number, for `next-attempt`).
 * Without a `target`, the next hop comes from the lab DNS (`sender.dns`): MX records in preference
 * order, DANE and MTA-STS as the sender's policy says (route.ts).
 */
export async function deliver(
  sender: SenderOptions,
  message: MessageSpec,
  target: DeliveryTarget | undefined,
  keys?: { dkim?: DkimKey },
  attemptNumber = 1,
): Promise<DeliveryResult> {
  const log: string[] = [];
  const content: Content = message.eml
    ? { kind: 'eml', bytes: await emlMessage(message.eml, message.headers) }
    : { kind: 'generated', headers: prepareHeaders(sender, message, keys?.dkim, log), id: message.id, ...(message.size !== undefined ? { size: message.size } : {}) };
  const job: Job = { sender, message, content, attemptNumber };
  if (target) return summarize(sender, await connectTo(job, target, plainPlan(sender.tls)), log);
  if (!sender.dns) throw new Error('deliver: no target and no lab DNS to find one');
  return deliverByDns(job, log);
}

/** What every connection of one delivery shares. */
export interface Job {
  sender: SenderOptions;
  message: MessageSpec;
  /** the message: generated headers and body, or an eml's bytes */
  content: Content;
  attemptNumber: number;
}

/** The connections to one address: one, or a plaintext one after a failed handshake (opportunistic, as plaintext-fallback says). */
export async function connectTo(job: Job, target: DeliveryTarget, tls: TlsPlan): Promise<AttemptResult[]> {
  const base = { sender: job.sender, message: job.message, target, content: job.content, tls };
  const results: AttemptResult[] = [await attempt({ ...base, startTls: job.message.starttls ?? 'auto' })];
  const first = results[0];
  if (first.reason === 'tls-failed' && tls.mode === 'opportunistic') {
    const fallback = job.sender.plaintextFallback ?? 'same-attempt';
    if (fallback === 'same-attempt' || (fallback === 'next-attempt' && job.attemptNumber > 1)) {
      first.log.push(mtaLog.retryPlain(job.message.id));
      results.push(await attempt({ ...base, startTls: 'never' }));
    } else {
      first.log.push(mtaLog.noPlainYet(job.message.id, fallback === 'never'));
    }
  }
  return results;
}

/** The delivery's result from its connections (the last one decides); `verdict` when none decided (every MX host failed before connecting). */
export function summarize(sender: SenderOptions, results: AttemptResult[], log: string[], extra: Partial<DeliveryResult> = {}, verdict?: Verdict): DeliveryResult {
  const last = results[results.length - 1];
  const v = verdict ?? last;
  return {
    outcome: v.outcome,
    reason: v.reason,
    tls: verdict ? false : last.tls,
    ...(v.detail !== undefined ? { detail: v.detail } : {}),
    clientView: last?.clientView ?? { banner: [], ehlo: [] },
    ...(last?.helo ? { helo: last.helo } : {}),
    transcript: results.flatMap((r) => r.transcript),
    ...(last?.localPort !== undefined ? { localPort: last.localPort } : {}),
    ...(sentOf(results) ? { sent: sentOf(results)! } : {}),
    connections: results.length,
    log: [...log, ...results.flatMap((r) => r.log)],
    ...(sender.keylog ? { keylog: results.flatMap((r) => r.keylog ?? []) } : {}),
    ...extra,
  };
}

/** What the last connection that reached DATA handed to SMTP. */
const sentOf = (results: AttemptResult[]) => [...results].reverse().find((r) => r.sent)?.sent;

/** Standard headers, plus a DKIM-Signature on top when the message asks for one. */
function prepareHeaders(sender: SenderOptions, message: MessageSpec, key: DkimKey | undefined, log: string[]): Header[] {
  const hostname = sender.hostname ?? `${sender.name}.example`;
  const now = new Date();
  const headers = buildHeaders(message, hostname, now);
  if (!message.dkim) return headers;
  let signingKey = key && signingKeyFor(key, message.headerFrom ?? message.from);
  if (!signingKey) {
    const domain = message.from.split('@').pop() || hostname;
    signingKey = createDkimKey(domain);
    log.push(`MID ${message.id} DKIM: no key given, signing with a key made for this message (d=${domain})`);
  }
  const signature = dkimSignature(headers, generatedBodyHash(message.id, message.size), signingKey, now.getTime() / 1000);
  log.push(`MID ${message.id} DKIM: signing with key ${signingKey.selector} for domain ${signingKey.domain}`);
  return [signature, ...headers];
}
