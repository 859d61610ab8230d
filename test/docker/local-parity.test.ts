import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/model/result.js';
import { runScenarios } from '../../src/run/runner.js';
import { loadScenario } from '../../src/scenario/load.js';
import { dockerAvailable, leftovers, root, runDocker } from './helpers.js';

const docker = dockerAvailable();
const files = readdirSync(join(root, 'scenarios')).filter((f) => f.endsWith('.yaml')).sort().map((f) => `scenarios/${f}`);

/** file | run | message → outcome/reason/tls */
function verdicts(r: RunResult): Record<string, string> {
  return Object.fromEntries(
    r.scenarios.flatMap((s) =>
      s.cells.flatMap((c) => c.sessions.map((m) => [`${s.file.replace(root + '/', '')} [${c.label}] ${m.message}`, `${m.outcome}/${m.reason}/tls=${m.tls}`])),
    ),
  );
}

describe.skipIf(!docker)('local-runtime scenarios under --runtime docker', () => {
  it('give the same verdicts as on the local runtime, and their expectations hold', async () => {
    const noop = () => {};
    const local = await runScenarios(await Promise.all(files.map((f) => loadScenario(resolve(root, f)))), {
      runtime: 'local',
      reporter: { onRunStart: noop, onProgress: noop, onCellStart: noop, onSession: noop, onCellEnd: noop, onRunEnd: noop },
    });
    const { result } = await runDocker(files);
    expect(result.scenarios.flatMap((s) => s.cells.map((c) => c.error)).filter(Boolean)).toEqual([]);
    expect(verdicts(result)).toEqual(verdicts(local));
    expect(Object.keys(verdicts(result)).length).toBeGreaterThan(10);
    expect(result.ok).toBe(true);
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  });
});
