import { didYouMean, type Diagnostic } from '../scenario/diagnostics.js';
import { addConfigFiles, type LoadedScenario } from '../scenario/load.js';
import { checkReferences } from '../scenario/references.js';
import { checkDevice } from './device-check.js';

export type MatrixValue = string | number | boolean;

/**
 * Replaces (or adds) matrix axes — `fw.device: ['pix 7.2(2)', 'asa 9.12(4)']` — in every scenario
 * that has the node named in the key, then validates the result like the file itself (values are
 * checked against the node's schema and device table). `source` names the override in diagnostics
 * (`--matrix` on the command line, `runScenario({ matrix })` in code).
 */
export async function overrideMatrix(scenarios: LoadedScenario[], axes: [key: string, values: MatrixValue[]][], source = '--matrix'): Promise<{ ok: true } | { ok: false; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  for (const [key, values] of axes) {
    if (!values.length || !/^[a-z][a-z0-9-]*\.[a-z-]+$/.test(key)) {
      diagnostics.push({ file: source, line: 1, col: 1, path: key, message: `expected a key like fw.device with at least one value, got "${key}" with ${values.length}` });
      continue;
    }
    const node = key.split('.')[0];
    const targets = scenarios.filter((l) => node in l.scenario.nodes);
    if (!targets.length) {
      const all = [...new Set(scenarios.flatMap((l) => Object.keys(l.scenario.nodes)))];
      diagnostics.push({ file: source, line: 1, col: 1, path: key, message: `expected a node of the scenarios, got "${node}"`, hint: didYouMean(node, all) });
    }
    for (const l of targets) {
      l.scenario.matrix = { ...l.scenario.matrix, [key]: values };
      // the expectations' `when` may name values the override removed: they simply select no run
      // a config-file axis names files to read (relative to the scenario, like its own)
      if (key.endsWith('.config-file')) await addConfigFiles(l.file, values.filter((v): v is string => typeof v === 'string'), l.configFiles);
      // the file itself was valid: what is wrong now is the override's — a value (matrix…), or a timeline
      // step some run now makes invalid (timeline…, "in the run …")
      const errors = checkReferences(l.file, { ...l.scenario, expect: [] }, l.positions, l.source, checkDevice, l.configFiles).filter((d) => (d.path.startsWith('matrix') || d.path.startsWith('timeline')) && d.severity !== 'warning');
      diagnostics.push(...errors.map((d) => ({ ...d, file: `${source} ${key} (${l.file})` })));
    }
  }
  return diagnostics.length ? { ok: false, diagnostics } : { ok: true };
}
