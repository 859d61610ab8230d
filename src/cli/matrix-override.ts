import { didYouMean, type Diagnostic } from '../scenario/diagnostics.js';
import type { LoadedScenario } from '../scenario/load.js';
import { checkReferences } from '../scenario/references.js';
import { checkDevice } from '../run/device-check.js';

/**
 * Applies `--matrix key=v1,v2` to every scenario that has the node named in key, then validates
 * the result like the file itself (values are checked against the node's schema and device table).
 */
export function applyMatrixOverrides(scenarios: LoadedScenario[], specs: string[]): { ok: true } | { ok: false; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const key = spec.slice(0, eq).trim();
    const values = spec.slice(eq + 1).split(',').map((v) => v.trim()).filter(Boolean);
    if (eq < 1 || !values.length || !key.includes('.')) {
      diagnostics.push({ file: '--matrix', line: 1, col: 1, path: spec, message: `expected KEY=V1,V2 with KEY like fw.device, got "${spec}"` });
      continue;
    }
    const node = key.split('.')[0];
    const targets = scenarios.filter((l) => node in l.scenario.nodes);
    if (!targets.length) {
      const all = [...new Set(scenarios.flatMap((l) => Object.keys(l.scenario.nodes)))];
      diagnostics.push({ file: '--matrix', line: 1, col: 1, path: key, message: `expected a node of the scenarios, got "${node}"`, hint: didYouMean(node, all) });
    }
    for (const l of targets) {
      l.scenario.matrix = { ...l.scenario.matrix, [key]: values };
      // the expectations' `when` may name values the override removed: they simply select no run
      const errors = checkReferences(l.file, { ...l.scenario, expect: [] }, l.positions, l.source, checkDevice).filter((d) => d.path.startsWith('matrix'));
      diagnostics.push(...errors.map((d) => ({ ...d, file: `--matrix ${key} (${l.file})` })));
    }
  }
  return diagnostics.length ? { ok: false, diagnostics } : { ok: true };
}

