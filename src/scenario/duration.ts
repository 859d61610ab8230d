/**
 * Durations as a scenario writes them: `250ms`, `90s`, `10m`, `4h`, `2d`, or parts run together
 * (`1h30m`). The number 0 is zero. Scenario time (timeline `at:`, `retry:`, `queue-lifetime:`,
 * `delivered-after:`) is counted in ms from the start of a run.
 */
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
export const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
/** The longest duration a scenario may name: 366 days. */
export const MAX_DURATION_MS = 366 * 86_400_000;

/** ms of a duration, or undefined when it is not one. */
export function parseDuration(value: string | number): number | undefined {
  if (value === 0) return 0;
  if (typeof value !== 'string' || !DURATION_PATTERN.test(value)) return undefined;
  let ms = 0;
  for (const m of value.matchAll(PART)) ms += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  return Math.round(ms);
}

