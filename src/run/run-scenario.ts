import { checkDevice } from './device-check.js';
import type { RunResult } from '../model/result.js';
import { multiplex } from '../report/multiplex.js';
import type { Reporter } from '../report/types.js';
import type { RuntimeName } from '../runtime/index.js';
import { loadScenario, parseScenario, type LoadedScenario } from '../scenario/load.js';
import { runScenarios } from './runner.js';

/**
 * Library entry: load (file path, YAML text with `{ source }`, or an already loaded scenario)
 * and run one scenario. Throws ScenarioError for invalid input; never throws for failed expectations.
 */
export async function runScenario(
  input: string | { source: string; file?: string } | LoadedScenario,
  opts: { runtime?: RuntimeName; jobs?: number; reporter?: Reporter; signal?: AbortSignal } = {},
): Promise<RunResult> {
  const loaded =
    typeof input === 'string'
      ? await loadScenario(input, { checkDevice })
      : 'scenario' in input
        ? input
        : parseScenario(input.source, input.file ?? '<inline>', { checkDevice });
  return runScenarios([loaded], {
    runtime: opts.runtime,
    jobs: opts.jobs,
    signal: opts.signal,
    reporter: multiplex(opts.reporter ? [{ name: 'custom', reporter: opts.reporter }] : [], process.stderr),
  });
}
