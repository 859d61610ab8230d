/** The run's clock: one timeline for every actor. Injectable for tests. */
export interface Clock {
  /** ms since the start of the run, sub-ms precision */
  now(): number;
}

export function monotonicClock(): Clock {
  const start = process.hrtime.bigint();
  return { now: () => Number(process.hrtime.bigint() - start) / 1e6 };
}
