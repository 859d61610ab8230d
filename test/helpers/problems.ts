import { formatDiagnostic, ScenarioError } from '../../src/scenario/diagnostics.js';
import { parseScenario, type LoadOptions } from '../../src/scenario/load.js';

/** The diagnostics `source` gets as file x.yaml, formatted as mxlab prints them; [] when it is valid. */
export function problems(source: string, options?: LoadOptions): string[] {
  try {
    parseScenario(source, 'x.yaml', options);
  } catch (err) {
    if (err instanceof ScenarioError) return err.diagnostics.map(formatDiagnostic);
    throw err;
  }
  return [];
}
