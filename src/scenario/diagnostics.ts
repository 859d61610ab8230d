import { CODE, MxlabError } from '../errors.js';

/** One problem in a scenario file, with its position. */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  /** dotted path, e.g. `nodes.fw.device` */
  path: string;
  /** `expected …, got …` */
  message: string;
  hint?: string;
  /** a warning does not stop the run (errors have none) */
  severity?: 'warning';
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col} ${d.path || '(file)'}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}${d.hint ? ` — ${d.hint}` : ''}`;
}

/** Thrown by loadScenario with every problem of the file. */
export class ScenarioError extends MxlabError {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(CODE.SCENARIO_INVALID, diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'ScenarioError';
  }
}

export function dottedPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
}

/** Levenshtein distance, for "did you mean" hints. */
export function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(best.length / 3));
  return bestD <= limit ? `did you mean "${best}"?` : undefined;
}

export function oneOf(values: readonly string[]): string {
  return values.length === 1 ? `"${values[0]}"` : `one of ${values.map((v) => `"${v}"`).join(', ')}`;
}

export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return v.length > 60 ? `"${printable(v.slice(0, 57))}..." (${v.length.toLocaleString('en-US')} characters)` : `"${printable(v)}"`;
  return `${typeof v} ${String(v)}`;
}

/** A value as the user can read it on one line: control characters as \r, \n, \xNN. */
function printable(s: string): string {
  return s.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\r' ? '\\r' : c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
