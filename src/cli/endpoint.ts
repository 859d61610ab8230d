import { UsageError } from './command.js';

/** Parses `HOST:PORT` (or `[v6]:PORT`, or `PORT` for 127.0.0.1). */
export function parseEndpoint(flag: string, value: string | undefined, fallback?: string): { host: string; port: number } {
  const v = value ?? fallback;
  if (v === undefined) throw new UsageError(`${flag} HOST:PORT is required`);
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(v) ?? (/^\d+$/.test(v) ? [v, undefined, '127.0.0.1', v] : null);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new UsageError(`${flag} expects HOST:PORT (e.g. 127.0.0.1:2525), got "${v}"`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/** A positive whole number of milliseconds, or undefined when the flag is absent. */
export function positiveMs(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} expects milliseconds (a positive whole number), got "${value}"`);
  return n;
}
