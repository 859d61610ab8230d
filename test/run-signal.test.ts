import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { LISTENERS_PER_CELL, LISTENERS_PER_MESSAGE, runSignal } from '../src/run/run-signal.js';
import { runScenario } from '../src/run/run-scenario.js';

/** The MaxListenersExceededWarnings `fn` makes Node emit (warnings are emitted on a later tick). */
async function leakWarnings(fn: () => void): Promise<string[]> {
  const seen: string[] = [];
  const onWarning = (w: Error) => void (w.name === 'MaxListenersExceededWarning' && seen.push(w.message));
  process.on('warning', onWarning);
  try {
    fn();
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', onWarning);
  }
  return seen;
}

const add = (s: AbortSignal, n: number) => {
  for (let i = 0; i < n; i++) s.addEventListener('abort', () => undefined);
};

describe("the run's signal", () => {
  it('takes a listener per wait of every message of the cells running at once without a leak warning, and warns past that', async () => {
    const limit = 2 * (LISTENERS_PER_CELL + LISTENERS_PER_MESSAGE * 12);
    const caller = new AbortController();
    const { signal } = runSignal(caller.signal, { messages: 12, jobs: 2 });
    // a docker cell of 12 messages followed at once passed Node's default of 10
    expect(await leakWarnings(() => add(signal!, limit))).toEqual([]);
    expect(await leakWarnings(() => add(signal!, 1))).toEqual([expect.stringContaining(`${limit + 1} abort listeners added to [AbortSignal]`)]);
  });

  it("aborts with the caller's reason, and leaves no listener on the caller's signal once released", () => {
    const caller = new AbortController();
    const run = runSignal(caller.signal, { messages: 1, jobs: 1 });
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    caller.abort('SIGTERM');
    expect([run.signal!.aborted, run.signal!.reason]).toEqual([true, 'SIGTERM']);
    run.release();
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    const already = runSignal(caller.signal, { messages: 1, jobs: 1 });
    expect(already.signal!.reason).toBe('SIGTERM');
    expect(runSignal(undefined, { messages: 1, jobs: 1 }).signal).toBeUndefined();
  });

  it('a run on a long-lived signal (a test file\'s, a library user\'s) leaves no listener on it', async () => {
    const caller = new AbortController();
    const source = `name: two
nodes:
  mx: { role: receiver, persona: postfix, hostname: mx.example }
  partner: { role: sender, hostname: mail.partner.example }
messages:
${Array.from({ length: 12 }, (_, i) => `  - { id: m${i}, from: partner, to: mx }`).join('\n')}
`;
    for (let i = 0; i < 3; i++) {
      const r = await runScenario({ source }, { signal: caller.signal });
      expect(r.scenarios[0].cells[0].sessions.map((s) => s.outcome)).toEqual(Array(12).fill('delivered'));
    }
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });
});
