import type { LineLog } from '../line-log.js';
import { timedOut } from './classify.js';
import type { MtaSender, MtaVerdict, SubmittedMessage } from './types.js';

/** Reads the outcome of queue id `id`'s next delivery attempt logged after line `at` (the log window starts at `from`). */
export type AttemptOutcome = (logs: LineLog, from: number, at: number, id: string, timeoutMs: number, signal?: AbortSignal) => Promise<MtaVerdict>;

/**
 * `MtaSender.follow` for an MTA whose log names each submitted message's queue id on one line:
 * `idOf(m)` reads the id from a line (undefined: not this message's line; it may count lines, as
 * OpenSMTPD's n-th envelope), then `outcome` reads the attempt — both within one timeout.
 */
export function followById(idOf: (m: SubmittedMessage) => (line: string) => string | undefined, what: (m: SubmittedMessage) => string, outcome: AttemptOutcome): MtaSender['follow'] {
  return async (logs, from, m, timeoutMs, signal) => {
    const deadline = Date.now() + timeoutMs;
    const read = idOf(m);
    let id = '';
    const at = await logs.waitFor((l) => {
      const x = read(l);
      if (x !== undefined) id = x;
      return x !== undefined;
    }, from, timeoutMs, signal);
    if (at < 0) return timedOut(what(m), []);
    return outcome(logs, from, at, id, Math.max(0, deadline - Date.now()), signal);
  };
}

/** `MtaSender.queue.follow`: the outcome of the queued message's next attempt, anywhere after `from`. */
export function followQueued(outcome: AttemptOutcome): NonNullable<MtaSender['queue']>['follow'] {
  return (logs, from, _m, id, timeoutMs, signal) => outcome(logs, from, from, id, timeoutMs, signal);
}
