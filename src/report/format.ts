import type { CheckResult } from '../model/result.js';

/** `outcome: expected deferred, got delivered` */
export function describeCheck(c: CheckResult): string {
  return `${c.name}: expected ${show(c.expected)}, got ${show(c.actual)}`;
}

export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return String(JSON.stringify(v));
}
