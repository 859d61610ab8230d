import type { CheckResult, SessionResult } from '../model/result.js';
import type { Expectation } from '../scenario/schema.js';

/** A check: a function of one expectation field, one session and the run's context (pure except golden files). */
export type Check<K extends CheckKey> = (expected: NonNullable<Expectation[K]>, session: SessionResult, ctx: CheckContext) => CheckResult[];

/** Where the expectation was written and how the run treats golden files. */
export interface CheckContext {
  /** the scenario file: relative paths in expectations are resolved against its folder ('' = the working directory) */
  file: string;
  /** mxlab run --update: write missing or changed golden files instead of failing */
  update: boolean;
  /** golden files written so far in this run (path → text), so two runs writing different text to one file are caught */
  written: Map<string, string>;
}

export function checkContext(file = '', update = false): CheckContext {
  return { file, update, written: new Map() };
}

export type CheckKey = Exclude<keyof Expectation, 'message' | 'when'>;

export function result(name: string, ok: boolean, expected: unknown, actual: unknown, note?: string): CheckResult {
  return { name, ok, expected, actual, ...(note ? { note } : {}) };
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
