import type { Clock } from '../model/clock.js';
import { UsageError, type Io } from './command.js';

/** The run clock for standalone servers: ms since --epoch-origin (shared with a runner), else since start. */
export function epochClock(origin: string | undefined): Clock {
  const base = origin === undefined ? Date.now() : Number(origin);
  if (!Number.isFinite(base)) throw new UsageError(`--epoch-origin expects milliseconds since 1970, got "${origin}"`);
  const hr0 = process.hrtime.bigint();
  const offset = Date.now() - base;
  return { now: () => offset + Number(process.hrtime.bigint() - hr0) / 1e6 };
}

/**
 * Transcript lines (and firewall events) a standalone server keeps per connection: a normal
 * session has a few dozen; a peer that floods commands is counted past this, not stored.
 */
export const SERVER_TRANSCRIPT_ENTRIES = 1000;

/** Resolves when the user interrupts (SIGINT/SIGTERM via io.signal). */
export function untilInterrupted(io: Io): Promise<void> {
  return new Promise((resolve) => (io.signal.aborted ? resolve() : io.signal.addEventListener('abort', () => resolve(), { once: true })));
}

export function jsonLine(io: Io, obj: unknown): void {
  io.stdout.write(JSON.stringify(obj) + '\n');
}
