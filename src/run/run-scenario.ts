import { stringify } from 'yaml';
import { checkDevice } from './device-check.js';
import { overrideMatrix, type MatrixValue } from './matrix-override.js';
import type { RunResult } from '../model/result.js';
import { multiplex } from '../report/multiplex.js';
import type { Reporter } from '../report/types.js';
import type { RuntimeName } from '../runtime/index.js';
import { ScenarioError } from '../scenario/diagnostics.js';
import { loadScenario, loadScenarioText, type LoadedScenario } from '../scenario/load.js';
import type { ScenarioInput } from '../scenario/schema.js';
import { runScenarios } from './runner.js';

export interface RunScenarioOptions {
  /** where nodes run (default: the scenario's runtime:, else local) */
  runtime?: RuntimeName;
  /** replace or add matrix axes, like `--matrix`: `{ 'fw.device': ['pix 7.2(2)', 'asa 9.12(4)'] }` */
  matrix?: Record<string, MatrixValue[]>;
  /** `--shard i/n`: keep every n-th run from i (1-based) */
  shard?: { index: number; total: number };
  /** runs at once (default 2) */
  jobs?: number;
  /** write missing or changed golden files instead of failing, like `mxlab run --update` */
  update?: boolean;
  /** record every hop's raw bytes and TLS keys into the sessions (`wire`, `keylog`), like the pcap reporter */
  capture?: boolean;
  reporter?: Reporter;
  signal?: AbortSignal;
}

/**
 * Library entry: load (a file path, YAML text as `{ source }`, a scenario object as `{ scenario }`,
 * or an already loaded scenario) and run it. Throws ScenarioError (every problem at once) for
 * invalid input or overrides; never throws for failed expectations or a broken run (see the cells' `error`).
 */
export async function runScenario(
  input: string | { source: string; file?: string } | { scenario: ScenarioInput; file?: string } | LoadedScenario,
  opts: RunScenarioOptions = {},
): Promise<RunResult> {
  const loaded = await load(input);
  if (opts.matrix) {
    const applied = await overrideMatrix([loaded], Object.entries(opts.matrix), 'runScenario({ matrix })');
    if (!applied.ok) throw new ScenarioError(applied.diagnostics);
  }
  return runScenarios([loaded], {
    runtime: opts.runtime,
    jobs: opts.jobs,
    shard: opts.shard,
    signal: opts.signal,
    update: opts.update,
    capture: opts.capture,
    reporter: multiplex(opts.reporter ? [{ name: 'custom', reporter: opts.reporter }] : [], process.stderr),
  });
}

async function load(input: Parameters<typeof runScenario>[0]): Promise<LoadedScenario> {
  if (typeof input === 'string') return loadScenario(input, { checkDevice });
  if ('positions' in input) return input;
  // files it names (config-file:, eml:) are read relative to `file` (default: the working folder)
  if ('source' in input) return loadScenarioText(input.source, input.file ?? '<inline>', { checkDevice });
  // an object: as YAML, so its problems are reported with paths and positions like a file's
  return loadScenarioText(stringify(input.scenario), input.file ?? '<inline>', { checkDevice });
}
