import { refuseArchive } from './bundle-guard.js';
import { applyMatrixOverrides } from './matrix-override.js';
import { scenarioFiles } from './scenario-files.js';
import { checkDevice } from '../run/device-check.js';
import { ScenarioError, formatDiagnostic, type Diagnostic } from '../scenario/diagnostics.js';
import { loadScenario, type LoadedScenario } from '../scenario/load.js';

/** Loads every file; returns the scenarios, or every diagnostic of every file. */
export async function loadAll(files: string[]): Promise<{ ok: true; scenarios: LoadedScenario[] } | { ok: false; diagnostics: Diagnostic[] }> {
  const scenarios: LoadedScenario[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    await refuseArchive(file);
    try {
      scenarios.push(await loadScenario(file, { checkDevice }));
    } catch (err) {
      if (err instanceof ScenarioError) diagnostics.push(...err.diagnostics);
      else throw err;
    }
  }
  return diagnostics.length ? { ok: false, diagnostics } : { ok: true, scenarios };
}

export function printDiagnostics(diagnostics: Diagnostic[], stderr: NodeJS.WritableStream): void {
  for (const d of diagnostics) stderr.write(formatDiagnostic(d) + '\n');
  const files = new Set(diagnostics.map((d) => d.file)).size;
  stderr.write(`\n${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}; nothing was run.\n`);
}

/** Prints the warnings of the loaded scenarios (they do not stop anything); returns how many. */
export function printWarnings(scenarios: LoadedScenario[], stream: NodeJS.WritableStream): number {
  let n = 0;
  for (const l of scenarios) {
    for (const d of l.warnings) {
      stream.write(formatDiagnostic(d) + '\n');
      n++;
    }
  }
  return n;
}

/**
 * What `run`, `validate` and `explain` do first: load the files or folders named on the command line and
 * apply the `--matrix` overrides. Prints the diagnostics and returns undefined when either step fails.
 */
export async function loadCommandScenarios(paths: string[], matrix: string[], stderr: NodeJS.WritableStream): Promise<LoadedScenario[] | undefined> {
  const loaded = await loadAll(await scenarioFiles(paths));
  const failed = !loaded.ok ? loaded : await applyMatrixOverrides(loaded.scenarios, matrix);
  if (!failed.ok) {
    printDiagnostics(failed.diagnostics, stderr);
    return undefined;
  }
  return loaded.ok ? loaded.scenarios : undefined;
}
