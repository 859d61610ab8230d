/**
 * The closed-connection records of one node, in arrival order, with waiters. Both runtimes fill
 * one per firewall, recording hop and receiver persona; the collector reads them.
 */
export class RecordStore<T> {
  private readonly items: T[] = [];
  private readonly waiters = new Set<() => void>();

  push(r: T): void {
    this.items.push(r);
    for (const w of [...this.waiters]) w();
  }

  /** every record so far */
  get records(): readonly T[] {
    return this.items;
  }

  /** Resolves with the first record matching `match` (now or when it arrives), or undefined after `timeoutMs`. */
  wait(match: (r: T) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<T | undefined> {
    const now = this.items.find(match);
    if (now || timeoutMs <= 0 || signal?.aborted) return Promise.resolve(now);
    return new Promise((resolve) => {
      let seen = this.items.length;
      const waiter = () => {
        for (; seen < this.items.length; seen++) if (match(this.items[seen])) return done(this.items[seen]);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      const onAbort = () => done(undefined);
      const done = (r: T | undefined) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
        resolve(r);
      };
      this.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
