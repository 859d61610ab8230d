import type { SenderNode } from './schema.js';

/** How a sender node keeps a deferred message: the delays between attempts (the last repeats) and how long it tries. */
export interface QueuePolicy {
  /** ms between the end of a failed attempt and the next one; the last repeats */
  delays: number[];
  /** ms in the queue after which the next failed attempt bounces the message (reason `expired`) */
  lifetime: number;
}

/** Postfix's maximal_queue_lifetime default (5d): the queue lifetime of a sender with `retry:` but none given. */
export const DEFAULT_QUEUE_LIFETIME_MS = 5 * 86_400_000;
/**
 * Postfix's backoff with its defaults (minimal_backoff_time 300s, doubling up to maximal_backoff_time
 * 4000s): the delays of a sender that gives `queue-lifetime:` without `retry:`.
 */
export const POSTFIX_BACKOFF_MS = [300_000, 600_000, 1_200_000, 2_400_000, 4_000_000];
/** No message is tried more often than this (validation refuses a policy that would): 5d at one a minute fits. */
export const MAX_ATTEMPTS = 10_000;

/** The node's queue policy; undefined = one attempt, as without a queue. */
export function queuePolicy(node: SenderNode): QueuePolicy | undefined {
  const lifetime = node['queue-lifetime'];
  if (!node.retry && lifetime === undefined) return undefined;
  return { delays: node.retry ?? POSTFIX_BACKOFF_MS, lifetime: lifetime ?? DEFAULT_QUEUE_LIFETIME_MS };
}

/** The delay after failed attempt `n` (1-based). */
export function delayAfter(p: QueuePolicy, n: number): number {
  return p.delays[Math.min(n, p.delays.length) - 1];
}

/** How many attempts the policy makes at most when every attempt fails at once (validation's bound). */
export function attemptsWithin(p: QueuePolicy): number {
  let t = 0;
  let n = 1;
  while (t < p.lifetime && n <= MAX_ATTEMPTS) {
    t += delayAfter(p, n);
    n++;
  }
  return n;
}
