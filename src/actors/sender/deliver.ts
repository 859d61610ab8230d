import { attempt, type AttemptResult } from './attempt.js';
import { createDkimKey, dkimSignature, generatedBodyHash } from './dkim.js';
import { approximateSize, buildHeaders, type Header } from './message.js';
import { mtaLog } from './mta-log.js';
import type { DeliveryResult, DeliveryTarget, DkimKey, MessageSpec, SenderOptions } from './types.js';

/**
 * One delivery attempt of one message to the next hop, like an MTA's queue run, classified.
 * Never rejects for network or protocol trouble: every failure is a DeliveryResult.
 * Under `opportunistic`, a failed TLS handshake is followed by a plaintext connection as
 * `sender.plaintextFallback` says (`attempt` is the 1-based attempt number, for `next-attempt`).
 */
export async function deliver(
  sender: SenderOptions,
  message: MessageSpec,
  target: DeliveryTarget,
  keys?: { dkim?: DkimKey },
  attemptNumber = 1,
): Promise<DeliveryResult> {
  const log: string[] = [];
  const headers = prepareHeaders(sender, message, keys?.dkim, log);
  const size = approximateSize(headers, message.size);
  const base = { sender, message, target, headers, size };
  const results: AttemptResult[] = [await attempt({ ...base, startTls: message.starttls ?? 'auto' })];
  const first = results[0];
  if (first.reason === 'tls-failed' && sender.tls === 'opportunistic') {
    const fallback = sender.plaintextFallback ?? 'same-attempt';
    if (fallback === 'same-attempt' || (fallback === 'next-attempt' && attemptNumber > 1)) {
      first.log.push(mtaLog.retryPlain(message.id));
      results.push(await attempt({ ...base, startTls: 'never' }));
    } else {
      first.log.push(mtaLog.noPlainYet(message.id, fallback === 'never'));
    }
  }
  const last = results[results.length - 1];
  return {
    outcome: last.outcome,
    reason: last.reason,
    tls: last.tls,
    ...(last.detail !== undefined ? { detail: last.detail } : {}),
    clientView: last.clientView,
    ...(last.helo ? { helo: last.helo } : {}),
    transcript: results.flatMap((r) => r.transcript),
    ...(last.localPort !== undefined ? { localPort: last.localPort } : {}),
    connections: results.length,
    log: [...log, ...results.flatMap((r) => r.log)],
    ...(sender.keylog ? { keylog: results.flatMap((r) => r.keylog ?? []) } : {}),
  };
}

/** Standard headers, plus a DKIM-Signature on top when the message asks for one. */
function prepareHeaders(sender: SenderOptions, message: MessageSpec, key: DkimKey | undefined, log: string[]): Header[] {
  const hostname = sender.hostname ?? `${sender.name}.example`;
  const now = new Date();
  const headers = buildHeaders(message, hostname, now);
  if (!message.dkim) return headers;
  let signingKey = key;
  if (!signingKey) {
    const domain = message.from.split('@').pop() || hostname;
    signingKey = createDkimKey(domain);
    log.push(`MID ${message.id} DKIM: no key given, signing with a key made for this message (d=${domain})`);
  }
  const signature = dkimSignature(headers, generatedBodyHash(message.id, message.size), signingKey, now.getTime() / 1000);
  log.push(`MID ${message.id} DKIM: signing with key ${signingKey.selector} for domain ${signingKey.domain}`);
  return [signature, ...headers];
}
