import type { Diagnostic } from '../scenario/diagnostics.js';
import type { LoadedScenario } from '../scenario/load.js';
import { overrideMatrix, type MatrixValue } from '../run/matrix-override.js';

/** Applies `--matrix key=v1,v2` options (see run/matrix-override.ts); a malformed option is a diagnostic. */
export async function applyMatrixOverrides(scenarios: LoadedScenario[], specs: string[]): Promise<{ ok: true } | { ok: false; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const axes: [string, MatrixValue[]][] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const key = spec.slice(0, eq).trim();
    const values = spec.slice(eq + 1).split(',').map((v) => v.trim()).filter(Boolean);
    if (eq < 1 || !values.length || !key.includes('.')) {
      diagnostics.push({ file: '--matrix', line: 1, col: 1, path: spec, message: `expected KEY=V1,V2 with KEY like fw.device, got "${spec}"` });
      continue;
    }
    axes.push([key, values]);
  }
  const applied = await overrideMatrix(scenarios, axes);
  if (!applied.ok) diagnostics.push(...applied.diagnostics);
  return diagnostics.length ? { ok: false, diagnostics } : { ok: true };
}
