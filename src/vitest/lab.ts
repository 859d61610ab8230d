import { test as base } from 'vitest';
import type { CellResult, RunResult, SessionResult } from '../model/result.js';
import { runScenario, type RunScenarioOptions } from '../run/run-scenario.js';
import type { ScenarioInput } from '../scenario/schema.js';
import { cellOf, sessionOf } from './session-of.js';

/** What a test gets as `lab`: the run's result, and its sessions and runs by name. */
export interface Lab {
  result: RunResult;
  /** the session of a message (in the run with that label, else the first run that has it); a broken run's error is thrown */
  session(message: string, cellLabel?: string): SessionResult;
  /** one run by its label (`''` without a matrix) */
  cell(cellLabel?: string): CellResult;
}

/**
 * `test`, extended with a `lab` fixture: the scenario (a file path, YAML text as `{ source }`, or
 * a scenario object as `{ scenario }`) runs once per test file, when the first test asks for
 * `lab`; its nodes are stopped when the run ends, and a run still going when the file is done is
 * aborted. Options as `runScenario`'s: `matrix`, `runtime`, `capture`, `update`, ….
 *
 *   const test = labTest('scenarios/seed-esa-behind-pix.yaml');
 *   test('masked outside', ({ lab }) => expect(lab.session('outside')).toHaveEhloLine('XXXXXXXA'));
 */
export function labTest(scenario: string | { source: string; file?: string } | { scenario: ScenarioInput; file?: string }, opts: RunScenarioOptions = {}) {
  return base.extend<{ lab: Lab }>({
    lab: [
      // eslint-disable-next-line no-empty-pattern -- vitest reads the fixture's dependencies from this pattern
      async ({}, use) => {
        const controller = new AbortController();
        const stop = () => controller.abort();
        opts.signal?.addEventListener('abort', stop, { once: true });
        try {
          const result = await runScenario(scenario, { ...opts, signal: controller.signal });
          await use({ result, session: (m, l) => sessionOf(result, m, l), cell: (l) => cellOf(result, l) });
        } finally {
          opts.signal?.removeEventListener('abort', stop);
          stop();
        }
      },
      { scope: 'file' },
    ],
  });
}
