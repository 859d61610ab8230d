import { Document, isMap, isSeq } from 'yaml';
import type { CellResult, ScenarioResult } from '../../model/result.js';
import { formatDuration } from '../../model/time.js';

/**
 * The scenario one run ran, as a standalone YAML file: the matrix values applied (after
 * --matrix overrides), no matrix, only the run's expectations, each with its line in the
 * original file as a comment. `files` renames file references (golden files, config-file:, eml:, build:) to their place in
 * the bundle. Undefined when the result holds no scenario for the cell.
 */
export function cellScenarioYaml(s: ScenarioResult, cell: CellResult, files: Map<string, string> = new Map()): string | undefined {
  if (!cell.scenario) return undefined;
  const scenario = structuredClone(cell.scenario) as typeof cell.scenario & { expect: Record<string, unknown>[] };
  for (const e of scenario.expect) if (typeof e.golden === 'string' && files.has(e.golden)) e.golden = files.get(e.golden);
  // pasted configs and real messages, as the bundle holds them
  for (const n of Object.values(scenario.nodes) as { 'config-file'?: string; build?: string }[]) {
    if (n['config-file'] && files.has(n['config-file'])) n['config-file'] = files.get(n['config-file']);
    if (n.build && files.has(n.build)) n.build = files.get(n.build);
  }
  for (const m of scenario.messages as { eml?: string }[]) if (m.eml && files.has(m.eml)) m.eml = files.get(m.eml);
  // durations are held in ms; the file says them as a scenario does (the schema reads 5m, not 300000)
  writeDurations(scenario);
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

/** Every duration field of the schema (sender retry: and queue-lifetime:, expectations' delivered-after:, timeline at:) back in duration form. */
function writeDurations(scenario: { nodes: object; expect: object[]; timeline?: object[] }): void {
  const back = (v: unknown) => (typeof v === 'number' ? formatDuration(v) : v);
  for (const n of Object.values(scenario.nodes) as Record<string, unknown>[]) {
    if (Array.isArray(n.retry)) n.retry = n.retry.map(back);
    if (n['queue-lifetime'] !== undefined) n['queue-lifetime'] = back(n['queue-lifetime']);
  }
  for (const e of scenario.expect as Record<string, unknown>[]) if (e['delivered-after'] !== undefined) e['delivered-after'] = back(e['delivered-after']);
  for (const t of (scenario.timeline ?? []) as Record<string, unknown>[]) t.at = back(t.at);
}
