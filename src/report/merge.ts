import type { CellResult, RunResult, ScenarioResult } from '../model/result.js';

/**
 * Joins the results of a sharded run (`--shard I/N` on N workers, each writing its result.json)
 * into one: the runs of a scenario (same file) from every part, in matrix order; the summary
 * counted again; the earliest start and the latest end. `notes` says what looks wrong: a shard
 * missing or given twice, a run present in two parts (kept once), different mxlab versions.
 */
export function mergeResults(parts: RunResult[], command?: string[]): { result: RunResult; notes: string[] } {
  const notes: string[] = [];
  const versions = [...new Set(parts.map((p) => p.mxlab))];
  if (versions.length > 1) notes.push(`the parts were written by different mxlab versions (${versions.join(', ')})`);
  const totals = [...new Set(parts.flatMap((p) => (p.shard ? [p.shard.total] : [])))];
  if (totals.length > 1) notes.push(`the parts come from different splits (--shard …/${totals.join(', …/')})`);
  else if (totals.length === 1) {
    const total = totals[0];
    const seen = parts.flatMap((p) => (p.shard ? [p.shard.index] : []));
    const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !seen.includes(i));
    const twice = [...new Set(seen.filter((i, k) => seen.indexOf(i) !== k))];
    if (missing.length) notes.push(`shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${total}`).join(', ')} missing: its runs are not in this report`);
    if (twice.length) notes.push(`shard${twice.length === 1 ? '' : 's'} ${twice.map((i) => `${i}/${total}`).join(', ')} given more than once`);
  }

  const byFile = new Map<string, ScenarioResult>();
  const keys = new Map<string, Set<string>>();
  for (const part of parts) {
    for (const s of part.scenarios) {
      let into = byFile.get(s.file);
      if (!into) {
        into = { ...s, cells: [] };
        byFile.set(s.file, into);
        keys.set(s.file, new Set());
      }
      for (const c of s.cells) {
        const key = c.label;
        if (keys.get(s.file)!.has(key)) {
          notes.push(`${s.file}${c.label ? ` [${c.label}]` : ''} is in more than one part: kept once`);
          continue;
        }
        keys.get(s.file)!.add(key);
        into.cells.push(c);
      }
    }
  }
  const scenarios = [...byFile.values()].map((s) => {
    const cells = [...s.cells].sort(byIndex);
    return { ...s, cells, ok: cells.every((c) => c.ok) };
  });
  const starts = parts.map((p) => Date.parse(p.startedAt)).filter(Number.isFinite);
  const ends = parts.map((p) => Date.parse(p.startedAt) + p.durationMs).filter(Number.isFinite);
  const start = starts.length ? Math.min(...starts) : Date.now();
  const result: RunResult = {
    mxlab: versions[0] ?? '',
    ...(command ? { command } : {}),
    startedAt: new Date(start).toISOString(),
    durationMs: ends.length ? Math.max(...ends) - start : 0,
    ok: scenarios.every((s) => s.ok),
    summary: summarise(scenarios),
    scenarios,
  };
  return { result, notes };
}

/** Runs in matrix order; runs written before cells had an index keep their order, after those with one. */
function byIndex(a: CellResult, b: CellResult): number {
  return (a.index ?? Number.MAX_SAFE_INTEGER) - (b.index ?? Number.MAX_SAFE_INTEGER);
}

export function summarise(scenarios: ScenarioResult[]): RunResult['summary'] {
  const cells = scenarios.flatMap((s) => s.cells);
  const expectations = cells.flatMap((c) => c.expectations);
  return {
    scenarios: scenarios.length,
    cells: cells.length,
    expectations: expectations.length,
    failed: expectations.filter((e) => !e.ok).length,
    errors: cells.filter((c) => c.error).length,
  };
}
