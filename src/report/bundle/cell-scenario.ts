import { Document, isMap, isSeq } from 'yaml';
import type { CellResult, ScenarioResult } from '../../model/result.js';

/**
 * The scenario one run ran, as a standalone YAML file: the matrix values applied (after
 * --matrix overrides), no matrix, only the run's expectations, each with its line in the
 * original file as a comment. `files` renames file references (golden files, config-file:, eml:) to their place in
 * the bundle. Undefined when the result holds no scenario for the cell.
 */
export function cellScenarioYaml(s: ScenarioResult, cell: CellResult, files: Map<string, string> = new Map()): string | undefined {
  if (!cell.scenario) return undefined;
  const scenario = structuredClone(cell.scenario) as typeof cell.scenario & { expect: Record<string, unknown>[] };
  for (const e of scenario.expect) if (typeof e.golden === 'string' && files.has(e.golden)) e.golden = files.get(e.golden);
  // pasted configs and real messages, as the bundle holds them
  for (const n of Object.values(scenario.nodes) as { 'config-file'?: string }[]) if (n['config-file'] && files.has(n['config-file'])) n['config-file'] = files.get(n['config-file']);
  for (const m of scenario.messages as { eml?: string }[]) if (m.eml && files.has(m.eml)) m.eml = files.get(m.eml);
  const doc = new Document(scenario);
  doc.commentBefore = [
    ` The scenario of one run, as mxlab ran it: ${s.file}${cell.label ? ` [${cell.label}]` : ''}`,
    ' (matrix values and --matrix overrides applied; only this run\'s expectations).',
    ' mxlab replay runs this file: edit it (a device, a config line) and replay to see what changes.',
  ].join('\n');
  const expect = doc.get('expect', true);
  if (isSeq(expect)) {
    expect.items.forEach((item, i) => {
      const line = cell.expectations[i]?.line;
      if (isMap(item) && line) item.commentBefore = ` ${s.file}:${line}`;
    });
  }
  return doc.toString({ lineWidth: 0 });
}
