import type { CheckResult, SessionResult } from '../model/result.js';
import type { Expectation } from '../scenario/schema.js';

/** A check: a pure function of one expectation field and one session. */
export type Check<K extends CheckKey> = (expected: NonNullable<Expectation[K]>, session: SessionResult) => CheckResult[];

export type CheckKey = Exclude<keyof Expectation, 'message' | 'when'>;

export function result(name: string, ok: boolean, expected: unknown, actual: unknown): CheckResult {
  return { name, ok, expected, actual };
}

/** includes / excludes / equals over a list of lines: `includes` = some line contains the text. */
export function lineChecks(
  name: string,
  spec: { includes?: string[]; excludes?: string[]; equals?: string[] | string },
  lines: string[],
): CheckResult[] {
  const out: CheckResult[] = [];
  for (const want of spec.includes ?? []) out.push(result(`${name}.includes`, lines.some((l) => l.includes(want)), want, lines));
  for (const not of spec.excludes ?? []) out.push(result(`${name}.excludes`, !lines.some((l) => l.includes(not)), `no line containing ${not}`, lines));
  if (spec.equals !== undefined) {
    const want = Array.isArray(spec.equals) ? spec.equals : [spec.equals];
    out.push(result(`${name}.equals`, want.length === lines.length && want.every((w, i) => w === lines[i]), want, lines));
  }
  return out;
}
