import { setMaxListeners } from 'node:events';

/** What one message of a cell may hold on the run's signal at once (a wait on a log, on a record, the delivery). */
export const LISTENERS_PER_MESSAGE = 4;
/** And each cell running at once (its start, its schedule, its runtime's disposal) plus the run's own. */
export const LISTENERS_PER_CELL = 8;

/**
 * The signal a run hands its cells and runtimes: aborted when the caller's is, with its reason. Every wait
 * of the run listens on it and removes its listener when it ends — the docker runtime follows all of a
 * cell's messages at once, each on an MTA's log or a node's records — so the listeners are many but
 * bounded: Node's default of 10 ("possible EventTarget memory leak", MaxListenersExceededWarning) was
 * passed by any docker cell with more than a few messages. The limit is what `jobs` cells of at most
 * `messages` messages can hold at once; more than that is a leak, and Node still says so. `release()`
 * (when the run ends) takes its one listener off the caller's signal.
 */
export function runSignal(caller: AbortSignal | undefined, o: { messages: number; jobs: number }): { signal?: AbortSignal; release(): void } {
  if (!caller) return { release: () => undefined };
  const own = new AbortController();
  setMaxListeners(o.jobs * (LISTENERS_PER_CELL + LISTENERS_PER_MESSAGE * o.messages), own.signal);
  const onAbort = () => own.abort(caller.reason);
  if (caller.aborted) onAbort();
  else caller.addEventListener('abort', onAbort, { once: true });
  // a caller's signal outlives the run (a test file's, a library user's): the run leaves no listener on it
  return { signal: own.signal, release: () => caller.removeEventListener('abort', onAbort) };
}
