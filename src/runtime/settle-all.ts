/**
 * Runs `task` for every item, at most `limit` at a time per key (a sender node), and resolves with
 * the results in item order once all have settled; rejects with the first failure after that.
 */
export async function settleAll<I, R>(items: readonly I[], keyOf: (i: I) => string, limit: number, task: (i: I) => Promise<R>): Promise<R[]> {
  const queues = new Map<string, number[]>();
  items.forEach((it, i) => {
    const k = keyOf(it);
    queues.set(k, [...(queues.get(k) ?? []), i]);
  });
  const out = new Array<PromiseSettledResult<R>>(items.length);
  await Promise.all(
    [...queues.values()].flatMap((idx) => {
      let next = 0;
      const worker = async () => {
        while (next < idx.length) {
          const i = idx[next++];
          out[i] = await task(items[i]).then(
            (value) => ({ status: 'fulfilled', value }) as const,
            (reason: unknown) => ({ status: 'rejected', reason }) as const,
          );
        }
      };
      return Array.from({ length: Math.min(limit, idx.length) }, worker);
    }),
  );
  const failed = out.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return out.map((r) => (r as PromiseFulfilledResult<R>).value);
}
