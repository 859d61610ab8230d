import type { CheckResult } from '../model/result.js';

/** `outcome: expected deferred, got delivered` */
export function describeCheck(c: CheckResult): string {
  if (c.name === 'golden' && typeof c.actual === 'string') {
    const multi = c.actual.includes('\n');
    return `golden: expected the transcript in ${String(c.expected)}, ${c.ok ? 'got the same' : multi && c.actual.startsWith('--- ') ? 'got a different one:' : `but ${c.actual.split('\n')[0]}`}`;
  }
  return `${c.name}: expected ${show(c.expected)}, got ${show(c.actual)}`;
}

export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return String(JSON.stringify(v));
}
