import type { ConnInfo } from './types.js';

/** A token bucket: `rate` events a second, bursts of up to `rate`. */
class Bucket {
  private tokens: number;
  constructor(
    private readonly rate: number,
    private t: number,
  ) {
    this.tokens = rate;
  }
  /** Takes one event at `now`: how long (ms) it must wait for its token (0: none). */
  take(now: number): number {
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.t) * this.rate) / 1000);
    this.t = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.rate);
  }
}

/** Per connection (gone with it), per `rate-limit` match line (its action object). */
const buckets = new WeakMap<ConnInfo, WeakMap<object, Bucket>>();

/**
 * `rate-limit N`: the matching events of one match line on one connection pass at most N a second
 * (bursts of N); the return value is how long (ms) the segment holding this one is held. Per
 * connection and the hold (not a drop) are INFERRED, see the README.
 */
export function rateLimitDelay(conn: ConnInfo, line: object, rate: number, now: number): number {
  let perConn = buckets.get(conn);
  if (!perConn) buckets.set(conn, (perConn = new WeakMap()));
  let b = perConn.get(line);
  if (!b) perConn.set(line, (b = new Bucket(rate, now)));
  return b.take(now);
}
