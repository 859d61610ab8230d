import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CellResult, ScenarioResult } from '../src/model/result.js';
import { cellScenarioYaml } from '../src/report/bundle/cell-scenario.js';
import { cellScenario, planCells } from '../src/run/plan.js';
import { scenarioFiles } from '../src/cli/scenario-files.js';
import { loadScenario, loadScenarioText } from '../src/scenario/load.js';
import { ROOT } from './helpers/cli.js';

/**
 * Every run of every scenario in scenarios/ (docker ones too) written as a bundle writes it
 * (runs/…/scenario.yaml) loads back to the very scenario that ran: what mxlab replay runs.
 */
describe('a bundle\'s per-run scenario.yaml round-trips for every scenario in scenarios/', async () => {
  const files = await scenarioFiles([join(ROOT, 'scenarios'), join(ROOT, 'scenarios/docker')]);
  it('finds the scenarios', () => expect(files.length).toBeGreaterThan(10));
  for (const file of files) {
    it(file.slice(ROOT.length), async () => {
      const loaded = await loadScenario(file);
      for (const plan of planCells(loaded)) {
        const ran = cellScenario(plan);
        const yaml = cellScenarioYaml({ file } as ScenarioResult, { label: plan.label, scenario: ran, expectations: [] } as unknown as CellResult);
        expect(yaml, plan.label).toBeDefined();
        const again = await loadScenarioText(yaml!, file);
        expect(again.scenario, `${file} [${plan.label}]`).toEqual(ran);
      }
    });
  }
});

describe('formatDuration writes ms back exactly as parseDuration reads them', () => {
  it('round-trips', async () => {
    const { formatDuration } = await import('../src/model/time.js');
    const { parseDuration } = await import('../src/scenario/duration.js');
    for (const ms of [0, 1, 250, 1000, 1250, 59_999, 60_000, 300_000, 5_400_000, 14_400_000, 90_061_001, 366 * 86_400_000]) {
      const text = formatDuration(ms);
      expect(parseDuration(text), `${ms} → ${text}`).toBe(ms);
    }
    expect([formatDuration(300_000), formatDuration(5_400_000), formatDuration(1250), formatDuration(0)]).toEqual(['5m', '1h30m', '1s250ms', 0]);
  });
});
