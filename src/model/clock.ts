/** The run's clock: one timeline for every actor. Injectable for tests. */
export interface Clock {
  /** ms since the start of the run (a cell: its scenario time), sub-ms precision */
  now(): number;
}

export function monotonicClock(): Clock {
  const start = process.hrtime.bigint();
  return { now: () => Number(process.hrtime.bigint() - start) / 1e6 };
}

/**
 * A cell's scenario clock: it runs with real time while anything happens (sessions take the time
 * they take) and jumps forward over the idle stretches between events (`advanceTo`), so hours of
 * queue time pass in the time of the sessions. Every `t` a cell records is read from it.
 */
export class ScenarioClock implements Clock {
  private readonly start = process.hrtime.bigint();
  private skipped = 0;

  now(): number {
    return Number(process.hrtime.bigint() - this.start) / 1e6 + this.skipped;
  }

  /** Jumps to scenario time `t` (never backwards); returns how far it jumped, in ms. */
  advanceTo(t: number): number {
    const gap = t - this.now();
    if (gap <= 0) return 0;
    this.skipped += gap;
    return gap;
  }

  /**
   * Makes now() read 0: the schedule's start is scenario time 0 (starting the nodes — seconds of
   * containers — does not count). Records made before it read negative.
   */
  rebase(): void {
    this.skipped -= this.now();
  }

  /** scenario time minus real time since the clock started (what a program keeping real time must add) */
  get skippedMs(): number {
    return this.skipped;
  }
}
